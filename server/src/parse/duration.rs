//! Durations as QStash and Go spell them.
//!
//! QStash headers (`Upstash-Delay`, `Upstash-Timeout`, flow-control `period`) use
//! `<n><unit>` groups with units `s`, `m`, `h`, `d`, combinable (`1d10h30m`); the SDKs send
//! `"90s"` for numbers. Destinations' rate-limit headers (`Retry-After`, `X-RateLimit-Reset`)
//! may carry Go durations (`6m5s`, `1.5s`, `300ms`, `10µs`). One grammar covers both:
//! a sequence of `<number>[.<fraction>]<unit>` with units `ns us µs ms s m h d`. A bare
//! integer is read as seconds, because that is what a human typing `Upstash-Delay: 10` means.

use std::time::Duration;

use super::{snippet, ParseError};

/// Longer durations are rejected: nothing QStash accepts comes close (max delay is 1 year),
/// and the cap keeps arithmetic far from overflow.
const MAX_NANOS: u128 = 100 * 365 * 86_400 * 1_000_000_000;

/// Parses `1d10h30m`, `90s`, `1.5h`, `300ms`, `10` (seconds) into a [`Duration`].
///
/// ```
/// use qstash_server::parse::duration::parse_duration;
/// use std::time::Duration;
/// assert_eq!(parse_duration("1d10h30m").unwrap(), Duration::from_secs(86_400 + 36_000 + 1_800));
/// assert_eq!(parse_duration("1.5s").unwrap(), Duration::from_millis(1_500));
/// assert!(parse_duration("5x").is_err());
/// ```
pub fn parse_duration(src: &str) -> Result<Duration, ParseError> {
    let s = src.trim();
    if s.is_empty() {
        return Err(ParseError::new("empty duration"));
    }
    if s.bytes().all(|b| b.is_ascii_digit()) {
        let secs: u64 = s
            .parse()
            .map_err(|_| ParseError::new(format!("duration \"{}\" is too large", snippet(s))))?;
        return checked(u128::from(secs) * 1_000_000_000, s);
    }
    let bytes = s.as_bytes();
    let mut i = 0;
    let mut total: u128 = 0;
    while i < bytes.len() {
        // Number: digits, optional fraction.
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        let int_part = &s[start..i];
        let mut frac_part = "";
        if i < bytes.len() && bytes[i] == b'.' {
            i += 1;
            let fs = i;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            frac_part = &s[fs..i];
        }
        if int_part.is_empty() && frac_part.is_empty() {
            return Err(ParseError::new(format!(
                "expected a number at position {} in \"{}\" (format: <n><unit>, e.g. 10s, 1d10h30m)",
                start,
                snippet(s)
            )));
        }
        // Unit: letters (and µ) up to the next digit.
        let us = i;
        while i < bytes.len() && !bytes[i].is_ascii_digit() && bytes[i] != b'.' {
            i += 1;
        }
        let unit = &s[us..i];
        let unit_nanos: u128 = match unit {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60 * 1_000_000_000,
            "h" => 3_600 * 1_000_000_000,
            "d" => 86_400 * 1_000_000_000,
            "" => {
                return Err(ParseError::new(format!(
                    "missing unit after \"{}\" in \"{}\" (units: s, m, h, d, ms, us, ns)",
                    snippet(&s[start..i]),
                    snippet(s)
                )))
            }
            other => {
                return Err(ParseError::new(format!(
                    "unknown unit \"{}\" in \"{}\" (units: s, m, h, d, ms, us, ns)",
                    snippet(other),
                    snippet(s)
                )))
            }
        };
        let too_large = || ParseError::new(format!("duration \"{}\" is too large", snippet(s)));
        // Digits beyond 30 would overflow even u128 arithmetic below; the cap is far smaller.
        if int_part.len() > 30 {
            return Err(too_large());
        }
        let int: u128 = if int_part.is_empty() {
            0
        } else {
            int_part.parse().map_err(|_| too_large())?
        };
        let mut part = int.checked_mul(unit_nanos).ok_or_else(too_large)?;
        // Fraction: only as many digits as can still matter at nanosecond precision.
        let mut scale = unit_nanos;
        for d in frac_part.bytes().take(20) {
            scale /= 10;
            part += u128::from(d - b'0') * scale;
        }
        total = total.checked_add(part).ok_or_else(too_large)?;
        if total > MAX_NANOS {
            return Err(too_large());
        }
    }
    checked(total, s)
}

fn checked(nanos: u128, s: &str) -> Result<Duration, ParseError> {
    if nanos > MAX_NANOS {
        return Err(ParseError::new(format!(
            "duration \"{}\" is too large",
            snippet(s)
        )));
    }
    // MAX_NANOS fits comfortably in u64 seconds + u32 nanos.
    Ok(Duration::new(
        (nanos / 1_000_000_000) as u64,
        (nanos % 1_000_000_000) as u32,
    ))
}

/// Parses a QStash duration and returns whole seconds (sub-second parts round down).
///
/// ```
/// use qstash_server::parse::duration::parse_duration_secs;
/// assert_eq!(parse_duration_secs("1h30m3s").unwrap(), 5403);
/// ```
pub fn parse_duration_secs(src: &str) -> Result<u64, ParseError> {
    parse_duration(src).map(|d| d.as_secs())
}

/// Parses a duration and returns milliseconds (sub-millisecond parts round down).
///
/// ```
/// use qstash_server::parse::duration::parse_duration_ms;
/// assert_eq!(parse_duration_ms("1.5s").unwrap(), 1500);
/// ```
pub fn parse_duration_ms(src: &str) -> Result<u64, ParseError> {
    // Bounded by MAX_NANOS, so the millisecond count fits in u64.
    parse_duration(src).map(|d| d.as_millis() as u64)
}

