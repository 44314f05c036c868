// The rest of @upstash/qstash's public surface, written in plain JS because none of it is worth a
// trip through wasm: decodeBase64, formatWorkflowError, setupAnalytics, the provider classes and
// factories (whose rules are the wasm core's), the deprecated Chat and Workflow APIs behind
// `client.chat()` / `client.workflow`, and startDevServer (which starts *our* qstash-dev, never
// the official's binary). Names, argument shapes, results, thrown classes and console lines
// follow the official SDK (2.12.0) unless a comment says otherwise.

import { QstashChatRatelimitError, QstashDailyRatelimitError, QstashEmptyArrayError, QstashError, QstashRatelimitError } from "./errors.js";
import { devModeFromEnv, envVar } from "./env.js";

// ── decodeBase64, formatWorkflowError, setupAnalytics ───────────────────────────────────────────

/**
 * Decodes base64 to text as UTF-8 (`atob` alone would give one char per byte). Falls back to
 * `atob`'s result, then to the input itself, with the official's warnings; never throws.
 */
export function decodeBase64(base64) {
  try {
    const binString = atob(base64);
    const bytes = Uint8Array.from(binString, (m) => m.codePointAt(0));
    return new TextDecoder().decode(bytes);
  } catch (error) {
    try {
      const result = atob(base64);
      console.warn(`Upstash QStash: Failed while decoding base64 "${base64}". Decoding with atob and returning it instead. ${error}`);
      return result;
    } catch (error2) {
      console.warn(`Upstash QStash: Failed to decode base64 "${base64}" with atob. Returning it as it is. ${error2}`);
      return base64;
    }
  }
}

/** `{ error: name, message }` of an `Error`, or a generic payload for anything else thrown. */
export const formatWorkflowError = (error) =>
  error instanceof Error
    ? { error: error.name, message: error.message }
    : { error: "Error", message: "An error occured while executing workflow." };

/** The base URL and headers that route an LLM call through an analytics proxy (Helicone). */
export const setupAnalytics = (analytics, providerApiKey, providerBaseUrl, provider) => {
  if (!analytics) return {};
  switch (analytics.name) {
    case "helicone":
      return provider === "upstash"
        ? {
            baseURL: "https://qstash.helicone.ai/llm/v1/chat/completions",
            defaultHeaders: { "Helicone-Auth": `Bearer ${analytics.token}`, Authorization: `Bearer ${providerApiKey}` },
          }
        : {
            baseURL: "https://gateway.helicone.ai/v1/chat/completions",
            defaultHeaders: {
              "Helicone-Auth": `Bearer ${analytics.token}`,
              "Helicone-Target-Url": providerBaseUrl,
              Authorization: `Bearer ${providerApiKey}`,
            },
          };
    default:
      throw new Error("Unknown analytics provider");
  }
};

// ── Providers: openai(), anthropic(), custom(), upstash(), resend() ─────────────────────────────
// Plain classes, as in the official: their instances have its own fields in its order
// (baseUrl, token, owner, then apiKind, organization or batch, method), so spreading,
// Object.keys, JSON and structuredClone see the same, and fields can be assigned. `getUrl`
// goes through `this.getRoute()` as the official's does (a subclass overriding one sees it in
// the other). The rules themselves (routes, headers, the Helicone rewrite, base URLs and
// custom()'s trimming) are the wasm core's `api::Provider`, reached through the glue's internal
// `__provider*` functions (src/js/providers.rs); the Client calls these methods, as the
// official's getProviderInfo does.

// The wasm glue, set by installCompat (each entry file calls it before any user code runs).
let core;

class BaseProvider {
  baseUrl;
  token;
  owner;
  constructor(baseUrl, token, owner) {
    this.baseUrl = baseUrl;
    this.token = token;
    this.owner = owner;
  }
  getUrl() {
    return `${this.baseUrl}/${this.getRoute().join("/")}`;
  }
}

