# Containers hold references, not copies: the same inner list can sit in
# several places, and each place counts. When the outer list dies it
# releases its items, last to first.
import sys, gc

gc.collect()

inner = [1, 2]
outer = [inner, inner, [inner]]
print(sys.getrefcount(inner))   # inner, outer[0], outer[1], outer[2][0], argument
print(outer)
print(outer[0] is outer[1], outer[2][0] is inner)
inner.append(3)
print(outer)
t = (inner, 'text', 42)
print(sys.getrefcount(inner))
n = 1
pair = (n, n + 1)                # a tuple of ints, made at run time
print(gc.is_tracked(t), gc.is_tracked(pair))
gc.collect()                     # a collection stops watching tuples
print(gc.is_tracked(t), gc.is_tracked(pair))   # that hold only untracked items
del outer
print(sys.getrefcount(inner))
class Tag:
    def __init__(self, name):
        self.name = name
    def __del__(self):
        print("freed", self.name)
box = [Tag("first"), Tag("second"), Tag("third")]
del box                          # third, second, first
