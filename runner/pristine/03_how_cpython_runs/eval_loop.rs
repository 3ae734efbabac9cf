//! # Exercise `eval_loop`: a tiny evaluation loop
//!
//! Book: book/src/foundations/how-cpython-runs.md, section "Your turn: an
//! evaluation loop".
//!
//! CPython runs your program by compiling it to bytecode and then looping
//! over the instructions, one at a time, with a value stack in the frame.
//! Here you build a small version of that loop for seven of CPython 3.11's
//! instructions. The rule the whole exercise is about: **every object lives
//! on the heap**. The value stack, the names and the lists hold only
//! `ObjId`s, references to heap objects, never the objects themselves.
//!
//! Fill in the `todo!()`s, from the top down:
//!
//! 1. `Heap::alloc` and `Heap::get`. `alloc` appends, so ids count up from 0.
//! 2. `Frame::push`, `Frame::pop` (an empty stack is `StackUnderflow`),
//!    `Frame::lookup` and `Frame::bind`. `names` keeps names in the order
//!    they were first bound; binding a bound name again only changes the
//!    object it refers to, the name keeps its place.
//! 3. `binary_op`: `int + int`, `str + str`, `list + list` (the references
//!    of both, in order); `int * int`, and a `str` or a `list` times an
//!    `int` (either way round; a count below 1 gives an empty one). Anything
//!    else is a `TypeError` naming the two types, left first.
//! 4. `Machine::new`: put every constant on the heap, in order, *once*.
//!    `LOAD_CONST` then pushes a reference to that object: it never makes a
//!    new one.
//! 5. `Machine::step`: fetch the instruction at `frame.pc`, move `pc` past it,
//!    and do what its doc comment says. `BINARY_OP` pops the right operand
//!    first: the left one is under it. `BUILD_LIST 2` on a stack `[.., a, b]`
//!    makes the list `[a, b]`. Running past the last instruction is
//!    `EndOfCode`.
//! 6. `Machine::run`: step until `RETURN_VALUE`, pass any error on.
//!
//! `a = 41` then `x = a + 1` is, as CPython 3.11 compiles it (`dis.dis`):
//!
//! ```text
//! consts [41, 1, None]   names ["a", "x"]
//! LOAD_CONST 0   STORE_NAME 0   LOAD_NAME 0   LOAD_CONST 1
//! BINARY_OP +    STORE_NAME 1   LOAD_CONST 2  RETURN_VALUE
//! ```
//!
//! After `Machine::new` the heap is `#0 41, #1 1, #2 None`. After running,
//! `a` refers to `#0`, the `+` made `#3 42`, `x` refers to `#3`, and `run`
//! returns `Ok(ObjId(2))`, the `None` every module returns.
//!
//! Run `memlings` and save this file: the check prints a step-by-step trace
//! of small programs next to the one it expects.

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

impl Heap {
    /// Puts `object` on the heap and returns where it is.
    pub fn alloc(&mut self, object: Object) -> ObjId {
        todo!()
    }

    /// The object at `id`.
    pub fn get(&self, id: ObjId) -> &Object {
        todo!()
    }

    /// How many objects have been made.
    pub fn len(&self) -> usize {
        self.objects.len()
    }

    pub fn is_empty(&self) -> bool {
        self.objects.is_empty()
    }
}

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

impl Frame {
    /// Pushes a reference on the value stack.
    pub fn push(&mut self, id: ObjId) {
        todo!()
    }

    /// Pops the top reference, or fails if the stack is empty.
    pub fn pop(&mut self) -> Result<ObjId, EvalError> {
        todo!()
    }

    /// The object `name` is bound to, if any.
    pub fn lookup(&self, name: &str) -> Option<ObjId> {
        todo!()
    }

    /// Binds `name` to `id`. Rebinding keeps the name's place.
    pub fn bind(&mut self, name: &'static str, id: ObjId) {
        todo!()
    }
}

/// `left op right` as a new object, or a `TypeError`.
pub fn binary_op(op: Op, left: &Object, right: &Object) -> Result<Object, EvalError> {
    todo!("match on (op, left, right)")
}

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

impl Machine {
    /// Loads `code`: puts its constants on the heap, in order, and makes an
    /// empty frame.
    pub fn new(code: Code) -> Machine {
        todo!()
    }

    /// Runs the instruction at `frame.pc` and moves past it.
    pub fn step(&mut self) -> Result<Step, EvalError> {
        todo!("one match arm per instruction")
    }

    /// Steps until the code returns, and gives back what it returned.
    pub fn run(&mut self) -> Result<ObjId, EvalError> {
        todo!()
    }
}

fn main() {
    // You can experiment here: `cargo run -p memlings-exercises --bin eval_loop`.
    // The check calls the items above, not `main`.
}
