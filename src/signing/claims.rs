//! The claims QStash signs, and jose 5's claim checks (`lib/jwt_claims_set.js`).

use serde::{Deserialize, Serialize};

use super::error::{Claim, ClaimReason, TokenError};
use super::json::{Document, Value};
use super::sign::body_hash;
use super::verify::{KeySlot, VerifiedClaims};

/// How long a QStash signature is valid: `exp = iat + 300` ("lifetime of 5 minutes").
pub const DELIVERY_TOKEN_LIFETIME_SECS: u64 = 300;

/// The issuer QStash puts in `iss` and every Receiver requires.
pub const ISSUER: &str = "Upstash";

/// The claims of an `Upstash-Signature` token, in QStash's documented order.
///
/// ```
/// use qstash_wasm::signing::Claims;
/// let claims = Claims::for_delivery("https://example.com", b"{}", 1_700_000_000, "jwt_1".into());
/// assert_eq!(claims.exp - claims.iat, 300);
/// assert_eq!(claims.nbf, 0);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Claims {
    /// Issuer; QStash always sends `"Upstash"`.
    pub iss: String,
    /// Subject: the URL the request is delivered to (the endpoint, or the callback URL).
    pub sub: String,
    /// Expiry, unix seconds.
    pub exp: i64,
    /// Not-before, unix seconds; QStash sends 0 since September 2024.
    pub nbf: i64,
    /// Issued-at, unix seconds.
    pub iat: i64,
    /// Unique token id, e.g. `jwt_67kxXD6UBAk7DqU6hzuHMDdXFXfP`.
    pub jti: String,
    /// [`body_hash`] of the delivered body (padded base64url SHA-256).
    pub body: String,
}

impl Claims {
    /// The claims QStash sends with a delivery to `url` at `now_secs`: `iss: "Upstash"`,
    /// `sub: url`, `iat: now`, `exp: now + 300`, `nbf: 0`, the caller's `jti` (the crate has no
    /// randomness of its own), and `body: body_hash(body)`.
    pub fn for_delivery(url: &str, body: &[u8], now_secs: u64, jti: String) -> Claims {
        // Unix seconds fit an i64 for the next 292 billion years; saturate rather than wrap.
        let now = i64::try_from(now_secs).unwrap_or(i64::MAX);
        Claims {
            iss: ISSUER.to_owned(),
            sub: url.to_owned(),
            exp: now.saturating_add(DELIVERY_TOKEN_LIFETIME_SECS as i64),
            nbf: 0,
            iat: now,
            jti,
            body: body_hash(body),
        }
    }

    /// Compact JSON in the documented member order. Written by hand so signing cannot fail.
    pub(crate) fn to_json(&self) -> String {
        let mut out = String::with_capacity(64 + self.sub.len() + self.jti.len() + self.body.len());
        out.push_str("{\"iss\":");
        push_json_string(&mut out, &self.iss);
        out.push_str(",\"sub\":");
        push_json_string(&mut out, &self.sub);
        out.push_str(&format!(
            ",\"exp\":{},\"nbf\":{},\"iat\":{},\"jti\":",
            self.exp, self.nbf, self.iat
        ));
        push_json_string(&mut out, &self.jti);
        out.push_str(",\"body\":");
        push_json_string(&mut out, &self.body);
        out.push('}');
        out
    }
}

