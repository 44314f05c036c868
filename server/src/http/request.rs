//! Request plumbing shared by the resource files: bounded body reading, query parsing with
//! unknown-parameter rejection, strict JSON bodies, the caller's IP.

use std::collections::BTreeMap;
use std::future::poll_fn;
use std::net::SocketAddr;
use std::pin::{pin, Pin};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll};

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{ConnectInfo, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body::{Frame, SizeHint};
use serde::de::DeserializeOwned;

use super::error::ApiError;
use crate::model::{LogState, Order};
use crate::quota::Quota;

/// Largest `/v2/batch` request: 100 MiB (QStash's documented batch limit).
pub const MAX_BATCH_BYTES: usize = 100 * 1024 * 1024;
/// Largest JSON body of management endpoints (queues, URL groups, bulk ids).
pub const MAX_JSON_BYTES: usize = 1024 * 1024;

/// Request bodies whose `Content-Length` is at most this are read in full before the handler
/// runs (see [`read_small_body_first`]).
pub const PREREAD_BODY_BYTES: usize = MAX_JSON_BYTES;

/// Middleware: reads a body announced (by `Content-Length`) to be at most
/// [`PREREAD_BODY_BYTES`] before the handler runs, and streams a larger one through a
/// [`SharedBody`], so that whatever the handler leaves unread is drained.
///
/// Many handlers answer without reading the body: a GET that was sent one, or an early 4xx
/// (bad token, bad header, 413 by `Content-Length`). hyper then closes the connection with
/// the body still unread in the socket, and the kernel answers that with a reset, which
/// destroys whatever part of the response the client has not read yet (and fails the
/// client's upload): a large answer (a `GET /v2/dlq` page) arrives cut off, or not at all.
/// Reading small bodies first keeps every answer intact (and the connection reusable).
///
/// A larger upload is not buffered: the handler reads it through a [`SharedBody`] while the
/// middleware keeps a hold on it. What is left unread when the handler has answered is
/// drained (read and discarded, see [`drain`]) while the answer goes out, so the client gets
/// it and can reuse the connection. An upload that waits for `100 Continue` and was never
/// read is not drained: the client sends nothing until told to, and hyper refuses it
/// without the `100 Continue`.
pub async fn read_small_body_first(req: Request, next: Next) -> Response {
    let announced = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    match announced {
        Some(n) if n > 0 && n <= PREREAD_BODY_BYTES => {
            let (parts, body) = req.into_parts();
            match read_body(&parts.headers, body, n).await {
                Ok(bytes) => {
                    next.run(Request::from_parts(parts, Body::from(bytes)))
                        .await
                }
                Err(e) => e.into_response(),
            }
        }
        _ if req.body().is_end_stream() => next.run(req).await,
        _ => {
            let waits_for_continue = req
                .headers()
                .get(header::EXPECT)
                .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"100-continue"));
            let (parts, body) = req.into_parts();
            let shared = SharedBody::new(body);
            let response = next
                .run(Request::from_parts(parts, Body::new(shared.clone())))
                .await;
            let (left, started) = shared.take();
            if let Some(left) = left.filter(|_| started || !waits_for_continue) {
                tokio::spawn(drain(left));
            }
            response
        }
    }
}

/// A streamed upload as [`read_small_body_first`] hands it to the handler: reads go to the
/// real body, which stays within the middleware's reach when the handler has answered, so
/// the handler needs to know nothing about the drain.
#[derive(Clone)]
struct SharedBody(Arc<Mutex<Shared>>);

struct Shared {
    /// `None` once the middleware has taken it back to drain.
    body: Option<Body>,
    /// Whether the body was ever polled: hyper sends a requested `100 Continue` then, and
    /// only then does the client send the body for the drain to read.
    started: bool,
}

impl SharedBody {
    fn new(body: Body) -> SharedBody {
        SharedBody(Arc::new(Mutex::new(Shared {
            body: Some(body),
            started: false,
        })))
    }

    /// A panic while the lock was held leaves nothing half-done here, so a poisoned lock
    /// is as good as any.
    fn lock(&self) -> MutexGuard<'_, Shared> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes the real body back (later reads end at once), and whether it was started.
    fn take(&self) -> (Option<Body>, bool) {
        let mut shared = self.lock();
        (shared.body.take(), shared.started)
    }
}

