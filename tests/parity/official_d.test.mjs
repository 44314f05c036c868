// Parity with what the official repository's own tests assert, for the behaviours that
// official_a/official_b, parity, compat, platforms, server-sdk and the wire suite did not yet
// assert on their own: schedules with flow control (schedules.test.ts), the exact shape of URL
// group endpoints (url-groups.test.ts, topics.test.ts), the request each LLM and email provider
// makes (api/llm.test.ts, api/email.test.ts, llm/util.test.ts), the custom provider's trimming
// (llm/providers.test.ts), a few more signing-key selections (multi-region.test.ts) and the
// adapters' wrap-time key checks (receiver-platforms.test.ts).
//
// Each scenario runs through the official `@upstash/qstash` 2.12.0 and through ours; the
// records must be equal, and the facts the official tests check (as far as 2.12.0 has the
// behaviour) are also asserted absolutely on both sides, so a behaviour both get wrong the same
// way still fails. Destinations are local: qstash-dev and its sink, and a recording stand-in for
// QStash that answers every request with `{"messageId":"msgId"}`, so the provider hosts named in
// the requests (OpenAI, Anthropic, Helicone, Resend) are never contacted.
//
//   QSTASH_WASM_PKG=<installed package dir> node --test tests/parity/official_d.test.mjs
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { loadLibraries, startServer, startSink, describeError, listen, capture, withEnv, sideContext, scenarioRunner, check } from "./harness.mjs";
import { signToken as sign } from "../support/jwt.mjs";

// Read before loadLibraries(), which clears every QSTASH* variable.
const pkgDir = process.env.QSTASH_WASM_PKG;
const libs = await loadLibraries();
let server;
let sink;
let recorder;

/** A stand-in for QStash's API that records every request and answers `{messageId}`. */
async function startRecorder() {
  const seen = [];
  const http = await listen((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      seen.push({ method: req.method, path: req.url, headers: { ...req.headers }, body: Buffer.concat(chunks).toString("utf8") });
      res.sendDate = false;
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ messageId: "msgId" }));
    });
  });
  http.server.keepAliveTimeout = 60_000;
  return {
    ...http,
    url: http.base,
    take() {
      return seen.splice(0);
    },
  };
}

before(async () => {
  server = await startServer();
  sink = await startSink();
  recorder = await startRecorder();
});
after(async () => {
  await recorder?.stop();
  await sink?.stop();
  await server?.stop();
});

/** One side's scenario record (harness.mjs `sideContext`). */
const context = (side) => sideContext(side, { libs, server, sink });
const scenario = scenarioRunner(context, "d");

// ------------------------------------------------------------------------------------------------
// schedules with flow control (official schedules.test.ts "should create schedule with flow
// control"): the schedule read back carries the key, parallelism, rate (also as the deprecated
// ratePerSecond) and the period in seconds

scenario("schedules: flow control is read back with key, parallelism, rate, ratePerSecond and period in seconds", async (c, x) => {
  await x.step("create", () =>
    c.schedules.create({
      destination: x.sink("/ok/sched-fc"),
      // Fires on Jan 1st only: nothing is delivered while the test runs.
      cron: "0 0 1 1 *",
      scheduleId: "sched-with-flow-control",
      body: "my-payload",
      flowControl: { key: "flow-key", parallelism: 10, rate: 5, period: "1d" },
    }),
  );
  const s = await x.step("get", () => c.schedules.get("sched-with-flow-control"));
  check(x, "flow control fields", [s.flowControlKey, s.parallelism, s.ratePerSecond, s.rate, s.period], ["flow-key", 10, 5, 5, 86_400]);
  const l = await x.step("list", () => c.schedules.list());
  const listed = l.find((e) => e.scheduleId === "sched-with-flow-control");
  check(x, "listed flow control fields", [listed.flowControlKey, listed.parallelism, listed.ratePerSecond, listed.rate, listed.period], ["flow-key", 10, 5, 5, 86_400]);
  // The deprecated spelling and a numeric period give the same schedule.
  await x.step("create ratePerSecond + numeric period", () =>
    c.schedules.create({
      destination: x.sink("/ok/sched-fc2"),
      cron: "0 0 1 1 *",
      scheduleId: "sched-with-flow-control-2",
      flowControl: { key: "flow-key-2", ratePerSecond: 7, period: 120 },
    }),
  );
  const s2 = await x.step("get 2", () => c.schedules.get("sched-with-flow-control-2"));
  check(x, "flow control fields 2", [s2.flowControlKey, s2.ratePerSecond, s2.rate, s2.period], ["flow-key-2", 7, 7, 120]);
  await x.step("delete", () => c.schedules.delete("sched-with-flow-control"));
  await x.step("delete 2", () => c.schedules.delete("sched-with-flow-control-2"));
});

