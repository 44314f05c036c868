//! The Rust Client API for Rust code compiled to wasm (Workers, browsers, Deno, Node).
//!
//! The same methods as `@upstash/qstash`'s `Client`, returning typed [`crate::model`]
//! values. Requests are built by the pure [`crate::api`] core and sent by
//! [`crate::transport`].
//!
//! ```no_run
//! # async fn demo() -> Result<(), qstash_wasm::Error> {
//! use qstash_wasm::client::{Client, ClientConfig};
//! use qstash_wasm::api::PublishRequest;
//!
//! let client = Client::new(ClientConfig { token: Some("<token>".into()), ..Default::default() })?;
//! let sent = client
//!     .publish_json(
//!         PublishRequest { url: Some("https://example.com/hook".into()), delay: Some("10s".into()), ..Default::default() },
//!         &serde_json::json!({ "hello": "world" }),
//!     )
//!     .await?;
//! println!("{:?}", sent.message_ids());
//! let logs = client.logs(&Default::default()).await?;
//! # Ok(()) }
//! ```

mod resources;

pub use resources::{Dlq, FlowControl, Messages, Queue, Schedules, SigningKeys, UrlGroups};

use std::rc::Rc;

use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::api::{
    self, finish_text, resolve_credentials, ApiRequest, Body, Call, ClientContext,
    CredentialConfig, Credentials, Env, HeadersInit, PublishRequest, RetryPolicy,
};
use crate::error::{self, Result};
use crate::model::{LogsResponse, PublishResult};
use crate::transport::{self, BackoffFn, ProcessEnv, Transport, TransportConfig};

/// Client configuration (`ClientConfig` of the official SDK, plus a per-attempt timeout).
#[derive(Clone, Default)]
pub struct ClientConfig {
    /// API base URL. Default: `QSTASH_URL`, else `https://qstash.upstash.io` (see
    /// [`resolve_credentials`] for regions and dev mode).
    pub base_url: Option<String>,
    /// Bearer token. Default: `QSTASH_TOKEN`, else empty (with a warning).
    pub token: Option<String>,
    /// Network retries. Default: 5 with `e^n * 50` ms backoff; [`RetryPolicy::disabled`]
    /// makes exactly one call.
    pub retry: Option<RetryPolicy>,
    /// Custom backoff (retry index → ms). Default: `e^n * 50`.
    pub backoff: Option<BackoffFn>,
    /// Headers added to every publish-family request (prefixed like request headers).
    /// Default: none.
    pub headers: Option<HeadersInit>,
    /// Send telemetry headers. Default: true, unless `UPSTASH_DISABLE_TELEMETRY` is set.
    pub enable_telemetry: Option<bool>,
    /// Dev mode: `Some(true)` targets the local dev server with its fixed token. Default:
    /// `QSTASH_DEV`. Only the credentials: unlike the npm package's JS Client, this one neither
    /// checks nor starts the server before a request (starting a process is the host's job).
    pub dev_mode: Option<bool>,
    /// Abort each fetch attempt after this many ms (then it counts as a network failure).
    /// Default: no timeout.
    pub timeout_ms: Option<u32>,
}

impl std::fmt::Debug for ClientConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientConfig")
            .field("base_url", &self.base_url)
            .field("retry", &self.retry)
            .field("enable_telemetry", &self.enable_telemetry)
            .field("dev_mode", &self.dev_mode)
            .field("timeout_ms", &self.timeout_ms)
            .finish_non_exhaustive()
    }
}

struct Inner {
    ctx: ClientContext,
    transport: Transport,
    credentials: Credentials,
}

/// A QStash client. Cheap to clone (shared inner state).
#[derive(Clone)]
pub struct Client {
    inner: Rc<Inner>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.ctx.base_url)
            .finish_non_exhaustive()
    }
}

fn decode<T: DeserializeOwned>(v: Option<serde_json::Value>) -> Result<T> {
    serde_json::from_value(v.unwrap_or(serde_json::Value::Null)).map_err(error::decode)
}

fn json_text<T: Serialize + ?Sized>(body: &T) -> Result<Body> {
    serde_json::to_string(body)
        .map(Body::Text)
        .map_err(|e| error::invalid_input(format!("body is not serializable to JSON: {e}")))
}

impl Client {
    /// Builds a client, resolving credentials from `config` and `process.env` like the
    /// official SDK.
    pub fn new(config: ClientConfig) -> Result<Self> {
        Self::with_env(config, &ProcessEnv::current())
    }

