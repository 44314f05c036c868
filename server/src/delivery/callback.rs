//! Callback and failure-callback messages (reference §3).
//!
//! A callback is a NEW message to the callback URL whose JSON body describes the source
//! message's attempt; it is signed, retried and logged like any other message.

use crate::app::new_message_id;
use crate::model::{CallbackConfig, HeaderMap};
use crate::store::messages::StoredMessage;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde::Serialize;

/// The callback request body.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CallbackBody<'a> {
    /// Destination's status (0 when no response was received).
    pub status: u16,
    /// Destination's response headers.
    pub header: &'a HeaderMap,
    /// Destination's response body, base64.
    pub body: String,
    /// Retries done so far for the source message.
    pub retried: u32,
    /// The source message's retry budget.
    pub max_retries: u32,
    /// Failure callbacks only: the DLQ entry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dlq_id: Option<&'a str>,
    /// Source message id.
    pub source_message_id: &'a str,
    /// URL group.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topic_name: Option<&'a str>,
    /// Endpoint name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub endpoint_name: Option<&'a str>,
    /// Source destination URL.
    pub url: &'a str,
    /// Source method.
    pub method: &'a str,
    /// Source headers.
    pub source_header: HeaderMap,
    /// Source body, base64.
    pub source_body: String,
    /// Source `notBefore`, unix ms as a string (as in the docs' captured example).
    pub not_before: String,
    /// Source `createdAt`, unix ms as a string.
    pub created_at: String,
    /// Producing schedule.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schedule_id: Option<&'a str>,
    /// Publisher IP.
    #[serde(rename = "callerIP", skip_serializing_if = "Option::is_none")]
    pub caller_ip: Option<&'a str>,
}

/// What the destination answered (or did not).
#[derive(Debug, Clone, Default)]
pub struct Response {
    /// Status; 0 = no response.
    pub status: u16,
    /// Headers, canonical names.
    pub headers: HeaderMap,
    /// Body bytes.
    pub body: Vec<u8>,
}

/// Builds the callback message (not yet stored) for one attempt of `src`.
#[allow(clippy::too_many_arguments)]
pub fn build(
    src: &StoredMessage,
    src_body: &[u8],
    cfg: &CallbackConfig,
    resp: &Response,
    retried: u32,
    dlq_id: Option<&str>,
    now_ms: i64,
) -> (StoredMessage, Vec<u8>) {
    let mut source_header = src.headers.clone();
    if let Some(ct) = &src.content_type {
        source_header.insert("Content-Type".into(), vec![ct.clone()]);
    }
    let body = CallbackBody {
        status: resp.status,
        header: &resp.headers,
        body: STANDARD.encode(&resp.body),
        retried,
        max_retries: src.max_retries,
        dlq_id,
        source_message_id: &src.id,
        topic_name: src.topic_name.as_deref(),
        endpoint_name: src.endpoint_name.as_deref(),
        url: &src.url,
        method: &src.method,
        source_header,
        source_body: STANDARD.encode(src_body),
        not_before: src.not_before_ms.to_string(),
        created_at: src.created_ms.to_string(),
        schedule_id: src.schedule_id.as_deref(),
        caller_ip: src.caller_ip.as_deref(),
    };
    // Serializing a struct of strings, numbers and string maps cannot fail.
    let bytes = serde_json::to_vec(&body).unwrap_or_default();
    let not_before = now_ms + cfg.delay_ms.unwrap_or(0) as i64;
    let m = StoredMessage {
        id: new_message_id(),
        user: src.user,
        url: cfg.url.clone(),
        topic_name: None,
        endpoint_name: None,
        method: cfg.method.clone().unwrap_or_else(|| "POST".into()),
        headers: cfg.headers.clone(),
        content_type: Some("application/json".into()),
        max_retries: cfg.retries.unwrap_or(src.max_retries),
        retry_delay: cfg.retry_delay.clone(),
        timeout_ms: cfg.timeout_ms.unwrap_or(src.timeout_ms),
        not_before_ms: not_before,
        created_ms: now_ms,
        callback: None,
        failure_callback: None,
        labels: src.labels.clone(),
        redact: Default::default(),
        queue: None,
        flow_control: None,
        caller_ip: src.caller_ip.clone(),
        schedule_id: src.schedule_id.clone(),
        parent_id: Some(src.id.clone()),
        is_callback: true,
        holds_queue: src.queue.clone(),
    };
    (m, bytes)
}