// The official suites clean up with `Promise.all` over `list()` (schedules.test.ts afterEach,
// queue.test.ts clearQueues): concurrent deletes must all succeed and leave nothing behind.
scenario("clean-up in parallel: schedules and queues deleted with Promise.all", async (c, x) => {
  for (const n of [1, 2, 3, 4]) {
    await c.schedules.create({ destination: x.sink(`/ok/par${n}`), cron: "0 0 1 1 *", scheduleId: `par-sched-${n}` });
    await c.queue({ queueName: `par-queue-${n}` }).upsert({ parallelism: n });
  }
  const schedules = await x.step("list schedules", async () => (await c.schedules.list()).map((s) => s.scheduleId).filter((id) => id.startsWith("par-")).sort());
  check(x, "schedules", schedules, ["par-sched-1", "par-sched-2", "par-sched-3", "par-sched-4"]);
  const deleted = await x.step("delete schedules concurrently", () => Promise.all(schedules.map((id) => c.schedules.delete(id))));
  check(x, "schedule deletes resolve undefined", deleted, [undefined, undefined, undefined, undefined]);
  check(x, "none of them left", (await x.step("list schedules after", () => c.schedules.list())).filter((s) => s.scheduleId.startsWith("par-")).length, 0);
  const queues = await x.step("list queues", async () => (await c.queue().list()).map((q) => q.name).filter((n) => n.startsWith("par-")).sort());
  check(x, "queues", queues, ["par-queue-1", "par-queue-2", "par-queue-3", "par-queue-4"]);
  const qDeleted = await x.step("delete queues concurrently", () => Promise.all(queues.map((name) => c.queue({ queueName: name }).delete())));
  check(x, "queue deletes resolve undefined", qDeleted, [undefined, undefined, undefined, undefined]);
  check(x, "none of them left", (await x.step("list queues after", () => c.queue().list())).filter((q) => q.name.startsWith("par-")).length, 0);
});

// ------------------------------------------------------------------------------------------------
// URL groups and topics: `toContainEqual(endpoint)` in the official tests means an endpoint read
// back is exactly `{ name, url }`, no more fields

for (const api of ["urlGroups", "topics"]) {
  scenario(`${api}: endpoints read back are exactly { name, url }, in get and in list`, async (c, x) => {
    const g = c[api];
    const group = `${api}-exact-endpoints`;
    const e1 = { name: "exact1", url: x.sink("/ok/exact1") };
    const e2 = { name: "exact2", url: x.sink("/ok/exact2") };
    await x.step("add 1", () => g.addEndpoints({ name: group, endpoints: [e1] }));
    const got = await x.step("get", () => g.get(group));
    check(x, "get endpoints", got.endpoints, [e1]);
    await x.step("add 2", () => g.addEndpoints({ name: group, endpoints: [e2] }));
    const list = await x.step("list", () => g.list());
    const mine = list.find((l) => l.name === group);
    check(x, "list endpoints (sorted by name)", [...mine.endpoints].sort((p, q) => (p.name < q.name ? -1 : 1)), [e1, e2]);
    await x.step("delete", () => g.delete(group));
  });
}

