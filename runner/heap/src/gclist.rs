//! The collector's lists: CPython's `PyGC_Head`.
//!
//! Every tracked object sits in exactly one doubly linked list: one of the
//! three generations, the permanent generation of `gc.freeze()`, or one of
//! the working lists a collection sorts objects into. In CPython the links
//! live in a 16-byte header in front of the object; here they live in a
//! table indexed by the object's id, and each list has a head node, so
//! taking an object out of a list (when it is freed) costs the same O(1) as
//! in CPython, and a whole generation moves onto another in O(1) too.
//!
//! The order of a list is observable: it decides which `__del__` runs first
//! and which object a collection frees first. So every operation here keeps
//! CPython's order: new objects go to the tail, merging appends a whole list
//! at the tail.

use memlings_python::ObjId;

/// Which list. The generations are permanent; the others are the working
/// lists of `gc_collect_main`, empty between collections (collections do
/// not nest, so one head each is enough).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum List {
    Gen0,
    Gen1,
    Gen2,
    /// Where `gc.freeze()` puts everything: never collected.
    Permanent,
    /// `unreachable` in `gc_collect_main`.
    Unreachable,
    /// `wrcb_to_call` in `handle_weakrefs`.
    WeakrefCallbacks,
    /// `seen` in `finalize_garbage`.
    Seen,
    /// `final_unreachable` after `handle_resurrected_objects`.
    StillUnreachable,
}

const LISTS: usize = 8;

impl List {
    pub const GENERATIONS: [List; 3] = [List::Gen0, List::Gen1, List::Gen2];

    fn index(self) -> usize {
        self as usize
    }
}

/// A position in some list: a list's head, or an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Node {
    Head(List),
    Obj(ObjId),
}

#[derive(Debug, Clone, Copy)]
struct Links {
    prev: Node,
    next: Node,
}

/// The collector's per-object header, present only while the object is
/// tracked (CPython: `_gc_next != 0`).
#[derive(Debug, Clone, Copy)]
pub struct GcHead {
    links: Links,
    /// `gc_refs`: during a collection, the references to this object that
    /// do not come from inside the generations being collected.
    pub refs: isize,
    /// `PREV_MASK_COLLECTING`: the object is in the set being collected and
    /// has not yet been proved reachable.
    pub collecting: bool,
    /// `NEXT_MASK_UNREACHABLE`: `move_unreachable` has put it in
    /// `unreachable` (for now).
    pub unreachable: bool,
}

#[derive(Debug, Clone)]
pub struct GcLists {
    heads: [Links; LISTS],
    /// Indexed by object id; `None` for objects that are not tracked.
    nodes: Vec<Option<GcHead>>,
}

impl Default for GcLists {
    fn default() -> Self {
        let all = [
            List::Gen0,
            List::Gen1,
            List::Gen2,
            List::Permanent,
            List::Unreachable,
            List::WeakrefCallbacks,
            List::Seen,
            List::StillUnreachable,
        ];
        GcLists {
            heads: all.map(|l| Links {
                prev: Node::Head(l),
                next: Node::Head(l),
            }),
            nodes: Vec::new(),
        }
    }
}

impl GcLists {
    pub fn is_tracked(&self, id: ObjId) -> bool {
        self.head(id).is_some()
    }

    pub fn head(&self, id: ObjId) -> Option<&GcHead> {
        self.nodes.get(id.0 as usize).and_then(Option::as_ref)
    }

    pub fn head_mut(&mut self, id: ObjId) -> Option<&mut GcHead> {
        self.nodes.get_mut(id.0 as usize).and_then(Option::as_mut)
    }

