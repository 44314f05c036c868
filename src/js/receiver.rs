//! The JS `Receiver`: `@upstash/qstash`'s `Receiver` over [`crate::signing::Verifier`].
//!
//! Key choice follows the official `getReceiverSigningKeys` on every call (dev mode, then both
//! config keys, then `${QSTASH_REGION}_QSTASH_*_SIGNING_KEY`, then `QSTASH_*_SIGNING_KEY`), so
//! editing `process.env` between calls behaves the same. The verify path reads its four fields
//! with `Reflect` rather than serde: it runs per request and is benchmarked against the official.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{ArrayBuffer, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::api::{
    normalize_region, should_use_dev_mode, Env, DEV_CURRENT_SIGNING_KEY, DEV_NEXT_SIGNING_KEY,
};
use crate::signing::{Verifier, VerifyOptions};

use super::env::JsEnv;
use super::errors::{plain_error, signature_error, type_error};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = warn)]
    fn console_warn(message: &str);
    #[wasm_bindgen(js_namespace = Date, js_name = now)]
    fn date_now() -> f64;
}

const NO_KEYS: &str = "[Upstash QStash] No signing keys available for verification. See the warning above for more details.";

/// Verifies the `Upstash-Signature` of QStash deliveries; a drop-in for the official
/// `Receiver`, plus `verifySync` and byte bodies.
#[wasm_bindgen]
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

/// Reads `obj[name]`; `undefined` when `obj` is not an object.
fn field(obj: &JsValue, name: &str) -> JsValue {
    if obj.is_object() {
        Reflect::get(obj, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
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

#[wasm_bindgen]
impl Receiver {
    /// `new Receiver({ currentSigningKey?, nextSigningKey?, devMode? })`.
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue) -> Result<Receiver, JsValue> {
        const WHAT: &str = "Receiver config";
        if !(config.is_undefined() || config.is_null() || config.is_object()) {
            return Err(type_error(&format!(
                "{WHAT} must be an object, got {}",
                type_name(&config)
            )));
        }
        if config.is_object() {
            for key in js_sys::Object::keys(config.unchecked_ref::<js_sys::Object>()).iter() {
                let key = key.as_string().unwrap_or_default();
                if !matches!(
                    key.as_str(),
                    "currentSigningKey" | "nextSigningKey" | "devMode"
                ) {
                    return Err(type_error(&format!(
                        "{WHAT}: unknown field `{key}`, expected one of `currentSigningKey`, `nextSigningKey`, `devMode`"
                    )));
                }
            }
        }
        let current = opt_string(&config, WHAT, "currentSigningKey")?;
        let next = opt_string(&config, WHAT, "nextSigningKey")?;
        let dev = field(&config, "devMode");
        let dev_mode = if dev.is_undefined() || dev.is_null() {
            None
        } else {
            Some(dev.as_bool().ok_or_else(|| {
                type_error(&format!(
                    "{WHAT}: `devMode` must be a boolean, got {}",
                    type_name(&dev)
                ))
            })?)
        };
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

    /// `await receiver.verify({ signature, body, url?, clockTolerance?, upstashRegion? })`:
    /// resolves `true` or rejects with a `SignatureError` (a plain `Error` when no keys exist).
    pub fn verify(&self, request: JsValue) -> Promise {
        match self.verify_sync(request) {
            Ok(v) => Promise::resolve(&JsValue::from_bool(v)),
            Err(e) => Promise::reject(&e),
        }
    }

    /// `verify` without the Promise: returns `true` or throws.
    #[wasm_bindgen(js_name = verifySync)]
    pub fn verify_sync(&self, request: JsValue) -> Result<bool, JsValue> {
        const WHAT: &str = "Receiver.verify";
        if !request.is_object() {
            return Err(type_error(&format!(
                "{WHAT}: the request must be an object, got {}",
                type_name(&request)
            )));
        }
        let signature = field(&request, "signature").as_string().ok_or_else(|| {
            type_error(&format!(
                "{WHAT}: `signature` must be a string, got {}",
                type_name(&field(&request, "signature"))
            ))
        })?;
        let url = opt_string(&request, WHAT, "url")?;
        let tolerance = field(&request, "clockTolerance");
        let clock_tolerance = if tolerance.is_undefined() || tolerance.is_null() {
            0
        } else {
            match tolerance.as_f64() {
                // Seconds; fractions are truncated (claims are whole seconds).
                Some(t) if t.is_finite() && t >= 0.0 => t as u64,
                _ => {
                    return Err(type_error(&format!(
                        "{WHAT}: `clockTolerance` must be a non-negative number of seconds"
                    )))
                }
            }
        };
        let verifier = self.keys(&request)?;
        let body = field(&request, "body");
        let opts = VerifyOptions {
            url: url.as_deref(),
            clock_tolerance,
            now: (date_now() / 1000.0).floor() as u64,
        };
        let result = if let Some(s) = body.as_string() {
            verifier.verify(&signature, s.as_bytes(), &opts)
        } else if let Some(bytes) = body.dyn_ref::<Uint8Array>() {
            verifier.verify(&signature, &bytes.to_vec(), &opts)
        } else if let Some(buf) = body.dyn_ref::<ArrayBuffer>() {
            verifier.verify(&signature, &Uint8Array::new(buf).to_vec(), &opts)
        } else {
            return Err(type_error(&format!(
                "{WHAT}: `body` must be a string, Uint8Array or ArrayBuffer, got {}",
                type_name(&body)
            )));
        };
        result
            .map(|_| true)
            .map_err(|e| signature_error(&e.to_string(), e.code()))
    }
}

impl Receiver {
    /// The official `getReceiverSigningKeys`, as a verifier.
    fn keys(&self, request: &JsValue) -> Result<Rc<Verifier>, JsValue> {
        let env = JsEnv::current();
        let dev =
            should_use_dev_mode(self.dev_mode, &env).map_err(|e| plain_error(&e.to_string()))?;
        if dev {
            if self.config_has_keys {
                console_warn("[QStash Dev] Dev mode is active. Ignoring signing keys from config. Set devMode: false to use your own keys.");
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
            match normalize_region(&region_env) {
                None => console_warn(&format!(
                    "[Upstash QStash] Invalid UPSTASH_REGION header value: \"{}\". Expected one of: EU_CENTRAL_1, US_EAST_1.",
                    region_env.replace('-', "_").to_uppercase()
                )),
                Some(_) => {
                    let header = opt_string(request, "Receiver.verify", "upstashRegion")?;
                    match header.as_deref().and_then(normalize_region) {
                        Some(r) => {
                            match (
                                nonempty(format!("{r}_QSTASH_CURRENT_SIGNING_KEY")),
                                nonempty(format!("{r}_QSTASH_NEXT_SIGNING_KEY")),
                            ) {
                                (Some(c), Some(n)) => pair = Some((c, n)),
                                _ => console_warn(&format!("[Upstash QStash] Signing keys not found for region \"{r}\". Falling back to default signing keys.")),
                            }
                        }
                        None => console_warn(&format!("[Upstash QStash] Invalid UPSTASH_REGION header value: \"{}\". Expected one of: EU-CENTRAL-1, US-EAST-1. Falling back to default signing keys.", header.unwrap_or_else(|| "undefined".into()))),
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
