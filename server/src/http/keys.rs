//! `GET /v2/keys` and `POST /v2/keys/rotate` → `{"current", "next"}`.
//!
//! The JS SDK's dev mode uses `GET /v2/keys` with the default token as its health check.

use axum::extract::State;
use axum::http::StatusCode;

use super::auth::User;
use super::error::{json_response, ApiResult};
use crate::app::App;

/// `GET /v2/keys`.
pub async fn get(State(app): State<App>, user: User) -> ApiResult {
    Ok(json_response(StatusCode::OK, &app.keys(user.0).await?))
}

/// `POST /v2/keys/rotate`: `current = next`, a new `next`.
pub async fn rotate(State(app): State<App>, user: User) -> ApiResult {
    Ok(json_response(
        StatusCode::OK,
        &app.rotate_keys(user.0).await?,
    ))
}
