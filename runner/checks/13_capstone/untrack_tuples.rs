//! Check for `untrack_tuples`: which objects "may be tracked" (floats and
//! objects never, lists and nodes always, tuples while tracked); each kind
//! of tuple through `maybe_untrack` (of floats, of a list, with a null
//! item, of an untracked or a tracked tuple, of no items, a node that is no
//! tuple, one already untracked); the walk of `untrack_tuples` going on
//! past the tuples it takes out, the lists whole both ways; python3
//! 3.11.7's nested tuples (`outer = (inner,)` with `inner` held only by
//! `outer` is untracked in two collections, in one when a name holds
//! `inner` too); garbage tuples left in `unreachable`, not untracked; and
//! seeded random graphs of tuples, collected until nothing changes, against
//! the set of tuples an oracle here says can never be in a cycle.

use std::collections::BTreeMap;
use std::ptr;

use memlings_python::Allocator;

use crate::exercise::block_collector::{
    delete_garbage, node_new, release, set_item, Generations, NEXT_MASK_UNREACHABLE,
};
use crate::exercise::object_header::arenas::Pymalloc;
use crate::exercise::object_header::{
    gc_list_objects, gc_list_remove, is_tracked, new_object, GcHead, Obj, FLOAT_TYPE, LIST_TYPE,
    OBJECT_TYPE, PREV_FLAGS,
};
use crate::exercise::{collect_main, may_be_tracked, maybe_untrack, tuple_new, untrack_tuples};
use crate::harness::{attempt, Case};

pub const CASES: &[Case] = &[
    ("may_be_tracked", may_be_tracked_table),
    ("maybe_untrack", maybe_untrack_each),
    ("the_walk_goes_on", the_walk_goes_on),
    ("nested_tuples", nested_tuples),
    ("garbage_is_not_untracked", garbage_is_not_untracked),
    ("random_tuples", random_tuples),
];

/// Named objects in pool blocks, the generations, and the check's own
/// references to them.
struct Heap {
    alloc: Pymalloc,
    gens: Generations,
    names: BTreeMap<usize, String>,
    objects: BTreeMap<String, Obj>,
}

impl Heap {
    fn new() -> Heap {
        let gens = Generations::default();
        let mut names = BTreeMap::new();
        for g in 0..3 {
            names.insert(gens.head(g).addr(), format!("gen{g}"));
        }
        Heap {
            alloc: Pymalloc::default(),
            gens,
            names,
            objects: BTreeMap::new(),
        }
    }

    fn add(&mut self, name: &str, op: Obj, gc: bool) {
        let header = if gc { op.addr() - 16 } else { op.addr() };
        self.names.insert(header, name.to_string());
        self.objects.insert(name.to_string(), op);
    }

    fn tuple(&mut self, name: &str, n: usize) {
        let op = tuple_new(&mut self.alloc, &self.gens, n).expect("a block");
        self.add(name, op, true);
    }

    fn node(&mut self, name: &str, n: usize) {
        let op = node_new(&mut self.alloc, n).expect("a block");
        // SAFETY: a new node, untracked.
        unsafe { self.gens.track(op) };
        self.add(name, op, true);
    }

    fn list(&mut self, name: &str) {
        let op = new_object(&mut self.alloc, &LIST_TYPE, 0).expect("a block");
        // SAFETY: a new list, untracked.
        unsafe { self.gens.track(op) };
        self.add(name, op, true);
    }

    fn float(&mut self, name: &str) {
        let op = new_object(&mut self.alloc, &FLOAT_TYPE, 0).expect("a block");
        self.add(name, op, false);
    }

    fn obj(&self, name: &str) -> Obj {
        self.objects[name]
    }

    fn set(&mut self, from: &str, i: usize, to: &str) {
        // SAFETY: both live, the slot empty.
        unsafe { set_item(self.obj(from), i, self.obj(to)) };
    }

    fn let_go(&mut self, names: &[&str]) {
        for name in names {
            let op = self.obj(name);
            // SAFETY: the check holds this reference.
            unsafe { release(&mut self.alloc, op) };
        }
    }

    fn tracked(&self, name: &str) -> bool {
        // SAFETY: the named objects the check asks about are live GC objects.
        unsafe { is_tracked(self.obj(name)) }
    }

    fn name(&self, g: *mut GcHead) -> String {
        let bare = g.map_addr(|a| a & !NEXT_MASK_UNREACHABLE & !PREV_FLAGS);
        match self.names.get(&bare.addr()) {
            Some(name) => name.clone(),
            None if g.is_null() => "null".to_string(),
            None => "?".to_string(),
        }
    }

