"""gradcheck and gradgradcheck: analytic derivatives against central finite differences."""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Union

from ..core.modes import no_grad
from ..core.numbers import real
from ..core.value import Value
from ..forward_mode import tangents
from ..reverse_mode import grad

Inputs = Sequence[Union[Value, float, int]]
Function = Callable[..., Any]


class GradcheckError(AssertionError):
    """Raised by gradcheck / gradgradcheck; ``rows`` holds every compared derivative.

    >>> err = GradcheckError("gradcheck failed", [])
    >>> isinstance(err, AssertionError), err.rows
    (True, [])
    """

    def __init__(self, message: str, rows: list[Row]) -> None:
        super().__init__(message)
        self.rows = rows


@dataclass
class Row:
    """One derivative compared: its name, both numbers, and whether they agree.

    >>> row = Row("d/dx", analytic=2.0, numeric=2.0000001, tolerance=1e-5)
    >>> row.ok, f"{row.error:.1e}", f"{row.badness:.1e}"
    (True, '1.0e-07', '1.0e-02')
    """

    name: str
    analytic: float
    numeric: float
    tolerance: float

    @property
    def error(self) -> float:
        """The absolute difference ``|analytic - numeric|``.

        >>> Row("d/dx", 1.0, 0.75, 0.1).error
        0.25
        """
        return abs(self.analytic - self.numeric)

    @property
    def ok(self) -> bool:
        """Whether the two agree within the tolerance (NaN never does; equal infinities do).

        >>> Row("d/dx", 1.0, 0.75, 0.1).ok, Row("d/dx", 1.0, float("nan"), 0.1).ok
        (False, False)
        """
        # Written so that NaN on either side fails; equal infinities pass.
        return self.analytic == self.numeric or self.error <= self.tolerance

    @property
    def badness(self) -> float:
        """How far outside the tolerance (inf for NaN), for sorting worst first.

        >>> Row("d/dx", 1.0, 0.75, 0.1).badness
        2.5
        """
        if self.ok:
            return self.error / self.tolerance if self.tolerance else 0.0
        return math.inf if math.isnan(self.error) else self.error / max(self.tolerance, 1e-300)


def _names(inputs: Inputs) -> list[str]:
    return [
        v.label if isinstance(v, Value) and v.label else f"inputs[{i}]"
        for i, v in enumerate(inputs)
    ]


def _floats(inputs: Inputs) -> list[float]:
    return [v.data if isinstance(v, Value) else real(v, "gradcheck(inputs)") for v in inputs]


def _outputs(result: Any) -> list[Value]:
    items = list(result) if isinstance(result, (tuple, list)) else [result]
    return [o if isinstance(o, Value) else Value(real(o, "gradcheck(fn output)")) for o in items]


def _call(fn: Function, xs: Sequence[float], labels: Sequence[str]) -> tuple[list[Value], list]:
    leaves = [Value(x, n) for x, n in zip(xs, labels, strict=True)]
    return leaves, _outputs(fn(*leaves))


def _evaluate(fn: Function, xs: Sequence[float]) -> list[float]:
    with no_grad():
        return [o.data for o in _outputs(fn(*(Value(x) for x in xs)))]


def step(x: float, eps: float) -> float:
    """The finite-difference step at ``x``: ``eps`` relative to ``|x|`` (absolute below 1).

    A fixed step fails at large ``|x|``: ``1e8 + 1e-6`` is not representable, and the
    difference of two nearby large function values has few correct digits. Scaled with ``|x|``
    (as scipy's ``approx_derivative`` does), the relative accuracy is the same at every size.

    >>> step(0.5, 1e-6), step(-1e8, 1e-6)
    (1e-06, 100.0)
    """
    return eps * max(1.0, abs(x))


def _around(xs: Sequence[float], i: int, eps: float) -> tuple[list[float], list[float], float]:
    """The points a step below and above ``xs`` along input i, and the distance between them.

    The distance is the one actually taken, ``(x + h) - (x - h)`` in floats: ``x + h`` is
    rounded, and dividing by the rounded distance (not by ``2 h``) removes that error.
    """
    x = xs[i]
    h = step(x, eps)
    down, up = list(xs), list(xs)
    down[i], up[i] = x - h, x + h
    return down, up, up[i] - down[i]


