// Tokens for the runtime suites, minted with Web Crypto (HMAC + SHA-256) as QStash signs them,
// never with our own signer. Beside the suites (not in suites/, where every file is a suite).

const enc = new TextEncoder();

export function b64url(bytes) {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The `body` claim: SHA-256 of the body's UTF-8 (or raw bytes), unpadded unless `pad`. */
export async function bodyHash(body, { pad = false } = {}) {
  const bytes = typeof body === "string" ? enc.encode(body) : body;
  const h = b64url(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)));
  return pad ? h + "=" : h;
}

const HASH = { HS256: "SHA-256", HS384: "SHA-384", HS512: "SHA-512" };

/** A JWT over `claims`, signed with `key` (its UTF-8) by `alg`. */
export async function mint(key, claims, alg = "HS256") {
  const header = b64url(enc.encode(JSON.stringify({ alg, typ: "JWT" })));
  const payload = b64url(enc.encode(JSON.stringify(claims)));
  const k = await crypto.subtle.importKey("raw", enc.encode(key), { name: "HMAC", hash: HASH[alg] }, false, ["sign"]);
  const sig = new Uint8Array(await crypto.subtle.sign("HMAC", k, enc.encode(`${header}.${payload}`)));
  return `${header}.${payload}.${b64url(sig)}`;
}
