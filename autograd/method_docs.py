"""Docstrings, with examples, for the Value methods that autograd.rules generates from the table."""

from __future__ import annotations

from . import rules  # noqa: F401  (the methods must exist before their docstrings are set)
from .engine import Value

DOCS: dict[str, str] = {
    "exp": """e to the power of this value; the derivative is the result itself.

    >>> from autograd import Value
    >>> x = Value(1.0)
    >>> y = x.exp()
    >>> y.backward()
    >>> round(y.data, 6), round(x.grad, 6)
    (2.718282, 2.718282)
    """,
    "log": """The natural logarithm, for x > 0; the derivative is 1/x.

    >>> from autograd import Value
    >>> x = Value(2.0)
    >>> y = x.log()
    >>> y.backward()
    >>> round(y.data, 6), x.grad
    (0.693147, 0.5)
    """,
    "sqrt": """The square root, for x >= 0; the derivative is 1/(2 sqrt x), +inf at 0 as in PyTorch.

    >>> from autograd import Value
    >>> x = Value(4.0)
    >>> y = x.sqrt()
    >>> y.backward()
    >>> y.data, x.grad
    (2.0, 0.25)
    """,
    "tanh": """The hyperbolic tangent; the derivative is 1 - tanh(x)**2, from the result.

    >>> from autograd import Value
    >>> x = Value(0.5)
    >>> y = x.tanh()
    >>> y.backward()
    >>> round(y.data, 6), round(x.grad, 6)
    (0.462117, 0.786448)
    """,
    "sigmoid": """1 / (1 + e^-x), stable for any x; the derivative is y (1 - y), from y itself.

    >>> from autograd import Value
    >>> x = Value(0.0)
    >>> y = x.sigmoid()
    >>> y.backward()
    >>> y.data, x.grad
    (0.5, 0.25)
    """,
    "relu": """max(0, x); the derivative is 1 for x > 0, else 0 (also at the kink, as in PyTorch).

    >>> from autograd import Value
    >>> a, b = Value(2.0), Value(-1.0)
    >>> (a.relu() + b.relu()).backward()
    >>> a.relu().data, b.relu().data, a.grad, b.grad
    (2.0, 0.0, 1.0, 0.0)
    """,
    "softplus": """log(1 + e^x), stable for large ``|x|``; the derivative is sigmoid(x).

    >>> from autograd import Value
    >>> x = Value(0.0)
    >>> y = x.softplus()
    >>> y.backward()
    >>> round(y.data, 6), x.grad
    (0.693147, 0.5)
    """,
    "sin": """The sine (radians); the derivative is cos x.

    >>> from autograd import Value
    >>> x = Value(0.0)
    >>> y = x.sin()
    >>> y.backward()
    >>> y.data, x.grad
    (0.0, 1.0)
    """,
    "cos": """The cosine (radians); the derivative is -sin x.

    >>> import math
    >>> from autograd import Value
    >>> x = Value(math.pi / 2)
    >>> y = x.cos()
    >>> y.backward()
    >>> abs(y.data) < 1e-15, x.grad
    (True, -1.0)
    """,
}

# The methods are functions compiled by autograd.rules, outside any module's namespace, so the
# doctest collector would not find their examples; listing them here lets it run them.
__test__ = {f"Value.{name}": doc for name, doc in DOCS.items()}

for _name, _doc in DOCS.items():
    getattr(Value, _name).__doc__ = _doc
