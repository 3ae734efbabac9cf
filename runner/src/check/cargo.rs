//! Runs `cargo build` on a generated package with a time limit on the
//! learner's part, and hands back cargo's JSON messages.
//!
//! The limit starts once the dependencies (the interpreter crate and what
//! it uses) are built, since nothing the learner writes can slow those, and
//! a first build of them on a slow machine takes long. From then on, cargo
//! must report progress (a binary built, an error) at least every
//! [`build_time_limit`]: a `const` computed by an endless loop never
//! reports, and the build is stopped, rustc processes and all.

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

/// The crate every generated package depends on; once it is built, only
/// the learner's binaries are left.
const LAST_DEPENDENCY: &str = "memlings_python";

/// Overrides the default limit, in seconds.
pub const LIMIT_VARIABLE: &str = "MEMLINGS_BUILD_TIME_LIMIT";
const DEFAULT_LIMIT_SECS: u64 = 60;

/// How long the learner's part of a build may go without progress.
pub fn build_time_limit() -> Duration {
    let secs = std::env::var(LIMIT_VARIABLE)
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|&s| s > 0)
        .unwrap_or(DEFAULT_LIMIT_SECS);
    Duration::from_secs(secs)
}

pub struct Built {
    /// Cargo's JSON messages, one per line.
    pub messages: Vec<serde_json::Value>,
    pub stderr: String,
    pub success: bool,
    /// The limit, if the build was stopped by it.
    pub stopped_after: Option<Duration>,
}

/// Runs `cmd` (a `cargo build --message-format=json...`) to its end or to
/// the limit.
pub fn build(mut cmd: Command) -> Result<Built> {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd
        .spawn()
        .context("cannot run cargo; is Rust installed (https://rustup.rs)?")?;
    let stdout = child.stdout.take().expect("piped");
    let mut stderr = child.stderr.take().expect("piped");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let err_reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.read_to_string(&mut text);
        text
    });

    let limit = build_time_limit();
    let mut messages = Vec::new();
    let mut progress_since: Option<Instant> = None;
    let mut stopped_after = None;
    loop {
        let wait = match progress_since {
            Some(at) => limit.saturating_sub(at.elapsed()),
            // Dependencies: no limit of ours (cargo may also be waiting
            // for another build's lock on the folder).
            None => Duration::from_secs(3600),
        };
        match rx.recv_timeout(wait) {
            Ok(line) => {
                let Ok(msg) = serde_json::from_str::<serde_json::Value>(&line) else {
                    continue;
                };
                let reason = msg["reason"].as_str().unwrap_or_default();
                if reason == "compiler-artifact" || reason == "compiler-message" {
                    let is_dependency = msg["target"]["name"].as_str() == Some(LAST_DEPENDENCY);
                    if is_dependency || progress_since.is_some() {
                        progress_since = Some(Instant::now());
                    }
                }
                messages.push(msg);
            }
            Err(mpsc::RecvTimeoutError::Timeout) if progress_since.is_some() => {
                kill_tree(&mut child);
                stopped_after = Some(limit);
                break;
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    let status = child.wait().context("cannot wait for cargo")?;
    let stderr = err_reader.join().unwrap_or_default();
    Ok(Built {
        messages,
        stderr,
        success: status.success() && stopped_after.is_none(),
        stopped_after,
    })
}

/// Kills cargo and the rustc processes it started. Cargo shares the
/// runner's process group (so Ctrl-C still reaches it), so they are found
/// by their parent: cargo is stopped first so it starts no more.
fn kill_tree(child: &mut std::process::Child) {
    #[cfg(unix)]
    {
        let root = child.id() as libc::pid_t;
        // Safety: signalling our own child.
        unsafe { libc::kill(root, libc::SIGSTOP) };
        for pid in descendants(root) {
            // Safety: a process whose parent chain leads to our child.
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
    }
    let _ = child.kill();
}

/// Every process below `root`, read from /proc (empty where there is none).
#[cfg(unix)]
fn descendants(root: libc::pid_t) -> Vec<libc::pid_t> {
    let mut parents: Vec<(libc::pid_t, libc::pid_t)> = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse().ok()) else {
            continue;
        };
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // `pid (comm) state ppid ...`; comm may hold spaces and parentheses.
        let Some(after) = stat.rfind(')').map(|at| &stat[at + 1..]) else {
            continue;
        };
        if let Some(ppid) = after.split_whitespace().nth(1).and_then(|s| s.parse().ok()) {
            parents.push((pid, ppid));
        }
    }
    let mut found = vec![root];
    let mut i = 0;
    while i < found.len() {
        let parent = found[i];
        found.extend(
            parents
                .iter()
                .filter(|(_, ppid)| *ppid == parent)
                .map(|(pid, _)| *pid),
        );
        i += 1;
    }
    found.remove(0);
    found
}