    /// Like [`Client::new`] with an explicit environment.
    pub fn with_env(config: ClientConfig, env: &(impl Env + ?Sized)) -> Result<Self> {
        let credentials = resolve_credentials(
            &CredentialConfig {
                base_url: config.base_url.clone(),
                token: config.token.clone(),
                dev_mode: config.dev_mode,
            },
            env,
        )?;
        let telemetry_on = env
            .var("UPSTASH_DISABLE_TELEMETRY")
            .is_none_or(|v| v.is_empty())
            && config.enable_telemetry.unwrap_or(true);
        let telemetry = telemetry_on.then(|| transport::telemetry(&ProcessEnv::current()));
        let mut ctx = ClientContext::new(credentials.base_url.clone(), credentials.token.clone())
            .with_telemetry(telemetry.as_ref())?;
        if let Some(h) = &config.headers {
            ctx = ctx.with_global_headers(h)?;
        }
        let mut tc = TransportConfig::new(credentials.base_url.clone(), credentials.token.clone());
        tc.retry = config.retry.unwrap_or_default();
        if let Some(b) = config.backoff {
            tc.backoff = b;
        }
        tc.timeout_ms = config.timeout_ms;
        Ok(Client {
            inner: Rc::new(Inner {
                ctx,
                transport: Transport::new(tc),
                credentials,
            }),
        })
    }

    /// The resolved credentials (base URL, token, region, dev mode, warnings).
    pub fn credentials(&self) -> &Credentials {
        &self.inner.credentials
    }

    /// The request-building context (for use with [`crate::api`] directly).
    pub fn context(&self) -> &ClientContext {
        &self.inner.ctx
    }

    /// Sends a built request and returns the reshaped JSON result (`None` for endpoints whose
    /// body is ignored).
    pub async fn execute(&self, req: &ApiRequest) -> Result<Option<serde_json::Value>> {
        let resp = self.inner.transport.send(req, None).await?;
        finish_text(&req.shape, &resp.body)
    }

    pub(crate) async fn run<T: DeserializeOwned>(&self, req: ApiRequest) -> Result<T> {
        decode(self.execute(&req).await?)
    }

    pub(crate) async fn run_unit(&self, req: ApiRequest) -> Result<()> {
        self.execute(&req).await.map(|_| ())
    }

    pub(crate) async fn run_call<T: DeserializeOwned>(&self, call: Call) -> Result<T> {
        match call {
            Call::Done(v) => decode(Some(v)),
            Call::Send(r) => self.run(r).await,
        }
    }

    /// `client.publish(req)`: publish to a URL, URL group or API.
    pub async fn publish(&self, req: PublishRequest) -> Result<PublishResult> {
        self.run(api::publish::publish(&self.inner.ctx, req)?).await
    }

    /// `client.publishJSON(req)`: publish `body` as JSON (`Content-Type: application/json`);
    /// `req.body` is replaced.
    pub async fn publish_json<T: Serialize + ?Sized>(
        &self,
        mut req: PublishRequest,
        body: &T,
    ) -> Result<PublishResult> {
        req.body = Some(json_text(body)?);
        self.run(api::publish::publish_json(&self.inner.ctx, req)?)
            .await
    }

    /// `client.batch(reqs)`: publish several messages in one request. Each item's
    /// `queue_name` enqueues it.
    pub async fn batch(&self, reqs: Vec<PublishRequest>) -> Result<Vec<PublishResult>> {
        self.run(api::publish::batch(&self.inner.ctx, reqs)?).await
    }

    /// `client.batchJSON(items)`: like [`Client::batch`] with JSON bodies.
    pub async fn batch_json<T: Serialize>(
        &self,
        items: Vec<(PublishRequest, T)>,
    ) -> Result<Vec<PublishResult>> {
        let mut reqs = Vec::with_capacity(items.len());
        for (mut r, body) in items {
            r.body = Some(json_text(&body)?);
            reqs.push(r);
        }
        self.run(api::publish::batch_json(&self.inner.ctx, reqs)?)
            .await
    }

    /// `client.logs(req)`: one page of logs.
    pub async fn logs(&self, req: &api::logs::LogsRequest) -> Result<LogsResponse> {
        self.run(api::logs::logs(req)?).await
    }

    /// `client.queue({queueName})`.
    pub fn queue(&self, name: impl Into<String>) -> Queue {
        Queue::new(self.clone(), name.into())
    }

    /// `client.messages`.
    pub fn messages(&self) -> Messages {
        Messages::new(self.clone())
    }

    /// `client.schedules`.
    pub fn schedules(&self) -> Schedules {
        Schedules::new(self.clone())
    }

    /// `client.urlGroups`.
    pub fn url_groups(&self) -> UrlGroups {
        UrlGroups::new(self.clone())
    }

    /// `client.dlq`.
    pub fn dlq(&self) -> Dlq {
        Dlq::new(self.clone())
    }

    /// `client.flowControl`.
    pub fn flow_control(&self) -> FlowControl {
        FlowControl::new(self.clone())
    }

    /// Signing keys (`GET /v2/keys`, `POST /v2/keys/rotate`).
    pub fn keys(&self) -> SigningKeys {
        SigningKeys::new(self.clone())
    }
}

/// The promises about the API, compiled: the client and its resources clone cheaply.
#[allow(dead_code)]
fn _assert_impls() {
    fn clone<T: Clone>() {}
    clone::<Client>();
    clone::<Queue>();
    clone::<Messages>();
}
