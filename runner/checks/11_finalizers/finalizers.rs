//! Check for `finalizers`: the end of a CPython 3.11 collection (legacy
//! finalizers, weakrefs, `__del__`, resurrection, `tp_clear`) on garbage
//! made by small Python programs, as an event trace, one step at a time,
//! then what `collect()` returns.
//!
//! Every heap state was measured on python3 3.11.7, just before
//! `gc.collect()`: the garbage in the order of the collector's list (a full
//! collection walks generation 2, then 0, then 1; `gc.get_objects(n)`), each
//! object's refcount (read with ctypes, so no extra reference), its
//! referents in the garbage in `tp_traverse` order (`gc.get_referents`), its
//! finalized bit (`gc.is_finalized`) and the weakrefs to it in list order
//! (`weakref.getweakrefs`). The line `python3 3.11.7:` gives what CPython
//! did: the callbacks and `__del__`s that ran, in order, what
//! `gc.collect()` returned, the survivors in the order they reached the
//! old generation (`gc.get_objects(2)`), what was freed, in the order
//! `delete_garbage` took it (`gc.garbage` under `gc.DEBUG_SAVEALL`), and
//! `gc.is_finalized` of what is still alive afterwards.
//!
//! The scenarios catch the usual wrong turns: calling a callback as soon as
//! its weakref is cleared, or as soon as the weakrefs to its object are,
//! before those to the next object; walking the weakref list instead of
//! `unreachable`; calling the callback of a weakref that is garbage, or
//! counting it as freed by its callback; clearing weakrefs to
//! uncollectable objects, or taking a weakref held by one for garbage (its
//! callback runs, and it is not uncollectable any more); running a `__del__` twice, never setting the
//! finalized bit (the survivors show it), or setting it on objects without
//! `__del__`; saving only the object a `__del__` stored (and not what it
//! reaches, or saving what reaches it), rescuing an object twice, or
//! reordering what is left of `unreachable` when one is rescued
//! (`swap_remove`); skipping the subtraction of references from inside the
//! garbage; leaving objects in `unreachable` after `delete_garbage`; and
//! counting the resurrected objects, the live weakrefs or forgetting the
//! uncollectable ones and the weakrefs that callbacks freed.

use std::collections::BTreeMap;

use crate::exercise::{Callback, Collection, Event, Finalizer, ObjId, Object, WeakRef};
use crate::harness::{attempt, Case};

pub const CASES: &[Case] = &[
    ("del_in_cycle", del_in_cycle),
    ("resurrection", resurrection),
    ("resurrecting_another", resurrecting_another),
    ("already_finalized", already_finalized),
    ("weakref_callbacks", weakref_callbacks),
    ("weakref_in_garbage", weakref_in_garbage),
    ("weakrefs_to_two_objects", weakrefs_to_two_objects),
    (
        "weak_value_dictionary_in_garbage",
        weak_value_dictionary_in_garbage,
    ),
    ("rescue_keeps_the_order", rescue_keeps_the_order),
    ("weakref_held_by_legacy", weakref_held_by_legacy),
    ("mix", mix),
];

/// A finalizer, with names for the objects a `__del__` stores.
#[derive(Clone, Copy)]
enum Fin {
    None,
    Del(&'static [&'static str]),
    Legacy,
}

/// A weakref's callback, if it has one.
#[derive(Clone, Copy)]
enum Cb {
    None,
    Keeps,
    Drops,
}

/// An object of the garbage: name, refcount, referents in the garbage,
/// finalizer, finalized bit.
type Garbage = (&'static str, usize, &'static [&'static str], Fin, bool);

/// A heap state: the program that made it, the garbage in list order, the
/// weakrefs (name, target, callback) in each target's list order, and what
/// python3 3.11.7 did with it.
struct Scenario {
    program: &'static [&'static str],
    garbage: &'static [Garbage],
    weakrefs: &'static [(&'static str, &'static str, Cb)],
    cpython: &'static [&'static str],
}

/// Ids: the garbage gets decreasing ids, so the order of the ids is not the
/// list order; everything else (live weakrefs, live targets) its own.
fn ids(s: &Scenario) -> BTreeMap<&'static str, ObjId> {
    let mut ids: BTreeMap<&'static str, ObjId> = s
        .garbage
        .iter()
        .zip(0..)
        .map(|(g, i)| (g.0, ObjId(40 - 3 * i)))
        .collect();
    for (name, target, _) in s.weakrefs {
        for n in [name, target] {
            let known = u32::try_from(ids.len()).expect("a scenario names a handful of objects");
            let next = ObjId(90 + known);
            ids.entry(n).or_insert(next);
        }
    }
    ids
}

