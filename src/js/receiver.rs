//! The JS `Receiver`: `@upstash/qstash`'s `Receiver` over [`crate::signing::Verifier`].
//!
//! Key choice follows the official `getReceiverSigningKeys` on every call (dev mode, then both
//! config keys, then `${QSTASH_REGION}_QSTASH_*_SIGNING_KEY`, then `QSTASH_*_SIGNING_KEY`), so
//! editing `process.env` between calls behaves the same. The verify path reads its four fields
//! with `Reflect` rather than serde: it runs per request and is benchmarked against the official.

use std::cell::RefCell;
use std::rc::Rc;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use js_sys::{ArrayBuffer, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::api::{
    likely_typo, normalize_region_in, region_upper, should_use_dev_mode, Env,
    DEV_CURRENT_SIGNING_KEY, DEV_LOG_PREFIX, DEV_NEXT_SIGNING_KEY,
};
use crate::signing::{Verifier, VerifyError, VerifyOptions};

use super::env::JsEnv;
use super::errors::{plain_error, signature_error, type_error};
use super::globals::{console_warn, guarded, js_string, object_keys, or_thrown};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = Date, js_name = now)]
    fn date_now() -> f64;
}

const NO_KEYS: &str = "[Upstash QStash] No signing keys available for verification. See the warning above for more details.";

/// The wasm half of the JS `Receiver` (exported as `ReceiverCore`). The package's JS facade
/// (`pkg-template/receiver-facade.js`) is the public `Receiver`: it reads the request once,
/// hashes large bodies with the platform's native SHA-256, and calls
/// `verifyScratch`/`verifyBytes` in the common case or `verifySync` (the complete official logic)
/// otherwise.
#[wasm_bindgen(js_name = ReceiverCore)]
pub struct Receiver {
    /// Built once from `config` when it has both keys (the common case: no per-call keying).
    configured: Option<Rc<Verifier>>,
    /// Whether config named any key (dev mode warns that it ignores them).
    config_has_keys: bool,
    /// `config.devMode`: `None` reads `QSTASH_DEV` on each call, like the official.
    dev_mode: Option<bool>,
    /// The last verifier built from environment keys, with the keys it was built from.
    from_env: RefCell<Option<(String, String, Rc<Verifier>)>>,
    /// The dev server's verifier, built on first use.
    dev: RefCell<Option<Rc<Verifier>>>,
}

