//! `memlings verify`: the authors' and CI's proof that the workbook is whole.
//! Every solution passes its check, every untouched exercise compiles and
//! fails it, every registry entry has its files, hint, book section and
//! snapshots, the starting code kept for `reset` is the exercises' own, and
//! nothing is left over that the registry does not name, and each heap the
//! registry declares is the type it says. With
//! `--update-pristine` it first records the starting code and writes the
//! manifests' `[[bin]]` lists from the registry (see `manifest`). With
//! `--mutants` it runs the mutant catalogues instead (see `mutants`).

use std::collections::BTreeSet;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;
use colored::Colorize;

mod heaps;
mod manifest;
pub mod mutants;

use crate::check::compile::SourceTree;
use crate::check::{render, CaseOutcome, Report, Verdict};
use crate::registry::Exercise;
use crate::workbook::Workbook;
use crate::{pristine, progress, snapshot, workspace};

pub fn run(session: &Workbook, update_pristine: bool) -> Result<ExitCode> {
    let mut problems = Vec::new();
    if update_pristine {
        refuse_solved_starters(session)?;
        report_recorded(&pristine::record(&session.ws, &session.registry)?);
        for tree in manifest::TREES {
            if manifest::update(&session.ws.root, tree, &session.registry)? {
                println!("Wrote the [[bin]] list of {tree}/Cargo.toml from the registry");
            }
        }
    }
    for ex in &session.registry.exercises {
        structure(session, ex, &mut problems);
    }
    manifests(session, &mut problems);
    orphans(session, &mut problems);
    problems.extend(
        pristine::drift(&session.ws, &session.registry)
            .iter()
            .map(ToString::to_string),
    );

    // Only exercises whose files are all there can be compiled.
    let complete: Vec<&Exercise> = session
        .registry
        .exercises
        .iter()
        .filter(|ex| {
            session.ws.exercise_file(ex).is_file()
                && session.ws.pristine_file(ex).is_file()
                && session.ws.solution_file(ex).is_file()
                && session.ws.check_file(ex).is_file()
        })
        .collect();
    let bar = progress::bar(2 * complete.len() as u64, "verifying");
    let solutions = session
        .checker(SourceTree::solutions(&session.ws))
        .check_many(&complete, |_| bar.inc(1))?;
    // The untouched exercise is the starting code that reset restores and
    // the tests start from; the drift check above ties it to exercises/.
    let starters = session
        .checker(SourceTree {
            label: "pristine".into(),
            dir: session.ws.pristine_dir(),
        })
        .check_many(&complete, |_| bar.inc(1))?;
    bar.finish_and_clear();

    problems.extend(heaps::problems(session)?);
    for (ex, report) in complete.iter().zip(&solutions) {
        solution_passes(ex, report, &mut problems);
    }
    for (ex, report) in complete.iter().zip(&starters) {
        if report.verdict != Verdict::Failed {
            problems.push(format!(
                "{}: the untouched exercise must compile and fail its check, but: {}",
                ex.exercise_rel(),
                strip(&render::headline(report))
            ));
        }
    }

    let total = session.registry.exercises.len();
    if problems.is_empty() {
        println!(
            "{} {total} exercises verified: solutions pass, starters fail, the starting code is recorded, every file, hint, book section and snapshot is in place, every declared heap compiles.",
            "✓".green().bold()
        );
        Ok(ExitCode::SUCCESS)
    } else {
        println!(
            "{} {} problem(s) in {total} exercises:",
            "✗".red().bold(),
            problems.len()
        );
        for problem in &problems {
            println!("  - {problem}");
        }
        Ok(ExitCode::FAILURE)
    }
}

/// Recording is for authors: in a learner's clone it would make their work
/// the code that `reset` restores. A starting file that would change must
/// compile and fail its check, as every starter does; else nothing is
/// recorded.
fn refuse_solved_starters(session: &Workbook) -> Result<()> {
    let changed: BTreeSet<String> = pristine::drift(&session.ws, &session.registry)
        .iter()
        .filter_map(|drift| drift.exercise().map(str::to_string))
        .collect();
    let to_record: Vec<&Exercise> = session
        .registry
        .exercises
        .iter()
        .filter(|ex| changed.contains(&ex.exercise_rel()))
        .collect();
    if to_record.is_empty() {
        return Ok(());
    }
    let reports = session.learner_checker().check_many(&to_record, |_| {})?;
    let refused: Vec<String> = to_record
        .iter()
        .zip(&reports)
        .filter(|(_, report)| report.verdict != Verdict::Failed)
        .map(|(ex, report)| {
            format!(
                "{} ({})",
                ex.exercise_rel(),
                strip(&render::headline(report))
            )
        })
        .collect();
    if refused.is_empty() {
        return Ok(());
    }
    Err(crate::error::UserError::Other(format!(
        "nothing recorded: a starting file must compile and fail its check, but {}; \
         is this a learner's clone? `memlings reset NAME` restores a starter instead",
        refused.join("; ")
    ))
    .into())
}

