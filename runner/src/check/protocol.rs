//! Reads what a check binary printed: result frames marked with the run's
//! token (see `runner/checks/harness.rs`), and everything else, which is the
//! exercise's own output.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    pub case: String,
    pub result: CaseResult,
    /// Panics the case caught itself (`show`, `attempt`), in order.
    pub caught: Vec<Panic>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseResult {
    Rendered(String),
    Panicked(Panic),
}

/// A panic in exercise or check code, as the harness's hook saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Panic {
    pub message: String,
    pub at: Option<Location>,
}

/// Where a panic happened.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    pub file: String,
    pub line: u32,
}

impl Panic {
    /// A `todo!()` that was reached.
    pub fn is_todo(&self) -> bool {
        self.message.starts_with("not yet implemented")
    }

    /// The same panic with its file named as `shown` names it.
    pub fn map_file(self, shown: impl Fn(&str) -> String) -> Panic {
        Panic {
            message: self.message,
            at: self.at.map(|at| Location {
                file: shown(&at.file),
                line: at.line,
            }),
        }
    }
}

/// `message (at file:line)`: how the harness's `show` renders a panic into
/// a case's text, so the two always agree.
impl fmt::Display for Panic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.at {
            Some(at) => write!(f, "{} (at {}:{})", self.message, at.file, at.line),
            None => f.write_str(&self.message),
        }
    }
}

/// Reads the fields of a panic frame: `<line> <file bytes> <message bytes>`
/// in the header, the file then the message in the body. `None` for a
/// malformed header; `Some(None)` when the body is cut off.
fn read_panic<'a>(fields: &[&str], body: &'a str) -> Option<Option<(Panic, &'a str)>> {
    let [line, file_len, message_len] = fields else {
        return None;
    };
    let line: u32 = line.parse().ok()?;
    let file_len: usize = file_len.parse().ok()?;
    let message_len: usize = message_len.parse().ok()?;
    let end = file_len.checked_add(message_len)?;
    if body.len() < end || !body.is_char_boundary(file_len) || !body.is_char_boundary(end) {
        return Some(None);
    }
    let file = &body[..file_len];
    let at = (file_len > 0 || line > 0).then(|| Location {
        file: file.to_string(),
        line,
    });
    let panic = Panic {
        message: body[file_len..end].to_string(),
        at,
    };
    Some(Some((panic, &body[end..])))
}

#[derive(Debug, Default)]
pub struct Parsed {
    pub frames: Vec<Frame>,
    /// Saw the final `done` frame: the check ran to its end.
    pub finished: bool,
    /// What the exercise printed itself, frames removed.
    pub program_output: String,
    /// A frame carried the token but broke the protocol (a case reported
    /// twice, a header nobody sends, a frame after `done`). Only the
    /// harness knows the token, so this is a bug in the check or harness.
    pub broken: Option<String>,
}

