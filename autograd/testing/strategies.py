"""Hypothesis strategies: floats inside an operation's domain, Values, random expression graphs."""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, Union

from hypothesis import strategies as st

from ..core.modes import no_grad
from ..core.value import Value
from ..ops import OPS, Primitive
from .checks import step
from .operations import OpLike, apply, resolve

DEFAULT: tuple[tuple[float, float], ...] = ((-3.0, 3.0),)
"""Where inputs are drawn when an operation gives no ``sample`` intervals."""

# How far (relative to |x|, like gradcheck's step) a drawn point stays inside a user primitive's
# domain, so that central differences (x +- eps * max(1, |x|)) never step outside it.
_MARGIN = 1e-3
# Points tried, once per strategy, to find where a user primitive's domain holds.
_SEARCH = 4000
_ANCHORS = 64
# Bisection steps when a drawn point is walked back into the domain.
_BISECT = 24

Point = tuple[float, ...]


def _intervals(p: Primitive, index: int) -> tuple[tuple[float, float], ...]:
    return p.sample[index] if p.sample else DEFAULT


def _in(intervals: Sequence[tuple[float, float]]) -> st.SearchStrategy[float]:
    return st.one_of([st.floats(lo, hi, allow_nan=False) for lo, hi in intervals])


def _fits(p: Primitive, index: int, x: float) -> bool:
    return any(lo <= x <= hi for lo, hi in _intervals(p, index))


def _inside(p: Primitive, xs: Sequence[float]) -> bool:
    """The domain check holds at xs and a finite-difference margin away along every axis."""
    if p.in_domain is None:
        return True
    points = [list(xs)]
    for i, x in enumerate(xs):
        h = step(x, _MARGIN)
        for shifted in (x - h, x + h):
            points.append([shifted if k == i else v for k, v in enumerate(xs)])
    try:
        return all(p.in_domain(*pt) for pt in points)
    except (ArithmeticError, ValueError, TypeError):
        return False


def _usable(p: Primitive, xs: Sequence[float]) -> bool:
    return all(_fits(p, i, x) for i, x in enumerate(xs)) and _inside(p, xs)


def _anchors(p: Primitive) -> list[Point]:
    """Up to _ANCHORS points inside the sample intervals where the domain holds (searched once).

    A fixed-seed search (the same anchors on every run, so Hypothesis replays failures) over
    the grid of 17 points per interval (when it is small) and uniform points, taken in turn,
    until _ANCHORS are found. Raises a ValueError naming the operation and its domain when
    none is, instead of leaving Hypothesis to filter until a health check gives up.
    """
    rng = random.Random(0)
    per_input = [_intervals(p, i) for i in range(len(p.inputs))]
    grids = [[lo + (hi - lo) * k / 16 for lo, hi in ivs for k in range(17)] for ivs in per_input]
    grid: list[Point] = []
    if math.prod(len(g) for g in grids) <= _SEARCH:
        grid = list(itertools.product(*grids))
        rng.shuffle(grid)  # so that the first anchors found are spread out
    randoms = (tuple(rng.uniform(*rng.choice(ivs)) for ivs in per_input) for _ in range(_SEARCH))
    # Grid and uniform points taken in turn; stop as soon as enough anchors are found.
    candidates = (pt for pair in itertools.zip_longest(grid, randoms) for pt in pair if pt)
    found: list[Point] = []
    tried = 0
    for pt in candidates:
        tried += 1
        if _usable(p, pt):
            found.append(pt)
            if len(found) == _ANCHORS:
                break
    if not found:
        box = ", ".join(
            f"{n} in {_show_intervals(iv)}" for n, iv in zip(p.inputs, per_input, strict=True)
        )
        where = "its sample intervals" if p.sample else "the default sample interval"
        raise ValueError(
            f"{p.name}: no inputs found where the domain {p.domain!r} holds within {where} "
            f"({box}; {tried} points tried). Pass sample= to @primitive with "
            f"intervals inside the domain, e.g. sample=[(lo, hi)] per argument"
        )
    return found


def _show_intervals(intervals: Sequence[tuple[float, float]]) -> str:
    return " or ".join(f"[{lo:g}, {hi:g}]" for lo, hi in intervals)


