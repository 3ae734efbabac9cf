//! A picture of memory at one moment, as `--trace` and `--dot` draw it:
//! the names (by frame), the objects they reach, and the objects still
//! alive that no name reaches (a cycle waiting for the collector).
//! Interpreter internals (cached small ints, constants, built-ins, a
//! class's namespace plumbing) are left out.

use std::collections::{HashMap, HashSet, VecDeque};

use crate::ast::Name;
use crate::heap::{Collector, Heap};
use crate::object::{ObjId, Object};
use crate::repr;

/// Containers show at most this many references.
const MAX_EDGES: usize = 12;
/// A picture shows at most this many objects.
const MAX_NODES: usize = 60;

/// What the interpreter holds at the moment of the picture.
#[derive(Debug, Default)]
pub struct Roots {
    /// ("globals" or "f()", names in order).
    pub frames: Vec<(String, Vec<(Name, ObjId)>)>,
    /// Values on the interpreter's stack (arguments being built, the
    /// container of a running `for`).
    pub temporaries: Vec<ObjId>,
    /// The interpreter's own references (constants, built-ins).
    pub internal: Vec<ObjId>,
    /// Shared immutable singletons, drawn as their value (None, small ints).
    pub inline: HashSet<ObjId>,
}

/// Where an arrow points.
#[derive(Debug, Clone, PartialEq)]
pub enum Ref {
    /// A node, by its label number.
    Node(usize),
    /// A singleton drawn as its value.
    Value(String),
}

#[derive(Debug, Clone)]
pub struct Node {
    pub id: ObjId,
    pub label: usize,
    pub type_name: String,
    /// The value of an atom (`1000`, `'hello'`), or a container's shape.
    pub summary: String,
    pub refcount: usize,
    pub tracked: bool,
    /// (slot, target), e.g. ("[0]", ...) or (".x", ...).
    pub edges: Vec<(String, Ref)>,
    /// References left out to keep the picture small.
    pub more_edges: usize,
    /// No name reaches it.
    pub unreachable: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Graph {
    pub frames: Vec<(String, Vec<(String, Ref)>)>,
    pub temporaries: Vec<Ref>,
    pub nodes: Vec<Node>,
    pub more_nodes: usize,
}

/// Stable labels (#1, #2, ...) across the pictures of one run; a label is
/// dropped when its object dies, so a reused id gets a fresh one.
#[derive(Debug, Default)]
pub struct Labels {
    map: HashMap<ObjId, usize>,
    next: usize,
}

impl Labels {
    fn get(&mut self, id: ObjId) -> usize {
        if let Some(&l) = self.map.get(&id) {
            return l;
        }
        self.next += 1;
        self.map.insert(id, self.next);
        self.next
    }

    fn forget_dead(&mut self, live: &HashSet<ObjId>) {
        self.map.retain(|id, _| live.contains(id));
    }
}

pub fn build<H: Heap>(heap: &H, roots: &Roots, labels: &mut Labels) -> Graph {
    let live_order = heap.live_objects();
    let live: HashSet<ObjId> = live_order.iter().copied().collect();
    labels.forget_dead(&live);

    let hidden = hidden_objects(heap, roots, &live_order);
    let mut builder = Builder {
        heap,
        roots,
        labels,
        order: Vec::new(),
        seen: HashSet::new(),
    };
    let mut graph = Graph::default();
    for (frame, names) in &roots.frames {
        let mut refs = Vec::new();
        for (name, id) in names {
            // Each name's objects right after it, so the picture reads in
            // the order of the names.
            let from = builder.order.len();
            refs.push((name.to_string(), builder.visit(*id)));
            builder.closure(from);
        }
        graph.frames.push((frame.clone(), refs));
    }
    graph.temporaries = roots
        .temporaries
        .iter()
        .filter(|&&id| !hidden.contains(&id))
        .map(|&id| builder.visit(id))
        .collect();
    builder.closure(0);
    let reachable = builder.order.len();
    for &id in &live_order {
        if !builder.seen.contains(&id) && !hidden.contains(&id) && !roots.inline.contains(&id) {
            builder.visit(id);
        }
    }
    builder.closure(reachable);
    let order = builder.order.clone();
    for (i, &id) in order.iter().enumerate() {
        if graph.nodes.len() >= MAX_NODES {
            graph.more_nodes = order.len() - i;
            break;
        }
        let node = builder.node(id, i >= reachable);
        graph.nodes.push(node);
    }
    graph
}

/// Objects never drawn: what only the interpreter holds, and the plumbing
/// of classes (namespace dict, mro, descriptors, methods).
fn hidden_objects<H: Heap>(heap: &H, roots: &Roots, live: &[ObjId]) -> HashSet<ObjId> {
    let mut hidden: HashSet<ObjId> = HashSet::new();
    let mut queue: VecDeque<ObjId> = roots.internal.iter().copied().collect();
    queue.extend(roots.inline.iter().copied());
    while let Some(id) = queue.pop_front() {
        if hidden.insert(id) {
            queue.extend(heap.get(id).referents());
        }
    }
    for &id in live {
        if let Object::Class(c) = heap.get(id) {
            hidden.insert(c.namespace);
            hidden.extend(&c.parts);
            if let Object::Dict(d) = heap.get(c.namespace) {
                for &(k, v) in &d.entries {
                    hidden.insert(k);
                    if class_plumbing(heap, k, v) {
                        hidden.insert(v);
                    }
                }
            }
        }
        if let Object::Instance(inst) = heap.get(id) {
            // Keys of a materialized __dict__ are the attribute names.
            if let Some(d) = inst.dict {
                if let Object::Dict(d) = heap.get(d) {
                    hidden.extend(d.entries.iter().map(|&(k, _)| k));
                }
            }
        }
    }
    hidden
}

/// A class namespace entry that is not a class attribute a learner made:
/// methods and dunder entries.
fn class_plumbing<H: Heap>(heap: &H, key: ObjId, value: ObjId) -> bool {
    let dunder =
        matches!(heap.get(key), Object::Str(s) if s.starts_with("__") && s.ends_with("__"));
    dunder || matches!(heap.get(value), Object::Function { .. })
}

struct Builder<'a, H> {
    heap: &'a H,
    roots: &'a Roots,
    labels: &'a mut Labels,
    order: Vec<ObjId>,
    seen: HashSet<ObjId>,
}

