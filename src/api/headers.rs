//! A WHATWG `Headers` look-alike, so header merging matches the official SDK exactly.
//!
//! The official SDK builds every header set with `new Headers(...)`, `set`, `append` and
//! `delete`, then iterates it. WHATWG `Headers` lower-cases names, trims values, combines
//! appended duplicates with `", "` and iterates sorted by name — and those rules decide the
//! exact bytes of a batch body (`Object.fromEntries(headers.entries())`). [`HeaderMap`]
//! implements the same rules.

use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

use crate::error::{self, Result};

/// Headers with WHATWG semantics: case-insensitive names (stored lower-case), one combined
/// value per name, iteration sorted by name.
///
/// ```
/// use qstash_wasm::api::HeaderMap;
/// let mut h = HeaderMap::new();
/// h.set("X-B", "1").unwrap();
/// h.append("x-a", "2").unwrap();
/// h.append("X-A", "3").unwrap();
/// assert_eq!(h.get("x-a"), Some("2, 3"));
/// assert_eq!(h.to_vec(), vec![("x-a".to_string(), "2, 3".to_string()), ("x-b".to_string(), "1".to_string())]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HeaderMap {
    /// Sorted by name; names lower-case and unique.
    entries: Vec<(String, String)>,
}

fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)
}

fn normalize_value(value: &str) -> &str {
    value.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r'))
}

/// WebIDL `ByteString` conversion: every UTF-16 code unit must be at most 0xFF (so `é`
/// passes, `🚀` does not). Node's message, with the UTF-16 index and code unit.
fn check_byte_string(s: &str) -> Result<()> {
    if let Some((i, unit)) = s.encode_utf16().enumerate().find(|(_, u)| *u > 0xFF) {
        return Err(error::type_error(format!(
            "Cannot convert argument to a ByteString because the character at index {i} has a value of {unit} which is greater than 255."
        )));
    }
    Ok(())
}

/// Validates like WHATWG `Headers`; messages follow Node's (`Headers.append: "x y" is an
/// invalid header name.`).
fn check(op: &str, name: &str, value: &str) -> Result<()> {
    if name.is_empty() || !name.chars().all(is_token_char) {
        return Err(error::type_error(format!(
            "Headers.{op}: \"{name}\" is an invalid header name."
        )));
    }
    if value.contains(['\0', '\n', '\r']) {
        return Err(error::type_error(format!(
            "Headers.{op}: \"{value}\" is an invalid header value."
        )));
    }
    Ok(())
}

impl HeaderMap {
    /// An empty header set.
    pub fn new() -> Self {
        Self::default()
    }

    /// `new Headers(init)`: WebIDL converts the whole record (or sequence) to ByteStrings
    /// first, so a value above U+00FF anywhere is reported before an invalid name earlier on;
    /// then every pair is appended in order.
    ///
    /// ```
    /// use qstash_wasm::api::HeaderMap;
    /// let err = HeaderMap::from_pairs([("bad name", "x"), ("ok", "\u{2713}")]).unwrap_err();
    /// assert!(err.to_string().contains("ByteString"));
    /// ```
    pub fn from_pairs<K: AsRef<str>, V: AsRef<str>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Result<Self> {
        let pairs: Vec<(K, V)> = pairs.into_iter().collect();
        for (k, v) in &pairs {
            check_byte_string(k.as_ref())?;
            check_byte_string(v.as_ref())?;
        }
        let mut h = HeaderMap::new();
        for (k, v) in &pairs {
            h.append_converted(k.as_ref(), v.as_ref())?;
        }
        Ok(h)
    }

    fn position(&self, lower: &str) -> std::result::Result<usize, usize> {
        self.entries
            .binary_search_by(|(n, _)| n.as_str().cmp(lower))
    }

    /// `headers.set(name, value)`: replaces any existing value.
    pub fn set(&mut self, name: &str, value: &str) -> Result<()> {
        // WebIDL converts the raw arguments before the value is normalized.
        check_byte_string(name)?;
        check_byte_string(value)?;
        let value = normalize_value(value);
        check("set", name, value)?;
        let lower = name.to_ascii_lowercase();
        match self.position(&lower) {
            Ok(i) => self.entries[i].1 = value.to_string(),
            Err(i) => self.entries.insert(i, (lower, value.to_string())),
        }
        Ok(())
    }

    /// `headers.append(name, value)`: adds to an existing value with `", "`.
    pub fn append(&mut self, name: &str, value: &str) -> Result<()> {
        // WebIDL converts the raw arguments before the value is normalized.
        check_byte_string(name)?;
        check_byte_string(value)?;
        self.append_converted(name, value)
    }

    /// [`HeaderMap::append`] once `name` and `value` passed the ByteString conversion.
    fn append_converted(&mut self, name: &str, value: &str) -> Result<()> {
        let value = normalize_value(value);
        check("append", name, value)?;
        let lower = name.to_ascii_lowercase();
        match self.position(&lower) {
            Ok(i) => {
                let v = &mut self.entries[i].1;
                v.push_str(", ");
                v.push_str(value);
            }
            Err(i) => self.entries.insert(i, (lower, value.to_string())),
        }
        Ok(())
    }

