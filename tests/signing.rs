//! Vectors for every acceptance rule and every rejection of `signing::Verifier`, which must
//! accept exactly what `@upstash/qstash`'s `Receiver.verify` (jose 5 on Node) accepts.
//!
//! Tokens with unusual headers or payloads are built by `raw()` below with `hmac`/`sha2`
//! directly, not with our `sign`, so a bug in `sign` cannot hide one in `verify`.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use proptest::prelude::*;
use qstash_wasm::signing::{
    body_hash, sign, Algorithm, Claim, ClaimReason, Claims, KeySlot, Segment, TokenError, Verifier,
    VerifyError, VerifyOptions, MAX_TOKEN_LEN,
};
use sha2::{Digest, Sha256, Sha384, Sha512};

const CURRENT: &str = "sig_7kYjw48mhY7kAjqNGcy6cr29RJ6r";
const NEXT: &str = "sig_5ZB6DVzB1wjE8S6rZ7eenA8Pdnhs";
const NOW: u64 = 1_700_000_000;
const URL: &str = "https://example.com/api/webhook";
const BODY: &[u8] = b"{\"hello\":\"world\"}";

fn verifier() -> Verifier {
    Verifier::new(CURRENT, NEXT)
}

fn at(now: u64) -> VerifyOptions<'static> {
    VerifyOptions {
        url: None,
        clock_tolerance: 0.0,
        now,
    }
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn unpadded_hash(body: &[u8]) -> String {
    b64(&Sha256::digest(body))
}

/// A compact JWS over arbitrary header and payload text, MACed independently of `sign`.
fn raw(key: &str, alg: &str, header: &str, payload: &str) -> String {
    let signing_input = format!("{}.{}", b64(header.as_bytes()), b64(payload.as_bytes()));
    let tag = match alg {
        "HS384" => {
            let mut mac = Hmac::<Sha384>::new_from_slice(key.as_bytes()).unwrap();
            mac.update(signing_input.as_bytes());
            mac.finalize().into_bytes().to_vec()
        }
        "HS512" => {
            let mut mac = Hmac::<Sha512>::new_from_slice(key.as_bytes()).unwrap();
            mac.update(signing_input.as_bytes());
            mac.finalize().into_bytes().to_vec()
        }
        _ => {
            let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).unwrap();
            mac.update(signing_input.as_bytes());
            mac.finalize().into_bytes().to_vec()
        }
    };
    format!("{signing_input}.{}", b64(&tag))
}

