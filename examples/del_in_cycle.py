# __del__ in a cycle. Since Python 3.4 (PEP 442) the collector runs the
# finalizers of a garbage cycle, then breaks the cycle; before that, such
# cycles were left uncollectable in gc.garbage. Each __del__ runs once: the
# objects are still whole while it runs (self.other is still there).
import gc

class Node:
    def __init__(self, name):
        self.name = name
    def __del__(self):
        print("__del__", self.name, "sees", self.other.name)

gc.collect()
a = Node("a")
b = Node("b")
a.other = b
b.other = a
del a, b
print("nothing yet")
print(gc.collect())             # both finalizers run, then 2
print(gc.collect())             # 0: nothing was left behind
