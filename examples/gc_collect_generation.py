# gc.collect(generation) examines that generation and the younger ones,
# nothing older. A cycle that became garbage after being promoted to
# generation 1 is invisible to collect(0) and found by collect(1).
import gc

gc.disable()
gc.collect()
a = []
b = [a]
a.append(b)                     # a <-> b, still named
print(gc.collect(0))            # 0: they survive, into generation 1
del a, b                        # garbage now, sitting in generation 1
print(gc.collect(0))            # 0: generation 1 is not examined
print(gc.collect(1))            # 2: found
c = []
c.append(c)
del c                           # garbage in generation 0
print(gc.collect(0))            # 1: a young collection is enough
gc.enable()
