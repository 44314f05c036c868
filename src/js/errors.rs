//! js::errors
