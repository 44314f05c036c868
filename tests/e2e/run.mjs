// End-to-end: every Client method from Node, through the installed package, against our local
// server `qstash-dev` — with real deliveries to a local endpoint that verifies each signature
// with our Receiver, errors from real server responses, and network-failure retries counted.
//
//   node tests/e2e/run.mjs <installed package dir>     (scripts/test-client.sh passes it)
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";
import { readFileSync } from "node:fs";
import http from "node:http";
import { startServer, startReceiver, eventually, assert, assertEqual, rejects, runner } from "./harness.mjs";

const pkgDir = process.argv[2] ?? process.env.QSTASH_WASM_PKG;
if (!pkgDir) {
  console.error("usage: node tests/e2e/run.mjs <package dir>");
  process.exit(2);
}
for (const k of Object.keys(process.env)) if (/QSTASH|UPSTASH/.test(k)) delete process.env[k];
const pkg = JSON.parse(readFileSync(resolve(pkgDir, "package.json"), "utf8"));
const dot = pkg.exports?.["."] ?? pkg.exports;
const entry = typeof dot === "string" ? dot : dot.node ?? dot.import ?? dot.default;
const lib = await import(pathToFileURL(resolve(pkgDir, entry)).href);
if (typeof lib.Receiver !== "function") throw new Error("the package exports no Receiver");

const srv = await startServer();
const receiver = new lib.Receiver({ currentSigningKey: srv.currentSigningKey, nextSigningKey: srv.nextSigningKey });
// /flaky*: the first attempt fails; /fail*: every attempt fails; anything else succeeds.
const sink = await startReceiver(receiver, (path, attempt) => {
  if (path.startsWith("/flaky")) return attempt === 1 ? 500 : 200;
  if (path.startsWith("/fail")) return 500;
  return 200;
});
const client = new lib.Client({ baseUrl: srv.url, token: srv.token });
const dest = (path) => `${sink.url}${path}`;
const delivered = (path, n = 1, timeoutMs) => eventually(`${n} deliveries to ${path}`, () => sink.for(path).length >= n && sink.for(path), timeoutMs);
const allVerified = (records) => records.every((r) => r.verified === true) || assert(false, `signature not verified: ${records.map((r) => r.verifyError).join("; ")}`);

const { test, run } = runner();

// Started first: a cron schedule fires at the next minute boundary; checked in the last test.
const schedule = await client.schedules.create({ destination: dest("/sched"), cron: "* * * * *", body: "tick", headers: { "X-Sched": "1" } });

test("publish: delivered, signed, headers forwarded", async () => {
  const r = await client.publish({ url: dest("/p1"), body: "hello", headers: { "X-Custom": "v", "Content-Type": "text/plain" } });
  assert(typeof r.messageId === "string" && r.messageId.length > 0, "messageId");
  const [d] = await delivered("/p1");
  allVerified([d]);
  assertEqual(d.body, "hello", "body");
  assertEqual(d.headers["x-custom"], "v", "forwarded header");
  assertEqual(d.headers["content-type"], "text/plain", "content type");
  assertEqual(d.headers["upstash-message-id"], r.messageId, "message id header");
  assertEqual(d.method, "POST", "method");
});

test("publishJSON with delay and method", async () => {
  const t0 = Date.now();
  await client.publishJSON({ url: dest("/p2"), body: { hello: "world", n: [1, 2] }, delay: "1s", method: "PUT" });
  const [d] = await delivered("/p2");
  allVerified([d]);
  assertEqual(JSON.parse(d.body), { hello: "world", n: [1, 2] }, "JSON body");
  assertEqual(d.headers["content-type"], "application/json", "content type");
  assertEqual(d.method, "PUT", "method");
  assert(d.at - t0 >= 900, `delivered after the delay (${d.at - t0} ms)`);
});

test("notBefore (unix seconds)", async () => {
  const t0 = Date.now();
  await client.publish({ url: dest("/nb"), body: "later", notBefore: Math.ceil(t0 / 1000) + 1 });
  const [d] = await delivered("/nb");
  assert(d.at >= Math.ceil(t0 / 1000) * 1000, "not before the given time");
});

