// Parity with what the official repository's own tests assert about publishing (client.test.ts),
// messages, the DLQ, logs and the deprecated events alias, the HTTP layer's network retries and
// their console lines (http.test.ts) and header processing (utils.test.ts). Each scenario runs
// through the official `@upstash/qstash` (dev user 1) and through ours (dev user 2) against one
// qstash-dev; the normalised records must be equal (harness.mjs), and the facts the official
// tests check are also asserted absolutely on both sides, so a behaviour both get wrong the same
// way still fails.
//
// The official tests publish to hosted endpoints (example.com, requestcatcher, httpstat.us) and
// use a mock QStash on port 8080; here every destination is a local server: the harness sink, a
// destination that holds requests open (in flight), a recording fake QStash for request shapes,
// and a server that drops every connection (network failures).
//
//   QSTASH_WASM_PKG=<installed package dir> node --test tests/parity/official_a.test.mjs
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { loadLibraries, startServer, startSink, eventually, describeError, listen, capture, sideContext, scenarioRunner, check, headerOf } from "./harness.mjs";

const libs = await loadLibraries();
let server;
let sink;
let holder;
let recorder;

/** `/hang/...` is answered only on release: a message sent there stays in flight. */
async function startHolder() {
  const held = new Set();
  const http = await listen((req, res) => {
    req.resume();
    req.on("end", () => {
      held.add(res);
      res.on("close", () => held.delete(res));
    });
  });
  return {
    ...http,
    release() {
      for (const res of held) {
        res.writeHead(200);
        res.end("ok");
      }
    },
    async stop() {
      this.release();
      await http.stop();
    },
  };
}

/**
 * A fake QStash that records every request (the official tests' mock server): method, path with
 * query, headers (lowercased; transport headers dropped) and body. `/v2/batch` answers an array.
 */
async function startRecorder() {
  const requests = [];
  const all = [];
  const http = await listen((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const headers = {};
      for (const [k, v] of Object.entries(req.headers)) {
        if (!["host", "connection", "content-length", "transfer-encoding"].includes(k)) headers[k] = v;
      }
      const body = Buffer.concat(chunks).toString("utf8");
      const rec = { method: req.method, url: req.url, headers, body: body === "" ? undefined : body };
      requests.push(rec);
      all.push(rec);
      res.writeHead(200, { "content-type": "application/json" });
      res.end(req.url.startsWith("/v2/batch") ? '[{"messageId":"msgId"}]' : '{"messageId":"msgId"}');
    });
  });
  return {
    ...http,
    /** Every request ever received under `path`. */
    seen: (path) => all.filter((r) => r.url === path),
    /** Runs `fn`, returns the requests it caused. */
    async take(fn) {
      requests.length = 0;
      await fn();
      return requests.splice(0);
    },
  };
}

before(async () => {
  server = await startServer();
  sink = await startSink();
  holder = await startHolder();
  recorder = await startRecorder();
});
after(async () => {
  await recorder?.stop();
  await holder?.stop();
  await sink?.stop();
  await server?.stop();
});

/** One side's scenario record (harness.mjs `sideContext`) plus this file's destinations. */
const context = (side) => ({
  ...sideContext(side, { libs, server, sink }),
  /** A client of this side against the recording fake QStash. */
  recording: (config) => new libs[side].Client({ baseUrl: recorder.base, token: "rec-token", retry: false, ...config }),
  hang: (path) => `${holder.base}${path}`,
});
const scenario = scenarioRunner(context, "a");

// ------------------------------------------------------------------------------------------------
// publish (official src/client/client.test.ts, "E2E Publish")

scenario("publish: forwarded headers and the JSON body as stored", async (c, x) => {
  const r = await x.step("publishJSON", () =>
    c.publishJSON({
      url: x.sink("/ok/json"),
      body: { hello: "world" },
      headers: { "test-header": "test-value", "Upstash-Forward-bypass-tunnel-reminder": "client-test" },
      delay: "1h",
    }),
  );
  const m = await x.step("get", () => c.messages.get(r.messageId));
  check(x, "test-header", headerOf(m, "test-header"), "test-value");
  check(x, "prefix removed", headerOf(m, "bypass-tunnel-reminder"), "client-test");
  check(x, "no prefixed name", headerOf(m, "Upstash-Forward-bypass-tunnel-reminder"), null);
  check(x, "body", m.body, JSON.stringify({ hello: "world" }));
  // Without a body: the forwarded header alone, and no body on the message.
  const r2 = await x.step("publishJSON no body", () =>
    c.publishJSON({ url: x.sink("/ok/json2"), headers: { "Upstash-Forward-bypass-tunnel-reminder": "client-test" }, delay: "1h" }),
  );
  const m2 = await x.step("get no body", () => c.messages.get(r2.messageId));
  check(x, "no prefixed name (2)", headerOf(m2, "Upstash-Forward-bypass-tunnel-reminder"), null);
  check(x, "prefix removed (2)", headerOf(m2, "bypass-tunnel-reminder"), "client-test");
  await x.step("cancel", () => c.messages.cancel([r.messageId, r2.messageId]));
});

scenario("publish: delay and notBefore set the message's notBefore (ms)", async (c, x) => {
  const before = Date.now();
  const d = await x.step("delay 5", () => c.publish({ url: x.sink("/ok/delay"), delay: 5 }));
  const md = await x.step("get delayed", () => c.messages.get(d.messageId));
  check(x, "notBefore >= now", md.notBefore >= Date.now(), true);
  check(x, "notBefore ~ now + 5 s", md.notBefore >= before + 5000 && md.notBefore <= Date.now() + 5000, true);
  // A fractional unix-seconds notBefore, as the official test passes it: sent as toFixed(0).
  const at = (Date.now() + 1000 * 3600) / 1000;
  const n = await x.step("notBefore", () => c.publish({ url: x.sink("/ok/nb"), notBefore: at }));
  const mn = await x.step("get notBefore", () => c.messages.get(n.messageId));
  check(x, "notBefore >= given", mn.notBefore >= at, true);
  // Checked as a difference: the value itself comes from each side's clock, and the two sides
  // run a moment apart, so recording it made the sides disagree whenever a second ticked over.
  check(x, "notBefore minus the rounded seconds in ms", mn.notBefore - Number(at.toFixed(0)) * 1000, 0);
  await x.step("cancel", () => c.messages.cancel([d.messageId, n.messageId]));
});

