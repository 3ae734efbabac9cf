//! One encoding of a run's [`Output`] for crossing a process boundary:
//! `memlings py --heap yours` runs the learner's heap in a binary of its
//! own, which writes its `Output` with [`encode`], and the runner reads it
//! back with [`decode`]. Both sides use this module, so they cannot drift.
//!
//! Each field is `<key> <bytes>\n<text>\n`: the byte length makes a field
//! unambiguous whatever its text holds. Fields that are `None` are left out.

use std::collections::HashMap;

use crate::{ErrorKind, Output, PyError};

/// `output` as bytes that [`decode`] reads back.
pub fn encode(output: &Output) -> Vec<u8> {
    let mut out = Vec::new();
    let mut field = |key: &str, text: &str| {
        out.extend_from_slice(format!("{key} {}\n", text.len()).as_bytes());
        out.extend_from_slice(text.as_bytes());
        out.push(b'\n');
    };
    field("stdout", &output.stdout);
    field("stderr", &output.stderr);
    if let Some(trace) = &output.trace {
        field("trace", trace);
    }
    if let Some(dot) = &output.dot {
        field("dot", dot);
    }
    if let Some(err) = &output.error {
        field("err.path", &err.path);
        if let Some(line) = err.line {
            field("err.line", &line.to_string());
        }
        let (kind, a, b) = match &err.kind {
            ErrorKind::Syntax { exception, message } => {
                ("syntax", exception.clone(), Some(message))
            }
            ErrorKind::Unsupported { what, hint } => ("unsupported", what.clone(), hint.as_ref()),
            ErrorKind::Raised { exception, message } => {
                ("raised", exception.clone(), Some(message))
            }
            ErrorKind::StepLimit { limit } => ("steplimit", limit.to_string(), None),
            ErrorKind::Internal(message) => ("internal", message.clone(), None),
        };
        field("err.kind", kind);
        field("err.a", &a);
        if let Some(b) = b {
            field("err.b", b);
        }
    }
    out
}

/// Reads what [`encode`] wrote; `None` if it is cut off or malformed.
pub fn decode(text: &str) -> Option<Output> {
    let mut fields = HashMap::new();
    let mut rest = text;
    while !rest.is_empty() {
        let (header, after) = rest.split_once('\n')?;
        let (key, len) = header.split_once(' ')?;
        let len: usize = len.parse().ok()?;
        let value = after.get(..len)?;
        fields.insert(key.to_string(), value.to_string());
        rest = after.get(len..)?.strip_prefix('\n')?;
    }
    let take = |key: &str| fields.get(key).cloned();
    let error = match take("err.kind") {
        None => None,
        Some(kind) => {
            let a = take("err.a")?;
            let b = take("err.b");
            let kind = match kind.as_str() {
                "syntax" => ErrorKind::Syntax {
                    exception: a,
                    message: b?,
                },
                "unsupported" => ErrorKind::Unsupported { what: a, hint: b },
                "raised" => ErrorKind::Raised {
                    exception: a,
                    message: b?,
                },
                "steplimit" => ErrorKind::StepLimit {
                    limit: a.parse().ok()?,
                },
                "internal" => ErrorKind::Internal(a),
                _ => return None,
            };
            let line = match take("err.line") {
                Some(line) => Some(line.parse().ok()?),
                None => None,
            };
            Some(PyError {
                path: take("err.path")?,
                line,
                kind,
            })
        }
    };
    Some(Output {
        stdout: take("stdout")?,
        stderr: take("stderr")?,
        trace: take("trace"),
        dot: take("dot"),
        error,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(output: Output) {
        let bytes = encode(&output);
        let back = decode(std::str::from_utf8(&bytes).unwrap()).expect("reads back");
        assert_eq!(format!("{back:?}"), format!("{output:?}"));
    }

    #[test]
    fn every_kind_of_output_reads_back_as_it_was_written() {
        let with_error = |kind, line| Output {
            stdout: "1\n\n2 ü\n".into(),
            stderr: "Exception ignored in: <x>\n".into(),
            trace: Some("a\nb".into()),
            dot: Some("digraph {}\n".into()),
            error: Some(PyError {
                path: "dir with space/x.py".into(),
                line,
                kind,
            }),
        };
        round_trip(Output::default());
        round_trip(with_error(
            ErrorKind::Syntax {
                exception: "IndentationError".into(),
                message: "expected an indented block\nafter 'if'".into(),
            },
            Some(3),
        ));
        round_trip(with_error(
            ErrorKind::Unsupported {
                what: "while loops".into(),
                hint: None,
            },
            None,
        ));
        round_trip(with_error(
            ErrorKind::Unsupported {
                what: "lambda".into(),
                hint: Some("use def".into()),
            },
            Some(1),
        ));
        round_trip(with_error(
            ErrorKind::Raised {
                exception: "NameError".into(),
                message: String::new(),
            },
            Some(9),
        ));
        round_trip(with_error(ErrorKind::StepLimit { limit: 10_000 }, None));
        round_trip(with_error(
            ErrorKind::Internal("stdout 5\nfake".into()),
            None,
        ));
    }

    #[test]
    fn a_cut_off_or_unknown_field_is_refused() {
        let bytes = encode(&Output {
            stdout: "hello\n".into(),
            ..Output::default()
        });
        let text = std::str::from_utf8(&bytes).unwrap();
        assert!(decode(&text[..text.len() - 3]).is_none());
        assert!(decode("stdout 99\nshort\n").is_none());
        assert!(
            decode("stdout 1\nx\nstderr 0\n\nerr.kind 4\nnope\nerr.a 0\n\nerr.path 0\n\n")
                .is_none()
        );
    }
}
