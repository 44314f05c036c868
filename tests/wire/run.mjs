// Differential wire test: the official `@upstash/qstash` Client vs ours, call by call.
//
//   node tests/wire/run.mjs [path-to-our-package-dir]
//
// Our package defaults to $QSTASH_WASM_PKG (scripts/test-client.sh points it at the installed
// tarball). For each case in cases.mjs both clients talk to the same local recording server; we
// compare every request (method, path, query, headers with names lowercased and telemetry headers
// ignored, body) and the returned value or thrown error (class, name, message, status, fields).
// The console lines both SDKs print are compared too. Then three more sections: network
// failures (closed port: fetch calls, backoff indexes, logs, error), configuration from the
// environment (credentials, regions, dev mode, telemetry; fetch stubbed), and our extensions
// (request shape only: they have no official counterpart).
// Every mismatch is printed; the exit code is 1 if there was any.
import { isDeepStrictEqual, inspect } from "node:util";
import { pathToFileURL } from "node:url";
import { normaliseRequest, packageEntry, startRecordingServer } from "./server.mjs";
import { cases } from "./cases.mjs";

const oursDir = process.argv[2] ?? process.env.QSTASH_WASM_PKG;
if (!oursDir) {
  console.error("usage: node tests/wire/run.mjs <our package dir>  (or set QSTASH_WASM_PKG)");
  process.exit(2);
}
// Anything the clients would read from the environment must not leak into the comparison.
for (const k of Object.keys(process.env)) {
  if (/QSTASH|UPSTASH|^VERCEL$|^AWS_REGION$/.test(k)) delete process.env[k];
}

const official = await import("@upstash/qstash");
const ours = await import(pathToFileURL(await packageEntry(oursDir)).href);

/** A comparable picture of a thrown value. */
function describeError(err, lib) {
  if (!(err instanceof Error)) return { thrown: inspect(err) };
  const fields = {};
  for (const k of Object.keys(err)) fields[k] = err[k];
  return {
    class: err.constructor?.name,
    name: err.name,
    message: err.message,
    status: err.status,
    fields,
    instanceofQstashError: lib.QstashError ? err instanceof lib.QstashError : "n/a",
  };
}

async function runOne(lib, server, c) {
  const { baseUrlSuffix = "", ...config } = c.config ?? {};
  server.state.records.length = 0;
  const client = new lib.Client({ baseUrl: server.url + baseUrlSuffix, token: "test-token", ...config });
  let outcome;
  // Both SDKs log failed requests with console.error/warn: capture the lines and compare them.
  const saved = [console.error, console.warn];
  const logs = [];
  console.error = (...a) => logs.push(`error: ${a.join(" ")}`);
  console.warn = (...a) => logs.push(`warn: ${a.join(" ")}`);
  try {
    if (c.respond) server.state.next = c.respond;
    // `fresh()`: another client like this one (for cases comparing a used client with a new one).
    const fresh = () => new lib.Client({ baseUrl: server.url + baseUrlSuffix, token: "test-token", ...config });
    const value = await c.run(client, lib, fresh);
    outcome = { ok: true, value };
  } catch (err) {
    outcome = { ok: false, error: describeError(err, lib) };
  } finally {
    [console.error, console.warn] = saved;
    server.state.next = null;
  }
  return { requests: server.state.records.map(normaliseRequest), outcome, logs };
}

function diff(label, a, b, out) {
  if (!isDeepStrictEqual(a, b)) {
    out.push(`  ${label}:\n    official: ${inspect(a, { depth: 6, breakLength: 160 })}\n    ours:     ${inspect(b, { depth: 6, breakLength: 160 })}`);
  }
}

