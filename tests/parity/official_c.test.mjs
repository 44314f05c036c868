// Parity with what the official repository's client tests assert that official_a/official_b do
// not yet check: reading a message back AFTER a fast local delivery (the official tests publish
// without a delay to endpoints that answer at once), label filters that must exclude other
// labels (logs and DLQ), a 4xx destination landing in the DLQ, HTTP answers that are not retried
// whatever the retry config says (400 with its body as the message, 429 with the burst message),
// the logging of `client.http.request` (the official test drives the HttpClient directly, with a
// query that must never be logged), chat() with and without a token (missing-credentials.test),
// the missing-credentials warning / Receiver error of dev-mode-hint.test and
// client-from-env.test as far as 2.12.0 has them, and a broken baseUrl (the older http.test's
// `https:/`): the URL handed to fetch, and a request that rejects instead of crashing.
//
// Same method as official_a: every scenario runs through the official `@upstash/qstash` (dev user
// 1) and ours (dev user 2) against one qstash-dev; the normalised records must be equal, and the
// official tests' facts are also asserted absolutely on both sides. Every destination is local.
//
//   QSTASH_WASM_PKG=<installed package dir> node --test tests/parity/official_c.test.mjs
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { loadLibraries, startServer, startSink, describeError, runProcess, listen, capture, withEnv, sideContext, scenarioRunner, check, headerOf } from "./harness.mjs";

// loadLibraries() clears every QSTASH* variable, this one included: kept for child processes.
const PKG = process.env.QSTASH_WASM_PKG;
const libs = await loadLibraries();
let server;
let sink;
let dest;
let fake;

/**
 * A local destination: `/bad/...` answers 400 with a text body, everything else 200. No `Date`
 * header, so what the server stores of the answer is the same for both sides.
 */
function startDestination() {
  return listen((req, res) => {
    req.resume();
    req.on("end", () => {
      res.sendDate = false;
      if (req.url.startsWith("/bad")) {
        res.writeHead(400, { "content-type": "text/plain" });
        res.end("bad request from the destination");
      } else {
        res.writeHead(200, { "content-type": "text/plain" });
        res.end("ok");
      }
    });
  });
}

/**
 * A fake QStash API (the official http.test's mock server): `/a400/...` answers 400 with the
 * official test's body, `/a429/...` a burst 429 with its headers and a body; every request is
 * counted per prefix.
 */
async function startFakeApi() {
  const seen = [];
  const http = await listen((req, res) => {
    req.resume();
    req.on("end", () => {
      seen.push({ method: req.method, url: req.url, authorization: req.headers.authorization });
      res.sendDate = false;
      if (req.url.startsWith("/a400")) {
        res.writeHead(400, { "content-type": "text/plain" });
        res.end("can't start with non https or http");
      } else if (req.url.startsWith("/a429")) {
        res.writeHead(429, { "Burst-RateLimit-Limit": "100", "Burst-RateLimit-Remaining": "0", "Burst-RateLimit-Reset": "213123" });
        res.end("sdf d");
      } else {
        res.writeHead(404);
        res.end("no such fake");
      }
    });
  });
  return {
    ...http,
    base: http.url,
    take: () => seen.splice(0),
  };
}

before(async () => {
  server = await startServer();
  sink = await startSink();
  dest = await startDestination();
  fake = await startFakeApi();
});
after(async () => {
  await fake?.stop();
  await dest?.stop();
  await sink?.stop();
  await server?.stop();
});

/** One side's scenario record (harness.mjs `sideContext`). */
const context = (side) => sideContext(side, { libs, server, sink });
const scenario = scenarioRunner(context, "c");

// ------------------------------------------------------------------------------------------------
// client.test.ts "E2E Publish" / "E2E Queue" as the official runs them: no delay, so the message
// is read back after the (local, instant) delivery. Each get waits for DELIVERED first, so both
// sides read the same state.

