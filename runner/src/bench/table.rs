//! The results of a bench as a table: per trace, each allocator's
//! correctness, utilization, throughput and score, then the overall scores.
//! Whatever went wrong on a trace is one line under its row.

use memlings_bench::program::{Measured, Outcome};
use memlings_bench::score;

use super::Row;

/// The table, and whether every replay of the learner's allocator (and the
/// system's) was correct.
pub struct Rendered {
    pub text: String,
    pub all_correct: bool,
}

/// The score of a measured outcome, against the system's throughput.
fn scored(outcome: &Outcome, system: Option<&Measured>) -> Option<f64> {
    match outcome {
        Outcome::Measured(m) => {
            let baseline = system.map_or(m.throughput(), Measured::throughput);
            Some(score::score(
                m.checked.utilization(),
                m.throughput(),
                baseline,
            ))
        }
        _ => None,
    }
}

/// Operations per second, short: `850k`, `21.4M`.
pub fn rate(per_second: f64) -> String {
    match per_second {
        r if r >= 1e9 => format!("{:.2}G", r / 1e9),
        r if r >= 1e7 => format!("{:.0}M", r / 1e6),
        r if r >= 1e6 => format!("{:.1}M", r / 1e6),
        r if r >= 1e3 => format!("{:.0}k", r / 1e3),
        r => format!("{r:.0}"),
    }
}

/// One allocator's columns: a label, then utilization, throughput, score.
fn group(label: &str, util: &str, rate: &str, score: &str) -> String {
    format!("{label:<7}{util:>5}{rate:>7}{score:>6}")
}

/// The width of [`group`].
const GROUP: usize = 25;

/// One allocator's cells on one trace, and the problem line if it was not
/// measured.
fn cells(outcome: &Outcome, system: Option<&Measured>) -> (String, Option<String>) {
    let failed = |what: &str, why: String| (format!("{what:<GROUP$}"), Some(why));
    match outcome {
        Outcome::Measured(m) => (
            group(
                "",
                &format!("{:.0}%", m.checked.utilization() * 100.0),
                &rate(m.throughput()),
                &format!("{:.0}", scored(outcome, system).unwrap_or(0.0)),
            ),
            None,
        ),
        Outcome::Incorrect(why) => failed("✗ incorrect", why.clone()),
        Outcome::Panicked(why) => failed("✗ panicked", format!("panicked: {why}")),
        Outcome::Unreadable(why) => failed("✗ unreadable", why.clone()),
        Outcome::NotRun(why) => failed("✗ not run", why.clone()),
    }
}

