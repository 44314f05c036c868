// Dev mode of the Client, official vs ours. With `devMode: true` (or QSTASH_DEV=1/true) the
// official Client starts or checks the local dev server from its constructor and awaits it
// before every request (`ensureDevelopmentServer`); ours must do the same observable things:
// the same requests reach the dev port in the same order, the same errors are thrown at the
// same moments, nothing happens with dev mode off or in production.
//
// In this process both libraries share one fake dev server that records every request. Node's
// "started once" state is per process, so the tests run in a fixed order: devMode off and
// production first (nothing may have been checked yet, so a stray check would show), then the
// first real check. Edge runtimes are simulated by hiding `process.release`, which both SDKs
// read to choose between starting a server and only pinging it. Starting a server for real runs
// in child processes: ours starts target/debug/qstash-dev through QSTASH_DEV_BINARY; the
// official starts the same binary from its download cache (populated by the test, its download
// made to fail as if offline, so nothing is fetched).
//
// Run by scripts/test-parity.sh; alone with
//   QSTASH_WASM_PKG=<installed package dir> node --test tests/parity/devmode.test.mjs
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { once } from "node:events";
import { pathToFileURL } from "node:url";
import { ROOT, loadLibraries, describeError, eventually, startServer, runProcess } from "./harness.mjs";
import { DEV_TOKEN, DEV_CURRENT, DEV_NEXT } from "../server-sdk/harness.mjs";
import { signToken } from "../support/jwt.mjs";

const PKG_DIR = process.env.QSTASH_WASM_PKG;
const libs = await loadLibraries();
const SIDES = ["official", "ours"];
const PREFIX = "\x1B[2m[QStash Dev]\x1B[0m";
const DEV_ENV = ["QSTASH_DEV", "QSTASH_DEV_PORT", "QSTASH_DEV_BINARY", "NODE_ENV", "NEXT_PHASE"];
const DEST = "http://127.0.0.1:9/hook";

/** Runs `fn` with exactly `vars` set among the dev-mode variables, restoring them after. */
async function withEnv(vars, fn) {
  const saved = Object.fromEntries(DEV_ENV.map((k) => [k, process.env[k]]));
  for (const k of DEV_ENV) delete process.env[k];
  Object.assign(process.env, vars);
  try {
    return await fn();
  } finally {
    for (const k of DEV_ENV) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  }
}

/** Console output as data; an `Error` argument becomes `<name: message>`. */
function captureConsole() {
  const lines = [];
  const saved = { log: console.log, warn: console.warn, error: console.error };
  for (const level of Object.keys(saved)) {
    console[level] = (...args) => lines.push([level, ...args.map((a) => (a instanceof Error ? `<${a.name}: ${a.message}>` : a))]);
  }
  return { lines, restore: () => Object.assign(console, saved) };
}

async function freePort() {
  const s = createServer();
  s.listen(0, "127.0.0.1");
  await once(s, "listening");
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

/**
 * A stand-in dev server: `/v2/keys` answers the dev keys, `/v2/events` an empty page, anything
 * else `{"messageId":"msg_fake"}`. Records `METHOD path auth` for every request, where auth is
 * `dev` for the dev token.
 */
async function startFakeDevServer() {
  const seen = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const auth = req.headers.authorization === `Bearer ${DEV_TOKEN}` ? "dev" : (req.headers.authorization ?? "none");
      seen.push(`${req.method} ${req.url} ${auth}`);
      const body = req.url === "/v2/keys" ? { current: DEV_CURRENT, next: DEV_NEXT } : req.url.startsWith("/v2/events") ? { cursor: "", events: [] } : { messageId: "msg_fake" };
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const port = server.address().port;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    seen,
    async stop() {
      server.closeAllConnections?.();
      await new Promise((r) => server.close(r));
    },
  };
}

const fake = await startFakeDevServer();
after(() => fake.stop());

/**
 * Runs `fn(lib, lines)` for each side against a cleared request record (`lines`: the console
 * output so far); returns per side the value or the thrown error (described), the console lines
 * and the requests the fake server saw.
 */
