//! Check for `my_rc`: scripts of clones, drops, downgrades and upgrades on
//! values that say when they are dropped, printing after each step the
//! counts read through a live handle and what happened: which value was
//! dropped, and whether a box was allocated or freed.
//!
//! The boxes are watched by the check's own global allocator (wrapped in
//! the harness's `OomReport`), so no debug hook is needed in `MyRc`: every
//! value the check puts in a `MyRc` is aligned to 64 bytes, so the box
//! holding it is the only allocation with that alignment. Freed boxes are
//! never handed out again, so a box freed twice is seen and reported
//! instead of crashing the run. They are overwritten with a poison byte, so
//! a use after free reads poison, not what was there: a value dropped after
//! its box was freed (freeing the box first, say) has lost the canary every
//! node carries, and shows as a USE AFTER FREE instead of passing.
//!
//! Every handle is kept in a `ManuallyDrop` and dropped by an explicit step:
//! if a step panics, the handles still alive are leaked, never dropped while
//! unwinding (a second panic there, from an unfinished `Drop`, would abort).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::RefCell;
use std::mem::ManuallyDrop;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use crate::exercise::{MyRc, MyWeak};
use crate::harness::{attempt, Case, OomReport};

pub const CASES: &[Case] = &[
    ("clone_and_drop", clone_and_drop),
    ("weak_outlives_strong", weak_outlives_strong),
    ("self_cycle_leaks", self_cycle_leaks),
    ("cycles_broken_by_weak", cycles_broken_by_weak),
    ("try_unwrap", try_unwrap),
];

// ---------------------------------------------------------------------------
// Watching the boxes.

const BOX_ALIGN: usize = 64;
const QUARANTINE: usize = 1024;
/// What a freed box is filled with. A canary of these bytes is not
/// [`CANARY`], and a `char` of them is no char at all.
const POISON: u8 = 0xDD;

static MADE: AtomicUsize = AtomicUsize::new(0);
static FREED: AtomicUsize = AtomicUsize::new(0);
static FREED_TWICE: AtomicUsize = AtomicUsize::new(0);
static FREED_AT: [AtomicUsize; QUARANTINE] = [const { AtomicUsize::new(0) }; QUARANTINE];
static FREED_LEN: AtomicUsize = AtomicUsize::new(0);

struct Watch;

// Wrapped so that a failed allocation is still reported to the runner.
#[global_allocator]
static WATCH: OomReport<Watch> = OomReport(Watch);

unsafe impl GlobalAlloc for Watch {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // Safety: the caller's contract is passed on unchanged.
        let ptr = unsafe { System.alloc(layout) };
        if layout.align() == BOX_ALIGN && !ptr.is_null() {
            MADE.fetch_add(1, Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if layout.align() != BOX_ALIGN {
            // Safety: as above.
            unsafe { System.dealloc(ptr, layout) };
            return;
        }
        let addr = ptr as usize;
        let len = FREED_LEN.load(Relaxed).min(QUARANTINE);
        if FREED_AT[..len].iter().any(|a| a.load(Relaxed) == addr) {
            FREED_TWICE.fetch_add(1, Relaxed);
            return;
        }
        // The block is kept, never returned to the system: a few boxes a run.
        // Poisoned, so that what reads it after this shows it.
        // Safety: the block is `layout.size()` bytes and ours from now on.
        unsafe { std::ptr::write_bytes(ptr, POISON, layout.size()) };
        FREED.fetch_add(1, Relaxed);
        let slot = FREED_LEN.fetch_add(1, Relaxed);
        if slot < QUARANTINE {
            FREED_AT[slot].store(addr, Relaxed);
        }
    }
}

#[derive(Clone, Copy)]
struct Boxes {
    made: usize,
    freed: usize,
    freed_twice: usize,
}

impl Boxes {
    fn now() -> Boxes {
        Boxes {
            made: MADE.load(Relaxed),
            freed: FREED.load(Relaxed),
            freed_twice: FREED_TWICE.load(Relaxed),
        }
    }

