//! Listing benchmark (not a test): filtered `GET /v2/logs` and DLQ listings over a large
//! database, timed over loopback HTTP against the real server.
//!
//! Run: `bench/server/listing.sh` (release build), which writes `bench/server/LISTING.md`.
//!
//! The database is filled directly through the store (deterministic ids, bodies and times;
//! seconds instead of the minutes publishing and delivering would take): 30,000 finished
//! messages (one in 20 with a 100 KiB body, the rest 300 bytes) with about 105,000 log
//! events, and a DLQ entry for each of the 20,000 failed ones. Each query runs until it has
//! 5 samples or 2 s; the table shows the median and the fastest. The `result` column is a
//! fingerprint of the first page (entries, whether a cursor followed, and a hash of the
//! entries' ids, states and relative times) so that two runs, before and after a change,
//! can be compared for identical answers.

use qstash_server::app::USERS;
use qstash_server::config::{Config, Synchronous};
use qstash_server::model::{FlowControl, HeaderMap, LogState, Redact};
use qstash_server::store::dlq::LastResponse;
use qstash_server::store::logs::LogExtra;
use qstash_server::store::messages::{self, StoredMessage};
use qstash_server::store::{dlq, logs, Store};
use std::time::{Duration, Instant};

/// Messages in the database.
const MESSAGES: usize = 30_000;
/// Gap between two messages' creation times: 30,000 messages span about 1 h 40 min.
const STEP_MS: i64 = 200;

/// The message layout every query below is written against.
struct Shape {
    url: String,
    labels: Vec<String>,
    queue: Option<String>,
    fc_key: Option<String>,
    topic: Option<String>,
    big_body: bool,
    /// Ends in the DLQ (two in three messages).
    failed: bool,
    /// Failed after a retry (ERROR, RETRY, ACTIVE before FAILED).
    retried: bool,
    /// Cancelled instead of attempted (30 messages).
    cancelled: bool,
}

fn shape(i: usize) -> Shape {
    let mut labels = Vec::new();
    if i.is_multiple_of(10) {
        labels.push("common".to_string());
    }
    if i % 3000 == 1 {
        labels.push("rare".to_string());
    }
    let queue = if i % 5000 == 3 {
        Some("q-rare".to_string())
    } else if i.is_multiple_of(4) {
        Some(format!("q{}", (i / 4) % 5))
    } else {
        None
    };
    let cancelled = i % 1000 == 7;
    Shape {
        url: format!("http://sink-{}.local/path/{}", i % 20, i % 5),
        labels,
        queue,
        fc_key: i.is_multiple_of(7).then(|| "fc-a".to_string()),
        topic: i.is_multiple_of(11).then(|| "group-a".to_string()),
        big_body: i.is_multiple_of(20),
        failed: !cancelled && !i.is_multiple_of(3),
        retried: !cancelled && !i.is_multiple_of(3) && i % 4 == 1,
        cancelled,
    }
}

fn message(i: usize, created: i64) -> StoredMessage {
    let s = shape(i);
    let mut headers = HeaderMap::new();
    headers.insert("User-Agent".into(), vec!["bench/1.0".into()]);
    headers.insert("X-Request-Id".into(), vec![format!("req-{i:08}")]);
    headers.insert(
        "Upstash-Forward-Authorization".into(),
        vec!["Bearer abcdefghijklmnopqrstuvwxyz0123456789".into()],
    );
    StoredMessage {
        id: msg_id(i),
        user: 1,
        url: s.url,
        topic_name: s.topic.clone(),
        endpoint_name: s.topic.map(|_| "endpoint-1".to_string()),
        method: "POST".into(),
        headers,
        content_type: Some("application/json".into()),
        max_retries: 3,
        retry_delay: None,
        timeout_ms: 30_000,
        not_before_ms: created,
        created_ms: created,
        callback: None,
        failure_callback: None,
        labels: s.labels,
        redact: Redact::default(),
        queue: s.queue,
        flow_control: s.fc_key.map(|key| FlowControl {
            key,
            parallelism: Some(2),
            rate: None,
            period_secs: 1,
        }),
        caller_ip: Some("127.0.0.1".into()),
        schedule_id: None,
        parent_id: None,
        is_callback: false,
        holds_queue: None,
    }
}

