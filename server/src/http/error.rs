//! `ApiError`: every way a request can fail, mapped to a status and QStash's
//! `{"error": "..."}` body.
//!
//! Client input is always a 4xx with a message naming the field; a 500 only ever comes from
//! the engine failing (disk full, database corruption), never from what a client sent.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::parse::ParseError;
use crate::rate_limit::Limited;

/// An API failure: status + message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// 400: malformed or invalid input; the message names the field.
    BadRequest(String),
    /// 401: missing or unknown token.
    Unauthorized(String),
    /// 404: unknown id / name / path.
    NotFound(String),
    /// 405: known path, wrong method.
    MethodNotAllowed(String),
    /// 412: a limit (queues, schedules, parallelism) would be exceeded.
    PreconditionFailed(String),
    /// 413: body larger than the endpoint accepts.
    PayloadTooLarge(String),
    /// 429: an opt-in rate limit (`--rate-limit`, `--daily-limit`) was reached.
    RateLimited(Limited),
    /// 500: the engine failed; never caused by client input.
    Internal(String),
}

impl ApiError {
    /// A 400 about `field`: `invalid <field>: <message>`.
    ///
    /// ```
    /// use qstash_server::http::error::ApiError;
    /// assert_eq!(
    ///     ApiError::field("count", "must be at least 1"),
    ///     ApiError::BadRequest("invalid count: must be at least 1".into())
    /// );
    /// ```
    pub fn field(field: &str, message: impl std::fmt::Display) -> ApiError {
        ApiError::BadRequest(format!("invalid {field}: {message}"))
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::PreconditionFailed(_) => StatusCode::PRECONDITION_FAILED,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The message that goes into `{"error": ...}`.
    pub fn message(&self) -> std::borrow::Cow<'_, str> {
        match self {
            ApiError::RateLimited(l) => l.message().into(),
            ApiError::BadRequest(m)
            | ApiError::Unauthorized(m)
            | ApiError::NotFound(m)
            | ApiError::MethodNotAllowed(m)
            | ApiError::PreconditionFailed(m)
            | ApiError::PayloadTooLarge(m)
            | ApiError::Internal(m) => m.as_str().into(),
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status().as_u16(), self.message())
    }
}

impl std::error::Error for ApiError {}

impl From<ParseError> for ApiError {
    fn from(e: ParseError) -> Self {
        ApiError::BadRequest(e.to_string())
    }
}

/// Builds a JSON response from a status and a serializable value.
pub(crate) fn json_response<T: serde::Serialize>(status: StatusCode, value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(body) => (
            status,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            body,
        )
            .into_response(),
        // Our own types always serialize; if one ever did not, say so instead of panicking.
        Err(e) => ApiError::Internal(format!("failed to encode response: {e}")).into_response(),
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(m) = &self {
            tracing::error!(error = %m, "internal error");
        }
        let mut res = json_response(
            self.status(),
            &serde_json::json!({ "error": self.message() }),
        );
        if let ApiError::RateLimited(l) = &self {
            for (name, value) in l.headers() {
                if let Ok(v) = HeaderValue::from_str(&value) {
                    res.headers_mut().insert(name, v);
                }
            }
        }
        res
    }
}

/// Handler results.
pub type ApiResult<T = Response> = Result<T, ApiError>;
