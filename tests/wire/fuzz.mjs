// Differential fuzzer: the official `@upstash/qstash` 2.12.0 vs ours, on generated arguments.
//
//   node tests/wire/fuzz.mjs <our package dir> [seed] [count]
//   node tests/wire/fuzz.mjs <dir> <seed> <count> --case N    (replay one case, print everything)
//   FUZZ_VERBOSE=1 ...                                         (print every differing case)
//
// A seeded generator builds unusual but plausible calls: every Client method (publish, batch,
// queues, messages, schedules, URL groups, DLQ, logs, flow control), `new Client(config)` with odd
// configs, and the Receiver (`new Receiver(config)` + `verify(...)` with minted tokens). Values
// come from pools: odd numbers (NaN, Infinity, 1e21, 2**53, -0), empty / spaced / unicode /
// `?#%/` strings, null, undefined, booleans, arrays (empty, nested, with null), Dates, plain
// objects, Headers, Map, class instances, functions, Symbols, BigInt, invalid header names and
// values, relative / spaced / scheme-less URLs, every body type. Some calls get an odd answer from
// the server (non-JSON, null fields, error statuses, 429 headers); some client configs point at
// a refused host so the retry loop runs with odd `retry` values (backoffs that do not wait).
//
// Each generated call is *source code*, evaluated separately for each side (fresh argument
// objects, and the minimal reproduction is printable as is). Both sides run against the same
// local recording server (server.mjs). Compared: synchronous throw vs rejection vs value (and
// for constructors, whether they threw), the error's class, name, message, status, own fields,
// cause, `instanceof QstashError`; the value; every request that reached the server (method,
// path, query, lowercased headers without telemetry, body); console.warn/error/log lines; the
// number of `fetch` calls; unhandled rejections. Key order of results is reported separately.
//
// `fetch` is wrapped: a request for any host other than the recording server is refused (a
// TypeError, as a network failure would be) so nothing leaves the machine.
//
// Differences are grouped by a signature (method + what differed); each group is shrunk (object
// properties and array items removed while the same signature persists) and printed with its
// minimal reproduction. Exit code 1 if any difference remains that is neither a deliberate one
// (tests/parity/README.md "Deliberate differences"; `deliberate()` below) nor a known one (the
// README's "The wire fuzzer"; `known()` below), which are counted instead. Documented additions
// are not differences: ours' SignatureError `code` field. Never generated: ReadableStream bodies,
// Uint8Array/ArrayBuffer Receiver bodies, QSTASH_DEV changed after construction, LLM
// `client.chat()` (remote hosts). 3000 calls and their 200 publish loops (below) take about 15 s
// (2 cores).
import { inspect } from "node:util";
import { pathToFileURL } from "node:url";
import { createHash, createHmac } from "node:crypto";
import { normaliseRequest, packageEntry, startRecordingServer } from "./server.mjs";

const argv = process.argv.slice(2);
const flagIdx = argv.indexOf("--case");
const onlyCase = flagIdx >= 0 ? Number(argv[flagIdx + 1]) : null;
if (flagIdx >= 0) argv.splice(flagIdx, 2);
const oursDir = argv[0] ?? process.env.QSTASH_WASM_PKG;
if (!oursDir) {
  console.error("usage: node tests/wire/fuzz.mjs <our package dir> [seed] [count] [--case N]");
  process.exit(2);
}
const SEED = Number(argv[1] ?? 1);
const COUNT = Number(argv[2] ?? 3000);
const VERBOSE = !!process.env.FUZZ_VERBOSE;
const SIDE_TIMEOUT_MS = 5000;

// Nothing the clients read from the environment may leak in; dev mode must never start a server.
for (const k of Object.keys(process.env)) {
  if (/QSTASH|UPSTASH|^VERCEL$|^AWS_REGION$|^NEXT_PHASE$/.test(k)) delete process.env[k];
}
process.env.NODE_ENV = "production";

const official = await import("@upstash/qstash");
const ours = await import(pathToFileURL(await packageEntry(oursDir)).href);

// ── seeded randomness ─────────────────────────────────────────────────────────────────────────
function hashSeed(str) {
  let h = 1779033703 ^ str.length;
  for (let i = 0; i < str.length; i++) {
    h = Math.imul(h ^ str.charCodeAt(i), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  h = Math.imul(h ^ (h >>> 16), 2246822507);
  h = Math.imul(h ^ (h >>> 13), 3266489909);
  return (h ^= h >>> 16) >>> 0;
}
function mulberry32(a) {
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
let R = mulberry32(1);
const rnd = () => R();
const chance = (p) => rnd() < p;
const int = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1));
const pick = (xs) => xs[Math.floor(rnd() * xs.length)];
const sample = (xs, n) => {
  const copy = [...xs];
  const out = [];
  while (out.length < n && copy.length) out.push(copy.splice(Math.floor(rnd() * copy.length), 1)[0]);
  return out;
};

// ── value trees: rendered to source, shrinkable ───────────────────────────────────────────────
// leaf: { t: "L", code }; object: { t: "O", e: [[key, node]] }; array: { t: "A", e: [node] };
// wrapper: { t: "W", pre, inner, post }; argument list: { t: "G", e: [node] }.
// `keep: true` marks what the shrinker must not remove (the client's base config).
const L = (code) => ({ t: "L", code });
const O = (entries) => ({ t: "O", e: entries });
const A = (items) => ({ t: "A", e: items });
const W = (pre, inner, post) => ({ t: "W", pre, inner, post });
const G = (...items) => ({ t: "G", e: items });
const asNode = (v) => (typeof v === "string" ? L(v) : v);

function render(n) {
  switch (n.t) {
    case "L": return n.code;
    case "O": return n.e.length ? `{ ${n.e.map(([k, v]) => `${/^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)}: ${render(v)}`).join(", ")} }` : "{}";
    case "A": return `[${n.e.map(render).join(", ")}]`;
    case "W": return `${n.pre}${render(n.inner)}${n.post}`;
    case "G": return n.e.map(render).join(", ");
  }
  throw new Error(`bad node ${n.t}`);
}

/** Every tree one removal smaller than `n` (object entries, array items, trailing arguments). */
function* shrinkings(n) {
  if (n.t === "O" || n.t === "A" || n.t === "G") {
    for (let i = n.e.length - 1; i >= 0; i--) {
      const entry = n.e[i];
      if (entry.keep || (Array.isArray(entry) && entry.keep)) continue;
      if (n.t === "G" && i !== n.e.length - 1) continue;
      yield { ...n, e: [...n.e.slice(0, i), ...n.e.slice(i + 1)] };
    }
    for (let i = 0; i < n.e.length; i++) {
      const child = n.t === "O" ? n.e[i][1] : n.e[i];
      for (const smaller of shrinkings(child)) {
        const e = [...n.e];
        if (n.t === "O") { e[i] = [n.e[i][0], smaller]; e[i].keep = n.e[i].keep; } else e[i] = smaller;
        yield { ...n, e };
      }
    }
  } else if (n.t === "W") {
    for (const smaller of shrinkings(n.inner)) yield { ...n, inner: smaller };
  }
}
const kept = (k, v) => { const e = [k, asNode(v)]; e.keep = true; return e; };

// ── pools ─────────────────────────────────────────────────────────────────────────────────────
const NUMS = ["0", "-1", "1.5", "NaN", "Infinity", "-Infinity", "1e21", "2 ** 53", "-0", "7", "0.5", "1e-7", "2 ** 53 + 2", "-1.5"];
const STRS = ['""', '" "', '"a b"', '"héllo ✓ 🚀"', '"?#%/"', '"a/b"', '"%zz%20"', '"line\\nbreak"', '"tab\\there"', '"0"', '"null"', '"true"', '"10s"', '"x".repeat(40)', '"../x"', '"."', '"a\\u0000b"', '"日本"', '"é"', '"  padded  "'];
const ODD = [
  "null", "undefined", "true", "false", "[]", '[[1, [2]], "x"]', "[null]", '["a", "b"]', "[1, 2]", "[undefined]",
  "new Date(0)", "new Date(NaN)", "new Date(1735689600000)", "{}", "{ a: 1 }", '{ toString() { return "ts"; } }',
  "{ valueOf() { return 7; } }", 'new Headers({ "x-a": "1" })', 'new Map([["k", "v"]])',
  "new (class Foo { constructor() { this.a = 1; } })()", "() => 1", "function named() {}", 'Symbol("s")', "10n",
  "Object.create(null)", "new Uint8Array([1, 2])", "new ArrayBuffer(2)", 'new Blob(["b"])', 'new URLSearchParams("a=1")',
  "new FormData()", "new Set([1])", "/re/g", 'new Error("e")', 'new String("boxed")', "new Number(3)",
];
const GENERIC = [...NUMS, ...STRS, ...ODD];
const gen = () => L(pick(GENERIC));
/** A plausible value most of the time, anything from the generic pool otherwise. */
const from = (good, pGood = 0.6) => (chance(pGood) ? asNode(typeof good === "function" ? good() : pick(good)) : gen());

