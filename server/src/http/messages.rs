//! `GET /v2/messages/{id}`, `DELETE /v2/messages/{id}`, `DELETE /v2/messages` (bulk cancel).

use axum::extract::{Request, State};
use axum::http::StatusCode;
use serde::Deserialize;

use super::auth::User;
use super::error::{json_response, ApiResult};
use super::request::{parse_json, query_pairs, read_body, Param, Query, MAX_JSON_BYTES};
use crate::app::App;
use crate::model::MessageFilter;

/// `GET /v2/messages/{id}`.
pub async fn get(State(app): State<App>, user: User, Param(id): Param) -> ApiResult {
    let m = app.message(user.0, &id).await?;
    Ok(json_response(StatusCode::OK, &m))
}

/// `DELETE /v2/messages/{id}` → `{"cancelled": 1}` or 404.
pub async fn cancel(State(app): State<App>, user: User, Param(id): Param) -> ApiResult {
    let n = app.cancel(user.0, &id).await?;
    Ok(json_response(
        StatusCode::OK,
        &serde_json::json!({ "cancelled": n }),
    ))
}

/// Optional JSON body of the bulk cancel (the Python SDK sends ids this way).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CancelBody {
    #[serde(default)]
    message_ids: Vec<String>,
}

/// Filters `DELETE /v2/messages` accepts.
pub const CANCEL_FILTERS: &[&str] = &[
    "messageIds",
    "messageId",
    "topicName",
    "queueName",
    "url",
    "host",
    "path",
    "label",
    "flowControlKey",
    "scheduleId",
    "callerIp",
    "callerIP",
    "fromDate",
    "toDate",
    // Accepted and ignored: every matching message is cancelled in one call.
    "count",
];

/// `DELETE /v2/messages?<filters>` or with body `{"messageIds": [...]}` → `{"cancelled": n}`.
/// No filter at all cancels everything. `count` is accepted and ignored, as QStash does now
/// (the official SDK 2.12 documents "the legacy `count` option is ignored by the server" and
/// still sends `count=100`; honouring it would make `deleteAll()` stop at 100).
pub async fn cancel_many(State(app): State<App>, user: User, req: Request) -> ApiResult {
    let (parts, body) = req.into_parts();
    let q = Query::parse(&query_pairs(&parts.uri), CANCEL_FILTERS)?;
    let bytes = read_body(&parts.headers, body, MAX_JSON_BYTES).await?;
    let body: CancelBody = parse_json(&bytes, true)?;
    let mut message_ids = q.list_any(&["messageIds", "messageId"]);
    message_ids.extend(body.message_ids);
    let f = MessageFilter {
        message_ids,
        topic_names: q.list("topicName"),
        queue_names: q.list("queueName"),
        urls: q.list("url"),
        hosts: q.list("host"),
        paths: q.list("path"),
        labels: q.list("label"),
        flow_control_keys: q.list("flowControlKey"),
        schedule_ids: q.list("scheduleId"),
        caller_ips: q.list_any(&["callerIp", "callerIP"]),
        from_date: q.date("fromDate")?,
        to_date: q.date("toDate")?,
    };
    let n = app.cancel_many(user.0, f).await?;
    Ok(json_response(
        StatusCode::OK,
        &serde_json::json!({ "cancelled": n }),
    ))
}
