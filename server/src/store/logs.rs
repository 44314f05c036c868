//! The `logs` table: one row per lifecycle event, joined with `messages` on read.

use super::messages::{host_path, StoredMessage};
use super::{from_json, to_json, StoreError, StoreResult};
use crate::model::{HeaderMap, LogEntry, LogFilter, LogState, Order, Page, UserId};
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, CachedStatement, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

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

/// The stored state names a `state` filter selects (`IN_PROGRESS` is ACTIVE, RETRY and
/// ERROR; names are matched as [`LogState::parse`] matches them). `None`: no state filter.
fn state_names(states: &[String]) -> Option<Vec<&'static str>> {
    if states.is_empty() {
        return None;
    }
    let mut names = Vec::new();
    for f in states {
        if f.eq_ignore_ascii_case("IN_PROGRESS") {
            names
                .extend([LogState::Active, LogState::Retry, LogState::Error].map(LogState::as_str));
        } else if let Some(s) = LogState::parse(f) {
            names.push(s.as_str());
        }
    }
    names.sort_unstable();
    names.dedup();
    Some(names)
}

/// What the filters on a message's description read from its JSON (`messages.data`),
/// borrowed from the row: a filtered listing tests many messages it does not return, and
/// parsing each one's whole [`StoredMessage`] (headers, callbacks, …) was most of its time.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Matchable<'a> {
    #[serde(borrow)]
    url: Cow<'a, str>,
    #[serde(borrow, default)]
    topic_name: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    schedule_id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    labels: Vec<Cow<'a, str>>,
    #[serde(borrow, default)]
    caller_ip: Option<Cow<'a, str>>,
}

/// Whether `v` is one of `list` (an empty list allows anything, a missing value nothing).
fn any(list: &[String], v: Option<&str>) -> bool {
    list.is_empty() || v.is_some_and(|v| list.iter().any(|x| x == v))
}

/// The filters that test a message rather than the event or DLQ entry that refers to it,
/// shared by the log and DLQ listings. `queue` and `fc_key` are columns of `messages`; the
/// others are in its JSON.
#[derive(Debug, Default)]
pub(super) struct MessageCriteria<'f> {
    pub(super) queues: &'f [String],
    pub(super) fc_keys: &'f [String],
    pub(super) urls: &'f [String],
    pub(super) topic_names: &'f [String],
    pub(super) schedule_ids: &'f [String],
    pub(super) hosts: &'f [String],
    pub(super) paths: &'f [String],
    pub(super) labels: &'f [String],
    pub(super) caller_ips: &'f [String],
}

/// A URL's host and path (see [`host_path`]).
type HostPath = (Option<String>, Option<String>);

/// Decides [`MessageCriteria`] for a message from its columns and, only when a criterion
/// needs it, its JSON.
pub(super) struct MessageMatcher<'f> {
    c: MessageCriteria<'f>,
    /// Host and path of the URLs seen, for the `host` and `path` filters: parsing a URL
    /// costs more than the JSON around it, and many messages share a destination.
    host_paths: RefCell<HashMap<String, HostPath>>,
    /// For each string criterion that is set, its values as the JSON string tokens
    /// (`"value"`, quoted and escaped as `to_json` wrote them). A message whose JSON holds
    /// none of one criterion's tokens cannot match it, and a substring search is about ten
    /// times cheaper than parsing the JSON: most messages a selective filter meets are
    /// rejected without a parse.
    tokens: Vec<Vec<String>>,
}

impl<'f> MessageMatcher<'f> {
    pub(super) fn new(c: MessageCriteria<'f>) -> Self {
        let tokens = [
            c.urls,
            c.topic_names,
            c.schedule_ids,
            c.labels,
            c.caller_ips,
        ]
        .into_iter()
        .filter(|values| !values.is_empty())
        // Serializing a string cannot fail; an empty token would only disable the
        // shortcut, never change an answer.
        .map(|values| {
            values
                .iter()
                .map(|v| serde_json::to_string(v).unwrap_or_default())
                .collect()
        })
        .collect();
        MessageMatcher {
            c,
            tokens,
            host_paths: RefCell::new(HashMap::new()),
        }
    }

    /// Whether no criterion is set.
    pub(super) fn is_empty(&self) -> bool {
        self.c.queues.is_empty() && self.c.fc_keys.is_empty() && !self.needs_json()
    }

