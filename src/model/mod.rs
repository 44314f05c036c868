//! Wire types of the QStash API (serde, camelCase), shared with the local server.
//!
//! Every field is documented; optional fields are `Option` and omitted when `None`, so a
//! value round-trips through JSON unchanged. Unknown fields are ignored on input (the server
//! may add fields). Timestamps are unix **milliseconds** unless a field says otherwise.
//!
//! ```
//! use qstash_wasm::model::Message;
//! let m: Message = serde_json::from_str(r#"{"messageId":"m1","url":"https://a.com","createdAt":1,"topicName":"g"}"#).unwrap();
//! assert_eq!(m.url_group(), Some("g"));
//! ```

mod dlq;
mod flow_control;
mod log;
mod message;
mod queue;
mod schedule;
mod url_group;

pub use dlq::{DlqDeleteResponse, DlqListResponse, DlqMessage, DlqRetryResponse};
pub use flow_control::{FlowControlInfo, GlobalParallelism};
pub use log::{Log, LogState, LogsResponse};
pub use message::{CancelResponse, Message, PublishResponse, PublishResult};
pub use queue::Queue;
pub use schedule::{Schedule, ScheduleCreated};
pub use url_group::UrlGroup;

pub use crate::api::url_groups::Endpoint;

use serde::{Deserialize, Serialize};

/// Signing keys (`GET /v2/keys`, `POST /v2/keys/rotate`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Keys {
    /// The key currently used to sign deliveries.
    pub current: String,
    /// The key that will be used after the next rotation.
    pub next: String,
}

/// Headers as the server reports them: each name maps to all its values.
pub type HeaderValues = std::collections::BTreeMap<String, Vec<String>>;
