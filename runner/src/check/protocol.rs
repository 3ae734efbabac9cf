//! Reads what a check binary printed: result frames marked with the run's
//! token (see `runner/checks/harness.rs`), and everything else, which is the
//! exercise's own output.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    pub case: String,
    pub result: CaseResult,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseResult {
    Rendered(String),
    Panicked(String),
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
            ["case", name, status @ ("ok" | "panic"), len] => {
                let Ok(len) = len.parse::<usize>() else {
                    broken(&mut parsed, format!("the frame `{header}` has no length"));
                    break;
                };
                if body_start.len() < len || !body_start.is_char_boundary(len) {
                    break; // cut off by the output cap or a kill
                }
                let body = body_start[..len].to_string();
                let result = if *status == "ok" {
                    CaseResult::Rendered(body)
                } else {
                    CaseResult::Panicked(body)
                };
                if parsed.frames.iter().any(|f| f.case == *name) {
                    broken(&mut parsed, format!("case `{name}` reported twice"));
                } else {
                    parsed.frames.push(Frame {
                        case: name.to_string(),
                        result,
                    });
                }
                // The harness ends every body with a newline of its own.
                let after_body = &body_start[len..];
                rest = after_body.strip_prefix('\n').unwrap_or(after_body);
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
        let out = "hello\n\nTOK case a ok 5\nx\ny z\nmid\n\nTOK case b panic 4\noops\n\nTOK done\n";
        let p = parse(out, "TOK");
        assert!(p.finished);
        assert_eq!(p.frames.len(), 2);
        assert_eq!(p.frames[0].result, CaseResult::Rendered("x\ny z".into()));
        assert_eq!(p.frames[1].result, CaseResult::Panicked("oops".into()));
        assert_eq!(p.program_output, "hello\nmid");
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
