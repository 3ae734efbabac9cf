"""Writes the hand-made traces of this folder (python3 synthetic.py, run
here): each is small and built to show one behaviour of an allocator.
Deterministic: the same files every run."""


def write(name, header, ops):
    with open(name, "w") as f:
        for line in header.strip().splitlines():
            f.write(("# " + line).rstrip() + "\n")
        f.write("\n")
        for op in ops:
            f.write(op + "\n")


def lifo():
    ops = []
    for rnd in range(3):
        ops.append(f"# round {rnd + 1}")
        ops += [f"a {i} 32" for i in range(16)]
        ops += [f"f {i}" for i in reversed(range(16))]
    write("lifo.trace", """
LIFO reuse: 16 blocks of 32 bytes, freed in the reverse order, three times.
A free list that hands back the block freed last (pymalloc's, per size
class) reuses the same 16 blocks each round: its heap never grows past
the first round's.
""", ops)


def fragmentation():
    ops = ["# 64 blocks of 48 bytes, side by side"]
    ops += [f"a {i} 48" for i in range(64)]
    ops.append("# every other one freed: 32 holes of 48 bytes")
    ops += [f"f {i}" for i in range(0, 64, 2)]
    ops.append("# 32 blocks of 112 bytes: none fits in a hole")
    ops += [f"a {i} 112" for i in range(64, 96)]
    ops.append("# the 48-byte holes are reused by 48-byte requests")
    ops += [f"a {i} 48" for i in range(0, 64, 2)]
    ops += [f"f {i}" for i in range(96)]
    write("fragmentation.trace", """
Fragmentation: a row of small blocks with every other one freed leaves
holes no bigger request fits in. An allocator that segregates sizes
(pymalloc's size classes) keeps the holes for the next requests of their
size; one that does not either leaves them unused or splits them.
""", ops)


def list_growth():
    # CPython 3.11's list_resize (Objects/listobject.c).
    caps, allocated = [], 0
    for n in range(1, 77):
        if n > allocated:
            allocated = (n + (n >> 3) + 6) & ~3
            caps.append(allocated)
    assert caps == [4, 8, 16, 24, 32, 40, 52, 64, 76], caps
    lists = 4
    # List k is id 2k, its item array id 2k + 1.
    ops = [f"a {2 * k} 56" for k in range(lists)]
    for step, cap in enumerate(caps):
        ops.append(f"# each list grows to {cap} items ({cap * 8} bytes)")
        verb = "a" if step == 0 else "r"
        ops += [f"{verb} {2 * k + 1} {cap * 8}" for k in range(lists)]
    for k in range(lists):
        ops += [f"f {2 * k + 1}", f"f {2 * k}"]
    write("list_growth.trace", """
Four lists growing by appends in turns, as CPython 3.11's list_resize
grows an item array: (n + (n >> 3) + 6) & ~3 items for n, so 4, 8, 16,
24, 32, 40, 52, 64, 76 items of 8 bytes each. Each list is a 56-byte
object (a 16-byte GC header and a 40-byte list) with its item array a
block of its own, reallocated at each growth. With the four growing in
turns, a block can seldom grow where it is.
""", ops)


# What CPython 3.11.7 asks its object allocator for (sys.getsizeof, which
# counts the GC header of a tracked object).
SIZES = [
    (28, "an int of one digit"),
    (32, "an int of two digits"),
    (24, "a float"),
    (56, "an empty list"),
    (48, "a 1-tuple"),
    (56, "a 2-tuple"),
    (64, "an empty dict"),
    (54, "a 5-character ASCII str"),
    (64, "a bound method"),
    (40, "a cell"),
    (8, "the item array of a list of one item"),
]


def small_objects():
    state = 12345

    def rand(n):
        nonlocal state
        state = (state * 1103515245 + 12345) % (1 << 31)
        return (state >> 8) % n

    ops, live, next_id = [], [], 0
    for _ in range(3000):
        if live and (rand(100) < 45 or len(live) > 400):
            i = rand(len(live))
            live[i], live[-1] = live[-1], live[i]
            ops.append(f"f {live.pop()}")
        else:
            ops.append(f"a {next_id} {SIZES[rand(len(SIZES))][0]}")
            live.append(next_id)
            next_id += 1
    ops += [f"f {i}" for i in sorted(live)]
    sizes = "\n".join(f"  {s:4} bytes: {what}" for s, what in SIZES)
    write("small_objects.trace", f"""
Many small objects of mixed sizes, allocated and freed in a random but
fixed order (a linear congruential generator seeded with 12345), at most
about 400 live at once. The sizes are what CPython 3.11 asks its object
allocator for (sys.getsizeof on python3 3.11.7):
{sizes}
""", ops)


