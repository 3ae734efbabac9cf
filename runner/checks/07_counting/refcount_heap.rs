//! Check for `refcount_heap`: the heap driven through the `Heap` trait by a
//! recording runtime (the count after each step, which `__del__` runs when,
//! what is still alive), then small Python programs run on it by the
//! interpreter. The programs have no cycles, so reference counting alone
//! gives CPython's answers: the expected output of each one is what python3
//! 3.11.7 prints.
//!
//! `weakrefs_cleared_at_death` and two programs use weak references, for the
//! two ways to get `clear_weakrefs` wrong: never calling it leaves a weakref
//! pointing at a freed slot (the next object there would answer for the
//! dead one; the interpreter stops with "not alive"), and calling it before
//! `__del__` kills the weakref of an object `__del__` resurrects, which
//! CPython keeps working (`subtype_dealloc` clears weakrefs only once the
//! finalizer has not resurrected the object). `freed_slots_are_reused` also holds
//! `live_objects` to index order, which `--trace` and `--dot` rely on.
//!
//! Freed slots are reused last freed first, and a dying object's slot is
//! freed after what it held, as CPython's `list_dealloc` gives its block
//! back after releasing its items: `memory_freed_last` and
//! `python_ids_reused` show which ids the next objects get, as `id()` does
//! on python3 3.11.7 (a dying list's address goes to the next new list).

use std::collections::BTreeMap;

use memlings_python::{
    Class, Dict, Heap, Instance, List, ObjId, Object, Options, Runtime, WeakRef,
};

use crate::exercise::RefcountHeap;
use crate::harness::{attempt, show, Case};

pub const CASES: &[Case] = &[
    ("counts_step_by_step", counts_step_by_step),
    ("freed_slots_are_reused", freed_slots_are_reused),
    ("cascade_order", cascade_order),
    ("memory_freed_last", memory_freed_last),
    ("finalizer_and_resurrection", finalizer_and_resurrection),
    ("weakrefs_cleared_at_death", weakrefs_cleared_at_death),
    ("python_aliasing", python_aliasing),
    ("python_del_order", python_del_order),
    ("python_resurrection", python_resurrection),
    ("python_weakrefs_go_dead", python_weakrefs_go_dead),
    ("python_ids_reused", python_ids_reused),
    (
        "python_weakref_survives_resurrection",
        python_weakref_survives_resurrection,
    ),
];

/// A runtime that writes down every call the heap makes, by label. With
/// `keep_alive` set, `__del__` stores the object into that list (it is
/// resurrected, as `saved.append(self)` does). With `watch` set, `__del__`
/// also says where that weak reference points while it runs.
#[derive(Default)]
struct Recorder {
    labels: BTreeMap<ObjId, String>,
    log: Vec<String>,
    keep_alive: Option<ObjId>,
    watch: Option<ObjId>,
}

impl Recorder {
    fn name(&self, id: ObjId) -> String {
        self.labels
            .get(&id)
            .cloned()
            .unwrap_or_else(|| "(unlabeled)".into())
    }
}

impl Runtime<RefcountHeap> for Recorder {
    fn finalize(&mut self, heap: &mut RefcountHeap, obj: ObjId) {
        let count = show(|| heap.refcount(obj));
        self.log.push(format!(
            "  __del__ of {} (refcount {count})",
            self.name(obj)
        ));
        if let Some(weak) = self.watch {
            let points = weak_target(heap, &self.labels, weak);
            self.log
                .push(format!("    its weakref, during __del__: {points}"));
        }
        if let Some(list) = self.keep_alive {
            heap.incref(obj);
            if let Object::List(l) = heap.get_mut(list) {
                l.items.push(obj);
            }
        }
    }

    fn weakref_callback(&mut self, _heap: &mut RefcountHeap, _callback: ObjId, _weakref: ObjId) {
        self.log.push("  weakref callback".into());
    }
}

