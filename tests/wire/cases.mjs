// The differential wire cases: every Client method and option.
//
// Each case is `{ name, run(client, lib), config?, respond? }`. `run` receives a Client built from
// `lib` (the official `@upstash/qstash` module or ours) and the module itself (for `openai()` &c).
// `config` is merged into the Client config; `respond` replaces the server's reply for every request
// of the case (error statuses). The harness records what reached the server and what `run` returned
// or threw, for both libraries, and compares.

const URL_ = "https://example.com/hook";
const CB = "https://example.com/cb";

// Providers written by hand or subclassed: the Client must call their methods, as the official's
// getProviderInfo does. `log` collects what each method was given, so the calls (order, `this`,
// the options object) are compared as the result.
function handLlm(log, overrides = {}) {
  return {
    apiKind: "llm",
    baseUrl: "https://llm.example.com",
    token: "tok-hand",
    owner: "custom",
    method: "POST",
    getRoute() {
      log.push(["getRoute"]);
      return ["v2", "generate"];
    },
    getUrl() {
      log.push(["getUrl"]);
      return `${this.baseUrl}/${this.getRoute().join("/")}`;
    },
    getHeaders(options) {
      log.push(["getHeaders", options]);
      return { authorization: `Bearer ${this.token}`, "x-analytics": String(Boolean(options.analytics)) };
    },
    onFinish(info, options) {
      log.push(["onFinish", structuredClone(info), options]);
      return info;
    },
    ...overrides,
  };
}
/** A Proxy that records every property read of `target` into `log`. */
const reads = (target, log) => new Proxy(target, { get: (t, k, r) => (log.push(String(k)), Reflect.get(t, k, r)) });
/** `target` behind a Proxy that records each trap (`<tag> <trap> <key>`) into `into`. */
const trapLog = (target, into, tag) => new Proxy(target, Object.fromEntries(["get", "has", "ownKeys", "getOwnPropertyDescriptor", "getPrototypeOf"].map((trap) => [trap, (...a) => { into.push(`${tag} ${trap} ${String(a[1] ?? "")}`); return Reflect[trap](...a); }])));
/**
 * Sends `{ url, retries: 2, body, headers }` through `send`, each behind `trapLog`: how it ended
 * (`ok` or the error's class) and the traps it ran, in order, as JSON.
 */
const trapReads = async (send, headers, body) => {
  const into = [];
  const result = await send(trapLog({ url: URL_, retries: 2, body, headers: trapLog(headers, into, "headers") }, into, "request"))
    .then(() => "ok", (e) => e.constructor.name);
  return [result, JSON.stringify(into)];
};
/** The package's LLMProvider and EmailProvider (the official does not export them by name). */
const llmClass = (lib) => lib.openai({ token: "x" }).constructor;
const emailClass = (lib) => lib.resend({ token: "x" }).constructor;
/** publishJSON to the LLM API with `provider` (and `extra` api options); returns what `log` saw. */
async function publishLlm(c, provider, log = [], extra = {}, request = {}) {
  const result = await c.publishJSON({ api: { name: "llm", provider, ...extra }, body: { model: "m" }, callback: CB, ...request });
  return { result, log };
}

const ALL_OPTIONS = {
  url: URL_,
  body: "hello",
  method: "PUT",
  delay: "10m",
  notBefore: 1893456000,
  deduplicationId: "dedup-1",
  contentBasedDeduplication: true,
  retries: 4,
  retryDelay: "pow(2, retried) * 1000",
  callback: "https://example.com/cb",
  failureCallback: "https://example.com/fail",
  timeout: "45s",
  flowControl: { key: "user-1", parallelism: 3, rate: 20, period: "1m" },
  label: ["l-1", "l-2"],
  redact: { body: true, header: ["Authorization", "X-Secret"] },
  headers: { "X-Custom": "yes", Authorization: "Bearer end-user", "Upstash-Callback-Retries": "2" },
};

const FILTER = {
  fromDate: 1735689600000, toDate: new Date(1735776000000), callerIp: "1.2.3.4", label: ["a", "b"],
  flowControlKey: "fck", url: "https://example.com", scheduleId: "scd_1", queueName: "q1",
  urlGroup: "grp", host: "example.com", path: "/webhook",
};

const errorReply = (status, body = "", headers = {}) => ({ status, headers, body });

