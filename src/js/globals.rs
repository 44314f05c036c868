//! JS globals both builds (full and receiver-only) call, and the record of what user code threw.
//!
//! Reading a caller's options can run the caller's code: a getter, a `toString`, a Proxy trap.
//! A JS exception must never unwind through wasm frames: it would skip Rust's destructors and
//! the shadow-stack restore, and inside a future's poll it would leave the executor stuck, so
//! every later promise of the module would hang. So each import that can run user code is
//! `catch`, its error is kept here ([`thrown`]) while the caller carries on with a neutral
//! value, and the method's boundary ([`guarded`], and the Client's send path) turns the first
//! one into the method's rejection: the error the official's `async` methods reject with.

use std::cell::RefCell;

use js_sys::Array;
#[cfg(feature = "client")]
use js_sys::Object;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// `String.prototype.concat(value)`, i.e. `"" + ToString(value)`: how the official's
    /// template literals, path `join`s, `Headers` values and `TextEncoder` render a value
    /// (like `String(value)`, except that a symbol throws). Not `inline_js`: the receiver-only
    /// build must have no snippet of its own, as both builds' snippets share one directory.
    #[wasm_bindgen(js_namespace = ["String", "prototype"], js_name = concat, catch)]
    fn js_string_or_throw(value: &JsValue) -> Result<String, JsValue>;
    /// `console.warn(message)`: the official SDK's warnings, with the same text.
    #[wasm_bindgen(js_namespace = console, js_name = warn)]
    pub(crate) fn console_warn(message: &str);
    #[wasm_bindgen(js_namespace = Object, js_name = keys, catch)]
    fn object_keys_or_throw(value: &JsValue) -> Result<Array, JsValue>;
    /// `Array.from(value)`: a user array's items, read once (index getters run here).
    #[wasm_bindgen(js_namespace = Array, js_name = from, catch)]
    fn array_from_or_throw(value: &JsValue) -> Result<Array, JsValue>;
}

thread_local! {
    /// The first error user code threw since the current method started (see [`guarded`]).
    static THROWN: RefCell<Option<JsValue>> = const { RefCell::new(None) };
}

/// Keeps `error` as what the current method throws, unless an earlier one is kept: the
/// official stops at the first.
fn thrown(error: JsValue) {
    THROWN.with(|t| {
        let mut t = t.borrow_mut();
        if t.is_none() {
            *t = Some(error);
        }
    });
}

/// The kept error, if any, leaving none.
pub(crate) fn take_thrown() -> Option<JsValue> {
    THROWN.with(|t| t.borrow_mut().take())
}

/// Runs the synchronous part of a method: its result, or the first error user code threw
/// while it ran (which came before any error `f` returned itself, since `f` goes on only
/// with neutral values after a throw). Starts clean, so nothing kept by an earlier method
/// that does not check (a getter, say) is blamed on this one.
pub(crate) fn guarded<T>(f: impl FnOnce() -> Result<T, JsValue>) -> Result<T, JsValue> {
    let _ = take_thrown();
    let out = f();
    match take_thrown() {
        Some(e) => Err(e),
        None => out,
    }
}

/// `result`'s value, or `fallback()` when it holds what user code threw (kept by [`thrown`] for
/// the method to throw): the neutral value the caller carries on with.
pub(crate) fn or_thrown<T>(result: Result<T, JsValue>, fallback: impl FnOnce() -> T) -> T {
    result.unwrap_or_else(|e| {
        thrown(e);
        fallback()
    })
}

/// `value` converted to a string as the official's uses convert it (`${value}`): a symbol, or a
/// `toString` that throws, gives `""` and the error is kept by [`thrown`].
pub(crate) fn js_string(value: &JsValue) -> String {
    or_thrown(js_string_or_throw(value), String::new)
}

/// `Object.keys(value)`; empty when it throws (a Proxy trap; kept by [`thrown`]).
pub(crate) fn object_keys(value: &JsValue) -> Array {
    or_thrown(object_keys_or_throw(value), Array::new)
}

// The spread copy is copied once more with `Object.assign`: on Node 20's V8 an object made by a
// spread that then gets a key added (the JSON methods add `headers`, results get fields
// renamed) reads ~100x slower (8 µs for the 22 request options), one made by `assign` does
// not. The copy of a copy has the same own data properties, unless one is named `__proto__`
// (assign would set the prototype): that one stays the spread's.
#[cfg(feature = "client")]
#[wasm_bindgen(inline_js = "export function spread(value) {
  const copy = { ...value };
  return Object.hasOwn(copy, \"__proto__\") ? copy : Object.assign({}, copy);
}")]
extern "C" {
    #[wasm_bindgen(js_name = spread, catch)]
    fn spread_or_throw(value: &JsValue) -> Result<Object, JsValue>;
}

/// `{ ...value }`: the own enumerable properties read through their getters and defined on a
/// new object (a `__proto__` key of parsed JSON stays a plain property, where `Object.assign`
/// would set the copy's prototype). Empty when a getter throws (kept by [`thrown`]).
#[cfg(feature = "client")]
pub(crate) fn spread(value: &JsValue) -> Object {
    or_thrown(spread_or_throw(value), Object::new)
}

/// `Array.from(value)` for a value known to be an array; empty when it throws.
#[cfg(feature = "client")]
pub(crate) fn array_items(value: &JsValue) -> Array {
    or_thrown(array_from_or_throw(value), Array::new)
}