/// Where the weak reference `weak` points: at a live object (by label), at
/// nothing (cleared), or at a slot that was freed under it.
fn weak_target(heap: &RefcountHeap, labels: &BTreeMap<ObjId, String>, weak: ObjId) -> String {
    let target = attempt(|| match heap.get(weak) {
        Object::WeakRef(w) => Ok(w.target),
        other => Err(format!("not a weakref but {other:?}")),
    });
    match target {
        Ok(Ok(None)) => "dead (target None)".to_string(),
        Ok(Ok(Some(id))) => {
            let alive = attempt(|| heap.live_objects().contains(&id)).unwrap_or(false);
            match labels.get(&id) {
                Some(label) if alive => format!("-> {label}"),
                _ => format!("-> #{}, a freed slot: the weakref was not cleared", id.0),
            }
        }
        Ok(Err(e)) => e,
        Err(e) => format!("panicked: {e}"),
    }
}

/// A heap and a recorder, with helpers that label what they allocate.
struct World {
    heap: RefcountHeap,
    rt: Recorder,
}

impl World {
    fn new() -> World {
        World {
            heap: RefcountHeap::default(),
            rt: Recorder::default(),
        }
    }

    fn alloc(&mut self, label: &str, object: Object) -> ObjId {
        let id = self.heap.alloc(object, &mut self.rt);
        self.rt.labels.insert(id, label.to_string());
        id
    }

    fn text(&mut self, label: &str) -> ObjId {
        self.alloc(label, Object::Str(label.into()))
    }

    /// A list that takes over one reference to each item (the caller's).
    fn list(&mut self, label: &str, items: &[ObjId]) -> ObjId {
        self.alloc(
            label,
            Object::List(List {
                items: items.to_vec(),
                allocated: items.len(),
            }),
        )
    }

    /// `class <name>:` with (or without) `__del__`, held by the caller.
    fn class(&mut self, name: &str, has_del: bool) -> ObjId {
        let namespace = self.alloc(&format!("{name}.__dict__"), Object::Dict(Dict::default()));
        self.alloc(
            name,
            Object::Class(Class {
                name: name.into(),
                namespace,
                parts: Vec::new(),
                has_del,
            }),
        )
    }

    /// An instance of `class`: it holds a reference to its class.
    fn instance(&mut self, label: &str, class: ObjId) -> ObjId {
        self.heap.incref(class);
        self.alloc(
            label,
            Object::Instance(Instance {
                class,
                attrs: Vec::new(),
                dict: None,
            }),
        )
    }

    fn decref(&mut self, id: ObjId) -> String {
        attempt(|| self.heap.decref(id, &mut self.rt))
            .err()
            .map_or(String::new(), |e| format!("  panicked: {e}\n"))
    }

    fn take_log(&mut self) -> String {
        self.rt
            .log
            .drain(..)
            .map(|line| format!("{line}\n"))
            .collect()
    }

    /// Every live object, by label, in a stable order.
    fn alive(&self) -> String {
        match attempt(|| self.heap.live_objects()) {
            Ok(ids) => {
                let mut names: Vec<String> = ids.iter().map(|&id| self.rt.name(id)).collect();
                names.sort();
                format!("[{}]", names.join(", "))
            }
            Err(e) => format!("panicked: {e}"),
        }
    }

    fn count(&self, id: ObjId) -> String {
        show(|| self.heap.refcount(id))
    }

    /// `weakref.ref(target)`, with no callback.
    fn weakref(&mut self, label: &str, target: ObjId) -> ObjId {
        self.alloc(
            label,
            Object::WeakRef(WeakRef {
                target: Some(target),
                callback: None,
            }),
        )
    }

    fn weak(&self, weak: ObjId) -> String {
        weak_target(&self.heap, &self.rt.labels, weak)
    }
}

