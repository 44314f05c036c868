//! The `messages` table and the stored description of a message.

use super::{from_json, to_json, StoreResult};
use crate::model::{
    CallbackConfig, FlowControl, HeaderMap, Message, MessageFilter, Redact, UserId,
};
use base64::Engine as _;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Message status column values.
pub mod status {
    /// Waiting for (or in) an attempt.
    pub const PENDING: i64 = 0;
    /// Got a 2xx.
    pub const DELIVERED: i64 = 1;
    /// Retries exhausted or non-retryable; has a DLQ entry.
    pub const FAILED: i64 = 2;
    /// Cancelled through the API.
    pub const CANCELLED: i64 = 3;
}

/// Everything fixed about a message once accepted (JSON in `messages.data`).
///
/// `Default` is for probes and test fixtures that set a few fields (the empty method and a zero
/// timeout are not a deliverable message); the publish and callback paths set every field, so a
/// new one has to be thought about there.
///
/// ```
/// use qstash_server::store::messages::StoredMessage;
/// let m = StoredMessage { id: "msg_1".into(), method: "POST".into(), ..Default::default() };
/// assert!(m.wire_headers().is_none());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredMessage {
    /// `msg_…`.
    pub id: String,
    /// Owner.
    pub user: UserId,
    /// Destination URL (the endpoint URL for group fan-out, the callback URL for callbacks).
    pub url: String,
    /// URL group, if fanned out from one.
    pub topic_name: Option<String>,
    /// Endpoint name in the group.
    pub endpoint_name: Option<String>,
    /// Delivery method.
    pub method: String,
    /// Delivered headers (canonical names), without Content-Type.
    pub headers: HeaderMap,
    /// Delivered Content-Type.
    pub content_type: Option<String>,
    /// Retry budget.
    pub max_retries: u32,
    /// `Upstash-Retry-Delay` source.
    pub retry_delay: Option<String>,
    /// Per-attempt timeout, ms.
    pub timeout_ms: u64,
    /// Earliest first attempt, unix ms.
    pub not_before_ms: i64,
    /// Acceptance time, unix ms.
    pub created_ms: i64,
    /// Callback after every attempt.
    pub callback: Option<CallbackConfig>,
    /// Callback after exhaustion.
    pub failure_callback: Option<CallbackConfig>,
    /// Labels.
    pub labels: Vec<String>,
    /// What API output redacts.
    pub redact: Redact,
    /// Queue.
    pub queue: Option<String>,
    /// Flow control.
    pub flow_control: Option<FlowControl>,
    /// Publisher IP.
    pub caller_ip: Option<String>,
    /// Producing schedule.
    pub schedule_id: Option<String>,
    /// For callback messages: the message whose outcome this reports.
    pub parent_id: Option<String>,
    /// Whether this is a callback / failure-callback message (they get no callbacks).
    #[serde(default)]
    pub is_callback: bool,
    /// For callbacks of a queued message: that queue, whose slot the callback keeps busy until
    /// it finishes (the next queued message waits for callbacks, reference §6.1).
    #[serde(default)]
    pub holds_queue: Option<String>,
}

