// Results parity: every scenario runs through the official `@upstash/qstash` Client (dev user 1)
// and through ours (dev user 2) against the same qstash-dev; what each call RETURNS and THROWS
// must be deeply equal after normalising ids and timestamps (see harness.mjs).
//
//   QSTASH_WASM_PKG=<installed package dir> node --test tests/parity/parity.test.mjs
//   (scripts/test-parity.sh installs the packed tarball and runs this.)
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  loadLibraries,
  startServer,
  startSink,
  eventually,
  describeError,
  normalise,
  scenarioRunner,
  sideContext,
} from "./harness.mjs";
// The exports beyond Client and Receiver (chat, workflow, startDevServer, …): their own file,
// registered into this run so scripts/test-parity.sh needs no second command.
import "./compat.test.mjs";

const libs = await loadLibraries();
let server;
let sink;

before(async () => {
  server = await startServer();
  sink = await startSink();
});
after(async () => {
  await sink?.stop();
  await server?.stop();
});

/**
 * One side's context: the harness's `sideContext` (client, library, sink, raw API calls,
 * `note`, `waitState`) with this file's `step` (console kept quiet, `PARITY_TRACE` timing) and
 * its label-based DLQ and settle waits.
 */
function context(side) {
  const x = sideContext(side, { libs, server, sink });
  const { lib, steps, api } = x;
  // The console lines both SDKs print on failures are compared by the wire test; keep them quiet.
  const quiet = async (fn) => {
    const saved = [console.error, console.warn];
    console.error = () => {};
    console.warn = () => {};
    try {
      return await fn();
    } finally {
      [console.error, console.warn] = saved;
    }
  };
  return Object.assign(x, {
    /** Runs one call, records `{value}` or `{threw}`, returns the value (undefined on throw). */
    async step(name, fn) {
      const t0 = Date.now();
      try {
        const value = await quiet(fn);
        steps.push([name, { value }]);
        return value;
      } catch (err) {
        steps.push([name, { threw: describeError(err, lib) }]);
        return undefined;
      } finally {
        if (process.env.PARITY_TRACE) console.log(`  [${side}] ${name}: ${Date.now() - t0} ms`);
      }
    },
    /** Waits until the DLQ holds `n` entries with `label`. */
    waitDlq: (label, n = 1) =>
      eventually(`${n} DLQ entries labelled ${label}`, async () => {
        const r = await api(`/v2/dlq?label=${encodeURIComponent(label)}`);
        return r.messages.length >= n;
      }),
    /** Waits until every message labelled `label` reached a final state. */
    waitSettled: (label) =>
      eventually(`messages labelled ${label} settled`, async () => {
        const events = [];
        let cursor = "";
        do {
          const r = await api(`/v2/events?label=${encodeURIComponent(label)}&count=100${cursor ? `&cursor=${cursor}` : ""}`);
          events.push(...r.events);
          cursor = r.cursor ?? "";
        } while (cursor);
        const final = new Set(["DELIVERED", "FAILED", "CANCELED", "CANCELLED"]);
        const done = new Set(events.filter((e) => final.has(e.state)).map((e) => e.messageId));
        return events.length > 0 && events.every((e) => done.has(e.messageId));
      }),
  });
}

/** Runs `fn` for the official client, then ours, and compares the normalised records. */
const scenario = scenarioRunner(context);

// ------------------------------------------------------------------------------------------------
// publish / publishJSON

scenario("publish to a url: result and message", async (c, x) => {
  const r = await x.step("publish", () =>
    c.publish({ url: x.sink("/ok/p1"), body: "hello", headers: { "X-A": "1", "Content-Type": "text/plain" }, label: "p1", delay: "1h", retries: 2 }),
  );
  await x.step("messages.get", () => c.messages.get(r.messageId));
  await x.step("cancel", () => c.messages.cancel(r.messageId));
});

scenario("publishJSON with every option: message as stored", async (c, x) => {
  const r = await x.step("publishJSON", () =>
    c.publishJSON({
      url: x.sink("/ok/p2?x=1&y=2"),
      body: { a: 1, b: [true, null], s: "é" },
      method: "PUT",
      delay: 3600,
      retries: 0,
      retryDelay: "1000 * (1 + retried)",
      callback: x.sink("/ok/cb"),
      failureCallback: x.sink("/ok/fcb"),
      timeout: 30,
      label: ["p2a", "p2b"],
      flowControl: { key: "fc-p2", parallelism: 2, rate: 10, period: "1m" },
      headers: { authorization: "Bearer inner", "x-multi": "v" },
    }),
  );
  await x.step("messages.get", () => c.messages.get(r.messageId));
  await x.step("cancel", () => c.messages.cancel(r.messageId));
  await x.step("get after cancel", () => c.messages.get(r.messageId));
});

scenario("publish: bodies of each kind, notBefore, and no body", async (c, x) => {
  const now = Math.floor(Date.now() / 1000) + 3600;
  const a = await x.step("bytes body", () => c.publish({ url: x.sink("/ok/b1"), body: new Uint8Array([0xff, 0x00, 0x41]), notBefore: now, label: "b" }));
  const b = await x.step("no body", () => c.publish({ url: x.sink("/ok/b2"), notBefore: now, label: "b" }));
  const d = await x.step("URLSearchParams", () => c.publish({ url: x.sink("/ok/b3"), body: new URLSearchParams({ q: "1 2" }), notBefore: now, label: "b" }));
  for (const r of [a, b, d]) await x.step("get", () => c.messages.get(r.messageId));
  await x.step("cancel by label", () => c.messages.cancel({ filter: { label: "b" } }));
});

scenario("publish: deduplication by id and by content", async (c, x) => {
  const first = await x.step("first", () => c.publish({ url: x.sink("/ok/d1"), body: "same", deduplicationId: "dd-1", delay: "1h" }));
  await x.step("dedup by id", () => c.publish({ url: x.sink("/ok/d1"), body: "other", deduplicationId: "dd-1", delay: "1h" }));
  await x.step("content 1", () => c.publishJSON({ url: x.sink("/ok/d2"), body: { k: 1 }, contentBasedDeduplication: true, delay: "1h" }));
  await x.step("content 2", () => c.publishJSON({ url: x.sink("/ok/d2"), body: { k: 1 }, contentBasedDeduplication: true, delay: "1h" }));
  await x.step("cancel", () => c.messages.cancel(first.messageId));
});

