//! Publish family over real HTTP: `/v2/publish`, `/v2/enqueue`, `/v2/batch` — response
//! shapes and status codes, destination parsing, header forwarding, dedup, URL-group fan-out.

mod support;

use qstash_server::app::USERS;
use serde_json::{json, Value};
use support::{start_server, verify_signature, Sink, WAIT};

#[tokio::test]
async fn publish_to_url_delivers_signed_request_with_forwarded_headers() {
    let server = start_server().await;
    let sink = Sink::start().await;
    let api = server.api();
    let url = sink.at("/hook?x=1");
    let r = api
        .call(
            "POST",
            &format!("/v2/publish/{url}"),
            &[
                ("Content-Type", "text/plain"),
                ("Upstash-Method", "put"),
                ("Upstash-Forward-x-custom", "abc"),
                ("upstash-forward-Upstash-Workflow-Sdk-Version", "1"),
                ("X-Not-Forwarded", "no"),
            ],
            "hello",
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let v = r.json();
    let id = v["messageId"].as_str().expect("messageId").to_string();
    assert!(id.starts_with("msg_"));
    assert_eq!(v["url"], url.as_str());
    assert!(v.get("deduplicated").is_none(), "omitted when false: {v}");

    let got = sink.wait_for("/hook", 1, WAIT).await;
    let d = &got[0];
    assert_eq!(d.method, "PUT");
    assert_eq!(d.path, "/hook?x=1");
    assert_eq!(&d.body[..], b"hello");
    assert_eq!(d.header("content-type"), "text/plain");
    assert_eq!(d.header("x-custom"), "abc");
    assert_eq!(d.header("upstash-workflow-sdk-version"), "1");
    assert_eq!(d.header("x-not-forwarded"), "");
    assert_eq!(d.header("upstash-message-id"), id);
    assert_eq!(d.header("upstash-retried"), "0");
    verify_signature(
        &d.header("upstash-signature"),
        USERS[0].current_key,
        &url,
        b"hello",
    );
    server.stop().await;
}

#[tokio::test]
async fn destination_forms_and_query_config() {
    let server = start_server().await;
    let sink = Sink::start().await;
    let api = server.api();
    let port_url = sink.url.trim_start_matches("http://").to_string();

    // Collapsed slashes (`http:/host`) are restored.
    let r = api
        .call("POST", &format!("/v2/publish/http:/{port_url}/a"), &[], "")
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["url"], format!("http://{port_url}/a"));

    // Percent-encoded destinations are decoded once.
    let enc = format!("http%3A%2F%2F{}%2Fb%3Fq%3D1", port_url.replace(':', "%3A"));
    let r = api
        .call("POST", &format!("/v2/publish/{enc}"), &[], "")
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json()["url"], format!("http://{port_url}/b?q=1"));

    // `upstash-*` query parameters configure the message and are stripped from the URL;
    // other parameters stay in it.
    let r = api
        .call(
            "POST",
            &format!(
                "/v2/publish/{}?a=1&upstash-retries=0&upstash-delay=1h&Upstash-Label=l1&b=2",
                sink.at("/c")
            ),
            &[],
            "",
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let v = r.json();
    assert_eq!(v["url"], sink.at("/c?a=1&b=2"));
    let m = api
        .get(&format!(
            "/v2/messages/{}",
            v["messageId"].as_str().unwrap()
        ))
        .await;
    assert_eq!(m.status, 200, "{}", m.text);
    let m = m.json();
    assert_eq!(m["maxRetries"], 0);
    assert_eq!(m["labels"], json!(["l1"]));
    assert!(m["notBefore"].as_i64().unwrap() >= m["createdAt"].as_i64().unwrap() + 3_599_000);

    // `?qstash_token=` authenticates and is not part of the destination.
    let http = reqwest::Client::new();
    let res = http
        .post(format!(
            "{}/v2/publish/{}?qstash_token={}",
            server.url,
            sink.at("/d"),
            USERS[0].token
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let v: Value = res.json().await.unwrap();
    assert_eq!(v["url"], sink.at("/d"));
    server.stop().await;
}

#[tokio::test]
async fn message_echoes_every_publish_option() {
    let server = start_server().await;
    let sink = Sink::start().await;
    let api = server.api();
    let id = api
        .publish_id(
            &sink.at("/echo"),
            &[
                ("Content-Type", "application/json"),
                ("Upstash-Forward-Bypass-Tunnel-Reminder", "1"),
                ("Upstash-Not-Before", "4102444800"), // 2100-01-01
                ("Upstash-Delay", "10s"),
                ("Upstash-Retries", "2"),
                ("Upstash-Retry-Delay", "pow(2, retried) * 1000"),
                ("Upstash-Timeout", "30s"),
                ("Upstash-Callback", "https://cb.example.com/ok"),
                ("Upstash-Failure-Callback", "https://cb.example.com/fail"),
                ("Upstash-Label", "a,b"),
                ("Upstash-Flow-Control-Key", "fck"),
                ("Upstash-Flow-Control-Value", "parallelism=3"),
                ("Upstash-Method", "PATCH"),
            ],
            r#"{"a":1}"#,
        )
        .await;
    let r = api.get(&format!("/v2/messages/{id}")).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let m = r.json();
    assert_eq!(m["messageId"], id.as_str());
    assert_eq!(m["url"], sink.at("/echo"));
    assert_eq!(m["method"], "PATCH");
    assert_eq!(m["body"], r#"{"a":1}"#);
    assert_eq!(m["header"]["Bypass-Tunnel-Reminder"], json!(["1"]));
    assert_eq!(m["header"]["Content-Type"], json!(["application/json"]));
    assert_eq!(
        m["notBefore"], 4_102_444_800_000i64,
        "Not-Before wins over Delay"
    );
    assert_eq!(m["maxRetries"], 2);
    assert_eq!(m["retryDelayExpression"], "pow(2, retried) * 1000");
    assert_eq!(m["callback"], "https://cb.example.com/ok");
    assert_eq!(m["failureCallback"], "https://cb.example.com/fail");
    assert_eq!(m["label"], "a");
    assert_eq!(m["labels"], json!(["a", "b"]));
    assert_eq!(m["flowControlKey"], "fck");
    assert_eq!(m["parallelism"], 3);
    assert_eq!(m["period"], 1, "period defaults to 1s");
    assert!(m.get("rate").is_none());
    assert!(m["createdAt"].as_i64().is_some());
    server.stop().await;
}

#[tokio::test]
async fn redacted_fields_are_hidden_in_the_api_but_delivered() {
    let server = start_server().await;
    let sink = Sink::start().await;
    let api = server.api();
    let url = sink.at("/redact");
    let id = api
        .publish_id(
            &url,
            &[
                ("Upstash-Redact-Fields", "body, headers[Authorization]"),
                ("Upstash-Forward-Authorization", "Bearer secret"),
                ("Upstash-Forward-X-Open", "visible"),
                ("Upstash-Delay", "1h"),
            ],
            "secret body",
        )
        .await;
    let m = api.get(&format!("/v2/messages/{id}")).await.json();
    assert!(m["body"].as_str().unwrap().starts_with("REDACTED:"), "{m}");
    let auth = m["header"]["Authorization"][0].as_str().unwrap();
    assert!(auth.starts_with("REDACTED:"), "{m}");
    assert_eq!(m["header"]["X-Open"], json!(["visible"]));
    server.stop().await;
}

#[tokio::test]
async fn header_forward_forwards_plain_headers_but_not_authorization() {
    let server = start_server().await;
    let sink = Sink::start().await;
    let api = server.api();
    api.publish(
        &sink.at("/fwd"),
        &[("Upstash-Header-Forward", "true"), ("X-Plain", "p")],
        "",
    )
    .await;
    let d = &sink.wait_for("/fwd", 1, WAIT).await[0];
    assert_eq!(d.header("x-plain"), "p");
    assert!(!d.header("authorization").contains(USERS[0].token));
    server.stop().await;
}

#[tokio::test]
async fn deduplication_returns_202_and_the_original_id() {
    let server = start_server().await;
    let sink = Sink::start().await;
    let api = server.api();
    let path = format!("/v2/publish/{}", sink.at("/dup"));
    let h = [("Upstash-Deduplication-Id", "same")];
    let a = api.call("POST", &path, &h, "x").await;
    assert_eq!(a.status, 200, "{}", a.text);
    let b = api.call("POST", &path, &h, "x").await;
    assert_eq!(b.status, 202, "{}", b.text);
    assert_eq!(b.json()["messageId"], a.json()["messageId"]);
    assert_eq!(b.json()["deduplicated"], true);

    let h = [("Upstash-Content-Based-Deduplication", "TRUE")];
    let a = api.call("POST", &path, &h, "body-1").await;
    let b = api.call("POST", &path, &h, "body-1").await;
    let c = api.call("POST", &path, &h, "body-2").await;
    assert_eq!((a.status, b.status, c.status), (200, 202, 200));
    assert_eq!(b.json()["messageId"], a.json()["messageId"]);
    assert_ne!(c.json()["messageId"], a.json()["messageId"]);
    server.stop().await;
}

#[tokio::test]
async fn url_group_publish_returns_an_array_and_fans_out() {
    let server = start_server().await;
    let sink = Sink::start().await;
    let api = server.api();
    let body = json!({"endpoints": [
        {"name": "one", "url": sink.at("/g1")},
        {"url": sink.at("/g2")},
    ]});
    let r = api
        .call("POST", "/v2/topics/grp/endpoints", &[], body.to_string())
        .await;
    assert_eq!((r.status, r.text.as_str()), (200, ""));
    let r = api
        .call(
            "POST",
            "/v2/publish/grp",
            &[("Upstash-Deduplication-Id", "g-dedup")],
            "fan",
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let v = r.json();
    let arr = v.as_array().expect("array for a URL group");
    assert_eq!(arr.len(), 2);
    let urls: Vec<&str> = arr.iter().map(|x| x["url"].as_str().unwrap()).collect();
    assert!(urls.contains(&sink.at("/g1").as_str()) && urls.contains(&sink.at("/g2").as_str()));
    sink.wait_for("/g1", 1, WAIT).await;
    let d2 = &sink.wait_for("/g2", 1, WAIT).await[0];
    assert_eq!(d2.header("upstash-topic-name"), "grp");
    verify_signature(
        &d2.header("upstash-signature"),
        USERS[0].current_key,
        &sink.at("/g2"),
        b"fan",
    );

    let again = api
        .call(
            "POST",
            "/v2/publish/grp",
            &[("Upstash-Deduplication-Id", "g-dedup")],
            "fan",
        )
        .await;
    assert_eq!(again.status, 202, "{}", again.text);
    assert!(again
        .json()
        .as_array()
        .unwrap()
        .iter()
        .all(|x| x["deduplicated"] == true));
    server.stop().await;
}

#[tokio::test]
async fn enqueue_creates_the_queue_and_tags_messages() {
    let server = start_server().await;
    let sink = Sink::start().await;
    let api = server.api();
    let r = api
        .call(
            "POST",
            &format!("/v2/enqueue/my-queue/{}", sink.at("/q")),
            &[("Upstash-Delay", "1h")],
            "queued",
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let id = r.json()["messageId"].as_str().unwrap().to_string();
    let m = api.get(&format!("/v2/messages/{id}")).await.json();
    assert_eq!(m["queueName"], "my-queue");
    let q = api.get("/v2/queues/my-queue").await;
    assert_eq!(q.status, 200, "{}", q.text);
    assert_eq!(q.json()["name"], "my-queue");
    server.stop().await;
}

#[tokio::test]
async fn batch_results_are_aligned_with_per_item_errors() {
    let server = start_server().await;
    let sink = Sink::start().await;
    let api = server.api();
    let r = api
        .call(
            "POST",
            "/v2/topics/bg/endpoints",
            &[],
            json!({"endpoints": [{"url": sink.at("/bg1")}, {"url": sink.at("/bg2")}]}).to_string(),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let items = json!([
        {"destination": sink.at("/b1"), "headers": {"content-type": "text/plain", "upstash-forward-x-n": "1"}, "body": "one"},
        {"destination": "ftp://nope", "body": "bad"},
        {"destination": "bg", "body": "group"},
        {"destination": sink.at("/b4"), "queue": "batch-q", "headers": {"upstash-method": "PUT"}},
        {"destination": sink.at("/b5"), "headers": {"upstash-retries": "x"}},
    ]);
    let r = api.call("POST", "/v2/batch", &[], items.to_string()).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let v = r.json();
    let arr = v.as_array().expect("array");
    assert_eq!(arr.len(), 5);
    assert!(arr[0]["messageId"].as_str().unwrap().starts_with("msg_"));
    assert_eq!(arr[0]["url"], sink.at("/b1"));
    assert!(
        arr[1]["error"].as_str().unwrap().contains("invalid scheme"),
        "{v}"
    );
    assert_eq!(
        arr[2].as_array().expect("nested array for a group").len(),
        2
    );
    assert!(arr[3]["messageId"].is_string());
    assert!(
        arr[4]["error"]
            .as_str()
            .unwrap()
            .contains("Upstash-Retries"),
        "{v}"
    );

    let d1 = &sink.wait_for("/b1", 1, WAIT).await[0];
    assert_eq!(d1.header("x-n"), "1");
    assert_eq!(d1.header("content-type"), "text/plain");
    assert_eq!(&d1.body[..], b"one");
    sink.wait_for("/bg1", 1, WAIT).await;
    sink.wait_for("/bg2", 1, WAIT).await;
    let d4 = &sink.wait_for("/b4", 1, WAIT).await[0];
    assert_eq!(d4.method, "PUT");
    assert_eq!(api.get("/v2/queues/batch-q").await.status, 200);

    // A single item still answers with an array.
    let r = api
        .call(
            "POST",
            "/v2/batch",
            &[],
            json!([{"destination": sink.at("/b6")}]).to_string(),
        )
        .await;
    assert_eq!(r.json().as_array().map(Vec::len), Some(1));
    server.stop().await;
}

#[tokio::test]
async fn batch_items_are_applied_in_input_order() {
    // A dedup id repeated within one batch: the first item is the original, every later one
    // is the duplicate. Repeated a few times, since concurrent application made it a coin toss.
    let server = start_server().await;
    let sink = Sink::start().await;
    let api = server.api();
    for round in 0..5 {
        let id = format!("batch-dd-{round}");
        let item = json!({"destination": sink.at("/dd"), "headers": {"upstash-deduplication-id": id, "upstash-delay": "1h"}, "body": "x"});
        let items = json!([item, item, item]);
        let r = api.call("POST", "/v2/batch", &[], items.to_string()).await;
        assert_eq!(r.status, 200, "{}", r.text);
        let v = r.json();
        let arr = v.as_array().expect("array");
        assert_eq!(arr[0].get("deduplicated"), None, "round {round}: {v}");
        assert_eq!(arr[1]["deduplicated"], true, "round {round}: {v}");
        assert_eq!(arr[2]["deduplicated"], true, "round {round}: {v}");
        assert_eq!(arr[1]["messageId"], arr[0]["messageId"], "{v}");
    }
    server.stop().await;
}
