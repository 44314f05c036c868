//! Delivery: decides WHEN each pending message may be attempted and runs the attempts.
//!
//! - [`Engine`] (this file): the in-memory dispatcher. The database is the source of truth;
//!   the engine holds the pending set (loaded at start-up, fed by publishes) and enforces,
//!   in this order: due time → queue (FIFO, `parallelism` slots, paused) → flow-control key
//!   (in-flight cap, fixed-window rate, paused) → the global in-flight cap. A driver task
//!   sleeps until the earliest deadline (a retry, a delayed message, a rate window end) or a
//!   [`Notify`] nudge; it never polls on an interval.
//! - [`worker`]: one attempt: sign, send, classify, record the outcome, create callbacks.
//! - [`retry`]: backoff (default, `Upstash-Retry-Delay`, `Retry-After`).
//! - [`callback`]: callback and failure-callback messages.
//!
//! Many attempts run at once: each is its own tokio task, so a slow destination holds up
//! nothing but its own queue / flow-control slot.

pub mod callback;
pub mod retry;
pub mod worker;

use crate::config::Config;
use crate::model::{FlowControlInfo, SigningKeys, UserId};
use crate::store::flow_control::FlowRow;
use crate::store::messages::StoredMessage;
use crate::store::queues::QueueRow;
use crate::store::{self, Store, StoreResult};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use tokio::sync::Notify;

/// A message waiting for (or in) an attempt.
#[derive(Debug, Clone)]
pub struct Pending {
    /// FIFO position (the `messages.seq` column).
    pub seq: i64,
    /// The message.
    pub msg: Arc<StoredMessage>,
    /// Its body (`Arc`: attempts don't copy it). `None` while the message is not due soon:
    /// the attempt reads it from the database, so a large delayed backlog costs no memory.
    pub body: Option<Arc<Vec<u8>>>,
    /// When the next attempt may start, unix ms.
    pub due_ms: i64,
    /// Attempts made so far (= `Upstash-Retried` of the next attempt).
    pub retried: u32,
}

impl Pending {
    /// Wraps a stored message.
    pub fn new(seq: i64, msg: StoredMessage, body: Vec<u8>, due_ms: i64, retried: u32) -> Self {
        Pending {
            seq,
            msg: Arc::new(msg),
            body: Some(Arc::new(body)),
            due_ms,
            retried,
        }
    }
}

/// What [`Engine::cancel`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelState {
    /// Not pending (unknown, finished, or another user's).
    Unknown,
    /// Was waiting: removed, no attempt will start.
    Removed,
    /// An attempt is running: it will not be retried.
    InFlight,
}

/// The outcome of an attempt, as the engine needs it.
#[derive(Debug)]
pub enum Outcome {
    /// Try again at `due_ms`; `retried` is the new count.
    Retry {
        /// Next attempt time.
        due_ms: i64,
        /// Attempts made.
        retried: u32,
    },
    /// Delivered, failed (DLQ) or cancelled: the message leaves the engine.
    Done,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Waiting for its due time (in `timers`).
    Timer,
    /// In its queue's FIFO, not yet holding a slot.
    QueueWait,
    /// Holds a queue slot but the queue is paused.
    Parked,
    /// In a flow-control key's wait list.
    FlowWait,
    /// Waiting for the global in-flight cap.
    GlobalWait,
    /// An attempt is running.
    InFlight,
}

/// A message the engine holds.
#[derive(Debug)]
struct Entry {
    /// The message and its attempt state.
    p: Pending,
    /// Where it waits now.
    phase: Phase,
    /// Holds one of its queue's parallelism slots (from first dispatch until it is done and
    /// its callbacks are done).
    holds_slot: bool,
    /// A cancel arrived during an attempt: do not retry.
    cancel_requested: bool,
}

type Key = (UserId, String);

/// A queue's dispatch state.
#[derive(Debug)]
struct QueueLane {
    /// Slots (max messages between first dispatch and done).
    parallelism: u32,
    /// Paused: nothing starts, slot holders park.
    paused: bool,
    /// Slots taken (messages between first dispatch and done, including their callbacks).
    active: u32,
    /// Messages not yet holding a slot, by seq.
    fifo: BTreeMap<i64, String>,
    /// Slot holders waiting for resume.
    parked: Vec<String>,
}