/** An LLM provider (`upstash()`, `openai()`, `anthropic()`, `custom()`). */
export class LLMProvider extends BaseProvider {
  apiKind = "llm";
  organization;
  method = "POST";
  constructor(baseUrl, token, owner, organization) {
    super(baseUrl, token, owner);
    this.organization = organization;
  }
  getRoute() {
    return core.__providerRoute(false, this.owner, false);
  }
  // `options.analytics` is read only for the Upstash LLM, the one provider it changes (the
  // official's `this.owner === "upstash" && !options.analytics`: others accept no options).
  getHeaders(options) {
    const headers = core.__providerHeaders(false, this.owner, this.token, this.organization, this.owner === "upstash" && !!options.analytics);
    // The official puts these two in as the fields are (the rest are template strings), so a
    // non-string token or organization stays one here too.
    if ("x-api-key" in headers) headers["x-api-key"] = this.token;
    if ("OpenAI-Organization" in headers) headers["OpenAI-Organization"] = this.organization;
    return headers;
  }
  /** With `options.analytics` (Helicone), rewrites `providerInfo` in place to go through it. */
  onFinish(providerInfo, options) {
    return options.analytics ? core.__providerAnalytics(providerInfo, options.analytics) : providerInfo;
  }
}

/** An email provider (`resend()`). */
export class EmailProvider extends BaseProvider {
  apiKind = "email";
  batch;
  method = "POST";
  constructor(baseUrl, token, owner, batch) {
    super(baseUrl, token, owner);
    this.batch = batch;
  }
  getRoute() {
    return core.__providerRoute(true, this.owner, !!this.batch);
  }
  getHeaders(_options) {
    return core.__providerHeaders(true, this.owner, this.token, undefined, false);
  }
  onFinish(providerInfo, _options) {
    return providerInfo;
  }
}

const baseUrlOf = (owner, baseUrl) => core.__providerBaseUrl(owner, baseUrl);
/** The deprecated Upstash LLM; the Client fills in its own token at publish. */
export const upstash = () => new LLMProvider(baseUrlOf("upstash"), "", "upstash");
export const openai = ({ token, organization }) => new LLMProvider(baseUrlOf("openai"), token, "openai", organization);
export const anthropic = ({ token }) => new LLMProvider(baseUrlOf("anthropic"), token, "anthropic");
/** Any OpenAI-compatible API; a trailing `/v1/chat/completions` or `/chat/completions` is dropped. */
export const custom = ({ baseUrl, token }) => new LLMProvider(baseUrlOf("custom", baseUrl), token, "custom");
export const resend = ({ token, batch = false }) => new EmailProvider(baseUrlOf("resend"), token, "resend", batch);

// ── The requester behind chat() and workflow ────────────────────────────────────────────────────
// The wasm Client sends everything else from Rust, but a chat stream needs the live `Response`
// body, which that path never hands out. So this is a small JS twin of the official
// `HttpClient` for these two deprecated APIs, built from the Client's resolved settings
// (`client.__http`, see src/js/client.rs) so credentials and retry policy are the Client's own.

const LOG_PREFIX = "[Upstash QStash]";

const defaultBackoff = (retryCount) => Math.exp(retryCount) * 50;

// The official log lines hide a destination URL in the path (it may carry secrets).
function describeRequest(method, url) {
  const { origin, pathname } = new URL(url);
  const safePath = pathname.replace(/\/[a-z][\w+.-]*:\/\/.*$/i, (destination) => {
    try {
      const d = new URL(destination.slice(1));
      return `/${d.origin}${d.pathname === "/" ? "" : "/\u2026"}`;
    } catch {
      return "/<destination>";
    }
  });
  return `${method ?? "GET"} ${origin}${safePath}`;
}

function formatError(error) {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause;
  return cause instanceof Error ? `${error.message} (cause: ${cause.message})` : error.message;
}

/**
 * The official's `getResponseError`, read for read (a `fetch` mock's getters and Proxies see the
 * same reads). The wasm Client's hot path has its own copy in its glue snippet
 * (src/js/client.rs), which must not import this module: the crate's Rust API builds its glue
 * without the package's JS.
 */
