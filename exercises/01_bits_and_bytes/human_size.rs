//! # Exercise `human_size`: sizes for humans
//!
//! Book: book/src/foundations/bits-and-bytes.md, section "Sizes for humans".
//!
//! `16384` is exact but hard to read; "16.0 KiB" is what a person wants to
//! see. Write the two formatters. (Reading such text back is the next
//! exercise, `parse_size`.)
//!
//! ```
//! assert_eq!(human_si(1500), "1.5 kB");
//! assert_eq!(human_iec(1536), "1.5 KiB");
//! assert_eq!(human_iec(1_048_575), "1.0 MiB"); // not "1024.0 KiB"
//! ```
//!
//! ## Formatting: `human_si` and `human_iec`
//!
//! `human_si` steps by 1000 through `SI_UNITS`, `human_iec` by 1024 through
//! `IEC_UNITS`. Call the step `s`.
//!
//! 1. Below one step, the count is printed whole, with the unit `B`:
//!    999 -> "999 B" for SI, and 1023 -> "1023 B" for IEC.
//! 2. Otherwise take the largest unit that is not bigger than the count
//!    (`s^k <= bytes`), and round `bytes / s^k` to one decimal place, half
//!    up: a value exactly halfway between two tenths goes to the larger one
//!    (1.25 KiB -> "1.3 KiB", 1.15 kB -> "1.2 kB"). The rounding must be
//!    exact for every u64. Careful: an f64 has only 53 bits of precision, so
//!    it cannot even hold every u64, and 1.15 is not exactly an f64 either.
//! 3. If rounding reached a whole step (1000.0 kB, 1024.0 KiB), print 1.0 of
//!    the next unit instead: 999_950 -> "1.0 MB", 1_048_575 -> "1.0 MiB".
//!    An IEC value from 1000.0 up to 1023.9 stays in its unit:
//!    1_048_524 -> "1023.9 KiB".
//! 4. The text is the number with exactly one decimal, a space, the unit:
//!    "1.0 kB", "16.0 KiB", "976.6 KiB".
//!
//! Run `memlings` and save this file: the check shows what your code gives
//! next to what it should give.

/// Unit symbols of the decimal (SI) family: each is 1000 times the one before.
const SI_UNITS: [&str; 7] = ["B", "kB", "MB", "GB", "TB", "PB", "EB"];
/// Unit symbols of the binary (IEC) family: each is 1024 times the one before.
const IEC_UNITS: [&str; 7] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];

/// `bytes` in decimal units, one decimal place: 1500 -> "1.5 kB".
pub fn human_si(bytes: u64) -> String {
    todo!()
}

/// `bytes` in binary units, one decimal place: 1536 -> "1.5 KiB".
pub fn human_iec(bytes: u64) -> String {
    todo!()
}

fn main() {
    // You can experiment here: `cargo run -p memlings-exercises --bin human_size`.
    // The check calls the functions above, not `main`.
    //
    //     println!("{}", human_iec(16_384));
}
