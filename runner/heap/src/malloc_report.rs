//! What `sys._debugmallocstats()` prints to stderr on CPython 3.11
//! (`sys__debugmallocstats_impl` in Python/sysmodule.c): the report of
//! pymalloc's arenas and pools (`_PyObject_DebugMallocStats`, in
//! Objects/obmalloc.c), a blank line, then the free lists
//! (`_PyObject_DebugTypeStats`, in Objects/object.c: dicts, floats, lists,
//! and tuples of each length from 1 to 20, in that order).
//!
//! The pool report is worked out from a [`PoolCensus`], as obmalloc walks
//! its arenas. It stops at its *Total*: the section CPython prints after
//! it, the nodes of the radix tree that maps addresses to arenas
//! (`arena map counts`), describes a structure no allocator of this
//! workbook has.
//!
//! Part V's `malloc_stats` exercise has the learner write the pool report;
//! this is the heap's own copy, so a learner's answer never changes what
//! `memlings py` prints.

use memlings_python::PoolCensus;

use crate::pools::{
    block_size, ARENA_SIZE, NB_SMALL_SIZE_CLASSES, POOL_OVERHEAD, POOL_SIZE,
    SMALL_REQUEST_THRESHOLD,
};

/// `sizeof` of each free-listed type on a 64-bit build, as 3.11.7 prints
/// them: `PyDictObject`, `PyFloatObject`, `PyListObject`, and a tuple of
/// `n` items (`_PyObject_VAR_SIZE`: its 24-byte head and 8 per item).
const DICT_OBJECT: usize = 48;
const FLOAT_OBJECT: usize = 24;
const LIST_OBJECT: usize = 40;
fn tuple_object(len: usize) -> usize {
    24 + 8 * len
}

/// `PyTuple_NFREELISTS`: 3.11 prints one line for each length 1..=20.
pub const TUPLE_LENGTHS: usize = 20;

/// How many dead objects each free list holds, for the second part.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FreeListCounts {
    pub dicts: usize,
    pub floats: usize,
    pub lists: usize,
    /// Index `len - 1`.
    pub tuples: [usize; TUPLE_LENGTHS],
}

/// `sys._debugmallocstats()`: both parts, with the blank line between
/// them that `sys__debugmallocstats_impl` writes.
pub fn debugmallocstats(census: &PoolCensus, free_lists: &FreeListCounts) -> String {
    let mut out = pool_report(census);
    out.push('\n');
    out.push_str(&type_stats(free_lists));
    out
}

/// `printone`: the label, spaces up to column 35, `=`, and the value with
/// commas, right-aligned in the 21 characters of CPython's buffer.
fn printone(out: &mut String, label: &str, value: usize) -> usize {
    // Build the digits backwards, a comma after every third, as the C
    // loop fills its buffer from the end.
    let mut reversed = Vec::new();
    let mut rest = value;
    let mut in_group = 0;
    loop {
        reversed.push(b'0' + (rest % 10) as u8);
        rest /= 10;
        in_group += 1;
        if rest == 0 {
            break;
        }
        if in_group == 3 {
            reversed.push(b',');
            in_group = 0;
        }
    }
    reversed.reverse();
    let number = String::from_utf8(reversed).expect("digits and commas are ASCII");
    out.push_str(label);
    out.extend(std::iter::repeat_n(
        ' ',
        35usize.saturating_sub(label.len()),
    ));
    out.push('=');
    out.extend(std::iter::repeat_n(
        ' ',
        21usize.saturating_sub(number.len()),
    ));
    out.push_str(&number);
    out.push('\n');
    value
}

/// What the walk over the arenas adds up for one class.
#[derive(Default, Clone, Copy)]
struct Class {
    pools: usize,
    used: usize,
    free: usize,
}

/// `_PyObject_DebugMallocStats`, up to its first *Total*.
pub fn pool_report(census: &PoolCensus) -> String {
    let mut classes = [Class::default(); NB_SMALL_SIZE_CLASSES];
    let mut free_pools = 0;
    let mut alignment = 0;
    for arena in &census.arenas {
        free_pools += arena.nfreepools;
        if arena.address % POOL_SIZE != 0 {
            alignment += POOL_SIZE;
        }
        // Empty pools are skipped: their arena counts them as free.
        for pool in arena.pools.iter().filter(|p| p.used > 0) {
            let size = block_size(pool.szidx);
            let class = &mut classes[pool.szidx];
            class.pools += 1;
            class.used += pool.used;
            class.free += (POOL_SIZE - POOL_OVERHEAD) / size - pool.used;
        }
    }

    let mut out = format!("Small block threshold = {SMALL_REQUEST_THRESHOLD}, in {NB_SMALL_SIZE_CLASSES} size classes.\n\n");
    out.push_str("class   size   num pools   blocks in use  avail blocks\n");
    out.push_str("-----   ----   ---------   -------------  ------------\n");
    let mut allocated = 0;
    let mut available = 0;
    let mut headers = 0;
    let mut quantization = 0;
    for (i, class) in classes.iter().enumerate().filter(|(_, c)| c.pools > 0) {
        let size = block_size(i);
        out.push_str(&format!(
            "{i:5} {size:6} {:11} {:15} {:13}\n",
            class.pools, class.used, class.free
        ));
        allocated += class.used * size;
        available += class.free * size;
        headers += class.pools * POOL_OVERHEAD;
        quantization += class.pools * ((POOL_SIZE - POOL_OVERHEAD) % size);
    }
    out.push('\n');

    let held = census.arenas.len();
    let total_ever = census.arenas_allocated_total;
    printone(&mut out, "# arenas allocated total", total_ever);
    printone(
        &mut out,
        "# arenas reclaimed",
        total_ever.saturating_sub(held),
    );
    printone(&mut out, "# arenas highwater mark", census.arenas_highwater);
    printone(&mut out, "# arenas allocated current", held);
    let label = format!("{held} arenas * {ARENA_SIZE} bytes/arena");
    printone(&mut out, &label, held * ARENA_SIZE);
    out.push('\n');

    let mut total = printone(&mut out, "# bytes in allocated blocks", allocated);
    total += printone(&mut out, "# bytes in available blocks", available);
    let label = format!("{free_pools} unused pools * {POOL_SIZE} bytes");
    total += printone(&mut out, &label, free_pools * POOL_SIZE);
    total += printone(&mut out, "# bytes lost to pool headers", headers);
    total += printone(&mut out, "# bytes lost to quantization", quantization);
    total += printone(&mut out, "# bytes lost to arena alignment", alignment);
    printone(&mut out, "Total", total);
    out
}

