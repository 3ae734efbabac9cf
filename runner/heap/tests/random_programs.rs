//! Randomized programs in the Python subset, run on the reference heap and
//! on python3, on each of the reference heap's allocators: the system's
//! (`SystemAllocator`) and pymalloc's pools (`PoolAllocator`, what
//! `memlings py` runs on).
//!
//! Each seed makes one small program that builds containers (lists, dicts,
//! tuples, instances, instances with `__del__`), links and unlinks them,
//! aliases and deletes names and collects, printing `sys.getrefcount` of
//! containers and what `gc.collect()` returns along the way (nothing that
//! CPython makes nondeterministic: no ids, no reprs of instances, no counts
//! of shared constants). Three things are checked:
//!
//! - in-process, on `ReferenceHeap::checked()` (ids never reused; touching a
//!   freed object panics; after every `gc.collect()` no live object refers
//!   to a freed one): the program runs without an error or a panic, so the
//!   heap never freed an object that was still reachable;
//! - after the program (whose `main()` ends by deleting every name and
//!   collecting) and the interpreter's teardown, exactly as many objects
//!   are live when `main()` is called twice as when it is called once:
//!   nothing unreachable leaked (what the interpreter keeps for good, such
//!   as interned attribute names, is made by the first call);
//! - python3 prints exactly what the interpreter printed.
//!
//! A failure prints the seed and the program. Replay one seed with
//! `MEMLINGS_SEED=N cargo test -p memlings-heap --test random_programs`;
//! `MEMLINGS_PROGRAMS=N` changes how many seeds run (default 200).

use std::fmt::Write as _;
use std::process::{Command, Stdio};

use memlings_heap::{PoolAllocator, ReferenceHeap, SystemAllocator};
use memlings_python::{Allocator, Heap, List, ObjId, Object, Options, Runtime};

const DEFAULT_PROGRAMS: u64 = 200;
const VARS: usize = 6;

/// xorshift64*: small, std only, and the same sequence on every platform.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        // Never zero (xorshift's fixed point); spread small seeds apart.
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    List,
    Dict,
    Tuple,
    /// An instance of `Node` (no `__del__`).
    Node,
    /// An instance of `Tag`, whose `__del__` prints its number.
    Tag,
}

