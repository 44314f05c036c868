//! The dead-letter queue.

use super::logs::{push_bound, push_in, text, MessageCriteria, MessageMatcher, MAX_SQL_IDS};
use super::messages::StoredMessage;
use super::{from_json, to_json, StoreResult};
use crate::model::{DlqFilter, DlqMessage, HeaderMap, Order, Page, UserId};
use base64::Engine as _;
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension};
use std::collections::HashSet;

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

/// The entry matching `condition` (a `WHERE` clause over `d`), if any.
fn one(
    conn: &Connection,
    condition: &str,
    args: impl rusqlite::Params,
) -> StoreResult<Option<DlqRow>> {
    let mut st = conn.prepare_cached(&format!("{SELECT} WHERE {condition}"))?;
    let mut rows = st.query(args)?;
    rows.next()?.map(read_row).transpose()
}

/// One entry.
pub fn get(conn: &Connection, user: UserId, dlq_id: &str) -> StoreResult<Option<DlqRow>> {
    one(
        conn,
        "d.user_id = ?1 AND d.dlq_id = ?2",
        params![user as i64, dlq_id],
    )
}

/// The entry at position `seq` (one a listing or [`find`] found), if it is still there.
pub fn get_at(conn: &Connection, user: UserId, seq: i64) -> StoreResult<Option<DlqRow>> {
    one(
        conn,
        "d.seq = ?1 AND d.user_id = ?2",
        params![seq, user as i64],
    )
}

/// Default and max page size.
pub const MAX_COUNT: usize = 100;

/// A listing page also ends (with a cursor) once its entries carry this many body bytes
/// (message plus response bodies), as log pages do ([`super::logs::MAX_PAGE_BODY_BYTES`]):
/// 100 entries of 10 MiB messages would otherwise make a response of over a GiB.
pub const MAX_PAGE_BODY_BYTES: usize = super::logs::MAX_PAGE_BODY_BYTES;

/// A filtered page of at most `limit` entries, which also ends once its entries carry
/// `max_body_bytes` of bodies; it always holds at least one entry. The matching is a [`Scan`] that reads no body: an
/// entry's bodies and response headers are read only when it joins the page.
pub fn list_within(
    conn: &Connection,
    user: UserId,
    f: &DlqFilter,
    limit: usize,
    max_body_bytes: usize,
) -> StoreResult<Page<DlqRow>> {
    let mut items: Vec<DlqRow> = Vec::new();
    let mut body_bytes = 0;
    let more = Scan::new(user, f).run(conn, |seq| {
        if items.len() == limit || body_bytes >= max_body_bytes {
            return Ok(false);
        }
        if let Some(row) = get_at(conn, user, seq)? {
            body_bytes += row.body.len() + row.resp.body.len();
            items.push(row);
        }
        Ok(true)
    })?;
    Ok(Page {
        cursor: match items.last() {
            Some(last) if more => Some(last.seq.to_string()),
            _ => None,
        },
        items,
    })
}

/// The positions of the first `limit` entries that [`list_within`] would return for `f` (from its
/// cursor, in its order), for a bulk delete. Only positions and ids are read, never bodies.
pub fn find(conn: &Connection, user: UserId, f: &DlqFilter, limit: usize) -> StoreResult<Found> {
    let mut seqs: Vec<i64> = Vec::new();
    let more = Scan::new(user, f).run(conn, |seq| {
        if seqs.len() == limit {
            return Ok(false);
        }
        seqs.push(seq);
        Ok(true)
    })?;
    Ok(Found { seqs, more })
}

/// What [`find`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// Positions, in the filter's order.
    pub seqs: Vec<i64>,
    /// Whether more entries match after the last one.
    pub more: bool,
}

impl Found {
    /// The cursor a listing of the same entries hands out: the last one's position, when
    /// more match.
    pub fn cursor(&self) -> Option<String> {
        self.seqs
            .last()
            .filter(|_| self.more)
            .map(|last| last.to_string())
    }
}

/// The position of `user`'s newest entry, if any.
pub fn last_seq(conn: &Connection, user: UserId) -> StoreResult<Option<i64>> {
    Ok(conn.query_row(
        "SELECT max(seq) FROM dlq WHERE user_id = ?1",
        params![user as i64],
        |r| r.get(0),
    )?)
}

/// Deletes `user`'s entries at positions `seqs` (from [`find`]); returns how many there
/// still were. A position is never reused, so one found earlier names the same entry or
/// none.
pub fn delete_at(conn: &Connection, user: UserId, seqs: &[i64]) -> StoreResult<u64> {
    let mut del = conn.prepare_cached("DELETE FROM dlq WHERE seq = ?1 AND user_id = ?2")?;
    let mut deleted = 0;
    for seq in seqs {
        deleted += del.execute(params![seq, user as i64])? as u64;
    }
    Ok(deleted)
}

