//! Response handling as pure functions: status → error, and the small reshapes the official
//! SDK applies to some response bodies.

use serde_json::{Map, Value};

use crate::error::{Error, ErrorKind, RateLimit, Result};

/// A response as the transport hands it over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiResponse {
    /// HTTP status.
    pub status: u16,
    /// Response headers, names lower-case.
    pub headers: Vec<(String, String)>,
    /// Response body as text (empty when the body was not read).
    pub body: String,
}

impl ApiResponse {
    /// Case-insensitive header lookup.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// `getResponseError`: `Ok(())` for 2xx, otherwise the error the official SDK throws.
///
/// 429 is classified by header presence — `x-ratelimit-limit-requests` → chat,
/// `RateLimit-Limit` → daily, otherwise burst — and its body is not used. Any other status
/// outside 200–299 becomes [`ErrorKind::Api`] with the raw body.
///
/// ```
/// use qstash_wasm::api::classify_response;
/// let e = classify_response(429, |h| (h == "RateLimit-Limit").then(|| "100".to_string()), "").unwrap_err();
/// assert_eq!(e.to_string(), "Exceeded daily rate limit. {\"limit\":\"100\",\"remaining\":null,\"reset\":null}");
/// assert_eq!(classify_response(500, |_| None, "").unwrap_err().to_string(), "Error: status=500");
/// ```
pub fn classify_response(
    status: u16,
    header: impl Fn(&str) -> Option<String>,
    body: &str,
) -> Result<()> {
    // `response.headers.get(x)` is truthy only for a non-empty value.
    let present = |name: &str| header(name).filter(|v| !v.is_empty()).is_some();
    if status == 429 {
        let rl = if present("x-ratelimit-limit-requests") {
            RateLimit::Chat {
                limit_requests: header("x-ratelimit-limit-requests"),
                limit_tokens: header("x-ratelimit-limit-tokens"),
                remaining_requests: header("x-ratelimit-remaining-requests"),
                remaining_tokens: header("x-ratelimit-remaining-tokens"),
                reset_requests: header("x-ratelimit-reset-requests"),
                reset_tokens: header("x-ratelimit-reset-tokens"),
            }
        } else if present("RateLimit-Limit") {
            RateLimit::Daily {
                limit: header("RateLimit-Limit"),
                remaining: header("RateLimit-Remaining"),
                reset: header("RateLimit-Reset"),
            }
        } else {
            RateLimit::Burst {
                limit: header("Burst-RateLimit-Limit"),
                remaining: header("Burst-RateLimit-Remaining"),
                reset: header("Burst-RateLimit-Reset"),
            }
        };
        return Err(Error::new(ErrorKind::RateLimited(rl)));
    }
    if !(200..300).contains(&status) {
        return Err(Error::new(ErrorKind::Api {
            status,
            body: body.to_string(),
        }));
    }
    Ok(())
}

/// [`classify_response`] over an [`ApiResponse`].
pub fn check_response(resp: &ApiResponse) -> Result<()> {
    classify_response(
        resp.status,
        |h| resp.header(h).map(str::to_string),
        &resp.body,
    )
}

/// What the caller should do with a successful response body: the per-endpoint reshapes of
/// the official SDK, as data, so one function ([`finish`]) applies them all.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ResponseShape {
    /// Return the parsed JSON unchanged.
    Json,
    /// Do not read the body; the method returns `undefined`.
    Ignore,
    /// Do not read the body; the method returns this fixed value (e.g. `{deleted: 1}`).
    Fixed(Value),
    /// A `Message`: add `urlGroup = topicName`, `ratePerSecond = rate`.
    Message,
    /// `{messages, cursor}` from the DLQ list: each message reshaped like [`Self::Message`].
    DlqList,
    /// A `Schedule` (`ratePerSecond = rate` when `rate` is present).
    Schedule,
    /// A `Schedule[]`.
    ScheduleList,
    /// `{cursor, events}` → `{cursor, logs, events}`, each log with `urlGroup = topicName`.
    Logs,
    /// Batch: a non-array response is wrapped into `[response]`.
    BatchArray,
    /// DLQ retry/delete bulk: `cursor: ""` becomes absent (`normalizeCursor`).
    NormalizeCursor,
    /// Global parallelism: missing `parallelismMax`/`parallelismCount` become 0.
    GlobalParallelism,
}

impl ResponseShape {
    /// True when the body must be read and parsed as JSON.
    pub fn parses_json(&self) -> bool {
        !matches!(self, ResponseShape::Ignore | ResponseShape::Fixed(_))
    }
}

fn obj(v: &mut Value) -> Option<&mut Map<String, Value>> {
    v.as_object_mut()
}

/// Sets `key` to `value`, or removes it when `value` is JS `undefined` (None), mirroring
/// `{...o, key: value}` followed by a JSON round trip.
fn assign(m: &mut Map<String, Value>, key: &str, value: Option<Value>) {
    match value {
        Some(v) => {
            m.insert(key.to_string(), v);
        }
        None => {
            m.remove(key);
        }
    }
}

