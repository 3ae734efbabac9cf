//! The allocation-trace format.
//!
//! A trace is a text file with one operation per line, in the spirit of the
//! CS:APP malloc lab's traces:
//!
//! ```text
//! # a list growing by appends (CPython 3.11's list_resize sizes)
//! a 0 32        # allocate 32 bytes, called block 0 from now on
//! r 0 64        # reallocate block 0 to 64 bytes (its first 32 bytes kept)
//! f 0           # free block 0
//! ```
//!
//! - `a ID SIZE` allocates `SIZE` bytes as block `ID`; `r ID SIZE`
//!   reallocates the live block `ID` to `SIZE` bytes; `f ID` frees it.
//! - `ID` and `SIZE` are decimal integers. An ID names one block at a time:
//!   once freed it may be allocated again; a live ID may not.
//! - `#` starts a comment, to the end of the line; blank lines are ignored.
//!   There is no header: what a trace is for goes in its comments.
//! - A request is at most [`MAX_REQUEST`] bytes.
//! - Blocks still live at the end are freed by the replay, after the clock
//!   stops (a recorded program may end with objects alive).
//!
//! Every mistake is an error naming the file, the line and what was
//! expected, never a panic: a malformed line, a free or reallocation of an
//! ID that is not live (never allocated, or freed already), an allocation of
//! an ID that is live, a request above the limit.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

/// The largest request a trace may make: 16 MiB. The trait could be asked
/// for more, but the checked replay writes and reads back every byte of
/// every block, so a request costs its size; 16 MiB is the item array of a
/// list of 2 million items, more than any lesson program builds, and
/// 32,768 times pymalloc's largest small request (512 bytes).
pub const MAX_REQUEST: usize = 16 << 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Allocate,
    Reallocate,
    Free,
}

/// One operation, with where it was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Op {
    pub kind: Kind,
    /// The block's ID as the trace writes it.
    pub id: u64,
    /// A dense index for the ID (0, 1, ...), so a replay keeps its blocks in
    /// a vector instead of a map it would have to time.
    pub slot: u32,
    /// The request size (0 for a free).
    pub size: usize,
    /// The line of the trace it is on, from 1.
    pub line: u32,
}

impl fmt::Display for Op {
    /// `line 12 (a 3 40)`: how an error names the operation.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            Kind::Allocate => write!(f, "line {} (a {} {})", self.line, self.id, self.size),
            Kind::Reallocate => write!(f, "line {} (r {} {})", self.line, self.id, self.size),
            Kind::Free => write!(f, "line {} (f {})", self.line, self.id),
        }
    }
}

/// A parsed and validated trace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trace {
    /// The file as shown to the user.
    pub name: String,
    pub ops: Vec<Op>,
    /// How many distinct IDs the trace uses: the slots a replay needs.
    pub slots: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TraceError {
    #[error("{file}: cannot read it: {why}")]
    Unreadable { file: String, why: String },

    #[error("{file}:{line}: expected {expected}, found {found:?}")]
    Malformed {
        file: String,
        line: u32,
        expected: &'static str,
        found: String,
    },

    #[error("{file}:{line}: `{op}` {what} id {id}, which was never allocated")]
    NeverAllocated {
        file: String,
        line: u32,
        op: String,
        what: &'static str,
        id: u64,
    },

    #[error("{file}:{line}: `{op}` {what} id {id}, which line {freed} freed already")]
    AlreadyFreed {
        file: String,
        line: u32,
        op: String,
        what: &'static str,
        id: u64,
        freed: u32,
    },

    #[error("{file}:{line}: `{op}` allocates id {id}, which is still live (allocated at line {at}); free it first or use another id")]
    StillLive {
        file: String,
        line: u32,
        op: String,
        id: u64,
        at: u32,
    },

    #[error("{file}:{line}: `{op}` asks for {size} bytes, above the largest request a trace may make ({max} bytes, 16 MiB)")]
    TooLarge {
        file: String,
        line: u32,
        op: String,
        size: String,
        max: usize,
    },

    #[error("{file}: no operations (each line is `a ID SIZE`, `r ID SIZE`, `f ID`, a `#` comment or blank)")]
    Empty { file: String },
}

const ALLOCATE: &str = "\"a ID SIZE\"";
const REALLOCATE: &str = "\"r ID SIZE\"";
const FREE: &str = "\"f ID\"";
const ANY: &str = "an operation (\"a ID SIZE\", \"r ID SIZE\" or \"f ID\")";

/// Where an ID stands, while parsing.
#[derive(Clone, Copy)]
enum State {
    Live { at: u32 },
    Freed { at: u32 },
}