impl QueueLane {
    fn new() -> Self {
        QueueLane {
            parallelism: 1,
            paused: false,
            active: 0,
            fifo: BTreeMap::new(),
            parked: Vec::new(),
        }
    }
}

/// A flow-control key's dispatch state.
#[derive(Debug)]
struct FlowLane {
    /// Configuration (from messages or pin/pause calls).
    row: FlowRow,
    /// HTTP calls in flight (counted from leaving the wait list until the attempt ends).
    in_flight: u32,
    /// Dispatches in the current window.
    rate_count: u32,
    /// Start of the current fixed window, unix ms.
    window_start_ms: i64,
    /// Waiting messages by seq.
    wait: BTreeMap<i64, String>,
}

/// A queue slot kept busy by a finished message's outstanding callbacks.
#[derive(Debug)]
struct SlotRef {
    /// The queue whose slot is held.
    queue: Key,
    /// The message itself finished (delivered / DLQ'd / cancelled).
    parent_done: bool,
    /// Its callback messages not yet finished.
    outstanding: u32,
}

/// Everything the dispatcher knows, behind one lock.
#[derive(Debug, Default)]
struct State {
    /// Every message waiting or in flight, by id.
    entries: HashMap<String, Entry>,
    /// (due, seq, id); stale items (entry gone or moved) are skipped when popped.
    timers: BinaryHeap<Reverse<(i64, i64, String)>>,
    /// Extra wake-ups (queue heads not yet due, rate windows ending).
    wakes: BinaryHeap<Reverse<i64>>,
    /// Queues by (user, name).
    queues: HashMap<Key, QueueLane>,
    /// Flow-control keys by (user, key).
    flows: HashMap<Key, FlowLane>,
    /// Ready messages waiting for the global in-flight cap, FIFO.
    global_wait: VecDeque<String>,
    /// Attempts running.
    in_flight: u32,
    /// Attempts running per user (`globalParallelism`).
    in_flight_user: HashMap<UserId, u32>,
    /// Queue slots held by finished messages for their callbacks, by message id.
    slot_refs: HashMap<String, SlotRef>,
    /// Queues / flow keys whose waiters may be able to move.
    dirty_queues: HashSet<Key>,
    /// Flow-control keys whose wait lists may be able to move.
    dirty_flows: HashSet<Key>,
    /// Attempts to start once the lock is released.
    launch: Vec<Pending>,
}

/// The dispatcher. Cheap to clone.
#[derive(Clone)]
pub struct Engine {
    /// Shared state; clones are handles to the same engine.
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    /// A std `Mutex`, not tokio's: it is never held across an `.await` and every critical
    /// section is a few map operations, so blocking briefly is cheaper than an async lock.
    state: Mutex<State>,
    /// Wakes the driver task (new message, completion, config change, test-clock move).
    notify: Notify,
    /// Where outcomes are recorded.
    pub(crate) store: Store,
    /// Clock, caps, defaults.
    pub(crate) config: Config,
    /// One pooled HTTP client for all deliveries.
    pub(crate) http: reqwest::Client,
    /// Users' signing keys (deliveries sign with `current`), updated on rotation.
    keys: RwLock<HashMap<UserId, SigningKeys>>,
    /// Set on shutdown: no new attempts start.
    stopped: AtomicBool,
    /// Notified whenever the last running attempt finishes (graceful shutdown waits on it).
    idle: Notify,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Engine")
    }
}

/// Bodies of messages due later than this are not kept in memory.
const BODY_HORIZON_MS: i64 = 60_000;

/// Drops the in-memory body of a message that is not due soon.
fn shed_body(p: &mut Pending, now: i64) {
    if p.due_ms > now + BODY_HORIZON_MS {
        p.body = None;
    }
}

fn queue_key(m: &StoredMessage) -> Option<Key> {
    m.queue.as_ref().map(|q| (m.user, q.clone()))
}

fn flow_key(m: &StoredMessage) -> Option<Key> {
    m.flow_control.as_ref().map(|f| (m.user, f.key.clone()))
}

