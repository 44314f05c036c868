//! Pure JWT signing and verification of `Upstash-Signature`.
