//! Check for `object_header`: objects whose headers live in pool blocks of
//! the arenas solution. CPython 3.11's request sizes (a list 56 bytes, a
//! float 24, a tuple of n 40 + 8n; `sys.getsizeof` on python3 3.11.7 says
//! the same) and the size class each lands in; the bytes of fresh blocks,
//! field by field (`_gc_next`, `_gc_prev`, `ob_refcnt`, `ob_type`,
//! `ob_size` at the offsets of 64-bit 3.11); reference counts going up and
//! down, and blocks going back to their pools when a count reaches 0, the
//! pools' counts and `stats()` falling back and the last freed block
//! reused first; the GC list: appends in order, walked forwards by the
//! exercise and backwards by the check itself through the raw `_gc_prev`
//! links, removals at the front, the middle and the end, merges of full
//! and empty lists; flag bits in `_gc_prev` surviving every list
//! operation; and a tracked object's dealloc leaving its list whole.

use std::collections::BTreeMap;
use std::ptr::{self, NonNull};

use memlings_python::Allocator;

use crate::exercise::arenas::{Place, Pymalloc};
use crate::exercise::{
    as_gc, dealloc, decref, gc_list_append, gc_list_init, gc_list_is_empty, gc_list_merge,
    gc_list_objects, gc_list_remove, gc_prev, gc_set_prev, incref, is_tracked, new_object, refcnt,
    request_size, GcHead, GcList, Obj, TypeObject, FLOAT_TYPE, LIST_TYPE, OBJECT_TYPE, PREV_FLAGS,
    PREV_MASK_COLLECTING, PREV_MASK_FINALIZED, TUPLE_TYPE,
};
use crate::harness::{attempt, Case};

pub const CASES: &[Case] = &[
    ("request_sizes", request_sizes),
    ("header_bytes", header_bytes),
    ("refcounts_free_blocks", refcounts_free_blocks),
    ("append_and_walk", append_and_walk),
    ("remove", remove),
    ("merge", merge),
    ("flags_kept", flags_kept),
    ("dealloc_untracks", dealloc_untracks),
];

/// Names for the addresses a case knows: its objects' GC headers and its
/// list heads. Anything else prints as an offset-free `?`.
#[derive(Default)]
struct Names {
    by_addr: BTreeMap<usize, String>,
}

impl Names {
    fn object(&mut self, name: &str, op: Obj) {
        // Safe arithmetic on the address only: the GC header is 16 bytes
        // before the object.
        self.by_addr.insert(op.addr() - 16, name.to_string());
    }

    fn list(&mut self, name: &str, list: &GcList) {
        self.by_addr.insert(list.head().addr(), name.to_string());
    }

    fn of(&self, p: *mut GcHead) -> String {
        if p.is_null() {
            return "null".to_string();
        }
        match self.by_addr.get(&p.addr()) {
            Some(name) => name.clone(),
            None => "?".to_string(),
        }
    }
}

/// Objects that every case allocates from one allocator and frees at the end.
fn allocator() -> Pymalloc {
    Pymalloc::default()
}

fn new(alloc: &mut Pymalloc, tp: &'static TypeObject, n: usize) -> Result<Obj, String> {
    match attempt(|| new_object(alloc, tp, n)) {
        Ok(Some(op)) => Ok(op),
        Ok(None) => Err("new_object gave None".to_string()),
        Err(msg) => Err(format!("new_object panicked: {msg}")),
    }
}

/// The list as the exercise walks it, and as the check walks it back
/// through the raw `_gc_prev` links (flags masked by the check), at most
/// `limit` steps each way.
fn walk(names: &Names, list: &GcList, limit: usize) -> String {
    // SAFETY: every node a case links into a list is a live object's GC
    // header; a wrong link shows as `?`, and the walk stops there.
    let forward = match attempt(|| unsafe { gc_list_objects(list.head()) }) {
        Ok(objects) if objects.len() > limit => format!("{} objects, more than fit", objects.len()),
        Ok(objects) => {
            let shown: Vec<String> = objects
                .iter()
                .map(|&op| names.of(unsafe { as_gc_raw(op) }))
                .collect();
            format!("[{}]", shown.join(", "))
        }
        Err(msg) => format!("gc_list_objects panicked: {msg}"),
    };
    let mut back = Vec::new();
    let head = list.head();
    // SAFETY: as above: the walk follows only links it can name.
    let mut p = unsafe { raw_prev(head) };
    while !ptr::eq(p, head) && back.len() <= limit {
        let name = names.of(p);
        back.push(name.clone());
        if name == "?" || name == "null" {
            break;
        }
        p = unsafe { raw_prev(p) };
    }
    back.reverse();
    format!("forward {forward}  backward [{}]", back.join(", "))
}