/** @type {{name: string, run: (c: any, lib: any) => Promise<unknown>, config?: object, respond?: object}[]} */
export const cases = [
  // ── publish: destinations and bodies ──────────────────────────────────────────────────────────
  { name: "publish url, string body", run: (c) => c.publish({ url: URL_, body: "hello world" }) },
  { name: "publish url, no body", run: (c) => c.publish({ url: URL_ }) },
  { name: "publish url with query and fragment-free path", run: (c) => c.publish({ url: "https://example.com/a/b?x=1&y=two%20words", body: "q" }) },
  // Destinations the URL parser rewrites (dot segments, spaces, non-ASCII, `\\`, a fragment):
  // not the fast path, so the package resolves them with the platform's `new URL`.
  { name: "publish url with dot segments and spaces", run: (c) => c.publish({ url: "https://example.com/a/./b/../c d/%2E%2e/é?q=a b&r='x'#frag ment" }) },
  { name: "publish url with backslashes and a tab", run: (c) => c.publish({ url: "https://example.com\\x\\y/\tz/<{`}>" }) },
  { name: "publish urlGroup", run: (c) => c.publish({ urlGroup: "my-group", body: "g" }) },
  { name: "publish topic (deprecated)", run: (c) => c.publish({ topic: "my-topic", body: "t" }) },
  { name: "publish url beats urlGroup", run: (c) => c.publish({ url: URL_, urlGroup: "ignored" }) },
  { name: "publish without destination throws", run: (c) => c.publish({ body: "x" }) },
  { name: "publish body Uint8Array (non-UTF-8)", run: (c) => c.publish({ url: URL_, body: new Uint8Array([0, 255, 254, 1, 2, 128]) }) },
  { name: "publish body ArrayBuffer", run: (c) => c.publish({ url: URL_, body: new Uint8Array([104, 105]).buffer }) },
  { name: "publish body Blob", run: (c) => c.publish({ url: URL_, body: new Blob(["blob-body"], { type: "text/x-blob" }) }) },
  { name: "publish body URLSearchParams", run: (c) => c.publish({ url: URL_, body: new URLSearchParams({ a: "1", b: "two words" }) }) },
  { name: "publish body FormData", run: (c) => { const f = new FormData(); f.append("field", "value"); return c.publish({ url: URL_, body: f }); } },
  { name: "publish body unicode string", run: (c) => c.publish({ url: URL_, body: "héllo ✓ 🚀" }) },

  // ── publish: every §2.2 option ────────────────────────────────────────────────────────────────
  { name: "publish method GET", run: (c) => c.publish({ url: URL_, method: "GET" }) },
  { name: "publish method PUT", run: (c) => c.publish({ url: URL_, method: "PUT", body: "p" }) },
  { name: "publish method DELETE", run: (c) => c.publish({ url: URL_, method: "DELETE" }) },
  { name: "publish method PATCH", run: (c) => c.publish({ url: URL_, method: "PATCH", body: "p" }) },
  { name: "publish delay string", run: (c) => c.publish({ url: URL_, delay: "10s" }) },
  { name: "publish delay number", run: (c) => c.publish({ url: URL_, delay: 60 }) },
  { name: "publish delay fractional number rounds", run: (c) => c.publish({ url: URL_, delay: 1.6 }) },
  { name: "publish delay 0", run: (c) => c.publish({ url: URL_, delay: 0 }) },
  { name: "publish notBefore", run: (c) => c.publish({ url: URL_, notBefore: 1893456000 }) },
  { name: "publish notBefore fractional", run: (c) => c.publish({ url: URL_, notBefore: 1893456000.7 }) },
  { name: "publish deduplicationId", run: (c) => c.publish({ url: URL_, deduplicationId: "abc-123" }) },
  { name: "publish contentBasedDeduplication true", run: (c) => c.publish({ url: URL_, contentBasedDeduplication: true }) },
  { name: "publish contentBasedDeduplication false", run: (c) => c.publish({ url: URL_, contentBasedDeduplication: false }) },
  { name: "publish retries 0", run: (c) => c.publish({ url: URL_, retries: 0 }) },
  { name: "publish retries 3", run: (c) => c.publish({ url: URL_, retries: 3 }) },
  { name: "publish retries fractional", run: (c) => c.publish({ url: URL_, retries: 2.5 }) },
  { name: "publish retryDelay", run: (c) => c.publish({ url: URL_, retryDelay: "max(1000, pow(2, retried) * 100)" }) },
  { name: "publish callback", run: (c) => c.publish({ url: URL_, callback: "https://example.com/cb" }) },
  { name: "publish failureCallback", run: (c) => c.publish({ url: URL_, failureCallback: "https://example.com/fail" }) },
  { name: "publish timeout string", run: (c) => c.publish({ url: URL_, timeout: "30s" }) },
  { name: "publish timeout number", run: (c) => c.publish({ url: URL_, timeout: 10 }) },
  { name: "publish timeout fractional number not rounded", run: (c) => c.publish({ url: URL_, timeout: 1.5 }) },
  { name: "publish flowControl full", run: (c) => c.publish({ url: URL_, flowControl: { key: "k", parallelism: 5, rate: 10, period: "1m" } }) },
  { name: "publish flowControl parallelism 0", run: (c) => c.publish({ url: URL_, flowControl: { key: "k", parallelism: 0 } }) },
  { name: "publish flowControl ratePerSecond (deprecated)", run: (c) => c.publish({ url: URL_, flowControl: { key: "k", ratePerSecond: 7 } }) },
  { name: "publish flowControl rate wins over ratePerSecond", run: (c) => c.publish({ url: URL_, flowControl: { key: "k", rate: 3, ratePerSecond: 7 } }) },
  { name: "publish flowControl period number", run: (c) => c.publish({ url: URL_, flowControl: { key: "k", rate: 1, period: 30 } }) },
  { name: "publish flowControl key only throws", run: (c) => c.publish({ url: URL_, flowControl: { key: "k" } }) },
  { name: "publish flowControl empty key ignored", run: (c) => c.publish({ url: URL_, flowControl: { key: "", parallelism: 2 } }) },
  { name: "publish label string", run: (c) => c.publish({ url: URL_, label: "single" }) },
  { name: "publish label array", run: (c) => c.publish({ url: URL_, label: ["label-1", "label-2"] }) },
  { name: "publish redact body", run: (c) => c.publish({ url: URL_, redact: { body: true } }) },
  { name: "publish redact header true", run: (c) => c.publish({ url: URL_, redact: { header: true } }) },
  { name: "publish redact header names", run: (c) => c.publish({ url: URL_, redact: { body: true, header: ["Authorization"] } }) },
  { name: "publish redact empty header list", run: (c) => c.publish({ url: URL_, redact: { header: [] } }) },
  { name: "publish redact empty object", run: (c) => c.publish({ url: URL_, redact: {} }) },
  { name: "publish headers record (prefixing)", run: (c) => c.publish({ url: URL_, headers: { "X-Custom": "a", "Content-Type": "text/plain", "Upstash-Callback-Retries": "3", Authorization: "Bearer u" }, body: "h" }) },
  { name: "publish headers Headers instance", run: (c) => c.publish({ url: URL_, headers: new Headers([["x-one", "1"], ["x-two", "2"]]) }) },
  { name: "publish headers array of pairs", run: (c) => c.publish({ url: URL_, headers: [["X-Pair", "p"], ["Upstash-Forward-Pre", "already"]] }) },
  { name: "publish header overriding an option header", run: (c) => c.publish({ url: URL_, retries: 5, headers: { "Upstash-Retries": "1", "Upstash-Method": "GET" } }) },
  { name: "publish every option", run: (c) => c.publish({ ...ALL_OPTIONS }) },
  { name: "publish deduplicated response", run: (c) => c.publish({ url: URL_ }), respond: { status: 201, headers: { "content-type": "application/json" }, body: '{"messageId":"m1","url":"https://example.com/hook","deduplicated":true}' } },

  // ── publishJSON and api providers ─────────────────────────────────────────────────────────────
  { name: "publishJSON object body", run: (c) => c.publishJSON({ url: URL_, body: { hello: "world", n: [1, 2, 3] } }) },
  { name: "publishJSON no body", run: (c) => c.publishJSON({ url: URL_ }) },
  { name: "publishJSON string body (double-encoded)", run: (c) => c.publishJSON({ url: URL_, body: "text" }) },
  { name: "publishJSON with headers and content-type override", run: (c) => c.publishJSON({ url: URL_, body: [1], headers: { "Content-Type": "text/plain", "X-A": "b" } }) },
  { name: "publishJSON every option", run: (c) => c.publishJSON({ ...ALL_OPTIONS, body: { all: true } }) },
  { name: "publishJSON urlGroup", run: (c) => c.publishJSON({ urlGroup: "grp", body: { x: 1 } }) },
  { name: "publishJSON api llm upstash", run: (c) => c.publishJSON({ api: { name: "llm" }, body: { model: "m", messages: [] }, callback: "https://example.com/cb" }) },
  { name: "publishJSON api llm openai", run: (c, lib) => c.publishJSON({ api: { name: "llm", provider: lib.openai({ token: "sk-openai" }) }, body: { model: "gpt" }, callback: "https://example.com/cb" }) },
  { name: "publishJSON api llm openai organization", run: (c, lib) => c.publishJSON({ api: { name: "llm", provider: lib.openai({ token: "sk", organization: "org-1" }) }, body: {}, callback: "https://example.com/cb" }) },
  { name: "publishJSON api llm anthropic", run: (c, lib) => c.publishJSON({ api: { name: "llm", provider: lib.anthropic({ token: "sk-ant" }) }, body: {}, callback: "https://example.com/cb" }) },
  { name: "publishJSON api llm custom", run: (c, lib) => c.publishJSON({ api: { name: "llm", provider: lib.custom({ baseUrl: "https://llm.example.com/v1/chat/completions", token: "tok" }) }, body: {}, callback: "https://example.com/cb" }) },
  { name: "publishJSON api llm upstash provider", run: (c, lib) => c.publishJSON({ api: { name: "llm", provider: lib.upstash() }, body: {}, callback: "https://example.com/cb" }) },
  { name: "publishJSON api llm helicone + openai", run: (c, lib) => c.publishJSON({ api: { name: "llm", provider: lib.openai({ token: "sk" }), analytics: { name: "helicone", token: "hel" } }, body: {}, callback: "https://example.com/cb" }) },
  { name: "publishJSON api llm helicone + upstash", run: (c) => c.publishJSON({ api: { name: "llm", analytics: { name: "helicone", token: "hel" } }, body: {}, callback: "https://example.com/cb" }) },
  { name: "publishJSON api llm without callback throws", run: (c, lib) => c.publishJSON({ api: { name: "llm", provider: lib.openai({ token: "sk" }) }, body: {} }) },
  { name: "publishJSON api llm method override", run: (c, lib) => c.publishJSON({ api: { name: "llm", provider: lib.anthropic({ token: "sk" }) }, method: "PUT", body: {}, callback: "https://example.com/cb" }) },
  { name: "publishJSON api email resend", run: (c, lib) => c.publishJSON({ api: { name: "email", provider: lib.resend({ token: "re_123" }) }, body: { from: "a@b.c", to: ["d@e.f"], subject: "hi" } }) },
  { name: "publishJSON api email resend batch", run: (c, lib) => c.publishJSON({ api: { name: "email", provider: lib.resend({ token: "re_123", batch: true }) }, body: [{ from: "a@b.c" }] }) },
  { name: "publishJSON api name mismatch throws", run: (c, lib) => c.publishJSON({ api: { name: "email", provider: lib.openai({ token: "sk" }) }, body: {} }) },
  { name: "publishJSON api provider empty token throws", run: (c, lib) => c.publishJSON({ api: { name: "llm", provider: lib.openai({ token: "" }) }, body: {}, callback: "https://example.com/cb" }) },

  // ── api providers written by hand, subclassed, changed: their methods decide ──────────────────
  { name: "hand-written llm provider: methods called in order, with the api's other options", run: (c) => { const log = []; return publishLlm(c, handLlm(log), log); } },
  { name: "hand-written llm provider + analytics option (passed to getHeaders and onFinish)", run: (c) => { const log = []; return publishLlm(c, handLlm(log), log, { analytics: { name: "helicone", token: "hk" }, extra: 1 }); } },
  { name: "hand-written llm provider: property reads in order", run: (c) => { const log = []; return publishLlm(c, reads(handLlm([]), log), log); } },
  { name: "hand-written onFinish returns a new object (url, headers, owner, method)", run: (c) => publishLlm(c, handLlm([], { onFinish: () => ({ url: "https://elsewhere.example.com/x", appendHeaders: [["x-new", "1"]], owner: "custom", method: "PATCH" }) })) },
  { name: "hand-written onFinish returns owner upstash (api/llm)", run: (c) => publishLlm(c, handLlm([], { onFinish: (info) => ({ ...info, owner: "upstash" }) })) },
  { name: "hand-written onFinish returns no url", run: (c) => publishLlm(c, handLlm([], { onFinish: () => ({ appendHeaders: {} }) })) },
  { name: "hand-written onFinish returns undefined", run: (c) => publishLlm(c, handLlm([], { onFinish: () => undefined })) },
  { name: "hand-written getHeaders returns a Headers instance", run: (c) => publishLlm(c, handLlm([], { getHeaders: () => new Headers({ "X-From-Headers": "1", authorization: "Bearer h" }) })) },
  { name: "hand-written getHeaders returns an invalid header", run: (c) => publishLlm(c, handLlm([], { getHeaders: () => ({ "bad header": "1" }) })) },
  { name: "hand-written getHeaders returns null (new Headers(null) throws)", run: (c) => publishLlm(c, handLlm([], { getHeaders: () => null })) },
  { name: "hand-written getHeaders returns undefined (no headers)", run: (c) => publishLlm(c, handLlm([], { getHeaders: () => undefined })) },
  { name: "hand-written getHeaders returns pairs", run: (c) => publishLlm(c, handLlm([], { getHeaders: () => [["x-pair", "1"], ["authorization", "Bearer p"]] })) },
  { name: "anthropic with a non-string token", run: (c, lib) => publishLlm(c, lib.anthropic({ token: 12345 })) },
  { name: "hand-written getRoute throws", run: (c) => publishLlm(c, handLlm([], { getRoute: () => { throw new RangeError("no route"); } })) },
  { name: "hand-written provider without methods", run: (c) => publishLlm(c, { apiKind: "llm", baseUrl: "https://llm.example.com", token: "t", owner: "custom", method: "POST" }) },
  { name: "hand-written provider without onFinish", run: (c) => publishLlm(c, handLlm([], { onFinish: undefined })) },
  { name: "a spread provider keeps its fields but not its methods", run: (c, lib) => publishLlm(c, { ...lib.openai({ token: "sk" }) }) },
  { name: "hand-written provider: apiKind mismatch", run: (c) => publishLlm(c, handLlm([], { apiKind: "email" })) },
  { name: "hand-written provider: empty baseUrl", run: (c) => publishLlm(c, handLlm([], { baseUrl: "" })) },
  { name: "hand-written upstash provider gets the client's token", run: async (c) => { const p = handLlm([], { owner: "upstash", token: "" }); const out = await publishLlm(c, p); return { ...out, token: p.token }; } },
  { name: "upstash() gets the client's token, written into the object", run: async (c, lib) => { const p = lib.upstash(); const out = await publishLlm(c, p); return { ...out, provider: { ...p } }; } },
  { name: "hand-written email provider via publishJSON", run: (c) => c.publishJSON({ api: { name: "email", provider: { ...handLlm([]), apiKind: "email", owner: "resend" } }, body: { to: "a" } }) },
  { name: "hand-written email provider via publish (path is its baseUrl)", run: (c) => c.publish({ api: { name: "email", provider: { ...handLlm([]), apiKind: "email", owner: "resend", baseUrl: "https://mail.example.com" } }, body: "{}" }) },
  { name: "hand-written provider in batchJSON and enqueueJSON", run: async (c) => [await c.batchJSON([{ api: { name: "llm", provider: handLlm([]) }, body: {}, callback: CB }]), await c.queue({ queueName: "q1" }).enqueueJSON({ api: { name: "llm", provider: handLlm([]) }, body: {}, callback: CB })] },
  { name: "subclass overriding getRoute (getUrl follows) and getHeaders (calling super)", run: (c, lib) => {
    class Routed extends llmClass(lib) {
      getRoute() { return ["v9", "complete"]; }
      getHeaders(options) { return { ...super.getHeaders(options), "x-extra": "1" }; }
    }
    return publishLlm(c, new Routed("https://api.openai.com", "sk", "openai", "org-1"), [], { analytics: { name: "helicone", token: "hk" } });
  } },
  { name: "subclass overriding getUrl only", run: (c, lib) => {
    class Proxied extends llmClass(lib) {
      getUrl() { return "https://proxy.example.com/openai/v1/chat/completions"; }
    }
    return publishLlm(c, new Proxied("https://api.openai.com", "sk", "openai"));
  } },
  { name: "subclass overriding onFinish", run: (c, lib) => {
    class Finished extends llmClass(lib) {
      onFinish(info, options) { const out = super.onFinish(info, options); out.appendHeaders["x-finished"] = out.url; return out; }
    }
    return publishLlm(c, new Finished("https://api.anthropic.com", "ak", "anthropic"), [], { analytics: { name: "helicone", token: "hk" } });
  } },
  { name: "email subclass overriding getRoute", run: (c, lib) => {
    class Audience extends emailClass(lib) {
      getRoute() { return ["audiences"]; }
    }
    return c.publishJSON({ api: { name: "email", provider: new Audience("https://api.resend.com", "re", "resend", false) }, body: {} });
  } },
  { name: "provider.baseUrl assigned before publish", run: (c, lib) => { const p = lib.openai({ token: "sk" }); p.baseUrl = "https://llm-proxy.example.com"; return publishLlm(c, p); } },
  { name: "provider.baseUrl assigned on custom() and helicone", run: (c, lib) => { const p = lib.custom({ baseUrl: "https://a.example.com", token: "t" }); p.baseUrl = "https://b.example.com/v1/chat/completions"; return publishLlm(c, p, [], { analytics: { name: "helicone", token: "hk" } }); } },
  { name: "resend token and batch assigned before publish", run: (c, lib) => { const p = lib.resend({ token: "re" }); p.token = "re_new"; p.batch = true; return c.publishJSON({ api: { name: "email", provider: p }, body: [] }); } },
  { name: "provider.owner assigned to anthropic", run: (c, lib) => { const p = lib.custom({ baseUrl: "https://a.example.com", token: "t" }); p.owner = "anthropic"; return publishLlm(c, p); } },

  // ── client config ────────────────────────────────────────────────────────────────────────────
  { name: "global headers on publish", config: { headers: { "X-Global": "g", "Upstash-Retries": "9", "Content-Type": "text/csv" } }, run: (c) => c.publish({ url: URL_, body: "a,b" }) },
  { name: "global headers overridden by request", config: { headers: { "X-Global": "g", "X-Both": "global" } }, run: (c) => c.publish({ url: URL_, headers: { "X-Both": "request" }, retries: 1 }) },
  { name: "global headers not on management calls", config: { headers: { "X-Global": "g" } }, run: (c) => c.messages.get("msg_1") },
  { name: "global headers on schedule create", config: { headers: { "X-Global": "g" } }, run: (c) => c.schedules.create({ destination: URL_, cron: "* * * * *" }) },
  { name: "global headers in batch items", config: { headers: { "X-Global": "g" } }, run: (c) => c.batch([{ url: URL_, body: "1" }]) },
  { name: "global Headers instance", config: { headers: new Headers({ "x-h": "1" }) }, run: (c) => c.publish({ url: URL_ }) },
  { name: "baseUrl trailing slash stripped", config: { baseUrlSuffix: "/" }, run: (c) => c.publish({ url: URL_ }) },
  { name: "telemetry disabled", config: { enableTelemetry: false }, run: (c) => c.publish({ url: URL_ }) },
  { name: "retry false still publishes", config: { retry: false }, run: (c) => c.publish({ url: URL_ }) },
  { name: "retry with backoff fn still publishes", config: { retry: { retries: 2, backoff: () => 1 } }, run: (c) => c.publish({ url: URL_ }) },

  // ── one client publishing again: ours sends its last request again when the options read the
  // same (src/js/options.rs `MemoSlot`), so every change must make a new request ─────────────────────
  { name: "publish loop: each option changed in turn, then back", run: async (c) => {
    const base = { url: URL_, body: "b", method: "PUT", delay: "10s", notBefore: 1893456000, deduplicationId: "d-1", contentBasedDeduplication: true, retries: 3, retryDelay: "1000", callback: CB, failureCallback: "https://example.com/fail", timeout: "30s", label: "l-1", headers: { "X-A": "1", "Upstash-Forward-B": "b" } };
    const other = { url: "https://example.com/other", body: "c", method: "POST", delay: 20, notBefore: 1893456001, deduplicationId: "d-2", contentBasedDeduplication: false, retries: 4, retryDelay: "2000", callback: "https://example.com/cb2", failureCallback: "https://example.com/fail2", timeout: 45, label: "l-2", headers: { "X-A": "2", "Upstash-Forward-B": "b" } };
    const req = { ...base };
    const out = [await c.publish(req), await c.publish(req)];
    for (const k of Object.keys(other)) {
      req[k] = other[k];
      out.push(await c.publish(req), await c.publish(req));
      req[k] = base[k];
      out.push(await c.publish(req));
    }
    return out;
  } },
  { name: "publish loop: the headers record edited in place, emptied, replaced", run: async (c) => {
    const req = { url: URL_, headers: { "X-A": "1" } };
    const out = [await c.publish(req)];
    req.headers["X-A"] = "2";
    out.push(await c.publish(req));
    req.headers["X-B"] = 3;
    out.push(await c.publish(req), await c.publish({ ...req, headers: { ...req.headers } }));
    delete req.headers["X-A"];
    out.push(await c.publish(req));
    req.headers = {};
    out.push(await c.publish(req));
    req.headers = new Headers({ "X-B": "3" });
    out.push(await c.publish(req), await c.publish(req));
    req.headers = [["X-B", "3"]];
    out.push(await c.publish(req));
    return out;
  } },
  { name: "publish loop: values that look alike (0 and -0, 1 and '1', 2.5 and 3, null)", run: async (c) => {
    const out = [];
    for (const retries of [0, -0, 0, 2.5, 3, 3]) out.push(await c.publish({ url: URL_, retries }));
    for (const delay of [1, "1", 1, 1.4, "1s"]) out.push(await c.publish({ url: URL_, delay }));
    for (const method of ["PUT", null, "PUT", "GET"]) out.push(await c.publish({ url: URL_, method }));
    for (const label of ["a,b", ["a", "b"], "a,b", ["a", "c"]]) out.push(await c.publish({ url: URL_, label }));
    for (const body of ["x", undefined, null, "x"]) out.push(await c.publish({ url: URL_, body }));
    return out;
  } },
  { name: "publish loop: publish, enqueue to two queues, publishJSON, batch alternate", run: async (c) => {
    const req = { url: URL_, retries: 2, body: "x" };
    const out = [];
    for (let i = 0; i < 2; i++) {
      out.push(await c.publish(req), await c.queue({ queueName: "q1" }).enqueue(req), await c.queue({ queueName: "q2" }).enqueue(req));
      out.push(await c.publishJSON({ ...req, body: { n: i } }), await c.batch([req]), await c.publish(req));
    }
    return out;
  } },
  { name: "publishJSON loop: other bodies, each option changed in turn, then back; enqueueJSON between", run: async (c) => {
    const base = { url: URL_, method: "PUT", delay: 5, deduplicationId: "d-1", retries: 2, callback: CB, label: "l", headers: { "X-A": "1" } };
    const other = { url: "https://example.com/other", method: "PATCH", delay: "7s", deduplicationId: "d-2", retries: 0, callback: "https://example.com/cb2", label: "m", headers: { "X-A": "1", "Content-Type": "text/plain" } };
    const req = { ...base };
    const out = [];
    for (const body of [{ n: 1 }, { n: 2 }, "s", undefined, [1]]) out.push(await c.publishJSON({ ...req, body }));
    for (const k of Object.keys(other)) {
      req[k] = other[k];
      out.push(await c.publishJSON({ ...req, body: { k } }), await c.publishJSON({ ...req, body: { k } }));
      out.push(await c.queue({ queueName: "q1" }).enqueueJSON({ ...req, body: { k } }), await c.publish({ ...req, body: "raw" }));
      req[k] = base[k];
      out.push(await c.publishJSON({ ...req, body: { k } }));
    }
    return out;
  } },
  { name: "publishJSON and batchJSON of parsed JSON with a __proto__ key (an own property, not the copy's prototype)", run: async (c) => {
    const parsed = () => JSON.parse('{"url":"https://example.com/hook","__proto__":{"retries":5,"delay":"9s"},"body":{"a":1}}');
    return [await c.publishJSON(parsed()), await c.publishJSON(parsed()), await c.batchJSON([parsed()]), await c.queue({ queueName: "q1" }).enqueueJSON(parsed())];
  } },
  { name: "each publish-family method reads a headers record's keys once (a memo hit too)", run: async (c) => {
    const counted = () => {
      let n = 0;
      return [new Proxy({ "X-A": "1" }, { ownKeys: (t) => (n++, Reflect.ownKeys(t)) }), () => n];
    };
    const calls = [
      (h) => c.publish({ url: URL_, headers: h }),
      (h) => c.publish({ url: URL_, headers: h }),
      (h) => c.publishJSON({ url: URL_, headers: h, body: {} }),
      (h) => c.queue({ queueName: "q1" }).enqueue({ url: URL_, headers: h }),
      (h) => c.schedules.create({ destination: URL_, cron: "* * * * *", headers: h }),
      (h) => c.batch([{ url: URL_, headers: h }]),
    ];
    const out = [];
    for (const call of calls) {
      const [h, reads] = counted();
      await call(h);
      out.push(reads());
    }
    return out;
  } },
  { name: "publish loop: getters, and a getter that throws once", run: async (c) => {
    let retries = 1;
    const req = { url: URL_, get retries() { return retries; } };
    const out = [await c.publish(req), await c.publish(req)];
    retries = 2;
    out.push(await c.publish(req));
    Object.defineProperty(req, "callback", { get() { throw new Error("callback getter"); }, configurable: true, enumerable: true });
    out.push(await c.publish(req).catch((e) => `${e.constructor.name}: ${e.message}`));
    delete req.callback;
    out.push(await c.publish(req));
    return out;
  } },
  { name: "publish loop: a Proxy request reads on a used client as on a fresh one", run: async (c, lib, fresh) => {
    // What a client reads of a request (traps, keys, order) must not depend on what it sent
    // before: both sides must answer `ok` and `true` for each.
    const reads = (client, headers, body) => trapReads((r) => client.publish(r), headers, body);
    const out = [];
    await c.publish({ url: URL_, retries: 2, body: "a", headers: { "X-A": "1" } });
    for (const [headers, body] of [[{ "X-A": "1" }, "b"], [{ "X-A": "2" }, "b"], [{ "X-A": "2" }, "c"], [{ "X-A": "3", "X-B": "x" }, undefined]]) {
      const [result, here] = await reads(c, headers, body);
      const [, first] = await reads(fresh(), headers, body);
      out.push([result, here === first]);
    }
    return out;
  } },
  { name: "enqueue loop: a Proxy request reads on a used queue as on a fresh client's, and the same queue object again", run: async (c, lib, fresh) => {
    const reads = (queue, headers, body) => trapReads((r) => queue.enqueue(r), headers, body);
    const q = c.queue({ queueName: "q1" });
    const out = [await q.enqueue({ url: URL_, retries: 2, body: "a", headers: { "X-A": "1" } })];
    for (const [headers, body] of [[{ "X-A": "1" }, "b"], [{ "X-A": "1" }, "c"], [{ "X-A": "2" }, "c"], [{ "X-A": "2" }, undefined]]) {
      const [, first] = await reads(fresh().queue({ queueName: "q1" }), headers, body);
      for (const queue of [q, c.queue({ queueName: "q1" })]) {
        const [result, here] = await reads(queue, headers, body);
        out.push([result, here === first]);
      }
    }
    out.push(await q.enqueue({ url: URL_, retries: 2, body: "z", headers: { "X-A": "2" } }));
    out.push(await c.queue({ queueName: "q2" }).enqueue({ url: URL_, retries: 2, body: "z", headers: { "X-A": "2" } }));
    return out;
  } },
  { name: "publish loop: a headers record the record fast path refuses (a NUL in a value) reads on a used client as on a fresh one", run: async (c, lib, fresh) => {
    // The memo's comparison makes the record text, finds none, and the call's own reading of
    // the headers must not make it again.
    const reads = (client, headers) => trapReads((r) => client.publish(r), headers);
    const out = [];
    await c.publish({ url: URL_, retries: 2, headers: { "X-A": "1" } });
    for (const headers of [{ "X-A": "a\0b" }, { "X-A": "1" }, { "X-A": "a\0b" }, { "X-A": "a\0b" }]) {
      const [result, here] = await reads(c, headers);
      const [, first] = await reads(fresh(), headers);
      out.push([result, here === first]);
    }
    return out;
  } },

  // ── batch / batchJSON ────────────────────────────────────────────────────────────────────────
  { name: "batch two urls", run: (c) => c.batch([{ url: URL_, body: "one" }, { url: "https://example.com/two", body: "two" }]) },
  { name: "batch with urlGroup (nested array reply)", run: (c) => c.batch([{ urlGroup: "grp", body: "g" }, { url: URL_ }]) },
  { name: "batch with queueName", run: (c) => c.batch([{ url: URL_, queueName: "q1", body: "x" }]) },
  { name: "batch item options", run: (c) => c.batch([{ ...ALL_OPTIONS, queueName: "q2" }]) },
  { name: "batch flow control item", run: (c) => c.batch([{ url: URL_, flowControl: { key: "k", rate: 10 }, retryDelay: "1000" }]) },
  { name: "batch empty array", run: (c) => c.batch([]) },
  { name: "batchJSON bodies", run: (c) => c.batchJSON([{ url: URL_, body: { a: 1 } }, { url: URL_ }, { url: URL_, body: "s" }]) },
  { name: "batchJSON with headers", run: (c) => c.batchJSON([{ url: URL_, body: { a: 1 }, headers: { "X-Y": "z" } }]) },
  { name: "batchJSON api resend", run: (c, lib) => c.batchJSON([{ api: { name: "email", provider: lib.resend({ token: "re_1" }) }, body: { to: "x" } }]) },
  { name: "batchJSON api llm openai", run: (c, lib) => c.batchJSON([{ api: { name: "llm", provider: lib.openai({ token: "sk" }) }, body: {}, callback: "https://example.com/cb" }]) },
  { name: "batch single object reply wrapped", run: (c) => c.batch([{ url: URL_ }]), respond: { status: 201, headers: { "content-type": "application/json" }, body: '{"messageId":"only"}' } },

  // ── queues ───────────────────────────────────────────────────────────────────────────────────
  { name: "queue upsert defaults", run: (c) => c.queue({ queueName: "q1" }).upsert({}) },
  { name: "queue upsert parallelism paused", run: (c) => c.queue({ queueName: "q1" }).upsert({ parallelism: 4, paused: true }) },
  { name: "queue get", run: (c) => c.queue({ queueName: "q1" }).get() },
  { name: "queue list", run: (c) => c.queue().list() },
  { name: "queue delete", run: (c) => c.queue({ queueName: "q1" }).delete() },
  { name: "queue pause", run: (c) => c.queue({ queueName: "q1" }).pause() },
  { name: "queue resume", run: (c) => c.queue({ queueName: "q1" }).resume() },
  { name: "queue enqueue", run: (c) => c.queue({ queueName: "q1" }).enqueue({ url: URL_, body: "e" }) },
  { name: "queue enqueue every option", run: (c) => c.queue({ queueName: "q1" }).enqueue({ ...ALL_OPTIONS }) },
  { name: "queue enqueue urlGroup", run: (c) => c.queue({ queueName: "q1" }).enqueue({ urlGroup: "grp" }) },
  { name: "queue enqueueJSON", run: (c) => c.queue({ queueName: "q1" }).enqueueJSON({ url: URL_, body: { x: 1 }, redact: { body: true } }) },
  { name: "queue enqueueJSON api openai", run: (c, lib) => c.queue({ queueName: "q1" }).enqueueJSON({ api: { name: "llm", provider: lib.openai({ token: "sk" }) }, body: {}, callback: "https://example.com/cb" }) },
  { name: "queue without name throws", run: (c) => c.queue().get() },
  { name: "queue without name upsert throws", run: (c) => c.queue({}).upsert({ parallelism: 1 }) },

  // ── messages ─────────────────────────────────────────────────────────────────────────────────
  { name: "messages get", run: (c) => c.messages.get("msg_1") },
  { name: "messages get empty id throws", run: (c) => c.messages.get("") },
  { name: "messages get without rate", run: (c) => c.messages.get("m"), respond: { status: 200, headers: { "content-type": "application/json" }, body: '{"messageId":"m","url":"https://e.com","createdAt":1}' } },
  { name: "messages cancel id", run: (c) => c.messages.cancel("msg_1") },
  { name: "messages cancel empty id throws", run: (c) => c.messages.cancel("") },
  { name: "messages cancel ids", run: (c) => c.messages.cancel(["m1", "m2"]) },
  { name: "messages cancel [] sends nothing", run: (c) => c.messages.cancel([]) },
  { name: "messages cancel filter", run: (c) => c.messages.cancel({ filter: FILTER }) },
  { name: "messages cancel filter + count", run: (c) => c.messages.cancel({ filter: { label: "x" }, count: 5 }) },
  { name: "messages cancel all", run: (c) => c.messages.cancel({ all: true }) },
  { name: "messages cancel all count", run: (c) => c.messages.cancel({ all: true, count: 50 }) },
  { name: "messages cancel filter empty array throws", run: (c) => c.messages.cancel({ filter: { label: [] } }) },
  { name: "messages delete (deprecated)", run: (c) => c.messages.delete("msg_1") },
  { name: "messages deleteMany (deprecated)", run: (c) => c.messages.deleteMany(["a", "b", "c"]) },
  { name: "messages deleteAll (deprecated)", run: (c) => c.messages.deleteAll() },

  // ── schedules ────────────────────────────────────────────────────────────────────────────────
  { name: "schedules create minimal", run: (c) => c.schedules.create({ destination: URL_, cron: "*/5 * * * *" }) },
  { name: "schedules create urlGroup destination", run: (c) => c.schedules.create({ destination: "grp", cron: "0 * * * *", body: "b" }) },
  {
    name: "schedules create every option",
    run: (c) => c.schedules.create({
      destination: URL_, cron: "0 0 * * *", body: "{\"a\":1}", method: "PATCH", delay: 30, retries: 2, retryDelay: "1000",
      callback: "https://example.com/cb", failureCallback: "https://example.com/f", timeout: 12, scheduleId: "scd_custom",
      queueName: "q9", flowControl: { key: "fk", parallelism: 1, period: 10 }, label: ["s1", "s2"], redact: { header: true },
      headers: { "X-S": "1", "Content-Type": "text/plain" },
    }),
  },
  { name: "schedules create delay string", run: (c) => c.schedules.create({ destination: URL_, cron: "* * * * *", delay: "2h", timeout: "5s", label: "one" }) },
  { name: "schedules create flowControl key only throws", run: (c) => c.schedules.create({ destination: URL_, cron: "* * * * *", flowControl: { key: "k" } }) },
  { name: "schedules get", run: (c) => c.schedules.get("scd_1") },
  { name: "schedules get empty id throws", run: (c) => c.schedules.get("") },
  { name: "schedules list", run: (c) => c.schedules.list() },
  { name: "schedules delete", run: (c) => c.schedules.delete("scd_1") },
  { name: "schedules delete empty id throws", run: (c) => c.schedules.delete("") },
  { name: "schedules pause", run: (c) => c.schedules.pause({ schedule: "scd_1" }) },
  { name: "schedules resume", run: (c) => c.schedules.resume({ schedule: "scd_1" }) },

  // ── url groups / topics ──────────────────────────────────────────────────────────────────────
  { name: "urlGroups addEndpoints", run: (c) => c.urlGroups.addEndpoints({ name: "grp", endpoints: [{ url: "https://a.com" }, { name: "b", url: "https://b.com" }] }) },
  { name: "urlGroups removeEndpoints", run: (c) => c.urlGroups.removeEndpoints({ name: "grp", endpoints: [{ name: "b" }, { url: "https://a.com" }] }) },
  { name: "urlGroups list", run: (c) => c.urlGroups.list() },
  { name: "urlGroups get", run: (c) => c.urlGroups.get("grp") },
  { name: "urlGroups get empty throws", run: (c) => c.urlGroups.get("") },
  { name: "urlGroups delete", run: (c) => c.urlGroups.delete("grp") },
  { name: "urlGroups delete empty throws", run: (c) => c.urlGroups.delete("") },
  { name: "topics alias get", run: (c) => c.topics.get("grp") },

  // ── dlq ──────────────────────────────────────────────────────────────────────────────────────
  { name: "dlq listMessages", run: (c) => c.dlq.listMessages() },
  { name: "dlq listMessages filter cursor count", run: (c) => c.dlq.listMessages({ count: 10, cursor: "cur_0", filter: { messageId: "m", url: "https://e.com", urlGroup: "g", scheduleId: "s", queueName: "q", callerIp: "1.1.1.1", label: "l", flowControlKey: "f", fromDate: 1, toDate: new Date(2), responseStatus: 500, api: "x" } }) },
  { name: "dlq listMessages dlqIds", run: (c) => c.dlq.listMessages({ dlqIds: ["d1", "d2"] }) },
  { name: "dlq listMessages dlqIds string", run: (c) => c.dlq.listMessages({ dlqIds: "d1", count: 3 }) },
  { name: "dlq listMessages filter array", run: (c) => c.dlq.listMessages({ filter: { label: ["a", "b"], url: ["https://a.com", "https://b.com"] } }) },
  { name: "dlq delete id", run: (c) => c.dlq.delete("dlq_1") },
  { name: "dlq delete empty id throws", run: (c) => c.dlq.delete("") },
  { name: "dlq delete ids", run: (c) => c.dlq.delete(["d1", "d2"]) },
  { name: "dlq delete [] sends nothing", run: (c) => c.dlq.delete([]) },
  { name: "dlq delete {dlqIds}", run: (c) => c.dlq.delete({ dlqIds: ["d1"] }) },
  { name: "dlq delete {dlqIds: []} throws", run: (c) => c.dlq.delete({ dlqIds: [] }) },
  { name: "dlq delete filter", run: (c) => c.dlq.delete({ filter: { url: "https://e.com", label: "l", responseStatus: 404 }, count: 20, cursor: "c1" }) },
  { name: "dlq delete all", run: (c) => c.dlq.delete({ all: true }) },
  { name: "dlq deleteMany (deprecated)", run: (c) => c.dlq.deleteMany({ dlqIds: ["d1", "d2"] }) },
  { name: "dlq retry id", run: (c) => c.dlq.retry("dlq_1") },
  { name: "dlq retry ids", run: (c) => c.dlq.retry(["d1", "d2"]) },
  { name: "dlq retry [] sends nothing", run: (c) => c.dlq.retry([]) },
  { name: "dlq retry all cursor", run: (c) => c.dlq.retry({ all: true, count: 5, cursor: "c9" }) },
  { name: "dlq retry filter", run: (c) => c.dlq.retry({ filter: { queueName: "q", fromDate: new Date(5) } }) },

  // ── logs / events ────────────────────────────────────────────────────────────────────────────
  { name: "logs no args", run: (c) => c.logs() },
  { name: "logs count cursor", run: (c) => c.logs({ count: 10, cursor: "1735689600000" }) },
  { name: "logs numeric cursor", run: (c) => c.logs({ cursor: 1735689600000 }) },
  { name: "logs filter every field", run: (c) => c.logs({ filter: { ...FILTER, state: "DELIVERED", messageId: "m1", api: "dropped" } }) },
  { name: "logs filter multi label", run: (c) => c.logs({ filter: { label: ["a", "b"] } }) },
  { name: "logs filter count overrides root count", run: (c) => c.logs({ count: 5, filter: { count: 9 } }) },
  { name: "logs messageIds", run: (c) => c.logs({ messageIds: ["m1", "m2"], count: 2 }) },
  { name: "logs filter empty array throws", run: (c) => c.logs({ filter: { label: [] } }) },
  { name: "events (deprecated)", run: (c) => c.events({ filter: { state: "ERROR" } }) },

  // ── flow control ─────────────────────────────────────────────────────────────────────────────
  { name: "flowControl get", run: (c) => c.flowControl.get("fck") },
  { name: "flowControl get empty throws", run: (c) => c.flowControl.get("") },
  { name: "flowControl getGlobalParallelism", run: (c) => c.flowControl.getGlobalParallelism() },
  { name: "flowControl pause", run: (c) => c.flowControl.pause("fck") },
  { name: "flowControl resume", run: (c) => c.flowControl.resume("fck") },
  { name: "flowControl pin all", run: (c) => c.flowControl.pin("fck", { parallelism: 3, rate: 10, period: 60 }) },
  { name: "flowControl pin partial", run: (c) => c.flowControl.pin("fck", { rate: 1 }) },
  { name: "flowControl pin, key that is not a plain path segment", run: (c) => c.flowControl.pin("a b/../é?x=1", { parallelism: 2 }) },
  { name: "flowControl unpin", run: (c) => c.flowControl.unpin("fck", { parallelism: true, rate: false }) },
  { name: "flowControl unpin partial", run: (c) => c.flowControl.unpin("fck", { rate: true }) },
  { name: "flowControl resetRate", run: (c) => c.flowControl.resetRate("fck") },

  // ── client.http: the requester itself (the official's public HttpClient) ─────────────────────
  { name: "http.request GET with array, Date and undefined query values", run: (c) => c.http.request({ path: ["v2", "events"], query: { messageIds: ["m1", "m2"], toDate: new Date(1735776000000), count: 5, skip: undefined } }) },
  { name: "http.request POST with headers and body, no JSON parse", run: (c) => c.http.request({ path: ["v2", "queues"], method: "POST", headers: { "Content-Type": "application/json", "X-Extra": "1" }, body: '{"queueName":"q","parallelism":2}', parseResponseAsJson: false }) },
  { name: "http.request own Authorization and another baseUrl", run: (c) => c.http.request({ path: ["v2", "keys"], headers: { Authorization: "Bearer other" }, baseUrl: c.http.baseUrl + "/proxy" }) },
  { name: "http.request empty array query throws", run: (c) => c.http.request({ path: ["v2", "events"], query: { label: [] } }) },
  { name: "http.request error status", run: (c) => c.http.request({ path: ["v2", "queues", "nope"] }), respond: errorReply(404, '{"error":"queue not found"}') },

  // ── error responses ──────────────────────────────────────────────────────────────────────────
  { name: "error 400 publish (text body)", run: (c) => c.publish({ url: URL_ }), respond: errorReply(400, '{"error":"invalid destination url"}') },
  { name: "error 401 empty body", run: (c) => c.messages.get("m"), respond: errorReply(401) },
  { name: "error 404 messages get", run: (c) => c.messages.get("nope"), respond: errorReply(404, '{"error":"message not found"}') },
  { name: "error 404 on void endpoint", run: (c) => c.queue({ queueName: "q" }).delete(), respond: errorReply(404, '{"error":"queue not found"}') },
  { name: "error 500 plain text", run: (c) => c.schedules.list(), respond: errorReply(500, "internal") },
  { name: "error 412 batch", run: (c) => c.batch([{ url: URL_ }]), respond: errorReply(412, '{"error":"quota"}') },
  { name: "error 429 burst", run: (c) => c.publish({ url: URL_ }), respond: errorReply(429, "", { "Burst-RateLimit-Limit": "100", "Burst-RateLimit-Remaining": "0", "Burst-RateLimit-Reset": "1735689600" }) },
  { name: "error 429 daily", run: (c) => c.publishJSON({ url: URL_, body: {} }), respond: errorReply(429, '{"error":"daily"}', { "RateLimit-Limit": "500", "RateLimit-Remaining": "0", "RateLimit-Reset": "1735776000" }) },
  { name: "error 429 chat", run: (c) => c.publish({ url: URL_ }), respond: errorReply(429, "", { "x-ratelimit-limit-requests": "10", "x-ratelimit-limit-tokens": "1000", "x-ratelimit-remaining-requests": "0", "x-ratelimit-remaining-tokens": "5", "x-ratelimit-reset-requests": "1s", "x-ratelimit-reset-tokens": "2s" }) },
  { name: "error 429 without headers", run: (c) => c.dlq.listMessages(), respond: errorReply(429, "slow down") },
  { name: "error 429 on management call", run: (c) => c.flowControl.pause("k"), respond: errorReply(429, "", { "RateLimit-Limit": "1" }) },
  { name: "non-JSON success body rejects like the official", run: (c) => c.messages.get("m"), respond: { status: 200, headers: {}, body: "not json" } },
];
