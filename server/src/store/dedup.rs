//! Deduplication keys: a key seen within the window maps to the original publish results.

use super::{from_json, to_json, StoreResult};
use crate::model::{PublishResult, UserId};
use rusqlite::{params, Connection, OptionalExtension};

/// The results stored under `key`, if it was seen and has not expired.
pub fn lookup(
    conn: &Connection,
    user: UserId,
    key: &str,
    now_ms: i64,
) -> StoreResult<Option<Vec<PublishResult>>> {
    let r: Option<String> = conn
        .prepare_cached(
            "SELECT results FROM dedup WHERE user_id = ?1 AND key = ?2 AND expires_ms > ?3",
        )?
        .query_row(params![user as i64, key, now_ms], |r| r.get(0))
        .optional()?;
    match r {
        Some(s) => Ok(Some(from_json(&s)?)),
        None => Ok(None),
    }
}

/// Remembers `key` until `expires_ms`.
pub fn remember(
    conn: &Connection,
    user: UserId,
    key: &str,
    results: &[PublishResult],
    expires_ms: i64,
) -> StoreResult<()> {
    conn.prepare_cached(
        "INSERT OR REPLACE INTO dedup (user_id, key, results, expires_ms) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![user as i64, key, to_json(&results)?, expires_ms])?;
    Ok(())
}

/// Forgets expired keys.
pub fn prune(conn: &Connection, now_ms: i64) -> StoreResult<usize> {
    Ok(conn.execute("DELETE FROM dedup WHERE expires_ms <= ?1", [now_ms])?)
}
