//! Signing keys (`GET /v2/keys`, `POST /v2/keys/rotate`): server endpoints the official JS
//! SDK does not wrap (PY's `signing_key.get/rotate`).

use super::{ApiRequest, Method};

/// `GET /v2/keys` → `{current, next}`.
///
/// ```
/// assert_eq!(qstash_wasm::api::signing_keys::get().url("https://q.io"), "https://q.io/v2/keys");
/// ```
pub fn get() -> ApiRequest {
    ApiRequest::new(Method::Get, &["v2", "keys"])
}

/// `POST /v2/keys/rotate` → the new `{current, next}`.
pub fn rotate() -> ApiRequest {
    ApiRequest::new(Method::Post, &["v2", "keys", "rotate"])
}