impl Engine {
    /// Loads pending messages, queues, flow-control keys and signing keys, and starts the
    /// driver task. Messages that were in flight when the server died are simply pending
    /// again (at-least-once).
    pub fn start(store: Store, config: Config) -> StoreResult<Engine> {
        // Start-up runs before the server accepts requests; a plain blocking read is fine.
        let conn = rusqlite::Connection::open(&config.db_path)?;
        let now = config.clock.now_ms();
        let rows = store::messages::load_pending(&conn, now + BODY_HORIZON_MS)?;
        let queues = store::queues::all(&conn)?;
        let flows = store::flow_control::all(&conn)?;
        let keys = store::keys::all(&conn)?;
        drop(conn);
        let http = reqwest::Client::builder()
            // Destinations are local dev servers: keep connections warm for throughput.
            .pool_max_idle_per_host(256)
            .user_agent("Upstash-QStash")
            .build()
            .map_err(|e| store::StoreError(format!("http client: {e}")))?;
        let engine = Engine {
            inner: Arc::new(Inner {
                state: Mutex::new(State::default()),
                notify: Notify::new(),
                store,
                config,
                http,
                keys: RwLock::new(keys.into_iter().collect()),
                stopped: AtomicBool::new(false),
                idle: Notify::new(),
            }),
        };
        {
            let mut st = engine.lock();
            for q in &queues {
                let lane = st
                    .queues
                    .entry((q.user, q.name.clone()))
                    .or_insert_with(QueueLane::new);
                lane.parallelism = q.parallelism.max(1);
                lane.paused = q.paused;
            }
            for f in flows {
                st.flows.insert(
                    (f.user, f.key.clone()),
                    FlowLane {
                        row: f,
                        in_flight: 0,
                        rate_count: 0,
                        window_start_ms: 0,
                        wait: BTreeMap::new(),
                    },
                );
            }
            let pending_ids: HashSet<String> = rows.iter().map(|r| r.msg.id.clone()).collect();
            for r in rows {
                let p = Pending {
                    seq: r.seq,
                    msg: Arc::new(r.msg),
                    body: r.body.map(Arc::new),
                    due_ms: r.due_ms,
                    retried: r.retried,
                };
                // A queued message that already had an attempt held a slot: keep it, so the
                // queue's order survives the restart.
                let holds = p.msg.queue.is_some() && p.retried > 0;
                if holds {
                    if let Some(k) = queue_key(&p.msg) {
                        st.queues.entry(k).or_insert_with(QueueLane::new).active += 1;
                    }
                }
                if let (Some(q), Some(parent)) = (&p.msg.holds_queue, &p.msg.parent_id) {
                    let key = (p.msg.user, q.clone());
                    let parent_done = !pending_ids.contains(parent);
                    let r = st
                        .slot_refs
                        .entry(parent.clone())
                        .or_insert_with(|| SlotRef {
                            queue: key.clone(),
                            parent_done,
                            outstanding: 0,
                        });
                    r.outstanding += 1;
                    if parent_done && r.outstanding == 1 {
                        st.queues.entry(key).or_insert_with(QueueLane::new).active += 1;
                    }
                }
                st.insert(p, holds);
            }
        }
        let e2 = engine.clone();
        tokio::spawn(async move { e2.drive().await });
        Ok(engine)
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock would be a bug in this file; continuing with the
        // state as it is beats taking the whole server down.
        self.inner.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn now(&self) -> i64 {
        self.inner.config.clock.now_ms()
    }

    /// Runs `f` on the state, then dispatches whatever became possible.
    fn with<T>(&self, f: impl FnOnce(&mut State, i64) -> T) -> T {
        let now = self.now();
        let (r, launch) = {
            let mut st = self.lock();
            let r = f(&mut st, now);
            let max = self.inner.config.max_in_flight;
            let launch = if self.inner.stopped.load(Ordering::SeqCst) {
                Vec::new()
            } else {
                st.pump(now, max)
            };
            (r, launch)
        };
        self.launch(launch);
        self.inner.notify.notify_one();
        r
    }

    fn launch(&self, ps: Vec<Pending>) {
        for p in ps {
            let e = self.clone();
            tokio::spawn(async move { worker::attempt(e, p).await });
        }
    }

    async fn drive(self) {
        loop {
            if self.inner.stopped.load(Ordering::SeqCst) {
                return;
            }
            let now = self.now();
            let (launch, next) = {
                let mut st = self.lock();
                let launch = st.pump(now, self.inner.config.max_in_flight);
                (launch, st.next_deadline())
            };
            self.launch(launch);
            let notified = self.inner.notify.notified();
            match next {
                Some(t) => {
                    let wait = (t - self.now()).max(0) as u64;
                    // Cap the sleep so a clock jump (or a test clock) is noticed eventually.
                    let wait = std::time::Duration::from_millis(wait.min(60_000));
                    tokio::select! {
                        _ = tokio::time::sleep(wait) => {}
                        _ = notified => {}
                    }
                }
                None => notified.await,
            }
        }
    }

    /// Re-evaluate deadlines now.
    pub fn nudge(&self) {
        self.inner.notify.notify_one();
    }

    /// Stops starting attempts (graceful shutdown).
    pub fn shutdown(&self) {
        self.inner.stopped.store(true, Ordering::SeqCst);
        self.inner.notify.notify_one();
    }

    /// Adds a newly stored pending message.
    pub fn add(&self, mut p: Pending) {
        self.with(|st, now| {
            shed_body(&mut p, now);
            st.add_new(p)
        });
    }

    /// Cancels a pending message.
    pub fn cancel(&self, user: UserId, id: &str) -> CancelState {
        self.with(|st, _| st.cancel(user, id))
    }

    /// Whether a cancel arrived while the attempt was running.
    pub fn cancel_requested(&self, id: &str) -> bool {
        self.lock()
            .entries
            .get(id)
            .is_some_and(|e| e.cancel_requested)
    }

    /// Records an attempt's outcome and adds the callback messages it created.
    pub fn complete(&self, id: &str, outcome: Outcome, callbacks: Vec<Pending>) {
        let idle = self.with(|st, now| {
            st.complete(id, outcome, callbacks, now);
            st.in_flight == 0
        });
        if idle {
            self.inner.idle.notify_waiters();
        }
    }

    /// After [`Engine::shutdown`]: waits until running attempts have recorded their outcome,
    /// or `limit` passed (then they are simply delivered again after the restart).
    pub async fn drain(&self, limit: std::time::Duration) {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            let idle = self.inner.idle.notified();
            if self.lock().in_flight == 0 {
                return;
            }
            if tokio::time::timeout_at(deadline, idle).await.is_err() {
                return;
            }
        }
    }

