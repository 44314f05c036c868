//! Sends [`ApiRequest`]s through the platform `fetch` (wasm32 only).
//!
//! [`Transport`] is the one place that talks to the network: it adds the base URL and
//! `Authorization`, retries **network failures only** (`attempts + 1` calls, sleeping
//! `backoff(n)` ms between them — HTTP error statuses are never retried, as in the official
//! SDK), reads the body when it is needed and classifies the status.
//!
//! The JS facade can pass any JS `BodyInit` (Blob, FormData, ReadableStream…) as a raw body
//! override; everything else about the request still comes from the core.

mod fetch;
mod platform;

use std::rc::Rc;

use wasm_bindgen::JsValue;

use crate::api::retry::with_retries;
use crate::api::{check_response, default_backoff_ms, ApiRequest, ApiResponse, RetryPolicy};
use crate::error::{self, Result};

pub use fetch::sleep_ms;
pub use platform::{telemetry, ProcessEnv};

/// A backoff function: retry index (0-based) → milliseconds to wait.
pub type BackoffFn = Rc<dyn Fn(u32) -> f64>;

/// How the transport retries and times out.
#[derive(Clone)]
pub struct TransportConfig {
    /// Base URL without a trailing `/`.
    pub base_url: String,
    /// Bearer token.
    pub token: String,
    /// Retries after network failures. Default: 5.
    pub retry: RetryPolicy,
    /// Backoff between retries. Default: `e^n * 50` ms.
    pub backoff: BackoffFn,
    /// Abort a single fetch attempt after this many milliseconds. Default: none.
    pub timeout_ms: Option<u32>,
}

impl std::fmt::Debug for TransportConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TransportConfig")
            .field("base_url", &self.base_url)
            .field("retry", &self.retry)
            .field("timeout_ms", &self.timeout_ms)
            .finish_non_exhaustive()
    }
}

impl TransportConfig {
    /// Defaults: five retries with the official backoff, no timeout.
    pub fn new(base_url: impl Into<String>, token: impl Into<String>) -> Self {
        TransportConfig {
            base_url: base_url.into(),
            token: token.into(),
            retry: RetryPolicy::default(),
            backoff: Rc::new(default_backoff_ms),
            timeout_ms: None,
        }
    }
}

/// Sends requests with retries. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Transport {
    config: Rc<TransportConfig>,
}

/// What a network failure looked like: the JS value `fetch` rejected with, plus its message.
#[derive(Debug, Clone)]
pub struct NetworkFailure {
    /// The thrown JS value (so a JS caller can rethrow the original).
    pub value: JsValue,
    /// `String(error)`-like description.
    pub message: String,
}

impl Transport {
    /// A transport with the given configuration.
    pub fn new(config: TransportConfig) -> Self {
        Transport {
            config: Rc::new(config),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &TransportConfig {
        &self.config
    }

    /// Sends `req`, retrying network failures; returns the response once its status is
    /// 2xx, or the classified error. `raw_body`, when given, replaces `req.body` and is handed
    /// to `fetch` unchanged.
    pub async fn send(&self, req: &ApiRequest, raw_body: Option<&JsValue>) -> Result<ApiResponse> {
        match self.send_raw(req, raw_body).await {
            Ok(resp) => {
                check_response(&resp)?;
                Ok(resp)
            }
            Err(f) => Err(error::network(f.message)),
        }
    }

    /// Like [`Transport::send`] but does not classify the status, and reports a network
    /// failure with the original JS value.
    pub async fn send_raw(
        &self,
        req: &ApiRequest,
        raw_body: Option<&JsValue>,
    ) -> std::result::Result<ApiResponse, NetworkFailure> {
        let c = &self.config;
        let url = req.url(&c.base_url);
        let headers = req.wire_headers(&c.token);
        with_retries(
            c.retry,
            |i| (c.backoff)(i),
            |_| fetch::fetch_once(req, &url, &headers, raw_body, c.timeout_ms),
            sleep_ms,
        )
        .await
    }
}
