//! Check for `human_size`: both formatters at every unit boundary (999/1000,
//! 1023/1024, 1_048_575, u64::MAX) and exact half-up rounding where an f64
//! would round the other way. Parsing is checked by `parse_size`.

use crate::exercise::{human_iec, human_si};
use crate::harness::{show_display, Case};

pub const CASES: &[Case] = &[("small_sizes", small_sizes), ("large_sizes", large_sizes)];

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