fn build(s: &Scenario) -> Collection {
    let ids = ids(s);
    let garbage = s
        .garbage
        .iter()
        .map(|&(name, refcount, referents, fin, finalized)| Object {
            id: ids[name],
            refcount,
            referents: referents.iter().map(|r| ids[r]).collect(),
            finalizer: match fin {
                Fin::None => Finalizer::None,
                Fin::Del(stores) => Finalizer::Del {
                    stores: stores.iter().map(|r| ids[r]).collect(),
                },
                Fin::Legacy => Finalizer::Legacy,
            },
            finalized,
        })
        .collect();
    let weakrefs = s
        .weakrefs
        .iter()
        .map(|&(name, target, cb)| WeakRef {
            id: ids[name],
            target: Some(ids[target]),
            callback: match cb {
                Cb::None => None,
                Cb::Keeps => Some(Callback::KeepsWeakref),
                Cb::Drops => Some(Callback::DropsWeakref),
            },
        })
        .collect();
    Collection::new(garbage, weakrefs)
}

fn namer(s: &Scenario) -> impl Fn(ObjId) -> String {
    let ids = ids(s);
    move |id| {
        ids.iter()
            .find(|(_, v)| **v == id)
            .map_or(format!("#{}", id.0), |(n, _)| n.to_string())
    }
}

/// The events of one step, one line per object: a weakref cleared and its
/// callback queued, a callback called and its weakref freed, a `__del__`
/// and the references it stored, share a line.
fn events(events: &[Event], name: &dyn Fn(ObjId) -> String) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut last: Option<Event> = None;
    for e in events {
        let follows = |id: ObjId, before: fn(ObjId) -> Event| last == Some(before(id));
        let joined = match *e {
            Event::CallbackQueued(id) if follows(id, Event::WeakrefCleared) => {
                Some("callback queued".to_string())
            }
            Event::WeakrefFreed(id) if follows(id, Event::CallbackCalled) => {
                Some("weakref freed".to_string())
            }
            Event::ReferenceStored(id)
                if matches!(last, Some(Event::DelCalled(_) | Event::ReferenceStored(_))) =>
            {
                Some(format!("stored a reference to {}", name(id)))
            }
            _ => None,
        };
        match (joined, lines.last_mut()) {
            (Some(more), Some(line)) => *line += &format!(", {more}"),
            _ => {
                let (id, what) = match *e {
                    Event::Uncollectable(id) => (id, "uncollectable"),
                    Event::WeakrefCleared(id) => (id, "weakref cleared"),
                    Event::CallbackQueued(id) => (id, "callback queued"),
                    Event::CallbackCalled(id) => (id, "callback called"),
                    Event::WeakrefFreed(id) => (id, "weakref freed by its callback"),
                    Event::DelCalled(id) => (id, "__del__ ran"),
                    Event::ReferenceStored(id) => (id, "reference stored by a __del__"),
                    Event::Resurrected(id) => (id, "resurrected: to the old generation"),
                    Event::Cleared(id) => (id, "tp_clear"),
                };
                lines.push(format!("{:<9} {what}", name(id)));
            }
        }
        last = Some(*e);
    }
    lines
}

fn list(ids: &[ObjId], name: &dyn Fn(ObjId) -> String) -> String {
    if ids.is_empty() {
        "(none)".to_string()
    } else {
        ids.iter().map(|&i| name(i)).collect::<Vec<_>>().join(" ")
    }
}