fn counts_step_by_step() -> String {
    let mut w = World::new();
    let mut out = String::new();
    let s = w.text("s");
    out += &format!("s = alloc('s')          refcount(s) = {}\n", w.count(s));
    let _ = attempt(|| w.heap.incref(s));
    out += &format!("incref(s)               refcount(s) = {}\n", w.count(s));
    let _ = attempt(|| w.heap.incref(s));
    out += &format!("incref(s)               refcount(s) = {}\n", w.count(s));
    let l = w.list("l", &[s]);
    out += &format!(
        "l = alloc([s])          refcount(s) = {}, refcount(l) = {}\n",
        w.count(s),
        w.count(l)
    );
    out += &w.decref(s);
    out += &format!("decref(s)               refcount(s) = {}\n", w.count(s));
    out += &w.decref(s);
    out += &format!("decref(s)               refcount(s) = {}\n", w.count(s));
    out += &format!(
        "get(l)                  {}\n",
        show(|| w.heap.get(l).clone())
    );
    out += &w.decref(l);
    out += &format!("decref(l)               alive: {}\n", w.alive());
    out
}

fn freed_slots_are_reused() -> String {
    let mut w = World::new();
    let mut out = String::new();
    let a = w.text("a");
    let b = w.text("b");
    let c = w.text("c");
    out += &format!(
        "a, b, c allocated: three different ids: {}\n",
        a != b && b != c && a != c
    );
    out += &w.decref(b);
    out += &w.decref(c);
    out += &format!("b and c freed, alive: {}\n", w.alive());
    let d = w.text("d");
    let e = w.text("e");
    let was = |x: ObjId| match x {
        _ if x == b => "b's",
        _ if x == c => "c's",
        _ => "not a freed one",
    };
    out += &format!(
        "d, e allocated: d in {} slot, e in {} (c was freed last, so it is reused first)\n",
        was(d),
        was(e)
    );
    out += &format!(
        "alive: {}, refcounts a d e: {} {} {}\n",
        w.alive(),
        w.count(a),
        w.count(d),
        w.count(e)
    );
    let f = w.text("f");
    out += &format!("f allocated in a new slot: {}\n", ![a, d, e].contains(&f));
    out += &format!(
        "live_objects() in index order (ids increasing): {}\n",
        show(|| w.heap.live_objects().windows(2).all(|p| p[0].0 < p[1].0))
    );
    out
}

fn cascade_order() -> String {
    let mut w = World::new();
    let mut out = String::new();
    let noisy = w.class("Noisy", true);
    let quiet = w.class("Quiet", false);
    // x = [a, b, [c, d], e, q]: every Noisy instance has a __del__.
    let a = w.instance("a", noisy);
    let b = w.instance("b", noisy);
    let c = w.instance("c", noisy);
    let d = w.instance("d", noisy);
    let inner = w.list("[c, d]", &[c, d]);
    let e = w.instance("e", noisy);
    let q = w.instance("q", quiet);
    let x = w.list("x", &[a, b, inner, e, q]);
    out += "x = [a, b, [c, d], e, q]   (q's class has no __del__)\n";
    out += &format!(
        "refcount(Noisy) = {}, refcount(Quiet) = {}\n",
        w.count(noisy),
        w.count(quiet)
    );
    out += "decref(x):\n";
    out += &w.decref(x);
    out += &w.take_log();
    out += &format!(
        "alive: {}\nrefcount(Noisy) = {}, refcount(Quiet) = {}\n",
        w.alive(),
        w.count(noisy),
        w.count(quiet)
    );
    out += "decref(Noisy):\n";
    out += &w.decref(noisy);
    out += &w.take_log();
    out += &format!("alive: {}\n", w.alive());
    out
}

