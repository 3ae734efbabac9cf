# Objects surviving into older generations. gc.get_count() gives three
# numbers: new container allocations since generation 0 was last
# collected, then how many times generation 0 was collected since
# generation 1 was, then the same for generation 1 and 2. Survivors of
# collect(0) move to generation 1; survivors of collect(1) to generation 2.
# (Counts are read into names before printing: print allocates too.)
import gc

gc.disable()                    # no automatic collections in between
gc.collect()
keep = [[], [], []]             # four new lists
c1 = gc.get_count()
gc.collect(0)                   # they survive: now in generation 1
c2 = gc.get_count()
gc.collect(0)
c3 = gc.get_count()
gc.collect(1)                   # generations 0 and 1 -> generation 2
c4 = gc.get_count()
gc.collect()
c5 = gc.get_count()
print(c1, c2, c3, c4, c5)
gc.enable()