/// A phase of the collection, by name.
type Phase = (&'static str, fn(&mut Collection));

fn render(s: &Scenario) -> String {
    let name = namer(s);
    let mut out = String::new();
    for line in s.program {
        if line.starts_with('#') {
            out += &format!("{line}\n");
        } else {
            out += &format!(">>> {line}\n");
        }
    }

    // The garbage, as the collector gets it.
    let visits: Vec<String> = s
        .garbage
        .iter()
        .map(|g| {
            if g.2.is_empty() {
                "-".to_string()
            } else {
                g.2.join(" ")
            }
        })
        .collect();
    let vw = visits.iter().map(String::len).max().unwrap_or(0).max(6);
    out += &format!(
        "{:<9} {:>8}  {:<vw$}  finalizer\n",
        "garbage", "refcount", "visits"
    );
    for (g, visits) in s.garbage.iter().zip(&visits) {
        let fin = match g.3 {
            Fin::None => "-".to_string(),
            Fin::Del([]) => "__del__".to_string(),
            Fin::Del(stores) => format!("__del__ storing {}", stores.join(" ")),
            Fin::Legacy => "legacy tp_del".to_string(),
        };
        let finalized = if g.4 { ", finalized" } else { "" };
        out += &format!("{:<9} {:>8}  {visits:<vw$}  {fin}{finalized}\n", g.0, g.1);
    }
    let in_garbage = |n: &str| s.garbage.iter().any(|g| g.0 == n);
    let mut targets: Vec<&str> = Vec::new();
    for (_, target, _) in s.weakrefs {
        if !targets.contains(target) {
            targets.push(target);
        }
    }
    for target in targets {
        let weakrefs: Vec<String> = s
            .weakrefs
            .iter()
            .filter(|w| w.1 == target)
            .map(|&(w, _, cb)| {
                let garbage = if in_garbage(w) { "; garbage" } else { "" };
                match cb {
                    Cb::None => w.to_string(),
                    Cb::Keeps => format!("{w} (callback{garbage})"),
                    Cb::Drops => format!("{w} (callback drops it{garbage})"),
                }
            })
            .collect();
        out += &format!("weakrefs to {target}: {}\n", weakrefs.join(", "));
    }

    // The steps, one at a time.
    let mut collection = build(s);
    let phases: [Phase; 5] = [
        ("move_legacy_finalizers", Collection::move_legacy_finalizers),
        ("handle_weakrefs", Collection::handle_weakrefs),
        ("finalize_garbage", Collection::finalize_garbage),
        (
            "handle_resurrected_objects",
            Collection::handle_resurrected_objects,
        ),
        ("delete_garbage", Collection::delete_garbage),
    ];
    for (phase, run) in phases {
        let before = collection.events.len();
        let result = attempt(|| run(&mut collection));
        let new = collection.events.get(before..).unwrap_or_default();
        let mut lines = events(new, &name);
        match result {
            Err(msg) => lines.push(format!("panicked: {msg}")),
            Ok(()) if lines.is_empty() => lines.push("-".to_string()),
            Ok(()) => {}
        }
        for (i, line) in lines.iter().enumerate() {
            let label = if i == 0 { phase } else { "" };
            out += &format!("{label:<26}  {line}\n");
        }
    }
    // CPython's `delete_garbage` empties its list: each object is freed or
    // moves to the old generation.
    if !collection.unreachable.is_empty() {
        out += &format!(
            "still in unreachable after delete_garbage: {}\n",
            list(&collection.unreachable, &name)
        );
    }
    if !collection.weakrefs.is_empty() {
        let after: Vec<String> = collection
            .weakrefs
            .iter()
            .map(|w| match w.target {
                Some(t) => format!("{}() is {}", name(w.id), name(t)),
                None => format!("{}() is None", name(w.id)),
            })
            .collect();
        out += &format!("afterwards: {}\n", after.join(", "));
    }
    // The finalized bit is what keeps a survivor's `__del__` from running
    // again in the next collection; only what is still alive can show it.
    let alive: Vec<ObjId> = collection
        .survivors
        .iter()
        .chain(&collection.uncollectable)
        .copied()
        .collect();
    if !alive.is_empty() {
        let bits: Vec<String> = alive
            .iter()
            .map(|&id| match collection.objects.get(&id) {
                Some(o) if o.finalized => format!("{} True", name(id)),
                Some(_) => format!("{} False", name(id)),
                None => format!("{} (not an object of the garbage)", name(id)),
            })
            .collect();
        out += &format!("gc.is_finalized afterwards: {}\n", bits.join(", "));
    }

    // All at once.
    let mut fresh = build(s);
    match attempt(|| fresh.collect()) {
        Ok(n) => {
            out += &format!(
                "collect() = {n}  (freed {}, uncollectable {}, weakrefs freed {}; survivors {})\n",
                list(&fresh.freed, &name),
                list(&fresh.uncollectable, &name),
                fresh.weakrefs_freed,
                list(&fresh.survivors, &name),
            );
            if fresh.events != collection.events {
                out += "collect() did not do what the five steps did, in that order\n";
            }
        }
        Err(msg) => out += &format!("collect() panicked: {msg}\n"),
    }
    for (i, line) in s.cpython.iter().enumerate() {
        let label = if i == 0 { "python3 3.11.7:" } else { "" };
        out += &format!("{label:<15} {line}\n");
    }
    out
}

fn render_all(scenarios: &[Scenario]) -> String {
    scenarios.iter().map(render).collect::<Vec<_>>().join("\n")
}

/// The chapter's first experiment, a self-cycle with `__del__`, and a
/// two-object cycle whose objects both have one, holding a list that has
/// none.
fn del_in_cycle() -> String {
    render_all(&[
        Scenario {
            program: &[
                "# class Node: __del__ prints '__del__ ran'",
                "n = Node(); n.me = n",
                "del n",
            ],
            garbage: &[("n", 1, &["n"], Fin::Del(&[]), false)],
            weakrefs: &[],
            cpython: &["__del__ n; gc.collect() = 1; freed n; gc.garbage == []"],
        },
        Scenario {
            program: &[
                "# class Node: __del__ prints '__del__ of', self.name",
                "a = Node('a'); b = Node('b')",
                "a.other = b; b.other = a; a.items = []",
                "del a, b",
            ],
            garbage: &[
                ("a", 1, &["b", "items"], Fin::Del(&[]), false),
                ("b", 1, &["a"], Fin::Del(&[]), false),
                ("items", 1, &[], Fin::None, false),
            ],
            weakrefs: &[],
            cpython: &["__del__ a b; gc.collect() = 3; freed a b items"],
        },
    ])
}

/// b's `__del__` stores b in a global. b survives, and so does everything
/// b reaches (a, and through b.leaf, c), but not head, which reaches b.
fn resurrection() -> String {
    render(&Scenario {
        program: &[
            "# class Node: __del__ prints its name; b's also does saved.append(self)",
            "head, a, b, c = Node('head'), Node('a'), Node('b'), Node('c')",
            "head.me = head; head.next = a",
            "a.next = b; b.next = a; b.leaf = c",
            "del head, a, b, c",
        ],
        garbage: &[
            ("head", 1, &["head", "a"], Fin::Del(&[]), false),
            ("a", 2, &["b"], Fin::Del(&[]), false),
            ("b", 1, &["a", "c"], Fin::Del(&["b"]), false),
            ("c", 1, &[], Fin::Del(&[]), false),
        ],
        weakrefs: &[],
        cpython: &[
            "__del__ head a b c; gc.collect() = 1",
            "survivors b c a; freed head; gc.is_finalized True for b c a",
        ],
    })
}

/// A `__del__` that resurrects another object of the garbage, and not
/// its own.
fn resurrecting_another() -> String {
    render(&Scenario {
        program: &[
            "# class Parent: __del__ does saved.append(self.child); class Child: pass",
            "p = Parent(); p.me = p",
            "p.child = Child(); p.child.data = [1, 2]",
            "del p",
        ],
        garbage: &[
            ("p", 1, &["p", "child"], Fin::Del(&["child"]), false),
            ("child", 1, &["data"], Fin::None, false),
            ("data", 1, &[], Fin::None, false),
        ],
        weakrefs: &[],
        cpython: &[
            "__del__ p; gc.collect() = 1; survivors child data; freed p",
            "gc.is_finalized(child), gc.is_finalized(data) False: no __del__, never finalized",
        ],
    })
}

/// The survivors of "resurrection", dropped again with a new object: only
/// the new one is finalized. Then an object resurrected once, dropped.
fn already_finalized() -> String {
    render_all(&[
        Scenario {
            program: &[
                "# after the case `resurrection`: saved == [b]; b, c, a survived",
                "saved[0].extra = Node('d')",
                "saved.clear()",
            ],
            garbage: &[
                ("b", 1, &["a", "c", "d"], Fin::Del(&["b"]), true),
                ("c", 1, &[], Fin::Del(&[]), true),
                ("a", 1, &["b"], Fin::Del(&[]), true),
                ("d", 1, &[], Fin::Del(&[]), false),
            ],
            weakrefs: &[],
            cpython: &["__del__ d; gc.collect() = 4; freed b c a d"],
        },
        Scenario {
            program: &[
                "# class Phoenix: __del__ does saved.append(self)",
                "p = Phoenix(); p.me = p; del p",
                "gc.collect()              # __del__ ran, returned 0",
                "p = saved.pop(); del p",
            ],
            garbage: &[("p", 1, &["p"], Fin::Del(&["p"]), true)],
            weakrefs: &[],
            cpython: &["no __del__; gc.collect() = 1; freed p"],
        },
    ])
}

/// Four weakrefs to one garbage object: without a callback, with one that
/// frees its own weakref, one that is garbage too, one that stays alive.
fn weakref_callbacks() -> String {
    render(&Scenario {
        program: &[
            "# class Node: __del__ prints; each callback prints; on_entry does holder.clear()",
            "a = Node(); a.me = a",
            "alive = weakref.ref(a, on_alive)",
            "a.own = weakref.ref(a, on_own)",
            "plain = weakref.ref(a)",
            "holder = {'entry': weakref.ref(a, on_entry)}",
            "del a",
        ],
        garbage: &[
            ("a", 1, &["a", "own"], Fin::Del(&[]), false),
            ("own", 1, &[], Fin::None, false),
        ],
        weakrefs: &[
            ("plain", "a", Cb::None),
            ("entry", "a", Cb::Drops),
            ("own", "a", Cb::Keeps),
            ("alive", "a", Cb::Keeps),
        ],
        cpython: &[
            "callbacks entry alive; __del__ a; gc.collect() = 3",
            "freed a own",
        ],
    })
}

/// A weakref in the garbage whose target is alive: cleared all the same,
/// so its callback can never run.
fn weakref_in_garbage() -> String {
    render(&Scenario {
        program: &[
            "# class Node: pass",
            "target = Node()",
            "g = Node(); g.me = g; g.watch = weakref.ref(target, on_target)",
            "del g",
        ],
        garbage: &[
            ("g", 1, &["g", "watch"], Fin::None, false),
            ("watch", 1, &[], Fin::None, false),
        ],
        weakrefs: &[("watch", "target", Cb::Keeps)],
        cpython: &[
            "no callback; gc.collect() = 2; freed g watch",
            "weakref.getweakrefcount(target) == 0 (no callback when target dies)",
        ],
    })
}

/// Two objects in a cycle, each with a weakref whose callback is live; the
/// weakrefs are listed the other way round. Clearing follows `unreachable`,
/// not the weakref list, and every weakref is cleared before the first
/// callback is called.
fn weakrefs_to_two_objects() -> String {
    render(&Scenario {
        program: &[
            "# class Node: __del__ prints its name; on_wa, on_wb print",
            "a = Node('a'); b = Node('b'); a.other = b; b.other = a",
            "wb = weakref.ref(b, on_wb); wa = weakref.ref(a, on_wa)",
            "del a, b",
        ],
        garbage: &[
            ("a", 1, &["b"], Fin::Del(&[]), false),
            ("b", 1, &["a"], Fin::Del(&[]), false),
        ],
        weakrefs: &[("wb", "b", Cb::Keeps), ("wa", "a", Cb::Keeps)],
        cpython: &["callbacks wa wb; __del__ a b; gc.collect() = 2; freed a b"],
    })
}

/// A `WeakValueDictionary` that is garbage itself. Its entry is a
/// `KeyedRef` whose callback (the dictionary's `_remove`) would delete the
/// entry; being garbage, it is cleared and never called. It is counted
/// once, as an object of the garbage, not also as a weakref freed by its
/// callback.
fn weak_value_dictionary_in_garbage() -> String {
    render(&Scenario {
        program: &[
            "# class Node: __del__ prints",
            "a = Node(); a.me = a",
            "a.cache = weakref.WeakValueDictionary(); a.cache['a'] = a",
            "# cache.data is data, its KeyedRef data['a'] is entry; cache._remove is remove,",
            "# entry's callback; remove.__defaults__ is defaults, whose first item, selfref,",
            "# is a weakref to cache; cache._pending_removals is pending, ._iterating iterating",
            "del a",
        ],
        garbage: &[
            ("a", 1, &["a", "cache"], Fin::Del(&[]), false),
            (
                "cache",
                1,
                &["remove", "pending", "iterating", "data"],
                Fin::None,
                false,
            ),
            ("selfref", 1, &[], Fin::None, false),
            ("defaults", 1, &["selfref"], Fin::None, false),
            ("remove", 2, &["defaults"], Fin::None, false),
            ("pending", 1, &[], Fin::None, false),
            ("iterating", 1, &[], Fin::None, false),
            ("entry", 1, &["remove"], Fin::None, false),
            ("data", 1, &["entry"], Fin::None, false),
        ],
        weakrefs: &[("entry", "a", Cb::Drops), ("selfref", "cache", Cb::None)],
        cpython: &[
            "no callback; __del__ a; gc.collect() = 9",
            "freed a cache selfref defaults remove pending iterating entry data",
        ],
    })
}

/// b's `__del__` stores b; b rescues c, which comes first in the list and
/// is also reached through d, after b; c, scanned in its turn, rescues e.
/// The cycle h1 h2 stays garbage, and is cleared in list order: rescuing
/// c and e must not reorder what is left.
fn rescue_keeps_the_order() -> String {
    render(&Scenario {
        program: &[
            "# Node(name, keep): __del__ prints its name; if self.keep: saved.append(self)",
            "c = Node('c'); c.leaf = Node('e')",
            "h1 = Node('h1'); h2 = Node('h2'); h1.other = h2; h2.other = h1",
            "b = Node('b', keep=True); b.me = b; b.leaf = c; b.d = Node('d'); b.d.leaf = c",
            "# b visits c, b, d: Node instances share their keys, and c added leaf before b added me",
            "del c, h1, h2, b",
        ],
        garbage: &[
            ("c", 2, &["e"], Fin::Del(&[]), false),
            ("e", 1, &[], Fin::Del(&[]), false),
            ("h1", 1, &["h2"], Fin::Del(&[]), false),
            ("h2", 1, &["h1"], Fin::Del(&[]), false),
            ("b", 1, &["c", "b", "d"], Fin::Del(&["b"]), false),
            ("d", 1, &["c"], Fin::Del(&[]), false),
        ],
        weakrefs: &[],
        cpython: &[
            "__del__ c e h1 h2 b d; gc.collect() = 2",
            "survivors b d c e; freed h1 h2; gc.is_finalized True for b d c e",
        ],
    })
}

/// A weakref with a callback, held by an object with a legacy finalizer,
/// to collectable garbage. Step 1 makes it uncollectable, but it is not
/// garbage to `handle_weakrefs` (`gc_is_collecting` is false for it): its
/// callback runs, and CPython moves it out of the uncollectable list, to
/// the old generation. `gc.DEBUG_SAVEALL` shows it: `gc.garbage` is then
/// `[x, old]`, without it.
fn weakref_held_by_legacy() -> String {
    render(&Scenario {
        program: &[
            "# class Node: pass; cb prints; Legacy: a class with a tp_del, made by _testcapi.with_tp_del",
            "old = Legacy(); old.me = old",
            "x = Node(); x.me = x",
            "old.watch = weakref.ref(x, cb)",
            "del old, x",
            "# watch is found unreachable, but old reaches it: step 1 takes it, not garbage to step 2",
        ],
        garbage: &[
            ("old", 1, &["old", "watch"], Fin::Legacy, false),
            ("x", 1, &["x"], Fin::None, false),
            ("watch", 1, &[], Fin::None, false),
        ],
        weakrefs: &[("watch", "x", Cb::Keeps)],
        cpython: &[
            "callback cb; gc.collect() = 2; freed x; gc.garbage == [old]; old.watch() is None",
            "collected 1, uncollectable 1 (gc.get_stats); watch in gc.get_objects(2)",
            "gc.is_finalized False for old",
        ],
    })
}

/// Everything at once: an object finalized earlier, a legacy finalizer
/// holding a list, a live weakref to it, and a pair resurrected by one of
/// them, with a live weakref to the one that resurrects.
fn mix() -> String {
    render(&Scenario {
        program: &[
            "# Node(name, keep): __del__ prints its name; if self.keep: saved.append(self)",
            "# Legacy: a class with a tp_del, made by _testcapi.with_tp_del",
            "f = Node('f', keep=True); del f           # __del__ of f; saved == [f]",
            "f = saved.pop(); f.keep = False",
            "old = Legacy(); old.me = old; old.box = []",
            "p = Node('p', keep=True); q = Node('q')",
            "p.friend = q; q.friend = p; f.me = f; f.q = q",
            "watch_old = weakref.ref(old, on_old); watch_p = weakref.ref(p, on_p)",
            "del f, old, p, q",
        ],
        garbage: &[
            ("f", 1, &["f", "q"], Fin::Del(&[]), true),
            ("old", 1, &["old", "box"], Fin::Legacy, false),
            ("box", 1, &[], Fin::None, false),
            ("p", 1, &["q"], Fin::Del(&["p"]), false),
            ("q", 2, &["p"], Fin::Del(&[]), false),
        ],
        weakrefs: &[("watch_old", "old", Cb::Keeps), ("watch_p", "p", Cb::Keeps)],
        cpython: &[
            "callbacks watch_p; __del__ p q; gc.collect() = 3",
            "survivors p q; freed f; gc.garbage == [old]; watch_old() is old",
            "gc.is_finalized True for p q, False for old box",
        ],
    })
}
