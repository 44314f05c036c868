//! Domain types: what the HTTP layer hands to [`crate::app::App`] and what it gets back.
//!
//! Two kinds live here:
//! - **inputs** ([`NewMessage`], [`NewSchedule`], [`Overrides`], the filters) built by
//!   `http/` + `parse/` from headers, paths and query strings; they are plain Rust, no serde;
//! - **wire outputs** ([`Message`], [`LogEntry`], [`DlqMessage`], [`Queue`], [`UrlGroup`],
//!   [`Schedule`], [`FlowControlInfo`], [`PublishResult`], …) that serialize to exactly the JSON
//!   QStash returns (camelCase, Go-style `omitempty`: absent options are omitted, see reference
//!   §4.2, §4.4, §5, §6, §7, §8).
//!
//! Header maps are `name → [values]` with Go-canonical names (`Content-Type`,
//! `Bypass-Tunnel-Reminder`); [`canonical_header_name`] produces them.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One of the four fixed dev users (1 = the SDK default user), see reference §12.
pub type UserId = u32;

/// Headers as QStash stores and returns them: canonical name → values.
pub type HeaderMap = BTreeMap<String, Vec<String>>;

/// Turns `content-type` into `Content-Type`, the way Go's `textproto.CanonicalMIMEHeaderKey`
/// does: first letter and every letter after `-` upper-case, the rest lower-case.
///
/// ```
/// use qstash_server::model::canonical_header_name;
/// assert_eq!(canonical_header_name("bypass-tunnel-reminder"), "Bypass-Tunnel-Reminder");
/// assert_eq!(canonical_header_name("X-API-KEY"), "X-Api-Key");
/// ```
pub fn canonical_header_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = true;
    for c in name.chars() {
        if upper {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
        upper = c == '-';
    }
    out
}

// ───────────────────────────── inputs ─────────────────────────────

/// Where a message goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// An `http://` or `https://` URL, exactly as published (query string included).
    Url(String),
    /// A URL-group (topic) name: one message per endpoint.
    UrlGroup(String),
}

impl Destination {
    /// The URL or the group name, as text (used for dedup hashing and schedules' `destination`).
    pub fn as_str(&self) -> &str {
        match self {
            Destination::Url(s) | Destination::UrlGroup(s) => s,
        }
    }
}

/// How a duplicate publish is recognised (reference §9).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dedup {
    /// `Upstash-Deduplication-Id: <id>`.
    Id(String),
    /// `Upstash-Content-Based-Deduplication: true`: hash of destination, body, content type and
    /// forwarded headers.
    ContentBased,
}

/// `Upstash-Redact-Fields`: what API output hides as `REDACTED:<sha256>` (delivery is unchanged).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Redact {
    /// `body`: hide the body.
    #[serde(default)]
    pub body: bool,
    /// `header` / `headers`: hide every header value.
    #[serde(default)]
    pub all_headers: bool,
    /// `header[Name]`: hide these headers' values (canonical names).
    #[serde(default)]
    pub headers: Vec<String>,
}

impl Redact {
    /// Whether nothing is redacted.
    pub fn is_empty(&self) -> bool {
        !self.body && !self.all_headers && self.headers.is_empty()
    }
}

/// Flow control settings of a message (`Upstash-Flow-Control-Key` + `-Value`), reference §6.2.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FlowControl {
    /// The key the limits are counted under (shared by every message with the same key).
    pub key: String,
    /// Max HTTP calls in flight for the key; `None` = unlimited.
    pub parallelism: Option<u32>,
    /// Max dispatches per `period_secs`; `None` = unlimited.
    pub rate: Option<u32>,
    /// The rate window in seconds (default 1).
    pub period_secs: u64,
}

/// The configuration of a callback or failure-callback message (`Upstash-Callback-*` /
/// `Upstash-Failure-Callback-*`, reference §3.3).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallbackConfig {
    /// The callback URL (http/https).
    pub url: String,
    /// `-Method`; `None` = POST.
    pub method: Option<String>,
    /// `-Retries`; `None` = the source message's retries.
    pub retries: Option<u32>,
    /// `-Timeout` in milliseconds.
    pub timeout_ms: Option<u64>,
    /// `-Retry-Delay` expression source.
    pub retry_delay: Option<String>,
    /// `-Delay` in milliseconds (delay of the callback message).
    pub delay_ms: Option<u64>,
    /// Headers delivered with the callback: `-Forward-<X>` as `X`, and the generic
    /// re-prefixing (`Upstash-Callback-Workflow-RunId` → `Upstash-Workflow-RunId`). Canonical.
    #[serde(default)]
    pub headers: HeaderMap,
}