// ------------------------------------------------------------------------------------------------
// request shapes of the `api` option (official api/llm.test.ts, api/email.test.ts,
// llm/util.test.ts): what reaches QStash for each provider, with and without Helicone

const QSTASH_TOKEN = "token-qstash-d";
const LLM_TOKEN = "token-llm-d";
const ANALYTICS_TOKEN = "token-analytics-d";
const RESEND_TOKEN = "token-resend-d";
const CALLBACK = "https://website-d.example/callback";
const CUSTOM_BASE = "https://custom-llm-d.example";
const MODEL = "model-d";
const GLOBAL = { "global-header": "global-value", "global-header-overwritten": "old-value" };
const REQUEST_HEADERS = { "content-type": "application/json", "global-header-overwritten": "new-value", "request-header": "request-value" };
const EMAILS = [
  { from: "Acme <onboarding@resend.dev>", to: ["foo@example.com"], subject: "hello world", html: "<h1>it works!</h1>" },
  { from: "Acme <onboarding@resend.dev>", to: ["bar@example.com"], subject: "world hello", html: "<p>it works!</p>" },
];

/**
 * Runs `fn(client, lib)` on one side against the recorder; returns what it resolved or threw,
 * what it logged, and the requests the recorder saw (without the header naming each SDK, which
 * differs by design: ours is `qstash-wasm@<version>`).
 */
async function sent(side, config, fn) {
  const lib = libs[side];
  recorder.take();
  const client = new lib.Client({ baseUrl: recorder.url, token: QSTASH_TOKEN, retry: false, ...config });
  const { value, err, lines } = await capture(() => fn(client, lib));
  const requests = recorder.take().map(({ headers, ...rest }) => {
    const { "upstash-telemetry-sdk": sdk, ...others } = headers;
    if (sdk !== undefined) assert.match(sdk, /^(upstash-qstash-js|qstash-wasm)@\d/);
    return { ...rest, headers: others };
  });
  return { value, threw: err && describeError(err, lib), lines, requests };
}

/** Both sides: equal records; then `expect(record)` on each. */
async function bothSent(name, config, fn, expect) {
  const want = await sent("official", config, fn);
  const got = await sent("ours", config, fn);
  for (const [side, r] of [["official", want], ["ours", got]]) {
    try {
      expect(r);
    } catch (e) {
      e.message = `[${side}] ${name}: ${e.message}`;
      throw e;
    }
  }
  assert.deepStrictEqual(got, want, name);
}

/** The one request sent: its path, and the headers given (a `null` value: must be absent). */
function expectOne(path, headers, body) {
  return (r) => {
    assert.equal(r.threw, undefined, JSON.stringify(r.threw));
    assert.deepStrictEqual(r.value, { messageId: "msgId" });
    assert.equal(r.requests.length, 1, "one request");
    const [req] = r.requests;
    assert.equal(req.method, "POST");
    assert.equal(req.path, path);
    assert.deepStrictEqual(JSON.parse(req.body), body);
    for (const [k, v] of Object.entries(headers)) {
      if (v === null) assert.equal(k in req.headers, false, `${k} must be absent, is ${req.headers[k]}`);
      else assert.equal(req.headers[k], v, k);
    }
  };
}

const llmHeaders = (extra) => ({
  authorization: `Bearer ${QSTASH_TOKEN}`,
  "upstash-callback": CALLBACK,
  "upstash-method": "POST",
  "content-type": "application/json",
  ...extra,
});