    fn since(self, start: Boxes) -> Boxes {
        Boxes {
            made: self.made - start.made,
            freed: self.freed - start.freed,
            freed_twice: self.freed_twice - start.freed_twice,
        }
    }
}

// ---------------------------------------------------------------------------
// The values: nodes that log their drop and may hold a link to a node.

thread_local! {
    static DROPPED: RefCell<Vec<char>> = const { RefCell::new(Vec::new()) };
}

/// What a node holds. The references are only ever dropped, never read.
#[allow(dead_code)]
enum Link {
    Nothing,
    Strong(MyRc<Node>),
    Weak(MyWeak<Node>),
}

/// Every live node carries this; a node in a freed (poisoned) box does not.
const CANARY: u64 = 0x6D79_5F72_635F_6F6B;

#[repr(align(64))]
struct Node {
    canary: u64,
    name: char,
    link: RefCell<Link>,
}

/// What a node dropped from a freed box logs instead of its name.
const FROM_FREED_BOX: char = '?';

impl Drop for Node {
    fn drop(&mut self) {
        if self.canary != CANARY || !self.name.is_ascii_uppercase() {
            // Read from a freed box: its link is poison too, so it is moved
            // out and forgotten, never followed.
            std::mem::forget(std::mem::replace(self.link.get_mut(), Link::Nothing));
            DROPPED.with(|d| d.borrow_mut().push(FROM_FREED_BOX));
            return;
        }
        DROPPED.with(|d| d.borrow_mut().push(self.name));
    }
}

fn node(name: char) -> Node {
    Node {
        canary: CANARY,
        name,
        link: RefCell::new(Link::Nothing),
    }
}

type Rc = ManuallyDrop<MyRc<Node>>;

fn keep<T>(value: T) -> ManuallyDrop<T> {
    ManuallyDrop::new(value)
}

fn dropped() -> Vec<char> {
    DROPPED.with(|d| std::mem::take(&mut *d.borrow_mut()))
}

/// What a step did, in the order it must happen: values dropped, then
/// boxes allocated or freed.
fn events(dropped: &[char], boxes: Boxes) -> String {
    let mut out: Vec<String> = dropped
        .iter()
        .map(|&c| match c {
            FROM_FREED_BOX => "USE AFTER FREE (a value dropped from a freed box)".to_string(),
            c => format!("{c} dropped"),
        })
        .collect();
    let plural = |n: usize, what: &str| match n {
        0 => None,
        1 => Some(format!("box {what}")),
        n => Some(format!("{n} boxes {what}")),
    };
    out.extend(plural(boxes.made, "allocated"));
    out.extend(plural(boxes.freed, "freed"));
    out.extend(double_frees(boxes.freed_twice));
    out.join(", ")
}

fn double_frees(n: usize) -> Option<String> {
    match n {
        0 => None,
        1 => Some("DOUBLE FREE (a box freed again)".to_string()),
        n => Some(format!("{n} DOUBLE FREES")),
    }
}

fn rc_counts(name: &str, rc: &MyRc<Node>) -> String {
    let strong = MyRc::strong_count(rc);
    let weak = MyRc::weak_count(rc);
    format!("{name}: strong {strong}, weak {weak}")
}

fn weak_counts(name: &str, weak: &MyWeak<Node>) -> String {
    format!("{name}: strong {}", weak.strong_count())
}

fn found(rc: &Option<MyRc<Node>>) -> String {
    match rc {
        Some(rc) => format!("Some({})", rc.name),
        None => "None".to_string(),
    }
}

/// What `upgrade` found, and the counts through it if it found something.
fn upgraded(name: &str, rc: &Option<MyRc<Node>>) -> String {
    match rc {
        Some(rc) => format!("Some({}) {}", rc.name, rc_counts(name, rc)),
        None => "None".to_string(),
    }
}

struct Trace {
    out: String,
    start: Boxes,
    dropped: usize,
}

impl Trace {
    fn new() -> Trace {
        dropped();
        Trace {
            out: String::new(),
            start: Boxes::now(),
            dropped: 0,
        }
    }