def large():
    ops = [
        "a 0 56", "a 1 600", "a 2 48", "a 3 1024", "a 4 4096", "f 1",
        "a 5 520", "a 6 65536", "r 3 8192", "a 7 32", "r 6 262144",
        "a 8 1048576", "f 4", "a 9 513", "f 6", "r 8 2097152",
        "f 0", "f 2", "f 3", "f 5", "f 7", "f 8", "f 9",
    ]
    write("large.trace", """
Requests above 512 bytes, which pymalloc does not serve from its pools
but passes on to the system allocator, mixed with small ones: 513 and
520 bytes (just past the largest size class), 600 bytes to 64 KiB, and
reallocations to 256 KiB and 2 MiB.
""", ops)


def lcg(seed):
    state = seed

    def rand(n):
        nonlocal state
        state = (state * 1103515245 + 12345) % (1 << 31)
        return (state >> 8) % n

    return rand


def churn_steady():
    rand = lcg(2024)
    base, pairs = 60000, 40000
    ops = ["# the live set: %d objects" % base]
    ops += [f"a {i} {SIZES[rand(len(SIZES))][0]}" for i in range(base)]
    ops.append("# churn: one dies, one is made in its place, %d times" % pairs)
    for _ in range(pairs):
        victim = rand(base)
        ops += [f"f {victim}", f"a {victim} {SIZES[rand(len(SIZES))][0]}"]
    ops.append("# the end: everything freed")
    ops += [f"f {i}" for i in range(base)]
    write("churn_steady.trace", f"""
Small-object churn at a steady state: {base} live objects of CPython
3.11's small sizes (those of small_objects.trace), about three arenas'
worth, then {pairs} times a random one freed and a new one of a random
size made (under the same id), as a long-running program's objects come
and go (a linear congruential generator seeded with 2024). The
benchmark of README.md's "Benchmarks" replays it.
""", ops)


def churn_bursts():
    rand = lcg(7)
    base, rounds, burst = 48000, 4, 5000
    ops, next_id = ["# a long-lived set of %d objects" % base], 0
    kept = []
    for _ in range(base):
        ops.append(f"a {next_id} {SIZES[rand(len(SIZES))][0]}")
        kept.append(next_id)
        next_id += 1
    for r in range(rounds):
        ops.append(f"# round {r + 1}: a list of {burst} records, made and dropped")
        lst, array = next_id, next_id + 1
        next_id += 2
        ops += [f"a {lst} 56", f"a {array} {burst * 8}"]
        ids = []
        for k in range(burst):
            for size in (28, 24, 56):
                ops.append(f"a {next_id} {size}")
                ids.append(next_id)
                next_id += 1
        # list_dealloc releases the items from the last one; a record's
        # fields die (last first) before its own memory is freed; then the
        # item array, then the list.
        for k in reversed(range(burst)):
            i, f, t = ids[3 * k:3 * k + 3]
            ops += [f"f {f}", f"f {i}", f"f {t}"]
        ops += [f"f {array}", f"f {lst}"]
    ops.append("# the end: everything freed")
    ops += [f"f {i}" for i in kept]
    write("churn_bursts.trace", f"""
Small-object churn in bursts, as a loop that builds a temporary list of
records and drops it: over {base} long-lived objects of CPython 3.11's
small sizes (those of small_objects.trace), {rounds} rounds of a list (56
bytes, and its {burst * 8}-byte item array, which goes to the system
allocator) of {burst} records, each an int (28 bytes), a float (24) and a
2-tuple holding them (56), freed as list_dealloc and tupledealloc free
them: the items from the last, a tuple's fields before the tuple. (In
CPython the free lists of floats and tuples would keep some of these; a
trace is what reaches the allocator.) The benchmark of README.md's
"Benchmarks" replays it.
""", ops)


if __name__ == "__main__":
    lifo()
    fragmentation()
    list_growth()
    small_objects()
    large()
    churn_steady()
    churn_bursts()
