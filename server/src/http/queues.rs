//! Queues: `POST|GET /v2/queues`, `GET|DELETE /v2/queues/{name}`,
//! `POST /v2/queues/{name}/pause|resume`.

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;

use super::auth::User;
use super::error::{json_response, ApiError, ApiResult};
use super::request::{read_body, JsonObject, Param, MAX_JSON_BYTES};
use crate::app::App;
use crate::parse::headers::validate_name;

/// `POST /v2/queues` with `{"queueName", "parallelism"?, "paused"?}`: create or update;
/// 200 with an empty body.
pub async fn upsert(State(app): State<App>, user: User, req: Request) -> ApiResult {
    let (parts, body) = req.into_parts();
    let bytes = read_body(&parts.headers, body, MAX_JSON_BYTES).await?;
    let o = JsonObject::parse(&bytes, &["queueName", "parallelism", "paused"])?;
    let name = o
        .string("queueName")?
        .ok_or_else(|| ApiError::field("queueName", "is required"))?;
    validate_name("queueName", &name)?;
    let parallelism = o.u32("parallelism")?;
    if parallelism == Some(0) {
        return Err(ApiError::field("parallelism", "must be at least 1"));
    }
    app.queue_upsert(user.0, &name, parallelism, o.bool("paused")?)
        .await?;
    Ok(StatusCode::OK.into_response())
}

/// `GET /v2/queues`.
pub async fn list(State(app): State<App>, user: User) -> ApiResult {
    Ok(json_response(
        StatusCode::OK,
        &app.queue_list(user.0).await?,
    ))
}

/// `GET /v2/queues/{name}` (404 if missing).
pub async fn get(State(app): State<App>, user: User, Param(name): Param) -> ApiResult {
    Ok(json_response(
        StatusCode::OK,
        &app.queue_get(user.0, &name).await?,
    ))
}

/// `DELETE /v2/queues/{name}`: 200 even if it did not exist; its pending messages are
/// cancelled.
pub async fn delete(State(app): State<App>, user: User, Param(name): Param) -> ApiResult {
    app.queue_delete(user.0, &name).await?;
    Ok(StatusCode::OK.into_response())
}

/// `POST /v2/queues/{name}/pause`.
pub async fn pause(State(app): State<App>, user: User, Param(name): Param) -> ApiResult {
    app.queue_pause(user.0, &name).await?;
    Ok(StatusCode::OK.into_response())
}

/// `POST /v2/queues/{name}/resume`.
pub async fn resume(State(app): State<App>, user: User, Param(name): Param) -> ApiResult {
    app.queue_resume(user.0, &name).await?;
    Ok(StatusCode::OK.into_response())
}
