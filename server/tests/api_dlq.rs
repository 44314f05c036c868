//! The dead-letter queue over real HTTP: list/get/delete (one, many, filter, all) and retry
//! (single 201 `{messageId}`, bulk 201 `{cursor: "", responses}`) with override headers.

mod support;

use serde_json::{json, Value};
use support::{eventually, start_server, Reply, Sink, WAIT};

/// Publishes `n` messages with no retries to the failing `/fail…` path and waits until all
/// are in the DLQ; returns the DLQ entries for that URL.
async fn fill_dlq(api: &support::Api, sink: &Sink, path: &str, n: usize) -> Vec<Value> {
    for i in 0..n {
        api.publish_id(
            &sink.at(path),
            &[("Upstash-Retries", "0"), ("Upstash-Label", "dl")],
            format!("body-{i}"),
        )
        .await;
    }
    wait_dlq(api, &sink.at(path), |msgs| msgs.len() >= n).await
}

/// Waits until the DLQ entries for `url` satisfy `done`; returns them.
async fn wait_dlq(api: &support::Api, url: &str, done: impl Fn(&[Value]) -> bool) -> Vec<Value> {
    let url = url::form_urlencoded::byte_serialize(url.as_bytes()).collect::<String>();
    eventually("DLQ entries", WAIT, || {
        let api = api.clone();
        let url = url.clone();
        let msgs_ok = &done;
        async move {
            let v = api.get(&format!("/v2/dlq?url={url}")).await.json();
            let msgs = v["messages"].as_array().cloned().unwrap_or_default();
            msgs_ok(&msgs).then_some(msgs)
        }
    })
    .await
}

fn failing_sink(sink: &Sink) {
    sink.respond(|r| {
        if r.path.starts_with("/fail") {
            Reply::status(500).body("boom").header("X-Why", "testing")
        } else {
            Reply::ok()
        }
    });
}

#[tokio::test]
async fn list_and_get_dlq_messages() {
    let server = start_server().await;
    let sink = Sink::start().await;
    failing_sink(&sink);
    let api = server.api();
    let msgs = fill_dlq(&api, &sink, "/fail/a", 2).await;
    let m = &msgs[0];
    assert!(m["dlqId"].as_str().unwrap().contains('-'), "{m}");
    assert_eq!(m["responseStatus"], 500);
    assert_eq!(m["responseBody"], "boom");
    assert_eq!(m["responseHeader"]["X-Why"], json!(["testing"]));
    assert_eq!(m["url"], sink.at("/fail/a"));
    assert_eq!(m["maxRetries"], 0);
    assert!(m["body"].as_str().unwrap().starts_with("body-"));

    let all = api.get("/v2/dlq").await;
    assert_eq!(all.status, 200);
    let all = all.json();
    assert!(
        all.get("cursor").is_none(),
        "no cursor on the last page: {all}"
    );
    assert_eq!(all["messages"].as_array().unwrap().len(), 2);

    // Paging with count=1 yields a cursor, then the rest without one.
    let p1 = api.get("/v2/dlq?count=1").await.json();
    assert_eq!(p1["messages"].as_array().unwrap().len(), 1);
    let c = p1["cursor"].as_str().expect("cursor on a non-last page");
    let p2 = api.get(&format!("/v2/dlq?count=1&cursor={c}")).await.json();
    assert_eq!(p2["messages"].as_array().unwrap().len(), 1);
    assert_ne!(p2["messages"][0]["dlqId"], p1["messages"][0]["dlqId"]);

    let id = m["dlqId"].as_str().unwrap();
    let one = api.get(&format!("/v2/dlq/{id}")).await;
    assert_eq!(one.status, 200, "{}", one.text);
    assert_eq!(one.json()["dlqId"], id);

    // Filters.
    let f = api.get("/v2/dlq?responseStatus=500&label=dl").await.json();
    assert_eq!(f["messages"].as_array().unwrap().len(), 2);
    let f = api.get("/v2/dlq?responseStatus=404").await.json();
    assert!(f["messages"].as_array().unwrap().is_empty());
    let f = api.get(&format!("/v2/dlq?dlqIds={id}")).await.json();
    assert_eq!(f["messages"].as_array().unwrap().len(), 1);
    // Other users see nothing.
    assert!(server.api_as(3).get("/v2/dlq").await.json()["messages"]
        .as_array()
        .unwrap()
        .is_empty());
    server.stop().await;
}

#[tokio::test]
async fn delete_one_many_filter_all() {
    let server = start_server().await;
    let sink = Sink::start().await;
    failing_sink(&sink);
    let api = server.api();
    let msgs = fill_dlq(&api, &sink, "/fail/d", 5).await;
    let ids: Vec<&str> = msgs.iter().map(|m| m["dlqId"].as_str().unwrap()).collect();

    let r = api
        .call("DELETE", &format!("/v2/dlq/{}", ids[0]), &[], "")
        .await;
    assert_eq!((r.status, r.text.as_str()), (200, ""));
    assert_eq!(
        api.call("DELETE", &format!("/v2/dlq/{}", ids[0]), &[], "")
            .await
            .status,
        404
    );

    let r = api
        .call(
            "DELETE",
            &format!("/v2/dlq?dlqIds={}&dlqIds={}", ids[1], ids[2]),
            &[],
            "",
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json(), json!({"deleted": 2}));

    let r = api
        .call(
            "DELETE",
            "/v2/dlq",
            &[],
            json!({"dlqIds": [ids[3]]}).to_string(),
        )
        .await;
    assert_eq!(r.json(), json!({"deleted": 1}));

    let r = api.call("DELETE", "/v2/dlq?label=nomatch", &[], "").await;
    assert_eq!(r.json(), json!({"deleted": 0}));
    let r = api.call("DELETE", "/v2/dlq?count=100", &[], "").await;
    assert_eq!(r.json(), json!({"deleted": 1}));
    assert!(api.get("/v2/dlq").await.json()["messages"]
        .as_array()
        .unwrap()
        .is_empty());
    server.stop().await;
}