thread_local! {
    /// Where the facade writes a request for [`verifyScratch`](Receiver::verify_scratch): one
    /// buffer for all receivers (verification never re-enters), so a `Receiver` made per
    /// request allocates nothing more for it.
    static SCRATCH: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Reads `obj[name]`; `undefined` when `obj` is not an object.
fn field(obj: &JsValue, name: &str) -> JsValue {
    if obj.is_object() {
        // A throwing getter is kept, and is what the method throws (see `globals`).
        or_thrown(Reflect::get(obj, &JsValue::from_str(name)), || {
            JsValue::UNDEFINED
        })
    } else {
        JsValue::UNDEFINED
    }
}

/// `typeof v`, for error messages.
fn type_name(v: &JsValue) -> String {
    v.js_typeof().as_string().unwrap_or_default()
}

/// An optional string field: absent (`undefined`/`null`) or a string; anything else is a
/// `TypeError` naming the field.
fn opt_string(obj: &JsValue, what: &str, name: &str) -> Result<Option<String>, JsValue> {
    let v = field(obj, name);
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    v.as_string().map(Some).ok_or_else(|| {
        type_error(&format!(
            "{what}: `{name}` must be a string, got {}",
            type_name(&v)
        ))
    })
}

/// The fields of a Receiver's config.
const RECEIVER_FIELDS: [&str; 3] = ["currentSigningKey", "nextSigningKey", "devMode"];

impl Receiver {
    fn from_config(config: JsValue) -> Result<Receiver, JsValue> {
        const WHAT: &str = "Receiver config";
        if !(config.is_undefined() || config.is_null() || config.is_object()) {
            return Err(type_error(&format!(
                "{WHAT} must be an object, got {}",
                type_name(&config)
            )));
        }
        // Other fields are ignored, as the official ignores them (configs are often spread
        // from a larger object), unless one is a likely typo of a known field: ignoring that
        // would silently fall back to the environment's keys.
        if config.is_object() {
            for key in object_keys(&config).iter() {
                let key = key.as_string().unwrap_or_default();
                if let Some(known) = likely_typo(&key, &RECEIVER_FIELDS) {
                    return Err(type_error(&format!(
                        "{WHAT}: unknown field `{key}`; did you mean `{known}`?"
                    )));
                }
            }
        }
        let current = opt_string(&config, WHAT, "currentSigningKey")?;
        let next = opt_string(&config, WHAT, "nextSigningKey")?;
        // As the official's `shouldUseDevelopmentMode`: any defined value decides by its
        // truthiness (`null` and `0` are off, `"true"` is on); `undefined` reads QSTASH_DEV.
        let dev = field(&config, "devMode");
        let dev_mode = (!dev.is_undefined()).then(|| dev.is_truthy());
        let config_has_keys = current.as_deref().is_some_and(|k| !k.is_empty())
            || next.as_deref().is_some_and(|k| !k.is_empty());
        // The official uses config keys only when both are non-empty.
        let configured = match (current, next) {
            (Some(c), Some(n)) if !c.is_empty() && !n.is_empty() => {
                Some(Rc::new(Verifier::new(c, n)))
            }
            _ => None,
        };
        Ok(Receiver {
            configured,
            config_has_keys,
            dev_mode,
            from_env: RefCell::new(None),
            dev: RefCell::new(None),
        })
    }

    /// [`Receiver::verify_sync`] before [`guarded`] looks at what user code threw.
    fn verify_request(&self, request: JsValue, digest: JsValue) -> Result<bool, JsValue> {
        const WHAT: &str = "Receiver.verify";
        if !request.is_object() {
            return Err(type_error(&format!(
                "{WHAT}: the request must be an object, got {}",
                type_name(&request)
            )));
        }
        // The official checks the subject whenever `url !== undefined`: `null` or any other
        // non-string is "given" and, never strictly equal to a `sub`, always a mismatch.
        let url_field = field(&request, "url");
        let (url, url_shown) = if url_field.is_undefined() {
            (None, None)
        } else if let Some(s) = url_field.as_string() {
            (Some(s), None)
        } else {
            (
                Some(NEVER_A_SUBJECT.to_owned()),
                Some(js_string(&url_field)),
            )
        };
        let verifier = self.keys(&request)?;
        let clock_tolerance = clock_tolerance(&field(&request, "clockTolerance"))?;
        // After the keys, as the official (jose reads the token once keys are chosen). A
        // missing `Upstash-Signature` header (`headers.get` gives null) is a SignatureError,
        // so `catch (e) { if (e instanceof SignatureError) return 401 }` answers 401.
        let signature = token_text(&field(&request, "signature")).ok_or_else(|| {
            signature_error(
                "Compact JWS must be a string or Uint8Array",
                "ERR_JWS_INVALID",
            )
        })?;
        let body = field(&request, "body");
        let opts = VerifyOptions {
            url: url.as_deref(),
            clock_tolerance,
            now: now_secs(date_now()),
        };
        let prehashed = digest_of(&digest);
        let prehashed = prehashed.as_ref();
        let result = if let Some(s) = body.as_string() {
            match prehashed {
                Some(d) => verifier.check_prehashed(&signature, d, &opts),
                None => verifier.check(&signature, s.as_bytes(), &opts),
            }
        } else if body.is_instance_of::<Uint8Array>() || body.is_instance_of::<ArrayBuffer>() {
            match prehashed {
                Some(d) => verifier.check_prehashed(&signature, d, &opts),
                None => {
                    let bytes = match body.dyn_ref::<Uint8Array>() {
                        Some(b) => b.to_vec(),
                        None => Uint8Array::new(&body).to_vec(),
                    };
                    verifier.check(&signature, &bytes, &opts)
                }
            }
        } else {
            // The official hashes `new TextEncoder().encode(body)`: `undefined` is "", anything
            // else its String() ("null", "5"), so a wrong body is a body-hash SignatureError.
            let text = if body.is_undefined() {
                String::new()
            } else {
                js_string(&body)
            };
            verifier.check(&signature, text.as_bytes(), &opts)
        };
        result.map(|()| true).map_err(|e| match (&e, url_shown) {
            (VerifyError::SubjectMismatch { subject, .. }, Some(shown)) => signature_error(
                &format!("invalid subject: {subject}, want: {shown}"),
                e.code(),
            ),
            _ => signature_error(&e.to_string(), e.code()),
        })
    }
}

#[wasm_bindgen(js_class = ReceiverCore)]
impl Receiver {
    /// `new Receiver({ currentSigningKey?, nextSigningKey?, devMode? })`.
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue) -> Result<Receiver, JsValue> {
        guarded(|| Self::from_config(config))
    }

    /// Whether the config named both keys, so the fast path (`verifyScratch`, `verifyBytes`) may be used
    /// (when dev mode is off for the call).
    #[wasm_bindgen(getter, js_name = hasConfigKeys)]
    pub fn has_config_keys(&self) -> bool {
        self.configured.is_some()
    }

    /// `config.devMode`: `true`, `false`, or `undefined` (read `QSTASH_DEV` per call).
    #[wasm_bindgen(getter, js_name = devMode)]
    pub fn dev_mode(&self) -> Option<bool> {
        self.dev_mode
    }

    /// The whole `verify` of one request object, as the official: option types (`url`,
    /// `clockTolerance`), key choice (dev mode, config, region and environment keys), then the
    /// token. Returns `true` or throws. Request data of any type is a verdict, not a
    /// `TypeError`: a token that is not a string (or bytes) is jose's SignatureError, and a
    /// body that is not a string or bytes is hashed as the official's `TextEncoder` would
    /// (`undefined` as "", anything else as its `String()`). `digest`, when not `undefined`,
    /// is SHA-256 of a string or byte body computed by the caller (the facade hashes large
    /// bodies with the platform's native SHA-256), as 32 bytes or as unpadded base64url.
    #[wasm_bindgen(js_name = verifySync)]
    pub fn verify_sync(&self, request: JsValue, digest: JsValue) -> Result<bool, JsValue> {
        guarded(|| self.verify_request(request, digest))
    }

    /// The common case without reading the request object: the config's keys (the caller has
    /// checked [`hasConfigKeys`](Self::has_config_keys) and that dev mode is off), a string
    /// `signature`, `url` a string or absent, `clockTolerance` a number (0 when absent), `now`
    /// from `Date.now()`, and the body's raw bytes or, when `prehashed`, their SHA-256. Same
    /// result as [`verifySync`](Self::verify_sync) for such a request. The facade calls it for
    /// requests too large for [`verifyScratch`](Self::verify_scratch).
    #[wasm_bindgen(js_name = verifyBytes)]
    pub fn verify_bytes(
        &self,
        signature: &str,
        body: &[u8],
        prehashed: bool,
        url: Option<String>,
        clock_tolerance: f64,
        now: f64,
    ) -> Result<bool, JsValue> {
        let body = match <&[u8; 32]>::try_from(body) {
            Ok(digest) if prehashed => Body::Digest(digest),
            _ => Body::Raw(body),
        };
        self.fast(signature, body, url.as_deref(), clock_tolerance, now)
    }

    /// The module's `WebAssembly.Memory`, which [`scratch`](Self::scratch) addresses point into.
    #[wasm_bindgen(js_name = memory)]
    pub fn memory() -> JsValue {
        wasm_bindgen::memory()
    }

    /// The address in wasm memory of the scratch buffer, grown to at least `capacity` bytes;
    /// valid until the next call (growing may move it). The facade writes a request there
    /// (`TextEncoder.encodeInto`, `Uint8Array.set`) and calls
    /// [`verifyScratch`](Self::verify_scratch): wasm-bindgen's string arguments allocate and
    /// free per call and copy text into wasm with a JS loop, together a fifth of a verify.
    #[wasm_bindgen(js_name = scratch)]
    pub fn scratch(capacity: usize) -> *const u8 {
        SCRATCH.with_borrow_mut(|scratch| {
            if scratch.len() < capacity {
                scratch.resize(capacity, 0);
            }
            scratch.as_ptr()
        })
    }

    /// [`verifyBytes`](Self::verify_bytes) over what the facade wrote to the scratch buffer,
    /// in this order: the token's UTF-8 (`signature_len` bytes), the url's (`url_len`, absent
    /// when `undefined`), then (`body_len` bytes) the body's raw bytes or, when `prehashed`, its
    /// SHA-256 as 32 bytes (Web Crypto's) or as 43 characters of unpadded base64url
    /// (node:crypto's `hash(…, "base64url")`, which is cheaper to produce than a Buffer).
    #[wasm_bindgen(js_name = verifyScratch)]
    pub fn verify_scratch(
        &self,
        signature_len: usize,
        url_len: Option<u32>,
        body_len: usize,
        prehashed: bool,
        clock_tolerance: f64,
        now: f64,
    ) -> Result<bool, JsValue> {
        SCRATCH.with_borrow(|scratch| {
            let has_url = url_len.is_some();
            let url_len = url_len.map_or(0, |n| n as usize);
            let total = signature_len
                .checked_add(url_len)
                .and_then(|n| n.checked_add(body_len));
            let (signature, rest) = match total {
                Some(total) if total <= scratch.len() => scratch.split_at(signature_len),
                _ => {
                    return Err(type_error(
                        "ReceiverCore.verifyScratch: the lengths exceed the scratch buffer",
                    ))
                }
            };
            let (url, body) = rest.split_at(url_len);
            let text = |bytes| {
                std::str::from_utf8(bytes)
                    .map_err(|_| type_error("ReceiverCore.verifyScratch: text is not UTF-8"))
            };
            let signature = text(signature)?;
            let url = if has_url { Some(text(url)?) } else { None };
            let body = &body[..body_len];
            if !prehashed {
                return self.fast(signature, Body::Raw(body), url, clock_tolerance, now);
            }
            let digest = match <[u8; 32]>::try_from(body) {
                Ok(digest) => Some(digest),
                Err(_) => std::str::from_utf8(body).ok().and_then(decode_digest),
            };
            match digest {
                Some(digest) => {
                    self.fast(signature, Body::Digest(&digest), url, clock_tolerance, now)
                }
                None => Err(type_error(
                    "ReceiverCore.verifyScratch: not a SHA-256 (32 bytes or unpadded base64url)",
                )),
            }
        })
    }
}

