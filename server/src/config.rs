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
    /// Cap on deliveries in flight at once across all users (`globalParallelism`).
    pub max_in_flight: u32,
    /// Logs, finished messages and DLQ entries older than this are deleted (7 days, the
    /// payg plan's retention; the CLI takes the chosen quota's unless `--retention-days`).
    pub retention_ms: i64,
    /// The simulated plan whose limits apply to every user (payg, like the official dev
    /// server).
    pub quota: Quota,
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
            max_in_flight: 1000,
            retention_ms: 7 * 86_400_000,
            quota: Quota::Payg,
        }
    }
}
