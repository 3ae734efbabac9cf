//! Markdown: a summary for the instructor. The class average, then per
//! exercise how many passed, its average and the most common failure,
//! then a row per student, then what was wrong with submissions and what
//! in them was ignored.

use crate::grade::score::{round2, summarize};
use crate::grade::Class;

pub fn render(class: &Class) -> String {
    let summary = summarize(class);
    let n = summary.students;
    let max = summary.max_score;
    let mut out = String::from("# Grades\n\n");
    out.push_str(&format!(
        "{n} {}, {} {} (maximum score {max}). Class average: {} / {max} ({}%).\n\n",
        if n == 1 { "student" } else { "students" },
        class.exercises.len(),
        if class.exercises.len() == 1 {
            "exercise"
        } else {
            "exercises"
        },
        round2(summary.average_score),
        percent(summary.average_score, f64::from(max)),
    ));
    out.push_str(if class.namespaces {
        "Not sealed: the learner's code ran in the runner's sandbox (Linux namespaces, the checkout read-only), without hidden cases (see docs/grading.md).\n\n"
    } else {
        "Not sealed: the learner's code ran without namespaces (the checkout was not read-only to it) and without hidden cases (see docs/grading.md).\n\n"
    });
    out.push_str("## Exercises\n\n| exercise | weight | passed | average | most common failure |\n|---|---:|---:|---:|---|\n");
    for ex in &summary.exercises {
        let failure = match ex.most_common_failure {
            Some((kind, count)) => format!("{} ({count})", kind.words()),
            None => "none".to_string(),
        };
        out.push_str(&format!(
            "| {} | {} | {}/{n} | {} | {failure} |\n",
            cell(&ex.name),
            ex.weight,
            ex.passed,
            round2(ex.average),
        ));
    }
    out.push_str("\n## Students\n\n| student | score |");
    for ex in &class.exercises {
        out.push_str(&format!(" {} |", cell(&ex.name)));
    }
    out.push_str("\n|---|---:|");
    out.push_str(&"---|".repeat(class.exercises.len()));
    out.push('\n');
    for student in &class.students {
        out.push_str(&format!(
            "| {} | {}/{} |",
            cell(&student.name),
            student.score(),
            student.max_score()
        ));
        for result in &student.results {
            match &result.reason {
                None => out.push_str(" ✓ |"),
                Some(reason) => out.push_str(&format!(" ✗ {} |", reason.kind.words())),
            }
        }
        out.push('\n');
    }
    let notes: Vec<String> = class
        .students
        .iter()
        .filter_map(|student| {
            let mut lines: Vec<String> = student.problems.clone();
            if !student.ignored.is_empty() {
                lines.push(format!("ignored: {}", student.ignored.join(", ")));
            }
            if !lines.is_empty() {
                Some(format!(
                    "- **{}**: {}",
                    cell(&student.name),
                    cell(&lines.join("; "))
                ))
            } else {
                None
            }
        })
        .collect();
    if !notes.is_empty() {
        out.push_str("\n## Submissions\n\n");
        for note in notes {
            out.push_str(&note);
            out.push('\n');
        }
    }
    out
}

fn percent(part: f64, whole: f64) -> f64 {
    if whole == 0.0 {
        0.0
    } else {
        (part / whole * 100.0).round()
    }
}

/// Text that stays in its table cell: pipes escaped, one line.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\n', '\r'], " ")
}