/// Stands in for a `url` that is not a string: no `sub` is ever equal to it.
const NEVER_A_SUBJECT: &str = "\u{0}qstash-wasm: the url given is not a string\u{0}";

/// The token as jose takes it: a string, or a `Uint8Array` decoded as UTF-8 (lossily, as
/// `TextDecoder`); `None` for anything else.
fn token_text(v: &JsValue) -> Option<String> {
    v.as_string().or_else(|| {
        v.dyn_ref::<Uint8Array>()
            .map(|b| String::from_utf8_lossy(&b.to_vec()).into_owned())
    })
}

/// 43 characters of unpadded base64url as the 32 bytes of a SHA-256.
fn decode_digest(text: &str) -> Option<[u8; 32]> {
    // The decoder wants room for its estimate (33 bytes for 43 characters).
    let mut buf = [0u8; 36];
    match URL_SAFE_NO_PAD.decode_slice(text, &mut buf) {
        Ok(32) => {
            let mut digest = [0u8; 32];
            digest.copy_from_slice(&buf[..32]);
            Some(digest)
        }
        _ => None,
    }
}

/// A caller's body digest: 32 bytes or unpadded base64url; `None` for anything else.
fn digest_of(value: &JsValue) -> Option<[u8; 32]> {
    if let Some(text) = value.as_string() {
        return decode_digest(&text);
    }
    let bytes = value.dyn_ref::<Uint8Array>()?;
    if bytes.length() != 32 {
        return None;
    }
    let mut digest = [0u8; 32];
    bytes.copy_to(&mut digest);
    Some(digest)
}

