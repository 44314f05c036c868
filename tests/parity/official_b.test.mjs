// Parity with what the official repository's own tests assert about queues, schedules, URL
// groups (and the deprecated topics alias), flow control, the Receiver, credentials from the
// environment and region selection. Each scenario runs through the official `@upstash/qstash`
// (dev user 1) and through ours (dev user 2) against one qstash-dev; the normalised records must
// be equal (harness.mjs), and the facts the official tests check are also asserted absolutely on
// both sides, so a behaviour both get wrong the same way still fails.
//
// The official tests talk to hosted endpoints (requestcatcher, httpstatus.io, qstash.upstash.io);
// here destinations are local HTTP servers, and requests meant for remote hosts are answered by a
// `fetch` stand-in that records them, so nothing leaves the machine.
//
//   QSTASH_WASM_PKG=<installed package dir> node --test tests/parity/official_b.test.mjs
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { loadLibraries, startServer, startSink, eventually, describeError, listen, capture, withEnv, sideContext, scenarioRunner, check } from "./harness.mjs";
import { signToken as sign } from "../support/jwt.mjs";

const libs = await loadLibraries();
let server;
let sink;
let holder;

/**
 * A destination that never answers `/hang/...` until released, so a flow-control message stays
 * in flight (the official tests use a 30 s sleeping endpoint for the same purpose). Arrivals are
 * told apart by `Upstash-Message-Id`, so both sides use the same URL.
 */
