// Parity of the exports beyond Client and Receiver (pkg-template/compat.js, errors.js): the
// official `@upstash/qstash` and ours must return, throw and log the same things, and `chat()` /
// `workflow` must send the same requests (recorded by tests/wire's server). Then startDevServer,
// which in ours starts our qstash-dev: it is started through it for real, reached, and seen to
// stop when its process exits.
//
// Imported by parity.test.mjs (scripts/test-parity.sh runs that file); runnable alone with
//   QSTASH_WASM_PKG=<installed package dir> node --test tests/parity/compat.test.mjs
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { once } from "node:events";
import { pathToFileURL } from "node:url";
import { ROOT, loadLibraries, startServer, eventually, runProcess } from "./harness.mjs";
import { startRecordingServer } from "../wire/server.mjs";

// loadLibraries clears every QSTASH* variable; parity.test.mjs, which imports this file, then
// calls it again and needs this one back (no client reads it).
const PKG_DIR = process.env.QSTASH_WASM_PKG;
const libs = await loadLibraries();
process.env.QSTASH_WASM_PKG = PKG_DIR;
const SIDES = ["official", "ours"];
const DEV_TOKEN = "eyJVc2VySUQiOiJkZWZhdWx0VXNlciIsIlBhc3N3b3JkIjoiZGVmYXVsdFBhc3N3b3JkIn0=";
const ERROR_CLASSES = [
  "QstashError",
  "QstashRatelimitError",
  "QstashDailyRatelimitError",
  "QstashChatRatelimitError",
  "QstashEmptyArrayError",
  "QStashWorkflowError",
  "QStashWorkflowAbort",
  "SignatureError",
];

let recorder;
before(async () => {
  recorder = await startRecordingServer();
});
after(async () => {
  await recorder?.close();
});

/** A thrown value as data: class, name, message, own fields, `instanceof` of every class. */
function describeThrown(err, lib) {
  if (!(err instanceof Error)) return { nonError: typeof err, value: String(err) };
  const own = {};
  for (const k of Object.keys(err).sort()) own[k] = err[k];
  const instanceOf = {};
  for (const cls of ERROR_CLASSES) instanceOf[cls] = err instanceof lib[cls];
  return { class: err.constructor?.name, name: err.name, message: err.message, own, instanceOf, typeError: err instanceof TypeError };
}

/** Console output as data (Error arguments described, so the two sides' classes compare). */
function captureConsole() {
  const lines = [];
  const saved = { log: console.log, warn: console.warn, error: console.error };
  for (const level of Object.keys(saved)) {
    console[level] = (...args) => lines.push([level, ...args.map((a) => (a instanceof Error ? `<${a.name}: ${a.message}>` : a))]);
  }
  return { lines, restore: () => Object.assign(console, saved) };
}

/** Runs `fn(lib)` for both libraries; returns `{ official, ours }` of `{ value | threw, console }`. */
async function both(fn) {
  const out = {};
  for (const side of SIDES) {
    const lib = libs[side];
    const cap = captureConsole();
    try {
      out[side] = { value: await fn(lib, side) };
    } catch (err) {
      out[side] = { threw: describeThrown(err, lib) };
    } finally {
      cap.restore();
    }
    out[side].console = cap.lines;
  }
  return out;
}

async function same(what, fn) {
  const { official, ours } = await both(fn);
  assert.deepStrictEqual(ours, official, what);
  return official;
}

// ── exports ──────────────────────────────────────────────────────────────────────────────────

test("compat: every export of @upstash/qstash exists in ours with the same kind", () => {
  for (const name of Object.keys(libs.official)) {
    assert.ok(name in libs.ours, `qstash-wasm lacks ${name}`);
    assert.equal(typeof libs.ours[name], typeof libs.official[name], name);
  }
});

// ── decodeBase64, formatWorkflowError, setupAnalytics ─────────────────────────────────────────

test("compat: decodeBase64 returns and warns the same", async () => {
  const inputs = [
    "",
    "aGVsbG8=",
    "aGVsbG8gw7w=", // "hello ü": UTF-8, which atob alone would mangle
    "8J+YgA==", // an emoji (4-byte UTF-8)
    "/w==", // 0xFF: not UTF-8 (decoded with a replacement character, no throw)
    "aGVsbG8", // unpadded
    "not base64!", // atob throws twice: returned as is, with a warning
    "aGVs\nbG8=", // whitespace inside
  ];
  for (const input of inputs) await same(`decodeBase64(${JSON.stringify(input)})`, (lib) => lib.decodeBase64(input));
  await same("decodeBase64(undefined)", (lib) => lib.decodeBase64(undefined));
  await same("decodeBase64(42)", (lib) => lib.decodeBase64(42));
});