/// `_PyDebugAllocatorStats`: "N free NAMEs * SIZE bytes each",
/// right-aligned in 48 columns and a space, then `printone`'s `=` and the
/// product.
fn free_list_line(out: &mut String, name: &str, count: usize, size: usize) {
    let text = format!("{count} {name}s * {size} bytes each");
    printone(out, &format!("{text:>48} "), count * size);
}

/// `_PyObject_DebugTypeStats`.
pub fn type_stats(counts: &FreeListCounts) -> String {
    let mut out = String::new();
    free_list_line(&mut out, "free PyDictObject", counts.dicts, DICT_OBJECT);
    free_list_line(&mut out, "free PyFloatObject", counts.floats, FLOAT_OBJECT);
    free_list_line(&mut out, "free PyListObject", counts.lists, LIST_OBJECT);
    for (i, &count) in counts.tuples.iter().enumerate() {
        let len = i + 1;
        let name = format!("free {len}-sized PyTupleObject");
        free_list_line(&mut out, &name, count, tuple_object(len));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use memlings_python::{ArenaCensus, PoolCensusEntry};

    #[test]
    fn printone_pads_the_label_and_groups_the_digits() {
        let mut out = String::new();
        printone(&mut out, "Total", 4_194_304);
        printone(&mut out, "# arenas reclaimed", 0);
        printone(&mut out, "# x", 999);
        printone(&mut out, "# x", 1000);
        assert_eq!(
            out,
            "Total                              =            4,194,304\n\
             # arenas reclaimed                 =                    0\n\
             # x                                =                  999\n\
             # x                                =                1,000\n"
        );
    }

    #[test]
    fn a_label_of_35_or_more_gets_no_padding() {
        let mut out = String::new();
        let label = "12345678 arenas * 1048576 bytes/arena";
        printone(&mut out, label, 1);
        assert_eq!(out, format!("{label}={:>21}\n", "1"));
    }

    #[test]
    fn the_bytes_of_the_arenas_add_up_to_their_total() {
        // One arena off a pool boundary (63 pools), one on it (64): the
        // empty pool is in nfreepools, not in the table.
        let census = PoolCensus {
            arenas: vec![
                ArenaCensus {
                    address: 0x7f00_0000_1000,
                    nfreepools: 61,
                    ntotalpools: 63,
                    pools: vec![
                        PoolCensusEntry { szidx: 3, used: 10 },
                        PoolCensusEntry { szidx: 3, used: 0 },
                        PoolCensusEntry {
                            szidx: 31,
                            used: 31,
                        },
                    ],
                },
                ArenaCensus {
                    address: 0x7f00_0040_0000,
                    nfreepools: 63,
                    ntotalpools: 64,
                    pools: vec![PoolCensusEntry { szidx: 0, used: 1 }],
                },
            ],
            arenas_allocated_total: 3,
            arenas_highwater: 2,
        };
        let report = pool_report(&census);
        let rows: Vec<&str> = report.lines().skip(4).take(3).collect();
        assert_eq!(
            rows,
            [
                "    0     16           1               1          1020",
                "    3     64           1              10           245",
                "   31    512           1              31             0",
            ]
        );
        let value = |label: &str| -> usize {
            let line = report.lines().find(|l| l.starts_with(label)).unwrap();
            line.split('=')
                .nth(1)
                .unwrap()
                .trim()
                .replace(',', "")
                .parse()
                .unwrap()
        };
        assert_eq!(value("# arenas reclaimed"), 1);
        assert_eq!(value("124 unused pools"), 124 * POOL_SIZE);
        assert_eq!(value("# bytes lost to arena alignment"), POOL_SIZE);
        assert_eq!(value("Total"), 2 * ARENA_SIZE);
    }

    #[test]
    fn free_lists_come_in_cpythons_order() {
        let mut counts = FreeListCounts {
            dicts: 8,
            floats: 4,
            lists: 40,
            ..FreeListCounts::default()
        };
        counts.tuples[9] = 1;
        let text = type_stats(&counts);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3 + 20);
        // As python3 3.11.7 printed them.
        assert_eq!(
            lines[..3],
            [
                "            8 free PyDictObjects * 48 bytes each =                  384",
                "           4 free PyFloatObjects * 24 bytes each =                   96",
                "           40 free PyListObjects * 40 bytes each =                1,600",
            ]
        );
        assert_eq!(
            lines[12],
            " 1 free 10-sized PyTupleObjects * 104 bytes each =                  104"
        );
        assert_eq!(
            lines[22],
            " 0 free 20-sized PyTupleObjects * 184 bytes each =                    0"
        );
    }
}