scenario("publish without a delay: after delivery, get still shows forwarded headers and the JSON body", async (c, x) => {
  const r = await x.step("publishJSON", () =>
    c.publishJSON({
      url: x.sink("/ok/oc-json"),
      body: { hello: "world" },
      headers: { "test-header": "test-value", "Upstash-Forward-bypass-tunnel-reminder": "client-test" },
    }),
  );
  await x.waitState(r.messageId, "DELIVERED");
  const m = await x.step("get after delivery", () => c.messages.get(r.messageId));
  check(x, "readable after delivery", m?.messageId, r.messageId);
  check(x, "test-header", m && headerOf(m, "test-header"), "test-value");
  check(x, "prefix removed", m && headerOf(m, "bypass-tunnel-reminder"), "client-test");
  check(x, "no prefixed name", m && headerOf(m, "Upstash-Forward-bypass-tunnel-reminder"), null);
  check(x, "body", m?.body, JSON.stringify({ hello: "world" }));
});

scenario("publish without a delay: callback, failureCallback and maxRetries are kept after delivery", async (c, x) => {
  const cb = `${x.sink("/ok/oc-cb")}/?foo=bar`;
  const r = await x.step("callback", () => c.publish({ url: x.sink("/ok/oc-c1"), callback: cb }));
  await x.waitState(r.messageId, "DELIVERED");
  const m = await x.step("get callback", () => c.messages.get(r.messageId));
  check(x, "callback", m?.callback, cb);
  const f = await x.step("failureCallback", () => c.publish({ url: x.sink("/ok/oc-c2"), retries: 1, failureCallback: cb }));
  await x.waitState(f.messageId, "DELIVERED");
  const mf = await x.step("get failureCallback", () => c.messages.get(f.messageId));
  check(x, "maxRetries >= 1", mf?.maxRetries >= 1, true);
  check(x, "failureCallback", mf?.failureCallback, cb);
});

scenario("enqueue to a running queue: after delivery, get shows its queueName", async (c, x) => {
  const q = c.queue({ queueName: "oc-running-q" });
  await x.step("upsert", () => q.upsert({ parallelism: 1 }));
  const r = await x.step("enqueue", () =>
    q.enqueue({
      url: `${x.sink("/ok/oc-q")}/?foo=bar`,
      body: JSON.stringify({ hello: "world" }),
      headers: { "test-header": "test-value", "Upstash-Forward-bypass-tunnel-reminder": "client-test" },
    }),
  );
  await x.waitState(r.messageId, "DELIVERED");
  const m = await x.step("get after delivery", () => c.messages.get(r.messageId));
  check(x, "queueName", m?.queueName, "oc-running-q");
  await x.step("delete queue", () => q.delete());
});

scenario("publish to a URL group without a long delay: each message keeps urlGroup after delivery", async (c, x) => {
  const endpoints = [
    { name: "ocGroup1", url: `${x.sink("/ok/oc-ug")}/?foo=bar` },
    { name: "ocGroup2", url: `${x.sink("/ok/oc-ug")}/?baz=bar` },
  ];
  await x.step("add", () => c.urlGroups.addEndpoints({ endpoints, name: "oc-proxy-group" }));
  const r = await x.step("publish", () => c.publish({ urlGroup: "oc-proxy-group", headers: { "test-header": "test-value" } }));
  for (const [i, item] of (r ?? []).entries()) {
    await x.waitState(item.messageId, "DELIVERED");
    const m = await x.step(`get ${i}`, () => c.messages.get(item.messageId));
    check(x, `urlGroup ${i}`, [m?.urlGroup, m?.topicName, m?.endpointName], ["oc-proxy-group", "oc-proxy-group", endpoints[i].name]);
  }
  check(x, "two messages", r?.length, 2);
  await x.step("delete group", () => c.urlGroups.delete("oc-proxy-group"));
});

// ------------------------------------------------------------------------------------------------
// label filters must exclude other labels (logs.test.ts "should filter logs by label",
// dlq.test.ts "should filter DLQ messages by label": every entry returned carries the label)

