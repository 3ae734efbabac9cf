//! Source text to tokens, with Python's indentation rules turned into
//! INDENT / DEDENT tokens so the parser never looks at columns.

use num_bigint::BigInt;
use num_traits::Num;

use crate::error::PyError;

#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    Name(String),
    Int(BigInt),
    Float(f64),
    Str(String),
    /// An f-string, split into its literal text and replacement fields.
    FString(Vec<FPart>),
    /// An operator or delimiter, e.g. "+", "**=", "(".
    Op(&'static str),
    Newline,
    Indent,
    Dedent,
    Eof,
}

/// A piece of an f-string.
#[derive(Debug, Clone, PartialEq)]
pub enum FPart {
    Lit(String),
    Field {
        /// The expression's source text, parsed later.
        expr: String,
        /// `f'{x=}'`: the text shown before the value.
        debug: Option<String>,
        /// `!r`, `!s` or `!a`.
        conversion: Option<char>,
        /// After `:`; may hold nested fields.
        spec: Option<Vec<FPart>>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    pub tok: Tok,
    pub line: u32,
}

pub const KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
    "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import",
    "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
    "with", "yield",
];

// Longest first, so "**=" wins over "**" and "*".
const OPERATORS: &[&str] = &[
    "**=", "//=", ">>=", "<<=", "...", "->", ":=", "**", "//", "<<", ">>", "<=", ">=", "==", "!=",
    "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "@=", "+", "-", "*", "/", "%", "@", "&", "|",
    "^", "~", "<", ">", "(", ")", "[", "]", "{", "}", ",", ":", ".", ";", "=",
];

/// CPython's tokenizer allows 100 levels of indentation.
const MAX_INDENT: usize = 100;

/// Brackets deeper than this are refused, as CPython's tokenizer refuses
/// more than 200; it also keeps the parser's recursion bounded.
const MAX_NESTING: usize = 100;

pub fn tokenize(source: &str) -> Result<Vec<Token>, PyError> {
    Lexer::new(source).run()
}

struct Lexer {
    chars: Vec<char>,
    pos: usize,
    line: u32,
    tokens: Vec<Token>,
    /// Indentation columns of the open blocks (tabs to multiples of 8), and
    /// the same with tabs counted as 1, to catch inconsistent tabs as
    /// CPython does.
    indents: Vec<(usize, usize)>,
    brackets: Vec<(char, u32)>,
}

