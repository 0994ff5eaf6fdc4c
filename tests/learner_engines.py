"""Small home-made engines for check_engine's tests: a right one, and one per classic mistake.

``engine(mistake)`` returns a fresh class; each mistake is one line changed from the right
engine, as a learner would get it wrong.
"""

from __future__ import annotations

import math


def engine(mistake: str = "") -> type:
    class V:
        def __init__(self, data, children=()):
            if mistake == "hang-init" and data == 1.0:
                while True:
                    pass
            self.data = data
            self.grad = 0.0
            self._back = lambda: None
            self._prev = tuple(children)

        def _wrap(self, other):
            if mistake == "no-plain" and not isinstance(other, V):
                raise TypeError("only Values")
            return other if isinstance(other, V) else V(other)

        def __add__(self, other):
            other = self._wrap(other)
            out = V(self.data + other.data, (self, other))

            def back():
                if mistake == "assign":  # `=` instead of `+=`
                    self.grad = out.grad
                    other.grad = out.grad
                else:
                    self.grad += out.grad
                    other.grad += out.grad

            out._back = back
            return out

        def __mul__(self, other):
            other = self._wrap(other)
            out = V(self.data * other.data, (self, other))

            def back():
                self.grad += other.data * out.grad
                other.grad += self.data * out.grad

            out._back = back
            return out

        def __pow__(self, k):
            out = V(self.data**k, (self,))

            def back():
                self.grad += k * self.data ** (k - 1) * out.grad

            out._back = back
            return out

        def tanh(self):
            t = math.tanh(self.data)
            out = V(t, (self,))

            def back():
                if mistake == "tanh":  # the derivative written at the input, not the output
                    self.grad += (1 - self.data**2) * out.grad
                elif mistake == "upstream":
                    self.grad += 1 - t**2
                else:
                    self.grad += (1 - t**2) * out.grad

            out._back = back
            return out

        def exp(self):
            if mistake == "raises":
                raise ValueError("not written yet")
            if mistake == "hang":
                while True:
                    pass
            out = V(math.exp(self.data), (self,))

            def back():
                self.grad += out.data * out.grad

            out._back = back
            return out

        def __neg__(self):
            return self * -1

        def __sub__(self, other):
            return self + (-other)

        def __truediv__(self, other):
            return self * other**-1

        if mistake != "no-reflected":

            def __radd__(self, other):
                return self + other

            def __rmul__(self, other):
                return self * other

            def __rsub__(self, other):
                return (-self) + other

            def __rtruediv__(self, other):
                return self**-1 * other

        def backward(self):
            order, seen = [], set()
            if mistake == "recursive":

                def visit(v):
                    if id(v) not in seen:
                        seen.add(id(v))
                        for c in v._prev:
                            visit(c)
                        order.append(v)

                visit(self)
            else:
                stack = [(self, False)]
                while stack:
                    v, done = stack.pop()
                    if done:
                        order.append(v)
                    elif id(v) not in seen:
                        seen.add(id(v))
                        stack.append((v, True))
                        stack += [(c, False) for c in v._prev]
            if mistake != "no-reset":
                for v in order:
                    v.grad = 0.0 if v._prev else v.grad
            self.grad = 1.0
            for v in reversed(order):
                v._back()

    V.__qualname__ = f"V[{mistake or 'right'}]"
    return V