async function responseError(response) {
  if (response.status === 429) {
    if (response.headers.get("x-ratelimit-limit-requests")) {
      return new QstashChatRatelimitError({
        "limit-requests": response.headers.get("x-ratelimit-limit-requests"),
        "limit-tokens": response.headers.get("x-ratelimit-limit-tokens"),
        "remaining-requests": response.headers.get("x-ratelimit-remaining-requests"),
        "remaining-tokens": response.headers.get("x-ratelimit-remaining-tokens"),
        "reset-requests": response.headers.get("x-ratelimit-reset-requests"),
        "reset-tokens": response.headers.get("x-ratelimit-reset-tokens"),
      });
    }
    if (response.headers.get("RateLimit-Limit")) {
      return new QstashDailyRatelimitError({
        limit: response.headers.get("RateLimit-Limit"),
        remaining: response.headers.get("RateLimit-Remaining"),
        reset: response.headers.get("RateLimit-Reset"),
      });
    }
    return new QstashRatelimitError({
      limit: response.headers.get("Burst-RateLimit-Limit"),
      remaining: response.headers.get("Burst-RateLimit-Remaining"),
      reset: response.headers.get("Burst-RateLimit-Reset"),
    });
  }
  if (response.status < 200 || response.status >= 300) {
    const body = await response.text();
    return new QstashError(body.length > 0 ? body : `Error: status=${response.status}`, response.status);
  }
  return undefined;
}

/**
 * A requester (`request`, `requestStream`) over `{ baseUrl, token, retries, backoff?,
 * devServer? }`; `devServer` (a client in dev mode) is awaited before each request.
 */
function requester({ baseUrl, token, retries, backoff, devServer }) {
  const attempts = retries;
  const backoffMs = backoff ?? defaultBackoff;
  const http = {
    baseUrl: baseUrl.replace(/\/$/, ""),
    authorization: `Bearer ${token}`,
    async request(request) {
      const response = await send(request);
      if (request.parseResponseAsJson === false) return undefined;
      return await response.json();
    },
    async *requestStream(request) {
      const response = await send(request);
      if (!response.body) throw new Error("No response body");
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      // Unlike the official (which splits each network read on its own), a `data:` line split
      // across two reads is joined before parsing; whole lines behave exactly the same.
      let pending = "";
      try {
        for (;;) {
          const { done, value } = await reader.read();
          pending += done ? decoder.decode() : decoder.decode(value, { stream: true });
          const lines = pending.split("\n");
          pending = done ? "" : lines.pop();
          for (const line of lines) {
            if (!line.startsWith("data: ")) continue;
            const data = line.slice(6);
            if (data === "[DONE]") return;
            yield JSON.parse(data);
          }
          if (done) return;
        }
      } finally {
        await reader.cancel();
      }
    },
  };

  async function send(request) {
    // Always one await, as the official's `await ensureDevelopmentServer(...)`: fetch is never
    // called synchronously (a test's mock sees the same timing).
    await devServer?.();
    const headers = new Headers(request.headers);
    if (!headers.has("Authorization")) headers.set("Authorization", http.authorization);
    const init = { method: request.method, headers, body: request.body, keepalive: request.keepalive };
    const url = new URL([request.baseUrl ?? http.baseUrl, ...request.path].join("/"));
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value === undefined) continue;
      if (Array.isArray(value)) {
        if (value.length === 0) throw new QstashEmptyArrayError(key);
        for (const item of value) url.searchParams.append(key, item.toString());
      } else if (value instanceof Date) {
        url.searchParams.set(key, value.getTime().toString());
      } else {
        url.searchParams.set(key, value.toString());
      }
    }
    const target = url.toString();
    const label = describeRequest(init.method, target);
    const total = attempts + 1;
    let response;
    let error;
    // Only network failures are retried; any HTTP answer ends the loop.
    for (let index = 0; index <= attempts; index++) {
      try {
        response = await fetch(target, init);
        break;
      } catch (e) {
        error = e;
        if (index < attempts) {
          const ms = backoffMs(index);
          console.warn(`${LOG_PREFIX} ${label} failed (attempt ${index + 1}/${total}), retrying in ${Math.round(ms)}ms: ${formatError(error)}`);
          await new Promise((r) => setTimeout(r, ms));
        }
      }
    }
    if (!response) {
      const finalError = error ?? new Error("Exhausted all retries");
      console.error(`${LOG_PREFIX} ${label} failed after ${total} ${total === 1 ? "attempt" : "attempts"}: ${formatError(finalError)}`);
      throw finalError;
    }
    const failure = await responseError(response);
    if (failure) {
      console.error(`${LOG_PREFIX} ${label} failed with status ${response.status}`);
      throw failure;
    }
    return response;
  }

  return http;
}

