//! Constructors for the official JS error classes, which live in the package's `errors.js`
//! (so `instanceof QstashError` holds for errors thrown by wasm and by JS alike).
//!
//! NOTE (js-client): minimal stub so the Client compiles; helper "package" owns this file and
//! may rewrite it freely — the Client calls only the four functions below.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(raw_module = "./errors.js")]
extern "C" {
    #[wasm_bindgen(js_name = QstashError)]
    type JsQstashError;
    #[wasm_bindgen(constructor, js_class = "QstashError")]
    fn new(message: &str, status: JsValue) -> JsQstashError;

    #[wasm_bindgen(js_name = QstashRatelimitError)]
    type JsQstashRatelimitError;
    #[wasm_bindgen(constructor, js_class = "QstashRatelimitError")]
    fn new(args: &JsValue) -> JsQstashRatelimitError;

    #[wasm_bindgen(js_name = QstashDailyRatelimitError)]
    type JsQstashDailyRatelimitError;
    #[wasm_bindgen(constructor, js_class = "QstashDailyRatelimitError")]
    fn new(args: &JsValue) -> JsQstashDailyRatelimitError;

    #[wasm_bindgen(js_name = QstashChatRatelimitError)]
    type JsQstashChatRatelimitError;
    #[wasm_bindgen(constructor, js_class = "QstashChatRatelimitError")]
    fn new(args: &JsValue) -> JsQstashChatRatelimitError;

    #[wasm_bindgen(js_name = QstashEmptyArrayError)]
    type JsQstashEmptyArrayError;
    #[wasm_bindgen(constructor, js_class = "QstashEmptyArrayError")]
    fn new(parameter: &str) -> JsQstashEmptyArrayError;
}

fn args(pairs: &[(&str, Option<String>)]) -> JsValue {
    let o = js_sys::Object::new();
    for (k, v) in pairs {
        let v = v.as_deref().map(JsValue::from_str).unwrap_or(JsValue::NULL);
        let _ = js_sys::Reflect::set(&o, &JsValue::from_str(k), &v);
    }
    o.into()
}

/// `new QstashError(message, status)`.
pub(crate) fn qstash_error(message: &str, status: Option<u16>) -> JsValue {
    let status = status.map(JsValue::from).unwrap_or(JsValue::UNDEFINED);
    JsQstashError::new(message, status).into()
}

/// `new QstashRatelimitError(args)` or, with `daily`, `new QstashDailyRatelimitError(args)`.
pub(crate) fn ratelimit_error(
    daily: bool,
    limit: Option<String>,
    remaining: Option<String>,
    reset: Option<String>,
) -> JsValue {
    let a = args(&[("limit", limit), ("remaining", remaining), ("reset", reset)]);
    if daily {
        JsQstashDailyRatelimitError::new(&a).into()
    } else {
        JsQstashRatelimitError::new(&a).into()
    }
}

/// `new QstashChatRatelimitError(args)`; fields in the order limit-requests, limit-tokens,
/// remaining-requests, remaining-tokens, reset-requests, reset-tokens.
pub(crate) fn chat_ratelimit_error(fields: [Option<String>; 6]) -> JsValue {
    let [a, b, c, d, e, f] = fields;
    let a = args(&[
        ("limit-requests", a),
        ("limit-tokens", b),
        ("remaining-requests", c),
        ("remaining-tokens", d),
        ("reset-requests", e),
        ("reset-tokens", f),
    ]);
    JsQstashChatRatelimitError::new(&a).into()
}

/// `new QstashEmptyArrayError(parameter)`.
pub(crate) fn empty_array_error(parameter: &str) -> JsValue {
    JsQstashEmptyArrayError::new(parameter).into()
}
