//! Laying text out for the terminal: wrapping at word boundaries (the
//! terminal itself would cut words in half), counting visible width with
//! escape codes excluded, and the footer under every screen, whose book link
//! always has a row of its own.

use unicode_width::UnicodeWidthChar;

/// How wide the output is: the terminal's width, or `COLUMNS` when output
/// goes elsewhere; `None` means nothing is wrapped.
pub fn width() -> Option<usize> {
    use std::io::IsTerminal;
    if std::io::stdout().is_terminal() {
        // Some terminals (serial consoles, fresh ptys) report no size at all.
        if let Ok((cols @ 1.., _)) = crossterm::terminal::size() {
            return Some(cols as usize);
        }
    }
    std::env::var("COLUMNS").ok()?.trim().parse().ok()
}

/// Columns a line takes on screen: escape sequences take none, wide
/// characters take two.
pub fn visible_width(line: &str) -> usize {
    let mut width = 0;
    let mut in_escape = false;
    for c in line.chars() {
        match (in_escape, c) {
            (false, '\u{1b}') => in_escape = true,
            (true, c) if c.is_ascii_alphabetic() => in_escape = false,
            (true, _) => {}
            (false, c) => width += c.width().unwrap_or(0),
        }
    }
    width
}

/// Wraps every line longer than `width` at spaces. Continuation rows keep
/// the line's indentation (unless it is most of the row); only a word
/// longer than a whole row is cut.
pub fn wrap(text: &str, width: usize) -> String {
    let width = width.max(8);
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        wrap_line(line, width, &mut out);
    }
    out
}

fn wrap_line(line: &str, width: usize, out: &mut String) {
    if visible_width(line) <= width {
        out.push_str(line);
        return;
    }
    let indent_len = line.len() - line.trim_start_matches(' ').len();
    let indent = if indent_len * 2 < width {
        &line[..indent_len]
    } else {
        ""
    };
    let mut row = String::new();
    let mut row_width = 0;
    let mut has_word = false;
    let mut gap = "";
    for (run, is_space) in runs(line) {
        if is_space {
            if has_word {
                gap = run;
            } else {
                row.push_str(run);
                row_width += run.len();
            }
            continue;
        }
        let run_width = visible_width(run);
        if has_word && row_width + gap.len() + run_width > width {
            out.push_str(&row);
            out.push('\n');
            row = indent.to_string();
            row_width = indent.len();
        } else if has_word {
            row.push_str(gap);
            row_width += gap.len();
        }
        gap = "";
        // A word wider than what is left of the row is cut, row by row.
        let mut word = run;
        while row_width + visible_width(word) > width {
            let (head, tail) = split_at_width(word, width.saturating_sub(row_width));
            if head.is_empty() && row_width > indent.len() {
                out.push_str(&row);
                out.push('\n');
                row = indent.to_string();
                row_width = indent.len();
                continue;
            }
            let (head, tail) = if head.is_empty() {
                // Not even one character fits beside the indentation.
                let first = word.chars().next().map_or(0, char::len_utf8);
                word.split_at(first)
            } else {
                (head, tail)
            };
            row.push_str(head);
            out.push_str(&row);
            out.push('\n');
            row = indent.to_string();
            row_width = indent.len();
            word = tail;
        }
        row.push_str(word);
        row_width += visible_width(word);
        has_word = true;
    }
    out.push_str(&row);
}

/// The line cut into runs of spaces and runs of anything else.
fn runs(line: &str) -> Vec<(&str, bool)> {
    let mut runs = Vec::new();
    let mut start = 0;
    let mut space = None;
    for (i, c) in line.char_indices() {
        let is_space = c == ' ';
        if space.is_some_and(|s| s != is_space) {
            runs.push((&line[start..i], space.unwrap()));
            start = i;
        }
        space = Some(is_space);
    }
    if let Some(s) = space {
        runs.push((&line[start..], s));
    }
    runs
}

/// The longest head of `word` at most `room` columns wide, escape codes
/// kept whole.
fn split_at_width(word: &str, room: usize) -> (&str, &str) {
    let mut width = 0;
    let mut in_escape = false;
    for (i, c) in word.char_indices() {
        match (in_escape, c) {
            (false, '\u{1b}') => in_escape = true,
            (true, c) if c.is_ascii_alphabetic() => in_escape = false,
            (true, _) => {}
            (false, c) => {
                width += c.width().unwrap_or(0);
                if width > room {
                    return word.split_at(i);
                }
            }
        }
    }
    (word, "")
}

/// Items joined by `sep`, as many per row as fit in `width` (`None`: all on
/// one row); an item is never cut.
pub fn wrap_items(lead: &str, items: &[&str], sep: &str, width: Option<usize>) -> Vec<String> {
    let mut rows = Vec::new();
    let mut row = lead.to_string();
    let mut fresh = true;
    for item in items {
        let candidate = if fresh {
            format!("{row}{item}")
        } else {
            format!("{row}{sep}{item}")
        };
        if !fresh && width.is_some_and(|w| visible_width(&candidate) > w) {
            rows.push(row);
            row = format!("{}{item}", " ".repeat(visible_width(lead).min(4)));
        } else {
            row = candidate;
        }
        fresh = false;
    }
    rows.push(row);
    rows
}

