//! Client credential resolution (`getClientCredentials` in the official SDK), as a pure
//! function over an environment map.

use std::collections::HashMap;

use crate::error::{self, Result};

/// The default QStash API URL.
pub const DEFAULT_QSTASH_URL: &str = "https://qstash.upstash.io";
/// How the official SDK starts its dev-mode log lines: `[QStash Dev]`, dimmed on a terminal.
pub const DEV_LOG_PREFIX: &str = "\u{1b}[2m[QStash Dev]\u{1b}[0m";
/// The dev server's fixed token (public; baked into the official dev server).
pub const DEV_TOKEN: &str =
    "eyJVc2VySUQiOiJkZWZhdWx0VXNlciIsIlBhc3N3b3JkIjoiZGVmYXVsdFBhc3N3b3JkIn0=";
/// The dev server's fixed current signing key.
pub const DEV_CURRENT_SIGNING_KEY: &str = "sig_7kYjw48mhY7kAjqNGcy6cr29RJ6r";
/// The dev server's fixed next signing key.
pub const DEV_NEXT_SIGNING_KEY: &str = "sig_5ZB6DVzB1wjE8S6rZ7eenA8Pdnhs";
/// The dev server's default port.
pub const DEFAULT_DEV_PORT: u16 = 8080;
/// Regions that `QSTASH_REGION` may name (after normalisation).
pub const VALID_REGIONS: [&str; 2] = ["EU_CENTRAL_1", "US_EAST_1"];

/// Something that can be asked for environment variables (`process.env`).
pub trait Env {
    /// The variable's value; `Some("")` when set but empty.
    fn var(&self, key: &str) -> Option<String>;

    /// `s.toUpperCase()`, for region names (which may hold any text). The default is Rust's
    /// Unicode mapping; the JS facades answer with the engine's own `toUpperCase` instead, so
    /// the wasm carries no Unicode case tables (~17 KB).
    fn to_upper(&self, s: &str) -> String {
        s.to_uppercase()
    }
}

impl Env for HashMap<String, String> {
    fn var(&self, key: &str) -> Option<String> {
        self.get(key).cloned()
    }
}

impl Env for [(&str, &str)] {
    fn var(&self, key: &str) -> Option<String> {
        self.iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.to_string())
    }
}

impl<const N: usize> Env for [(&str, &str); N] {
    fn var(&self, key: &str) -> Option<String> {
        self.as_slice().var(key)
    }
}

/// The credential-related part of `ClientConfig`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CredentialConfig {
    /// `config.baseUrl`.
    pub base_url: Option<String>,
    /// `config.token`.
    pub token: Option<String>,
    /// `config.devMode`: `Some(true)` forces dev mode, `Some(false)` disables it, `None` reads
    /// `QSTASH_DEV`.
    pub dev_mode: Option<bool>,
}

/// The outcome of [`resolve_credentials`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    /// Base URL with trailing slashes stripped as the SDK does (twice: once in
    /// `verifyCredentials`, once in `HttpClient`), `/v2/publish` rewritten to the default.
    pub base_url: String,
    /// Bearer token (may be empty: the SDK only warns).
    pub token: String,
    /// The region whose env credentials were used, if any.
    pub region: Option<String>,
    /// True when dev mode supplied the credentials.
    pub dev_mode: bool,
    /// Warnings the official SDK would `console.warn`, in order.
    pub warnings: Vec<String>,
}

/// `QSTASH_REGION`-style normalisation: `-` → `_`, upper-case, must be a valid region.
///
/// ```
/// use qstash_wasm::api::normalize_region;
/// assert_eq!(normalize_region("eu-central-1").as_deref(), Some("EU_CENTRAL_1"));
/// assert_eq!(normalize_region("mars"), None);
/// ```
pub fn normalize_region(region: &str) -> Option<String> {
    const NO_ENV: [(&str, &str); 0] = [];
    normalize_region_in(&NO_ENV, region)
}

/// `region.replaceAll("-", "_").toUpperCase()`, with `env`'s upper-casing.
///
/// ```
/// use qstash_wasm::api::region_upper;
/// let env: [(&str, &str); 0] = [];
/// assert_eq!(region_upper(&env, "eu-central-1"), "EU_CENTRAL_1");
/// assert_eq!(region_upper(&env, "straße"), "STRASSE");
/// ```
pub fn region_upper(env: &(impl Env + ?Sized), region: &str) -> String {
    env.to_upper(&region.replace('-', "_"))
}

/// [`normalize_region`] with `env`'s upper-casing ([`Env::to_upper`]).
///
/// ```
/// use qstash_wasm::api::normalize_region_in;
/// let env: [(&str, &str); 0] = [];
/// assert_eq!(normalize_region_in(&env, "us-east-1").as_deref(), Some("US_EAST_1"));
/// assert_eq!(normalize_region_in(&env, ""), None);
/// ```
pub fn normalize_region_in(env: &(impl Env + ?Sized), region: &str) -> Option<String> {
    if region.is_empty() {
        return None;
    }
    let r = region_upper(env, region);
    VALID_REGIONS.contains(&r.as_str()).then_some(r)
}

/// `shouldUseDevelopmentMode`: the explicit flag wins; otherwise `QSTASH_DEV` must be unset,
/// empty, `false`, `0` (off) or `true`, `1` (on). Anything else is an error.
pub fn should_use_dev_mode(dev_mode: Option<bool>, env: &(impl Env + ?Sized)) -> Result<bool> {
    if let Some(d) = dev_mode {
        return Ok(d);
    }
    match env.var("QSTASH_DEV").as_deref() {
        None | Some("") | Some("false") | Some("0") => Ok(false),
        Some("true") | Some("1") => Ok(true),
        Some(other) => Err(error::usage(format!(
            "[QStash Dev] Invalid value for QSTASH_DEV in environment: {other}"
        ))),
    }
}