scenario("url groups: add/get/list/publish fan-out/dedup/remove/delete", async (c, x) => {
  const g = c.urlGroups;
  await x.step("addEndpoints", () => g.addEndpoints({ name: "grp-a", endpoints: [{ name: "e1", url: x.sink("/ok/g1") }, { url: x.sink("/ok/g2") }] }));
  await x.step("add again (idempotent)", () => g.addEndpoints({ name: "grp-a", endpoints: [{ name: "e3", url: x.sink("/ok/g3") }] }));
  await x.step("get", () => g.get("grp-a"));
  await x.step("list", () => g.list());
  await x.step("topics alias get", () => c.topics.get("grp-a"));
  const fan = await x.step("publish fan-out", () => c.publish({ urlGroup: "grp-a", body: "to all", delay: "1h", label: "fan" }));
  x.note("fan-out is an array", Array.isArray(fan));
  await x.step("publishJSON fan-out dedup", () => c.publishJSON({ urlGroup: "grp-a", body: { n: 1 }, deduplicationId: "gd", delay: "1h", label: "fan" }));
  await x.step("publishJSON fan-out dedup again", () => c.publishJSON({ urlGroup: "grp-a", body: { n: 1 }, deduplicationId: "gd", delay: "1h", label: "fan" }));
  await x.step("topic (deprecated) publish", () => c.publish({ topic: "grp-a", body: "t", delay: "1h", label: "fan" }));
  await x.step("get a fan-out message", () => c.messages.get(fan[1].messageId));
  await x.step("removeEndpoints by name", () => g.removeEndpoints({ name: "grp-a", endpoints: [{ name: "e1" }] }));
  await x.step("removeEndpoints by url", () => g.removeEndpoints({ name: "grp-a", endpoints: [{ url: x.sink("/ok/g2") }] }));
  await x.step("get after remove", () => g.get("grp-a"));
  await x.step("delete", () => g.delete("grp-a"));
  await x.step("get after delete", () => g.get("grp-a"));
  await x.step("remove last endpoint deletes", async () => {
    await g.addEndpoints({ name: "grp-b", endpoints: [{ url: x.sink("/ok/gb") }] });
    await g.removeEndpoints({ name: "grp-b", endpoints: [{ url: x.sink("/ok/gb") }] });
    return g.list();
  });
  await x.step("cancel fan", () => c.messages.cancel({ filter: { label: "fan" } }));
  await x.step("publish to unknown group", () => c.publish({ urlGroup: "no-such-group", body: "x" }));
});

// ------------------------------------------------------------------------------------------------
// batch

scenario("batch / batchJSON: urls, groups, queues, results", async (c, x) => {
  await c.urlGroups.addEndpoints({ name: "bgrp", endpoints: [{ url: x.sink("/ok/bg1") }, { url: x.sink("/ok/bg2") }] });
  await x.step("batch", () =>
    c.batch([
      { url: x.sink("/ok/bt1"), body: "one", delay: "1h", label: "bt" },
      { urlGroup: "bgrp", body: "group", delay: "1h", label: "bt" },
      { url: x.sink("/ok/bt2"), queueName: "bq", body: "q", label: "bt", headers: { "X-H": "v" } },
      { url: x.sink("/ok/bt3"), delay: "1h", label: "bt", deduplicationId: "bdd" },
      { url: x.sink("/ok/bt3"), delay: "1h", label: "bt", deduplicationId: "bdd" },
    ]),
  );
  await x.step("batch single", () => c.batch([{ url: x.sink("/ok/bt4"), body: "solo", delay: "1h", label: "bt" }]));
  const msgs = [{ url: x.sink("/ok/bj1"), body: { x: 1 }, delay: "1h", label: "bt" }, { urlGroup: "bgrp", body: [1, 2], delay: 7200, label: "bt" }, { url: x.sink("/ok/bj2"), delay: "1h", label: "bt" }];
  const r = await x.step("batchJSON", () => c.batchJSON(msgs));
  x.note("batchJSON mutates bodies", msgs.map((m) => m.body));
  await x.step("get batchJSON item", () => c.messages.get(r[0].messageId));
  await x.step("batch empty", () => c.batch([]));
  await x.step("batchJSON empty", () => c.batchJSON([]));
  await x.step("batch bad item", () => c.batch([{ url: x.sink("/ok/bt5"), body: "a", delay: "1h", label: "bt" }, { url: x.sink("/ok/bt6"), delay: "soon" }]));
  await x.step("cancel", () => c.messages.cancel({ filter: { label: "bt" } }));
  await x.waitSettled("bt");
  await x.step("queue cleanup", () => c.queue({ queueName: "bq" }).delete());
  await c.urlGroups.delete("bgrp");
});

// ------------------------------------------------------------------------------------------------
// queues

scenario("queue: upsert/get/list/pause/resume/enqueue/delete", async (c, x) => {
  const q = c.queue({ queueName: "pq-1" });
  await x.step("upsert", () => q.upsert({ parallelism: 2 }));
  await x.step("get", () => q.get());
  await x.step("upsert defaults", () => c.queue({ queueName: "pq-2" }).upsert({}));
  await x.step("list", () => c.queue().list());
  await x.step("pause", () => q.pause());
  await x.step("get paused", () => q.get());
  const e = await x.step("enqueue", () => q.enqueue({ url: x.sink("/ok/q1"), body: "queued", label: "pq" }));
  const j = await x.step("enqueueJSON", () => q.enqueueJSON({ url: x.sink("/ok/q2"), body: { q: true }, label: "pq" }));
  await x.step("lag", () => q.get());
  await x.step("get enqueued", () => c.messages.get(e.messageId));
  await x.step("resume", () => q.resume());
  await x.waitState(j.messageId, "DELIVERED");
  await x.waitState(e.messageId, "DELIVERED");
  await x.step("get after deliveries", () => q.get());
  await x.step("upsert paused", () => q.upsert({ parallelism: 1, paused: true }));
  await x.step("get", () => q.get());
  await x.step("delete", () => q.delete());
  await x.step("delete pq-2", () => c.queue({ queueName: "pq-2" }).delete());
  await x.step("get deleted", () => q.get());
  await x.step("list after", () => c.queue().list());
  await x.step("enqueue to group", async () => {
    await c.urlGroups.addEndpoints({ name: "qgrp", endpoints: [{ url: x.sink("/ok/qg1") }, { url: x.sink("/ok/qg2") }] });
    const r = await c.queue({ queueName: "pq-3" }).enqueue({ urlGroup: "qgrp", body: "g", label: "pq3" });
    return r;
  });
  await x.waitSettled("pq3");
  await c.queue({ queueName: "pq-3" }).delete();
  await c.urlGroups.delete("qgrp");
});

scenario("queue: errors without a name and on bad input", async (c, x) => {
  const q = c.queue();
  await x.step("get", () => q.get());
  await x.step("upsert", () => q.upsert({}));
  await x.step("delete", () => q.delete());
  await x.step("pause", () => q.pause());
  await x.step("resume", () => q.resume());
  await x.step("enqueue", () => q.enqueue({ url: x.sink("/ok/x") }));
  await x.step("enqueueJSON", () => q.enqueueJSON({ url: x.sink("/ok/x"), body: 1 }));
  await x.step("queue({})", () => c.queue({}).get());
  await x.step("get unknown", () => c.queue({ queueName: "nope-queue" }).get());
  await x.step("pause unknown", () => c.queue({ queueName: "nope-queue" }).pause());
  await x.step("upsert bad parallelism", () => c.queue({ queueName: "bad-par" }).upsert({ parallelism: 0 }));
  await x.step("upsert bad name", () => c.queue({ queueName: "bad name!" }).upsert({ parallelism: 1 }));
});

// ------------------------------------------------------------------------------------------------
// messages

