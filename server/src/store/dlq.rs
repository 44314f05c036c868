//! The dead-letter queue.

use super::messages::StoredMessage;
use super::{from_json, to_json, StoreResult};
use crate::model::{DlqFilter, DlqMessage, HeaderMap, Order, Page, UserId};
use base64::Engine as _;
use rusqlite::{params, Connection, OptionalExtension};

/// The last response of a failed message.
#[derive(Debug, Clone, Default)]
pub struct LastResponse {
    /// Status (0 = no response).
    pub status: u16,
    /// Headers.
    pub headers: HeaderMap,
    /// Body bytes.
    pub body: Vec<u8>,
}

/// Adds an entry.
pub fn insert(
    conn: &Connection,
    user: UserId,
    dlq_id: &str,
    message_id: &str,
    time_ms: i64,
    resp: &LastResponse,
) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT INTO dlq (dlq_id, user_id, message_id, time_ms, response_status, \
         response_headers, response_body) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        dlq_id,
        user as i64,
        message_id,
        time_ms,
        resp.status as i64,
        to_json(&resp.headers)?,
        resp.body,
    ])?;
    Ok(())
}

/// A DLQ row with its message.
#[derive(Debug, Clone)]
pub struct DlqRow {
    /// Row order.
    pub seq: i64,
    /// `dlqId`.
    pub dlq_id: String,
    /// When it entered the DLQ.
    pub time_ms: i64,
    /// Last response.
    pub resp: LastResponse,
    /// The message.
    pub msg: StoredMessage,
    /// Its body.
    pub body: Vec<u8>,
}

impl DlqRow {
    /// The wire shape.
    pub fn to_wire(&self) -> DlqMessage {
        let (rb, rb64) = if self.resp.body.is_empty() {
            (None, None)
        } else {
            match std::str::from_utf8(&self.resp.body) {
                Ok(s) => (Some(s.to_string()), None),
                Err(_) => (
                    None,
                    Some(base64::engine::general_purpose::STANDARD.encode(&self.resp.body)),
                ),
            }
        };
        DlqMessage {
            message: self.msg.to_wire(&self.body),
            dlq_id: self.dlq_id.clone(),
            response_status: self.resp.status,
            response_header: if self.resp.headers.is_empty() {
                None
            } else {
                Some(self.resp.headers.clone())
            },
            response_body: rb,
            response_body_base64: rb64,
        }
    }

    fn matches(&self, f: &DlqFilter) -> bool {
        fn any(list: &[String], v: Option<&str>) -> bool {
            list.is_empty() || v.is_some_and(|v| list.iter().any(|x| x == v))
        }
        let m = &self.msg;
        any(&f.dlq_ids, Some(&self.dlq_id))
            && any(&f.message_ids, Some(&m.id))
            && any(&f.urls, Some(&m.url))
            && any(&f.topic_names, m.topic_name.as_deref())
            && any(&f.schedule_ids, m.schedule_id.as_deref())
            && any(&f.queue_names, m.queue.as_deref())
            && (f.response_statuses.is_empty() || f.response_statuses.contains(&self.resp.status))
            && any(&f.caller_ips, m.caller_ip.as_deref())
            && (f.labels.is_empty() || m.labels.iter().any(|l| f.labels.contains(l)))
            && any(
                &f.flow_control_keys,
                m.flow_control.as_ref().map(|x| x.key.as_str()),
            )
            && f.from_date.is_none_or(|d| self.time_ms >= d)
            && f.to_date.is_none_or(|d| self.time_ms <= d)
    }
}

const SELECT: &str = "SELECT d.seq, d.dlq_id, d.time_ms, d.response_status, d.response_headers, \
     d.response_body, m.data, m.body FROM dlq d JOIN messages m ON m.id = d.message_id";

