//! # Exercise `eval_loop`: a tiny evaluation loop (solution)
//!
//! Book: book/src/foundations/how-cpython-runs.md

// ANCHOR: instr
/// The two operators of `BINARY_OP` we model. CPython 3.11's `dis` shows them
/// as `BINARY_OP 0 (+)` and `BINARY_OP 5 (*)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Add,
    Multiply,
}

/// One bytecode instruction, named after the CPython 3.11 opcode it models.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Instr {
    /// `LOAD_CONST i`: push a reference to the constant `consts[i]`.
    LoadConst(usize),
    /// `LOAD_NAME i`: push the object that the name `names[i]` is bound to.
    LoadName(usize),
    /// `STORE_NAME i`: pop a reference and bind the name `names[i]` to it.
    StoreName(usize),
    /// `BINARY_OP`: pop the right operand, then the left, push `left op right`.
    BinaryOp(Op),
    /// `BUILD_LIST n`: pop `n` references, push a new list holding them.
    BuildList(usize),
    /// `POP_TOP`: pop a reference and forget it.
    PopTop,
    /// `RETURN_VALUE`: pop a reference and return it.
    ReturnValue,
}
// ANCHOR_END: instr

// ANCHOR: objects
/// Where an object lives: its index in the heap. The stack, the names and
/// lists hold these, never objects.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjId(pub usize);

/// A Python object, as it sits on the heap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Object {
    None,
    Int(i64),
    Str(String),
    /// A list holds references to other objects, not copies of them.
    List(Vec<ObjId>),
}

impl Object {
    /// The name Python gives this object's type.
    pub fn type_name(&self) -> &'static str {
        match self {
            Object::None => "NoneType",
            Object::Int(_) => "int",
            Object::Str(_) => "str",
            Object::List(_) => "list",
        }
    }
}

/// Every object of a run lives here, in the order it was made.
/// Nothing is ever freed: that comes with reference counting, in Part III.
#[derive(Debug, Default)]
pub struct Heap {
    objects: Vec<Object>,
}
// ANCHOR_END: objects

impl Heap {
    /// Puts `object` on the heap and returns where it is.
    pub fn alloc(&mut self, object: Object) -> ObjId {
        self.objects.push(object);
        ObjId(self.objects.len() - 1)
    }

    /// The object at `id`.
    pub fn get(&self, id: ObjId) -> &Object {
        &self.objects[id.0]
    }

    /// How many objects have been made.
    pub fn len(&self) -> usize {
        self.objects.len()
    }

    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }
}

// ANCHOR: code
/// A code object: what the compiler hands to the interpreter.
#[derive(Debug, Clone)]
pub struct Code {
    /// `co_consts`: the constants the instructions refer to by index.
    pub consts: Vec<Object>,
    /// `co_names`: the names the instructions refer to by index.
    pub names: Vec<&'static str>,
    /// The instructions, in order (`co_code`, decoded).
    pub instrs: Vec<Instr>,
}

/// What can go wrong while running.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EvalError {
    /// `LOAD_NAME` of a name that is not bound.
    NameError(&'static str),
    /// `BINARY_OP` on types it does not support.
    TypeError {
        op: Op,
        left: &'static str,
        right: &'static str,
    },
    /// An instruction wanted more references than the stack holds.
    StackUnderflow,
    /// The instructions ran out before a `RETURN_VALUE`.
    EndOfCode,
}

/// One frame: where we are in the code, the value stack, and the names.
#[derive(Debug, Default)]
pub struct Frame {
    /// The index of the next instruction to run.
    pub pc: usize,
    /// The value stack: references, the top is the last element.
    pub stack: Vec<ObjId>,
    /// The names bound so far, each to an object, in the order they were
    /// first bound (like a Python dict).
    pub names: Vec<(&'static str, ObjId)>,
}
// ANCHOR_END: code

// ANCHOR: frame
impl Frame {
    /// Pushes a reference on the value stack.
    pub fn push(&mut self, id: ObjId) {
        self.stack.push(id);
    }

    /// Pops the top reference, or fails if the stack is empty.
    pub fn pop(&mut self) -> Result<ObjId, EvalError> {
        self.stack.pop().ok_or(EvalError::StackUnderflow)
    }

    /// The object `name` is bound to, if any.
    pub fn lookup(&self, name: &str) -> Option<ObjId> {
        self.names
            .iter()
            .find(|(bound, _)| *bound == name)
            .map(|&(_, id)| id)
    }

