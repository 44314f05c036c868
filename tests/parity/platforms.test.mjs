// Framework adapters, ours vs the official: `@upstash/qstash/{nextjs,h3,nuxt,svelte,solidjs}`
// 2.12.0 and `qstash-wasm/{nextjs,h3,nuxt,svelte,solidjs}` (the installed tarball,
// QSTASH_WASM_PKG) wrap the same handler with the same config and environment and get the same
// input. What each side answers (status, status text, headers, body), throws (class, name,
// message, instanceof its own SignatureError / TypeError), logs, and whether and with what the
// handler is called must be deeply equal; every case also asserts its expected outcome on its
// own, so a case both sides get wrong still fails.
//
// Inputs are real: Web `Request` objects for the app-router, edge, SvelteKit and SolidStart
// adapters; a node:http server (with Next.js' `res.status` / `res.send` added, as Next's API
// resolver does) for the pages router; h3 apps served over HTTP (the h3 the repository pins)
// for h3 and Nuxt. Tokens are minted by tests/support/jwt.mjs.
//
// Our Receiver's SignatureError messages name what failed for each key (its documented
// difference: "signature verification failed (signature segment) (current key and next key)"),
// where the official's carry only the next key's error; such a message must contain the
// official's, and is then compared as equal (`alignSignatureMessages`). Everything else about
// the error, body-hash messages included, must be identical.
//
// One deliberate difference is pinned rather than compared (see "h3: deliberate difference"):
// the official h3 adapter verifies `JSON.stringify(rawBody)`, so it rejects every delivery that
// has a body; ours verifies the raw body.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { once } from "node:events";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { createHash } from "node:crypto";
import { createApp, createRouter, readBody, toNodeListener } from "h3";
import { signToken } from "../support/jwt.mjs";

const CURRENT = "sig_current_platforms_8mK2dPq";
const NEXT = "sig_next_platforms_3vXr7TbN";
const OTHER = "sig_other_platforms_Zq5wLm1";
const DEV_CURRENT = "sig_7kYjw48mhY7kAjqNGcy6cr29RJ6r";
const EU_CURRENT = "sig_eu_current_platforms_4Hh";
const EU_NEXT = "sig_eu_next_platforms_9Kk";
const URL_ = "https://example.com/api/qstash";
const KEYS = { currentSigningKey: CURRENT, nextSigningKey: NEXT };
const JSON_BODY = JSON.stringify({ hello: "world", n: 1 });
const MISSING_KEYS =
  "currentSigningKey and nextSigningKey are required, either in the config or as env variables (QSTASH_CURRENT_SIGNING_KEY and QSTASH_NEXT_SIGNING_KEY)";
const b64sha = (s) => createHash("sha256").update(s).digest("base64url");

// ── the two packages ────────────────────────────────────────────────────────────────────────

const dir = process.env.QSTASH_WASM_PKG;
if (!dir) throw new Error("QSTASH_WASM_PKG must point at the installed qstash-wasm package");
// Resolved as a consumer of the installed package would: through its package.json `exports`.
const consumer = createRequire(resolve(dir, "../../package.json"));
const importOurs = (spec) => import(pathToFileURL(consumer.resolve(spec)).href);

const sides = {
  official: {
    main: await import("@upstash/qstash"),
    nextjs: await import("@upstash/qstash/nextjs"),
    h3: await import("@upstash/qstash/h3"),
    nuxt: await import("@upstash/qstash/nuxt"),
    svelte: await import("@upstash/qstash/svelte"),
    solidjs: await import("@upstash/qstash/solidjs"),
  },
  ours: {
    main: await importOurs("qstash-wasm"),
    nextjs: await importOurs("qstash-wasm/nextjs"),
    h3: await importOurs("qstash-wasm/h3"),
    nuxt: await importOurs("qstash-wasm/nuxt"),
    svelte: await importOurs("qstash-wasm/svelte"),
    solidjs: await importOurs("qstash-wasm/solidjs"),
  },
};

// Nothing either side reads from the environment may leak in from the machine.
for (const k of Object.keys(process.env)) {
  if (/QSTASH|UPSTASH|_SIGNING_KEY/.test(k)) delete process.env[k];
}

