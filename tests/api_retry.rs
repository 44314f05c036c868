//! The retry loop (reference §1.5; official `src/client/http.test.ts`): only failures are
//! retried, `attempts + 1` calls at most, `backoff(index)` between them.

use std::cell::RefCell;
use std::future::Future;

use qstash_wasm::api::{default_backoff_ms, retry::with_retries, RetryPolicy};

/// Drives a future whose leaves are all immediately ready (our fakes never pend).
fn block_on<F: Future>(f: F) -> F::Output {
    let waker = std::task::Waker::noop();
    let mut cx = std::task::Context::from_waker(waker);
    let mut f = std::pin::pin!(f);
    loop {
        if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
}

/// Runs the loop against an attempt that fails `failures` times, recording calls and sleeps.
fn run(policy: RetryPolicy, failures: u32) -> (Result<u32, String>, Vec<u32>, Vec<f64>) {
    let calls = RefCell::new(Vec::new());
    let sleeps = RefCell::new(Vec::new());
    let r = block_on(with_retries(
        policy,
        default_backoff_ms,
        |i| {
            calls.borrow_mut().push(i);
            let n = calls.borrow().len() as u32;
            async move {
                if n <= failures {
                    Err(format!("fetch failed #{n}"))
                } else {
                    Ok(n)
                }
            }
        },
        |ms| {
            sleeps.borrow_mut().push(ms);
            async {}
        },
    ));
    (r, calls.into_inner(), sleeps.into_inner())
}

#[test]
fn default_policy_makes_six_calls_then_throws_the_last_error() {
    let (r, calls, sleeps) = run(RetryPolicy::default(), u32::MAX);
    assert_eq!(r, Err("fetch failed #6".to_string()));
    assert_eq!(calls, [0, 1, 2, 3, 4, 5]);
    let rounded: Vec<u64> = sleeps.iter().map(|ms| ms.round() as u64).collect();
    assert_eq!(rounded, [50, 136, 369, 1004, 2730]);
}

#[test]
fn retry_false_is_exactly_one_call() {
    let (r, calls, sleeps) = run(RetryPolicy::disabled(), u32::MAX);
    assert!(r.is_err());
    assert_eq!(calls.len(), 1);
    assert!(sleeps.is_empty());
}

#[test]
fn one_retry_is_two_calls() {
    let (r, calls, sleeps) = run(RetryPolicy { attempts: 1 }, u32::MAX);
    assert_eq!(r, Err("fetch failed #2".to_string()));
    assert_eq!(calls.len(), 2);
    assert_eq!(sleeps, [50.0]);
}

#[test]
fn success_stops_the_loop() {
    let (r, calls, sleeps) = run(RetryPolicy::default(), 2);
    assert_eq!(r, Ok(3));
    assert_eq!(calls, [0, 1, 2]);
    assert_eq!(sleeps.len(), 2);
    let (r, calls, _) = run(RetryPolicy::default(), 0);
    assert_eq!((r, calls.len()), (Ok(1), 1));
}
