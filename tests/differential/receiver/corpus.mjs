// The differential corpus: >= 1,000 valid and invalid `Upstash-Signature` cases.
//
// Half of the base tokens are minted by OUR Rust `signing::sign` (examples/mint_corpus.rs), half
// the way the official SDK's own tests mint them (jose 5 `SignJWT`, body hash from node:crypto;
// see qstash-js `src/receiver.test.ts`). Unusual tokens that neither `SignJWT` nor our `Claims`
// can express (non-object payloads, odd headers, wrong claim types) are MACed with node:crypto.
// Each base token is then verified under several request scenarios and token mutations.

import { createHash, createHmac } from "node:crypto";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { pathToFileURL } from "node:url";

export const KEYS = {
  current: "sig_7kYjw48mhY7kAjqNGcy6cr29RJ6r",
  next: "sig_5ZB6DVzB1wjE8S6rZ7eenA8Pdnhs",
  other: "sig_3nFtFq3wP6ykV8Fz1Q2gHcJsYbmt",
};

const URLS = [
  "https://example.com/api/webhook",
  "https://example.com/a?b=c&d=\u00e9#frag",
  "http://127.0.0.1:3000/x",
];

const BODIES = [
  "",
  "hello",
  '{"a":1,"b":[true,null]}',
  "\u00fcn\u00efc\u00f6d\u00e9 \u{1F600} \u0000 tail",
  "x".repeat(20000),
  // Large enough for the package to hash on the host (node:crypto) rather than in wasm, and
  // not ASCII, so the host's UTF-8 encoding is part of what must agree.
  "gr\u00fc\u00dfe \u{1F600} \u20ac ".repeat(6000),
];

/** jose 5, exactly the copy the official SDK resolves (not the workspace's jose 6). */
export async function officialJose() {
  const require = createRequire(import.meta.url);
  const sdkRequire = createRequire(require.resolve("@upstash/qstash"));
  return import(pathToFileURL(sdkRequire.resolve("jose")).href);
}

const b64url = (bytes) => Buffer.from(bytes).toString("base64url");
export const bodyHash = (body, padded) =>
  createHash("sha256").update(body).digest("base64url") + (padded ? "=" : "");

/** A token over raw header/payload text, MACed with node:crypto (for shapes SignJWT refuses). */
export function rawToken(key, header, payload, hash = "sha256") {
  const input = `${b64url(header)}.${b64url(payload)}`;
  return `${input}.${createHmac(hash, key).update(input).digest("base64url")}`;
}

/** Base token specs both minters can express (every claim present, integer times). */
function gridSpecs(now) {
  const times = [
    { name: "valid", iat: now, exp: now + 300, nbf: 0 },
    { name: "exp=now", iat: now - 300, exp: now, nbf: 0 },
    { name: "exp=now+1", iat: now - 299, exp: now + 1, nbf: 0 },
    { name: "exp=now-5", iat: now - 305, exp: now - 5, nbf: 0 },
    { name: "nbf=now+1", iat: now, exp: now + 300, nbf: now + 1 },
    { name: "nbf=now", iat: now, exp: now + 300, nbf: now },
    { name: "old", iat: now - 1000, exp: now - 700, nbf: 0 },
    { name: "nbf=now+5", iat: now, exp: now + 300, nbf: now + 5 },
  ];
  const specs = [];
  let i = 0;
  for (const alg of ["HS256", "HS384", "HS512"]) {
    for (const signer of ["current", "next", "other"]) {
      for (const t of times) {
        const body = BODIES[i % BODIES.length];
        const url = URLS[i % URLS.length];
        specs.push({
          name: `${alg}/${signer}/${t.name}`,
          key: KEYS[signer],
          alg,
          body,
          url,
          claims: {
            iss: "Upstash",
            sub: url,
            exp: t.exp,
            nbf: t.nbf,
            iat: t.iat,
            jti: `jwt_${i}`,
            body: bodyHash(body, i % 2 === 0),
          },
        });
        i++;
      }
    }
  }
  // Claim-value variants.
  const base = (name, patch) => {
    const body = BODIES[i % BODIES.length];
    const url = URLS[i % URLS.length];
    i++;
    return {
      name,
      key: KEYS.current,
      alg: "HS256",
      body,
      url,
      claims: {
        iss: "Upstash",
        sub: url,
        exp: now + 300,
        nbf: 0,
        iat: now,
        jti: `jwt_${i}`,
        body: bodyHash(body, true),
        ...patch(body, url),
      },
    };
  };
  specs.push(base("iss=upstash", () => ({ iss: "upstash" })));
  specs.push(base("iss=empty", () => ({ iss: "" })));
  specs.push(base("iss=Upstash+space", () => ({ iss: "Upstash " })));
  specs.push(base("body=wrong", () => ({ body: bodyHash("something else", true) })));
  specs.push(base("body=double-pad", (b) => ({ body: bodyHash(b, false) + "==" })));
  specs.push(base("body=leading-pad", (b) => ({ body: "=" + bodyHash(b, false) })));
  specs.push(base("body=std-alphabet", (b) => ({ body: createHash("sha256").update(b).digest("base64") })));
  specs.push(base("sub=other", () => ({ sub: "https://other.example/" })));
  specs.push(base("sub=empty", () => ({ sub: "" })));
  specs.push(base("jti=unicode", () => ({ jti: "jwt_\u00e9\u{1F600}\"\\" })));
  return specs;
}