    /// A queue was created or changed (parallelism, paused).
    pub fn queue_config(&self, q: &QueueRow) {
        self.with(|st, _| {
            let key = (q.user, q.name.clone());
            let lane = st.queues.entry(key.clone()).or_insert_with(QueueLane::new);
            lane.parallelism = q.parallelism.max(1);
            lane.paused = q.paused;
            if !q.paused {
                let parked = std::mem::take(&mut lane.parked);
                for id in parked {
                    st.route_ready(&id);
                }
            }
            st.dirty_queues.insert(key);
        });
    }

    /// A queue was deleted (its messages are cancelled by the caller).
    pub fn queue_removed(&self, user: UserId, name: &str) {
        self.with(|st, _| {
            let key = (user, name.to_string());
            if st
                .queues
                .get(&key)
                .is_some_and(|l| l.active == 0 && l.fifo.is_empty())
            {
                st.queues.remove(&key);
            }
        });
    }

    /// A flow-control key's configuration changed.
    pub fn flow_config(&self, f: &FlowRow) {
        self.with(|st, _| {
            let key = (f.user, f.key.clone());
            let lane = st.flows.entry(key.clone()).or_insert_with(|| FlowLane {
                row: f.clone(),
                in_flight: 0,
                rate_count: 0,
                window_start_ms: 0,
                wait: BTreeMap::new(),
            });
            lane.row = f.clone();
            st.dirty_flows.insert(key);
        });
    }

    /// Resets a key's rate window (and optionally its in-flight count); false if unknown.
    pub fn flow_reset(&self, user: UserId, key: &str, rate: bool, parallelism: bool) -> bool {
        self.with(|st, now| {
            let k = (user, key.to_string());
            let Some(lane) = st.flows.get_mut(&k) else {
                return false;
            };
            if rate {
                lane.rate_count = 0;
                lane.window_start_ms = now;
            }
            if parallelism {
                lane.in_flight = 0;
            }
            st.dirty_flows.insert(k);
            true
        })
    }

    /// A key's configuration.
    pub fn flow_row(&self, user: UserId, key: &str) -> Option<FlowRow> {
        self.lock()
            .flows
            .get(&(user, key.to_string()))
            .map(|l| l.row.clone())
    }