scenario("publish: callback and failureCallback URLs with a query are kept verbatim", async (c, x) => {
  const cb = `${x.sink("/ok/cb")}/?foo=bar`;
  const r = await x.step("callback", () => c.publish({ url: x.sink("/ok/c1"), callback: cb, delay: "1h" }));
  const m = await x.step("get", () => c.messages.get(r.messageId));
  check(x, "callback", m.callback, cb);
  const f = await x.step("failureCallback", () => c.publish({ url: x.sink("/ok/c2"), retries: 1, failureCallback: cb, delay: "1h" }));
  const mf = await x.step("get failure", () => c.messages.get(f.messageId));
  check(x, "maxRetries", mf.maxRetries, 1);
  check(x, "failureCallback", mf.failureCallback, cb);
  await x.step("cancel", () => c.messages.cancel([r.messageId, f.messageId]));
});

scenario("publish: global headers (undefined value, same name in two casings) and overrides", async (c, x) => {
  const g = x.newClient({
    headers: {
      "undefined-header": undefined,
      "test-header": "value",
      "test-header-2": "value-2",
      "TEST-CASE": "value-uppercase",
      "test-case": "value-lowercase",
    },
  });
  const r = await x.step("publish", () => g.publish({ url: x.sink("/ok/g1"), delay: "1h" }));
  const m = await x.step("get", () => c.messages.get(r.messageId));
  check(x, "test-header", headerOf(m, "test-header"), "value");
  check(x, "test-header-2", headerOf(m, "test-header-2"), "value-2");
  check(x, "test-case", headerOf(m, "test-case"), "value-uppercase, value-lowercase");
  check(x, "undefined-header", headerOf(m, "undefined-header"), "undefined");

  const o = x.newClient({ headers: { "test-header": "value", "test-header-2": "value-2", "stays-same": "same" } });
  const r2 = await x.step("publish override", () => o.publish({ url: x.sink("/ok/g2"), headers: { "Test-Header": "override-value" }, delay: "1h" }));
  const m2 = await x.step("get override", () => c.messages.get(r2.messageId));
  check(x, "overridden", [headerOf(m2, "test-header"), headerOf(m2, "test-header-2"), headerOf(m2, "stays-same")], ["override-value", "value-2", "same"]);

  const j = x.newClient({ headers: { "test-header": "value", "test-header-2": "value-2" } });
  const r3 = await x.step("publishJSON override", () =>
    j.publishJSON({ url: x.sink("/ok/g3"), headers: { "Test-Header": "override-value", "stays-same": "same" }, delay: "1h" }),
  );
  const m3 = await x.step("get publishJSON", () => c.messages.get(r3.messageId));
  check(x, "overridden (JSON)", [headerOf(m3, "test-header"), headerOf(m3, "test-header-2"), headerOf(m3, "stays-same")], ["override-value", "value-2", "same"]);
  await x.step("cancel", () => c.messages.cancel([r.messageId, r2.messageId, r3.messageId]));
});

scenario("publish: a message that keeps failing calls its failure callback once, with the DLQ id", async (c, x) => {
  const cb = "/cb/failure?foo=bar";
  // Both sides call back the same URL; a call is told apart by the message it reports on.
  const calls = (id) => recorder.seen(cb).filter((q) => JSON.parse(q.body).sourceMessageId === id);
  const r = await x.step("publish", () =>
    c.publish({ url: x.sink("/fail/fcb"), body: "payload", retries: 0, failureCallback: recorder.url(cb), headers: { "x-src": "1" } }),
  );
  const [req] = await eventually("the failure callback", () => calls(r.messageId).length > 0 && calls(r.messageId));
  const dlq = await x.step("dlq", () => c.dlq.listMessages({ filter: { messageId: r.messageId } }));
  const payload = JSON.parse(req.body);
  check(x, "callback method and type", [req.method, req.headers["content-type"]], ["POST", "application/json"]);
  check(x, "payload", { ...payload, dlqId: payload.dlqId === dlq.messages[0].dlqId, sourceMessageId: payload.sourceMessageId === r.messageId }, {
    ...payload,
    dlqId: true,
    sourceMessageId: true,
  });
  check(x, "status, retries, bodies", [payload.status, payload.retried, payload.maxRetries, atob(payload.body), atob(payload.sourceBody)], [500, 0, 0, "boom", "payload"]);
  x.note("payload keys", Object.keys(payload).sort());
  x.note("callback headers", Object.keys(req.headers).filter((k) => k.startsWith("upstash-")).sort());
  await x.step("dlq delete", () => c.dlq.delete(dlq.messages[0].dlqId));
  await x.waitState(r.messageId, "FAILED");
  check(x, "called once", calls(r.messageId).length, 1);
});

// ------------------------------------------------------------------------------------------------
// batch (client.test.ts, "E2E Batch" and the batch parts of "E2E Queue")