impl<H: Heap> Builder<'_, H> {
    fn visit(&mut self, id: ObjId) -> Ref {
        if self.roots.inline.contains(&id) {
            return Ref::Value(inline_text(self.heap, id));
        }
        if self.seen.insert(id) {
            self.order.push(id);
        }
        Ref::Node(self.labels.get(id))
    }

    /// Adds everything reachable from `order[from..]`, breadth first.
    fn closure(&mut self, from: usize) {
        let mut i = from;
        while i < self.order.len() {
            let id = self.order[i];
            for (_, target, weak) in self.slots(id) {
                if !weak {
                    self.visit(target);
                }
            }
            i += 1;
        }
    }

    /// The references a node draws: (slot label, target, weak?).
    fn slots(&self, id: ObjId) -> Vec<(String, ObjId, bool)> {
        let heap = self.heap;
        match heap.get(id) {
            Object::List(l) => l
                .items
                .iter()
                .enumerate()
                .map(|(i, &v)| (format!("[{i}]"), v, false))
                .collect(),
            Object::Tuple(t) => t
                .iter()
                .enumerate()
                .map(|(i, &v)| (format!("[{i}]"), v, false))
                .collect(),
            Object::Dict(d) => d
                .entries
                .iter()
                .map(|&(k, v)| (format!("[{}]", short_repr(heap, k)), v, false))
                .collect(),
            Object::Instance(inst) => {
                let mut out: Vec<(String, ObjId, bool)> = inst
                    .attrs
                    .iter()
                    .map(|(n, v)| (format!(".{n}"), *v, false))
                    .collect();
                if let Some(d) = inst.dict {
                    out.push((".__dict__".into(), d, false));
                }
                out
            }
            Object::Class(c) => match heap.get(c.namespace) {
                Object::Dict(d) => d
                    .entries
                    .iter()
                    .filter(|&&(k, v)| !class_plumbing(heap, k, v))
                    .map(|&(k, v)| (format!(".{}", repr::str_of(heap, k)), v, false))
                    .collect(),
                _ => Vec::new(),
            },
            Object::WeakRef(w) => {
                let mut out = Vec::new();
                if let Some(t) = w.target {
                    out.push(("(weak)".to_string(), t, true));
                }
                if let Some(cb) = w.callback {
                    out.push(("callback".to_string(), cb, false));
                }
                out
            }
            _ => Vec::new(),
        }
    }

    fn node(&mut self, id: ObjId, unreachable: bool) -> Node {
        let heap = self.heap;
        let obj = heap.get(id);
        let slots = self.slots(id);
        let more_edges = slots.len().saturating_sub(MAX_EDGES);
        let mut edges = Vec::new();
        for (slot, target, weak) in slots.into_iter().take(MAX_EDGES) {
            let r = if self.roots.inline.contains(&target) {
                Ref::Value(inline_text(heap, target))
            } else if weak && !self.seen.contains(&target) {
                continue;
            } else {
                Ref::Node(self.labels.get(target))
            };
            edges.push((slot, r));
        }
        let type_name = match obj {
            Object::Instance(inst) => match heap.get(inst.class) {
                Object::Class(c) => format!("{} instance", c.name),
                _ => "instance".into(),
            },
            Object::Class(c) => format!("class {}", c.name),
            Object::Function { name, .. } => format!("function {name}"),
            other => other.type_name().to_string(),
        };
        let summary = match obj {
            Object::Int(_) | Object::Float(_) | Object::Str(_) | Object::Bool(_) | Object::None => {
                short_repr(heap, id)
            }
            Object::Range { .. } => repr::repr(heap, id),
            Object::List(l) => format!("len {}", l.items.len()),
            Object::Tuple(t) => format!("len {}", t.len()),
            Object::Dict(d) => format!("len {}", d.entries.len()),
            Object::WeakRef(w) if w.target.is_none() => "dead".into(),
            _ => String::new(),
        };
        Node {
            id,
            label: self.labels.get(id),
            type_name,
            summary,
            refcount: heap.refcount(id),
            tracked: heap.collector().is_tracked(heap, id),
            edges,
            more_edges,
            unreachable,
        }
    }
}

fn inline_text<H: Heap>(heap: &H, id: ObjId) -> String {
    match heap.get(id) {
        Object::Module(name) => format!("module {name}"),
        Object::Builtin(path) => format!("built-in {path}"),
        _ => short_repr(heap, id),
    }
}

/// A repr cut to a readable length.
pub fn short_repr<H: Heap>(heap: &H, id: ObjId) -> String {
    let r = match heap.get(id) {
        Object::Int(i) if i.bits() > 200 => format!("<int of {} bits>", i.bits()),
        Object::List(_) | Object::Tuple(_) | Object::Dict(_) | Object::Instance(_) => {
            return format!("<{}>", heap.get(id).type_name())
        }
        _ => repr::repr(heap, id),
    };
    if r.chars().count() > 40 {
        let cut: String = r.chars().take(37).collect();
        format!("{cut}...")
    } else {
        r
    }
}
