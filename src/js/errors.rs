//! Constructors for the official JS error classes.
//!
//! The classes themselves are plain JavaScript in the package's `errors.js` (`pkg-template/`),
//! identical in name, message and fields to `@upstash/qstash`'s. Rust imports that very module
//! (`raw_module`, resolved next to the wasm-bindgen glue), so an error thrown from wasm is an
//! instance of the class the user imports: `err instanceof QstashError` holds no matter which
//! side threw it.
//!
//! Every helper returns the error as a `JsValue`, ready to be thrown (`Err(value)` from a
//! `#[wasm_bindgen]` function) or to reject a promise.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(raw_module = "./errors.js")]
extern "C" {
    #[wasm_bindgen(js_name = QstashError)]
    type JsQstashError;
    #[wasm_bindgen(constructor, js_class = "QstashError")]
    fn new(message: &JsValue, status: &JsValue) -> JsQstashError;

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

    #[wasm_bindgen(js_name = SignatureError)]
    type JsSignatureError;
    #[wasm_bindgen(constructor, js_class = "SignatureError")]
    fn new(message: &str, code: &str) -> JsSignatureError;
}

/// The argument object of the rate-limit constructors: each field a string or `null`, as the
/// official reads them from `Headers.get`.
fn args(pairs: &[(&str, Option<String>)]) -> JsValue {
    let o = js_sys::Object::new();
    for (k, v) in pairs {
        let v = v.as_deref().map(JsValue::from_str).unwrap_or(JsValue::NULL);
        // Defining a property on a fresh plain object cannot fail (no setters, not frozen).
        let _ = js_sys::Reflect::set(&o, &JsValue::from_str(k), &v);
    }
    o.into()
}

/// `new QstashError(message, status)`; `status` is `undefined` for client-side failures.
pub(crate) fn qstash_error(message: &str, status: Option<u16>) -> JsValue {
    let status = status.map(JsValue::from).unwrap_or(JsValue::UNDEFINED);
    qstash_error_raw(&JsValue::from_str(message), &status)
}

/// `new QstashError(message, status)` with the values as JS gave them (an error response's
/// body and `status`, whatever a `fetch` mock put there).
pub(crate) fn qstash_error_raw(message: &JsValue, status: &JsValue) -> JsValue {
    JsQstashError::new(message, status).into()
}

/// The rate-limit error of `kind` (0 burst, 1 daily, 2 chat) from its constructor's `args`
/// object as read from a 429 response.
pub(crate) fn ratelimit_error_from(kind: u32, args: &JsValue) -> JsValue {
    match kind {
        2 => JsQstashChatRatelimitError::new(args).into(),
        1 => JsQstashDailyRatelimitError::new(args).into(),
        _ => JsQstashRatelimitError::new(args).into(),
    }
}

/// `new QstashRatelimitError({limit, remaining, reset})` or, with `daily`,
/// `new QstashDailyRatelimitError(...)`.
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

/// `new SignatureError(message, code)`: the official class plus a stable `code`
/// (`VerifyError::code()`).
pub(crate) fn signature_error(message: &str, code: &str) -> JsValue {
    JsSignatureError::new(message, code).into()
}

/// A plain `Error(message)`, for the few places the official throws one (no signing keys, an
/// invalid `QSTASH_DEV`) and for options that do not deserialize.
pub(crate) fn plain_error(message: &str) -> JsValue {
    js_sys::Error::new(message).into()
}

/// A `TypeError(message)`: a value of the wrong JavaScript type where the official would fail
/// the same way.
pub(crate) fn type_error(message: &str) -> JsValue {
    js_sys::TypeError::new(message).into()
}