scenario("logs: a label filter returns only that label's entries, each carrying it", async (c, x) => {
  const a = await x.step("publish a", () => c.publish({ url: x.sink("/ok/oc-la"), body: "log-label-test", label: "oc-log-a" }));
  await x.waitState(a.messageId, "DELIVERED");
  const b = await x.step("publish b", () => c.publish({ url: x.sink("/ok/oc-lb"), body: "log-label-test", label: "oc-log-b" }));
  await x.waitState(b.messageId, "DELIVERED");
  const r = await x.step("logs label a", () => c.logs({ filter: { label: "oc-log-a", count: 10 } }));
  check(x, "some entry has the label", r.logs.some((l) => l.label === "oc-log-a"), true);
  check(x, "every entry has the label", r.logs.every((l) => l.label === "oc-log-a"), true);
  check(x, "only message a", [...new Set(r.logs.map((l) => l.messageId === a.messageId))], [true]);
  const e = await x.step("events label b", () => c.events({ filter: { label: "oc-log-b", count: 10 } }));
  check(x, "events: every entry has label b", e.events.length > 0 && e.events.every((l) => l.label === "oc-log-b"), true);
});

scenario("dlq: a label filter returns only that label's entries; a 400 destination lands there too", async (c, x) => {
  const a = await x.step("publish to a 400 destination", () => c.publish({ url: dest.url("/bad/oc"), body: "hello", retries: 0, label: "oc-dlq-a" }));
  await x.waitDlq(`messageId=${a.messageId}`);
  const b = await x.step("publish to a 500 destination", () => c.publish({ url: x.sink("/fail/oc"), body: "hello", retries: 0, label: "oc-dlq-b" }));
  await x.waitDlq(`messageId=${b.messageId}`);
  const la = await x.step("list label a", () => c.dlq.listMessages({ filter: { label: "oc-dlq-a" } }));
  check(x, "one entry", la.messages.length, 1);
  check(x, "every entry has the label", la.messages.every((m) => m.label === "oc-dlq-a"), true);
  const e = la.messages[0];
  check(x, "the 400 answer", [e.messageId === a.messageId, e.responseStatus, e.responseBody, e.maxRetries], [true, 400, "bad request from the destination", 0]);
  const lb = await x.step("list label b", () => c.dlq.listMessages({ filter: { label: "oc-dlq-b" } }));
  check(x, "label b: only b", lb.messages.map((m) => [m.messageId === b.messageId, m.label, m.responseStatus]), [[true, "oc-dlq-b", 500]]);
  const logs = await x.step("logs of the 400 message", async () => (await c.logs({ filter: { messageId: a.messageId } })).logs.map((l) => l.state));
  check(x, "the 400 message failed", logs.includes("FAILED"), true);
  await x.step("delete a", () => c.dlq.delete(e.dlqId));
  await x.step("delete b", () => c.dlq.delete(lb.messages[0].dlqId));
});

// ------------------------------------------------------------------------------------------------
// http.test.ts: HTTP answers are never retried, whatever the retry config holds. The old test's
// `ratelimitBackoff` is not in 2.12.0 (a 429 is not retried there): given, it must not be called.

test("http: a 400 and a burst 429 are answered once; neither backoff is called; the error messages", async () => {
  const out = {};
  for (const side of ["official", "ours"]) {
    const lib = libs[side];
    out[side] = {};
    for (const prefix of ["/a400", "/a429"]) {
      const calls = { backoff: 0, ratelimitBackoff: 0 };
      const c = new lib.Client({
        baseUrl: fake.base(prefix),
        token: "my-token",
        devMode: false,
        retry: { retries: 3, backoff: () => (calls.backoff++, 500), ratelimitBackoff: () => (calls.ratelimitBackoff++, 250) },
      });
      fake.take();
      const t0 = performance.now();
      const { err, lines } = await capture(() => c.publishJSON({ url: "https://requestcatcher.com" }));
      const elapsed = performance.now() - t0;
      const seen = fake.take();
      assert.ok(err instanceof Error, `[${side}] ${prefix} rejects`);
      assert.deepStrictEqual(calls, { backoff: 0, ratelimitBackoff: 0 }, `[${side}] ${prefix} no backoff`);
      assert.equal(seen.length, 1, `[${side}] ${prefix} one request`);
      assert.equal(seen[0].url, `${prefix}/v2/publish/https://requestcatcher.com`, `[${side}] ${prefix} path`);
      assert.equal(seen[0].authorization, "Bearer my-token", `[${side}] ${prefix} token`);
      assert.ok(elapsed < 400, `[${side}] ${prefix} no wait (${elapsed} ms)`);
      const e = describeError(err, lib);
      if (prefix === "/a400") {
        assert.equal(e.message, "can't start with non https or http", `[${side}] 400 message`);
        assert.equal(e.status, 400, `[${side}] 400 status`);
        assert.equal(e.instanceOf.QstashError, true, `[${side}] 400 class`);
        assert.equal(e.instanceOf.QstashRatelimitError, false, `[${side}] 400 class`);
      } else {
        assert.equal(e.message, 'Exceeded burst rate limit. {"limit":"100","remaining":"0","reset":"213123"}', `[${side}] 429 message`);
        assert.equal(e.instanceOf.QstashRatelimitError, true, `[${side}] 429 class`);
        assert.deepStrictEqual([e.own.limit, e.own.remaining, e.own.reset], ["100", "0", "213123"], `[${side}] 429 fields`);
      }
      assert.deepStrictEqual(lines.map(([k]) => k), ["error"], `[${side}] ${prefix} one error line, no warning`);
      out[side][prefix] = { error: e, lines, seen };
    }
  }
  assert.deepStrictEqual(out.ours, out.official);
});