    /// A list, walked forwards and back by the check through the raw links.
    fn walk(&self, head: *mut GcHead) -> String {
        let mut forward = Vec::new();
        let mut wrong = Vec::new();
        let mut g = head;
        // SAFETY: the walk follows only links it can name, to live headers.
        unsafe {
            loop {
                let next = (*g).gc_next.map_addr(|a| a & !NEXT_MASK_UNREACHABLE);
                if ptr::eq(next, head) {
                    break;
                }
                let name = self.name(next);
                if name == "?" || name == "null" || forward.len() > self.objects.len() {
                    forward.push(format!("{name}!"));
                    break;
                }
                let back = (*next).gc_prev.map_addr(|a| a & !PREV_FLAGS);
                if !ptr::eq(back, g) {
                    wrong.push(format!("{name}'s _gc_prev is {}", self.name(back)));
                }
                forward.push(name);
                g = next;
            }
            if !ptr::eq((*head).gc_prev.map_addr(|a| a & !PREV_FLAGS), g) {
                wrong.push("the head's _gc_prev is not the last".to_string());
            }
        }
        let mut out = format!("[{}]", forward.join(", "));
        if !wrong.is_empty() {
            out += &format!("  WRONG: {}", wrong.join("; "));
        }
        out
    }

    fn generations(&self) -> String {
        (0..3)
            .map(|g| format!("  gen{g} {}\n", self.walk(self.gens.head(g))))
            .collect()
    }

    /// collect_main(generation) and the garbage deleted; returns the
    /// unreachable objects' names.
    fn collect(&mut self, out: &mut String, generation: usize) -> Vec<String> {
        // SAFETY: every object in the generations is live, and its items.
        let garbage = match attempt(|| unsafe { collect_main(&self.gens, generation) }) {
            Ok(list) => list,
            Err(msg) => {
                *out += &format!("collect_main({generation}) panicked: {msg}\n");
                return Vec::new();
            }
        };
        self.names
            .insert(garbage.head().addr(), "unreachable".to_string());
        let shown = self.walk(garbage.head());
        *out += &format!("collect_main({generation}): unreachable {shown}\n");
        // SAFETY: the unreachable list holds live objects.
        let found: Vec<String> = unsafe { gc_list_objects(garbage.head()) }
            .iter()
            .map(|op| self.name(op.0.as_ptr().cast::<GcHead>().wrapping_sub(1)))
            .collect();
        let old = self.gens.head((generation + 1).min(2));
        // SAFETY: `garbage` is what collect_main returned.
        if let Err(msg) = attempt(|| unsafe { delete_garbage(&mut self.alloc, &garbage, old) }) {
            *out += &format!("delete_garbage panicked: {msg}\n");
        }
        // SAFETY: the head is live.
        if !unsafe { crate::exercise::object_header::gc_list_is_empty(garbage.head()) } {
            std::mem::forget(garbage);
        }
        found
    }
}

fn may_be_tracked_table() -> String {
    let mut heap = Heap::new();
    heap.float("a float");
    let object = new_object(&mut heap.alloc, &OBJECT_TYPE, 0).expect("a block");
    heap.add("object()", object, false);
    heap.list("a list");
    heap.node("a node", 0);
    let loose = node_new(&mut heap.alloc, 0).expect("a block");
    heap.add("a node not tracked yet", loose, true);
    heap.tuple("a tracked tuple", 0);
    heap.tuple("an untracked tuple", 0);
    // SAFETY: the tuple is live and tracked in gen0.
    unsafe {
        gc_list_remove(crate::exercise::object_header::as_gc(
            heap.obj("an untracked tuple"),
        ))
    };
    let mut out = String::new();
    for name in [
        "a float",
        "object()",
        "a list",
        "a node",
        "a node not tracked yet",
        "a tracked tuple",
        "an untracked tuple",
    ] {
        let op = heap.obj(name);
        // SAFETY: every object here is live.
        let shown = match attempt(|| unsafe { may_be_tracked(op) }) {
            Ok(b) => b.to_string(),
            Err(msg) => format!("panicked: {msg}"),
        };
        out += &format!("{name:<22} may be tracked: {shown}\n");
    }
    out
}

