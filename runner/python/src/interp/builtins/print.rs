//! `print()` and the str() and repr() conversions it writes with,
//! including the hidden GC allocations CPython makes on the way.

use crate::ast::Name;
use crate::heap::Heap;
use crate::object::{Dict, ObjId, Object};
use crate::repr;

use super::super::{Interp, R};

impl<H: Heap> Interp<'_, H> {
    /// `print(*args, sep=' ', end='\n')`.
    pub(super) fn print(
        &mut self,
        heap: &mut H,
        args: &[ObjId],
        kwargs: &[(Name, ObjId)],
    ) -> R<ObjId> {
        if self.print_keywords.is_none() {
            // Measured on 3.11.7: the first print() call makes one lasting
            // GC object (its argument parser's tuple of keyword names),
            // with or without keywords.
            let names: Vec<ObjId> = ["sep", "end", "file", "flush"]
                .iter()
                .map(|n| self.name_str(heap, &(*n).into()))
                .collect();
            let t = self.new_tuple_owning(heap, names);
            self.print_keywords = Some(t);
        }
        let mut sep = " ".to_string();
        let mut end = "\n".to_string();
        for (k, v) in kwargs {
            let slot = match &**k {
                "sep" => &mut sep,
                "end" => &mut end,
                "flush" => continue,
                "file" => return Err(self.unsupported("print(file=...)")),
                other => {
                    return Err(self.err(
                        "TypeError",
                        format!("'{other}' is an invalid keyword argument for print()"),
                    ))
                }
            };
            match heap.get(*v) {
                Object::Str(s) => *slot = s.to_string(),
                Object::None => {}
                other => {
                    let tname = self.type_name_of(heap, other);
                    return Err(self.err(
                        "TypeError",
                        format!("{k} must be None or a string, not {tname}"),
                    ));
                }
            }
        }
        // One write per piece, as print() does: what was written before an
        // error stays written.
        for (i, &a) in args.iter().enumerate() {
            if i > 0 {
                self.print_piece(heap, Err(&sep))?;
            }
            self.print_piece(heap, Ok(a))?;
        }
        self.print_piece(heap, Err(&end))?;
        Ok(self.none(heap))
    }

    /// One `PyFile_WriteObject(piece, sys.stdout, Py_PRINT_RAW)` of print():
    /// the object `Ok(id)` (converted with str()) or the text `Err(s)` of
    /// `sep`/`end`. Measured on 3.11.7: it looks up `sys.stdout.write`
    /// with `PyObject_GetAttr`, which makes a bound method (a GC object on
    /// no free list) before the str() and frees it after the write. So each
    /// piece counts +1 in `gc.get_count()` (which can start a collection)
    /// then -1, and a loop that prints collects one allocation earlier.
    fn print_piece(&mut self, heap: &mut H, piece: Result<ObjId, &str>) -> R<()> {
        let writer = self.shadow(heap, Vec::new());
        self.stack.push(writer);
        let text = match piece {
            Ok(a) => self.str_checked(heap, a),
            Err(s) => Ok(s.to_string()),
        };
        if let Ok(text) = &text {
            self.stdout_write(text);
        }
        let writer = self.stack.pop().expect("pushed above");
        self.decref(heap, writer);
        text.map(|_| ())
    }

    /// `sys.stdout.write(text)`.
    fn stdout_write(&mut self, text: &str) {
        self.stdout.push_str(text);
        if let Some(t) = self.tracer.as_mut() {
            t.printed(text);
        }
    }

    /// The first repr of a container in a CPython process makes the
    /// thread-state dict and the list `Py_ReprEnter` keeps there (two GC
    /// allocations `gc.get_count()` sees); later ones reuse them.
    fn repr_enter(&mut self, heap: &mut H, id: ObjId) {
        let enters = match heap.get(id) {
            Object::Dict(_) => true,
            Object::List(l) => !l.items.is_empty(),
            Object::Tuple(t) => !t.is_empty(),
            _ => false,
        };
        if !enters || self.repr_state.is_some() {
            return;
        }
        let dict = self.alloc(heap, Object::Dict(Dict::default()));
        let list = self.new_list_owning(heap, Vec::new());
        let key = self.name_str(heap, &"Py_Repr".into());
        self.repr_state = Some(dict);
        // A str key into a fresh dict: this cannot fail.
        self.dict_set(heap, dict, key, list)
            .expect("a str key is hashable");
    }

    /// `repr(x)`, with CPython's limit on converting huge ints.
    pub(in crate::interp) fn repr_checked(&mut self, heap: &mut H, id: ObjId) -> R<String> {
        self.repr_enter(heap, id);
        if repr::exceeds_int_digits(heap, id) {
            return Err(self.err(
                "ValueError",
                "Exceeds the limit (4300 digits) for integer string conversion; use sys.set_int_max_str_digits() to increase the limit",
            ));
        }
        Ok(repr::repr(heap, id))
    }

    /// `str(x)`, with CPython's limit on converting huge ints.
    pub(in crate::interp) fn str_checked(&mut self, heap: &mut H, id: ObjId) -> R<String> {
        self.repr_enter(heap, id);
        if repr::exceeds_int_digits(heap, id) {
            return Err(self.err(
                "ValueError",
                "Exceeds the limit (4300 digits) for integer string conversion; use sys.set_int_max_str_digits() to increase the limit",
            ));
        }
        Ok(repr::str_of(heap, id))
    }
}
