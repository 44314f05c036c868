//! Publish headers and destinations.
//!
//! Every publish-family endpoint (`/v2/publish`, `/v2/enqueue`, `/v2/batch` items,
//! `/v2/schedules`, DLQ retry overrides) configures its message with `Upstash-*` headers, or
//! with the same names lower-cased as query parameters (`?upstash-retries=3`). This module
//! turns them into a [`PublishHeaders`] value and the path into a [`Destination`]; all
//! validation of client input happens here, so the HTTP layer only has to map the error.
//!
//! Rules (see `reference/qstash-server.md` §1.2, §3.3, §9, §10):
//! - `Upstash-Forward-<Name>` is delivered as `<Name>` (prefix matched case-insensitively,
//!   name Go-canonicalised: `x-custom` → `X-Custom`).
//! - Other non-`Upstash-*` headers are forwarded only with `Upstash-Header-Forward: true`,
//!   minus `Authorization`, `Host` and hop-by-hop headers.
//! - `Upstash-Callback-<X>` / `Upstash-Failure-Callback-<X>` configure the callback message
//!   as `Upstash-<X>` would configure a message; they are validated now and kept re-prefixed.
//! - `Upstash-Workflow-*` and `Upstash-Feature-Set` pass through unprefixed (Workflow SDK).
//! - A header wins over a query parameter of the same name.

use std::collections::BTreeMap;

use http::HeaderMap;

use super::{
    cron::{parse_cron, Cron},
    duration::parse_duration,
    expr::{parse_retry_delay, RetryDelay},
    flow_control::{parse_flow_control, FlowControlValue, DEFAULT_PERIOD_SECS},
    snippet, ParseError,
};
use crate::model::{CallbackConfig, Dedup, NewMessage, Overrides};
pub use crate::model::{Destination, FlowControl, Redact};

/// The message error for a destination without `http://` / `https://`, verbatim from QStash.
pub const INVALID_SCHEME: &str =
    "invalid destination url: endpoint has invalid scheme, add http:// or https://";

/// Upper bound for `Upstash-Retries`. QStash's plans cap retries at 3–20; a dev server has
/// no plan, but a bound keeps a typo (`Upstash-Retries: 3000000`) from living for years.
pub const MAX_RETRIES: u32 = 100;
/// Longest `Upstash-Delay` (one year, the largest plan's limit).
pub const MAX_DELAY_SECS: u64 = 365 * 86_400;
/// Longest `Upstash-Timeout` (two hours, the largest plan's limit).
pub const MAX_TIMEOUT_SECS: u64 = 2 * 3_600;
/// Longest name for queues, URL groups, schedule ids, flow-control keys and labels.
pub const MAX_NAME_LEN: usize = 256;
/// How deep `Upstash-Callback-Callback-…` chains may go.
const MAX_CALLBACK_DEPTH: usize = 3;

/// Which endpoint the headers arrive at; decides which headers are allowed or required.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// `POST /v2/publish/{destination}` and `/v2/batch` items.
    Publish,
    /// `POST /v2/enqueue/{queue}/{destination}`.
    Enqueue,
    /// `POST /v2/schedules/{destination}`: `Upstash-Cron` required, no `Upstash-Not-Before`.
    Schedule,
    /// Override headers on `POST /v2/dlq/retry…`.
    DlqRetry,
    /// The re-prefixed configuration of a callback message.
    Callback,
}

/// HTTP methods a message may be delivered with (`Upstash-Method`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Method {
    /// `GET`
    Get,
    /// `POST` (the default)
    #[default]
    Post,
    /// `PUT`
    Put,
    /// `PATCH`
    Patch,
    /// `DELETE`
    Delete,
}

impl Method {
    /// The method name in upper case, as stored and echoed.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }

    /// Parses a method name case-insensitively.
    ///
    /// ```
    /// use qstash_server::parse::headers::Method;
    /// assert_eq!(Method::parse("put").unwrap(), Method::Put);
    /// assert!(Method::parse("TRACE").is_err());
    /// ```
    pub fn parse(s: &str) -> Result<Method, ParseError> {
        Ok(match s.trim().to_ascii_uppercase().as_str() {
            "GET" => Method::Get,
            "POST" => Method::Post,
            "PUT" => Method::Put,
            "PATCH" => Method::Patch,
            "DELETE" => Method::Delete,
            _ => {
                return Err(ParseError::new(format!(
                    "\"{}\" is not one of GET, POST, PUT, PATCH, DELETE",
                    snippet(s)
                )))
            }
        })
    }
}

/// Everything the publish headers (and `upstash-*` query parameters) say about a message.
#[derive(Debug, Clone, Default)]
pub struct PublishHeaders {
    /// `Upstash-Method`, if given (messages default to POST).
    pub method: Option<Method>,
    /// The publish request's `Content-Type`, delivered unchanged.
    pub content_type: Option<String>,
    /// Headers delivered to the destination: Go-canonical name → values, sorted by name.
    pub forward: BTreeMap<String, Vec<String>>,
    /// `Upstash-Retries` (None = server default).
    pub retries: Option<u32>,
    /// `Upstash-Retry-Delay`.
    pub retry_delay: Option<RetryDelay>,
    /// `Upstash-Timeout` in milliseconds.
    pub timeout_ms: Option<u64>,
    /// `Upstash-Delay` in milliseconds (ignored by callers when `not_before_ms` is set).
    pub delay_ms: Option<u64>,
    /// `Upstash-Not-Before` in unix milliseconds (the header carries seconds).
    pub not_before_ms: Option<i64>,
    /// `Upstash-Callback` URL.
    pub callback: Option<String>,
    /// `Upstash-Failure-Callback` URL.
    pub failure_callback: Option<String>,
    /// Configuration of the callback message, re-prefixed (`Upstash-Callback-Retries` →
    /// `Upstash-Retries`); parse it with [`parse_publish_headers`] and [`Context::Callback`].
    pub callback_headers: BTreeMap<String, Vec<String>>,
    /// Configuration of the failure-callback message, re-prefixed likewise.
    pub failure_callback_headers: BTreeMap<String, Vec<String>>,
    /// `Upstash-Deduplication-Id`.
    pub deduplication_id: Option<String>,
    /// `Upstash-Content-Based-Deduplication: true`.
    pub content_based_deduplication: bool,
    /// `Upstash-Label` entries, in order, if the header was given.
    pub labels: Option<Vec<String>>,
    /// `Upstash-Redact-Fields`.
    pub redact: Redact,
    /// `Upstash-Flow-Control-Key` / `-Value`.
    pub flow_control: Option<FlowControl>,
    /// `Upstash-Header-Forward: true` was given.
    pub header_forward: bool,
    /// `Upstash-Cron` (schedules only).
    pub cron: Option<Cron>,
    /// `Upstash-Schedule-Id` (schedules only: update that schedule).
    pub schedule_id: Option<String>,
    /// `Upstash-Queue-Name` (schedules only: enqueue produced messages).
    pub queue_name: Option<String>,
}