/// Reads and parses the trace at `path`, named `shown` in errors.
pub fn load(path: &Path, shown: &str) -> Result<Trace, TraceError> {
    let text = std::fs::read_to_string(path).map_err(|e| TraceError::Unreadable {
        file: shown.to_string(),
        why: match e.kind() {
            std::io::ErrorKind::NotFound => "no such file".to_string(),
            std::io::ErrorKind::InvalidData => "it is not UTF-8 text".to_string(),
            _ if path.is_dir() => "it is a directory".to_string(),
            _ => e.to_string(),
        },
    })?;
    parse(&text, shown)
}

/// Parses a trace's text; `file` names it in errors.
pub fn parse(text: &str, file: &str) -> Result<Trace, TraceError> {
    let mut ops = Vec::new();
    let mut ids: HashMap<u64, (u32, State)> = HashMap::new();
    for (index, raw) in text.lines().enumerate() {
        let line = u32::try_from(index + 1).unwrap_or(u32::MAX);
        let content = raw.split('#').next().unwrap_or("").trim();
        if content.is_empty() {
            continue;
        }
        let malformed = |expected| TraceError::Malformed {
            file: file.to_string(),
            line,
            expected,
            found: content.to_string(),
        };
        let words: Vec<&str> = content.split_whitespace().collect();
        let (kind, expected, arity) = match words[0] {
            "a" => (Kind::Allocate, ALLOCATE, 3),
            "r" => (Kind::Reallocate, REALLOCATE, 3),
            "f" => (Kind::Free, FREE, 2),
            _ => return Err(malformed(ANY)),
        };
        if words.len() != arity || !is_number(words[1]) {
            return Err(malformed(expected));
        }
        let id: u64 = words[1].parse().map_err(|_| malformed(expected))?;
        let op_text = words.join(" ");
        let size = match words.get(2) {
            None => 0,
            Some(word) if !is_number(word) => return Err(malformed(expected)),
            Some(word) => match word.parse::<usize>() {
                Ok(size) if size <= MAX_REQUEST => size,
                _ => {
                    return Err(TraceError::TooLarge {
                        file: file.to_string(),
                        line,
                        op: op_text,
                        size: word.to_string(),
                        max: MAX_REQUEST,
                    })
                }
            },
        };
        let next_slot = u32::try_from(ids.len()).unwrap_or(u32::MAX);
        let what = match kind {
            Kind::Free => "frees",
            _ => "reallocates",
        };
        let slot = match (kind, ids.get(&id).copied()) {
            (Kind::Allocate, Some((_, State::Live { at }))) => {
                return Err(TraceError::StillLive {
                    file: file.to_string(),
                    line,
                    op: op_text,
                    id,
                    at,
                })
            }
            (Kind::Allocate, Some((slot, State::Freed { .. }))) => slot,
            (Kind::Allocate, None) => next_slot,
            (_, None) => {
                return Err(TraceError::NeverAllocated {
                    file: file.to_string(),
                    line,
                    op: op_text,
                    what,
                    id,
                })
            }
            (_, Some((_, State::Freed { at }))) => {
                return Err(TraceError::AlreadyFreed {
                    file: file.to_string(),
                    line,
                    op: op_text,
                    what,
                    id,
                    freed: at,
                })
            }
            (_, Some((slot, State::Live { .. }))) => slot,
        };
        let state = match kind {
            Kind::Allocate => State::Live { at: line },
            // A reallocation keeps the block live, and the line that made it.
            Kind::Reallocate => ids[&id].1,
            Kind::Free => State::Freed { at: line },
        };
        ids.insert(id, (slot, state));
        ops.push(Op {
            kind,
            id,
            slot,
            size,
            line,
        });
    }
    if ops.is_empty() {
        return Err(TraceError::Empty {
            file: file.to_string(),
        });
    }
    Ok(Trace {
        name: file.to_string(),
        ops,
        slots: ids.len(),
    })
}

fn is_number(word: &str) -> bool {
    !word.is_empty() && word.bytes().all(|b| b.is_ascii_digit())
}

