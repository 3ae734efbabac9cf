# The graph of the full-collection benchmark (runner/benches/full_collection.sh):
# 1,000,000 small lists in rings of 10, every ring held by `rings`.
import gc

gc.disable()
rings = []
for r in range(100000):
    first = [r]
    prev = first
    for j in range(9):
        nxt = []
        prev.append(nxt)
        prev = nxt
    prev.append(first)
    rings.append(first)
