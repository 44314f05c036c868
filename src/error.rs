//! The crate's one error type.
//!
//! [`Error`] is a cheap boxed handle; what went wrong is its [`ErrorKind`]. Every kind maps to
//! one of the error classes of `@upstash/qstash` (the JS facade does that mapping, this module
//! stays free of JS):
//!
//! | kind | JS class |
//! |---|---|
//! | [`ErrorKind::Api`] | `QstashError` with `status` |
//! | [`ErrorKind::RateLimited`] | `QstashRatelimitError`, `QstashDailyRatelimitError`, `QstashChatRatelimitError` |
//! | [`ErrorKind::EmptyArray`] | `QstashEmptyArrayError` |
//! | [`ErrorKind::InvalidInput`] | `QstashError` without `status` |
//! | [`ErrorKind::Type`] | `TypeError` |
//! | [`ErrorKind::Usage`] | plain `Error` |
//! | [`ErrorKind::Network`] | whatever `fetch` threw (the facade rethrows the original) |
//! | [`ErrorKind::Decode`] | `SyntaxError`-like: the response was not the expected JSON |
//! | [`ErrorKind::Signature`] | `SignatureError` |
//!
//! [`Error`]'s `Display` is exactly the `message` the official SDK would give.

use std::fmt;

/// The crate's error: a boxed [`ErrorKind`] plus predicates.
///
/// ```
/// use qstash_wasm::{Error, ErrorKind};
/// use qstash_wasm::api::classify_response;
///
/// let err: Error = classify_response(404, |_| None, "{\"error\":\"not found\"}").unwrap_err();
/// assert_eq!(err.status(), Some(404));
/// assert_eq!(err.to_string(), "{\"error\":\"not found\"}");
/// assert!(matches!(err.kind(), ErrorKind::Api { .. }));
/// ```
pub struct Error {
    inner: Box<Inner>,
}

struct Inner {
    kind: ErrorKind,
}

/// What went wrong.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The server answered with a status outside 200–299 (other than 429). `body` is the raw
    /// response text; the official SDK does not parse QStash's `{"error": "..."}` either.
    Api {
        /// HTTP status.
        status: u16,
        /// Raw response body (may be empty).
        body: String,
    },
    /// The server answered 429; which family depends on the headers present.
    RateLimited(RateLimit),
    /// An empty array was given for a query parameter, which would otherwise remove the filter
    /// and hit every resource (`QstashEmptyArrayError`).
    EmptyArray {
        /// The query parameter name.
        key: String,
    },
    /// Client-side validation failed before any request was sent (`QstashError` without a
    /// status), e.g. `Message id cannot be empty`.
    InvalidInput(String),
    /// Bad argument types or API-provider configuration (`TypeError` in JS), e.g.
    /// `Callback cannot be undefined when using LLM api.`.
    Type(String),
    /// Misuse that the official SDK reports as a plain `Error`, e.g.
    /// `Please provide a queue name to the Queue constructor`.
    Usage(String),
    /// `fetch` failed (after all retries) or was aborted by a timeout.
    Network(String),
    /// The response body was not the JSON the endpoint promises.
    Decode(String),
    /// Signature verification failed (`SignatureError`).
    Signature(crate::signing::VerifyError),
}

/// A 429 answer, classified like `getResponseError` in `@upstash/qstash` `src/client/http.ts`.
///
/// Every field is the raw header value, `None` when the header is absent (JS `null`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RateLimit {
    /// `QstashRatelimitError`: no chat or daily headers; fields from `Burst-RateLimit-*`.
    Burst {
        /// `Burst-RateLimit-Limit`.
        limit: Option<String>,
        /// `Burst-RateLimit-Remaining`.
        remaining: Option<String>,
        /// `Burst-RateLimit-Reset`.
        reset: Option<String>,
    },
    /// `QstashDailyRatelimitError`: the response carried `RateLimit-Limit`.
    Daily {
        /// `RateLimit-Limit`.
        limit: Option<String>,
        /// `RateLimit-Remaining`.
        remaining: Option<String>,
        /// `RateLimit-Reset`.
        reset: Option<String>,
    },
    /// `QstashChatRatelimitError`: the response carried `x-ratelimit-limit-requests`.
    Chat {
        /// `x-ratelimit-limit-requests`.
        limit_requests: Option<String>,
        /// `x-ratelimit-limit-tokens`.
        limit_tokens: Option<String>,
        /// `x-ratelimit-remaining-requests`.
        remaining_requests: Option<String>,
        /// `x-ratelimit-remaining-tokens`.
        remaining_tokens: Option<String>,
        /// `x-ratelimit-reset-requests`.
        reset_requests: Option<String>,
        /// `x-ratelimit-reset-tokens`.
        reset_tokens: Option<String>,
    },
}

/// Which rate-limit family a [`RateLimit`] belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateLimitKind {
    /// Per-second burst limit (`QstashRatelimitError`).
    Burst,
    /// Daily message quota (`QstashDailyRatelimitError`).
    Daily,
    /// LLM chat limits (`QstashChatRatelimitError`).
    Chat,
}

impl RateLimit {
    /// The family of this rate limit.
    pub fn kind(&self) -> RateLimitKind {
        match self {
            RateLimit::Burst { .. } => RateLimitKind::Burst,
            RateLimit::Daily { .. } => RateLimitKind::Daily,
            RateLimit::Chat { .. } => RateLimitKind::Chat,
        }
    }