/// Writes the program for `seed`: a `main()` whose locals are `v0`..`v5`.
fn generate(seed: u64) -> String {
    let mut rng = Rng::new(seed);
    let mut vars: [Option<Kind>; VARS] = [None; VARS];
    let mut tags = 0;
    let mut body = String::new();
    let statements = 15 + rng.below(30);
    for _ in 0..statements {
        let bound: Vec<usize> = (0..VARS).filter(|&i| vars[i].is_some()).collect();
        let target = rng.below(VARS);
        let choice = if bound.is_empty() { 0 } else { rng.below(12) };
        match choice {
            // A new object.
            0..=2 => {
                let (text, kind) = match rng.below(4 + 3 * usize::from(!bound.is_empty())) {
                    0 => ("[]".to_string(), Kind::List),
                    1 => ("{}".to_string(), Kind::Dict),
                    2 => ("Node()".to_string(), Kind::Node),
                    3 => {
                        tags += 1;
                        (format!("Tag({tags})"), Kind::Tag)
                    }
                    4 => {
                        let a = rng.pick(&bound);
                        let b = rng.pick(&bound);
                        (format!("[v{a}, v{b}]"), Kind::List)
                    }
                    5 => {
                        let a = rng.pick(&bound);
                        if rng.below(2) == 0 {
                            (format!("(v{a},)"), Kind::Tuple)
                        } else {
                            let b = rng.pick(&bound);
                            (format!("(v{a}, v{b})"), Kind::Tuple)
                        }
                    }
                    _ => {
                        let a = rng.pick(&bound);
                        let key = rng.pick(&['a', 'b', 'c']);
                        (format!("{{'{key}': v{a}}}"), Kind::Dict)
                    }
                };
                writeln!(body, "    v{target} = {text}").unwrap();
                vars[target] = Some(kind);
            }
            // A link from one container to another (or itself).
            3..=5 => {
                let from = rng.pick(&bound);
                let to = rng.pick(&bound);
                match vars[from] {
                    Some(Kind::List) => writeln!(body, "    v{from}.append(v{to})").unwrap(),
                    Some(Kind::Dict) => {
                        let key = rng.pick(&['a', 'b', 'c', 'd']);
                        writeln!(body, "    v{from}['{key}'] = v{to}").unwrap();
                    }
                    Some(Kind::Node | Kind::Tag) => {
                        let attr = rng.pick(&["x", "y", "z"]);
                        writeln!(body, "    v{from}.{attr} = v{to}").unwrap();
                    }
                    _ => writeln!(body, "    v{target} = v{from}").unwrap(),
                }
                if vars[from] == Some(Kind::Tuple) {
                    vars[target] = vars[from];
                }
            }
            // An unlink.
            6 => {
                let of = rng.pick(&bound);
                match vars[of] {
                    Some(Kind::List | Kind::Dict) => writeln!(body, "    v{of}.clear()").unwrap(),
                    Some(Kind::Node | Kind::Tag) => {
                        let attr = rng.pick(&["x", "y", "z"]);
                        writeln!(body, "    v{of}.{attr} = None").unwrap();
                    }
                    _ => writeln!(body, "    print(len(v{of}))").unwrap(),
                }
            }
            // Aliasing, and deleting a name.
            7 => {
                let from = rng.pick(&bound);
                writeln!(body, "    v{target} = v{from}").unwrap();
                vars[target] = vars[from];
            }
            8 => {
                let name = rng.pick(&bound);
                writeln!(body, "    del v{name}").unwrap();
                vars[name] = None;
            }
            // The observables.
            9 => {
                let of = rng.pick(&bound);
                if matches!(vars[of], Some(Kind::Node | Kind::Tag)) && rng.below(3) == 0 {
                    // Makes the instance's real dict (one more object).
                    writeln!(body, "    print(len(v{of}.__dict__))").unwrap();
                } else {
                    writeln!(body, "    print(sys.getrefcount(v{of}))").unwrap();
                }
            }
            _ => writeln!(body, "    print(gc.collect())").unwrap(),
        }
    }
    let mut left: Vec<usize> = (0..VARS).filter(|&i| vars[i].is_some()).collect();
    while !left.is_empty() {
        let name = left.remove(rng.below(left.len()));
        writeln!(body, "    del v{name}").unwrap();
    }
    body.push_str("    print(gc.collect())\n");
    format!(
        "# random program, seed {seed}\n\
         import gc, sys\n\n\
         class Node:\n    pass\n\n\
         class Tag:\n    def __init__(self, k):\n        self.k = k\n    \
         def __del__(self):\n        print('del', self.k)\n\n\
         def main():\n    gc.collect()\n{body}\n\
         main()\n"
    )
}

struct Run {
    stdout: String,
    /// Live objects after the run and the interpreter's teardown.
    live: usize,
    /// What they are, for the message when the counts differ.
    kinds: Vec<String>,
}

/// Runs `source` on a checked reference heap over allocator `A`, on a
/// thread with room for the tree-walking interpreter's stack. A panic (a
/// freed object touched) becomes an error message.
fn run_checked<A: Allocator + Default>(source: &str) -> Result<Run, String> {
    let source = source.to_string();
    let worker = std::thread::Builder::new()
        .stack_size(64 * 1024 * 1024)
        .spawn(move || {
            let mut heap = ReferenceHeap::with_allocator(A::default()).into_checked();
            let out = memlings_python::run_on(&mut heap, &source, "random.py", &Options::default());
            if let Some(error) = out.error {
                return Err(format!(
                    "the program stopped: {error}\noutput so far:\n{}",
                    out.stdout
                ));
            }
            if !out.stderr.is_empty() {
                return Err(format!("unexpected stderr: {}", out.stderr));
            }
            let live = heap.live_objects();
            let mut kinds: Vec<String> = live.iter().map(|&id| describe(heap.get(id))).collect();
            kinds.sort();
            Ok(Run {
                stdout: out.stdout,
                live: live.len(),
                kinds,
            })
        })
        .expect("a thread for the interpreter");
    worker.join().unwrap_or_else(|panic| {
        let message = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        Err(format!("the heap panicked: {message}"))
    })
}

