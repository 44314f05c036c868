//! Paths and methods → handlers (plus the two layers every route shares: small bodies are
//! read before the handler runs, and CORS).

use axum::http::{header, Method};
use axum::routing::{delete, get, post};
use axum::Router;
use tower_http::cors::{AllowHeaders, AllowMethods, AllowOrigin, CorsLayer, ExposeHeaders};

use super::error::ApiError;
use super::{
    dlq, flow_control, keys, logs, messages, publish, queues, request, schedules, url_groups,
};
use crate::app::App;

pub(super) fn routes() -> Router<App> {
    Router::new()
        // publish family
        .route("/v2/publish/{*destination}", post(publish::publish))
        .route("/v2/enqueue/{queue}/{*destination}", post(publish::enqueue))
        .route("/v2/batch", post(publish::batch))
        // messages
        .route("/v2/messages", delete(messages::cancel_many))
        .route(
            "/v2/messages/{id}",
            get(messages::get).delete(messages::cancel),
        )
        // logs
        .route("/v2/events", get(logs::events))
        .route("/v2/logs", get(logs::logs))
        // dead-letter queue
        .route("/v2/dlq", get(dlq::list).delete(dlq::delete_many))
        .route("/v2/dlq/retry", post(dlq::retry_many))
        .route("/v2/dlq/retry/{id}", post(dlq::retry))
        .route("/v2/dlq/{id}", get(dlq::get).delete(dlq::delete))
        // signing keys
        .route("/v2/keys", get(keys::get))
        .route("/v2/keys/rotate", post(keys::rotate))
        // queues
        .route("/v2/queues", get(queues::list).post(queues::upsert))
        .route("/v2/queues/{name}", get(queues::get).delete(queues::delete))
        .route("/v2/queues/{name}/pause", post(queues::pause))
        .route("/v2/queues/{name}/resume", post(queues::resume))
        // URL groups (topics)
        .route("/v2/topics", get(url_groups::list))
        .route(
            "/v2/topics/{name}",
            get(url_groups::get)
                .delete(url_groups::delete)
                .patch(url_groups::set_headers),
        )
        .route(
            "/v2/topics/{name}/endpoints",
            post(url_groups::add_endpoints).delete(url_groups::remove_endpoints),
        )
        // schedules: `POST /v2/schedules/{destination}` shares the prefix with
        // `/v2/schedules/{id}/pause`, so schedules.rs tells them apart by shape.
        .route("/v2/schedules", get(schedules::list))
        .route(
            "/v2/schedules/{*rest}",
            get(schedules::get)
                .delete(schedules::delete)
                .post(schedules::post)
                .patch(schedules::patch),
        )
        // flow control
        .route("/v2/flowControl", get(flow_control::list))
        .route("/v2/flowControl/{key}", get(flow_control::get))
        .route("/v2/flowControl/{key}/pause", post(flow_control::pause))
        .route("/v2/flowControl/{key}/resume", post(flow_control::resume))
        .route("/v2/flowControl/{key}/pin", post(flow_control::pin))
        .route("/v2/flowControl/{key}/unpin", post(flow_control::unpin))
        .route(
            "/v2/flowControl/{key}/resetRate",
            post(flow_control::reset_rate),
        )
        .route("/v2/flowControl/{key}/reset", post(flow_control::reset))
        .route(
            "/v2/globalParallelism",
            get(flow_control::global_parallelism),
        )
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(not_found)
        .layer(axum::middleware::from_fn(request::read_small_body_first))
        .layer(cors())
}

async fn method_not_allowed(method: Method, uri: axum::http::Uri) -> ApiError {
    ApiError::MethodNotAllowed(format!("method {method} is not allowed on {}", uri.path()))
}

async fn not_found(uri: axum::http::Uri) -> ApiError {
    ApiError::NotFound(format!("no route for {}", uri.path()))
}

/// Browsers (the console in `www/`) call the API cross-origin: allow any origin, method and
/// header, and expose the response headers clients read.
fn cors() -> CorsLayer {
    CorsLayer::new()
        .allow_origin(AllowOrigin::any())
        .allow_methods(AllowMethods::any())
        .allow_headers(AllowHeaders::any())
        .expose_headers(ExposeHeaders::list([
            header::CONTENT_TYPE,
            header::RETRY_AFTER,
            header::HeaderName::from_static("burst-ratelimit-limit"),
            header::HeaderName::from_static("burst-ratelimit-remaining"),
            header::HeaderName::from_static("burst-ratelimit-reset"),
            header::HeaderName::from_static("ratelimit-limit"),
            header::HeaderName::from_static("ratelimit-remaining"),
            header::HeaderName::from_static("ratelimit-reset"),
        ]))
        .max_age(std::time::Duration::from_secs(86_400))
}
