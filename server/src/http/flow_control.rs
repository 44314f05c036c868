//! Flow control: `GET /v2/flowControl[?search=]`, `GET /v2/flowControl/{key}`,
//! `POST /v2/flowControl/{key}/pause|resume|pin|unpin|resetRate|reset`,
//! `GET /v2/globalParallelism`.

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;

use super::auth::User;
use super::error::{json_response, ApiError, ApiResult};
use super::request::{query_pairs, Param, Query};
use crate::app::App;
use crate::parse::duration::parse_duration;
use crate::parse::flow_control::MAX_PERIOD_SECS;

/// `GET /v2/flowControl` → every key's state (optionally `?search=<substring>`).
pub async fn list(State(app): State<App>, user: User, req: Request) -> ApiResult {
    let q = Query::parse(&query_pairs(req.uri()), &["search"])?;
    let search = q.one("search")?;
    Ok(json_response(
        StatusCode::OK,
        &app.flow_control_list(user.0, search.as_deref()).await?,
    ))
}

/// `GET /v2/flowControl/{key}` (404 if unknown).
pub async fn get(State(app): State<App>, user: User, Param(key): Param) -> ApiResult {
    Ok(json_response(
        StatusCode::OK,
        &app.flow_control_get(user.0, &key).await?,
    ))
}

/// `POST /v2/flowControl/{key}/pause`: dispatch stops, the waitlist is kept.
pub async fn pause(State(app): State<App>, user: User, Param(key): Param) -> ApiResult {
    app.flow_control_pause(user.0, &key).await?;
    Ok(StatusCode::OK.into_response())
}

/// `POST /v2/flowControl/{key}/resume`.
pub async fn resume(State(app): State<App>, user: User, Param(key): Param) -> ApiResult {
    app.flow_control_resume(user.0, &key).await?;
    Ok(StatusCode::OK.into_response())
}

/// `POST /v2/flowControl/{key}/pin?parallelism=&rate=&period=` (period in seconds, or a
/// duration such as `1m`): messages can no longer change the pinned values.
pub async fn pin(State(app): State<App>, user: User, Param(key): Param, req: Request) -> ApiResult {
    let q = Query::parse(&query_pairs(req.uri()), &["parallelism", "rate", "period"])?;
    let positive = |name: &str| -> ApiResult<Option<u32>> {
        match q.u64(name)? {
            None => Ok(None),
            Some(0) => Err(ApiError::field(name, "must be at least 1")),
            Some(n) => u32::try_from(n)
                .map(Some)
                .map_err(|_| ApiError::field(name, format!("{n} is too large"))),
        }
    };
    let parallelism = positive("parallelism")?;
    let rate = positive("rate")?;
    let period = match q.one("period")? {
        None => None,
        Some(p) => {
            let secs = parse_duration(&p)
                .map_err(|e| ApiError::field("period", e.message()))?
                .as_secs();
            if secs == 0 {
                return Err(ApiError::field("period", "must be at least 1 second"));
            }
            if secs > MAX_PERIOD_SECS {
                return Err(ApiError::field("period", "exceeds the maximum of 1 week"));
            }
            Some(secs)
        }
    };
    if parallelism.is_none() && rate.is_none() && period.is_none() {
        return Err(ApiError::BadRequest(
            "invalid pin: give at least one of parallelism, rate or period".into(),
        ));
    }
    app.flow_control_pin(user.0, &key, parallelism, rate, period)
        .await?;
    Ok(StatusCode::OK.into_response())
}

/// `POST /v2/flowControl/{key}/unpin?parallelism=true&rate=true`.
pub async fn unpin(
    State(app): State<App>,
    user: User,
    Param(key): Param,
    req: Request,
) -> ApiResult {
    let q = Query::parse(&query_pairs(req.uri()), &["parallelism", "rate"])?;
    let parallelism = q.bool("parallelism")?.unwrap_or(false);
    let rate = q.bool("rate")?.unwrap_or(false);
    app.flow_control_unpin(user.0, &key, parallelism, rate)
        .await?;
    Ok(StatusCode::OK.into_response())
}

/// `POST /v2/flowControl/{key}/resetRate`: a new rate period starts now.
pub async fn reset_rate(State(app): State<App>, user: User, Param(key): Param) -> ApiResult {
    app.flow_control_reset_rate(user.0, &key).await?;
    Ok(StatusCode::OK.into_response())
}

/// `POST /v2/flowControl/{key}/reset`: resets parallelism and rate counters.
pub async fn reset(State(app): State<App>, user: User, Param(key): Param) -> ApiResult {
    app.flow_control_reset(user.0, &key).await?;
    Ok(StatusCode::OK.into_response())
}

/// `GET /v2/globalParallelism` → `{"parallelismMax", "parallelismCount"}`.
pub async fn global_parallelism(State(app): State<App>, user: User) -> ApiResult {
    Ok(json_response(
        StatusCode::OK,
        &app.global_parallelism(user.0).await?,
    ))
}