impl Lexer {
    fn new(src: &str) -> Lexer {
        let src = src.strip_prefix('\u{feff}').unwrap_or(src);
        Lexer {
            chars: src.chars().collect(),
            pos: 0,
            line: 1,
            tokens: Vec::new(),
            indents: vec![(0, 0)],
            brackets: Vec::new(),
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn peek_at(&self, n: usize) -> Option<char> {
        self.chars.get(self.pos + n).copied()
    }

    fn push(&mut self, tok: Tok, line: u32) {
        self.tokens.push(Token { tok, line });
    }

    fn run(mut self) -> Result<Vec<Token>, PyError> {
        let mut at_line_start = true;
        loop {
            if at_line_start && self.brackets.is_empty() {
                if !self.indentation()? {
                    break;
                }
                at_line_start = false;
            }
            let Some(c) = self.peek() else { break };
            match c {
                ' ' | '\t' | '\x0c' => self.pos += 1,
                '\r' | '\n' => {
                    self.newline_char();
                    if self.brackets.is_empty() {
                        let line = self.line - 1;
                        self.push(Tok::Newline, line);
                        at_line_start = true;
                    }
                }
                '#' => {
                    while !matches!(self.peek(), None | Some('\n') | Some('\r')) {
                        self.pos += 1;
                    }
                }
                '\\' => {
                    self.pos += 1;
                    match self.peek() {
                        Some('\n') | Some('\r') => self.newline_char(),
                        None => {
                            return Err(PyError::syntax(self.line, "unexpected EOF while parsing"))
                        }
                        Some(_) => {
                            return Err(PyError::syntax(
                                self.line,
                                "unexpected character after line continuation character",
                            ))
                        }
                    }
                }
                c if c.is_ascii_digit()
                    || (c == '.' && self.peek_at(1).is_some_and(|d| d.is_ascii_digit())) =>
                {
                    self.number()?
                }
                c if c == '_' || c.is_alphabetic() => self.name_or_string()?,
                '"' | '\'' => self.string(String::new())?,
                _ => self.operator()?,
            }
        }
        if let Some(&(open, line)) = self.brackets.last() {
            return Err(PyError::syntax(line, format!("'{open}' was never closed")));
        }
        if !matches!(
            self.tokens.last().map(|t| &t.tok),
            None | Some(Tok::Newline) | Some(Tok::Dedent)
        ) {
            let line = self.line;
            self.push(Tok::Newline, line);
        }
        let line = self.line;
        while self.indents.len() > 1 {
            self.indents.pop();
            self.push(Tok::Dedent, line);
        }
        self.push(Tok::Eof, line);
        Ok(self.tokens)
    }

    fn newline_char(&mut self) {
        if self.peek() == Some('\r') && self.peek_at(1) == Some('\n') {
            self.pos += 1;
        }
        self.pos += 1;
        self.line += 1;
    }

    /// Measures the indentation of a logical line and emits INDENT/DEDENT.
    /// Blank and comment-only lines do not count. Returns false at the end.
    fn indentation(&mut self) -> Result<bool, PyError> {
        loop {
            let (mut col, mut alt) = (0usize, 0usize);
            while let Some(c) = self.peek() {
                match c {
                    ' ' => {
                        col += 1;
                        alt += 1;
                    }
                    '\t' => {
                        col = (col / 8 + 1) * 8;
                        alt += 1;
                    }
                    '\x0c' => {
                        col = 0;
                        alt = 0;
                    }
                    _ => break,
                }
                self.pos += 1;
            }
            match self.peek() {
                None => return Ok(false),
                Some('#') => {
                    while !matches!(self.peek(), None | Some('\n') | Some('\r')) {
                        self.pos += 1;
                    }
                    continue;
                }
                Some('\n') | Some('\r') => {
                    self.newline_char();
                    continue;
                }
                Some('\\') if matches!(self.peek_at(1), Some('\n') | Some('\r')) => {
                    // A continuation on an otherwise empty line: the logical
                    // line starts on the next one.
                    self.pos += 1;
                    self.newline_char();
                    continue;
                }
                _ => {}
            }
            let &(top, top_alt) = self.indents.last().expect("the base level is never popped");
            if col == top {
                if alt != top_alt {
                    return Err(tab_error(self.line));
                }
            } else if col > top {
                if alt <= top_alt {
                    return Err(tab_error(self.line));
                }
                if self.indents.len() >= MAX_INDENT {
                    return Err(PyError::syntax_named(
                        self.line,
                        "IndentationError",
                        "too many levels of indentation",
                    ));
                }
                self.indents.push((col, alt));
                let line = self.line;
                self.push(Tok::Indent, line);
            } else {
                while self.indents.last().is_some_and(|&(c, _)| col < c) {
                    self.indents.pop();
                    let line = self.line;
                    self.push(Tok::Dedent, line);
                }
                let &(top, top_alt) = self.indents.last().expect("base level");
                if col != top {
                    return Err(PyError::syntax_named(
                        self.line,
                        "IndentationError",
                        "unindent does not match any outer indentation level",
                    ));
                }
                if alt != top_alt {
                    return Err(tab_error(self.line));
                }
            }
            return Ok(true);
        }
    }

    fn number(&mut self) -> Result<(), PyError> {
        let line = self.line;
        let start = self.pos;
        let radix = if self.peek() == Some('0') {
            match self.peek_at(1).map(|c| c.to_ascii_lowercase()) {
                Some('x') => 16,
                Some('o') => 8,
                Some('b') => 2,
                _ => 10,
            }
        } else {
            10
        };
        if radix != 10 {
            self.pos += 2;
            let digits_start = self.pos;
            while self
                .peek()
                .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
            {
                self.pos += 1;
            }
            let text: String = self.chars[digits_start..self.pos].iter().collect();
            // `0x_ff` is allowed: one underscore may follow the prefix.
            let text = match text.strip_prefix('_') {
                Some(rest) if rest.starts_with(|c: char| c.is_ascii_alphanumeric()) => {
                    format!("0{rest}")
                }
                Some(_) => {
                    return Err(PyError::syntax(
                        line,
                        format!("invalid {} literal", radix_name(radix)),
                    ))
                }
                None => text,
            };
            let clean = underscores(&text, line)?;
            let value = BigInt::from_str_radix(&clean, radix).map_err(|_| {
                PyError::syntax(line, format!("invalid {} literal", radix_name(radix)))
            })?;
            self.push(Tok::Int(value), line);
            return Ok(());
        }
        let mut is_float = false;
        self.digits();
        if self.peek() == Some('.') {
            is_float = true;
            self.pos += 1;
            self.digits();
        }
        if matches!(self.peek(), Some('e') | Some('E')) {
            let save = self.pos;
            self.pos += 1;
            if matches!(self.peek(), Some('+') | Some('-')) {
                self.pos += 1;
            }
            if self.peek().is_some_and(|c| c.is_ascii_digit()) {
                is_float = true;
                self.digits();
            } else {
                self.pos = save;
            }
        }
        if matches!(self.peek(), Some('j') | Some('J')) {
            return Err(PyError::unsupported(line, "complex numbers"));
        }
        if self.peek().is_some_and(|c| c.is_alphanumeric() || c == '_') {
            return Err(PyError::syntax(line, "invalid decimal literal"));
        }
        let text: String = self.chars[start..self.pos].iter().collect();
        let clean = underscores(&text, line)?;
        if is_float {
            let value: f64 = clean
                .parse()
                .map_err(|_| PyError::syntax(line, "invalid decimal literal"))?;
            self.push(Tok::Float(value), line);
        } else {
            if clean.len() > 1 && clean.starts_with('0') && clean.chars().any(|c| c != '0') {
                return Err(PyError::syntax(
                    line,
                    "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers",
                ));
            }
            let value = BigInt::from_str_radix(&clean, 10)
                .map_err(|_| PyError::syntax(line, "invalid decimal literal"))?;
            self.push(Tok::Int(value), line);
        }
        Ok(())
    }

    fn digits(&mut self) {
        while self.peek().is_some_and(|c| c.is_ascii_digit() || c == '_') {
            self.pos += 1;
        }
    }

    fn name_or_string(&mut self) -> Result<(), PyError> {
        let line = self.line;
        let start = self.pos;
        while self.peek().is_some_and(|c| c == '_' || c.is_alphanumeric()) {
            self.pos += 1;
        }
        let word: String = self.chars[start..self.pos].iter().collect();
        if matches!(self.peek(), Some('"') | Some('\'')) && word.len() <= 2 {
            let prefix = word.to_ascii_lowercase();
            match prefix.as_str() {
                "r" | "u" => return self.string(prefix),
                "f" | "rf" | "fr" => return self.fstring(prefix.contains('r')),
                "b" | "rb" | "br" => return Err(PyError::unsupported(line, "bytes literals")),
                _ => {}
            }
        }
        self.push(Tok::Name(word), line);
        Ok(())
    }

    fn string(&mut self, prefix: String) -> Result<(), PyError> {
        let line = self.line;
        let raw = prefix == "r";
        let quote = self.peek().expect("called on a quote");
        let triple = self.peek_at(1) == Some(quote) && self.peek_at(2) == Some(quote);
        self.pos += if triple { 3 } else { 1 };
        let mut out = String::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(if triple {
                    PyError::syntax(
                        line,
                        format!(
                            "unterminated triple-quoted string literal (detected at line {})",
                            self.line
                        ),
                    )
                } else {
                    PyError::syntax(
                        line,
                        format!("unterminated string literal (detected at line {line})"),
                    )
                });
            };
            if c == quote {
                if !triple {
                    self.pos += 1;
                    break;
                }
                if self.peek_at(1) == Some(quote) && self.peek_at(2) == Some(quote) {
                    self.pos += 3;
                    break;
                }
            }
            if (c == '\n' || c == '\r') && !triple {
                return Err(PyError::syntax(
                    line,
                    format!("unterminated string literal (detected at line {line})"),
                ));
            }
            if c == '\\' {
                self.pos += 1;
                let Some(e) = self.peek() else { continue };
                if raw {
                    out.push('\\');
                    if e == '\n' || e == '\r' {
                        self.newline_char();
                        out.push('\n');
                    } else {
                        out.push(e);
                        self.pos += 1;
                    }
                    continue;
                }
                self.escape(&mut out, line)?;
                continue;
            }
            if c == '\n' || c == '\r' {
                self.newline_char();
                out.push('\n');
                continue;
            }
            out.push(c);
            self.pos += 1;
        }
        self.push(Tok::Str(out), line);
        Ok(())
    }

