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
//! Feature `client` (default): the Client (`client`, `transport` and its JS facade). Without
//! it, the wasm32 build exports only the Receiver (the package's `qstash-wasm/receiver`).
//!
//! In wasm32 the facade imports three small JS modules of the npm package by relative path:
//! `errors.js` (with `signature-error.js`), the error classes the wasm throws, and `env.js`,
//! which reads environment variables. A wasm of your own that links this crate needs them next
//! to its wasm-bindgen glue; copy them from `pkg-template/`.
//!
//! Everything in `signing`, `api` and `model` is pure: no I/O and no JS, so `cargo test` runs it
//! natively.

pub mod api;
#[cfg(target_arch = "wasm32")]
mod engine;
pub mod error;
pub mod model;
pub mod signing;

#[cfg(all(target_arch = "wasm32", feature = "client"))]
pub mod client;
#[cfg(all(target_arch = "wasm32", feature = "client"))]
mod js;
#[cfg(all(target_arch = "wasm32", feature = "client"))]
pub mod transport;

/// The receiver-only build (`--no-default-features`, the package's `qstash-wasm/receiver`
/// subpath): the same `js` facade files minus the Client, so the wasm holds only verification.
#[cfg(all(target_arch = "wasm32", not(feature = "client")))]
mod js {
    mod env;
    // The Client's error constructors are unused here.
    #[allow(dead_code)]
    mod errors;
    mod globals;
    mod receiver;
}

pub use error::{Error, ErrorKind};