test("compat: formatWorkflowError", async () => {
  class Custom extends Error {
    name = "CustomError";
  }
  const cases = {
    error: () => new Error("plain"),
    typeError: () => new TypeError("bad type"),
    custom: () => new Custom("mine"),
    emptyMessage: () => new Error(""),
    qstashError: (lib) => new lib.QstashError("api", 500),
    workflowError: (lib) => new lib.QStashWorkflowError("wf"),
    abort: (lib) => new lib.QStashWorkflowAbort("step-a"),
    string: () => "thrown string",
    undefined: () => undefined,
    null: () => null,
    errorLike: () => ({ name: "X", message: "not an Error instance" }),
  };
  for (const [name, make] of Object.entries(cases)) {
    await same(`formatWorkflowError(${name})`, (lib) => lib.formatWorkflowError(make(lib)));
  }
});

test("compat: setupAnalytics", async () => {
  const helicone = { name: "helicone", token: "hk-1" };
  const calls = {
    none: [undefined, "sk"],
    null: [null, "sk"],
    upstash: [helicone, "sk", "https://qstash.upstash.io/llm", "upstash"],
    openai: [helicone, "sk", "https://api.openai.com", "openai"],
    custom: [helicone, "sk", "https://llm.example.com", "custom"],
    noProvider: [helicone, "sk"],
    unknown: [{ name: "langsmith", token: "t" }, "sk", "https://api.openai.com", "openai"],
  };
  for (const [name, args] of Object.entries(calls)) await same(`setupAnalytics ${name}`, (lib) => lib.setupAnalytics(...args));
  await same("setupAnalytics()", (lib) => lib.setupAnalytics());
});

// ── providers driven by hand ──────────────────────────────────────────────────────────────────

test("compat: providers' getUrl, getRoute, getHeaders and onFinish, as the official's", async () => {
  const providers = {
    upstash: (lib) => lib.upstash(),
    openai: (lib) => lib.openai({ token: "sk-1" }),
    "openai with organization": (lib) => lib.openai({ token: "sk-1", organization: "org-1" }),
    anthropic: (lib) => lib.anthropic({ token: "ak-1" }),
    custom: (lib) => lib.custom({ baseUrl: "https://llm.example.com/v1/chat/completions", token: "ck-1" }),
    resend: (lib) => lib.resend({ token: "re-1" }),
    "resend batch": (lib) => lib.resend({ token: "re-1", batch: true }),
    // Off the typings, but JS callers do it: the official puts these two values in as given.
    "anthropic, a number token": (lib) => lib.anthropic({ token: 12345 }),
    "openai, a number organization": (lib) => lib.openai({ token: 12345, organization: 7 }),
    "resend, a number token": (lib) => lib.resend({ token: 12345 }),
  };
  const helicone = { analytics: { name: "helicone", token: "hk-1" } };
  for (const [name, make] of Object.entries(providers)) {
    for (const [label, options] of [["no options", {}], ["helicone", helicone], ["unknown analytics", { analytics: { name: "langsmith", token: "t" } }]]) {
      await same(`${name}, ${label}`, (lib) => {
        const p = make(lib);
        const info = { url: p.getUrl(), baseUrl: p.baseUrl, route: p.getRoute(), appendHeaders: p.getHeaders(options), owner: p.owner, method: p.method };
        const finished = p.onFinish(info, options);
        return { info: JSON.parse(JSON.stringify(finished)), same: finished === info, fields: [p.apiKind, p.owner, p.baseUrl, p.token, p.method] };
      });
    }
  }
});

const FACTORIES = {
  upstash: (lib) => lib.upstash(),
  openai: (lib) => lib.openai({ token: "sk-1" }),
  "openai with organization": (lib) => lib.openai({ token: "sk-1", organization: "org-1" }),
  anthropic: (lib) => lib.anthropic({ token: "ak-1" }),
  "custom /v1/chat/completions": (lib) => lib.custom({ baseUrl: "https://llm.example.com/v1/chat/completions", token: "ck-1" }),
  "custom /chat/completions": (lib) => lib.custom({ baseUrl: "https://llm.example.com/api/chat/completions", token: "ck-1" }),
  "custom, nothing to trim": (lib) => lib.custom({ baseUrl: "https://llm.example.com/v1/", token: "ck-1" }),
  resend: (lib) => lib.resend({ token: "re-1" }),
  "resend batch": (lib) => lib.resend({ token: "re-1", batch: true }),
  "resend batch undefined": (lib) => lib.resend({ token: "re-1", batch: undefined }),
};

