# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.7
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 0. Build it yourself, and have it checked
#
# Every course on backpropagation ends with you writing your own engine, or your own
# vectorised backward pass in NumPy. Then the question is: is it right? A finite-difference
# check says "mismatch" and nothing more. Here this engine checks your code instead:
#
# - `check_engine(YourValue)` property-tests a scalar engine with micrograd's interface
#   (`V(data)`, `.data`, `.grad`, operators, `.backward()`) on graphs built to break home-made
#   engines, and on random graphs (Hypothesis), with this engine as the oracle. It names each
#   mistake and shows the smallest graph where it shows.
# - `check_backward(forward, backward, *arrays)` runs your NumPy forward over arrays of this
#   engine's Values (exact reverse mode, no finite differences) and compares your gradients
#   entry by entry, naming the known mistake that explains a wrong one.
#
# Both live in `autograd.testing` (the `testing` extra: Hypothesis and NumPy). The same checks
# run from a terminal: `python -m autograd check mymodule:Value` and
# `python -m autograd check-backward mymodule:forward mymodule:backward`.

# %%
import math

try:
    import numpy as np
except ImportError:  # in the browser (JupyterLite): no NumPy there, see the last section
    np = None

from autograd.testing import check_backward, check_engine

# %% [markdown]
# ## A first engine
#
# About sixty lines, as a first attempt often looks. It has five of the classic mistakes in
# it; read it and see whether you can spot them before the check does.


# %%
class Value:
    def __init__(self, data, children=()):
        self.data = data
        self.grad = 0.0
        self._backward = lambda: None
        self._prev = children

    def __add__(self, other):
        other = other if isinstance(other, Value) else type(self)(other)
        out = type(self)(self.data + other.data, (self, other))

        def _backward():
            self.grad = out.grad
            other.grad = out.grad

        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else type(self)(other)
        out = type(self)(self.data * other.data, (self, other))

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def __pow__(self, k):
        out = type(self)(self.data**k, (self,))

        def _backward():
            self.grad += k * self.data ** (k - 1) * out.grad

        out._backward = _backward
        return out

    def tanh(self):
        t = math.tanh(self.data)
        out = type(self)(t, (self,))

        def _backward():
            self.grad += (1 - self.data**2) * out.grad

        out._backward = _backward
        return out

    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-other)

    def __truediv__(self, other):
        return self * other**-1

    def backward(self):
        order, seen = [], set()

        def build(v):
            if v not in seen:
                seen.add(v)
                for child in v._prev:
                    build(child)
                order.append(v)

        build(self)
        self.grad = 1.0
        for v in reversed(order):
            v._backward()


# %%
print(check_engine(Value))


# %% [markdown]
# Each problem comes with its kind and the smallest graph that shows it, written the way the
# steppers write a graph. (Each failure's `to_dot()` gives the same graph in DOT, with this
# engine's correct gradients, and `draw()` draws it when Graphviz is installed.) A mistake is
# reported once, where it is made: what it keeps from being checked (`add` in larger graphs,
# `sub`, which calls `__add__`) is listed as *not checked because of* it, never as right. So
# each fix below takes one problem away, and brings back into the check what it was hiding.
# One at a time, then.
#
# ### 1. `=` instead of `+=`
#
# In `b = a + a` the node `a` gets a gradient along two paths, and they must add up. The
# addition's backward *assigned* instead, so the second path overwrote the first.


# %% nbgrader={"grade": false, "grade_id": "add_accumulates", "locked": false, "schema_version": 3, "solution": true} tags=["solution"]
class Value(Value):
    def __add__(self, other):
        ### BEGIN SOLUTION
        other = other if isinstance(other, Value) else type(self)(other)
        out = type(self)(self.data + other.data, (self, other))

        def _backward():
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out
        ### END SOLUTION


print(check_engine(Value))


# %% [markdown]
# ### 2. The local derivative of tanh
#
# $\frac{d}{dx}\tanh x = 1 - \tanh^2 x$: the square of the *output*, not of the input.


# %% nbgrader={"grade": false, "grade_id": "tanh_derivative", "locked": false, "schema_version": 3, "solution": true} tags=["solution"]
class Value(Value):
    def tanh(self):
        ### BEGIN SOLUTION
        t = math.tanh(self.data)
        out = type(self)(t, (self,))

        def _backward():
            self.grad += (1 - t**2) * out.grad

        out._backward = _backward
        return out
        ### END SOLUTION


print(check_engine(Value))


# %% [markdown]
# ### 3. Numbers on the left
#
# `2 * v` first asks the number 2 to multiply by a Value; it cannot, so Python asks the Value
# for `__rmul__`. `sum([...])` starts from 0, so it needs `__radd__`. The four missing methods
# are one problem: a number on the left.


