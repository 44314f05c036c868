//! SQLite persistence. All SQL of the server lives under this module.
//!
//! - [`Store`]: cheap-clone handle. Writes go to ONE writer thread that owns the only write
//!   connection and commits **groups** of concurrent writes in one transaction (group commit):
//!   with `synchronous=FULL` every commit costs an fsync, so 64 concurrent publishes sharing one
//!   fsync is what makes durable publishing fast. Each write runs inside its own SAVEPOINT, so one
//!   failing write rolls back alone; its caller is answered only after the COMMIT returned.
//!   Reads use a small pool of read-only connections (WAL lets them run beside the writer).
//! - [`schema`]: migrations (`PRAGMA user_version`).
//! - [`messages`], [`logs`], [`dlq`], [`dedup`], [`keys`], [`queues`], [`url_groups`],
//!   [`schedules`], [`flow_control`]: one file per table family, plain functions over a
//!   `&Connection`.

pub mod dedup;
pub mod dlq;
pub mod flow_control;
pub mod keys;
pub mod logs;
pub mod messages;
pub mod queues;
pub mod schedules;
pub mod schema;
pub mod url_groups;

use crate::config::{Config, Synchronous};
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc, Mutex};
use tokio::sync::oneshot;

/// A storage failure (I/O, corruption, a bug in SQL). Never the client's fault.
#[derive(Debug)]
pub struct StoreError(pub String);

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "storage error: {}", self.0)
    }
}

impl std::error::Error for StoreError {}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError(e.to_string())
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        StoreError(format!("bad stored JSON: {e}"))
    }
}

/// Result of store operations.
pub type StoreResult<T> = Result<T, StoreError>;

/// A write job: runs on the writer thread inside the group transaction and returns the closure
/// that answers the caller once the COMMIT outcome is known.
type Job = Box<dyn FnOnce(&Connection) -> Box<dyn FnOnce(StoreResult<()>) + Send> + Send>;

/// Most writes grouped into one transaction. Bounded so one commit never holds a huge
/// transaction (and its callers) for long.
const MAX_GROUP: usize = 512;

/// Read connections kept open.
const READ_POOL: usize = 4;

/// Handle to the database. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    /// Sends jobs to the writer thread. `std` mpsc: the receiver is a plain thread that blocks.
    writer: mpsc::Sender<Job>,
    /// Idle read connections.
    readers: Arc<Mutex<Vec<Connection>>>,
    /// For opening more read connections.
    path: Arc<PathBuf>,
    /// An exclusive lock on `<db>.lock`, held while any clone lives: two servers delivering
    /// from one database would deliver everything twice. The OS drops it if we are killed.
    _lock: Arc<std::fs::File>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").field("path", &self.path).finish()
    }
}

fn open(path: &Path, sync: Synchronous) -> StoreResult<Connection> {
    let conn = Connection::open(path)?;
    // WAL: readers never block the writer and a commit is an append to the log (no rewrite of
    // the main file), which is what makes small durable transactions cheap.
    conn.pragma_update(None, "journal_mode", "WAL")?;
    // FULL fsyncs the WAL on every commit (survives power loss); NORMAL only survives a process
    // crash. See `Synchronous`.
    let s = match sync {
        Synchronous::Full => "FULL",
        Synchronous::Normal => "NORMAL",
    };
    conn.pragma_update(None, "synchronous", s)?;
    // Readers may briefly wait for a checkpoint; never fail with SQLITE_BUSY for that.
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    // 16 MB page cache (negative = KiB): keeps the hot indexes (pending messages, logs by
    // user) in memory instead of re-reading pages on every group commit.
    conn.pragma_update(None, "cache_size", -16_000)?;
    // No foreign keys are declared: relations (logs → messages, dlq → messages) are kept by
    // the code that writes them in one transaction, and pruning deletes them by age.
    conn.pragma_update(None, "foreign_keys", "OFF")?;
    Ok(conn)
}

