//! URL groups (topics): `GET /v2/topics`, `GET|DELETE|PATCH /v2/topics/{name}`,
//! `POST|DELETE /v2/topics/{name}/endpoints`.

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde_json::Value;

use super::auth::User;
use super::error::{json_response, ApiError, ApiResult};
use super::request::{read_body, JsonObject, Param, MAX_JSON_BYTES};
use crate::app::App;
use crate::model::{Endpoint, HeaderMap};
use crate::parse::headers::{canonical_header_name, validate_name, validate_url};

/// `GET /v2/topics`.
pub async fn list(State(app): State<App>, user: User) -> ApiResult {
    Ok(json_response(
        StatusCode::OK,
        &app.url_group_list(user.0).await?,
    ))
}

/// `GET /v2/topics/{name}` (404 if missing).
pub async fn get(State(app): State<App>, user: User, Param(name): Param) -> ApiResult {
    Ok(json_response(
        StatusCode::OK,
        &app.url_group_get(user.0, &name).await?,
    ))
}

/// `DELETE /v2/topics/{name}`: the group and its endpoints; in-flight messages stay.
pub async fn delete(State(app): State<App>, user: User, Param(name): Param) -> ApiResult {
    app.url_group_delete(user.0, &name).await?;
    Ok(StatusCode::OK.into_response())
}

/// `PATCH /v2/topics/{name}` with `{"headers": {"Name": "v" | ["v", ...]}}`: default headers
/// delivered with every publish to the group.
pub async fn set_headers(
    State(app): State<App>,
    user: User,
    Param(name): Param,
    req: Request,
) -> ApiResult {
    validate_name("URL group name", &name)?;
    let (parts, body) = req.into_parts();
    let bytes = read_body(&parts.headers, body, MAX_JSON_BYTES).await?;
    let o = JsonObject::parse(&bytes, &["headers"])?;
    let Some(Value::Object(h)) = o.value("headers") else {
        return Err(ApiError::field(
            "headers",
            "must be an object of header names to values",
        ));
    };
    let mut headers = HeaderMap::new();
    for (k, v) in h {
        if axum::http::HeaderName::from_bytes(k.as_bytes()).is_err() {
            return Err(ApiError::field(
                "headers",
                format!(
                    "\"{}\" is not a valid header name",
                    crate::parse::snippet(k)
                ),
            ));
        }
        let values: Vec<String> = match v {
            Value::String(s) => vec![s.clone()],
            Value::Array(a) => a
                .iter()
                .map(|x| x.as_str().map(String::from))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| {
                    ApiError::field("headers", format!("values of \"{k}\" must be strings"))
                })?,
            _ => {
                return Err(ApiError::field(
                    "headers",
                    format!("value of \"{k}\" must be a string or an array of strings"),
                ))
            }
        };
        for s in &values {
            if axum::http::HeaderValue::from_str(s).is_err() {
                return Err(ApiError::field(
                    "headers",
                    format!("value of \"{k}\" is not a valid header value"),
                ));
            }
        }
        headers
            .entry(canonical_header_name(k))
            .or_default()
            .extend(values);
    }
    app.url_group_set_headers(user.0, &name, headers).await?;
    Ok(StatusCode::OK.into_response())
}

/// Reads `{"endpoints": [{"url", "name"?}, ...]}`; `need_url` for additions.
fn endpoints(bytes: &[u8], need_url: bool) -> Result<Vec<Endpoint>, ApiError> {
    let o = JsonObject::parse(bytes, &["endpoints"])?;
    let Some(Value::Array(items)) = o.value("endpoints") else {
        return Err(ApiError::field(
            "endpoints",
            "must be an array of {\"url\", \"name\"?}",
        ));
    };
    if items.is_empty() {
        return Err(ApiError::field("endpoints", "must not be empty"));
    }
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let field = |f: &str| format!("endpoints[{i}].{f}");
        let Value::Object(m) = item else {
            return Err(ApiError::field(
                &format!("endpoints[{i}]"),
                "must be an object",
            ));
        };
        if let Some(k) = m.keys().find(|k| *k != "url" && *k != "name") {
            return Err(ApiError::field(
                &format!("endpoints[{i}]"),
                format!("unknown field \"{}\"", crate::parse::snippet(k)),
            ));
        }
        let get = |k: &str| -> Result<Option<String>, ApiError> {
            match m.get(k) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) if s.is_empty() => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(_) => Err(ApiError::field(&field(k), "must be a string")),
            }
        };
        // The scheme is case-insensitive (`HTTPS://…`); stored lower-case, as publish does, so
        // removing by url and the delivery itself see one spelling.
        let url = get("url")?.map(|u| lowercase_scheme(&u));
        let name = get("name")?;
        if let Some(n) = &name {
            validate_name("endpoint name", n)
                .map_err(|e| ApiError::field(&field("name"), e.message()))?;
        }
        match &url {
            Some(u) => {
                validate_url("url", u).map_err(|e| ApiError::field(&field("url"), e.message()))?
            }
            None if need_url => return Err(ApiError::field(&field("url"), "is required")),
            None if name.is_none() => {
                return Err(ApiError::field(
                    &format!("endpoints[{i}]"),
                    "needs a url or a name",
                ))
            }
            None => {}
        }
        out.push(Endpoint {
            name,
            url: url.unwrap_or_default(),
        });
    }
    Ok(out)
}

/// `HTTP://h/P` → `http://h/P`: only the scheme is touched (hosts are lower-cased by URL
/// parsing anyway; paths are case-sensitive).
fn lowercase_scheme(u: &str) -> String {
    match u.split_once("://") {
        Some((scheme, rest))
            if scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https") =>
        {
            format!("{}://{rest}", scheme.to_ascii_lowercase())
        }
        _ => u.to_string(),
    }
}

/// `POST /v2/topics/{name}/endpoints`: creates the group if needed; 200 with an empty body.
pub async fn add_endpoints(
    State(app): State<App>,
    user: User,
    Param(name): Param,
    req: Request,
) -> ApiResult {
    validate_name("URL group name", &name)?;
    let (parts, body) = req.into_parts();
    let bytes = read_body(&parts.headers, body, MAX_JSON_BYTES).await?;
    let eps = endpoints(&bytes, true)?;
    app.url_group_add_endpoints(user.0, &name, eps).await?;
    Ok(StatusCode::OK.into_response())
}

/// `DELETE /v2/topics/{name}/endpoints`: by name or url; removing the last one deletes the
/// group.
pub async fn remove_endpoints(
    State(app): State<App>,
    user: User,
    Param(name): Param,
    req: Request,
) -> ApiResult {
    let (parts, body) = req.into_parts();
    let bytes = read_body(&parts.headers, body, MAX_JSON_BYTES).await?;
    let eps = endpoints(&bytes, false)?;
    app.url_group_remove_endpoints(user.0, &name, eps).await?;
    Ok(StatusCode::OK.into_response())
}
