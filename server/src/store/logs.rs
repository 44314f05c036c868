//! The `logs` table: one row per lifecycle event, joined with `messages` on read.

use super::messages::{host_path, StoredMessage};
use super::{from_json, to_json, StoreResult};
use crate::model::{HeaderMap, LogEntry, LogFilter, LogState, Order, Page, UserId};
use rusqlite::{params, Connection};

use serde::{Deserialize, Serialize};

/// Event-specific fields of a log row (JSON in `logs.data`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LogExtra {
    /// Error text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// RETRY: next attempt time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_delivery_time: Option<i64>,
    /// Destination status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_status: Option<u16>,
    /// Destination body, base64.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_body: Option<String>,
    /// Destination headers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_headers: Option<HeaderMap>,
}

/// Appends an event.
pub fn insert(
    conn: &Connection,
    user: UserId,
    message_id: &str,
    time_ms: i64,
    state: LogState,
    extra: Option<&LogExtra>,
) -> StoreResult<()> {
    let data = match extra {
        Some(e) => Some(to_json(e)?),
        None => None,
    };
    conn.prepare_cached(
        "INSERT INTO logs (user_id, message_id, time_ms, state, data) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        user as i64,
        message_id,
        time_ms,
        state.as_str(),
        data
    ])?;
    Ok(())
}

/// Builds the wire entry from the event and its message.
pub fn entry(
    time: i64,
    state: LogState,
    extra: LogExtra,
    m: &StoredMessage,
    body: &[u8],
) -> LogEntry {
    let (label, labels) = m.wire_labels();
    let fc = m.flow_control.as_ref();
    LogEntry {
        time,
        message_id: m.id.clone(),
        state,
        error: extra.error,
        next_delivery_time: extra.next_delivery_time,
        url: m.url.clone(),
        topic_name: m.topic_name.clone(),
        endpoint_name: m.endpoint_name.clone(),
        schedule_id: m.schedule_id.clone(),
        queue_name: m.queue.clone(),
        header: m.wire_headers(),
        body: m.log_body(body),
        response_status: extra.response_status,
        response_body: extra.response_body,
        response_header: extra.response_headers.clone(),
        response_headers: extra.response_headers,
        timeout: Some(m.timeout_ms),
        method: Some(m.method.clone()),
        callback: m.callback.as_ref().map(|c| c.url.clone()),
        callback_headers: m
            .callback
            .as_ref()
            .filter(|c| !c.headers.is_empty())
            .map(|c| c.headers.clone()),
        failure_callback: m.failure_callback.as_ref().map(|c| c.url.clone()),
        failure_callback_headers: m
            .failure_callback
            .as_ref()
            .filter(|c| !c.headers.is_empty())
            .map(|c| c.headers.clone()),
        max_retries: Some(m.max_retries),
        retry_delay_expression: m.retry_delay.clone(),
        retry_delay_expr: m.retry_delay.clone(),
        label,
        labels,
        flow_control_key: fc.map(|f| f.key.clone()),
        rate: fc.and_then(|f| f.rate),
        parallelism: fc.and_then(|f| f.parallelism),
        period: fc.map(|f| f.period_secs),
        caller_ip: m.caller_ip.clone(),
    }
}

fn state_matches(states: &[String], s: LogState) -> bool {
    states.is_empty()
        || states.iter().any(|f| {
            if f.eq_ignore_ascii_case("IN_PROGRESS") {
                matches!(s, LogState::Active | LogState::Retry | LogState::Error)
            } else {
                LogState::parse(f) == Some(s)
            }
        })
}

fn matches(f: &LogFilter, state: LogState, time: i64, m: &StoredMessage) -> bool {
    fn any(list: &[String], v: Option<&str>) -> bool {
        list.is_empty() || v.is_some_and(|v| list.iter().any(|x| x == v))
    }
    let (host, path) = if f.hosts.is_empty() && f.paths.is_empty() {
        (None, None)
    } else {
        host_path(&m.url)
    };
    state_matches(&f.states, state)
        && any(&f.message_ids, Some(&m.id))
        && any(&f.urls, Some(&m.url))
        && any(&f.topic_names, m.topic_name.as_deref())
        && any(&f.schedule_ids, m.schedule_id.as_deref())
        && any(&f.queue_names, m.queue.as_deref())
        && any(&f.hosts, host.as_deref())
        && any(&f.paths, path.as_deref())
        && (f.labels.is_empty() || m.labels.iter().any(|l| f.labels.contains(l)))
        && any(&f.caller_ips, m.caller_ip.as_deref())
        && any(
            &f.flow_control_keys,
            m.flow_control.as_ref().map(|x| x.key.as_str()),
        )
        && f.from_date.is_none_or(|d| time >= d)
        && f.to_date.is_none_or(|d| time <= d)
}