test("retries: a failing first attempt is retried and both are signed", async () => {
  const r = await client.publish({ url: dest("/flaky-1"), body: "again", retries: 2, retryDelay: "100" });
  const records = await delivered("/flaky-1", 2);
  allVerified(records);
  assertEqual(records.map((x) => x.headers["upstash-retried"]), ["0", "1"], "Upstash-Retried");
  assertEqual(records.map((x) => x.status), [500, 200], "statuses");
  const logs = await eventually("DELIVERED log", async () => {
    const l = await client.logs({ filter: { messageId: r.messageId } });
    return l.logs.some((e) => e.state === "DELIVERED") && l;
  });
  assert(logs.logs === logs.events, "logs and events are the same array");
  assert(logs.logs.some((e) => e.state === "RETRY" || e.state === "ERROR"), "a retry was logged");
});

test("deduplicationId and contentBasedDeduplication", async () => {
  const a = await client.publish({ url: dest("/dedup"), body: "x", deduplicationId: "d-1" });
  const b = await client.publish({ url: dest("/dedup"), body: "x", deduplicationId: "d-1" });
  assertEqual(b.messageId, a.messageId, "same message id");
  assertEqual(b.deduplicated, true, "second is deduplicated");
  const c = await client.publish({ url: dest("/dedup2"), body: "same", contentBasedDeduplication: true });
  const e = await client.publish({ url: dest("/dedup2"), body: "same", contentBasedDeduplication: true });
  assertEqual(e.deduplicated, true, "content-based duplicate");
  assertEqual(e.messageId, c.messageId, "same id");
  await delivered("/dedup");
  await delivered("/dedup2");
});

test("callback receives the destination's response", async () => {
  await client.publish({ url: dest("/with-cb"), body: "cb", callback: dest("/cb") });
  const [cb] = await delivered("/cb");
  allVerified([cb]);
  const payload = JSON.parse(cb.body);
  assertEqual(payload.status, 200, "callback status");
});

let dlqMessageId;
test("failureCallback and DLQ after the last retry", async () => {
  const r = await client.publish({ url: dest("/fail-1"), body: "doomed", retries: 0, failureCallback: dest("/fcb"), label: "e2e-dlq" });
  dlqMessageId = r.messageId;
  const [f] = await delivered("/fcb");
  allVerified([f]);
  const list = await eventually("DLQ entry", async () => {
    const l = await client.dlq.listMessages({ filter: { label: "e2e-dlq" } });
    return l.messages.length > 0 && l;
  });
  const m = list.messages[0];
  assertEqual(m.messageId, r.messageId, "DLQ message id");
  assertEqual(m.responseStatus, 500, "last response status");
  assert("urlGroup" in m && "ratePerSecond" in m, "official reshape keys");
});

test("dlq get (extension), retry, retryOne (extension), delete", async () => {
  const { messages } = await client.dlq.listMessages({ filter: { label: "e2e-dlq" } });
  const dlqId = messages[0].dlqId;
  const one = await client.dlq.get(dlqId);
  assertEqual(one.messageId, dlqMessageId, "dlq.get");
  const retried = await client.dlq.retry(dlqId);
  assert(Array.isArray(retried.responses) && typeof retried.responses[0].messageId === "string", "retry responses");
  assertEqual(retried.cursor, undefined, "empty cursor normalised away");
  await delivered("/fail-1", 2);
  // The retried copy fails again (retries 0) and lands in the DLQ once more.
  const again = await eventually("retried copy in DLQ", async () => {
    const l = await client.dlq.listMessages({ filter: { label: "e2e-dlq" } });
    return l.messages.find((m) => m.dlqId !== dlqId);
  });
  const single = await client.dlq.retryOne(again.dlqId);
  assert(typeof single.messageId === "string", "retryOne returns the new message id");
  await delivered("/fail-1", 3);
  const third = await eventually("third DLQ entry", async () => {
    const l = await client.dlq.listMessages({ filter: { label: "e2e-dlq" } });
    return l.messages.find((m) => m.messageId === single.messageId);
  });
  assertEqual(await client.dlq.delete(third.dlqId), { deleted: 1 }, "delete one");
  const all = await client.dlq.delete({ all: true });
  assert(typeof all.deleted === "number", "bulk delete count");
  const left = await client.dlq.listMessages({ filter: { label: "e2e-dlq" } });
  assertEqual(left.messages.length, 0, "DLQ emptied");
  assertEqual(await client.dlq.delete([]), { deleted: 0 }, "empty array short-circuits");
});