async function both(fn) {
  const out = {};
  for (const side of SIDES) {
    const lib = libs[side];
    fake.seen.length = 0;
    const cap = captureConsole();
    try {
      out[side] = { value: await fn(lib, cap.lines) };
    } catch (err) {
      out[side] = { threw: describeError(err, lib) };
    } finally {
      cap.restore();
    }
    out[side].console = cap.lines;
    out[side].requests = [...fake.seen];
  }
  return out;
}

/** Both sides, which must agree on everything. */
async function same(fn) {
  const out = await both(fn);
  assert.deepStrictEqual(out.ours, out.official);
  return out.official;
}

test("devMode off: the dev server is never checked, started or waited for", async () => {
  const config = { baseUrl: fake.url, token: "tok", retry: false };
  const publish = `POST /v2/publish/${DEST} Bearer tok`;
  // The fake server is also on the dev port, so a check by either client would be recorded.
  // `devMode: null` is off: the official tests `!== undefined`, then the value's truthiness.
  for (const [env, devMode] of [[{}, undefined], [{ QSTASH_DEV: "0" }, undefined], [{ QSTASH_DEV: "false" }, undefined], [{ QSTASH_DEV: "" }, undefined], [{ QSTASH_DEV: "1" }, false], [{ QSTASH_DEV: "bogus" }, false], [{ QSTASH_DEV: "1" }, null]]) {
    const out = await withEnv({ ...env, QSTASH_DEV_PORT: String(fake.port) }, () =>
      same(async (lib) => {
        const client = new lib.Client({ ...config, devMode });
        return await client.publishJSON({ url: DEST, body: { a: 1 } });
      }),
    );
    assert.deepEqual(out.requests, [publish], `${JSON.stringify(env)} devMode=${devMode}`);
    assert.deepEqual(out.console, []);
  }
});

test("devMode in production (NODE_ENV=production or a Next.js build): dev credentials, nothing checked", async () => {
  for (const env of [{ NODE_ENV: "production" }, { NEXT_PHASE: "phase-production-build" }]) {
    for (const dev of [{ devMode: true }, { env: { QSTASH_DEV: "1" } }]) {
      const out = await withEnv({ ...env, ...dev.env, QSTASH_DEV_PORT: String(fake.port) }, () =>
        same(async (lib) => {
          const client = new lib.Client({ devMode: dev.devMode, retry: false });
          return await client.publishJSON({ url: DEST, body: { a: 1 } });
        }),
      );
      assert.deepEqual(out.requests, [`POST /v2/publish/${DEST} dev`], JSON.stringify({ env, dev }));
      assert.deepEqual(out.value, { messageId: "msg_fake" });
    }
  }
});

test("devMode true, a dev server already up: the constructor checks it once, then requests go through", async () => {
  const out = await withEnv({ QSTASH_DEV_PORT: String(fake.port) }, () =>
    both(async (lib) => {
      const client = new lib.Client({ devMode: true, retry: false });
      const published = await client.publishJSON({ url: DEST, body: { a: 1 } });
      const message = await client.messages.get(published.messageId);
      // A second client in the same process: the server is known to run, nothing is checked.
      const again = await new lib.Client({ devMode: true, retry: false }).publish({ url: DEST, body: "b" });
      return { published, message: message.messageId, again };
    }),
  );
  assert.deepStrictEqual(out.ours.value, out.official.value);
  assert.deepStrictEqual(out.ours.requests, out.official.requests);
  assert.deepEqual(out.official.requests, [`GET /v2/keys dev`, `POST /v2/publish/${DEST} dev`, `GET /v2/messages/msg_fake dev`, `POST /v2/publish/${DEST} dev`]);
  // One log line each; the official's adds a link to Upstash's hosted console on a second line.
  for (const side of SIDES) {
    assert.deepEqual(out[side].console.map(([level]) => level), ["log"], side);
    assert.equal(out[side].console[0][1].split("\n")[0], `${PREFIX} Server already running at ${fake.url}`, side);
  }
});

