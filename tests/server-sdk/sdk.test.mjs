// The OFFICIAL @upstash/qstash SDK (unchanged, only `baseUrl` + the dev token) against our
// qstash-dev server: every resource the SDK wraps, and its Receiver verifying our deliveries.
//
// Run: node --test tests/server-sdk/   (scripts/test-server-sdk.sh does this)

import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Client, QstashDailyRatelimitError, QstashRatelimitError, Receiver } from "@upstash/qstash";
import {
  DEV_CURRENT,
  DEV_NEXT,
  DEV_TOKEN,
  buildServer,
  eventually,
  startReceiver,
  startServer,
  unique,
} from "./harness.mjs";

let server;
let recv;
let client;
const receiver = new Receiver({ currentSigningKey: DEV_CURRENT, nextSigningKey: DEV_NEXT });

/** Verifies a recorded delivery with the official Receiver (throws SignatureError if not). */
async function verified(d) {
  return receiver.verify({
    signature: d.headers["upstash-signature"],
    body: d.body,
    url: d.url,
  });
}

before(async () => {
  delete process.env.QSTASH_DEV; // the SDK must not start its own dev server
  server = await startServer(buildServer());
  recv = await startReceiver();
  client = new Client({ baseUrl: server.url, token: DEV_TOKEN });
});

after(async () => {
  await recv?.stop();
  await server?.stop();
});

describe("dev-mode health check", () => {
  test("GET /v2/keys with the dev token returns the dev keys", async () => {
    const res = await fetch(`${server.url}/v2/keys`, {
      headers: { Authorization: `Bearer ${DEV_TOKEN}` },
    });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { current: DEV_CURRENT, next: DEV_NEXT });
  });

  test("a wrong token is rejected with 401", async () => {
    const bad = new Client({ baseUrl: server.url, token: "nope" });
    await assert.rejects(bad.queue().list(), (e) => e.status === 401);
  });
});

describe("publish family", () => {
  test("publish delivers a signed request the official Receiver accepts", async () => {
    const path = `/ok/publish?x=${unique("q")}`;
    const res = await client.publish({
      url: `${recv.base}${path}`,
      body: "hello world",
      headers: { "x-custom": "abc", "content-type": "text/plain" },
      retries: 2,
    });
    assert.match(res.messageId, /^msg_/);
    assert.equal(res.url, `${recv.base}${path}`);
    const [d] = await eventually("delivery", () => recv.at(path).length && recv.at(path), 15_000);
    assert.equal(d.method, "POST");
    assert.equal(d.body, "hello world");
    assert.equal(d.headers["x-custom"], "abc");
    assert.equal(d.headers["content-type"], "text/plain");
    assert.equal(d.headers["upstash-message-id"], res.messageId);
    assert.equal(d.headers["upstash-retried"], "0");
    assert.equal(d.headers["user-agent"], "Upstash-QStash");
    assert.equal(await verified(d), true);
    // A tampered body must not verify.
    await assert.rejects(verified({ ...d, body: "hello world!" }));
  });

  test("publishJSON sends JSON with the method asked for", async () => {
    const path = `/ok/json-${unique("j")}`;
    const res = await client.publishJSON({
      url: `${recv.base}${path}`,
      body: { hello: "world", n: 1 },
      method: "PUT",
    });
    const [d] = await eventually("delivery", () => recv.at(path).length && recv.at(path), 15_000);
    assert.equal(d.method, "PUT");
    assert.equal(d.headers["content-type"], "application/json");
    assert.deepEqual(JSON.parse(d.body), { hello: "world", n: 1 });
    assert.equal(d.headers["upstash-message-id"], res.messageId);
    assert.equal(await verified(d), true);
  });

  test("deduplicated publish returns the first id", async () => {
    const path = `/ok/dedup-${unique("d")}`;
    const dedupId = unique("dd");
    const a = await client.publish({ url: `${recv.base}${path}`, body: "x", deduplicationId: dedupId });
    const b = await client.publish({ url: `${recv.base}${path}`, body: "x", deduplicationId: dedupId });
    assert.equal(b.messageId, a.messageId);
    assert.equal(b.deduplicated, true);
  });

  test("batch and batchJSON return aligned results and deliver every item", async () => {
    const p1 = `/ok/batch1-${unique("b")}`;
    const p2 = `/ok/batch2-${unique("b")}`;
    const res = await client.batch([
      { url: `${recv.base}${p1}`, body: "one" },
      { url: `${recv.base}${p2}`, body: "two", headers: { "x-n": "2" } },
    ]);
    assert.equal(res.length, 2);
    for (const r of res) assert.match(r.messageId, /^msg_/);
    const p3 = `/ok/batch3-${unique("b")}`;
    const resJson = await client.batchJSON([{ url: `${recv.base}${p3}`, body: { three: 3 } }]);
    assert.ok(Array.isArray(resJson));
    assert.equal(resJson.length, 1);
    await eventually("batch deliveries", () => recv.at(p1).length && recv.at(p2).length && recv.at(p3).length, 15_000);
    assert.equal(recv.at(p1)[0].body, "one");
    assert.equal(recv.at(p2)[0].headers["x-n"], "2");
    assert.deepEqual(JSON.parse(recv.at(p3)[0].body), { three: 3 });
    assert.equal(recv.at(p3)[0].headers["content-type"], "application/json");
    for (const d of [recv.at(p1)[0], recv.at(p2)[0], recv.at(p3)[0]]) {
      assert.equal(await verified(d), true);
    }
  });
});