test("batch and batchJSON (with a queue item)", async () => {
  await client.queue({ queueName: "e2e-batch-q" }).upsert({ parallelism: 1 });
  const res = await client.batch([
    { url: dest("/b1"), body: "one" },
    { url: dest("/b2"), body: "two", queueName: "e2e-batch-q", headers: { "X-B": "2" } },
  ]);
  assertEqual(res.length, 2, "two results");
  const [b2] = await delivered("/b2");
  await delivered("/b1");
  assertEqual(b2.headers["x-b"], "2", "forwarded header in batch");
  const resJ = await client.batchJSON([{ url: dest("/bj"), body: { j: 1 } }]);
  assertEqual(resJ.length, 1, "one result");
  const [bj] = await delivered("/bj");
  allVerified([b2, bj]);
  assertEqual(JSON.parse(bj.body), { j: 1 }, "batchJSON body");
  assertEqual(bj.headers["content-type"], "application/json", "batchJSON content type");
});

test("queues: upsert, get, list, pause, enqueue, resume, enqueueJSON, delete", async () => {
  const q = client.queue({ queueName: "e2e-q" });
  await q.upsert({ parallelism: 2 });
  const got = await q.get();
  assertEqual([got.name, got.parallelism, got.paused], ["e2e-q", 2, false], "queue fields");
  assert((await q.list()).some((x) => x.name === "e2e-q"), "listed");
  await q.pause();
  assertEqual((await q.get()).paused, true, "paused");
  const r = await q.enqueue({ url: dest("/q1"), body: "queued" });
  assert(typeof r.messageId === "string", "enqueue id");
  await q.resume();
  assertEqual((await q.get()).paused, false, "resumed");
  const [d] = await delivered("/q1");
  allVerified([d]);
  await q.enqueueJSON({ url: dest("/q2"), body: { q: 2 } });
  const [d2] = await delivered("/q2");
  assertEqual(JSON.parse(d2.body), { q: 2 }, "enqueueJSON body");
  await q.delete();
  const err = await rejects(q.get(), "deleted queue");
  assert(err instanceof lib.QstashError && err.status === 404, `404 QstashError, got ${err}`);
});

test("url groups: add, publish fan-out, get, list, remove, delete", async () => {
  await client.urlGroups.addEndpoints({ name: "e2e-group", endpoints: [{ name: "a", url: dest("/ga") }, { url: dest("/gb") }] });
  const g = await client.urlGroups.get("e2e-group");
  assertEqual(g.endpoints.length, 2, "two endpoints");
  assert((await client.topics.list()).some((x) => x.name === "e2e-group"), "listed via topics alias");
  const res = await client.publish({ urlGroup: "e2e-group", body: "fan" });
  assert(Array.isArray(res) && res.length === 2, "one result per endpoint");
  const [a] = await delivered("/ga");
  const [b] = await delivered("/gb");
  allVerified([a, b]);
  assertEqual(a.headers["upstash-topic-name"], "e2e-group", "topic name header");
  await client.urlGroups.removeEndpoints({ name: "e2e-group", endpoints: [{ name: "a" }] });
  assertEqual((await client.urlGroups.get("e2e-group")).endpoints.length, 1, "one left");
  await client.urlGroups.delete("e2e-group");
  const err = await rejects(client.urlGroups.get("e2e-group"), "deleted group");
  assertEqual(err.status, 404, "404");
});

