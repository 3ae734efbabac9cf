//! The real `memlings` binary against exercise code that attacks the
//! runner: processes that escape, builds that never end, files written to
//! change the verdict, and output imitating the runner's own facts. Each
//! test starts from a solved exercise, so the working tree's state of the
//! exercises does not matter.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{Output, Sandbox};
use wait_timeout::ChildExt;

/// Runs `memlings` like `Sandbox::memlings`, with extra environment and a
/// wall-clock bound of its own, so a runner that hangs fails the test
/// instead of hanging it. Returns the output and how long it took.
fn memlings_within(
    sb: &Sandbox,
    args: &[&str],
    env: &[(&str, &str)],
    bound: Duration,
) -> (Output, Duration) {
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_memlings"))
        .args(args)
        .current_dir(&sb.root)
        .env_remove("NO_COLOR")
        .env_remove("MEMLINGS_BUILD_DIR")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let out = child.stdout.take().unwrap();
    let err = child.stderr.take().unwrap();
    let read = |mut pipe: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = pipe.read_to_string(&mut text);
            text
        })
    };
    let (out, err) = (read(Box::new(out)), read(Box::new(err)));
    let status = child.wait_timeout(bound).unwrap();
    let Some(status) = status else {
        let _ = child.kill();
        let _ = child.wait();
        panic!("memlings {args:?} still runs after {bound:?}");
    };
    let elapsed = started.elapsed();
    // A stray process may still hold the pipes: give the readers a moment.
    let join = |h: std::thread::JoinHandle<String>| {
        let deadline = Instant::now() + Duration::from_secs(2);
        while !h.is_finished() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        if h.is_finished() {
            h.join().unwrap()
        } else {
            String::from("(a stray process still holds this pipe)")
        }
    };
    (
        Output {
            code: status.code().unwrap_or(-1),
            stdout: join(out),
            stderr: join(err),
        },
        elapsed,
    )
}

/// A marker no other process has, for finding the ones a test started.
fn marker() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    // A number, so `sleep` takes it as one more (tiny) duration.
    format!("0.000{}{:09}", std::process::id(), nanos)
}

/// Processes whose command line holds `marker`.
fn alive_with(marker: &str) -> Vec<u32> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse().ok()) else {
            continue;
        };
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        if String::from_utf8_lossy(&cmdline).contains(marker) {
            found.push(pid);
        }
    }
    found
}

/// Kills, by id, whatever a failed test left running with its marker.
struct Leftovers<'a>(&'a str);

impl Drop for Leftovers<'_> {
    fn drop(&mut self) {
        for pid in alive_with(self.0) {
            let _ = Command::new("kill").arg("-9").arg(pid.to_string()).status();
        }
    }
}

/// The solved `units`, checked once so the dependencies are built and
/// later runs time only what the test is about.
fn solved_units() -> Sandbox {
    let sb = Sandbox::new();
    sb.solve("units");
    sb.memlings(&["check", "units"]).assert_code(0);
    sb
}

/// Replaces the body of `bits_to_bytes` in the solved `units`.
fn units_bits_to_bytes(sb: &Sandbox, body: &str) {
    sb.edit("units", |src| src.replace("bits.div_ceil(8)", body));
}

const SANDBOX_MODES: [&[(&str, &str)]; 2] = [&[], &[("MEMLINGS_SANDBOX", "subreaper")]];

#[test]
fn an_escaped_sleeper_neither_holds_the_runner_nor_outlives_the_check() {
    let sb = solved_units();
    for env in SANDBOX_MODES {
        let mark = marker();
        let _cleanup = Leftovers(&mark);
        units_bits_to_bytes(
            &sb,
            &format!(
                "{{ std::process::Command::new(\"setsid\").args([\"sleep\", \"infinity\", \"{mark}\"]).spawn().unwrap(); loop {{ std::hint::spin_loop(); }} }}"
            ),
        );
        let (out, took) = memlings_within(
            &sb,
            &["check", "units", "--time-limit", "2"],
            env,
            Duration::from_secs(60),
        );
        out.assert_code(1);
        out.assert_stdout_has("✗ units did not finish within 2 s");
        assert!(took < Duration::from_secs(10), "{env:?}: took {took:?}");
        assert_eq!(alive_with(&mark), Vec::<u32>::new(), "{env:?}: left alive");
        sb.solve("units");
    }
}

