// Results parity harness: the official `@upstash/qstash` Client and ours run the SAME scenario
// against the same qstash-dev, and what each call RETURNS or THROWS is compared deeply.
//
// Isolation without renaming: the official client talks as dev user 1 and ours as dev user 2.
// qstash-dev keeps every user's data apart (messages, logs, DLQ, queues, schedules, URL groups,
// flow-control keys, dedup), and both sides run the same scenarios in the same order, so each
// side sees an identical server state — same sink URLs, labels, queue and group names — and only
// what the server mints per request differs: ids, cursors and timestamps. Those are normalised
// (ids to `<id:N>` in order of first appearance, so "the same id as before" is still checked;
// timestamps to `<ts:number>` keeping their JS type). Nothing else is touched.

import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { join, resolve } from "node:path";
import { once } from "node:events";
import { pathToFileURL } from "node:url";
import { startServer as startQstashDev } from "../server-sdk/harness.mjs";

// The shared deadline-bounded poll, re-exported for the parity tests.
import { eventually } from "../support/eventually.mjs";
export { eventually };

export const ROOT = resolve(import.meta.dirname, "../..");

/** Dev user 1 (the official client) and dev user 2 (ours): separate data on qstash-dev. */
export const TOKENS = {
  official: "eyJVc2VySUQiOiJkZWZhdWx0VXNlciIsIlBhc3N3b3JkIjoiZGVmYXVsdFBhc3N3b3JkIn0=",
  ours: "eyJVc2VySUQiOiJ0ZXN0VXNlcjEiLCJQYXNzd29yZCI6InRlc3RQYXNzd29yZCJ9",
};

/** Loads the official SDK and our installed package (`QSTASH_WASM_PKG` = its directory). */
export async function loadLibraries() {
  const dir = process.env.QSTASH_WASM_PKG;
  if (!dir) throw new Error("QSTASH_WASM_PKG must point at the installed qstash-wasm package");
  // Nothing the clients read from the environment may differ between the two runs.
  for (const k of Object.keys(process.env)) {
    if (/QSTASH|UPSTASH|^VERCEL$|^AWS_REGION$/.test(k)) delete process.env[k];
  }
  const pkg = JSON.parse(readFileSync(resolve(dir, "package.json"), "utf8"));
  const dot = pkg.exports?.["."] ?? pkg.exports;
  const entry = typeof dot === "string" ? dot : (dot.node ?? dot.import ?? dot.default);
  const ours = await import(pathToFileURL(resolve(dir, entry)).href);
  const official = await import("@upstash/qstash");
  return { official, ours };
}

/**
 * Runs `command args` to completion with `env` added to ours; resolves with
 * `{ code, signal, stdout, stderr }`. A process still running after `timeoutMs` is killed and
 * the promise rejects with what it printed.
 */
export function runProcess(command, args, { cwd, env = {}, timeoutMs = 60_000 } = {}) {
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  return new Promise((resolveRun, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${command} did not exit within ${timeoutMs / 1000} s\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, timeoutMs);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolveRun({ code, signal, stdout, stderr });
    });
  });
}

/** The qstash-dev binary (scripts/test-parity.sh builds it). */
function serverBinary() {
  const candidates = [
    process.env.QSTASH_DEV_BIN,
    join(process.env.CARGO_TARGET_DIR ?? join(ROOT, "target"), "debug", "qstash-dev"),
  ];
  const found = candidates.find((p) => p && existsSync(p));
  if (!found) throw new Error("qstash-dev not built: cargo build -p qstash-server --bin qstash-dev");
  return found;
}

/** Starts qstash-dev on a free port with a temp database (the server-sdk harness's start-up,
 * given the binary test-parity.sh built). */
export function startServer() {
  return startQstashDev(serverBinary());
}