    /// `_PyObject_GC_TRACK`: start tracking `id` at the tail of `list`.
    pub fn track(&mut self, id: ObjId, list: List) {
        if self.is_tracked(id) {
            return;
        }
        let index = id.0 as usize;
        if self.nodes.len() <= index {
            self.nodes.resize(index + 1, None);
        }
        self.nodes[index] = Some(GcHead {
            links: Links {
                prev: Node::Head(list),
                next: Node::Head(list),
            },
            refs: 0,
            collecting: false,
            unreachable: false,
        });
        self.link_at_tail(id, list);
    }

    /// `_PyObject_GC_UNTRACK`: out of whatever list it is in.
    pub fn untrack(&mut self, id: ObjId) {
        if self.is_tracked(id) {
            self.unlink(id);
            self.nodes[id.0 as usize] = None;
        }
    }

    /// `gc_list_move`: out of its list, onto the tail of `list`.
    pub fn move_to(&mut self, id: ObjId, list: List) {
        if self.is_tracked(id) {
            self.unlink(id);
            self.link_at_tail(id, list);
        }
    }

    /// `gc_list_merge`: every object of `from`, in order, onto the tail of
    /// `to`; `from` is left empty.
    pub fn merge(&mut self, from: List, to: List) {
        if from == to || self.is_empty(from) {
            return;
        }
        let first = self.heads[from.index()].next;
        let last = self.heads[from.index()].prev;
        let to_last = self.heads[to.index()].prev;
        self.set_next(to_last, first);
        self.set_prev(first, to_last);
        self.set_next(last, Node::Head(to));
        self.heads[to.index()].prev = last;
        self.heads[from.index()] = Links {
            prev: Node::Head(from),
            next: Node::Head(from),
        };
    }

    pub fn is_empty(&self, list: List) -> bool {
        self.heads[list.index()].next == Node::Head(list)
    }

    pub fn first(&self, list: List) -> Option<ObjId> {
        match self.heads[list.index()].next {
            Node::Obj(id) => Some(id),
            Node::Head(_) => None,
        }
    }

    /// The object after `id` in its list, or `None` at the end.
    pub fn next(&self, id: ObjId) -> Option<ObjId> {
        match self.head(id)?.links.next {
            Node::Obj(next) => Some(next),
            Node::Head(_) => None,
        }
    }

    /// The objects of `list`, head to tail (a snapshot: for loops that do
    /// not change the list while they run).
    pub fn objects(&self, list: List) -> Vec<ObjId> {
        let mut out = Vec::new();
        let mut cursor = self.first(list);
        while let Some(id) = cursor {
            out.push(id);
            cursor = self.next(id);
        }
        out
    }

    /// `gc_list_size`.
    pub fn len(&self, list: List) -> usize {
        let mut n = 0;
        let mut cursor = self.first(list);
        while let Some(id) = cursor {
            n += 1;
            cursor = self.next(id);
        }
        n
    }

    fn link_at_tail(&mut self, id: ObjId, list: List) {
        let last = self.heads[list.index()].prev;
        self.set_next(last, Node::Obj(id));
        self.set_prev(Node::Obj(id), last);
        self.set_next(Node::Obj(id), Node::Head(list));
        self.heads[list.index()].prev = Node::Obj(id);
    }

    fn unlink(&mut self, id: ObjId) {
        let Some(head) = self.head(id) else { return };
        let Links { prev, next } = head.links;
        self.set_next(prev, next);
        self.set_prev(next, prev);
    }

    fn links_mut(&mut self, node: Node) -> &mut Links {
        match node {
            Node::Head(list) => &mut self.heads[list.index()],
            Node::Obj(id) => match self.nodes.get_mut(id.0 as usize) {
                Some(Some(head)) => &mut head.links,
                // Links only ever point at tracked objects: the node was
                // linked by `track` and is unlinked before `untrack` drops it.
                _ => unreachable!("gc list links to untracked object {id:?}"),
            },
        }
    }

    fn set_next(&mut self, node: Node, next: Node) {
        self.links_mut(node).next = next;
    }

    fn set_prev(&mut self, node: Node, prev: Node) {
        self.links_mut(node).prev = prev;
    }
}