async function startHolder() {
  const held = new Set();
  const arrivals = [];
  const http = await listen((req, res) => {
    req.resume();
    req.on("end", () => {
      arrivals.push(req.headers["upstash-message-id"]);
      held.add(res);
      res.on("close", () => held.delete(res));
    });
  });
  return {
    ...http,
    arrived: (messageId) => arrivals.includes(messageId),
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

before(async () => {
  server = await startServer();
  sink = await startSink();
  holder = await startHolder();
});
after(async () => {
  await holder?.stop();
  await sink?.stop();
  await server?.stop();
});

/** One side's scenario record (harness.mjs `sideContext`) plus this file's destinations. */
const context = (side) => ({
  ...sideContext(side, { libs, server, sink }),
  hold: (path) => `${holder.base}${path}`,
});
const scenario = scenarioRunner(context, "b");

// ------------------------------------------------------------------------------------------------
// queues (official src/client/queue.test.ts)

scenario("queue: create, get by name, delete, list is empty again", async (c, x) => {
  await x.step("upsert", () => c.queue({ queueName: "upstash-queue" }).upsert({ parallelism: 2 }));
  const q = await x.step("get", () => c.queue({ queueName: "upstash-queue" }).get());
  check(x, "name", q.name, "upstash-queue");
  check(x, "parallelism", q.parallelism, 2);
  check(x, "lag", q.lag, 0);
  check(x, "paused", q.paused, false);
  check(x, "timestamps are numbers", [typeof q.createdAt, typeof q.updatedAt], ["number", "number"]);
  await x.step("delete", () => c.queue({ queueName: "upstash-queue" }).delete());
  const list = await x.step("list", () => c.queue().list());
  check(x, "list empty", list.length, 0);
});

scenario("queue: several queues are listed by name", async (c, x) => {
  await x.step("upsert 1", () => c.queue({ queueName: "upstash-queue1" }).upsert({ parallelism: 2 }));
  await x.step("upsert 2", () => c.queue({ queueName: "upstash-queue2" }).upsert({ parallelism: 2 }));
  const list = await x.step("list", async () => (await c.queue().list()).sort((a, b) => (a.name < b.name ? -1 : 1)));
  check(x, "names", list.map((q) => q.name), ["upstash-queue1", "upstash-queue2"]);
  check(x, "parallelism", list.map((q) => q.parallelism), [2, 2]);
  await x.step("delete 1", () => c.queue({ queueName: "upstash-queue1" }).delete());
  await x.step("delete 2", () => c.queue({ queueName: "upstash-queue2" }).delete());
  check(x, "list empty", (await c.queue().list()).length, 0);
});

scenario("queue: pause/resume and upsert({paused})", async (c, x) => {
  const q = c.queue({ queueName: "upstash-pause-resume-queue" });
  const paused = async (name) => (await x.step(name, () => q.get())).paused;
  await x.step("upsert", () => q.upsert({ parallelism: 1 }));
  check(x, "initially", await paused("get 1"), false);
  await x.step("pause", () => q.pause());
  check(x, "after pause", await paused("get 2"), true);
  await x.step("resume", () => q.resume());
  check(x, "after resume", await paused("get 3"), false);
  await x.step("upsert paused", () => q.upsert({ paused: true }));
  check(x, "after upsert paused", await paused("get 4"), true);
  await x.step("upsert unpaused", () => q.upsert({ paused: false }));
  check(x, "after upsert unpaused", await paused("get 5"), false);
  // An upsert that leaves out `paused` keeps the queue as it is, and parallelism as given.
  await q.pause();
  await x.step("upsert parallelism only", () => q.upsert({ parallelism: 3 }));
  const g = await x.step("get 6", () => q.get());
  x.note("paused kept / parallelism", [g.paused, g.parallelism]);
  await x.step("delete", () => q.delete());
});

scenario("queue: lag counts waiting messages and drains after resume", async (c, x) => {
  const q = c.queue({ queueName: "lag-queue" });
  await q.upsert({ parallelism: 1, paused: true });
  const a = await x.step("enqueue 1", () => q.enqueue({ url: x.sink("/ok/lag1"), body: "1" }));
  const b = await x.step("enqueueJSON 2", () => q.enqueueJSON({ url: x.sink("/ok/lag2"), body: { n: 2 } }));
  const g = await x.step("get paused", () => q.get());
  check(x, "lag while paused", g.lag, 2);
  await x.step("resume", () => q.resume());
  await x.waitState(a.messageId, "DELIVERED");
  await x.waitState(b.messageId, "DELIVERED");
  await eventually("lag 0", async () => (await q.get()).lag === 0);
  const d = await x.step("get drained", () => q.get());
  check(x, "lag drained", d.lag, 0);
  await x.step("delete", () => q.delete());
});

// ------------------------------------------------------------------------------------------------
// schedules (official src/client/schedules.test.ts)

scenario("schedules: create with every field, get shows them", async (c, x) => {
  const { scheduleId } = await x.step("create", () =>
    c.schedules.create({
      destination: x.sink("/ok/sched"),
      body: JSON.stringify({ hello: "world" }),
      headers: { "test-header": "test-value", "Upstash-Forward-bypass-tunnel-reminder": "client-test" },
      method: "GET",
      callback: x.sink("/ok/cb"),
      failureCallback: x.sink("/ok/failure"),
      delay: 10,
      retries: 5,
      queueName: "scheduleQueue",
      // Fires on Jan 1st only: nothing changes the schedule while the test runs.
      cron: "0 0 1 1 * ",
    }),
  );
  const s = await x.step("get", () => c.schedules.get(scheduleId));
  check(x, "fields", {
    scheduleId: s.scheduleId,
    cron: s.cron,
    destination: s.destination,
    method: s.method,
    header: s.header,
    body: s.body,
    retries: s.retries,
    delay: s.delay,
    callback: s.callback,
    failureCallback: s.failureCallback,
    queueName: s.queueName,
    isPaused: s.isPaused,
  }, {
    scheduleId,
    cron: "0 0 1 1 *",
    destination: x.sink("/ok/sched"),
    method: "GET",
    header: { "Bypass-Tunnel-Reminder": ["client-test"], "Content-Type": ["application/json"], "Test-Header": ["test-value"] },
    body: '{"hello":"world"}',
    retries: 5,
    delay: 10,
    callback: x.sink("/ok/cb"),
    failureCallback: x.sink("/ok/failure"),
    queueName: "scheduleQueue",
    isPaused: false,
  });
  await x.step("delete", () => c.schedules.delete(scheduleId));
  await x.step("list", () => c.schedules.list());
});

scenario("schedules: two schedules are both listed", async (c, x) => {
  const a = await x.step("create 1", () => c.schedules.create({ destination: x.sink("/ok/l1"), cron: "*/10 * * * * " }));
  const b = await x.step("create 2", () => c.schedules.create({ destination: x.sink("/ok/l2"), cron: "*/10 * * * * " }));
  // Ids are random: compare the list in destination order, and the id set as a yes/no.
  const list = await x.step("list", async () => (await c.schedules.list()).sort((p, q) => (p.destination < q.destination ? -1 : 1)));
  assert.deepStrictEqual(list.map((s) => s.scheduleId).sort(), [a.scheduleId, b.scheduleId].sort(), `[${x.side}] ids`);
  check(x, "ids in destination order", list.map((s) => s.scheduleId), [a.scheduleId, b.scheduleId]);
  check(x, "crons", list.map((s) => s.cron), ["*/10 * * * *", "*/10 * * * *"]);
  for (const s of list) await c.schedules.delete(s.scheduleId);
  check(x, "empty after delete", (await c.schedules.list()).length, 0);
});

scenario("schedules: pause and resume flip isPaused", async (c, x) => {
  const r = await x.step("create", () => c.schedules.create({ cron: "1 1 1 1 1", destination: x.sink("/ok/pr"), body: JSON.stringify({ ex_key: "ex_value" }) }));
  check(x, "create result keys", Object.keys(r), ["scheduleId"]);
  const g1 = await x.step("get", () => c.schedules.get(r.scheduleId));
  check(x, "get 1", [g1.scheduleId, g1.cron, g1.isPaused], [r.scheduleId, "1 1 1 1 1", false]);
  check(x, "pause result", await x.step("pause", () => c.schedules.pause({ schedule: r.scheduleId })), undefined);
  check(x, "get 2", (await x.step("get paused", () => c.schedules.get(r.scheduleId))).isPaused, true);
  await x.step("pause again", () => c.schedules.pause({ schedule: r.scheduleId }));
  check(x, "resume result", await x.step("resume", () => c.schedules.resume({ schedule: r.scheduleId })), undefined);
  check(x, "get 3", (await x.step("get resumed", () => c.schedules.get(r.scheduleId))).isPaused, false);
  await x.step("resume again", () => c.schedules.resume({ schedule: r.scheduleId }));
  await x.step("delete", () => c.schedules.delete(r.scheduleId));
});

scenario("schedules: create with an existing scheduleId replaces it", async (c, x) => {
  check(x, "none yet", (await x.step("list 0", () => c.schedules.list())).length, 0);
  await x.step("create", () => c.schedules.create({ destination: x.sink("/ok/initial"), cron: "*/5 * * * *", scheduleId: "edit-me", body: "my-payload", retries: 2, headers: { "X-Old": "1" } }));
  const l1 = await x.step("list 1", () => c.schedules.list());
  check(x, "one", [l1.length, l1[0].scheduleId, l1[0].destination, l1[0].body], [1, "edit-me", x.sink("/ok/initial"), "my-payload"]);
  await x.step("update", () => c.schedules.create({ destination: x.sink("/ok/updated"), cron: "*/5 * * * *", scheduleId: "edit-me" }));
  const l2 = await x.step("list 2", () => c.schedules.list());
  check(x, "replaced", [l2.length, l2[0].scheduleId, l2[0].destination, l2[0].body, "body" in l2[0]], [1, "edit-me", x.sink("/ok/updated"), undefined, false]);
  await x.step("get", () => c.schedules.get("edit-me"));
  // Updating a paused schedule: what stays paused is compared, not assumed.
  await c.schedules.pause({ schedule: "edit-me" });
  await x.step("update paused", () => c.schedules.create({ destination: x.sink("/ok/updated2"), cron: "*/7 * * * *", scheduleId: "edit-me" }));
  await x.step("get after update paused", () => c.schedules.get("edit-me"));
  await x.step("delete", () => c.schedules.delete("edit-me"));
});

scenario("schedules: global client headers are merged under the request's", async (c, x) => {
  const cl = x.newClient({ headers: { "global-header": "g", "global-header-overwritten": "old" } });
  const r = await x.step("create", () =>
    cl.schedules.create({
      scheduleId: "hdrs",
      destination: x.sink("/ok/hdrs"),
      cron: "* * * * 1",
      body: JSON.stringify([{ to: ["foo@example.com"], subject: "hello" }]),
      headers: { "content-type": "application/json", "global-header-overwritten": "new", "request-header": "r" },
    }),
  );
  check(x, "id", r.scheduleId, "hdrs");
  const s = await x.step("get", () => c.schedules.get("hdrs"));
  check(x, "header", s.header, {
    "Content-Type": ["application/json"],
    "Global-Header": ["g"],
    "Global-Header-Overwritten": ["new"],
    "Request-Header": ["r"],
  });
  check(x, "body", JSON.parse(s.body), [{ to: ["foo@example.com"], subject: "hello" }]);
  await x.step("delete", () => c.schedules.delete("hdrs"));
});

// ------------------------------------------------------------------------------------------------
// URL groups and topics (official src/client/url-groups.test.ts, topics.test.ts)

for (const api of ["urlGroups", "topics"]) {
  scenario(`${api}: add, get contains the endpoint, delete`, async (c, x) => {
    const g = c[api];
    const endpoint = { name: "url-group1", url: x.sink("/ok/ug1") };
    check(x, "add result", await x.step("addEndpoints", () => g.addEndpoints({ endpoints: [endpoint], name: "my-proxy-url-group" })), undefined);
    const got = await x.step("get", () => g.get("my-proxy-url-group"));
    check(x, "contains", got.endpoints.some((e) => e.name === endpoint.name && e.url === endpoint.url), true);
    check(x, "name", got.name, "my-proxy-url-group");
    check(x, "delete result", await x.step("delete", () => g.delete("my-proxy-url-group")), undefined);
    await x.step("get deleted", () => g.get("my-proxy-url-group"));
    check(x, "list empty", (await g.list()).length, 0);
  });

  scenario(`${api}: add one more endpoint, list shows both`, async (c, x) => {
    const g = c[api];
    const e1 = { name: "urlGroup1", url: x.sink("/ok/a") };
    const e2 = { name: "urlGroup2", url: x.sink("/ok/b") };
    await x.step("add 1", () => g.addEndpoints({ endpoints: [e1], name: "my-proxy-url-group" }));
    await x.step("get", () => g.get("my-proxy-url-group"));
    await x.step("add 2", () => g.addEndpoints({ name: "my-proxy-url-group", endpoints: [e2] }));
    const list = await x.step("list", () => g.list());
    const group = list.find((l) => l.name === "my-proxy-url-group");
    check(x, "first is ours", list[0].name, "my-proxy-url-group");
    check(x, "endpoints", group.endpoints.map((e) => ({ name: e.name, url: e.url })).sort((p, q) => (p.name < q.name ? -1 : 1)), [e1, e2]);
    await x.step("add same again", () => g.addEndpoints({ name: "my-proxy-url-group", endpoints: [e2] }));
    await x.step("get after duplicate add", () => g.get("my-proxy-url-group"));
    await x.step("delete", () => g.delete("my-proxy-url-group"));
  });
}

// ------------------------------------------------------------------------------------------------
// flow control (official src/client/flow-control.test.ts): a message kept in flight by `holder`

/** Publishes one message with the official tests' flow control to a held destination. */
async function heldMessage(c, x, key) {
  const r = await x.step("publish", () =>
    c.publish({ url: x.hold(`/hang/${key}`), body: "hello", flowControl: { key, parallelism: 5, rate: 10, period: "1m" } }),
  );
  await eventually(`${key} in flight`, () => holder.arrived(r.messageId));
  return r.messageId;
}

scenario("flowControl: info of a key with a message in flight", async (c, x) => {
  const id = await heldMessage(c, x, "fc-info");
  const info = await x.step("get", () => c.flowControl.get("fc-info"));
  check(x, "key", info.flowControlKey, "fc-info");
  check(x, "types", ["waitListSize", "parallelismMax", "parallelismCount", "rateMax", "rateCount", "ratePeriod"].map((k) => typeof info[k]), Array(6).fill("number"));
  check(x, "values", [info.parallelismMax, info.parallelismCount, info.rateMax, info.rateCount, info.ratePeriod, info.waitListSize, info.isPaused], [5, 1, 10, 1, 60, 0, false]);
  // The official test cleans up with the deprecated delete while the attempt is still running.
  check(x, "delete in-flight result", await x.step("delete in-flight message (deprecated)", () => c.messages.delete(id)), undefined);
  await x.step("get after delete", () => c.messages.get(id));
});

scenario("flowControl: global parallelism", async (c, x) => {
  const info = await x.step("getGlobalParallelism", () => c.flowControl.getGlobalParallelism());
  check(x, "types", [typeof info.parallelismMax, typeof info.parallelismCount], ["number", "number"]);
});

scenario("flowControl: pause and resume a key", async (c, x) => {
  const id = await heldMessage(c, x, "fc-pause");
  check(x, "pause result", await x.step("pause", () => c.flowControl.pause("fc-pause")), undefined);
  check(x, "paused", (await x.step("get paused", () => c.flowControl.get("fc-pause"))).isPaused, true);
  check(x, "resume result", await x.step("resume", () => c.flowControl.resume("fc-pause")), undefined);
  check(x, "resumed", (await x.step("get resumed", () => c.flowControl.get("fc-pause"))).isPaused, false);
  await x.step("delete", () => c.messages.delete(id));
});

scenario("flowControl: pin then unpin both", async (c, x) => {
  const id = await heldMessage(c, x, "fc-pin");
  check(x, "pin result", await x.step("pin", () => c.flowControl.pin("fc-pin", { parallelism: 3, rate: 20, period: 120 })), undefined);
  const p = await x.step("get pinned", () => c.flowControl.get("fc-pin"));
  check(x, "pinned", [p.isPinnedParallelism, p.isPinnedRate, p.parallelismMax, p.rateMax, p.ratePeriod], [true, true, 3, 20, 120]);
  check(x, "unpin result", await x.step("unpin", () => c.flowControl.unpin("fc-pin", { parallelism: true, rate: true })), undefined);
  const u = await x.step("get unpinned", () => c.flowControl.get("fc-pin"));
  check(x, "unpinned", [u.isPinnedParallelism, u.isPinnedRate], [false, false]);
  await x.step("delete", () => c.messages.delete(id));
});

scenario("flowControl: unpin one field keeps the other pinned", async (c, x) => {
  const id = await heldMessage(c, x, "fc-unpin-single");
  await x.step("pin", () => c.flowControl.pin("fc-unpin-single", { parallelism: 3, rate: 20, period: 120 }));
  const p = await x.step("get pinned", () => c.flowControl.get("fc-unpin-single"));
  check(x, "pinned", [p.isPinnedParallelism, p.isPinnedRate], [true, true]);
  await x.step("unpin parallelism", () => c.flowControl.unpin("fc-unpin-single", { parallelism: true }));
  const a = await x.step("get partial", () => c.flowControl.get("fc-unpin-single"));
  check(x, "partial", [a.isPinnedParallelism, a.isPinnedRate], [false, true]);
  await x.step("unpin rate", () => c.flowControl.unpin("fc-unpin-single", { rate: true }));
  const b = await x.step("get none", () => c.flowControl.get("fc-unpin-single"));
  check(x, "none", [b.isPinnedParallelism, b.isPinnedRate], [false, false]);
  await x.step("delete", () => c.messages.delete(id));
});

scenario("flowControl: resetRate sets rateCount back to 0", async (c, x) => {
  const id = await heldMessage(c, x, "fc-reset");
  check(x, "counted", (await x.step("get before", () => c.flowControl.get("fc-reset"))).rateCount, 1);
  check(x, "reset result", await x.step("resetRate", () => c.flowControl.resetRate("fc-reset")), undefined);
  const r = await x.step("get after", () => c.flowControl.get("fc-reset"));
  check(x, "rateCount", r.rateCount, 0);
  await x.step("delete", () => c.messages.delete(id));
});

// ------------------------------------------------------------------------------------------------
// Receiver (official src/receiver.test.ts): tokens signed here, as QStash signs them

const currentSigningKey = randomBytes(16).toString("base64url");
const nextSigningKey = randomBytes(16).toString("base64url");
const randomBody = btoa(randomBytes(16).toString("base64url"));

/** Verifies on both sides; returns the records (value or error picture) for each. */
async function verifyBoth(config, request) {
  const out = {};
  for (const side of ["official", "ours"]) {
    const lib = libs[side];
    const { value, err, lines } = await capture(() => new lib.Receiver(config).verify(request));
    out[side] = { ...(err === undefined ? { value } : { threw: describeError(err, lib) }), lines };
  }
  return out;
}

/**
 * Both sides reached the same verdict. Our SignatureError deliberately says more than the
 * official (pkg-template/README.md): its message adds detail (a parenthesised reason, or what
 * each of the two keys failed on, where the official reports only the last) and it carries a
 * `code`. So its message must contain the official's; everything else must be equal.
 */
function assertSameVerdict(r, what) {
  const strip = (v) => {
    if (!v.threw) return v;
    const { code, ...own } = v.threw.own;
    return { ...v, threw: { ...v.threw, message: undefined, own } };
  };
  assert.deepStrictEqual(strip(r.ours), strip(r.official), what);
  if (r.official.threw) {
    const [want, got] = [r.official.threw.message, r.ours.threw.message];
    assert.ok(got.includes(want), `${what}: message ${JSON.stringify(got)} does not contain ${JSON.stringify(want)}`);
    if (r.ours.threw.own.code !== undefined) assert.match(r.ours.threw.own.code, /^ERR_[A-Z_]+$/, what);
  }
}

test("receiver: accepts a token signed with the current or the next key", async () => {
  for (const key of [currentSigningKey, nextSigningKey]) {
    const signature = sign({ key, url: "example.com", body: randomBody });
    const r = await verifyBoth({ currentSigningKey, nextSigningKey }, { signature, body: randomBody, url: "example.com" });
    assert.deepStrictEqual(r.official, { value: true, lines: [] });
    assert.deepStrictEqual(r.ours, r.official);
  }
});

test("receiver: its own fields (keys, spread, JSON) and assigning them changes the keys used", async () => {
  const other = { current: randomBytes(16).toString("base64url"), next: randomBytes(16).toString("base64url") };
  const out = {};
  for (const side of ["official", "ours"]) {
    const lib = libs[side];
    const r = new lib.Receiver({ currentSigningKey, nextSigningKey });
    const verdict = async (key) => {
      const signature = sign({ key, url: "https://example.com/api", body: "b" });
      const { value, err } = await capture(() => r.verify({ signature, body: "b" }));
      return err === undefined ? value : err.name;
    };
    const shape = (x) => ({ keys: Object.keys(x), json: JSON.stringify(x), spread: { ...x } });
    const record = { fresh: shape(r), empty: shape(new lib.Receiver()), devOnly: shape(new lib.Receiver({ devMode: false })) };
    record.before = [await verdict(currentSigningKey), await verdict(other.current)];
    r.currentSigningKey = other.current;
    r.nextSigningKey = other.next;
    record.assigned = shape(r);
    record.after = [await verdict(currentSigningKey), await verdict(other.current), await verdict(other.next)];
    r.nextSigningKey = undefined;
    record.withoutNext = [await verdict(other.current)];
    out[side] = record;
  }
  assert.deepStrictEqual(out.official.before, [true, "SignatureError"]);
  assert.deepStrictEqual(out.official.after, ["SignatureError", true, true]);
  assert.deepStrictEqual(out.ours, out.official);
});

test("receiver: bodies of every kind (the official's hash equivalence inputs)", async () => {
  const inputs = ["", "hello", "The quick brown fox jumps over the lazy dog", "1234567890", '!@#$%^&*()_+{}:"<>?', "🚀✨🔥", "multiline\nstring\nwith\nlinebreaks", "  spaces before and after  "];
  for (const body of inputs) {
    const signature = sign({ key: currentSigningKey, url: "https://example.com/api", body });
    const ok = await verifyBoth({ currentSigningKey, nextSigningKey }, { signature, body });
    assert.deepStrictEqual(ok.official.value, true, JSON.stringify(body));
    assertSameVerdict(ok, JSON.stringify(body));
    // One character more must be refused with the same message (it shows both hashes).
    const bad = await verifyBoth({ currentSigningKey, nextSigningKey }, { signature, body: `${body}x` });
    assert.equal(bad.official.threw?.name, "SignatureError");
    assertSameVerdict(bad, JSON.stringify(body));
  }
});

test("receiver: rejections match (key, url, body, time, issuer, algorithm, padding)", async () => {
  const keys = { currentSigningKey, nextSigningKey };
  const url = "https://example.com/hook";
  const now = Math.floor(Date.now() / 1000);
  const hash = createHash("sha256").update(randomBody).digest("base64url");
  const cases = {
    "unknown key": [keys, { signature: sign({ key: "other", url, body: randomBody }), body: randomBody, url }],
    "wrong url": [keys, { signature: sign({ key: currentSigningKey, url, body: randomBody }), body: randomBody, url: `${url}/x` }],
    "url not checked when omitted": [keys, { signature: sign({ key: currentSigningKey, url, body: randomBody }), body: randomBody }],
    "wrong body": [keys, { signature: sign({ key: nextSigningKey, url, body: randomBody }), body: "nope", url }],
    expired: [keys, { signature: sign({ key: currentSigningKey, url, body: randomBody, claims: { exp: now - 10 } }), body: randomBody, url }],
    "expired within clockTolerance": [keys, { signature: sign({ key: currentSigningKey, url, body: randomBody, claims: { exp: now - 10 } }), body: randomBody, url, clockTolerance: 60 }],
    "not yet valid": [keys, { signature: sign({ key: currentSigningKey, url, body: randomBody, claims: { nbf: now + 120 } }), body: randomBody, url }],
    "wrong issuer": [keys, { signature: sign({ key: currentSigningKey, url, body: randomBody, claims: { iss: "Someone" } }), body: randomBody, url }],
    "padded body hash": [keys, { signature: sign({ key: currentSigningKey, url, body: randomBody, claims: { body: `${hash}=` } }), body: randomBody, url }],
    "alg none": [keys, { signature: sign({ key: currentSigningKey, url, body: randomBody, header: { alg: "none", typ: "JWT" } }), body: randomBody, url }],
    "not a jwt": [keys, { signature: "abc", body: randomBody, url }],
    "only next key set": [{ nextSigningKey }, { signature: sign({ key: nextSigningKey, url, body: randomBody }), body: randomBody, url }],
    "no keys anywhere": [{}, { signature: sign({ key: currentSigningKey, url, body: randomBody }), body: randomBody, url }],
  };
  for (const [name, [config, request]] of Object.entries(cases)) {
    assertSameVerdict(await verifyBoth(config, request), name);
  }
});

// ------------------------------------------------------------------------------------------------
// credentials from the environment and regions (official client-from-env.test.ts and
// multi-region.test.ts): which URL and token a Client's request goes to, what it warns

/** Builds a Client of `lib` from `config` under `env` and publishes once through a recording fetch. */
async function whereItGoes(lib, env, config) {
  return withEnv(env, async () => {
    const seen = [];
    const realFetch = globalThis.fetch;
    globalThis.fetch = async (input, init) => {
      const req = new Request(input, init);
      seen.push({ url: req.url, authorization: req.headers.get("authorization") });
      return Response.json({ messageId: "msg_1" });
    };
    try {
      const { value, err, lines } = await capture(async () => {
        const client = new lib.Client(config);
        return client.publish({ url: "https://example.com/hook", body: "x" });
      });
      return { value, threw: err && describeError(err, lib), lines, seen };
    } finally {
      globalThis.fetch = realFetch;
    }
  });
}

const REGION_CASES = {
  "token from env, default url": [{ QSTASH_TOKEN: "test-token" }, undefined],
  "token from config, default url": [{}, { token: "config-token" }],
  "no token: warns, empty bearer": [{}, undefined],
  "signing keys present do not matter": [{ QSTASH_TOKEN: "test-token", QSTASH_CURRENT_SIGNING_KEY: "c", QSTASH_NEXT_SIGNING_KEY: "n" }, undefined],
  "QSTASH_URL from env": [{ QSTASH_URL: "https://custom-qstash.upstash.io", QSTASH_TOKEN: "test-token" }, undefined],
  "config url and token beat env": [{ QSTASH_TOKEN: "env-token", QSTASH_URL: "https://env.upstash.io" }, { baseUrl: "https://config-url.upstash.io", token: "config-token" }],
  "trailing slash stripped": [{ QSTASH_URL: "https://custom-qstash.upstash.io/", QSTASH_TOKEN: "test-token" }, undefined],
  "only one trailing slash stripped": [{ QSTASH_TOKEN: "t" }, { baseUrl: "https://custom-qstash.upstash.io//" }],
  "publish url rewritten to default": [{ QSTASH_TOKEN: "t" }, { baseUrl: "https://qstash.upstash.io/v2/publish" }],
  "region US_EAST_1": [{ QSTASH_REGION: "US_EAST_1", US_EAST_1_QSTASH_URL: "https://us-qstash.upstash.io", US_EAST_1_QSTASH_TOKEN: "us-token", EU_CENTRAL_1_QSTASH_URL: "https://eu-qstash.upstash.io", EU_CENTRAL_1_QSTASH_TOKEN: "eu-token" }, undefined],
  "region EU_CENTRAL_1": [{ QSTASH_REGION: "EU_CENTRAL_1", US_EAST_1_QSTASH_URL: "https://us-qstash.upstash.io", US_EAST_1_QSTASH_TOKEN: "us-token", EU_CENTRAL_1_QSTASH_URL: "https://eu-qstash.upstash.io", EU_CENTRAL_1_QSTASH_TOKEN: "eu-token" }, undefined],
  "region spelled us-east-1": [{ QSTASH_REGION: "us-east-1", US_EAST_1_QSTASH_URL: "https://us-qstash.upstash.io", US_EAST_1_QSTASH_TOKEN: "us-token" }, undefined],
  "region credentials missing: default env": [{ QSTASH_REGION: "US_EAST_1", QSTASH_URL: "https://default-qstash.upstash.io", QSTASH_TOKEN: "default-token" }, undefined],
  "invalid region: default": [{ QSTASH_REGION: "INVALID_REGION", QSTASH_TOKEN: "default-token" }, undefined],
  "config beats region": [{ QSTASH_REGION: "US_EAST_1", US_EAST_1_QSTASH_URL: "https://us-qstash.upstash.io", US_EAST_1_QSTASH_TOKEN: "us-token" }, { baseUrl: "https://override.upstash.io", token: "override-token" }],
  "region beats a partial config": [{ QSTASH_REGION: "US_EAST_1", US_EAST_1_QSTASH_URL: "https://us-qstash.upstash.io", US_EAST_1_QSTASH_TOKEN: "us-token" }, { token: "partial-token" }],
  "region url without token: default": [{ QSTASH_REGION: "US_EAST_1", US_EAST_1_QSTASH_URL: "https://us-qstash.upstash.io" }, undefined],
  "explicit config, no env": [{}, { token: "us-token", baseUrl: "https://us-qstash.upstash.io" }],
};

test("credentials: env, config and region pick the same URL and token, with the same warnings", async () => {
  const expected = {
    "token from env, default url": ["https://qstash.upstash.io", "Bearer test-token"],
    "token from config, default url": ["https://qstash.upstash.io", "Bearer config-token"],
    "no token: warns, empty bearer": ["https://qstash.upstash.io", "Bearer"],
    "QSTASH_URL from env": ["https://custom-qstash.upstash.io", "Bearer test-token"],
    "config url and token beat env": ["https://config-url.upstash.io", "Bearer config-token"],
    "trailing slash stripped": ["https://custom-qstash.upstash.io", "Bearer test-token"],
    "region US_EAST_1": ["https://us-qstash.upstash.io", "Bearer us-token"],
    "region EU_CENTRAL_1": ["https://eu-qstash.upstash.io", "Bearer eu-token"],
    "region credentials missing: default env": ["https://default-qstash.upstash.io", "Bearer default-token"],
    "invalid region: default": ["https://qstash.upstash.io", "Bearer default-token"],
    "config beats region": ["https://override.upstash.io", "Bearer override-token"],
    "region url without token: default": ["https://qstash.upstash.io", "Bearer"],
  };
  for (const [name, [env, config]] of Object.entries(REGION_CASES)) {
    const want = await whereItGoes(libs.official, env, config);
    const got = await whereItGoes(libs.ours, env, config);
    if (expected[name]) {
      const [base, auth] = expected[name];
      for (const [side, r] of [["official", want], ["ours", got]]) {
        assert.equal(r.seen[0]?.url, `${base}/v2/publish/https://example.com/hook`, `${side}: ${name}`);
        // Headers normalise "Bearer " to "Bearer" (trailing whitespace is not kept).
        assert.equal(r.seen[0]?.authorization, auth, `${side}: ${name}`);
      }
    }
    assert.deepStrictEqual(got, want, name);
  }
});

test("credentials: the Receiver picks region keys by the upstashRegion of the request", async () => {
  const url = "https://example.com/r";
  const body = "region body";
  const env = {
    QSTASH_REGION: "US_EAST_1",
    US_EAST_1_QSTASH_CURRENT_SIGNING_KEY: "us-current-key",
    US_EAST_1_QSTASH_NEXT_SIGNING_KEY: "us-next-key",
    EU_CENTRAL_1_QSTASH_CURRENT_SIGNING_KEY: "eu-current-key",
    EU_CENTRAL_1_QSTASH_NEXT_SIGNING_KEY: "eu-next-key",
    QSTASH_CURRENT_SIGNING_KEY: "default-current-key",
    QSTASH_NEXT_SIGNING_KEY: "default-next-key",
  };
  const cases = [
    // [name, env, receiver config, signing key, upstashRegion, expected to verify]
    ["us header, us key", env, undefined, "us-current-key", "us-east-1", true],
    ["US-EAST-1 header normalised", env, undefined, "us-next-key", "US-EAST-1", true],
    ["eu header, eu key", env, undefined, "eu-current-key", "EU_CENTRAL_1", true],
    ["eu header, us key", env, undefined, "us-current-key", "eu-central-1", false],
    ["no header: default keys, warns", env, undefined, "default-current-key", undefined, true],
    ["invalid header: default keys, warns", env, undefined, "default-next-key", "INVALID_REGION", true],
    ["region keys missing: default keys", { QSTASH_REGION: "US_EAST_1", QSTASH_CURRENT_SIGNING_KEY: "default-current-key", QSTASH_NEXT_SIGNING_KEY: "default-next-key" }, undefined, "default-current-key", "US_EAST_1", true],
    ["region keys incomplete: default keys", { QSTASH_REGION: "US_EAST_1", US_EAST_1_QSTASH_CURRENT_SIGNING_KEY: "us-current-key", QSTASH_CURRENT_SIGNING_KEY: "default-current", QSTASH_NEXT_SIGNING_KEY: "default-next" }, undefined, "default-next", "US_EAST_1", true],
    ["no QSTASH_REGION: header ignored", { QSTASH_CURRENT_SIGNING_KEY: "default-current-key", QSTASH_NEXT_SIGNING_KEY: "default-next-key", US_EAST_1_QSTASH_CURRENT_SIGNING_KEY: "us-current-key", US_EAST_1_QSTASH_NEXT_SIGNING_KEY: "us-next-key" }, undefined, "us-current-key", "US_EAST_1", false],
    ["config keys beat region keys", env, { currentSigningKey: "config-current", nextSigningKey: "config-next" }, "config-next", "US_EAST_1", true],
    ["config keys: region key refused", env, { currentSigningKey: "config-current", nextSigningKey: "config-next" }, "us-current-key", "US_EAST_1", false],
    ["no keys at all", {}, undefined, "k", undefined, false],
    ["env default keys, no config", { QSTASH_CURRENT_SIGNING_KEY: "current-key", QSTASH_NEXT_SIGNING_KEY: "next-key" }, undefined, "next-key", undefined, true],
  ];
  for (const [name, e, config, key, upstashRegion, ok] of cases) {
    const signature = sign({ key, url, body });
    const request = { signature, body, url, ...(upstashRegion === undefined ? {} : { upstashRegion }) };
    const r = await withEnv(e, () => verifyBoth(config, request));
    assert.equal(r.official.value === true, ok, `official: ${name}`);
    assertSameVerdict(r, name);
  }
});

test("credentials: client.http shows the resolved baseUrl, authorization, retry, headers, telemetry and devMode, and client.token the token; a Receiver needs no config", async () => {
  const cases = [
    [{ QSTASH_TOKEN: "env-token", QSTASH_URL: "https://custom-qstash.upstash.io" }, undefined],
    [{ QSTASH_TOKEN: "env-token" }, { retry: false }],
    [{ QSTASH_TOKEN: "env-token" }, { retry: { retries: 2 } }],
    [{ QSTASH_TOKEN: "env-token" }, { headers: { "X-Team": "a", "Upstash-Retries": "2", "Content-Type": "text/plain" }, devMode: false }],
    [{ QSTASH_TOKEN: "env-token" }, { enableTelemetry: false, retry: { retries: 1, backoff: (n) => n * 7 } }],
    [{ QSTASH_TOKEN: "env-token" }, undefined],
    [{}, { token: "us-token", baseUrl: "https://us-qstash.upstash.io/" }],
    [{ QSTASH_REGION: "US_EAST_1", US_EAST_1_QSTASH_URL: "https://us-qstash.upstash.io", US_EAST_1_QSTASH_TOKEN: "us-token" }, undefined],
  ];
  for (const [env, config] of cases) {
    const out = {};
    for (const side of ["official", "ours"]) {
      const lib = libs[side];
      out[side] = await withEnv(env, async () => {
        const { value } = await capture(() => {
          const client = new lib.Client(config);
          const { http } = client;
          // The SDK's own name is the one telemetry value that differs by design.
          const telemetry = Object.fromEntries([...http.telemetryHeaders].filter(([k]) => k !== "upstash-telemetry-sdk"));
          return {
            baseUrl: http.baseUrl,
            authorization: http.authorization,
            attempts: http.retry.attempts,
            backoff: [typeof http.retry.backoff, http.retry.backoff(2)],
            token: client.token,
            headers: Object.fromEntries(http.headers),
            telemetry,
            sdkNamed: http.telemetryHeaders.has("upstash-telemetry-sdk") === (config?.enableTelemetry !== false),
            devMode: http.devMode,
            queueNames: [client.queue({ queueName: "orders" }).queueName, client.queue({ queueName: "" }).queueName, client.queue().queueName],
            receiver: typeof new lib.Receiver(),
          };
        });
        return value;
      });
    }
    assert.deepStrictEqual(out.ours, out.official, JSON.stringify([env, config]));
  }
  await withEnv({ QSTASH_TOKEN: "env-token", QSTASH_URL: "https://custom-qstash.upstash.io" }, async () => {
    for (const lib of [libs.official, libs.ours]) {
      const { http } = new lib.Client();
      assert.equal(http.baseUrl, "https://custom-qstash.upstash.io");
      assert.equal(http.authorization, "Bearer env-token");
      assert.equal(new lib.Client({ retry: false }).http.retry.attempts, 0);
    }
  });
});

scenario("client.http.request: endpoints without a Client method go through the Client's requester", async (c, x) => {
  const { http } = c;
  const body = JSON.stringify({ queueName: "http-request-queue", parallelism: 3 });
  const upserted = await x.step("POST /v2/queues", () =>
    http.request({ path: ["v2", "queues"], method: "POST", headers: { "Content-Type": "application/json" }, body, parseResponseAsJson: false }),
  );
  check(x, "parseResponseAsJson: false resolves undefined", upserted, undefined);
  const q = await x.step("GET /v2/queues/{name}", () => http.request({ path: ["v2", "queues", "http-request-queue"] }));
  check(x, "the queue", [q.name, q.parallelism, q.paused], ["http-request-queue", 3, false]);
  const events = await x.step("GET /v2/events with array and Date queries", () =>
    http.request({ path: ["v2", "events"], query: { messageIds: ["msg_a", "msg_b"], toDate: new Date(0), count: 5, skipped: undefined } }),
  );
  check(x, "no events match", events.events.length, 0);
  await x.step("empty array query", () => http.request({ path: ["v2", "events"], query: { messageIds: [] } }));
  await x.step("404", () => http.request({ path: ["v2", "queues", "no-such-queue"] }));
  await x.step("DELETE", () => http.request({ path: ["v2", "queues", "http-request-queue"], method: "DELETE", parseResponseAsJson: false }));
  const { err } = await capture(() => http.request({ path: ["v2", "queues"], headers: { Authorization: "Bearer wrong" } }));
  check(x, "a request's own Authorization wins (a wrong one is refused)", err ? [err.name, err.status] : "resolved", ["QstashError", 401]);
  check(x, "the queue is gone", (await c.queue().list()).some((q) => q.name === "http-request-queue"), false);
});

// ------------------------------------------------------------------------------------------------
// request shapes against a recording stand-in (official schedules.test.ts "correct headers" and
// missing-credentials.test.ts): what is sent, and what a 401 without a token becomes

/** Runs `fn(client)` for `lib` with every fetch answered by `answer` and recorded. */
async function recorded(lib, config, fn, answer) {
  return withEnv({}, async () => {
    const sent = [];
    const realFetch = globalThis.fetch;
    globalThis.fetch = async (input, init) => {
      const req = new Request(input, init);
      sent.push({ method: req.method, url: req.url, headers: Object.fromEntries(req.headers), body: await req.text() });
      return answer();
    };
    try {
      const { value, err, lines } = await capture(async () => fn(new lib.Client({ retry: false, ...config })));
      return { value, threw: err && describeError(err, lib), lines, sent };
    } finally {
      globalThis.fetch = realFetch;
    }
  });
}

/** A record without the telemetry header that names each SDK (ours is `qstash-wasm@<version>`). */
function withoutSdkName(r) {
  return {
    ...r,
    sent: r.sent.map(({ headers, ...rest }) => {
      const { "upstash-telemetry-sdk": sdk, ...others } = headers;
      if (sdk !== undefined) assert.match(sdk, /^(upstash-qstash-js|qstash-wasm)@\d/);
      return { ...rest, headers: others };
    }),
  };
}

test("request shape: schedules.create with global headers, a request header overriding one", async () => {
  const body = JSON.stringify([{ from: "Acme <onboarding@resend.dev>", to: ["foo@gmail.com"], subject: "hello world", html: "<h1>it works!</h1>" }]);
  const run = (lib) =>
    recorded(lib, { baseUrl: "https://qstash.example.test", token: "tok-123", headers: { "global-header": "g", "global-header-overwritten": "old" } }, (c) =>
      c.schedules.create({
        scheduleId: "asd",
        destination: "https://requestcatcher.com/",
        cron: "* * * * 1",
        body,
        headers: { "content-type": "application/json", "global-header-overwritten": "new", "request-header": "r" },
      }),
      () => Response.json({ scheduleId: "scd_1" }),
    );
  const [want, got] = [await run(libs.official), await run(libs.ours)];
  const req = want.sent[0];
  assert.equal(req.method, "POST");
  assert.equal(req.url, "https://qstash.example.test/v2/schedules/https://requestcatcher.com/");
  assert.equal(req.body, body);
  for (const [k, v] of Object.entries({
    authorization: "Bearer tok-123",
    "content-type": "application/json",
    "upstash-cron": "* * * * 1",
    "upstash-schedule-id": "asd",
    "upstash-forward-request-header": "r",
    "upstash-forward-global-header": "g",
    "upstash-forward-global-header-overwritten": "new",
  })) {
    assert.equal(req.headers[k], v, k);
  }
  assert.deepStrictEqual(want.value, { scheduleId: "scd_1" });
  assert.deepStrictEqual(withoutSdkName(got), withoutSdkName(want));
});

test("missing token: one warning at construction, a 401 is a QstashError each time", async () => {
  const out = {};
  for (const side of ["official", "ours"]) {
    const lib = libs[side];
    out[side] = await recorded(
      lib,
      { baseUrl: "https://qstash.example.test", devMode: false },
      async (c) => {
        const r = [];
        for (let i = 0; i < 2; i++) {
          try {
            await c.publishJSON({ url: "https://example.test", body: {} });
            r.push("resolved");
          } catch (e) {
            r.push(describeError(e, lib));
          }
        }
        return r;
      },
      () => new Response("Unauthorized", { status: 401 }),
    );
  }
  const w = out.official;
  assert.equal(w.lines.filter(([level]) => level === "warn").length, 1);
  assert.match(w.lines[0][1], /client token is not set/);
  assert.equal(w.value[0].status, 401);
  assert.equal(w.value[0].instanceOf.QstashError, true);
  assert.equal(w.sent[0].headers.authorization, "Bearer");
  assert.deepStrictEqual(withoutSdkName(out.ours), withoutSdkName(w));
});
