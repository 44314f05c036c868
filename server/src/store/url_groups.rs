//! URL groups (topics) and their endpoints.

use super::{from_json, to_json, StoreResult};
use crate::model::{UrlGroup, UserId};
use rusqlite::{params, Connection};

fn read(r: &rusqlite::Row<'_>) -> rusqlite::Result<(String, i64, i64, String, String)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
}

fn build(t: (String, i64, i64, String, String)) -> StoreResult<UrlGroup> {
    Ok(UrlGroup {
        name: t.0,
        created_at: t.1,
        updated_at: t.2,
        endpoints: from_json(&t.3)?,
        headers: from_json(&t.4)?,
    })
}

/// One group.
pub fn get(conn: &Connection, user: UserId, name: &str) -> StoreResult<Option<UrlGroup>> {
    let mut st = conn.prepare_cached(
        "SELECT name, created_ms, updated_ms, endpoints, headers FROM url_groups \
         WHERE user_id = ?1 AND name = ?2",
    )?;
    let mut rows = st.query_map(params![user as i64, name], read)?;
    match rows.next() {
        Some(r) => Ok(Some(build(r?)?)),
        None => Ok(None),
    }
}

/// A user's groups by name.
pub fn list(conn: &Connection, user: UserId) -> StoreResult<Vec<UrlGroup>> {
    let mut st = conn.prepare(
        "SELECT name, created_ms, updated_ms, endpoints, headers FROM url_groups \
         WHERE user_id = ?1 ORDER BY name",
    )?;
    let rows = st.query_map([user as i64], read)?;
    rows.map(|r| build(r?)).collect()
}

/// How many URL groups `user` has (plan quota).
pub fn count(conn: &Connection, user: UserId) -> StoreResult<usize> {
    Ok(conn
        .prepare_cached("SELECT COUNT(*) FROM url_groups WHERE user_id = ?1")?
        .query_row([user as i64], |r| r.get::<_, i64>(0))? as usize)
}

/// Inserts or replaces.
pub fn put(conn: &Connection, user: UserId, g: &UrlGroup) -> StoreResult<()> {
    conn.execute(
        "INSERT OR REPLACE INTO url_groups (user_id, name, created_ms, updated_ms, endpoints, \
         headers) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            user as i64,
            g.name,
            g.created_at,
            g.updated_at,
            to_json(&g.endpoints)?,
            to_json(&g.headers)?
        ],
    )?;
    Ok(())
}

/// Deletes; returns whether it existed.
pub fn delete(conn: &Connection, user: UserId, name: &str) -> StoreResult<bool> {
    Ok(conn.execute(
        "DELETE FROM url_groups WHERE user_id = ?1 AND name = ?2",
        params![user as i64, name],
    )? > 0)
}
