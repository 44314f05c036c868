//! The wasm-bindgen facade: the JavaScript API of `@upstash/qstash`, as a thin layer over the
//! pure core. Every `#[wasm_bindgen]` item of the crate lives below this module.
//!
//! Exported items carry `//` comments, not `///`: wasm-bindgen copies doc comments into the
//! shipped JS glue, and the documented JS API is `client.d.ts` (this module is private, so
//! rustdoc never showed them).

mod client;
mod env;
mod errors;
mod globals;
mod options;
mod providers;
mod receiver;
mod resources;
