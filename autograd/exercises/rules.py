"""Marking a learner's backward rule: gradcheck and the property tests, reported in words.

The learner writes an operation with ``@primitive`` and its derivative rules; :func:`check_rule`
compares each rule with the slope measured by central finite differences on a grid over the
operation's sample intervals, says for which input and in which part of the domain it is wrong
(with the worst point as an example, and the pattern when there is one: a sign, a constant
factor), then runs the Hypothesis property test of ``autograd.testing`` on random points.
"""

from __future__ import annotations

import html
import itertools
import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..core.value import Value
from ..notation import fmt
from ..testing import GradcheckError, gradcheck
from ..testing.operations import OpLike, apply, resolve

DEFAULT = ((-3.0, 3.0),)
GRID = 9  # points per sample interval


@dataclass
class Miss:
    """One point where a rule disagrees with the measured slope (or raised).

    >>> Miss((1.0,), 2.0, -2.0).measured
    -2.0
    """

    point: tuple[float, ...]
    yours: float
    measured: float
    error: str = ""  # the exception, when the rule raised


@dataclass
class RuleReport:
    """What :func:`check_rule` found: per input, the points tried and where the rule is off.

    >>> from autograd import primitive
    >>> @primitive(derivatives=[lambda x: 2 * x])
    ... def square(x):
    ...     return x * x
    >>> check_rule(square).ok
    True
    """

    name: str
    inputs: tuple[str, ...]
    tried: list[tuple[float, ...]]
    misses: dict[str, list[Miss]]
    property_test: str = ""
    notes: list[str] = field(default_factory=list)
    kinks: list[str] = field(default_factory=list)  # points where a one-sided slope was chosen

    @property
    def ok(self) -> bool:
        """Every rule agrees everywhere tried, and the property test passed.

        >>> from autograd import primitive
        >>> @primitive(derivatives=[lambda x: -2 * x])
        ... def square(x):
        ...     return x * x
        >>> report = check_rule(square, property_test=False)
        >>> report.ok
        False
        """
        return not any(self.misses.values()) and not self.property_test

    def text(self) -> str:
        """The verdict in words, as a teacher would give it.

        >>> from autograd import primitive
        >>> @primitive(derivatives=[lambda x: -2 * x])
        ... def square(x):
        ...     return x * x
        >>> report = check_rule(square, property_test=False)
        >>> print(report.text().splitlines()[-1])
            Everywhere it is wrong, it has the wrong sign: check the minus signs.
        """
        n = len(self.tried)
        kinks = [f"  {k}" for k in self.kinks]
        if self.ok:
            return "\n".join([
                f"{self.name}: every derivative rule agrees with the measured slope at all {n} "
                f"points tried, and the property test (random points) passes.",
                *kinks,
            ])  # fmt: skip
        lines = [f"{self.name}: checked at {n} points of its domain against finite differences."]
        for i, name in enumerate(self.inputs):
            misses = self.misses.get(name, [])
            if not misses:
                lines.append(f"  d{self.name}/d{name}: right at every point tried.")
                continue
            lines.append(f"  d{self.name}/d{name}: wrong {self._region(i, misses)}.")
            lines += ["    " + s for s in _pattern(misses, self.inputs)]
        lines += ["  " + note for note in self.notes] + kinks
        if self.property_test:
            lines.append("  The property test (Hypothesis, random points) fails too:")
            lines += ["    " + line for line in self.property_test.splitlines()[:6]]
        return "\n".join(lines)

    def _region(self, i: int, misses: list[Miss]) -> str:
        bad = {m.point for m in misses}
        if len(bad) == len(self.tried):
            return f"everywhere tried ({len(bad)} of {len(self.tried)} points)"
        if len(self.inputs) == 1:
            return _intervals(self.inputs[0], self.tried, bad)
        return _where(self.inputs, self.tried, bad)

    def __str__(self) -> str:
        return self.text()

    def html(self) -> str:
        """The verdict as an HTML fragment (escaped).

        >>> from autograd import primitive
        >>> @primitive(derivatives=[lambda x: -2 * x])
        ... def square(x):
        ...     return x * x
        >>> report = check_rule(square, property_test=False)
        >>> report.html().startswith('<pre class="rule-report">')
        True
        """
        return f'<pre class="rule-report">{html.escape(self.text())}</pre>'

    def _repr_html_(self) -> str:
        return self.html()


def _intervals(name: str, tried: list[tuple[float, ...]], bad: set[tuple[float, ...]]) -> str:
    """Runs of wrong points along one input, as ranges: 'for x from -3 to -0.5'."""
    runs: list[tuple[float, float]] = []
    start = last = None
    for pt in sorted(tried):
        if pt in bad:
            start = pt[0] if start is None else start
            last = pt[0]
        elif start is not None and last is not None:
            runs.append((start, last))
            start = None
    if start is not None and last is not None:
        runs.append((start, last))
    parts = [
        f"at {name} = {fmt(a)}" if a == b else f"for {name} from {fmt(a)} to {fmt(b)}"
        for a, b in runs
    ]
    return f"{' and '.join(parts)} ({len(bad)} of {len(tried)} points)"


