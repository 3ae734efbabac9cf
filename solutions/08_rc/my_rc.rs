//! # Exercise `my_rc`: your own `Rc` and `Weak` on raw pointers (solution)
//!
//! Book: book/src/refcount/rc-in-rust.md
//!
//! Clean under Miri: `cargo +nightly miri test -p memlings-solutions --bin my_rc`
//! (the tests at the bottom walk every path), or `.ci/miri`.

use std::cell::Cell;
use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use std::ops::Deref;
use std::ptr::NonNull;

// ANCHOR: types
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
// ANCHOR_END: types

// ANCHOR: counts
// The counts are always reached through the raw pointer, field by field:
// `&(*ptr).strong` borrows the counter and nothing else. A `&RcBox<T>`
// would also cover `value`, which may already be dropped (for a `MyWeak`),
// or being dropped right now (when the value's own drop releases a
// reference to its box); Miri reports that as undefined behaviour.
impl<T> MyRc<T> {
    fn strong(&self) -> &Cell<usize> {
        // Safety: the box lives at least as long as any MyRc to it.
        unsafe { &(*self.ptr.as_ptr()).strong }
    }

    fn weak(&self) -> &Cell<usize> {
        // Safety: as above.
        unsafe { &(*self.ptr.as_ptr()).weak }
    }
}

impl<T> MyWeak<T> {
    fn strong(&self) -> &Cell<usize> {
        // Safety: the box lives at least as long as any MyWeak to it.
        unsafe { &(*self.ptr.as_ptr()).strong }
    }

    fn weak(&self) -> &Cell<usize> {
        // Safety: as above.
        unsafe { &(*self.ptr.as_ptr()).weak }
    }
}
// ANCHOR_END: counts

impl<T> MyRc<T> {
    // ANCHOR: new
    /// Moves `value` to the heap, with one strong reference (the one
    /// returned) and the weak reference the strong ones share.
    pub fn new(value: T) -> MyRc<T> {
        let rc_box = Box::new(RcBox {
            strong: Cell::new(1),
            weak: Cell::new(1),
            value: ManuallyDrop::new(value),
        });
        // From here on the box is ours to free: no Box will do it for us.
        let ptr = NonNull::from(Box::leak(rc_box));
        MyRc {
            ptr,
            _owns: PhantomData,
        }
    }
    // ANCHOR_END: new

    /// How many `MyRc`s point to this value, this one included.
    pub fn strong_count(this: &Self) -> usize {
        this.strong().get()
    }

    /// How many `MyWeak`s point to this value (not counting the weak
    /// reference the strong ones share).
    pub fn weak_count(this: &Self) -> usize {
        this.weak().get() - 1
    }

    /// A new weak reference to the same box.
    pub fn downgrade(this: &Self) -> MyWeak<T> {
        this.weak().set(this.weak().get() + 1);
        MyWeak { ptr: this.ptr }
    }

    // ANCHOR: try_unwrap
    /// The value itself, if `this` is its only strong reference; otherwise
    /// `this`, unchanged. Weak references do not stop it: they see the
    /// value as gone.
    pub fn try_unwrap(this: Self) -> Result<T, Self> {
        if this.strong().get() != 1 {
            return Err(this);
        }
        // `this` must not run its own Drop: we do its work by hand, except
        // that the value is moved out instead of dropped.
        let this = ManuallyDrop::new(this);
        this.strong().set(0);
        // Safety: the strong count was 1, so nothing else reads the value,
        // and with strong at 0 nothing will again.
        let value = unsafe { ManuallyDrop::take(&mut (*this.ptr.as_ptr()).value) };
        // Hand back the weak reference the strong ones shared.
        drop(MyWeak { ptr: this.ptr });
        Ok(value)
    }
    // ANCHOR_END: try_unwrap
}

// ANCHOR: clone
impl<T> Clone for MyRc<T> {
    /// `Py_INCREF`: one more strong reference to the same box.
    fn clone(&self) -> MyRc<T> {
        self.strong().set(self.strong().get() + 1);
        MyRc {
            ptr: self.ptr,
            _owns: PhantomData,
        }
    }
}
// ANCHOR_END: clone

impl<T> Deref for MyRc<T> {
    type Target = T;

    fn deref(&self) -> &T {
        // Safety: while this MyRc exists the strong count is at least 1, so
        // the value is alive; the borrow covers the value only.
        unsafe { &(*self.ptr.as_ptr()).value }
    }
}

// ANCHOR: drop
impl<T> Drop for MyRc<T> {
    /// `Py_DECREF`: one strong reference fewer. The last one drops the
    /// value, then lets go of the weak reference the strong ones shared,
    /// which frees the box if no `MyWeak` is left.
    fn drop(&mut self) {
        let strong = self.strong().get() - 1;
        self.strong().set(strong);
        if strong == 0 {
            // Safety: this was the last strong reference, so nothing can
            // reach the value any more; it is dropped exactly once, here.
            // Its drop may release other references to this very box (a
            // node holding a MyWeak to itself): the shared weak reference,
            // still counted, keeps the box alive until the line below.
            unsafe { ManuallyDrop::drop(&mut (*self.ptr.as_ptr()).value) };
            drop(MyWeak { ptr: self.ptr });
        }
    }
}
// ANCHOR_END: drop