const LLM_CASES = {
  "default provider (upstash): api/llm, no forwarded authorization": [
    () => ({ name: "llm" }),
    "/v2/publish/api/llm",
    llmHeaders({ "upstash-forward-authorization": null, "upstash-forward-helicone-auth": null }),
  ],
  "upstash() provider without analytics: api/llm, nothing forwarded": [
    (lib) => ({ name: "llm", provider: lib.upstash() }),
    "/v2/publish/api/llm",
    llmHeaders({ "upstash-forward-authorization": null, "upstash-forward-x-api-key": null }),
  ],
  "upstash() + helicone: qstash.helicone.ai, the QStash token forwarded": [
    (lib) => ({ name: "llm", provider: lib.upstash(), analytics: { name: "helicone", token: ANALYTICS_TOKEN } }),
    "/v2/publish/https://qstash.helicone.ai/llm/v1/chat/completions",
    llmHeaders({ "upstash-forward-authorization": `Bearer ${QSTASH_TOKEN}`, "upstash-forward-helicone-auth": `Bearer ${ANALYTICS_TOKEN}`, "upstash-forward-helicone-target-url": null }),
  ],
  "openai with organization": [
    (lib) => ({ name: "llm", provider: lib.openai({ token: LLM_TOKEN, organization: "my-org" }) }),
    "/v2/publish/https://api.openai.com/v1/chat/completions",
    llmHeaders({ "upstash-forward-authorization": `Bearer ${LLM_TOKEN}`, "upstash-forward-openai-organization": "my-org", "upstash-forward-helicone-auth": null }),
  ],
  "openai + helicone: the gateway, target api.openai.com": [
    (lib) => ({ name: "llm", provider: lib.openai({ token: LLM_TOKEN, organization: "my-org" }), analytics: { name: "helicone", token: ANALYTICS_TOKEN } }),
    "/v2/publish/https://gateway.helicone.ai/v1/chat/completions",
    llmHeaders({
      "upstash-forward-authorization": `Bearer ${LLM_TOKEN}`,
      "upstash-forward-helicone-auth": `Bearer ${ANALYTICS_TOKEN}`,
      "upstash-forward-helicone-target-url": "https://api.openai.com",
    }),
  ],
  "anthropic: x-api-key and anthropic-version, no authorization": [
    (lib) => ({ name: "llm", provider: lib.anthropic({ token: LLM_TOKEN }) }),
    "/v2/publish/https://api.anthropic.com/v1/messages",
    llmHeaders({ "upstash-forward-x-api-key": LLM_TOKEN, "upstash-forward-anthropic-version": "2023-06-01", "upstash-forward-authorization": null }),
  ],
  "anthropic + helicone: the gateway's /v1/messages, target api.anthropic.com": [
    (lib) => ({ name: "llm", provider: lib.anthropic({ token: LLM_TOKEN }), analytics: { name: "helicone", token: ANALYTICS_TOKEN } }),
    "/v2/publish/https://gateway.helicone.ai/v1/messages",
    llmHeaders({
      "upstash-forward-x-api-key": LLM_TOKEN,
      "upstash-forward-helicone-auth": `Bearer ${ANALYTICS_TOKEN}`,
      "upstash-forward-helicone-target-url": "https://api.anthropic.com",
    }),
  ],
  "custom: baseUrl + /v1/chat/completions, bearer token": [
    (lib) => ({ name: "llm", provider: lib.custom({ baseUrl: CUSTOM_BASE, token: LLM_TOKEN }) }),
    `/v2/publish/${CUSTOM_BASE}/v1/chat/completions`,
    llmHeaders({ "upstash-forward-authorization": `Bearer ${LLM_TOKEN}`, "upstash-forward-helicone-auth": null }),
  ],
  "custom + helicone: the gateway, target the custom baseUrl": [
    (lib) => ({ name: "llm", provider: lib.custom({ baseUrl: CUSTOM_BASE, token: LLM_TOKEN }), analytics: { name: "helicone", token: ANALYTICS_TOKEN } }),
    "/v2/publish/https://gateway.helicone.ai/v1/chat/completions",
    llmHeaders({
      "upstash-forward-authorization": `Bearer ${LLM_TOKEN}`,
      "upstash-forward-helicone-auth": `Bearer ${ANALYTICS_TOKEN}`,
      "upstash-forward-helicone-target-url": CUSTOM_BASE,
    }),
  ],
  // The newest official test expects `analytics.baseUrl` to replace the gateway; 2.12.0 has no
  // such option and sends to the gateway with the custom baseUrl as target (what is asserted).
  "custom + helicone with analytics.baseUrl (ignored in 2.12.0)": [
    (lib) => ({ name: "llm", provider: lib.custom({ baseUrl: "mock", token: LLM_TOKEN }), analytics: { name: "helicone", token: ANALYTICS_TOKEN, baseUrl: "https://groq.helicone.ai/openai" } }),
    "/v2/publish/https://gateway.helicone.ai/v1/chat/completions",
    llmHeaders({
      "upstash-forward-authorization": `Bearer ${LLM_TOKEN}`,
      "upstash-forward-helicone-auth": `Bearer ${ANALYTICS_TOKEN}`,
      "upstash-forward-helicone-target-url": "mock",
    }),
  ],
};

