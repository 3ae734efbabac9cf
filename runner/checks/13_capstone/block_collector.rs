//! Check for `block_collector`: graphs of nodes in pool blocks, collected
//! as CPython 3.11's gc_collect_main does it. The header bits step by step
//! (`gc_refs` above the two flags of `_gc_prev`, FINALIZED kept, the
//! collecting flag set and cleared); one collection taken apart
//! (`update_refs`, `subtract_refs`, `move_unreachable` with its
//! NEXT_MASK_UNREACHABLE bits, `clear_unreachable_mask`); then whole
//! collections: a ring, a cycle reachable from an outside reference, a
//! self-cycle, a long chain held at its end (the survivors' order
//! reversed, as gcmodule.c's comment in deduce_unreachable explains), and
//! objects whose only referrer is garbage, floats among them; references
//! from an older generation; collections of generations 1 and 2 merging
//! the younger ones first. After each collection the check walks every
//! list itself, both ways, through the raw links, and reports any flag
//! left behind, then frees the garbage (`delete_garbage`, given) and shows
//! the allocator's blocks going back. A seeded random-graph case compares
//! the unreachable set with a reachability oracle written here.

use std::collections::{BTreeMap, BTreeSet};
use std::ptr;

use memlings_python::Allocator;

use crate::exercise::object_header::arenas::Pymalloc;
use crate::exercise::object_header::{
    as_gc, gc_list_append, gc_list_objects, gc_list_remove, new_object, refcnt, GcHead, GcList,
    Obj, FLOAT_TYPE, PREV_FLAGS, PREV_MASK_COLLECTING, PREV_MASK_FINALIZED,
};
use crate::exercise::{
    clear_unreachable_mask, collect, delete_garbage, gc_clear_collecting, gc_decref, gc_get_refs,
    gc_is_collecting, gc_reset_refs, gc_set_refs, get_item, move_unreachable, node_new, release,
    set_item, subtract_refs, update_refs, Generations, NEXT_MASK_UNREACHABLE,
};
use crate::harness::{attempt, Case};

pub const CASES: &[Case] = &[
    ("refs_in_prev", refs_in_prev),
    ("one_collection_step_by_step", step_by_step),
    ("ring", ring),
    ("reachable_cycle", reachable_cycle),
    ("self_cycle", self_cycle),
    ("long_chain", long_chain),
    ("only_garbage_refers", only_garbage_refers),
    ("older_generations", older_generations),
    ("random_graphs", random_graphs),
];

/// A heap of named objects in pool blocks, and the references this check
/// holds to them from outside.
struct Graph {
    alloc: Pymalloc,
    gens: Generations,
    names: BTreeMap<usize, String>,
    objects: BTreeMap<String, Obj>,
    /// Outside references still held, by name.
    held: BTreeMap<String, usize>,
}

impl Graph {
    fn new() -> Graph {
        let gens = Generations::default();
        let mut names = BTreeMap::new();
        for g in 0..3 {
            names.insert(gens.head(g).addr(), format!("gen{g}"));
        }
        Graph {
            alloc: Pymalloc::default(),
            gens,
            names,
            objects: BTreeMap::new(),
            held: BTreeMap::new(),
        }
    }

    fn obj(&self, name: &str) -> Obj {
        self.objects[name]
    }

    /// A node of `k` items, tracked in generation `generation`.
    fn node(&mut self, name: &str, k: usize, generation: usize) {
        let op = node_new(&mut self.alloc, k).expect("a block");
        // SAFETY: a new, untracked node; moved to its generation by the
        // (solved) list functions of the previous exercise.
        unsafe {
            self.gens.track(op);
            if generation > 0 {
                gc_list_remove(as_gc(op));
                gc_list_append(as_gc(op), self.gens.head(generation));
            }
        }
        self.add(name, op);
    }

    fn float(&mut self, name: &str) {
        let op = new_object(&mut self.alloc, &FLOAT_TYPE, 0).expect("a block");
        self.add(name, op);
    }

    fn add(&mut self, name: &str, op: Obj) {
        self.names.insert(op.addr() - 16, name.to_string());
        self.objects.insert(name.to_string(), op);
        self.held.insert(name.to_string(), 1);
    }

    /// Item `i` of `from` refers to `to`.
    fn link(&mut self, from: &str, i: usize, to: &str) {
        // SAFETY: both are live (this check holds them), the slot is empty.
        unsafe { set_item(self.obj(from), i, self.obj(to)) };
    }