impl Store {
    /// Opens (creating if needed) the database at `config.db_path`, runs migrations and starts
    /// the writer thread. The thread ends when the last `Store` clone is dropped.
    pub fn open(config: &Config) -> StoreResult<Store> {
        if let Some(dir) = config.db_path.parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir)
                    .map_err(|e| StoreError(format!("create {}: {e}", dir.display())))?;
            }
        }
        let lock = lock_database(&config.db_path)?;
        let mut conn = open(&config.db_path, config.synchronous)?;
        schema::migrate(&mut conn)?;
        let (tx, rx) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("qstash-store-writer".into())
            .spawn(move || writer_loop(conn, rx))
            .map_err(|e| StoreError(format!("spawn writer: {e}")))?;
        Ok(Store {
            writer: tx,
            readers: Arc::new(Mutex::new(Vec::new())),
            path: Arc::new(config.db_path.clone()),
            _lock: Arc::new(lock),
        })
    }

    /// Runs `f` in a write transaction (grouped with concurrent writes) and returns its result
    /// after the COMMIT succeeded. If `f` fails, only its own changes are rolled back.
    pub async fn write<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    {
        let (tx, rx) = oneshot::channel();
        self.write_detached(f, move |r| {
            let _ = tx.send(r);
        })?;
        rx.await
            .map_err(|_| StoreError("writer thread stopped".into()))?
    }

    /// Queues a write without waiting; `done` gets the outcome after COMMIT. Used for log lines
    /// whose durability nobody waits for (the ACTIVE event of an attempt).
    pub fn write_detached<T, F, D>(&self, f: F, done: D) -> StoreResult<()>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
        D: FnOnce(StoreResult<T>) + Send + 'static,
    {
        let job: Job = Box::new(move |conn: &Connection| {
            let r = run_in_savepoint(conn, f);
            Box::new(move |commit: StoreResult<()>| match commit {
                Ok(()) => done(r),
                Err(e) => done(Err(e)),
            })
        });
        self.writer
            .send(job)
            .map_err(|_| StoreError("writer thread stopped".into()))
    }

    /// Runs `f` on a read connection (on the blocking pool). Sees every committed write.
    pub async fn read<T, F>(&self, f: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> StoreResult<T> + Send + 'static,
    {
        let readers = self.readers.clone();
        let path = self.path.clone();
        tokio::task::spawn_blocking(move || {
            let conn = readers.lock().map_err(|_| poisoned())?.pop();
            let conn = match conn {
                Some(c) => c,
                None => {
                    let c = Connection::open(&*path)?;
                    c.busy_timeout(std::time::Duration::from_secs(10))?;
                    c
                }
            };
            let r = f(&conn);
            let mut pool = readers.lock().map_err(|_| poisoned())?;
            if pool.len() < READ_POOL {
                pool.push(conn);
            }
            r
        })
        .await
        .map_err(|e| StoreError(format!("read task: {e}")))?
    }
}

/// Takes the exclusive lock next to the database, waiting up to 5 s for a previous owner in
/// this process (a restart in tests) or a stopping server to let go.
fn lock_database(db: &Path) -> StoreResult<std::fs::File> {
    let mut name = db.as_os_str().to_owned();
    name.push(".lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&name)
        .map_err(|e| StoreError(format!("open {}: {e}", Path::new(&name).display())))?;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(file),
            Err(std::fs::TryLockError::WouldBlock) if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(StoreError(format!(
                    "{} is in use by another qstash-dev (lock {})",
                    db.display(),
                    Path::new(&name).display()
                )))
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(StoreError(format!(
                    "lock {}: {e}",
                    Path::new(&name).display()
                )))
            }
        }
    }
}

fn poisoned() -> StoreError {
    StoreError("read pool lock poisoned".into())
}

fn run_in_savepoint<T>(
    conn: &Connection,
    f: impl FnOnce(&Connection) -> StoreResult<T>,
) -> StoreResult<T> {
    conn.execute_batch("SAVEPOINT job")?;
    match f(conn) {
        Ok(v) => {
            conn.execute_batch("RELEASE job")?;
            Ok(v)
        }
        Err(e) => {
            conn.execute_batch("ROLLBACK TO job; RELEASE job")?;
            Err(e)
        }
    }
}

