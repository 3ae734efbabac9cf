//! `memlings verify --mutants`: each exercise's mutation score, every
//! mutant that survived with its reason, and every catalogue error. The
//! work is `crate::mutants`'; this only words it.

use std::process::ExitCode;

use anyhow::Result;
use colored::Colorize;

use crate::mutants::{self, Scored, Timing};
use crate::progress;
use crate::registry::Exercise;
use crate::workbook::Workbook;

pub fn run(session: &Workbook, only: &[String], sample: usize) -> Result<ExitCode> {
    let exercises: Vec<&Exercise> = if only.is_empty() {
        session.registry.exercises.iter().collect()
    } else {
        only.iter()
            .map(|name| session.registry.get(name))
            .collect::<Result<_, _>>()?
    };
    let checker = session.checker(crate::check::compile::SourceTree::solutions(&session.ws));
    // The bar's length is only known once the catalogues are read; it
    // starts hidden, then counts binaries as they finish.
    let bar = progress::bar(0, "mutants");
    let (scored, timing) = mutants::run(&checker, &exercises, sample, || bar.inc(1))?;
    bar.finish_and_clear();
    print!("{}", table(&scored, sample));
    println!("{}", timing_line(&timing));

    let survivors: usize = scored.iter().map(|s| s.survivors().count()).sum();
    let errors: Vec<&crate::mutants::catalogue::CatalogueError> =
        scored.iter().flat_map(|s| &s.errors).collect();
    if survivors == 0 && errors.is_empty() {
        println!("{} every mutant was caught", "✓".green().bold());
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "{} {survivors} mutant(s) survived, {} catalogue error(s)",
        "✗".red().bold(),
        errors.len()
    );
    for error in errors {
        println!("  - {error}");
    }
    Ok(ExitCode::FAILURE)
}

/// The score table: one line per exercise, its survivors under it, then
/// the equivalent mutants, which are not counted.
fn table(scored: &[Scored], sample: usize) -> String {
    let width = scored.iter().map(|s| s.exercise.len()).max().unwrap_or(4);
    let mut out = String::new();
    out.push_str(&format!(
        "Mutation scores: realistic mistakes each check catches{}\n",
        if sample > 1 {
            format!(" (a sample: 1 in {sample} mutants)")
        } else {
            String::new()
        }
    ));
    let (mut caught, mut total) = (0, 0);
    for s in scored {
        caught += s.caught();
        total += s.total();
        let line = format!(
            "  {:<width$}  {:>3}/{:<3} {:>4}",
            s.exercise,
            s.caught(),
            s.total(),
            percent(s.caught(), s.total())
        );
        if s.survivors().next().is_some() || !s.errors.is_empty() {
            out.push_str(&format!("{}\n", line.red()));
        } else {
            out.push_str(&format!("{line}\n"));
        }
        for t in s.survivors() {
            out.push_str(&format!(
                "      {} #{}: {}\n",
                "survived".red(),
                t.number,
                t.mutant.reason
            ));
        }
    }
    out.push_str(&format!(
        "  {}\n",
        format!(
            "{:<width$}  {caught:>3}/{total:<3} {:>4}",
            "all",
            percent(caught, total)
        )
        .bold()
    ));
    let equivalents: Vec<String> = scored
        .iter()
        .flat_map(|s| {
            s.equivalents().map(move |t| {
                format!(
                    "  {} #{}: {} (equivalent: {})\n",
                    s.exercise,
                    t.number,
                    t.mutant.reason,
                    t.mutant.equivalent.as_deref().unwrap_or_default()
                )
            })
        })
        .collect();
    if !equivalents.is_empty() {
        out.push_str("Not counted, equivalent to the solution:\n");
        out.extend(equivalents);
    }
    out
}

/// Rounded down, so a check that misses one mutant never shows 100%.
fn percent(caught: usize, total: usize) -> String {
    match (caught * 100).checked_div(total) {
        Some(p) => format!("{p}%"),
        None => "-".into(),
    }
}

fn timing_line(t: &Timing) -> String {
    let total = t.build + t.run;
    let per = total
        .checked_div(t.mutants.max(1) as u32)
        .unwrap_or_default();
    format!(
        "{} mutant(s) in {:.0} s ({:.0} s building, {:.0} s running; {:.1} s per mutant)",
        t.mutants,
        total.as_secs_f64(),
        t.build.as_secs_f64(),
        t.run.as_secs_f64(),
        per.as_secs_f64()
    )
}
