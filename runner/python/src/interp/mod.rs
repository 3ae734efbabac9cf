//! The tree-walking interpreter. It owns names, frames, the value stack
//! and the program's output; every object lives on the heap, passed down
//! as `&mut H`, so the heap can call back into the interpreter (through
//! [`Runtime`]) to run `__del__` in the middle of a decref or a collection.
//!
//! Reference discipline: a function that returns an `ObjId` returns a
//! reference the caller owns (one count); arguments are borrowed unless a
//! doc says "consumes". A value that must survive the evaluation of
//! another expression is pushed on `stack`, as CPython's value stack holds
//! it, so an exception releases it where CPython would.
//!
//! Every change to what a container holds goes through [`containers`],
//! which tells the heap about it (`stored`, `resized`, ...) where CPython's
//! code would.

mod builtins;
mod calls;
mod containers;
mod eval;
mod exec;
mod iter;
mod methods;
pub(crate) mod ops;
mod store;

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::marker::PhantomData;
use std::rc::Rc;

use num_bigint::BigInt;
use num_traits::ToPrimitive;

use crate::ast::{Lit, Name};
use crate::builtin::{Builtin, Kind};
use crate::compile::Program;
use crate::error::{ErrorKind, PyError};
use crate::graph::{Graph, Roots};
use crate::heap::{Collector, GcSettings, Heap, Runtime};
use crate::object::{Dict, ObjId, Object};
use crate::trace::Tracer;
use crate::Options;

pub type R<T> = Result<T, PyError>;

/// CPython 3.11's default recursion limit: frames, the module's included.
const RECURSION_LIMIT: usize = 1000;

/// Names in insertion order, like the dict that holds them in CPython
/// (a deleted name that comes back goes to the end).
#[derive(Debug, Default, Clone)]
pub struct Namespace {
    entries: Vec<(Name, ObjId)>,
    index: HashMap<Name, usize, BuildHasherDefault<NameHasher>>,
}

/// FNV-1a, for the short names a namespace is looked up by at every step
/// (SipHash's resistance to chosen keys is not needed for a program's own
/// names, and costs a third of a lookup). Nothing iterates the index in
/// an order that shows.
#[derive(Debug, Clone, Copy)]
pub struct NameHasher(u64);