/// The entries of a user that match a filter, from its cursor, in its order.
///
/// The entry filters are SQL over the `dlq_scan` index (or, for a short id list, the id's
/// own index) and the message's `queue` and `fc_key` columns; the filters on the message's
/// JSON read only the fields they test (see [`MessageMatcher`]). Bodies and response
/// headers are never read here.
struct Scan<'f> {
    user: UserId,
    f: &'f DlqFilter,
    matcher: MessageMatcher<'f>,
    /// Id lists too long to bind as SQL parameters, tested in Rust.
    long_dlq_ids: Option<HashSet<&'f str>>,
    long_message_ids: Option<HashSet<&'f str>>,
}

impl<'f> Scan<'f> {
    fn new(user: UserId, f: &'f DlqFilter) -> Self {
        let long = |ids: &'f [String]| {
            (ids.len() > MAX_SQL_IDS).then(|| ids.iter().map(String::as_str).collect())
        };
        Scan {
            user,
            f,
            matcher: MessageMatcher::new(MessageCriteria {
                urls: &f.urls,
                topic_names: &f.topic_names,
                schedule_ids: &f.schedule_ids,
                labels: &f.labels,
                caller_ips: &f.caller_ips,
                ..MessageCriteria::default()
            }),
            long_dlq_ids: long(&f.dlq_ids),
            long_message_ids: long(&f.message_ids),
        }
    }

    fn sql(&self) -> (String, Vec<Value>) {
        let f = self.f;
        let desc = f.order == Order::LatestFirst;
        let (cmp, dir) = if desc { ("<", "DESC") } else { (">", "ASC") };
        let cursor: Option<i64> = f.cursor.as_deref().and_then(|c| c.parse().ok());
        let value = |v: &String| Value::Text(v.clone());
        let short_dlq_ids = !f.dlq_ids.is_empty() && self.long_dlq_ids.is_none();
        let short_message_ids = !f.message_ids.is_empty() && self.long_message_ids.is_none();
        // With a short id list, `+` keeps SQLite off `dlq_scan` (which would walk every entry
        // of the user): it finds the few entries through the id's own index and sorts them.
        let by_id = if short_dlq_ids || short_message_ids {
            "+"
        } else {
            ""
        };
        // Every entry is joined with its message, as a listing shows it: an entry whose
        // message is gone is neither listed nor deleted.
        let mut sql = format!(
            "SELECT d.seq, d.dlq_id, d.message_id{} FROM dlq d \
             JOIN messages m ON m.id = d.message_id \
             WHERE {by_id}d.user_id = ? AND {by_id}d.seq {cmp} ?",
            if self.matcher.needs_json() {
                ", m.data"
            } else {
                ""
            }
        );
        let mut args = vec![
            Value::Integer(self.user as i64),
            Value::Integer(cursor.unwrap_or(if desc { i64::MAX } else { 0 })),
        ];
        if short_dlq_ids {
            push_in(&mut sql, &mut args, "d.dlq_id", f.dlq_ids.iter().map(value));
        }
        if short_message_ids {
            let ids = f.message_ids.iter().map(value);
            push_in(&mut sql, &mut args, "d.message_id", ids);
        }
        if !f.response_statuses.is_empty() {
            let statuses = f
                .response_statuses
                .iter()
                .map(|s| Value::Integer(*s as i64));
            push_in(&mut sql, &mut args, "d.response_status", statuses);
        }
        push_bound(&mut sql, &mut args, "d.seq <=", f.up_to_seq);
        push_bound(&mut sql, &mut args, "d.time_ms >=", f.from_date);
        push_bound(&mut sql, &mut args, "d.time_ms <=", f.to_date);
        if !f.queue_names.is_empty() {
            push_in(
                &mut sql,
                &mut args,
                "m.queue",
                f.queue_names.iter().map(value),
            );
        }
        if !f.flow_control_keys.is_empty() {
            let keys = f.flow_control_keys.iter().map(value);
            push_in(&mut sql, &mut args, "m.fc_key", keys);
        }
        sql.push_str(&format!(" ORDER BY d.seq {dir}"));
        (sql, args)
    }

    /// Calls `visit(seq)` for each matching entry until it returns false; returns whether
    /// it did (a match was left).
    fn run(
        &self,
        conn: &Connection,
        mut visit: impl FnMut(i64) -> StoreResult<bool>,
    ) -> StoreResult<bool> {
        let (sql, args) = self.sql();
        let json = self.matcher.needs_json();
        let mut st = conn.prepare(&sql)?;
        let mut rows = st.query(params_from_iter(args))?;
        while let Some(r) = rows.next()? {
            let listed = |ids: &Option<HashSet<&str>>, id: &str| {
                ids.as_ref().is_none_or(|ids| ids.contains(id))
            };
            if !listed(&self.long_dlq_ids, text(r, 1)?)
                || !listed(&self.long_message_ids, text(r, 2)?)
                || (json && !self.matcher.matches(None, None, text(r, 3)?)?)
            {
                continue;
            }
            if !visit(r.get(0)?)? {
                return Ok(true);
            }
        }
        Ok(false)
    }
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

