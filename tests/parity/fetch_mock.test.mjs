// Parity under a mocked `globalThis.fetch`: how users test their code (vitest `vi.fn`, jest
// spies, hand-written stubs). No server: every case installs a mock `fetch`, runs the SAME call
// through the official Client and ours, and the two records must be deeply equal:
//   - the outcome: the value, or the error (describeError), thrown synchronously or rejected,
//     and whether it is the very object the mock threw (`planted`);
//   - every fetch call as the mock sees it: argument count, the url string, Object.keys(init)
//     sorted, its prototype, `method`, whether `headers` is a `Headers`, the header entries
//     (minus `upstash-telemetry-*`, whose SDK names differ by design), `typeof body` and the
//     body when it is a string, `keepalive` (and whether the key exists), and whether a retry
//     got the same init and Headers objects as the first attempt;
//   - the calls to `retry.backoff` (its arguments) and the console lines.
// Shapes of what the mock returns: real `Response`s (2xx JSON, no body, non-JSON, 4xx/5xx
// with and without a body, the three 429 kinds), a value returned without a promise, a
// thenable, plain objects shaped like a Response (missing `text`/`json`/`headers`, `json`
// returning a non-promise, throwing, rejecting; `text` odd), a class with getters, no `status`,
// a string status, falsy values; and `fetch` throwing synchronously or rejecting with an Error,
// `undefined`, `null`, `0`, a string, then recovering or returning nothing.
// After a call settles, the mock stays installed a few milliseconds, so a late fetch call or
// console line still counts.
// Then: Client `headers` and a trailing-slash `baseUrl` as the mock sees them; the reads a
// Response-like Proxy sees, in order (`status`, `headers.get(name)`, `text`, `json`), for a
// mock whose getters count or vary; and how many fetch calls were made before the method
// returned its promise (the official awaits first, so none).
//
//   QSTASH_WASM_PKG=<installed package dir> node --test tests/parity/fetch_mock.test.mjs
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { loadLibraries, describeError, capture, ROOT } from "./harness.mjs";

// Read before loadLibraries, which unsets every QSTASH* variable.
const PKG_DIR = process.env.QSTASH_WASM_PKG;
const libs = await loadLibraries();

/** Each side's own `Upstash-Telemetry-Sdk` value. `batch` puts every message's headers into the
 * JSON body, so the body carries it; it is replaced by `<sdk>` there, and only that exact string
 * (a wrong name still shows). */
const version = (dir) => JSON.parse(readFileSync(resolve(dir, "package.json"), "utf8")).version;
const SDK = {
  official: `upstash-qstash-js@${version(resolve(ROOT, "node_modules/@upstash/qstash"))}`,
  ours: `qstash-wasm@${version(PKG_DIR)}`,
};

const BASE = "http://mock.test";
const settle = () => new Promise((r) => setTimeout(r, 5));

// --- what the mock returns ------------------------------------------------------------------------
// Each step is `(ctx) => result`: `ctx.boom` is a fresh Error per side for a mock to plant.

/** A real JSON `Response` (in a promise, as `fetch` gives it). */
const json = (body, status = 200, headers = {}) => () =>
  Promise.resolve(new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } }));
/** A real `Response` with a raw body (`null` for none). */
const raw = (body, status = 200, headers = {}) => () => Promise.resolve(new Response(body, { status, headers }));
/** `fetch` resolves to `value(ctx)`. */
const resolves = (value) => (ctx) => Promise.resolve(value(ctx));
/** `fetch` returns `value(ctx)` itself, no promise. */
const returns = (value) => (ctx) => value(ctx);
/** `fetch` rejects with `value(ctx)`. */
const rejects = (value) => (ctx) => Promise.reject(value(ctx));
/** `fetch` throws `value(ctx)` synchronously. */
const throwsSync = (value) => (ctx) => {
  throw value(ctx);
};
/** Step `n` of a sequence; the last step repeats. */
const seq = (...steps) => (n, ctx) => steps[Math.min(n, steps.length - 1)](ctx);
/** The same step for every call. */
const always = (step) => (n, ctx) => step(ctx);

