//! How to write a memlings command so that it works where the learner is:
//! `memlings hint units` once it is installed, `cargo run -- hint units`
//! while it is started with `cargo run` (no `memlings` on the PATH then).

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// `args` (such as `hint units`) as a command the learner can type.
pub fn command(workspace_root: &Path, args: &str) -> String {
    if run_by_cargo(workspace_root) {
        format!("cargo run -- {args}")
    } else {
        format!("memlings {args}")
    }
}

/// The workspace the runner works in, once it is known.
static WORKSPACE_ROOT: OnceLock<PathBuf> = OnceLock::new();

/// Tells [`learner_command`] which workspace the runner works in, so its
/// messages name the command that reaches this binary from there.
pub fn remember_workspace(root: &Path) {
    let _ = WORKSPACE_ROOT.set(root.to_path_buf());
}

/// [`command`] for messages made where no workspace is at hand (errors,
/// watch-mode notes): the workspace is the one [`remember_workspace`] was
/// told of; before that, only the parent process says whether cargo ran us.
pub fn learner_command(args: &str) -> String {
    let by_cargo = match WORKSPACE_ROOT.get() {
        Some(root) => run_by_cargo(root),
        None => parent_is_cargo(),
    };
    match (by_cargo, args.is_empty()) {
        // The workbook itself: no arguments to pass on.
        (true, true) => "cargo run".to_string(),
        (true, false) => format!("cargo run -- {args}"),
        (false, true) => "memlings".to_string(),
        (false, false) => format!("memlings {args}"),
    }
}

/// True when this process was started by `cargo run`, or is the binary
/// `cargo build` left in the workspace's own `target/` folder: either way
/// `cargo run` is the command that reaches it.
fn run_by_cargo(workspace_root: &Path) -> bool {
    let in_workspace_target = std::env::current_exe()
        .and_then(|exe| exe.canonicalize())
        .ok()
        .zip(workspace_root.join("target").canonicalize().ok())
        .is_some_and(|(exe, target)| exe.starts_with(target));
    in_workspace_target || parent_is_cargo()
}

/// Whether the parent process is `cargo` (with `CARGO_TARGET_DIR` set, the
/// binary lives outside the workspace, but its parent is still cargo).
fn parent_is_cargo() -> bool {
    #[cfg(target_os = "linux")]
    {
        let parent = std::os::unix::process::parent_id();
        std::fs::read_to_string(format!("/proc/{parent}/comm"))
            .is_ok_and(|name| name.trim_end() == "cargo")
    }
    #[cfg(not(target_os = "linux"))]
    {
        // Elsewhere, cargo's own variable is the best sign there is.
        std::env::var_os("CARGO").is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::command;

    // The other side (installed, parent not cargo) needs a process whose
    // parent is not `cargo test`: runner/tests/report.rs runs the binary.
    #[test]
    fn from_the_workspace_target_folder_cargo_run_is_named() {
        let exe = std::env::current_exe().unwrap();
        let target = exe
            .ancestors()
            .find(|p| p.file_name().is_some_and(|n| n == "target"))
            .expect("tests run from a target folder");
        let root = target.parent().unwrap();
        assert_eq!(command(root, "hint units"), "cargo run -- hint units");
    }
}
