//! Crash safety of the real `qstash-dev` binary: SIGKILL it repeatedly while a few thousand
//! messages are published; after a final restart every acknowledged message reaches the
//! destination at least once, queues keep their order, schedules survive.

mod support;

use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use support::*;

struct Proc {
    child: Child,
    url: String,
}

/// Starts `qstash-dev` on a free port with `db`; waits for its ready line.
fn spawn(db: &std::path::Path) -> Proc {
    let mut child = Command::new(env!("CARGO_BIN_EXE_qstash-dev"))
        .args(["--port", "0", "--db"])
        .arg(db)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn qstash-dev");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let mut url = None;
    let mut running = false;
    for line in lines.by_ref() {
        let line = line.expect("read stdout");
        if line.to_ascii_lowercase().contains("running") {
            running = true;
        }
        if let Some(u) = line.strip_prefix("QSTASH_URL=") {
            url = Some(u.to_string());
        }
        if line.starts_with("QSTASH_NEXT_SIGNING_KEY=") {
            break;
        }
    }
    assert!(running, "ready line contains 'running'");
    // Keep draining stdout so the child never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Proc {
        child,
        url: url.expect("QSTASH_URL line"),
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        // A failing assertion must not leave the server running.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn kill9(p: &mut Proc) {
    // `Child::kill` is SIGKILL on Unix: no graceful shutdown, no flush.
    p.child.kill().expect("kill");
    let _ = p.child.wait();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_loses_no_acknowledged_message() {
    let dir = TempDir::new("crash");
    let db = dir.db();
    let sink = Sink::start().await;
    // Every 7th message fails its first attempt (retried 100 ms later) and answers are a bit
    // slow, so kills hit messages waiting, in flight and between retries.
    sink.respond(|r| {
        let retried = r.header("upstash-retried");
        let n: usize = String::from_utf8_lossy(&r.body)
            .rsplit('-')
            .next()
            .and_then(|x| x.parse().ok())
            .unwrap_or(0);
        if n.is_multiple_of(7) && retried == "0" {
            Reply::status(500)
        } else {
            Reply::ok().delay(Duration::from_millis(5))
        }
    });
    let acked: Arc<Mutex<HashSet<String>>> = Arc::new(Mutex::new(HashSet::new()));
    let mut queued_order: Vec<String> = Vec::new();
    let mut counter = 0usize;
    const ROUNDS: usize = 4;
    const PER_ROUND: usize = 800;
    let mut schedule_id = String::new();
    for round in 0..ROUNDS {
        let mut p = spawn(&db);
        let api = Api::new(&p.url, qstash_server::app::USERS[0].token);
        if round == 0 {
            let r = api
                .call(
                    "POST",
                    &format!("/v2/schedules/{}", sink.at("/sched")),
                    &[("Upstash-Cron", "0 0 1 1 *")],
                    "s",
                )
                .await;
            assert_eq!(r.status, 200, "{}", r.text);
            schedule_id = r.json()["scheduleId"].as_str().expect("id").to_string();
            api.call(
                "POST",
                "/v2/queues",
                &[("Content-Type", "application/json")],
                r#"{"queueName":"crashq","parallelism":1}"#,
            )
            .await;
        }
        // A few strictly ordered queue messages per round.
        for _ in 0..20 {
            let body = format!("q-{}", queued_order.len());
            let r = api
                .call(
                    "POST",
                    &format!("/v2/enqueue/crashq/{}", sink.at("/queue")),
                    &[("Upstash-Retry-Delay", "100")],
                    body.clone(),
                )
                .await;
            assert_eq!(r.status, 200, "{}", r.text);
            queued_order.push(body);
        }
        // 16 concurrent publishers; kill the server mid-stream.
        let mut tasks = Vec::new();
        let start = counter;
        counter += PER_ROUND * 2;
        for w in 0..16 {
            let api = api.clone();
            let acked = acked.clone();
            let dest = sink.at("/m");
            tasks.push(tokio::spawn(async move {
                let mut i = start + w;
                while i < start + PER_ROUND * 2 {
                    let r = tokio::time::timeout(
                        Duration::from_secs(10),
                        api.try_call(
                            "POST",
                            &format!("/v2/publish/{dest}"),
                            // Half are delayed, so every kill leaves a backlog that only
                            // the database remembers.
                            &[
                                ("Upstash-Retry-Delay", "100"),
                                (
                                    "Upstash-Delay",
                                    if i.is_multiple_of(2) { "1s" } else { "0s" },
                                ),
                            ],
                            format!("m-{i}"),
                        ),
                    )
                    .await;
                    match r {
                        Ok(Some((200, text))) => {
                            let v: serde_json::Value = serde_json::from_str(&text).expect("json");
                            let id = v["messageId"].as_str().expect("id").to_string();
                            acked.lock().expect("lock").insert(id);
                        }
                        // Killed: connection refused / reset. Not acknowledged.
                        _ => return,
                    }
                    i += 16;
                }
            }));
        }
        // Kill once this round acknowledged PER_ROUND messages (or all are done).
        let target = acked.lock().expect("lock").len() + PER_ROUND;
        eventually("round acks", Duration::from_secs(120), || {
            let acked = acked.clone();
            async move { (acked.lock().expect("lock").len() >= target).then_some(()) }
        })
        .await;
        kill9(&mut p);
        for t in tasks {
            let _ = t.await;
        }
    }
    let total = acked.lock().expect("lock").len();
    assert!(total >= ROUNDS * PER_ROUND, "{total} acknowledged");
    // Final restart: everything acknowledged arrives.
    let delivered_before: HashSet<String> = sink
        .requests_to("/m")
        .iter()
        .map(|r| r.header("upstash-message-id"))
        .collect();
    let pending_at_restart = acked
        .lock()
        .expect("lock")
        .difference(&delivered_before)
        .count();
    eprintln!(
        "{total} acknowledged, {pending_at_restart} not yet delivered before the final restart"
    );
    let mut p = spawn(&db);
    let want: HashSet<String> = acked.lock().expect("lock").clone();
    let missing = eventually(
        "all acknowledged messages delivered",
        Duration::from_secs(180),
        || {
            let sink = sink.clone();
            let want = want.clone();
            async move {
                let got: HashSet<String> = sink
                    .requests_to("/m")
                    .iter()
                    .map(|r| r.header("upstash-message-id"))
                    .collect();
                let missing = want.difference(&got).count();
                (missing == 0).then_some(missing)
            }
        },
    )
    .await;
    assert_eq!(missing, 0);
    // Queue order survived the kills (duplicates allowed, order of first arrivals strict).
    let n = queued_order.len();
    let first_order = eventually(
        "every queued message delivered",
        Duration::from_secs(120),
        || {
            let sink = sink.clone();
            async move {
                let mut seen = HashSet::new();
                let mut first_order = Vec::new();
                for r in sink.requests_to("/queue") {
                    let b = String::from_utf8_lossy(&r.body).into_owned();
                    if seen.insert(b.clone()) {
                        first_order.push(b);
                    }
                }
                (first_order.len() == n).then_some(first_order)
            }
        },
    )
    .await;
    assert_eq!(first_order, queued_order);
    // The schedule is still there.
    let api = Api::new(&p.url, qstash_server::app::USERS[0].token);
    let s = api.get(&format!("/v2/schedules/{schedule_id}")).await;
    assert_eq!(s.status, 200, "{}", s.text);
    assert!(s.json()["nextScheduleTime"].as_i64().is_some());
    kill9(&mut p);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_stops_gracefully_and_keeps_pending_messages() {
    let dir = TempDir::new("term");
    let sink = Sink::start().await;
    let mut p = spawn(&dir.db());
    let api = Api::new(&p.url, qstash_server::app::USERS[0].token);
    let id = api
        .publish_id(&sink.at("/later"), &[("Upstash-Delay", "1s")], "kept")
        .await;
    let pid = p.child.id().to_string();
    let st = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill -TERM");
    assert!(st.success());
    let status = eventually("exit after SIGTERM", WAIT, || {
        let r = p.child.try_wait().expect("try_wait");
        async move { r }
    })
    .await;
    assert!(status.success(), "exit status {status:?}");
    let _p2 = spawn(&dir.db());
    let got = sink.wait_for("/later", 1, WAIT).await;
    assert_eq!(got[0].header("upstash-message-id"), id);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_server_on_the_same_database_refuses_to_start() {
    let dir = TempDir::new("lock");
    let _first = spawn(&dir.db());
    let out = Command::new(env!("CARGO_BIN_EXE_qstash-dev"))
        .args(["--port", "0", "--db"])
        .arg(dir.db())
        .output()
        .expect("run second qstash-dev");
    assert!(!out.status.success());
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(text.contains("in use by another qstash-dev"), "{text}");
}
