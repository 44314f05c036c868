//! The JS `Client`: `@upstash/qstash`'s `Client` over the platform `fetch`.
//!
//! [`Http`] is the one place that sends (the official `HttpClient`): it adds the base URL and
//! `Authorization`, encodes the query, retries network failures with the configured backoff
//! and turns error responses into the official error classes. Bodies that are not plain
//! strings (`Blob`, `FormData`, `ReadableStream`, bytes…) are handed to `fetch` untouched.
//! Successful bodies are parsed by `Response.json()` in JS — no copy through wasm memory — and
//! the official's small reshapes (`urlGroup = topicName`, …) are applied on the JS object.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use js_sys::{Array, Function, Object, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

use crate::api::{
    canonical_base, default_backoff_ms, join_path, join_plain, resolve_credentials,
    CredentialConfig, Env, HeaderMap,
};
use crate::error::{ErrorKind, RateLimit};

use super::env::JsEnv;
use super::globals::{array_items, console_warn, guarded, spread, take_thrown};
use super::options::{
    self, get, has, memo_slot, require_in, require_props, set, text, truthy, Fields, MemoSlot,
    Trace,
};
use super::resources::{
    Dlq, FlowControlApi, Messages, Queue, Schedules, SigningKeysApi, UrlGroups,
};

