"""The fused weighted sum ``b + w0*x0 + w1*x1 + ...``: one graph node with 2n+1 inputs.

The operation and its rules are ``autograd.core.linear``; this module records it from weights,
inputs and a bias (``nn`` neurons use it).
"""

from __future__ import annotations

from collections.abc import Sequence

from .core.linear import LINEAR
from .core.value import Operand, Value, lift, record

__all__ = ["LINEAR", "linear", "linear_values"]


def linear_values(w: Sequence[Value], x: Sequence[Value], b: Value) -> Value:
    """The fast path for callers that already hold Values (``nn`` lifts inputs once per layer).

    ``w`` and ``x`` must have the same length and hold only Values; nothing is checked.

    >>> from autograd import Value
    >>> linear_values([Value(2.0)], [Value(3.0)], Value(1.0)).data
    7.0
    """
    s = b.data
    for wi, xi in zip(w, x, strict=True):
        s += wi.data * xi.data
    return record(s, (*w, *x, b), LINEAR)


def linear(w: Sequence[Operand], x: Sequence[Operand], b: Operand = 0.0) -> Value:
    """``b + sum(w[i] * x[i])`` as one node; numbers are lifted to constants.

    >>> from autograd import Value
    >>> from autograd.fused import linear
    >>> w, x, b = [Value(2.0), Value(-1.0)], [Value(3.0), Value(4.0)], Value(0.5)
    >>> y = linear(w, x, b)
    >>> y.op, len(y.inputs), y.data
    ('linear', 5, 2.5)
    >>> y.backward()
    >>> [v.grad for v in w], [v.grad for v in x], b.grad
    ([3.0, 4.0], [2.0, -1.0], 1.0)
    """
    ws, xs = list(w), list(x)
    if len(ws) != len(xs):
        raise ValueError(f"linear: {len(ws)} weights but {len(xs)} inputs")
    wv = [lift(v, "linear(w)") for v in ws]
    xv = [lift(v, "linear(x)") for v in xs]
    return linear_values(wv, xv, lift(b, "linear(b)"))
