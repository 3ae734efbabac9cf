# A dict that refers to itself, and two dicts that refer to each other.
# Dicts start untracked by the collector; storing a container in one makes
# CPython start tracking it, which is how the collector can find the cycle.
import gc

gc.collect()
d = {}
print(gc.is_tracked(d))     # empty: nothing in it could ever form a cycle
d['me'] = d
print(gc.is_tracked(d))     # holds a dict now: tracked
del d
print(gc.collect())
a = {'name': 'a'}
b = {'name': 'b'}
print(gc.is_tracked(a))     # only strs inside: still untracked
a['other'] = b
b['other'] = a
print(gc.is_tracked(a), gc.is_tracked(b))
del a, b
print(gc.collect())         # both dicts