impl Default for NameHasher {
    fn default() -> Self {
        NameHasher(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for NameHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

impl Namespace {
    pub fn get(&self, name: &str) -> Option<ObjId> {
        self.index.get(name).map(|&i| self.entries[i].1)
    }

    /// Binds `name`; returns the reference it held before, for the caller
    /// to release after the store (as CPython does).
    pub fn set(&mut self, name: &Name, id: ObjId) -> Option<ObjId> {
        match self.index.get(name) {
            Some(&i) => Some(std::mem::replace(&mut self.entries[i].1, id)),
            None => {
                self.index.insert(name.clone(), self.entries.len());
                self.entries.push((name.clone(), id));
                None
            }
        }
    }

    pub fn remove(&mut self, name: &str) -> Option<ObjId> {
        let i = self.index.remove(name)?;
        let (_, id) = self.entries.remove(i);
        for slot in self.index.values_mut() {
            if *slot > i {
                *slot -= 1;
            }
        }
        Some(id)
    }

    pub fn entries(&self) -> &[(Name, ObjId)] {
        &self.entries
    }

    fn take_all(&mut self) -> Vec<(Name, ObjId)> {
        self.index.clear();
        std::mem::take(&mut self.entries)
    }
}

/// A function call in progress, or a class body being run.
#[derive(Debug)]
pub struct Frame {
    pub code: usize,
    /// Slots in `co_varnames` order.
    pub locals: Vec<Option<ObjId>>,
    /// The class namespace, for a class body.
    pub class_ns: Option<Namespace>,
    /// Where this frame's part of the value stack starts.
    pub stack_base: usize,
    pub line: u32,
}

/// Objects the interpreter creates once and keeps for the whole run, as
/// CPython keeps its static singletons and small-int cache.
#[derive(Debug, Default)]
struct Singletons {
    none: Option<ObjId>,
    true_: Option<ObjId>,
    false_: Option<ObjId>,
    /// -5..=256.
    small_ints: Vec<ObjId>,
    empty_str: Option<ObjId>,
    empty_tuple: Option<ObjId>,
    /// One-character latin-1 strings, made on first use.
    chars: HashMap<char, ObjId>,
}

pub struct Interp<'p, H> {
    program: &'p Program,
    /// The materialized constant table.
    consts: Vec<ObjId>,
    single: Singletons,
    /// Built-in functions and types by their dotted path ("len",
    /// "gc.collect", "int").
    builtins: HashMap<&'static str, ObjId>,
    /// Strings made for names (class namespaces, `__dict__` keys): CPython
    /// interns identifiers, so each name is one object.
    interned: HashMap<Name, ObjId>,
    pub globals: Namespace,
    pub frames: Vec<Frame>,
    pub stack: Vec<ObjId>,
    /// Frames an uncaught exception keeps alive through its traceback,
    /// innermost first.
    tb_frames: Vec<Vec<Option<ObjId>>>,
    /// The current line, for errors raised inside built-ins.
    pub(crate) line: u32,
    steps: u64,
    max_steps: u64,
    /// An error that cannot be ignored (the step limit) raised inside
    /// `__del__`; reported at the next statement.
    pending: Option<PyError>,
    pub stdout: String,
    pub stderr: String,
    pub tracer: Option<Tracer>,
    /// The module's dict while the program's end tears it down.
    teardown_dict: Option<ObjId>,
    /// The internal class of the hidden objects that stand for CPython's
    /// iterators and views.
    iterator_class: Option<ObjId>,
    /// The thread-state dict `Py_ReprEnter` makes on first use.
    repr_state: Option<ObjId>,
    /// The keyword names print()'s parser keeps once it is first used.
    print_keywords: Option<ObjId>,
    /// The weak references `object.__subclasses__()` keeps to each class.
    subclass_refs: Vec<ObjId>,
    /// What the first class statement leaves behind in CPython.
    first_class_object: Option<ObjId>,
    _heap: PhantomData<H>,
}

impl<'p, H: Heap> Interp<'p, H> {
    pub fn new(program: &'p Program, options: &Options) -> Interp<'p, H> {
        Interp {
            program,
            consts: Vec::new(),
            single: Singletons::default(),
            builtins: HashMap::new(),
            interned: HashMap::new(),
            globals: Namespace::default(),
            frames: Vec::new(),
            stack: Vec::new(),
            tb_frames: Vec::new(),
            line: 0,
            steps: 0,
            max_steps: options.max_steps,
            pending: None,
            stdout: String::new(),
            stderr: String::new(),
            tracer: None,
            teardown_dict: None,
            iterator_class: None,
            repr_state: None,
            print_keywords: None,
            subclass_refs: Vec::new(),
            first_class_object: None,
            _heap: PhantomData,
        }
    }

    /// Creates the singletons, the built-ins and the constants, before the
    /// program runs (as CPython has them before it runs a line).
    pub fn setup(&mut self, heap: &mut H) {
        self.single.none = Some(heap.alloc(Object::None, self));
        self.single.true_ = Some(heap.alloc(Object::Bool(true), self));
        self.single.false_ = Some(heap.alloc(Object::Bool(false), self));
        for i in -5..=256 {
            let id = heap.alloc(Object::Int(BigInt::from(i)), self);
            self.single.small_ints.push(id);
        }
        self.single.empty_str = Some(heap.alloc(Object::Str("".into()), self));
        self.single.empty_tuple = Some(heap.alloc(Object::Tuple(Vec::new()), self));
        for &b in Builtin::ALL {
            let object = match b.kind() {
                Kind::Module => Object::Module(b.path()),
                _ => Object::Builtin(b),
            };
            let id = heap.alloc(object, self);
            self.builtins.insert(b.path(), id);
        }
        let namespace = heap.alloc(Object::Dict(Dict::default()), self);
        self.iterator_class = Some(heap.alloc(
            Object::Class(crate::object::Class {
                name: "iterator".into(),
                namespace,
                parts: Vec::new(),
                has_del: false,
            }),
            self,
        ));
        for i in 0..self.program.consts.len() {
            let id = self.materialize(heap, &self.program.consts[i].clone());
            for _ in 0..self.program.const_holders[i] {
                heap.incref(id);
            }
            self.consts.push(id);
        }
    }

    /// One object for a constant (its arena reference).
    fn materialize(&mut self, heap: &mut H, lit: &Lit) -> ObjId {
        match lit {
            Lit::None => self.none(heap),
            Lit::Bool(b) => self.bool_obj(heap, *b),
            Lit::Int(i) => self.new_int(heap, i.clone()),
            Lit::Float(f) => self.alloc(heap, Object::Float(*f)),
            Lit::Str(s) => self.new_str(heap, s.clone()),
            Lit::Tuple(items) if items.is_empty() => self.empty_tuple(heap),
            Lit::Tuple(items) => {
                let mut ids = Vec::new();
                for item in items {
                    let i = self
                        .program
                        .consts
                        .iter()
                        .position(|c| c.same_constant(item))
                        .expect("tuple items are interned before the tuple");
                    let id = self.consts[i];
                    heap.incref(id);
                    ids.push(id);
                }
                self.new_tuple_owning(heap, ids)
            }
        }
    }

    // ---- small helpers every module uses ----

    pub fn alloc(&mut self, heap: &mut H, object: Object) -> ObjId {
        heap.alloc(object, self)
    }

    pub fn decref(&mut self, heap: &mut H, id: ObjId) {
        heap.decref(id, self);
    }

    pub fn decref_all(&mut self, heap: &mut H, ids: impl IntoIterator<Item = ObjId>) {
        for id in ids {
            heap.decref(id, self);
        }
    }

    pub fn none(&self, heap: &mut H) -> ObjId {
        let id = self.single.none.expect("set up");
        heap.incref(id);
        id
    }

    pub fn none_id(&self) -> ObjId {
        self.single.none.expect("set up")
    }

    pub fn bool_obj(&self, heap: &mut H, b: bool) -> ObjId {
        let id = if b {
            self.single.true_
        } else {
            self.single.false_
        }
        .expect("set up");
        heap.incref(id);
        id
    }

    pub fn empty_tuple(&self, heap: &mut H) -> ObjId {
        let id = self.single.empty_tuple.expect("set up");
        heap.incref(id);
        id
    }

    /// An int object: the cached one for -5..=256, a new one otherwise.
    pub fn new_int(&mut self, heap: &mut H, value: BigInt) -> ObjId {
        if let Some(i) = value.to_i64() {
            if (-5..=256).contains(&i) && self.single.small_ints.len() == 262 {
                let id = self.single.small_ints[(i + 5) as usize];
                heap.incref(id);
                return id;
            }
        }
        self.alloc(heap, Object::Int(value))
    }

    pub fn new_float(&mut self, heap: &mut H, value: f64) -> ObjId {
        self.alloc(heap, Object::Float(value))
    }

    /// A str object: '' and one-character latin-1 strings are shared, as
    /// CPython caches them.
    pub fn new_str(&mut self, heap: &mut H, value: Rc<str>) -> ObjId {
        let mut chars = value.chars();
        let id = match (chars.next(), chars.next()) {
            (None, _) => self.single.empty_str.expect("set up"),
            (Some(c), None) if (c as u32) < 256 => match self.single.chars.get(&c) {
                Some(&id) => id,
                None => {
                    // The cache keeps one reference forever.
                    let id = self.alloc(heap, Object::Str(value));
                    self.single.chars.insert(c, id);
                    id
                }
            },
            _ => return self.alloc(heap, Object::Str(value)),
        };
        heap.incref(id);
        id
    }

    /// The one str object for an identifier (a new reference).
    pub fn name_str(&mut self, heap: &mut H, name: &Name) -> ObjId {
        if let Some(&id) = self.interned.get(name) {
            heap.incref(id);
            return id;
        }
        let id = self.new_str(heap, name.clone());
        heap.incref(id);
        self.interned.insert(name.clone(), id);
        id
    }

    pub fn builtin(&self, heap: &mut H, name: &str) -> Option<ObjId> {
        let id = *self.builtins.get(name)?;
        heap.incref(id);
        Some(id)
    }

    pub fn is_none(&self, id: ObjId) -> bool {
        Some(id) == self.single.none
    }

    pub fn err(&self, exception: &str, message: impl Into<String>) -> PyError {
        PyError::raised(self.line, exception, message)
    }

    pub fn unsupported(&self, what: impl Into<String>) -> PyError {
        PyError::unsupported(self.line, what)
    }

    /// Counts a step; stops a runaway program.
    fn step(&mut self, line: u32) -> R<()> {
        self.line = line;
        if let Some(err) = self.pending.clone() {
            return Err(err);
        }
        self.steps += 1;
        if self.steps > self.max_steps {
            let err = PyError {
                path: String::new(),
                line: Some(line),
                kind: ErrorKind::StepLimit {
                    limit: self.max_steps,
                },
            };
            self.pending = Some(err.clone());
            return Err(err);
        }
        Ok(())
    }

    fn depth(&self) -> usize {
        self.frames.len() + 1
    }

    /// Pops and releases the value stack down to `base`, top first, as
    /// CPython unwinds a frame's stack when an exception passes.
    fn unwind_stack(&mut self, heap: &mut H, base: usize) {
        while self.stack.len() > base {
            let id = self.stack.pop().expect("above base");
            self.decref(heap, id);
        }
    }

    /// Releases the frames a traceback held (innermost first, each frame's
    /// locals in slot order), from index `from` on.
    fn release_tb_frames(&mut self, heap: &mut H, from: usize) {
        while self.tb_frames.len() > from {
            let locals = self.tb_frames.remove(from);
            for id in locals.into_iter().flatten() {
                self.decref(heap, id);
            }
        }
    }

    /// Runs the module. On an uncaught exception, the module's stack is
    /// unwound and the frames of its traceback are released, as CPython
    /// does once it has printed the traceback.
    pub fn run_module(&mut self, heap: &mut H) -> R<()> {
        let body = &self.program.codes[0].body;
        let result = self.exec_block(heap, body).map(|_| ());
        if let Err(err) = &result {
            if matches!(err.kind, ErrorKind::Raised { .. }) {
                self.unwind_stack(heap, 0);
                self.release_tb_frames(heap, 0);
            }
        }
        result
    }

    /// What CPython 3.11 does with the objects still alive at exit
    /// (measured on 3.11.7): a collection while the module's names still
    /// hold them, if gc is enabled; then the module's dict, which is in a
    /// cycle with its functions, becomes garbage with everything only it
    /// kept alive, and the final collection finalizes all of it in the
    /// collector's list order.
    pub fn teardown(&mut self, heap: &mut H) -> R<()> {
        if heap.collector().enabled() {
            H::Collector::collect(heap, 2, self);
            self.check_pending()?;
        }
        let names = self.globals.take_all();
        let mut entries = Vec::new();
        for (name, id) in names {
            let key = self.name_str(heap, &name);
            entries.push((key, id));
        }
        let module_dict = self.new_dict_owning(heap, entries);
        // The cycle: the dict refers to itself, as the module dict is
        // reached again through its functions' __globals__.
        let key = self.name_str(heap, &Name::from("__globals__"));
        heap.incref(module_dict);
        containers::dict_add(heap, module_dict, key, module_dict);
        self.teardown_dict = Some(module_dict);
        self.decref(heap, module_dict);
        H::Collector::collect(heap, 2, self);
        self.teardown_dict = None;
        self.check_pending()
    }

    fn check_pending(&mut self) -> R<()> {
        match self.pending.take() {
            Some(err) => Err(err),
            None => Ok(()),
        }
    }

    /// Runs `f`, a Python function, as a finalizer or a callback: an
    /// exception is printed to stderr and ignored, as CPython does.
    fn call_ignoring_errors(&mut self, heap: &mut H, f: ObjId, args: Vec<ObjId>, what: &str) {
        let saved_line = self.line;
        let tb_mark = self.tb_frames.len();
        let stack_mark = self.stack.len();
        match self.call_object(heap, f, args, Vec::new()) {
            Ok(result) => self.decref(heap, result),
            Err(err) => {
                self.unwind_stack(heap, stack_mark);
                match err.kind {
                    ErrorKind::Raised { .. } => {
                        let line = err.exception_line().unwrap_or_default();
                        self.stderr
                            .push_str(&format!("Exception ignored in: {what}\n{line}\n"));
                        self.release_tb_frames(heap, tb_mark);
                    }
                    _ => {
                        if self.pending.is_none() {
                            self.pending = Some(err);
                        }
                    }
                }
            }
        }
        self.line = saved_line;
    }
}

impl<H: Heap> Interp<'_, H> {
    /// What the interpreter holds right now, for a picture.
    pub fn roots(&self, heap: &H) -> Roots {
        let mut roots = Roots::default();
        roots
            .frames
            .push(("globals".to_string(), self.globals.entries().to_vec()));
        for frame in &self.frames {
            let code = &self.program.codes[frame.code];
            match &frame.class_ns {
                Some(ns) => {
                    let names = ns
                        .entries()
                        .iter()
                        .filter(|(n, _)| !(n.starts_with("__") && n.ends_with("__")))
                        .cloned()
                        .collect();
                    roots
                        .frames
                        .push((format!("class {} body", code.name), names));
                }
                None => {
                    let names = code
                        .locals
                        .iter()
                        .zip(&frame.locals)
                        .filter_map(|(n, id)| id.map(|id| (n.clone(), id)))
                        .collect();
                    roots.frames.push((format!("{}()", code.qualname), names));
                }
            }
        }
        // The hidden iterator objects are the interpreter's business.
        for &id in &self.stack {
            let hidden =
                matches!(heap.get(id), Object::Instance(i) if Some(i.class) == self.iterator_class);
            if hidden {
                roots.internal.push(id);
            } else {
                roots.temporaries.push(id);
            }
        }
        roots.internal.extend(self.iterator_class);
        roots.internal.extend(self.repr_state);
        roots.internal.extend(self.print_keywords);
        roots.internal.extend(&self.subclass_refs);
        roots.internal.extend(self.first_class_object);
        roots.internal.extend(&self.consts);
        roots.inline.extend(self.builtins.values());
        roots.internal.extend(self.interned.values());
        roots
            .internal
            .extend(self.tb_frames.iter().flatten().flatten());
        let s = &self.single;
        roots.inline.extend(
            [s.none, s.true_, s.false_, s.empty_str, s.empty_tuple]
                .into_iter()
                .flatten(),
        );
        roots.inline.extend(&s.small_ints);
        roots.inline.extend(s.chars.values());
        roots
    }

    pub fn graph(&mut self, heap: &H) -> Graph {
        let roots = self.roots(heap);
        let mut labels = match self.tracer.as_mut() {
            Some(t) => std::mem::take(&mut t.labels),
            None => crate::graph::Labels::default(),
        };
        let graph = crate::graph::build(heap, &roots, &mut labels);
        if let Some(t) = self.tracer.as_mut() {
            t.labels = labels;
        }
        graph
    }

    fn trace_snapshot(&mut self, heap: &H, line: u32) {
        let graph = self.graph(heap);
        let Some(tracer) = self.tracer.as_mut() else {
            return;
        };
        let place = match self.frames.last() {
            Some(f) => {
                let code = &self.program.codes[f.code];
                if f.class_ns.is_some() {
                    format!(" (class {} body)", code.name)
                } else {
                    format!(" (in {}())", code.qualname)
                }
            }
            None => String::new(),
        };
        let heading = format!("line {line}{place}: {}", tracer.source_line(line));
        tracer.picture(&heading, &graph);
    }

    fn trace_return(&mut self, _heap: &H, name: Name) {
        if let Some(t) = self.tracer.as_mut() {
            t.note(&format!(
                "{name}() returned: its frame and its local names are gone"
            ));
        }
    }
}

impl<H: Heap> Runtime<H> for Interp<'_, H> {
    fn finalize(&mut self, heap: &mut H, obj: ObjId) {
        if self.pending.is_some() {
            return;
        }
        let class = match heap.get(obj) {
            Object::Instance(inst) => inst.class,
            _ => return,
        };
        let Some(del) = self.class_attr(heap, class, "__del__") else {
            return;
        };
        let what = match heap.get(del) {
            Object::Function { code, .. } => {
                format!("<function {}>", self.program.codes[*code].qualname)
            }
            _ => "__del__".to_string(),
        };
        heap.incref(del);
        heap.incref(obj);
        self.call_ignoring_errors(heap, del, vec![obj], &what);
        self.decref(heap, del);
    }

    fn weakref_callback(&mut self, heap: &mut H, callback: ObjId, weakref: ObjId) {
        if self.pending.is_some() {
            return;
        }
        heap.incref(callback);
        heap.incref(weakref);
        self.call_ignoring_errors(heap, callback, vec![weakref], "a weakref callback");
        self.decref(heap, callback);
    }
}