scenario("messages: cancel by ids, filter, all; deprecated delete forms", async (c, x) => {
  const ids = [];
  for (let i = 0; i < 4; i++) {
    const r = await x.step(`publish ${i}`, () => c.publish({ url: x.sink(`/ok/m${i}`), body: `m${i}`, delay: "1h", label: i < 2 ? "mc-a" : "mc-b" }));
    ids.push(r.messageId);
  }
  await x.step("cancel ids", () => c.messages.cancel([ids[0], "msg_unknown"]));
  await x.step("cancel []", () => c.messages.cancel([]));
  await x.step("cancel filter", () => c.messages.cancel({ filter: { label: "mc-a" } }));
  await x.step("cancel filter, count", () => c.messages.cancel({ filter: { label: ["mc-b", "zzz"] }, count: 1 }));
  await x.step("cancel {messageIds: []}", () => c.messages.cancel({ messageIds: [] }));
  await x.step("cancel filter empty label array", () => c.messages.cancel({ filter: { label: [] } }));
  await x.step("delete (deprecated)", () => c.messages.delete(ids[3]));
  await x.step("deleteMany []", () => c.messages.deleteMany([]));
  const more = [];
  for (let i = 0; i < 2; i++) more.push((await c.publish({ url: x.sink("/ok/mm"), body: `${i}`, delay: "1h" })).messageId);
  await x.step("deleteMany", () => c.messages.deleteMany(more));
  await c.publish({ url: x.sink("/ok/mall"), body: "all", delay: "1h" });
  await x.step("deleteAll", () => c.messages.deleteAll());
  await c.publish({ url: x.sink("/ok/mall"), body: "all", delay: "1h" });
  await x.step("cancel all", () => c.messages.cancel({ all: true }));
  await x.step("cancel all again", () => c.messages.cancel({ all: true, count: 5 }));
});

scenario("messages: errors", async (c, x) => {
  await x.step("get empty id", () => c.messages.get(""));
  await x.step("get undefined id", () => c.messages.get(undefined));
  await x.step("cancel empty id", () => c.messages.cancel(""));
  await x.step("delete empty id", () => c.messages.delete(""));
  await x.step("get unknown", () => c.messages.get("msg_does_not_exist"));
  await x.step("cancel unknown", () => c.messages.cancel("msg_does_not_exist"));
  await x.step("delete unknown", () => c.messages.delete("msg_does_not_exist"));
});

// ------------------------------------------------------------------------------------------------
// logs

scenario("logs: filters, cursor pagination, count, events alias", async (c, x) => {
  // One at a time, each delivered before the next: the log order is then deterministic.
  const sent = [];
  for (let i = 0; i < 3; i++) {
    const r = await x.step(`publish ${i}`, () => c.publish({ url: x.sink(`/ok/l${i}`), body: `l${i}`, label: "lg" }));
    await x.waitState(r.messageId, "DELIVERED");
    sent.push(r);
  }
  await x.waitSettled("lg");
  await x.step("logs label", () => c.logs({ filter: { label: "lg" } }));
  await x.step("logs label DELIVERED", () => c.logs({ filter: { label: "lg", state: "DELIVERED" } }));
  await x.step("logs by messageId (filter)", () => c.logs({ filter: { messageId: sent[1].messageId } }));
  await x.step("logs by messageIds", () => c.logs({ messageIds: [sent[0].messageId, sent[2].messageId] }));
  await x.step("logs url", () => c.logs({ filter: { url: x.sink("/ok/l1") } }));
  await x.step("logs url array", () => c.logs({ filter: { url: [x.sink("/ok/l1"), x.sink("/ok/l2")], state: "CREATED" } }));
  await x.step("logs path", () => c.logs({ filter: { path: "/ok/l2", label: "lg" } }));
  await x.step("logs fromDate future", () => c.logs({ filter: { label: "lg", fromDate: Date.now() + 3_600_000 } }));
  await x.step("logs toDate as Date", () => c.logs({ filter: { label: "lg", toDate: new Date(Date.now() - 3_600_000) } }));
  // Pagination: 3 messages x (CREATED, ACTIVE, DELIVERED) = 9 events, 4 per page.
  let cursor;
  let pages = 0;
  do {
    const page = await x.step(`page ${pages}`, () => c.logs({ count: 4, cursor, filter: { label: "lg" } }));
    cursor = page?.cursor;
    pages++;
  } while (cursor && pages < 10);
  await x.step("events alias", () => c.events({ filter: { label: "lg", state: "DELIVERED" } }));
  await x.step("events no arg", async () => {
    const r = await c.events();
    return { keys: Object.keys(r).sort(), isArray: Array.isArray(r.logs), same: r.logs === r.events };
  });
  await x.step("logs no arg", async () => {
    const r = await c.logs();
    return { keys: Object.keys(r).sort(), same: r.logs === r.events, n: r.logs.length > 0 };
  });
  await x.step("logs empty messageIds", () => c.logs({ messageIds: [] }));
  await x.step("logs empty label array", () => c.logs({ filter: { label: [] } }));
  await x.step("logs bad state", () => c.logs({ filter: { state: "NOPE" } }));
  await x.step("logs unknown filter", () => c.logs({ filter: { labell: "x" } }));
  await x.step("logs bad cursor", () => c.logs({ cursor: "not-a-cursor", filter: { label: "lg" } }));
});

// ------------------------------------------------------------------------------------------------
// DLQ

