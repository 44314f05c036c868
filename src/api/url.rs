//! Request URL building with WHATWG URL semantics, without a URL crate.
//!
//! The official SDK does `new URL([base, ...path].join("/"))` and then
//! `url.searchParams.append/set(...)`. Path segments are joined raw (destinations keep their
//! `:` and `/`), and the URL parser then percent-encodes only what the path, query and
//! fragment encode sets require, resolves `.`/`..` segments, and — once a search param is
//! added — re-serializes the whole query as `application/x-www-form-urlencoded`. We do the
//! same steps here; the `url` crate would pull IDNA tables into the wasm for no gain since the
//! base URL's host is used verbatim.

/// `application/x-www-form-urlencoded` byte serializer (what `URLSearchParams` emits):
/// alphanumerics and `*-._` stay, space becomes `+`, everything else is `%XX` (upper-case).
///
/// ```
/// use qstash_wasm::api::form_urlencode;
/// assert_eq!(form_urlencode("https://a.com"), "https%3A%2F%2Fa.com");
/// assert_eq!(form_urlencode("a b~"), "a+b%7E");
/// ```
pub fn form_urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => push_pct(&mut out, b),
        }
    }
    out
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

fn push_pct(out: &mut String, b: u8) {
    out.push('%');
    out.push(HEX[(b >> 4) as usize] as char);
    out.push(HEX[(b & 15) as usize] as char);
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' && i + 2 < bytes.len() {
            let hex = |c: u8| (c as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `application/x-www-form-urlencoded` parser (what `URLSearchParams` does with an existing
/// query string).
fn form_parse(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (
                percent_decode(&k.replace('+', " ")),
                percent_decode(&v.replace('+', " ")),
            )
        })
        .collect()
}

#[derive(Clone, Copy)]
enum EncodeSet {
    Path,
    Query,
    Fragment,
}

fn encode_set(s: &str, set: EncodeSet, out: &mut String) {
    for ch in s.chars() {
        let c = ch as u32;
        let enc = !(0x20..=0x7e).contains(&c)
            || match set {
                EncodeSet::Path => {
                    matches!(ch, ' ' | '"' | '#' | '<' | '>' | '?' | '`' | '{' | '}')
                }
                // Special schemes (http/https) also encode `'` in the query.
                EncodeSet::Query => matches!(ch, ' ' | '"' | '#' | '<' | '>' | '\''),
                EncodeSet::Fragment => matches!(ch, ' ' | '"' | '<' | '>' | '`'),
            };
        if enc {
            let mut buf = [0u8; 4];
            for b in ch.encode_utf8(&mut buf).bytes() {
                push_pct(out, b);
            }
        } else {
            out.push(ch);
        }
    }
}

fn is_single_dot(seg: &str) -> bool {
    seg == "." || seg.eq_ignore_ascii_case("%2e")
}

fn is_double_dot(seg: &str) -> bool {
    matches!(
        seg.to_ascii_lowercase().as_str(),
        ".." | ".%2e" | "%2e." | "%2e%2e"
    )
}

/// Normalizes a path (starting with `/`) like the WHATWG path state: dot segments resolved,
/// bytes outside the path encode set percent-encoded.
fn normalize_path(path: &str, out: &mut String) {
    let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let mut kept: Vec<String> = Vec::with_capacity(segs.len());
    let last = segs.len().saturating_sub(1);
    for (i, seg) in segs.iter().enumerate() {
        if is_double_dot(seg) {
            kept.pop();
            if i == last {
                kept.push(String::new());
            }
        } else if is_single_dot(seg) {
            if i == last {
                kept.push(String::new());
            }
        } else {
            let mut s = String::new();
            encode_set(seg, EncodeSet::Path, &mut s);
            kept.push(s);
        }
    }
    out.push('/');
    out.push_str(&kept.join("/"));
}

/// `[base, ...path].join("/")`.
///
/// ```
/// assert_eq!(qstash_wasm::api::join_path("https://q.io", &["v2".into(), "dlq".into()]), "https://q.io/v2/dlq");
/// ```
pub fn join_path(base: &str, path: &[String]) -> String {
    let mut joined =
        String::with_capacity(base.len() + path.iter().map(|s| s.len() + 1).sum::<usize>());
    joined.push_str(base);
    for seg in path {
        joined.push('/');
        joined.push_str(seg);
    }
    joined
}

/// The fast path of [`build_url`]: `Ok(url)` when the URL parser would change nothing in the
/// path of `base/path...` (no byte to encode, no query or fragment, no `\\`, no possible dot
/// segment) — the common case for API paths — with `query` appended form-encoded;
/// otherwise `Err(joined)`, the raw `[base, ...path].join("/")` for a full URL parser. The
/// scheme, host and port are not checked: that is [`canonical_base`], once per base URL.
///
/// ```
/// use qstash_wasm::api::join_plain;
/// let q = [("count".to_string(), "1 2".to_string())];
/// assert_eq!(join_plain("https://q.io", &["v2".into(), "dlq".into()], &q).unwrap(), "https://q.io/v2/dlq?count=1+2");
/// assert_eq!(join_plain("https://q.io", &["v2".into(), "./x".into()], &[]).unwrap_err(), "https://q.io/v2/./x");
/// ```
pub fn join_plain(
    base: &str,
    path: &[String],
    query: &[(String, String)],
) -> Result<String, String> {
    let mut joined = join_path(base, path);
    if !is_plain(joined.as_bytes()) {
        return Err(joined);
    }
    if !query.is_empty() {
        joined.push('?');
        for (i, (k, v)) in query.iter().enumerate() {
            if i > 0 {
                joined.push('&');
            }
            joined.push_str(&form_urlencode(k));
            joined.push('=');
            joined.push_str(&form_urlencode(v));
        }
    }
    Ok(joined)
}

/// Whether the URL parser would leave a base URL as it is, so that `base/path` needs only the
/// [`join_plain`] check of its path: scheme `http` or `https` in lower case, then `//`, a
/// host that is a lower-case domain or a dotted-decimal IPv4 address as the parser writes it,
/// and an optional port that is neither the scheme's default nor has a leading zero. Anything
/// else is left to a full parser: upper case, user info, IPv6, `xn--` labels (IDNA
/// validation), hosts that end in a number the parser would rewrite (`0x7f.1`, `127.1`),
/// `https:/` or `https:host`, default ports (`:443` is dropped). It errs on the side of
/// `false`, which only costs speed.
///
/// ```
/// use qstash_wasm::api::canonical_base;
/// assert!(canonical_base("https://qstash.upstash.io"));
/// assert!(canonical_base("http://127.0.0.1:8080/prefix"));
/// assert!(!canonical_base("https://qstash.upstash.io:443"));
/// assert!(!canonical_base("HTTPS://QSTASH.UPSTASH.IO"));
/// assert!(!canonical_base("https:/"));
/// ```
pub fn canonical_base(base: &str) -> bool {
    let (rest, default_port) = if let Some(r) = base.strip_prefix("https://") {
        (r, "443")
    } else if let Some(r) = base.strip_prefix("http://") {
        (r, "80")
    } else {
        return false;
    };
    let authority = &rest[..rest.find('/').unwrap_or(rest.len())];
    let (host, port) = match authority.split_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (authority, None),
    };
    if let Some(p) = port {
        let digits = !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit());
        if !digits || (p.len() > 1 && p.starts_with('0')) || p == default_port {
            return false;
        }
        if p.parse::<u32>().map_or(true, |n| n > 65535) {
            return false;
        }
    }
    let labels: Vec<&str> = host.split('.').collect();
    let label_ok = |l: &&str| {
        !l.is_empty()
            && !l.starts_with("xn--")
            && l.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    };
    if !labels.iter().all(label_ok) {
        return false;
    }
    // The parser reads a host whose last label is a number as IPv4 (WHATWG "ends in a
    // number"): only four decimal parts without leading zeros, each at most 255, stay as
    // written.
    let last = labels[labels.len() - 1];
    let numeric = last.bytes().all(|b| b.is_ascii_digit()) || last.starts_with("0x");
    if numeric {
        return labels.len() == 4
            && labels.iter().all(|l| {
                l.bytes().all(|b| b.is_ascii_digit())
                    && (l.len() == 1 || !l.starts_with('0'))
                    && l.parse::<u16>().is_ok_and(|n| n <= 255)
            });
    }
    true
}