const URLS = [
  '"https://example.com/hook"', '"https://example.com/a b"', '"/relative/path"', '"example.com/no-scheme"', '"https://exa mple.com/x"',
  '"https://example.com/?q=1&r=a b#frag"', '"HTTPS://EXAMPLE.COM/UP"', '"https://user:pw@example.com/x"', '"ftp://example.com/f"',
  '"https://例え.jp/パス"', '""', '"https://example.com/%2F%zz"', '"  https://example.com/trim  "', '"http://[::1]:3000/x"',
  '"https://example.com:99999/x"', '"https://example.com/../../etc"', '"mailto:a@b.c"', '"https://example.com/é?é=é"',
  '"http://127.0.0.1/loop"', '"https://example.com/x?y=%"', '"https://example.com\\\\back"', '"grp"', '"https://example.com/" + "a".repeat(300)',
  '"https://example.com/hook"', '"https://example.com/hook"', '"https://example.com/hook"',
];
const NAMES = ['"grp"', '"my group"', '"g/h"', '""', '"é"', '"a?b#c"', "5", "0", '"../up"', '"%41"', "null", "undefined", '["g"]', "true"];
const IDS = ['"msg_1"', '""', '"a b"', '"a/b"', '"?#%"', '"é"', '"../x"', "5", "0", "null", "undefined", '["a"]', "{}", 'Symbol("id")', "10n", "true", "false", "NaN", '"  "', '"x".repeat(100)', 'new String("boxed")', '{ toString() { return "obj-id"; } }', '"msg_1"', '"scd_1"'];
const QNAMES = ['"q1"', '"my queue"', '"q/1"', '""', "7", "0", "null", "undefined", '"é"', "true", '["q"]', "{}", 'Symbol("q")', "10n", "NaN", '"q?x#y"', '"q1"', '"q1"'];
const METHODS = ['"GET"', '"POST"', '"PUT"', '"DELETE"', '"PATCH"', '"get"', '"HEAD"', '"OPTIONS"', '""', '"CONNECT"', '"weird method"', '"TRACE"'];
const DELAYS = ["10", '"10s"', '"1h30m"', "0", "1.6", "-5", '""', "2.5"];
const NOTBEFORE = ["1893456000", "1893456000.7", "0", "-1", "1.5"];
const RETRIES = ["0", "3", "2.5", "-1", "1.49"];
const RETRY_DELAY = ['"1000"', '"pow(2, retried) * 1000"', '""', '"max(1, 2)"'];
const TIMEOUTS = ["10", '"30s"', "1.5", "0", "-3", '"1m"'];
const LABELS = ['"l1"', '["a", "b"]', "[]", '["a,b"]', '""', '["é", "a b"]', '[1, null]', '"a,b"', '[["x"]]'];
const BOOL = ["true", "false"];
const BODIES = [
  '"hello"', '""', '"héllo ✓ 🚀"', "new Uint8Array([0, 255, 1])", "new Uint8Array([104, 105]).buffer",
  'new Blob(["blob"], { type: "text/x-b" })', "new Blob([])", 'new URLSearchParams({ a: "1", b: "x y" })',
  '(() => { const f = new FormData(); f.append("k", "v"); return f; })()', "{ a: 1 }", "[1, 2]", "42", "null", "undefined",
  "true", "new DataView(new ArrayBuffer(2))", "new Uint16Array([1, 2])", 'Symbol("b")', "10n", "new Date(0)", '"{\\"a\\":1}"',
  'new Map([["a", 1]])', "() => 1", "{ toJSON() { return 5; } }", "[undefined, NaN, () => 1]", "{ a: undefined, b: NaN, c: Infinity }",
  '"x".repeat(5000)', "new Float64Array([1.5])", "{ nested: { deep: [1, { x: null }] } }", '{ toString() { return "ts-body"; } }',
];
const HNAMES = ['"X-A"', '"x-a"', '"bad name"', '"Content-Type"', '"content-type"', '"Upstash-Retries"', '"Upstash-Method"', '"upstash-forward-x"', '"Authorization"', '""', '"X-Ünï"', '"x:colon"', '"Upstash-Delay"', '"Upstash-Callback"', '"x-a "', '"Upstash-Flow-Control-Key"', '"upstash-label"', '"Accept"'];
const HVALUES = ['"1"', '"line\\nbreak"', '"✓"', '"é"', "5", "undefined", "null", '" padded "', '"Bearer user"', '"text/plain"', 'Symbol("h")', "{ a: 1 }", '["a", "b"]', "10n", '"v".repeat(200)', '"\\ttab\\t"', '"a\\u0000b"', '""', "true", "NaN", '"PUT"', '"5s"'];
const HEADERS_CODE = [
  'new Headers([["x-h", "1"], ["x-h", "2"]])', '[["x-a", "1"], ["x-a", "2"]]', '[["x"]]', 'new Map([["x-m", "1"]])', '"str"', "[]", "{}", "null",
  'new Headers({ "Content-Type": "text/csv", "Upstash-Retries": "2" })', '[["Upstash-Forward-Pre", "p"], ["X-B", "b"]]', "undefined", "null", "5",
];
function headersNode() {
  if (chance(0.35)) return L(pick(HEADERS_CODE));
  const n = int(0, 3);
  const entries = [];
  for (let i = 0; i < n; i++) entries.push([JSON.parse(pick(HNAMES)), L(pick(HVALUES))]);
  return O(entries);
}
const FLOW_VALUES = ["1", "0", "-1", "1.5", '"2"', "NaN", "null", "undefined", "10", "1e21", "true", '"x y"', "[]"];
function flowNode() {
  if (chance(0.1)) return gen();
  const entries = [];
  if (chance(0.85)) entries.push(["key", from(['"k"', '""', "5", '"a b"', "null", '"ké y"', '"k,ey"'], 0.5)]);
  for (const f of sample(["parallelism", "rate", "ratePerSecond", "period", "extra"], int(0, 3))) {
    entries.push([f, f === "period" ? from(['"1m"', "30", "0", '"0"', "1.5", '"1h"'], 0.5) : from(FLOW_VALUES, 0.7)]);
  }
  return O(entries);
}
function redactNode() {
  if (chance(0.25)) return gen();
  const entries = [];
  if (chance(0.6)) entries.push(["body", from(BOOL, 0.6)]);
  if (chance(0.6)) entries.push(["header", from(["true", "false", '["Authorization"]', "[]", '[1, null]', '"x"', '["a", "b"]'], 0.7)]);
  return O(entries);
}
const API_CODE = [
  '{ name: "llm" }', '{ name: "llm", provider: lib.openai({ token: "sk" }) }', '{ name: "email", provider: lib.resend({ token: "re" }) }',
  '{ name: "llm", provider: lib.anthropic({ token: "a" }), analytics: { name: "helicone", token: "h" } }', '{ name: "email" }',
  '{ name: "x" }', "{}", '{ name: "llm", analytics: { name: "other", token: "t" } }',
  '{ name: "llm", provider: lib.custom({ baseUrl: "https://llm.example.com/v1/chat/completions", token: "t" }) }',
  '{ name: "llm", provider: lib.upstash() }', '{ name: "email", provider: lib.resend({ token: "re", batch: true }) }',
  '{ name: "llm", provider: lib.openai({ token: "" }) }', '{ name: "llm", provider: lib.openai({ token: "sk", organization: "org" }), extra: 1 }',
  '{ name: "llm", analytics: { name: "helicone", token: "h" } }', '{ name: "email", provider: lib.openai({ token: "sk" }) }',
  "null", '"llm"',
];
const FILTER_KEYS = ["messageId", "url", "urlGroup", "topicName", "scheduleId", "queueName", "callerIp", "label", "flowControlKey", "fromDate", "toDate", "responseStatus", "api", "state", "host", "path", "count", "unknownKey"];
const FILTER_VALUES = ['"x"', '["a", "b"]', "[]", "new Date(5)", "5", "null", "undefined", "true", '"a b?c#d"', "[1, null]", "NaN", "{}", '"é"', "new Date(NaN)", '"DELIVERED"'];
function filterNode() {
  if (chance(0.1)) return gen();
  const entries = [];
  for (const k of sample(FILTER_KEYS, int(0, 3))) entries.push([k, from(FILTER_VALUES, 0.75)]);
  return O(entries);
}

