//! Queues.

use super::StoreResult;
use crate::model::UserId;
use rusqlite::{params, Connection, OptionalExtension};

/// A queue row (the wire [`crate::model::Queue`] adds `lag`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueRow {
    /// Owner.
    pub user: UserId,
    /// Name.
    pub name: String,
    /// Max in flight.
    pub parallelism: u32,
    /// Paused.
    pub paused: bool,
    /// Created, ms.
    pub created_ms: i64,
    /// Updated, ms.
    pub updated_ms: i64,
}

fn read(r: &rusqlite::Row<'_>) -> rusqlite::Result<QueueRow> {
    Ok(QueueRow {
        user: r.get::<_, i64>(0)? as UserId,
        name: r.get(1)?,
        parallelism: r.get::<_, i64>(2)? as u32,
        paused: r.get(3)?,
        created_ms: r.get(4)?,
        updated_ms: r.get(5)?,
    })
}

const COLS: &str = "user_id, name, parallelism, paused, created_ms, updated_ms";

/// One queue.
pub fn get(conn: &Connection, user: UserId, name: &str) -> StoreResult<Option<QueueRow>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLS} FROM queues WHERE user_id = ?1 AND name = ?2"
        ))?
        .query_row(params![user as i64, name], read)
        .optional()?)
}

/// A user's queues by name.
pub fn list(conn: &Connection, user: UserId) -> StoreResult<Vec<QueueRow>> {
    let mut st = conn.prepare(&format!(
        "SELECT {COLS} FROM queues WHERE user_id = ?1 ORDER BY name"
    ))?;
    let rows = st.query_map([user as i64], read)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// How many queues `user` has (plan quota).
pub fn count(conn: &Connection, user: UserId) -> StoreResult<usize> {
    Ok(conn
        .prepare_cached("SELECT COUNT(*) FROM queues WHERE user_id = ?1")?
        .query_row([user as i64], |r| r.get::<_, i64>(0))? as usize)
}

/// Every queue (start-up).
pub fn all(conn: &Connection) -> StoreResult<Vec<QueueRow>> {
    let mut st = conn.prepare(&format!("SELECT {COLS} FROM queues"))?;
    let rows = st.query_map([], read)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Inserts or replaces.
pub fn put(conn: &Connection, q: &QueueRow) -> StoreResult<()> {
    conn.prepare_cached(&format!(
        "INSERT OR REPLACE INTO queues ({COLS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
    ))?
    .execute(params![
        q.user as i64,
        q.name,
        q.parallelism as i64,
        q.paused,
        q.created_ms,
        q.updated_ms
    ])?;
    Ok(())
}

/// Deletes; returns whether it existed.
pub fn delete(conn: &Connection, user: UserId, name: &str) -> StoreResult<bool> {
    Ok(conn.execute(
        "DELETE FROM queues WHERE user_id = ?1 AND name = ?2",
        params![user as i64, name],
    )? > 0)
}
