# Weak-reference callbacks and __del__, in two orders (book:
# cycles/finalizers.md). Killed by reference counting, the object runs
# __del__ first (r() still works), then its weak references are cleared and
# the callback runs. Found by the collector in a cycle, the weak reference
# is cleared and its callback called before any __del__ runs, so __del__
# finds r() already None.
import gc, weakref

gc.collect()
class Node:
    def __del__(self):
        print("__del__: r() is None:", r() is None)

def callback(ref):
    print("callback: ref() is", ref())

n = Node()
r = weakref.ref(n, callback)
del n
n = Node()
n.me = n
r = weakref.ref(n, callback)
del n
print(gc.collect())
