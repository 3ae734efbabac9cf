//! # Exercise `scopes`: frames, locals and globals
//!
//! Book: book/src/names/scopes-and-frames.md, section "Your turn: frames
//! and scopes".
//!
//! Every call of a Python function gets a fresh frame with its own
//! namespace, the locals; the module has its namespace too, the globals.
//! All of them point into one shared heap of objects. A name is looked up
//! among the running function's locals first, then among the globals, and
//! nowhere else: the caller's locals are out of sight. When the function
//! returns, its frame goes and every local lets go of its object; an object
//! that something else still refers to (the value being returned, say)
//! lives on.
//!
//! The object table (`Objects`) is given: it is the one you wrote in
//! `namespace`. Fill in the `todo!()`s of `Machine`, from the top down:
//!
//! 1. `lookup`: the top frame's locals, then the globals.
//! 2. `scope_mut`, `store`, `assign`, `alias`: assignments bind in the
//!    current scope, the top frame's locals or, at module level, the
//!    globals. `store` moves a reference you own into a name.
//! 3. `call`: look the arguments up in the caller's scope, then push a
//!    frame whose parameters refer to them. If a lookup fails, nothing
//!    changes.
//! 4. `ret` and `discard`: `ret` hands the caller an `Owned` reference to
//!    the result; the caller `store`s it or `discard`s it.
//!
//! ```
//! // x = 'data'; def f(a): return a; y = f(x)
//! let mut m = Machine::new();                      // #0 None
//! m.assign("x", Value::Str("data".to_string()));   // #1 'data', refcount 1
//! m.call("f", &[("a", "x")])?;                     // #1 refcount 2: x and a
//! let result = m.ret(Some("a"))?;                  // a is gone; result holds #1
//! m.store("y", result);                            // #1 refcount 2: x and y
//! ```
//!
//! Run `memlings` and save this file: the check traces calls and prints the
//! frames, the globals and the objects after every step.

use std::fmt;

/// An object's identity: its slot in the object table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjId(pub usize);

/// The value inside an object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    None,
    Int(i64),
    Str(String),
}

/// One entry of the object table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Object {
    pub value: Value,
    pub refcount: usize,
}

/// What Python would raise.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PyError {
    /// `NameError: name 'x' is not defined`.
    NameError(String),
    /// `SyntaxError: 'return' outside function`.
    ReturnOutsideFunction,
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::None => write!(f, "None"),
            Value::Int(n) => write!(f, "{n}"),
            Value::Str(s) => write!(f, "'{s}'"),
        }
    }
}

impl fmt::Display for PyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PyError::NameError(name) => write!(f, "NameError: name '{name}' is not defined"),
            PyError::ReturnOutsideFunction => write!(f, "SyntaxError: 'return' outside function"),
        }
    }
}

/// The object table you built in `namespace`: a new object takes the most
/// recently freed id, and the last reference frees it.
#[derive(Debug, Default)]
pub struct Objects {
    pub slots: Vec<Option<Object>>,
    pub free: Vec<ObjId>,
}

impl Objects {
    /// A new object with one reference: the caller's.
    pub fn alloc(&mut self, value: Value) -> ObjId {
        let object = Some(Object { value, refcount: 1 });
        match self.free.pop() {
            Some(id) => {
                self.slots[id.0] = object;
                id
            }
            None => {
                self.slots.push(object);
                ObjId(self.slots.len() - 1)
            }
        }
    }

    pub fn get(&self, id: ObjId) -> Option<&Object> {
        self.slots.get(id.0).and_then(Option::as_ref)
    }

    pub fn incref(&mut self, id: ObjId) {
        if let Some(object) = self.slots[id.0].as_mut() {
            object.refcount += 1;
        }
    }

    pub fn decref(&mut self, id: ObjId) {
        let Some(object) = self.slots[id.0].as_mut() else {
            return;
        };
        object.refcount -= 1;
        if object.refcount == 0 {
            self.slots[id.0] = None;
            self.free.push(id);
        }
    }
}

/// One running call of a function: which function, and its local names in
/// the order they were bound (parameters first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    pub function: &'static str,
    pub locals: Vec<(String, ObjId)>,
}

/// A reference its holder owns and must pass on: into a name with
/// [`Machine::store`], or back with [`Machine::discard`]. It is neither
/// `Copy` nor `Clone`, so Rust lets you hand it on only once.
#[must_use = "a returned reference must be stored or discarded"]
#[derive(Debug, PartialEq, Eq)]
pub struct Owned(pub ObjId);

/// The module's globals, a stack of frames, and the objects they all share.
#[derive(Debug)]
pub struct Machine {
    pub objects: Objects,
    pub globals: Vec<(String, ObjId)>,
    /// The call stack: the running function's frame is the last one. Empty
    /// while the module's own code runs.
    pub frames: Vec<Frame>,
    /// The one `None` object, made at startup; the machine holds a reference.
    pub none: ObjId,
}

impl Default for Machine {
    fn default() -> Self {
        Machine::new()
    }
}

impl Machine {
    pub fn new() -> Machine {
        let mut objects = Objects::default();
        let none = objects.alloc(Value::None);
        Machine {
            objects,
            globals: Vec::new(),
            frames: Vec::new(),
            none,
        }
    }

    /// The object `name` refers to: a local of the running function if it
    /// has one by that name, else a global. The callers' locals are never
    /// searched.
    pub fn lookup(&self, name: &str) -> Result<ObjId, PyError> {
        todo!()
    }

    /// Where an assignment binds: the running function's locals, or the
    /// globals at module level.
    fn scope_mut(&mut self) -> &mut Vec<(String, ObjId)> {
        todo!()
    }

    /// Binds `name` in the current scope to the object `value` refers to,
    /// moving that reference into the name, and releases the reference the
    /// name held before.
    pub fn store(&mut self, name: &str, value: Owned) {
        todo!()
    }

    /// `name = <literal>` in the current scope: always a new object.
    pub fn assign(&mut self, name: &str, value: Value) {
        todo!()
    }

    /// `target = source` in the current scope.
    pub fn alias(&mut self, target: &str, source: &str) -> Result<(), PyError> {
        todo!()
    }

    /// `function(param=arg, ...)`: each `arg` is a name, looked up in the
    /// caller's scope. A new frame goes on the stack with each parameter
    /// bound to its argument's object.
    pub fn call(&mut self, function: &'static str, args: &[(&str, &str)]) -> Result<(), PyError> {
        todo!()
    }

    /// `return name` (or a bare `return`, which returns `None`): takes a
    /// reference to the result, pops the frame, releases its locals in the
    /// order they were bound, and hands the reference to the caller.
    pub fn ret(&mut self, value: Option<&str>) -> Result<Owned, PyError> {
        todo!()
    }

    /// Lets go of a reference nobody stores: the result of a call made for
    /// its effect, as in `f(x)` on a line of its own.
    pub fn discard(&mut self, value: Owned) {
        todo!()
    }
}

fn main() {
    // Try it: `cargo run -p memlings-exercises --bin scopes`.
    let mut m = Machine::new();
    m.assign("x", Value::Str("data".to_string()));
    let steps = m
        .call("f", &[("a", "x")])
        .and_then(|()| m.ret(Some("a")))
        .map(|result| m.store("y", result));
    println!("{steps:?}: globals {:?}", m.globals);
}