/// `x = [a, b]` dies: b, then a, then x's own slot are freed, and the
/// next objects take them back in the other order. python3 3.11.7 does the
/// same with `x = [[], []]`: after `del x`, three new lists get the old
/// `id(x)`, `id(x[0])` and `id(x[1])`, in that order (`list_dealloc`
/// releases the items, last first, then puts x on the list free list, which
/// `PyList_New` pops).
fn memory_freed_last() -> String {
    let mut w = World::new();
    let mut out = String::new();
    let a = w.list("a", &[]);
    let b = w.list("b", &[]);
    let x = w.list("x", &[a, b]);
    out += "x = [a, b]   (a and b empty lists)\n";
    out += &w.decref(x);
    out += &format!("decref(x): alive: {}\n", w.alive());
    let was = |id: ObjId| match id {
        _ if id == x => "x's".to_string(),
        _ if id == a => "a's".to_string(),
        _ if id == b => "b's".to_string(),
        other => format!("a new one (#{})", other.0),
    };
    for name in ["p", "q", "r"] {
        let id = w.list(name, &[]);
        out += &format!("{name} = alloc([]): in {} slot\n", was(id));
    }
    out += "python3 3.11.7: p, q, r take the ids of x, x[0], x[1]\n";
    out
}

fn finalizer_and_resurrection() -> String {
    let mut w = World::new();
    let mut out = String::new();
    let class = w.class("Phoenix", true);
    let saved = w.list("saved", &[]);
    let p = w.instance("p", class);
    w.rt.keep_alive = Some(saved);
    out += "__del__ stores the object into `saved`\n";
    out += "decref(p):\n";
    out += &w.decref(p);
    out += &w.take_log();
    out += &format!(
        "refcount(p) = {}, saved = {}\nalive: {}\n",
        w.count(p),
        show(|| match w.heap.get(saved) {
            Object::List(l) => l.items.iter().map(|&i| w.rt.name(i)).collect::<Vec<_>>(),
            _ => Vec::new(),
        }),
        w.alive()
    );
    w.rt.keep_alive = None;
    out += "saved.clear(), then decref(p): __del__ ran once already\n";
    let _ = attempt(|| {
        if let Object::List(l) = w.heap.get_mut(saved) {
            l.items.clear();
        }
    });
    out += &w.decref(p);
    out += &w.take_log();
    out += &format!("alive: {}\n", w.alive());
    out
}

/// `clear_weakrefs` belongs after `__del__` and before the object lets go
/// of what it holds: a weakref must not outlive its target's slot, but
/// `__del__` still sees it alive, and if `__del__` resurrects the object it
/// keeps working; the `__del__` of something the object held sees it dead.
fn weakrefs_cleared_at_death() -> String {
    let mut w = World::new();
    let mut out = String::new();
    let plain = w.class("Plain", false);
    let b = w.instance("b", plain);
    let wb = w.weakref("wb", b);
    out += &format!("wb = weakref.ref(b)       wb {}\n", w.weak(wb));
    out += "decref(b):\n";
    out += &w.decref(b);
    out += &w.take_log();
    out += &format!("b is freed                wb {}\n", w.weak(wb));

    let phoenix = w.class("Phoenix", true);
    let saved = w.list("saved", &[]);
    let p = w.instance("p", phoenix);
    let wp = w.weakref("wp", p);
    w.rt.keep_alive = Some(saved);
    w.rt.watch = Some(wp);
    out += "__del__ stores p into `saved`; wp = weakref.ref(p)\n";
    out += "decref(p):\n";
    out += &w.decref(p);
    out += &w.take_log();
    out += &format!("p is resurrected          wp {}\n", w.weak(wp));
    w.rt.keep_alive = None;
    out += "saved.clear(), then decref(p): __del__ ran once already\n";
    let _ = attempt(|| {
        if let Object::List(l) = w.heap.get_mut(saved) {
            l.items.clear();
        }
    });
    out += &w.decref(p);
    out += &w.take_log();
    out += &format!("p is freed                wp {}\n", w.weak(wp));

    let noisy = w.class("Noisy", true);
    let child = w.instance("child", noisy);
    w.heap.incref(plain);
    let parent = w.alloc(
        "parent",
        Object::Instance(Instance {
            class: plain,
            attrs: vec![("child".into(), child)],
            dict: None,
        }),
    );
    let wparent = w.weakref("wparent", parent);
    w.rt.watch = Some(wparent);
    out += "parent.child = child (a Noisy); wparent = weakref.ref(parent)\n";
    out += "decref(parent): the child dies with it\n";
    out += &w.decref(parent);
    out += &w.take_log();
    out += &format!("parent is freed           wparent {}\n", w.weak(wparent));
    out += &format!("alive: {}\n", w.alive());
    out
}