test("messages: get, cancel by id, ids, filter, all; deprecated forms", async () => {
  const m1 = await client.publish({ url: dest("/never"), body: "m", delay: "1h", label: "e2e-msg" });
  const got = await client.messages.get(m1.messageId);
  assertEqual(got.messageId, m1.messageId, "get");
  assertEqual(got.url, dest("/never"), "url");
  assert("urlGroup" in got && "ratePerSecond" in got, "official reshape keys");
  assertEqual(await client.messages.cancel(m1.messageId), { cancelled: 1 }, "cancel one");
  const err = await rejects(client.messages.get(m1.messageId), "cancelled message");
  assert(err instanceof lib.QstashError && err.status === 404, "404 after cancel");
  const m2 = await client.publish({ url: dest("/never"), delay: "1h" });
  const m3 = await client.publish({ url: dest("/never"), delay: "1h" });
  assertEqual(await client.messages.cancel([m2.messageId, m3.messageId]), { cancelled: 2 }, "cancel ids");
  await client.publish({ url: dest("/never"), delay: "1h", label: "e2e-filter" });
  assertEqual(await client.messages.cancel({ filter: { label: "e2e-filter" } }), { cancelled: 1 }, "cancel by filter");
  await client.publish({ url: dest("/never"), delay: "1h" });
  assert((await client.messages.deleteAll()) >= 1, "deleteAll count");
  assertEqual(await client.messages.cancel([]), { cancelled: 0 }, "empty array");
  const m4 = await client.publish({ url: dest("/never"), delay: "1h" });
  assertEqual(await client.messages.delete(m4.messageId), undefined, "deprecated delete");
});

test("logs: filters, messageIds, cursor paging", async () => {
  const r = await client.publish({ url: dest("/logged"), body: "l", label: "e2e-logs" });
  await delivered("/logged");
  const byId = await eventually("logs by id", async () => {
    const l = await client.logs({ messageIds: [r.messageId] });
    return l.logs.some((e) => e.state === "DELIVERED") && l;
  });
  assert(byId.logs.every((e) => e.messageId === r.messageId), "only that message");
  const byLabel = await client.logs({ filter: { label: "e2e-logs" } });
  assert(byLabel.logs.length >= 2 && byLabel.logs.every((e) => "urlGroup" in e), "label filter, reshaped");
  const page = await client.logs({ count: 1 });
  assertEqual(page.logs.length, 1, "count");
  if (page.cursor) {
    const next = await client.events({ count: 1, cursor: page.cursor });
    assert(next.logs.length <= 1, "second page");
  }
});

test("flow control: publish with a key, get, list (extension), pause/resume/pin/unpin/resetRate, global", async () => {
  await client.publish({ url: dest("/fc"), body: "f", flowControl: { key: "e2e-fc", parallelism: 1, rate: 5, period: "1s" } });
  await delivered("/fc");
  const info = await client.flowControl.get("e2e-fc");
  assertEqual(info.flowControlKey, "e2e-fc", "key");
  assert((await client.flowControl.list()).some((x) => x.flowControlKey === "e2e-fc"), "listed");
  await client.flowControl.pause("e2e-fc");
  assertEqual((await client.flowControl.get("e2e-fc")).isPaused, true, "paused");
  await client.flowControl.resume("e2e-fc");
  await client.flowControl.pin("e2e-fc", { parallelism: 3 });
  assertEqual((await client.flowControl.get("e2e-fc")).isPinnedParallelism, true, "pinned");
  await client.flowControl.unpin("e2e-fc", { parallelism: true });
  await client.flowControl.resetRate("e2e-fc");
  const gp = await client.flowControl.getGlobalParallelism();
  assert(typeof gp.parallelismMax === "number" && typeof gp.parallelismCount === "number", "global parallelism");
});

test("bodies: Uint8Array, Blob, URLSearchParams, ReadableStream pass through", async () => {
  await client.publish({ url: dest("/u8"), body: new TextEncoder().encode("bytes!") });
  await client.publish({ url: dest("/blob"), body: new Blob(["blob!"]) });
  await client.publish({ url: dest("/form"), body: new URLSearchParams({ a: "1", b: "x y" }) });
  const stream = new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode("str")); c.enqueue(new TextEncoder().encode("eam!")); c.close(); } });
  await client.publish({ url: dest("/stream"), body: stream });
  const got = await Promise.all(["/u8", "/blob", "/form", "/stream"].map((p) => delivered(p)));
  assertEqual(got.map(([d]) => d.body), ["bytes!", "blob!", "a=1&b=x+y", "stream!"], "bodies");
  allVerified(got.map(([d]) => d));
});