for (const method of ["batch", "batchJSON"]) {
  scenario(`${method}: per-item headers override the global ones`, async (c, x) => {
    const g = x.newClient({ headers: { "test-header": "value", "test-header-2": "value-2" } });
    const r = await x.step(method, () =>
      g[method]([
        { url: x.sink("/ok/b1"), headers: { "Test-Header": "override-value-1", "stays-same": "same" }, delay: "1h" },
        { url: x.sink("/ok/b2"), headers: { "Test-Header": "override-value-2", "stays-same": "same" }, delay: "1h" },
      ]),
    );
    check(x, "two results", r.length, 2);
    const m1 = await x.step("get 1", () => c.messages.get(r[0].messageId));
    const m2 = await x.step("get 2", () => c.messages.get(r[1].messageId));
    check(x, "test-header", [headerOf(m1, "test-header"), headerOf(m2, "test-header")], ["override-value-1", "override-value-2"]);
    check(x, "stays-same", [headerOf(m1, "stays-same"), headerOf(m2, "stays-same")], ["same", "same"]);
    check(x, "global kept", [headerOf(m1, "test-header-2"), headerOf(m2, "test-header-2")], ["value-2", "value-2"]);
    await x.step("cancel", () => c.messages.cancel(r.map((i) => i.messageId)));
  });
}

scenario("batch: items to a URL group and a URL through a queue; one item is still an array", async (c, x) => {
  await x.step("upsert queue", () => c.queue({ queueName: "oa-batch-q" }).upsert({ parallelism: 1, paused: true }));
  await x.step("add endpoints", () => c.urlGroups.addEndpoints({ name: "oa-batch-g", endpoints: [{ url: x.sink("/ok/bg"), name: "first" }] }));
  const r = await x.step("batch", () =>
    c.batch([
      { urlGroup: "oa-batch-g", body: "message", queueName: "oa-batch-q" },
      { url: x.sink("/ok/bq"), queueName: "oa-batch-q" },
    ]),
  );
  check(x, "array", Array.isArray(r), true);
  check(x, "group item is an array", Array.isArray(r[0]), true);
  const one = await x.step("batch single", () => c.batch([{ urlGroup: "oa-batch-g", body: "message", queueName: "oa-batch-q" }]));
  check(x, "single is an array", Array.isArray(one), true);
  const j = await x.step("batchJSON", () =>
    c.batchJSON([
      { urlGroup: "oa-batch-g", body: "message", queueName: "oa-batch-q" },
      { url: x.sink("/ok/bq"), queueName: "oa-batch-q" },
    ]),
  );
  check(x, "batchJSON array", Array.isArray(j), true);
  const m = await x.step("get queued", () => c.messages.get(r[1].messageId));
  check(x, "queueName", m.queueName, "oa-batch-q");
  const mg = await x.step("get group item", () => c.messages.get(r[0][0].messageId));
  check(x, "group item", [mg.queueName, mg.urlGroup, mg.topicName], ["oa-batch-q", "oa-batch-g", "oa-batch-g"]);
  await x.step("cancel", () => c.messages.cancel({ filter: { queueName: "oa-batch-q" } }));
  await x.step("delete queue", () => c.queue({ queueName: "oa-batch-q" }).delete());
  await x.step("delete group", () => c.urlGroups.delete("oa-batch-g"));
});

// ------------------------------------------------------------------------------------------------
// URL groups and queues (client.test.ts, "E2E Url Group Publish", "E2E Topic Publish", "E2E Queue")

scenario("publish to a URL group (and the deprecated topic): one message per endpoint, urlGroup set", async (c, x) => {
  const endpoints = [
    { name: "urlGroup1", url: `${x.sink("/ok/ug")}/?foo=bar` },
    { name: "urlGroup2", url: `${x.sink("/ok/ug")}/?baz=bar` },
  ];
  await x.step("add", () => c.urlGroups.addEndpoints({ endpoints, name: "oa-proxy-group" }));
  const r = await x.step("publish", () =>
    c.publish({ headers: { "test-header": "test-value", "Upstash-Forward-bypass-tunnel-reminder": "client-test" }, urlGroup: "oa-proxy-group", delay: 3600 }),
  );
  check(x, "one result per endpoint", r.map((i) => i.url), endpoints.map((e) => e.url));
  for (const [i, item] of r.entries()) {
    const m = await x.step(`get ${i}`, () => c.messages.get(item.messageId));
    check(x, `urlGroup ${i}`, [m.urlGroup, m.topicName, m.url], ["oa-proxy-group", "oa-proxy-group", endpoints[i].url]);
    check(x, `header ${i}`, headerOf(m, "test-header"), "test-value");
  }
  const t = await x.step("publish topic", () => c.publish({ topic: "oa-proxy-group", delay: 3 }));
  const mt = await x.step("get topic", () => c.messages.get(t[0].messageId));
  check(x, "topicName", mt.topicName, "oa-proxy-group");
  await x.step("cancel", () => c.messages.cancel({ filter: { urlGroup: "oa-proxy-group" } }));
  await x.step("delete", () => c.topics.delete("oa-proxy-group"));
});

scenario("enqueue: the message carries its queueName", async (c, x) => {
  const q = c.queue({ queueName: "oa-enqueue-q" });
  await x.step("upsert", () => q.upsert({ parallelism: 1 }));
  await x.step("pause", () => q.pause());
  const r = await x.step("enqueue", () =>
    q.enqueue({
      url: `${x.sink("/ok/q")}/?foo=bar`,
      body: JSON.stringify({ hello: "world" }),
      headers: { "test-header": "test-value", "Upstash-Forward-bypass-tunnel-reminder": "client-test" },
    }),
  );
  const m = await x.step("get", () => c.messages.get(r.messageId));
  check(x, "queueName", m.queueName, "oa-enqueue-q");
  check(x, "forwarded", [headerOf(m, "test-header"), headerOf(m, "bypass-tunnel-reminder")], ["test-value", "client-test"]);
  await x.step("delete queue", () => q.delete());
  // Deleting a queue drops what it still held.
  await x.step("get after queue delete", () => c.messages.get(r.messageId));
});

// ------------------------------------------------------------------------------------------------
// request shapes (client.test.ts "flow control" and "Telemetry headers", utils.test.ts)

/** The requests `fn(x)` sends from each side, or what it throws. */
async function record(fn) {
  const out = {};
  for (const side of ["official", "ours"]) {
    const x = context(side);
    let threw;
    const reqs = await recorder.take(async () => {
      try {
        await fn(x);
      } catch (err) {
        threw = describeError(err, x.lib);
      }
    });
    out[side] = { reqs, threw };
  }
  return out;
}