    /// The check lets go of its outside reference to each of `names`.
    fn let_go(&mut self, names: &[&str]) {
        for name in names {
            let count = self.held.get_mut(*name).expect("held");
            *count -= 1;
            let op = self.objects[*name];
            // SAFETY: the check held this reference, so `op` is live.
            unsafe { release(&mut self.alloc, op) };
        }
    }

    fn name(&self, g: *mut GcHead) -> String {
        let bare = g.map_addr(|a| a & !NEXT_MASK_UNREACHABLE & !PREV_FLAGS);
        match self.names.get(&bare.addr()) {
            Some(name) => name.clone(),
            None if g.is_null() => "null".to_string(),
            None => "?".to_string(),
        }
    }

    /// The objects of a list, walked by the check through the raw links,
    /// forwards and back, with anything wrong said: a flag left in a
    /// link, an object still collecting, a back link that disagrees.
    fn walk(&self, head: *mut GcHead) -> String {
        self.walk_list(head, false)
    }

    /// `walk` for the unreachable list, whose objects are all still
    /// collecting (CPython clears that in delete_garbage).
    fn walk_garbage(&self, head: *mut GcHead) -> String {
        self.walk_list(head, true)
    }

    fn walk_list(&self, head: *mut GcHead, collecting: bool) -> String {
        let (forward, wrong) = self.walk_names(head, collecting);
        let mut out = format!("[{}]", forward.join(", "));
        if !wrong.is_empty() {
            out += &format!("  WRONG: {}", wrong.join("; "));
        }
        out
    }

    /// The names `walk` shows, and what it found wrong.
    fn walk_names(&self, head: *mut GcHead, collecting: bool) -> (Vec<String>, Vec<String>) {
        let limit = self.objects.len() + 2;
        let mut forward = Vec::new();
        let mut wrong = Vec::new();
        let mut g = head;
        // SAFETY: the walk follows links the check can name: each is a live
        // node's header or a head, and it stops at the first it cannot.
        unsafe {
            loop {
                let next = (*g).gc_next;
                if next.addr() & NEXT_MASK_UNREACHABLE != 0 {
                    wrong.push(format!(
                        "{}'s _gc_next has NEXT_MASK_UNREACHABLE",
                        self.name(g)
                    ));
                }
                let next = next.map_addr(|a| a & !NEXT_MASK_UNREACHABLE);
                if ptr::eq(next, head) {
                    break;
                }
                let name = self.name(next);
                if name == "?" || name == "null" || forward.len() > limit {
                    forward.push(format!("{name}!"));
                    break;
                }
                let is_collecting = (*next).gc_prev.addr() & PREV_MASK_COLLECTING != 0;
                if is_collecting && !collecting {
                    wrong.push(format!("{name} is still collecting"));
                } else if collecting && !is_collecting {
                    wrong.push(format!("{name} is unreachable but not collecting"));
                }
                let back = (*next).gc_prev.map_addr(|a| a & !PREV_FLAGS);
                if !ptr::eq(back, g) {
                    wrong.push(format!(
                        "{name}'s _gc_prev is {}, not {}",
                        self.name(back),
                        self.name(g)
                    ));
                }
                forward.push(name);
                g = next;
            }
            let tail = (*head).gc_prev;
            if !ptr::eq(tail, g) {
                wrong.push(format!(
                    "the head's _gc_prev is {}, not {}",
                    self.name(tail),
                    self.name(g)
                ));
            }
        }
        (forward, wrong)
    }

    /// `_gc_prev` in words: a link (with its flags) when it names a header
    /// the check knows, else `gc_refs` and the flags.
    fn prev(&self, g: *mut GcHead) -> String {
        // SAFETY: called on live headers only.
        let raw = unsafe { (*g).gc_prev };
        let bits = raw.addr();
        let mut flags = String::new();
        if bits & PREV_MASK_COLLECTING != 0 {
            flags += " collecting";
        }
        if bits & PREV_MASK_FINALIZED != 0 {
            flags += " finalized";
        }
        let name = self.name(raw);
        if name == "?" || name == "null" {
            format!("gc_refs {}{flags}", bits >> 2)
        } else {
            format!("prev {name}{flags}")
        }
    }

    fn generations(&self) -> String {
        (0..3)
            .map(|g| format!("  gen{g} {}\n", self.walk(self.gens.head(g))))
            .collect()
    }

    fn blocks(&self) -> usize {
        self.alloc.stats().blocks
    }

