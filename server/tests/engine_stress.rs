//! A mixed load through every dispatch rule at once: three queues (parallelism 1, 2, 3), two
//! flow-control keys (one with a rate), plain publishes, random first-attempt failures and
//! random answer times. Checked at the destination: every message delivered exactly once
//! (no crash here, so no duplicates), limits never exceeded, the parallelism-1 queue in order.

mod support;

use std::collections::HashMap;
use std::time::Duration;
use support::*;

/// A small deterministic hash (the test must be reproducible).
fn h(i: u64) -> u64 {
    let mut x = i.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    x ^= x >> 29;
    x.wrapping_mul(0xBF58_476D_1CE4_E5B9) >> 32
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mixed_load_respects_every_limit() {
    let srv = start_server().await;
    let sink = Sink::start().await;
    sink.respond(|r| {
        let n: u64 = String::from_utf8_lossy(&r.body)
            .rsplit('-')
            .next()
            .and_then(|x| x.parse().ok())
            .unwrap_or(0);
        let delay = Duration::from_millis(h(n) % 15);
        if h(n + 7).is_multiple_of(5) && r.header("upstash-retried") == "0" {
            Reply::status(503).delay(delay)
        } else {
            Reply::ok().delay(delay)
        }
    });
    let api = srv.api();
    for (q, p) in [("s1", 1), ("s2", 2), ("s3", 3)] {
        let r = api
            .call(
                "POST",
                "/v2/queues",
                &[("Content-Type", "application/json")],
                format!(r#"{{"queueName":"{q}","parallelism":{p}}}"#),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
    }
    const N: u64 = 300;
    let mut expected: HashMap<String, String> = HashMap::new();
    let mut s1_order = Vec::new();
    // Publish concurrently from 8 tasks to mix arrivals; the parallelism-1 queue's messages
    // come from task 0 alone, so their acceptance order is known.
    let mut tasks = Vec::new();
    for w in 0..9u64 {
        let api = api.clone();
        let sink = sink.clone();
        tasks.push(tokio::spawn(async move {
            let mut out = Vec::new();
            let (mut i, step) = if w == 0 { (0, 6) } else { (w - 1, 8) };
            while i < N {
                let kind = i % 6;
                if (w == 0) != (kind == 0) {
                    i += step;
                    continue;
                }
                let body = format!("k{kind}-{i}");
                let common = [("Upstash-Retry-Delay", "20"), ("Upstash-Retries", "3")];
                let (path, id) = match kind {
                    0..=2 => {
                        let q = format!("s{}", kind + 1);
                        let r = api
                            .call(
                                "POST",
                                &format!("/v2/enqueue/{q}/{}", sink.at(&format!("/{q}"))),
                                &common,
                                body.clone(),
                            )
                            .await;
                        assert_eq!(r.status, 200, "{}", r.text);
                        (q, r.json()["messageId"].as_str().expect("id").to_string())
                    }
                    3 | 4 => {
                        let (key, value) = if kind == 3 {
                            ("fa", "parallelism=2")
                        } else {
                            ("fb", "parallelism=3, rate=40, period=1s")
                        };
                        let mut hs = common.to_vec();
                        hs.push(("Upstash-Flow-Control-Key", key));
                        hs.push(("Upstash-Flow-Control-Value", value));
                        let id = api
                            .publish_id(&sink.at(&format!("/{key}")), &hs, body.clone())
                            .await;
                        (key.to_string(), id)
                    }
                    _ => (
                        "plain".to_string(),
                        api.publish_id(&sink.at("/plain"), &common, body.clone())
                            .await,
                    ),
                };
                out.push((i, path, id));
                i += step;
            }
            out
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.expect("publisher"));
    }
    all.sort();
    for (i, path, id) in &all {
        if path == "s1" {
            s1_order.push(format!("k0-{i}"));
        }
        expected.insert(id.clone(), path.clone());
    }
    assert_eq!(expected.len(), N as usize);
    // Every message succeeds exactly once.
    let ok = eventually("all delivered", Duration::from_secs(60), || {
        let sink = sink.clone();
        async move {
            let ok: Vec<Recorded> = sink
                .requests()
                .into_iter()
                .filter(|r| {
                    let n: u64 = String::from_utf8_lossy(&r.body)
                        .rsplit('-')
                        .next()
                        .and_then(|x| x.parse().ok())
                        .unwrap_or(0);
                    !(h(n + 7).is_multiple_of(5) && r.header("upstash-retried") == "0")
                })
                .collect();
            (ok.len() >= N as usize).then_some(ok)
        }
    })
    .await;
    let mut by_id: HashMap<String, usize> = HashMap::new();
    for r in &ok {
        *by_id.entry(r.header("upstash-message-id")).or_default() += 1;
        let want = &expected[&r.header("upstash-message-id")];
        assert!(
            r.path.starts_with(&format!("/{want}")),
            "{} to {}",
            r.path,
            want
        );
    }
    assert_eq!(by_id.len(), N as usize);
    assert!(
        by_id.values().all(|&c| c == 1),
        "a message was delivered twice"
    );
    // Limits, measured at the destination.
    let group = |prefix: &'static str| {
        move |r: &Recorded| r.path.starts_with(prefix).then(|| prefix.to_string())
    };
    assert_eq!(sink.max_overlap_by(group("/s1")), 1);
    assert!(sink.max_overlap_by(group("/s2")) <= 2);
    assert!(sink.max_overlap_by(group("/s3")) <= 3);
    assert!(sink.max_overlap_by(group("/fa")) <= 2);
    assert!(sink.max_overlap_by(group("/fb")) <= 3);
    // Parallelism-1 queue: strict order of first attempts, and a retry precedes the next one.
    let s1: Vec<String> = sink
        .requests_to("/s1")
        .iter()
        .map(|r| String::from_utf8_lossy(&r.body).into_owned())
        .collect();
    let mut dedup = s1.clone();
    dedup.dedup();
    assert_eq!(dedup, s1_order, "queue s1 out of order");
    // Rate: at most 40 dispatches of fb in any 700 ms (a 1 s period minus arrival jitter).
    let fb: Vec<std::time::Instant> = sink.requests_to("/fb").iter().map(|r| r.at).collect();
    for (i, t) in fb.iter().enumerate() {
        let in_window = fb[i..]
            .iter()
            .take_while(|u| **u < *t + Duration::from_millis(700))
            .count();
        assert!(in_window <= 40, "{in_window} fb dispatches within a period");
    }
}
