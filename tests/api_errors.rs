//! Response classification (reference §1.6, official `getResponseError`) and the response
//! reshapes (§3.6–§3.11).

use qstash_wasm::api::{classify_response, finish, finish_text, ResponseShape};
use qstash_wasm::error::{RateLimit, RateLimitKind};
use qstash_wasm::ErrorKind;
use serde_json::json;

fn headers(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
    move |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.to_string())
    }
}

#[test]
fn success_statuses_pass() {
    for s in [200, 201, 202, 204, 299] {
        assert!(classify_response(s, headers(&[]), "").is_ok());
    }
}

#[test]
fn errors_keep_the_raw_body() {
    let e = classify_response(400, headers(&[]), "{\"error\":\"bad\"}").unwrap_err();
    assert_eq!(e.status(), Some(400));
    assert_eq!(e.to_string(), "{\"error\":\"bad\"}");
    assert_eq!(e.js_class_name(), "QstashError");
    let e = classify_response(503, headers(&[]), "").unwrap_err();
    assert_eq!(e.to_string(), "Error: status=503");
    // 1xx and 3xx are outside 200-299 too.
    assert!(classify_response(302, headers(&[]), "").is_err());
    assert!(!e.is_rate_limited());
}

#[test]
fn burst_rate_limit() {
    let e = classify_response(
        429,
        headers(&[
            ("Burst-RateLimit-Limit", "100"),
            ("Burst-RateLimit-Remaining", "0"),
            ("Burst-RateLimit-Reset", "1700000000"),
        ]),
        "ignored body",
    )
    .unwrap_err();
    assert!(e.is_rate_limited());
    assert_eq!(e.status(), Some(429));
    assert_eq!(e.js_class_name(), "QstashRatelimitError");
    assert_eq!(
        e.to_string(),
        r#"Exceeded burst rate limit. {"limit":"100","remaining":"0","reset":"1700000000"}"#
    );
    let ErrorKind::RateLimited(rl) = e.kind() else {
        panic!()
    };
    assert_eq!(rl.kind(), RateLimitKind::Burst);
    // No headers at all → burst with nulls.
    let e = classify_response(429, headers(&[]), "").unwrap_err();
    assert_eq!(
        e.to_string(),
        r#"Exceeded burst rate limit. {"limit":null,"remaining":null,"reset":null}"#
    );
}

#[test]
fn daily_rate_limit() {
    let e = classify_response(
        429,
        headers(&[("RateLimit-Limit", "500"), ("RateLimit-Reset", "9")]),
        "",
    )
    .unwrap_err();
    assert_eq!(e.js_class_name(), "QstashDailyRatelimitError");
    assert_eq!(
        e.kind(),
        &ErrorKind::RateLimited(RateLimit::Daily {
            limit: Some("500".into()),
            remaining: None,
            reset: Some("9".into())
        })
    );
    assert_eq!(
        e.to_string(),
        r#"Exceeded daily rate limit. {"limit":"500","remaining":null,"reset":"9"}"#
    );
}

#[test]
fn chat_rate_limit_wins_over_daily() {
    let e = classify_response(
        429,
        headers(&[
            ("x-ratelimit-limit-requests", "10"),
            ("x-ratelimit-reset-tokens", "1s"),
            ("RateLimit-Limit", "500"),
        ]),
        "",
    )
    .unwrap_err();
    assert_eq!(e.js_class_name(), "QstashChatRatelimitError");
    assert_eq!(
        e.to_string(),
        r#"Exceeded chat rate limit. {"limit-requests":"10","limit-tokens":null,"remaining-requests":null,"remaining-tokens":null,"reset-requests":null,"reset-tokens":"1s"}"#
    );
}

#[test]
fn empty_header_value_does_not_select_a_family() {
    // `headers.get(x)` is "" → falsy in JS.
    let e = classify_response(429, headers(&[("RateLimit-Limit", "")]), "").unwrap_err();
    assert_eq!(e.js_class_name(), "QstashRatelimitError");
}

#[test]
fn message_reshape() {
    let v = finish(
        &ResponseShape::Message,
        Some(json!({"messageId": "m", "topicName": "g", "rate": 5})),
    )
    .unwrap();
    assert_eq!(
        v,
        Some(
            json!({"messageId": "m", "topicName": "g", "rate": 5, "urlGroup": "g", "ratePerSecond": 5})
        )
    );
    let v = finish(&ResponseShape::Message, Some(json!({"messageId": "m"}))).unwrap();
    assert_eq!(v, Some(json!({"messageId": "m"})));
}

#[test]
fn dlq_list_reshape() {
    let body = r#"{"messages":[{"dlqId":"d","topicName":"g"}],"cursor":"c"}"#;
    let v = finish_text(&ResponseShape::DlqList, body).unwrap();
    assert_eq!(
        v,
        Some(
            json!({"messages": [{"dlqId": "d", "topicName": "g", "urlGroup": "g"}], "cursor": "c"})
        )
    );
}

