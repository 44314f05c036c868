//! Cron expressions for schedules (`Upstash-Cron`).
//!
//! Standard 5-field crontab (minute hour day-of-month month day-of-week) with `*`, lists,
//! ranges, steps and names (`MON`, `JAN`), the `@hourly`/`@daily`/`@weekly`/`@monthly`/
//! `@yearly` macros, evaluated in UTC unless prefixed with `CRON_TZ=<IANA zone> ` (QStash's
//! syntax; `TZ=` is accepted too). Matching is delegated to the `croner` crate, which follows
//! Vixie cron (day-of-month OR day-of-week when both are restricted) and resolves local
//! times in the zone, so DST gaps fire at the first valid instant and repeated hours fire once.

use std::str::FromStr;

use chrono::{DateTime, TimeZone};
use chrono_tz::Tz;

use super::{snippet, ParseError};

/// Longest accepted cron string, in bytes.
const MAX_LEN: usize = 256;

/// A parsed schedule expression.
///
/// ```
/// use qstash_server::parse::cron::parse_cron;
/// let c = parse_cron(" */10 * * * * ").unwrap();
/// assert_eq!(c.source(), "*/10 * * * *");
/// // 2024-01-01T00:00:00Z → next fire 00:10:00Z
/// assert_eq!(c.next_after(1_704_067_200_000), Some(1_704_067_800_000));
/// ```
#[derive(Debug, Clone)]
pub struct Cron {
    /// The trimmed input, echoed as the schedule's `cron`.
    source: String,
    /// The zone the pattern is evaluated in (UTC by default).
    tz: Tz,
    /// The compiled pattern.
    pattern: croner::Cron,
}

/// Parses a cron string such as `0 4 * * MON-FRI` or `CRON_TZ=America/New_York 0 4 * * *`.
pub fn parse_cron(src: &str) -> Result<Cron, ParseError> {
    let source = src.trim();
    if source.is_empty() {
        return Err(ParseError::new("empty cron expression"));
    }
    if source.len() > MAX_LEN {
        return Err(ParseError::new(format!(
            "cron expression is longer than {MAX_LEN} characters"
        )));
    }
    let (tz, pattern_src) = split_tz(source)?;
    let fields: Vec<&str> = pattern_src.split_whitespace().collect();
    let normalized = if let Some(name) = pattern_src.strip_prefix('@') {
        let expanded = match name.to_ascii_lowercase().as_str() {
            "yearly" | "annually" => "0 0 1 1 *",
            "monthly" => "0 0 1 * *",
            "weekly" => "0 0 * * 0",
            "daily" | "midnight" => "0 0 * * *",
            "hourly" => "0 * * * *",
            _ => {
                return Err(ParseError::new(format!(
                    "unsupported macro \"@{}\" (use @yearly, @monthly, @weekly, @daily or @hourly)",
                    snippet(name)
                )))
            }
        };
        expanded.to_string()
    } else {
        if fields.len() != 5 {
            return Err(ParseError::new(format!(
                "\"{}\" has {} fields, expected 5 (minute hour day-of-month month day-of-week)",
                snippet(pattern_src),
                fields.len()
            )));
        }
        for (i, (field, name)) in fields
            .iter()
            .zip(["minute", "hour", "day-of-month", "month", "day-of-week"])
            .enumerate()
        {
            check_field(field, name, i)?;
        }
        fields.join(" ")
    };
    let pattern = croner::Cron::new(&normalized)
        .parse()
        .map_err(|e| ParseError::new(format!("\"{}\": {e}", snippet(pattern_src))))?;
    let cron = Cron {
        source: source.to_string(),
        tz,
        pattern,
    };
    // A syntactically valid pattern may never fire (`0 0 31 2 *`); catch it now rather than
    // store a schedule that silently does nothing. 2000-01-01 starts a leap-year cycle, so
    // Feb 29 patterns do fire.
    if cron.next_after(946_684_800_000).is_none() {
        return Err(ParseError::new(format!(
            "\"{}\" never fires",
            snippet(pattern_src)
        )));
    }
    Ok(cron)
}