const SDK = { official: "upstash-qstash-js@", ours: "qstash-wasm@" };
/** The request with `upstash-telemetry-sdk` reduced to "<own sdk>" (each side names itself). */
function sdkless(side, req) {
  const h = { ...req.headers };
  if (h["upstash-telemetry-sdk"] !== undefined) {
    assert.ok(h["upstash-telemetry-sdk"].includes(SDK[side]), `[${side}] telemetry sdk ${h["upstash-telemetry-sdk"]}`);
    h["upstash-telemetry-sdk"] = h["upstash-telemetry-sdk"].replace(new RegExp(`${SDK[side]}\\S*`), "<own sdk>");
  }
  return { ...req, headers: h };
}

test("request shape: flowControl without parallelism or rate is refused before sending", async () => {
  const r = await record((x) => x.recording({ enableTelemetry: false }).publishJSON({ url: "https://example.com/", flowControl: { key: "fk" } }));
  assert.deepStrictEqual(r.ours, r.official);
  assert.equal(r.official.reqs.length, 0);
  assert.equal(r.official.threw.message, "Provide at least one of parallelism or ratePerSecond for flowControl");
  assert.equal(r.official.threw.instanceOf.QstashError, true);
});

test("request shape: publishJSON to a URL group with flowControl, no body", async () => {
  const r = await record((x) =>
    x.recording({ enableTelemetry: false }).publishJSON({ urlGroup: "my-group", flowControl: { key: "fk", parallelism: 3, ratePerSecond: 5 } }),
  );
  assert.deepStrictEqual(r.ours, r.official);
  const [req] = r.official.reqs;
  assert.equal(req.method, "POST");
  assert.equal(req.url, "/v2/publish/my-group");
  assert.equal(req.body, undefined);
  assert.equal(req.headers.authorization, "Bearer rec-token");
  assert.equal(req.headers["upstash-flow-control-key"], "fk");
  assert.equal(req.headers["upstash-flow-control-value"], "parallelism=3, rate=5");
});

test("request shape: batch items carry their own flow control; the outer request none", async () => {
  const r = await record((x) =>
    x.recording({ enableTelemetry: false }).batch([
      { url: "https://example.com/one", flowControl: { key: "k1", ratePerSecond: 10 }, body: "some-body" },
      { url: "https://example.com/two", flowControl: { key: "k2", parallelism: 5 }, method: "GET" },
    ]),
  );
  assert.deepStrictEqual(r.ours, r.official);
  const [req] = r.official.reqs;
  assert.equal(req.url, "/v2/batch");
  assert.equal(req.headers["upstash-flow-control-key"], undefined);
  assert.equal(req.headers["upstash-flow-control-value"], undefined);
  assert.deepStrictEqual(JSON.parse(req.body), [
    { destination: "https://example.com/one", headers: { "upstash-flow-control-key": "k1", "upstash-flow-control-value": "rate=10", "upstash-method": "POST" }, body: "some-body" },
    { destination: "https://example.com/two", headers: { "upstash-flow-control-key": "k2", "upstash-flow-control-value": "parallelism=5", "upstash-method": "GET" } },
  ]);
});

test("request shape: telemetry headers on, off, and stacked after global ones in any casing", async () => {
  const on = await record((x) => x.recording().publishJSON({ url: "https://example.com/" }));
  const off = await record((x) => x.recording({ enableTelemetry: false }).publishJSON({ url: "https://example.com/" }));
  const stacked = await record((x) =>
    x.recording({ headers: { "upstash-Telemetry-SDK": "other-sdk@v1.0.0", "upstash-Telemetry-PLATFORM": "aws" } }).publishJSON({ url: "https://example.com/" }),
  );
  for (const r of [on, off, stacked]) {
    assert.deepStrictEqual(r.ours.reqs.map((q) => sdkless("ours", q)), r.official.reqs.map((q) => sdkless("official", q)));
  }
  for (const side of ["official", "ours"]) {
    const [a] = on[side].reqs;
    assert.equal(a.url, "/v2/publish/https://example.com/");
    assert.ok(a.headers["upstash-telemetry-sdk"].startsWith(SDK[side]), `[${side}] sdk`);
    assert.ok(a.headers["upstash-telemetry-runtime"], `[${side}] runtime`);
    const [b] = off[side].reqs;
    for (const k of ["sdk", "platform", "runtime"]) assert.equal(b.headers[`upstash-telemetry-${k}`], undefined, `[${side}] ${k} off`);
    const [s] = stacked[side].reqs;
    assert.ok(s.headers["upstash-telemetry-sdk"].startsWith(`other-sdk@v1.0.0, ${SDK[side]}`), `[${side}] stacked: ${s.headers["upstash-telemetry-sdk"]}`);
    assert.ok(s.headers["upstash-telemetry-runtime"]);
    assert.equal(s.headers["upstash-telemetry-platform"], "aws");
  }
});

test("request shape: prefixHeaders keeps Upstash-* and Content-Type, prefixes the rest; label header", async () => {
  const r = await record((x) =>
    x.recording({ enableTelemetry: false }).publish({
      url: "https://example.com",
      headers: {
        "Upstash-Forward-myheader": "forward-header-value",
        "Upstash-Callback-Forward-myheader": "callback-forward-header-value",
        "some-other-header": "other-value",
        "Content-Type": "text/plain",
      },
      label: "my-label",
    }),
  );
  assert.deepStrictEqual(r.ours, r.official);
  const h = r.official.reqs[0].headers;
  assert.equal(h["upstash-forward-myheader"], "forward-header-value");
  assert.equal(h["upstash-callback-forward-myheader"], "callback-forward-header-value");
  assert.equal(h["some-other-header"], undefined);
  assert.equal(h["upstash-forward-some-other-header"], "other-value");
  assert.equal(h["content-type"], "text/plain");
  assert.equal(h["upstash-label"], "my-label");
  assert.equal(h["upstash-method"], "POST");
});

