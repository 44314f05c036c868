//! Callbacks, failure callbacks, dedup, cancel, labels, redaction, URL groups, DLQ retry.

mod support;

use base64::Engine as _;
use std::time::Duration;
use support::*;

const KEY: &str = "sig_7kYjw48mhY7kAjqNGcy6cr29RJ6r";

fn b64(s: &str) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(s)
        .expect("base64")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn callback_after_every_attempt_and_failure_callback() {
    let srv = start_server().await;
    let sink = Sink::start().await;
    sink.respond(|r| {
        if r.path.starts_with("/dest") {
            Reply::status(500).body("boom").header("X-Dest", "1")
        } else {
            Reply::ok()
        }
    });
    let api = srv.api();
    let id = api
        .publish_id(
            &sink.at("/dest"),
            &[
                ("Content-Type", "text/plain"),
                ("Upstash-Retries", "1"),
                ("Upstash-Retry-Delay", "50"),
                ("Upstash-Callback", &sink.at("/cb")),
                ("Upstash-Failure-Callback", &sink.at("/fcb")),
                ("Upstash-Callback-Forward-X-Cb", "yes"),
            ],
            "src body",
        )
        .await;
    let cbs = sink.wait_for("/cb", 2, WAIT).await;
    let fcb = sink.wait_for("/fcb", 1, WAIT).await;
    assert_eq!(sink.requests_to("/dest").len(), 2);
    for (i, cb) in cbs.iter().enumerate() {
        assert_eq!(cb.method, "POST");
        assert_eq!(cb.header("content-type"), "application/json");
        assert_eq!(cb.header("x-cb"), "yes");
        assert_ne!(cb.header("upstash-message-id"), id);
        verify_signature(
            &cb.header("upstash-signature"),
            KEY,
            &sink.at("/cb"),
            &cb.body,
        );
        let v: serde_json::Value = serde_json::from_slice(&cb.body).expect("json");
        assert_eq!(v["status"], 500);
        assert_eq!(b64(v["body"].as_str().expect("body")), b"boom");
        assert_eq!(v["header"]["X-Dest"][0], "1");
        assert_eq!(v["sourceMessageId"], id.as_str());
        assert_eq!(v["url"], sink.at("/dest"));
        assert_eq!(v["method"], "POST");
        assert_eq!(v["maxRetries"], 1);
        assert_eq!(b64(v["sourceBody"].as_str().expect("sb")), b"src body");
        assert_eq!(v["sourceHeader"]["Content-Type"][0], "text/plain");
        assert!(v.get("dlqId").is_none());
        let retried: Vec<u64> = cbs
            .iter()
            .map(|c| {
                serde_json::from_slice::<serde_json::Value>(&c.body).expect("json")["retried"]
                    .as_u64()
                    .expect("retried")
            })
            .collect();
        assert!(retried.contains(&(i as u64)));
    }
    let v: serde_json::Value = serde_json::from_slice(&fcb[0].body).expect("json");
    let dlq_id = v["dlqId"].as_str().expect("dlqId").to_string();
    let d = api.get(&format!("/v2/dlq/{dlq_id}")).await;
    assert_eq!(d.status, 200, "{}", d.text);
    assert_eq!(d.json()["messageId"], id.as_str());
    assert_eq!(v["status"], 500);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dedup_by_id_and_by_content() {
    let srv = start_server().await;
    let sink = Sink::start().await;
    let api = srv.api();
    let dest = sink.at("/dd");
    let a = api
        .call(
            "POST",
            &format!("/v2/publish/{dest}"),
            &[("Upstash-Deduplication-Id", "k1")],
            "1",
        )
        .await;
    let b = api
        .call(
            "POST",
            &format!("/v2/publish/{dest}"),
            &[("Upstash-Deduplication-Id", "k1")],
            "2",
        )
        .await;
    assert_eq!(a.status, 200);
    assert_eq!(b.status, 202);
    assert_eq!(a.json()["messageId"], b.json()["messageId"]);
    assert_eq!(b.json()["deduplicated"], true);
    let h = [
        ("Upstash-Content-Based-Deduplication", "true"),
        ("Content-Type", "text/plain"),
    ];
    let c = api
        .call("POST", &format!("/v2/publish/{dest}"), &h, "same")
        .await;
    let d = api
        .call("POST", &format!("/v2/publish/{dest}"), &h, "same")
        .await;
    let e = api
        .call("POST", &format!("/v2/publish/{dest}"), &h, "other")
        .await;
    assert_eq!((c.status, d.status, e.status), (200, 202, 200));
    assert_eq!(c.json()["messageId"], d.json()["messageId"]);
    assert_ne!(c.json()["messageId"], e.json()["messageId"]);
    // Exactly three messages delivered: k1, "same", "other".
    sink.wait_for("/dd", 3, WAIT).await;
    let settled = eventually("logs settle", WAIT, || {
        let api = api.clone();
        async move {
            let v = api.get("/v2/logs?state=DELIVERED").await.json();
            let n = v["logs"].as_array().map_or(0, |a| a.len());
            (n == 3).then_some(n)
        }
    })
    .await;
    assert_eq!(settled, 3);
    assert_eq!(sink.requests_to("/dd").len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_stops_future_attempts() {
    let srv = start_server().await;
    let sink = Sink::start().await;
    sink.respond(|_| Reply::status(500));
    let api = srv.api();
    let id = api
        .publish_id(
            &sink.at("/c"),
            &[("Upstash-Retries", "5"), ("Upstash-Retry-Delay", "1500")],
            "x",
        )
        .await;
    sink.wait_for("/c", 1, WAIT).await;
    // Wait for the RETRY to be recorded, then cancel while it waits.
    eventually("RETRY", WAIT, || {
        let api = api.clone();
        let id = id.clone();
        async move {
            api.states_of(&id)
                .await
                .contains(&"RETRY".to_string())
                .then_some(())
        }
    })
    .await;
    let r = api
        .call("DELETE", &format!("/v2/messages/{id}"), &[], "")
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["cancelled"], 1);
    let states = api.states_of(&id).await;
    assert_eq!(
        &states[states.len() - 2..],
        ["CANCEL_REQUESTED", "CANCELLED"]
    );
    assert_eq!(api.get(&format!("/v2/messages/{id}")).await.status, 404);
    assert_eq!(
        api.call("DELETE", &format!("/v2/messages/{id}"), &[], "")
            .await
            .status,
        404
    );
    // Past the retry time: still one attempt.
    let id2 = api
        .publish_id(&sink.at("/later"), &[("Upstash-Delay", "2s")], "y")
        .await;
    let _ = id2;
    sink.wait_for("/later", 1, WAIT).await;
    assert_eq!(sink.requests_to("/c").len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_cancel_by_filter() {
    let srv = start_server().await;
    let sink = Sink::start().await;
    let api = srv.api();
    let mut ids = Vec::new();
    for i in 0..4u32 {
        let label = if i.is_multiple_of(2) { "even" } else { "odd" };
        ids.push(
            api.publish_id(
                &sink.at("/bc"),
                &[("Upstash-Delay", "1h"), ("Upstash-Label", label)],
                "x",
            )
            .await,
        );
    }
    let r = api.call("DELETE", "/v2/messages?label=even", &[], "").await;
    assert_eq!(r.json()["cancelled"], 2);
    assert_eq!(
        api.get(&format!("/v2/messages/{}", ids[0])).await.status,
        404
    );
    let m = api.get(&format!("/v2/messages/{}", ids[1])).await.json();
    assert_eq!(m["label"], "odd");
    assert_eq!(m["labels"][0], "odd");
    let r = api.call("DELETE", "/v2/messages", &[], "").await;
    assert_eq!(r.json()["cancelled"], 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn message_fields_labels_and_redaction() {
    let srv = start_server().await;
    let sink = Sink::start().await;
    let api = srv.api();
    let id = api
        .publish_id(
            &sink.at("/r"),
            &[
                ("Upstash-Delay", "1h"),
                ("Upstash-Label", "a,b"),
                ("Upstash-Redact-Fields", "body, header[Authorization]"),
                ("Upstash-Forward-Authorization", "Bearer secret"),
                ("Upstash-Forward-X-Plain", "visible"),
                ("Content-Type", "application/json"),
            ],
            r#"{"secret":1}"#,
        )
        .await;
    let m = api.get(&format!("/v2/messages/{id}")).await.json();
    assert_eq!(m["labels"], serde_json::json!(["a", "b"]));
    assert_eq!(m["label"], "a");
    assert!(m["body"].as_str().expect("body").starts_with("REDACTED:"));
    assert!(m["header"]["Authorization"][0]
        .as_str()
        .expect("auth")
        .starts_with("REDACTED:"));
    assert_eq!(m["header"]["X-Plain"][0], "visible");
    assert_eq!(m["header"]["Content-Type"][0], "application/json");
    assert_eq!(m["maxRetries"], 3);
    assert_eq!(m["method"], "POST");
    let logs = api.events_of(&id).await;
    assert!(logs[0]["body"]
        .as_str()
        .expect("log body")
        .starts_with("REDACTED:"));
    let v = api.get("/v2/logs?label=b").await.json();
    assert_eq!(v["logs"].as_array().map(|a| a.len()), Some(1));
    let v = api.get("/v2/logs?label=zzz").await.json();
    assert_eq!(v["logs"].as_array().map(|a| a.len()), Some(0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn url_group_fans_out_one_message_per_endpoint() {
    let srv = start_server().await;
    let sink = Sink::start().await;
    let api = srv.api();
    let body = serde_json::json!({"endpoints": [
        {"name": "one", "url": sink.at("/e1")},
        {"url": sink.at("/e2")},
    ]});
    let r = api
        .call(
            "POST",
            "/v2/topics/grp/endpoints",
            &[("Content-Type", "application/json")],
            body.to_string(),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let v = api.publish("grp", &[], "fan").await;
    let arr = v.as_array().expect("array response");
    assert_eq!(arr.len(), 2);
    let e1 = sink.wait_for("/e1", 1, WAIT).await;
    let e2 = sink.wait_for("/e2", 1, WAIT).await;
    assert_eq!(e1[0].header("upstash-topic-name"), "grp");
    assert_eq!(e2[0].header("upstash-topic-name"), "grp");
    assert_ne!(
        e1[0].header("upstash-message-id"),
        e2[0].header("upstash-message-id")
    );
    verify_signature(
        &e1[0].header("upstash-signature"),
        KEY,
        &sink.at("/e1"),
        b"fan",
    );
    let ev = api
        .events_of(arr[0]["messageId"].as_str().expect("id"))
        .await;
    assert_eq!(ev[0]["topicName"], "grp");
    let g = api.get("/v2/topics/grp").await.json();
    assert_eq!(g["endpoints"][0]["name"], "one");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dlq_retry_republishes_with_overrides() {
    let srv = start_server().await;
    let sink = Sink::start().await;
    sink.respond(|r| {
        if r.index == 0 {
            Reply::status(500)
        } else {
            Reply::ok()
        }
    });
    let api = srv.api();
    api.publish_id(&sink.at("/dr"), &[("Upstash-Retries", "0")], "again")
        .await;
    let dlq_id = eventually("dlq", WAIT, || {
        let api = api.clone();
        async move {
            let v = api.get("/v2/dlq").await.json();
            v["messages"][0]["dlqId"].as_str().map(|s| s.to_string())
        }
    })
    .await;
    let r = api
        .call(
            "POST",
            &format!("/v2/dlq/retry/{dlq_id}"),
            &[("Upstash-Retries", "2")],
            "",
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let new_id = r.json()["messageId"].as_str().expect("id").to_string();
    let got = sink.wait_for("/dr", 2, WAIT).await;
    assert_eq!(&got[1].body[..], b"again");
    assert_eq!(got[1].header("upstash-message-id"), new_id);
    assert_eq!(api.get(&format!("/v2/dlq/{dlq_id}")).await.status, 404);
    let _ = Duration::ZERO;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn users_are_isolated_and_keys_rotate() {
    let srv = start_server().await;
    let sink = Sink::start().await;
    let a = srv.api();
    let b = srv.api_as(2);
    let id = a
        .publish_id(&sink.at("/u"), &[("Upstash-Delay", "1h")], "x")
        .await;
    assert_eq!(b.get(&format!("/v2/messages/{id}")).await.status, 404);
    assert_eq!(a.get(&format!("/v2/messages/{id}")).await.status, 200);
    let k = b.get("/v2/keys").await.json();
    assert_eq!(k["current"], "sig_7GVPjvuwsfqF65iC8fSrs1dfYruM");
    let r = b.call("POST", "/v2/keys/rotate", &[], "").await.json();
    assert_eq!(r["current"], "sig_5NoELc3EFnZn4DVS5bDs2Nk4b7Ua");
    let next = r["next"].as_str().expect("next");
    assert!(next.starts_with("sig_") && next.len() == 32, "{next}");
    // Deliveries of user 2 are now signed with the new current key.
    b.publish_id(&sink.at("/u2"), &[], "z").await;
    let got = sink.wait_for("/u2", 1, WAIT).await;
    verify_signature(
        &got[0].header("upstash-signature"),
        "sig_5NoELc3EFnZn4DVS5bDs2Nk4b7Ua",
        &sink.at("/u2"),
        b"z",
    );
    // User 1 unchanged.
    assert_eq!(a.get("/v2/keys").await.json()["current"], KEY);
}
