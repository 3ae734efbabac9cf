//! The program `memlings bench` builds around a learner's allocator, and
//! the lines it reports in.
//!
//! Its generated `main` is one call, [`main::<TheirType>()`](main). It reads
//! a token from stdin, takes the time budget and the trace files from its
//! arguments, and for each trace replays the learner's allocator and then
//! the system allocator, in the same process, with the same code. Each
//! result is one line on stdout that starts with the token, so nothing the
//! learner's code prints can pass for one: [`decode`] reads only those.

use std::panic::{self, AssertUnwindSafe};
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use memlings_python::Allocator;

use crate::meter;
use crate::replay::{self, Checked, Timed};
use crate::system::SystemMalloc;
use crate::trace::{self, Trace};

/// Whose allocator a result is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    Yours,
    System,
}

impl Who {
    fn word(self) -> &'static str {
        match self {
            Who::Yours => "yours",
            Who::System => "system",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Measured {
    pub checked: Checked,
    pub timed: Timed,
}

impl Measured {
    pub fn throughput(&self) -> f64 {
        self.timed.throughput(self.checked.ops)
    }
}

/// How one allocator did on one trace.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Measured(Measured),
    /// The first offence, as [`replay::Incorrect`] words it.
    Incorrect(String),
    /// The allocator panicked: the message and where.
    Panicked(String),
    /// The program could not read the trace (the runner read it first, so
    /// only a file changed in between gets here).
    Unreadable(String),
    /// The program never reported on it: it crashed on this trace or an
    /// earlier one (what the runner saw, never a line of the program's).
    NotRun(String),
}

/// One result line.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// The trace's index among the arguments.
    pub trace: usize,
    pub who: Who,
    pub outcome: Outcome,
}

/// The system allocator on `trace`: the baseline.
pub fn run_system(trace: &Trace, budget: Duration) -> Outcome {
    guarded(|| {
        // SAFETY: the replay passes back only the live blocks it keeps, each
        // with the size it was handed out with (SystemMalloc::new's contract).
        let mut system = unsafe { SystemMalloc::new() };
        let checked = replay::check(trace, &mut system, SystemMalloc::heap_bytes)?;
        // SAFETY: as above.
        let timed = replay::time(trace, || unsafe { SystemMalloc::new() }, budget);
        Ok(Measured { checked, timed })
    })
}

/// An allocator of type `A` on `trace`, its heap bytes counted by
/// [`meter::Counting`] (which must be the program's global allocator).
pub fn run_allocator<A: Allocator + Default>(trace: &Trace, budget: Duration) -> Outcome {
    guarded(|| {
        meter::reset();
        // What it takes when it is made (a first arena, say) is its too.
        let mut alloc = meter::counting(A::default);
        let checked = replay::check(trace, &mut alloc, |_| meter::held());
        meter::counting(|| drop(alloc));
        let checked = checked?;
        let timed = replay::time(trace, A::default, budget);
        Ok(Measured { checked, timed })
    })
}

static PANIC: Mutex<Option<String>> = Mutex::new(None);

/// Runs a replay, turning a panic into [`Outcome::Panicked`].
fn guarded(run: impl FnOnce() -> Result<Measured, replay::Incorrect>) -> Outcome {
    match panic::catch_unwind(AssertUnwindSafe(run)) {
        Ok(Ok(measured)) => Outcome::Measured(measured),
        Ok(Err(incorrect)) => Outcome::Incorrect(incorrect.to_string()),
        Err(payload) => {
            let caught = PANIC.lock().map(|mut p| p.take()).unwrap_or(None);
            Outcome::Panicked(caught.unwrap_or_else(|| payload_text(&*payload)))
        }
    }
}

fn payload_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic with no message".into())
}

