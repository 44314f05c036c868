//! What the client needs to know about the JS host: `process.env` and the telemetry
//! platform/runtime, read the way the official SDK reads them.

use js_sys::{Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use crate::api::{Env, Telemetry, TELEMETRY_SDK};

fn get(obj: &JsValue, key: &str) -> JsValue {
    if !obj.is_object() {
        return JsValue::UNDEFINED;
    }
    Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// `globalThis.process?.env`, or nothing outside Node-like hosts.
#[derive(Debug, Clone)]
pub struct ProcessEnv {
    env: JsValue,
}

impl ProcessEnv {
    /// Reads `globalThis.process.env` (an empty environment when absent).
    pub fn current() -> Self {
        let global: Object = js_sys::global();
        let process = get(global.unchecked_ref(), "process");
        ProcessEnv {
            env: get(&process, "env"),
        }
    }
}

impl Env for ProcessEnv {
    fn var(&self, key: &str) -> Option<String> {
        get(&self.env, key).as_string()
    }
}

/// Telemetry values for this host: platform `cloudflare` when `caches.default` exists (else
/// from `VERCEL`/`AWS_REGION`), runtime `bun@…`, `edge-light` or `node@<process.version>`.
pub fn telemetry(env: &ProcessEnv) -> Telemetry {
    let global: JsValue = js_sys::global().into();
    let caches = get(&global, "caches");
    let is_cloudflare =
        caches.is_object() && Reflect::has(&caches, &JsValue::from_str("default")).unwrap_or(false);
    let process = get(&global, "process");
    let bun = get(&get(&process, "versions"), "bun").as_string();
    let runtime = if let Some(b) = bun {
        format!("bun@{b}")
    } else if get(&global, "EdgeRuntime").is_string() {
        "edge-light".into()
    } else if let Some(v) = get(&process, "version").as_string() {
        format!("node@{v}")
    } else {
        String::new()
    };
    Telemetry {
        sdk: TELEMETRY_SDK.into(),
        platform: Telemetry::platform_from(is_cloudflare, env),
        runtime,
    }
}