// The hot path in JS: fetch, check the status, parse JSON, as the official's `request` and
// `requestWithBackoff` do it, await for await (so a mock sees the same reads and the same
// timing: fetch is called a tick after the method, never synchronously). Keeping it in JS saves
// a Rust future and two wasm↔JS closures per request. It takes whatever `fetch` gives (a test's
// mock: a value that is not a promise, an object shaped like a `Response`, nothing at all), and
// only what `fetch` itself throws or rejects with is a network failure (retried). Anything else
// rejects with a `Failed` (see `failedKind`) so Rust can tell them apart: no response, a 429 or
// another error status (classified, never retried), or an error reading the body (thrown as
// is, like `await response.json()`). The error reading (`rateLimitArgs`, `errorMessage`) is
// also in compat.js's `responseError` (for `client.http`): this snippet may not import package
// modules, since the crate's Rust API builds its own glue without them. A first attempt hands
// its failure to `recover` (classification, retries) from inside: a `.catch` on its promise cost
// one more promise and tick per request. The retries call it without, so a failure rejects.
#[wasm_bindgen(inline_js = "class Failed {
  constructor(kind, value) {
    this.kind = kind;
    this.value = value;
  }
}
export function failedKind(e) {
  return e instanceof Failed ? e.kind : -1;
}
export function failedValue(e) {
  return e.value;
}
const settled = Promise.resolve();
function rethrow(e) {
  throw e;
}
export async function fetchChecked(url, init, parse, recover = rethrow) {
  try {
    // The official awaits its dev-server check first: fetch is never called synchronously.
    await settled;
    const response = await fetch(url, init);
    if (!response) throw new Failed(0, response);
    // The official's getResponseError tests, read for read (a mock's getters see the same).
    if (response.status === 429) throw new Failed(3, response);
    if (response.status < 200 || response.status >= 300) throw new Failed(1, response);
    if (!parse) return undefined;
    try {
      return await response.json();
    } catch (e) {
      throw new Failed(2, e);
    }
  } catch (e) {
    return recover(e, url, init, parse);
  }
}
export function rateLimitArgs(response) {
  if (response.headers.get(\"x-ratelimit-limit-requests\")) {
    return [2, {
      \"limit-requests\": response.headers.get(\"x-ratelimit-limit-requests\"),
      \"limit-tokens\": response.headers.get(\"x-ratelimit-limit-tokens\"),
      \"remaining-requests\": response.headers.get(\"x-ratelimit-remaining-requests\"),
      \"remaining-tokens\": response.headers.get(\"x-ratelimit-remaining-tokens\"),
      \"reset-requests\": response.headers.get(\"x-ratelimit-reset-requests\"),
      \"reset-tokens\": response.headers.get(\"x-ratelimit-reset-tokens\"),
    }];
  }
  if (response.headers.get(\"RateLimit-Limit\")) {
    return [1, {
      limit: response.headers.get(\"RateLimit-Limit\"),
      remaining: response.headers.get(\"RateLimit-Remaining\"),
      reset: response.headers.get(\"RateLimit-Reset\"),
    }];
  }
  return [0, {
    limit: response.headers.get(\"Burst-RateLimit-Limit\"),
    remaining: response.headers.get(\"Burst-RateLimit-Remaining\"),
    reset: response.headers.get(\"Burst-RateLimit-Reset\"),
  }];
}
export function responseText(response) {
  return Promise.resolve(response.text());
}
export function errorMessage(response, body) {
  return body.length > 0 ? body : `Error: status=${response.status}`;
}
let lastPacked = \"\";
let lastParts = [];
function buildInit(packed, body) {
  // Rust passes the same string object while a client sends the same headers (see
  // `LastText`), so this compare is a pointer compare and the split is done once.
  if (packed !== lastPacked) {
    lastParts = packed.split(\"\\0\");
    lastPacked = packed;
  }
  const parts = lastParts;
  const headers = new Headers();
  for (let i = 1; i + 1 < parts.length; i += 2) headers.append(parts[i], parts[i + 1]);
  const init = { method: parts[0], headers, body, keepalive: undefined };
  if (typeof ReadableStream !== \"undefined\" && body instanceof ReadableStream) init.duplex = \"half\";
  return init;
}
export function resolveUrl(joined, pairs) {
  const url = new URL(joined);
  for (const [k, v] of pairs) url.searchParams.append(k, v);
  return url.toString();
}
export function sendPacked(url, packed, body, parse, recover) {
  let init;
  try {
    init = buildInit(packed, body);
  } catch (e) {
    return Promise.reject(e);
  }
  return fetchChecked(url, init, parse, recover);
}
export function sendPackedAfter(devServer, url, packed, body, parse, recover) {
  return devServer().then(() => sendPacked(url, packed, body, parse, recover));
}
export function memoSender(devServer, recover) {
  return devServer === undefined
    ? (url, packed, body) => sendPacked(url, packed, body, true, recover)
    : (url, packed, body) => sendPackedAfter(devServer, url, packed, body, true, recover);
}
export function rejectAfter(devServer, error) {
  return devServer().then(() => Promise.reject(error));
}
const LOG_PREFIX = \"[Upstash QStash]\";
function describeRequest(method, url) {
  const { origin, pathname } = new URL(url);
  const safePath = pathname.replace(/\\/[a-z][\\w+.-]*:\\/\\/.*$/i, (destination) => {
    try {
      const d = new URL(destination.slice(1));
      return `/${d.origin}${d.pathname === \"/\" ? \"\" : \"/\\u2026\"}`;
    } catch {
      return \"/<destination>\";
    }
  });
  return `${method ?? \"GET\"} ${origin}${safePath}`;
}
function formatError(error) {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause;
  return cause instanceof Error ? `${error.message} (cause: ${cause.message})` : error.message;
}
export function logRetry(method, url, attempt, total, ms, error) {
  console.warn(`${LOG_PREFIX} ${describeRequest(method, url)} failed (attempt ${attempt}/${total}), retrying in ${Math.round(ms)}ms: ${formatError(error)}`);
}
export function logGaveUp(method, url, total, error) {
  console.error(`${LOG_PREFIX} ${describeRequest(method, url)} failed after ${total} ${total === 1 ? \"attempt\" : \"attempts\"}: ${formatError(error)}`);
}
export function logStatus(method, url, status) {
  console.error(`${LOG_PREFIX} ${describeRequest(method, url)} failed with status ${status}`);
}
")]
extern "C" {
    #[wasm_bindgen(js_name = fetchChecked)]
    fn fetch_checked(url: &str, init: &JsValue, parse: bool) -> Promise;
    /// What a `fetchChecked` rejection is: -1 for what `fetch` threw (a network failure), else
    /// a [`Failure`] discriminant; [`failed_value`] is then its value.
    #[wasm_bindgen(js_name = failedKind)]
    fn failed_kind(e: &JsValue) -> i32;
    #[wasm_bindgen(js_name = failedValue)]
    fn failed_value(e: &JsValue) -> JsValue;
    /// `[kind, args]` of the rate-limit error for a 429 (0 burst, 1 daily, 2 chat), `args` read
    /// from `response.headers.get` as the official reads them (raw values: a mock's
    /// `headers` may be a `Map`).
    #[wasm_bindgen(js_name = rateLimitArgs, catch)]
    fn rate_limit_args(response: &JsValue) -> Result<Array, JsValue>;
    /// `response.text()`, as a promise even when a mock returns the text itself.
    #[wasm_bindgen(js_name = responseText, catch)]
    fn response_text(response: &JsValue) -> Result<Promise, JsValue>;
    /// `body.length > 0 ? body : \`Error: status=${response.status}\``, the official's
    /// `QstashError` message (a `text()` that gave no string fails as it fails there).
    #[wasm_bindgen(js_name = errorMessage, catch)]
    fn error_message(response: &JsValue, body: &JsValue) -> Result<JsValue, JsValue>;
    /// `new URL(joined)` plus each query pair appended, as the official builds a URL that
    /// the Rust fast path ([`join_plain`]) does not cover: the platform's WHATWG parser costs
    /// no wasm. An unparsable URL throws the parser's `TypeError`, which the request rejects
    /// with before anything is sent, as the official's `processRequest` does.
    #[wasm_bindgen(js_name = resolveUrl, catch)]
    fn resolve_url(joined: &str, pairs: &Array) -> Result<String, JsValue>;
    /// Sends a request: `fetchChecked(url, init, parse, recover)`, its failure handed to
    /// `recover` (classification, retries). `init` is the official's, `{ method, headers: Headers, body,
    /// keepalive }` (callers' fetch mocks read it), built from `method\0name\0value…`: one
    /// string crossing instead of one per header; names are tokens and values cannot hold NUL,
    /// so the split is exact. A `ReadableStream` body gets `duplex: "half"`, without which
    /// Node's fetch refuses it. What building the init throws is the promise's rejection.
    /// One call from wasm per request: building the init was a call of its own.
    #[wasm_bindgen(js_name = sendPacked)]
    fn send_packed(
        url: &JsValue,
        packed: &JsValue,
        body: &JsValue,
        parse: bool,
        recover: &JsValue,
    ) -> Promise;
    /// [`send_packed`] once the `devServer` gate's promise has resolved (its rejection is
    /// the request's, as the official's `await ensureDevelopmentServer(...)` throws).
    #[wasm_bindgen(js_name = sendPackedAfter)]
    fn send_packed_after(
        dev_server: &Function,
        url: &JsValue,
        packed: &JsValue,
        body: &JsValue,
        parse: bool,
        recover: &JsValue,
    ) -> Promise;
    /// `(url, packed, body) => sendPacked(url, packed, body, true, recover)`, after the
    /// `devServer` gate when there is one: how a [`MemoSlot`] sends.
    #[wasm_bindgen(js_name = memoSender)]
    fn memo_sender(dev_server: &JsValue, recover: &JsValue) -> JsValue;
    /// A promise rejecting with `error` once the `devServer` gate has resolved.
    #[wasm_bindgen(js_name = rejectAfter)]
    fn reject_after(dev_server: &Function, error: &JsValue) -> Promise;
    // The official SDK's console lines for a retried, failed or rejected request (same text).
    // They run user code (the backoff's value, a thrown value's `toString`), so they `catch`:
    // what they throw rejects the request, as in the official.
    #[wasm_bindgen(js_name = logRetry, catch)]
    fn log_retry(
        method: &str,
        url: &str,
        attempt: u32,
        total: u32,
        ms: &JsValue,
        error: &JsValue,
    ) -> Result<(), JsValue>;
    #[wasm_bindgen(js_name = logGaveUp, catch)]
    fn log_gave_up(method: &str, url: &str, total: u32, error: &JsValue) -> Result<(), JsValue>;
    #[wasm_bindgen(js_name = logStatus, catch)]
    fn log_status(method: &str, url: &str, status: &JsValue) -> Result<(), JsValue>;
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    #[wasm_bindgen(catch)]
    fn set_timeout(callback: &Function, ms: &JsValue) -> Result<JsValue, JsValue>;
}

thread_local! {
    /// compat.js's `clientDevServer(devMode, background)`, registered by every entry file: the
    /// promise of `ensureDevServer(devMode)` (which spawns qstash-dev only where the entry gave
    /// it `node:child_process`), or with `background` nothing, a failure being logged. A JS
    /// hook rather than Rust: starting a process, reading its output and the module-wide
    /// "already started" promise are all host-specific. Unset (the bare glue, without an entry
    /// file), dev mode only picks the dev credentials.
    static DEV_SERVER_HOOK: RefCell<Option<Function>> = const { RefCell::new(None) };
}

/// A `QstashError` (status optional), built by the package's error classes.
pub(crate) fn qstash_error(message: &str, status: Option<u16>) -> JsValue {
    super::errors::qstash_error(message, status)
}

/// A JS `TypeError`.
pub(crate) fn type_error(message: &str) -> JsValue {
    js_sys::TypeError::new(message).into()
}

/// Core [`crate::Error`] → the JS value the official SDK would throw.
pub(crate) fn js_err(err: crate::Error) -> JsValue {
    // Only the kinds whose JS error takes Rust's message format it (the rate-limit classes
    // build their own).
    let message = match err.kind() {
        ErrorKind::RateLimited(_) | ErrorKind::EmptyArray { .. } => String::new(),
        _ => err.to_string(),
    };
    match err.into_kind() {
        ErrorKind::Api { status, .. } => qstash_error(&message, Some(status)),
        ErrorKind::RateLimited(rl) => match rl {
            RateLimit::Burst {
                limit,
                remaining,
                reset,
            } => super::errors::ratelimit_error(false, limit, remaining, reset),
            RateLimit::Daily {
                limit,
                remaining,
                reset,
            } => super::errors::ratelimit_error(true, limit, remaining, reset),
            RateLimit::Chat {
                limit_requests,
                limit_tokens,
                remaining_requests,
                remaining_tokens,
                reset_requests,
                reset_tokens,
            } => super::errors::chat_ratelimit_error([
                limit_requests,
                limit_tokens,
                remaining_requests,
                remaining_tokens,
                reset_requests,
                reset_tokens,
            ]),
        },
        ErrorKind::EmptyArray { key } => super::errors::empty_array_error(&key),
        ErrorKind::InvalidInput(_) => qstash_error(&message, None),
        ErrorKind::Type(_) => type_error(&message),
        ErrorKind::Decode(_) => js_sys::SyntaxError::new(&message).into(),
        _ => js_sys::Error::new(&message).into(),
    }
}

/// Wraps an async block into the `Promise` a JS method returns; every failure is a rejection
/// (the official methods are all `async`, so they never throw synchronously).
pub(crate) fn promise<F>(fut: F) -> Promise
where
    F: Future<Output = Result<JsValue, JsValue>> + 'static,
{
    boxed_promise(Box::pin(fut))
}

/// The one `future_to_promise` instance: generic over the future it would be monomorphised
/// (task, waker glue and closures, ~0.5-1.5 KB each) for every async method.
#[inline(never)]
fn boxed_promise(fut: Pin<Box<dyn Future<Output = Result<JsValue, JsValue>>>>) -> Promise {
    future_to_promise(Guarded(fut))
}

/// A method's future, each poll of it [`guarded`]: what the caller's code threw during a
/// poll ends the method with that error, as the official's `async` method would have thrown
/// it there. (A request built in that poll was not sent: [`Http::dispatch`] checks first.)
struct Guarded(Pin<Box<dyn Future<Output = Result<JsValue, JsValue>>>>);

impl Future for Guarded {
    type Output = Result<JsValue, JsValue>;

    fn poll(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        let _ = take_thrown();
        let out = self.0.as_mut().poll(cx);
        match take_thrown() {
            Some(e) => std::task::Poll::Ready(Err(e)),
            None => out,
        }
    }
}

/// A request body: none, a Rust string, or a JS value passed to `fetch` unchanged.
pub(crate) enum Body {
    /// No body.
    None,
    /// A string built here (JSON).
    Text(String),
    /// The caller's body (string, bytes, Blob, FormData, URLSearchParams, ReadableStream).
    Js(JsValue),
}

/// One request, as data (the official `UpstashRequest`).
pub(crate) struct Req {
    /// HTTP method.
    pub method: &'static str,
    /// Path segments, joined raw (destinations keep their `://`).
    pub path: Vec<String>,
    /// Encoded query pairs.
    pub query: Vec<(String, String)>,
    /// Headers (names lower-case).
    pub headers: HeaderMap,
    /// Body.
    pub body: Body,
    /// The error encoding the query raised (an empty array). The official throws it in
    /// `processRequest`, i.e. after awaiting the dev server, so it is held until then.
    query_error: Option<JsValue>,
    /// The request already sent: a [`MemoSlot`]'s again.
    sent: Option<Promise>,
    /// How the options were read, to remember the request by once it is made (see
    /// [`MemoSlot`]).
    trace: Option<MemoKey>,
}

impl Req {
    /// A bodiless request with no headers.
    pub(crate) fn new(method: &'static str, path: &[&str]) -> Self {
        Req {
            method,
            path: path.iter().map(|s| s.to_string()).collect(),
            query: Vec::new(),
            headers: HeaderMap::new(),
            body: Body::None,
            query_error: None,
            sent: None,
            trace: None,
        }
    }

    /// A request a [`MemoSlot`] sent again: [`Http::dispatch`] hands out its promise.
    fn sent(promise: Promise) -> Self {
        let mut req = Req::new("POST", &[]);
        req.sent = Some(promise);
        req
    }

    /// Sets the query from `q` (encoded as `processRequest` does); an encoding error is
    /// raised when the request is sent.
    pub(crate) fn set_query(&mut self, q: options::Query) {
        match q.encode() {
            Ok(pairs) => self.query = pairs,
            Err(e) => self.query_error = Some(e),
        }
    }

    /// Appends a path segment.
    pub(crate) fn seg(mut self, s: impl Into<String>) -> Self {
        self.path.push(s.into());
        self
    }

    /// A JSON body with `Content-Type: application/json`.
    pub(crate) fn json(mut self, body: String) -> Self {
        // A constant, valid header: cannot fail.
        let _ = self.headers.set("Content-Type", "application/json");
        self.body = Body::Text(body);
        self
    }
}

/// The network-retry policy (official `retry` option).
#[derive(Clone)]
struct Retry {
    /// Extra attempts after the first (0 for `retry: false`).
    attempts: u32,
    /// A user backoff function; `None` = `Math.exp(n) * 50`.
    backoff: Option<Function>,
}

impl Retry {
    /// `retry.backoff(index)`, as the official uses it: what it throws rejects the request
    /// (nothing is logged), and whatever it returns goes to `Math.round` for the log line and
    /// to `setTimeout` as is.
    fn backoff_ms(&self, retry: u32) -> Result<JsValue, JsValue> {
        match &self.backoff {
            Some(f) => f.call1(&JsValue::UNDEFINED, &JsValue::from(retry)),
            None => Ok(JsValue::from_f64(default_backoff_ms(retry))),
        }
    }
}

/// How a `fetchChecked` attempt failed (see its JS).
enum Failure {
    /// `fetch` threw or rejected: retried while attempts remain.
    Network(JsValue),
    /// `fetch` resolved to nothing: the official stops retrying and throws its last network
    /// error, or "Exhausted all retries".
    NoResponse,
    /// A 429 response: a rate-limit error class, never retried.
    RateLimited(JsValue),
    /// A response with another error status: a `QstashError`, never retried.
    Status(JsValue),
    /// Reading the body failed (not JSON): thrown as is.
    Body(JsValue),
}

impl Failure {
    fn of(rejection: JsValue) -> Self {
        match failed_kind(&rejection) {
            0 => Failure::NoResponse,
            1 => Failure::Status(failed_value(&rejection)),
            2 => Failure::Body(failed_value(&rejection)),
            3 => Failure::RateLimited(failed_value(&rejection)),
            _ => Failure::Network(rejection),
        }
    }
}

/// The attempt loop of `requestWithBackoff`, from the rejection of the first attempt (which
/// the JS fast path already made). A network failure is retried after `backoff(index)` while
/// attempts remain; any response ends the loop. Logs the official SDK's console lines.
async fn attempt_loop(
    retry: &Retry,
    url: &str,
    init: &JsValue,
    parse: bool,
    first: JsValue,
) -> Result<JsValue, JsValue> {
    let method = text(&get(init, "method"));
    let total = retry.attempts + 1;
    let mut rejection = Some(first);
    // The official's `error`: the last network failure, thrown when no response came.
    let mut last_error = JsValue::UNDEFINED;
    let mut index = 0;
    loop {
        let rejected = match rejection.take() {
            Some(e) => e,
            None => match JsFuture::from(fetch_checked(url, init, parse)).await {
                Ok(v) => return Ok(v),
                Err(e) => e,
            },
        };
        match Failure::of(rejected) {
            Failure::Network(error) => {
                last_error = error;
                if index < retry.attempts {
                    let ms = retry.backoff_ms(index)?;
                    log_retry(&method, url, index + 1, total, &ms, &last_error)?;
                    sleep(&ms).await?;
                    index += 1;
                    continue;
                }
            }
            Failure::NoResponse => {}
            Failure::RateLimited(response) => {
                let kind_args = rate_limit_args(&response)?;
                let error = super::errors::ratelimit_error_from(
                    kind_args.get(0).as_f64().unwrap_or(0.0) as u32,
                    &kind_args.get(1),
                );
                log_status(&method, url, &status_of(&response)?)?;
                return Err(error);
            }
            Failure::Status(response) => {
                let body = JsFuture::from(response_text(&response)?).await?;
                let message = error_message(&response, &body)?;
                let error = super::errors::qstash_error_raw(&message, &status_of(&response)?);
                log_status(&method, url, &status_of(&response)?)?;
                return Err(error);
            }
            Failure::Body(error) => return Err(error),
        }
        let error = if last_error.is_null() || last_error.is_undefined() {
            js_sys::Error::new("Exhausted all retries").into()
        } else {
            last_error
        };
        log_gave_up(&method, url, total, &error)?;
        return Err(error);
    }
}

/// The shared sender (official `HttpClient`).
pub(crate) struct Http {
    /// Base URL without trailing slash.
    pub base_url: String,
    /// [`canonical_base`] of `base_url`: request URLs can skip the platform's URL parser.
    plain_base: bool,
    /// The token (for `api` providers that reuse it).
    pub token: String,
    /// `Bearer <token>`.
    authorization: String,
    /// Why `authorization` is not a valid header value (a token with a newline, a NUL or a
    /// character above U+00FF): every request that does not set its own then rejects with the
    /// `Headers` TypeError before anything is sent, as the official's `headers.set` throws.
    authorization_invalid: Option<String>,
    /// Network-retry policy.
    retry: Retry,
    /// The JS function `sendPacked` calls when the first attempt fails: it classifies the
    /// failure and runs the remaining attempts. One per client, owned by the JS side so a
    /// pending request keeps it alive even if the client itself is collected.
    recover: JsValue,
    /// `prefixHeaders(new Headers(config.headers))`.
    global_headers: HeaderMap,
    /// Telemetry headers (empty values kept for `client.http`), appended on publish-family
    /// requests when non-empty.
    telemetry: Vec<(&'static str, String)>,
    /// In dev mode, `() => ensureDevServer(devMode)` (see [`DEV_SERVER_HOOK`]): every request
    /// awaits it first, as the official's `HttpClient.request` awaits
    /// `ensureDevelopmentServer`. `None` otherwise, so a request outside dev mode makes no
    /// extra call into JS.
    dev_server: Option<Function>,
    /// The JS string of the last URL sent (see [`LastText`]).
    last_url: LastText,
    /// The JS string of the last packed method and headers sent.
    last_packed: LastText,
    /// The memo of the last publish-family request made from traced options.
    slot: MemoSlot,
}

/// What a [`MemoSlot`] remembers a request by, once it is made.
struct MemoKey {
    /// The request family: `v2/publish`, `v2/enqueue/<queue>`.
    key: JsValue,
    mask: u32,
    trace: Trace,
}

/// The JS string of the last text given, handed out again while the text stays the same.
///
/// A client usually sends the same URL and headers over and over (a publish loop to one
/// destination). Passing a `&str` to JS decodes it into a new string every time, and JS then
/// splits the packed headers into a dozen more; comparing the bytes in wasm is cheaper than
/// either (1.3–3.8 µs per publish measured).
#[derive(Default)]
struct LastText(RefCell<Option<(String, JsValue)>>);

impl LastText {
    fn js(&self, text: &str) -> JsValue {
        let mut last = self.0.borrow_mut();
        match last.as_ref() {
            Some((t, js)) if t == text => js.clone(),
            _ => {
                let js = JsValue::from_str(text);
                *last = Some((text.to_owned(), js.clone()));
                js
            }
        }
    }
}

impl Http {
    fn new(
        base_url: String,
        token: String,
        retry: Retry,
        global_headers: HeaderMap,
        telemetry: Vec<(&'static str, String)>,
        dev_server: Option<Function>,
    ) -> Self {
        let policy = retry.clone();
        let recover = Closure::<dyn Fn(JsValue, String, JsValue, bool) -> Promise>::new(
            move |error: JsValue, url: String, init: JsValue, parse: bool| {
                let policy = policy.clone();
                promise(async move { attempt_loop(&policy, &url, &init, parse, error).await })
            },
        )
        .into_js_value();
        let gate = dev_server
            .as_ref()
            .map_or(JsValue::UNDEFINED, |f| f.clone().into());
        let slot = memo_slot(&memo_sender(&gate, &recover));
        Http {
            authorization_invalid: HeaderMap::new()
                .set("Authorization", &format!("Bearer {token}"))
                .err()
                .map(|e| e.to_string()),
            authorization: format!("Bearer {token}"),
            plain_base: canonical_base(&base_url),
            base_url,
            token,
            retry,
            recover,
            global_headers,
            telemetry,
            dev_server,
            last_url: LastText::default(),
            last_packed: LastText::default(),
            slot,
        }
    }

    /// `wrapWithGlobalHeaders(headers, global, telemetry)`.
    pub(crate) fn wrap_global(&self, headers: HeaderMap) -> Result<HeaderMap, JsValue> {
        // `new Headers(global)` + `set` of every request header: with no global headers that
        // is the request's (already normalised) map itself.
        let mut out = if self.global_headers.is_empty() {
            headers
        } else {
            let mut out = self.global_headers.clone();
            for (k, v) in headers.iter() {
                out.set(k, v).map_err(js_err)?;
            }
            out
        };
        // As the official's wrapWithGlobalHeaders: an empty telemetry value is not sent.
        for (k, v) in self.telemetry.iter().filter(|(_, v)| !v.is_empty()) {
            out.append(k, v).map_err(js_err)?;
        }
        Ok(out)
    }

    /// The URL, the packed method and headers (see [`send_packed`]) and the body of a request
    /// (`processRequest`), or the query's error.
    fn prepare(&self, req: &Req) -> Result<(String, String, JsValue), JsValue> {
        // As `processRequest`: the headers, then the URL, then the query.
        if let Some(message) = &self.authorization_invalid {
            if !req.headers.has("authorization") {
                return Err(type_error(message));
            }
        }
        let plain = match join_plain(&self.base_url, &req.path, &req.query) {
            Ok(url) if self.plain_base => Ok(url),
            Ok(_) => Err(join_path(&self.base_url, &req.path)),
            Err(joined) => Err(joined),
        };
        let url = match plain {
            Ok(url) => url,
            Err(joined) => {
                let pairs = Array::new();
                for (k, v) in &req.query {
                    pairs.push(&Array::of2(&JsValue::from_str(k), &JsValue::from_str(v)));
                }
                resolve_url(&joined, &pairs)?
            }
        };
        if let Some(e) = &req.query_error {
            return Err(e.clone());
        }
        let mut packed = String::with_capacity(256);
        packed.push_str(req.method);
        let mut push = |k: &str, v: &str| {
            packed.push('\0');
            packed.push_str(k);
            packed.push('\0');
            packed.push_str(v);
        };
        for (k, v) in req.headers.iter() {
            push(k, v);
        }
        if !req.headers.has("authorization") {
            push("authorization", &self.authorization);
        }
        Ok((url, packed, body_value(&req.body)))
    }

    /// The client's memo (see [`MemoSlot`]).
    pub(crate) fn slot(&self) -> &MemoSlot {
        &self.slot
    }

    /// The memo's request sent again, when `fields` read as its options did.
    fn replay(&self, fields: &Fields, key: &JsValue) -> Option<Promise> {
        let (values, mask) = fields.for_replay()?;
        let sent = self.slot.replay(values, mask, key);
        (!sent.is_undefined()).then(|| sent.unchecked_into())
    }

    /// Sends `req` and returns the JS promise directly (no Rust future on the success path):
    /// resolves to `response.json()` with `parse`, else to `undefined` without reading the
    /// body; failures go through `recover` (classification, retries). In dev mode the send
    /// (or a query's encoding error, as in the official's `processRequest`) waits for the dev
    /// server first, chained in JS so no Rust future is added for it either.
    pub(crate) fn dispatch(&self, mut req: Req, parse: bool) -> Promise {
        // What the caller's code threw while the request was built: the official would have
        // stopped there, before its dev-server wait (see `globals`).
        if let Some(e) = take_thrown() {
            return Promise::reject(&e);
        }
        if let Some(sent) = req.sent.take() {
            return sent;
        }
        let made = self.prepare(&req).map(|(url, packed, body)| {
            let url = self.last_url.js(&url);
            let packed = self.last_packed.js(&packed);
            if let Some(MemoKey { key, mask, trace }) = req.trace.take() {
                let text = trace.record.unwrap_or(JsValue::UNDEFINED);
                let values = &trace.values;
                self.slot
                    .remember(&key, mask, trace.read, values, &text, &url, &packed);
            }
            (url, packed, body)
        });
        match (made, &self.dev_server) {
            (Ok((url, packed, body)), gate) => match gate {
                None => send_packed(&url, &packed, &body, parse, &self.recover),
                Some(gate) => send_packed_after(gate, &url, &packed, &body, parse, &self.recover),
            },
            (Err(e), None) => Promise::reject(&e),
            (Err(e), Some(gate)) => reject_after(gate, &e),
        }
    }

    /// Builds a request and [`Http::dispatch`]es it; a failure to build (ours, or what the
    /// caller's code threw first, see [`guarded`]) is the promise's rejection.
    pub(crate) fn send(
        &self,
        parse: bool,
        build: impl FnOnce() -> Result<Req, JsValue>,
    ) -> Promise {
        match guarded(build) {
            Ok(req) => self.dispatch(req, parse),
            Err(e) => Promise::reject(&e),
        }
    }

    /// Sends and parses the JSON body (`response.json()`), for callers that reshape it: the
    /// [`Http::dispatch`] promise, awaited.
    pub(crate) async fn json(&self, req: Req) -> Result<JsValue, JsValue> {
        JsFuture::from(self.dispatch(req, true)).await
    }

    /// Sends and ignores the body (`parseResponseAsJson: false`).
    pub(crate) async fn void(&self, req: Req) -> Result<JsValue, JsValue> {
        JsFuture::from(self.dispatch(req, false)).await?;
        Ok(JsValue::UNDEFINED)
    }
}

/// `response.status`, read once more: the official reads it for each use, and a mock's
/// getter sees every read.
fn status_of(response: &JsValue) -> Result<JsValue, JsValue> {
    js_sys::Reflect::get(response, &JsValue::from_str("status"))
}

/// Resolves after `ms` milliseconds (`setTimeout`).
/// `await new Promise((r) => setTimeout(r, ms))`: rejects with what `setTimeout` throws.
async fn sleep(ms: &JsValue) -> Result<JsValue, JsValue> {
    let p = Promise::new(&mut |resolve, reject| {
        if let Err(e) = set_timeout(&resolve, ms) {
            let _ = reject.call1(&JsValue::UNDEFINED, &e);
        }
    });
    JsFuture::from(p).await
}

fn telemetry_headers(env: &JsEnv) -> Vec<(&'static str, String)> {
    let global = js_sys::global();
    let caches = get(&global, "caches");
    let platform = if caches.is_object() && has(&caches, "default") {
        "cloudflare"
    } else if env.var("VERCEL").is_some_and(|v| !v.is_empty()) {
        "vercel"
    } else if env.var("AWS_REGION").is_some_and(|v| !v.is_empty()) {
        "aws"
    } else {
        ""
    };
    let process = get(&global, "process");
    let bun = get(&get(&process, "versions"), "bun");
    let runtime = if truthy(&bun) {
        format!("bun@{}", text(&bun))
    } else if get(&global, "EdgeRuntime").is_string() {
        "edge-light".to_string()
    } else if let Some(v) = get(&process, "version").as_string() {
        format!("node@{v}")
    } else {
        String::new()
    };
    // All three, empty ones included, as the official's `telemetryHeaders` (`client.http`
    // shows them); the empty ones are dropped when a request is sent.
    vec![
        (
            "Upstash-Telemetry-Sdk",
            format!("qstash-wasm@{}", env!("CARGO_PKG_VERSION")),
        ),
        ("Upstash-Telemetry-Platform", platform.to_string()),
        ("Upstash-Telemetry-Runtime", runtime),
    ]
}

// The QStash client. See `client.d.ts` for the documented JS API.
#[wasm_bindgen(skip_typescript)]
pub struct Client {
    http: Rc<Http>,
    /// `config.devMode` as given, shown as `client.http.devMode` like the official's.
    dev_option: JsValue,
    /// `retry: false`, whose backoff the official shows as `() => 0`.
    retry_off: bool,
}

impl Client {
    fn from_config(config: JsValue) -> Result<Client, JsValue> {
        let env = JsEnv::current();
        // The official tests `devMode !== undefined` and then uses it as a condition, so any
        // defined value counts by truthiness (`null` is off).
        let dev_option = get(&config, "devMode");
        let dev_mode = (!dev_option.is_undefined()).then(|| truthy(&dev_option));
        // A token of another type is used as `Bearer ${token}` renders it; a base URL of
        // another type fails the official's `baseUrl.replace(...)` (unless dev mode ignores it).
        let nullish = |v: &JsValue| v.is_undefined() || v.is_null();
        let token = get(&config, "token");
        let base_url = get(&config, "baseUrl");
        let creds = resolve_credentials(
            &CredentialConfig {
                // A truthy non-string still counts as given (dev mode warns that it ignores it).
                base_url: base_url
                    .as_string()
                    .or_else(|| truthy(&base_url).then(|| text(&base_url))),
                token: (!nullish(&token)).then(|| text(&token)),
                dev_mode,
            },
            &env,
        )
        .map_err(|e| JsValue::from(js_sys::Error::new(&e.to_string())))?;
        if !creds.dev_mode && !nullish(&base_url) && base_url.as_string().is_none() {
            return Err(type_error("baseUrl.replace is not a function"));
        }
        for w in &creds.warnings {
            console_warn(w);
        }
        let disable = env
            .var("UPSTASH_DISABLE_TELEMETRY")
            .is_some_and(|v| !v.is_empty());
        let enable = !disable && get(&config, "enableTelemetry").as_bool().unwrap_or(true);
        let retry = get(&config, "retry");
        let retry_off = retry.as_bool() == Some(false);
        let (attempts, backoff) = if retry_off {
            (0, None)
        } else {
            let retries = get(&retry, "retries")
                .as_f64()
                .map(|n| n.max(0.0) as u32)
                .unwrap_or(5);
            let backoff = get(&retry, "backoff").dyn_into::<Function>().ok();
            (retries, backoff)
        };
        // `new Headers(config?.headers ?? {})`.
        let headers = get(&config, "headers");
        let headers = if headers.is_null() {
            JsValue::UNDEFINED
        } else {
            headers
        };
        let global_headers = options::prefixed_headers(&headers)?;
        // Dev mode is decided here, once: deciding per request would read `QSTASH_DEV` on
        // every publish of every client. A client in dev mode then behaves as the official
        // one: its constructor starts the dev server without waiting (a failure is only
        // logged), and each request awaits it, re-reading `QSTASH_DEV` when `devMode` is unset.
        let dev_server = if creds.dev_mode {
            DEV_SERVER_HOOK
                .with(|hook| hook.borrow().clone())
                .map(|hook| {
                    let dev_mode = dev_mode.map_or(JsValue::UNDEFINED, JsValue::from);
                    // In background mode the hook logs its own failure and returns nothing.
                    let _ = hook.call2(&JsValue::UNDEFINED, &dev_mode, &JsValue::TRUE);
                    hook.bind2(&JsValue::UNDEFINED, &dev_mode, &JsValue::FALSE)
                        .unchecked_into::<Function>()
                })
        } else {
            None
        };
        Ok(Client {
            dev_option,
            retry_off,
            http: Rc::new(Http::new(
                creds.base_url,
                creds.token,
                Retry { attempts, backoff },
                global_headers,
                if enable {
                    telemetry_headers(&env)
                } else {
                    Vec::new()
                },
                dev_server,
            )),
        })
    }
}

#[wasm_bindgen]
impl Client {
    // `new Client(config?)`: credentials from config, region or `QSTASH_URL`/`QSTASH_TOKEN`.
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue) -> Result<Client, JsValue> {
        // A throwing getter in `config` throws from the constructor, as in the official.
        guarded(|| Client::from_config(config))
    }

    // Registers the dev-server hook (see `DEV_SERVER_HOOK`). Called once by each entry file
    // through compat.js's installCompat; clients made before it never wait. Internal.
    #[wasm_bindgen(js_name = __setDevServerHook)]
    pub fn set_dev_server_hook(hook: Function) {
        DEV_SERVER_HOOK.with(|slot| *slot.borrow_mut() = Some(hook));
    }

    // URL groups.
    #[wasm_bindgen(getter, js_name = urlGroups)]
    pub fn url_groups(&self) -> UrlGroups {
        UrlGroups::new(self.http.clone())
    }

    // Deprecated alias of `urlGroups`.
    #[wasm_bindgen(getter)]
    pub fn topics(&self) -> UrlGroups {
        UrlGroups::new(self.http.clone())
    }

    // The dead-letter queue.
    #[wasm_bindgen(getter)]
    pub fn dlq(&self) -> Dlq {
        Dlq::new(self.http.clone())
    }

    // Messages.
    #[wasm_bindgen(getter)]
    pub fn messages(&self) -> Messages {
        Messages::new(self.http.clone())
    }

    // Schedules.
    #[wasm_bindgen(getter)]
    pub fn schedules(&self) -> Schedules {
        Schedules::new(self.http.clone())
    }

    // Flow control.
    #[wasm_bindgen(getter, js_name = flowControl)]
    pub fn flow_control(&self) -> FlowControlApi {
        FlowControlApi::new(self.http.clone())
    }

    // Signing keys (extension).
    #[wasm_bindgen(getter)]
    pub fn keys(&self) -> SigningKeysApi {
        SigningKeysApi::new(self.http.clone())
    }

    // The client's memo (see `MemoSlot`), which pkg-template/compat.js's `publish` asks
    // before entering wasm. Internal.
    #[wasm_bindgen(getter, js_name = __memo)]
    pub fn memo(&self) -> JsValue {
        JsValue::clone(self.http.slot())
    }

    // The resolved `{ baseUrl, token, retries, backoff?, devServer?, headers, telemetry,
    // devMode, retryOff }` (header lists as `[name, value]` pairs) for `http`, `token`, `chat()` and
    // `workflow`, which pkg-template/compat.js adds in JS: the official's HttpClient is public
    // (code and its own tests call `client.http.request(...)` and read its settings back), and
    // its Chat and Workflow send through it, so they must see the same credentials, retry
    // policy and dev-server wait. Internal.
    #[wasm_bindgen(getter, js_name = __http)]
    pub fn http_settings(&self) -> JsValue {
        let out = Object::new();
        set(&out, "baseUrl", &JsValue::from_str(&self.http.base_url));
        set(&out, "token", &JsValue::from_str(&self.http.token));
        set(&out, "retries", &JsValue::from(self.http.retry.attempts));
        if let Some(backoff) = &self.http.retry.backoff {
            set(&out, "backoff", backoff);
        }
        if let Some(gate) = &self.http.dev_server {
            set(&out, "devServer", gate);
        }
        let pairs = |it: &mut dyn Iterator<Item = (&str, &str)>| {
            let list = Array::new();
            for (k, v) in it {
                list.push(&Array::of2(&JsValue::from_str(k), &JsValue::from_str(v)));
            }
            list
        };
        set(
            &out,
            "headers",
            &pairs(&mut self.http.global_headers.iter()),
        );
        set(
            &out,
            "telemetry",
            &pairs(&mut self.http.telemetry.iter().map(|(k, v)| (*k, v.as_str()))),
        );
        set(&out, "devMode", &self.dev_option);
        set(&out, "retryOff", &JsValue::from(self.retry_off));
        out.into()
    }

    // `client.queue({ queueName })`.
    pub fn queue(&self, request: JsValue) -> Result<Queue, JsValue> {
        let name = guarded(|| Ok(get(&request, "queueName")))?;
        Ok(Queue::new(self.http.clone(), name))
    }

    // `client.publish(request)`.
    pub fn publish(&self, request: JsValue) -> Promise {
        self.http.send(true, || {
            PUBLISH_KEY
                .with(|key| publish_request(&self.http, &request, &["v2", "publish"], key, false))
        })
    }

    // `client.publishJSON(request)`.
    #[wasm_bindgen(js_name = publishJSON)]
    pub fn publish_json(&self, request: JsValue) -> Promise {
        self.http.send(true, || {
            json_request(&self.http, &request).and_then(|req| {
                PUBLISH_KEY
                    .with(|key| publish_request(&self.http, &req, &["v2", "publish"], key, true))
            })
        })
    }

    // `client.batch(requests)`.
    pub fn batch(&self, requests: JsValue) -> Promise {
        let http = self.http.clone();
        promise(async move { batch(&http, &requests, false).await })
    }

    // `client.batchJSON(requests)`.
    #[wasm_bindgen(js_name = batchJSON)]
    pub fn batch_json(&self, requests: JsValue) -> Promise {
        let http = self.http.clone();
        promise(async move {
            let out = Array::new();
            if !Array::is_array(&requests) {
                require_props(&requests, "map")?;
                return Err(type_error("request.map is not a function"));
            }
            for message in iter_array(&requests, "request")? {
                require_in(&message, "body")?;
                if has(&message, "body") {
                    // The official mutates the caller's object in place; so do we.
                    let body = json_stringify(&get(&message, "body"))?;
                    set(&message, "body", &body);
                }
                let headers = options::headers_from_init(&get(&message, "headers"))?;
                let (processed, mut headers) =
                    options::process_api(&message, headers, &http.token)?;
                headers
                    .set("Content-Type", "application/json")
                    .map_err(js_err)?;
                let copy: JsValue = if processed == message {
                    spread(&message).into()
                } else {
                    processed
                };
                set(&copy, "headers", &header_record(&headers));
                out.push(&copy);
            }
            batch(&http, &out, true).await
        })
    }

    // `client.logs(request?)`.
    pub fn logs(&self, request: JsValue) -> Promise {
        let http = self.http.clone();
        promise(async move { logs(&http, &request).await })
    }

    // Deprecated alias of `logs`.
    pub fn events(&self, request: JsValue) -> Promise {
        let http = self.http.clone();
        promise(async move { logs(&http, &request).await })
    }
}

/// A `HeaderMap` as a `{ name: value }` record (a valid `HeadersInit`, read back to the same map:
/// its names are unique and lower-case): what a JSON method's internal copy of the request
/// carries, which the record fast path reads and a replay compares (see [`MemoSlot`]).
pub(crate) fn header_record(h: &HeaderMap) -> JsValue {
    // No prototype: a header named `__proto__` is then an own property like any other.
    let record: JsValue = Object::create(JsValue::NULL.unchecked_ref::<Object>()).into();
    for (k, v) in h.iter() {
        set(&record, k, &JsValue::from_str(v));
    }
    record
}

/// `JSON.stringify(value)` (undefined stays undefined).
pub(crate) fn json_stringify(value: &JsValue) -> Result<JsValue, JsValue> {
    if value.is_undefined() {
        return Ok(JsValue::UNDEFINED);
    }
    let s = js_sys::JSON::stringify(value)?;
    Ok(s.into())
}

/// Iterates a JS array (anything else is a `TypeError`, like `for…of` on a non-iterable;
/// `name` is the official's variable, which the engine's message names).
pub(crate) fn iter_array(v: &JsValue, name: &str) -> Result<Vec<JsValue>, JsValue> {
    if !Array::is_array(v) {
        return Err(type_error(&format!("{name} is not iterable")));
    }
    Ok(array_items(v).iter().collect())
}

/// The `publishJSON`/`enqueueJSON` transformation: prefix headers, JSON content type,
/// `processApi`, `body = JSON.stringify(body)`. Returns a new request object.
pub(crate) fn json_request(http: &Http, request: &JsValue) -> Result<JsValue, JsValue> {
    require_props(request, "headers")?;
    let mut headers = options::prefixed_headers(&get(request, "headers"))?;
    headers
        .set("Content-Type", "application/json")
        .map_err(js_err)?;
    let (processed, headers) = options::process_api(request, headers, &http.token)?;
    let copy: JsValue = spread(&processed).into();
    set(&copy, "headers", &header_record(&headers));
    set(&copy, "body", &json_stringify(&get(&processed, "body"))?);
    Ok(copy)
}

thread_local! {
    /// The [`MemoSlot`] key of `publish` and `publishJSON` (pkg-template/compat.js's `publish`
    /// uses the same).
    static PUBLISH_KEY: JsValue = JsValue::from_str("v2/publish");
}

/// `publish`/`enqueue`: the `POST <prefix>/<destination>` request with the publish headers.
/// `key` names the prefix for the client's [`MemoSlot`]. `from_json`: `request` is a
/// [`json_request`] copy (see [`options::request_path`]).
pub(crate) fn publish_request(
    http: &Http,
    request: &JsValue,
    prefix: &[&str],
    key: &JsValue,
    from_json: bool,
) -> Result<Req, JsValue> {
    require_props(request, "headers")?;
    let fields = Fields::traced(request);
    if let Some(sent) = http.replay(&fields, key) {
        return Ok(Req::sent(sent));
    }
    let headers = http.wrap_global(options::publish_headers(&fields)?)?;
    let destination = options::request_path(&fields, request, from_json)?;
    let mut req = Req::new("POST", prefix).seg(destination);
    req.headers = headers;
    req.body = fields.opt("body").map_or(Body::None, Body::Js);
    let mask = fields.mask();
    req.trace = mask.zip(fields.into_trace()).map(|(mask, trace)| MemoKey {
        key: key.clone(),
        mask,
        trace,
    });
    Ok(req)
}

/// The value `fetch` gets as the body.
fn body_value(body: &Body) -> JsValue {
    match body {
        Body::None => JsValue::UNDEFINED,
        Body::Text(s) => JsValue::from_str(s),
        Body::Js(v) => v.clone(),
    }
}

async fn batch(http: &Http, requests: &JsValue, from_json: bool) -> Result<JsValue, JsValue> {
    let messages = Array::new();
    for message in iter_array(requests, "request")? {
        require_props(&message, "headers")?;
        let fields = options::Fields::of(&message);
        let headers = http.wrap_global(options::publish_headers(&fields)?)?;
        let item = Object::new();
        set(
            &item,
            "destination",
            &options::request_path_value(&fields, &message, from_json)?,
        );
        let h = Object::new();
        for (k, v) in headers.iter() {
            set(&h, k, &JsValue::from_str(v));
        }
        set(&item, "headers", &h);
        set(&item, "body", &get(&message, "body"));
        let queue = get(&message, "queueName");
        if truthy(&queue) {
            set(&item, "queue", &queue);
        }
        messages.push(&item);
    }
    let req = Req::new("POST", &["v2", "batch"]).json(options::json_text(&messages)?);
    let response = http.json(req).await?;
    if Array::is_array(&response) {
        Ok(response)
    } else {
        Ok(Array::of1(&response).into())
    }
}

/// `<owner>.<field>` of a response payload, for a `.map(...)`: the engine's TypeErrors when the
/// payload is `null` or the field is not an array (a server answering something else).
pub(crate) fn array_field(payload: &JsValue, owner: &str, field: &str) -> Result<Array, JsValue> {
    require_props(payload, field)?;
    let value = get(payload, field);
    if let Some(a) = value.dyn_ref::<Array>() {
        return Ok(a.clone());
    }
    require_props(&value, "map")?;
    Err(type_error(&format!(
        "{owner}.{field}.map is not a function"
    )))
}

/// `urlGroup = topicName` on each entry of `list`.
fn rename_url_group_each(list: &JsValue) {
    if let Some(arr) = list.dyn_ref::<Array>() {
        for entry in arr.iter() {
            let group = get(&entry, "topicName");
            set(&entry, "urlGroup", &group);
        }
    }
}

async fn logs(http: &Http, request: &JsValue) -> Result<JsValue, JsValue> {
    let request = if request.is_undefined() {
        Object::new().into()
    } else {
        require_props(request, "count")?;
        require_in(request, "messageIds")?;
        request.clone()
    };
    let mut req = Req::new("GET", &["v2", "events"]);
    req.set_query(options::list_query(&request, "messageIds"));
    let payload = http.json(req).await?;
    let logs = array_field(&payload, "responsePayload", "events")?.map(&mut |e, _, _| {
        let copy: JsValue = spread(&e).into();
        copy
    });
    rename_url_group_each(&logs);
    let out = Object::new();
    set(&out, "cursor", &get(&payload, "cursor"));
    set(&out, "logs", &logs);
    set(&out, "events", &logs);
    Ok(out.into())
}

/// Shallow copy with `urlGroup = topicName` and `ratePerSecond = rate` (when `rate` is a key),
/// as `messages.get` and `dlq.listMessages` return.
/// A payload that is not an object (a server answering `null`) fails as the official's
/// `message.topicName` and `"rate" in message` do.
pub(crate) fn reshape_message(m: &JsValue) -> Result<JsValue, JsValue> {
    require_props(m, "topicName")?;
    require_in(m, "rate")?;
    let copy: JsValue = spread(m).into();
    set(&copy, "urlGroup", &get(m, "topicName"));
    let rate = if has(m, "rate") {
        get(m, "rate")
    } else {
        JsValue::UNDEFINED
    };
    set(&copy, "ratePerSecond", &rate);
    Ok(copy)
}
