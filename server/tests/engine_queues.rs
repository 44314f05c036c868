//! Queues (order, parallelism, pause, callbacks hold the slot) and flow control (parallelism
//! and rate measured at the destination).

mod support;

use std::time::Duration;
use support::*;

fn body_str(r: &Recorded) -> String {
    String::from_utf8_lossy(&r.body).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queue_parallelism_one_is_strict_order_through_retries() {
    let srv = start_server().await;
    let sink = Sink::start().await;
    // Message "m2" fails twice before succeeding; everything else succeeds. Each answer takes
    // a little time so overlapping deliveries would be visible.
    sink.respond(|r| {
        let b = String::from_utf8_lossy(&r.body).into_owned();
        let retried = r.header("upstash-retried");
        let reply = if b == "m2" && retried != "2" {
            Reply::status(500)
        } else {
            Reply::ok()
        };
        reply.delay(Duration::from_millis(20))
    });
    let api = srv.api();
    for i in 0..6 {
        let r = api
            .call(
                "POST",
                &format!("/v2/enqueue/q1/{}", sink.at("/q")),
                &[("Upstash-Retry-Delay", "100"), ("Upstash-Retries", "3")],
                format!("m{i}"),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
    }
    let got = sink.wait_for("/q", 8, WAIT).await;
    let order: Vec<String> = got.iter().map(body_str).collect();
    assert_eq!(order, ["m0", "m1", "m2", "m2", "m2", "m3", "m4", "m5"]);
    assert_eq!(sink.max_in_flight(), 1);
    let q = api.get("/v2/queues/q1").await.json();
    assert_eq!(q["parallelism"], 1);
    assert_eq!(q["paused"], false);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queue_parallelism_is_never_exceeded() {
    let srv = start_server().await;
    let sink = Sink::start().await;
    sink.respond(|_| Reply::ok().delay(Duration::from_millis(150)));
    let api = srv.api();
    let r = api
        .call(
            "POST",
            "/v2/queues",
            &[("Content-Type", "application/json")],
            r#"{"queueName":"q3","parallelism":3}"#,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    for i in 0..12 {
        api.call(
            "POST",
            &format!("/v2/enqueue/q3/{}", sink.at("/p")),
            &[],
            format!("{i}"),
        )
        .await;
    }
    sink.wait_for("/p", 12, WAIT).await;
    assert_eq!(sink.max_in_flight(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paused_queue_delivers_nothing_and_loses_nothing() {
    let srv = start_server().await;
    let sink = Sink::start().await;
    let api = srv.api();
    api.call(
        "POST",
        "/v2/queues",
        &[("Content-Type", "application/json")],
        r#"{"queueName":"qp","parallelism":2,"paused":true}"#,
    )
    .await;
    for i in 0..5 {
        api.call(
            "POST",
            &format!("/v2/enqueue/qp/{}", sink.at("/paused")),
            &[],
            format!("{i}"),
        )
        .await;
    }
    let q = api.get("/v2/queues/qp").await.json();
    assert_eq!(q["paused"], true);
    assert_eq!(q["lag"], 5);
    // Barrier: a later plain publish is delivered, the paused queue still is not.
    api.publish_id(&sink.at("/barrier"), &[], "b").await;
    sink.wait_for("/barrier", 1, WAIT).await;
    assert_eq!(sink.requests_to("/paused").len(), 0);
    let r = api.call("POST", "/v2/queues/qp/resume", &[], "").await;
    assert_eq!(r.status, 200, "{}", r.text);
    let got = sink.wait_for("/paused", 5, WAIT).await;
    let mut bodies: Vec<String> = got.iter().map(body_str).collect();
    bodies.sort();
    assert_eq!(bodies, ["0", "1", "2", "3", "4"]);
    eventually("lag 0", WAIT, || {
        let api = api.clone();
        async move { (api.get("/v2/queues/qp").await.json()["lag"] == 0).then_some(()) }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn next_queued_message_waits_for_the_callback() {
    let srv = start_server().await;
    let sink = Sink::start().await;
    sink.respond(|r| {
        if r.path.starts_with("/cb") {
            Reply::ok().delay(Duration::from_millis(300))
        } else {
            Reply::ok()
        }
    });
    let api = srv.api();
    for i in 0..2 {
        api.call(
            "POST",
            &format!("/v2/enqueue/qc/{}", sink.at("/main")),
            &[("Upstash-Callback", &sink.at("/cb"))],
            format!("{i}"),
        )
        .await;
    }
    let main = sink.wait_for("/main", 2, WAIT).await;
    let cbs = sink.wait_for("/cb", 1, WAIT).await;
    // The second message starts only after the first one's callback answered.
    assert!(
        main[1].at >= cbs[0].at + Duration::from_millis(290),
        "{:?}",
        main[1].at - cbs[0].at
    );
    sink.wait_for("/cb", 2, WAIT).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flow_control_parallelism_is_never_exceeded() {
    let srv = start_server().await;
    let sink = Sink::start().await;
    sink.respond(|_| Reply::ok().delay(Duration::from_millis(100)));
    let api = srv.api();
    for i in 0..10u32 {
        // Two different URLs share the key.
        let path = if i.is_multiple_of(2) { "/fa" } else { "/fb" };
        api.publish_id(
            &sink.at(path),
            &[
                ("Upstash-Flow-Control-Key", "k"),
                ("Upstash-Flow-Control-Value", "parallelism=2"),
            ],
            format!("{i}"),
        )
        .await;
    }
    sink.wait_for("/f", 10, WAIT).await;
    assert_eq!(sink.max_in_flight(), 2);
    let info = api.get("/v2/flowControl/k").await.json();
    assert_eq!(info["parallelismMax"], 2);
    assert_eq!(info["flowControlKey"], "k");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flow_control_rate_is_never_exceeded() {
    let srv = start_server().await;
    let sink = Sink::start().await;
    let api = srv.api();
    let t0 = std::time::Instant::now();
    for i in 0..9 {
        api.publish_id(
            &sink.at("/rate"),
            &[
                ("Upstash-Flow-Control-Key", "r"),
                ("Upstash-Flow-Control-Value", "rate=3, period=1s"),
            ],
            format!("{i}"),
        )
        .await;
    }
    let got = sink.wait_for("/rate", 9, WAIT).await;
    // Fixed 1 s windows of 3: any 4 consecutive dispatches span at least one window. Arrival
    // times carry scheduling jitter on a busy machine, hence 700 ms (unlimited: ~0 ms).
    for w in got.windows(4) {
        let span = w[3].at - w[0].at;
        assert!(
            span >= Duration::from_millis(700),
            "4 deliveries within {span:?}"
        );
    }
    assert!(t0.elapsed() >= Duration::from_millis(1900));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flow_control_pause_and_resume() {
    let srv = start_server().await;
    let sink = Sink::start().await;
    let api = srv.api();
    let h = [
        ("Upstash-Flow-Control-Key", "pk"),
        ("Upstash-Flow-Control-Value", "parallelism=5"),
    ];
    api.publish_id(&sink.at("/fp"), &h, "first").await;
    sink.wait_for("/fp", 1, WAIT).await;
    let r = api.call("POST", "/v2/flowControl/pk/pause", &[], "").await;
    assert_eq!(r.status, 200, "{}", r.text);
    for i in 0..3 {
        api.publish_id(&sink.at("/fp"), &h, format!("{i}")).await;
    }
    api.publish_id(&sink.at("/barrier"), &[], "b").await;
    sink.wait_for("/barrier", 1, WAIT).await;
    assert_eq!(sink.requests_to("/fp").len(), 1);
    let info = api.get("/v2/flowControl/pk").await.json();
    assert_eq!(info["isPaused"], true);
    assert_eq!(info["waitListSize"], 3);
    api.call("POST", "/v2/flowControl/pk/resume", &[], "").await;
    sink.wait_for("/fp", 4, WAIT).await;
}
