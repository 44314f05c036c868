//! The crate's one error type.

/// What went wrong.
#[derive(Debug)]
#[non_exhaustive]
pub enum ErrorKind {}

/// The crate's error.
#[derive(Debug)]
pub struct Error {
    kind: ErrorKind,
}

impl Error {
    /// The kind of failure.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }
}
