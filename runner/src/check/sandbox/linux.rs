//! The Linux sandbox: a small supervisor process between the runner and the
//! check binary, so that whatever the binary starts dies with it.
//!
//! The runner clones the supervisor straight into new user, PID and mount
//! namespaces. It is the PID namespace's init: when it exits, the kernel
//! kills every process left in the namespace, wherever it moved (`setsid`,
//! double forks). In its mount namespace the workspace is bound read-only,
//! so the learner's code cannot rewrite the checks, snapshots, solutions or
//! generated packages that judge it. Where namespaces are refused (Ubuntu's
//! AppArmor restriction, many containers), the supervisor is a child
//! subreaper instead: orphans of the check come back to it, and it kills
//! its children until none are left.
//!
//! The supervisor starts the check binary, waits for it or for the runner's
//! word to stop (the runner closes the control pipe), kills what is left,
//! and reports how the binary ended as fixed-size records on a status pipe.
//!
//! This file is the runner's side. The supervisor itself, which lives by
//! the strict rules of a copy of a multi-threaded process (raw system calls
//! only, nothing allocated after the `clone`), is in `linux/supervisor.rs`.

use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;

use anyhow::{bail, Context, Result};

use super::{Ended, Streams};
use supervisor::{Plan, ENDED, EXEC_FAILED, READY, RECORD, SETUP_FAILED, STEPS};

mod supervisor;

/// The namespaces are tried until they fail once; then this process uses
/// the subreaper for good.
static NAMESPACES: AtomicU8 = AtomicU8::new(UNKNOWN);
const UNKNOWN: u8 = 0;
const WORK: u8 = 1;
const REFUSED: u8 = 2;

/// `MEMLINGS_SANDBOX=subreaper` skips the namespaces (to test the fallback).
const MODE_VARIABLE: &str = "MEMLINGS_SANDBOX";

/// A started check, seen from the runner.
pub struct Child {
    pid: libc::pid_t,
    status: OwnedFd,
    /// Closing it tells the supervisor to stop.
    control: Option<OwnedFd>,
}

pub fn start(
    binary: &Path,
    args: &[String],
    env: &[(&str, &str)],
    streams: &Streams,
    memory: Option<u64>,
    read_only: &[PathBuf],
) -> Result<Child> {
    let wanted = std::env::var_os(MODE_VARIABLE).is_none_or(|v| v != "subreaper");
    if wanted && NAMESPACES.load(Ordering::SeqCst) != REFUSED {
        match start_once(binary, args, env, streams, memory, read_only, true)? {
            Ok(child) => {
                NAMESPACES.store(WORK, Ordering::SeqCst);
                return Ok(child);
            }
            Err(_why) => NAMESPACES.store(REFUSED, Ordering::SeqCst),
        }
    }
    match start_once(binary, args, env, streams, memory, read_only, false)? {
        Ok(child) => Ok(child),
        Err(why) => bail!("cannot start the sandbox for {}: {why}", binary.display()),
    }
}

/// Whether checks run in namespaces (with the workspace read-only), as far
/// as this process has found out.
pub fn uses_namespaces() -> bool {
    NAMESPACES.load(Ordering::SeqCst) == WORK
}