/// The row pointing at the book section: labelled when that fits, then
/// without the label, then without the anchor; dropped when even the page
/// does not fit, rather than broken across rows.
pub fn book_row(book: &str, width: Option<usize>) -> Option<String> {
    let path = format!("book/src/{book}");
    let page = path.split('#').next().unwrap_or(&path).to_string();
    let candidates = [format!("Book: {path}"), path.clone(), page];
    match width {
        None => Some(candidates[0].clone()),
        Some(w) => candidates.into_iter().find(|c| visible_width(c) <= w),
    }
}

/// Cuts `text` (already wrapped, so one line is one row) to `room` rows,
/// the last of which says how much was left out.
pub fn fit(text: &str, room: usize, more: impl Fn(usize) -> String) -> String {
    let lines: Vec<&str> = text.trim_end_matches('\n').split('\n').collect();
    if lines.len() <= room {
        return text.to_string();
    }
    let kept = room.saturating_sub(1).max(1);
    let mut out = lines[..kept].join("\n");
    out.push('\n');
    out.push_str(&more(lines.len() - kept));
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &str) -> Vec<&str> {
        text.split('\n').collect()
    }

    #[test]
    fn a_short_line_is_left_alone() {
        assert_eq!(wrap("one two three", 20), "one two three");
        assert_eq!(wrap("a\n\nb", 20), "a\n\nb");
    }

    #[test]
    fn long_lines_break_between_words_never_inside_one() {
        let text = "the quick brown fox jumps over the lazy dog";
        let wrapped = wrap(text, 12);
        assert_eq!(
            rows(&wrapped),
            ["the quick", "brown fox", "jumps over", "the lazy dog"]
        );
    }

    #[test]
    fn at_120_columns_no_row_is_wider_and_every_word_stays_whole() {
        let words: Vec<String> = (0..60).map(|i| format!("word{i}")).collect();
        let line = words.join(" ");
        let wrapped = wrap(&line, 120);
        let got: Vec<&str> = wrapped.split(['\n', ' ']).collect();
        assert_eq!(got, words);
        assert!(rows(&wrapped).iter().all(|r| visible_width(r) <= 120));
        assert!(rows(&wrapped).len() > 1);
    }

    #[test]
    fn escape_codes_take_no_width_and_are_never_cut() {
        let red = "\x1b[31mred\x1b[0m";
        assert_eq!(visible_width(red), 3);
        let line = format!("{red} {red} {red}");
        let wrapped = wrap(&line, 8);
        assert_eq!(rows(&wrapped), [format!("{red} {red}"), red.to_string()]);
        assert_eq!(visible_width("✓ 🎉"), 4);
    }

    #[test]
    fn continuation_rows_keep_the_indentation() {
        let wrapped = wrap("    - alpha beta gamma delta", 18);
        assert_eq!(rows(&wrapped), ["    - alpha beta", "    gamma delta"]);
    }

    #[test]
    fn only_a_word_longer_than_a_row_is_cut() {
        let wrapped = wrap("see abcdefghijklmnop", 8);
        assert_eq!(rows(&wrapped), ["see", "abcdefgh", "ijklmnop"]);
        assert!(rows(&wrapped).iter().all(|r| visible_width(r) <= 8));
    }

    #[test]
    fn runs_of_spaces_inside_a_row_are_kept() {
        assert_eq!(wrap("a  b    c d", 9), "a  b    c\nd");
    }

    #[test]
    fn key_lists_break_between_items() {
        let items = ["h hint", "l list", "n next", "q quit"];
        assert_eq!(
            wrap_items("keys: ", &items, " · ", Some(22)),
            ["keys: h hint · l list", "    n next · q quit"]
        );
        assert_eq!(
            wrap_items("keys: ", &items, " · ", None),
            ["keys: h hint · l list · n next · q quit"]
        );
    }

    #[test]
    fn the_book_link_is_shortened_then_dropped_never_broken() {
        let book = "foundations/bits-and-bytes.md#two-kinds-of-kilobyte";
        assert_eq!(
            book_row(book, Some(120)).unwrap(),
            "Book: book/src/foundations/bits-and-bytes.md#two-kinds-of-kilobyte"
        );
        assert_eq!(
            book_row(book, Some(60)).unwrap(),
            "book/src/foundations/bits-and-bytes.md#two-kinds-of-kilobyte"
        );
        assert_eq!(
            book_row(book, Some(40)).unwrap(),
            "book/src/foundations/bits-and-bytes.md"
        );
        assert_eq!(book_row(book, Some(20)), None);
    }

    #[test]
    fn fitting_keeps_the_top_and_says_what_was_left_out() {
        let text = "1\n2\n3\n4\n5\n";
        assert_eq!(fit(text, 9, |n| format!("{n} more")), text);
        assert_eq!(fit(text, 3, |n| format!("{n} more")), "1\n2\n3 more\n");
    }
}
