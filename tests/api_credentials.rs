//! Credential resolution (reference §1.2, official `getClientCredentials` and
//! `src/client/multi-region.test.ts`), dev mode (§8) and the client backoff (§1.5).

use qstash_wasm::api::{
    default_backoff_ms, dev_url, resolve_credentials, should_use_dev_mode, CredentialConfig,
    Credentials, RetryPolicy, DEFAULT_QSTASH_URL, DEV_TOKEN,
};
use qstash_wasm::ErrorKind;

fn cfg(base: Option<&str>, token: Option<&str>) -> CredentialConfig {
    CredentialConfig {
        base_url: base.map(String::from),
        token: token.map(String::from),
        dev_mode: None,
    }
}

fn resolve(config: &CredentialConfig, env: &[(&str, &str)]) -> Credentials {
    resolve_credentials(config, env).expect("resolves")
}

#[test]
fn config_wins_when_both_given() {
    let env = [
        ("QSTASH_URL", "https://env.example"),
        ("QSTASH_TOKEN", "env-tok"),
    ];
    let c = resolve(&cfg(Some("https://cfg.example"), Some("cfg-tok")), &env);
    assert_eq!(
        (c.base_url.as_str(), c.token.as_str()),
        ("https://cfg.example", "cfg-tok")
    );
    assert!(c.warnings.is_empty());
}

#[test]
fn env_then_default() {
    let c = resolve(&cfg(None, None), &[("QSTASH_TOKEN", "env-tok")]);
    assert_eq!(c.base_url, DEFAULT_QSTASH_URL);
    assert_eq!(c.token, "env-tok");
    let c = resolve(&cfg(None, None), &[]);
    assert_eq!(c.token, "");
    assert_eq!(
        c.warnings,
        ["[Upstash QStash] client token is not set. Either pass a token or set QSTASH_TOKEN env variable."]
    );
}

#[test]
fn partial_config_mixes_with_env() {
    // `config.baseUrl ?? QSTASH_URL`, `config.token ?? QSTASH_TOKEN`, field by field.
    let env = [
        ("QSTASH_URL", "https://env.example"),
        ("QSTASH_TOKEN", "env-tok"),
    ];
    let c = resolve(&cfg(None, Some("cfg-tok")), &env);
    assert_eq!(
        (c.base_url.as_str(), c.token.as_str()),
        ("https://env.example", "cfg-tok")
    );
    let c = resolve(&cfg(Some("https://cfg.example"), None), &env);
    assert_eq!(
        (c.base_url.as_str(), c.token.as_str()),
        ("https://cfg.example", "env-tok")
    );
}

#[test]
fn region_credentials_beat_partial_config() {
    let env = [
        ("QSTASH_REGION", "eu-central-1"),
        ("EU_CENTRAL_1_QSTASH_URL", "https://eu.example"),
        ("EU_CENTRAL_1_QSTASH_TOKEN", "eu-tok"),
        ("QSTASH_URL", "https://env.example"),
        ("QSTASH_TOKEN", "env-tok"),
    ];
    let c = resolve(&cfg(None, Some("cfg-tok")), &env);
    assert_eq!(
        (c.base_url.as_str(), c.token.as_str()),
        ("https://eu.example", "eu-tok")
    );
    assert_eq!(c.region.as_deref(), Some("EU_CENTRAL_1"));
    // ...but not a full config.
    let c = resolve(&cfg(Some("https://cfg.example"), Some("cfg-tok")), &env);
    assert_eq!(c.base_url, "https://cfg.example");
    assert_eq!(c.region, None);
}

#[test]
fn region_without_credentials_warns_and_falls_back() {
    let env = [
        ("QSTASH_REGION", "US_EAST_1"),
        ("US_EAST_1_QSTASH_URL", "https://us.example"),
        ("QSTASH_URL", "https://env.example"),
        ("QSTASH_TOKEN", "env-tok"),
    ];
    let c = resolve(&cfg(None, None), &env);
    assert_eq!(
        (c.base_url.as_str(), c.token.as_str()),
        ("https://env.example", "env-tok")
    );
    assert_eq!(c.warnings.len(), 1);
    assert!(c.warnings[0].contains("US_EAST_1_QSTASH_URL and US_EAST_1_QSTASH_TOKEN"));

    let c = resolve(
        &cfg(None, None),
        &[("QSTASH_REGION", "ap-south-1"), ("QSTASH_TOKEN", "t")],
    );
    assert_eq!(c.base_url, DEFAULT_QSTASH_URL);
    assert!(c.warnings[0].contains("\"AP_SOUTH_1\""));
}

