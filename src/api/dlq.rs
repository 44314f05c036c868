//! The dead-letter queue: `client.dlq` (`listMessages`, `delete`, `retry`), plus `get` of
//! one DLQ message (a server endpoint the official JS SDK does not wrap).

use serde::Deserialize;

use super::filter::{bulk_query, BulkRequest, BulkSelect, Filter, QueryValueDe};
use super::{
    assert_non_empty, js_number_to_string, ApiRequest, Call, Method, QueryObject, QueryValue,
    ResponseShape,
};
use crate::error::Result;

/// Options of `dlq.listMessages`: either `dlqIds`, or a `filter` with a `cursor`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ListRequest {
    /// Page size. Default: the server's (100).
    #[serde(default)]
    pub count: Option<f64>,
    /// Fetch these DLQ ids (string or array; `[]` is an error). When set, `filter` and
    /// `cursor` are ignored. Default: none.
    #[serde(default)]
    pub dlq_ids: Option<QueryValueDe>,
    /// Filter. Default: none (everything).
    #[serde(default)]
    pub filter: Option<Filter>,
    /// Cursor from the previous page. Default: first page.
    #[serde(default)]
    pub cursor: Option<String>,
}

/// `dlq.listMessages(opts)`: `GET /v2/dlq?count&(dlqIds | <filter>&cursor)`. The result is
/// `{messages, cursor?}` with each message reshaped like a `Message`.
///
/// ```
/// use qstash_wasm::api::{dlq, filter::Filter};
/// let r = dlq::list_messages(&dlq::ListRequest { filter: Some(Filter::new().url("https://a.com")), ..Default::default() }).unwrap();
/// assert_eq!(r.url("https://q.io"), "https://q.io/v2/dlq?url=https%3A%2F%2Fa.com");
/// ```
pub fn list_messages(opts: &ListRequest) -> Result<ApiRequest> {
    let mut q = QueryObject::new();
    q.set(
        "count",
        opts.count.map(|c| QueryValue::One(js_number_to_string(c))),
    );
    if let Some(ids) = &opts.dlq_ids {
        q.set("dlqIds", Some(ids.0.clone()));
    } else {
        if let Some(f) = &opts.filter {
            f.spread_renamed(&mut q);
        }
        q.set("cursor", opts.cursor.clone().map(QueryValue::One));
    }
    let mut r = ApiRequest::new(Method::Get, &["v2", "dlq"]).with_shape(ResponseShape::DlqList);
    r.query = q.into_pairs()?;
    Ok(r)
}

fn bulk(req: &BulkRequest, method: Method, path: &[&str], shape: ResponseShape) -> Result<Call> {
    let sel = match req {
        BulkRequest::Select(sel) => sel.clone(),
        BulkRequest::Ids(ids) => BulkSelect {
            dlq_ids: Some(QueryValueDe(QueryValue::Many(ids.clone()))),
            ..Default::default()
        },
        BulkRequest::Id(id) => BulkSelect {
            dlq_ids: Some(QueryValueDe(QueryValue::Many(vec![id.clone()]))),
            ..Default::default()
        },
    };
    let mut r = ApiRequest::new(method, path).with_shape(shape);
    r.query = bulk_query(&sel)?.into_pairs()?;
    Ok(Call::Send(r))
}

/// `dlq.delete(...)`, returning `{deleted, cursor?}`:
/// - one id → `DELETE /v2/dlq/{id}` (body ignored, result `{deleted: 1}`);
/// - ids → `DELETE /v2/dlq?dlqIds=...` (`[]` → `{deleted: 0}`, no request);
/// - `{dlqIds}`, `{filter, count?, cursor?}`, `{all: true, count?, cursor?}` → query forms
///   (`count` defaults to 100 for filter/all; `{dlqIds: []}` is an error).
pub fn delete(req: &BulkRequest) -> Result<Call> {
    match req {
        BulkRequest::Id(id) => {
            assert_non_empty(id, "DLQ id")?;
            Ok(Call::Send(
                ApiRequest::new(Method::Delete, &["v2", "dlq", id])
                    .with_shape(ResponseShape::Fixed(serde_json::json!({"deleted": 1}))),
            ))
        }
        BulkRequest::Ids(ids) if ids.is_empty() => {
            Ok(Call::Done(serde_json::json!({"deleted": 0})))
        }
        _ => bulk(req, Method::Delete, &["v2", "dlq"], ResponseShape::Json),
    }
}

/// `dlq.retry(...)`: `POST /v2/dlq/retry` with the same query forms as [`delete`] (one id is
/// sent as `?dlqIds=<id>`; `[]` → `{responses: []}`, no request). The result
/// `{cursor?, responses: [{messageId}]}` has an empty cursor removed.
pub fn retry(req: &BulkRequest) -> Result<Call> {
    match req {
        BulkRequest::Ids(ids) if ids.is_empty() => {
            Ok(Call::Done(serde_json::json!({"responses": []})))
        }
        _ => bulk(
            req,
            Method::Post,
            &["v2", "dlq", "retry"],
            ResponseShape::NormalizeCursor,
        ),
    }
}

/// `GET /v2/dlq/{dlqId}`: one DLQ message (not wrapped by the official JS SDK; PY has it).
pub fn get(dlq_id: &str) -> Result<ApiRequest> {
    assert_non_empty(dlq_id, "DLQ id")?;
    Ok(ApiRequest::new(Method::Get, &["v2", "dlq", dlq_id]).with_shape(ResponseShape::Message))
}