/// Everything a publish, enqueue, batch item, DLQ retry or schedule firing specifies.
///
/// Built by the HTTP layer; defaults are applied by the engine (`None` = QStash default).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMessage {
    /// URL or URL-group name.
    pub destination: Destination,
    /// HTTP method for delivery (`Upstash-Method`), upper-case; default `POST`.
    pub method: String,
    /// Headers delivered to the destination (forwarded, prefix stripped, canonical names,
    /// plus pass-through `Upstash-Workflow-*`). Does NOT include Content-Type.
    pub headers: HeaderMap,
    /// The body, byte for byte.
    pub body: Vec<u8>,
    /// The publish request's `Content-Type`, sent on delivery as is.
    pub content_type: Option<String>,
    /// `Upstash-Retries`; `None` = 3.
    pub retries: Option<u32>,
    /// `Upstash-Retry-Delay` expression source (already validated by `parse::expr`).
    pub retry_delay: Option<String>,
    /// `Upstash-Timeout` in milliseconds; `None` = config default.
    pub timeout_ms: Option<u64>,
    /// `Upstash-Delay` in milliseconds (ignored when `not_before_ms` is set).
    pub delay_ms: Option<u64>,
    /// `Upstash-Not-Before`, absolute unix milliseconds (wins over `delay_ms`).
    pub not_before_ms: Option<i64>,
    /// `Upstash-Callback` + its configuration.
    pub callback: Option<CallbackConfig>,
    /// `Upstash-Failure-Callback` + its configuration.
    pub failure_callback: Option<CallbackConfig>,
    /// Deduplication, if asked for.
    pub dedup: Option<Dedup>,
    /// `Upstash-Label` values, in order.
    pub labels: Vec<String>,
    /// `Upstash-Redact-Fields`.
    pub redact: Redact,
    /// Queue name (enqueue, batch `queue`, schedule `Upstash-Queue-Name`).
    pub queue: Option<String>,
    /// Flow control.
    pub flow_control: Option<FlowControl>,
    /// The publisher's IP (`Upstash-Caller-Ip` on delivery).
    pub caller_ip: Option<String>,
    /// Set by the scheduler for messages a schedule produces.
    pub schedule_id: Option<String>,
}

impl NewMessage {
    /// A message with every option at its default: POST, no headers, 3 retries.
    ///
    /// ```
    /// use qstash_server::model::{Destination, NewMessage};
    /// let m = NewMessage::new(Destination::Url("http://127.0.0.1:9/x".into()), b"hi".to_vec());
    /// assert_eq!(m.method, "POST");
    /// ```
    pub fn new(destination: Destination, body: Vec<u8>) -> Self {
        NewMessage {
            destination,
            method: "POST".into(),
            headers: HeaderMap::new(),
            body,
            content_type: None,
            retries: None,
            retry_delay: None,
            timeout_ms: None,
            delay_ms: None,
            not_before_ms: None,
            callback: None,
            failure_callback: None,
            dedup: None,
            labels: Vec::new(),
            redact: Redact::default(),
            queue: None,
            flow_control: None,
            caller_ip: None,
            schedule_id: None,
        }
    }
}

/// Publish-config headers sent with a DLQ retry; each `Some` replaces the original's value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    /// `Upstash-Method`.
    pub method: Option<String>,
    /// `Upstash-Retries`.
    pub retries: Option<u32>,
    /// `Upstash-Retry-Delay`.
    pub retry_delay: Option<String>,
    /// `Upstash-Timeout` (ms).
    pub timeout_ms: Option<u64>,
    /// `Upstash-Delay` (ms).
    pub delay_ms: Option<u64>,
    /// `Upstash-Not-Before` (unix ms).
    pub not_before_ms: Option<i64>,
    /// `Upstash-Callback*`.
    pub callback: Option<CallbackConfig>,
    /// `Upstash-Failure-Callback*`.
    pub failure_callback: Option<CallbackConfig>,
    /// `Upstash-Label`.
    pub labels: Option<Vec<String>>,
    /// `Upstash-Flow-Control-*`.
    pub flow_control: Option<FlowControl>,
    /// `Upstash-Forward-*` headers; merged over (replacing same-name) the original headers.
    pub headers: HeaderMap,
}