/// `REDACTED:<sha256 hex>` of a value.
pub fn redacted(value: &[u8]) -> String {
    let d = Sha256::digest(value);
    let mut s = String::with_capacity(9 + 64);
    s.push_str("REDACTED:");
    for b in d {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

impl StoredMessage {
    /// Headers as the API shows them: delivered headers + Content-Type, redaction applied.
    pub fn wire_headers(&self) -> Option<HeaderMap> {
        let mut h = self.headers.clone();
        if let Some(ct) = &self.content_type {
            h.insert("Content-Type".into(), vec![ct.clone()]);
        }
        if h.is_empty() {
            return None;
        }
        if self.redact.all_headers || !self.redact.headers.is_empty() {
            for (name, values) in h.iter_mut() {
                let hit = self.redact.all_headers
                    || self
                        .redact
                        .headers
                        .iter()
                        .any(|r| r.eq_ignore_ascii_case(name));
                if hit {
                    for v in values.iter_mut() {
                        *v = redacted(v.as_bytes());
                    }
                }
            }
        }
        Some(h)
    }

    /// Body for API output: (`body`, `bodyBase64`).
    pub fn wire_body(&self, body: &[u8]) -> (Option<String>, Option<String>) {
        if body.is_empty() {
            return (None, None);
        }
        if self.redact.body {
            return (Some(redacted(body)), None);
        }
        match std::str::from_utf8(body) {
            Ok(s) => (Some(s.to_string()), None),
            Err(_) => (
                None,
                Some(base64::engine::general_purpose::STANDARD.encode(body)),
            ),
        }
    }

    /// Body for log output (always base64, or the redaction).
    pub fn log_body(&self, body: &[u8]) -> Option<String> {
        if body.is_empty() {
            None
        } else if self.redact.body {
            Some(redacted(body))
        } else {
            Some(base64::engine::general_purpose::STANDARD.encode(body))
        }
    }

    /// The first label and all labels, as the wire shows them.
    pub fn wire_labels(&self) -> (Option<String>, Option<Vec<String>>) {
        if self.labels.is_empty() {
            (None, None)
        } else {
            (self.labels.first().cloned(), Some(self.labels.clone()))
        }
    }

    /// The `GET /v2/messages/{id}` shape.
    pub fn to_wire(&self, body: &[u8]) -> Message {
        let (b, b64) = self.wire_body(body);
        let (label, labels) = self.wire_labels();
        let fc = self.flow_control.as_ref();
        Message {
            message_id: self.id.clone(),
            url: self.url.clone(),
            topic_name: self.topic_name.clone(),
            endpoint_name: self.endpoint_name.clone(),
            method: self.method.clone(),
            header: self.wire_headers(),
            body: b,
            body_base64: b64,
            max_retries: self.max_retries,
            not_before: self.not_before_ms,
            created_at: self.created_ms,
            callback: self.callback.as_ref().map(|c| c.url.clone()),
            failure_callback: self.failure_callback.as_ref().map(|c| c.url.clone()),
            callback_header: self
                .callback
                .as_ref()
                .filter(|c| !c.headers.is_empty())
                .map(|c| c.headers.clone()),
            failure_callback_header: self
                .failure_callback
                .as_ref()
                .filter(|c| !c.headers.is_empty())
                .map(|c| c.headers.clone()),
            queue_name: self.queue.clone(),
            schedule_id: self.schedule_id.clone(),
            caller_ip: self.caller_ip.clone(),
            label,
            labels,
            flow_control_key: fc.map(|f| f.key.clone()),
            rate: fc.and_then(|f| f.rate),
            period: fc.map(|f| f.period_secs),
            parallelism: fc.and_then(|f| f.parallelism),
            retry_delay_expression: self.retry_delay.clone(),
        }
    }

    /// Whether this message matches a bulk-cancel filter (message ids are handled by the caller).
    pub fn matches(&self, f: &MessageFilter) -> bool {
        fn any(list: &[String], v: Option<&str>) -> bool {
            list.is_empty() || v.is_some_and(|v| list.iter().any(|x| x == v))
        }
        let (host, path) = host_path(&self.url);
        any(&f.topic_names, self.topic_name.as_deref())
            && any(&f.queue_names, self.queue.as_deref())
            && any(&f.urls, Some(&self.url))
            && any(&f.hosts, host.as_deref())
            && any(&f.paths, path.as_deref())
            && (f.labels.is_empty() || self.labels.iter().any(|l| f.labels.contains(l)))
            && any(
                &f.flow_control_keys,
                self.flow_control.as_ref().map(|x| x.key.as_str()),
            )
            && any(&f.schedule_ids, self.schedule_id.as_deref())
            && any(&f.caller_ips, self.caller_ip.as_deref())
            && f.from_date.is_none_or(|d| self.created_ms >= d)
            && f.to_date.is_none_or(|d| self.created_ms <= d)
    }
}

/// Host (with port) and path of a URL, for the `host` / `path` filters.
pub fn host_path(u: &str) -> (Option<String>, Option<String>) {
    match url::Url::parse(u) {
        Ok(p) => {
            let host = p.host_str().map(|h| match p.port() {
                Some(port) => format!("{h}:{port}"),
                None => h.to_string(),
            });
            (host, Some(p.path().to_string()))
        }
        Err(_) => (None, None),
    }
}

/// A pending message as the engine loads it at start-up.
#[derive(Debug, Clone)]
pub struct PendingRow {
    /// FIFO position.
    pub seq: i64,
    /// Description.
    pub msg: StoredMessage,
    /// Body, when the message is due soon (see [`load_pending`]).
    pub body: Option<Vec<u8>>,
    /// Next attempt time.
    pub due_ms: i64,
    /// Attempts already made.
    pub retried: u32,
}

/// Inserts a pending message; returns its `seq`.
pub fn insert(conn: &Connection, m: &StoredMessage, body: &[u8], due_ms: i64) -> StoreResult<i64> {
    let mut st = conn.prepare_cached(
        "INSERT INTO messages (id, user_id, status, due_ms, retried, queue, fc_key, parent_id, \
         created_ms, data, body) VALUES (?1, ?2, 0, ?3, 0, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    st.execute(params![
        m.id,
        m.user as i64,
        due_ms,
        m.queue,
        m.flow_control.as_ref().map(|f| &f.key),
        m.parent_id,
        m.created_ms,
        to_json(m)?,
        body,
    ])?;
    Ok(conn.last_insert_rowid())
}

type PendingTuple = (i64, String, Option<Vec<u8>>, i64, i64);

fn row_to_pending(r: &rusqlite::Row<'_>) -> rusqlite::Result<PendingTuple> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
}

/// Every pending message, in FIFO order (start-up recovery). Bodies are read only for
/// messages due by `body_before_ms`; the others are read when their attempt starts.
pub fn load_pending(conn: &Connection, body_before_ms: i64) -> StoreResult<Vec<PendingRow>> {
    let mut st = conn.prepare(
        "SELECT seq, data, CASE WHEN due_ms <= ?1 THEN body END, due_ms, retried \
         FROM messages WHERE status = 0 ORDER BY seq",
    )?;
    let rows = st.query_map([body_before_ms], row_to_pending)?;
    let mut out = Vec::new();
    for r in rows {
        let (seq, data, body, due_ms, retried) = r?;
        out.push(PendingRow {
            seq,
            msg: from_json(&data)?,
            body,
            due_ms,
            retried: retried as u32,
        });
    }
    Ok(out)
}

/// A message's body.
pub fn body(conn: &Connection, id: &str) -> StoreResult<Option<Vec<u8>>> {
    Ok(conn
        .prepare_cached("SELECT body FROM messages WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?)
}

/// One stored message with what [`get`] reads alongside it.
#[derive(Debug)]
pub struct MessageRow {
    /// The message.
    pub msg: StoredMessage,
    /// Its body.
    pub body: Vec<u8>,
    /// One of [`status`].
    pub status: i64,
    /// When it stopped being pending, unix ms.
    pub finished_ms: Option<i64>,
}

/// A message by id (any status) with its body, status and when it finished (if it did).
pub fn get(conn: &Connection, user: UserId, id: &str) -> StoreResult<Option<MessageRow>> {
    let row = conn
        .query_row(
            "SELECT data, body, status, finished_ms FROM messages WHERE id = ?1 AND user_id = ?2",
            params![id, user as i64],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, Vec<u8>>(1)?,
                    r.get(2)?,
                    r.get(3)?,
                ))
            },
        )
        .optional()?;
    match row {
        Some((d, body, status, finished_ms)) => Ok(Some(MessageRow {
            msg: from_json(&d)?,
            body,
            status,
            finished_ms,
        })),
        None => Ok(None),
    }
}