/** Tokens only jose/node:crypto can mint: missing claims, wrong types, odd headers. */
function joseOnlySpecs(now) {
  const url = URLS[0];
  const body = BODIES[2];
  const hash = bodyHash(body, true);
  const H = '{"alg":"HS256","typ":"JWT"}';
  const P = (extra) =>
    JSON.stringify({ iss: "Upstash", sub: url, body: hash, ...extra });
  const list = [
    ["only-iss-sub-body", H, P({})],
    ["exp-string", H, P({ exp: String(now + 300) })],
    ["exp-float-future", H, P({ exp: now + 0.5 })],
    ["exp-float-past", H, P({ exp: now - 0.5 })],
    ["exp-float-now+tol-edge", H, P({ exp: now - 2.5 })],
    ["exp-huge", H, `{"iss":"Upstash","sub":"${url}","body":"${hash}","exp":1e400}`],
    ["exp-neg-huge", H, `{"iss":"Upstash","sub":"${url}","body":"${hash}","exp":-1e400}`],
    ["exp-null", H, P({ exp: null })],
    ["exp-bool", H, P({ exp: true })],
    ["nbf-null", H, P({ nbf: null })],
    ["nbf-string", H, P({ nbf: "0" })],
    ["nbf-float-future", H, P({ nbf: now + 0.5 })],
    ["nbf-neg-huge", H, `{"iss":"Upstash","sub":"${url}","body":"${hash}","nbf":-1e400}`],
    ["iat-string", H, P({ iat: "1" })],
    ["iat-future", H, P({ iat: now + 10000 })],
    ["iat-object", H, P({ iat: {} })],
    ["iss-missing", H, JSON.stringify({ sub: url, body: hash })],
    ["iss-number", H, P({ iss: 1 })],
    ["iss-array", H, P({ iss: ["Upstash"] })],
    ["iss-null", H, P({ iss: null })],
    ["iss-escaped", H, `{"iss":"Up\\u0073tash","sub":"${url}","body":"${hash}"}`],
    ["iss-lone-surrogate", H, `{"iss":"Upstash\\ud800","sub":"${url}","body":"${hash}"}`],
    ["dup-iss-last-wins", H, `{"iss":"nope","sub":"${url}","body":"${hash}","iss":"Upstash"}`],
    ["dup-iss-last-loses", H, `{"iss":"Upstash","sub":"${url}","body":"${hash}","iss":"nope"}`],
    ["payload-array", H, "[1,2]"],
    ["payload-string", H, '"Upstash"'],
    ["payload-null", H, "null"],
    ["payload-not-json", H, "not json"],
    ["payload-trailing-comma", H, `{"iss":"Upstash",}`],
    ["payload-bom", H, "\ufeff" + P({})],
    ["payload-deep", H, `{"iss":"Upstash","sub":"${url}","body":"${hash}","x":${"[".repeat(5000)}${"]".repeat(5000)}}`],
    ["payload-unbalanced", H, `{"iss":"Upstash","x":${"[".repeat(50)}}`],
    ["body-missing", H, JSON.stringify({ iss: "Upstash", sub: url })],
    ["body-number", H, JSON.stringify({ iss: "Upstash", sub: url, body: 5 })],
    ["body-null", H, JSON.stringify({ iss: "Upstash", sub: url, body: null })],
    ["sub-missing", H, JSON.stringify({ iss: "Upstash", body: hash })],
    ["sub-number", H, JSON.stringify({ iss: "Upstash", sub: 5, body: hash })],
    ["aud-empty", H, P({ aud: "" })],
    ["header-kid", '{"alg":"HS256","typ":"JWT","kid":"k1"}', P({})],
    ["header-no-typ", '{"alg":"HS256"}', P({})],
    ["header-typ-weird", '{"alg":"HS256","typ":"nope"}', P({})],
    ["header-dup-alg", '{"alg":"none","alg":"HS256"}', P({})],
    ["header-crit-b64-false", '{"alg":"HS256","crit":["b64"],"b64":false}', P({})],
    ["header-crit-b64-true", '{"alg":"HS256","crit":["b64"],"b64":true}', P({})],
    ["header-crit-b64-missing", '{"alg":"HS256","crit":["b64"]}', P({})],
    ["header-crit-b64-string", '{"alg":"HS256","crit":["b64"],"b64":"x"}', P({})],
    ["header-crit-unknown", '{"alg":"HS256","crit":["exp"]}', P({})],
    ["header-crit-empty", '{"alg":"HS256","crit":[]}', P({})],
    ["header-crit-null", '{"alg":"HS256","crit":null}', P({})],
    ["header-b64-false-no-crit", '{"alg":"HS256","b64":false}', P({})],
    ["header-alg-missing", '{"typ":"JWT"}', P({})],
    ["header-alg-empty", '{"alg":""}', P({})],
    ["header-alg-number", '{"alg":256}', P({})],
    ["header-alg-lower", '{"alg":"hs256"}', P({})],
    ["header-alg-HS1", '{"alg":"HS1"}', P({})],
    ["header-alg-dir", '{"alg":"dir"}', P({})],
    ["header-alg-A128KW", '{"alg":"A128KW"}', P({})],
    ["header-alg-RS256", '{"alg":"RS256"}', P({})],
    ["header-alg-none", '{"alg":"none"}', P({})],
    ["header-string", '"HS256"', P({})],
    ["header-array", '["HS256"]', P({})],
    ["header-not-json", "{alg:HS256}", P({})],
    ["header-bom", '\ufeff{"alg":"HS256"}', P({})],
  ];
  const specs = list.map(([name, header, payload]) => ({
    name: `raw/${name}`,
    key: KEYS.current,
    body,
    url,
    token: rawToken(KEYS.current, header, payload),
  }));
  // Header says one HMAC, MAC made with another.
  specs.push({
    name: "raw/alg-HS384-mac-HS256",
    key: KEYS.current,
    body,
    url,
    token: rawToken(KEYS.current, '{"alg":"HS384"}', P({})),
  });
  for (const [alg, hash] of [["HS384", "sha384"], ["HS512", "sha512"]]) {
    specs.push({
      name: `raw/${alg}-next-key`,
      key: KEYS.next,
      body,
      url,
      token: rawToken(KEYS.next, `{"alg":"${alg}"}`, P({ exp: now + 60 }), hash),
    });
  }
  // alg none with an empty signature: the classic bypass.
  specs.push({
    name: "raw/alg-none-unsigned",
    key: KEYS.current,
    body,
    url,
    token: `${b64url('{"alg":"none","typ":"JWT"}')}.${b64url(P({}))}.`,
  });
  return specs;
}

