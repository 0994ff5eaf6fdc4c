"""Looking at a graph: its interior nodes in topological order, and the leaves that feed them.

``walk`` and ``walk_zeroing`` are the fast forms of ``reference.topological_order_reference``
(read that first): the same order, node for node.

Looking changes nothing: the traversal keeps what it has seen in its own sets and marks no node,
so any number of threads may look at one graph at once, and drawing a graph takes no lock.
``GRAPH_LOCK`` is for what writes into a graph: ``backward`` (interior ``.grad``) and hooks.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from .layout import MANY, WEIGHTED
from .locks import ForkSafeLock

# One writer at a time: backward writes interior grads, register_hook swaps an Op. Threads that
# differentiate (the same or different graphs) take turns; recording and looking are not locked.
GRAPH_LOCK = ForkSafeLock()


def topological_order(roots: Iterable[Any]) -> list[Any]:
    """Interior nodes reachable from ``roots``, each after all of its inputs.

    Leaves are not listed (see ``leaves``). Iterative: depth is limited by memory, not by
    Python's recursion limit.

    >>> from autograd import Value
    >>> a = Value(1.0, "a")
    >>> b = a + a
    >>> c = b * b
    >>> [n.op for n in topological_order([c])]
    ['add', 'mul']
    """
    return walk(roots)[0]


class _Exit:
    """On the walk's stack, below a node's inputs: when it comes off, the node is complete."""

    __slots__ = ()


_EXIT = _Exit()


def walk(roots: Iterable[Any]) -> tuple[list[Any], bool]:
    """The topological order of the interior nodes, and whether any has a fallible op.

    ``reference.topological_order_reference`` made fast, node for node the same order (a test
    checks): no tuples on the stack, leaves and finished inputs never pushed, one- and
    two-input nodes unrolled, a neuron's input tuples read once. Depth-first with an explicit
    stack. A node waiting for its inputs goes back on the stack under an exit marker, with its
    inputs above: when the marker comes off, every input is done and the node is emitted.
    ``done`` is the walk's own set: no node is marked. A user primitive's node keeps its inputs
    in the tuple layout (``_b is MANY``), so the fallibility check costs nothing on the common
    one- and two-input nodes.

    >>> from autograd import Value
    >>> x = Value(2.0)
    >>> order, fallible = walk([x * x + x])
    >>> [n.op for n in order], fallible
    (['mul', 'add'], False)
    """
    done: set[Any] = set()
    finish = done.add
    complete: set[int] = set()  # ids of input tuples of weighted sums whose items are all done
    fallible = False
    order: list[Any] = []
    emit = order.append
    stack = [r for r in roots if r._a is not None]
    push, pop, extend = stack.append, stack.pop, stack.extend
    while stack:
        node = pop()
        if node is _EXIT:  # the node below it has all its inputs done
            node = pop()
            finish(node)
            emit(node)
            continue
        if node in done:  # reached again through another path
            continue
        a, b = node._a, node._b
        waiting: Any = False
        if b is MANY:
            if node._op.fallible:
                fallible = True
            waiting = [c for c in a if c._a is not None and c not in done]
            if waiting:
                push(node)
                push(_EXIT)
                extend(waiting)
        elif b is WEIGHTED:  # a neuron: (weights, inputs, bias)
            # A layer's neurons share one inputs tuple and a neuron's weights tuple recurs in
            # every example: a tuple found complete (each item a leaf or done) is not read again.
            ws, xs, bias = a
            if id(ws) not in complete:
                waiting = [c for c in ws if c._a is not None and c not in done]
                if not waiting:
                    complete.add(id(ws))
            if id(xs) not in complete:
                more = [c for c in xs if c._a is not None and c not in done]
                if more:
                    waiting = waiting + more if waiting else more
                else:
                    complete.add(id(xs))
            if bias._a is not None and bias not in done:
                waiting = [*waiting, bias] if waiting else [bias]
            if waiting:
                push(node)
                push(_EXIT)
                extend(waiting)
        else:  # unrolled for one or two inputs, the common case
            if a._a is not None and a not in done:
                push(node)
                push(_EXIT)
                waiting = True
                push(a)
            if b is not None and b._a is not None and b not in done:
                if not waiting:
                    push(node)
                    push(_EXIT)
                    waiting = True
                push(b)
        if not waiting:  # every input is a leaf or done: emit now
            finish(node)
            emit(node)
    return order, fallible


def walk_zeroing(root: Any) -> tuple[list[Any], bool]:
    """``walk((root,))`` for ``backward``, which zeroes every interior ``.grad`` it is about to
    fill: the zero it writes is this walk's mark of a finished node (one fresh float object per
    walk, compared by identity), and a node waiting for its inputs holds a second one, so no
    set of visited nodes and no exit marker are needed: a waiting node popped again is complete.
    The order is ``walk``'s, node for node (tests/core/test_reference.py). The caller holds
    ``GRAPH_LOCK``: this walk writes.

    >>> from autograd import Value
    >>> x = Value(2.0)
    >>> y = x * x + x
    >>> y.grad = 5.0
    >>> order, _ = walk_zeroing(y)
    >>> [n.op for n in order] == [n.op for n in walk([y])[0]], y.grad
    (True, 0.0)
    """
    # Two new 0.0 objects, told apart by identity: a reader of .grad meanwhile (a drawing,
    # another thread) sees the float 0.0, never a private marker.
    done = float(0)  # written as each node's .grad once it is emitted
    entered = float(0)  # a node waiting for its inputs
    complete: set[int] = set()
    fallible = False
    order: list[Any] = []
    emit = order.append
    stack = [root] if root._a is not None else []
    push, pop, extend = stack.append, stack.pop, stack.extend
    try:
        while stack:
            node = pop()
            mark = node.grad
            if mark is done:
                continue
            if mark is entered:  # second visit: every input is done
                node.grad = done
                emit(node)
                continue
            a, b = node._a, node._b
            waiting: Any = False
            if b is MANY:
                if node._op.fallible:
                    fallible = True
                waiting = [c for c in a if c._a is not None and c.grad is not done]
                if waiting:
                    push(node)
                    extend(waiting)
            elif b is WEIGHTED:  # as in walk: tuples found complete are not read again
                ws, xs, bias = a
                if id(ws) not in complete:
                    waiting = [c for c in ws if c._a is not None and c.grad is not done]
                    if not waiting:
                        complete.add(id(ws))
                if id(xs) not in complete:
                    more = [c for c in xs if c._a is not None and c.grad is not done]
                    if more:
                        waiting = waiting + more if waiting else more
                    else:
                        complete.add(id(xs))
                if bias._a is not None and bias.grad is not done:
                    waiting = [*waiting, bias] if waiting else [bias]
                if waiting:
                    push(node)
                    extend(waiting)
            else:
                if a._a is not None and a.grad is not done:
                    push(node)
                    waiting = True
                    push(a)
                if b is not None and b._a is not None and b.grad is not done:
                    if not waiting:
                        push(node)
                        waiting = True
                    push(b)
            if waiting:
                node.grad = entered
            else:
                node.grad = done
                emit(node)
    except BaseException:  # (an interrupt): no node keeps the waiting mark
        for node in stack:
            if node.grad is entered:
                node.grad = 0.0
        raise
    return order, fallible


def leaves(order: Iterable[Any]) -> list[Any]:
    """Distinct leaves feeding the interior nodes in ``order``, in first-seen order.

    >>> from autograd import Value
    >>> a, b = Value(1.0, "a"), Value(2.0, "b")
    >>> c = (a * b + a).tanh()
    >>> [v.label for v in leaves(topological_order([c]))]
    ['a', 'b']
    """
    seen: dict[Any, None] = {}
    for node in order:
        for child in node.inputs:
            if child._a is None:
                seen[child] = None
    return list(seen)


def leaves_first(root: Any) -> Iterator[Any]:
    """Every node ``root`` depends on, itself included, each after its inputs.

    >>> from autograd import Value
    >>> x = Value(2.0, "x")
    >>> [n.label or n.op for n in leaves_first(x * x)]
    ['x', 'mul']
    """
    order = topological_order((root,))
    yield from leaves(order) if order else (root,)
    yield from order