for (const [name, [api, path, headers]] of Object.entries(LLM_CASES)) {
  test(`llm api request: ${name}`, async () => {
    await bothSent(name, {}, (c, lib) => c.publishJSON({ api: api(lib), body: { model: MODEL }, callback: CALLBACK }), expectOne(path, headers, { model: MODEL }));
  });
}

test("llm api request: a provider without baseUrl or token is refused before anything is sent", async () => {
  const cases = {
    "baseUrl emptied": [(lib) => Object.assign(lib.openai({ token: LLM_TOKEN }), { baseUrl: "" }), "baseUrl cannot be empty or undefined!"],
    "baseUrl undefined": [(lib) => Object.assign(lib.custom({ baseUrl: CUSTOM_BASE, token: LLM_TOKEN }), { baseUrl: undefined }), "baseUrl cannot be empty or undefined!"],
    "token missing": [(lib) => lib.openai({}), "token cannot be empty or undefined!"],
    "token empty (custom)": [(lib) => lib.custom({ baseUrl: CUSTOM_BASE, token: "" }), "token cannot be empty or undefined!"],
  };
  for (const [name, [provider, message]] of Object.entries(cases)) {
    await bothSent(name, {}, (c, lib) => c.publishJSON({ api: { name: "llm", provider: provider(lib) }, body: { model: MODEL }, callback: CALLBACK }), (r) => {
      assert.equal(r.threw?.message, message);
      assert.equal(r.threw?.typeError, true, "a TypeError");
      assert.equal(r.requests.length, 0, "nothing sent");
    });
  }
});

test("llm api request: without `api` no provider header is added", async () => {
  await bothSent("no api", {}, (c) => c.publishJSON({ url: "https://example.com/plain", body: { model: MODEL } }), (r) => {
    assert.deepStrictEqual(r.value, { messageId: "msgId" });
    const [req] = r.requests;
    assert.equal(req.path, "/v2/publish/https://example.com/plain");
    assert.deepStrictEqual(Object.keys(req.headers).filter((k) => k.startsWith("upstash-forward-")), []);
  });
});

test("custom(): a full chat-completions URL is trimmed to its base", () => {
  const inputs = {
    "https://api.together.xyz/chat/completions": "https://api.together.xyz",
    "https://api.together.xyz/v1/chat/completions": "https://api.together.xyz",
    "https://api.together.xyz": "https://api.together.xyz",
  };
  for (const [baseUrl, trimmed] of Object.entries(inputs)) {
    const out = {};
    for (const side of ["official", "ours"]) {
      const p = libs[side].custom({ baseUrl, token: "xxx" });
      out[side] = { ...p, url: p.getUrl() };
      assert.deepStrictEqual([p.baseUrl, p.token, p.owner], [trimmed, "xxx", "custom"], `${side}: ${baseUrl}`);
      assert.equal(p.getUrl(), `${trimmed}/v1/chat/completions`, `${side}: ${baseUrl}`);
    }
    assert.deepStrictEqual(out.ours, out.official, baseUrl);
  }
});

