# What a resurrection saves (book: cycles/finalizers.md). head refers to
# itself and to a; a and b refer to each other; b refers to c. All four are
# garbage, and all four __del__s run; b's stores b in a global list. The
# collector then finds b, and what b reaches (a and c), reachable again:
# only head is freed. When saved lets go of b, the next collection frees
# the three survivors without running any __del__ again.
import gc

gc.collect()
saved = []
class Node:
    def __init__(self, name):
        self.name = name
    def __del__(self):
        print("__del__ of", self.name)
        if self.name == "b":
            saved.append(self)

head, a, b, c = Node("head"), Node("a"), Node("b"), Node("c")
head.me = head; head.next = a
a.next = b; b.next = a; b.leaf = c
del head, a, b, c
print(gc.collect())         # 1: only head
print(len(saved), saved[0].name, saved[0].next.name, saved[0].leaf.name)
saved.clear()
print(gc.collect())         # 3: b, a and c, no __del__ this time
