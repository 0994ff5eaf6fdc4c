"""Anomaly mode: stop at the first inf or nan and say, in chain-rule terms, how it came.

Inside ``with detect_anomaly():`` every node records where it was created (file and line of
the code that made it, outside this package), and

- the forward pass raises ``AnomalyError`` at the first node whose value is not finite, showing
  the operation and its operands (``exp(x=1000.0) = inf``);
- ``backward()`` and ``grad()`` raise it when a gradient that is not finite reaches a leaf (one
  that a later rule masks, as relu masks what reaches it where x <= 0, is dropped, as without
  the mode), naming the first term or sum of terms that was not finite, showing the local
  derivative, the upstream gradient and their product
  (``sqrt'(x=0.0) = inf times upstream 0.0 -> nan``), the node it reached and where that was
  created; every ``.grad`` is left as it was. The error holds the path from the output down to
  that node: ``draw_dot(root, highlight=error)`` draws it in red. With ``create_graph=True``
  the same terms are checked, and named so: the helper operations a derivative is built from
  (``recip``, ``pow_grad``) are not checked as forward steps of their own.
- forward mode (``autograd.forward_mode.tangents`` and so ``func.jvp``, ``jacfwd``,
  ``hessian``, ``hvp``) raises it at the first tangent that is not finite, in the same terms
  (``sqrt'(x=0.0) = inf times tangent 1.0 -> inf``).

Turning it on replaces no function: it is a mode (``autograd.core.modes``) that the place where
nodes are made, and the reverse sweep, ask for. Off, it costs nothing measurable.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..ops import HELPER_ROWS
from .modes import MODE, Mode, Scoped
from .op import CONST

HELPERS = frozenset(HELPER_ROWS)  # rows, by identity (a Primitive equals only itself)

PACKAGE = str(Path(__file__).resolve().parent.parent)


def creation_site() -> str:
    """``file:line`` of the innermost caller outside this package (where a node was made).

    >>> creation_site().startswith("<doctest")
    True
    """
    frame = sys._getframe(1)
    while frame is not None:
        name = frame.f_code.co_filename
        if not name.startswith(PACKAGE):
            return f"{name}:{frame.f_lineno}"
        frame = frame.f_back  # type: ignore[assignment]
    return "?"


class AnomalyWatch:
    """Anomaly mode's check of each new node. Where a node was made is kept on the node itself
    (its own copy of its Op, ``Op.made_at``), so a long block keeps no node alive.

    >>> from autograd import Value
    >>> y = Value(1.0) * 2
    >>> AnomalyWatch().check(y)
    >>> site_of(y).startswith("<doctest")
    True
    """

    def check(self, node: Any) -> None:
        """Remember where ``node`` was made; raise if its value is the first non-finite one.

        >>> from autograd import Value
        >>> watch = AnomalyWatch()
        >>> watch.check(Value(1.0) * 2)
        >>> watch.check(Value(1e308) * 10)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        autograd.core.anomaly.AnomalyError: forward: mul(x=1e+308, y=10.0) = inf from finite ...
        """
        site = creation_site()
        node._op = node._op.made_at(site)
        if math.isfinite(node.data):
            return
        shown = operands_text(node)
        bad = [c for c in node.inputs if not math.isfinite(c.data)]
        why = (
            f"; its input {describe_node(bad[0])} is already {bad[0].data!r}"
            if bad
            else " from finite operands"
        )
        message = f"forward: {node.op}({shown}) = {node.data!r}{why}, at {site}"
        raise AnomalyError(message, node, [node], site)


@contextmanager
def watch_paused() -> Iterator[AnomalyWatch | None]:
    """While a sweep builds a derivative as a graph: the anomaly watch it checks terms with (or
    None), and meanwhile no forward check of the nodes the rules make, whose non-finite values
    the sweep names as terms of the chain rule, not as steps the user wrote.

    >>> from autograd import Value
    >>> with detect_anomaly():
    ...     with watch_paused() as watch:
    ...         y = Value(1e308) * 10  # not checked here: the caller checks what it builds
    ...     watch is not None, y.data
    (True, inf)
    """
    mode = MODE.get()
    if mode.watch is None:
        yield None
        return
    token = MODE.set(mode._replace(watch=None))
    try:
        yield mode.watch
    finally:
        MODE.reset(token)


def site_of(node: Any) -> str:
    """Where ``node`` was made, if it was made in anomaly mode ("file.py:12"), else "".

    >>> from autograd import Value
    >>> site_of(Value(1.0)), site_of(Value(1.0) * 2)
    ('', '')
    """
    op = node._op
    return op.site if op is not None else ""


def describe_node(node: Any) -> str:
    """A node as messages name it: its label, else its operation (or 'leaf', or the constant).

    >>> from autograd import Value
    >>> describe_node(Value(2.0, "w")), describe_node(Value(2.0) * 3)
    ("'w'", 'a mul node')
    """
    if node.label:
        return repr(node.label)
    if node._op is CONST:
        return f"the constant {node.data!r}"
    if _helper(node) is not None:
        return f"a {_helper(node)} step of a derivative"
    return f"a {node.op} node" if node.op else "an unlabelled leaf"


def _helper(node: Any) -> str | None:
    """The formula of a helper row (``x**k`` for ``pow_grad``) if ``node`` is one: a step of a
    derivative built as a graph, which the user never wrote by that name."""
    p = node._op.primitive if node._op is not None else None
    return p.formula if p is not None and p in HELPERS else None


def input_names(node: Any) -> tuple[str, ...]:
    """The names the node's operation gives its inputs (``x0, x1, ...`` when it has none).

    >>> from autograd import Value
    >>> input_names(Value(1.0) / 2), input_names(Value(1.0))
    (('x', 'y'), ())
    """
    p = node._op.primitive if node._op is not None else None
    return p.inputs if p is not None else tuple(f"x{k}" for k in range(len(node.inputs)))


def operands_text(node: Any, params: bool = True) -> str:
    """The operands of a node as messages show them: ``x=2.0, y=3.0`` (and its parameters).

    >>> from autograd import Value
    >>> operands_text(Value(2.0) ** 3)
    'x=2.0, k=3.0'
    """
    shown = [f"{n}={c.data!r}" for n, c in zip(input_names(node), node.inputs, strict=True)]
    p = node._op.primitive if node._op is not None else None
    if params and p is not None:
        shown += [f"{n}={k!r}" for n, k in zip(p.params, node.params, strict=True)]
    return ", ".join(shown)


def path_to(root: Any, target: Any) -> list[Any]:
    """The nodes from ``root`` down to ``target`` along inputs (the gradient's way back).

    >>> from autograd import Value
    >>> x = Value(1.0, "x")
    >>> y = (x * 2).exp()
    >>> [v.op or v.label for v in path_to(y, x)]
    ['exp', 'mul', 'x']
    """
    parent: dict[Any, Any] = {root: None}
    todo = [root]
    while todo:
        node = todo.pop()
        if node is target:
            break
        for child in node.inputs:
            if child not in parent:
                parent[child] = node
                todo.append(child)
    if target not in parent:
        return []
    path: list[Any] = [target]
    while (up := parent[path[-1]]) is not None:
        path.append(up)
    return path[::-1]


class AnomalyError(ArithmeticError):
    """A non-finite value or gradient, explained in chain-rule terms (see detect_anomaly).

    ``node`` is where it appeared, ``path`` the nodes from the output down to it (draw them
    with ``draw_dot(root, highlight=error)``), ``site`` where ``node`` was created.

    >>> from autograd import Value
    >>> r = Value(0.0, "r")
    >>> y = r.sqrt() * 0
    >>> try:
    ...     y.backward(detect_anomaly=True)
    ... except AnomalyError as e:
    ...     print(e)
    backward: sqrt'(x=0.0) = inf times upstream 0.0 -> nan, passed to 'r' by a sqrt node
    """

    def __init__(self, message: str, node: Any, path: list[Any], site: str = "") -> None:
        super().__init__(message)
        self.node = node
        self.path = path
        self.site = site

    @classmethod
    def in_backward(
        cls, root: Any, node: Any, i: int, g: float, term: float, watch: AnomalyWatch
    ) -> AnomalyError:
        """A term ``upstream × local`` that is not finite, with the arithmetic that made it.

        >>> from autograd import Value
        >>> x = Value(0.0, "x")
        >>> r = x.sqrt()
        >>> print(AnomalyError.in_backward(r, r, 0, 2.0, math.inf, AnomalyWatch()))
        backward: sqrt'(x=0.0) = inf times upstream 2.0 -> inf, passed to 'x' by a sqrt node
        """
        child = node.inputs[i]
        site = site_of(node)
        where = f" (created at {site})" if site else ""
        message = (
            f"backward: {_local_derivative(node, i, term, g)} times upstream {g!r} -> "
            f"{term!r}, passed to {describe_node(child)} by {describe_node(node)}{where}"
        )
        return cls(message, child, path_to(root, child), site)

    @classmethod
    def in_tangent(
        cls, node: Any, i: int, tangent: float, term: float, total: float | None = None
    ) -> AnomalyError:
        """Forward mode: a share ``local × tangent`` of a node's tangent that is not finite,
        or (given ``total``) finite shares whose sum is not.

        >>> from autograd import Value
        >>> r = Value(0.0, "x").sqrt()
        >>> print(AnomalyError.in_tangent(r, 0, 1.0, math.inf))
        forward mode: sqrt'(x=0.0) = inf times tangent 1.0 -> inf, in the tangent of a sqrt node
        """
        site = site_of(node)
        where = f" (created at {site})" if site else ""
        if total is None:
            what = (
                f"{_local_derivative(node, i, term, tangent)} times tangent {tangent!r} -> {term!r}"
            )
        else:
            what = f"the shares {tangent!r} + {term!r} = {total!r}"
        message = f"forward mode: {what}, in the tangent of {describe_node(node)}{where}"
        return cls(message, node, [node], site)

    @classmethod
    def in_sum(
        cls, root: Any, node: Any, i: int, before: float, term: float, total: float,
        watch: AnomalyWatch,
    ) -> AnomalyError:  # fmt: skip
        """Two finite contributions whose sum is not (inf + -inf, or an overflow).

        >>> from autograd import Value
        >>> x = Value(1.0, "x")
        >>> y = x * 2.0
        >>> e = AnomalyError.in_sum(y, y, 0, 1e308, 1e308, math.inf, AnomalyWatch())
        >>> str(e).split(": ", 2)[2]
        '1e+308 + 1e+308 = inf (the share from a mul node)'
        """
        child = node.inputs[i]
        site = site_of(child)
        message = (
            f"backward: {describe_node(child)} gathers gradient from several uses: "
            f"{before!r} + {term!r} = {total!r} (the share from {describe_node(node)})"
        )
        return cls(message, child, path_to(root, child), site)


def _local_derivative(node: Any, i: int, term: float, factor: float) -> str:
    """``sqrt'(x=0.0) = inf``: node's local derivative in its input ``i``, as messages show it
    (from ``term / factor`` when the float rule raises)."""
    op = node._op
    try:
        local = op.partials(node)[i]
    except (ArithmeticError, ValueError):
        local = term / factor if factor else math.nan
    names = input_names(node)
    if _helper(node) is not None:  # shown as its formula: the user never wrote its name
        return f"d({_helper(node)})/d{names[i]} at {operands_text(node)} = {local!r}"
    args = operands_text(node, params=False)
    what = f"{op.name}'({args})" if len(names) == 1 else f"d {op.name}({args})/d{names[i]}"
    return f"{what} = {local!r}"


class detect_anomaly(Scoped):
    """Context manager and decorator: raise ``AnomalyError`` at the first inf or nan (in
    backward, the first that reaches a leaf: one that a rule masks is dropped, as without it).

    >>> from autograd import Value
    >>> with detect_anomaly():
    ...     x = Value(0.0, "x")
    ...     y = x.sqrt() * 0.0  # sqrt'(0) is inf, and inf * 0 is nan
    ...     try:
    ...         y.backward()
    ...     except AnomalyError as e:
    ...         print(str(e).split(" (created")[0])
    backward: sqrt'(x=0.0) = inf times upstream 0.0 -> nan, passed to 'x' by a sqrt node
    >>> x.grad  # the failed backward changed nothing
    0.0
    """

    def _changed(self, mode: Mode) -> Mode:
        return mode._replace(watch=AnomalyWatch())

    def __enter__(self) -> detect_anomaly:
        super().__enter__()
        return self
