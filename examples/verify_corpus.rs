//! Runs this crate's `signing::Verifier` over a corpus of cases, for the differential test
//! against the official SDK (`tests/differential/receiver/`): the pure core, natively, with
//! the same inputs the JS Receivers get.
//!
//! stdin: `{"now": <unix secs>, "cases": [{"signature", "body", "url"?, "clockTolerance"?,
//! "currentSigningKey", "nextSigningKey"}]}`; stdout: a JSON array of `{"ok": bool, "code"?,
//! "message"?}`, in order. The body is hashed as the UTF-8 of the string, as the official does.

use std::io::Read;

use qstash_wasm::signing::{Verifier, VerifyOptions};
use serde::Deserialize;
use serde_json::json;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Case {
    signature: String,
    body: String,
    url: Option<String>,
    clock_tolerance: Option<f64>,
    current_signing_key: String,
    next_signing_key: String,
}

#[derive(Deserialize)]
struct Input {
    now: u64,
    cases: Vec<Case>,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input)?;
    let input: Input = serde_json::from_str(&input)?;
    let verdicts: Vec<_> = input
        .cases
        .iter()
        .map(|case| {
            let verifier = Verifier::new(&*case.current_signing_key, &*case.next_signing_key);
            let opts = VerifyOptions {
                url: case.url.as_deref(),
                clock_tolerance: case.clock_tolerance.unwrap_or(0.0),
                now: input.now,
            };
            match verifier.verify(&case.signature, case.body.as_bytes(), &opts) {
                Ok(_) => json!({ "ok": true }),
                Err(err) => json!({ "ok": false, "code": err.code(), "message": err.to_string() }),
            }
        })
        .collect();
    println!("{}", serde_json::to_string(&verdicts)?);
    Ok(())
}
