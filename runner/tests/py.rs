//! `memlings py`, the real binary: every program of the `examples/`
//! corpus must print exactly what python3 prints (so the reference heap is
//! checked against the real interpreter), and each kind of bad input gets
//! its one-line message and exit code.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("runner/ is inside the repository")
        .to_path_buf()
}

fn memlings_in(dir: &Path, args: &[&str], path_env: Option<&str>) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_memlings"));
    cmd.args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .stdin(Stdio::null());
    if let Some(path) = path_env {
        cmd.env("PATH", path);
    }
    let out = cmd.output().expect("the memlings binary runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn python3_available() -> bool {
    Command::new("python3")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// A file with `content` in a fresh temporary directory.
fn program(name: &str, content: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, content).unwrap();
    (dir, path)
}

fn run_file(content: &str, extra: &[&str]) -> Run {
    let (dir, _) = program("bad.py", content.as_bytes());
    let mut args = vec!["py", "bad.py"];
    args.extend(extra);
    memlings_in(dir.path(), &args, None)
}

#[test]
fn every_example_matches_cpython() {
    if !python3_available() {
        eprintln!("SKIPPED every_example_matches_cpython: python3 is not installed (CI has it)");
        return;
    }
    let root = repo_root();
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("examples"))
        .expect("the examples/ folder exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "py"))
        .collect();
    files.sort();
    assert!(files.len() >= 11, "the corpus has its lessons: {files:?}");
    let mut failures = Vec::new();
    for file in &files {
        let rel = format!("examples/{}", file.file_name().unwrap().to_string_lossy());
        // The reference heap, named: by default `py` takes the learner's heap
        // once their progress marks it done, and this runs in their tree.
        let out = memlings_in(
            &root,
            &["py", &rel, "--heap", "reference", "--compare"],
            None,
        );
        if out.code != 0 {
            failures.push(format!(
                "--- {rel} (exit {}):\n{}{}",
                out.code, out.stdout, out.stderr
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "memlings and python3 disagree:\n{}",
        failures.join("\n")
    );
}

#[test]
fn a_missing_file_is_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let out = memlings_in(dir.path(), &["py", "nope.py"], None);
    assert_eq!(out.code, 2);
    assert_eq!(out.stderr, "error: cannot read nope.py: no such file\n");
    assert_eq!(out.stdout, "");
}

#[test]
fn a_file_that_is_not_utf8_is_bad_input() {
    let (dir, _) = program("bad.py", b"print('caf\xe9')\n");
    let out = memlings_in(dir.path(), &["py", "bad.py"], None);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "error: bad.py is not UTF-8 text (invalid byte at offset 10); save it as UTF-8\n"
    );
}

#[test]
fn a_syntax_error_names_the_line() {
    let out = run_file("x = 1\ny = (2,\n", &[]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "error: bad.py:2: SyntaxError: '(' was never closed\n"
    );
    assert_eq!(out.stdout, "", "nothing runs when the file does not parse");
}

#[test]
fn an_unsupported_construct_is_named() {
    let out = run_file("print('hi')\nwhile True:\n    pass\n", &[]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "error: bad.py:2: unsupported: while loops are outside the memlings subset\n"
    );
    assert_eq!(out.stdout, "");
}

#[test]
fn a_name_error_is_what_cpython_raises_after_the_output_so_far() {
    let out = run_file("print('before')\nprint(y)\nprint('after')\n", &[]);
    assert_eq!(out.code, 1);
    assert_eq!(out.stdout, "before\n");
    assert_eq!(
        out.stderr,
        "error: bad.py:2: NameError: name 'y' is not defined\n"
    );
}

#[test]
fn a_runaway_loop_is_stopped_by_the_step_limit() {
    let out = run_file(
        "n = 0\nfor i in range(10**12):\n    n += 1\n",
        &["--max-steps", "1000"],
    );
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "error: bad.py:3: stopped after 1,000 steps (a runaway loop?); raise the limit with --max-steps\n"
    );
}