scenario("prefixHeaders and label against the server: what the message keeps", async (c, x) => {
  const r = await x.step("publish", () =>
    c.publish({
      url: x.sink("/ok/ph"),
      headers: { "Upstash-Forward-myheader": "fwd", "some-other-header": "other-value" },
      callback: x.sink("/ok/phcb"),
      label: "my-label",
      delay: "1h",
    }),
  );
  const m = await x.step("get", () => c.messages.get(r.messageId));
  check(x, "forwarded", [headerOf(m, "myheader"), headerOf(m, "some-other-header")], ["fwd", "other-value"]);
  check(x, "label", m.label, "my-label");
  await x.step("cancel", () => c.messages.cancel(r.messageId));
});

test("client-side refusals are rejected promises, as from the official's async methods", async () => {
  const cases = {
    "flowControl without limits": (c) => c.publishJSON({ url: "https://example.com/", flowControl: { key: "k" } }),
    "empty message id": (c) => c.messages.get(""),
    "empty message id (cancel)": (c) => c.messages.cancel(""),
    "empty message id (delete)": (c) => c.messages.delete(""),
    "empty DLQ id": (c) => c.dlq.delete(""),
    "empty label array": (c) => c.logs({ filter: { label: [] } }),
    "empty dlqIds": (c) => c.dlq.retry({ dlqIds: [] }),
    "empty messageIds": (c) => c.messages.cancel({ messageIds: [] }),
    "no destination": (c) => c.publish({ body: "x" }),
    "no destination (batch)": (c) => c.batch([{ body: "x" }]),
    "queue without a name": (c) => c.queue().get(),
  };
  const out = {};
  for (const side of ["official", "ours"]) {
    const c = new libs[side].Client({ baseUrl: "http://127.0.0.1:9", token: "t", retry: false });
    out[side] = {};
    for (const [name, fn] of Object.entries(cases)) {
      let p;
      try {
        p = fn(c);
      } catch (err) {
        assert.fail(`[${side}] ${name}: thrown synchronously: ${err.message}`);
      }
      assert.ok(p instanceof Promise, `[${side}] ${name}: a promise`);
      const { err } = await capture(() => p);
      assert.ok(err instanceof Error, `[${side}] ${name}: rejects`);
      out[side][name] = describeError(err, libs[side]);
    }
  }
  assert.deepStrictEqual(out.ours, out.official);
  assert.equal(out.official["flowControl without limits"].message, "Provide at least one of parallelism or ratePerSecond for flowControl");
  assert.equal(out.official["empty message id"].message, "Message id cannot be empty");
  assert.equal(out.official["empty DLQ id"].message, "DLQ id cannot be empty");
  assert.equal(out.official["empty label array"].instanceOf.QstashEmptyArrayError, true);
});

test("Client init: a baseUrl ending in /v2/publish is the default URL", () => {
  for (const side of ["official", "ours"]) {
    for (const baseUrl of ["https://qstash.upstash.io/v2/publish", "https://qstash.upstash.io/v2/publish/"]) {
      const c = new libs[side].Client({ baseUrl, token: "some-token" });
      assert.equal(c.http.baseUrl, "https://qstash.upstash.io", `[${side}] ${baseUrl}`);
    }
  }
});

// ------------------------------------------------------------------------------------------------
// messages (official src/client/messages.test.ts)

scenario("messages: get shows header and retryDelayExpression; deprecated delete returns nothing", async (c, x) => {
  const retryDelay = "1000 * retried";
  const r = await x.step("publishJSON", () =>
    c.publishJSON({
      url: x.sink("/ok/m1"),
      body: { hello: "world" },
      headers: { "test-header": "test-value", "Upstash-Forward-bypass-tunnel-reminder": "client-test" },
      delay: 60,
      retries: 5,
      callback: `${x.sink("/ok/m1cb")}?foo=bar`,
      failureCallback: `${x.sink("/ok/m1fcb")}?bar=baz`,
      method: "GET",
      retryDelay,
    }),
  );
  const m = await x.step("get", () => c.messages.get(r.messageId));
  check(x, "Test-Header", headerOf(m, "Test-Header"), "test-value");
  check(x, "retryDelayExpression", m.retryDelayExpression, retryDelay);
  check(x, "method / maxRetries", [m.method, m.maxRetries], ["GET", 5]);
  const d = await x.step("delete", () => c.messages.delete(r.messageId));
  check(x, "delete resolves undefined", d, undefined);
  await x.step("get deleted", () => c.messages.get(r.messageId));
  const t = await x.step("timeout 90", () => c.publishJSON({ url: x.sink("/ok/m2"), body: { hello: "world" }, timeout: 90, delay: "1h" }));
  const mt = await x.step("get timeout", () => c.messages.get(t.messageId));
  check(x, "messageId", mt.messageId, t.messageId);
  await x.step("delete timeout", () => c.messages.delete(t.messageId));
});