    /// Whether a criterion reads the message's JSON.
    pub(super) fn needs_json(&self) -> bool {
        let c = &self.c;
        !(c.urls.is_empty()
            && c.topic_names.is_empty()
            && c.schedule_ids.is_empty()
            && c.hosts.is_empty()
            && c.paths.is_empty()
            && c.labels.is_empty()
            && c.caller_ips.is_empty())
    }

    /// Whether the message with these `queue` and `fc_key` columns and JSON `data` matches
    /// (`data` is not read when [`Self::needs_json`] is false).
    pub(super) fn matches(
        &self,
        queue: Option<&str>,
        fc_key: Option<&str>,
        data: &str,
    ) -> StoreResult<bool> {
        let c = &self.c;
        if !any(c.queues, queue) || !any(c.fc_keys, fc_key) {
            return Ok(false);
        }
        if !self.needs_json() {
            return Ok(true);
        }
        if !self
            .tokens
            .iter()
            .all(|alternatives| alternatives.iter().any(|t| data.contains(t.as_str())))
        {
            return Ok(false);
        }
        let m: Matchable<'_> = serde_json::from_str(data)?;
        Ok(any(c.urls, Some(&m.url))
            && any(c.topic_names, m.topic_name.as_deref())
            && any(c.schedule_ids, m.schedule_id.as_deref())
            && (c.labels.is_empty() || m.labels.iter().any(|l| c.labels.iter().any(|f| f == l)))
            && any(c.caller_ips, m.caller_ip.as_deref())
            && self.host_path_matches(&m.url))
    }

    fn host_path_matches(&self, url: &str) -> bool {
        let c = &self.c;
        if c.hosts.is_empty() && c.paths.is_empty() {
            return true;
        }
        let mut memo = self.host_paths.borrow_mut();
        if memo.len() >= MAX_HOST_PATHS {
            memo.clear();
        }
        let (host, path) = memo
            .entry(url.to_string())
            .or_insert_with(|| host_path(url));
        any(c.hosts, host.as_deref()) && any(c.paths, path.as_deref())
    }
}

/// Column `i` of a row as text borrowed from it (`None` for NULL): no copy for the many
/// rows a scan only tests.
pub(super) fn text_or_null<'r>(r: &'r Row<'_>, i: usize) -> StoreResult<Option<&'r str>> {
    r.get_ref(i)?
        .as_str_or_null()
        .map_err(|e| StoreError(format!("column {i}: {e}")))
}

/// Like [`text_or_null`], for a NOT NULL column.
pub(super) fn text<'r>(r: &'r Row<'_>, i: usize) -> StoreResult<&'r str> {
    text_or_null(r, i)?.ok_or_else(|| StoreError(format!("column {i}: NULL")))
}

/// Appends ` AND {column} IN (?, …)` and its values.
pub(super) fn push_in(
    sql: &mut String,
    args: &mut Vec<Value>,
    column: &str,
    values: impl IntoIterator<Item = Value>,
) {
    let start = args.len();
    args.extend(values);
    let marks = vec!["?"; args.len() - start].join(", ");
    sql.push_str(&format!(" AND {column} IN ({marks})"));
}

/// Appends ` AND {condition} ?` with `value` bound, when there is a value.
pub(super) fn push_bound(
    sql: &mut String,
    args: &mut Vec<Value>,
    condition: &str,
    value: Option<i64>,
) {
    if let Some(v) = value {
        sql.push_str(&format!(" AND {condition} ?"));
        args.push(Value::Integer(v));
    }
}

// The limits below are tiny in unit tests, so that the tests comparing the listings with
// their straightforward reference (at the end of this file and of dlq.rs) take every path
// on a small database.

