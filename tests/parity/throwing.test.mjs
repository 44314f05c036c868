// Parity for arguments whose reading runs the caller's code and throws: getters, `toString`,
// Proxy traps, BigInt in JSON bodies, a throwing `backoff`. Every official method is `async`, so
// what such code throws becomes the returned promise's rejection (the constructors and
// `client.queue()` are synchronous and throw). Ours reads the same values inside wasm; a JS
// exception that unwound through wasm frames would skip Rust's clean-up and, inside a future's
// poll, leave the executor stuck, so every later promise hung and Node exited on the uncaught
// error. Here each case must, on both sides:
//   - throw or reject exactly as the official does (the record: sync or async, class, message),
//   - with the very object the caller's code threw, where it threw one,
//   - send nothing to the server for that call,
//   - and leave the client working: the next call on the same client succeeds.
//
//   QSTASH_WASM_PKG=<installed package dir> node --test tests/parity/throwing.test.mjs
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { TOKENS, loadLibraries, startServer, describeError } from "./harness.mjs";
import { signToken as sign } from "../support/jwt.mjs";

const libs = await loadLibraries();
let server;

before(async () => {
  server = await startServer();
});
after(async () => {
  await server?.stop();
});

/** A value whose string conversion throws `error`. */
const throwsOnString = (error) => ({
  toString() {
    throw error;
  },
});

/** `{...fields}` plus a getter `name` that throws `error`. */
const withThrowingGetter = (fields, name, error) =>
  Object.defineProperty({ ...fields }, name, {
    enumerable: true,
    get() {
      throw error;
    },
  });

/** A Proxy whose every read throws `error`. */
const throwingProxy = (error) =>
  new Proxy(
    {},
    {
      get() {
        throw error;
      },
      has() {
        throw error;
      },
      ownKeys() {
        throw error;
      },
    },
  );

/** How `call()` ended: a synchronous throw, a rejection or a value; and whether the error is
 * the one the caller's code threw (`planted`). Console lines are collected, not printed. */
async function outcome(lib, call, planted) {
  const lines = [];
  const saved = [console.error, console.warn];
  console.error = (...a) => lines.push(["error", a.map(String).join(" ")]);
  console.warn = (...a) => lines.push(["warn", a.map(String).join(" ")]);
  try {
    let promise;
    try {
      promise = call();
    } catch (err) {
      return { sync: true, threw: describeError(err, lib), planted: err === planted, lines };
    }
    try {
      return { value: await promise, lines };
    } catch (err) {
      return { rejected: describeError(err, lib), planted: err === planted, lines };
    }
  } finally {
    [console.error, console.warn] = saved;
  }
}

/** Messages this side's user has on the server (what a call may have published). */
async function published(side) {
  const r = await fetch(`${server.url}/v2/events`, { headers: { authorization: `Bearer ${TOKENS[side]}` } });
  return (await r.json()).events.length;
}

const DEST = "http://127.0.0.1:9/never-delivered";

/**
 * Cases: [name, (client, lib, boom) => call, expect]. `boom` is a fresh Error to plant.
 * `expect`: "reject" (the planted error rejects the promise), "throw" (thrown synchronously), or
 * a function checking the official's outcome for cases that end with an engine error.
 */
