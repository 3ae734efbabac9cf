//! # Exercise `human_size`: sizes for humans, both ways
//!
//! Book: book/src/foundations/bits-and-bytes.md, section "Sizes for humans".
//!
//! `16384` is exact but hard to read; "16.0 KiB" is what a person wants to
//! see. Write the two formatters and the parser that reads such text back.
//!
//! ```
//! assert_eq!(human_si(1500), "1.5 kB");
//! assert_eq!(human_iec(1536), "1.5 KiB");
//! assert_eq!(human_iec(1_048_575), "1.0 MiB"); // not "1024.0 KiB"
//! assert_eq!(parse_size("2MiB"), Ok(2_097_152));
//! assert_eq!(parse_size("1 KB"), Err(ParseSizeError::UnknownUnit("KB".into())));
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
//! ## Parsing: `parse_size`
//!
//! The accepted grammar, after trimming whitespace at both ends:
//!
//! ```text
//! size    = number [whitespace] unit
//! number  = digits [ "." digits ]          digits = one or more of 0-9
//! unit    = "B" | "kB" | "MB" | "GB" | "TB" | "PB" | "EB"
//!         | "KiB" | "MiB" | "GiB" | "TiB" | "PiB" | "EiB"
//! ```
//!
//! The number is the text up to the first whitespace or letter
//! (`char::is_whitespace`, `char::is_alphabetic`); the unit is all that
//! follows, with leading whitespace dropped. Units are case-sensitive: "KB",
//! "kb" and "kiB" are unknown, since nobody can tell what "KB" meant. The
//! number may have any count of digits on either side of the point, leading
//! zeros included ("007 B" is 7). The value is number * unit, and it must be
//! a whole number of bytes that fits in a u64 ("1.5 KiB" is 1536, "1.5 B" is
//! an error).
//!
//! When several things are wrong, the first failing test in this order is
//! the error:
//!
//! 1. the trimmed text starts with '-'             -> `Negative`
//! 2. the number does not match the grammar        -> `BadNumber(number)`
//! 3. nothing follows the number                   -> `MissingUnit`
//! 4. the unit is not one of the 13 above          -> `UnknownUnit(unit)`
//! 5. the value is not a whole number of bytes     -> `FractionalBytes`
//! 6. the value is more than `u64::MAX`            -> `Overflow`
//!
//! Run `memlings` and save this file: the check shows what your code gives
//! next to what it should give.

use std::fmt;

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

/// Why `parse_size` refused its input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseSizeError {
    /// The text before the unit is not a number of the grammar (the
    /// offending text is kept): "", "kB", ".5 kB", "1. kB", "+1 kB", "1,000 B".
    BadNumber(String),
    /// A number and nothing after it: "512".
    MissingUnit,
    /// What follows the number is not one of the 13 units (kept as
    /// written): "1 KB", "1 kb", "1 bytes", "1 ZB".
    UnknownUnit(String),
    /// A leading minus sign: "-1 kB". No size is below zero.
    Negative,
    /// Not a whole number of bytes: "1.5 B", "1.1 KiB" (1126.4 bytes).
    FractionalBytes,
    /// More bytes than a u64 holds: "16 EiB", "18.5 EB".
    Overflow,
}

impl fmt::Display for ParseSizeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseSizeError::BadNumber(text) => {
                write!(f, "{text:?} is not a number like 16 or 1.5")
            }
            ParseSizeError::MissingUnit => write!(f, "a size needs a unit, such as B, kB or KiB"),
            ParseSizeError::UnknownUnit(unit) => write!(
                f,
                "unknown unit {unit:?}: use B, kB, MB, GB, TB, PB, EB \
                 or KiB, MiB, GiB, TiB, PiB, EiB"
            ),
            ParseSizeError::Negative => write!(f, "a size cannot be negative"),
            ParseSizeError::FractionalBytes => write!(f, "not a whole number of bytes"),
            ParseSizeError::Overflow => write!(f, "more than {} bytes (u64::MAX)", u64::MAX),
        }
    }
}

impl std::error::Error for ParseSizeError {}

/// Reads a size such as "16 KiB", "1.5 kB", "512 B" or "2MiB" as bytes.
pub fn parse_size(text: &str) -> Result<u64, ParseSizeError> {
    todo!()
}

fn main() {
    // You can experiment here: `cargo run -p memlings-exercises --bin human_size`.
    // The check calls the functions above, not `main`.
    //
    //     println!("{}", human_iec(16_384));
    //     println!("{:?}", parse_size("1.5 kB"));
}
