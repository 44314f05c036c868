//! Filters and bulk-action selectors shared by messages, DLQ and logs.
//!
//! Query parameter order is observable on the wire, and the official SDK builds queries by
//! spreading the user's filter object, so [`Filter`] keeps its fields in the order they were
//! given (deserialized from JS: the object's key order; built in Rust: call order).

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::fmt;

use super::{js_number_to_string, QueryObject, QueryValue};
use crate::error::{self, Result};

/// Every filter key the official SDK types know.
const NAMES: &[&str] = &[
    "fromDate",
    "toDate",
    "callerIp",
    "label",
    "flowControlKey",
    "messageId",
    "url",
    "urlGroup",
    "topicName",
    "scheduleId",
    "queueName",
    "host",
    "path",
    "state",
    "responseStatus",
    "api",
    "count",
];

/// The kind of value a filter key takes (`None`: unknown key).
fn kind_of(key: &str) -> Option<Kind> {
    Some(match key {
        "fromDate" | "toDate" | "count" => Kind::Number,
        "responseStatus" => Kind::Numbers,
        k if NAMES.contains(&k) => Kind::Strings,
        _ => return None,
    })
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    /// `number | Date` (ms) — one value.
    Number,
    /// `string | string[]`.
    Strings,
    /// `number | number[]`.
    Numbers,
}

/// A filter for `messages.cancel`, `dlq.listMessages`/`delete`/`retry` and `logs`.
///
/// Keys (query names): `fromDate`, `toDate` (unix ms), `callerIp`, `label`,
/// `flowControlKey`, `messageId`, `url`, `urlGroup` (sent as `topicName`), `topicName`
/// (deprecated), `scheduleId`, `queueName`, `host`, `path`, `state`, `responseStatus`,
/// `api` (deprecated, dropped), `count` (logs only, deprecated: overrides the root count).
/// Strings may be arrays (repeated parameter; an empty array is an error).
///
/// ```
/// use qstash_wasm::api::filter::Filter;
/// let f = Filter::new().label(["a", "b"]).url("https://a.com").from_date(1700000000000.0);
/// assert_eq!(f.keys().collect::<Vec<_>>(), ["label", "url", "fromDate"]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    entries: Vec<(String, Option<QueryValue>)>,
}

macro_rules! string_setters {
    ($($fn:ident => $key:literal),* $(,)?) => {
        $(
            #[doc = concat!("Sets `", $key, "` (a string, or several values).")]
            pub fn $fn(self, value: impl Into<QueryValue>) -> Self {
                self.with($key, Some(value.into()))
            }
        )*
    };
}

impl Filter {
    /// An empty filter.
    pub fn new() -> Self {
        Self::default()
    }

    fn with(mut self, key: &str, value: Option<QueryValue>) -> Self {
        self.set(key, value);
        self
    }

    fn set(&mut self, key: &str, value: Option<QueryValue>) {
        match self.entries.iter_mut().find(|(k, _)| k == key) {
            Some(e) => e.1 = value,
            None => self.entries.push((key.to_string(), value)),
        }
    }

    string_setters! {
        caller_ip => "callerIp",
        label => "label",
        flow_control_key => "flowControlKey",
        message_id => "messageId",
        url => "url",
        url_group => "urlGroup",
        schedule_id => "scheduleId",
        queue_name => "queueName",
        host => "host",
        path => "path",
        state => "state",
    }

    /// Sets `fromDate` (unix ms).
    pub fn from_date(self, ms: f64) -> Self {
        self.with("fromDate", Some(ms.into()))
    }

    /// Sets `toDate` (unix ms).
    pub fn to_date(self, ms: f64) -> Self {
        self.with("toDate", Some(ms.into()))
    }

    /// Sets `responseStatus` (DLQ): one or several status codes.
    pub fn response_status(self, codes: &[u16]) -> Self {
        let v = if codes.len() == 1 {
            QueryValue::One(codes[0].to_string())
        } else {
            QueryValue::Many(codes.iter().map(|c| c.to_string()).collect())
        };
        self.with("responseStatus", Some(v))
    }

    /// The keys in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(k, _)| k.as_str())
    }

    /// True when no key is set.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// `{...renameUrlGroup(filter)}` spread into `q`: `urlGroup` and `api` dropped, then
    /// `topicName: urlGroup` when `urlGroup` was given.
    pub(crate) fn spread_renamed(&self, q: &mut QueryObject) {
        let mut url_group = None;
        for (k, v) in &self.entries {
            match k.as_str() {
                "urlGroup" => url_group = Some(v.clone()),
                "api" => {}
                _ => q.set(k, v.clone()),
            }
        }
        if let Some(Some(v)) = url_group {
            q.set("topicName", Some(v));
        }
    }
}

struct NumOrDate(f64);

impl<'de> Deserialize<'de> for NumOrDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        f64::deserialize(d).map(NumOrDate)
    }
}

