//! Check for `namespace`: the object table on its own (ids in order, the
//! most recently freed id reused first, freeing at zero), then small
//! programs run one statement at a time, printing the names and the table
//! after each: aliasing and mutation, rebinding, `del` (the object lives
//! on while another name refers to it), `x = x`, the small-int cache with
//! `is` and `==`, and the errors Python raises.
//!
//! The `is` and `==` answers match CPython 3.11.7 with each statement
//! compiled on its own, as the interactive prompt does.

use crate::exercise::{Memory, ObjId, PyError, Value};
use crate::harness::{attempt, show, Case};

pub const CASES: &[Case] = &[
    ("object_table", object_table),
    ("aliasing", aliasing),
    ("rebinding_and_del", rebinding_and_del),
    ("self_assignment", self_assignment),
    ("small_ints", small_ints),
    ("errors", errors),
];

/// One statement of a script.
enum Stmt {
    Assign(&'static str, Value),
    Alias(&'static str, &'static str),
    Del(&'static str),
    Append(&'static str, i64),
    Is(&'static str, &'static str),
    Eq(&'static str, &'static str),
    Lookup(&'static str),
}

use Stmt::{Alias, Append, Assign, Del, Eq, Is, Lookup};

fn text(s: &str) -> Value {
    Value::Str(s.to_string())
}

fn python(stmt: &Stmt) -> String {
    match stmt {
        Assign(name, value) => format!("{name} = {value}"),
        Alias(target, source) => format!("{target} = {source}"),
        Del(name) => format!("del {name}"),
        Append(name, item) => format!("{name}.append({item})"),
        Is(a, b) => format!("{a} is {b}"),
        Eq(a, b) => format!("{a} == {b}"),
        Lookup(name) => name.to_string(),
    }
}

/// Runs one statement; returns what Python would echo, if anything.
fn run(m: &mut Memory, stmt: &Stmt) -> Result<Option<String>, PyError> {
    match stmt {
        Assign(name, value) => m.assign(name, value.clone()),
        Alias(target, source) => m.alias(target, source)?,
        Del(name) => m.delete(name)?,
        Append(name, item) => m.append(name, *item)?,
        Is(a, b) => return m.is(a, b).map(|r| Some(py_bool(r))),
        Eq(a, b) => return m.eq(a, b).map(|r| Some(py_bool(r))),
        Lookup(name) => {
            let id = m.lookup(name)?;
            let value = m
                .get(id)
                .map_or("(freed!)".to_string(), |o| o.value.to_string());
            return Ok(Some(value));
        }
    }
    Ok(None)
}

fn py_bool(b: bool) -> String {
    if b { "True" } else { "False" }.to_string()
}

/// The names, the live objects and the free list.
fn picture(m: &Memory) -> String {
    let names: Vec<String> = m
        .names
        .iter()
        .map(|(name, id)| format!("{name} -> #{}", id.0))
        .collect();
    let objects: Vec<String> = m
        .objects
        .iter()
        .enumerate()
        .map(|(i, slot)| match slot {
            Some(o) => format!("#{i} {} ({})", o.value, o.refcount),
            None => format!("#{i} free"),
        })
        .collect();
    let free: Vec<String> = m.free.iter().map(|id| format!("#{}", id.0)).collect();
    let or_none = |items: Vec<String>| {
        if items.is_empty() {
            "(none)".to_string()
        } else {
            items.join(", ")
        }
    };
    format!(
        "    names:   {}\n    objects: {}   free list: [{}]\n",
        or_none(names),
        or_none(objects),
        free.join(", ")
    )
}

/// Runs a script, printing each statement, Python's echo or error, and the
/// memory picture after it.
fn script(stmts: &[Stmt]) -> String {
    let mut m = Memory::new();
    let mut out = String::new();
    for stmt in stmts {
        out += &format!(">>> {}\n", python(stmt));
        match attempt(|| run(&mut m, stmt)) {
            Ok(Ok(Some(echo))) => out += &format!("{echo}\n"),
            Ok(Ok(None)) => {}
            Ok(Err(e)) => out += &format!("{e}\n"),
            Err(msg) => {
                out += &format!("panicked: {msg}\n");
                return out;
            }
        }
        if !matches!(stmt, Is(..) | Eq(..) | Lookup(..)) {
            out += &attempt(|| picture(&m)).unwrap_or_else(|msg| format!("panicked: {msg}\n"));
        }
    }
    out
}

fn object_table() -> String {
    let mut m = Memory::new();
    let mut out = String::new();
    let mut step = |what: &str, m: &mut Memory, call: &dyn Fn(&mut Memory) -> String| {
        let result = call(m);
        out += &format!("{what:<10} -> {result:<12}");
        out += &attempt(|| picture(m))
            .map(|p| p.replace("    names:   (none)\n", ""))
            .unwrap_or_else(|msg| format!("panicked: {msg}\n"));
    };
    step("alloc 'a'", &mut m, &|m| show(|| m.alloc(text("a"))));
    step("alloc 'b'", &mut m, &|m| show(|| m.alloc(text("b"))));
    step("alloc 'c'", &mut m, &|m| show(|| m.alloc(text("c"))));
    step("incref #1", &mut m, &|m| show(|| m.incref(ObjId(1))));
    step("decref #1", &mut m, &|m| show(|| m.decref(ObjId(1))));
    step("decref #1", &mut m, &|m| show(|| m.decref(ObjId(1))));
    step("decref #0", &mut m, &|m| show(|| m.decref(ObjId(0))));
    step("alloc 'd'", &mut m, &|m| show(|| m.alloc(text("d"))));
    step("alloc 'e'", &mut m, &|m| show(|| m.alloc(text("e"))));
    step("alloc 'f'", &mut m, &|m| show(|| m.alloc(text("f"))));
    out
}

fn aliasing() -> String {
    script(&[
        Assign("x", Value::List(vec![1, 2])),
        Alias("y", "x"),
        Append("y", 3),
        Lookup("x"),
        Is("x", "y"),
        Assign("z", Value::List(vec![1, 2, 3])),
        Eq("x", "z"),
        Is("x", "z"),
        Del("x"),
        Lookup("y"),
    ])
}

fn rebinding_and_del() -> String {
    script(&[
        Assign("x", text("first")),
        Alias("y", "x"),
        Assign("x", text("second")),
        Lookup("y"),
        Del("y"),
        Assign("z", text("third")),
        Assign("x", text("fourth")),
        Del("x"),
        Alias("x", "z"),
    ])
}

fn self_assignment() -> String {
    script(&[
        Assign("x", text("solo")),
        Alias("x", "x"),
        Lookup("x"),
        Assign("y", text("other")),
        Alias("y", "x"),
        Alias("x", "y"),
        Del("y"),
        Lookup("x"),
    ])
}

fn small_ints() -> String {
    script(&[
        Assign("a", Value::Int(256)),
        Assign("b", Value::Int(256)),
        Is("a", "b"),
        Assign("c", Value::Int(257)),
        Assign("d", Value::Int(257)),
        Is("c", "d"),
        Eq("c", "d"),
        Assign("e", Value::Int(-5)),
        Assign("f", Value::Int(-6)),
        Del("a"),
        Del("b"),
        Assign("a", Value::Int(256)),
    ])
}

fn errors() -> String {
    script(&[
        Lookup("x"),
        Del("x"),
        Alias("y", "x"),
        Assign("x", Value::Int(1000)),
        Append("x", 1),
        Assign("s", text("abc")),
        Append("s", 1),
        Is("x", "nope"),
        Eq("nope", "x"),
        Append("nope", 1),
        Del("x"),
        Del("x"),
    ])
}
