# Aliasing: two names, one object.
# `b = a` copies no list: it binds a second name to the same object, so a
# change made through one name shows through the other, and the object's
# reference count goes up by one. (sys.getrefcount reports one more than
# the names you see: its own argument is a reference too.)
import sys

a = [1, 2, 3]
print(sys.getrefcount(a))   # the name a, plus the call's argument
b = a
print(sys.getrefcount(a))   # a and b
print(a is b)
b.append(4)
print(a)                    # changed through b, seen through a
c = list(a)                 # a real copy: a new object
print(c == a, c is a)
print(sys.getrefcount(a), sys.getrefcount(c))
