//! Pure parsers for everything a client can put in a header, query parameter or path.
//!
//! Nothing here does I/O or knows about HTTP frameworks: each parser takes text and returns a
//! typed value or a [`ParseError`] that names the offending field, so the HTTP layer can turn
//! it into a `400 {"error": "..."}` without further thought.
//!
//! - [`duration`]: `1d10h30m`, `90s`, Go durations (`1.5s`, `300ms`), `Retry-After` values.
//! - [`expr`]: the `Upstash-Retry-Delay` expression language (`pow(2, retried) * 1000`).
//! - [`cron`]: 5-field cron with an optional `CRON_TZ=<zone>` prefix.
//! - [`flow_control`]: `Upstash-Flow-Control-Value` (`parallelism=5, rate=10, period=1m`).
//! - [`headers`]: publish headers + destination path → [`crate::model::NewMessage`] parts.

pub mod cron;
pub mod duration;
pub mod expr;
pub mod flow_control;
pub mod headers;

use std::borrow::Cow;
use std::fmt;

/// A client-input error that names the field it is about.
///
/// `Display` gives `invalid <field>: <message>` when a field is known, so a response body
/// like `{"error": "invalid Upstash-Delay: unknown unit \"x\" in \"5x\""}` tells the caller
/// exactly which header to fix.
///
/// ```
/// use qstash_server::parse::ParseError;
/// let e = ParseError::new("unknown unit").in_field("Upstash-Delay");
/// assert_eq!(e.to_string(), "invalid Upstash-Delay: unknown unit");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// The header, query parameter or JSON field the error is about, when known.
    field: Option<Cow<'static, str>>,
    /// What is wrong with it.
    message: String,
}

impl ParseError {
    /// An error with a message and no field yet (see [`ParseError::in_field`]).
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            field: None,
            message: message.into(),
        }
    }

    /// An error about `field`.
    pub fn field(field: impl Into<Cow<'static, str>>, message: impl Into<String>) -> Self {
        Self {
            field: Some(field.into()),
            message: message.into(),
        }
    }

    /// Attaches the field name unless one is already set (the innermost parser knows best).
    pub fn in_field(mut self, field: impl Into<Cow<'static, str>>) -> Self {
        if self.field.is_none() {
            self.field = Some(field.into());
        }
        self
    }

    /// An error whose `Display` is exactly `message`, with no `invalid <field>:` decoration.
    /// Used for texts that must match the official server verbatim.
    pub fn verbatim(message: impl Into<String>) -> Self {
        Self {
            field: Some(Cow::Borrowed("")),
            message: message.into(),
        }
    }

    /// The field name, if known.
    pub fn field_name(&self) -> Option<&str> {
        self.field.as_deref().filter(|f| !f.is_empty())
    }

    /// The message without the field prefix.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.field.as_deref() {
            Some("") | None => f.write_str(&self.message),
            Some(field) => write!(f, "invalid {field}: {}", self.message),
        }
    }
}

impl std::error::Error for ParseError {}

/// Shortens user input for echoing it in an error message, so a 1 MB header does not come
/// back in a 1 MB error body.
pub(crate) fn snippet(s: &str) -> String {
    const MAX: usize = 64;
    if s.len() <= MAX {
        return s.to_string();
    }
    let mut end = MAX;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &s[..end])
}

#[cfg(test)]
mod fuzz {
    //! Hostile input must never panic a parser: a deterministic pseudo-random sweep over
    //! strings built from each grammar's alphabet plus junk.

    struct XorShift(u64);

    impl XorShift {
        fn next(&mut self) -> u64 {
            let mut x = self.0;
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            self.0 = x;
            x
        }

        fn string(&mut self, alphabet: &[&str], max_len: usize) -> String {
            let len = (self.next() % max_len as u64) as usize;
            (0..len)
                .map(|_| alphabet[(self.next() % alphabet.len() as u64) as usize])
                .collect()
        }
    }

    const JUNK: &[&str] = &[
        "", " ", "\t", "µ", "é", "\u{0}", "%", "%f", "%ff", "/", ":", "=", ",",
    ];

    #[test]
    fn parsers_never_panic() {
        let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
        let dur: Vec<&str> = [
            "0", "1", "9", ".", "s", "m", "h", "d", "ms", "us", "ns", "-",
        ]
        .into_iter()
        .chain(JUNK.iter().copied())
        .collect();
        let expr: Vec<&str> = [
            "retried",
            "pow",
            "sqrt",
            "min",
            "max",
            "(",
            ")",
            ",",
            "+",
            "-",
            "*",
            "/",
            "%",
            "1",
            "0",
            ".",
            "e",
            "9999999999",
        ]
        .into_iter()
        .chain(JUNK.iter().copied())
        .collect();
        let cron: Vec<&str> = [
            "*",
            "/",
            "-",
            ",",
            " ",
            "0",
            "5",
            "59",
            "60",
            "31",
            "12",
            "7",
            "MON",
            "JAN",
            "L",
            "CRON_TZ=",
            "Europe/Berlin",
            "@daily",
            "@",
        ]
        .into_iter()
        .chain(JUNK.iter().copied())
        .collect();
        let fc: Vec<&str> = [
            "parallelism",
            "rate",
            "period",
            "=",
            ",",
            "1",
            "0",
            "1m",
            "8d",
            " ",
        ]
        .into_iter()
        .chain(JUNK.iter().copied())
        .collect();
        let dest: Vec<&str> = [
            "http",
            "https",
            "ftp",
            ":",
            "/",
            "//",
            "example.com",
            "%3A",
            "%2F",
            "?",
            "a=1",
            "[::1]",
            "@",
            "#",
        ]
        .into_iter()
        .chain(JUNK.iter().copied())
        .collect();
        for _ in 0..3000 {
            let _ = super::duration::parse_duration(&rng.string(&dur, 12));
            let _ = super::duration::retry_after_ms(&rng.string(&dur, 12), 0);
            if let Ok(e) = super::expr::parse_retry_delay(&rng.string(&expr, 24)) {
                let _ = e.delay_ms(u32::MAX);
            }
            if let Ok(c) = super::cron::parse_cron(&rng.string(&cron, 12)) {
                let _ = c.next_after(i64::MAX / 2);
                let _ = c.next_after(i64::MIN / 2);
            }
            let _ = super::flow_control::parse_flow_control(&rng.string(&fc, 10));
            let d = rng.string(&dest, 8);
            let _ = super::headers::parse_destination(&d, Some(&d));
            let _ = super::headers::parse_destination_value(&d);
        }
    }
}
