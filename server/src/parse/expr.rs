//! The `Upstash-Retry-Delay` expression language.
//!
//! An expression computes the delay in **milliseconds** before a retry from the variable
//! `retried` (0 before the first retry). Grammar (usual precedence, left-associative):
//!
//! ```text
//! expr    = term   (("+" | "-") term)*
//! term    = unary  (("*" | "/" | "%") unary)*
//! unary   = ("-" | "+") unary | primary
//! primary = number | "retried" | func "(" expr ("," expr)* ")" | "(" expr ")"
//! func    = pow | sqrt | abs | exp | floor | ceil | round | min | max
//! ```
//!
//! Input is bounded (length and nesting depth) so hostile input cannot exhaust the stack.

use std::fmt;

use super::{snippet, ParseError};

/// Longest accepted expression, in bytes. Real expressions are a few dozen characters.
pub const MAX_LEN: usize = 1024;
/// Deepest accepted nesting of parentheses / unary operators / calls.
pub const MAX_DEPTH: usize = 32;
/// Delays are capped at one day, like QStash's default backoff and `Retry-After` handling.
pub const MAX_DELAY_MS: u64 = 86_400_000;

/// A parsed retry-delay expression.
///
/// ```
/// use qstash_server::parse::expr::parse_retry_delay;
/// let d = parse_retry_delay("pow(2, retried) * 1000").unwrap();
/// assert_eq!(d.eval(0), 1000.0);
/// assert_eq!(d.eval(3), 8000.0);
/// assert_eq!(d.source(), "pow(2, retried) * 1000");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RetryDelay {
    /// The expression as the client sent it (trimmed), echoed as `retryDelayExpression`.
    source: String,
    /// The syntax tree.
    root: Node,
}

#[derive(Debug, Clone, PartialEq)]
enum Node {
    Num(f64),
    Retried,
    Neg(Box<Node>),
    Bin(Op, Box<Node>, Box<Node>),
    Call(Func, Vec<Node>),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Func {
    Pow,
    Sqrt,
    Abs,
    Exp,
    Floor,
    Ceil,
    Round,
    Min,
    Max,
}

impl Func {
    fn from_name(name: &str) -> Option<Func> {
        Some(match name {
            "pow" => Func::Pow,
            "sqrt" => Func::Sqrt,
            "abs" => Func::Abs,
            "exp" => Func::Exp,
            "floor" => Func::Floor,
            "ceil" => Func::Ceil,
            "round" => Func::Round,
            "min" => Func::Min,
            "max" => Func::Max,
            _ => return None,
        })
    }

    fn arity(self) -> usize {
        match self {
            Func::Pow | Func::Min | Func::Max => 2,
            _ => 1,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Func::Pow => "pow",
            Func::Sqrt => "sqrt",
            Func::Abs => "abs",
            Func::Exp => "exp",
            Func::Floor => "floor",
            Func::Ceil => "ceil",
            Func::Round => "round",
            Func::Min => "min",
            Func::Max => "max",
        }
    }
}

/// Parses an `Upstash-Retry-Delay` expression.
///
/// Errors name the position and the problem, e.g. `unknown variable "retries" at 0
/// (the only variable is "retried")`.
pub fn parse_retry_delay(src: &str) -> Result<RetryDelay, ParseError> {
    let s = src.trim();
    if s.is_empty() {
        return Err(ParseError::new("empty expression"));
    }
    if s.len() > MAX_LEN {
        return Err(ParseError::new(format!(
            "expression is longer than {MAX_LEN} characters"
        )));
    }
    let tokens = lex(s)?;
    let mut p = Parser {
        tokens: &tokens,
        pos: 0,
        src: s,
    };
    let root = p.expr(0)?;
    if let Some(t) = p.peek() {
        return Err(p.err_at(t.at, format!("unexpected {}", t.kind)));
    }
    Ok(RetryDelay {
        source: s.to_string(),
        root,
    })
}

impl RetryDelay {
    /// Evaluates the expression for a retry; `retried` is 0 before the first retry.
    /// The result is in milliseconds and may be any `f64` (see [`RetryDelay::delay_ms`]).
    pub fn eval(&self, retried: u32) -> f64 {
        eval(&self.root, f64::from(retried))
    }