describe("messages and logs", () => {
  test("a message delivered to a fast local endpoint can still be read right after", async () => {
    const path = `/ok/fast-${unique("m")}`;
    const { messageId } = await client.publishJSON({ url: `${recv.base}${path}`, body: { hello: "world" }, timeout: 90 });
    await eventually("delivery", () => recv.at(path).length > 0);
    const m = await client.messages.get(messageId);
    assert.equal(m.messageId, messageId);
    assert.equal(m.body, JSON.stringify({ hello: "world" }));
  });

  test("get and cancel a delayed message; logs show it", async () => {
    const url = `${recv.base}/ok/delayed-${unique("m")}`;
    const label = unique("label");
    const { messageId } = await client.publish({ url, body: "later", delay: "1h", label });
    const m = await client.messages.get(messageId);
    assert.equal(m.messageId, messageId);
    assert.equal(m.url, url);
    assert.equal(m.method, "POST");
    assert.equal(m.body, "later");
    assert.equal(m.maxRetries, 3);
    assert.ok(m.notBefore >= m.createdAt + 3_599_000, "notBefore is ~1h after createdAt");
    assert.deepEqual(m.labels, [label]);

    const logs = await eventually("CREATED log", async () => {
      const r = await client.logs({ filter: { messageIds: [messageId] } });
      return r.logs.some((l) => l.state === "CREATED") && r;
    }, 10_000);
    assert.equal(logs.logs[0].messageId, messageId);
    assert.equal(logs.cursor, undefined, "single page: no cursor");
    const byLabel = await client.logs({ filter: { label } });
    assert.ok(byLabel.logs.every((l) => l.messageId === messageId));

    assert.deepEqual(await client.messages.cancel(messageId), { cancelled: 1 });
    await assert.rejects(client.messages.get(messageId), (e) => e.status === 404);
    await assert.rejects(client.messages.cancel(messageId), (e) => e.status === 404);
  });

  test("bulk cancel by ids and by filter", async () => {
    const url = `${recv.base}/ok/bulk-${unique("c")}`;
    const label = unique("bulk");
    const ids = [];
    for (let i = 0; i < 3; i++) {
      ids.push((await client.publish({ url, body: `${i}`, delay: "1h", label })).messageId);
    }
    assert.deepEqual(await client.messages.cancel([ids[0]]), { cancelled: 1 });
    const r = await client.messages.cancel({ filter: { label } });
    assert.equal(r.cancelled, 2);
  });

  test("filter cancel and deleteAll cancel every match in one call (the SDK's count=100 is ignored)", async () => {
    // Dev user 3: deleteAll must not touch the other tests' messages.
    const c3 = new Client({ baseUrl: server.url, token: "eyJVc2VySUQiOiJ0ZXN0VXNlcjIiLCJQYXNzd29yZCI6InRlc3RQYXNzd29yZCJ9" });
    const url = `${recv.base}/ok/many-${unique("c")}`;
    const label = unique("many");
    const batch = (n, extra) => c3.batch(Array.from({ length: n }, (_, i) => ({ url, body: `${i}`, delay: "1h", ...extra })));
    await batch(130, { label });
    assert.deepEqual(await c3.messages.cancel({ filter: { label } }), { cancelled: 130 });
    await batch(120);
    assert.equal(await c3.messages.deleteAll(), 120);
    assert.deepEqual(await c3.messages.cancel({ all: true }), { cancelled: 0 });
  });
});

