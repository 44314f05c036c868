//! `POST /v2/publish/{destination}`, `POST /v2/enqueue/{queue}/{destination}`, `POST /v2/batch`.
//!
//! The destination is everything after the route prefix in the *raw* path (URL-decoded once)
//! plus the request's query string minus `upstash-*` / `qstash_token` parameters; the headers
//! (and `upstash-*` query parameters) configure the message. A URL destination answers with
//! one `{"messageId","url"}` object, a URL group with an array, one element per endpoint;
//! a deduplicated publish answers 202 with the original ids and `"deduplicated": true`.

use std::collections::BTreeMap;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::auth::User;
use super::error::{json_response, ApiError, ApiResult};
use super::request::{
    caller_ip, parse_json, query_pairs, read_body, read_message_body, MAX_BATCH_BYTES,
};
use crate::app::App;
use crate::model::{Destination, NewMessage, PublishResult};
use crate::parse::headers::{
    parse_destination, parse_destination_value, parse_publish_headers, percent_decode,
    validate_name, Context,
};
use crate::quota::Quota;

/// `POST /v2/publish/{destination}`.
pub async fn publish(State(app): State<App>, user: User, req: Request) -> ApiResult {
    let (parts, body) = req.into_parts();
    let tail = raw_tail(parts.uri.path(), "/v2/publish/");
    let destination = parse_destination(tail, parts.uri.query())?;
    let config = parse_publish_headers(&parts.headers, &query_pairs(&parts.uri), Context::Publish)?;
    let body = read_message_body(&parts.headers, body, app.config().quota).await?;
    let mut msg = config.into_new_message(destination, body)?;
    // Only schedules may name a queue through a header; publish ignores it.
    msg.queue = None;
    msg.caller_ip = caller_ip(&parts);
    send(&app, user, msg).await
}

/// `POST /v2/enqueue/{queue}/{destination}`: publish into a queue (created on first use).
pub async fn enqueue(State(app): State<App>, user: User, req: Request) -> ApiResult {
    let (parts, body) = req.into_parts();
    let tail = raw_tail(parts.uri.path(), "/v2/enqueue/");
    let (raw_queue, raw_dest) = tail.split_once('/').unwrap_or((tail, ""));
    let queue = percent_decode(raw_queue)
        .ok_or_else(|| ApiError::field("queue name", "is not valid UTF-8"))?;
    validate_name("queue name", &queue)?;
    let destination = parse_destination(raw_dest, parts.uri.query())?;
    let config = parse_publish_headers(&parts.headers, &query_pairs(&parts.uri), Context::Enqueue)?;
    let body = read_message_body(&parts.headers, body, app.config().quota).await?;
    let mut msg = config.into_new_message(destination, body)?;
    msg.queue = Some(queue);
    msg.caller_ip = caller_ip(&parts);
    send(&app, user, msg).await
}

async fn send(app: &App, user: User, msg: NewMessage) -> ApiResult {
    count_messages(app, user, 1)?;
    let to_group = matches!(msg.destination, Destination::UrlGroup(_));
    let results = app.publish(user.0, msg).await?;
    Ok(publish_response(to_group, results))
}

/// Counts `n` messages towards the opt-in daily limit, before anything is stored: a refused
/// request leaves nothing behind.
fn count_messages(app: &App, user: User, n: usize) -> ApiResult<()> {
    app.rate_limiter()
        .messages(user.0, n as u64, app.config().clock.now_ms())
        .map_err(ApiError::RateLimited)
}

/// One object for a URL, an array for a URL group; 202 when every result was a duplicate.
fn publish_response(to_group: bool, results: Vec<PublishResult>) -> Response {
    let dedup = !results.is_empty() && results.iter().all(|r| r.deduplicated);
    let status = if dedup {
        StatusCode::ACCEPTED
    } else {
        StatusCode::OK
    };
    if to_group {
        json_response(status, &results)
    } else {
        match results.into_iter().next() {
            Some(r) => json_response(status, &r),
            None => ApiError::Internal("publish produced no message".into()).into_response(),
        }
    }
}

/// The path after `prefix`, still percent-encoded (axum's path parameters are decoded, and
/// the destination must be decoded exactly once).
fn raw_tail<'a>(path: &'a str, prefix: &str) -> &'a str {
    path.strip_prefix(prefix).unwrap_or("")
}

