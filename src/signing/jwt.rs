//! Compact JWS plumbing: splitting, base64url, and the protected header.
//!
//! # Decoding follows jose on Node, on purpose
//! The official Receiver runs jose 5, whose Node build decodes every segment with
//! `Buffer.from(segment, "base64url")`. That decoder never fails: it reads each UTF-16 code
//! unit's low byte, skips bytes outside the base64/base64url alphabets, stops at the first `=`,
//! and drops a dangling final character. So the official accepts e.g. a signature segment with
//! `=` padding or stray characters appended. [`decode_lenient`] reproduces that exactly, so both
//! Receivers accept the same tokens. This costs no security: the HMAC covers the header and
//! payload segments *as sent* (not their decoded bytes), and the signature must still decode to
//! exactly the right MAC. (jose's browser build, used by the official in Deno/workerd/browsers,
//! uses `atob` and rejects some of these spellings; we are the Node superset everywhere.)

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

use super::error::{Segment, TokenError};
use super::json::{self, Document, Value};
use super::sign::Algorithm;

/// Longest `Upstash-Signature` we look at. QStash tokens are well under 1 KiB plus the URL;
/// HTTP servers cap a header far below this. Bounding it keeps a hostile header cheap.
pub const MAX_TOKEN_LEN: usize = 64 * 1024;

/// Unpadded base64url, as JWS segments are written.
pub(crate) fn encode(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The value of one alphabet byte, accepting both the standard (`+/`) and URL-safe (`-_`)
/// alphabets as Node does.
#[inline(always)]
fn sextet(byte: u8) -> Option<u8> {
    match byte {
        b'A'..=b'Z' => Some(byte - b'A'),
        b'a'..=b'z' => Some(byte - b'a' + 26),
        b'0'..=b'9' => Some(byte - b'0' + 52),
        b'+' | b'-' => Some(62),
        b'/' | b'_' => Some(63),
        _ => None,
    }
}

/// `Buffer.from(segment, "base64url")` on Node (see the module doc). Linear, never fails.
pub(crate) fn decode_lenient(segment: &str) -> Vec<u8> {
    // Every real segment is canonical unpadded base64url, which the strict (and much faster)
    // decoder accepts; on such input Node's decoder gives the same bytes. Anything else (`=`,
    // stray characters, the standard alphabet, non-zero trailing bits, a dangling character)
    // takes the lenient decoder below.
    if let Ok(bytes) = URL_SAFE_NO_PAD.decode(segment) {
        return bytes;
    }
    if segment.is_ascii() {
        // Every real token: the code units are the bytes.
        decode_units(segment.as_bytes().iter().copied(), segment.len())
    } else {
        // V8 hands Node the string's UTF-16 code units; the decoder truncates each to a byte.
        let units = segment.encode_utf16().map(|unit| unit as u8);
        decode_units(units, segment.encode_utf16().count())
    }
}

fn decode_units(units: impl Iterator<Item = u8> + Clone, len: usize) -> Vec<u8> {
    // Node sizes the output from the raw length (minus up to two trailing `=`) and never
    // writes past it.
    let capacity = if len >= 2 {
        let mut tail = units.clone().skip(len - 2);
        let (second_last, last) = (tail.next(), tail.next());
        let mut size = len;
        if last == Some(b'=') {
            size -= 1;
            if second_last == Some(b'=') {
                size -= 1;
            }
        }
        let (groups, rest) = (size / 4, size % 4);
        let mut bytes = groups * 3;
        if rest != 0 && !(bytes == 0 && rest == 1) {
            bytes += 1 + usize::from(rest == 3);
        }
        bytes
    } else {
        0
    };

    let mut out = Vec::with_capacity(capacity);
    let mut acc: u32 = 0;
    let mut have = 0u8;
    for unit in units {
        if unit == b'=' {
            break;
        }
        let Some(value) = sextet(unit) else { continue };
        acc = (acc << 6) | u32::from(value);
        have += 1;
        if have == 4 {
            out.extend_from_slice(&[(acc >> 16) as u8, (acc >> 8) as u8, acc as u8]);
            acc = 0;
            have = 0;
        }
    }
    match have {
        2 => out.push((acc >> 4) as u8),
        3 => out.extend_from_slice(&[(acc >> 10) as u8, (acc >> 2) as u8]),
        _ => {}
    }
    out.truncate(capacity);
    out
}

/// The three segments of a compact JWS, borrowed from the token.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Parts<'a> {
    pub(crate) header: &'a str,
    pub(crate) payload: &'a str,
    pub(crate) signature: &'a str,
}

/// `jws.split('.')` must give exactly three parts (`Invalid Compact JWS`).
pub(crate) fn split(token: &str) -> Result<Parts<'_>, TokenError> {
    if token.len() > MAX_TOKEN_LEN {
        return Err(TokenError::TooLarge {
            len: token.len(),
            max: MAX_TOKEN_LEN,
        });
    }
    let mut parts = token.split('.');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(header), Some(payload), Some(signature), None) => Ok(Parts {
            header,
            payload,
            signature,
        }),
        _ => Err(TokenError::InvalidJws {
            segment: Segment::Token,
            message: "Invalid Compact JWS".to_owned(),
            detail: Some(format!(
                "expected 3 '.'-separated segments, found {}",
                token.split('.').count()
            )),
        }),
    }
}

/// What the protected header decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Header {
    pub(crate) alg: Algorithm,
    /// `crit` lists `b64` and `b64` is `false`: an unencoded payload, which jose's `jwtVerify`
    /// rejects after the signature check.
    pub(crate) unencoded_payload: bool,
}