    /// The delay in whole milliseconds, clamped to `0..=MAX_DELAY_MS`; `NaN` counts as 0.
    ///
    /// ```
    /// use qstash_server::parse::expr::{parse_retry_delay, MAX_DELAY_MS};
    /// assert_eq!(parse_retry_delay("1 / 0").unwrap().delay_ms(0), MAX_DELAY_MS);
    /// assert_eq!(parse_retry_delay("-5").unwrap().delay_ms(0), 0);
    /// ```
    pub fn delay_ms(&self, retried: u32) -> u64 {
        let v = self.eval(retried);
        if v.is_nan() || v <= 0.0 {
            0
        } else if v >= MAX_DELAY_MS as f64 {
            MAX_DELAY_MS
        } else {
            v as u64
        }
    }

    /// The expression as sent (trimmed).
    pub fn source(&self) -> &str {
        &self.source
    }
}

impl fmt::Display for RetryDelay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

// Depth is bounded at parse time (MAX_DEPTH), so this recursion is bounded too.
fn eval(n: &Node, retried: f64) -> f64 {
    match n {
        Node::Num(v) => *v,
        Node::Retried => retried,
        Node::Neg(a) => -eval(a, retried),
        Node::Bin(op, a, b) => {
            let (a, b) = (eval(a, retried), eval(b, retried));
            match op {
                Op::Add => a + b,
                Op::Sub => a - b,
                Op::Mul => a * b,
                Op::Div => a / b,
                Op::Rem => a % b,
            }
        }
        Node::Call(f, args) => {
            let a = args.first().map_or(0.0, |x| eval(x, retried));
            let b = args.get(1).map_or(0.0, |x| eval(x, retried));
            match f {
                Func::Pow => a.powf(b),
                Func::Sqrt => a.sqrt(),
                Func::Abs => a.abs(),
                Func::Exp => a.exp(),
                Func::Floor => a.floor(),
                Func::Ceil => a.ceil(),
                Func::Round => a.round(),
                Func::Min => a.min(b),
                Func::Max => a.max(b),
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Num(f64),
    Ident(String),
    Op(char),
    LParen,
    RParen,
    Comma,
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Kind::Num(v) => write!(f, "number {v}"),
            Kind::Ident(s) => write!(f, "\"{s}\""),
            Kind::Op(c) => write!(f, "\"{c}\""),
            Kind::LParen => f.write_str("\"(\""),
            Kind::RParen => f.write_str("\")\""),
            Kind::Comma => f.write_str("\",\""),
        }
    }
}

#[derive(Debug, Clone)]
struct Token {
    kind: Kind,
    at: usize,
}

fn lex(s: &str) -> Result<Vec<Token>, ParseError> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let at = i;
        match c {
            b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            b'0'..=b'9' | b'.' => {
                while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.') {
                    i += 1;
                }
                let text = &s[at..i];
                let v: f64 = text.parse().map_err(|_| {
                    ParseError::new(format!("invalid number \"{}\" at {at}", snippet(text)))
                })?;
                out.push(Token {
                    kind: Kind::Num(v),
                    at,
                });
            }
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                    i += 1;
                }
                out.push(Token {
                    kind: Kind::Ident(s[at..i].to_string()),
                    at,
                });
            }
            b'+' | b'-' | b'*' | b'/' | b'%' => {
                i += 1;
                out.push(Token {
                    kind: Kind::Op(c as char),
                    at,
                });
            }
            b'(' => {
                i += 1;
                out.push(Token {
                    kind: Kind::LParen,
                    at,
                });
            }
            b')' => {
                i += 1;
                out.push(Token {
                    kind: Kind::RParen,
                    at,
                });
            }
            b',' => {
                i += 1;
                out.push(Token {
                    kind: Kind::Comma,
                    at,
                });
            }
            _ => {
                let ch = s[at..].chars().next().unwrap_or('?');
                return Err(ParseError::new(format!(
                    "unexpected character '{ch}' at {at}"
                )));
            }
        }
    }
    Ok(out)
}

