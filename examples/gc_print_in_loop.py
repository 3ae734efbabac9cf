# print() allocates too: for each piece it writes (every argument, each
# separator, the final end) CPython looks up sys.stdout.write, which makes
# a bound-method object, a GC object on no free list. It counts +1 in
# gc.get_count() (and can be the allocation that starts a collection),
# then it is freed after the write (-1, or nothing if a collection just
# reset the count). So a loop that allocates and prints collects one
# allocation earlier than the same loop without print(): the count here
# cycles 0..4, not 0..5, with generation 0's threshold at 5.
import gc

gc.collect()
gc.set_threshold(5, 10, 10)
log = []
for i in range(30):
    x = [i]
    print("made", i)
    log.append(gc.get_count())
print(log)