    /// Runs one step (`call`), then renders what to look at after it
    /// (`look`: a result, counts) and what happened during it. `None` if
    /// the step panicked.
    fn step<R>(
        &mut self,
        what: &str,
        call: impl FnOnce() -> R,
        look: impl FnOnce(&R) -> String,
    ) -> Option<R> {
        dropped();
        let before = Boxes::now();
        let result = attempt(call);
        let gone = dropped();
        self.dropped += gone.len();
        let happened = events(&gone, Boxes::now().since(before));
        let (seen, result) = match result {
            Ok(r) => (
                attempt(|| look(&r)).unwrap_or_else(|msg| format!("panicked: {msg}")),
                Some(r),
            ),
            Err(msg) => (format!("panicked: {msg}"), None),
        };
        let line = format!("{what:<34} {seen:<24} {happened}");
        self.out += line.trim_end();
        self.out += "\n";
        result
    }

    fn note(&mut self, text: &str) {
        self.out += &format!("-- {text}\n");
    }

    /// Values dropped and boxes still alive since the case began.
    fn tally(&self) -> String {
        let boxes = Boxes::now().since(self.start);
        let live = boxes.made as isize - boxes.freed as isize;
        let mut tally = format!(
            "{} dropped, boxes: {} allocated, {} freed, {live} alive",
            match self.dropped {
                1 => "1 value".to_string(),
                n => format!("{n} values"),
            },
            boxes.made,
            boxes.freed,
        );
        if let Some(double) = double_frees(boxes.freed_twice) {
            tally += &format!(", {double}");
        }
        tally
    }

