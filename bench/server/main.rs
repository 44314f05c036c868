//! Server load benchmark (not a test): durable publishes/s, deliveries/s and publish latency
//! of the real server over loopback HTTP, beside the raw limits measured in the same run on
//! the same machine (a minimal loopback HTTP server's req/s; SQLite commits/s).
//!
//! Run: `bench/server/run.sh` (release build), which writes `bench/server/RESULTS.md`.
//!
//! - publish: N concurrent publishers (1, 16, 64) POST `/v2/publish/<sink>` for a fixed time;
//!   messages carry `Upstash-Delay: 1h`, so the numbers are the durable publish path alone
//!   (200 only after the SQLite COMMIT, `synchronous=FULL` unless `--sync normal`).
//! - deliveries: a backlog of M messages is published with a 60 s delay under a test clock,
//!   the clock is advanced, and we time until the sink has received all M (signed, logged,
//!   recorded: the full delivery path; the clock only releases the backlog at once).
//! - raw: the same sink hammered directly by 64 client tasks; single-row SQLite commits.
//!
//! `server-bench listing` runs the listing benchmark of `listing.rs` instead
//! (`bench/server/listing.sh`).

mod listing;

use qstash_server::app::{App, USERS};
use qstash_server::clock::{Clock, TestClock};
use qstash_server::config::{Config, Synchronous};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

struct Opts {
    secs: f64,
    backlog: usize,
    sync: Synchronous,
}

fn opts() -> Opts {
    let mut o = Opts {
        secs: 3.0,
        backlog: 20_000,
        sync: Synchronous::Full,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let v = args.get(i + 1).cloned().unwrap_or_default();
        match args[i].as_str() {
            "--secs" => o.secs = v.parse().unwrap_or(o.secs),
            "--backlog" => o.backlog = v.parse().unwrap_or(o.backlog),
            "--sync" => {
                o.sync = if v == "normal" {
                    Synchronous::Normal
                } else {
                    Synchronous::Full
                }
            }
            _ => {}
        }
        i += 2;
    }
    o
}

