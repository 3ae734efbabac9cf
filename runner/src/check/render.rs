//! How a report looks in the terminal: a verdict line, the `todo!()`s left,
//! then for each case that went wrong a diff of the accepted snapshot
//! against the learner's rendering, then everything the exercise printed on
//! stdout and on stderr.

use colored::Colorize;
use similar::{ChangeTag, TextDiff};

use super::protocol::Panic;
use super::{CaseOutcome, Report, Verdict};

/// The one-line verdict.
pub fn headline(report: &Report) -> String {
    let name = report.exercise.bold();
    let total = report.cases.len();
    match &report.verdict {
        Verdict::Passed => format!("{} {name} passes ({total} {})", "✓".green().bold(), plural(total, "case")),
        Verdict::Failed => {
            let bad = report.cases.iter().filter(|c| c.actual != CaseOutcome::Matches).count();
            format!(
                "{} {name}: {bad} of {total} {} not match the expected output",
                "✗".red().bold(),
                if total == 1 { "case does" } else { "cases do" }
            )
        }
        Verdict::CompileError(_) => format!("{} {name} does not compile", "✗".red().bold()),
        Verdict::TimedOut(limit) => format!(
            "{} {name} did not finish within {} s; is there a loop that never ends?",
            "✗".red().bold(),
            limit.as_secs()
        ),
        Verdict::OutputCapped(bytes) => format!(
            "{} {name} printed more than {}; is there a print in a loop that never ends?",
            "✗".red().bold(),
            human_bytes(*bytes)
        ),
        Verdict::OutOfMemory(limit) => format!(
            "{} {name} crashed: it ran out of memory (the limit is {} MiB); look for a loop that keeps allocating",
            "✗".red().bold(),
            limit >> 20
        ),
        Verdict::Crashed(why) => format!("{} {name} crashed: {why}", "✗".red().bold()),
        Verdict::Refused(why) => format!("{} {name} was refused: {why}", "✗".red().bold()),
        Verdict::MissingSnapshot(case) => format!(
            "{} {name}: case `{case}` has no accepted snapshot (an authoring bug: run `cargo insta test -p memlings --test snapshots --review`)",
            "✗".red().bold()
        ),
    }
}

/// How much of a long report to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Detail {
    /// Long diffs and long output are cut, each with a note of how much
    /// more there is: for a screen that must stay readable (watch mode).
    #[default]
    Compact,
    /// Every changed line of every diff (`memlings check`).
    Everything,
}

impl Detail {
    /// Changed lines a diff shows before saying how many more there are.
    fn diff_lines(self) -> usize {
        match self {
            Detail::Compact => 24,
            Detail::Everything => usize::MAX,
        }
    }

    /// Lines of each output stream shown. Even `Everything` stops
    /// somewhere: a print in a loop can fill the 1 MiB output cap.
    fn output_lines(self) -> usize {
        match self {
            Detail::Compact => 40,
            Detail::Everything => 1000,
        }
    }
}

/// The report in compact form: headline, then details of what went wrong.
pub fn full(report: &Report) -> String {
    with_detail(report, Detail::default())
}

/// The report with as much detail as asked for.
pub fn with_detail(report: &Report, detail: Detail) -> String {
    let mut out = headline(report);
    out.push('\n');
    if let Verdict::CompileError(text) = &report.verdict {
        out.push('\n');
        out.push_str(text.trim_end());
        out.push('\n');
        return out;
    }
    if let Some(todo) = todo_summary(report) {
        out.push_str(&todo);
    }
    let interrupted = matches!(
        report.verdict,
        Verdict::TimedOut(_)
            | Verdict::OutputCapped(_)
            | Verdict::OutOfMemory(_)
            | Verdict::Crashed(_)
            | Verdict::Refused(_)
    );
    for case in &report.cases {
        match &case.actual {
            CaseOutcome::Matches => {}
            CaseOutcome::NotRun if interrupted => {
                out.push_str(&format!(
                    "\n{} case `{}` did not report\n",
                    "•".yellow(),
                    case.name
                ));
            }
            CaseOutcome::NotRun => {
                out.push_str(&format!(
                    "\n{} case `{}` did not run\n",
                    "•".yellow(),
                    case.name
                ));
            }
            CaseOutcome::Panicked(panic) => {
                out.push_str(&format!(
                    "\n{} case `{}` panicked: {}\n",
                    "•".yellow(),
                    case.name,
                    panic.to_string().trim_end()
                ));
            }
            CaseOutcome::Differs(actual) => {
                out.push_str(&format!(
                    "\n{} case `{}`: {} expected, {} your code\n",
                    "•".yellow(),
                    case.name,
                    "-".red(),
                    "+".green()
                ));
                out.push_str(&diff_capped(
                    case.expected.as_deref().unwrap_or(""),
                    &compact_todos(actual, &case.caught),
                    detail.diff_lines(),
                ));
            }
        }
    }
    for (stream, text) in [
        ("stdout", &report.program_output),
        ("stderr", &report.program_stderr),
    ] {
        out.push_str(&printed(stream, text, detail.output_lines()));
    }
    out
}

