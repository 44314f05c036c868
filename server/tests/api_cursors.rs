//! Cursors on every paged endpoint: a cursor the server did not hand out is a 400
//! `invalid cursor …` (never silently "from the start", and never acted upon: a bulk delete
//! or retry with a bad cursor touches nothing); an empty `cursor=` and no cursor both mean the
//! first page; the cursors the server hands out page through everything exactly once.

mod support;

use serde_json::Value;
use std::collections::HashSet;
use support::{eventually, start_server, Api, Reply, Sink, WAIT};

/// Values no paged endpoint may accept as a cursor.
const BAD: &[&str] = &[
    "abc",
    "-1",
    "+5",
    "1.5",
    "1e3",
    "0x10",
    " 12",
    "12 ",
    "99999999999999999999",
    "1725323658779-0",
    "%00",
];

fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// A 400 whose error starts with `invalid cursor`.
fn assert_bad_cursor(r: &support::ApiResponse, what: &str) {
    assert_eq!(r.status, 400, "{what}: {}", r.text);
    let e = r.json()["error"].as_str().unwrap_or_default().to_string();
    assert!(e.starts_with("invalid cursor"), "{what}: {e}");
}

async fn dlq_ids(api: &Api) -> HashSet<String> {
    let v = api.get("/v2/dlq?count=1000").await.json();
    v["messages"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|m| m["dlqId"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// Pages through `path` (which already has a query) collecting `key` of each item of `list`.
async fn page_all(api: &Api, path: &str, list: &str, key: &str) -> (Vec<String>, usize) {
    let mut seen = Vec::new();
    let mut cursor = String::new();
    let mut pages = 0;
    loop {
        let r = api.get(&format!("{path}&cursor={}", enc(&cursor))).await;
        assert_eq!(r.status, 200, "{path} page {pages}: {}", r.text);
        let v = r.json();
        pages += 1;
        for it in v[list].as_array().cloned().unwrap_or_default() {
            seen.push(it[key].as_str().unwrap_or_default().to_string());
        }
        match v["cursor"].as_str() {
            Some(c) => {
                assert!(!c.is_empty(), "an empty cursor is omitted, not sent");
                cursor = c.to_string();
            }
            None => return (seen, pages),
        }
        assert!(pages < 100, "paging never ends");
    }
}

#[tokio::test]
async fn logs_and_events_reject_bad_cursors_and_page_with_good_ones() {
    let server = start_server().await;
    let api = server.api();
    for i in 0..7 {
        api.publish_id(
            "http://127.0.0.1:9/never",
            &[("Upstash-Delay", "1h"), ("Upstash-Label", "cur")],
            format!("{i}"),
        )
        .await;
    }
    for path in ["/v2/logs", "/v2/events"] {
        for bad in BAD {
            let r = api.get(&format!("{path}?cursor={}", enc(bad))).await;
            assert_bad_cursor(&r, &format!("{path} cursor {bad:?}"));
        }
        // With other filters too, and in either order.
        let r = api
            .get(&format!("{path}?label=cur&order=earliestFirst&cursor=zz"))
            .await;
        assert_bad_cursor(&r, path);
        // Empty and absent both mean the first page.
        let first = api.get(&format!("{path}?label=cur&count=3")).await.json();
        let empty = api
            .get(&format!("{path}?label=cur&count=3&cursor="))
            .await
            .json();
        assert_eq!(first, empty, "{path}: cursor= is the first page");
        // The SDK docs' `cursor = Date.now()` is a number: accepted (latest first: the start).
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock")
            .as_millis();
        let r = api
            .get(&format!("{path}?label=cur&count=3&cursor={now}"))
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        assert_eq!(r.json()["events"], first["events"]);
        for order in ["latestFirst", "earliestFirst"] {
            let (seen, pages) = page_all(
                &api,
                &format!("{path}?label=cur&count=3&order={order}"),
                "events",
                "messageId",
            )
            .await;
            assert_eq!(seen.len(), 7, "{path} {order}: {seen:?}");
            assert_eq!(seen.iter().collect::<HashSet<_>>().len(), 7);
            assert_eq!(pages, 3, "{path} {order}");
        }
    }
    server.stop().await;
}

async fn fill_dlq(api: &Api, sink: &Sink, n: usize) -> HashSet<String> {
    for i in 0..n {
        api.publish_id(
            &sink.at("/fail"),
            &[("Upstash-Retries", "0")],
            format!("{i}"),
        )
        .await;
    }
    eventually("DLQ filled", WAIT, || {
        let api = api.clone();
        async move {
            let ids = dlq_ids(&api).await;
            (ids.len() >= n).then_some(ids)
        }
    })
    .await
}

#[tokio::test]
async fn dlq_endpoints_reject_bad_cursors_and_touch_nothing() {
    let server = start_server().await;
    let sink = Sink::start().await;
    sink.respond(|_| Reply::status(500));
    let api = server.api();
    let ids = fill_dlq(&api, &sink, 5).await;

    for bad in BAD {
        let q = format!("cursor={}", enc(bad));
        assert_bad_cursor(&api.get(&format!("/v2/dlq?{q}")).await, "list");
        let r = api.call("DELETE", &format!("/v2/dlq?{q}"), &[], "").await;
        assert_bad_cursor(&r, "bulk delete");
        let r = api
            .call("DELETE", &format!("/v2/dlq?count=2&{q}"), &[], "")
            .await;
        assert_bad_cursor(&r, "bulk delete with count");
        let r = api
            .call("POST", &format!("/v2/dlq/retry?{q}"), &[], "")
            .await;
        assert_bad_cursor(&r, "bulk retry");
        let body = format!(r#"{{"dlqIds":["{}"]}}"#, ids.iter().next().expect("id"));
        let r = api.call("DELETE", &format!("/v2/dlq?{q}"), &[], body).await;
        assert_bad_cursor(&r, "bulk delete by ids");
    }
    assert_eq!(
        dlq_ids(&api).await,
        ids,
        "a refused request changed the DLQ"
    );

    // Listing pages through everything once, with empty and server-issued cursors.
    let (seen, pages) = page_all(&api, "/v2/dlq?count=2", "messages", "dlqId").await;
    assert_eq!(seen.iter().cloned().collect::<HashSet<_>>(), ids);
    assert_eq!((seen.len(), pages), (5, 3));

    // Bulk delete: `cursor=` is the start; its cursor continues where it stopped.
    let r = api.call("DELETE", "/v2/dlq?count=2&cursor=", &[], "").await;
    assert_eq!(r.status, 200, "{}", r.text);
    let v: Value = r.json();
    assert_eq!(v["deleted"], 2);
    let c = v["cursor"]
        .as_str()
        .expect("cursor while more match")
        .to_string();
    let r = api
        .call("DELETE", &format!("/v2/dlq?count=2&cursor={c}"), &[], "")
        .await;
    assert_eq!(r.json()["deleted"], 2, "{}", r.text);
    assert_eq!(dlq_ids(&api).await.len(), 1);

    // Bulk retry with `cursor=` retries from the start and reports "" when done.
    let r = api.call("POST", "/v2/dlq/retry?cursor=", &[], "").await;
    assert_eq!(r.status, 201, "{}", r.text);
    let v = r.json();
    assert_eq!(v["responses"].as_array().map(Vec::len), Some(1), "{v}");
    assert_eq!(v["cursor"], "");
    server.stop().await;
}
