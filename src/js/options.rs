//! JS option objects → request parts, with the official SDK's exact JavaScript semantics.
//!
//! The options arrive as arbitrary JS values (`Headers` instances, `Date`s, `Blob` bodies,
//! provider class instances), and the official SDK decides with `!== undefined`, truthiness,
//! `typeof` and `in`. So this module reads them field by field with `Reflect` and formats
//! numbers with JavaScript's own `toString`/`toFixed` rather than deserializing a Rust struct:
//! that is the only way to give byte-identical headers for every input the official accepts.
//! Everything that is not JS-specific (header-map rules, prefixing, URL building) is the pure
//! core's (`crate::api`).

use std::cell::RefCell;

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::api::{js_to_fixed0, prefix_headers, HeaderMap};

use super::client::{js_err, qstash_error, type_error};
use super::globals::{array_items, js_string, object_keys, or_thrown, spread};
use super::providers::provider_info;

#[wasm_bindgen]
extern "C" {
    /// The global `Headers` constructor: parses any `HeadersInit` exactly as fetch would.
    #[wasm_bindgen(js_name = Headers)]
    type JsHeaders;
    #[wasm_bindgen(constructor, js_class = "Headers", catch)]
    fn new(init: &JsValue) -> Result<JsHeaders, JsValue>;
}

thread_local! {
    // JS strings for property keys and header names, made once: turning a Rust `&str` into a
    // JS string goes through `TextDecoder`, which dominated the per-publish cost. Sorted by key
    // for a binary search (a few dozen short keys in practice; a HashMap costs ~3 KB of wasm
    // for no measurable gain). Bounded, so arbitrary user keys (filters) cannot grow it without
    // limit.
    static KEYS: RefCell<Vec<(Box<str>, JsValue)>> = const { RefCell::new(Vec::new()) };
}

/// Upper bound of [`KEYS`]; past it keys are converted per use.
const MAX_CACHED_KEYS: usize = 512;

/// Calls `f` with the JS string for `key`, cached.
pub(crate) fn with_key<R>(key: &str, f: impl FnOnce(&JsValue) -> R) -> R {
    KEYS.with(|cell| {
        let mut keys = cell.borrow_mut();
        let slot = keys.binary_search_by(|(k, _)| (**k).cmp(key));
        if let Ok(i) = slot {
            return f(&keys[i].1);
        }
        let js = JsValue::from_str(key);
        let out = f(&js);
        if let Err(i) = slot {
            if keys.len() < MAX_CACHED_KEYS {
                keys.insert(i, (key.into(), js));
            }
        }
        out
    })
}

/// The option names a publish-family request can carry, in the bit order of
/// `readOptions` (the JS reads below must match).
const REQUEST_KEYS: [&str; 22] = [
    "headers",
    "method",
    "delay",
    "notBefore",
    "deduplicationId",
    "contentBasedDeduplication",
    "retries",
    "retryDelay",
    "callback",
    "failureCallback",
    "timeout",
    "flowControl",
    "label",
    "redact",
    "url",
    "urlGroup",
    "topic",
    "api",
    "body",
    "cron",
    "scheduleId",
    "queueName",
];

