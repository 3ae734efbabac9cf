//! The size model against python3: each case is a Python expression and the
//! object the model sizes for it; `sys.getsizeof` of the expression, in one
//! python3 3.11 run, must equal what `size_model` says. Lists and dicts are
//! grown step by step on both sides, so every capacity `list_resize` and
//! every keys table `DictKeys` reaches on the way is compared.

use std::process::Command;
use std::rc::Rc;

use memlings_heap::size_model::{list_resize, size_of, DictKeys};
use memlings_python::{Dict, List, ObjId, Object};
use num_bigint::BigInt;

/// What python3 evaluates, and the model's answer for it.
struct Case {
    python: String,
    model: usize,
}

fn case(python: impl Into<String>, object: &Object, keys: &DictKeys) -> Case {
    Case {
        python: python.into(),
        model: size_of(object, keys),
    }
}

fn plain(python: impl Into<String>, object: Object) -> Case {
    case(python, &object, &DictKeys::EMPTY)
}

fn scalars() -> Vec<Case> {
    let mut cases = vec![
        plain("None", Object::None),
        plain("True", Object::Bool(true)),
        plain("False", Object::Bool(false)),
        plain("1.5", Object::Float(1.5)),
    ];
    for bits in [0u32, 1, 29, 30, 31, 59, 60, 61, 90, 200] {
        let n: BigInt = (BigInt::from(1) << bits) - 1;
        cases.push(plain(format!("{n}"), Object::Int(n.clone())));
        cases.push(plain(format!("-{n}"), Object::Int(-n)));
    }
    for text in ["", "a", "hello world", "é", "café", "Ā", "ĀĀĀ", "😀", "a😀"] {
        cases.push(plain(format!("{text:?}"), Object::Str(Rc::from(text))));
    }
    for len in 0..5 {
        let items = vec![ObjId(0); len];
        cases.push(plain(format!("(None,) * {len}"), Object::Tuple(items)));
    }
    cases
}

/// `l.append(None)` 40 times, then `l.pop()` until it is empty: the size
/// after each step.
fn list_steps() -> Vec<Case> {
    let mut cases = Vec::new();
    let mut python = String::from("l = []");
    let mut list = List::default();
    let grow = |python: &mut String, list: &mut List, push: bool| {
        let len = list.items.len();
        if push {
            list.allocated = list_resize(list.allocated, len, len + 1);
            list.items.push(ObjId(0));
            python.push_str("; l.append(None)");
        } else {
            list.allocated = list_resize(list.allocated, len, len - 1);
            list.items.pop();
            python.push_str("; l.pop()");
        }
    };
    for _ in 0..40 {
        grow(&mut python, &mut list, true);
        cases.push(case(
            format!("exec({python:?}) or l"),
            &Object::List(list.clone()),
            &DictKeys::EMPTY,
        ));
    }
    for _ in 0..40 {
        grow(&mut python, &mut list, false);
        cases.push(case(
            format!("exec({python:?}) or l"),
            &Object::List(list.clone()),
            &DictKeys::EMPTY,
        ));
    }
    cases
}

/// A dict grown key by key (`key(i)` gives the i-th key's Python text and
/// whether it is a str), and the same keys as one display.
fn dict_steps(key: impl Fn(usize) -> (String, bool)) -> Vec<Case> {
    let mut cases = Vec::new();
    let mut keys = DictKeys::EMPTY;
    let mut python = String::from("d = {}");
    let mut display = Vec::new();
    let mut kinds = Vec::new();
    let dict = Object::Dict(Dict::default());
    cases.push(case("{}", &dict, &keys));
    for used in 0..40 {
        let (text, is_str) = key(used);
        keys.insert(used, is_str);
        python.push_str(&format!("; d[{text}] = None"));
        cases.push(case(format!("exec({python:?}) or d"), &dict, &keys));
        display.push(format!("{text}: None"));
        kinds.push(is_str);
        cases.push(case(
            format!("eval({:?})", format!("{{{}}}", display.join(", "))),
            &dict,
            &DictKeys::display(&kinds),
        ));
    }
    let mut cleared = keys;
    cleared.clear();
    let python = format!("{python}; d.clear()");
    cases.push(case(format!("exec({python:?}) or d"), &dict, &cleared));
    cases
}

fn every_case() -> Vec<Case> {
    let mut cases = scalars();
    cases.extend(list_steps());
    cases.extend(dict_steps(|i| (format!("{i}"), false)));
    cases.extend(dict_steps(|i| (format!("'k{i}'"), true)));
    // A str-only table that meets an int key is rebuilt as a general one.
    cases.extend(dict_steps(|i| {
        if i == 9 {
            (format!("{i}"), false)
        } else {
            (format!("'k{i}'"), true)
        }
    }));
    cases
}

#[test]
fn the_size_model_agrees_with_python3() {
    let cases = every_case();
    let mut script = String::from("import sys\nprint('%d.%d' % sys.version_info[:2])\n");
    for c in &cases {
        script.push_str(&format!("print(sys.getsizeof({}))\n", c.python));
    }
    let out = match Command::new("python3").arg("-c").arg(&script).output() {
        Ok(out) => out,
        Err(_) => {
            eprintln!("SKIPPED: python3 is not installed (CI has it)");
            return;
        }
    };
    assert!(
        out.status.success(),
        "python3 failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let mut lines = stdout.lines();
    let version = lines.next().unwrap_or_default();
    if version != "3.11" {
        eprintln!("SKIPPED: the model is CPython 3.11's, python3 is {version}");
        return;
    }
    let measured: Vec<usize> = lines.map(|l| l.parse().unwrap()).collect();
    assert_eq!(
        measured.len(),
        cases.len(),
        "python3 printed a size per case"
    );
    let wrong: Vec<String> = cases
        .iter()
        .zip(&measured)
        .filter(|(c, &m)| c.model != m)
        .map(|(c, m)| format!("{}: model {}, python3 {m}", c.python, c.model))
        .collect();
    assert!(wrong.is_empty(), "sizes differ:\n{}", wrong.join("\n"));
}
