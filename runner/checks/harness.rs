//! Compiled into every check binary, next to one exercise and its check.
//!
//! The runner writes a fresh random token on stdin; results go to stdout in
//! frames that carry it. Exercise code never sees the token, so nothing it
//! prints can pass for a result, and a run that ends before the final `done`
//! frame (an early `process::exit`, say) counts as unfinished.
//!
//! A failed allocation is reported the same way: [`OomReport`], the global
//! allocator of every check binary, writes a frame with the token on stderr
//! before the process aborts, so running out of memory is a fact the runner
//! reads, not a guess from what the exercise printed.
//!
//! A panic travels as fields, never as text to be parsed back: its line, and
//! the byte lengths of its file and message, in the header; the file, then
//! the message, in the body. A case that panics ends with a `panic` frame; a
//! panic the case caught itself (in [`show`] or [`attempt`]) is reported
//! first, in a `caught` frame, so the runner knows every `todo!()` a case
//! reached even when the case went on to render text.

use std::alloc::{GlobalAlloc, Layout};
use std::cell::RefCell;
use std::fmt::Debug;
use std::io::{BufRead, Write};
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering::Relaxed};

/// A named scenario: calls into the exercise and renders what happened as text.
pub type Case = (&'static str, fn() -> String);

/// One panic, as the hook saw it.
struct Panic {
    message: String,
    /// `(file, line)`, when std knew where it happened.
    at: Option<(String, u32)>,
}

impl Panic {
    /// How a rendered case shows it: `message (at file:line)`.
    fn text(&self) -> String {
        match &self.at {
            Some((file, line)) => format!("{} (at {file}:{line})", self.message),
            None => self.message.clone(),
        }
    }

    /// `<line> <file bytes> <message bytes>` for the header; the body is the
    /// file, then the message. Line 0 and an empty file mean "no location".
    fn fields(&self) -> (String, String) {
        let (file, line) = match &self.at {
            Some((file, line)) => (file.as_str(), *line),
            None => ("", 0),
        };
        (
            format!("{line} {} {}", file.len(), self.message.len()),
            format!("{file}{}", self.message),
        )
    }
}

thread_local! {
    static LAST_PANIC: RefCell<Option<Panic>> = const { RefCell::new(None) };
    /// Panics the running case caught itself, in the order they happened.
    static CAUGHT: RefCell<Vec<Panic>> = const { RefCell::new(Vec::new()) };
}

pub fn main(cases: &[Case]) {
    let mut token = String::new();
    if std::io::stdin().lock().read_line(&mut token).is_err() || token.trim().is_empty() {
        eprintln!("this is a memlings check binary: run it with `memlings check`");
        std::process::exit(2);
    }
    let token = token.trim().to_string();
    remember_token(&token);

    panic::set_hook(Box::new(|info| {
        let message = match info.payload().downcast_ref::<&str>() {
            Some(s) => s.to_string(),
            None => match info.payload().downcast_ref::<String>() {
                Some(s) => s.clone(),
                None => "a panic with a non-text payload".to_string(),
            },
        };
        let at = info.location().map(|at| (at.file().to_string(), at.line()));
        LAST_PANIC.with(|p| *p.borrow_mut() = Some(Panic { message, at }));
    }));

    for (name, run) in cases {
        CAUGHT.with(|c| c.borrow_mut().clear());
        let result = panic::catch_unwind(run);
        let stdout = std::io::stdout();
        let mut out = stdout.lock();
        // Byte lengths in every header make a frame unambiguous whatever
        // its body holds.
        for caught in CAUGHT.with(|c| std::mem::take(&mut *c.borrow_mut())) {
            let (header, body) = caught.fields();
            let _ = write!(out, "\n{token} caught {name} {header}\n{body}\n");
        }
        let _ = match result {
            Ok(text) => write!(out, "\n{token} case {name} ok {}\n{text}\n", text.len()),
            Err(_) => {
                let (header, body) = last_panic().fields();
                write!(out, "\n{token} case {name} panic {header}\n{body}\n")
            }
        };
        let _ = out.flush();
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let _ = writeln!(out, "\n{token} done");
    let _ = out.flush();
}

fn last_panic() -> Panic {
    LAST_PANIC
        .with(|p| p.borrow_mut().take())
        .unwrap_or_else(|| Panic {
            message: "panicked".to_string(),
            at: None,
        })
}

/// The panic a helper just caught, as text, remembered for the case's
/// `caught` frames.
fn take_panic() -> String {
    let panic = last_panic();
    let text = panic.text();
    CAUGHT.with(|c| c.borrow_mut().push(panic));
    text
}

/// Runs one call into the exercise and renders its result with `{:?}`, or
/// `panicked: <message>` if it panicked, so one unfinished function shows up
/// as one wrong line instead of hiding the rest of the case.
pub fn show<T: Debug>(call: impl FnOnce() -> T) -> String {
    match panic::catch_unwind(AssertUnwindSafe(call)) {
        Ok(value) => format!("{value:?}"),
        Err(_) => format!("panicked: {}", take_panic()),
    }
}

/// Like [`show`], for results that render better with `Display`.
pub fn show_display<T: std::fmt::Display>(call: impl FnOnce() -> T) -> String {
    match panic::catch_unwind(AssertUnwindSafe(call)) {
        Ok(value) => value.to_string(),
        Err(_) => format!("panicked: {}", take_panic()),
    }
}

/// Runs a call that may panic and returns its value, or the panic's message.
pub fn attempt<T>(call: impl FnOnce() -> T) -> Result<T, String> {
    panic::catch_unwind(AssertUnwindSafe(call)).map_err(|_| take_panic())
}

// ---------------------------------------------------------------------------
// Reporting failed allocations.

const TOKEN_CAPACITY: usize = 64;
static TOKEN: [AtomicU8; TOKEN_CAPACITY] = [const { AtomicU8::new(0) }; TOKEN_CAPACITY];
static TOKEN_LEN: AtomicUsize = AtomicUsize::new(0);

fn remember_token(token: &str) {
    let bytes = &token.as_bytes()[..token.len().min(TOKEN_CAPACITY)];
    for (slot, byte) in TOKEN.iter().zip(bytes) {
        slot.store(*byte, Relaxed);
    }
    TOKEN_LEN.store(bytes.len(), Relaxed);
}

/// Wraps a global allocator: when an allocation fails, writes the frame
/// `<token> oom <bytes>` on stderr, then hands the failure on (Rust then
/// aborts, or `try_reserve` returns an error, which the runner tells apart
/// by how the process ends). Nothing here allocates: the frame is built on
/// the stack and written straight to the file descriptor.
///
/// The generated `main` installs `OomReport(System)`; a check with its own
/// `#[global_allocator]` wraps it in this instead.
pub struct OomReport<A>(pub A);

unsafe impl<A: GlobalAlloc> GlobalAlloc for OomReport<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // Safety: the caller's contract is passed on unchanged.
        checked(unsafe { self.0.alloc(layout) }, layout.size())
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // Safety: as above.
        checked(unsafe { self.0.alloc_zeroed(layout) }, layout.size())
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // Safety: as above.
        checked(unsafe { self.0.realloc(ptr, layout, new_size) }, new_size)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // Safety: as above.
        unsafe { self.0.dealloc(ptr, layout) }
    }
}

