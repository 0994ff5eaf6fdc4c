"""The fused weighted sum ``b + w0*x0 + w1*x1 + ...``: one graph node with 2n+1 inputs.

The operation and its rules are ``autograd.core.linear``; this module records it from weights,
inputs and a bias (``nn`` neurons use it).
"""

from __future__ import annotations

from collections.abc import Sequence

from .core.layout import WEIGHTED
from .core.linear import LINEAR
from .core.modes import STATE, scoped
from .core.value import Operand, Value, lift

new = object.__new__

__all__ = ["LINEAR", "linear", "linear_values"]


def linear_values(w: Sequence[Value], x: Sequence[Value], b: Value) -> Value:
    """The fast path for callers that already hold Values (``nn`` lifts inputs once per layer).

    ``w`` and ``x`` must have the same length and hold only Values; nothing is checked.

    >>> from autograd import Value
    >>> linear_values([Value(2.0)], [Value(3.0)], Value(1.0)).data
    7.0
    """
    s = b.data
    for wi, xi in zip(w, x):  # noqa: B905  (the hot path: the caller gives equal lengths)
        s += wi.data * xi.data
    # The node put together here, as the generated operations do: this runs once per neuron.
    node = new(Value)
    node.data = s
    node.grad = 0.0
    node.label = ""
    node._a = (w if type(w) is tuple else tuple(w), x if type(x) is tuple else tuple(x), b)
    node._b = WEIGHTED
    node._op = LINEAR  # its chain rule: autograd.core.linear.backward_linear
    if STATE.scoped:  # a no_grad or detect_anomaly block was entered somewhere
        return scoped(node)  # type: ignore[no-any-return,unused-ignore]
    return node


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
