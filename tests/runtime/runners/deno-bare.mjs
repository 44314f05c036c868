// Deno, bare: a Deno program that uses no Node API must not have our package build Deno's Node
// layer. Deno creates its `process` global on first access, ~30 ms, several times a Receiver's
// whole cold start, so the package reads the environment through `Deno.env` and hashes with
// Web Crypto there. Every access to `globalThis.process` is recorded from before the package is
// imported; the Receiver then verifies through each path (both entries; bodies hashed in wasm
// and with Web Crypto; verify and verifySync; keys and QSTASH_DEV from the environment), the
// framework adapters verify with keys from the environment, and the Client reads its
// credentials, and no access may have happened. Only a body of 64 KiB or more is hashed with
// node:crypto, deliberately (receiver-facade.js says why): checked last.
import { assert, execute, report } from "../harness.mjs";

const touches = [];
const original = Object.getOwnPropertyDescriptor(globalThis, "process");
Object.defineProperty(globalThis, "process", {
  configurable: true,
  enumerable: original?.enumerable ?? false,
  get() {
    touches.push(new Error("globalThis.process read").stack);
    return original?.get ? original.get.call(globalThis) : original?.value;
  },
});

const main = await import("qstash-wasm");
const receiverOnly = await import("qstash-wasm/receiver");
const nextjs = await import("qstash-wasm/nextjs");
const svelte = await import("qstash-wasm/svelte");

const enc = new TextEncoder();
const CURRENT = "sig_current_7kYjw48mhY7kAjqNGcy6";
const NEXT = "sig_next_5ZB6DVzB1wjE8S6rZ7eenA8P";
const DEV_KEY = "sig_7kYjw48mhY7kAjqNGcy6cr29RJ6r";
const b64url = (bytes) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

async function mint(key, body) {
  const now = Math.floor(Date.now() / 1000);
  const hash = b64url(new Uint8Array(await crypto.subtle.digest("SHA-256", enc.encode(body))));
  const header = b64url(enc.encode('{"alg":"HS256","typ":"JWT"}'));
  const payload = b64url(enc.encode(JSON.stringify({ iss: "Upstash", sub: "https://example.com", exp: now + 300, nbf: now, iat: now, jti: "j", body: hash })));
  const k = await crypto.subtle.importKey("raw", enc.encode(key), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", k, enc.encode(`${header}.${payload}`)));
  return `${header}.${payload}.${b64url(mac)}`;
}

/** Sets the variables for the duration of `fn` (Deno.env: the store `process.env` views). */
async function withEnv(vars, fn) {
  for (const [k, v] of Object.entries(vars)) Deno.env.set(k, v);
  try {
    return await fn();
  } finally {
    for (const k of Object.keys(vars)) Deno.env.delete(k);
  }
}

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

for (const [label, { Receiver, SignatureError }] of [["qstash-wasm", main], ["qstash-wasm/receiver", receiverOnly]]) {
  test(`${label}: keys from the environment, small and large bodies, verify and verifySync`, () =>
    withEnv({ QSTASH_CURRENT_SIGNING_KEY: CURRENT, QSTASH_NEXT_SIGNING_KEY: NEXT }, async () => {
      const receiver = new Receiver();
      // 32 KiB: `verify` hashes it with Web Crypto, `verifySync` in wasm.
      for (const body of ["small", "x".repeat(32 * 1024)]) {
        const signature = await mint(NEXT, body);
        assert.equal(await receiver.verify({ signature, body }), true, `verify, ${body.length} B`);
        assert.equal(receiver.verifySync({ signature, body }), true, `verifySync, ${body.length} B`);
        assert.equal(await receiver.verify({ signature, body: enc.encode(body) }), true, `bytes, ${body.length} B`);
        const e = await assert.throws(() => receiver.verify({ signature, body: `${body}!` }));
        assert.ok(e instanceof SignatureError, `tampered ${body.length} B body: ${e}`);
      }
    }));
  test(`${label}: QSTASH_DEV from the environment turns dev mode on`, () =>
    withEnv({ QSTASH_DEV: "true" }, async () => {
      assert.equal(await new Receiver().verify({ signature: await mint(DEV_KEY, "dev"), body: "dev" }), true);
    }));
}

test("framework adapters (qstash-wasm/nextjs, /svelte): keys from the environment, valid and tampered", () =>
  withEnv({ QSTASH_CURRENT_SIGNING_KEY: CURRENT, QSTASH_NEXT_SIGNING_KEY: NEXT }, async () => {
    const handler = async (request) => new Response(await request.text(), { status: 201 });
    const appRouter = nextjs.verifySignatureAppRouter(handler);
    const sveltePost = svelte.verifySignatureSvelte((event) => handler(event.request));
    for (const [label, handle] of [["app router", (r) => appRouter(r, {})], ["svelte", (r) => sveltePost({ request: r })]]) {
      const signature = await mint(CURRENT, "adapter");
      const res = await handle(new Request("https://example.com", { method: "POST", body: "adapter", headers: { "upstash-signature": signature } }));
      assert.equal(res.status, 201, `${label}: handled`);
      const e = await assert.throws(() => handle(new Request("https://example.com", { method: "POST", body: "tampered", headers: { "upstash-signature": signature } })));
      assert.ok(e instanceof main.SignatureError, `${label}: ${e}`);
    }
  }));

test("Client: credentials from the environment", () =>
  withEnv({ QSTASH_TOKEN: "token-from-env", QSTASH_URL: "http://127.0.0.1:1" }, () => {
    const client = new main.Client({ enableTelemetry: false });
    assert.equal(client.token, "token-from-env");
    assert.equal(client.http.baseUrl, "http://127.0.0.1:1");
  }));

// Last: everything above ran without reaching the Node layer.
test("globalThis.process was never read", () => {
  assert.ok(touches.length === 0, `read ${touches.length} time(s); first:\n${touches[0]}`);
});

test("a body of 64 KiB or more is hashed with node:crypto, building the Node layer", async () => {
  const body = "y".repeat(64 * 1024);
  const receiver = new main.Receiver({ currentSigningKey: CURRENT, nextSigningKey: NEXT });
  const signature = await mint(CURRENT, body);
  assert.equal(await receiver.verify({ signature, body }), true);
  assert.ok(touches.length > 0, "expected node:crypto to be reached through process");
  assert.equal(receiver.verifySync({ signature, body }), true);
  const e = await assert.throws(() => receiver.verify({ signature, body: `${body}!` }));
  assert.ok(e instanceof main.SignatureError, `tampered: ${e}`);
});

const failed = report("deno, no Node layer", await execute(tests));
Deno.exit(failed ? 1 : 0);
