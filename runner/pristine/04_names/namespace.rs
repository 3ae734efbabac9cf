//! # Exercise `namespace`: names, objects and references
//!
//! Book: book/src/names/names-are-labels.md, section "Your turn: a
//! namespace".
//!
//! In Python a name is not a box that holds a value: it is a label tied to
//! an object that lives somewhere else, on the heap. Two names can be tied
//! to the same object; `x = ...` ties `x` to another object and leaves the
//! old one alone; `del x` cuts the label off, and the object goes only when
//! nothing refers to it any more. Build that: a namespace (name -> object
//! id) over an object table that counts each object's references.
//!
//! Fill in the `todo!()`s, from the top down:
//!
//! 1. The object table: `alloc`, `incref`, `decref`. A new object starts
//!    with one reference, the caller's. It takes the id freed most
//!    recently, if any (the end of `free`), else the next id never used.
//!    When the count reaches 0 the object is freed: its slot becomes
//!    `None` and its id goes on the end of `free`.
//! 2. `lookup`, then `bind`: store a reference you hold in a name and drop
//!    the reference the name held before (mind `x = x`).
//! 3. `new_value`: ints from -5 to 256 are made once and shared, kept in
//!    `small_ints`; the cache holds its own reference to each.
//! 4. The statements: `assign` (`x = 1000`), `alias` (`y = x`), `delete`
//!    (`del x`), `append` (`x.append(3)`), and the two comparisons `is` and
//!    `eq` (`==`).
//!
//! ```
//! let mut m = Memory::new();
//! m.assign("x", Value::List(vec![1, 2]));    // #0 [1, 2], refcount 1
//! m.alias("y", "x")?;                        // #0 refcount 2
//! m.append("y", 3)?;                         // x sees [1, 2, 3] too
//! m.delete("x")?;                            // #0 lives on: y refers to it
//! assert_eq!(m.lookup("x"), Err(PyError::NameError("x".to_string())));
//! ```
//!
//! Run `memlings` and save this file: the check runs small programs one
//! statement at a time and prints the names and the object table after
//! each.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::RangeInclusive;

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

    /// Makes a new object and returns its id, with a reference count of 1:
    /// the reference the caller now holds. It takes the most recently freed
    /// id if there is one, else the next id never used.
    pub fn alloc(&mut self, value: Value) -> ObjId {
        todo!()
    }

    /// One more reference to `id`.
    pub fn incref(&mut self, id: ObjId) {
        todo!()
    }

    /// One reference to `id` fewer. The last one frees the object.
    pub fn decref(&mut self, id: ObjId) {
        todo!()
    }

    /// The object `name` refers to.
    pub fn lookup(&self, name: &str) -> Result<ObjId, PyError> {
        todo!()
    }

    /// Stores a reference the caller holds in `name`, and lets go of the
    /// reference the name held before, if any. (What happens with `x = x`
    /// when x's object has a count of 1?)
    fn bind(&mut self, name: &str, id: ObjId) {
        todo!()
    }

    /// An object with this value, and a reference to it for the caller: a
    /// small int from the cache (made the first time, with the cache's own
    /// reference), anything else a new object.
    fn new_value(&mut self, value: Value) -> ObjId {
        todo!()
    }

    /// `name = <literal>`.
    pub fn assign(&mut self, name: &str, value: Value) {
        todo!()
    }

    /// `target = source`: both names now refer to one object.
    pub fn alias(&mut self, target: &str, source: &str) -> Result<(), PyError> {
        todo!()
    }

    /// `del name`: the name goes, and with it one reference.
    pub fn delete(&mut self, name: &str) -> Result<(), PyError> {
        todo!()
    }

    /// `name.append(item)`: changes the object, whichever name reaches it.
    pub fn append(&mut self, name: &str, item: i64) -> Result<(), PyError> {
        todo!()
    }

    /// `a is b`: the same object?
    pub fn is(&self, a: &str, b: &str) -> Result<bool, PyError> {
        todo!()
    }

    /// `a == b`: equal values? (Values of different types are never equal.)
    pub fn eq(&self, a: &str, b: &str) -> Result<bool, PyError> {
        todo!()
    }
}

fn main() {
    // Try it: `cargo run -p memlings-exercises --bin namespace`.
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
