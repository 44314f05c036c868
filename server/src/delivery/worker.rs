//! One delivery attempt: claim → sign → send → classify → record → hand back to the engine.

use super::callback::{self, Response};
use super::retry::next_delay_ms;
use super::{Engine, Outcome, Pending};
use crate::app::new_dlq_id;
use crate::model::{canonical_header_name, HeaderMap, LogState};
use crate::store::dlq::{self, LastResponse};
use crate::store::logs::{self, LogExtra};
use crate::store::messages::{self as msgs, status, StoredMessage};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use std::time::Duration;

/// Response bodies kept for logs, DLQ and callbacks are cut here (QStash truncates to the
/// plan's max message size; 1 MB is the free plan's).
const MAX_RESPONSE_BODY: usize = 1 << 20;

/// What an attempt ended with.
enum Result_ {
    /// Got an HTTP response.
    Http(Response),
    /// No response: connection error or timeout (Go's wording for the latter).
    NoResponse(String),
}

/// Mints the `Upstash-Signature` JWT for one attempt with the user's current key (reference
/// §2): a fresh token per attempt, since retries may be days apart and tokens live 5 minutes.
fn signature(key: &str, url: &str, body: &[u8], now_ms: i64) -> String {
    use qstash_wasm::signing::{sign, Algorithm, Claims};
    let jti = crate::app::random_id("jwt_", 28);
    let claims = Claims::for_delivery(url, body, (now_ms / 1000).max(0) as u64, jti);
    sign(key, &claims, Algorithm::Hs256)
}

async fn send(engine: &Engine, p: &Pending, body: &[u8], now_ms: i64) -> Result_ {
    let m = &p.msg;
    let inner = engine.inner();
    let method = reqwest::Method::from_bytes(m.method.as_bytes()).unwrap_or(reqwest::Method::POST);
    let mut req = inner
        .http
        .request(method, &m.url)
        .timeout(Duration::from_millis(m.timeout_ms.max(1)));
    for (name, values) in &m.headers {
        for v in values {
            req = req.header(name.as_str(), v.as_str());
        }
    }
    if let Some(ct) = &m.content_type {
        req = req.header("Content-Type", ct.as_str());
    }
    if let Some(key) = engine.current_key(m.user) {
        req = req.header("Upstash-Signature", signature(&key, &m.url, body, now_ms));
    }
    req = req
        .header("Upstash-Message-Id", m.id.as_str())
        .header("Upstash-Retried", p.retried.to_string())
        .header("User-Agent", "Upstash-QStash");
    if let Some(ip) = &m.caller_ip {
        req = req.header("Upstash-Caller-Ip", ip.as_str());
    }
    if let Some(t) = &m.topic_name {
        req = req.header("Upstash-Topic-Name", t.as_str());
    }
    if let Some(s) = &m.schedule_id {
        req = req.header("Upstash-Schedule-Id", s.as_str());
    }
    if let Some(r) = inner.config.region {
        req = req.header("Upstash-Region", r.header_value());
    }
    req = req.body(body.to_vec());
    match req.send().await {
        Ok(res) => {
            let status = res.status().as_u16();
            let mut headers = HeaderMap::new();
            // Framing is not part of the answer: QStash (a Go client) reports the headers with
            // Transfer-Encoding taken out, as Go's net/http does.
            for (k, v) in res.headers() {
                if k == reqwest::header::TRANSFER_ENCODING {
                    continue;
                }
                headers
                    .entry(canonical_header_name(k.as_str()))
                    .or_default()
                    .push(String::from_utf8_lossy(v.as_bytes()).into_owned());
            }
            // Read at most MAX_RESPONSE_BODY bytes: a destination streaming gigabytes must not
            // fill our memory (the rest is dropped with the connection).
            let mut res = res;
            let mut body = Vec::new();
            loop {
                match res.chunk().await {
                    Ok(Some(c)) => {
                        let room = MAX_RESPONSE_BODY - body.len();
                        body.extend_from_slice(&c[..c.len().min(room)]);
                        if body.len() >= MAX_RESPONSE_BODY {
                            break;
                        }
                    }
                    Ok(None) => break,
                    Err(e) if e.is_timeout() => {
                        return Result_::NoResponse("context deadline exceeded".into())
                    }
                    // The status and headers arrived; a broken body still counts as answered.
                    Err(_) => break,
                }
            }
            Result_::Http(Response {
                status,
                headers,
                body,
            })
        }
        Err(e) if e.is_timeout() => Result_::NoResponse("context deadline exceeded".into()),
        Err(e) => Result_::NoResponse(error_chain(&e)),
    }
}

fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        s.push_str(": ");
        s.push_str(&c.to_string());
        cur = c.source();
    }
    s
}

/// Runs one attempt of `p` and reports the outcome to the engine.
pub async fn attempt(engine: Engine, p: Pending) {
    let inner = engine.inner();
    let clock = inner.config.clock.clone();
    let start = clock.now_ms();
    let (user, id) = (p.msg.user, p.msg.id.clone());
    {
        // The ACTIVE event is informational; nobody waits for its commit.
        let id = id.clone();
        let _ = inner.store.write_detached(
            move |c| logs::insert(c, user, &id, start, LogState::Active, None),
            |_: crate::store::StoreResult<()>| {},
        );
    }
    let body = match &p.body {
        Some(b) => b.clone(),
        None => {
            let id2 = id.clone();
            match inner.store.read(move |c| msgs::body(c, &id2)).await {
                Ok(Some(b)) => std::sync::Arc::new(b),
                other => {
                    tracing::error!("reading the body of {id} failed: {other:?}");
                    engine.complete(
                        &id,
                        Outcome::Retry {
                            due_ms: start + 1000,
                            retried: p.retried,
                        },
                        Vec::new(),
                    );
                    return;
                }
            }
        }
    };
    let result = send(&engine, &p, &body, start).await;
    match &result {
        Result_::Http(r) => tracing::info!(
            "{} {} {} → {} (retried {})",
            id,
            p.msg.method,
            p.msg.url,
            r.status,
            p.retried
        ),
        Result_::NoResponse(e) => tracing::info!(
            "{} {} {} → no response: {e} (retried {})",
            id,
            p.msg.method,
            p.msg.url,
            p.retried
        ),
    }
    let now = clock.now_ms();
    let cancel = engine.cancel_requested(&id);
    let plan = decide(&p, &body, result, cancel, now);
    let callbacks = plan.callbacks.clone();
    let outcome = match plan.retry_at {
        Some(due) => Outcome::Retry {
            due_ms: due,
            retried: p.retried + 1,
        },
        None => Outcome::Done,
    };
    let retry_at = plan.retry_at;
    let r = inner.store.write(move |c| record(c, plan)).await;
    match r {
        Ok(seqs) => {
            let cbs = callbacks
                .into_iter()
                .zip(seqs)
                .map(|((m, body), seq)| {
                    let due = m.not_before_ms;
                    Pending::new(seq, m, body, due, 0)
                })
                .collect();
            engine.complete(&id, outcome, cbs);
        }
        Err(e) => {
            // The outcome is not durable: keep the message pending and try the same attempt
            // again shortly (the destination may see it twice: at-least-once).
            tracing::error!("recording attempt of {id} failed: {e}");
            let _ = retry_at;
            engine.complete(
                &id,
                Outcome::Retry {
                    due_ms: now + 1000,
                    retried: p.retried,
                },
                Vec::new(),
            );
        }
    }
}

/// Everything to write for one attempt.
struct Plan {
    /// The message attempted.
    msg: std::sync::Arc<StoredMessage>,
    /// When the attempt ended (time of the events).
    now: i64,
    /// Events to log, in order.
    events: Vec<(LogState, LogExtra)>,
    /// `Some(t)`: retry at t. `None`: finished with `final_status`.
    retry_at: Option<i64>,
    /// Attempts made, including this one.
    retried_after: u32,
    /// Status column value when finished.
    final_status: i64,
    /// DLQ id and last response, when the message failed.
    dlq: Option<(String, LastResponse)>,
    /// Callback / failure-callback messages to store.
    callbacks: Vec<(StoredMessage, Vec<u8>)>,
}

