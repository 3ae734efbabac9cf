//! Check for `generations`: the choice of generation (the 25% rule
//! included) on a table of states, then event traces: lists kept in a loop
//! (the same collections CPython 3.11.7's `gc.callbacks` reported for the
//! same loop), a heap big enough for the 25% rule to hold a full collection
//! back, cycles dropped as fast as they are made, explicit `collect(n)`
//! with promotion, a cycle that reaches into an older generation and a
//! full collection that frees a cycle (what `long_lived_total` counts),
//! `set_threshold(0)`, `disable`/`enable`, `free`, and `freeze`.

use crate::exercise::{Collection, Gc, ObjId, GENERATIONS};
use crate::harness::{attempt, show_display, Case};

pub const CASES: &[Case] = &[
    ("choose_generation", choose_generation),
    ("keep_10000_lists", keep_10000_lists),
    ("the_25_percent_rule", the_25_percent_rule),
    ("garbage_dies_young", garbage_dies_young),
    ("explicit_collect", explicit_collect),
    ("threshold_disable_free", threshold_disable_free),
    ("freeze", freeze),
];

/// Objects the interpreter itself keeps: ids far from the program's.
const STARTUP: u32 = 1_000_000_000;
/// Tracked objects in generation 2 right after `gc.collect()` in the
/// book's `python3` 3.11.7 script (`len(gc.get_objects(2))`).
const STARTUP_OBJECTS: usize = 11_094;

/// 12345 -> "12,345".
fn n(value: usize) -> String {
    let mut groups = Vec::new();
    let mut rest = value;
    loop {
        groups.push(rest % 1000);
        rest /= 1000;
        if rest == 0 {
            break;
        }
    }
    let mut out = groups.pop().unwrap_or(0).to_string();
    for group in groups.iter().rev() {
        out += &format!(",{group:03}");
    }
    out
}

fn tuple(c: [usize; GENERATIONS]) -> String {
    format!("({}, {}, {})", c[0], c[1], c[2])
}

fn ids(list: &[ObjId]) -> String {
    let shown: Vec<String> = list.iter().map(|id| id.0.to_string()).collect();
    format!("[{}]", shown.join(", "))
}