fn maybe_untrack_each() -> String {
    let mut heap = Heap::new();
    let mut out = String::new();
    heap.float("x");
    heap.float("y");
    heap.list("L");
    heap.tuple("t_floats", 2);
    heap.set("t_floats", 0, "x");
    heap.set("t_floats", 1, "y");
    heap.tuple("t_list", 2);
    heap.set("t_list", 0, "x");
    heap.set("t_list", 1, "L");
    heap.tuple("t_null", 2);
    heap.set("t_null", 0, "x");
    heap.tuple("t_inner", 1);
    heap.set("t_inner", 0, "y");
    heap.tuple("t_of_untracked", 1);
    heap.set("t_of_untracked", 0, "t_inner");
    heap.tuple("t_of_tracked", 1);
    heap.tuple("t_tracked", 1);
    heap.set("t_tracked", 0, "L");
    heap.set("t_of_tracked", 0, "t_tracked");
    heap.tuple("t_empty", 0);
    heap.node("n_floats", 1);
    heap.set("n_floats", 0, "x");
    out += &format!("gen0 {}\n", heap.walk(heap.gens.head(0)));
    let rows = [
        ("t_floats", "(x, y), two floats"),
        ("t_list", "(x, L), a float and a list"),
        ("t_null", "(x, NULL), not built yet"),
        ("t_inner", "(y,)"),
        ("t_of_untracked", "(t_inner,), t_inner untracked just now"),
        ("t_of_tracked", "(t_tracked,), t_tracked holds a list"),
        ("t_empty", "(), no items"),
        ("n_floats", "a node of a float: no tuple"),
        ("t_floats", "(x, y) again, untracked already"),
    ];
    for (name, what) in rows {
        let before = heap.tracked(name);
        let op = heap.obj(name);
        // SAFETY: the object is live, its items live, its list's nodes live.
        let called = match attempt(|| unsafe { maybe_untrack(op) }) {
            Ok(()) => String::new(),
            Err(msg) => format!(" panicked: {msg}"),
        };
        out += &format!(
            "maybe_untrack({name}){called}: {what}: tracked {before} -> {}\n",
            heap.tracked(name)
        );
    }
    out += &format!("gen0 {}\n", heap.walk(heap.gens.head(0)));
    out
}

fn the_walk_goes_on() -> String {
    let mut heap = Heap::new();
    let mut out = String::new();
    heap.float("x");
    heap.list("L");
    for i in 0..8 {
        let name = format!("t{i}");
        heap.tuple(&name, 1);
        // Even tuples hold a float, odd ones a list.
        heap.set(&name, 0, if i % 2 == 0 { "x" } else { "L" });
    }
    heap.tuple("t8", 1);
    heap.set("t8", 0, "x");
    out += &format!("before: gen0 {}\n", heap.walk(heap.gens.head(0)));
    // SAFETY: gen0 and its objects are live.
    if let Err(msg) = attempt(|| unsafe { untrack_tuples(heap.gens.head(0)) }) {
        out += &format!("untrack_tuples panicked: {msg}\n");
    }
    out += &format!(
        "untrack_tuples(gen0): gen0 {}\n",
        heap.walk(heap.gens.head(0))
    );
    let untracked: Vec<String> = (0..9)
        .map(|i| format!("t{i}"))
        .filter(|name| !heap.tracked(name))
        .collect();
    out += &format!("untracked: {}\n", untracked.join(" "));
    let blocks = heap.alloc.stats().blocks;
    out += &format!("untracked, not freed: blocks {blocks}\n");
    out
}

fn nested_tuples() -> String {
    let mut out = String::new();
    for held in [false, true] {
        let mut heap = Heap::new();
        heap.float("n");
        heap.float("two");
        heap.tuple("inner", 2);
        heap.set("inner", 0, "n");
        heap.set("inner", 1, "two");
        heap.tuple("outer", 1);
        heap.set("outer", 0, "inner");
        heap.let_go(&["n", "two"]);
        if held {
            out += "inner = (n, 2); outer = (inner,); a name holds inner too\n";
        } else {
            out += "inner = (n, 2); outer = (inner,); del inner: only outer holds it\n";
            heap.let_go(&["inner"]);
        }
        out += &format!(
            "made: outer tracked {}, inner tracked {}\n",
            heap.tracked("outer"),
            heap.tracked("inner")
        );
        for (round, generation) in [(1, 0), (2, 2), (3, 2)] {
            heap.collect(&mut out, generation);
            out += &format!(
                "after collection {round}: outer tracked {}, inner tracked {}\n{}",
                heap.tracked("outer"),
                heap.tracked("inner"),
                heap.generations()
            );
        }
    }
    out
}

