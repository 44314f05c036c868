//! Queues: `client.queue({queueName})` (`upsert`, `get`, `list`, `delete`, `pause`,
//! `resume`; `enqueue` lives in [`super::publish`]).

use serde::Deserialize;

use super::{js_json_number, json_string, ApiRequest, Method, ResponseShape};
use crate::error::{self, Result};

fn check(queue: &str) -> Result<()> {
    if queue.is_empty() {
        return Err(error::usage(
            "Please provide a queue name to the Queue constructor",
        ));
    }
    Ok(())
}

/// Options of `queue.upsert`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UpsertQueueRequest {
    /// Parallel consumers. Default: 1.
    #[serde(default)]
    pub parallelism: Option<f64>,
    /// Create or set the queue paused. Default: false.
    #[serde(default)]
    pub paused: Option<bool>,
}

/// `queue.upsert(req)`: `POST /v2/queues` with `{"queueName","parallelism","paused"}`;
/// response ignored.
///
/// ```
/// use qstash_wasm::api::queues;
/// let r = queues::upsert("q", &Default::default()).unwrap();
/// assert_eq!(r.body.unwrap().as_text(), Some(r#"{"queueName":"q","parallelism":1,"paused":false}"#));
/// ```
pub fn upsert(queue: &str, req: &UpsertQueueRequest) -> Result<ApiRequest> {
    check(queue)?;
    let body = format!(
        "{{\"queueName\":{},\"parallelism\":{},\"paused\":{}}}",
        json_string(queue),
        js_json_number(req.parallelism.unwrap_or(1.0)),
        req.paused.unwrap_or(false)
    );
    Ok(ApiRequest::new(Method::Post, &["v2", "queues"])
        .with_json_body(body)
        .with_shape(ResponseShape::Ignore))
}

/// `queue.get()`: `GET /v2/queues/{name}`.
pub fn get(queue: &str) -> Result<ApiRequest> {
    check(queue)?;
    Ok(ApiRequest::new(Method::Get, &["v2", "queues", queue]))
}

/// `queue.list()`: `GET /v2/queues` (no name needed).
pub fn list() -> ApiRequest {
    ApiRequest::new(Method::Get, &["v2", "queues"])
}

/// `queue.delete()`: `DELETE /v2/queues/{name}`; response ignored.
pub fn delete(queue: &str) -> Result<ApiRequest> {
    check(queue)?;
    Ok(ApiRequest::new(Method::Delete, &["v2", "queues", queue]).with_shape(ResponseShape::Ignore))
}

/// `queue.pause()`: `POST /v2/queues/{name}/pause`; response ignored.
pub fn pause(queue: &str) -> Result<ApiRequest> {
    check(queue)?;
    Ok(
        ApiRequest::new(Method::Post, &["v2", "queues", queue, "pause"])
            .with_shape(ResponseShape::Ignore),
    )
}

/// `queue.resume()`: `POST /v2/queues/{name}/resume`; response ignored.
pub fn resume(queue: &str) -> Result<ApiRequest> {
    check(queue)?;
    Ok(
        ApiRequest::new(Method::Post, &["v2", "queues", queue, "resume"])
            .with_shape(ResponseShape::Ignore),
    )
}