#[test]
fn a_child_left_behind_by_a_finished_check_is_killed_with_it() {
    let sb = solved_units();
    for env in SANDBOX_MODES {
        let mark = marker();
        let _cleanup = Leftovers(&mark);
        // It keeps the check's stdout open, which used to hold the runner.
        units_bits_to_bytes(
            &sb,
            &format!(
                "{{ static ONCE: std::sync::Once = std::sync::Once::new(); ONCE.call_once(|| {{ std::process::Command::new(\"setsid\").args([\"sleep\", \"infinity\", \"{mark}\"]).spawn().unwrap(); }}); bits.div_ceil(8) }}"
            ),
        );
        let (out, took) = memlings_within(&sb, &["check", "units"], env, Duration::from_secs(60));
        out.assert_code(0);
        out.assert_stdout_has("✓ units passes");
        assert!(took < Duration::from_secs(10), "{env:?}: took {took:?}");
        assert_eq!(alive_with(&mark), Vec::<u32>::new(), "{env:?}: left alive");
        sb.solve("units");
    }
}

#[test]
fn an_escaped_flood_is_stopped_and_killed() {
    let sb = solved_units();
    for env in SANDBOX_MODES {
        for (stdout, verdict) in [
            ("inherit", "✗ units printed more than 1 MiB"),
            ("null", "✗ units did not finish within 2 s"),
        ] {
            let mark = marker();
            let _cleanup = Leftovers(&mark);
            units_bits_to_bytes(
                &sb,
                &format!(
                    "{{ std::process::Command::new(\"setsid\").args([\"yes\", \"{mark}\"]).stdout(std::process::Stdio::{stdout}()).spawn().unwrap(); loop {{ std::hint::spin_loop(); }} }}"
                ),
            );
            let (out, took) = memlings_within(
                &sb,
                &["check", "units", "--time-limit", "2"],
                env,
                Duration::from_secs(60),
            );
            out.assert_code(1);
            out.assert_stdout_has(verdict);
            assert!(
                took < Duration::from_secs(10),
                "{env:?} {stdout}: took {took:?}"
            );
            assert_eq!(
                alive_with(&mark),
                Vec::<u32>::new(),
                "{env:?} {stdout}: left alive"
            );
            sb.solve("units");
        }
    }
}

#[test]
fn a_constant_that_never_finishes_computing_stops_the_build() {
    let sb = solved_units();
    let root = sb.root.display().to_string();
    let _cleanup = Leftovers(&root);
    sb.edit("units", |src| {
        format!(
            "{src}\n#[allow(long_running_const_eval)]\nconst NEVER: u64 = {{ let mut i = 0u64; loop {{ i = i.wrapping_add(1); }} }};\npub fn never() -> u64 {{ NEVER }}\n"
        )
    });
    let (out, took) = memlings_within(
        &sb,
        &["check", "units"],
        &[("MEMLINGS_BUILD_TIME_LIMIT", "3")],
        Duration::from_secs(120),
    );
    out.assert_code(1);
    out.assert_stdout_has("✗ units does not compile");
    out.assert_stdout_has("the compiler made no progress for 3 s, so memlings stopped it");
    assert!(took < Duration::from_secs(30), "took {took:?}");
    // No rustc left computing the constant for the sandbox.
    assert_eq!(alive_with(&root), Vec::<u32>::new(), "compiler left alive");
    sb.solve("units");
    sb.memlings(&["check", "units"]).assert_code(0);
}

#[test]
fn a_build_script_in_the_generated_package_never_runs() {
    let sb = solved_units();
    // What a run of exercise code could write where nobody looks.
    std::fs::write(
        sb.root.join("target/memlings/exercises/build.rs"),
        "fn main() { panic!(\"a build script ran\"); }\n",
    )
    .unwrap();
    sb.edit("units", |src| {
        format!("{src}\n// changed, so it is built again\n")
    });
    let out = sb.memlings(&["check", "units"]);
    out.assert_code(0);
    out.assert_stdout_has("✓ units passes");
}

#[test]
fn exercise_code_cannot_rewrite_what_judges_it() {
    let sb = solved_units();
    let harness = sb.root.join("runner/checks/harness.rs");
    let snapshots = sb.root.join("runner/snapshots/units");
    let before = contents(std::slice::from_ref(&harness), &snapshots);
    // Sealed read-only (namespaces), or put back after the run (fallback).
    for env in SANDBOX_MODES {
        units_bits_to_bytes(
            &sb,
            "{ std::fs::write(\"runner/checks/harness.rs\", \"// gone\").unwrap(); for e in std::fs::read_dir(\"runner/snapshots/units\").unwrap() { std::fs::write(e.unwrap().path(), \"---\\n---\\nforged\\n\").unwrap(); } bits.div_ceil(8) }",
        );
        let (out, _) = memlings_within(&sb, &["check", "units"], env, Duration::from_secs(120));
        out.assert_code(1);
        if !env.is_empty() {
            out.assert_stdout_has("(memlings put back the original)");
        }
        assert_eq!(
            contents(std::slice::from_ref(&harness), &snapshots),
            before,
            "{env:?}: files changed"
        );
        // Later checks are judged as before: unsolved fails, solved passes.
        sb.solve("units");
        units_bits_to_bytes(&sb, "todo!()");
        sb.memlings(&["check", "units"]).assert_code(1);
        sb.solve("units");
        sb.memlings(&["check", "units"]).assert_code(0);
    }
}