const emailHeaders = (extra) => ({
  authorization: `Bearer ${QSTASH_TOKEN}`,
  "content-type": "application/json",
  "upstash-forward-authorization": `Bearer ${RESEND_TOKEN}`,
  ...extra,
});
const forwarded = {
  "upstash-forward-request-header": "request-value",
  "upstash-forward-global-header": "global-value",
  "upstash-forward-global-header-overwritten": "new-value",
};

test("email api request: resend, with global and request headers", async () => {
  await bothSent(
    "resend",
    { headers: GLOBAL },
    (c, lib) => c.publishJSON({ api: { name: "email", provider: lib.resend({ token: RESEND_TOKEN }) }, body: EMAILS[0], headers: REQUEST_HEADERS }),
    expectOne("/v2/publish/https://api.resend.com/emails", emailHeaders({ ...forwarded, "upstash-method": "POST" }), EMAILS[0]),
  );
});

test("email api request: resend batch", async () => {
  await bothSent(
    "resend batch",
    { headers: GLOBAL },
    (c, lib) => c.publishJSON({ api: { name: "email", provider: lib.resend({ token: RESEND_TOKEN, batch: true }) }, body: EMAILS, headers: REQUEST_HEADERS }),
    expectOne("/v2/publish/https://api.resend.com/emails/batch", emailHeaders({ ...forwarded, "upstash-method": "POST" }), EMAILS),
  );
});

test("email api request: the request's method wins over the provider's", async () => {
  await bothSent(
    "resend batch PUT",
    { headers: GLOBAL },
    (c, lib) => c.publishJSON({ api: { name: "email", provider: lib.resend({ token: RESEND_TOKEN, batch: true }) }, method: "PUT", body: EMAILS }),
    expectOne(
      "/v2/publish/https://api.resend.com/emails/batch",
      emailHeaders({ "upstash-method": "PUT", "upstash-forward-global-header": "global-value", "upstash-forward-global-header-overwritten": "old-value", "upstash-forward-request-header": null }),
      EMAILS,
    ),
  );
});

test("email api request: enqueueJSON goes to the queue's enqueue path", async () => {
  await bothSent(
    "resend enqueue",
    { headers: GLOBAL },
    (c, lib) => c.queue({ queueName: "resend-queue" }).enqueueJSON({ api: { name: "email", provider: lib.resend({ token: RESEND_TOKEN, batch: true }) }, body: EMAILS, headers: REQUEST_HEADERS }),
    expectOne("/v2/enqueue/resend-queue/https://api.resend.com/emails/batch", emailHeaders({ ...forwarded, "upstash-method": "POST" }), EMAILS),
  );
});

// ------------------------------------------------------------------------------------------------
// signing keys (official multi-region.test.ts): selections official_b does not already make

