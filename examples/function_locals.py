# A call gets a frame; its parameters and locals are references held by
# that frame. They all go when the function returns, in the order the
# locals were first used; what the function returns survives.
import sys

class Tag:
    def __init__(self, name):
        self.name = name
    def __del__(self):
        print("freed", self.name)

def work(item):
    print("inside:", sys.getrefcount(item))   # global name, parameter, argument
    first = Tag("first local")
    second = Tag("second local")
    kept = Tag("returned")
    return kept

data = []
print("outside:", sys.getrefcount(data))
result = work(data)
print("back with", result.name)
print("outside:", sys.getrefcount(data))
def count(n):
    if n == 0:
        return 0
    return 1 + count(n - 1)
print(count(50))                # 51 frames at the deepest point, all gone now
