//! Pure request building for every QStash endpoint.
//!
//! Requests are data: every resource function returns an [`ApiRequest`] (or a [`Call`] that
//! may short-circuit without a request), and one place — the transport — sends it. The
//! byte-level behaviour follows `@upstash/qstash` 2.12.0:
//!
//! - path segments are joined raw (destinations are **not** percent-encoded), then the URL is
//!   normalised like `new URL(...)` ([`build_url`]);
//! - query values are encoded like `URLSearchParams` ([`form_urlencode`]), arrays repeat the
//!   key, an empty array is an error ([`ErrorKind::EmptyArray`](crate::ErrorKind::EmptyArray));
//! - headers follow WHATWG `Headers` rules ([`HeaderMap`]); publish-family requests get the
//!   client's global headers and the telemetry headers merged by the builder
//!   ([`ClientContext::wrap`]);
//! - numbers are formatted like JS ([`js_number_to_string`], [`js_to_fixed0`]).
//!
//! ```
//! use qstash_wasm::api::{publish, ClientContext, PublishRequest};
//! let ctx = ClientContext::new("https://qstash.upstash.io", "tok");
//! let req = PublishRequest { url: Some("https://example.com/".into()), label: Some("a".into()), ..Default::default() };
//! let api = publish::publish(&ctx, req).unwrap();
//! assert_eq!(api.url(&ctx.base_url), "https://qstash.upstash.io/v2/publish/https://example.com/");
//! assert_eq!(api.header("upstash-label"), Some("a"));
//! assert_eq!(api.header("upstash-method"), Some("POST"));
//! ```

mod credentials;
mod headers;
mod number;
mod response;
mod suggest;
mod url;

pub mod dlq;
pub mod filter;
pub mod flow_control;
pub mod logs;
pub mod messages;
pub mod publish;
pub mod queues;
pub mod retry;
pub mod schedules;
pub mod signing_keys;
pub mod url_groups;

pub use credentials::{
    dev_url, normalize_region, normalize_region_in, region_upper, resolve_credentials,
    should_use_dev_mode, CredentialConfig, Credentials, Env, DEFAULT_DEV_PORT, DEFAULT_QSTASH_URL,
    DEV_CURRENT_SIGNING_KEY, DEV_LOG_PREFIX, DEV_NEXT_SIGNING_KEY, DEV_TOKEN, VALID_REGIONS,
};
pub use headers::{prefix_headers, HeaderMap, HeadersInit};
pub use number::{js_json_number, js_number_to_string, js_to_fixed0};
pub use publish::{
    Analytics, Duration, FlowControl, Labels, Provider, ProviderOwner, PublishApi, PublishRequest,
    Redact, RedactHeader,
};
pub use response::{
    check_response, classify_response, finish, finish_text, reshape_log, reshape_message,
    reshape_schedule, ApiResponse, ResponseShape,
};
pub use suggest::likely_typo;
pub use url::{build_url, canonical_base, form_urlencode, join_path, join_plain};

use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use std::fmt;

use crate::error::{self, Result};

/// HTTP method of an API request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// `GET`
    Get,
    /// `POST`
    Post,
    /// `PUT`
    Put,
    /// `DELETE`
    Delete,
    /// `PATCH`
    Patch,
}

impl Method {
    /// The method name, upper-case.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
            Method::Patch => "PATCH",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A request body the core can carry. (The JS facade can pass any `BodyInit` — Blob,
/// FormData, ReadableStream — straight to the transport instead.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// UTF-8 text, sent as is.
    Text(String),
    /// Raw bytes.
    Bytes(Vec<u8>),
}

impl Body {
    /// The body bytes.
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Body::Text(s) => s.as_bytes(),
            Body::Bytes(b) => b,
        }
    }

    /// The body as text, if it is valid UTF-8.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Body::Text(s) => Some(s),
            Body::Bytes(b) => std::str::from_utf8(b).ok(),
        }
    }
}

impl From<String> for Body {
    fn from(s: String) -> Self {
        Body::Text(s)
    }
}
impl From<&str> for Body {
    fn from(s: &str) -> Self {
        Body::Text(s.to_string())
    }
}
impl From<Vec<u8>> for Body {
    fn from(b: Vec<u8>) -> Self {
        Body::Bytes(b)
    }
}

