//! # Exercise `generations`: when does the collector run?
//!
//! Book: book/src/cycles/generations.md, section "Your turn: three generations".
//!
//! CPython 3.11 keeps every object the cycle collector tracks in one of
//! three generations. New objects start in generation 0; an object that
//! survives a collection moves up one generation, until it reaches 2. A
//! collection is not started by a clock: it starts inside an allocation,
//! when `gc.get_count()[0]` goes over `gc.get_threshold()[0]`, and it
//! collects the oldest generation whose count is over its threshold,
//! together with all the younger ones. Generation 2 has one more condition,
//! the 25% rule. The book section spells out every rule.
//!
//! Here you write that schedule, driven by events: `alloc` (a GC object is
//! made), `free` (reference counting freed one), `drop_cycle` (the program
//! let go of a reference cycle, which only a collection can free),
//! `collect(n)`, `freeze`/`unfreeze`. Who refers to whom is not modelled:
//! a dropped cycle is garbage, everything else is alive. Fill in the
//! `todo!()`s:
//!
//! 1. `choose_generation`: which generation an automatic collection takes.
//! 2. `alloc` and `free`: the count of generation 0, and when to collect.
//! 3. `collect`: counts, merging, freeing, promotion, `long_lived_*`, stats.
//! 4. `freeze` and `unfreeze`.
//!
//! ```
//! let mut gc = Gc::new();
//! for id in 0..700 {
//!     assert_eq!(gc.alloc(ObjId(id)), None);  // 700 is not over 700
//! }
//! let c = gc.alloc(ObjId(700)).unwrap();      // count0 701 > 700: collect
//! assert_eq!((c.generation, c.examined, c.promoted), (0, 700, 700));
//! assert_eq!(gc.count, [0, 1, 0]);
//! ```
//!
//! Run `memlings` and save this file: the check replays allocation loops
//! (one of them the loop the book ran on CPython 3.11.7, with the same
//! collections at the same steps) and prints every collection.

use std::collections::BTreeSet;

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

    /// `gc_collect_generations`: the generation an automatic collection
    /// would collect now, or `None` if no count is over its threshold.
    ///
    /// The oldest generation whose count is over (strictly) its threshold
    /// wins, except that generation 2 also has to pass the 25% rule
    /// (`long_lived_pending` against `long_lived_total / 4`, in integers);
    /// when it does not, the younger generations get their turn.
    pub fn choose_generation(&self) -> Option<usize> {
        todo!()
    }

    /// A new GC object `id` (`_PyObject_GC_Link`, then tracking). In 3.11
    /// the collection runs right here, inside the allocation, before the
    /// new object joins generation 0.
    ///
    /// It counts first. A collection runs if generation 0's count is now
    /// over its threshold, automatic collection is enabled, and that
    /// threshold is not 0 (`gc.set_threshold(0)` turns automatic
    /// collection off). Returns what the collection did, if one ran.
    pub fn alloc(&mut self, id: ObjId) -> Option<Collection> {
        todo!()
    }

    /// Reference counting freed `id` (`PyObject_GC_Del`): one GC object
    /// fewer, whichever generation it was in (the permanent one too).
    /// Generation 0's count goes down by one, but never below 0.
    pub fn free(&mut self, id: ObjId) {
        todo!()
    }

    /// `gc.collect(generation)`, or an automatic collection: collect
    /// `generation` and every younger one. `generation` is 0, 1 or 2.
    ///
    /// In the order `gc_collect_main` does it:
    /// - the counts: the next generation gets one more collection; this
    ///   one and the younger ones start again from 0;
    /// - the younger generations are merged into this one, and all of it
    ///   is examined;
    /// - a dropped cycle is freed if *all* its members are examined: its
    ///   members leave the collection, and it leaves `dropped_cycles` (a
    ///   member left in an older generation refers to the others from
    ///   outside, so they all look alive);
    /// - the survivors move up one generation; survivors of a generation 1
    ///   collection add to `long_lived_pending`; a collection of
    ///   generation 2 keeps its survivors, counts them into
    ///   `long_lived_total` and sets `long_lived_pending` back to 0;
    /// - `stats` for this generation: one more collection, and the freed.
    pub fn collect(&mut self, generation: usize) -> Collection {
        todo!()
    }

    /// `gc.freeze()`: every tracked object moves to the permanent
    /// generation, and (in 3.11) all three counts start again.
    pub fn freeze(&mut self) {
        todo!()
    }

    /// `gc.unfreeze()`: the permanent generation goes back into the oldest.
    pub fn unfreeze(&mut self) {
        todo!()
    }
}

fn main() {
    // Try it: `cargo run -p memlings-exercises --bin generations`.
    let mut gc = Gc::new();
    for id in 0..2_100 {
        if let Some(c) = gc.alloc(ObjId(id)) {
            println!("allocating {id}: {c:?}, count {:?}", gc.count);
        }
    }
    println!("count {:?}", gc.count);
}