def central_difference(
    up: float, down: float, width: float, atol: float, rtol: float
) -> tuple[float, float]:
    """The numeric derivative ``(up - down) / width`` and the tolerance it is compared with.

    The tolerance is ``atol + rtol * |numeric|`` plus what rounding alone can do to the
    difference: a few units in the last place of ``up`` and ``down``, divided by the step. That
    part is negligible unless the function is far larger than the change one step makes (``x +
    y`` at ``x = 1e-3, y = 1e13``), where no step-``h`` difference can see a 0.1% error and a
    failure would be false.

    >>> numeric, allowed = central_difference(2.000002, 1.999998, 2e-6, 1e-5, 1e-3)
    >>> round(numeric, 6), round(allowed, 6)
    (2.0, 0.00201)
    """
    numeric = (up - down) / width
    rounding = _ROUNDING * (abs(up) + abs(down)) / width
    return numeric, atol + rtol * abs(numeric) + rounding


# Units of rounding error allowed in each function value (a few operations' worth).
_ROUNDING = 4 * sys.float_info.epsilon


def _check_eps(eps: float, kind: str) -> None:
    if isinstance(eps, bool) or not isinstance(eps, (int, float)) or not 0 < eps < 1:
        raise ValueError(f"{kind}: eps must be a number between 0 and 1, got {eps!r}")


def _first(fn: Function, xs: Sequence[float]) -> list[list[float]]:
    """d out_j / d x_i at xs, as floats (the engine's first-order path)."""
    leaves, outs = _call(fn, xs, [""] * len(xs))
    return [[g.data for g in grad(o, leaves)] for o in outs]


def report(kind: str, rows: list[Row], raise_exception: bool) -> bool:
    """Raise ``GradcheckError`` with the table of rows if any failed (or return False).

    >>> report("gradcheck", [], raise_exception=True)
    True
    """
    bad = [r for r in rows if not r.ok]
    if not bad:
        return True
    if not raise_exception:
        return False
    rows = sorted(rows, key=lambda r: r.badness, reverse=True)
    width = max(len(r.name) for r in rows)
    head = (
        f"      {'derivative':<{width}}  {'analytic':>17}  {'numeric':>17}  {'|diff|':>9}  allowed"
    )
    lines = [f"{kind} failed: {len(bad)} of {len(rows)} derivatives differ (worst first)", head]
    for r in rows:
        lines.append(
            f"{'ok  ' if r.ok else 'FAIL'}  {r.name:<{width}}  {r.analytic:>17.10g}  "
            f"{r.numeric:>17.10g}  {r.error:>9.3g}  {r.tolerance:.3g}"
        )
    raise GradcheckError("\n".join(lines), rows)


MODES = ("rev", "fwd")


def _check_modes(modes: Sequence[str], order: int, kind: str) -> tuple[str, ...]:
    chosen = (modes,) if isinstance(modes, str) else tuple(modes)
    if not chosen or any(m not in MODES for m in chosen) or len(set(chosen)) != len(chosen):
        raise ValueError(f"{kind}: modes must be some of {MODES}, got {modes!r}")
    if isinstance(order, bool) or order not in (1, 2):
        raise ValueError(f"{kind}: order must be 1 or 2, got {order!r}")
    return chosen


def _derivatives(
    mode: str, leaves: list[Value], outs: list[Value], graph: bool
) -> list[list[Value]]:
    """d out_j / d x_i as [j][i]: reverse mode (a sweep per output) or forward (per input)."""
    if mode == "rev":
        return [list(grad(o, leaves, create_graph=graph)) for o in outs]
    columns = []
    for i in range(len(leaves)):
        unit = [1.0 if k == i else 0.0 for k in range(len(leaves))]
        columns.append(tangents(outs, leaves, unit, create_graph=graph))
    return [[columns[i][j] for i in range(len(leaves))] for j in range(len(outs))]


def _second(mode: str, first: Value, leaves: list[Value], i: int) -> float:
    """d first / d x_i, in the same mode the first derivative was taken."""
    if mode == "rev":
        return grad(first, leaves[i])[0].data
    unit = [1.0 if k == i else 0.0 for k in range(len(leaves))]
    return tangents(first, leaves, unit)[0].data


def _agreement(name: str, a: float, b: float) -> Row:
    """Reverse against forward: the same chain rule summed two ways, so nearly equal."""
    return Row(f"rev vs fwd: {name}", a, b, 1e-12 + 1e-9 * max(abs(a), abs(b)))