scenario("dlq: listMessages/filters/delete/deleteMany/retry", async (c, x) => {
  const fails = [];
  // One at a time, each in the DLQ before the next: the DLQ order is then deterministic.
  for (let i = 0; i < 4; i++) {
    fails.push(await x.step(`publish failing ${i}`, () => c.publish({ url: x.sink(`/fail/d${i}`), body: `f${i}`, retries: 0, label: "dl", headers: { "X-D": `${i}` } })));
    await x.waitDlq("dl", i + 1);
  }
  await x.step("non-retryable", () => c.publishJSON({ url: x.sink("/nonretry/n"), body: { n: 1 }, retries: 3, label: "dl" }));
  await x.waitDlq("dl", 5);
  await x.waitSettled("dl");
  const all = await x.step("list by label", () => c.dlq.listMessages({ filter: { label: "dl" } }));
  const byUrl = (a, b) => (a.url < b.url ? -1 : a.url > b.url ? 1 : 0);
  const sorted = [...all.messages].sort(byUrl);
  x.note("sorted list", sorted);
  await x.step("list count=2 page", async () => {
    const p = await c.dlq.listMessages({ count: 2, filter: { label: "dl" } });
    return { n: p.messages.length, hasCursor: typeof p.cursor, keys: Object.keys(p).sort() };
  });
  await x.step("list url", () => c.dlq.listMessages({ filter: { url: x.sink("/fail/d1") } }));
  await x.step("list responseStatus 489", () => c.dlq.listMessages({ filter: { responseStatus: 489 } }));
  await x.step("list messageId", () => c.dlq.listMessages({ filter: { messageId: fails[2].messageId } }));
  await x.step("list by dlqIds", async () => {
    const r = await c.dlq.listMessages({ dlqIds: [sorted[0].dlqId, sorted[1].dlqId] });
    return { ...r, messages: r.messages.sort(byUrl) };
  });
  await x.step("list by dlqIds string", () => c.dlq.listMessages({ dlqIds: sorted[2].dlqId }));
  await x.step("list no filter", async () => {
    const r = await c.dlq.listMessages();
    return { keys: Object.keys(r).sort(), n: r.messages.length };
  });
  await x.step("delete one", () => c.dlq.delete(sorted[0].dlqId));
  await x.step("delete one again", () => c.dlq.delete(sorted[0].dlqId));
  await x.step("delete []", () => c.dlq.delete([]));
  await x.step("delete {dlqIds: []}", () => c.dlq.delete({ dlqIds: [] }));
  await x.step("delete ids", () => c.dlq.delete([sorted[1].dlqId, "1-0"]));
  await x.step("deleteMany (deprecated)", () => c.dlq.deleteMany({ dlqIds: [sorted[2].dlqId] }));
  await x.step("retry []", () => c.dlq.retry([]));
  const retried = await x.step("retry one (string)", () => c.dlq.retry(sorted[3].dlqId));
  // Not by label: the message retried just above may already be back in the DLQ.
  await x.step("retry filter", () => c.dlq.retry({ filter: { url: x.sink("/nonretry/n") } }));
  // Both retried messages fail again (retries 0; 489 non-retryable) and come back to the DLQ.
  await x.waitDlq("dl", 2);
  await x.waitSettled("dl");
  await x.step("retried message log", async () => (await c.logs({ filter: { messageId: retried.responses[0].messageId } })).logs.map((l) => l.state));
  await x.step("list after retries", async () => {
    const r = await c.dlq.listMessages({ filter: { label: "dl" } });
    return { ...r, messages: r.messages.sort(byUrl) };
  });
  await x.step("delete filter", () => c.dlq.delete({ filter: { label: "dl" } }));
  await x.step("retry all none left", () => c.dlq.retry({ all: true }));
  await x.step("delete all none left", () => c.dlq.delete({ all: true, count: 10 }));
  await x.step("delete all (cleanup)", () => c.dlq.delete({ all: true }));
  await x.step("delete empty id", () => c.dlq.delete(""));
  await x.step("delete unknown", () => c.dlq.delete("1-1"));
  await x.step("retry unknown ids", () => c.dlq.retry(["1-1"]));
  await x.step("list empty dlqIds", () => c.dlq.listMessages({ dlqIds: [] }));
  await x.step("list bad filter host", () => c.dlq.listMessages({ filter: { host: "x" } }));
}, { timeout: 90_000 });

// ------------------------------------------------------------------------------------------------
// schedules

scenario("schedules: create/get/list/pause/resume/update/delete", async (c, x) => {
  const s = c.schedules;
  const a = await x.step("create", () =>
    s.create({
      destination: x.sink("/ok/s1"),
      cron: "0 0 1 1 *",
      body: "tick",
      headers: { "X-S": "1" },
      method: "PUT",
      delay: 30,
      retries: 1,
      retryDelay: "500",
      callback: x.sink("/ok/scb"),
      failureCallback: x.sink("/ok/sfcb"),
      timeout: "20s",
      label: ["s1", "s2"],
      flowControl: { key: "sfc", rate: 5, period: 60 },
    }),
  );
  await x.step("get", () => s.get(a.scheduleId));
  const b = await x.step("create minimal", () => s.create({ destination: x.sink("/ok/s2"), cron: "CRON_TZ=Europe/Paris 30 4 * * *" }));
  await x.step("create with id", () => s.create({ destination: x.sink("/ok/s3"), cron: "*/10 * * * * ", scheduleId: "my-schedule", queueName: "sq", body: "{\"a\":1}" }));
  await x.step("get with id", () => s.get("my-schedule"));
  await x.step("update by id", () => s.create({ destination: x.sink("/ok/s3b"), cron: "0 * * * *", scheduleId: "my-schedule" }));
  await x.step("get updated", () => s.get("my-schedule"));
  await x.step("list", async () => (await s.list()).sort((p, q) => (p.destination < q.destination ? -1 : 1)));
  await x.step("pause", () => s.pause({ schedule: a.scheduleId }));
  await x.step("get paused", () => s.get(a.scheduleId));
  await x.step("resume", () => s.resume({ schedule: a.scheduleId }));
  await x.step("get resumed", () => s.get(a.scheduleId));
  await x.step("delete", () => s.delete(a.scheduleId));
  await x.step("delete b", () => s.delete(b.scheduleId));
  await x.step("delete id", () => s.delete("my-schedule"));
  await x.step("get deleted", () => s.get(a.scheduleId));
  await x.step("list empty", () => s.list());
  await x.step("get empty id", () => s.get(""));
  await x.step("delete empty id", () => s.delete(""));
  await x.step("pause unknown", () => s.pause({ schedule: "scd_nope" }));
  await x.step("resume unknown", () => s.resume({ schedule: "scd_nope" }));
  await x.step("create bad cron", () => s.create({ destination: x.sink("/ok/sx"), cron: "not a cron" }));
  await x.step("create bad flowControl", () => s.create({ destination: x.sink("/ok/sx"), cron: "* * * * *", flowControl: { key: "k" } }));
  await x.step("create bad destination", () => s.create({ destination: "ftp://x", cron: "* * * * *" }));
  await x.step("create to unknown group", () => s.create({ destination: "no-group", cron: "* * * * *" }));
});

// ------------------------------------------------------------------------------------------------
// flow control

scenario("flowControl: get/pause/resume/pin/unpin/resetRate/globalParallelism", async (c, x) => {
  const f = c.flowControl;
  const r = await x.step("publish with flow control", () => c.publish({ url: x.sink("/ok/fc"), body: "f", flowControl: { key: "fck", parallelism: 3, rate: 20, period: "1m" }, label: "fc" }));
  await x.waitState(r.messageId, "DELIVERED");
  await x.waitSettled("fc");
  await x.step("get", () => f.get("fck"));
  await x.step("pause", () => f.pause("fck"));
  await x.step("get paused", () => f.get("fck"));
  await x.step("resume", () => f.resume("fck"));
  await x.step("pin", () => f.pin("fck", { parallelism: 7, rate: 9, period: 120 }));
  await x.step("get pinned", () => f.get("fck"));
  await x.step("unpin", () => f.unpin("fck", { parallelism: true, rate: false }));
  await x.step("get unpinned", () => f.get("fck"));
  await x.step("resetRate", () => f.resetRate("fck"));
  await x.step("get after reset", () => f.get("fck"));
  await x.step("globalParallelism", () => f.getGlobalParallelism());
  await x.step("get empty", () => f.get(""));
  await x.step("get unknown", () => f.get("no-such-key"));
  await x.step("pause unknown", () => f.pause("no-such-key"));
  await x.step("pin bad", () => f.pin("fck", { parallelism: -1 }));
  await x.step("ratePerSecond (deprecated)", async () => {
    const m = await c.publish({ url: x.sink("/ok/fc2"), body: "r", delay: "1h", flowControl: { key: "fck2", ratePerSecond: 4 } });
    const got = await c.messages.get(m.messageId);
    await c.messages.cancel(m.messageId);
    return got;
  });
  await x.step("parallelism 0 only", () => c.publish({ url: x.sink("/ok/fc3"), body: "r", delay: "1h", flowControl: { key: "fck3", parallelism: 0 } }));
  await x.step("flowControl without key", async () => {
    const m = await c.publish({ url: x.sink("/ok/fc4"), delay: "1h", flowControl: { parallelism: 1 } });
    const got = await c.messages.get(m.messageId);
    await c.messages.cancel(m.messageId);
    return got;
  });
  await x.step("period only", async () => {
    const m = await c.publish({ url: x.sink("/ok/fc5"), delay: "1h", flowControl: { key: "fck5", period: 10 } });
    const got = await c.messages.get(m.messageId);
    await c.messages.cancel(m.messageId);
    return got;
  });
});