def _where(
    inputs: Sequence[str], tried: list[tuple[float, ...]], bad: set[tuple[float, ...]]
) -> str:
    """Which sign of which input separates the wrong points from the right ones, if any."""
    good = [pt for pt in tried if pt not in bad]
    count = f"{len(bad)} of {len(tried)} points"
    partly = None
    for j, name in enumerate(inputs):
        signs = (
            (lambda v: v < 0, f"{name} < 0"),
            (lambda v: v > 0, f"{name} > 0"),
            (lambda v: v <= 0, f"{name} <= 0"),
            (lambda v: v >= 0, f"{name} >= 0"),
        )
        for test, words in signs:
            if all(test(pt[j]) for pt in bad):
                if not any(test(pt[j]) for pt in good):
                    return f"wherever {words} ({count})"
                partly = partly or f"only where {words}, though not at every such point ({count})"
    return partly or f"at {count}, scattered over the domain"


def _pattern(misses: list[Miss], inputs: Sequence[str]) -> list[str]:
    """The worst example, and what the wrong values have in common."""
    raised = [m for m in misses if m.error]
    if raised:
        m = raised[0]
        return [f"the rule raised {m.error} at {_point(inputs, m.point)}."]
    worst = max(misses, key=lambda m: abs(m.yours - m.measured))
    lines = [
        f"e.g. at {_point(inputs, worst.point)} your rule gives {fmt(worst.yours)}, "
        f"the measured slope is {fmt(worst.measured)}."
    ]
    usable = [m for m in misses if abs(m.measured) > 1e-6]
    ratios = [m.yours / m.measured for m in usable]
    if len(ratios) >= 2 and max(ratios) - min(ratios) < 1e-3 * max(1.0, abs(ratios[0])):
        r = statistics.fmean(ratios)
        if abs(r + 1) < 1e-3:
            lines.append("Everywhere it is wrong, it has the wrong sign: check the minus signs.")
        else:
            lines.append(
                f"Everywhere it is wrong, it is {fmt(r)} times the slope: a factor is off."
            )
    else:
        gaps = [m.yours - m.measured for m in misses]
        if len(gaps) >= 2 and max(gaps) - min(gaps) < 1e-3 * max(1.0, abs(gaps[0])):
            lines.append(f"It is off by the same amount, {fmt(gaps[0])}, everywhere it is wrong.")
    return lines


def _point(inputs: Sequence[str], pt: tuple[float, ...]) -> str:
    return ", ".join(f"{n} = {fmt(x)}" for n, x in zip(inputs, pt, strict=True))


def grid(op: OpLike) -> list[tuple[float, ...]]:
    """The points :func:`check_rule` tries: ``GRID`` per sample interval and input, inside the
    domain check (a user primitive's ``domain``).

    >>> len(grid("tanh")), len(grid("mul"))
    (9, 81)
    """
    p = resolve(op)
    axes = []
    for i in range(len(p.inputs)):
        intervals = p.sample[i] if p.sample else DEFAULT
        axes.append([lo + (hi - lo) * k / (GRID - 1) for lo, hi in intervals for k in range(GRID)])
    points = []
    for pt in itertools.product(*axes):
        try:
            if p.in_domain is None or p.in_domain(*pt):
                points.append(tuple(pt))
        except (ArithmeticError, ValueError, TypeError):
            continue
    return points


def check_rule(
    op: OpLike, params: Sequence[float] = (), *, property_test: bool = True
) -> RuleReport:
    """Mark the derivative rules of an operation made with ``@primitive`` (or a table row).

    Each rule is compared with central finite differences (``gradcheck``) at every point of
    :func:`grid`; then, with ``property_test``, the operation's Hypothesis property test
    (``autograd.testing.primitive_test``: values, partials on floats and on Values, first and
    second derivatives at random points) runs. The report says which input's rule is wrong and
    where.

    >>> from autograd import primitive
    >>> @primitive(derivatives=[lambda x: 3 * x])  # the power is not lowered: 3 * x ** 2
    ... def cube(x):
    ...     return x**3
    >>> print(check_rule(cube))
    cube: checked at 9 points of its domain against finite differences.
      dcube/dx: wrong for x from -3 to -0.75 and for x from 0.75 to 3 (8 of 9 points).
        e.g. at x = -3 your rule gives -9, the measured slope is 27.
    """
    p = resolve(op)
    ps = tuple(params) or (p.param_defaults if len(p.param_defaults) == len(p.params) else ())
    if len(ps) != len(p.params):
        ps = tuple(s[0] for s in p.param_samples)
    points = grid(p)
    misses: dict[str, list[Miss]] = {n: [] for n in p.inputs}
    kinks: list[Kink] = []
    kink_points: set[tuple[float, ...]] = set()
    fn = lambda *vs: apply(p, vs, ps)
    for pt in points:
        leaves = [Value(x, n) for x, n in zip(pt, p.inputs, strict=True)]
        try:
            gradcheck(fn, leaves)
        except GradcheckError as e:
            rows = {row.name: row for row in e.rows}  # sorted worst first: find by name
            for j, name in enumerate(p.inputs):
                row = rows[f"dout/d{name}"]
                if row.ok:
                    continue
                sides = _one_sided(fn, pt, j)
                if sides is not None and _between(row.analytic, *sides):
                    kinks.append((pt, j, row.analytic, sides))
                    kink_points.add(pt)
                else:
                    misses[name].append(Miss(pt, row.analytic, row.numeric))
        except Exception as e:  # the learner's rule may raise anything: that is the finding
            for name in p.inputs:
                misses[name].append(Miss(pt, math.nan, math.nan, f"{type(e).__name__}: {e}"))
    report = RuleReport(p.name, p.inputs, points, misses, kinks=kink_lines(p.name, p.inputs, kinks))
    if property_test and not any(misses.values()):
        report.property_test = _property_test(p, kink_points)
    return report