const CASES = [
  ["publish: label whose toString throws", (c, _, boom) => c.publish({ url: DEST, body: "x", label: throwsOnString(boom) }), "reject"],
  ["publish: url getter throws", (c, _, boom) => c.publish(withThrowingGetter({ body: "x" }, "url", boom)), "reject"],
  ["publish: a header value whose toString throws", (c, _, boom) => c.publish({ url: DEST, body: "x", headers: { "x-a": throwsOnString(boom) } }), "reject"],
  ["publish: the request is a throwing Proxy", (c, _, boom) => c.publish(throwingProxy(boom)), "reject"],
  ["publish: a throwing getter among the options (delay)", (c, _, boom) => c.publish(withThrowingGetter({ url: DEST, body: "x" }, "delay", boom)), "reject"],
  ["publishJSON: a BigInt in the body", (c) => c.publishJSON({ url: DEST, body: { n: 1n } }), (o) => o.rejected?.class === "TypeError"],
  ["publishJSON: a body whose toJSON throws", (c, _, boom) => c.publishJSON({ url: DEST, body: { toJSON() { throw boom; } } }), "reject"],
  ["batch: an item's label getter throws", (c, _, boom) => c.batch([{ url: DEST, body: "a" }, withThrowingGetter({ url: DEST, body: "b" }, "label", boom)]), "reject"],
  ["batchJSON: a BigInt in one body", (c) => c.batchJSON([{ url: DEST, body: { ok: 1 } }, { url: DEST, body: { n: 2n } }]), (o) => o.rejected?.class === "TypeError"],
  ["queue: a queue name whose toString throws", (c, _, boom) => c.queue({ queueName: throwsOnString(boom) }).get(), "reject"],
  ["queue: enqueue with a throwing callback getter", (c, _, boom) => c.queue({ queueName: "q-throw" }).enqueue(withThrowingGetter({ url: DEST, body: "x" }, "callback", boom)), "reject"],
  ["client.queue: the options' getter throws (synchronous, as the official)", (c, _, boom) => c.queue(withThrowingGetter({}, "queueName", boom)), "throw"],
  ["messages.get: an id whose toString throws", (c, _, boom) => c.messages.get(throwsOnString(boom)), "reject"],
  ["messages.cancel: a filter getter throws", (c, _, boom) => c.messages.cancel({ filter: withThrowingGetter({}, "label", boom) }), "reject"],
  ["logs: a filter value whose toString throws", (c, _, boom) => c.logs({ filter: { state: throwsOnString(boom) } }), "reject"],
  ["logs: a filter that is a throwing Proxy", (c, _, boom) => c.logs({ filter: throwingProxy(boom) }), "reject"],
  ["logs: a null filter value (the official's toString of null)", (c) => c.logs({ filter: { label: null } }), (o) => o.rejected?.class === "TypeError"],
  ["dlq.listMessages: a filter value whose toString throws", (c, _, boom) => c.dlq.listMessages({ filter: { url: throwsOnString(boom) } }), "reject"],
  ["dlq.delete: a dlqIds item whose toString throws", (c, _, boom) => c.dlq.delete({ dlqIds: [throwsOnString(boom)] }), "reject"],
  ["dlq.retry: a filter that is a throwing Proxy", (c, _, boom) => c.dlq.retry({ filter: throwingProxy(boom) }), "reject"],
  ["schedules.create: a cron getter throws", (c, _, boom) => c.schedules.create(withThrowingGetter({ destination: DEST }, "cron", boom)), "reject"],
  ["schedules.get: an id whose toString throws", (c, _, boom) => c.schedules.get(throwsOnString(boom)), "reject"],
  ["urlGroups.addEndpoints: an endpoint url getter throws", (c, _, boom) => c.urlGroups.addEndpoints({ name: "g-throw", endpoints: [withThrowingGetter({}, "url", boom)] }), "reject"],
  ["flowControl.pin: a parallelism whose toString throws", (c, _, boom) => c.flowControl.pin("k-throw", { parallelism: throwsOnString(boom) }), "reject"],
  ["flowControl.get: a key whose toString throws", (c, _, boom) => c.flowControl.get(throwsOnString(boom)), "reject"],
];

for (const [name, call, expect] of CASES) {
  test(`throwing input: ${name}`, async () => {
    const records = {};
    for (const side of ["official", "ours"]) {
      const lib = libs[side];
      const client = new lib.Client({ baseUrl: server.url, token: TOKENS[side], retry: false });
      const before = await published(side);
      const boom = new Error(`boom from ${name}`);
      const o = await outcome(lib, () => call(client, lib, boom), boom);
      if (expect === "reject") {
        assert.ok(o.rejected, `${side}: expected a rejection, got ${JSON.stringify(o)}`);
        assert.equal(o.planted, true, `${side}: rejected with another error: ${JSON.stringify(o)}`);
      } else if (expect === "throw") {
        assert.ok(o.sync, `${side}: expected a synchronous throw, got ${JSON.stringify(o)}`);
        assert.equal(o.planted, true, `${side}: threw another error: ${JSON.stringify(o)}`);
      } else {
        assert.ok(expect(o), `${side}: unexpected outcome ${JSON.stringify(o)}`);
      }
      assert.equal(await published(side), before, `${side}: the failed call published something`);
      // The same client still works afterwards.
      const after = await outcome(lib, () => client.publish({ url: DEST, body: "after", delay: 3600 }));
      assert.ok(after.value?.messageId, `${side}: the next publish failed: ${JSON.stringify(after)}`);
      records[side] = o;
    }
    assert.deepStrictEqual(records.ours, records.official);
  });
}

