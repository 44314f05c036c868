//! Publishing: `PublishRequest` options → `Upstash-*` headers, and the publish, publishJSON,
//! batch, batchJSON, enqueue and enqueueJSON requests, plus API-provider publishing (LLM and
//! email providers, Helicone analytics).
//!
//! Header mapping (`processHeaders` in the official `src/client/utils.ts`):
//!
//! | option | header | value |
//! |---|---|---|
//! | `headers` | `Upstash-Forward-<name>` | [`prefix_headers`]; `Content-Type` and `Upstash-*` kept |
//! | `method` | `Upstash-Method` | always; default `POST` |
//! | `delay` | `Upstash-Delay` | string verbatim; number `n` → `${n.toFixed(0)}s` |
//! | `notBefore` | `Upstash-Not-Before` | `toFixed(0)` |
//! | `deduplicationId` | `Upstash-Deduplication-Id` | verbatim |
//! | `contentBasedDeduplication` | `Upstash-Content-Based-Deduplication` | `true` when true |
//! | `retries` | `Upstash-Retries` | `toFixed(0)` |
//! | `retryDelay` | `Upstash-Retry-Delay` | verbatim |
//! | `callback` / `failureCallback` | `Upstash-Callback` / `Upstash-Failure-Callback` | verbatim |
//! | `timeout` | `Upstash-Timeout` | string verbatim; number `n` → `${n}s` (not rounded) |
//! | `flowControl` | `Upstash-Flow-Control-Key` / `-Value` | `parallelism=5, rate=10, period=1m` |
//! | `label` | `Upstash-Label` | array joined with `,` |
//! | `redact` | `Upstash-Redact-Fields` | `body,header[Authorization]` |

use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use std::fmt;

use super::headers::HeaderObject;
use super::{
    js_number_to_string, js_to_fixed0, prefix_headers, ApiRequest, Body, ClientContext, HeaderMap,
    HeadersInit, Method, ResponseShape,
};
use crate::error::{self, Result};

/// A duration: a string like `"10s"`, `"5m"`, `"1h"`, `"2d"` (sent verbatim) or a number of
/// seconds.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Duration {
    /// Sent as given, e.g. `"1m"`.
    Text(String),
    /// Seconds; formatting depends on the option (see each field).
    Seconds(f64),
}

