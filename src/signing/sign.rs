//! Minting `Upstash-Signature` tokens (what QStash, and our local server, send).

use base64::engine::general_purpose::URL_SAFE;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256, Sha384, Sha512};

use super::claims::Claims;
use super::jwt;

/// An HMAC JWS algorithm. QStash signs with [`Algorithm::Hs256`]; the official Receiver also
/// accepts HS384 and HS512, and so do we.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Algorithm {
    /// HMAC-SHA-256 (`"HS256"`).
    #[default]
    Hs256,
    /// HMAC-SHA-384 (`"HS384"`).
    Hs384,
    /// HMAC-SHA-512 (`"HS512"`).
    Hs512,
}

impl Algorithm {
    /// The JWS `alg` name.
    ///
    /// ```
    /// assert_eq!(qstash_wasm::signing::Algorithm::Hs384.as_str(), "HS384");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Algorithm::Hs256 => "HS256",
            Algorithm::Hs384 => "HS384",
            Algorithm::Hs512 => "HS512",
        }
    }

    /// HMAC of `parts` concatenated, under `key`.
    pub(crate) fn mac(self, key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
        fn run<M: Mac + hmac::digest::KeyInit>(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
            // HMAC takes keys of any length (long keys are hashed), so `new_from_slice`
            // cannot fail; the fallback is unreachable.
            match <M as hmac::digest::KeyInit>::new_from_slice(key) {
                Ok(mut mac) => {
                    for part in parts {
                        mac.update(part);
                    }
                    mac.finalize().into_bytes().to_vec()
                }
                Err(_) => Vec::new(),
            }
        }
        match self {
            Algorithm::Hs256 => run::<Hmac<Sha256>>(key, parts),
            Algorithm::Hs384 => run::<Hmac<Sha384>>(key, parts),
            Algorithm::Hs512 => run::<Hmac<Sha512>>(key, parts),
        }
    }

    /// Constant-time check of `tag` against the HMAC of `parts` ([`constant_time_eq`]).
    pub(crate) fn verify_mac(self, key: &[u8], parts: &[&[u8]], tag: &[u8]) -> bool {
        // One out-of-line function per algorithm: inlined, all three HMACs land in the caller,
        // and a wasm engine compiling lazily compiles them all on the first HS256 verify.
        #[inline(never)]
        fn run<M: Mac + hmac::digest::KeyInit>(key: &[u8], parts: &[&[u8]], tag: &[u8]) -> bool {
            match <M as hmac::digest::KeyInit>::new_from_slice(key) {
                Ok(mut mac) => {
                    for part in parts {
                        mac.update(part);
                    }
                    constant_time_eq(&mac.finalize().into_bytes(), tag)
                }
                Err(_) => false,
            }
        }
        match self {
            Algorithm::Hs256 => run::<Hmac<Sha256>>(key, parts, tag),
            Algorithm::Hs384 => run::<Hmac<Sha384>>(key, parts, tag),
            Algorithm::Hs512 => run::<Hmac<Sha512>>(key, parts, tag),
        }
    }
}

/// Whether `a == b`, in time that depends only on the lengths (which are public: a MAC's size
/// is fixed by its algorithm, a body hash's by SHA-256), never on where the first difference
/// is. `subtle`'s `ct_eq` (what `Mac::verify_slice` uses) guards every byte with its own
/// optimisation barrier, a volatile read that in wasm is an out-of-line call per byte: 6% of a
/// whole verify. One barrier on the accumulated difference keeps the compiler from stopping
/// early just the same.
///
/// ```
/// use qstash_wasm::signing::constant_time_eq;
/// assert!(constant_time_eq(b"same", b"same"));
/// assert!(!constant_time_eq(b"same", b"sane"));
/// assert!(!constant_time_eq(b"same", b"same!"));
/// ```
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    std::hint::black_box(diff) == 0
}

impl std::fmt::Display for Algorithm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Algorithm {
    type Err = String;

    /// Parse `"HS256"`, `"HS384"` or `"HS512"` (exact case, as in a JWS header).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "HS256" => Ok(Algorithm::Hs256),
            "HS384" => Ok(Algorithm::Hs384),
            "HS512" => Ok(Algorithm::Hs512),
            // Display, not Debug: the package's wasm is built without Debug formatting.
            other => Err(format!(
                "unsupported algorithm \"{other}\": expected HS256, HS384 or HS512"
            )),
        }
    }
}

/// The `body` claim QStash sends: base64url (RFC 4648 §5) of SHA-256 of the raw body bytes,
/// **with** `=` padding. Verifiers strip the padding before comparing.
///
/// ```
/// use qstash_wasm::signing::body_hash;
/// assert_eq!(body_hash(b""), "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU=");
/// ```
pub fn body_hash(body: &[u8]) -> String {
    URL_SAFE.encode(Sha256::digest(body))
}

/// Mint a compact JWS over `claims`, as QStash does for `Upstash-Signature`.
///
/// The header is `{"alg":"HS256","typ":"JWT"}` (or HS384/HS512); the HMAC key is the UTF-8 of
/// `key` as given, `sig_` prefix included; the claims are serialised in the order QStash
/// documents (`iss, sub, exp, nbf, iat, jti, body`).
///
/// ```
/// use qstash_wasm::signing::{sign, Algorithm, Claims, Verifier, VerifyOptions};
/// let now = 1_700_000_000;
/// let claims = Claims::for_delivery("https://example.com/api", b"hello", now, "jwt_1".into());
/// let token = sign("sig_current", &claims, Algorithm::Hs256);
/// let opts = VerifyOptions { url: Some("https://example.com/api"), clock_tolerance: 0.0, now };
/// assert!(Verifier::new("sig_current", "sig_next").verify(&token, b"hello", &opts).is_ok());
/// ```
pub fn sign(key: &str, claims: &Claims, alg: Algorithm) -> String {
    let header =
        jwt::encode(format!("{{\"alg\":\"{}\",\"typ\":\"JWT\"}}", alg.as_str()).as_bytes());
    let payload = jwt::encode(claims.to_json().as_bytes());
    let tag = alg.mac(
        key.as_bytes(),
        &[header.as_bytes(), b".", payload.as_bytes()],
    );
    let mut token = String::with_capacity(header.len() + payload.len() + 2 + tag.len() * 4 / 3 + 2);
    token.push_str(&header);
    token.push('.');
    token.push_str(&payload);
    token.push('.');
    token.push_str(&jwt::encode(&tag));
    token
}