/// An object's variant and first few fields, without ids' noise.
fn describe(object: &memlings_python::Object) -> String {
    let text = format!("{object:?}");
    text.chars().take(60).collect()
}

/// The kinds of object in `more` beyond those in `fewer`.
fn extra_kinds(more: &[String], fewer: &[String]) -> Vec<String> {
    let mut rest = fewer.to_vec();
    let mut extra = Vec::new();
    for kind in more {
        match rest.iter().position(|k| k == kind) {
            Some(i) => {
                rest.swap_remove(i);
            }
            None => extra.push(kind.clone()),
        }
    }
    extra
}

/// Checks one program in-process: no use after free, no leak. Returns what
/// it printed.
fn check_in_process<A: Allocator + Default>(source: &str) -> Result<String, String> {
    let run = run_checked::<A>(source)?;
    // main() run twice must leave exactly what it leaves once: whatever
    // the interpreter keeps for good (print's keyword-name tuple, interned
    // attribute names) is made by the first call, and a leak repeats.
    let baseline = run;
    let run = run_checked::<A>(&source.replace("\nmain()\n", "\nmain()\nmain()\n"))?;
    if run.live != baseline.live {
        return Err(format!(
            "{} objects live after main() twice, {} after main() once: {} leaked\n\
             only after main(): {:?}\nonly without: {:?}",
            run.live,
            baseline.live,
            run.live as isize - baseline.live as isize,
            extra_kinds(&run.kinds, &baseline.kinds),
            extra_kinds(&baseline.kinds, &run.kinds),
        ));
    }
    Ok(baseline.stdout)
}