/// Writes operations in the trace format, one a line, after `header`
/// (each of its lines becomes a `#` comment): what a recorder saves.
pub fn write(header: &str, ops: impl IntoIterator<Item = (Kind, u64, usize)>) -> String {
    let mut out = String::new();
    for line in header.lines() {
        out.push_str(format!("# {line}").trim_end());
        out.push('\n');
    }
    for (kind, id, size) in ops {
        match kind {
            Kind::Allocate => out.push_str(&format!("a {id} {size}\n")),
            Kind::Reallocate => out.push_str(&format!("r {id} {size}\n")),
            Kind::Free => out.push_str(&format!("f {id}\n")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(text: &str) -> String {
        parse(text, "traces/x.trace").unwrap_err().to_string()
    }

    #[test]
    fn the_example_in_the_documentation_parses() {
        let doc: String = include_str!("trace.rs")
            .lines()
            .skip_while(|l| !l.starts_with("//! ```text"))
            .skip(1)
            .take_while(|l| !l.starts_with("//! ```"))
            .map(|l| format!("{}\n", l.trim_start_matches("//!").trim_start()))
            .collect();
        assert_eq!(parse(&doc, "doc").unwrap().ops.len(), 3, "{doc}");
    }

    #[test]
    fn operations_comments_and_blank_lines() {
        let trace = parse(
            "# growth\n\na 7 32   # the first\nr 7 64\na 3 0\nf 7\n\nf 3\na 7 16\n",
            "t",
        )
        .unwrap();
        let ops: Vec<(Kind, u64, u32, usize, u32)> = trace
            .ops
            .iter()
            .map(|op| (op.kind, op.id, op.slot, op.size, op.line))
            .collect();
        assert_eq!(
            ops,
            [
                (Kind::Allocate, 7, 0, 32, 3),
                (Kind::Reallocate, 7, 0, 64, 4),
                (Kind::Allocate, 3, 1, 0, 5),
                (Kind::Free, 7, 0, 0, 6),
                (Kind::Free, 3, 1, 0, 8),
                // A freed id may name a new block; it keeps its slot.
                (Kind::Allocate, 7, 0, 16, 9),
            ]
        );
        assert_eq!(trace.slots, 2);
        assert_eq!(trace.ops[1].to_string(), "line 4 (r 7 64)");
    }

    #[test]
    fn a_malformed_line_says_what_was_expected() {
        assert_eq!(
            error("a 1 8\n\na 3\n"),
            "traces/x.trace:3: expected \"a ID SIZE\", found \"a 3\""
        );
        assert_eq!(
            error("a 1 8\nr 1 -4\n"),
            "traces/x.trace:2: expected \"r ID SIZE\", found \"r 1 -4\""
        );
        assert_eq!(
            error("a 1 8\nf 1 8\n"),
            "traces/x.trace:2: expected \"f ID\", found \"f 1 8\""
        );
        assert_eq!(
            error("malloc 1 8\n"),
            "traces/x.trace:1: expected an operation (\"a ID SIZE\", \"r ID SIZE\" or \"f ID\"), found \"malloc 1 8\""
        );
        assert_eq!(
            error("a x 8 # named\n"),
            "traces/x.trace:1: expected \"a ID SIZE\", found \"a x 8\""
        );
    }

    #[test]
    fn freeing_what_is_not_live_names_the_first_offending_line() {
        assert_eq!(
            error("a 1 8\nf 2\nf 3\n"),
            "traces/x.trace:2: `f 2` frees id 2, which was never allocated"
        );
        assert_eq!(
            error("a 1 8\nf 1\nf 1\n"),
            "traces/x.trace:3: `f 1` frees id 1, which line 2 freed already"
        );
        assert_eq!(
            error("r 4 16\n"),
            "traces/x.trace:1: `r 4 16` reallocates id 4, which was never allocated"
        );
        assert_eq!(
            error("a 4 16\nf 4\nr 4 32\n"),
            "traces/x.trace:3: `r 4 32` reallocates id 4, which line 2 freed already"
        );
        assert_eq!(
            error("a 4 16\nr 4 32\na 4 8\n"),
            "traces/x.trace:3: `a 4 8` allocates id 4, which is still live (allocated at line 1); free it first or use another id"
        );
    }

    #[test]
    fn a_request_above_the_limit_is_refused() {
        assert!(parse(&format!("a 1 {MAX_REQUEST}\n"), "t").is_ok());
        assert_eq!(
            error(&format!("a 1 8\nr 1 {}\n", MAX_REQUEST + 1)),
            "traces/x.trace:2: `r 1 16777217` asks for 16777217 bytes, above the largest request a trace may make (16777216 bytes, 16 MiB)"
        );
        // Too large for any integer type is still only too large.
        assert_eq!(
            error("a 1 99999999999999999999999\n"),
            "traces/x.trace:1: `a 1 99999999999999999999999` asks for 99999999999999999999999 bytes, above the largest request a trace may make (16777216 bytes, 16 MiB)"
        );
    }

    #[test]
    fn an_empty_or_unreadable_trace_is_an_error() {
        assert_eq!(
            error("# only a comment\n\n"),
            "traces/x.trace: no operations (each line is `a ID SIZE`, `r ID SIZE`, `f ID`, a `#` comment or blank)"
        );
        assert_eq!(
            load(Path::new("/nonexistent/x.trace"), "x.trace")
                .unwrap_err()
                .to_string(),
            "x.trace: cannot read it: no such file"
        );
    }

    #[test]
    fn what_write_writes_parses_back() {
        let text = write(
            "recorded\nfrom x.py",
            [
                (Kind::Allocate, 0, 56),
                (Kind::Reallocate, 0, 88),
                (Kind::Free, 0, 0),
            ],
        );
        assert_eq!(text, "# recorded\n# from x.py\na 0 56\nr 0 88\nf 0\n");
        assert_eq!(parse(&text, "t").unwrap().ops.len(), 3);
    }
}