/** Fake API answers by variant: [status, body, headers]. */
const FAKE = {
  "429-burst": [429, '{"error":"slow down"}', { "burst-ratelimit-limit": "100", "burst-ratelimit-remaining": "0", "burst-ratelimit-reset": "1700000000" }],
  "429-daily": [429, "", { "ratelimit-limit": "500", "ratelimit-remaining": "0", "ratelimit-reset": "1700000001" }],
  "429-chat": [429, "x", { "x-ratelimit-limit-requests": "10", "x-ratelimit-limit-tokens": "1000", "x-ratelimit-remaining-requests": "0", "x-ratelimit-remaining-tokens": "5", "x-ratelimit-reset-requests": "1s", "x-ratelimit-reset-tokens": "2s" }],
  "429-bare": [429, "", {}],
  "500-html": [500, "<html><body>Internal</body></html>", { "content-type": "text/html" }],
  "503-empty": [503, "", {}],
  "405-text": [405, "Method Not Allowed", { "content-type": "text/plain" }],
  "204": [204, "", {}],
  "200-empty": [200, "", {}],
  "200-null": [200, "null", { "content-type": "application/json" }],
  "200-object": [200, '{"messageId":"m1","url":"u","extra":[1,{"a":null}]}', { "content-type": "application/json" }],
  "200-array": [200, '[{"messageId":"m1"},[{"messageId":"m2","deduplicated":true}]]', { "content-type": "application/json" }],
  "200-events": [200, '{"cursor":"","events":[{"time":1,"state":"CREATED","messageId":"m","topicName":"g"}]}', { "content-type": "application/json" }],
  "200-dlq": [200, '{"cursor":"","messages":[{"dlqId":"d","messageId":"m","rate":0,"topicName":"t"}]}', { "content-type": "application/json" }],
  "200-retry": [200, '{"cursor":"","responses":[{"messageId":"m"}]}', { "content-type": "application/json" }],
  "200-gp": [200, "{}", { "content-type": "application/json" }],
  "201-retry-cursor": [201, '{"cursor":"c-1","responses":[]}', { "content-type": "application/json" }],
};

/**
 * A local destination with fixed answers by path, identical for both users:
 * `/fail…` 500 "boom", `/nonretry…` 489 + Upstash-NonRetryable-Error, anything else 200 "ok".
 * No `Date` header, so the response headers the server stores (DLQ `responseHeader`) are
 * byte-identical between the two runs.
 */
export async function startSink() {
  let count = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      count++;
      res.sendDate = false;
      const path = req.url ?? "/";
      // `/status/<variant>/...`: a fake QStash API answering every request the same way, for
      // responses qstash-dev never gives (429s, empty bodies, HTML errors, non-JSON 2xx).
      const fake = /^\/status\/([^/]+)/.exec(path);
      if (fake) {
        const [status, body, headers] = FAKE[fake[1]] ?? [500, "unknown variant", {}];
        res.writeHead(status, headers);
        res.end(body);
        return;
      }
      if (path.startsWith("/fail")) {
        res.writeHead(500, { "content-type": "text/plain", "x-sink": "fail" });
        res.end("boom");
      } else if (path.startsWith("/nonretry")) {
        res.writeHead(489, { "content-type": "text/plain", "upstash-nonretryable-error": "true" });
        res.end("stop");
      } else {
        res.writeHead(200, { "content-type": "text/plain" });
        res.end("ok");
      }
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const base = `http://127.0.0.1:${server.address().port}`;
  return {
    base,
    count: () => count,
    async stop() {
      server.closeAllConnections?.();
      await new Promise((r) => server.close(r));
    },
  };
}

/**
 * A local HTTP server for `handler` on a free loopback port: `{ server, base, url(path), stop() }`
 * (`stop` drops open connections, so a held request does not keep it alive).
 */
export async function listen(handler) {
  const server = createServer(handler);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const base = `http://127.0.0.1:${server.address().port}`;
  return {
    server,
    base,
    url: (path) => `${base}${path}`,
    async stop() {
      server.closeAllConnections?.();
      await new Promise((r) => server.close(r));
    },
  };
}