describe("dead-letter queue", () => {
  test("failed messages land in the DLQ; list, retry and delete them", async () => {
    const path = `/fail/dlq-${unique("f")}`;
    const url = `${recv.base}${path}`;
    const { messageId } = await client.publish({ url, body: "doomed", retries: 0 });
    const entry = await eventually("DLQ entry", async () => {
      const r = await client.dlq.listMessages({ filter: { url } });
      return r.messages.find((m) => m.messageId === messageId);
    }, 15_000);
    assert.equal(entry.responseStatus, 500);
    assert.equal(entry.body, "doomed");
    assert.ok(entry.dlqId);

    const retried = await client.dlq.retry(entry.dlqId);
    assert.equal(retried.responses.length, 1);
    assert.match(retried.responses[0].messageId, /^msg_/);
    assert.equal(retried.cursor, undefined);
    // The retried message fails again (retries: 0 is kept) and comes back with a new dlqId.
    const again = await eventually("retried DLQ entry", async () => {
      const r = await client.dlq.listMessages({ filter: { url } });
      return r.messages.find((m) => m.messageId === retried.responses[0].messageId);
    }, 15_000);
    assert.notEqual(again.dlqId, entry.dlqId);
    const deliveries = await eventually("two deliveries", () => recv.at(path).length >= 2 && recv.at(path));
    assert.equal(await verified(deliveries[1]), true);

    assert.deepEqual(await client.dlq.delete(again.dlqId), { deleted: 1 });
    const left = await client.dlq.listMessages({ filter: { url } });
    assert.equal(left.messages.length, 0);
    assert.deepEqual(await client.dlq.delete([]), { deleted: 0 });
  });
});

describe("URL groups", () => {
  test("add endpoints, get, list, publish fan-out, remove, delete", async () => {
    const name = unique("group");
    const pa = `/ok/ga-${unique("e")}`;
    const pb = `/ok/gb-${unique("e")}`;
    await client.urlGroups.addEndpoints({
      name,
      endpoints: [
        { name: "a", url: `${recv.base}${pa}` },
        { url: `${recv.base}${pb}` },
      ],
    });
    const g = await client.urlGroups.get(name);
    assert.equal(g.name, name);
    assert.equal(g.endpoints.length, 2);
    assert.ok((await client.urlGroups.list()).some((x) => x.name === name));

    const res = await client.publish({ urlGroup: name, body: "fan-out" });
    assert.ok(Array.isArray(res));
    assert.equal(res.length, 2);
    await eventually("fan-out", () => recv.at(pa).length && recv.at(pb).length, 15_000);
    assert.equal(recv.at(pa)[0].headers["upstash-topic-name"], name);
    assert.equal(await verified(recv.at(pa)[0]), true);
    assert.equal(await verified(recv.at(pb)[0]), true);

    await client.urlGroups.removeEndpoints({ name, endpoints: [{ name: "a" }] });
    assert.equal((await client.urlGroups.get(name)).endpoints.length, 1);
    await client.urlGroups.delete(name);
    await assert.rejects(client.urlGroups.get(name), (e) => e.status === 404);
  });
});

