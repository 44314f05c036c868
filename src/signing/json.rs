//! A strict, iterative JSON reader that keeps only what verification needs.
//!
//! Why not `serde_json::Value`: jose runs `JSON.parse`, and to accept exactly the tokens it
//! accepts we must follow `JSON.parse`, which differs from serde_json on inputs a token can
//! carry: numbers that overflow become `Infinity` (serde_json: "number out of range"), lone
//! UTF-16 surrogates in `\u` escapes are allowed (serde_json: error), and nesting depth is
//! unlimited (serde_json: 128). A full value tree would also drop recursively, which can exhaust
//! the stack on deeply nested input. So this reader validates the whole text in one linear,
//! non-recursive pass and materialises only the top-level members, with one level of array
//! elements (enough for the `crit` header parameter). Strings without escapes are borrowed.

use std::borrow::Cow;

/// A decoded JSON string. JS strings are UTF-16; a `\uD800`-style lone surrogate has no `str`
/// form, so it becomes U+FFFD and `exact` is false. Such a string never compares equal to a
/// Rust string (a JS string with a lone surrogate is not equal to any well-formed one either).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct JsString<'a> {
    /// Borrowed from the input unless it had escapes.
    pub(crate) value: Cow<'a, str>,
    pub(crate) exact: bool,
}

impl JsString<'_> {
    /// `===` against a well-formed string.
    pub(crate) fn is(&self, other: &str) -> bool {
        self.exact && self.value == other
    }
}

/// A top-level member value. Containers below the first level are validated but not kept.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value<'a> {
    Null,
    Bool(bool),
    /// Every JSON number is an IEEE double in JS; overflow gives ±infinity.
    Number(f64),
    String(JsString<'a>),
    /// Elements of a top-level array; nested containers appear as `Array(vec![])`/`Object`.
    Array(Vec<Value<'a>>),
    Object,
}

impl Value<'_> {
    /// What JS `String(value)` prints, as the official Receiver interpolates claims into its
    /// messages (`invalid subject: ${p.sub}`). Nested containers are approximated.
    pub(crate) fn js_display(value: Option<&Value<'_>>) -> String {
        match value {
            None => "undefined".to_owned(),
            Some(Value::Null) => "null".to_owned(),
            Some(Value::Bool(b)) => b.to_string(),
            Some(Value::Number(n)) => js_number(*n),
            Some(Value::String(s)) => s.value.to_string(),
            Some(Value::Object) => "[object Object]".to_owned(),
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| match item {
                    // `[null].join()` is "" in JS.
                    Value::Null => String::new(),
                    other => Value::js_display(Some(other)),
                })
                .collect::<Vec<_>>()
                .join(","),
        }
    }
}

/// JS `Number.prototype.toString`.
fn js_number(n: f64) -> String {
    crate::api::js_number_to_string(n)
}

/// The double nearest to `text`, a number matching JSON's grammar, as `JSON.parse` gives it.
///
/// Token claims are integers or short decimals, which Clinger's fast path converts exactly: a
/// significand below 2^53 and a power of ten up to 10^22 are both exact doubles, so one
/// multiplication or division rounds once, correctly. Anything else (long digit strings, large
/// exponents) takes the general conversion: the engine's in wasm (`crate::engine`), std's
/// natively.
fn number_value(text: &str) -> f64 {
    const POW10: [f64; 23] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
        1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];
    let bytes = text.as_bytes();
    let negative = bytes.first() == Some(&b'-');
    let mut i = usize::from(negative);
    let mut significand: u64 = 0;
    let mut digits = 0u32; // significant digits accumulated (leading zeros do not count)
    let mut scale: i64 = 0; // decimal exponent contributed by fraction digits
    let mut fraction = false;
    while let Some(&c) = bytes.get(i) {
        match c {
            b'0'..=b'9' => {
                if significand != 0 || c != b'0' {
                    digits += 1;
                }
                if digits > 19 {
                    return general(text);
                }
                significand = significand * 10 + u64::from(c - b'0');
                if fraction {
                    scale -= 1;
                }
            }
            b'.' => fraction = true,
            _ => break,
        }
        i += 1;
    }
    let mut exponent: i64 = 0;
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        i += 1;
        let exp_negative = bytes.get(i) == Some(&b'-');
        if matches!(bytes.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        for &c in &bytes[i..] {
            exponent = exponent * 10 + i64::from(c - b'0');
            if exponent > 10_000 {
                return general(text);
            }
        }
        if exp_negative {
            exponent = -exponent;
        }
    }
    if significand > 1 << 53 {
        return general(text);
    }
    let power = exponent + scale;
    let magnitude = if significand == 0 {
        0.0
    } else if (0..=22).contains(&power) {
        significand as f64 * POW10[power as usize]
    } else if (-22..0).contains(&power) {
        significand as f64 / POW10[(-power) as usize]
    } else {
        return general(text);
    };
    if negative {
        -magnitude
    } else {
        magnitude
    }
}