#[cfg(test)]
mod tests {
    //! The DLQ listing and bulk delete against the listing as it was before the listing
    //! indexes (git 8fb9fc2), on random databases (see `logs::tests::random_db`).

    use super::*;
    use crate::store::logs::tests::{often, random_db, some_of, BASE_MS, FC_KEYS, IPS};
    use crate::store::logs::tests::{LABELS, QUEUES, SCHEDULES, TOPICS, URLS};
    use rand::rngs::StdRng;
    use rand::seq::SliceRandom;
    use rand::{Rng, SeedableRng};

    fn random_filter(rng: &mut StdRng, seed: u64, n: usize) -> DlqFilter {
        let dlq_ids: Vec<String> = (0..n).map(|i| format!("dlq_{seed}_{i}")).collect();
        let message_ids: Vec<String> = (0..n).map(|i| format!("msg_{seed}_{i}")).collect();
        let ids = |rng: &mut StdRng, all: &[String]| -> Vec<String> {
            let refs: Vec<&str> = all.iter().map(String::as_str).collect();
            match rng.gen_range(0..12) {
                0 => some_of(rng, &refs),
                // Past MAX_SQL_IDS: tested in Rust during the scan.
                1 => refs
                    .choose_multiple(rng, 40)
                    .map(|s| s.to_string())
                    .collect(),
                _ => Vec::new(),
            }
        };
        let date = |rng: &mut StdRng| {
            rng.gen_bool(0.15)
                .then(|| BASE_MS + rng.gen_range(-1000..110_000))
        };
        DlqFilter {
            cursor: None,
            dlq_ids: ids(rng, &dlq_ids),
            message_ids: ids(rng, &message_ids),
            urls: often(rng, 0.2, URLS),
            topic_names: often(rng, 0.2, TOPICS),
            schedule_ids: often(rng, 0.15, SCHEDULES),
            queue_names: often(rng, 0.2, QUEUES),
            response_statuses: if rng.gen_bool(0.2) {
                let k = rng.gen_range(1..3);
                [0u16, 404, 418, 500]
                    .choose_multiple(rng, k)
                    .copied()
                    .collect()
            } else {
                Vec::new()
            },
            caller_ips: often(rng, 0.1, IPS),
            labels: often(rng, 0.3, LABELS),
            flow_control_keys: often(rng, 0.15, FC_KEYS),
            from_date: date(rng),
            to_date: date(rng),
            count: None,
            order: if rng.gen_bool(0.5) {
                Order::LatestFirst
            } else {
                Order::EarliestFirst
            },
            // Not a query parameter: its own test below.
            up_to_seq: None,
        }
    }

    /// Listing pages as the reference's, field for field.
    fn assert_same(got: &Page<DlqRow>, want: &Page<DlqRow>, what: &str) {
        let ids = |p: &Page<DlqRow>| p.items.iter().map(|r| r.dlq_id.clone()).collect::<Vec<_>>();
        assert_eq!((ids(got), &got.cursor), (ids(want), &want.cursor), "{what}");
        for (g, w) in got.items.iter().zip(&want.items) {
            assert_eq!(g.to_wire(), w.to_wire(), "{what}");
            assert_eq!((g.seq, g.time_ms), (w.seq, w.time_ms), "{what}");
        }
    }

