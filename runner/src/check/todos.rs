//! Finds every `todo!()` still in a learner's file, so the report can list
//! them all, not only the ones the check happened to reach.
//!
//! A small Rust lexer, just enough to skip what is not code: line and
//! (nested) block comments, doc comments, string, byte-string, raw-string
//! and character literals. Lifetimes (`'a`) are told apart from characters.

/// The 1-based lines on which `source` calls `todo!`, in order, each once.
pub fn lines(source: &str) -> Vec<usize> {
    let chars: Vec<char> = source.chars().collect();
    let mut found = Vec::new();
    let mut line = 1;
    let mut i = 0;
    // Advances over chars[from..to], counting the newlines passed.
    let skip = |from: usize, to: usize, line: &mut usize| {
        *line += chars[from..to.min(chars.len())]
            .iter()
            .filter(|&&c| c == '\n')
            .count();
        to
    };
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        match c {
            '\n' => {
                line += 1;
                i += 1;
            }
            '/' if next == Some('/') => {
                let end = chars[i..]
                    .iter()
                    .position(|&c| c == '\n')
                    .map_or(chars.len(), |n| i + n);
                i = end;
            }
            '/' if next == Some('*') => {
                let end = block_comment_end(&chars, i);
                i = skip(i, end, &mut line);
            }
            '"' => {
                let end = quoted_end(&chars, i + 1, '"');
                i = skip(i, end, &mut line);
            }
            'r' | 'b' | 'c' if !ident_before(&chars, i) => match raw_string_end(&chars, i) {
                Some(end) => i = skip(i, end, &mut line),
                None if c == 'b' && next == Some('\'') => {
                    let end = quoted_end(&chars, i + 2, '\'');
                    i = skip(i, end, &mut line);
                }
                None if next == Some('"') => {
                    let end = quoted_end(&chars, i + 2, '"');
                    i = skip(i, end, &mut line);
                }
                None => i = word_end(&chars, i, &mut found, line),
            },
            '\'' => i = char_or_lifetime_end(&chars, i),
            c if is_ident(c) && !ident_before(&chars, i) => {
                i = word_end(&chars, i, &mut found, line);
            }
            _ => i += 1,
        }
    }
    found.dedup();
    found
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn ident_before(chars: &[char], i: usize) -> bool {
    i > 0 && is_ident(chars[i - 1])
}

/// Reads the identifier at `i`; notes `line` if it is the `todo!` macro.
fn word_end(chars: &[char], i: usize, found: &mut Vec<usize>, line: usize) -> usize {
    let end = chars[i..]
        .iter()
        .position(|&c| !is_ident(c))
        .map_or(chars.len(), |n| i + n);
    let word: String = chars[i..end].iter().collect();
    if word == "todo" && chars.get(end) == Some(&'!') {
        let after = chars[end + 1..].iter().find(|c| !c.is_whitespace());
        if matches!(after, Some('(' | '[' | '{')) {
            found.push(line);
        }
    }
    end
}

/// Just past the `*/` closing the block comment that opens at `start`.
fn block_comment_end(chars: &[char], start: usize) -> usize {
    let mut depth = 0;
    let mut i = start;
    while i + 1 < chars.len() {
        match (chars[i], chars[i + 1]) {
            ('/', '*') => {
                depth += 1;
                i += 2;
            }
            ('*', '/') => {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    return i;
                }
            }
            _ => i += 1,
        }
    }
    chars.len()
}

/// Just past the unescaped `close` at or after `i`.
fn quoted_end(chars: &[char], mut i: usize, close: char) -> usize {
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 2,
            c if c == close => return i + 1,
            _ => i += 1,
        }
    }
    chars.len()
}

/// If a raw string (`r"..."`, `br#"..."#`, `cr"..."`) opens at `i`, just
/// past its end.
fn raw_string_end(chars: &[char], i: usize) -> Option<usize> {
    let mut j = i;
    if chars[j] != 'r' {
        j += 1;
    }
    if chars.get(j) != Some(&'r') {
        return None;
    }
    j += 1;
    let hashes = chars[j..].iter().take_while(|&&c| c == '#').count();
    j += hashes;
    if chars.get(j) != Some(&'"') {
        return None;
    }
    j += 1;
    while j < chars.len() {
        if chars[j] == '"'
            && chars[j + 1..]
                .iter()
                .take(hashes)
                .filter(|&&c| c == '#')
                .count()
                == hashes
        {
            return Some(j + 1 + hashes);
        }
        j += 1;
    }
    Some(chars.len())
}

/// Past a character literal (`'x'`, `'\n'`, `'"'`) or a lifetime's quote.
fn char_or_lifetime_end(chars: &[char], i: usize) -> usize {
    match chars.get(i + 1) {
        Some('\\') => quoted_end(chars, i + 1, '\''),
        Some(_) if chars.get(i + 2) == Some(&'\'') => i + 3,
        _ => i + 1,
    }
}

#[cfg(test)]
mod tests {
    use super::lines;

    #[test]
    fn finds_each_call_with_its_line() {
        let src = "fn a() {\n    todo!()\n}\nfn b() -> u8 {\n    todo!(\"later\")\n}\n";
        assert_eq!(lines(src), vec![2, 5]);
    }

    #[test]
    fn ignores_comments_and_doc_comments() {
        let src = "//! Fill in the `todo!()`s.\n/// todo!() here\n// todo!()\n/* todo!() /* todo!() */ todo!() */\nfn a() { todo!() }\n";
        assert_eq!(lines(src), vec![5]);
    }

    #[test]
    fn ignores_strings_of_every_kind() {
        let src = concat!(
            "const A: &str = \"todo!()\";\n",
            "const B: &str = r#\"todo!() \" todo!()\"#;\n",
            "const C: &[u8] = b\"todo!()\";\n",
            "const D: &str = \"escaped \\\" todo!()\";\n",
            "fn f() { todo!() }\n",
        );
        assert_eq!(lines(src), vec![5]);
    }

    #[test]
    fn tells_characters_from_lifetimes() {
        // `'"'` must not open a string, and `'a` must not open a character.
        let src = "fn f<'a>(x: &'a str) -> char {\n    let _ = '\"';\n    todo!()\n}\nconst Q: char = '\\'';\nfn g() { todo!() }\n";
        assert_eq!(lines(src), vec![3, 6]);
    }

    #[test]
    fn only_the_todo_macro_counts() {
        let src =
            "fn todo() {}\nfn f() { my_todo!(); todo(); todo_list!(); std::todo!(); todo! [] }\n";
        assert_eq!(lines(src), vec![2]);
        assert!(lines("fn f() { todo(); }\n").is_empty());
    }

    #[test]
    fn one_line_with_two_calls_is_listed_once() {
        assert_eq!(lines("fn f() -> (u8, u8) { (todo!(), todo!()) }"), vec![1]);
    }

    #[test]
    fn an_unclosed_comment_or_string_ends_the_scan_without_panicking() {
        assert!(lines("fn f() { todo!() } /* todo!()").len() == 1);
        assert!(lines("\"todo!()").is_empty());
        assert!(lines("r#\"todo!()").is_empty());
        assert!(lines("'").is_empty());
    }
}
