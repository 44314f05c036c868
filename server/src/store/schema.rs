//! Schema migrations, tracked in `PRAGMA user_version`.
//!
//! Each entry of [`MIGRATIONS`] moves the schema one version up; they run in order inside one
//! transaction at start-up. Never edit a released migration: append a new one.

use super::{StoreError, StoreResult};
use rusqlite::Connection;

/// Migration `i` brings the schema from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    // v1
    r#"
    -- Signing keys per user (the four fixed dev users are seeded by `keys::seed`).
    CREATE TABLE keys (
        user_id INTEGER PRIMARY KEY,
        current TEXT NOT NULL,
        next    TEXT NOT NULL
    );

    -- Every message ever accepted (pruned after retention). `seq` gives FIFO order to queues.
    -- status: 0 pending (waiting or in flight), 1 delivered, 2 failed (in DLQ), 3 cancelled.
    -- The static description is JSON in `data` (store::messages::StoredMessage); the columns
    -- are what the engine and the filters need without parsing it.
    CREATE TABLE messages (
        seq         INTEGER PRIMARY KEY AUTOINCREMENT,
        id          TEXT NOT NULL UNIQUE,
        user_id     INTEGER NOT NULL,
        status      INTEGER NOT NULL,
        due_ms      INTEGER NOT NULL,
        retried     INTEGER NOT NULL DEFAULT 0,
        queue       TEXT,
        fc_key      TEXT,
        parent_id   TEXT,
        created_ms  INTEGER NOT NULL,
        finished_ms INTEGER,
        data        TEXT NOT NULL,
        body        BLOB NOT NULL
    );
    -- Start-up recovery reads only pending messages; a partial index keeps that cheap.
    CREATE INDEX messages_pending ON messages(user_id, seq) WHERE status = 0;
    CREATE INDEX messages_finished ON messages(finished_ms) WHERE status <> 0;

    -- Log events. `data` holds the event-specific fields (error, response, nextDeliveryTime);
    -- the message fields come from joining `messages`.
    CREATE TABLE logs (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        user_id    INTEGER NOT NULL,
        message_id TEXT NOT NULL,
        time_ms    INTEGER NOT NULL,
        state      TEXT NOT NULL,
        data       TEXT
    );
    CREATE INDEX logs_user ON logs(user_id, id);
    CREATE INDEX logs_message ON logs(message_id);

    CREATE TABLE dlq (
        seq              INTEGER PRIMARY KEY AUTOINCREMENT,
        dlq_id           TEXT NOT NULL UNIQUE,
        user_id          INTEGER NOT NULL,
        message_id       TEXT NOT NULL,
        time_ms          INTEGER NOT NULL,
        response_status  INTEGER NOT NULL,
        response_headers TEXT,
        response_body    BLOB
    );
    CREATE INDEX dlq_user ON dlq(user_id, seq);

    -- Deduplication keys (id- or content-based) with the publish results they map to.
    CREATE TABLE dedup (
        user_id    INTEGER NOT NULL,
        key        TEXT NOT NULL,
        results    TEXT NOT NULL,
        expires_ms INTEGER NOT NULL,
        PRIMARY KEY (user_id, key)
    ) WITHOUT ROWID;

    CREATE TABLE queues (
        user_id     INTEGER NOT NULL,
        name        TEXT NOT NULL,
        parallelism INTEGER NOT NULL,
        paused      INTEGER NOT NULL,
        created_ms  INTEGER NOT NULL,
        updated_ms  INTEGER NOT NULL,
        PRIMARY KEY (user_id, name)
    );

    CREATE TABLE url_groups (
        user_id    INTEGER NOT NULL,
        name       TEXT NOT NULL,
        created_ms INTEGER NOT NULL,
        updated_ms INTEGER NOT NULL,
        endpoints  TEXT NOT NULL,
        headers    TEXT NOT NULL,
        PRIMARY KEY (user_id, name)
    );

    CREATE TABLE schedules (
        user_id    INTEGER NOT NULL,
        id         TEXT NOT NULL,
        created_ms INTEGER NOT NULL,
        paused     INTEGER NOT NULL,
        cron       TEXT NOT NULL,
        data       TEXT NOT NULL,
        body       BLOB NOT NULL,
        last_ms    INTEGER,
        next_ms    INTEGER,
        last_ids   TEXT,
        PRIMARY KEY (user_id, id)
    );

    -- Flow-control key configuration (counters live in memory, see delivery::engine).
    CREATE TABLE flow_control (
        user_id     INTEGER NOT NULL,
        key         TEXT NOT NULL,
        parallelism INTEGER,
        rate        INTEGER,
        period      INTEGER NOT NULL,
        paused      INTEGER NOT NULL DEFAULT 0,
        pin_par     INTEGER NOT NULL DEFAULT 0,
        pin_rate    INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (user_id, key)
    );
    "#,
    // v2
    r#"
    -- Listings. A filtered `GET /v2/logs` walks a user's events in id order and tests state
    -- and time on each: with those (and the message id) in the index, the walk reads the
    -- index alone, and an event's row (with its response body) only when it is returned.
    -- It serves everything logs_user served.
    CREATE INDEX logs_scan ON logs(user_id, id, state, time_ms, message_id);
    DROP INDEX logs_user;
    -- The same for the DLQ listing and its bulk delete and retry.
    CREATE INDEX dlq_scan ON dlq(user_id, seq, time_ms, response_status, message_id, dlq_id);
    DROP INDEX dlq_user;
    -- The DLQ's `messageId` filter, and pruning, which keeps the messages still in the DLQ.
    CREATE INDEX dlq_message ON dlq(message_id);
    "#,
];

