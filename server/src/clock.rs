//! Time, injected so tests can move it.
//!
//! Everything in the engine asks a [`Clock`] for "now" in unix milliseconds. Sleeping is always
//! `tokio::time::sleep_until(deadline)` computed from the clock's "now", plus a `Notify` that
//! wakes the sleeper early; so with a [`TestClock`] a test advances time and calls
//! [`crate::app::App::nudge`] to make the workers re-evaluate their deadlines at once.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

/// A source of "now" (unix milliseconds).
pub trait Clock: Send + Sync + std::fmt::Debug + 'static {
    /// Current time, unix milliseconds.
    fn now_ms(&self) -> i64;
}

/// The real wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        // A clock before 1970 would be a broken machine; 0 keeps the server running.
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0)
    }
}

/// A clock that only moves when told to (tests).
///
/// ```
/// use qstash_server::clock::{Clock, TestClock};
/// let c = TestClock::new(1_000);
/// c.advance_ms(500);
/// assert_eq!(c.now_ms(), 1_500);
/// ```
#[derive(Debug, Clone)]
pub struct TestClock {
    /// Shared so clones (one in the test, one in the server) see the same time.
    now: Arc<AtomicI64>,
}

impl TestClock {
    /// A clock reading `start_ms`.
    pub fn new(start_ms: i64) -> Self {
        TestClock {
            now: Arc::new(AtomicI64::new(start_ms)),
        }
    }

    /// Moves time forward.
    pub fn advance_ms(&self, ms: i64) {
        self.now.fetch_add(ms, Ordering::SeqCst);
    }

    /// Sets the time.
    pub fn set_ms(&self, ms: i64) {
        self.now.store(ms, Ordering::SeqCst);
    }
}

impl Clock for TestClock {
    fn now_ms(&self) -> i64 {
        self.now.load(Ordering::SeqCst)
    }
}