/// `_gc_prev` with the flags masked, read by the check itself.
///
/// # Safety
///
/// `g` is a live GC header or list head.
unsafe fn raw_prev(g: *mut GcHead) -> *mut GcHead {
    unsafe { (*g).gc_prev }.map_addr(|a| a & !PREV_FLAGS)
}

/// The object's GC header by address arithmetic, not by the exercise's
/// `as_gc`, for naming.
///
/// # Safety
///
/// `op` is a live GC object.
unsafe fn as_gc_raw(op: Obj) -> *mut GcHead {
    unsafe { op.0.as_ptr().cast::<GcHead>().sub(1) }
}

fn where_is(alloc: &Pymalloc, start: *mut u8) -> String {
    let Some(addr) = NonNull::new(start) else {
        return "null".to_string();
    };
    match attempt(|| alloc.locate(addr)) {
        Ok(Place::Pool(id, offset)) => {
            format!("arena {} pool {} offset {offset}", id.arena, id.pool)
        }
        Ok(Place::System) => "system".to_string(),
        Err(_) => "not a block".to_string(),
    }
}

fn pool_counts(alloc: &Pymalloc) -> String {
    let mut out = Vec::new();
    for szidx in 0..32 {
        for id in alloc.usedpools(szidx) {
            if let Some(h) = alloc.pool_header(id) {
                out.push(format!(
                    "class {szidx} pool {}: {} in use",
                    id.pool, h.count
                ));
            }
        }
    }
    if out.is_empty() {
        "no pool in use".to_string()
    } else {
        out.join("; ")
    }
}

/// A made-up type whose items do not add up to a multiple of 8 (as
/// `_PyObject_VAR_SIZE` rounds them); `sys.getsizeof` has nothing to say.
static ODD_TYPE: TypeObject = TypeObject {
    name: "odd",
    basicsize: 33,
    itemsize: 1,
    is_gc: true,
};

