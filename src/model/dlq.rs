use serde::{Deserialize, Serialize};

use super::{HeaderValues, Message};

/// A message in the dead-letter queue.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DlqMessage {
    /// The message fields.
    #[serde(flatten)]
    pub message: Message,
    /// Id within the DLQ (used by delete/retry).
    pub dlq_id: String,
    /// Status of the last failed delivery.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_status: Option<u16>,
    /// Headers of the last failed delivery's response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_header: Option<HeaderValues>,
    /// Body of that response, when UTF-8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_body: Option<String>,
    /// Body of that response as base64, when not UTF-8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_body_base64: Option<String>,
}

/// `dlq.listMessages` result.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DlqListResponse {
    /// One page of messages.
    pub messages: Vec<DlqMessage>,
    /// Cursor of the next page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
}

/// `dlq.delete` result.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DlqDeleteResponse {
    /// Number of messages deleted.
    pub deleted: u64,
    /// Cursor to continue a bulk delete; absent when done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
}

/// `dlq.retry` result.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DlqRetryResponse {
    /// Cursor to continue a bulk retry; absent when done (the server's `""` is removed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// The new messages, one per retried DLQ message.
    pub responses: Vec<super::PublishResponse>,
}