impl HttpBody for SharedBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let mut shared = self.lock();
        shared.started = true;
        match shared.body.as_mut() {
            Some(body) => Pin::new(body).poll_frame(cx),
            None => Poll::Ready(None),
        }
    }

    fn is_end_stream(&self) -> bool {
        self.lock().body.as_ref().is_none_or(Body::is_end_stream)
    }

    fn size_hint(&self) -> SizeHint {
        self.lock()
            .body
            .as_ref()
            .map_or_else(|| SizeHint::with_exact(0), Body::size_hint)
    }
}

/// Most bytes of an unread upload drained after the answer: above the largest body the
/// server accepts (a 100 MiB batch), so every upload it refuses is read to its end, while
/// an endless one is cut off (and then reset).
pub const MAX_DRAIN_BYTES: usize = 128 * 1024 * 1024;

/// Longest a drain runs: a slow or stalled client does not keep the connection (and a
/// graceful stop) waiting for long.
pub const MAX_DRAIN_TIME: std::time::Duration = std::time::Duration::from_secs(10);

/// Reads and discards the rest of an upload, within [`MAX_DRAIN_BYTES`] and
/// [`MAX_DRAIN_TIME`]. Once it has ended, hyper keeps the connection for the next request;
/// if a bound is hit first, dropping the body makes hyper close it.
async fn drain(body: Body) {
    let mut body = pin!(body);
    let read = async {
        let mut left = MAX_DRAIN_BYTES;
        while let Some(Ok(frame)) = poll_fn(|cx| body.as_mut().poll_frame(cx)).await {
            if let Ok(data) = frame.into_data() {
                match left.checked_sub(data.len()) {
                    Some(l) => left = l,
                    None => return,
                }
            }
        }
    };
    let _ = tokio::time::timeout(MAX_DRAIN_TIME, read).await;
}

/// Reads the whole body, failing with 413 as soon as it passes `limit` bytes (so a huge
/// upload is never buffered) and with 400 if the client breaks off (hyper fails a body that
/// ends short of its `Content-Length`). A refused upload is left unread: see
/// [`read_small_body_first`] for what becomes of the rest.
pub async fn read_body(headers: &HeaderMap, body: Body, limit: usize) -> Result<Vec<u8>, ApiError> {
    let too_large = || {
        ApiError::PayloadTooLarge(format!(
            "request body is larger than the limit of {limit} bytes"
        ))
    };
    let announced = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|len| len > limit as u64) {
        return Err(too_large());
    }
    let mut body = pin!(body);
    let mut out = Vec::new();
    while let Some(frame) = poll_fn(|cx| body.as_mut().poll_frame(cx)).await {
        let frame =
            frame.map_err(|e| ApiError::BadRequest(format!("failed to read request body: {e}")))?;
        if let Ok(data) = frame.into_data() {
            if out.len() + data.len() > limit {
                return Err(too_large());
            }
            out.extend_from_slice(&data);
        }
    }
    Ok(out)
}

/// Reads a message body (publish, enqueue, schedule) within the quota's max message size;
/// the 413 says which quota set the limit.
pub async fn read_message_body(
    headers: &HeaderMap,
    body: Body,
    quota: Quota,
) -> Result<Vec<u8>, ApiError> {
    read_body(headers, body, quota.limits().max_message_bytes)
        .await
        .map_err(|e| match e {
            ApiError::PayloadTooLarge(m) => {
                ApiError::PayloadTooLarge(format!("{m} (max message size of the {quota} quota)"))
            }
            e => e,
        })
}

/// Parses a JSON body into `T`; errors name the problem (`missing field \`queueName\``).
/// An empty body is parsed as `{}` when `empty_ok`.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8], empty_ok: bool) -> Result<T, ApiError> {
    let trimmed = bytes.iter().all(|b| b.is_ascii_whitespace());
    if trimmed {
        if empty_ok {
            return serde_json::from_slice(b"{}")
                .map_err(|e| ApiError::BadRequest(format!("invalid request body: {e}")));
        }
        return Err(ApiError::BadRequest(
            "invalid request body: expected JSON, got an empty body".into(),
        ));
    }
    serde_json::from_slice(bytes)
        .map_err(|e| ApiError::BadRequest(format!("invalid request body: {e}")))
}

/// Decoded query pairs, in order.
pub fn query_pairs(uri: &axum::http::Uri) -> Vec<(String, String)> {
    uri.query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .unwrap_or_default()
}

/// The client's IP, when the server was started with connection info.
pub fn caller_ip(parts: &Parts) -> Option<String> {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ci| ci.0.ip().to_string())
}

