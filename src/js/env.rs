//! The process environment as the official SDK sees it: `globalThis.process?.env ?? {}`.
//!
//! Node, Deno 2 and Bun have a `process` global; Workers (without `nodejs_compat`) and browsers
//! do not, and then every variable is unset. Each variable is read when asked for, never
//! cached: users and tests edit `process.env` at run time, and the official reads it on every
//! call too. The reading is `envVar` in `pkg-template/env.js`, shared with the JS files, which
//! on Deno reads `Deno.env` (the same store) so that `process` is never touched: its first
//! access there costs ~30 ms.

use wasm_bindgen::prelude::*;

use crate::api::Env;

#[wasm_bindgen(raw_module = "./env.js")]
extern "C" {
    /// The variable, or `None` when unset or unreadable (never throws).
    #[wasm_bindgen(js_name = envVar)]
    fn env_var(key: &str) -> Option<String>;
}

/// The JS runtime's environment as an [`Env`].
///
/// # Example
/// ```ignore
/// let token = JsEnv::current().var("QSTASH_TOKEN");
/// ```
pub(crate) struct JsEnv;

impl JsEnv {
    /// The environment of this call (a handle: variables are read when asked for).
    pub(crate) fn current() -> Self {
        JsEnv
    }
}

impl Env for JsEnv {
    fn var(&self, key: &str) -> Option<String> {
        env_var(key)
    }

    fn to_upper(&self, s: &str) -> String {
        js_sys::JsString::from(s).to_upper_case().into()
    }
}
