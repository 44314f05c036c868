//! Malformed requests get the right 4xx with a JSON `{"error"}` naming the problem, and the
//! server stays up (a good request still works afterwards). No case may produce a 5xx.

mod support;

use qstash_server::app::USERS;
use support::{start_server, Sink};

/// One malformed request and what it must produce.
struct Case {
    name: &'static str,
    method: &'static str,
    path: String,
    headers: Vec<(String, Vec<u8>)>,
    body: Vec<u8>,
    /// `None`: no Authorization header; `Some(t)`: `Bearer t`.
    token: Option<String>,
    status: u16,
    /// Must appear in the `error` message (case-insensitive).
    needle: &'static str,
}

fn case(name: &'static str, method: &'static str, path: impl Into<String>) -> Case {
    Case {
        name,
        method,
        path: path.into(),
        headers: Vec::new(),
        body: Vec::new(),
        token: Some(USERS[0].token.to_string()),
        status: 400,
        needle: "",
    }
}

impl Case {
    fn h(mut self, k: &str, v: &str) -> Case {
        self.headers.push((k.to_string(), v.as_bytes().to_vec()));
        self
    }
    fn raw_h(mut self, k: &str, v: &[u8]) -> Case {
        self.headers.push((k.to_string(), v.to_vec()));
        self
    }
    fn body(mut self, b: impl Into<Vec<u8>>) -> Case {
        self.body = b.into();
        self
    }
    fn token(mut self, t: Option<&str>) -> Case {
        self.token = t.map(String::from);
        self
    }
    fn expect(mut self, status: u16, needle: &'static str) -> Case {
        self.status = status;
        self.needle = needle;
        self
    }
}