fn request_sizes() -> String {
    let mut out =
        "type    items  request  class  block  (sys.getsizeof on 3.11.7; odd is made up)\n"
            .to_string();
    let rows: [(&'static TypeObject, usize, usize); 11] = [
        (&OBJECT_TYPE, 0, 16),
        (&FLOAT_TYPE, 0, 24),
        (&LIST_TYPE, 0, 56),
        (&TUPLE_TYPE, 0, 40),
        (&TUPLE_TYPE, 1, 48),
        (&TUPLE_TYPE, 3, 64),
        (&TUPLE_TYPE, 10, 120),
        (&TUPLE_TYPE, 59, 512),
        (&ODD_TYPE, 0, 0),
        (&ODD_TYPE, 7, 0),
        (&ODD_TYPE, 8, 0),
    ];
    for (tp, n, getsizeof) in rows {
        let shown = match attempt(|| request_size(tp, n)) {
            Ok(size) => {
                let class = crate::exercise::arenas::size_class(size)
                    .map_or("-".to_string(), |c| c.to_string());
                let block = crate::exercise::arenas::size_class(size)
                    .map_or("-".to_string(), |c| {
                        crate::exercise::arenas::block_size(c).to_string()
                    });
                format!("{size:>7}  {class:>5}  {block:>5}")
            }
            Err(msg) => format!("panicked: {msg}"),
        };
        let getsizeof = if getsizeof == 0 {
            "-".to_string()
        } else {
            getsizeof.to_string()
        };
        out += &format!("{:<7} {n:>5}  {shown}  {getsizeof}\n", tp.name);
    }
    out
}

/// The words of a block, each named by its offset and field.
fn dump(names: &Names, alloc: &Pymalloc, op: Obj, tp: &'static TypeObject, n: usize) -> String {
    let pre = if tp.is_gc { 16 } else { 0 };
    let start = op.0.as_ptr().cast::<u8>().wrapping_sub(pre);
    let mut fields: Vec<&str> = Vec::new();
    if tp.is_gc {
        fields.extend(["_gc_next", "_gc_prev"]);
    }
    fields.extend(["ob_refcnt", "ob_type"]);
    if tp.itemsize > 0 {
        fields.push("ob_size");
    }
    let mut out = format!(
        "{} ({} items): block at {}, object at block + {pre}\n",
        tp.name,
        n,
        where_is(alloc, start)
    );
    for (i, field) in fields.iter().enumerate() {
        // SAFETY: the words dumped are the header's, inside the block the
        // allocator handed out for at least request_size bytes (the case
        // checks that the object pointer is block + pre-header first).
        let word = unsafe { start.cast::<usize>().add(i).read() };
        let shown = match *field {
            "_gc_next" | "_gc_prev" if word == 0 => "0 (null)".to_string(),
            "_gc_next" | "_gc_prev" => names.of(ptr::without_provenance_mut(word)),
            "ob_type" if word == tp as *const TypeObject as usize => {
                format!("&{}_TYPE", tp.name.to_uppercase())
            }
            "ob_type" => format!("{word:#x}, not &{}_TYPE", tp.name.to_uppercase()),
            _ => word.to_string(),
        };
        out += &format!("  +{:<3} {field:<10} {shown}\n", i * 8);
    }
    out
}

fn header_bytes() -> String {
    let mut alloc = allocator();
    let mut out = String::new();
    let names = Names::default();
    let mut made = Vec::new();
    for (tp, n) in [
        (&LIST_TYPE, 0),
        (&FLOAT_TYPE, 0),
        (&TUPLE_TYPE, 3),
        (&OBJECT_TYPE, 0),
    ] {
        match new(&mut alloc, tp, n) {
            Ok(op) => {
                let pre = if tp.is_gc { 16 } else { 0 };
                // Where the object is must be checked before its words are read.
                let start = op.0.as_ptr().cast::<u8>().wrapping_sub(pre);
                if where_is(&alloc, start) == "not a block" {
                    out += &format!("{}: the object is not block + {pre}\n", tp.name);
                    continue;
                }
                out += &dump(&names, &alloc, op, tp, n);
                made.push(op);
            }
            Err(msg) => out += &format!("{}: {msg}\n", tp.name),
        }
    }
    out += &format!("{:?}\n", alloc.stats());
    for op in made {
        // SAFETY: each object is live, untracked, with a count of 1.
        let _ = attempt(|| unsafe {
            if decref(op) {
                dealloc(&mut alloc, op);
            }
        });
    }
    out += &format!("after their counts reached 0: {:?}\n", alloc.stats());
    out
}

fn refcounts_free_blocks() -> String {
    let mut alloc = allocator();
    let mut out = String::new();
    let mut lists = Vec::new();
    let mut floats = Vec::new();
    for _ in 0..6 {
        match new(&mut alloc, &LIST_TYPE, 0) {
            Ok(op) => lists.push(op),
            Err(msg) => return out + &msg,
        }
        match new(&mut alloc, &FLOAT_TYPE, 0) {
            Ok(op) => floats.push(op),
            Err(msg) => return out + &msg,
        }
    }
    out += &format!(
        "6 lists, 6 floats: {:?}\n  {}\n",
        alloc.stats(),
        pool_counts(&alloc)
    );
    // SAFETY: every object here is live until the decref that returns
    // true, after which it is dealloc'ed once and not touched again.
    unsafe {
        let x = lists[2];
        let shown = attempt(|| {
            incref(x);
            incref(x);
            let after_incs = refcnt(x);
            let d1 = decref(x);
            let d2 = decref(x);
            let after = refcnt(x);
            format!("list 2: incref twice -> {after_incs}; decref -> {d1}, decref -> {d2}; refcnt {after}")
        });
        out += &format!("{}\n", shown.unwrap_or_else(|m| format!("panicked: {m}")));
        let mut freed = Vec::new();
        for (i, &op) in lists.iter().enumerate().filter(|(i, _)| i % 2 == 0) {
            match attempt(|| decref(op)) {
                Ok(true) => {
                    let block = as_gc_raw(op).cast::<u8>();
                    if let Err(msg) = attempt(|| dealloc(&mut alloc, op)) {
                        out += &format!("dealloc panicked: {msg}\n");
                    }
                    freed.push((i, block));
                }
                Ok(false) => out += &format!("list {i}: decref from 1 did not reach 0\n"),
                Err(msg) => out += &format!("decref panicked: {msg}\n"),
            }
        }
        out += &format!(
            "lists 0, 2, 4 decref'ed to 0 and dealloc'ed: {:?}\n  {}\n",
            alloc.stats(),
            pool_counts(&alloc)
        );
        for &op in &floats {
            if attempt(|| decref(op)) == Ok(true) {
                let _ = attempt(|| dealloc(&mut alloc, op));
            }
        }
        out += &format!(
            "every float too: {:?}\n  {}\n",
            alloc.stats(),
            pool_counts(&alloc)
        );
        match new(&mut alloc, &LIST_TYPE, 0) {
            Ok(again) => {
                let block = as_gc_raw(again).cast::<u8>();
                let which = freed
                    .iter()
                    .find(|(_, b)| ptr::eq(*b, block))
                    .map_or("a block not freed before".to_string(), |(i, _)| {
                        format!("list {i}'s block")
                    });
                out += &format!("a new list gets {which} (the last freed)\n");
                if attempt(|| decref(again)) == Ok(true) {
                    let _ = attempt(|| dealloc(&mut alloc, again));
                }
            }
            Err(msg) => out += &format!("{msg}\n"),
        }
        for &op in lists.iter().skip(1).step_by(2) {
            if attempt(|| decref(op)) == Ok(true) {
                let _ = attempt(|| dealloc(&mut alloc, op));
            }
        }
    }
    out += &format!(
        "everything: {:?}\n  {}\n",
        alloc.stats(),
        pool_counts(&alloc)
    );
    out
}

/// A list head, three-and-more objects, and their names.
struct Scene {
    alloc: Pymalloc,
    names: Names,
    objects: Vec<Obj>,
}

impl Scene {
    fn new(n: usize) -> Result<Scene, String> {
        let mut scene = Scene {
            alloc: allocator(),
            names: Names::default(),
            objects: Vec::new(),
        };
        for i in 0..n {
            let op = new(&mut scene.alloc, &LIST_TYPE, 0)?;
            scene
                .names
                .object(&((b'a' + i as u8) as char).to_string(), op);
            scene.objects.push(op);
        }
        Ok(scene)
    }

    fn append(&self, out: &mut String, i: usize, list: &GcList) {
        let op = self.objects[i];
        // SAFETY: each object is appended while untracked, to a live head.
        if let Err(msg) = attempt(|| unsafe { gc_list_append(as_gc(op), list.head()) }) {
            *out += &format!("append panicked: {msg}\n");
        }
    }

    fn tracked(&self) -> String {
        let shown: Vec<String> = self
            .objects
            .iter()
            .map(|&op| {
                // SAFETY: the objects are live.
                match attempt(|| unsafe { is_tracked(op) }) {
                    Ok(true) => "t".to_string(),
                    Ok(false) => "-".to_string(),
                    Err(_) => "!".to_string(),
                }
            })
            .collect();
        shown.join("")
    }
}

impl Drop for Scene {
    fn drop(&mut self) {
        // Untrack by hand (never through the exercise), so no list head
        // outlives a node that points at it, then free every block.
        for &op in &self.objects {
            // SAFETY: the objects are live; their lists' heads are live
            // while the case runs, and the case has ended its list work.
            unsafe {
                let g = as_gc_raw(op);
                (*g).gc_next = ptr::null_mut();
                // The list request of 3.11, not the exercise's request_size.
                let size = 56;
                self.alloc.free(memlings_python::Block {
                    addr: NonNull::new(g.cast::<u8>()).expect("not null"),
                    size,
                });
            }
        }
    }
}

fn is_empty(list: &GcList) -> String {
    // SAFETY: the head is live.
    match attempt(|| unsafe { gc_list_is_empty(list.head()) }) {
        Ok(b) => b.to_string(),
        Err(msg) => format!("panicked: {msg}"),
    }
}

fn append_and_walk() -> String {
    let mut out = String::new();
    let mut scene = match Scene::new(5) {
        Ok(scene) => scene,
        Err(msg) => return msg,
    };
    let gen0 = GcList::new();
    scene.names.list("gen0", &gen0);
    out += &format!(
        "new list: empty {}, {}\n",
        is_empty(&gen0),
        walk(&scene.names, &gen0, 10)
    );
    // SAFETY: the head is live; re-initializing an empty list keeps it empty.
    let _ = attempt(|| unsafe { gc_list_init(gen0.head()) });
    out += &format!("gc_list_init again: {}\n", walk(&scene.names, &gen0, 10));
    for i in 0..5 {
        scene.append(&mut out, i, &gen0);
        out += &format!(
            "append {}: empty {}, {}, tracked {}\n",
            (b'a' + i as u8) as char,
            is_empty(&gen0),
            walk(&scene.names, &gen0, 10),
            scene.tracked()
        );
    }
    out += "the links in the blocks:\n";
    for &op in &scene.objects {
        // SAFETY: the objects are live; the words read are their headers.
        unsafe {
            let g = as_gc_raw(op);
            out += &format!(
                "  {}: _gc_next {:<5} _gc_prev {}\n",
                scene.names.of(g),
                scene.names.of((*g).gc_next),
                scene.names.of((*g).gc_prev)
            );
        }
    }
    // SAFETY: the head is live; the words read are its links.
    unsafe {
        out += &format!(
            "  gen0: _gc_next {:<5} _gc_prev {}\n",
            scene.names.of((*gen0.head()).gc_next),
            scene.names.of((*gen0.head()).gc_prev)
        );
    }
    drop(scene);
    out
}

fn remove() -> String {
    let mut out = String::new();
    let mut scene = match Scene::new(5) {
        Ok(scene) => scene,
        Err(msg) => return msg,
    };
    let gen0 = GcList::new();
    scene.names.list("gen0", &gen0);
    for i in 0..5 {
        scene.append(&mut out, i, &gen0);
    }
    out += &format!("{}\n", walk(&scene.names, &gen0, 10));
    for (i, what) in [
        (2, "the middle"),
        (0, "the first"),
        (4, "the last"),
        (1, "the first again"),
        (3, "the only one"),
    ] {
        let op = scene.objects[i];
        // SAFETY: `op` is live and tracked in gen0.
        let shown = match attempt(|| unsafe { gc_list_remove(as_gc(op)) }) {
            Ok(()) => String::new(),
            Err(msg) => format!(" panicked: {msg}"),
        };
        // SAFETY: `op` is live; its header's gc_next says whether it is tracked.
        let next = scene.names.of(unsafe { (*as_gc_raw(op)).gc_next });
        out += &format!(
            "remove {} ({what}){shown}: its _gc_next {next}; {}, empty {}, tracked {}\n",
            scene.names.of(unsafe { as_gc_raw(op) }),
            walk(&scene.names, &gen0, 10),
            is_empty(&gen0),
            scene.tracked()
        );
    }
    scene.append(&mut out, 3, &gen0);
    out += &format!("append d again: {}\n", walk(&scene.names, &gen0, 10));
    drop(scene);
    out
}

fn merge() -> String {
    let mut out = String::new();
    let mut scene = match Scene::new(6) {
        Ok(scene) => scene,
        Err(msg) => return msg,
    };
    let (young, old, empty) = (GcList::new(), GcList::new(), GcList::new());
    scene.names.list("young", &young);
    scene.names.list("old", &old);
    scene.names.list("empty", &empty);
    for i in 0..3 {
        scene.append(&mut out, i, &young);
    }
    for i in 3..5 {
        scene.append(&mut out, i, &old);
    }
    let show = |out: &mut String, scene: &Scene, what: &str| {
        *out += &format!(
            "{what}\n  young {}\n  old   {}\n  empty {}\n",
            walk(&scene.names, &young, 10),
            walk(&scene.names, &old, 10),
            walk(&scene.names, &empty, 10)
        );
    };
    show(&mut out, &scene, "before");
    // SAFETY: the heads are live and distinct; their nodes are live.
    let merged =
        |from: &GcList, to: &GcList| attempt(|| unsafe { gc_list_merge(from.head(), to.head()) });
    if let Err(msg) = merged(&young, &old) {
        out += &format!("merge panicked: {msg}\n");
    }
    show(
        &mut out,
        &scene,
        "merge young onto old: young's first follows old's last",
    );
    if let Err(msg) = merged(&empty, &old) {
        out += &format!("merge panicked: {msg}\n");
    }
    show(
        &mut out,
        &scene,
        "merge an empty list onto old: nothing moves",
    );
    if let Err(msg) = merged(&old, &empty) {
        out += &format!("merge panicked: {msg}\n");
    }
    show(
        &mut out,
        &scene,
        "merge old onto an empty list: all of it moves",
    );
    scene.append(&mut out, 5, &young);
    show(
        &mut out,
        &scene,
        "append f to young: the merged-from list works again",
    );
    out += &format!("tracked {}\n", scene.tracked());
    drop(scene);
    out
}

fn flags() -> [usize; 4] {
    [0, PREV_MASK_FINALIZED, PREV_MASK_COLLECTING, PREV_FLAGS]
}

fn flags_of(g: *mut GcHead) -> usize {
    // SAFETY: only called on live headers.
    unsafe { (*g).gc_prev }.addr() & PREV_FLAGS
}

fn flags_kept() -> String {
    let mut out = String::new();
    let mut scene = match Scene::new(4) {
        Ok(scene) => scene,
        Err(msg) => return msg,
    };
    let (gen0, gen1) = (GcList::new(), GcList::new());
    scene.names.list("gen0", &gen0);
    scene.names.list("gen1", &gen1);
    for i in 0..4 {
        scene.append(&mut out, i, &gen0);
        // SAFETY: the object is live and tracked: setting low bits of its
        // _gc_prev is what CPython's collector does.
        unsafe {
            let g = as_gc_raw(scene.objects[i]);
            (*g).gc_prev = (*g).gc_prev.map_addr(|a| a | flags()[i]);
        }
    }
    let report = |out: &mut String, scene: &Scene, what: &str| {
        let shown: Vec<String> = scene
            .objects
            .iter()
            .map(|&op| {
                // SAFETY: the objects are live.
                let g = unsafe { as_gc_raw(op) };
                let prev = match attempt(|| unsafe { gc_prev(g) }) {
                    Ok(p) => scene.names.of(p),
                    Err(_) => "!".to_string(),
                };
                format!("{}: flags {} prev {prev}", scene.names.of(g), flags_of(g))
            })
            .collect();
        *out += &format!(
            "{what}\n  {}\n  gen0 {}\n  gen1 {}\n",
            shown.join("; "),
            walk(&scene.names, &gen0, 10),
            walk(&scene.names, &gen1, 10)
        );
    };
    report(
        &mut out,
        &scene,
        "flags 0, 1, 2, 3 set on a, b, c, d (gc_prev masks them off):",
    );
    // SAFETY: c is live and tracked in gen0.
    let _ = attempt(|| unsafe { gc_list_remove(as_gc(scene.objects[2])) });
    report(
        &mut out,
        &scene,
        "remove c: d's prev is b now, d keeps its flags",
    );
    scene.append(&mut out, 2, &gen1);
    report(&mut out, &scene, "append c to gen1: c keeps its flags");
    // SAFETY: both heads are live and distinct.
    let _ = attempt(|| unsafe { gc_list_merge(gen0.head(), gen1.head()) });
    report(
        &mut out,
        &scene,
        "merge gen0 onto gen1: a's prev is c, every flag as it was",
    );
    // SAFETY: b is live; its prev is set to a live node.
    let _ = attempt(|| unsafe {
        gc_set_prev(as_gc_raw(scene.objects[1]), as_gc_raw(scene.objects[0]))
    });
    report(
        &mut out,
        &scene,
        "gc_set_prev(b, a) again: b's flag 1 stays",
    );
    drop(scene);
    out
}

fn dealloc_untracks() -> String {
    let mut out = String::new();
    let mut alloc = allocator();
    let mut names = Names::default();
    let gen0 = GcList::new();
    names.list("gen0", &gen0);
    let mut objects = Vec::new();
    for i in 0..4 {
        match new(&mut alloc, &LIST_TYPE, 0) {
            Ok(op) => {
                names.object(&((b'a' + i as u8) as char).to_string(), op);
                // SAFETY: a new object, untracked, and a live head.
                if let Err(msg) = attempt(|| unsafe { gc_list_append(as_gc(op), gen0.head()) }) {
                    out += &format!("append panicked: {msg}\n");
                }
                objects.push(op);
            }
            Err(msg) => return out + &msg,
        }
    }
    out += &format!("{}; {:?}\n", walk(&names, &gen0, 10), alloc.stats());
    for i in [1, 3, 0, 2] {
        let op = objects[i];
        // SAFETY: the object is live with a count of 1, tracked in gen0;
        // after dealloc it is never touched again.
        let shown = attempt(|| unsafe {
            let zero = decref(op);
            if zero {
                dealloc(&mut alloc, op);
            }
            zero
        });
        out += &format!(
            "decref {} -> {shown:?}: {}; {:?}\n",
            (b'a' + i as u8) as char,
            walk(&names, &gen0, 10),
            alloc.stats()
        );
    }
    out += &format!("empty {}\n", is_empty(&gen0));
    out
}
