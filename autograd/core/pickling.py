"""Copies and pickles of graphs, without recursion: a chain of any length copies and pickles.

A copied or unpickled graph is a new graph of the same shape: same data, grads, labels and
operations (shared, see ``Op``), new nodes. Pickle would recurse from a node into its inputs, so
a node is saved after a *prelude*: the nodes it depends on, inputs first, each saved with no
prelude of its own; by the time a node is saved, its inputs are already in the pickle.

An operation is part of the engine, not of a graph: a pickle names it (``reduce_op``), by its
name in ``OPERATIONS`` or, for a user primitive, by where its function is defined, and loading
looks it up again (``op_named``, ``user_op``).
"""

from __future__ import annotations

import copyreg
import importlib
import pickle
import threading
from typing import Any

from .graph import GRAPH_LOCK, leaves_first
from .layout import MANY, WEIGHTED
from .op import OPERATIONS, Op


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


def op_named(name: str, params: tuple[float, ...] = ()) -> Op:
    """The engine's Op called ``name`` (bound to ``params``): how a pickled graph finds it.

    >>> op_named("pow", (2.0,))
    Op('pow', 2.0)
    """
    op = OPERATIONS.get(name)
    if op is None:
        raise pickle.UnpicklingError(f"no operation named {name!r}: is its row in the table?")
    return op.bind(*params) if params else op


def user_op(module: str, qualname: str, params: tuple[float, ...] = ()) -> Op:
    """The Op of the user primitive defined as ``module.qualname`` (for unpickling).

    >>> user_op("math", "pi")
    Traceback (most recent call last):
    ...
    _pickle.UnpicklingError: math.pi is not a primitive
    """
    obj: Any = importlib.import_module(module)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    op = getattr(obj, "op", None)
    if not isinstance(op, Op):
        raise pickle.UnpicklingError(f"{module}.{qualname} is not a primitive")
    return op.bind(*params) if params else op


def reduce_op(op: Op) -> tuple[Any, ...]:
    """What pickle saves for an Op: the lookup that finds it again (its hooks stay behind).

    >>> from autograd.core.op import OPERATIONS
    >>> lookup, args = reduce_op(OPERATIONS["pow"].bind(2.0))
    >>> lookup is op_named, args
    (True, ('pow', (2.0,)))
    """
    if op.hooks is not None:
        return reduce_op(op.unhooked())
    if OPERATIONS.get(op.name) is op.base:
        return (op_named, (op.name, op.params))
    if op.origin is not None:
        return (user_op, (*op.origin, op.params))
    raise pickle.PicklingError(
        f"cannot pickle operation {op.name!r}: a user primitive is pickled by the module "
        "path of its function, so define it with @primitive at the top level of a module"
    )


# Pickle asks copyreg's table before an object's own ``__reduce__``: Ops are pickled here.
copyreg.pickle(Op, reduce_op)
