//! js::resources
