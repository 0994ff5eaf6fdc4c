"""gradcheck and gradgradcheck: analytic derivatives against central finite differences."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Union

from ..engine import Value, real
from ..functional import grad
from ..mode import no_grad

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


def _shifted(xs: Sequence[float], i: int, h: float) -> list[float]:
    ys = list(xs)
    ys[i] += h
    return ys


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


def gradcheck(
    fn: Function,
    inputs: Inputs,
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
) -> bool:
    """Check fn's first derivatives against central differences (f(x+eps) - f(x-eps)) / 2eps.

    ``fn`` takes one Value per input and returns a Value (or a list of Values); ``inputs`` are
    numbers or Values (only their data and labels are used: no ``.grad`` is touched). Returns
    True, or raises GradcheckError with a table of analytic against numeric derivatives, worst
    first (or returns False with ``raise_exception=False``). A derivative passes when
    ``|analytic - numeric| <= atol + rtol * |numeric|``.

    >>> from autograd import Value
    >>> from autograd.testing import gradcheck
    >>> gradcheck(lambda x, y: x * y.sin(), [Value(1.5, "x"), Value(0.3, "y")])
    True
    """
    xs, labels = _floats(inputs), _names(inputs)
    analytic = _first(fn, xs)
    rows = []
    for i, name in enumerate(labels):
        up, down = _evaluate(fn, _shifted(xs, i, eps)), _evaluate(fn, _shifted(xs, i, -eps))
        for j, per_input in enumerate(analytic):
            numeric = (up[j] - down[j]) / (2 * eps)
            out = f"out[{j}]" if len(analytic) > 1 else "out"
            rows.append(Row(f"d{out}/d{name}", per_input[i], numeric, atol + rtol * abs(numeric)))
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
    over Values. Numeric: central differences of the first-order (float) gradient. So a rule
    that is right on floats but breaks the graph (returns a plain number for a Value) fails.

    >>> from autograd.testing import gradgradcheck
    >>> gradgradcheck(lambda x, y: x * x * y.exp(), [0.7, -0.2])
    True
    """
    xs, labels = _floats(inputs), _names(inputs)
    leaves, outs = _call(fn, xs, labels)
    firsts = [grad(out, leaves, create_graph=True) for out in outs]
    rows = []
    for i, name in enumerate(labels):
        up, down = _first(fn, _shifted(xs, i, eps)), _first(fn, _shifted(xs, i, -eps))
        for j, per_input in enumerate(firsts):
            out = f"out[{j}]" if len(outs) > 1 else "out"
            for k, first in enumerate(per_input):
                (a,) = grad(first, leaves[i])
                numeric = (up[j][k] - down[j][k]) / (2 * eps)
                wrt = f"d{name}2" if i == k else f"d{labels[k]} d{name}"
                rows.append(Row(f"d2{out}/{wrt}", a.data, numeric, atol + rtol * abs(numeric)))
    return report("gradgradcheck", rows, raise_exception)
