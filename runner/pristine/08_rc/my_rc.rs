//! # Exercise `my_rc`: your own `Rc` and `Weak` on raw pointers
//!
//! Book: book/src/refcount/rc-in-rust.md, section "Your turn: MyRc and
//! MyWeak".
//!
//! `std::rc::Rc` is reference counting, the way CPython does it: one heap
//! allocation holds the value and its count, `clone` is `Py_INCREF`, and
//! `drop` is `Py_DECREF`, which frees the value when the count reaches 0.
//! Build it yourself, on a raw pointer, with a weak reference next to it:
//! `MyRc<T>` keeps the value alive, `MyWeak<T>` keeps only the allocation
//! (the counts) alive, and `upgrade`s to a `MyRc` while the value exists.
//!
//! The types are given: an `RcBox<T>` on the heap with two counts and the
//! value, and two handles that point to it. Fill in the `todo!()`s, from
//! the top down:
//!
//! 1. `strong` and `weak` (the counts behind a handle), then `MyRc::new`,
//!    `Deref`, `strong_count` and `weak_count`.
//! 2. `Clone` and `Drop` for `MyRc`. The last strong reference drops the
//!    value; the box (the memory) lives on while a `MyWeak` needs it.
//! 3. `downgrade`; `upgrade`, `strong_count`, `Clone` and `Drop` for
//!    `MyWeak`.
//! 4. `try_unwrap`: the value back out, if no other `MyRc` shares it.
//!
//! Three rules for the `unsafe` parts:
//! - The box is made once, by `Box`, and freed once, by `Box` again, when
//!   nothing (no `MyRc`, no `MyWeak`) points to it any more.
//! - The value is dropped exactly once, when the strong count reaches 0
//!   (or moved out, by `try_unwrap`). The box's `ManuallyDrop` means that
//!   freeing the box will not drop it again.
//! - Never borrow the whole `RcBox<T>` (no `&RcBox<T>`, no `&mut`): borrow
//!   the one field you need through the raw pointer. Once the value is
//!   being dropped, or gone, a reference that covers it is undefined
//!   behaviour, even if you only read a count through it.
//!
//! ```
//! let a = MyRc::new(String::from("spam"));
//! let b = a.clone();                    // strong 2
//! let w = MyRc::downgrade(&a);          // weak 1
//! drop(a);
//! drop(b);                              // "spam" is dropped here
//! assert!(w.upgrade().is_none());       // the box is still there, for w
//! drop(w);                              // and now it is freed
//! ```
//!
//! Run `memlings` and save this file: the check runs short scripts of
//! clones, drops, downgrades and upgrades, and prints after each step the
//! counts, which value was dropped, and when a box was allocated or freed.

use std::cell::Cell;
use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use std::ops::Deref;
use std::ptr::NonNull;

/// The one heap allocation behind every `MyRc` and `MyWeak` to a value:
/// the two counts and the value itself, side by side, like a CPython object
/// whose header holds its reference count.
struct RcBox<T> {
    /// How many `MyRc`s point here. The value lives while this is above 0.
    strong: Cell<usize>,
    /// How many `MyWeak`s point here, plus one while `strong` is above 0:
    /// all the strong references together own a single weak one. The box
    /// itself lives while this is above 0.
    weak: Cell<usize>,
    /// Dropped by hand when `strong` reaches 0, and not again when the box
    /// is freed (`ManuallyDrop` never drops what it holds).
    value: ManuallyDrop<T>,
}

/// A strong reference: keeps the value alive. Cloning it counts one more
/// reference (CPython's `Py_INCREF`), dropping it one fewer (`Py_DECREF`).
pub struct MyRc<T> {
    ptr: NonNull<RcBox<T>>,
    /// Says that a `MyRc<T>` owns a `T` (through the box), which a bare
    /// `NonNull` does not say.
    _owns: PhantomData<RcBox<T>>,
}

/// A weak reference: keeps the box (and its counts) alive, not the value.
/// `upgrade` turns it into a `MyRc` while the value still exists.
pub struct MyWeak<T> {
    ptr: NonNull<RcBox<T>>,
}

impl<T> MyRc<T> {
    /// The strong count in the box. (Borrow only this field: see the rules
    /// above.)
    fn strong(&self) -> &Cell<usize> {
        todo!()
    }

    /// The weak count in the box.
    fn weak(&self) -> &Cell<usize> {
        todo!()
    }
}

impl<T> MyWeak<T> {
    /// The strong count in the box: it outlives the value.
    fn strong(&self) -> &Cell<usize> {
        todo!()
    }

    /// The weak count in the box.
    fn weak(&self) -> &Cell<usize> {
        todo!()
    }
}