    fn finish(mut self) -> String {
        let tally = self.tally();
        self.note(&format!("end: {tally}"));
        self.out
    }
}

fn nothing<R>(_: &R) -> String {
    String::new()
}

// ---------------------------------------------------------------------------
// The cases.

fn clone_and_drop() -> String {
    let mut t = Trace::new();
    let Some(a) = t.step(
        "let a = MyRc::new(A)",
        || keep(MyRc::new(node('A'))),
        |a: &Rc| rc_counts("a", a),
    ) else {
        return t.finish();
    };
    let Some(b) = t.step(
        "let b = a.clone()",
        || keep(MyRc::clone(&a)),
        |_| rc_counts("a", &a),
    ) else {
        return t.finish();
    };
    let Some(c) = t.step(
        "let c = b.clone()",
        || keep(MyRc::clone(&b)),
        |_| rc_counts("b", &b),
    ) else {
        return t.finish();
    };
    let Some(d) = t.step(
        "let d = MyRc::new(D)",
        || keep(MyRc::new(node('D'))),
        |d: &Rc| rc_counts("d", d),
    ) else {
        return t.finish();
    };
    t.step("c.name", || c.name, |n| format!("{n:?}"));
    t.step(
        "drop(a)",
        || drop(ManuallyDrop::into_inner(a)),
        |_| rc_counts("c", &c),
    );
    t.step(
        "drop(c)",
        || drop(ManuallyDrop::into_inner(c)),
        |_| rc_counts("b", &b),
    );
    t.step("b.name", || b.name, |n| format!("{n:?}"));
    t.step(
        "drop(b)",
        || drop(ManuallyDrop::into_inner(b)),
        |_| rc_counts("d", &d),
    );
    t.step("drop(d)", || drop(ManuallyDrop::into_inner(d)), nothing);
    t.finish()
}

fn weak_outlives_strong() -> String {
    let mut t = Trace::new();
    let Some(a) = t.step(
        "let a = MyRc::new(A)",
        || keep(MyRc::new(node('A'))),
        |a: &Rc| rc_counts("a", a),
    ) else {
        return t.finish();
    };
    let Some(w) = t.step(
        "let w = MyRc::downgrade(&a)",
        || keep(MyRc::downgrade(&a)),
        |_| rc_counts("a", &a),
    ) else {
        return t.finish();
    };
    let Some(w2) = t.step(
        "let w2 = w.clone()",
        || keep(MyWeak::clone(&w)),
        |_| rc_counts("a", &a),
    ) else {
        return t.finish();
    };
    let Some(b) = t.step("let b = w.upgrade()", || w.upgrade(), |b| upgraded("b", b)) else {
        return t.finish();
    };
    let Some(b) = b else {
        return t.finish();
    };
    let b = keep(b);
    t.step(
        "drop(a)",
        || drop(ManuallyDrop::into_inner(a)),
        |_| weak_counts("w", &w),
    );
    t.step(
        "drop(b)",
        || drop(ManuallyDrop::into_inner(b)),
        |_| weak_counts("w", &w),
    );
    let gone = t.step("w.upgrade()", || w.upgrade(), found);
    if let Some(Some(rc)) = gone {
        // Wrong, and already shown as such: keep it out of the way.
        let _ = keep(rc);
    }
    t.step(
        "drop(w)",
        || drop(ManuallyDrop::into_inner(w)),
        |_| weak_counts("w2", &w2),
    );
    let gone = t.step("w2.upgrade()", || w2.upgrade(), found);
    if let Some(Some(rc)) = gone {
        let _ = keep(rc);
    }
    t.step("drop(w2)", || drop(ManuallyDrop::into_inner(w2)), nothing);
    t.finish()
}

fn self_cycle_leaks() -> String {
    let mut t = Trace::new();
    let Some(a) = t.step(
        "let a = MyRc::new(A)",
        || keep(MyRc::new(node('A'))),
        |a: &Rc| rc_counts("a", a),
    ) else {
        return t.finish();
    };
    let linked = t.step(
        "a.link = Strong(a.clone())",
        || *a.link.borrow_mut() = Link::Strong(MyRc::clone(&a)),
        |_| rc_counts("a", &a),
    );
    if linked.is_none() {
        return t.finish();
    }
    let Some(w) = t.step(
        "let w = MyRc::downgrade(&a)",
        || keep(MyRc::downgrade(&a)),
        |_| rc_counts("a", &a),
    ) else {
        return t.finish();
    };
    t.step(
        "drop(a)",
        || drop(ManuallyDrop::into_inner(a)),
        |_| weak_counts("w", &w),
    );
    let tally = t.tally();
    t.note(&format!("leaked: {tally}"));
    t.note("break the cycle by hand, through w");
    let Some(Some(a)) = t.step("let a = w.upgrade()", || w.upgrade(), |a| upgraded("a", a)) else {
        return t.finish();
    };
    let a = keep(a);
    t.step(
        "a.link = Nothing",
        || drop(a.link.replace(Link::Nothing)),
        |_| rc_counts("a", &a),
    );
    t.step(
        "drop(a)",
        || drop(ManuallyDrop::into_inner(a)),
        |_| weak_counts("w", &w),
    );
    t.step("drop(w)", || drop(ManuallyDrop::into_inner(w)), nothing);
    t.finish()
}

fn cycles_broken_by_weak() -> String {
    let mut t = Trace::new();
    t.note("a node with a weak link to itself");
    let Some(a) = t.step(
        "let a = MyRc::new(A)",
        || keep(MyRc::new(node('A'))),
        |a: &Rc| rc_counts("a", a),
    ) else {
        return t.finish();
    };
    let linked = t.step(
        "a.link = Weak(downgrade(&a))",
        || *a.link.borrow_mut() = Link::Weak(MyRc::downgrade(&a)),
        |_| rc_counts("a", &a),
    );
    if linked.is_none() {
        return t.finish();
    }
    t.step("drop(a)", || drop(ManuallyDrop::into_inner(a)), nothing);
    t.note("a parent owns its child; the child points back weakly");
    let Some(p) = t.step(
        "let p = MyRc::new(P)",
        || keep(MyRc::new(node('P'))),
        |p: &Rc| rc_counts("p", p),
    ) else {
        return t.finish();
    };
    let Some(c) = t.step(
        "let c = MyRc::new(C)",
        || keep(MyRc::new(node('C'))),
        |c: &Rc| rc_counts("c", c),
    ) else {
        return t.finish();
    };
    t.step(
        "c.link = Weak(downgrade(&p))",
        || *c.link.borrow_mut() = Link::Weak(MyRc::downgrade(&p)),
        |_| rc_counts("p", &p),
    );
    t.step(
        "p.link = Strong(c.clone())",
        || *p.link.borrow_mut() = Link::Strong(MyRc::clone(&c)),
        |_| rc_counts("c", &c),
    );
    t.step(
        "drop(c)",
        || drop(ManuallyDrop::into_inner(c)),
        |_| rc_counts("p", &p),
    );
    t.step("drop(p)", || drop(ManuallyDrop::into_inner(p)), nothing);
    t.finish()
}

fn try_unwrap() -> String {
    let mut t = Trace::new();
    let Some(a) = t.step(
        "let a = MyRc::new(A)",
        || keep(MyRc::new(node('A'))),
        |a: &Rc| rc_counts("a", a),
    ) else {
        return t.finish();
    };
    let Some(b) = t.step(
        "let b = a.clone()",
        || keep(MyRc::clone(&a)),
        |_| rc_counts("a", &a),
    ) else {
        return t.finish();
    };
    let Some(c) = t.step(
        "let c = a.clone()",
        || keep(MyRc::clone(&a)),
        |_| rc_counts("a", &a),
    ) else {
        return t.finish();
    };
    // try_unwrap takes its argument by value: if it panicked, that MyRc would
    // be dropped while unwinding. Go on only once dropping is known to work.
    if t.step(
        "drop(c)",
        || drop(ManuallyDrop::into_inner(c)),
        |_| rc_counts("a", &a),
    )
    .is_none()
    {
        return t.finish();
    }
    let Some(shared) = t.step(
        "MyRc::try_unwrap(a)",
        || MyRc::try_unwrap(ManuallyDrop::into_inner(a)),
        |r| match r {
            Ok(value) => format!("Ok({})", value.name),
            Err(rc) => format!("Err(a) {}", rc_counts("a", rc)),
        },
    ) else {
        return t.finish();
    };
    let a: Rc = match shared {
        Err(rc) => keep(rc),
        Ok(value) => {
            let _ = keep(value);
            return t.finish();
        }
    };
    t.step(
        "drop(b)",
        || drop(ManuallyDrop::into_inner(b)),
        |_| rc_counts("a", &a),
    );
    let Some(w) = t.step(
        "let w = MyRc::downgrade(&a)",
        || keep(MyRc::downgrade(&a)),
        |_| rc_counts("a", &a),
    ) else {
        return t.finish();
    };
    let Some(alone) = t.step(
        "let v = MyRc::try_unwrap(a)",
        || MyRc::try_unwrap(ManuallyDrop::into_inner(a)),
        |r| match r {
            Ok(value) => format!("Ok({}) {}", value.name, weak_counts("w", &w)),
            Err(rc) => format!("Err(a) {}", rc_counts("a", rc)),
        },
    ) else {
        return t.finish();
    };
    let v = match alone {
        Ok(value) => keep(value),
        Err(rc) => {
            let _ = keep(rc);
            return t.finish();
        }
    };
    let gone = t.step("w.upgrade()", || w.upgrade(), found);
    if let Some(Some(rc)) = gone {
        let _ = keep(rc);
    }
    t.step("drop(w)", || drop(ManuallyDrop::into_inner(w)), nothing);
    t.step("drop(v)", || drop(ManuallyDrop::into_inner(v)), nothing);
    t.note("the only reference, no weak ones");
    let Some(x) = t.step(
        "let x = MyRc::new(X)",
        || keep(MyRc::new(node('X'))),
        |x: &Rc| rc_counts("x", x),
    ) else {
        return t.finish();
    };
    let Some(unwrapped) = t.step(
        "let v = MyRc::try_unwrap(x)",
        || MyRc::try_unwrap(ManuallyDrop::into_inner(x)),
        |r| match r {
            Ok(value) => format!("Ok({})", value.name),
            Err(rc) => format!("Err(x) {}", rc_counts("x", rc)),
        },
    ) else {
        return t.finish();
    };
    match unwrapped {
        Ok(value) => {
            let v = keep(value);
            t.step("drop(v)", || drop(ManuallyDrop::into_inner(v)), nothing);
        }
        Err(rc) => {
            let _ = keep(rc);
        }
    }
    t.finish()
}
