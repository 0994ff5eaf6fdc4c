"""Correct learner's engines written in unusual styles: a judge must find every one right.

Each is the source of a module defining ``Value``: Kahn's algorithm instead of a depth-first
sort, operations as classes with ``forward``/``backward`` (PyTorch's ``Function`` style),
gradients collected in a dictionary, ``.grad`` starting as ``None``, methods served by
``__getattr__``, ``__eq__`` by value with a visited set keyed by ``id``, ``__slots__`` and
subtraction with code of its own, numbers held as 0-d NumPy arrays.

>>> sorted(ENGINES)[:2]
['by-value-eq-id-visited', 'dict-of-grads']
"""

from __future__ import annotations

_KAHN = """
import math


class Value:
    def __init__(self, data, parents=(), local=()):
        self.data, self.grad = float(data), 0.0
        self.parents, self.local = list(parents), list(local)

    @staticmethod
    def lift(x):
        return x if isinstance(x, Value) else Value(x)

    def __add__(self, o):
        o = Value.lift(o)
        return Value(self.data + o.data, (self, o), (1.0, 1.0))

    __radd__ = __add__

    def __mul__(self, o):
        o = Value.lift(o)
        return Value(self.data * o.data, (self, o), (o.data, self.data))

    __rmul__ = __mul__

    def __neg__(self):
        return self * -1.0

    def __sub__(self, o):
        return self + (-Value.lift(o))

    def __rsub__(self, o):
        return Value.lift(o) - self

    def __pow__(self, k):
        return Value(self.data**k, (self,), (k * self.data ** (k - 1),))

    def __truediv__(self, o):
        return self * Value.lift(o) ** -1

    def __rtruediv__(self, o):
        return Value.lift(o) / self

    def tanh(self):
        t = math.tanh(self.data)
        return Value(t, (self,), (1 - t * t,))

    def exp(self):
        e = math.exp(self.data)
        return Value(e, (self,), (e,))

    def backward(self):
        # Kahn: count each node's consumers, release a node when all of them are done
        pending, seen, stack = {}, {id(self)}, [self]
        while stack:
            v = stack.pop()
            for p in v.parents:
                pending[id(p)] = pending.get(id(p), 0) + 1
                if id(p) not in seen:
                    seen.add(id(p))
                    stack.append(p)
        nodes, ready = {}, [self]
        for v in ready:
            nodes[id(v)] = v
        for v in list(nodes.values()):
            v.grad = 0.0
        self.grad = 1.0
        while ready:
            v = ready.pop()
            for p, d in zip(v.parents, v.local):
                if id(p) not in nodes:
                    nodes[id(p)] = p
                    p.grad = 0.0 if p.parents else p.grad
                p.grad += d * v.grad
                pending[id(p)] -= 1
                if pending[id(p)] == 0:
                    ready.append(p)
"""

_FUNCTIONS = """
import math


class Function:
    @classmethod
    def apply(cls, *inputs):
        ctx = {}
        out = Value(cls.forward(ctx, *[i.data for i in inputs]))
        out.ctx, out.fn, out.inputs = ctx, cls, inputs
        return out


class Add(Function):
    @staticmethod
    def forward(ctx, a, b):
        return a + b

    @staticmethod
    def backward(ctx, g):
        return g, g


class Mul(Function):
    @staticmethod
    def forward(ctx, a, b):
        ctx["ab"] = (a, b)
        return a * b

    @staticmethod
    def backward(ctx, g):
        a, b = ctx["ab"]
        return g * b, g * a


class Tanh(Function):
    @staticmethod
    def forward(ctx, a):
        ctx["t"] = math.tanh(a)
        return ctx["t"]

    @staticmethod
    def backward(ctx, g):
        return (g * (1 - ctx["t"] ** 2),)


class Log(Function):
    @staticmethod
    def forward(ctx, a):
        ctx["a"] = a
        return math.log(a)

    @staticmethod
    def backward(ctx, g):
        return (g / ctx["a"],)


class Value:
    def __init__(self, data):
        self.data, self.grad = data, 0.0
        self.fn, self.inputs, self.ctx = None, (), None

    def __add__(self, other):
        return Add.apply(self, other if isinstance(other, Value) else Value(other))

    def __mul__(self, other):
        return Mul.apply(self, other if isinstance(other, Value) else Value(other))

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def tanh(self):
        return Tanh.apply(self)

    def log(self):
        return Log.apply(self)

    def backward(self):
        order, seen = [], set()
        todo = [(self, iter(self.inputs))]
        seen.add(id(self))
        while todo:
            node, children = todo[-1]
            child = next(children, None)
            if child is None:
                order.append(node)
                todo.pop()
            elif id(child) not in seen:
                seen.add(id(child))
                todo.append((child, iter(child.inputs)))
        for node in order:
            if node.fn is not None:
                node.grad = 0.0
        self.grad = 1.0
        for node in reversed(order):
            if node.fn is not None:
                for i, g in zip(node.inputs, node.fn.backward(node.ctx, node.grad)):
                    i.grad += g
"""