scenario("messages: deleteMany counts, deleteAll cancels the rest", async (c, x) => {
  await x.step("deleteAll first", () => c.messages.deleteAll());
  const r = await x.step("batchJSON", () =>
    c.batchJSON([
      { url: x.sink("/ok/dm"), body: { hello: "world" }, timeout: 90, delay: 10 },
      { url: x.sink("/ok/dm"), body: { hello: "world" }, timeout: 90, delay: 10 },
      { url: x.sink("/ok/dm"), body: { hello: "world" }, timeout: 90, delay: "10d" },
    ]),
  );
  check(x, "three", r.length, 3);
  const n = await x.step("deleteMany", () => c.messages.deleteMany([r[0].messageId, r[1].messageId]));
  check(x, "deleteMany", n, 2);
  const all = await x.step("deleteAll", () => c.messages.deleteAll());
  check(x, "deleteAll", all, 1);
  const again = await x.step("deleteAll again", () => c.messages.deleteAll());
  // 2.12.0's deprecated delete takes one id: an array is joined into the path.
  const b0 = await x.step("batchJSON 2", () => c.batchJSON([1, 2].map(() => ({ url: x.sink("/ok/dm1"), body: { hello: "world" }, delay: "10d" }))));
  await x.step("delete(array)", () => c.messages.delete(b0.map((i) => i.messageId)));
  // Objects (the filter overloads of later SDK versions) likewise end up in the path.
  await x.step("delete({ label })", () => c.messages.delete({ label: "oa-none" }));
  await x.step("delete({})", () => c.messages.delete({}));
  await x.step("deleteAll after delete(array)", () => c.messages.deleteAll());
  check(x, "nothing left", again, 0);
  // The array form of cancel reports what it cancelled; unknown or done ids do not count.
  const b = await c.batchJSON([1, 2, 3].map(() => ({ url: x.sink("/ok/dm2"), body: { hello: "world" }, delay: "10d" })));
  const k = await x.step("cancel array", () => c.messages.cancel([b[0].messageId, b[1].messageId]));
  check(x, "cancel array", k, { cancelled: 2 });
  const k2 = await x.step("cancel array again", () => c.messages.cancel([b[0].messageId, b[2].messageId]));
  check(x, "cancel array again", k2, { cancelled: 1 });
});

scenario("messages: flow control fields on a message in flight; cancel by flowControlKey and label", async (c, x) => {
  await c.messages.deleteAll();
  const r = await x.step("publish", () =>
    c.publish({ url: x.hang("/hang/fc"), body: "hello", flowControl: { key: "oa-flow-key", parallelism: 10, ratePerSecond: 5, period: "1d" } }),
  );
  const m = await x.step("get", () => c.messages.get(r.messageId));
  check(x, "flow control", [m.flowControlKey, m.parallelism, m.ratePerSecond, m.rate, m.period], ["oa-flow-key", 10, 5, 5, 86400]);
  // Pending messages under the key (a delay keeps them from being sent) and one under another.
  const p1 = await x.step("p1", () => c.publish({ url: x.sink("/ok/fk"), body: "hello", delay: "10d", flowControl: { key: "oa-fk-2", parallelism: 5, ratePerSecond: 10 } }));
  await x.step("p2", () => c.publish({ url: x.sink("/ok/fk"), body: "hello", delay: "10d", flowControl: { key: "oa-fk-2", parallelism: 5, ratePerSecond: 10 } }));
  const p3 = await x.step("p3", () => c.publish({ url: x.sink("/ok/fk"), body: "hello", delay: "10d", flowControl: { key: "oa-fk-3", parallelism: 5, ratePerSecond: 10 } }));
  const k = await x.step("cancel by flowControlKey", () => c.messages.cancel({ filter: { flowControlKey: "oa-fk-2" } }));
  check(x, "cancelled by key", k, { cancelled: 2 });
  await x.step("get cancelled", () => c.messages.get(p1.messageId));
  const m3 = await x.step("other key stays", () => c.messages.get(p3.messageId));
  check(x, "other key", m3.flowControlKey, "oa-fk-3");
  await c.publish({ url: x.sink("/ok/lb"), body: "hello", delay: "10d", label: "oa-msg-label" });
  await c.publish({ url: x.sink("/ok/lb"), body: "hello", delay: "10d", label: "oa-msg-label" });
  const l = await x.step("cancel by label", () => c.messages.cancel({ filter: { label: "oa-msg-label" } }));
  check(x, "cancelled by label", l, { cancelled: 2 });
  // 2.12.0's deleteAll takes no filter: it cancels everything pending, p3 included.
  const all = await x.step("deleteAll (a filter is ignored)", () => c.messages.deleteAll({ flowControlKey: "none" }));
  check(x, "deleteAll cancelled p3 at least", all >= 1, true);
  await x.step("p3 gone", () => c.messages.get(p3.messageId));
  holder.release();
  await x.waitState(r.messageId, "DELIVERED").catch(() => {});
});

scenario("messages: cancelling by flowControlKey takes messages already in flight", async (c, x) => {
  await c.messages.deleteAll();
  const fc = (key) => ({ key, parallelism: 5, ratePerSecond: 10 });
  const a = await x.step("in flight 1", () => c.publish({ url: x.hang("/hang/ifc"), body: "hello", flowControl: fc("oa-inflight") }));
  const b = await x.step("in flight 2", () => c.publish({ url: x.hang("/hang/ifc"), body: "hello", flowControl: fc("oa-inflight") }));
  const other = await x.step("other key", () => c.publish({ url: x.hang("/hang/ifc"), body: "hello", flowControl: fc("oa-inflight-other") }));
  for (const r of [a, b, other]) await x.waitState(r.messageId, "ACTIVE");
  const k = await x.step("cancel by key", () => c.messages.cancel({ filter: { flowControlKey: "oa-inflight" } }));
  check(x, "both in-flight messages cancelled", k, { cancelled: 2 });
  const m = await x.step("other key still there", () => c.messages.get(other.messageId));
  check(x, "other key", m.flowControlKey, "oa-inflight-other");
  await x.step("cancel other", () => c.messages.cancel(other.messageId));
  await x.step("get a cancelled one", () => c.messages.get(a.messageId));
  holder.release();
  // Cancelling an attempt in flight is a request (CANCEL_REQUESTED): the attempt's answer decides.
  for (const r of [a, b, other]) await x.waitState(r.messageId, "DELIVERED");
  await x.step("states", async () => {
    const out = [];
    for (const r of [a, b, other]) out.push((await c.logs({ filter: { messageId: r.messageId } })).logs.map((l) => l.state));
    return out;
  });
});

// ------------------------------------------------------------------------------------------------
// DLQ (official src/client/dlq.test.ts)

