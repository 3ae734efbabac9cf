//! Check for `refcount_heap`: the heap driven through the `Heap` trait by a
//! recording runtime (the count after each step, which `__del__` runs when,
//! what is still alive), then small Python programs run on it by the
//! interpreter. The programs have no cycles, so reference counting alone
//! gives CPython's answers: the expected output of each one is what python3
//! 3.11.7 prints.

use std::collections::BTreeMap;

use memlings_python::{Class, Dict, Heap, Instance, List, ObjId, Object, Options, Runtime};

use crate::exercise::RefcountHeap;
use crate::harness::{attempt, show, Case};

pub const CASES: &[Case] = &[
    ("counts_step_by_step", counts_step_by_step),
    ("freed_slots_are_reused", freed_slots_are_reused),
    ("cascade_order", cascade_order),
    ("finalizer_and_resurrection", finalizer_and_resurrection),
    ("python_aliasing", python_aliasing),
    ("python_del_order", python_del_order),
    ("python_resurrection", python_resurrection),
];

/// A runtime that writes down every call the heap makes, by label. With
/// `keep_alive` set, `__del__` stores the object into that list (it is
/// resurrected, as `saved.append(self)` does).
#[derive(Default)]
struct Recorder {
    labels: BTreeMap<ObjId, String>,
    log: Vec<String>,
    keep_alive: Option<ObjId>,
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
    let reused = |x: ObjId| x == b || x == c;
    out += &format!(
        "d, e allocated: both in freed slots: {}, different: {}\n",
        reused(d) && reused(e),
        d != e
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
