# The smallest cycle: one object that refers to itself (book:
# refcount/rc-in-rust.md). With the collector off, `del a` frees nothing;
# gc.collect() finds the node, runs its __del__, and frees it.
import gc, sys

class Node:
    def __del__(self):
        print("freed")

gc.collect()
gc.disable()
a = Node()
a.me = a
print(sys.getrefcount(a))   # the name, a.me, the argument
del a
print("nothing was freed")
print(gc.collect())         # prints "freed" first, then 1
gc.enable()
