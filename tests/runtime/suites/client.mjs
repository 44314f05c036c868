// Runtime suite "client": the smoke round trip of the Client in whichever runtime runs it
// (Node, Deno, workerd, Chromium) against our local server — publish, delivery, signature
// verification *in this runtime* with our Receiver, logs, DLQ retry, and a schedule.
//
// `run(lib, ctx)` uses only web APIs (fetch, setTimeout, crypto), so the same file runs
// everywhere. What it needs from ctx:
//   ctx.serverUrl   qstash-dev base URL (required)
//   ctx.sinkUrl     a Node-side recording endpoint (see `setup` below) reachable from the runtime
//                   and from qstash-dev: every request to `${sinkUrl}/<path>` is recorded and
//                   answered 200 (500 when the path contains "/fail"); `GET ${sinkUrl}/__records?path=<p>`
//                   returns the records for that path as JSON [{ path, method, headers, body }]
//   ctx.token, ctx.currentSigningKey, ctx.nextSigningKey  (default: qstash-dev's dev user)
//
// `setup()` (Node only) starts qstash-dev (temp db, port 0) and the sink and returns
// `{ ctx, teardown }`, for runners that have no server of their own; runners that do just pass
// ctx. The function throws on the first failed check, naming it.

const DEV_TOKEN = "eyJVc2VySUQiOiJkZWZhdWx0VXNlciIsIlBhc3N3b3JkIjoiZGVmYXVsdFBhc3N3b3JkIn0=";
const DEV_CURRENT = "sig_7kYjw48mhY7kAjqNGcy6cr29RJ6r";
const DEV_NEXT = "sig_5ZB6DVzB1wjE8S6rZ7eenA8Pdnhs";

/** The suite's name in reports. */
export const name = "client";

function check(cond, what) {
  if (!cond) throw new Error(`client suite: ${what}`);
}