test("devMode true: a publish loop (ours sends its last request again, see MemoSlot) goes through the dev server each time", async () => {
  const out = await withEnv({ QSTASH_DEV_PORT: String(fake.port) }, () =>
    both(async (lib) => {
      const client = new lib.Client({ devMode: true, retry: false });
      const request = { url: DEST, body: "a", retries: 2, headers: { "X-Loop": "1" } };
      const results = [];
      for (const body of ["a", "b", "c"]) {
        request.body = body;
        results.push(await client.publish(request));
      }
      results.push(await client.queue({ queueName: "q" }).enqueue(request));
      results.push(await client.queue({ queueName: "q" }).enqueue(request));
      return results;
    }),
  );
  assert.deepStrictEqual(out.ours.value, out.official.value);
  assert.deepStrictEqual(out.ours.requests, out.official.requests);
  assert.equal(out.official.value?.length, 5, JSON.stringify(out.official));
  assert.deepEqual(out.official.requests.filter((r) => !r.startsWith("GET /v2/keys")), [
    `POST /v2/publish/${DEST} dev`, `POST /v2/publish/${DEST} dev`, `POST /v2/publish/${DEST} dev`,
    `POST /v2/enqueue/q/${DEST} dev`, `POST /v2/enqueue/q/${DEST} dev`,
  ]);
});

test("QSTASH_DEV=1/true turns dev mode on: config credentials ignored with the official's warning", async () => {
  for (const value of ["1", "true"]) {
    const out = await withEnv({ QSTASH_DEV: value, QSTASH_DEV_PORT: String(fake.port) }, () =>
      same(async (lib) => {
        const client = new lib.Client({ baseUrl: "https://qstash.example", token: "tok", retry: false });
        return await client.publishJSON({ url: DEST, body: { a: 1 } });
      }),
    );
    assert.deepEqual(out.requests, [`POST /v2/publish/${DEST} dev`]);
    assert.deepEqual(out.console, [["warn", `${PREFIX} Dev mode is active. Ignoring baseUrl/token from config. Set devMode: false to use your own credentials.`]]);
  }
});

test("an invalid QSTASH_DEV: the constructor throws; devMode overrides it; a later change fails each request", async () => {
  const ctor = await withEnv({ QSTASH_DEV: "bogus" }, () => same((lib) => new lib.Client({ baseUrl: fake.url, token: "tok" })));
  assert.equal(ctor.threw.class, "Error");
  assert.equal(ctor.threw.message, "[QStash Dev] Invalid value for QSTASH_DEV in environment: bogus");

  const forced = await withEnv({ QSTASH_DEV: "bogus", QSTASH_DEV_PORT: String(fake.port) }, () =>
    same((lib) => new lib.Client({ devMode: true, retry: false }).publishJSON({ url: DEST, body: { a: 1 } })),
  );
  assert.deepEqual(forced.value, { messageId: "msg_fake" });

  // `devMode` unset: each request reads QSTASH_DEV again, as the official's does.
  const later = await withEnv({ QSTASH_DEV: "1", QSTASH_DEV_PORT: String(fake.port) }, () =>
    same(async (lib) => {
      const client = new lib.Client({ retry: false });
      process.env.QSTASH_DEV = "yes";
      try {
        return await client.publishJSON({ url: DEST, body: { a: 1 } });
      } finally {
        process.env.QSTASH_DEV = "1";
      }
    }),
  );
  assert.equal(later.threw.message, "[QStash Dev] Invalid value for QSTASH_DEV in environment: yes");
  assert.deepEqual(later.requests, [], "nothing may be sent");
});

/** Runs `fn` as on an edge runtime: both SDKs take a missing `process.release.name` for one. */
async function asEdgeRuntime(fn) {
  const release = Object.getOwnPropertyDescriptor(process, "release");
  Object.defineProperty(process, "release", { ...release, value: {} });
  try {
    return await fn();
  } finally {
    Object.defineProperty(process, "release", release);
  }
}