/// What the exercise wrote on one stream, each line indented, cut after
/// `max` lines with a note of how many more there were.
fn printed(stream: &str, text: &str, max: usize) -> String {
    if text.trim().is_empty() {
        return String::new();
    }
    let mut out = format!("\n{}\n", format!("Your code printed ({stream}):").dimmed());
    for line in text.lines().take(max) {
        out.push_str(&format!("  {line}\n"));
    }
    let more = text.lines().count().saturating_sub(max);
    if more > 0 {
        out.push_str(&format!("  ... {more} more {}\n", plural(more, "line")));
    }
    out
}

/// Where the exercise still says `todo!()`: every call the scan of its file
/// found, and any other the check's panics name, so a fresh exercise opens
/// with a to-do list, not a wall of red.
fn todo_summary(report: &Report) -> Option<String> {
    let mut places: Vec<(String, u32)> = report
        .todo_lines
        .iter()
        .map(|line| (report.exercise_file.clone(), *line as u32))
        .collect();
    for case in &report.cases {
        let own = match &case.actual {
            CaseOutcome::Panicked(panic) => Some(panic),
            _ => None,
        };
        let reached = case.caught.iter().chain(own).filter(|p| p.is_todo());
        places.extend(
            reached
                .filter_map(|p| p.at.clone())
                .map(|at| (at.file, at.line)),
        );
    }
    if places.is_empty() {
        return None;
    }
    places.sort();
    places.dedup();
    let mut text = String::new();
    let mut files: Vec<&str> = places.iter().map(|(file, _)| file.as_str()).collect();
    files.dedup();
    for file in files {
        let lines: Vec<String> = places
            .iter()
            .filter(|(f, _)| f == file)
            .map(|(_, line)| line.to_string())
            .collect();
        if !text.is_empty() {
            text.push_str("; ");
        }
        text.push_str(&format!(
            "{file} {} {}",
            plural(lines.len(), "line"),
            lines.join(", ")
        ));
    }
    Some(format!(
        "\n{} `todo!()` still waiting in {}\n",
        "•".yellow(),
        text.bold()
    ))
}

/// `panicked: not yet implemented: ... (at file:line)` on every line of a
/// fresh exercise says one thing many times; `todo!() at line N` says it once.
/// The case's caught panics say which of its lines those are.
fn compact_todos(text: &str, caught: &[Panic]) -> String {
    let mut out = text.to_string();
    for panic in caught.iter().filter(|p| p.is_todo()) {
        if let Some(at) = &panic.at {
            out = out.replace(
                &format!("panicked: {panic}"),
                &format!("todo!() at line {}", at.line),
            );
        }
    }
    out
}

/// A line diff: unchanged lines dimmed, removed (expected) red, added (the
/// learner's) green, each marked so it reads without color too.
pub fn diff(expected: &str, actual: &str) -> String {
    diff_capped(expected, actual, usize::MAX)
}