/** Token-string mutations of a valid token. */
function mutations(token, other) {
  const [h, p, s] = token.split(".");
  const flip = (str, at) => {
    const i = Math.min(Math.max(at, 0), str.length - 1);
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const c = alphabet.indexOf(str[i]);
    return str.slice(0, i) + alphabet[(c + 32) % 64] + str.slice(i + 1);
  };
  const [, op] = other.split(".");
  return [
    ["flip-header", `${flip(h, 3)}.${p}.${s}`],
    ["flip-payload", `${h}.${flip(p, p.length >> 1)}.${s}`],
    ["flip-signature", `${h}.${p}.${flip(s, 7)}`],
    ["flip-signature-last", `${h}.${p}.${flip(s, s.length - 1)}`],
    ["sig-pad-1", `${h}.${p}.${s}=`],
    ["sig-pad-2", `${h}.${p}.${s}==`],
    ["sig-garbage-tail", `${h}.${p}.${s}!!`],
    ["sig-space", `${h}.${p}. ${s}`],
    ["sig-std-alphabet", `${h}.${p}.${s.replaceAll("-", "+").replaceAll("_", "/")}`],
    ["sig-extra-char", `${h}.${p}.${s}A`],
    ["sig-truncated", `${h}.${p}.${s.slice(0, -1)}`],
    ["sig-empty", `${h}.${p}.`],
    ["two-segments", `${h}.${p}`],
    ["four-segments", `${token}.x`],
    ["swapped-payload", `${h}.${op}.${s}`],
    ["header-padded", `${h}=.${p}.${s}`],
    ["payload-padded", `${h}.${p}=.${s}`],
    ["lowercased", token.toLowerCase()],
    ["whitespace-around", ` ${token} `],
  ];
}