test("edge runtimes: the dev server is pinged before every request (Client, chat() and workflow alike)", async () => {
  const out = await withEnv({ QSTASH_DEV_PORT: String(fake.port) }, () =>
    asEdgeRuntime(() =>
      same(async (lib) => {
        const client = new lib.Client({ devMode: true, retry: false });
        // The constructor's ping is not awaited by anyone: wait for it, so the record's order is fixed.
        await eventually("the constructor's ping", () => fake.seen.length === 1, 5_000, 5);
        const results = [];
        results.push(await client.publishJSON({ url: DEST, body: { a: 1 } }));
        results.push(await client.messages.delete("msg_fake"));
        results.push(await client.logs({ filter: { state: "DELIVERED" } }));
        results.push(await client.workflow.cancel("wfr_1"));
        try {
          await client.logs({ messageIds: [] });
        } catch (err) {
          results.push(describeError(err, lib));
        }
        return results;
      }),
    ),
  );
  const ping = "GET /v2/keys dev";
  assert.deepEqual(out.requests, [
    ping,
    ping,
    `POST /v2/publish/${DEST} dev`,
    ping,
    "DELETE /v2/messages/msg_fake dev",
    ping,
    "GET /v2/events?state=DELIVERED dev",
    ping,
    "DELETE /v2/workflows/runs/wfr_1?cancel=true dev",
    // The empty array is refused only after the ping, where the official builds the URL.
    ping,
  ]);
  assert.equal(out.value.at(-1).class, "QstashEmptyArrayError");
  assert.deepEqual(out.console, []);
});

test("edge runtimes: a publish loop (ours sends its last request again, see MemoSlot) pings before every request too", async () => {
  const out = await withEnv({ QSTASH_DEV_PORT: String(fake.port) }, () =>
    asEdgeRuntime(() =>
      same(async (lib) => {
        const client = new lib.Client({ devMode: true, retry: false });
        await eventually("the constructor's ping", () => fake.seen.length === 1, 5_000, 5);
        const request = { url: DEST, retries: 1, body: "a" };
        const results = [];
        for (const body of ["a", "b", "c"]) {
          request.body = body;
          results.push(await client.publish(request));
        }
        results.push(await client.publishJSON({ url: DEST, body: { a: 1 } }));
        results.push(await client.publishJSON({ url: DEST, body: { a: 1 } }));
        return results;
      }),
    ),
  );
  const ping = "GET /v2/keys dev";
  const publish = `POST /v2/publish/${DEST} dev`;
  assert.deepEqual(out.requests, [ping, ping, publish, ping, publish, ping, publish, ping, publish, ping, publish]);
  assert.equal(out.value.length, 5);
});

test("edge runtimes, dev server down: the constructor logs, every request rejects, nothing is sent", async () => {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const out = await withEnv({ QSTASH_DEV_PORT: String(port) }, () =>
    asEdgeRuntime(() =>
      both(async (lib, lines) => {
        const results = [];
        const client = new lib.Client({ devMode: true, retry: false });
        for (const call of [() => client.publishJSON({ url: DEST, body: { a: 1 } }), () => client.messages.get("m"), () => client.logs({ messageIds: [] }), () => client.workflow.cancel("r")]) {
          try {
            results.push({ value: await call() });
          } catch (err) {
            results.push({ threw: describeError(err, lib) });
          }
        }
        // The constructor's failure is logged when its own (unawaited) ping gives up.
        await eventually("the constructor's warning", () => lines.some(([level]) => level === "warn"), 5_000, 5);
        return results;
      }),
    ),
  );
  const unreachable = `${PREFIX} dev server unreachable at ${url}`;
  assert.deepStrictEqual(out.ours.value, out.official.value);
  for (const r of out.official.value) {
    assert.equal(r.threw?.class, "Error");
    assert.equal(r.threw.message, unreachable);
  }
  assert.deepEqual(out.ours.requests, []);
  assert.deepEqual(out.official.requests, []);
  for (const side of SIDES) {
    const levels = out[side].console.map(([level]) => level).sort();
    assert.deepEqual(levels, ["error", "warn"], `${side}: the guidance once, the constructor's warning once`);
    const error = out[side].console.find(([level]) => level === "error")[1];
    assert.deepEqual(error.split("\n").slice(0, 2), ["", `${PREFIX} The dev server is not running at ${url}.`], side);
    const warn = out[side].console.find(([level]) => level === "warn");
    assert.deepEqual(warn, ["warn", `${PREFIX} Could not start dev server:`, `<Error: ${unreachable}>`], side);
  }
});

