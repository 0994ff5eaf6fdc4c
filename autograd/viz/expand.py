"""The expanded view of a network: each fused weighted sum written out as products and sums.

``nn`` computes a neuron's ``b + w0*x0 + w1*x1 + ...`` as one ``linear`` node (fast, and one box
in a drawing), which hides the ``x*w + b`` chain rule a learner is taught. :func:`expand`
rebuilds the graph with every ``linear`` node replaced by the products and the running sums it
stands for, summed in the same order, so every number is bit-for-bit the same. The leaves (the
parameters and inputs) are shared with the original graph; only interior nodes are new.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import cast

from ..core.graph import topological_order
from ..core.linear import weighted_sum
from ..core.modes import enable_grad
from ..core.op import OPERATIONS, Op
from ..core.value import Value, record

__all__ = ["expand", "expansion"]


def expansion(root: Value) -> tuple[Value, dict[Value, Value]]:
    """The expanded graph's root and, for each of its new nodes, the original node it stands for.

    A product or partial sum inside an expanded ``linear`` node stands for that node: its
    gradient d root/d node is the same (a sum passes its gradient on unchanged), so each new
    node's ``.grad`` is copied from the node it stands for.

    >>> from autograd.fused import linear
    >>> w, x, b = Value(2.0, "w"), Value(3.0, "x"), Value(1.0, "b")
    >>> y = linear([w], [x], b)
    >>> new, source = expansion(y)
    >>> new.op, [v.op or v.label for v in new.inputs], source[new] is y
    ('add', ['b', 'mul'], True)
    """
    stands_for: dict[Value, Value] = {}
    if root.is_leaf:
        return root, stands_for
    order = topological_order((root,))
    if not any(weighted_sum(node) for node in order):
        return root, {node: node for node in order}
    new: dict[Value, Value] = {}

    def get(v: Value) -> Value:
        return new.get(v, v)  # leaves are shared

    mul, add = OPERATIONS["mul"], OPERATIONS["add"]
    with enable_grad():  # the original was recorded, so its expansion is too, even in no_grad
        for node in order:
            inputs = tuple(get(v) for v in node.inputs)
            if not weighted_sum(node):
                made = record(node.data, inputs, cast(Op, node.operation))
                made.label = node.label
            else:
                n = len(inputs) >> 1
                made = inputs[-1]  # b, then + w_i * x_i left to right, as linear sums them
                for w, x in zip(inputs[:n], inputs[n:-1], strict=True):
                    term = record(w.data * x.data, (w, x), mul)
                    made = record(made.data + term.data, (made, term), add)
                    stands_for[term] = stands_for[made] = node
                made.label = node.label
            new[node] = made
            stands_for[made] = node
    for made, node in stands_for.items():
        made.grad = node.grad
    return new[root], stands_for


def expand(root: Value) -> Value:
    """``root``'s graph with every fused ``linear`` node written out as ``*`` and ``+`` nodes.

    The numbers are the same, bit for bit, and each new node's ``.grad`` is copied from the node
    it stands for, so drawing the result after ``root.backward()`` shows the gradients of the
    original graph. The leaves are shared: call ``backward()`` on the expanded graph only after
    zeroing them, or it adds to what is there. A graph without ``linear`` nodes comes back as is.

    >>> from autograd.nn import Neuron
    >>> n = Neuron(2, activation="tanh", seed=0)
    >>> y = n([0.5, -1.0])
    >>> y.backward()
    >>> e = expand(y)
    >>> y.inputs[0].op, e.inputs[0].op, e.data == y.data
    ('linear', 'add', True)
    >>> [v.op or v.label for v in e.inputs[0].inputs]
    ['add', 'mul']
    >>> e.inputs[0].grad == y.inputs[0].grad
    True
    """
    return expansion(root)[0]


def translate(
    mapping: Mapping[Value, float], stands_for: Mapping[Value, Value]
) -> dict[Value, float]:
    """Values keyed by original nodes re-keyed by the expanded nodes standing for them.

    >>> a = Value(1.0)
    >>> translate({a: 2.0}, {a: a})
    {Value(data=1.0, grad=0.0): 2.0}
    """
    out = {k: v for k, v in mapping.items() if k.is_leaf}
    for node, original in stands_for.items():
        if original in mapping:
            out[node] = mapping[original]
    return out
