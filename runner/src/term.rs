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

/// `text` without the terminal's escape sequences (colors, bold), for
/// output that is shown again inside other output or in a plain file.
pub fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // A sequence ends at its first letter (`m` for colors).
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}