async function eventually(what, fn, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`client suite: timed out waiting for ${what}${last ? ` (${last.message})` : ""}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Runs the round trip; resolves to a summary of what was checked. */
export async function run(lib, ctx) {
  check(ctx && ctx.serverUrl && ctx.sinkUrl, "ctx.serverUrl and ctx.sinkUrl are required");
  const { Client, Receiver } = lib;
  check(typeof Client === "function" && typeof Receiver === "function", "the package exports Client and Receiver");
  const client = new Client({ baseUrl: ctx.serverUrl, token: ctx.token ?? DEV_TOKEN });
  const receiver = new Receiver({
    currentSigningKey: ctx.currentSigningKey ?? DEV_CURRENT,
    nextSigningKey: ctx.nextSigningKey ?? DEV_NEXT,
  });
  // Unique paths: the same server and sink may serve several runtimes at once.
  const id = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const records = async (path) => {
    const res = await fetch(`${ctx.sinkUrl}/__records?path=${encodeURIComponent(path)}`);
    check(res.ok, `sink records answered ${res.status}`);
    return res.json();
  };
  const deliveredTo = (path, n = 1) => eventually(`${n} deliveries to ${path}`, async () => {
    const r = await records(path);
    return r.length >= n && r;
  });
  const verify = async (rec, path) => {
    const ok = await receiver.verify({ signature: rec.headers["upstash-signature"], body: rec.body, url: `${ctx.sinkUrl}${path}` });
    check(ok === true, `signature of the delivery to ${path} verifies`);
  };
  const done = [];

  // 1. publishJSON → delivery → verify here.
  const okPath = `/rt-${id}/ok`;
  const published = await client.publishJSON({ url: `${ctx.sinkUrl}${okPath}`, body: { hello: id }, headers: { "X-Runtime-Suite": "client" } });
  check(typeof published.messageId === "string", "publishJSON returns a messageId");
  const [delivery] = await deliveredTo(okPath);
  check(JSON.parse(delivery.body).hello === id, "the delivered body is the published JSON");
  check(delivery.headers["x-runtime-suite"] === "client", "forwarded header arrives");
  await verify(delivery, okPath);
  done.push("publish", "delivery", "verify");

  // 2. logs show the delivery.
  await eventually("a DELIVERED log", async () => {
    const { logs } = await client.logs({ filter: { messageId: published.messageId } });
    return logs.some((l) => l.state === "DELIVERED");
  });
  done.push("logs");

  // 3. a failing destination lands in the DLQ; retrying it delivers again.
  const failPath = `/rt-${id}/fail`;
  const failed = await client.publish({ url: `${ctx.sinkUrl}${failPath}`, body: "dlq me", retries: 0 });
  const entry = await eventually("the DLQ entry", async () => {
    const { messages } = await client.dlq.listMessages();
    return messages.find((m) => m.messageId === failed.messageId);
  });
  const retried = await client.dlq.retry(entry.dlqId);
  check(retried.responses.length === 1, "dlq.retry answers one response");
  const attempts = await deliveredTo(failPath, 2);
  await verify(attempts[1], failPath);
  done.push("dlq", "dlq retry");

  // 4. a schedule: create, read back, pause, resume, delete.
  const { scheduleId } = await client.schedules.create({ destination: `${ctx.sinkUrl}/rt-${id}/cron`, cron: "*/5 * * * *" });
  const schedule = await client.schedules.get(scheduleId);
  check(schedule.cron === "*/5 * * * *", "the schedule reads back");
  await client.schedules.pause({ schedule: scheduleId });
  check((await client.schedules.get(scheduleId)).isPaused === true, "the schedule pauses");
  await client.schedules.resume({ schedule: scheduleId });
  await client.schedules.delete(scheduleId);
  let gone = false;
  try {
    await client.schedules.get(scheduleId);
  } catch (e) {
    gone = e instanceof lib.QstashError && e.status === 404;
  }
  check(gone, "a deleted schedule is a 404 QstashError");
  done.push("schedule");
  return { checked: done };
}

/**
 * Node only: starts qstash-dev (fresh temp db, port 0) and the recording sink; returns
 * `{ ctx, teardown }`. `bin` defaults to target/debug/qstash-dev.
 */
export async function setup({ bin } = {}) {
  // `process.getBuiltinModule` (Node >= 20.16) rather than `import("node:…")`: this file is
  // also bundled into the workerd test worker, whose module walker rejects any import of a
  // Node built-in, even a dynamic one that never runs there.
  const builtin = (name) => globalThis.process.getBuiltinModule(`node:${name}`);
  const { spawn } = builtin("child_process");
  const http = builtin("http");
  const fs = builtin("fs");
  const os = builtin("os");
  const path = builtin("path");
  const { fileURLToPath } = builtin("url");
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
  const exe = bin ?? process.env.QSTASH_DEV_BIN ?? path.join(root, "target/debug/qstash-dev");
  check(fs.existsSync(exe), `qstash-dev binary at ${exe} (cargo build -p qstash-server --bin qstash-dev)`);

  const records = [];
  const sink = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const cors = { "access-control-allow-origin": "*", "access-control-allow-headers": "*", "access-control-allow-methods": "*" };
      const u = new URL(req.url, "http://sink");
      if (req.method === "OPTIONS") {
        res.writeHead(204, cors).end();
        return;
      }
      if (u.pathname === "/__records") {
        const p = u.searchParams.get("path");
        res.writeHead(200, { ...cors, "content-type": "application/json" });
        res.end(JSON.stringify(records.filter((r) => r.path === p)));
        return;
      }
      records.push({ path: u.pathname, method: req.method, headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      const status = u.pathname.includes("/fail") ? 500 : 200;
      res.writeHead(status, { ...cors, "content-type": "application/json" });
      res.end(JSON.stringify({ ok: status === 200 }));
    });
  });
  await new Promise((r) => sink.listen(0, "127.0.0.1", r));
  const sinkUrl = `http://127.0.0.1:${sink.address().port}`;

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qstash-rt-"));
  const child = spawn(exe, ["--port", "0", "--db", path.join(dir, "q.db")], { stdio: ["ignore", "pipe", "inherit"] });
  // Listening for the exit from the start: a listener added later could miss it.
  const exited = new Promise((r) => child.once("exit", r));
  const serverUrl = await new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error("qstash-dev did not start within 30 s")), 30_000);
    const early = (code) => { clearTimeout(timer); reject(new Error(`qstash-dev exited with ${code}`)); };
    child.once("exit", early);
    const onData = (d) => {
      out += d;
      const m = /running at (http:\/\/\S+)/.exec(out);
      if (m) {
        // Only this handler's own listeners go: `removeAllListeners("exit")` here used to drop
        // the teardown's too, whenever a later stdout chunk matched again, and the teardown
        // then waited forever for an exit it had missed.
        clearTimeout(timer);
        child.off("exit", early);
        child.stdout.off("data", onData);
        child.stdout.resume();
        resolve(m[1]);
      }
    };
    child.stdout.on("data", onData);
  });
  return {
    ctx: { serverUrl, sinkUrl, token: DEV_TOKEN, currentSigningKey: DEV_CURRENT, nextSigningKey: DEV_NEXT },
    teardown: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      // A graceful stop waits for in-flight deliveries; do not let that hang the runner.
      const kill = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(kill);
      await new Promise((r) => { sink.closeAllConnections?.(); sink.close(r); });
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
