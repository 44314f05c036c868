//! "Did you mean" for option names: an unknown field that is close to a known one is most likely
//! a typo, and silently ignoring it would mean falling back to defaults (for a Receiver, the
//! environment's keys). Fields far from every known name are someone else's (a config spread
//! from a larger object) and are ignored, as the official SDK ignores every unknown field.

/// The known name `name` is most likely a misspelling of: equal ignoring ASCII case, or at most
/// two single-character edits away (and not a known name itself).
///
/// ```
/// use qstash_wasm::api::likely_typo;
/// let known = ["currentSigningKey", "nextSigningKey", "devMode"];
/// assert_eq!(likely_typo("currentSigningkey", &known), Some("currentSigningKey"));
/// assert_eq!(likely_typo("nextSigninKey", &known), Some("nextSigningKey"));
/// assert_eq!(likely_typo("clockTolerance", &known), None);
/// assert_eq!(likely_typo("devMode", &known), None);
/// ```
pub fn likely_typo<'a>(name: &str, known: &[&'a str]) -> Option<&'a str> {
    if known.contains(&name) {
        return None;
    }
    known.iter().copied().find(|k| {
        k.eq_ignore_ascii_case(name) || edit_distance_at_most(name.as_bytes(), k.as_bytes(), 2)
    })
}

/// Whether the Levenshtein distance of `a` and `b` is at most `limit` (one row of the table;
/// names are short).
fn edit_distance_at_most(a: &[u8], b: &[u8], limit: usize) -> bool {
    if a.len().abs_diff(b.len()) > limit {
        return false;
    }
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, &ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()] <= limit
}

#[cfg(test)]
mod tests {
    use super::*;

    const KNOWN: [&str; 3] = ["currentSigningKey", "nextSigningKey", "devMode"];

    #[test]
    fn typos_and_strangers() {
        for (name, want) in [
            ("currentSigningKey", None),
            ("CURRENTSIGNINGKEY", Some("currentSigningKey")),
            ("currentSigninKey", Some("currentSigningKey")),
            ("curentSigningKy", Some("currentSigningKey")),
            ("nextSigningKeys", Some("nextSigningKey")),
            ("devmode", Some("devMode")),
            ("devMod", Some("devMode")),
            ("dev", None),
            ("clockTolerance", None),
            ("url", None),
            ("signingKey", None),
            ("", None),
        ] {
            assert_eq!(likely_typo(name, &KNOWN), want, "{name}");
        }
    }

    #[test]
    fn distance_matches_the_definition() {
        for (a, b, d) in [
            ("", "", 0),
            ("a", "", 1),
            ("kitten", "sitting", 3),
            ("flaw", "lawn", 2),
            ("abc", "acb", 2),
        ] {
            assert!(
                edit_distance_at_most(a.as_bytes(), b.as_bytes(), d),
                "{a} {b}"
            );
            if d > 0 {
                assert!(
                    !edit_distance_at_most(a.as_bytes(), b.as_bytes(), d - 1),
                    "{a} {b}"
                );
            }
        }
    }
}
