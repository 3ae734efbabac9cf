//! The sandbox's supervisor, from `clone` to `execve`: it runs in a copy of
//! the multi-threaded runner, so it makes raw system calls only, never
//! allocates, and never takes a lock another thread might have held. All
//! it needs is prepared beforehand, in the runner, as a [`Plan`].

use std::ffi::{CString, OsStr};
use std::os::fd::RawFd;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

// Records on the status pipe: tag, then two values.
pub(super) const READY: i32 = 1;
pub(super) const SETUP_FAILED: i32 = 2;
pub(super) const EXEC_FAILED: i32 = 3;
pub(super) const ENDED: i32 = 4;
pub(super) const STOPPED: i32 = 5;
pub(super) const RECORD: usize = 12;

// The supervisor's file descriptors, fixed so no number needs computing.
pub(super) const FD_STATUS: RawFd = 3;
pub(super) const FD_CONTROL: RawFd = 4;

/// Steps of the namespace setup, named in the error when one fails.
pub(super) const STEPS: [&str; 8] = [
    "fds",
    "setgroups",
    "uid_map",
    "gid_map",
    "private mounts",
    "bind mount",
    "read-only remount",
    "chdir",
];

/// Everything the supervisor needs, allocated before it exists.
pub(super) struct Plan {
    program: CString,
    _args: Vec<CString>,
    argv: Vec<*const libc::c_char>,
    _env: Vec<CString>,
    envp: Vec<*const libc::c_char>,
    /// stdin, stdout, stderr, status, control: the child's ends.
    fds: [RawFd; 5],
    memory: Option<u64>,
    namespaces: bool,
    uid_map: Vec<u8>,
    gid_map: Vec<u8>,
    /// Paths bound read-only, with the mount flags they must keep.
    read_only: Vec<(CString, libc::c_ulong)>,
    /// The working directory, entered again once the mounts are in place
    /// (the old one still points below them).
    cwd: Option<CString>,
}

fn c_string(bytes: &[u8]) -> Result<CString> {
    CString::new(bytes).context("a path or argument holds a NUL byte")
}

impl Plan {
    pub(super) fn new(
        binary: &Path,
        args: &[String],
        env: &[(&str, &str)],
        fds: [RawFd; 5],
        memory: Option<u64>,
        namespaces: bool,
        read_only: &[PathBuf],
    ) -> Result<Plan> {
        let program = c_string(binary.as_os_str().as_bytes())?;
        let mut arg_strings = vec![program.clone()];
        for arg in args {
            arg_strings.push(c_string(arg.as_bytes())?);
        }
        let mut env_strings = Vec::new();
        for (key, value) in std::env::vars_os() {
            if key == "RUST_BACKTRACE" || env.iter().any(|(k, _)| key == *k) {
                continue;
            }
            let mut entry = key.as_bytes().to_vec();
            entry.push(b'=');
            entry.extend_from_slice(value.as_bytes());
            env_strings.push(c_string(&entry)?);
        }
        // Panic messages are the check's results; backtraces would be noise.
        env_strings.push(c_string(b"RUST_BACKTRACE=0")?);
        for (key, value) in env {
            env_strings.push(c_string(format!("{key}={value}").as_bytes())?);
        }
        let pointers = |strings: &[CString]| {
            let mut p: Vec<*const libc::c_char> = strings.iter().map(|s| s.as_ptr()).collect();
            p.push(std::ptr::null());
            p
        };
        // Safety: plain getters.
        let (uid, gid) = unsafe { (libc::geteuid(), libc::getegid()) };
        let mut mounts = Vec::new();
        for path in read_only {
            let Ok(path) = path.canonicalize() else {
                continue;
            };
            let c = c_string(path.as_os_str().as_bytes())?;
            mounts.push((c.clone(), kept_flags(&c)));
        }
        Ok(Plan {
            argv: pointers(&arg_strings),
            envp: pointers(&env_strings),
            program,
            _args: arg_strings,
            _env: env_strings,
            fds,
            memory,
            namespaces,
            // The same ids inside as outside: files look as they do.
            uid_map: format!("{uid} {uid} 1\n").into_bytes(),
            gid_map: format!("{gid} {gid} 1\n").into_bytes(),
            read_only: mounts,
            cwd: std::env::current_dir()
                .ok()
                .and_then(|d| CString::new(d.as_os_str().as_bytes()).ok()),
        })
    }
}

/// The flags of the mount holding `path` that a remount inside a user
/// namespace may not clear (the kernel locks them).
fn kept_flags(path: &CString) -> libc::c_ulong {
    // Safety: statvfs on a valid C string into a zeroed struct.
    let mut info: libc::statvfs = unsafe { std::mem::zeroed() };
    if unsafe { libc::statvfs(path.as_ptr(), &mut info) } != 0 {
        return 0;
    }
    let keep = libc::ST_NOSUID
        | libc::ST_NODEV
        | libc::ST_NOEXEC
        | libc::ST_NOATIME
        | libc::ST_NODIRATIME
        | libc::ST_RELATIME;
    // The ST_ and MS_ bits are the same numbers on Linux.
    info.f_flag & keep
}