/// Most ids a filter binds as SQL parameters in one `IN` list; longer lists are tested in
/// Rust during the scan.
pub(super) const MAX_SQL_IDS: usize = if cfg!(test) { 4 } else { 100 };
/// URLs whose host and path a listing keeps (about 200 bytes each).
const MAX_HOST_PATHS: usize = if cfg!(test) { 3 } else { 10_000 };
/// Messages looked up one by one before a listing reads all of the user's messages once
/// instead. A lookup (about 3.5 µs on the benchmark machine) costs about three times what a
/// message costs in that sequential pass: 2,000 lookups cost what the pass costs for 6,000
/// messages. A page that fills within its first few thousand messages never pays for the
/// pass, and one that does not has spent at most about that much before it switches.
const LOOKUPS_BEFORE_SCAN: usize = if cfg!(test) { 8 } else { 2000 };
/// Matching messages kept in memory after that scan (about 80 bytes each); a filter that
/// matches more goes on with lookups, keeping at most this many verdicts.
const MAX_MATCHING: usize = if cfg!(test) { 40 } else { 200_000 };
/// A set of matching messages this small is listed through `logs_message` (their events
/// only) instead of walking every event of the user.
const FEW_MATCHING: usize = if cfg!(test) { 6 } else { 500 };

/// What is known about which messages match.
enum Known {
    /// Verdicts of the messages looked up so far; `scan` is whether the one-time scan of
    /// all messages may still replace them.
    Each {
        seen: HashMap<String, bool>,
        scan: bool,
    },
    /// Exactly the matching messages of the user.
    All(HashSet<String>),
}

/// Whether messages match the message criteria, each decided once per listing (a message
/// has several events).
struct Verdicts<'c, 'f> {
    conn: &'c Connection,
    user: UserId,
    matcher: MessageMatcher<'f>,
    lookup: CachedStatement<'c>,
    known: Known,
}

impl<'c, 'f> Verdicts<'c, 'f> {
    fn new(conn: &'c Connection, user: UserId, matcher: MessageMatcher<'f>) -> StoreResult<Self> {
        Ok(Verdicts {
            conn,
            user,
            matcher,
            lookup: conn
                .prepare_cached("SELECT queue, fc_key, data FROM messages WHERE id = ?1")?,
            known: Known::Each {
                seen: HashMap::new(),
                scan: true,
            },
        })
    }

    /// Whether message `id` exists and matches.
    fn check(&mut self, id: &str) -> StoreResult<bool> {
        if self.matcher.is_empty() {
            return Ok(true);
        }
        let (seen, scan) = match &mut self.known {
            Known::All(set) => return Ok(set.contains(id)),
            Known::Each { seen, scan } => (seen, scan),
        };
        if let Some(v) = seen.get(id) {
            return Ok(*v);
        }
        if *scan && seen.len() >= LOOKUPS_BEFORE_SCAN {
            *scan = false;
            if let Some(set) = matching_messages(self.conn, self.user, &self.matcher)? {
                let v = set.contains(id);
                self.known = Known::All(set);
                return Ok(v);
            }
        }
        if seen.len() >= MAX_MATCHING {
            seen.clear();
        }
        let mut rows = self.lookup.query([id])?;
        let v = match rows.next()? {
            Some(r) => {
                self.matcher
                    .matches(text_or_null(r, 0)?, text_or_null(r, 1)?, text(r, 2)?)?
            }
            None => false,
        };
        seen.insert(id.to_string(), v);
        Ok(v)
    }

    /// The matching messages, once the scan has found them all.
    fn all(&self) -> Option<&HashSet<String>> {
        match &self.known {
            Known::All(set) => Some(set),
            Known::Each { .. } => None,
        }
    }
}

/// The ids of `user`'s messages that match, from one sequential pass over the messages
/// (`None` when more than [`MAX_MATCHING`] do).
fn matching_messages(
    conn: &Connection,
    user: UserId,
    m: &MessageMatcher<'_>,
) -> StoreResult<Option<HashSet<String>>> {
    let json = m.needs_json();
    let mut sql = format!(
        "SELECT id, queue, fc_key{} FROM messages WHERE user_id = ?",
        if json { ", data" } else { "" }
    );
    let mut args = vec![Value::Integer(user as i64)];
    let value = |v: &String| Value::Text(v.clone());
    if !m.c.queues.is_empty() {
        push_in(&mut sql, &mut args, "queue", m.c.queues.iter().map(value));
    }
    if !m.c.fc_keys.is_empty() {
        push_in(&mut sql, &mut args, "fc_key", m.c.fc_keys.iter().map(value));
    }
    let mut st = conn.prepare(&sql)?;
    let mut rows = st.query(params_from_iter(args))?;
    let mut out = HashSet::new();
    while let Some(r) = rows.next()? {
        let data = if json { text(r, 3)? } else { "" };
        if m.matches(text_or_null(r, 1)?, text_or_null(r, 2)?, data)? {
            if out.len() == MAX_MATCHING {
                return Ok(None);
            }
            out.insert(text(r, 0)?.to_string());
        }
    }
    Ok(Some(out))
}

