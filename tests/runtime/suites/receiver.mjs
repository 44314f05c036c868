// Receiver and error classes, run in every runtime against the installed package.
// Tokens are minted with Web Crypto (../tokens.mjs), never with our own signer.
import { bodyHash, mint } from "../tokens.mjs";

const enc = new TextEncoder();
const CURRENT = "sig_current_7kYjw48mhY7kAjqNGcy6";
const NEXT = "sig_next_5ZB6DVzB1wjE8S6rZ7eenA8P";
const URL_ = "https://example.com/api/webhook";

async function claimsFor(body, extra = {}) {
  const now = Math.floor(Date.now() / 1000);
  return { iss: "Upstash", sub: URL_, exp: now + 300, nbf: now, iat: now, jti: "jwt_test", body: await bodyHash(body), ...extra };
}

export async function run(lib, ctx) {
  // The main entry, then the receiver-only entry `qstash-wasm/receiver` (the runners pass it
  // as `lib.receiverEntry`): every Receiver test runs against both.
  await receiverTests(lib, ctx, lib, "");
  const { test, assert } = ctx;
  const only = lib.receiverEntry;
  test("qstash-wasm/receiver is loaded and exports only Receiver and SignatureError", async () => {
    assert.ok(only, "the runner did not import qstash-wasm/receiver");
    assert.equal(Object.keys(only).sort().join(","), "Receiver,SignatureError");
    assert.equal(only.SignatureError, lib.SignatureError, "one SignatureError class for both entries");
    assert.ok(only.Receiver !== lib.Receiver, "its own Receiver (over the receiver-only wasm)");
  });
  if (only) await receiverTests(only, ctx, lib, "qstash-wasm/receiver: ");
}

/** Large bodies: hashed by the host (node:crypto or Web Crypto) rather than in wasm where the
 * runtime allows; the results must be the same as for small ones. */
function largeBodyTests(Receiver, SignatureError, { test, assert }, expectSignatureError) {
  const receiver = new Receiver({ currentSigningKey: CURRENT, nextSigningKey: NEXT });
  const sizes = [
    ["64 KiB ASCII", "a".repeat(64 * 1024)],
    ["1 MiB ASCII", "b".repeat(1024 * 1024)],
    // Multi-byte UTF-8 and a lone surrogate (encoded as U+FFFD by TextEncoder, node:crypto and wasm alike).
    ["200 KiB non-ASCII", "gr\u00fc\u00dfe \u{1F600} \ud800 ".repeat(15000)],
  ];
  for (const [label, body] of sizes) {
    test(`large body ${label}: valid (verify, verifySync, bytes) and tampered`, async () => {
      const sig = await mint(CURRENT, await claimsFor(body));
      assert.equal(await receiver.verify({ signature: sig, body, url: URL_ }), true, "verify");
      assert.equal(receiver.verifySync({ signature: sig, body, url: URL_ }), true, "verifySync");
      const bytes = enc.encode(body);
      assert.equal(await receiver.verify({ signature: sig, body: bytes }), true, "Uint8Array");
      assert.equal(receiver.verifySync({ signature: sig, body: bytes.buffer }), true, "ArrayBuffer");
      const tampered = body.slice(0, -1) + (body.at(-1) === "x" ? "y" : "x");
      const want = (await claimsFor(body)).body;
      const got = await bodyHash(tampered);
      for (const e of [
        await expectSignatureError(() => receiver.verify({ signature: sig, body: tampered }), "ERR_BODY_MISMATCH"),
        await expectSignatureError(() => receiver.verifySync({ signature: sig, body: enc.encode(tampered) }), "ERR_BODY_MISMATCH"),
      ]) {
        assert.equal(e.message, `body hash does not match, want: ${want}, got: ${got}`);
      }
    });
  }
  test("large body: wrong key and expired reject as for small bodies", async () => {
    const body = "c".repeat(256 * 1024);
    const small = "c";
    const now = Math.floor(Date.now() / 1000);
    const expired = { exp: now - 10, nbf: now - 400, iat: now - 400 };
    const cases = [
      ["wrong key", "sig_someone_else", {}, undefined],
      ["expired", CURRENT, expired, "ERR_JWT_EXPIRED"],
    ];
    for (const [what, key, extra, code] of cases) {
      const big = await expectSignatureError(
        async () => receiver.verify({ signature: await mint(key, await claimsFor(body, extra)), body }),
        code,
      );
      const bigSync = await expectSignatureError(
        async () => receiver.verifySync({ signature: await mint(key, await claimsFor(body, extra)), body }),
        code,
      );
      const little = await expectSignatureError(
        async () => receiver.verify({ signature: await mint(key, await claimsFor(small, extra)), body: small }),
        code,
      );
      assert.equal(big.code, little.code, `${what}: code as for a small body`);
      assert.equal(bigSync.code, little.code, `${what}: verifySync code as for a small body`);
      if (what === "wrong key") assert.equal(big.message, little.message, `${what}: message as for a small body`);
      else assert.ok(big.message.startsWith('"exp" claim timestamp check failed'), big.message);
    }
  });
  test("large body with the keys from the environment path (no config keys): devMode", async () => {
    const body = "d".repeat(128 * 1024);
    const sig = await mint("sig_7kYjw48mhY7kAjqNGcy6cr29RJ6r", await claimsFor(body));
    const dev = new Receiver({ devMode: true });
    assert.equal(await dev.verify({ signature: sig, body }), true);
    assert.equal(dev.verifySync({ signature: sig, body: enc.encode(body) }), true);
    await expectSignatureError(() => dev.verify({ signature: sig, body: body + "!" }), "ERR_BODY_MISMATCH");
  });
}