pub fn render(rows: &[Row]) -> Rendered {
    let with_yours = rows.iter().any(|r| r.yours.is_some());
    let name_width = rows
        .iter()
        .map(|r| r.shown.chars().count())
        .chain(["overall".len(), "trace".len()])
        .max()
        .unwrap_or(5);
    let mut text = String::new();
    let mut head = format!("{:<name_width$} {:>6}", "trace", "ops");
    if with_yours {
        head.push_str(&format!("  {}", group("yours:", "util", "ops/s", "score")));
    }
    head.push_str(&format!("  {}", group("system:", "util", "ops/s", "score")));
    if with_yours {
        head.push_str("  speed");
    }
    text.push_str(head.trim_end());
    text.push('\n');
    let mut all_correct = true;
    let (mut yours_scores, mut system_scores) = (Vec::new(), Vec::new());
    for row in rows {
        let system = match &row.system {
            Outcome::Measured(m) => Some(m),
            _ => None,
        };
        let mut line = format!("{:<name_width$} {:>6}", row.shown, row.ops);
        let mut problems = Vec::new();
        if let Some(yours) = &row.yours {
            let (cells, problem) = cells(yours, system);
            line.push_str(&format!("  {cells}"));
            yours_scores.push(scored(yours, system).unwrap_or(0.0));
            if let Some(problem) = problem {
                all_correct = false;
                problems.push(format!("  ✗ yours: {problem}"));
            }
            if let Outcome::Measured(m) = yours {
                if m.checked.peak_heap < m.checked.peak_live {
                    problems.push(format!(
                        "  ! yours: it held {} heap bytes for {} live bytes: memory from elsewhere than Rust's global allocator (std::alloc::System, a static array) is not counted, so this utilization is not real",
                        m.checked.peak_heap, m.checked.peak_live
                    ));
                }
            }
        }
        let (cells, problem) = cells(&row.system, system);
        line.push_str(&format!("  {cells}"));
        system_scores.push(scored(&row.system, system).unwrap_or(0.0));
        // The system's replay goes unreported when the learner's crashed
        // before it: that is said once, in the learner's line.
        if let Some(problem) = problem.filter(|p| !p.is_empty()) {
            all_correct = false;
            problems.push(format!("  ✗ system: {problem}"));
        }
        if let (Some(Outcome::Measured(yours)), Some(system)) = (&row.yours, system) {
            line.push_str(&format!(
                "  {:.2}x",
                yours.throughput() / system.throughput().max(f64::MIN_POSITIVE)
            ));
        }
        text.push_str(line.trim_end());
        text.push('\n');
        for problem in problems {
            text.push_str(&problem);
            text.push('\n');
        }
    }
    let summary = if with_yours {
        format!(
            "score: yours {:.0}, system {:.0} (of 100: 60 for utilization, 40 for throughput up to the system's; 0 for an incorrect trace)",
            score::overall(&yours_scores),
            score::overall(&system_scores)
        )
    } else {
        format!(
            "score: system {:.0} (of 100: 60 for utilization, 40 for throughput)",
            score::overall(&system_scores)
        )
    };
    text.push_str(&summary);
    text.push('\n');
    Rendered { text, all_correct }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use memlings_bench::program::Measured;
    use memlings_bench::replay::{Checked, Timed};

    use super::*;

    fn measured(live: usize, heap: usize, ops: usize, micros: u64) -> Outcome {
        Outcome::Measured(Measured {
            checked: Checked {
                ops,
                peak_live: live,
                peak_heap: heap,
            },
            timed: Timed {
                best: Duration::from_micros(micros),
                rounds: 10,
            },
        })
    }

    #[test]
    fn each_trace_a_row_with_the_problem_under_it() {
        let rows = [
            Row {
                shown: "lifo.trace".into(),
                ops: 96,
                // 80% utilization at half the system's speed: 48 + 20.
                yours: Some(measured(800, 1000, 96, 20)),
                // 50% at full speed: 30 + 40.
                system: measured(500, 1000, 96, 10),
            },
            Row {
                shown: "runner/traces/large.trace".into(),
                ops: 23,
                yours: Some(Outcome::Incorrect(
                    "line 2 (a 1 600): the block at 0x10 is not aligned to 16 bytes".into(),
                )),
                system: measured(1000, 2000, 23, 23),
            },
        ];
        let out = render(&rows);
        assert!(!out.all_correct);
        assert_eq!(
            out.text,
            "\
trace                        ops  yours:  util  ops/s score  system: util  ops/s score  speed
lifo.trace                    96           80%   4.8M    68           50%   9.6M    70  0.50x
runner/traces/large.trace     23  ✗ incorrect                         50%   1.0M    70
  ✗ yours: line 2 (a 1 600): the block at 0x10 is not aligned to 16 bytes
score: yours 34, system 70 (of 100: 60 for utilization, 40 for throughput up to the system's; 0 for an incorrect trace)
"
        );
    }

    #[test]
    fn heap_bytes_that_cannot_be_are_pointed_out() {
        let rows = [Row {
            shown: "lifo.trace".into(),
            ops: 96,
            yours: Some(measured(800, 0, 96, 10)),
            system: measured(500, 1000, 96, 10),
        }];
        let out = render(&rows);
        assert!(
            out.all_correct,
            "a measurement problem, not an incorrect allocator"
        );
        assert_eq!(
            out.text.lines().nth(2),
            Some("  ! yours: it held 0 heap bytes for 800 live bytes: memory from elsewhere than Rust's global allocator (std::alloc::System, a static array) is not counted, so this utilization is not real")
        );
    }

    #[test]
    fn without_an_allocator_of_yours_only_the_system_runs() {
        let rows = [Row {
            shown: "lifo.trace".into(),
            ops: 96,
            yours: None,
            system: measured(500, 1000, 96, 10),
        }];
        let out = render(&rows);
        assert!(out.all_correct);
        assert_eq!(
            out.text,
            "\
trace         ops  system: util  ops/s score
lifo.trace     96           50%   9.6M    70
score: system 70 (of 100: 60 for utilization, 40 for throughput)
"
        );
    }

    #[test]
    fn rates_read_short() {
        assert_eq!(rate(850_000.0), "850k");
        assert_eq!(rate(21_400_000.0), "21M");
        assert_eq!(rate(2_345_000.0), "2.3M");
        assert_eq!(rate(12.0), "12");
    }
}