    /// One escape after a backslash, as Python reads it in a str literal.
    fn escape(&mut self, out: &mut String, line: u32) -> Result<(), PyError> {
        let e = self.peek().expect("checked by the caller");
        self.pos += 1;
        let simple = match e {
            '\n' => {
                self.line += 1;
                return Ok(());
            }
            '\r' => {
                if self.peek() == Some('\n') {
                    self.pos += 1;
                }
                self.line += 1;
                return Ok(());
            }
            '\\' => Some('\\'),
            '\'' => Some('\''),
            '"' => Some('"'),
            'a' => Some('\x07'),
            'b' => Some('\x08'),
            'f' => Some('\x0c'),
            'n' => Some('\n'),
            'r' => Some('\r'),
            't' => Some('\t'),
            'v' => Some('\x0b'),
            _ => None,
        };
        if let Some(c) = simple {
            out.push(c);
            return Ok(());
        }
        let hex = |lexer: &mut Lexer, n: usize, what: &str| -> Result<u32, PyError> {
            let mut v = 0u32;
            for _ in 0..n {
                let d = lexer.peek().and_then(|c| c.to_digit(16)).ok_or_else(|| {
                    PyError::syntax(
                        line,
                        format!("(unicode error) 'unicodeescape' codec can't decode bytes: truncated {what} escape"),
                    )
                })?;
                v = v * 16 + d;
                lexer.pos += 1;
            }
            Ok(v)
        };
        let code = match e {
            'x' => hex(self, 2, "\\xXX")?,
            'u' => hex(self, 4, "\\uXXXX")?,
            'U' => hex(self, 8, "\\UXXXXXXXX")?,
            '0'..='7' => {
                let mut v = e.to_digit(8).expect("octal digit");
                for _ in 0..2 {
                    match self.peek().and_then(|c| c.to_digit(8)) {
                        Some(d) => {
                            v = v * 8 + d;
                            self.pos += 1;
                        }
                        None => break,
                    }
                }
                v
            }
            'N' => return Err(PyError::unsupported(line, "\\N{...} escapes")),
            other => {
                // Python keeps unknown escapes as written (with a warning).
                out.push('\\');
                out.push(other);
                return Ok(());
            }
        };
        match char::from_u32(code) {
            Some(c) => out.push(c),
            None if (0xd800..0xe000).contains(&code) => {
                return Err(PyError::unsupported(line, "lone surrogates in strings"))
            }
            None => {
                return Err(PyError::syntax(
                    line,
                    "(unicode error) 'unicodeescape' codec can't decode bytes: illegal Unicode character",
                ))
            }
        }
        Ok(())
    }

