//! QStash for every JavaScript runtime, written in Rust.
//!
//! # Layout
//! - [`signing`]: pure JWT signing and verification of `Upstash-Signature` (HS256/384/512),
//!   usable natively (the local server signs with it) and in wasm (the Receiver).
//! - [`api`]: pure request building for every QStash endpoint (`ApiRequest` values), option →
//!   header serialization, query encoding, client backoff.
//! - [`model`]: wire types (serde, camelCase) shared with the local server.
//! - [`error`]: the crate's one error type.
//! - `transport` (wasm32): sends an `ApiRequest` through the platform `fetch`, retrying network
//!   failures.
//! - `client` (wasm32): the Rust Client API for Rust code compiled to wasm.
//! - `js` (wasm32): the wasm-bindgen facade that gives JavaScript the `@upstash/qstash` API.
//!
//! Everything in `signing`, `api` and `model` is pure: no I/O and no JS, so `cargo test` runs it
//! natively.

pub mod api;
pub mod error;
pub mod model;
pub mod signing;

#[cfg(target_arch = "wasm32")]
pub mod client;
#[cfg(target_arch = "wasm32")]
mod js;
#[cfg(target_arch = "wasm32")]
pub mod transport;

pub use error::{Error, ErrorKind};