fn writer_loop(conn: Connection, rx: mpsc::Receiver<Job>) {
    while let Ok(first) = rx.recv() {
        let mut jobs = vec![first];
        while jobs.len() < MAX_GROUP {
            match rx.try_recv() {
                Ok(j) => jobs.push(j),
                Err(_) => break,
            }
        }
        // IMMEDIATE: take the write lock up front (we are the only writer, so it never waits).
        if let Err(e) = conn.execute_batch("BEGIN IMMEDIATE") {
            let msg = e.to_string();
            for job in jobs {
                // The job never ran; answer with the error through a dry closure.
                drop(job);
                tracing::error!("begin failed: {msg}");
            }
            continue;
        }
        let dones: Vec<_> = jobs.into_iter().map(|job| job(&conn)).collect();
        let commit = conn.execute_batch("COMMIT").map_err(StoreError::from);
        if commit.is_err() {
            let _ = conn.execute_batch("ROLLBACK");
        }
        for done in dones {
            done(match &commit {
                Ok(()) => Ok(()),
                Err(e) => Err(StoreError(e.0.clone())),
            });
        }
    }
}

/// JSON helper: serialize for a TEXT column.
pub(crate) fn to_json<T: serde::Serialize>(v: &T) -> StoreResult<String> {
    Ok(serde_json::to_string(v)?)
}

/// JSON helper: parse a TEXT column.
pub(crate) fn from_json<T: serde::de::DeserializeOwned>(s: &str) -> StoreResult<T> {
    Ok(serde_json::from_str(s)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_config(tag: &str) -> Config {
        let dir = std::env::temp_dir().join(format!(
            "qstash-store-{tag}-{}-{}",
            std::process::id(),
            crate::app::random_id("", 8)
        ));
        let mut c = Config::new(dir.join("q.db"));
        c.synchronous = Synchronous::Normal;
        c
    }

    fn count(c: &Connection) -> StoreResult<i64> {
        Ok(c.query_row("SELECT count(*) FROM queues", [], |r| r.get(0))?)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_failing_write_rolls_back_alone_within_a_group() {
        let config = temp_config("group");
        let store = Store::open(&config).expect("open");
        let insert = |name: &'static str, fail: bool| {
            let store = store.clone();
            tokio::spawn(async move {
                store
                    .write(move |c| {
                        c.execute("INSERT INTO queues VALUES (1, ?1, 1, 0, 0, 0)", [name])?;
                        if fail {
                            return Err(StoreError("boom".into()));
                        }
                        Ok(())
                    })
                    .await
            })
        };
        // Enqueued together, so they very likely share one transaction.
        let handles = vec![insert("a", false), insert("b", true), insert("c", false)];
        let mut results = Vec::new();
        for h in handles {
            results.push(h.await.expect("join").is_ok());
        }
        assert_eq!(results, [true, false, true]);
        assert_eq!(store.read(count).await.expect("count"), 2);
        let names: Vec<String> = store
            .read(|c| {
                let mut st = c.prepare("SELECT name FROM queues ORDER BY name")?;
                let v = st
                    .query_map([], |r| r.get::<_, String>(0))?
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(v)
            })
            .await
            .expect("names");
        assert_eq!(names, ["a", "c"]);
        if let Some(d) = config.db_path.parent() {
            let _ = std::fs::remove_dir_all(d);
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn migrations_are_idempotent_and_keys_survive_reopen() {
        let config = temp_config("migrate");
        let store = Store::open(&config).expect("open");
        let k = store
            .write(|c| keys::rotate(c, 1, "sig_new"))
            .await
            .expect("rotate");
        assert_eq!(k.next, "sig_new");
        drop(store);
        let store = Store::open(&config).expect("reopen");
        let k2 = store.read(|c| keys::get(c, 1)).await.expect("get");
        assert_eq!(k2, Some(k));
        if let Some(d) = config.db_path.parent() {
            let _ = std::fs::remove_dir_all(d);
        }
    }
}
