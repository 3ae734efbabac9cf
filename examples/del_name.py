# `del x` removes a name and drops one reference; the object dies only
# when its last reference goes (and then, at once: __del__ runs right
# there, before the next line).
import sys

class Noisy:
    def __init__(self, name):
        self.name = name
    def __del__(self):
        print("freed", self.name)

a = Noisy("first")
b = a
print(sys.getrefcount(a))
del a                       # one name gone: the object survives through b
print("after del a")
print(sys.getrefcount(b))
del b                       # last reference: freed right here
print("after del b")
l = [Noisy("in a list")]
del l                       # the list dies, and takes its item with it
print("after del l")