// ------------------------------------------------------------------------------------------------
// client-side validation and server errors

scenario("publish: invalid options rejected client-side", async (c, x) => {
  await x.step("no destination", () => c.publish({ body: "x" }));
  await x.step("no destination, all options", () => c.publish({ body: "x", delay: 5, retries: 2, headers: { "X-A": "1" }, label: ["a"], flowControl: { key: "k", rate: 1 } }));
  await x.step("publishJSON no destination", () => c.publishJSON({ body: { a: 1 }, headers: { a: "b" } }));
  await x.step("batch no destination", () => c.batch([{ body: "x" }]));
  await x.step("batchJSON no destination", () => c.batchJSON([{ body: { z: 1 } }]));
  await x.step("enqueue no destination", () => c.queue({ queueName: "vq" }).enqueue({ body: "x" }));
  await x.step("flowControl no values", () => c.publish({ url: x.sink("/ok/v"), flowControl: { key: "k" } }));
  await x.step("flowControl zero rate", () => c.publish({ url: x.sink("/ok/v"), flowControl: { key: "k", rate: 0 } }));
  await x.step("flowControl in batch", () => c.batch([{ url: x.sink("/ok/v"), flowControl: { key: "k" } }]));
  await x.step("both url and urlGroup: url wins", async () => {
    const r = await c.publish({ url: x.sink("/ok/both"), urlGroup: "whatever", body: "b", delay: "1h" });
    const m = await c.messages.get(r.messageId);
    await c.messages.cancel(r.messageId);
    return m;
  });
  await x.step("llm api without callback", () => c.publishJSON({ api: { name: "llm", provider: libs[x.side].openai({ token: "sk" }) }, body: {} }));
  await x.step("api provider mismatch", () => c.publishJSON({ api: { name: "email", provider: libs[x.side].openai({ token: "sk" }) }, body: {} }));
  await x.step("email api empty token", () => c.publishJSON({ api: { name: "email", provider: libs[x.side].resend({ token: "" }) }, body: {} }));
  await x.step("llm custom empty baseUrl", () => c.publishJSON({ api: { name: "llm", provider: libs[x.side].custom({ baseUrl: "", token: "t" }) }, callback: "https://cb.example", body: {} }));
  await x.step("unknown analytics", () => c.publishJSON({ api: { name: "llm", provider: libs[x.side].openai({ token: "sk" }), analytics: { name: "nope", token: "t" } }, callback: x.sink("/ok/cb"), body: {} }));
});

scenario("server errors: 400 from the server", async (c, x) => {
  await x.step("bad scheme", () => c.publish({ url: "ftp://example.com/x", body: "x" }));
  await x.step("bad delay", () => c.publish({ url: x.sink("/ok/e"), body: "x", delay: "soon" }));
  await x.step("bad retries", () => c.publish({ url: x.sink("/ok/e"), body: "x", retries: -1 }));
  await x.step("bad timeout", () => c.publish({ url: x.sink("/ok/e"), body: "x", timeout: "x1" }));
  await x.step("bad retryDelay", () => c.publish({ url: x.sink("/ok/e"), body: "x", retryDelay: "pow(" }));
  await x.step("bad flow period", () => c.publish({ url: x.sink("/ok/e"), body: "x", flowControl: { key: "k", period: "eternity" } }));
  await x.step("bad callback", () => c.publish({ url: x.sink("/ok/e"), body: "x", callback: "not-a-url" }));
  await x.step("bad method", () => c.publish({ url: x.sink("/ok/e"), body: "x", method: "BREW" }));
  await x.step("enqueue bad queue name", () => c.queue({ queueName: "bad name!" }).enqueue({ url: x.sink("/ok/e"), body: "x" }));
  await x.step("url group bad name", () => c.urlGroups.addEndpoints({ name: "bad name!", endpoints: [{ url: x.sink("/ok/e") }] }));
  await x.step("url group bad endpoint", () => c.urlGroups.addEndpoints({ name: "g-bad", endpoints: [{ url: "nope" }] }));
  await x.step("url group no endpoints", () => c.urlGroups.addEndpoints({ name: "g-empty", endpoints: [] }));
  await x.step("remove from unknown group", () => c.urlGroups.removeEndpoints({ name: "g-unknown", endpoints: [{ url: x.sink("/ok/e") }] }));
});

scenario("server errors: 401 and 404", async (c, x) => {
  const bad = x.newClient({ token: "not-a-token" });
  await x.step("401 publish", () => bad.publish({ url: x.sink("/ok/a"), body: "x" }));
  await x.step("401 messages.get", () => bad.messages.get("m"));
  await x.step("401 logs", () => bad.logs());
  await x.step("401 void endpoint", () => bad.queue({ queueName: "q" }).delete());
  await x.step("401 dlq.delete single", () => bad.dlq.delete("1-0"));
  await x.step("401 batch", () => bad.batch([{ url: x.sink("/ok/a") }]));
  const empty = x.newClient({ token: "" });
  await x.step("empty token", () => empty.messages.get("m"));
  await x.step("404 url group", () => c.urlGroups.get("nope-group"));
  await x.step("404 url group delete", () => c.urlGroups.delete("nope-group"));
  await x.step("404 schedule", () => c.schedules.get("scd_nope"));
  await x.step("404 schedule delete", () => c.schedules.delete("scd_nope"));
  await x.step("empty url group name", () => c.urlGroups.get(""));
  await x.step("empty url group delete", () => c.urlGroups.delete(""));
  const unknownPath = x.newClient({ baseUrl: `${x.sink("")}` });
  await x.step("non-JSON 200 body", () => unknownPath.messages.get("m"));
});

// ------------------------------------------------------------------------------------------------
// the deprecated surface and the shape of the client objects

