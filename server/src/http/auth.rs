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

/// Finds the bearer token of a request: the `Authorization` header (scheme
/// case-insensitive) or the `qstash_token` query parameter.
pub fn token(parts: &Parts) -> Option<String> {
    if let Some(v) = parts.headers.get(header::AUTHORIZATION) {
        let v = v.to_str().ok()?.trim();
        let (scheme, rest) = v.split_once(' ')?;
        return scheme
            .eq_ignore_ascii_case("bearer")
            .then(|| rest.trim().to_string());
    }
    let q = parts.uri.query()?;
    url::form_urlencoded::parse(q.as_bytes())
        .find(|(k, _)| k == "qstash_token")
        .map(|(_, v)| v.into_owned())
}

impl FromRequestParts<App> for User {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _app: &App) -> Result<Self, Self::Rejection> {
        let Some(tok) = token(parts) else {
            return Err(ApiError::Unauthorized(
                "missing token: send Authorization: Bearer <QSTASH_TOKEN> or ?qstash_token=<QSTASH_TOKEN>"
                    .into(),
            ));
        };
        crate::app::USERS
            .iter()
            .position(|u| u.token == tok)
            // Users are numbered from 1, in table order (as `store::keys::seed` does).
            .map(|i| User((i + 1) as UserId))
            .ok_or_else(|| ApiError::Unauthorized("invalid token".into()))
    }
}
