use serde::{Deserialize, Serialize};

use super::Endpoint;

/// A URL group (topic).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UrlGroup {
    /// Creation time (ms).
    #[serde(default)]
    pub created_at: i64,
    /// Last update (ms).
    #[serde(default)]
    pub updated_at: i64,
    /// Group name.
    pub name: String,
    /// Subscribed endpoints.
    #[serde(default)]
    pub endpoints: Vec<Endpoint>,
}