scenario("client surface: getters, methods and their results", async (c, x) => {
  const names = (o) => {
    const out = new Set();
    for (let p = o; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
      for (const k of Object.getOwnPropertyNames(p)) if (k !== "constructor" && !k.startsWith("__")) out.add(k);
    }
    return [...out].filter((k) => typeof o[k] === "function").sort();
  };
  // Extensions (keys, dlq.get, dlq.retryOne, flowControl.list) are ours only: compare the
  // official method set as a subset.
  x.note("messages methods", names(c.messages).filter((k) => ["get", "cancel", "delete", "deleteMany", "deleteAll"].includes(k)));
  x.note("dlq methods", names(c.dlq).filter((k) => ["listMessages", "delete", "deleteMany", "retry"].includes(k)));
  x.note("queue methods", names(c.queue({ queueName: "x" })).filter((k) => ["upsert", "get", "list", "delete", "enqueue", "enqueueJSON", "pause", "resume"].includes(k)));
  x.note("schedules methods", names(c.schedules).filter((k) => ["create", "get", "list", "delete", "pause", "resume"].includes(k)));
  x.note("urlGroups methods", names(c.urlGroups).filter((k) => ["addEndpoints", "removeEndpoints", "list", "get", "delete"].includes(k)));
  x.note("flowControl methods", names(c.flowControl).filter((k) => ["get", "getGlobalParallelism", "pause", "resume", "pin", "unpin", "resetRate"].includes(k)));
  x.note("client methods", names(c).filter((k) => ["publish", "publishJSON", "batch", "batchJSON", "logs", "events", "queue"].includes(k)));
  x.note("getters are fresh", c.messages !== c.messages && c.dlq !== c.dlq);
  x.note("methods return promises, not throwing synchronously", (() => {
    const out = {};
    for (const [k, f] of Object.entries({
      get: () => c.messages.get(""),
      publish: () => c.publish({}),
      queue: () => c.queue().get(),
      fc: () => c.publish({ url: x.sink("/ok/v"), flowControl: { key: "k" } }),
    })) {
      try {
        const p = f();
        out[k] = p instanceof Promise;
        p.catch(() => {});
      } catch {
        out[k] = "threw synchronously";
      }
    }
    return out;
  })());
});

// ------------------------------------------------------------------------------------------------
// headers, bodies, global headers, redaction, enqueue options

scenario("publish: header forms, global headers, redaction, body kinds", async (c, x) => {
  const h = new Headers({ "X-One": "1" });
  h.append("X-Multi", "a");
  h.append("X-Multi", "b");
  const show = async (p) => {
    const r = await p;
    const m = await c.messages.get(r.messageId);
    await c.messages.cancel(r.messageId);
    return m;
  };
  await x.step("Headers instance", () => show(c.publish({ url: x.sink("/ok/h1"), body: "h", headers: h, delay: "1h" })));
  await x.step("array of pairs", () => show(c.publish({ url: x.sink("/ok/h2"), body: "h", headers: [["X-Pair", "p"], ["content-type", "text/csv"]], delay: "1h" })));
  await x.step("upstash-* headers pass raw", () => show(c.publish({ url: x.sink("/ok/h3"), body: "h", headers: { "Upstash-Retries": "1", "Upstash-Callback-Retries": "2" }, delay: "1h" })));
  const g = x.newClient({ headers: { "X-Global": "g", "X-Both": "global", "Upstash-Retries": "2" } });
  await x.step("global headers", () => show(g.publish({ url: x.sink("/ok/h4"), body: "h", headers: { "X-Both": "request" }, delay: "1h" })));
  await x.step("global headers, publishJSON", () => show(g.publishJSON({ url: x.sink("/ok/h5"), body: { g: 1 }, retries: 0, delay: "1h" })));
  await x.step("global headers, batch", async () => {
    const r = await g.batch([{ url: x.sink("/ok/h6"), body: "b", delay: "1h" }]);
    return show(Promise.resolve(r[0]));
  });
  await x.step("global headers, schedule", async () => {
    const r = await g.schedules.create({ destination: x.sink("/ok/h7"), cron: "0 0 1 1 *", body: "s" });
    const s = await g.schedules.get(r.scheduleId);
    await g.schedules.delete(r.scheduleId);
    return s;
  });
  await x.step("redact body + header", () => show(c.publish({ url: x.sink("/ok/r1"), body: "secret", headers: { Authorization: "Bearer s3cret", "X-Keep": "k" }, redact: { body: true, header: ["Authorization"] }, delay: "1h" })));
  await x.step("redact all headers", () => show(c.publish({ url: x.sink("/ok/r2"), body: "b", headers: { "X-Secret": "x" }, redact: { header: true }, delay: "1h" })));
  await x.step("redact nothing", () => show(c.publish({ url: x.sink("/ok/r3"), body: "b", redact: { header: [] }, delay: "1h" })));
  await x.step("label string", () => show(c.publish({ url: x.sink("/ok/l"), body: "b", label: "only", delay: "1h" })));
  await x.step("Blob body", () => show(c.publish({ url: x.sink("/ok/blob"), body: new Blob(["blob-body"], { type: "text/x-blob" }), delay: "1h" })));
  await x.step("ArrayBuffer body", () => show(c.publish({ url: x.sink("/ok/ab"), body: new TextEncoder().encode("ab").buffer, delay: "1h" })));
  await x.step("publishJSON string body", () => show(c.publishJSON({ url: x.sink("/ok/js"), body: "just a string", delay: "1h" })));
  await x.step("publishJSON no body", () => show(c.publishJSON({ url: x.sink("/ok/jn"), delay: "1h" })));
  await x.step("delay number rounding", () => show(c.publish({ url: x.sink("/ok/dr"), body: "b", delay: 59.6, timeout: 1.5 })));
  await x.step("method GET with body", () => show(c.publish({ url: x.sink("/ok/get"), body: "b", method: "GET", delay: "1h" })));
  await x.step("url with query and fragment", () => show(c.publish({ url: `${x.sink("/ok/q")}?a=1&b=%20`, body: "b", delay: "1h" })));
});

scenario("enqueue: every publish option through a queue", async (c, x) => {
  const q = c.queue({ queueName: "eq-1" });
  await q.upsert({ paused: true });
  const r = await x.step("enqueue with options", () =>
    q.enqueue({
      url: x.sink("/ok/e1"),
      body: "e",
      delay: "2h",
      retries: 1,
      retryDelay: "100",
      callback: x.sink("/ok/ecb"),
      timeout: "5s",
      label: ["e1", "e2"],
      flowControl: { key: "efc", rate: 3 },
      deduplicationId: "edd",
      headers: { "X-E": "1" },
      method: "PATCH",
    }),
  );
  await x.step("dedup", () => q.enqueue({ url: x.sink("/ok/e1"), body: "e", deduplicationId: "edd" }));
  await x.step("get", () => c.messages.get(r.messageId));
  const n = Math.floor(Date.now() / 1000) + 7200;
  const j = await x.step("enqueueJSON notBefore", () => q.enqueueJSON({ url: x.sink("/ok/e2"), body: [1, "two"], notBefore: n, contentBasedDeduplication: true }));
  await x.step("get json", () => c.messages.get(j.messageId));
  await x.step("queue lag", () => q.get());
  await x.step("cancel by queue", () => c.messages.cancel({ filter: { queueName: "eq-1" } }));
  await x.step("delete", () => q.delete());
});