test("signing keys: config keys with an empty environment, EU-only region, an invalid header without QSTASH_REGION", async () => {
  const url = "https://example.com/keys";
  const body = "keys body";
  const eu = { QSTASH_REGION: "EU_CENTRAL_1", EU_CENTRAL_1_QSTASH_CURRENT_SIGNING_KEY: "eu-current-key", EU_CENTRAL_1_QSTASH_NEXT_SIGNING_KEY: "eu-next-key" };
  const defaults = { QSTASH_CURRENT_SIGNING_KEY: "default-current-key", QSTASH_NEXT_SIGNING_KEY: "default-next-key" };
  const config = { currentSigningKey: "config-current", nextSigningKey: "config-next" };
  const cases = [
    // [name, env, config, key, upstashRegion, verifies, a warning is logged]
    ["config keys, empty env: current", {}, config, "config-current", undefined, true, false],
    ["config keys, empty env: next", {}, config, "config-next", undefined, true, false],
    ["config keys, empty env: another key", {}, config, "default-current-key", undefined, false, false],
    ["EU region, eu-central-1 header: eu next key", eu, undefined, "eu-next-key", "eu-central-1", true, false],
    ["EU region, us-east-1 header: no US keys, no defaults", eu, undefined, "eu-current-key", "us-east-1", "throws", true],
    ["EU region, us-east-1 header: falls back to defaults", { ...eu, ...defaults }, undefined, "default-next-key", "us-east-1", true, true],
    ["no QSTASH_REGION, invalid header: defaults, no warning", defaults, undefined, "default-current-key", "INVALID_REGION", true, false],
    ["no QSTASH_REGION, invalid header: EU key refused", { ...defaults, EU_CENTRAL_1_QSTASH_CURRENT_SIGNING_KEY: "eu-current-key", EU_CENTRAL_1_QSTASH_NEXT_SIGNING_KEY: "eu-next-key" }, undefined, "eu-current-key", "EU_CENTRAL_1", false, false],
  ];
  for (const [name, env, cfg, key, upstashRegion, verifies, warns] of cases) {
    const signature = sign({ key, url, body });
    const request = { signature, body, url, ...(upstashRegion === undefined ? {} : { upstashRegion }) };
    const out = {};
    for (const side of ["official", "ours"]) {
      const lib = libs[side];
      const { value, err, lines } = await withEnv(env, () => capture(() => new lib.Receiver(cfg).verify(request)));
      const threw = err && describeError(err, lib);
      if (verifies === true) assert.equal(value, true, `${side}: ${name}: ${threw?.message}`);
      else if (verifies === "throws") assert.match(threw?.message ?? "", /No signing keys available/, `${side}: ${name}`);
      else assert.equal(threw?.name, "SignatureError", `${side}: ${name}`);
      assert.equal(lines.some(([level]) => level === "warn"), warns, `${side}: ${name}: ${JSON.stringify(lines)}`);
      // Our SignatureError adds detail and a `code` (pkg-template/README.md); the official's
      // message must be contained in ours, the rest equal.
      out[side] = { value, lines, threw: threw && { ...threw, own: { ...threw.own, code: undefined } } };
    }
    if (out.official.threw && out.ours.threw && out.ours.threw.message !== out.official.threw.message) {
      assert.ok(out.ours.threw.message.includes(out.official.threw.message), `${name}: ${out.ours.threw.message} / ${out.official.threw.message}`);
      out.ours.threw.message = out.official.threw.message;
    }
    assert.deepStrictEqual(out.ours, out.official, name);
  }
});

// ------------------------------------------------------------------------------------------------
// the adapters' wrap-time check for signing keys (official receiver-platforms.test.ts, as far as
// 2.12.0 has it: the Next.js adapters know dev mode, the others do not; none starts a server)

const consumer = createRequire(resolve(pkgDir, "../../package.json"));
const importOurs = (spec) => import(pathToFileURL(consumer.resolve(spec)).href);
const platformLibs = {
  official: {
    nextjs: await import("@upstash/qstash/nextjs"),
    h3: await import("@upstash/qstash/h3"),
    svelte: await import("@upstash/qstash/svelte"),
    solidjs: await import("@upstash/qstash/solidjs"),
  },
  ours: {
    nextjs: await importOurs("qstash-wasm/nextjs"),
    h3: await importOurs("qstash-wasm/h3"),
    svelte: await importOurs("qstash-wasm/svelte"),
    solidjs: await importOurs("qstash-wasm/solidjs"),
  },
};
const ADAPTERS = {
  "Next.js App Router": [(l, h, cfg) => l.nextjs.verifySignatureAppRouter(h, cfg), true],
  "Next.js Edge": [(l, h, cfg) => l.nextjs.verifySignatureEdge(h, cfg), true],
  "Next.js Pages": [(l, h, cfg) => l.nextjs.verifySignature(h, cfg), true],
  H3: [(l, h, cfg) => l.h3.verifySignatureH3(h, cfg), false],
  Svelte: [(l, h, cfg) => l.svelte.verifySignatureSvelte(h, cfg), false],
  Solid: [(l, h, cfg) => l.solidjs.verifySignatureSolidjs(h, cfg), false],
};
const MISSING = "currentSigningKey and nextSigningKey are required, either in the config or as env variables (QSTASH_CURRENT_SIGNING_KEY and QSTASH_NEXT_SIGNING_KEY)";