/// Writes one record on the status pipe.
unsafe fn report(tag: i32, a: i32, b: i32) {
    let mut buf = [0u8; RECORD];
    buf[..4].copy_from_slice(&tag.to_ne_bytes());
    buf[4..8].copy_from_slice(&a.to_ne_bytes());
    buf[8..].copy_from_slice(&b.to_ne_bytes());
    let mut done = 0;
    while done < RECORD {
        let n = unsafe { libc::write(FD_STATUS, buf[done..].as_ptr().cast(), RECORD - done) };
        if n <= 0 {
            if errno() == libc::EINTR {
                continue;
            }
            return;
        }
        done += n as usize;
    }
}

fn errno() -> i32 {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

unsafe fn fail_setup(step: usize) -> ! {
    let e = errno();
    unsafe {
        report(SETUP_FAILED, step as i32, e);
        libc::_exit(0)
    }
}

/// A `fork` that takes none of libc's locks (which another thread of the
/// runner may have held when the supervisor was cloned).
unsafe fn raw_fork() -> libc::pid_t {
    unsafe {
        libc::syscall(
            libc::SYS_clone,
            libc::SIGCHLD as libc::c_ulong,
            0usize,
            0usize,
            0usize,
            0usize,
        ) as libc::pid_t
    }
}

unsafe fn write_file(path: &OsStr, data: &[u8]) -> bool {
    // A path literal with its NUL, so nothing is allocated.
    let fd = unsafe { libc::open(path.as_bytes().as_ptr().cast(), libc::O_WRONLY) };
    if fd < 0 {
        return false;
    }
    let n = unsafe { libc::write(fd, data.as_ptr().cast(), data.len()) };
    unsafe { libc::close(fd) };
    n == data.len() as isize
}

pub(super) unsafe fn supervise(plan: &Plan, runner_mask: &libc::sigset_t) -> ! {
    unsafe {
        // Default handlers for everything, then the runner's mask back.
        for sig in 1..65 {
            libc::signal(sig, libc::SIG_DFL);
        }
        // A runner gone mid-report must not kill us before the cleanup.
        libc::signal(libc::SIGPIPE, libc::SIG_IGN);
        libc::pthread_sigmask(libc::SIG_SETMASK, runner_mask, std::ptr::null_mut());
        // Not in the terminal's process group: Ctrl-C stops the runner,
        // whose closed control pipe then stops us, after the cleanup.
        libc::setpgid(0, 0);

        // Our five descriptors to 0..=4, every other one closed: copies of
        // other checks' pipes must not stay open here.
        let mut high = [0; 5];
        for (i, fd) in plan.fds.iter().enumerate() {
            high[i] = libc::fcntl(*fd, libc::F_DUPFD_CLOEXEC, 10);
            if high[i] < 0 {
                // No status pipe to report on yet: just go.
                libc::_exit(0);
            }
        }
        for (i, fd) in high.iter().enumerate() {
            libc::dup2(*fd, i as RawFd);
        }
        if libc::syscall(libc::SYS_close_range, 5u32, u32::MAX, 0u32) != 0 {
            for fd in 5..4096 {
                libc::close(fd);
            }
        }
        libc::fcntl(FD_STATUS, libc::F_SETFD, libc::FD_CLOEXEC);
        libc::fcntl(FD_CONTROL, libc::F_SETFD, libc::FD_CLOEXEC);

        if plan.namespaces {
            if !write_file(OsStr::from_bytes(b"/proc/self/setgroups\0"), b"deny") {
                fail_setup(1);
            }
            if !write_file(OsStr::from_bytes(b"/proc/self/uid_map\0"), &plan.uid_map) {
                fail_setup(2);
            }
            if !write_file(OsStr::from_bytes(b"/proc/self/gid_map\0"), &plan.gid_map) {
                fail_setup(3);
            }
            let none = std::ptr::null();
            if libc::mount(
                none,
                c"/".as_ptr(),
                none,
                libc::MS_REC | libc::MS_PRIVATE,
                std::ptr::null(),
            ) != 0
            {
                fail_setup(4);
            }
            for (path, kept) in &plan.read_only {
                if libc::mount(
                    path.as_ptr(),
                    path.as_ptr(),
                    none,
                    libc::MS_BIND | libc::MS_REC,
                    std::ptr::null(),
                ) != 0
                {
                    fail_setup(5);
                }
                if libc::mount(
                    none,
                    path.as_ptr(),
                    none,
                    libc::MS_REMOUNT | libc::MS_BIND | libc::MS_RDONLY | kept,
                    std::ptr::null(),
                ) != 0
                {
                    fail_setup(6);
                }
            }
            if let Some(cwd) = &plan.cwd {
                if libc::chdir(cwd.as_ptr()) != 0 {
                    fail_setup(7);
                }
            }
        } else {
            libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
        }
        report(READY, 0, 0);

        let worker = raw_fork();
        if worker < 0 {
            fail_setup(0);
        }
        if worker == 0 {
            exec_binary(plan);
        }
        let pidfd = libc::syscall(libc::SYS_pidfd_open, worker, 0u32) as RawFd;
        let mut ended = None;
        let mut stopped = false;
        while ended.is_none() && !stopped {
            let mut fds = [
                libc::pollfd {
                    fd: FD_CONTROL,
                    events: libc::POLLIN,
                    revents: 0,
                },
                libc::pollfd {
                    fd: pidfd,
                    events: libc::POLLIN,
                    revents: 0,
                },
            ];
            // With a pidfd the binary's end wakes us; without one, poll
            // often. Either way, wake now and then to reap orphans.
            let timeout = if pidfd >= 0 { 200 } else { 5 };
            libc::poll(fds.as_mut_ptr(), 2, timeout);
            loop {
                let mut status = 0;
                let pid = libc::waitpid(-1, &mut status, libc::WNOHANG);
                if pid <= 0 {
                    break;
                }
                if pid == worker {
                    ended = Some(status);
                }
            }
            stopped = fds[0].revents != 0;
        }
        if !plan.namespaces {
            kill_descendants(worker);
        }
        // In the namespaces, our exit kills everything else in them.
        match ended {
            Some(status) => report(ENDED, status, 0),
            None => report(STOPPED, 0, 0),
        }
        libc::_exit(0)
    }
}

/// In the subreaper: kill our children until none are left. Each killed
/// process's own children come back to us and go in the next round.
unsafe fn kill_descendants(worker: libc::pid_t) {
    unsafe {
        // Its process group first, in case /proc cannot list children.
        libc::kill(-worker, libc::SIGKILL);
        let mut path = [0u8; 64];
        let prefix = b"/proc/self/task/";
        path[..prefix.len()].copy_from_slice(prefix);
        let at = prefix.len() + write_decimal(&mut path[prefix.len()..], libc::getpid());
        let suffix = b"/children\0";
        path[at..at + suffix.len()].copy_from_slice(suffix);
        for _ in 0..10_000 {
            let mut any = false;
            let fd = libc::open(path.as_ptr().cast(), libc::O_RDONLY | libc::O_CLOEXEC);
            if fd >= 0 {
                let mut buf = [0u8; 4096];
                let mut pid: libc::pid_t = 0;
                loop {
                    let n = libc::read(fd, buf.as_mut_ptr().cast(), buf.len());
                    if n <= 0 {
                        break;
                    }
                    for &b in &buf[..n as usize] {
                        if b.is_ascii_digit() {
                            pid = pid * 10 + (b - b'0') as libc::pid_t;
                        } else {
                            if pid > 0 {
                                libc::kill(pid, libc::SIGKILL);
                                any = true;
                            }
                            pid = 0;
                        }
                    }
                }
                if pid > 0 {
                    libc::kill(pid, libc::SIGKILL);
                    any = true;
                }
                libc::close(fd);
            }
            let mut status = 0;
            if any {
                // Blocks until one of them is gone (they were all killed).
                libc::waitpid(-1, &mut status, 0);
            } else if libc::waitpid(-1, &mut status, libc::WNOHANG) < 0 {
                break; // no children at all
            }
        }
    }
}

/// `n` in decimal at the start of `out`; the number of bytes written.
fn write_decimal(out: &mut [u8], mut n: libc::pid_t) -> usize {
    let mut digits = [0u8; 12];
    let mut len = 0;
    loop {
        digits[len] = b'0' + (n % 10) as u8;
        len += 1;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for i in 0..len {
        out[i] = digits[len - 1 - i];
    }
    len
}

/// In the binary's own process, just before it becomes the check binary.
unsafe fn exec_binary(plan: &Plan) -> ! {
    unsafe {
        libc::setpgid(0, 0);
        // No capabilities for the learner's code, even as root in the user
        // namespace: it cannot undo the read-only mounts.
        for cap in 0..64 {
            libc::prctl(libc::PR_CAPBSET_DROP, cap, 0, 0, 0);
        }
        if let Some(bytes) = plan.memory {
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
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        // The binary starts with no signal blocked, whatever the runner's
        // thread had blocked.
        let mut empty: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut empty);
        libc::pthread_sigmask(libc::SIG_SETMASK, &empty, std::ptr::null_mut());
        libc::execve(
            plan.program.as_ptr(),
            plan.argv.as_ptr(),
            plan.envp.as_ptr(),
        );
        report(EXEC_FAILED, errno(), 0);
        libc::_exit(127)
    }
}
