//! Delivery: signatures, byte-exact bodies, headers, retries, 489, DLQ, delay, logs.

mod support;

use std::time::Duration;
use support::*;

const KEY: &str = "sig_7kYjw48mhY7kAjqNGcy6cr29RJ6r";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delivers_signed_byte_exact_with_headers() {
    let srv = start_server().await;
    let sink = Sink::start().await;
    let api = srv.api();
    // Not UTF-8, with NUL and CR/LF: must arrive byte for byte.
    let body: Vec<u8> = vec![0, 159, 146, 150, b'\r', b'\n', 255, b'x'];
    let dest = sink.at("/hook?a=1&b=two");
    let id = api
        .publish_id(
            &dest,
            &[
                ("Content-Type", "application/octet-stream"),
                ("Upstash-Forward-X-Custom", "hello"),
                ("Upstash-Method", "PUT"),
            ],
            body.clone(),
        )
        .await;
    let got = sink.wait_for("/hook", 1, WAIT).await;
    let r = &got[0];
    assert_eq!(r.method, "PUT");
    assert_eq!(r.path, "/hook?a=1&b=two");
    assert_eq!(&r.body[..], &body[..]);
    assert_eq!(r.header("content-type"), "application/octet-stream");
    assert_eq!(r.header("x-custom"), "hello");
    assert_eq!(r.header("upstash-message-id"), id);
    assert_eq!(r.header("upstash-retried"), "0");
    assert_eq!(r.header("user-agent"), "Upstash-QStash");
    // Single-region unless configured: no Upstash-Region header.
    assert!(!r.headers.contains_key("upstash-region"));
    let claims = verify_signature(&r.header("upstash-signature"), KEY, &dest, &body);
    assert_eq!(claims["nbf"], 0);
    let iat = claims["iat"].as_i64().expect("iat");
    assert_eq!(claims["exp"].as_i64().expect("exp"), iat + 300);
    assert!(claims["jti"].as_str().is_some_and(|j| !j.is_empty()));
    // Delivered: logs show CREATED, ACTIVE, DELIVERED and the message is gone.
    let states = eventually("DELIVERED logged", WAIT, || {
        let api = api.clone();
        let id = id.clone();
        async move {
            let s = api.states_of(&id).await;
            s.contains(&"DELIVERED".to_string()).then_some(s)
        }
    })
    .await;
    assert_eq!(states, ["CREATED", "ACTIVE", "DELIVERED"]);
    // Still readable for a short while after delivery (then a 404: see the test below).
    let m = api.get(&format!("/v2/messages/{id}")).await;
    assert_eq!(m.status, 200, "{}", m.text);
    assert_eq!(m.json()["messageId"], id.as_str());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delivered_messages_stay_readable_briefly_failed_ones_do_not() {
    let clock = qstash_server::clock::TestClock::new(1_893_456_000_000);
    let c2 = clock.clone();
    let srv = start_server_with(move |c| c.clock = std::sync::Arc::new(c2)).await;
    let sink = Sink::start().await;
    sink.respond(|r| {
        if r.path.starts_with("/fail") {
            Reply::status(500)
        } else {
            Reply::ok()
        }
    });
    let api = srv.api();
    let ok = api.publish_id(&sink.at("/ok"), &[], "x").await;
    let failed = api
        .publish_id(&sink.at("/fail"), &[("Upstash-Retries", "0")], "y")
        .await;
    for id in [&ok, &failed] {
        eventually("finished", WAIT, || {
            let api = api.clone();
            let id = id.clone();
            async move {
                let s = api.states_of(&id).await;
                (s.contains(&"DELIVERED".to_string()) || s.contains(&"FAILED".to_string()))
                    .then_some(())
            }
        })
        .await;
    }
    let path = format!("/v2/messages/{ok}");
    let m = api.get(&path).await;
    assert_eq!(m.status, 200, "{}", m.text);
    assert_eq!(m.json()["url"], sink.at("/ok").as_str());
    // Cancelling a delivered message is still a 404: there is nothing left to cancel.
    assert_eq!(api.call("DELETE", &path, &[], "").await.status, 404);
    // A failed message is in the DLQ, not readable as a message.
    assert_eq!(api.get(&format!("/v2/messages/{failed}")).await.status, 404);
    clock.advance_ms(9_000);
    assert_eq!(api.get(&path).await.status, 200);
    clock.advance_ms(1_001);
    assert_eq!(api.get(&path).await.status, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retries_with_retry_delay_then_dlq_with_last_response() {
    let srv = start_server().await;
    let sink = Sink::start().await;
    sink.respond(|r| {
        Reply::status(503)
            .body(format!("nope {}", r.index))
            .header("X-Why", "busy")
    });
    let api = srv.api();
    let id = api
        .publish_id(
            &sink.at("/fail"),
            &[
                ("Upstash-Retries", "2"),
                ("Upstash-Retry-Delay", "200 * (1 + retried)"),
            ],
            "payload",
        )
        .await;
    let got = sink.wait_for("/fail", 3, WAIT).await;
    assert_eq!(got.len(), 3);
    let retried: Vec<String> = got.iter().map(|r| r.header("upstash-retried")).collect();
    assert_eq!(retried, ["0", "1", "2"]);
    // retried = 0 before the first retry → 200 ms, then 400 ms.
    let gap1 = got[1].at - got[0].at;
    let gap2 = got[2].at - got[1].at;
    assert!(
        gap1 >= Duration::from_millis(190),
        "first retry after {gap1:?}"
    );
    assert!(
        gap2 >= Duration::from_millis(390),
        "second retry after {gap2:?}"
    );
    assert!(gap2 < Duration::from_secs(5), "{gap2:?}");
    // Every attempt is signed freshly.
    for r in &got {
        verify_signature(
            &r.header("upstash-signature"),
            KEY,
            &sink.at("/fail"),
            b"payload",
        );
    }
    let dlq = eventually("DLQ entry", WAIT, || {
        let api = api.clone();
        async move {
            let v = api.get("/v2/dlq").await.json();
            let msgs = v["messages"].as_array().cloned().unwrap_or_default();
            (!msgs.is_empty()).then_some(msgs)
        }
    })
    .await;
    assert_eq!(dlq.len(), 1);
    let d = &dlq[0];
    assert_eq!(d["messageId"], id.as_str());
    assert_eq!(d["responseStatus"], 503);
    assert_eq!(d["responseBody"], "nope 2");
    assert_eq!(d["responseHeader"]["X-Why"][0], "busy");
    assert_eq!(d["maxRetries"], 2);
    assert_eq!(d["body"], "payload");
    assert_eq!(d["retryDelayExpression"], "200 * (1 + retried)");
    let states = api.states_of(&id).await;
    assert_eq!(
        states,
        [
            "CREATED", "ACTIVE", "ERROR", "RETRY", "ACTIVE", "ERROR", "RETRY", "ACTIVE", "ERROR",
            "FAILED"
        ]
    );
    // No fourth attempt.
    assert_eq!(sink.requests_to("/fail").len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn non_retryable_489_goes_to_dlq_at_once() {
    let srv = start_server().await;
    let sink = Sink::start().await;
    sink.respond(|_| Reply::status(489).header("Upstash-NonRetryable-Error", "true"));
    let api = srv.api();
    let id = api
        .publish_id(
            &sink.at("/nr"),
            &[("Upstash-Retries", "3"), ("Upstash-Retry-Delay", "10")],
            "x",
        )
        .await;
    eventually("FAILED", WAIT, || {
        let api = api.clone();
        let id = id.clone();
        async move {
            api.states_of(&id)
                .await
                .contains(&"FAILED".to_string())
                .then_some(())
        }
    })
    .await;
    assert_eq!(sink.requests_to("/nr").len(), 1);
    let v = api.get("/v2/dlq").await.json();
    assert_eq!(v["messages"][0]["responseStatus"], 489);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_after_header_is_honoured() {
    let srv = start_server().await;
    let sink = Sink::start().await;
    // First answer asks to come back in 0 seconds; default backoff would be 12 s.
    sink.respond(|r| {
        if r.index == 0 {
            Reply::status(429).header("Retry-After", "0")
        } else {
            Reply::ok()
        }
    });
    let api = srv.api();
    api.publish_id(&sink.at("/ra"), &[], "x").await;
    let got = sink.wait_for("/ra", 2, Duration::from_secs(8)).await;
    assert_eq!(got[1].header("upstash-retried"), "1");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delay_and_not_before_hold_delivery() {
    let srv = start_server().await;
    let sink = Sink::start().await;
    let api = srv.api();
    let t0 = std::time::Instant::now();
    let id = api
        .publish_id(&sink.at("/d"), &[("Upstash-Delay", "1s")], "x")
        .await;
    let m = api.get(&format!("/v2/messages/{id}")).await.json();
    let created = m["createdAt"].as_i64().expect("createdAt");
    assert!(m["notBefore"].as_i64().expect("notBefore") >= created + 1000);
    let got = sink.wait_for("/d", 1, WAIT).await;
    assert!(got[0].at - t0 >= Duration::from_millis(950));
    let nb = (std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("time")
        .as_secs()
        + 1)
    .to_string();
    let t1 = std::time::Instant::now();
    api.publish_id(&sink.at("/nb"), &[("Upstash-Not-Before", &nb)], "x")
        .await;
    let got = sink.wait_for("/nb", 1, WAIT).await;
    assert!(got[0].at > t1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_destination_does_not_block_others() {
    let srv = start_server().await;
    let slow = Sink::start().await;
    slow.respond(|_| Reply::ok().delay(Duration::from_secs(5)));
    let fast = Sink::start().await;
    let api = srv.api();
    for _ in 0..5 {
        api.publish_id(&slow.at("/slow"), &[], "x").await;
    }
    let t0 = std::time::Instant::now();
    for _ in 0..20 {
        api.publish_id(&fast.at("/fast"), &[], "y").await;
    }
    fast.wait_for("/fast", 20, WAIT).await;
    assert!(t0.elapsed() < Duration::from_secs(4), "{:?}", t0.elapsed());
    assert_eq!(slow.requests_to("/slow").len(), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timeout_counts_as_failure() {
    let srv = start_server().await;
    let sink = Sink::start().await;
    sink.respond(|_| Reply::ok().delay(Duration::from_secs(3)));
    let api = srv.api();
    let id = api
        .publish_id(
            &sink.at("/t"),
            &[("Upstash-Timeout", "1s"), ("Upstash-Retries", "0")],
            "x",
        )
        .await;
    let ev = eventually("FAILED", WAIT, || {
        let api = api.clone();
        let id = id.clone();
        async move {
            let ev = api.events_of(&id).await;
            ev.iter().any(|e| e["state"] == "FAILED").then_some(ev)
        }
    })
    .await;
    let err = ev
        .iter()
        .find(|e| e["state"] == "ERROR")
        .expect("ERROR event");
    assert_eq!(err["error"], "context deadline exceeded");
    let v = api.get("/v2/dlq").await.json();
    assert_eq!(v["messages"][0]["responseStatus"], 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graceful_stop_lets_running_attempts_finish() {
    let srv = start_server().await;
    let sink = Sink::start().await;
    sink.respond(|_| Reply::ok().delay(Duration::from_millis(600)));
    let api = srv.api();
    api.publish_id(&sink.at("/slowstop"), &[], "x").await;
    sink.wait_for("/slowstop", 1, WAIT).await;
    let (dir, config) = (srv.dir.clone(), srv.app.config().clone());
    // The attempt is running; a graceful stop waits for its outcome to be recorded.
    srv.stop().await;
    let srv = start_server_at(dir, config).await;
    let api = srv.api();
    api.publish_id(&sink.at("/barrier"), &[], "b").await;
    sink.wait_for("/barrier", 1, WAIT).await;
    assert_eq!(
        sink.requests_to("/slowstop").len(),
        1,
        "not delivered again"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_configured_region_is_sent_with_every_delivery_and_callback() {
    let srv = start_server_with(|c| {
        c.region = qstash_server::config::Region::parse("us-east-1");
    })
    .await;
    let sink = Sink::start().await;
    let api = srv.api();
    let dest = sink.at("/regional");
    api.publish_id(
        &dest,
        &[("Upstash-Callback", sink.at("/callback").as_str())],
        "hi",
    )
    .await;
    let got = sink.wait_for("/regional", 1, WAIT).await;
    assert_eq!(got[0].header("upstash-region"), "US-EAST-1");
    verify_signature(&got[0].header("upstash-signature"), KEY, &dest, b"hi");
    let cb = sink.wait_for("/callback", 1, WAIT).await;
    assert_eq!(cb[0].header("upstash-region"), "US-EAST-1");
}