/** Own properties with their descriptors, as data. */
const ownDescriptors = (o) =>
  Object.entries(Object.getOwnPropertyDescriptors(o)).map(([k, d]) => [k, d.value, d.writable, d.enumerable, d.configurable]);

test("compat: provider objects are plain objects with the official's own fields, in its order", async () => {
  for (const [name, make] of Object.entries(FACTORIES)) {
    await same(`${name}: fields`, (lib) => {
      const p = make(lib);
      const proto = Object.getPrototypeOf(p);
      const base = Object.getPrototypeOf(proto);
      return {
        keys: Object.keys(p),
        descriptors: ownDescriptors(p),
        spread: { ...p },
        entries: Object.entries(p),
        json: JSON.stringify(p),
        clone: structuredClone(p),
        assigned: Object.assign({}, p),
        classes: [proto.constructor.name, base.constructor.name, Object.getPrototypeOf(base) === Object.prototype],
        methods: [Object.getOwnPropertyNames(proto).sort(), Object.getOwnPropertyNames(base).sort()],
        instanceOfOwnClass: p instanceof proto.constructor,
      };
    });
    await same(`${name}: methods, without and with analytics`, (lib) => {
      const p = make(lib);
      const helicone = { analytics: { name: "helicone", token: "hk-1" } };
      const info = (options) => ({ url: p.getUrl(), baseUrl: p.baseUrl, route: p.getRoute(), appendHeaders: p.getHeaders(options), owner: p.owner, method: p.method });
      const plain = info({});
      const withAnalytics = info(helicone);
      const finished = p.onFinish(withAnalytics, helicone);
      return { route: p.getRoute(), url: p.getUrl(), plain, finishedPlain: p.onFinish(plain, {}), finished, sameObject: finished === withAnalytics };
    });
    await same(`${name}: getHeaders() and onFinish(info) without options`, (lib) => make(lib).getHeaders());
    await same(`${name}: onFinish(info) without options`, (lib) => make(lib).onFinish({ url: "u", route: [] }));
    await same(`${name}: fields assigned, then the methods`, (lib) => {
      const p = make(lib);
      p.baseUrl = "https://proxy.example.com/base";
      p.token = "changed";
      p.organization = "org-2";
      p.batch = true;
      const first = { url: p.getUrl(), route: p.getRoute(), headers: p.getHeaders({}) };
      p.owner = "anthropic";
      return { first, keys: Object.keys(p), json: JSON.stringify(p), url: p.getUrl(), headers: p.getHeaders({}) };
    });
  }
  // The factories' argument handling is the official's destructuring.
  for (const call of [(lib) => lib.openai(), (lib) => lib.anthropic(null), (lib) => lib.resend(), (lib) => lib.custom({ token: "t" }), (lib) => lib.custom({ baseUrl: 5, token: "t" })]) {
    await same(`factory misuse: ${call}`, call);
  }
  await same("factory with extra and odd values", (lib) => ({
    openai: { ...lib.openai({ token: 1, organization: "", extra: true }) },
    resend: { ...lib.resend({ token: null, batch: "yes" }) },
  }));
});

test("compat: provider classes can be constructed and subclassed as the official's", async () => {
  await same("new LLMProvider / new EmailProvider through the instance's constructor", (lib) => {
    const LLM = lib.openai({ token: "x" }).constructor;
    const Email = lib.resend({ token: "x" }).constructor;
    const llm = new LLM("https://llm.example.com", "t", "custom");
    const email = new Email("https://mail.example.com", "t", "resend", true);
    return { llm: { ...llm }, email: { ...email }, urls: [llm.getUrl(), email.getUrl()], headers: [llm.getHeaders({}), email.getHeaders({})] };
  });
  await same("a subclass overriding getRoute changes getUrl; one overriding getHeaders can call super", (lib) => {
    class Routed extends lib.openai({ token: "x" }).constructor {
      getRoute() {
        return ["v2", "generate"];
      }
      getHeaders(options) {
        return { ...super.getHeaders(options), "x-extra": "1" };
      }
    }
    const p = new Routed("https://api.openai.com", "sk", "openai", "org");
    return { keys: Object.keys(p), url: p.getUrl(), headers: p.getHeaders({ analytics: { name: "helicone", token: "h" } }) };
  });
  assert.equal(libs.ours.openai({ token: "x" }).constructor, libs.ours.LLMProvider);
  assert.equal(libs.ours.resend({ token: "x" }).constructor, libs.ours.EmailProvider);
});

