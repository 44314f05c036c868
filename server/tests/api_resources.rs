//! Keys, queues, URL groups, schedules and flow control over real HTTP: status codes,
//! empty bodies where the SDK ignores them, and exact JSON shapes.

mod support;

use qstash_server::app::USERS;
use serde_json::json;
use support::{start_server, verify_signature, Sink, WAIT};

#[tokio::test]
async fn signing_keys_get_and_rotate() {
    let server = start_server().await;
    let sink = Sink::start().await;
    let api = server.api();
    let r = api.get("/v2/keys").await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.json(),
        json!({"current": USERS[0].current_key, "next": USERS[0].next_key})
    );
    // Each user has their own keys.
    assert_eq!(
        server.api_as(2).get("/v2/keys").await.json()["current"],
        USERS[1].current_key
    );

    let r = api.call("POST", "/v2/keys/rotate", &[], "").await;
    assert_eq!(r.status, 200, "{}", r.text);
    let k = r.json();
    assert_eq!(k["current"], USERS[0].next_key);
    let next = k["next"].as_str().unwrap();
    assert!(next.starts_with("sig_") && next != USERS[0].next_key);
    assert_eq!(api.get("/v2/keys").await.json(), k);

    // Deliveries are now signed with the new current key.
    api.publish(&sink.at("/rotated"), &[], "r").await;
    let d = &sink.wait_for("/rotated", 1, WAIT).await[0];
    verify_signature(
        &d.header("upstash-signature"),
        USERS[0].next_key,
        &sink.at("/rotated"),
        b"r",
    );
    server.stop().await;
}

#[tokio::test]
async fn queues_crud() {
    let server = start_server().await;
    let api = server.api();
    let r = api
        .call(
            "POST",
            "/v2/queues",
            &[("Content-Type", "application/json")],
            json!({"queueName": "orders", "parallelism": 3, "paused": false}).to_string(),
        )
        .await;
    assert_eq!((r.status, r.text.as_str()), (200, ""));
    let q = api.get("/v2/queues/orders").await;
    assert_eq!(q.status, 200);
    let q = q.json();
    assert_eq!(q["name"], "orders");
    assert_eq!(q["parallelism"], 3);
    assert_eq!(q["paused"], false);
    assert_eq!(q["lag"], 0);
    assert!(q["createdAt"].is_i64() && q["updatedAt"].is_i64());

    // Upsert without parallelism keeps the queue; default for a new one is 1.
    api.call(
        "POST",
        "/v2/queues",
        &[],
        json!({"queueName": "other"}).to_string(),
    )
    .await;
    assert_eq!(api.get("/v2/queues/other").await.json()["parallelism"], 1);

    let list = api.get("/v2/queues").await.json();
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"orders") && names.contains(&"other"));
    assert!(server
        .api_as(2)
        .get("/v2/queues")
        .await
        .json()
        .as_array()
        .unwrap()
        .is_empty());

    for (action, paused) in [("pause", true), ("pause", true), ("resume", false)] {
        let r = api
            .call("POST", &format!("/v2/queues/orders/{action}"), &[], "")
            .await;
        assert_eq!((r.status, r.text.as_str()), (200, ""), "{action}");
        assert_eq!(api.get("/v2/queues/orders").await.json()["paused"], paused);
    }
    let r = api
        .call(
            "POST",
            "/v2/queues",
            &[],
            json!({"queueName": "orders", "paused": true}).to_string(),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(api.get("/v2/queues/orders").await.json()["paused"], true);

    let r = api.call("DELETE", "/v2/queues/orders", &[], "").await;
    assert_eq!((r.status, r.text.as_str()), (200, ""));
    assert_eq!(api.get("/v2/queues/orders").await.status, 404);
    assert_eq!(
        api.call("DELETE", "/v2/queues/never", &[], "").await.status,
        200
    );
    server.stop().await;
}