#[test]
fn trailing_slash_and_publish_url_rewrite() {
    let c = resolve(&cfg(Some("https://cfg.example/"), Some("t")), &[]);
    assert_eq!(c.base_url, "https://cfg.example");
    // One slash in verifyCredentials, one more in HttpClient.
    let c = resolve(&cfg(Some("https://cfg.example//"), Some("t")), &[]);
    assert_eq!(c.base_url, "https://cfg.example");
    // Issue #226: the old publish URL as base URL.
    let c = resolve(
        &cfg(Some("https://qstash.upstash.io/v2/publish/"), Some("t")),
        &[],
    );
    assert_eq!(c.base_url, "https://qstash.upstash.io");
    let c = resolve(
        &cfg(None, None),
        &[("QSTASH_URL", "https://qstash.upstash.io/v2/publish")],
    );
    assert_eq!(c.base_url, "https://qstash.upstash.io");
}

#[test]
fn empty_strings_are_kept_by_nullish_coalescing() {
    // `"" ?? x` is "" in JS: an empty config token does not fall back to the env.
    let c = resolve(&cfg(None, Some("")), &[("QSTASH_TOKEN", "env-tok")]);
    assert_eq!(c.token, "");
}

#[test]
fn dev_mode_overrides_everything() {
    let mut config = cfg(Some("https://cfg.example"), Some("cfg-tok"));
    config.dev_mode = Some(true);
    let c = resolve(&config, &[]);
    assert_eq!(c.base_url, "http://127.0.0.1:8080");
    assert_eq!(c.token, DEV_TOKEN);
    assert!(c.dev_mode);
    assert!(c.warnings[0].contains("Dev mode is active. Ignoring baseUrl/token from config."));

    let c = resolve(
        &cfg(None, None),
        &[("QSTASH_DEV", "1"), ("QSTASH_DEV_PORT", "9090")],
    );
    assert_eq!(c.base_url, "http://127.0.0.1:9090");
    // devMode: false beats QSTASH_DEV.
    let mut config = cfg(None, Some("t"));
    config.dev_mode = Some(false);
    let c = resolve(&config, &[("QSTASH_DEV", "true")]);
    assert_eq!(c.base_url, DEFAULT_QSTASH_URL);
}

#[test]
fn qstash_dev_values() {
    for (v, on) in [
        ("", false),
        ("false", false),
        ("0", false),
        ("true", true),
        ("1", true),
    ] {
        assert_eq!(
            should_use_dev_mode(None, &[("QSTASH_DEV", v)]).unwrap(),
            on,
            "{v:?}"
        );
    }
    let err = should_use_dev_mode(None, &[("QSTASH_DEV", "yes")]).unwrap_err();
    assert_eq!(
        err.to_string(),
        "[QStash Dev] Invalid value for QSTASH_DEV in environment: yes"
    );
    assert!(matches!(err.kind(), ErrorKind::Usage(_)));
}

#[test]
fn dev_port_parses_like_parse_int() {
    for (port, url) in [
        ("8081", "http://127.0.0.1:8081"),
        ("8081abc", "http://127.0.0.1:8081"),
        ("  0042", "http://127.0.0.1:42"),
        ("0", "http://127.0.0.1:8080"),
        ("-5", "http://127.0.0.1:8080"),
        ("abc", "http://127.0.0.1:8080"),
        ("", "http://127.0.0.1:8080"),
    ] {
        assert_eq!(dev_url(&[("QSTASH_DEV_PORT", port)]), url, "{port:?}");
    }
}

#[test]
fn backoff_is_e_to_the_n_times_50() {
    // `src/client/http.test.ts`: ≈ 50, 136, 369, 1004, 2730 ms.
    let ms: Vec<f64> = (0..5).map(default_backoff_ms).collect();
    for (got, want) in ms.iter().zip([50.0, 135.914, 369.453, 1004.277, 2729.908]) {
        assert!((got - want).abs() < 0.001, "{got} vs {want}");
    }
    assert!((ms.iter().sum::<f64>() - 4289.55).abs() < 0.01);
    assert_eq!(RetryPolicy::default().attempts, 5);
    assert_eq!(RetryPolicy::disabled().attempts, 0);
}
