// Mints the golden cases of `tests/api_golden.rs` with the official SDK.
//
//   node tests/api_golden_gen.mjs > tests/api_golden_cases.json
//
// Every case is plain JSON (`kind` + `args`), so the Rust test can feed the same input to the
// pure core. The official `@upstash/qstash` (node_modules, 2.12.0) runs each case with
// `globalThis.fetch` swapped for a recorder; we keep what it would have sent (method, URL,
// headers, body), the error it threw, or the value it returned without a request.
// Provider objects are written `{"$provider": "openai", ...options}` and replaced by the
// official factory's result; the Rust side receives `JSON.stringify` of that object, i.e. the
// official provider's own fields. Arguments are stored as JSON text to keep key order.

import * as lib from "@upstash/qstash";

const URL_ = "https://example.com/hook";
const ALL = {
  url: URL_, body: "hello", method: "PUT", delay: "10m", notBefore: 1893456000,
  deduplicationId: "dedup-1", contentBasedDeduplication: true, retries: 4,
  retryDelay: "pow(2, retried) * 1000", callback: "https://example.com/cb",
  failureCallback: "https://example.com/fail", timeout: "45s",
  flowControl: { key: "user-1", parallelism: 3, rate: 20, period: "1m" },
  label: ["l-1", "l-2"], redact: { body: true, header: ["Authorization", "X-Secret"] },
  headers: { "X-Custom": "yes", Authorization: "Bearer end-user", "Upstash-Callback-Retries": "2" },
};
const FILTER = {
  fromDate: 1735689600000, toDate: 1735776000000, callerIp: "1.2.3.4", label: ["a", "b"],
  flowControlKey: "fck", url: "https://example.com", scheduleId: "scd_1", queueName: "q1",
  urlGroup: "grp", host: "example.com", path: "/webhook",
};
const cb = "https://example.com/cb";
const p = (name, opts = {}) => ({ $provider: name, ...opts });

