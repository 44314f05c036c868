//! Schedules: `POST /v2/schedules/{destination}` (create / replace), `GET /v2/schedules`,
//! `GET|DELETE /v2/schedules/{id}`, `POST|PATCH /v2/schedules/{id}/pause|resume`.
//!
//! The create path carries a destination (a URL with `://`, or a group name without `/`),
//! so `{id}/pause` — a name, one `/`, an action — can never be mistaken for one.

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde_json::json;

use super::auth::User;
use super::error::{json_response, ApiError, ApiResult};
use super::request::{caller_ip, query_pairs, read_message_body};
use crate::app::App;
use crate::model::NewSchedule;
use crate::parse::headers::{parse_destination, parse_publish_headers, percent_decode, Context};

const PREFIX: &str = "/v2/schedules/";

/// `{id}/pause` or `{id}/resume`.
enum Action {
    Pause,
    Resume,
}

/// The raw tail after `/v2/schedules/`.
fn tail(req: &Request) -> &str {
    req.uri().path().strip_prefix(PREFIX).unwrap_or("")
}

/// Splits `{id}/pause|resume`; `None` for anything else.
fn action(tail: &str) -> Option<(String, Action)> {
    let (id, act) = tail.split_once('/')?;
    let act = match act {
        "pause" => Action::Pause,
        "resume" => Action::Resume,
        _ => return None,
    };
    let id = percent_decode(id)?;
    if id.is_empty() || id.contains(':') || id.contains('/') {
        return None;
    }
    Some((id, act))
}

/// A plain `{id}` tail.
fn id(tail: &str) -> Result<String, ApiError> {
    let id = percent_decode(tail).unwrap_or_default();
    if id.is_empty() || id.contains('/') {
        return Err(ApiError::NotFound(format!(
            "no route for {PREFIX}{}",
            crate::parse::snippet(tail)
        )));
    }
    Ok(id)
}

/// `GET /v2/schedules`.
pub async fn list(State(app): State<App>, user: User) -> ApiResult {
    Ok(json_response(
        StatusCode::OK,
        &app.schedule_list(user.0).await?,
    ))
}

/// `GET /v2/schedules/{id}` (404 if missing).
pub async fn get(State(app): State<App>, user: User, req: Request) -> ApiResult {
    let id = id(tail(&req))?;
    Ok(json_response(
        StatusCode::OK,
        &app.schedule_get(user.0, &id).await?,
    ))
}

/// `DELETE /v2/schedules/{id}`: 200 with an empty body.
pub async fn delete(State(app): State<App>, user: User, req: Request) -> ApiResult {
    let id = id(tail(&req))?;
    app.schedule_delete(user.0, &id).await?;
    Ok(StatusCode::OK.into_response())
}

/// `PATCH /v2/schedules/{id}/pause|resume` (what the SDKs send).
pub async fn patch(State(app): State<App>, user: User, req: Request) -> ApiResult {
    match action(tail(&req)) {
        Some((id, act)) => pause_resume(&app, user, &id, act).await,
        None => Err(ApiError::MethodNotAllowed(format!(
            "method PATCH is not allowed on {}",
            req.uri().path()
        ))),
    }
}

/// `POST /v2/schedules/{id}/pause|resume` (the OpenAPI spelling) or
/// `POST /v2/schedules/{destination}` (create / replace) → `{"scheduleId"}`.
pub async fn post(State(app): State<App>, user: User, req: Request) -> ApiResult {
    if let Some((id, act)) = action(tail(&req)) {
        return pause_resume(&app, user, &id, act).await;
    }
    let (parts, body) = req.into_parts();
    let raw = parts.uri.path().strip_prefix(PREFIX).unwrap_or("");
    let destination = parse_destination(raw, parts.uri.query())?;
    let config =
        parse_publish_headers(&parts.headers, &query_pairs(&parts.uri), Context::Schedule)?;
    let body = read_message_body(&parts.headers, body, app.config().quota).await?;
    let schedule_id = config.schedule_id.clone();
    let cron = config
        .cron
        .as_ref()
        .map(|c| c.source().to_string())
        .ok_or_else(|| ApiError::field("Upstash-Cron", "header is required"))?;
    let mut message = config.into_new_message(destination, body)?;
    message.caller_ip = caller_ip(&parts);
    let id = app
        .schedule_upsert(
            user.0,
            NewSchedule {
                schedule_id,
                cron,
                message,
            },
        )
        .await?;
    Ok(json_response(StatusCode::OK, &json!({ "scheduleId": id })))
}

async fn pause_resume(app: &App, user: User, id: &str, act: Action) -> ApiResult {
    match act {
        Action::Pause => app.schedule_pause(user.0, id).await?,
        Action::Resume => app.schedule_resume(user.0, id).await?,
    }
    Ok(StatusCode::OK.into_response())
}
