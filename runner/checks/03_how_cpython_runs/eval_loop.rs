//! Check for `eval_loop`: the heap and the frame on their own, `binary_op`
//! over every pair of types, then step-by-step traces of programs whose
//! instructions are the real `dis` output of CPython 3.11.7 (RESUME left
//! out), and errors: NameError, TypeError, stack underflow, running off the
//! end.
//!
//! The traces print ids and values side by side, so a `LOAD_CONST` that makes
//! a new object, a `LOAD_NAME` that copies one, a `BUILD_LIST` in the wrong
//! order or swapped `BINARY_OP` operands all show up as different lines.
//! `x = []` runs `BUILD_LIST 0` on an empty stack, which must make an empty
//! list, not a stack underflow, and `[x, []]` runs it with `x` below, which
//! it must leave where it is.

use crate::exercise::{
    binary_op, Code, EvalError, Frame, Heap, Instr, Machine, ObjId, Object, Op, Step,
};
use crate::harness::{attempt, show, Case};

pub const CASES: &[Case] = &[
    ("heap_and_frame", heap_and_frame),
    ("binary_ops", binary_ops),
    ("assign_and_add", assign_and_add),
    ("rebinding", rebinding),
    ("lists_hold_references", lists_hold_references),
    ("empty_lists", empty_lists),
    ("run_and_errors", run_and_errors),
];

use Instr::{BinaryOp, BuildList, LoadConst, LoadName, PopTop, ReturnValue, StoreName};

fn int(n: i64) -> Object {
    Object::Int(n)
}

fn text(s: &str) -> Object {
    Object::Str(s.to_string())
}

fn list(ids: &[usize]) -> Object {
    Object::List(ids.iter().map(|&i| ObjId(i)).collect())
}

/// An object as Python would print it, with list items as the ids they hold.
fn repr(object: &Object) -> String {
    match object {
        Object::None => "None".to_string(),
        Object::Int(n) => n.to_string(),
        Object::Str(s) => format!("'{s}'"),
        Object::List(items) => {
            let ids: Vec<String> = items.iter().map(|id| format!("#{}", id.0)).collect();
            format!("[{}]", ids.join(", "))
        }
    }
}

fn op_symbol(op: Op) -> &'static str {
    match op {
        Op::Add => "+",
        Op::Multiply => "*",
    }
}

/// An instruction the way `dis` prints it.
fn dis_line(code: &Code, instr: Instr) -> String {
    match instr {
        LoadConst(i) => format!(
            "LOAD_CONST {i} ({})",
            code.consts.get(i).map_or("?".into(), repr)
        ),
        LoadName(i) => format!("LOAD_NAME {i} ({})", code.names.get(i).unwrap_or(&"?")),
        StoreName(i) => format!("STORE_NAME {i} ({})", code.names.get(i).unwrap_or(&"?")),
        BinaryOp(Op::Add) => "BINARY_OP 0 (+)".to_string(),
        BinaryOp(Op::Multiply) => "BINARY_OP 5 (*)".to_string(),
        BuildList(n) => format!("BUILD_LIST {n}"),
        PopTop => "POP_TOP".to_string(),
        ReturnValue => "RETURN_VALUE".to_string(),
    }
}

/// `#3 42`: an id and the object it refers to.
fn obj(heap: &Heap, id: ObjId) -> String {
    format!("#{} {}", id.0, repr(heap.get(id)))
}

fn names(frame: &Frame) -> String {
    let bound: Vec<String> = frame
        .names
        .iter()
        .map(|(name, id)| format!("{name}=#{}", id.0))
        .collect();
    bound.join(" ")
}

fn stack(m: &Machine) -> String {
    let items: Vec<String> = m.frame.stack.iter().map(|&id| obj(&m.heap, id)).collect();
    format!("[{}]", items.join(", "))
}

fn heap_lines(heap: &Heap) -> String {
    (0..heap.len())
        .map(|i| format!("  {}\n", obj(heap, ObjId(i))))
        .collect()
}