describe("queues", () => {
  test("upsert, get, list, pause, resume, enqueue, delete", async () => {
    const queueName = unique("queue");
    const q = client.queue({ queueName });
    await q.upsert({ parallelism: 2 });
    let info = await q.get();
    assert.equal(info.name, queueName);
    assert.equal(info.parallelism, 2);
    assert.equal(info.paused, false);
    assert.equal(typeof info.lag, "number");
    assert.ok((await client.queue().list()).some((x) => x.name === queueName));

    await q.pause();
    assert.equal((await q.get()).paused, true);
    await q.resume();
    assert.equal((await q.get()).paused, false);

    const p1 = `/ok/q1-${unique("q")}`;
    const p2 = `/ok/q2-${unique("q")}`;
    const r1 = await q.enqueue({ url: `${recv.base}${p1}`, body: "first" });
    const r2 = await q.enqueueJSON({ url: `${recv.base}${p2}`, body: { second: true } });
    assert.match(r1.messageId, /^msg_/);
    assert.match(r2.messageId, /^msg_/);
    await eventually("queued deliveries", () => recv.at(p1).length && recv.at(p2).length, 15_000);
    assert.equal(await verified(recv.at(p1)[0]), true);

    await q.delete();
    await assert.rejects(q.get(), (e) => e.status === 404);
  });
});

describe("schedules", () => {
  test("create, get, list, pause, resume, delete", async () => {
    const destination = `${recv.base}/ok/sched-${unique("s")}`;
    const { scheduleId } = await client.schedules.create({
      destination,
      cron: "*/10 * * * * ",
      body: "tick",
      retries: 1,
      delay: "10s",
      headers: { "x-sched": "1" },
    });
    assert.ok(scheduleId);
    const s = await client.schedules.get(scheduleId);
    assert.equal(s.scheduleId, scheduleId);
    assert.equal(s.cron, "*/10 * * * *");
    assert.equal(s.destination, destination);
    assert.equal(s.isPaused, false);
    assert.equal(s.retries, 1);
    assert.equal(s.delay, 10);
    assert.equal(s.body, "tick");
    assert.deepEqual(s.header["X-Sched"], ["1"]);
    assert.ok((await client.schedules.list()).some((x) => x.scheduleId === scheduleId));

    await client.schedules.pause({ schedule: scheduleId });
    assert.equal((await client.schedules.get(scheduleId)).isPaused, true);
    await client.schedules.resume({ schedule: scheduleId });
    assert.equal((await client.schedules.get(scheduleId)).isPaused, false);

    // Re-creating with the same id replaces it (no body now).
    await client.schedules.create({ destination, cron: "0 0 * * *", scheduleId });
    const replaced = await client.schedules.get(scheduleId);
    assert.equal(replaced.cron, "0 0 * * *");
    assert.equal(replaced.body, undefined);

    await client.schedules.delete(scheduleId);
    await assert.rejects(client.schedules.get(scheduleId), (e) => e.status === 404);
  });
});

