//! URL groups (topics): `client.urlGroups` (`addEndpoints`, `removeEndpoints`, `list`,
//! `get`, `delete`).

use serde::de::{Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::fmt;

use super::{assert_non_empty, json_string, ApiRequest, Method, ResponseShape};
use crate::error::Result;

/// An endpoint of a URL group: `{name?, url?}` (add needs `url`; remove needs either).
/// JSON key order is kept as given, so the body matches `JSON.stringify` of the JS object.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Endpoint {
    /// Endpoint name. Default: none.
    pub name: Option<String>,
    /// Endpoint URL. Default: none.
    pub url: Option<String>,
    /// True when `url` came before `name` in the source object.
    url_first: bool,
}

impl Endpoint {
    /// An endpoint with a URL and optional name (`{name, url}` order).
    pub fn new(url: impl Into<String>, name: Option<String>) -> Self {
        Endpoint {
            name,
            url: Some(url.into()),
            url_first: false,
        }
    }

    /// An endpoint selected by name only (for removal).
    pub fn named(name: impl Into<String>) -> Self {
        Endpoint {
            name: Some(name.into()),
            url: None,
            url_first: false,
        }
    }

    fn to_json(&self) -> String {
        let name = self
            .name
            .as_ref()
            .map(|n| format!("\"name\":{}", json_string(n)));
        let url = self
            .url
            .as_ref()
            .map(|u| format!("\"url\":{}", json_string(u)));
        let parts: Vec<String> = if self.url_first {
            [url, name]
        } else {
            [name, url]
        }
        .into_iter()
        .flatten()
        .collect();
        format!("{{{}}}", parts.join(","))
    }
}

impl Serialize for Endpoint {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(None)?;
        let name = self.name.as_ref().map(|n| ("name", n));
        let url = self.url.as_ref().map(|u| ("url", u));
        for (k, v) in if self.url_first {
            [url, name]
        } else {
            [name, url]
        }
        .into_iter()
        .flatten()
        {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

impl<'de> Deserialize<'de> for Endpoint {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Endpoint;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an endpoint object {name?, url?}")
            }
            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Endpoint, A::Error> {
                let mut e = Endpoint::default();
                while let Some(k) = map.next_key::<String>()? {
                    match k.as_str() {
                        "name" => e.name = map.next_value()?,
                        "url" => {
                            e.url_first = e.name.is_none();
                            e.url = map.next_value()?;
                        }
                        // Ignored rather than rejected: this type also reads server
                        // responses, which may grow fields.
                        _ => {
                            map.next_value::<serde::de::IgnoredAny>()?;
                        }
                    }
                }
                Ok(e)
            }
        }
        d.deserialize_map(V)
    }
}

/// `addEndpoints` / `removeEndpoints` arguments.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct EndpointsRequest {
    /// URL group name (alphanumerics, `-`, `_`, `.`).
    pub name: String,
    /// Endpoints to add or remove.
    pub endpoints: Vec<Endpoint>,
}

fn endpoints_body(req: &EndpointsRequest) -> String {
    let list: Vec<String> = req.endpoints.iter().map(Endpoint::to_json).collect();
    format!("{{\"endpoints\":[{}]}}", list.join(","))
}

/// `urlGroups.addEndpoints(req)`: `POST /v2/topics/{name}/endpoints` with
/// `{"endpoints":[...]}`; creates the group if missing; response ignored.
///
/// ```
/// use qstash_wasm::api::url_groups::{add_endpoints, Endpoint, EndpointsRequest};
/// let r = add_endpoints(&EndpointsRequest { name: "g".into(), endpoints: vec![Endpoint::new("https://a.com", Some("a".into()))] });
/// assert_eq!(r.body.unwrap().as_text(), Some(r#"{"endpoints":[{"name":"a","url":"https://a.com"}]}"#));
/// ```
pub fn add_endpoints(req: &EndpointsRequest) -> ApiRequest {
    ApiRequest::new(Method::Post, &["v2", "topics", &req.name, "endpoints"])
        .with_json_body(endpoints_body(req))
        .with_shape(ResponseShape::Ignore)
}

/// `urlGroups.removeEndpoints(req)`: `DELETE /v2/topics/{name}/endpoints`, same body.
pub fn remove_endpoints(req: &EndpointsRequest) -> ApiRequest {
    ApiRequest::new(Method::Delete, &["v2", "topics", &req.name, "endpoints"])
        .with_json_body(endpoints_body(req))
        .with_shape(ResponseShape::Ignore)
}

/// `urlGroups.list()`: `GET /v2/topics`.
pub fn list() -> ApiRequest {
    ApiRequest::new(Method::Get, &["v2", "topics"])
}

/// `urlGroups.get(name)`: `GET /v2/topics/{name}`.
pub fn get(name: &str) -> Result<ApiRequest> {
    assert_non_empty(name, "Url group name")?;
    Ok(ApiRequest::new(Method::Get, &["v2", "topics", name]))
}

/// `urlGroups.delete(name)`: `DELETE /v2/topics/{name}`; response ignored.
pub fn delete(name: &str) -> Result<ApiRequest> {
    assert_non_empty(name, "Url group name")?;
    Ok(ApiRequest::new(Method::Delete, &["v2", "topics", name]).with_shape(ResponseShape::Ignore))
}
