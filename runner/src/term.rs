//! Terminal conventions: color only on a terminal and never under NO_COLOR,
//! and one place that prints errors and warnings.

use std::io::IsTerminal;

use colored::Colorize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Decides once, at start-up, whether output is colored.
pub fn init_color(choice: ColorChoice) -> bool {
    let on = match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stdout().is_terminal()
                && std::env::var("TERM").map_or(true, |t| t != "dumb")
        }
    };
    colored::control::set_override(on);
    on
}

pub fn warn(message: &str) {
    eprintln!("{} {message}", "warning:".yellow().bold());
}

pub fn error(message: &str) {
    eprintln!("{} {message}", "error:".red().bold());
}