impl From<&str> for Duration {
    fn from(s: &str) -> Self {
        Duration::Text(s.to_string())
    }
}
impl From<String> for Duration {
    fn from(s: String) -> Self {
        Duration::Text(s)
    }
}
impl From<f64> for Duration {
    fn from(n: f64) -> Self {
        Duration::Seconds(n)
    }
}
impl From<u32> for Duration {
    fn from(n: u32) -> Self {
        Duration::Seconds(n as f64)
    }
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Duration;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a duration string like \"10s\" or a number of seconds")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Duration, E> {
                Ok(Duration::Text(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> std::result::Result<Duration, E> {
                Ok(Duration::Seconds(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<Duration, E> {
                Ok(Duration::Seconds(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<Duration, E> {
                Ok(Duration::Seconds(v as f64))
            }
        }
        d.deserialize_any(V)
    }
}

/// One label or several (sent joined with `,`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Labels {
    /// A single label.
    One(String),
    /// Several labels: `["label-1", "label-2"]` → `label-1,label-2`.
    Many(Vec<String>),
}

impl Labels {
    /// `serializeLabel`: an array joined with `","`.
    pub fn serialize_label(&self) -> String {
        match self {
            Labels::One(s) => s.clone(),
            Labels::Many(v) => v.join(","),
        }
    }
}

impl From<&str> for Labels {
    fn from(s: &str) -> Self {
        Labels::One(s.to_string())
    }
}
impl From<String> for Labels {
    fn from(s: String) -> Self {
        Labels::One(s)
    }
}
impl From<Vec<String>> for Labels {
    fn from(v: Vec<String>) -> Self {
        Labels::Many(v)
    }
}
impl<const N: usize> From<[&str; N]> for Labels {
    fn from(v: [&str; N]) -> Self {
        Labels::Many(v.iter().map(|s| s.to_string()).collect())
    }
}

/// A string or an array of strings.
pub(crate) struct StrOrVec(pub Result<String, Vec<String>>);

impl<'de> Deserialize<'de> for StrOrVec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = StrOrVec;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string or an array of strings")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<StrOrVec, E> {
                Ok(StrOrVec(Ok(v.to_string())))
            }
            fn visit_seq<A: SeqAccess<'de>>(
                self,
                mut s: A,
            ) -> std::result::Result<StrOrVec, A::Error> {
                let mut out = Vec::new();
                while let Some(x) = s.next_element::<String>()? {
                    out.push(x);
                }
                Ok(StrOrVec(Err(out)))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for Labels {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        Ok(match StrOrVec::deserialize(d)?.0 {
            Ok(s) => Labels::One(s),
            Err(v) => Labels::Many(v),
        })
    }
}

/// Which parts of a message are redacted in logs and the console.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Redact {
    /// `true` redacts the body (`body`). Default: not redacted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<bool>,
    /// `true` redacts all headers (`header`); a list redacts those headers
    /// (`header[Authorization]`). Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<RedactHeader>,
}

/// `redact.header`: all headers, or a list of names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum RedactHeader {
    /// `true` → `header`; `false` → nothing.
    All(bool),
    /// `["A", "B"]` → `header[A],header[B]`; an empty list → nothing.
    Names(Vec<String>),
}

impl<'de> Deserialize<'de> for RedactHeader {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RedactHeader;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("true or an array of header names")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> std::result::Result<RedactHeader, E> {
                Ok(RedactHeader::All(v))
            }
            fn visit_seq<A: SeqAccess<'de>>(
                self,
                mut s: A,
            ) -> std::result::Result<RedactHeader, A::Error> {
                let mut out = Vec::new();
                while let Some(x) = s.next_element::<String>()? {
                    out.push(x);
                }
                Ok(RedactHeader::Names(out))
            }
        }
        d.deserialize_any(V)
    }
}

impl Redact {
    /// The `Upstash-Redact-Fields` value, `None` when there is nothing to redact.
    pub fn fields(&self) -> Option<String> {
        let mut parts = Vec::new();
        if self.body == Some(true) {
            parts.push("body".to_string());
        }
        match &self.header {
            Some(RedactHeader::All(true)) => parts.push("header".into()),
            Some(RedactHeader::Names(names)) => {
                parts.extend(names.iter().map(|n| format!("header[{n}]")))
            }
            _ => {}
        }
        (!parts.is_empty()).then(|| parts.join(","))
    }
}

/// Flow control: limit parallelism and/or rate for messages sharing a key.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FlowControl {
    /// The flow-control key. Empty → no flow-control headers at all.
    pub key: String,
    /// Max messages active at once for this key. Default: unlimited. `0` is sent as `0`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parallelism: Option<f64>,
    /// Max messages activated per `period`. Default: unlimited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<f64>,
    /// Deprecated alias of `rate` (used only when `rate` is absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_per_second: Option<f64>,
    /// The period of `rate`: a duration string, or seconds (`${n}s`). Default: `1s`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<Duration>,
}

impl FlowControl {
    /// The `Upstash-Flow-Control-Value`, e.g. `parallelism=5, rate=10, period=1m` (joined with
    /// `", "`). Errors when none of parallelism, rate or period is given.
    pub fn value(&self) -> Result<String> {
        let parallelism = self.parallelism.map(js_number_to_string);
        let rate = self.rate.or(self.rate_per_second).map(js_number_to_string);
        let period = match &self.period {
            Some(Duration::Seconds(n)) => Some(format!("{}s", js_number_to_string(*n))),
            Some(Duration::Text(s)) if !s.is_empty() => Some(s.clone()),
            _ => None,
        };
        let parts: Vec<String> = [
            parallelism.map(|p| format!("parallelism={p}")),
            rate.map(|r| format!("rate={r}")),
            period.map(|p| format!("period={p}")),
        ]
        .into_iter()
        .flatten()
        .collect();
        if parts.is_empty() {
            return Err(error::invalid_input(
                "Provide at least one of parallelism or ratePerSecond for flowControl",
            ));
        }
        Ok(parts.join(", "))
    }
}