impl<T> MyWeak<T> {
    /// A strong reference to the value, if it still exists.
    pub fn upgrade(&self) -> Option<MyRc<T>> {
        let strong = self.strong().get();
        if strong == 0 {
            return None;
        }
        self.strong().set(strong + 1);
        Some(MyRc {
            ptr: self.ptr,
            _owns: PhantomData,
        })
    }

    /// How many `MyRc`s point to the value: 0 once it has been dropped.
    pub fn strong_count(&self) -> usize {
        self.strong().get()
    }
}

impl<T> Clone for MyWeak<T> {
    fn clone(&self) -> MyWeak<T> {
        self.weak().set(self.weak().get() + 1);
        MyWeak { ptr: self.ptr }
    }
}

// ANCHOR: weak_drop
impl<T> Drop for MyWeak<T> {
    /// One weak reference fewer; the last one frees the box. (The value is
    /// gone by then: while it lived, the strong references held a weak one.)
    fn drop(&mut self) {
        let weak = self.weak().get() - 1;
        self.weak().set(weak);
        if weak == 0 {
            // Safety: no MyRc or MyWeak points here any more. The value was
            // dropped already, and ManuallyDrop keeps Box from dropping it
            // again: this only frees the memory.
            drop(unsafe { Box::from_raw(self.ptr.as_ptr()) });
        }
    }
}
// ANCHOR_END: weak_drop