/// Keeps one read snapshot across a listing's statements (in autocommit mode a SAVEPOINT
/// opens a transaction): the scan of all messages and the walk over the events must see
/// the same messages.
struct Snapshot<'c>(&'c Connection);

impl<'c> Snapshot<'c> {
    fn begin(conn: &'c Connection) -> StoreResult<Self> {
        conn.execute_batch("SAVEPOINT listing")?;
        Ok(Snapshot(conn))
    }
}

impl Drop for Snapshot<'_> {
    fn drop(&mut self) {
        // Nothing was written: releasing only ends the read transaction.
        let _ = self.0.execute_batch("RELEASE listing");
    }
}

/// The page being filled, and what reading its entries needs.
struct PageBuilder<'c> {
    count: usize,
    items: Vec<LogEntry>,
    body_bytes: usize,
    event_data: CachedStatement<'c>,
    message: CachedStatement<'c>,
    /// The page's messages, read once each: a message's events often share a page.
    on_page: HashMap<String, Option<(StoredMessage, Vec<u8>)>>,
}

impl<'c> PageBuilder<'c> {
    fn new(conn: &'c Connection, count: usize) -> StoreResult<Self> {
        Ok(PageBuilder {
            count,
            items: Vec::new(),
            body_bytes: 0,
            event_data: conn.prepare_cached("SELECT data FROM logs WHERE id = ?1")?,
            message: conn.prepare_cached("SELECT data, body FROM messages WHERE id = ?1")?,
            on_page: HashMap::new(),
        })
    }

    /// Adds event `id`; returns whether the page is now full.
    fn push(&mut self, id: i64, time: i64, state: LogState, message_id: &str) -> StoreResult<bool> {
        if !self.on_page.contains_key(message_id) {
            let loaded = self
                .message
                .query_row([message_id], |r| {
                    Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?))
                })
                .optional()?
                .map(|(data, body)| from_json::<StoredMessage>(&data).map(|m| (m, body)))
                .transpose()?;
            self.on_page.insert(message_id.to_string(), loaded);
        }
        // An event whose message is gone (pruned) is not listed.
        let Some(Some((m, body))) = self.on_page.get(message_id) else {
            return Ok(false);
        };
        let extra: LogExtra = match self
            .event_data
            .query_row([id], |r| r.get::<_, Option<String>>(0))?
        {
            Some(s) => from_json(&s)?,
            None => LogExtra::default(),
        };
        self.body_bytes += body.len() + extra.response_body.as_ref().map_or(0, String::len);
        self.items.push(entry(time, state, extra, m, body));
        Ok(self.items.len() == self.count || self.body_bytes >= MAX_PAGE_BODY_BYTES)
    }

    fn finish(self, cursor: Option<i64>) -> Page<LogEntry> {
        Page {
            cursor: cursor.map(|c| c.to_string()),
            items: self.items,
        }
    }
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

/// The event filters of a listing, as SQL over `logs`.
struct EventQuery<'f> {
    user: UserId,
    desc: bool,
    states: Option<&'f [&'static str]>,
    from_date: Option<i64>,
    to_date: Option<i64>,
}

impl EventQuery<'_> {
    /// Events after `pos` in listing order; of the messages `ids` only, when given.
    fn sql(&self, pos: i64, ids: Option<&[String]>) -> (String, Vec<Value>) {
        let (cmp, dir) = if self.desc {
            ("<", "DESC")
        } else {
            (">", "ASC")
        };
        let mut args = Vec::new();
        // Both indexes hold every column read here, so no event row is visited.
        let mut sql = String::from("SELECT id, time_ms, state, message_id FROM logs");
        match ids {
            Some(ids) => {
                sql.push_str(" INDEXED BY logs_message WHERE 1");
                push_in(
                    &mut sql,
                    &mut args,
                    "message_id",
                    ids.iter().map(|id| Value::Text(id.clone())),
                );
            }
            None => sql.push_str(" INDEXED BY logs_scan WHERE 1"),
        }
        sql.push_str(&format!(" AND user_id = ? AND id {cmp} ?"));
        args.push(Value::Integer(self.user as i64));
        args.push(Value::Integer(pos));
        if let Some(states) = self.states {
            let states = states.iter().map(|s| Value::Text(s.to_string()));
            push_in(&mut sql, &mut args, "state", states);
        }
        push_bound(&mut sql, &mut args, "time_ms >=", self.from_date);
        push_bound(&mut sql, &mut args, "time_ms <=", self.to_date);
        sql.push_str(&format!(" ORDER BY id {dir}"));
        (sql, args)
    }
}

