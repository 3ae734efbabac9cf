# Rebinding: `=` moves a name to another object; it never changes the
# object the name left. The object left behind loses one reference.
import sys

x = [1, 2]
y = x
print(sys.getrefcount(y))   # x and y (+1 for the argument)
x = [3, 4]                  # x now names a new list...
print(y)                    # ...and y still names the old one
print(x is y, sys.getrefcount(y))
n = 300
m = n
n = n + 1                   # ints are immutable: + makes a new object
print(m, n, m is n)
