//! The HTTP API: QStash's `/v2/...` surface over [`App`].
//!
//! - [`router`] builds the axum router; `router.rs` only maps paths and methods to handlers.
//! - One file per resource parses the request (with [`crate::parse`]), calls [`App`] and shapes
//!   the response: `publish.rs` (publish, enqueue, batch), `messages.rs`, `logs.rs`, `dlq.rs`,
//!   `keys.rs`, `queues.rs`, `url_groups.rs`, `schedules.rs`, `flow_control.rs`.
//! - `auth.rs` (bearer token or `?qstash_token=`), `error.rs` (`ApiError` → status +
//!   `{"error": "..."}`), `request.rs` (bounded bodies, query filters, JSON).
//!
//! Client input never produces a 500 or a panic: bad JSON, bad UTF-8, unknown filters,
//! oversized bodies and wrong methods all map to a 4xx with a message naming the problem.

pub mod auth;
pub mod dlq;
pub mod error;
pub mod flow_control;
pub mod keys;
pub mod logs;
pub mod messages;
pub mod publish;
pub mod queues;
pub mod request;
mod router;
pub mod schedules;
pub mod url_groups;

use crate::app::App;

pub use error::ApiError;

/// The full API router (with CORS), ready for `axum::serve`.
///
/// Serve it with `into_make_service_with_connect_info::<SocketAddr>()` so messages record the
/// publisher's IP (`callerIP`); without connection info the field is omitted.
///
/// ```no_run
/// # async fn demo() {
/// use std::net::SocketAddr;
/// let app = qstash_server::App::start(qstash_server::Config::new("/tmp/q.db")).unwrap();
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
/// let router = qstash_server::http::router(app);
/// axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>())
///     .await
///     .unwrap();
/// # }
/// ```
pub fn router(app: App) -> axum::Router {
    router::routes().with_state(app)
}

impl From<crate::app::AppError> for ApiError {
    fn from(e: crate::app::AppError) -> Self {
        use crate::app::AppError as E;
        match e {
            E::NotFound(m) => ApiError::NotFound(m),
            E::BadRequest(m) => ApiError::BadRequest(m),
            // QStash has no 409; a conflicting request is a bad request from the client's view.
            E::Conflict(m) => ApiError::BadRequest(m),
            E::Precondition(m) => ApiError::PreconditionFailed(m),
            E::Internal(m) => ApiError::Internal(m),
        }
    }
}
