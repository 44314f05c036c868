//! URL and header encoding edge cases: `new URL([base, ...path].join("/"))` then
//! `searchParams.append`. Expected values printed by Node 20's WHATWG URL.

use qstash_wasm::api::build_url;

fn url(path: &[&str], query: &[(&str, &str)]) -> String {
    let path: Vec<String> = path.iter().map(|s| s.to_string()).collect();
    let query: Vec<(String, String)> = query
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    build_url("http://h:8080", &path, &query)
}

#[test]
fn adding_a_param_reserializes_an_existing_query() {
    assert_eq!(
        url(
            &["v2", "flowControl", "a?x=1 2&y=é+z", "pin"],
            &[("rate", "1")]
        ),
        "http://h:8080/v2/flowControl/a?x=1+2&y=%C3%A9+z%2Fpin&rate=1"
    );
}

#[test]
fn dot_segments_and_backslashes_resolve() {
    assert_eq!(
        url(&["v2", "publish", "https://e.com/a\\b/%2e%2E/c"], &[]),
        "http://h:8080/v2/publish/https://e.com/a/c"
    );
    assert_eq!(
        url(&["v2", "publish", "https://e.com/x/.."], &[]),
        "http://h:8080/v2/publish/https://e.com/"
    );
}

#[test]
fn path_query_and_fragment_encode_sets() {
    assert_eq!(
        url(&["v2", "publish", "https://e.com/{a}`<>\"^|"], &[]),
        "http://h:8080/v2/publish/https://e.com/%7Ba%7D%60%3C%3E%22^|"
    );
    assert_eq!(
        url(&["v2", "publish", "https://e.com/?q='a'#f g`"], &[]),
        "http://h:8080/v2/publish/https://e.com/?q=%27a%27#f%20g%60"
    );
}

#[test]
fn search_params_use_form_encoding() {
    assert_eq!(
        url(
            &["v2", "events"],
            &[("label", "a b&c=d"), ("url", "ü/?#"), ("x", "*-._~!")]
        ),
        "http://h:8080/v2/events?label=a+b%26c%3Dd&url=%C3%BC%2F%3F%23&x=*-._%7E%21"
    );
}

#[test]
fn tabs_and_newlines_are_dropped() {
    assert_eq!(
        url(&["v2", "publish", "https://e.com/p\ta\nb"], &[]),
        "http://h:8080/v2/publish/https://e.com/pab"
    );
}

#[test]
fn header_values_must_be_byte_strings() {
    use qstash_wasm::api::HeaderMap;
    let mut h = HeaderMap::new();
    // U+00E9 fits a ByteString; the index is counted in UTF-16 units of the raw value.
    h.set("X-A", " é ").unwrap();
    assert_eq!(h.get("x-a"), Some("é"));
    let e = h.set("X-B", " a🚀").unwrap_err();
    assert_eq!(e.js_class_name(), "TypeError");
    assert_eq!(
        e.to_string(),
        "Cannot convert argument to a ByteString because the character at index 2 has a value of 55357 which is greater than 255."
    );
}