def _between(a: Point, b: Point, t: float) -> Point:
    return tuple(x + t * (y - x) for x, y in zip(a, b, strict=True))


@st.composite
def _domain_points(draw: Any, p: Primitive, anchors: list[Point]) -> Point:
    raw = tuple(draw(_in(_intervals(p, i))) for i in range(len(p.inputs)))
    if _usable(p, raw):
        return raw
    # Outside the domain: walk from a known good point towards the drawn one, as far as the
    # domain allows (bisection), then back a drawn fraction so draws are not all on its edge.
    # Every draw costs a bounded number of checks: no filtering, no rejection rate.
    anchor = draw(st.sampled_from(anchors))
    good, bad = 0.0, 1.0
    for _ in range(_BISECT):
        mid = (good + bad) / 2
        if _usable(p, _between(anchor, raw, mid)):
            good = mid
        else:
            bad = mid
    point = _between(anchor, raw, good * draw(st.floats(0.0, 1.0)))
    return point if _usable(p, point) else _between(anchor, raw, good)


def domain_points(op: OpLike) -> st.SearchStrategy[Point]:
    """Tuples of inputs for ``op`` (one float per input) that lie inside its domain together.

    A domain may tie the inputs to each other (``"x > y"``); every tuple satisfies it, with the
    margin ``gradcheck`` needs. Raises ValueError at once when the domain holds nowhere in the
    sample intervals (say ``"x > 10"`` with the default ``[-3, 3]``): pass ``sample=``.

    >>> from hypothesis import given
    >>> from autograd import primitive
    >>> @primitive(derivatives=[lambda x, y: 1, lambda x, y: -1], domain="x > y")
    ... def gap(x, y):
    ...     return x - y
    >>> @given(domain_points(gap))
    ... def test_gap_inputs(xy):
    ...     assert xy[0] > xy[1]
    >>> test_gap_inputs()
    """
    p = resolve(op)
    if p.in_domain is None:
        return st.tuples(*(_in(_intervals(p, i)) for i in range(len(p.inputs))))
    return _domain_points(p, _anchors(p))


def domain_floats(op: OpLike, index: int = 0) -> st.SearchStrategy[float]:
    """Floats for input ``index`` of ``op``: inside its sample intervals and its domain check.

    With a domain over several inputs, each float is one coordinate of a point of
    ``domain_points``: a value the input takes somewhere inside the domain.

    >>> from hypothesis import given
    >>> @given(domain_floats("log"))
    ... def test_log_input(x):
    ...     assert x > 0
    >>> test_log_input()
    """
    p = resolve(op)
    if not 0 <= index < len(p.inputs):
        raise ValueError(f"{p.name}: input index {index} out of range (inputs {p.inputs})")
    if p.in_domain is None:
        return _in(_intervals(p, index))
    return domain_points(p).map(lambda xs: xs[index])


def values(op: OpLike | None = None, index: int = 0, label: str = "") -> st.SearchStrategy[Value]:
    """Leaf Values whose data suits input ``index`` of ``op`` (any op: floats in [-3, 3]).

    >>> from hypothesis import given
    >>> @given(values("sqrt", label="x"))
    ... def test_sqrt_leaf(x):
    ...     assert x.is_leaf and x.label == "x" and x.data > 0
    >>> test_sqrt_leaf()
    """
    floats = _in(DEFAULT) if op is None else domain_floats(op, index)
    return floats.map(lambda x: Value(x, label))


def arguments(op: OpLike) -> st.SearchStrategy[tuple[tuple[float, ...], tuple[float, ...]]]:
    """``(inputs, params)`` for ``op``: one float per input, one test value per parameter.

    >>> from hypothesis import given
    >>> @given(arguments("pow"))
    ... def test_pow_arguments(args):
    ...     (x,), (k,) = args
    ...     assert x > 0 and k in (-2.5, -1.0, 0.5, 2.0, 3.0)
    >>> test_pow_arguments()
    """
    p = resolve(op)
    if len(p.param_samples) != len(p.params):
        raise ValueError(f"{p.name}: needs param_samples for its parameters {p.params}")
    params = st.tuples(*(st.sampled_from(s) for s in p.param_samples))
    return st.tuples(domain_points(p), params)