    /// Every key of a user, with live counters.
    pub fn flow_infos(&self, user: UserId) -> Vec<FlowControlInfo> {
        let now = self.now();
        let st = self.lock();
        let mut v: Vec<FlowControlInfo> = st
            .flows
            .iter()
            .filter(|((u, _), _)| *u == user)
            .map(|((_, k), l)| {
                let period_ms = l.row.period_secs as i64 * 1000;
                let window_live = now < l.window_start_ms + period_ms;
                FlowControlInfo {
                    flow_control_key: k.clone(),
                    wait_list_size: l.wait.len() as u64,
                    parallelism_max: l.row.parallelism.unwrap_or(0),
                    parallelism_count: l.in_flight,
                    rate_max: l.row.rate.unwrap_or(0),
                    rate_count: if window_live { l.rate_count } else { 0 },
                    rate_period: l.row.period_secs,
                    rate_period_start: l.window_start_ms / 1000,
                    is_paused: l.row.paused,
                    is_pinned_parallelism: l.row.pin_parallelism,
                    is_pinned_rate: l.row.pin_rate,
                }
            })
            .collect();
        v.sort_by(|a, b| a.flow_control_key.cmp(&b.flow_control_key));
        v
    }

    /// Attempts in flight for a user.
    pub fn in_flight(&self, user: UserId) -> u32 {
        self.lock().in_flight_user.get(&user).copied().unwrap_or(0)
    }

    /// Number of messages the engine holds (waiting or in flight).
    pub fn pending_count(&self) -> usize {
        self.lock().entries.len()
    }

    /// New signing keys after a rotation.
    pub fn set_keys(&self, user: UserId, k: SigningKeys) {
        if let Ok(mut m) = self.inner.keys.write() {
            m.insert(user, k);
        }
    }

    /// The key deliveries are signed with now.
    pub fn current_key(&self, user: UserId) -> Option<String> {
        self.inner
            .keys
            .read()
            .ok()
            .and_then(|m| m.get(&user).map(|k| k.current.clone()))
    }

    pub(crate) fn inner(&self) -> &Inner {
        &self.inner
    }
}

impl State {
    fn insert(&mut self, p: Pending, holds_slot: bool) {
        let id = p.msg.id.clone();
        let qk = queue_key(&p.msg);
        let (seq, due) = (p.seq, p.due_ms);
        let phase = if let (Some(k), false) = (&qk, holds_slot) {
            self.queues
                .entry(k.clone())
                .or_insert_with(QueueLane::new)
                .fifo
                .insert(seq, id.clone());
            self.dirty_queues.insert(k.clone());
            Phase::QueueWait
        } else {
            self.timers.push(Reverse((due, seq, id.clone())));
            Phase::Timer
        };
        self.entries.insert(
            id,
            Entry {
                p,
                phase,
                holds_slot,
                cancel_requested: false,
            },
        );
    }

    fn add_new(&mut self, p: Pending) {
        // A callback of a queued message keeps the queue's slot busy until it finishes.
        if let (Some(q), Some(parent)) = (&p.msg.holds_queue, &p.msg.parent_id) {
            let key = (p.msg.user, q.clone());
            self.slot_refs
                .entry(parent.clone())
                .or_insert_with(|| SlotRef {
                    queue: key,
                    parent_done: false,
                    outstanding: 0,
                })
                .outstanding += 1;
        }
        self.insert(p, false);
    }

    /// Moves a message that may start now (due, holding its queue slot if any) on to flow
    /// control and the global cap.
    fn route_ready(&mut self, id: &str) {
        let Some(e) = self.entries.get_mut(id) else {
            return;
        };
        if let Some(qk) = queue_key(&e.p.msg) {
            if e.holds_slot && self.queues.get(&qk).is_some_and(|l| l.paused) {
                e.phase = Phase::Parked;
                if let Some(l) = self.queues.get_mut(&qk) {
                    l.parked.push(id.to_string());
                }
                return;
            }
        }
        if let Some(fk) = flow_key(&e.p.msg) {
            e.phase = Phase::FlowWait;
            let seq = e.p.seq;
            self.flows
                .entry(fk.clone())
                .or_insert_with(|| FlowLane {
                    row: FlowRow {
                        user: fk.0,
                        key: fk.1.clone(),
                        parallelism: None,
                        rate: None,
                        period_secs: 1,
                        paused: false,
                        pin_parallelism: false,
                        pin_rate: false,
                    },
                    in_flight: 0,
                    rate_count: 0,
                    window_start_ms: 0,
                    wait: BTreeMap::new(),
                })
                .wait
                .insert(seq, id.to_string());
            self.dirty_flows.insert(fk);
            return;
        }
        e.phase = Phase::GlobalWait;
        self.global_wait.push_back(id.to_string());
    }

