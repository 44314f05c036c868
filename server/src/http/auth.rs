//! Authentication: `Authorization: Bearer <token>` or `?qstash_token=<token>`.
//!
//! The dev server knows the four fixed users of the official dev server (reference §12);
//! a token selects the user whose messages, keys and queues a request sees.

use axum::extract::FromRequestParts;
use axum::http::{header, request::Parts};

use super::error::ApiError;
use crate::app::App;
use crate::model::UserId;

/// The authenticated user of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct User(pub UserId);

/// Finds the token of a request: the `Authorization` header (scheme case-insensitive) wins
/// over the `qstash_token` query parameter. `Ok(None)` when neither is present.
pub fn token(parts: &Parts) -> Result<Option<String>, ApiError> {
    if let Some(v) = parts.headers.get(header::AUTHORIZATION) {
        let bad = || {
            ApiError::Unauthorized(
                "invalid Authorization header: expected \"Bearer <QSTASH_TOKEN>\"".into(),
            )
        };
        let v = v.to_str().map_err(|_| bad())?.trim();
        let (scheme, rest) = v.split_once(' ').ok_or_else(bad)?;
        if !scheme.eq_ignore_ascii_case("bearer") {
            return Err(bad());
        }
        return Ok(Some(rest.trim().to_string()));
    }
    Ok(parts.uri.query().and_then(|q| {
        url::form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "qstash_token")
            .map(|(_, v)| v.into_owned())
    }))
}

impl FromRequestParts<App> for User {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        let Some(tok) = token(parts)? else {
            return Err(ApiError::Unauthorized(
                "missing token: send Authorization: Bearer <QSTASH_TOKEN> or ?qstash_token=<QSTASH_TOKEN>"
                    .into(),
            ));
        };
        let user = app
            .authenticate(&tok)
            .ok_or_else(|| ApiError::Unauthorized("invalid token".into()))?;
        if !is_publish_family(parts.uri.path()) {
            app.rate_limiter()
                .request(user, app.config().clock.now_ms())
                .map_err(ApiError::RateLimited)?;
        }
        Ok(User(user))
    }
}

/// Publish, enqueue and batch have no per-second limit (their messages count towards the
/// daily limit instead, in their handlers).
fn is_publish_family(path: &str) -> bool {
    path.starts_with("/v2/publish/") || path.starts_with("/v2/enqueue/") || path == "/v2/batch"
}