struct Parser<'a> {
    tokens: &'a [Token],
    pos: usize,
    src: &'a str,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.pos)
    }

    fn next(&mut self) -> Option<&Token> {
        let t = self.tokens.get(self.pos);
        self.pos += 1;
        t
    }

    fn err_at(&self, at: usize, msg: String) -> ParseError {
        let _ = self.src;
        ParseError::new(format!("{msg} at {at}"))
    }

    fn end_err(&self, what: &str) -> ParseError {
        ParseError::new(format!("unexpected end of expression, expected {what}"))
    }

    fn enter(&self, depth: usize) -> Result<usize, ParseError> {
        if depth >= MAX_DEPTH {
            Err(ParseError::new(format!(
                "expression is nested deeper than {MAX_DEPTH} levels"
            )))
        } else {
            Ok(depth + 1)
        }
    }

    fn expr(&mut self, depth: usize) -> Result<Node, ParseError> {
        let depth = self.enter(depth)?;
        let mut lhs = self.term(depth)?;
        while let Some(Token {
            kind: Kind::Op(c @ ('+' | '-')),
            ..
        }) = self.peek()
        {
            let op = if *c == '+' { Op::Add } else { Op::Sub };
            self.pos += 1;
            let rhs = self.term(depth)?;
            lhs = Node::Bin(op, Box::new(lhs), Box::new(rhs));
        }
        Ok(lhs)
    }

    fn term(&mut self, depth: usize) -> Result<Node, ParseError> {
        let mut lhs = self.unary(depth)?;
        while let Some(Token {
            kind: Kind::Op(c @ ('*' | '/' | '%')),
            ..
        }) = self.peek()
        {
            let op = match c {
                '*' => Op::Mul,
                '/' => Op::Div,
                _ => Op::Rem,
            };
            self.pos += 1;
            let rhs = self.unary(depth)?;
            lhs = Node::Bin(op, Box::new(lhs), Box::new(rhs));
        }
        Ok(lhs)
    }

    fn unary(&mut self, depth: usize) -> Result<Node, ParseError> {
        match self.peek() {
            Some(Token {
                kind: Kind::Op('-'),
                ..
            }) => {
                self.pos += 1;
                let depth = self.enter(depth)?;
                Ok(Node::Neg(Box::new(self.unary(depth)?)))
            }
            Some(Token {
                kind: Kind::Op('+'),
                ..
            }) => {
                self.pos += 1;
                let depth = self.enter(depth)?;
                self.unary(depth)
            }
            _ => self.primary(depth),
        }
    }

    fn primary(&mut self, depth: usize) -> Result<Node, ParseError> {
        let Some(tok) = self.next().cloned() else {
            return Err(self.end_err("a number, \"retried\", a function or \"(\""));
        };
        match tok.kind {
            Kind::Num(v) => Ok(Node::Num(v)),
            Kind::LParen => {
                let inner = self.expr(depth)?;
                self.expect_rparen()?;
                Ok(inner)
            }
            Kind::Ident(name) if name == "retried" => Ok(Node::Retried),
            Kind::Ident(name) => {
                let Some(func) = Func::from_name(&name) else {
                    return Err(self.err_at(
                        tok.at,
                        format!(
                            "unknown identifier \"{}\" (the variable is \"retried\"; functions: pow, sqrt, abs, exp, floor, ceil, round, min, max)",
                            snippet(&name)
                        ),
                    ));
                };
                match self.next() {
                    Some(Token {
                        kind: Kind::LParen, ..
                    }) => {}
                    Some(t) => {
                        let (at, k) = (t.at, t.kind.clone());
                        return Err(self.err_at(
                            at,
                            format!("expected \"(\" after function {name}, found {k}"),
                        ));
                    }
                    None => return Err(self.end_err(&format!("\"(\" after function {name}"))),
                }
                let mut args = Vec::new();
                if matches!(
                    self.peek(),
                    Some(Token {
                        kind: Kind::RParen,
                        ..
                    })
                ) {
                    self.pos += 1;
                } else {
                    loop {
                        args.push(self.expr(depth)?);
                        match self.next() {
                            Some(Token {
                                kind: Kind::Comma, ..
                            }) => continue,
                            Some(Token {
                                kind: Kind::RParen, ..
                            }) => break,
                            Some(t) => {
                                let (at, k) = (t.at, t.kind.clone());
                                return Err(self.err_at(
                                    at,
                                    format!("expected \",\" or \")\" in call to {name}, found {k}"),
                                ));
                            }
                            None => return Err(self.end_err("\")\"")),
                        }
                    }
                }
                if args.len() != func.arity() {
                    return Err(self.err_at(
                        tok.at,
                        format!(
                            "function {} takes {} argument{}, got {}",
                            func.name(),
                            func.arity(),
                            if func.arity() == 1 { "" } else { "s" },
                            args.len()
                        ),
                    ));
                }
                Ok(Node::Call(func, args))
            }
            other => Err(self.err_at(tok.at, format!("unexpected {other}"))),
        }
    }

    fn expect_rparen(&mut self) -> Result<(), ParseError> {
        match self.next() {
            Some(Token {
                kind: Kind::RParen, ..
            }) => Ok(()),
            Some(t) => {
                let (at, k) = (t.at, t.kind.clone());
                Err(self.err_at(at, format!("expected \")\", found {k}")))
            }
            None => Err(self.end_err("\")\"")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(src: &str, retried: u32) -> f64 {
        parse_retry_delay(src)
            .unwrap_or_else(|e| panic!("{src}: {e}"))
            .eval(retried)
    }

    #[test]
    fn documented_examples() {
        assert_eq!(ev("1000", 5), 1000.0);
        assert_eq!(ev("1000 * (1 + retried)", 0), 1000.0);
        assert_eq!(ev("1000 * (1 + retried)", 2), 3000.0);
        assert_eq!(ev("pow(2, retried) * 1000", 4), 16000.0);
        assert_eq!(ev("max(1000, pow(2, retried) * 100)", 0), 1000.0);
        assert_eq!(ev("max(1000, pow(2, retried) * 100)", 5), 3200.0);
    }

    #[test]
    fn precedence_and_unary() {
        assert_eq!(ev("1 + 2 * 3", 0), 7.0);
        assert_eq!(ev("(1 + 2) * 3", 0), 9.0);
        assert_eq!(ev("10 - 4 - 3", 0), 3.0);
        assert_eq!(ev("100 / 10 / 2", 0), 5.0);
        assert_eq!(ev("17 % 5", 0), 2.0);
        assert_eq!(ev("-retried + 10", 3), 7.0);
        assert_eq!(ev("--2", 0), 2.0);
        assert_eq!(ev("+2*-3", 0), -6.0);
        assert_eq!(ev("2.5 * 2", 0), 5.0);
    }

    #[test]
    fn every_function() {
        assert_eq!(ev("sqrt(16)", 0), 4.0);
        assert_eq!(ev("abs(-3)", 0), 3.0);
        assert!((ev("exp(1)", 0) - std::f64::consts::E).abs() < 1e-12);
        assert_eq!(ev("floor(2.7)", 0), 2.0);
        assert_eq!(ev("ceil(2.1)", 0), 3.0);
        assert_eq!(ev("round(2.5)", 0), 3.0);
        assert_eq!(ev("min(retried, 4)", 9), 4.0);
        assert_eq!(ev("max(retried, 4)", 9), 9.0);
        assert_eq!(ev("pow(3, 2)", 0), 9.0);
    }

    #[test]
    fn delay_is_clamped() {
        let d = parse_retry_delay("pow(10, retried)").unwrap();
        assert_eq!(d.delay_ms(2), 100);
        assert_eq!(d.delay_ms(20), MAX_DELAY_MS);
        assert_eq!(parse_retry_delay("0/0").unwrap().delay_ms(0), 0);
        assert_eq!(parse_retry_delay("sqrt(-1)").unwrap().delay_ms(0), 0);
    }

    #[test]
    fn source_is_trimmed() {
        assert_eq!(parse_retry_delay("  15000 ").unwrap().source(), "15000");
    }

    #[test]
    fn errors() {
        for (src, needle) in [
            ("", "empty"),
            ("retries * 2", "unknown identifier \"retries\""),
            ("1 +", "unexpected end"),
            ("(1 + 2", "expected \")\""),
            ("1 + 2)", "unexpected \")\""),
            ("pow(2)", "takes 2 arguments, got 1"),
            ("sqrt(1, 2)", "takes 1 argument, got 2"),
            ("foo(1)", "unknown identifier \"foo\""),
            ("pow 2", "expected \"(\""),
            ("1 ^ 2", "unexpected character '^'"),
            ("1..2", "invalid number"),
            ("1 2", "unexpected number 2"),
            ("max(1 2)", "expected \",\" or \")\""),
            (",", "unexpected \",\""),
        ] {
            let err = parse_retry_delay(src).unwrap_err().to_string();
            assert!(err.contains(needle), "{src:?}: {err}");
        }
    }

    #[test]
    fn hostile_input_is_bounded() {
        let deep = format!("{}1{}", "(".repeat(10_000), ")".repeat(10_000));
        assert!(parse_retry_delay(&deep)
            .unwrap_err()
            .to_string()
            .contains("longer than"));
        let nested = format!("{}1{}", "(".repeat(200), ")".repeat(200));
        assert!(parse_retry_delay(&nested)
            .unwrap_err()
            .to_string()
            .contains("nested deeper"));
        let negs = "-".repeat(500) + "1";
        assert!(parse_retry_delay(&negs)
            .unwrap_err()
            .to_string()
            .contains("nested deeper"));
        let calls = "abs(".repeat(100) + "1" + &")".repeat(100);
        assert!(parse_retry_delay(&calls).is_err());
        let ok = format!("{}1{}", "(".repeat(20), ")".repeat(20));
        assert_eq!(ev(&ok, 0), 1.0);
    }
}