#[tokio::test]
async fn url_groups_crud_and_default_headers() {
    let server = start_server().await;
    let sink = Sink::start().await;
    let api = server.api();
    let add = |eps: serde_json::Value| {
        let api = api.clone();
        async move {
            api.call(
                "POST",
                "/v2/topics/team/endpoints",
                &[],
                json!({"endpoints": eps}).to_string(),
            )
            .await
        }
    };
    // The scheme is case-insensitive and stored lower-case (as publish does).
    let upper_b = sink.at("/b").replacen("http://", "HTTP://", 1);
    let r = add(json!([{"name": "a", "url": sink.at("/a")}, {"url": upper_b}])).await;
    assert_eq!((r.status, r.text.as_str()), (200, ""));
    let g = api.get("/v2/topics/team").await;
    assert_eq!(g.status, 200);
    let g = g.json();
    assert_eq!(g["name"], "team");
    assert!(g["createdAt"].is_i64() && g["updatedAt"].is_i64());
    assert_eq!(
        g["endpoints"],
        json!([{"name": "a", "url": sink.at("/a")}, {"url": sink.at("/b")}])
    );
    assert_eq!(
        api.get("/v2/topics").await.json().as_array().unwrap().len(),
        1
    );

    // Saved default headers reach every delivery to the group.
    let r = api
        .call(
            "PATCH",
            "/v2/topics/team",
            &[],
            json!({"headers": {"x-team": "blue", "X-Multi": ["1", "2"]}}).to_string(),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = api.call("POST", "/v2/publish/team", &[], "hi").await;
    assert_eq!(r.json().as_array().unwrap().len(), 2);
    let d = &sink.wait_for("/a", 1, WAIT).await[0];
    assert_eq!(d.header("x-team"), "blue");

    // Remove by name, then by url: removing the last endpoint deletes the group.
    let r = api
        .call(
            "DELETE",
            "/v2/topics/team/endpoints",
            &[],
            json!({"endpoints": [{"name": "a"}]}).to_string(),
        )
        .await;
    assert_eq!((r.status, r.text.as_str()), (200, ""));
    assert_eq!(
        api.get("/v2/topics/team").await.json()["endpoints"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    api.call(
        "DELETE",
        "/v2/topics/team/endpoints",
        &[],
        json!({"endpoints": [{"url": sink.at("/b")}]}).to_string(),
    )
    .await;
    assert_eq!(api.get("/v2/topics/team").await.status, 404);

    add(json!([{"url": sink.at("/c")}])).await;
    let r = api.call("DELETE", "/v2/topics/team", &[], "").await;
    assert_eq!((r.status, r.text.as_str()), (200, ""));
    assert_eq!(api.get("/v2/topics/team").await.status, 404);
    server.stop().await;
}

#[tokio::test]
async fn schedules_crud_pause_resume_both_methods() {
    let server = start_server().await;
    let sink = Sink::start().await;
    let api = server.api();
    let dest = sink.at("/tick");
    let r = api
        .call(
            "POST",
            &format!("/v2/schedules/{dest}"),
            &[
                ("Upstash-Cron", " */5 * * * * "),
                ("Content-Type", "text/plain"),
                ("Upstash-Forward-X-S", "1"),
                ("Upstash-Retries", "4"),
                ("Upstash-Delay", "30s"),
                ("Upstash-Label", "nightly"),
                ("Upstash-Retry-Delay", "1000"),
            ],
            "tick",
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let id = r.json()["scheduleId"]
        .as_str()
        .expect("scheduleId")
        .to_string();
    let s = api.get(&format!("/v2/schedules/{id}")).await;
    assert_eq!(s.status, 200);
    let s = s.json();
    assert_eq!(s["scheduleId"], id.as_str());
    assert_eq!(s["cron"], "*/5 * * * *");
    assert_eq!(s["destination"], dest.as_str());
    assert_eq!(s["method"], "POST");
    assert_eq!(s["isPaused"], false);
    assert_eq!(s["retries"], 4);
    assert_eq!(s["delay"], 30);
    assert_eq!(s["body"], "tick");
    assert_eq!(s["labels"], json!(["nightly"]));
    assert_eq!(s["retryDelayExpression"], "1000");
    assert_eq!(s["header"]["X-S"], json!(["1"]));
    assert_eq!(s["header"]["Content-Type"], json!(["text/plain"]));
    assert!(s["nextScheduleTime"].as_i64().unwrap() > s["createdAt"].as_i64().unwrap());

    // OpenAPI's POST and the SDKs' PATCH both pause/resume, idempotently.
    for (method, action, paused) in [
        ("POST", "pause", true),
        ("PATCH", "pause", true),
        ("PATCH", "resume", false),
        ("POST", "resume", false),
    ] {
        let r = api
            .call(method, &format!("/v2/schedules/{id}/{action}"), &[], "")
            .await;
        assert_eq!(r.status, 200, "{method} {action}: {}", r.text);
        assert_eq!(
            api.get(&format!("/v2/schedules/{id}")).await.json()["isPaused"],
            paused
        );
    }

    // A caller-chosen id; re-posting it replaces the schedule entirely.
    let r = api
        .call(
            "POST",
            &format!("/v2/schedules/{dest}"),
            &[
                ("Upstash-Cron", "CRON_TZ=Europe/Berlin 0 9 * * MON-FRI"),
                ("Upstash-Schedule-Id", "my.sched"),
            ],
            "v1",
        )
        .await;
    assert_eq!(r.json(), json!({"scheduleId": "my.sched"}));
    api.call(
        "POST",
        &format!("/v2/schedules/{dest}"),
        &[
            ("Upstash-Cron", "0 0 * * *"),
            ("Upstash-Schedule-Id", "my.sched"),
        ],
        "",
    )
    .await;
    let s = api.get("/v2/schedules/my.sched").await.json();
    assert_eq!(s["cron"], "0 0 * * *");
    assert!(s.get("body").is_none(), "replaced without body: {s}");

    // To a URL group as well.
    let r = api
        .call(
            "POST",
            "/v2/schedules/some-group",
            &[("Upstash-Cron", "@daily")],
            "",
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);

    let list = api.get("/v2/schedules").await.json();
    assert_eq!(list.as_array().unwrap().len(), 3);
    let r = api
        .call("DELETE", &format!("/v2/schedules/{id}"), &[], "")
        .await;
    assert_eq!((r.status, r.text.as_str()), (200, ""));
    assert_eq!(api.get(&format!("/v2/schedules/{id}")).await.status, 404);
    server.stop().await;
}

#[tokio::test]
async fn flow_control_endpoints() {
    let server = start_server().await;
    let sink = Sink::start().await;
    let api = server.api();
    api.publish(
        &sink.at("/fc"),
        &[
            ("Upstash-Flow-Control-Key", "tenant-1"),
            (
                "Upstash-Flow-Control-Value",
                "parallelism=4, rate=20, period=1m",
            ),
        ],
        "",
    )
    .await;
    sink.wait_for("/fc", 1, WAIT).await;
    let r = api.get("/v2/flowControl/tenant-1").await;
    assert_eq!(r.status, 200, "{}", r.text);
    let f = r.json();
    for k in [
        "flowControlKey",
        "waitListSize",
        "parallelismMax",
        "parallelismCount",
        "rateMax",
        "rateCount",
        "ratePeriod",
        "ratePeriodStart",
        "isPaused",
        "isPinnedParallelism",
        "isPinnedRate",
    ] {
        assert!(f.get(k).is_some(), "{k} in {f}");
    }
    assert_eq!(f["parallelismMax"], 4);
    assert_eq!(f["rateMax"], 20);
    assert_eq!(f["ratePeriod"], 60);

    let list = api.get("/v2/flowControl").await.json();
    assert!(list
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["flowControlKey"] == "tenant-1"));
    assert!(api
        .get("/v2/flowControl?search=nomatch")
        .await
        .json()
        .as_array()
        .unwrap()
        .is_empty());
    assert_eq!(
        api.get("/v2/flowControl?search=tenant")
            .await
            .json()
            .as_array()
            .unwrap()
            .len(),
        1
    );

    let post = |path: &'static str| {
        let api = api.clone();
        async move {
            let r = api
                .call("POST", &format!("/v2/flowControl/tenant-1/{path}"), &[], "")
                .await;
            assert_eq!((r.status, r.text.as_str()), (200, ""), "{path}");
            api.get("/v2/flowControl/tenant-1").await.json()
        }
    };
    assert_eq!(post("pause").await["isPaused"], true);
    assert_eq!(post("resume").await["isPaused"], false);
    let pinned = post("pin?parallelism=2&rate=5&period=30").await;
    assert_eq!(
        (
            &pinned["parallelismMax"],
            &pinned["rateMax"],
            &pinned["ratePeriod"]
        ),
        (&json!(2), &json!(5), &json!(30))
    );
    assert_eq!(
        (&pinned["isPinnedParallelism"], &pinned["isPinnedRate"]),
        (&json!(true), &json!(true))
    );
    let pinned = post("pin?period=2m").await;
    assert_eq!(pinned["ratePeriod"], 120, "period accepts durations too");
    let unpinned = post("unpin?parallelism=true&rate=false").await;
    assert_eq!(
        (&unpinned["isPinnedParallelism"], &unpinned["isPinnedRate"]),
        (&json!(false), &json!(true))
    );
    assert_eq!(post("resetRate").await["rateCount"], 0);
    assert_eq!(post("reset").await["rateCount"], 0);

    let g = api.get("/v2/globalParallelism").await;
    assert_eq!(g.status, 200);
    let g = g.json();
    assert!(
        g["parallelismMax"].is_u64() && g["parallelismCount"].is_u64(),
        "{g}"
    );
    server.stop().await;
}

/// A URL group a schedule publishes to cannot be deleted until the schedule is (QStash's
/// documented order); the refusal names the schedule and changes nothing. Another user's
/// schedule to a group of the same name does not block it.
#[tokio::test]
async fn url_group_used_by_a_schedule_is_not_deleted() {
    let server = start_server().await;
    let api = server.api();
    let r = api
        .call(
            "POST",
            "/v2/topics/sg/endpoints",
            &[],
            r#"{"endpoints":[{"url":"http://127.0.0.1:9/x"}]}"#,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = api
        .call(
            "POST",
            "/v2/schedules/sg",
            &[
                ("Upstash-Cron", "0 0 1 1 *"),
                ("Upstash-Schedule-Id", "uses-sg"),
            ],
            "",
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    // Another user's schedule to "sg" is about their own group, not this one.
    let other = server.api_as(2);
    let r = other
        .call(
            "POST",
            "/v2/schedules/sg",
            &[
                ("Upstash-Cron", "0 0 1 1 *"),
                ("Upstash-Schedule-Id", "other-sg"),
            ],
            "",
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);

    let r = api.call("DELETE", "/v2/topics/sg", &[], "").await;
    assert_eq!(r.status, 400, "{}", r.text);
    let e = r.json()["error"].as_str().unwrap_or_default().to_string();
    assert!(
        e.contains("uses-sg") && e.contains("delete the schedule first"),
        "{e}"
    );
    assert!(!e.contains("other-sg"), "{e}");
    assert_eq!(api.get("/v2/topics/sg").await.status, 200, "group kept");

    // Removing the last endpoint would delete the group too: the same 400, nothing removed.
    let r = api
        .call(
            "DELETE",
            "/v2/topics/sg/endpoints",
            &[],
            r#"{"endpoints":[{"url":"http://127.0.0.1:9/x"}]}"#,
        )
        .await;
    assert_eq!(r.status, 400, "{}", r.text);
    let e = r.json()["error"].as_str().unwrap_or_default().to_string();
    assert!(
        e.contains("uses-sg") && e.contains("delete the schedule first"),
        "{e}"
    );
    let g = api.get("/v2/topics/sg").await;
    assert_eq!(g.status, 200, "{}", g.text);
    assert_eq!(
        g.json()["endpoints"].as_array().map(Vec::len),
        Some(1),
        "{}",
        g.text
    );

    let r = api.call("DELETE", "/v2/schedules/uses-sg", &[], "").await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = api.call("DELETE", "/v2/topics/sg", &[], "").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(api.get("/v2/topics/sg").await.status, 404);
    // Missing groups stay a 404 even when a schedule names them.
    assert_eq!(
        other.call("DELETE", "/v2/topics/sg", &[], "").await.status,
        404
    );
    server.stop().await;
}