fn heap_and_frame() -> String {
    let mut out = String::new();
    let mut heap = Heap::default();
    out += &format!("alloc(41)        -> {}\n", show(|| heap.alloc(int(41))));
    out += &format!("alloc('hi')      -> {}\n", show(|| heap.alloc(text("hi"))));
    out += &format!(
        "alloc([#0, #0])  -> {}\n",
        show(|| heap.alloc(list(&[0, 0])))
    );
    out += &format!(
        "get(#1)          -> {}\n",
        show(|| heap.get(ObjId(1)).clone())
    );
    out += &format!(
        "get(#2)          -> {}\n",
        show(|| heap.get(ObjId(2)).clone())
    );
    out += &format!("len              -> {}\n", heap.len());

    let mut frame = Frame::default();
    out += &format!("pop on []        -> {}\n", show(|| frame.pop()));
    out += &format!(
        "push #5, push #7 -> {}\n",
        show(|| {
            frame.push(ObjId(5));
            frame.push(ObjId(7));
            frame.stack.clone()
        })
    );
    out += &format!("pop              -> {}\n", show(|| frame.pop()));
    out += &format!("stack now        -> {:?}\n", frame.stack);
    out += &format!("lookup a         -> {}\n", show(|| frame.lookup("a")));
    out += &format!(
        "bind a=#1, b=#2  -> {}\n",
        show(|| {
            frame.bind("a", ObjId(1));
            frame.bind("b", ObjId(2));
            frame.names.clone()
        })
    );
    out += &format!(
        "bind a=#3        -> {}\n",
        show(|| {
            frame.bind("a", ObjId(3));
            frame.names.clone()
        })
    );
    for name in ["a", "b", "c"] {
        out += &format!("lookup {name}         -> {}\n", show(|| frame.lookup(name)));
    }
    out
}

fn binary_ops() -> String {
    use Op::{Add, Multiply};
    let rows = [
        (Add, int(2), int(3)),
        (Add, int(-4), int(10)),
        (Add, text("ab"), text("!")),
        (Add, text(""), text("")),
        (Add, list(&[0, 1]), list(&[2])),
        (Add, list(&[]), list(&[])),
        (Multiply, int(6), int(7)),
        (Multiply, int(-3), int(5)),
        (Multiply, text("ab"), int(3)),
        (Multiply, int(3), text("ab")),
        (Multiply, text("ab"), int(0)),
        (Multiply, text("ab"), int(-1)),
        (Multiply, list(&[0]), int(3)),
        (Multiply, int(2), list(&[0, 1])),
        (Multiply, list(&[0]), int(-2)),
        (Add, int(1), text("a")),
        (Add, text("a"), int(1)),
        (Add, list(&[0]), int(1)),
        (Add, Object::None, int(1)),
        (Multiply, list(&[0]), list(&[0])),
        (Multiply, text("a"), text("b")),
        (Multiply, text("a"), Object::None),
        (Multiply, Object::None, Object::None),
    ];
    rows.iter()
        .map(|(op, left, right)| {
            let expr = format!("{} {} {}", repr(left), op_symbol(*op), repr(right));
            format!("{expr:<16} -> {}\n", show(|| binary_op(*op, left, right)))
        })
        .collect()
}

