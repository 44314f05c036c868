//! API providers (`openai()`, `anthropic()`, `custom()`, `upstash()`, `resend()`): the rules
//! behind the package's provider classes, and the Client's `getProviderInfo`.
//!
//! The providers are plain JS classes (`LLMProvider` and `EmailProvider` in the package's
//! `compat.js`) with `@upstash/qstash`'s own fields in its order, so spreading, `Object.keys`,
//! JSON and `structuredClone` see what they see there, and any field can be assigned. Their
//! methods call the internal `__provider*` functions below, which apply the core's rules
//! ([`Provider`], [`through_helicone`]) to the fields they are handed. The Client, like the
//! official's `getProviderInfo`, calls the provider's own methods, so a hand-written provider or
//! a subclass behaves as it does with the official Client.

use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::api::publish::through_helicone;
use crate::api::{Provider, ProviderOwner};

use super::client::type_error;
use super::globals;
use super::options::{get, seg_text, set, text, truthy};

/// The core provider that a JS provider's fields stand for. `email` is the class: the
/// official's `EmailProvider` never looks at `owner`, and its `LLMProvider` treats any owner
/// but upstash, openai and anthropic like `custom()`. The base URL plays no part in routes and
/// headers, so it is left empty.
fn core_provider(
    email: bool,
    owner: &JsValue,
    token: &JsValue,
    organization: &JsValue,
    batch: bool,
) -> Provider {
    let owner = match (email, owner.as_string().as_deref()) {
        (true, _) => ProviderOwner::Resend,
        (false, Some("upstash")) => ProviderOwner::Upstash,
        (false, Some("openai")) => ProviderOwner::Openai,
        (false, Some("anthropic")) => ProviderOwner::Anthropic,
        _ => ProviderOwner::Custom,
    };
    Provider {
        owner,
        base_url: String::new(),
        // `${this.token}`: an unset token shows as "undefined", as in the official.
        token: text(token),
        organization: truthy(organization).then(|| text(organization)),
        batch: Some(batch),
    }
}

/// The route segments as a JS array.
fn route_array(route: &[String]) -> Array {
    route.iter().map(|s| JsValue::from_str(s)).collect()
}

/// Headers as a JS record, in order.
fn headers_record(headers: &[(String, String)]) -> JsValue {
    let out = Object::new();
    for (k, v) in headers {
        set(&out, k, &JsValue::from_str(v));
    }
    out.into()
}

// `getRoute()` of the package's provider classes (internal; compat.js calls it).
#[wasm_bindgen(js_name = __providerRoute, skip_typescript)]
pub fn provider_route(email: bool, owner: JsValue, batch: bool) -> Array {
    let none = JsValue::UNDEFINED;
    route_array(&core_provider(email, &owner, &none, &none, batch).route())
}

// `getHeaders(options)` of the package's provider classes; `analytics` tells whether
// `options.analytics` is set, which only the Upstash LLM's headers depend on (internal;
// compat.js calls it).
#[wasm_bindgen(js_name = __providerHeaders, skip_typescript)]
pub fn provider_headers(
    email: bool,
    owner: JsValue,
    token: JsValue,
    organization: JsValue,
    analytics: bool,
) -> JsValue {
    headers_record(&core_provider(email, &owner, &token, &organization, false).headers(analytics))
}

// The base URL of `owner`'s factory; for `custom()` the given `baseUrl` with a trailing
// `/v1/chat/completions` or `/chat/completions` removed (internal; compat.js calls it).
#[wasm_bindgen(js_name = __providerBaseUrl, skip_typescript)]
pub fn provider_base_url(owner: &str, base_url: JsValue) -> Result<String, JsValue> {
    Ok(match owner {
        "upstash" => Provider::upstash().base_url,
        "openai" => Provider::openai("", None).base_url,
        "anthropic" => Provider::anthropic("").base_url,
        "resend" => Provider::resend("", false).base_url,
        _ => match base_url.as_string() {
            Some(base) => Provider::custom(base, "").base_url,
            // The engine's errors for the official's `baseUrl.replace(...)`.
            None if base_url.is_undefined() || base_url.is_null() => {
                return Err(type_error(&format!(
                    "Cannot read properties of {} (reading 'replace')",
                    text(&base_url)
                )))
            }
            None => return Err(type_error("baseUrl.replace is not a function")),
        },
    })
}

// `onFinish(providerInfo, options)` of an LLM provider when `options.analytics` is set: the
// official's `updateWithAnalytics`, which rewrites `providerInfo` in place to go through the
// analytics gateway (Helicone, the only one) and returns it (internal; compat.js calls it).
#[wasm_bindgen(js_name = __providerAnalytics, skip_typescript)]
pub fn provider_analytics(info: JsValue, analytics: JsValue) -> Result<JsValue, JsValue> {
    globals::guarded(|| analytics_info(&info, &analytics))
}

/// [`provider_analytics`] before [`globals::guarded`] looks at what user code threw.
fn analytics_info(info: &JsValue, analytics: &JsValue) -> Result<JsValue, JsValue> {
    if get(analytics, "name").as_string().as_deref() != Some("helicone") {
        return Err(js_sys::Error::new("Unknown analytics provider").into());
    }
    let upstash = get(info, "owner").as_string().as_deref() == Some("upstash");
    let route_value = get(info, "route");
    let route: Vec<String> = match js_sys::try_iter(&route_value)? {
        Some(items) => items
            .map(|item| item.map(|v| seg_text(&v)))
            .collect::<Result<_, _>>()?,
        None => return Err(type_error("providerInfo.route is not iterable")),
    };
    let base = get(info, "baseUrl");
    let via = through_helicone(
        upstash,
        &text(&base),
        &route,
        &text(&get(analytics, "token")),
    );
    let headers = get(info, "appendHeaders");
    for (k, v) in &via.headers {
        // `Helicone-Target-Url` is the info's `baseUrl` value itself, not its text.
        let value = if k == "Helicone-Target-Url" {
            base.clone()
        } else {
            JsValue::from_str(v)
        };
        assign(&headers, k, &value)?;
    }
    set(info, "baseUrl", &JsValue::from_str(&via.base_url));
    // The gateway keeps the route array itself; the Upstash host gets a new one.
    if upstash {
        set(info, "route", &route_array(&via.route));
    }
    let url = format!("{}/{}", via.base_url, via.route.join("/"));
    set(info, "url", &JsValue::from_str(&url));
    Ok(info.clone())
}