// ── Chat (deprecated in the official too) ──────────────────────────────────────────────────────

const STREAM_HEADERS = { Connection: "keep-alive", Accept: "text/event-stream", "Cache-Control": "no-cache" };

/**
 * OpenAI-style chat completions through QStash's LLM API (`upstash()`) or a third-party
 * provider (`openai`, `custom`). Obtained from `client.chat()`.
 */
export class Chat {
  http;
  token;
  constructor(http, token) {
    this.http = http;
    this.token = token;
  }

  static toChatRequest(request) {
    const messages = [
      { role: "system", content: request.system },
      { role: "user", content: request.user },
    ];
    return { ...request, messages };
  }

  create = async (request) => {
    if (request.provider.owner != "upstash") return this.createThirdParty(request);
    const body = JSON.stringify(request);
    let baseUrl;
    let headers = {
      "Content-Type": "application/json",
      Authorization: `Bearer ${this.token}`,
      ...("stream" in request && request.stream ? STREAM_HEADERS : {}),
    };
    if (request.analytics) {
      const { baseURL, defaultHeaders } = setupAnalytics(
        { name: "helicone", token: request.analytics.token },
        this.getAuthorizationToken(),
        request.provider.baseUrl,
        "upstash",
      );
      headers = { ...headers, ...defaultHeaders };
      baseUrl = baseURL;
    }
    const path = request.analytics ? [] : ["llm", "v1", "chat", "completions"];
    const call = { path, method: "POST", headers, baseUrl, body };
    return "stream" in request && request.stream ? this.http.requestStream(call) : this.http.request(call);
  };

  // The official deletes provider, system and analytics from the caller's object before
  // serialising it; kept, since code written against it may rely on (or be hurt by) that.
  createThirdParty = async (request) => {
    const { baseUrl, token, owner, organization } = request.provider;
    if (owner === "upstash") throw new Error("Upstash is not 3rd party provider!");
    delete request.provider;
    delete request.system;
    const analytics = request.analytics;
    delete request.analytics;
    const body = JSON.stringify(request);
    const analyticsOn = analytics?.name && analytics.token;
    const analyticsConfig = analyticsOn
      ? setupAnalytics({ name: analytics.name, token: analytics.token }, token, baseUrl, owner)
      : { defaultHeaders: undefined, baseURL: baseUrl };
    const isStream = "stream" in request && request.stream;
    const headers = {
      "Content-Type": "application/json",
      Authorization: `Bearer ${token}`,
      ...(organization ? { "OpenAI-Organization": organization } : {}),
      ...(isStream ? STREAM_HEADERS : {}),
      ...analyticsConfig.defaultHeaders,
    };
    return await this.http[isStream ? "requestStream" : "request"]({
      path: analyticsOn ? [] : ["v1", "chat", "completions"],
      method: "POST",
      headers,
      body,
      baseUrl: analyticsConfig.baseURL,
    });
  };

  getAuthorizationToken() {
    const match = /Bearer (.+)/.exec(String(this.http.authorization));
    if (!match) throw new Error("Invalid authorization header format");
    return match[1];
  }

  prompt = async (request) => this.create(Chat.toChatRequest(request));
}

// ── Workflow (deprecated in the official too) ──────────────────────────────────────────────────

class Workflow {
  http;
  constructor(http) {
    this.http = http;
  }

  /** `DELETE /v2/workflows/runs/{runId}?cancel=true`; resolves `true`, or throws `QstashError`. */
  async cancel(workflowRunId) {
    const result = await this.http.request({
      path: ["v2", "workflows", "runs", `${workflowRunId}?cancel=true`],
      method: "DELETE",
      parseResponseAsJson: false,
    });
    return result ?? true;
  }
}

// ── Wiring into the wasm classes ────────────────────────────────────────────────────────────────

/**
 * Adds `http`, `token`, `chat()` and `workflow` to the wasm `Client`, hands it the dev-server hook
 * (`clientDevServer`), and gives the provider classes the glue they call. Called once by each
 * entry file with the glue module; the Node and Deno entries also pass
 * `childProcess: () => import("node:child_process")`, which startDevServer spawns qstash-dev with.
 */