const boom = (ctx) => ctx.boom;
const fetchFailed = () => new TypeError("fetch failed", { cause: new Error("connect ECONNREFUSED 127.0.0.1:443") });

/** A plain object shaped like a Response; `fields` override or (as `undefined`) remove. */
function plain(status, body, fields = {}) {
  const o = {
    status,
    ok: status >= 200 && status < 300,
    headers: new Headers({ "content-type": "application/json" }),
    text: async () => (typeof body === "string" ? body : JSON.stringify(body)),
    json: async () => (typeof body === "string" ? JSON.parse(body) : body),
  };
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) delete o[k];
    else o[k] = v;
  }
  return o;
}

/** A foreign Response-like class: state behind getters, methods on the prototype. */
class FakeResponse {
  #status;
  #body;
  #headers;
  constructor(status, body, headers = {}) {
    this.#status = status;
    this.#body = body;
    this.#headers = new Headers(headers);
  }
  get status() {
    return this.#status;
  }
  get ok() {
    return this.#status >= 200 && this.#status < 300;
  }
  get headers() {
    return this.#headers;
  }
  async text() {
    return this.#body;
  }
  async json() {
    return JSON.parse(this.#body);
  }
}

// --- what is called -------------------------------------------------------------------------------

const DEST = "https://example.com/hook";
const CALLS = {
  publish: (c) => c.publish({ url: DEST, body: "hello", headers: { "x-custom": "1" }, delay: 5, label: "lbl" }),
  publishJSON: (c) => c.publishJSON({ url: DEST, body: { a: 1, b: [true, null] }, retries: 2 }),
  batchJSON: (c) =>
    c.batchJSON([
      { url: "https://example.com/a", body: { n: 1 } },
      { url: "https://example.com/b", body: { n: 2 }, queueName: "q-batch" },
    ]),
  "messages.get": (c) => c.messages.get("msg_1"),
  "messages.delete": (c) => c.messages.delete("msg_1"),
  "schedules.create": (c) => c.schedules.create({ destination: "https://example.com/s", cron: "*/5 * * * *", body: "s", headers: { "x-s": "v" } }),
  "schedules.get": (c) => c.schedules.get("scd_1"),
  "schedules.list": (c) => c.schedules.list(),
  "schedules.delete": (c) => c.schedules.delete("scd_1"),
  "urlGroups.get": (c) => c.urlGroups.get("grp"),
  "dlq.listMessages": (c) => c.dlq.listMessages({ filter: { label: "l", urlGroup: "g" }, count: 5 }),
  "queue.upsert": (c) => c.queue({ queueName: "q1" }).upsert({ parallelism: 2 }),
  "queue.enqueue": (c) => c.queue({ queueName: "q1" }).enqueue({ url: DEST, body: "e", headers: { "x-q": "1" } }),
  "queue.enqueueJSON": (c) => c.queue({ queueName: "q1" }).enqueueJSON({ url: DEST, body: { e: 1 } }),
  logs: (c) => c.logs({ filter: { state: "DELIVERED" }, count: 3 }),
  // The official's public HttpClient (ours: pkg-template/compat.js's requester).
  "http.request": (c) => c.http.request({ path: ["v2", "messages", "msg_1"], method: "GET" }),
  "http.request void": (c) => c.http.request({ path: ["v2", "queues", "q1"], method: "DELETE", parseResponseAsJson: false }),
};

const MESSAGE = { messageId: "msg_1", url: DEST, topicName: "grp", rate: 4, createdAt: 1 };
const SCHEDULE = { scheduleId: "scd_1", cron: "*/5 * * * *", destination: "https://example.com/s", rate: 2 };

// --- the cases: [call, mock description, fetch mock (n, ctx) => result, options] -------------------
// options.retry: the Client's `retry` built from the recording `backoff` (default:
// `{ retries: 2, backoff }`, where backoff returns 1).

const CASES = [
  // Real Responses, 2xx.
  ["publish", "Response 200 JSON", always(json({ messageId: "msg_1", url: DEST }))],
  ["publishJSON", "Response 201 JSON", always(json({ messageId: "msg_2" }, 201))],
  ["batchJSON", "Response 200 JSON array", always(json([{ messageId: "a" }, { messageId: "b", deduplicated: true }]))],
  ["batchJSON", "Response 200 JSON single object (wrapped in an array)", always(json({ messageId: "a" }))],
  ["messages.get", "Response 200 JSON message", always(json(MESSAGE))],
  ["messages.get", "Response 200 JSON without rate", always(json({ messageId: "msg_1", topicName: "t" }))],
  ["messages.delete", "Response 201 without body", always(raw(null, 201))],
  ["messages.delete", "Response 200 with a non-JSON body (never read)", always(raw("not json", 200))],
  ["schedules.create", "Response 200 JSON", always(json({ scheduleId: "scd_1" }))],
  ["schedules.get", "Response 200 JSON with rate", always(json(SCHEDULE))],
  ["schedules.list", "Response 200 JSON list", always(json([SCHEDULE, { scheduleId: "scd_2", cron: "0 * * * *" }]))],
  ["schedules.delete", "Response 204 without body", always(raw(null, 204))],
  ["urlGroups.get", "Response 200 JSON", always(json({ name: "grp", endpoints: [{ url: DEST }], createdAt: 1 }))],
  ["dlq.listMessages", "Response 200 JSON", always(json({ cursor: "c1", messages: [{ dlqId: "d1", ...MESSAGE }, { dlqId: "d2", messageId: "m2" }] }))],
  ["queue.upsert", "Response 200 without body", always(raw(null, 200))],
  ["queue.enqueue", "Response 201 JSON", always(json({ messageId: "msg_q" }, 201))],
  ["queue.enqueueJSON", "Response 200 JSON", always(json({ messageId: "msg_qj" }))],
  ["logs", "Response 200 JSON events", always(json({ cursor: "c", events: [{ time: 1, state: "DELIVERED", messageId: "m", topicName: "g" }] }))],
  ["publish", "Response 200 with a non-JSON body", always(raw("OK", 200, { "content-type": "text/plain" }))],
  ["schedules.get", "Response 200 with an empty body", always(raw("", 200))],
  ["logs", "Response 200 JSON without events", always(json({ cursor: "c" }))],
  ["dlq.listMessages", "Response 200 JSON null", always(json(null))],
  // Real Responses, errors (never retried).
  ["publish", "Response 400 with a JSON body", always(json({ error: "bad request" }, 400))],
  ["messages.get", "Response 404 without body", always(raw(null, 404))],
  ["schedules.list", "Response 500 with an HTML body", always(raw("<html>Internal</html>", 500, { "content-type": "text/html" }))],
  ["publishJSON", "Response 503 with an empty body", always(raw("", 503))],
  ["messages.delete", "Response 401 with a text body (void method)", always(raw("Unauthorized", 401))],
  ["queue.upsert", "Response 412 with a body", always(raw("queue limit", 412))],
  ["publish", "Response 429 burst", always(raw('{"error":"slow"}', 429, { "Burst-RateLimit-Limit": "100", "Burst-RateLimit-Remaining": "0", "Burst-RateLimit-Reset": "1700000000" }))],
  ["logs", "Response 429 daily", always(raw("", 429, { "RateLimit-Limit": "500", "RateLimit-Remaining": "0", "RateLimit-Reset": "1700000001" }))],
  ["publishJSON", "Response 429 chat", always(raw("x", 429, { "x-ratelimit-limit-requests": "10", "x-ratelimit-limit-tokens": "1000", "x-ratelimit-remaining-requests": "0", "x-ratelimit-remaining-tokens": "5", "x-ratelimit-reset-requests": "1s", "x-ratelimit-reset-tokens": "2s" }))],
  ["messages.delete", "Response 429 without headers", always(raw(null, 429))],
  ["publish", "Response 429 with an empty chat header (falls to daily)", always(raw("", 429, { "x-ratelimit-limit-requests": "", "RateLimit-Limit": "7" }))],
  // Returned without a promise, or as a thenable.
  ["publish", "a Response returned without a promise", always(returns(() => new Response('{"messageId":"sync"}', { status: 200 })))],
  ["schedules.delete", "a plain object returned without a promise", always(returns(() => ({ status: 200 })))],
  ["messages.get", "a 404 Response returned without a promise", always(returns(() => new Response("nope", { status: 404 })))],
  ["messages.get", "a thenable resolving to a Response", always(() => ({ then: (resolve) => resolve(new Response(JSON.stringify(MESSAGE))) }))],
  ["publish", "a thenable rejecting with the planted error", always((ctx) => ({ then: (_, reject) => reject(ctx.boom) }))],
  // Plain objects shaped like a Response.
  ["publish", "plain object 200 with async json", always(resolves(() => plain(200, { messageId: "plain" })))],
  ["messages.get", "plain object 200, json returns a non-promise", always(resolves(() => plain(200, null, { json: () => MESSAGE })))],
  ["publish", "plain object 200 without json", always(resolves(() => plain(200, null, { json: undefined })))],
  ["publish", "plain object 200, json returns undefined (a bare vi.fn())", always(resolves(() => plain(200, null, { json: () => undefined })))],
  ["messages.get", "plain object 200, json returns undefined (a bare vi.fn())", always(resolves(() => plain(200, null, { json: () => undefined })))],
  ["publish", "plain object 500, text returns undefined (a bare vi.fn())", always(resolves(() => plain(500, null, { text: () => undefined })))],
  ["messages.delete", "plain object 200 without json, void method", always(resolves(() => plain(200, null, { json: undefined, text: undefined, headers: undefined })))],
  ["messages.get", "plain object 200, json throws synchronously", always(resolves((ctx) => plain(200, null, { json: () => { throw ctx.boom; } })))],
  ["schedules.list", "plain object 200, json rejects", always(resolves((ctx) => plain(200, null, { json: () => Promise.reject(ctx.boom) })))],
  ["messages.get", "plain object 404 without text", always(resolves(() => plain(404, "gone", { text: undefined })))],
  ["publish", "plain object 500 without headers (not read)", always(resolves(() => plain(500, "server down", { headers: undefined })))],
  ["publish", "plain object 429 without headers", always(resolves(() => plain(429, "", { headers: undefined })))],
  ["publish", "plain object 400, text returns a non-promise string", always(resolves(() => plain(400, null, { text: () => "sync text" })))],
  ["publish", "plain object 400, text resolves to undefined", always(resolves(() => plain(400, null, { text: async () => undefined })))],
  ["publish", "plain object 400, text resolves to a number", always(resolves(() => plain(400, null, { text: async () => 42 })))],
  ["schedules.get", "plain object 400, text throws synchronously", always(resolves((ctx) => plain(400, null, { text: () => { throw ctx.boom; } })))],
  ["schedules.get", "plain object 400, text rejects", always(resolves((ctx) => plain(400, null, { text: () => Promise.reject(ctx.boom) })))],
  ["publish", "plain object 429 with a Map of headers (case-sensitive get, lower-case keys)", always(resolves(() => plain(429, "", { headers: new Map([["burst-ratelimit-limit", "100"], ["burst-ratelimit-remaining", "0"]]) })))],
  ["publish", "plain object 429 whose headers.get returns numbers", always(resolves(() => plain(429, "", { headers: { get: (n) => ({ "x-ratelimit-limit-requests": 10, "x-ratelimit-remaining-requests": 0 })[n] } })))],
  ["publish", "plain object 429 whose headers.get returns undefined", always(resolves(() => plain(429, "", { headers: { get: () => undefined } })))],
  ["publish", "plain object 429 whose headers.get throws", always(resolves((ctx) => plain(429, "", { headers: { get: () => { throw ctx.boom; } } })))],
  ["messages.get", "plain object with status \"404\" (a string)", always(resolves(() => plain("404", "gone")))],
  ["publish", "plain object with status \"503\" (a string) and an empty body", always(resolves(() => plain("503", "")))],
  ["messages.get", "plain object with status 100", always(resolves(() => plain(100, "informational")))],
  ["messages.get", "plain object with status 600", always(resolves(() => plain(600, "")))],
  ["publish", "plain object without status (taken as success)", always(resolves(() => plain(undefined, { messageId: "nostatus" }, { status: undefined })))],
  ["queue.upsert", "plain object without status, void method", always(resolves(() => ({})))],
  ["messages.get", "an empty object (no status, no json)", always(resolves(() => ({})))],
  // A class instance with getters.
  ["messages.get", "class instance 200 with getters", always(resolves(() => new FakeResponse(200, JSON.stringify(MESSAGE))))],
  ["publish", "class instance 502 with getters", always(resolves(() => new FakeResponse(502, "bad gateway")))],
  ["publish", "class instance 429 daily with getters", always(resolves(() => new FakeResponse(429, "", { "ratelimit-limit": "5", "ratelimit-reset": "9" })))],
  // Falsy responses: no response, "Exhausted all retries" after one call.
  ["publish", "fetch resolves to undefined", always(resolves(() => undefined))],
  ["messages.get", "fetch resolves to null", always(resolves(() => null))],
  ["schedules.list", "fetch returns 0 without a promise", always(returns(() => 0))],
  ["messages.delete", "fetch resolves to an empty string", always(resolves(() => ""))],
  ["publish", "fetch returns undefined without a promise", always(returns(() => undefined))],
  // fetch throws or rejects: network failures, retried.
  ["publish", "fetch throws synchronously every time", always(throwsSync(boom))],
  ["messages.get", "fetch rejects with an Error every time", always(rejects(boom))],
  ["schedules.list", "fetch rejects with a TypeError with a cause", always(rejects(fetchFailed))],
  ["publish", "fetch rejects with undefined every time", always(rejects(() => undefined))],
  ["messages.delete", "fetch rejects with null every time", always(rejects(() => null))],
  ["messages.get", "fetch rejects with 0 every time", always(rejects(() => 0))],
  ["logs", "fetch rejects with a string every time", always(rejects(() => "offline"))],
  ["publish", "fetch rejects with an Error-like plain object", always(rejects(() => ({ message: "like an error" })))],
  ["publish", "first attempt rejects, then undefined", seq(rejects(boom), resolves(() => undefined))],
  ["messages.get", "rejects, then rejects with undefined, then undefined", seq(rejects(boom), rejects(() => undefined), resolves(() => undefined))],
  ["messages.get", "rejects, then succeeds", seq(rejects(boom), json(MESSAGE))],
  ["messages.delete", "throws synchronously, then 201 without body", seq(throwsSync(boom), raw(null, 201))],
  ["batchJSON", "rejects twice, then succeeds on the last attempt", seq(rejects(fetchFailed), throwsSync(boom), json([{ messageId: "late" }]))],
  ["schedules.get", "rejects, then 404", seq(rejects(boom), raw("no schedule", 404))],
  ["publish", "rejects, then 429 burst", seq(rejects(boom), raw("", 429, { "Burst-RateLimit-Limit": "1" }))],
  ["urlGroups.get", "rejects, then a plain object whose json rejects", seq(rejects(fetchFailed), resolves((ctx) => plain(200, null, { json: () => Promise.reject(ctx.boom) })))],
  // The public requester (client.http.request), same shapes.
  ["http.request", "Response 200 JSON", always(json(MESSAGE))],
  ["http.request void", "Response 204 without body", always(raw(null, 204))],
  ["http.request", "a Response returned without a promise", always(returns(() => new Response(JSON.stringify(MESSAGE))))],
  ["http.request", "plain object 500 with a body", always(resolves(() => plain(500, "server down")))],
  ["http.request", "plain object 429 with a Map of headers", always(resolves(() => plain(429, "", { headers: new Map([["burst-ratelimit-limit", "3"]]) })))],
  ["http.request", "plain object 400, text resolves to undefined", always(resolves(() => plain(400, null, { text: async () => undefined })))],
  ["http.request", "plain object 404 without text", always(resolves(() => plain(404, "gone", { text: undefined })))],
  ["http.request", "plain object 429 whose headers.get returns numbers", always(resolves(() => plain(429, "", { headers: { get: (n) => ({ "x-ratelimit-limit-requests": 10 })[n] } })))],
  ["http.request", "first attempt rejects, then undefined", seq(rejects(boom), resolves(() => undefined))],
  ["http.request void", "fetch throws synchronously, then 200", seq(throwsSync(boom), raw("ignored", 200))],
  // Retry configurations.
  ["publish", "retry: false, fetch rejects", always(rejects(boom)), { retry: () => false }],
  ["publish", "retry: false, fetch resolves to undefined", always(resolves(() => undefined)), { retry: () => false }],
  ["messages.get", "retry: false, 200", always(json(MESSAGE)), { retry: () => false }],
  ["messages.get", "retry: false, 500", always(raw("boom", 500)), { retry: () => false }],
  ["publish", "retries: 0, fetch throws synchronously", always(throwsSync(boom)), { retry: (backoff) => ({ retries: 0, backoff }) }],
  ["logs", "custom backoff with fractions", always(rejects(fetchFailed)), { retry: (backoff) => ({ retries: 3, backoff: (n) => (backoff(n), n * 1.6) }) }],
  ["schedules.delete", "default retries (5) with a custom backoff", always(rejects(boom)), { retry: (backoff) => ({ backoff }) }],
  ["queue.enqueue", "retries: 1, rejects then succeeds", seq(rejects(boom), json({ messageId: "r1" })), { retry: (backoff) => ({ retries: 1, backoff }) }],
  // The mock changes the init it was given: a retry sees the change (the same objects).
  [
    "publish",
    "the mock sets a header on the init's Headers, then succeeds",
    (n, ctx, url, init) => {
      if (n === 0) {
        init.headers.set("x-mock-added", "1");
        return Promise.reject(ctx.boom);
      }
      return json({ messageId: "after-mutation" })();
    },
  ],
];

// --- running a case -------------------------------------------------------------------------------

const TELEMETRY = /^upstash-telemetry-/;
const sdkField = (name) => `"upstash-telemetry-sdk":"${name}"`;

/** What the mock sees of one fetch call (`side` for its SDK name in a batch body). */
function describeCall(side, args, first) {
  const [url, init] = args;
  const d = { args: args.length, urlType: typeof url, url: String(url) };
  if (init === null || typeof init !== "object") return { ...d, init: typeof init };
  return {
    ...d,
    keys: Object.keys(init).sort(),
    plainInit: Object.getPrototypeOf(init) === Object.prototype,
    method: init.method,
    headersIsHeaders: init.headers instanceof Headers,
    headers: [...new Headers(init.headers)].filter(([k]) => !TELEMETRY.test(k)),
    bodyType: typeof init.body,
    body: typeof init.body === "string" ? init.body.split(sdkField(SDK[side])).join(sdkField("<sdk>")) : undefined,
    hasKeepalive: "keepalive" in init,
    keepalive: init.keepalive,
    sameInitAsFirst: init === first,
    sameHeadersAsFirst: init.headers === first.headers,
  };
}

/** One side's record of `call` under the fetch `mock`. */
async function run(side, call, mock, { retry = (backoff) => ({ retries: 2, backoff }) } = {}) {
  const lib = libs[side];
  const ctx = { boom: new Error("planted") };
  const backoffCalls = [];
  const backoff = (...args) => {
    backoffCalls.push(args);
    return 1;
  };
  const client = new lib.Client({ token: "t", baseUrl: BASE, retry: retry(backoff) });
  const calls = [];
  let first;
  const savedFetch = globalThis.fetch;
  try {
    globalThis.fetch = function (...args) {
      first ??= args[1];
      calls.push(describeCall(side, args, first));
      return mock(calls.length - 1, ctx, ...args);
    };
    const { value: outcome, lines } = await capture(async () => {
      let promise;
      try {
        promise = call(client);
      } catch (err) {
        await settle();
        return { sync: describeError(err, lib), planted: err === ctx.boom };
      }
      let out;
      try {
        out = { value: await promise };
      } catch (err) {
        out = { rejected: describeError(err, lib), planted: err === ctx.boom };
      }
      // A late fetch call or console line (a retry after the promise settled) still counts.
      await settle();
      return out;
    });
    return { outcome, fetchCalls: calls.length, calls, backoffCalls, lines };
  } finally {
    globalThis.fetch = savedFetch;
  }
}

for (const [callName, mockName, mock, options] of CASES) {
  test(`fetch mock: ${callName}: ${mockName}`, async () => {
    const call = CALLS[callName];
    const want = await run("official", call, mock, options);
    const got = await run("ours", call, mock, options);
    assert.ok(want.fetchCalls > 0, "the official never called fetch");
    assert.deepStrictEqual(got, want);
  });
}

// Client config beyond retry: global headers and a base URL with a trailing slash reach the
// mock the same way.
test("fetch mock: global headers and a trailing-slash baseUrl", async () => {
  const records = {};
  for (const side of ["official", "ours"]) {
    const lib = libs[side];
    const calls = [];
    const saved = globalThis.fetch;
    try {
      globalThis.fetch = (...args) => {
        calls.push(describeCall(side, args, args[1]));
        return Promise.resolve(new Response('{"messageId":"g"}'));
      };
      const client = new lib.Client({ token: "t", baseUrl: `${BASE}/`, retry: false, headers: { "x-global": "g", "Upstash-Retries": "4" } });
      const { value, err, lines } = await capture(async () => [
        await client.publish({ url: DEST, body: "b", headers: { "x-local": "l" } }),
        await client.schedules.list().catch((e) => describeError(e, lib)),
      ]);
      records[side] = { value, err: err && describeError(err, lib), lines, calls };
    } finally {
      globalThis.fetch = saved;
    }
  }
  assert.deepStrictEqual(records.ours, records.official);
});

// What a mock Response sees being read, in order (a Proxy logs every property read and each
// `headers.get` name). A mock whose getters count reads or change between reads depends on it.
const READ_VARIANTS = [
  ["publish", 200, { messageId: "r" }, {}],
  ["messages.delete", 200, null, {}],
  ["messages.get", 404, "gone", {}],
  ["messages.get", 100, "informational", {}],
  ["publish", 429, "", { "burst-ratelimit-limit": "1" }],
  ["publish", 429, "", { "x-ratelimit-limit-requests": "3" }],
  ["http.request", 404, "gone", {}],
  ["http.request", 429, "", { "ratelimit-limit": "2" }],
];

for (const [callName, status, body, headers] of READ_VARIANTS) {
  test(`fetch mock: the reads of a Response-like object, in order: ${callName}, status ${status}${Object.keys(headers).map((h) => `, ${h}`).join("")}`, async () => {
    const records = {};
    for (const side of ["official", "ours"]) {
      const lib = libs[side];
      const log = [];
      const target = {
        status,
        headers: {
          get: (name) => {
            log.push(`headers.get(${name})`);
            return headers[name.toLowerCase()] ?? null;
          },
        },
        text: async () => (typeof body === "string" ? body : JSON.stringify(body)),
        json: async () => body,
      };
      const response = new Proxy(target, {
        get(t, key) {
          log.push(`read ${String(key)}`);
          return t[key];
        },
      });
      const client = new lib.Client({ token: "t", baseUrl: BASE, retry: false });
      const saved = globalThis.fetch;
      try {
        globalThis.fetch = () => Promise.resolve(response);
        const { value, err, lines } = await capture(() => CALLS[callName](client));
        records[side] = { log, value, err: err && describeError(err, lib), lines };
      } finally {
        globalThis.fetch = saved;
      }
    }
    assert.deepStrictEqual(records.ours, records.official);
  });
}

// The official's methods are `async` and `HttpClient.request` awaits its dev-server check
// first, so `fetch` has not been called yet when the method returns its promise (a test that
// swaps the mock right after the call, or counts calls before awaiting, sees this).
for (const callName of ["publish", "messages.get", "schedules.list", "queue.upsert", "http.request"]) {
  test(`fetch mock: fetch calls made before the method returns: ${callName}`, async () => {
    const records = {};
    for (const side of ["official", "ours"]) {
      const lib = libs[side];
      let count = 0;
      const saved = globalThis.fetch;
      try {
        globalThis.fetch = () => {
          count++;
          return Promise.resolve(new Response("[]"));
        };
        const client = new lib.Client({ token: "t", baseUrl: BASE, retry: false });
        const { value, lines } = await capture(async () => {
          const promise = CALLS[callName](client);
          const beforeReturn = count;
          await promise.catch(() => {});
          return { beforeReturn, total: count };
        });
        records[side] = { ...value, lines };
      } finally {
        globalThis.fetch = saved;
      }
    }
    assert.deepStrictEqual(records.ours, records.official);
  });
}
