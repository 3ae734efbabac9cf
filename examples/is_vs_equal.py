# `==` compares values; `is` asks whether two names reach the very same
# object. Small ints (-5..256) are cached, so arithmetic that lands there
# returns the shared object; bigger results are new objects each time.
a = [1, 2]
b = [1, 2]
print(a == b, a is b)          # equal values, two objects
c = a
print(a == c, a is c)          # one object
n = 200
x = n + 56                     # 256: the cached object
y = n + 56
print(x is y)
x = n + 57                     # 257: a new object each time
y = n + 57
print(x == y, x is y)
print(None is None, (a is None))
s = 'mem'
t = s + 'lings'
u = s + 'lings'
print(t == u, t is u)          # built at run time: two strs
