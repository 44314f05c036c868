//! Shared test helpers (server-engine and server-http use them).
//!
//! - [`start_server`]: the real server (`qstash_server::serve`) on `127.0.0.1:0` with a fresh
//!   database in a temp dir; [`TestServer::api`] talks to it as dev user 1.
//! - [`Sink`]: a local destination that records every request (method, path, headers, body,
//!   arrival time) and answers with a programmable [`Reply`]; it also measures how many
//!   requests were in flight at once.
//! - [`eventually`]: poll a condition until a deadline (tests never sleep a fixed time).
#![allow(dead_code)]

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use qstash_server::app::{App, USERS};
use qstash_server::config::Config;
use std::future::Future;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{oneshot, Notify};

/// Default deadline for waiting on deliveries.
pub const WAIT: Duration = Duration::from_secs(20);

/// A temp directory removed on drop.
#[derive(Debug)]
pub struct TempDir(pub PathBuf);

impl TempDir {
    /// A new empty directory under the system temp dir.
    pub fn new(tag: &str) -> TempDir {
        let n: u64 = rand_u64();
        let p =
            std::env::temp_dir().join(format!("qstash-test-{tag}-{}-{n:x}", std::process::id()));
        std::fs::create_dir_all(&p).expect("create temp dir");
        TempDir(p)
    }

    /// The database path inside it.
    pub fn db(&self) -> PathBuf {
        self.0.join("qstash.db")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn rand_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(Instant::now().elapsed().as_nanos());
    h.finish()
}

/// A running server.
pub struct TestServer {
    /// `http://127.0.0.1:<port>`.
    pub url: String,
    /// The engine, for direct calls.
    pub app: App,
    /// Temp dir with the database (kept alive as long as the server).
    pub dir: Arc<TempDir>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl TestServer {
    /// An API client as dev user 1.
    pub fn api(&self) -> Api {
        Api::new(&self.url, USERS[0].token)
    }

    /// An API client as dev user `n` (1-4).
    pub fn api_as(&self, n: usize) -> Api {
        Api::new(&self.url, USERS[n - 1].token)
    }

    /// Stops the server gracefully and waits for it.
    pub async fn stop(mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.task.take() {
            let _ = t.await;
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        self.app.shutdown();
    }
}

/// Starts a server with a fresh database and default config.
pub async fn start_server() -> TestServer {
    start_server_with(|_| {}).await
}

/// Starts a server with a fresh database; `tweak` may change the config.
pub async fn start_server_with(tweak: impl FnOnce(&mut Config)) -> TestServer {
    let dir = Arc::new(TempDir::new("srv"));
    let mut config = Config::new(dir.db());
    // Tests run many servers on 2 shared cores: fsync per commit is not what they test.
    config.synchronous = qstash_server::config::Synchronous::Normal;
    tweak(&mut config);
    start_server_at(dir, config).await
}

/// Starts a server on an existing directory/config (restart tests).
pub async fn start_server_at(dir: Arc<TempDir>, config: Config) -> TestServer {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let app = App::start(config).expect("start app");
    let (tx, rx) = oneshot::channel::<()>();
    let app2 = app.clone();
    let task = tokio::spawn(async move {
        let _ = qstash_server::serve(listener, app2, async move {
            let _ = rx.await;
        })
        .await;
    });
    TestServer {
        url,
        app,
        dir,
        stop: Some(tx),
        task: Some(task),
    }
}

/// A response from the API.
#[derive(Debug)]
pub struct ApiResponse {
    /// Status code.
    pub status: u16,
    /// Body text.
    pub text: String,
}

impl ApiResponse {
    /// Body as JSON (panics with the body if it is not JSON).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?} (status {})", self.text, self.status))
    }
}

/// A minimal QStash API client for tests.
#[derive(Clone)]
pub struct Api {
    base: String,
    token: String,
    http: reqwest::Client,
}

impl Api {
    /// A client for `base` with `token`.
    pub fn new(base: &str, token: &str) -> Api {
        Api {
            base: base.to_string(),
            token: token.to_string(),
            http: reqwest::Client::new(),
        }
    }

    /// Any request: `path` starts with `/v2/...`.
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: impl Into<reqwest::Body>,
    ) -> ApiResponse {
        let m = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let mut req = self
            .http
            .request(m, format!("{}{}", self.base, path))
            .bearer_auth(&self.token)
            .body(body);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let res = req.send().await.expect("request");
        let status = res.status().as_u16();
        let text = res.text().await.expect("body");
        ApiResponse { status, text }
    }

    /// Like [`Api::call`] but returns `None` on a connection error (server killed).
    pub async fn try_call(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: impl Into<reqwest::Body>,
    ) -> Option<(u16, String)> {
        let m = reqwest::Method::from_bytes(method.as_bytes()).ok()?;
        let mut req = self
            .http
            .request(m, format!("{}{}", self.base, path))
            .bearer_auth(&self.token)
            .body(body);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let res = req.send().await.ok()?;
        let status = res.status().as_u16();
        let text = res.text().await.ok()?;
        Some((status, text))
    }

