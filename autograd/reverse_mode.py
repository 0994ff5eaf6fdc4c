"""Reverse mode as a function: ``grad`` returns gradients, touching no ``.grad``.

``backward()`` fills ``.grad`` attributes; ``grad(outputs, inputs)`` returns d outputs / d inputs
instead, as ``torch.autograd.grad`` does, from the same reverse sweep
(``autograd.core.sweep.backward_pass``) with the gradients kept in a table.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Union

from .core.anomaly import watch_paused
from .core.graph import walk
from .core.modes import MODE, enable_grad
from .core.numbers import is_real, real
from .core.sweep import GradTable, GraphTable, backward_pass, hooked_leaves
from .core.value import Value

Values = Union[Value, Sequence[Value]]


def value_list(x: Values, what: str, where: str = "grad") -> list[Value]:
    """One Value or a sequence of them, as a list; anything else is a TypeError naming it.

    >>> a = Value(1.0)
    >>> value_list(a, "inputs") == [a], value_list((a, a), "inputs") == [a, a]
    (True, True)
    >>> value_list([a, 2.0], "inputs")
    Traceback (most recent call last):
    ...
    TypeError: grad: inputs[1] must be a Value, got float
    """
    if isinstance(x, Value):
        return [x]
    if isinstance(x, (str, bytes)) or not hasattr(x, "__iter__"):
        raise TypeError(f"{where}: {what} must be a Value or a sequence of Values, got {x!r}")
    items = list(x)
    for i, v in enumerate(items):
        if not isinstance(v, Value):
            raise TypeError(f"{where}: {what}[{i}] must be a Value, got {type(v).__name__}")
    return items


def grad(
    outputs: Values,
    inputs: Values,
    grad_outputs: Sequence[float | Value] | float | Value | None = None,
    create_graph: bool = False,
) -> tuple[Value, ...]:
    """d outputs / d inputs, one Value per input, as ``torch.autograd.grad``.

    With several outputs the result is the gradient of their sum weighted by ``grad_outputs``
    (default 1 each). No ``.grad`` attribute is read or written. An input the outputs do not
    depend on gets 0. With ``create_graph=True`` the results are themselves nodes of a graph,
    so they can be differentiated again, to any order, with the same values as the first-order
    path at kinks, zeros and poles (IEEE arithmetic, as ``backward``). Safe to call from
    several threads on one graph.

    >>> from autograd import Value, grad
    >>> x = Value(3.0)
    >>> y = x ** 3
    >>> (dy,) = grad(y, x, create_graph=True)
    >>> (d2y,) = grad(dy, x)
    >>> dy.data, d2y.data
    (27.0, 18.0)
    """
    outs = value_list(outputs, "outputs")
    ins = value_list(inputs, "inputs")
    if grad_outputs is None:
        seeds: list[float | Value] = [1.0] * len(outs)
    else:
        if isinstance(grad_outputs, Value) or is_real(grad_outputs):
            seeds = [grad_outputs]  # type: ignore[list-item]
        elif isinstance(grad_outputs, (str, bytes)) or not hasattr(grad_outputs, "__iter__"):
            raise TypeError(
                "grad: grad_outputs must be a number, a Value or a sequence of them, got "
                f"{type(grad_outputs).__name__}"
            )
        else:
            seeds = list(grad_outputs)
        if len(seeds) != len(outs):
            raise ValueError(f"grad: {len(outs)} outputs but {len(seeds)} grad_outputs")
    if create_graph:
        with enable_grad():
            found = _sweep(outs, [_as_value(s) for s in seeds], GraphTable)
    else:
        floats = [s.data if isinstance(s, Value) else real(s, "grad") for s in seeds]
        found = _sweep(outs, floats, GradTable)
    result = []
    for x in ins:
        g = found.get(x, 0.0)
        result.append(g if isinstance(g, Value) else Value(g))
    return tuple(result)


def _as_value(s: object) -> Value:
    return s if isinstance(s, Value) else Value(real(s, "grad"))


def _sweep(outs: list[Value], seeds: Sequence[Any], kind: type[GradTable]) -> dict[Any, Any]:
    """The reverse sweep from ``outs`` with the gradients in a table of ``kind``."""
    if not outs:  # the gradient of an empty sum: every input gets 0
        return {}
    table = kind({})
    for o, s in zip(outs, seeds, strict=True):  # an output listed twice gets both seeds
        old = table.before(o)
        table.set(o, s if old is None else old + s)
    order, _ = walk(outs)
    leaf_hooks = hooked_leaves(order, outs)
    watch = MODE.get().watch
    if watch is not None and kind is GraphTable:  # the sweep checks each term it builds
        with watch_paused():
            backward_pass(order, table, watch=watch, root=outs[0], leaf_hooks=leaf_hooks)
    else:
        backward_pass(order, table, watch=watch, root=outs[0], leaf_hooks=leaf_hooks)
    return table.grads
