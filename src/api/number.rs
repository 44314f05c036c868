//! JavaScript number formatting, reproduced exactly.
//!
//! The official SDK builds header and query values with `Number.prototype.toString()`
//! (`${n}s`, `parallelism.toString()`, query numbers) and `toFixed(0)` (delay, notBefore,
//! retries). Rust's float formatting differs (no exponent form, ties-to-even in `{:.0}`), so
//! these two functions follow ECMA-262 §6.1.6.1.20 `Number::toString` and §21.1.3.3 `toFixed`.

/// `String(x)` for a JS number: shortest round-trip digits, exponent form outside
/// `[1e-7, 1e21)`, `-0` → `"0"`.
///
/// ```
/// use qstash_wasm::api::js_number_to_string;
/// assert_eq!(js_number_to_string(1.5), "1.5");
/// assert_eq!(js_number_to_string(1e21), "1e+21");
/// assert_eq!(js_number_to_string(1e-7), "1e-7");
/// assert_eq!(js_number_to_string(-0.0), "0");
/// assert_eq!(js_number_to_string(100.0), "100");
/// ```
pub fn js_number_to_string(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x == 0.0 {
        return "0".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "Infinity" } else { "-Infinity" }.into();
    }
    // Safe integers (< 2^53) print as their exact digits: their shortest round-trip form is
    // the integer itself. (Larger ones print shortest digits padded with zeros:
    // 123456789012345683968 → "123456789012345680000".)
    if x.fract() == 0.0 && x.abs() < 9_007_199_254_740_992.0 {
        return (x as i64).to_string();
    }
    #[cfg(target_arch = "wasm32")]
    return crate::engine::number_to_string(x);
    #[cfg(not(target_arch = "wasm32"))]
    spec_number_to_string(x)
}

/// ECMA-262 `Number::toString` for finite, non-zero, non-safe-integer `x` (in wasm the engine
/// answers instead; see `crate::engine`).
#[cfg(not(target_arch = "wasm32"))]
fn spec_number_to_string(x: f64) -> String {
    let sign = if x < 0.0 { "-" } else { "" };
    // `{:e}` gives the shortest digit count k that round-trips. ECMA-262 then wants, among
    // the k-digit strings that round-trip, the one closest to x, ties to even; `{:.*e}` with
    // k-1 fraction digits rounds the exact value half-to-even, which is that string (the
    // shortest-mode digits can differ on exact ties, e.g. 1958553047563860.25 → "…860.2").
    let shortest = format!("{:e}", x.abs());
    let k = shortest.split_once('e').map_or(shortest.len(), |(m, _)| {
        m.chars().filter(|c| *c != '.').count()
    });
    let sci = format!("{:.*e}", k.saturating_sub(1), x.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let k = digits.len() as i32;
    let n = exp + 1; // position of the decimal point relative to the digits
    let body = if k <= n && n <= 21 {
        let mut s = digits.clone();
        s.extend(std::iter::repeat_n('0', (n - k) as usize));
        s
    } else if 0 < n && n <= 21 {
        format!("{}.{}", &digits[..n as usize], &digits[n as usize..])
    } else if -6 < n && n <= 0 {
        format!("0.{}{}", "0".repeat((-n) as usize), digits)
    } else {
        let e = n - 1;
        let esign = if e < 0 { '-' } else { '+' };
        if k == 1 {
            format!("{digits}e{esign}{}", e.abs())
        } else {
            format!("{}.{}e{esign}{}", &digits[..1], &digits[1..], e.abs())
        }
    };
    format!("{sign}{body}")
}

/// `x.toFixed(0)` for a JS number: ties round away from zero, `(-0.4).toFixed(0)` is `"-0"`,
/// and `|x| >= 1e21` falls back to [`js_number_to_string`].
///
/// ```
/// use qstash_wasm::api::js_to_fixed0;
/// assert_eq!(js_to_fixed0(2.5), "3");
/// assert_eq!(js_to_fixed0(-2.5), "-3");
/// assert_eq!(js_to_fixed0(-0.4), "-0");
/// assert_eq!(js_to_fixed0(1e20), "100000000000000000000");
/// ```
pub fn js_to_fixed0(x: f64) -> String {
    if !x.is_finite() || x.abs() >= 1e21 {
        return js_number_to_string(x);
    }
    // Spec: "If x < 0, let s be "-" and x be -x" — so -0 has no sign but -0.4 does.
    let sign = if x < 0.0 { "-" } else { "" };
    // `f64::round` rounds half away from zero on the exact binary value, which is the
    // spec's "if there are two such n, pick the larger n" applied to |x|. The result is an
    // integer below 1e21 < 2^70, so it converts to u128 exactly and prints without any float
    // formatting code. Below 2^64 (every delay, timestamp and retry count) as u64: 128-bit
    // division is a library call in wasm, and core::fmt's u128 printing was ~3% of a publish.
    let n = x.abs().round();
    if n < 18_446_744_073_709_551_616.0 {
        let mut out = String::with_capacity(21);
        out.push_str(sign);
        push_u64(&mut out, n as u64);
        out
    } else {
        format!("{sign}{}", n as u128)
    }
}

/// Appends the decimal digits of `n`.
fn push_u64(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend(digits[at..].iter().map(|&d| char::from(d)));
}

/// `JSON.stringify(x)` for a number: like [`js_number_to_string`] but non-finite → `null`.
pub fn js_json_number(x: f64) -> String {
    if x.is_finite() {
        js_number_to_string(x)
    } else {
        "null".into()
    }
}