fn decide(p: &Pending, body: &[u8], result: Result_, cancel: bool, now: i64) -> Plan {
    let m = &p.msg;
    let mut plan = Plan {
        msg: m.clone(),
        now,
        events: Vec::new(),
        retry_at: None,
        retried_after: p.retried + 1,
        final_status: status::DELIVERED,
        dlq: None,
        callbacks: Vec::new(),
    };
    let (resp, error) = match result {
        Result_::Http(r) if (200..300).contains(&r.status) => {
            plan.events.push((
                LogState::Delivered,
                LogExtra {
                    response_status: Some(r.status),
                    response_body: Some(STANDARD.encode(&r.body)),
                    response_headers: Some(r.headers.clone()),
                    ..Default::default()
                },
            ));
            if let (false, Some(cb)) = (m.is_callback, &m.callback) {
                plan.callbacks
                    .push(callback::build(m, body, cb, &r, p.retried, None, now));
            }
            return plan;
        }
        Result_::Http(r) => {
            let err = format!(
                "{} {}",
                r.status,
                reqwest::StatusCode::from_u16(r.status)
                    .ok()
                    .and_then(|s| s.canonical_reason())
                    .unwrap_or("")
            );
            (r, err.trim().to_string())
        }
        Result_::NoResponse(e) => (Response::default(), e),
    };
    plan.events.push((
        LogState::Error,
        LogExtra {
            error: Some(error.clone()),
            response_status: (resp.status != 0).then_some(resp.status),
            response_body: (resp.status != 0).then(|| STANDARD.encode(&resp.body)),
            response_headers: (resp.status != 0).then(|| resp.headers.clone()),
            ..Default::default()
        },
    ));
    // A callback after every attempt that got a response (what an attempt without one should
    // report is undocumented, reference §3.1).
    if let (false, Some(cb), true) = (m.is_callback, &m.callback, resp.status != 0) {
        plan.callbacks
            .push(callback::build(m, body, cb, &resp, p.retried, None, now));
    }
    let non_retryable = resp.status == 489
        && resp
            .headers
            .get("Upstash-Nonretryable-Error")
            .is_some_and(|v| v.iter().any(|x| x.eq_ignore_ascii_case("true")));
    if cancel {
        plan.final_status = status::CANCELLED;
        plan.events.push((LogState::Cancelled, LogExtra::default()));
        return plan;
    }
    if !non_retryable && p.retried < m.max_retries {
        let hint_headers = (resp.status != 0).then_some(&resp.headers);
        let delay = next_delay_ms(m, p.retried + 1, hint_headers, now);
        let due = now + delay as i64;
        plan.retry_at = Some(due);
        plan.events.push((
            LogState::Retry,
            LogExtra {
                next_delivery_time: Some(due),
                ..Default::default()
            },
        ));
        return plan;
    }
    let dlq_id = new_dlq_id(now);
    plan.final_status = status::FAILED;
    plan.events.push((
        LogState::Failed,
        LogExtra {
            error: Some(error),
            response_status: (resp.status != 0).then_some(resp.status),
            ..Default::default()
        },
    ));
    if let (false, Some(cb)) = (m.is_callback, &m.failure_callback) {
        plan.callbacks.push(callback::build(
            m,
            body,
            cb,
            &resp,
            p.retried,
            Some(&dlq_id),
            now,
        ));
    }
    plan.dlq = Some((
        dlq_id,
        LastResponse {
            status: resp.status,
            headers: resp.headers,
            body: resp.body,
        },
    ));
    plan
}

/// Writes the attempt's outcome in one transaction; returns the callbacks' seqs.
fn record(c: &rusqlite::Connection, plan: Plan) -> crate::store::StoreResult<Vec<i64>> {
    let m = &plan.msg;
    for (state, extra) in &plan.events {
        logs::insert(c, m.user, &m.id, plan.now, *state, Some(extra))?;
    }
    match plan.retry_at {
        Some(due) => msgs::set_retry(c, &m.id, plan.retried_after, due)?,
        None => {
            msgs::finish(c, &m.id, plan.final_status, plan.now)?;
        }
    }
    if let Some((dlq_id, resp)) = &plan.dlq {
        dlq::insert(c, m.user, dlq_id, &m.id, plan.now, resp)?;
    }
    let mut seqs = Vec::new();
    for (cm, body) in &plan.callbacks {
        seqs.push(msgs::insert(c, cm, body, cm.not_before_ms)?);
        logs::insert(c, cm.user, &cm.id, plan.now, LogState::Created, None)?;
    }
    Ok(seqs)
}