/// Brings the database to the newest schema version. A database written by a newer
/// qstash-dev is refused rather than used with a schema this one does not know.
pub fn migrate(conn: &mut Connection) -> StoreResult<()> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if version > MIGRATIONS.len() as i64 {
        return Err(StoreError(format!(
            "the database has schema version {version}, newer than this qstash-dev knows ({}); \
             run a newer qstash-dev or use another --db",
            MIGRATIONS.len()
        )));
    }
    let tx = conn.transaction()?;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version.max(0) as usize) {
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
    }
    super::keys::seed(&tx)?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(conn: &Connection, kind: &str) -> Vec<String> {
        let mut st = conn
            .prepare("SELECT name FROM sqlite_master WHERE type = ?1 ORDER BY name")
            .expect("prepare");
        let rows = st.query_map([kind], |r| r.get(0)).expect("query");
        rows.map(|r| r.expect("row")).collect()
    }

    /// A database written by the first release (v1) keeps its messages, events and DLQ
    /// entries through the upgrade, and gets the listing indexes in place of the old ones.
    #[test]
    fn a_v1_database_is_upgraded_with_its_data() {
        let mut conn = Connection::open_in_memory().expect("open");
        conn.execute_batch(MIGRATIONS[0]).expect("v1");
        conn.pragma_update(None, "user_version", 1)
            .expect("version");
        conn.execute_batch(
            "INSERT INTO messages (id, user_id, status, due_ms, created_ms, data, body)
                 VALUES ('msg_1', 1, 0, 5, 1, '{}', x'6869');
             INSERT INTO logs (user_id, message_id, time_ms, state) VALUES (1, 'msg_1', 1, 'CREATED');
             INSERT INTO dlq (dlq_id, user_id, message_id, time_ms, response_status)
                 VALUES ('dlq_1', 1, 'msg_1', 2, 500);",
        )
        .expect("v1 rows");
        migrate(&mut conn).expect("migrate");
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .expect("version");
        assert_eq!(version, MIGRATIONS.len() as i64);
        let indexes = names(&conn, "index");
        for want in ["logs_scan", "dlq_scan", "dlq_message", "messages_pending"] {
            assert!(indexes.iter().any(|i| i == want), "{want} in {indexes:?}");
        }
        for gone in ["logs_user", "dlq_user"] {
            assert!(!indexes.iter().any(|i| i == gone), "{gone} in {indexes:?}");
        }
        let counts: (i64, i64, i64) = conn
            .query_row(
                "SELECT (SELECT count(*) FROM messages), (SELECT count(*) FROM logs),
                        (SELECT count(*) FROM dlq)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .expect("counts");
        assert_eq!(counts, (1, 1, 1));
        let body: Vec<u8> = conn
            .query_row("SELECT body FROM messages WHERE id = 'msg_1'", [], |r| {
                r.get(0)
            })
            .expect("body");
        assert_eq!(body, b"hi");
        // Migrating again is a no-op.
        migrate(&mut conn).expect("again");
        assert_eq!(names(&conn, "index"), indexes);
    }

    #[test]
    fn a_database_from_a_newer_release_is_refused() {
        let mut conn = Connection::open_in_memory().expect("open");
        migrate(&mut conn).expect("migrate");
        let newer = MIGRATIONS.len() as i64 + 1;
        conn.pragma_update(None, "user_version", newer)
            .expect("version");
        let err = migrate(&mut conn).expect_err("newer schema");
        assert!(
            err.to_string().contains(&format!("schema version {newer}")),
            "{err}"
        );
    }
}
