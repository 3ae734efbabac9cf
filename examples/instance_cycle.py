# Two instances that refer to each other. In CPython 3.11 an instance keeps
# its attributes inline (no dict object) until something asks for
# __dict__, so the collector finds 2 objects; once __dict__ has been
# touched, each instance has a real dict too, and it finds 4.
import gc, sys

class Node:
    pass

gc.collect()
a = Node()
b = Node()
a.other = b
b.other = a
print(sys.getrefcount(a), sys.getrefcount(b))   # name, the other's attribute, argument
del a, b
print(gc.collect())             # 2: the two instances
a = Node()
b = Node()
a.other = b
b.other = a
print(len(a.__dict__), len(b.__dict__))         # asking for __dict__ makes the dicts
del a, b
print(gc.collect())             # 4: two instances and their two dicts