/// Query parameters of a listing/filter endpoint: multi-valued (repeated or
/// comma-separated), every name checked against the endpoint's allowed set.
///
/// ```
/// use qstash_server::http::request::Query;
/// let pairs = vec![
///     ("label".to_string(), "a,b".to_string()),
///     ("label".to_string(), "c".to_string()),
///     ("url".to_string(), "https://x.com/?a=1,2".to_string()),
/// ];
/// let q = Query::parse(&pairs, &["label", "url"]).unwrap();
/// assert_eq!(q.list("label"), vec!["a", "b", "c"]);
/// assert_eq!(q.list("url"), vec!["https://x.com/?a=1,2"]); // never split
/// assert!(Query::parse(&pairs, &["url"]).is_err()); // unknown filter "label"
/// ```
#[derive(Debug, Default)]
pub struct Query {
    values: BTreeMap<String, Vec<String>>,
}

/// Parameters whose values may legitimately contain commas, so they are never split.
const NO_SPLIT: &[&str] = &["url", "path", "cursor"];

impl Query {
    /// Collects `pairs`, rejecting names outside `allowed` (`qstash_token` is always allowed).
    pub fn parse(pairs: &[(String, String)], allowed: &[&str]) -> Result<Query, ApiError> {
        let mut values: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (k, v) in pairs {
            if k == "qstash_token" {
                continue;
            }
            if !allowed.contains(&k.as_str()) {
                return Err(ApiError::BadRequest(format!(
                    "unknown filter \"{}\" (allowed: {})",
                    crate::parse::snippet(k),
                    allowed.join(", ")
                )));
            }
            let entry = values.entry(k.clone()).or_default();
            if NO_SPLIT.contains(&k.as_str()) {
                if !v.is_empty() {
                    entry.push(v.clone());
                }
            } else {
                entry.extend(
                    v.split(',')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(String::from),
                );
            }
        }
        Ok(Query { values })
    }

    /// All values of `name` (empty if absent).
    pub fn list(&self, name: &str) -> Vec<String> {
        self.values.get(name).cloned().unwrap_or_default()
    }

    /// All values of any of `names` (for aliases such as `callerIp` / `callerIP`).
    pub fn list_any(&self, names: &[&str]) -> Vec<String> {
        names.iter().flat_map(|n| self.list(n)).collect()
    }

    /// The single value of `name`; 400 if given more than once.
    pub fn one(&self, name: &str) -> Result<Option<String>, ApiError> {
        match self.values.get(name).map(Vec::as_slice) {
            None | Some([]) => Ok(None),
            Some([v]) => Ok(Some(v.clone())),
            Some(_) => Err(ApiError::field(name, "given more than once")),
        }
    }

    /// `cursor`: absent or empty (`cursor=`) means the first page; otherwise it must be a
    /// cursor this server hands out — a decimal position (the SDKs' docs also suggest
    /// `Date.now()`, which is one). Anything else is a 400: treating garbage as "from the
    /// start" would make a client's paging loop silently restart.
    ///
    /// ```
    /// use qstash_server::http::request::Query;
    /// let q = |v: &str| Query::parse(&[("cursor".into(), v.into())], &["cursor"]).unwrap().cursor();
    /// assert_eq!(q("").unwrap(), None);
    /// assert_eq!(q("1725323658779").unwrap().as_deref(), Some("1725323658779"));
    /// assert!(q("abc").unwrap_err().message().starts_with("invalid cursor"));
    /// assert!(q("-1").is_err());
    /// assert!(q("99999999999999999999").is_err()); // beyond i64
    /// ```
    pub fn cursor(&self) -> Result<Option<String>, ApiError> {
        let Some(c) = self.one("cursor")? else {
            return Ok(None);
        };
        if c.bytes().all(|b| b.is_ascii_digit()) && c.parse::<i64>().is_ok() {
            Ok(Some(c))
        } else {
            Err(ApiError::BadRequest(format!(
                "invalid cursor \"{}\": pass back a cursor from a previous page, or none for \
                 the first page",
                crate::parse::snippet(&c)
            )))
        }
    }

    /// A unix-ms timestamp parameter (`fromDate`, `toDate`).
    pub fn date(&self, name: &str) -> Result<Option<i64>, ApiError> {
        self.one(name)?
            .map(|v| {
                v.parse::<i64>().map_err(|_| {
                    ApiError::field(
                        name,
                        format!(
                            "\"{}\" is not a unix timestamp in milliseconds",
                            crate::parse::snippet(&v)
                        ),
                    )
                })
            })
            .transpose()
    }