    /// `GET path`.
    pub async fn get(&self, path: &str) -> ApiResponse {
        self.call("GET", path, &[], "").await
    }

    /// `POST /v2/publish/{dest}`; asserts 200/202 and returns the JSON.
    pub async fn publish(
        &self,
        dest: &str,
        headers: &[(&str, &str)],
        body: impl Into<reqwest::Body>,
    ) -> serde_json::Value {
        let r = self
            .call("POST", &format!("/v2/publish/{dest}"), headers, body)
            .await;
        assert!(
            r.status == 200 || r.status == 202,
            "publish failed: {} {}",
            r.status,
            r.text
        );
        r.json()
    }

    /// Publishes and returns the message id.
    pub async fn publish_id(
        &self,
        dest: &str,
        headers: &[(&str, &str)],
        body: impl Into<reqwest::Body>,
    ) -> String {
        let v = self.publish(dest, headers, body).await;
        v["messageId"]
            .as_str()
            .unwrap_or_else(|| panic!("no messageId in {v}"))
            .to_string()
    }

    /// All log events of a message, oldest first.
    pub async fn events_of(&self, message_id: &str) -> Vec<serde_json::Value> {
        let r = self
            .get(&format!(
                "/v2/logs?messageId={message_id}&order=earliestFirst&count=1000"
            ))
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        let v = r.json();
        v["logs"]
            .as_array()
            .or_else(|| v["events"].as_array())
            .cloned()
            .unwrap_or_default()
    }

    /// The states of a message's events, oldest first.
    pub async fn states_of(&self, message_id: &str) -> Vec<String> {
        self.events_of(message_id)
            .await
            .iter()
            .map(|e| e["state"].as_str().unwrap_or("").to_string())
            .collect()
    }
}

/// Polls `cond` until it returns `Some` or `deadline` passes (then panics with `what`).
pub async fn eventually<T, F, Fut>(what: &str, deadline: Duration, mut cond: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let end = Instant::now() + deadline;
    loop {
        if let Some(v) = cond().await {
            return v;
        }
        if Instant::now() > end {
            panic!("timed out after {deadline:?} waiting for: {what}");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// How the sink answers one request.
#[derive(Debug, Clone)]
pub struct Reply {
    /// Status.
    pub status: u16,
    /// Extra headers.
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: Vec<u8>,
    /// Wait this long before answering (simulates a slow destination).
    pub delay: Duration,
}

impl Reply {
    /// `status` with an empty body.
    pub fn status(status: u16) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            delay: Duration::ZERO,
        }
    }

    /// 200 OK.
    pub fn ok() -> Reply {
        Reply::status(200)
    }

    /// Sets the body.
    pub fn body(mut self, b: impl Into<Vec<u8>>) -> Reply {
        self.body = b.into();
        self
    }

    /// Adds a header.
    pub fn header(mut self, k: &str, v: &str) -> Reply {
        self.headers.push((k.into(), v.into()));
        self
    }

    /// Delays the answer.
    pub fn delay(mut self, d: Duration) -> Reply {
        self.delay = d;
        self
    }
}

/// One request the sink received.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// Method.
    pub method: String,
    /// Path and query.
    pub path: String,
    /// Headers.
    pub headers: HeaderMap,
    /// Body bytes.
    pub body: Bytes,
    /// Arrival.
    pub at: Instant,
    /// Index among all requests of this sink.
    pub index: usize,
}

impl Recorded {
    /// A header value as text ("" if absent).
    pub fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    }
}

type Responder = Arc<dyn Fn(&Recorded) -> Reply + Send + Sync>;

struct SinkState {
    requests: Vec<Recorded>,
    responder: Responder,
    in_flight: usize,
    max_in_flight: usize,
    /// When each request (by index) was answered.
    ended: Vec<Option<Instant>>,
}

/// A recording destination server.
#[derive(Clone)]
pub struct Sink {
    /// `http://127.0.0.1:<port>`.
    pub url: String,
    state: Arc<Mutex<SinkState>>,
    notify: Arc<Notify>,
}

async fn sink_handler(
    State(sink): State<Sink>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (reply, _guard) = {
        let mut st = sink.state.lock().expect("sink lock");
        let rec = Recorded {
            method: method.to_string(),
            path: uri
                .path_and_query()
                .map(|p| p.to_string())
                .unwrap_or_default(),
            headers,
            body,
            at: Instant::now(),
            index: st.requests.len(),
        };
        let reply = (st.responder)(&rec);
        let index = rec.index;
        st.requests.push(rec);
        st.ended.push(None);
        st.in_flight += 1;
        st.max_in_flight = st.max_in_flight.max(st.in_flight);
        (reply, InFlightGuard(sink.state.clone(), index))
    };
    sink.notify.notify_waiters();
    if !reply.delay.is_zero() {
        tokio::time::sleep(reply.delay).await;
    }
    let mut res = (
        StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        reply.body,
    )
        .into_response();
    for (k, v) in reply.headers {
        if let (Ok(k), Ok(v)) = (
            axum::http::HeaderName::from_bytes(k.as_bytes()),
            axum::http::HeaderValue::from_str(&v),
        ) {
            res.headers_mut().append(k, v);
        }
    }
    res
}