/// `target[key] = value` with the engine's error when `target` is `undefined` or `null` (a
/// `getHeaders` that returns nothing).
fn assign(target: &JsValue, key: &str, value: &JsValue) -> Result<(), JsValue> {
    if target.is_undefined() || target.is_null() {
        return Err(type_error(&format!(
            "Cannot set properties of {} (setting '{key}')",
            text(target)
        )));
    }
    Reflect::set(target, &JsValue::from_str(key), value).map(drop)
}

/// `finalProvider.<method>(...args)`, with the engine's `TypeError` when it is not a function.
fn call_method(provider: &JsValue, method: &str, args: &[&JsValue]) -> Result<JsValue, JsValue> {
    let Some(f) = get(provider, method).dyn_into::<Function>().ok() else {
        return Err(type_error(&format!(
            "finalProvider.{method} is not a function"
        )));
    };
    match args {
        [] => f.call0(provider),
        [a] => f.call1(provider, a),
        [a, b, ..] => f.call2(provider, a, b),
    }
}

/// `new TypeError("Unexpected api name. …")` of the official.
fn kind_mismatch(kind: &str, name: &JsValue) -> JsValue {
    type_error(&format!(
        "Unexpected api name. Expected '{kind}', received {}",
        text(name)
    ))
}

/// `getProviderInfo(api, upstashToken)`: the official's checks (TypeErrors, in its order),
/// then `{ url: getUrl(), baseUrl, route: getRoute(), appendHeaders: getHeaders(parameters),
/// owner, method }` handed to `onFinish(info, parameters)`, whose result is returned
/// (`parameters` is `api` without `name` and `provider`). An `upstash()` provider without a
/// token gets `upstash_token`, written into the caller's provider object as the official does.
pub(crate) fn provider_info(api: &JsValue, upstash_token: &str) -> Result<JsValue, JsValue> {
    let name = get(api, "name");
    let provider = get(api, "provider");
    // `const { name, provider, ...parameters } = api`.
    let parameters = globals::spread(api);
    for key in ["name", "provider"] {
        Reflect::delete_property(&parameters, &JsValue::from_str(key))?;
    }
    let parameters: JsValue = parameters.into();
    if provider.is_undefined() || provider.is_null() {
        return default_provider_info(&name, &parameters, upstash_token);
    }
    if get(&provider, "owner").as_string().as_deref() == Some("upstash")
        && !truthy(&get(&provider, "token"))
    {
        Reflect::set(
            &provider,
            &JsValue::from_str("token"),
            &JsValue::from_str(upstash_token),
        )?;
    }
    if !truthy(&get(&provider, "baseUrl")) {
        return Err(type_error("baseUrl cannot be empty or undefined!"));
    }
    if !truthy(&get(&provider, "token")) {
        return Err(type_error("token cannot be empty or undefined!"));
    }
    let kind = get(&provider, "apiKind");
    // `!==`: JsValue equality is JavaScript's strict equality.
    if kind != name {
        return Err(kind_mismatch(&text(&kind), &name));
    }
    let info = Object::new();
    set(&info, "url", &call_method(&provider, "getUrl", &[])?);
    set(&info, "baseUrl", &get(&provider, "baseUrl"));
    set(&info, "route", &call_method(&provider, "getRoute", &[])?);
    let headers = call_method(&provider, "getHeaders", &[&parameters])?;
    set(&info, "appendHeaders", &headers);
    set(&info, "owner", &get(&provider, "owner"));
    set(&info, "method", &get(&provider, "method"));
    call_method(&provider, "onFinish", &[&info.into(), &parameters])
}

/// [`provider_info`] without a provider: the official's `upstash()` with the QStash token,
/// whose methods are the core's rules, computed here without making the JS object.
fn default_provider_info(
    name: &JsValue,
    parameters: &JsValue,
    upstash_token: &str,
) -> Result<JsValue, JsValue> {
    let core = Provider {
        token: upstash_token.into(),
        ..Provider::upstash()
    };
    if core.token.is_empty() {
        return Err(type_error("token cannot be empty or undefined!"));
    }
    if name.as_string().as_deref() != Some(core.api_kind()) {
        return Err(kind_mismatch(core.api_kind(), name));
    }
    let analytics = get(parameters, "analytics");
    let route = core.route();
    let info = Object::new();
    let url = format!("{}/{}", core.base_url, route.join("/"));
    set(&info, "url", &JsValue::from_str(&url));
    set(&info, "baseUrl", &JsValue::from_str(&core.base_url));
    set(&info, "route", &route_array(&route));
    let headers = headers_record(&core.headers(truthy(&analytics)));
    set(&info, "appendHeaders", &headers);
    set(&info, "owner", &JsValue::from_str(core.owner_name()));
    set(&info, "method", &JsValue::from_str("POST"));
    if truthy(&analytics) {
        provider_analytics(info.into(), analytics)
    } else {
        Ok(info.into())
    }
}
