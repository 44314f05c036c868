//! Server configuration (everything the CLI or a test can set).

use crate::clock::{Clock, SystemClock};
use crate::quota::Quota;
use std::path::PathBuf;
use std::sync::Arc;

/// How hard SQLite works to keep a commit (`PRAGMA synchronous`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Synchronous {
    /// `FULL`: every commit is fsync'ed; survives power loss. The default — an acknowledged
    /// publish must not be lost. Group commit keeps it fast under concurrency.
    #[default]
    Full,
    /// `NORMAL`: with WAL, survives a process crash (SIGKILL) but not an OS crash / power loss.
    Normal,
}

/// Server configuration.
///
/// ```
/// use qstash_server::config::Config;
/// let c = Config::new("/tmp/q.db");
/// assert_eq!(c.default_retries, 3);
/// assert_eq!(c.quota, qstash_server::quota::Quota::Payg);
/// ```
#[derive(Debug, Clone)]
pub struct Config {
    /// SQLite database file (created with its directory if missing).
    pub db_path: PathBuf,
    /// Commit durability.
    pub synchronous: Synchronous,
    /// Where "now" comes from.
    pub clock: Arc<dyn Clock>,
    /// Retries when a message does not say (`Upstash-Retries` absent): 3, as QStash.
    pub default_retries: u32,
    /// Per-attempt timeout when a message does not say: 15 min, the free plan's limit.
    pub default_timeout_ms: u64,
    /// Deduplication window: 10 minutes, as QStash.
    pub dedup_window_ms: i64,
    /// How long a delivered message still answers `GET /v2/messages/{id}` (10 s): QStash
    /// removes delivered messages "shortly after delivery"; at once would make a `get` right
    /// after publishing to a fast local endpoint a 404. Failed and cancelled ones go at once.
    pub delivered_visible_ms: i64,
    /// Cap on deliveries in flight at once across all users (`globalParallelism`).
    pub max_in_flight: u32,
    /// Logs, finished messages and DLQ entries older than this are deleted (7 days, the
    /// payg plan's retention; the CLI takes the chosen quota's unless `--retention-days`).
    pub retention_ms: i64,
    /// The simulated plan whose limits apply to every user (payg, like the official dev
    /// server).
    pub quota: Quota,
    /// The region this server stands in for, sent as `Upstash-Region` on every delivery so a
    /// receiver in multi-region mode (`QSTASH_REGION`) picks that region's signing keys.
    /// `None` (the default) sends no header: single-region receivers never look at it.
    pub region: Option<Region>,
    /// Requests per second per user to every endpoint but publish, enqueue and batch; over it
    /// a 429 with `Burst-RateLimit-*` headers. `None` (the default): no limit.
    pub burst_rate_limit: Option<u32>,
    /// Messages per UTC day per user (publish and enqueue count 1, a batch its items); over it
    /// a 429 with `RateLimit-*` headers. `None` (the default): no limit.
    pub daily_message_limit: Option<u64>,
}

/// A QStash region (reference §1.1: `Upstash-Region`, "with every request").
///
/// ```
/// use qstash_server::config::Region;
/// let r = Region::parse("us_east_1").unwrap();
/// assert_eq!(r.header_value(), "US-EAST-1");
/// assert!(Region::parse("ap-south-1").is_none());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Region {
    /// `eu-central-1` (QStash's default region).
    EuCentral1,
    /// `us-east-1`.
    UsEast1,
}

impl Region {
    /// Reads a region the way the SDKs normalise `QSTASH_REGION` (the crate's
    /// `normalize_region`): case and `-`/`_` do not matter.
    pub fn parse(s: &str) -> Option<Region> {
        match qstash_wasm::api::normalize_region(s.trim())?.as_str() {
            "EU_CENTRAL_1" => Some(Region::EuCentral1),
            "US_EAST_1" => Some(Region::UsEast1),
            _ => None,
        }
    }

    /// The `Upstash-Region` header value, in the docs' spelling.
    pub fn header_value(self) -> &'static str {
        match self {
            Region::EuCentral1 => "EU-CENTRAL-1",
            Region::UsEast1 => "US-EAST-1",
        }
    }
}

impl Config {
    /// Defaults with the given database path.
    pub fn new(db_path: impl Into<PathBuf>) -> Self {
        Config {
            db_path: db_path.into(),
            synchronous: Synchronous::Full,
            clock: Arc::new(SystemClock),
            default_retries: 3,
            default_timeout_ms: 15 * 60 * 1000,
            dedup_window_ms: 10 * 60 * 1000,
            delivered_visible_ms: 10_000,
            max_in_flight: 1000,
            retention_ms: 7 * 86_400_000,
            quota: Quota::Payg,
            region: None,
            burst_rate_limit: None,
            daily_message_limit: None,
        }
    }
}
