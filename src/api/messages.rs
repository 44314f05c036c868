//! Messages: `client.messages` (`get`, `cancel`, deprecated `delete`).

use super::filter::{bulk_query, BulkRequest};
use super::{assert_non_empty, ApiRequest, Call, Method, ResponseShape};
use crate::error::Result;

/// `messages.get(id)`: `GET /v2/messages/{id}`; the result gets `urlGroup = topicName` and
/// `ratePerSecond = rate`.
///
/// ```
/// let r = qstash_wasm::api::messages::get("msg_1").unwrap();
/// assert_eq!(r.url("https://q.io"), "https://q.io/v2/messages/msg_1");
/// assert!(qstash_wasm::api::messages::get("").is_err());
/// ```
pub fn get(message_id: &str) -> Result<ApiRequest> {
    assert_non_empty(message_id, "Message id")?;
    Ok(
        ApiRequest::new(Method::Get, &["v2", "messages", message_id])
            .with_shape(ResponseShape::Message),
    )
}

/// `messages.cancel(...)`, returning `{cancelled}`:
/// - one id → `DELETE /v2/messages/{id}`;
/// - ids → `DELETE /v2/messages?messageIds=a&messageIds=b` (`[]` → `{cancelled: 0}`, no
///   request);
/// - `{filter, count?}` → `DELETE /v2/messages?<filter>&count=<count ?? 100>`;
/// - `{all: true, count?}` → `DELETE /v2/messages?count=<count ?? 100>`.
///
/// ```
/// use qstash_wasm::api::{messages, filter::BulkRequest};
/// let c = messages::cancel(&BulkRequest::Ids(vec!["a".into(), "b".into()])).unwrap();
/// assert_eq!(c.request().unwrap().url("https://q.io"), "https://q.io/v2/messages?messageIds=a&messageIds=b");
/// ```
pub fn cancel(req: &BulkRequest) -> Result<Call> {
    match req {
        BulkRequest::Id(id) => {
            assert_non_empty(id, "Message id")?;
            Ok(Call::Send(ApiRequest::new(
                Method::Delete,
                &["v2", "messages", id],
            )))
        }
        BulkRequest::Ids(ids) if ids.is_empty() => {
            Ok(Call::Done(serde_json::json!({"cancelled": 0})))
        }
        BulkRequest::Ids(ids) => {
            let sel = super::filter::BulkSelect {
                message_ids: Some(ids.clone()),
                ..Default::default()
            };
            cancel(&BulkRequest::Select(sel))
        }
        BulkRequest::Select(sel) => {
            let mut r = ApiRequest::new(Method::Delete, &["v2", "messages"]);
            r.query = bulk_query(sel)?.into_pairs()?;
            Ok(Call::Send(r))
        }
    }
}

/// Deprecated `messages.delete(id)`: `DELETE /v2/messages/{id}`, body ignored.
pub fn delete(message_id: &str) -> Result<ApiRequest> {
    assert_non_empty(message_id, "Message id")?;
    Ok(
        ApiRequest::new(Method::Delete, &["v2", "messages", message_id])
            .with_shape(ResponseShape::Ignore),
    )
}