test("throwing input: a request Proxy that throws only for options publish never reads publishes on both", async () => {
  const records = {};
  for (const side of ["official", "ours"]) {
    const client = new libs[side].Client({ baseUrl: server.url, token: TOKENS[side], retry: false });
    const request = new Proxy(
      { url: DEST, body: "strict", delay: 3600 },
      {
        get(target, key) {
          if (key === "cron" || key === "scheduleId" || key === "queueName") throw new Error(`read ${String(key)}`);
          return target[key];
        },
      },
    );
    const o = await outcome(libs[side], () => client.publish(request));
    assert.ok(o.value?.messageId, `${side}: ${JSON.stringify(o)}`);
    records[side] = Object.keys(o.value).sort();
  }
  assert.deepStrictEqual(records.ours, records.official);
});

test("throwing input: the Client constructor rethrows what a config getter throws", () => {
  for (const side of ["official", "ours"]) {
    const boom = new Error("config boom");
    const config = withThrowingGetter({ baseUrl: server.url }, "token", boom);
    assert.throws(() => new libs[side].Client(config), (e) => e === boom, side);
    // The module still works.
    assert.ok(new libs[side].Client({ baseUrl: server.url, token: TOKENS[side] }).queue({ queueName: "q" }), side);
  }
});

test("throwing input: a queue name that is a number is used as the official uses it (String in paths, raw in the body)", async () => {
  const records = {};
  for (const side of ["official", "ours"]) {
    const client = new libs[side].Client({ baseUrl: server.url, token: TOKENS[side], retry: false });
    const queue = client.queue({ queueName: 7 });
    const steps = [queue.queueName];
    steps.push(await outcome(libs[side], () => queue.upsert({ parallelism: 1 })));
    steps.push(await outcome(libs[side], () => queue.get()));
    steps.push(await outcome(libs[side], () => queue.delete()));
    steps.push(await outcome(libs[side], () => client.queue({ queueName: 0 }).get()));
    records[side] = JSON.parse(JSON.stringify(steps, (k, v) => (k === "createdAt" || k === "updatedAt" ? "<ts>" : v)));
  }
  assert.equal(records.official[0], 7);
  // qstash-dev refuses a non-string name in the upsert body; the path renders it as "7".
  assert.equal(records.official[1].rejected?.status, 400);
  assert.match(records.official[2].rejected?.message ?? "", /queue 7 not found/);
  assert.equal(records.official[4].rejected?.message, "Please provide a queue name to the Queue constructor");
  assert.deepStrictEqual(records.ours, records.official);
});

test("throwing input: a backoff that throws rejects with its error after the first network failure; one that returns nothing retries at once", async () => {
  const records = {};
  for (const side of ["official", "ours"]) {
    const lib = libs[side];
    const boom = new Error("backoff boom");
    const throwing = new lib.Client({ baseUrl: "http://127.0.0.1:1", token: "t", retry: { retries: 2, backoff: () => { throw boom; } } });
    const a = await outcome(lib, () => throwing.messages.get("m"), boom);
    assert.ok(a.rejected && a.planted, `${side}: ${JSON.stringify(a)}`);
    assert.deepStrictEqual(a.lines, [], `${side}: nothing is logged before the backoff throws`);
    const calls = [];
    const silent = new lib.Client({ baseUrl: "http://127.0.0.1:1", token: "t", retry: { retries: 2, backoff: (n) => { calls.push(n); } } });
    const b = await outcome(lib, () => silent.messages.get("m"));
    assert.deepStrictEqual(calls, [0, 1], side);
    assert.match(b.lines[0]?.[1] ?? "", /retrying in NaNms/, side);
    records[side] = [a, b];
  }
  assert.deepStrictEqual(records.ours, records.official);
});

test("throwing input: the Receiver rethrows a config getter's error, and verify rejects with a request getter's", async () => {
  const key = "sig_current";
  const token = sign({ key, body: "b", url: "https://x.test/h" });
  for (const side of ["official", "ours"]) {
    const { Receiver } = libs[side];
    const boom = new Error("receiver config boom");
    assert.throws(() => new Receiver(withThrowingGetter({ nextSigningKey: "n" }, "currentSigningKey", boom)), (e) => e === boom, side);
    const receiver = new Receiver({ currentSigningKey: key, nextSigningKey: "sig_next" });
    for (const field of ["signature", "body", "url", "clockTolerance"]) {
      const err = new Error(`${field} boom`);
      const request = withThrowingGetter({ signature: token, body: "b", url: "https://x.test/h" }, field, err);
      await assert.rejects(receiver.verify(request), (e) => e === err, `${side} ${field}`);
    }
    // Extra config fields are ignored, as by the official; the receiver still verifies.
    const spread = new Receiver({ currentSigningKey: key, nextSigningKey: "sig_next", clockTolerance: 5 });
    assert.equal(await spread.verify({ signature: token, body: "b", url: "https://x.test/h" }), true, side);
  }
});