/// The general decimal-to-double conversion, for what [`number_value`]'s fast path leaves.
fn general(text: &str) -> f64 {
    #[cfg(target_arch = "wasm32")]
    return crate::engine::parse_number(text);
    #[cfg(not(target_arch = "wasm32"))]
    text.parse().unwrap_or(f64::NAN)
}

/// The top-level shape of a parsed document.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Document<'a> {
    /// A JSON object; members in document order (duplicates kept; the last one wins, as in
    /// `JSON.parse`).
    Object(Vec<(JsString<'a>, Value<'a>)>),
    /// Valid JSON that is not an object.
    Other,
}

impl<'a> Document<'a> {
    /// The value `JSON.parse(text)[name]` would give (own properties only; the claim and header
    /// names we look up are not on `Object.prototype`).
    pub(crate) fn get(&self, name: &str) -> Option<&Value<'a>> {
        match self {
            Document::Object(members) => members
                .iter()
                .rev()
                .find(|(key, _)| key.is(name))
                .map(|(_, value)| value),
            Document::Other => None,
        }
    }
}

/// `new TextDecoder().decode(bytes)`: not fatal (invalid UTF-8 becomes U+FFFD, as
/// `from_utf8_lossy` does) and drops one leading byte-order mark. Feed the result to [`parse`]
/// for what jose's `JSON.parse(decoder.decode(bytes))` sees.
pub(crate) fn decode_text(bytes: &[u8]) -> Cow<'_, str> {
    match String::from_utf8_lossy(bytes) {
        Cow::Borrowed(text) => Cow::Borrowed(text.strip_prefix('\u{feff}').unwrap_or(text)),
        Cow::Owned(text) => match text.strip_prefix('\u{feff}') {
            Some(rest) => Cow::Owned(rest.to_owned()),
            None => Cow::Owned(text),
        },
    }
}

/// Parse a JSON text with `JSON.parse`'s grammar (RFC 8259). `None` when it is not valid JSON.
pub(crate) fn parse(text: &str) -> Option<Document<'_>> {
    let mut reader = Reader {
        text,
        bytes: text.as_bytes(),
        pos: 0,
    };
    reader.ws();
    let document = if reader.peek() == Some(b'{') {
        Document::Object(reader.top_object()?)
    } else {
        reader.skip_value()?;
        Document::Other
    };
    reader.ws();
    (reader.pos == reader.bytes.len()).then_some(document)
}

