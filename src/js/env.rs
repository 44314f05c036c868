//! js::env
