//! Check for `scopes`: programs with function calls, traced one step at a
//! time with the frames, the globals and the object table after each step.
//! Covered: arguments are references to the caller's objects; locals die
//! at return and a returned local lives on in the caller; lookup is locals
//! then globals, never the caller's locals; a local shadows a global;
//! recursion gives every call its own locals; a discarded result is freed;
//! a frame's locals are released in the order they were bound (seen in
//! which freed slot the next objects reuse: releasing them in reverse hands
//! out the slots the other way round); rebinding a name releases the object
//! it held, and `b = b` takes the new reference before the old one goes, so
//! an object only that name holds survives it; errors change nothing.
//!
//! Each trace starts with the Python it models; a `print(x)` there is a
//! "look up x" step in the trace. Where Python would raise, the trace shows
//! the error and goes on with the next step.

use crate::exercise::{Machine, ObjId, Owned, PyError, Value};
use crate::harness::{attempt, Case};

pub const CASES: &[Case] = &[
    ("locals_die_at_return", locals_die_at_return),
    ("locals_released_in_order", locals_released_in_order),
    ("rebinding", rebinding),
    ("arguments_are_references", arguments_are_references),
    ("lookup_order", lookup_order),
    ("recursion", recursion),
    ("errors_change_nothing", errors_change_nothing),
];