    /// The JS class name the official SDK uses for this family.
    pub fn class_name(&self) -> &'static str {
        match self {
            RateLimit::Burst { .. } => "QstashRatelimitError",
            RateLimit::Daily { .. } => "QstashDailyRatelimitError",
            RateLimit::Chat { .. } => "QstashChatRatelimitError",
        }
    }

    /// `JSON.stringify(args)` as the official constructor builds it, key order included.
    pub fn args_json(&self) -> String {
        let pairs: Vec<(&str, &Option<String>)> = match self {
            RateLimit::Burst {
                limit,
                remaining,
                reset,
            }
            | RateLimit::Daily {
                limit,
                remaining,
                reset,
            } => vec![("limit", limit), ("remaining", remaining), ("reset", reset)],
            RateLimit::Chat {
                limit_requests,
                limit_tokens,
                remaining_requests,
                remaining_tokens,
                reset_requests,
                reset_tokens,
            } => vec![
                ("limit-requests", limit_requests),
                ("limit-tokens", limit_tokens),
                ("remaining-requests", remaining_requests),
                ("remaining-tokens", remaining_tokens),
                ("reset-requests", reset_requests),
                ("reset-tokens", reset_tokens),
            ],
        };
        // Keys are plain ASCII; values are escaped like `JSON.stringify`.
        let mut out = String::from("{");
        for (i, (k, val)) in pairs.into_iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push('"');
            out.push_str(k);
            out.push_str("\":");
            match val {
                Some(s) => crate::api::push_json_string(&mut out, s),
                None => out.push_str("null"),
            }
        }
        out.push('}');
        out
    }
}

impl Error {
    pub(crate) fn new(kind: ErrorKind) -> Self {
        Error {
            inner: Box::new(Inner { kind }),
        }
    }

    /// The kind of failure.
    pub fn kind(&self) -> &ErrorKind {
        &self.inner.kind
    }

    /// Consumes the error, returning its kind.
    pub fn into_kind(self) -> ErrorKind {
        self.inner.kind
    }

    /// The HTTP status, for errors that came from a response (`QstashError.status`).
    pub fn status(&self) -> Option<u16> {
        match &self.inner.kind {
            ErrorKind::Api { status, .. } => Some(*status),
            ErrorKind::RateLimited(_) => Some(429),
            _ => None,
        }
    }

    /// True for any 429 family (burst, daily or chat).
    pub fn is_rate_limited(&self) -> bool {
        matches!(self.inner.kind, ErrorKind::RateLimited(_))
    }

    /// True when `fetch` itself failed (no response).
    pub fn is_network(&self) -> bool {
        matches!(self.inner.kind, ErrorKind::Network(_))
    }

    /// True for signature verification failures.
    pub fn is_signature(&self) -> bool {
        matches!(self.inner.kind, ErrorKind::Signature(_))
    }

    /// True when a query would have contained an empty array.
    pub fn is_empty_array(&self) -> bool {
        matches!(self.inner.kind, ErrorKind::EmptyArray { .. })
    }

    /// The name of the JS error class the official SDK throws for this error.
    pub fn js_class_name(&self) -> &'static str {
        match &self.inner.kind {
            ErrorKind::Api { .. } | ErrorKind::InvalidInput(_) => "QstashError",
            ErrorKind::RateLimited(r) => r.class_name(),
            ErrorKind::EmptyArray { .. } => "QstashEmptyArrayError",
            ErrorKind::Type(_) => "TypeError",
            ErrorKind::Usage(_) | ErrorKind::Network(_) => "Error",
            ErrorKind::Decode(_) => "SyntaxError",
            ErrorKind::Signature(_) => "SignatureError",
        }
    }
}

// Crate-private constructors, one per kind (reqwest style).
pub(crate) fn invalid_input(msg: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidInput(msg.into()))
}
pub(crate) fn type_error(msg: impl Into<String>) -> Error {
    Error::new(ErrorKind::Type(msg.into()))
}
pub(crate) fn usage(msg: impl Into<String>) -> Error {
    Error::new(ErrorKind::Usage(msg.into()))
}
pub(crate) fn empty_array(key: impl Into<String>) -> Error {
    Error::new(ErrorKind::EmptyArray { key: key.into() })
}
pub(crate) fn decode(msg: impl fmt::Display) -> Error {
    Error::new(ErrorKind::Decode(msg.to_string()))
}
#[allow(dead_code)] // only the wasm transport reports network failures
pub(crate) fn network(msg: impl Into<String>) -> Error {
    Error::new(ErrorKind::Network(msg.into()))
}

impl From<crate::signing::VerifyError> for Error {
    fn from(e: crate::signing::VerifyError) -> Self {
        Error::new(ErrorKind::Signature(e))
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Self {
        Error::new(kind)
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::Api { status, body } => {
                if body.is_empty() {
                    write!(f, "Error: status={status}")
                } else {
                    f.write_str(body)
                }
            }
            ErrorKind::RateLimited(r) => {
                let family = match r.kind() {
                    RateLimitKind::Burst => "burst",
                    RateLimitKind::Daily => "daily",
                    RateLimitKind::Chat => "chat",
                };
                write!(f, "Exceeded {family} rate limit. {}", r.args_json())
            }
            ErrorKind::EmptyArray { key } => write!(
                f,
                "Empty array provided for query parameter \"{key}\". This would result in no filter being applied, which could affect all resources."
            ),
            ErrorKind::InvalidInput(m)
            | ErrorKind::Type(m)
            | ErrorKind::Usage(m)
            | ErrorKind::Network(m)
            | ErrorKind::Decode(m) => f.write_str(m),
            ErrorKind::Signature(e) => fmt::Display::fmt(e, f),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.inner.kind, f)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.inner.kind)
            .finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.inner.kind {
            ErrorKind::Signature(e) => Some(e),
            _ => None,
        }
    }
}

/// The crate's result alias.
pub type Result<T, E = Error> = std::result::Result<T, E>;
