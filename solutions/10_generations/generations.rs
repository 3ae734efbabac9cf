//! Solution for `generations`: CPython 3.11's generational scheduling
//! (`_PyObject_GC_Link`, `gc_collect_generations` and the bookkeeping of
//! `gc_collect_main` in Modules/gcmodule.c), driven by events.

use std::collections::BTreeSet;

// ANCHOR: types
/// An object's identity, which `id()` shows in Python. Here it is the
/// interpreter's handle, the one `memlings py` runs programs with, so a
/// collector written against it can drive a real heap.
pub use memlings_python::ObjId;

/// CPython 3.11 has three generations (`NUM_GENERATIONS`).
pub const GENERATIONS: usize = 3;

/// One generation's line of `gc.get_stats()`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GenStats {
    /// How many times this generation was collected.
    pub collections: usize,
    /// How many unreachable objects those collections found.
    pub collected: usize,
}

/// What one collection did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Collection {
    /// The generation collected (the younger ones were merged into it).
    pub generation: usize,
    /// How many tracked objects it looked at: all of generations
    /// 0..=generation.
    pub examined: usize,
    /// The unreachable objects it found and freed, in increasing order.
    pub freed: Vec<ObjId>,
    /// How many survivors moved up into generation + 1 (0 when the oldest
    /// generation was collected: its survivors stay where they are).
    pub promoted: usize,
}

/// The collector's state, field by field as in CPython 3.11's
/// `struct _gc_runtime_state`.
#[derive(Clone, Debug, Default)]
pub struct Gc {
    /// The tracked objects of each generation (`gc.get_objects(i)`).
    pub generations: [BTreeSet<ObjId>; GENERATIONS],
    /// The permanent generation of `gc.freeze()`: tracked, never examined.
    pub permanent: BTreeSet<ObjId>,
    /// `gc.get_count()`: for generation 0, allocations minus deallocations
    /// of GC objects since the last collection; for 1 and 2, collections
    /// of the generation below since this one was last collected.
    pub count: [usize; GENERATIONS],
    /// `gc.get_threshold()`.
    pub threshold: [usize; GENERATIONS],
    /// `gc.isenabled()`: automatic collection on or off.
    pub enabled: bool,
    /// How many objects survived the last full collection.
    pub long_lived_total: usize,
    /// How many objects collections of generation 1 have moved into
    /// generation 2 since then.
    pub long_lived_pending: usize,
    /// `gc.get_stats()`.
    pub stats: [GenStats; GENERATIONS],
    /// Cycles the program has let go of, each still waiting for a
    /// collection that examines all of its members.
    pub dropped_cycles: Vec<Vec<ObjId>>,
}
// ANCHOR_END: types

impl Gc {
    /// A collector as CPython 3.11 starts: thresholds (700, 10, 10),
    /// enabled, nothing tracked.
    pub fn new() -> Gc {
        Gc {
            threshold: [700, 10, 10],
            enabled: true,
            ..Gc::default()
        }
    }

    /// The program dropped its last reference into `members`, a reference
    /// cycle. Reference counting cannot free them: they stay where they are
    /// until a collection examines every one of them.
    pub fn drop_cycle(&mut self, members: &[ObjId]) {
        self.dropped_cycles.push(members.to_vec());
    }

    /// `gc.set_threshold(t0, t1, t2)`.
    pub fn set_threshold(&mut self, threshold: [usize; GENERATIONS]) {
        self.threshold = threshold;
    }

    /// `gc.disable()`.
    pub fn disable(&mut self) {
        self.enabled = false;
    }

    /// `gc.enable()`.
    pub fn enable(&mut self) {
        self.enabled = true;
    }

    /// `gc.get_freeze_count()`.
    pub fn get_freeze_count(&self) -> usize {
        self.permanent.len()
    }

