//! The `gc` module's functions: collection, counts and thresholds,
//! enabling, freezing and tracking, each handed to the heap.

use num_bigint::BigInt;
use num_traits::{Signed, ToPrimitive};

use crate::builtin::Builtin;
use crate::heap::{Collector, GcSettings, Heap};
use crate::object::ObjId;

use super::super::{Interp, R};

impl<H: Heap> Interp<'_, H> {
    pub(super) fn gc_function(&mut self, heap: &mut H, b: Builtin, args: &[ObjId]) -> R<ObjId> {
        let name = b.path();
        match b {
            Builtin::GcCollect => {
                if args.len() > 1 {
                    return Err(self.err(
                        "TypeError",
                        format!("collect() takes at most 1 argument ({} given)", args.len()),
                    ));
                }
                let generation = match args.first() {
                    Some(&g) => self.int_arg(heap, g, "")?,
                    None => BigInt::from(2),
                };
                let generation = match generation.to_i64() {
                    Some(g @ 0..=2) => g as usize,
                    _ => return Err(self.err("ValueError", "invalid generation")),
                };
                let n = H::Collector::collect(heap, generation, self);
                Ok(self.new_int(heap, BigInt::from(n)))
            }
            Builtin::GcGetCount | Builtin::GcGetThreshold => {
                self.arity(name, args, 0, 0)?;
                let v = if b == Builtin::GcGetCount {
                    heap.collector().count()
                } else {
                    heap.collector().threshold()
                };
                let items: Vec<ObjId> = v
                    .iter()
                    .map(|&n| self.new_int(heap, BigInt::from(n)))
                    .collect();
                Ok(self.new_tuple_owning(heap, items))
            }
            Builtin::GcSetThreshold => {
                if args.is_empty() || args.len() > 3 {
                    let n = args.len();
                    return Err(self.err(
                        "TypeError",
                        if n == 0 {
                            "set_threshold() takes at least 1 argument (0 given)".to_string()
                        } else {
                            format!("set_threshold() takes at most 3 arguments ({n} given)")
                        },
                    ));
                }
                let mut t = heap.collector().threshold();
                for (i, &a) in args.iter().enumerate() {
                    let v = self.int_arg(heap, a, "")?;
                    t[i] = v
                        .to_usize()
                        .unwrap_or(if v.is_negative() { 0 } else { usize::MAX });
                }
                heap.collector_mut().set_threshold(t);
                Ok(self.none(heap))
            }
            Builtin::GcDisable | Builtin::GcEnable => {
                self.arity(name, args, 0, 0)?;
                heap.collector_mut().set_enabled(b == Builtin::GcEnable);
                Ok(self.none(heap))
            }
            Builtin::GcIsenabled => {
                self.arity(name, args, 0, 0)?;
                let on = heap.collector().enabled();
                Ok(self.bool_obj(heap, on))
            }
            Builtin::GcFreeze => {
                self.arity(name, args, 0, 0)?;
                heap.collector_mut().freeze();
                Ok(self.none(heap))
            }
            Builtin::GcIsTracked => {
                self.arity("gc.is_tracked", args, 1, 1)?;
                let t = heap.collector().is_tracked(heap, args[0]);
                Ok(self.bool_obj(heap, t))
            }
            _ => Err(self.unsupported(format!("the function {name}()"))),
        }
    }
}