#[tokio::test]
async fn retry_single_and_bulk_with_overrides() {
    let server = start_server().await;
    let sink = Sink::start().await;
    failing_sink(&sink);
    let api = server.api();
    let msgs = fill_dlq(&api, &sink, "/fail/r", 3).await;
    let id0 = msgs[0]["dlqId"].as_str().unwrap().to_string();

    // Single retry with overrides: new message, entry removed.
    let r = api
        .call(
            "POST",
            &format!("/v2/dlq/retry/{id0}"),
            &[("Upstash-Retries", "2"), ("Upstash-Delay", "1h")],
            "",
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
    let new_id = r.json()["messageId"]
        .as_str()
        .expect("messageId")
        .to_string();
    assert!(new_id.starts_with("msg_"));
    assert_eq!(api.get(&format!("/v2/dlq/{id0}")).await.status, 404);
    let m = api.get(&format!("/v2/messages/{new_id}")).await;
    assert_eq!(m.status, 200, "{}", m.text);
    let m = m.json();
    assert_eq!(m["maxRetries"], 2, "override applied");
    assert_eq!(m["body"], msgs[0]["body"]);

    // Bulk retry: 201 with `cursor: ""` when done.
    let r = api.call("POST", "/v2/dlq/retry?label=dl", &[], "").await;
    assert_eq!(r.status, 201, "{}", r.text);
    let v = r.json();
    assert_eq!(v["cursor"], "");
    assert_eq!(v["responses"].as_array().unwrap().len(), 2);
    for x in v["responses"].as_array().unwrap() {
        assert!(x["messageId"].as_str().unwrap().starts_with("msg_"));
    }
    // The retried messages fail again (retries 0 kept) and come back to the DLQ.
    let retried: Vec<Value> = v["responses"].as_array().unwrap().clone();
    wait_dlq(&api, &sink.at("/fail/r"), |back| {
        retried
            .iter()
            .all(|r| back.iter().any(|m| m["messageId"] == r["messageId"]))
    })
    .await;
    // Retrying nothing is fine too.
    let r = api
        .call("POST", "/v2/dlq/retry?label=nomatch", &[], "")
        .await;
    assert_eq!(r.status, 201);
    assert_eq!(r.json(), json!({"cursor": "", "responses": []}));
    server.stop().await;
}

/// A destination that answers every request with a chunked 500 written by hand, so the
/// response really carries `Transfer-Encoding: chunked` on the wire.
async fn chunked_failing_destination() -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut conn, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut seen = Vec::new();
                let mut buf = [0u8; 4096];
                // The request body is small and sent with the head; wait for the blank line
                // plus whatever Content-Length announces.
                loop {
                    let Ok(n) = conn.read(&mut buf).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    seen.extend_from_slice(&buf[..n]);
                    let text = String::from_utf8_lossy(&seen).to_string();
                    if let Some(end) = text.find("\r\n\r\n") {
                        let len = text[..end]
                            .lines()
                            .find_map(|l| {
                                let (k, v) = l.split_once(':')?;
                                k.eq_ignore_ascii_case("content-length")
                                    .then(|| v.trim().parse::<usize>().ok())?
                            })
                            .unwrap_or(0);
                        if seen.len() >= end + 4 + len {
                            break;
                        }
                    }
                }
                let reply = "HTTP/1.1 500 Internal Server Error\r\nTransfer-Encoding: chunked\r\n\
                             X-Why: chunked\r\nConnection: close\r\n\r\n4\r\nboom\r\n0\r\n\r\n";
                let _ = conn.write_all(reply.as_bytes()).await;
                let _ = conn.shutdown().await;
            });
        }
    });
    url
}

#[tokio::test]
async fn dlq_response_headers_leave_out_transfer_encoding() {
    let server = start_server().await;
    let api = server.api();
    let dest = format!("{}/chunked", chunked_failing_destination().await);
    api.publish_id(&dest, &[("Upstash-Retries", "0")], "x")
        .await;
    let msgs = wait_dlq(&api, &dest, |m| !m.is_empty()).await;
    let m = &msgs[0];
    assert_eq!(m["responseStatus"], 500, "{m}");
    assert_eq!(
        m["responseBody"], "boom",
        "the chunked body is decoded: {m}"
    );
    assert_eq!(m["responseHeader"]["X-Why"], json!(["chunked"]), "{m}");
    let names: Vec<&String> = m["responseHeader"].as_object().unwrap().keys().collect();
    assert!(
        !names
            .iter()
            .any(|k| k.eq_ignore_ascii_case("transfer-encoding")),
        "framing headers are not part of the answer: {names:?}"
    );
}