fn contents(files: &[PathBuf], dir: &Path) -> Vec<(String, String)> {
    let mut all: Vec<PathBuf> = files.to_vec();
    all.extend(std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()));
    all.sort();
    all.iter()
        .map(|p| (p.display().to_string(), std::fs::read_to_string(p).unwrap()))
        .collect()
}

#[test]
fn messages_name_the_learners_file_not_the_staged_copy() {
    let sb = solved_units();
    units_bits_to_bytes(&sb, "panic!(\"boom\")");
    let out = sb.memlings(&["check", "units"]);
    out.assert_code(1);
    out.assert_stdout_has("boom (at exercises/01_bits_and_bytes/units.rs:");
    sb.solve("units");
    units_bits_to_bytes(&sb, "{ let x: u8 = \"no\"; 0 }");
    let out = sb.memlings(&["check", "units"]);
    out.assert_code(1);
    out.assert_stdout_has("--> exercises/01_bits_and_bytes/units.rs:");
    assert!(!out.stdout.contains("stage"), "{}", out.stdout);
}

#[test]
fn correct_code_that_prints_the_allocators_message_passes() {
    let sb = solved_units();
    units_bits_to_bytes(
        &sb,
        "{ eprintln!(\"memory allocation of 1024 bytes failed\"); eprintln!(\"thread 'main' has overflowed its stack\"); bits.div_ceil(8) }",
    );
    let out = sb.memlings(&["check", "units"]);
    out.assert_code(0);
    out.assert_stdout_has("✓ units passes");
}

#[test]
fn a_recursion_that_never_stops_is_a_stack_overflow() {
    let sb = solved_units();
    sb.edit("units", |src| {
        format!(
            "{}\n#[allow(unconditional_recursion)]\nfn deeper(n: u64) -> u64 {{ std::hint::black_box(deeper(n + 1)) + 1 }}\n",
            src.replace("bits.div_ceil(8)", "deeper(bits)")
        )
    });
    let out = sb.memlings(&["check", "units"]);
    out.assert_code(1);
    out.assert_stdout_has("✗ units crashed: it overflowed the stack");
}

#[test]
fn exiting_with_an_error_after_the_check_finished_does_not_pass() {
    let sb = solved_units();
    // A thread-local's destructor runs after `main`, after the `done` frame.
    sb.edit("units", |src| {
        format!(
            "{}\nstruct ExitLate;\nimpl Drop for ExitLate {{\n    fn drop(&mut self) {{\n        extern \"C\" {{ fn _exit(code: i32) -> !; }}\n        unsafe {{ _exit(2) }}\n    }}\n}}\nthread_local! {{ static LATE: ExitLate = const {{ ExitLate }}; }}\n",
            src.replace("bits.div_ceil(8)", "{ LATE.with(|_| {}); bits.div_ceil(8) }")
        )
    });
    let out = sb.memlings(&["check", "units"]);
    out.assert_code(1);
    out.assert_stdout_has("it exited with status 2 after the check finished");
}

#[test]
fn refcount_heap_is_judged_without_the_learners_earlier_exercises() {
    let sb = Sandbox::new();
    sb.solve("refcount_heap");
    // getsizeof and list_growth as a learner may have them mid-way: not
    // even compiling.
    for name in ["getsizeof", "list_growth"] {
        std::fs::write(sb.exercise_path(name), "this is not rust yet\n").unwrap();
    }
    let out = sb.memlings(&["check", "refcount_heap"]);
    out.assert_code(0);
    out.assert_stdout_has("✓ refcount_heap passes");

    // `py --heap yours` runs their own pieces, and says so.
    std::fs::write(sb.root.join("prog.py"), "print(1)\n").unwrap();
    let out = sb.memlings(&["py", "prog.py", "--heap", "yours"]);
    out.assert_stderr_has("your heap: storage from refcount_heap (exercises/07_counting/refcount_heap.rs), sizes from getsizeof + list_growth; collector: none yet (cycles are never freed)");
    out.assert_stderr_has("not finished yet: getsizeof (its check has not passed) and list_growth (its check has not passed)");
}
