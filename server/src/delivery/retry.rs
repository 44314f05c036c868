//! How long to wait before the next attempt.

use crate::model::HeaderMap;
use crate::parse::duration::retry_after_ms;
use crate::parse::expr::parse_retry_delay;
use crate::store::messages::StoredMessage;

/// Longest wait QStash uses: one day.
pub const MAX_DELAY_MS: u64 = 86_400_000;

/// The default backoff before retry number `n` (1-based): `min(86400, e^(2.5·n))` seconds
/// (reference §1.5: 12.18 s, 2m28s, 30m8s, 6h7m6s, then 1 day).
///
/// ```
/// use qstash_server::delivery::retry::default_backoff_ms;
/// assert_eq!(default_backoff_ms(1), 12_182);
/// assert_eq!(default_backoff_ms(9), 86_400_000);
/// ```
pub fn default_backoff_ms(n: u32) -> u64 {
    let secs = (2.5 * n as f64).exp().min(86_400.0);
    (secs * 1000.0) as u64
}

/// The destination's own rate-limit hint, if any (`Retry-After`, `X-RateLimit-Reset*`).
/// Values over one day are ignored (the docs: then the default backoff applies).
pub fn response_hint_ms(headers: &HeaderMap, now_ms: i64) -> Option<u64> {
    const NAMES: [&str; 4] = [
        "Retry-After",
        "X-Ratelimit-Reset",
        "X-Ratelimit-Reset-Requests",
        "X-Ratelimit-Reset-Tokens",
    ];
    NAMES.iter().find_map(|n| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(n))
            .and_then(|(_, v)| v.first())
            .and_then(|v| retry_after_ms(v, now_ms))
    })
}

/// Delay before the next attempt after `retried` attempts have failed (so this is retry
/// number `retried`, 1-based). A destination's hint wins, then the message's
/// `Upstash-Retry-Delay` (evaluated with `retried - 1`: it is 0 for the first retry), then the
/// default backoff.
pub fn next_delay_ms(
    m: &StoredMessage,
    retried: u32,
    response_headers: Option<&HeaderMap>,
    now_ms: i64,
) -> u64 {
    if let Some(ms) = response_headers.and_then(|h| response_hint_ms(h, now_ms)) {
        return ms;
    }
    if let Some(expr) = m.retry_delay.as_deref() {
        // Validated at publish time; an unparsable stored value falls back to the default.
        if let Ok(d) = parse_retry_delay(expr) {
            return d.delay_ms(retried.saturating_sub(1)).min(MAX_DELAY_MS);
        }
    }
    default_backoff_ms(retried)
}
