//! # Exercise `namespace`: names, objects and references (solution)
//!
//! Book: book/src/names/names-are-labels.md

use std::collections::BTreeMap;
use std::fmt;
use std::ops::RangeInclusive;

// ANCHOR: types
/// An object's identity: its slot in the object table. Python's `id(x)`
/// plays this part (CPython uses the object's address).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjId(pub usize);

/// The value inside an object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Int(i64),
    Str(String),
    /// A list of plain numbers. (A real list holds references to objects;
    /// that comes with reference counting, in Part III.)
    List(Vec<i64>),
}

/// One entry of the object table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Object {
    pub value: Value,
    /// How many references point at this object. Here only names (and the
    /// small-int cache) hold references.
    pub refcount: usize,
}

/// What Python would raise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PyError {
    /// `NameError: name 'x' is not defined`.
    NameError(String),
    /// `AttributeError: 'int' object has no attribute 'append'`.
    AttributeError {
        type_name: &'static str,
        attr: &'static str,
    },
}

/// The ints CPython 3.11 makes once, at startup, and hands out again every
/// time one of these values is needed.
pub const SMALL_INTS: RangeInclusive<i64> = -5..=256;

/// A namespace and the object table its names point into.
#[derive(Debug, Default)]
pub struct Memory {
    /// The namespace: each bound name and the object it refers to, in the
    /// order the names were bound, like the dict CPython keeps: binding a
    /// bound name again keeps its place, `del` removes it, and binding it
    /// after that puts it at the end.
    pub names: Vec<(String, ObjId)>,
    /// The object table: `objects[i]` is object `#i`, or `None` while that
    /// id is free.
    pub objects: Vec<Option<Object>>,
    /// Ids whose objects were freed, the most recently freed last.
    pub free: Vec<ObjId>,
    /// The small-int cache: each small int made so far, and its object. The
    /// cache holds one reference to each, so they are never freed.
    pub small_ints: BTreeMap<i64, ObjId>,
}
// ANCHOR_END: types

impl Value {
    /// The name Python gives this value's type.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Int(_) => "int",
            Value::Str(_) => "str",
            Value::List(_) => "list",
        }
    }
}

/// The value as Python's `repr` shows it.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Int(n) => write!(f, "{n}"),
            Value::Str(s) => write!(f, "'{s}'"),
            Value::List(items) => {
                let items: Vec<String> = items.iter().map(|n| n.to_string()).collect();
                write!(f, "[{}]", items.join(", "))
            }
        }
    }
}

/// The message Python prints.
impl fmt::Display for PyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PyError::NameError(name) => write!(f, "NameError: name '{name}' is not defined"),
            PyError::AttributeError { type_name, attr } => write!(
                f,
                "AttributeError: '{type_name}' object has no attribute '{attr}'"
            ),
        }
    }
}

impl Memory {
    pub fn new() -> Memory {
        Memory::default()
    }

    /// The live object with this id, if there is one.
    pub fn get(&self, id: ObjId) -> Option<&Object> {
        self.objects.get(id.0).and_then(Option::as_ref)
    }

    // ANCHOR: table
    /// Makes a new object and returns its id, with a reference count of 1:
    /// the reference the caller now holds. It takes the most recently freed
    /// id if there is one, else the next id never used.
    pub fn alloc(&mut self, value: Value) -> ObjId {
        let object = Some(Object { value, refcount: 1 });
        match self.free.pop() {
            Some(id) => {
                self.objects[id.0] = object;
                id
            }
            None => {
                self.objects.push(object);
                ObjId(self.objects.len() - 1)
            }
        }
    }

    /// One more reference to `id`.
    pub fn incref(&mut self, id: ObjId) {
        if let Some(object) = self.objects[id.0].as_mut() {
            object.refcount += 1;
        }
    }

    /// One reference to `id` fewer. The last one frees the object.
    pub fn decref(&mut self, id: ObjId) {
        let Some(object) = self.objects[id.0].as_mut() else {
            return;
        };
        object.refcount -= 1;
        if object.refcount == 0 {
            self.objects[id.0] = None;
            self.free.push(id);
        }
    }
    // ANCHOR_END: table