// ------------------------------------------------------------------------------------------------
// http.test.ts "http logging", driven as the official does: straight through the Client's
// requester (`client.http.request`), with a query that must not be logged.

/** Runs `fn(client)` with `fetch` replaced by `impl`; returns calls, result/error and console. */
async function withFetch(side, impl, config, fn) {
  const original = globalThis.fetch;
  const calls = [];
  globalThis.fetch = (input, init) => {
    calls.push(String(input));
    return impl(calls.length, input, init);
  };
  try {
    const c = new libs[side].Client({ baseUrl: "https://example.com", token: "test-token", devMode: false, ...config });
    const { value, err, lines } = await capture(() => fn(c));
    return { calls, value, threw: err === undefined ? undefined : describeError(err, libs[side]), lines };
  } finally {
    globalThis.fetch = original;
  }
}

test("http logging through client.http.request: retries warn, the final error once, never the query", async () => {
  const out = {};
  for (const side of ["official", "ours"]) {
    const r = await withFetch(side, () => Promise.reject(new Error("forced network failure")), { retry: { retries: 2, backoff: () => 0 } }, (c) =>
      c.http.request({ method: "GET", path: ["v2", "messages", "msg_123"], query: { secret: "do-not-log" } }),
    );
    assert.equal(r.threw?.message, "forced network failure", `[${side}] rejects with the fetch error`);
    assert.equal(r.calls.length, 3, `[${side}] three attempts`);
    assert.ok(r.calls.every((u) => u === "https://example.com/v2/messages/msg_123?secret=do-not-log"), `[${side}] ${r.calls}`);
    const warns = r.lines.filter(([k]) => k === "warn").map(([, l]) => l);
    const errors = r.lines.filter(([k]) => k === "error").map(([, l]) => l);
    assert.equal(warns.length, 2, `[${side}] two warnings`);
    assert.ok(warns[0].includes("GET https://example.com/v2/messages/msg_123") && warns[0].includes("attempt 1/3"), `[${side}] ${warns[0]}`);
    assert.ok(warns[1].includes("attempt 2/3"), `[${side}] ${warns[1]}`);
    assert.equal(errors.length, 1, `[${side}] one error`);
    assert.ok(errors[0].includes("failed after 3 attempts") && errors[0].includes("forced network failure"), `[${side}] ${errors[0]}`);
    assert.ok(r.lines.every(([, l]) => !l.includes("do-not-log")), `[${side}] the query is not logged`);
    out[side] = r;
  }
  assert.deepStrictEqual(out.ours, out.official);
});

