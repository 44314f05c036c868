//! Flow control: `client.flowControl` (`get`, `getGlobalParallelism`, `pause`, `resume`,
//! `pin`, `unpin`, `resetRate`), plus `list` (a server endpoint the JS SDK does not wrap).

use serde::Deserialize;

use super::{
    assert_non_empty, js_number_to_string, ApiRequest, Method, QueryObject, QueryValue,
    ResponseShape,
};
use crate::error::Result;

/// `flowControl.get(key)`: `GET /v2/flowControl/{key}` → `FlowControlInfo`.
///
/// ```
/// assert_eq!(qstash_wasm::api::flow_control::get("k").unwrap().url("https://q.io"), "https://q.io/v2/flowControl/k");
/// ```
pub fn get(key: &str) -> Result<ApiRequest> {
    assert_non_empty(key, "Flow control key")?;
    Ok(ApiRequest::new(Method::Get, &["v2", "flowControl", key]))
}

/// `GET /v2/flowControl` → `FlowControlInfo[]` (not in the official JS SDK).
pub fn list() -> ApiRequest {
    ApiRequest::new(Method::Get, &["v2", "flowControl"])
}

/// `flowControl.getGlobalParallelism()`: `GET /v2/globalParallelism`; missing values → 0.
pub fn global_parallelism() -> ApiRequest {
    ApiRequest::new(Method::Get, &["v2", "globalParallelism"])
        .with_shape(ResponseShape::GlobalParallelism)
}

fn action(key: &str, what: &str) -> ApiRequest {
    ApiRequest::new(Method::Post, &["v2", "flowControl", key, what])
        .with_shape(ResponseShape::Ignore)
}

/// `flowControl.pause(key)`: `POST /v2/flowControl/{key}/pause` (no empty-key check, like
/// the official SDK).
pub fn pause(key: &str) -> ApiRequest {
    action(key, "pause")
}

/// `flowControl.resume(key)`: `POST /v2/flowControl/{key}/resume`.
pub fn resume(key: &str) -> ApiRequest {
    action(key, "resume")
}

/// `flowControl.resetRate(key)`: `POST /v2/flowControl/{key}/resetRate`.
pub fn reset_rate(key: &str) -> ApiRequest {
    action(key, "resetRate")
}

/// Options of `flowControl.pin`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PinOptions {
    /// Parallelism to pin. Default: not pinned.
    #[serde(default)]
    pub parallelism: Option<f64>,
    /// Rate to pin. Default: not pinned.
    #[serde(default)]
    pub rate: Option<f64>,
    /// Rate period in seconds. Default: not pinned.
    #[serde(default)]
    pub period: Option<f64>,
}

/// `flowControl.pin(key, opts)`: `POST /v2/flowControl/{key}/pin?parallelism=&rate=&period=`
/// (absent values omitted).
pub fn pin(key: &str, opts: &PinOptions) -> Result<ApiRequest> {
    let mut q = QueryObject::new();
    let num = |v: Option<f64>| v.map(|n| QueryValue::One(js_number_to_string(n)));
    q.set("parallelism", num(opts.parallelism));
    q.set("rate", num(opts.rate));
    q.set("period", num(opts.period));
    let mut r = action(key, "pin");
    r.query = q.into_pairs()?;
    Ok(r)
}

/// Options of `flowControl.unpin`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct UnpinOptions {
    /// Unpin parallelism. Default: not sent.
    #[serde(default)]
    pub parallelism: Option<bool>,
    /// Unpin rate. Default: not sent.
    #[serde(default)]
    pub rate: Option<bool>,
}

/// `flowControl.unpin(key, opts)`: `POST /v2/flowControl/{key}/unpin?parallelism=true&rate=false`.
pub fn unpin(key: &str, opts: &UnpinOptions) -> Result<ApiRequest> {
    let mut q = QueryObject::new();
    let b = |v: Option<bool>| v.map(|x| QueryValue::One(x.to_string()));
    q.set("parallelism", b(opts.parallelism));
    q.set("rate", b(opts.rate));
    let mut r = action(key, "unpin");
    r.query = q.into_pairs()?;
    Ok(r)
}