/// [`diff`], stopping after `max` changed lines with a note of how many more.
fn diff_capped(expected: &str, actual: &str, max: usize) -> String {
    let mut out = String::new();
    let diff = TextDiff::from_lines(expected, actual);
    let mut changed = 0;
    let total_changed = diff
        .iter_all_changes()
        .filter(|c| c.tag() != ChangeTag::Equal)
        .count();
    for change in diff.iter_all_changes() {
        if change.tag() != ChangeTag::Equal {
            changed += 1;
            if changed > max {
                let more = total_changed - max;
                out.push_str(&format!(
                    "  ... {more} more changed {}\n",
                    plural(more, "line")
                ));
                break;
            }
        }
        let line = change.value().trim_end_matches('\n');
        let shown = match change.tag() {
            ChangeTag::Equal => format!("    {line}").dimmed().to_string(),
            ChangeTag::Delete => format!("  - {line}").red().to_string(),
            ChangeTag::Insert => format!("  + {line}").green().to_string(),
        };
        out.push_str(&shown);
        out.push('\n');
    }
    out
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}

fn human_bytes(bytes: usize) -> String {
    if bytes >= 1 << 20 && bytes.is_multiple_of(1 << 20) {
        format!("{} MiB", bytes >> 20)
    } else if bytes >= 1 << 10 && bytes.is_multiple_of(1 << 10) {
        format!("{} KiB", bytes >> 10)
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(expected: &str, actual: &str, stdout: &str, stderr: &str) -> Report {
        Report {
            exercise: "demo".into(),
            verdict: Verdict::Failed,
            cases: vec![super::super::CaseReport {
                name: "rows".into(),
                expected: Some(expected.into()),
                actual: CaseOutcome::Differs(actual.into()),
                caught: vec![],
            }],
            program_output: stdout.into(),
            program_stderr: stderr.into(),
            exercise_file: "exercises/demo.rs".into(),
            todo_lines: vec![],
        }
    }

    fn numbered(prefix: &str, n: usize) -> String {
        (0..n).map(|i| format!("{prefix} {i}\n")).collect()
    }

    #[test]
    fn compact_cuts_long_diffs_and_streams_everything_keeps_the_diff_whole() {
        colored::control::set_override(false);
        let r = report(
            &numbered("want", 20),
            &numbered("got", 20),
            &numbered("out", 50),
            "",
        );
        let compact = full(&r);
        assert!(
            compact.contains("  ... 16 more changed lines\n"),
            "{compact}"
        );
        assert!(compact.contains("  ... 10 more lines\n"), "{compact}");
        let everything = with_detail(&r, Detail::Everything);
        assert!(!everything.contains("more changed line"), "{everything}");
        assert!(everything.contains("  + got 19\n"), "{everything}");
        assert!(everything.contains("  out 49\n"), "{everything}");
    }

    #[test]
    fn each_stream_has_its_label_and_an_empty_one_none() {
        colored::control::set_override(false);
        let r = report("a\n", "b\n", "", "oops\n");
        let text = full(&r);
        assert!(
            text.contains("Your code printed (stderr):\n  oops\n"),
            "{text}"
        );
        assert!(!text.contains("(stdout)"), "{text}");
        assert!(plural(1, "line") == "line" && plural(2, "line") == "lines");
    }

    #[test]
    fn scanned_todos_and_panicked_ones_are_merged_per_file() {
        colored::control::set_override(false);
        let mut r = report(
            "1\n",
            "panicked: not yet implemented (at exercises/demo.rs:7)\n",
            "",
            "",
        );
        r.cases[0].caught = vec![Panic {
            message: "not yet implemented".into(),
            at: Some(super::super::protocol::Location {
                file: "exercises/demo.rs".into(),
                line: 7,
            }),
        }];
        r.todo_lines = vec![7, 12];
        let text = full(&r);
        assert!(text.contains("  + todo!() at line 7\n"), "{text}");
        assert!(
            text.contains("`todo!()` still waiting in exercises/demo.rs lines 7, 12\n"),
            "{text}"
        );
        // The place comes from the typed panic, not from the rendered text.
        r.cases[0].caught[0].at.as_mut().unwrap().file = "exercises/other.rs".into();
        let text = full(&r);
        assert!(
            text.contains("exercises/demo.rs lines 7, 12; exercises/other.rs line 7\n"),
            "{text}"
        );
        r.todo_lines = vec![3];
        r.cases[0].caught.clear();
        r.cases[0].actual = CaseOutcome::Matches;
        assert!(full(&r).contains("exercises/demo.rs line 3\n"));
    }
}