fn structure(session: &Workbook, ex: &Exercise, problems: &mut Vec<String>) {
    let ws = &session.ws;
    for (what, rel) in [
        ("exercise", ex.exercise_rel()),
        ("solution", ex.solution_rel()),
        ("check", ex.check_rel()),
        ("mutant catalogue", ex.mutants_rel()),
    ] {
        if !ws.root.join(&rel).is_file() {
            problems.push(format!("`{}`: its {what} file {rel} is missing", ex.name));
        }
    }
    let (page, anchor) = ex.book_page();
    let page_path = ws.book_src().join(page);
    match std::fs::read_to_string(&page_path) {
        Err(_) => problems.push(format!(
            "`{}`: its book section book/src/{page} does not exist",
            ex.name
        )),
        Ok(text) => {
            if let Some(anchor) = anchor {
                if !heading_ids(&text).contains(anchor) {
                    problems.push(format!(
                        "`{}`: book/src/{page} has no heading with the id `#{anchor}`",
                        ex.name
                    ));
                }
            }
        }
    }
    if snapshot::files(&ws.snapshot_dir(ex))
        .iter()
        .all(|f| f.extension().is_none_or(|e| e != "snap"))
    {
        problems.push(format!(
            "`{}`: no snapshots in runner/snapshots/{}/; run `cargo insta test -p memlings --test snapshots --review`",
            ex.name, ex.name
        ));
    }
}

fn solution_passes(ex: &Exercise, report: &Report, problems: &mut Vec<String>) {
    if report.verdict.passed() {
        return;
    }
    let finished_cleanly = report.verdict == Verdict::Failed;
    for case in &report.cases {
        // A snapshot no case produces any more is an orphan.
        if finished_cleanly && case.actual == CaseOutcome::NotRun {
            problems.push(format!(
                "runner/snapshots/{}/{}.snap: no case of the check produces it; delete it",
                ex.name, case.name
            ));
        }
    }
    let detail = strip(&render::full(report));
    problems.push(format!(
        "{}: the solution does not pass its check:\n{}",
        ex.solution_rel(),
        indent(&detail)
    ));
}

/// exercises/Cargo.toml and solutions/Cargo.toml must name each exercise as a
/// binary, so rust-analyzer and `cargo run --bin NAME` know it.
fn manifests(session: &Workbook, problems: &mut Vec<String>) {
    for tree in manifest::TREES {
        problems.extend(manifest::problems(
            &session.ws.root,
            tree,
            &session.registry,
        ));
    }
}

fn orphans(session: &Workbook, problems: &mut Vec<String>) {
    let ws = &session.ws;
    let known: BTreeSet<String> = session
        .registry
        .exercises
        .iter()
        .flat_map(|ex| {
            [
                ex.exercise_rel(),
                ex.solution_rel(),
                ex.check_rel(),
                ex.mutants_rel(),
            ]
        })
        .chain([ws.display(&ws.harness_support())])
        .collect();
    for dir in [
        workspace::EXERCISES,
        workspace::SOLUTIONS,
        workspace::CHECKS,
    ] {
        let catalogues = if dir == workspace::CHECKS {
            files_ending(&ws.root.join(dir), ".mutants.toml")
        } else {
            Vec::new()
        };
        for file in files_ending(&ws.root.join(dir), ".rs")
            .into_iter()
            .chain(catalogues)
        {
            let rel = ws.display(&file);
            if !known.contains(&rel) {
                problems.push(format!("{rel}: not named by any exercise in the registry"));
            }
        }
    }
    for entry in std::fs::read_dir(ws.snapshots_root())
        .into_iter()
        .flatten()
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().to_string();
        if session.registry.index_of(&name).is_none() {
            problems.push(format!(
                "runner/snapshots/{name}: not named by any exercise in the registry"
            ));
            continue;
        }
        for file in snapshot::files(&entry.path()) {
            if file
                .extension()
                .is_some_and(|e| e == "new" || e == "pending-snap")
            {
                problems.push(format!(
                    "{}: a snapshot waiting for review; run `cargo insta review`",
                    ws.display(&file)
                ));
            }
        }
    }
}

fn report_recorded(recorded: &pristine::Recorded) {
    if recorded.written.is_empty() && recorded.removed.is_empty() {
        println!(
            "The starting code in {}/ already matches exercises/.",
            pristine::DIR
        );
    }
    for file in &recorded.written {
        println!("Recorded {file}");
    }
    for file in &recorded.removed {
        println!("Removed {file}, which no exercise owns");
    }
}

fn files_ending(dir: &Path, suffix: &str) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                if path.file_name().is_some_and(|n| n != "target") {
                    stack.push(path);
                }
            } else if path.to_string_lossy().ends_with(suffix) {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// The ids mdBook gives headings: lowercase, spaces to dashes, other
/// punctuation dropped; repeated ids get `-1`, `-2`, ...
fn heading_ids(markdown: &str) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    let mut in_code = false;
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
        }
        if in_code || !line.starts_with('#') {
            continue;
        }
        let text = line.trim_start_matches('#').trim();
        let mut id: String = text
            .chars()
            .filter_map(|c| {
                if c.is_alphanumeric() || c == '_' || c == '-' {
                    Some(c.to_ascii_lowercase())
                } else if c.is_whitespace() {
                    Some('-')
                } else {
                    None
                }
            })
            .collect();
        if ids.contains(&id) {
            let base = id.clone();
            id = (1..)
                .map(|n| format!("{base}-{n}"))
                .find(|c| !ids.contains(c))
                .unwrap();
        }
        ids.insert(id);
    }
    ids
}

fn strip(text: &str) -> String {
    // Problems are listed plainly; the verdict's own colors would clash.
    crate::term::strip_ansi(text).trim_end().to_string()
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("      {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heading_ids_follow_mdbook() {
        let ids = heading_ids(
            "# KiB vs. kB: two units\n```\n# not a heading\n```\n## Try it\n## Try it\n",
        );
        assert!(ids.contains("kib-vs-kb-two-units"), "{ids:?}");
        assert!(ids.contains("try-it") && ids.contains("try-it-1"));
        assert!(!ids.contains("not-a-heading"));
    }
}