test("adapters without signing keys: refuse at wrap time unless dev mode applies; no hint in production; nothing is fetched", async () => {
  const cases = [
    // [name, env, config, wraps on dev-mode-aware adapters, wraps on the others]
    ["development, no keys", { NODE_ENV: "development" }, undefined, false, false],
    ["NODE_ENV unset, no keys", {}, undefined, false, false],
    ["production, no keys", { NODE_ENV: "production" }, undefined, false, false],
    ["devMode: true, no keys", { NODE_ENV: "development" }, { devMode: true }, true, false],
    ["QSTASH_DEV=true, no keys", { NODE_ENV: "development", QSTASH_DEV: "true" }, undefined, true, false],
    ["QSTASH_DEV=true, devMode: false, no keys", { NODE_ENV: "development", QSTASH_DEV: "true" }, { devMode: false }, false, false],
    ["QSTASH_DEV=0, no keys", { QSTASH_DEV: "0" }, undefined, false, false],
    ["only QSTASH_REGION set", { QSTASH_REGION: "US_EAST_1" }, undefined, true, true],
  ];
  const realFetch = globalThis.fetch;
  let fetched = 0;
  globalThis.fetch = async () => {
    fetched++;
    throw new Error("no network in this test");
  };
  try {
    for (const [adapter, [wrap, devAware]] of Object.entries(ADAPTERS)) {
      for (const [name, env, config, wrapsDev, wrapsOther] of cases) {
        const out = {};
        for (const side of ["official", "ours"]) {
          const { value, err, lines } = await withEnv(env, () => capture(() => typeof wrap(platformLibs[side], async () => new Response("ok"), config)));
          out[side] = { value, threw: err && { class: err.constructor?.name, name: err.name, message: err.message, typeError: err instanceof TypeError }, lines };
          const what = `${side} ${adapter}: ${name}`;
          if (devAware ? wrapsDev : wrapsOther) {
            assert.equal(err, undefined, `${what}: ${err?.message}`);
            assert.equal(value, "function", what);
          } else {
            assert.equal(err?.message, MISSING, what);
            assert.ok(!err.message.includes("QSTASH_DEV=true"), what);
          }
        }
        assert.deepStrictEqual(out.ours, out.official, `${adapter}: ${name}`);
      }
    }
  } finally {
    globalThis.fetch = realFetch;
  }
  assert.equal(fetched, 0, "wrapping fetched something (a dev server check or start)");
});

test("Receiver with devMode: false and no keys anywhere, even with QSTASH_DEV=true: rejects, naming the missing keys", async () => {
  for (const env of [{}, { QSTASH_DEV: "true" }]) {
    const out = {};
    for (const side of ["official", "ours"]) {
      const lib = libs[side];
      const { err, lines } = await withEnv(env, () => capture(() => new lib.Receiver({ devMode: false }).verify({ signature: "signature", body: "" })));
      assert.match(err?.message ?? "", /No signing keys available/, `${side} ${JSON.stringify(env)}`);
      out[side] = { threw: describeError(err, lib), lines };
    }
    assert.deepStrictEqual(out.ours, out.official, JSON.stringify(env));
  }
});
