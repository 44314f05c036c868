//! The process environment as the official SDK sees it: `globalThis.process?.env ?? {}`.
//!
//! Node, Deno 2 and Bun have a `process` global; Workers (without `nodejs_compat`) and browsers
//! do not, and then every variable is unset. Reading is lazy and never cached: users and tests
//! edit `process.env` at run time, and the official reads it on every call too.

use wasm_bindgen::prelude::*;

use crate::api::Env;

#[wasm_bindgen]
extern "C" {
    /// `globalThis.process`, or `undefined` (a static getter: no error when it does not exist).
    #[wasm_bindgen(thread_local_v2, js_namespace = globalThis, js_name = process)]
    static PROCESS: JsValue;
}

/// A view of `process.env` that never throws.
///
/// Deno without `--allow-env` throws `NotCapable` from the `process.env` proxy; the Receiver
/// must still verify with keys given in its config, so such a failure reads as "unset".
pub(crate) struct JsEnv {
    /// The `process.env` object, or `undefined`.
    env: JsValue,
}

impl JsEnv {
    /// The current environment object.
    pub(crate) fn current() -> Self {
        let env = PROCESS.with(|p| {
            if p.is_object() {
                js_sys::Reflect::get(p, &JsValue::from_str("env")).unwrap_or(JsValue::UNDEFINED)
            } else {
                JsValue::UNDEFINED
            }
        });
        JsEnv { env }
    }
}

impl Env for JsEnv {
    fn var(&self, key: &str) -> Option<String> {
        if !self.env.is_object() {
            return None;
        }
        js_sys::Reflect::get(&self.env, &JsValue::from_str(key))
            .ok()
            .and_then(|v| v.as_string())
    }

    fn to_upper(&self, s: &str) -> String {
        js_sys::JsString::from(s).to_upper_case().into()
    }
}