const cases = [
  // publish: destinations, bodies, options
  ["publish url", "publish", [{ url: URL_, body: "hello world" }]],
  ["publish no body", "publish", [{ url: URL_ }]],
  ["publish destination with query", "publish", [{ url: "https://example.com/a/b?x=1&y=two%20words", body: "q" }]],
  ["publish destination with space and dots", "publish", [{ url: "https://example.com/a b/./c/../d", body: "q" }]],
  ["publish destination with fragment", "publish", [{ url: "https://example.com/p#frag" }]],
  ["publish destination unicode", "publish", [{ url: "https://example.com/é/ü?q=ü x" }]],
  ["publish urlGroup", "publish", [{ urlGroup: "my-group", body: "g" }]],
  ["publish topic", "publish", [{ topic: "my-topic" }]],
  ["publish url beats urlGroup", "publish", [{ url: URL_, urlGroup: "ignored" }]],
  ["publish empty url falls through", "publish", [{ url: "", urlGroup: "g" }]],
  ["publish no destination", "publish", [{ body: "x" }]],
  ["publish method GET", "publish", [{ url: URL_, method: "GET" }]],
  ["publish delay string", "publish", [{ url: URL_, delay: "10s" }]],
  ["publish delay number", "publish", [{ url: URL_, delay: 60 }]],
  ["publish delay 1.5 rounds up", "publish", [{ url: URL_, delay: 1.5 }]],
  ["publish delay 2.5 rounds up", "publish", [{ url: URL_, delay: 2.5 }]],
  ["publish delay -0.4", "publish", [{ url: URL_, delay: -0.4 }]],
  ["publish delay 0", "publish", [{ url: URL_, delay: 0 }]],
  ["publish notBefore fractional", "publish", [{ url: URL_, notBefore: 1893456000.5 }]],
  ["publish dedup", "publish", [{ url: URL_, deduplicationId: "abc-123", contentBasedDeduplication: true }]],
  ["publish contentBasedDeduplication false", "publish", [{ url: URL_, contentBasedDeduplication: false }]],
  ["publish retries 0", "publish", [{ url: URL_, retries: 0 }]],
  ["publish retries 2.5", "publish", [{ url: URL_, retries: 2.5 }]],
  ["publish retries -1.5", "publish", [{ url: URL_, retries: -1.5 }]],
  ["publish timeout string", "publish", [{ url: URL_, timeout: "30s" }]],
  ["publish timeout 1.5 not rounded", "publish", [{ url: URL_, timeout: 1.5 }]],
  ["publish timeout 1e21", "publish", [{ url: URL_, timeout: 1e21 }]],
  ["publish timeout 1e-7", "publish", [{ url: URL_, timeout: 1e-7 }]],
  ["publish flowControl full", "publish", [{ url: URL_, flowControl: { key: "k", parallelism: 5, rate: 10, period: "1m" } }]],
  ["publish flowControl parallelism 0", "publish", [{ url: URL_, flowControl: { key: "k", parallelism: 0 } }]],
  ["publish flowControl ratePerSecond", "publish", [{ url: URL_, flowControl: { key: "k", ratePerSecond: 7 } }]],
  ["publish flowControl rate wins", "publish", [{ url: URL_, flowControl: { key: "k", rate: 3, ratePerSecond: 7 } }]],
  ["publish flowControl period number", "publish", [{ url: URL_, flowControl: { key: "k", rate: 1, period: 30 } }]],
  ["publish flowControl period fractional", "publish", [{ url: URL_, flowControl: { key: "k", rate: 1.5, period: 0.5 } }]],
  ["publish flowControl key only", "publish", [{ url: URL_, flowControl: { key: "k" } }]],
  ["publish flowControl empty key", "publish", [{ url: URL_, flowControl: { key: "", parallelism: 2 } }]],
  ["publish label string", "publish", [{ url: URL_, label: "single" }]],
  ["publish label array", "publish", [{ url: URL_, label: ["label-1", "label-2"] }]],
  ["publish label empty string", "publish", [{ url: URL_, label: "" }]],
  ["publish redact body", "publish", [{ url: URL_, redact: { body: true } }]],
  ["publish redact header true", "publish", [{ url: URL_, redact: { header: true } }]],
  ["publish redact header names", "publish", [{ url: URL_, redact: { body: true, header: ["Authorization"] } }]],
  ["publish redact empty list", "publish", [{ url: URL_, redact: { header: [] } }]],
  ["publish redact empty", "publish", [{ url: URL_, redact: {} }]],
  ["publish headers record", "publish", [{ url: URL_, body: "h", headers: { "X-Custom": "a", "Content-Type": "text/plain", "Upstash-Callback-Retries": "3", Authorization: "Bearer u" } }]],
  ["publish headers pairs with duplicates", "publish", [{ url: URL_, headers: [["X-Pair", "p"], ["x-pair", "q"], ["Upstash-Forward-Pre", "already"], ["Content-Type-Extra", " v "]] }]],
  ["publish duplicate header with empty value (set re-trims)", "publish", [{ url: URL_, headers: [["X-A", "v"], ["x-a", ""], ["Content-Type", "a"], ["content-type", ""]] }]],
  ["publish header overrides option", "publish", [{ url: URL_, retries: 5, headers: { "Upstash-Retries": "1", "Upstash-Method": "GET" } }]],
  ["publish invalid header name", "publish", [{ url: URL_, headers: { "bad name": "x" } }]],
  ["publish every option", "publish", [ALL]],

  // publishJSON and providers
  ["publishJSON object", "publishJSON", [{ url: URL_, body: { hello: "world", n: [1, 2.5, "x"], z: null } }]],
  ["publishJSON no body", "publishJSON", [{ url: URL_ }]],
  ["publishJSON string body", "publishJSON", [{ url: URL_, body: "text\n\"q\"" }]],
  ["publishJSON content-type override", "publishJSON", [{ url: URL_, body: [1], headers: { "Content-Type": "text/plain", "X-A": "b" } }]],
  ["publishJSON every option", "publishJSON", [{ ...ALL, body: { all: true } }]],
  ["publishJSON llm upstash", "publishJSON", [{ api: { name: "llm" }, body: { model: "m" }, callback: cb }]],
  ["publishJSON llm openai", "publishJSON", [{ api: { name: "llm", provider: p("openai", { token: "sk-openai" }) }, body: {}, callback: cb }]],
  ["publishJSON llm openai org", "publishJSON", [{ api: { name: "llm", provider: p("openai", { token: "sk", organization: "org-1" }) }, body: {}, callback: cb }]],
  ["publishJSON llm anthropic", "publishJSON", [{ api: { name: "llm", provider: p("anthropic", { token: "sk-ant" }) }, body: {}, callback: cb }]],
  ["publishJSON llm custom", "publishJSON", [{ api: { name: "llm", provider: p("custom", { baseUrl: "https://llm.example.com/v1/chat/completions", token: "tok" }) }, body: {}, callback: cb }]],
  ["publishJSON llm upstash provider", "publishJSON", [{ api: { name: "llm", provider: p("upstash") }, body: {}, callback: cb }]],
  ["publishJSON llm helicone openai", "publishJSON", [{ api: { name: "llm", provider: p("openai", { token: "sk" }), analytics: { name: "helicone", token: "hel" } }, body: {}, callback: cb }]],
  ["publishJSON llm helicone upstash", "publishJSON", [{ api: { name: "llm", analytics: { name: "helicone", token: "hel" } }, body: {}, callback: cb }]],
  ["publishJSON llm user authorization loses to provider", "publishJSON", [{ api: { name: "llm", provider: p("openai", { token: "sk" }) }, headers: { Authorization: "mine" }, body: {}, callback: cb }]],
  ["publishJSON llm no callback", "publishJSON", [{ api: { name: "llm", provider: p("openai", { token: "sk" }) }, body: {} }]],
  ["publishJSON llm method override", "publishJSON", [{ api: { name: "llm", provider: p("anthropic", { token: "sk" }) }, method: "PUT", body: {}, callback: cb }]],
  ["publishJSON email resend", "publishJSON", [{ api: { name: "email", provider: p("resend", { token: "re_123" }) }, body: { to: ["d@e.f"] } }]],
  ["publishJSON email resend batch", "publishJSON", [{ api: { name: "email", provider: p("resend", { token: "re_123", batch: true }) }, body: [] }]],
  ["publishJSON api name mismatch", "publishJSON", [{ api: { name: "email", provider: p("openai", { token: "sk" }) }, body: {} }]],
  ["publishJSON api empty token", "publishJSON", [{ api: { name: "llm", provider: p("openai", { token: "" }) }, body: {}, callback: cb }]],
  ["publish (not JSON) email resend uses base url", "publish", [{ api: { name: "email", provider: p("resend", { token: "re_1" }) }, body: "x" }]],
  ["publish (not JSON) llm path", "publish", [{ api: { name: "llm" }, body: "x" }]],

  // client config
  ["global headers on publish", "publish", [{ url: URL_, body: "a,b" }], { headers: { "X-Global": "g", "Upstash-Retries": "9", "Content-Type": "text/csv" } }],
  ["global duplicate header with empty value", "publish", [{ url: URL_, headers: [["Upstash-Retries", "2"], ["upstash-retries", ""]] }], { headers: [["X-G", "a"], ["x-g", ""]] }],
  ["global headers overridden", "publish", [{ url: URL_, headers: { "X-Both": "request" }, retries: 1 }], { headers: { "X-Global": "g", "X-Both": "global" } }],
  ["global headers not on management", "messages.get", ["msg_1"], { headers: { "X-Global": "g" } }],
  ["global headers on schedule create", "schedules.create", [{ destination: URL_, cron: "* * * * *" }], { headers: { "X-Global": "g" } }],
  ["global headers in batch items", "batch", [[{ url: URL_, body: "1" }]], { headers: { "X-Global": "g" } }],
  ["telemetry on publish", "publish", [{ url: URL_ }], { enableTelemetry: true }],
  ["telemetry appended to user value", "publish", [{ url: URL_, headers: { "Upstash-Telemetry-Sdk": "other@1" } }], { enableTelemetry: true }],
  ["telemetry in batch items", "batch", [[{ url: URL_ }]], { enableTelemetry: true }],
  ["telemetry not on management", "schedules.list", [], { enableTelemetry: true }],

  // batch
  ["batch two", "batch", [[{ url: URL_, body: "one" }, { url: "https://example.com/two", body: "two" }]]],
  ["batch urlGroup + queue", "batch", [[{ urlGroup: "grp", body: "g", queueName: "q1" }, { url: URL_, queueName: "" }]]],
  ["batch every option", "batch", [[{ ...ALL, queueName: "q2" }]]],
  ["batch empty", "batch", [[]]],
  ["batch unicode body", "batch", [[{ url: URL_, body: "é \u0001 \u2028 \"" }]]],
  ["batchJSON bodies", "batchJSON", [[{ url: URL_, body: { a: 1 } }, { url: URL_ }, { url: URL_, body: "s" }]]],
  ["batchJSON headers", "batchJSON", [[{ url: URL_, body: { a: 1 }, headers: { "X-Y": "z", "Content-Type": "text/plain" } }]]],
  ["batchJSON resend", "batchJSON", [[{ api: { name: "email", provider: p("resend", { token: "re_1" }) }, body: { to: "x" } }]]],
  ["batchJSON openai user authorization wins", "batchJSON", [[{ api: { name: "llm", provider: p("openai", { token: "sk" }) }, headers: { Authorization: "mine" }, body: {}, callback: cb }]]],

  // queues
  ["queue upsert defaults", "queue.upsert", ["q1", {}]],
  ["queue upsert values", "queue.upsert", ["q1", { parallelism: 4, paused: true }]],
  ["queue upsert quoted name", "queue.upsert", ["q\"1", { parallelism: 1.5 }]],
  ["queue get", "queue.get", ["q1"]],
  ["queue list", "queue.list", [null]],
  ["queue delete", "queue.delete", ["q1"]],
  ["queue pause", "queue.pause", ["q1"]],
  ["queue resume", "queue.resume", ["q1"]],
  ["queue get no name", "queue.get", [null]],
  ["queue enqueue", "enqueue", ["q1", { url: URL_, body: "e" }]],
  ["queue enqueue every option", "enqueue", ["q1", ALL]],
  ["queue enqueue no name", "enqueue", [null, { url: URL_ }]],
  ["queue enqueueJSON", "enqueueJSON", ["q1", { url: URL_, body: { x: 1 }, redact: { body: true } }]],
  ["queue enqueueJSON openai", "enqueueJSON", ["q1", { api: { name: "llm", provider: p("openai", { token: "sk" }) }, body: {}, callback: cb }]],

  // messages
  ["messages get", "messages.get", ["msg_1"]],
  ["messages get empty", "messages.get", [""]],
  ["messages cancel id", "messages.cancel", ["msg_1"]],
  ["messages cancel empty id", "messages.cancel", [""]],
  ["messages cancel ids", "messages.cancel", [["m1", "m2"]]],
  ["messages cancel []", "messages.cancel", [[]]],
  ["messages cancel {messageIds}", "messages.cancel", [{ messageIds: ["m1"] }]],
  ["messages cancel {messageIds: []}", "messages.cancel", [{ messageIds: [] }]],
  ["messages cancel filter", "messages.cancel", [{ filter: FILTER }]],
  ["messages cancel filter count", "messages.cancel", [{ filter: { label: "x" }, count: 5 }]],
  ["messages cancel all", "messages.cancel", [{ all: true }]],
  ["messages cancel all count", "messages.cancel", [{ all: true, count: 50 }]],
  ["messages cancel filter empty array", "messages.cancel", [{ filter: { label: [] } }]],
  ["messages delete", "messages.delete", ["msg_1"]],

  // schedules
  ["schedules create minimal", "schedules.create", [{ destination: URL_, cron: "*/5 * * * *" }]],
  ["schedules create every option", "schedules.create", [{
    destination: URL_, cron: "0 0 * * *", body: "{\"a\":1}", method: "PATCH", delay: 30, retries: 2, retryDelay: "1000",
    callback: cb, failureCallback: "https://example.com/f", timeout: 12, scheduleId: "scd_custom",
    queueName: "q9", flowControl: { key: "fk", parallelism: 1, period: 10 }, label: ["s1", "s2"], redact: { header: true },
    headers: { "X-S": "1", "Content-Type": "text/plain" },
  }]],
  ["schedules create strings", "schedules.create", [{ destination: "grp", cron: "* * * * *", delay: "2h", timeout: "5s", label: "one" }]],
  ["schedules create flowControl key only", "schedules.create", [{ destination: URL_, cron: "* * * * *", flowControl: { key: "k" } }]],
  ["schedules get", "schedules.get", ["scd_1"]],
  ["schedules get empty", "schedules.get", [""]],
  ["schedules list", "schedules.list", []],
  ["schedules delete", "schedules.delete", ["scd_1"]],
  ["schedules delete empty", "schedules.delete", [""]],
  ["schedules pause", "schedules.pause", ["scd_1"]],
  ["schedules resume", "schedules.resume", ["scd_1"]],

  // url groups
  ["urlGroups addEndpoints", "urlGroups.addEndpoints", [{ name: "grp", endpoints: [{ url: "https://a.com" }, { name: "b", url: "https://b.com" }, { url: "https://c.com", name: "c" }] }]],
  ["urlGroups removeEndpoints", "urlGroups.removeEndpoints", [{ name: "grp", endpoints: [{ name: "b" }, { url: "https://a.com" }] }]],
  ["urlGroups list", "urlGroups.list", []],
  ["urlGroups get", "urlGroups.get", ["grp"]],
  ["urlGroups get empty", "urlGroups.get", [""]],
  ["urlGroups delete", "urlGroups.delete", ["grp"]],
  ["urlGroups delete empty", "urlGroups.delete", [""]],

  // dlq
  ["dlq list", "dlq.listMessages", [{}]],
  ["dlq list filter cursor count", "dlq.listMessages", [{ count: 10, cursor: "cur_0", filter: { messageId: "m", url: "https://e.com", urlGroup: "g", scheduleId: "s", queueName: "q", callerIp: "1.1.1.1", label: "l", flowControlKey: "f", fromDate: 1, toDate: 2, responseStatus: 500, api: "x" } }]],
  ["dlq list topicName then urlGroup", "dlq.listMessages", [{ filter: { topicName: "t", label: "l", urlGroup: "g" } }]],
  ["dlq list dlqIds", "dlq.listMessages", [{ dlqIds: ["d1", "d2"] }]],
  ["dlq list dlqIds string", "dlq.listMessages", [{ dlqIds: "d1", count: 3 }]],
  ["dlq list dlqIds empty", "dlq.listMessages", [{ dlqIds: [] }]],
  ["dlq list filter arrays", "dlq.listMessages", [{ filter: { label: ["a", "b"], url: ["https://a.com", "https://b.com"], responseStatus: [500, 502] } }]],
  ["dlq delete id", "dlq.delete", ["dlq_1"]],
  ["dlq delete empty id", "dlq.delete", [""]],
  ["dlq delete ids", "dlq.delete", [["d1", "d2"]]],
  ["dlq delete []", "dlq.delete", [[]]],
  ["dlq delete {dlqIds}", "dlq.delete", [{ dlqIds: ["d1"] }]],
  ["dlq delete {dlqIds: []}", "dlq.delete", [{ dlqIds: [] }]],
  ["dlq delete filter", "dlq.delete", [{ filter: { url: "https://e.com", label: "l", responseStatus: 404 }, count: 20, cursor: "c1" }]],
  ["dlq delete all", "dlq.delete", [{ all: true }]],
  ["dlq retry id", "dlq.retry", ["dlq_1"]],
  ["dlq retry empty id", "dlq.retry", [""]],
  ["dlq retry ids", "dlq.retry", [["d1", "d2"]]],
  ["dlq retry []", "dlq.retry", [[]]],
  ["dlq retry all cursor", "dlq.retry", [{ all: true, count: 5, cursor: "c9" }]],
  ["dlq retry filter", "dlq.retry", [{ filter: { queueName: "q", fromDate: 5, urlGroup: "g" } }]],

  // logs
  ["logs default", "logs", [{}]],
  ["logs filter", "logs", [{ filter: { ...FILTER, state: "DELIVERED" }, count: 10, cursor: "123" }]],
  ["logs labels", "logs", [{ filter: { label: ["a", "b"] } }]],
  ["logs url host path", "logs", [{ filter: { url: "https://a.com", host: "a.com", path: "/webhook" } }]],
  ["logs filter count overrides root", "logs", [{ count: 5, filter: { count: 7, messageId: "m" } }]],
  ["logs filter count without root", "logs", [{ filter: { label: "x", count: 7 } }]],
  ["logs numeric cursor", "logs", [{ cursor: 1700000000000 }]],
  ["logs messageIds", "logs", [{ messageIds: ["m1", "m2"], count: 2 }]],
  ["logs messageIds empty", "logs", [{ messageIds: [] }]],
  ["logs topicName then urlGroup", "logs", [{ filter: { topicName: "t", urlGroup: "g", api: "x" } }]],

  // flow control
  ["flowControl get", "flowControl.get", ["fk"]],
  ["flowControl get empty", "flowControl.get", [""]],
  ["flowControl global", "flowControl.getGlobalParallelism", []],
  ["flowControl pause", "flowControl.pause", ["fk"]],
  ["flowControl resume", "flowControl.resume", ["fk"]],
  ["flowControl resetRate", "flowControl.resetRate", ["fk"]],
  ["flowControl pin", "flowControl.pin", ["fk", { parallelism: 2, rate: 10, period: 60 }]],
  ["flowControl pin partial", "flowControl.pin", ["fk", { rate: 1.5 }]],
  ["flowControl unpin", "flowControl.unpin", ["fk", { parallelism: true, rate: false }]],
  ["flowControl unpin empty", "flowControl.unpin", ["fk", {}]],
];