    #[test]
    fn listing_and_bulk_delete_equal_the_reference() {
        let mut listed = 0;
        for seed in 0..3u64 {
            let n = 250;
            let c = random_db(seed, n, 0.01);
            let mut rng = StdRng::seed_from_u64(2000 + seed);
            for case in 0..80 {
                let mut f = random_filter(&mut rng, seed, n);
                let user = if rng.gen_bool(0.9) { 1 } else { 2 };
                let limit = *[1, 3, MAX_COUNT, usize::MAX].choose(&mut rng).unwrap_or(&1);
                let max_bytes = *[MAX_PAGE_BODY_BYTES, usize::MAX, 10]
                    .choose(&mut rng)
                    .unwrap_or(&usize::MAX);
                for page in 0..5 {
                    let what = format!("seed {seed}, case {case}, page {page}, filter {f:?}");
                    let got = list_within(&c, user, &f, limit, max_bytes).expect("list");
                    let want =
                        reference_list_within(&c, user, &f, limit, max_bytes).expect("reference");
                    assert_same(&got, &want, &what);
                    listed += got.items.len();
                    // A bulk delete finds exactly what a listing of `limit` returns, hands
                    // out its cursor and deletes those entries and no other.
                    let want =
                        reference_list_within(&c, user, &f, limit, usize::MAX).expect("reference");
                    let found = find(&c, user, &f, limit).expect("find");
                    assert_eq!(found.cursor(), want.cursor, "{what}");
                    c.execute_batch("SAVEPOINT t").expect("savepoint");
                    let deleted = delete_at(&c, user, &found.seqs).expect("delete");
                    let left: Vec<String> = want
                        .items
                        .iter()
                        .filter(|r| exists(&c, user, &r.dlq_id).unwrap_or(true))
                        .map(|r| r.dlq_id.clone())
                        .collect();
                    let total: i64 = c
                        .query_row("SELECT count(*) FROM dlq", [], |r| r.get(0))
                        .expect("count");
                    c.execute_batch("ROLLBACK TO t; RELEASE t")
                        .expect("rollback");
                    let before: i64 = c
                        .query_row("SELECT count(*) FROM dlq", [], |r| r.get(0))
                        .expect("count");
                    assert_eq!(deleted, want.items.len() as u64, "{what}");
                    assert!(left.is_empty(), "{what}: not deleted {left:?}");
                    assert_eq!(total, before - deleted as i64, "{what}: deleted others");
                    match got.cursor {
                        Some(cur) => f.cursor = Some(cur),
                        None => break,
                    }
                }
            }
        }
        assert!(listed > 1000, "only {listed} entries compared");
    }

    #[test]
    fn the_listing_finds_entries_by_id_through_their_indexes() {
        let c = random_db(3, 10, 0.0);
        let plan = |f: &DlqFilter| -> String {
            let (sql, args) = Scan::new(1, f).sql();
            let mut st = c
                .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
                .expect("plan");
            let rows = st
                .query_map(params_from_iter(args), |r| r.get::<_, String>(3))
                .expect("rows");
            rows.map(|r| r.expect("row")).collect::<Vec<_>>().join("; ")
        };
        let cases = [
            (
                DlqFilter {
                    response_statuses: vec![500],
                    ..DlqFilter::new()
                },
                "COVERING INDEX dlq_scan",
            ),
            (
                DlqFilter {
                    dlq_ids: vec!["x".into()],
                    ..DlqFilter::new()
                },
                "sqlite_autoindex_dlq_1",
            ),
            (
                DlqFilter {
                    message_ids: vec!["x".into()],
                    ..DlqFilter::new()
                },
                "dlq_message",
            ),
        ];
        for (f, index) in &cases {
            let plan = plan(f);
            assert!(plan.contains(index), "{index}: {plan}");
        }
    }

    #[test]
    fn a_ceiling_leaves_the_entries_after_it() {
        let c = random_db(5, 200, 0.0);
        let all = find(&c, 1, &DlqFilter::new(), usize::MAX).expect("find");
        assert!(all.seqs.len() > 10, "only {} entries", all.seqs.len());
        assert_eq!(last_seq(&c, 1).expect("last"), all.seqs.last().copied());
        let mid = all.seqs[all.seqs.len() / 2];
        let want: Vec<i64> = all.seqs.iter().copied().filter(|s| *s <= mid).collect();
        for order in [Order::EarliestFirst, Order::LatestFirst] {
            let f = DlqFilter {
                up_to_seq: Some(mid),
                order,
                ..DlqFilter::new()
            };
            let mut got = find(&c, 1, &f, usize::MAX).expect("find");
            assert!(!got.more);
            got.seqs.sort_unstable();
            assert_eq!(got.seqs, want, "{order:?}");
        }
        assert_eq!(last_seq(&c, 99).expect("last"), None);
    }

    fn reference_matches(row: &DlqRow, f: &DlqFilter) -> bool {
        fn any(list: &[String], v: Option<&str>) -> bool {
            list.is_empty() || v.is_some_and(|v| list.iter().any(|x| x == v))
        }
        let m = &row.msg;
        any(&f.dlq_ids, Some(&row.dlq_id))
            && any(&f.message_ids, Some(&m.id))
            && any(&f.urls, Some(&m.url))
            && any(&f.topic_names, m.topic_name.as_deref())
            && any(&f.schedule_ids, m.schedule_id.as_deref())
            && any(&f.queue_names, m.queue.as_deref())
            && (f.response_statuses.is_empty() || f.response_statuses.contains(&row.resp.status))
            && any(&f.caller_ips, m.caller_ip.as_deref())
            && (f.labels.is_empty() || m.labels.iter().any(|l| f.labels.contains(l)))
            && any(
                &f.flow_control_keys,
                m.flow_control.as_ref().map(|x| x.key.as_str()),
            )
            && f.from_date.is_none_or(|d| row.time_ms >= d)
            && f.to_date.is_none_or(|d| row.time_ms <= d)
    }

    fn reference_list_within(
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
            if !reference_matches(&row, f) {
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
}
