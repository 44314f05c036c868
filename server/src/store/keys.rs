//! Signing keys per user.

use super::StoreResult;
use crate::model::{SigningKeys, UserId};
use rusqlite::{params, Connection, OptionalExtension};

/// Inserts the fixed dev users' keys (reference §12) unless already present (a rotation
/// survives restarts).
pub fn seed(conn: &Connection) -> StoreResult<()> {
    for (i, u) in crate::app::USERS.iter().enumerate() {
        conn.execute(
            "INSERT OR IGNORE INTO keys (user_id, current, next) VALUES (?1, ?2, ?3)",
            params![(i + 1) as i64, u.current_key, u.next_key],
        )?;
    }
    Ok(())
}

/// All users' keys.
pub fn all(conn: &Connection) -> StoreResult<Vec<(UserId, SigningKeys)>> {
    let mut st = conn.prepare("SELECT user_id, current, next FROM keys ORDER BY user_id")?;
    let rows = st.query_map([], |r| {
        Ok((
            r.get::<_, i64>(0)? as UserId,
            SigningKeys {
                current: r.get(1)?,
                next: r.get(2)?,
            },
        ))
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One user's keys.
pub fn get(conn: &Connection, user: UserId) -> StoreResult<Option<SigningKeys>> {
    Ok(conn
        .query_row(
            "SELECT current, next FROM keys WHERE user_id = ?1",
            [user as i64],
            |r| {
                Ok(SigningKeys {
                    current: r.get(0)?,
                    next: r.get(1)?,
                })
            },
        )
        .optional()?)
}

/// `current = next; next = new_next`; returns the new pair.
pub fn rotate(conn: &Connection, user: UserId, new_next: &str) -> StoreResult<SigningKeys> {
    conn.execute(
        "UPDATE keys SET current = next, next = ?2 WHERE user_id = ?1",
        params![user as i64, new_next],
    )?;
    get(conn, user)?.ok_or_else(|| super::StoreError(format!("no keys for user {user}")))
}
