# A cycle with a way in (book: cycles/cycles.md): a and b refer to each
# other, and c, which still has a name, refers to a. Nothing here is
# garbage, so the collector frees nothing; drop c and it finds all three.
import gc, sys

gc.disable()
gc.collect()
a = []; b = []; c = []
a.append(b); b.append(a); c.append(a)
del a, b
print(sys.getrefcount(c[0]), sys.getrefcount(c[0][0]), sys.getrefcount(c))
print(gc.collect())         # 0: c reaches a, and a reaches b
del c
print(gc.collect())         # 2: c went at once (no cycle), leaving a and b
gc.enable()
