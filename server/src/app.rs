//! [`App`]: the engine's API. HTTP handlers call these methods; nothing here knows HTTP.
//!
//! Every method takes the authenticated [`UserId`]; users' data never mix. Writes return
//! after their SQLite COMMIT, so an `Ok` publish is durable.

use crate::config::Config;
use crate::delivery::{Engine, Pending};
use crate::model::*;
use crate::parse::cron::parse_cron;
use crate::parse::expr::parse_retry_delay;
use crate::quota::{short_duration, Quota};
use crate::rate_limit::RateLimiter;
use crate::store::messages::{self as msgs, StoredMessage};
use crate::store::schedules::{ScheduleRow, ScheduleTemplate};
use crate::store::{self, dedup, dlq, flow_control as fcs, keys, logs, queues, url_groups};
use crate::store::{Store, StoreError};
use rand::Rng;
use rusqlite::Connection;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use tokio::sync::Notify;

/// A fixed dev user (reference §12).
#[derive(Debug, Clone, Copy)]
pub struct DevUser {
    /// `QSTASH_TOKEN`.
    pub token: &'static str,
    /// Initial current signing key.
    pub current_key: &'static str,
    /// Initial next signing key.
    pub next_key: &'static str,
}

/// The four dev users; user id = index + 1 (user 1 is the SDK default).
pub const USERS: [DevUser; 4] = [
    DevUser {
        token: "eyJVc2VySUQiOiJkZWZhdWx0VXNlciIsIlBhc3N3b3JkIjoiZGVmYXVsdFBhc3N3b3JkIn0=",
        current_key: "sig_7kYjw48mhY7kAjqNGcy6cr29RJ6r",
        next_key: "sig_5ZB6DVzB1wjE8S6rZ7eenA8Pdnhs",
    },
    DevUser {
        token: "eyJVc2VySUQiOiJ0ZXN0VXNlcjEiLCJQYXNzd29yZCI6InRlc3RQYXNzd29yZCJ9",
        current_key: "sig_7GVPjvuwsfqF65iC8fSrs1dfYruM",
        next_key: "sig_5NoELc3EFnZn4DVS5bDs2Nk4b7Ua",
    },
    DevUser {
        token: "eyJVc2VySUQiOiJ0ZXN0VXNlcjIiLCJQYXNzd29yZCI6InRlc3RQYXNzd29yZCJ9",
        current_key: "sig_6jWGaWRxHsw4vMSPJprXadyvrybF",
        next_key: "sig_7qHbvhmahe5GwfePDiS5Lg3pi6Qx",
    },
    DevUser {
        token: "eyJVc2VySUQiOiJ0ZXN0VXNlcjMiLCJQYXNzd29yZCI6InRlc3RQYXNzd29yZCJ9",
        current_key: "sig_5T8FcSsynBjn9mMLBsXhpacRovJf",
        next_key: "sig_7GFR4YaDshFcqsxWRZpRB161jguD",
    },
];

/// What went wrong, in terms the HTTP layer maps to a status code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppError {
    /// 404: the named thing does not exist (`message msg_x not found`).
    NotFound(String),
    /// 400: invalid input; the message names the field.
    BadRequest(String),
    /// 409: conflicts with the current state.
    Conflict(String),
    /// 412: a limit would be exceeded.
    Precondition(String),
    /// 500: storage or engine failure.
    Internal(String),
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AppError::NotFound(m)
            | AppError::BadRequest(m)
            | AppError::Conflict(m)
            | AppError::Precondition(m)
            | AppError::Internal(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for AppError {}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        AppError::Internal(e.to_string())
    }
}

/// Result of [`App`] methods.
pub type AppResult<T> = Result<T, AppError>;

/// Entries a bulk DLQ delete without `count` removes per write transaction.
pub const DLQ_DELETE_BATCH: usize = 500;

/// The engine's API. Cheap to clone.
#[derive(Clone)]
pub struct App {
    /// Shared state; clones are handles to the same server.
    inner: Arc<Inner>,
}

struct Inner {
    /// The database.
    store: Store,
    /// Configuration (clock, defaults).
    config: Config,
    /// The delivery dispatcher.
    engine: Engine,
    /// Wakes the scheduler when a schedule changes.
    schedules_changed: Arc<Notify>,
    /// Opt-in API rate limits.
    rate_limiter: RateLimiter,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("store", &self.inner.store)
            .finish()
    }
}

const BASE58: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/// `prefix` + `n` random base58 characters.
pub(crate) fn random_id(prefix: &str, n: usize) -> String {
    let mut rng = rand::thread_rng();
    let mut s = String::with_capacity(prefix.len() + n);
    s.push_str(prefix);
    for _ in 0..n {
        s.push(BASE58[rng.gen_range(0..BASE58.len())] as char);
    }
    s
}

/// A new message id.
pub(crate) fn new_message_id() -> String {
    random_id("msg_", 40)
}

static DLQ_COUNTER: AtomicU64 = AtomicU64::new(0);

/// A Redis-stream-shaped DLQ id: `<ms>-<n>`.
pub(crate) fn new_dlq_id(now_ms: i64) -> String {
    format!("{now_ms}-{}", DLQ_COUNTER.fetch_add(1, Ordering::Relaxed))
}

/// What a publish transaction produced.
struct Published {
    /// What the caller gets back.
    results: Vec<PublishResult>,
    /// New messages to hand to the engine after COMMIT.
    pending: Vec<Pending>,
    /// The flow-control key's config, if the message changed or created it.
    flow: Option<fcs::FlowRow>,
    /// The queue, if this publish created it.
    queue: Option<queues::QueueRow>,
}

impl App {
    /// Opens the store and starts the delivery engine (must be called inside a tokio runtime).
    pub fn start(config: Config) -> AppResult<App> {
        let store = Store::open(&config)?;
        let engine = Engine::start(store.clone(), config.clone())?;
        let rate_limiter = RateLimiter::new(config.burst_rate_limit, config.daily_message_limit);
        Ok(App {
            inner: Arc::new(Inner {
                store,
                config,
                engine,
                schedules_changed: Arc::new(Notify::new()),
                rate_limiter,
            }),
        })
    }

    /// The store (for the scheduler and tests).
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The API rate limits (`--rate-limit`, `--daily-limit`).
    pub fn rate_limiter(&self) -> &RateLimiter {
        &self.inner.rate_limiter
    }

    /// The delivery engine.
    pub fn engine(&self) -> &Engine {
        &self.inner.engine
    }

    pub(crate) fn schedules_changed(&self) -> Arc<Notify> {
        self.inner.schedules_changed.clone()
    }

    fn now(&self) -> i64 {
        self.inner.config.clock.now_ms()
    }

    /// Makes the delivery engine and scheduler re-check their deadlines now (after a
    /// [`crate::clock::TestClock`] moved).
    pub fn nudge(&self) {
        self.inner.engine.nudge();
        self.inner.schedules_changed.notify_one();
    }

    /// Stops handing out new deliveries (in-flight attempts finish on their own).
    pub fn shutdown(&self) {
        self.inner.engine.shutdown();
    }

    /// The user a `QSTASH_TOKEN` belongs to.
    ///
    /// ```
    /// # use qstash_server::app::{App, USERS};
    /// // (needs a running App; see tests) USERS[0].token authenticates as user 1.
    /// assert!(USERS[0].token.starts_with("eyJ"));
    /// ```
    pub fn authenticate(&self, token: &str) -> Option<UserId> {
        USERS
            .iter()
            .position(|u| u.token == token)
            .map(|i| (i + 1) as UserId)
    }

