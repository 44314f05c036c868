//! The global `fetch`, bound through an `extern` block (never `window()`: workerd, Deno and
//! Node have no window), with an `AbortController` timeout guarded against leaks.

use js_sys::{Function, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, Headers, Request, RequestInit, Response};

use super::NetworkFailure;
use crate::api::{ApiRequest, ApiResponse, Body};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = fetch, catch)]
    fn global_fetch(input: &Request) -> Result<Promise, JsValue>;
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(callback: &Function, ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(handle: &JsValue);
    /// `String(value)`, for a rejection that is neither an `Error` nor a string.
    #[wasm_bindgen(js_name = String, catch)]
    fn string_of(value: &JsValue) -> Result<String, JsValue>;
}

/// Resolves after `ms` milliseconds (global `setTimeout`).
pub async fn sleep_ms(ms: f64) {
    let promise = Promise::new(&mut |resolve, _reject| {
        set_timeout(&resolve, ms.max(0.0));
    });
    // A timer promise never rejects.
    let _ = JsFuture::from(promise).await;
}

/// Aborts the fetch and clears the timer when dropped, so a cancelled future or a finished
/// request leaves no timer behind (reqwest's `AbortGuard`).
struct AbortGuard {
    controller: AbortController,
    timer: Option<JsValue>,
    // Keeps the timeout callback alive as long as the timer can fire.
    _on_timeout: Option<Closure<dyn FnMut()>>,
    finished: bool,
}

impl AbortGuard {
    fn new(timeout_ms: Option<u32>) -> Result<Self, JsValue> {
        let controller = AbortController::new()?;
        let (timer, closure) = match timeout_ms {
            Some(ms) => {
                let c = controller.clone();
                let closure = Closure::<dyn FnMut()>::new(move || c.abort());
                let handle = set_timeout(closure.as_ref().unchecked_ref(), ms as f64);
                (Some(handle), Some(closure))
            }
            None => (None, None),
        };
        Ok(AbortGuard {
            controller,
            timer,
            _on_timeout: closure,
            finished: false,
        })
    }
}

impl Drop for AbortGuard {
    fn drop(&mut self) {
        if let Some(t) = self.timer.take() {
            clear_timeout(&t);
        }
        if !self.finished {
            self.controller.abort();
        }
    }
}

fn failure(value: JsValue) -> NetworkFailure {
    let message = value
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| value.as_string())
        // Not `{value:?}`: the package's wasm is built without Debug formatting.
        .or_else(|| string_of(&value).ok())
        .unwrap_or_else(|| "fetch failed".to_owned());
    NetworkFailure { value, message }
}

fn build_request(
    req: &ApiRequest,
    url: &str,
    headers: &[(String, String)],
    raw_body: Option<&JsValue>,
    guard: &AbortGuard,
) -> Result<Request, JsValue> {
    let h = Headers::new()?;
    for (k, v) in headers {
        h.append(k, v)?;
    }
    let init = RequestInit::new();
    init.set_method(req.method.as_str());
    init.set_headers(&h);
    match (raw_body, &req.body) {
        (Some(raw), _) => init.set_body(raw),
        (None, Some(Body::Text(t))) => init.set_body(&JsValue::from_str(t)),
        (None, Some(Body::Bytes(b))) => init.set_body(&Uint8Array::from(b.as_slice())),
        (None, None) => {}
    }
    if req.keepalive {
        Reflect::set(&init, &"keepalive".into(), &JsValue::TRUE)?;
    }
    init.set_signal(Some(&guard.controller.signal()));
    Request::new_with_str_and_init(url, &init)
}

/// One fetch attempt; reads the body when the caller needs it (JSON result or an error
/// status other than 429, whose text becomes the error message).
pub(super) async fn fetch_once(
    req: &ApiRequest,
    url: &str,
    headers: &[(String, String)],
    raw_body: Option<&JsValue>,
    timeout_ms: Option<u32>,
) -> Result<ApiResponse, NetworkFailure> {
    let mut guard = AbortGuard::new(timeout_ms).map_err(failure)?;
    let request = build_request(req, url, headers, raw_body, &guard).map_err(failure)?;
    let promise = global_fetch(&request).map_err(failure)?;
    let response: Response = JsFuture::from(promise)
        .await
        .map_err(failure)?
        .dyn_into()
        .map_err(failure)?;
    let status = response.status();
    let mut out_headers = Vec::new();
    if let Ok(Some(iter)) = js_sys::try_iter(response.headers().as_ref()) {
        for entry in iter.flatten() {
            let pair: js_sys::Array = entry.unchecked_into();
            if let (Some(k), Some(v)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
                out_headers.push((k, v));
            }
        }
    }
    let is_error = !(200..300).contains(&status);
    let need_body = (is_error && status != 429) || (!is_error && req.shape.parses_json());
    let body = if need_body {
        let text = response.text().map_err(failure)?;
        JsFuture::from(text)
            .await
            .map_err(failure)?
            .as_string()
            .unwrap_or_default()
    } else {
        String::new()
    };
    guard.finished = true;
    Ok(ApiResponse {
        status,
        headers: out_headers,
        body,
    })
}