// ── randomized cases (fixed seed): random option subsets, values and key orders ──────────────
let seed = Number(process.env.SEED ?? 0x5eed1234);
const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
const pick = (xs) => xs[Math.floor(rnd() * xs.length)];
const chance = (p) => rnd() < p;
const shuffle = (xs) => xs.map((x) => [rnd(), x]).sort((a, b) => a[0] - b[0]).map((x) => x[1]);
const NUMS = [0, 1, 2.5, -0.5, 0.5, 1.4999, 3.5, 10, 59.9, 1e3, 123456.789, 1e21, 5e-7, -3, 7e20];
const STRS = ["a", "a b", "é", "x,y", "1m", "10s", "", "tab\tin", "q?x=1", "🚀", "Bearer t"];
const DESTS = ["https://example.com/h", "https://e.com/a b/ü?x=1 2&y=é", "grp", "https://e.com/./x/../y", "https://e.com/#frag"];
const HNAMES = ["X-A", "x-a", "Content-Type", "Upstash-Retries", "Upstash-Forward-X", "Authorization", "X-Multi-Word-Name", "content-type-x"];
function randHeaders() {
  const n = Math.floor(rnd() * 4);
  const pairs = Array.from({ length: n }, () => [pick(HNAMES), pick(["v", " spaced ", "é", "a,b", ""])]);
  return chance(0.5) ? pairs : Object.fromEntries(pairs);
}
function randFlow() {
  const f = { key: pick(["k", "user-1", ""]) };
  if (chance(0.5)) f.parallelism = pick(NUMS);
  if (chance(0.5)) f.rate = pick(NUMS);
  if (chance(0.3)) f.ratePerSecond = pick(NUMS);
  if (chance(0.5)) f.period = chance(0.5) ? pick(NUMS) : pick(["1m", "30s", ""]);
  return f;
}
function randOptions(schedule) {
  const o = {};
  const opts = {
    delay: () => (chance(0.5) ? pick(NUMS) : pick(["10s", "2h", "1d"])),
    retries: () => pick(NUMS),
    retryDelay: () => pick(["1000", "pow(2, retried) * 100"]),
    callback: () => pick(DESTS),
    failureCallback: () => pick(DESTS),
    timeout: () => (chance(0.5) ? pick(NUMS) : pick(["30s", "5m"])),
    flowControl: randFlow,
    label: () => (chance(0.5) ? pick(STRS.filter((s) => !s.includes("\t"))) : [pick(["l1", "l 2"]), pick(["l3", "é"])]),
    redact: () => pick([{ body: true }, { header: true }, { header: ["A", "B"] }, { body: true, header: [] }, {}]),
    headers: randHeaders,
    method: () => pick(["GET", "POST", "PUT", "DELETE", "PATCH"]),
    ...(schedule
      ? { scheduleId: () => pick(["scd_1", "s 2"]), queueName: () => pick(["q1", "q-2"]) }
      : { notBefore: () => pick(NUMS), deduplicationId: () => pick(STRS.filter((s) => !s.includes("\t"))), contentBasedDeduplication: () => chance(0.5) }),
  };
  for (const k of shuffle(Object.keys(opts))) if (chance(0.35)) o[k] = opts[k]();
  return o;
}
function randDest() {
  const d = pick(DESTS);
  return d.startsWith("https") ? { url: d } : { urlGroup: d };
}
const FKEYS = { fromDate: () => pick([1, 1735689600000]), toDate: () => 2, callerIp: () => pick(["1.2.3.4", ["a", "b"]]),
  label: () => pick(["l", ["a b", "é"]]), flowControlKey: () => "f k", url: () => pick(["https://a.com/x?y=1", ["https://a.com", "https://b.com"]]),
  urlGroup: () => pick(["g", ["g1", "g2"]]), scheduleId: () => "s", queueName: () => "q", topicName: () => "t", api: () => "x" };