test("http logging through client.http.request: retry false logs the error alone; a 404 by status; a 200 nothing", async () => {
  const cases = [
    ["retry false", () => Promise.reject(new Error("forced network failure")), { retry: false }, (c) => c.http.request({ method: "GET", path: ["v2", "messages", "msg_123"] })],
    ["404", () => Promise.resolve(new Response("message not found", { status: 404 })), { retry: { retries: 2, backoff: () => 0 } }, (c) => c.http.request({ method: "DELETE", path: ["v2", "messages", "msg_123"] })],
    ["429", () => Promise.resolve(new Response("", { status: 429, headers: { "Burst-RateLimit-Limit": "100" } })), { retry: { retries: 2, backoff: () => 0 } }, (c) => c.http.request({ method: "POST", path: ["v2", "publish", "x"] })],
    ["200", () => Promise.resolve(new Response(JSON.stringify({ ok: true }), { status: 200 })), { retry: { retries: 2, backoff: () => 0 } }, (c) => c.http.request({ method: "GET", path: ["v2", "keys"] })],
  ];
  for (const [name, impl, config, fn] of cases) {
    const out = {};
    for (const side of ["official", "ours"]) {
      const r = await withFetch(side, impl, config, fn);
      if (name === "retry false") {
        assert.equal(r.calls.length, 1, `[${side}] ${name}`);
        assert.deepStrictEqual(r.lines.map(([k]) => k), ["error"], `[${side}] ${name}`);
        assert.ok(r.lines[0][1].includes("failed after 1 attempt:"), `[${side}] ${r.lines[0][1]}`);
      } else if (name === "404") {
        assert.equal(r.threw?.instanceOf.QstashError, true, `[${side}] 404`);
        assert.deepStrictEqual(r.lines.map(([k]) => k), ["error"], `[${side}] 404`);
        assert.ok(r.lines[0][1].includes("DELETE https://example.com/v2/messages/msg_123 failed with status 404"), `[${side}] ${r.lines[0][1]}`);
        assert.ok(!r.lines[0][1].includes("message not found"), `[${side}] no body logged`);
      } else if (name === "429") {
        assert.equal(r.threw?.instanceOf.QstashRatelimitError, true, `[${side}] 429`);
        assert.equal(r.calls.length, 1, `[${side}] 429 not retried`);
        assert.deepStrictEqual(r.lines.map(([k]) => k), ["error"], `[${side}] 429`);
        assert.ok(r.lines[0][1].includes("failed with status 429"), `[${side}] ${r.lines[0][1]}`);
      } else {
        assert.equal(r.threw, undefined, `[${side}] 200`);
        assert.deepStrictEqual(r.value, { ok: true }, `[${side}] 200 value`);
        assert.deepStrictEqual(r.lines, [], `[${side}] nothing logged`);
      }
      out[side] = r;
    }
    assert.deepStrictEqual(out.ours, out.official, name);
  }
});

// ------------------------------------------------------------------------------------------------
// missing-credentials.test.ts (2.12.0 has no QstashMissingCredentialsError: a 401 is a QstashError)

test("chat() with upstash(): without a token one warning and a 401 QstashError; with one, its bearer is sent", async () => {
  const messages = [{ role: "user", content: "hi" }];
  const out = {};
  for (const side of ["official", "ours"]) {
    const lib = libs[side];
    out[side] = await withEnv({}, async () => {
      const sent = [];
      const original = globalThis.fetch;
      let answer;
      globalThis.fetch = async (input, init) => {
        const req = new Request(input, init);
        sent.push({ method: req.method, url: req.url, authorization: req.headers.get("authorization") });
        return answer();
      };
      try {
        answer = () => new Response("Unauthorized", { status: 401 });
        const noToken = await capture(async () => {
          const c = new lib.Client({ baseUrl: "https://qstash.example.test", devMode: false });
          const first = await c.chat().create({ provider: lib.upstash(), model: "meta-llama/Meta-Llama-3-8B-Instruct", messages }).catch((e) => describeError(e, lib));
          const second = await c.chat().create({ provider: lib.upstash(), model: "meta-llama/Meta-Llama-3-8B-Instruct", messages }).catch((e) => describeError(e, lib));
          return [first, second];
        });
        answer = () => Response.json({ choices: [] });
        const withToken = await capture(() =>
          new lib.Client({ baseUrl: "https://qstash.example.test", token: "test-token", devMode: false }).chat().create({
            provider: lib.upstash(),
            model: "meta-llama/Meta-Llama-3-8B-Instruct",
            messages,
          }),
        );
        return { noToken, withToken, sent };
      } finally {
        globalThis.fetch = original;
      }
    });
    const r = out[side];
    assert.equal(r.noToken.lines.filter(([k]) => k === "warn").length, 1, `[${side}] one warning`);
    assert.match(r.noToken.lines.find(([k]) => k === "warn")[1], /client token is not set/, `[${side}] warning`);
    for (const e of r.noToken.value) {
      assert.equal(e.status, 401, `[${side}] 401`);
      assert.equal(e.instanceOf.QstashError, true, `[${side}] QstashError`);
    }
    assert.deepStrictEqual(r.withToken.value, { choices: [] }, `[${side}] result`);
    assert.deepStrictEqual(r.sent.map((s) => s.authorization), ["Bearer", "Bearer", "Bearer test-token"], `[${side}] authorizations`);
    assert.ok(r.sent.every((s) => s.url === "https://qstash.example.test/llm/v1/chat/completions"), `[${side}] ${JSON.stringify(r.sent)}`);
  }
  assert.deepStrictEqual(out.ours, out.official);
});