    /// An f-string: the body is read like a string literal, then split into
    /// literal text and `{...}` fields (3.11 rules: a field may not hold a
    /// backslash or the string's own quote).
    fn fstring(&mut self, raw: bool) -> Result<(), PyError> {
        let line = self.line;
        let quote = self.peek().expect("called on a quote");
        let triple = self.peek_at(1) == Some(quote) && self.peek_at(2) == Some(quote);
        self.pos += if triple { 3 } else { 1 };
        let mut body = String::new();
        loop {
            let Some(c) = self.peek() else {
                let msg = if triple {
                    format!(
                        "unterminated triple-quoted f-string literal (detected at line {})",
                        self.line
                    )
                } else {
                    format!("unterminated f-string literal (detected at line {line})")
                };
                return Err(PyError::syntax(line, msg));
            };
            if c == quote
                && (!triple || (self.peek_at(1) == Some(quote) && self.peek_at(2) == Some(quote)))
            {
                self.pos += if triple { 3 } else { 1 };
                break;
            }
            if (c == '\n' || c == '\r') && !triple {
                return Err(PyError::syntax(
                    line,
                    format!("unterminated f-string literal (detected at line {line})"),
                ));
            }
            if c == '\\' {
                body.push(c);
                self.pos += 1;
                if let Some(next) = self.peek() {
                    if next == '\n' || next == '\r' {
                        self.newline_char();
                        body.push('\n');
                    } else {
                        body.push(next);
                        self.pos += 1;
                    }
                }
                continue;
            }
            if c == '\n' || c == '\r' {
                self.newline_char();
                body.push('\n');
                continue;
            }
            body.push(c);
            self.pos += 1;
        }
        let chars: Vec<char> = body.chars().collect();
        let mut at = 0;
        let parts = fstring_parts(&chars, &mut at, raw, line, false)?;
        self.push(Tok::FString(parts), line);
        Ok(())
    }

