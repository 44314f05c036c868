//! Verification errors: jose's wording and codes, plus which key and which part failed.

use std::fmt;

/// Which part of the compact JWS a structural failure is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Segment {
    /// The token as a whole (segment count, size).
    Token,
    /// The first segment, the protected header.
    Header,
    /// The second segment, the claims set.
    Payload,
    /// The third segment, the MAC.
    Signature,
}

impl fmt::Display for Segment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Segment::Token => "token",
            Segment::Header => "header",
            Segment::Payload => "payload",
            Segment::Signature => "signature",
        })
    }
}

/// A JWT claim that failed validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// `iss`, which must be `"Upstash"`.
    Iss,
    /// `iat`, which must be a number when present.
    Iat,
    /// `nbf`, which must be a number and not in the future (beyond the tolerance).
    Nbf,
    /// `exp`, which must be a number and not in the past (beyond the tolerance).
    Exp,
}

impl Claim {
    /// The claim's JWT name.
    pub fn name(self) -> &'static str {
        match self {
            Claim::Iss => "iss",
            Claim::Iat => "iat",
            Claim::Nbf => "nbf",
            Claim::Exp => "exp",
        }
    }
}

/// Why a claim failed (jose's `reason`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimReason {
    /// The claim is required and absent.
    Missing,
    /// The claim has the wrong JSON type.
    Invalid,
    /// The claim has the right type but the wrong value or time.
    CheckFailed,
}

/// Why one signing key did not verify a token. Messages are jose 5's, word for word, so they
/// match what the official Receiver puts in its `SignatureError`; `detail` adds context jose
/// leaves out.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum TokenError {
    /// The token is longer than [`MAX_TOKEN_LEN`](super::MAX_TOKEN_LEN) bytes.
    TooLarge {
        /// The token's length in bytes.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// jose `JWSInvalid`: wrong segment count, undecodable header, bad `crit`/`b64`/`alg`.
    InvalidJws {
        /// The segment at fault.
        segment: Segment,
        /// jose's message.
        message: String,
        /// Extra context, shown in parentheses.
        detail: Option<String>,
    },
    /// The header's `alg` is not an HMAC algorithm (e.g. `none`, `RS256`, `dir`).
    AlgNotAllowed {
        /// The `alg` the header asked for.
        alg: String,
        /// jose's message for a `Uint8Array` secret used with that algorithm.
        message: String,
    },
    /// jose `JOSENotSupported`: an unknown `HS*` algorithm or `crit` extension.
    NotSupported {
        /// jose's message.
        message: String,
    },
    /// The configured key is the empty string (the official never verifies with one).
    EmptyKey,
    /// jose `JWSSignatureVerificationFailed`: the MAC does not match this key.
    SignatureMismatch,
    /// jose `JWTInvalid`: the payload is not a JSON object, or is unencoded (`b64: false`).
    InvalidJwt {
        /// jose's message.
        message: &'static str,
    },
    /// jose `JWTClaimValidationFailed` for `iss`, `iat` or `nbf` (and a non-numeric `exp`).
    ClaimFailed {
        /// The claim.
        claim: Claim,
        /// Why it failed.
        reason: ClaimReason,
        /// Extra context, shown in parentheses.
        detail: Option<String>,
    },
    /// jose `JWTExpired`: `exp <= now - clock_tolerance`.
    Expired {
        /// The token's `exp`.
        exp: f64,
        /// The verification time (unix seconds).
        now: u64,
        /// The clock tolerance (seconds).
        tolerance: f64,
    },
}

impl TokenError {
    /// A stable code: jose's where jose has one.
    pub fn code(&self) -> &'static str {
        match self {
            TokenError::TooLarge { .. } | TokenError::InvalidJws { .. } => "ERR_JWS_INVALID",
            TokenError::AlgNotAllowed { .. } => "ERR_JOSE_ALG_NOT_ALLOWED",
            TokenError::NotSupported { .. } => "ERR_JOSE_NOT_SUPPORTED",
            TokenError::EmptyKey => "ERR_SIGNING_KEY_EMPTY",
            TokenError::SignatureMismatch => "ERR_JWS_SIGNATURE_VERIFICATION_FAILED",
            TokenError::InvalidJwt { .. } => "ERR_JWT_INVALID",
            TokenError::ClaimFailed { .. } => "ERR_JWT_CLAIM_VALIDATION_FAILED",
            TokenError::Expired { .. } => "ERR_JWT_EXPIRED",
        }
    }

    /// jose's message alone, without our added detail.
    pub fn jose_message(&self) -> String {
        match self {
            TokenError::TooLarge { .. } => "Invalid Compact JWS".to_owned(),
            TokenError::InvalidJws { message, .. }
            | TokenError::AlgNotAllowed { message, .. }
            | TokenError::NotSupported { message } => message.clone(),
            TokenError::EmptyKey => "signing key is empty".to_owned(),
            TokenError::SignatureMismatch => "signature verification failed".to_owned(),
            TokenError::InvalidJwt { message } => (*message).to_owned(),
            TokenError::ClaimFailed { claim, reason, .. } => {
                let name = claim.name();
                match (claim, reason) {
                    (_, ClaimReason::Missing) => format!("missing required \"{name}\" claim"),
                    (Claim::Iss, _) => "unexpected \"iss\" claim value".to_owned(),
                    (_, ClaimReason::Invalid) => format!("\"{name}\" claim must be a number"),
                    (_, ClaimReason::CheckFailed) => {
                        format!("\"{name}\" claim timestamp check failed")
                    }
                }
            }
            TokenError::Expired { .. } => "\"exp\" claim timestamp check failed".to_owned(),
        }
    }

    /// True when this failure happened after the signature was verified, i.e. the key was the
    /// right one and the failure is about the token's content.
    pub fn signature_verified(&self) -> bool {
        matches!(
            self,
            TokenError::InvalidJwt { .. }
                | TokenError::ClaimFailed { .. }
                | TokenError::Expired { .. }
        )
    }
}

impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.jose_message())?;
        match self {
            TokenError::TooLarge { len, max } => {
                write!(f, " (token is {len} bytes, the limit is {max})")
            }
            TokenError::InvalidJws {
                segment,
                detail: Some(detail),
                ..
            } => write!(f, " ({segment}: {detail})"),
            TokenError::InvalidJws { segment, .. } if *segment != Segment::Header => {
                write!(f, " ({segment})")
            }
            TokenError::SignatureMismatch => f.write_str(" (signature segment)"),
            TokenError::ClaimFailed {
                detail: Some(detail),
                ..
            } => write!(f, " ({detail})"),
            TokenError::Expired {
                exp,
                now,
                tolerance,
            } => write!(
                f,
                " (exp {} <= now {now} - clock tolerance {}s)",
                crate::api::js_number_to_string(*exp),
                crate::api::js_number_to_string(*tolerance)
            ),
            _ => Ok(()),
        }
    }
}

impl std::error::Error for TokenError {}

/// Why [`Verifier::verify`](super::Verifier::verify) rejected a request.
///
/// `Display` starts with the official Receiver's wording (jose's message, `invalid subject:
/// ...`, `body hash does not match, ...`) and adds what the official drops: when neither key
/// verifies the token, the failure under each key.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum VerifyError {
    /// Neither the current nor the next signing key verified the token.
    Rejected {
        /// The failure under the current key.
        current: TokenError,
        /// The failure under the next key.
        next: TokenError,
    },
    /// The token is valid but its `sub` is not the expected URL.
    SubjectMismatch {
        /// The token's `sub`, as JS would print it (`undefined` when absent).
        subject: String,
        /// The URL the caller expected.
        want: String,
    },
    /// The token is valid but its `body` claim is not the SHA-256 of the received body.
    BodyMismatch {
        /// The token's `body` claim, as sent (`undefined` when absent).
        want: String,
        /// The unpadded base64url SHA-256 of the received body.
        got: String,
    },
}

impl VerifyError {
    /// The per-key failure that explains the rejection best: one that got past the signature
    /// check (so that key was the signer), else the next key's, which is what the official
    /// Receiver reports.
    pub fn primary(&self) -> Option<&TokenError> {
        match self {
            VerifyError::Rejected { current, next } => Some(
                if current.signature_verified() && !next.signature_verified() {
                    current
                } else {
                    next
                },
            ),
            _ => None,
        }
    }

    /// A stable machine-readable code, e.g. `ERR_JWT_EXPIRED`, `ERR_BODY_MISMATCH`.
    ///
    /// ```
    /// use qstash_wasm::signing::{Verifier, VerifyOptions};
    /// let err = Verifier::new("sig_a", "sig_b")
    ///     .verify("not-a-jwt", b"", &VerifyOptions { url: None, clock_tolerance: 0.0, now: 0 })
    ///     .unwrap_err();
    /// assert_eq!(err.code(), "ERR_JWS_INVALID");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            VerifyError::Rejected { .. } => self.primary().map_or("ERR_JWS_INVALID", |e| e.code()),
            VerifyError::SubjectMismatch { .. } => "ERR_SUBJECT_MISMATCH",
            VerifyError::BodyMismatch { .. } => "ERR_BODY_MISMATCH",
        }
    }
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VerifyError::Rejected { current, next } => {
                let primary = self.primary().unwrap_or(next);
                if current == next {
                    write!(f, "{primary} (current key and next key)")
                } else {
                    write!(
                        f,
                        "{} (current key: {current}; next key: {next})",
                        primary.jose_message()
                    )
                }
            }
            VerifyError::SubjectMismatch { subject, want } => {
                write!(f, "invalid subject: {subject}, want: {want}")
            }
            VerifyError::BodyMismatch { want, got } => {
                write!(f, "body hash does not match, want: {want}, got: {got}")
            }
        }
    }
}

impl std::error::Error for VerifyError {}
