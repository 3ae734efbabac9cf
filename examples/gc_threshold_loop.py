# Automatic collection: with the threshold of generation 0 set to 10, a
# collection runs by itself inside the allocation that pushes the count
# past 10, in the middle of the loop. Each round leaves one self-cycle
# behind; __del__ logs when the collector got to it. (The loop logs to a
# list instead of printing, so only the loop's own objects move the count:
# print() allocates too; examples/gc_print_in_loop.py shows how.)
import gc

log = []

class Node:
    def __init__(self, i):
        self.i = i
    def __del__(self):
        log.append(f"freed {self.i}")

gc.collect()
gc.set_threshold(10, 10, 10)
for i in range(12):
    n = Node(i)
    n.me = n                    # garbage as soon as n moves on
    log.append(f"made {i}")
del n
gc.set_threshold(700, 10, 10)
print(gc.collect())
for line in log:
    print(line)