test("compat: a provider from either package works with either Client", async () => {
  const other = (lib) => (lib === libs.ours ? libs.official : libs.ours);
  for (const [name, make] of Object.entries(FACTORIES)) {
    const email = name.startsWith("resend");
    for (const analytics of email ? [undefined] : [undefined, { name: "helicone", token: "hk-3" }]) {
      await wire(`the other package's ${name}${analytics ? " + helicone" : ""} in publishJSON`, (c, lib) =>
        c.publishJSON({ api: { name: email ? "email" : "llm", provider: make(other(lib)), analytics }, body: { m: 1 }, callback: "https://example.com/cb" }),
      );
    }
  }
});

// ── error classes ─────────────────────────────────────────────────────────────────────────────

test("compat: QStashWorkflowError and QStashWorkflowAbort: name, message, fields, instanceof", async () => {
  const stepInfo = { stepId: 2, stepName: "fetch", stepType: "Run", out: { ok: true }, concurrent: 1 };
  const make = {
    workflowError: (lib) => new lib.QStashWorkflowError("Couldn't get workflow id from header"),
    workflowErrorNoMessage: (lib) => new lib.QStashWorkflowError(),
    abort: (lib) => new lib.QStashWorkflowAbort("fetch", stepInfo),
    abortNoInfo: (lib) => new lib.QStashWorkflowAbort("sleep"),
  };
  for (const [name, fn] of Object.entries(make)) {
    await same(`throw ${name}`, (lib) => {
      throw fn(lib);
    });
    await same(`${name} status, prototype chain, stack`, (lib) => {
      const e = fn(lib);
      return {
        status: e.status,
        hasStatus: "status" in e,
        protoNames: [Object.getPrototypeOf(e).constructor.name, Object.getPrototypeOf(Object.getPrototypeOf(e)).constructor.name],
        stackStarts: e.stack.split("\n")[0],
        string: String(e),
      };
    });
  }
});

// ── Chat and workflow: the requests they send ─────────────────────────────────────────────────

const IGNORED_HEADERS = new Set(["host", "connection", "content-length"]);

/** The recorded requests as data two clients must agree on (telemetry headers ignored). */
function recorded(records) {
  return records.map((r) => ({
    method: r.method,
    path: r.path,
    search: r.search,
    headers: r.headers.filter(([n]) => !IGNORED_HEADERS.has(n) && !n.startsWith("upstash-telemetry-")).sort(),
    body: r.body,
  }));
}

/**
 * Runs `fn(client, lib)` for both sides against the recording server. `fetch` to any other
 * origin (api.openai.com, the Helicone gateways) is sent to the recorder instead, and the
 * origin it was meant for is recorded, so nothing leaves the machine.
 */
async function wire(what, fn, { replies = [], config = {} } = {}) {
  const out = {};
  const realFetch = globalThis.fetch;
  for (const side of SIDES) {
    const origins = [];
    recorder.state.records.length = 0;
    const queue = [...replies];
    globalThis.fetch = (input, init) => {
      const url = new URL(String(input));
      origins.push(url.origin === recorder.url ? "<recorder>" : url.origin);
      if (url.origin !== recorder.url) input = `${recorder.url}${url.pathname}${url.search}`;
      recorder.state.next = queue.shift() ?? { status: 200, headers: { "content-type": "application/json" }, body: '{"ok":true}' };
      return realFetch(input, init);
    };
    const lib = libs[side];
    const client = new lib.Client({ baseUrl: recorder.url, token: "tok-chat", retry: false, ...config });
    const cap = captureConsole();
    try {
      out[side] = { value: await fn(client, lib) };
    } catch (err) {
      out[side] = { threw: describeThrown(err, lib) };
    } finally {
      cap.restore();
      globalThis.fetch = realFetch;
    }
    out[side].console = cap.lines;
    out[side].origins = origins;
    out[side].requests = recorded(recorder.state.records);
  }
  assert.ok(out.official.requests.length > 0 || out.official.threw, `${what}: the official sent nothing`);
  assert.deepStrictEqual(out.ours, out.official, what);
  return out.official;
}

