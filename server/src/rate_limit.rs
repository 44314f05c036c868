//! Opt-in API rate limits (`--rate-limit`, `--daily-limit`), so an app can exercise its 429
//! handling against the local server instead of waiting to meet it in production.
//!
//! QStash's rules (reference §10.3): publish, enqueue and batch have no per-second limit; every
//! other endpoint has a per-second burst limit per user, answered with `Burst-RateLimit-*`
//! headers; the daily message limit counts published messages and is answered with
//! `RateLimit-*` headers. The SDKs tell the two apart by `RateLimit-Limit`. Counters live in
//! memory: a restart starts them afresh, which is all a dev server needs.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::model::UserId;

/// Which limit a request ran into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitKind {
    /// Requests per second to a non-publish endpoint.
    Burst,
    /// Messages per UTC day.
    Daily,
}

/// A refused request: what goes into the 429's headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limited {
    /// Which limit.
    pub kind: LimitKind,
    /// The configured limit.
    pub limit: u64,
    /// What is left in the current window (a batch larger than this is refused whole).
    pub remaining: u64,
    /// When the window resets, unix seconds.
    pub reset: i64,
}

impl Limited {
    /// The `{"error": ...}` text.
    pub fn message(&self) -> String {
        match self.kind {
            LimitKind::Burst => format!(
                "too many requests: burst rate limit of {} requests per second exceeded",
                self.limit
            ),
            LimitKind::Daily => format!(
                "daily message limit of {} exceeded ({} left today)",
                self.limit, self.remaining
            ),
        }
    }

    /// The response headers QStash sends with this kind of 429.
    pub fn headers(&self) -> [(&'static str, String); 3] {
        let [l, r, t] = match self.kind {
            LimitKind::Burst => [
                "Burst-RateLimit-Limit",
                "Burst-RateLimit-Remaining",
                "Burst-RateLimit-Reset",
            ],
            LimitKind::Daily => ["RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"],
        };
        [
            (l, self.limit.to_string()),
            (r, self.remaining.to_string()),
            (t, self.reset.to_string()),
        ]
    }
}

/// One fixed window (a second, a UTC day) of one user's count.
#[derive(Debug, Default)]
struct Window {
    /// Which window: `now_ms / window_ms`.
    index: i64,
    /// Counted in it so far.
    used: u64,
}

impl Window {
    /// Counts `n` in window `index` if that stays within `limit`; otherwise counts nothing and
    /// returns what is left.
    fn take(&mut self, index: i64, n: u64, limit: u64) -> Result<(), u64> {
        if self.index != index {
            *self = Window { index, used: 0 };
        }
        if self.used.saturating_add(n) > limit {
            return Err(limit.saturating_sub(self.used));
        }
        self.used += n;
        Ok(())
    }
}

#[derive(Debug, Default)]
struct Counters {
    second: Window,
    day: Window,
}

/// Per-user counters for the two limits; `None` limits never refuse.
///
/// ```
/// use qstash_server::rate_limit::{LimitKind, RateLimiter};
/// let rl = RateLimiter::new(Some(2), Some(3));
/// let t = 1_700_000_000_000; // ms
/// assert!(rl.request(1, t).is_ok());
/// assert!(rl.request(1, t + 1).is_ok());
/// let refused = rl.request(1, t + 2).unwrap_err();
/// assert_eq!((refused.kind, refused.remaining, refused.reset), (LimitKind::Burst, 0, 1_700_000_001));
/// assert!(rl.request(1, t + 1000).is_ok()); // the next second
/// assert!(rl.request(2, t).is_ok()); // users are counted apart
///
/// assert!(rl.messages(1, 2, t).is_ok());
/// assert_eq!(rl.messages(1, 2, t).unwrap_err().remaining, 1); // a batch of 2 does not fit
/// assert!(rl.messages(1, 1, t).is_ok());
/// ```
#[derive(Debug, Default)]
pub struct RateLimiter {
    burst: Option<u64>,
    daily: Option<u64>,
    counters: Mutex<HashMap<UserId, Counters>>,
}

impl RateLimiter {
    /// `burst`: requests per second per user to non-publish endpoints; `daily`: messages per
    /// UTC day per user.
    pub fn new(burst: Option<u32>, daily: Option<u64>) -> RateLimiter {
        RateLimiter {
            burst: burst.map(u64::from),
            daily,
            counters: Mutex::default(),
        }
    }

    /// Counts one request to a non-publish endpoint.
    pub fn request(&self, user: UserId, now_ms: i64) -> Result<(), Limited> {
        self.count(user, LimitKind::Burst, 1, now_ms)
    }

    /// Counts `n` messages about to be published; all or none.
    pub fn messages(&self, user: UserId, n: u64, now_ms: i64) -> Result<(), Limited> {
        self.count(user, LimitKind::Daily, n, now_ms)
    }

    fn count(&self, user: UserId, kind: LimitKind, n: u64, now_ms: i64) -> Result<(), Limited> {
        let (limit, window_ms) = match kind {
            LimitKind::Burst => (self.burst, 1_000),
            LimitKind::Daily => (self.daily, 86_400_000),
        };
        let Some(limit) = limit else {
            return Ok(());
        };
        let index = now_ms.div_euclid(window_ms);
        // A poisoned lock only means another request panicked mid-count; the counts are
        // still plain numbers, so keep using them.
        let mut map = self.counters.lock().unwrap_or_else(|e| e.into_inner());
        let counters = map.entry(user).or_default();
        let window = match kind {
            LimitKind::Burst => &mut counters.second,
            LimitKind::Daily => &mut counters.day,
        };
        window.take(index, n, limit).map_err(|remaining| Limited {
            kind,
            limit,
            remaining,
            reset: (index + 1) * (window_ms / 1000),
        })
    }
}
