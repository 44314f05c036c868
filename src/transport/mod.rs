//! Sends `ApiRequest`s through the platform `fetch`.
