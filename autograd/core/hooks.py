"""Gradient hooks: ``fn(grad)`` called when a node's gradient is complete (``register_hook``).

An interior node with hooks gets a private copy of its ``Op`` that holds them (``Op.hooked``),
so nodes without hooks pay nothing; a leaf keeps its hooks in its ``_b`` slot (unused by a leaf,
which has no inputs). Either way they live and die with their node: a dropped graph takes its
hooks with it. The reverse sweep runs them (``autograd.core.sweep``), only while some live node
has a hook (``HOOKS.count``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from .anomaly import describe_node
from .counters import HOOKS, HookList
from .graph import GRAPH_LOCK, leaves
from .numbers import is_node, real
from .op import constant

Hook = Callable[[Any], Any]


def hooks_of_leaf(node: Any) -> HookList | None:
    """A leaf's hooks (None for a leaf without any, and for an interior node).

    >>> from autograd import Value
    >>> x = Value(1.0)
    >>> hooks_of_leaf(x) is None
    True
    >>> with x.register_hook(print):
    ...     hooks_of_leaf(x) == [print]
    True
    """
    return node._b if node._a is None else None


def run_hooks(hooks: list[Hook], g: Any, node: Any) -> Any:
    """Pass ``g`` through each hook in turn; a hook's non-None result replaces it.

    >>> from autograd import Value
    >>> run_hooks([lambda g: g * 2, lambda g: None], 3.0, Value(0.0))
    6.0
    """
    for fn in list(hooks):
        out = fn(g)
        if out is None:
            continue
        if is_node(out):
            if not is_node(g):
                out = out.data  # a first-order pass keeps floats
        else:
            out = real(out, f"the hook {getattr(fn, '__name__', fn)!r} on {describe_node(node)}")
            if is_node(g):
                out = constant(type(g), out, "register_hook")
        g = out
    return g


def add_hook(node: Any, fn: Hook) -> HookHandle:
    """Attach ``fn`` to ``node`` (what ``Value.register_hook`` does, after checking ``fn``).

    >>> from autograd import Value
    >>> y = Value(2.0) * 3
    >>> handle = add_hook(y, print)
    >>> y._op.hooks == [print], handle.remove(), y._op.hooks
    (True, None, None)
    """
    with GRAPH_LOCK:
        if node._a is None:
            if node._b is None:
                node._b = HookList()
            hooks = node._b
        else:
            op = node._op
            if op.hooks is None:
                op = node._op = op.hooked()
            hooks = op.hooks
        hooks.append(fn)
        HOOKS.add(1)
    return HookHandle(node, fn)


class HookHandle:
    """What ``register_hook`` returns: ``remove()`` takes the hook off (also as a ``with``).

    >>> from autograd import Value
    >>> x = Value(2.0)
    >>> with x.register_hook(lambda g: 0.0):
    ...     (x * x).backward()
    >>> x.grad, hooks_of_leaf(x)
    (0.0, None)
    """

    def __init__(self, node: Any, fn: Hook) -> None:
        self.node = node
        self.fn = fn
        self.removed = False

    def remove(self) -> None:
        """Take the hook off (again: nothing happens).

        >>> from autograd import Value
        >>> x = Value(1.0)
        >>> h = x.register_hook(print)
        >>> h.remove(); h.remove()
        """
        if self.removed:
            return
        node = self.node
        with GRAPH_LOCK:
            self.removed = True
            HOOKS.add(-1)
            if node._a is None:
                hooks = node._b
                hooks.remove(self.fn)
                if not hooks:
                    node._b = None
            else:
                op = node._op
                op.hooks.remove(self.fn)
                if not op.hooks:
                    node._op = op.unhooked()

    def __enter__(self) -> HookHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()


def has_hooks(order: Iterable[Any]) -> bool:
    """Whether any node in ``order`` or any leaf feeding it has a gradient hook.

    >>> from autograd import Value
    >>> from autograd.core.graph import topological_order
    >>> x = Value(1.0)
    >>> has_hooks(topological_order([x * 2]))
    False
    """
    if not HOOKS.count:
        return False
    nodes = list(order)
    return any(n._op.hooks for n in nodes) or any(v._b is not None for v in leaves(nodes))