impl PublishHeaders {
    /// The message's stored/echoed `header` map: forwarded headers plus `Content-Type`.
    pub fn header_map(&self) -> BTreeMap<String, Vec<String>> {
        let mut m = self.forward.clone();
        if let Some(ct) = &self.content_type {
            m.insert("Content-Type".to_string(), vec![ct.clone()]);
        }
        m
    }

    /// `notBefore` for the message in unix ms: `Upstash-Not-Before` wins over `Upstash-Delay`.
    pub fn not_before(&self, now_ms: i64) -> i64 {
        match (self.not_before_ms, self.delay_ms) {
            (Some(nb), _) => nb,
            (None, Some(d)) => now_ms.saturating_add(d as i64),
            (None, None) => now_ms,
        }
    }
}

impl PublishHeaders {
    /// Builds the engine's [`NewMessage`] for `destination` with `body`.
    ///
    /// Fails only if the (already validated) callback configuration cannot be re-read, which
    /// would be a bug; the error still names the header.
    ///
    /// ```
    /// use qstash_server::parse::headers::{parse_publish_headers, Context};
    /// use qstash_server::model::Destination;
    /// let mut h = http::HeaderMap::new();
    /// h.insert("upstash-retries", "0".parse().unwrap());
    /// let p = parse_publish_headers(&h, &[], Context::Publish).unwrap();
    /// let m = p.into_new_message(Destination::Url("http://127.0.0.1:9/x".into()), b"hi".to_vec()).unwrap();
    /// assert_eq!((m.method.as_str(), m.retries), ("POST", Some(0)));
    /// ```
    pub fn into_new_message(
        self,
        destination: Destination,
        body: Vec<u8>,
    ) -> Result<NewMessage, ParseError> {
        let callback = self.callback_config()?;
        let failure_callback = self.failure_callback_config()?;
        let dedup = match (self.deduplication_id, self.content_based_deduplication) {
            (Some(id), _) => Some(Dedup::Id(id)),
            (None, true) => Some(Dedup::ContentBased),
            (None, false) => None,
        };
        let mut m = NewMessage::new(destination, body);
        m.method = self.method.unwrap_or_default().as_str().to_string();
        m.headers = self.forward;
        m.content_type = self.content_type;
        m.retries = self.retries;
        m.retry_delay = self.retry_delay.map(|r| r.source().to_string());
        m.timeout_ms = self.timeout_ms;
        m.delay_ms = self.delay_ms;
        m.not_before_ms = self.not_before_ms;
        m.callback = callback;
        m.failure_callback = failure_callback;
        m.dedup = dedup;
        m.labels = self.labels.unwrap_or_default();
        m.redact = self.redact;
        m.queue = self.queue_name;
        m.flow_control = self.flow_control;
        Ok(m)
    }

    /// The DLQ-retry overrides these headers express (only what was given).
    pub fn into_overrides(self) -> Result<Overrides, ParseError> {
        Ok(Overrides {
            callback: self.callback_config()?,
            failure_callback: self.failure_callback_config()?,
            method: self.method.map(|m| m.as_str().to_string()),
            retries: self.retries,
            retry_delay: self.retry_delay.map(|r| r.source().to_string()),
            timeout_ms: self.timeout_ms,
            delay_ms: self.delay_ms,
            not_before_ms: self.not_before_ms,
            labels: self.labels,
            flow_control: self.flow_control,
            headers: self.forward,
        })
    }

    /// `Upstash-Callback` and its `Upstash-Callback-*` configuration, if a callback was set.
    pub fn callback_config(&self) -> Result<Option<CallbackConfig>, ParseError> {
        callback_config(
            self.callback.as_deref(),
            &self.callback_headers,
            "Upstash-Callback-",
        )
    }

    /// `Upstash-Failure-Callback` and its configuration, if set.
    pub fn failure_callback_config(&self) -> Result<Option<CallbackConfig>, ParseError> {
        callback_config(
            self.failure_callback.as_deref(),
            &self.failure_callback_headers,
            "Upstash-Failure-Callback-",
        )
    }
}

fn callback_config(
    url: Option<&str>,
    headers: &BTreeMap<String, Vec<String>>,
    prefix: &str,
) -> Result<Option<CallbackConfig>, ParseError> {
    let Some(url) = url else {
        return Ok(None);
    };
    let pairs: Vec<(String, String)> = headers
        .iter()
        .flat_map(|(k, vs)| vs.iter().map(move |v| (k.clone(), v.clone())))
        .collect();
    let p = parse_pairs(&pairs, Context::Callback, 1).map_err(|e| reprefix_error(e, prefix))?;
    Ok(Some(CallbackConfig {
        url: url.to_string(),
        method: p.method.map(|m| m.as_str().to_string()),
        retries: p.retries,
        timeout_ms: p.timeout_ms,
        retry_delay: p.retry_delay.map(|r| r.source().to_string()),
        delay_ms: p.delay_ms,
        headers: {
            let mut h = p.forward;
            if let Some(ct) = p.content_type {
                h.insert("Content-Type".to_string(), vec![ct]);
            }
            h
        },
    }))
}