/// Keeps to the portable crontab alphabet: croner also accepts Quartz extensions (`L`, `W`,
/// `#`, `?`) that QStash does not document, and schedules should behave the same elsewhere.
/// Letters are allowed only as month (`JAN`) or weekday (`MON`) names.
fn check_field(field: &str, name: &str, index: usize) -> Result<(), ParseError> {
    const MONTHS: [&str; 12] = [
        "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
    ];
    const DAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
    if let Some(c) = field
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '*' | ',' | '-' | '/')))
    {
        return Err(ParseError::new(format!(
            "unexpected character '{c}' in {name} field \"{}\"",
            snippet(field)
        )));
    }
    let names: &[&str] = match index {
        3 => &MONTHS,
        4 => &DAYS,
        _ => &[],
    };
    for word in field
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| !w.is_empty())
    {
        if !names.iter().any(|n| n.eq_ignore_ascii_case(word)) {
            return Err(ParseError::new(format!(
                "unexpected \"{}\" in {name} field \"{}\"",
                snippet(word),
                snippet(field)
            )));
        }
    }
    Ok(())
}

fn split_tz(source: &str) -> Result<(Tz, &str), ParseError> {
    let rest = source
        .strip_prefix("CRON_TZ=")
        .or_else(|| source.strip_prefix("TZ="));
    let Some(rest) = rest else {
        return Ok((Tz::UTC, source));
    };
    let (zone, pattern) = rest
        .split_once(char::is_whitespace)
        .ok_or_else(|| ParseError::new("missing cron pattern after CRON_TZ=<zone>"))?;
    let tz = Tz::from_str(zone).map_err(|_| {
        ParseError::new(format!(
            "unknown time zone \"{}\" (use an IANA name such as America/New_York)",
            snippet(zone)
        ))
    })?;
    Ok((tz, pattern.trim()))
}

impl Cron {
    /// The first fire time strictly after `unix_ms`, in unix milliseconds (always a whole
    /// minute). `None` if there is none within croner's search horizon.
    pub fn next_after(&self, unix_ms: i64) -> Option<i64> {
        // Start from the whole second at or before `unix_ms`; croner's non-inclusive search
        // adds one second, so sub-second input cannot yield an unaligned result.
        let secs = unix_ms.div_euclid(1000);
        let start = self.tz.timestamp_opt(secs, 0).single()?;
        let next: DateTime<Tz> = self.pattern.find_next_occurrence(&start, false).ok()?;
        Some(next.timestamp_millis())
    }

