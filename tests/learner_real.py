"""Learners' engines as people really write them, each with the mistakes found in public
homework and clones (written afresh here): the judge must find each and name its root cause.

``SOURCES[name]`` is a module's text defining ``Value``; ``write(folder, name)`` saves it and
returns the ``file.py:Value`` target the command line and ``check_engine`` take.
"""

from pathlib import Path

# micrograd's own shape: a set of children, a recursive build_topo, and here the most common
# slip of all, ``for v in topo`` with the reversed() forgotten.
MICROGRAD_LIKE = """
import math


class Value:
    def __init__(self, data, _children=(), _op=""):
        self.data = data
        self.grad = 0
        self._backward = lambda: None
        self._prev = set(_children)
        self._op = _op

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def __pow__(self, other):
        out = Value(self.data**other, (self,), f"**{other}")

        def _backward():
            self.grad += (other * self.data ** (other - 1)) * out.grad

        out._backward = _backward
        return out

    def tanh(self):
        t = math.tanh(self.data)
        out = Value(t, (self,), "tanh")

        def _backward():
            self.grad += (1 - t**2) * out.grad

        out._backward = _backward
        return out

    def relu(self):
        out = Value(0 if self.data < 0 else self.data, (self,), "ReLU")

        def _backward():
            self.grad += (out.data > 0) * out.grad

        out._backward = _backward
        return out

    def backward(self):
        topo = []
        visited = set()

        def build_topo(v):
            if v not in visited:
                visited.add(v)
                for child in v._prev:
                    build_topo(child)
                topo.append(v)

        build_topo(self)
        self.grad = 1
        for v in TOPO_ORDER:
            v._backward()

    def __neg__(self):
        return self * -1

    def __radd__(self, other):
        return self + other

    def __sub__(self, other):
        return self + (-other)

    def __rsub__(self, other):
        return other + (-self)

    def __rmul__(self, other):
        return self * other

    def __truediv__(self, other):
        return self * other**-1

    def __rtruediv__(self, other):
        return other * self**-1
"""

# A lecture-style engine that compares Values by their data: two different nodes with the same
# value merge in the set of children.
EQ_BY_DATA = MICROGRAD_LIKE.replace(
    "    def __add__(self, other):",
    "    def __eq__(self, other):\n        return isinstance(other, Value) and self.data == "
    "other.data\n\n    def __hash__(self):\n        return hash(self.data)\n\n"
    "    def __add__(self, other):",
    1,
)

ITERATIVE = """
    def backward(self):
        topo, stack = [], [(self, False)]
        seen = set()
        while stack:
            v, done = stack.pop()
            if done:
                topo.append(v)
                continue
            if id(v) in seen and SEEN_CHECK:
                continue
            seen.add(id(v))
            stack.append((v, True))
            for child in v._prev:
                stack.append((child, False))
        for v in topo:
            v.grad = 0
        self.grad = 1
        for v in reversed(topo):
            v._backward()
"""


def _iterative(seen_check: str) -> str:
    start = MICROGRAD_LIKE.index("    def backward(self):")
    end = MICROGRAD_LIKE.index("    def __neg__(self):")
    body = ITERATIVE.replace("SEEN_CHECK", seen_check)
    return MICROGRAD_LIKE[:start] + body.lstrip("\n") + "\n" + MICROGRAD_LIKE[end:]


RIGHT_ITERATIVE = _iterative("True").replace(
    "self._prev = set(_children)", "self._prev = _children"
)

SOURCES = {
    # the three real flaws of micrograd-style code that the judge once missed or misnamed
    "no-reversed": MICROGRAD_LIKE.replace("TOPO_ORDER", "topo"),
    "eq-by-data": _iterative("True")
    .replace("id(v)", "v")
    .replace(
        "    def __add__(self, other):",
        "    def __eq__(self, other):\n        return isinstance(other, Value) and self.data == "
        "other.data\n\n    def __hash__(self):\n        return hash(self.data)\n\n"
        "    def __add__(self, other):",
        1,
    ),
    "per-reference": _iterative("False").replace(
        "self._prev = set(_children)", "self._prev = _children"
    ),
    "right-iterative": RIGHT_ITERATIVE,
    "recursion-limit-raised": "import sys\nsys.setrecursionlimit(100000)\n"
    + MICROGRAD_LIKE.replace("TOPO_ORDER", "reversed(topo)"),
    "backward-shadowed": RIGHT_ITERATIVE.replace(
        "self._op = _op\n", "self._op = _op\n        self.backward = lambda: None\n", 1
    ),
    # tanh assigns, while add and mul are wrong too: tanh must not be listed as right
    "tanh-assign-add-mul-wrong": RIGHT_ITERATIVE.replace(
        "self.grad += (1 - t**2) * out.grad", "self.grad = (1 - t**2) * out.grad"
    )
    .replace("            self.grad += out.grad\n", "            self.grad += 2 * out.grad\n")
    .replace("self.grad += other.data * out.grad", "self.grad += other.data * out.grad * 2"),
    # add leaves out.grad out, while mul is wrong: add must not be listed as right
    "add-upstream-mul-wrong": RIGHT_ITERATIVE.replace(
        "            self.grad += out.grad\n            other.grad += out.grad\n",
        "            self.grad += 1\n            other.grad += 1\n",
    ).replace("self.grad += other.data * out.grad", "self.grad += other.data * out.grad * 2"),
    # a reflected operator with wrong code of its own, while the plain operator is wrong too
    "rsub-own-sub-wrong": RIGHT_ITERATIVE.replace(
        "        return other + (-self)\n", "        return self + (-other)\n"
    ).replace(
        "        return self + (-other)\n\n    def __rsub__",
        "        return self + other\n\n    def __rsub__",
    ),
    # resets every node's gradient but the tanh nodes'
    "reset-all-but-tanh": RIGHT_ITERATIVE.replace(
        "        for v in topo:\n            v.grad = 0\n",
        "        for v in topo:\n            if v._op != 'tanh':\n                v.grad = 0\n",
    ),
    # methods served by __getattr__, with a wrong derivative inside
    "getattr-wrong-exp": RIGHT_ITERATIVE.replace(
        "    def tanh(self):",
        "    def __getattr__(self, name):\n        if name != 'exp':\n            raise "
        "AttributeError(name)\n\n        def exp():\n            out = Value(math.exp(self.data), "
        "(self,), 'exp')\n\n            def _backward():\n                self.grad += self.data * "
        "out.grad\n\n            out._backward = _backward\n            return out\n\n        "
        "return exp\n\n    def tanh(self):",
    ),
    # pow right only for whole exponents
    "pow-whole": RIGHT_ITERATIVE.replace(
        'out = Value(self.data**other, (self,), f"**{other}")',
        'out = Value(math.prod([self.data] * other), (self,), f"**{other}")',
    ),
}


def write(folder: Path, name: str) -> str:
    """Save engine ``name`` in ``folder``; the target ``file.py:Value``."""
    path = folder / f"{name.replace('-', '_')}.py"
    path.write_text(SOURCES[name])
    return f"{path}:Value"


# a breadth-first search from the output, taken for a topological order
SOURCES["breadth-first"] = RIGHT_ITERATIVE.replace(
    ITERATIVE.replace("SEEN_CHECK", "True").lstrip("\n").split("        for v in topo:\n")[0],
    "    def backward(self):\n        topo, seen, queue = [], {id(self)}, [self]\n"
    "        while queue:\n            v = queue.pop(0)\n            topo.insert(0, v)\n"
    "            for c in v._prev:\n                if id(c) not in seen:\n"
    "                    seen.add(id(c))\n                    queue.append(c)\n",
)