test("errors from real responses: 404, 400, 401; client-side guards", async () => {
  const e404 = await rejects(client.messages.get("msg_does_not_exist"), "unknown message");
  assert(e404 instanceof lib.QstashError && e404.name === "QstashError" && e404.status === 404, "404");
  const e400 = await rejects(client.publish({ url: "ftp://example.com/x", body: "x" }), "bad destination");
  assert(e400 instanceof lib.QstashError && e400.status === 400 && e400.message.length > 0, `400, got ${e400}`);
  // A destination that is not a URL names a URL group; an unknown one is a 404.
  const eGroup = await rejects(client.publish({ urlGroup: "no-such-group", body: "x" }), "unknown group");
  assert(eGroup instanceof lib.QstashError && eGroup.status === 404, `404, got ${eGroup}`);
  const bad = new lib.Client({ baseUrl: srv.url, token: "wrong-token" });
  const e401 = await rejects(bad.queue().list(), "bad token");
  assert(e401 instanceof lib.QstashError && e401.status === 401, `401, got ${e401?.status}`);
  const empty = await rejects(client.messages.get(""), "empty id");
  assertEqual([empty.name, empty.message, empty.status], ["QstashError", "Message id cannot be empty", undefined], "empty id guard");
  const arr = await rejects(client.logs({ filter: { label: [] } }), "empty array");
  assert(arr instanceof lib.QstashEmptyArrayError, "QstashEmptyArrayError");
  const noQueue = await rejects(client.queue().get(), "no queue name");
  assertEqual(noQueue.message, "Please provide a queue name to the Queue constructor", "queue guard");
});

test("429s from a real server (--rate-limit, --daily-limit): typed errors with the server's numbers, not retried", async () => {
  const limited = await startServer({ args: ["--rate-limit", "2", "--daily-limit", "2"] });
  try {
    const c = new lib.Client({ baseUrl: limited.url, token: limited.token });
    const { result, calls } = await countingFetch(async () => {
      // Within one second only 2 requests get through; the burst window is 1 s, so allow a
      // rollover by trying until a refusal comes (at most a few rounds).
      for (let i = 0; i < 20; i++) await c.queue().list();
    });
    const burst = result.error;
    assert(burst instanceof lib.QstashRatelimitError, `burst: got ${burst}`);
    assert(!(burst instanceof lib.QstashDailyRatelimitError), "burst is not daily");
    assertEqual([burst.name, burst.status, burst.limit, burst.remaining], ["QstashRatelimitError", 429, "2", "0"], "burst fields");
    assert(Number(burst.reset) * 1000 > Date.now() - 2000, `reset is a unix time: ${burst.reset}`);
    assert(burst.message.startsWith("Exceeded burst rate limit."), burst.message);
    assert(calls.length >= 3, `the refused call was made once: ${calls.length} calls`);
    // Publishing has no per-second limit; the daily count refuses the third message.
    await c.publish({ url: dest("/limited-1"), body: "1" });
    await c.publishJSON({ url: dest("/limited-2"), body: { n: 2 } });
    const counted = await countingFetch(() => c.publish({ url: dest("/limited-3"), body: "3" }));
    const daily = counted.result.error;
    assert(daily instanceof lib.QstashDailyRatelimitError, `daily: got ${daily}`);
    assertEqual([daily.name, daily.status, daily.limit, daily.remaining], ["QstashDailyRatelimitError", 429, "2", "0"], "daily fields");
    assert(daily.message.startsWith("Exceeded daily rate limit."), daily.message);
    assertEqual(counted.calls.length, 1, "a 429 is not retried");
    await delivered("/limited-2");
  } finally {
    await limited.stop();
  }
});

