use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use super::HeaderValues;

/// A schedule (`GET /v2/schedules/{id}`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Schedule {
    /// Schedule id.
    pub schedule_id: String,
    /// Cron expression.
    pub cron: String,
    /// Creation time (ms).
    #[serde(default)]
    pub created_at: i64,
    /// Destination URL or URL-group name.
    pub destination: String,
    /// Delivery method.
    #[serde(default)]
    pub method: String,
    /// Forwarded headers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<HeaderValues>,
    /// Body, when UTF-8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// Body as base64, when not UTF-8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_base64: Option<String>,
    /// Delivery retries.
    #[serde(default)]
    pub retries: u32,
    /// Delay after each fire (seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay: Option<u64>,
    /// Callback URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback: Option<String>,
    /// Failure callback URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_callback: Option<String>,
    /// Creator IP (`callerIP`; `callerIp` accepted).
    #[serde(
        default,
        rename = "callerIP",
        alias = "callerIp",
        skip_serializing_if = "Option::is_none"
    )]
    pub caller_ip: Option<String>,
    /// True when paused.
    #[serde(default)]
    pub is_paused: bool,
    /// Queue each fire is enqueued into.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue_name: Option<String>,
    /// Flow-control key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flow_control_key: Option<String>,
    /// Flow-control parallelism.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parallelism: Option<u32>,
    /// Flow-control rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<u32>,
    /// Deprecated mirror of `rate` added by the SDK.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_per_second: Option<u32>,
    /// Flow-control period (seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<u64>,
    /// Retry delay expression.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_delay_expression: Option<String>,
    /// First label (deprecated).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// All labels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<Vec<String>>,
    /// Last fire (ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_schedule_time: Option<i64>,
    /// Next fire (ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_schedule_time: Option<i64>,
    /// Message id → `IN_PROGRESS` | `SUCCESS` | `FAIL` for the last fires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_schedule_states: Option<BTreeMap<String, String>>,
}

/// `schedules.create` result.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScheduleCreated {
    /// The schedule id.
    pub schedule_id: String,
}
