//! Opt-in API rate limits: the burst limit refuses the (limit+1)th request of a second to a
//! non-publish endpoint with QStash's `Burst-RateLimit-*` headers and lets publish through;
//! the daily limit refuses messages over the day's count with `RateLimit-*` headers, a batch
//! whole, and stores nothing it refused. Both count per user and reset with their window.
//! Time comes from a test clock, so no window turns over mid-test.

mod support;

use qstash_server::app::USERS;
use qstash_server::clock::TestClock;
use std::sync::Arc;
use support::*;

/// 2030-01-01T00:00:00.250Z: a quarter second into a second, at the start of a UTC day.
const START: i64 = 1_893_456_000_250;

/// Never reached: every message here is delayed a day.
const DEST: &str = "http://127.0.0.1:9/never";

struct Answer {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: serde_json::Value,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

async fn call(srv: &TestServer, user: usize, method: &str, path: &str, body: &str) -> Answer {
    let res = reqwest::Client::new()
        .request(
            reqwest::Method::from_bytes(method.as_bytes()).expect("method"),
            format!("{}{path}", srv.url),
        )
        .bearer_auth(USERS[user - 1].token)
        .header("Upstash-Delay", "1d")
        .header("Content-Type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .expect("request");
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let text = res.text().await.expect("body");
    let body = serde_json::from_str(&text).unwrap_or(serde_json::Value::Null);
    Answer {
        status,
        headers,
        body,
    }
}

/// A server on a test clock at [`START`], with `limits` applied to its config.
async fn limited_server(
    limits: impl FnOnce(&mut qstash_server::Config) + Send + 'static,
) -> (TestClock, TestServer) {
    let clock = TestClock::new(START);
    let c2 = clock.clone();
    let srv = start_server_with(move |c| {
        c.clock = Arc::new(c2);
        limits(c);
    })
    .await;
    (clock, srv)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn burst_limit_refuses_the_extra_request_of_a_second_but_never_publish() {
    let (clock, srv) = limited_server(|c| c.burst_rate_limit = Some(3)).await;
    for _ in 0..3 {
        assert_eq!(call(&srv, 1, "GET", "/v2/queues", "").await.status, 200);
    }
    // Any non-publish endpoint counts towards the same limit.
    let refused = call(&srv, 1, "GET", "/v2/schedules", "").await;
    assert_eq!(refused.status, 429);
    assert_eq!(refused.header("Burst-RateLimit-Limit"), Some("3"));
    assert_eq!(refused.header("Burst-RateLimit-Remaining"), Some("0"));
    let reset = (START / 1000 + 1).to_string();
    assert_eq!(
        refused.header("Burst-RateLimit-Reset"),
        Some(reset.as_str())
    );
    assert_eq!(
        refused.header("RateLimit-Limit"),
        None,
        "burst is not daily"
    );
    let msg = refused.body["error"].as_str().expect("error text");
    assert!(msg.contains("burst rate limit of 3"), "{msg}");
    // Publish, enqueue and batch have no per-second limit.
    let dest = format!("/v2/publish/{DEST}");
    for _ in 0..5 {
        assert_eq!(call(&srv, 1, "POST", &dest, "x").await.status, 200);
    }
    let enqueue = format!("/v2/enqueue/q1/{DEST}");
    assert_eq!(call(&srv, 1, "POST", &enqueue, "x").await.status, 200);
    let batch = format!(r#"[{{"destination":"{DEST}","body":"b"}}]"#);
    assert_eq!(call(&srv, 1, "POST", "/v2/batch", &batch).await.status, 200);
    // Another user has its own count.
    assert_eq!(call(&srv, 2, "GET", "/v2/queues", "").await.status, 200);
    // A bad token is a 401 before any limit.
    let anon = reqwest::Client::new()
        .get(format!("{}/v2/queues", srv.url))
        .bearer_auth("nope")
        .send()
        .await
        .expect("request");
    assert_eq!(anon.status().as_u16(), 401);
    // The next second starts afresh.
    clock.advance_ms(1000);
    assert_eq!(call(&srv, 1, "GET", "/v2/queues", "").await.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn daily_limit_counts_messages_refuses_whole_batches_and_stores_nothing_refused() {
    let (clock, srv) = limited_server(|c| c.daily_message_limit = Some(4)).await;
    let dest = format!("/v2/publish/{DEST}");
    for _ in 0..2 {
        assert_eq!(call(&srv, 1, "POST", &dest, "x").await.status, 200);
    }
    // 2 used, 2 left: a batch of 3 does not fit and is refused whole.
    let item = format!(r#"{{"destination":"{DEST}","body":"b"}}"#);
    let batch3 = format!("[{item},{item},{item}]");
    let refused = call(&srv, 1, "POST", "/v2/batch", &batch3).await;
    assert_eq!(refused.status, 429);
    assert_eq!(refused.header("RateLimit-Limit"), Some("4"));
    assert_eq!(refused.header("RateLimit-Remaining"), Some("2"));
    let midnight = (START / 86_400_000 + 1) * 86_400;
    assert_eq!(
        refused.header("RateLimit-Reset"),
        Some(midnight.to_string().as_str())
    );
    assert_eq!(refused.header("Burst-RateLimit-Limit"), None);
    // Nothing of the refused batch was stored: exactly the two publishes are pending.
    let events = call(&srv, 1, "GET", "/v2/events?state=CREATED", "").await;
    assert_eq!(events.body["events"].as_array().map(Vec::len), Some(2));
    // A batch of 2 fits exactly; then even one publish is over.
    let batch2 = format!("[{item},{item}]");
    assert_eq!(
        call(&srv, 1, "POST", "/v2/batch", &batch2).await.status,
        200
    );
    let over = call(&srv, 1, "POST", &dest, "x").await;
    assert_eq!(over.status, 429);
    assert_eq!(over.header("RateLimit-Remaining"), Some("0"));
    let enqueue = format!("/v2/enqueue/q1/{DEST}");
    assert_eq!(call(&srv, 1, "POST", &enqueue, "x").await.status, 429);
    // Reading is not limited by the daily count; another user has its own.
    assert_eq!(call(&srv, 1, "GET", "/v2/queues", "").await.status, 200);
    assert_eq!(call(&srv, 2, "POST", &dest, "x").await.status, 200);
    // The next UTC day starts afresh.
    clock.set_ms(midnight * 1000);
    assert_eq!(call(&srv, 1, "POST", &dest, "x").await.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_limits_nothing_is_refused() {
    let srv = start_server().await;
    for _ in 0..50 {
        assert_eq!(call(&srv, 1, "GET", "/v2/queues", "").await.status, 200);
    }
}
