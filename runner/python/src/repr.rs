//! `repr()` and `str()` with CPython's rules for the subset's types:
//! shortest round-trip floats, quote choice and escapes in strings,
//! `[...]` for a list that contains itself.

use crate::builtin::Kind;
use crate::heap::Heap;
use crate::object::{ObjId, Object};

/// Past this depth a nested container prints as `...` instead of
/// recursing further (CPython would raise RecursionError).
const MAX_DEPTH: usize = 500;

/// CPython 3.11 refuses to turn ints of more than 4300 digits into text.
const MAX_STR_DIGITS: u64 = 4300;

pub fn repr<H: Heap>(heap: &H, id: ObjId) -> String {
    let mut out = String::new();
    Writer {
        heap,
        active: Vec::new(),
    }
    .repr(id, &mut out);
    out
}

/// `str(x)`: like repr, except a str is its own text.
pub fn str_of<H: Heap>(heap: &H, id: ObjId) -> String {
    match heap.get(id) {
        Object::Str(s) => s.to_string(),
        _ => repr(heap, id),
    }
}

/// `ascii()` of a repr: non-ASCII characters escaped.
pub fn ascii(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        let n = c as u32;
        if n < 0x80 {
            out.push(c);
        } else if n < 0x100 {
            out.push_str(&format!("\\x{n:02x}"));
        } else if n < 0x10000 {
            out.push_str(&format!("\\u{n:04x}"));
        } else {
            out.push_str(&format!("\\U{n:08x}"));
        }
    }
    out
}

/// A fake address for `<... at 0x...>` reprs; programs must not print
/// them, since CPython's addresses change from run to run.
pub fn fake_address(id: ObjId) -> String {
    format!("0x{:x}", 0x7f00_0000_0000u64 + 16 * id.0 as u64)
}

/// Whether printing `id` would convert an int of more than 4300 digits
/// (CPython raises ValueError then).
pub fn exceeds_int_digits<H: Heap>(heap: &H, id: ObjId) -> bool {
    let mut stack = vec![(id, 0usize)];
    let mut seen = std::collections::HashSet::new();
    while let Some((id, depth)) = stack.pop() {
        if depth > MAX_DEPTH || !seen.insert(id) {
            continue;
        }
        match heap.get(id) {
            // Only ints with enough bits can have that many digits.
            Object::Int(i)
                if i.bits() > MAX_STR_DIGITS * 3
                    && i.magnitude().to_string().len() as u64 > MAX_STR_DIGITS =>
            {
                return true;
            }
            Object::List(_) | Object::Tuple(_) | Object::Dict(_) => {
                for r in heap.get(id).referents() {
                    stack.push((r, depth + 1));
                }
            }
            _ => {}
        }
    }
    false
}

struct Writer<'h, H> {
    heap: &'h H,
    /// Containers being printed, to print `[...]` on re-entry.
    active: Vec<ObjId>,
}

impl<H: Heap> Writer<'_, H> {
    fn repr(&mut self, id: ObjId, out: &mut String) {
        let heap = self.heap;
        let obj = heap.get(id);
        match obj {
            Object::None => out.push_str("None"),
            Object::Bool(b) => out.push_str(if *b { "True" } else { "False" }),
            Object::Int(i) => out.push_str(&i.to_string()),
            Object::Float(f) => out.push_str(&float_repr(*f)),
            Object::Str(s) => str_repr(s, out),
            Object::List(_) | Object::Tuple(_) | Object::Dict(_) => {
                let (open, close) = match obj {
                    Object::List(_) => ("[", "]"),
                    Object::Tuple(_) => ("(", ")"),
                    _ => ("{", "}"),
                };
                if self.active.contains(&id) || self.active.len() > MAX_DEPTH {
                    out.push_str(open);
                    out.push_str("...");
                    out.push_str(close);
                    return;
                }
                self.active.push(id);
                out.push_str(open);
                match obj {
                    Object::List(l) => self.items(&l.items, out),
                    Object::Tuple(t) => {
                        self.items(t, out);
                        if t.len() == 1 {
                            out.push(',');
                        }
                    }
                    Object::Dict(d) => {
                        for (i, &(k, v)) in d.entries.iter().enumerate() {
                            if i > 0 {
                                out.push_str(", ");
                            }
                            self.repr(k, out);
                            out.push_str(": ");
                            self.repr(v, out);
                        }
                    }
                    _ => unreachable!("matched above"),
                }
                out.push_str(close);
                self.active.pop();
            }
            Object::Instance(inst) => {
                let name = match heap.get(inst.class) {
                    Object::Class(c) => c.name.to_string(),
                    _ => "object".into(),
                };
                out.push_str(&format!("<__main__.{name} object at {}>", fake_address(id)));
            }
            Object::Class(c) => out.push_str(&format!("<class '__main__.{}'>", c.name)),
            Object::Function { name, .. } => {
                out.push_str(&format!("<function {name} at {}>", fake_address(id)))
            }
            Object::Builtin(b) => match b.kind() {
                Kind::Type | Kind::HiddenType => out.push_str(&format!("<class '{b}'>")),
                Kind::ModuleType => {
                    let module = b.path().split('.').next().unwrap_or_default();
                    out.push_str(&format!("<class '{module}.{}'>", b.name()))
                }
                Kind::Function | Kind::Module | Kind::ModuleFunction => {
                    out.push_str(&format!("<built-in function {}>", b.name()))
                }
            },
            Object::Module(name) => out.push_str(&format!("<module '{name}' (built-in)>")),
            &Object::Range { start, stop, step } => {
                if step == 1 {
                    out.push_str(&format!("range({start}, {stop})"));
                } else {
                    out.push_str(&format!("range({start}, {stop}, {step})"));
                }
            }
            Object::WeakRef(w) => match w.target {
                Some(t) => {
                    let tname = match heap.get(t) {
                        Object::Instance(inst) => match heap.get(inst.class) {
                            Object::Class(c) => c.name.to_string(),
                            _ => "object".into(),
                        },
                        other => other.type_name().to_string(),
                    };
                    out.push_str(&format!(
                        "<weakref at {}; to '{tname}' at {}>",
                        fake_address(id),
                        fake_address(t)
                    ));
                }
                None => out.push_str(&format!("<weakref at {}; dead>", fake_address(id))),
            },
        }
    }

    fn items(&mut self, items: &[ObjId], out: &mut String) {
        for (i, &item) in items.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            self.repr(item, out);
        }
    }
}

