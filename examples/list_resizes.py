# A list's item array is resized where CPython's list_resize runs, and
# allocated exactly (or freed) where listobject.c does it without it:
# sys.getsizeof shows the capacity after each operation. Measured on
# CPython 3.11; other versions differ.
import sys

def size(l):
    return (sys.getsizeof(l) - sys.getsizeof([])) // 8

l = []
grown = []
for i in range(10):
    l.append(i)
    grown.append(size(l))
print('append', grown)
l.insert(0, -1)
l.insert(100, 99)
print('insert', size(l), l[0], l[-1])
shrunk = []
for i in range(6):
    l.pop(0)
    l.pop()
    shrunk.append(size(l))
print('pop', shrunk)
# Deleting the only item clears the list: no item array at all.
one = [1]
del one[0]
print('del the only item', size(one))
one = ['x']
one.remove('x')
print('remove the only item', size(one))
one = [1]
one.pop()
print('pop the only item', size(one))
# extend: a list or tuple into a list with no item array is exact
# (rounded to even); anything else is one resize, then a cut back.
e = []
e.extend((1, 2, 3))
print('extend into []', size(e))
e.extend([4])
print('extend again', size(e))
e.clear()
print('clear', size(e))
e.extend([1, 2, 3, 4, 5])
print('extend after clear', size(e))
s = []
s.extend('abc')
print('extend a str', size(s))
s.extend('')
print('extend nothing', size(s))
d = [0]
d += {'a': 1, 'b': 2}
print('+= a dict', size(d))
d += range(10)
print('+= a range', size(d))
# str.split preallocates 12 slots; an empty extend still resizes.
words = 'a'.split()
print('split', size(words))
words.extend('')
print('split then extend nothing', size(words))
many = 'a b c d e f g h i j k l m n o'.split()
print('split of 15', size(many))
# list(x): an exact array for a sized x, then extend.
print('list()', size(list()), size(list([1, 2, 3])), size(list((1,))), size(list('abcde')), size(list({1: 2})), size(list(range(7))))
# Displays: BUILD_LIST is exact, constants extend, big ones append.
a, b = 1, 2
print('displays', size([a, b, a]), size([1, 2, 3]), size([a] * 5), size([a, b] + [b]))
big = [a, b, a, b, a, b, a, b, a, b, a, b, a, b, a, b, a, b, a, b, a, b, a, b, a, b, a, b, a, b, a]
print('big display', len(big), size(big))
print('slices', size(big[1:4]), size(big[:]), size(big.copy()))
# A list popped empty keeps the 0-byte array list_resize left it, so extend
# resizes it; a cleared or new list has none and gets an exact one.
popped = [1, 2]
popped.pop()
popped.pop()
popped.extend([1, 2, 3])
cleared = [1, 2]
cleared.clear()
cleared.extend([1, 2, 3])
print('extend after pop / clear / new', size(popped), size(cleared), size([] + [1, 2, 3]))
