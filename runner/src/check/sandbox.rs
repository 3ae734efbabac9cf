//! Runs a compiled check binary under limits: wall-clock time, bytes of
//! output and address space. Whatever the exercise does, the runner gets an
//! answer back and the machine stays usable.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result};
use wait_timeout::ChildExt;

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub time: Duration,
    /// Bytes of stdout plus stderr.
    pub output_bytes: usize,
    /// Address-space limit; `None` leaves it unlimited.
    pub memory_bytes: Option<u64>,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            time: Duration::from_secs(crate::registry::DEFAULT_TIME_LIMIT_SECS),
            output_bytes: 1 << 20,
            memory_bytes: Some(2 << 30),
        }
    }
}

#[derive(Debug)]
pub struct Run {
    pub stdout: String,
    pub stderr: String,
    pub ended: Ended,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Ended {
    Exited(i32),
    /// Killed by a signal it raised itself (abort, segfault, ...).
    Signaled(i32),
    TimedOut,
    OutputCapped,
}

pub fn run(binary: &Path, stdin_line: &str, limits: Limits) -> Result<Run> {
    run_with_args(binary, &[], stdin_line, limits)
}

/// [`run`], with command-line arguments for the binary.
pub fn run_with_args(
    binary: &Path,
    args: &[String],
    stdin_line: &str,
    limits: Limits,
) -> Result<Run> {
    // The input goes into the pipe before the child exists: a child that
    // exits without reading it can then never make our write fail, and
    // memlings (which dies on SIGPIPE, like other Unix tools) never writes
    // to a pipe whose reader is gone.
    let (stdin_reader, mut stdin_writer) =
        std::io::pipe().context("cannot create a pipe for the check's input")?;
    writeln!(stdin_writer, "{stdin_line}").context("cannot write the check's input")?;
    drop(stdin_writer);
    let mut cmd = Command::new(binary);
    cmd.args(args)
        .stdin(stdin_reader)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env("RUST_BACKTRACE", "0");
    confine(&mut cmd, limits);
    let mut child = cmd
        .spawn()
        .with_context(|| format!("cannot start {}", binary.display()))?;

    let capped = Arc::new(AtomicBool::new(false));
    let budget = Arc::new(std::sync::atomic::AtomicUsize::new(limits.output_bytes));
    let out = drain(child.stdout.take(), budget.clone(), capped.clone());
    let err = drain(child.stderr.take(), budget, capped.clone());

    let pid = child.id();
    let mut ended = None;
    let deadline = std::time::Instant::now() + limits.time;
    // Poll so an output flood is stopped as soon as it passes the cap, not
    // only when the time runs out.
    while ended.is_none() {
        let now = std::time::Instant::now();
        if now >= deadline {
            kill_group(pid);
            let _ = child.wait();
            ended = Some(Ended::TimedOut);
            break;
        }
        let slice = (deadline - now).min(Duration::from_millis(50));
        if let Some(status) = child.wait_timeout(slice)? {
            ended = Some(exit_kind(status));
        } else if capped.load(Ordering::SeqCst) {
            kill_group(pid);
            let _ = child.wait();
            ended = Some(Ended::OutputCapped);
        }
    }
    // The process group is gone; stray grandchildren holding the pipes were
    // killed with it, so the readers finish.
    kill_group(pid);
    let stdout = out.join().unwrap_or_default();
    let stderr = err.join().unwrap_or_default();
    let mut ended = ended.expect("the loop only ends with a verdict");
    if capped.load(Ordering::SeqCst) && ended != Ended::TimedOut {
        ended = Ended::OutputCapped;
    }
    Ok(Run {
        stdout,
        stderr,
        ended,
    })
}

fn drain<R: Read + Send + 'static>(
    pipe: Option<R>,
    budget: Arc<std::sync::atomic::AtomicUsize>,
    capped: Arc<AtomicBool>,
) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let Some(mut pipe) = pipe else {
            return String::new();
        };
        let mut kept = Vec::new();
        let mut buf = [0u8; 8192];
        loop {
            match pipe.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    let left = budget
                        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |b| {
                            Some(b.saturating_sub(n))
                        })
                        .unwrap_or(0);
                    if n > left {
                        kept.extend_from_slice(&buf[..left]);
                        capped.store(true, Ordering::SeqCst);
                        // Keep reading so the child never blocks on a full
                        // pipe before it is killed.
                    } else {
                        kept.extend_from_slice(&buf[..n]);
                    }
                }
            }
        }
        String::from_utf8_lossy(&kept).into_owned()
    })
}

#[cfg(unix)]
fn exit_kind(status: std::process::ExitStatus) -> Ended {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => Ended::Exited(code),
        (None, Some(signal)) => Ended::Signaled(signal),
        (None, None) => Ended::Exited(-1),
    }
}

#[cfg(not(unix))]
fn exit_kind(status: std::process::ExitStatus) -> Ended {
    Ended::Exited(status.code().unwrap_or(-1))
}

#[cfg(unix)]
fn confine(cmd: &mut Command, limits: Limits) {
    use std::os::unix::process::CommandExt;
    let memory = limits.memory_bytes;
    // Safety: the closure runs in the forked child before exec and calls only
    // async-signal-safe functions (setpgid, setrlimit).
    unsafe {
        cmd.pre_exec(move || {
            // Its own process group, so a timeout kills whatever it spawned.
            libc::setpgid(0, 0);
            if let Some(bytes) = memory {
                let limit = libc::rlimit {
                    rlim_cur: bytes as libc::rlim_t,
                    rlim_max: bytes as libc::rlim_t,
                };
                libc::setrlimit(libc::RLIMIT_AS, &limit);
            }
            // No core files from a crashing exercise.
            let none = libc::rlimit {
                rlim_cur: 0,
                rlim_max: 0,
            };
            libc::setrlimit(libc::RLIMIT_CORE, &none);
            Ok(())
        });
    }
}

#[cfg(not(unix))]
fn confine(_cmd: &mut Command, _limits: Limits) {}

#[cfg(unix)]
fn kill_group(pid: u32) {
    // Safety: signalling a process group we created; a group that is already
    // gone makes kill return ESRCH, which is fine.
    unsafe {
        libc::kill(-(pid as libc::pid_t), libc::SIGKILL);
    }
}

#[cfg(not(unix))]
fn kill_group(_pid: u32) {}