    fn operator(&mut self) -> Result<(), PyError> {
        let line = self.line;
        let c = self.peek().expect("not at the end");
        for op in OPERATORS {
            let len = op.chars().count();
            if self.pos + len <= self.chars.len()
                && self.chars[self.pos..self.pos + len]
                    .iter()
                    .copied()
                    .eq(op.chars())
            {
                self.pos += len;
                match *op {
                    "(" | "[" | "{" => {
                        if self.brackets.len() >= MAX_NESTING {
                            return Err(PyError::syntax(line, "too many nested parentheses"));
                        }
                        self.brackets.push((c, line));
                    }
                    ")" | "]" | "}" => {
                        let want = match c {
                            ')' => '(',
                            ']' => '[',
                            _ => '{',
                        };
                        match self.brackets.pop() {
                            Some((open, _)) if open == want => {}
                            Some((open, open_line)) => {
                                let msg = if open_line == line {
                                    format!("closing parenthesis '{c}' does not match opening parenthesis '{open}'")
                                } else {
                                    format!("closing parenthesis '{c}' does not match opening parenthesis '{open}' on line {open_line}")
                                };
                                return Err(PyError::syntax(line, msg));
                            }
                            None => return Err(PyError::syntax(line, format!("unmatched '{c}'"))),
                        }
                    }
                    _ => {}
                }
                self.push(Tok::Op(op), line);
                return Ok(());
            }
        }
        if c == '!' {
            return Err(PyError::syntax(line, "invalid syntax"));
        }
        if c == '$' || c == '?' || c == '`' {
            return Err(PyError::syntax(line, "invalid syntax"));
        }
        Err(PyError::syntax(
            line,
            format!("invalid character '{c}' (U+{:04X})", c as u32),
        ))
    }
}

/// Decodes the escapes of a piece of literal text.
fn decode(text: &str, raw: bool, line: u32) -> Result<String, PyError> {
    if raw || !text.contains('\\') {
        return Ok(text.to_string());
    }
    let mut lexer = Lexer::new(text);
    lexer.line = line;
    let mut out = String::new();
    while let Some(c) = lexer.peek() {
        lexer.pos += 1;
        if c == '\\' && lexer.peek().is_some() {
            lexer.escape(&mut out, line)?;
        } else {
            out.push(c);
        }
    }
    Ok(out)
}

fn fstring_error(line: u32, message: &str) -> PyError {
    PyError::syntax(line, format!("f-string: {message}"))
}

/// Splits an f-string body (from `at`) into parts. In a format spec
/// (`in_spec`), stops at the `}` that closes the field.
fn fstring_parts(
    chars: &[char],
    at: &mut usize,
    raw: bool,
    line: u32,
    in_spec: bool,
) -> Result<Vec<FPart>, PyError> {
    let mut parts = Vec::new();
    let mut text = String::new();
    let flush = |text: &mut String, parts: &mut Vec<FPart>| -> Result<(), PyError> {
        if !text.is_empty() {
            parts.push(FPart::Lit(decode(text, raw, line)?));
            text.clear();
        }
        Ok(())
    };
    while *at < chars.len() {
        let c = chars[*at];
        match c {
            '{' if !in_spec && chars.get(*at + 1) == Some(&'{') => {
                text.push('{');
                *at += 2;
            }
            '}' if in_spec => break,
            '}' if chars.get(*at + 1) == Some(&'}') => {
                text.push('}');
                *at += 2;
            }
            '}' => return Err(fstring_error(line, "single '}' is not allowed")),
            '{' => {
                flush(&mut text, &mut parts)?;
                *at += 1;
                parts.push(fstring_field(chars, at, raw, line)?);
            }
            '\\' if !raw => {
                text.push(c);
                if let Some(&next) = chars.get(*at + 1) {
                    text.push(next);
                }
                *at += 2;
            }
            _ => {
                text.push(c);
                *at += 1;
            }
        }
    }
    flush(&mut text, &mut parts)?;
    Ok(parts)
}