function randFilter(extra) {
  const keys = { ...FKEYS, ...extra };
  const f = {};
  for (const k of shuffle(Object.keys(keys))) if (chance(0.4)) f[k] = keys[k]();
  if (Object.keys(f).length === 0) f.label = "only";
  return f;
}
for (let i = 0; i < 250; i++) {
  const r = rnd();
  const name = `random ${i}`;
  if (r < 0.3) cases.push([name, "publish", [{ ...randDest(), ...randOptions(false), ...(chance(0.6) ? { body: pick(STRS) } : {}) }]]);
  else if (r < 0.45) cases.push([name, "publishJSON", [{ ...randDest(), ...randOptions(false), ...(chance(0.8) ? { body: pick([{ a: [1, "é"] }, "s", 1.5, null, [true]]) } : {}) }]]);
  else if (r < 0.55) cases.push([name, "enqueue", [pick(["q1", "q 2"]), { ...randDest(), ...randOptions(false), body: "e" }]]);
  else if (r < 0.65) cases.push([name, "batch", [Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => ({ ...randDest(), ...randOptions(false), ...(chance(0.5) ? { body: pick(STRS) } : {}), ...(chance(0.3) ? { queueName: pick(["q", ""]) } : {}) }))]]);
  else if (r < 0.75) cases.push([name, "schedules.create", [{ destination: pick(DESTS), cron: pick(["* * * * *", "CRON_TZ=Europe/Istanbul 0 9 * * *"]), ...randOptions(true), ...(chance(0.5) ? { body: pick(STRS) } : {}) }]]);
  else if (r < 0.82) cases.push([name, "logs", [{ ...(chance(0.5) ? { count: pick([10, 2.5]) } : {}), filter: randFilter({ host: () => "h", path: () => "/p", state: () => "DELIVERED", count: () => 7, messageId: () => "m" }), ...(chance(0.5) ? { cursor: pick(["c1", 17]) } : {}) }]]);
  else if (r < 0.89) cases.push([name, "dlq.listMessages", [{ ...(chance(0.5) ? { count: 5 } : {}), filter: randFilter({ responseStatus: () => pick([500, [500, 502]]), messageId: () => "m" }), ...(chance(0.5) ? { cursor: "c" } : {}) }]]);
  else if (r < 0.95) cases.push([name, pick(["dlq.delete", "dlq.retry"]), [{ filter: randFilter({ responseStatus: () => 404 }), ...(chance(0.5) ? { count: 20 } : {}), ...(chance(0.5) ? { cursor: "c" } : {}) }]]);
  else cases.push([name, "messages.cancel", [{ filter: randFilter({ host: () => "h", path: () => "/p" }), ...(chance(0.5) ? { count: 3 } : {}) }]]);
}