pub fn parse(stdout: &str, token: &str) -> Parsed {
    let mut parsed = Parsed::default();
    fn broken(parsed: &mut Parsed, why: String) {
        parsed.broken.get_or_insert(why);
    }
    let marker = format!("\n{token} ");
    // Frames start on a fresh line; a leading newline makes the first one
    // look like the rest.
    let text = format!("\n{stdout}");
    let mut rest = text.as_str();
    // `caught` frames come before the frame of the case they belong to.
    let mut caught: Vec<(String, Panic)> = Vec::new();
    fn report(
        parsed: &mut Parsed,
        caught: &mut Vec<(String, Panic)>,
        name: &str,
        result: CaseResult,
    ) {
        let (mine, others): (Vec<_>, Vec<_>) = std::mem::take(caught)
            .into_iter()
            .partition(|(case, _)| case == name);
        if !others.is_empty() {
            broken(
                parsed,
                format!(
                    "a caught panic of case `{}` came before case `{name}`",
                    others[0].0
                ),
            );
        }
        if parsed.frames.iter().any(|f| f.case == name) {
            broken(parsed, format!("case `{name}` reported twice"));
        } else {
            parsed.frames.push(Frame {
                case: name.to_string(),
                result,
                caught: mine.into_iter().map(|(_, panic)| panic).collect(),
            });
        }
    }
    // The harness ends every body with a newline of its own.
    fn after_newline(text: &str) -> &str {
        text.strip_prefix('\n').unwrap_or(text)
    }
    while let Some(at) = rest.find(&marker) {
        parsed.program_output.push_str(&rest[..at]);
        let after = &rest[at + marker.len()..];
        let (header, body_start) = match after.find('\n') {
            Some(nl) => (&after[..nl], &after[nl + 1..]),
            None => (after, ""),
        };
        let words: Vec<&str> = header.split(' ').collect();
        if parsed.finished {
            broken(&mut parsed, format!("a frame `{header}` came after `done`"));
        }
        match words.as_slice() {
            ["done"] => {
                parsed.finished = true;
                rest = body_start;
            }
            ["case", name, "ok", len] => {
                let Ok(len) = len.parse::<usize>() else {
                    broken(&mut parsed, format!("the frame `{header}` has no length"));
                    break;
                };
                if body_start.len() < len || !body_start.is_char_boundary(len) {
                    break; // cut off by the output cap or a kill
                }
                let body = body_start[..len].to_string();
                report(&mut parsed, &mut caught, name, CaseResult::Rendered(body));
                rest = after_newline(&body_start[len..]);
            }
            ["case", name, "panic", fields @ ..] | ["caught", name, fields @ ..] => {
                let Some(read) = read_panic(fields, body_start) else {
                    broken(&mut parsed, format!("the frame `{header}` has no lengths"));
                    break;
                };
                let Some((panic, after_body)) = read else {
                    break; // cut off by the output cap or a kill
                };
                if words[0] == "caught" {
                    caught.push((name.to_string(), panic));
                } else {
                    report(&mut parsed, &mut caught, name, CaseResult::Panicked(panic));
                }
                rest = after_newline(after_body);
            }
            _ => {
                broken(&mut parsed, format!("an unknown frame `{header}`"));
                break;
            }
        }
    }
    parsed.program_output.push_str(rest);
    parsed.program_output = parsed.program_output.trim_matches('\n').to_string();
    parsed
}

