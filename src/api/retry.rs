//! The client-side retry loop as a pure async function: the transport supplies one fetch
//! attempt and a sleep, this decides how often to call them (official
//! `HttpClient.requestWithBackoff`).

use std::future::Future;

use super::RetryPolicy;

/// Runs `attempt(index)` for `index = 0..=policy.attempts` until one succeeds, sleeping
/// `backoff(index)` ms after each failure except the last. Returns the first success, or
/// the last error. Only the transport's network failures should be `Err` here: HTTP error
/// statuses are responses and are never retried.
///
/// ```
/// use qstash_wasm::api::{retry::with_retries, RetryPolicy};
/// # fn block_on<F: std::future::Future>(f: F) -> F::Output {
/// #     let waker = std::task::Waker::noop();
/// #     let mut cx = std::task::Context::from_waker(&waker);
/// #     let mut f = std::pin::pin!(f);
/// #     loop { if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) { return v; } }
/// # }
/// let mut calls = 0;
/// let r: Result<(), &str> = block_on(with_retries(
///     RetryPolicy { attempts: 1 },
///     |_| 0.0,
///     |_| { calls += 1; async { Err("down") } },
///     |_| async {},
/// ));
/// assert_eq!((r, calls), (Err("down"), 2));
/// ```
pub async fn with_retries<T, E, A, AF, B, S, SF>(
    policy: RetryPolicy,
    backoff: B,
    mut attempt: A,
    mut sleep: S,
) -> Result<T, E>
where
    A: FnMut(u32) -> AF,
    AF: Future<Output = Result<T, E>>,
    B: Fn(u32) -> f64,
    S: FnMut(f64) -> SF,
    SF: Future<Output = ()>,
{
    let mut index = 0;
    loop {
        match attempt(index).await {
            Ok(v) => return Ok(v),
            Err(e) if index >= policy.attempts => return Err(e),
            Err(_) => {
                sleep(backoff(index)).await;
                index += 1;
            }
        }
    }
}
