//! Compiled into every check binary, next to one exercise and its check.
//!
//! The runner writes a fresh random token on stdin; results go to stdout in
//! frames that carry it. Exercise code never sees the token, so nothing it
//! prints can pass for a result, and a run that ends before the final `done`
//! frame (an early `process::exit`, say) counts as unfinished.

use std::cell::RefCell;
use std::fmt::Debug;
use std::io::{BufRead, Write};
use std::panic::{self, AssertUnwindSafe};

/// A named scenario: calls into the exercise and renders what happened as text.
pub type Case = (&'static str, fn() -> String);

thread_local! {
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

pub fn main(cases: &[Case]) {
    let mut token = String::new();
    if std::io::stdin().lock().read_line(&mut token).is_err() || token.trim().is_empty() {
        eprintln!("this is a memlings check binary: run it with `memlings check`");
        std::process::exit(2);
    }
    let token = token.trim().to_string();

    panic::set_hook(Box::new(|info| {
        let message = match info.payload().downcast_ref::<&str>() {
            Some(s) => s.to_string(),
            None => match info.payload().downcast_ref::<String>() {
                Some(s) => s.clone(),
                None => "a panic with a non-text payload".to_string(),
            },
        };
        let text = match info.location() {
            Some(at) => format!("{message} (at {}:{})", at.file(), at.line()),
            None => message,
        };
        LAST_PANIC.with(|p| *p.borrow_mut() = Some(text));
    }));

    for (name, run) in cases {
        let (status, body) = match panic::catch_unwind(run) {
            Ok(text) => ("ok", text),
            Err(_) => ("panic", take_panic()),
        };
        let stdout = std::io::stdout();
        let mut out = stdout.lock();
        // The body's byte length makes the frame unambiguous whatever it holds.
        let _ = write!(
            out,
            "\n{token} case {name} {status} {}\n{body}\n",
            body.len()
        );
        let _ = out.flush();
    }
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let _ = writeln!(out, "\n{token} done");
    let _ = out.flush();
}

fn take_panic() -> String {
    LAST_PANIC
        .with(|p| p.borrow_mut().take())
        .unwrap_or_else(|| "panicked".to_string())
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