scenario("filters: renames, dates, cursors, counts", async (c, x) => {
  await c.urlGroups.addEndpoints({ name: "fgrp", endpoints: [{ name: "a", url: x.sink("/ok/fa") }] });
  const r = await x.step("publish to group", () => c.publish({ urlGroup: "fgrp", body: "f", label: "flt" }));
  await x.waitState(r[0].messageId, "DELIVERED");
  await x.waitSettled("flt");
  await x.step("logs urlGroup filter", () => c.logs({ filter: { urlGroup: "fgrp" } }));
  await x.step("logs topicName (deprecated) filter", () => c.logs({ filter: { topicName: "fgrp", state: "DELIVERED" } }));
  await x.step("logs api dropped", () => c.logs({ filter: { label: "flt", api: "llm", state: "CREATED" } }));
  await x.step("logs count in filter wins", async () => (await c.logs({ count: 1, filter: { label: "flt", count: 2 } })).logs.length);
  await x.step("logs messageIds with count", async () => (await c.logs({ messageIds: [r[0].messageId], count: 1 })).logs.length);
  await x.step("logs numeric cursor", async () => {
    const p = await c.logs({ count: 1, filter: { label: "flt" } });
    const n = await c.logs({ count: 1, cursor: Number(p.cursor), filter: { label: "flt" } });
    return { firstType: typeof p.cursor, n: n.logs.length, state: n.logs[0]?.state };
  });
  await x.step("logs dates", () => c.logs({ filter: { label: "flt", fromDate: new Date(0), toDate: Date.now() + 60_000, state: "DELIVERED" } }));
  await x.step("logs host", () => c.logs({ filter: { host: "127.0.0.1", label: "flt", state: "DELIVERED" } }));
  await x.step("logs callerIp", () => c.logs({ filter: { callerIp: "127.0.0.1", label: "flt", state: "DELIVERED" } }));
  const p = await x.step("pending", () => c.publish({ urlGroup: "fgrp", body: "p", delay: "1h", label: "flt2" }));
  await x.step("cancel urlGroup + dates", () => c.messages.cancel({ filter: { urlGroup: "fgrp", fromDate: new Date(0), toDate: Date.now() + 60_000 } }));
  await x.step("cancel no match", () => c.messages.cancel({ filter: { label: "nothing-here" } }));
  await x.step("get cancelled", () => c.messages.get(p[0].messageId));
  const f = await x.step("failing in group", async () => {
    await c.urlGroups.addEndpoints({ name: "fgrp2", endpoints: [{ name: "bad", url: x.sink("/fail/fg") }] });
    return c.publish({ urlGroup: "fgrp2", body: "x", retries: 0, label: "flt3" });
  });
  await x.waitDlq("flt3", 1);
  await x.step("dlq urlGroup filter", () => c.dlq.listMessages({ filter: { urlGroup: "fgrp2", api: "ignored" } }));
  await x.step("dlq dates + cursor", () => c.dlq.listMessages({ cursor: undefined, filter: { label: "flt3", fromDate: new Date(0), toDate: new Date(Date.now() + 60_000) } }));
  await x.step("dlq messageId", () => c.dlq.listMessages({ filter: { messageId: f[0].messageId } }));
  await x.step("dlq retry by urlGroup", () => c.dlq.retry({ filter: { urlGroup: "fgrp2" }, count: 5 }));
  await x.waitDlq("flt3", 1);
  await x.waitSettled("flt3");
  await x.step("dlq delete by urlGroup", () => c.dlq.delete({ filter: { urlGroup: "fgrp2" } }));
  await c.urlGroups.delete("fgrp");
  await c.urlGroups.delete("fgrp2");
});

// ------------------------------------------------------------------------------------------------
// responses qstash-dev never gives: a fake API (the sink's /status/<variant> prefix)

scenario("fake API: rate limits, error bodies, odd 2xx bodies", async (c, x) => {
  const at = (v) => x.newClient({ baseUrl: x.sink(`/status/${v}`) });
  for (const v of ["429-burst", "429-daily", "429-chat", "429-bare", "500-html", "503-empty", "405-text"]) {
    await x.step(`${v} publish`, () => at(v).publish({ url: "https://example.com", body: "x" }));
    await x.step(`${v} void`, () => at(v).queue({ queueName: "q" }).pause());
  }
  await x.step("204 json endpoint", () => at("204").messages.get("m"));
  await x.step("204 void endpoint", () => at("204").schedules.delete("s"));
  await x.step("200 empty json endpoint", () => at("200-empty").queue({ queueName: "q" }).get());
  await x.step("200 null get", () => at("200-null").queue({ queueName: "q" }).get());
  await x.step("200 object publish", () => at("200-object").publish({ url: "https://example.com", body: "x" }));
  await x.step("200 object batch (wrapped)", () => at("200-object").batch([{ url: "https://example.com", body: "x" }]));
  await x.step("200 array batch", () => at("200-array").batch([{ url: "https://example.com" }]));
  await x.step("200 object message get", () => at("200-object").messages.get("m"));
  await x.step("events", () => at("200-events").logs());
  await x.step("dlq list rate 0", () => at("200-dlq").dlq.listMessages());
  await x.step("dlq retry cursor ''", () => at("200-retry").dlq.retry(["d"]));
  await x.step("dlq retry cursor kept", () => at("201-retry-cursor").dlq.retry({ all: true }));
  await x.step("globalParallelism defaults", () => at("200-gp").flowControl.getGlobalParallelism());
  await x.step("flowControl.get passes through", () => at("200-object").flowControl.get("k"));
  await x.step("queue list passes through", () => at("200-array").queue().list());
  await x.step("urlGroups list passes through", () => at("200-array").urlGroups.list());
});

// ------------------------------------------------------------------------------------------------
// the `api` option: LLM providers and email, through publishJSON / batchJSON / enqueueJSON

scenario("api providers: publishJSON, batchJSON, enqueueJSON", async (c, x) => {
  const L = libs[x.side];
  const show = async (p) => {
    const r = await p;
    const one = Array.isArray(r) ? r[0] : r;
    const m = await c.messages.get(one.messageId);
    await c.messages.cancel(one.messageId);
    return { r, m };
  };
  await x.step("openai", () => show(c.publishJSON({ api: { name: "llm", provider: L.openai({ token: "sk-1", organization: "org" }) }, body: { model: "m" }, callback: x.sink("/ok/cb"), delay: "1h" })));
  await x.step("anthropic + helicone", () => show(c.publishJSON({ api: { name: "llm", provider: L.anthropic({ token: "ak" }), analytics: { name: "helicone", token: "hk" } }, body: {}, callback: x.sink("/ok/cb"), delay: "1h" })));
  await x.step("custom", () => show(c.publishJSON({ api: { name: "llm", provider: L.custom({ baseUrl: "https://llm.example/v1/chat/completions", token: "ct" }) }, body: {}, callback: x.sink("/ok/cb"), method: "PUT", delay: "1h" })));
  await x.step("upstash llm (api/llm)", () => c.publishJSON({ api: { name: "llm" }, body: {}, callback: x.sink("/ok/cb"), delay: "1h" }));
  await x.step("resend", () => show(c.publishJSON({ api: { name: "email", provider: L.resend({ token: "re" }) }, body: { to: "a@b" }, delay: "1h", headers: { "X-H": "1" } })));
  await x.step("resend via publish (raw)", () => show(c.publish({ api: { name: "email", provider: L.resend({ token: "re", batch: true }) }, body: "{}", delay: "1h" })));
  await x.step("batchJSON with api", async () => {
    const r = await c.batchJSON([{ api: { name: "email", provider: L.resend({ token: "re", batch: true }) }, body: [{ to: "x" }], delay: "1h" }, { url: x.sink("/ok/plain"), body: 1, delay: "1h" }]);
    const ms = [];
    for (const i of r) {
      ms.push(await c.messages.get(i.messageId));
      await c.messages.cancel(i.messageId);
    }
    return { r, ms };
  });
  await x.step("enqueueJSON with api", async () => {
    await c.queue({ queueName: "apiq" }).upsert({ paused: true });
    const r = await show(c.queue({ queueName: "apiq" }).enqueueJSON({ api: { name: "llm", provider: L.openai({ token: "sk" }) }, body: { m: 1 }, callback: x.sink("/ok/cb") }));
    await c.queue({ queueName: "apiq" }).delete();
    return r;
  });
  x.note("provider objects", [L.openai({ token: "t" }), L.anthropic({ token: "t" }), L.custom({ baseUrl: "https://x/v1", token: "t" }), L.upstash(), L.resend({ token: "t" })].map((p) => ({ baseUrl: p.baseUrl, token: p.token, owner: p.owner, apiKind: p.apiKind, method: p.method, url: p.getUrl?.() })));
});

