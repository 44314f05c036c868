//! Exercises `qstash_wasm::client` through the real global `fetch` and reports what it got;
//! `run.mjs` checks the report and what the recording server received.

use std::cell::RefCell;
use std::rc::Rc;

use qstash_wasm::api::filter::{BulkRequest, BulkSelect, Filter};
use qstash_wasm::api::{PublishRequest, RetryPolicy};
use qstash_wasm::client::{Client, ClientConfig};
use qstash_wasm::ErrorKind;
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;

fn e(err: qstash_wasm::Error) -> JsValue {
    JsValue::from_str(&format!("{err} ({:?})", err.kind()))
}

fn client(base: &str) -> Result<Client, JsValue> {
    Client::new(ClientConfig {
        base_url: Some(base.into()),
        token: Some("tok".into()),
        retry: Some(RetryPolicy::disabled()),
        headers: Some([("X-Global", "g")].into_iter().collect()),
        ..Default::default()
    })
    .map_err(e)
}

/// Runs every call and returns a JSON report.
#[wasm_bindgen]
pub async fn run_suite(base: String) -> Result<String, JsValue> {
    let c = client(&base)?;
    let mut report = serde_json::Map::new();

    let sent = c
        .publish(PublishRequest {
            url: Some("https://example.com/hook".into()),
            body: Some("hello".into()),
            delay: Some(2.5.into()),
            label: Some(["a", "b"].into()),
            ..Default::default()
        })
        .await
        .map_err(e)?;
    report.insert("publish".into(), json!(sent.message_ids()));

    let sent = c
        .publish_json(
            PublishRequest {
                url_group: Some("grp".into()),
                ..Default::default()
            },
            &json!({"k": [1, 2]}),
        )
        .await
        .map_err(e)?;
    report.insert("publishJson".into(), json!(sent.message_ids()));

    let batch = c
        .batch(vec![
            PublishRequest {
                url: Some("https://example.com/1".into()),
                body: Some("1".into()),
                queue_name: Some("q".into()),
                ..Default::default()
            },
            PublishRequest {
                url_group: Some("grp".into()),
                ..Default::default()
            },
        ])
        .await
        .map_err(e)?;
    report.insert(
        "batch".into(),
        json!(batch.iter().map(|r| r.message_ids()).collect::<Vec<_>>()),
    );

    let m = c.messages().get("m1").await.map_err(e)?;
    report.insert(
        "message".into(),
        json!([m.message_id, m.url_group(), m.rate_per_second]),
    );
    let cancelled = c
        .messages()
        .cancel(&BulkRequest::Select(BulkSelect {
            filter: Some(Filter::new().label(["x", "y"]).url("https://a.com")),
            ..Default::default()
        }))
        .await
        .map_err(e)?;
    report.insert("cancelled".into(), json!(cancelled.cancelled));
    let none = c
        .messages()
        .cancel(&BulkRequest::Ids(vec![]))
        .await
        .map_err(e)?;
    report.insert("cancelledNone".into(), json!(none.cancelled));

    let retried = c
        .dlq()
        .retry(&BulkRequest::Ids(vec!["d1".into(), "d2".into()]))
        .await
        .map_err(e)?;
    report.insert(
        "dlqRetry".into(),
        json!([retried.cursor, retried.responses.len()]),
    );

    let logs = c.logs(&Default::default()).await.map_err(e)?;
    report.insert(
        "logs".into(),
        json!([logs.logs.len(), logs.logs[0].url_group.clone()]),
    );

    c.queue("q1").upsert(&Default::default()).await.map_err(e)?;
    c.schedules().pause("scd_1").await.map_err(e)?;
    let keys = c.keys().get().await.map_err(e)?;
    report.insert("keys".into(), json!([keys.current, keys.next]));

    // Errors: a 429 with burst headers, a 500 with a body, an empty-id guard.
    let err = c.url_groups().get("limited").await.unwrap_err();
    report.insert(
        "rateLimited".into(),
        json!([err.is_rate_limited(), err.status(), err.to_string()]),
    );
    let err = c.url_groups().get("broken").await.unwrap_err();
    report.insert("apiError".into(), json!([err.status(), err.to_string()]));
    let err = c.url_groups().get("").await.unwrap_err();
    report.insert("emptyId".into(), json!(err.to_string()));

    // A per-attempt timeout aborts a hanging request; it counts as a network failure.
    let slow = Client::new(ClientConfig {
        base_url: Some(base.clone()),
        token: Some("tok".into()),
        retry: Some(RetryPolicy::disabled()),
        timeout_ms: Some(200),
        ..Default::default()
    })
    .map_err(e)?;
    let err = slow.url_groups().get("slow").await.unwrap_err();
    report.insert(
        "timeout".into(),
        json!(matches!(err.kind(), ErrorKind::Network(_))),
    );

    // Network failures are retried `attempts` times with the backoff hook.
    let seen = Rc::new(RefCell::new(Vec::<u32>::new()));
    let seen2 = seen.clone();
    let down = Client::new(ClientConfig {
        base_url: Some("http://127.0.0.1:9".into()),
        token: Some("tok".into()),
        retry: Some(RetryPolicy { attempts: 2 }),
        backoff: Some(Rc::new(move |i| {
            seen2.borrow_mut().push(i);
            1.0
        })),
        ..Default::default()
    })
    .map_err(e)?;
    let err = down.keys().get().await.unwrap_err();
    report.insert(
        "down".into(),
        json!([err.is_network(), seen.borrow().clone()]),
    );

    // The transport hands a raw JS body to fetch untouched (the JS facade's Blob/stream path).
    let t = qstash_wasm::transport::Transport::new(qstash_wasm::transport::TransportConfig::new(
        base.clone(),
        "tok",
    ));
    let req = qstash_wasm::api::publish::publish(
        c.context(),
        PublishRequest {
            url: Some("https://example.com/raw".into()),
            body: Some("ignored".into()),
            ..Default::default()
        },
    )
    .map_err(e)?;
    let raw = js_sys::Uint8Array::from(&[0u8, 255, 1, 128][..]);
    let resp = t.send(&req, Some(&raw.into())).await.map_err(e)?;
    report.insert("raw".into(), json!(resp.status));

    Ok(Value::Object(report).to_string())
}