    // ───────────────────────── publish ─────────────────────────

    /// Publishes (or enqueues, when `m.queue` is set) a message. A URL-group destination fans
    /// out to one message per endpoint. Duplicates return the original ids with
    /// `deduplicated: true`.
    pub async fn publish(&self, user: UserId, m: NewMessage) -> AppResult<Vec<PublishResult>> {
        let rx = self.submit_publish(user, m)?;
        self.finish_publish(user, rx).await
    }

    /// Validates `m` and queues its write transaction now (synchronously), so writes submitted
    /// one after another run in that order; the receiver yields the outcome after COMMIT.
    fn submit_publish(&self, user: UserId, m: NewMessage) -> AppResult<PublishRx> {
        validate_new(&m)?;
        let now = self.now();
        check_message_quota(&m, self.inner.config.quota)?;
        let cfg = self.inner.config.clone();
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.inner.store.write_detached(
            move |c| publish_tx(c, user, m, now, &cfg),
            move |r| {
                let _ = tx.send(r);
            },
        )?;
        Ok(rx)
    }

    async fn finish_publish(&self, user: UserId, rx: PublishRx) -> AppResult<Vec<PublishResult>> {
        let p = rx
            .await
            .map_err(|_| StoreError("writer thread stopped".into()))???;
        self.after_publish(user, p)
    }

    fn after_publish(&self, user: UserId, p: Published) -> AppResult<Vec<PublishResult>> {
        if let Some(q) = p.queue {
            self.inner.engine.queue_config(&q);
        }
        if let Some(f) = p.flow {
            self.inner.engine.flow_config(&f);
        }
        let _ = user;
        for pe in p.pending {
            self.inner.engine.add(pe);
        }
        Ok(p.results)
    }

    /// `POST /v2/batch`: each item is published on its own; one item's error does not stop
    /// the others. Results are aligned with the input.
    pub async fn batch(
        &self,
        user: UserId,
        items: Vec<NewMessage>,
    ) -> Vec<AppResult<Vec<PublishResult>>> {
        // Every write is submitted before any is awaited: all items enter the same group commit,
        // and they run in input order, so a dedup id repeated within one batch keeps its first
        // item as the original (and a queue receives the items in batch order).
        let submitted: Vec<_> = items
            .into_iter()
            .map(|m| self.submit_publish(user, m))
            .collect();
        let mut out = Vec::with_capacity(submitted.len());
        for s in submitted {
            out.push(match s {
                Ok(rx) => self.finish_publish(user, rx).await,
                Err(e) => Err(e),
            });
        }
        out
    }

    // ───────────────────────── messages ─────────────────────────

    /// `GET /v2/messages/{id}`: a message not yet delivered, failed or cancelled — or
    /// delivered less than [`Config::delivered_visible_ms`] ago (QStash removes delivered
    /// messages "shortly after delivery", so a `get` right after publishing finds the message
    /// even when a fast local destination has already answered).
    pub async fn message(&self, user: UserId, id: &str) -> AppResult<Message> {
        let id2 = id.to_string();
        let r = self
            .inner
            .store
            .read(move |c| msgs::get(c, user, &id2))
            .await?;
        let visible_since = self.now() - self.inner.config.delivered_visible_ms;
        let readable = |row: &msgs::MessageRow| match row.status {
            msgs::status::PENDING => true,
            msgs::status::DELIVERED => row.finished_ms.is_some_and(|t| t > visible_since),
            _ => false,
        };
        match r {
            Some(row) if readable(&row) => Ok(row.msg.to_wire(&row.body)),
            _ => Err(AppError::NotFound(format!("message {id} not found"))),
        }
    }

    /// `DELETE /v2/messages/{id}` → number cancelled (1). 404 when unknown or finished.
    pub async fn cancel(&self, user: UserId, id: &str) -> AppResult<u64> {
        let n = self.cancel_ids(user, vec![id.to_string()]).await?;
        if n == 0 {
            return Err(AppError::NotFound(format!("message {id} not found")));
        }
        Ok(n)
    }

    /// `DELETE /v2/messages` with filters (ids win; no filter = all) → number cancelled.
    pub async fn cancel_many(&self, user: UserId, f: MessageFilter) -> AppResult<u64> {
        let ids = if !f.message_ids.is_empty() {
            f.message_ids.clone()
        } else {
            let pending = self
                .inner
                .store
                .read(move |c| msgs::pending_of(c, user))
                .await?;
            pending
                .into_iter()
                .filter(|m| m.matches(&f))
                .map(|m| m.id)
                .collect()
        };
        self.cancel_ids(user, ids).await
    }

    async fn cancel_ids(&self, user: UserId, ids: Vec<String>) -> AppResult<u64> {
        let now = self.now();
        let mut n = 0;
        for id in ids {
            // The engine decides: a waiting message is removed at once (CANCELLED now); one in
            // flight finishes its attempt and is cancelled instead of retried.
            match self.inner.engine.cancel(user, &id) {
                crate::delivery::CancelState::Unknown => continue,
                crate::delivery::CancelState::Removed => {
                    let id2 = id.clone();
                    self.inner
                        .store
                        .write(move |c| {
                            logs::insert(c, user, &id2, now, LogState::CancelRequested, None)?;
                            logs::insert(c, user, &id2, now, LogState::Cancelled, None)?;
                            msgs::finish(c, &id2, msgs::status::CANCELLED, now)?;
                            Ok(())
                        })
                        .await?;
                    n += 1;
                }
                crate::delivery::CancelState::InFlight => {
                    let id2 = id.clone();
                    self.inner
                        .store
                        .write(move |c| {
                            logs::insert(c, user, &id2, now, LogState::CancelRequested, None)
                        })
                        .await?;
                    n += 1;
                }
            }
        }
        Ok(n)
    }

    /// `GET /v2/logs` / `/v2/events`.
    pub async fn logs(&self, user: UserId, f: LogFilter) -> AppResult<Page<LogEntry>> {
        Ok(self
            .inner
            .store
            .read(move |c| logs::list(c, user, &f))
            .await?)
    }

    // ───────────────────────── DLQ ─────────────────────────

    /// `GET /v2/dlq`.
    pub async fn dlq_list(&self, user: UserId, f: DlqFilter) -> AppResult<Page<DlqMessage>> {
        let limit = f.count.unwrap_or(dlq::MAX_COUNT).clamp(1, dlq::MAX_COUNT);
        let page = self
            .inner
            .store
            .read(move |c| dlq::list_within(c, user, &f, limit, dlq::MAX_PAGE_BODY_BYTES))
            .await?;
        Ok(Page {
            cursor: page.cursor,
            items: page.items.iter().map(|r| r.to_wire()).collect(),
        })
    }

    /// `GET /v2/dlq/{dlqId}`.
    pub async fn dlq_get(&self, user: UserId, dlq_id: &str) -> AppResult<DlqMessage> {
        let id = dlq_id.to_string();
        match self
            .inner
            .store
            .read(move |c| dlq::get(c, user, &id))
            .await?
        {
            Some(r) => Ok(r.to_wire()),
            None => Err(AppError::NotFound(format!(
                "dlq message {dlq_id} not found"
            ))),
        }
    }