/// One `/v2/batch` item.
#[derive(Debug, Deserialize)]
struct BatchItem {
    /// URL or URL-group name (not URL-encoded).
    destination: String,
    /// Publish headers, `name → value` (a value may also be an array of values).
    #[serde(default)]
    headers: BTreeMap<String, HeaderValues>,
    /// The body, as text.
    #[serde(default)]
    body: Option<String>,
    /// Enqueue into this queue.
    #[serde(default)]
    queue: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum HeaderValues {
    One(String),
    Many(Vec<String>),
}

/// `POST /v2/batch`: a JSON array of `{destination, headers, body?, queue?}`. The response is
/// aligned with the input; an item that fails gets `{"error": "..."}` and the others are
/// still sent.
pub async fn batch(State(app): State<App>, user: User, req: Request) -> ApiResult {
    let (parts, body) = req.into_parts();
    let bytes = read_body(&parts.headers, body, MAX_BATCH_BYTES).await?;
    let items: Vec<BatchItem> = parse_json(&bytes, false)?;
    let ip = caller_ip(&parts);
    let quota = app.config().quota;
    // Parse every item first; a bad item becomes its error slot, the rest are published.
    let mut slots: Vec<Result<(bool, usize), ApiError>> = Vec::with_capacity(items.len());
    let mut msgs = Vec::new();
    for (i, item) in items.into_iter().enumerate() {
        match batch_message(item, ip.clone(), quota) {
            Ok(m) => {
                slots.push(Ok((
                    matches!(m.destination, Destination::UrlGroup(_)),
                    msgs.len(),
                )));
                msgs.push(m);
            }
            Err(e) => slots.push(Err(prefix_item(i, e))),
        }
    }
    // The whole batch fits under the daily limit or none of it is taken.
    count_messages(&app, user, msgs.len())?;
    let mut results: Vec<Option<Result<Vec<PublishResult>, ApiError>>> = app
        .batch(user.0, msgs)
        .await
        .into_iter()
        .map(|r| Some(r.map_err(ApiError::from)))
        .collect();
    let mut out = Vec::with_capacity(slots.len());
    for (i, slot) in slots.into_iter().enumerate() {
        let value = match slot {
            Err(e) => error_value(&e),
            Ok((to_group, idx)) => match results.get_mut(idx).and_then(Option::take) {
                Some(Ok(rs)) if to_group => serde_json::to_value(rs).unwrap_or_default(),
                Some(Ok(rs)) => rs
                    .into_iter()
                    .next()
                    .and_then(|r| serde_json::to_value(r).ok())
                    .unwrap_or_default(),
                Some(Err(e)) => error_value(&prefix_item(i, e)),
                None => error_value(&ApiError::Internal("batch result missing".into())),
            },
        };
        out.push(value);
    }
    Ok(json_response(StatusCode::OK, &out))
}

fn error_value(e: &ApiError) -> serde_json::Value {
    if let ApiError::Internal(m) = e {
        tracing::error!(error = %m, "batch item failed internally");
    }
    serde_json::json!({ "error": e.message() })
}

fn prefix_item(i: usize, e: ApiError) -> ApiError {
    match e {
        ApiError::BadRequest(m) => ApiError::BadRequest(format!("batch item {i}: {m}")),
        other => other,
    }
}

fn batch_message(
    item: BatchItem,
    ip: Option<String>,
    quota: Quota,
) -> Result<NewMessage, ApiError> {
    let destination = parse_destination_value(&item.destination)?;
    let mut headers = HeaderMap::new();
    for (name, values) in &item.headers {
        let hn = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
            ApiError::field(
                "headers",
                format!(
                    "\"{}\" is not a valid header name",
                    crate::parse::snippet(name)
                ),
            )
        })?;
        let vs = match values {
            HeaderValues::One(v) => std::slice::from_ref(v),
            HeaderValues::Many(vs) => vs.as_slice(),
        };
        for v in vs {
            let hv = HeaderValue::from_str(v).map_err(|_| {
                ApiError::field(
                    "headers",
                    format!(
                        "value of \"{}\" is not a valid header value",
                        crate::parse::snippet(name)
                    ),
                )
            })?;
            headers.append(hn.clone(), hv);
        }
    }
    let ctx = if item.queue.is_some() {
        Context::Enqueue
    } else {
        Context::Publish
    };
    let config = parse_publish_headers(&headers, &[], ctx)?;
    let body = item.body.unwrap_or_default().into_bytes();
    let max = quota.limits().max_message_bytes;
    if body.len() > max {
        return Err(ApiError::PayloadTooLarge(format!(
            "message body is larger than the limit of {max} bytes (max message size of the \
             {quota} quota)"
        )));
    }
    let mut msg = config.into_new_message(destination, body)?;
    msg.queue = None;
    if let Some(q) = item.queue {
        validate_name("queue", &q)?;
        msg.queue = Some(q);
    }
    msg.caller_ip = ip;
    Ok(msg)
}
