//! Mints `Upstash-Signature` tokens with this crate's `signing::sign`, for the differential
//! test against the official SDK (`tests/differential/receiver/`).
//!
//! stdin: a JSON array of `{"key": "...", "alg": "HS256", "claims": {iss, sub, exp, nbf, iat,
//! jti, body}}`; stdout: a JSON array of the tokens, in order.
//!
//! ```text
//! echo '[{"key":"sig_x","alg":"HS256","claims":{"iss":"Upstash","sub":"https://a","exp":1,"nbf":0,"iat":0,"jti":"j","body":"x"}}]' \
//!   | cargo run -q --example mint_corpus
//! ```

use std::io::Read;

use qstash_wasm::signing::{sign, Algorithm, Claims};
use serde::Deserialize;

#[derive(Deserialize)]
struct Spec {
    key: String,
    alg: String,
    claims: Claims,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input)?;
    let specs: Vec<Spec> = serde_json::from_str(&input)?;
    let tokens = specs
        .iter()
        .map(|spec| {
            Ok(sign(
                &spec.key,
                &spec.claims,
                spec.alg.parse::<Algorithm>()?,
            ))
        })
        .collect::<Result<Vec<_>, String>>()?;
    println!("{}", serde_json::to_string(&tokens)?);
    Ok(())
}
