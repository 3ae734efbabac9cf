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
}

pub fn parse(stdout: &str, token: &str) -> Parsed {
    let mut parsed = Parsed::default();
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
        match words.as_slice() {
            ["done"] => {
                parsed.finished = true;
                rest = body_start;
            }
            ["case", name, status, len] => {
                let Ok(len) = len.parse::<usize>() else { break };
                if body_start.len() < len || !body_start.is_char_boundary(len) {
                    break; // cut off by the output cap or a kill
                }
                let body = body_start[..len].to_string();
                let result = if *status == "ok" {
                    CaseResult::Rendered(body)
                } else {
                    CaseResult::Panicked(body)
                };
                parsed.frames.push(Frame {
                    case: name.to_string(),
                    result,
                });
                // The harness ends every body with a newline of its own.
                let after_body = &body_start[len..];
                rest = after_body.strip_prefix('\n').unwrap_or(after_body);
            }
            _ => break,
        }
    }
    parsed.program_output.push_str(rest);
    parsed.program_output = parsed.program_output.trim_matches('\n').to_string();
    parsed
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
}
