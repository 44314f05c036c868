//! `qstash-dev`: the CLI. Parses flags, sets up tracing, binds, prints the ready line and
//! runs the server until SIGINT/SIGTERM. Nothing else lives here.

use qstash_server::app::USERS;
use qstash_server::config::{Config, Region, Synchronous};
use qstash_server::quota::{short_duration, Quota};
use std::process::ExitCode;

const USAGE: &str = "qstash-dev — a QStash-compatible local server

USAGE: qstash-dev [--port N] [--host ADDR] [--db PATH] [--sync full|normal]
                  [--quota free|payg|pro] [--max-in-flight N] [--retention-days N]
                  [--region eu-central-1|us-east-1] [--rate-limit N] [--daily-limit N]

  --port N       port to listen on (env QSTASH_DEV_PORT, default 8080; 0 = any free port)
  --host ADDR    address to bind (default 127.0.0.1)
  --db PATH      SQLite database (default ./.qstash-dev/qstash.db)
  --sync MODE    full (default): every acknowledged publish survives power loss;
                 normal: survives a crash of this process, faster
  --quota PLAN   plan limits to simulate, per user (env QSTASH_DEV_QUOTA, default payg);
                 over a limit: 412 (counts, retries, delay, timeout) or 413 (size)
{quotas}  --max-in-flight N   deliveries in flight at once, all users (default 1000)
  --region R     send `Upstash-Region: R` with every delivery, as multi-region QStash does
                 (env QSTASH_DEV_REGION; eu-central-1 or us-east-1; default: no header)
  --rate-limit N  at most N requests per second per user to every endpoint but publish,
                 enqueue and batch; more get 429 with Burst-RateLimit-* headers
                 (env QSTASH_DEV_RATE_LIMIT; default: no limit)
  --daily-limit N  at most N messages per UTC day per user (publish and enqueue count 1,
                 a batch its items); more get 429 with RateLimit-* headers
                 (env QSTASH_DEV_DAILY_LIMIT; default: no limit)
  --retention-days N  keep logs, finished messages and DLQ entries N days
                      (default: the quota's retention)
  dev            accepted and ignored (compatibility with `qstash dev`)
";

struct Args {
    port: u16,
    host: String,
    db: String,
    sync: Synchronous,
    max_in_flight: Option<u32>,
    region: Option<Region>,
    rate_limit: Option<u32>,
    daily_limit: Option<u64>,
    retention_days: Option<u32>,
    quota: Quota,
}

/// `--help`: [`USAGE`] with each quota's limits filled in from [`Quota::limits`], so the
/// text cannot drift from what the server enforces.
fn usage() -> String {
    let mut quotas = String::new();
    for q in Quota::ALL {
        let l = q.limits();
        quotas.push_str(&format!(
            "                   {:<5} {} URL groups, {} endpoints/group, {} schedules, {} queues,\n\
             \x20                        queue parallelism {}, {} MiB messages, {} retries, delay {},\n\
             \x20                        timeout {}, retention {} days\n",
            format!("{q}:"),
            l.url_groups,
            l.endpoints_per_group,
            l.schedules,
            l.queues,
            l.queue_parallelism,
            l.max_message_bytes / (1024 * 1024),
            l.max_retries,
            short_duration(l.max_delay_secs),
            short_duration(l.max_timeout_secs),
            l.retention_days,
        ));
    }
    USAGE.replace("{quotas}", &quotas)
}

fn parse_quota(v: &str, source: &str) -> Result<Quota, String> {
    Quota::parse(v).ok_or_else(|| format!("bad {source} {v:?} (free|payg|pro)"))
}

fn parse_region(v: &str, source: &str) -> Result<Region, String> {
    Region::parse(v).ok_or_else(|| format!("bad {source} {v:?} (eu-central-1|us-east-1)"))
}

/// A count that must be at least 1.
fn positive<T: std::str::FromStr + PartialOrd + From<u8>>(
    v: &str,
    source: &str,
) -> Result<T, String> {
    v.parse()
        .ok()
        .filter(|n| *n >= T::from(1))
        .ok_or_else(|| format!("bad {source} {v:?} (a whole number, at least 1)"))
}

/// [`positive`] from an environment variable; unset or empty is `None`.
fn env_positive<T: std::str::FromStr + PartialOrd + From<u8>>(
    name: &str,
) -> Result<Option<T>, String> {
    match std::env::var(name) {
        Ok(v) if !v.is_empty() => positive(&v, name).map(Some),
        _ => Ok(None),
    }
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        port: match std::env::var("QSTASH_DEV_PORT") {
            Ok(p) => p
                .parse()
                .map_err(|_| format!("bad QSTASH_DEV_PORT {p:?}"))?,
            Err(_) => 8080,
        },
        host: "127.0.0.1".into(),
        db: "./.qstash-dev/qstash.db".into(),
        sync: Synchronous::Full,
        max_in_flight: None,
        retention_days: None,
        region: match std::env::var("QSTASH_DEV_REGION") {
            Ok(r) if !r.is_empty() => Some(parse_region(&r, "QSTASH_DEV_REGION")?),
            _ => None,
        },
        rate_limit: env_positive("QSTASH_DEV_RATE_LIMIT")?,
        daily_limit: env_positive("QSTASH_DEV_DAILY_LIMIT")?,
        // An empty variable counts as unset (`QSTASH_DEV_QUOTA= qstash-dev`).
        quota: match std::env::var("QSTASH_DEV_QUOTA") {
            Ok(q) if !q.is_empty() => parse_quota(&q, "QSTASH_DEV_QUOTA")?,
            _ => Quota::default(),
        },
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        // Accept `--flag value`, `--flag=value` and Go-style single dashes.
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) => (f.trim_start_matches('-').to_string(), Some(v.to_string())),
            None => (arg.trim_start_matches('-').to_string(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| it.next())
                .ok_or_else(|| format!("--{name} needs a value"))
        };
        match flag.as_str() {
            "port" => {
                let v = value("port")?;
                a.port = v.parse().map_err(|_| format!("bad --port {v:?}"))?;
            }
            "host" => a.host = value("host")?,
            "db" => a.db = value("db")?,
            "sync" => {
                a.sync = match value("sync")?.as_str() {
                    "full" => Synchronous::Full,
                    "normal" => Synchronous::Normal,
                    v => return Err(format!("bad --sync {v:?} (full|normal)")),
                }
            }
            "max-in-flight" => {
                let v = value("max-in-flight")?;
                a.max_in_flight = Some(
                    v.parse()
                        .ok()
                        .filter(|n| *n > 0)
                        .ok_or_else(|| format!("bad --max-in-flight {v:?}"))?,
                );
            }
            "retention-days" => {
                let v = value("retention-days")?;
                a.retention_days = Some(
                    v.parse()
                        .ok()
                        .filter(|n| *n > 0)
                        .ok_or_else(|| format!("bad --retention-days {v:?}"))?,
                );
            }
            "quota" => a.quota = parse_quota(&value("quota")?, "--quota")?,
            "rate-limit" => a.rate_limit = Some(positive(&value("rate-limit")?, "--rate-limit")?),
            "daily-limit" => {
                a.daily_limit = Some(positive(&value("daily-limit")?, "--daily-limit")?)
            }
            "region" => a.region = Some(parse_region(&value("region")?, "--region")?),
            "dev" => {}
            "h" | "help" => return Err(String::new()),
            _ => return Err(format!("unknown argument {arg:?}")),
        }
    }
    Ok(a)
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            if !e.is_empty() {
                eprintln!("error: {e}\n");
            }
            eprint!("{}", usage());
            return ExitCode::from(2);
        }
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        // Colour only on a terminal: logs redirected to a file stay plain text.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let listener = match tokio::net::TcpListener::bind((args.host.as_str(), args.port)).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("FTL cannot listen on {}:{}: {e}", args.host, args.port);
            return ExitCode::from(1);
        }
    };
    let addr = match listener.local_addr() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("FTL {e}");
            return ExitCode::from(1);
        }
    };
    let mut config = Config::new(&args.db);
    config.synchronous = args.sync;
    config.quota = args.quota;
    config.region = args.region;
    config.burst_rate_limit = args.rate_limit;
    config.daily_message_limit = args.daily_limit;
    if let Some(n) = args.max_in_flight {
        config.max_in_flight = n;
    }
    let retention_days = args
        .retention_days
        .unwrap_or(args.quota.limits().retention_days);
    config.retention_ms = i64::from(retention_days) * 86_400_000;
    let app = match qstash_server::App::start(config) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("FTL cannot open {}: {e}", args.db);
            return ExitCode::from(1);
        }
    };
    let host = if addr.ip().is_loopback() {
        "127.0.0.1".to_string()
    } else {
        addr.ip().to_string()
    };
    // The official SDK's dev mode waits for a stdout line matching /runn+ing( at|\.)/i.
    // The quota goes after the URL, separated by a space: harnesses match `running at (\S+)`.
    println!(
        "qstash-dev is running at http://{host}:{} (quota: {})",
        addr.port(),
        args.quota
    );
    println!("QSTASH_URL=http://{host}:{}", addr.port());
    println!("QSTASH_TOKEN={}", USERS[0].token);
    println!("QSTASH_CURRENT_SIGNING_KEY={}", USERS[0].current_key);
    println!("QSTASH_NEXT_SIGNING_KEY={}", USERS[0].next_key);
    println!("database: {}", args.db);
    println!("quota: {} (retention {retention_days} days)", args.quota);
    if let Some(n) = args.rate_limit {
        println!("rate limit: {n} requests/s per user (publish, enqueue, batch exempt)");
    }
    if let Some(n) = args.daily_limit {
        println!("daily limit: {n} messages per user");
    }
    if let Some(r) = args.region {
        println!("region: {} (sent as Upstash-Region)", r.header_value());
    }
    match qstash_server::serve(listener, app, shutdown_signal()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("FTL {e}");
            ExitCode::from(1)
        }
    }
}
