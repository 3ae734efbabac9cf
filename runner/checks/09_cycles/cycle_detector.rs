//! Check for `cycle_detector`: CPython 3.11's three phases on heap states
//! made by small Python programs, with `gc_refs` after each phase, the
//! `young` and `unreachable` lists after `move_unreachable`, and what
//! `collect` returns.
//!
//! Every heap state was measured on python3 3.11.7: the objects are the
//! lists each program made, in the order of the generation-0 list
//! (`gc.get_objects(0)`), each with its refcount (read with ctypes, so no
//! extra reference) and its referents in `tp_traverse` order
//! (`gc.get_referents`; a list visits its items last to first). The line
//! `python3 3.11.7:` gives what `gc.collect(0)` returned for the program,
//! the survivors in the order they reached generation 1
//! (`gc.get_objects(1)`, which is `young`'s order) and the garbage in the
//! order of the unreachable list (`gc.garbage` under `gc.DEBUG_SAVEALL`).
//!
//! The graphs catch the usual wrong turns: an object at 0 that a reachable
//! object later in the list rescues (and, through it, another), a rescue
//! that must leave the garbage after it in its order (taking the rescued
//! object out with `swap_remove` does not), an object at 0 that a
//! reachable one reaches before the walk does, self-loops, one object
//! referring to another several times, two independent cycles, a garbage
//! cycle holding objects of the generation and objects outside it, and an
//! empty generation.

use std::collections::BTreeMap;

use crate::exercise::{collect, Collection, GcRefs, ObjId, Object};
use crate::harness::{attempt, Case};

pub const CASES: &[Case] = &[
    ("cycle_with_a_way_in", cycle_with_a_way_in),
    ("self_loops", self_loops),
    ("rescue_order", rescue_order),
    (
        "rescue_keeps_the_garbage_in_order",
        rescue_keeps_the_garbage_in_order,
    ),
    ("two_cycles", two_cycles),
    ("cycle_holding_others", cycle_holding_others),
    (
        "repeated_references_and_empty",
        repeated_references_and_empty,
    ),
];

/// A heap state: the program that made it, the tracked objects of the
/// generation in list order (name, refcount, what `tp_traverse` visits),
/// the objects referred to from the generation but not in it, and what
/// python3 3.11.7 did with it.
struct Graph {
    program: &'static [&'static str],
    objects: &'static [(&'static str, usize, &'static [&'static str])],
    outside: &'static [(&'static str, &'static str)],
    cpython: &'static str,
}

/// The ids: the objects of the generation get decreasing ids, so the order
/// of the ids is not the order of the list; the objects outside get their own.
fn ids(graph: &Graph) -> BTreeMap<&'static str, ObjId> {
    let inside = graph
        .objects
        .iter()
        .zip(0..)
        .map(|(o, i)| (o.0, ObjId(40 - 3 * i)));
    let outside = graph
        .outside
        .iter()
        .zip(0..)
        .map(|(o, i)| (o.0, ObjId(90 + i)));
    inside.chain(outside).collect()
}

fn objects(graph: &Graph) -> Vec<Object> {
    let ids = ids(graph);
    graph
        .objects
        .iter()
        .map(|&(name, refcount, visits)| Object {
            id: ids[name],
            refcount,
            referents: visits.iter().map(|v| ids[v]).collect(),
        })
        .collect()
}

fn gc_refs(value: Option<&GcRefs>) -> String {
    match value {
        Some(GcRefs::Count(n)) => n.to_string(),
        Some(GcRefs::Reachable) => "reachable".to_string(),
        Some(GcRefs::TentativelyUnreachable) => "unreachable".to_string(),
        None => "(no entry)".to_string(),
    }
}

/// The names of some ids, in order.
fn names(list: &[ObjId], graph: &Graph) -> String {
    let ids = ids(graph);
    let name = |id: &ObjId| {
        ids.iter()
            .find(|(_, v)| *v == id)
            .map_or(format!("#{}", id.0), |(n, _)| n.to_string())
    };
    if list.is_empty() {
        "(none)".to_string()
    } else {
        list.iter().map(name).collect::<Vec<_>>().join(" ")
    }
}