fn python3_available() -> bool {
    Command::new("python3")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Runs each program in a fresh namespace, many per python3 process
/// (python3 takes a fifth of a second to start). Every program's main()
/// begins with gc.collect(), so what ran before it in the process leaves
/// no trace in what it prints.
const DRIVER: &str = "\
import sys
for path in sys.argv[1:]:
    with open(path) as f:
        source = f.read()
    exec(compile(source, path, 'exec'), {'__name__': '__main__'})
    print(SEPARATOR)
";
const SEPARATOR: &str = "=== end of program ===";

/// python3's stdout for each file, a few processes at a time.
fn run_python(files: &[std::path::PathBuf]) -> Vec<Result<String, String>> {
    let workers = std::thread::available_parallelism().map_or(4, |n| n.get().min(8));
    let chunk = files.len().div_ceil(workers).max(1);
    let mut results = Vec::new();
    std::thread::scope(|scope| {
        let handles: Vec<_> = files
            .chunks(chunk)
            .map(|batch| scope.spawn(move || python_batch(batch)))
            .collect();
        for handle in handles {
            results.extend(handle.join().expect("a python3 batch"));
        }
    });
    results
}

fn python_batch(files: &[std::path::PathBuf]) -> Vec<Result<String, String>> {
    let driver = DRIVER.replace("SEPARATOR", &format!("{SEPARATOR:?}"));
    let out = Command::new("python3")
        .arg("-c")
        .arg(&driver)
        .args(files)
        .stdin(Stdio::null())
        .output();
    let out = match out {
        Ok(out) => out,
        Err(e) => {
            return files
                .iter()
                .map(|_| Err(format!("python3 did not run: {e}")))
                .collect()
        }
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    let mut parts: Vec<String> =
        stdout
            .split_inclusive('\n')
            .fold(vec![String::new()], |mut parts, line| {
                if line.trim_end() == SEPARATOR {
                    parts.push(String::new());
                } else {
                    parts.last_mut().unwrap().push_str(line);
                }
                parts
            });
    parts.pop(); // after the last separator (or a failing program's output)
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    (0..files.len())
        .map(|i| match parts.get(i) {
            Some(part) => Ok(part.clone()),
            None => Err(format!(
                "python3 failed on this program or before it: {stderr}"
            )),
        })
        .collect()
}

fn seeds() -> Vec<u64> {
    if let Ok(seed) = std::env::var("MEMLINGS_SEED") {
        let seed = seed.trim().parse().expect("MEMLINGS_SEED is a number");
        return vec![seed];
    }
    let count = std::env::var("MEMLINGS_PROGRAMS")
        .ok()
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(DEFAULT_PROGRAMS);
    (1..=count).collect()
}

#[test]
fn random_programs_agree_with_cpython_and_leak_nothing() {
    check_seeds::<SystemAllocator>("reference heap");
}

#[test]
fn random_programs_agree_with_cpython_and_leak_nothing_on_pools() {
    check_seeds::<PoolAllocator>("reference heap on pools");
}

/// Every seed's program on a heap over `A`, against python3.
fn check_seeds<A: Allocator + Default>(heap: &str) {
    let seeds = seeds();
    let programs: Vec<String> = seeds.iter().map(|&s| generate(s)).collect();
    let mut failures = Vec::new();
    let mut outputs = Vec::new();
    for (&seed, program) in seeds.iter().zip(&programs) {
        match check_in_process::<A>(program) {
            Ok(stdout) => outputs.push(Some(stdout)),
            Err(why) => {
                failures.push(format!("seed {seed}: {why}\n--- program ---\n{program}"));
                outputs.push(None);
            }
        }
    }

    if python3_available() {
        let dir = tempfile::tempdir().unwrap();
        let files: Vec<_> = seeds
            .iter()
            .zip(&programs)
            .map(|(seed, program)| {
                let path = dir.path().join(format!("seed_{seed}.py"));
                std::fs::write(&path, program).unwrap();
                path
            })
            .collect();
        let expected = run_python(&files);
        let compared: usize = expected
            .iter()
            .flatten()
            .map(|out| out.lines().count())
            .sum();
        // Every main() prints at least its last gc.collect(): the
        // comparison is never of empty outputs.
        assert!(compared >= seeds.len(), "python3 printed {compared} lines");
        for ((seed, program), (ours, theirs)) in seeds
            .iter()
            .zip(&programs)
            .zip(outputs.iter().zip(expected))
        {
            let Some(ours) = ours else { continue };
            match theirs {
                Ok(theirs) if &theirs == ours => {}
                Ok(theirs) => failures.push(format!(
                    "seed {seed}: output differs from python3\n--- program ---\n{program}\
                     --- memlings ({heap}) ---\n{ours}--- python3 ---\n{theirs}"
                )),
                Err(why) => {
                    failures.push(format!("seed {seed}: {why}\n--- program ---\n{program}"))
                }
            }
        }
    } else {
        eprintln!("SKIPPED the python3 comparison: python3 is not installed (CI has it)");
    }

    if !failures.is_empty() {
        let shown: Vec<&String> = failures.iter().take(3).collect();
        panic!(
            "{} of {} random programs failed on the {heap} (replay one with MEMLINGS_SEED=N cargo test -p memlings-heap --test random_programs):\n\n{}",
            failures.len(),
            seeds.len(),
            shown.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\n\n")
        );
    }
}

#[test]
fn the_generator_is_deterministic_and_varied() {
    assert_eq!(generate(7), generate(7));
    assert_ne!(generate(7), generate(8));
    let program = generate(3);
    assert!(program.starts_with("# random program, seed 3\n"));
    assert!(program.ends_with("    print(gc.collect())\n\nmain()\n"));
}

/// Runs no Python code: the test below has no finalizers to run.
struct NoRuntime;

impl Runtime<ReferenceHeap> for NoRuntime {
    fn finalize(&mut self, _: &mut ReferenceHeap, _: ObjId) {}
    fn weakref_callback(&mut self, _: &mut ReferenceHeap, _: ObjId, _: ObjId) {}
}

#[test]
#[should_panic(expected = "is not a live object")]
fn the_checked_heap_catches_a_use_after_free() {
    let mut heap = ReferenceHeap::checked();
    let list = heap.alloc(Object::List(List::default()), &mut NoRuntime);
    heap.decref(list, &mut NoRuntime);
    // The slot is never handed out again, so the stale id cannot reach a
    // newer object by accident.
    let other = heap.alloc(Object::List(List::default()), &mut NoRuntime);
    assert_ne!(other, list);
    heap.incref(list);
}
