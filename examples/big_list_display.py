# A list display of more than 30 items is built the other way round: the
# empty list comes first (BUILD_LIST 0), then each item is evaluated and
# appended (LIST_APPEND), so the list already exists while its items are
# computed. A shorter display evaluates every item, then makes the list.
# gc.get_count(), read from a call each item makes, shows it: the items of
# the long display see one object more than those of the short one, the
# list itself. Measured on CPython 3.11 (see `python3 -m dis`); other
# versions differ.
import gc

def seen():
    counts.append(gc.get_count()[0] - before)
    return 1

gc.disable()
counts = []
gc.collect()  # empties the free lists, so the new list is counted
before = gc.get_count()[0]
short = [seen(), seen(), seen()]
print("short display:", counts)
counts = []
gc.collect()  # empties the free lists, so the new list is counted
before = gc.get_count()[0]
long = [seen(), seen(), seen(), seen(), seen(), seen(), seen(), seen(), seen(), seen(),
        seen(), seen(), seen(), seen(), seen(), seen(), seen(), seen(), seen(), seen(),
        seen(), seen(), seen(), seen(), seen(), seen(), seen(), seen(), seen(), seen(),
        seen()]
print("long display:", counts[:3], len(counts), len(long))
