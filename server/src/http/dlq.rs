//! The dead-letter queue: `GET|DELETE /v2/dlq`, `GET|DELETE /v2/dlq/{dlqId}`,
//! `POST /v2/dlq/retry`, `POST /v2/dlq/retry/{dlqId}`.
//!
//! Retries answer 201; a retry request may carry publish headers (`Upstash-Retries: 0`, …)
//! that override the original message's settings. The bulk retry reports `cursor: ""` when
//! it is done (the only endpoint that does, and the SDK relies on it); the list and bulk
//! delete omit `cursor` on the last page.

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::auth::User;
use super::error::{json_response, ApiResult};
use super::request::{parse_json, query_pairs, read_body, Param, Query, MAX_JSON_BYTES};
use crate::app::App;
use crate::model::{DlqFilter, Order};
use crate::parse::headers::{parse_publish_headers, Context};

/// Filters of the DLQ endpoints. `host` and `path` are deliberately absent: QStash rejects
/// them on the DLQ.
pub const DLQ_FILTERS: &[&str] = &[
    "cursor",
    "dlqIds",
    "dlqId",
    "messageId",
    "messageIds",
    "url",
    "topicName",
    "scheduleId",
    "queueName",
    "fromDate",
    "toDate",
    "responseStatus",
    "callerIp",
    "callerIP",
    "label",
    "flowControlKey",
    "count",
    "order",
];

/// Largest `count` accepted on the listing. The engine returns at most 100 per page (with a
/// cursor for the rest), so a larger request is served in pages rather than refused.
const MAX_LIST: usize = 1000;
/// Largest bulk delete / retry batch per call.
const MAX_BULK: usize = 1000;

fn filter(q: &Query, extra_ids: Vec<String>, max_count: usize) -> ApiResult<DlqFilter> {
    let mut dlq_ids = q.list_any(&["dlqIds", "dlqId"]);
    dlq_ids.extend(extra_ids);
    Ok(DlqFilter {
        cursor: q.cursor()?,
        dlq_ids,
        message_ids: q.list_any(&["messageId", "messageIds"]),
        urls: q.list("url"),
        topic_names: q.list("topicName"),
        schedule_ids: q.list("scheduleId"),
        queue_names: q.list("queueName"),
        response_statuses: q.statuses()?,
        caller_ips: q.list_any(&["callerIp", "callerIP"]),
        labels: q.list("label"),
        flow_control_keys: q.list("flowControlKey"),
        from_date: q.date("fromDate")?,
        to_date: q.date("toDate")?,
        count: q.count(max_count)?,
        order: q.order(Order::EarliestFirst)?,
        up_to_seq: None,
    })
}

/// `GET /v2/dlq` → `{"cursor"?, "messages": [...]}`.
pub async fn list(State(app): State<App>, user: User, req: Request) -> ApiResult {
    let (parts, _) = req.into_parts();
    let q = Query::parse(&query_pairs(&parts.uri), DLQ_FILTERS)?;
    let page = app
        .dlq_list(user.0, filter(&q, Vec::new(), MAX_LIST)?)
        .await?;
    let mut out = Map::new();
    if let Some(c) = page.cursor.filter(|c| !c.is_empty()) {
        out.insert("cursor".into(), Value::String(c));
    }
    out.insert(
        "messages".into(),
        serde_json::to_value(&page.items).unwrap_or(Value::Array(Vec::new())),
    );
    Ok(json_response(StatusCode::OK, &Value::Object(out)))
}

/// `GET /v2/dlq/{dlqId}`.
pub async fn get(State(app): State<App>, user: User, Param(id): Param) -> ApiResult {
    let m = app.dlq_get(user.0, &id).await?;
    Ok(json_response(StatusCode::OK, &m))
}

/// `DELETE /v2/dlq/{dlqId}` → 200 with an empty body, 404 if already gone.
pub async fn delete(State(app): State<App>, user: User, Param(id): Param) -> ApiResult {
    app.dlq_delete(user.0, &id).await?;
    Ok(StatusCode::OK.into_response())
}

/// Optional JSON body of bulk delete/retry (the Python SDK sends ids this way).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct IdsBody {
    #[serde(default)]
    dlq_ids: Vec<String>,
}

/// `DELETE /v2/dlq?<filters>` (or body `{"dlqIds": [...]}`) → `{"deleted": n, "cursor"?}`.
pub async fn delete_many(State(app): State<App>, user: User, req: Request) -> ApiResult {
    let (parts, body) = req.into_parts();
    let q = Query::parse(&query_pairs(&parts.uri), DLQ_FILTERS)?;
    let bytes = read_body(&parts.headers, body, MAX_JSON_BYTES).await?;
    let ids: IdsBody = parse_json(&bytes, true)?;
    let done = app
        .dlq_delete_many(user.0, filter(&q, ids.dlq_ids, MAX_BULK)?)
        .await?;
    let mut out = Map::new();
    out.insert("deleted".into(), json!(done.deleted));
    if let Some(c) = done.cursor.filter(|c| !c.is_empty()) {
        out.insert("cursor".into(), Value::String(c));
    }
    Ok(json_response(StatusCode::OK, &Value::Object(out)))
}

/// `POST /v2/dlq/retry/{dlqId}` → 201 `{"messageId": ...}`.
pub async fn retry(
    State(app): State<App>,
    user: User,
    Param(id): Param,
    req: Request,
) -> ApiResult {
    let (parts, _) = req.into_parts();
    let pairs = query_pairs(&parts.uri);
    let overrides =
        parse_publish_headers(&parts.headers, &pairs, Context::DlqRetry)?.into_overrides()?;
    let r = app.dlq_retry(user.0, &id, overrides).await?;
    Ok(json_response(
        StatusCode::CREATED,
        &json!({ "messageId": r.message_id }),
    ))
}

/// `POST /v2/dlq/retry?<filters>` → 201 `{"cursor": "" | "...", "responses": [{"messageId"}]}`.
pub async fn retry_many(State(app): State<App>, user: User, req: Request) -> ApiResult {
    let (parts, body) = req.into_parts();
    let pairs = query_pairs(&parts.uri);
    // Publish-config query parameters (`upstash-retries=0`) are overrides, not filters.
    let (config, filters): (Vec<_>, Vec<_>) = pairs
        .into_iter()
        .partition(|(k, _)| k.to_ascii_lowercase().starts_with("upstash-"));
    let q = Query::parse(&filters, DLQ_FILTERS)?;
    let overrides =
        parse_publish_headers(&parts.headers, &config, Context::DlqRetry)?.into_overrides()?;
    let bytes = read_body(&parts.headers, body, MAX_JSON_BYTES).await?;
    let ids: IdsBody = parse_json(&bytes, true)?;
    let page = app
        .dlq_retry_many(user.0, filter(&q, ids.dlq_ids, MAX_BULK)?, overrides)
        .await?;
    let responses: Vec<Value> = page
        .items
        .iter()
        .map(|r| json!({ "messageId": r.message_id }))
        .collect();
    Ok(json_response(
        StatusCode::CREATED,
        &json!({ "cursor": page.cursor.unwrap_or_default(), "responses": responses }),
    ))
}