/** Deterministic PRNG (mulberry32), so a failing case reproduces. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Characters Node's base64 decoder treats specially: '=' stops it, bytes outside the alphabet
// are skipped, a UTF-16 unit above 0xFF counts as its low byte ('\u0141' reads as 'A', the
// emoji's surrogates as '=' and NUL). No lone surrogates: they cannot cross into Rust intact.
const NOISE = [..."=.+/-_ \t\n!~AZaz09", "\u00e9", "\u0141", "\u20ac", "\u{1F600}", "\u00c1", "\u0000"];

/** Random edits of a valid token: mostly in the signature, where decoding leniency matters. */
function fuzz(token, count, seed) {
  const rand = prng(seed);
  const pick = (xs) => xs[Math.floor(rand() * xs.length)];
  const out = [];
  for (let n = 0; n < count; n++) {
    let [h, p, sig] = token.split(".");
    const edits = 1 + Math.floor(rand() * 3);
    const target = rand() < 0.8 ? "sig" : pick(["h", "p", "all"]);
    for (let e = 0; e < edits; e++) {
      const edit = (str) => {
        const at = Math.floor(rand() * (str.length + 1));
        switch (pick(["insert", "insert", "append", "delete", "replace"])) {
          case "insert":
            return str.slice(0, at) + pick(NOISE) + str.slice(at);
          case "append":
            return str + pick(NOISE);
          case "delete":
            return str.slice(0, at) + str.slice(at + 1);
          default:
            return str.slice(0, at) + pick(NOISE) + str.slice(at + 1);
        }
      };
      if (target === "sig") sig = edit(sig);
      else if (target === "h") h = edit(h);
      else if (target === "p") p = edit(p);
      else [h, p, sig] = edit(`${h}.${p}.${sig}`).split(".").concat(["", "", ""]).slice(0, 3);
    }
    out.push(`${h}.${p}.${sig}`);
  }
  return out;
}

const GARBAGE = [
  "",
  ".",
  "..",
  "...",
  "a.b.c",
  "not a jwt",
  "eyJhbGciOiJIUzI1NiJ9..",
  "e30.e30.",
  "\u00e9\u{1F600}.\u0000.\uffff",
  "x".repeat(100000),
  ".".repeat(5000),
];

/**
 * Build the corpus. `mintOurs(specs) -> Promise<string[]>` mints with our Rust `sign`.
 * Returns `[{ id, source, signature, body, url?, clockTolerance?, currentSigningKey,
 * nextSigningKey }]`.
 */
