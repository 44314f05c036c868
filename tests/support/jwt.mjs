// QStash delivery tokens minted in Node for the JS suites that check a Receiver against
// hand-made tokens (parity, differential). The Rust suites sign with the crate's own `sign`;
// tests/runtime/tokens.mjs mints with Web Crypto because it also runs in Deno, workerd
// and Chromium, where this file is not reachable.
import { createHash, createHmac, randomBytes } from "node:crypto";

const b64url = (value) => Buffer.from(value).toString("base64url");

/**
 * An HS256 JWT with QStash's claims (`iss`, `sub`, `exp` 5 minutes ahead, `nbf`, `iat`, `jti`,
 * `body` = base64url SHA-256 of `body`), signed with the UTF-8 bytes of `key`; `claims`
 * overrides or adds any of them, `header` replaces the JOSE header.
 *
 * @example
 *   const signature = signToken({ key: "sig_current", url: "https://example.com/api", body: "hi" });
 */
export function signToken({ key, url, body, claims = {}, header = { alg: "HS256", typ: "JWT" } }) {
  const now = Math.floor(Date.now() / 1000);
  const payload = {
    iss: "Upstash",
    sub: url,
    exp: now + 300,
    nbf: now,
    iat: now,
    jti: `jwt_${randomBytes(6).toString("hex")}`,
    body: createHash("sha256").update(body).digest("base64url"),
    ...claims,
  };
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  return `${input}.${createHmac("sha256", Buffer.from(key, "utf8")).update(input).digest("base64url")}`;
}
