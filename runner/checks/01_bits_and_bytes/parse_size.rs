//! Check for `parse_size`: the accepted grammar, one input per error rule
//! and the order of the rules, fractions of the largest units (where an f64
//! is no longer exact: a parser that multiplies the fraction in f64 and
//! rejects only a nonzero `fract()` takes "0.1 EiB" as whole bytes and reads
//! "1.017 EB" two bytes too many), and what becomes of the texts
//! `human_size` prints when they are read back.

use crate::exercise::parse_size;
use crate::harness::{show, Case};

pub const CASES: &[Case] = &[
    ("parse_accepted", parse_accepted),
    ("parse_errors", parse_errors),
    ("exact_fractions", exact_fractions),
    ("round_trips", round_trips),
];

fn parse_rows(inputs: &[&str]) -> String {
    inputs
        .iter()
        .map(|text| {
            format!(
                "{:<32} -> {}\n",
                format!("{text:?}"),
                show(|| parse_size(text))
            )
        })
        .collect()
}

fn parse_accepted() -> String {
    parse_rows(&[
        "512 B",
        "16 KiB",
        "1.5 kB",
        "2MiB",
        "  1 MiB  ",
        "1\tGiB",
        "007 B",
        "1.0 B",
        "0 EiB",
        "1.1 kB",
        "1.001 kB",
        "1.5 KiB",
        "0.001 kB",
        "0.0009765625 KiB",
        "1.500000000000000000000000 kB",
        "4 TiB",
        "18446744073709551615 B",
        "18.4 EB",
        "15.5 EiB",
    ])
}

fn parse_errors() -> String {
    parse_rows(&[
        "-1 kB",
        "-0 B",
        "-1.5 XB",
        "",
        "kB",
        ".5 kB",
        "1. kB",
        "1.2.3 kB",
        "+1 kB",
        "1,000 B",
        "512",
        "1 KB",
        "1 kb",
        "1 kiB",
        "1 ZB",
        "1 bytes",
        "1e3 kB",
        "1 kB!",
        "1.5 B",
        "1.1 KiB",
        "0.0001 kB",
        "1.0000000000000000001 kB",
        "99999999999999999999.5 B",
        "18446744073709551616 B",
        "100000000000000000000 B",
        "18.5 EB",
        "16 EiB",
    ])
}

/// Above 2^53 bytes an f64 has gaps between whole numbers, so its `fract()`
/// says nothing: 0.1 EiB is 115292150460684697.6 bytes, but 0.1 * 2^60 in
/// f64 is 115292150460684704.0. Only integer arithmetic on the digits gets
/// these rows right.
fn exact_fractions() -> String {
    let mut out = String::from(
        "fractions of EB and EiB, beyond what an f64 holds exactly (2^53)\n\
         whole bytes, to the last byte:\n",
    );
    out += &parse_rows(&[
        "1.017 EB",
        "0.999999999999999999 EB",
        "0.000000000000000001 EB",
        "0.123456789 EB",
        "0.25 EiB",
    ]);
    out += "not whole bytes, although an f64 of them has no fraction:\n";
    out += &parse_rows(&["0.1 EiB", "0.001 EiB", "15.999999999999999999 EiB"]);
    out
}

/// Sizes as the `human_size` exercise prints them, read back. The texts are
/// that exercise's accepted output for each count (its check holds them to
/// it), so this case needs no formatter of its own.
fn round_trips() -> String {
    let printed: [(u64, &str, &str); 6] = [
        (1000, "1.0 kB", "1000 B"),
        (1126, "1.1 kB", "1.1 KiB"),
        (1536, "1.5 kB", "1.5 KiB"),
        (1_048_575, "1.0 MB", "1.0 MiB"),
        (1_000_000_000_000, "1.0 TB", "931.3 GiB"),
        (u64::MAX, "18.4 EB", "16.0 EiB"),
    ];
    let mut out = String::from("bytes -> as human_size prints it -> parse_size\n");
    for (n, si, iec) in printed {
        for text in [si, iec] {
            out += &format!("{n} -> {text:?} -> {}\n", show(|| parse_size(text)));
        }
    }
    out += "\nmore texts in the form human_size prints\n";
    for text in [
        "999 B",
        "1.5 kB",
        "1.0 MB",
        "18.4 EB",
        "1023 B",
        "1.5 KiB",
        "16.0 KiB",
        "976.5 KiB",
        "1.0 MiB",
        "15.5 EiB",
    ] {
        out += &format!("{text:?} -> {}\n", show(|| parse_size(text)));
    }
    out
}