fn invalid_header(message: impl Into<String>) -> TokenError {
    TokenError::InvalidJws {
        segment: Segment::Header,
        message: message.into(),
        detail: None,
    }
}

/// jose's `/^A\d{3}(?:GCM)?KW$/`.
fn is_aes_kw(alg: &str) -> bool {
    let Some(rest) = alg.strip_prefix('A') else {
        return false;
    };
    let Some(rest) = rest.strip_suffix("KW") else {
        return false;
    };
    let rest = rest.strip_suffix("GCM").unwrap_or(rest);
    rest.len() == 3 && rest.bytes().all(|b| b.is_ascii_digit())
}

/// Decode and check the protected header in jose 5's order (`flattenedVerify`, then the key
/// type checks a `Uint8Array` secret goes through).
pub(crate) fn header(segment: &str) -> Result<Header, TokenError> {
    // `if (jws.protected)`: an empty segment is an empty header, not invalid JSON.
    let bytes;
    let text;
    let doc = if segment.is_empty() {
        Document::Object(Vec::new())
    } else {
        bytes = decode_lenient(segment);
        text = json::decode_text(&bytes);
        json::parse(&text).ok_or_else(|| invalid_header("JWS Protected Header is invalid"))?
    };
    // A non-object header (e.g. `"HS256"`) parses but has no `alg`/`crit`/`b64`; `get` gives
    // `None` for it, which is what `{...parsed}.alg` gives in JS.

    let mut b64_extension = false;
    if let Some(crit) = doc.get("crit") {
        let names = match crit {
            Value::Array(items) if !items.is_empty() => items
                .iter()
                .map(|item| match item {
                    Value::String(s) if !s.value.is_empty() => Some(s),
                    _ => None,
                })
                .collect::<Option<Vec<_>>>(),
            _ => None,
        }
        .ok_or_else(|| {
            invalid_header(
                "\"crit\" (Critical) Header Parameter MUST be an array of non-empty strings when present",
            )
        })?;
        for name in names {
            if !name.is("b64") {
                return Err(TokenError::NotSupported {
                    message: format!(
                        "Extension Header Parameter \"{}\" is not recognized",
                        name.value
                    ),
                });
            }
            if doc.get("b64").is_none() {
                return Err(invalid_header(
                    "Extension Header Parameter \"b64\" is missing",
                ));
            }
        }
        b64_extension = true;
    }
    let mut unencoded_payload = false;
    if b64_extension {
        match doc.get("b64") {
            Some(Value::Bool(b64)) => unencoded_payload = !b64,
            _ => {
                return Err(invalid_header(
                    "The \"b64\" (base64url-encode payload) Header Parameter must be a boolean",
                ))
            }
        }
    }

    let alg = match doc.get("alg") {
        Some(Value::String(alg)) if !alg.value.is_empty() => alg,
        _ => {
            return Err(invalid_header(
                "JWS \"alg\" (Algorithm) Header Parameter missing or invalid",
            ))
        }
    };
    let name: &str = &alg.value;
    let symmetric =
        name.starts_with("HS") || name == "dir" || name.starts_with("PBES2") || is_aes_kw(name);
    if !symmetric {
        return Err(TokenError::AlgNotAllowed {
            alg: alg.value.to_string(),
            message: format!(
                "Key for the {name} algorithm must be one of type KeyObject, CryptoKey, or JSON Web Key. Received an instance of Uint8Array"
            ),
        });
    }
    if !name.starts_with("HS") {
        return Err(TokenError::AlgNotAllowed {
            alg: alg.value.to_string(),
            message:
                "Key must be one of type KeyObject or CryptoKey. Received an instance of Uint8Array"
                    .to_owned(),
        });
    }
    let alg = match name {
        _ if !alg.exact => None,
        "HS256" => Some(Algorithm::Hs256),
        "HS384" => Some(Algorithm::Hs384),
        "HS512" => Some(Algorithm::Hs512),
        _ => None,
    }
    .ok_or_else(|| TokenError::NotSupported {
        message: format!("alg {name} is not supported either by JOSE or your javascript runtime"),
    })?;
    Ok(Header {
        alg,
        unencoded_payload,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lenient_decode_matches_node_buffer() {
        // Expected values printed by Node 20: Buffer.from(s, "base64url").toString("hex").
        let cases: &[(&str, &str)] = &[
            ("QUJD", "414243"),
            ("QUJD=", "414243"),
            ("QUI=", "4142"),
            ("QUI", "4142"),
            ("QUJ", "4142"),
            ("QUI==", "4142"),
            ("QU!JD", "414243"),
            ("QU JD", "414243"),
            ("QUJDR", "414243"),
            ("Q", ""),
            ("QQ", "41"),
            ("QQ=", "41"),
            ("Q=Q", ""),
            ("QUI=QUI", "4142"),
            ("+/+/", "fbffbf"),
            ("-_-_", "fbffbf"),
            ("QR", "41"),
            ("QUJD==", "414243"),
            ("QU=JD", "41"),
            ("\u{e9}QUJD", "414243"),
            ("QU\u{141}JD", "414009"),
            ("QU\u{c1}JD", "414243"),
        ];
        for (input, hex) in cases {
            let got: String = decode_lenient(input)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            assert_eq!(&got, hex, "{input:?}");
        }
    }

    #[test]
    fn aes_kw_pattern() {
        assert!(is_aes_kw("A128KW"));
        assert!(is_aes_kw("A256GCMKW"));
        assert!(!is_aes_kw("A12KW"));
        assert!(!is_aes_kw("A128GCM"));
    }
}