/// One step of a traced program.
enum Step {
    Assign(&'static str, Value),
    Alias(&'static str, &'static str),
    Call(&'static str, &'static [(&'static str, &'static str)]),
    /// `return name` (or a bare `return`), the result stored into a name in
    /// the caller, or discarded.
    Return(Option<&'static str>, Option<&'static str>),
    Lookup(&'static str),
}

use Step::{Alias, Assign, Call, Lookup, Return};

fn text(s: &str) -> Value {
    Value::Str(s.to_string())
}

fn describe(step: &Step) -> String {
    match step {
        Assign(name, value) => format!("{name} = {value}"),
        Alias(target, source) => format!("{target} = {source}"),
        Call(function, args) => {
            let args: Vec<String> = args.iter().map(|(p, a)| format!("{p}={a}")).collect();
            format!("call {function}({})", args.join(", "))
        }
        Return(value, into) => format!(
            "return {}{}",
            value.unwrap_or("None"),
            into.map_or(" (result discarded)".to_string(), |n| format!(
                " (caller: {n} = result)"
            ))
        ),
        Lookup(name) => format!("look up {name}"),
    }
}

fn run(m: &mut Machine, step: &Step) -> Result<Option<String>, PyError> {
    match step {
        Assign(name, value) => m.assign(name, value.clone()),
        Alias(target, source) => m.alias(target, source)?,
        Call(function, args) => m.call(function, args)?,
        Return(value, into) => {
            let result: Owned = m.ret(*value)?;
            match into {
                Some(name) => m.store(name, result),
                None => m.discard(result),
            }
        }
        Lookup(name) => {
            let id = m.lookup(name)?;
            let value = m
                .objects
                .get(id)
                .map_or("(freed!)".to_string(), |o| o.value.to_string());
            return Ok(Some(format!("#{} {value}", id.0)));
        }
    }
    Ok(None)
}

fn names(names: &[(String, ObjId)]) -> String {
    if names.is_empty() {
        return "(none)".to_string();
    }
    let shown: Vec<String> = names
        .iter()
        .map(|(name, id)| format!("{name} -> #{}", id.0))
        .collect();
    shown.join(", ")
}

/// Frames from the bottom (oldest call) up, the globals, the objects.
fn picture(m: &Machine) -> String {
    let mut out = String::new();
    for (depth, frame) in m.frames.iter().enumerate() {
        out += &format!(
            "    frame {depth} {}: {}\n",
            frame.function,
            names(&frame.locals)
        );
    }
    out += &format!("    globals: {}\n", names(&m.globals));
    let objects: Vec<String> = m
        .objects
        .slots
        .iter()
        .enumerate()
        .filter_map(|(i, slot)| {
            slot.as_ref()
                .map(|o| format!("#{i} {} ({})", o.value, o.refcount))
        })
        .collect();
    out + &format!("    objects: {}\n", objects.join(", "))
}

fn trace(python: &str, steps: &[Step]) -> String {
    let mut out = String::from("Python:\n");
    for line in python.lines() {
        out += &format!("    {line}\n");
    }
    out += "Trace:\n";
    let mut m = match attempt(Machine::new) {
        Ok(m) => m,
        Err(msg) => return out + &format!("Machine::new panicked: {msg}\n"),
    };
    for step in steps {
        out += &format!("{}\n", describe(step));
        match attempt(|| run(&mut m, step)) {
            Ok(Ok(Some(echo))) => out += &format!("    -> {echo}\n"),
            Ok(Ok(None)) => {}
            Ok(Err(e)) => out += &format!("    {e}\n"),
            Err(msg) => return out + &format!("    panicked: {msg}\n"),
        }
        if !matches!(step, Lookup(_)) {
            out += &attempt(|| picture(&m)).unwrap_or_else(|msg| format!("panicked: {msg}\n"));
        }
    }
    out
}

fn locals_die_at_return() -> String {
    trace(
        "def make():\n    scratch = 'scratch'\n    kept = 'kept'\n    return kept\n\
         r = make()\nmake()",
        &[
            Call("make", &[]),
            Assign("scratch", text("scratch")),
            Assign("kept", text("kept")),
            Return(Some("kept"), Some("r")),
            Call("make", &[]),
            Assign("scratch", text("scratch")),
            Assign("kept", text("kept")),
            Return(Some("kept"), None),
        ],
    )
}

/// Two locals die at one return. `first` is released first, so `second`'s
/// slot is the most recently freed one, and the next new object takes it.
fn locals_released_in_order() -> String {
    trace(
        "def f():\n    first = 'first'\n    second = 'second'\n    return\n\
         f()        # releases first, then second\n\
         x = 'x'    # reuses the slot freed last: second's\n\
         y = 'y'    # then first's",
        &[
            Call("f", &[]),
            Assign("first", text("first")),
            Assign("second", text("second")),
            Return(None, None),
            Assign("x", text("x")),
            Assign("y", text("y")),
        ],
    )
}

/// `b` is the only reference to 'tmp': `b = b` must not free it (store
/// the new reference, then release the old one), and `b = 'other'` must.
fn rebinding() -> String {
    trace(
        "def f():\n    b = 'tmp'\n    b = b        # 'tmp' must survive this\n    print(b)\n\
         \x20   b = 'other'  # but not this: nothing refers to it then\n    return b\n\
         r = f()",
        &[
            Call("f", &[]),
            Assign("b", text("tmp")),
            Alias("b", "b"),
            Lookup("b"),
            Assign("b", text("other")),
            Return(Some("b"), Some("r")),
        ],
    )
}

fn arguments_are_references() -> String {
    trace(
        "def f(a, b):\n    c = a\n    return\nx = 'data'\nf(x, x)",
        &[
            Assign("x", text("data")),
            Call("f", &[("a", "x"), ("b", "x")]),
            Alias("c", "a"),
            Return(None, None),
        ],
    )
}

fn lookup_order() -> String {
    trace(
        "x = 'global'\ndef outer():\n    x = 'local'\n    secret = 1\n    print(x)\n    inner()\n\
         def inner():\n    print(x)  # the global: outer's locals are out of sight\n\
         \x20   print(secret)  # NameError\nouter()\nprint(x)",
        &[
            Assign("x", text("global")),
            Call("outer", &[]),
            Assign("x", text("local")),
            Assign("secret", Value::Int(1)),
            Lookup("x"),
            Call("inner", &[]),
            Lookup("x"),
            Lookup("secret"),
            Return(None, None),
            Return(None, None),
            Lookup("x"),
        ],
    )
}

fn recursion() -> String {
    trace(
        "def down(n):\n    if n == 0:\n        return n\n    m = n - 1\n    r = down(m)\n    return r\n\
         a = 2\nr = down(a)",
        &[
            Assign("a", Value::Int(2)),
            Call("down", &[("n", "a")]),
            Assign("m", Value::Int(1)),
            Call("down", &[("n", "m")]),
            Assign("m", Value::Int(0)),
            Call("down", &[("n", "m")]),
            Return(Some("n"), Some("r")),
            Return(Some("r"), Some("r")),
            Return(Some("r"), Some("r")),
        ],
    )
}

fn errors_change_nothing() -> String {
    trace(
        "x = 1\nf(x, y)    # NameError: y is looked up before the call\n\
         return x   # SyntaxError at module level\nz = w      # NameError\n\
         def g(a):\n    return nope\nz = g(x)   # NameError inside g",
        &[
            Assign("x", Value::Int(1)),
            Call("f", &[("a", "x"), ("b", "y")]),
            Return(Some("x"), Some("z")),
            Alias("z", "w"),
            Call("g", &[("a", "x")]),
            Return(Some("nope"), Some("z")),
        ],
    )
}