/// `{...m, urlGroup: m.topicName, ratePerSecond: "rate" in m ? m.rate : undefined}`.
pub fn reshape_message(v: &mut Value) {
    if let Some(m) = obj(v) {
        let topic = m.get("topicName").cloned();
        let rate = m.get("rate").cloned();
        assign(m, "urlGroup", topic);
        assign(m, "ratePerSecond", rate);
    }
}

/// `if ("rate" in s) s.ratePerSecond = s.rate`.
pub fn reshape_schedule(v: &mut Value) {
    if let Some(m) = obj(v) {
        if let Some(rate) = m.get("rate").cloned() {
            m.insert("ratePerSecond".into(), rate);
        }
    }
}

/// `{...log, urlGroup: log.topicName}`.
pub fn reshape_log(v: &mut Value) {
    if let Some(m) = obj(v) {
        let topic = m.get("topicName").cloned();
        assign(m, "urlGroup", topic);
    }
}

fn missing_field(what: &str) -> Error {
    crate::error::decode(format!("unexpected response: {what}"))
}

/// Applies a [`ResponseShape`] to a parsed body (`None` when the body was not read).
///
/// ```
/// use qstash_wasm::api::{finish, ResponseShape};
/// use serde_json::json;
/// let out = finish(&ResponseShape::NormalizeCursor, Some(json!({"cursor": "", "responses": []}))).unwrap();
/// assert_eq!(out, Some(json!({"responses": []})));
/// ```
pub fn finish(shape: &ResponseShape, body: Option<Value>) -> Result<Option<Value>> {
    match shape {
        ResponseShape::Ignore => return Ok(None),
        ResponseShape::Fixed(v) => return Ok(Some(v.clone())),
        _ => {}
    }
    let mut v = body.ok_or_else(|| missing_field("empty body"))?;
    match shape {
        ResponseShape::Json | ResponseShape::Ignore | ResponseShape::Fixed(_) => {}
        ResponseShape::Message => reshape_message(&mut v),
        ResponseShape::Schedule => reshape_schedule(&mut v),
        ResponseShape::ScheduleList => {
            let list = v
                .as_array_mut()
                .ok_or_else(|| missing_field("schedules is not an array"))?;
            list.iter_mut().for_each(reshape_schedule);
        }
        ResponseShape::DlqList => {
            let m = v
                .as_object_mut()
                .ok_or_else(|| missing_field("dlq list is not an object"))?;
            let mut messages = m
                .remove("messages")
                .ok_or_else(|| missing_field("no `messages`"))?;
            let list = messages
                .as_array_mut()
                .ok_or_else(|| missing_field("`messages` is not an array"))?;
            list.iter_mut().for_each(reshape_message);
            let mut out = Map::new();
            out.insert("messages".into(), messages);
            if let Some(c) = m.remove("cursor").filter(|c| !c.is_null()) {
                out.insert("cursor".into(), c);
            }
            v = Value::Object(out);
        }
        ResponseShape::Logs => {
            let m = v
                .as_object_mut()
                .ok_or_else(|| missing_field("logs is not an object"))?;
            let mut events = m
                .remove("events")
                .ok_or_else(|| missing_field("no `events`"))?;
            let list = events
                .as_array_mut()
                .ok_or_else(|| missing_field("`events` is not an array"))?;
            list.iter_mut().for_each(reshape_log);
            let mut out = Map::new();
            if let Some(c) = m.remove("cursor").filter(|c| !c.is_null()) {
                out.insert("cursor".into(), c);
            }
            out.insert("logs".into(), events.clone());
            out.insert("events".into(), events);
            v = Value::Object(out);
        }
        ResponseShape::BatchArray => {
            if !v.is_array() {
                v = Value::Array(vec![v]);
            }
        }
        ResponseShape::NormalizeCursor => {
            if let Some(m) = obj(&mut v) {
                let keep = m
                    .get("cursor")
                    .map(|c| match c {
                        Value::Null | Value::Bool(false) => false,
                        Value::String(s) => !s.is_empty(),
                        Value::Number(n) => n.as_f64() != Some(0.0),
                        _ => true,
                    })
                    .unwrap_or(false);
                if !keep {
                    m.remove("cursor");
                }
            }
        }
        ResponseShape::GlobalParallelism => {
            let get = |k: &str| {
                v.get(k)
                    .filter(|x| !x.is_null())
                    .cloned()
                    .unwrap_or(Value::from(0))
            };
            let mut out = Map::new();
            out.insert("parallelismMax".into(), get("parallelismMax"));
            out.insert("parallelismCount".into(), get("parallelismCount"));
            v = Value::Object(out);
        }
    }
    Ok(Some(v))
}

/// Parses a response body as JSON (what `response.json()` does), then [`finish`]es it.
pub fn finish_text(shape: &ResponseShape, body: &str) -> Result<Option<Value>> {
    if !shape.parses_json() {
        return finish(shape, None);
    }
    let v: Value = serde_json::from_str(body).map_err(crate::error::decode)?;
    finish(shape, Some(v))
}
