//! Schedules, driven by a test clock: fire at cron times, stop when paused or deleted,
//! record last/next times and states, survive a restart.

mod support;

use qstash_server::clock::TestClock;
use std::sync::Arc;
use support::*;

/// 2030-01-01T00:00:30Z.
const START: i64 = 1_893_456_030_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schedule_fires_each_minute_and_stops_when_paused_or_deleted() {
    let clock = TestClock::new(START);
    let c2 = clock.clone();
    let srv = start_server_with(move |c| c.clock = Arc::new(c2)).await;
    let sink = Sink::start().await;
    let api = srv.api();
    let r = api
        .call(
            "POST",
            &format!("/v2/schedules/{}", sink.at("/tick")),
            &[
                ("Upstash-Cron", "* * * * *"),
                ("Content-Type", "text/plain"),
                ("Upstash-Forward-X-S", "1"),
            ],
            "tick",
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let sid = r.json()["scheduleId"]
        .as_str()
        .expect("scheduleId")
        .to_string();
    let s = api.get(&format!("/v2/schedules/{sid}")).await.json();
    assert_eq!(s["nextScheduleTime"], START + 30_000);
    assert_eq!(s["isPaused"], false);
    assert_eq!(s["cron"], "* * * * *");

    // Nothing before the minute.
    clock.advance_ms(20_000);
    srv.app.nudge();
    api.publish_id(&sink.at("/barrier"), &[], "b").await;
    sink.wait_for("/barrier", 1, WAIT).await;
    assert_eq!(sink.requests_to("/tick").len(), 0);

    // First firing.
    clock.advance_ms(10_000);
    srv.app.nudge();
    let got = sink.wait_for("/tick", 1, WAIT).await;
    assert_eq!(&got[0].body[..], b"tick");
    assert_eq!(got[0].header("upstash-schedule-id"), sid);
    assert_eq!(got[0].header("x-s"), "1");
    let s = eventually("last schedule recorded", WAIT, || {
        let api = api.clone();
        let sid = sid.clone();
        async move {
            let s = api.get(&format!("/v2/schedules/{sid}")).await.json();
            (s["lastScheduleTime"] == START + 30_000).then_some(s)
        }
    })
    .await;
    assert_eq!(s["nextScheduleTime"], START + 90_000);

    // Second firing.
    clock.advance_ms(60_000);
    srv.app.nudge();
    sink.wait_for("/tick", 2, WAIT).await;
    let s = eventually("SUCCESS state", WAIT, || {
        let api = api.clone();
        let sid = sid.clone();
        async move {
            let s = api.get(&format!("/v2/schedules/{sid}")).await.json();
            // The firing's bookkeeping lands just after its publish: wait for both.
            let states = s["lastScheduleStates"].as_object().cloned()?;
            (s["lastScheduleTime"] == START + 90_000 && states.values().all(|v| v == "SUCCESS"))
                .then_some(s)
        }
    })
    .await;
    assert_eq!(s["lastScheduleTime"], START + 90_000);

    // Paused: no firing.
    let r = api
        .call("PATCH", &format!("/v2/schedules/{sid}/pause"), &[], "")
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        api.get(&format!("/v2/schedules/{sid}")).await.json()["isPaused"],
        true
    );
    clock.advance_ms(120_000);
    srv.app.nudge();
    api.publish_id(&sink.at("/barrier"), &[], "b").await;
    sink.wait_for("/barrier", 2, WAIT).await;
    assert_eq!(sink.requests_to("/tick").len(), 2);

    // Resumed: fires at the next minute after now.
    api.call("POST", &format!("/v2/schedules/{sid}/resume"), &[], "")
        .await;
    clock.advance_ms(60_000);
    srv.app.nudge();
    sink.wait_for("/tick", 3, WAIT).await;

    // Deleted: no more.
    let r = api
        .call("DELETE", &format!("/v2/schedules/{sid}"), &[], "")
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(api.get(&format!("/v2/schedules/{sid}")).await.status, 404);
    clock.advance_ms(180_000);
    srv.app.nudge();
    api.publish_id(&sink.at("/barrier"), &[], "b").await;
    sink.wait_for("/barrier", 3, WAIT).await;
    assert_eq!(sink.requests_to("/tick").len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schedule_survives_restart_and_fires_once_for_missed_times() {
    let clock = TestClock::new(START);
    let c2 = clock.clone();
    let srv = start_server_with(move |c| c.clock = Arc::new(c2)).await;
    let sink = Sink::start().await;
    let api = srv.api();
    let r = api
        .call(
            "POST",
            &format!("/v2/schedules/{}", sink.at("/s")),
            &[
                ("Upstash-Cron", "*/5 * * * *"),
                ("Upstash-Schedule-Id", "my-sched"),
            ],
            "x",
        )
        .await;
    assert_eq!(r.json()["scheduleId"], "my-sched");
    let dir = srv.dir.clone();
    let config = srv.app.config().clone();
    srv.stop().await;
    // Down for an hour: 12 firings missed.
    clock.advance_ms(3_600_000);
    let srv = start_server_at(dir, config).await;
    let api = srv.api();
    sink.wait_for("/s", 1, WAIT).await;
    let s = eventually("recorded", WAIT, || {
        let api = api.clone();
        async move {
            let s = api.get("/v2/schedules/my-sched").await.json();
            s["lastScheduleTime"].as_i64().is_some().then_some(s)
        }
    })
    .await;
    assert!(s["nextScheduleTime"].as_i64().expect("next") > START + 3_600_000);
    api.publish_id(&sink.at("/barrier"), &[], "b").await;
    sink.wait_for("/barrier", 1, WAIT).await;
    assert_eq!(
        sink.requests_to("/s").len(),
        1,
        "missed firings collapse into one"
    );
    let list = api.get("/v2/schedules").await.json();
    assert_eq!(list.as_array().map(|a| a.len()), Some(1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schedule_to_a_url_group_through_a_queue() {
    let clock = TestClock::new(START);
    let c2 = clock.clone();
    let srv = start_server_with(move |c| c.clock = Arc::new(c2)).await;
    let sink = Sink::start().await;
    let api = srv.api();
    let body = serde_json::json!({"endpoints": [{"url": sink.at("/g1")}, {"url": sink.at("/g2")}]});
    let r = api
        .call(
            "POST",
            "/v2/topics/sg/endpoints",
            &[("Content-Type", "application/json")],
            body.to_string(),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = api
        .call(
            "POST",
            "/v2/schedules/sg",
            &[
                ("Upstash-Cron", "* * * * *"),
                ("Upstash-Queue-Name", "sq"),
                ("Upstash-Label", "nightly"),
            ],
            "to group",
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let sid = r.json()["scheduleId"].as_str().expect("id").to_string();
    clock.advance_ms(30_000);
    srv.app.nudge();
    let a = sink.wait_for("/g1", 1, WAIT).await;
    let b = sink.wait_for("/g2", 1, WAIT).await;
    for r in [&a[0], &b[0]] {
        assert_eq!(r.header("upstash-schedule-id"), sid);
        assert_eq!(r.header("upstash-topic-name"), "sg");
        assert_eq!(&r.body[..], b"to group");
    }
    let s = eventually("two states", WAIT, || {
        let api = api.clone();
        let sid = sid.clone();
        async move {
            let s = api.get(&format!("/v2/schedules/{sid}")).await.json();
            (s["lastScheduleStates"].as_object().map(|o| o.len()) == Some(2)).then_some(s)
        }
    })
    .await;
    assert_eq!(s["queueName"], "sq");
    assert_eq!(s["label"], "nightly");
    assert_eq!(s["destination"], "sg");
    eventually("both delivered, logged under the queue", WAIT, || {
        let api = api.clone();
        async move {
            let v = api
                .get("/v2/logs?queueName=sq&state=DELIVERED")
                .await
                .json();
            (v["logs"].as_array().map(|a| a.len()) == Some(2)).then_some(())
        }
    })
    .await;
    let q = api.get("/v2/queues/sq").await;
    assert_eq!(q.status, 200, "{}", q.text);
}