fn reprefix_error(e: ParseError, prefix: &str) -> ParseError {
    match e.field_name().and_then(|f| strip_prefix_ci(f, "upstash-")) {
        Some(rest) => ParseError::field(format!("{prefix}{rest}"), e.message().to_string()),
        None => e,
    }
}

/// Go's `CanonicalMIMEHeaderKey`: `x-custom-header` → `X-Custom-Header`. Names with bytes
/// outside the token alphabet are returned unchanged, as Go does.
///
/// ```
/// use qstash_server::parse::headers::canonical_header_name;
/// assert_eq!(canonical_header_name("bypass-tunnel-reminder"), "Bypass-Tunnel-Reminder");
/// assert_eq!(canonical_header_name("CONTENT-TYPE"), "Content-Type");
/// ```
pub fn canonical_header_name(name: &str) -> String {
    let valid = name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
    if !valid {
        return name.to_string();
    }
    let mut out = String::with_capacity(name.len());
    let mut upper = true;
    for c in name.chars() {
        out.push(if upper {
            c.to_ascii_uppercase()
        } else {
            c.to_ascii_lowercase()
        });
        upper = c == '-';
    }
    out
}

/// Validates a queue / URL-group / schedule-id name: 1–256 of `A-Z a-z 0-9 - _ .`.
///
/// ```
/// use qstash_server::parse::headers::validate_name;
/// assert!(validate_name("queue name", "my-queue_1.x").is_ok());
/// assert!(validate_name("queue name", "bad/name").is_err());
/// ```
pub fn validate_name(what: &'static str, name: &str) -> Result<(), ParseError> {
    if name.is_empty() {
        return Err(ParseError::field(what, "must not be empty"));
    }
    if name.len() > MAX_NAME_LEN {
        return Err(ParseError::field(
            what,
            format!("longer than {MAX_NAME_LEN} characters"),
        ));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
    {
        return Err(ParseError::field(
            what,
            format!(
                "\"{}\" contains '{c}'; only letters, digits, '-', '_' and '.' are allowed",
                snippet(name)
            ),
        ));
    }
    Ok(())
}

/// Parses the destination from the raw (still percent-encoded) path tail after
/// `/v2/publish/`, `/v2/enqueue/{q}/` or `/v2/schedules/`, plus the raw request query.
///
/// Query parameters other than `upstash-*` and `qstash_token` belong to the destination URL
/// (SDKs put the destination into the path verbatim, so its `?query` arrives as ours).
///
/// ```
/// use qstash_server::parse::headers::{parse_destination, Destination};
/// assert_eq!(
///     parse_destination("https:/example.com/hook", Some("a=1&upstash-retries=2")).unwrap(),
///     Destination::Url("https://example.com/hook?a=1".into())
/// );
/// assert_eq!(parse_destination("my-group", None).unwrap(), Destination::UrlGroup("my-group".into()));
/// assert!(parse_destination("ftp://x", None).is_err());
/// ```
pub fn parse_destination(
    raw_tail: &str,
    raw_query: Option<&str>,
) -> Result<Destination, ParseError> {
    let decoded = percent_decode(raw_tail)
        .ok_or_else(|| ParseError::field("destination", "is not valid UTF-8 after URL-decoding"))?;
    destination_from(decoded.trim(), &filter_query(raw_query))
}

/// Parses a destination given as a plain value (a `/v2/batch` item's `destination`): no
/// URL-decoding, no extra query.
///
/// ```
/// use qstash_server::parse::headers::{parse_destination_value, Destination};
/// assert_eq!(
///     parse_destination_value("https://example.com/a%20b").unwrap(),
///     Destination::Url("https://example.com/a%20b".into())
/// );
/// ```
pub fn parse_destination_value(value: &str) -> Result<Destination, ParseError> {
    destination_from(value.trim(), "")
}

fn destination_from(tail: &str, kept_query: &str) -> Result<Destination, ParseError> {
    if tail.is_empty() {
        return Err(ParseError::field(
            "destination",
            "missing: put a URL or URL-group name after the path, e.g. /v2/publish/https://example.com",
        ));
    }
    // Scheme: leading letters followed by ':'.
    let scheme_end = tail.find(':').filter(|&i| {
        i > 0
            && tail[..i]
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
    });
    let Some(colon) = scheme_end else {
        if tail.contains('/') {
            // `example.com/path`: a URL without its scheme, not a group name.
            return Err(ParseError::verbatim(INVALID_SCHEME));
        }
        validate_name("URL group name", tail)?;
        return Ok(Destination::UrlGroup(tail.to_string()));
    };
    let scheme = tail[..colon].to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return Err(ParseError::verbatim(INVALID_SCHEME));
    }
    // Proxies and some clients collapse `//` to `/`; restore it.
    let rest = tail[colon + 1..].trim_start_matches('/');
    let mut url = format!("{scheme}://{rest}");
    if !kept_query.is_empty() {
        url.push(if url.contains('?') { '&' } else { '?' });
        url.push_str(kept_query);
    }
    validate_url("destination", &url)?;
    Ok(Destination::Url(url))
}

/// Checks that `url` is an absolute http(s) URL with a host.
pub fn validate_url(field: &'static str, url: &str) -> Result<(), ParseError> {
    let parsed = url::Url::parse(url).map_err(|e| {
        ParseError::field(
            field,
            format!("\"{}\" is not a valid URL: {e}", snippet(url)),
        )
    })?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(ParseError::field(
            field,
            format!(
                "\"{}\" has invalid scheme, add http:// or https://",
                snippet(url)
            ),
        ));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(ParseError::field(
            field,
            format!("\"{}\" has no host", snippet(url)),
        ));
    }
    Ok(())
}

