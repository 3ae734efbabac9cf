//! The class's numbers: per exercise, how many passed, the average score
//! and the most common reason for failing; for the class, the average.

use std::collections::BTreeMap;

use super::{Class, Kind};

#[derive(Debug, Clone, PartialEq)]
pub struct ExerciseSummary {
    pub name: String,
    pub weight: u32,
    pub passed: usize,
    /// Mean score over the students.
    pub average: f64,
    /// The kind of failure most students had, with how many (ties go to
    /// the kind listed first in [`Kind::ALL`]).
    pub most_common_failure: Option<(Kind, usize)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub students: usize,
    pub max_score: u32,
    pub average_score: f64,
    pub exercises: Vec<ExerciseSummary>,
}

pub fn summarize(class: &Class) -> Summary {
    let n = class.students.len();
    let mean = |total: f64| if n == 0 { 0.0 } else { total / n as f64 };
    let exercises = class
        .exercises
        .iter()
        .enumerate()
        .map(|(i, ex)| {
            let results = class.students.iter().map(|s| &s.results[i]);
            let passed = results.clone().filter(|r| r.passed).count();
            let total: u32 = results.clone().map(|r| r.score).sum();
            let mut kinds: BTreeMap<Kind, usize> = BTreeMap::new();
            for reason in results.filter_map(|r| r.reason.as_ref()) {
                *kinds.entry(reason.kind).or_default() += 1;
            }
            let most_common_failure = Kind::ALL
                .iter()
                .filter_map(|k| kinds.get(k).map(|&count| (*k, count)))
                .fold(None, |best: Option<(Kind, usize)>, (k, count)| match best {
                    Some((_, most)) if most >= count => best,
                    _ => Some((k, count)),
                });
            ExerciseSummary {
                name: ex.name.clone(),
                weight: ex.weight,
                passed,
                average: mean(f64::from(total)),
                most_common_failure,
            }
        })
        .collect();
    let total: u32 = class.students.iter().map(|s| s.score()).sum();
    Summary {
        students: n,
        max_score: class.max_score(),
        average_score: mean(f64::from(total)),
        exercises,
    }
}

/// Rounds for display and for JSON: two decimals are enough for averages
/// of whole points, and keep the output the same on every machine.
pub fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}
