//! [`Verifier`]: the official Receiver's `verify`, as a pure function of its inputs.

use std::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hmac::digest::KeyInit;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use super::claims;
use super::error::{TokenError, VerifyError};
use super::json::{self, Document, Value};
use super::jwt::{self, Header, Parts};
use super::sign::{constant_time_eq, Algorithm};

/// Options for one [`Verifier::verify`] call.
///
/// `now` is supplied by the caller (unix seconds) so the core stays pure and tests control
/// time; the JS facade passes `Math.floor(Date.now() / 1000)`, as jose does.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct VerifyOptions<'a> {
    /// The URL the request was delivered to. When given (even empty), the token's `sub` must
    /// equal it exactly.
    pub url: Option<&'a str>,
    /// Seconds of clock skew allowed on `nbf` and `exp` (jose's `clockTolerance`; default 0).
    /// Any number, as in jose: fractions count (`exp <= now - 0.5`), a negative value makes
    /// the checks stricter.
    pub clock_tolerance: f64,
    /// The current time, unix seconds.
    pub now: u64,
}

impl VerifyOptions<'_> {
    /// Options at time `now`, with no URL check and no tolerance.
    ///
    /// ```
    /// let opts = qstash_wasm::signing::VerifyOptions::at(1_700_000_000);
    /// assert_eq!((opts.url, opts.clock_tolerance), (None, 0.0));
    /// ```
    pub fn at(now: u64) -> Self {
        VerifyOptions {
            url: None,
            clock_tolerance: 0.0,
            now,
        }
    }
}

/// The claims of a token whose signature and claims passed. Fields are `None` when the claim is
/// absent (jose does not require them) or, for strings, not a string.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedClaims {
    /// Which configured key verified the signature.
    pub key: KeySlot,
    /// The header's algorithm.
    pub alg: Algorithm,
    /// `iss` (always `"Upstash"` once verified).
    pub iss: String,
    /// `sub`: the destination URL.
    pub sub: Option<String>,
    /// `exp`, unix seconds (a JSON number: may be fractional).
    pub exp: Option<f64>,
    /// `nbf`, unix seconds.
    pub nbf: Option<f64>,
    /// `iat`, unix seconds.
    pub iat: Option<f64>,
    /// `jti`.
    pub jti: Option<String>,
    /// `body` as sent (possibly `=`-padded).
    pub body: Option<String>,
}

/// One of the two configured signing keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySlot {
    /// The current signing key (tried first).
    Current,
    /// The next signing key (tried when the current one fails).
    Next,
}

/// Verifies `Upstash-Signature` tokens with a current and a next signing key, accepting
/// exactly what `@upstash/qstash`'s `Receiver.verify` accepts (jose 5 `jwtVerify` with
/// `issuer: "Upstash"` and `clockTolerance`, then the `sub` and body checks).
///
/// The order, each step its own failure: token size and 3 segments → protected header (`crit`,
/// `b64`, `alg` must be HS256/HS384/HS512) → HMAC, constant time → payload is a JSON object →
/// `iss == "Upstash"` → `iat`/`nbf`/`exp` types, `nbf > now + tol` and `exp <= now - tol` fail.
/// Any failure with the current key retries with the next key. Then, for the key that
/// succeeded (no fallback past this point, like the official): `sub == url` when a URL is
/// given, and the `body` claim (trailing `=` stripped) equals the unpadded base64url SHA-256 of
/// the raw body bytes, compared in constant time.
///
/// ```
/// use qstash_wasm::signing::{sign, Algorithm, Claims, Verifier, VerifyOptions, KeySlot};
/// let now = 1_700_000_000;
/// let claims = Claims::for_delivery("https://example.com/hook", b"{\"a\":1}", now, "jwt_x".into());
/// // Signed with what is now the *next* key (e.g. during a key rotation).
/// let token = sign("sig_next", &claims, Algorithm::Hs256);
/// let verifier = Verifier::new("sig_current", "sig_next");
/// let opts = VerifyOptions { url: Some("https://example.com/hook"), clock_tolerance: 0.0, now };
/// let verified = verifier.verify(&token, b"{\"a\":1}", &opts).unwrap();
/// assert_eq!(verified.key, KeySlot::Next);
///
/// let err = verifier.verify(&token, b"tampered", &opts).unwrap_err();
/// assert_eq!(err.code(), "ERR_BODY_MISMATCH");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Verifier {
    current: Key,
    next: Key,
}

/// A signing key and its HMAC-SHA-256 state after absorbing the padded key. Keying costs two
/// compression-function calls, a fifth of a typical verify; QStash signs with HS256, so that
/// state is computed once per [`Verifier`]. HS384/HS512 tokens key on demand.
#[derive(Clone)]
struct Key {
    text: String,
    hs256: Hmac<Sha256>,
}

