//! The wasm-bindgen facade: the JavaScript API of `@upstash/qstash`, as a thin layer over the
//! pure core. Every `#[wasm_bindgen]` item of the crate lives below this module.

mod client;
mod env;
mod errors;
mod options;
mod receiver;
mod resources;
