# Generations: every new container is counted in generation 0; when the
# count passes the threshold (700 in 3.11), a collection of generation 0
# runs by itself, in the middle of the loop, and its survivors move to
# generation 1. Read the counts into names before printing them: print()
# allocates too. (Numbers measured on CPython 3.11.7.)
import gc

print(gc.get_threshold())
class Node:
    pass
gc.collect()                 # all counts back to 0
for i in range(2000):
    n = Node()
    n.me = n                 # each node is garbage once n moves on
counts = gc.get_count()
print(counts)                # two automatic collections of generation 0 ran
print(gc.collect())          # the cycles the automatic ones did not reach
keep = []
for i in range(3000):
    keep.append([i])         # survivors: promoted at each collection
counts = gc.get_count()
print(counts)