    /// collect(generation), then the garbage freed; all of it shown.
    fn collect(&mut self, out: &mut String, generation: usize) {
        let before = self.blocks();
        // SAFETY: every object in the generations is live, and so is what
        // it refers to (reference counting frees nothing that is referred to).
        let garbage = match attempt(|| unsafe { collect(&self.gens, generation) }) {
            Ok(list) => list,
            Err(msg) => {
                *out += &format!("collect({generation}) panicked: {msg}\n");
                return;
            }
        };
        self.names
            .insert(garbage.head().addr(), "unreachable".to_string());
        *out += &format!(
            "collect({generation}):\n  unreachable {}\n{}",
            self.walk_garbage(garbage.head()),
            self.generations()
        );
        let old = self.gens.head((generation + 1).min(2));
        // SAFETY: `garbage` is what collect returned; the objects are live.
        match attempt(|| unsafe { delete_garbage(&mut self.alloc, &garbage, old) }) {
            Ok(()) => {
                *out += &format!("  garbage deleted: blocks {before} -> {}\n", self.blocks());
            }
            Err(msg) => *out += &format!("  delete_garbage panicked: {msg}\n"),
        }
        // The list head goes; nothing may point at it any more.
        // SAFETY: the head is live until `garbage` drops below.
        if !unsafe { crate::exercise::object_header::gc_list_is_empty(garbage.head()) } {
            std::mem::forget(garbage);
        }
    }
}

fn refs_in_prev() -> String {
    let mut graph = Graph::new();
    graph.node("a", 0, 0);
    graph.node("b", 0, 0);
    let (a, b) = (graph.obj("a"), graph.obj("b"));
    let mut out = String::new();
    // SAFETY: a and b are live, tracked; their links are put back at the end.
    unsafe {
        let (ga, gb) = (as_gc(a), as_gc(b));
        (*gb).gc_prev = (*gb).gc_prev.map_addr(|x| x | PREV_MASK_FINALIZED);
        let view = &graph;
        let mut step = |what: &str, call: &mut dyn FnMut()| {
            let shown = match attempt(call) {
                Ok(()) => format!("a: {:<28} b: {}", view.prev(ga), view.prev(gb)),
                Err(msg) => format!("panicked: {msg}"),
            };
            out += &format!("{what:<34} {shown}\n");
        };
        step("b's __del__ has run (finalized)", &mut || {});
        step("gc_reset_refs(a, 3), (b, 5)", &mut || {
            gc_reset_refs(ga, 3);
            gc_reset_refs(gb, 5);
        });
        step("gc_decref(a), gc_decref(b) twice", &mut || {
            gc_decref(ga);
            gc_decref(gb);
            gc_decref(gb);
        });
        step("gc_set_refs(a, 1), (b, 0)", &mut || {
            gc_set_refs(ga, 1);
            gc_set_refs(gb, 0);
        });
        step("gc_clear_collecting(a)", &mut || gc_clear_collecting(ga));
        step("gc_set_refs(a, 1 << 40)", &mut || gc_set_refs(ga, 1 << 40));
        for (name, g) in [("a", ga), ("b", gb)] {
            let refs = attempt(|| gc_get_refs(g));
            let collecting = attempt(|| gc_is_collecting(g));
            out += &format!("{name}: gc_get_refs {refs:?}, gc_is_collecting {collecting:?}\n");
        }
        // Put the links back as they were, by hand.
        let head = graph.gens.head(0);
        (*ga).gc_prev = head;
        (*gb).gc_prev = ga.map_addr(|x| x | PREV_MASK_FINALIZED);
    }
    out += &format!("links put back: gen0 {}\n", graph.walk(graph.gens.head(0)));
    graph.let_go(&["a", "b"]);
    out += &format!("blocks {}\n", graph.blocks());
    out
}