async function closedPortUrl() {
  const s = http.createServer();
  await new Promise((r) => s.listen(0, "127.0.0.1", r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return `http://127.0.0.1:${port}`;
}

async function countingFetch(fn) {
  const original = globalThis.fetch;
  const calls = [];
  globalThis.fetch = (...args) => { calls.push(args[0]); return original(...args); };
  try {
    return { result: await fn().then((v) => ({ ok: v }), (e) => ({ error: e })), calls };
  } finally {
    globalThis.fetch = original;
  }
}

test("network failures are retried with the backoff; retry:false is one attempt", async () => {
  const closed = await closedPortUrl();
  const backoffArgs = [];
  const c3 = new lib.Client({ baseUrl: closed, token: "t", retry: { retries: 2, backoff: (n) => { backoffArgs.push(n); return 5; } } });
  const a = await countingFetch(() => c3.publish({ url: "https://example.com", body: "x" }));
  assertEqual(a.calls.length, 3, "retries + 1 fetch calls");
  assertEqual(backoffArgs, [0, 1], "backoff called with the retry index");
  assert(a.result.error instanceof TypeError, `fetch's own error is thrown, got ${a.result.error}`);
  const c1 = new lib.Client({ baseUrl: closed, token: "t", retry: false });
  const b = await countingFetch(() => c1.messages.get("m"));
  assertEqual(b.calls.length, 1, "retry:false is exactly one attempt");
  const cDefault = new lib.Client({ baseUrl: closed, token: "t", retry: { backoff: () => 1 } });
  const c = await countingFetch(() => cDefault.queue().list());
  assertEqual(c.calls.length, 6, "default 5 retries");
});

test("HTTP error statuses are never retried", async () => {
  const bad = new lib.Client({ baseUrl: srv.url, token: "wrong-token", retry: { retries: 3, backoff: () => 1 } });
  const r = await countingFetch(() => bad.publish({ url: dest("/x"), body: "x" }));
  assertEqual(r.calls.length, 1, "one attempt");
  assertEqual(r.result.error?.status, 401, "401");
});

test("signing keys: get, rotate (extension) — deliveries still verify via the next key", async () => {
  const keys = await client.keys.get();
  assertEqual(keys, { current: srv.currentSigningKey, next: srv.nextSigningKey }, "keys");
  const rotated = await client.keys.rotate();
  assertEqual(rotated.current, srv.nextSigningKey, "next became current");
  assert(rotated.next !== srv.nextSigningKey && rotated.next.startsWith("sig_"), "a new next key");
  await client.publish({ url: dest("/after-rotate"), body: "rotated" });
  const [d] = await delivered("/after-rotate");
  allVerified([d]);
});

test("schedules: get, list, pause, resume, a real cron delivery, delete", async () => {
  const s = await client.schedules.get(schedule.scheduleId);
  assertEqual([s.scheduleId, s.cron, s.destination], [schedule.scheduleId, "* * * * *", dest("/sched")], "schedule fields");
  assert((await client.schedules.list()).some((x) => x.scheduleId === schedule.scheduleId), "listed");
  await client.schedules.pause({ schedule: schedule.scheduleId });
  assertEqual((await client.schedules.get(schedule.scheduleId)).isPaused, true, "paused");
  await client.schedules.resume({ schedule: schedule.scheduleId });
  assertEqual((await client.schedules.get(schedule.scheduleId)).isPaused, false, "resumed");
  const [d] = await delivered("/sched", 1, 70_000);
  allVerified([d]);
  assertEqual([d.body, d.headers["x-sched"], d.headers["upstash-schedule-id"]], ["tick", "1", schedule.scheduleId], "scheduled delivery");
  await client.schedules.delete(schedule.scheduleId);
  const err = await rejects(client.schedules.get(schedule.scheduleId), "deleted schedule");
  assertEqual(err.status, 404, "404 after delete");
});

let failed;
try {
  failed = await run();
} finally {
  await sink.close();
  await srv.stop();
}
if (failed) {
  console.log(`e2e: ${failed} failed (server log tail follows)\n${srv.logs().split("\n").slice(-30).join("\n")}`);
}
process.exit(failed ? 1 : 0);