/// Who serves an API-provider publish.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProviderOwner {
    /// Deprecated Upstash LLM (`https://qstash.upstash.io/llm`).
    Upstash,
    /// OpenAI (`https://api.openai.com`).
    Openai,
    /// Anthropic (`https://api.anthropic.com`).
    Anthropic,
    /// Any OpenAI-compatible endpoint.
    Custom,
    /// Resend email (`https://api.resend.com`).
    Resend,
}

/// An API provider, as built by `openai()`, `anthropic()`, `custom()`, `upstash()` or
/// `resend()`. Deserializes from the official provider objects too (extra fields such as
/// `apiKind` and `method` are ignored; the kind follows from `owner`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Provider {
    /// Who serves the request.
    pub owner: ProviderOwner,
    /// Provider base URL, without the route.
    pub base_url: String,
    /// Provider token (empty for `upstash()`, which then uses the QStash token).
    #[serde(default)]
    pub token: String,
    /// OpenAI organization (`OpenAI-Organization` header). Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<String>,
    /// Resend batch endpoint (`/emails/batch`). Default: false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch: Option<bool>,
}

impl Provider {
    /// `upstash()`: the deprecated Upstash LLM.
    pub fn upstash() -> Self {
        Provider {
            owner: ProviderOwner::Upstash,
            base_url: "https://qstash.upstash.io/llm".into(),
            token: String::new(),
            organization: None,
            batch: None,
        }
    }

    /// `openai({token, organization?})`.
    pub fn openai(token: impl Into<String>, organization: Option<String>) -> Self {
        Provider {
            owner: ProviderOwner::Openai,
            base_url: "https://api.openai.com".into(),
            token: token.into(),
            organization,
            batch: None,
        }
    }

    /// `anthropic({token})`.
    pub fn anthropic(token: impl Into<String>) -> Self {
        Provider {
            owner: ProviderOwner::Anthropic,
            base_url: "https://api.anthropic.com".into(),
            token: token.into(),
            organization: None,
            batch: None,
        }
    }

    /// `custom({baseUrl, token})`: a trailing `/v1/chat/completions` or `/chat/completions`
    /// is removed from `base_url`.
    ///
    /// ```
    /// use qstash_wasm::api::Provider;
    /// assert_eq!(Provider::custom("https://x.ai/v1/chat/completions", "t").base_url, "https://x.ai");
    /// ```
    pub fn custom(base_url: impl Into<String>, token: impl Into<String>) -> Self {
        let base: String = base_url.into();
        let trimmed = base
            .strip_suffix("/v1/chat/completions")
            .or_else(|| base.strip_suffix("/chat/completions"))
            .unwrap_or(&base)
            .to_string();
        Provider {
            owner: ProviderOwner::Custom,
            base_url: trimmed,
            token: token.into(),
            organization: None,
            batch: None,
        }
    }

    /// `resend({token, batch = false})`.
    pub fn resend(token: impl Into<String>, batch: bool) -> Self {
        Provider {
            owner: ProviderOwner::Resend,
            base_url: "https://api.resend.com".into(),
            token: token.into(),
            organization: None,
            batch: Some(batch),
        }
    }