/// A schedule create/update (`POST /v2/schedules/{destination}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSchedule {
    /// `Upstash-Schedule-Id`: replace this schedule (or create it with this id).
    pub schedule_id: Option<String>,
    /// `Upstash-Cron`, as given (validated by `parse::cron`; stored trimmed).
    pub cron: String,
    /// The message every firing publishes; `delay_ms` delays each produced message.
    pub message: NewMessage,
}

/// Sort order for logs and DLQ listings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Order {
    /// Newest first (default for logs).
    #[default]
    LatestFirst,
    /// Oldest first (default for the DLQ).
    EarliestFirst,
}

/// `GET /v2/logs` / `/v2/events` filters. Multi-valued fields are OR within, AND across.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogFilter {
    /// Opaque cursor from a previous page.
    pub cursor: Option<String>,
    /// `messageId` / `messageIds`.
    pub message_ids: Vec<String>,
    /// `state`; `IN_PROGRESS` means ACTIVE|RETRY|ERROR; `CANCELED` is accepted for `CANCELLED`.
    pub states: Vec<String>,
    /// `url` (exact destination URL).
    pub urls: Vec<String>,
    /// `topicName`.
    pub topic_names: Vec<String>,
    /// `scheduleId`.
    pub schedule_ids: Vec<String>,
    /// `queueName`.
    pub queue_names: Vec<String>,
    /// `host` of the destination URL.
    pub hosts: Vec<String>,
    /// `path` of the destination URL.
    pub paths: Vec<String>,
    /// `label`.
    pub labels: Vec<String>,
    /// `callerIp`.
    pub caller_ips: Vec<String>,
    /// `flowControlKey`.
    pub flow_control_keys: Vec<String>,
    /// `fromDate` (ms, inclusive).
    pub from_date: Option<i64>,
    /// `toDate` (ms, inclusive).
    pub to_date: Option<i64>,
    /// `count` (default 100, max 1000).
    pub count: Option<usize>,
    /// `order`.
    pub order: Order,
}

/// `DELETE /v2/messages` filters (`message_ids` non-empty ⇒ other filters ignored; all empty ⇒
/// cancel everything).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MessageFilter {
    /// `messageIds`.
    pub message_ids: Vec<String>,
    /// `topicName`.
    pub topic_names: Vec<String>,
    /// `queueName`.
    pub queue_names: Vec<String>,
    /// `url`.
    pub urls: Vec<String>,
    /// `host`.
    pub hosts: Vec<String>,
    /// `path`.
    pub paths: Vec<String>,
    /// `label`.
    pub labels: Vec<String>,
    /// `flowControlKey`.
    pub flow_control_keys: Vec<String>,
    /// `scheduleId`.
    pub schedule_ids: Vec<String>,
    /// `callerIp`.
    pub caller_ips: Vec<String>,
    /// `fromDate` (ms, inclusive, on `createdAt`).
    pub from_date: Option<i64>,
    /// `toDate` (ms, inclusive).
    pub to_date: Option<i64>,
}