    /// `other.forEach((v, k) => this.set(k, v))` for a map whose names are already valid
    /// and lower-case. Values are re-normalized: a combined value like `"a, "` (from
    /// appending `""`) is trimmed by `set`, exactly as in JS.
    pub(crate) fn set_all(&mut self, other: &HeaderMap) {
        for (k, v) in &other.entries {
            let v = normalize_value(v).to_string();
            match self.position(k) {
                Ok(i) => self.entries[i].1 = v,
                Err(i) => self.entries.insert(i, (k.clone(), v)),
            }
        }
    }

    /// `headers.get(name)`.
    pub fn get(&self, name: &str) -> Option<&str> {
        let lower = name.to_ascii_lowercase();
        self.position(&lower)
            .ok()
            .map(|i| self.entries[i].1.as_str())
    }

    /// `headers.has(name)`.
    pub fn has(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// `headers.delete(name)`.
    pub fn delete(&mut self, name: &str) {
        let lower = name.to_ascii_lowercase();
        if let Ok(i) = self.position(&lower) {
            self.entries.remove(i);
        }
    }

    /// Number of distinct names.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when there are no headers.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Iterates `(lower-case name, value)` sorted by name, like `headers.entries()`.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }

    /// The entries as owned pairs, sorted by name.
    pub fn to_vec(&self) -> Vec<(String, String)> {
        self.entries.clone()
    }

    /// Consumes the map into owned pairs, sorted by name.
    pub fn into_vec(self) -> Vec<(String, String)> {
        self.entries
    }
}

/// `prefixHeaders` from the official SDK: every header whose name does not start with
/// `content-type` or `upstash-` becomes `Upstash-Forward-<name>` (the name lower-case, as
/// `Headers.keys()` returns it).
///
/// ```
/// use qstash_wasm::api::{prefix_headers, HeaderMap};
/// let h = HeaderMap::from_pairs([("Authorization", "Bearer x"), ("Upstash-Retries", "3"), ("Content-Type", "text/plain")]).unwrap();
/// let p = prefix_headers(h);
/// assert_eq!(p.get("upstash-forward-authorization"), Some("Bearer x"));
/// assert_eq!(p.get("upstash-retries"), Some("3"));
/// assert_eq!(p.get("content-type"), Some("text/plain"));
/// assert!(!p.has("authorization"));
/// ```
pub fn prefix_headers(mut headers: HeaderMap) -> HeaderMap {
    let to_prefix: Vec<(String, String)> = headers
        .iter()
        .filter(|(n, _)| !(n.starts_with("content-type") || n.starts_with("upstash-")))
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    for (name, value) in to_prefix {
        // The prefixed name is still a valid token and the value was already validated, but
        // `set` re-trims the combined value (`"v, "` from appending `""` becomes `"v,"`).
        let value = normalize_value(&value).to_string();
        let forwarded = format!("upstash-forward-{name}");
        let lower = forwarded.clone();
        match headers.position(&lower) {
            Ok(i) => headers.entries[i].1 = value,
            Err(i) => headers.entries.insert(i, (forwarded, value)),
        }
        headers.delete(&name);
    }
    headers
}

/// A `HeadersInit` value as JS accepts it: a record (`{ name: value }`) or an array of pairs.
/// Order is kept, so duplicate names combine exactly as `new Headers(init)` would.
///
/// A `Headers` *instance* has no enumerable properties; the JS facade must turn it into
/// pairs (`[...headers]`) before deserializing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HeadersInit(pub Vec<(String, String)>);

impl HeadersInit {
    /// Builds the WHATWG header set (`new Headers(init)`).
    pub fn to_map(&self) -> Result<HeaderMap> {
        HeaderMap::from_pairs(self.0.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    }
}

impl<K: Into<String>, V: Into<String>> FromIterator<(K, V)> for HeadersInit {
    fn from_iter<T: IntoIterator<Item = (K, V)>>(iter: T) -> Self {
        HeadersInit(
            iter.into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )
    }
}

impl From<HeaderMap> for HeadersInit {
    fn from(h: HeaderMap) -> Self {
        HeadersInit(h.into_vec())
    }
}

/// A header value as JS would stringify it (`Headers` calls `String(value)`).
struct HeaderValue(String);

impl<'de> Deserialize<'de> for HeaderValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = HeaderValue;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a header value string")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<HeaderValue, E> {
                Ok(HeaderValue(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> std::result::Result<HeaderValue, E> {
                Ok(HeaderValue(super::js_number_to_string(v)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<HeaderValue, E> {
                Ok(HeaderValue(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<HeaderValue, E> {
                Ok(HeaderValue(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> std::result::Result<HeaderValue, E> {
                Ok(HeaderValue(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for HeadersInit {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = HeadersInit;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("headers as a record of strings or an array of [name, value] pairs")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<HeadersInit, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, HeaderValue>()? {
                    out.push((k, v.0));
                }
                Ok(HeadersInit(out))
            }
            fn visit_seq<A: SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<HeadersInit, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = seq.next_element::<(String, HeaderValue)>()? {
                    out.push((k, v.0));
                }
                Ok(HeadersInit(out))
            }
        }
        d.deserialize_any(V)
    }
}

impl Serialize for HeadersInit {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for pair in &self.0 {
            seq.serialize_element(pair)?;
        }
        seq.end()
    }
}

/// Serializes a header list as a JSON object in list order (used for batch bodies).
pub(crate) struct HeaderObject<'a>(pub &'a [(String, String)]);

impl Serialize for HeaderObject<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}