_DICT = """
import math


class Value:
    __slots__ = ("data", "grad", "_in", "_d")

    def __init__(self, data, _in=(), _d=()):
        self.data, self.grad, self._in, self._d = data, 0.0, _in, _d

    def _v(self, x):
        return x if isinstance(x, Value) else Value(x)

    def __add__(self, o):
        o = self._v(o)
        return Value(self.data + o.data, (self, o), (1.0, 1.0))

    def __sub__(self, o):
        o = self._v(o)
        return Value(self.data - o.data, (self, o), (1.0, -1.0))

    def __rsub__(self, o):
        return self._v(o) - self

    def __mul__(self, o):
        o = self._v(o)
        return Value(self.data * o.data, (self, o), (o.data, self.data))

    def __truediv__(self, o):
        o = self._v(o)
        return Value(self.data / o.data, (self, o), (1 / o.data, -self.data / o.data**2))

    def __rtruediv__(self, o):
        return self._v(o) / self

    __radd__, __rmul__ = __add__, __mul__

    def __neg__(self):
        return Value(-self.data, (self,), (-1.0,))

    def sigmoid(self):
        s = 1 / (1 + math.exp(-self.data))
        return Value(s, (self,), (s * (1 - s),))

    def relu(self):
        return Value(max(self.data, 0.0), (self,), (1.0 if self.data > 0 else 0.0,))

    def backward(self):
        order, seen, stack = [], set(), [self]
        while stack:  # post-order by a stack of (node, expanded)
            v = stack.pop()
            if isinstance(v, tuple):
                order.append(v[0])
            elif id(v) not in seen:
                seen.add(id(v))
                stack.append((v,))
                stack.extend(v._in)
        grads = {id(self): 1.0}
        for v in reversed(order):
            g = grads.get(id(v), 0.0)
            for i, d in zip(v._in, v._d):
                grads[id(i)] = grads.get(id(i), 0.0) + d * g
        for v in order:
            v.grad = (v.grad if not v._in else 0.0) + grads.get(id(v), 0.0)
"""

_NONE = """
import math


class Value:
    def __init__(self, data, prev=(), back=None):
        self.data, self.grad, self.prev, self.back = data, None, prev, back

    def _acc(self, g):
        self.grad = g if self.grad is None else self.grad + g

    def __add__(self, o):
        o = o if isinstance(o, Value) else Value(o)
        out = Value(self.data + o.data, (self, o))
        out.back = lambda: (self._acc(out.grad), o._acc(out.grad))
        return out

    def __mul__(self, o):
        o = o if isinstance(o, Value) else Value(o)
        out = Value(self.data * o.data, (self, o))
        out.back = lambda: (self._acc(o.data * out.grad), o._acc(self.data * out.grad))
        return out

    __radd__, __rmul__ = __add__, __mul__

    def exp(self):
        out = Value(math.exp(self.data), (self,))
        out.back = lambda: self._acc(out.data * out.grad)
        return out

    def backward(self):
        topo, seen, stack = [], set(), [(self, 0)]
        while stack:
            v, state = stack.pop()
            if state:
                topo.append(v)
            elif id(v) not in seen:
                seen.add(id(v))
                stack.append((v, 1))
                stack += [(p, 0) for p in v.prev]
        for v in topo:
            if v.prev:
                v.grad = None
        self.grad = 1.0
        for v in reversed(topo):
            if v.back is not None and v.grad is not None:
                v.back()
"""