impl<'de> Deserialize<'de> for Body {
    /// A string, or bytes / an array of byte numbers.
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Body;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string body or bytes")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Body, E> {
                Ok(Body::Text(v.to_string()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> std::result::Result<Body, E> {
                Ok(Body::Text(v))
            }
            fn visit_bytes<E: de::Error>(self, v: &[u8]) -> std::result::Result<Body, E> {
                Ok(Body::Bytes(v.to_vec()))
            }
            fn visit_byte_buf<E: de::Error>(self, v: Vec<u8>) -> std::result::Result<Body, E> {
                Ok(Body::Bytes(v))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> std::result::Result<Body, A::Error> {
                let mut out = Vec::new();
                while let Some(b) = s.next_element::<u8>()? {
                    out.push(b);
                }
                Ok(Body::Bytes(out))
            }
        }
        d.deserialize_any(V)
    }
}

impl Serialize for Body {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            Body::Text(t) => s.serialize_str(t),
            Body::Bytes(b) => s.serialize_bytes(b),
        }
    }
}

/// One request to the QStash API, fully built: only base URL and `Authorization` are added
/// when sending.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiRequest {
    /// HTTP method.
    pub method: Method,
    /// Path segments, joined raw with `/` after the base URL (gotcha: destinations are not
    /// percent-encoded).
    pub path: Vec<String>,
    /// Query pairs in order; a key may repeat.
    pub query: Vec<(String, String)>,
    /// Headers as `(lower-case name, value)`, sorted by name (WHATWG `Headers` order).
    pub headers: Vec<(String, String)>,
    /// Request body.
    pub body: Option<Body>,
    /// Whether the response body is parsed as JSON (`parseResponseAsJson`).
    pub parse_json: bool,
    /// True for publish, enqueue and schedule create: the global and telemetry headers are
    /// already merged into `headers` (they never go on other endpoints, nor on the outer
    /// `/v2/batch` request).
    pub publish_family: bool,
    /// `fetch(..., { keepalive })`.
    pub keepalive: bool,
    /// How to turn the successful response into the method's result.
    pub shape: ResponseShape,
}

impl ApiRequest {
    /// A request with no query, headers or body that returns JSON.
    pub fn new(method: Method, path: &[&str]) -> Self {
        ApiRequest {
            method,
            path: path.iter().map(|s| s.to_string()).collect(),
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
            parse_json: true,
            publish_family: false,
            keepalive: false,
            shape: ResponseShape::Json,
        }
    }

    /// Sets how the response is handled (and whether it is parsed).
    pub(crate) fn with_shape(mut self, shape: ResponseShape) -> Self {
        self.parse_json = shape.parses_json();
        self.shape = shape;
        self
    }

    /// Adds a JSON body with `Content-Type: application/json`.
    pub(crate) fn with_json_body(mut self, json: String) -> Self {
        let pos = self
            .headers
            .binary_search_by(|(n, _)| n.as_str().cmp("content-type"))
            .unwrap_or_else(|p| p);
        self.headers
            .insert(pos, ("content-type".into(), "application/json".into()));
        self.body = Some(Body::Text(json));
        self
    }

    /// The full URL against `base` (already stripped of its trailing `/`).
    pub fn url(&self, base: &str) -> String {
        build_url(base, &self.path, &self.query)
    }

    /// A header's value (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The headers actually sent: `Authorization: Bearer <token>` is added unless the request
    /// already carries an `Authorization` header.
    pub fn wire_headers(&self, token: &str) -> Vec<(String, String)> {
        let mut h = self.headers.clone();
        if self.header("authorization").is_none() {
            let pos = h
                .binary_search_by(|(n, _)| n.as_str().cmp("authorization"))
                .unwrap_or_else(|p| p);
            // Trimmed like any `Headers` value: an empty token sends `Bearer`.
            let value = format!("Bearer {token}").trim().to_string();
            h.insert(pos, ("authorization".into(), value));
        }
        h
    }
}