// ------------------------------------------------------------------------------------------------
// dev-mode-hint.test.ts / client-from-env.test.ts, as far as 2.12.0 has them: `Client.fromEnv`
// and the `QSTASH_DEV=true` hint are later additions, so neither exists on either side; the
// warning itself, its count, and the Receiver's error without keys do.

test("no credentials: new Client() warns once whatever NODE_ENV is; the Receiver without keys rejects alike", async () => {
  const out = {};
  for (const side of ["official", "ours"]) {
    const lib = libs[side];
    out[side] = { fromEnv: typeof lib.Client.fromEnv };
    for (const nodeEnv of [undefined, "development", "production"]) {
      const r = await withEnv(nodeEnv === undefined ? {} : { NODE_ENV: nodeEnv }, () =>
        capture(() => {
          const c = new lib.Client();
          return { baseUrl: c.http.baseUrl, authorization: c.http.authorization };
        }),
      );
      assert.equal(r.err, undefined, `[${side}] ${nodeEnv}: constructs`);
      assert.equal(r.lines.length, 1, `[${side}] ${nodeEnv}: one line`);
      assert.equal(r.lines[0][0], "warn", `[${side}] ${nodeEnv}: a warning`);
      assert.match(r.lines[0][1], /client token is not set/, `[${side}] ${nodeEnv}`);
      out[side][`NODE_ENV=${nodeEnv}`] = r;
    }
    for (const config of [{ devMode: false }, undefined]) {
      const r = await withEnv({}, () => capture(() => new lib.Receiver(config).verify({ signature: "signature", body: "" })));
      assert.ok(r.err instanceof Error, `[${side}] Receiver ${JSON.stringify(config)} rejects`);
      out[side][`Receiver ${JSON.stringify(config)}`] = { threw: describeError(r.err, lib), lines: r.lines };
    }
  }
  assert.equal(out.official.fromEnv, "undefined", "2.12.0 has no Client.fromEnv");
  assert.deepStrictEqual(out.ours, out.official);
});

// ------------------------------------------------------------------------------------------------
// http.test.ts (older version) "should terminate after sleeping 5 times": a Client whose baseUrl
// is broken. `https:/` is what the official test passes: the URL parser reads it as `https://`
// + the first path segment, and every request is retried to the end, then rejects. A baseUrl
// the parser refuses makes each request reject with its TypeError before anything is fetched
// or logged. fetch is stubbed, so nothing leaves the machine.

/** The URL strings each request hands to `fetch` (stubbed: 200 with a JSON body). */
async function fetchedUrls(side, baseUrl, fn) {
  const original = globalThis.fetch;
  const calls = [];
  globalThis.fetch = (input) => {
    calls.push([typeof input, String(input)]);
    return Promise.resolve(Response.json({ messageId: "m", events: [], messages: [], cursor: "" }));
  };
  try {
    const c = new libs[side].Client({ baseUrl, token: "t", retry: false, devMode: false });
    const { err } = await capture(() => fn(c));
    return { calls, threw: err && describeError(err, libs[side]) };
  } finally {
    globalThis.fetch = original;
  }
}

