"""The fused weighted sum ``b + w0*x0 + w1*x1 + ...`` as an operation: one node, 2n+1 inputs.

A neuron written with ``*`` and ``+`` records 2n nodes; this operation records one, whose inputs
are ``(w0, ..., w[n-1], x0, ..., x[n-1], b)``. Its rules, side by side as in the table:

- forward:  out = b + sum_i w_i * x_i, summed left to right starting from b (the order a chain
  of ``+`` uses, so results are bit-for-bit those of the unfused expression);
- d out / d w_i = x_i,   d out / d x_i = w_i,   d out / d b = 1.

They are written by hand rather than generated from rule text because the number of inputs
varies from node to node. A linear node keeps its inputs as ``(weights, inputs, bias)`` in
its ``_a`` slot (``_b`` is ``WEIGHTED``); ``Value.inputs`` lists them flat, in the order
above. ``weighted_sum(node)`` (``LINEAR.weighted_sum``) is what drawings, the expanded view and
``compile`` ask to recognise it.
"""

from __future__ import annotations

from typing import Any

from .op import Op, register


def backward_linear(node: Any) -> None:
    """The chain rule at a linear node: ``w_i.grad += g * x_i``, then ``x_i.grad += g * w_i``,
    then ``b.grad += g``: the inputs in their order, as ``terms_linear`` gives them, so a node
    that is both a weight and an input sums its shares in the order every other path does."""
    g = node.grad
    ws, xs, b = node._a
    i = 0
    for w in ws:  # a counter, not zip or enumerate: these loops are the hot path of training
        w.grad += g * xs[i].data
        i += 1  # noqa: SIM113
    i = 0
    for x in xs:
        x.grad += g * ws[i].data
        i += 1  # noqa: SIM113
    b.grad += g


def terms_linear(node: Any, g: Any) -> tuple[Any, ...]:
    """What each input receives, returned (over floats), in input order: w..., x..., b."""
    ws, xs, _ = node._a
    return (*(g * x.data for x in xs), *(g * w.data for w in ws), g)


def partials_linear(node: Any) -> tuple[float, ...]:
    """The local derivatives: each weight's input, each input's weight, and 1."""
    ws, xs, _ = node._a
    return (*(x.data for x in xs), *(w.data for w in ws), 1.0)


def terms_graph_linear(node: Any, g: Any) -> tuple[Any, ...]:
    """The terms over Values (differentiable)."""
    ws, xs, _ = node._a
    return (*(g * x for x in xs), *(g * w for w in ws), g)


def partials_graph_linear(node: Any) -> tuple[Any, ...]:
    """The local derivatives over Values: the other operand of each product itself."""
    ws, xs, _ = node._a
    return (*xs, *ws, 1.0)


__all__ = ["LINEAR"]

LINEAR = register(
    Op(
        None, "linear", backward=backward_linear, terms=terms_linear, partials=partials_linear,
        terms_graph=terms_graph_linear, partials_graph=partials_graph_linear, weighted_sum=True,
    )
)  # fmt: skip


def weighted_sum(node: Any) -> bool:
    """True for a fused neuron's node, ``b + w0*x0 + ...``: drawings and formulas ask this.

    >>> from autograd import Value
    >>> from autograd.fused import linear
    >>> weighted_sum(linear([Value(1.0)], [Value(2.0)])), weighted_sum(Value(1.0) * 2)
    (True, False)
    """
    return node._op is not None and node._op.weighted_sum
