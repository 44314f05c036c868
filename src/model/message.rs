use serde::{Deserialize, Serialize};

use super::HeaderValues;

/// A message (`GET /v2/messages/{id}`), as the server returns it plus the two mirrors the
/// official SDK adds (`urlGroup`, `ratePerSecond`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    /// Unique message id.
    pub message_id: String,
    /// Destination URL.
    #[serde(default)]
    pub url: String,
    /// URL group name when published to a group (deprecated name; see [`Message::url_group`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic_name: Option<String>,
    /// Mirror of `topicName` added by the SDK.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url_group: Option<String>,
    /// Endpoint name within the URL group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint_name: Option<String>,
    /// API name when published to an API (e.g. `llm`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api: Option<String>,
    /// Queue name when enqueued.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue_name: Option<String>,
    /// Schedule that produced this message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule_id: Option<String>,
    /// Delivery HTTP method.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Headers forwarded to the destination.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<HeaderValues>,
    /// Body, when it is UTF-8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// Body as base64, when it is not UTF-8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_base64: Option<String>,
    /// Maximum delivery retries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_retries: Option<u32>,
    /// Retry delay expression, if set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_delay_expression: Option<String>,
    /// Not delivered before this time (ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_before: Option<i64>,
    /// Creation time (ms).
    #[serde(default)]
    pub created_at: i64,
    /// Callback URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback: Option<String>,
    /// Failure callback URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_callback: Option<String>,
    /// Publisher IP (`callerIP` on the wire; the JS type spells it `callerIp`).
    #[serde(
        default,
        rename = "callerIP",
        alias = "callerIp",
        skip_serializing_if = "Option::is_none"
    )]
    pub caller_ip: Option<String>,
    /// Flow-control key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flow_control_key: Option<String>,
    /// Flow-control parallelism.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parallelism: Option<u32>,
    /// Flow-control rate per period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<u32>,
    /// Deprecated mirror of `rate` added by the SDK.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_per_second: Option<u32>,
    /// Flow-control rate period (seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<u64>,
    /// First label (deprecated; see `labels`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// All labels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<Vec<String>>,
}

impl Message {
    /// The URL group (`urlGroup`, else `topicName`).
    pub fn url_group(&self) -> Option<&str> {
        self.url_group.as_deref().or(self.topic_name.as_deref())
    }
}

/// One published message (`PublishToUrlResponse`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PublishResponse {
    /// Id of the created message.
    pub message_id: String,
    /// Destination URL (for URL and URL-group publishes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// True when a message with the same deduplication id already existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deduplicated: Option<bool>,
}

/// The result of a publish: one message (URL or API destination) or one per endpoint (URL
/// group). Batch responses are a list of these.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum PublishResult {
    /// URL or API destination.
    One(PublishResponse),
    /// URL-group destination: one message per endpoint.
    Many(Vec<PublishResponse>),
}

impl PublishResult {
    /// All message ids, in order.
    pub fn message_ids(&self) -> Vec<&str> {
        match self {
            PublishResult::One(r) => vec![r.message_id.as_str()],
            PublishResult::Many(v) => v.iter().map(|r| r.message_id.as_str()).collect(),
        }
    }
}

/// `{cancelled}` from `messages.cancel`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CancelResponse {
    /// Number of messages cancelled.
    pub cancelled: u64,
}