    fn pump(&mut self, now: i64, max_in_flight: u32) -> Vec<Pending> {
        // 1. Due timers.
        while let Some(Reverse((due, _, _))) = self.timers.peek() {
            if *due > now {
                break;
            }
            let Some(Reverse((due, _, id))) = self.timers.pop() else {
                break;
            };
            let valid = self
                .entries
                .get(&id)
                .is_some_and(|e| e.phase == Phase::Timer && e.p.due_ms == due);
            if valid {
                self.route_ready(&id);
            }
        }
        while self.wakes.peek().is_some_and(|Reverse(t)| *t <= now) {
            self.wakes.pop();
        }
        // 2. Queues: hand out free slots in FIFO order.
        let dirty: Vec<Key> = self.dirty_queues.drain().collect();
        for k in dirty {
            self.pump_queue(&k, now);
        }
        // 3. Flow-control keys.
        let dirty: Vec<Key> = self.dirty_flows.drain().collect();
        for k in dirty {
            self.pump_flow(&k, now);
        }
        // 4. Global cap.
        while self.in_flight < max_in_flight {
            let Some(id) = self.global_wait.pop_front() else {
                break;
            };
            let Some(e) = self.entries.get_mut(&id) else {
                continue;
            };
            if e.phase != Phase::GlobalWait {
                continue;
            }
            e.phase = Phase::InFlight;
            self.in_flight += 1;
            *self.in_flight_user.entry(e.p.msg.user).or_insert(0) += 1;
            self.launch.push(e.p.clone());
        }
        std::mem::take(&mut self.launch)
    }

    fn pump_queue(&mut self, k: &Key, now: i64) {
        loop {
            let Some(lane) = self.queues.get_mut(k) else {
                return;
            };
            if lane.paused || lane.active >= lane.parallelism {
                return;
            }
            let Some((&seq, id)) = lane.fifo.iter().next() else {
                return;
            };
            let id = id.clone();
            let Some(e) = self.entries.get_mut(&id) else {
                lane.fifo.remove(&seq);
                continue;
            };
            if e.p.due_ms > now {
                // The head is delayed: strict FIFO means everyone behind it waits too.
                self.wakes.push(Reverse(e.p.due_ms));
                self.dirty_queues.insert(k.clone());
                return;
            }
            lane.fifo.remove(&seq);
            lane.active += 1;
            e.holds_slot = true;
            self.route_ready(&id);
        }
    }

    fn pump_flow(&mut self, k: &Key, now: i64) {
        let Some(lane) = self.flows.get_mut(k) else {
            return;
        };
        let period_ms = lane.row.period_secs.max(1) as i64 * 1000;
        while !lane.row.paused && !lane.wait.is_empty() {
            if lane.row.parallelism.is_some_and(|p| lane.in_flight >= p) {
                break;
            }
            if let Some(rate) = lane.row.rate {
                if now >= lane.window_start_ms + period_ms {
                    // Fixed window: the first dispatch after a window ended starts a new one.
                    lane.window_start_ms = now;
                    lane.rate_count = 0;
                }
                if lane.rate_count >= rate {
                    self.wakes.push(Reverse(lane.window_start_ms + period_ms));
                    // Re-check this key when the window ends.
                    self.dirty_flows.insert(k.clone());
                    break;
                }
            } else if now >= lane.window_start_ms + period_ms {
                lane.window_start_ms = now;
                lane.rate_count = 0;
            }
            let Some((&seq, _)) = lane.wait.iter().next() else {
                break;
            };
            let Some(id) = lane.wait.remove(&seq) else {
                break;
            };
            let Some(e) = self.entries.get_mut(&id) else {
                continue;
            };
            lane.in_flight += 1;
            lane.rate_count += 1;
            e.phase = Phase::GlobalWait;
            self.global_wait.push_back(id);
        }
    }