// ── request objects ───────────────────────────────────────────────────────────────────────────
const OPTION_GEN = {
  body: () => from(BODIES, 0.8),
  method: () => from(METHODS),
  delay: () => from(DELAYS),
  notBefore: () => from(NOTBEFORE),
  deduplicationId: () => from(IDS),
  contentBasedDeduplication: () => from(BOOL),
  retries: () => from(RETRIES),
  retryDelay: () => from(RETRY_DELAY),
  callback: () => from(URLS),
  failureCallback: () => from(URLS),
  timeout: () => from(TIMEOUTS),
  flowControl: flowNode,
  label: () => from(LABELS),
  redact: redactNode,
  headers: headersNode,
};
const OPTION_KEYS = Object.keys(OPTION_GEN);

/** A publish-style request: a destination and 0–4 options. */
function publishRequest({ json = false, batch = false, schedule = false } = {}) {
  if (chance(0.06)) return gen();
  const entries = [];
  if (schedule) {
    if (chance(0.95)) entries.push(["destination", from([...URLS, ...NAMES], 0.8)]);
    if (chance(0.95)) entries.push(["cron", from(['"* * * * *"', '"*/5 * * * *"', '""', '"not a cron"', '"CRON_TZ=Europe/Istanbul 0 * * * *"'], 0.8)]);
  } else {
    const d = rnd();
    if (d < 0.6) entries.push(["url", from(URLS, 0.85)]);
    else if (d < 0.72) entries.push(["urlGroup", from(NAMES, 0.8)]);
    else if (d < 0.76) entries.push(["topic", from(NAMES, 0.8)]);
    else if (d < 0.88) entries.push(["api", from(API_CODE, 0.9)]);
    else if (d < 0.93) { entries.push(["url", from(URLS)]); entries.push(["urlGroup", from(NAMES)]); }
  }
  const keys = [...OPTION_KEYS];
  if (batch || schedule) keys.push("queueName");
  if (schedule) keys.push("scheduleId");
  for (const k of sample(keys, int(0, 4))) {
    const v = k === "queueName" ? from(QNAMES) : k === "scheduleId" ? from(IDS) : OPTION_GEN[k]();
    entries.push([k, v]);
  }
  if (json && !entries.some(([k]) => k === "body") && chance(0.5)) entries.push(["body", from(BODIES, 0.8)]);
  if (chance(0.05)) entries.push(["unknownOption", gen()]);
  return O(entries);
}
const call = (prefix, ...args) => W(`${prefix}(`, G(...args), ")");

// ── call generators (weight, name, () => call node) ──────────────────────────────────────────
const bulkArg = (idsKey) => {
  const d = rnd();
  if (d < 0.15) return from(IDS, 0.8);
  if (d < 0.3) return A(Array.from({ length: int(0, 3) }, () => from(IDS, 0.7)));
  if (d < 0.75) {
    const entries = [];
    const keys = sample(["filter", "all", "count", "cursor", idsKey], int(0, 3));
    for (const k of keys) {
      if (k === "filter") entries.push([k, filterNode()]);
      else if (k === "all") entries.push([k, from(BOOL, 0.7)]);
      else if (k === "count") entries.push([k, from(["5", "0", "100", "1.5", "-1"], 0.6)]);
      else if (k === "cursor") entries.push([k, from(['"c1"', '""', "1735689600000"], 0.6)]);
      else entries.push([k, from(['["d1", "d2"]', "[]", '"d1"', '[""]', "[1, null]"], 0.7)]);
    }
    return O(entries);
  }
  return gen();
};
const listArg = (idsKey) => {
  const d = rnd();
  if (d < 0.15) return G();
  if (d < 0.85) {
    const entries = [];
    for (const k of sample(["filter", "count", "cursor", idsKey], int(0, 3))) {
      if (k === "filter") entries.push([k, filterNode()]);
      else if (k === "count") entries.push([k, from(["5", "0", "100", "1.5", "-1", '"7"'], 0.6)]);
      else if (k === "cursor") entries.push([k, from(['"c1"', '""', "1735689600000"], 0.6)]);
      else entries.push([k, from(['["m1", "m2"]', "[]", '"m1"', "[1, null]"], 0.7)]);
    }
    return O(entries);
  }
  return gen();
};
const queueArg = () => (chance(0.15) ? (chance(0.5) ? G() : gen()) : O([["queueName", from(QNAMES, 0.75)]]));
const endpointsNode = () => {
  if (chance(0.15)) return gen();
  return A(Array.from({ length: int(0, 3) }, () => {
    if (chance(0.1)) return gen();
    const e = [];
    if (chance(0.8)) e.push(["url", from(URLS, 0.7)]);
    if (chance(0.5)) e.push(["name", from(NAMES, 0.7)]);
    return O(e);
  }));
};

const CALLS = [
  [14, "publish", () => call("c.publish", publishRequest())],
  [8, "publishJSON", () => call("c.publishJSON", publishRequest({ json: true }))],
  [5, "batch", () => call("c.batch", chance(0.9) ? A(Array.from({ length: int(0, 3) }, () => publishRequest({ batch: true }))) : gen())],
  [4, "batchJSON", () => call("c.batchJSON", chance(0.9) ? A(Array.from({ length: int(0, 3) }, () => publishRequest({ batch: true, json: true }))) : gen())],
  [2, "queue.upsert", () => call(`c.queue(${render(queueArg())}).upsert`, chance(0.85) ? O(sample(["parallelism", "paused", "extra"], int(0, 2)).map((k) => [k, k === "paused" ? from(BOOL) : from(["1", "4", "0", "-1", "1.5"])])) : gen())],
  [2, "queue.get", () => call(`c.queue(${render(queueArg())}).get`)],
  [1, "queue.list", () => call(`c.queue(${render(queueArg())}).list`)],
  [2, "queue.delete", () => call(`c.queue(${render(queueArg())}).delete`)],
  [1, "queue.pause", () => call(`c.queue(${render(queueArg())}).pause`)],
  [1, "queue.resume", () => call(`c.queue(${render(queueArg())}).resume`)],
  [5, "queue.enqueue", () => call(`c.queue(${render(queueArg())}).enqueue`, publishRequest())],
  [4, "queue.enqueueJSON", () => call(`c.queue(${render(queueArg())}).enqueueJSON`, publishRequest({ json: true }))],
  [3, "messages.get", () => call("c.messages.get", from(IDS, 0.9))],
  [5, "messages.cancel", () => call("c.messages.cancel", bulkArg("messageIds"))],
  [2, "messages.delete", () => call("c.messages.delete", from(IDS, 0.9))],
  [2, "messages.deleteMany", () => call("c.messages.deleteMany", chance(0.7) ? A(Array.from({ length: int(0, 3) }, () => from(IDS))) : bulkArg("messageIds"))],
  [1, "messages.deleteAll", () => call("c.messages.deleteAll", ...(chance(0.5) ? [] : [gen()]))],
  [6, "schedules.create", () => call("c.schedules.create", publishRequest({ schedule: true }))],
  [2, "schedules.get", () => call("c.schedules.get", from(IDS, 0.9))],
  [1, "schedules.list", () => call("c.schedules.list")],
  [2, "schedules.pause", () => call("c.schedules.pause", chance(0.8) ? O([["schedule", from(IDS, 0.9)]]) : gen())],
  [2, "schedules.resume", () => call("c.schedules.resume", chance(0.8) ? O([["schedule", from(IDS, 0.9)]]) : gen())],
  [2, "schedules.delete", () => call("c.schedules.delete", from(IDS, 0.9))],
  [3, "urlGroups.addEndpoints", () => call(`c.${pick(["urlGroups", "topics"])}.addEndpoints`, chance(0.9) ? O([["name", from(NAMES)], ["endpoints", endpointsNode()]]) : gen())],
  [2, "urlGroups.removeEndpoints", () => call(`c.${pick(["urlGroups", "topics"])}.removeEndpoints`, chance(0.9) ? O([["name", from(NAMES)], ["endpoints", endpointsNode()]]) : gen())],
  [2, "urlGroups.get", () => call(`c.${pick(["urlGroups", "topics"])}.get`, from(NAMES, 0.5))],
  [1, "urlGroups.list", () => call(`c.${pick(["urlGroups", "topics"])}.list`)],
  [2, "urlGroups.delete", () => call(`c.${pick(["urlGroups", "topics"])}.delete`, from(NAMES, 0.5))],
  [4, "dlq.listMessages", () => call("c.dlq.listMessages", listArg("dlqIds"))],
  [4, "dlq.delete", () => call("c.dlq.delete", bulkArg("dlqIds"))],
  [1, "dlq.deleteMany", () => call("c.dlq.deleteMany", bulkArg("dlqIds"))],
  [4, "dlq.retry", () => call("c.dlq.retry", bulkArg("dlqIds"))],
  [5, "logs", () => call(pick(["c.logs", "c.logs", "c.events"]), listArg("messageIds"))],
  [2, "flowControl.get", () => call("c.flowControl.get", from(IDS, 0.5))],
  [1, "flowControl.getGlobalParallelism", () => call("c.flowControl.getGlobalParallelism")],
  [2, "flowControl.pause", () => call(`c.flowControl.${pick(["pause", "resume", "resetRate"])}`, from(IDS, 0.5))],
  [3, "flowControl.pin", () => call("c.flowControl.pin", from(IDS, 0.7), chance(0.85) ? O(sample(["parallelism", "rate", "period", "extra"], int(0, 3)).map((k) => [k, from(["3", "0", "60", "1.5", "-1", '"2"'], 0.5)])) : gen())],
  [2, "flowControl.unpin", () => call("c.flowControl.unpin", from(IDS, 0.7), chance(0.85) ? O(sample(["parallelism", "rate", "extra"], int(0, 2)).map((k) => [k, from(BOOL, 0.5)])) : gen())],
];