async function receiverTests(lib, { test: rawTest, assert }, mainLib, prefix) {
  const test = (name, fn) => rawTest(prefix + name, fn);
  const { Receiver, SignatureError } = lib;
  const receiver = new Receiver({ currentSigningKey: CURRENT, nextSigningKey: NEXT });

  const expectSignatureError = async (fn, code) => {
    const e = await assert.throws(fn, "expected a SignatureError");
    assert.ok(e instanceof SignatureError, `expected instanceof SignatureError, got ${e?.name}: ${e?.message}`);
    assert.ok(e instanceof Error, "SignatureError extends Error");
    assert.equal(e.name, "SignatureError", "name");
    assert.equal(typeof e.code, "string", "code is a string");
    if (code) assert.equal(e.code, code, `code (message: ${e.message})`);
    return e;
  };

  test("valid HS256 token with string body and url verifies", async () => {
    const body = JSON.stringify({ hello: "wörld" });
    const sig = await mint(CURRENT, await claimsFor(body));
    assert.equal(await receiver.verify({ signature: sig, body, url: URL_ }), true);
  });

  test("HS384 and HS512 are accepted, like the official", async () => {
    for (const alg of ["HS384", "HS512"]) {
      const sig = await mint(CURRENT, await claimsFor("x"), alg);
      assert.equal(await receiver.verify({ signature: sig, body: "x" }), true, alg);
    }
  });

  test("token signed with the next key verifies", async () => {
    const sig = await mint(NEXT, await claimsFor("rotated"));
    assert.equal(await receiver.verify({ signature: sig, body: "rotated" }), true);
  });

  test("tampered signature rejects with SignatureError and a code", async () => {
    const sig = await mint(CURRENT, await claimsFor("body"));
    const last = sig.at(-2) === "A" ? "B" : "A";
    const tampered = sig.slice(0, -2) + last + sig.at(-1);
    const e = await expectSignatureError(() => receiver.verify({ signature: tampered, body: "body" }));
    assert.ok(e.message.includes("signature verification failed"), e.message);
  });

  test("token signed with an unknown key rejects", async () => {
    const sig = await mint("sig_someone_else", await claimsFor("body"));
    await expectSignatureError(() => receiver.verify({ signature: sig, body: "body" }));
  });

  test("garbage signature rejects", async () => {
    await expectSignatureError(() => receiver.verify({ signature: "not.a.jwt!", body: "" }));
  });

  test("raw bytes body (Uint8Array, non-UTF-8) verifies", async () => {
    const bytes = new Uint8Array([0, 255, 254, 128, 10, 13, 0x80, 0xc3]);
    const sig = await mint(CURRENT, await claimsFor(bytes));
    assert.equal(await receiver.verify({ signature: sig, body: bytes }), true);
    assert.equal(await receiver.verify({ signature: sig, body: bytes.buffer }), true, "ArrayBuffer");
  });

  test("body mismatch rejects with ERR_BODY_MISMATCH", async () => {
    const sig = await mint(CURRENT, await claimsFor("original"));
    const e = await expectSignatureError(() => receiver.verify({ signature: sig, body: "changed" }), "ERR_BODY_MISMATCH");
    assert.ok(e.message.startsWith("body hash does not match"), e.message);
  });

  test("padded body claim is accepted", async () => {
    const sig = await mint(CURRENT, await claimsFor("pad", { body: await bodyHash("pad", { pad: true }) }));
    assert.equal(await receiver.verify({ signature: sig, body: "pad" }), true);
  });

  test("wrong url rejects with invalid subject", async () => {
    const sig = await mint(CURRENT, await claimsFor("u"));
    const e = await expectSignatureError(
      () => receiver.verify({ signature: sig, body: "u", url: "https://example.com/other" }),
      "ERR_SUBJECT_MISMATCH",
    );
    assert.equal(e.message, `invalid subject: ${URL_}, want: https://example.com/other`);
  });

  test("requests of every size in turn, and after wasm memory grows, verify alike", async () => {
    // The facade writes the common request into a scratch buffer in wasm memory, grows it on
    // demand, renews its view when the memory grows, and passes larger requests another way.
    // One receiver sees all of them in turn, each followed by a small one.
    const r = new Receiver({ currentSigningKey: CURRENT, nextSigningKey: NEXT });
    const unicodeUrl = "https://example.com/gr\u00fc\u00dfe/\u{1F600}?q=\u00e9";
    const longUrl = `https://example.com/${"p".repeat(30_000)}`;
    const check = async (label, body, url = URL_) => {
      const sig = await mint(CURRENT, await claimsFor(body, { sub: url }));
      assert.equal(await r.verify({ signature: sig, body, url }), true, `${label}: verify`);
      assert.equal(r.verifySync({ signature: sig, body, url }), true, `${label}: verifySync`);
      const bytes = typeof body === "string" ? enc.encode(body) : body;
      assert.equal(r.verifySync({ signature: sig, body: bytes, url }), true, `${label}: bytes`);
      const e = await expectSignatureError(() => r.verify({ signature: sig, body: body + "!", url }), "ERR_BODY_MISMATCH");
      assert.ok(e.message.startsWith("body hash does not match"), `${label}: ${e.message}`);
      const other = await expectSignatureError(() => r.verify({ signature: sig, body, url: `${url}x` }), "ERR_SUBJECT_MISMATCH");
      assert.equal(other.message, `invalid subject: ${url}, want: ${url}x`, label);
      assert.equal(r.verifySync({ signature: await mint(CURRENT, await claimsFor("s")), body: "s" }), true, `${label}: then a small one`);
      // The buffer is one for all receivers of the module: a new one (keys swapped, so the
      // token's key is its next key) uses it after this one, and this one after it.
      const fresh = new Receiver({ currentSigningKey: NEXT, nextSigningKey: CURRENT });
      assert.equal(fresh.verifySync({ signature: sig, body, url }), true, `${label}: another receiver`);
      assert.equal(await fresh.verify({ signature: await mint(NEXT, await claimsFor("n")), body: "n" }), true, `${label}: another receiver, small`);
      assert.equal(r.verifySync({ signature: sig, body, url }), true, `${label}: the first receiver again`);
    };
    const sizes = [0, 1, 127, 128, 1000, 4095, 4096, 5000, 21_000, 70_000];
    for (const n of sizes) await check(`${n} chars`, "x".repeat(n));
    for (const n of sizes) await check(`${n} chars, 3-byte UTF-8`, "\u20ac".repeat(n));
    await check("lone surrogates", "a\ud800b\udc00c".repeat(50));
    await check("non-ASCII url", "u", unicodeUrl);
    await check("url too long for the scratch buffer", "u", longUrl);
    // A 4 MiB token is copied into wasm memory and grows it; the buffer's view is then renewed.
    const huge = `${"e".repeat(4 << 20)}.x.y`;
    await expectSignatureError(() => r.verify({ signature: huge, body: "" }));
    await check("after the memory grew", "after");
    await check("\u20ac after the memory grew", "\u20ac".repeat(300));
  });

  test("expired token rejects; clockTolerance admits it", async () => {
    const now = Math.floor(Date.now() / 1000);
    const sig = await mint(CURRENT, await claimsFor("late", { exp: now - 10, nbf: now - 400, iat: now - 400 }));
    const e = await expectSignatureError(() => receiver.verify({ signature: sig, body: "late" }), "ERR_JWT_EXPIRED");
    assert.ok(e.message.startsWith('"exp" claim timestamp check failed'), e.message);
    assert.equal(await receiver.verify({ signature: sig, body: "late", clockTolerance: 60 }), true);
  });

  test("wrong issuer rejects", async () => {
    const sig = await mint(CURRENT, await claimsFor("i", { iss: "NotUpstash" }));
    await expectSignatureError(() => receiver.verify({ signature: sig, body: "i" }));
  });

  test("verifySync returns true and throws SignatureError synchronously", async () => {
    const sig = await mint(CURRENT, await claimsFor("sync"));
    assert.equal(receiver.verifySync({ signature: sig, body: "sync", url: URL_ }), true);
    let thrown;
    try {
      receiver.verifySync({ signature: sig, body: "other" });
    } catch (e) {
      thrown = e;
    }
    assert.ok(thrown instanceof SignatureError, "verifySync throws SignatureError");
    assert.equal(thrown.code, "ERR_BODY_MISMATCH");
  });

  test("verify returns a Promise that rejects (never throws synchronously)", async () => {
    const p = receiver.verify({ signature: "x", body: "" });
    assert.ok(p instanceof Promise, "a Promise");
    await expectSignatureError(() => p);
  });

  test("mistyped options name the field", async () => {
    const e1 = await assert.throws(() => new Receiver({ currentSigningKey: 1, nextSigningKey: NEXT }));
    assert.ok(e1 instanceof TypeError && e1.message.includes("currentSigningKey"), e1.message);
    const e2 = await assert.throws(() => new Receiver({ currentSigningkey: CURRENT }));
    assert.ok(e2 instanceof TypeError && e2.message.includes("`currentSigningkey`; did you mean `currentSigningKey`?"), e2.message);
    // Fields far from every known name are ignored, as by the official (a spread config).
    const spread = new Receiver({ currentSigningKey: CURRENT, nextSigningKey: NEXT, clockTolerance: 5, url: "x" });
    assert.equal(Object.keys(spread).join(), "currentSigningKey,nextSigningKey,devMode");
    // As the official (jose, TextEncoder): a non-string token and any body are request data,
    // so a missing Upstash-Signature header is a SignatureError (a 401), not a TypeError.
    const e3 = await assert.throws(() => receiver.verify({ signature: null, body: "" }));
    assert.ok(e3 instanceof SignatureError && e3.message === "Compact JWS must be a string or Uint8Array", e3.message);
    // jose reads a string clockTolerance as a time span ("5s"); "5" has no unit.
    const e4 = await assert.throws(() => receiver.verify({ signature: "a.b.c", body: "", clockTolerance: "5" }));
    assert.ok(e4 instanceof SignatureError && e4.message === "Invalid time period format", e4.message);
  });

  test("no keys anywhere: the official plain Error", async () => {
    const env = globalThis.process?.env;
    let hasEnvKeys = false;
    try {
      hasEnvKeys = Boolean(env?.QSTASH_CURRENT_SIGNING_KEY && env?.QSTASH_NEXT_SIGNING_KEY);
    } catch {
      // Deno without --allow-env: the environment is unreadable, so it has no keys for us.
    }
    assert.ok(!hasEnvKeys, "the test environment must not define QSTASH_*_SIGNING_KEY");
    const e = await assert.throws(() => new Receiver({ currentSigningKey: CURRENT }).verify({ signature: "x", body: "" }));
    assert.ok(!(e instanceof SignatureError), "not a SignatureError");
    assert.equal(e.message, "[Upstash QStash] No signing keys available for verification. See the warning above for more details.");
  });

  test("devMode verifies with the dev server's keys", async () => {
    const sig = await mint("sig_7kYjw48mhY7kAjqNGcy6cr29RJ6r", await claimsFor("dev"));
    assert.equal(await new Receiver({ devMode: true }).verify({ signature: sig, body: "dev" }), true);
  });

  largeBodyTests(Receiver, SignatureError, { test, assert }, expectSignatureError);

  if (lib !== mainLib) return;
  test("error classes: names, fields, instanceof", async () => {
    const { QstashError, QstashRatelimitError, QstashChatRatelimitError, QstashDailyRatelimitError, QstashEmptyArrayError } = lib;
    const q = new QstashError("boom", 500);
    assert.ok(q instanceof Error && q instanceof QstashError);
    assert.equal(q.name, "QstashError");
    assert.equal(q.status, 500);
    const r = new QstashRatelimitError({ limit: "10", remaining: "0", reset: "123" });
    assert.ok(r instanceof QstashError);
    assert.equal(r.name, "QstashRatelimitError");
    assert.equal(r.status, 429);
    assert.equal(r.remaining, "0");
    assert.equal(r.message, 'Exceeded burst rate limit. {"limit":"10","remaining":"0","reset":"123"}');
    const d = new QstashDailyRatelimitError({ limit: "1", remaining: "0", reset: null });
    assert.equal(d.name, "QstashDailyRatelimitError");
    assert.equal(d.reset, null);
    const c = new QstashChatRatelimitError({ "limit-requests": "5", "limit-tokens": null, "remaining-requests": "0", "remaining-tokens": null, "reset-requests": "1s", "reset-tokens": null });
    assert.equal(c.name, "QstashChatRatelimitError");
    assert.equal(c.limitRequests, "5");
    assert.equal(c.resetRequests, "1s");
    const a = new QstashEmptyArrayError("messageIds");
    assert.ok(a instanceof QstashError);
    assert.equal(a.name, "QstashEmptyArrayError");
    assert.ok(a.message.startsWith('Empty array provided for query parameter "messageIds".'));
    const s = new SignatureError("bad");
    assert.equal(s.name, "SignatureError");
    assert.ok(!(s instanceof QstashError));
  });
}