fn generation_ids(gc: &Gc) -> String {
    (0..GENERATIONS)
        .map(|g| {
            let list: Vec<ObjId> = gc.generations[g].iter().copied().collect();
            format!("gen {g} {}", ids(&list))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn generation_sizes(gc: &Gc) -> String {
    (0..GENERATIONS)
        .map(|g| format!("gen {g} {}", n(gc.generations[g].len())))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One collection, with its freed objects listed when there are few.
fn describe(c: &Collection) -> String {
    let freed = if c.freed.len() <= 6 {
        ids(&c.freed)
    } else {
        n(c.freed.len())
    };
    format!(
        "gen {} collected: examined {}, freed {}, promoted {}",
        c.generation,
        n(c.examined),
        freed,
        n(c.promoted)
    )
}

fn stats(gc: &Gc) -> String {
    (0..GENERATIONS)
        .map(|g| {
            format!(
                "gen {g} {} collections, {} collected",
                n(gc.stats[g].collections),
                n(gc.stats[g].collected)
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The state of a fresh `python3` script right after `gc.collect()`: the
/// interpreter's own objects, all in generation 2.
fn after_startup() -> Gc {
    let mut gc = Gc::new();
    gc.generations[2] = (STARTUP..).take(STARTUP_OBJECTS).map(ObjId).collect();
    gc.long_lived_total = STARTUP_OBJECTS;
    gc
}

/// What the collector knew just before an allocation.
#[derive(Clone, Copy)]
struct Before {
    count: [usize; GENERATIONS],
    total: usize,
    pending: usize,
}

/// Allocates `ids` one by one, calling `after_each` with each id once it is
/// allocated; `report` turns an allocation (its index in the loop, the
/// state before it, and the collection it caused) into a line or nothing.
/// Stops at the first panic.
fn alloc_loop(
    gc: &mut Gc,
    ids: impl Iterator<Item = u32>,
    mut after_each: impl FnMut(&mut Gc, u32) -> Result<(), String>,
    mut report: impl FnMut(usize, Before, &Collection) -> Option<String>,
) -> String {
    let mut out = String::new();
    for (i, id) in ids.enumerate() {
        let before = Before {
            count: gc.count,
            total: gc.long_lived_total,
            pending: gc.long_lived_pending,
        };
        match attempt(|| gc.alloc(ObjId(id))) {
            Err(msg) => return out + &format!("alloc({id}) panicked: {msg}\n"),
            Ok(Some(c)) => {
                if let Some(line) = report(i, before, &c) {
                    out += &line;
                    out.push('\n');
                }
            }
            Ok(None) => {}
        }
        if let Err(msg) = after_each(gc, id) {
            return out + &format!("panicked: {msg}\n");
        }
    }
    out
}

fn no_more(_: &mut Gc, _: u32) -> Result<(), String> {
    Ok(())
}

fn choose_generation() -> String {
    // count, threshold, long_lived_total, long_lived_pending
    type Row = ([usize; 3], [usize; 3], usize, usize);
    let rows: [Row; 15] = [
        ([0, 0, 0], [700, 10, 10], 0, 0),
        ([700, 0, 0], [700, 10, 10], 0, 0),
        ([701, 0, 0], [700, 10, 10], 0, 0),
        ([701, 10, 0], [700, 10, 10], 0, 0),
        ([701, 11, 0], [700, 10, 10], 0, 0),
        ([701, 11, 10], [700, 10, 10], 0, 0),
        ([701, 0, 11], [700, 10, 10], 0, 0),
        ([701, 0, 11], [700, 10, 10], 11_095, 2_772),
        ([701, 0, 11], [700, 10, 10], 11_095, 2_773),
        ([701, 11, 11], [700, 10, 10], 384_026, 92_532),
        ([701, 0, 12], [700, 10, 10], 384_026, 100_944),
        ([701, 0, 11], [700, 10, 10], 1_003, 250),
        ([701, 0, 11], [700, 10, 10], 1_004, 250),
        ([6, 2, 1], [5, 1, 1], 0, 0),
        ([6, 2, 2], [5, 1, 1], 0, 0),
    ];
    let mut out = format!(
        "{:<16} {:<15} {:>15} {:>8} -> collects\n",
        "count", "threshold", "long_lived_total", "pending"
    );
    for (count, threshold, total, pending) in rows {
        let mut gc = Gc::new();
        gc.count = count;
        gc.threshold = threshold;
        gc.long_lived_total = total;
        gc.long_lived_pending = pending;
        let chosen = show_display(|| match gc.choose_generation() {
            Some(g) => format!("generation {g}"),
            None => "nothing".to_string(),
        });
        out += &format!(
            "{:<16} {:<15} {:>15} {:>8} -> {chosen}\n",
            tuple(count),
            tuple(threshold),
            n(total),
            n(pending)
        );
    }
    out
}

fn keep_10000_lists() -> String {
    let mut gc = Gc::new();
    let mut out = String::from(
        "gc.collect(); keep = []; then for i in range(10_000): keep.append([])\n\
         (the list `keep` is object 0, the list made at step i is object i + 1)\n",
    );
    if let Err(msg) = attempt(|| gc.alloc(ObjId(0))) {
        return out + &format!("alloc(0) panicked: {msg}\n");
    }
    out += &format!("before the loop: count {}\n", tuple(gc.count));
    let mut after = Vec::new();
    out += &alloc_loop(&mut gc, 1..=10_000, no_more, |i, _, c| {
        after.push(i);
        Some(format!("i = {:>5}: {}", n(i), describe(c)))
    });
    out += &format!(
        "after the loop: count {}; {}\n",
        tuple(gc.count),
        generation_sizes(&gc)
    );
    out += &format!("gc.get_stats(): {}\n", stats(&gc));
    out
}

fn the_25_percent_rule() -> String {
    let mut gc = after_startup();
    // In the book's script, count0 was 3 when the loop started (its first
    // collection came at i = 697): `keep` and two objects the script made
    // after gc.collect().
    let made_after = (STARTUP..).skip(STARTUP_OBJECTS + 1).take(3).map(ObjId);
    gc.generations[0].extend(made_after);
    gc.count[0] = 3;
    let mut out = format!(
        "start: {} objects in gen 2 (a full collection just ran), count {}\n\
         then 480,000 new objects, all kept alive. Every collection of gen 2,\n\
         and every younger one made while gen 2 was over its threshold:\n\
         {:>9}  {:<16} {:>9} {:>9}  collected\n",
        n(STARTUP_OBJECTS),
        tuple(gc.count),
        "i",
        "count then",
        "pending",
        "total / 4",
    );
    out += &alloc_loop(&mut gc, 0..480_000, no_more, |i, before, c| {
        if before.count[2] <= 10 && c.generation < 2 {
            return None;
        }
        // The counts as gc.callbacks would see them: this allocation counted.
        let trigger = [before.count[0] + 1, before.count[1], before.count[2]];
        let what = if c.generation == 2 {
            format!("gen 2, examined {}", n(c.examined))
        } else {
            format!("gen {}: gen 2 waits", c.generation)
        };
        Some(format!(
            "{:>9}  {:<16} {:>9} {:>9}  {what}",
            n(i),
            tuple(trigger),
            n(before.pending),
            n(before.total / 4)
        ))
    });
    out += &format!(
        "after the loop: count {}, long_lived_total {}, long_lived_pending {}\n",
        tuple(gc.count),
        n(gc.long_lived_total),
        n(gc.long_lived_pending)
    );
    out += &format!("gc.get_stats(): {}\n", stats(&gc));
    out
}

fn garbage_dies_young() -> String {
    let mut gc = after_startup();
    let mut out = format!(
        "start: {} objects in gen 2 (a full collection just ran), count {}\n\
         then for i in range(100_000): a = Node(); a.me = a\n\
         (Node i is object i; it becomes a dropped cycle when Node i + 1 replaces it)\n",
        n(STARTUP_OBJECTS),
        tuple(gc.count)
    );
    let mut gen0_shown = 0;
    let drop_previous = |gc: &mut Gc, id: u32| -> Result<(), String> {
        if id > 0 {
            attempt(|| gc.drop_cycle(&[ObjId(id - 1)]))?;
        }
        Ok(())
    };
    out += &alloc_loop(&mut gc, 0..100_000, drop_previous, |i, _, c| {
        if c.generation == 0 {
            gen0_shown += 1;
            if gen0_shown > 2 {
                return None;
            }
        }
        Some(format!("i = {:>6}: {}", n(i), describe(c)))
    });
    out += &format!("after the loop: count {}\n", tuple(gc.count));
    out += &format!("gc.get_stats(): {}\n", stats(&gc));
    let waiting: Vec<String> = (0..GENERATIONS)
        .map(|g| {
            let dead = gc
                .dropped_cycles
                .iter()
                .filter(|cycle| cycle.iter().all(|id| gc.generations[g].contains(id)))
                .count();
            format!("{} in gen {g}", n(dead))
        })
        .collect();
    out += &format!(
        "dropped Nodes not found yet: {} ({})\n",
        n(gc.dropped_cycles.len()),
        waiting.join(", ")
    );
    out
}

/// Runs one step of a scripted case and renders it, or the panic.
fn step(out: &mut String, what: &str, run: impl FnOnce() -> String) {
    let shown = match attempt(run) {
        Ok(text) => text,
        Err(msg) => format!("panicked: {msg}"),
    };
    *out += &format!("{what:<22} {shown}\n");
}

fn collect_line(gc: &mut Gc, generation: usize) -> String {
    let c = gc.collect(generation);
    format!(
        "{} -> returns {}; count {}",
        describe(&c),
        c.freed.len(),
        tuple(gc.count)
    )
}

fn long_lived(gc: &Gc) -> String {
    format!(
        "long_lived_total {}, long_lived_pending {}",
        gc.long_lived_total, gc.long_lived_pending
    )
}

fn explicit_collect() -> String {
    let mut gc = Gc::new();
    let mut out = String::new();
    step(&mut out, "alloc 1 to 6", || {
        for id in 1..=6 {
            gc.alloc(ObjId(id));
        }
        format!("count {}", tuple(gc.count))
    });
    gc.drop_cycle(&[ObjId(2), ObjId(3)]);
    out += "drop_cycle([2, 3])\n";
    step(&mut out, "collect(0)", || collect_line(&mut gc, 0));
    out += &format!("{:<22} {}\n", "", generation_ids(&gc));
    step(&mut out, "alloc 7, 8", || {
        gc.alloc(ObjId(7));
        gc.alloc(ObjId(8));
        format!("count {}", tuple(gc.count))
    });
    gc.drop_cycle(&[ObjId(4), ObjId(7)]);
    out += "drop_cycle([4, 7])     (4 is in gen 1, 7 in gen 0)\n";
    step(&mut out, "collect(0)", || collect_line(&mut gc, 0));
    step(&mut out, "collect(1)", || collect_line(&mut gc, 1));
    out += &format!("{:<22} {}\n", "", generation_ids(&gc));
    out += &format!("{:<22} {}\n", "", long_lived(&gc));
    step(&mut out, "collect(2)", || collect_line(&mut gc, 2));
    out += &format!("{:<22} {}\n", "", long_lived(&gc));
    step(&mut out, "alloc 9, 10", || {
        gc.alloc(ObjId(9));
        gc.alloc(ObjId(10));
        format!("count {}", tuple(gc.count))
    });
    gc.drop_cycle(&[ObjId(9), ObjId(10)]);
    out += "drop_cycle([9, 10])\n";
    step(&mut out, "collect(1)", || collect_line(&mut gc, 1));
    out += &format!("{:<22} {}\n", "", long_lived(&gc));
    out += "(pending 0 < 4 / 4: the 25% rule would hold an automatic collection back;\n \
            gc.collect(2) does not ask)\n";
    step(&mut out, "collect(2)", || collect_line(&mut gc, 2));
    out += &format!("{:<22} {}\n", "", generation_ids(&gc));
    out += &format!("{:<22} {}\n", "", long_lived(&gc));
    // A full collection that frees something: long_lived_total is what
    // survived it, not what it examined; and the freed ids come out in
    // increasing order whatever order the cycle was dropped in.
    gc.drop_cycle(&[ObjId(8), ObjId(5)]);
    out += "drop_cycle([8, 5])     (both in gen 2)\n";
    step(&mut out, "collect(2)", || collect_line(&mut gc, 2));
    out += &format!("{:<22} {}\n", "", generation_ids(&gc));
    out += &format!("{:<22} {}\n", "", long_lived(&gc));
    out += "(long_lived_total: the objects that survived the last full collection)\n";
    out += &format!("gc.get_stats(): {}\n", stats(&gc));
    out
}

fn threshold_disable_free() -> String {
    let mut gc = Gc::new();
    let mut out = String::new();
    gc.set_threshold([0, 10, 10]);
    out += "set_threshold(0, 10, 10)\n";
    let mut shown = 0;
    out += &alloc_loop(&mut gc, 1..=2_000, no_more, |i, _, c| {
        shown += 1;
        (shown <= 3).then(|| format!("alloc {}: {}", i + 1, describe(c)))
    });
    out += &format!("2,000 allocations later: count {}\n", tuple(gc.count));
    gc.set_threshold([700, 10, 10]);
    out += "set_threshold(700, 10, 10)\n";
    step(&mut out, "alloc 2001", || match gc.alloc(ObjId(2_001)) {
        Some(c) => format!("{}; count {}", describe(&c), tuple(gc.count)),
        None => format!("no collection; count {}", tuple(gc.count)),
    });
    gc.disable();
    out += "disable()\n";
    shown = 0;
    out += &alloc_loop(&mut gc, 2_002..=3_001, no_more, |i, _, c| {
        shown += 1;
        (shown <= 3).then(|| format!("alloc {}: {}", 2_002 + i, describe(c)))
    });
    out += &format!("1,000 allocations later: count {}\n", tuple(gc.count));
    step(&mut out, "collect(0)", || collect_line(&mut gc, 0));
    step(&mut out, "alloc 3002 to 3701", || {
        let collections = (3_002..=3_701).filter_map(|id| gc.alloc(ObjId(id))).count();
        format!("{collections} collections; count {}", tuple(gc.count))
    });
    gc.enable();
    out += "enable()\n";
    step(&mut out, "alloc 3702", || match gc.alloc(ObjId(3_702)) {
        Some(c) => format!("{}; count {}", describe(&c), tuple(gc.count)),
        None => format!("no collection; count {}", tuple(gc.count)),
    });
    step(&mut out, "alloc 3703, 3704", || {
        gc.alloc(ObjId(3_703));
        gc.alloc(ObjId(3_704));
        format!("count {}", tuple(gc.count))
    });
    step(&mut out, "free(1) (in gen 1)", || {
        gc.free(ObjId(1));
        format!("count {}; {}", tuple(gc.count), generation_sizes(&gc))
    });
    step(&mut out, "free 3702 to 3704", || {
        for id in 3_702..=3_704 {
            gc.free(ObjId(id));
        }
        format!("count {}; {}", tuple(gc.count), generation_sizes(&gc))
    });
    out
}

fn freeze() -> String {
    let mut gc = Gc::new();
    let mut out = String::new();
    step(&mut out, "alloc 1 to 5", || {
        for id in 1..=5 {
            gc.alloc(ObjId(id));
        }
        format!("count {}", tuple(gc.count))
    });
    step(&mut out, "collect(0)", || collect_line(&mut gc, 0));
    step(&mut out, "alloc 6, 7", || {
        gc.alloc(ObjId(6));
        gc.alloc(ObjId(7));
        format!("count {}", tuple(gc.count))
    });
    gc.drop_cycle(&[ObjId(1), ObjId(2)]);
    out += "drop_cycle([1, 2])\n";
    step(&mut out, "freeze()", || {
        gc.freeze();
        format!(
            "count {}; get_freeze_count() {}; {}",
            tuple(gc.count),
            gc.get_freeze_count(),
            generation_sizes(&gc)
        )
    });
    step(&mut out, "alloc 8, 9", || {
        gc.alloc(ObjId(8));
        gc.alloc(ObjId(9));
        format!("count {}", tuple(gc.count))
    });
    gc.drop_cycle(&[ObjId(8)]);
    out += "drop_cycle([8])\n";
    step(&mut out, "collect(2)", || collect_line(&mut gc, 2));
    out += &format!(
        "{:<22} get_freeze_count() {}; {}\n",
        "",
        gc.get_freeze_count(),
        generation_ids(&gc)
    );
    step(&mut out, "free(3) (frozen)", || {
        gc.free(ObjId(3));
        format!(
            "count {}; get_freeze_count() {}",
            tuple(gc.count),
            gc.get_freeze_count()
        )
    });
    step(&mut out, "unfreeze()", || {
        gc.unfreeze();
        format!(
            "count {}; get_freeze_count() {}",
            tuple(gc.count),
            gc.get_freeze_count()
        )
    });
    out += &format!("{:<22} {}\n", "", generation_ids(&gc));
    step(&mut out, "collect(2)", || collect_line(&mut gc, 2));
    out += &format!("{:<22} {}\n", "", generation_ids(&gc));
    out
}