// One call reads the 22 options, each once, in the list's order (the official's, which reads
// most present options a second or third time: a getter runs once here), and tells which are
// present and which are primitives; the values are then taken from the array it made, so a
// typical publish (3–4 options) costs no crossing for the absent ones. Named reads:
// each gets its own inline cache, where `o[KEYS[i]]` was one megamorphic keyed load per name
// (~4% of a publish on Deno). The array is handed over by `takeOptions` right after: a fresh
// one per call, so a getter that publishes again cannot overwrite another call's values.
//
// A getter or Proxy trap that throws makes it answer -1 (caught here, so the call stays a plain
// integer return): the options are then read one by one, as the official reads them.
//
// `recordText` is `new Headers(record)`'s reading of a plain `{ name: value }` record in one
// call: `name\0value\0` for each own enumerable entry, values converted as WebIDL converts them
// (`${v}`: a symbol throws). `undefined` when `init` is not a plain record, when a name or value
// holds a NUL (the separator), or when reading it throws: the platform's `Headers` then parses
// it (and throws what the official's `new Headers` throws).
//
// `MemoSlot` is a client's memo of its last publish-family request (see [`MemoSlot`]). When
// `MemoSlot.call` has read a request and found it new, it leaves what it read (`early`) for
// the wasm method it hands the request to: that method's `readOptions` of the same object
// takes it instead of reading again (getters and Proxy traps run once per call), marked as
// compared (2^44) so Rust does not compare it again. Any other `readOptions` drops it.
#[wasm_bindgen(inline_js = "export function recordText(init) {
  try {
    const proto = Object.getPrototypeOf(init);
    if ((proto !== null && proto !== Object.prototype) || Array.isArray(init)) return undefined;
    let out = \"\";
    for (const [name, v] of Object.entries(init)) {
      const value = `${v}`;
      if (name.includes(\"\\0\") || value.includes(\"\\0\")) return undefined;
      out += name + \"\\0\" + value + \"\\0\";
    }
    return out;
  } catch {
    return undefined;
  }
}
let taken;
let early;
let record;
let recordFor;
const COMPARED = 17592186044416;
export function readOptions(o) {
  const e = early;
  if (e !== undefined) {
    early = undefined;
    if (e.o === o) {
      taken = e.v;
      return e.x;
    }
  }
  record = undefined;
  recordFor = undefined;
  if (o === null || (typeof o !== \"object\" && typeof o !== \"function\")) return 0;
  let v;
  try {
    v = [
      o.headers, o.method, o.delay, o.notBefore, o.deduplicationId, o.contentBasedDeduplication,
      o.retries, o.retryDelay, o.callback, o.failureCallback, o.timeout, o.flowControl, o.label,
      o.redact, o.url, o.urlGroup, o.topic, o.api, o.body, o.cron, o.scheduleId, o.queueName,
    ];
  } catch {
    return -1;
  }
  let mask = 0;
  let primitive = 0;
  for (let i = 0; i < 22; i++) {
    const x = v[i];
    if (x === undefined) continue;
    mask |= 1 << i;
    const t = typeof x;
    if (x === null || t === \"string\" || t === \"number\" || t === \"boolean\") primitive |= 1 << i;
  }
  taken = v;
  return mask + primitive * 4194304;
}
export function takeOptions() {
  const v = taken;
  taken = undefined;
  return v;
}
export function recordOf(init) {
  if (recordFor === init) {
    const r = record;
    record = undefined;
    recordFor = undefined;
    return r;
  }
  return recordText(init);
}
function replayOptions(v, m) {
  for (let i = 0, b = m.read; b !== 0; i++, b >>>= 1) {
    if ((b & 1) !== 0 && !Object.is(v[i], m.values[i])) return false;
  }
  if (m.text === undefined) return true;
  const init = v[0];
  if (init === null || typeof init !== \"object\") return false;
  const r = recordText(init);
  if (r === m.text) return true;
  record = r;
  recordFor = init;
  return false;
}
class MemoSlot {
  constructor(send) {
    this.send = send;
    this.memo = undefined;
  }
  call(o, key) {
    const x = readOptions(o);
    if (x === 0 && (o === null || (typeof o !== \"object\" && typeof o !== \"function\"))) return undefined;
    const v = taken;
    taken = undefined;
    if (x > 0) {
      const sent = this.replay(v, x % 4194304, key);
      if (sent !== undefined) return sent;
    }
    early = { o, x: x > 0 ? x + COMPARED : x, v };
    return undefined;
  }
  replay(v, mask, key) {
    const m = this.memo;
    if (m === undefined || m.key !== key || m.mask !== mask || !replayOptions(v, m)) return undefined;
    return this.send(m.url, m.packed, v[18]);
  }
  remember(key, mask, read, values, text, url, packed) {
    for (let i = 0; i < values.length; i++) {
      const x = values[i];
      if (i === 18 || (x !== null && (typeof x === \"object\" || typeof x === \"function\"))) values[i] = undefined;
    }
    this.memo = { key, mask, read, values, text, url, packed };
  }
}
export function memoSlot(send) {
  return new MemoSlot(send);
}
")]
extern "C" {
    /// A JS string, or `undefined` (see above).
    #[wasm_bindgen(js_name = recordText)]
    fn record_text(init: &JsValue) -> JsValue;
    /// [`record_text`] of `init`, or what a replay that found it different made of it (see
    /// [`MemoSlot`]): the record is made once per call.
    #[wasm_bindgen(js_name = recordOf)]
    fn record_of(init: &JsValue) -> JsValue;
    /// The presence mask of [`REQUEST_KEYS`] (0 for a non-object), plus 2^22 times the mask
    /// of those whose value is a primitive (a string, number, boolean or `null`: reading it
    /// calls no user code, and an `Object.is`-equal one makes the same request), plus 2^44
    /// when a [`MemoSlot`] already compared them with its memo; -1 when a read threw.
    #[wasm_bindgen(js_name = readOptions)]
    fn read_options(obj: &JsValue) -> f64;
    /// The values the last [`read_options`] with a non-zero mask read, by index.
    #[wasm_bindgen(js_name = takeOptions)]
    fn take_options() -> Array;

    /// A client's memo of the last publish-family request it made from options a replay can
    /// compare (see [`Trace`]): primitives only, the headers by their record text, and the
    /// body, which is passed through unread.
    ///
    /// A publish loop usually sends the same options over and over, and turning them into the
    /// URL and headers (parsing and checking the headers, formatting, building the URL) is
    /// most of the client's CPU per publish. The request depends only on the options read
    /// (and the client's fixed settings), and every step from those reads on is
    /// deterministic, so when a request object reads as the remembered one did (the same
    /// primitives by `Object.is`, the same header record text), the same URL and packed
    /// headers are sent again with this call's body: `send` is the client's `sendPacked`
    /// (with its dev-server wait and retries). Primitives are compared first; the record text
    /// (which may run user code) is made only after that, and kept for the call's own reading
    /// of the headers when it differs (`recordOf`).
    ///
    /// The memo is JS so that `Client.publish` and `Queue.enqueue` can replay it before
    /// entering wasm at all (pkg-template/compat.js calls `call(request, key)` first): on
    /// Node, a publish that ran wasm slowed undici's `Response` code that followed by several
    /// µs more than the same work in JS did (bench/publish, BENCHMARKS.md). What it read is
    /// then handed to the wasm method (`readOptions` takes it instead of reading again),
    /// marked as compared. The JSON methods (and an `enqueue` on a queue whose name is not a
    /// non-empty string) replay from Rust ([`MemoSlot::replay`]) once their options are read.
    /// What is kept holds none of the caller's objects: the body and any object values are
    /// dropped from the values array.
    pub(crate) type MemoSlot;
    /// A slot sending through `send(url, packed, body)`.
    #[wasm_bindgen(js_name = memoSlot)]
    pub(crate) fn memo_slot(send: &JsValue) -> MemoSlot;
    /// The memo's request sent again with `values`' body when `values` (a [`read_options`]
    /// array with presence mask `mask`) reads as the memo's options did, for the request
    /// family `key`; else `undefined`.
    #[wasm_bindgen(method)]
    pub(crate) fn replay(this: &MemoSlot, values: &Array, mask: u32, key: &JsValue) -> JsValue;
    /// Remembers the request just made (`url`, `packed`, JS strings) from a [`Trace`].
    #[wasm_bindgen(method)]
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn remember(
        this: &MemoSlot,
        key: &JsValue,
        mask: u32,
        read: u32,
        values: &Array,
        text: &JsValue,
        url: &JsValue,
        packed: &JsValue,
    );
}

/// A request object's options, read once (see `readOptions`): absent ones cost no crossing.
pub(crate) struct Fields<'a> {
    obj: &'a JsValue,
    mask: u32,
    /// Which of the present options are primitives (see `readOptions`).
    primitive: u32,
    /// `readOptions` threw (a getter or Proxy trap): every option is then read on its own
    /// when asked for, so only a read the official also makes can fail the method.
    each: bool,
    /// The values `readOptions` read, by index (`None` when none is present, or `each`).
    values: Option<Array>,
    /// A [`MemoSlot`] compared the options with its memo before they were handed over.
    compared: bool,
    /// What was read so far, for a later replay; `None` when not traced, or when something
    /// was read that a replay could not compare.
    trace: RefCell<Option<Trace>>,
}

/// What a request read of its options, as a [`MemoSlot`] compares them: primitives only, the
/// headers by their record text, and the body (passed through unread) last.
pub(crate) struct Trace {
    /// The options read (bits in [`REQUEST_KEYS`] order), headers and body aside.
    pub(crate) read: u32,
    /// The headers' record text, when they were read.
    pub(crate) record: Option<JsValue>,
    /// The values read: the call's `readOptions` array, shared with its [`Fields`].
    pub(crate) values: Array,
    body_read: bool,
}

const HEADERS: usize = 0;
const BODY: usize = 18;

impl<'a> Fields<'a> {
    /// Reads the options of [`REQUEST_KEYS`], each once, in one call.
    pub(crate) fn of(obj: &'a JsValue) -> Self {
        let x = read_options(obj);
        let (mask, primitive, each, compared, values) = if x < 0.0 {
            (0, 0, true, false, None)
        } else if x < 1.0 {
            (0, 0, false, false, None)
        } else {
            let x = x as u64;
            let n = REQUEST_KEYS.len();
            let low = (1 << n) - 1;
            let mask = (x & low) as u32;
            let primitive = ((x >> n) & low) as u32;
            let compared = (x >> (2 * n)) & 1 == 1;
            (mask, primitive, false, compared, Some(take_options()))
        };
        Fields {
            obj,
            mask,
            primitive,
            each,
            compared,
            values,
            trace: RefCell::default(),
        }
    }

    /// [`Fields::of`], keeping a [`Trace`] of what is read.
    pub(crate) fn traced(obj: &'a JsValue) -> Self {
        let fields = Fields::of(obj);
        if let Some(values) = &fields.values {
            *fields.trace.borrow_mut() = Some(Trace {
                read: 0,
                record: None,
                values: values.clone(),
                body_read: false,
            });
        }
        fields
    }

    /// Which options are present (bits in [`REQUEST_KEYS`] order); `None` when they are read
    /// one by one (see `each`).
    pub(crate) fn mask(&self) -> Option<u32> {
        (!self.each).then_some(self.mask)
    }

    /// The trace of what was read, when every read could be compared by a replay.
    pub(crate) fn into_trace(self) -> Option<Trace> {
        let body_absent = !self.has(BODY);
        self.trace
            .into_inner()
            .filter(|t| t.body_read || body_absent)
    }

    /// The values read and which were present, for a [`MemoSlot`] to compare with its memo;
    /// `None` when read one by one, or when a slot already compared them.
    pub(crate) fn for_replay(&self) -> Option<(&Array, u32)> {
        match &self.values {
            Some(v) if !self.compared && !self.each => Some((v, self.mask)),
            _ => None,
        }
    }

    fn has(&self, i: usize) -> bool {
        self.mask & (1 << i) != 0
    }

    /// `obj[key]`; `undefined` without a crossing when the mask says it is absent.
    #[inline(always)]
    pub(crate) fn get(&self, key: &str) -> JsValue {
        self.opt(key).unwrap_or(JsValue::UNDEFINED)
    }

    /// `obj[key]` when it is not `undefined`. Absent keys are answered from the mask, so the
    /// usual `if (request.x !== undefined)` over a dozen unset options costs no crossing at all
    /// (each `is_undefined` check on the value would be one). Always inlined: callers pass a
    /// literal, and the search for its bit then folds away (out of line it was 22 string
    /// compares per read, ~5% of a publish).
    #[inline(always)]
    pub(crate) fn opt(&self, key: &str) -> Option<JsValue> {
        if self.each {
            return Some(get(self.obj, key)).filter(defined);
        }
        match REQUEST_KEYS.iter().position(|k| *k == key) {
            Some(i) if !self.has(i) => None,
            Some(HEADERS) => {
                // Read alone, not through `prefixed_headers`: nothing a replay could compare.
                self.trace.borrow_mut().take();
                Some(self.value(HEADERS))
            }
            Some(i) => Some(self.read(i)),
            None => {
                self.trace.borrow_mut().take();
                Some(get(self.obj, key)).filter(defined)
            }
        }
    }

    /// A present option's value, as `readOptions` read it, noted in the trace.
    #[inline(never)]
    fn read(&self, i: usize) -> JsValue {
        let value = self.value(i);
        let mut trace = self.trace.borrow_mut();
        if let Some(t) = trace.as_mut() {
            if i == BODY {
                t.body_read = true;
            } else if !t.body_read && self.primitive & (1 << i) != 0 {
                t.read |= 1 << i;
            } else {
                // Nothing to compare by (an object, whose reading may call user code), or a
                // read after the body, which a replay ends with.
                *trace = None;
            }
        }
        value
    }

    fn value(&self, i: usize) -> JsValue {
        self.values
            .as_ref()
            .map_or(JsValue::UNDEFINED, |v| v.get(i as u32))
    }

    /// The `headers` option and, when it is an object, what `recordText` makes of it (or
    /// made of it in a replay, see `recordOf`); traced by the record text.
    fn read_headers(&self) -> (JsValue, Option<JsValue>) {
        let init = self.value(HEADERS);
        let record = init.is_object().then(|| record_of(&init));
        let mut trace = self.trace.borrow_mut();
        match (trace.as_mut(), &record) {
            (Some(t), Some(text)) if text.is_string() && !t.body_read => {
                t.record = Some(text.clone());
            }
            (Some(_), _) => *trace = None,
            (None, _) => {}
        }
        (init, record)
    }

    /// `prefixHeaders(new Headers(request.headers))`.
    pub(crate) fn prefixed_headers(&self) -> Result<HeaderMap, JsValue> {
        if self.each || !self.has(HEADERS) {
            return prefixed_headers(&self.get("headers"));
        }
        let (init, record) = self.read_headers();
        Ok(prefix_headers(headers_from(
            &init,
            record.and_then(|r| r.as_string()),
        )?))
    }
}

/// `obj[key]`, or `undefined` when `obj` is not an object.
pub(crate) fn get(obj: &JsValue, key: &str) -> JsValue {
    if !obj.is_object() && !obj.is_function() {
        return JsValue::UNDEFINED;
    }
    with_key(key, |k| read(Reflect::get(obj, k)))
}

/// A property read's value; `undefined` when a getter or Proxy trap threw (kept by
/// [`or_thrown`] for the method to reject with).
fn read(value: Result<JsValue, JsValue>) -> JsValue {
    or_thrown(value, || JsValue::UNDEFINED)
}

/// `key in obj`.
pub(crate) fn has(obj: &JsValue, key: &str) -> bool {
    obj.is_object() && with_key(key, |k| or_thrown(Reflect::has(obj, k), || false))
}

/// `obj[key] = value` on an object we created (cannot fail: plain extensible objects).
pub(crate) fn set(obj: &JsValue, key: &str, value: &JsValue) {
    with_key(key, |k| {
        let _ = Reflect::set(obj, k, value);
    });
}

/// JS truthiness.
pub(crate) fn truthy(v: &JsValue) -> bool {
    v.is_truthy()
}

/// `x !== undefined`.
pub(crate) fn defined(v: &JsValue) -> bool {
    !v.is_undefined()
}

/// `${x}` for an option value (numbers via JS `Number#toString`).
pub(crate) fn text(v: &JsValue) -> String {
    match v.as_string() {
        Some(s) => s,
        None => js_string(v),
    }
}

/// `value.toString()` as the official's query encoding calls it: `null` and `undefined` have
/// no such method, so it throws the engine's TypeError where `String(value)` would not.
/// `name` is the official's variable (`value`, or `item` inside an array), which the engine's
/// message for an object without a `toString` method names.
fn to_string_call(value: &JsValue, name: &str) -> Result<String, JsValue> {
    require_props(value, "toString")?;
    if value.is_object() && !get(value, "toString").is_function() {
        return Err(type_error(&format!("{name}.toString is not a function")));
    }
    Ok(text(value))
}

/// A path segment as `[...].join("/")` renders it: `undefined` and `null` become `""`.
pub(crate) fn seg_text(v: &JsValue) -> String {
    if v.is_undefined() || v.is_null() {
        String::new()
    } else {
        text(v)
    }
}

/// The engine's `TypeError` for `v.prop` when `v` is `undefined` or `null` (the official reads
/// a property of its argument first; plain-JS callers who omit it get this very error).
pub(crate) fn require_props(v: &JsValue, prop: &str) -> Result<(), JsValue> {
    if v.is_undefined() || v.is_null() {
        return Err(type_error(&format!(
            "Cannot read properties of {} (reading '{prop}')",
            if v.is_null() { "null" } else { "undefined" }
        )));
    }
    Ok(())
}

/// The engine's `TypeError` for `"key" in v` when `v` is not an object (V8 shows a string
/// operand unquoted: `... in abc`, in Node and Deno alike).
pub(crate) fn require_in(v: &JsValue, key: &str) -> Result<(), JsValue> {
    if !v.is_object() && !v.is_function() {
        return Err(type_error(&format!(
            "Cannot use 'in' operator to search for '{key}' in {}",
            text(v)
        )));
    }
    Ok(())
}

/// `x.toFixed(0)` (the official uses it for delay, notBefore and retries).
fn to_fixed0(v: &JsValue, name: &str) -> Result<String, JsValue> {
    match v.as_f64() {
        Some(x) => Ok(js_to_fixed0(x)),
        // The engine's messages for `request.<name>.toFixed(0)` on a non-number.
        None if v.is_undefined() || v.is_null() => Err(type_error(&format!(
            "Cannot read properties of {} (reading 'toFixed')",
            if v.is_null() { "null" } else { "undefined" }
        ))),
        None => Err(type_error(&format!(
            "request.{name}.toFixed is not a function"
        ))),
    }
}

/// `new Headers(init)` → a core [`HeaderMap`] (names lower-case, values trimmed).
pub(crate) fn headers_from_init(init: &JsValue) -> Result<HeaderMap, JsValue> {
    let record = init.is_object().then(|| record_text(init));
    headers_from(init, record.and_then(|r| r.as_string()))
}

/// [`headers_from_init`] given what `recordText` made of `init` (`None` when `init` is not an
/// object, or not a plain record).
fn headers_from(init: &JsValue, record: Option<String>) -> Result<HeaderMap, JsValue> {
    let mut map = HeaderMap::new();
    if init.is_undefined() {
        return Ok(map);
    }
    // `new Headers(null)` is the platform's TypeError, as the official's `new
    // Headers(request.headers)` throws it (the Client's config reads `headers ?? {}` first).
    if init.is_null() {
        JsHeaders::new(init)?;
        return Ok(map);
    }
    // Fast path for the common plain record `{ name: value }`: its own enumerable entries are
    // exactly what `new Headers(record)` reads, and HeaderMap applies the same normalisation.
    if let Some(text) = record {
        let mut parts = text.split('\0');
        let pairs = std::iter::from_fn(|| Some((parts.next()?, parts.next()?)));
        return HeaderMap::from_pairs(pairs).map_err(js_err);
    }
    let parsed = JsHeaders::new(init)?;
    // Headers iterate as [name, value] pairs, already combined, lower-cased and sorted.
    let iter = js_sys::try_iter(&parsed)?.ok_or_else(|| type_error("Headers is not iterable"))?;
    for entry in iter {
        let entry: Array = entry?.unchecked_into();
        let name = entry.get(0).as_string().unwrap_or_default();
        let value = entry.get(1).as_string().unwrap_or_default();
        map.append(&name, &value).map_err(js_err)?;
    }
    Ok(map)
}

/// `prefixHeaders(new Headers(init))`.
pub(crate) fn prefixed_headers(init: &JsValue) -> Result<HeaderMap, JsValue> {
    Ok(prefix_headers(headers_from_init(init)?))
}

fn set_header(h: &mut HeaderMap, name: &str, value: &str) -> Result<(), JsValue> {
    h.set(name, value).map_err(js_err)
}

/// `delay`/`timeout` style values: a string verbatim, a number with an `s` suffix.
fn duration(v: &JsValue, rounded: bool, name: &str) -> Result<String, JsValue> {
    if let Some(s) = v.as_string() {
        return Ok(s);
    }
    Ok(format!(
        "{}s",
        if rounded {
            to_fixed0(v, name)?
        } else {
            text(v)
        }
    ))
}

/// The `Upstash-Flow-Control-*`, `Upstash-Label` and `Upstash-Redact-Fields` headers, shared
/// by publish and schedule create.
fn common_tail(req: &Fields, h: &mut HeaderMap) -> Result<(), JsValue> {
    let fc = req.opt("flowControl");
    let key = fc.as_ref().map_or(JsValue::UNDEFINED, |fc| get(fc, "key"));
    if let Some(fc) = fc.as_ref().filter(|_| truthy(&key)) {
        let parallelism = get(fc, "parallelism");
        let mut rate = get(fc, "rate");
        if rate.is_undefined() || rate.is_null() {
            rate = get(fc, "ratePerSecond");
        }
        let period = get(fc, "period");
        let mut parts: Vec<String> = Vec::with_capacity(3);
        // `x?.toString()` then truthiness: "0" is a non-empty string, so 0 is kept.
        if !(parallelism.is_undefined() || parallelism.is_null()) {
            let p = text(&parallelism);
            if !p.is_empty() {
                parts.push(format!("parallelism={p}"));
            }
        }
        if !(rate.is_undefined() || rate.is_null()) {
            let r = text(&rate);
            if !r.is_empty() {
                parts.push(format!("rate={r}"));
            }
        }
        let period = if period.as_f64().is_some() {
            Some(format!("{}s", text(&period)))
        } else if truthy(&period) {
            Some(text(&period))
        } else {
            None
        };
        if let Some(p) = period {
            parts.push(format!("period={p}"));
        }
        if parts.is_empty() {
            return Err(qstash_error(
                "Provide at least one of parallelism or ratePerSecond for flowControl",
                None,
            ));
        }
        set_header(h, "Upstash-Flow-Control-Key", &text(&key))?;
        set_header(h, "Upstash-Flow-Control-Value", &parts.join(", "))?;
    }
    if let Some(label) = req.opt("label") {
        let value = if Array::is_array(&label) {
            // `String(array)`, i.e. `join(",")`: `null` and `undefined` items are empty.
            array_items(&label)
                .iter()
                .map(|x| seg_text(&x))
                .collect::<Vec<_>>()
                .join(",")
        } else {
            text(&label)
        };
        set_header(h, "Upstash-Label", &value)?;
    }
    if let Some(redact) = req.opt("redact") {
        require_props(&redact, "body")?;
        let mut parts: Vec<String> = Vec::new();
        if truthy(&get(&redact, "body")) {
            parts.push("body".into());
        }
        let header = get(&redact, "header");
        if header.as_bool() == Some(true) {
            parts.push("header".into());
        } else if Array::is_array(&header) {
            for name in array_items(&header).iter() {
                parts.push(format!("header[{}]", text(&name)));
            }
        }
        if !parts.is_empty() {
            set_header(h, "Upstash-Redact-Fields", &parts.join(","))?;
        }
    }
    Ok(())
}

/// `processHeaders(request)`: the publish-family `Upstash-*` headers.
pub(crate) fn publish_headers(req: &Fields) -> Result<HeaderMap, JsValue> {
    let mut h = req.prefixed_headers()?;
    let method = match req.opt("method") {
        Some(m) if !m.is_null() => text(&m),
        _ => "POST".to_string(),
    };
    set_header(&mut h, "Upstash-Method", &method)?;
    if let Some(delay) = req.opt("delay") {
        set_header(&mut h, "Upstash-Delay", &duration(&delay, true, "delay")?)?;
    }
    if let Some(not_before) = req.opt("notBefore") {
        set_header(
            &mut h,
            "Upstash-Not-Before",
            &to_fixed0(&not_before, "notBefore")?,
        )?;
    }
    if let Some(dedup) = req.opt("deduplicationId") {
        set_header(&mut h, "Upstash-Deduplication-Id", &text(&dedup))?;
    }
    if req
        .opt("contentBasedDeduplication")
        .is_some_and(|v| truthy(&v))
    {
        set_header(&mut h, "Upstash-Content-Based-Deduplication", "true")?;
    }
    if let Some(retries) = req.opt("retries") {
        set_header(&mut h, "Upstash-Retries", &to_fixed0(&retries, "retries")?)?;
    }
    for (opt, header) in [
        ("retryDelay", "Upstash-Retry-Delay"),
        ("callback", "Upstash-Callback"),
        ("failureCallback", "Upstash-Failure-Callback"),
    ] {
        if let Some(v) = req.opt(opt) {
            set_header(&mut h, header, &text(&v))?;
        }
    }
    if let Some(timeout) = req.opt("timeout") {
        set_header(
            &mut h,
            "Upstash-Timeout",
            &duration(&timeout, false, "timeout")?,
        )?;
    }
    common_tail(req, &mut h)?;
    Ok(h)
}

/// The headers of `schedules.create(request)` (before global/telemetry wrapping).
pub(crate) fn schedule_headers(req: &JsValue) -> Result<HeaderMap, JsValue> {
    let req = &Fields::of(req);
    let mut h = req.prefixed_headers()?;
    if !h.has("Content-Type") {
        set_header(&mut h, "Content-Type", "application/json")?;
    }
    set_header(&mut h, "Upstash-Cron", &text(&req.get("cron")))?;
    if let Some(method) = req.opt("method") {
        set_header(&mut h, "Upstash-Method", &text(&method))?;
    }
    if let Some(delay) = req.opt("delay") {
        set_header(&mut h, "Upstash-Delay", &duration(&delay, true, "delay")?)?;
    }
    if let Some(retries) = req.opt("retries") {
        set_header(&mut h, "Upstash-Retries", &to_fixed0(&retries, "retries")?)?;
    }
    for (opt, header) in [
        ("retryDelay", "Upstash-Retry-Delay"),
        ("callback", "Upstash-Callback"),
        ("failureCallback", "Upstash-Failure-Callback"),
    ] {
        if let Some(v) = req.opt(opt) {
            set_header(&mut h, header, &text(&v))?;
        }
    }
    if let Some(timeout) = req.opt("timeout") {
        set_header(
            &mut h,
            "Upstash-Timeout",
            &duration(&timeout, false, "timeout")?,
        )?;
    }
    for (opt, header) in [
        ("scheduleId", "Upstash-Schedule-Id"),
        ("queueName", "Upstash-Queue-Name"),
    ] {
        if let Some(v) = req.opt(opt) {
            set_header(&mut h, header, &text(&v))?;
        }
    }
    common_tail(req, &mut h)?;
    Ok(h)
}

/// `getRequestPath(request)`: `url ?? urlGroup ?? topic`, else the API's path.
///
/// `headers_object`: `original.headers` is the record we built for a `publishJSON` /
/// `enqueueJSON` / `batchJSON` copy, where the official holds a `Headers` object; the error
/// message shows it as `JSON.stringify(new Headers(...))`, i.e. `{}`.
pub(crate) fn request_path(
    fields: &Fields,
    original: &JsValue,
    headers_object: bool,
) -> Result<String, JsValue> {
    request_path_value(fields, original, headers_object).map(|v| seg_text(&v))
}

/// [`request_path`] as the value itself (`getRequestPath` returns `request.url` as given, which
/// a batch puts into its JSON as is).
pub(crate) fn request_path_value(
    fields: &Fields,
    original: &JsValue,
    headers_object: bool,
) -> Result<JsValue, JsValue> {
    let mut path = JsValue::UNDEFINED;
    for k in ["url", "urlGroup", "topic"] {
        match fields.opt(k) {
            Some(v) if !v.is_null() => {
                path = v;
                break;
            }
            _ => {}
        }
    }
    if truthy(&path) {
        return Ok(path);
    }
    let api = fields.get("api");
    let name = get(&api, "name").as_string();
    match name.as_deref() {
        Some("llm") => return Ok(JsValue::from_str("api/llm")),
        Some("email") => {
            let info = provider_info(&api, "not-needed")?;
            require_props(&info, "baseUrl")?;
            return Ok(get(&info, "baseUrl"));
        }
        _ => {}
    }
    let shown = if headers_object {
        let copy: JsValue = spread(original).into();
        set(&copy, "headers", &Object::new());
        json_text(&copy)?
    } else {
        json_text(original)?
    };
    Err(qstash_error(
        &format!("Failed to infer request path for {shown}"),
        None,
    ))
}

/// `JSON.stringify(value)` as a template literal shows it: `undefined` when there is no JSON
/// text (a function, `undefined`, a symbol); what it throws (a BigInt, a `toJSON`) is the error.
pub(crate) fn json_text(value: &JsValue) -> Result<String, JsValue> {
    let json: JsValue = js_sys::JSON::stringify(value)?.into();
    Ok(json.as_string().unwrap_or_else(|| "undefined".into()))
}

/// `processApi(request, headers, token)`: returns the request to publish — the input object
/// itself when there is no `api`, else a shallow copy with provider URL, method and headers.
/// The returned `HeaderMap` replaces `request.headers`.
pub(crate) fn process_api(
    req: &JsValue,
    headers: HeaderMap,
    upstash_token: &str,
) -> Result<(JsValue, HeaderMap), JsValue> {
    let api = get(req, "api");
    if !truthy(&api) {
        return Ok((req.clone(), headers));
    }
    let info = provider_info(&api, upstash_token)?;
    // `const { url, appendHeaders, owner, method } = getProviderInfo(...)`.
    if info.is_undefined() || info.is_null() {
        return Err(type_error(&format!(
            "Cannot destructure property 'url' of 'getProviderInfo(...)' as it is {}.",
            text(&info)
        )));
    }
    let url = get(&info, "url");
    let append_headers = get(&info, "appendHeaders");
    let owner = get(&info, "owner");
    let method = get(&info, "method");
    let is_llm = get(&api, "name").as_string().as_deref() == Some("llm");
    if is_llm && !truthy(&get(req, "callback")) {
        return Err(type_error(
            "Callback cannot be undefined when using LLM api.",
        ));
    }
    // safeJoinHeaders: `new Headers(appendHeaders)`, then the request's headers win. A `null`
    // from `getHeaders` is the platform's own TypeError there (`undefined` is no headers).
    let mut joined = headers_from_init(&append_headers)?;
    for (k, v) in headers.iter() {
        joined.set(k, v).map_err(js_err)?;
    }
    // `{ ...request, method: request.method ?? method, headers, url, api }`: the keys the
    // official adds come in its order (`headers` is filled in by the caller).
    let copy: JsValue = spread(req).into();
    let request_method = get(req, "method");
    if request_method.is_undefined() || request_method.is_null() {
        set(&copy, "method", &method);
    }
    set(&copy, "headers", &JsValue::UNDEFINED);
    if is_llm && owner.as_string().as_deref() == Some("upstash") && !truthy(&get(&api, "analytics"))
    {
        let plain = Object::new();
        set(&plain, "name", &JsValue::from_str("llm"));
        set(&copy, "api", &plain);
        set(&copy, "url", &JsValue::UNDEFINED);
        return Ok((copy, joined));
    }
    set(&copy, "url", &url);
    set(&copy, "api", &JsValue::UNDEFINED);
    Ok((copy, joined))
}

/// A query under construction: keys keep their first position and later writes replace the
/// value, exactly like building a JS object literal with spreads.
#[derive(Default)]
pub(crate) struct Query(Vec<(String, JsValue)>);

impl Query {
    /// `q[key] = value`.
    pub(crate) fn set(&mut self, key: &str, value: JsValue) {
        match self.0.iter_mut().find(|(k, _)| k == key) {
            Some(slot) => slot.1 = value,
            None => self.0.push((key.to_string(), value)),
        }
    }

    /// `...renameUrlGroup(filter)`: every own key except `urlGroup`/`api`, then
    /// `topicName = urlGroup` when given.
    pub(crate) fn spread_filter(&mut self, filter: &JsValue) {
        if !filter.is_object() {
            return;
        }
        let obj: &Object = filter.unchecked_ref();
        for key in object_keys(obj).iter() {
            let k = text(&key);
            if k == "urlGroup" || k == "api" {
                continue;
            }
            self.set(&k, get(filter, &k));
        }
        let group = get(filter, "urlGroup");
        if defined(&group) {
            self.set("topicName", group);
        }
    }

    /// The `processRequest` encoding: `undefined` skipped, arrays repeated (empty → throws
    /// `QstashEmptyArrayError`), `Date` → `getTime()`, anything else `toString()`.
    pub(crate) fn encode(self) -> Result<Vec<(String, String)>, JsValue> {
        let mut out = Vec::with_capacity(self.0.len());
        for (k, v) in self.0 {
            if v.is_undefined() {
                continue;
            }
            if Array::is_array(&v) {
                let arr = array_items(&v);
                if arr.length() == 0 {
                    return Err(super::errors::empty_array_error(&k));
                }
                for item in arr.iter() {
                    out.push((k.clone(), to_string_call(&item, "item")?));
                }
            } else if let Some(date) = v.dyn_ref::<js_sys::Date>() {
                out.push((k, text(&JsValue::from_f64(date.get_time()))));
            } else {
                out.push((k, to_string_call(&v, "value")?));
            }
        }
        Ok(out)
    }
}

/// `buildBulkActionFilterPayload(request)` for messages cancel and DLQ delete/retry.
pub(crate) fn bulk_filter_query(request: &JsValue) -> Result<Query, JsValue> {
    let mut q = Query::default();
    let cursor = if has(request, "cursor") {
        get(request, "cursor")
    } else {
        JsValue::UNDEFINED
    };
    let count = || {
        if has(request, "count") {
            let c = get(request, "count");
            if c.is_undefined() || c.is_null() {
                JsValue::from_f64(100.0)
            } else {
                c
            }
        } else {
            JsValue::from_f64(100.0)
        }
    };
    if has(request, "all") {
        q.set("count", count());
        q.set("cursor", cursor);
        return Ok(q);
    }
    if has(request, "dlqIds") {
        let ids = get(request, "dlqIds");
        if Array::is_array(&ids) && ids.unchecked_ref::<Array>().length() == 0 {
            return Err(qstash_error(
                "Empty dlqIds array provided. If you intend to target all DLQ messages, use { all: true } explicitly.",
                None,
            ));
        }
        q.set("dlqIds", ids);
        q.set("cursor", cursor);
        return Ok(q);
    }
    let ids = get(request, "messageIds");
    if has(request, "messageIds") && truthy(&ids) {
        if get(&ids, "length").as_f64() == Some(0.0) {
            return Err(qstash_error(
                "Empty messageIds array provided. If you intend to target all messages, use { all: true } explicitly.",
                None,
            ));
        }
        q.set("messageIds", ids);
        q.set("cursor", cursor);
        return Ok(q);
    }
    let filter = get(request, "filter");
    // `renameUrlGroup(request.filter)` destructures it: only `null` and `undefined` throw (a
    // number or a boolean has no own properties to spread).
    if filter.is_null() {
        return Err(type_error(
            "Cannot destructure property 'urlGroup' of 'filter' as it is null.",
        ));
    }
    if filter.is_undefined() {
        return Err(type_error(
            "Cannot destructure property 'urlGroup' of 'filter' as it is undefined.",
        ));
    }
    q.spread_filter(&filter);
    q.set("count", count());
    q.set("cursor", cursor);
    Ok(q)
}

/// `{count, ...(idsKey in options ? {idsKey} : {...renameUrlGroup(filter ?? {}), cursor})}` —
/// the list query of `logs` (`messageIds`) and `dlq.listMessages` (`dlqIds`).
pub(crate) fn list_query(options: &JsValue, ids_key: &str) -> Query {
    let mut q = Query::default();
    q.set("count", get(options, "count"));
    if has(options, ids_key) {
        q.set(ids_key, get(options, ids_key));
    } else {
        q.spread_filter(&get(options, "filter"));
        q.set("cursor", get(options, "cursor"));
    }
    q
}
