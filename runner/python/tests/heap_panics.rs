//! A heap with a bug must not hide what the program printed before the
//! bug struck: the learner reads the output to find where it went wrong.

use memlings_python::{Heap, NoCollector, ObjId, Object, Options, Runtime, SizeModel};

/// Never frees anything, and panics when asked to store the string "boom",
/// as a learner's heap panics on a case it gets wrong.
#[derive(Default)]
struct BuggyHeap {
    objects: Vec<(Object, usize)>,
    gc: NoCollector,
}

enum NoSizes {}

impl SizeModel<BuggyHeap> for NoSizes {
    fn getsizeof(_heap: &BuggyHeap, _id: ObjId) -> usize {
        0
    }

    fn list_capacity(_allocated: usize, _size: usize, newsize: usize) -> usize {
        newsize
    }
}

impl Heap for BuggyHeap {
    type Collector = NoCollector;
    type Sizes = NoSizes;

    fn alloc<R: Runtime<Self>>(&mut self, object: Object, _rt: &mut R) -> ObjId {
        if matches!(&object, Object::Str(s) if &**s == "boom") {
            panic!("object 7 is not alive");
        }
        self.objects.push((object, 1));
        ObjId(self.objects.len() as u32 - 1)
    }

    fn get(&self, id: ObjId) -> &Object {
        &self.objects[id.0 as usize].0
    }

    fn get_mut(&mut self, id: ObjId) -> &mut Object {
        &mut self.objects[id.0 as usize].0
    }

    fn incref(&mut self, id: ObjId) {
        self.objects[id.0 as usize].1 += 1;
    }

    fn decref<R: Runtime<Self>>(&mut self, id: ObjId, _rt: &mut R) {
        self.objects[id.0 as usize].1 -= 1;
    }

    fn refcount(&self, id: ObjId) -> usize {
        self.objects[id.0 as usize].1
    }

    fn live_objects(&self) -> Vec<ObjId> {
        (0..self.objects.len() as u32).map(ObjId).collect()
    }

    fn collector(&self) -> &NoCollector {
        &self.gc
    }

    fn collector_mut(&mut self) -> &mut NoCollector {
        &mut self.gc
    }
}

#[test]
fn output_printed_before_a_heap_panics_is_kept() {
    let source = "print('first')\nx = 'bo'\nprint('second')\ny = x + 'om'\nprint('never')\n";
    let out = memlings_python::run_program::<BuggyHeap>(source, "t.py", &Options::default());
    assert_eq!(out.stdout, "first\nsecond\n");
    let error = out.error.expect("the panic stops the program").to_string();
    assert!(error.contains("object 7 is not alive"), "{error}");
    assert!(!out.stdout.contains("never"));
}