// ------------------------------------------------------------------------------------------------
// misuse: wrong argument types. Plain-JS callers do this; the official throws engine TypeErrors
// (or sends odd requests) and ours must do the same thing.

scenario("misuse: missing and wrongly typed arguments", async (c, x) => {
  const calls = {
    "publish()": () => c.publish(),
    "publish(null)": () => c.publish(null),
    "publishJSON()": () => c.publishJSON(),
    "batch()": () => c.batch(),
    "batch({})": () => c.batch({}),
    "batch([null])": () => c.batch([null]),
    "batchJSON()": () => c.batchJSON(),
    "batchJSON('x')": () => c.batchJSON("x"),
    "logs(null)": () => c.logs(null),
    "events(undefined)": async () => Object.keys(await c.events(undefined)).sort(),
    "messages.get(123)": () => c.messages.get(123),
    "messages.cancel()": () => c.messages.cancel(),
    "messages.cancel(null)": () => c.messages.cancel(null),
    "messages.cancel({})": () => c.messages.cancel({}),
    "messages.cancel({filter: {}})": () => c.messages.cancel({ filter: {} }),
    "messages.deleteMany()": () => c.messages.deleteMany(),
    "dlq.delete()": () => c.dlq.delete(),
    "dlq.delete({})": () => c.dlq.delete({}),
    "dlq.retry()": () => c.dlq.retry(),
    "dlq.retry({})": () => c.dlq.retry({}),
    "dlq.listMessages(null)": () => c.dlq.listMessages(null),
    "dlq.listMessages({dlqIds: undefined})": () => c.dlq.listMessages({ dlqIds: undefined }),
    "schedules.create()": () => c.schedules.create(),
    "schedules.create({})": () => c.schedules.create({}),
    "schedules.pause()": () => c.schedules.pause(),
    "schedules.resume({})": () => c.schedules.resume({}),
    "schedules.get()": () => c.schedules.get(),
    "urlGroups.addEndpoints()": () => c.urlGroups.addEndpoints(),
    "urlGroups.addEndpoints({name: 'g'})": () => c.urlGroups.addEndpoints({ name: "g-none" }),
    "urlGroups.removeEndpoints({})": () => c.urlGroups.removeEndpoints({}),
    "urlGroups.get(undefined)": () => c.urlGroups.get(undefined),
    "queue(null).list()": async () => Array.isArray(await c.queue(null).list()),
    "queue upsert()": () => c.queue({ queueName: "mq" }).upsert(),
    "queue enqueue()": () => c.queue({ queueName: "mq" }).enqueue(),
    "flowControl.get()": () => c.flowControl.get(),
    "flowControl.pin('k')": () => c.flowControl.pin("k"),
    "flowControl.unpin('k')": () => c.flowControl.unpin("k"),
    "flowControl.pause()": () => c.flowControl.pause(),
    "flowControl.resetRate('')": () => c.flowControl.resetRate(""),
    "publish retries as string": () => c.publish({ url: x.sink("/ok/t"), retries: "3" }),
    "publish notBefore as string": () => c.publish({ url: x.sink("/ok/t"), notBefore: "123" }),
    "publish delay as null": () => c.publish({ url: x.sink("/ok/t"), delay: null }),
    "publish timeout as null": () => c.publish({ url: x.sink("/ok/t"), timeout: null, delay: "1h" }).then((r) => c.messages.cancel(r.messageId)),
    "publish label as number": () => c.publish({ url: x.sink("/ok/t"), label: 7, delay: "1h" }).then(async (r) => [await c.messages.get(r.messageId), await c.messages.cancel(r.messageId)]),
    "publish headers as string": () => c.publish({ url: x.sink("/ok/t"), headers: "nope" }),
    "publish redact header string": () => c.publish({ url: x.sink("/ok/t"), redact: { header: "Authorization" }, delay: "1h" }).then(async (r) => [await c.messages.get(r.messageId), await c.messages.cancel(r.messageId)]),
    "publish url empty string": () => c.publish({ url: "", body: "x" }),
    "publish url number": () => c.publish({ url: 5, body: "x" }),
    "schedules.create retries as string": () => c.schedules.create({ destination: x.sink("/ok/t"), cron: "* * * * *", retries: "2" }),
    "queue upsert parallelism string": () => c.queue({ queueName: "mq2" }).upsert({ parallelism: "2" }).then(() => c.queue({ queueName: "mq2" }).get()).finally(() => c.queue({ queueName: "mq2" }).delete()),
  };
  for (const [name, fn] of Object.entries(calls)) await x.step(`misuse: ${name}`, fn);
});

// ------------------------------------------------------------------------------------------------
// Deliberate differences (tests/parity/README.md): pinned, so a change on either side is noticed.

test("deliberate difference: a ReadableStream body is sent (the official's fetch call refuses it)", async () => {
  const results = {};
  for (const side of ["official", "ours"]) {
    const x = context(side);
    const stream = new ReadableStream({
      start(ctl) {
        ctl.enqueue(new TextEncoder().encode("streamed"));
        ctl.close();
      },
    });
    const r = await x.step("publish stream", () => x.client.publish({ url: x.sink("/ok/stream"), body: stream, delay: "1h" }));
    if (r) {
      await x.step("get", () => x.client.messages.get(r.messageId));
      await x.client.messages.cancel(r.messageId);
    }
    results[side] = normalise(x.steps);
  }
  assert.equal(results.official[0][1].threw?.class, "TypeError");
  assert.match(results.official[0][1].threw.message, /duplex/);
  assert.equal(results.ours[1][1].value.body, "streamed");
});

test("deliberate difference: publishJSON/enqueueJSON leave the caller's request object alone", async () => {
  const after = {};
  for (const side of ["official", "ours"]) {
    const x = context(side);
    const req = { url: x.sink("/ok/mut"), body: { a: 1 }, headers: { "X-A": "1" }, delay: "1h" };
    const r = await x.client.publishJSON(req);
    await x.client.messages.cancel(r.messageId);
    after[side] = { headersIsHeaders: req.headers instanceof Headers, body: req.body };
  }
  assert.deepEqual(after.official, { headersIsHeaders: true, body: { a: 1 } });
  assert.deepEqual(after.ours, { headersIsHeaders: false, body: { a: 1 } });
});
