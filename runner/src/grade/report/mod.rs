//! The report formats, each in its own file, and writing a report so that
//! an existing one is never left half overwritten.

mod csv;
pub mod gradescope;
mod json;
mod junit;
mod markdown;
mod write;

pub use json::SCHEMA_VERSION;
pub use write::write_atomically;

use super::Class;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One row per student, one column per exercise, and the total
    Csv,
    /// Everything, in the schema of docs/grade-report.schema.json
    Json,
    /// JUnit XML: one testsuite per student, one testcase per exercise
    Junit,
    /// A summary for the instructor: class averages, the most common failures
    Markdown,
}

pub fn render(class: &Class, format: Format) -> String {
    match format {
        Format::Csv => csv::render(class),
        Format::Json => json::render(class),
        Format::Junit => junit::render(class),
        Format::Markdown => markdown::render(class),
    }
}
