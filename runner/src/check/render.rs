//! How a report looks in the terminal: a verdict line, then for each case
//! that went wrong a diff of the accepted snapshot against the learner's
//! rendering, then anything the exercise printed.

use colored::Colorize;
use similar::{ChangeTag, TextDiff};

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
        Verdict::Crashed(why) => format!("{} {name} crashed: {why}", "✗".red().bold()),
        Verdict::MissingSnapshot(case) => format!(
            "{} {name}: case `{case}` has no accepted snapshot (an authoring bug: run `cargo insta test -p memlings --test snapshots --review`)",
            "✗".red().bold()
        ),
    }
}

/// The full report: headline, then details of what went wrong.
pub fn full(report: &Report) -> String {
    let mut out = headline(report);
    out.push('\n');
    if let Verdict::CompileError(text) = &report.verdict {
        out.push('\n');
        out.push_str(text.trim_end());
        out.push('\n');
        return out;
    }
    let interrupted = matches!(
        report.verdict,
        Verdict::TimedOut(_) | Verdict::OutputCapped(_) | Verdict::Crashed(_)
    );
    for case in &report.cases {
        match &case.actual {
            CaseOutcome::Matches => {}
            CaseOutcome::NotRun if interrupted => {
                out.push_str(&format!("\n{} case `{}` did not report\n", "•".yellow(), case.name));
            }
            CaseOutcome::NotRun => {
                out.push_str(&format!("\n{} case `{}` did not run\n", "•".yellow(), case.name));
            }
            CaseOutcome::Panicked(msg) => {
                out.push_str(&format!(
                    "\n{} case `{}` panicked: {}\n",
                    "•".yellow(),
                    case.name,
                    msg.trim_end()
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
                out.push_str(&diff(case.expected.as_deref().unwrap_or(""), actual));
            }
        }
    }
    if !report.program_output.trim().is_empty() {
        out.push_str(&format!("\n{}\n", "Your code printed:".dimmed()));
        for line in report.program_output.lines().take(40) {
            out.push_str(&format!("  {line}\n"));
        }
        let more = report.program_output.lines().count().saturating_sub(40);
        if more > 0 {
            out.push_str(&format!("  ... and {more} more lines\n"));
        }
    }
    out
}

/// A line diff: unchanged lines dimmed, removed (expected) red, added (the
/// learner's) green, each marked so it reads without color too.
pub fn diff(expected: &str, actual: &str) -> String {
    let mut out = String::new();
    let diff = TextDiff::from_lines(expected, actual);
    for change in diff.iter_all_changes() {
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
    if bytes >= 1 << 20 && bytes % (1 << 20) == 0 {
        format!("{} MiB", bytes >> 20)
    } else if bytes >= 1 << 10 && bytes % (1 << 10) == 0 {
        format!("{} KiB", bytes >> 10)
    } else {
        format!("{bytes} bytes")
    }
}
