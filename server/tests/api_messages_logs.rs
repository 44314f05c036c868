//! Messages (`GET|DELETE /v2/messages/{id}`, bulk `DELETE /v2/messages`) and logs
//! (`GET /v2/events`, `GET /v2/logs`) over real HTTP.

mod support;

use serde_json::json;
use support::{eventually, start_server, Sink, WAIT};

async fn delayed(api: &support::Api, url: &str, extra: &[(&str, &str)]) -> String {
    let mut h = vec![("Upstash-Delay", "1h")];
    h.extend_from_slice(extra);
    api.publish_id(url, &h, "later").await
}

#[tokio::test]
async fn get_and_cancel_one_message() {
    let server = start_server().await;
    let sink = Sink::start().await;
    let api = server.api();
    let id = delayed(&api, &sink.at("/m"), &[]).await;
    let r = api.get(&format!("/v2/messages/{id}")).await;
    assert_eq!(r.status, 200);
    let m = r.json();
    for field in [
        "messageId",
        "url",
        "method",
        "maxRetries",
        "notBefore",
        "createdAt",
    ] {
        assert!(m.get(field).is_some(), "{field} always present: {m}");
    }
    assert_eq!(m["maxRetries"], 3);

    let r = api
        .call("DELETE", &format!("/v2/messages/{id}"), &[], "")
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json(), json!({"cancelled": 1}));
    assert_eq!(api.get(&format!("/v2/messages/{id}")).await.status, 404);
    assert_eq!(
        api.call("DELETE", &format!("/v2/messages/{id}"), &[], "")
            .await
            .status,
        404
    );
    // Another user cannot see user 1's messages.
    let other = delayed(&api, &sink.at("/m"), &[]).await;
    assert_eq!(
        server
            .api_as(2)
            .get(&format!("/v2/messages/{other}"))
            .await
            .status,
        404
    );
    server.stop().await;
}

#[tokio::test]
async fn bulk_cancel_by_ids_body_filters_and_all() {
    let server = start_server().await;
    let sink = Sink::start().await;
    let api = server.api();
    let mut ids = Vec::new();
    for _ in 0..4 {
        ids.push(delayed(&api, &sink.at("/bulk"), &[]).await);
    }
    // Repeated and comma-separated messageIds.
    let r = api
        .call(
            "DELETE",
            &format!(
                "/v2/messages?messageIds={}&messageIds={},{}",
                ids[0], ids[1], ids[2]
            ),
            &[],
            "",
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json(), json!({"cancelled": 3}));
    // JSON body (the Python SDK's form).
    let r = api
        .call(
            "DELETE",
            "/v2/messages",
            &[("Content-Type", "application/json")],
            json!({"messageIds": [ids[3]]}).to_string(),
        )
        .await;
    assert_eq!(r.json(), json!({"cancelled": 1}));

    // Filters: label, url. `count` is ignored (as QStash now does): every match is cancelled.
    for _ in 0..3 {
        delayed(&api, &sink.at("/lab"), &[("Upstash-Label", "red")]).await;
    }
    let blue = delayed(&api, &sink.at("/lab"), &[("Upstash-Label", "blue")]).await;
    let r = api
        .call("DELETE", "/v2/messages?label=red&count=2", &[], "")
        .await;
    assert_eq!(r.json(), json!({"cancelled": 3}));
    let r = api.call("DELETE", "/v2/messages?label=red", &[], "").await;
    assert_eq!(r.json(), json!({"cancelled": 0}));
    assert_eq!(api.get(&format!("/v2/messages/{blue}")).await.status, 200);
    let url = sink.at("/lab");
    let r = api
        .call(
            "DELETE",
            &format!("/v2/messages?url={}", urlencode(&url)),
            &[],
            "",
        )
        .await;
    assert_eq!(r.json(), json!({"cancelled": 1}));

    // No filter: everything.
    delayed(&api, &sink.at("/all"), &[]).await;
    delayed(&api, &sink.at("/all"), &[]).await;
    let r = api.call("DELETE", "/v2/messages", &[], "").await;
    assert_eq!(r.json(), json!({"cancelled": 2}));
    server.stop().await;
}

fn urlencode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

#[tokio::test]
async fn logs_shapes_filters_and_pagination() {
    let server = start_server().await;
    let sink = Sink::start().await;
    let api = server.api();
    let id = api
        .publish_id(&sink.at("/logged"), &[("Upstash-Label", "lg")], "x")
        .await;
    sink.wait_for("/logged", 1, WAIT).await;
    let states = eventually("DELIVERED log", WAIT, || {
        let api = api.clone();
        let id = id.clone();
        async move {
            let s = api.states_of(&id).await;
            s.contains(&"DELIVERED".to_string()).then_some(s)
        }
    })
    .await;
    assert_eq!(states.first().map(String::as_str), Some("CREATED"));

    // /v2/events: `events` only; /v2/logs: both arrays. No cursor on the last page.
    let ev = api.get(&format!("/v2/events?messageId={id}")).await;
    assert_eq!(ev.status, 200, "{}", ev.text);
    let ev = ev.json();
    assert!(
        ev["events"].is_array() && ev.get("logs").is_none() && ev.get("cursor").is_none(),
        "{ev}"
    );
    let lg = api.get(&format!("/v2/logs?messageId={id}")).await.json();
    assert_eq!(lg["logs"], lg["events"]);
    let e = &lg["logs"][0];
    assert_eq!(e["messageId"], id.as_str());
    assert!(e["time"].is_i64());
    assert_eq!(e["url"], sink.at("/logged"));
    assert_eq!(e["labels"], json!(["lg"]));
    // Newest first by default, oldest first on request.
    assert_eq!(e["state"], "DELIVERED");
    let early = api
        .get(&format!("/v2/logs?messageId={id}&order=earliestFirst"))
        .await
        .json();
    assert_eq!(early["logs"][0]["state"], "CREATED");

    // State filters, including the IN_PROGRESS pseudo-state and the SDK's CANCELED spelling.
    let delivered = api
        .get(&format!("/v2/logs?messageId={id}&state=DELIVERED"))
        .await
        .json();
    assert!(delivered["logs"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["state"] == "DELIVERED"));
    assert_eq!(api.get("/v2/logs?state=IN_PROGRESS").await.status, 200);
    assert_eq!(api.get("/v2/logs?state=CANCELED").await.status, 200);
    let by_label = api.get("/v2/events?label=lg").await.json();
    assert!(!by_label["events"].as_array().unwrap().is_empty());
    assert!(api.get("/v2/events?label=none").await.json()["events"]
        .as_array()
        .unwrap()
        .is_empty());

    // Pagination: count=1 walks every event, the last page has no cursor.
    let total = api.events_of(&id).await.len();
    assert!(total >= 3, "CREATED, ACTIVE, DELIVERED at least");
    let mut seen = 0;
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("/v2/logs?messageId={id}&count=1");
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={}", urlencode(c)));
        }
        let page = api.get(&path).await.json();
        seen += page["logs"].as_array().unwrap().len();
        match page.get("cursor") {
            Some(c) => {
                assert_ne!(c, "", "an empty cursor is never sent");
                cursor = c.as_str().map(String::from);
            }
            None => break,
        }
        assert!(seen <= total, "pagination overran");
    }
    assert_eq!(seen, total);
    server.stop().await;
}