// ── publish loops ─────────────────────────────────────────────────────────────────────────────
// A client publishing the same request again (a loop) is what ours answers from its memo: the
// request it made last, sent again when the options read the same (src/js/options.rs `MemoSlot`).
// Each loop case is one client publishing one request object that changes between steps: set,
// deleted, edited in place (its headers record too), replaced, spread into a fresh object, read
// through getters (which answer the same each time: ours reads each option once per call, the
// official some two or three times) or throwing ones, enqueued, a copy published as JSON. Every
// step's outcome and request are compared. A `reads` step publishes a Proxy of the request on
// this client and on a fresh one, and records whether both read it alike (the same traps, keys,
// in the same order): true on the official's side, so ours must replay exactly the reads a
// first publish makes.
const LOOP_COUNT = Number(process.env.FUZZ_LOOPS ?? Math.ceil(COUNT / 15));
const LOOP_HELPERS = [
  "const out = [];",
  "const step = async (f) => { try { return [\"ok\", await f()]; } catch (e) { return [\"err\", e?.constructor?.name, String(e?.message)]; } };",
  "const logged = (t, log, tag) => new Proxy(t, Object.fromEntries([\"get\", \"has\", \"ownKeys\", \"getOwnPropertyDescriptor\", \"getPrototypeOf\"].map((trap) => [trap, (...a) => { log.push(`${tag} ${trap} ${typeof a[1] === \"symbol\" ? a[1].description : a[1] ?? \"\"}`); return Reflect[trap](...a); }])));",
  "const reads = async (client) => { const log = []; const h = req.headers; const target = h !== null && typeof h === \"object\" && Object.getPrototypeOf(h) === Object.prototype ? { ...req, headers: logged(h, log, \"headers\") } : req; await step(() => client.publish(logged(target, log, \"request\"))); return log; };",
  "const fresh = () => new lib.Client({ baseUrl: BASE, token: TOKEN, retry: { retries: 1, backoff: () => 0 } });",
].join(" ");
const PUB = "out.push(await step(() => c.publish(req)));";
/** Options whose values are primitives in the plausible pools: a change to one of them is what
 * a stale request would miss. */
const LOOP_SCALARS = ["method", "delay", "notBefore", "deduplicationId", "contentBasedDeduplication", "retries", "retryDelay", "callback", "failureCallback", "timeout", "label", "body"];
/** A value for option `k`: a plausible one mostly, so most steps make a request. */
const loopValue = (k) => (chance(0.75) && !["headers", "flowControl", "redact"].includes(k) ? L(pick({
  body: BODIES.slice(0, 8), method: METHODS.slice(0, 5), delay: DELAYS, notBefore: NOTBEFORE, deduplicationId: IDS.slice(0, 4),
  contentBasedDeduplication: BOOL, retries: RETRIES, retryDelay: RETRY_DELAY, callback: URLS.slice(0, 3), failureCallback: URLS.slice(0, 3),
  timeout: TIMEOUTS, label: LABELS,
}[k])) : OPTION_GEN[k]());
function loopRequest() {
  const entries = [["url", chance(0.85) ? L('"https://example.com/hook"') : from(URLS, 0.8)]];
  for (const k of sample(chance(0.8) ? [...LOOP_SCALARS, "headers"] : OPTION_KEYS, int(0, 5))) entries.push([k, loopValue(k)]);
  return O(entries);
}
function loopStep() {
  const d = rnd();
  const k = pick(OPTION_KEYS);
  const v = () => render(loopValue(k));
  if (d < 0.18) return PUB;
  if (d < 0.46) { const s = pick(LOOP_SCALARS); return `req.${s} = ${render(loopValue(s))}; ${PUB}`; }
  if (d < 0.52) return `req.${k} = ${v()}; ${PUB}`;
  if (d < 0.58) return `delete req.${pick(chance(0.7) ? LOOP_SCALARS : OPTION_KEYS)}; ${PUB}`;
  if (d < 0.68) return `try { req.headers[${pick(HNAMES)}] = ${pick(HVALUES)}; } catch {} ${PUB}`;
  if (d < 0.71) return `req = ${render(loopRequest())}; ${PUB}`;
  if (d < 0.74) return `req = { ...req }; ${PUB}`;
  if (d < 0.78) return `req.url = ${pick(URLS)}; ${PUB}`;
  if (d < 0.82) return `out.push(await step(() => c.queue({ queueName: ${pick(['"q1"', '"q2"'])} }).enqueue(req)));`;
  if (d < 0.86) return `{ const a = ${v()}; Object.defineProperty(req, "${k}", { get: () => a, configurable: true, enumerable: true }); } ${PUB} ${PUB}`;
  if (d < 0.88) return `Object.defineProperty(req, "${k}", { get() { throw new Error("getter ${k}"); }, configurable: true, enumerable: true }); ${PUB} delete req.${k}; ${PUB}`;
  if (d < 0.96) {
    // Often after a change, so that this client's publish differs from its last in one place.
    const change = pick(["", "", `try { req.headers[${pick(HNAMES)}] = ${pick(HVALUES)}; } catch {} `, `req.${pick(LOOP_SCALARS)} = ${render(loopValue(pick(LOOP_SCALARS)))}; `]);
    return `${change}{ const here = await reads(c), first = await reads(fresh()); out.push(JSON.stringify(here) === JSON.stringify(first) || [here, first]); }`;
  }
  // A copy: the official's publishJSON sets `request.headers` (a deliberate difference: ours
  // does not), which would change the loop's request on one side only.
  return "out.push(await step(() => c.publishJSON({ ...req })));";
}
function loopCase(i) {
  R = mulberry32(hashSeed(`${SEED}:loop:${i}`));
  const steps = [PUB, ...Array.from({ length: int(4, 12) }, loopStep)];
  const body = W(`(async () => { ${LOOP_HELPERS} let req = `, loopRequest(), `; ${steps.join(" ")} return out; })()`);
  return { i, method: "publish loop", token: `tok_${i}`, config: BASE_CONFIG(), call: body };
}