#[test]
fn deep_recursion_raises_recursion_error_like_cpython() {
    let out = run_file("def f(n):\n    return f(n + 1)\nf(0)\n", &[]);
    assert_eq!(out.code, 1);
    assert_eq!(
        out.stderr,
        "error: bad.py:2: RecursionError: maximum recursion depth exceeded\n"
    );
}

#[test]
fn compare_without_python3_says_so() {
    let (dir, _) = program("ok.py", b"print(1)\n");
    let empty = tempfile::tempdir().unwrap();
    let out = memlings_in(
        dir.path(),
        &["py", "ok.py", "--compare"],
        Some(empty.path().to_str().unwrap()),
    );
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "error: python3 is not installed or not on PATH: --compare needs it to run the real CPython (install Python 3.11, or run without --compare)\n"
    );
}

#[test]
fn compare_marks_lines_that_differ_and_exits_1() {
    if !python3_available() {
        eprintln!("SKIPPED compare_marks_lines_that_differ_and_exits_1: python3 is not installed");
        return;
    }
    // An address is the one thing that cannot match: CPython's changes
    // from run to run.
    let out = run_file(
        "print('same')\nx = []\nprint(id(x) % 1000003)\n",
        &["--compare"],
    );
    assert_eq!(out.code, 1, "{}", out.stdout);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert!(
        lines[0].starts_with("  memlings, reference heap │ CPython 3."),
        "{}",
        out.stdout
    );
    assert_eq!(lines[2], "  same                     │ same");
    assert!(lines[3].starts_with("✗ "), "{}", out.stdout);
    assert_eq!(lines[4], "✗ 1 of 2 lines differ (marked ✗)");
}