    /// `llm` or `email`.
    pub fn api_kind(&self) -> &'static str {
        match self.owner {
            ProviderOwner::Resend => "email",
            _ => "llm",
        }
    }

    /// `owner` as the official spells it (`"openai"`, `"resend"`, ...).
    pub fn owner_name(&self) -> &'static str {
        match self.owner {
            ProviderOwner::Upstash => "upstash",
            ProviderOwner::Openai => "openai",
            ProviderOwner::Anthropic => "anthropic",
            ProviderOwner::Custom => "custom",
            ProviderOwner::Resend => "resend",
        }
    }

    /// `getRoute()`: the path segments after `base_url`.
    ///
    /// ```
    /// use qstash_wasm::api::Provider;
    /// assert_eq!(Provider::anthropic("t").route(), ["v1", "messages"]);
    /// assert_eq!(Provider::resend("t", true).route(), ["emails", "batch"]);
    /// ```
    pub fn route(&self) -> Vec<String> {
        let r: &[&str] = match self.owner {
            ProviderOwner::Resend if self.batch == Some(true) => &["emails", "batch"],
            ProviderOwner::Resend => &["emails"],
            ProviderOwner::Anthropic => &["v1", "messages"],
            _ => &["v1", "chat", "completions"],
        };
        r.iter().map(|s| s.to_string()).collect()
    }

    /// `getHeaders({ analytics })`: the headers forwarded to the provider. The Upstash LLM
    /// sends only a content type unless analytics are on.
    ///
    /// ```
    /// use qstash_wasm::api::Provider;
    /// let h = Provider::upstash().headers(false);
    /// assert_eq!(h, [("content-type".to_string(), "application/json".to_string())]);
    /// assert_eq!(Provider::openai("sk", None).headers(false)[0].1, "Bearer sk");
    /// ```
    pub fn headers(&self, analytics: bool) -> Vec<(String, String)> {
        let t = &self.token;
        match self.owner {
            ProviderOwner::Resend => vec![("authorization".into(), format!("Bearer {t}"))],
            ProviderOwner::Upstash if !analytics => {
                vec![("content-type".into(), "application/json".into())]
            }
            ProviderOwner::Anthropic => vec![
                ("x-api-key".into(), t.clone()),
                ("content-type".into(), "application/json".into()),
                ("anthropic-version".into(), "2023-06-01".into()),
            ],
            _ => {
                let mut h = vec![
                    ("authorization".into(), format!("Bearer {t}")),
                    ("content-type".into(), "application/json".into()),
                ];
                if self.owner == ProviderOwner::Openai {
                    if let Some(org) = self.organization.as_ref().filter(|o| !o.is_empty()) {
                        h.push(("OpenAI-Organization".into(), org.clone()));
                    }
                }
                h
            }
        }
    }
}

/// LLM analytics (`{name: "helicone", token}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Analytics {
    /// Only `helicone` is supported.
    pub name: String,
    /// The Helicone API key.
    pub token: String,
}

/// The `api` option: publish to an LLM or email provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PublishApi {
    /// `llm` or `email`; must match the provider's kind.
    pub name: String,
    /// The provider. Default: `upstash()`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<Provider>,
    /// LLM analytics. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub analytics: Option<Analytics>,
}

/// Options of `publish`, `publishJSON`, `enqueue`, `enqueueJSON` and of each `batch` item
/// (`PublishRequest & {queueName?}` in the official SDK). Field names are the JS ones
/// (camelCase) when deserialized; unknown fields are rejected by name.
///
/// Exactly one destination is expected: `url`, `urlGroup`, `topic` or `api`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PublishRequest {
    /// Destination URL, put raw into the path. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Destination URL group name. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url_group: Option<String>,
    /// Deprecated alias of `url_group`. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
    /// API-provider destination (LLM or email). Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api: Option<PublishApi>,
    /// The message body. For the `*_json` builders this must already be the JSON text.
    /// Default: no body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<Body>,
    /// Headers to forward (`Upstash-Forward-*`); `Content-Type` and `Upstash-*` pass as is.
    /// Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headers: Option<HeadersInit>,
    /// Delivery delay: string verbatim, seconds as `${n.toFixed(0)}s`. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay: Option<Duration>,
    /// Unix time in **seconds** before which the message is not delivered (`toFixed(0)`);
    /// overrides `delay` on the server. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_before: Option<f64>,
    /// Deduplication id. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deduplication_id: Option<String>,
    /// Deduplicate by content hash. Default: false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_based_deduplication: Option<bool>,
    /// Delivery retries (`toFixed(0)`). Default: the server's (3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retries: Option<f64>,
    /// Retry delay expression, e.g. `pow(2, retried) * 1000`. Default: exponential backoff.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_delay: Option<String>,
    /// Callback URL for the destination's response. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback: Option<String>,
    /// Callback URL after delivery finally fails. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_callback: Option<String>,
    /// HTTP method used to deliver. Default: `POST` (always sent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Delivery timeout: string verbatim, seconds as `${n}s` (not rounded). Default: the
    /// plan's maximum.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<Duration>,
    /// Flow control. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flow_control: Option<FlowControl>,
    /// Label(s) for filtering logs. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<Labels>,
    /// Fields to redact in logs. Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redact: Option<Redact>,
    /// Batch only: enqueue this item into the named queue (`queue` in the batch body).
    /// Default: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue_name: Option<String>,
}

