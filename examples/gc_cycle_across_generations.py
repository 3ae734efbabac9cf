# A cycle across generations (book: cycles/generations.md): old survives a
# full collection and moves to generation 2; young is new, in generation 0.
# A young collection treats the old list's reference as coming from
# outside, so only a collection of generation 2 finds the cycle.
import gc

gc.collect()
old = []
gc.collect()                      # old survives a full collection: generation 2
young = [old]                     # a new list, in generation 0
old.append(young)                 # old -> young -> old: a cycle across generations
del old, young                    # unreachable now
print(gc.collect(0), gc.collect(1), gc.collect(2))
