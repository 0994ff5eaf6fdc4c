"""The fused weighted sum ``b + w0*x0 + w1*x1 + ...``: one graph node with 2n+1 inputs.

A neuron written with ``*`` and ``+`` records 2n nodes; this primitive records one, whose inputs
are ``(w0, ..., w[n-1], x0, ..., x[n-1], b)``. The rules sit side by side as in ``ops.py``:

- forward:  out = b + sum_i w_i * x_i, summed left to right starting from b (the order a chain
  of ``+`` uses, so results are bit-for-bit those of the unfused expression);
- d out / d w_i = x_i,   d out / d x_i = w_i,   d out / d b = 1.

The backward functions are written by hand rather than generated from rule text because the
number of inputs varies from node to node.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .codegen import record
from .engine import OPS_BY_NAME, Op, Operand, Value, lift

__all__ = ["LINEAR", "linear", "linear_values"]


def backward_linear(node: Value) -> None:
    """``w_i.grad += g * x_i``, ``x_i.grad += g * w_i``, ``b.grad += g``."""
    g = node.grad
    prev = node.inputs
    n = len(prev) >> 1
    for w, x in zip(prev[:n], prev[n:-1], strict=True):
        w.grad += g * x.data
        x.grad += g * w.data
    prev[-1].grad += g


def partials_linear(node: Value) -> tuple[float, ...]:
    prev = node.inputs
    n = len(prev) >> 1
    return (*(x.data for x in prev[n:-1]), *(w.data for w in prev[:n]), 1.0)


def partials_graph_linear(node: Value) -> tuple[object, ...]:
    # The partials are the other operand of each product: the Values themselves, so a
    # derivative taken with create_graph=True can be differentiated again.
    prev = node.inputs
    n = len(prev) >> 1
    return (*prev[n:-1], *prev[:n], 1.0)


def _contribs_linear(node: Value, g: Any) -> tuple[Any, ...]:
    """The terms backward_linear adds, returned (over Values: differentiable)."""
    prev = node.inputs
    n = len(prev) >> 1
    return (*(g * x for x in prev[n:-1]), *(g * w for w in prev[:n]), g)


def _contribs_linear_floats(node: Value, g: float) -> tuple[float, ...]:
    prev = node.inputs
    n = len(prev) >> 1
    return (*(g * x.data for x in prev[n:-1]), *(g * w.data for w in prev[:n]), g)


LINEAR = Op(
    None,
    "linear",
    backward_linear,
    partials_linear,
    partials_graph_linear,
    contribs=_contribs_linear_floats,
    contribs_graph=_contribs_linear,
)
OPS_BY_NAME["linear"] = LINEAR


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