fn init_map(h: &Option<HeadersInit>) -> Result<HeaderMap> {
    match h {
        Some(init) => init.to_map(),
        None => Ok(HeaderMap::new()),
    }
}

/// Number → `${n.toFixed(0)}s`; string verbatim.
pub(crate) fn delay_value(d: &Duration) -> String {
    match d {
        Duration::Text(s) => s.clone(),
        Duration::Seconds(n) => format!("{}s", js_to_fixed0(*n)),
    }
}

/// Number → `${n}s` (JS number formatting, no rounding); string verbatim.
pub(crate) fn timeout_value(d: &Duration) -> String {
    match d {
        Duration::Text(s) => s.clone(),
        Duration::Seconds(n) => format!("{}s", js_number_to_string(*n)),
    }
}

/// The option → header part shared by publish and schedule create.
pub(crate) struct CommonOptions<'a> {
    pub delay: &'a Option<Duration>,
    pub retries: Option<f64>,
    pub retry_delay: &'a Option<String>,
    pub callback: &'a Option<String>,
    pub failure_callback: &'a Option<String>,
    pub timeout: &'a Option<Duration>,
}

pub(crate) fn apply_common(h: &mut HeaderMap, o: CommonOptions<'_>) -> Result<()> {
    if let Some(d) = o.delay {
        h.set("Upstash-Delay", &delay_value(d))?;
    }
    if let Some(r) = o.retries {
        h.set("Upstash-Retries", &js_to_fixed0(r))?;
    }
    if let Some(r) = o.retry_delay {
        h.set("Upstash-Retry-Delay", r)?;
    }
    if let Some(c) = o.callback {
        h.set("Upstash-Callback", c)?;
    }
    if let Some(c) = o.failure_callback {
        h.set("Upstash-Failure-Callback", c)?;
    }
    if let Some(t) = o.timeout {
        h.set("Upstash-Timeout", &timeout_value(t))?;
    }
    Ok(())
}

pub(crate) fn apply_flow_label_redact(
    h: &mut HeaderMap,
    flow: &Option<FlowControl>,
    label: &Option<Labels>,
    redact: &Option<Redact>,
) -> Result<()> {
    if let Some(fc) = flow.as_ref().filter(|f| !f.key.is_empty()) {
        let value = fc.value()?;
        h.set("Upstash-Flow-Control-Key", &fc.key)?;
        h.set("Upstash-Flow-Control-Value", &value)?;
    }
    if let Some(l) = label {
        h.set("Upstash-Label", &l.serialize_label())?;
    }
    if let Some(fields) = redact.as_ref().and_then(Redact::fields) {
        h.set("Upstash-Redact-Fields", &fields)?;
    }
    Ok(())
}

