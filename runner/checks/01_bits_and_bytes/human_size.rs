//! Check for `human_size`: both formatters at every unit boundary (999/1000,
//! 1023/1024, 1_048_575, u64::MAX), exact half-up rounding where an f64
//! would round the other way, the parser's accepted grammar, one input per
//! error rule and the order of the rules, and round trips both ways.

use crate::exercise::{human_iec, human_si, parse_size};
use crate::harness::{attempt, show, show_display, Case};

pub const CASES: &[Case] = &[
    ("small_sizes", small_sizes),
    ("large_sizes", large_sizes),
    ("parse_accepted", parse_accepted),
    ("parse_errors", parse_errors),
    ("round_trips", round_trips),
];

fn table(counts: &[u64]) -> String {
    let mut out = format!("{:>20} | {:<10} | {}\n", "bytes", "human_si", "human_iec");
    for &n in counts {
        out += &format!(
            "{n:>20} | {:<10} | {}\n",
            show_display(|| human_si(n)),
            show_display(|| human_iec(n))
        );
    }
    out
}

fn small_sizes() -> String {
    table(&[
        0, 1, 999, 1000, 1023, 1024, 1049, 1050, 1075, 1076, 1126, 1150, 1250, 1280, 1500, 1536,
        9_999, 16_384,
    ])
}

fn large_sizes() -> String {
    table(&[
        999_949,
        999_950,
        1_000_000,
        1_048_524,
        1_048_525,
        1_048_575,
        1_048_576,
        1_150_000,
        1_073_741_823,
        1_000_000_000_000,
        1_000_000_000_000_000_000,
        1_149_999_999_999_999_999,
        1_150_000_000_000_000_000,
        (5 << 58) - 1,
        5 << 58,
        u64::MAX,
    ])
}

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

fn round_trips() -> String {
    let si: fn(u64) -> String = human_si;
    let iec: fn(u64) -> String = human_iec;

    let mut out = String::from("text -> parse_size -> formatted again\n");
    for (text, format) in [
        ("999 B", si),
        ("1.5 kB", si),
        ("1.0 MB", si),
        ("18.4 EB", si),
        ("1023 B", iec),
        ("1.5 KiB", iec),
        ("16.0 KiB", iec),
        ("976.5 KiB", iec),
        ("1.0 MiB", iec),
        ("15.5 EiB", iec),
    ] {
        let again = match attempt(|| parse_size(text)) {
            Ok(Ok(n)) => show(|| format(n)),
            _ => "-".to_string(),
        };
        out += &format!("{text:?} -> {} -> {again}\n", show(|| parse_size(text)));
    }

    out += "\nbytes -> formatted -> parse_size\n";
    for n in [1000, 1126, 1536, 1_048_575, 1_000_000_000_000, u64::MAX] {
        for format in [si, iec] {
            let back = match attempt(|| format(n)) {
                Ok(text) => show(|| parse_size(&text)),
                Err(_) => "-".to_string(),
            };
            out += &format!("{n} -> {} -> {back}\n", show(|| format(n)));
        }
    }
    out
}
