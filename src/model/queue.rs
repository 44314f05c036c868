use serde::{Deserialize, Serialize};

/// A queue (`QueueResponse`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Queue {
    /// Creation time (ms).
    #[serde(default)]
    pub created_at: i64,
    /// Last update (ms).
    #[serde(default)]
    pub updated_at: i64,
    /// Queue name.
    pub name: String,
    /// Parallel consumers.
    #[serde(default)]
    pub parallelism: u32,
    /// Messages waiting.
    #[serde(default)]
    pub lag: u64,
    /// True when delivery is paused.
    #[serde(default)]
    pub paused: bool,
}