class Const(NamedTuple):
    """A number operand of an expression node (it becomes a constant leaf).

    >>> e = Expression((2.0,), (Node(OPS["mul"], (0, Const(10.0))),))
    >>> e.build().data
    20.0
    """

    value: float


Arg = Union[int, Const]  # int: the index of an earlier slot (inputs first, then nodes)


@dataclass(frozen=True)
class Node:
    """One operation of an expression: the primitive, its operands, its constant parameters.

    >>> node = Node(OPS["pow"], (0,), params=(3.0,))
    >>> Expression((2.0,), (node,)).build().data
    8.0
    """

    primitive: Primitive
    args: tuple[Arg, ...]
    params: tuple[float, ...] = ()


@dataclass(frozen=True)
class Expression:
    """A random expression graph: input values and operations; the last node is the output.

    Slot ``i`` is input ``i`` for ``i < len(inputs)``, then node ``i - len(inputs)``.
    A slot may feed several nodes: that is a shared sub-expression.

    >>> e = Expression((2.0, 3.0), (Node(OPS["mul"], (0, 1)), Node(OPS["add"], (2, 0))))
    >>> print(e)
    x0 = 2.0
    x1 = 3.0
    v2 = mul(x0, x1)
    v3 = add(v2, x0)
    """

    inputs: tuple[float, ...]
    nodes: tuple[Node, ...]

    def leaves(self) -> list[Value]:
        """Fresh leaf Values ``x0, x1, ...`` holding the input values.

        >>> e = Expression((2.0, 3.0), (Node(OPS["mul"], (0, 1)),))
        >>> [(v.label, v.data) for v in e.leaves()]
        [('x0', 2.0), ('x1', 3.0)]
        """
        return [Value(x, f"x{i}") for i, x in enumerate(self.inputs)]

    def build(self, leaves: Sequence[Any] | None = None) -> Value:
        """Run the graph on ``leaves`` (Values or floats) with the engine; return the output.

        >>> e = Expression((2.0, 3.0), (Node(OPS["mul"], (0, 1)), Node(OPS["add"], (2, 0))))
        >>> x0, x1 = e.leaves()
        >>> out = e.build([x0, x1])
        >>> out.backward()
        >>> out.data, x0.grad, x1.grad, e.build([1.0, 1.0]).data
        (8.0, 4.0, 2.0, 2.0)
        """
        slots: list[Any] = list(self.leaves() if leaves is None else leaves)
        for node in self.nodes:
            args = [a.value if isinstance(a, Const) else slots[a] for a in node.args]
            slots.append(apply(node.primitive, args, node.params))
        return slots[-1]

    def sympy(self, symbols: Sequence[Any]) -> Any:
        """The same graph as one sympy expression over ``symbols`` (needs sympy).

        >>> import sympy
        >>> e = Expression((2.0, 3.0), (Node(OPS["mul"], (0, 1)), Node(OPS["add"], (2, 0))))
        >>> e.sympy(sympy.symbols("a b"))
        a*b + a
        """
        import sympy

        from .oracle import symbolic

        slots: list[Any] = list(symbols)
        for node in self.nodes:
            args = [sympy.Float(a.value) if isinstance(a, Const) else slots[a] for a in node.args]
            slots.append(symbolic(node.primitive)(args, node.params))
        return slots[-1]

    def uses(self) -> list[int]:
        """How many node operands refer to each slot (a count above 1 means sharing).

        >>> e = Expression((2.0, 3.0), (Node(OPS["mul"], (0, 1)), Node(OPS["add"], (2, 0))))
        >>> e.uses()  # x0 feeds both nodes
        [2, 1, 1, 0]
        """
        counts = [0] * (len(self.inputs) + len(self.nodes))
        for node in self.nodes:
            for a in node.args:
                if not isinstance(a, Const):
                    counts[a] += 1
        return counts

    def __str__(self) -> str:
        n = len(self.inputs)
        name = lambda a: repr(a.value) if isinstance(a, Const) else (f"x{a}" if a < n else f"v{a}")
        lines = [f"x{i} = {x!r}" for i, x in enumerate(self.inputs)]
        for k, node in enumerate(self.nodes):
            ps = "".join(f", {node.primitive.params[i]}={v!r}" for i, v in enumerate(node.params))
            args = ", ".join(name(a) for a in node.args)
            lines.append(f"v{n + k} = {node.primitive.name}({args}{ps})")
        return "\n".join(lines)


