//! JSON: everything, in the schema `docs/grade-report.schema.json`
//! describes (and `docs/grading.md` explains). A change that removes or
//! renames a field, or changes its meaning, raises [`SCHEMA_VERSION`];
//! adding a field does not.

use serde_json::{json, Value};

use crate::grade::score::{round2, summarize};
use crate::grade::Class;

pub const SCHEMA_VERSION: u32 = 1;

pub fn render(class: &Class) -> String {
    let mut text = serde_json::to_string_pretty(&value(class)).expect("JSON values serialize");
    text.push('\n');
    text
}

pub fn value(class: &Class) -> Value {
    let summary = summarize(class);
    let exercises: Vec<Value> = class
        .exercises
        .iter()
        .zip(&summary.exercises)
        .map(|(ex, sum)| {
            json!({
                "name": ex.name,
                "file": ex.file,
                "weight": ex.weight,
                "passed": sum.passed,
                "average_score": round2(sum.average),
                "most_common_failure": sum.most_common_failure.map(|(kind, count)| json!({
                    "kind": kind.code(),
                    "count": count,
                })),
            })
        })
        .collect();
    let students: Vec<Value> = class
        .students
        .iter()
        .map(|student| {
            let results: Vec<Value> = student
                .results
                .iter()
                .map(|r| {
                    json!({
                        "name": r.exercise,
                        "passed": r.passed,
                        "score": r.score,
                        "max_score": r.max_score,
                        "reason": r.reason.as_ref().map(|reason| json!({
                            "kind": reason.kind.code(),
                            "summary": reason.summary,
                            "detail": reason.detail,
                        })),
                    })
                })
                .collect();
            json!({
                "name": student.name,
                "submission": student.submission,
                "form": student.form.name(),
                "exercise_folder": student.root,
                "problems": student.problems,
                "ignored": student.ignored,
                "ignored_elsewhere": student.ignored_elsewhere,
                "score": student.score(),
                "max_score": student.max_score(),
                "exercises": results,
            })
        })
        .collect();
    json!({
        "schema_version": SCHEMA_VERSION,
        "tool": format!("memlings {}", env!("CARGO_PKG_VERSION")),
        "sealed": false,
        "namespaces": class.namespaces,
        "max_score": summary.max_score,
        "average_score": round2(summary.average_score),
        "exercises": exercises,
        "students": students,
    })
}