    /// `DELETE /v2/dlq/{dlqId}`; 404 when already gone.
    pub async fn dlq_delete(&self, user: UserId, dlq_id: &str) -> AppResult<()> {
        let id = dlq_id.to_string();
        if self
            .inner
            .store
            .write(move |c| dlq::delete(c, user, &id))
            .await?
        {
            Ok(())
        } else {
            Err(AppError::NotFound(format!(
                "dlq message {dlq_id} not found"
            )))
        }
    }

    /// `DELETE /v2/dlq` with ids, filters or nothing (= all). With `count` set, deletes at
    /// most that many and returns a cursor when more match; without it, every match, in
    /// batches of [`DLQ_DELETE_BATCH`].
    ///
    /// Batches keep memory bounded whatever the DLQ holds, and let other writes (publishes,
    /// delivery outcomes) in between instead of behind one long transaction. A batch is found
    /// on a read connection and deleted by position, so the writer (which every publish waits
    /// for) never scans. Each batch goes on after the previous one's last entry, and none
    /// goes past the newest entry there was when the call came: entries that reach the DLQ
    /// while it runs are left, as they would be by one statement.
    pub async fn dlq_delete_many(&self, user: UserId, mut f: DlqFilter) -> AppResult<Deleted> {
        let (limit, all) = match f.count {
            Some(n) => (n, false),
            None => (DLQ_DELETE_BATCH, true),
        };
        let store = &self.inner.store;
        if all {
            match store.read(move |c| dlq::last_seq(c, user)).await? {
                Some(top) => f.up_to_seq = Some(top),
                None => {
                    return Ok(Deleted {
                        deleted: 0,
                        cursor: None,
                    })
                }
            }
        }
        let mut deleted = 0;
        let cursor = loop {
            let batch = f.clone();
            let found = store
                .read(move |c| dlq::find(c, user, &batch, limit))
                .await?;
            if !found.seqs.is_empty() {
                let seqs = found.seqs.clone();
                deleted += store.write(move |c| dlq::delete_at(c, user, &seqs)).await?;
            }
            match found.cursor() {
                Some(c) if all => f.cursor = Some(c),
                c => break c,
            }
        };
        Ok(Deleted { deleted, cursor })
    }

    /// `POST /v2/dlq/retry/{dlqId}`: re-publishes the message (with `overrides`) as a new
    /// message and removes the DLQ entry.
    pub async fn dlq_retry(
        &self,
        user: UserId,
        dlq_id: &str,
        overrides: Overrides,
    ) -> AppResult<PublishResult> {
        let f = DlqFilter {
            dlq_ids: vec![dlq_id.to_string()],
            ..DlqFilter::new()
        };
        let page = self.dlq_retry_many(user, f, overrides).await?;
        page.items
            .into_iter()
            .next()
            .ok_or_else(|| AppError::NotFound(format!("dlq message {dlq_id} not found")))
    }

    /// `POST /v2/dlq/retry` with ids/filters; at most `count` (default 100) per call, cursor
    /// for the rest.
    pub async fn dlq_retry_many(
        &self,
        user: UserId,
        f: DlqFilter,
        overrides: Overrides,
    ) -> AppResult<Page<PublishResult>> {
        let now = self.now();
        check_quota(
            self.inner.config.quota,
            QuotaFields {
                retries: overrides.retries,
                timeout_ms: overrides.timeout_ms,
                delay_ms: overrides.delay_ms,
                not_before_ms: overrides.not_before_ms,
                callbacks: [&overrides.callback, &overrides.failure_callback],
            },
        )?;
        let limit = f.count.unwrap_or(dlq::MAX_COUNT).clamp(1, dlq::MAX_COUNT);
        let default_timeout = self.inner.config.default_timeout_ms;
        // The entries are found on a read connection (the scan may cover the whole DLQ) and
        // read again by position on the writer, which every publish waits for; one deleted
        // in between is skipped, as if it had been deleted first.
        let found = self
            .inner
            .store
            .read(move |c| dlq::find(c, user, &f, limit))
            .await?;
        let cursor = found.cursor();
        let (results, pending, flow) = self
            .inner
            .store
            .write(move |c| {
                let mut rows = Vec::with_capacity(found.seqs.len());
                for seq in &found.seqs {
                    rows.extend(dlq::get_at(c, user, *seq)?);
                }
                // A flow-control override configures its key as a published message's would.
                let flow = match &overrides.flow_control {
                    Some(fc) if !rows.is_empty() => Some(flow_upsert(c, user, fc)?),
                    _ => None,
                };
                let mut results = Vec::new();
                let mut pending = Vec::new();
                for row in rows {
                    let mut m = row.msg.clone();
                    m.id = new_message_id();
                    m.created_ms = now;
                    m.not_before_ms = now;
                    apply_overrides(&mut m, &overrides, now, default_timeout);
                    let due = m.not_before_ms;
                    let seq = msgs::insert(c, &m, &row.body, due)?;
                    logs::insert(c, user, &m.id, now, LogState::Created, None)?;
                    dlq::delete(c, user, &row.dlq_id)?;
                    results.push(PublishResult {
                        message_id: m.id.clone(),
                        url: Some(m.url.clone()),
                        deduplicated: false,
                    });
                    pending.push(Pending::new(seq, m, row.body, due, 0));
                }
                Ok((results, pending, flow))
            })
            .await?;
        if let Some(f) = flow {
            self.inner.engine.flow_config(&f);
        }
        for p in pending {
            self.inner.engine.add(p);
        }
        Ok(Page {
            cursor,
            items: results,
        })
    }

    // ───────────────────────── keys ─────────────────────────

    /// `GET /v2/keys`.
    pub async fn keys(&self, user: UserId) -> AppResult<SigningKeys> {
        self.inner
            .store
            .read(move |c| keys::get(c, user))
            .await?
            .ok_or_else(|| AppError::NotFound(format!("user {user} not found")))
    }

    /// `POST /v2/keys/rotate`: current = next, next = a new random key.
    pub async fn rotate_keys(&self, user: UserId) -> AppResult<SigningKeys> {
        let next = random_id("sig_", 28);
        let k = self
            .inner
            .store
            .write(move |c| keys::rotate(c, user, &next))
            .await?;
        self.inner.engine.set_keys(user, k.clone());
        Ok(k)
    }

    // ───────────────────────── queues ─────────────────────────

    /// `POST /v2/queues`: create or update. `parallelism` default 1; `paused` default keeps
    /// the current state (false for a new queue).
    pub async fn queue_upsert(
        &self,
        user: UserId,
        name: &str,
        parallelism: Option<u32>,
        paused: Option<bool>,
    ) -> AppResult<()> {
        validate_name("queueName", name)?;
        if parallelism == Some(0) {
            return Err(AppError::BadRequest(
                "invalid parallelism: must be at least 1".into(),
            ));
        }
        let quota = self.inner.config.quota;
        let max_par = quota.limits().queue_parallelism;
        if let Some(p) = parallelism.filter(|p| *p > max_par) {
            return Err(AppError::Precondition(format!(
                "parallelism limit exceeded: {p} is above the {quota} quota's maximum queue \
                 parallelism of {max_par}"
            )));
        }
        let now = self.now();
        let name = name.to_string();
        let row = self
            .inner
            .store
            .write(move |c| {
                let old = queues::get(c, user, &name)?;
                // Updating an existing queue does not count against the quota again.
                if old.is_none() && queues::count(c, user)? >= quota.limits().queues {
                    return Ok(Err(over_count(
                        quota,
                        quota.limits().queues,
                        "queue",
                        "queues",
                    )));
                }
                let row = queues::QueueRow {
                    user,
                    name: name.clone(),
                    // Omitted fields keep their current value (new queue: parallelism 1).
                    parallelism: parallelism
                        .or(old.as_ref().map(|o| o.parallelism))
                        .unwrap_or(1),
                    paused: paused.unwrap_or(old.as_ref().is_some_and(|o| o.paused)),
                    created_ms: old.as_ref().map_or(now, |o| o.created_ms),
                    updated_ms: now,
                };
                queues::put(c, &row)?;
                Ok(Ok(row))
            })
            .await??;
        self.inner.engine.queue_config(&row);
        Ok(())
    }