export async function buildCorpus(now, mintOurs) {
  const jose = await officialJose();
  const specs = gridSpecs(now);
  const ours = await mintOurs(
    specs.map((s) => ({ key: s.key, alg: s.alg, claims: s.claims })),
  );
  const joseTokens = [];
  for (const s of specs) {
    const { iss, sub, exp, nbf, iat, jti, body } = s.claims;
    joseTokens.push(
      await new jose.SignJWT({ body })
        .setProtectedHeader({ alg: s.alg, typ: "JWT" })
        .setIssuer(iss)
        .setSubject(sub)
        .setExpirationTime(exp)
        .setNotBefore(nbf)
        .setIssuedAt(iat)
        .setJti(jti)
        .sign(new TextEncoder().encode(s.key)),
    );
  }

  const cases = [];
  const add = (id, source, c) =>
    cases.push({
      id,
      source,
      currentSigningKey: KEYS.current,
      nextSigningKey: KEYS.next,
      ...c,
    });

  const scenarios = (spec) => [
    ["ok", { body: spec.body, url: spec.url }],
    ["no-url", { body: spec.body }],
    ["url-trailing-slash", { body: spec.body, url: spec.url + "/" }],
    ["url-empty", { body: spec.body, url: "" }],
    ["body-wrong", { body: spec.body + " ", url: spec.url }],
    ["tol-1", { body: spec.body, url: spec.url, clockTolerance: 1 }],
    ["tol-5", { body: spec.body, url: spec.url, clockTolerance: 5 }],
    ["tol-6", { body: spec.body, url: spec.url, clockTolerance: 6 }],
    ["keys-swapped", { body: spec.body, url: spec.url, currentSigningKey: KEYS.next, nextSigningKey: KEYS.current }],
    ["keys-neither", { body: spec.body, url: spec.url, currentSigningKey: KEYS.other + "x", nextSigningKey: KEYS.next + "x" }],
    ["keys-same-current", { body: spec.body, url: spec.url, currentSigningKey: KEYS.current, nextSigningKey: KEYS.current }],
  ];

  for (const [source, tokens] of [["ours", ours], ["jose", joseTokens]]) {
    specs.forEach((spec, i) => {
      const token = tokens[i];
      for (const [name, c] of scenarios(spec)) {
        add(`${source}/${spec.name}/${name}`, source, { signature: token, ...c });
      }
      // Token mutations on a valid-at-now spec; `other` is a different valid token.
      if (spec.name.endsWith("/valid") || spec.name.startsWith("iss") || spec.name.startsWith("body")) {
        const other = tokens[(i + 1) % tokens.length];
        for (const [m, signature] of mutations(token, other)) {
          add(`${source}/${spec.name}/mut-${m}`, source, { signature, body: spec.body, url: spec.url });
        }
      }
    });
  }

  for (const spec of joseOnlySpecs(now)) {
    for (const [name, c] of [
      ["ok", { body: spec.body, url: spec.url }],
      ["no-url", { body: spec.body }],
      ["body-wrong", { body: spec.body + "!", url: spec.url }],
      ["tol-3", { body: spec.body, url: spec.url, clockTolerance: 3 }],
      ["keys-swapped", { body: spec.body, url: spec.url, currentSigningKey: KEYS.next, nextSigningKey: KEYS.current }],
    ]) {
      add(`jose/${spec.name}/${name}`, "jose", { signature: spec.token, ...c });
    }
  }

  GARBAGE.forEach((g, i) => add(`garbage/${i}`, "garbage", { signature: g, body: "", url: URLS[0] }));

  // Seeded random edits of valid tokens (both minters, all three algorithms).
  specs.forEach((spec, i) => {
    if (!spec.name.endsWith("/valid") || spec.name.includes("/other/")) return;
    for (const [source, tokens] of [["ours", ours], ["jose", joseTokens]]) {
      fuzz(tokens[i], 60, 1000 + i * 2 + (source === "ours" ? 0 : 1)).forEach((signature, n) =>
        add(`fuzz/${source}/${spec.name}/${n}`, "fuzz", { signature, body: spec.body, url: spec.url }),
      );
    }
  });
  return cases;
}
