# sys.getallocatedblocks() counts the blocks CPython's object allocator has
# handed out: one per object, plus a list's item array and a dict's keys
# table, which live in blocks of their own. Small ints, None, one-letter
# strs and the empty tuple are static: they take none. Measured on CPython
# 3.11; the total depends on all the interpreter made at start-up, so only
# the blocks one function's result takes are printed: what measuring costs
# by itself (the int that holds the first count is a block when the count
# is above 256) is measured first, on a function that makes nothing, and
# taken out.
import gc
import sys

n = 300
m = 301

def measure(make):
    gc.collect()  # empties the free lists: every object takes a new block
    start = sys.getallocatedblocks()
    made = make()
    return sys.getallocatedblocks() - start

def nothing():
    return None

cost = measure(nothing)

def blocks(make):
    return measure(make) - cost

def empty_list():
    return []

def list_of_one():
    return [n]

def list_of_small_ints():
    return [1, 2, 3]

def tuple_of_two():
    return (n, m)

def empty_dict():
    return {}

def dict_of_one():
    return {'a': n}

def grown_list():
    grown = []
    for i in range(5):
        grown.append(i)
    return grown

def popped_empty():
    popped = [n, m]
    popped.pop()
    popped.pop()
    return popped

def cleared():
    gone = [n, m]
    gone.clear()
    return gone

print('[]', blocks(empty_list))
print('[n]', blocks(list_of_one))
print('[1, 2, 3]', blocks(list_of_small_ints))
print('(n, m)', blocks(tuple_of_two))
print('{}', blocks(empty_dict))
print("{'a': n}", blocks(dict_of_one))
print('5 appends', blocks(grown_list))
print('popped empty', blocks(popped_empty))
print('cleared', blocks(cleared))