/// Append `s` as a JSON string literal (RFC 8259 escaping).
fn push_json_string(out: &mut String, s: &str) {
    out.push('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn string_claim(doc: &Document, name: &str) -> Option<String> {
    match doc.get(name) {
        Some(Value::String(s)) if s.exact => Some(s.value.to_string()),
        _ => None,
    }
}

fn number_claim(doc: &Document, name: &str) -> Option<f64> {
    match doc.get(name) {
        Some(Value::Number(n)) => Some(*n),
        _ => None,
    }
}

/// jose 5 `jwtPayload(header, payload, { issuer: "Upstash", clockTolerance })`, in its order.
/// `now` and the tolerance meet in f64 arithmetic, as they do in JS.
pub(crate) fn check(doc: &Document, now: u64, tolerance: f64) -> Result<(), TokenError> {
    if !matches!(doc, Document::Object(_)) {
        return Err(TokenError::InvalidJwt {
            message: "JWT Claims Set must be a top-level JSON object",
        });
    }
    let failed = |claim, reason, detail: Option<String>| TokenError::ClaimFailed {
        claim,
        reason,
        detail,
    };
    match doc.get("iss") {
        None => return Err(failed(Claim::Iss, ClaimReason::Missing, None)),
        Some(Value::String(iss)) if iss.is(ISSUER) => {}
        Some(other) => {
            return Err(failed(
                Claim::Iss,
                ClaimReason::CheckFailed,
                Some(format!(
                    "got {}, want {ISSUER}",
                    Value::js_display(Some(other))
                )),
            ))
        }
    }
    let (now_f, tol_f) = (now as f64, tolerance);
    if let Some(iat) = doc.get("iat") {
        if !matches!(iat, Value::Number(_)) {
            return Err(failed(Claim::Iat, ClaimReason::Invalid, None));
        }
    }
    if let Some(nbf) = doc.get("nbf") {
        let Value::Number(nbf) = *nbf else {
            return Err(failed(Claim::Nbf, ClaimReason::Invalid, None));
        };
        if nbf > now_f + tol_f {
            return Err(failed(
                Claim::Nbf,
                ClaimReason::CheckFailed,
                Some(format!(
                    "nbf {} > now {now} + clock tolerance {}s",
                    crate::api::js_number_to_string(nbf),
                    crate::api::js_number_to_string(tolerance)
                )),
            ));
        }
    }
    if let Some(exp) = doc.get("exp") {
        let Value::Number(exp) = *exp else {
            return Err(failed(Claim::Exp, ClaimReason::Invalid, None));
        };
        if exp <= now_f - tol_f {
            return Err(TokenError::Expired {
                exp,
                now,
                tolerance,
            });
        }
    }
    Ok(())
}

/// The claims of a verified token.
pub(crate) fn verified(doc: &Document, key: KeySlot, alg: super::Algorithm) -> VerifiedClaims {
    VerifiedClaims {
        key,
        alg,
        iss: ISSUER.to_owned(),
        sub: string_claim(doc, "sub"),
        exp: number_claim(doc, "exp"),
        nbf: number_claim(doc, "nbf"),
        iat: number_claim(doc, "iat"),
        jti: string_claim(doc, "jti"),
        body: string_claim(doc, "body"),
    }
}

/// A time span as jose 5 reads `clockTolerance` strings (its `secs`), in seconds: an optional
/// sign, a number, an optional space, a unit (`s`, `sec(s)`, `second(s)`, `m`, `min(s)`,
/// `minute(s)`, `h`, `hr(s)`, `hour(s)`, `d`, `day(s)`, `w`, `week(s)`, `y`, `yr(s)`,
/// `year(s)`; any case), and optionally ` ago` (negative) or ` from now`. Rounded to whole
/// seconds as jose does; `None` where jose throws "Invalid time period format".
///
/// ```
/// use qstash_wasm::signing::time_span_secs;
/// assert_eq!(time_span_secs("5s"), Some(5.0));
/// assert_eq!(time_span_secs("1.5 minutes"), Some(90.0));
/// assert_eq!(time_span_secs("-2h"), Some(-7200.0));
/// assert_eq!(time_span_secs("1 day ago"), Some(-86400.0));
/// assert_eq!(time_span_secs("5"), None); // a unit is required
/// assert_eq!(time_span_secs("-1 day ago"), None); // sign and suffix together
/// ```
pub fn time_span_secs(text: &str) -> Option<f64> {
    let lower = text.to_ascii_lowercase();
    let mut s = lower.as_str();
    let sign = match s.as_bytes().first() {
        Some(b'+') | Some(b'-') => {
            let c = s.as_bytes()[0];
            s = &s[1..];
            Some(c)
        }
        _ => None,
    };
    s = s.strip_prefix(' ').unwrap_or(s);
    let digits = |t: &str| t.bytes().take_while(u8::is_ascii_digit).count();
    let int_len = digits(s);
    if int_len == 0 {
        return None;
    }
    let mut num_len = int_len;
    if s[int_len..].starts_with('.') {
        let frac = digits(&s[int_len + 1..]);
        if frac > 0 {
            num_len = int_len + 1 + frac;
        }
    }
    let value = decimal(&s[..int_len], s.get(int_len + 1..num_len).unwrap_or(""));
    s = &s[num_len..];
    s = s.strip_prefix(' ').unwrap_or(s);
    let (unit, suffix) = match s.split_once(' ') {
        Some((u, rest)) => (u, Some(rest)),
        None => (s, None),
    };
    let ago = match suffix {
        None => false,
        Some("ago") => true,
        Some("from now") => false,
        Some(_) => return None,
    };
    if suffix.is_some() && sign.is_some() {
        return None;
    }
    let unit_secs = match unit {
        "s" | "sec" | "secs" | "second" | "seconds" => 1.0,
        "m" | "min" | "mins" | "minute" | "minutes" => 60.0,
        "h" | "hr" | "hrs" | "hour" | "hours" => 3_600.0,
        "d" | "day" | "days" => 86_400.0,
        "w" | "week" | "weeks" => 604_800.0,
        "y" | "yr" | "yrs" | "year" | "years" => 86_400.0 * 365.25,
        _ => return None,
    };
    // Math.round: halves go up.
    let secs = (value * unit_secs + 0.5).floor();
    Some(if sign == Some(b'-') || ago {
        -secs
    } else {
        secs
    })
}

/// `parseFloat` of `int.frac` (ASCII digits), without Rust's general float parser (which would
/// add ~20 KB to the wasm). Exact while the digits fit 2^53 and at most 22 are after the point:
/// then one division of two exactly representable doubles is correctly rounded, as
/// `parseFloat` is; longer inputs (absurd for a clock tolerance) are summed approximately.
fn decimal(int: &str, frac: &str) -> f64 {
    const POW10: [f64; 23] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
        1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];
    let mut mantissa: u64 = 0;
    let mut exact = true;
    for b in int.bytes().chain(frac.bytes()) {
        match mantissa
            .checked_mul(10)
            .and_then(|m| m.checked_add(u64::from(b - b'0')))
        {
            Some(m) if m < (1 << 53) => mantissa = m,
            _ => exact = false,
        }
    }
    if exact && frac.len() < POW10.len() {
        return mantissa as f64 / POW10[frac.len()];
    }
    let mut value = 0.0;
    for b in int.bytes() {
        value = value * 10.0 + f64::from(b - b'0');
    }
    let mut scale = 0.1;
    for b in frac.bytes() {
        value += f64::from(b - b'0') * scale;
        scale /= 10.0;
    }
    value
}