// ── client configs ────────────────────────────────────────────────────────────────────────────
const BASE_CONFIG = () => O([kept("baseUrl", "BASE"), kept("token", "TOKEN"), kept("retry", "{ retries: 1, backoff: () => 0 }")]);
const RETRY_POOL = ["false", "true", "undefined", "null", "{}", "{ retries: 0 }", "{ retries: 1, backoff: () => 0 }", "{ retries: 2 }", "{ retries: NaN }", "{ retries: -1 }", '{ retries: "1", backoff: () => 0 }', "{ retries: 1.5, backoff: () => 0 }", "{ backoff: () => 0 }", '{ retries: 1, backoff: "x" }', "{ retries: 1, backoff: () => -5 }", "{ retries: 1, backoff: () => NaN }", "0", '""', "{ retries: null, backoff: () => 0 }"];
const SAFE_OPS = [
  () => call("c.publish", O([["url", L('"https://example.com/hook"')], ["body", L('"b"')], ...(chance(0.5) ? [["headers", headersNode()]] : [])])),
  () => call("c.publishJSON", O([["url", L('"https://example.com/hook"')], ["body", L("{ a: 1 }")]])),
  () => call("c.batch", L('[{ url: "https://example.com/hook", body: "1" }, { urlGroup: "grp" }]')),
  () => call("c.schedules.create", L('{ destination: "https://example.com/hook", cron: "* * * * *" }')),
  () => call("c.messages.get", L('"m1"')),
  () => call("c.queue({ queueName: \"q1\" }).upsert", L("{}")),
  () => call("c.queue({ queueName: \"q1\" }).enqueue", L('{ url: "https://example.com/hook" }')),
];
function configCase() {
  // No usable config: the credentials come from the environment (the recording server).
  if (chance(0.05)) return { config: chance(0.5) ? G() : gen(), call: call("c.messages.get", L('"m1"')), env: { QSTASH_URL: server.url, QSTASH_TOKEN: "env-token" } };
  if (chance(0.25)) {
    // A network failure (a host the fetch wrapper refuses): the retry loop, its log lines and
    // the final error, for odd `retry` values. The backoff is always one that does not wait.
    // (ours ignores a `backoff` that is not a function and waits the default backoff: that one
    // only with a single retry)
    const retry = [];
    const backoff = pick(["() => 0", "() => NaN", "() => -5", '"x"', "(n) => n", "() => 0.4", '() => "1"', "() => Symbol()", "() => 10n"]);
    const retries = backoff === '"x"' ? pick(["0", "1"]) : pick(["0", "1", '"1"', "NaN", "-1", "1.5", "null", "2", '"x"', "true", "[]", "undefined", "Infinity - Infinity"]);
    retry.push(kept("retries", retries));
    retry.push(kept("backoff", backoff));
    const cfg = O([kept("baseUrl", '"http://127.0.0.1:1"'), kept("token", "TOKEN"), kept("retry", chance(0.9) ? O(retry) : L("false"))]);
    return { config: cfg, call: pick(SAFE_OPS)() };
  }
  const entries = [];
  const d = rnd();
  const baseUrl = d < 0.7 ? "BASE" : pick(['BASE + "/"', 'BASE + "//"', '" " + BASE', "BASE.toUpperCase()", 'BASE + "/v2/publish/"', 'BASE + "/prefix"', 'BASE.replace("http://", "")', '""', "undefined", "null", "5"]);
  entries.push(["baseUrl", L(baseUrl)]);
  const token = from(["TOKEN", "TOKEN", '""', "undefined", "null", "5", '"a b"', '"tøken"', '"✓"', "{}", '"Bearer x"'], 0.6);
  entries.push(["token", token]);
  // A token that is not a valid header value makes ours retry (a finding): keep that fast.
  const badToken = /✓|🚀|\\n|\\u0000|\\t|Symbol|10n/.test(render(token));
  let localOnly = /^BASE/.test(baseUrl) && baseUrl !== 'BASE.replace("http://", "")';
  if (chance(0.6)) entries.push(["headers", headersNode()]);
  if (chance(0.3)) {
    const dm = pick(["false", "undefined", "null", "0", '""', '"false"', "1"]);
    entries.push(["devMode", L(dm)]);
    if (["\"false\"", "1"].includes(dm)) localOnly = false;
  }
  if (chance(0.4)) entries.push(["enableTelemetry", from(["false", "true", "0", '""', '"false"', "null"], 0.8)]);
  if (chance(0.1)) entries.push(["region", gen()]);
  // A destination that is not the recording server is refused by the fetch wrapper: keep the
  // retries fast there (the default backoff would wait seconds).
  entries.push(kept("retry", localOnly && !badToken ? from(RETRY_POOL, 0.9) : L(pick(["false", "{ retries: 1, backoff: () => 0 }", "{ retries: 0 }"]))));
  return { config: O(entries), call: pick(SAFE_OPS)() };
}

// ── Receiver ──────────────────────────────────────────────────────────────────────────────────
const DEV_KEYS = { current: "sig_7kYjw48mhY7kAjqNGcy6cr29RJ6r", next: "sig_5ZB6DVzB1wjE8S6rZ7eenA8Pdnhs" };
/** Mints a QStash-like JWT at evaluation time (offsets in seconds from now). Used inside cases. */
function jwt({ key = "sig_current", iss = "Upstash", sub = "https://example.com/hook", body = "", hash = "good", exp = 300, nbf = -10, iat = -10, alg = "HS256", typ = "JWT", sig = "good", pad = false } = {}) {
  const now = Math.floor(Date.now() / 1000);
  const keyBytes = key === "DEV" ? DEV_KEYS.current : key === "DEV_NEXT" ? DEV_KEYS.next : String(key);
  let text;
  if (body === undefined) text = "";
  else { try { text = String(body); } catch { text = ""; } }
  let h = createHash("sha256").update(text).digest("base64url");
  if (hash === "std") h = createHash("sha256").update(text).digest("base64");
  if (hash === "wrong") h = createHash("sha256").update(`${text}!`).digest("base64url");
  if (pad) h += "=";
  const payload = { iss, sub, jti: "jwt_fixed" };
  if (hash !== "missing") payload.body = hash === "number" ? 5 : h;
  if (exp !== null) payload.exp = now + exp;
  if (nbf !== null) payload.nbf = now + nbf;
  if (iat !== null) payload.iat = now + iat;
  const header = { alg };
  if (typ !== undefined) header.typ = typ;
  const b64 = (v) => Buffer.from(JSON.stringify(v)).toString("base64url");
  const input = `${b64(header)}.${b64(payload)}`;
  if (sig === "empty" || alg === "none") return `${input}.`;
  const algo = { HS256: "sha256", HS384: "sha384", HS512: "sha512" }[alg] ?? "sha256";
  const mac = createHmac(algo, Buffer.from(keyBytes, "utf8")).update(input).digest("base64url");
  return `${input}.${sig === "bad" ? mac.slice(0, -4) + "AAAA" : mac}`;
}
const R_KEYS = ['"sig_current"', '"sig_next"', '"sig_other"', '""', "undefined", '"sig current ✓"', "null", "5"];
const VBODIES = ['""', '"hello"', '"héllo ✓ 🚀"', '"{\\"a\\":1}"', '"x".repeat(5000)', '"é".repeat(30000)', '"y".repeat(70000)', "undefined", "null", "42", "{ a: 1 }", '["a"]', "true", "10n", 'new Blob(["x"])', '"\\ud800"', 'Symbol("b")'];
function receiverCase() {
  const env = {};
  const e = rnd();
  if (e < 0.12) Object.assign(env, { QSTASH_CURRENT_SIGNING_KEY: "sig_current", QSTASH_NEXT_SIGNING_KEY: "sig_next" });
  else if (e < 0.22) Object.assign(env, { QSTASH_REGION: pick(["EU_CENTRAL_1", "eu-central-1", "mars", "US_EAST_1"]), EU_CENTRAL_1_QSTASH_CURRENT_SIGNING_KEY: "sig_current", EU_CENTRAL_1_QSTASH_NEXT_SIGNING_KEY: "sig_next", ...(chance(0.5) ? { QSTASH_CURRENT_SIGNING_KEY: "sig_other", QSTASH_NEXT_SIGNING_KEY: "sig_next" } : {}) });
  else if (e < 0.27) env.QSTASH_DEV = pick(["1", "true", "0", "false", ""]);
  let config;
  const c = rnd();
  if (c < 0.05) config = G();
  else if (c < 0.1) config = L(pick(["undefined", "{}", "null"]));
  else {
    const entries = [];
    if (chance(0.9)) entries.push(["currentSigningKey", chance(0.6) ? L('"sig_current"') : L(pick(R_KEYS))]);
    if (chance(0.9)) entries.push(["nextSigningKey", chance(0.6) ? L('"sig_next"') : L(pick(R_KEYS))]);
    if (chance(0.2)) entries.push(["devMode", L(pick(["false", "true", "undefined", "0", '""', '"true"']))]);
    if (chance(0.05)) entries.push(["clockTolerance", L("10")]);
    config = O(entries);
  }
  // the verify argument
  const body = chance(0.75) ? L(pick(VBODIES.slice(0, 7))) : L(pick(VBODIES));
  const sub = chance(0.8) ? '"https://example.com/hook"' : pick(URLS);
  const jwtOpts = [];
  jwtOpts.push(["key", L(pick(['"sig_current"', '"sig_current"', '"sig_next"', '"sig_other"', '"DEV"', '"DEV_NEXT"', '""']))]);
  jwtOpts.push(["sub", L(sub)]);
  jwtOpts.push(["body", chance(0.85) ? body : L(pick(VBODIES))]);
  if (chance(0.3)) jwtOpts.push(["iss", L(pick(['"upstash"', '""', "5", '"Upstash "']))]);
  if (chance(0.3)) jwtOpts.push(["exp", L(pick(["-300", "-5", "null", "3000"]))]);
  if (chance(0.2)) jwtOpts.push(["nbf", L(pick(["300", "null", "30"]))]);
  if (chance(0.1)) jwtOpts.push(["iat", L(pick(["300", "null"]))]);
  if (chance(0.15)) jwtOpts.push(["alg", L(pick(['"HS512"', '"HS384"', '"none"', '"RS256"', '"hs256"']))]);
  if (chance(0.1)) jwtOpts.push(["typ", L(pick(["undefined", '"JWS"', "5"]))]);
  if (chance(0.2)) jwtOpts.push(["hash", L(pick(['"std"', '"wrong"', '"missing"', '"number"']))]);
  if (chance(0.1)) jwtOpts.push(["pad", L("true")]);
  if (chance(0.1)) jwtOpts.push(["sig", L(pick(['"bad"', '"empty"']))]);
  const token = W("jwt(", O(jwtOpts), ")");
  let signature = token;
  if (chance(0.12)) signature = L(pick(["undefined", "null", '""', '"a.b.c"', '"garbage"', "5", "{}", '["x"]', '"..."', '"e30.e30.e30"']));
  else if (chance(0.05)) signature = W("", token, pick(['+ " "', ".toUpperCase()", '.split(".").slice(0, 2).join(".")', '.replace(/\\./g, "..")']));
  const entries = [["signature", signature], ["body", body]];
  if (chance(0.35)) entries.push(["url", chance(0.5) ? L(sub) : L(pick(['"https://example.com/other"', '""', "5", "null", '"https://example.com/hook/"', "undefined"]))]);
  if (chance(0.3)) entries.push(["clockTolerance", L(pick(["0", "10", "1000", "-10", '"10"', "NaN", "null", "1.5", "Infinity", '"5m"', "undefined"]))]);
  if (chance(0.25) || env.QSTASH_REGION) entries.push(["upstashRegion", L(pick(["undefined", '"eu-central-1"', '"EU_CENTRAL_1"', '"us-east-1"', '""', '"mars"', "5", "null"]))]);
  let arg = O(entries);
  if (chance(0.04)) arg = chance(0.5) ? G() : gen();
  return { env, config, call: call("r.verify", arg), receiver: true };
}