function materialize(v) {
  if (Array.isArray(v)) return v.map(materialize);
  if (v && typeof v === "object") {
    if (v.$provider) {
      const { $provider, ...opts } = v;
      return lib[$provider](opts);
    }
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, materialize(x)]));
  }
  return v;
}

async function call(c, kind, a) {
  const [ns, m] = kind.split(".");
  switch (kind) {
    case "publish": case "publishJSON": case "batch": case "batchJSON": case "logs":
      return c[kind](a[0]);
    case "enqueue": case "enqueueJSON":
      return c.queue(a[0] === null ? undefined : { queueName: a[0] })[kind](a[1]);
    case "schedules.pause": case "schedules.resume":
      return c.schedules[m]({ schedule: a[0] });
  }
  if (ns === "queue") return c.queue(a[0] === null ? undefined : { queueName: a[0] })[m](a[1]);
  return c[ns][m](...a);
}

const out = [];
for (const [name, kind, rawArgs, config = {}] of cases) {
  const args = materialize(rawArgs);
  let sent = null;
  globalThis.fetch = async (url, init) => {
    const headers = [...new Headers(init.headers).entries()];
    let body = init.body;
    if (body !== undefined && typeof body !== "string") body = `<${typeof body}>`;
    sent = { method: init.method, url: String(url), headers, body: body ?? null };
    return new Response("{}", { status: 200, headers: { "content-type": "application/json" } });
  };
  const client = new lib.Client({ baseUrl: "http://localhost:8080", token: "tok", retry: false, enableTelemetry: false, ...config });
  const jsonKinds = ["publishJSON", "enqueueJSON", "batchJSON"];
  // What the facade hands to the core for JSON bodies: JSON.stringify(body) per message.
  const bodyJson = kind === "batchJSON"
    ? args[0].map((m) => ("body" in m ? JSON.stringify(m.body) ?? null : null))
    : jsonKinds.includes(kind) ? (JSON.stringify(args[kind === "publishJSON" ? 0 : 1].body) ?? null) : undefined;
  // Arguments travel as JSON *text* so object key order (observable in query order and
  // bodies) survives into the Rust test. JSON kinds drop `body` (sent as bodyJson instead).
  const strip = (m) => { const { body, ...rest } = m; return rest; };
  const shaped = kind === "batchJSON" ? [args[0].map(strip)]
    : kind === "publishJSON" ? [strip(args[0])]
    : kind === "enqueueJSON" ? [args[0], strip(args[1])]
    : args;
  const input = shaped.map((a) => JSON.stringify(a) ?? "null");
  let result, error;
  try {
    result = await call(client, kind, materialize(rawArgs));
  } catch (e) {
    error = { name: e.name, message: e.message };
  }
  const telemetryRuntime = `node@${process.version}`;
  const entry = { name, kind, args: input, config, expect: {} };
  if (bodyJson !== undefined) entry.bodyJson = bodyJson;
  if (config.enableTelemetry) entry.telemetryRuntime = telemetryRuntime;
  if (sent) entry.expect.request = sent;
  if (error) entry.expect.error = error;
  else if (!sent) entry.expect.result = result ?? null;
  out.push(entry);
}
process.stdout.write(JSON.stringify(out, null, 1) + "\n");
