use serde::{Deserialize, Serialize};

/// State of one flow-control key (`GET /v2/flowControl/{key}`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FlowControlInfo {
    /// The key.
    pub flow_control_key: String,
    /// Messages waiting.
    #[serde(default)]
    pub wait_list_size: u64,
    /// Configured parallelism.
    #[serde(default)]
    pub parallelism_max: u64,
    /// Active deliveries now.
    #[serde(default)]
    pub parallelism_count: u64,
    /// Configured rate per period.
    #[serde(default)]
    pub rate_max: u64,
    /// Deliveries started in the current period.
    #[serde(default)]
    pub rate_count: u64,
    /// Rate period (seconds).
    #[serde(default)]
    pub rate_period: u64,
    /// Start of the current period (unix **seconds**).
    #[serde(default)]
    pub rate_period_start: i64,
    /// True when delivery is paused for this key.
    #[serde(default)]
    pub is_paused: bool,
    /// True when parallelism is pinned.
    #[serde(default)]
    pub is_pinned_parallelism: bool,
    /// True when the rate is pinned.
    #[serde(default)]
    pub is_pinned_rate: bool,
}

/// `GET /v2/globalParallelism` (missing values are 0).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GlobalParallelism {
    /// Maximum global parallelism.
    #[serde(default)]
    pub parallelism_max: u64,
    /// Active deliveries globally.
    #[serde(default)]
    pub parallelism_count: u64,
}