/// A filtered page of log entries: at most `count` entries and about
/// [`MAX_PAGE_BODY_BYTES`] of bodies. The cursor is the last returned row id.
///
/// The event filters (state, time, a short id list) are SQL over an index holding those
/// columns, so events they exclude cost an index entry each. The message filters are
/// decided once per message ([`Verdicts`]): by lookups at first, then by one pass over the
/// user's messages; when few messages match, only their events are read. Event data,
/// message description and body are read for the entries returned only.
pub fn list(conn: &Connection, user: UserId, f: &LogFilter) -> StoreResult<Page<LogEntry>> {
    let count = f.count.unwrap_or(DEFAULT_COUNT).clamp(1, MAX_COUNT);
    let cursor: Option<i64> = f.cursor.as_deref().and_then(|c| c.parse().ok());
    let desc = f.order == Order::LatestFirst;
    let states = state_names(&f.states);
    let query = EventQuery {
        user,
        desc,
        states: states.as_deref(),
        from_date: f.from_date,
        to_date: f.to_date,
    };
    // A short id list is SQL (through `logs_message`); a long one is tested in Rust.
    let long_ids: Option<HashSet<&str>> = (f.message_ids.len() > MAX_SQL_IDS)
        .then(|| f.message_ids.iter().map(String::as_str).collect());
    let mut ids: Option<Vec<String>> =
        (!f.message_ids.is_empty() && long_ids.is_none()).then(|| f.message_ids.clone());
    let _snapshot = Snapshot::begin(conn)?;
    let mut verdicts = Verdicts::new(
        conn,
        user,
        MessageMatcher::new(MessageCriteria {
            queues: &f.queue_names,
            fc_keys: &f.flow_control_keys,
            urls: &f.urls,
            topic_names: &f.topic_names,
            schedule_ids: &f.schedule_ids,
            hosts: &f.hosts,
            paths: &f.paths,
            labels: &f.labels,
            caller_ips: &f.caller_ips,
        }),
    )?;
    let mut page = PageBuilder::new(conn, count)?;
    let mut pos = cursor.unwrap_or(if desc { i64::MAX } else { 0 });
    loop {
        if states.as_ref().is_some_and(Vec::is_empty) || ids.as_ref().is_some_and(Vec::is_empty) {
            return Ok(page.finish(None));
        }
        let (sql, args) = query.sql(pos, ids.as_deref());
        let mut st = conn.prepare(&sql)?;
        let mut rows = st.query(params_from_iter(args))?;
        let mut narrowed = false;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            pos = id;
            let Some(state) = LogState::parse(text(r, 2)?) else {
                continue;
            };
            let message_id = text(r, 3)?;
            if long_ids.as_ref().is_some_and(|l| !l.contains(message_id)) {
                continue;
            }
            let scanned = verdicts.all().is_some();
            if verdicts.check(message_id)? && page.push(id, r.get(1)?, state, message_id)? {
                return Ok(page.finish(Some(id)));
            }
            // The pass over all messages just ran: if few match, go on with their events.
            if !scanned && ids.is_none() {
                if let Some(all) = verdicts.all().filter(|a| a.len() <= FEW_MATCHING) {
                    ids = Some(all.iter().cloned().collect());
                    narrowed = true;
                    break;
                }
            }
        }
        if !narrowed {
            return Ok(page.finish(None));
        }
    }
}

/// Deletes events older than `before_ms`.
pub fn prune(conn: &Connection, before_ms: i64) -> StoreResult<usize> {
    Ok(conn.execute("DELETE FROM logs WHERE time_ms < ?1", [before_ms])?)
}

#[cfg(test)]
pub(crate) mod tests {
    //! The listing against its straightforward reference: random databases (interleaved
    //! events, missing messages, a second user, bodies past the page limit, values that JSON
    //! escapes) and random filters, paged through with both; every page must be equal.

