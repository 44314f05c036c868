//! `GET /v2/events` (what the SDKs call; `{"cursor"?, "events": [...]}`) and `GET /v2/logs`
//! (the OpenAPI path; both `logs` and `events` arrays). `cursor` is omitted on the last page.

use axum::extract::{Request, State};
use axum::http::StatusCode;
use serde::Serialize;

use super::auth::User;
use super::error::{json_response, ApiResult};
use super::request::{query_pairs, Query};
use crate::app::App;
use crate::model::{LogEntry, LogFilter, Order};

/// Filters the logs endpoints accept; anything else is a 400.
pub const LOG_FILTERS: &[&str] = &[
    "cursor",
    "messageId",
    "messageIds",
    "state",
    "url",
    "topicName",
    "scheduleId",
    "queueName",
    "host",
    "path",
    "label",
    "callerIp",
    "callerIP",
    "flowControlKey",
    "fromDate",
    "toDate",
    "count",
    "order",
];

/// Largest page.
const MAX_COUNT: usize = 1000;

/// `GET /v2/events`.
pub async fn events(State(app): State<App>, user: User, req: Request) -> ApiResult {
    list(app, user, req, false).await
}

/// `GET /v2/logs`.
pub async fn logs(State(app): State<App>, user: User, req: Request) -> ApiResult {
    list(app, user, req, true).await
}

async fn list(app: App, user: User, req: Request, both: bool) -> ApiResult {
    let (parts, _body) = req.into_parts();
    let q = Query::parse(&query_pairs(&parts.uri), LOG_FILTERS)?;
    let f = LogFilter {
        cursor: q.cursor()?,
        message_ids: q.list_any(&["messageIds", "messageId"]),
        states: q.states()?,
        urls: q.list("url"),
        topic_names: q.list("topicName"),
        schedule_ids: q.list("scheduleId"),
        queue_names: q.list("queueName"),
        hosts: q.list("host"),
        paths: q.list("path"),
        labels: q.list("label"),
        caller_ips: q.list_any(&["callerIp", "callerIP"]),
        flow_control_keys: q.list("flowControlKey"),
        from_date: q.date("fromDate")?,
        to_date: q.date("toDate")?,
        count: q.count(MAX_COUNT)?,
        order: q.order(Order::LatestFirst)?,
    };
    let page = app.logs(user.0, f).await?;
    // Serialized straight from the entries: a page can be tens of MB of bodies, and `/v2/logs`
    // carries it twice, so no intermediate JSON tree (or copy of one) is built.
    let out = LogsPage {
        cursor: page.cursor.as_deref().filter(|c| !c.is_empty()),
        events: &page.items,
        logs: both.then_some(page.items.as_slice()),
    };
    Ok(json_response(StatusCode::OK, &out))
}

/// The response body: `{"cursor"?, "events", "logs"?}`.
#[derive(Serialize)]
struct LogsPage<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    cursor: Option<&'a str>,
    events: &'a [LogEntry],
    #[serde(skip_serializing_if = "Option::is_none")]
    logs: Option<&'a [LogEntry]>,
}