test("a broken but parsable baseUrl: fetch gets the URL the WHATWG parser makes of it, on every method", async () => {
  const methods = {
    publish: (c) => c.publish({ url: "https://example.com/x", body: "b" }),
    batch: (c) => c.batch([{ url: "https://example.com/x", body: "b" }]),
    logs: (c) => c.logs({ filter: { label: "l" } }),
    "queue.get": (c) => c.queue({ queueName: "q" }).get(),
    "http.request": (c) => c.http.request({ path: ["v2", "keys"] }),
  };
  // [baseUrl, origin the parser gives it]
  const bases = [
    ["https:/", "https://v2"],
    ["https://example.com:443", "https://example.com"],
    ["HTTP://EXAMPLE.com:80/A", "http://example.com/A"],
    ["http://0x7f.1:9", "http://127.0.0.1:9"],
  ];
  const diffs = [];
  for (const [baseUrl, origin] of bases) {
    for (const [name, fn] of Object.entries(methods)) {
      const want = await fetchedUrls("official", baseUrl, fn);
      const got = await fetchedUrls("ours", baseUrl, fn);
      assert.equal(want.calls.length, 1, `official ${baseUrl} ${name}`);
      assert.ok(want.calls[0][1].startsWith(origin === "https://v2" ? "https://v2/" : `${origin}/v2/`), `official ${baseUrl} ${name}: ${want.calls[0][1]}`);
      if (JSON.stringify(got) !== JSON.stringify(want)) diffs.push(`${name} with ${JSON.stringify(baseUrl)}: official fetch(${JSON.stringify(want.calls)}) ours fetch(${JSON.stringify(got.calls)})`);
    }
  }
  assert.deepStrictEqual(diffs, []);
});

test("generated baseUrls: fetch gets the same URL from both clients (ours skips the URL parser only for bases it would not change)", async () => {
  // A seeded generator (mulberry32), so a failure names a base that can be replayed.
  let seed = 0x5eed;
  const rand = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = (items) => items[Math.floor(rand() * items.length)];
  const schemes = ["http://", "https://", "HTTP://", "https:", "https:/", "http:///"];
  const labels = ["a", "b-c", "localhost", "x1", "0", "00", "1", "127", "255", "256", "0x7f", "0X1", "xn--a", "EX", "09", ""];
  const ports = ["", "", ":8080", ":80", ":443", ":0", ":00", ":65535", ":65536", ":"];
  const paths = ["", "", "/p", "/A/b", "/.", "//", "/%2e"];
  const bases = new Set(["https://qstash.upstash.io", "http://127.0.0.1:8080"]);
  while (bases.size < 300) {
    const host = Array.from({ length: 1 + Math.floor(rand() * 4) }, () => pick(labels)).join(".");
    bases.add(`${pick(schemes)}${host}${pick(ports)}${pick(paths)}`);
  }
  const diffs = [];
  for (const baseUrl of bases) {
    const fn = (c) => c.queue({ queueName: "q" }).get();
    const want = await fetchedUrls("official", baseUrl, fn);
    const got = await fetchedUrls("ours", baseUrl, fn);
    if (JSON.stringify(got) !== JSON.stringify(want)) diffs.push(`${JSON.stringify(baseUrl)}: official ${JSON.stringify(want)} ours ${JSON.stringify(got)}`);
  }
  assert.deepStrictEqual(diffs, []);
});

test("baseUrl https:/ (the official test's): six attempts, five backoffs, then the network error", async () => {
  const out = {};
  for (const side of ["official", "ours"]) {
    const original = globalThis.fetch;
    const calls = [];
    const backoffs = [];
    globalThis.fetch = (input) => {
      calls.push(String(input));
      return Promise.reject(new TypeError("fetch failed"));
    };
    try {
      const c = new libs[side].Client({ baseUrl: "https:/", token: "", devMode: false, retry: { retries: 5, backoff: (n) => (backoffs.push(n), 0) } });
      const { err, lines } = await capture(() => c.dlq.listMessages());
      assert.ok(err instanceof TypeError, `[${side}] rejects with fetch's error`);
      assert.equal(calls.length, 6, `[${side}] six attempts`);
      assert.deepStrictEqual(backoffs, [0, 1, 2, 3, 4], `[${side}] backoffs`);
      out[side] = { calls, backoffs, error: describeError(err, libs[side]), lines };
    } finally {
      globalThis.fetch = original;
    }
  }
  assert.ok(out.official.calls.every((u) => u === "https://v2/dlq"), JSON.stringify(out.official.calls));
  assert.deepStrictEqual(out.ours, out.official);
});

