# sys.getsizeof is shallow: the object itself (and the collector's 16-byte
# header for tracked objects), never what it refers to. Numbers measured
# on CPython 3.11; other versions differ.
import sys

print(sys.getsizeof(0), sys.getsizeof(1), sys.getsizeof(2**30), sys.getsizeof(2**60))
print(sys.getsizeof(1.5), sys.getsizeof(None), sys.getsizeof(True))
print(sys.getsizeof(''), sys.getsizeof('a'), sys.getsizeof('ab'), sys.getsizeof('é'), sys.getsizeof('€'))
print(sys.getsizeof(()), sys.getsizeof((1,)), sys.getsizeof((1, 2)))
print(sys.getsizeof([]), sys.getsizeof([1]), sys.getsizeof([1, 2]))
big = [1, 2]
big[0] = 'x' * 10000
print(sys.getsizeof(big))          # unchanged: the string is not counted
print(sys.getsizeof({}), sys.getsizeof({'a': 1}))
class Empty:
    pass
print(sys.getsizeof(Empty()))
# A list over-allocates as it grows: capacity jumps, then stays.
l = []
sizes = []
for i in range(17):
    l.append(i)
    sizes.append(sys.getsizeof(l))
print(sizes)
print(sys.getsizeof(list(range(10))), sys.getsizeof([0] * 10))
