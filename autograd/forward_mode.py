"""Forward mode: tangents pushed from inputs to outputs with the table's local derivatives.

Reverse mode (``backward``, ``grad``) starts at an output and sends ``d out / d node`` back to
every input. Forward mode starts at the inputs with a direction (a tangent per input) and sends
``d node / d direction`` forward to every node, with the same local derivatives:

    tangent(node) = sum over inputs i of  d node / d input_i  *  tangent(input_i)

The local derivatives are the operation table's rows, the very functions reverse mode uses
(``Op.partials`` over floats, ``Op.partials_graph`` over Values), so there is no second set of
rules: a user primitive made with ``@primitive`` has forward mode too. With ``create_graph`` the
tangents are Values, so they can be differentiated again (forward-over-reverse gives
Hessian-vector products).

One forward sweep gives the derivative of every output along one input direction; one reverse
sweep gives the derivative of one output along every input. So forward mode is the cheaper one
for functions with few inputs and many outputs, reverse mode for many inputs and few outputs.

Inside ``detect_anomaly()`` the sweep stops at the first tangent that is not finite, with
``AnomalyError`` showing the local derivative, the tangent and their product.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Union

from .core.anomaly import AnomalyError, watch_paused
from .core.graph import topological_order
from .core.modes import MODE, enable_grad
from .core.numbers import is_real, real
from .core.value import Value
from .reverse_mode import Values, value_list

Tangent = Union[float, Value]


def tangents(
    outputs: Values,
    inputs: Values,
    directions: Sequence[float | Value] | float | Value,
    create_graph: bool = False,
) -> tuple[Value, ...]:
    """d outputs along ``directions``: one forward sweep, one tangent per output.

    ``inputs`` are the nodes the direction is given for (leaves or interior nodes), one
    direction per input. The result holds, for each output, the sum over inputs of
    ``d output / d input * direction``: a Jacobian-vector product. No ``.grad`` is touched.

    >>> from autograd import Value
    >>> x, y = Value(2.0), Value(3.0)
    >>> f, g = x * y, x + y
    >>> [t.data for t in tangents([f, g], [x, y], [1.0, 0.0])]  # d/dx of both
    [3.0, 1.0]
    """
    outs = value_list(outputs, "outputs", "tangents")
    ins = value_list(inputs, "inputs", "tangents")
    one = isinstance(directions, Value) or is_real(directions)  # a NumPy scalar, a 0-d array
    dirs = [directions] if one else list(directions)  # type: ignore[arg-type]
    if len(dirs) != len(ins):
        raise ValueError(f"tangents: {len(ins)} inputs but {len(dirs)} directions")
    if MODE.get().watch is None:
        found = _sweep(outs, ins, dirs, create_graph)
    else:  # anomaly mode: the tangents are checked once made, and explained in its terms
        with watch_paused():
            found = _sweep(outs, ins, dirs, create_graph)
            check_tangents(outs, found)
    return tuple(_value(found.get(o, 0.0)) for o in outs)


def _sweep(
    outs: list[Value], ins: list[Value], dirs: list[Any], create_graph: bool
) -> dict[Value, Tangent]:
    if create_graph:
        with enable_grad():
            return _push(outs, ins, [_as_value(d) for d in dirs], graph=True)
    return _push(outs, ins, [_as_float(d) for d in dirs], graph=False)


def _as_value(d: object) -> Value:
    return d if isinstance(d, Value) else Value(real(d, "tangents(directions)"))


def _as_float(d: object) -> float:
    return d.data if isinstance(d, Value) else real(d, "tangents(directions)")


def _value(t: Tangent) -> Value:
    return t if isinstance(t, Value) else Value(t)


def _push(
    outs: list[Value], ins: list[Value], dirs: Sequence[Tangent], graph: bool
) -> dict[Value, Tangent]:
    """The forward sweep: every node's tangent from its inputs' tangents, inputs first."""
    found: dict[Value, Tangent] = {}
    for x, d in zip(ins, dirs, strict=True):
        found[x] = found[x] + d if x in found else d
    for node in topological_order(outs):
        if node in found:  # a direction was given for this node itself: it starts here
            continue
        total: Tangent | None = None
        op = node.operation  # set: the order holds interior nodes only
        local = op.partials_graph(node) if graph else op.partials(node)
        for child, d in zip(node.inputs, local, strict=True):
            t = found.get(child)
            if t is None:  # no path from the inputs through this operand
                continue
            term = t if (type(d) is not Value and d == 1) else t * d
            total = term if total is None else total + term
        if total is not None:
            found[node] = total
    return found


def check_tangents(outs: list[Value], found: dict[Value, Tangent]) -> None:
    """Anomaly mode's check of a forward sweep: AnomalyError at the first node (inputs first)
    whose tangent is not finite, naming the share that was not, or the sum that overflowed.
    The sweep itself stays as fast as without anomaly mode; this pass runs only inside it.

    >>> from autograd import Value
    >>> x = Value(0.0, "x")
    >>> y = x.sqrt()
    >>> check_tangents([y], {x: 1.0, y: math.inf})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    autograd.core.anomaly.AnomalyError: forward mode: sqrt'(x=0.0) = inf times tangent 1.0 -> ...
    """
    for node in topological_order(outs):
        tangent = found.get(node)
        if tangent is None or math.isfinite(_number(tangent)) or node.operation is None:
            continue
        before: float | None = None
        for i, (child, d) in enumerate(zip(node.inputs, _local(node), strict=True)):
            t = found.get(child)
            if t is None:
                continue
            share = _number(t) if d == 1 else _number(t) * d
            if not math.isfinite(share):
                raise AnomalyError.in_tangent(node, i, _number(t), share)
            if before is not None and not math.isfinite(before + share):
                raise AnomalyError.in_tangent(node, i, before, share, before + share)
            before = share if before is None else before + share
        raise AnomalyError.in_tangent(node, 0, math.nan, _number(tangent), _number(tangent))


def _local(node: Value) -> list[float]:
    """The local derivatives as numbers: the float rules, or their IEEE graph versions where
    the float arithmetic raises (a pole)."""
    op = node.operation
    assert op is not None
    try:
        return list(op.partials(node))
    except (ArithmeticError, ValueError):
        return [_number(d) for d in op.partials_graph(node)]


def _number(t: Tangent) -> float:
    return t.data if isinstance(t, Value) else t