const json = (value, status = 200, headers = {}) => ({ status, headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(value) });
const completion = {
  id: "cmpl-1",
  object: "chat.completion",
  created: 1735689600,
  model: "gpt-3.5-turbo",
  system_fingerprint: "fp",
  choices: [{ index: 0, finish_reason: "stop", logprobs: null, message: { role: "assistant", content: "Hi there ü" } }],
  usage: { completion_tokens: 3, prompt_tokens: 5, total_tokens: 8 },
};
const chunk = (content) => ({ id: "cmpl-2", object: "chat.completion.chunk", created: 1, model: "m", choices: [{ index: 0, delta: { role: "assistant", content } }] });
const sse = {
  status: 200,
  headers: { "content-type": "text/event-stream" },
  body: `data: ${JSON.stringify(chunk("Hel"))}\n\n: a comment line\n\ndata: ${JSON.stringify(chunk("lo ü"))}\n\ndata: [DONE]\n\n`,
};
const messages = [
  { role: "system", content: "be brief" },
  { role: "user", content: "hello" },
];
const collect = async (iterable) => {
  const items = [];
  for await (const item of iterable) items.push(item);
  return items;
};

test("compat: chat().create with upstash(): path, headers, body (provider serialised), result", async () => {
  await wire("upstash", (c, lib) => c.chat().create({ provider: lib.upstash(), model: "meta-llama/Meta-Llama-3-8B-Instruct", messages }), {
    replies: [json(completion)],
  });
  await wire("upstash + stream", async (c, lib) => collect(await c.chat().create({ provider: lib.upstash(), model: "m", messages, stream: true })), {
    replies: [sse],
  });
  await wire("upstash + stream: false + sampling options", (c, lib) =>
    c.chat().create({ provider: lib.upstash(), model: "m", messages, stream: false, temperature: 0.2, max_tokens: 10, stop: ["\n"] }),
  );
  await wire("upstash + helicone analytics (gateway URL, auth from the client's token)", (c, lib) =>
    c.chat().create({ provider: lib.upstash(), model: "m", messages, analytics: { name: "helicone", token: "hk-1" } }),
  );
});

test("compat: chat().create with third-party providers", async () => {
  const custom = (lib) => lib.custom({ baseUrl: `${recorder.url}/v1/chat/completions`, token: "tok-llm" });
  await wire("custom", (c, lib) => c.chat().create({ provider: custom(lib), model: "any", messages }), { replies: [json(completion)] });
  await wire("custom + stream", async (c, lib) => collect(await c.chat().create({ provider: custom(lib), model: "any", messages, stream: true })), {
    replies: [sse],
  });
  await wire("openai with organization", (c, lib) =>
    c.chat().create({ provider: lib.openai({ token: "sk-1", organization: "org-1" }), model: "gpt-4", messages }),
  );
  await wire("openai + helicone", (c, lib) =>
    c.chat().create({ provider: lib.openai({ token: "sk-1" }), model: "gpt-4", messages, analytics: { name: "helicone", token: "hk-2" } }),
  );
  await wire("the caller's request loses provider, system and analytics (the official deletes them)", async (c, lib) => {
    const request = { provider: custom(lib), model: "any", messages, system: "x", analytics: { name: "helicone" }, seed: 7 };
    await c.chat().create(request);
    return Object.keys(request);
  });
});

test("compat: chat().prompt", async () => {
  await wire("prompt, upstash", (c, lib) => c.chat().prompt({ provider: lib.upstash(), model: "m", system: "sys", user: "usr" }), {
    replies: [json(completion)],
  });
  await wire("prompt, custom + stream", async (c, lib) =>
    collect(
      await c.chat().prompt({ provider: lib.custom({ baseUrl: recorder.url, token: "t" }), model: "m", system: "sys", user: "usr", stream: true }),
    ),
  { replies: [sse] });
});