# An input: 0 itself, or a number of at least 1e-6 in size (7.9e-209 tests nothing that 0
# does not, and reads as noise in an example).
_INPUT = st.floats(-3.0, 3.0).filter(lambda x: x == 0.0 or abs(x) >= 1e-6)


@st.composite
def _expression(
    draw: Any,
    prims: list[Primitive],
    points: dict[str, st.SearchStrategy[Point]],
    inputs: tuple[int, int],
    ops: int,
) -> Expression:
    xs = [draw(_INPUT) for _ in range(draw(st.integers(*inputs)))]
    data: list[float] = list(xs)
    nodes: list[Node] = []
    target = draw(st.integers(1, ops))
    for _ in range(4 * target):  # a draw may be refused (domain check); retries are bounded
        if len(nodes) == target:
            break
        p = draw(st.sampled_from(prims))
        args: list[Arg] = []
        for i in range(len(p.inputs)):
            fits = [s for s, x in enumerate(data) if _fits(p, i, x)]
            # Prefer an existing slot (this is what shares sub-expressions), often a recent one
            # so graphs grow deep; a fresh constant only when nothing fits, or rarely.
            if fits and draw(st.integers(0, 7)):
                back = draw(st.integers(0, len(fits) - 1))
                if draw(st.booleans()):  # half the time one of the three most recent
                    back = min(back, 2)
                args.append(fits[-1 - back])
            else:
                args.append(Const(draw(_in(_intervals(p, i)))))
        params = tuple(draw(st.sampled_from(s)) for s in p.param_samples)
        operands = [a.value if isinstance(a, Const) else data[a] for a in args]
        if not _inside(p, operands):  # a domain over several inputs: take constants inside it
            operands = list(draw(points[p.name]))
            args = [Const(x) for x in operands]
        try:
            with no_grad():
                y = apply(p, operands, params).data
        except (ArithmeticError, ValueError):
            continue
        if math.isfinite(y):
            data.append(y)
            nodes.append(Node(p, tuple(args), params))
    # The output must depend on an input (a graph of constants has no gradient to test): end
    # at the last node that does.
    depends = [True] * len(xs)
    for node in nodes:
        depends.append(any(not isinstance(a, Const) and depends[a] for a in node.args))
    last = max((k for k in range(len(nodes)) if depends[len(xs) + k]), default=-1)
    nodes = nodes[: last + 1]
    if not nodes:  # every draw was refused, or none reached an input: output x0 + 0
        nodes.append(Node(OPS["add"], (0, Const(0.0))))
    return Expression(tuple(xs), tuple(nodes))


def expressions(
    ops: Sequence[OpLike] | None = None,
    *,
    inputs: tuple[int, int] = (1, 3),
    max_ops: int = 8,
) -> st.SearchStrategy[Expression]:
    """Random expression graphs over ``ops`` (default: every built-in), with shared parts.

    Every operand lies inside its operation's sample intervals (so inside the domain, away from
    kinks and, since the intervals are bounded, away from overflow). Operands are mostly earlier
    nodes or inputs, so sub-expressions are reused; sometimes a constant in range.

    >>> from hypothesis import given
    >>> @given(expressions(["mul", "log", "tanh"], max_ops=5))
    ... def test_runs(expr):
    ...     y = expr.build()
    ...     assert y.data == y.data and len(expr.nodes) >= 1
    >>> test_runs()
    """
    if not 1 <= inputs[0] <= inputs[1]:
        raise ValueError(f"expressions: inputs must be (low, high) with 1 <= low <= high: {inputs}")
    if max_ops < 1:
        raise ValueError(f"expressions: max_ops must be at least 1, got {max_ops}")
    prims = [resolve(o) for o in (ops if ops is not None else list(OPS))]
    if not prims:
        raise ValueError("expressions: needs at least one operation")
    points = {p.name: domain_points(p) for p in prims}
    return _expression(prims, points, inputs, max_ops)
