# The dealloc order of a list: when a list dies, it releases its items
# from the last to the first, so their __del__ methods print in reverse.
# A dict releases its values in insertion order; a tuple, like a list,
# last to first. All of it happens at once, at the `del`.
class Tag:
    def __init__(self, name):
        self.name = name
    def __del__(self):
        print("freed", self.name)

items = [Tag("l0"), Tag("l1"), Tag("l2"), Tag("l3")]
del items
print("after the list")
d = {'a': Tag("d0"), 'b': Tag("d1"), 'c': Tag("d2")}
del d
print("after the dict")
t = (Tag("t0"), Tag("t1"), Tag("t2"))
del t
print("after the tuple")