test("compat: chat() errors: statuses, rate limits, misuse", async () => {
  const req = (lib) => ({ provider: lib.upstash(), model: "m", messages });
  await wire("500 with a body", (c, lib) => c.chat().create(req(lib)), { replies: [{ status: 500, headers: {}, body: "upstream broke" }] });
  await wire("503 without a body", (c, lib) => c.chat().create(req(lib)), { replies: [{ status: 503, headers: {}, body: "" }] });
  await wire("429 chat limits", (c, lib) => c.chat().create(req(lib)), {
    replies: [
      json({ error: "limited" }, 429, {
        "x-ratelimit-limit-requests": "10",
        "x-ratelimit-limit-tokens": "1000",
        "x-ratelimit-remaining-requests": "0",
        "x-ratelimit-remaining-tokens": "5",
        "x-ratelimit-reset-requests": "1s",
        "x-ratelimit-reset-tokens": "2s",
      }),
    ],
  });
  await wire("429 daily", (c, lib) => c.chat().create(req(lib)), {
    replies: [{ status: 429, headers: { "ratelimit-limit": "500", "ratelimit-remaining": "0", "ratelimit-reset": "9" }, body: "" }],
  });
  await wire("429 burst", (c, lib) => c.chat().create(req(lib)), { replies: [{ status: 429, headers: {}, body: "" }] });
  await wire("a non-JSON 200", (c, lib) => c.chat().create(req(lib)), { replies: [{ status: 200, headers: {}, body: "<html>" }] });
  await wire("stream error status", async (c, lib) => collect(await c.chat().create({ ...req(lib), stream: true })), {
    replies: [{ status: 500, headers: {}, body: "nope" }],
  });
  await wire("misuse: create({})", (c) => c.chat().create({}));
  await wire("misuse: create() ", (c) => c.chat().create());
  await wire("misuse: third party provider marked upstash", (c, lib) => {
    const chat = c.chat();
    return chat.createThirdParty({ provider: lib.upstash(), model: "m", messages });
  });
  await same("Chat.toChatRequest", (lib) => lib.Chat.toChatRequest({ system: "s", user: "u", model: "m" }));
});

test("compat: client.workflow.cancel", async () => {
  await wire("cancel", (c) => c.workflow.cancel("wfr_abc-123"), { replies: [{ status: 200, headers: {}, body: "" }] });
  await wire("cancel answered with JSON (not parsed)", (c) => c.workflow.cancel("wfr_1"), { replies: [json({ deleted: 1 })] });
  await wire("cancel of an unknown run", (c) => c.workflow.cancel("wfr_missing"), {
    replies: [json({ error: "workflow run not found" }, 404)],
  });
  await wire("cancel with an id needing escapes (sent as the official joins it)", (c) => c.workflow.cancel("a b/c"));
  await wire("misuse: cancel()", (c) => c.workflow.cancel());
  await same("a fresh object per access", (lib) => {
    const c = new lib.Client({ baseUrl: recorder.url, token: "t" });
    return [c.workflow !== c.workflow, typeof c.workflow.cancel, typeof c.chat, c.chat() !== c.chat()];
  });
});

test("compat: chat()/workflow use the client's credentials: env token, custom headers ignored", async () => {
  process.env.QSTASH_TOKEN = "tok-from-env";
  process.env.QSTASH_URL = "http://placeholder.invalid";
  try {
    await wire("token and base URL from the environment (base URL via config)", (c) => c.workflow.cancel("wfr_env"), {
      config: { token: undefined },
    });
    await wire("global headers are not added to chat", (c, lib) => c.chat().create({ provider: lib.upstash(), model: "m", messages }), {
      config: { headers: { "x-global": "1" } },
    });
  } finally {
    delete process.env.QSTASH_TOKEN;
    delete process.env.QSTASH_URL;
  }
});

test("compat: chat()/workflow retry network failures with the client's retry policy", async () => {
  // A closed port: connection refused on every attempt.
  const probe = createServer();
  probe.listen(0, "127.0.0.1");
  await once(probe, "listening");
  const dead = `http://127.0.0.1:${probe.address().port}`;
  await new Promise((r) => probe.close(r));
  const out = await both(async (lib) => {
    const seen = [];
    const client = new lib.Client({ baseUrl: dead, token: "t", retry: { retries: 2, backoff: (n) => (seen.push(n), 1) } });
    try {
      await client.workflow.cancel("wfr_1");
      return { seen };
    } catch (err) {
      return { seen, threw: describeThrown(err, lib), cause: err.cause?.code };
    }
  });
  assert.deepStrictEqual(out.ours, out.official);
  assert.deepStrictEqual(out.official.value.seen, [0, 1]);
  const noRetry = await both(async (lib) => {
    let calls = 0;
    const client = new lib.Client({ baseUrl: dead, token: "t", retry: false });
    const realFetch = globalThis.fetch;
    globalThis.fetch = (...args) => (calls++, realFetch(...args));
    try {
      await client.chat().create({ provider: lib.upstash(), model: "m", messages });
    } catch (err) {
      return { calls, threw: describeThrown(err, lib) };
    } finally {
      globalThis.fetch = realFetch;
    }
    return { calls };
  });
  assert.deepStrictEqual(noRetry.ours, noRetry.official);
  assert.equal(noRetry.official.value.calls, 1);
});