    fn next_deadline(&self) -> Option<i64> {
        let t = self.timers.peek().map(|Reverse((d, _, _))| *d);
        let w = self.wakes.peek().map(|Reverse(d)| *d);
        match (t, w) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    fn cancel(&mut self, user: UserId, id: &str) -> CancelState {
        let Some(e) = self.entries.get_mut(id) else {
            return CancelState::Unknown;
        };
        if e.p.msg.user != user {
            return CancelState::Unknown;
        }
        if e.phase == Phase::InFlight {
            // A second cancel of the same attempt finds nothing left to cancel: a 404, as for
            // a waiting message cancelled twice (and no second CANCEL_REQUESTED log).
            if e.cancel_requested {
                return CancelState::Unknown;
            }
            e.cancel_requested = true;
            return CancelState::InFlight;
        }
        let Some(e) = self.entries.remove(id) else {
            return CancelState::Unknown;
        };
        match e.phase {
            Phase::QueueWait => {
                if let Some(l) = queue_key(&e.p.msg).and_then(|k| self.queues.get_mut(&k)) {
                    l.fifo.remove(&e.p.seq);
                }
            }
            Phase::Parked => {
                if let Some(l) = queue_key(&e.p.msg).and_then(|k| self.queues.get_mut(&k)) {
                    l.parked.retain(|x| x != id);
                }
            }
            Phase::FlowWait => {
                if let Some(l) = flow_key(&e.p.msg).and_then(|k| self.flows.get_mut(&k)) {
                    l.wait.remove(&e.p.seq);
                }
            }
            Phase::GlobalWait => {
                // It already took its flow-control slot (and rate budget) on the way here.
                if let Some(k) = flow_key(&e.p.msg) {
                    if let Some(l) = self.flows.get_mut(&k) {
                        l.in_flight = l.in_flight.saturating_sub(1);
                    }
                    self.dirty_flows.insert(k);
                }
            }
            // Stale heap / deque items are skipped when they come up.
            Phase::Timer | Phase::InFlight => {}
        }
        self.finished(&e);
        CancelState::Removed
    }

    /// Bookkeeping when a message leaves the engine: release its queue slot unless its
    /// callbacks still run; tell its parent's slot that one callback finished.
    fn finished(&mut self, e: &Entry) {
        let id = &e.p.msg.id;
        if e.holds_slot {
            match self.slot_refs.get_mut(id) {
                Some(r) if r.outstanding > 0 => r.parent_done = true,
                _ => {
                    self.slot_refs.remove(id);
                    if let Some(k) = queue_key(&e.p.msg) {
                        self.release_slot(&k);
                    }
                }
            }
        }
        if let (Some(_), Some(parent)) = (&e.p.msg.holds_queue, &e.p.msg.parent_id) {
            let release = match self.slot_refs.get_mut(parent) {
                Some(r) => {
                    r.outstanding = r.outstanding.saturating_sub(1);
                    (r.outstanding == 0 && r.parent_done).then(|| r.queue.clone())
                }
                None => None,
            };
            if let Some(k) = release {
                self.slot_refs.remove(parent);
                self.release_slot(&k);
            }
        }
    }

    fn release_slot(&mut self, k: &Key) {
        if let Some(l) = self.queues.get_mut(k) {
            l.active = l.active.saturating_sub(1);
            self.dirty_queues.insert(k.clone());
        }
    }

    fn complete(&mut self, id: &str, outcome: Outcome, callbacks: Vec<Pending>, now: i64) {
        let Some(e) = self.entries.get_mut(id) else {
            return;
        };
        self.in_flight = self.in_flight.saturating_sub(1);
        if let Some(c) = self.in_flight_user.get_mut(&e.p.msg.user) {
            *c = c.saturating_sub(1);
        }
        if let Some(fk) = flow_key(&e.p.msg) {
            if let Some(l) = self.flows.get_mut(&fk) {
                l.in_flight = l.in_flight.saturating_sub(1);
            }
            self.dirty_flows.insert(fk);
        }
        // Callbacks first: they must be counted on the parent's slot before the parent's
        // own completion decides whether the slot is free.
        for cb in callbacks {
            self.add_new(cb);
        }
        match outcome {
            Outcome::Retry { due_ms, retried } => {
                if let Some(e) = self.entries.get_mut(id) {
                    e.p.due_ms = due_ms;
                    e.p.retried = retried;
                    shed_body(&mut e.p, now);
                    e.phase = Phase::Timer;
                    self.timers.push(Reverse((due_ms, e.p.seq, id.to_string())));
                }
            }
            Outcome::Done => {
                if let Some(e) = self.entries.remove(id) {
                    self.finished(&e);
                }
            }
        }
    }
}
