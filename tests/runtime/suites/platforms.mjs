// Runtime suite "platforms": the framework adapters that take a Web `Request`
// (`qstash-wasm/nextjs`'s verifySignatureAppRouter and verifySignatureEdge,
// `qstash-wasm/svelte`, `qstash-wasm/solidjs`) load and verify in every runtime. Each runner
// imports the subpaths by name and passes them as `lib.platforms`, so this also checks that
// `#receiver` (package.json "imports") resolves there: esbuild's workerd bundle, Deno's npm
// resolver, Node, and an import map in Chromium. Their behaviour against the official is
// tests/parity/platforms.test.mjs (Node); the pages router and h3 need Node and run there.
// Tokens are minted with Web Crypto (../tokens.mjs).
import { bodyHash, mint as signClaims } from "../tokens.mjs";

const CURRENT = "sig_current_platforms_rt_7kY";
const NEXT = "sig_next_platforms_rt_5ZB6";
const URL_ = "https://example.com/api/qstash";

/** A delivery token for `body` to URL_, signed with `key`. */
async function mint(key, body) {
  const now = Math.floor(Date.now() / 1000);
  return signClaims(key, { iss: "Upstash", sub: URL_, exp: now + 300, nbf: now, iat: now, jti: "j", body: await bodyHash(body) });
}

/** The suite's name in reports. */
export const name = "platforms";

export async function run(lib, { test, assert }) {
  test("the subpaths load, with the official's verifySignature* names", () => {
    const p = lib.platforms;
    assert.ok(p, "the runner did not import the framework subpaths (lib.platforms)");
    assert.equal(Object.keys(p.nextjs).sort().join(","), "registerQStashDev,verifySignature,verifySignatureAppRouter,verifySignatureEdge");
    assert.equal(Object.keys(p.svelte).join(","), "verifySignatureSvelte");
    assert.equal(Object.keys(p.solidjs).join(","), "verifySignatureSolidjs");
  });

  test("nextjs registerQStashDev loads the main entry (#main) and without QSTASH_DEV does nothing", async () => {
    assert.equal(await lib.platforms.nextjs.registerQStashDev(), undefined);
  });

  const keys = { currentSigningKey: CURRENT, nextSigningKey: NEXT };
  const adapters = {
    "nextjs verifySignatureAppRouter": (h) => {
      const w = lib.platforms.nextjs.verifySignatureAppRouter(h, keys);
      return (request) => w(request, { params: {} });
    },
    "nextjs verifySignatureEdge": (h) => {
      const w = lib.platforms.nextjs.verifySignatureEdge(h, keys);
      return (request) => w(request, {});
    },
    "svelte verifySignatureSvelte": (h) => {
      const w = lib.platforms.svelte.verifySignatureSvelte((event) => h(event.request), keys);
      return (request) => w({ request });
    },
    "solidjs verifySignatureSolidjs": (h) => {
      const w = lib.platforms.solidjs.verifySignatureSolidjs((event) => h(event.request), keys);
      return (request) => w({ request });
    },
  };
  for (const [label, wrap] of Object.entries(adapters)) {
    test(`${label}: a valid delivery reaches the handler, which can read the body again`, async () => {
      const body = JSON.stringify({ hello: "wörld" });
      const handle = wrap(async (request) => new Response(`handled ${await request.text()}`, { status: 201 }));
      const res = await handle(new Request(URL_, { method: "POST", body, headers: { "upstash-signature": await mint(NEXT, body) } }));
      assert.equal(res.status, 201);
      assert.equal(await res.text(), `handled ${body}`);
    });
    test(`${label}: no signature header answers 403, a tampered body throws SignatureError`, async () => {
      let called = 0;
      const handle = wrap(() => {
        called++;
        return new Response("no");
      });
      const missing = await handle(new Request(URL_, { method: "POST", body: "x" }));
      assert.equal(missing.status, 403);
      assert.equal(await missing.text(), "`Upstash-Signature` header is missing");
      const e = await assert.throws(async () =>
        handle(new Request(URL_, { method: "POST", body: "tampered", headers: { "upstash-signature": await mint(CURRENT, "original") } })));
      assert.ok(e instanceof lib.SignatureError, `expected a SignatureError, got ${e?.name}: ${e?.message}`);
      assert.ok(e.message.startsWith("body hash does not match"), e.message);
      assert.equal(called, 0, "the handler never ran");
    });
  }

  test("no keys in config (and none readable from the environment): the official's Error at wrap time", async () => {
    const e = await assert.throws(() => lib.platforms.svelte.verifySignatureSvelte(() => new Response("")));
    assert.equal(
      e.message,
      "currentSigningKey and nextSigningKey are required, either in the config or as env variables (QSTASH_CURRENT_SIGNING_KEY and QSTASH_NEXT_SIGNING_KEY)",
    );
  });
}
