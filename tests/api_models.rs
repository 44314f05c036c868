//! Wire models read the server's JSON (shapes from the official OpenAPI and the JS types,
//! reference §3–§4) and write it back unchanged.

use qstash_wasm::model::{
    CancelResponse, DlqMessage, FlowControlInfo, GlobalParallelism, Keys, Log, LogState, Message,
    PublishResponse, PublishResult, Queue, Schedule, UrlGroup,
};
use serde::{de::DeserializeOwned, Serialize};
use serde_json::{json, Value};

/// Parses `v` as `T` and checks that writing it back gives the same JSON.
fn round_trip<T: DeserializeOwned + Serialize>(v: Value) -> T {
    let t: T = serde_json::from_value(v.clone()).expect("parses");
    assert_eq!(serde_json::to_value(&t).unwrap(), v, "round trip");
    t
}

#[test]
fn message() {
    let m: Message = round_trip(json!({
        "messageId": "msg_1", "url": "https://e.com", "topicName": "g", "endpointName": "e",
        "queueName": "q", "scheduleId": "s", "method": "POST",
        "header": {"Content-Type": ["application/json"]}, "body": "{}", "maxRetries": 3,
        "retryDelayExpression": "1000", "notBefore": 1700000000000i64, "createdAt": 1699999999000i64,
        "callback": "https://cb", "failureCallback": "https://f", "callerIP": "1.2.3.4",
        "flowControlKey": "k", "parallelism": 2, "rate": 10, "period": 60,
        "label": "a", "labels": ["a", "b"]
    }));
    assert_eq!(m.url_group(), Some("g"));
    assert_eq!(m.header.unwrap()["Content-Type"], ["application/json"]);
    // The JS spelling `callerIp` is accepted too.
    let m: Message =
        serde_json::from_value(json!({"messageId": "m", "callerIp": "5.6.7.8"})).unwrap();
    assert_eq!(m.caller_ip.as_deref(), Some("5.6.7.8"));
}

#[test]
fn dlq_message_flattens_message() {
    let d: DlqMessage = round_trip(json!({
        "messageId": "m", "url": "u", "createdAt": 1, "dlqId": "d1", "responseStatus": 500,
        "responseHeader": {"X": ["1"]}, "responseBody": "boom"
    }));
    assert_eq!(
        (d.dlq_id.as_str(), d.message.message_id.as_str()),
        ("d1", "m")
    );
}

#[test]
fn publish_results() {
    let one: PublishResult =
        serde_json::from_value(json!({"messageId": "m", "deduplicated": true})).unwrap();
    assert_eq!(
        one,
        PublishResult::One(PublishResponse {
            message_id: "m".into(),
            url: None,
            deduplicated: Some(true)
        })
    );
    let many: Vec<PublishResult> = serde_json::from_value(json!([
        {"messageId": "a"},
        [{"messageId": "b", "url": "x"}, {"messageId": "c", "url": "y"}]
    ]))
    .unwrap();
    assert_eq!(many[1].message_ids(), ["b", "c"]);
    let _: CancelResponse = round_trip(json!({"cancelled": 3}));
}

#[test]
fn schedule_queue_group_flow_keys() {
    let s: Schedule = round_trip(json!({
        "scheduleId": "scd", "cron": "* * * * *", "createdAt": 1, "destination": "https://e.com",
        "method": "POST", "retries": 3, "isPaused": false, "delay": 10,
        "lastScheduleStates": {"msg_1": "SUCCESS"}, "nextScheduleTime": 2, "labels": ["x"]
    }));
    assert_eq!(s.last_schedule_states.unwrap()["msg_1"], "SUCCESS");
    let _: Queue = round_trip(
        json!({"createdAt": 1, "updatedAt": 2, "name": "q", "parallelism": 1, "lag": 0, "paused": true}),
    );
    let g: UrlGroup = round_trip(
        json!({"createdAt": 1, "updatedAt": 2, "name": "g", "endpoints": [{"name": "a", "url": "https://a"}, {"url": "https://b"}]}),
    );
    assert_eq!(g.endpoints[1].url.as_deref(), Some("https://b"));
    let _: FlowControlInfo = round_trip(json!({
        "flowControlKey": "k", "waitListSize": 1, "parallelismMax": 2, "parallelismCount": 1,
        "rateMax": 10, "rateCount": 3, "ratePeriod": 60, "ratePeriodStart": 1700000000,
        "isPaused": false, "isPinnedParallelism": true, "isPinnedRate": false
    }));
    let _: GlobalParallelism = round_trip(json!({"parallelismMax": 5, "parallelismCount": 0}));
    let _: Keys = round_trip(json!({"current": "sig_a", "next": "sig_b"}));
}

#[test]
fn log_states() {
    for (s, state) in [
        ("CREATED", LogState::Created),
        ("CANCELED", LogState::Canceled),
        ("CANCEL_REQUESTED", LogState::CancelRequested),
        ("IN_PROGRESS", LogState::InProgress),
    ] {
        let l: Log = round_trip(json!({"time": 1, "state": s, "messageId": "m", "url": "u"}));
        assert_eq!(l.state, state);
    }
}