/// The generated program's `main`: see the module's documentation.
/// Arguments: the time budget per allocator and trace in milliseconds, then
/// the trace files.
pub fn main<A: Allocator + Default>() {
    let mut token = String::new();
    let _ = std::io::stdin().read_line(&mut token);
    let token = token.trim().to_string();
    // A panic is reported in its result line, not on stderr.
    panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let message = payload_text(info.payload());
        if let Ok(mut slot) = PANIC.lock() {
            *slot = Some(format!("{message}{at}"));
        }
    }));
    let args: Vec<String> = std::env::args().skip(1).collect();
    let budget = Duration::from_millis(args.first().and_then(|a| a.parse().ok()).unwrap_or(50));
    for (index, path) in args.iter().skip(1).enumerate() {
        let reports: Vec<Report> = match trace::load(Path::new(path), path) {
            Err(e) => vec![Report {
                trace: index,
                who: Who::Yours,
                outcome: Outcome::Unreadable(e.to_string()),
            }],
            Ok(trace) => vec![
                Report {
                    trace: index,
                    who: Who::Yours,
                    outcome: run_allocator::<A>(&trace, budget),
                },
                Report {
                    trace: index,
                    who: Who::System,
                    outcome: run_system(&trace, budget),
                },
            ],
        };
        for report in &reports {
            println!("{}", encode(&token, report));
        }
    }
}

/// A result as one line: tab-separated fields after the token.
pub fn encode(token: &str, report: &Report) -> String {
    let head = format!("{token}\t{}\t{}", report.trace, report.who.word());
    let one_line = |text: &str| text.replace(['\t', '\n', '\r'], " ");
    match &report.outcome {
        Outcome::Measured(m) => format!(
            "{head}\tok\t{}\t{}\t{}\t{}\t{}",
            m.checked.ops,
            m.checked.peak_live,
            m.checked.peak_heap,
            m.timed.best.as_nanos(),
            m.timed.rounds
        ),
        Outcome::Incorrect(why) => format!("{head}\tincorrect\t{}", one_line(why)),
        Outcome::Panicked(why) => format!("{head}\tpanicked\t{}", one_line(why)),
        Outcome::Unreadable(why) => format!("{head}\tunreadable\t{}", one_line(why)),
        Outcome::NotRun(why) => format!("{head}\tnotrun\t{}", one_line(why)),
    }
}

/// The result lines in a program's stdout; other lines are ignored.
pub fn decode(token: &str, stdout: &str) -> Vec<Report> {
    stdout
        .lines()
        .filter_map(|line| decode_line(token, line))
        .collect()
}

fn decode_line(token: &str, line: &str) -> Option<Report> {
    let mut fields = line.split('\t');
    if fields.next()? != token {
        return None;
    }
    let trace = fields.next()?.parse().ok()?;
    let who = match fields.next()? {
        "yours" => Who::Yours,
        "system" => Who::System,
        _ => return None,
    };
    let kind = fields.next()?;
    let rest: Vec<&str> = fields.collect();
    let text = || rest.join(" ");
    let outcome = match kind {
        "ok" => {
            let [ops, live, heap, nanos, rounds] = rest[..] else {
                return None;
            };
            Outcome::Measured(Measured {
                checked: Checked {
                    ops: ops.parse().ok()?,
                    peak_live: live.parse().ok()?,
                    peak_heap: heap.parse().ok()?,
                },
                timed: Timed {
                    best: Duration::from_nanos(nanos.parse().ok()?),
                    rounds: rounds.parse().ok()?,
                },
            })
        }
        "incorrect" => Outcome::Incorrect(text()),
        "panicked" => Outcome::Panicked(text()),
        "unreadable" => Outcome::Unreadable(text()),
        "notrun" => Outcome::NotRun(text()),
        _ => return None,
    };
    Some(Report {
        trace,
        who,
        outcome,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_travel_as_lines_behind_the_token() {
        let measured = Report {
            trace: 2,
            who: Who::System,
            outcome: Outcome::Measured(Measured {
                checked: Checked {
                    ops: 10,
                    peak_live: 100,
                    peak_heap: 160,
                },
                timed: Timed {
                    best: Duration::from_nanos(1234),
                    rounds: 7,
                },
            }),
        };
        let incorrect = Report {
            trace: 0,
            who: Who::Yours,
            outcome: Outcome::Incorrect("line 3 (a 1 8): bad\tthing".into()),
        };
        let out = format!(
            "{}\nT\t0\tyours\tok\t1\t1\t1\t1\t1\nnoise\n{}\n",
            encode("tok", &measured),
            encode("tok", &incorrect)
        );
        let back = decode("tok", &out);
        assert_eq!(back[0], measured);
        assert_eq!(
            back[1].outcome,
            Outcome::Incorrect("line 3 (a 1 8): bad thing".into())
        );
        assert_eq!(back.len(), 2, "a line behind another token is no result");
    }
}