fn step_by_step() -> String {
    let mut graph = Graph::new();
    let mut out = "a -> b -> c -> a (a ring), d -> b, e held; d and e held from outside; f -> f\n"
        .to_string();
    for name in ["a", "b", "c", "d", "e", "f"] {
        graph.node(name, 2, 0);
    }
    graph.float("x");
    graph.link("a", 0, "b");
    graph.link("b", 0, "c");
    graph.link("c", 0, "a");
    graph.link("d", 0, "b");
    graph.link("c", 1, "x");
    graph.link("f", 0, "f");
    graph.let_go(&["a", "b", "c", "f", "x"]);
    let young = graph.gens.head(0);
    let names = ["a", "b", "c", "d", "e", "f"];
    let show = |graph: &Graph, out: &mut String, what: &str| {
        *out += &format!("{what}\n");
        for name in names {
            let op = graph.obj(name);
            // SAFETY: the objects are live; the check reads their words.
            unsafe {
                let g = as_gc(op);
                let next = (*g).gc_next;
                *out += &format!(
                    "  {name}: refcnt {}  {:<28} _gc_next {}{}\n",
                    refcnt(op),
                    graph.prev(g),
                    graph.name(next),
                    if next.addr() & NEXT_MASK_UNREACHABLE != 0 {
                        " | UNREACHABLE"
                    } else {
                        ""
                    }
                );
            }
        }
    };
    show(&graph, &mut out, "before");
    // SAFETY: gen0's objects are live; the steps are collect's, in order.
    if let Err(msg) = attempt(|| unsafe { update_refs(young) }) {
        out += &format!("update_refs panicked: {msg}\n");
    }
    show(
        &graph,
        &mut out,
        "update_refs: gc_refs = refcnt, collecting",
    );
    if let Err(msg) = attempt(|| unsafe { subtract_refs(young) }) {
        out += &format!("subtract_refs panicked: {msg}\n");
    }
    show(
        &graph,
        &mut out,
        "subtract_refs: what is left comes from outside gen0",
    );
    let unreachable = GcList::new();
    graph
        .names
        .insert(unreachable.head().addr(), "unreachable".to_string());
    if let Err(msg) = attempt(|| unsafe { move_unreachable(young, unreachable.head()) }) {
        out += &format!("move_unreachable panicked: {msg}\n");
    }
    show(&graph, &mut out, "move_unreachable");
    // SAFETY: the unreachable head is live.
    unsafe {
        out += &format!(
            "  unreachable's head: _gc_next {}\n",
            graph.name((*unreachable.head()).gc_next)
        );
    }
    out += &format!("  gen0 {}\n", graph.walk(young));
    if let Err(msg) = attempt(|| unsafe { clear_unreachable_mask(unreachable.head()) }) {
        out += &format!("clear_unreachable_mask panicked: {msg}\n");
    }
    out += &format!(
        "clear_unreachable_mask\n  unreachable {}\n",
        graph.walk_garbage(unreachable.head())
    );
    let before = graph.blocks();
    // SAFETY: unreachable holds what move_unreachable found.
    let deleted = attempt(|| unsafe { delete_garbage(&mut graph.alloc, &unreachable, young) });
    out += &format!(
        "delete_garbage: {deleted:?}, blocks {before} -> {}\n",
        graph.blocks()
    );
    // SAFETY: the head is live.
    if !unsafe { crate::exercise::object_header::gc_list_is_empty(unreachable.head()) } {
        std::mem::forget(unreachable);
    }
    out
}

fn ring() -> String {
    let mut graph = Graph::new();
    let mut out = "a -> b -> c -> d -> a, nothing outside holds them; e held, alone\n".to_string();
    for name in ["a", "b", "c", "d", "e"] {
        graph.node(name, 1, 0);
    }
    for (from, to) in [("a", "b"), ("b", "c"), ("c", "d"), ("d", "a")] {
        graph.link(from, 0, to);
    }
    graph.let_go(&["a", "b", "c", "d"]);
    out += &format!(
        "blocks {} (the ring keeps itself alive)\n{}",
        graph.blocks(),
        graph.generations()
    );
    graph.collect(&mut out, 0);
    out
}

fn reachable_cycle() -> String {
    let mut graph = Graph::new();
    let mut out =
        "a <-> b <-> c (each refers to the next and back), d -> c; only d held\n".to_string();
    for name in ["a", "b", "c", "d"] {
        graph.node(name, 2, 0);
    }
    graph.link("a", 0, "b");
    graph.link("b", 0, "c");
    graph.link("b", 1, "a");
    graph.link("c", 1, "b");
    graph.link("d", 0, "c");
    graph.let_go(&["a", "b", "c"]);
    graph.collect(&mut out, 0);
    out += "d let go: the cycle is garbage now, in generation 1\n";
    graph.let_go(&["d"]);
    out += &graph.generations();
    graph.collect(&mut out, 1);
    out
}

fn self_cycle() -> String {
    let mut graph = Graph::new();
    let mut out = "a -> a, b -> b, c -> c; b held\n".to_string();
    for name in ["a", "b", "c"] {
        graph.node(name, 1, 0);
        graph.link(name, 0, name);
    }
    graph.let_go(&["a", "c"]);
    graph.collect(&mut out, 0);
    out
}