    /// `GET /v2/queues/{name}`.
    pub async fn queue_get(&self, user: UserId, name: &str) -> AppResult<Queue> {
        let n = name.to_string();
        self.inner
            .store
            .read(move |c| {
                Ok(match queues::get(c, user, &n)? {
                    Some(q) => Some(queue_wire(c, q)?),
                    None => None,
                })
            })
            .await?
            .ok_or_else(|| AppError::NotFound(format!("queue {name} not found")))
    }

    /// `GET /v2/queues`.
    pub async fn queue_list(&self, user: UserId) -> AppResult<Vec<Queue>> {
        Ok(self
            .inner
            .store
            .read(move |c| {
                queues::list(c, user)?
                    .into_iter()
                    .map(|q| queue_wire(c, q))
                    .collect::<Result<Vec<_>, _>>()
            })
            .await?)
    }

    /// `DELETE /v2/queues/{name}`: 200 even when it does not exist. Its undelivered messages
    /// are cancelled.
    pub async fn queue_delete(&self, user: UserId, name: &str) -> AppResult<()> {
        let n = name.to_string();
        self.inner
            .store
            .write(move |c| queues::delete(c, user, &n))
            .await?;
        let f = MessageFilter {
            queue_names: vec![name.to_string()],
            ..Default::default()
        };
        self.cancel_many(user, f).await?;
        self.inner.engine.queue_removed(user, name);
        Ok(())
    }

    /// `POST /v2/queues/{name}/pause`.
    pub async fn queue_pause(&self, user: UserId, name: &str) -> AppResult<()> {
        self.queue_set_paused(user, name, true).await
    }

    /// `POST /v2/queues/{name}/resume`.
    pub async fn queue_resume(&self, user: UserId, name: &str) -> AppResult<()> {
        self.queue_set_paused(user, name, false).await
    }

    async fn queue_set_paused(&self, user: UserId, name: &str, paused: bool) -> AppResult<()> {
        let now = self.now();
        let n = name.to_string();
        let row = self
            .inner
            .store
            .write(move |c| {
                let Some(mut q) = queues::get(c, user, &n)? else {
                    return Ok(None);
                };
                q.paused = paused;
                q.updated_ms = now;
                queues::put(c, &q)?;
                Ok(Some(q))
            })
            .await?
            .ok_or_else(|| AppError::NotFound(format!("queue {name} not found")))?;
        self.inner.engine.queue_config(&row);
        Ok(())
    }

    // ───────────────────────── URL groups ─────────────────────────

    /// `POST /v2/topics/{name}/endpoints`: adds endpoints (creating the group). An endpoint
    /// with the same URL (or same name) replaces the old one.
    pub async fn url_group_add_endpoints(
        &self,
        user: UserId,
        name: &str,
        endpoints: Vec<Endpoint>,
    ) -> AppResult<()> {
        validate_name("topicName", name)?;
        if endpoints.is_empty() {
            return Err(AppError::BadRequest("invalid endpoints: empty".into()));
        }
        for e in &endpoints {
            validate_url("endpoints.url", &e.url)?;
        }
        let now = self.now();
        let quota = self.inner.config.quota;
        let n = name.to_string();
        self.inner
            .store
            .write(move |c| {
                let mut g = match group_or_new(c, user, &n, now, quota)? {
                    Ok(g) => g,
                    Err(e) => return Ok(Err(e)),
                };
                for e in endpoints {
                    g.endpoints
                        .retain(|o| o.url != e.url && (e.name.is_none() || o.name != e.name));
                    g.endpoints.push(e);
                }
                // Counted after the merge: re-adding an endpoint replaces it, it is not a new one.
                let max = quota.limits().endpoints_per_group;
                if g.endpoints.len() > max {
                    return Ok(Err(AppError::Precondition(format!(
                        "endpoint limit exceeded: url group {n} would have {} endpoints, the \
                         {quota} quota allows {max} per URL group",
                        g.endpoints.len()
                    ))));
                }
                g.updated_at = now;
                url_groups::put(c, user, &g).map(Ok)
            })
            .await??;
        Ok(())
    }

    /// `DELETE /v2/topics/{name}/endpoints`: removes endpoints matching by name or URL;
    /// removing the last one deletes the group, which a schedule publishing to it prevents
    /// (400, as [`Self::url_group_delete`]).
    pub async fn url_group_remove_endpoints(
        &self,
        user: UserId,
        name: &str,
        endpoints: Vec<Endpoint>,
    ) -> AppResult<()> {
        let now = self.now();
        let n = name.to_string();
        let found = self
            .inner
            .store
            .write(move |c| {
                let Some(mut g) = url_groups::get(c, user, &n)? else {
                    return Ok(Ok(false));
                };
                g.endpoints.retain(|o| {
                    !endpoints.iter().any(|e| {
                        (e.name.is_some() && e.name == o.name)
                            || (!e.url.is_empty() && e.url == o.url)
                    })
                });
                if g.endpoints.is_empty() {
                    if let Some(conflict) = schedules_using_group(c, user, &n)? {
                        return Ok(Err(conflict));
                    }
                    url_groups::delete(c, user, &n)?;
                } else {
                    g.updated_at = now;
                    url_groups::put(c, user, &g)?;
                }
                Ok(Ok(true))
            })
            .await??;
        if found {
            Ok(())
        } else {
            Err(AppError::NotFound(format!("url group {name} not found")))
        }
    }

    /// `GET /v2/topics/{name}`.
    pub async fn url_group_get(&self, user: UserId, name: &str) -> AppResult<UrlGroup> {
        let n = name.to_string();
        self.inner
            .store
            .read(move |c| url_groups::get(c, user, &n))
            .await?
            .ok_or_else(|| AppError::NotFound(format!("url group {name} not found")))
    }

    /// `GET /v2/topics`.
    pub async fn url_group_list(&self, user: UserId) -> AppResult<Vec<UrlGroup>> {
        Ok(self
            .inner
            .store
            .read(move |c| url_groups::list(c, user))
            .await?)
    }

    /// `DELETE /v2/topics/{name}`; 404 when missing.
    ///
    /// QStash requires deleting a schedule that publishes to the group first (OpenAPI warning
    /// on this endpoint); deleting anyway would leave the schedule failing at every firing,
    /// so it is a 400 naming the schedules.
    pub async fn url_group_delete(&self, user: UserId, name: &str) -> AppResult<()> {
        let n = name.to_string();
        if self
            .inner
            .store
            .write(move |c| {
                if url_groups::get(c, user, &n)?.is_none() {
                    return Ok(Ok(false));
                }
                if let Some(conflict) = schedules_using_group(c, user, &n)? {
                    return Ok(Err(conflict));
                }
                url_groups::delete(c, user, &n).map(Ok)
            })
            .await??
        {
            Ok(())
        } else {
            Err(AppError::NotFound(format!("url group {name} not found")))
        }
    }