    use super::*;
    use crate::model::{FlowControl, Redact};
    use crate::store::{messages, schema};
    use rand::rngs::StdRng;
    use rand::seq::SliceRandom;
    use rand::{Rng, SeedableRng};

    pub(crate) const URLS: &[&str] = &[
        "http://a.test/x",
        "http://a.test/y",
        "https://b.test:8443/x",
        "HTTP://A.Test/x?q=1",
        "http://c.test/p%20q",
        "http://127.0.0.1:3000/",
    ];
    pub(crate) const TOPICS: &[&str] = &["t1", "t2", "t\"3"];
    pub(crate) const SCHEDULES: &[&str] = &["scd_1", "scd_2"];
    pub(crate) const QUEUES: &[&str] = &["q1", "q2", "q3"];
    pub(crate) const FC_KEYS: &[&str] = &["k1", "k2"];
    pub(crate) const LABELS: &[&str] = &["l1", "l2", "ü", "a\"b\\c", "rare"];
    pub(crate) const IPS: &[&str] = &["127.0.0.1", "::1"];
    pub(crate) const HOSTS: &[&str] = &["a.test", "b.test:8443", "127.0.0.1:3000"];
    pub(crate) const PATHS: &[&str] = &["/x", "/y", "/p%20q", "/"];
    pub(crate) const BASE_MS: i64 = 1_700_000_000_000;

    fn maybe(rng: &mut StdRng, pool: &[&str], p: f64) -> Option<String> {
        rng.gen_bool(p)
            .then(|| pool.choose(rng).map(|s| s.to_string()))
            .flatten()
    }

    /// 0–2 values from `pool`, sometimes one that matches nothing.
    pub(crate) fn some_of(rng: &mut StdRng, pool: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = (0..rng.gen_range(0..=2))
            .filter_map(|_| pool.choose(rng).map(|s| s.to_string()))
            .collect();
        if rng.gen_bool(0.1) {
            v.push("nothing-has-this".into());
        }
        v
    }

    /// A filter field set with probability `p` (0.25 for most), else empty.
    pub(crate) fn often(rng: &mut StdRng, p: f64, pool: &[&str]) -> Vec<String> {
        if rng.gen_bool(p) {
            some_of(rng, pool)
        } else {
            Vec::new()
        }
    }

    /// A short random body, or with probability `big` one of 3 MiB.
    pub(crate) fn body(rng: &mut StdRng, big: f64) -> Vec<u8> {
        let n = if rng.gen_bool(big) {
            3 * 1024 * 1024 + rng.gen_range(0..1000)
        } else {
            rng.gen_range(0..40)
        };
        (0..n).map(|_| rng.gen()).collect()
    }