/// Reads a destination's rate-limit header (`Retry-After`, `X-RateLimit-Reset`, …) as a
/// delay in milliseconds from `now_ms`.
///
/// Accepts seconds (`120`, `1.5`), an RFC 1123 / RFC 2822 date, a unix timestamp in seconds
/// (values larger than a day that lie in the future are read that way, as
/// `X-RateLimit-Reset` often is) or a Go duration (`6m5s`). Returns `None` when the value
/// cannot be read or is more than one day away — QStash then falls back to its default
/// backoff.
///
/// ```
/// use qstash_server::parse::duration::retry_after_ms;
/// assert_eq!(retry_after_ms("0", 0), Some(0));
/// assert_eq!(retry_after_ms("6m5s", 0), Some(365_000));
/// assert_eq!(retry_after_ms("Thu, 01 Jan 1970 00:01:00 GMT", 0), Some(60_000));
/// assert_eq!(retry_after_ms("2d", 0), None);
/// ```
pub fn retry_after_ms(value: &str, now_ms: i64) -> Option<u64> {
    const DAY_MS: u64 = 86_400_000;
    let v = value.trim();
    if v.is_empty() {
        return None;
    }
    let ms: u64 = if let Ok(secs) = v.parse::<f64>() {
        if !secs.is_finite() || secs < 0.0 {
            return None;
        }
        let ms = secs * 1000.0;
        if ms > DAY_MS as f64 {
            // Maybe an absolute unix timestamp (seconds).
            let delta = ms - now_ms as f64;
            if delta >= 0.0 && delta <= DAY_MS as f64 {
                delta as u64
            } else {
                return None;
            }
        } else {
            ms as u64
        }
    } else if let Ok(date) = chrono::DateTime::parse_from_rfc2822(v) {
        let delta = date.timestamp_millis().saturating_sub(now_ms);
        delta.max(0) as u64
    } else if let Ok(d) = parse_duration(v) {
        u64::try_from(d.as_millis()).ok()?
    } else {
        return None;
    };
    (ms <= DAY_MS).then_some(ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qstash_forms() {
        assert_eq!(parse_duration_secs("90s").unwrap(), 90);
        assert_eq!(parse_duration_secs("10m").unwrap(), 600);
        assert_eq!(parse_duration_secs("2h").unwrap(), 7200);
        assert_eq!(parse_duration_secs("7d").unwrap(), 604_800);
        assert_eq!(parse_duration_secs("1d10h30m").unwrap(), 124_200);
        assert_eq!(parse_duration_secs("1h30m3s").unwrap(), 5403);
        assert_eq!(parse_duration_secs("10").unwrap(), 10);
        assert_eq!(parse_duration_secs(" 5s ").unwrap(), 5);
        assert_eq!(parse_duration_secs("0s").unwrap(), 0);
    }

    #[test]
    fn go_forms() {
        assert_eq!(parse_duration_ms("300ms").unwrap(), 300);
        assert_eq!(parse_duration_ms("1.5h").unwrap(), 5_400_000);
        assert_eq!(parse_duration("10us").unwrap(), Duration::from_micros(10));
        assert_eq!(parse_duration("10µs").unwrap(), Duration::from_micros(10));
        assert_eq!(parse_duration("7ns").unwrap(), Duration::from_nanos(7));
        assert_eq!(parse_duration(".5s").unwrap(), Duration::from_millis(500));
        assert_eq!(
            parse_duration("1m0.25s").unwrap(),
            Duration::from_millis(60_250)
        );
    }

    #[test]
    fn errors_say_what_is_wrong() {
        for (src, needle) in [
            ("", "empty"),
            ("5x", "unknown unit \"x\""),
            ("5 s", "unknown unit \" s\""),
            ("s", "expected a number"),
            ("10s5", "missing unit"),
            ("-5s", "expected a number"),
            ("99999999999999999999999999999999d", "too large"),
            ("101y", "unknown unit"),
            ("40000d", "too large"),
            ("1.s.", "expected a number"),
        ] {
            let err = parse_duration(src).unwrap_err().to_string();
            assert!(err.contains(needle), "{src:?}: {err}");
        }
    }

    #[test]
    fn in_field_names_the_header() {
        let e = parse_duration("abc").unwrap_err().in_field("Upstash-Delay");
        assert!(e.to_string().starts_with("invalid Upstash-Delay: "), "{e}");
    }

    #[test]
    fn retry_after_variants() {
        let now = 1_700_000_000_000;
        assert_eq!(retry_after_ms("0", now), Some(0));
        assert_eq!(retry_after_ms("120", now), Some(120_000));
        assert_eq!(retry_after_ms("1.5", now), Some(1_500));
        assert_eq!(retry_after_ms("1700000060", now), Some(60_000));
        assert_eq!(retry_after_ms("6m5s", now), Some(365_000));
        assert_eq!(retry_after_ms("500ms", now), Some(500));
        // 2023-11-14T22:13:20Z is `now`; one minute later:
        assert_eq!(
            retry_after_ms("Tue, 14 Nov 2023 22:14:20 GMT", now),
            Some(60_000)
        );
        // A date in the past means "now".
        assert_eq!(
            retry_after_ms("Tue, 14 Nov 2023 22:00:00 GMT", now),
            Some(0)
        );
        assert_eq!(retry_after_ms("90000", now), None, "more than a day");
        assert_eq!(retry_after_ms("25h", now), None);
        assert_eq!(retry_after_ms("soon", now), None);
        assert_eq!(retry_after_ms("-1", now), None);
        assert_eq!(retry_after_ms("NaN", now), None);
    }
}