impl Key {
    fn new(text: String) -> Self {
        // HMAC accepts keys of any length, so this cannot fail; an empty state is never used
        // for an empty key (checked before any MAC).
        let hs256 = <Hmac<Sha256> as Mac>::new_from_slice(text.as_bytes())
            .unwrap_or_else(|_| <Hmac<Sha256> as KeyInit>::new(&Default::default()));
        Key { text, hs256 }
    }

    /// Constant-time check ([`constant_time_eq`]) of `tag` over `parts` with `alg`.
    fn verify_mac(&self, alg: Algorithm, parts: &[&[u8]], tag: &[u8]) -> bool {
        match alg {
            Algorithm::Hs256 => {
                let mut mac = self.hs256.clone();
                for part in parts {
                    mac.update(part);
                }
                constant_time_eq(&mac.finalize().into_bytes(), tag)
            }
            other => other.verify_mac(self.text.as_bytes(), parts, tag),
        }
    }
}

impl PartialEq for Key {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Eq for Key {}

impl fmt::Debug for Verifier {
    // Keys are secrets: never print them.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("current", &"<redacted>")
            .field("next", &"<redacted>")
            .finish()
    }
}

/// The key-independent part of jose's checks before the MAC: split and protected header.
/// Its outcome is the same under every key, so it runs once.
struct Prepared<'a> {
    parts: Parts<'a>,
    header: Header,
    /// The decoded signature segment.
    tag: Vec<u8>,
}

impl<'a> Prepared<'a> {
    fn new(signature: &'a str) -> Result<Self, TokenError> {
        let parts = jwt::split(signature)?;
        let header = jwt::header(parts.header)?;
        Ok(Prepared {
            parts,
            header,
            tag: jwt::decode_lenient(parts.signature),
        })
    }

    /// The MAC step of jose's `jwtVerify` under one key.
    fn check_mac(&self, key: &Key) -> Result<(), TokenError> {
        if key.text.is_empty() {
            return Err(TokenError::EmptyKey);
        }
        let signed = [
            self.parts.header.as_bytes(),
            b".",
            self.parts.payload.as_bytes(),
        ];
        if key.verify_mac(self.header.alg, &signed, &self.tag) {
            Ok(())
        } else {
            Err(TokenError::SignatureMismatch)
        }
    }
}

impl Verifier {
    /// A verifier for QStash's current and next signing keys (`sig_...`). The HMAC secret is
    /// the UTF-8 of each key string as given.
    ///
    /// ```
    /// let verifier = qstash_wasm::signing::Verifier::new("sig_current", String::from("sig_next"));
    /// assert!(!format!("{verifier:?}").contains("sig_"));
    /// ```
    pub fn new(current: impl Into<String>, next: impl Into<String>) -> Self {
        Verifier {
            current: Key::new(current.into()),
            next: Key::new(next.into()),
        }
    }

    /// Verify `signature` (the `Upstash-Signature` header) for the raw request `body`.
    ///
    /// Returns the verified claims, or why the request must be rejected. See [`Verifier`] for
    /// the rules and an example.
    pub fn verify(
        &self,
        signature: &str,
        body: &[u8],
        opts: &VerifyOptions<'_>,
    ) -> Result<VerifiedClaims, VerifyError> {
        self.verify_prehashed(signature, &Sha256::digest(body).into(), opts)
    }

    /// [`verify`](Self::verify) for a caller that already has SHA-256 of the raw body, e.g.
    /// from the platform's `crypto.subtle.digest`, which is faster than hashing inside wasm for
    /// large bodies and avoids copying the body into wasm memory at all.
    ///
    /// ```
    /// use qstash_wasm::signing::{sign, Algorithm, Claims, Verifier, VerifyOptions};
    /// use sha2::{Digest, Sha256};
    /// let claims = Claims::for_delivery("https://a.example", b"body", 1_000, "jwt_1".into());
    /// let token = sign("sig_k", &claims, Algorithm::Hs256);
    /// let digest: [u8; 32] = Sha256::digest(b"body").into();
    /// let ok = Verifier::new("sig_k", "sig_n").verify_prehashed(&token, &digest, &VerifyOptions::at(1_000));
    /// assert!(ok.is_ok());
    /// ```
    pub fn verify_prehashed(
        &self,
        signature: &str,
        body_sha256: &[u8; 32],
        opts: &VerifyOptions<'_>,
    ) -> Result<VerifiedClaims, VerifyError> {
        self.run(signature, body_sha256, opts, claims::verified)
    }