/** Runs `fn` with console.warn/error/log collected instead of printed: `{ value | err, lines }`. */
export async function capture(fn) {
  const lines = [];
  const saved = [console.error, console.warn, console.log];
  console.error = (...a) => lines.push(["error", a.map(String).join(" ")]);
  console.warn = (...a) => lines.push(["warn", a.map(String).join(" ")]);
  console.log = (...a) => lines.push(["log", a.map(String).join(" ")]);
  try {
    return { value: await fn(), lines };
  } catch (err) {
    return { err, lines };
  } finally {
    [console.error, console.warn, console.log] = saved;
  }
}

/** Runs `fn` with `vars` set and every other QStash/Upstash variable and NODE_ENV unset, then
 * restores the whole environment. */
export async function withEnv(vars, fn) {
  const saved = { ...process.env };
  for (const k of Object.keys(process.env)) if (/QSTASH|UPSTASH|^NODE_ENV$/.test(k)) delete process.env[k];
  Object.assign(process.env, vars);
  try {
    return await fn();
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
}

/**
 * One side's record of a scenario (official_*.test.mjs): its library, a Client on qstash-dev
 * (`server`) as that side's dev user, the `sink`, `step` (records the resolved value or a
 * description of the thrown value, console output collected), `note`, raw API calls and waits
 * on server state that go through neither client.
 */
export function sideContext(side, { libs, server, sink }) {
  const lib = libs[side];
  const token = TOKENS[side];
  const steps = [];
  const api = async (path) => {
    const r = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
    return r.json();
  };
  return {
    side,
    lib,
    steps,
    api,
    client: new lib.Client({ baseUrl: server.url, token, retry: false }),
    newClient: (config) => new lib.Client({ baseUrl: server.url, token, retry: false, ...config }),
    sink: (path) => `${sink.base}${path}`,
    async step(name, fn) {
      const { value, err } = await capture(fn);
      steps.push([name, err === undefined ? { value } : { threw: describeError(err, lib) }]);
      return value;
    },
    note(name, value) {
      steps.push([name, { note: value }]);
    },
    waitState: (messageId, state) =>
      eventually(`${messageId} ${state}`, async () => {
        const r = await api(`/v2/events?messageId=${encodeURIComponent(messageId)}`);
        return r.events.some((e) => e.state === state);
      }),
    waitDlq: (query) =>
      eventually(`a DLQ entry for ${query}`, async () => (await api(`/v2/dlq?${query}`)).messages.length > 0),
  };
}

/** An absolute check on one side, recorded so the other side must agree too. */
export function check(x, name, actual, expected) {
  assert.deepStrictEqual(actual, expected, `[${x.side}] ${name}`);
  x.note(name, actual);
}

/** A header of a stored message (`header` is `Record<string, string[]>`). */
export const headerOf = (message, name) => new Headers(message.header).get(name);

/**
 * `scenario(name, fn)` for a parity test file: `fn(client, x)` runs once with the official's
 * `context("official")`, then with ours; the normalised step records must be equal. A step that
 * failed inside the harness on the official side (a TypeError on an undefined result, a wait that
 * timed out) fails the test, so a broken scenario cannot pass by failing the same way twice;
 * steps named "misuse: …" call the API wrongly on purpose and may throw exactly those.
 * `PARITY_DUMP=<dir>` writes both records as `[<prefix>_]<name>.json`.
 */
export function scenarioRunner(context, prefix) {
  return (name, fn, { timeout = 60_000 } = {}) => {
    test(name, { timeout }, async () => {
      const want = context("official");
      await fn(want.client, want);
      const got = context("ours");
      await fn(got.client, got);
      assert.ok(want.steps.length > 0, "the scenario recorded nothing");
      const [w, g] = [normalise(want.steps), normalise(got.steps)];
      if (process.env.PARITY_DUMP) {
        mkdirSync(process.env.PARITY_DUMP, { recursive: true });
        const base = `${prefix ? `${prefix}_` : ""}${name.replace(/[^a-z0-9]+/gi, "_")}`;
        const file = join(process.env.PARITY_DUMP, `${base}.json`);
        writeFileSync(file, JSON.stringify({ official: w, ours: g }, (k, v) => (v === undefined ? "<undefined>" : v), 2));
      }
      for (const [step, out] of want.steps) {
        if (step.startsWith("misuse: ")) continue;
        const m = out.threw?.message ?? "";
        assert.ok(!/Cannot read properties of|is not a function|is not iterable|timed out after/.test(m), `official step "${step}" failed in the harness: ${m}`);
      }
      assert.deepStrictEqual(g, w);
    });
  };
}

/** A comparable picture of a thrown value, with `instanceof` against the side's own classes. */
export function describeError(err, lib) {
  if (!(err instanceof Error)) return { nonError: typeof err, value: String(err) };
  const own = {};
  for (const k of Object.keys(err).sort()) own[k] = err[k];
  const instanceOf = {};
  for (const cls of [
    "QstashError",
    "QstashRatelimitError",
    "QstashDailyRatelimitError",
    "QstashChatRatelimitError",
    "QstashEmptyArrayError",
    "SignatureError",
  ]) {
    instanceOf[cls] = typeof lib[cls] === "function" ? err instanceof lib[cls] : `${cls} not exported`;
  }
  return {
    class: err.constructor?.name,
    name: err.name,
    message: err.message,
    status: err.status,
    hasStatus: "status" in err,
    own,
    instanceOf,
    error: err instanceof Error,
    typeError: err instanceof TypeError,
  };
}

// --- normalisation -------------------------------------------------------------------------------

/** Keys whose values are minted by the server per request: ids (and cursors). */
const ID_KEYS = new Set(["messageId", "dlqId", "scheduleId", "cursor", "sourceMessageId"]);
/** Keys whose values are clock readings. */
const TS_KEYS = new Set([
  "createdAt",
  "updatedAt",
  "time",
  "notBefore",
  "nextDeliveryTime",
  "lastScheduleTime",
  "nextScheduleTime",
  "ratePeriodStart",
]);

/** Registers every id in `value` (deterministic walk: arrays in order, object keys sorted). */
function collectIds(value, ids, key) {
  if (typeof value === "string" || typeof value === "number") {
    if (key && ID_KEYS.has(key) && value !== "" && !ids.has(String(value))) {
      ids.set(String(value), `<id:${ids.size + 1}>`);
    }
    return;
  }
  if (Array.isArray(value)) {
    for (const v of value) collectIds(v, ids, key === "messageIds" || key === "dlqIds" ? key.slice(0, -1) : undefined);
    return;
  }
  if (value && typeof value === "object") {
    for (const k of Object.keys(value).sort()) {
      if (key === "lastScheduleStates" && !ids.has(k)) ids.set(k, `<id:${ids.size + 1}>`);
      collectIds(value[k], ids, k);
    }
  }
}

function replaceIds(s, ids) {
  if (ids.has(s)) return ids.get(s);
  let out = s;
  // Inside longer strings (error messages, header values) only ids long enough not to match
  // by accident (short cursors like "12" stay exact-match only); longest first.
  for (const [id, ph] of [...ids].sort((a, b) => b[0].length - a[0].length)) {
    if (id.length >= 8 && out.includes(id)) out = out.split(id).join(ph);
  }
  return out;
}

function rewrite(value, ids, key) {
  if (key && TS_KEYS.has(key) && (typeof value === "number" || typeof value === "string")) {
    return `<ts:${typeof value}>`;
  }
  if (typeof value === "string") return replaceIds(value, ids);
  if (typeof value === "number" && key && ID_KEYS.has(key)) {
    const ph = ids.get(String(value));
    return ph ? `${ph}:number` : value;
  }
  if (Array.isArray(value)) return value.map((v) => rewrite(v, ids));
  if (value && typeof value === "object") {
    const proto = Object.getPrototypeOf(value);
    const out = proto === Object.prototype || proto === null ? {} : { "<class>": value.constructor?.name };
    for (const k of Object.keys(value)) {
      out[key === "lastScheduleStates" ? replaceIds(k, ids) : k] = rewrite(value[k], ids, k);
    }
    return out;
  }
  return value;
}

/** The normalised form of one side's scenario record (see the file comment). */
export function normalise(record) {
  const ids = new Map();
  collectIds(record, ids);
  return rewrite(record, ids);
}