/// `GET|DELETE /v2/dlq`, `POST /v2/dlq/retry` filters (`dlq_ids` non-empty ⇒ others ignored).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DlqFilter {
    /// Opaque cursor from a previous page.
    pub cursor: Option<String>,
    /// `dlqIds`.
    pub dlq_ids: Vec<String>,
    /// `messageId`.
    pub message_ids: Vec<String>,
    /// `url`.
    pub urls: Vec<String>,
    /// `topicName`.
    pub topic_names: Vec<String>,
    /// `scheduleId`.
    pub schedule_ids: Vec<String>,
    /// `queueName`.
    pub queue_names: Vec<String>,
    /// `responseStatus`.
    pub response_statuses: Vec<u16>,
    /// `callerIp`.
    pub caller_ips: Vec<String>,
    /// `label`.
    pub labels: Vec<String>,
    /// `flowControlKey`.
    pub flow_control_keys: Vec<String>,
    /// `fromDate` (ms inclusive, on the DLQ entry's time).
    pub from_date: Option<i64>,
    /// `toDate` (ms inclusive).
    pub to_date: Option<i64>,
    /// `count` (default and max 100).
    pub count: Option<usize>,
    /// `order` (default earliest first).
    pub order: Order,
    /// Only entries at or below this position: what the DLQ held when a bulk delete of every
    /// match began (not a query parameter).
    pub up_to_seq: Option<i64>,
}

impl DlqFilter {
    /// A filter with DLQ defaults (earliest first, no criteria).
    pub fn new() -> Self {
        DlqFilter {
            order: Order::EarliestFirst,
            ..Default::default()
        }
    }
}

// ───────────────────────────── outputs ─────────────────────────────

/// One element of a publish response (`{"messageId","url","deduplicated"?}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PublishResult {
    /// The message id (`msg_…`); for a duplicate, the existing message's id.
    pub message_id: String,
    /// The destination URL (the endpoint URL for a URL-group fan-out).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// `true` when this publish was a duplicate (response status 202); omitted otherwise.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deduplicated: bool,
}

/// A message as `GET /v2/messages/{id}` returns it (reference §4.2).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    /// `msg_…`.
    pub message_id: String,
    /// Destination URL (endpoint URL for URL-group messages).
    pub url: String,
    /// URL-group name, when published to a group.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topic_name: Option<String>,
    /// Endpoint name within the group, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub endpoint_name: Option<String>,
    /// Delivery method.
    pub method: String,
    /// Forwarded headers + `Content-Type` (canonical names, arrays); redacted if asked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header: Option<HeaderMap>,
    /// Body when it is valid UTF-8 (or its redaction).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// Body, standard base64, when it is not UTF-8.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_base64: Option<String>,
    /// Retry budget (always present, even 0).
    pub max_retries: u32,
    /// Earliest delivery time, unix ms (= `createdAt` without delay).
    pub not_before: i64,
    /// Creation time, unix ms.
    pub created_at: i64,
    /// Callback URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub callback: Option<String>,
    /// Failure-callback URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_callback: Option<String>,
    /// Headers delivered with the callback.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub callback_header: Option<HeaderMap>,
    /// Headers delivered with the failure callback.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_callback_header: Option<HeaderMap>,
    /// Queue, when enqueued.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queue_name: Option<String>,
    /// Producing schedule.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schedule_id: Option<String>,
    /// Publisher IP.
    #[serde(rename = "callerIP", skip_serializing_if = "Option::is_none")]
    pub caller_ip: Option<String>,
    /// First label (deprecated field, still returned).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// All labels.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub labels: Option<Vec<String>>,
    /// Flow-control key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flow_control_key: Option<String>,
    /// Flow-control rate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate: Option<u32>,
    /// Flow-control period in seconds (1 when a key is set without one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<u64>,
    /// Flow-control parallelism.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parallelism: Option<u32>,
    /// `Upstash-Retry-Delay` source.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_delay_expression: Option<String>,
}

/// A delivery-lifecycle state (reference §4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum LogState {
    /// Accepted and stored.
    Created,
    /// A delivery attempt is in progress.
    Active,
    /// 2xx received.
    Delivered,
    /// An attempt failed.
    Error,
    /// A retry is scheduled (`nextDeliveryTime`).
    Retry,
    /// Retries exhausted or non-retryable: moved to the DLQ.
    Failed,
    /// A cancel was received.
    CancelRequested,
    /// The cancel was honoured.
    Cancelled,
}

