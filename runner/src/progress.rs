//! Showing progress: the exercise table, the one-line summary, progress bars.

use colored::Colorize;
use indicatif::{ProgressBar, ProgressStyle};

use crate::registry::Registry;
use crate::state::State;

pub fn summary(registry: &Registry, state: &State) -> String {
    let total = registry.exercises.len();
    let done = state.done.len();
    let width = 30;
    let filled = (done * width).checked_div(total).unwrap_or(0);
    format!(
        "Progress: [{}{}] {done}/{total} exercises done ({}%)",
        "#".repeat(filled).green(),
        "-".repeat(width - filled).dimmed(),
        (done * 100).checked_div(total).unwrap_or(0)
    )
}

/// Every exercise with its part, status and file; the current one marked.
pub fn table(registry: &Registry, state: &State) -> String {
    let mut out = String::new();
    let name_width = registry
        .exercises
        .iter()
        .map(|ex| ex.name.len())
        .max()
        .unwrap_or(4);
    out.push_str(&format!(
        "  {} {}  {} {}\n",
        format!("{:<5}", "part").bold(),
        format!("{:<name_width$}", "name").bold(),
        format!("{:<8}", "status").bold(),
        "file".bold()
    ));
    for (i, ex) in registry.exercises.iter().enumerate() {
        let marker = if i == state.current {
            "▶".cyan().bold().to_string()
        } else {
            " ".to_string()
        };
        let status = if state.is_done(&ex.name) {
            format!("{:<8}", "done").green()
        } else {
            format!("{:<8}", "pending").yellow()
        };
        out.push_str(&format!(
            "{marker} {:<5} {}  {status} {}\n",
            ex.part,
            {
                let name = format!("{:<name_width$}", ex.name);
                if i == state.current {
                    name.bold().to_string()
                } else {
                    name
                }
            },
            ex.exercise_rel().dimmed()
        ));
    }
    out
}

/// A bar for long work; hidden when stderr is not a terminal.
pub fn bar(len: u64, label: &str) -> ProgressBar {
    let bar = ProgressBar::new(len);
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:30.cyan/blue}] {pos}/{len} ({elapsed})")
            .expect("the template is valid")
            .progress_chars("#>-"),
    );
    bar.set_message(label.to_string());
    // Compiling comes first and reports nothing; a ticking clock shows it is
    // not stuck.
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    bar
}
