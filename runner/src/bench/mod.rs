//! `memlings bench`: allocation traces replayed on the learner's allocator
//! and on the system allocator in the same run, as the malloc lab measures
//! them (the replay itself is the `memlings-bench` crate).
//!
//! - [`traces`]: which trace files, read and validated before anything runs;
//! - [`program`]: the program that replays them on the learner's allocator,
//!   built from their file and run in the sandbox (their code is untrusted);
//! - [`table`]: the results, one row per trace, and the scores.

pub mod program;
pub mod table;
pub mod traces;

use std::time::Duration;

use memlings_bench::program::{self as replay, Outcome, Report, Who};

use traces::Loaded;

/// One trace's results.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// The trace as the user knows it.
    pub shown: String,
    pub ops: usize,
    /// `None` when there is no allocator of the learner's to run.
    pub yours: Option<Outcome>,
    pub system: Outcome,
}

/// The rows of a run without an allocator of the learner's: the system
/// allocator alone, replayed here in the runner.
pub fn system_alone(loaded: &[Loaded], budget: Duration) -> Vec<Row> {
    loaded
        .iter()
        .map(|t| Row {
            shown: t.trace.name.clone(),
            ops: t.trace.ops.len(),
            yours: None,
            system: replay::run_system(&t.trace, budget),
        })
        .collect()
}

/// The rows from the program's reports. A trace it did not report on is
/// the one it stopped on, or one after it.
pub fn rows(loaded: &[Loaded], reports: &[Report], stopped: Option<String>) -> Vec<Row> {
    let mut first_missing = true;
    loaded
        .iter()
        .enumerate()
        .map(|(index, t)| {
            let find = |who| {
                reports
                    .iter()
                    .find(|r| r.trace == index && r.who == who)
                    .map(|r| r.outcome.clone())
            };
            let mut missing = || {
                let why = match (&stopped, first_missing) {
                    (Some(why), true) => format!("the program stopped on this trace: {why}"),
                    (Some(_), false) => "the program stopped on an earlier trace".to_string(),
                    (None, _) => "the program reported nothing on it".to_string(),
                };
                first_missing = false;
                Outcome::NotRun(why)
            };
            let yours = find(Who::Yours).unwrap_or_else(&mut missing);
            Row {
                shown: t.trace.name.clone(),
                ops: t.trace.ops.len(),
                yours: Some(yours),
                // Its replay follows the learner's in the program: it only
                // failed to report because the learner's replay went wrong.
                system: find(Who::System).unwrap_or(Outcome::NotRun(String::new())),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loaded(name: &str) -> Loaded {
        Loaded {
            path: name.into(),
            trace: memlings_bench::trace::parse("a 0 8\n", name).unwrap(),
        }
    }

    #[test]
    fn a_program_that_stopped_is_blamed_on_the_first_trace_it_left() {
        let traces = [loaded("a"), loaded("b"), loaded("c")];
        let reports = [
            Report {
                trace: 0,
                who: Who::Yours,
                outcome: Outcome::Incorrect("x".into()),
            },
            Report {
                trace: 0,
                who: Who::System,
                outcome: Outcome::Incorrect("y".into()),
            },
        ];
        let rows = rows(&traces, &reports, Some("it was killed by signal 11".into()));
        let yours: Vec<Option<Outcome>> = rows.iter().map(|r| r.yours.clone()).collect();
        assert_eq!(
            yours,
            [
                Some(Outcome::Incorrect("x".into())),
                Some(Outcome::NotRun(
                    "the program stopped on this trace: it was killed by signal 11".into()
                )),
                Some(Outcome::NotRun(
                    "the program stopped on an earlier trace".into()
                )),
            ]
        );
        assert_eq!(rows[1].system, Outcome::NotRun(String::new()));
        assert_eq!(rows[0].system, Outcome::Incorrect("y".into()));
    }
}