def gradcheck(
    fn: Function,
    inputs: Inputs,
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
    modes: Sequence[str] = ("rev",),
    order: int = 1,
) -> bool:
    """Check fn's derivatives against central differences ``(f(x+h) - f(x-h)) / 2h``.

    The step is relative: ``h = eps * max(1, |x|)`` (see ``step``), so a derivative is checked
    to the same relative accuracy at ``x = 1e-3`` and at ``x = 1e13``.

    ``fn`` takes one Value per input and returns a Value (or a list of Values); ``inputs`` are
    numbers or Values (only their data and labels are used: no ``.grad`` is touched). Returns
    True, or raises GradcheckError with a table of analytic against numeric derivatives, worst
    first (or returns False with ``raise_exception=False``). A derivative passes when
    ``|analytic - numeric| <= atol + rtol * |numeric|`` plus the rounding error of the
    difference (see ``central_difference``; the table's "allowed" column shows the total).

    ``modes`` chooses how the analytic derivatives are taken: ``"rev"`` (reverse mode, a
    backward sweep per output) and/or ``"fwd"`` (forward mode, a tangent sweep per input,
    ``autograd.forward``). With both, each is checked against the numbers and against the
    other (the same chain rule summed two ways must agree to rounding). ``order=2`` checks the
    second derivatives too: reverse-over-reverse and forward-over-forward, against finite
    differences of the first derivatives.

    >>> from autograd import Value
    >>> from autograd.testing import gradcheck
    >>> gradcheck(lambda x, y: x * y.sin(), [Value(1.5, "x"), Value(0.3, "y")])
    True
    >>> gradcheck(lambda x, y: x * y.sin(), [1.5, 0.3], modes=("rev", "fwd"), order=2)
    True
    """
    _check_eps(eps, "gradcheck")
    chosen = _check_modes(modes, order, "gradcheck")
    xs, labels = _floats(inputs), _names(inputs)
    leaves, outs = _call(fn, xs, labels)
    graph = order > 1
    analytic = {m: _derivatives(m, leaves, outs, graph) for m in chosen}
    tag = (lambda m: f"{m}: ") if len(chosen) > 1 else (lambda m: "")
    rows = []
    for i, name in enumerate(labels):
        below, above, width = _around(xs, i, eps)
        up, down = _evaluate(fn, above), _evaluate(fn, below)
        ups, downs = (_first(fn, above), _first(fn, below)) if graph else ([], [])
        for j in range(len(outs)):
            out = f"out[{j}]" if len(outs) > 1 else "out"
            numeric, allowed = central_difference(up[j], down[j], width, atol, rtol)
            for m in chosen:
                rows.append(
                    Row(f"{tag(m)}d{out}/d{name}", analytic[m][j][i].data, numeric, allowed)
                )
            if len(chosen) == 2:
                a, b = (analytic[m][j][i].data for m in chosen)
                rows.append(_agreement(f"d{out}/d{name}", a, b))
            for k in range(len(leaves) if graph else 0):
                num2, allowed2 = central_difference(ups[j][k], downs[j][k], width, atol, rtol)
                wrt = f"d{name}2" if i == k else f"d{labels[k]} d{name}"
                seconds = [_second(m, analytic[m][j][k], leaves, i) for m in chosen]
                for m, a2 in zip(chosen, seconds, strict=True):
                    rows.append(Row(f"{tag(m)}d2{out}/{wrt}", a2, num2, allowed2))
                if len(chosen) == 2:
                    rows.append(_agreement(f"d2{out}/{wrt}", *seconds))
    return report("gradcheck", rows, raise_exception)


def gradgradcheck(
    fn: Function,
    inputs: Inputs,
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
) -> bool:
    """Check fn's second derivatives: the graph of the gradient against finite differences.

    Analytic: ``grad(grad(out, x, create_graph=True), x)``, which runs the derivative rules
    over Values. Numeric: central differences of the first-order (float) gradient, with the
    same relative step as ``gradcheck``. So a rule that is right on floats but breaks the graph
    (returns a plain number for a Value) fails.

    >>> from autograd.testing import gradgradcheck
    >>> gradgradcheck(lambda x, y: x * x * y.exp(), [0.7, -0.2])
    True
    """
    _check_eps(eps, "gradgradcheck")
    xs, labels = _floats(inputs), _names(inputs)
    leaves, outs = _call(fn, xs, labels)
    firsts = [grad(out, leaves, create_graph=True) for out in outs]
    rows = []
    for i, name in enumerate(labels):
        below, above, width = _around(xs, i, eps)
        up, down = _first(fn, above), _first(fn, below)
        for j, per_input in enumerate(firsts):
            out = f"out[{j}]" if len(outs) > 1 else "out"
            for k, first in enumerate(per_input):
                (a,) = grad(first, leaves[i])
                numeric, allowed = central_difference(up[j][k], down[j][k], width, atol, rtol)
                wrt = f"d{name}2" if i == k else f"d{labels[k]} d{name}"
                rows.append(Row(f"d2{out}/{wrt}", a.data, numeric, allowed))
    return report("gradgradcheck", rows, raise_exception)