/// `processHeaders`: the request's own headers (prefixed) plus every option header. Global
/// and telemetry headers are not included (see [`ClientContext::wrap`]).
///
/// ```
/// use qstash_wasm::api::{publish::process_headers, FlowControl, PublishRequest};
/// let req = PublishRequest {
///     flow_control: Some(FlowControl { key: "k".into(), parallelism: Some(5.0), rate: Some(10.0), period: Some("1m".into()), ..Default::default() }),
///     ..Default::default()
/// };
/// let h = process_headers(&req).unwrap();
/// assert_eq!(h.get("Upstash-Flow-Control-Value"), Some("parallelism=5, rate=10, period=1m"));
/// ```
pub fn process_headers(req: &PublishRequest) -> Result<HeaderMap> {
    let mut h = prefix_headers(init_map(&req.headers)?);
    h.set("Upstash-Method", req.method.as_deref().unwrap_or("POST"))?;
    if let Some(d) = &req.delay {
        h.set("Upstash-Delay", &delay_value(d))?;
    }
    if let Some(nb) = req.not_before {
        h.set("Upstash-Not-Before", &js_to_fixed0(nb))?;
    }
    if let Some(id) = &req.deduplication_id {
        h.set("Upstash-Deduplication-Id", id)?;
    }
    if req.content_based_deduplication == Some(true) {
        h.set("Upstash-Content-Based-Deduplication", "true")?;
    }
    apply_common(
        &mut h,
        CommonOptions {
            delay: &None,
            retries: req.retries,
            retry_delay: &req.retry_delay,
            callback: &req.callback,
            failure_callback: &req.failure_callback,
            timeout: &req.timeout,
        },
    )?;
    apply_flow_label_redact(&mut h, &req.flow_control, &req.label, &req.redact)?;
    Ok(h)
}

/// An LLM request sent through Helicone analytics (the official `updateWithAnalytics`): the
/// new base URL and route, and the headers to add. The Upstash LLM has its own Helicone host
/// under `/llm`; any other provider goes through the gateway, which is told the real target.
///
/// ```
/// use qstash_wasm::api::publish::through_helicone;
/// let route = ["v1".to_string(), "chat".into(), "completions".into()];
/// let via = through_helicone(false, "https://api.openai.com", &route, "hk");
/// assert_eq!(via.base_url, "https://gateway.helicone.ai");
/// assert_eq!(via.route, route);
/// assert_eq!(via.headers[1], ("Helicone-Target-Url".to_string(), "https://api.openai.com".to_string()));
/// assert_eq!(through_helicone(true, "https://qstash.upstash.io/llm", &route, "hk").route[0], "llm");
/// ```
pub fn through_helicone(upstash: bool, base_url: &str, route: &[String], token: &str) -> Routed {
    let mut headers = vec![("Helicone-Auth".to_string(), format!("Bearer {token}"))];
    if upstash {
        let mut r = vec!["llm".to_string()];
        r.extend_from_slice(route);
        Routed {
            base_url: "https://qstash.helicone.ai".into(),
            route: r,
            headers,
        }
    } else {
        headers.push(("Helicone-Target-Url".into(), base_url.to_string()));
        Routed {
            base_url: "https://gateway.helicone.ai".into(),
            route: route.to_vec(),
            headers,
        }
    }
}

/// Where [`through_helicone`] sends a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Routed {
    /// The new base URL.
    pub base_url: String,
    /// The new route after it.
    pub route: Vec<String>,
    /// Headers to append.
    pub headers: Vec<(String, String)>,
}

/// What a provider resolves to (`ProviderInfo`).
#[derive(Debug, Clone, PartialEq, Eq)]
struct ProviderInfo {
    url: String,
    base_url: String,
    owner: ProviderOwner,
    append_headers: Vec<(String, String)>,
}

