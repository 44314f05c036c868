//! Time-driven behaviour under a test clock: the default backoff, retry schedules kept
//! across a restart, in-flight cancel, the global in-flight cap, flow control shared between
//! queues and plain publishes.

mod support;

use qstash_server::clock::TestClock;
use std::sync::Arc;
use std::time::Duration;
use support::*;

/// 2030-01-01T00:00:00Z.
const START: i64 = 1_893_456_000_000;

async fn retry_time(api: &Api, id: &str, nth: usize) -> i64 {
    eventually("RETRY event", WAIT, || {
        let api = api.clone();
        let id = id.to_string();
        async move {
            let ev = api.events_of(&id).await;
            ev.iter()
                .filter(|e| e["state"] == "RETRY")
                .nth(nth)
                .and_then(|e| e["nextDeliveryTime"].as_i64())
        }
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn default_backoff_follows_e_to_the_2_5n() {
    let clock = TestClock::new(START);
    let c2 = clock.clone();
    let srv = start_server_with(move |c| c.clock = Arc::new(c2)).await;
    let sink = Sink::start().await;
    sink.respond(|_| Reply::status(500));
    let api = srv.api();
    let id = api.publish_id(&sink.at("/backoff"), &[], "x").await;
    sink.wait_for("/backoff", 1, WAIT).await;
    // Retry 1 after 12.182 s, retry 2 after 148.413 s.
    assert_eq!(retry_time(&api, &id, 0).await, START + 12_182);
    clock.advance_ms(12_000);
    srv.app.nudge();
    api.publish_id(&sink.at("/barrier"), &[], "b").await;
    sink.wait_for("/barrier", 1, WAIT).await;
    assert_eq!(sink.requests_to("/backoff").len(), 1, "not before 12.18 s");
    clock.advance_ms(182);
    srv.app.nudge();
    let got = sink.wait_for("/backoff", 2, WAIT).await;
    assert_eq!(got[1].header("upstash-retried"), "1");
    assert_eq!(retry_time(&api, &id, 1).await, START + 12_182 + 148_413);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_schedule_survives_restart() {
    let clock = TestClock::new(START);
    let c2 = clock.clone();
    let srv = start_server_with(move |c| c.clock = Arc::new(c2)).await;
    let sink = Sink::start().await;
    sink.respond(|r| {
        if r.header("upstash-retried") == "0" {
            Reply::status(500)
        } else {
            Reply::ok()
        }
    });
    let api = srv.api();
    let id = api
        .publish_id(&sink.at("/rs"), &[("Upstash-Retry-Delay", "30000")], "x")
        .await;
    assert_eq!(retry_time(&api, &id, 0).await, START + 30_000);
    let (dir, config) = (srv.dir.clone(), srv.app.config().clone());
    srv.stop().await;
    let srv = start_server_at(dir, config).await;
    let api = srv.api();
    // Restarted before the retry time: nothing yet.
    clock.advance_ms(29_000);
    srv.app.nudge();
    api.publish_id(&sink.at("/barrier"), &[], "b").await;
    sink.wait_for("/barrier", 1, WAIT).await;
    assert_eq!(sink.requests_to("/rs").len(), 1);
    clock.advance_ms(1_000);
    srv.app.nudge();
    let got = sink.wait_for("/rs", 2, WAIT).await;
    assert_eq!(got[1].header("upstash-retried"), "1");
    assert_eq!(got[1].header("upstash-message-id"), id);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_during_an_attempt_prevents_the_retry() {
    let srv = start_server().await;
    let sink = Sink::start().await;
    sink.respond(|_| Reply::status(500).delay(Duration::from_millis(500)));
    let api = srv.api();
    let id = api
        .publish_id(&sink.at("/if"), &[("Upstash-Retry-Delay", "10")], "x")
        .await;
    sink.wait_for("/if", 1, WAIT).await;
    // The attempt is running (the sink answers after 500 ms).
    let r = api
        .call("DELETE", &format!("/v2/messages/{id}"), &[], "")
        .await;
    assert_eq!(r.json()["cancelled"], 1);
    // Cancelling the same attempt again finds nothing left to cancel, as for a waiting one.
    let again = api
        .call("DELETE", &format!("/v2/messages/{id}"), &[], "")
        .await;
    assert_eq!(again.status, 404, "{}", again.text);
    let bulk = api
        .call("DELETE", "/v2/messages", &[], json_ids(&[&id]))
        .await;
    assert_eq!(bulk.json()["cancelled"], 0);
    let states = eventually("CANCELLED", WAIT, || {
        let api = api.clone();
        let id = id.clone();
        async move {
            let s = api.states_of(&id).await;
            s.contains(&"CANCELLED".to_string()).then_some(s)
        }
    })
    .await;
    assert_eq!(
        states,
        [
            "CREATED",
            "ACTIVE",
            "CANCEL_REQUESTED",
            "ERROR",
            "CANCELLED"
        ]
    );
    api.publish_id(&sink.at("/barrier"), &[], "b").await;
    sink.wait_for("/barrier", 1, WAIT).await;
    assert_eq!(sink.requests_to("/if").len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn global_in_flight_cap_is_respected() {
    let srv = start_server_with(|c| c.max_in_flight = 4).await;
    let sink = Sink::start().await;
    sink.respond(|_| Reply::ok().delay(Duration::from_millis(100)));
    let api = srv.api();
    for i in 0..16 {
        api.publish_id(&sink.at("/g"), &[], format!("{i}")).await;
    }
    sink.wait_for("/g", 16, WAIT).await;
    assert_eq!(sink.max_in_flight(), 4);
    let g = api.get("/v2/globalParallelism").await.json();
    assert_eq!(g["parallelismMax"], 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn flow_control_key_is_shared_by_queues_and_plain_publishes() {
    let srv = start_server().await;
    let sink = Sink::start().await;
    sink.respond(|_| Reply::ok().delay(Duration::from_millis(80)));
    let api = srv.api();
    api.call(
        "POST",
        "/v2/queues",
        &[("Content-Type", "application/json")],
        r#"{"queueName":"fq","parallelism":5}"#,
    )
    .await;
    let h = [
        ("Upstash-Flow-Control-Key", "shared"),
        ("Upstash-Flow-Control-Value", "parallelism=1"),
    ];
    for i in 0..4 {
        let r = api
            .call(
                "POST",
                &format!("/v2/enqueue/fq/{}", sink.at("/s/q")),
                &h,
                format!("q{i}"),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        api.publish_id(&sink.at("/s/p"), &h, format!("p{i}")).await;
    }
    sink.wait_for("/s/", 8, WAIT).await;
    assert_eq!(sink.max_in_flight(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn far_future_messages_are_delivered_with_their_body() {
    // Bodies of messages due in more than a minute are not kept in memory: the attempt reads
    // them back, before and after a restart.
    let clock = TestClock::new(START);
    let c2 = clock.clone();
    let srv = start_server_with(move |c| c.clock = Arc::new(c2)).await;
    let sink = Sink::start().await;
    let api = srv.api();
    let body: Vec<u8> = (0..=255u8).cycle().take(5000).collect();
    api.publish_id(&sink.at("/far1"), &[("Upstash-Delay", "5m")], body.clone())
        .await;
    api.publish_id(&sink.at("/far2"), &[("Upstash-Delay", "10m")], body.clone())
        .await;
    clock.advance_ms(300_000);
    srv.app.nudge();
    let got = sink.wait_for("/far1", 1, WAIT).await;
    assert_eq!(&got[0].body[..], &body[..]);
    let (dir, config) = (srv.dir.clone(), srv.app.config().clone());
    srv.stop().await;
    let srv = start_server_at(dir, config).await;
    clock.advance_ms(300_000);
    srv.app.nudge();
    let got = sink.wait_for("/far2", 1, WAIT).await;
    assert_eq!(&got[0].body[..], &body[..]);
    verify_signature(
        &got[0].header("upstash-signature"),
        "sig_7kYjw48mhY7kAjqNGcy6cr29RJ6r",
        &sink.at("/far2"),
        &body,
    );
}

fn json_ids(ids: &[&str]) -> String {
    serde_json::json!({ "messageIds": ids }).to_string()
}