// ── Starting the server for real, one fresh process per run ─────────────────────────────────────

function qstashDevBinary() {
  const bin = process.env.QSTASH_DEV_BIN ?? join(process.env.CARGO_TARGET_DIR ?? join(ROOT, "target"), "debug", "qstash-dev");
  assert.ok(existsSync(bin), `qstash-dev not built (${bin}): cargo build -p qstash-server --bin qstash-dev`);
  return bin;
}

async function answers(url) {
  try {
    const r = await fetch(`${url}/v2/keys`, { headers: { authorization: `Bearer ${DEV_TOKEN}` } });
    return r.ok ? await r.json() : null;
  } catch {
    return null;
  }
}

// Before the official's code runs: its download (node:https, used for nothing else) fails at
// once, as offline, so it falls back to the binary in its cache. Built-in ESM namespaces are
// refreshed from the patched module by syncBuiltinESMExports.
const OFFLINE = `
import https from "node:https";
import { EventEmitter } from "node:events";
import { syncBuiltinESMExports } from "node:module";
https.get = () => {
  const req = new EventEmitter();
  req.setTimeout = () => req;
  req.destroy = () => req;
  process.nextTick(() => req.emit("error", new Error("offline (test)")));
  return req;
};
syncBuiltinESMExports();
`;

/** Runs `script` in a new Node process with `lib` = the side's package; resolves with its output. */
function runSide(side, script, env, cwd) {
  const entry = pathToFileURL(side === "ours" ? resolve(PKG_DIR, "node.js") : join(ROOT, "node_modules", "@upstash", "qstash", "index.mjs")).href;
  const source = `${side === "official" ? OFFLINE : ""}\nconst lib = await import(${JSON.stringify(entry)});\n${script}`;
  return runProcess(process.execPath, ["--input-type=module", "-e", source], { cwd, env });
}

/** The `RESULT {...}` line a child printed. */
function result(run) {
  const line = run.stdout.split("\n").find((l) => l.startsWith("RESULT "));
  assert.ok(line, `no result line (exit ${run.code} ${run.signal}):\n${run.stdout}\n${run.stderr}`);
  return JSON.parse(line.slice("RESULT ".length));
}

test("devMode true, nothing listening: the server is started and the first request waits for it", { timeout: 180_000 }, async () => {
  const bin = qstashDevBinary();
  // `retry: false`: a request sent before the server listens would fail, not be retried into
  // success. The process must then exit on its own, and the server stop with it.
  const script = (clientConfig) => `
    const out = {};
    const client = new lib.Client(${clientConfig});
    const published = await client.publishJSON({ url: ${JSON.stringify(DEST)}, body: { a: 1 } });
    out.published = typeof published.messageId;
    out.found = (await client.messages.get(published.messageId)).messageId === published.messageId;
    out.keys = await (await fetch(process.env.DEV_URL + "/v2/keys", { headers: { authorization: "Bearer ${DEV_TOKEN}" } })).json();
    console.log("RESULT " + JSON.stringify(out));
  `;
  const runs = [
    ["official", "{ devMode: true, retry: false }", {}],
    ["ours", "{ devMode: true, retry: false }", { QSTASH_DEV_BINARY: bin }],
    ["ours", "{ retry: false }", { QSTASH_DEV: "1", QSTASH_DEV_BINARY: bin }],
  ];
  const results = [];
  for (const [side, config, env] of runs) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const home = mkdtempSync(join(tmpdir(), "qstash-devmode-"));
    try {
      // The official's download cache, holding our binary (it accepts `dev --port N`).
      const cache = join(home, ".cache", "upstash", "qstash-dev");
      mkdirSync(cache, { recursive: true });
      symlinkSync(bin, join(cache, "qstash"));
      writeFileSync(join(cache, ".version"), "0.0.0-test");
      const run = await runSide(side, script(config), { ...env, HOME: home, QSTASH_DEV_PORT: String(port), DEV_URL: url }, home);
      assert.equal(run.code, 0, `${side} ${config}: exit ${run.code} ${run.signal}\n${run.stdout}\n${run.stderr}`);
      results.push(result(run));
      assert.match(run.stdout, new RegExp(`is running at ${url.replaceAll(".", "\\.")}`), `${side}: the server's ready line is echoed`);
      assert.ok(existsSync(join(home, ".qstash-dev", "qstash.db")), `${side}: the server ran in the caller's working directory`);
      await eventually(`${side}'s server to stop after its parent exited`, async () => (await answers(url)) === null, 15_000);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  }
  for (const r of results) assert.deepEqual(r, results[0]);
  assert.deepEqual(results[0], { published: "string", found: true, keys: { current: DEV_CURRENT, next: DEV_NEXT } });
});