/// A phase of the collector, by name.
type Phase = (&'static str, fn(&mut Collection));

/// Runs the three phases on one heap state and draws what each left.
fn render(graph: &Graph) -> String {
    let mut out = String::new();
    for line in graph.program {
        out += &format!(">>> {line}\n");
    }
    if !graph.outside.is_empty() {
        let outside: Vec<String> = graph
            .outside
            .iter()
            .map(|(name, what)| format!("{name} ({what})"))
            .collect();
        out += &format!("not in the generation: {}\n", outside.join(", "));
    }

    let ids = ids(graph);
    let mut collection = Collection::new(objects(graph));
    let phases: [Phase; 3] = [
        ("update_refs", Collection::update_refs),
        ("subtract_refs", Collection::subtract_refs),
        ("move_unreachable", Collection::move_unreachable),
    ];
    // After each phase: every object's gc_refs, or the panic.
    let mut after: Vec<Result<Vec<String>, String>> = Vec::new();
    let mut notes = String::new();
    for (phase, run) in phases {
        let result = attempt(|| run(&mut collection)).map(|()| {
            graph
                .objects
                .iter()
                .map(|o| gc_refs(collection.gc_refs.get(&ids[o.0])))
                .collect()
        });
        if let Err(msg) = &result {
            notes += &format!("{phase} panicked: {msg}\n");
        }
        let strays: Vec<ObjId> = collection
            .gc_refs
            .keys()
            .filter(|id| !graph.objects.iter().any(|o| ids[o.0] == **id))
            .copied()
            .collect();
        if !strays.is_empty() {
            notes += &format!(
                "after {phase}, gc_refs has entries for objects outside the generation: {}\n",
                names(&strays, graph)
            );
        }
        after.push(result);
    }

    let visits: Vec<String> = graph
        .objects
        .iter()
        .map(|o| {
            if o.2.is_empty() {
                "-".to_string()
            } else {
                o.2.join(" ")
            }
        })
        .collect();
    let vw = visits.iter().map(String::len).max().unwrap_or(0).max(6);
    out += &format!(
        "{:<7} {:>8}  {:<vw$}  {:>11}  {:>13}  {}\n",
        "object", "refcount", "visits", "update_refs", "subtract_refs", "move_unreachable"
    );
    if graph.objects.is_empty() {
        out += "(no objects)\n";
    }
    for (i, (name, refcount, _)) in graph.objects.iter().enumerate() {
        let cell = |phase: usize| match &after[phase] {
            Ok(values) => values[i].clone(),
            Err(_) => "panicked".to_string(),
        };
        out += &format!(
            "{name:<7} {refcount:>8}  {:<vw$}  {:>11}  {:>13}  {}\n",
            visits[i],
            cell(0),
            cell(1),
            cell(2)
        );
    }
    out += &notes;
    out += &format!("young:       {}\n", names(&collection.young, graph));
    out += &format!("unreachable: {}\n", names(&collection.unreachable, graph));
    let collected = attempt(|| collect(objects(graph)))
        .map(|garbage| names(&garbage, graph))
        .unwrap_or_else(|msg| format!("panicked: {msg}"));
    out += &format!("collect():   {collected}\n");
    out += &format!("python3 3.11.7: {}\n", graph.cpython);
    out
}

fn render_all(graphs: &[Graph]) -> String {
    graphs.iter().map(render).collect::<Vec<_>>().join("\n")
}

/// Two objects in a cycle, and a third, still named, that refers into it;
/// then the same cycle once the third is gone.
fn cycle_with_a_way_in() -> String {
    render_all(&[
        Graph {
            program: &[
                "a = []; b = []; c = []",
                "a.append(b); b.append(a); c.append(a)",
                "del a, b",
            ],
            objects: &[("a", 2, &["b"]), ("b", 1, &["a"]), ("c", 1, &["a"])],
            outside: &[],
            cpython: "gc.collect(0) = 0; survivors c a b; garbage (none)",
        },
        Graph {
            program: &["a = []; b = []", "a.append(b); b.append(a)", "del a, b"],
            objects: &[("a", 1, &["b"]), ("b", 1, &["a"])],
            outside: &[],
            cpython: "gc.collect(0) = 2; survivors (none); garbage a b",
        },
    ])
}

/// A list that holds itself: named, unnamed, and holding itself twice.
fn self_loops() -> String {
    render_all(&[
        Graph {
            program: &["l = []", "l.append(l)"],
            objects: &[("l", 2, &["l"])],
            outside: &[],
            cpython: "gc.collect(0) = 0; survivors l; garbage (none)",
        },
        Graph {
            program: &["l = []", "l.append(l)", "del l"],
            objects: &[("l", 1, &["l"])],
            outside: &[],
            cpython: "gc.collect(0) = 1; survivors (none); garbage l",
        },
        Graph {
            program: &["l = []", "l.append(l); l.append(l)", "del l"],
            objects: &[("l", 2, &["l", "l"])],
            outside: &[],
            cpython: "gc.collect(0) = 1; survivors (none); garbage l",
        },
    ])
}

/// n4 is the only object named. The walk meets n0, n1 and n2 before it
/// and moves them to `unreachable`; n4 rescues n1 and n0 (in the order it
/// visits them), and n1, scanned again, rescues n2. n5 comes after n4 and
/// only needs its count raised. n3 is a garbage self-loop.
fn rescue_order() -> String {
    render_all(&[Graph {
        program: &[
            "n0 = []; n1 = []; n2 = []; n3 = []; n4 = []; n5 = []",
            "n3.append(n3)",
            "n1.append(n2)",
            "n4.append(n0); n4.append(n5); n4.append(n1)",
            "del n0, n1, n2, n3, n5",
        ],
        objects: &[
            ("n0", 1, &[]),
            ("n1", 1, &["n2"]),
            ("n2", 1, &[]),
            ("n3", 1, &["n3"]),
            ("n4", 1, &["n1", "n5", "n0"]),
            ("n5", 1, &[]),
        ],
        outside: &[],
        cpython: "gc.collect(0) = 1; survivors n4 n5 n1 n0 n2; garbage n3",
    }])
}

/// r comes first and is at 0, so the walk moves it to `unreachable`, then
/// the cycle g1 g2 after it; k, still named, rescues r. Taking r out of
/// `unreachable` must leave g1 and g2 in their order: that is the order
/// the garbage is freed in.
fn rescue_keeps_the_garbage_in_order() -> String {
    render(&Graph {
        program: &[
            "r = []; g1 = []; g2 = []; k = []",
            "g1.append(g2); g2.append(g1)",
            "k.append(r)",
            "del r, g1, g2",
        ],
        objects: &[
            ("r", 1, &[]),
            ("g1", 1, &["g2"]),
            ("g2", 1, &["g1"]),
            ("k", 1, &["r"]),
        ],
        outside: &[],
        cpython: "gc.collect(0) = 2; survivors k r; garbage g1 g2",
    })
}

/// Two cycles made side by side: one still has a name, then neither.
fn two_cycles() -> String {
    render_all(&[
        Graph {
            program: &[
                "a = []; x = []; b = []; y = []",
                "a.append(b); b.append(a)",
                "x.append(y); y.append(x)",
                "del a, b, y",
            ],
            objects: &[
                ("a", 1, &["b"]),
                ("x", 2, &["y"]),
                ("b", 1, &["a"]),
                ("y", 1, &["x"]),
            ],
            outside: &[],
            cpython: "gc.collect(0) = 2; survivors x y; garbage a b",
        },
        Graph {
            program: &[
                "a = []; x = []; b = []; y = []",
                "a.append(b); b.append(a)",
                "x.append(y); y.append(x)",
                "del a, b, y, x",
            ],
            objects: &[
                ("a", 1, &["b"]),
                ("x", 1, &["y"]),
                ("b", 1, &["a"]),
                ("y", 1, &["x"]),
            ],
            outside: &[],
            cpython: "gc.collect(0) = 4; survivors (none); garbage a x b y",
        },
    ])
}

/// A garbage cycle that refers to a list only it holds (garbage too), to a
/// list that is still named (it stays), and to two objects outside the
/// generation: an older list and a str, which the collector never touches.
fn cycle_holding_others() -> String {
    render_all(&[Graph {
        program: &[
            "old = []; gc.collect()",
            "keep = []; a = []; b = []; inner = []",
            "a.append(b); b.append(a)",
            "a.append(inner)",
            "b.append(keep); b.append('text'); b.append(old)",
            "del a, b, inner",
        ],
        objects: &[
            ("keep", 2, &[]),
            ("a", 1, &["inner", "b"]),
            ("b", 1, &["old", "'text'", "keep", "a"]),
            ("inner", 1, &[]),
        ],
        outside: &[
            ("old", "in generation 2 since gc.collect()"),
            ("'text'", "a str: never tracked"),
        ],
        cpython: "gc.collect(0) = 3; survivors keep; garbage a b inner",
    }])
}

/// One list holding the same object three times; then a generation with
/// nothing in it.
fn repeated_references_and_empty() -> String {
    render_all(&[
        Graph {
            program: &["x = []", "l = [x, x, x]", "del x"],
            objects: &[("x", 3, &[]), ("l", 1, &["x", "x", "x"])],
            outside: &[],
            cpython: "gc.collect(0) = 0; survivors l x; garbage (none)",
        },
        Graph {
            program: &["gc.collect()"],
            objects: &[],
            outside: &[],
            cpython: "gc.collect(0) = 0; survivors (none); garbage (none)",
        },
    ])
}