struct InFlightGuard(Arc<Mutex<SinkState>>, usize);

impl Drop for InFlightGuard {
    fn drop(&mut self) {
        if let Ok(mut st) = self.0.lock() {
            st.in_flight -= 1;
            st.ended[self.1] = Some(Instant::now());
        }
    }
}

impl Sink {
    /// Starts a sink answering 200 to everything.
    pub async fn start() -> Sink {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind sink");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let sink = Sink {
            url,
            state: Arc::new(Mutex::new(SinkState {
                requests: Vec::new(),
                responder: Arc::new(|_| Reply::ok()),
                in_flight: 0,
                max_in_flight: 0,
                ended: Vec::new(),
            })),
            notify: Arc::new(Notify::new()),
        };
        let router = axum::Router::new()
            .fallback(sink_handler)
            .with_state(sink.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        sink
    }

    /// Sets how the sink answers.
    pub fn respond(&self, f: impl Fn(&Recorded) -> Reply + Send + Sync + 'static) {
        self.state.lock().expect("sink lock").responder = Arc::new(f);
    }

    /// `url` + `path`.
    pub fn at(&self, path: &str) -> String {
        format!("{}{}", self.url, path)
    }

    /// Everything received so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.state.lock().expect("sink lock").requests.clone()
    }

    /// Requests whose path starts with `prefix`.
    pub fn requests_to(&self, prefix: &str) -> Vec<Recorded> {
        self.requests()
            .into_iter()
            .filter(|r| r.path.starts_with(prefix))
            .collect()
    }

    /// Most requests in flight at once among those `group` puts in the same group
    /// (`None` = ignore the request), from arrival and answer times.
    pub fn max_overlap_by(&self, group: impl Fn(&Recorded) -> Option<String>) -> usize {
        let st = self.state.lock().expect("sink lock");
        let mut events: std::collections::HashMap<String, Vec<(Instant, i32)>> = Default::default();
        for (r, end) in st.requests.iter().zip(&st.ended) {
            if let Some(g) = group(r) {
                let e = events.entry(g).or_default();
                e.push((r.at, 1));
                // Unanswered requests are still in flight.
                e.push((
                    end.unwrap_or_else(|| Instant::now() + Duration::from_secs(3600)),
                    -1,
                ));
            }
        }
        let mut best = 0;
        for (_, mut ev) in events {
            // Ends sort before starts at the same instant: back-to-back is not overlap.
            ev.sort();
            let mut cur = 0;
            for (_, d) in ev {
                cur += d;
                best = best.max(cur);
            }
        }
        best as usize
    }

    /// Most requests ever in flight at once.
    pub fn max_in_flight(&self) -> usize {
        self.state.lock().expect("sink lock").max_in_flight
    }

    /// Waits until at least `n` requests to `prefix` arrived; returns them.
    pub async fn wait_for(&self, prefix: &str, n: usize, deadline: Duration) -> Vec<Recorded> {
        let end = Instant::now() + deadline;
        loop {
            let notified = self.notify.notified();
            let got = self.requests_to(prefix);
            if got.len() >= n {
                return got;
            }
            let left = end.saturating_duration_since(Instant::now());
            if left.is_zero() {
                panic!(
                    "timed out after {deadline:?}: {} of {n} requests to {prefix}",
                    got.len()
                );
            }
            let _ = tokio::time::timeout(left, notified).await;
        }
    }
}

/// Verifies an `Upstash-Signature` with `key` as the CURRENT key (through the crate's
/// `Verifier`, checking `sub` = `url`, the body hash, `iss`, `exp`/`nbf` now) and returns the
/// decoded claims for further assertions.
pub fn verify_signature(jwt: &str, key: &str, url: &str, body: &[u8]) -> serde_json::Value {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine as _;
    use qstash_wasm::signing::{KeySlot, Verifier, VerifyOptions};
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("time")
        .as_secs();
    // A next key that can never match: the signature must come from `key`.
    let verifier = Verifier::new(key, "sig_not_the_signing_key");
    let opts = VerifyOptions {
        url: Some(url),
        clock_tolerance: 5.0,
        now,
    };
    let v = verifier
        .verify(jwt, body, &opts)
        .unwrap_or_else(|e| panic!("signature does not verify: {e}"));
    assert_eq!(v.key, KeySlot::Current);
    let payload = jwt.split('.').nth(1).expect("JWT payload");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("payload base64"))
        .expect("claims JSON")
}
