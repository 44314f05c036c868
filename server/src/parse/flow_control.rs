//! `Upstash-Flow-Control-Value`: `parallelism=5, rate=10, period=1m`.
//!
//! Comma-separated `key=value` pairs, spaces optional, keys case-insensitive. `rate` is the
//! maximum number of dispatches per `period`; `parallelism` the maximum in-flight calls.
//! `period` is a duration (`1m`, `1h30m`, or bare seconds), default 1 s, at most one week.

use super::{duration::parse_duration, snippet, ParseError};

/// Default rate period, in seconds.
pub const DEFAULT_PERIOD_SECS: u64 = 1;
/// Longest allowed rate period (one week), in seconds.
pub const MAX_PERIOD_SECS: u64 = 7 * 86_400;

/// The limits a message asks for under its flow-control key.
///
/// ```
/// use qstash_server::parse::flow_control::parse_flow_control;
/// let v = parse_flow_control("parallelism=5, rate=10, period=1m").unwrap();
/// assert_eq!((v.parallelism, v.rate, v.period_secs), (Some(5), Some(10), 60));
/// let v = parse_flow_control("rate=3").unwrap();
/// assert_eq!(v.period_secs, 1);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlowControlValue {
    /// Maximum concurrent in-flight deliveries for the key, if limited.
    pub parallelism: Option<u32>,
    /// Maximum dispatches per `period_secs`, if limited.
    pub rate: Option<u32>,
    /// The rate window in seconds (default 1).
    pub period_secs: u64,
}

/// Parses an `Upstash-Flow-Control-Value` header. Errors name the offending key; the caller
/// adds the header name with [`ParseError::in_field`].
pub fn parse_flow_control(src: &str) -> Result<FlowControlValue, ParseError> {
    let s = src.trim();
    if s.is_empty() {
        return Err(ParseError::new(
            "empty value, expected e.g. \"parallelism=5, rate=10, period=1m\"",
        ));
    }
    let mut parallelism = None;
    let mut rate = None;
    let mut period = None;
    for part in s.split(',') {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let (key, value) = part.split_once('=').ok_or_else(|| {
            ParseError::new(format!(
                "\"{}\" is not key=value (keys: parallelism, rate, period)",
                snippet(part)
            ))
        })?;
        let (key, value) = (key.trim(), value.trim());
        match key.to_ascii_lowercase().as_str() {
            "parallelism" => set_once(&mut parallelism, positive(key, value)?, "parallelism")?,
            // `ratePerSecond` is the SDKs' deprecated name; they send it as `rate`, but be kind.
            "rate" | "ratepersecond" => set_once(&mut rate, positive(key, value)?, "rate")?,
            "period" => {
                let secs = parse_duration(value)
                    .map_err(|e| ParseError::new(format!("period: {}", e.message())))?
                    .as_secs();
                if secs == 0 {
                    return Err(ParseError::new("period must be at least 1s"));
                }
                if secs > MAX_PERIOD_SECS {
                    return Err(ParseError::new(format!(
                        "period \"{}\" exceeds the maximum of 1 week",
                        snippet(value)
                    )));
                }
                set_once(&mut period, secs, "period")?;
            }
            _ => {
                return Err(ParseError::new(format!(
                    "unknown key \"{}\" (keys: parallelism, rate, period)",
                    snippet(key)
                )))
            }
        }
    }
    if parallelism.is_none() && rate.is_none() {
        return Err(ParseError::new(
            "provide at least one of parallelism or rate",
        ));
    }
    Ok(FlowControlValue {
        parallelism,
        rate,
        period_secs: period.unwrap_or(DEFAULT_PERIOD_SECS),
    })
}

fn positive(key: &str, value: &str) -> Result<u32, ParseError> {
    match value.parse::<u64>() {
        Ok(0) => Err(ParseError::new(format!("{key} must be at least 1"))),
        Ok(n) => u32::try_from(n).map_err(|_| ParseError::new(format!("{key} {n} is too large"))),
        Err(_) => Err(ParseError::new(format!(
            "{key} \"{}\" is not a positive integer",
            snippet(value)
        ))),
    }
}

fn set_once<T>(slot: &mut Option<T>, v: T, key: &str) -> Result<(), ParseError> {
    if slot.is_some() {
        return Err(ParseError::new(format!("{key} given twice")));
    }
    *slot = Some(v);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepted_spellings() {
        let all = FlowControlValue {
            parallelism: Some(5),
            rate: Some(10),
            period_secs: 60,
        };
        assert_eq!(
            parse_flow_control("parallelism=5,rate=10,period=1m").unwrap(),
            all
        );
        assert_eq!(
            parse_flow_control("parallelism=5, rate=10, period=1m").unwrap(),
            all
        );
        assert_eq!(
            parse_flow_control(" Parallelism = 5 ,RATE=10, period=60 ").unwrap(),
            all
        );
        assert_eq!(
            parse_flow_control("period=60s,rate=10,parallelism=5,").unwrap(),
            all
        );
        let p = parse_flow_control("parallelism=3").unwrap();
        assert_eq!((p.parallelism, p.rate, p.period_secs), (Some(3), None, 1));
        assert_eq!(
            parse_flow_control("rate=1, period=1h30m3s")
                .unwrap()
                .period_secs,
            5403
        );
        assert_eq!(
            parse_flow_control("rate=1, period=1d").unwrap().period_secs,
            86_400
        );
        assert_eq!(
            parse_flow_control("rate=1, period=7d").unwrap().period_secs,
            MAX_PERIOD_SECS
        );
        assert_eq!(parse_flow_control("ratePerSecond=4").unwrap().rate, Some(4));
    }

    #[test]
    fn errors_name_the_key() {
        for (src, needle) in [
            ("", "empty value"),
            ("parallelism", "not key=value"),
            ("parallelism=0", "parallelism must be at least 1"),
            (
                "parallelism=-1",
                "parallelism \"-1\" is not a positive integer",
            ),
            ("rate=abc", "rate \"abc\" is not a positive integer"),
            ("rate=99999999999", "rate 99999999999 is too large"),
            ("rate=1, period=8d", "exceeds the maximum of 1 week"),
            ("rate=1, period=0s", "at least 1s"),
            ("rate=1, period=5x", "period: unknown unit"),
            ("burst=3", "unknown key \"burst\""),
            ("period=1m", "at least one of parallelism or rate"),
            ("rate=1,rate=2", "rate given twice"),
        ] {
            let err = parse_flow_control(src).unwrap_err().to_string();
            assert!(err.contains(needle), "{src:?}: {err}");
        }
    }
}