impl LogState {
    /// The wire name (`CANCEL_REQUESTED`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            LogState::Created => "CREATED",
            LogState::Active => "ACTIVE",
            LogState::Delivered => "DELIVERED",
            LogState::Error => "ERROR",
            LogState::Retry => "RETRY",
            LogState::Failed => "FAILED",
            LogState::CancelRequested => "CANCEL_REQUESTED",
            LogState::Cancelled => "CANCELLED",
        }
    }

    /// Parses a wire name; accepts `CANCELED` for `CANCELLED` (the SDKs' spelling).
    pub fn parse(s: &str) -> Option<LogState> {
        Some(match s.to_ascii_uppercase().as_str() {
            "CREATED" => LogState::Created,
            "ACTIVE" => LogState::Active,
            "DELIVERED" => LogState::Delivered,
            "ERROR" => LogState::Error,
            "RETRY" => LogState::Retry,
            "FAILED" => LogState::Failed,
            "CANCEL_REQUESTED" => LogState::CancelRequested,
            "CANCELLED" | "CANCELED" => LogState::Cancelled,
            _ => return None,
        })
    }
}

/// One log event (`GET /v2/logs` / `/v2/events`, reference §4.4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LogEntry {
    /// Event time, unix ms.
    pub time: i64,
    /// The message.
    pub message_id: String,
    /// The state entered.
    pub state: LogState,
    /// Error text for ERROR/FAILED (e.g. `context deadline exceeded`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// For RETRY: when the next attempt is due, unix ms.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_delivery_time: Option<i64>,
    /// Destination URL.
    pub url: String,
    /// URL-group name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topic_name: Option<String>,
    /// Endpoint name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub endpoint_name: Option<String>,
    /// Producing schedule.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schedule_id: Option<String>,
    /// Queue.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queue_name: Option<String>,
    /// Message headers (redacted if asked).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header: Option<HeaderMap>,
    /// Message body, base64 (or its redaction).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// Destination's status (ERROR / FAILED / DELIVERED).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_status: Option<u16>,
    /// Destination's body, base64.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_body: Option<String>,
    /// Destination's headers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_headers: Option<HeaderMap>,
    /// Same as `responseHeaders` (the Python SDK reads the singular).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_header: Option<HeaderMap>,
    /// Per-attempt timeout, ms.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout: Option<u64>,
    /// Delivery method.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Callback URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub callback: Option<String>,
    /// Callback headers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub callback_headers: Option<HeaderMap>,
    /// Failure-callback URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_callback: Option<String>,
    /// Failure-callback headers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_callback_headers: Option<HeaderMap>,
    /// Retry budget.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_retries: Option<u32>,
    /// `Upstash-Retry-Delay` source.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_delay_expression: Option<String>,
    /// Same as `retryDelayExpression` (the Python SDK reads this name).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_delay_expr: Option<String>,
    /// First label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// All labels.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub labels: Option<Vec<String>>,
    /// Flow-control key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flow_control_key: Option<String>,
    /// Flow-control rate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate: Option<u32>,
    /// Flow-control parallelism.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parallelism: Option<u32>,
    /// Flow-control period, seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<u64>,
    /// Publisher IP.
    #[serde(rename = "callerIP", skip_serializing_if = "Option::is_none")]
    pub caller_ip: Option<String>,
}

/// A dead-letter entry: the message fields plus the last response (reference §8).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DlqMessage {
    /// The failed message (flattened: same fields as [`Message`]).
    #[serde(flatten)]
    pub message: Message,
    /// DLQ id, Redis-stream shaped (`1725323658779-0`).
    pub dlq_id: String,
    /// Last response status (0 when no response was received, e.g. a timeout).
    pub response_status: u16,
    /// Last response headers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_header: Option<HeaderMap>,
    /// Last response body when UTF-8.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_body: Option<String>,
    /// Last response body, base64, when not UTF-8.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_body_base64: Option<String>,
}

/// A queue (`GET /v2/queues/{name}`); all fields always present.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Queue {
    /// Queue name.
    pub name: String,
    /// Creation time, ms.
    pub created_at: i64,
    /// Last upsert/pause/resume time, ms.
    pub updated_at: i64,
    /// Max messages in flight (including retries and callbacks).
    pub parallelism: u32,
    /// Undelivered messages.
    pub lag: u64,
    /// Paused: accepts messages, delivers none.
    pub paused: bool,
}

/// An endpoint of a URL group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Endpoint {
    /// Optional endpoint name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Endpoint URL.
    pub url: String,
}

