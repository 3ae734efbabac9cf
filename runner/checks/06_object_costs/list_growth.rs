//! Check for `list_growth`: `list_resize` on each of its branches (growth,
//! the "enough room" shortcut, shrinking below half, a jump too big to
//! over-allocate, newsize 0), capacities of lists made in one go, and lists
//! followed through appends, pops and clear. Two extends start from a list
//! with spare room (allocated != size): the jump that decides against
//! over-allocating is `newsize - size`, the items added, and a `list_resize`
//! that measures it from `allocated` gives them 16 and 24 slots, not 12
//! and 20. Every capacity and size was
//! measured on CPython 3.11.7 (`(sys.getsizeof(l) - 56) // 8`).

use crate::exercise::{
    display_capacity, exact_capacity, list_resize, preallocated_capacity, ListModel,
};
use crate::harness::{attempt, show, Case};

pub const CASES: &[Case] = &[
    ("resize_rule", resize_rule),
    ("appends", appends),
    ("pops", pops),
    ("made_in_one_go", made_in_one_go),
    ("a_program", a_program),
];

fn resize_rule() -> String {
    let rows: [(&str, usize, usize, usize); 17] = [
        ("[].append(x)", 0, 0, 1),
        ("5th append", 4, 4, 5),
        ("9th append", 8, 8, 9),
        ("17th append", 16, 16, 17),
        ("77th append", 76, 76, 77),
        ("append, room left", 8, 5, 6),
        ("pop, half still used", 16, 9, 8),
        ("pop, under half used", 16, 8, 7),
        ("pop, 4 slots, 2 items", 4, 2, 1),
        ("pop the last of 1 slot", 1, 1, 0),
        ("pop the last of 4 slots", 4, 1, 0),
        ("nothing to nothing", 0, 0, 0),
        ("[1,2,3,4] + 6 by extend", 4, 4, 10),
        ("[1,2,3,4] + 16 by extend", 4, 4, 20),
        ("emptied list + 10 by extend", 0, 0, 10),
        ("5 appends + 6 by extend", 8, 5, 11),
        ("9 appends + 10 by extend", 16, 9, 19),
    ];
    let mut out = format!(
        "{:<28} {:>9} {:>4} {:>7} -> new allocated\n",
        "what", "allocated", "size", "newsize"
    );
    for (what, allocated, size, newsize) in rows {
        out += &format!(
            "{what:<28} {allocated:>9} {size:>4} {newsize:>7} -> {}\n",
            show(|| list_resize(allocated, size, newsize))
        );
    }
    out
}

/// `l` after each step, as `len/allocated size`.
fn state(list: &ListModel) -> String {
    format!(
        "len {:>3}  allocated {:>3}  getsizeof {}",
        list.len,
        list.allocated,
        show(|| list.getsizeof())
    )
}

/// Runs `steps` (true = append, false = pop) on `list`, printing the list
/// each time its capacity changes (and at the end).
fn follow(list: &mut ListModel, steps: impl Iterator<Item = bool>) -> String {
    let mut out = String::new();
    let mut last = list.allocated;
    let mut last_line = String::new();
    for append in steps {
        let step = attempt(|| {
            if append {
                list.append();
                Ok(())
            } else {
                list.pop()
            }
        });
        match step {
            Err(msg) => return out + &format!("panicked: {msg}\n"),
            Ok(Err(e)) => return out + &format!("{e:?}\n"),
            Ok(Ok(())) => {}
        }
        last_line = state(list);
        if list.allocated != last {
            out += &format!("{last_line}\n");
            last = list.allocated;
            last_line.clear();
        }
    }
    if !last_line.is_empty() {
        out += &format!("{last_line}  (at the end)\n");
    }
    out
}

fn appends() -> String {
    let mut list = ListModel::new();
    format!(
        "l = []  ({})\nthen l.append(i) 120 times; each change of capacity:\n{}",
        state(&list),
        follow(&mut list, std::iter::repeat_n(true, 120))
    )
}

fn pops() -> String {
    let mut list = ListModel::new();
    let grown = follow(&mut list, std::iter::repeat_n(true, 30));
    let shrunk = follow(&mut list, std::iter::repeat_n(false, 30));
    let last = follow(&mut list, std::iter::once(false));
    format!(
        "l = [], 30 appends:\n{grown}then l.pop() 30 times; each change of capacity:\n{shrunk}\
         one more l.pop(): {last}"
    )
}

fn made_in_one_go() -> String {
    let mut out = String::new();
    let displays: [(&str, usize, bool); 12] = [
        ("[]", 0, true),
        ("[a]", 1, false),
        ("[1]", 1, true),
        ("[1, 2]", 2, true),
        ("[a, b, c]", 3, false),
        ("[1, 2, 3]", 3, true),
        ("[-1, 2 * 3, 'a' + 'b']", 3, true),
        ("[1, 2, 3, 4, 5]", 5, true),
        ("[a0, ..., a29] (30 names)", 30, false),
        ("[a0, ..., a30] (31 names)", 31, false),
        ("[a0, ..., a32] (33 names)", 33, false),
        ("[0, ..., 32] (33 constants)", 33, true),
    ];
    for (what, n, all_constant) in displays {
        out += &format!(
            "{what:<30} allocated {}\n",
            show(|| display_capacity(n, all_constant))
        );
    }
    for n in [0, 1, 7, 10] {
        out += &format!(
            "{:<30} allocated {}\n",
            format!("list(range({n}))"),
            show(|| preallocated_capacity(n))
        );
    }
    out += &format!("{:<30} allocated {}\n", "[None] * 3", exact_capacity(3));
    out
}

fn a_program() -> String {
    let mut out = String::new();
    let mut list = ListModel {
        len: 3,
        allocated: 4,
    };
    out += &format!("l = [1, 2, 3]     {}\n", state(&list));
    let program: [(&str, u8); 14] = [
        ("l.append(4)", b'a'),
        ("l.append(5)", b'a'),
        ("l.pop()", b'p'),
        ("l.pop(0)", b'p'),
        ("l.pop()", b'p'),
        ("l.pop()", b'p'),
        ("l.pop()", b'p'),
        ("l.pop()", b'p'),
        ("l.append(1)", b'a'),
        ("l.append(2)", b'a'),
        ("l.clear()", b'c'),
        ("l.pop()", b'p'),
        ("l.append(1)", b'a'),
        ("l.clear()", b'c'),
    ];
    for (python, op) in program {
        let outcome = attempt(|| match op {
            b'a' => {
                list.append();
                Ok(())
            }
            b'p' => list.pop(),
            _ => {
                list.clear();
                Ok(())
            }
        });
        let shown = match outcome {
            Ok(Ok(())) => state(&list),
            Ok(Err(e)) => format!("{e:?}, and still {}", state(&list)),
            Err(msg) => format!("panicked: {msg}"),
        };
        out += &format!("{python:<17} {shown}\n");
    }
    out
}
