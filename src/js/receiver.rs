//! js::receiver