    /// [`verify`](Self::verify) when only the outcome matters: the same checks and errors,
    /// without building the [`VerifiedClaims`] (the JS Receiver only returns `true`).
    ///
    /// ```
    /// use qstash_wasm::signing::{sign, Algorithm, Claims, Verifier, VerifyOptions};
    /// let claims = Claims::for_delivery("https://a.example", b"body", 1_000, "jwt_1".into());
    /// let token = sign("sig_k", &claims, Algorithm::Hs256);
    /// let verifier = Verifier::new("sig_k", "sig_n");
    /// assert!(verifier.check(&token, b"body", &VerifyOptions::at(1_000)).is_ok());
    /// let err = verifier.check(&token, b"other", &VerifyOptions::at(1_000)).unwrap_err();
    /// assert_eq!(err.code(), "ERR_BODY_MISMATCH");
    /// ```
    pub fn check(
        &self,
        signature: &str,
        body: &[u8],
        opts: &VerifyOptions<'_>,
    ) -> Result<(), VerifyError> {
        self.check_prehashed(signature, &Sha256::digest(body).into(), opts)
    }

    /// [`verify_prehashed`](Self::verify_prehashed) without building the [`VerifiedClaims`].
    pub fn check_prehashed(
        &self,
        signature: &str,
        body_sha256: &[u8; 32],
        opts: &VerifyOptions<'_>,
    ) -> Result<(), VerifyError> {
        self.run(signature, body_sha256, opts, |_, _, _| ())
    }

    /// The verification; `accepted` turns the verified payload into the result.
    fn run<T>(
        &self,
        signature: &str,
        body_sha256: &[u8; 32],
        opts: &VerifyOptions<'_>,
        accepted: impl FnOnce(&Document<'_>, KeySlot, Algorithm) -> T,
    ) -> Result<T, VerifyError> {
        // jose's `jwtVerify` with the current key, then (on any failure) with the next key.
        // The steps before the MAC and the claims checks after it do not depend on the key,
        // so each runs at most once.
        let prepared = Prepared::new(signature);
        let check_mac = |key: &Key| match &prepared {
            Ok(prepared) => prepared.check_mac(key),
            Err(err) => Err(err.clone()),
        };
        let (slot, current_failure) = match check_mac(&self.current) {
            Ok(()) => (KeySlot::Current, None),
            Err(current) => match check_mac(&self.next) {
                Ok(()) => (KeySlot::Next, Some(current)),
                Err(next) => return Err(VerifyError::Rejected { current, next }),
            },
        };
        let Ok(prepared) = &prepared else {
            // A MAC check passed, so preparation succeeded; nothing to accept otherwise.
            return Err(VerifyError::Rejected {
                current: TokenError::SignatureMismatch,
                next: TokenError::SignatureMismatch,
            });
        };
        let alg = prepared.header.alg;

        let payload = jwt::decode_lenient(prepared.parts.payload);
        let text = json::decode_text(&payload);
        let doc = if prepared.header.unencoded_payload {
            Err(TokenError::InvalidJwt {
                message: "JWTs MUST NOT use unencoded payload",
            })
        } else {
            // Invalid JSON and non-objects fail alike in jose (`catch {}` then `isObject`).
            let doc = json::parse(&text).unwrap_or(Document::Other);
            claims::check(&doc, opts.now, opts.clock_tolerance).map(|()| doc)
        };
        let doc = match (doc, slot, current_failure) {
            (Ok(doc), _, _) => doc,
            // The official then retries the whole verification with the next key: its MAC
            // decides, and if it matches too, the same claims fail the same way.
            (Err(claims), KeySlot::Current, _) => {
                let next = match check_mac(&self.next) {
                    Ok(()) => claims.clone(),
                    Err(err) => err,
                };
                return Err(VerifyError::Rejected {
                    current: claims,
                    next,
                });
            }
            (Err(claims), KeySlot::Next, current) => {
                return Err(VerifyError::Rejected {
                    current: current.unwrap_or(TokenError::SignatureMismatch),
                    next: claims,
                })
            }
        };

        if let Some(url) = opts.url {
            match doc.get("sub") {
                Some(Value::String(sub)) if sub.is(url) => {}
                other => {
                    return Err(VerifyError::SubjectMismatch {
                        subject: Value::js_display(other),
                        want: url.to_owned(),
                    })
                }
            }
        }

        // 32 bytes are 43 unpadded base64url characters; encoded on the stack.
        let mut got = [0u8; 43];
        let got = match URL_SAFE_NO_PAD.encode_slice(body_sha256, &mut got) {
            Ok(n) => &got[..n],
            Err(_) => &got[..0],
        };
        let matches = match doc.get("body") {
            Some(Value::String(claim)) => {
                claim.exact && constant_time_eq(claim.value.trim_end_matches('=').as_bytes(), got)
            }
            // The official calls `.replace` on it and throws; either way it is rejected.
            _ => false,
        };
        if !matches {
            return Err(VerifyError::BodyMismatch {
                want: Value::js_display(doc.get("body")),
                got: jwt::encode(body_sha256),
            });
        }
        Ok(accepted(&doc, slot, alg))
    }
}