const server = await startRecordingServer();
let mismatches = 0;
const failed = [];
for (const c of cases) {
  const want = await runOne(official, server, c);
  const got = await runOne(ours, server, c);
  const out = [];
  if (want.requests.length !== got.requests.length) {
    out.push(`  request count: official ${want.requests.length}, ours ${got.requests.length}`);
  }
  const n = Math.min(want.requests.length, got.requests.length);
  for (let i = 0; i < n; i++) {
    const w = want.requests[i];
    const g = got.requests[i];
    for (const k of ["method", "path", "query", "headers", "body"]) diff(`request[${i}].${k}`, w[k], g[k], out);
  }
  diff("console output", want.logs, got.logs, out);
  if (want.outcome.ok !== got.outcome.ok) {
    out.push(`  outcome: official ${want.outcome.ok ? "resolved" : "threw"}, ours ${got.outcome.ok ? "resolved" : "threw"}`);
    diff("outcome", want.outcome, got.outcome, out);
  } else if (want.outcome.ok) {
    diff("result", want.outcome.value, got.outcome.value, out);
  } else {
    diff("error", want.outcome.error, got.outcome.error, out);
  }
  if (out.length) {
    mismatches += out.length;
    failed.push(c.name);
    console.log(`FAIL ${c.name}\n${out.join("\n")}`);
  } else {
    console.log(`ok   ${c.name}`);
  }
}
// Network failures (a closed port): both clients must make the same number of fetch calls,
// call the backoff with the same indexes, log the same lines and throw the same error.
const closedUrl = await (async () => {
  const { createServer } = await import("node:http");
  const s = createServer();
  await new Promise((r) => s.listen(0, "127.0.0.1", r));
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return `http://127.0.0.1:${port}`;
})();
const networkCases = [
  { name: "network: retries 2 with backoff", config: { retry: { retries: 2, backoff: (n) => n } }, run: (c) => c.publish({ url: "https://example.com/x", body: "b" }) },
  { name: "network: retry false", config: { retry: false }, run: (c) => c.messages.get("m") },
  { name: "network: default retries, custom backoff", config: { retry: { backoff: () => 0 } }, run: (c) => c.queue().list() },
  { name: "network: void endpoint", config: { retry: { retries: 1, backoff: () => 0 } }, run: (c) => c.queue({ queueName: "q" }).delete() },
];
async function runNetwork(lib, nc) {
  const original = globalThis.fetch;
  let calls = 0;
  const backoffs = [];
  globalThis.fetch = (...a) => { calls++; return original(...a); };
  const saved = [console.error, console.warn];
  const logs = [];
  console.error = (...a) => logs.push(`error: ${a.join(" ")}`);
  console.warn = (...a) => logs.push(`warn: ${a.join(" ")}`);
  const retry = nc.config.retry && { ...nc.config.retry, backoff: nc.config.retry.backoff && ((n) => { backoffs.push(n); return nc.config.retry.backoff(n); }) };
  let outcome;
  try {
    const client = new lib.Client({ baseUrl: closedUrl, token: "t", ...nc.config, retry });
    outcome = { ok: true, value: await nc.run(client) };
  } catch (err) {
    outcome = { ok: false, error: { class: err?.constructor?.name, message: err?.message, cause: err?.cause?.code } };
  } finally {
    globalThis.fetch = original;
    [console.error, console.warn] = saved;
  }
  return { calls, backoffs, logs, outcome };
}
for (const nc of networkCases) {
  const want = await runNetwork(official, nc);
  const got = await runNetwork(ours, nc);
  const out = [];
  for (const k of ["calls", "backoffs", "logs", "outcome"]) diff(k, want[k], got[k], out);
  if (out.length) {
    mismatches += out.length;
    failed.push(nc.name);
    console.log(`FAIL ${nc.name}\n${out.join("\n")}`);
  } else {
    console.log(`ok   ${nc.name} (${got.calls} fetch calls)`);
  }
}