/// Status of several messages (for `lastScheduleStates`).
pub fn statuses(conn: &Connection, ids: &[String]) -> StoreResult<Vec<(String, i64)>> {
    let mut st = conn.prepare_cached("SELECT status FROM messages WHERE id = ?1")?;
    let mut out = Vec::new();
    for id in ids {
        if let Some(s) = st.query_row([id], |r| r.get::<_, i64>(0)).optional()? {
            out.push((id.clone(), s));
        }
    }
    Ok(out)
}

/// Pending messages of a user (for bulk cancel), FIFO order.
pub fn pending_of(conn: &Connection, user: UserId) -> StoreResult<Vec<StoredMessage>> {
    let mut st =
        conn.prepare("SELECT data FROM messages WHERE status = 0 AND user_id = ?1 ORDER BY seq")?;
    let rows = st.query_map([user as i64], |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for r in rows {
        out.push(from_json(&r?)?);
    }
    Ok(out)
}

/// Records a failed attempt that will be retried at `due_ms`.
pub fn set_retry(conn: &Connection, id: &str, retried: u32, due_ms: i64) -> StoreResult<()> {
    conn.prepare_cached("UPDATE messages SET retried = ?2, due_ms = ?3 WHERE id = ?1")?
        .execute(params![id, retried as i64, due_ms])?;
    Ok(())
}

/// Marks a message finished (delivered, failed or cancelled); returns whether it was pending.
pub fn finish(conn: &Connection, id: &str, status: i64, now_ms: i64) -> StoreResult<bool> {
    let n = conn
        .prepare_cached(
            "UPDATE messages SET status = ?2, finished_ms = ?3 WHERE id = ?1 AND status = 0",
        )?
        .execute(params![id, status, now_ms])?;
    Ok(n > 0)
}

/// Undelivered messages in a queue (`lag`).
pub fn queue_lag(conn: &Connection, user: UserId, queue: &str) -> StoreResult<u64> {
    let n: i64 = conn.query_row(
        "SELECT count(*) FROM messages WHERE status = 0 AND user_id = ?1 AND queue = ?2",
        params![user as i64, queue],
        |r| r.get(0),
    )?;
    Ok(n as u64)
}

/// Deletes finished messages older than `before_ms` that no log or DLQ entry still needs.
pub fn prune(conn: &Connection, before_ms: i64) -> StoreResult<usize> {
    Ok(conn.execute(
        "DELETE FROM messages WHERE status <> 0 AND finished_ms < ?1 \
         AND id NOT IN (SELECT message_id FROM dlq)",
        [before_ms],
    )?)
}
