# gc.freeze() moves every tracked object into the permanent generation,
# which no collection examines, and (in 3.11) sets all three counts to 0.
# A garbage cycle that was frozen is never found. (The subset has no
# gc.unfreeze() or gc.get_freeze_count(); see cycles/generations.md.)
import gc

gc.disable()
gc.collect()
cycle = []
cycle.append(cycle)
gc.freeze()                     # the cycle too
c1 = gc.get_count()
del cycle
print(c1, gc.collect())         # (0, 0, 0) 0: the frozen cycle is never examined
other = []
other.append(other)
del other
print(gc.collect())             # 1: a cycle made after the freeze is found
gc.enable()