    /// A database of `n` messages (users 1 and 2) with their events in random order, some
    /// events of messages that are gone, and a DLQ entry for about a third of the messages;
    /// bodies and response bodies are 2–3 MiB with probability `big`.
    pub(crate) fn random_db(seed: u64, n: usize, big: f64) -> Connection {
        let mut rng = StdRng::seed_from_u64(seed);
        let mut c = Connection::open_in_memory().expect("open");
        schema::migrate(&mut c).expect("migrate");
        let mut events = Vec::new();
        for i in 0..n {
            let user: UserId = if rng.gen_bool(0.85) { 1 } else { 2 };
            let created = BASE_MS + rng.gen_range(0..100_000);
            let mut labels = Vec::new();
            for l in LABELS {
                if rng.gen_bool(if *l == "rare" { 0.02 } else { 0.2 }) {
                    labels.push(l.to_string());
                }
            }
            let m = StoredMessage {
                id: format!("msg_{seed}_{i}"),
                user,
                url: URLS
                    .choose(&mut rng)
                    .map_or_else(String::new, |u| u.to_string()),
                topic_name: maybe(&mut rng, TOPICS, 0.4),
                endpoint_name: maybe(&mut rng, &["e1"], 0.2),
                method: "POST".into(),
                headers: HeaderMap::from([("X-A".to_string(), vec![format!("v{i}")])]),
                content_type: maybe(&mut rng, &["text/plain"], 0.5),
                max_retries: 3,
                timeout_ms: 1000,
                not_before_ms: created,
                created_ms: created,
                labels,
                redact: Redact {
                    body: rng.gen_bool(0.1),
                    ..Redact::default()
                },
                queue: maybe(&mut rng, QUEUES, 0.5),
                flow_control: maybe(&mut rng, FC_KEYS, 0.3).map(|key| FlowControl {
                    key,
                    parallelism: Some(1),
                    rate: None,
                    period_secs: 1,
                }),
                caller_ip: maybe(&mut rng, IPS, 0.8),
                schedule_id: maybe(&mut rng, SCHEDULES, 0.3),
                ..Default::default()
            };
            let gone = rng.gen_bool(0.03);
            if !gone {
                messages::insert(&c, &m, &body(&mut rng, big), created).expect("insert");
            }
            for _ in 0..rng.gen_range(1..6) {
                events.push((user, m.id.clone(), created + rng.gen_range(0..5000)));
            }
            if !gone && rng.gen_bool(0.35) {
                let resp = super::super::dlq::LastResponse {
                    status: *[0u16, 404, 500, 503].choose(&mut rng).unwrap_or(&500),
                    headers: HeaderMap::from([("X-R".to_string(), vec!["1".to_string()])]),
                    body: body(&mut rng, big),
                };
                let t = created + rng.gen_range(0..5000);
                super::super::dlq::insert(&c, user, &format!("dlq_{seed}_{i}"), &m.id, t, &resp)
                    .expect("dlq");
            }
        }
        events.shuffle(&mut rng);
        let states = [
            LogState::Created,
            LogState::Active,
            LogState::Delivered,
            LogState::Error,
            LogState::Retry,
            LogState::Failed,
            LogState::CancelRequested,
            LogState::Cancelled,
        ];
        for (user, id, t) in events {
            let state = *states.choose(&mut rng).unwrap_or(&LogState::Created);
            let extra = rng.gen_bool(0.3).then(|| LogExtra {
                error: Some("boom".into()),
                response_status: Some(500),
                response_body: Some(if rng.gen_bool(big) {
                    "r".repeat(2 * 1024 * 1024)
                } else {
                    "resp".into()
                }),
                ..LogExtra::default()
            });
            insert(&c, user, &id, t, state, extra.as_ref()).expect("event");
        }
        c
    }

    fn random_filter(rng: &mut StdRng, seed: u64, n: usize) -> LogFilter {
        let ids: Vec<String> = (0..n).map(|i| format!("msg_{seed}_{i}")).collect();
        let id_refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        let message_ids = match rng.gen_range(0..10) {
            0 => some_of(rng, &id_refs),
            // Past MAX_SQL_IDS: tested in Rust during the scan.
            1 => id_refs
                .choose_multiple(rng, 12)
                .map(|s| s.to_string())
                .collect(),
            _ => Vec::new(),
        };
        let states = if rng.gen_bool(0.3) {
            some_of(
                rng,
                &[
                    "CREATED",
                    "IN_PROGRESS",
                    "in_progress",
                    "canceled",
                    "FAILED",
                    "RETRY",
                    "bogus",
                ],
            )
        } else {
            Vec::new()
        };
        let date = |rng: &mut StdRng| {
            rng.gen_bool(0.15)
                .then(|| BASE_MS + rng.gen_range(-1000..110_000))
        };
        LogFilter {
            cursor: None,
            message_ids,
            states,
            urls: often(rng, 0.2, URLS),
            topic_names: often(rng, 0.2, TOPICS),
            schedule_ids: often(rng, 0.15, SCHEDULES),
            queue_names: often(rng, 0.2, QUEUES),
            hosts: often(rng, 0.15, HOSTS),
            paths: often(rng, 0.1, PATHS),
            labels: often(rng, 0.3, LABELS),
            caller_ips: often(rng, 0.1, IPS),
            flow_control_keys: often(rng, 0.15, FC_KEYS),
            from_date: date(rng),
            to_date: date(rng),
            count: if rng.gen_bool(0.3) {
                None
            } else {
                Some(rng.gen_range(1..=60))
            },
            order: if rng.gen_bool(0.5) {
                Order::LatestFirst
            } else {
                Order::EarliestFirst
            },
        }
    }