fn temp_db(tag: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("qstash-bench-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d.join("qstash.db")
}

/// A minimal sink: counts requests, answers 200.
async fn start_sink() -> (String, Arc<AtomicU64>) {
    let count = Arc::new(AtomicU64::new(0));
    let c = count.clone();
    let router = axum::Router::new().fallback(move || {
        let c = c.clone();
        async move {
            c.fetch_add(1, Ordering::Relaxed);
            "ok"
        }
    });
    let l = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", l.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(l, router).await });
    (url, count)
}

async fn start_server(config: Config) -> (String, App) {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", l.local_addr().expect("addr"));
    let app = App::start(config).expect("start");
    let a2 = app.clone();
    tokio::spawn(async move { qstash_server::serve(l, a2, std::future::pending::<()>()).await });
    (url, app)
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(256)
        .build()
        .expect("client")
}

fn pct(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

struct PublishRow {
    sync: &'static str,
    conc: usize,
    n: usize,
    per_sec: f64,
    p50: f64,
    p99: f64,
}

async fn publish_phase(o: &Opts, sink: &str, conc: usize, sync: Synchronous) -> PublishRow {
    let mut config = Config::new(temp_db(&format!("pub{conc}")));
    config.synchronous = sync;
    let (url, app) = start_server(config).await;
    let http = client();
    let dest = format!("{url}/v2/publish/{sink}/x");
    let body = vec![b'x'; 256];
    let end = Instant::now() + Duration::from_secs_f64(o.secs);
    let t0 = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..conc {
        let http = http.clone();
        let dest = dest.clone();
        let body = body.clone();
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::new();
            while Instant::now() < end {
                let s = Instant::now();
                let r = http
                    .post(&dest)
                    .bearer_auth(USERS[0].token)
                    .header("Upstash-Delay", "1h")
                    .header("Content-Type", "application/octet-stream")
                    .body(body.clone())
                    .send()
                    .await
                    .expect("publish");
                assert_eq!(r.status(), 200);
                let _ = r.bytes().await;
                lat.push(s.elapsed());
            }
            lat
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.expect("task"));
    }
    let el = t0.elapsed().as_secs_f64();
    all.sort();
    app.shutdown();
    PublishRow {
        sync: match sync {
            Synchronous::Full => "FULL",
            Synchronous::Normal => "NORMAL",
        },
        conc,
        n: all.len(),
        per_sec: all.len() as f64 / el,
        p50: pct(&all, 0.5),
        p99: pct(&all, 0.99),
    }
}

async fn delivery_phase(o: &Opts) -> (usize, f64, f64) {
    let (sink, count) = start_sink().await;
    let clock = TestClock::new(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("time")
            .as_millis() as i64,
    );
    let mut config = Config::new(temp_db("deliver"));
    config.synchronous = o.sync;
    config.clock = Arc::new(clock.clone());
    let (url, app) = start_server(config).await;
    let http = client();
    let dest = format!("{url}/v2/publish/{sink}/d");
    let per = o.backlog / 64;
    let t0 = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..64 {
        let http = http.clone();
        let dest = dest.clone();
        tasks.push(tokio::spawn(async move {
            for _ in 0..per {
                let r = http
                    .post(&dest)
                    .bearer_auth(USERS[0].token)
                    .header("Upstash-Delay", "60s")
                    .body("hello")
                    .send()
                    .await
                    .expect("publish");
                assert_eq!(r.status(), 200);
            }
        }));
    }
    for t in tasks {
        t.await.expect("task");
    }
    let publish_secs = t0.elapsed().as_secs_f64();
    let n = per * 64;
    clock.advance_ms(61_000);
    let t1 = Instant::now();
    app.nudge();
    while (count.load(Ordering::Relaxed) as usize) < n {
        tokio::time::sleep(Duration::from_millis(5)).await;
        if t1.elapsed() > Duration::from_secs(300) {
            panic!("deliveries stalled at {}", count.load(Ordering::Relaxed));
        }
    }
    let secs = t1.elapsed().as_secs_f64();
    // Wait until every outcome is recorded (the engine is empty) for an honest number.
    while app.engine().pending_count() > 0 {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let secs_recorded = t1.elapsed().as_secs_f64();
    let _ = clock.now_ms();
    app.shutdown();
    let _ = publish_secs;
    (n, n as f64 / secs, n as f64 / secs_recorded)
}

async fn raw_http(o: &Opts) -> f64 {
    let (sink, _) = start_sink().await;
    let http = client();
    let end = Instant::now() + Duration::from_secs_f64(o.secs);
    let t0 = Instant::now();
    let done = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    for _ in 0..64 {
        let http = http.clone();
        let url = format!("{sink}/raw");
        let done = done.clone();
        tasks.push(tokio::spawn(async move {
            while Instant::now() < end {
                let r = http.post(&url).body("x").send().await.expect("raw");
                let _ = r.bytes().await;
                done.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    for t in tasks {
        t.await.expect("task");
    }
    done.load(Ordering::Relaxed) as f64 / t0.elapsed().as_secs_f64()
}

fn raw_sqlite(o: &Opts, sync: &str) -> f64 {
    let db = temp_db(&format!("sqlite-{sync}"));
    let c = rusqlite::Connection::open(&db).expect("open");
    c.pragma_update(None, "journal_mode", "WAL").expect("wal");
    c.pragma_update(None, "synchronous", sync).expect("sync");
    c.execute_batch("CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB)")
        .expect("create");
    let end = Instant::now() + Duration::from_secs_f64(o.secs);
    let t0 = Instant::now();
    let mut n = 0u64;
    let body = vec![b'x'; 256];
    while Instant::now() < end {
        c.execute("INSERT INTO t (v) VALUES (?1)", [&body])
            .expect("insert");
        n += 1;
    }
    n as f64 / t0.elapsed().as_secs_f64()
}

#[tokio::main]
async fn main() {
    if std::env::args().nth(1).as_deref() == Some("listing") {
        listing::run().await;
        return;
    }
    let o = opts();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let sync = match o.sync {
        Synchronous::Full => "FULL",
        Synchronous::Normal => "NORMAL",
    };
    println!("# qstash-dev server benchmark\n");
    println!(
        "Machine: {cores} cores (shared). Release build, in-process server and sink over loopback \
         HTTP/1.1, SQLite WAL synchronous={sync}, {:.0} s per measurement, 256-byte bodies.\n",
        o.secs
    );
    let sqlite_full = raw_sqlite(&o, "FULL");
    let sqlite_normal = raw_sqlite(&o, "NORMAL");
    let http = raw_http(&o).await;
    let (sink, _) = start_sink().await;
    let mut rows = Vec::new();
    for conc in [1, 16, 64] {
        rows.push(publish_phase(&o, &sink, conc, o.sync).await);
    }
    // For comparison: the same at 64 publishers with the other durability setting.
    let other = match o.sync {
        Synchronous::Full => Synchronous::Normal,
        Synchronous::Normal => Synchronous::Full,
    };
    rows.push(publish_phase(&o, &sink, 64, other).await);
    let (n, per_sec, recorded_per_sec) = delivery_phase(&o).await;
    println!("## Raw limits (same run)\n");
    println!("| what | per second |\n|---|---:|");
    println!("| loopback HTTP, minimal server, 64 client tasks | {http:.0} req/s |");
    println!("| SQLite single-row commits, synchronous=FULL | {sqlite_full:.0} commits/s |");
    println!("| SQLite single-row commits, synchronous=NORMAL | {sqlite_normal:.0} commits/s |");
    println!("\n## Durable publishes (`POST /v2/publish`, 200 after COMMIT)\n");
    println!("| synchronous | concurrent publishers | publishes | publishes/s | p50 ms | p99 ms |");
    println!("|---|---:|---:|---:|---:|---:|");
    for r in rows {
        println!(
            "| {} | {} | {} | {:.0} | {:.2} | {:.2} |",
            r.sync, r.conc, r.n, r.per_sec, r.p50, r.p99
        );
    }
    println!("\n## Deliveries (backlog released at once)\n");
    println!("| messages | delivered/s (arrived at sink) | delivered/s (outcome recorded) |");
    println!("|---:|---:|---:|");
    println!("| {n} | {per_sec:.0} | {recorded_per_sec:.0} |");
}
