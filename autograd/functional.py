"""The functional API: gradients as return values, without touching any ``.grad``."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Union

from .engine import (
    HOOKS,
    LEAF_HOOKS,
    AnomalyError,
    Value,
    is_real,
    real,
    run_hooks,
    topological_order,
)
from .mode import anomaly_mode, enable_grad

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
            found = _accumulate(outs, seeds, graph=True)
    else:
        found = _accumulate(
            outs, [s.data if isinstance(s, Value) else real(s, "grad") for s in seeds], graph=False
        )
    result = []
    for x in ins:
        g = found.get(x, 0.0)
        result.append(g if isinstance(g, Value) else Value(g))
    return tuple(result)


def _accumulate(
    outs: list[Value], seeds: Sequence[float | Value], graph: bool
) -> dict[Value, float | Value]:
    """Reverse sweep keeping gradients in a dict; with ``graph`` the arithmetic is on Values."""
    grads: dict[Value, float | Value] = {}
    for o, s in zip(outs, seeds, strict=True):
        if graph and not isinstance(s, Value):
            s = Value(real(s, "grad"))
        grads[o] = grads[o] + s if o in grads else s
    # The walk takes the engine's lock (it marks nodes); the sweep below only reads them.
    watch = anomaly_mode.get()
    hooks_exist = HOOKS.count > 0
    for node in reversed(topological_order(outs)):
        g = grads.get(node)
        if g is None:
            continue
        op = node._op  # set: the order holds interior nodes only (no cast in this loop)
        if hooks_exist and op.hooks:  # type: ignore[union-attr]
            g = grads[node] = run_hooks(op.hooks, g, node)  # type: ignore[union-attr]
        # Over Values, or over floats in IEEE arithmetic where plain floats raise.
        contribs = op.contribs_graph if graph else op.float_terms  # type: ignore[union-attr]
        terms = contribs(node, g)
        for i, (child, term) in enumerate(zip(node.inputs, terms, strict=True)):
            if watch is not None and not math.isfinite(_float(term)):
                raise AnomalyError.in_backward(outs[0], node, i, _float(g), _float(term), watch)
            prev = grads.get(child)
            grads[child] = term if prev is None else prev + term
    if hooks_exist:
        for v in [v for v in grads if v.is_leaf and v in LEAF_HOOKS]:
            grads[v] = run_hooks(LEAF_HOOKS[v], grads[v], v)
    return grads


def _float(x: float | Value) -> float:
    return x.data if isinstance(x, Value) else x