    /// `count`, checked to lie in `1..=max`.
    pub fn count(&self, max: usize) -> Result<Option<usize>, ApiError> {
        self.one("count")?
            .map(|v| match v.parse::<usize>() {
                Ok(n) if (1..=max).contains(&n) => Ok(n),
                _ => Err(ApiError::field(
                    "count",
                    format!(
                        "\"{}\" must be an integer between 1 and {max}",
                        crate::parse::snippet(&v)
                    ),
                )),
            })
            .transpose()
    }

    /// `order`: `earliestFirst` | `latestFirst`.
    pub fn order(&self, default: Order) -> Result<Order, ApiError> {
        match self.one("order")?.as_deref() {
            None => Ok(default),
            Some(v) if v.eq_ignore_ascii_case("earliestFirst") => Ok(Order::EarliestFirst),
            Some(v) if v.eq_ignore_ascii_case("latestFirst") => Ok(Order::LatestFirst),
            Some(v) => Err(ApiError::field(
                "order",
                format!(
                    "\"{}\" is not earliestFirst or latestFirst",
                    crate::parse::snippet(v)
                ),
            )),
        }
    }

    /// `state` values, validated (`IN_PROGRESS` and `CANCELED` accepted).
    pub fn states(&self) -> Result<Vec<String>, ApiError> {
        self.list("state")
            .into_iter()
            .map(|s| {
                if s.eq_ignore_ascii_case("IN_PROGRESS") {
                    Ok("IN_PROGRESS".to_string())
                } else {
                    LogState::parse(&s)
                        .map(|st| st.as_str().to_string())
                        .ok_or_else(|| {
                            ApiError::field(
                                "state",
                                format!(
                                    "\"{}\" is not one of CREATED, ACTIVE, DELIVERED, ERROR, RETRY, FAILED, CANCEL_REQUESTED, CANCELLED, IN_PROGRESS",
                                    crate::parse::snippet(&s)
                                ),
                            )
                        })
                }
            })
            .collect()
    }

    /// `responseStatus` values.
    pub fn statuses(&self) -> Result<Vec<u16>, ApiError> {
        self.list("responseStatus")
            .into_iter()
            .map(|s| {
                s.parse::<u16>().map_err(|_| {
                    ApiError::field(
                        "responseStatus",
                        format!("\"{}\" is not an HTTP status", crate::parse::snippet(&s)),
                    )
                })
            })
            .collect()
    }

    /// A boolean parameter (`true`/`false`).
    pub fn bool(&self, name: &str) -> Result<Option<bool>, ApiError> {
        match self.one(name)?.as_deref() {
            None => Ok(None),
            Some(v) if v.eq_ignore_ascii_case("true") => Ok(Some(true)),
            Some(v) if v.eq_ignore_ascii_case("false") => Ok(Some(false)),
            Some(v) => Err(ApiError::field(
                name,
                format!("\"{}\" is not true or false", crate::parse::snippet(v)),
            )),
        }
    }

    /// A non-negative integer parameter.
    pub fn u64(&self, name: &str) -> Result<Option<u64>, ApiError> {
        self.one(name)?
            .map(|v| {
                v.parse::<u64>().map_err(|_| {
                    ApiError::field(
                        name,
                        format!(
                            "\"{}\" is not a non-negative integer",
                            crate::parse::snippet(&v)
                        ),
                    )
                })
            })
            .transpose()
    }
}

/// A JSON object body, read field by field so every error names its field.
///
/// ```
/// use qstash_server::http::request::JsonObject;
/// let o = JsonObject::parse(br#"{"queueName":"q","parallelism":"2"}"#, &["queueName", "parallelism"]).unwrap();
/// assert_eq!(o.string("queueName").unwrap().as_deref(), Some("q"));
/// let err = o.u32("parallelism").unwrap_err();
/// assert!(err.message().starts_with("invalid parallelism"));
/// assert!(JsonObject::parse(br#"{"other":1}"#, &["queueName"]).is_err());
/// ```
pub struct JsonObject {
    map: serde_json::Map<String, serde_json::Value>,
}

