# An instance holds a reference to each attribute value (and one to its
# class). In CPython 3.11 the attributes live inline in the object until
# you ask for __dict__; then a real dict is made, and the collector counts
# it too.
import sys, gc

gc.collect()
class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y

coords = [10, 20]
p = Point(coords, coords)
print(sys.getrefcount(coords))      # coords, p.x, p.y, argument
print(p.x is p.y)
p.y = None
print(sys.getrefcount(coords))
print(sys.getsizeof(p))             # attributes are not part of it
class Node:
    pass
n = Node()
n.me = n                            # an instance in a cycle with itself
del n
print(gc.collect())                 # 1: just the instance
n = Node()
n.me = n
d = n.__dict__                      # now a real dict exists
print(d is n.__dict__, gc.is_tracked(d))
del n, d
print(gc.collect())                 # 2: the instance and its dict
