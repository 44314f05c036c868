//! Schedules.

use super::{from_json, to_json, StoreResult};
use crate::model::{CallbackConfig, FlowControl, HeaderMap, Redact, UserId};
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

/// The message template of a schedule (JSON in `schedules.data`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScheduleTemplate {
    /// URL or group name.
    pub destination: String,
    /// Whether `destination` is a URL group.
    pub is_group: bool,
    /// Method.
    pub method: String,
    /// Forwarded headers.
    pub headers: HeaderMap,
    /// Content type.
    pub content_type: Option<String>,
    /// Retries (`None` = default).
    pub retries: Option<u32>,
    /// Retry-delay expression.
    pub retry_delay: Option<String>,
    /// Timeout, ms.
    pub timeout_ms: Option<u64>,
    /// Delay of each produced message, ms.
    pub delay_ms: Option<u64>,
    /// Callback.
    pub callback: Option<CallbackConfig>,
    /// Failure callback.
    pub failure_callback: Option<CallbackConfig>,
    /// Labels.
    pub labels: Vec<String>,
    /// Redaction.
    pub redact: Redact,
    /// Queue for produced messages.
    pub queue: Option<String>,
    /// Flow control.
    pub flow_control: Option<FlowControl>,
    /// Creator's IP.
    pub caller_ip: Option<String>,
}

/// A schedule row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleRow {
    /// Owner.
    pub user: UserId,
    /// Id.
    pub id: String,
    /// Created, ms.
    pub created_ms: i64,
    /// Paused.
    pub paused: bool,
    /// Cron source.
    pub cron: String,
    /// Message template.
    pub template: ScheduleTemplate,
    /// Body.
    pub body: Vec<u8>,
    /// Last firing, ms.
    pub last_ms: Option<i64>,
    /// Next firing, ms.
    pub next_ms: Option<i64>,
    /// Message ids of the last firing.
    pub last_ids: Vec<String>,
}

const COLS: &str = "user_id, id, created_ms, paused, cron, data, body, last_ms, next_ms, last_ids";

fn read(r: &rusqlite::Row<'_>) -> StoreResult<ScheduleRow> {
    Ok(ScheduleRow {
        user: r.get::<_, i64>(0)? as UserId,
        id: r.get(1)?,
        created_ms: r.get(2)?,
        paused: r.get(3)?,
        cron: r.get(4)?,
        template: from_json(&r.get::<_, String>(5)?)?,
        body: r.get(6)?,
        last_ms: r.get(7)?,
        next_ms: r.get(8)?,
        last_ids: match r.get::<_, Option<String>>(9)? {
            Some(s) => from_json(&s)?,
            None => Vec::new(),
        },
    })
}

fn query(conn: &Connection, sql: &str, p: impl rusqlite::Params) -> StoreResult<Vec<ScheduleRow>> {
    let mut st = conn.prepare(sql)?;
    let mut rows = st.query(p)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(read(r)?);
    }
    Ok(out)
}

/// One schedule.
pub fn get(conn: &Connection, user: UserId, id: &str) -> StoreResult<Option<ScheduleRow>> {
    Ok(query(
        conn,
        &format!("SELECT {COLS} FROM schedules WHERE user_id = ?1 AND id = ?2"),
        params![user as i64, id],
    )?
    .pop())
}

/// A user's schedules, oldest first.
pub fn list(conn: &Connection, user: UserId) -> StoreResult<Vec<ScheduleRow>> {
    query(
        conn,
        &format!("SELECT {COLS} FROM schedules WHERE user_id = ?1 ORDER BY created_ms, id"),
        [user as i64],
    )
}

/// How many schedules `user` has, paused ones included (plan quota).
pub fn count(conn: &Connection, user: UserId) -> StoreResult<usize> {
    Ok(conn
        .prepare_cached("SELECT COUNT(*) FROM schedules WHERE user_id = ?1")?
        .query_row([user as i64], |r| r.get::<_, i64>(0))? as usize)
}

/// Every schedule (start-up).
pub fn all(conn: &Connection) -> StoreResult<Vec<ScheduleRow>> {
    query(conn, &format!("SELECT {COLS} FROM schedules"), [])
}

/// Inserts or replaces.
pub fn put(conn: &Connection, s: &ScheduleRow) -> StoreResult<()> {
    conn.execute(
        &format!(
            "INSERT OR REPLACE INTO schedules ({COLS}) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)"
        ),
        params![
            s.user as i64,
            s.id,
            s.created_ms,
            s.paused,
            s.cron,
            to_json(&s.template)?,
            s.body,
            s.last_ms,
            s.next_ms,
            to_json(&s.last_ids)?
        ],
    )?;
    Ok(())
}

/// Records a firing.
pub fn fired(
    conn: &Connection,
    user: UserId,
    id: &str,
    last_ms: i64,
    next_ms: Option<i64>,
    last_ids: &[String],
) -> StoreResult<()> {
    conn.execute(
        "UPDATE schedules SET last_ms = ?3, next_ms = ?4, last_ids = ?5 \
         WHERE user_id = ?1 AND id = ?2",
        params![user as i64, id, last_ms, next_ms, to_json(&last_ids)?],
    )?;
    Ok(())
}

/// Sets paused and the next firing time.
pub fn set_paused(
    conn: &Connection,
    user: UserId,
    id: &str,
    paused: bool,
    next_ms: Option<i64>,
) -> StoreResult<bool> {
    Ok(conn.execute(
        "UPDATE schedules SET paused = ?3, next_ms = ?4 WHERE user_id = ?1 AND id = ?2",
        params![user as i64, id, paused, next_ms],
    )? > 0)
}

/// Deletes; returns whether it existed.
pub fn delete(conn: &Connection, user: UserId, id: &str) -> StoreResult<bool> {
    Ok(conn.execute(
        "DELETE FROM schedules WHERE user_id = ?1 AND id = ?2",
        params![user as i64, id],
    )? > 0)
}
