# A list that holds itself (book: cycles/cycles.md). After `del l` its
# count is 1, held by its own first slot: reference counting never frees
# it; the cycle collector does.
import gc, sys

gc.collect()
l = []
l.append(l)
print(sys.getrefcount(l))   # the name, the list's own slot, the argument
del l
print(gc.collect())         # 1: the list, found unreachable
