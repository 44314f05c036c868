//! The resource classes of the JS Client: `Messages`, `Schedules`, `UrlGroups`, `DLQ`,
//! `Queue`, `FlowControlApi` (official names) and `SigningKeysApi` (extension).
//!
//! Each holds only the shared [`Http`] sender, builds its requests as data ([`Req`]) and
//! reshapes results exactly like the official SDK. The `assertNonEmptyId` guards and the
//! early returns for empty arrays happen before any request, as in the official.

use std::rc::Rc;

use js_sys::{Array, Object, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::client::{
    json_request, promise, publish_request, qstash_error, reshape_message, Http, Req,
};
use super::options::{self, get, has, require_in, require_props, seg_text, set, text, truthy};

fn assert_non_empty(id: &JsValue, label: &str) -> Result<String, JsValue> {
    if !truthy(id) {
        return Err(qstash_error(&format!("{label} cannot be empty"), None));
    }
    Ok(text(id))
}

fn object(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in pairs {
        set(&o, k, v);
    }
    o.into()
}

/// Builds the request now and sends it without a Rust future; a build error rejects the
/// promise (every official method is `async`, so nothing throws synchronously).
fn send(http: &Http, parse: bool, build: impl FnOnce() -> Result<Req, JsValue>) -> Promise {
    http.send(parse, build)
}

fn is_empty_array(v: &JsValue) -> bool {
    Array::is_array(v) && v.unchecked_ref::<Array>().length() == 0
}

/// `normalizeCursor`: `{...response, cursor: cursor || undefined}`.
fn normalize_cursor(response: &JsValue) -> JsValue {
    let copy: JsValue = super::globals::spread(response).into();
    let cursor = get(response, "cursor");
    set(
        &copy,
        "cursor",
        &if truthy(&cursor) {
            cursor
        } else {
            JsValue::UNDEFINED
        },
    );
    copy
}

// Read or cancel messages (`client.messages`).
#[wasm_bindgen(skip_typescript)]
pub struct Messages {
    http: Rc<Http>,
}

impl Messages {
    pub(crate) fn new(http: Rc<Http>) -> Self {
        Messages { http }
    }
}

async fn cancel(http: &Http, request: JsValue) -> Result<JsValue, JsValue> {
    if request.is_string() {
        let id = assert_non_empty(&request, "Message id")?;
        return http
            .json(Req::new("DELETE", &["v2", "messages"]).seg(id))
            .await;
    }
    if is_empty_array(&request) {
        return Ok(object(&[("cancelled", JsValue::from(0))]));
    }
    let filters = if Array::is_array(&request) {
        object(&[("messageIds", request)])
    } else {
        require_in(&request, "cursor")?;
        request
    };
    let mut req = Req::new("DELETE", &["v2", "messages"]);
    req.set_query(options::bulk_filter_query(&filters)?);
    http.json(req).await
}

#[wasm_bindgen]
impl Messages {
    // `GET /v2/messages/{id}`, with `urlGroup`/`ratePerSecond` added.
    pub fn get(&self, message_id: JsValue) -> Promise {
        let http = self.http.clone();
        promise(async move {
            let id = assert_non_empty(&message_id, "Message id")?;
            let payload = http
                .json(Req::new("GET", &["v2", "messages"]).seg(id))
                .await?;
            reshape_message(&payload)
        })
    }

    // Cancel by id, ids, filter or all.
    pub fn cancel(&self, request: JsValue) -> Promise {
        let http = self.http.clone();
        promise(async move { cancel(&http, request).await })
    }

    // Deprecated: `DELETE /v2/messages/{id}`, body ignored.
    pub fn delete(&self, message_id: JsValue) -> Promise {
        send(&self.http, false, || {
            let id = assert_non_empty(&message_id, "Message id")?;
            Ok(Req::new("DELETE", &["v2", "messages"]).seg(id))
        })
    }

    // Deprecated: `cancel(ids).cancelled`.
    #[wasm_bindgen(js_name = deleteMany)]
    pub fn delete_many(&self, message_ids: JsValue) -> Promise {
        let http = self.http.clone();
        promise(async move { cancelled(&cancel(&http, message_ids).await?) })
    }

    // Deprecated: `cancel({all: true}).cancelled`.
    #[wasm_bindgen(js_name = deleteAll)]
    pub fn delete_all(&self) -> Promise {
        let http = self.http.clone();
        promise(async move {
            let all = object(&[("all", JsValue::TRUE)]);
            cancelled(&cancel(&http, all).await?)
        })
    }
}

/// `result.cancelled` (the engine's TypeError for a `null` answer).
fn cancelled(result: &JsValue) -> Result<JsValue, JsValue> {
    require_props(result, "cancelled")?;
    Ok(get(result, "cancelled"))
}

// Schedules (`client.schedules`).
#[wasm_bindgen(skip_typescript)]
pub struct Schedules {
    http: Rc<Http>,
}

impl Schedules {
    pub(crate) fn new(http: Rc<Http>) -> Self {
        Schedules { http }
    }
}

/// `({ schedule })` on `undefined`/`null` is the engine's destructuring `TypeError`.
fn destructure_schedule(request: &JsValue) -> Result<&JsValue, JsValue> {
    if request.is_undefined() || request.is_null() {
        // V8 names an unnamed `null` "object null".
        let (shown, v) = if request.is_null() {
            ("object null", "null")
        } else {
            ("undefined", "undefined")
        };
        return Err(super::client::type_error(&format!(
            "Cannot destructure property 'schedule' of '{shown}' as it is {v}."
        )));
    }
    Ok(request)
}

/// `if ("rate" in schedule) schedule.ratePerSecond = schedule.rate` (a TypeError for a
/// payload that is not an object, as there).
fn reshape_schedule(s: &JsValue) -> Result<(), JsValue> {
    require_in(s, "rate")?;
    if has(s, "rate") {
        set(s, "ratePerSecond", &get(s, "rate"));
    }
    Ok(())
}

#[wasm_bindgen]
impl Schedules {
    // `POST /v2/schedules/{destination}` with the schedule headers.
    pub fn create(&self, request: JsValue) -> Promise {
        send(&self.http, true, || {
            require_props(&request, "headers")?;
            let headers = self
                .http
                .wrap_global(options::schedule_headers(&request)?)?;
            let mut req =
                Req::new("POST", &["v2", "schedules"]).seg(seg_text(&get(&request, "destination")));
            req.headers = headers;
            let body = get(&request, "body");
            if !body.is_undefined() {
                req.body = super::client::Body::Js(body);
            }
            Ok(req)
        })
    }

    // One schedule.
    pub fn get(&self, schedule_id: JsValue) -> Promise {
        let http = self.http.clone();
        promise(async move {
            let id = assert_non_empty(&schedule_id, "Schedule id")?;
            let s = http
                .json(Req::new("GET", &["v2", "schedules"]).seg(id))
                .await?;
            reshape_schedule(&s)?;
            Ok(s)
        })
    }

    // Every schedule.
    pub fn list(&self) -> Promise {
        let http = self.http.clone();
        promise(async move {
            let list = http.json(Req::new("GET", &["v2", "schedules"])).await?;
            for s in super::client::iter_array(&list, "schedules")? {
                reshape_schedule(&s)?;
            }
            Ok(list)
        })
    }

    // Delete.
    pub fn delete(&self, schedule_id: JsValue) -> Promise {
        send(&self.http, false, || {
            let id = assert_non_empty(&schedule_id, "Schedule id")?;
            Ok(Req::new("DELETE", &["v2", "schedules"]).seg(id))
        })
    }

    // `PATCH /v2/schedules/{id}/pause`.
    pub fn pause(&self, request: JsValue) -> Promise {
        send(&self.http, false, || {
            let id = seg_text(&get(destructure_schedule(&request)?, "schedule"));
            Ok(Req::new("PATCH", &["v2", "schedules"]).seg(id).seg("pause"))
        })
    }

    // `PATCH /v2/schedules/{id}/resume`.
    pub fn resume(&self, request: JsValue) -> Promise {
        send(&self.http, false, || {
            let id = seg_text(&get(destructure_schedule(&request)?, "schedule"));
            Ok(Req::new("PATCH", &["v2", "schedules"])
                .seg(id)
                .seg("resume"))
        })
    }
}

// URL groups (`client.urlGroups`).
#[wasm_bindgen(skip_typescript)]
pub struct UrlGroups {
    http: Rc<Http>,
}

impl UrlGroups {
    pub(crate) fn new(http: Rc<Http>) -> Self {
        UrlGroups { http }
    }
}

fn endpoints_body(request: &JsValue) -> Result<String, JsValue> {
    let body = object(&[("endpoints", get(request, "endpoints"))]);
    options::json_text(&body)
}

#[wasm_bindgen]
impl UrlGroups {
    // `POST /v2/topics/{name}/endpoints`.
    #[wasm_bindgen(js_name = addEndpoints)]
    pub fn add_endpoints(&self, request: JsValue) -> Promise {
        send(&self.http, false, || {
            require_props(&request, "name")?;
            let req = Req::new("POST", &["v2", "topics"])
                .seg(seg_text(&get(&request, "name")))
                .seg("endpoints")
                .json(endpoints_body(&request)?);
            Ok(req)
        })
    }

    // `DELETE /v2/topics/{name}/endpoints`.
    #[wasm_bindgen(js_name = removeEndpoints)]
    pub fn remove_endpoints(&self, request: JsValue) -> Promise {
        send(&self.http, false, || {
            require_props(&request, "name")?;
            let req = Req::new("DELETE", &["v2", "topics"])
                .seg(seg_text(&get(&request, "name")))
                .seg("endpoints")
                .json(endpoints_body(&request)?);
            Ok(req)
        })
    }

    // Every group.
    pub fn list(&self) -> Promise {
        send(&self.http, true, || Ok(Req::new("GET", &["v2", "topics"])))
    }

    // One group.
    pub fn get(&self, name: JsValue) -> Promise {
        send(&self.http, true, || {
            let name = assert_non_empty(&name, "Url group name")?;
            Ok(Req::new("GET", &["v2", "topics"]).seg(name))
        })
    }

    // Delete a group.
    pub fn delete(&self, name: JsValue) -> Promise {
        send(&self.http, false, || {
            let name = assert_non_empty(&name, "Url group name")?;
            Ok(Req::new("DELETE", &["v2", "topics"]).seg(name))
        })
    }
}

// The dead-letter queue (`client.dlq`).
#[wasm_bindgen(js_name = DLQ, skip_typescript)]
pub struct Dlq {
    http: Rc<Http>,
}

impl Dlq {
    pub(crate) fn new(http: Rc<Http>) -> Self {
        Dlq { http }
    }
}

async fn dlq_delete(http: &Http, request: JsValue) -> Result<JsValue, JsValue> {
    if request.is_string() {
        let id = assert_non_empty(&request, "DLQ id")?;
        http.void(Req::new("DELETE", &["v2", "dlq"]).seg(id))
            .await?;
        return Ok(object(&[("deleted", JsValue::from(1))]));
    }
    if is_empty_array(&request) {
        return Ok(object(&[("deleted", JsValue::from(0))]));
    }
    let filters = if Array::is_array(&request) {
        object(&[("dlqIds", request)])
    } else {
        require_in(&request, "cursor")?;
        request
    };
    let mut req = Req::new("DELETE", &["v2", "dlq"]);
    req.set_query(options::bulk_filter_query(&filters)?);
    http.json(req).await
}

#[wasm_bindgen(js_class = DLQ)]
impl Dlq {
    // `GET /v2/dlq` by filter/cursor or ids.
    #[wasm_bindgen(js_name = listMessages)]
    pub fn list_messages(&self, options: JsValue) -> Promise {
        let http = self.http.clone();
        promise(async move {
            let options = if options.is_undefined() {
                Object::new().into()
            } else {
                require_props(&options, "count")?;
                require_in(&options, "dlqIds")?;
                options
            };
            let mut req = Req::new("GET", &["v2", "dlq"]);
            req.set_query(options::list_query(&options, "dlqIds"));
            let payload = http.json(req).await?;
            let list = Array::new();
            for m in super::client::array_field(&payload, "messagesPayload", "messages")?.iter() {
                list.push(&reshape_message(&m)?);
            }
            Ok(object(&[
                ("messages", list.into()),
                ("cursor", get(&payload, "cursor")),
            ]))
        })
    }

    // Extension: `GET /v2/dlq/{dlqId}`.
    pub fn get(&self, dlq_id: JsValue) -> Promise {
        let http = self.http.clone();
        promise(async move {
            let id = assert_non_empty(&dlq_id, "DLQ id")?;
            let payload = http.json(Req::new("GET", &["v2", "dlq"]).seg(id)).await?;
            reshape_message(&payload)
        })
    }

    // Delete by id, ids, filter or all.
    pub fn delete(&self, request: JsValue) -> Promise {
        let http = self.http.clone();
        promise(async move { dlq_delete(&http, request).await })
    }

    // Deprecated alias of `delete`.
    #[wasm_bindgen(js_name = deleteMany)]
    pub fn delete_many(&self, request: JsValue) -> Promise {
        let http = self.http.clone();
        promise(async move { dlq_delete(&http, request).await })
    }

    // Retry by id, ids, filter or all (`POST /v2/dlq/retry?…`).
    pub fn retry(&self, request: JsValue) -> Promise {
        let http = self.http.clone();
        promise(async move {
            let request = if request.is_string() {
                Array::of1(&request).into()
            } else {
                request
            };
            if is_empty_array(&request) {
                return Ok(object(&[("responses", Array::new().into())]));
            }
            let filters = if Array::is_array(&request) {
                object(&[("dlqIds", request)])
            } else {
                require_in(&request, "cursor")?;
                request
            };
            let mut req = Req::new("POST", &["v2", "dlq", "retry"]);
            req.set_query(options::bulk_filter_query(&filters)?);
            Ok(normalize_cursor(&http.json(req).await?))
        })
    }

    // Extension: retry one message, `POST /v2/dlq/retry/{dlqId}`.
    #[wasm_bindgen(js_name = retryOne)]
    pub fn retry_one(&self, dlq_id: JsValue) -> Promise {
        send(&self.http, true, || {
            let id = assert_non_empty(&dlq_id, "DLQ id")?;
            Ok(Req::new("POST", &["v2", "dlq", "retry"]).seg(id))
        })
    }
}

// A queue (`client.queue({ queueName })`).
#[wasm_bindgen(skip_typescript)]
pub struct Queue {
    http: Rc<Http>,
    /// The name as given, any value (the official checks only that it is truthy, and paths
    /// render it with `String`), as the `queueName` getter shows it.
    name: JsValue,
}

impl Queue {
    pub(crate) fn new(http: Rc<Http>, name: JsValue) -> Self {
        Queue { http, name }
    }

    /// The name as a path segment: a falsy one is the official's error.
    fn name(&self) -> Result<String, JsValue> {
        if !self.name.is_truthy() {
            return Err(
                js_sys::Error::new("Please provide a queue name to the Queue constructor").into(),
            );
        }
        Ok(text(&self.name))
    }
}

#[wasm_bindgen]
impl Queue {
    // `queue.queueName`: the name it was made with, public on the official's Queue too.
    #[wasm_bindgen(getter, js_name = queueName)]
    pub fn queue_name(&self) -> JsValue {
        self.name.clone()
    }

    // The client's memo (see `MemoSlot`), which pkg-template/compat.js's `enqueue` asks
    // before entering wasm. Internal.
    #[wasm_bindgen(getter, js_name = __memo)]
    pub fn memo(&self) -> JsValue {
        JsValue::clone(self.http.slot())
    }

    // `POST /v2/queues` with `{queueName, parallelism, paused}`.
    pub fn upsert(&self, request: JsValue) -> Promise {
        send(&self.http, false, || {
            let name = self.name();
            name?;
            require_props(&request, "parallelism")?;
            let p = get(&request, "parallelism");
            let paused = get(&request, "paused");
            let body = object(&[
                ("queueName", self.name.clone()),
                (
                    "parallelism",
                    if p.is_undefined() || p.is_null() {
                        JsValue::from(1)
                    } else {
                        p
                    },
                ),
                (
                    "paused",
                    if paused.is_undefined() || paused.is_null() {
                        JsValue::FALSE
                    } else {
                        paused
                    },
                ),
            ]);
            let req = Req::new("POST", &["v2", "queues"]).json(options::json_text(&body)?);
            Ok(req)
        })
    }

    // Details.
    pub fn get(&self) -> Promise {
        send(&self.http, true, || {
            let name = self.name();
            Ok(Req::new("GET", &["v2", "queues"]).seg(name?))
        })
    }

    // Every queue.
    pub fn list(&self) -> Promise {
        send(&self.http, true, || Ok(Req::new("GET", &["v2", "queues"])))
    }

    // Delete.
    pub fn delete(&self) -> Promise {
        send(&self.http, false, || {
            let name = self.name();
            Ok(Req::new("DELETE", &["v2", "queues"]).seg(name?))
        })
    }

    // `POST /v2/enqueue/{queue}/{destination}`.
    pub fn enqueue(&self, request: JsValue) -> Promise {
        self.http.send(true, || {
            let name = self.name()?;
            let key = enqueue_key(&name);
            publish_request(&self.http, &request, &["v2", "enqueue", &name], &key, false)
        })
    }

    // `enqueue` with the body serialised to JSON.
    #[wasm_bindgen(js_name = enqueueJSON)]
    pub fn enqueue_json(&self, request: JsValue) -> Promise {
        self.http.send(true, || {
            json_request(&self.http, &request).and_then(|req| {
                let name = self.name()?;
                let key = enqueue_key(&name);
                publish_request(&self.http, &req, &["v2", "enqueue", &name], &key, true)
            })
        })
    }

    // Pause delivery.
    pub fn pause(&self) -> Promise {
        send(&self.http, false, || {
            let name = self.name();
            Ok(Req::new("POST", &["v2", "queues"]).seg(name?).seg("pause"))
        })
    }

    // Resume delivery.
    pub fn resume(&self) -> Promise {
        send(&self.http, false, || {
            let name = self.name();
            Ok(Req::new("POST", &["v2", "queues"]).seg(name?).seg("resume"))
        })
    }
}

/// The [`MemoSlot`](super::options::MemoSlot) key of a queue's `enqueue` and `enqueueJSON`: the
/// requests' path before the destination (pkg-template/compat.js's `enqueue` makes the same).
fn enqueue_key(name: &str) -> JsValue {
    JsValue::from_str(&format!("v2/enqueue/{name}"))
}

// Flow control (`client.flowControl`).
#[wasm_bindgen(skip_typescript)]
pub struct FlowControlApi {
    http: Rc<Http>,
}

impl FlowControlApi {
    pub(crate) fn new(http: Rc<Http>) -> Self {
        FlowControlApi { http }
    }
}

#[wasm_bindgen]
impl FlowControlApi {
    // Extension: `GET /v2/flowControl`.
    pub fn list(&self) -> Promise {
        send(&self.http, true, || {
            Ok(Req::new("GET", &["v2", "flowControl"]))
        })
    }

    // One key.
    pub fn get(&self, key: JsValue) -> Promise {
        send(&self.http, true, || {
            let key = assert_non_empty(&key, "Flow control key")?;
            Ok(Req::new("GET", &["v2", "flowControl"]).seg(key))
        })
    }

    // Global parallelism (missing values are 0).
    #[wasm_bindgen(js_name = getGlobalParallelism)]
    pub fn get_global_parallelism(&self) -> Promise {
        let http = self.http.clone();
        promise(async move {
            let r = http
                .json(Req::new("GET", &["v2", "globalParallelism"]))
                .await?;
            let or0 = |v: JsValue| {
                if v.is_undefined() || v.is_null() {
                    JsValue::from(0)
                } else {
                    v
                }
            };
            Ok(object(&[
                ("parallelismMax", or0(get(&r, "parallelismMax"))),
                ("parallelismCount", or0(get(&r, "parallelismCount"))),
            ]))
        })
    }

    // Pause a key.
    pub fn pause(&self, key: JsValue) -> Promise {
        self.action(key, "pause", None)
    }

    // Resume a key.
    pub fn resume(&self, key: JsValue) -> Promise {
        self.action(key, "resume", None)
    }

    // Pin a configuration.
    pub fn pin(&self, key: JsValue, options: JsValue) -> Promise {
        self.action(
            key,
            "pin",
            Some((options, &["parallelism", "rate", "period"])),
        )
    }

    // Unpin a configuration.
    pub fn unpin(&self, key: JsValue, options: JsValue) -> Promise {
        self.action(key, "unpin", Some((options, &["parallelism", "rate"])))
    }

    // Reset the rate window.
    #[wasm_bindgen(js_name = resetRate)]
    pub fn reset_rate(&self, key: JsValue) -> Promise {
        self.action(key, "resetRate", None)
    }
}

impl FlowControlApi {
    fn action(
        &self,
        key: JsValue,
        verb: &'static str,
        query: Option<(JsValue, &'static [&'static str])>,
    ) -> Promise {
        let http = self.http.clone();
        promise(async move {
            if let Some((opts, _)) = &query {
                require_props(opts, "parallelism")?;
            }
            let mut req = Req::new("POST", &["v2", "flowControl"])
                .seg(seg_text(&key))
                .seg(verb);
            if let Some((opts, keys)) = query {
                let mut q = options::Query::default();
                for k in keys {
                    q.set(k, get(&opts, k));
                }
                req.set_query(q);
            }
            http.void(req).await
        })
    }
}

// Signing keys (extension, `client.keys`).
#[wasm_bindgen(skip_typescript)]
pub struct SigningKeysApi {
    http: Rc<Http>,
}

impl SigningKeysApi {
    pub(crate) fn new(http: Rc<Http>) -> Self {
        SigningKeysApi { http }
    }
}

#[wasm_bindgen]
impl SigningKeysApi {
    // `GET /v2/keys` → `{current, next}`.
    pub fn get(&self) -> Promise {
        send(&self.http, true, || Ok(Req::new("GET", &["v2", "keys"])))
    }

    // `POST /v2/keys/rotate` → `{current, next}`.
    pub fn rotate(&self) -> Promise {
        send(&self.http, true, || {
            Ok(Req::new("POST", &["v2", "keys", "rotate"]))
        })
    }
}