    /// Binds `name` to `id`. Rebinding keeps the name's place.
    pub fn bind(&mut self, name: &'static str, id: ObjId) {
        match self.names.iter_mut().find(|(bound, _)| *bound == name) {
            Some(slot) => slot.1 = id,
            None => self.names.push((name, id)),
        }
    }
}
// ANCHOR_END: frame

// ANCHOR: binary_op
/// `left op right` as a new object, or a `TypeError`.
pub fn binary_op(op: Op, left: &Object, right: &Object) -> Result<Object, EvalError> {
    use Object::{Int, List, Str};
    // A negative count repeats zero times, as in Python.
    let times = |n: i64| usize::try_from(n).unwrap_or(0);
    match (op, left, right) {
        (Op::Add, Int(a), Int(b)) => Ok(Int(a + b)),
        (Op::Add, Str(a), Str(b)) => Ok(Str(format!("{a}{b}"))),
        (Op::Add, List(a), List(b)) => Ok(List([a.as_slice(), b].concat())),
        (Op::Multiply, Int(a), Int(b)) => Ok(Int(a * b)),
        (Op::Multiply, Str(s), Int(n)) | (Op::Multiply, Int(n), Str(s)) => {
            Ok(Str(s.repeat(times(*n))))
        }
        (Op::Multiply, List(items), Int(n)) | (Op::Multiply, Int(n), List(items)) => {
            Ok(List(items.repeat(times(*n))))
        }
        _ => Err(EvalError::TypeError {
            op,
            left: left.type_name(),
            right: right.type_name(),
        }),
    }
}
// ANCHOR_END: binary_op

// ANCHOR: machine
/// What one step did: go on, or the code returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Next,
    Return(ObjId),
}

/// The interpreter for one code object: its constants on the heap, and one frame.
#[derive(Debug)]
pub struct Machine {
    pub code: Code,
    /// `consts[i]` is where the constant `code.consts[i]` lives on the heap.
    pub consts: Vec<ObjId>,
    pub heap: Heap,
    pub frame: Frame,
}
// ANCHOR_END: machine

impl Machine {
    /// Loads `code`: puts its constants on the heap, in order, and makes an
    /// empty frame.
    pub fn new(code: Code) -> Machine {
        let mut heap = Heap::default();
        let consts = code.consts.iter().map(|c| heap.alloc(c.clone())).collect();
        Machine {
            code,
            consts,
            heap,
            frame: Frame::default(),
        }
    }

    // ANCHOR: step
    /// Runs the instruction at `frame.pc` and moves past it.
    pub fn step(&mut self) -> Result<Step, EvalError> {
        let instr = *self
            .code
            .instrs
            .get(self.frame.pc)
            .ok_or(EvalError::EndOfCode)?;
        self.frame.pc += 1;
        match instr {
            Instr::LoadConst(i) => self.frame.push(self.consts[i]),
            Instr::LoadName(i) => {
                let name = self.code.names[i];
                let id = self.frame.lookup(name).ok_or(EvalError::NameError(name))?;
                self.frame.push(id);
            }
            Instr::StoreName(i) => {
                let id = self.frame.pop()?;
                self.frame.bind(self.code.names[i], id);
            }
            Instr::BinaryOp(op) => {
                let right = self.frame.pop()?;
                let left = self.frame.pop()?;
                let result = binary_op(op, self.heap.get(left), self.heap.get(right))?;
                let id = self.heap.alloc(result);
                self.frame.push(id);
            }
            Instr::BuildList(n) => {
                let len = self.frame.stack.len();
                if n > len {
                    return Err(EvalError::StackUnderflow);
                }
                let items = self.frame.stack.split_off(len - n);
                let id = self.heap.alloc(Object::List(items));
                self.frame.push(id);
            }
            Instr::PopTop => {
                self.frame.pop()?;
            }
            Instr::ReturnValue => return Ok(Step::Return(self.frame.pop()?)),
        }
        Ok(Step::Next)
    }
    // ANCHOR_END: step

    // ANCHOR: run
    /// Steps until the code returns, and gives back what it returned.
    pub fn run(&mut self) -> Result<ObjId, EvalError> {
        loop {
            if let Step::Return(id) = self.step()? {
                return Ok(id);
            }
        }
    }
    // ANCHOR_END: run
}

fn main() {
    // x = a + 1, after a = 41: the instructions CPython 3.11 compiles it to.
    let code = Code {
        consts: vec![Object::Int(41), Object::Int(1), Object::None],
        names: vec!["a", "x"],
        instrs: vec![
            Instr::LoadConst(0),
            Instr::StoreName(0),
            Instr::LoadName(0),
            Instr::LoadConst(1),
            Instr::BinaryOp(Op::Add),
            Instr::StoreName(1),
            Instr::LoadConst(2),
            Instr::ReturnValue,
        ],
    };
    let mut machine = Machine::new(code);
    let returned = machine.run();
    println!("returned {returned:?}");
    for &(name, id) in &machine.frame.names {
        println!("{name} -> #{} {:?}", id.0, machine.heap.get(id));
    }
}