def _one_sided(fn: Any, pt: tuple[float, ...], j: int) -> tuple[float, float] | None:
    """The slopes of ``fn`` along input ``j`` just left and just right of ``pt``, when they
    differ (a kink: the central difference measures their average), else None."""
    h = 1e-6 * max(1.0, abs(pt[j]))
    try:
        at = fn(*pt).data
        moved = [list(pt), list(pt)]
        moved[0][j] -= h
        moved[1][j] += h
        left = (at - fn(*moved[0]).data) / h
        right = (fn(*moved[1]).data - at) / h
    except (ArithmeticError, ValueError):
        return None
    if abs(left - right) <= 1e-4 * max(1.0, abs(left), abs(right)):
        return None
    return left, right


def _between(x: float, a: float, b: float) -> bool:
    tol = 1e-4 * max(1.0, abs(a), abs(b))
    return min(a, b) - tol <= x <= max(a, b) + tol


# A grid point where a rule's value lies between the one-sided slopes along one input:
# (the point, that input's index, the rule's value, the slopes from the left and the right).
Kink = tuple[tuple[float, ...], int, float, tuple[float, float]]


def kink_lines(name: str, inputs: Sequence[str], kinks: Sequence[Kink]) -> list[str]:
    """One line per input whose rule met kinks: the point itself when there is one, else how
    many, where, and one example (a line per point repeated itself eight times).

    >>> one = [((0.0,), 0, 0.0, (-1.0, 1.0))]
    >>> kink_lines("f", ["x"], one)[0].split(";")[0]
    'at x = 0: a kink (slopes -1 from the left, 1 from the right)'
    >>> two = [((1.0, 0.0), 1, 1.0, (-1.0, 1.0)), ((2.0, 0.0), 1, 2.0, (-2.0, 2.0))]
    >>> len(kink_lines("f", ["x", "y"], two)), kink_lines("f", ["x", "y"], two)[0].split(":")[0]
    (1, 'at 2 points (x from 1 to 2, y = 0)')
    """
    lines = []
    for j in sorted({k[1] for k in kinks}):
        group = [k for k in kinks if k[1] == j]
        pt, _, yours, sides = group[0]
        d = f"d{name}/d{inputs[j]}"
        if len(group) == 1:
            lines.append(
                f"at {_point(inputs, pt)}: a kink (slopes {fmt(sides[0])} from the left, "
                f"{fmt(sides[1])} from the right); {d} = {fmt(yours)} there is one of the "
                "values between them, as PyTorch's relu'(0) = 0 is."
            )
            continue
        where = []
        for i, n in enumerate(inputs):
            xs = [k[0][i] for k in group]
            lo, hi = min(xs), max(xs)
            where.append(f"{n} = {fmt(lo)}" if lo == hi else f"{n} from {fmt(lo)} to {fmt(hi)}")
        lines.append(
            f"at {len(group)} points ({', '.join(where)}): kinks, where the slopes from the left "
            f"and the right differ; {d} there is between them at each, as PyTorch's relu'(0) = 0 "
            f"is (e.g. at {_point(inputs, pt)}: slopes {fmt(sides[0])} and {fmt(sides[1])}, "
            f"{d} = {fmt(yours)})."
        )
    return lines


def _property_test(p: Any, kinks: set[tuple[float, ...]]) -> str:
    """'' when the Hypothesis property test passes, else its message. The kinks found on the
    grid are left out: there a rule may give any value between the one-sided slopes."""
    from hypothesis import HealthCheck, given, settings

    from ..testing import check_primitive
    from ..testing.strategies import arguments

    chosen = settings(
        max_examples=60,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )

    def away(args: tuple[tuple[float, ...], tuple[float, ...]]) -> bool:
        # near a kink, a finite difference straddles it and measures the average slope
        return all(max(abs(a - b) for a, b in zip(args[0], k, strict=True)) > 1e-3 for k in kinks)

    @chosen
    @given(arguments(p).filter(away))
    def test(args: tuple[tuple[float, ...], tuple[float, ...]]) -> None:
        check_primitive(p, args[0], args[1])

    try:
        test()
    except Exception as e:
        return f"{type(e).__name__}: {e}".strip()
    return ""
