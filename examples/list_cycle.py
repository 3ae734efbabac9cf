# A list that contains itself: reference counting alone can never free
# it, because after `del l` the list still holds a reference to itself.
# The cycle collector finds it: gc.collect() returns how many unreachable
# objects it found, not how much memory it freed.
import gc, sys

gc.collect()                # start from a clean slate
l = []
l.append(l)
print(sys.getrefcount(l))   # the name, the list's own item, the argument
print(l)
print(gc.is_tracked(l))     # lists are watched by the collector
del l                       # refcount 2 -> 1: not zero, nothing freed
print(gc.collect())         # the collector finds the one list
print(gc.collect())         # nothing left the second time
