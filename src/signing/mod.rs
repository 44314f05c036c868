//! Pure JWT signing and verification of `Upstash-Signature` (no I/O, no JS; compiles natively
//! and to wasm32). The local server signs deliveries with [`sign`]; the JS `Receiver` wraps
//! [`Verifier`].
//!
//! Layout (one operation per file, internals `pub(crate)`):
//! - `jwt`: splitting, Node-compatible base64url decoding, the protected header checks.
//! - `json`: a strict, iterative `JSON.parse` equivalent that keeps only what we check.
//! - `claims`: [`Claims`] and jose 5's claim rules.
//! - `verify`: [`Verifier`] (current key, then next key; then `sub` and body).
//! - `sign`: [`sign`], [`body_hash`], [`Algorithm`].
//! - `error`: [`VerifyError`] and the per-key [`TokenError`].
//!
//! ```
//! use qstash_wasm::signing::{sign, Algorithm, Claims, Verifier, VerifyOptions};
//! let now = 1_700_000_000;
//! let claims = Claims::for_delivery("https://example.com/api", b"hi", now, "jwt_1".into());
//! let token = sign("sig_current", &claims, Algorithm::Hs256);
//! let verifier = Verifier::new("sig_current", "sig_next");
//! let late = VerifyOptions { url: None, clock_tolerance: 0.0, now: now + 300 };
//! let err = verifier.verify(&token, b"hi", &late).unwrap_err();
//! assert_eq!(err.code(), "ERR_JWT_EXPIRED");
//! assert!(err.to_string().starts_with("\"exp\" claim timestamp check failed"));
//! ```

mod claims;
mod error;
mod json;
mod jwt;
mod sign;
mod verify;

pub use claims::{time_span_secs, Claims, DELIVERY_TOKEN_LIFETIME_SECS, ISSUER};
pub use error::{Claim, ClaimReason, Segment, TokenError, VerifyError};
pub use jwt::MAX_TOKEN_LEN;
pub use sign::{body_hash, constant_time_eq, sign, Algorithm};
pub use verify::{KeySlot, VerifiedClaims, Verifier, VerifyOptions};