scenario("dlq: a failed message is listed by messageId and by label, deleted singly", async (c, x) => {
  const label = "oa-dlq-label";
  const r = await x.step("publish", () => c.publish({ url: `${x.sink("/fail/123")}/?asdasd=ooo`, retries: 0, label }));
  await x.waitDlq(`messageId=${r.messageId}`);
  const byId = await x.step("list by messageId", () => c.dlq.listMessages({ filter: { messageId: r.messageId } }));
  check(x, "one entry", byId.messages.map((m) => m.messageId), [r.messageId]);
  const e = byId.messages[0];
  check(x, "entry", [e.url, e.label, e.responseStatus, e.maxRetries, typeof e.dlqId], [`${x.sink("/fail/123")}/?asdasd=ooo`, label, 500, 0, "string"]);
  const byLabel = await x.step("list by label", () => c.dlq.listMessages({ filter: { label } }));
  check(x, "label", byLabel.messages.some((m) => m.label === label), true);
  const byUrl = await x.step("list by url with query", () => c.dlq.listMessages({ filter: { url: `${x.sink("/fail/123")}/?asdasd=ooo` } }));
  check(x, "by url", byUrl.messages.length, 1);
  const d = await x.step("delete", () => c.dlq.delete(e.dlqId));
  check(x, "delete", d, { deleted: 1 });
  const after = await x.step("list after delete", () => c.dlq.listMessages({ filter: { messageId: r.messageId } }));
  check(x, "gone", after.messages.find((m) => m.messageId === r.messageId), undefined);
});

scenario("dlq: filter by urlGroup (sent as topicName) finds the group's failed message", async (c, x) => {
  await x.step("add", () => c.urlGroups.addEndpoints({ name: "oaDlqGroup", endpoints: [{ name: "myEndpoint", url: `${x.sink("/fail/789")}/?asdasd=ooo` }] }));
  const r = await x.step("publish", () => c.publish({ urlGroup: "oaDlqGroup", retries: 0 }));
  await x.waitDlq("topicName=oaDlqGroup");
  const l = await x.step("list", () => c.dlq.listMessages({ filter: { urlGroup: "oaDlqGroup" } }));
  check(x, "one entry", l.messages.length, 1);
  check(x, "its message", l.messages[0].messageId, r[0].messageId);
  check(x, "urlGroup", [l.messages[0].urlGroup, l.messages[0].topicName, l.messages[0].endpointName], ["oaDlqGroup", "oaDlqGroup", "myEndpoint"]);
  await x.step("delete", () => c.dlq.delete(l.messages[0].dlqId));
  await x.step("delete group", () => c.urlGroups.delete("oaDlqGroup"));
});

scenario("dlq: flow control and retryDelay are kept on the DLQ entry", async (c, x) => {
  const retryDelay = "2000 * retried";
  const r = await x.step("publish", () =>
    c.publish({ url: x.sink("/fail/400"), body: "hello", retries: 0, flowControl: { key: "oa-dlq-flow", parallelism: 10, ratePerSecond: 5, period: "1d" }, retryDelay }),
  );
  await x.waitDlq(`messageId=${r.messageId}`);
  const l = await x.step("list", () => c.dlq.listMessages({ filter: { messageId: r.messageId } }));
  check(x, "one", l.messages.length, 1);
  const m = l.messages[0];
  check(x, "fields", [m.flowControlKey, m.parallelism, m.ratePerSecond, m.rate, m.period, m.retryDelayExpression], ["oa-dlq-flow", 10, 5, 5, 86400, retryDelay]);
  await x.step("delete", () => c.dlq.delete({ all: true }));
});

// ------------------------------------------------------------------------------------------------
// logs and the deprecated events (official src/client/logs.test.ts, events.test.ts)

scenario("logs/events: count 1 pages walk back in time with the cursor", async (c, x) => {
  for (let i = 0; i < 2; i++) {
    const r = await c.publish({ url: x.sink(`/ok/lg${i}`), body: `${i}`, label: "oa-logs" });
    await x.waitState(r.messageId, "DELIVERED");
  }
  for (const method of ["logs", "events"]) {
    const p1 = await x.step(`${method} page 1`, () => c[method]({ filter: { count: 1, label: "oa-logs" } }));
    const p2 = await x.step(`${method} page 2`, () => c[method]({ cursor: p1.cursor, filter: { count: 1, label: "oa-logs" } }));
    check(x, `${method} fields`, [Array.isArray(p1.logs), Array.isArray(p1.events), p1.logs.length, p2.logs.length], [true, true, 1, 1]);
    check(x, `${method} cursor is a string`, typeof p1.cursor, "string");
    check(x, `${method} newest first`, p1.logs[0].time >= p2.logs[0].time, true);
    check(x, `${method} page 2 is another entry`, p1.logs[0].state !== p2.logs[0].state || p1.logs[0].messageId !== p2.logs[0].messageId, true);
  }
  const e1 = await x.step("events() page", async () => {
    const r1 = await c.events();
    const r2 = await c.events({ cursor: r1.cursor });
    return { first: r1.events.length, second: r2.events.length > 0, cursorType: typeof r1.cursor };
  });
  x.note("events() then its cursor", e1);
  const all = await x.step("events() no argument", async () => {
    const r = await c.events();
    return { keys: Object.keys(r).sort(), n: r.events.length > 0, same: r.events === r.logs };
  });
  check(x, "events() shape", all.keys, ["cursor", "events", "logs"]);
});

// ------------------------------------------------------------------------------------------------
// network retries and their console lines (official src/client/http.test.ts)

