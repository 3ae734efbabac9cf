//! Gradescope's `results.json` for one submission: the total `score`, and
//! one test per exercise with `name`, `score`, `max_score`, `status`
//! (`passed` or `failed`) and `output` (the reason, for the student).

use serde_json::{json, Value};

use crate::grade::Student;

pub fn render(student: &Student) -> String {
    let tests: Vec<Value> = student
        .results
        .iter()
        .map(|r| {
            let output = match &r.reason {
                None => "passed".to_string(),
                Some(reason) if reason.detail.is_empty() => {
                    format!("{}: {}", reason.kind.words(), reason.summary)
                }
                Some(reason) => format!(
                    "{}: {}\n\n{}",
                    reason.kind.words(),
                    reason.summary,
                    reason.detail
                ),
            };
            json!({
                "name": r.exercise,
                "score": r.score,
                "max_score": r.max_score,
                "status": if r.passed { "passed" } else { "failed" },
                "output": output,
            })
        })
        .collect();
    let mut notes: Vec<String> = student.problems.clone();
    if !student.ignored.is_empty() {
        notes.push(format!("ignored: {}", student.ignored.join(", ")));
    }
    notes.push("memlings grade: not sealed yet (see docs/grading.md)".to_string());
    let results = json!({
        "score": student.score(),
        "output": notes.join("\n"),
        "tests": tests,
    });
    let mut text = serde_json::to_string_pretty(&results).expect("JSON values serialize");
    text.push('\n');
    text
}