fn msg_id(i: usize) -> String {
    format!("msg_bench{i:08}")
}

fn body(i: usize) -> Vec<u8> {
    let n = if shape(i).big_body { 100 * 1024 } else { 300 };
    (0..n).map(|k| b'a' + ((i + k) % 26) as u8).collect()
}

/// Fills the database; returns (events, DLQ entries).
fn fill(path: &std::path::Path, base: i64) -> (usize, usize) {
    let mut c = rusqlite::Connection::open(path).expect("open");
    c.pragma_update(None, "journal_mode", "WAL").expect("wal");
    c.pragma_update(None, "synchronous", "NORMAL")
        .expect("sync");
    let tx = c.transaction().expect("tx");
    let (mut events, mut dead) = (0, 0);
    let error = LogExtra {
        error: Some("destination answered 500".into()),
        response_status: Some(500),
        response_body: Some("{\"error\":\"internal\"}".into()),
        ..LogExtra::default()
    };
    for i in 0..MESSAGES {
        let s = shape(i);
        let t = base + i as i64 * STEP_MS;
        let m = message(i, t);
        messages::insert(&tx, &m, &body(i), t).expect("insert message");
        let mut ev = |dt: i64, st: LogState, extra: Option<&LogExtra>| {
            logs::insert(&tx, 1, &m.id, t + dt, st, extra).expect("insert event");
            events += 1;
        };
        ev(0, LogState::Created, None);
        if s.cancelled {
            ev(5, LogState::CancelRequested, None);
            ev(6, LogState::Cancelled, None);
            messages::finish(&tx, &m.id, messages::status::CANCELLED, t + 6).expect("finish");
            continue;
        }
        ev(10, LogState::Active, None);
        if s.retried {
            ev(20, LogState::Error, Some(&error));
            let retry = LogExtra {
                next_delivery_time: Some(t + 100),
                ..LogExtra::default()
            };
            ev(21, LogState::Retry, Some(&retry));
            ev(100, LogState::Active, None);
        }
        if !s.failed {
            ev(120, LogState::Delivered, None);
            messages::finish(&tx, &m.id, messages::status::DELIVERED, t + 120).expect("finish");
            continue;
        }
        ev(120, LogState::Failed, Some(&error));
        messages::finish(&tx, &m.id, messages::status::FAILED, t + 120).expect("finish");
        let mut rh = HeaderMap::new();
        rh.insert("Content-Type".into(), vec!["application/json".into()]);
        let resp = LastResponse {
            status: if i % 10 == 1 { 404 } else { 500 },
            headers: rh,
            body: b"{\"error\":\"internal\"}".to_vec(),
        };
        dlq::insert(&tx, 1, &format!("dlq_bench{i:08}"), &m.id, t + 120, &resp)
            .expect("insert dlq");
        dead += 1;
    }
    tx.commit().expect("commit");
    (events, dead)
}

/// FNV-1a over the parts that identify a page's entries.
fn fnv(h: &mut u64, s: &str) {
    for b in s.bytes().chain([0xff]) {
        *h ^= b as u64;
        *h = h.wrapping_mul(0x100_0000_01b3);
    }
}

fn fingerprint(v: &serde_json::Value, list: &str, base: i64) -> String {
    let items = v[list].as_array().cloned().unwrap_or_default();
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    for it in &items {
        for k in ["messageId", "state", "dlqId"] {
            if let Some(s) = it[k].as_str() {
                fnv(&mut h, s);
            }
            if let Some(s) = it["message"][k].as_str() {
                fnv(&mut h, s);
            }
        }
        if let Some(t) = it["time"].as_i64() {
            fnv(&mut h, &(t - base).to_string());
        }
        // Bodies are part of the answer: a wrong body is a wrong answer.
        for k in ["body", "bodyBase64"] {
            if let Some(s) = it[k].as_str().or(it["message"][k].as_str()) {
                fnv(&mut h, &s.len().to_string());
            }
        }
    }
    let more = if v["cursor"].as_str().is_some_and(|c| !c.is_empty()) {
        "+"
    } else {
        ""
    };
    format!("{}{more} {:06x}", items.len(), h & 0xff_ffff)
}