/**
 * Runs one request of `side` with `baseUrl` in a fresh Node process (a request that crashes
 * the process must not take the test runner with it); resolves with what happened: the
 * rejection, an uncaught exception, or no settlement within 5 s.
 */
async function brokenBaseUrlRun(side, baseUrl, method, retry) {
  const harness = pathToFileURL(join(import.meta.dirname, "harness.mjs")).href;
  const script = `
    import { loadLibraries, describeError } from ${JSON.stringify(harness)};
    const libs = await loadLibraries();
    const lib = libs[${JSON.stringify(side)}];
    const lines = [];
    const fetched = [];
    console.warn = (...a) => lines.push(["warn", a.map(String).join(" ")]);
    console.error = (...a) => lines.push(["error", a.map(String).join(" ")]);
    globalThis.fetch = (input) => { fetched.push(String(input)); return Promise.reject(new TypeError("fetch failed")); };
    const done = (r) => { process.stdout.write(JSON.stringify({ ...r, lines, fetched })); process.exit(0); };
    process.on("uncaughtException", (e) => done({ uncaught: describeError(e, lib) }));
    process.on("unhandledRejection", (e) => done({ unhandledRejection: describeError(e, lib) }));
    setTimeout(() => done({ unsettled: true }), 5000);
    const c = new lib.Client({ baseUrl: ${JSON.stringify(baseUrl)}, token: "t", devMode: false, retry: ${JSON.stringify(retry)} });
    const calls = {
      publish: () => c.publish({ url: "https://example.com/x", body: "b" }),
      "queue.get": () => c.queue({ queueName: "q" }).get(),
    };
    calls[${JSON.stringify(method)}]().then((value) => done({ value }), (e) => done({ rejected: describeError(e, lib) }));
  `;
  const r = await runProcess(process.execPath, ["--input-type=module", "-e", script], { env: { QSTASH_WASM_PKG: PKG }, timeoutMs: 30_000 });
  try {
    return JSON.parse(r.stdout);
  } catch {
    return { exit: r.code, signal: r.signal, stdout: r.stdout, stderr: r.stderr.slice(-2000) };
  }
}

/** One line for a brokenBaseUrlRun record: how it ended, the error, what was fetched and logged. */
function brief(r) {
  const how = ["rejected", "uncaught", "unhandledRejection", "unsettled", "value", "exit"].find((k) => k in r);
  const e = r[how];
  const error = e && typeof e === "object" ? `${e.class}: ${e.message}` : JSON.stringify(e);
  return `${how} (${error}), fetch called ${r.fetched?.length ?? "?"} time(s), ${r.lines?.length ?? "?"} console line(s)`;
}

test("an unparsable baseUrl: every request rejects with the URL parser's TypeError; nothing fetched, logged or crashed", { timeout: 180_000 }, async () => {
  const cases = [
    ["notaurl", "queue.get", false],
    ["notaurl", "publish", { retries: 2 }],
    ["http://127.0.0.1:99999", "queue.get", { retries: 2 }],
    ["  https://example.com  ", "publish", false],
  ];
  const problems = [];
  for (const [baseUrl, method, retry] of cases) {
    const want = await brokenBaseUrlRun("official", baseUrl, method, retry);
    const got = await brokenBaseUrlRun("ours", baseUrl, method, retry);
    const what = `${method} with baseUrl ${JSON.stringify(baseUrl)}, retry ${JSON.stringify(retry)}`;
    assert.equal(want.rejected?.class, "TypeError", `official ${what}: ${JSON.stringify(want)}`);
    assert.equal(want.rejected?.message, "Invalid URL", `official ${what}`);
    assert.deepStrictEqual([want.fetched, want.lines], [[], []], `official ${what}`);
    if (JSON.stringify(got) !== JSON.stringify(want)) problems.push(`${what}: official ${brief(want)}; ours ${brief(got)}`);
  }
  assert.deepStrictEqual(problems, []);
});