/// No byte the URL parser would encode or treat specially (`?`, `#`, `\\`, …), and no possible
/// dot segment (`/.`, `/%2e`, `/%2E`). One pass: this runs on every request.
fn is_plain(b: &[u8]) -> bool {
    for (i, &c) in b.iter().enumerate() {
        let special = !(0x21..0x7f).contains(&c)
            || matches!(
                c,
                b'"' | b'#' | b'<' | b'>' | b'?' | b'`' | b'{' | b'}' | b'\\'
            );
        let after_slash = i > 0 && b[i - 1] == b'/';
        let dot_segment = after_slash
            && (c == b'.'
                || (c == b'%'
                    && b.get(i + 1) == Some(&b'2')
                    && b.get(i + 2).is_some_and(|e| e.eq_ignore_ascii_case(&b'e'))));
        if special || dot_segment {
            return false;
        }
    }
    true
}

/// Builds the final request URL the way the official `HttpClient.processRequest` does.
///
/// `base` must already be stripped of its trailing slash. `query` pairs are appended with
/// `URLSearchParams` encoding; repeated keys are kept.
///
/// ```
/// use qstash_wasm::api::build_url;
/// let u = build_url("http://localhost:8080", &["v2".into(), "publish".into(), "https://example.com/".into()], &[]);
/// assert_eq!(u, "http://localhost:8080/v2/publish/https://example.com/");
/// let u = build_url("https://q.io", &["v2".into(), "events".into()], &[("label".into(), "a".into()), ("label".into(), "b".into())]);
/// assert_eq!(u, "https://q.io/v2/events?label=a&label=b");
/// ```
pub fn build_url(base: &str, path: &[String], query: &[(String, String)]) -> String {
    let joined = match join_plain(base, path, query) {
        Ok(url) if canonical_base(base) => return url,
        Ok(_) => join_path(base, path),
        Err(joined) => joined,
    };
    // The URL parser drops ASCII tabs and newlines anywhere and trims C0/space at the ends.
    let joined: String = joined
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let joined = joined.trim_matches(|c: char| (c as u32) <= 0x20);

    let (before_fragment, fragment) = match joined.split_once('#') {
        Some((a, f)) => (a, Some(f)),
        None => (joined, None),
    };
    let (before_query, existing_query) = match before_fragment.split_once('?') {
        Some((a, q)) => (a, Some(q)),
        None => (before_fragment, None),
    };

    // scheme://authority then the path. Special schemes treat `\` like `/`.
    let mut out = String::with_capacity(joined.len() + 16);
    let (origin, path) = match before_query.find("://") {
        Some(i) => {
            let after = &before_query[i + 3..];
            let after_fixed = after.replace('\\', "/");
            match after_fixed.find('/') {
                Some(j) => (
                    format!("{}{}", &before_query[..i + 3], &after_fixed[..j]),
                    after_fixed[j..].to_string(),
                ),
                None => (before_query.to_string(), "/".to_string()),
            }
        }
        None => (String::new(), before_query.to_string()),
    };
    out.push_str(&origin);
    normalize_path(&path, &mut out);

    if query.is_empty() {
        if let Some(q) = existing_query {
            out.push('?');
            encode_set(q, EncodeSet::Query, &mut out);
        }
    } else {
        // Appending a search param re-serializes the whole list, existing pairs included.
        let mut pairs = existing_query.map(form_parse).unwrap_or_default();
        pairs.extend(query.iter().cloned());
        out.push('?');
        let encoded: Vec<String> = pairs
            .iter()
            .map(|(k, v)| format!("{}={}", form_urlencode(k), form_urlencode(v)))
            .collect();
        out.push_str(&encoded.join("&"));
    }
    if let Some(f) = fragment {
        out.push('#');
        encode_set(f, EncodeSet::Fragment, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::is_plain;
    use proptest::prelude::*;

    /// The three-pass form `is_plain` replaced, kept as its specification.
    fn plain_spec(b: &[u8]) -> bool {
        b.iter().all(|&b| {
            (0x21..0x7f).contains(&b)
                && !matches!(
                    b,
                    b'"' | b'#' | b'<' | b'>' | b'?' | b'`' | b'{' | b'}' | b'\\'
                )
        }) && !b.windows(2).any(|w| w == b"/.")
            && !b
                .windows(4)
                .any(|w| w[..3] == *b"/%2" && w[3].eq_ignore_ascii_case(&b'e'))
    }

    #[test]
    fn plain_examples() {
        for (url, plain) in [
            ("https://q.io/v2/publish/https://e.com/x", true),
            ("https://q.io/v2/./x", false),
            ("https://q.io/v2/%2e", false),
            ("https://q.io/v2/%2E/x", false),
            ("https://q.io/v2/%2f", true),
            ("https://q.io/v2/a.b", true),
            ("https://q.io/v2/a b", false),
            ("https://q.io/v2/a?b", false),
            ("/%2", true),
            ("", true),
        ] {
            assert_eq!(is_plain(url.as_bytes()), plain, "{url}");
            assert_eq!(plain_spec(url.as_bytes()), plain, "{url}");
        }
    }

    #[test]
    fn canonical_base_examples() {
        // Each `false` is a base the WHATWG parser rewrites or rejects (checked with Node's
        // `new URL`), or one this check leaves to it (a trailing dot, `xn--` labels).
        for (base, canonical) in [
            ("https://qstash.upstash.io", true),
            ("http://127.0.0.1:8080", true),
            ("http://localhost:8080/prefix", true),
            ("http://10.0.0.255:0", true),
            ("https://a-b.example", true),
            ("https://qstash.upstash.io:443", false),
            ("http://localhost:80", false),
            ("http://localhost:0080", false),
            ("http://localhost:", false),
            ("http://localhost:65536", false),
            ("HTTPS://qstash.upstash.io", false),
            ("https://Qstash.upstash.io", false),
            ("https:/", false),
            ("https:qstash.upstash.io", false),
            ("https://user:pw@host", false),
            ("http://[::1]:8080", false),
            ("http://0x7f.1:9", false),
            ("http://127.1", false),
            ("http://127.0.0.01", false),
            ("http://256.0.0.1", false),
            ("http://1.2.3.4.5", false),
            ("http://example.123", false),
            ("http://xn--nxasmq6b.com", false),
            ("http://example.com.", false),
            ("ftp://example.com", false),
            ("", false),
        ] {
            assert_eq!(super::canonical_base(base), canonical, "{base}");
        }
    }

    proptest! {
        #[test]
        fn plain_matches_its_specification(s in "[a-z/.%2eE?# \u{e9}\\\\]{0,12}") {
            prop_assert_eq!(is_plain(s.as_bytes()), plain_spec(s.as_bytes()));
        }
    }
}
