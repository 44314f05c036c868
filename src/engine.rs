//! The two number conversions the wasm build borrows from the JavaScript engine it runs in.
//!
//! The package must format and parse numbers exactly as JavaScript does (`String(x)` in header
//! values and messages, `JSON.parse` for token claims). Rust's own float formatting and
//! parsing (Grisu/Dragon, Eisel-Lemire with its power-of-ten tables) would add about 30 KB to
//! every wasm module, most of it compiled on a cold start, to reproduce what the engine already
//! does by definition. Callers handle the common cases (safe integers, short decimals) in Rust
//! and come here only for the rest; native builds (the server, `cargo test`) use the spec
//! algorithm in [`crate::api::js_number_to_string`] and `str::parse` instead.

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// `String(x)`.
    #[wasm_bindgen(js_name = String)]
    fn js_string(x: f64) -> String;

    /// `Number(text)`; for text matching JSON's number grammar, exactly `JSON.parse(text)`.
    #[wasm_bindgen(js_name = Number)]
    fn js_number(text: &str) -> f64;
}

/// `String(x)` for a JS number.
pub(crate) fn number_to_string(x: f64) -> String {
    js_string(x)
}

/// The double nearest to a JSON number literal (overflow gives ±infinity).
pub(crate) fn parse_number(text: &str) -> f64 {
    js_number(text)
}
