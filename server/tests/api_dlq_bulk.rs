//! Bulk DLQ deletes over a DLQ larger than one delete batch: `DELETE /v2/dlq` without
//! `count` works through every match in bounded batches and reports them all as one call;
//! with `count` it stops there and hands out a cursor, as before.

mod support;

use qstash_server::model::{HeaderMap, LogState};
use qstash_server::store::dlq::LastResponse;
use qstash_server::store::messages::{self, StoredMessage};
use qstash_server::store::{dlq, logs};
use serde_json::Value;
use std::collections::BTreeSet;
use support::{start_server, Api};

/// Entries written: more than two delete batches (500).
const ENTRIES: usize = 1_300;

fn message(i: usize, now: i64) -> StoredMessage {
    StoredMessage {
        id: format!("msg_bulk{i:05}"),
        user: 1,
        url: format!("http://127.0.0.1:9/{}", i % 3),
        method: "POST".into(),
        timeout_ms: 1000,
        not_before_ms: now,
        created_ms: now,
        labels: vec![if i % 2 == 1 { "odd" } else { "even" }.to_string()],
        queue: i.is_multiple_of(10).then(|| "tens".to_string()),
        ..Default::default()
    }
}

/// Writes `ENTRIES` failed messages with their DLQ entries, as the delivery worker would.
async fn fill(server: &support::TestServer) {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("time")
        .as_millis() as i64;
    server
        .app
        .store()
        .write(move |c| {
            for i in 0..ENTRIES {
                let m = message(i, now);
                messages::insert(c, &m, format!("body {i}").as_bytes(), now)?;
                logs::insert(c, 1, &m.id, now, LogState::Failed, None)?;
                messages::finish(c, &m.id, messages::status::FAILED, now)?;
                let resp = LastResponse {
                    status: 500,
                    headers: HeaderMap::new(),
                    body: b"boom".to_vec(),
                };
                dlq::insert(
                    c,
                    1,
                    &format!("dlq_bulk{i:05}"),
                    &m.id,
                    now + i as i64,
                    &resp,
                )?;
            }
            Ok(())
        })
        .await
        .expect("fill");
}

/// Every DLQ id left, through the paged listing.
async fn all_ids(api: &Api) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    let mut cursor = String::new();
    loop {
        let r = api
            .get(&format!("/v2/dlq?count=1000&cursor={cursor}"))
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        let v = r.json();
        for m in v["messages"].as_array().cloned().unwrap_or_default() {
            ids.insert(m["dlqId"].as_str().unwrap_or_default().to_string());
        }
        match v["cursor"].as_str() {
            Some(c) if !c.is_empty() => cursor = c.to_string(),
            _ => return ids,
        }
    }
}

fn expected(keep: impl Fn(usize) -> bool) -> BTreeSet<String> {
    (0..ENTRIES)
        .filter(|i| keep(*i))
        .map(|i| format!("dlq_bulk{i:05}"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bulk_delete_without_count_removes_every_match_in_batches() {
    let server = start_server().await;
    let api = server.api();
    fill(&server).await;
    assert_eq!(all_ids(&api).await, expected(|_| true));

    // 650 matches: two batches and a part.
    let r = api.call("DELETE", "/v2/dlq?label=odd", &[], "").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.json(), serde_json::json!({ "deleted": 650 }));
    assert_eq!(all_ids(&api).await, expected(|i| i.is_multiple_of(2)));

    // With `count`: at most that many, and a cursor that goes on after the last one.
    let r = api
        .call("DELETE", "/v2/dlq?queueName=tens&count=7", &[], "")
        .await;
    let v = r.json();
    assert_eq!(v["deleted"], 7, "{v}");
    let cursor = v["cursor"].as_str().expect("cursor").to_string();
    let r = api
        .call(
            "DELETE",
            &format!("/v2/dlq?queueName=tens&count=1000&cursor={cursor}"),
            &[],
            "",
        )
        .await;
    let v = r.json();
    assert_eq!(v["deleted"], 123, "{v}");
    assert!(v.get("cursor").is_none(), "{v}");
    assert_eq!(
        all_ids(&api).await,
        expected(|i| i.is_multiple_of(2) && !i.is_multiple_of(10))
    );

    // Ids in the body, more than fit one SQL list, some already gone.
    let ids: Vec<String> = (0..400).map(|i| format!("dlq_bulk{i:05}")).collect();
    let r = api
        .call(
            "DELETE",
            "/v2/dlq",
            &[("Content-Type", "application/json")],
            serde_json::json!({ "dlqIds": ids }).to_string(),
        )
        .await;
    assert_eq!(r.json(), serde_json::json!({ "deleted": 160 }));
    assert_eq!(
        all_ids(&api).await,
        expected(|i| i >= 400 && i.is_multiple_of(2) && !i.is_multiple_of(10))
    );

    // Everything left, newest first.
    let r = api
        .call("DELETE", "/v2/dlq?order=latestFirst", &[], "")
        .await;
    assert_eq!(r.json(), serde_json::json!({ "deleted": 360 }));
    assert!(all_ids(&api).await.is_empty());
    let v: Value = api.get("/v2/dlq").await.json();
    assert_eq!(v, serde_json::json!({ "messages": [] }));
}