/// A URL group (topic), reference §5.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UrlGroup {
    /// Group name.
    pub name: String,
    /// Creation time, ms.
    pub created_at: i64,
    /// Last change, ms.
    pub updated_at: i64,
    /// Endpoints, in insertion order.
    pub endpoints: Vec<Endpoint>,
    /// Saved default headers applied to every publish (`PATCH /v2/topics/{name}`).
    #[serde(default, skip_serializing_if = "HeaderMap::is_empty")]
    pub headers: HeaderMap,
}

/// A schedule (`GET /v2/schedules/{id}`), reference §7.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Schedule {
    /// `scd_…` or the caller's id.
    pub schedule_id: String,
    /// Trimmed cron (with its `CRON_TZ=` prefix if any).
    pub cron: String,
    /// URL or URL-group name.
    pub destination: String,
    /// Creation time, ms.
    pub created_at: i64,
    /// Delivery method.
    pub method: String,
    /// Forwarded headers + Content-Type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub header: Option<HeaderMap>,
    /// Body when UTF-8.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// Body, base64, when not UTF-8.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body_base64: Option<String>,
    /// Retry budget of produced messages (always present).
    pub retries: u32,
    /// Delay of each produced message, seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delay: Option<u64>,
    /// Per-attempt timeout, seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout: Option<u64>,
    /// Callback URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub callback: Option<String>,
    /// Failure-callback URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_callback: Option<String>,
    /// Creator's IP.
    #[serde(rename = "callerIP", skip_serializing_if = "Option::is_none")]
    pub caller_ip: Option<String>,
    /// Paused (always present).
    pub is_paused: bool,
    /// Queue produced messages go to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub queue_name: Option<String>,
    /// Flow-control key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flow_control_key: Option<String>,
    /// Flow-control parallelism.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parallelism: Option<u32>,
    /// Flow-control rate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rate: Option<u32>,
    /// Flow-control period, seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<u64>,
    /// `Upstash-Retry-Delay` source.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_delay_expression: Option<String>,
    /// First label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// All labels.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub labels: Option<Vec<String>>,
    /// Last firing, ms.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_schedule_time: Option<i64>,
    /// Next firing, ms.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_schedule_time: Option<i64>,
    /// Messages of the last firing → `IN_PROGRESS` | `SUCCESS` | `FAIL`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_schedule_states: Option<BTreeMap<String, String>>,
}

/// Flow-control key state (`GET /v2/flowControl/{key}`), reference §6.2.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FlowControlInfo {
    /// The key.
    pub flow_control_key: String,
    /// Messages waiting for a slot or rate budget.
    pub wait_list_size: u64,
    /// Parallelism limit (0 = unlimited).
    pub parallelism_max: u32,
    /// HTTP calls in flight now.
    pub parallelism_count: u32,
    /// Rate limit per period (0 = unlimited).
    pub rate_max: u32,
    /// Dispatches in the current period.
    pub rate_count: u32,
    /// Period, seconds.
    pub rate_period: u64,
    /// Start of the current period, unix seconds.
    pub rate_period_start: i64,
    /// Paused.
    pub is_paused: bool,
    /// Parallelism pinned (messages don't change it).
    pub is_pinned_parallelism: bool,
    /// Rate/period pinned.
    pub is_pinned_rate: bool,
}

/// `GET /v2/globalParallelism`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GlobalParallelism {
    /// The configured global cap on in-flight deliveries.
    pub parallelism_max: u32,
    /// In-flight deliveries now (this user).
    pub parallelism_count: u32,
}

/// `GET /v2/keys`, `POST /v2/keys/rotate`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SigningKeys {
    /// The key deliveries are signed with.
    pub current: String,
    /// The key that becomes current on the next rotation.
    pub next: String,
}

/// A page of a cursor-paginated listing. `cursor` is `None` on the last page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    /// Pass back as `cursor` for the next page; `None` when there is no more.
    pub cursor: Option<String>,
    /// The items.
    pub items: Vec<T>,
}

/// Result of a bulk DLQ delete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deleted {
    /// How many entries were deleted.
    pub deleted: u64,
    /// Set when more entries match (the filter asked for `count`).
    pub cursor: Option<String>,
}
