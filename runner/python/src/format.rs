//! Python's format-spec mini-language (`f'{x:>8.2f}'`, `format(x, spec)`)
//! for str, int, bool and float: fill, align, sign, `#`, `0`, width,
//! grouping, precision, and the types s d b o x X c e E f F %.

use num_bigint::BigInt;
use num_traits::{Signed, ToPrimitive};

/// A value that can be formatted.
pub enum Value<'a> {
    Str(&'a str),
    Int(&'a BigInt),
    Float(f64),
}

/// A formatting failure: (exception name, message), or a spec the subset
/// does not implement (Err with exception "unsupported").
pub type FormatError = (&'static str, String);

#[derive(Debug, Default)]
struct Spec {
    fill: Option<char>,
    align: Option<char>,
    sign: Option<char>,
    alternate: bool,
    zero: bool,
    width: usize,
    grouping: Option<char>,
    precision: Option<usize>,
    kind: Option<char>,
}

fn parse(spec: &str) -> Result<Spec, FormatError> {
    let chars: Vec<char> = spec.chars().collect();
    let mut s = Spec::default();
    let mut i = 0;
    let is_align = |c: char| matches!(c, '<' | '>' | '^' | '=');
    if chars.len() >= 2 && is_align(chars[1]) {
        s.fill = Some(chars[0]);
        s.align = Some(chars[1]);
        i = 2;
    } else if !chars.is_empty() && is_align(chars[0]) {
        s.align = Some(chars[0]);
        i = 1;
    }
    if i < chars.len() && matches!(chars[i], '+' | '-' | ' ') {
        s.sign = Some(chars[i]);
        i += 1;
    }
    if i < chars.len() && chars[i] == '#' {
        s.alternate = true;
        i += 1;
    }
    if i < chars.len() && chars[i] == '0' {
        s.zero = true;
        i += 1;
    }
    let start = i;
    while i < chars.len() && chars[i].is_ascii_digit() {
        i += 1;
    }
    if i > start {
        s.width = chars[start..i]
            .iter()
            .collect::<String>()
            .parse()
            .map_err(|_| too_big())?;
    }
    if i < chars.len() && matches!(chars[i], ',' | '_') {
        s.grouping = Some(chars[i]);
        i += 1;
    }
    if i < chars.len() && chars[i] == '.' {
        i += 1;
        let start = i;
        while i < chars.len() && chars[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return Err(("ValueError", "Format specifier missing precision".into()));
        }
        s.precision = Some(
            chars[start..i]
                .iter()
                .collect::<String>()
                .parse()
                .map_err(|_| too_big())?,
        );
    }
    if i < chars.len() {
        s.kind = Some(chars[i]);
        i += 1;
    }
    if i < chars.len() {
        return Err(("ValueError", "Invalid format specifier".into()));
    }
    Ok(s)
}

fn too_big() -> FormatError {
    (
        "ValueError",
        "Too many decimal digits in format string".into(),
    )
}

fn unknown(code: char, type_name: &str) -> FormatError {
    (
        "ValueError",
        format!("Unknown format code '{code}' for object of type '{type_name}'"),
    )
}

fn unsupported(what: &str) -> FormatError {
    ("unsupported", what.to_string())
}

pub fn format(value: Value, spec: &str) -> Result<String, FormatError> {
    let s = parse(spec)?;
    if s.width > 100_000 || s.precision.is_some_and(|p| p > 10_000) {
        return Err(unsupported("format widths and precisions this large"));
    }
    match value {
        Value::Str(text) => {
            if let Some(k) = s.kind.filter(|&k| k != 's') {
                return Err(unknown(k, "str"));
            }
            if s.sign.is_some() {
                return Err((
                    "ValueError",
                    "Sign not allowed in string format specifier".into(),
                ));
            }
            if s.align == Some('=') {
                return Err((
                    "ValueError",
                    "'=' alignment not allowed in string format specifier".into(),
                ));
            }
            let text: String = match s.precision {
                Some(p) => text.chars().take(p).collect(),
                None => text.to_string(),
            };
            Ok(pad(&s, "", &text, '<'))
        }
        Value::Int(i) => match s.kind {
            Some('f' | 'F' | 'e' | 'E' | '%') => {
                let f = i.to_f64().filter(|f| f.is_finite()).ok_or((
                    "OverflowError",
                    "int too large to convert to float".to_string(),
                ))?;
                format(Value::Float(f), spec)
            }
            Some('g' | 'G' | 'n') => Err(unsupported("the g, G and n format types")),
            Some('c') => {
                let c = i
                    .to_u32()
                    .and_then(char::from_u32)
                    .ok_or(("OverflowError", "%c arg not in range(0x110000)".to_string()))?;
                Ok(pad(&s, "", &c.to_string(), '<'))
            }
            kind @ (None | Some('d' | 'b' | 'o' | 'x' | 'X')) => {
                if s.precision.is_some() {
                    return Err((
                        "ValueError",
                        "Precision not allowed in integer format specifier".into(),
                    ));
                }
                let magnitude = i.abs();
                let (digits, prefix) = match kind {
                    Some('b') => (magnitude.to_str_radix(2), "0b"),
                    Some('o') => (magnitude.to_str_radix(8), "0o"),
                    Some('x') => (magnitude.to_str_radix(16), "0x"),
                    Some('X') => (magnitude.to_str_radix(16).to_uppercase(), "0X"),
                    _ => (magnitude.to_string(), ""),
                };
                let digits = match s.grouping {
                    Some(sep) => group(
                        &digits,
                        sep,
                        if kind.is_some_and(|k| k != 'd') { 4 } else { 3 },
                    ),
                    None => digits,
                };
                let sign = sign_text(&s, i.is_negative());
                let prefix = if s.alternate { prefix } else { "" };
                Ok(pad(&s, &format!("{sign}{prefix}"), &digits, '>'))
            }
            Some(k) => Err(unknown(k, "int")),
        },
        Value::Float(f) => {
            let kind = match s.kind {
                None if s.precision.is_none() => None,
                None => {
                    return Err(unsupported(
                        "float formats with a precision and no type (use .Nf)",
                    ))
                }
                Some(k @ ('f' | 'F' | 'e' | 'E' | '%')) => Some(k),
                Some('g' | 'G' | 'n') => return Err(unsupported("the g, G and n format types")),
                Some(k) => return Err(unknown(k, "float")),
            };
            let negative = f.is_sign_negative() && !f.is_nan();
            let a = f.abs();
            let body = if !a.is_finite() {
                let t = if a.is_nan() { "nan" } else { "inf" };
                if matches!(kind, Some('F' | 'E')) {
                    t.to_uppercase()
                } else {
                    t.to_string()
                }
            } else {
                match kind {
                    None => crate::repr::float_repr(a),
                    Some('f' | 'F') => format!("{:.*}", s.precision.unwrap_or(6), a),
                    Some('%') => format!("{:.*}%", s.precision.unwrap_or(6), a * 100.0),
                    Some(k) => {
                        let text = format!("{:.*e}", s.precision.unwrap_or(6), a);
                        let (m, e) = text.split_once('e').expect("{:e} has an exponent");
                        let e: i32 = e.parse().expect("an exponent");
                        let sign = if e < 0 { '-' } else { '+' };
                        let letter = if k == 'E' { 'E' } else { 'e' };
                        format!("{m}{letter}{sign}{:02}", e.abs())
                    }
                }
            };
            let body = match s.grouping {
                Some(sep) if a.is_finite() => {
                    let (int_part, rest) = match body.find(|c: char| !c.is_ascii_digit()) {
                        Some(at) => body.split_at(at),
                        None => (body.as_str(), ""),
                    };
                    format!("{}{rest}", group(int_part, sep, 3))
                }
                _ => body,
            };
            let sign = sign_text(&s, negative);
            Ok(pad(&s, sign, &body, '>'))
        }
    }
}

fn sign_text(s: &Spec, negative: bool) -> &'static str {
    match (negative, s.sign) {
        (true, _) => "-",
        (false, Some('+')) => "+",
        (false, Some(' ')) => " ",
        _ => "",
    }
}

/// Inserts `sep` every `every` digits from the right.
fn group(digits: &str, sep: char, every: usize) -> String {
    let chars: Vec<char> = digits.chars().collect();
    let mut out = String::new();
    for (i, c) in chars.iter().enumerate() {
        if i > 0 && (chars.len() - i).is_multiple_of(every) {
            out.push(sep);
        }
        out.push(*c);
    }
    out
}

/// Pads `prefix + body` to the width, by the spec's alignment.
fn pad(s: &Spec, prefix: &str, body: &str, default_align: char) -> String {
    let len = prefix.chars().count() + body.chars().count();
    if s.width <= len {
        return format!("{prefix}{body}");
    }
    let room = s.width - len;
    let (fill, align) = match (s.fill, s.align) {
        (Some(f), Some(a)) => (f, a),
        (None, Some(a)) => (if s.zero && a == '=' { '0' } else { ' ' }, a),
        (_, None) if s.zero => ('0', '='),
        _ => (' ', default_align),
    };
    let fill_n = |n: usize| fill.to_string().repeat(n);
    match align {
        '<' => format!("{prefix}{body}{}", fill_n(room)),
        '^' => format!(
            "{}{prefix}{body}{}",
            fill_n(room / 2),
            fill_n(room - room / 2)
        ),
        '=' => format!("{prefix}{}{body}", fill_n(room)),
        _ => format!("{}{prefix}{body}", fill_n(room)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn int(i: i64, spec: &str) -> String {
        format(Value::Int(&BigInt::from(i)), spec).unwrap()
    }

    #[test]
    fn specs_format_like_python() {
        assert_eq!(int(42, ""), "42");
        assert_eq!(int(42, ">5"), "   42");
        assert_eq!(int(-42, "05"), "-0042");
        assert_eq!(int(1234567, ","), "1,234,567");
        assert_eq!(int(255, "#x"), "0xff");
        assert_eq!(int(5, "*^7"), "***5***");
        assert_eq!(int(3, "+d"), "+3");
        assert_eq!(format(Value::Float(1.23456), ".2f").unwrap(), "1.23");
        assert_eq!(format(Value::Float(1234.5), ",.1f").unwrap(), "1,234.5");
        assert_eq!(format(Value::Float(0.25), ".0%").unwrap(), "25%");
        assert_eq!(format(Value::Float(12345.678), ".3e").unwrap(), "1.235e+04");
        assert_eq!(format(Value::Float(2.5), "8").unwrap(), "     2.5");
        assert_eq!(format(Value::Str("ab"), "<4").unwrap(), "ab  ");
        assert_eq!(format(Value::Str("ab"), ">4").unwrap(), "  ab");
        assert_eq!(format(Value::Str("abc"), ".2").unwrap(), "ab");
        assert_eq!(
            format(Value::Float(1.0), "d").unwrap_err().1,
            "Unknown format code 'd' for object of type 'float'"
        );
    }
}