/** Runs `fn` with `vars` set in process.env, then restores it. */
async function withEnv(vars, fn) {
  const saved = {};
  for (const [k, v] of Object.entries(vars)) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** Runs `fn` with console.log/warn/error recorded (not printed); resolves `[result, lines]`. */
async function withConsole(fn) {
  const lines = [];
  const saved = { log: console.log, warn: console.warn, error: console.error };
  for (const level of Object.keys(saved)) console[level] = (...args) => lines.push([level, args.map(String).join(" ")]);
  try {
    return [await fn(), lines];
  } finally {
    Object.assign(console, saved);
  }
}

/** A comparable picture of a thrown value: `instanceof` against the side's own classes. Our
 * `SignatureError` carries `code` (an addition), which is checked to be a string and left out. */
function describeThrown(err, side) {
  if (!(err instanceof Error)) return { nonError: typeof err, value: String(err) };
  const own = Object.keys(err).filter((k) => !(side === "ours" && k === "code")).sort();
  const signatureError = err instanceof sides[side].main.SignatureError;
  if (side === "ours" && signatureError) assert.equal(typeof err.code, "string", "SignatureError.code");
  return {
    class: err.constructor?.name,
    name: err.name,
    message: err.message,
    own,
    signatureError,
    typeError: err instanceof TypeError,
  };
}

/** Where both sides threw a SignatureError and ours names each key's failure around the
 * official's message, takes ours as equal (see the header). Walks the two records in step. */
function alignSignatureMessages(official, ours) {
  if (typeof official !== "object" || official === null || typeof ours !== "object" || ours === null) return ours;
  if (official.signatureError === true && ours.signatureError === true && typeof ours.message === "string") {
    if (ours.message !== official.message && ours.message.includes(official.message)) {
      return { ...ours, message: official.message };
    }
    return ours;
  }
  const out = Array.isArray(ours) ? [] : {};
  for (const k of Object.keys(ours)) out[k] = alignSignatureMessages(official[k], ours[k]);
  return out;
}

/** Runs `fn` and records what it returned (through `describe`) or threw, and what it logged. */
async function outcome(side, fn, describe = (v) => v) {
  const [result, log] = await withConsole(async () => {
    try {
      return { value: await describe(await fn()) };
    } catch (err) {
      return { threw: describeThrown(err, side) };
    }
  });
  return { ...result, log };
}

/** Status, status text, headers and body text of a Response (or what the handler returned). */
async function describeResponse(res) {
  if (!(res instanceof Response)) return { notAResponse: res };
  return { status: res.status, statusText: res.statusText, headers: [...res.headers], body: await res.text() };
}

// ── the Web-Request adapters: app router, edge, SvelteKit, SolidStart ──────────────────────

/** Each adapter: how it is wrapped on a side, and how a framework calls the wrapper. */
const WEB_ADAPTERS = {
  appRouter: {
    wrap: (lib, handler, config) => lib.nextjs.verifySignatureAppRouter(handler, config),
    call: (wrapped, request, extra) => wrapped(request, extra),
    devModeAware: true,
  },
  edge: {
    wrap: (lib, handler, config) => lib.nextjs.verifySignatureEdge(handler, config),
    call: (wrapped, request, extra) => wrapped(request, extra),
    devModeAware: true,
  },
  svelte: {
    wrap: (lib, handler, config) => lib.svelte.verifySignatureSvelte(handler, config),
    call: (wrapped, request, extra) => wrapped({ request, params: extra }),
    devModeAware: false,
  },
  solidjs: {
    wrap: (lib, handler, config) => lib.solidjs.verifySignatureSolidjs(handler, config),
    call: (wrapped, request, extra) => wrapped({ request, params: extra }),
    devModeAware: false,
  },
};

/**
 * One request through one adapter on one side: wraps a recording handler (it reads the body
 * again and answers 201), sends the request and describes everything observable.
 */
async function runWeb(adapter, side, { config, env = {}, request, consumeFirst = false }) {
  const lib = sides[side];
  const extra = { marker: "second argument" };
  const calls = [];
  const handlerResponse = new Response("handled", { status: 201, headers: { "x-handled": "yes" } });
  const handler = async (arg, second) => {
    const req = arg instanceof Request ? arg : arg.request;
    calls.push({
      argIsEvent: !(arg instanceof Request),
      secondPassed: second === extra || arg.params === extra,
      bodyAgain: await req.text(),
    });
    return handlerResponse;
  };
  return withEnv(env, async () => {
    let wrapped;
    const wrap = await outcome(side, () => (wrapped = adapter.wrap(lib, handler, config)), () => "wrapped");
    if (wrap.threw) return { wrap, calls };
    const req = request();
    if (consumeFirst) await req.text();
    const res = await outcome(side, () => adapter.call(wrapped, req, extra), async (v) =>
      v === handlerResponse ? "the handler's Response" : describeResponse(v));
    return { wrap, res, calls };
  });
}

/** A POST to URL_ with `body` and headers. */
function post(body, headers = {}) {
  return () => new Request(URL_, { method: "POST", headers, body });
}

const sig = (key, body, claims) => signToken({ key, url: URL_, body, claims });
const now = () => Math.floor(Date.now() / 1000);

/**
 * The cases, each `{ input, expect(result, adapter) }`; `expect` is asserted on both sides.
 * Shorthands for the expected outcomes follow.
 */
const handled = (r) => {
  assert.equal(r.res?.value, "the handler's Response", JSON.stringify(r));
  assert.equal(r.calls.length, 1);
};
const handledWithBody = (body) => (r) => {
  handled(r);
  assert.equal(r.calls[0].bodyAgain, body, "the handler reads the body again");
  assert.equal(r.calls[0].secondPassed, true, "the second argument / the event is passed on");
};
const rejected = (message) => (r) => {
  assert.equal(r.calls.length, 0, "handler not called");
  assert.ok(r.res?.threw, `expected a throw, got ${JSON.stringify(r.res)}`);
  if (typeof message === "string") assert.equal(r.res.threw.message, message);
  else assert.match(r.res.threw.message, message);
};
const signatureRejected = (message) => (r) => {
  rejected(message)(r);
  assert.equal(r.res.threw.signatureError, true, "a SignatureError");
};
const refusedToWrap = (message) => (r) => {
  assert.equal(r.wrap.threw?.message, message);
  assert.equal(r.calls.length, 0);
};
const missingHeader = (r, adapter) => {
  assert.equal(r.calls.length, 0, "handler not called");
  assert.equal(r.res.value.status, 403);
  assert.equal(r.res.value.body, "`Upstash-Signature` header is missing");
  // Next.js' adapters answer bytes (no content type), the others a string.
  const type = r.res.value.headers.find(([k]) => k === "content-type")?.[1];
  assert.equal(type, adapter === "appRouter" || adapter === "edge" ? undefined : "text/plain;charset=UTF-8");
};

const bigBody = "big ".repeat(40_000) + "\u00e9\u{1F600}";
const invalidUtf8 = new Uint8Array([0x7b, 0xff, 0xfe, 0xc3, 0x28, 0x7d]);
const invalidUtf8Text = new TextDecoder().decode(invalidUtf8);

const WEB_CASES = {
  "valid, current key, JSON body": {
    input: { config: KEYS, request: post(JSON_BODY, { "upstash-signature": sig(CURRENT, JSON_BODY), "content-type": "application/json" }) },
    expect: handledWithBody(JSON_BODY),
  },
  "valid, next key": {
    input: { config: KEYS, request: post("hi", { "upstash-signature": sig(NEXT, "hi") }) },
    expect: handledWithBody("hi"),
  },
  "valid, 160 KB non-ASCII body (hashed natively on our side)": {
    input: { config: KEYS, request: post(bigBody, { "upstash-signature": sig(CURRENT, bigBody) }) },
    expect: handledWithBody(bigBody),
  },
  "valid, empty body": {
    input: { config: KEYS, request: post("", { "upstash-signature": sig(CURRENT, "") }) },
    expect: handledWithBody(""),
  },
  "invalid UTF-8 body, signed over the raw bytes: both verify the decoded text and reject": {
    input: { config: KEYS, request: post(invalidUtf8, { "upstash-signature": sig(CURRENT, invalidUtf8) }) },
    expect: signatureRejected(/^body hash does not match/),
  },
  "invalid UTF-8 body, signed over its decoded text: accepted": {
    input: { config: KEYS, request: post(invalidUtf8, { "upstash-signature": sig(CURRENT, invalidUtf8Text) }) },
    expect: handledWithBody(invalidUtf8Text),
  },
  "keys from the environment": {
    input: { env: { QSTASH_CURRENT_SIGNING_KEY: CURRENT, QSTASH_NEXT_SIGNING_KEY: NEXT }, request: post("env", { "upstash-signature": sig(NEXT, "env") }) },
    expect: handledWithBody("env"),
  },
  "config keys win over the environment": {
    input: {
      config: { currentSigningKey: OTHER, nextSigningKey: OTHER },
      env: { QSTASH_CURRENT_SIGNING_KEY: CURRENT, QSTASH_NEXT_SIGNING_KEY: NEXT },
      request: post("x", { "upstash-signature": sig(CURRENT, "x") }),
    },
    expect: signatureRejected("signature verification failed"),
  },
  "current key in config, next key from the environment": {
    input: { config: { currentSigningKey: OTHER }, env: { QSTASH_NEXT_SIGNING_KEY: NEXT }, request: post("mix", { "upstash-signature": sig(NEXT, "mix") }) },
    // The adapter hands the Receiver both: the current key from config, the next from the environment.
    expect: handledWithBody("mix"),
  },
  "only the current key, from the environment": {
    input: { env: { QSTASH_CURRENT_SIGNING_KEY: CURRENT }, request: post("one", { "upstash-signature": sig(CURRENT, "one") }) },
    expect: rejected("[Upstash QStash] No signing keys available for verification. See the warning above for more details."),
  },
  "no keys anywhere: refuses to wrap": {
    input: { request: post("x", { "upstash-signature": sig(CURRENT, "x") }) },
    expect: refusedToWrap(MISSING_KEYS),
  },
  "empty-string keys in config count as missing": {
    input: { config: { currentSigningKey: "", nextSigningKey: "" }, env: { QSTASH_CURRENT_SIGNING_KEY: CURRENT }, request: post("x", { "upstash-signature": sig(CURRENT, "x") }) },
    expect: refusedToWrap(MISSING_KEYS),
  },
  "tampered body": {
    input: { config: KEYS, request: post("tampered", { "upstash-signature": sig(CURRENT, "original") }) },
    expect: signatureRejected(`body hash does not match, want: ${b64sha("original")}, got: ${b64sha("tampered")}`),
  },
  "wrong key": {
    input: { config: { currentSigningKey: OTHER, nextSigningKey: OTHER }, request: post("x", { "upstash-signature": sig(CURRENT, "x") }) },
    expect: signatureRejected("signature verification failed"),
  },
  "garbage signature": {
    input: { config: KEYS, request: post("x", { "upstash-signature": "not.a.jwt" }) },
    expect: (r) => rejected(/./)(r),
  },
  "missing Upstash-Signature header": {
    input: { config: KEYS, request: post("x") },
    expect: missingHeader,
  },
  "empty Upstash-Signature header": {
    input: { config: KEYS, request: post("x", { "upstash-signature": "" }) },
    expect: missingHeader,
  },
  "expired 5 s ago, no clockTolerance": {
    input: { config: KEYS, request: post("late", { "upstash-signature": sig(CURRENT, "late", { exp: now() - 5 }) }) },
    // The official reports only the next key's failure.
    expect: signatureRejected("signature verification failed"),
  },
  "expired 5 s ago, clockTolerance 60": {
    input: { config: { ...KEYS, clockTolerance: 60 }, request: post("late", { "upstash-signature": sig(CURRENT, "late", { exp: now() - 5 }) }) },
    expect: handledWithBody("late"),
  },
  "not yet valid, clockTolerance 60": {
    input: { config: { ...KEYS, clockTolerance: 60 }, request: post("early", { "upstash-signature": sig(CURRENT, "early", { nbf: now() + 30 }) }) },
    expect: handledWithBody("early"),
  },
  "config.url is not checked against the token's subject": {
    input: { config: { ...KEYS, url: "https://elsewhere.example/hook" }, request: post("u", { "upstash-signature": sig(CURRENT, "u") }) },
    expect: handledWithBody("u"),
  },
  "multi-region: QSTASH_REGION and a region header pick the region's keys": {
    input: {
      env: { QSTASH_REGION: "EU_CENTRAL_1", EU_CENTRAL_1_QSTASH_CURRENT_SIGNING_KEY: EU_CURRENT, EU_CENTRAL_1_QSTASH_NEXT_SIGNING_KEY: EU_NEXT },
      request: post("eu", { "upstash-signature": sig(EU_NEXT, "eu"), "upstash-region": "eu-central-1" }),
    },
    expect: handledWithBody("eu"),
  },
  "multi-region: an unknown region header falls back (with a warning) to no keys": {
    input: {
      env: { QSTASH_REGION: "EU_CENTRAL_1", EU_CENTRAL_1_QSTASH_CURRENT_SIGNING_KEY: EU_CURRENT, EU_CENTRAL_1_QSTASH_NEXT_SIGNING_KEY: EU_NEXT },
      request: post("eu", { "upstash-signature": sig(EU_CURRENT, "eu"), "upstash-region": "mars-1" }),
    },
    expect: (r) => {
      rejected(/No signing keys available/)(r);
      assert.match(r.res.log.map((l) => l[1]).join("\n"), /Invalid UPSTASH_REGION header value: "mars-1"/);
    },
  },
  "config.devMode true, no keys: the dev server's keys (Next.js adapters)": {
    input: { config: { devMode: true }, request: post("dev", { "upstash-signature": sig(DEV_CURRENT, "dev") }) },
    expect: (r, adapter) =>
      WEB_ADAPTERS[adapter].devModeAware ? handledWithBody("dev")(r) : refusedToWrap(MISSING_KEYS)(r),
  },
  "QSTASH_DEV=1, no keys": {
    input: { env: { QSTASH_DEV: "1" }, request: post("dev", { "upstash-signature": sig(DEV_CURRENT, "dev") }) },
    expect: (r, adapter) =>
      WEB_ADAPTERS[adapter].devModeAware ? handledWithBody("dev")(r) : refusedToWrap(MISSING_KEYS)(r),
  },
  "QSTASH_DEV=1 with config keys: dev keys win, with the official's warning": {
    input: { config: KEYS, env: { QSTASH_DEV: "true" }, request: post("dev", { "upstash-signature": sig(DEV_CURRENT, "dev") }) },
    expect: (r) => {
      handledWithBody("dev")(r);
      assert.match(r.res.log.map((l) => l[1]).join("\n"), /Dev mode is active\. Ignoring signing keys from config/);
    },
  },
  "config.devMode false overrides QSTASH_DEV=1": {
    input: { config: { ...KEYS, devMode: false }, env: { QSTASH_DEV: "1" }, request: post("d", { "upstash-signature": sig(DEV_CURRENT, "d") }) },
    expect: (r, adapter) =>
      WEB_ADAPTERS[adapter].devModeAware
        ? signatureRejected("signature verification failed")(r)
        : handledWithBody("d")(r),
  },
  "QSTASH_DEV invalid": {
    input: { config: KEYS, env: { QSTASH_DEV: "yes" }, request: post("d", { "upstash-signature": sig(CURRENT, "d") }) },
    expect: (r, adapter) =>
      WEB_ADAPTERS[adapter].devModeAware
        ? refusedToWrap("[QStash Dev] Invalid value for QSTASH_DEV in environment: yes")(r)
        : rejected("[QStash Dev] Invalid value for QSTASH_DEV in environment: yes")(r),
  },
  "a request whose body was already read": {
    input: { config: KEYS, consumeFirst: true, request: post("used", { "upstash-signature": sig(CURRENT, "used") }) },
    expect: (r) => {
      rejected(/./)(r);
      assert.equal(r.res.threw.typeError, true);
    },
  },
  "a request whose body was already read, without a signature header": {
    input: { config: KEYS, consumeFirst: true, request: post("used") },
    // Next.js' adapters clone the request first (and that throws); the others look at the
    // header first and answer 403.
    expect: (r, adapter) =>
      WEB_ADAPTERS[adapter].devModeAware ? assert.equal(r.res.threw?.typeError, true) : missingHeader(r, adapter),
  },
};

for (const [adapter, spec] of Object.entries(WEB_ADAPTERS)) {
  for (const [name, { input, expect }] of Object.entries(WEB_CASES)) {
    test(`${adapter}: ${name}`, async () => {
      const official = await runWeb(spec, "official", input);
      const ours = await runWeb(spec, "ours", input);
      assert.deepStrictEqual(alignSignatureMessages(official, ours), official);
      expect(official, adapter);
      expect(alignSignatureMessages(official, ours), adapter);
    });
  }
}

test("the exports: same names and kinds as the official's, but for the Workflow `serve`s", () => {
  // The deprecated Workflow exports (`serve`, nextjs's `servePagesRouter`) are not provided.
  const workflow = new Set(["serve", "servePagesRouter"]);
  for (const sub of ["nextjs", "h3", "nuxt", "svelte", "solidjs"]) {
    const names = (lib) => Object.keys(lib[sub]).filter((n) => !workflow.has(n)).sort();
    assert.deepStrictEqual(Object.keys(sides.ours[sub]).sort(), names(sides.official), sub);
    for (const n of names(sides.official)) assert.equal(typeof sides.ours[sub][n], typeof sides.official[sub][n], `${sub}.${n}`);
  }
  // Nuxt's adapter is h3's, on both sides.
  assert.equal(sides.official.nuxt.verifySignatureNuxt, sides.official.h3.verifySignatureH3);
  assert.equal(sides.ours.nuxt.verifySignatureNuxt, sides.ours.h3.verifySignatureH3);
});

test("qstash-wasm/dist/nextjs is qstash-wasm/nextjs, as in the official", async () => {
  assert.equal(await importOurs("qstash-wasm/dist/nextjs"), sides.ours.nextjs);
  const official = await import("@upstash/qstash/dist/nextjs");
  assert.deepStrictEqual(Object.keys(official).sort(), Object.keys(sides.official.nextjs).sort());
});

// ── the pages router, over node:http ────────────────────────────────────────────────────────

/** Next.js' API resolver adds these to the Node response before calling the route. */
function nextResponseHelpers(res) {
  res.status = (code) => {
    res.statusCode = code;
    return res;
  };
  res.send = (body) => {
    if (!res.getHeader("content-type")) res.setHeader("content-type", "text/plain; charset=utf-8");
    res.end(body);
  };
}

let pagesServer;
let pagesUrl;
/** What the server does with the next request: `{ wrapped, prepare?, done }`. */
let pagesRoute;

before(async () => {
  pagesServer = createServer(async (req, res) => {
    const route = pagesRoute;
    nextResponseHelpers(res);
    route.prepare?.(req);
    if (route.bodyParser) {
      // What Next.js' body parser does when it is left on: the stream is read first.
      let text = "";
      for await (const c of req) text += c;
      req.body = text;
    }
    const result = await outcome(route.side, () => route.wrapped(req, res));
    if (!res.writableEnded) {
      // Next.js answers an error thrown by the route with a 500.
      res.statusCode = result.threw ? 500 : res.statusCode;
      res.end(result.threw ? "Internal Server Error" : undefined);
    }
    route.done(result);
  });
  pagesServer.listen(0, "127.0.0.1");
  await once(pagesServer, "listening");
  pagesUrl = `http://127.0.0.1:${pagesServer.address().port}/api/qstash`;
});

after(() => {
  pagesServer?.closeAllConnections();
  pagesServer?.close();
});

/** One request through `verifySignature` on one side, over HTTP. */
async function runPages(side, { config, env = {}, body, headers = {}, bodyParser = false, encoding, chunks }) {
  const calls = [];
  const handler = (req, res) => {
    calls.push({ body: req.body, bodyType: typeof req.body });
    res.status(202);
    res.send(JSON.stringify({ got: req.body }));
    return "the handler's result";
  };
  return withEnv(env, async () => {
    let wrapped;
    const wrap = await outcome(side, () => (wrapped = sides[side].nextjs.verifySignature(handler, config)), () => "wrapped");
    if (wrap.threw) return { wrap, calls };
    let done;
    const finished = new Promise((r) => (done = r));
    pagesRoute = { side, wrapped, bodyParser, done, prepare: encoding ? (req) => req.setEncoding(encoding) : undefined };
    // `chunks`: the body as a stream of several writes (chunked transfer encoding).
    const init = { method: "POST", headers };
    if (chunks) {
      init.body = new ReadableStream({
        start(c) {
          for (const part of chunks) c.enqueue(new TextEncoder().encode(part));
          c.close();
        },
      });
      init.duplex = "half";
    } else if (body !== undefined) {
      init.body = body;
    }
    const response = await fetch(pagesUrl, init);
    const http = {
      status: response.status,
      contentType: response.headers.get("content-type"),
      body: await response.text(),
    };
    const res = await finished;
    return { wrap, res, http, calls };
  });
}

const pagesHandled = (expectedBody) => (r) => {
  assert.equal(r.res.value, "the handler's result", JSON.stringify(r));
  assert.equal(r.calls.length, 1);
  assert.deepStrictEqual(r.calls[0].body, expectedBody);
  assert.equal(r.http.status, 202);
  assert.deepStrictEqual(JSON.parse(r.http.body), { got: expectedBody });
};
const pagesRejected = (message) => (r) => {
  assert.equal(r.calls.length, 0);
  assert.equal(r.res.threw?.message, message);
  assert.equal(r.http.status, 500);
};

const PAGES_CASES = {
  "valid, application/json: req.body is the parsed JSON": {
    input: { config: KEYS, body: JSON_BODY, headers: { "upstash-signature": sig(CURRENT, JSON_BODY), "content-type": "application/json" } },
    expect: pagesHandled(JSON.parse(JSON_BODY)),
  },
  "valid, application/json; charset=utf-8: req.body stays text (exact match only)": {
    input: { config: KEYS, body: JSON_BODY, headers: { "upstash-signature": sig(CURRENT, JSON_BODY), "content-type": "application/json; charset=utf-8" } },
    expect: pagesHandled(JSON_BODY),
  },
  "valid, application/json that is not JSON: req.body is the text": {
    input: { config: KEYS, body: "{nope", headers: { "upstash-signature": sig(NEXT, "{nope"), "content-type": "application/json" } },
    expect: pagesHandled("{nope"),
  },
  "valid, chunked non-ASCII body in several writes": {
    input: { config: KEYS, chunks: ["gr\u00fc", "\u00dfe ", "\u{1F600}"], headers: { "upstash-signature": sig(CURRENT, "gr\u00fc\u00dfe \u{1F600}") } },
    expect: pagesHandled("gr\u00fc\u00dfe \u{1F600}"),
  },
  "valid, 160 KB body": {
    input: { config: KEYS, body: bigBody, headers: { "upstash-signature": sig(CURRENT, bigBody) } },
    expect: pagesHandled(bigBody),
  },
  "valid, the stream read as strings (req.setEncoding('utf8'))": {
    input: { config: KEYS, encoding: "utf8", body: "t\u00e9xt", headers: { "upstash-signature": sig(CURRENT, "t\u00e9xt") } },
    expect: pagesHandled("t\u00e9xt"),
  },
  "invalid UTF-8 body, signed over its decoded text": {
    input: { config: KEYS, body: invalidUtf8, headers: { "upstash-signature": sig(CURRENT, invalidUtf8Text) } },
    expect: pagesHandled(invalidUtf8Text),
  },
  "the stream read as latin1 strings: re-encoded as UTF-8, so a non-ASCII body no longer matches": {
    input: { config: KEYS, encoding: "latin1", body: "t\u00e9xt", headers: { "upstash-signature": sig(CURRENT, "t\u00e9xt") } },
    expect: (r) => assert.match(r.res.threw?.message ?? "", /^body hash does not match/),
  },
  "keys from the environment": {
    input: { env: { QSTASH_CURRENT_SIGNING_KEY: CURRENT, QSTASH_NEXT_SIGNING_KEY: NEXT }, body: "e", headers: { "upstash-signature": sig(NEXT, "e") } },
    expect: pagesHandled("e"),
  },
  "no keys anywhere: refuses to wrap": {
    input: { body: "e", headers: { "upstash-signature": sig(NEXT, "e") } },
    expect: refusedToWrap(MISSING_KEYS),
  },
  "missing Upstash-Signature header: 400": {
    input: { config: KEYS, body: "x" },
    expect: (r) => {
      assert.equal(r.calls.length, 0);
      assert.equal(r.res.value, undefined);
      assert.deepStrictEqual(r.http, { status: 400, contentType: "text/plain; charset=utf-8", body: "`Upstash-Signature` header is missing" });
    },
  },
  "tampered body": {
    input: { config: KEYS, body: "tampered", headers: { "upstash-signature": sig(CURRENT, "original") } },
    expect: pagesRejected(`body hash does not match, want: ${b64sha("original")}, got: ${b64sha("tampered")}`),
  },
  "wrong key": {
    input: { config: { currentSigningKey: OTHER, nextSigningKey: OTHER }, body: "x", headers: { "upstash-signature": sig(CURRENT, "x") } },
    expect: pagesRejected("signature verification failed"),
  },
  "Next.js' body parser left on: the stream is already read, so the body hash cannot match": {
    input: { config: KEYS, bodyParser: true, body: "parsed", headers: { "upstash-signature": sig(CURRENT, "parsed") } },
    expect: pagesRejected(`body hash does not match, want: ${b64sha("parsed")}, got: ${b64sha("")}`),
  },
  "expired, clockTolerance 60": {
    input: { config: { ...KEYS, clockTolerance: 60 }, body: "l", headers: { "upstash-signature": sig(CURRENT, "l", { exp: now() - 5 }) } },
    expect: pagesHandled("l"),
  },
  "expired, no clockTolerance": {
    input: { config: KEYS, body: "l", headers: { "upstash-signature": sig(CURRENT, "l", { exp: now() - 5 }) } },
    expect: pagesRejected("signature verification failed"),
  },
  "multi-region keys from the Upstash-Region header": {
    input: {
      env: { QSTASH_REGION: "EU_CENTRAL_1", EU_CENTRAL_1_QSTASH_CURRENT_SIGNING_KEY: EU_CURRENT, EU_CENTRAL_1_QSTASH_NEXT_SIGNING_KEY: EU_NEXT },
      body: "eu",
      headers: { "upstash-signature": sig(EU_CURRENT, "eu"), "upstash-region": "EU-CENTRAL-1" },
    },
    expect: pagesHandled("eu"),
  },
  "config.devMode true, no keys": {
    input: { config: { devMode: true }, body: "dev", headers: { "upstash-signature": sig(DEV_CURRENT, "dev") } },
    expect: pagesHandled("dev"),
  },
};

for (const [name, { input, expect }] of Object.entries(PAGES_CASES)) {
  test(`pages router: ${name}`, async () => {
    const official = await runPages("official", input);
    const ours = await runPages("ours", input);
    assert.deepStrictEqual(alignSignatureMessages(official, ours), official);
    expect(official);
    expect(alignSignatureMessages(official, ours));
  });
}

// ── h3 and Nuxt, real h3 apps over HTTP ─────────────────────────────────────────────────────

/**
 * Serves `wrapped` (for every method) in a fresh h3 app with the repository's h3, sends one
 * request and describes the HTTP answer, the error h3 caught (its cause: what the adapter
 * threw) and the handler's calls.
 */
async function runH3(side, adapterName, { config, env = {}, method = "POST", body, headers = {} }) {
  const calls = [];
  const handler = async (event) => {
    const parsed = await readBody(event);
    calls.push({ body: parsed });
    return { handled: true, body: parsed };
  };
  const wrapOf = (lib) =>
    adapterName === "nuxt" ? lib.nuxt.verifySignatureNuxt(handler, config) : lib.h3.verifySignatureH3(handler, config);
  return withEnv(env, async () => {
    let wrapped;
    const wrap = await outcome(side, () => (wrapped = wrapOf(sides[side])), () => "wrapped");
    if (wrap.threw) return { wrap, calls };
    let caught;
    const app = createApp({
      onError: (error) => {
        caught = describeThrown(error.cause ?? error, side);
        caught.h3StatusCode = error.statusCode;
      },
    });
    app.use(createRouter().use("/api/qstash", wrapped));
    const server = createServer(toNodeListener(app));
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    try {
      const [response, log] = await withConsole(() =>
        fetch(`http://127.0.0.1:${server.address().port}/api/qstash`, { method, headers, body }));
      const http = { status: response.status, contentType: response.headers.get("content-type"), body: await response.text() };
      // h3 logs what it caught, message included: that error is compared as `caught`.
      const lines = log.map(([level, text]) => [level, text.startsWith("[h3] [unhandled]") ? "[h3] [unhandled] <caught>" : text]);
      return { wrap, http, caught, calls, log: lines };
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
}

const h3Handled = (body) => (r) => {
  assert.equal(r.caught, undefined, JSON.stringify(r.caught));
  assert.deepStrictEqual(r.calls, [{ body }]);
  assert.equal(r.http.status, 200);
  assert.deepStrictEqual(JSON.parse(r.http.body), { handled: true, body });
};
const h3Rejected = (message, { signatureError = true } = {}) => (r) => {
  assert.equal(r.calls.length, 0);
  assert.equal(r.http.status, 500);
  assert.equal(r.caught?.message, message);
  assert.equal(r.caught?.signatureError, signatureError);
};

const H3_CASES = {
  "missing Upstash-Signature header: the official's {status: 403, body} object, sent as JSON with HTTP 200": {
    input: { config: KEYS, body: "x" },
    expect: (r) => {
      assert.equal(r.calls.length, 0);
      assert.deepStrictEqual(JSON.parse(r.http.body), { status: 403, body: "`Upstash-Signature` header is missing" });
      assert.equal(r.http.status, 200);
    },
  },
  "empty body: accepted (a body both sides hash as empty)": {
    input: { config: KEYS, headers: { "upstash-signature": sig(CURRENT, "") } },
    expect: (r) => {
      assert.equal(r.caught, undefined, JSON.stringify(r.caught));
      assert.equal(r.calls.length, 1);
      assert.equal(r.http.status, 200);
    },
  },
  "wrong key": {
    input: { config: { currentSigningKey: OTHER, nextSigningKey: OTHER }, body: "x", headers: { "upstash-signature": sig(CURRENT, "x") } },
    expect: h3Rejected("signature verification failed"),
  },
  "expired, no clockTolerance": {
    input: { config: KEYS, body: "l", headers: { "upstash-signature": sig(CURRENT, "l", { exp: now() - 5 }) } },
    expect: h3Rejected("signature verification failed"),
  },
  "no keys anywhere: refuses to wrap": {
    input: { body: "x", headers: { "upstash-signature": sig(CURRENT, "x") } },
    expect: refusedToWrap(MISSING_KEYS),
  },
  "GET with a signature: h3's readRawBody refuses the method (405)": {
    input: { config: KEYS, method: "GET", headers: { "upstash-signature": sig(CURRENT, "") } },
    expect: (r) => {
      assert.equal(r.calls.length, 0);
      assert.equal(r.http.status, 405);
      assert.equal(r.caught?.h3StatusCode, 405);
    },
  },
  "keys from the environment, wrong signature": {
    input: { env: { QSTASH_CURRENT_SIGNING_KEY: CURRENT, QSTASH_NEXT_SIGNING_KEY: NEXT }, body: "x", headers: { "upstash-signature": sig(OTHER, "x") } },
    expect: h3Rejected("signature verification failed"),
  },
  "keys from the environment, empty body": {
    input: { env: { QSTASH_CURRENT_SIGNING_KEY: CURRENT, QSTASH_NEXT_SIGNING_KEY: NEXT }, headers: { "upstash-signature": sig(NEXT, "") } },
    expect: (r) => assert.equal(r.calls.length, 1),
  },
};

for (const adapterName of ["h3", "nuxt"]) {
  for (const [name, { input, expect }] of Object.entries(H3_CASES)) {
    test(`${adapterName}: ${name}`, async () => {
      const official = await runH3("official", adapterName, input);
      const ours = await runH3("ours", adapterName, input);
      assert.deepStrictEqual(alignSignatureMessages(official, ours), official);
      expect(official);
      expect(alignSignatureMessages(official, ours));
    });
  }

  test(`${adapterName}: deliberate difference, a delivery with a body is verified against the raw body`, async () => {
    // The official hashes JSON.stringify(rawBody), i.e. the body in quotes: QStash signs the
    // raw body, so there a genuine delivery fails with a body hash mismatch (a 500), while
    // ours calls the handler. A token minted over the quoted text passes only the official.
    const input = { config: KEYS, body: JSON_BODY, headers: { "upstash-signature": sig(CURRENT, JSON_BODY), "content-type": "application/json" } };
    const official = await runH3("official", adapterName, input);
    const ours = await runH3("ours", adapterName, input);
    h3Rejected(`body hash does not match, want: ${b64sha(JSON_BODY)}, got: ${b64sha(JSON.stringify(JSON_BODY))}`)(official);
    h3Handled(JSON.parse(JSON_BODY))(ours);

    const quoted = { ...input, headers: { "upstash-signature": sig(CURRENT, JSON.stringify(JSON_BODY)) } };
    h3Handled(JSON_BODY)(await runH3("official", adapterName, quoted));
    h3Rejected(`body hash does not match, want: ${b64sha(JSON.stringify(JSON_BODY))}, got: ${b64sha(JSON_BODY)}`)(
      await runH3("ours", adapterName, quoted),
    );

    // A tampered body fails on both, each naming the hash it computed.
    const tampered = { config: KEYS, body: "tampered", headers: { "upstash-signature": sig(CURRENT, "original") } };
    h3Rejected(`body hash does not match, want: ${b64sha("original")}, got: ${b64sha(JSON.stringify("tampered"))}`)(
      await runH3("official", adapterName, tampered),
    );
    h3Rejected(`body hash does not match, want: ${b64sha("original")}, got: ${b64sha("tampered")}`)(
      await runH3("ours", adapterName, tampered),
    );
  });
}

test("h3: ours verifies the raw body of a multi-region delivery and hands it on to readBody", async () => {
  const body = JSON.stringify({ region: "eu" });
  const r = await runH3("ours", "h3", {
    env: { QSTASH_REGION: "EU_CENTRAL_1", EU_CENTRAL_1_QSTASH_CURRENT_SIGNING_KEY: EU_CURRENT, EU_CENTRAL_1_QSTASH_NEXT_SIGNING_KEY: EU_NEXT },
    body,
    headers: { "upstash-signature": sig(EU_NEXT, body), "upstash-region": "eu-central-1", "content-type": "application/json" },
  });
  h3Handled({ region: "eu" })(r);
});