/// A body as the fast path receives it.
enum Body<'a> {
    Raw(&'a [u8]),
    Digest(&'a [u8; 32]),
}

impl Receiver {
    fn fast(
        &self,
        signature: &str,
        body: Body<'_>,
        url: Option<&str>,
        clock_tolerance: f64,
        now: f64,
    ) -> Result<bool, JsValue> {
        let Some(verifier) = &self.configured else {
            return Err(plain_error(
                "ReceiverCore: the fast path needs both keys in the config",
            ));
        };
        let opts = VerifyOptions {
            url,
            clock_tolerance,
            now: now_secs(now),
        };
        let result = match body {
            Body::Raw(bytes) => verifier.check(signature, bytes, &opts),
            Body::Digest(digest) => verifier.check_prehashed(signature, digest, &opts),
        };
        result
            .map(|()| true)
            .map_err(|e| signature_error(&e.to_string(), e.code()))
    }
}

/// `clockTolerance` as jose 5 takes it: absent is 0, a number is used as it is, a string is a
/// time span (`"5s"`, `"1 minute"`, `"-2h"`); any other type, or a string jose cannot read,
/// fails every verification (jose throws while checking the claims, and the official turns
/// that into a SignatureError).
fn clock_tolerance(v: &JsValue) -> Result<f64, JsValue> {
    if v.is_undefined() {
        return Ok(0.0);
    }
    if let Some(t) = v.as_f64() {
        return Ok(t);
    }
    let invalid = |message: &str| signature_error(message, "ERR_CLOCK_TOLERANCE");
    match v.as_string() {
        Some(s) => {
            crate::signing::time_span_secs(&s).ok_or_else(|| invalid("Invalid time period format"))
        }
        None => Err(invalid("Invalid clockTolerance option type")),
    }
}

/// `Math.floor(ms / 1000)`, as jose computes `now`.
fn now_secs(ms: f64) -> u64 {
    (ms / 1000.0).floor() as u64
}

impl Receiver {
    /// The official `getReceiverSigningKeys`, as a verifier.
    fn keys(&self, request: &JsValue) -> Result<Rc<Verifier>, JsValue> {
        let env = JsEnv::current();
        let dev =
            should_use_dev_mode(self.dev_mode, &env).map_err(|e| plain_error(&e.to_string()))?;
        if dev {
            if self.config_has_keys {
                console_warn(&format!("{DEV_LOG_PREFIX} Dev mode is active. Ignoring signing keys from config. Set devMode: false to use your own keys."));
            }
            let mut slot = self.dev.borrow_mut();
            let v = slot.get_or_insert_with(|| {
                Rc::new(Verifier::new(DEV_CURRENT_SIGNING_KEY, DEV_NEXT_SIGNING_KEY))
            });
            return Ok(v.clone());
        }
        if let Some(v) = &self.configured {
            return Ok(v.clone());
        }
        let nonempty = |k: String| env.var(&k).filter(|v| !v.is_empty());
        let mut pair = None;
        let region_env = env.var("QSTASH_REGION").unwrap_or_default();
        if !region_env.is_empty() {
            match normalize_region_in(&env, &region_env) {
                None => console_warn(&format!(
                    "[Upstash QStash] Invalid UPSTASH_REGION header value: \"{}\". Expected one of: EU_CENTRAL_1, US_EAST_1.",
                    region_upper(&env, &region_env)
                )),
                Some(_) => {
                    let header = opt_string(request, "Receiver.verify", "upstashRegion")?;
                    match header.as_deref().and_then(|h| normalize_region_in(&env, h)) {
                        Some(r) => {
                            match (
                                nonempty(format!("{r}_QSTASH_CURRENT_SIGNING_KEY")),
                                nonempty(format!("{r}_QSTASH_NEXT_SIGNING_KEY")),
                            ) {
                                (Some(c), Some(n)) => pair = Some((c, n)),
                                _ => console_warn(&format!("[Upstash QStash] Signing keys not found for region \"{r}\". Falling back to default signing keys.")),
                            }
                        }
                        None => {
                            // The official's normalizeRegionHeader warns about a non-empty
                            // invalid header before the fallback warning: two lines, not one.
                            if let Some(h) = header.as_deref().filter(|h| !h.is_empty()) {
                                console_warn(&format!(
                                    "[Upstash QStash] Invalid UPSTASH_REGION header value: \"{}\". Expected one of: EU_CENTRAL_1, US_EAST_1.",
                                    region_upper(&env, h)
                                ));
                            }
                            // `${regionFromHeader}`: `null` shows as "null".
                            let shown = header.unwrap_or_else(|| {
                                let raw = field(request, "upstashRegion");
                                if raw.is_null() { "null" } else { "undefined" }.into()
                            });
                            console_warn(&format!("[Upstash QStash] Invalid UPSTASH_REGION header value: \"{shown}\". Expected one of: EU-CENTRAL-1, US-EAST-1. Falling back to default signing keys."));
                        }
                    }
                }
            }
        }
        if pair.is_none() {
            if let (Some(c), Some(n)) = (
                nonempty("QSTASH_CURRENT_SIGNING_KEY".into()),
                nonempty("QSTASH_NEXT_SIGNING_KEY".into()),
            ) {
                pair = Some((c, n));
            }
        }
        let (current, next) = pair.ok_or_else(|| plain_error(NO_KEYS))?;
        let mut cache = self.from_env.borrow_mut();
        if let Some((c, n, v)) = cache.as_ref() {
            if *c == current && *n == next {
                return Ok(v.clone());
            }
        }
        let v = Rc::new(Verifier::new(current.clone(), next.clone()));
        *cache = Some((current, next, v.clone()));
        Ok(v)
    }
}
