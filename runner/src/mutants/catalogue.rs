//! Reading a mutant catalogue: `runner/checks/<chapter>/<name>.mutants.toml`,
//! one `[[mutant]]` table per realistic mistake.
//!
//! ```toml
//! [[mutant]]
//! reason = "rounds bits down: 9 bits become 1 byte"
//! replace = "bits.div_ceil(8)"
//! with = "bits / 8"
//! # occurrence = 2        when the text appears more than once (1-based)
//! # equivalent = "why no caller can tell the difference"
//! ```
//!
//! Only the file's own rules are checked here; whether its texts are in the
//! solution is [`super::apply`]'s job, and whether they compile and are
//! caught is [`super::run`]'s.

use serde::Deserialize;

/// One realistic mistake, as a small edit of the reference solution.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mutant {
    /// The mistake in the learner's terms, on one line.
    pub reason: String,
    /// Exact text of the solution to change.
    pub replace: String,
    /// What the mistake puts in its place.
    pub with: String,
    /// Which appearance of `replace` to change, from 1, when there are
    /// several; without it the text must appear exactly once.
    pub occurrence: Option<usize>,
    /// Why no check could ever see this change. Such a mutant is still run,
    /// and reported, but not counted in the score.
    pub equivalent: Option<String>,
}

impl Mutant {
    pub fn counts(&self) -> bool {
        self.equivalent.is_none()
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    mutant: Vec<Mutant>,
}

/// A catalogue that cannot be used as written: one line naming the file,
/// the mutant (numbered from 1, as authors count the tables) and the fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}{}: {what}", match .mutant { Some(n) => format!(", mutant {n}"), None => String::new() })]
pub struct CatalogueError {
    pub file: String,
    pub mutant: Option<usize>,
    pub what: String,
}

/// The mutants of the catalogue `text`, read from the file shown as `file`.
pub fn parse(file: &str, text: &str) -> Result<Vec<Mutant>, CatalogueError> {
    let error = |mutant: Option<usize>, what: String| CatalogueError {
        file: file.to_string(),
        mutant,
        what,
    };
    let parsed: File = toml::from_str(text).map_err(|e| {
        let line = e
            .span()
            .map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1);
        let what = format!("not a mutant catalogue: {}", e.message().trim());
        CatalogueError {
            file: match line {
                Some(line) => format!("{file}:{line}"),
                None => file.to_string(),
            },
            mutant: None,
            what,
        }
    })?;
    for (i, mutant) in parsed.mutant.iter().enumerate() {
        let number = Some(i + 1);
        if mutant.reason.trim().is_empty() || mutant.reason.contains('\n') {
            return Err(error(
                number,
                "`reason` must be one line: the mistake, as the learner would make it".into(),
            ));
        }
        if mutant.replace.is_empty() {
            return Err(error(
                number,
                "`replace` is empty; copy the text to change from the solution".into(),
            ));
        }
        if mutant.replace == mutant.with {
            return Err(error(
                number,
                "`with` is the same as `replace`, so nothing would change".into(),
            ));
        }
        if mutant.occurrence == Some(0) {
            return Err(error(
                number,
                "`occurrence` counts from 1 (the first appearance)".into(),
            ));
        }
        if mutant
            .equivalent
            .as_deref()
            .is_some_and(|why| why.trim().is_empty())
        {
            return Err(error(
                number,
                "`equivalent` must say why no check can see the change".into(),
            ));
        }
        if let Some(first) = parsed.mutant[..i].iter().position(|m| {
            m.replace == mutant.replace
                && m.with == mutant.with
                && m.occurrence == mutant.occurrence
        }) {
            return Err(error(
                number,
                format!("the same edit as mutant {}; delete one", first + 1),
            ));
        }
    }
    Ok(parsed.mutant)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "runner/checks/01_a/one.mutants.toml";

    #[test]
    fn a_catalogue_reads_as_its_tables() {
        let text = r#"
[[mutant]]
reason = "rounds down"
replace = "div_ceil(8)"
with = "div_euclid(8)"

[[mutant]]
reason = "checks the wrong bound"
replace = "<="
with = "<"
occurrence = 2
equivalent = "both bounds are never reached"
"#;
        let mutants = parse(FILE, text).unwrap();
        assert_eq!(mutants.len(), 2);
        assert_eq!(mutants[0].with, "div_euclid(8)");
        assert!(mutants[0].counts());
        assert_eq!(mutants[1].occurrence, Some(2));
        assert!(!mutants[1].counts());
    }

    #[test]
    fn mistakes_in_a_catalogue_name_the_file_the_mutant_and_the_fix() {
        let one = |body: &str| {
            parse(FILE, &format!("[[mutant]]\n{body}\n"))
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            one("reason = \"r\"\nreplace = \"a\"\nwith = \"a\""),
            "runner/checks/01_a/one.mutants.toml, mutant 1: `with` is the same as `replace`, so nothing would change"
        );
        assert_eq!(
            one("reason = \"\"\"two\nlines\"\"\"\nreplace = \"a\"\nwith = \"b\""),
            "runner/checks/01_a/one.mutants.toml, mutant 1: `reason` must be one line: the mistake, as the learner would make it"
        );
        assert_eq!(
            one("reason = \"r\"\nreplace = \"a\"\nwith = \"b\"\noccurrence = 0"),
            "runner/checks/01_a/one.mutants.toml, mutant 1: `occurrence` counts from 1 (the first appearance)"
        );
        let unknown = one("reason = \"r\"\nreplace = \"a\"\nwith = \"b\"\nwhy = \"x\"");
        assert!(
            unknown.starts_with("runner/checks/01_a/one.mutants.toml:5: not a mutant catalogue: unknown field `why`"),
            "{unknown}"
        );
        let missing = one("reason = \"r\"\nreplace = \"a\"");
        assert!(missing.contains("missing field `with`"), "{missing}");
        assert!(!missing.contains('\n'), "one line: {missing}");
    }

    #[test]
    fn the_same_edit_twice_is_named() {
        let table = "[[mutant]]\nreason = \"r\"\nreplace = \"a\"\nwith = \"b\"\n";
        let err = parse(FILE, &format!("{table}{table}")).unwrap_err();
        assert_eq!(err.mutant, Some(2));
        assert_eq!(err.what, "the same edit as mutant 1; delete one");
    }
}