describe("flow control", () => {
  test("get, pause, resume, pin, unpin, resetRate, global parallelism", async () => {
    const key = unique("fc");
    const path = `/ok/fc-${unique("f")}`;
    await client.publish({
      url: `${recv.base}${path}`,
      body: "limited",
      flowControl: { key, parallelism: 2, rate: 10, period: "1m" },
    });
    await eventually("flow-controlled delivery", () => recv.at(path).length, 15_000);

    const info = await client.flowControl.get(key);
    assert.equal(info.flowControlKey, key);
    assert.equal(info.parallelismMax, 2);
    assert.equal(info.rateMax, 10);
    assert.equal(info.ratePeriod, 60);
    assert.equal(info.isPaused, false);

    await client.flowControl.pause(key);
    assert.equal((await client.flowControl.get(key)).isPaused, true);
    await client.flowControl.resume(key);
    assert.equal((await client.flowControl.get(key)).isPaused, false);

    await client.flowControl.pin(key, { parallelism: 1, rate: 5, period: 30 });
    let pinned = await client.flowControl.get(key);
    assert.equal(pinned.isPinnedParallelism, true);
    assert.equal(pinned.isPinnedRate, true);
    assert.equal(pinned.parallelismMax, 1);
    assert.equal(pinned.rateMax, 5);
    assert.equal(pinned.ratePeriod, 30);
    await client.flowControl.unpin(key, { parallelism: true, rate: true });
    pinned = await client.flowControl.get(key);
    assert.equal(pinned.isPinnedParallelism, false);
    assert.equal(pinned.isPinnedRate, false);

    await client.flowControl.resetRate(key);
    assert.equal((await client.flowControl.get(key)).rateCount, 0);

    const g = await client.flowControl.getGlobalParallelism();
    assert.equal(typeof g.parallelismMax, "number");
    assert.equal(typeof g.parallelismCount, "number");

    await assert.rejects(client.flowControl.get(unique("missing")), (e) => e.status === 404);
  });
});

describe("callbacks", () => {
  test("callback and failure callback are signed deliveries the Receiver accepts", async () => {
    const okPath = `/ok/cb-src-${unique("c")}`;
    const cbPath = `/ok/cb-${unique("c")}`;
    const failPath = `/fail/cb-src-${unique("c")}`;
    const fcbPath = `/ok/fcb-${unique("c")}`;
    const a = await client.publish({
      url: `${recv.base}${okPath}`,
      body: "source",
      callback: `${recv.base}${cbPath}`,
    });
    const b = await client.publish({
      url: `${recv.base}${failPath}`,
      body: "source-fail",
      retries: 0,
      failureCallback: `${recv.base}${fcbPath}`,
    });
    const [cb] = await eventually("callback", () => recv.at(cbPath).length && recv.at(cbPath), 15_000);
    assert.equal(await verified(cb), true);
    const payload = JSON.parse(cb.body);
    assert.equal(payload.status, 200);
    assert.equal(payload.sourceMessageId, a.messageId);
    assert.equal(Buffer.from(payload.sourceBody, "base64").toString(), "source");
    assert.equal(Buffer.from(payload.body, "base64").toString(), "ok");

    const [fcb] = await eventually("failure callback", () => recv.at(fcbPath).length && recv.at(fcbPath), 15_000);
    assert.equal(await verified(fcb), true);
    const fp = JSON.parse(fcb.body);
    assert.equal(fp.status, 500);
    assert.equal(fp.sourceMessageId, b.messageId);
    assert.ok(fp.dlqId, "failure callback carries the dlqId");
  });
});