/// Runs a program of the subset on the learner's heap and shows what it
/// printed, and how it stopped if it did not finish.
fn run(source: &str) -> String {
    let output =
        memlings_python::run_program::<RefcountHeap>(source, "prog.py", &Options::default());
    let mut out = format!("{}\n--- output ---\n{}", source.trim_end(), output.stdout);
    if let Some(err) = output.error {
        out += &format!("[stopped] {err}\n");
    }
    out
}

fn python_aliasing() -> String {
    run("import sys
a = [1, 2, 3]
print(sys.getrefcount(a))
b = a
c = [a, a]
print(sys.getrefcount(a))
del b
print(sys.getrefcount(a))
c.pop()
print(sys.getrefcount(a))
del c
print(sys.getrefcount(a))
d = {'k': a}
t = (a, None)
print(sys.getrefcount(a))
d.clear()
print(sys.getrefcount(a))
")
}

fn python_del_order() -> String {
    run("class Noisy:
    def __init__(self, name):
        self.name = name
    def __del__(self):
        print('del', self.name)

x = [Noisy('a'), Noisy('b'), [Noisy('c'), Noisy('d')], Noisy('e')]
print('before del x')
del x
print('after del x')
t = (Noisy('t1'), Noisy('t2'))
t = None
print('rebound t')

def build():
    leaf = Noisy('leaf')
    leaf.child = None
    mid = Noisy('mid')
    mid.child = leaf
    root = Noisy('root')
    root.child = mid
    return root

r = build()
keep = r.child
del r
print('root gone')
keep = None
print('end')
")
}

fn python_resurrection() -> String {
    run("import sys
saved = []
class Phoenix:
    def __del__(self):
        print('finalizing')
        saved.append(self)

p = Phoenix()
del p
print(len(saved), sys.getrefcount(saved[0]))
saved.clear()
print('cleared')
")
}

/// A weak reference must go dead when its target is freed: if it kept the
/// id, `c`, which may take the freed slot, would answer for `b`. And it is
/// dead before the target lets go of what it holds, so the `__del__` of a
/// child sees no parent.
fn python_weakrefs_go_dead() -> String {
    run("import weakref
class Box:
    pass

b = Box()
w = weakref.ref(b)
print(w() is b)
del b
c = Box()
print(w() is None, w() is c)
d = [Box(), Box()]
w0 = weakref.ref(d[0])
w1 = weakref.ref(d[1])
d.pop()
print(w0() is d[0], w1() is None)
del d
print(w0() is None, w1() is None)

class Child:
    def __del__(self):
        print('the child sees its parent as', wparent())

parent = Box()
parent.child = Child()
wparent = weakref.ref(parent)
del parent
print('end')
")
}

/// The ids of a dying list and its items go to the next objects: x's
/// first. python3 3.11.7 prints the same line.
fn python_ids_reused() -> String {
    run("x = [[], []]
names = {id(x): 'x', id(x[0]): 'x[0]', id(x[1]): 'x[1]'}
del x
p = []
q = []
r = []
print('p, q, r take the ids of', names.get(id(p)), names.get(id(q)), names.get(id(r)))
")
}

/// `__del__` runs before the weak references are cleared, and one that
/// resurrects its object keeps them working; they go dead only when the
/// object really dies.
fn python_weakref_survives_resurrection() -> String {
    run("import weakref
saved = []
class Phoenix:
    def __del__(self):
        print('in __del__, weakref alive:', w() is self)
        saved.append(self)

p = Phoenix()
w = weakref.ref(p)
del p
print('after del, weakref alive:', w() is saved[0])
saved.clear()
print('after clear:', w())
")
}
