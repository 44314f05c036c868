//! js::client