    /// `PATCH /v2/topics/{name}` `{"headers": …}`: saved default headers for every publish to
    /// the group (creates the group if missing).
    pub async fn url_group_set_headers(
        &self,
        user: UserId,
        name: &str,
        headers: HeaderMap,
    ) -> AppResult<()> {
        validate_name("topicName", name)?;
        let now = self.now();
        let quota = self.inner.config.quota;
        let n = name.to_string();
        self.inner
            .store
            .write(move |c| {
                let mut g = match group_or_new(c, user, &n, now, quota)? {
                    Ok(g) => g,
                    Err(e) => return Ok(Err(e)),
                };
                g.headers = headers
                    .into_iter()
                    .map(|(k, v)| (canonical_header_name(&k), v))
                    .collect();
                g.updated_at = now;
                url_groups::put(c, user, &g).map(Ok)
            })
            .await??;
        Ok(())
    }

    // ───────────────────────── schedules ─────────────────────────

    /// `POST /v2/schedules/{destination}`: creates, or fully replaces when `schedule_id`
    /// names an existing one. Returns the schedule id.
    pub async fn schedule_upsert(&self, user: UserId, s: NewSchedule) -> AppResult<String> {
        let cron = parse_cron(&s.cron)
            .map_err(|e| AppError::BadRequest(e.in_field("Upstash-Cron").to_string()))?;
        validate_new(&s.message)?;
        if let Some(id) = &s.schedule_id {
            validate_name("Upstash-Schedule-Id", id)?;
        }
        let now = self.now();
        let quota = self.inner.config.quota;
        check_message_quota(&s.message, quota)?;
        let id = s
            .schedule_id
            .clone()
            .unwrap_or_else(|| random_id("scd_", 28));
        let next = cron.next_after(now);
        let m = s.message;
        let template = ScheduleTemplate {
            is_group: matches!(m.destination, Destination::UrlGroup(_)),
            destination: m.destination.as_str().to_string(),
            method: m.method,
            headers: m.headers,
            content_type: m.content_type,
            retries: m.retries,
            retry_delay: m.retry_delay,
            timeout_ms: m.timeout_ms,
            delay_ms: m.delay_ms,
            callback: m.callback,
            failure_callback: m.failure_callback,
            labels: m.labels,
            redact: m.redact,
            queue: m.queue,
            flow_control: m.flow_control,
            caller_ip: m.caller_ip,
        };
        let body = m.body;
        let cron_src = cron.source().to_string();
        let id2 = id.clone();
        self.inner
            .store
            .write(move |c| {
                let old = store::schedules::get(c, user, &id2)?;
                // Replacing an existing schedule does not count against the quota again.
                if old.is_none() && store::schedules::count(c, user)? >= quota.limits().schedules {
                    return Ok(Err(over_count(
                        quota,
                        quota.limits().schedules,
                        "schedule",
                        "schedules",
                    )));
                }
                // A firing creates its queue; one that could never be created would make every
                // firing fail later, so refuse the schedule now.
                if let Some(q) = &template.queue {
                    if queues::get(c, user, q)?.is_none()
                        && queues::count(c, user)? >= quota.limits().queues
                    {
                        return Ok(Err(over_count(
                            quota,
                            quota.limits().queues,
                            "queue",
                            "queues",
                        )));
                    }
                }
                let row = ScheduleRow {
                    user,
                    id: id2.clone(),
                    created_ms: old.as_ref().map_or(now, |o| o.created_ms),
                    paused: false,
                    cron: cron_src,
                    template,
                    body,
                    last_ms: old.as_ref().and_then(|o| o.last_ms),
                    next_ms: next,
                    last_ids: old.map(|o| o.last_ids).unwrap_or_default(),
                };
                store::schedules::put(c, &row).map(Ok)
            })
            .await??;
        self.inner.schedules_changed.notify_one();
        Ok(id)
    }

    /// `GET /v2/schedules/{id}`.
    pub async fn schedule_get(&self, user: UserId, id: &str) -> AppResult<Schedule> {
        let i = id.to_string();
        self.inner
            .store
            .read(move |c| match store::schedules::get(c, user, &i)? {
                Some(r) => Ok(Some(schedule_wire(c, r)?)),
                None => Ok(None),
            })
            .await?
            .ok_or_else(|| AppError::NotFound(format!("schedule {id} not found")))
    }

    /// `GET /v2/schedules`.
    pub async fn schedule_list(&self, user: UserId) -> AppResult<Vec<Schedule>> {
        Ok(self
            .inner
            .store
            .read(move |c| {
                store::schedules::list(c, user)?
                    .into_iter()
                    .map(|r| schedule_wire(c, r))
                    .collect::<Result<Vec<_>, _>>()
            })
            .await?)
    }

    /// `DELETE /v2/schedules/{id}` (200 even if missing, like QStash).
    pub async fn schedule_delete(&self, user: UserId, id: &str) -> AppResult<()> {
        let i = id.to_string();
        self.inner
            .store
            .write(move |c| store::schedules::delete(c, user, &i))
            .await?;
        self.inner.schedules_changed.notify_one();
        Ok(())
    }

    /// `POST|PATCH /v2/schedules/{id}/pause` (idempotent).
    pub async fn schedule_pause(&self, user: UserId, id: &str) -> AppResult<()> {
        self.schedule_set_paused(user, id, true).await
    }

    /// `POST|PATCH /v2/schedules/{id}/resume` (idempotent); the next firing is computed from now.
    pub async fn schedule_resume(&self, user: UserId, id: &str) -> AppResult<()> {
        self.schedule_set_paused(user, id, false).await
    }

    async fn schedule_set_paused(&self, user: UserId, id: &str, paused: bool) -> AppResult<()> {
        let now = self.now();
        let i = id.to_string();
        let found = self
            .inner
            .store
            .write(move |c| {
                let Some(row) = store::schedules::get(c, user, &i)? else {
                    return Ok(false);
                };
                let next = if paused {
                    None
                } else {
                    parse_cron(&row.cron).ok().and_then(|cr| cr.next_after(now))
                };
                store::schedules::set_paused(c, user, &i, paused, next)
            })
            .await?;
        self.inner.schedules_changed.notify_one();
        if found {
            Ok(())
        } else {
            Err(AppError::NotFound(format!("schedule {id} not found")))
        }
    }

    // ───────────────────────── flow control ─────────────────────────

    /// `GET /v2/flowControl` (optionally keys containing `search`).
    pub async fn flow_control_list(
        &self,
        user: UserId,
        search: Option<&str>,
    ) -> AppResult<Vec<FlowControlInfo>> {
        let mut v = self.inner.engine.flow_infos(user);
        if let Some(s) = search {
            v.retain(|i| i.flow_control_key.contains(s));
        }
        Ok(v)
    }

    /// `GET /v2/flowControl/{key}`.
    pub async fn flow_control_get(&self, user: UserId, key: &str) -> AppResult<FlowControlInfo> {
        self.inner
            .engine
            .flow_infos(user)
            .into_iter()
            .find(|i| i.flow_control_key == key)
            .ok_or_else(|| AppError::NotFound(format!("flow control key {key} not found")))
    }