// Configuration from the environment: both clients are built under the same `process.env` and
// `fetch` is stubbed, so we compare where the request goes, with which token, which telemetry
// headers (names; platform/runtime values), the warnings printed and constructor errors.
// NODE_ENV=production keeps the official SDK's dev mode from starting (or downloading) its dev
// server; dev-mode credentials are still applied.
const envCases = [
  { name: "env QSTASH_URL + QSTASH_TOKEN", env: { QSTASH_URL: "http://env.example/", QSTASH_TOKEN: "env-token" }, config: {} },
  { name: "env URL + config token", env: { QSTASH_URL: "http://env.example" }, config: { token: "cfg" } },
  { name: "config beats env", env: { QSTASH_URL: "http://env.example", QSTASH_TOKEN: "env" }, config: { baseUrl: "http://cfg.example", token: "cfg" } },
  { name: "region creds beat a partial config", env: { QSTASH_REGION: "eu-central-1", EU_CENTRAL_1_QSTASH_URL: "http://eu.example", EU_CENTRAL_1_QSTASH_TOKEN: "eu" }, config: { token: "cfg" } },
  { name: "region without creds warns and falls back", env: { QSTASH_REGION: "US_EAST_1", QSTASH_URL: "http://fallback.example", QSTASH_TOKEN: "f" }, config: {} },
  { name: "invalid region warns", env: { QSTASH_REGION: "mars-1", QSTASH_TOKEN: "t" }, config: { baseUrl: "http://x.example" } },
  { name: "QSTASH_DEV=1 uses the dev server and token", env: { QSTASH_DEV: "1", NODE_ENV: "production" }, config: {} },
  { name: "QSTASH_DEV=true with QSTASH_DEV_PORT, config ignored with a warning", env: { QSTASH_DEV: "true", QSTASH_DEV_PORT: "9999", NODE_ENV: "production" }, config: { baseUrl: "http://cfg.example", token: "cfg" } },
  { name: "devMode: true", env: { NODE_ENV: "production" }, config: { devMode: true } },
  { name: "devMode: false beats QSTASH_DEV", env: { QSTASH_DEV: "1", NODE_ENV: "production" }, config: { devMode: false, baseUrl: "http://cfg.example", token: "cfg" } },
  { name: "invalid QSTASH_DEV throws", env: { QSTASH_DEV: "maybe" }, config: {} },
  { name: "no token warns", env: {}, config: { baseUrl: "http://cfg.example" } },
  { name: "/v2/publish base URL rewritten", env: {}, config: { baseUrl: "https://qstash.upstash.io/v2/publish/", token: "t" } },
  { name: "UPSTASH_DISABLE_TELEMETRY", env: { UPSTASH_DISABLE_TELEMETRY: "1" }, config: { baseUrl: "http://cfg.example", token: "t" } },
  { name: "telemetry platform vercel", env: { VERCEL: "1" }, config: { baseUrl: "http://cfg.example", token: "t" } },
  { name: "telemetry platform aws", env: { AWS_REGION: "eu-west-1" }, config: { baseUrl: "http://cfg.example", token: "t" } },
];
async function runEnv(lib, ec) {
  const savedEnv = { ...process.env };
  Object.assign(process.env, ec.env);
  const original = globalThis.fetch;
  const requests = [];
  globalThis.fetch = async (url, init) => {
    const h = new Headers(init?.headers);
    requests.push({
      url: String(url),
      authorization: h.get("authorization"),
      telemetry: [...h.keys()].filter((k) => k.startsWith("upstash-telemetry-")).map((k) => (k.endsWith("-sdk") ? k : `${k}=${h.get(k)}`)),
    });
    return new Response('{"messageId":"m"}', { status: 201 });
  };
  const saved = [console.error, console.warn, console.log];
  const logs = [];
  console.error = (...a) => logs.push(`error: ${a.join(" ")}`);
  console.warn = (...a) => logs.push(`warn: ${a.join(" ")}`);
  console.log = (...a) => logs.push(`log: ${a.join(" ")}`);
  let outcome;
  try {
    const client = new lib.Client(ec.config);
    outcome = { ok: true, value: await client.publish({ url: "https://example.com/x" }) };
  } catch (err) {
    outcome = { ok: false, error: { class: err?.constructor?.name, message: err?.message } };
  } finally {
    globalThis.fetch = original;
    [console.error, console.warn, console.log] = saved;
    for (const k of Object.keys(process.env)) if (!(k in savedEnv)) delete process.env[k];
    Object.assign(process.env, savedEnv);
  }
  return { requests, logs, outcome };
}
for (const ec of envCases) {
  const want = await runEnv(official, ec);
  const got = await runEnv(ours, ec);
  const out = [];
  for (const k of ["requests", "logs", "outcome"]) diff(k, want[k], got[k], out);
  if (out.length) {
    mismatches += out.length;
    failed.push(ec.name);
    console.log(`FAIL ${ec.name}\n${out.join("\n")}`);
  } else {
    console.log(`ok   ${ec.name}`);
  }
}