/// The raw query minus `upstash-*` and `qstash_token` parameters, original encoding kept.
fn filter_query(raw_query: Option<&str>) -> String {
    let Some(q) = raw_query else {
        return String::new();
    };
    q.split('&')
        .filter(|p| !p.is_empty())
        .filter(|p| {
            let name = p.split('=').next().unwrap_or("");
            let name = percent_decode(name)
                .unwrap_or_default()
                .to_ascii_lowercase();
            !(name.starts_with("upstash-") || name == "qstash_token")
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// Decodes `%XX` escapes once (`+` stays `+`: this is a path, not a form). Malformed escapes
/// are kept literally; `None` if the result is not UTF-8.
pub fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = |c: u8| (c as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8(out).ok()
}

/// Hop-by-hop and transport headers never forwarded by `Upstash-Header-Forward: true`,
/// plus `Authorization` (the QStash token must not leak to destinations).
const NOT_FORWARDED: &[&str] = &[
    "authorization",
    "host",
    "content-length",
    "content-type",
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "expect",
];

/// Headers the delivery's HTTP client sets itself; never forwarded.
const TRANSPORT: &[&str] = &[
    "host",
    "content-length",
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
];

/// Parses publish headers (and `upstash-*` query parameters, decoded `(name, value)` pairs).
///
/// Errors name the header, e.g. `invalid Upstash-Retries: "x" is not a non-negative integer`.
pub fn parse_publish_headers(
    headers: &HeaderMap,
    query: &[(String, String)],
    ctx: Context,
) -> Result<PublishHeaders, ParseError> {
    let mut all: Vec<(String, String)> = Vec::new();
    for (name, value) in headers {
        let canonical = canonical_header_name(name.as_str());
        let value = value.to_str().map_err(|_| {
            ParseError::field(canonical.clone(), "value is not visible ASCII / UTF-8")
        })?;
        all.push((canonical, value.to_string()));
    }
    let from_headers: std::collections::HashSet<String> =
        all.iter().map(|(n, _)| n.to_ascii_lowercase()).collect();
    for (name, value) in query {
        let lower = name.to_ascii_lowercase();
        if lower.starts_with("upstash-") && !from_headers.contains(&lower) {
            all.push((canonical_header_name(&lower), value.clone()));
        }
    }
    parse_pairs(&all, ctx, 0)
}

fn parse_pairs(
    all: &[(String, String)],
    ctx: Context,
    depth: usize,
) -> Result<PublishHeaders, ParseError> {
    let mut out = PublishHeaders::default();
    let mut fc_key: Option<String> = None;
    let mut fc_value: Option<(String, FlowControlValue)> = None; // (raw, parsed)
    let mut others: Vec<(&str, &str)> = Vec::new();
    // Single-valued config headers: the first occurrence wins, like Go's Header.Get.
    let mut seen = std::collections::HashSet::new();
    for (name, value) in all {
        let lower = name.to_ascii_lowercase();
        let v = value.trim();
        if let Some(rest) = strip_prefix_ci(name, "upstash-forward-") {
            if rest.is_empty() {
                return Err(ParseError::field(
                    name.clone(),
                    "needs a header name after Upstash-Forward-",
                ));
            }
            out.forward
                .entry(canonical_header_name(rest))
                .or_default()
                .push(value.clone());
            continue;
        }
        if let Some(rest) = strip_prefix_ci(name, "upstash-failure-callback-") {
            push_reprefixed(&mut out.failure_callback_headers, name, rest, value)?;
            continue;
        }
        if let Some(rest) = strip_prefix_ci(name, "upstash-callback-") {
            push_reprefixed(&mut out.callback_headers, name, rest, value)?;
            continue;
        }
        if lower.starts_with("upstash-workflow-") || lower == "upstash-feature-set" {
            out.forward
                .entry(canonical_header_name(name))
                .or_default()
                .push(value.clone());
            continue;
        }
        if lower == "upstash-label" {
            for l in v.split(',').map(str::trim).filter(|l| !l.is_empty()) {
                if l.len() > MAX_NAME_LEN {
                    return Err(ParseError::field(
                        "Upstash-Label",
                        format!("label longer than {MAX_NAME_LEN} characters"),
                    ));
                }
                let labels = out.labels.get_or_insert_with(Vec::new);
                if !labels.iter().any(|x| x == l) {
                    labels.push(l.to_string());
                }
            }
            continue;
        }
        if lower == "content-type" {
            if out.content_type.is_none() {
                out.content_type = Some(value.clone());
            }
            continue;
        }
        if !lower.starts_with("upstash-") {
            others.push((name, value));
            continue;
        }
        if v.is_empty() || !seen.insert(lower.clone()) {
            continue;
        }
        let field = canonical_header_name(&lower);
        let err = |e: ParseError| e.in_field(field.clone());
        match lower.as_str() {
            "upstash-method" => out.method = Some(Method::parse(v).map_err(err)?),
            "upstash-retries" => {
                let n: u32 = v.parse().map_err(|_| {
                    ParseError::field(
                        field.clone(),
                        format!("\"{}\" is not a non-negative integer", snippet(v)),
                    )
                })?;
                if n > MAX_RETRIES {
                    return Err(ParseError::field(
                        field,
                        format!("{n} exceeds the maximum of {MAX_RETRIES}"),
                    ));
                }
                out.retries = Some(n);
            }
            "upstash-retry-delay" => out.retry_delay = Some(parse_retry_delay(v).map_err(err)?),
            "upstash-timeout" => {
                let d = parse_duration(v).map_err(err)?;
                if d.is_zero() {
                    return Err(ParseError::field(field, "must be greater than 0"));
                }
                if d.as_secs() > MAX_TIMEOUT_SECS {
                    return Err(ParseError::field(
                        field,
                        format!("\"{}\" exceeds the maximum of 2h", snippet(v)),
                    ));
                }
                // Bounded by MAX_TIMEOUT_SECS, fits u64.
                out.timeout_ms = Some(d.as_millis() as u64);
            }
            "upstash-delay" => {
                if ctx == Context::Callback {
                    // QStash rejects delayed callbacks at insertion (changelog Mar 2025).
                    return Err(ParseError::field(
                        field,
                        "delayed callbacks are not supported",
                    ));
                }
                let d = parse_duration(v).map_err(err)?;
                if d.as_secs() > MAX_DELAY_SECS {
                    return Err(ParseError::field(
                        field,
                        format!("\"{}\" exceeds the maximum delay of 365d", snippet(v)),
                    ));
                }
                out.delay_ms = Some(d.as_millis() as u64);
            }
            "upstash-not-before" => {
                if ctx == Context::Schedule {
                    return Err(ParseError::field(
                        field,
                        "not supported for schedules; use Upstash-Delay",
                    ));
                }
                let secs: i64 = v.parse().ok().filter(|s| *s >= 0).ok_or_else(|| {
                    ParseError::field(
                        field.clone(),
                        format!("\"{}\" is not a unix timestamp in seconds", snippet(v)),
                    )
                })?;
                out.not_before_ms =
                    Some(secs.checked_mul(1000).ok_or_else(|| {
                        ParseError::field(field.clone(), "timestamp is too large")
                    })?);
            }
            "upstash-callback" => {
                validate_url("Upstash-Callback", v)?;
                out.callback = Some(v.to_string());
            }
            "upstash-failure-callback" => {
                validate_url("Upstash-Failure-Callback", v)?;
                out.failure_callback = Some(v.to_string());
            }
            "upstash-deduplication-id" => {
                if v.len() > MAX_NAME_LEN {
                    return Err(ParseError::field(
                        field,
                        format!("longer than {MAX_NAME_LEN} characters"),
                    ));
                }
                out.deduplication_id = Some(v.to_string());
            }
            "upstash-content-based-deduplication" => {
                out.content_based_deduplication = parse_bool(v).map_err(err)?;
            }
            "upstash-header-forward" => out.header_forward = parse_bool(v).map_err(err)?,
            "upstash-redact-fields" => out.redact = parse_redact(v).map_err(err)?,
            "upstash-flow-control-key" => {
                if v.len() > MAX_NAME_LEN {
                    return Err(ParseError::field(
                        field,
                        format!("longer than {MAX_NAME_LEN} characters"),
                    ));
                }
                fc_key = Some(v.to_string());
            }
            "upstash-flow-control-value" => {
                fc_value = Some((v.to_string(), parse_flow_control(v).map_err(err)?));
            }
            "upstash-cron" if ctx == Context::Schedule => {
                out.cron = Some(parse_cron(v).map_err(err)?);
            }
            "upstash-schedule-id" if ctx == Context::Schedule => {
                validate_name("Upstash-Schedule-Id", v)?;
                out.schedule_id = Some(v.to_string());
            }
            "upstash-queue-name" if ctx == Context::Schedule => {
                validate_name("Upstash-Queue-Name", v)?;
                out.queue_name = Some(v.to_string());
            }
            // Telemetry and any other Upstash-* header: informational, not forwarded.
            _ => {}
        }
    }
    match (fc_key, fc_value) {
        (Some(key), value) => {
            let v = value.map(|(_, v)| v);
            out.flow_control = Some(FlowControl {
                key,
                parallelism: v.and_then(|v| v.parallelism),
                rate: v.and_then(|v| v.rate),
                period_secs: v.map_or(DEFAULT_PERIOD_SECS, |v| v.period_secs),
            })
        }
        (None, Some(_)) => {
            return Err(ParseError::field(
                "Upstash-Flow-Control-Value",
                "requires Upstash-Flow-Control-Key",
            ))
        }
        (None, None) => {}
    }
    if out.header_forward {
        for (name, value) in others {
            if NOT_FORWARDED.contains(&name.to_ascii_lowercase().as_str()) {
                continue;
            }
            out.forward
                .entry(canonical_header_name(name))
                .or_default()
                .push(value.to_string());
        }
    }
    // Transport headers cannot be forwarded: the delivery's HTTP client owns them. Go's
    // client (which QStash uses) silently ignores them in a request's header map; so do we.
    out.forward
        .retain(|name, _| !TRANSPORT.contains(&name.to_ascii_lowercase().as_str()));
    // `Upstash-Forward-Content-Type` is an explicit request for the delivered content type.
    if let Some(mut ct) = out.forward.remove("Content-Type") {
        if let Some(first) = ct.drain(..).next() {
            out.content_type = Some(first);
        }
    }
    if ctx == Context::Schedule && out.cron.is_none() {
        return Err(ParseError::field("Upstash-Cron", "header is required"));
    }
    // Validate the callback configuration now: a bad `Upstash-Callback-Retries` should fail
    // the publish, not the callback hours later.
    for (headers, prefix) in [
        (&out.callback_headers, "Upstash-Callback-"),
        (&out.failure_callback_headers, "Upstash-Failure-Callback-"),
    ] {
        if headers.is_empty() {
            continue;
        }
        if depth >= MAX_CALLBACK_DEPTH {
            return Err(ParseError::new(format!(
                "callback configuration nested deeper than {MAX_CALLBACK_DEPTH} levels"
            )));
        }
        let pairs: Vec<(String, String)> = headers
            .iter()
            .flat_map(|(k, vs)| vs.iter().map(move |v| (k.clone(), v.clone())))
            .collect();
        parse_pairs(&pairs, Context::Callback, depth + 1).map_err(|e| reprefix_error(e, prefix))?;
    }
    Ok(out)
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    if s.len() >= prefix.len()
        && s.is_char_boundary(prefix.len())
        && s[..prefix.len()].eq_ignore_ascii_case(prefix)
    {
        Some(&s[prefix.len()..])
    } else {
        None
    }
}

fn push_reprefixed(
    map: &mut BTreeMap<String, Vec<String>>,
    name: &str,
    rest: &str,
    value: &str,
) -> Result<(), ParseError> {
    if rest.is_empty() {
        return Err(ParseError::field(
            name.to_string(),
            "needs a header name after the prefix",
        ));
    }
    map.entry(canonical_header_name(&format!("Upstash-{rest}")))
        .or_default()
        .push(value.to_string());
    Ok(())
}

/// `true`/`false`, case-insensitive (the Python SDK sends `True`).
fn parse_bool(v: &str) -> Result<bool, ParseError> {
    if v.eq_ignore_ascii_case("true") {
        Ok(true)
    } else if v.eq_ignore_ascii_case("false") {
        Ok(false)
    } else {
        Err(ParseError::new(format!(
            "\"{}\" is not true or false",
            snippet(v)
        )))
    }
}

/// `body, header, headers, header[X], headers[X]` — the SDKs and the docs disagree on the
/// spelling, so all are accepted.
fn parse_redact(v: &str) -> Result<Redact, ParseError> {
    let mut r = Redact::default();
    for part in v.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let lower = part.to_ascii_lowercase();
        if lower == "body" {
            r.body = true;
        } else if lower == "header" || lower == "headers" {
            r.all_headers = true;
        } else if let Some(inner) = lower
            .strip_prefix("headers[")
            .or_else(|| lower.strip_prefix("header["))
            .and_then(|_| {
                let open = part.find('[')?;
                part[open + 1..].strip_suffix(']')
            })
        {
            let inner = inner.trim();
            if inner.is_empty() {
                return Err(ParseError::new(format!(
                    "\"{}\" names no header",
                    snippet(part)
                )));
            }
            let h = canonical_header_name(inner);
            if !r.headers.contains(&h) {
                r.headers.push(h);
            }
        } else {
            return Err(ParseError::new(format!(
                "unknown field \"{}\" (use body, header or header[Name])",
                snippet(part)
            )));
        }
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::{HeaderName, HeaderValue};

    fn hm(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut m = HeaderMap::new();
        for (k, v) in pairs {
            m.append(
                HeaderName::from_bytes(k.as_bytes()).unwrap(),
                HeaderValue::from_str(v).unwrap(),
            );
        }
        m
    }

    fn parse(pairs: &[(&str, &str)]) -> Result<PublishHeaders, ParseError> {
        parse_publish_headers(&hm(pairs), &[], Context::Publish)
    }

    fn err(pairs: &[(&str, &str)]) -> String {
        parse(pairs).unwrap_err().to_string()
    }

    #[test]
    fn full_publish() {
        let p = parse(&[
            ("content-type", "application/json"),
            ("upstash-method", "put"),
            ("upstash-retries", "0"),
            ("upstash-retry-delay", "pow(2, retried) * 1000"),
            ("upstash-timeout", "90s"),
            ("upstash-delay", "1d10h30m"),
            ("upstash-callback", "https://cb.example.com/x"),
            ("upstash-failure-callback", "http://localhost:3000/f"),
            ("upstash-deduplication-id", "dedup-1"),
            ("upstash-content-based-deduplication", "True"),
            ("upstash-label", "a, b,a"),
            ("upstash-redact-fields", "body,header[authorization]"),
            ("upstash-flow-control-key", "k1"),
            (
                "upstash-flow-control-value",
                "parallelism=5, rate=10, period=1m",
            ),
            ("upstash-forward-x-custom", "1"),
            ("Upstash-Forward-x-custom", "2"),
            ("UPSTASH-FORWARD-Upstash-Workflow-Sdk-Version", "1"),
            ("upstash-workflow-runid", "wfr_1"),
            ("upstash-telemetry-sdk", "upstash-qstash-js@2.12.0"),
            ("x-not-forwarded", "no"),
        ])
        .unwrap();
        assert_eq!(p.method, Some(Method::Put));
        assert_eq!(p.retries, Some(0));
        assert_eq!(
            p.retry_delay.as_ref().unwrap().source(),
            "pow(2, retried) * 1000"
        );
        assert_eq!(p.timeout_ms, Some(90_000));
        assert_eq!(p.delay_ms, Some(124_200_000));
        assert_eq!(p.callback.as_deref(), Some("https://cb.example.com/x"));
        assert_eq!(
            p.failure_callback.as_deref(),
            Some("http://localhost:3000/f")
        );
        assert_eq!(p.deduplication_id.as_deref(), Some("dedup-1"));
        assert!(p.content_based_deduplication);
        assert_eq!(p.labels, Some(vec!["a".to_string(), "b".to_string()]));
        assert!(p.redact.body && !p.redact.all_headers);
        assert_eq!(p.redact.headers, vec!["Authorization"]);
        let fc = p.flow_control.as_ref().unwrap();
        assert_eq!(fc.key, "k1");
        assert_eq!(
            (fc.parallelism, fc.rate, fc.period_secs),
            (Some(5), Some(10), 60)
        );
        let hm = p.header_map();
        assert_eq!(hm["X-Custom"], vec!["1", "2"]);
        assert_eq!(hm["Upstash-Workflow-Sdk-Version"], vec!["1"]);
        assert_eq!(hm["Upstash-Workflow-Runid"], vec!["wfr_1"]);
        assert_eq!(hm["Content-Type"], vec!["application/json"]);
        assert!(!hm.contains_key("X-Not-Forwarded"));
        assert!(!hm.keys().any(|k| k.starts_with("Upstash-Telemetry")));
        assert_eq!(p.not_before(1_000), 1_000 + 124_200_000);
    }

    #[test]
    fn transport_headers_are_not_forwarded_and_forwarded_content_type_wins() {
        let p = parse(&[
            ("content-type", "text/plain"),
            ("upstash-forward-content-length", "5"),
            ("upstash-forward-host", "evil"),
            ("upstash-forward-transfer-encoding", "chunked"),
            ("upstash-forward-content-type", "application/xml"),
            ("upstash-forward-x-ok", "1"),
        ])
        .unwrap();
        assert_eq!(p.content_type.as_deref(), Some("application/xml"));
        assert_eq!(p.forward.keys().collect::<Vec<_>>(), vec!["X-Ok"]);
    }

    #[test]
    fn not_before_wins() {
        let p = parse(&[
            ("upstash-delay", "10s"),
            ("upstash-not-before", "1700000000"),
        ])
        .unwrap();
        assert_eq!(p.not_before(5), 1_700_000_000_000);
    }

    #[test]
    fn query_params_configure_and_headers_win() {
        let q = vec![
            ("upstash-retries".to_string(), "3".to_string()),
            ("upstash-delay".to_string(), "100s".to_string()),
            ("Upstash-Header-Forward".to_string(), "true".to_string()),
        ];
        let h = hm(&[
            ("upstash-retries", "1"),
            ("x-hook", "yes"),
            ("authorization", "Bearer t"),
        ]);
        let p = parse_publish_headers(&h, &q, Context::Publish).unwrap();
        assert_eq!(p.retries, Some(1));
        assert_eq!(p.delay_ms, Some(100_000));
        assert!(p.header_forward);
        assert_eq!(p.forward["X-Hook"], vec!["yes"]);
        assert!(!p.forward.contains_key("Authorization"));
    }

    #[test]
    fn callback_config_is_reprefixed_and_validated() {
        let p = parse(&[
            ("upstash-callback", "https://cb.example.com"),
            ("upstash-callback-retries", "2"),
            ("upstash-callback-forward-x-a", "1"),
            ("upstash-callback-workflow-runid", "r"),
            ("upstash-callback-failure-callback-forward-x-b", "2"),
            ("upstash-failure-callback-method", "PUT"),
        ])
        .unwrap();
        assert_eq!(p.callback_headers["Upstash-Retries"], vec!["2"]);
        assert_eq!(p.callback_headers["Upstash-Forward-X-A"], vec!["1"]);
        assert_eq!(p.callback_headers["Upstash-Workflow-Runid"], vec!["r"]);
        assert_eq!(
            p.callback_headers["Upstash-Failure-Callback-Forward-X-B"],
            vec!["2"]
        );
        assert_eq!(p.failure_callback_headers["Upstash-Method"], vec!["PUT"]);
        assert_eq!(
            err(&[("upstash-callback-retries", "many")]),
            "invalid Upstash-Callback-Retries: \"many\" is not a non-negative integer"
        );
        assert!(err(&[("upstash-failure-callback-timeout", "5x")])
            .starts_with("invalid Upstash-Failure-Callback-Timeout: "));
        assert!(err(&[("upstash-callback-delay", "5s")]).contains("delayed callbacks"));
        let deep = "upstash-".to_string() + &"callback-".repeat(6) + "retries";
        assert!(err(&[(deep.as_str(), "1")]).contains("nested deeper"));
    }

    #[test]
    fn builds_new_message_and_overrides() {
        let p = parse(&[
            ("content-type", "text/plain"),
            ("upstash-deduplication-id", "d1"),
            ("upstash-content-based-deduplication", "true"),
            ("upstash-callback", "https://cb.example.com"),
            ("upstash-callback-method", "put"),
            ("upstash-callback-retries", "1"),
            ("upstash-callback-forward-x-a", "1"),
            ("upstash-callback-workflow-runid", "r"),
            ("upstash-flow-control-key", "k"),
            ("upstash-forward-x-b", "2"),
        ])
        .unwrap();
        let m = p
            .clone()
            .into_new_message(Destination::UrlGroup("g".into()), b"x".to_vec())
            .unwrap();
        assert_eq!(m.method, "POST");
        assert_eq!(m.dedup, Some(Dedup::Id("d1".into())), "explicit id wins");
        assert_eq!(m.content_type.as_deref(), Some("text/plain"));
        assert_eq!(m.headers["X-B"], vec!["2"]);
        assert!(!m.headers.contains_key("Content-Type"));
        let cb = m.callback.unwrap();
        assert_eq!(cb.url, "https://cb.example.com");
        assert_eq!(cb.method.as_deref(), Some("PUT"));
        assert_eq!(cb.retries, Some(1));
        assert_eq!(cb.headers["X-A"], vec!["1"]);
        assert_eq!(cb.headers["Upstash-Workflow-Runid"], vec!["r"]);
        let fc = m.flow_control.unwrap();
        assert_eq!((fc.parallelism, fc.rate, fc.period_secs), (None, None, 1));
        let o = p.into_overrides().unwrap();
        assert_eq!(o.method, None);
        assert_eq!(o.labels, None);
        assert_eq!(o.headers["X-B"], vec!["2"]);
    }

    #[test]
    fn errors_name_the_header() {
        for (pairs, needle) in [
            (
                vec![("upstash-method", "TRACE")],
                "invalid Upstash-Method: \"TRACE\"",
            ),
            (
                vec![("upstash-retries", "-1")],
                "invalid Upstash-Retries: \"-1\"",
            ),
            (
                vec![("upstash-retries", "1000")],
                "exceeds the maximum of 100",
            ),
            (vec![("upstash-delay", "soon")], "invalid Upstash-Delay: "),
            (vec![("upstash-delay", "400d")], "maximum delay"),
            (
                vec![("upstash-timeout", "0s")],
                "invalid Upstash-Timeout: must be greater than 0",
            ),
            (vec![("upstash-timeout", "3h")], "maximum of 2h"),
            (
                vec![("upstash-not-before", "tomorrow")],
                "invalid Upstash-Not-Before",
            ),
            (
                vec![("upstash-retry-delay", "retries")],
                "invalid Upstash-Retry-Delay: unknown identifier",
            ),
            (
                vec![("upstash-callback", "ftp://x")],
                "invalid Upstash-Callback: ",
            ),
            (
                vec![("upstash-callback", "not a url")],
                "invalid Upstash-Callback: ",
            ),
            (
                vec![("upstash-failure-callback", "https://")],
                "invalid Upstash-Failure-Callback",
            ),
            (
                vec![("upstash-content-based-deduplication", "yes")],
                "invalid Upstash-Content-Based-Deduplication",
            ),
            (
                vec![("upstash-redact-fields", "cookies")],
                "invalid Upstash-Redact-Fields: unknown field \"cookies\"",
            ),
            (
                vec![("upstash-redact-fields", "header[]")],
                "names no header",
            ),
            (
                vec![
                    ("upstash-flow-control-key", "k"),
                    ("upstash-flow-control-value", "rate=0"),
                ],
                "invalid Upstash-Flow-Control-Value: rate must be at least 1",
            ),
            (
                vec![("upstash-flow-control-value", "rate=1")],
                "requires Upstash-Flow-Control-Key",
            ),
            (vec![("upstash-forward-", "x")], "needs a header name"),
            (
                vec![("upstash-header-forward", "maybe")],
                "invalid Upstash-Header-Forward",
            ),
        ] {
            let e = err(&pairs);
            assert!(e.contains(needle), "{pairs:?}: {e}");
        }
    }

    #[test]
    fn redact_spellings() {
        for v in ["header", "headers", "HEADERS"] {
            assert!(parse_redact(v).unwrap().all_headers);
        }
        let r = parse_redact("headers[x-a], header[X-B], body").unwrap();
        assert_eq!(r.headers, vec!["X-A", "X-B"]);
        assert!(r.body);
    }

    #[test]
    fn schedule_context() {
        let h = hm(&[
            ("upstash-cron", " */10 * * * * "),
            ("upstash-schedule-id", "my.sched"),
            ("upstash-queue-name", "q1"),
        ]);
        let p = parse_publish_headers(&h, &[], Context::Schedule).unwrap();
        assert_eq!(p.cron.unwrap().source(), "*/10 * * * *");
        assert_eq!(p.schedule_id.as_deref(), Some("my.sched"));
        assert_eq!(p.queue_name.as_deref(), Some("q1"));
        let e = parse_publish_headers(&hm(&[]), &[], Context::Schedule).unwrap_err();
        assert_eq!(e.to_string(), "invalid Upstash-Cron: header is required");
        let e = parse_publish_headers(&hm(&[("upstash-cron", "* * *")]), &[], Context::Schedule)
            .unwrap_err();
        assert!(e.to_string().starts_with("invalid Upstash-Cron: "), "{e}");
        let e = parse_publish_headers(
            &hm(&[
                ("upstash-cron", "* * * * *"),
                ("upstash-schedule-id", "a b"),
            ]),
            &[],
            Context::Schedule,
        )
        .unwrap_err();
        assert!(
            e.to_string().starts_with("invalid Upstash-Schedule-Id: "),
            "{e}"
        );
        let e = parse_publish_headers(
            &hm(&[("upstash-cron", "* * * * *"), ("upstash-not-before", "1")]),
            &[],
            Context::Schedule,
        )
        .unwrap_err();
        assert!(e.to_string().contains("not supported for schedules"), "{e}");
        // Publish ignores schedule-only headers.
        assert!(parse(&[("upstash-cron", "nonsense")])
            .unwrap()
            .cron
            .is_none());
    }

    #[test]
    fn non_utf8_header_value_is_an_error() {
        let mut m = HeaderMap::new();
        m.insert(
            HeaderName::from_static("upstash-retries"),
            HeaderValue::from_bytes(b"\xff").unwrap(),
        );
        let e = parse_publish_headers(&m, &[], Context::Publish).unwrap_err();
        assert!(e.to_string().starts_with("invalid Upstash-Retries"), "{e}");
    }

    #[test]
    fn destinations() {
        use Destination::*;
        let d = |t: &str, q: Option<&str>| parse_destination(t, q);
        assert_eq!(
            d("https://example.com/", None).unwrap(),
            Url("https://example.com/".into())
        );
        assert_eq!(
            d("https://example.com", None).unwrap(),
            Url("https://example.com".into())
        );
        assert_eq!(
            d("http:/localhost:3000/api", None).unwrap(),
            Url("http://localhost:3000/api".into())
        );
        assert_eq!(
            d("HTTPS://Example.com/x", None).unwrap(),
            Url("https://Example.com/x".into())
        );
        assert_eq!(
            d(
                "https://example.com/123/",
                Some("asdasd=ooo&qstash_token=t&upstash-retries=1")
            )
            .unwrap(),
            Url("https://example.com/123/?asdasd=ooo".into())
        );
        assert_eq!(
            d("https%3A%2F%2Fexample.com%2Fa%3Fb%3D1", Some("c=2")).unwrap(),
            Url("https://example.com/a?b=1&c=2".into())
        );
        assert_eq!(
            d("https://example.com/a%2520b", None).unwrap(),
            Url("https://example.com/a%20b".into())
        );
        assert_eq!(
            d("my-group_1.x", None).unwrap(),
            UrlGroup("my-group_1.x".into())
        );
        for bad in [
            "ftp://x.com",
            "localhost:3000/api",
            "example.com/path",
            "mailto:a@b.c",
        ] {
            assert_eq!(
                d(bad, None).unwrap_err().to_string(),
                INVALID_SCHEME,
                "{bad}"
            );
        }
        assert!(d("", None).unwrap_err().to_string().contains("destination"));
        assert!(d("bad%20group", None)
            .unwrap_err()
            .to_string()
            .contains("URL group name"));
        assert!(d("https://", None)
            .unwrap_err()
            .to_string()
            .contains("destination"));
        assert!(d("%ff", None).unwrap_err().to_string().contains("UTF-8"));
    }

    #[test]
    fn canonical_names() {
        assert_eq!(canonical_header_name("x-custom"), "X-Custom");
        assert_eq!(
            canonical_header_name("upstash-workflow-runid"),
            "Upstash-Workflow-Runid"
        );
        assert_eq!(canonical_header_name("with space"), "with space");
    }
}