// Odd answers from the server (the call's first request gets it): statuses, bodies, headers.
const json = (body, status = 200, headers = {}) => ({ status, headers: { "content-type": "application/json", ...headers }, body });
const RESPONSES = [
  { status: 200, headers: {}, body: "not json" }, { status: 204, headers: {}, body: "" }, json("null"), json("[]"), json("{}"), json('"text"'), json("42"),
  json('{"messages": null, "cursor": 5}'), json('{"events": null}'), json('{"events": [{"topicName": "t", "time": 1}], "cursor": ""}'), json('{"cursor": 0, "events": []}'),
  json('{"rate": 5, "topicName": null}'), json('{"n": 12345678901234567890, "f": 1.0e400}'), json('{"__proto__": {"polluted": 1}, "rate": 1}'), json("\ufeff{\"a\":1}"),
  json('[{"rate": 1}, {"ratePerSecond": 3}]'), json('{"responses": null, "cursor": null}'), json('{"cursor": "c", "responses": [], "deleted": "7"}'),
  json('{"parallelismMax": null}'), json('{"cancelled": "3"}'), json('{"messageId": "m", "deduplicated": "yes"}'),
  { status: 500, headers: {}, body: "internal" }, { status: 503, headers: {}, body: "" }, { status: 400, headers: { "content-type": "application/json" }, body: '{"error":"bad"}' },
  { status: 429, headers: { "RateLimit-Limit": "0", "x-ratelimit-limit-requests": "" }, body: "" }, { status: 429, headers: { "Burst-RateLimit-Limit": "1" }, body: "slow" },
  { status: 404, headers: {}, body: "é ✓" }, { status: 299, headers: {}, body: '{"odd": true}' }, { status: 302, headers: { location: "/v2/queues" }, body: "" },
  { status: 200, headers: { "content-type": "text/plain" }, body: '{"plain": 1}' }, { status: 401, headers: {}, body: "\u0000" },
];

function genCase(i) {
  if (i >= COUNT) return loopCase(i);
  R = mulberry32(hashSeed(`${SEED}:${i}`));
  const d = rnd();
  const token = `tok_${i}`;
  if (d < 0.15) return { i, method: "Receiver", token, ...receiverCase() };
  if (d < 0.23) { const cc = configCase(); return { i, method: "Client(config)", token, ...cc }; }
  const total = CALLS.reduce((s, [w]) => s + w, 0);
  let x = rnd() * total;
  for (const [w, name, make] of CALLS) {
    if ((x -= w) < 0) {
      const kase = { i, method: name, token, config: BASE_CONFIG(), call: make() };
      if (chance(0.08)) kase.respond = pick(RESPONSES);
      return kase;
    }
  }
  throw new Error("unreachable");
}

// ── running one side ──────────────────────────────────────────────────────────────────────────
const server = await startRecordingServer();
const serverHost = new URL(server.url).host;
let current = null; // the side-run in progress: { fetchCalls, blocked, unhandled }
const realFetch = globalThis.fetch;
globalThis.fetch = function fuzzFetch(input, init) {
  if (current) current.fetchCalls++;
  let href;
  try { href = typeof input === "string" ? input : input instanceof URL ? input.href : input?.url; } catch { href = undefined; }
  let u;
  try { u = new URL(String(href)); } catch { u = undefined; }
  if (u && u.host !== serverHost) {
    if (current) current.blocked.push(u.href);
    return Promise.reject(new TypeError("fetch failed", { cause: new Error(`blocked by the fuzz harness: ${u.origin}`) }));
  }
  return realFetch.call(this, input, init);
};
process.on("unhandledRejection", (reason) => { if (current) current.unhandled.push(describeThrown(reason, null)); });
// An exception thrown out of band (from a callback, a microtask) would end the process: record it
// against the side-run in progress (or the last one) instead.
let lastSide = null;
process.on("uncaughtException", (err) => {
  const side = current ?? lastSide;
  if (side) side.unhandled.push({ uncaught: describeThrown(err, null) });
  else { console.log(`uncaught exception outside any case: ${err?.stack ?? err}`); }
});

function canon(v, seen = new Set()) {
  switch (typeof v) {
    case "undefined": return { $: "undefined" };
    case "number": return Number.isFinite(v) && !Object.is(v, -0) ? v : { $: "number", v: Object.is(v, -0) ? "-0" : String(v) };
    case "bigint": return { $: "bigint", v: String(v) };
    case "symbol": return { $: "symbol", v: String(v) };
    case "function": return { $: "function", name: v.name };
    case "string":
    case "boolean": return v;
  }
  if (v === null) return null;
  if (seen.has(v)) return { $: "cycle" };
  seen.add(v);
  try {
    if (v instanceof Date) return { $: "Date", v: canon(v.getTime()) };
    if (v instanceof Error) return { $: "Error", class: v.constructor?.name, message: v.message };
    if (Array.isArray(v)) return v.map((x) => canon(x, seen));
    if (v instanceof Headers) return { $: "Headers", v: [...v] };
    if (ArrayBuffer.isView(v)) return { $: v.constructor.name, v: [...new Uint8Array(v.buffer, v.byteOffset, v.byteLength)] };
    const proto = Object.getPrototypeOf(v);
    const out = {};
    if (proto === null) out.$class = "null-prototype";
    else if (proto !== Object.prototype) out.$class = proto.constructor?.name;
    for (const k of Object.keys(v)) out[k] = canon(v[k], seen);
    return out;
  } finally {
    seen.delete(v);
  }
}
const sortKeys = (v) => (Array.isArray(v) ? v.map(sortKeys) : v && typeof v === "object" ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k])])) : v);