/// Loads `code`, steps through it printing the frame after every
/// instruction, then shows the heap, and runs a fresh copy with `run`.
fn trace(source: &str, code: Code) -> String {
    let mut out = format!("{source}\n");
    let mut machine = match attempt(|| Machine::new(code.clone())) {
        Ok(m) => m,
        Err(msg) => return out + &format!("Machine::new panicked: {msg}\n"),
    };
    match attempt(|| heap_lines(&machine.heap)) {
        Ok(lines) => out += &format!("heap after Machine::new:\n{lines}"),
        Err(msg) => return out + &format!("heap after Machine::new: panicked: {msg}\n"),
    }
    out += &format!("{:>2}  {:<20} {:<15} stack\n", "pc", "instruction", "names");
    for _ in 0..code.instrs.len() + 1 {
        let pc = machine.frame.pc;
        let shown = code
            .instrs
            .get(pc)
            .map_or("(past the end)".to_string(), |&i| dis_line(&code, i));
        let step = match attempt(|| machine.step()) {
            Ok(step) => step,
            Err(msg) => {
                out += &format!("{pc:>2}  {shown:<20} panicked: {msg}\n");
                break;
            }
        };
        let frame = attempt(|| format!("{:<15} {}", names(&machine.frame), stack(&machine)))
            .unwrap_or_else(|msg| format!("panicked: {msg}"));
        match step {
            Ok(Step::Next) => out += &format!("{pc:>2}  {shown:<20} {frame}\n"),
            Ok(Step::Return(id)) => {
                let value = attempt(|| obj(&machine.heap, id))
                    .unwrap_or_else(|msg| format!("panicked: {msg}"));
                out += &format!("{pc:>2}  {shown:<20} {frame}  returns {value}\n");
                break;
            }
            Err(e) => {
                out += &format!("{pc:>2}  {shown:<20} {e:?}\n");
                break;
            }
        }
    }
    match attempt(|| heap_lines(&machine.heap)) {
        Ok(lines) => out += &format!("heap at the end:\n{lines}"),
        Err(msg) => out += &format!("heap at the end: panicked: {msg}\n"),
    }
    out += &format!(
        "run() on a fresh machine -> {}\n",
        show(|| Machine::new(code).run())
    );
    out
}

fn assign_and_add() -> String {
    trace(
        "a = 41\nx = a + 1",
        Code {
            consts: vec![int(41), int(1), Object::None],
            names: vec!["a", "x"],
            instrs: vec![
                LoadConst(0),
                StoreName(0),
                LoadName(0),
                LoadConst(1),
                BinaryOp(Op::Add),
                StoreName(1),
                LoadConst(2),
                ReturnValue,
            ],
        },
    )
}

fn rebinding() -> String {
    trace(
        "x = 'ab'\ny = x\nx = x + '!'",
        Code {
            consts: vec![text("ab"), text("!"), Object::None],
            names: vec!["x", "y"],
            instrs: vec![
                LoadConst(0),
                StoreName(0),
                LoadName(0),
                StoreName(1),
                LoadName(0),
                LoadConst(1),
                BinaryOp(Op::Add),
                StoreName(0),
                LoadConst(2),
                ReturnValue,
            ],
        },
    )
}

fn lists_hold_references() -> String {
    trace(
        "x = 'hi'\ny = [x, x]\nz = y * 2\ny + z",
        Code {
            consts: vec![text("hi"), int(2), Object::None],
            names: vec!["x", "y", "z"],
            instrs: vec![
                LoadConst(0),
                StoreName(0),
                LoadName(0),
                LoadName(0),
                BuildList(2),
                StoreName(1),
                LoadName(1),
                LoadConst(1),
                BinaryOp(Op::Multiply),
                StoreName(2),
                LoadName(1),
                LoadName(2),
                BinaryOp(Op::Add),
                PopTop,
                LoadConst(2),
                ReturnValue,
            ],
        },
    )
}

/// `BUILD_LIST 0` pops nothing: on an empty stack it is no underflow, and
/// on a stack with `x` on it, it leaves `x` for the next `BUILD_LIST`.
fn empty_lists() -> String {
    trace(
        "x = []\ny = [x, []]",
        Code {
            consts: vec![Object::None],
            names: vec!["x", "y"],
            instrs: vec![
                BuildList(0),
                StoreName(0),
                LoadName(0),
                BuildList(0),
                BuildList(2),
                StoreName(1),
                LoadConst(0),
                ReturnValue,
            ],
        },
    )
}

