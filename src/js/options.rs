//! js::options