fn garbage_is_not_untracked() -> String {
    let mut heap = Heap::new();
    let mut out =
        "n -> n and n -> u, u = (x,) held only by n: garbage; k = (x,) held; o = (x,) in gen1, held\n".to_string();
    heap.float("x");
    heap.node("n", 2);
    heap.tuple("u", 1);
    heap.set("u", 0, "x");
    heap.tuple("k", 1);
    heap.set("k", 0, "x");
    heap.tuple("o", 1);
    heap.set("o", 0, "x");
    // SAFETY: o is live and tracked in gen0; it moves to gen1's tail.
    unsafe {
        let g = crate::exercise::object_header::as_gc(heap.obj("o"));
        gc_list_remove(g);
        crate::exercise::object_header::gc_list_append(g, heap.gens.head(1));
    }
    heap.set("n", 0, "n");
    heap.set("n", 1, "u");
    heap.let_go(&["x", "n", "u"]);
    out += &heap.generations();
    let blocks = heap.alloc.stats().blocks;
    let found = heap.collect(&mut out, 0);
    out += &format!(
        "found {} unreachable; k tracked {}; o, in a generation not collected, tracked {}; blocks {blocks} -> {}\n{}",
        found.len(),
        heap.tracked("k"),
        heap.tracked("o"),
        heap.alloc.stats().blocks,
        heap.generations()
    );
    out
}

/// A small deterministic generator (64-bit LCG, Knuth's constants).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

fn random_tuples() -> String {
    let mut out =
        "seed  tuples  untracked by the oracle  collections until no change  agrees\n".to_string();
    for seed in 1..=10u64 {
        let mut rng = Lcg(seed);
        let mut heap = Heap::new();
        // What each object is, and its items, for the oracle.
        let mut kinds: Vec<(String, char, Vec<Option<usize>>)> = Vec::new();
        let n = 20 + rng.below(20) as usize;
        for i in 0..n {
            let name = format!("o{i}");
            let kind = match rng.below(20) {
                0..=5 => 'f',
                6 => 'l',
                7 => 'n',
                _ => 't',
            };
            let size = if kind == 't' || kind == 'n' {
                1 + rng.below(2) as usize
            } else {
                0
            };
            match kind {
                'f' => heap.float(&name),
                'l' => heap.list(&name),
                'n' => heap.node(&name, size),
                _ => heap.tuple(&name, size),
            }
            let mut items = Vec::new();
            for slot in 0..size {
                // Items refer to objects made before (tuples are built from
                // what exists); now and then a slot stays null.
                if i == 0 || rng.below(25) == 0 {
                    items.push(None);
                    continue;
                }
                let to = rng.below(i as u64) as usize;
                let to_name = kinds[to].0.clone();
                heap.set(&name, slot, &to_name);
                items.push(Some(to));
            }
            kinds.push((name, kind, items));
        }
        // The check lets go of an object only while something it still
        // holds refers to it, so nothing dies and nothing is garbage, but
        // objects held from inside only move in move_unreachable.
        let mut held = vec![true; n];
        for i in 0..n {
            let referred = (0..n).any(|j| held[j] && kinds[j].2.contains(&Some(i)));
            if referred && rng.below(2) == 0 {
                held[i] = false;
                let name = kinds[i].0.clone();
                heap.let_go(&[&name]);
            }
        }
        // Oracle: a tuple ends up untracked when every item is there and
        // is a float or a tuple that ends up untracked.
        let mut untrackable = vec![false; n];
        for i in 0..n {
            let (_, kind, items) = &kinds[i];
            untrackable[i] = *kind == 't'
                && items.iter().all(|item| match item {
                    None => false,
                    Some(j) => kinds[*j].1 == 'f' || untrackable[*j],
                });
        }
        let expected: Vec<&str> = (0..n)
            .filter(|&i| untrackable[i])
            .map(|i| kinds[i].0.as_str())
            .collect();
        let mut rounds = 0;
        let mut scratch = String::new();
        let mut last: Vec<String> = Vec::new();
        loop {
            heap.collect(&mut scratch, 2);
            rounds += 1;
            let now: Vec<String> = kinds
                .iter()
                .filter(|(_, kind, _)| *kind != 'f')
                .filter(|(name, _, _)| !heap.tracked(name))
                .map(|(name, _, _)| name.clone())
                .collect();
            if (now == last && rounds > 1) || rounds > 2 * n {
                break;
            }
            last = now;
        }
        let agrees = last.iter().map(String::as_str).eq(expected.iter().copied());
        out += &format!(
            "{seed:>4}  {:>6}  {:>23}  {:>27}  {agrees}\n",
            kinds.iter().filter(|k| k.1 == 't').count(),
            expected.len(),
            rounds - 1
        );
        if !agrees {
            out += &format!(
                "      untracked [{}], the oracle says [{}]\n",
                last.join(", "),
                expected.join(", ")
            );
        }
        if scratch.contains("WRONG") || scratch.contains("panicked") {
            out += "      a collection went wrong:\n";
            out += &scratch;
        }
    }
    out
}
