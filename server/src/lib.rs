//! A QStash-compatible local server.
//!
//! # Layout
//! (filled in as modules land)

pub mod parse;