// ── startDevServer ────────────────────────────────────────────────────────────────────────────

const DEV_ENV = ["QSTASH_DEV", "QSTASH_DEV_PORT", "QSTASH_DEV_BINARY", "NODE_ENV", "NEXT_PHASE"];

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

async function freePort() {
  const s = createServer();
  s.listen(0, "127.0.0.1");
  await once(s, "listening");
  const { port } = s.address();
  await new Promise((r) => s.close(r));
  return port;
}

async function answers(url) {
  try {
    const r = await fetch(`${url}/v2/keys`, { headers: { authorization: `Bearer ${DEV_TOKEN}` } });
    return r.ok ? await r.json() : null;
  } catch {
    return null;
  }
}

function qstashDevBinary() {
  const bin = process.env.QSTASH_DEV_BIN ?? join(process.env.CARGO_TARGET_DIR ?? join(ROOT, "target"), "debug", "qstash-dev");
  assert.ok(existsSync(bin), `qstash-dev not built (${bin}): cargo build -p qstash-server --bin qstash-dev`);
  return bin;
}

test("compat: startDevServer without QSTASH_DEV (or in production) does nothing, like the official", async () => {
  const port = await freePort();
  for (const env of [{}, { QSTASH_DEV: "0" }, { QSTASH_DEV: "false" }, { QSTASH_DEV: "1", NODE_ENV: "production" }, { QSTASH_DEV: "1", NEXT_PHASE: "phase-production-build" }]) {
    await withEnv({ ...env, QSTASH_DEV_PORT: String(port) }, () => same(`startDevServer with ${JSON.stringify(env)}`, (lib) => lib.startDevServer()));
    assert.equal(await answers(`http://127.0.0.1:${port}`), null, "nothing may have been started");
  }
});

// `registerQStashDev` of the nextjs subpath is `startDevServer` on both sides.
const nextjs = {
  official: await import("@upstash/qstash/nextjs"),
  ours: await import(pathToFileURL(resolve(PKG_DIR, "nextjs.js")).href),
};
const registerQStashDev = (lib, side) => nextjs[side].registerQStashDev();

test("compat: nextjs registerQStashDev without QSTASH_DEV (or in production) does nothing, like the official", async () => {
  const port = await freePort();
  for (const env of [{}, { QSTASH_DEV: "0" }, { QSTASH_DEV: "1", NODE_ENV: "production" }]) {
    await withEnv({ ...env, QSTASH_DEV_PORT: String(port) }, () => same(`registerQStashDev with ${JSON.stringify(env)}`, registerQStashDev));
    assert.equal(await answers(`http://127.0.0.1:${port}`), null, "nothing may have been started");
  }
  await withEnv({ QSTASH_DEV: "yes" }, () => same("registerQStashDev, QSTASH_DEV=yes", registerQStashDev));
});

test("compat: startDevServer with an invalid QSTASH_DEV warns and resolves, like the official", async () => {
  await withEnv({ QSTASH_DEV: "yes" }, () => same("QSTASH_DEV=yes", (lib) => lib.startDevServer()));
});

test("compat: startDevServer finds a running qstash-dev and leaves it alone (official and ours)", async () => {
  const server = await startServer();
  try {
    const port = new URL(server.url).port;
    // The official would download its own binary if the check failed: make sure it cannot.
    const keys = await answers(server.url);
    assert.deepEqual(keys, { current: "sig_7kYjw48mhY7kAjqNGcy6cr29RJ6r", next: "sig_5ZB6DVzB1wjE8S6rZ7eenA8Pdnhs" });
    const out = await withEnv({ QSTASH_DEV: "1", QSTASH_DEV_PORT: port }, () => both((lib) => lib.startDevServer()));
    const prefix = "\x1B[2m[QStash Dev]\x1B[0m";
    for (const side of SIDES) {
      assert.equal(out[side].value, undefined, side);
      assert.deepEqual(out[side].console.map(([level]) => level), ["log"], `${side} logs one line and warns nothing`);
    }
    // The same first line; the official's message adds a link to Upstash's hosted console.
    assert.equal(out.official.console[0][1].split("\n")[0], `${prefix} Server already running at http://127.0.0.1:${port}`);
    assert.equal(out.ours.console[0][1], `${prefix} Server already running at http://127.0.0.1:${port}`);
    // nextjs's registerQStashDev is the same startDevServer: it finds the check done (nothing
    // logged again), on both sides.
    const viaNext = await withEnv({ QSTASH_DEV: "1", QSTASH_DEV_PORT: port }, () => both(registerQStashDev));
    for (const side of SIDES) {
      assert.deepEqual(viaNext[side], { value: undefined, console: [] }, `${side} registerQStashDev`);
    }
  } finally {
    await server.stop();
  }
});