/// `Ok(Err(why))` when the supervisor started but could not set itself up.
fn start_once(
    binary: &Path,
    args: &[String],
    env: &[(&str, &str)],
    streams: &Streams,
    memory: Option<u64>,
    read_only: &[PathBuf],
    namespaces: bool,
) -> Result<std::result::Result<Child, String>> {
    let (status_r, status_w) = pipe()?;
    let (control_r, control_w) = pipe()?;
    let plan = Plan::new(
        binary,
        args,
        env,
        [
            streams.stdin.as_raw_fd(),
            streams.stdout.as_raw_fd(),
            streams.stderr.as_raw_fd(),
            status_w.as_raw_fd(),
            control_r.as_raw_fd(),
        ],
        memory,
        namespaces,
        read_only,
    )?;
    let mut flags = libc::SIGCHLD as libc::c_ulong;
    if namespaces {
        flags |= (libc::CLONE_NEWUSER | libc::CLONE_NEWPID | libc::CLONE_NEWNS) as libc::c_ulong;
    }
    // Signals stay blocked until the supervisor has reset every handler it
    // inherited (the runner's may write to pipes it is about to reuse).
    let pid = unsafe {
        let mut all: libc::sigset_t = std::mem::zeroed();
        let mut old: libc::sigset_t = std::mem::zeroed();
        libc::sigfillset(&mut all);
        libc::pthread_sigmask(libc::SIG_SETMASK, &all, &mut old);
        // Safety: like fork(); the child only runs `supervise`, which never
        // returns and uses async-signal-safe system calls on `plan`'s
        // prepared data.
        let pid = libc::syscall(libc::SYS_clone, flags, 0usize, 0usize, 0usize, 0usize);
        if pid == 0 {
            supervisor::supervise(&plan, &old);
        }
        libc::pthread_sigmask(libc::SIG_SETMASK, &old, std::ptr::null_mut());
        pid
    };
    if pid < 0 {
        let err = std::io::Error::last_os_error();
        if namespaces {
            return Ok(Err(format!("clone: {err}")));
        }
        return Err(err).context("cannot start the sandbox");
    }
    let pid = pid as libc::pid_t;
    drop(status_w);
    drop(control_r);
    let child = Child {
        pid,
        status: status_r,
        control: Some(control_w),
    };
    // The supervisor says it is ready before it starts the binary, so a
    // refused namespace can be retried without losing anything.
    match child.read_record(Some(Duration::from_secs(10))) {
        Some([READY, _, _]) => Ok(Ok(child)),
        Some([SETUP_FAILED, step, errno]) => {
            child.reap();
            let step = STEPS.get(step as usize).copied().unwrap_or("setup");
            Ok(Err(format!(
                "{step}: {}",
                std::io::Error::from_raw_os_error(errno)
            )))
        }
        other => {
            child.kill();
            Ok(Err(format!("the supervisor did not start ({other:?})")))
        }
    }
}

impl Child {
    /// Waits up to `slice` for the binary to end; `None` if it still runs.
    pub fn wait(&mut self, slice: Duration) -> Result<Option<Ended>> {
        if !self.readable(slice) {
            return Ok(None);
        }
        let record = self.read_record(None);
        self.control = None;
        self.reap();
        match record {
            Some([ENDED, status, _]) => Ok(Some(decode(status))),
            Some([EXEC_FAILED, errno, _]) => Err(std::io::Error::from_raw_os_error(errno))
                .context("cannot start the check binary"),
            other => bail!("the sandbox's supervisor ended unexpectedly ({other:?})"),
        }
    }

    /// Kills the binary and everything it started, and waits until they
    /// are gone (or, at worst, the supervisor is).
    pub fn stop(&mut self) {
        self.control = None;
        if !self.readable(Duration::from_secs(3)) {
            self.kill();
            return;
        }
        let _ = self.read_record(None);
        self.reap();
    }

    fn readable(&self, timeout: Duration) -> bool {
        let mut fd = libc::pollfd {
            fd: self.status.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        };
        let ms = timeout.as_millis().min(i32::MAX as u128) as i32;
        // Safety: one valid pollfd.
        let n = unsafe { libc::poll(&mut fd, 1, ms) };
        n > 0
    }

    fn read_record(&self, timeout: Option<Duration>) -> Option<[i32; 3]> {
        if let Some(t) = timeout {
            if !self.readable(t) {
                return None;
            }
        }
        let mut buf = [0u8; RECORD];
        let mut got = 0;
        while got < RECORD {
            // Safety: reading into the rest of our buffer.
            let n = unsafe {
                libc::read(
                    self.status.as_raw_fd(),
                    buf[got..].as_mut_ptr().cast(),
                    RECORD - got,
                )
            };
            if n < 0 && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            if n <= 0 {
                return None;
            }
            got += n as usize;
        }
        let word = |i: usize| i32::from_ne_bytes(buf[i * 4..i * 4 + 4].try_into().unwrap());
        Some([word(0), word(1), word(2)])
    }

    fn kill(&self) {
        // Safety: our own child, not yet reaped. In namespaces this also
        // kills everything in them.
        unsafe { libc::kill(self.pid, libc::SIGKILL) };
        self.reap();
    }

    fn reap(&self) {
        let mut status = 0;
        // Safety: waiting for our own child.
        while unsafe { libc::waitpid(self.pid, &mut status, 0) } < 0
            && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted
        {}
    }
}

impl Drop for Child {
    fn drop(&mut self) {
        if self.control.is_some() {
            self.stop();
        }
    }
}

fn decode(status: i32) -> Ended {
    if libc::WIFEXITED(status) {
        Ended::Exited(libc::WEXITSTATUS(status))
    } else if libc::WIFSIGNALED(status) {
        Ended::Signaled(libc::WTERMSIG(status))
    } else {
        Ended::Exited(-1)
    }
}

fn pipe() -> Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0; 2];
    // Safety: pipe2 fills both fds on success; we own them from then on.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return Err(std::io::Error::last_os_error()).context("cannot create a pipe");
    }
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}