/// A token with an HS256 header and `payload` as the claims text.
fn with_payload(key: &str, payload: &str) -> String {
    raw(key, "HS256", r#"{"alg":"HS256","typ":"JWT"}"#, payload)
}

/// A token with `header` and a valid QStash payload for `BODY` at `NOW`.
fn with_header(key: &str, header: &str) -> String {
    raw(key, "HS256", header, &good_payload())
}

fn good_payload() -> String {
    format!(
        r#"{{"iss":"Upstash","sub":"{URL}","exp":{},"nbf":0,"iat":{NOW},"jti":"jwt_1","body":"{}"}}"#,
        NOW + 300,
        body_hash(BODY)
    )
}

fn delivery() -> Claims {
    Claims::for_delivery(URL, BODY, NOW, "jwt_test".into())
}

/// Both keys failed with the same key-independent error.
#[track_caller]
fn assert_rejected_same(err: &VerifyError, code: &str, message: &str) {
    match err {
        VerifyError::Rejected { current, next } => {
            assert_eq!(current, next, "both keys should fail alike");
            assert_eq!(current.code(), code);
            assert_eq!(current.jose_message(), message);
        }
        other => panic!("expected Rejected, got {other:?}"),
    }
    assert_eq!(err.code(), code);
    assert!(
        err.to_string().starts_with(message),
        "{:?} should start with {message:?}",
        err.to_string()
    );
    assert!(err.to_string().ends_with("(current key and next key)"));
}

/// The current key verified the signature but the claims failed; the next key's MAC did not.
#[track_caller]
fn assert_claims_rejected(err: &VerifyError, code: &str, message: &str) {
    match err {
        VerifyError::Rejected { current, next } => {
            assert_eq!(current.code(), code);
            assert_eq!(current.jose_message(), message);
            assert_eq!(next, &TokenError::SignatureMismatch);
        }
        other => panic!("expected Rejected, got {other:?}"),
    }
    assert_eq!(err.code(), code);
    let text = err.to_string();
    assert!(text.starts_with(message), "{text}");
    assert!(
        text.contains(&format!("(current key: {message}"))
            && text.ends_with("; next key: signature verification failed (signature segment))"),
        "{text}"
    );
}

// ---------------------------------------------------------------------------------------------
// Independently minted vectors.

/// Minted by jose 5.10.0 (the official SDK's copy) the way `src/receiver.test.ts` does:
/// `new SignJWT({ body }).setProtectedHeader({ alg: "HS256", typ: "JWT" }).setIssuer("Upstash")
///  .setSubject(URL).setExpirationTime(iat + 300).setNotBefore(0).setIssuedAt(1700000000)
///  .setJti("jwt_fixture_1").sign(new TextEncoder().encode(CURRENT))`, with
/// `body = createHash("sha256").update(BODY).digest("base64url") + "="` (node:crypto; padded
/// like QStash's docs).
const JOSE_HS256_PADDED: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJib2R5IjoiazZJNWNha1U1ZXJMOEtqU1VWVE5vd25Ed2NjdnU1a1UxSHhnODh0b0ZZZz0iLCJpc3MiOiJVcHN0YXNoIiwic3ViIjoiaHR0cHM6Ly9leGFtcGxlLmNvbS9hcGkvd2ViaG9vayIsImV4cCI6MTcwMDAwMDMwMCwibmJmIjowLCJpYXQiOjE3MDAwMDAwMDAsImp0aSI6Imp3dF9maXh0dXJlXzEifQ.DcJl50Hsls6Ym7L5gakwlW7JsPuw-daRmWW795pXUJI";

/// Same recipe, HS512, signed with NEXT, empty body (unpadded hash), sub
/// `https://example.com/a?b=c`.
const JOSE_HS512_NEXT_EMPTY: &str = "eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9.eyJib2R5IjoiNDdERVFwajhIQlNhLV9USW1XLTVKQ2V1UWVSa201Tk1wSldaRzNoU3VGVSIsImlzcyI6IlVwc3Rhc2giLCJzdWIiOiJodHRwczovL2V4YW1wbGUuY29tL2E_Yj1jIiwiZXhwIjoxNzAwMDAwMzAwLCJuYmYiOjAsImlhdCI6MTcwMDAwMDAwMCwianRpIjoiand0X2ZpeHR1cmVfMSJ9.nClG4IO3eJH0OsJF0DscI0cEfP33WrGArZhRYkoKzoA6Dv8A2kUx7EYcfsgt1TiBicpgeOePNFvyO-zr1t7idQ";

#[test]
fn jose_minted_hs256_verifies() {
    let opts = VerifyOptions {
        url: Some(URL),
        clock_tolerance: 0.0,
        now: NOW + 10,
    };
    let claims = verifier().verify(JOSE_HS256_PADDED, BODY, &opts).unwrap();
    assert_eq!(claims.key, KeySlot::Current);
    assert_eq!(claims.alg, Algorithm::Hs256);
    assert_eq!(claims.iss, "Upstash");
    assert_eq!(claims.sub.as_deref(), Some(URL));
    assert_eq!(claims.exp, Some(1_700_000_300.0));
    assert_eq!(claims.nbf, Some(0.0));
    assert_eq!(claims.iat, Some(1_700_000_000.0));
    assert_eq!(claims.jti.as_deref(), Some("jwt_fixture_1"));
    assert_eq!(claims.body.as_deref(), Some(body_hash(BODY).as_str()));
}

#[test]
fn jose_minted_hs512_with_next_key_verifies() {
    let opts = VerifyOptions {
        url: Some("https://example.com/a?b=c"),
        clock_tolerance: 0.0,
        now: NOW,
    };
    let claims = verifier()
        .verify(JOSE_HS512_NEXT_EMPTY, b"", &opts)
        .unwrap();
    assert_eq!(claims.key, KeySlot::Next);
    assert_eq!(claims.alg, Algorithm::Hs512);
}

/// Our `sign` is byte-identical to jose's `SignJWT` given the same member order. Minted with
/// jose 5.10.0: `new SignJWT({iss, sub, exp, nbf, iat, jti, body}).setProtectedHeader({ alg,
/// typ: "JWT" }).sign(new TextEncoder().encode(CURRENT))` for the claims below (the body hash
/// from node:crypto over the UTF-8 of "a\u00e9\n\"q\"", plus "=").
#[test]
fn sign_is_byte_identical_to_jose() {
    let body = "a\u{e9}\n\"q\"".as_bytes();
    let claims = Claims {
        iss: "Upstash".into(),
        sub: "https://example.com/x?y=\"z\"\\".into(),
        exp: 1_700_000_300,
        nbf: 0,
        iat: 1_700_000_000,
        jti: "jwt_67kxXD6UBAk7DqU6hzuHMDdXFXfP".into(),
        body: body_hash(body),
    };
    assert_eq!(claims.body, "Bh5W318XRN2a7iwrW4upg1zE7vf7vm0Q45pAoJ_oefw=");
    let payload = "eyJpc3MiOiJVcHN0YXNoIiwic3ViIjoiaHR0cHM6Ly9leGFtcGxlLmNvbS94P3k9XCJ6XCJcXCIsImV4cCI6MTcwMDAwMDMwMCwibmJmIjowLCJpYXQiOjE3MDAwMDAwMDAsImp0aSI6Imp3dF82N2t4WEQ2VUJBazdEcVU2aHp1SE1EZFhGWGZQIiwiYm9keSI6IkJoNVczMThYUk4yYTdpd3JXNHVwZzF6RTd2Zjd2bTBRNDVwQW9KX29lZnc9In0";
    let cases = [
        (Algorithm::Hs256, "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9", "MT9k3fO6cXUtystWK0B2CpDRdfxbgH3SeZQ91vBNHiY"),
        (Algorithm::Hs384, "eyJhbGciOiJIUzM4NCIsInR5cCI6IkpXVCJ9", "qHsxglqGepd2WvXAWc5iakdlh6oMAtE6IF57ujC0BUwdHZvUTV4iecYFjpVE1piy"),
        (Algorithm::Hs512, "eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9", "AEpvdI94u9MDEr9eRxNaWengB0Mwa5kGRa4GGZjN4rJpBrBdJVB3C06aBzRZEPUJvWnto3sJuiFZeaXHc-bIRg"),
    ];
    for (alg, header, mac) in cases {
        assert_eq!(
            sign(CURRENT, &claims, alg),
            format!("{header}.{payload}.{mac}"),
            "{alg}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Signing helpers.

#[test]
fn body_hash_is_padded_base64url_sha256() {
    assert_eq!(
        body_hash(b""),
        "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU="
    );
    assert_eq!(body_hash(BODY), format!("{}=", unpadded_hash(BODY)));
    // URL-safe alphabet, never '+' or '/'.
    for i in 0..64u8 {
        let hash = body_hash(&[i; 7]);
        assert!(!hash.contains('+') && !hash.contains('/'), "{hash}");
    }
}

#[test]
fn for_delivery_has_qstash_shape() {
    let claims = Claims::for_delivery(URL, BODY, NOW, "jwt_abc".into());
    assert_eq!(
        claims,
        Claims {
            iss: "Upstash".into(),
            sub: URL.into(),
            exp: NOW as i64 + 300,
            nbf: 0,
            iat: NOW as i64,
            jti: "jwt_abc".into(),
            body: body_hash(BODY),
        }
    );
    let far = Claims::for_delivery(URL, BODY, u64::MAX, "j".into());
    assert_eq!((far.iat, far.exp), (i64::MAX, i64::MAX));
}

#[test]
fn sign_writes_the_qstash_header() {
    let token = sign(CURRENT, &delivery(), Algorithm::Hs256);
    let header = token.split('.').next().unwrap();
    assert_eq!(
        URL_SAFE_NO_PAD.decode(header).unwrap(),
        br#"{"alg":"HS256","typ":"JWT"}"#
    );
    assert!(!token.contains('='));
}

#[test]
fn algorithm_names_round_trip() {
    for alg in [Algorithm::Hs256, Algorithm::Hs384, Algorithm::Hs512] {
        assert_eq!(alg.as_str().parse::<Algorithm>(), Ok(alg));
        assert_eq!(alg.to_string(), alg.as_str());
    }
    assert!("hs256".parse::<Algorithm>().is_err());
    assert_eq!(Algorithm::default(), Algorithm::Hs256);
}

// ---------------------------------------------------------------------------------------------
// Keys.

#[test]
fn current_key_and_next_key_both_verify() {
    for (key, slot) in [(CURRENT, KeySlot::Current), (NEXT, KeySlot::Next)] {
        let token = sign(key, &delivery(), Algorithm::Hs256);
        let claims = verifier().verify(&token, BODY, &at(NOW)).unwrap();
        assert_eq!(claims.key, slot);
    }
}

#[test]
fn wrong_key_fails_with_both_keys_named() {
    let token = sign("sig_someoneelse", &delivery(), Algorithm::Hs256);
    let err = verifier().verify(&token, BODY, &at(NOW)).unwrap_err();
    assert_eq!(
        err,
        VerifyError::Rejected {
            current: TokenError::SignatureMismatch,
            next: TokenError::SignatureMismatch
        }
    );
    assert_eq!(err.code(), "ERR_JWS_SIGNATURE_VERIFICATION_FAILED");
    assert_eq!(
        err.to_string(),
        "signature verification failed (signature segment) (current key and next key)"
    );
}

#[test]
fn key_bytes_include_the_sig_prefix() {
    let token = sign(
        CURRENT.trim_start_matches("sig_"),
        &delivery(),
        Algorithm::Hs256,
    );
    let err = verifier().verify(&token, BODY, &at(NOW)).unwrap_err();
    assert_eq!(err.code(), "ERR_JWS_SIGNATURE_VERIFICATION_FAILED");
}

#[test]
fn empty_keys_never_verify() {
    let token = sign("", &delivery(), Algorithm::Hs256);
    let err = Verifier::new("", "")
        .verify(&token, BODY, &at(NOW))
        .unwrap_err();
    assert_eq!(
        err,
        VerifyError::Rejected {
            current: TokenError::EmptyKey,
            next: TokenError::EmptyKey
        }
    );
    assert_eq!(err.code(), "ERR_SIGNING_KEY_EMPTY");
    assert_eq!(
        err.to_string(),
        "signing key is empty (current key and next key)"
    );
    // An empty current key still falls back to a real next key.
    let token = sign(NEXT, &delivery(), Algorithm::Hs256);
    assert!(Verifier::new("", NEXT)
        .verify(&token, BODY, &at(NOW))
        .is_ok());
}

#[test]
fn verifier_debug_hides_keys() {
    let text = format!("{:?}", verifier());
    assert!(!text.contains(CURRENT) && !text.contains(NEXT), "{text}");
}

// ---------------------------------------------------------------------------------------------
// Algorithms.

#[test]
fn hs384_and_hs512_verify() {
    for alg in [Algorithm::Hs384, Algorithm::Hs512] {
        let token = sign(CURRENT, &delivery(), alg);
        assert_eq!(verifier().verify(&token, BODY, &at(NOW)).unwrap().alg, alg);
        let header = format!(r#"{{"alg":"{alg}"}}"#);
        let token = raw(NEXT, alg.as_str(), &header, &good_payload());
        assert_eq!(
            verifier().verify(&token, BODY, &at(NOW)).unwrap().key,
            KeySlot::Next
        );
    }
}

#[test]
fn header_alg_must_match_the_mac() {
    // HS384 header but an HS256 MAC: the MAC is checked with the header's algorithm.
    let token = raw(CURRENT, "HS256", r#"{"alg":"HS384"}"#, &good_payload());
    let err = verifier().verify(&token, BODY, &at(NOW)).unwrap_err();
    assert_rejected_same(
        &err,
        "ERR_JWS_SIGNATURE_VERIFICATION_FAILED",
        "signature verification failed",
    );
}

#[test]
fn alg_none_and_asymmetric_algs_are_rejected() {
    for alg in ["none", "RS256", "ES256", "EdDSA", "hs256", "XHS256"] {
        let header = format!(r#"{{"alg":"{alg}","typ":"JWT"}}"#);
        // Even with an empty or correct-looking signature.
        for token in [
            format!(
                "{}.{}.",
                b64(header.as_bytes()),
                b64(good_payload().as_bytes())
            ),
            with_header(CURRENT, &header),
        ] {
            let err = verifier().verify(&token, BODY, &at(NOW)).unwrap_err();
            assert_rejected_same(
                &err,
                "ERR_JOSE_ALG_NOT_ALLOWED",
                &format!("Key for the {alg} algorithm must be one of type KeyObject, CryptoKey, or JSON Web Key. Received an instance of Uint8Array"),
            );
            assert!(matches!(
                err,
                VerifyError::Rejected { current: TokenError::AlgNotAllowed { alg: ref a, .. }, .. } if a == alg
            ));
        }
    }
}

#[test]
fn symmetric_non_hmac_algs_are_rejected() {
    for alg in ["dir", "PBES2-HS256+A128KW", "A128KW", "A256GCMKW"] {
        let err = verifier()
            .verify(
                &with_header(CURRENT, &format!(r#"{{"alg":"{alg}"}}"#)),
                BODY,
                &at(NOW),
            )
            .unwrap_err();
        assert_rejected_same(
            &err,
            "ERR_JOSE_ALG_NOT_ALLOWED",
            "Key must be one of type KeyObject or CryptoKey. Received an instance of Uint8Array",
        );
    }
}

#[test]
fn unknown_hmac_algs_are_not_supported() {
    for alg in ["HS1", "HS", "HS256 ", "HS257"] {
        let err = verifier()
            .verify(
                &with_header(CURRENT, &format!(r#"{{"alg":"{alg}"}}"#)),
                BODY,
                &at(NOW),
            )
            .unwrap_err();
        assert_rejected_same(
            &err,
            "ERR_JOSE_NOT_SUPPORTED",
            &format!("alg {alg} is not supported either by JOSE or your javascript runtime"),
        );
    }
}

#[test]
fn missing_or_invalid_alg() {
    for header in [
        r#"{"typ":"JWT"}"#,
        r#"{"alg":""}"#,
        r#"{"alg":256}"#,
        r#"{"alg":null}"#,
        r#""HS256""#,
        "[1]",
        "null",
        "7",
    ] {
        let err = verifier()
            .verify(&with_header(CURRENT, header), BODY, &at(NOW))
            .unwrap_err();
        assert_rejected_same(
            &err,
            "ERR_JWS_INVALID",
            "JWS \"alg\" (Algorithm) Header Parameter missing or invalid",
        );
    }
    // An empty header segment is an empty header (jose: `if (jws.protected)`), not bad JSON.
    let token = format!(".{}.AAAA", b64(good_payload().as_bytes()));
    let err = verifier().verify(&token, BODY, &at(NOW)).unwrap_err();
    assert_rejected_same(
        &err,
        "ERR_JWS_INVALID",
        "JWS \"alg\" (Algorithm) Header Parameter missing or invalid",
    );
}

#[test]
fn header_duplicate_members_last_wins() {
    let token = with_header(CURRENT, r#"{"alg":"none","alg":"HS256"}"#);
    assert!(verifier().verify(&token, BODY, &at(NOW)).is_ok());
    let token = with_header(CURRENT, r#"{"alg":"HS256","alg":"none"}"#);
    assert!(verifier().verify(&token, BODY, &at(NOW)).is_err());
}

#[test]
fn crit_and_b64_follow_jose() {
    let crit_msg =
        "\"crit\" (Critical) Header Parameter MUST be an array of non-empty strings when present";
    for header in [
        r#"{"alg":"HS256","crit":[]}"#,
        r#"{"alg":"HS256","crit":null}"#,
        r#"{"alg":"HS256","crit":"b64"}"#,
        r#"{"alg":"HS256","crit":[""]}"#,
        r#"{"alg":"HS256","crit":[1]}"#,
    ] {
        let err = verifier()
            .verify(&with_header(CURRENT, header), BODY, &at(NOW))
            .unwrap_err();
        assert_rejected_same(&err, "ERR_JWS_INVALID", crit_msg);
    }
    let err = verifier()
        .verify(
            &with_header(CURRENT, r#"{"alg":"HS256","crit":["exp"]}"#),
            BODY,
            &at(NOW),
        )
        .unwrap_err();
    assert_rejected_same(
        &err,
        "ERR_JOSE_NOT_SUPPORTED",
        "Extension Header Parameter \"exp\" is not recognized",
    );
    let err = verifier()
        .verify(
            &with_header(CURRENT, r#"{"alg":"HS256","crit":["b64"]}"#),
            BODY,
            &at(NOW),
        )
        .unwrap_err();
    assert_rejected_same(
        &err,
        "ERR_JWS_INVALID",
        "Extension Header Parameter \"b64\" is missing",
    );
    let err = verifier()
        .verify(
            &with_header(CURRENT, r#"{"alg":"HS256","crit":["b64"],"b64":"no"}"#),
            BODY,
            &at(NOW),
        )
        .unwrap_err();
    assert_rejected_same(
        &err,
        "ERR_JWS_INVALID",
        "The \"b64\" (base64url-encode payload) Header Parameter must be a boolean",
    );
    // Unencoded payloads are refused after the signature check (jwtVerify), so this is a
    // current-key content failure.
    let err = verifier()
        .verify(
            &with_header(CURRENT, r#"{"alg":"HS256","crit":["b64"],"b64":false}"#),
            BODY,
            &at(NOW),
        )
        .unwrap_err();
    assert_claims_rejected(
        &err,
        "ERR_JWT_INVALID",
        "JWTs MUST NOT use unencoded payload",
    );
    // b64 is only honoured when listed in crit; `crit: ["b64"], b64: true` is plain JWS.
    for header in [
        r#"{"alg":"HS256","b64":false}"#,
        r#"{"alg":"HS256","crit":["b64"],"b64":true}"#,
        r#"{"alg":"HS256","crit":["b64","b64"],"b64":true}"#,
    ] {
        assert!(
            verifier()
                .verify(&with_header(CURRENT, header), BODY, &at(NOW))
                .is_ok(),
            "{header}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Shape and encoding.

#[test]
fn segment_count_must_be_three() {
    let token = sign(CURRENT, &delivery(), Algorithm::Hs256);
    let parts: Vec<&str> = token.split('.').collect();
    for (bad, found) in [
        (String::new(), 1),
        ("abc".to_owned(), 1),
        (format!("{}.{}", parts[0], parts[1]), 2),
        (format!("{token}."), 4),
        (format!("{token}.{}", parts[2]), 4),
        ("....".to_owned(), 5),
    ] {
        let err = verifier().verify(&bad, BODY, &at(NOW)).unwrap_err();
        assert_rejected_same(&err, "ERR_JWS_INVALID", "Invalid Compact JWS");
        assert!(err.to_string().contains(&format!("found {found}")), "{err}");
        assert!(matches!(
            err,
            VerifyError::Rejected {
                current: TokenError::InvalidJws {
                    segment: Segment::Token,
                    ..
                },
                ..
            }
        ));
    }
}

#[test]
fn undecodable_header_is_invalid() {
    let payload = b64(good_payload().as_bytes());
    for header in [
        "!!!!",
        "e30x",
        &b64(b"{\"alg\":\"HS256\""),
        &b64(b"not json"),
    ] {
        let token = format!("{header}.{payload}.AAAA");
        let err = verifier().verify(&token, BODY, &at(NOW)).unwrap_err();
        assert_rejected_same(&err, "ERR_JWS_INVALID", "JWS Protected Header is invalid");
        assert!(matches!(
            err,
            VerifyError::Rejected {
                current: TokenError::InvalidJws {
                    segment: Segment::Header,
                    ..
                },
                ..
            }
        ));
    }
}

#[test]
fn tampered_header_payload_or_signature_fails() {
    let token = sign(CURRENT, &delivery(), Algorithm::Hs256);
    let parts: Vec<&str> = token.split('.').collect();
    let other_header = b64(br#"{"alg":"HS256","typ":"JWT","kid":"x"}"#);
    let mut claims = delivery();
    claims.sub = "https://evil.example".into();
    let other_payload = b64(format!(
        r#"{{"iss":"Upstash","sub":"https://evil.example","exp":{},"nbf":0,"iat":{NOW},"jti":"jwt_test","body":"{}"}}"#,
        NOW + 300,
        claims.body
    )
    .as_bytes());
    let mut sig = parts[2].as_bytes().to_vec();
    sig[5] = if sig[5] == b'A' { b'B' } else { b'A' };
    let tampered = [
        format!("{other_header}.{}.{}", parts[1], parts[2]),
        format!("{}.{other_payload}.{}", parts[0], parts[2]),
        format!(
            "{}.{}.{}",
            parts[0],
            parts[1],
            String::from_utf8(sig).unwrap()
        ),
        format!("{}.{}.", parts[0], parts[1]),
        format!(
            "{}.{}.{}",
            parts[0],
            parts[1],
            &parts[2][..parts[2].len() - 4]
        ),
        format!("{}.{}.{}A", parts[0], parts[1], parts[2]),
    ];
    for bad in tampered {
        let err = verifier().verify(&bad, BODY, &at(NOW)).unwrap_err();
        assert_rejected_same(
            &err,
            "ERR_JWS_SIGNATURE_VERIFICATION_FAILED",
            "signature verification failed",
        );
    }
}

/// jose on Node decodes with `Buffer.from(s, "base64url")`, which ignores `=` and characters
/// outside the alphabet and accepts the standard alphabet; the official therefore accepts these
/// spellings of a correct signature, and so do we (the MAC bytes are unchanged).
#[test]
fn signature_spellings_node_accepts() {
    let token = sign(CURRENT, &delivery(), Algorithm::Hs256);
    let (signing_input, sig) = token.rsplit_once('.').unwrap();
    let standard = sig.replace('-', "+").replace('_', "/");
    for spelling in [
        format!("{sig}="),
        format!("{sig}=garbage"),
        format!("{sig}!"),
        format!(" {sig}"),
        standard,
    ] {
        let candidate = format!("{signing_input}.{spelling}");
        assert!(
            verifier().verify(&candidate, BODY, &at(NOW)).is_ok(),
            "{spelling}"
        );
    }
}

#[test]
fn payload_must_be_a_json_object() {
    for payload in [
        "not json",
        "[1]",
        "\"Upstash\"",
        "null",
        "42",
        "{\"iss\":\"Upstash\"",
        "",
    ] {
        let err = verifier()
            .verify(&with_payload(CURRENT, payload), BODY, &at(NOW))
            .unwrap_err();
        assert_claims_rejected(
            &err,
            "ERR_JWT_INVALID",
            "JWT Claims Set must be a top-level JSON object",
        );
    }
}

#[test]
fn payload_decoding_follows_text_decoder() {
    // A leading BOM is dropped by TextDecoder; invalid UTF-8 inside strings becomes U+FFFD.
    let hash = body_hash(BODY);
    let bom = format!("\u{feff}{{\"iss\":\"Upstash\",\"body\":\"{hash}\"}}");
    assert!(verifier()
        .verify(&with_payload(CURRENT, &bom), BODY, &at(NOW))
        .is_ok());
    let signing_input = format!(
        "{}.{}",
        b64(br#"{"alg":"HS256"}"#),
        b64(&[
            br#"{"iss":"Upstash","jti":""#.as_slice(),
            b"\xff\xfe",
            format!("\",\"body\":\"{hash}\"}}").as_bytes()
        ]
        .concat())
    );
    let mut mac = Hmac::<Sha256>::new_from_slice(CURRENT.as_bytes()).unwrap();
    mac.update(signing_input.as_bytes());
    let token = format!("{signing_input}.{}", b64(&mac.finalize().into_bytes()));
    let claims = verifier().verify(&token, BODY, &at(NOW)).unwrap();
    assert_eq!(claims.jti.as_deref(), Some("\u{fffd}\u{fffd}"));
}

// ---------------------------------------------------------------------------------------------
// Claims.

fn payload(members: &str) -> String {
    format!(r#"{{{members},"body":"{}"}}"#, body_hash(BODY))
}

#[test]
fn only_iss_is_required() {
    let token = with_payload(CURRENT, &payload(r#""iss":"Upstash""#));
    let claims = verifier().verify(&token, BODY, &at(NOW)).unwrap();
    assert_eq!(
        (claims.sub, claims.exp, claims.nbf, claims.iat, claims.jti),
        (None, None, None, None, None)
    );
}

#[test]
fn iss_must_be_upstash() {
    let err = verifier()
        .verify(
            &with_payload(CURRENT, &payload(r#""sub":"x""#)),
            BODY,
            &at(NOW),
        )
        .unwrap_err();
    assert_claims_rejected(
        &err,
        "ERR_JWT_CLAIM_VALIDATION_FAILED",
        "missing required \"iss\" claim",
    );
    assert!(matches!(
        err,
        VerifyError::Rejected {
            current: TokenError::ClaimFailed {
                claim: Claim::Iss,
                reason: ClaimReason::Missing,
                ..
            },
            ..
        }
    ));
    for iss in [
        r#""upstash""#,
        r#""Upstash ""#,
        "null",
        "1",
        r#"["Upstash"]"#,
        r#""Up\ud800""#,
    ] {
        let err = verifier()
            .verify(
                &with_payload(CURRENT, &payload(&format!(r#""iss":{iss}"#))),
                BODY,
                &at(NOW),
            )
            .unwrap_err();
        assert_claims_rejected(
            &err,
            "ERR_JWT_CLAIM_VALIDATION_FAILED",
            "unexpected \"iss\" claim value",
        );
    }
    // An escaped spelling is the same string.
    let token = with_payload(CURRENT, &payload(r#""iss":"Up\u0073tash""#));
    assert!(verifier().verify(&token, BODY, &at(NOW)).is_ok());
}

#[test]
fn time_claims_must_be_numbers() {
    for claim in ["iat", "nbf", "exp"] {
        for value in [r#""1""#, "null", "true", "[1]", "{}"] {
            let token = with_payload(
                CURRENT,
                &payload(&format!(r#""iss":"Upstash","{claim}":{value}"#)),
            );
            let err = verifier().verify(&token, BODY, &at(NOW)).unwrap_err();
            assert_claims_rejected(
                &err,
                "ERR_JWT_CLAIM_VALIDATION_FAILED",
                &format!("\"{claim}\" claim must be a number"),
            );
        }
    }
    // iat is checked first, then nbf, then exp.
    let token = with_payload(
        CURRENT,
        &payload(r#""iss":"Upstash","exp":"x","nbf":"x","iat":"x""#),
    );
    let err = verifier().verify(&token, BODY, &at(NOW)).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("\"iat\" claim must be a number"),
        "{err}"
    );
    // Any JSON number is a number: fractions, exponents, negative zero, overflow to Infinity.
    for exp in ["1700000000.5", "1.8e9", "1e400", "17000000010e-1"] {
        let token = with_payload(
            CURRENT,
            &payload(&format!(r#""iss":"Upstash","exp":{exp},"iat":-0"#)),
        );
        assert!(verifier().verify(&token, BODY, &at(NOW)).is_ok(), "{exp}");
    }
    let token = with_payload(CURRENT, &payload(r#""iss":"Upstash","nbf":-1e400"#));
    assert!(verifier().verify(&token, BODY, &at(NOW)).is_ok());
}

fn timed(exp: Option<f64>, nbf: Option<f64>) -> String {
    let mut members = r#""iss":"Upstash""#.to_owned();
    if let Some(exp) = exp {
        members.push_str(&format!(r#","exp":{exp}"#));
    }
    if let Some(nbf) = nbf {
        members.push_str(&format!(r#","nbf":{nbf}"#));
    }
    with_payload(CURRENT, &payload(&members))
}

fn tolerant(now: u64, clock_tolerance: f64) -> VerifyOptions<'static> {
    VerifyOptions {
        url: None,
        clock_tolerance,
        now,
    }
}

#[test]
fn exp_boundaries() {
    let now = NOW as f64;
    // Fails when exp <= now - tolerance, in f64 as jose: fractions count, a negative
    // tolerance is stricter, NaN never fails.
    for (exp, tol, ok) in [
        (now + 1.0, 0.0, true),
        (now + 0.5, 0.0, true),
        (now, 0.0, false),
        (now - 1.0, 0.0, false),
        (now - 9.0, 10.0, true),
        (now - 9.5, 10.0, true),
        (now - 10.0, 10.0, false),
        (now - 11.0, 10.0, false),
        (now, 0.5, true),
        (now - 0.5, 0.5, false),
        (now - 1.0, 0.5, false),
        (now + 1.0, -1.0, false),
        (now + 2.0, -1.0, true),
        (now - 100.0, f64::NAN, true),
    ] {
        let result = verifier().verify(&timed(Some(exp), None), BODY, &tolerant(NOW, tol));
        match (result, ok) {
            (Ok(_), true) => {}
            (Err(err), false) => {
                assert_claims_rejected(
                    &err,
                    "ERR_JWT_EXPIRED",
                    "\"exp\" claim timestamp check failed",
                );
                assert!(matches!(
                    err,
                    VerifyError::Rejected {
                        current: TokenError::Expired { .. },
                        ..
                    }
                ));
                assert!(
                    err.to_string().contains(&format!(
                        "(exp {exp} <= now {NOW} - clock tolerance {tol}s)"
                    )),
                    "{err}"
                );
            }
            (other, _) => panic!("exp {exp} tol {tol}: {other:?}"),
        }
    }
}

#[test]
fn nbf_boundaries() {
    let now = NOW as f64;
    // Fails when nbf > now + tolerance (f64, as jose).
    for (nbf, tol, ok) in [
        (0.0, 0.0, true),
        (now, 0.0, true),
        (now + 0.5, 0.0, false),
        (now + 1.0, 0.0, false),
        (now + 10.0, 10.0, true),
        (now + 10.5, 10.0, false),
        (now + 11.0, 10.0, false),
        (now + 0.5, 0.5, true),
        (now + 1.0, 0.5, false),
        (now, -1.0, false),
        (now - 1.0, -1.0, true),
        (now + 100.0, f64::NAN, true),
    ] {
        let result = verifier().verify(&timed(None, Some(nbf)), BODY, &tolerant(NOW, tol));
        match (result, ok) {
            (Ok(_), true) => {}
            (Err(err), false) => {
                assert_claims_rejected(
                    &err,
                    "ERR_JWT_CLAIM_VALIDATION_FAILED",
                    "\"nbf\" claim timestamp check failed",
                );
                assert!(matches!(
                    err,
                    VerifyError::Rejected {
                        current: TokenError::ClaimFailed {
                            claim: Claim::Nbf,
                            reason: ClaimReason::CheckFailed,
                            ..
                        },
                        ..
                    }
                ));
            }
            (other, _) => panic!("nbf {nbf} tol {tol}: {other:?}"),
        }
    }
}

#[test]
fn delivery_tokens_live_300_seconds() {
    let token = sign(CURRENT, &delivery(), Algorithm::Hs256);
    assert!(verifier().verify(&token, BODY, &at(NOW + 299)).is_ok());
    let err = verifier().verify(&token, BODY, &at(NOW + 300)).unwrap_err();
    assert_eq!(err.code(), "ERR_JWT_EXPIRED");
    assert!(verifier()
        .verify(&token, BODY, &tolerant(NOW + 300, 1.0))
        .is_ok());
    // A tolerance larger than `now` is fine (f64, no wrapping).
    assert!(verifier().verify(&token, BODY, &tolerant(0, 1e300)).is_ok());
}

#[test]
fn expired_with_current_key_reports_expiry_first() {
    let token = sign(CURRENT, &delivery(), Algorithm::Hs256);
    let err = verifier()
        .verify(&token, BODY, &at(NOW + 1000))
        .unwrap_err();
    assert_eq!(err.code(), "ERR_JWT_EXPIRED");
    assert_eq!(
        err.to_string(),
        format!(
            "\"exp\" claim timestamp check failed (current key: \"exp\" claim timestamp check failed (exp {} <= now {} - clock tolerance 0s); next key: signature verification failed (signature segment))",
            NOW + 300,
            NOW + 1000
        )
    );
    // Signed with the next key: the current key fails the MAC, the next key the expiry.
    let token = sign(NEXT, &delivery(), Algorithm::Hs256);
    let err = verifier()
        .verify(&token, BODY, &at(NOW + 1000))
        .unwrap_err();
    assert_eq!(err.code(), "ERR_JWT_EXPIRED");
    assert!(err.to_string().starts_with(
        "\"exp\" claim timestamp check failed (current key: signature verification failed"
    ));
}

// ---------------------------------------------------------------------------------------------
// URL and body (checked after a key succeeded; no fallback to the next key).

#[test]
fn url_must_equal_sub_when_given() {
    let token = sign(CURRENT, &delivery(), Algorithm::Hs256);
    let with_url = |url| VerifyOptions {
        url: Some(url),
        clock_tolerance: 0.0,
        now: NOW,
    };
    assert!(verifier().verify(&token, BODY, &with_url(URL)).is_ok());
    for url in [
        "https://example.com/api/webhook/",
        "https://EXAMPLE.com/api/webhook",
        "",
    ] {
        let err = verifier().verify(&token, BODY, &with_url(url)).unwrap_err();
        assert_eq!(
            err,
            VerifyError::SubjectMismatch {
                subject: URL.into(),
                want: url.into()
            }
        );
        assert_eq!(err.code(), "ERR_SUBJECT_MISMATCH");
        assert_eq!(
            err.to_string(),
            format!("invalid subject: {URL}, want: {url}")
        );
    }
    // No sub claim: the official prints `undefined`.
    let token = with_payload(CURRENT, &payload(r#""iss":"Upstash""#));
    let err = verifier().verify(&token, BODY, &with_url(URL)).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("invalid subject: undefined, want: {URL}")
    );
    // A numeric sub never equals a string URL.
    let token = with_payload(CURRENT, &payload(r#""iss":"Upstash","sub":5"#));
    let err = verifier().verify(&token, BODY, &with_url("5")).unwrap_err();
    assert_eq!(err.to_string(), "invalid subject: 5, want: 5");
}

#[test]
fn url_mismatch_does_not_fall_back_to_next_key() {
    // Current key's token with the wrong sub, next key's would be right: still rejected,
    // because the official checks sub only once, after the key loop.
    let token = sign(CURRENT, &delivery(), Algorithm::Hs256);
    let same = Verifier::new(CURRENT, CURRENT);
    let opts = VerifyOptions {
        url: Some("https://other.example"),
        clock_tolerance: 0.0,
        now: NOW,
    };
    assert_eq!(
        same.verify(&token, BODY, &opts).unwrap_err().code(),
        "ERR_SUBJECT_MISMATCH"
    );
}

#[test]
fn body_must_match_the_claim() {
    let token = sign(CURRENT, &delivery(), Algorithm::Hs256);
    let err = verifier()
        .verify(&token, b"{\"hello\":\"world\"} ", &at(NOW))
        .unwrap_err();
    assert_eq!(err.code(), "ERR_BODY_MISMATCH");
    assert_eq!(
        err.to_string(),
        format!(
            "body hash does not match, want: {}, got: {}",
            body_hash(BODY),
            unpadded_hash(b"{\"hello\":\"world\"} ")
        )
    );
    assert!(matches!(err, VerifyError::BodyMismatch { .. }));
}

#[test]
fn body_claim_padding_is_ignored() {
    let hash = unpadded_hash(BODY);
    for claim in [
        hash.clone(),
        format!("{hash}="),
        format!("{hash}=="),
        format!("{hash}====="),
    ] {
        let token = with_payload(CURRENT, &format!(r#"{{"iss":"Upstash","body":"{claim}"}}"#));
        assert!(verifier().verify(&token, BODY, &at(NOW)).is_ok(), "{claim}");
    }
    // Only trailing padding is stripped, and the alphabet is not normalised.
    for claim in [
        format!("={hash}"),
        format!("{hash}= "),
        hash.replace('-', "+").replace('_', "/"),
    ] {
        if claim == hash {
            continue;
        }
        let token = with_payload(CURRENT, &format!(r#"{{"iss":"Upstash","body":"{claim}"}}"#));
        let err = verifier().verify(&token, BODY, &at(NOW)).unwrap_err();
        assert_eq!(err.code(), "ERR_BODY_MISMATCH", "{claim}");
    }
}

#[test]
fn missing_or_non_string_body_claim_is_a_mismatch() {
    for (members, shown) in [
        ("", "undefined"),
        (r#","body":null"#, "null"),
        (r#","body":7"#, "7"),
    ] {
        let token = with_payload(CURRENT, &format!(r#"{{"iss":"Upstash"{members}}}"#));
        let err = verifier().verify(&token, b"", &at(NOW)).unwrap_err();
        assert_eq!(
            err,
            VerifyError::BodyMismatch {
                want: shown.into(),
                got: unpadded_hash(b"")
            }
        );
    }
}

#[test]
fn body_is_hashed_as_raw_bytes() {
    let body = [0u8, 0xff, 0xfe, b'x'];
    let claims = Claims::for_delivery(URL, &body, NOW, "j".into());
    let token = sign(CURRENT, &claims, Algorithm::Hs256);
    assert!(verifier().verify(&token, &body, &at(NOW)).is_ok());
}

// ---------------------------------------------------------------------------------------------
// Hostile input.

#[test]
fn very_large_tokens_are_refused_cheaply() {
    let huge = "a".repeat(MAX_TOKEN_LEN + 1);
    let err = verifier().verify(&huge, BODY, &at(NOW)).unwrap_err();
    assert_rejected_same(&err, "ERR_JWS_INVALID", "Invalid Compact JWS");
    assert!(err.to_string().contains(&format!(
        "token is {} bytes, the limit is {MAX_TOKEN_LEN}",
        MAX_TOKEN_LEN + 1
    )));
    let dots = ".".repeat(10 * MAX_TOKEN_LEN);
    assert_eq!(
        verifier().verify(&dots, BODY, &at(NOW)).unwrap_err().code(),
        "ERR_JWS_INVALID"
    );
}

#[test]
fn large_tokens_under_the_limit_work_and_deep_nesting_is_safe() {
    // ~60 KiB token with a 20k-deep array in a claim: valid, and verified without recursion.
    let depth = 20_000;
    let members = format!(
        r#""iss":"Upstash","x":{}{}"#,
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let token = with_payload(CURRENT, &payload(&members));
    assert!(token.len() <= MAX_TOKEN_LEN, "{}", token.len());
    assert!(verifier().verify(&token, BODY, &at(NOW)).is_ok());
    // Unbalanced nesting is invalid JSON, not a crash.
    let members = format!(r#""iss":"Upstash","x":{}"#, "{\"a\":".repeat(depth / 4));
    let err = verifier()
        .verify(&with_payload(CURRENT, &payload(&members)), BODY, &at(NOW))
        .unwrap_err();
    assert_eq!(err.code(), "ERR_JWT_INVALID");
    // Garbage of every byte value in every segment never panics.
    for byte in 0u8..=127 {
        let junk = String::from(byte as char).repeat(300);
        for token in [
            format!("{junk}.{junk}.{junk}"),
            format!("e30.{junk}.x"),
            format!("{junk}.."),
        ] {
            assert!(verifier().verify(&token, BODY, &at(NOW)).is_err());
        }
    }
    let unicode = "é😀\u{141}.\u{0}\u{ffff}.\u{10ffff}";
    assert!(verifier().verify(unicode, BODY, &at(NOW)).is_err());
}

// ---------------------------------------------------------------------------------------------
// Properties.

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn sign_then_verify_holds(
        body in proptest::collection::vec(any::<u8>(), 0..2048),
        key in "[a-zA-Z0-9_]{0,40}",
        url in "https://[a-z]{1,12}\\.example/[ -~]{0,40}",
        alg in prop_oneof![Just(Algorithm::Hs256), Just(Algorithm::Hs384), Just(Algorithm::Hs512)],
        now in 0u64..4_000_000_000,
        use_next in any::<bool>(),
    ) {
        let key = format!("sig_{key}");
        let claims = Claims::for_delivery(&url, &body, now, format!("jwt_{now}"));
        let token = sign(&key, &claims, alg);
        let verifier = if use_next { Verifier::new("sig_other", key.clone()) } else { Verifier::new(key.clone(), "sig_other") };
        let opts = VerifyOptions { url: Some(&url), clock_tolerance: 0.0, now };
        let verified = verifier.verify(&token, &body, &opts).unwrap();
        prop_assert_eq!(verified.key, if use_next { KeySlot::Next } else { KeySlot::Current });
        prop_assert_eq!(verified.alg, alg);
        prop_assert_eq!(verified.sub.as_deref(), Some(url.as_str()));
    }

    #[test]
    fn a_flipped_byte_fails(
        body in proptest::collection::vec(any::<u8>(), 1..512),
        key in "sig_[a-zA-Z0-9]{8,28}",
        position in any::<prop::sample::Index>(),
        flip in 1u8..=255,
        in_body in any::<bool>(),
    ) {
        let now = NOW;
        let claims = Claims::for_delivery(URL, &body, now, "jwt_p".into());
        let token = sign(&key, &claims, Algorithm::Hs256);
        let verifier = Verifier::new(key.clone(), "sig_other");
        let opts = VerifyOptions { url: Some(URL), clock_tolerance: 0.0, now };
        if in_body {
            let mut body = body.clone();
            let i = position.index(body.len());
            body[i] ^= flip;
            let err = verifier.verify(&token, &body, &opts).unwrap_err();
            prop_assert_eq!(err.code(), "ERR_BODY_MISMATCH");
        } else {
            // Replace one character of the token with a different alphabet character that
            // changes the decoded bits (the last character of a segment can carry unused
            // bits, so pick a replacement that differs in its top bits).
            let mut bytes = token.clone().into_bytes();
            let i = position.index(bytes.len());
            if bytes[i] == b'.' {
                return Ok(());
            }
            const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
            let old = ALPHABET.iter().position(|&c| c == bytes[i]).unwrap();
            bytes[i] = ALPHABET[(old + 16 * (usize::from(flip) % 3 + 1)) % 64];
            let tampered = String::from_utf8(bytes).unwrap();
            prop_assert!(verifier.verify(&tampered, &body, &opts).is_err(), "{}", tampered);
        }
    }
}

#[test]
fn verify_prehashed_matches_verify() {
    let token = sign(CURRENT, &delivery(), Algorithm::Hs256);
    let digest: [u8; 32] = Sha256::digest(BODY).into();
    let opts = VerifyOptions {
        url: Some(URL),
        clock_tolerance: 0.0,
        now: NOW,
    };
    assert_eq!(
        verifier().verify_prehashed(&token, &digest, &opts),
        verifier().verify(&token, BODY, &opts)
    );
    let wrong: [u8; 32] = Sha256::digest(b"other").into();
    let err = verifier()
        .verify_prehashed(&token, &wrong, &opts)
        .unwrap_err();
    assert_eq!(err, verifier().verify(&token, b"other", &opts).unwrap_err());
    assert_eq!(err.code(), "ERR_BODY_MISMATCH");
}

#[test]
fn time_spans_read_as_jose_does() {
    use qstash_wasm::signing::time_span_secs;
    for (text, want) in [
        ("5s", Some(5.0)),
        ("5 s", Some(5.0)),
        ("5 seconds", Some(5.0)),
        ("2.5s", Some(3.0)), // Math.round
        ("0.4 sec", Some(0.0)),
        ("1.5 minutes", Some(90.0)),
        ("1.005m", Some(60.0)),
        ("2 hrs", Some(7200.0)),
        ("1 week", Some(604_800.0)),
        ("1y", Some(31_557_600.0)),
        ("+10s", Some(10.0)),
        ("-10s", Some(-10.0)),
        ("- 10s", Some(-10.0)),
        ("10s ago", Some(-10.0)),
        ("10s from now", Some(10.0)),
        ("10 SECONDS", Some(10.0)),
        ("123456789012.5 s", Some(123_456_789_013.0)),
        ("10", None),
        ("s", None),
        ("1.s", None),
        (".5s", None),
        ("10 fortnights", None),
        ("-10s ago", None),
        ("10s  ago", None),
        ("10s later", None),
        ("", None),
    ] {
        assert_eq!(time_span_secs(text), want, "{text:?}");
    }
    // Many digits: still the nearest whole second of the decimal.
    assert_eq!(
        time_span_secs("1.00000000000000000000000000001s"),
        Some(1.0)
    );
}