/** Runs `script` (ESM) in a new Node process importing our package as `lib`; resolves with its output. */
function runNode(script, env, cwd) {
  const entry = pathToFileURL(resolve(PKG_DIR, "node.js")).href;
  return runProcess(process.execPath, ["--input-type=module", "-e", `import * as lib from ${JSON.stringify(entry)};\n${script}`], { cwd, env });
}

test("compat: startDevServer starts our qstash-dev, which answers, and stops when the process exits", { timeout: 120_000 }, async () => {
  const bin = qstashDevBinary();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const cwd = mkdtempSync(join(tmpdir(), "qstash-startdev-"));
  try {
    // The script does not stop the server itself: it must go away with the process, which must
    // also exit on its own (the server and its pipes are unref'd).
    const script = `
      const out = {};
      await lib.startDevServer();
      const r = await fetch(${JSON.stringify(url)} + "/v2/keys", { headers: { authorization: "Bearer ${DEV_TOKEN}" } });
      out.keys = await r.json();
      const client = new lib.Client({ devMode: true });
      out.published = typeof (await client.publishJSON({ url: "http://127.0.0.1:9/x", body: { a: 1 } })).messageId;
      const logs = [];
      const log = console.log;
      console.log = (...a) => logs.push(a.join(" "));
      await lib.startDevServer();
      console.log = log;
      out.secondCall = logs;
      console.log("RESULT " + JSON.stringify(out));
    `;
    const run = await runNode(script, { QSTASH_DEV: "1", QSTASH_DEV_PORT: String(port), QSTASH_DEV_BINARY: bin }, cwd);
    assert.equal(run.code, 0, `exit ${run.code} ${run.signal}\n${run.stdout}\n${run.stderr}`);
    const line = run.stdout.split("\n").find((l) => l.startsWith("RESULT "));
    assert.ok(line, `no result line:\n${run.stdout}\n${run.stderr}`);
    const out = JSON.parse(line.slice("RESULT ".length));
    assert.deepEqual(out.keys, { current: "sig_7kYjw48mhY7kAjqNGcy6cr29RJ6r", next: "sig_5ZB6DVzB1wjE8S6rZ7eenA8Pdnhs" });
    assert.equal(out.published, "string");
    assert.deepEqual(out.secondCall, [], "a second call in the same process reuses the started server silently");
    assert.match(run.stdout, new RegExp(`\\[qstash-dev\\].* qstash-dev is running at ${url.replaceAll(".", "\\.")}`));
    assert.ok(existsSync(join(cwd, ".qstash-dev", "qstash.db")), "the server ran in the caller's working directory");
    await eventually("qstash-dev to stop after its parent exited", async () => (await answers(url)) === null, 15_000);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test("compat: startDevServer with a missing binary warns with guidance and resolves", async () => {
  const port = await freePort();
  const run = await runNode(
    `await lib.startDevServer(); console.log("RESOLVED");`,
    { QSTASH_DEV: "1", QSTASH_DEV_PORT: String(port), QSTASH_DEV_BINARY: "/nonexistent/qstash-dev" },
    tmpdir(),
  );
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /RESOLVED/);
  assert.match(run.stderr, /Could not start dev server/);
  assert.match(run.stderr, /\/nonexistent\/qstash-dev not found\. Put qstash-dev on PATH or set QSTASH_DEV_BINARY/);
});

test("compat: startDevServer reports a taken port and resolves", async () => {
  // Something that is not QStash holds the port: no dev keys there, and qstash-dev cannot bind.
  const holder = createServer((s) => s.destroy());
  holder.listen(0, "127.0.0.1");
  await once(holder, "listening");
  try {
    const port = holder.address().port;
    const run = await runNode(`await lib.startDevServer(); console.log("RESOLVED");`, { QSTASH_DEV: "1", QSTASH_DEV_PORT: String(port), QSTASH_DEV_BINARY: qstashDevBinary() }, tmpdir());
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /RESOLVED/);
    assert.match(run.stderr, new RegExp(`Port already in use on port ${port}\\. Set QSTASH_DEV_PORT`));
  } finally {
    await new Promise((r) => holder.close(r));
  }
});
