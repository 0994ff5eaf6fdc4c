"""Read this first: backpropagation in two short functions, the reference for the fast ones.

``topological_order_reference`` lists the nodes a value depends on, each after its inputs;
``backward_reference`` applies the chain rule at each of them, outputs first:
``input.grad += node.grad * local``. That is the whole algorithm, as in micrograd (written with
a stack instead of recursion, so depth is limited by memory, not by Python's recursion limit).

What ``Value.backward()`` runs is an optimisation of exactly this, tested to agree bit for bit
(``tests/core/test_reference.py``):

- ``graph.walk`` and ``graph.walk_zeroing`` list the same nodes in the same order, without
  tuples on the stack, without re-reading inputs already known to be finished, and
  (``walk_zeroing``) without a set: the zero it writes into ``.grad`` marks a finished node;
- ``sweep.apply_rules`` calls each node's generated ``backward_<op>`` (in
  ``autograd/core/operations.py``), which does ``input.grad += node.grad * local`` with the
  local derivative written inline, not built as a tuple first. Two things differ where values
  are not finite: where a rule's slope is a masked 0 (relu where x <= 0) it adds nothing, so
  an infinite upstream gives 0, not ``inf * 0 = nan``; where float arithmetic raises
  (``1e-200 ** -2``) it runs the rule again in IEEE arithmetic (inf, as PyTorch gives);
- ``sweep.backward_pass`` is the same sweep over any store of gradients (a table for
  ``grad()``, Values for ``create_graph``, source text for ``compile``), with hooks and
  anomaly checks.
"""

from __future__ import annotations

from typing import Any


def topological_order_reference(root: Any) -> list[Any]:
    """The interior nodes ``root`` depends on (itself included), each after all its inputs.

    >>> from autograd import Value
    >>> x = Value(2.0)
    >>> [n.op for n in topological_order_reference((x * x).exp() + x)]
    ['mul', 'exp', 'add']
    """
    order: list[Any] = []
    done: set[Any] = set()
    stack = [(root, False)]
    while stack:
        node, inputs_done = stack.pop()
        if inputs_done:  # every input is in order already: now the node can be
            done.add(node)
            order.append(node)
        elif node not in done and not node.is_leaf:
            stack.append((node, True))  # come back to it after its inputs
            stack.extend((child, False) for child in node.inputs)
    return order


def backward_reference(root: Any) -> None:
    """``root.backward()``, plainly: every ``.grad`` becomes d root / d that node.

    >>> from autograd import Value
    >>> x = Value(3.0)
    >>> y = x * x + x
    >>> backward_reference(y)
    >>> x.grad  # dy/dx = 2x + 1
    7.0
    """
    order = topological_order_reference(root)
    for node in order:  # interior gradients start afresh; leaves accumulate
        node.grad = 0.0
    root.grad += 1.0
    for node in reversed(order):  # outputs first: a node's gradient is complete when reached
        for child, local in zip(node.inputs, node._op.partials(node), strict=True):
            child.grad += node.grad * local  # the chain rule
