//! Statements: control flow, loops, `def`, `class`, `import`.

use crate::ast::{CodeKind, Expr, ExprKind, Stmt, StmtKind, Target};
use crate::heap::Heap;
use crate::object::{Class, Dict, ObjId, Object};

use super::containers;
use super::{Frame, Interp, Namespace, R};

fn ns_has_doc<H: Heap>(heap: &H, namespace: ObjId) -> bool {
    match heap.get(namespace) {
        Object::Dict(d) => d
            .entries
            .iter()
            .any(|&(k, _)| matches!(heap.get(k), Object::Str(s) if &**s == "__doc__")),
        _ => false,
    }
}

/// How a block ended.
pub enum Flow {
    Next,
    Break,
    Continue,
    /// `return`, with the value (owned).
    Return(ObjId),
}

/// Special methods a class may define; any other dunder method would need
/// behavior the subset does not have.
const ALLOWED_DUNDERS: &[&str] = &[
    "__init__",
    "__del__",
    "__module__",
    "__qualname__",
    "__doc__",
];

impl<H: Heap> Interp<'_, H> {
    pub(super) fn exec_block(&mut self, heap: &mut H, body: &[Stmt]) -> R<Flow> {
        for stmt in body {
            match self.exec(heap, stmt)? {
                Flow::Next => {}
                other => return Ok(other),
            }
        }
        Ok(Flow::Next)
    }

    fn exec(&mut self, heap: &mut H, stmt: &Stmt) -> R<Flow> {
        self.step(stmt.line)?;
        if let Some(frame) = self.frames.last_mut() {
            frame.line = stmt.line;
        }
        let flow = self.exec_kind(heap, stmt)?;
        let simple = !matches!(
            stmt.kind,
            StmtKind::If { .. } | StmtKind::For { .. } | StmtKind::Return(_)
        );
        // A class body's statements are the class's plumbing: the picture
        // comes after the class statement.
        let in_class_body = self.frames.last().is_some_and(|f| f.class_ns.is_some());
        if simple && !in_class_body && self.tracer.is_some() {
            self.trace_snapshot(heap, stmt.line);
        }
        Ok(flow)
    }

    fn exec_kind(&mut self, heap: &mut H, stmt: &Stmt) -> R<Flow> {
        match &stmt.kind {
            StmtKind::Expr(e) => {
                let v = self.eval(heap, e)?;
                self.decref(heap, v);
            }
            StmtKind::Assign { targets, value } => self.assign(heap, targets, value)?,
            StmtKind::AugAssign { target, op, value } => {
                self.aug_assign(heap, target, *op, value)?
            }
            StmtKind::Del(targets) => {
                for t in targets {
                    self.delete(heap, t)?;
                }
            }
            StmtKind::Pass | StmtKind::Global(_) => {}
            StmtKind::Break => return Ok(Flow::Break),
            StmtKind::Continue => return Ok(Flow::Continue),
            StmtKind::If { test, body, orelse } => {
                let v = self.eval(heap, test)?;
                let truth = self.truthy(heap, v);
                self.decref(heap, v);
                return if truth? {
                    self.exec_block(heap, body)
                } else {
                    self.exec_block(heap, orelse)
                };
            }
            StmtKind::For { target, iter, body } => {
                return self.for_loop(heap, stmt.line, target, iter, body)
            }
            StmtKind::Def { name, code } => {
                let f = self.alloc(
                    heap,
                    Object::Function {
                        name: self.program.codes[*code].name.clone(),
                        code: *code,
                    },
                );
                self.store_name(heap, name, f)?;
            }
            StmtKind::Class { name, code } => {
                // While the body runs, CPython holds the body's function
                // object and the namespace dict __prepare__ made; both go
                // once the class exists (GC objects `gc.get_count()` sees).
                if self.first_class_object.is_none() {
                    // Measured on 3.11.7: the first class statement of a run
                    // leaves one more lasting GC object than later ones.
                    let lasting = self.shadow(heap, Vec::new());
                    self.first_class_object = Some(lasting);
                }
                let body_function = self.alloc(
                    heap,
                    Object::Function {
                        name: name.name.clone(),
                        code: *code,
                    },
                );
                self.stack.push(body_function);
                let prepared = self.alloc(heap, Object::Dict(Dict::default()));
                self.stack.push(prepared);
                let class = self.make_class(heap, *code, prepared)?;
                let held = self.stack.split_off(self.stack.len() - 2);
                self.decref_all(heap, held.into_iter().rev());
                self.store_name(heap, name, class)?;
            }
            StmtKind::Return(value) => {
                let v = match value {
                    Some(e) => self.eval(heap, e)?,
                    None => self.none(heap),
                };
                return Ok(Flow::Return(v));
            }
            StmtKind::Import(names) => {
                for n in names {
                    let module = self
                        .builtin(heap, &n.name)
                        .expect("the parser allows only known modules");
                    self.store_name(heap, n, module)?;
                }
            }
            StmtKind::Assert { test, msg } => {
                let v = self.eval(heap, test)?;
                let truth = self.truthy(heap, v);
                self.decref(heap, v);
                if !truth? {
                    let text = match msg {
                        Some(m) => {
                            let m = self.eval(heap, m)?;
                            let s = crate::repr::str_of(heap, m);
                            self.decref(heap, m);
                            s
                        }
                        None => String::new(),
                    };
                    return Err(self.err("AssertionError", text));
                }
            }
        }
        Ok(Flow::Next)
    }

    fn assign(&mut self, heap: &mut H, targets: &[Target], value: &Expr) -> R<()> {
        // `a, b = x, y` is compiled without a tuple in 3.11: values are
        // evaluated, then stored left to right.
        if let ([Target::Unpack(names)], ExprKind::Tuple(items)) = (targets, &value.kind) {
            if names.len() == items.len() {
                let base = self.stack.len();
                for item in items {
                    let v = self.eval(heap, item)?;
                    self.stack.push(v);
                }
                // First value on top; the ones not stored yet stay on the
                // stack, where an exception would release them.
                self.stack[base..].reverse();
                for t in names {
                    let v = self.stack.pop().expect("pushed above");
                    self.store(heap, t, v)?;
                }
                return Ok(());
            }
        }
        let v = self.eval(heap, value)?;
        let (last, others) = targets.split_last().expect("at least one target");
        self.stack.push(v);
        for t in others {
            heap.incref(v);
            self.store(heap, t, v)?;
        }
        self.stack.pop();
        self.store(heap, last, v)
    }

    fn for_loop(
        &mut self,
        heap: &mut H,
        line: u32,
        target: &Target,
        iter: &Expr,
        body: &[Stmt],
    ) -> R<Flow> {
        // The iterator keeps what it iterates alive: those references wait
        // on the stack until the loop ends.
        let base = self.stack.len();
        let mut it = self.loop_iterator(heap, iter)?;
        let held = self.stack.len() - base;
        let result = loop {
            // Errors of the iteration itself are reported on the `for` line.
            self.line = line;
            let item = match self.next_item(heap, &mut it) {
                Ok(Some(item)) => item,
                Ok(None) => break Ok(Flow::Next),
                Err(e) => break Err(e),
            };
            if let Err(e) = self.store(heap, target, item) {
                break Err(e);
            }
            match self.exec_block(heap, body) {
                Ok(Flow::Next) | Ok(Flow::Continue) => {}
                Ok(Flow::Break) => break Ok(Flow::Next),
                Ok(ret @ Flow::Return(_)) => break Ok(ret),
                Err(e) => break Err(e),
            }
        };
        if result.is_ok() {
            let released = self.stack.split_off(self.stack.len() - held);
            self.decref_all(heap, released);
        }
        result
    }

    /// Runs a class body and builds the class, as `__build_class__` and
    /// `type.__new__` do.
    fn make_class(&mut self, heap: &mut H, code: usize, prepared: ObjId) -> R<ObjId> {
        let program = self.program;
        let class_code = &program.codes[code];
        debug_assert_eq!(class_code.kind, CodeKind::ClassBody);
        if self.depth() >= super::RECURSION_LIMIT {
            return Err(self.err("RecursionError", "maximum recursion depth exceeded"));
        }
        let mut ns = Namespace::default();
        let module_name = self.name_str(heap, &"__main__".into());
        ns.set(&"__module__".into(), module_name);
        self.frames.push(Frame {
            code,
            locals: Vec::new(),
            class_ns: Some(ns),
            stack_base: self.stack.len(),
            line: class_code.line,
        });
        let result = self.exec_block(heap, &class_code.body);
        let frame = self.frames.pop().expect("pushed above");
        let mut ns = frame.class_ns.expect("a class frame");
        if let Err(e) = result {
            self.unwind_stack(heap, frame.stack_base);
            let ids: Vec<ObjId> = ns.take_all().into_iter().map(|(_, id)| id).collect();
            self.tb_frames.push(ids.into_iter().map(Some).collect());
            return Err(e);
        }
        for (name, _) in ns.entries() {
            if name.starts_with("__") && name.ends_with("__") && !ALLOWED_DUNDERS.contains(&&**name)
            {
                let what = if &**name == "__slots__" {
                    "the special attribute __slots__".to_string()
                } else {
                    format!("the special method {name}")
                };
                let line = class_code.line;
                for (_, id) in ns.take_all() {
                    self.decref(heap, id);
                }
                return Err(crate::error::PyError::unsupported(line, what));
            }
        }
        let has_del = ns
            .get("__del__")
            .is_some_and(|f| matches!(heap.get(f), Object::Function { .. }));
        let mut entries = Vec::new();
        for (name, id) in ns.take_all() {
            if &*name == "__qualname__" {
                self.decref(heap, id);
                continue;
            }
            let key = self.name_str(heap, &name);
            entries.push((key, id));
        }
        // type(name, bases, ns) is called through an argument tuple.
        let class_name = self.name_str(heap, &class_code.name);
        let bases = self.empty_tuple(heap);
        heap.incref(prepared);
        let args_tuple = self.new_tuple_owning(heap, vec![class_name, bases, prepared]);
        self.stack.push(args_tuple);
        let namespace = self.new_dict_owning(heap, entries);
        let class = self.alloc(
            heap,
            Object::Class(Class {
                name: class_code.name.clone(),
                namespace,
                parts: Vec::new(),
                has_del,
            }),
        );
        // What type.__new__ adds, as stand-ins that refer to what CPython's
        // do: the `__dict__` and `__weakref__` descriptors (in the type's
        // dict, each referring back to the class, so a class is always in a
        // cycle), `__doc__`, the mro `(C, object)` and the bases `(object,)`
        // (None stands in for the untracked static type `object`).
        for slot in ["__dict__", "__weakref__"] {
            heap.incref(class);
            let descriptor = self.new_tuple_owning(heap, vec![class]);
            let key = self.name_str(heap, &slot.into());
            self.dict_set(heap, namespace, key, descriptor)?;
        }
        if ns_has_doc(heap, namespace) {
            // The body set __doc__ itself.
        } else {
            let key = self.name_str(heap, &"__doc__".into());
            let none = self.none(heap);
            self.dict_set(heap, namespace, key, none)?;
        }
        heap.incref(class);
        let mro = self.new_tuple_owning(heap, vec![class]);
        let none = self.none(heap);
        let bases = self.new_tuple_owning(heap, vec![none]);
        containers::class_set_parts(heap, class, vec![mro, bases]);
        // `object.__subclasses__()` keeps a weak reference to every class.
        let subclass_ref = self.alloc(
            heap,
            Object::WeakRef(crate::object::WeakRef {
                target: Some(class),
                callback: None,
            }),
        );
        self.subclass_refs.push(subclass_ref);
        let args_tuple = self.stack.pop().expect("pushed above");
        self.decref(heap, args_tuple);
        Ok(class)
    }
}
