//! The Rust Client API for Rust code compiled to wasm.