_GETATTR = """
import math

UNARY = {
    "tanh": (math.tanh, lambda x, y: 1 - y * y),
    "exp": (math.exp, lambda x, y: y),
    "sin": (math.sin, lambda x, y: math.cos(x)),
    "cos": (math.cos, lambda x, y: -math.sin(x)),
}


class Value:
    def __init__(self, data, kids=(), grads=()):
        self.data, self.grad, self.kids, self.grads = data, 0.0, kids, grads

    def __getattr__(self, name):
        if name not in UNARY:
            raise AttributeError(name)
        f, d = UNARY[name]
        return lambda: Value(f(self.data), (self,), (d(self.data, f(self.data)),))

    def __add__(self, o):
        o = o if isinstance(o, Value) else Value(o)
        return Value(self.data + o.data, (self, o), (1.0, 1.0))

    def __mul__(self, o):
        o = o if isinstance(o, Value) else Value(o)
        return Value(self.data * o.data, (self, o), (o.data, self.data))

    __radd__, __rmul__ = __add__, __mul__

    def backward(self):
        order, seen, stack = [], set(), [(self, False)]
        while stack:
            v, done = stack.pop()
            if done:
                order.append(v)
            elif id(v) not in seen:
                seen.add(id(v))
                stack += [(v, True)] + [(k, False) for k in v.kids]
        for v in order:
            v.grad = v.grad if not v.kids else 0.0
        self.grad = 1.0
        for v in reversed(order):
            for k, g in zip(v.kids, v.grads):
                k.grad += g * v.grad
"""

_BY_VALUE = """
class Value:
    def __init__(self, data, prev=(), rule=None):
        self.data, self.grad, self._prev, self._rule = data, 0.0, tuple(prev), rule

    def __eq__(self, other):  # equal values compare equal: nodes are kept apart by id below
        return isinstance(other, Value) and self.data == other.data

    def __hash__(self):
        return hash(self.data)

    def __add__(self, o):
        o = o if isinstance(o, Value) else Value(o)
        return Value(self.data + o.data, (self, o), lambda g: (g, g))

    def __mul__(self, o):
        o = o if isinstance(o, Value) else Value(o)
        return Value(self.data * o.data, (self, o), lambda g: (g * o.data, g * self.data))

    def __pow__(self, k):
        return Value(self.data**k, (self,), lambda g: (g * k * self.data ** (k - 1),))

    __radd__, __rmul__ = __add__, __mul__

    def __sub__(self, o):
        return self + (-1) * o

    def __rsub__(self, o):
        return o + (-1) * self

    def backward(self):
        order, seen, stack = [], set(), [(self, False)]
        while stack:
            v, done = stack.pop()
            if done:
                order.append(v)
            elif id(v) not in seen:
                seen.add(id(v))
                stack.append((v, True))
                stack.extend((p, False) for p in v._prev)
        for v in order:
            if v._prev:
                v.grad = 0.0
        self.grad = 1.0
        for v in reversed(order):
            if v._rule is not None:
                for p, g in zip(v._prev, v._rule(v.grad)):
                    p.grad += g
"""

_NUMPY = """
import numpy as np


class Value:
    def __init__(self, data, prev=(), back=lambda: None):
        self.data, self.grad = np.array(float(data)), np.array(0.0)
        self._prev, self._back = prev, back

    def __add__(self, o):
        o = o if isinstance(o, Value) else Value(o)
        out = Value(self.data + o.data, (self, o))

        def back():
            self.grad = self.grad + out.grad
            o.grad = o.grad + out.grad

        out._back = back
        return out

    def __mul__(self, o):
        o = o if isinstance(o, Value) else Value(o)
        out = Value(self.data * o.data, (self, o))

        def back():
            self.grad = self.grad + o.data * out.grad
            o.grad = o.grad + self.data * out.grad

        out._back = back
        return out

    __radd__, __rmul__ = __add__, __mul__

    def tanh(self):
        t = np.tanh(self.data)
        out = Value(t, (self,))

        def back():
            self.grad = self.grad + (1 - t**2) * out.grad

        out._back = back
        return out

    def backward(self):
        topo, seen, stack = [], set(), [(self, False)]
        while stack:
            v, done = stack.pop()
            if done:
                topo.append(v)
            elif id(v) not in seen:
                seen.add(id(v))
                stack.append((v, True))
                stack.extend((p, False) for p in v._prev)
        for v in topo:
            if v._prev:
                v.grad = np.array(0.0)
        self.grad = np.array(1.0)
        for v in reversed(topo):
            v._back()
"""

ENGINES = {
    "kahn": _KAHN,
    "function-classes": _FUNCTIONS,
    "dict-of-grads": _DICT,
    "grad-starts-none": _NONE,
    "getattr-methods": _GETATTR,
    "by-value-eq-id-visited": _BY_VALUE,
    "numpy-0d": _NUMPY,
}