fn run_and_errors() -> String {
    let programs: Vec<(&str, Code)> = vec![
        (
            "[1, 'a'] * 2   (compiled in eval mode)",
            Code {
                consts: vec![int(1), text("a"), int(2)],
                names: vec![],
                instrs: vec![
                    LoadConst(0),
                    LoadConst(1),
                    BuildList(2),
                    LoadConst(2),
                    BinaryOp(Op::Multiply),
                    ReturnValue,
                ],
            },
        ),
        (
            "s = 'ab'; 3 * s",
            Code {
                consts: vec![text("ab"), int(3), Object::None],
                names: vec!["s"],
                instrs: vec![
                    LoadConst(0),
                    StoreName(0),
                    LoadConst(1),
                    LoadName(0),
                    BinaryOp(Op::Multiply),
                    PopTop,
                    LoadConst(2),
                    ReturnValue,
                ],
            },
        ),
        (
            "x = y",
            Code {
                consts: vec![Object::None],
                names: vec!["y", "x"],
                instrs: vec![LoadName(0), StoreName(1), LoadConst(0), ReturnValue],
            },
        ),
        (
            "x = y; y = 1",
            Code {
                consts: vec![int(1), Object::None],
                names: vec!["y", "x"],
                instrs: vec![
                    LoadName(0),
                    StoreName(1),
                    LoadConst(0),
                    StoreName(0),
                    LoadConst(1),
                    ReturnValue,
                ],
            },
        ),
        (
            "x = 1; x + 'a'",
            Code {
                consts: vec![int(1), text("a"), Object::None],
                names: vec!["x"],
                instrs: vec![
                    LoadConst(0),
                    StoreName(0),
                    LoadName(0),
                    LoadConst(1),
                    BinaryOp(Op::Add),
                    PopTop,
                    LoadConst(2),
                    ReturnValue,
                ],
            },
        ),
        (
            "a = [1]; a * a",
            Code {
                consts: vec![int(1), Object::None],
                names: vec!["a"],
                instrs: vec![
                    LoadConst(0),
                    BuildList(1),
                    StoreName(0),
                    LoadName(0),
                    LoadName(0),
                    BinaryOp(Op::Multiply),
                    PopTop,
                    LoadConst(1),
                    ReturnValue,
                ],
            },
        ),
        (
            "(hand-made) LOAD_CONST 0, BINARY_OP +, RETURN_VALUE",
            Code {
                consts: vec![int(1)],
                names: vec![],
                instrs: vec![LoadConst(0), BinaryOp(Op::Add), ReturnValue],
            },
        ),
        (
            "(hand-made) LOAD_CONST 0 twice, BUILD_LIST 3, RETURN_VALUE",
            Code {
                consts: vec![int(1)],
                names: vec![],
                instrs: vec![LoadConst(0), LoadConst(0), BuildList(3), ReturnValue],
            },
        ),
        (
            "(hand-made) RETURN_VALUE on an empty stack",
            Code {
                consts: vec![],
                names: vec![],
                instrs: vec![ReturnValue],
            },
        ),
        (
            "(hand-made) LOAD_CONST 0, STORE_NAME 0, and no RETURN_VALUE",
            Code {
                consts: vec![int(1)],
                names: vec!["x"],
                instrs: vec![LoadConst(0), StoreName(0)],
            },
        ),
    ];
    let mut out = String::new();
    for (source, code) in programs {
        out += &format!("{source}\n");
        let outcome = attempt(|| {
            let mut machine = Machine::new(code);
            match machine.run() {
                Ok(id) => {
                    let last = ObjId(machine.heap.len() - 1);
                    format!(
                        "  run() -> Ok({}), last object made: {}",
                        obj(&machine.heap, id),
                        obj(&machine.heap, last)
                    )
                }
                Err(e) => format!("  run() -> {:?}", Err::<ObjId, EvalError>(e)),
            }
        });
        out += &outcome.unwrap_or_else(|msg| format!("  panicked: {msg}"));
        out += "\n";
    }
    out
}