struct Reader<'a> {
    /// The input as text (strings are borrowed from it) and as bytes (for scanning).
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    // Tiny and hot: the release profile optimises for size and would not inline it.
    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    // Tiny and hot: the release profile optimises for size and would not inline it.
    #[inline(always)]
    fn next(&mut self) -> Option<u8> {
        let byte = self.peek()?;
        self.pos += 1;
        Some(byte)
    }

    // Tiny and hot: the release profile optimises for size and would not inline it.
    #[inline(always)]
    fn eat(&mut self, byte: u8) -> bool {
        if self.peek() == Some(byte) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    // Tiny and hot: the release profile optimises for size and would not inline it.
    #[inline(always)]
    fn expect(&mut self, byte: u8) -> Option<()> {
        self.eat(byte).then_some(())
    }

    /// JSON whitespace is exactly these four bytes (not Unicode spaces, not a BOM).
    // Tiny and hot: the release profile optimises for size and would not inline it.
    #[inline(always)]
    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn top_object(&mut self) -> Option<Vec<(JsString<'a>, Value<'a>)>> {
        self.expect(b'{')?;
        let mut members = Vec::new();
        self.ws();
        if self.eat(b'}') {
            return Some(members);
        }
        loop {
            self.ws();
            let key = self.string()?;
            self.ws();
            self.expect(b':')?;
            self.ws();
            let value = match self.peek()? {
                b'[' => self.shallow_array()?,
                b'{' => {
                    self.skip_value()?;
                    Value::Object
                }
                _ => self.scalar()?,
            };
            members.push((key, value));
            self.ws();
            match self.next()? {
                b',' => continue,
                b'}' => return Some(members),
                _ => return None,
            }
        }
    }

    fn shallow_array(&mut self) -> Option<Value<'a>> {
        self.expect(b'[')?;
        let mut items = Vec::new();
        self.ws();
        if self.eat(b']') {
            return Some(Value::Array(items));
        }
        loop {
            self.ws();
            let item = match self.peek()? {
                b'[' => {
                    self.skip_value()?;
                    Value::Array(Vec::new())
                }
                b'{' => {
                    self.skip_value()?;
                    Value::Object
                }
                _ => self.scalar()?,
            };
            items.push(item);
            self.ws();
            match self.next()? {
                b',' => continue,
                b']' => return Some(Value::Array(items)),
                _ => return None,
            }
        }
    }

    fn scalar(&mut self) -> Option<Value<'a>> {
        match self.peek()? {
            b'"' => self.string().map(Value::String),
            b't' => self.literal(b"true").map(|()| Value::Bool(true)),
            b'f' => self.literal(b"false").map(|()| Value::Bool(false)),
            b'n' => self.literal(b"null").map(|()| Value::Null),
            b'-' | b'0'..=b'9' => self.number().map(Value::Number),
            _ => None,
        }
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        let end = self.pos.checked_add(word.len())?;
        if self.bytes.get(self.pos..end)? == word {
            self.pos = end;
            Some(())
        } else {
            None
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
        self.pos - start
    }

    /// `-? (0 | [1-9][0-9]*) (.[0-9]+)? ([eE][+-]?[0-9]+)?`, converted like JS (correctly
    /// rounded; overflow to ±infinity, which Rust's parser also does).
    fn number(&mut self) -> Option<f64> {
        let start = self.pos;
        self.eat(b'-');
        match self.next()? {
            b'0' => {}
            b'1'..=b'9' => {
                self.digits();
            }
            _ => return None,
        }
        if self.eat(b'.') && self.digits() == 0 {
            return None;
        }
        if self.eat(b'e') || self.eat(b'E') {
            if !self.eat(b'+') {
                self.eat(b'-');
            }
            if self.digits() == 0 {
                return None;
            }
        }
        // The slice is ASCII we just matched.
        let text = std::str::from_utf8(&self.bytes[start..self.pos]).ok()?;
        Some(number_value(text))
    }

    fn hex4(&mut self) -> Option<u16> {
        let end = self.pos.checked_add(4)?;
        let digits = self.bytes.get(self.pos..end)?;
        let mut value: u16 = 0;
        for &digit in digits {
            let nibble = (digit as char).to_digit(16)?;
            value = (value << 4) | nibble as u16;
        }
        self.pos = end;
        Some(value)
    }

    fn string(&mut self) -> Option<JsString<'a>> {
        self.expect(b'"')?;
        let mut out: Option<String> = None;
        let mut exact = true;
        loop {
            // Take the run of plain bytes in one go (keeps long strings linear and fast).
            let start = self.pos;
            while let Some(byte) = self.peek() {
                if byte == b'"' || byte == b'\\' || byte < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            // The scan only stops on ASCII bytes, so this is a char-boundary slice of the text.
            let run = self.text.get(start..self.pos)?;
            match self.next()? {
                b'"' => {
                    // No escapes at all: borrow. Otherwise finish the owned copy.
                    let value = match out {
                        None => Cow::Borrowed(run),
                        Some(mut owned) => {
                            owned.push_str(run);
                            Cow::Owned(owned)
                        }
                    };
                    return Some(JsString { value, exact });
                }
                b'\\' => {}
                // Raw control characters are not allowed inside JSON strings.
                _ => return None,
            }
            let owned = out.get_or_insert_with(String::new);
            owned.push_str(run);
            match self.next()? {
                b'"' => owned.push('"'),
                b'\\' => owned.push('\\'),
                b'/' => owned.push('/'),
                b'b' => owned.push('\u{8}'),
                b'f' => owned.push('\u{c}'),
                b'n' => owned.push('\n'),
                b'r' => owned.push('\r'),
                b't' => owned.push('\t'),
                b'u' => {
                    let unit = self.hex4()?;
                    if (0xD800..0xDC00).contains(&unit) {
                        // A high surrogate: pair it with a following `\uDC00..\uDFFF` escape.
                        let save = self.pos;
                        let low = if self.eat(b'\\') && self.eat(b'u') {
                            self.hex4().filter(|low| (0xDC00..0xE000).contains(low))
                        } else {
                            None
                        };
                        match low {
                            Some(low) => {
                                let code = 0x10000
                                    + ((u32::from(unit) - 0xD800) << 10)
                                    + (u32::from(low) - 0xDC00);
                                owned.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                            }
                            None => {
                                self.pos = save;
                                owned.push('\u{fffd}');
                                exact = false;
                            }
                        }
                    } else {
                        match char::from_u32(u32::from(unit)) {
                            Some(ch) => owned.push(ch),
                            // A lone low surrogate.
                            None => {
                                owned.push('\u{fffd}');
                                exact = false;
                            }
                        }
                    }
                }
                _ => return None,
            }
        }
    }

    fn skip_string(&mut self) -> Option<()> {
        self.expect(b'"')?;
        loop {
            match self.next()? {
                b'"' => return Some(()),
                b'\\' => match self.next()? {
                    b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => {}
                    b'u' => {
                        self.hex4()?;
                    }
                    _ => return None,
                },
                byte if byte < 0x20 => return None,
                _ => {}
            }
        }
    }

    /// Validate one value of any depth without recursion (an explicit stack of open
    /// containers, one byte per level) so hostile nesting cannot overflow the call stack.
    fn skip_value(&mut self) -> Option<()> {
        let mut open: Vec<u8> = Vec::new();
        loop {
            // Expect a value.
            self.ws();
            match self.peek()? {
                b'{' => {
                    self.pos += 1;
                    self.ws();
                    if !self.eat(b'}') {
                        open.push(b'{');
                        self.skip_string()?;
                        self.ws();
                        self.expect(b':')?;
                        continue;
                    }
                }
                b'[' => {
                    self.pos += 1;
                    self.ws();
                    if !self.eat(b']') {
                        open.push(b'[');
                        continue;
                    }
                }
                b'"' => self.skip_string()?,
                b't' => self.literal(b"true")?,
                b'f' => self.literal(b"false")?,
                b'n' => self.literal(b"null")?,
                b'-' | b'0'..=b'9' => {
                    self.number()?;
                }
                _ => return None,
            }
            // A value is complete: close containers until one expects another value.
            loop {
                let Some(&container) = open.last() else {
                    return Some(());
                };
                self.ws();
                match (container, self.next()?) {
                    (b'{', b',') => {
                        self.ws();
                        self.skip_string()?;
                        self.ws();
                        self.expect(b':')?;
                        break;
                    }
                    (b'[', b',') => break,
                    (b'{', b'}') | (b'[', b']') => {
                        open.pop();
                    }
                    _ => return None,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast path must give exactly what the general conversion gives (bit for bit, so
    /// `-0` and `0` differ).
    fn same_as_general(text: &str) {
        let want: f64 = text.parse().unwrap();
        assert_eq!(number_value(text).to_bits(), want.to_bits(), "{text}");
    }

    #[test]
    fn number_fast_path_is_exact() {
        for text in [
            "0",
            "-0",
            "0.0",
            "-0.0",
            "1",
            "-1",
            "1700000000",
            "1700000000.5",
            "0.1",
            "0.3",
            "123.456",
            "1e22",
            "1e23",
            "1e-22",
            "1e-23",
            "9007199254740992",
            "9007199254740993",
            "9007199254740993.0",
            "12345678901234567890",
            "1.7976931348623157e308",
            "1e309",
            "-1e309",
            "5e-324",
            "1e-400",
            "0.000001",
            "1E5",
            "1e+5",
            "2.5e-3",
            "00",
            "1.00000000000000000000000000001",
            "4.9406564584124654e-324",
            "1e00000000000000001",
        ] {
            same_as_general(text);
        }
    }

    proptest::proptest! {
        #[test]
        fn number_fast_path_matches_general(
            int in 0u64..100_000_000_000,
            frac in proptest::option::of(0u32..1_000_000),
            exp in proptest::option::of(-30i32..30),
            neg in proptest::bool::ANY,
        ) {
            let mut text = format!("{}{int}", if neg { "-" } else { "" });
            if let Some(frac) = frac {
                text.push_str(&format!(".{frac:06}"));
            }
            if let Some(exp) = exp {
                text.push_str(&format!("e{exp}"));
            }
            same_as_general(&text);
        }
    }

    fn obj(text: &str) -> Vec<(JsString<'_>, Value<'_>)> {
        match parse(text) {
            Some(Document::Object(members)) => members,
            other => panic!("not an object: {other:?}"),
        }
    }

    #[test]
    fn accepts_what_json_parse_accepts() {
        for text in [
            "{}",
            " {\"a\" : 1 } ",
            "[]",
            "0",
            "-0.5e+10",
            "\"x\"",
            "null",
            "{\"a\":[1,[2,{\"b\":[]}],{}],\"c\":{\"d\":{\"e\":null}}}",
            "{\"a\":\"\\ud800\"}",
            "{\"a\":1e400}",
        ] {
            assert!(parse(text).is_some(), "{text}");
        }
    }

    #[test]
    fn rejects_what_json_parse_rejects() {
        for text in [
            "",
            "{",
            "{\"a\":}",
            "{\"a\":1,}",
            "[1,]",
            "01",
            "1.",
            ".5",
            "+1",
            "1e",
            "{'a':1}",
            "{\"a\":\"\u{1}\"}",
            "{\"a\":\"\\x\"}",
            "{\"a\":tru}",
            "{} {}",
            "NaN",
            "{\"a\":[1}",
            "{\"a\":{\"b\"}}",
            "\u{feff}{}",
        ] {
            assert!(parse(text).is_none(), "{text:?}");
        }
    }

    #[test]
    fn last_duplicate_wins_and_escapes_decode() {
        let doc = Document::Object(obj("{\"i\\u0073s\":\"a\",\"iss\":\"Up\\u0073tash\"}"));
        assert_eq!(
            doc.get("iss"),
            Some(&Value::String(JsString {
                value: Cow::Borrowed("Upstash"),
                exact: true
            }))
        );
    }

    #[test]
    fn numbers_follow_js() {
        let doc = Document::Object(obj("{\"a\":1e400,\"b\":-1e400,\"c\":1.5,\"d\":1e-400}"));
        assert_eq!(doc.get("a"), Some(&Value::Number(f64::INFINITY)));
        assert_eq!(doc.get("b"), Some(&Value::Number(f64::NEG_INFINITY)));
        assert_eq!(doc.get("c"), Some(&Value::Number(1.5)));
        assert_eq!(doc.get("d"), Some(&Value::Number(0.0)));
    }

    #[test]
    fn lone_surrogates_are_inexact() {
        let doc = Document::Object(obj("{\"a\":\"\\udc00x\",\"b\":\"\\ud83d\\ude00\"}"));
        match doc.get("a") {
            Some(Value::String(s)) => assert!(!s.exact && s.value == "\u{fffd}x"),
            other => panic!("{other:?}"),
        }
        match doc.get("b") {
            Some(Value::String(s)) => assert!(s.is("😀")),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn deep_nesting_is_linear_and_does_not_overflow() {
        let depth = 200_000;
        let text = format!("{{\"a\":{}{}}}", "[".repeat(depth), "]".repeat(depth));
        assert!(parse(&text).is_some());
        let unbalanced = format!("{{\"a\":{}}}", "[".repeat(depth));
        assert!(parse(&unbalanced).is_none());
    }

    #[test]
    fn bom_and_invalid_utf8_follow_text_decoder() {
        assert!(parse(&decode_text(b"\xef\xbb\xbf{}")).is_some());
        assert!(parse(&decode_text(b"{\"a\":\"\xff\"}")).is_some());
        assert!(parse(&decode_text(b"{\"a\":1}\xff")).is_none());
        assert!(parse(&decode_text(b"\xef\xbb\xbf{\"a\":\"\xff\"}")).is_some());
        assert!(parse(&decode_text(b"\xef\xbb\xbf\xef\xbb\xbf{}")).is_none());
    }

    #[test]
    fn js_display_matches_string_conversion() {
        assert_eq!(Value::js_display(None), "undefined");
        assert_eq!(Value::js_display(Some(&Value::Number(5.0))), "5");
        assert_eq!(Value::js_display(Some(&Value::Number(1.5))), "1.5");
        assert_eq!(Value::js_display(Some(&Value::Object)), "[object Object]");
        assert_eq!(
            Value::js_display(Some(&Value::Array(vec![Value::Number(1.0), Value::Null]))),
            "1,"
        );
    }
}