/// `string | number` → its JS string form.
struct Scalar(String);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Scalar;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string or a number")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> std::result::Result<Scalar, E> {
                Ok(Scalar(js_number_to_string(v)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<Scalar, E> {
                Ok(Scalar(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

/// `T | T[]` of scalars.
struct OneOrMany(QueryValue);

impl<'de> Deserialize<'de> for OneOrMany {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = OneOrMany;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string, a number, or an array of them")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<OneOrMany, E> {
                Ok(OneOrMany(QueryValue::One(v.to_string())))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> std::result::Result<OneOrMany, E> {
                Ok(OneOrMany(QueryValue::One(js_number_to_string(v))))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<OneOrMany, E> {
                Ok(OneOrMany(QueryValue::One(v.to_string())))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<OneOrMany, E> {
                Ok(OneOrMany(QueryValue::One(v.to_string())))
            }
            fn visit_seq<A: SeqAccess<'de>>(
                self,
                mut s: A,
            ) -> std::result::Result<OneOrMany, A::Error> {
                let mut out = Vec::new();
                while let Some(x) = s.next_element::<Scalar>()? {
                    out.push(x.0);
                }
                Ok(OneOrMany(QueryValue::Many(out)))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for Filter {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Filter;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a filter object")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Filter, A::Error> {
                let mut f = Filter::new();
                while let Some(key) = map.next_key::<String>()? {
                    let Some(kind) = kind_of(&key) else {
                        return Err(de::Error::unknown_field(&key, NAMES));
                    };
                    let value = match kind {
                        Kind::Number => map
                            .next_value::<Option<NumOrDate>>()?
                            .map(|n| QueryValue::One(js_number_to_string(n.0))),
                        Kind::Strings | Kind::Numbers => {
                            map.next_value::<Option<OneOrMany>>()?.map(|v| v.0)
                        }
                    };
                    f.set(&key, value);
                }
                Ok(f)
            }
        }
        d.deserialize_map(V)
    }
}

/// The argument of `messages.cancel`, `dlq.delete` and `dlq.retry`: one id, several ids, or
/// an object (`{messageIds}` / `{dlqIds}` / `{filter, count?, cursor?}` / `{all: true,
/// count?, cursor?}`).
#[derive(Debug, Clone, PartialEq)]
pub enum BulkRequest {
    /// A single id.
    Id(String),
    /// Several ids (`[]` returns without a request).
    Ids(Vec<String>),
    /// The object form.
    Select(BulkSelect),
}

/// The object form of [`BulkRequest`]. Which branch applies follows the official
/// `buildBulkActionFilterPayload`: `all` present → all; `dlqIds` present → ids; `messageIds`
/// present → ids; otherwise `filter`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BulkSelect {
    /// Select every message. Default: not set.
    #[serde(default)]
    pub all: Option<bool>,
    /// DLQ ids (a string or an array; `[]` is an error). Default: not set.
    #[serde(default)]
    pub dlq_ids: Option<QueryValueDe>,
    /// Message ids (`[]` is an error). Default: not set.
    #[serde(default)]
    pub message_ids: Option<Vec<String>>,
    /// The filter. Default: not set.
    #[serde(default)]
    pub filter: Option<Filter>,
    /// Max messages processed per call. Default: 100 (all and filter forms only).
    #[serde(default)]
    pub count: Option<f64>,
    /// Pagination cursor from a previous call. Default: none.
    #[serde(default)]
    pub cursor: Option<String>,
}

/// A `string | string[]` as a query value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryValueDe(pub QueryValue);

impl<'de> Deserialize<'de> for QueryValueDe {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        OneOrMany::deserialize(d).map(|v| QueryValueDe(v.0))
    }
}

impl<'de> Deserialize<'de> for BulkRequest {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = BulkRequest;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an id, an array of ids, or a selector object")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<BulkRequest, E> {
                Ok(BulkRequest::Id(v.to_string()))
            }
            fn visit_seq<A: SeqAccess<'de>>(
                self,
                mut s: A,
            ) -> std::result::Result<BulkRequest, A::Error> {
                let mut out = Vec::new();
                while let Some(x) = s.next_element::<String>()? {
                    out.push(x);
                }
                Ok(BulkRequest::Ids(out))
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                map: A,
            ) -> std::result::Result<BulkRequest, A::Error> {
                BulkSelect::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(BulkRequest::Select)
            }
        }
        d.deserialize_any(V)
    }
}

/// `buildBulkActionFilterPayload`: the query object of a bulk action.
pub(crate) fn bulk_query(sel: &BulkSelect) -> Result<QueryObject> {
    let mut q = QueryObject::new();
    let cursor = sel.cursor.clone().map(QueryValue::One);
    let count = || QueryValue::One(js_number_to_string(sel.count.unwrap_or(100.0)));
    if sel.all.is_some() {
        q.set("count", Some(count()));
        q.set("cursor", cursor);
        return Ok(q);
    }
    if let Some(ids) = &sel.dlq_ids {
        if matches!(&ids.0, QueryValue::Many(v) if v.is_empty()) {
            return Err(error::invalid_input(
                "Empty dlqIds array provided. If you intend to target all DLQ messages, use { all: true } explicitly.",
            ));
        }
        q.set("dlqIds", Some(ids.0.clone()));
        q.set("cursor", cursor);
        return Ok(q);
    }
    if let Some(ids) = &sel.message_ids {
        if ids.is_empty() {
            return Err(error::invalid_input(
                "Empty messageIds array provided. If you intend to target all messages, use { all: true } explicitly.",
            ));
        }
        q.set("messageIds", Some(QueryValue::Many(ids.clone())));
        q.set("cursor", cursor);
        return Ok(q);
    }
    let Some(filter) = &sel.filter else {
        return Err(error::type_error(
            "Cannot destructure property 'urlGroup' of 'filter' as it is undefined.",
        ));
    };
    filter.spread_renamed(&mut q);
    q.set("count", Some(count()));
    q.set("cursor", cursor);
    Ok(q)
}
