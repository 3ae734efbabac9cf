# sys.getrefcount through containers: every slot of a list, tuple, dict or
# instance that points to an object adds one to its count, exactly like
# a name does. Removing the slot gives the reference back.
import sys

obj = []
print(sys.getrefcount(obj))
l = [obj, obj]
print(sys.getrefcount(obj))        # +2: the list holds it twice
t = (obj,)
print(sys.getrefcount(obj))        # +1: the tuple
d = {'k': obj}
print(sys.getrefcount(obj))        # +1: the dict's value
d['k2'] = obj
print(sys.getrefcount(obj))        # +1 again
l.pop()
print(sys.getrefcount(obj))        # the popped reference was dropped
del d['k']
print(sys.getrefcount(obj))
l.clear()
print(sys.getrefcount(obj))
del t, d
print(sys.getrefcount(obj))        # back to the name and the argument
