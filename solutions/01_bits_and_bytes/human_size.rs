//! # Exercise `human_size`: sizes for humans (solution)
//!
//! Book: book/src/foundations/bits-and-bytes.md

// ANCHOR: units
/// Unit symbols of the decimal (SI) family: each is 1000 times the one before.
const SI_UNITS: [&str; 7] = ["B", "kB", "MB", "GB", "TB", "PB", "EB"];
/// Unit symbols of the binary (IEC) family: each is 1024 times the one before.
const IEC_UNITS: [&str; 7] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
// ANCHOR_END: units

// ANCHOR: signatures
/// `bytes` in decimal units, one decimal place: 1500 -> "1.5 kB".
pub fn human_si(bytes: u64) -> String {
    human(bytes, 1000, &SI_UNITS)
}

/// `bytes` in binary units, one decimal place: 1536 -> "1.5 KiB".
pub fn human_iec(bytes: u64) -> String {
    human(bytes, 1024, &IEC_UNITS)
}
// ANCHOR_END: signatures

// ANCHOR: human
fn human(bytes: u64, step: u64, units: &[&str; 7]) -> String {
    if bytes < step {
        return format!("{bytes} B");
    }
    // u128 because `bytes * 10` does not fit in a u64 near u64::MAX.
    let (bytes, step) = (u128::from(bytes), u128::from(step));

    // The largest unit that is not bigger than `bytes`.
    let mut power = 1;
    let mut unit = step;
    while unit * step <= bytes {
        unit *= step;
        power += 1;
    }

    // Tenths of that unit, rounded half up, in integers: exact at any size.
    let mut tenths = (bytes * 10 + unit / 2) / unit;
    if tenths == step * 10 {
        // 1023.96 KiB would print as "1024.0 KiB": it is 1.0 MiB. There is
        // always a next unit here, as u64::MAX is only 18.4 EB or 16.0 EiB.
        power += 1;
        tenths = 10;
    }
    format!("{}.{} {}", tenths / 10, tenths % 10, units[power])
}
// ANCHOR_END: human

fn main() {
    for bytes in [999, 1_048_575, u64::MAX] {
        println!("{bytes} bytes = {} = {}", human_si(bytes), human_iec(bytes));
    }
}