/// A built call: either a request to send, or a result known without any request (e.g.
/// `messages.cancel([])` → `{cancelled: 0}`).
#[derive(Debug, Clone, PartialEq)]
pub enum Call {
    /// Send this request.
    Send(ApiRequest),
    /// Return this value; nothing is sent.
    Done(serde_json::Value),
}

impl Call {
    /// The request, if one must be sent.
    pub fn request(&self) -> Option<&ApiRequest> {
        match self {
            Call::Send(r) => Some(r),
            Call::Done(_) => None,
        }
    }
}

/// The SDK name we report in `Upstash-Telemetry-Sdk`.
pub const TELEMETRY_SDK: &str = concat!("qstash-wasm@", env!("CARGO_PKG_VERSION"));

/// Telemetry header values. Empty values are skipped, like the official SDK does.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Telemetry {
    /// `Upstash-Telemetry-Sdk`, e.g. [`TELEMETRY_SDK`].
    pub sdk: String,
    /// `Upstash-Telemetry-Platform`: `cloudflare`, `vercel`, `aws` or empty.
    pub platform: String,
    /// `Upstash-Telemetry-Runtime`: e.g. `node@v20.11.0`, `edge-light`, or empty.
    pub runtime: String,
}

impl Telemetry {
    /// The platform value from the environment: `cloudflare` (when the caller detected
    /// `caches.default`), else `vercel` if `VERCEL` is set, else `aws` if `AWS_REGION` is
    /// set, else empty.
    pub fn platform_from(is_cloudflare: bool, env: &(impl Env + ?Sized)) -> String {
        let set = |k: &str| env.var(k).is_some_and(|v| !v.is_empty());
        if is_cloudflare {
            "cloudflare".into()
        } else if set("VERCEL") {
            "vercel".into()
        } else if set("AWS_REGION") {
            "aws".into()
        } else {
            String::new()
        }
    }
}

/// What every request builder needs from the client: credentials, the client-global headers
/// (already prefixed) and telemetry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientContext {
    /// Base URL without trailing `/`.
    pub base_url: String,
    /// Bearer token (also the token of the deprecated `upstash()` LLM provider).
    pub token: String,
    /// `prefixHeaders(new Headers(config.headers))`.
    pub global_headers: HeaderMap,
    /// Telemetry headers (empty when telemetry is disabled).
    pub telemetry: HeaderMap,
}

impl ClientContext {
    /// A context with no global headers and no telemetry.
    pub fn new(base_url: impl Into<String>, token: impl Into<String>) -> Self {
        ClientContext {
            base_url: base_url.into(),
            token: token.into(),
            global_headers: HeaderMap::new(),
            telemetry: HeaderMap::new(),
        }
    }

    /// Sets the client-global headers (`config.headers`); they are prefixed like request
    /// headers.
    pub fn with_global_headers(mut self, headers: &HeadersInit) -> Result<Self> {
        self.global_headers = prefix_headers(headers.to_map()?);
        Ok(self)
    }

    /// Sets telemetry (`None` disables it).
    pub fn with_telemetry(mut self, telemetry: Option<&Telemetry>) -> Result<Self> {
        let mut h = HeaderMap::new();
        if let Some(t) = telemetry {
            for (k, v) in [
                ("Upstash-Telemetry-Sdk", &t.sdk),
                ("Upstash-Telemetry-Platform", &t.platform),
                ("Upstash-Telemetry-Runtime", &t.runtime),
            ] {
                if !v.is_empty() {
                    h.set(k, v)?;
                }
            }
        }
        self.telemetry = h;
        Ok(self)
    }

    /// `wrapWithGlobalHeaders`: global headers, overridden by the request's headers, with
    /// telemetry *appended* (so a user-set telemetry value is combined, not replaced).
    pub fn wrap(&self, headers: &HeaderMap) -> Result<HeaderMap> {
        let mut out = self.global_headers.clone();
        out.set_all(headers);
        for (k, v) in self.telemetry.iter() {
            if !v.is_empty() {
                out.append(k, v)?;
            }
        }
        Ok(out)
    }
}

/// Client-side retry policy for network failures (HTTP errors are never retried).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt: `attempts + 1` fetch calls at most.
    pub attempts: u32,
}