impl<T> MyRc<T> {
    /// Moves `value` to the heap, in a new box, with one strong reference
    /// (the one returned) and the weak reference the strong ones share.
    pub fn new(value: T) -> MyRc<T> {
        todo!()
    }

    /// How many `MyRc`s point to this value, this one included.
    pub fn strong_count(this: &Self) -> usize {
        todo!()
    }

    /// How many `MyWeak`s point to this value (not counting the weak
    /// reference the strong ones share).
    pub fn weak_count(this: &Self) -> usize {
        todo!()
    }

    /// A new weak reference to the same box.
    pub fn downgrade(this: &Self) -> MyWeak<T> {
        todo!()
    }

    /// The value itself, if `this` is its only strong reference; otherwise
    /// `this`, unchanged. Weak references do not stop it: afterwards they
    /// find the value gone, and the last of them frees the box.
    pub fn try_unwrap(this: Self) -> Result<T, Self> {
        todo!()
    }
}

impl<T> Clone for MyRc<T> {
    /// `Py_INCREF`: one more strong reference to the same box.
    fn clone(&self) -> MyRc<T> {
        todo!()
    }
}

impl<T> Deref for MyRc<T> {
    type Target = T;

    fn deref(&self) -> &T {
        todo!()
    }
}

impl<T> Drop for MyRc<T> {
    /// `Py_DECREF`: one strong reference fewer. The last one drops the
    /// value, then gives up the weak reference the strong ones shared.
    fn drop(&mut self) {
        todo!()
    }
}

impl<T> MyWeak<T> {
    /// A strong reference to the value, if it still exists.
    pub fn upgrade(&self) -> Option<MyRc<T>> {
        todo!()
    }

    /// How many `MyRc`s point to the value: 0 once it has been dropped.
    pub fn strong_count(&self) -> usize {
        todo!()
    }
}

impl<T> Clone for MyWeak<T> {
    fn clone(&self) -> MyWeak<T> {
        todo!()
    }
}

impl<T> Drop for MyWeak<T> {
    /// One weak reference fewer; the last one frees the box.
    fn drop(&mut self) {
        todo!()
    }
}

fn main() {
    // Try it: `cargo run -p memlings-exercises --bin my_rc`, and then under
    // Miri, which stops at the first undefined behaviour it sees:
    //     cargo +nightly miri run -p memlings-exercises --bin my_rc
    // The check calls your types, not `main`.
    use std::cell::RefCell;

    // A value that says when it is dropped, and can hold a link to a node.
    struct Node {
        name: &'static str,
        strong: RefCell<Option<MyRc<Node>>>,
        weak: RefCell<Option<MyWeak<Node>>>,
    }
    impl Drop for Node {
        fn drop(&mut self) {
            println!("  {} dropped", self.name);
        }
    }
    fn node(name: &'static str) -> MyRc<Node> {
        MyRc::new(Node {
            name,
            strong: RefCell::new(None),
            weak: RefCell::new(None),
        })
    }
    fn counts(rc: &MyRc<Node>) -> String {
        format!(
            "strong {}, weak {}",
            MyRc::strong_count(rc),
            MyRc::weak_count(rc)
        )
    }

    println!("clone and drop:");
    let a = node("a");
    let b = a.clone();
    println!("  b = a.clone(): {}", counts(&b));
    drop(a);
    println!("  drop(a): {} is alive, {}", b.name, counts(&b));
    drop(b);

    println!("a weak reference outlives the value:");
    let a = node("a");
    let w = MyRc::downgrade(&a);
    println!("  w.upgrade() finds {:?}", w.upgrade().map(|rc| rc.name));
    drop(a);
    println!(
        "  after drop(a), w.upgrade() finds {:?}",
        w.upgrade().map(|rc| rc.name)
    );
    drop(w);

    println!("a node holding a MyRc to itself leaks:");
    let a = node("a");
    *a.strong.borrow_mut() = Some(a.clone());
    let w = MyRc::downgrade(&a);
    drop(a);
    println!(
        "  after drop(a): nothing dropped, strong {}",
        w.strong_count()
    );
    // Break the cycle by hand, so that the program frees all it made.
    let a = w.upgrade().expect("the cycle keeps it alive");
    a.strong.borrow_mut().take();
    drop(a);
    drop(w);

    println!("a node holding a MyWeak to itself does not:");
    let a = node("a");
    *a.weak.borrow_mut() = Some(MyRc::downgrade(&a));
    println!("  {}", counts(&a));
    drop(a);

    println!("try_unwrap:");
    let a = node("a");
    let b = a.clone();
    let a = MyRc::try_unwrap(a).err().expect("b shares the value");
    drop(b);
    let value = MyRc::try_unwrap(a).ok().expect("a is the only one left");
    println!("  got {} back", value.name);
}