fn long_chain() -> String {
    let mut graph = Graph::new();
    let n = 12;
    let mut out = format!(
        "n0 <- n1 <- ... <- n{} (each refers to the one made before it); only the last held\n",
        n - 1
    );
    let names: Vec<String> = (0..n).map(|i| format!("n{i}")).collect();
    for (i, name) in names.iter().enumerate() {
        graph.node(name, 1, 0);
        if i > 0 {
            graph.link(name, 0, &names[i - 1]);
        }
    }
    let let_go: Vec<&str> = names[..n - 1].iter().map(String::as_str).collect();
    graph.let_go(&let_go);
    out += &graph.generations();
    out += "each is moved to unreachable and back, once; the survivors end up reversed\n";
    graph.collect(&mut out, 0);
    out += "collected again from generation 1: nothing moves\n";
    graph.collect(&mut out, 1);
    out
}

fn only_garbage_refers() -> String {
    let mut graph = Graph::new();
    let mut out = "a <-> b garbage; a -> c -> d (a chain only a refers to), b -> x, d -> y (floats); e -> y, e held\n".to_string();
    for name in ["c", "a", "d", "b", "e"] {
        graph.node(name, 2, 0);
    }
    // The float blocks come after a 32-byte block (of the floats' size
    // class) whose last 8 bytes look like a collecting `_gc_prev` with
    // gc_refs 5: reading 16 bytes before a float as its GC header would
    // find them there.
    let Some(filler) = graph.alloc.allocate(32) else {
        return out + "no block";
    };
    let look_alike = (5usize << 2) | PREV_MASK_COLLECTING;
    // SAFETY: the block is 32 bytes, ours, 16-aligned.
    unsafe {
        filler
            .addr
            .as_ptr()
            .add(24)
            .cast::<usize>()
            .write(look_alike)
    };
    graph.float("x");
    graph.float("y");
    // SAFETY: as above.
    let untouched = || unsafe { filler.addr.as_ptr().add(24).cast::<usize>().read() } == look_alike;
    graph.link("a", 0, "b");
    graph.link("b", 0, "a");
    graph.link("a", 1, "c");
    graph.link("c", 0, "d");
    graph.link("b", 1, "x");
    graph.link("d", 0, "y");
    graph.link("e", 0, "y");
    graph.let_go(&["a", "b", "c", "d", "x", "y"]);
    graph.collect(&mut out, 0);
    out += &format!(
        "the 16 bytes in front of the floats' blocks are as they were (a float has no GC header): {}\n",
        untouched()
    );
    out += "y lives on: e holds it\n";
    out
}