    /// The expression as stored: the input, trimmed.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The zone the pattern is evaluated in.
    pub fn time_zone(&self) -> Tz {
        self.tz
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn ms(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> i64 {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0)
            .single()
            .unwrap()
            .timestamp_millis()
    }

    fn next(src: &str, from: i64) -> i64 {
        parse_cron(src)
            .unwrap_or_else(|e| panic!("{src}: {e}"))
            .next_after(from)
            .unwrap()
    }

    #[test]
    fn basics() {
        let t = ms(2024, 1, 1, 0, 0);
        assert_eq!(next("* * * * *", t), ms(2024, 1, 1, 0, 1));
        assert_eq!(next("* * * * *", t + 1), ms(2024, 1, 1, 0, 1));
        assert_eq!(next("* * * * *", t - 1), t);
        assert_eq!(next("*/15 * * * *", t + 60_000), ms(2024, 1, 1, 0, 15));
        assert_eq!(next("0 4 * * *", t), ms(2024, 1, 1, 4, 0));
        assert_eq!(next("5,35 1-2 * * *", t), ms(2024, 1, 1, 1, 5));
        assert_eq!(
            next("0 9 * * MON-FRI", ms(2024, 1, 6, 0, 0)),
            ms(2024, 1, 8, 9, 0)
        ); // Sat → Mon
        assert_eq!(next("0 0 1 JAN *", t), ms(2025, 1, 1, 0, 0));
        assert_eq!(next("@hourly", t), ms(2024, 1, 1, 1, 0));
        assert_eq!(next("@daily", t), ms(2024, 1, 2, 0, 0));
        assert_eq!(next("0 0 29 2 *", t), ms(2024, 2, 29, 0, 0));
        // Sunday as 0 and 7.
        assert_eq!(next("0 0 * * 0", t), ms(2024, 1, 7, 0, 0));
        assert_eq!(next("0 0 * * 7", t), ms(2024, 1, 7, 0, 0));
    }

    #[test]
    fn trimmed_source_and_tz() {
        let c = parse_cron("  CRON_TZ=America/New_York   0 4 * * *  ").unwrap();
        assert_eq!(c.source(), "CRON_TZ=America/New_York   0 4 * * *");
        assert_eq!(c.time_zone(), chrono_tz::America::New_York);
        // 04:00 EST = 09:00 UTC in January.
        assert_eq!(
            c.next_after(ms(2024, 1, 1, 0, 0)),
            Some(ms(2024, 1, 1, 9, 0))
        );
        // 04:00 EDT = 08:00 UTC in July.
        assert_eq!(
            c.next_after(ms(2024, 7, 1, 0, 0)),
            Some(ms(2024, 7, 1, 8, 0))
        );
    }

    #[test]
    fn dst_spring_forward_gap_fires_once_after_the_gap() {
        // 2024-03-10: New York jumps 02:00 EST → 03:00 EDT; 02:30 does not exist.
        let c = parse_cron("CRON_TZ=America/New_York 30 2 * * *").unwrap();
        let before = ms(2024, 3, 10, 5, 0); // 00:00 EST
        let fire = c.next_after(before).unwrap();
        assert_eq!(
            fire,
            ms(2024, 3, 10, 7, 0),
            "03:00 EDT, first instant after the gap"
        );
        // And the next day it is back to 02:30 EDT = 06:30 UTC.
        assert_eq!(c.next_after(fire), Some(ms(2024, 3, 11, 6, 30)));
    }

    #[test]
    fn dst_fall_back_repeated_hour_fires_once() {
        // 2024-11-03: New York falls back 02:00 EDT → 01:00 EST; 01:30 happens twice.
        let c = parse_cron("CRON_TZ=America/New_York 30 1 * * *").unwrap();
        let first = c.next_after(ms(2024, 11, 3, 4, 0)).unwrap(); // 00:00 EDT
        assert_eq!(first, ms(2024, 11, 3, 5, 30), "01:30 EDT");
        let second = c.next_after(first).unwrap();
        assert_eq!(
            second,
            ms(2024, 11, 4, 6, 30),
            "next day 01:30 EST, not 01:30 EST same day"
        );
    }

    #[test]
    fn europe_zone() {
        let c = parse_cron("CRON_TZ=Europe/Berlin 0 12 * * *").unwrap();
        assert_eq!(
            c.next_after(ms(2024, 1, 15, 0, 0)),
            Some(ms(2024, 1, 15, 11, 0))
        );
        assert_eq!(
            c.next_after(ms(2024, 6, 15, 0, 0)),
            Some(ms(2024, 6, 15, 10, 0))
        );
    }

    #[test]
    fn errors() {
        for (src, needle) in [
            ("", "empty"),
            ("* * * *", "has 4 fields, expected 5"),
            ("* * * * * *", "has 6 fields"),
            ("61 * * * *", "\"61 * * * *\""),
            ("* 24 * * *", "\"* 24 * * *\""),
            ("* * * 13 *", "\"* * * 13 *\""),
            ("* * * * FOO", "unexpected \"FOO\" in day-of-week"),
            ("0 0 31 2 *", "never fires"),
            (
                "CRON_TZ=Mars/Olympus 0 0 * * *",
                "unknown time zone \"Mars/Olympus\"",
            ),
            ("CRON_TZ=UTC", "missing cron pattern"),
            ("@reboot", "unsupported macro"),
            ("0 0 L * *", "unexpected \"L\" in day-of-month"), // a Quartz extension
            ("0 0 * * 5#2", "unexpected character '#'"),
            ("*/0 * * * *", "*/0"),
        ] {
            let err = parse_cron(src).unwrap_err().to_string();
            assert!(err.contains(needle), "{src:?}: {err}");
        }
        assert!(parse_cron(&"* ".repeat(500)).is_err());
    }
}
