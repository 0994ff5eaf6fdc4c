"""Copies and pickles of graphs, without recursion: a chain of any length copies and pickles.

A copied or unpickled graph is a new graph of the same shape: same data, grads, labels and
operations (shared, see ``Op``), new nodes. Pickle would recurse from a node into its inputs, so
a node is saved after a *prelude*: the nodes it depends on, inputs first, each saved with no
prelude of its own; by the time a node is saved, its inputs are already in the pickle.
"""

from __future__ import annotations

import threading
from typing import Any

from .graph import GRAPH_LOCK, leaves_first
from .op import MANY, WEIGHTED


def blank(cls: type[Any], *ignored: object) -> Any:
    """An empty node for copy and pickle to fill in (``ignored``: what pickle saved first).

    >>> from autograd import Value
    >>> type(blank(Value)).__name__
    'Value'
    """
    return object.__new__(cls)


class _PickleState(threading.local):
    # The nodes of the prelude being saved: they need no prelude of their own. The nodes
    # themselves, not a flag: a pickle that fails half-way (an operation that cannot be pickled)
    # leaves them here, and that must change nothing for any other node; the next prelude
    # replaces them.
    members: frozenset[Any] = frozenset()


_pickling = _PickleState()


class _Prelude:
    """The nodes a pickled node depends on, saved before it (see ``reduce_node``)."""

    def __init__(self, nodes: list[Any]) -> None:
        self.nodes = nodes

    def __reduce__(self) -> tuple[Any, ...]:
        _pickling.members = frozenset(self.nodes)  # pickle now saves them, then _PreludeEnd
        return (blank, (object, *self.nodes, _PreludeEnd()))


class _PreludeEnd:
    def __reduce__(self) -> tuple[Any, ...]:
        _pickling.members = frozenset()
        return (blank, (object,))


def state(node: Any) -> tuple[Any, ...]:
    """A node's fields, in the order ``set_state`` takes them.

    >>> from autograd import Value
    >>> state(Value(2.0, "x"))
    (2.0, 0.0, 'x', None, None, None)
    """
    a, b, op = node._a, node._b, node._op
    if a is None:
        b = None  # a leaf's hooks belong to it, not to its copies (nor to a file)
    elif op.hooks is not None:
        op = op.unhooked()
    return (node.data, node.grad, node.label, op, a, b)


def set_state(node: Any, data: float, grad: Any, label: str, op: Any, a: Any, b: Any) -> None:
    """Fill in a blank node's fields.

    >>> from autograd import Value
    >>> node = blank(Value)
    >>> set_state(node, 2.0, 0.0, "x", None, None, None)
    >>> node
    Value(data=2.0, grad=0.0, label='x')
    """
    node.data, node.grad, node.label, node._op, node._a, node._b = data, grad, label, op, a, b


def reduce_node(node: Any) -> tuple[Any, ...]:
    """What pickle saves for ``node``: its prelude first, then its fields.

    >>> import pickle
    >>> from autograd import Value
    >>> y = pickle.loads(pickle.dumps(Value(2.0, "x") * 3))
    >>> y.data, [v.label or v.op for v in y.inputs]
    (6.0, ['x', 'const'])
    """
    cls = type(node)
    if node._a is None or node in _pickling.members:
        return (blank, (cls,), state(node))
    with GRAPH_LOCK:
        earlier = [n for n in leaves_first(node) if n is not node]
    return (blank, (cls, _Prelude(earlier)), state(node))


def deep_copy(node: Any, memo: dict[int, Any]) -> Any:
    """A copy of the graph that ``node`` ends, sharing nothing but operations.

    >>> import copy
    >>> from autograd import Value
    >>> x = Value(2.0)
    >>> y = copy.deepcopy(x * x)
    >>> y.data, y.inputs[0] is y.inputs[1], y.inputs[0] is x
    (4.0, True, False)
    """
    for n in leaves_first(node):
        if id(n) in memo:
            continue
        a, b = n._a, n._b
        if b is MANY:
            a = tuple(memo[id(c)] for c in a)
        elif b is WEIGHTED:
            ws, xs, bias = a
            a = (tuple(memo[id(c)] for c in ws), tuple(memo[id(c)] for c in xs), memo[id(bias)])
        elif a is None:
            b = None  # a leaf's hooks are not copied
        else:
            a = memo[id(a)]
            b = None if b is None else memo[id(b)]
        copy = blank(type(n))
        op = n._op if n._op is None or n._op.hooks is None else n._op.unhooked()
        set_state(copy, n.data, n.grad, n.label, op, a, b)
        memo[id(n)] = copy
    return memo[id(node)]