    /// The object `name` refers to.
    pub fn lookup(&self, name: &str) -> Result<ObjId, PyError> {
        self.names
            .iter()
            .find(|(bound, _)| bound == name)
            .map(|&(_, id)| id)
            .ok_or_else(|| PyError::NameError(name.to_string()))
    }

    // ANCHOR: bind
    /// Stores a reference the caller holds in `name`, and lets go of the
    /// reference the name held before, if any. The new reference must be
    /// taken before the old one goes: `x = x` must not free x's object.
    fn bind(&mut self, name: &str, id: ObjId) {
        let old = match self.names.iter_mut().find(|(bound, _)| bound == name) {
            Some((_, slot)) => Some(std::mem::replace(slot, id)),
            None => {
                self.names.push((name.to_string(), id));
                None
            }
        };
        if let Some(old) = old {
            self.decref(old);
        }
    }
    // ANCHOR_END: bind

    /// An object with this value, and a reference to it for the caller: a
    /// small int from the cache (made the first time, with the cache's own
    /// reference), anything else a new object.
    fn new_value(&mut self, value: Value) -> ObjId {
        let Value::Int(n) = value else {
            return self.alloc(value);
        };
        if !SMALL_INTS.contains(&n) {
            return self.alloc(value);
        }
        if let Some(&id) = self.small_ints.get(&n) {
            self.incref(id);
            return id;
        }
        let id = self.alloc(value);
        self.incref(id);
        self.small_ints.insert(n, id);
        id
    }

    /// `name = <literal>`.
    pub fn assign(&mut self, name: &str, value: Value) {
        let id = self.new_value(value);
        self.bind(name, id);
    }

    /// `target = source`: both names now refer to one object.
    pub fn alias(&mut self, target: &str, source: &str) -> Result<(), PyError> {
        let id = self.lookup(source)?;
        self.incref(id);
        self.bind(target, id);
        Ok(())
    }

    /// `del name`: the name goes, and with it one reference.
    pub fn delete(&mut self, name: &str) -> Result<(), PyError> {
        let at = self
            .names
            .iter()
            .position(|(bound, _)| bound == name)
            .ok_or_else(|| PyError::NameError(name.to_string()))?;
        let (_, id) = self.names.remove(at);
        self.decref(id);
        Ok(())
    }

    /// `name.append(item)`: changes the object, whichever name reaches it.
    pub fn append(&mut self, name: &str, item: i64) -> Result<(), PyError> {
        let id = self.lookup(name)?;
        let object = self.objects[id.0]
            .as_mut()
            .expect("a bound name refers to a live object");
        match &mut object.value {
            Value::List(items) => {
                items.push(item);
                Ok(())
            }
            other => Err(PyError::AttributeError {
                type_name: other.type_name(),
                attr: "append",
            }),
        }
    }

    /// `a is b`: the same object?
    pub fn is(&self, a: &str, b: &str) -> Result<bool, PyError> {
        Ok(self.lookup(a)? == self.lookup(b)?)
    }

    /// `a == b`: equal values? (Values of different types are never equal.)
    pub fn eq(&self, a: &str, b: &str) -> Result<bool, PyError> {
        let (a, b) = (self.lookup(a)?, self.lookup(b)?);
        match (self.get(a), self.get(b)) {
            (Some(a), Some(b)) => Ok(a.value == b.value),
            _ => Ok(false),
        }
    }
}

fn main() {
    let mut memory = Memory::new();
    memory.assign("x", Value::List(vec![1, 2]));
    memory
        .alias("y", "x")
        .and_then(|()| memory.append("y", 3))
        .expect("x is bound to a list");
    for (name, id) in &memory.names {
        let object = memory.get(*id).expect("names refer to live objects");
        println!(
            "{name} -> #{} {} (refcount {})",
            id.0, object.value, object.refcount
        );
    }
}