/// One `{expr[=][!c][:spec]}` field; `at` is just after the `{`.
fn fstring_field(chars: &[char], at: &mut usize, raw: bool, line: u32) -> Result<FPart, PyError> {
    let start = *at;
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    while *at < chars.len() {
        let c = chars[*at];
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
        } else {
            match c {
                '\\' => {
                    return Err(fstring_error(
                        line,
                        "expression part cannot include a backslash",
                    ))
                }
                '\'' | '"' => quote = Some(c),
                '(' | '[' | '{' => depth += 1,
                ')' | ']' | '}' if depth > 0 => depth -= 1,
                '}' | ':' if depth == 0 => break,
                '!' if depth == 0 && chars.get(*at + 1) != Some(&'=') => break,
                '#' => return Err(fstring_error(line, "expression part cannot include '#'")),
                _ => {}
            }
        }
        *at += 1;
    }
    if *at >= chars.len() {
        return Err(fstring_error(line, "expecting '}'"));
    }
    let mut expr: String = chars[start..*at].iter().collect();
    let mut debug = None;
    let trimmed = expr.trim_end();
    if trimmed.ends_with('=')
        && !trimmed.ends_with("==")
        && !trimmed.ends_with("!=")
        && !trimmed.ends_with("<=")
        && !trimmed.ends_with(">=")
    {
        debug = Some(expr.clone());
        expr = trimmed[..trimmed.len() - 1].to_string();
    }
    if expr.trim().is_empty() {
        return Err(fstring_error(line, "empty expression not allowed"));
    }
    let mut conversion = None;
    if chars[*at] == '!' {
        *at += 1;
        match chars.get(*at) {
            Some(&c @ ('r' | 's' | 'a')) => conversion = Some(c),
            _ => {
                return Err(fstring_error(
                    line,
                    "invalid conversion character: expected 's', 'r', or 'a'",
                ))
            }
        }
        *at += 1;
        if !matches!(chars.get(*at), Some('}') | Some(':')) {
            return Err(fstring_error(line, "expecting '}'"));
        }
    }
    let mut spec = None;
    if chars[*at] == ':' {
        *at += 1;
        spec = Some(fstring_parts(chars, at, raw, line, true)?);
    }
    if chars.get(*at) != Some(&'}') {
        return Err(fstring_error(line, "expecting '}'"));
    }
    *at += 1;
    Ok(FPart::Field {
        expr,
        debug,
        conversion,
        spec,
    })
}

fn tab_error(line: u32) -> PyError {
    PyError::syntax_named(
        line,
        "TabError",
        "inconsistent use of tabs and spaces in indentation",
    )
}

/// Checks Python's rule for `_` in numbers (only between digits) and drops them.
fn underscores(text: &str, line: u32) -> Result<String, PyError> {
    let bytes: Vec<char> = text.chars().collect();
    for (i, &c) in bytes.iter().enumerate() {
        if c == '_' {
            let ok = i > 0
                && i + 1 < bytes.len()
                && bytes[i - 1].is_ascii_alphanumeric()
                && bytes[i + 1].is_ascii_alphanumeric();
            if !ok {
                return Err(PyError::syntax(line, "invalid decimal literal"));
            }
        }
    }
    Ok(text.replace('_', ""))
}

fn radix_name(radix: u32) -> &'static str {
    match radix {
        16 => "hexadecimal",
        8 => "octal",
        _ => "binary",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(src: &str) -> Vec<Tok> {
        tokenize(src).unwrap().into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn indentation_becomes_indent_and_dedent() {
        let t = toks("if x:\n    y = 1\n\n    # c\nz\n");
        assert_eq!(
            t,
            vec![
                Tok::Name("if".into()),
                Tok::Name("x".into()),
                Tok::Op(":"),
                Tok::Newline,
                Tok::Indent,
                Tok::Name("y".into()),
                Tok::Op("="),
                Tok::Int(1.into()),
                Tok::Newline,
                Tok::Dedent,
                Tok::Name("z".into()),
                Tok::Newline,
                Tok::Eof,
            ]
        );
    }

    #[test]
    fn brackets_join_lines_and_strings_unescape() {
        let t = toks("x = [1,\n  'a\\n']\n");
        assert_eq!(t[4], Tok::Op(","));
        assert_eq!(t[5], Tok::Str("a\n".into()));
        assert_eq!(t[7], Tok::Newline);
    }

    #[test]
    fn numbers() {
        assert_eq!(toks("0x_ff")[0], Tok::Int(255.into()));
        assert_eq!(toks("1_000")[0], Tok::Int(1000.into()));
        assert_eq!(toks("1.5e3")[0], Tok::Float(1500.0));
        assert_eq!(toks(".5")[0], Tok::Float(0.5));
        assert!(tokenize("012").is_err());
        assert!(tokenize("1__0").is_err());
    }

    #[test]
    fn errors_name_the_line() {
        let e = tokenize("x = 1\ny = 'abc\n").unwrap_err();
        assert_eq!(e.line, Some(2));
        let e = tokenize("x = (1,\n2\n").unwrap_err();
        assert_eq!(e.to_string(), ":1: SyntaxError: '(' was never closed");
        let e = tokenize("if x:\n    y\n  z\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            ":3: IndentationError: unindent does not match any outer indentation level"
        );
    }
}
