//! Runs a compiled check binary under limits: wall-clock time, bytes of
//! output and address space. Whatever the exercise does, the runner gets an
//! answer back within the time limit and the machine stays usable: at the
//! deadline every process the binary started is killed (see `linux.rs`; a
//! process group elsewhere), and the runner stops reading its pipes even if
//! some escaped process still holds them.

#[cfg(target_os = "linux")]
mod linux;
// Also built in Linux's tests, so the fallback is tested where it is written.
#[cfg(any(not(target_os = "linux"), test))]
mod portable;

#[cfg(target_os = "linux")]
use linux as platform;
#[cfg(not(target_os = "linux"))]
use portable as platform;

use std::io::{PipeReader, PipeWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

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

/// The child's ends of its standard streams.
pub struct Streams {
    pub stdin: PipeReader,
    pub stdout: PipeWriter,
    pub stderr: PipeWriter,
}

/// How long the readers may take to see the end of output once every
/// process is gone; longer means a stray process still holds a pipe.
const DRAIN_GRACE: Duration = Duration::from_millis(500);

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
    run_sealed(binary, args, stdin_line, limits, &[])
}

/// [`run_with_args`], with folders the binary may read but not change
/// (where the platform allows it: see [`seals_folders`]).
pub fn run_sealed(
    binary: &Path,
    args: &[String],
    stdin_line: &str,
    limits: Limits,
    read_only: &[PathBuf],
) -> Result<Run> {
    let command = Command {
        program: binary,
        args,
        env: &[],
        stdin_line: Some(stdin_line),
    };
    run_command(&command, limits, read_only)
}

/// A program to run under limits: a check binary, or another program the
/// runner trusts no more than one (python3 for `memlings py --compare`).
pub struct Command<'a> {
    /// A path: it is executed as is, not looked up on `PATH`.
    pub program: &'a Path,
    pub args: &'a [String],
    /// Variables set on top of the runner's own environment.
    pub env: &'a [(&'a str, &'a str)],
    /// A line written on its stdin; `None` gives it an empty stdin.
    pub stdin_line: Option<&'a str>,
}

/// Runs `command` under `limits`, with `read_only` folders where the
/// platform allows, and every process it starts killed when it ends.
pub fn run_command(command: &Command, limits: Limits, read_only: &[PathBuf]) -> Result<Run> {
    let Command {
        program: binary,
        args,
        env,
        stdin_line,
    } = *command;
    // The input goes into the pipe before the child exists: a child that
    // exits without reading it can then never make our write fail, and
    // memlings (which dies on SIGPIPE, like other Unix tools) never writes
    // to a pipe whose reader is gone.
    let (stdin_reader, mut stdin_writer) =
        std::io::pipe().context("cannot create a pipe for the check's input")?;
    if let Some(line) = stdin_line {
        writeln!(stdin_writer, "{line}").context("cannot write the check's input")?;
    }
    drop(stdin_writer);
    let (out_reader, out_writer) = std::io::pipe().context("cannot create a pipe")?;
    let (err_reader, err_writer) = std::io::pipe().context("cannot create a pipe")?;
    let streams = Streams {
        stdin: stdin_reader,
        stdout: out_writer,
        stderr: err_writer,
    };
    let child = platform::start(binary, args, env, &streams, limits.memory_bytes, read_only)?;
    supervise(child, streams, out_reader, err_reader, limits)
}

/// A started check binary, whatever the platform's way of containing it.
trait Contained {
    /// Waits up to `slice` for the binary to end; `None` if it still runs.
    fn wait(&mut self, slice: Duration) -> Result<Option<Ended>>;
    /// Kills the binary and all it started.
    fn stop(&mut self);
}

impl Contained for platform::Child {
    fn wait(&mut self, slice: Duration) -> Result<Option<Ended>> {
        platform::Child::wait(self, slice)
    }

    fn stop(&mut self) {
        platform::Child::stop(self)
    }
}

#[cfg(all(test, target_os = "linux"))]
impl Contained for portable::Child {
    fn wait(&mut self, slice: Duration) -> Result<Option<Ended>> {
        portable::Child::wait(self, slice)
    }

    fn stop(&mut self) {
        portable::Child::stop(self)
    }
}

/// Reads the child's output and enforces the limits until it ends.
fn supervise(
    mut child: impl Contained,
    streams: Streams,
    out_reader: PipeReader,
    err_reader: PipeReader,
    limits: Limits,
) -> Result<Run> {
    // Only the child holds the writing ends now: its end is our EOF.
    drop(streams);

    let capped = Arc::new(AtomicBool::new(false));
    let budget = Arc::new(AtomicUsize::new(limits.output_bytes));
    let out = Drain::start(out_reader, budget.clone(), capped.clone());
    let err = Drain::start(err_reader, budget, capped.clone());

    let deadline = Instant::now() + limits.time;
    let ended = loop {
        let now = Instant::now();
        if now >= deadline {
            child.stop();
            break Ended::TimedOut;
        }
        if capped.load(Ordering::SeqCst) {
            child.stop();
            break Ended::OutputCapped;
        }
        // Short slices, so an output flood is stopped as soon as it passes
        // the cap, not only when the time runs out.
        let slice = (deadline - now).min(Duration::from_millis(25));
        if let Some(ended) = child.wait(slice)? {
            break ended;
        }
    };
    let stdout = out.finish(DRAIN_GRACE);
    let stderr = err.finish(DRAIN_GRACE);
    let ended = if capped.load(Ordering::SeqCst) && ended != Ended::TimedOut {
        Ended::OutputCapped
    } else {
        ended
    };
    Ok(Run {
        stdout,
        stderr,
        ended,
    })
}

