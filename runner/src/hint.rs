//! An exercise's hint as the learner reads it, with a pointer to the book
//! section it comes from: `memlings hint` and watch mode's `h` key.

use colored::Colorize;

use crate::registry::Exercise;

pub fn text(ex: &Exercise) -> String {
    format!(
        "{} {}\n{}\n\n{} book/src/{}\n",
        "Hint for".bold(),
        ex.name.bold(),
        ex.hint.trim_end(),
        "Read more:".dimmed(),
        ex.book
    )
}
