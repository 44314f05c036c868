//! Logs: `client.logs(req)` (and its deprecated alias `events`).

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use std::fmt;

use super::filter::Filter;
use super::{js_number_to_string, ApiRequest, Method, QueryObject, QueryValue, ResponseShape};
use crate::error::Result;

/// Options of `client.logs`: either `messageIds`, or a `filter` with a `cursor`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LogsRequest {
    /// Page size (max 1000). Default: the server's. A `count` inside `filter` overrides it.
    #[serde(default)]
    pub count: Option<f64>,
    /// Logs of these messages (`[]` is an error). When set, `filter` and `cursor` are
    /// ignored. Default: none.
    #[serde(default)]
    pub message_ids: Option<Vec<String>>,
    /// Filter. Default: none.
    #[serde(default)]
    pub filter: Option<Filter>,
    /// Cursor from the previous page (a string; cursors can exceed 2^53). Default: first
    /// page.
    #[serde(default)]
    pub cursor: Option<Cursor>,
}

/// A logs cursor: a string, or a number (formatted like JS).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor(pub String);

impl<'de> Deserialize<'de> for Cursor {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Cursor;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a cursor string or number")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Cursor, E> {
                Ok(Cursor(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> std::result::Result<Cursor, E> {
                Ok(Cursor(js_number_to_string(v)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<Cursor, E> {
                Ok(Cursor(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<Cursor, E> {
                Ok(Cursor(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

impl From<&str> for Cursor {
    fn from(s: &str) -> Self {
        Cursor(s.to_string())
    }
}

/// `client.logs(req)`: `GET /v2/events?count&(messageIds | <filter>&cursor)`; the result is
/// `{cursor?, logs, events}` (`logs === events`, each with `urlGroup = topicName`).
///
/// ```
/// use qstash_wasm::api::{logs, filter::Filter};
/// let r = logs::logs(&logs::LogsRequest { filter: Some(Filter::new().label(["a", "b"])), ..Default::default() }).unwrap();
/// assert_eq!(r.url("http://localhost:8080"), "http://localhost:8080/v2/events?label=a&label=b");
/// ```
pub fn logs(req: &LogsRequest) -> Result<ApiRequest> {
    let mut q = QueryObject::new();
    q.set(
        "count",
        req.count.map(|c| QueryValue::One(js_number_to_string(c))),
    );
    if let Some(ids) = &req.message_ids {
        q.set("messageIds", Some(QueryValue::Many(ids.clone())));
    } else {
        if let Some(f) = &req.filter {
            f.spread_renamed(&mut q);
        }
        q.set("cursor", req.cursor.clone().map(|c| QueryValue::One(c.0)));
    }
    let mut r = ApiRequest::new(Method::Get, &["v2", "events"]).with_shape(ResponseShape::Logs);
    r.query = q.into_pairs()?;
    Ok(r)
}
