//! Flow-control key configuration (the live counters are in memory, in the delivery engine).

use super::StoreResult;
use crate::model::UserId;
use rusqlite::{params, Connection, OptionalExtension};

/// A key's configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowRow {
    /// Owner.
    pub user: UserId,
    /// Key.
    pub key: String,
    /// Max in flight (`None` = unlimited).
    pub parallelism: Option<u32>,
    /// Max dispatches per period (`None` = unlimited).
    pub rate: Option<u32>,
    /// Period, seconds.
    pub period_secs: u64,
    /// Paused.
    pub paused: bool,
    /// Parallelism pinned.
    pub pin_parallelism: bool,
    /// Rate pinned.
    pub pin_rate: bool,
}

fn read(r: &rusqlite::Row<'_>) -> rusqlite::Result<FlowRow> {
    Ok(FlowRow {
        user: r.get::<_, i64>(0)? as UserId,
        key: r.get(1)?,
        parallelism: r.get::<_, Option<i64>>(2)?.map(|v| v as u32),
        rate: r.get::<_, Option<i64>>(3)?.map(|v| v as u32),
        period_secs: r.get::<_, i64>(4)? as u64,
        paused: r.get(5)?,
        pin_parallelism: r.get(6)?,
        pin_rate: r.get(7)?,
    })
}

const SELECT: &str = "SELECT user_id, key, parallelism, rate, period, paused, pin_par, pin_rate \
     FROM flow_control";

/// Every key (start-up).
pub fn all(conn: &Connection) -> StoreResult<Vec<FlowRow>> {
    let mut st = conn.prepare(SELECT)?;
    let rows = st.query_map([], read)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One key.
pub fn get(conn: &Connection, user: UserId, key: &str) -> StoreResult<Option<FlowRow>> {
    Ok(conn
        .prepare_cached(&format!("{SELECT} WHERE user_id = ?1 AND key = ?2"))?
        .query_row(params![user as i64, key], read)
        .optional()?)
}

/// Inserts or replaces.
pub fn put(conn: &Connection, f: &FlowRow) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT OR REPLACE INTO flow_control (user_id, key, parallelism, rate, period, paused, \
         pin_par, pin_rate) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        f.user as i64,
        f.key,
        f.parallelism.map(|v| v as i64),
        f.rate.map(|v| v as i64),
        f.period_secs as i64,
        f.paused,
        f.pin_parallelism,
        f.pin_rate
    ])?;
    Ok(())
}