/// `getProviderInfo`, including the TypeErrors of the official SDK.
fn provider_info(api: &PublishApi, qstash_token: &str) -> Result<ProviderInfo> {
    let mut provider = api.provider.clone().unwrap_or_else(Provider::upstash);
    if provider.owner == ProviderOwner::Upstash && provider.token.is_empty() {
        provider.token = qstash_token.to_string();
    }
    if provider.base_url.is_empty() {
        return Err(error::type_error("baseUrl cannot be empty or undefined!"));
    }
    if provider.token.is_empty() {
        return Err(error::type_error("token cannot be empty or undefined!"));
    }
    if provider.api_kind() != api.name {
        return Err(error::type_error(format!(
            "Unexpected api name. Expected '{}', received {}",
            provider.api_kind(),
            api.name
        )));
    }
    let route = provider.route();
    let mut info = ProviderInfo {
        url: format!("{}/{}", provider.base_url, route.join("/")),
        base_url: provider.base_url.clone(),
        owner: provider.owner,
        append_headers: provider.headers(api.analytics.is_some()),
    };
    if provider.api_kind() == "llm" {
        if let Some(a) = &api.analytics {
            if a.name != "helicone" {
                return Err(error::usage("Unknown analytics provider"));
            }
            let via = through_helicone(
                info.owner == ProviderOwner::Upstash,
                &info.base_url,
                &route,
                &a.token,
            );
            info.append_headers.extend(via.headers);
            info.url = format!("{}/{}", via.base_url, via.route.join("/"));
            info.base_url = via.base_url;
        }
    }
    Ok(info)
}

/// `getRequestPath`: `url ?? urlGroup ?? topic` when non-empty, else `api/llm` for LLM, else
/// the email provider's base URL.
pub fn request_path(req: &PublishRequest) -> Result<String> {
    if let Some(p) = req
        .url
        .as_ref()
        .or(req.url_group.as_ref())
        .or(req.topic.as_ref())
    {
        if !p.is_empty() {
            return Ok(p.clone());
        }
    }
    if let Some(api) = &req.api {
        if api.name == "llm" {
            return Ok("api/llm".into());
        }
        if api.name == "email" {
            return Ok(provider_info(api, "not-needed")?.base_url);
        }
    }
    Err(error::invalid_input(format!(
        "Failed to infer request path for {}",
        serde_json::to_string(req).unwrap_or_default()
    )))
}

/// `processApi`: resolves `api` into a plain request (URL, method, provider headers). Without
/// `api`, just stores `headers`.
fn process_api(
    mut req: PublishRequest,
    headers: HeaderMap,
    qstash_token: &str,
) -> Result<PublishRequest> {
    let Some(api) = req.api.clone() else {
        req.headers = Some(headers.into());
        return Ok(req);
    };
    let info = provider_info(&api, qstash_token)?;
    // safeJoinHeaders: provider headers first, the request's own headers override them.
    let mut joined = HeaderMap::from_pairs(info.append_headers.iter().map(|(k, v)| (k, v)))?;
    for (k, v) in headers.iter() {
        joined.set(k, v)?;
    }
    req.headers = Some(joined.into());
    if req.method.is_none() {
        req.method = Some("POST".into());
    }
    if api.name == "llm" {
        if req.callback.as_deref().unwrap_or("").is_empty() {
            return Err(error::type_error(
                "Callback cannot be undefined when using LLM api.",
            ));
        }
        if info.owner == ProviderOwner::Upstash && api.analytics.is_none() {
            req.api = Some(PublishApi {
                name: "llm".into(),
                provider: None,
                analytics: None,
            });
            req.url = None;
        } else {
            req.url = Some(info.url);
            req.api = None;
        }
    } else {
        req.url = Some(info.url);
        req.api = None;
    }
    Ok(req)
}

fn publish_like(ctx: &ClientContext, req: PublishRequest, path: Vec<String>) -> Result<ApiRequest> {
    let headers = ctx.wrap(&process_headers(&req)?)?;
    let mut path = path;
    path.push(request_path(&req)?);
    Ok(ApiRequest {
        method: Method::Post,
        path,
        query: Vec::new(),
        headers: headers.into_vec(),
        body: req.body,
        parse_json: true,
        publish_family: true,
        keepalive: false,
        shape: ResponseShape::Json,
    })
}

/// `client.publish(req)`: `POST /v2/publish/{destination}`. Returns `{messageId, url?,
/// deduplicated?}`, or an array of those for a URL group.
pub fn publish(ctx: &ClientContext, req: PublishRequest) -> Result<ApiRequest> {
    publish_like(ctx, req, vec!["v2".into(), "publish".into()])
}