fn cases(sink: &str) -> Vec<Case> {
    let ok = format!("{sink}/ok");
    let publish = format!("/v2/publish/{ok}");
    let fc = |v: &str| {
        case("flow control value", "POST", publish.clone())
            .h("Upstash-Flow-Control-Key", "k")
            .h("Upstash-Flow-Control-Value", v)
    };
    let hdr = |name: &'static str, k: &str, v: &str| case(name, "POST", publish.clone()).h(k, v);
    let cron = |v: &str| case("cron", "POST", format!("/v2/schedules/{ok}")).h("Upstash-Cron", v);
    let queue = |b: &str| case("queue body", "POST", "/v2/queues").body(b.to_string());
    let endpoints =
        |b: &str| case("endpoints body", "POST", "/v2/topics/grp/endpoints").body(b.to_string());
    vec![
        // ── authentication ──
        case("no token", "GET", "/v2/keys")
            .token(None)
            .expect(401, "missing token"),
        case("bad token", "GET", "/v2/keys")
            .token(Some("nope"))
            .expect(401, "invalid token"),
        case("basic auth", "GET", "/v2/keys")
            .token(None)
            .h("Authorization", "Basic dTpw")
            .expect(401, "invalid Authorization header"),
        case("bad query token", "GET", "/v2/keys?qstash_token=nope")
            .token(None)
            .expect(401, "invalid token"),
        case("no token on publish", "POST", publish.clone())
            .token(None)
            .expect(401, "token"),
        // ── destinations ──
        case("ftp scheme", "POST", "/v2/publish/ftp://example.com/x").expect(400, "invalid scheme"),
        case(
            "host:port without scheme",
            "POST",
            "/v2/publish/localhost:3000/api",
        )
        .expect(400, "add http:// or https://"),
        case(
            "host/path without scheme",
            "POST",
            "/v2/publish/example.com/path",
        )
        .expect(400, "invalid scheme"),
        case("bad group name", "POST", "/v2/publish/bad%20group").expect(400, "URL group name"),
        case("url without host", "POST", "/v2/publish/https://").expect(400, "destination"),
        case("non-UTF-8 destination", "POST", "/v2/publish/%ff%fe").expect(400, "UTF-8"),
        case("unknown URL group", "POST", "/v2/publish/no-such-group").expect(404, "no-such-group"),
        // ── publish headers ──
        hdr("method", "Upstash-Method", "TRACE").expect(400, "Upstash-Method"),
        hdr("negative retries", "Upstash-Retries", "-1").expect(400, "Upstash-Retries"),
        hdr("text retries", "Upstash-Retries", "three").expect(400, "Upstash-Retries"),
        hdr("too many retries", "Upstash-Retries", "1000").expect(400, "maximum"),
        hdr("retries over the payg quota", "Upstash-Retries", "6")
            .expect(412, "retries limit exceeded"),
        hdr(
            "callback retries over the payg quota",
            "Upstash-Callback-Retries",
            "6",
        )
        .h("Upstash-Callback", &ok)
        .expect(412, "Upstash-Callback-Retries"),
        hdr("bad delay unit", "Upstash-Delay", "5x").expect(400, "Upstash-Delay"),
        hdr("delay too long", "Upstash-Delay", "400d").expect(400, "maximum delay"),
        hdr("zero timeout", "Upstash-Timeout", "0s").expect(400, "Upstash-Timeout"),
        hdr("text timeout", "Upstash-Timeout", "soon").expect(400, "Upstash-Timeout"),
        hdr("not-before text", "Upstash-Not-Before", "tomorrow").expect(400, "Upstash-Not-Before"),
        hdr(
            "retry-delay unknown var",
            "Upstash-Retry-Delay",
            "retries * 2",
        )
        .expect(400, "unknown identifier \"retries\""),
        hdr("retry-delay arity", "Upstash-Retry-Delay", "pow(2)")
            .expect(400, "Upstash-Retry-Delay"),
        hdr("retry-delay operator", "Upstash-Retry-Delay", "1 ^ 2")
            .expect(400, "unexpected character"),
        hdr(
            "retry-delay nesting",
            "Upstash-Retry-Delay",
            &format!("{}1{}", "(".repeat(300), ")".repeat(300)),
        )
        .expect(400, "nested deeper"),
        hdr(
            "retry-delay huge",
            "Upstash-Retry-Delay",
            &"1+".repeat(40_000),
        )
        .expect(400, "longer than"),
        hdr("callback scheme", "Upstash-Callback", "ftp://x.com").expect(400, "Upstash-Callback"),
        hdr("callback not a url", "Upstash-Callback", "not a url").expect(400, "Upstash-Callback"),
        hdr(
            "failure callback without host",
            "Upstash-Failure-Callback",
            "https://",
        )
        .expect(400, "Upstash-Failure-Callback"),
        hdr("callback retries", "Upstash-Callback-Retries", "many")
            .expect(400, "Upstash-Callback-Retries"),
        hdr("callback delay", "Upstash-Callback-Delay", "5s").expect(400, "delayed callbacks"),
        hdr(
            "content dedup",
            "Upstash-Content-Based-Deduplication",
            "yes",
        )
        .expect(400, "Upstash-Content-Based-Deduplication"),
        hdr("redact", "Upstash-Redact-Fields", "cookies").expect(400, "Upstash-Redact-Fields"),
        hdr("header forward", "Upstash-Header-Forward", "maybe")
            .expect(400, "Upstash-Header-Forward"),
        hdr("empty forward name", "Upstash-Forward-", "x").expect(400, "header name"),
        fc("rate=0").expect(400, "rate must be at least 1"),
        fc("parallelism=abc").expect(400, "parallelism"),
        fc("rate=1, period=8d").expect(400, "1 week"),
        fc("burst=3").expect(400, "unknown key \"burst\""),
        fc(" , ").expect(400, "at least one of parallelism or rate"),
        hdr("value without key", "Upstash-Flow-Control-Value", "rate=1")
            .expect(400, "requires Upstash-Flow-Control-Key"),
        case(
            "query config",
            "POST",
            format!("{publish}?upstash-retries=x"),
        )
        .expect(400, "Upstash-Retries"),
        case("non-UTF-8 header", "POST", publish.clone())
            .raw_h("Upstash-Retries", b"\xff\xfe")
            .expect(400, "Upstash-Retries"),
        case("body too large", "POST", publish.clone())
            .body(vec![b'x'; 10 * 1024 * 1024 + 1])
            .expect(413, "larger than the limit"),
        case("body over the payg quota names it", "POST", publish.clone())
            .body(vec![b'x'; 10 * 1024 * 1024 + 1])
            .expect(413, "max message size of the payg quota"),
        // ── enqueue ──
        case(
            "bad queue name",
            "POST",
            format!("/v2/enqueue/bad%20name/{ok}"),
        )
        .expect(400, "queue name"),
        case("enqueue bad scheme", "POST", "/v2/enqueue/q1/ftp://x").expect(400, "invalid scheme"),
        // ── batch ──
        case("batch not JSON", "POST", "/v2/batch")
            .body("not json")
            .expect(400, "invalid request body"),
        case("batch not array", "POST", "/v2/batch")
            .body("{}")
            .expect(400, "invalid request body"),
        case("batch missing destination", "POST", "/v2/batch")
            .body(r#"[{"headers":{}}]"#)
            .expect(400, "destination"),
        case("batch empty body", "POST", "/v2/batch").expect(400, "empty body"),
        case("batch bad header value type", "POST", "/v2/batch")
            .body(format!(
                r#"[{{"destination":"{ok}","headers":{{"upstash-retries":3}}}}]"#
            ))
            .expect(400, "invalid request body"),
        // ── schedules ──
        case(
            "schedule without cron",
            "POST",
            format!("/v2/schedules/{ok}"),
        )
        .expect(400, "Upstash-Cron"),
        cron("* * *").expect(400, "expected 5"),
        cron("61 * * * *").expect(400, "Upstash-Cron"),
        cron("CRON_TZ=Mars/Olympus 0 0 * * *").expect(400, "unknown time zone"),
        cron("0 0 31 2 *").expect(400, "never fires"),
        cron("* * * * *")
            .h("Upstash-Schedule-Id", "a b")
            .expect(400, "Upstash-Schedule-Id"),
        cron("* * * * *")
            .h("Upstash-Not-Before", "1")
            .expect(400, "not supported for schedules"),
        case("schedule bad scheme", "POST", "/v2/schedules/ftp://x")
            .h("Upstash-Cron", "* * * * *")
            .expect(400, "invalid scheme"),
        case("unknown schedule", "GET", "/v2/schedules/scd_nope").expect(404, "scd_nope"),
        case(
            "pause unknown schedule",
            "PATCH",
            "/v2/schedules/scd_nope/pause",
        )
        .expect(404, "scd_nope"),
        case(
            "resume unknown schedule",
            "POST",
            "/v2/schedules/scd_nope/resume",
        )
        .expect(404, "scd_nope"),
        case("patch without action", "PATCH", "/v2/schedules/scd_nope").expect(405, "PATCH"),
        // ── messages ──
        case("unknown message", "GET", "/v2/messages/msg_nope").expect(404, "msg_nope"),
        case("cancel unknown message", "DELETE", "/v2/messages/msg_nope").expect(404, "msg_nope"),
        case(
            "cancel bad fromDate",
            "DELETE",
            "/v2/messages?fromDate=soon",
        )
        .expect(400, "fromDate"),
        case("cancel unknown filter", "DELETE", "/v2/messages?bogus=1")
            .expect(400, "unknown filter \"bogus\""),
        case("cancel bad JSON", "DELETE", "/v2/messages")
            .body("{bad")
            .expect(400, "invalid request body"),
        case(
            "cancel bad date",
            "DELETE",
            "/v2/messages?fromDate=yesterday",
        )
        .expect(400, "fromDate"),
        case("cancel wrong JSON field", "DELETE", "/v2/messages")
            .body(r#"{"ids":["a"]}"#)
            .expect(400, "unknown field"),
        // ── logs ──
        case("events unknown filter", "GET", "/v2/events?foo=1")
            .expect(400, "unknown filter \"foo\""),
        case("logs bad state", "GET", "/v2/logs?state=SLEEPING").expect(400, "state"),
        case("logs count too big", "GET", "/v2/logs?count=5000").expect(400, "count"),
        case("logs bad order", "GET", "/v2/logs?order=random").expect(400, "order"),
        case("logs bad toDate", "GET", "/v2/logs?toDate=abc").expect(400, "toDate"),
        case("logs duplicate cursor", "GET", "/v2/logs?cursor=a&cursor=b").expect(400, "cursor"),
        case("logs bad cursor", "GET", "/v2/logs?cursor=abc").expect(400, "invalid cursor"),
        case("events bad cursor", "GET", "/v2/events?cursor=-1").expect(400, "invalid cursor"),
        case("events fractional cursor", "GET", "/v2/events?cursor=1.5")
            .expect(400, "invalid cursor"),
        // ── DLQ ──
        case("dlq host filter", "GET", "/v2/dlq?host=x").expect(400, "unknown filter \"host\""),
        case("dlq path filter", "GET", "/v2/dlq?path=/x").expect(400, "unknown filter \"path\""),
        case("dlq bad status", "GET", "/v2/dlq?responseStatus=abc").expect(400, "responseStatus"),
        case("dlq count too big", "GET", "/v2/dlq?count=1001").expect(400, "count"),
        case("dlq bad cursor", "GET", "/v2/dlq?cursor=x1").expect(400, "invalid cursor"),
        case("dlq delete bad cursor", "DELETE", "/v2/dlq?cursor=x1").expect(400, "invalid cursor"),
        case("dlq retry bad cursor", "POST", "/v2/dlq/retry?cursor=1-0")
            .expect(400, "invalid cursor"),
        case("dlq retry override over quota", "POST", "/v2/dlq/retry")
            .h("Upstash-Retries", "6")
            .expect(412, "retries limit exceeded"),
        case("unknown dlq id", "GET", "/v2/dlq/123-0").expect(404, "123-0"),
        case("delete unknown dlq id", "DELETE", "/v2/dlq/123-0").expect(404, "123-0"),
        case("retry unknown dlq id", "POST", "/v2/dlq/retry/123-0").expect(404, "123-0"),
        case("retry bad override", "POST", "/v2/dlq/retry/123-0")
            .h("Upstash-Retries", "x")
            .expect(400, "Upstash-Retries"),
        case("dlq delete bad body", "DELETE", "/v2/dlq")
            .body(r#"{"dlqIds":"x"}"#)
            .expect(400, "invalid request body"),
        // ── queues ──
        queue("{}").expect(400, "queueName"),
        queue(r#"{"queueName":"bad name"}"#).expect(400, "queueName"),
        queue(r#"{"queueName":"q","parallelism":0}"#).expect(400, "parallelism"),
        queue(r#"{"queueName":"q","parallelism":"two"}"#).expect(400, "parallelism"),
        queue(r#"{"queueName":"q","parallelism":101}"#).expect(412, "parallelism limit exceeded"),
        queue(r#"{"queueName":"q","paused":"yes"}"#).expect(400, "paused"),
        queue(r#"{"queueName":"q","extra":1}"#).expect(400, "unknown field \"extra\""),
        queue("[1,2]").expect(400, "JSON object"),
        queue("").expect(400, "empty body"),
        queue("{\"queueName\": \"\u{0}").expect(400, "invalid request body"),
        case("unknown queue", "GET", "/v2/queues/nope").expect(404, "nope"),
        case("pause unknown queue", "POST", "/v2/queues/nope/pause").expect(404, "nope"),
        // ── URL groups ──
        endpoints("{}").expect(400, "endpoints"),
        endpoints(r#"{"endpoints":[]}"#).expect(400, "must not be empty"),
        endpoints(r#"{"endpoints":[{"url":"ftp://x"}]}"#).expect(400, "endpoints[0].url"),
        endpoints(r#"{"endpoints":[{"name":"a"}]}"#).expect(400, "endpoints[0].url"),
        endpoints(r#"{"endpoints":[{"url":5}]}"#).expect(400, "endpoints[0].url"),
        case(
            "bad group name in path",
            "POST",
            "/v2/topics/bad%20name/endpoints",
        )
        .body(format!(r#"{{"endpoints":[{{"url":"{ok}"}}]}}"#))
        .expect(400, "URL group name"),
        case("unknown group", "GET", "/v2/topics/nope").expect(404, "nope"),
        case("delete unknown group", "DELETE", "/v2/topics/nope").expect(404, "nope"),
        case(
            "remove from unknown group",
            "DELETE",
            "/v2/topics/nope/endpoints",
        )
        .body(r#"{"endpoints":[{"name":"a"}]}"#)
        .expect(404, "nope"),
        case("patch group headers type", "PATCH", "/v2/topics/grp")
            .body(r#"{"headers":5}"#)
            .expect(400, "headers"),
        case("patch group header value", "PATCH", "/v2/topics/grp")
            .body(r#"{"headers":{"X-A":{"b":1}}}"#)
            .expect(400, "X-A"),
        // ── flow control ──
        case("unknown flow key", "GET", "/v2/flowControl/nope").expect(404, "nope"),
        case(
            "pause unknown flow key",
            "POST",
            "/v2/flowControl/nope/pause",
        )
        .expect(404, "nope"),
        case("pin nothing", "POST", "/v2/flowControl/k/pin").expect(400, "pin"),
        case(
            "pin parallelism 0",
            "POST",
            "/v2/flowControl/k/pin?parallelism=0",
        )
        .expect(400, "parallelism"),
        case("pin long period", "POST", "/v2/flowControl/k/pin?period=9d").expect(400, "period"),
        case("pin unknown param", "POST", "/v2/flowControl/k/pin?burst=1").expect(400, "burst"),
        case(
            "unpin bad bool",
            "POST",
            "/v2/flowControl/k/unpin?rate=maybe",
        )
        .expect(400, "rate"),
        case("flow list unknown filter", "GET", "/v2/flowControl?foo=1").expect(400, "foo"),
        // ── path parameters that are not UTF-8 ──
        case("message id not UTF-8", "GET", "/v2/messages/%ff").expect(400, "path parameter"),
        case("queue name not UTF-8", "GET", "/v2/queues/%ff%fe").expect(400, "path parameter"),
        case("flow key not UTF-8", "POST", "/v2/flowControl/%c3/pause")
            .expect(400, "path parameter"),
        case("schedule id not UTF-8", "GET", "/v2/schedules/%ff").expect(404, "no route"),
        // ── methods and paths ──
        case("GET publish", "GET", publish.clone()).expect(405, "GET"),
        case("PUT queues", "PUT", "/v2/queues").expect(405, "PUT"),
        case("DELETE keys", "DELETE", "/v2/keys").expect(405, "DELETE"),
        case("GET batch", "GET", "/v2/batch").expect(405, "GET"),
        case("unknown path", "GET", "/v2/nope").expect(404, "/v2/nope"),
        case("v1 path", "POST", format!("/v1/publish/{ok}")).expect(404, "no route"),
    ]
}

#[tokio::test]
async fn malformed_requests_get_named_4xx_errors() {
    let server = start_server().await;
    let sink = Sink::start().await;
    let http = reqwest::Client::new();
    let cases = cases(&sink.url);
    assert!(cases.len() >= 60, "only {} cases", cases.len());
    let mut failures = Vec::new();
    for c in &cases {
        let mut req = http
            .request(
                reqwest::Method::from_bytes(c.method.as_bytes()).expect("method"),
                format!("{}{}", server.url, c.path),
            )
            .body(c.body.clone());
        if let Some(t) = &c.token {
            req = req.bearer_auth(t);
        }
        for (k, v) in &c.headers {
            req = req.header(
                reqwest::header::HeaderName::from_bytes(k.as_bytes()).expect("header name"),
                reqwest::header::HeaderValue::from_bytes(v).expect("header value"),
            );
        }
        let res = req.send().await.expect("send");
        let status = res.status().as_u16();
        let ctype = res
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let text = res.text().await.unwrap_or_default();
        let error = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| v["error"].as_str().map(String::from));
        let ok = status == c.status
            && ctype.starts_with("application/json")
            && error
                .as_deref()
                .is_some_and(|e| e.to_lowercase().contains(&c.needle.to_lowercase()));
        if !ok {
            failures.push(format!(
                "{} ({} {}): expected {} containing {:?}, got {} {:?} {}",
                c.name,
                c.method,
                crate_snippet(&c.path),
                c.status,
                c.needle,
                status,
                ctype,
                crate_snippet(&text)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );

    // Huge header block: hyper refuses it before our code runs (431), never a 5xx.
    let res = http
        .get(format!("{}/v2/keys", server.url))
        .bearer_auth(USERS[0].token)
        .header("X-Huge", "a".repeat(1024 * 1024))
        .send()
        .await;
    if let Ok(res) = res {
        let s = res.status().as_u16();
        assert!((400..500).contains(&s), "huge header gave {s}");
    }

    // The server is still up and serving good requests.
    let api = server.api();
    let v = api.publish(&sink.at("/after"), &[], "still alive").await;
    assert!(v["messageId"]
        .as_str()
        .is_some_and(|id| id.starts_with("msg_")));
    sink.wait_for("/after", 1, support::WAIT).await;
    let r = api.get("/v2/keys").await;
    assert_eq!(r.status, 200, "{}", r.text);
    server.stop().await;
}

/// CORS preflight works on every endpoint, including error responses carrying the headers.
#[tokio::test]
async fn cors_preflight_and_headers() {
    let server = start_server().await;
    let http = reqwest::Client::new();
    for path in [
        "/v2/publish/https://example.com",
        "/v2/queues",
        "/v2/keys",
        "/v2/dlq/1-0",
    ] {
        let res = http
            .request(reqwest::Method::OPTIONS, format!("{}{}", server.url, path))
            .header("Origin", "http://localhost:3000")
            .header("Access-Control-Request-Method", "POST")
            .header(
                "Access-Control-Request-Headers",
                "authorization, upstash-retries",
            )
            .send()
            .await
            .expect("preflight");
        assert!(res.status().is_success(), "{path}: {}", res.status());
        assert_eq!(
            res.headers()
                .get("access-control-allow-origin")
                .and_then(|v| v.to_str().ok()),
            Some("*"),
            "{path}"
        );
        assert!(
            res.headers().contains_key("access-control-allow-methods"),
            "{path}"
        );
        assert!(
            res.headers().contains_key("access-control-allow-headers"),
            "{path}"
        );
    }
    let res = http
        .get(format!("{}/v2/keys", server.url))
        .header("Origin", "http://localhost:3000")
        .send()
        .await
        .expect("get");
    assert_eq!(res.status().as_u16(), 401);
    assert_eq!(
        res.headers()
            .get("access-control-allow-origin")
            .and_then(|v| v.to_str().ok()),
        Some("*")
    );
    assert!(res.headers().contains_key("access-control-expose-headers"));
    server.stop().await;
}

fn crate_snippet(s: &str) -> String {
    if s.len() > 160 {
        let mut end = 160;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        format!("{}…", &s[..end])
    } else {
        s.to_string()
    }
}

/// Random junk aimed at every route never yields a 5xx, and the server keeps serving.
#[tokio::test]
async fn random_junk_never_yields_5xx() {
    let server = start_server().await;
    let sink = Sink::start().await;
    let http = reqwest::Client::new();
    let mut seed: u64 = 0xDEAD_BEEF_CAFE_F00D;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let methods = ["GET", "POST", "PUT", "PATCH", "DELETE"];
    let prefixes = [
        "/v2/publish/",
        "/v2/enqueue/",
        "/v2/batch",
        "/v2/messages/",
        "/v2/messages",
        "/v2/events",
        "/v2/logs",
        "/v2/dlq/",
        "/v2/dlq/retry/",
        "/v2/dlq",
        "/v2/queues/",
        "/v2/queues",
        "/v2/topics/",
        "/v2/schedules/",
        "/v2/flowControl/",
        "/v2/globalParallelism",
        "/v2/keys/",
    ];
    let bits = [
        "https://",
        "http:/",
        &sink.url,
        "/x",
        "?",
        "&",
        "=",
        "a",
        "%ff",
        "%2F",
        "pause",
        "resume",
        "endpoints",
        "pin",
        "count",
        "cursor",
        "1",
        "-1",
        "state",
        "ftp://",
        "::",
    ];
    let header_names = [
        "Upstash-Method",
        "Upstash-Retries",
        "Upstash-Delay",
        "Upstash-Timeout",
        "Upstash-Retry-Delay",
        "Upstash-Cron",
        "Upstash-Callback",
        "Upstash-Callback-Retries",
        "Upstash-Flow-Control-Key",
        "Upstash-Flow-Control-Value",
        "Upstash-Redact-Fields",
        "Upstash-Not-Before",
        "Upstash-Forward-X",
        "Content-Type",
    ];
    let header_values = [
        "",
        "1",
        "-5",
        "1d",
        "abc",
        "pow(",
        "* * * * *",
        "https://x",
        "rate=0",
        "body",
        "true",
    ];
    let bodies = [
        "",
        "{}",
        "[]",
        "[{}]",
        "{\"queueName\":1}",
        "{\"endpoints\":[{}]}",
        "\u{0}\u{1}",
        "[{\"destination\":\"x\"}]",
    ];
    let pick = |n: u64, len: usize| (n % len as u64) as usize;
    let mut answered = 0;
    for _ in 0..400 {
        let method = methods[pick(next(), methods.len())];
        let mut path = prefixes[pick(next(), prefixes.len())].to_string();
        for _ in 0..pick(next(), 5) {
            path.push_str(bits[pick(next(), bits.len())]);
        }
        let mut req = http
            .request(
                reqwest::Method::from_bytes(method.as_bytes()).expect("method"),
                format!("{}{}", server.url, path),
            )
            .bearer_auth(USERS[0].token)
            .body(bodies[pick(next(), bodies.len())]);
        for _ in 0..pick(next(), 4) {
            req = req.header(
                header_names[pick(next(), header_names.len())],
                header_values[pick(next(), header_values.len())],
            );
        }
        // Some generated paths are not valid URIs at all; reqwest refuses those itself.
        let Ok(res) = req.send().await else { continue };
        answered += 1;
        let status = res.status().as_u16();
        let text = res.text().await.unwrap_or_default();
        assert!(status < 500, "{method} {path} → {status} {text}");
    }
    assert!(answered > 300, "only {answered} of 400 requests were sent");
    let r = server.api().get("/v2/keys").await;
    assert_eq!(r.status, 200);
    server.stop().await;
}

/// Sends a raw HTTP/1.1 request head (and optionally chunked body data) and returns the
/// response's status line and body text.
async fn raw_request(base: &str, head: &str, chunks: usize) -> (String, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = base.trim_start_matches("http://");
    let mut s = tokio::net::TcpStream::connect(addr).await.expect("connect");
    s.write_all(head.as_bytes()).await.expect("head");
    let chunk = vec![b'x'; 1024 * 1024];
    for _ in 0..chunks {
        let framed = [
            format!("{:x}\r\n", chunk.len()).into_bytes(),
            chunk.clone(),
            b"\r\n".to_vec(),
        ]
        .concat();
        // The server may answer 413 and close before we finish: stop writing then.
        if s.write_all(&framed).await.is_err() {
            break;
        }
    }
    let _ = s.write_all(b"0\r\n\r\n").await;
    let mut buf = Vec::new();
    let _ = tokio::time::timeout(support::WAIT, s.read_to_end(&mut buf)).await;
    let text = String::from_utf8_lossy(&buf).to_string();
    let status = text.lines().next().unwrap_or("").to_string();
    let body = text.split("\r\n\r\n").nth(1).unwrap_or("").to_string();
    (status, body)
}

/// Oversized bodies are refused with a JSON 413 — announced by Content-Length (refused
/// before reading) or streamed chunked (refused as soon as the limit is passed).
#[tokio::test]
async fn oversized_bodies_get_413() {
    let server = start_server().await;
    let host = server.url.trim_start_matches("http://").to_string();
    let token = USERS[0].token;
    let head = format!(
        "POST /v2/batch HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        200 * 1024 * 1024
    );
    let (status, body) = raw_request(&server.url, &head, 0).await;
    assert!(status.contains(" 413 "), "{status}");
    assert!(body.contains("larger than the limit"), "{body}");

    let head = format!(
        "POST /v2/publish/https://example.com HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    );
    let (status, body) = raw_request(&server.url, &head, 12).await;
    assert!(status.contains(" 413 "), "{status}");
    assert!(body.contains("larger than the limit"), "{body}");

    assert_eq!(server.api().get("/v2/keys").await.status, 200);
    server.stop().await;
}