/// Whether [`run_sealed`] makes its folders read-only in this process (on
/// Linux with user namespaces, once one check has run).
pub fn seals_folders() -> bool {
    platform::uses_namespaces()
}

/// Reads one pipe on its own thread, keeping at most the shared budget.
struct Drain {
    kept: Arc<Mutex<Vec<u8>>>,
    stop: Arc<AtomicBool>,
    finished: mpsc::Receiver<()>,
}

impl Drain {
    fn start(mut pipe: PipeReader, budget: Arc<AtomicUsize>, capped: Arc<AtomicBool>) -> Drain {
        let kept = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (tx, finished) = mpsc::channel();
        let (kept_in, stop_in) = (kept.clone(), stop.clone());
        thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while !stop_in.load(Ordering::SeqCst) {
                match pipe.read(&mut buf) {
                    Ok(0) => break,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(_) => break,
                    Ok(n) => {
                        let left = budget
                            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |b| {
                                Some(b.saturating_sub(n))
                            })
                            .unwrap_or(0);
                        let take = n.min(left);
                        kept_in.lock().unwrap().extend_from_slice(&buf[..take]);
                        if n > left {
                            capped.store(true, Ordering::SeqCst);
                        }
                    }
                }
            }
            let _ = tx.send(());
        });
        Drain {
            kept,
            stop,
            finished,
        }
    }

    /// What was read, once the pipe is at its end or `grace` has passed: a
    /// pipe an escaped process keeps open must not hold the runner. The
    /// reader then stops at its next read, closing the pipe.
    fn finish(self, grace: Duration) -> String {
        let _ = self.finished.recv_timeout(grace);
        self.stop.store(true, Ordering::SeqCst);
        let kept = std::mem::take(&mut *self.kept.lock().unwrap());
        String::from_utf8_lossy(&kept).into_owned()
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    /// Runs a shell script in the sandbox, with `portable` or the platform's.
    fn shell(script: &str, limits: Limits, portable: bool) -> Run {
        let (stdin, mut writer) = std::io::pipe().unwrap();
        writeln!(writer, "the input").unwrap();
        drop(writer);
        let (out_reader, stdout) = std::io::pipe().unwrap();
        let (err_reader, stderr) = std::io::pipe().unwrap();
        let streams = Streams {
            stdin,
            stdout,
            stderr,
        };
        let args = ["-c".to_string(), script.to_string()];
        let sh = Path::new("/bin/sh");
        #[cfg(target_os = "linux")]
        if !portable {
            let child = linux::start(sh, &args, &[], &streams, None, &[]).unwrap();
            return supervise(child, streams, out_reader, err_reader, limits).unwrap();
        }
        let _ = portable;
        let child = portable::start(sh, &args, &[], &streams, None, &[]).unwrap();
        supervise(child, streams, out_reader, err_reader, limits).unwrap()
    }

    fn short() -> Limits {
        Limits {
            time: Duration::from_secs(2),
            ..Limits::default()
        }
    }

    #[test]
    fn reports_output_input_and_how_the_process_ended() {
        for portable in [false, true] {
            let run = shell(
                "read line; echo \"got $line\"; echo oops >&2; exit 3",
                short(),
                portable,
            );
            assert_eq!(run.stdout, "got the input\n", "portable: {portable}");
            assert_eq!(run.stderr, "oops\n");
            assert_eq!(run.ended, Ended::Exited(3));

            let run = shell("kill -SEGV $$", short(), portable);
            assert_eq!(
                run.ended,
                Ended::Signaled(libc::SIGSEGV),
                "portable: {portable}"
            );
        }
    }

    #[test]
    fn the_time_limit_and_the_output_cap_stop_it() {
        for portable in [false, true] {
            let started = Instant::now();
            let run = shell("while :; do :; done", short(), portable);
            assert_eq!(run.ended, Ended::TimedOut, "portable: {portable}");
            assert!(started.elapsed() < Duration::from_secs(5));

            let capped = Limits {
                output_bytes: 1000,
                ..short()
            };
            let run = shell("while :; do echo spam; done", capped, portable);
            assert_eq!(run.ended, Ended::OutputCapped, "portable: {portable}");
            assert!(run.stdout.len() <= 1000);
        }
    }
}
