//! Applying a mutant: one exact, unambiguous text edit of the solution.
//!
//! The edit is textual on purpose. An author writes the mistake as the
//! learner would type it, and a solution that changes under a catalogue
//! makes the edit fail loudly instead of silently mutating something else.

use super::catalogue::Mutant;

/// Why a mutant's edit cannot be made on the solution as it is now.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApplyError {
    #[error("its `replace` text is not in {solution}; copy it exactly from there (spaces and line breaks count)")]
    NotFound { solution: String },
    #[error("its `replace` text appears {count} times in {solution}; add `occurrence = N` (1 to {count}) to say which, or quote more of the line")]
    Ambiguous { solution: String, count: usize },
    #[error("`occurrence = {wanted}`, but its `replace` text appears only {count} time(s) in {solution}")]
    NoSuchOccurrence {
        solution: String,
        wanted: usize,
        count: usize,
    },
}

/// `source` (the solution shown as `solution`) with `mutant`'s edit made.
pub fn apply(source: &str, solution: &str, mutant: &Mutant) -> Result<String, ApplyError> {
    let starts: Vec<usize> = source
        .match_indices(mutant.replace.as_str())
        .map(|(at, _)| at)
        .collect();
    let solution = solution.to_string();
    let at = match (mutant.occurrence, starts.len()) {
        (_, 0) => return Err(ApplyError::NotFound { solution }),
        (None, 1) => starts[0],
        (None, count) => return Err(ApplyError::Ambiguous { solution, count }),
        (Some(wanted), count) => match starts.get(wanted.wrapping_sub(1)) {
            Some(&at) => at,
            None => {
                return Err(ApplyError::NoSuchOccurrence {
                    solution,
                    wanted,
                    count,
                })
            }
        },
    };
    let end = at + mutant.replace.len();
    Ok(format!(
        "{}{}{}",
        &source[..at],
        mutant.with,
        &source[end..]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mutant(replace: &str, with: &str, occurrence: Option<usize>) -> Mutant {
        Mutant {
            reason: "a mistake".into(),
            replace: replace.into(),
            with: with.into(),
            occurrence,
            equivalent: None,
        }
    }

    const SOURCE: &str = "fn f(a: u64) -> u64 {\n    a + 1 + a\n}\n";

    #[test]
    fn a_unique_text_is_replaced_once_and_nothing_else_moves() {
        let out = apply(SOURCE, "s.rs", &mutant("+ 1", "- 1", None)).unwrap();
        assert_eq!(out, "fn f(a: u64) -> u64 {\n    a - 1 + a\n}\n");
    }

    #[test]
    fn an_occurrence_picks_one_of_several_counting_from_one() {
        let out = apply(SOURCE, "s.rs", &mutant("a", "b", Some(2))).unwrap();
        assert_eq!(out, "fn f(a: u64) -> u64 {\n    b + 1 + a\n}\n");
        let multi_line = apply(SOURCE, "s.rs", &mutant("{\n    a", "{\n    0", None)).unwrap();
        assert_eq!(multi_line, "fn f(a: u64) -> u64 {\n    0 + 1 + a\n}\n");
    }

    #[test]
    fn missing_ambiguous_and_out_of_range_texts_are_refused() {
        assert_eq!(
            apply(SOURCE, "s.rs", &mutant("a * 2", "a", None)),
            Err(ApplyError::NotFound {
                solution: "s.rs".into()
            })
        );
        let ambiguous = apply(SOURCE, "s.rs", &mutant("a", "b", None)).unwrap_err();
        assert_eq!(
            ambiguous.to_string(),
            "its `replace` text appears 3 times in s.rs; add `occurrence = N` (1 to 3) to say which, or quote more of the line"
        );
        assert_eq!(
            apply(SOURCE, "s.rs", &mutant("+", "-", Some(3))),
            Err(ApplyError::NoSuchOccurrence {
                solution: "s.rs".into(),
                wanted: 3,
                count: 2
            })
        );
    }
}