/// Default and maximum page sizes.
pub const DEFAULT_COUNT: usize = 100;
/// Maximum page size.
pub const MAX_COUNT: usize = 1000;
/// A page also ends (with a cursor) once its entries carry this many body bytes (message
/// bodies plus destination response bodies): every entry repeats its message's body, so
/// `count=1000` over messages of up to 10 MiB would otherwise build a response of many GiB
/// (minutes of work and out of memory). A page always holds at least one entry.
pub const MAX_PAGE_BODY_BYTES: usize = 8 * 1024 * 1024;

/// A filtered page of log entries: at most `count` entries and about
/// [`MAX_PAGE_BODY_BYTES`] of bodies. The cursor is the last returned row id.
pub fn list(conn: &Connection, user: UserId, f: &LogFilter) -> StoreResult<Page<LogEntry>> {
    let count = f.count.unwrap_or(DEFAULT_COUNT).clamp(1, MAX_COUNT);
    let cursor: Option<i64> = f.cursor.as_deref().and_then(|c| c.parse().ok());
    let desc = f.order == Order::LatestFirst;
    // With message ids the index on `logs.message_id` finds the rows directly; otherwise scan
    // the user's events in order and filter in Rust (the message description is JSON).
    // (Long id lists fall back to the scan: SQLite caps bound parameters.)
    let ids: Vec<String> = if f.message_ids.len() <= 100 {
        f.message_ids.clone()
    } else {
        Vec::new()
    };
    let by_id = if ids.is_empty() {
        String::new()
    } else {
        let marks: Vec<String> = (0..ids.len()).map(|i| format!("?{}", i + 4)).collect();
        format!(" AND l.message_id IN ({})", marks.join(", "))
    };
    let (cmp, dir) = if desc { ("<", "DESC") } else { (">", "ASC") };
    let sql = format!(
        "SELECT l.id, l.time_ms, l.state, l.data, m.data, m.body FROM logs l \
         JOIN messages m ON m.id = l.message_id \
         WHERE l.user_id = ?1 AND l.id {cmp} ?2{by_id} ORDER BY l.id {dir} LIMIT ?3"
    );
    let mut st = conn.prepare(&sql)?;
    let mut pos = cursor.unwrap_or(if desc { i64::MAX } else { 0 });
    let mut items = Vec::new();
    let mut page_bytes = 0;
    // Filtering happens in Rust (the message description is JSON), so scan in chunks until the
    // page is full or the table ends.
    const CHUNK: i64 = 2000;
    let user_i = user as i64;
    loop {
        let pos_now = pos;
        let mut p: Vec<&dyn rusqlite::ToSql> = vec![&user_i, &pos_now, &CHUNK];
        for id in &ids {
            p.push(id);
        }
        let mut rows = st.query(p.as_slice())?;
        let mut seen = 0;
        while let Some(r) = rows.next()? {
            seen += 1;
            let id: i64 = r.get(0)?;
            pos = id;
            let time: i64 = r.get(1)?;
            let state: String = r.get(2)?;
            let Some(state) = LogState::parse(&state) else {
                continue;
            };
            let m: StoredMessage = from_json(&r.get::<_, String>(4)?)?;
            if !matches(f, state, time, &m) {
                continue;
            }
            let extra: LogExtra = match r.get::<_, Option<String>>(3)? {
                Some(s) => from_json(&s)?,
                None => LogExtra::default(),
            };
            let body: Vec<u8> = r.get(5)?;
            page_bytes += body.len() + extra.response_body.as_ref().map_or(0, String::len);
            items.push(entry(time, state, extra, &m, &body));
            if items.len() == count || page_bytes >= MAX_PAGE_BODY_BYTES {
                return Ok(Page {
                    cursor: Some(pos.to_string()),
                    items,
                });
            }
        }
        if seen < CHUNK {
            return Ok(Page {
                cursor: None,
                items,
            });
        }
    }
}

/// Deletes events older than `before_ms`.
pub fn prune(conn: &Connection, before_ms: i64) -> StoreResult<usize> {
    Ok(conn.execute("DELETE FROM logs WHERE time_ms < ?1", [before_ms])?)
}
