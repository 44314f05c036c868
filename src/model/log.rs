use serde::{Deserialize, Serialize};

/// A log entry state. The server may send states this SDK does not know yet; they
/// deserialize as [`LogState::Other`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum LogState {
    /// Message accepted.
    Created,
    /// Ready for delivery.
    Active,
    /// Delivered (2xx).
    Delivered,
    /// A delivery attempt failed.
    Error,
    /// Waiting for the next retry.
    Retry,
    /// All retries failed; moved to the DLQ.
    Failed,
    /// Cancelled by the user (JS spelling).
    Canceled,
    /// Cancelled (server spelling).
    Cancelled,
    /// Cancellation requested.
    CancelRequested,
    /// Being delivered.
    InProgress,
    /// Anything else.
    #[serde(untagged)]
    Other(String),
}

/// One log entry (`GET /v2/events`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Log {
    /// When the event happened (ms).
    pub time: i64,
    /// The state the message entered.
    pub state: LogState,
    /// Message id.
    pub message_id: String,
    /// Next delivery attempt (ms), for retries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_delivery_time: Option<i64>,
    /// Error text of a failed attempt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Destination URL.
    #[serde(default)]
    pub url: String,
    /// URL group name (deprecated name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic_name: Option<String>,
    /// Mirror of `topicName` added by the SDK.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url_group: Option<String>,
    /// Endpoint name within the URL group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint_name: Option<String>,
    /// Request headers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<serde_json::Value>,
    /// Body (base64).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// Schedule that produced the message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule_id: Option<String>,
    /// Queue name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue_name: Option<String>,
    /// Destination response status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_status: Option<u16>,
    /// Destination response body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_body: Option<String>,
    /// Destination response headers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_headers: Option<serde_json::Value>,
    /// First label (deprecated).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// All labels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<Vec<String>>,
}

/// `client.logs` result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LogsResponse {
    /// Cursor of the next page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// The entries.
    pub logs: Vec<Log>,
}
