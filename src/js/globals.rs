//! JS globals both builds (full and receiver-only) call: `String()` and `console.warn`.

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// `String(value)`: how JS renders any value (the Client's option values, the Receiver's
    /// non-string `url` and `body`).
    #[wasm_bindgen(js_name = String)]
    pub(crate) fn js_string(value: &JsValue) -> String;
    /// `console.warn(message)`: the official SDK's warnings, with the same text.
    #[wasm_bindgen(js_namespace = console, js_name = warn)]
    pub(crate) fn console_warn(message: &str);
}