impl JsonObject {
    /// Parses `bytes` as a JSON object whose keys are all in `allowed`.
    pub fn parse(bytes: &[u8], allowed: &[&str]) -> Result<JsonObject, ApiError> {
        let v: serde_json::Value = parse_json(bytes, false)?;
        let serde_json::Value::Object(map) = v else {
            return Err(ApiError::BadRequest(
                "invalid request body: expected a JSON object".into(),
            ));
        };
        if let Some(k) = map.keys().find(|k| !allowed.contains(&k.as_str())) {
            return Err(ApiError::BadRequest(format!(
                "invalid request body: unknown field \"{}\" (allowed: {})",
                crate::parse::snippet(k),
                allowed.join(", ")
            )));
        }
        Ok(JsonObject { map })
    }

    /// The raw value of `name` (`None` when absent or `null`).
    pub fn value(&self, name: &str) -> Option<&serde_json::Value> {
        self.map.get(name).filter(|v| !v.is_null())
    }

    /// A string field.
    pub fn string(&self, name: &str) -> Result<Option<String>, ApiError> {
        match self.value(name) {
            None => Ok(None),
            Some(serde_json::Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(ApiError::field(name, "must be a string")),
        }
    }

    /// A non-negative integer field that fits `u32`.
    pub fn u32(&self, name: &str) -> Result<Option<u32>, ApiError> {
        match self.value(name) {
            None => Ok(None),
            Some(v) => v
                .as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .map(Some)
                .ok_or_else(|| ApiError::field(name, format!("{v} is not a non-negative integer"))),
        }
    }

    /// A boolean field.
    pub fn bool(&self, name: &str) -> Result<Option<bool>, ApiError> {
        match self.value(name) {
            None => Ok(None),
            Some(serde_json::Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(ApiError::field(name, "must be true or false")),
        }
    }
}

/// A single path parameter (`{id}`, `{name}`, `{key}`), percent-decoded. Unlike axum's
/// `Path`, a bad parameter (invalid UTF-8 after decoding) is a JSON 400, not plain text.
#[derive(Debug, Clone)]
pub struct Param(pub String);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for Param {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<String>::from_request_parts(parts, state)
            .await
            .map(|p| Param(p.0))
            .map_err(|e| ApiError::BadRequest(format!("invalid path parameter: {}", e.body_text())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn announcing(len: usize) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::CONTENT_LENGTH, len.into());
        h
    }

    /// An upload arriving in frames, as hyper hands it over.
    struct Frames(Vec<&'static [u8]>);

    impl HttpBody for Frames {
        type Data = Bytes;
        type Error = axum::Error;

        fn poll_frame(
            mut self: Pin<&mut Self>,
            _: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
            let next = (!self.0.is_empty()).then(|| self.0.remove(0));
            Poll::Ready(next.map(|f| Ok(Frame::data(Bytes::from_static(f)))))
        }
    }

    /// "the upload" in two frames, as a handler gets it from the middleware.
    fn shared_upload() -> SharedBody {
        SharedBody::new(Body::new(Frames(vec![b"the ", b"upload"])))
    }

    async fn rest(body: Option<Body>) -> Vec<u8> {
        let body = body.expect("the real body is still shared");
        read_body(&HeaderMap::new(), body, usize::MAX)
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn reading_through_a_shared_body_reads_the_real_body() {
        let shared = shared_upload();
        let read = read_body(&announcing(10), Body::new(shared.clone()), 100).await;
        assert_eq!(read.ok().as_deref(), Some(&b"the upload"[..]));
        let (left, started) = shared.take();
        assert!(started);
        assert_eq!(rest(left).await, b"");
    }

    #[tokio::test]
    async fn a_refused_upload_is_left_to_be_drained() {
        let shared = shared_upload();
        // Refused at the first frame: the second is what a drain would read.
        let read = read_body(&HeaderMap::new(), Body::new(shared.clone()), 3).await;
        assert!(matches!(read, Err(ApiError::PayloadTooLarge(_))));
        let (left, started) = shared.take();
        assert!(started, "refused while reading");
        assert_eq!(rest(left).await, b"upload");
    }

    #[tokio::test]
    async fn an_upload_refused_by_its_content_length_is_not_started() {
        let shared = shared_upload();
        let read = read_body(&announcing(10), Body::new(shared.clone()), 4).await;
        assert!(matches!(read, Err(ApiError::PayloadTooLarge(_))));
        let (left, started) = shared.take();
        assert!(!started, "never polled");
        assert_eq!(rest(left).await, b"the upload");
    }
}
