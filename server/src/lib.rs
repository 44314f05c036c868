//! A QStash-compatible local server: durable, signed deliveries with retries, DLQ,
//! callbacks, schedules, queues, URL groups and flow control, on SQLite.
//!
//! # Layout
//! - [`run`] (this file): builds the [`app::App`], starts the delivery engine and the
//!   scheduler, serves the HTTP API on a bound listener until the shutdown future resolves.
//! - `main.rs`: the `qstash-dev` CLI only (flags, tracing, bind, signals).
//! - [`config`]: [`config::Config`]. [`clock`]: the injected [`clock::Clock`].
//! - [`quota`]: plan limits (`--quota free|payg|pro`) the app enforces per user.
//! - [`rate_limit`]: opt-in API rate limits (429), burst and daily.
//! - [`model`]: domain inputs and the exact wire JSON of every resource.
//! - [`app`]: [`app::App`], the engine API the handlers call; [`app::AppError`].
//! - [`http`]: routes and one handler file per resource (server-http).
//! - [`parse`]: pure parsers for headers, durations, retry-delay expressions, cron.
//! - [`store`]: SQLite (WAL, group commit, migrations); all SQL lives here.
//! - [`delivery`]: the dispatcher (due time → queue → flow control → global cap) and the
//!   attempt worker (sign, send, retry/DLQ, callbacks).
//! - [`scheduler`]: cron firings. [`shutdown`]: the stop flag.

pub mod app;
pub mod clock;
pub mod config;
pub mod delivery;
pub mod http;
pub mod model;
pub mod parse;
pub mod quota;
pub mod rate_limit;
pub mod scheduler;
pub mod shutdown;
pub mod store;

use std::future::Future;
use std::net::SocketAddr;

pub use app::{App, AppError};
pub use config::Config;

/// Why the server could not run.
#[derive(Debug)]
pub struct RunError(pub String);

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RunError {}

/// Serves the API on `listener` until `shutdown` resolves.
///
/// Opens (or creates) the database, recovers pending messages (anything accepted but not
/// finished is delivered again — at least once), starts the delivery engine and scheduler.
/// On shutdown: stops accepting connections, lets in-flight requests finish, stops starting
/// new deliveries.
///
/// ```no_run
/// # async fn demo() -> Result<(), qstash_server::RunError> {
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
/// let config = qstash_server::Config::new("/tmp/qstash-demo.db");
/// qstash_server::run(listener, config, tokio::signal::ctrl_c()).await
/// # }
/// ```
pub async fn run(
    listener: tokio::net::TcpListener,
    config: Config,
    shutdown: impl Future + Send + 'static,
) -> Result<(), RunError> {
    let app = App::start(config).map_err(|e| RunError(e.to_string()))?;
    serve(listener, app, shutdown).await
}

/// Like [`run`] with an already started [`App`] (tests keep a handle to it).
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: App,
    shutdown: impl Future + Send + 'static,
) -> Result<(), RunError> {
    let stop = shutdown::Shutdown::new();
    let sched = tokio::spawn(scheduler::run(app.clone(), stop.subscribe()));
    // Housekeeping: drop logs, finished messages and DLQ entries past retention, hourly.
    let pruner = {
        let app = app.clone();
        let rx = stop.subscribe();
        tokio::spawn(async move {
            loop {
                if let Err(e) = app.prune().await {
                    tracing::warn!("prune: {e}");
                }
                tokio::select! {
                    _ = tokio::time::sleep(std::time::Duration::from_secs(3600)) => {}
                    _ = shutdown::wait(rx.clone()) => return,
                }
            }
        })
    };
    let router = http::router(app.clone());
    let rx = stop.subscribe();
    let served = axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown.await;
        stop.trigger();
        shutdown::wait(rx).await;
    })
    .await;
    app.shutdown();
    // Let running attempts record their outcome, so a clean stop causes no re-deliveries.
    app.engine().drain(std::time::Duration::from_secs(5)).await;
    let _ = sched.await;
    let _ = pruner.await;
    served.map_err(|e| RunError(format!("serve: {e}")))
}