/**
 * Runs `source` (a module importing "qstash-wasm" by name) with `deno run <flags>` in `cwd`;
 * resolves with its output. The script lives in the consumer project that has the package
 * installed, so Deno resolves the name as a user's project would (and the deno entry's
 * source-phase wasm import works without --allow-read).
 */
async function runDeno(source, flags, env, cwd) {
  const deno = join(ROOT, "node_modules", ".bin", "deno");
  assert.ok(existsSync(deno), "deno from npm is installed (scripts/setup)");
  const script = join(resolve(PKG_DIR, "..", ".."), `devmode-${process.pid}-${Date.now()}.mjs`);
  writeFileSync(script, source);
  after(() => rmSync(script, { force: true }));
  return runProcess(deno, ["run", ...flags, script], {
    cwd,
    env: { NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1", ...env },
    timeoutMs: 90_000,
  });
}

/** A module that publishes through the deno entry in dev mode and prints a RESULT line. */
function denoDevModeScript(url) {
  return `
    const lib = await import("qstash-wasm");
    const out = {};
    const client = new lib.Client({ devMode: true, retry: false });
    const published = await client.publishJSON({ url: ${JSON.stringify(DEST)}, body: { a: 1 } });
    out.published = typeof published.messageId;
    out.found = (await client.messages.get(published.messageId)).messageId === published.messageId;
    out.keys = await (await fetch(${JSON.stringify(url)} + "/v2/keys", { headers: { authorization: "Bearer ${DEV_TOKEN}" } })).json();
    console.log("RESULT " + JSON.stringify(out));
  `;
}

test("Deno: the deno entry in dev mode starts qstash-dev (node:child_process) and the first request waits for it", { timeout: 180_000 }, async () => {
  // The same round trip as above through the package's `deno` entry, in a fresh Deno process:
  // Deno reports itself as Node (process.release.name), so ours starts the server rather than
  // only pinging it. Only ours runs: the official would need its download cache under Deno.
  const bin = qstashDevBinary();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const home = mkdtempSync(join(tmpdir(), "qstash-devmode-deno-"));
  try {
    const env = { HOME: home, QSTASH_DEV_PORT: String(port), QSTASH_DEV_BINARY: bin };
    const run = await runDeno(denoDevModeScript(url), ["-A"], env, home);
    assert.equal(run.code, 0, `deno: exit ${run.code} ${run.signal}\n${run.stdout}\n${run.stderr}`);
    assert.deepEqual(result(run), { published: "string", found: true, keys: { current: DEV_CURRENT, next: DEV_NEXT } });
    assert.match(run.stdout, new RegExp(`is running at ${url.replaceAll(".", "\\.")}`), "the server's ready line is echoed");
    assert.ok(existsSync(join(home, ".qstash-dev", "qstash.db")), "the server ran in the caller's working directory");
    await eventually("the server to stop after Deno exited", async () => (await answers(url)) === null, 15_000);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test("Deno, env readable only for QSTASH_DEV_PORT: variables it may not read count as unset, and a running server is used", { timeout: 120_000 }, async () => {
  // `--allow-env=QSTASH_DEV_PORT` makes every other variable throw NotCapable on read (dev
  // mode looks at NEXT_PHASE, NODE_ENV, ...). The request must still go to the running server.
  const server = await startServer();
  const home = mkdtempSync(join(tmpdir(), "qstash-devmode-deno-"));
  try {
    const port = new URL(server.url).port;
    const flags = ["--allow-net=127.0.0.1", "--allow-env=QSTASH_DEV_PORT"];
    const run = await runDeno(denoDevModeScript(server.url), flags, { QSTASH_DEV_PORT: port }, home);
    assert.equal(run.code, 0, `deno: exit ${run.code} ${run.signal}\n${run.stdout}\n${run.stderr}`);
    assert.deepEqual(result(run), { published: "string", found: true, keys: { current: DEV_CURRENT, next: DEV_NEXT } });
    assert.doesNotMatch(run.stdout + run.stderr, /NotCapable|Could not start/, "nothing failed on an unreadable variable");
  } finally {
    rmSync(home, { recursive: true, force: true });
    await server.stop();
  }
});

test("ours, the binary missing: the constructor warns, the request rejects, the next request starts it again", { timeout: 120_000 }, async () => {
  // The official would download its binary here; ours never downloads, so only ours runs.
  const bin = qstashDevBinary();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const cwd = mkdtempSync(join(tmpdir(), "qstash-devmode-"));
  try {
    const script = `
      const out = {};
      const client = new lib.Client({ devMode: true, retry: false });
      try {
        await client.publishJSON({ url: ${JSON.stringify(DEST)}, body: { a: 1 } });
        out.first = "sent";
      } catch (err) {
        out.first = err.message;
      }
      process.env.QSTASH_DEV_BINARY = ${JSON.stringify(bin)};
      out.second = typeof (await client.publishJSON({ url: ${JSON.stringify(DEST)}, body: { a: 1 } })).messageId;
      console.log("RESULT " + JSON.stringify(out));
    `;
    const run = await runSide("ours", script, { QSTASH_DEV_PORT: String(port), QSTASH_DEV_BINARY: "/nonexistent/qstash-dev" }, cwd);
    assert.equal(run.code, 0, `exit ${run.code} ${run.signal}\n${run.stdout}\n${run.stderr}`);
    const out = result(run);
    assert.match(out.first, /^\[QStash Dev\] \/nonexistent\/qstash-dev not found\. Put qstash-dev on PATH or set QSTASH_DEV_BINARY/);
    assert.equal(out.second, "string");
    assert.equal(run.stderr.match(/Could not start dev server/g)?.length, 1, `the constructor's warning, once:\n${run.stderr}`);
    await eventually("the server to stop after its parent exited", async () => (await answers(url)) === null, 15_000);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test("Receiver in dev mode: config keys ignored with the official's warning, dev-signed tokens verify", async () => {
  // A token signed with the dev server's current key over "b".
  const signature = signToken({ key: DEV_CURRENT, url: DEST, body: "b" });
  for (const [env, config] of [
    [{}, { devMode: true, currentSigningKey: "sig_mine", nextSigningKey: "sig_mine_next" }],
    [{ QSTASH_DEV: "1" }, { currentSigningKey: "sig_mine" }],
    [{ QSTASH_DEV: "1" }, {}],
  ]) {
    const out = await withEnv(env, () =>
      same(async (lib) => await new lib.Receiver(config).verify({ signature, body: "b", url: DEST })),
    );
    assert.equal(out.value, true, JSON.stringify(env));
    const warned = config.currentSigningKey ? [["warn", `${PREFIX} Dev mode is active. Ignoring signing keys from config. Set devMode: false to use your own keys.`]] : [];
    assert.deepEqual(out.console, warned, JSON.stringify({ env, config }));
  }
});
