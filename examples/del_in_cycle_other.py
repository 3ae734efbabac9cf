# __del__ in a cycle, as book/src/cycles/finalizers.md draws it: a and b
# refer to each other and each __del__ reads self.other. Since Python 3.4
# (PEP 442) the collector runs every finalizer of the garbage while all of
# it is still intact, then breaks the cycle: both see their other, the
# collection reports 2 objects, and a second collection finds nothing left.
import gc

gc.collect()
class Node:
    def __init__(self, name):
        self.name = name
    def __del__(self):
        print("__del__ of", self.name, "- other is", self.other.name)

a = Node("a")
b = Node("b")
a.other = b
b.other = a
del a, b
print(gc.collect())
print(gc.collect())         # 0: nothing was left behind
