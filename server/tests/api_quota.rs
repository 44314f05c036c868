//! Plan quotas (`--quota free|payg|pro`): for every quota and every limit, the limit itself is
//! accepted and one over is a 412 (413 for size) naming the limit; upserting an existing
//! entity does not count again; users do not share counts; and the CLI selects the quota.

mod support;

use qstash_server::quota::Quota;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use support::*;

/// Request headers as the test client takes them.
type Headers<'a> = [(&'a str, &'a str)];

/// Never reached: every message here is delayed or only created to be counted.
const DEST: &str = "http://127.0.0.1:9/never";

#[derive(Debug, Clone, Copy)]
enum Kind {
    Queue,
    Group,
    Schedule,
}

/// Creates (or upserts) entity number `i` of `kind`.
async fn create(api: &Api, kind: Kind, i: usize) -> ApiResponse {
    match kind {
        Kind::Queue => {
            api.call(
                "POST",
                "/v2/queues",
                &[("Content-Type", "application/json")],
                format!(r#"{{"queueName":"q-{i}"}}"#),
            )
            .await
        }
        Kind::Group => {
            api.call(
                "POST",
                &format!("/v2/topics/g-{i}/endpoints"),
                &[("Content-Type", "application/json")],
                format!(r#"{{"endpoints":[{{"url":"{DEST}"}}]}}"#),
            )
            .await
        }
        Kind::Schedule => {
            let id = format!("s-{i}");
            api.call(
                "POST",
                &format!("/v2/schedules/{DEST}"),
                &[("Upstash-Cron", "0 0 1 1 *"), ("Upstash-Schedule-Id", &id)],
                "",
            )
            .await
        }
    }
}

async fn remove(api: &Api, kind: Kind, i: usize) {
    let path = match kind {
        Kind::Queue => format!("/v2/queues/q-{i}"),
        Kind::Group => format!("/v2/topics/g-{i}"),
        Kind::Schedule => format!("/v2/schedules/s-{i}"),
    };
    let r = api.call("DELETE", &path, &[], "").await;
    assert_eq!(r.status, 200, "delete {path}: {}", r.text);
}

/// Creates entities `0..n`, 16 at a time; each must succeed.
async fn fill(api: &Api, kind: Kind, n: usize) {
    let mut start = 0;
    while start < n {
        let mut set = tokio::task::JoinSet::new();
        for i in start..(start + 16).min(n) {
            let api = api.clone();
            set.spawn(async move { (i, create(&api, kind, i).await) });
        }
        while let Some(r) = set.join_next().await {
            let (i, r) = r.expect("join");
            assert_eq!(r.status, 200, "{kind:?} {i}: {}", r.text);
        }
        start += 16;
    }
}

/// A 412 whose error names the limit, the quota and the number.
fn assert_412(r: &ApiResponse, needle: &str, quota: Quota, max: impl std::fmt::Display) {
    assert_eq!(
        r.status, 412,
        "expected 412 {needle:?}, got {} {}",
        r.status, r.text
    );
    let e = r.json()["error"].as_str().unwrap_or_default().to_string();
    for want in [needle.to_string(), format!("{quota}"), max.to_string()] {
        assert!(e.contains(&want), "error {e:?} should contain {want:?}");
    }
}

/// Queues, URL groups and schedules of one quota: at the limit OK, one over 412, an upsert of
/// an existing one OK, deleting one makes room, another user unaffected.
async fn count_limits(quota: Quota) {
    let server = start_server_with(|c| c.quota = quota).await;
    let l = quota.limits();
    let (api, other) = (server.api(), server.api_as(2));
    for (kind, max, needle) in [
        (Kind::Queue, l.queues, "queue limit reached"),
        (Kind::Group, l.url_groups, "URL group limit reached"),
        (Kind::Schedule, l.schedules, "schedule limit reached"),
    ] {
        fill(&api, kind, max).await;
        assert_412(&create(&api, kind, max).await, needle, quota, max);
        let r = create(&api, kind, 0).await;
        assert_eq!(r.status, 200, "{kind:?} upsert at the limit: {}", r.text);
        let r = create(&other, kind, max).await;
        assert_eq!(r.status, 200, "{kind:?} other user: {}", r.text);
        remove(&api, kind, 0).await;
        let r = create(&api, kind, max).await;
        assert_eq!(r.status, 200, "{kind:?} after a delete: {}", r.text);
        assert_412(&create(&api, kind, max + 1).await, needle, quota, max);
    }
    // The lists agree with the counts (nothing half-created by a refused request).
    let q = api.get("/v2/queues").await.json();
    assert_eq!(q.as_array().map(Vec::len), Some(l.queues));
    let g = api.get("/v2/topics").await.json();
    assert_eq!(g.as_array().map(Vec::len), Some(l.url_groups));
    let s = api.get("/v2/schedules").await.json();
    assert_eq!(s.as_array().map(Vec::len), Some(l.schedules));
    server.stop().await;
}

#[tokio::test]
async fn free_quota_counts() {
    count_limits(Quota::Free).await;
}

#[tokio::test]
async fn payg_quota_counts() {
    count_limits(Quota::Payg).await;
}

#[tokio::test]
async fn pro_quota_counts() {
    count_limits(Quota::Pro).await;
}

/// The other ways to create a queue or URL group count as well: enqueueing to a new queue
/// (also inside a batch) and setting headers on a new group.
#[tokio::test]
async fn implicit_creation_counts_too() {
    let quota = Quota::Free;
    let server = start_server_with(|c| c.quota = quota).await;
    let l = quota.limits();
    let api = server.api();
    fill(&api, Kind::Queue, l.queues).await;
    let enq = |q: &str| format!("/v2/enqueue/{q}/{DEST}");
    let r = api.call("POST", &enq("q-new"), &[], "x").await;
    assert_412(&r, "queue limit reached", quota, l.queues);
    let r = api.call("POST", &enq("q-0"), &[], "x").await;
    assert_eq!(r.status, 200, "enqueue to an existing queue: {}", r.text);
    let batch = format!(
        r#"[{{"destination":"{DEST}","queue":"q-1","body":"a"}},{{"destination":"{DEST}","queue":"q-new","body":"b"}}]"#
    );
    let r = api.call("POST", "/v2/batch", &[], batch).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let v = r.json();
    assert!(v[0]["messageId"].is_string(), "{v}");
    let e = v[1]["error"].as_str().unwrap_or_default();
    assert!(e.contains("queue limit reached"), "{v}");
    assert_eq!(
        api.get("/v2/queues").await.json().as_array().map(Vec::len),
        Some(l.queues)
    );
    // The refused enqueue stored no message either.
    let logs = api.get("/v2/logs?queueName=q-new").await.json();
    assert_eq!(logs["logs"].as_array().map(Vec::len), Some(0), "{logs}");
    // A schedule whose firings would have to create a queue past the limit is refused now;
    // one that enqueues into an existing queue is fine.
    let sched = |q: &str| {
        let api = api.clone();
        let q = q.to_string();
        async move {
            api.call(
                "POST",
                &format!("/v2/schedules/{DEST}"),
                &[("Upstash-Cron", "0 0 1 1 *"), ("Upstash-Queue-Name", &q)],
                "",
            )
            .await
        }
    };
    assert_412(
        &sched("q-new").await,
        "queue limit reached",
        quota,
        l.queues,
    );
    let r = sched("q-2").await;
    assert_eq!(r.status, 200, "schedule into an existing queue: {}", r.text);
    assert_eq!(
        api.get("/v2/schedules")
            .await
            .json()
            .as_array()
            .map(Vec::len),
        Some(1)
    );

    fill(&api, Kind::Group, l.url_groups).await;
    let r = api
        .call(
            "PATCH",
            "/v2/topics/g-new",
            &[],
            r#"{"headers":{"X-A":"1"}}"#,
        )
        .await;
    assert_412(&r, "URL group limit reached", quota, l.url_groups);
    let r = api
        .call("PATCH", "/v2/topics/g-0", &[], r#"{"headers":{"X-A":"1"}}"#)
        .await;
    assert_eq!(r.status, 200, "headers on an existing group: {}", r.text);
    server.stop().await;
}

/// Two requests racing for the last slot: the check runs inside the write transaction, so
/// exactly the limit is created, never more.
#[tokio::test]
async fn concurrent_creates_never_exceed_the_limit() {
    let quota = Quota::Free;
    let server = start_server_with(|c| c.quota = quota).await;
    let api = server.api();
    let mut set = tokio::task::JoinSet::new();
    for i in 0..40 {
        let api = api.clone();
        set.spawn(async move { create(&api, Kind::Queue, i).await.status });
    }
    let mut ok = 0;
    while let Some(s) = set.join_next().await {
        match s.expect("join") {
            200 => ok += 1,
            412 => {}
            s => panic!("unexpected status {s}"),
        }
    }
    assert_eq!(ok, quota.limits().queues);
    server.stop().await;
}

/// Endpoints per group, queue parallelism, retries (also for callbacks, schedules and DLQ
/// retries), delay, not-before and timeout of one quota.
async fn per_message_limits(quota: Quota) {
    let server = start_server_with(|c| c.quota = quota).await;
    let l = quota.limits();
    let api = server.api();
    let other = server.api_as(3);

    // Endpoints per group: exactly the limit in one request; re-adding them is an upsert.
    let endpoints = |from: usize, n: usize| {
        let list: Vec<String> = (from..from + n)
            .map(|i| format!(r#"{{"url":"{DEST}/{i}"}}"#))
            .collect();
        format!(r#"{{"endpoints":[{}]}}"#, list.join(","))
    };
    let add = |api: &Api, body: String| {
        let api = api.clone();
        async move {
            api.call("POST", "/v2/topics/big/endpoints", &[], body)
                .await
        }
    };
    let max = l.endpoints_per_group;
    assert_eq!(add(&api, endpoints(0, max)).await.status, 200);
    assert_eq!(add(&api, endpoints(0, max)).await.status, 200, "upsert");
    let r = add(&api, endpoints(max, 1)).await;
    assert_412(&r, "endpoint limit exceeded", quota, max);
    let g = api.get("/v2/topics/big").await.json();
    assert_eq!(g["endpoints"].as_array().map(Vec::len), Some(max));
    assert_eq!(
        add(&other, endpoints(max, 1)).await.status,
        200,
        "other user"
    );

    // Queue parallelism, on create and on update.
    let par = |name: &str, p: u32| {
        let api = api.clone();
        let body = format!(r#"{{"queueName":"{name}","parallelism":{p}}}"#);
        async move { api.call("POST", "/v2/queues", &[], body).await }
    };
    let max = l.queue_parallelism;
    assert_eq!(par("pq", max).await.status, 200);
    assert_412(
        &par("pq", max + 1).await,
        "parallelism limit exceeded",
        quota,
        max,
    );
    assert_412(
        &par("pq2", max + 1).await,
        "parallelism limit exceeded",
        quota,
        max,
    );
    let q = api.get("/v2/queues/pq").await.json();
    assert_eq!(q["parallelism"], max);
    assert_eq!(api.get("/v2/queues/pq2").await.status, 404);

    // Retries: publish, callback, failure callback, schedule, DLQ retry override.
    let max = l.max_retries.to_string();
    let over = (l.max_retries + 1).to_string();
    let publish = |h: Vec<(&'static str, String)>| {
        let api = api.clone();
        async move {
            // Delayed, so nothing is delivered to DEST, unless the case sets its own delay.
            let mut hs: Vec<(&str, &str)> = Vec::new();
            if !h.iter().any(|(k, _)| *k == "Upstash-Delay") {
                hs.push(("Upstash-Delay", "1h"));
            }
            hs.extend(h.iter().map(|(k, v)| (*k, v.as_str())));
            api.call("POST", &format!("/v2/publish/{DEST}"), &hs, "x")
                .await
        }
    };
    let r = publish(vec![("Upstash-Retries", max.clone())]).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let id = r.json()["messageId"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let m = api.get(&format!("/v2/messages/{id}")).await.json();
    assert_eq!(m["maxRetries"], l.max_retries, "kept as given: {m}");
    let r = publish(vec![("Upstash-Retries", over.clone())]).await;
    assert_412(&r, "retries limit exceeded", quota, &max);
    assert!(r.text.contains("Upstash-Retries"), "{}", r.text);
    for prefix in ["Callback", "Failure-Callback"] {
        let (url, retries) = match prefix {
            "Callback" => ("Upstash-Callback", "Upstash-Callback-Retries"),
            _ => (
                "Upstash-Failure-Callback",
                "Upstash-Failure-Callback-Retries",
            ),
        };
        let r = publish(vec![(url, DEST.to_string()), (retries, over.clone())]).await;
        assert_412(&r, "retries limit exceeded", quota, &max);
        assert!(r.text.contains(retries), "{}", r.text);
    }
    let r = api
        .call(
            "POST",
            &format!("/v2/schedules/{DEST}"),
            &[("Upstash-Cron", "0 0 1 1 *"), ("Upstash-Retries", &over)],
            "",
        )
        .await;
    assert_412(&r, "retries limit exceeded", quota, &max);
    assert_eq!(
        api.get("/v2/schedules")
            .await
            .json()
            .as_array()
            .map(Vec::len),
        Some(0)
    );
    let r = api
        .call("POST", "/v2/dlq/retry", &[("Upstash-Retries", &over)], "")
        .await;
    assert_412(&r, "retries limit exceeded", quota, &max);
    let r = api
        .call(
            "POST",
            "/v2/dlq/retry/1-0",
            &[("Upstash-Retries", &over)],
            "",
        )
        .await;
    assert_412(&r, "retries limit exceeded", quota, &max);

    // Delay and not-before.
    let secs = l.max_delay_secs;
    let r = publish(vec![("Upstash-Delay", format!("{secs}s"))]).await;
    assert_eq!(r.status, 200, "delay at the limit: {}", r.text);
    if secs < qstash_server::parse::headers::MAX_DELAY_SECS {
        let r = publish(vec![("Upstash-Delay", format!("{}s", secs + 1))]).await;
        let short = qstash_server::quota::short_duration(secs);
        assert_412(&r, "delay limit exceeded", quota, &short);
        // `Upstash-Not-Before` has no documented maximum and is not limited.
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("clock")
            .as_secs();
        let nb = (now + secs + 3600).to_string();
        let r = publish(vec![
            ("Upstash-Not-Before", nb),
            ("Upstash-Delay", "1h".into()),
        ])
        .await;
        assert_eq!(r.status, 200, "{}", r.text);
        // When Not-Before is given the delay does not count, so it is not checked either.
        let r = publish(vec![
            ("Upstash-Not-Before", "1".into()),
            ("Upstash-Delay", format!("{}s", secs + 1)),
        ])
        .await;
        assert_eq!(r.status, 200, "{}", r.text);
    }
    // A not-before in the past or near future is fine on every quota.
    let r = publish(vec![("Upstash-Not-Before", "1".to_string())]).await;
    assert_eq!(r.status, 200, "{}", r.text);

    // Timeout.
    let secs = l.max_timeout_secs;
    let r = publish(vec![("Upstash-Timeout", format!("{secs}s"))]).await;
    assert_eq!(r.status, 200, "timeout at the limit: {}", r.text);
    if secs < qstash_server::parse::headers::MAX_TIMEOUT_SECS {
        let r = publish(vec![("Upstash-Timeout", format!("{}s", secs + 1))]).await;
        let short = qstash_server::quota::short_duration(secs);
        assert_412(&r, "timeout limit exceeded", quota, &short);
        let r = publish(vec![
            ("Upstash-Callback", DEST.to_string()),
            ("Upstash-Callback-Timeout", format!("{}s", secs + 1)),
        ])
        .await;
        assert_412(&r, "timeout limit exceeded", quota, &short);
    }
    server.stop().await;
}

#[tokio::test]
async fn free_quota_per_message_limits() {
    per_message_limits(Quota::Free).await;
}

#[tokio::test]
async fn payg_quota_per_message_limits() {
    per_message_limits(Quota::Payg).await;
}

#[tokio::test]
async fn pro_quota_per_message_limits() {
    per_message_limits(Quota::Pro).await;
}

/// Message size: exactly the quota's max is accepted on publish, enqueue, schedules and batch
/// items; one byte more is a 413 that names the quota.
async fn size_limit(quota: Quota) {
    let server = start_server_with(|c| c.quota = quota).await;
    let max = quota.limits().max_message_bytes;
    let api = server.api();
    let at = vec![b'x'; max];
    let over = vec![b'x'; max + 1];
    let delayed = [("Upstash-Delay", "1h")];
    let sched = [("Upstash-Cron", "0 0 1 1 *")];
    let cases: [(&str, String, &Headers); 3] = [
        ("publish", format!("/v2/publish/{DEST}"), &delayed),
        ("enqueue", format!("/v2/enqueue/sq/{DEST}"), &delayed),
        ("schedule", format!("/v2/schedules/{DEST}"), &sched),
    ];
    for (name, path, headers) in cases {
        let r = api.call("POST", &path, headers, at.clone()).await;
        assert_eq!(r.status, 200, "{name} at the limit: {}", r.text);
        let r = api.call("POST", &path, headers, over.clone()).await;
        assert_eq!(r.status, 413, "{name} over: {}", r.text);
        let e = r.json()["error"].as_str().unwrap_or_default().to_string();
        assert!(e.contains(&format!("{quota} quota")), "{e}");
    }
    let item = |n: usize| {
        format!(
            r#"[{{"destination":"{DEST}","headers":{{"Upstash-Delay":"1h"}},"body":"{}"}}]"#,
            "x".repeat(n)
        )
    };
    // One item per batch: two items of the pro maximum would pass the 100 MiB batch limit.
    let r = api.call("POST", "/v2/batch", &[], item(max)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(
        r.json()[0]["messageId"].is_string(),
        "batch item at the limit"
    );
    let r = api.call("POST", "/v2/batch", &[], item(max + 1)).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let v = r.json();
    let e = v[0]["error"].as_str().unwrap_or_default();
    assert!(
        e.contains("larger than the limit") && e.contains(quota.as_str()),
        "{e}"
    );
    server.stop().await;
}

#[tokio::test]
async fn free_quota_message_size() {
    size_limit(Quota::Free).await;
}

#[tokio::test]
async fn payg_quota_message_size() {
    size_limit(Quota::Payg).await;
}

#[tokio::test]
async fn pro_quota_message_size() {
    size_limit(Quota::Pro).await;
}

/// Starts the binary with `args`/`env`, returns its stdout lines up to the signing keys, and
/// the child (killed on drop by the caller).
fn spawn(args: &[&str], env: Option<&str>) -> (std::process::Child, Vec<String>) {
    let dir = TempDir::new("quota-cli");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_qstash-dev"));
    cmd.args(["--port", "0", "--db"])
        .arg(dir.db())
        .args(args)
        .env_remove("QSTASH_DEV_QUOTA")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    if let Some(q) = env {
        cmd.env("QSTASH_DEV_QUOTA", q);
    }
    let mut child = cmd.spawn().expect("spawn qstash-dev");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let mut out = Vec::new();
    for line in lines.by_ref() {
        let line = line.expect("read stdout");
        let done = line.starts_with("quota:");
        out.push(line);
        if done {
            break;
        }
    }
    std::thread::spawn(move || {
        let _dir = dir;
        for _ in lines {}
    });
    (child, out)
}

struct Kill(std::process::Child);

impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_selects_the_quota() {
    for (args, env, want) in [
        (&[][..], None, Quota::Payg),
        (&["--quota", "free"][..], None, Quota::Free),
        (&["--quota=pro"][..], None, Quota::Pro),
        (&[][..], Some("free"), Quota::Free),
        (&["-quota", "payg"][..], Some("free"), Quota::Payg),
    ] {
        let (child, lines) = spawn(args, env);
        let _kill = Kill(child);
        let ready = lines
            .iter()
            .find(|l| l.contains("running at"))
            .unwrap_or_else(|| panic!("no ready line in {lines:?}"));
        assert!(
            ready.ends_with(&format!("(quota: {want})")),
            "{args:?} {env:?}: {ready}"
        );
        let url = lines
            .iter()
            .find_map(|l| l.strip_prefix("QSTASH_URL="))
            .expect("QSTASH_URL line");
        let api = Api::new(url, qstash_server::app::USERS[0].token);
        // Limits that tell the three quotas apart cheaply: 1 URL group on free; retries 3 on
        // free, 5 on payg, 20 on pro.
        fill(&api, Kind::Group, 1).await;
        let r = create(&api, Kind::Group, 1).await;
        if want == Quota::Free {
            assert_412(&r, "URL group limit reached", want, 1);
        } else {
            assert_eq!(r.status, 200, "{want}: {}", r.text);
        }
        for retries in [4u32, 6] {
            let n = retries.to_string();
            let r = api
                .call(
                    "POST",
                    &format!("/v2/publish/{DEST}"),
                    &[("Upstash-Retries", &n), ("Upstash-Delay", "1h")],
                    "x",
                )
                .await;
            let expect = if retries <= want.limits().max_retries {
                200
            } else {
                412
            };
            assert_eq!(r.status, expect, "{want} retries {retries}: {}", r.text);
        }
    }
}

#[test]
fn cli_rejects_an_unknown_quota_and_documents_the_limits() {
    for (args, env) in [
        (&["--quota", "enterprise"][..], None),
        (&["--quota"][..], None),
        (&[][..], Some("gold")),
    ] {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_qstash-dev"));
        cmd.args(["--port", "0"])
            .args(args)
            .env_remove("QSTASH_DEV_QUOTA");
        if let Some(q) = env {
            cmd.env("QSTASH_DEV_QUOTA", q);
        }
        let out = cmd.output().expect("run qstash-dev");
        assert_eq!(out.status.code(), Some(2), "{args:?} {env:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("quota"), "{err}");
    }
    let out = Command::new(env!("CARGO_BIN_EXE_qstash-dev"))
        .arg("--help")
        .output()
        .expect("run --help");
    let help = String::from_utf8_lossy(&out.stderr);
    assert!(help.contains("--quota free|payg|pro"), "{help}");
    assert!(help.contains("QSTASH_DEV_QUOTA"), "{help}");
    for q in Quota::ALL {
        let l = q.limits();
        let line = help
            .lines()
            .position(|s| s.trim_start().starts_with(&format!("{q}:")))
            .unwrap_or_else(|| panic!("no {q} line in {help}"));
        let text: String = help.lines().skip(line).take(3).collect();
        for want in [
            format!("{} URL groups", l.url_groups),
            format!("{} schedules", l.schedules),
            format!("{} queues", l.queues),
            format!("queue parallelism {}", l.queue_parallelism),
            format!("{} retries", l.max_retries),
        ] {
            assert!(text.contains(&want), "{q}: {want:?} not in {text:?}");
        }
    }
}
