//! The reference heap's pymalloc (`memlings_heap::PoolAllocator`) against
//! the system allocator (malloc), on the same traces in the same run, with
//! the replay `memlings bench` uses: utilization from one checked pass
//! each, throughput as the best timed pass, the two allocators' timed
//! passes taking turns so that a busy machine slows both alike.
//!
//! ```text
//! cargo bench -p memlings-bench --bench churn [-- [--budget MS] [--rounds N] [TRACE...]]
//! ```
//!
//! Without traces it replays every trace of runner/traces/; a trace named
//! by its file name alone is one of those. The claim it
//! checks is the churn traces' (`churn_*.trace`): at least 2x malloc's
//! throughput, with at least its utilization; the last line says whether
//! this run showed it. Timings are printed, never asserted.

use std::path::PathBuf;
use std::time::Duration;

use memlings_bench::meter::{self, Counting};
use memlings_bench::replay::{self, Checked, Timed};
use memlings_bench::system::SystemMalloc;
use memlings_bench::trace::{self, Trace};
use memlings_heap::PoolAllocator;

// The pools' heap bytes are what they take from the global allocator, as
// `memlings bench` counts a learner's allocator.
#[global_allocator]
static GLOBAL: Counting = Counting;

struct Args {
    budget: Duration,
    rounds: u32,
    traces: Vec<PathBuf>,
}

fn args() -> Args {
    let mut args = Args {
        budget: Duration::from_millis(100),
        rounds: 5,
        traces: Vec::new(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut number = |what: &str| -> u64 {
            it.next()
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("{what} takes a number"))
        };
        match arg.as_str() {
            "--budget" => args.budget = Duration::from_millis(number("--budget")),
            "--rounds" => args.rounds = number("--rounds") as u32,
            // What cargo bench passes to every bench target.
            "--bench" => {}
            // cargo bench runs in runner/bench: a name that is not a path
            // from there is one of runner/traces/.
            _ => {
                let path = PathBuf::from(&arg);
                args.traces.push(if path.exists() {
                    path
                } else {
                    traces_dir().join(path)
                });
            }
        }
    }
    if args.traces.is_empty() {
        let dir = traces_dir();
        let mut found: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "trace"))
            .collect();
        found.sort();
        args.traces = found;
    }
    args
}

fn traces_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../traces")
}

fn check_pools(trace: &Trace) -> Checked {
    meter::reset();
    let mut pools = meter::counting(PoolAllocator::new);
    let checked = replay::check(trace, &mut pools, |_| meter::held());
    meter::counting(|| drop(pools));
    checked.unwrap_or_else(|e| panic!("{}: the pools were incorrect: {e}", trace.name))
}

fn check_system(trace: &Trace) -> Checked {
    // SAFETY: the replay passes back only live blocks it keeps, with their
    // sizes (SystemMalloc::new's contract).
    let mut system = unsafe { SystemMalloc::new() };
    replay::check(trace, &mut system, SystemMalloc::heap_bytes)
        .unwrap_or_else(|e| panic!("{}: malloc was incorrect: {e}", trace.name))
}

fn best(a: Option<Timed>, b: Timed) -> Option<Timed> {
    Some(match a {
        Some(a) if a.best <= b.best => a,
        _ => b,
    })
}

fn main() {
    let args = args();
    println!(
        "{:<28} {:>7} {:>7} {:>7} {:>9} {:>9} {:>7}",
        "trace", "ops", "U pools", "U mallc", "Mops pool", "Mops mall", "speed"
    );
    let mut churn_ok = true;
    let mut churn_seen = false;
    let mut churn_worst = f64::INFINITY;
    for path in &args.traces {
        let shown = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into(),
        );
        let trace = trace::load(path, &shown).unwrap_or_else(|e| panic!("{e}"));
        let (pools, system) = (check_pools(&trace), check_system(&trace));
        let (mut t_pools, mut t_system) = (None, None);
        for _ in 0..args.rounds {
            t_pools = best(
                t_pools,
                replay::time(&trace, PoolAllocator::new, args.budget),
            );
            // SAFETY: as in `check_system`.
            let make = || unsafe { SystemMalloc::new() };
            t_system = best(t_system, replay::time(&trace, make, args.budget));
        }
        let ops = trace.ops.len();
        let (tp, ts) = (
            t_pools.expect("at least one round").throughput(ops),
            t_system.expect("at least one round").throughput(ops),
        );
        let ratio = tp / ts;
        println!(
            "{:<28} {:>7} {:>6.1}% {:>6.1}% {:>9.1} {:>9.1} {:>6.2}x",
            shown,
            ops,
            100.0 * pools.utilization(),
            100.0 * system.utilization(),
            tp / 1e6,
            ts / 1e6,
            ratio
        );
        if shown.starts_with("churn") {
            churn_seen = true;
            churn_worst = churn_worst.min(ratio);
            churn_ok &= ratio >= 2.0 && pools.utilization() >= system.utilization();
        }
    }
    if churn_seen {
        println!(
            "churn traces: at least {churn_worst:.2}x malloc's throughput; the claim (>= 2x, utilization >= malloc's) {}",
            if churn_ok { "holds in this run" } else { "does NOT hold in this run" }
        );
    }
}