function describeThrown(err, lib) {
  if (!(err instanceof Error)) return { thrown: canon(err) };
  const fields = {};
  for (const k of Object.keys(err)) fields[k] = canon(err[k]);
  return {
    class: err.constructor?.name,
    name: err.name,
    message: err.message,
    status: canon(err.status),
    fields,
    cause: err.cause instanceof Error ? `${err.cause.constructor.name}: ${err.cause.message}` : canon(err.cause),
    instanceofQstashError: lib?.QstashError ? err instanceof lib.QstashError : "n/a",
    instanceofTypeError: err instanceof TypeError,
  };
}

const evaluate = (code, scope) => new Function(...Object.keys(scope), `"use strict"; return (${code});`)(...Object.values(scope));
const timeout = (ms) => new Promise((r) => { const t = setTimeout(() => r({ how: "timeout" }), ms); t.unref?.(); });

async function runSide(lib, kase) {
  const saved = { ...process.env };
  Object.assign(process.env, kase.env ?? {});
  server.state.records.length = 0;
  server.state.next = kase.respond ?? null;
  const side = { fetchCalls: 0, blocked: [], unhandled: [] };
  current = side;
  lastSide = side;
  const logs = [];
  const savedConsole = [console.error, console.warn, console.log];
  const fmt = (a) => a.map((x) => (typeof x === "string" ? x : x instanceof Error ? `${x.constructor.name}: ${x.message}` : inspect(x))).join(" ");
  console.error = (...a) => logs.push(`error: ${fmt(a)}`);
  console.warn = (...a) => logs.push(`warn: ${fmt(a)}`);
  console.log = (...a) => logs.push(`log: ${fmt(a)}`);
  const scope = { lib, BASE: server.url, TOKEN: kase.token, jwt };
  let outcome;
  try {
    let target;
    const ctor = kase.receiver ? `new lib.Receiver(${render(kase.config)})` : `new lib.Client(${render(kase.config)})`;
    try { target = evaluate(ctor, scope); } catch (err) { outcome = { how: "constructor threw", error: describeThrown(err, lib) }; }
    if (!outcome) {
      let ret;
      try { ret = evaluate(render(kase.call), { ...scope, c: target, r: target }); } catch (err) { outcome = { how: "sync throw", error: describeThrown(err, lib) }; }
      if (!outcome) {
        if (ret && typeof ret.then === "function") {
          const settled = await Promise.race([
            Promise.resolve(ret).then((value) => ({ how: "resolved", value: canon(value) }), (err) => ({ how: "rejected", error: describeThrown(err, lib) })),
            timeout(SIDE_TIMEOUT_MS),
          ]);
          outcome = settled;
        } else {
          outcome = { how: "sync value", value: canon(ret) };
        }
      }
    }
    await new Promise((r) => setImmediate(r));
  } finally {
    [console.error, console.warn, console.log] = savedConsole;
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
    current = null;
    server.state.next = null;
  }
  const mine = server.state.records.filter((r) => r.headers.some(([k, v]) => k === "authorization" && v === `Bearer ${kase.token}`));
  const recs = (kase.method === "Client(config)" ? server.state.records : mine).map(normaliseRequest);
  return { outcome, requests: recs, logs, fetchCalls: side.fetchCalls, blocked: side.blocked, unhandled: side.unhandled };
}

// ── comparing ─────────────────────────────────────────────────────────────────────────────────
const show = (v) => inspect(v, { depth: 8, breakLength: 200, maxStringLength: 400 });
const shape = (s) => String(s).replace(/"[^"]*"/g, '"…"').replace(/'[^']*'/g, "'…'").replace(/ in .*$/s, " in …").replace(/ for .*$/s, " for …").replace(/\d+/g, "N").slice(0, 56);

/** Differences between two side results: [{ key, brief, detail }]. */
function compare(want, got) {
  const out = [];
  const add = (key, brief, a, b) => out.push({ key, brief, detail: `  ${key}:\n    official: ${show(a)}\n    ours:     ${show(b)}` });
  // Our SignatureError messages name each key's failure; one containing the official's is equal.
  const we = want.outcome.error;
  const ge = got.outcome.error;
  if (we && ge && we.name === "SignatureError" && ge.name === "SignatureError" && ge.message !== we.message && ge.message.includes(we.message)) {
    got = { ...got, outcome: { ...got.outcome, error: { ...ge, message: we.message } } };
  }
  // Ours' SignatureError carries a `code` (a documented addition, pkg-template/README.md).
  if (got.outcome.error?.name === "SignatureError" && "code" in (got.outcome.error.fields ?? {}) && !("code" in (want.outcome.error?.fields ?? {}))) {
    const { code, ...fields } = got.outcome.error.fields;
    got = { ...got, outcome: { ...got.outcome, error: { ...got.outcome.error, fields } } };
  }
  const wo = want.outcome;
  const go = got.outcome;
  if (wo.how !== go.how) {
    const first = go.how === "constructor threw" || go.how === "sync throw" || !wo.error ? go.error : wo.error;
    add("outcome", `${wo.how}${wo.error ? `(${wo.error.class})` : ""} vs ${go.how}${go.error ? `(${go.error.class})` : ""}: ${shape(first?.message ?? "")}`, wo, go);
  } else if (wo.error || go.error) {
    const a = wo.error;
    const b = go.error;
    if (JSON.stringify(a) !== JSON.stringify(b)) {
      const parts = Object.keys({ ...a, ...b }).filter((k) => JSON.stringify(a?.[k]) !== JSON.stringify(b?.[k]));
      add("error", `${wo.how} ${parts.join(",")}: ${a?.class}: ${shape(a?.message)} vs ${b?.class}: ${shape(b?.message)}`, a, b);
    }
  } else if (JSON.stringify(sortKeys(wo.value)) !== JSON.stringify(sortKeys(go.value))) {
    add("value", "value", wo.value, go.value);
  } else if (JSON.stringify(wo.value) !== JSON.stringify(go.value)) {
    add("value key order", "key order", wo.value, go.value);
  }
  if (want.requests.length !== got.requests.length) add("request count", `${want.requests.length} vs ${got.requests.length}`, want.requests, got.requests);
  const n = Math.min(want.requests.length, got.requests.length);
  for (let i = 0; i < n; i++) {
    const w = want.requests[i];
    const g = got.requests[i];
    for (const k of ["method", "path", "query", "body"]) if (w[k] !== g[k]) add(`request[${i}].${k}`, k, w[k], g[k]);
    if (JSON.stringify(w.headers) !== JSON.stringify(g.headers)) {
      const wm = new Map(); for (const [k, v] of w.headers) wm.set(k, [...(wm.get(k) ?? []), v]);
      const gm = new Map(); for (const [k, v] of g.headers) gm.set(k, [...(gm.get(k) ?? []), v]);
      const names = [...new Set([...wm.keys(), ...gm.keys()])].filter((k) => JSON.stringify(wm.get(k)) !== JSON.stringify(gm.get(k))).sort();
      add(`request[${i}].headers`, `headers ${names.join(",")}`, names.map((k) => [k, wm.get(k)]), names.map((k) => [k, gm.get(k)]));
    }
  }
  if (JSON.stringify(want.logs) !== JSON.stringify(got.logs)) add("console", `console ${want.logs.length} vs ${got.logs.length}`, want.logs, got.logs);
  if (want.fetchCalls !== got.fetchCalls) add("fetch calls", `fetch ${want.fetchCalls} vs ${got.fetchCalls}`, want.fetchCalls, got.fetchCalls);
  if (JSON.stringify(want.unhandled) !== JSON.stringify(got.unhandled)) add("unhandled rejections", "unhandled", want.unhandled, got.unhandled);
  return out;
}