export function installCompat(glue, { childProcess } = {}) {
  const { Client } = glue;
  core = glue;
  loadChildProcess = childProcess;
  Client.__setDevServerHook(clientDevServer);
  // `publish` and `queue.enqueue` first ask the client's memo (src/js/options.rs `MemoSlot`)
  // whether this request reads as the last one did, and if so send that request again without
  // entering wasm: on Node, a publish that ran wasm slowed the undici code that followed it by
  // several µs more than the same work in JS (BENCHMARKS.md). Otherwise the wasm method builds
  // the request from what the memo already read. The keys are the requests' paths before the
  // destination, as the wasm methods key them (src/js/client.rs `PUBLISH_KEY`, resources.rs
  // `enqueue_key`); a queue whose name is not a non-empty string (which the wasm method
  // renders, or refuses) always goes to wasm. So does a freed object or a foreign `this`, and the
  // wasm method throws as it always has.
  const memos = new WeakMap();
  const replayFirst = (proto, method, memoOf) => {
    const wasm = proto[method];
    const value = {
      [method](request) {
        if (!this?.__wbg_ptr) return wasm.call(this, request);
        let memo = memos.get(this);
        if (memo === undefined) {
          memo = memoOf(this);
          memos.set(this, memo);
        }
        const sent = memo === null ? undefined : memo.slot.call(request, memo.key);
        return sent !== undefined ? sent : wasm.call(this, request);
      },
    }[method];
    Object.defineProperty(proto, method, { configurable: true, writable: true, value });
  };
  replayFirst(Client.prototype, "publish", (client) => ({ slot: client.__memo, key: "v2/publish" }));
  replayFirst(glue.Queue.prototype, "enqueue", (queue) => {
    const name = queue.queueName;
    return typeof name === "string" && name !== "" ? { slot: queue.__memo, key: `v2/enqueue/${name}` } : null;
  });
  Object.defineProperty(Client.prototype, "chat", {
    configurable: true,
    writable: true,
    value: function chat() {
      const settings = this.__http;
      return new Chat(requester(settings), settings.token);
    },
  });
  // The official's public HttpClient: its resolved settings plus `request`/`requestStream`,
  // for calling QStash endpoints the Client has no method for. Libraries built on the official
  // Client (such as a workflow SDK) read these fields and send through `request`.
  Object.defineProperty(Client.prototype, "http", {
    configurable: true,
    get() {
      const settings = this.__http;
      const http = requester(settings);
      const backoff = settings.backoff ?? (settings.retryOff ? () => 0 : defaultBackoff);
      http.retry = { attempts: settings.retries, backoff };
      http.headers = new Headers(settings.headers);
      http.telemetryHeaders = new Headers(settings.telemetry);
      http.devMode = settings.devMode;
      return http;
    },
  });
  // The resolved token, public on the official Client too.
  Object.defineProperty(Client.prototype, "token", {
    configurable: true,
    get() {
      return this.__http.token;
    },
  });
  Object.defineProperty(Client.prototype, "workflow", {
    configurable: true,
    get() {
      return new Workflow(requester(this.__http));
    },
  });
}

// ── startDevServer ─────────────────────────────────────────────────────────────────────────────

const DEV_TOKEN = "eyJVc2VySUQiOiJkZWZhdWx0VXNlciIsIlBhc3N3b3JkIjoiZGVmYXVsdFBhc3N3b3JkIn0=";
const DEV_CURRENT_KEY = "sig_7kYjw48mhY7kAjqNGcy6cr29RJ6r";
const DEV_NEXT_KEY = "sig_5ZB6DVzB1wjE8S6rZ7eenA8Pdnhs";
const DEV_PREFIX = "\x1B[2m[QStash Dev]\x1B[0m";
const SERVER_PREFIX = "\x1B[2m[qstash-dev]\x1B[0m";
const HEALTH_TIMEOUT_MS = 2_000;
const STARTUP_TIMEOUT_MS = 30_000;

// `node:child_process`, loaded on first use; set only by the Node and Deno entries. Any
// `import("node:…")` in this shared file, even a computed one, breaks Workers bundles (Miniflare
// rejects a dynamic specifier outright), so the browser and Workers entries never have one.
let loadChildProcess;

