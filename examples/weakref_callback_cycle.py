# A weak reference with a callback, to an object in a garbage cycle. The
# weak reference does not keep its target alive; when the collector frees
# the cycle it first clears the weak reference (so it returns None), then
# calls the callback with the dead weak reference as its argument.
import gc, sys, weakref

class Node:
    pass

def gone(ref):
    print("callback: target is", ref())

gc.collect()
n = Node()
n.me = n
r = weakref.ref(n, gone)
print(sys.getrefcount(n))       # the weak reference adds nothing
print(r() is n)
del n
print(r() is None)              # still alive: the cycle holds it
print(gc.collect())             # the callback runs during the collection
print(r() is None)
