//! Everything that can stop a program, each rendered as one line that names
//! the file and the line, so a learner knows where to look.

use std::fmt;

/// Why a program stopped early.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorKind {
    /// The source is not valid Python (CPython would refuse it too):
    /// `exception` is SyntaxError, IndentationError or TabError.
    Syntax { exception: String, message: String },
    /// Valid Python, but outside the subset: `what` names the construct,
    /// e.g. "while loops"; `hint` says what to do instead.
    Unsupported { what: String, hint: Option<String> },
    /// A Python exception the program raised and did not catch, as CPython
    /// names it (`NameError`, `TypeError`, ...).
    Raised { exception: String, message: String },
    /// The step limit ran out.
    StepLimit { limit: u64 },
    /// A bug in the interpreter or the heap (a panic), reported instead
    /// of crashing.
    Internal(String),
}

/// An error with its place in the program. `path` is filled in when the
/// error leaves the interpreter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PyError {
    pub path: String,
    /// 1-based; `None` when the error is about the whole file.
    pub line: Option<u32>,
    pub kind: ErrorKind,
}

impl PyError {
    pub fn syntax(line: u32, message: impl Into<String>) -> PyError {
        PyError::syntax_named(line, "SyntaxError", message)
    }

    pub fn syntax_named(line: u32, exception: &str, message: impl Into<String>) -> PyError {
        PyError::new(
            line,
            ErrorKind::Syntax {
                exception: exception.to_string(),
                message: message.into(),
            },
        )
    }

    /// `what` completes "... is/are outside the memlings subset", e.g.
    /// "while loops".
    pub fn unsupported(line: u32, what: impl Into<String>) -> PyError {
        PyError::new(
            line,
            ErrorKind::Unsupported {
                what: what.into(),
                hint: None,
            },
        )
    }

    pub fn unsupported_hint(
        line: u32,
        what: impl Into<String>,
        hint: impl Into<String>,
    ) -> PyError {
        PyError::new(
            line,
            ErrorKind::Unsupported {
                what: what.into(),
                hint: Some(hint.into()),
            },
        )
    }

    pub fn raised(line: u32, exception: &str, message: impl Into<String>) -> PyError {
        PyError::new(
            line,
            ErrorKind::Raised {
                exception: exception.to_string(),
                message: message.into(),
            },
        )
    }

    fn new(line: u32, kind: ErrorKind) -> PyError {
        PyError {
            path: String::new(),
            line: (line > 0).then_some(line),
            kind,
        }
    }

    pub fn at_path(mut self, path: &str) -> PyError {
        self.path = path.to_string();
        self
    }

    /// The runner's exit code: 1 when the program raised (as python3 exits
    /// 1), 2 when it could not run at all.
    pub fn exit_code(&self) -> u8 {
        match self.kind {
            ErrorKind::Raised { .. } => 1,
            _ => 2,
        }
    }

    /// The last line CPython prints for an uncaught exception
    /// (`NameError: name 'y' is not defined`), for `--compare`.
    pub fn exception_line(&self) -> Option<String> {
        match &self.kind {
            ErrorKind::Raised { exception, message } if message.is_empty() => {
                Some(exception.clone())
            }
            ErrorKind::Raised { exception, message } => Some(format!("{exception}: {message}")),
            _ => None,
        }
    }
}

impl fmt::Display for PyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.path)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        f.write_str(": ")?;
        match &self.kind {
            ErrorKind::Syntax { exception, message } => write!(f, "{exception}: {message}"),
            ErrorKind::Unsupported { what, hint } => {
                let singular = ["the ", "assigning ", "setting ", "dict() ", "print("]
                    .iter()
                    .any(|p| what.starts_with(p));
                let verb = if singular { "is" } else { "are" };
                write!(f, "unsupported: {what} {verb} outside the memlings subset")?;
                match hint {
                    Some(hint) => write!(f, " ({hint})"),
                    None => Ok(()),
                }
            }
            ErrorKind::Raised { .. } => f.write_str(&self.exception_line().unwrap_or_default()),
            // A heap still under construction panics on its first todo!():
            // that is the learner's next step, not a bug to report.
            ErrorKind::Internal(message) if message.contains("not yet implemented") => write!(
                f,
                "the heap is not finished ({message}); `memlings check` shows what is left, and `--heap reference` runs the program meanwhile"
            ),
            ErrorKind::Internal(message) => write!(
                f,
                "the heap panicked (a bug in the heap or in memlings, not in your program): {message}"
            ),
            ErrorKind::StepLimit { limit } => write!(
                f,
                "stopped after {} steps (a runaway loop?); raise the limit with --max-steps",
                thousands(*limit)
            ),
        }
    }
}

impl std::error::Error for PyError {}

/// `1000000` as `1,000,000`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_one_line_with_file_and_line() {
        let err = PyError::raised(3, "NameError", "name 'y' is not defined").at_path("x.py");
        assert_eq!(
            err.to_string(),
            "x.py:3: NameError: name 'y' is not defined"
        );
        let err = PyError::unsupported(5, "while loops").at_path("x.py");
        assert_eq!(
            err.to_string(),
            "x.py:5: unsupported: while loops are outside the memlings subset"
        );
        let err = PyError::unsupported(5, "the built-in sorted()").at_path("x.py");
        assert_eq!(
            err.to_string(),
            "x.py:5: unsupported: the built-in sorted() is outside the memlings subset"
        );
        let err = PyError::unsupported_hint(
            1,
            "the module os",
            "only gc, sys and weakref can be imported",
        )
        .at_path("x.py");
        assert_eq!(
            err.to_string(),
            "x.py:1: unsupported: the module os is outside the memlings subset (only gc, sys and weakref can be imported)"
        );
        assert_eq!(thousands(1_000_000), "1,000,000");
        assert_eq!(thousands(999), "999");
    }
}
