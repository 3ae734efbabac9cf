//! The sandbox where Linux's namespaces and subreapers do not exist: the
//! check binary gets its own process group (on Unix), and stopping it kills
//! that group. A child that moves to another group or session escapes the
//! kill, but the runner still stops reading its pipes at the deadline.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::{Context, Result};
use wait_timeout::ChildExt;

use super::{Ended, Streams};

pub struct Child {
    child: std::process::Child,
    done: bool,
}

// On Linux this module is only built for its tests.
#[cfg_attr(target_os = "linux", allow(dead_code))]
pub fn uses_namespaces() -> bool {
    false
}

pub fn start(
    binary: &Path,
    args: &[String],
    env: &[(&str, &str)],
    streams: &Streams,
    memory: Option<u64>,
    _read_only: &[PathBuf],
) -> Result<Child> {
    let mut cmd = Command::new(binary);
    cmd.args(args)
        .stdin(Stdio::from(streams.stdin.try_clone()?))
        .stdout(Stdio::from(streams.stdout.try_clone()?))
        .stderr(Stdio::from(streams.stderr.try_clone()?))
        .env("RUST_BACKTRACE", "0")
        .envs(env.iter().copied());
    confine(&mut cmd, memory);
    let child = cmd
        .spawn()
        .with_context(|| format!("cannot start {}", binary.display()))?;
    Ok(Child { child, done: false })
}

impl Child {
    pub fn wait(&mut self, slice: Duration) -> Result<Option<Ended>> {
        let Some(status) = self.child.wait_timeout(slice)? else {
            return Ok(None);
        };
        self.done = true;
        kill_group(self.child.id());
        Ok(Some(exit_kind(status)))
    }

    pub fn stop(&mut self) {
        kill_group(self.child.id());
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.done = true;
    }
}

impl Drop for Child {
    fn drop(&mut self) {
        if !self.done {
            self.stop();
        }
    }
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
fn confine(cmd: &mut Command, memory: Option<u64>) {
    use std::os::unix::process::CommandExt;
    cmd.process_group(0);
    // Safety: the closure runs in the forked child before exec and calls only
    // async-signal-safe functions (setrlimit).
    unsafe {
        cmd.pre_exec(move || {
            if let Some(bytes) = memory {
                let limit = libc::rlimit {
                    rlim_cur: bytes as libc::rlim_t,
                    rlim_max: bytes as libc::rlim_t,
                };
                libc::setrlimit(libc::RLIMIT_AS, &limit);
            }
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
fn confine(_cmd: &mut Command, _memory: Option<u64>) {}

#[cfg(unix)]
fn kill_group(pid: u32) {
    // Safety: signalling the process group we created; ESRCH is fine.
    unsafe {
        libc::kill(-(pid as libc::pid_t), libc::SIGKILL);
    }
}

#[cfg(not(unix))]
fn kill_group(_pid: u32) {}