fn checked(ptr: *mut u8, size: usize) -> *mut u8 {
    if ptr.is_null() {
        report_failed_allocation(size);
    }
    ptr
}

fn report_failed_allocation(size: usize) {
    let len = TOKEN_LEN.load(Relaxed);
    if len == 0 {
        return; // not started by the runner
    }
    let mut frame = [0u8; TOKEN_CAPACITY + 32];
    let mut at = 0;
    frame[at] = b'\n';
    at += 1;
    for slot in &TOKEN[..len] {
        frame[at] = slot.load(Relaxed);
        at += 1;
    }
    for byte in b" oom " {
        frame[at] = *byte;
        at += 1;
    }
    let mut digits = [0u8; 20];
    let mut n = size;
    let mut count = 0;
    loop {
        digits[count] = b'0' + (n % 10) as u8;
        count += 1;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for i in (0..count).rev() {
        frame[at] = digits[i];
        at += 1;
    }
    frame[at] = b'\n';
    at += 1;
    write_stderr(&frame[..at]);
}

#[cfg(unix)]
fn write_stderr(bytes: &[u8]) {
    use std::os::fd::FromRawFd;
    // Stderr's descriptor, borrowed: `File::write` is one system call, with
    // no lock and no buffer to allocate.
    let mut stderr = std::mem::ManuallyDrop::new(unsafe { std::fs::File::from_raw_fd(2) });
    let _ = stderr.write_all(bytes);
}

#[cfg(not(unix))]
fn write_stderr(bytes: &[u8]) {
    let _ = std::io::stderr().write_all(bytes);
}