fn main() {
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

// Every path of MyRc and MyWeak, for Miri:
//     cargo +nightly miri test -p memlings-solutions --bin my_rc
// A leaked cycle is not left to leak: the test that builds one checks that
// nothing was dropped, then breaks the cycle itself and checks that
// everything was. So Miri's leak checker stays on for all the tests
// (`-Zmiri-ignore-leaks` would switch it off for every test in the run, and
// hide a real leak anywhere else).
#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;
    use std::rc::Rc;

    /// Counts how many times values sharing it were dropped.
    #[derive(Clone, Default)]
    struct Drops(Rc<Cell<usize>>);

    impl Drops {
        fn count(&self) -> usize {
            self.0.get()
        }
    }

    struct Tracked {
        name: &'static str,
        drops: Drops,
    }

    impl Drop for Tracked {
        fn drop(&mut self) {
            self.drops.0.set(self.drops.0.get() + 1);
        }
    }

    fn tracked(name: &'static str, drops: &Drops) -> Tracked {
        Tracked {
            name,
            drops: drops.clone(),
        }
    }

    /// What a node holds: nothing, a strong or a weak reference to a node.
    /// (Held only to be dropped, never read.)
    #[allow(dead_code)]
    enum Link {
        Nothing,
        Strong(MyRc<Node>),
        Weak(MyWeak<Node>),
    }

    struct Node {
        _tag: Tracked,
        link: RefCell<Link>,
    }

    fn node(name: &'static str, drops: &Drops) -> MyRc<Node> {
        MyRc::new(Node {
            _tag: tracked(name, drops),
            link: RefCell::new(Link::Nothing),
        })
    }

    #[test]
    fn new_deref_and_counts() {
        let drops = Drops::default();
        let a = MyRc::new(tracked("a", &drops));
        assert_eq!(a.name, "a");
        assert_eq!((MyRc::strong_count(&a), MyRc::weak_count(&a)), (1, 0));
        drop(a);
        assert_eq!(drops.count(), 1);
    }

    #[test]
    fn clones_dropped_in_either_order() {
        for first_dropped_is_original in [true, false] {
            let drops = Drops::default();
            let a = MyRc::new(tracked("a", &drops));
            let b = a.clone();
            let c = b.clone();
            assert_eq!(MyRc::strong_count(&c), 3);
            assert_eq!(c.name, "a");
            let (first, second) = if first_dropped_is_original {
                (a, b)
            } else {
                (b, a)
            };
            drop(first);
            assert_eq!(MyRc::strong_count(&second), 2);
            drop(c);
            assert_eq!(MyRc::strong_count(&second), 1);
            assert_eq!(drops.count(), 0);
            drop(second);
            assert_eq!(drops.count(), 1);
        }
    }

    #[test]
    fn shared_value_is_one_value() {
        let a = MyRc::new(Cell::new(1));
        let b = a.clone();
        a.set(2);
        assert_eq!(b.get(), 2);
    }

    #[test]
    fn weak_outlives_strong() {
        let drops = Drops::default();
        let a = MyRc::new(tracked("a", &drops));
        let w = MyRc::downgrade(&a);
        let w2 = w.clone();
        assert_eq!(MyRc::weak_count(&a), 2);
        let b = w.upgrade().expect("a is alive");
        assert_eq!((MyRc::strong_count(&a), w.strong_count()), (2, 2));
        assert_eq!(b.name, "a");
        drop(a);
        drop(b);
        assert_eq!(drops.count(), 1);
        assert_eq!(w.strong_count(), 0);
        assert!(w.upgrade().is_none());
        drop(w);
        assert!(w2.upgrade().is_none());
        drop(w2);
    }

    #[test]
    fn weak_dropped_before_strong() {
        let drops = Drops::default();
        let a = MyRc::new(tracked("a", &drops));
        let w = MyRc::downgrade(&a);
        drop(w);
        assert_eq!(MyRc::weak_count(&a), 0);
        drop(a);
        assert_eq!(drops.count(), 1);
    }

    #[test]
    fn self_cycle_leaks_until_broken_by_hand() {
        let drops = Drops::default();
        let a = node("a", &drops);
        *a.link.borrow_mut() = Link::Strong(a.clone());
        let w = MyRc::downgrade(&a);
        drop(a);
        // No MyRc outside the node is left, and the value is still alive:
        // this is the leak. Python's collector would find it; Rust has none.
        assert_eq!(drops.count(), 0);
        assert_eq!(w.strong_count(), 1);
        // Break the cycle the way the collector does: clear the reference
        // inside the node. Everything is freed, so Miri sees no leak.
        let a = w.upgrade().expect("the cycle keeps it alive");
        let link = a.link.replace(Link::Nothing);
        drop(link);
        assert_eq!(MyRc::strong_count(&a), 1);
        drop(a);
        assert_eq!(drops.count(), 1);
        assert!(w.upgrade().is_none());
    }

    #[test]
    fn two_node_cycle_broken_by_hand() {
        let drops = Drops::default();
        let a = node("a", &drops);
        let b = node("b", &drops);
        *a.link.borrow_mut() = Link::Strong(b.clone());
        *b.link.borrow_mut() = Link::Strong(a.clone());
        let w = MyRc::downgrade(&a);
        drop(a);
        drop(b);
        assert_eq!(drops.count(), 0);
        let a = w.upgrade().expect("the cycle keeps it alive");
        drop(a.link.replace(Link::Nothing));
        drop(a);
        assert_eq!(drops.count(), 2);
    }

    #[test]
    fn self_cycle_through_weak_is_freed() {
        let drops = Drops::default();
        let a = node("a", &drops);
        // The value's drop releases this MyWeak, the last real weak
        // reference to its own box, while MyRc::drop is still running.
        *a.link.borrow_mut() = Link::Weak(MyRc::downgrade(&a));
        assert_eq!((MyRc::strong_count(&a), MyRc::weak_count(&a)), (1, 1));
        drop(a);
        assert_eq!(drops.count(), 1);
    }

    #[test]
    fn parent_and_child_with_a_weak_back_link() {
        let drops = Drops::default();
        let parent = node("parent", &drops);
        let child = node("child", &drops);
        *child.link.borrow_mut() = Link::Weak(MyRc::downgrade(&parent));
        *parent.link.borrow_mut() = Link::Strong(child.clone());
        drop(child);
        assert_eq!(drops.count(), 0);
        drop(parent);
        assert_eq!(drops.count(), 2);
    }

    #[test]
    fn weak_to_a_node_whose_value_holds_the_last_weak() {
        let drops = Drops::default();
        let a = node("a", &drops);
        *a.link.borrow_mut() = Link::Weak(MyRc::downgrade(&a));
        let w = MyRc::downgrade(&a);
        drop(a);
        assert_eq!(drops.count(), 1);
        assert!(w.upgrade().is_none());
        drop(w);
    }

    #[test]
    fn try_unwrap_paths() {
        let drops = Drops::default();
        let a = MyRc::new(tracked("a", &drops));
        let b = a.clone();
        let a = match MyRc::try_unwrap(a) {
            Ok(_) => panic!("b still shares the value"),
            Err(a) => a,
        };
        assert_eq!(MyRc::strong_count(&b), 2);
        drop(b);
        let w = MyRc::downgrade(&a);
        let value = match MyRc::try_unwrap(a) {
            Ok(value) => value,
            Err(_) => panic!("a is the only strong reference"),
        };
        assert_eq!(drops.count(), 0);
        assert!(w.upgrade().is_none());
        drop(w);
        assert_eq!(value.name, "a");
        drop(value);
        assert_eq!(drops.count(), 1);

        // Alone: the box is freed on the spot.
        let only = MyRc::new(tracked("only", &drops));
        let value = MyRc::try_unwrap(only).ok().expect("the only reference");
        drop(value);
        assert_eq!(drops.count(), 2);
    }

    #[test]
    fn zero_sized_values() {
        let a = MyRc::new(());
        let w = MyRc::downgrade(&a);
        let b = a.clone();
        drop(a);
        drop(b);
        assert!(w.upgrade().is_none());
    }
}