/// What the harness's allocator reported on stderr: the size of an
/// allocation that failed, in a frame marked with the token (see
/// `OomReport` in `runner/checks/harness.rs`).
pub fn failed_allocation(stderr: &str, token: &str) -> Option<u64> {
    let marker = format!("\n{token} oom ");
    let text = format!("\n{stderr}");
    let at = text.find(&marker)? + marker.len();
    let digits: String = text[at..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    digits.parse().ok()
}

/// `stderr` without the harness's frames: what the exercise printed there.
pub fn strip_frames(stderr: &str, token: &str) -> String {
    stderr
        .lines()
        .filter(|line| !line.starts_with(token))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separates_frames_from_the_programs_own_output() {
        let out =
            "hello\n\nTOK case a ok 5\nx\ny z\nmid\n\nTOK case b panic 0 0 4\noops\n\nTOK done\n";
        let p = parse(out, "TOK");
        assert!(p.finished);
        assert_eq!(p.frames.len(), 2);
        assert_eq!(p.frames[0].result, CaseResult::Rendered("x\ny z".into()));
        let oops = Panic {
            message: "oops".into(),
            at: None,
        };
        assert_eq!(p.frames[1].result, CaseResult::Panicked(oops));
        assert_eq!(p.program_output, "hello\nmid");
    }

    #[test]
    fn a_panic_arrives_as_fields_and_caught_ones_join_their_case() {
        let out = "\nTOK caught a 7 8 27\nsrc/x.rsnot yet implemented: (at 1)\n\
                   \nTOK case a ok 1\nx\n\nTOK case b panic 12 9 3\nsrc/ü.rs\nno\n\nTOK done\n";
        let p = parse(out, "TOK");
        assert!(p.broken.is_none(), "{:?}", p.broken);
        let todo = Panic {
            message: "not yet implemented: (at 1)".into(),
            at: Some(Location {
                file: "src/x.rs".into(),
                line: 7,
            }),
        };
        assert!(todo.is_todo());
        assert_eq!(
            todo.to_string(),
            "not yet implemented: (at 1) (at src/x.rs:7)"
        );
        assert_eq!(p.frames[0].caught, vec![todo]);
        let CaseResult::Panicked(panic) = &p.frames[1].result else {
            panic!("{:?}", p.frames[1]);
        };
        assert_eq!(panic.message, "\nno");
        assert_eq!(
            panic.at.as_ref().map(|at| (at.file.as_str(), at.line)),
            Some(("src/ü.rs", 12))
        );
        assert!(p.frames[1].caught.is_empty());
    }

    #[test]
    fn a_caught_panic_of_another_case_breaks_the_protocol() {
        let p = parse(
            "\nTOK caught a 0 0 1\nx\n\nTOK case b ok 1\ny\n\nTOK done\n",
            "TOK",
        );
        assert!(p.broken.is_some());
        let p = parse("\nTOK case a panic 1 2\nx\n", "TOK");
        assert!(p.broken.is_some(), "a panic frame without its lengths");
        let p = parse("\nTOK case a panic 1 2 30\nxy\n", "TOK");
        assert!(
            p.broken.is_none() && p.frames.is_empty(),
            "a cut-off panic is dropped"
        );
    }

    #[test]
    fn a_forged_frame_without_the_token_is_just_output() {
        let p = parse("\nFAKE case a ok 1\nx\n\nFAKE done\n", "TOK");
        assert!(!p.finished);
        assert!(p.frames.is_empty());
        assert!(p.program_output.contains("FAKE done"));
    }

    #[test]
    fn a_truncated_frame_is_dropped() {
        let p = parse("\nTOK case a ok 100\nshort", "TOK");
        assert!(p.frames.is_empty());
        assert!(!p.finished);
    }

    #[test]
    fn a_case_that_reports_twice_breaks_the_protocol() {
        let p = parse(
            "\nTOK case a ok 1\nx\n\nTOK case a ok 1\ny\n\nTOK done\n",
            "TOK",
        );
        assert_eq!(p.broken.as_deref(), Some("case `a` reported twice"));
        assert_eq!(p.frames.len(), 1);
        assert_eq!(p.frames[0].result, CaseResult::Rendered("x".into()));
    }

    #[test]
    fn an_unknown_frame_breaks_the_protocol_instead_of_ending_the_parse() {
        let p = parse(
            "\nTOK case a ok 1\nx\n\nTOK hello there\n\nTOK done\n",
            "TOK",
        );
        assert_eq!(p.broken.as_deref(), Some("an unknown frame `hello there`"));
        let p = parse("\nTOK case a maybe 1\nx\n", "TOK");
        assert!(p.broken.is_some(), "an unknown status");
        let p = parse("\nTOK case a ok many\nx\n", "TOK");
        assert!(p.broken.is_some(), "a length that is no number");
        let p = parse("\nTOK done\n\nTOK case a ok 1\nx\n", "TOK");
        assert!(p.broken.is_some(), "a frame after done");
    }

    #[test]
    fn a_well_formed_run_is_not_broken() {
        let p = parse("\nTOK case a ok 1\nx\n\nTOK done\n", "TOK");
        assert!(p.broken.is_none());
        assert!(p.finished);
    }

    #[test]
    fn a_failed_allocation_is_read_only_with_the_token() {
        let err = "memory allocation of 68719476736 bytes failed\n";
        assert_eq!(failed_allocation(err, "TOK"), None);
        let err = format!("TOK oom 68719476736\n{err}");
        assert_eq!(failed_allocation(&err, "TOK"), Some(68719476736));
        assert_eq!(failed_allocation("FAKE oom 12\n", "TOK"), None);
        assert_eq!(
            strip_frames(&err, "TOK"),
            "memory allocation of 68719476736 bytes failed"
        );
    }
}