// Our extensions have no official counterpart: check the request each one sends and that the
// JSON answer comes back unchanged (or reshaped like the official's DLQ messages).
const extensionCases = [
  { name: "ext keys.get", run: (c) => c.keys.get(), method: "GET", path: "/v2/keys" },
  { name: "ext keys.rotate", run: (c) => c.keys.rotate(), method: "POST", path: "/v2/keys/rotate" },
  { name: "ext dlq.get", run: (c) => c.dlq.get("dlq_9"), method: "GET", path: "/v2/dlq/dlq_9", check: (v) => v.dlqId === "dlq_9" && v.urlGroup === "my-group" && v.ratePerSecond === 10 },
  { name: "ext dlq.get empty id throws", run: (c) => c.dlq.get(""), requests: 0, error: "DLQ id cannot be empty" },
  { name: "ext dlq.retryOne", run: (c) => c.dlq.retryOne("dlq_9"), method: "POST", path: "/v2/dlq/retry/dlq_9" },
  { name: "ext flowControl.list", run: (c) => c.flowControl.list(), method: "GET", path: "/v2/flowControl", check: (v) => Array.isArray(v) && v.length === 2 },
];
for (const e of extensionCases) {
  server.state.records.length = 0;
  const client = new ours.Client({ baseUrl: server.url, token: "test-token" });
  const problems = [];
  let value;
  let error;
  try { value = await e.run(client); } catch (err) { error = err; }
  const recs = server.state.records.map(normaliseRequest);
  if (e.error) {
    if (!(error instanceof ours.QstashError) || error.message !== e.error) problems.push(`expected QstashError "${e.error}", got ${inspect(error)}`);
    if (recs.length !== 0) problems.push(`expected no request, got ${recs.length}`);
  } else {
    if (error) problems.push(`threw ${inspect(error)}`);
    if (recs.length !== 1) problems.push(`expected 1 request, got ${recs.length}`);
    else {
      if (recs[0].method !== e.method || recs[0].path !== e.path) problems.push(`request ${recs[0].method} ${recs[0].path}, want ${e.method} ${e.path}`);
      if (!recs[0].headers.some(([k, v]) => k === "authorization" && v === "Bearer test-token")) problems.push("no Authorization header");
    }
    if (e.check && !e.check(value)) problems.push(`unexpected result ${inspect(value)}`);
  }
  if (problems.length) {
    mismatches += problems.length;
    failed.push(e.name);
    console.log(`FAIL ${e.name}\n  ${problems.join("\n  ")}`);
  } else {
    console.log(`ok   ${e.name}`);
  }
}
await server.close();

console.log(`\nwire: ${cases.length} differential cases + ${networkCases.length} network-failure cases + ${envCases.length} environment cases + ${extensionCases.length} extension cases, ${cases.length + networkCases.length + envCases.length + extensionCases.length - failed.length} passed, ${failed.length} with ${mismatches} mismatches`);
if (failed.length) {
  console.log(`mismatching cases:\n  - ${failed.join("\n  - ")}`);
  process.exit(1);
}