test("http: five backoffs over a real connection, then the failure", async () => {
  const seen = [];
  const http = await listen((req) => {
    seen.push({ url: req.url, authorization: req.headers.authorization });
    req.socket.destroy();
  });
  const out = {};
  try {
    for (const side of ["official", "ours"]) {
      seen.length = 0;
      const backoffs = [];
      const c = new libs[side].Client({
        baseUrl: http.base,
        token: "test-token",
        devMode: false,
        retry: { retries: 5, backoff: (n) => (backoffs.push(n), (n + 1) * 10) },
      });
      const t0 = performance.now();
      const { err, lines } = await capture(() => c.dlq.listMessages());
      const elapsed = performance.now() - t0;
      assert.ok(err instanceof Error, `[${side}] rejects with an Error`);
      assert.equal(seen.length, 6, `[${side}] six requests`);
      assert.ok(seen.every((r) => r.url === "/v2/dlq" && r.authorization === "Bearer test-token"), `[${side}] requests`);
      assert.deepStrictEqual(backoffs, [0, 1, 2, 3, 4], `[${side}] backoff calls`);
      assert.ok(elapsed >= 145 && elapsed < 4500, `[${side}] elapsed ${elapsed}`);
      out[side] = { error: describeError(err, libs[side]), lines, requests: [...seen] };
    }
  } finally {
    await http.stop();
  }
  assert.deepStrictEqual(out.ours, out.official);
});

/** Runs `fn(client)` with `fetch` replaced by `impl`; returns calls, result/error and console. */
async function withFetch(side, impl, config, fn) {
  const original = globalThis.fetch;
  let calls = 0;
  globalThis.fetch = (...args) => {
    calls++;
    return impl(calls, ...args);
  };
  try {
    const c = new libs[side].Client({ baseUrl: "https://example.com", token: "test-token", devMode: false, ...config });
    const { value, err, lines } = await capture(() => fn(c));
    return { calls, value, threw: err === undefined ? undefined : describeError(err, libs[side]), lines };
  } finally {
    globalThis.fetch = original;
  }
}

const networkFailure = (n) => Promise.reject(new Error(`forced network failure ${n}`));

test("http: retry false calls fetch once, { retries: 1 } twice", async () => {
  for (const [retry, calls] of [[false, 1], [{ retries: 1 }, 2]]) {
    const out = {};
    for (const side of ["official", "ours"]) {
      out[side] = await withFetch(side, networkFailure, { retry }, (c) => c.messages.get("msg_123"));
      assert.equal(out[side].calls, calls, `[${side}] ${JSON.stringify(retry)}`);
      assert.ok(out[side].threw, `[${side}] throws`);
    }
    assert.deepStrictEqual(out.ours, out.official);
  }
});

test("http logging: a warning per retry and one error, without the query", async () => {
  const out = {};
  for (const side of ["official", "ours"]) {
    const r = await withFetch(side, () => Promise.reject(new Error("forced network failure")), { retry: { retries: 2, backoff: () => 0 } }, (c) =>
      c.logs({ filter: { label: "do-not-log" } }),
    );
    assert.equal(r.threw?.message, "forced network failure", `[${side}]`);
    const warns = r.lines.filter(([k]) => k === "warn").map(([, l]) => l);
    const errors = r.lines.filter(([k]) => k === "error").map(([, l]) => l);
    assert.equal(warns.length, 2, `[${side}] warns`);
    assert.ok(warns[0].includes("GET https://example.com/v2/events") && warns[0].includes("attempt 1/3"), `[${side}] ${warns[0]}`);
    assert.ok(warns[1].includes("attempt 2/3"), `[${side}] ${warns[1]}`);
    assert.equal(errors.length, 1, `[${side}] errors`);
    assert.ok(errors[0].includes("failed after 3 attempts") && errors[0].includes("forced network failure"), `[${side}] ${errors[0]}`);
    assert.ok(r.lines.every(([, l]) => !l.includes("do-not-log")), `[${side}] the query is not logged`);
    out[side] = r;
  }
  assert.deepStrictEqual(out.ours, out.official);
});

test("http logging: retry false logs only the error", async () => {
  const out = {};
  for (const side of ["official", "ours"]) {
    const r = await withFetch(side, () => Promise.reject(new Error("forced network failure")), { retry: false }, (c) => c.messages.get("msg_123"));
    assert.deepStrictEqual(r.lines.map(([k]) => k), ["error"], `[${side}]`);
    assert.ok(r.lines[0][1].includes("failed after 1 attempt:"), `[${side}] ${r.lines[0][1]}`);
    out[side] = r;
  }
  assert.deepStrictEqual(out.ours, out.official);
});

test("http logging: a non-2xx answer is logged by status without its body; 429 too; success is silent", async () => {
  const cases = [
    ["404", () => Promise.resolve(new Response("message not found", { status: 404 })), (c) => c.messages.cancel("msg_123")],
    ["429", () => Promise.resolve(new Response("", { status: 429, headers: { "Burst-RateLimit-Limit": "100" } })), (c) => c.publish({ url: "x", body: "b" })],
    ["200", () => Promise.resolve(new Response(JSON.stringify({ current: "a", next: "b" }), { status: 200 })), (c) => c.messages.get("msg_123")],
  ];
  for (const [name, impl, fn] of cases) {
    const out = {};
    for (const side of ["official", "ours"]) {
      const r = await withFetch(side, impl, { retry: { retries: 2, backoff: () => 0 } }, fn);
      assert.equal(r.calls, 1, `[${side}] ${name}: HTTP answers are not retried`);
      if (name === "404") {
        assert.equal(r.threw?.instanceOf.QstashError, true, `[${side}] 404`);
        assert.deepStrictEqual(r.lines.map(([k]) => k), ["error"]);
        assert.ok(r.lines[0][1].includes("DELETE https://example.com/v2/messages/msg_123 failed with status 404"), r.lines[0][1]);
        assert.ok(!r.lines[0][1].includes("message not found"));
      } else if (name === "429") {
        assert.equal(r.threw?.instanceOf.QstashRatelimitError, true, `[${side}] 429`);
        assert.deepStrictEqual(r.lines.map(([k]) => k), ["error"]);
        assert.ok(r.lines[0][1].includes("failed with status 429"), r.lines[0][1]);
      } else {
        assert.equal(r.threw, undefined, `[${side}] 200`);
        assert.deepStrictEqual(r.lines, [], `[${side}] nothing logged`);
      }
      out[side] = r;
    }
    assert.deepStrictEqual(out.ours, out.official, name);
  }
});