    // ANCHOR: choose
    /// `gc_collect_generations`: the generation an automatic collection
    /// would collect now, or `None` if no count is over its threshold.
    pub fn choose_generation(&self) -> Option<usize> {
        (0..GENERATIONS).rev().find(|&g| {
            let due = self.count[g] > self.threshold[g];
            // The 25% rule: a full collection waits until the objects
            // promoted into the oldest generation since the last one are at
            // least a quarter of those that survived it.
            let wait = g == GENERATIONS - 1 && self.long_lived_pending < self.long_lived_total / 4;
            due && !wait
        })
    }
    // ANCHOR_END: choose

    // ANCHOR: alloc
    /// A new GC object `id` (`_PyObject_GC_Link`, then tracking). In 3.11
    /// the collection runs right here, inside the allocation, before the
    /// new object joins generation 0.
    pub fn alloc(&mut self, id: ObjId) -> Option<Collection> {
        self.count[0] += 1;
        let due = self.count[0] > self.threshold[0] && self.enabled && self.threshold[0] != 0;
        let collection = if due {
            self.choose_generation().map(|g| self.collect(g))
        } else {
            None
        };
        self.generations[0].insert(id);
        collection
    }

    /// Reference counting freed `id` (`PyObject_GC_Del`): one GC object
    /// fewer, whichever generation it was in.
    pub fn free(&mut self, id: ObjId) {
        for generation in &mut self.generations {
            generation.remove(&id);
        }
        self.permanent.remove(&id);
        self.count[0] = self.count[0].saturating_sub(1);
    }
    // ANCHOR_END: alloc

    // ANCHOR: collect
    /// `gc.collect(generation)`, or an automatic collection: collect
    /// `generation` and every younger one.
    pub fn collect(&mut self, generation: usize) -> Collection {
        assert!(generation < GENERATIONS, "invalid generation");
        // One more collection for the next generation; the counts of this
        // one and the younger ones start again.
        if generation + 1 < GENERATIONS {
            self.count[generation + 1] += 1;
        }
        self.count[..=generation].fill(0);

        let mut young = std::mem::take(&mut self.generations[generation]);
        for younger in &mut self.generations[..generation] {
            young.append(younger);
        }
        let examined = young.len();

        // A dropped cycle is found only if every member is examined.
        let mut freed = Vec::new();
        self.dropped_cycles.retain(|cycle| {
            if cycle.iter().all(|id| young.contains(id)) {
                freed.extend_from_slice(cycle);
                false
            } else {
                true
            }
        });
        for id in &freed {
            young.remove(id);
        }
        freed.sort_unstable();

        let promoted = if generation + 1 < GENERATIONS {
            if generation + 2 == GENERATIONS {
                self.long_lived_pending += young.len();
            }
            let promoted = young.len();
            self.generations[generation + 1].append(&mut young);
            promoted
        } else {
            self.long_lived_pending = 0;
            self.long_lived_total = young.len();
            self.generations[generation] = young;
            0
        };

        let stats = &mut self.stats[generation];
        stats.collections += 1;
        stats.collected += freed.len();
        Collection {
            generation,
            examined,
            freed,
            promoted,
        }
    }
    // ANCHOR_END: collect

    // ANCHOR: freeze
    /// `gc.freeze()`: every tracked object moves to the permanent
    /// generation, and (in 3.11) all three counts start again.
    pub fn freeze(&mut self) {
        for generation in &mut self.generations {
            self.permanent.append(generation);
        }
        self.count = [0; GENERATIONS];
    }

    /// `gc.unfreeze()`: the permanent generation goes back into the oldest.
    pub fn unfreeze(&mut self) {
        self.generations[GENERATIONS - 1].append(&mut self.permanent);
    }
    // ANCHOR_END: freeze
}

fn main() {
    // `cargo run -p memlings-solutions --bin generations`
    let mut gc = Gc::new();
    for id in 0..2_100 {
        if let Some(c) = gc.alloc(ObjId(id)) {
            println!("allocating {id}: {c:?}, count {:?}", gc.count);
        }
    }
    println!("count {:?}", gc.count);
}