fn json_prepare(ctx: &ClientContext, req: PublishRequest) -> Result<PublishRequest> {
    let mut headers = prefix_headers(init_map(&req.headers)?);
    headers.set("Content-Type", "application/json")?;
    process_api(req, headers, &ctx.token)
}

/// `client.publishJSON(req)`: like [`publish`] with `Content-Type: application/json` and API
/// providers resolved. `req.body` must already be the JSON text (`JSON.stringify(body)`;
/// `None` for an undefined body).
pub fn publish_json(ctx: &ClientContext, req: PublishRequest) -> Result<ApiRequest> {
    let req = json_prepare(ctx, req)?;
    publish(ctx, req)
}

fn check_queue_name(queue: &str) -> Result<()> {
    if queue.is_empty() {
        return Err(error::usage(
            "Please provide a queue name to the Queue constructor",
        ));
    }
    Ok(())
}

/// `client.queue({queueName}).enqueue(req)`: `POST /v2/enqueue/{queue}/{destination}` with
/// the publish headers.
pub fn enqueue(ctx: &ClientContext, queue: &str, req: PublishRequest) -> Result<ApiRequest> {
    check_queue_name(queue)?;
    publish_like(
        ctx,
        req,
        vec!["v2".into(), "enqueue".into(), queue.to_string()],
    )
}

/// `queue.enqueueJSON(req)`: [`enqueue`] with the [`publish_json`] transformation; `req.body`
/// must already be the JSON text.
pub fn enqueue_json(ctx: &ClientContext, queue: &str, req: PublishRequest) -> Result<ApiRequest> {
    let req = json_prepare(ctx, req)?;
    enqueue(ctx, queue, req)
}

#[derive(Serialize)]
struct BatchItem<'a> {
    destination: String,
    headers: HeaderObject<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    body: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    queue: Option<&'a str>,
}

/// `client.batch(reqs)`: `POST /v2/batch` with a JSON array body of
/// `{destination, headers: {<lower-case name>: value}, body?, queue?}`. Each item carries the
/// global and telemetry headers; the outer request only `Content-Type: application/json`.
pub fn batch(ctx: &ClientContext, reqs: Vec<PublishRequest>) -> Result<ApiRequest> {
    let mut prepared = Vec::with_capacity(reqs.len());
    for m in &reqs {
        let headers = ctx.wrap(&process_headers(m)?)?.into_vec();
        let destination = request_path(m)?;
        prepared.push((destination, headers));
    }
    let mut items = Vec::with_capacity(reqs.len());
    for (m, (destination, headers)) in reqs.iter().zip(prepared.iter()) {
        let body =
            match &m.body {
                None => None,
                Some(b) => Some(b.as_text().ok_or_else(|| {
                    error::invalid_input("batch message bodies must be UTF-8 text")
                })?),
            };
        items.push(BatchItem {
            destination: destination.clone(),
            headers: HeaderObject(headers),
            body,
            queue: m.queue_name.as_deref().filter(|q| !q.is_empty()),
        });
    }
    let json = serde_json::to_string(&items).map_err(error::decode)?;
    Ok(ApiRequest::new(Method::Post, &["v2", "batch"])
        .with_json_body(json)
        .with_shape(ResponseShape::BatchArray))
}

/// `client.batchJSON(reqs)`: each item's provider resolved and `Content-Type:
/// application/json` set, then [`batch`]. Each `body` must already be the JSON text.
pub fn batch_json(ctx: &ClientContext, reqs: Vec<PublishRequest>) -> Result<ApiRequest> {
    let mut out = Vec::with_capacity(reqs.len());
    for m in reqs {
        let headers = init_map(&m.headers)?;
        let mut m = process_api(m, headers, &ctx.token)?;
        let mut h = init_map(&m.headers)?;
        h.set("Content-Type", "application/json")?;
        m.headers = Some(h.into());
        out.push(m);
    }
    batch(ctx, out)
}