struct Row {
    what: String,
    median_ms: f64,
    min_ms: f64,
    result: String,
}

async fn time_query(
    http: &reqwest::Client,
    method: reqwest::Method,
    url: &str,
    list: &str,
    base: i64,
) -> (f64, f64, String) {
    let mut samples = Vec::new();
    let mut result = String::new();
    let started = Instant::now();
    // One unmeasured run first: the page cache and the read connection are warm for all.
    for i in 0..6 {
        let t = Instant::now();
        let r = http
            .request(method.clone(), url)
            .bearer_auth(USERS[0].token)
            .send()
            .await
            .expect("request");
        let status = r.status();
        let bytes = r.bytes().await.expect("body");
        let el = t.elapsed();
        assert!(
            status.is_success(),
            "{url}: {status} {}",
            String::from_utf8_lossy(&bytes)
        );
        let v: serde_json::Value = serde_json::from_slice(&bytes).expect("json");
        result = fingerprint(&v, list, base);
        if i > 0 {
            samples.push(el);
        }
        if i > 0 && started.elapsed() > Duration::from_secs(2) {
            break;
        }
    }
    samples.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    (ms(samples[samples.len() / 2]), ms(samples[0]), result)
}

fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Runs the listing benchmark and prints its Markdown report.
pub async fn run() {
    let dir = std::env::temp_dir().join(format!("qstash-bench-listing-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut config = Config::new(dir.join("qstash.db"));
    config.synchronous = Synchronous::Normal;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("time")
        .as_millis() as i64;
    // Whole seconds, two hours back: inside retention, and clear of anything "now" does.
    let base = (now / 1000 - 2 * 3600) * 1000;
    // Opening the store once creates the schema (every migration) before the raw fill.
    drop(Store::open(&config).expect("create schema"));
    let t = Instant::now();
    let (events, dead) = fill(&config.db_path, base);
    let fill_secs = t.elapsed().as_secs_f64();
    let db_mib = std::fs::metadata(&config.db_path).map_or(0, |m| m.len()) as f64
        / (1024.0 * 1024.0)
        + std::fs::metadata(dir.join("qstash.db-wal")).map_or(0, |m| m.len()) as f64
            / (1024.0 * 1024.0);

    let (url, app) = super::start_server(config).await;
    let http = reqwest::Client::new();

    let mid = base + (MESSAGES as i64 / 2) * STEP_MS;
    let log_queries: Vec<(&str, String)> = vec![
        ("no filter, first page (100)", String::new()),
        ("no filter, count=1000", "count=1000".into()),
        ("url matching nothing", "url=http://nowhere.local/x".into()),
        ("host matching nothing", "host=nowhere.local".into()),
        (
            "flowControlKey matching nothing",
            "flowControlKey=fc-none".into(),
        ),
        ("label rare (10 messages)", "label=rare".into()),
        (
            "label rare, earliestFirst",
            "label=rare&order=earliestFirst".into(),
        ),
        ("label common (1 in 10)", "label=common".into()),
        ("state CANCELLED (30 messages)", "state=CANCELLED".into()),
        ("state IN_PROGRESS", "state=IN_PROGRESS".into()),
        (
            "state DELIVERED, count=1000",
            "state=DELIVERED&count=1000".into(),
        ),
        (
            "url (1 in 20 messages), count=1000",
            "url=http://sink-3.local/path/3&count=1000".into(),
        ),
        (
            "topicName (1 in 11), count=1000",
            "topicName=group-a&count=1000".into(),
        ),
        (
            "fromDate/toDate: 1 minute in the middle",
            format!("fromDate={mid}&toDate={}", mid + 60_000),
        ),
        (
            "fromDate after every event",
            format!("fromDate={}", base + 10 * 3600 * 1000),
        ),
        ("queueName q-rare (6 messages)", "queueName=q-rare".into()),
        (
            "queueName q1 (1 in 20), count=1000",
            "queueName=q1&count=1000".into(),
        ),
        (
            "messageId (one message)",
            format!("messageId={}", msg_id(12_345)),
        ),
        (
            "label rare + state FAILED",
            "label=rare&state=FAILED".into(),
        ),
    ];
    let dlq_queries: Vec<(&str, String)> = vec![
        ("no filter, first page (100)", String::new()),
        ("url matching nothing", "url=http://nowhere.local/x".into()),
        ("label rare", "label=rare".into()),
        ("label common", "label=common".into()),
        ("responseStatus 418 (nothing)", "responseStatus=418".into()),
        ("responseStatus 404 (1 in 10)", "responseStatus=404".into()),
        ("queueName q-rare", "queueName=q-rare".into()),
        ("topicName group-a", "topicName=group-a".into()),
        (
            "fromDate/toDate: 1 minute in the middle",
            format!("fromDate={mid}&toDate={}", mid + 60_000),
        ),
        ("dlqId (one entry)", format!("dlqId=dlq_bench{:08}", 12_344)),
    ];

    let mut log_rows = Vec::new();
    for (what, q) in &log_queries {
        let u = format!("{url}/v2/logs?{q}");
        let (median_ms, min_ms, result) =
            time_query(&http, reqwest::Method::GET, &u, "events", base).await;
        log_rows.push(Row {
            what: what.to_string(),
            median_ms,
            min_ms,
            result,
        });
    }
    let mut dlq_rows = Vec::new();
    for (what, q) in &dlq_queries {
        let u = format!("{url}/v2/dlq?{q}");
        let (median_ms, min_ms, result) =
            time_query(&http, reqwest::Method::GET, &u, "messages", base).await;
        dlq_rows.push(Row {
            what: format!("GET {what}"),
            median_ms,
            min_ms,
            result,
        });
    }
    for (what, method, q) in [
        (
            "DELETE url matching nothing",
            reqwest::Method::DELETE,
            "url=http://nowhere.local/x",
        ),
        (
            "POST retry, url matching nothing",
            reqwest::Method::POST,
            "url=http://nowhere.local/x",
        ),
    ] {
        let u = format!(
            "{url}/v2/dlq{}?{q}",
            if method == reqwest::Method::POST {
                "/retry"
            } else {
                ""
            }
        );
        let (median_ms, min_ms, result) = time_query(&http, method, &u, "responses", base).await;
        dlq_rows.push(Row {
            what: what.to_string(),
            median_ms,
            min_ms,
            result,
        });
    }
    // Destructive, so measured once, last.
    let rss_before = peak_rss_mib();
    let mut bulk = Vec::new();
    for (what, q) in [
        ("DELETE label common (once)", "?label=common"),
        ("DELETE everything left (once)", ""),
    ] {
        let t = Instant::now();
        let r = http
            .delete(format!("{url}/v2/dlq{q}"))
            .bearer_auth(USERS[0].token)
            .send()
            .await
            .expect("delete");
        let v: serde_json::Value = r.json().await.expect("json");
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        bulk.push(Row {
            what: what.to_string(),
            median_ms: ms,
            min_ms: ms,
            result: format!("deleted {}", v["deleted"]),
        });
    }
    let rss_after = peak_rss_mib();
    app.shutdown();
    let _ = std::fs::remove_dir_all(&dir);

    println!("# qstash-dev listing benchmark\n");
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!(
        "Machine: {cores} cores (shared). Release build, in-process server over loopback \
         HTTP/1.1. Database: {MESSAGES} finished messages (1 in 20 with a 100 KiB body), \
         {events} log events, {dead} DLQ entries, {db_mib:.0} MiB (filled in {fill_secs:.1} s). \
         Times are per request, through HTTP (median and fastest of up to 5 after a warm-up).\n"
    );
    println!("## `GET /v2/logs`\n");
    println!("| filter | median ms | min ms | result (entries, + = cursor, hash) |");
    println!("|---|---:|---:|---|");
    for r in &log_rows {
        println!(
            "| {} | {:.1} | {:.1} | {} |",
            r.what, r.median_ms, r.min_ms, r.result
        );
    }
    println!("\n## DLQ\n");
    println!("| request | median ms | min ms | result |");
    println!("|---|---:|---:|---|");
    for r in dlq_rows.iter().chain(&bulk) {
        println!(
            "| {} | {:.1} | {:.1} | {} |",
            r.what, r.median_ms, r.min_ms, r.result
        );
    }
    println!(
        "\nPeak RSS of the whole process: {rss_before:.0} MiB before the two bulk deletes, \
         {rss_after:.0} MiB after."
    );
}