#[test]
fn logs_reshape() {
    let body =
        r#"{"cursor":"1","events":[{"messageId":"m","topicName":"t","state":"CREATED","time":1}]}"#;
    let v = finish_text(&ResponseShape::Logs, body).unwrap().unwrap();
    let log =
        json!({"messageId": "m", "topicName": "t", "state": "CREATED", "time": 1, "urlGroup": "t"});
    assert_eq!(
        v,
        json!({"cursor": "1", "logs": [log.clone()], "events": [log]})
    );
    let v = finish_text(&ResponseShape::Logs, r#"{"events":[]}"#)
        .unwrap()
        .unwrap();
    assert_eq!(v, json!({"logs": [], "events": []}));
}

#[test]
fn schedule_reshapes() {
    let v = finish(
        &ResponseShape::ScheduleList,
        Some(json!([{"rate": 2}, {"cron": "x"}])),
    )
    .unwrap();
    assert_eq!(
        v,
        Some(json!([{"rate": 2, "ratePerSecond": 2}, {"cron": "x"}]))
    );
}

#[test]
fn batch_and_cursor_and_parallelism() {
    let v = finish(
        &ResponseShape::BatchArray,
        Some(json!({"messageId": "only"})),
    )
    .unwrap();
    assert_eq!(v, Some(json!([{"messageId": "only"}])));
    let v = finish(
        &ResponseShape::BatchArray,
        Some(json!([[{"messageId": "a"}], {"messageId": "b"}])),
    )
    .unwrap();
    assert_eq!(v, Some(json!([[{"messageId": "a"}], {"messageId": "b"}])));
    let v = finish(
        &ResponseShape::NormalizeCursor,
        Some(json!({"cursor": "", "responses": [{"messageId": "x"}]})),
    )
    .unwrap();
    assert_eq!(v, Some(json!({"responses": [{"messageId": "x"}]})));
    let v = finish(
        &ResponseShape::NormalizeCursor,
        Some(json!({"cursor": "k", "responses": []})),
    )
    .unwrap();
    assert_eq!(v, Some(json!({"cursor": "k", "responses": []})));
    let v = finish(
        &ResponseShape::GlobalParallelism,
        Some(json!({"parallelismMax": 10})),
    )
    .unwrap();
    assert_eq!(
        v,
        Some(json!({"parallelismMax": 10, "parallelismCount": 0}))
    );
}

#[test]
fn ignored_and_fixed_bodies_are_not_parsed() {
    assert_eq!(
        finish_text(&ResponseShape::Ignore, "not json").unwrap(),
        None
    );
    assert_eq!(
        finish_text(&ResponseShape::Fixed(json!({"deleted": 1})), "").unwrap(),
        Some(json!({"deleted": 1}))
    );
    let e = finish_text(&ResponseShape::Json, "not json").unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Decode(_)));
}

#[test]
fn typed_models_read_reshaped_values() {
    use qstash_wasm::model::{DlqListResponse, LogsResponse, Message};
    let v = finish(&ResponseShape::Message, Some(json!({"messageId": "m", "url": "u", "createdAt": 5, "topicName": "g", "callerIP": "1.2.3.4", "rate": 3}))).unwrap().unwrap();
    let m: Message = serde_json::from_value(v).unwrap();
    assert_eq!(
        (m.url_group(), m.caller_ip.as_deref(), m.rate_per_second),
        (Some("g"), Some("1.2.3.4"), Some(3))
    );
    let v = finish_text(&ResponseShape::DlqList, r#"{"messages":[{"dlqId":"d","messageId":"m","url":"u","createdAt":1,"responseStatus":500}]}"#).unwrap().unwrap();
    let l: DlqListResponse = serde_json::from_value(v).unwrap();
    assert_eq!(
        (
            l.messages[0].dlq_id.as_str(),
            l.messages[0].response_status,
            l.messages[0].message.message_id.as_str()
        ),
        ("d", Some(500), "m")
    );
    let v = finish_text(
        &ResponseShape::Logs,
        r#"{"events":[{"time":1,"state":"SOMETHING_NEW","messageId":"m","url":"u"}]}"#,
    )
    .unwrap()
    .unwrap();
    let l: LogsResponse = serde_json::from_value(v).unwrap();
    assert_eq!(
        l.logs[0].state,
        qstash_wasm::model::LogState::Other("SOMETHING_NEW".into())
    );
}

#[test]
fn error_is_send_sync_static() {
    fn assert<T: Send + Sync + 'static + std::error::Error>() {}
    assert::<qstash_wasm::Error>();
}

#[test]
fn signature_failures_convert() {
    use qstash_wasm::signing::{Verifier, VerifyOptions};
    let v = Verifier::new("sig_a", "sig_b");
    let ve = v
        .verify("not-a-jwt", b"", &VerifyOptions::at(1_700_000_000))
        .unwrap_err();
    let message = ve.to_string();
    let e = qstash_wasm::Error::from(ve);
    assert!(e.is_signature());
    assert_eq!(e.js_class_name(), "SignatureError");
    assert_eq!(e.to_string(), message);
    assert!(std::error::Error::source(&e).is_some());
    assert_eq!(e.status(), None);
}

proptest::proptest! {
    /// The hand-written escaping of the rate-limit message agrees with serde_json (which writes
    /// strings exactly as `JSON.stringify` does) for any value, control characters included.
    #[test]
    fn rate_limit_args_are_json_stringify(
        limit in proptest::option::of("[\\x00-\\x7f\u{80}-\u{10ffff}]{0,12}"),
        reset in proptest::option::of("\\PC{0,6}[\\x00-\\x1f\"\\\\]{0,4}"),
    ) {
        let rl = RateLimit::Burst { limit: limit.clone(), remaining: None, reset: reset.clone() };
        let expected = format!(
            "{{\"limit\":{},\"remaining\":null,\"reset\":{}}}",
            serde_json::to_string(&limit).unwrap(),
            serde_json::to_string(&reset).unwrap()
        );
        proptest::prop_assert_eq!(rl.args_json(), expected);
    }
}