#[test]
fn compare_lines_up_an_exception_on_both_sides() {
    if !python3_available() {
        eprintln!("SKIPPED compare_lines_up_an_exception_on_both_sides: python3 is not installed");
        return;
    }
    let out = run_file("print(1)\nprint([][0])\n", &["--compare"]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(out
        .stdout
        .contains("  [raised] IndexError: list index out of range │ [raised] IndexError: list index out of range\n"));
    assert!(
        out.stdout.ends_with("✓ identical output (2 lines)\n"),
        "{}",
        out.stdout
    );
}

#[test]
fn trace_draws_names_objects_and_refcounts() {
    let out = run_file("a = [1]\nb = a\ndel a\n", &["--trace"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "┌ line 1: a = [1]\n\
         │ globals: a → #1\n\
         │ #1 list len 1, refcount 1: [0] → 1\n\
         ┌ line 2: b = a\n\
         │ globals: a → #1, b → #1\n\
         │ #1 list len 1, refcount 2: [0] → 1\n\
         ┌ line 3: del a\n\
         │ globals: b → #1\n\
         │ #1 list len 1, refcount 1: [0] → 1\n"
    );
}

#[test]
fn dot_writes_the_object_graph() {
    let (dir, _) = program("g.py", b"l = []\nl.append(l)\nname = l\ndel l\n");
    let out = memlings_in(dir.path(), &["py", "g.py", "--dot", "g.dot"], None);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let dot = std::fs::read_to_string(dir.path().join("g.dot")).unwrap();
    assert!(dot.starts_with("digraph memlings {\n"), "{dot}");
    assert!(
        dot.contains("\"f0_name\" [shape=box, label=\"name\"];"),
        "{dot}"
    );
    assert!(dot.contains("o1 [shape=box, style=\"rounded,filled\", fillcolor=\"#e8f0ff\", label=\"#1 list\\nlen 1\\nrefcount 2\"];"), "{dot}");
    assert!(dot.contains("\"f0_name\" -> o1;"), "{dot}");
    assert!(dot.contains("o1 -> o1 [label=\"[0]\"];"), "{dot}");
}

// ---------------------------------------------------------------------------
// `--heap yours`: the learner's heap, compiled on the fly in a copy of the
// workspace.

mod common;

/// A cycle-free program: aliasing, nested containers freed last to first,
/// `__del__` order, resurrection. Reference counting alone gives CPython's
/// output.
const CYCLE_FREE: &str = "import sys
class Noisy:
    def __init__(self, name):
        self.name = name
    def __del__(self):
        print('del', self.name)

a = [1, 2]
b = a
print(sys.getrefcount(a))
x = [Noisy('a'), [Noisy('b'), Noisy('c')], Noisy('d')]
del x
print('after del x')
";

#[test]
fn yours_heap_agrees_with_python3_once_solved() {
    if !python3_available() {
        eprintln!("python3 not found: skipping");
        return;
    }
    let sb = common::Sandbox::new();
    std::fs::copy(
        sb.root.join("solutions/07_counting/refcount_heap.rs"),
        sb.root.join("exercises/07_counting/refcount_heap.rs"),
    )
    .unwrap();
    std::fs::write(sb.root.join("prog.py"), CYCLE_FREE).unwrap();
    let out = sb.memlings(&["py", "prog.py", "--heap", "yours", "--compare"]);
    assert_eq!(
        out.code, 0,
        "stdout:\n{}\nstderr:\n{}",
        out.stdout, out.stderr
    );
    assert!(
        out.stdout.contains("memlings, your heap (refcount_heap)"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("identical output (6 lines)"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("del d"), "{}", out.stdout);
}

#[test]
fn yours_heap_that_does_not_compile_says_so() {
    let sb = common::Sandbox::new();
    let file = sb.root.join("exercises/07_counting/refcount_heap.rs");
    let mut text = std::fs::read_to_string(&file).unwrap();
    text.push_str("\nfn broken() -> u32 { \"not a number\" }\n");
    std::fs::write(&file, text).unwrap();
    std::fs::write(sb.root.join("prog.py"), "print(1)\n").unwrap();
    let out = sb.memlings(&["py", "prog.py", "--heap", "yours"]);
    assert_eq!(
        out.code, 2,
        "stdout:\n{}\nstderr:\n{}",
        out.stdout, out.stderr
    );
    assert!(
        out.stderr
            .contains("your heap (exercises/07_counting/refcount_heap.rs) does not compile"),
        "{}",
        out.stderr
    );
    // rustc's own message, with the path as the learner knows it.
    assert!(out.stderr.contains("mismatched types"), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("exercises/07_counting/refcount_heap.rs"),
        "{}",
        out.stderr
    );
    assert!(out.stdout.is_empty(), "{}", out.stdout);
}

/// A second storage heap, later in the course than refcount_heap: the
/// solution's heap again, in a chapter of its own, built on the same
/// Part II exercises.
fn add_a_later_heap(sb: &common::Sandbox) {
    let heap =
        std::fs::read_to_string(sb.root.join("solutions/07_counting/refcount_heap.rs")).unwrap();
    sb.write("exercises/99_later/later_heap.rs", &heap);
    sb.add_to_registry(
        "name = \"later_heap\"\npart = \"V\"\nchapter = \"99_later\"\nbook = \"introduction.md\"\nhint = \"h\"\n\
         uses = [\"getsizeof\", \"list_growth\"]\n\
         heap = { provides = \"storage\", type = \"RefcountHeap\", sizes = [\"getsizeof\", \"list_growth\"] }\n",
    );
}

const REFCOUNT_HEAP_LAYERS: &str = "note: your heap: storage from refcount_heap (exercises/07_counting/refcount_heap.rs), sizes from getsizeof + list_growth; collector: none yet (cycles are never freed)\n";

#[test]
fn yours_heap_is_the_last_heap_passed_and_names_the_layers_it_took() {
    let sb = common::Sandbox::new();
    for name in ["getsizeof", "list_growth", "refcount_heap"] {
        sb.solve(name);
    }
    add_a_later_heap(&sb);
    sb.write("prog.py", "print(1)\n");

    // Nothing passed: the first heap, every piece unfinished by the
    // progress file; without --heap, the reference heap without a word.
    let out = sb.memlings(&["py", "prog.py", "--heap", "yours"]);
    out.assert_code(0);
    assert_eq!(out.stdout, "1\n");
    out.assert_stderr_has(REFCOUNT_HEAP_LAYERS);
    out.assert_stderr_has("note: not finished yet: refcount_heap (its check has not passed), getsizeof (its check has not passed) and list_growth (its check has not passed);");
    let out = sb.memlings(&["py", "prog.py"]);
    out.assert_code(0);
    assert_eq!(out.stderr, "");

    // Part III passed: its heap, by default too.
    sb.set_done(&["getsizeof", "list_growth", "refcount_heap"]);
    let out = sb.memlings(&["py", "prog.py"]);
    out.assert_code(0);
    assert_eq!(
        out.stderr,
        format!("note: running on your heap (refcount_heap); --heap reference for the reference heap\n{REFCOUNT_HEAP_LAYERS}")
    );

    // A later heap passed: that one, whatever came before it.
    for done in [
        &["getsizeof", "list_growth", "refcount_heap", "later_heap"][..],
        &["later_heap"],
    ] {
        sb.set_done(done);
        let out = sb.memlings(&["py", "prog.py", "--heap", "yours"]);
        out.assert_code(0);
        assert_eq!(out.stdout, "1\n");
        out.assert_stderr_has("note: your heap: storage from later_heap (exercises/99_later/later_heap.rs), sizes from getsizeof + list_growth; collector: none yet (cycles are never freed)\n");
        assert_eq!(
            out.stderr.contains("not finished yet: getsizeof"),
            done.len() == 1,
            "{}",
            out.stderr
        );
    }
}

#[test]
fn a_heap_of_no_known_layer_is_refused_in_one_line() {
    let sb = common::Sandbox::new();
    let path = sb.root.join("runner/exercises.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let changed = text.replacen("provides = \"storage\"", "provides = \"pool\"", 1);
    assert_ne!(text, changed, "the registry declares a storage heap");
    std::fs::write(&path, &changed).unwrap();
    sb.write("prog.py", "print(1)\n");
    let line = changed
        .lines()
        .position(|l| l.contains("provides = \"pool\""))
        .unwrap()
        + 1;
    let expected = format!(
        "error: {}:{line}: the exercise registry is malformed: `provides = \"pool\"` is no layer: use \"storage\" (a memlings_python::Heap), \"allocator\" (a memlings_python::Allocator) or \"gc_links\" (a memlings_python::GcLinks)",
        path.display()
    );
    // `verify` loads the registry before it builds anything.
    for args in [&["py", "prog.py", "--heap", "yours"][..], &["verify"]] {
        let out = sb.memlings(args);
        out.assert_code(2);
        out.assert_stderr_line(&expected);
    }
}

/// An allocator over `std::alloc`, counting what it hands out.
const SYSTEM_BLOCKS: &str = r#"use std::alloc::{alloc, dealloc, realloc, Layout};
use std::ptr::NonNull;

use memlings_python::heap::ALIGNMENT;
use memlings_python::{Allocator, AllocatorStats, Block};

#[derive(Debug, Default)]
pub struct SystemBlocks {
    stats: AllocatorStats,
}

/// `malloc(0)` still gets a block: ask for one byte at least.
fn layout(size: usize) -> Layout {
    Layout::from_size_align(size.max(1), ALIGNMENT).expect("a small size")
}

// SAFETY: each block is its own `std::alloc` allocation of at least the
// size asked for, aligned to ALIGNMENT, live until freed.
unsafe impl Allocator for SystemBlocks {
    fn allocate(&mut self, size: usize) -> Option<Block> {
        // SAFETY: the layout is never zero-sized.
        let addr = NonNull::new(unsafe { alloc(layout(size)) })?;
        self.stats.blocks += 1;
        self.stats.bytes += size;
        Some(Block { addr, size })
    }

    fn reallocate(&mut self, block: Block, size: usize) -> Option<Block> {
        // SAFETY: `block` came from this allocator with `layout(block.size)`.
        let addr = unsafe { realloc(block.addr.as_ptr(), layout(block.size), size.max(1)) };
        let addr = NonNull::new(addr)?;
        self.stats.bytes = self.stats.bytes - block.size + size;
        Some(Block { addr, size })
    }

    fn free(&mut self, block: Block) {
        // SAFETY: as in `reallocate`; the block is not used again.
        unsafe { dealloc(block.addr.as_ptr(), layout(block.size)) };
        self.stats.blocks -= 1;
        self.stats.bytes -= block.size;
    }

    fn stats(&self) -> AllocatorStats {
        self.stats
    }
}

fn main() {}
"#;

#[test]
fn an_allocator_runs_inside_the_reference_heap() {
    let sb = common::Sandbox::new();
    sb.write("exercises/99_alloc/system_blocks.rs", SYSTEM_BLOCKS);
    sb.add_to_registry(
        "name = \"system_blocks\"\npart = \"V\"\nchapter = \"99_alloc\"\nbook = \"introduction.md\"\nhint = \"h\"\n\
         heap = { provides = \"allocator\", type = \"SystemBlocks\" }\n",
    );
    sb.set_done(&["system_blocks"]);
    sb.write("prog.py", CYCLE_FREE);
    let reference = sb.memlings(&["py", "prog.py", "--heap", "reference"]);
    reference.assert_code(0);
    let out = sb.memlings(&["py", "prog.py", "--heap", "yours"]);
    out.assert_code(0);
    assert_eq!(out.stdout, reference.stdout);
    assert_eq!(
        out.stderr,
        "note: your heap: allocator from system_blocks (exercises/99_alloc/system_blocks.rs); storage, collector, sizes: the reference heap's\n"
    );
}

/// `sys._debugmallocstats()` needs an allocator with pools: the solved
/// arenas exercise has them, and so has the reference heap (`PooledHeap`).
const MALLOC_STATS: &str = "import sys
keep = [1.5, [2]]
print(sys._debugmallocstats())
";

#[test]
fn malloc_stats_print_to_stderr_on_a_pooled_allocator() {
    let sb = common::Sandbox::new();
    std::fs::copy(
        sb.root.join("solutions/12_pools/arenas.rs"),
        sb.root.join("exercises/12_pools/arenas.rs"),
    )
    .unwrap();
    sb.set_done(&["arenas"]);
    sb.write("prog.py", MALLOC_STATS);
    let out = sb.memlings(&["py", "prog.py", "--heap", "yours"]);
    out.assert_code(0);
    assert_eq!(out.stdout, "None\n");
    assert!(
        out.stderr
            .contains("\nSmall block threshold = 512, in 32 size classes.\n"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .contains("1 arenas * 1048576 bytes/arena     =            1,048,576\n"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains(" free PyListObjects * 40 bytes each ="));
    // --compare compares stdout, where CPython's report is not.
    if python3_available() {
        let compared = sb.memlings(&["py", "prog.py", "--heap", "yours", "--compare"]);
        compared.assert_code(0);
        assert!(
            compared.stdout.contains("identical output (1 line)"),
            "{}",
            compared.stdout
        );
        assert!(!compared.stdout.contains("Small block threshold"));
        assert!(!compared.stderr.contains("Small block threshold"));
    }
    let reference = sb.memlings(&["py", "prog.py", "--heap", "reference"]);
    reference.assert_code(0);
    assert_eq!(reference.stdout, "None\n");
    assert!(
        reference
            .stderr
            .contains("1 arenas * 1048576 bytes/arena     =            1,048,576\n"),
        "{}",
        reference.stderr
    );
}

#[test]
fn compare_counts_one_line_in_the_singular() {
    if !python3_available() {
        eprintln!("SKIPPED compare_counts_one_line_in_the_singular: python3 is not installed");
        return;
    }
    let same = run_file("print(1)\n", &["--compare"]);
    assert_eq!(same.code, 0, "{}", same.stdout);
    assert!(
        same.stdout.ends_with("✓ identical output (1 line)\n"),
        "{}",
        same.stdout
    );
    // An address, as in compare_marks_lines_that_differ_and_exits_1.
    let differs = run_file("x = []\nprint(id(x) % 1000003)\n", &["--compare"]);
    assert_eq!(differs.code, 1, "{}", differs.stdout);
    assert!(
        differs
            .stdout
            .ends_with("✗ 1 of 1 line differs (marked ✗)\n"),
        "{}",
        differs.stdout
    );
}

/// A stand-in `python3` in a folder of its own: `--version` answers 3.11.7,
/// and running a file runs `script` (a `/bin/sh` script).
#[cfg(unix)]
fn fake_python3(script: &str) -> tempfile::TempDir {
    use std::os::unix::fs::PermissionsExt;
    let bin = tempfile::tempdir().unwrap();
    let path = bin.path().join("python3");
    std::fs::write(
        &path,
        format!(
            "#!/bin/sh\nif [ \"$1\" = --version ]; then echo 'Python 3.11.7'; exit 0; fi\n{script}\n"
        ),
    )
    .unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    bin
}

#[cfg(unix)]
#[test]
fn compare_does_not_wait_for_what_python3_left_running() {
    // The program's child keeps stdout open for a minute after python3
    // exits; the process runner kills it instead of waiting for it.
    let bin = fake_python3("/bin/sleep 60 &\necho 1");
    let (dir, _) = program("ok.py", b"print(1)\n");
    let started = std::time::Instant::now();
    let out = memlings_in(
        dir.path(),
        &["py", "ok.py", "--compare"],
        Some(bin.path().to_str().unwrap()),
    );
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("│ CPython 3.11.7"), "{}", out.stdout);
    assert!(
        out.stdout.ends_with("✓ identical output (1 line)\n"),
        "{}",
        out.stdout
    );
    assert!(
        started.elapsed() < std::time::Duration::from_secs(30),
        "waited {:?} for python3's child",
        started.elapsed()
    );
}

#[cfg(unix)]
#[test]
fn compare_stops_python3_when_it_prints_without_end() {
    // Lines of 64 KiB, so the cap is reached long before the time limit.
    let bin = fake_python3(
        "s=x; for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16; do s=$s$s; done\n\
         while :; do echo \"$s\"; done",
    );
    let (dir, _) = program("ok.py", b"print(1)\n");
    let out = memlings_in(
        dir.path(),
        &["py", "ok.py", "--compare"],
        Some(bin.path().to_str().unwrap()),
    );
    assert_eq!(out.code, 2, "{}", out.stdout);
    assert_eq!(
        out.stderr,
        "error: python3 printed more than 16 MiB running ok.py; is there a print in a loop that never ends?\n"
    );
}

/// The capstone's heap: with `object_header` passed, `--heap yours` is the
/// reference heap on the learner's arenas allocator with the learner's
/// `gc_list_*` functions linking the collector's lists. Every example must
/// print what python3 prints on it.
#[test]
fn every_example_agrees_with_python3_on_the_capstone_heap() {
    if !python3_available() {
        eprintln!(
            "SKIPPED every_example_agrees_with_python3_on_the_capstone_heap: python3 is not installed (CI has it)"
        );
        return;
    }
    let sb = common::Sandbox::new();
    sb.solve("arenas");
    sb.solve("object_header");
    sb.set_done(&["arenas", "object_header"]);
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo_root().join("examples"))
        .expect("the examples/ folder exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "py"))
        .collect();
    files.sort();
    assert!(files.len() >= 11, "the corpus has its lessons: {files:?}");
    let mut failures = Vec::new();
    for file in &files {
        let path = file.to_string_lossy();
        let out = sb.memlings(&["py", &path, "--heap", "yours", "--compare"]);
        let composed = out
            .stdout
            .contains("memlings, your heap (object_header)")
            && out.stderr.contains(
                "your heap: GC lists from object_header (exercises/13_capstone/object_header.rs), allocator from arenas",
            );
        if out.code != 0 || !composed {
            failures.push(format!(
                "--- {path} (exit {}):\n{}{}",
                out.code, out.stdout, out.stderr
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "the capstone heap and python3 disagree on {} of {} examples:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}