describe("signing-key rotation", () => {
  test("after a rotation the Receiver verifies with the next key", async () => {
    // Dev user 2 (its own keys), so the other tests' user is not affected.
    const token2 = "eyJVc2VySUQiOiJ0ZXN0VXNlcjEiLCJQYXNzd29yZCI6InRlc3RQYXNzd29yZCJ9";
    const current2 = "sig_7GVPjvuwsfqF65iC8fSrs1dfYruM";
    const next2 = "sig_5NoELc3EFnZn4DVS5bDs2Nk4b7Ua";
    const c2 = new Client({ baseUrl: server.url, token: token2 });
    const before = `/ok/rot-before-${unique("r")}`;
    await c2.publish({ url: `${recv.base}${before}`, body: "b" });
    const [d1] = await eventually("delivery before", () => recv.at(before).length && recv.at(before));
    const r2 = new Receiver({ currentSigningKey: current2, nextSigningKey: next2 });
    assert.equal(await r2.verify({ signature: d1.headers["upstash-signature"], body: "b", url: d1.url }), true);
    // User 1's keys must not verify user 2's deliveries.
    await assert.rejects(verified(d1));

    const res = await fetch(`${server.url}/v2/keys/rotate`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token2}` },
    });
    assert.equal(res.status, 200);
    const keys = await res.json();
    assert.equal(keys.current, next2);

    const after = `/ok/rot-after-${unique("r")}`;
    await c2.publish({ url: `${recv.base}${after}`, body: "a" });
    const [d2] = await eventually("delivery after", () => recv.at(after).length && recv.at(after));
    // The old pair still verifies (via its `next`), and so does the new pair.
    assert.equal(await r2.verify({ signature: d2.headers["upstash-signature"], body: "a", url: d2.url }), true);
    const r2new = new Receiver({ currentSigningKey: keys.current, nextSigningKey: keys.next });
    assert.equal(await r2new.verify({ signature: d2.headers["upstash-signature"], body: "a", url: d2.url }), true);
    const onlyOld = new Receiver({ currentSigningKey: current2, nextSigningKey: current2 });
    await assert.rejects(onlyOld.verify({ signature: d2.headers["upstash-signature"], body: "a", url: d2.url }));
  });
});

describe("multi-region", () => {
  test("--region: deliveries carry Upstash-Region, and a QSTASH_REGION Receiver picks that region's keys", async () => {
    const regional = await startServer(buildServer(), ["--region", "us-east-1"]);
    const saved = { ...process.env };
    try {
      const c = new Client({ baseUrl: regional.url, token: DEV_TOKEN });
      const path = `/ok/region-${unique("r")}`;
      await c.publish({ url: `${recv.base}${path}`, body: "regional" });
      const [d] = await eventually("regional delivery", () => recv.at(path).length && recv.at(path));
      assert.equal(d.headers["upstash-region"], "US-EAST-1");
      // Only the US keys are right: verifying succeeds only if the header selects them.
      Object.assign(process.env, {
        QSTASH_REGION: "US_EAST_1",
        US_EAST_1_QSTASH_CURRENT_SIGNING_KEY: DEV_CURRENT,
        US_EAST_1_QSTASH_NEXT_SIGNING_KEY: DEV_NEXT,
        QSTASH_CURRENT_SIGNING_KEY: "sig_wrongwrongwrongwrongwrong1",
        QSTASH_NEXT_SIGNING_KEY: "sig_wrongwrongwrongwrongwrong2",
      });
      const envReceiver = new Receiver();
      const args = { signature: d.headers["upstash-signature"], body: d.body, url: d.url };
      assert.equal(await envReceiver.verify({ ...args, upstashRegion: d.headers["upstash-region"] }), true);
      await assert.rejects(envReceiver.verify({ ...args, upstashRegion: "eu-central-1" }));
    } finally {
      for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
      Object.assign(process.env, saved);
      await regional.stop();
    }
  });
});

describe("opt-in rate limits", () => {
  test("--rate-limit and --daily-limit answer 429s the official SDK classifies as burst and daily", async () => {
    const limited = await startServer(buildServer(), ["--rate-limit", "1", "--daily-limit", "1"]);
    try {
      const c = new Client({ baseUrl: limited.url, token: DEV_TOKEN, retry: false });
      let burst;
      for (let i = 0; i < 10 && !burst; i++) burst = await c.queue().list().then(() => undefined, (e) => e);
      assert.ok(burst instanceof QstashRatelimitError, `burst: ${burst}`);
      assert.ok(!(burst instanceof QstashDailyRatelimitError));
      assert.deepEqual([burst.limit, burst.remaining], ["1", "0"]);
      await c.publish({ url: `${recv.base}/ok/limited`, body: "1" });
      const daily = await c.publish({ url: `${recv.base}/ok/limited`, body: "2" }).then(() => undefined, (e) => e);
      assert.ok(daily instanceof QstashDailyRatelimitError, `daily: ${daily}`);
      assert.deepEqual([daily.limit, daily.remaining], ["1", "0"]);
      assert.ok(Number(daily.reset) > Date.now() / 1000, "reset is the next UTC midnight");
    } finally {
      await limited.stop();
    }
  });
});