# %% nbgrader={"grade": false, "grade_id": "reflected_operators", "locked": false, "schema_version": 3, "solution": true} tags=["solution"]
class Value(Value):
    def __radd__(self, other):
        ### BEGIN SOLUTION
        return self + other
        ### END SOLUTION

    def __rmul__(self, other):
        ### BEGIN SOLUTION
        return self * other
        ### END SOLUTION

    def __rsub__(self, other):
        ### BEGIN SOLUTION
        return (-self) + other
        ### END SOLUTION

    def __rtruediv__(self, other):
        ### BEGIN SOLUTION
        return self**-1 * other
        ### END SOLUTION


print(check_engine(Value))


# %% [markdown]
# ### 4. A long chain, and backward twice
#
# `build` calls itself once per node of the chain, so a graph deeper than Python's recursion
# limit (1000 calls) cannot be sorted. A loop with an explicit stack has no such limit. And a
# second `backward()` on the same graph started from the first pass's gradients in every
# interior node: setting every node's gradient to 0 before a pass fixes that. (This engine,
# like PyTorch, adds a second pass into the leaves and starts every interior node from 0; a
# reset of the leaves too would be right as well.)


# %% nbgrader={"grade": false, "grade_id": "backward_iterative", "locked": false, "schema_version": 3, "solution": true} tags=["solution"]
class Value(Value):
    def backward(self):
        ### BEGIN SOLUTION
        order, seen, stack = [], set(), [(self, False)]
        while stack:
            v, children_done = stack.pop()
            if children_done:
                order.append(v)
            elif v not in seen:
                seen.add(v)
                stack.append((v, True))
                stack.extend((child, False) for child in v._prev)
        for v in order:
            if v._prev:
                v.grad = 0.0
        self.grad = 1.0
        for v in reversed(order):
            v._backward()
        ### END SOLUTION


report = check_engine(Value)
print(report)
bool(report)

# %% [markdown]
# Everything it defines is right, and the operations it does not define (`exp`, `relu`, ...)
# are listed, not failed.
#
# ## Your own NumPy backward
#
# One layer, as the tutorial this project grew from writes it: $Z = XW + b$,
# $A = \sigma(Z)$, $E = \frac{1}{2m}\sum (A - Y)^2$ over $m$ examples. Its backward is the
# tutorial's, line for line (its `A.T` included).
#
# **In the browser.** The documentation's JupyterLite site has no NumPy: Pyodide's build of it
# is published on neither PyPI nor npm, the only registries the site is built from. There the
# two cells below define their functions and say that the check needs NumPy; run this section
# on your machine (`make notebooks`) to see it. Everything above runs in the browser as it is.


# %%
def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def d_sigmoid(z):
    return sigmoid(z) * (1 - sigmoid(z))


def forward(X, W, b, Y):
    A = sigmoid(np.dot(X, W) + b)
    return np.sum((A - Y) ** 2) / (2 * X.shape[0])


def backward(X, W, b, Y):
    m = X.shape[0]
    Z = np.dot(X, W) + b
    A = sigmoid(Z)
    dW = (1 / m) * np.dot(A.T, (A - Y)) * d_sigmoid(Z)
    db = (1 / m) * np.sum(d_sigmoid(Z) * (A - Y), axis=0)
    return dW, db


if np is None:
    print("This check needs NumPy, which the browser's Python here does not have.")
else:
    rng = np.random.default_rng(0)
    X = rng.uniform(-2, 2, (3, 3)).round(2)
    W = rng.uniform(-1, 1, (3, 1)).round(2)
    b = np.array([0.1])
    Y = np.array([[1.0], [0.0], [1.0]])
    print(check_backward(forward, backward, X, W, b, Y, no_grad=["X", "Y"]))


# %% [markdown]
# `forward` ran unchanged over arrays of Values: `np.dot` multiplies and adds them, `np.exp`
# calls each one's `.exp()`. The bias gradient is right; `dW` is not, and the check says which
# mistake reproduces it exactly. The chain rule puts $\sigma'(Z)$ on each example *before*
# the product with the layer's input:
# $dW = X^\top \left(dA \odot \sigma'(Z)\right)$ with $dA = (A - Y)/m$.


# %% nbgrader={"grade": false, "grade_id": "numpy_backward", "locked": false, "schema_version": 3, "solution": true} tags=["solution"]
def backward(X, W, b, Y):
    ### BEGIN SOLUTION
    m = X.shape[0]
    Z = np.dot(X, W) + b
    A = sigmoid(Z)
    dZ = (A - Y) * d_sigmoid(Z) / m
    return X.T @ dZ, dZ.sum(axis=0)
    ### END SOLUTION


if np is not None:  # (in the browser, see above)
    print(check_backward(forward, backward, X, W, b, Y, no_grad=["X", "Y"]))