/**
 * Deliberate differences (tests/parity/README.md): a Receiver config field that is a likely typo
 * of a key field, or a key field of the wrong type, is a TypeError in ours at construction.
 * (ReadableStream bodies, Uint8Array/ArrayBuffer Receiver bodies and QSTASH_DEV changed after
 * construction are never generated; the caller's publishJSON request object is not compared.)
 */
function deliberate(kase, want, got) {
  if (kase.receiver && got.outcome.how === "constructor threw" && got.outcome.error?.class === "TypeError" && want.outcome.how !== "constructor threw") {
    const msg = got.outcome.error.message;
    if (/`(currentSigningKey|nextSigningKey)` must be a string/.test(msg)) return "Receiver key field of the wrong type (TypeError)";
    if (/unknown field .*did you mean/.test(msg)) return "Receiver config field that is a likely typo (TypeError)";
  }
  return null;
}

/**
 * Known differences, not fixed (input classes far from real use; the README of tests/parity lists
 * them): reported as counts, and they do not fail the run. Everything else does.
 */
function known(kase, want, got) {
  const src = repro(kase);
  if (/Symbol\(/.test(src)) return "a Symbol argument (a TypeError with another message, or the official's JSON drops it)";
  if (/new (Number|String|Boolean)\(/.test(src)) return "a boxed primitive where a number is expected";
  if (/retries: (NaN|-|"|true|false|null|Infinity|\d+\.\d|\[|\{)|backoff: (?!\(|\w+ =>|function)/.test(src)) {
    return "retry.retries not a non-negative integer, or retry.backoff not a function";
  }
  if (/token: (?!TOKEN\b|"|undefined\b)/.test(src)) return "a token that is not a string (the official warns by its truthiness)";
  if (/\.(deleteMany|cancel|delete|retry|logs|events|listMessages|batch|batchJSON|publishJSON|enqueueJSON)\((["\d]|-|new (Uint8Array|ArrayBuffer|Date)|true|false|\[new Date)/.test(src)
    || /(filter|messageIds|dlqIds): ("|\[|Object\.create\(null\)|new (Uint8Array|ArrayBuffer))/.test(src)
    || /\.batch(JSON)?\(new (URLSearchParams|Map|Set|Headers|FormData)/.test(src)
    || /\.batch(JSON)?\(\[\[/.test(src)
    || /: Object\.create\(null\)|, new Date\(/.test(src)
    || /^Cannot create property/.test(want.outcome?.error?.message ?? "")) {
    return "an argument that is not an options object (a string, bytes, a Date) where the official spreads or indexes it";
  }
  if (kase.receiver) {
    const ourMessage = got.outcome?.error?.message ?? "";
    if (/^Receiver\.verify: /.test(ourMessage)) return "Receiver: a mistyped request or field is our TypeError";
    if (/^Invalid (time period format|clockTolerance option type)$/.test(ourMessage)) return "Receiver: clockTolerance is checked before the keys";
    if (/^body hash does not match/.test(ourMessage) && want.outcome?.error?.class === "TypeError") return "Receiver: a token whose body claim is not a string is a SignatureError";
  }
  return null;
}

async function runCase(kase) {
  const want = await runSide(official, kase);
  const got = await runSide(ours, kase);
  const diffs = compare(want, got);
  if (!diffs.length) return { diffs, want, got };
  const why = deliberate(kase, want, got) ?? known(kase, want, got);
  return { diffs, want, got, deliberate: why };
}
/** The group of a difference: the method and what differed (consequences of a different outcome left out). */
function signatureOf(kase, diffs) {
  const outcome = diffs.some((d) => d.key === "outcome");
  const parts = diffs
    .filter((d) => !outcome || !["request count", "console", "fetch calls"].includes(d.key))
    .map((d) => `${d.key.replace(/\[\d+\]/, "[]")}: ${d.brief}`);
  return `${kase.method} | ${parts.join(" ; ")}`;
}

function repro(kase) {
  const env = (kase.env && Object.keys(kase.env).length ? `// env: ${JSON.stringify(kase.env)}\n` : "")
    + (kase.respond ? `// the server answers the first request with ${JSON.stringify(kase.respond)}\n` : "");
  const ctor = kase.receiver ? `const r = new Receiver(${render(kase.config)});` : `const c = new Client(${render(kase.config)});`;
  return `${env}${ctor}\nawait ${render(kase.call)};`;
}

async function shrink(kase, sig) {
  let best = kase;
  let budget = 40;
  let improved = true;
  while (improved && budget > 0) {
    improved = false;
    for (const field of ["call", "config"]) {
      for (const smaller of shrinkings(best[field])) {
        if (budget-- <= 0) break;
        const candidate = { ...best, [field]: smaller };
        let res;
        const t0 = Date.now();
        try { res = await runCase(candidate); } catch { continue; }
        if (Date.now() - t0 > 1500) continue; // slower (a default backoff came back): not simpler
        if (res.diffs.length && !res.deliberate && signatureOf(candidate, res.diffs) === sig) {
          best = candidate;
          improved = true;
          break;
        }
      }
      if (improved) break;
    }
  }
  return best;
}

// ── main ──────────────────────────────────────────────────────────────────────────────────────
const started = Date.now();
const groups = new Map();
const excluded = new Map();
const methodCounts = new Map();
let ran = 0;
const slowest = [];
const indexes = onlyCase !== null ? [onlyCase] : Array.from({ length: COUNT + LOOP_COUNT }, (_, i) => i);
for (const i of indexes) {
  const kase = genCase(i);
  methodCounts.set(kase.method, (methodCounts.get(kase.method) ?? 0) + 1);
  let res;
  const t0 = Date.now();
  try {
    res = await runCase(kase);
  } catch (err) {
    res = { diffs: [{ key: "harness", brief: String(err?.message ?? err), detail: `  harness error: ${err?.stack ?? err}` }] };
  }
  ran++;
  slowest.push([Date.now() - t0, i]);
  if (onlyCase !== null) {
    console.log(`case ${i} (${kase.method}):\n${repro(kase)}\nofficial: ${show(res.want)}\nours:     ${show(res.got)}`);
  }
  if (!res.diffs.length) continue;
  if (res.deliberate) {
    excluded.set(res.deliberate, (excluded.get(res.deliberate) ?? 0) + 1);
    continue;
  }
  const sig = signatureOf(kase, res.diffs);
  if (VERBOSE) console.log(`DIFF case ${i}: ${sig}\n${repro(kase)}\n${res.diffs.map((d) => d.detail).join("\n")}\n`);
  const g = groups.get(sig);
  if (g) { g.cases.push(i); continue; }
  groups.set(sig, { cases: [i], kase, diffs: res.diffs });
}

// Shrink one example per group and print it.
const mainLoopSecs = ((Date.now() - started) / 1000).toFixed(1);
let n = 0;
for (const [sig, g] of groups) {
  n++;
  const small = onlyCase !== null || process.env.FUZZ_NO_SHRINK ? g.kase : await shrink(g.kase, sig);
  const res = await runCase(small);
  const diffs = res.diffs.length ? res.diffs : g.diffs;
  console.log(`\n── DIFF ${n}: ${sig}\n   cases (${g.cases.length}): ${g.cases.slice(0, 12).join(", ")}${g.cases.length > 12 ? ", …" : ""}   replay: node tests/wire/fuzz.mjs <dir> ${SEED} ${COUNT} --case ${g.cases[0]}`);
  console.log(repro(small).replace(/^/gm, "   | "));
  console.log(diffs.map((d) => d.detail).join("\n"));
}
await server.close();
const secs = ((Date.now() - started) / 1000).toFixed(1);
console.log(`\nfuzz: seed ${SEED}, ${ran} generated calls (x2 sides) in ${secs}s (${mainLoopSecs}s before shrinking); ${[...methodCounts].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(", ")}`);
console.log(`slowest cases (ms, index): ${slowest.sort((a, b) => b[0] - a[0]).slice(0, 5).map(([ms, i]) => `${ms}:${i}`).join(" ")}`);
if (excluded.size) console.log(`excluded as deliberate or known: ${[...excluded].map(([k, v]) => `${k} (${v})`).join("; ")}`);
console.log(`${groups.size} distinct difference(s) in ${[...groups.values()].reduce((s, g) => s + g.cases.length, 0)} case(s)`);
process.exit(groups.size ? 1 : 0);