    async fn flow_update(
        &self,
        user: UserId,
        key: &str,
        f: impl FnOnce(&mut fcs::FlowRow) + Send + 'static,
    ) -> AppResult<()> {
        let Some(mut row) = self.inner.engine.flow_row(user, key) else {
            return Err(AppError::NotFound(format!(
                "flow control key {key} not found"
            )));
        };
        f(&mut row);
        let r2 = row.clone();
        self.inner.store.write(move |c| fcs::put(c, &r2)).await?;
        self.inner.engine.flow_config(&row);
        Ok(())
    }

    /// `POST /v2/flowControl/{key}/pause`.
    pub async fn flow_control_pause(&self, user: UserId, key: &str) -> AppResult<()> {
        self.flow_update(user, key, |r| r.paused = true).await
    }

    /// `POST /v2/flowControl/{key}/resume`.
    pub async fn flow_control_resume(&self, user: UserId, key: &str) -> AppResult<()> {
        self.flow_update(user, key, |r| r.paused = false).await
    }

    /// `POST /v2/flowControl/{key}/pin?parallelism=&rate=&period=` (period in seconds): fixes
    /// the given values against messages' settings and resets the rate window.
    pub async fn flow_control_pin(
        &self,
        user: UserId,
        key: &str,
        parallelism: Option<u32>,
        rate: Option<u32>,
        period_secs: Option<u64>,
    ) -> AppResult<()> {
        if parallelism.is_none() && rate.is_none() && period_secs.is_none() {
            return Err(AppError::BadRequest(
                "invalid pin: give parallelism, rate or period".into(),
            ));
        }
        if period_secs == Some(0) {
            return Err(AppError::BadRequest(
                "invalid period: must be at least 1".into(),
            ));
        }
        self.flow_update(user, key, move |r| {
            if let Some(p) = parallelism {
                r.parallelism = Some(p).filter(|p| *p > 0);
                r.pin_parallelism = true;
            }
            if rate.is_some() || period_secs.is_some() {
                if let Some(x) = rate {
                    r.rate = Some(x).filter(|x| *x > 0);
                }
                if let Some(x) = period_secs {
                    r.period_secs = x;
                }
                r.pin_rate = true;
            }
        })
        .await?;
        self.inner.engine.flow_reset(user, key, true, false);
        Ok(())
    }

    /// `POST /v2/flowControl/{key}/unpin?parallelism=true&rate=true`: the pinned values stay
    /// until a message brings different ones.
    pub async fn flow_control_unpin(
        &self,
        user: UserId,
        key: &str,
        parallelism: bool,
        rate: bool,
    ) -> AppResult<()> {
        self.flow_update(user, key, move |r| {
            if parallelism {
                r.pin_parallelism = false;
            }
            if rate {
                r.pin_rate = false;
            }
        })
        .await
    }

    /// `POST /v2/flowControl/{key}/resetRate`: clears the count; a new period starts now.
    pub async fn flow_control_reset_rate(&self, user: UserId, key: &str) -> AppResult<()> {
        if self.inner.engine.flow_reset(user, key, true, false) {
            Ok(())
        } else {
            Err(AppError::NotFound(format!(
                "flow control key {key} not found"
            )))
        }
    }

    /// `POST /v2/flowControl/{key}/reset`: resets the rate and parallelism counters.
    pub async fn flow_control_reset(&self, user: UserId, key: &str) -> AppResult<()> {
        if self.inner.engine.flow_reset(user, key, true, true) {
            Ok(())
        } else {
            Err(AppError::NotFound(format!(
                "flow control key {key} not found"
            )))
        }
    }

    /// `GET /v2/globalParallelism`.
    pub async fn global_parallelism(&self, user: UserId) -> AppResult<GlobalParallelism> {
        Ok(GlobalParallelism {
            parallelism_max: self.inner.config.max_in_flight,
            parallelism_count: self.inner.engine.in_flight(user),
        })
    }

    /// Deletes logs, finished messages, DLQ entries and dedup keys past retention.
    pub async fn prune(&self) -> AppResult<()> {
        let now = self.now();
        let before = now - self.inner.config.retention_ms;
        self.inner
            .store
            .write(move |c| {
                logs::prune(c, before)?;
                dlq::prune(c, before)?;
                msgs::prune(c, before)?;
                dedup::prune(c, now)?;
                Ok(())
            })
            .await?;
        Ok(())
    }

    /// Publishes one firing of a schedule and records it (`lastScheduleTime`, the message ids,
    /// `next_ms`) in the SAME transaction, so a crash can neither lose nor repeat a firing.
    /// A firing that cannot publish (e.g. its URL group is gone) is recorded with no messages
    /// and its error returned.
    pub(crate) async fn fire_schedule(
        &self,
        row: &ScheduleRow,
        now: i64,
        next_ms: Option<i64>,
    ) -> AppResult<Vec<String>> {
        let t = &row.template;
        let dest = if t.is_group {
            Destination::UrlGroup(t.destination.clone())
        } else {
            Destination::Url(t.destination.clone())
        };
        let m = NewMessage {
            destination: dest,
            method: t.method.clone(),
            headers: t.headers.clone(),
            body: row.body.clone(),
            content_type: t.content_type.clone(),
            retries: t.retries,
            retry_delay: t.retry_delay.clone(),
            timeout_ms: t.timeout_ms,
            delay_ms: t.delay_ms,
            not_before_ms: None,
            callback: t.callback.clone(),
            failure_callback: t.failure_callback.clone(),
            dedup: None,
            labels: t.labels.clone(),
            redact: t.redact.clone(),
            queue: t.queue.clone(),
            flow_control: t.flow_control.clone(),
            caller_ip: t.caller_ip.clone(),
            schedule_id: Some(row.id.clone()),
        };
        let cfg = self.inner.config.clone();
        let (user, id) = (row.user, row.id.clone());
        let r = self
            .inner
            .store
            .write(move |c| {
                let r = publish_tx(c, user, m, now, &cfg)?;
                let ids: Vec<String> = match &r {
                    Ok(p) => p.results.iter().map(|x| x.message_id.clone()).collect(),
                    Err(_) => Vec::new(),
                };
                store::schedules::fired(c, user, &id, now, next_ms, &ids)?;
                Ok(r)
            })
            .await??;
        let results = self.after_publish(user, r)?;
        Ok(results.into_iter().map(|p| p.message_id).collect())
    }
}

/// The 400 for removing URL group `name` while schedules publish to it (QStash requires deleting
/// them first; otherwise they would fail at every firing), or `None` when nothing uses it.
fn schedules_using_group(
    c: &Connection,
    user: UserId,
    name: &str,
) -> store::StoreResult<Option<AppError>> {
    let using: Vec<String> = store::schedules::list(c, user)?
        .into_iter()
        .filter(|s| s.template.is_group && s.template.destination == name)
        .map(|s| s.id)
        .collect();
    Ok((!using.is_empty()).then(|| {
        AppError::Conflict(format!(
            "url group {name} is used by schedule {}: delete the schedule first",
            using.join(", ")
        ))
    }))
}

fn validate_name(field: &str, name: &str) -> AppResult<()> {
    if name.is_empty()
        || name.len() > 256
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        return Err(AppError::BadRequest(format!(
            "invalid {field}: must be 1-256 characters of letters, digits, '-', '_' or '.'"
        )));
    }
    Ok(())
}