fn older_generations() -> String {
    let mut graph = Graph::new();
    let mut out = "o1 in gen1 -> y0 in gen0; y0 <-> z0; w0 <-> v0 garbage; o2 in gen2 -> o1; p2 <-> q2 in gen2, garbage; o2 held\n".to_string();
    graph.node("p2", 1, 2);
    graph.node("o2", 1, 2);
    graph.node("q2", 1, 2);
    graph.node("o1", 1, 1);
    for name in ["w0", "y0", "z0", "v0"] {
        graph.node(name, 1, 0);
    }
    graph.link("o2", 0, "o1");
    graph.link("o1", 0, "y0");
    graph.link("y0", 0, "z0");
    graph.link("z0", 0, "y0");
    graph.link("w0", 0, "v0");
    graph.link("v0", 0, "w0");
    graph.link("p2", 0, "q2");
    graph.link("q2", 0, "p2");
    graph.let_go(&["p2", "q2", "o1", "w0", "y0", "z0", "v0"]);
    out += &graph.generations();
    out += "collect(0): o1 is outside, so what it refers to survives, and joins gen1 after it\n";
    graph.collect(&mut out, 0);
    graph.node("n0", 0, 0);
    graph.let_go(&[]);
    out += "a new n0 in gen0; collect(1) merges gen0 into gen1 first\n";
    graph.collect(&mut out, 1);
    graph.node("m1", 0, 1);
    graph.node("m0", 0, 0);
    out += "m1 in gen1 and m0 in gen0, held; collect(2) merges gen0, then gen1, into gen2\n";
    out += &graph.generations();
    out += "collect(2): the gen2 cycle p2 <-> q2 goes; the oldest generation keeps its survivors\n";
    graph.collect(&mut out, 2);
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

fn random_graphs() -> String {
    let mut out =
        "seed  objects  collected  gen  unreachable  oracle  links   blocks after\n".to_string();
    for seed in 1..=12u64 {
        let mut rng = Lcg(seed);
        let mut graph = Graph::new();
        let n = 30 + rng.below(30) as usize;
        let names: Vec<String> = (0..n).map(|i| format!("o{i}")).collect();
        for name in &names {
            let generation = rng.below(3) as usize;
            graph.node(name, 3, generation);
        }
        // Edges mostly to near neighbours, so the graph falls into many
        // small clusters, some held from outside and some garbage.
        for (i, name) in names.iter().enumerate() {
            for slot in 0..3 {
                if rng.below(2) > 0 {
                    let to = if rng.below(8) == 0 {
                        rng.below(n as u64) as usize
                    } else {
                        (i + n + rng.below(9) as usize - 4) % n
                    };
                    graph.link(name, slot, &names[to]);
                }
            }
        }
        let let_go: Vec<&str> = names
            .iter()
            .filter(|_| rng.below(6) > 0)
            .map(String::as_str)
            .collect();
        graph.let_go(&let_go);
        let generation = rng.below(3) as usize;
        // The oracle: what is in the collected generations (walked with the
        // solved list functions), and what refers to them from elsewhere.
        // SAFETY: every object still in a list is live, and so are its items.
        let (collected, outside) = unsafe {
            let mut collected = Vec::new();
            let mut outside = Vec::new();
            for g in 0..3 {
                let objects = gc_list_objects(graph.gens.head(g));
                if g <= generation {
                    collected.extend(objects);
                } else {
                    outside.extend(objects);
                }
            }
            (collected, outside)
        };
        let in_set: BTreeSet<Obj> = collected.iter().copied().collect();
        let mut reached: BTreeSet<Obj> = BTreeSet::new();
        let mut stack: Vec<Obj> = Vec::new();
        for &op in &collected {
            let name = &graph.names[&(op.addr() - 16)];
            if graph.held[name] > 0 {
                stack.push(op);
            }
        }
        let items = |op: Obj| -> Vec<Obj> {
            // SAFETY: `op` is a live node of 3 items.
            (0..3).filter_map(|i| unsafe { get_item(op, i) }).collect()
        };
        for &op in &outside {
            stack.extend(items(op).into_iter().filter(|t| in_set.contains(t)));
        }
        while let Some(op) = stack.pop() {
            if reached.insert(op) {
                stack.extend(items(op).into_iter().filter(|t| in_set.contains(t)));
            }
        }
        let expected: BTreeSet<Obj> = in_set.difference(&reached).copied().collect();
        let blocks = graph.blocks();
        // SAFETY: as in Graph::collect.
        let result = attempt(|| unsafe { collect(&graph.gens, generation) });
        let Ok(garbage) = result else {
            out += &format!("{seed:>4}  collect panicked\n");
            continue;
        };
        graph
            .names
            .insert(garbage.head().addr(), "unreachable".to_string());
        let (found, wrong) = graph.walk_names(garbage.head(), true);
        let found_set: BTreeSet<String> = found.iter().cloned().collect();
        let expected_names: BTreeSet<String> = expected
            .iter()
            .map(|o| graph.names[&(o.addr() - 16)].clone())
            .collect();
        let agrees = found_set == expected_names && found.len() == found_set.len();
        let survivors_list = graph.gens.head((generation + 1).min(2));
        let survivors = graph.walk(survivors_list);
        let ok = if survivors.contains("WRONG") || !wrong.is_empty() {
            "WRONG"
        } else {
            "ok"
        };
        // SAFETY: `garbage` is what collect returned.
        let _ = attempt(|| unsafe { delete_garbage(&mut graph.alloc, &garbage, survivors_list) });
        out += &format!(
            "{seed:>4}  {n:>7}  {:>9}  {generation:>3}  {:>11}  {:<6}  {:<6}  {blocks} -> {}\n",
            collected.len(),
            found.len(),
            if agrees { "agrees" } else { "DIFFERS" },
            ok,
            graph.blocks(),
        );
        out += &format!(
            "      unreachable [{}]\n      survivors {survivors}\n",
            found.join(", ")
        );
        if !agrees {
            out += &format!(
                "      the oracle says [{}]\n",
                expected_names.into_iter().collect::<Vec<_>>().join(", ")
            );
        }
        if !wrong.is_empty() {
            out += &format!("      {}\n", wrong.join("; "));
        }
        // SAFETY: the head is live.
        if !unsafe { crate::exercise::object_header::gc_list_is_empty(garbage.head()) } {
            std::mem::forget(garbage);
        }
    }
    out
}