impl Default for RetryPolicy {
    /// Five retries, as the official SDK.
    fn default() -> Self {
        RetryPolicy { attempts: 5 }
    }
}

impl RetryPolicy {
    /// `retry: false`: exactly one call.
    pub fn disabled() -> Self {
        RetryPolicy { attempts: 0 }
    }
}

/// The default backoff: `Math.exp(retryCount) * 50` milliseconds.
///
/// ```
/// use qstash_wasm::api::default_backoff_ms;
/// let ms: Vec<u64> = (0..5).map(|n| default_backoff_ms(n).round() as u64).collect();
/// assert_eq!(ms, [50, 136, 369, 1004, 2730]);
/// ```
pub fn default_backoff_ms(retry_count: u32) -> f64 {
    (retry_count as f64).exp() * 50.0
}

/// `assertNonEmptyId`: `"<label> cannot be empty"`.
pub(crate) fn assert_non_empty(id: &str, label: &str) -> Result<()> {
    if id.is_empty() {
        return Err(error::invalid_input(format!("{label} cannot be empty")));
    }
    Ok(())
}

/// A query value before encoding: one value, or an array (repeated key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryValue {
    /// `url.searchParams.set(key, value)`.
    One(String),
    /// `url.searchParams.append(key, item)` for each item; empty is an error.
    Many(Vec<String>),
}

impl From<&str> for QueryValue {
    fn from(s: &str) -> Self {
        QueryValue::One(s.to_string())
    }
}
impl From<String> for QueryValue {
    fn from(s: String) -> Self {
        QueryValue::One(s)
    }
}
impl From<Vec<String>> for QueryValue {
    fn from(v: Vec<String>) -> Self {
        QueryValue::Many(v)
    }
}
impl From<Vec<&str>> for QueryValue {
    fn from(v: Vec<&str>) -> Self {
        QueryValue::Many(v.into_iter().map(str::to_string).collect())
    }
}
impl<const N: usize> From<[&str; N]> for QueryValue {
    fn from(v: [&str; N]) -> Self {
        QueryValue::Many(v.iter().map(|s| s.to_string()).collect())
    }
}
impl From<f64> for QueryValue {
    fn from(n: f64) -> Self {
        QueryValue::One(js_number_to_string(n))
    }
}

/// A JS object literal used as a query: keys keep their first position, later spreads
/// overwrite values in place, `undefined` (None) entries are skipped when encoding. This
/// reproduces the official SDK's parameter order exactly.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct QueryObject {
    entries: Vec<(String, Option<QueryValue>)>,
}

impl QueryObject {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// `{...obj, key: value}`.
    pub(crate) fn set(&mut self, key: &str, value: Option<QueryValue>) {
        match self.entries.iter_mut().find(|(k, _)| k == key) {
            Some(e) => e.1 = value,
            None => self.entries.push((key.to_string(), value)),
        }
    }

    /// The encoded pairs; an empty array throws `QstashEmptyArrayError(key)`.
    pub(crate) fn into_pairs(self) -> Result<Vec<(String, String)>> {
        let mut out = Vec::new();
        for (k, v) in self.entries {
            match v {
                None => {}
                Some(QueryValue::One(s)) => out.push((k, s)),
                Some(QueryValue::Many(items)) => {
                    if items.is_empty() {
                        return Err(error::empty_array(k));
                    }
                    out.extend(items.into_iter().map(|i| (k.clone(), i)));
                }
            }
        }
        Ok(out)
    }
}

/// JSON text of a string, exactly as `JSON.stringify` writes it.
pub(crate) fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    push_json_string(&mut out, s);
    out
}

/// Appends the JSON text of `s`. For well-formed strings `JSON.stringify` escapes only `"`,
/// `\` and control characters (short forms `\b\f\n\r\t`, else `\u00xx` lower-case); written
/// by hand because serde_json's serializer costs the wasm several KB (`Error`'s `Display`
/// needs this in the receiver-only build too).
pub(crate) fn push_json_string(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let short = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        start = i + 1;
        if short.is_empty() {
            out.push_str("\\u00");
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 15)] as char);
        } else {
            out.push_str(short);
        }
    }
    out.push_str(&s[start..]);
    out.push('"');
}