/// `Number.parseInt(s, 10)` for the leading integer of `s`; `None` for NaN.
fn js_parse_int(s: &str) -> Option<(bool, String)> {
    let t = s.trim_start();
    let (neg, rest) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
    if digits.is_empty() {
        return None;
    }
    let trimmed = digits.trim_start_matches('0');
    Some((
        neg,
        if trimmed.is_empty() {
            "0".into()
        } else {
            trimmed.into()
        },
    ))
}

/// The dev server URL: `http://127.0.0.1:${QSTASH_DEV_PORT || 8080}` (a port that does not
/// parse to a positive integer falls back to 8080).
pub fn dev_url(env: &(impl Env + ?Sized)) -> String {
    let port = env
        .var("QSTASH_DEV_PORT")
        .filter(|p| !p.is_empty())
        .and_then(|p| js_parse_int(&p))
        .filter(|(neg, digits)| !*neg && digits != "0")
        .map(|(_, d)| d)
        .unwrap_or_else(|| DEFAULT_DEV_PORT.to_string());
    format!("http://127.0.0.1:{port}")
}

fn non_empty(v: Option<String>) -> Option<String> {
    v.filter(|s| !s.is_empty())
}

/// Resolves base URL and token exactly like `getClientCredentials` + `HttpClient`:
///
/// 0. dev mode → the dev server URL and token (config values ignored, with a warning);
/// 1. `config.baseUrl` **and** `config.token` (both non-empty) → used as given;
/// 2. `QSTASH_REGION` valid and `${REGION}_QSTASH_URL` + `${REGION}_QSTASH_TOKEN` set → used;
///    otherwise a warning and fall through;
/// 3. `config.baseUrl ?? QSTASH_URL ?? default`, `config.token ?? QSTASH_TOKEN ?? ""`.
///
/// Then one trailing `/` is stripped, `https://qstash.upstash.io/v2/publish` becomes the
/// default URL, and one more trailing `/` is stripped (the `HttpClient` constructor).
///
/// ```
/// use qstash_wasm::api::{resolve_credentials, CredentialConfig};
/// let env = [("QSTASH_URL", "https://eu.example/"), ("QSTASH_TOKEN", "tok")];
/// let c = resolve_credentials(&CredentialConfig::default(), &env).unwrap();
/// assert_eq!(c.base_url, "https://eu.example");
/// assert_eq!(c.token, "tok");
/// ```
pub fn resolve_credentials(
    config: &CredentialConfig,
    env: &(impl Env + ?Sized),
) -> Result<Credentials> {
    let mut warnings = Vec::new();
    let dev = should_use_dev_mode(config.dev_mode, env)?;
    let (base_url, token, region) = if dev {
        if non_empty(config.base_url.clone()).is_some() || non_empty(config.token.clone()).is_some()
        {
            warnings.push(format!(
                "{DEV_LOG_PREFIX} Dev mode is active. Ignoring baseUrl/token from config. Set devMode: false to use your own credentials."
            ));
        }
        (dev_url(env), DEV_TOKEN.to_string(), None)
    } else if let (Some(b), Some(t)) = (
        non_empty(config.base_url.clone()),
        non_empty(config.token.clone()),
    ) {
        (b, t, None)
    } else {
        let region_raw = env.var("QSTASH_REGION").unwrap_or_default();
        let region = normalize_region_in(env, &region_raw);
        if region.is_none() && !region_raw.is_empty() {
            warnings.push(format!(
                "[Upstash QStash] Invalid UPSTASH_REGION header value: \"{}\". Expected one of: {}.",
                region_upper(env, &region_raw),
                VALID_REGIONS.join(", ")
            ));
        }
        let from_region = region.and_then(|r| {
            let url = non_empty(env.var(&format!("{r}_QSTASH_URL")));
            let tok = non_empty(env.var(&format!("{r}_QSTASH_TOKEN")));
            match (url, tok) {
                (Some(u), Some(t)) => Some((u, t, Some(r))),
                _ => {
                    warnings.push(format!(
                        "[Upstash QStash] QSTASH_REGION is set to \"{r}\" but credentials are missing. Expected {r}_QSTASH_URL and {r}_QSTASH_TOKEN. Falling back to default credentials."
                    ));
                    None
                }
            }
        });
        match from_region {
            Some(found) => found,
            None => (
                config
                    .base_url
                    .clone()
                    .or_else(|| env.var("QSTASH_URL"))
                    .unwrap_or_else(|| DEFAULT_QSTASH_URL.to_string()),
                config
                    .token
                    .clone()
                    .or_else(|| env.var("QSTASH_TOKEN"))
                    .unwrap_or_default(),
                None,
            ),
        }
    };

    let mut base_url = base_url.strip_suffix('/').unwrap_or(&base_url).to_string();
    if base_url == "https://qstash.upstash.io/v2/publish" {
        base_url = DEFAULT_QSTASH_URL.to_string();
    }
    if token.is_empty() {
        warnings.push(
            "[Upstash QStash] client token is not set. Either pass a token or set QSTASH_TOKEN env variable."
                .to_string(),
        );
    }
    let base_url = base_url.strip_suffix('/').unwrap_or(&base_url).to_string();
    Ok(Credentials {
        base_url,
        token,
        region,
        dev_mode: dev,
        warnings,
    })
}