fn read_row(r: &rusqlite::Row<'_>) -> StoreResult<DlqRow> {
    let headers: Option<String> = r.get(4)?;
    Ok(DlqRow {
        seq: r.get(0)?,
        dlq_id: r.get(1)?,
        time_ms: r.get(2)?,
        resp: LastResponse {
            status: r.get::<_, i64>(3)? as u16,
            headers: match headers {
                Some(h) => from_json(&h)?,
                None => HeaderMap::new(),
            },
            body: r.get::<_, Option<Vec<u8>>>(5)?.unwrap_or_default(),
        },
        msg: from_json(&r.get::<_, String>(6)?)?,
        body: r.get(7)?,
    })
}

/// One entry.
pub fn get(conn: &Connection, user: UserId, dlq_id: &str) -> StoreResult<Option<DlqRow>> {
    let sql = format!("{SELECT} WHERE d.user_id = ?1 AND d.dlq_id = ?2");
    let mut st = conn.prepare(&sql)?;
    let mut rows = st.query(params![user as i64, dlq_id])?;
    match rows.next()? {
        Some(r) => Ok(Some(read_row(r)?)),
        None => Ok(None),
    }
}

/// Default and max page size.
pub const MAX_COUNT: usize = 100;

/// A listing page also ends (with a cursor) once its entries carry this many body bytes
/// (message plus response bodies), as log pages do ([`super::logs::MAX_PAGE_BODY_BYTES`]):
/// 100 entries of 10 MiB messages would otherwise make a response of over a GiB.
pub const MAX_PAGE_BODY_BYTES: usize = super::logs::MAX_PAGE_BODY_BYTES;

/// A filtered page of at most `limit` entries (bulk operations pass a large limit).
pub fn list(
    conn: &Connection,
    user: UserId,
    f: &DlqFilter,
    limit: usize,
) -> StoreResult<Page<DlqRow>> {
    list_within(conn, user, f, limit, usize::MAX)
}

/// Like [`list`], but the page also ends once its entries carry `max_body_bytes` of bodies;
/// it always holds at least one entry.
pub fn list_within(
    conn: &Connection,
    user: UserId,
    f: &DlqFilter,
    limit: usize,
    max_body_bytes: usize,
) -> StoreResult<Page<DlqRow>> {
    let cursor: Option<i64> = f.cursor.as_deref().and_then(|c| c.parse().ok());
    let desc = f.order == Order::LatestFirst;
    let sql = if desc {
        format!("{SELECT} WHERE d.user_id = ?1 AND d.seq < ?2 ORDER BY d.seq DESC")
    } else {
        format!("{SELECT} WHERE d.user_id = ?1 AND d.seq > ?2 ORDER BY d.seq ASC")
    };
    let mut st = conn.prepare(&sql)?;
    let pos = cursor.unwrap_or(if desc { i64::MAX } else { 0 });
    let mut rows = st.query(params![user as i64, pos])?;
    let mut items = Vec::new();
    let mut body_bytes = 0;
    while let Some(r) = rows.next()? {
        let row = read_row(r)?;
        if !row.matches(f) {
            continue;
        }
        if items.len() == limit || body_bytes >= max_body_bytes {
            let last: &DlqRow = &items[items.len() - 1];
            return Ok(Page {
                cursor: Some(last.seq.to_string()),
                items,
            });
        }
        body_bytes += row.body.len() + row.resp.body.len();
        items.push(row);
    }
    Ok(Page {
        cursor: None,
        items,
    })
}

/// Removes one entry; returns whether it existed.
pub fn delete(conn: &Connection, user: UserId, dlq_id: &str) -> StoreResult<bool> {
    Ok(conn.execute(
        "DELETE FROM dlq WHERE user_id = ?1 AND dlq_id = ?2",
        params![user as i64, dlq_id],
    )? > 0)
}

/// Whether a DLQ entry exists (used by tests and retries).
pub fn exists(conn: &Connection, user: UserId, dlq_id: &str) -> StoreResult<bool> {
    Ok(conn
        .query_row(
            "SELECT 1 FROM dlq WHERE user_id = ?1 AND dlq_id = ?2",
            params![user as i64, dlq_id],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// Deletes entries older than `before_ms`.
pub fn prune(conn: &Connection, before_ms: i64) -> StoreResult<usize> {
    Ok(conn.execute("DELETE FROM dlq WHERE time_ms < ?1", [before_ms])?)
}
