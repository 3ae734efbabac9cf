//! Check for `units`: every unit's size in bytes, rounding bits up to whole
//! bytes, and conversions across both families, including the ones people
//! get wrong (a "1 TB" disk in GiB, 16 KiB pools in kB).
//!
//! Some rows are there to catch shortcuts that work on small numbers only:
//! `bits_to_bytes(u64::MAX)` overflows `(bits + 7) / 8`, and 2^53 + 1 bits
//! is rounded away by a detour through `f64`. `20_000_000_000 GiB` and
//! `u64::MAX GB` have more bytes than a `u64` holds (a plain or saturating
//! `u64` product fails them), `9_007_199_254_740_993 kB` loses its last
//! digit if the amount becomes an `f64` before the multiplication, and
//! `3 GiB` in GB comes out as 3.2212254720000004 if the unit ratio is
//! divided out first.

use crate::exercise::{bits_to_bytes, convert, Unit};
use crate::harness::{attempt, show, Case};

pub const CASES: &[Case] = &[
    ("unit_sizes", unit_sizes),
    ("bits_to_bytes", bits),
    ("conversions", conversions),
];

const ALL: [Unit; 7] = [
    Unit::Byte,
    Unit::KB,
    Unit::MB,
    Unit::GB,
    Unit::KiB,
    Unit::MiB,
    Unit::GiB,
];

/// The unit's symbol: `kB` with a small k, as SI writes it (a Rust variant
/// name must start with a capital).
fn symbol(unit: Unit) -> &'static str {
    match unit {
        Unit::Byte => "B",
        Unit::KB => "kB",
        Unit::MB => "MB",
        Unit::GB => "GB",
        Unit::KiB => "KiB",
        Unit::MiB => "MiB",
        Unit::GiB => "GiB",
    }
}

fn count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `1 byte`, `2 bytes`, or what the call panicked with.
fn bytes(result: Result<u64, String>) -> String {
    match result {
        Ok(n) => count(n, "byte", "bytes"),
        Err(message) => format!("panicked: {message}"),
    }
}

fn unit_sizes() -> String {
    ALL.iter()
        .map(|&u| format!("1 {} = {}\n", symbol(u), bytes(attempt(|| u.bytes()))))
        .collect()
}

fn bits() -> String {
    [
        0,
        1,
        7,
        8,
        9,
        16,
        17,
        64,
        65,
        1 << 40,
        (1 << 53) + 1,
        u64::MAX,
    ]
    .iter()
    .map(|&b| {
        format!(
            "{} -> {}\n",
            count(b, "bit", "bits"),
            bytes(attempt(|| bits_to_bytes(b)))
        )
    })
    .collect()
}

fn conversions() -> String {
    let rows = [
        (1, Unit::KiB, Unit::KB),
        (1, Unit::KB, Unit::KiB),
        (16, Unit::KiB, Unit::Byte),
        (16, Unit::KiB, Unit::KB),
        (1, Unit::MiB, Unit::KiB),
        (256, Unit::MiB, Unit::GiB),
        (1, Unit::GiB, Unit::MB),
        (1000, Unit::GB, Unit::GiB),
        (1536, Unit::Byte, Unit::KiB),
        (3, Unit::Byte, Unit::KB),
        (u64::MAX / 1024, Unit::KiB, Unit::GiB),
        (20_000_000_000, Unit::GiB, Unit::GB),
        (u64::MAX, Unit::GB, Unit::Byte),
        (9_007_199_254_740_993, Unit::KB, Unit::Byte),
        (3, Unit::GiB, Unit::GB),
    ];
    rows.iter()
        .map(|&(n, from, to)| {
            format!(
                "{n} {} = {} {}\n",
                symbol(from),
                show(|| convert(n, from, to)),
                symbol(to)
            )
        })
        .collect()
}