    #[test]
    fn every_page_equals_the_reference_listing() {
        let mut checked = 0;
        for seed in 0..3u64 {
            let n = 250;
            let c = random_db(seed, n, 0.004);
            let mut rng = StdRng::seed_from_u64(1000 + seed);
            for case in 0..60 {
                let mut f = random_filter(&mut rng, seed, n);
                let user = if rng.gen_bool(0.9) { 1 } else { 2 };
                for page in 0..6 {
                    let got = list(&c, user, &f).expect("list");
                    let want = reference_list(&c, user, &f).expect("reference");
                    assert_eq!(
                        got, want,
                        "seed {seed}, case {case}, page {page}, user {user}, filter {f:?}"
                    );
                    checked += got.items.len();
                    match got.cursor {
                        Some(cur) => f.cursor = Some(cur),
                        None => break,
                    }
                }
            }
        }
        // The filters are not all so selective that nothing is compared.
        assert!(checked > 2000, "only {checked} entries compared");
    }

    #[test]
    fn a_page_ends_at_the_body_limit_with_at_least_one_entry() {
        let c = random_db(7, 250, 0.03);
        let f = LogFilter {
            count: Some(MAX_COUNT),
            ..LogFilter::default()
        };
        let mut f = f;
        let mut sizes = Vec::new();
        loop {
            let p = list(&c, 1, &f).expect("list");
            assert_eq!(p, reference_list(&c, 1, &f).expect("reference"));
            assert!(!p.items.is_empty() || p.cursor.is_none());
            sizes.push(p.items.len());
            match p.cursor {
                Some(cur) => f.cursor = Some(cur),
                None => break,
            }
        }
        // The 3 MiB bodies end pages early (a page of a single entry included).
        assert!(
            sizes.len() > 2 && sizes.iter().any(|n| *n < MAX_COUNT),
            "{sizes:?}"
        );
    }

    #[test]
    fn state_filters_name_the_stored_states() {
        let names = |v: &[&str]| state_names(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(names(&[]), None);
        assert_eq!(
            names(&["in_progress"]),
            Some(vec!["ACTIVE", "ERROR", "RETRY"])
        );
        assert_eq!(names(&["canceled", "CANCELLED"]), Some(vec!["CANCELLED"]));
        assert_eq!(names(&["nope"]), Some(vec![]));
    }

    #[test]
    fn the_scan_reads_an_index_only() {
        let c = random_db(1, 10, 0.0);
        let query = EventQuery {
            user: 1,
            desc: true,
            states: Some(&["ACTIVE"]),
            from_date: Some(1),
            to_date: Some(2),
        };
        let plan = |sql: &str, args: Vec<Value>| -> String {
            let mut st = c
                .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
                .expect("plan");
            let rows = st
                .query_map(params_from_iter(args), |r| r.get::<_, String>(3))
                .expect("rows");
            rows.map(|r| r.expect("row")).collect::<Vec<_>>().join("; ")
        };
        let (sql, args) = query.sql(5, None);
        assert!(plan(&sql, args).contains("COVERING INDEX logs_scan"));
        let (sql, args) = query.sql(5, Some(&["a".to_string(), "b".to_string()]));
        assert!(plan(&sql, args).contains("INDEX logs_message"));
    }

    fn reference_state_matches(states: &[String], s: LogState) -> bool {
        states.is_empty()
            || states.iter().any(|f| {
                if f.eq_ignore_ascii_case("IN_PROGRESS") {
                    matches!(s, LogState::Active | LogState::Retry | LogState::Error)
                } else {
                    LogState::parse(f) == Some(s)
                }
            })
    }

    fn reference_matches(f: &LogFilter, state: LogState, time: i64, m: &StoredMessage) -> bool {
        fn any(list: &[String], v: Option<&str>) -> bool {
            list.is_empty() || v.is_some_and(|v| list.iter().any(|x| x == v))
        }
        let (host, path) = if f.hosts.is_empty() && f.paths.is_empty() {
            (None, None)
        } else {
            host_path(&m.url)
        };
        reference_state_matches(&f.states, state)
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

    /// [`list`] as it was before the listing indexes (git 8fb9fc2): every event of the user
    /// read with its message and body, and filtered in Rust.
    fn reference_list(
        conn: &Connection,
        user: UserId,
        f: &LogFilter,
    ) -> StoreResult<Page<LogEntry>> {
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
                if !reference_matches(f, state, time, &m) {
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
}
