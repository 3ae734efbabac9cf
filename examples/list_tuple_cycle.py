# A cycle through a tuple: a tuple can never be changed after it is made,
# but it can hold a list, and the list can then take the tuple in. Neither
# count can reach zero; the collector finds both. A tuple that holds only
# atoms (ints, strs) is untracked by the first collection that sees it;
# this one holds a list, so it stays watched.
import gc, sys

gc.collect()
l = []
t = (l, 1, 'x')
l.append(t)                     # l -> t -> l
print(sys.getrefcount(l), sys.getrefcount(t))
print(gc.is_tracked(t))
gc.collect()                    # survives: both still have names
print(gc.is_tracked(t))         # still tracked: it holds a list
atoms = (1, 'x', None)
del l, t
print(gc.collect())             # 2: the list and the tuple