fn validate_url(field: &str, url: &str) -> AppResult<()> {
    if !(url.starts_with("http://") || url.starts_with("https://")) || url::Url::parse(url).is_err()
    {
        return Err(AppError::BadRequest(format!(
            "invalid {field}: endpoint has invalid scheme, add http:// or https://"
        )));
    }
    Ok(())
}

fn validate_new(m: &NewMessage) -> AppResult<()> {
    match &m.destination {
        Destination::Url(u) => {
            if !(u.starts_with("http://") || u.starts_with("https://")) {
                return Err(AppError::BadRequest(
                    "invalid destination url: endpoint has invalid scheme, add http:// or https://"
                        .into(),
                ));
            }
        }
        Destination::UrlGroup(g) => validate_name("destination", g)?,
    }
    if let Some(q) = &m.queue {
        validate_name("queueName", q)?;
    }
    if let Some(e) = &m.retry_delay {
        parse_retry_delay(e)
            .map_err(|e| AppError::BadRequest(e.in_field("Upstash-Retry-Delay").to_string()))?;
    }
    for (f, cb) in [
        ("Upstash-Callback", &m.callback),
        ("Upstash-Failure-Callback", &m.failure_callback),
    ] {
        if let Some(cb) = cb {
            validate_url(f, &cb.url)?;
        }
    }
    Ok(())
}

/// A 412 for a count at its limit: `queue limit reached: the free quota allows 10 queues`.
fn over_count(quota: Quota, max: usize, one: &str, many: &str) -> AppError {
    let noun = if max == 1 { one } else { many };
    AppError::Precondition(format!(
        "{one} limit reached: the {quota} quota allows {max} {noun}"
    ))
}

/// The URL group `name`, or a new empty one if creating it stays within the group quota.
fn group_or_new(
    c: &Connection,
    user: UserId,
    name: &str,
    now: i64,
    quota: Quota,
) -> Result<AppResult<UrlGroup>, StoreError> {
    if let Some(g) = url_groups::get(c, user, name)? {
        return Ok(Ok(g));
    }
    if url_groups::count(c, user)? >= quota.limits().url_groups {
        return Ok(Err(over_count(
            quota,
            quota.limits().url_groups,
            "URL group",
            "URL groups",
        )));
    }
    Ok(Ok(UrlGroup {
        name: name.to_string(),
        created_at: now,
        updated_at: now,
        endpoints: Vec::new(),
        headers: HeaderMap::new(),
    }))
}

/// The per-message settings a plan limits.
struct QuotaFields<'a> {
    retries: Option<u32>,
    timeout_ms: Option<u64>,
    delay_ms: Option<u64>,
    not_before_ms: Option<i64>,
    callbacks: [&'a Option<CallbackConfig>; 2],
}

fn check_message_quota(m: &NewMessage, quota: Quota) -> AppResult<()> {
    check_quota(
        quota,
        QuotaFields {
            retries: m.retries,
            timeout_ms: m.timeout_ms,
            delay_ms: m.delay_ms,
            not_before_ms: m.not_before_ms,
            callbacks: [&m.callback, &m.failure_callback],
        },
    )
}

/// Rejects (412) settings above the plan's maximum. Rejecting rather than clamping (reference
/// open question 7) so a message never silently gets fewer retries than its publisher asked for.
fn check_quota(quota: Quota, f: QuotaFields<'_>) -> AppResult<()> {
    let l = quota.limits();
    let over = |what: &str, field: &str, given: String, max: String| {
        AppError::Precondition(format!(
            "{what} limit exceeded: {field} {given} is above the {quota} quota's maximum of {max}"
        ))
    };
    let ms = |ms: u64| {
        if ms.is_multiple_of(1000) {
            short_duration(ms / 1000)
        } else {
            format!("{ms}ms")
        }
    };
    let retries = |field: &str, n: Option<u32>| match n {
        Some(n) if n > l.max_retries => Err(over(
            "retries",
            field,
            n.to_string(),
            l.max_retries.to_string(),
        )),
        _ => Ok(()),
    };
    let timeout = |field: &str, t: Option<u64>| match t {
        Some(t) if t > l.max_timeout_secs * 1000 => Err(over(
            "timeout",
            field,
            ms(t),
            short_duration(l.max_timeout_secs),
        )),
        _ => Ok(()),
    };
    retries("Upstash-Retries", f.retries)?;
    timeout("Upstash-Timeout", f.timeout_ms)?;
    for (cb, prefix) in f.callbacks.iter().zip(["Callback", "Failure-Callback"]) {
        if let Some(cb) = cb {
            retries(&format!("Upstash-{prefix}-Retries"), cb.retries)?;
            timeout(&format!("Upstash-{prefix}-Timeout"), cb.timeout_ms)?;
        }
    }
    // The plans document a maximum for `Upstash-Delay` only; an absolute `Upstash-Not-Before`
    // has none documented, and it wins over the delay, which then does not count.
    if let (None, Some(d)) = (f.not_before_ms, f.delay_ms) {
        if d > l.max_delay_secs * 1000 {
            return Err(over(
                "delay",
                "Upstash-Delay",
                ms(d),
                short_duration(l.max_delay_secs),
            ));
        }
    }
    Ok(())
}

/// The outcome of a submitted publish transaction (see [`App::submit_publish`]).
type PublishRx = tokio::sync::oneshot::Receiver<Result<AppResult<Published>, StoreError>>;

