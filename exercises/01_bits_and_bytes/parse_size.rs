//! # Exercise `parse_size`: reading a size back
//!
//! Book: book/src/foundations/bits-and-bytes.md, section "Reading a size back".
//!
//! A configuration file says "16 KiB"; the program wants 16384. Write the
//! parser that reads the sizes `human_size` prints (and a few more).
//!
//! ```
//! assert_eq!(parse_size("2MiB"), Ok(2_097_152));
//! assert_eq!(parse_size("1.5 kB"), Ok(1500));
//! assert_eq!(parse_size("1 KB"), Err(ParseSizeError::UnknownUnit("KB".into())));
//! ```
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
    // You can experiment here: `cargo run -p memlings-exercises --bin parse_size`.
    // The check calls the functions above, not `main`.
    //
    //     println!("{:?}", parse_size("1.5 kB"));
}
