//! What lives on the heap: the objects of the Python subset, and the facts
//! about them that do not depend on which heap stores them (which ones the
//! collector tracks, what each one references and in which order CPython
//! 3.11 lets go of those references).

use std::rc::Rc;

use num_bigint::BigInt;

/// A handle to an object on a heap. Never printed: programs compare objects
/// with `is`, not by address, so output stays deterministic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjId(pub u32);

#[derive(Debug, Clone)]
pub enum Object {
    None,
    Bool(bool),
    Int(BigInt),
    Float(f64),
    Str(Rc<str>),
    Tuple(Vec<ObjId>),
    List(List),
    Dict(Dict),
    Instance(Instance),
    Class(Class),
    /// A `def`: `code` indexes the interpreter's table of function bodies.
    Function {
        name: Rc<str>,
        code: usize,
    },
    /// A built-in callable or module attribute (`len`, `gc.collect`, ...).
    Builtin(crate::builtin::Builtin),
    /// A module object (`gc`, `sys`).
    Module(&'static str),
    /// `range(start, stop, step)`.
    Range {
        start: i64,
        stop: i64,
        step: i64,
    },
    WeakRef(WeakRef),
}

#[derive(Debug, Clone, Default)]
pub struct List {
    pub items: Vec<ObjId>,
    /// Slots CPython would have allocated (`ob_alloc`): what over-allocation
    /// adds to `sys.getsizeof`, updated by the heap's growth rule.
    pub allocated: usize,
}

#[derive(Debug, Clone, Default)]
pub struct Dict {
    /// Key and value, in insertion order (CPython dicts keep it).
    pub entries: Vec<(ObjId, ObjId)>,
    /// Slots in the keys table (a power of two), or 0 for the shared empty
    /// table of a dict that never held anything: what `getsizeof` depends on.
    pub table_size: usize,
}

#[derive(Debug, Clone)]
pub struct Instance {
    pub class: ObjId,
    /// Attributes stored inline, as 3.11 does until `__dict__` is touched.
    pub attrs: Vec<(Rc<str>, ObjId)>,
    /// The materialized `__dict__` (a [`Object::Dict`]); once it exists,
    /// attributes live there and `attrs` is empty.
    pub dict: Option<ObjId>,
}

#[derive(Debug, Clone)]
pub struct Class {
    pub name: Rc<str>,
    /// The class namespace: a [`Object::Dict`] of its attributes and methods.
    pub namespace: ObjId,
    /// Other objects CPython creates with every class and the class keeps
    /// alive (its `__mro__` tuple, the `__dict__` and `__weakref__`
    /// descriptors), so a collected class counts as CPython counts it.
    pub parts: Vec<ObjId>,
    /// The class defines `__del__`: its instances have a finalizer.
    pub has_del: bool,
}

#[derive(Debug, Clone)]
pub struct WeakRef {
    /// `None` once the referent is gone.
    pub target: Option<ObjId>,
    pub callback: Option<ObjId>,
}

impl Object {
    /// The Python type name, as `type(x).__name__` gives it.
    pub fn type_name(&self) -> &str {
        match self {
            Object::None => "NoneType",
            Object::Bool(_) => "bool",
            Object::Int(_) => "int",
            Object::Float(_) => "float",
            Object::Str(_) => "str",
            Object::Tuple(_) => "tuple",
            Object::List(_) => "list",
            Object::Dict(_) => "dict",
            Object::Instance(_) => "instance",
            Object::Class(_) => "type",
            Object::Function { .. } => "function",
            Object::Builtin(_) => "builtin_function_or_method",
            Object::Module(_) => "module",
            Object::Range { .. } => "range",
            Object::WeakRef(_) => "weakref",
        }
    }

    /// Whether CPython 3.11 gives this type a GC head, so the collector can
    /// track it. (Tuples and dicts may still be untracked: see the heap.)
    pub fn is_gc_type(&self) -> bool {
        matches!(
            self,
            Object::Tuple(_)
                | Object::List(_)
                | Object::Dict(_)
                | Object::Instance(_)
                | Object::Class(_)
                | Object::Function { .. }
                | Object::Module(_)
                | Object::WeakRef(_)
                | Object::Builtin(_)
        )
    }

    /// The objects this one holds a strong reference to, in the order they
    /// appear (a list's items first to last, a dict's key then value).
    /// Weak references are not strong. The collector visits the same set in
    /// another order: see [`Object::traverse`].
    pub fn referents(&self) -> Vec<ObjId> {
        match self {
            Object::Tuple(items) => items.clone(),
            Object::List(list) => list.items.clone(),
            Object::Dict(dict) => dict.entries.iter().flat_map(|&(k, v)| [k, v]).collect(),
            Object::Instance(inst) => {
                let mut out: Vec<ObjId> = inst.attrs.iter().map(|&(_, v)| v).collect();
                out.extend(inst.dict);
                out.push(inst.class);
                out
            }
            Object::Class(class) => {
                let mut out = vec![class.namespace];
                out.extend(&class.parts);
                out
            }
            Object::WeakRef(weak) => weak.callback.into_iter().collect(),
            _ => Vec::new(),
        }
    }

    /// The referents in the order CPython 3.11's `tp_traverse` visits them,
    /// which is the order the cycle collector's `move_unreachable` rescues
    /// objects in (and so the order of later `__del__` calls): a list and a
    /// tuple from the last item to the first (`list_traverse`,
    /// `tupletraverse`), a dict each value then its key (`dict_traverse`), an
    /// instance its attributes, its dict, then its class (`subtype_traverse`),
    /// a class its namespace then the rest (`type_traverse`).
    pub fn traverse(&self) -> Vec<ObjId> {
        let mut out = Vec::new();
        self.traverse_with(|id| out.push(id));
        out
    }

    /// [`Object::traverse`] without making a `Vec`: `visit` is called with
    /// each referent in `tp_traverse` order, as CPython's `tp_traverse`
    /// calls its `visitproc`. The cycle collector visits every reference of
    /// every object it collects this way.
    #[inline]
    pub fn traverse_with(&self, mut visit: impl FnMut(ObjId)) {
        match self {
            Object::Tuple(items) => items.iter().rev().for_each(|&id| visit(id)),
            Object::List(list) => list.items.iter().rev().for_each(|&id| visit(id)),
            Object::Dict(dict) => {
                for &(key, value) in &dict.entries {
                    visit(value);
                    visit(key);
                }
            }
            Object::Instance(inst) => {
                for &(_, value) in &inst.attrs {
                    visit(value);
                }
                if let Some(dict) = inst.dict {
                    visit(dict);
                }
                visit(inst.class);
            }
            Object::Class(class) => {
                visit(class.namespace);
                class.parts.iter().for_each(|&id| visit(id));
            }
            Object::WeakRef(weak) => {
                if let Some(callback) = weak.callback {
                    visit(callback);
                }
            }
            _ => {}
        }
    }

    /// The references to release when this object is deallocated, in the
    /// order CPython 3.11 releases them: a list and a tuple from the last
    /// item to the first, a dict key then value from the first entry on, an
    /// instance its attributes, then its dict, then its class.
    pub fn release_order(&self) -> Vec<ObjId> {
        match self {
            Object::Tuple(items) => items.iter().rev().copied().collect(),
            Object::List(list) => list.items.iter().rev().copied().collect(),
            _ => self.referents(),
        }
    }
}