/// The content-based dedup key: destination + body + content type + forwarded headers.
fn content_hash(m: &NewMessage) -> String {
    let mut h = Sha256::new();
    h.update(m.destination.as_str().as_bytes());
    h.update([0]);
    h.update(&m.body);
    h.update([0]);
    h.update(m.content_type.as_deref().unwrap_or("").as_bytes());
    for (k, vs) in &m.headers {
        h.update([0]);
        h.update(k.as_bytes());
        for v in vs {
            h.update([1]);
            h.update(v.as_bytes());
        }
    }
    let d = h.finalize();
    let mut s = String::from("content:");
    for b in d {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

fn publish_tx(
    c: &Connection,
    user: UserId,
    m: NewMessage,
    now: i64,
    cfg: &Config,
) -> Result<Result<Published, AppError>, StoreError> {
    // Every client error is detected before the first write, so returning `Ok(Err(..))`
    // leaves nothing half-written in the (committed) transaction.
    let dedup_key = match &m.dedup {
        Some(Dedup::Id(id)) => Some(format!("id:{}", id)),
        Some(Dedup::ContentBased) => Some(content_hash(&m)),
        None => None,
    };
    if let Some(k) = &dedup_key {
        if let Some(mut prev) = dedup::lookup(c, user, k, now)? {
            for p in &mut prev {
                p.deduplicated = true;
            }
            return Ok(Ok(Published {
                results: prev,
                pending: Vec::new(),
                flow: None,
                queue: None,
            }));
        }
    }
    // Targets: (url, topic, endpoint name, extra default headers).
    let mut targets: Vec<(String, Option<String>, Option<String>, HeaderMap)> = Vec::new();
    match &m.destination {
        Destination::Url(u) => targets.push((u.clone(), None, None, HeaderMap::new())),
        Destination::UrlGroup(g) => {
            let Some(group) = url_groups::get(c, user, g)? else {
                return Ok(Err(AppError::NotFound(format!("url group {g} not found"))));
            };
            if group.endpoints.is_empty() {
                return Ok(Err(AppError::NotFound(format!(
                    "url group {g} has no endpoints"
                ))));
            }
            for e in group.endpoints {
                targets.push((e.url, Some(g.clone()), e.name, group.headers.clone()));
            }
        }
    }
    let queue = match &m.queue {
        Some(q) => match queues::get(c, user, q)? {
            Some(_) => None,
            None => {
                // Enqueueing to an unknown queue creates it (the Python SDK relies on this),
                // so it counts against the queue quota like an upsert.
                if queues::count(c, user)? >= cfg.quota.limits().queues {
                    return Ok(Err(over_count(
                        cfg.quota,
                        cfg.quota.limits().queues,
                        "queue",
                        "queues",
                    )));
                }
                let row = queues::QueueRow {
                    user,
                    name: q.clone(),
                    parallelism: 1,
                    paused: false,
                    created_ms: now,
                    updated_ms: now,
                };
                queues::put(c, &row)?;
                Some(row)
            }
        },
        None => None,
    };
    let flow = match &m.flow_control {
        Some(f) => Some(flow_upsert(c, user, f)?),
        None => None,
    };
    let not_before = match (m.not_before_ms, m.delay_ms) {
        (Some(nb), _) => nb,
        (None, Some(d)) => now + d as i64,
        (None, None) => now,
    };
    let mut results = Vec::new();
    let mut pending = Vec::new();
    for (url, topic, endpoint, group_headers) in targets {
        let mut headers = group_headers;
        for (k, v) in &m.headers {
            headers.insert(k.clone(), v.clone());
        }
        let sm = StoredMessage {
            id: new_message_id(),
            user,
            url: url.clone(),
            topic_name: topic,
            endpoint_name: endpoint,
            method: m.method.clone(),
            headers,
            content_type: m.content_type.clone(),
            max_retries: m.retries.unwrap_or(cfg.default_retries),
            retry_delay: m.retry_delay.clone(),
            timeout_ms: m.timeout_ms.unwrap_or(cfg.default_timeout_ms),
            not_before_ms: not_before,
            created_ms: now,
            callback: m.callback.clone(),
            failure_callback: m.failure_callback.clone(),
            labels: m.labels.clone(),
            redact: m.redact.clone(),
            queue: m.queue.clone(),
            flow_control: m.flow_control.clone(),
            caller_ip: m.caller_ip.clone(),
            schedule_id: m.schedule_id.clone(),
            parent_id: None,
            is_callback: false,
            holds_queue: None,
        };
        let seq = msgs::insert(c, &sm, &m.body, not_before)?;
        logs::insert(c, user, &sm.id, now, LogState::Created, None)?;
        results.push(PublishResult {
            message_id: sm.id.clone(),
            url: Some(url),
            deduplicated: false,
        });
        pending.push(Pending::new(seq, sm, m.body.clone(), not_before, 0));
    }
    if let Some(k) = &dedup_key {
        dedup::remember(c, user, k, &results, now + cfg.dedup_window_ms)?;
    }
    Ok(Ok(Published {
        results,
        pending,
        flow,
        queue,
    }))
}

/// A message's flow-control value updates the key's config unless pinned.
fn flow_upsert(c: &Connection, user: UserId, f: &FlowControl) -> Result<fcs::FlowRow, StoreError> {
    let old = fcs::get(c, user, &f.key)?;
    let mut row = old.clone().unwrap_or(fcs::FlowRow {
        user,
        key: f.key.clone(),
        parallelism: None,
        rate: None,
        period_secs: f.period_secs.max(1),
        paused: false,
        pin_parallelism: false,
        pin_rate: false,
    });
    if !row.pin_parallelism {
        row.parallelism = f.parallelism;
    }
    if !row.pin_rate {
        row.rate = f.rate;
        row.period_secs = f.period_secs.max(1);
    }
    if old.as_ref() != Some(&row) {
        fcs::put(c, &row)?;
    }
    Ok(row)
}

fn apply_overrides(m: &mut StoredMessage, o: &Overrides, now: i64, _default_timeout: u64) {
    if let Some(x) = &o.method {
        m.method = x.clone();
    }
    if let Some(x) = o.retries {
        m.max_retries = x;
    }
    if let Some(x) = &o.retry_delay {
        m.retry_delay = Some(x.clone());
    }
    if let Some(x) = o.timeout_ms {
        m.timeout_ms = x;
    }
    if let Some(x) = o.not_before_ms {
        m.not_before_ms = x;
    } else if let Some(d) = o.delay_ms {
        m.not_before_ms = now + d as i64;
    }
    if let Some(x) = &o.callback {
        m.callback = Some(x.clone());
    }
    if let Some(x) = &o.failure_callback {
        m.failure_callback = Some(x.clone());
    }
    if let Some(x) = &o.labels {
        m.labels = x.clone();
    }
    if let Some(x) = &o.flow_control {
        m.flow_control = Some(x.clone());
    }
    for (k, v) in &o.headers {
        m.headers.insert(k.clone(), v.clone());
    }
}

fn queue_wire(c: &Connection, q: queues::QueueRow) -> Result<Queue, StoreError> {
    let lag = msgs::queue_lag(c, q.user, &q.name)?;
    Ok(Queue {
        name: q.name,
        created_at: q.created_ms,
        updated_at: q.updated_ms,
        parallelism: q.parallelism,
        lag,
        paused: q.paused,
    })
}

fn schedule_wire(c: &Connection, r: ScheduleRow) -> Result<Schedule, StoreError> {
    let t = &r.template;
    let probe = StoredMessage {
        user: r.user,
        url: t.destination.clone(),
        method: t.method.clone(),
        headers: t.headers.clone(),
        content_type: t.content_type.clone(),
        labels: t.labels.clone(),
        redact: t.redact.clone(),
        ..Default::default()
    };
    let (body, body_base64) = probe.wire_body(&r.body);
    let (label, labels) = probe.wire_labels();
    let states = if r.last_ids.is_empty() {
        None
    } else {
        let st = msgs::statuses(c, &r.last_ids)?;
        Some(
            st.into_iter()
                .map(|(id, s)| {
                    let v = match s {
                        msgs::status::DELIVERED => "SUCCESS",
                        msgs::status::PENDING => "IN_PROGRESS",
                        _ => "FAIL",
                    };
                    (id, v.to_string())
                })
                .collect::<BTreeMap<_, _>>(),
        )
    };
    let fc = t.flow_control.as_ref();
    Ok(Schedule {
        schedule_id: r.id,
        cron: r.cron,
        destination: t.destination.clone(),
        created_at: r.created_ms,
        method: t.method.clone(),
        header: probe.wire_headers(),
        body,
        body_base64,
        retries: t.retries.unwrap_or(3),
        delay: t.delay_ms.map(|d| d / 1000),
        timeout: t.timeout_ms.map(|d| d / 1000),
        callback: t.callback.as_ref().map(|x| x.url.clone()),
        failure_callback: t.failure_callback.as_ref().map(|x| x.url.clone()),
        caller_ip: t.caller_ip.clone(),
        is_paused: r.paused,
        queue_name: t.queue.clone(),
        flow_control_key: fc.map(|f| f.key.clone()),
        parallelism: fc.and_then(|f| f.parallelism),
        rate: fc.and_then(|f| f.rate),
        period: fc.map(|f| f.period_secs),
        retry_delay_expression: t.retry_delay.clone(),
        label,
        labels,
        last_schedule_time: r.last_ms,
        next_schedule_time: if r.paused { None } else { r.next_ms },
        last_schedule_states: states,
    })
}