/// Python's `repr(float)`: the shortest text that reads back the same,
/// in fixed notation when the exponent is in -4..16, else scientific.
pub fn float_repr(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if f == 0.0 {
        return if f.is_sign_negative() {
            "-0.0".into()
        } else {
            "0.0".into()
        };
    }
    // Rust's `{:e}` gives the shortest round-trip digits, e.g. "1.5e-7".
    let sci = format!("{:e}", f.abs());
    let (mantissa, exp) = sci.split_once('e').expect("{:e} has an exponent");
    let exp: i32 = exp.parse().expect("an integer exponent");
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let sign = if f < 0.0 { "-" } else { "" };
    // Python's decimal point position: value = 0.DIGITS * 10^decpt.
    let decpt = exp + 1;
    let body = if -4 < decpt && decpt <= 16 {
        if decpt <= 0 {
            format!("0.{}{}", "0".repeat((-decpt) as usize), digits)
        } else if decpt as usize >= digits.len() {
            format!("{}{}.0", digits, "0".repeat(decpt as usize - digits.len()))
        } else {
            format!(
                "{}.{}",
                &digits[..decpt as usize],
                &digits[decpt as usize..]
            )
        }
    } else {
        let mut m = digits[..1].to_string();
        if digits.len() > 1 {
            m.push('.');
            m.push_str(&digits[1..]);
        }
        let e = decpt - 1;
        format!("{m}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs())
    };
    format!("{sign}{body}")
}

/// Python's `repr(str)`: single quotes unless the text has a single quote
/// and no double quote; non-printable characters escaped.
fn str_repr(s: &str, out: &mut String) {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if !printable(c) => {
                let n = c as u32;
                if n < 0x100 {
                    out.push_str(&format!("\\x{n:02x}"));
                } else if n < 0x10000 {
                    out.push_str(&format!("\\u{n:04x}"));
                } else {
                    out.push_str(&format!("\\U{n:08x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push(quote);
}

/// An approximation of `str.isprintable` (Rust's std has no Unicode
/// categories): control, separator and format characters, private use.
fn printable(c: char) -> bool {
    let n = c as u32;
    !(n < 0x20
        || (0x7f..=0xa0).contains(&n)
        || n == 0xad
        || n == 0x1680
        || (0x2000..=0x200f).contains(&n)
        || (0x2028..=0x202f).contains(&n)
        || (0x205f..=0x2064).contains(&n)
        || n == 0x3000
        || n == 0xfeff
        || (0xe000..=0xf8ff).contains(&n)
        || (0xfff9..=0xfffb).contains(&n)
        || n >= 0xf0000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_read_like_python() {
        for (f, want) in [
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1.5e-7, "1.5e-07"),
            (-0.0, "-0.0"),
            (2.5, "2.5"),
            (1.0 / 3.0, "0.3333333333333333"),
            (100.0, "100.0"),
            (123456789012345678.0, "1.2345678901234568e+17"),
            (f64::INFINITY, "inf"),
            (1e300 * 10.0, "1e+301"),
        ] {
            assert_eq!(float_repr(f), want, "{f}");
        }
    }

    #[test]
    fn strings_pick_quotes_and_escape() {
        let r = |s: &str| {
            let mut out = String::new();
            str_repr(s, &mut out);
            out
        };
        assert_eq!(r("a'b"), "\"a'b\"");
        assert_eq!(r("a\"b"), "'a\"b'");
        assert_eq!(r("a'\"b"), "'a\\'\"b'");
        assert_eq!(
            r("\n\t\x00\x7f\u{80}é€\u{2028}"),
            "'\\n\\t\\x00\\x7f\\x80é€\\u2028'"
        );
        assert_eq!(r("\\"), "'\\\\'");
    }
}