const processGlobal = () => globalThis.process;


function devUrl() {
  const parsed = Number.parseInt(envVar("QSTASH_DEV_PORT") ?? "", 10);
  return `http://127.0.0.1:${!Number.isNaN(parsed) && parsed > 0 ? parsed : 8080}`;
}

function runtime() {
  if (typeof navigator !== "undefined" && navigator.userAgent === "Cloudflare-Workers") return "cloudflare-workers";
  const proc = processGlobal();
  if (!proc) return "browser";
  if (!proc.release?.name) return "edge";
  return "nodejs";
}

/** `GET /v2/keys` with the dev token; with `strict`, the keys must be the dev keys too. */
async function devServerAnswers(baseUrl, strict) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), HEALTH_TIMEOUT_MS);
  try {
    const response = await fetch(`${baseUrl}/v2/keys`, { headers: { Authorization: `Bearer ${DEV_TOKEN}` }, signal: controller.signal });
    if (!response.ok) return false;
    if (!strict) return true;
    const keys = await response.json();
    return keys.current === DEV_CURRENT_KEY && keys.next === DEV_NEXT_KEY;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

function unreachableMessage(baseUrl, where) {
  const port = new URL(baseUrl).port;
  return (
    `\n${DEV_PREFIX} The dev server is not running at ${baseUrl}.\n\n` +
    `${where === "cloudflare-workers" ? "Cloudflare Workers" : "This runtime"} cannot start the dev server. ` +
    `Start qstash-dev before your app:\n\n  qstash-dev --port ${port}\n\n` +
    `(or, from a qstash-wasm checkout: cargo run -p qstash-server --bin qstash-dev -- --port ${port})\n`
  );
}

let warnedUnreachable = false;
let devServerPromise;
let child;
let cleanupRegistered = false;

function killChild() {
  if (!child) return;
  try {
    child.kill("SIGTERM");
  } catch {
    // Already gone.
  }
  child = undefined;
}

// The server lives as long as this process: stopped on exit and on SIGINT/SIGTERM (which then
// exit, as the official does, since a handler replaces Node's default of exiting).
function registerCleanup(proc) {
  if (cleanupRegistered) return;
  cleanupRegistered = true;
  proc.on?.("exit", killChild);
  for (const signal of ["SIGINT", "SIGTERM"]) {
    proc.on?.(signal, () => {
      killChild();
      proc.exit?.(0);
    });
  }
}

/** Copies the child's output line by line, prefixed; `onLine` sees each line too. */
function forward(source, destination, onLine) {
  if (!source) return;
  let buffer = "";
  const flush = (line) => {
    destination?.write(`${SERVER_PREFIX} ${line}\n`);
    onLine(line);
  };
  source.on("data", (data) => {
    buffer += data.toString();
    let i;
    while ((i = buffer.indexOf("\n")) !== -1) {
      flush(buffer.slice(0, i));
      buffer = buffer.slice(i + 1);
    }
  });
  source.on("end", () => {
    if (buffer) flush(buffer);
    buffer = "";
  });
  source.on("error", () => {});
}

function startupError(code, output, binary) {
  const text = output.replaceAll(/\u001B\[[\d;]*m/g, "").trim();
  if (/address already in use/i.test(text)) {
    const port = /:(\d+):/.exec(text);
    return `[QStash Dev] Port already in use${port ? ` on port ${port[1]}` : ""}. Set QSTASH_DEV_PORT to use a different port, or stop the process holding it.`;
  }
  return `[QStash Dev] ${binary} exited unexpectedly${code ? ` with code ${code}` : ""}${text ? `: ${text}` : ""}`;
}

async function spawnServer(baseUrl) {
  const { spawn } = await loadChildProcess();
  const proc = processGlobal();
  const binary = envVar("QSTASH_DEV_BINARY") || "qstash-dev";
  const port = new URL(baseUrl).port;
  const started = await new Promise((resolve, reject) => {
    const server = spawn(binary, ["--port", port], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    let ready = false;
    const timer = setTimeout(() => {
      server.kill();
      reject(new Error(`[QStash Dev] ${binary} did not start within ${STARTUP_TIMEOUT_MS / 1000} seconds`));
    }, STARTUP_TIMEOUT_MS);
    const keep = (line) => {
      if (!ready) output += `${line}\n`;
    };
    // qstash-dev prints "qstash-dev is running at <url>" once it listens.
    forward(server.stdout, proc.stdout, (line) => {
      keep(line);
      if (!ready && /runn+ing( at|\.)/i.test(line)) {
        ready = true;
        clearTimeout(timer);
        resolve(server);
      }
    });
    forward(server.stderr, proc.stderr, keep);
    server.on("error", (error) => {
      clearTimeout(timer);
      reject(
        new Error(
          error.code === "ENOENT"
            ? `[QStash Dev] ${binary} not found. Put qstash-dev on PATH or set QSTASH_DEV_BINARY to its path (build it with: cargo build -p qstash-server --bin qstash-dev).`
            : `[QStash Dev] Failed to start ${binary}: ${error.message}`,
        ),
      );
    });
    server.on("close", (code) => {
      if (ready) {
        // It stopped later: the next call may start a new one.
        if (child === server) child = undefined;
        devServerPromise = undefined;
        return;
      }
      clearTimeout(timer);
      reject(new Error(startupError(code, output, binary)));
    });
  });
  child = started;
  registerCleanup(proc);
  // Neither the server nor its pipes keep this process alive; exit stops the server.
  started.unref?.();
  started.stdout?.unref?.();
  started.stderr?.unref?.();
  if (!(await devServerAnswers(baseUrl, true))) {
    killChild();
    throw new Error(`[QStash Dev] ${binary} started but ${baseUrl}/v2/keys did not answer with the dev credentials`);
  }
}

async function startPipeline(baseUrl) {
  if (await devServerAnswers(baseUrl, true)) {
    console.log(`${DEV_PREFIX} Server already running at ${baseUrl}`);
    return;
  }
  await spawnServer(baseUrl);
}

/**
 * The official `ensureDevelopmentServer(undefined, devMode)`: nothing unless dev mode is on
 * (`devMode` when defined, else `QSTASH_DEV`, whose invalid values throw), nor in production.
 * Node and Deno start qstash-dev once per process when nothing answers; other runtimes ping on
 * every call and throw when the server is down.
 */
async function ensureDevServer(devMode) {
  if (!(devMode === undefined ? devModeFromEnv() : devMode)) return;
  if (envVar("NEXT_PHASE") === "phase-production-build") return;
  if (envVar("NODE_ENV") === "production") return;
  const baseUrl = devUrl();
  const where = runtime();
  if (where !== "nodejs" || !loadChildProcess) {
    if (await devServerAnswers(baseUrl, false)) return;
    if (!warnedUnreachable) {
      console.error(unreachableMessage(baseUrl, where));
      warnedUnreachable = true;
    }
    throw new Error(`${DEV_PREFIX} dev server unreachable at ${baseUrl}`);
  }
  devServerPromise ??= startPipeline(baseUrl).catch((error) => {
    devServerPromise = undefined;
    throw error;
  });
  await devServerPromise;
}

/**
 * The hook src/js/client.rs calls for a Client in dev mode: once from its constructor with
 * `background`, where, as in the official, the start is not awaited and a failure is only
 * logged; then before each request, whose promise it returns (a failure rejects the request).
 */
function clientDevServer(devMode, background) {
  const ready = ensureDevServer(devMode);
  if (!background) return ready;
  ready.catch((error) => console.warn(`${DEV_PREFIX} Could not start dev server:`, error));
}

/**
 * Makes sure a local QStash server answers at `http://127.0.0.1:${QSTASH_DEV_PORT ?? 8080}`
 * when `QSTASH_DEV` is `1`/`true` (otherwise does nothing, like the official). On Node-compatible
 * runtimes it starts qstash-dev (`QSTASH_DEV_BINARY`, else `qstash-dev` on PATH) if nothing
 * answers there, and stops it when the process exits. Never throws: failures are logged.
 */
export const startDevServer = async () => {
  try {
    await ensureDevServer();
  } catch (error) {
    console.warn(`${DEV_PREFIX} Could not start dev server:`, error);
  }
};
