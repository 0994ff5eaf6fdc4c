"""The small graphs ``check_engine`` builds on purpose, and what each classic mistake makes of
them: each probe is a ``Spec`` and the mistakes (``learner_sim.Mistake``) whose numbers, if the
learner's engine gives them, name the root cause."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..core.value import Value
from ..notation import fmt
from .learner_report import (
    ASSIGNED,
    BREADTH,
    BY_VALUE,
    ORDER,
    PLAIN,
    REFLECTED,
    TWICE_RUN,
    UPSTREAM,
    Failure,
    phrase,
)
from .learner_sim import Mistake, partials, sweep
from .learner_spec import ALL_OPS, INNER, JOINS, LEARNER_OPS, LETTERS, SCALES, LearnerOp, Spec


@dataclass(frozen=True)
class Explanation:
    """A mistake, the kind of problem it is, and the sentence that says it.

    >>> Explanation(Mistake(forward=True), ORDER, "reversed() forgotten").kind
    'backward() walks the order inputs-first'
    """

    mistake: Mistake
    kind: str
    detail: str


def points(op: LearnerOp) -> list[tuple[float, ...]]:
    """The points where ``op`` is tried alone: inside its domain, and its kink if it has one.

    >>> from autograd.testing.learner_spec import LEARNER_OPS
    >>> points(LEARNER_OPS["log"])
    [(0.4,), (1.7,), (0.6,)]
    """
    if op.arity == 2:
        return [(0.7, -1.3), (-1.1, 0.6), (1.5, 2.5)]
    xs = [x for x in (-1.3, 0.4, 1.7, 0.6, 2.5) if op.domain(x)][:3]
    out: list[tuple[float, ...]] = [(x,) for x in xs]
    return out + ([(op.kink,)] if op.kink is not None else [])


def alone(op: LearnerOp, point: tuple[float, ...]) -> Spec:
    """``op`` applied once to leaves at ``point``.

    >>> from autograd.testing.learner_spec import LEARNER_OPS
    >>> alone(LEARNER_OPS["mul"], (2.0, 3.0)).text()
    'a = 2\\nb = 3\\nc = a × b = 6'
    """
    return Spec(point, ((op.name, tuple(range(op.arity))),))


def at(spec: Spec) -> str:
    """The leaves' values as a report writes them.

    >>> at(Spec((0.5, 2.0), (("mul", (0, 1)),)))
    'a = 0.5, b = 2'
    """
    return ", ".join(f"{n} = {fmt(x)}" for n, x in zip(LETTERS, spec.leaves, strict=False))


def telling(op: LearnerOp) -> Spec | None:
    """``op`` alone at a point where some input's right gradient is not 0.

    >>> from autograd.testing.learner_spec import LEARNER_OPS
    >>> telling(LEARNER_OPS["relu"]).leaves
    (0.4,)
    """
    for point in points(op):
        spec = alone(op, point)
        if any(g != 0.0 for g in sweep(spec)[:-1]):
            return spec
    return None


def valid(spec: Spec) -> bool:
    """Whether this engine computes ``spec`` inside every operation's domain, finite and away
    from a kink (where more than one gradient is right).

    >>> valid(Spec((0.5,), (("log", (0,)),))), valid(Spec((-0.5,), (("log", (0,)),)))
    (True, False)
    >>> valid(Spec((0.0,), (("root", (0,)),)))
    False
    """
    try:
        data, local = partials(spec)
    except (ValueError, ZeroDivisionError, OverflowError, ArithmeticError):
        return False
    for name, args in spec.steps:
        op, xs = ALL_OPS[name], [data[i] for i in args]
        if not op.domain(*xs) or (op.kink is not None and xs[0] == op.kink):
            return False
    slopes = [d for row in local for d in row]
    return all(math.isfinite(x) and abs(x) <= 1e4 for x in data + slopes)


def finite(spec: Spec) -> bool:
    """Whether this engine computes ``spec`` without an error and to a moderate size.

    >>> finite(Spec((0.4,), (("log", (0,)),) * 1)), finite(Spec((-1.0,), (("log", (0,)),)))
    (True, False)
    """
    try:
        root, _ = spec.oracle()
    except (ValueError, ZeroDivisionError, OverflowError, ArithmeticError):
        return False
    return abs(root.data) < 1e6


def order_probe(ok: Sequence[str]) -> tuple[Spec, list[Explanation]] | None:
    """Three steps in a row, each waiting for the gradient of the one after it.

    >>> order_probe(["mul"])[0].steps
    (('mul', (0, 1)), ('mul', (4, 2)), ('mul', (5, 3)))
    """
    detail = phrase("order")
    binary = next((n for n in INNER if n in ok), None)
    candidates = (
        []
        if binary is None
        else [Spec((0.7, 1.3, -0.6, 1.1), ((binary, (0, 1)), (binary, (4, 2)), (binary, (5, 3))))]
    )
    candidates += [Spec((0.4,), ((n, (0,)), (n, (1,)), (n, (2,)))) for n in ok]
    spec = next((s for s in candidates if finite(s)), None)
    return None if spec is None else (spec, [Explanation(Mistake(forward=True), ORDER, detail)])


def _two(ok: Sequence[str]) -> tuple[str | None, str | None]:
    """A binary operation found right alone for the inner steps, and add or mul for the outer."""
    inner = next((n for n in INNER if n in ok), None)
    return inner, next((n for n in JOINS[:2] if n in ok), None)


def twice_probe(ok: Sequence[str]) -> tuple[Spec, list[Explanation]] | None:
    """An interior node used twice by the next one.

    >>> twice_probe(["mul", "add"])[0].text().splitlines()[-1]
    'd = c + c = 1.82'
    """
    inner, outer = _two(ok)
    if inner is None or outer is None:
        return None
    detail = phrase("twice")
    spec = Spec((0.7, 1.3), ((inner, (0, 1)), (outer, (2, 2))))
    return spec, [Explanation(Mistake(per_path=True), TWICE_RUN, detail)]


def value_probe(ok: Sequence[str]) -> tuple[Spec, list[Explanation]] | None:
    """Two different nodes with the same value, both needed.

    >>> value_probe(["add", "mul"])[0].text().splitlines()[2:]
    ['c = a + b = 3', 'd = b + a = 3', 'e = c × d = 9']
    """
    if "add" not in ok:
        return None
    outer = "mul" if "mul" in ok else "add"
    detail = phrase("by_value")
    spec = Spec((1.0, 2.0), (("add", (0, 1)), ("add", (1, 0)), (outer, (2, 3))))
    return spec, [Explanation(Mistake(by_value=True), BY_VALUE, detail)]


def breadth_probe(ok: Sequence[str]) -> tuple[Spec, list[Explanation]] | None:
    """An interior node used near the output and again three steps further in: a search by
    breadth meets it before the nodes that still add to its gradient.

    >>> breadth_probe(["mul", "add"])[0].text().splitlines()[-1]
    'f = e + c = 2.448'
    """
    inner, outer = _two(ok)
    if inner is None or outer is None:
        return None
    detail = phrase("breadth")
    steps = ((inner, (0, 1)), (inner, (2, 1)), (inner, (3, 1)), (outer, (4, 2)))
    spec = Spec((0.7, 1.3), steps)
    return spec, [Explanation(Mistake(breadth_first=True), BREADTH, detail)]


PROBES: list[Callable[[Sequence[str]], tuple[Spec, list[Explanation]] | None]] = [
    order_probe,
    twice_probe,
    value_probe,
    breadth_probe,  # last: an order with repeats or merged nodes fails it too
]


def per_op(spec: Spec, op: str) -> list[Explanation]:
    """The mistakes one operation's backward can make in ``spec``: out.grad left out, or an
    assignment where it must add, in the lines of all its operands or of one of them.

    >>> [e.kind for e in per_op(Spec((0.7,), (("tanh", (0,)),)), "tanh")]
    ['upstream gradient left out', '`=` instead of `+=`']
    """
    steps = frozenset(i for i, (name, _) in enumerate(spec.steps) if name == op)
    arity = max((len(spec.steps[i][1]) for i in steps), default=1)
    subsets: list[frozenset[int] | None] = [None]
    if arity == 2:
        subsets += [frozenset({0}), frozenset({1})]
    out = []
    for operands in subsets:
        which = "" if operands is None else phrase("in_one_line")
        upstream = phrase("no_upstream", op=op, which=which)
        out.append(Explanation(Mistake(no_upstream=steps, operands=operands), UPSTREAM, upstream))
        assigns = phrase("assigns", op=op, which=which)
        out.append(Explanation(Mistake(assign=steps, operands=operands), ASSIGNED, assigns))
    return sorted(out, key=lambda e: e.kind != UPSTREAM)


def upstream_spec(op: LearnerOp, ok: Sequence[str]) -> Spec | None:
    """``op`` followed by an operation right on its own whose derivative is not 1 there, so
    that leaving out.grad out shows: ``(op) * 3`` and the like, else ``tanh(op)`` and the like.

    >>> from autograd.testing.learner_spec import LEARNER_OPS
    >>> upstream_spec(LEARNER_OPS["tanh"], ["mul"]).steps
    (('tanh', (0,)), ('mul', (2, 1)))
    >>> upstream_spec(LEARNER_OPS["add"], ["add", "exp"]).steps
    (('add', (0, 1)), ('exp', (2,)))
    """
    n = op.arity
    first = (op.name, tuple(range(n)))
    for point in points(op):
        candidates = [
            Spec((*point, 3.0), (first, (name, (n + 1, n)))) for name in SCALES if name in ok
        ]
        candidates += [
            Spec(point, (first, (name, (n,)))) for name in ok if LEARNER_OPS[name].arity == 1
        ]
        for spec in candidates:
            if valid(spec):
                grads = sweep(spec)
                if abs(grads[-2] - 1.0) > 0.1 and any(g != 0 for g in grads[:n]):
                    return spec
    return None


def reuse_specs(op: LearnerOp, ok: Sequence[str]) -> list[Spec]:
    """Graphs where a node is used twice: ``a * a`` (one level, so nothing but the operation
    itself can spoil it), then ``op(a) + a`` or ``op(a, b) + a`` and ``op(b, a) + a``, where an
    operand already holds a gradient when ``op``'s backward runs.

    >>> from autograd.testing.learner_spec import LEARNER_OPS
    >>> [s.steps for s in reuse_specs(LEARNER_OPS["tanh"], ["add"])]
    [(('tanh', (0,)), ('add', (1, 0)))]
    """
    specs = [Spec((0.7,), ((op.name, (0, 0)),))] if op.arity == 2 else []
    other = next((n for n in JOINS if n in ok), None)
    if other is None:
        return specs
    if op.arity == 1:
        xs = points(op)
        return [Spec(xs[1 % len(xs)], ((op.name, (0,)), (other, (1, 0))))]
    x, y = points(op)[0]
    first, second = (Spec((x, y), ((op.name, (0, 1)), (other, (2, i)))) for i in (0, 1))
    return [*specs, first, second]


def missing(op: LearnerOp, f: Failure) -> Failure:
    """A reflected operator, or a number on the right, that raises: named as missing.

    >>> from autograd.testing.learner_spec import REFLECTED_OPS
    >>> missing(REFLECTED_OPS["rmul"], Failure("raises an error", "TypeError")).detail
    '2 * a raises TypeError; define __rmul__'
    """
    plain = not op.method.startswith("__r")  # a + 2: no reflected method, the number is plain
    f.kind = PLAIN if plain else REFLECTED
    fix = "wrap a number into a Value" if plain else f"define {op.method}"
    if op.method == "__radd__":
        fix = "define __radd__ (sum() needs it too: it starts from 0, so it computes 0 + a)"
    f.detail = f"{op.text} raises {f.detail}; {fix}"
    return f


def whole_power(op: LearnerOp) -> bool:
    """Whether a power operation's exponent is a whole number (``a ** 2``, not ``a ** 0.5``).

    >>> whole_power(LEARNER_OPS["square"]), whole_power(LEARNER_OPS["root"])
    (True, False)
    """
    exponent = math.log2(op.apply(Value(2.0)).data)
    return exponent == int(exponent)


def nothing_done(spec: Spec, root: float | None, hidden: bool) -> str:
    """What a ``backward()`` that gave no input a gradient did, and what to look at.

    >>> nothing_done(Spec((1.0, 2.0), (("mul", (0, 1)),)), 1.0, False)[:43]
    'after c.backward() c.grad is 1 but no input'
    """
    out = spec.names()[-1]
    if root not in (0.0, None):
        return (
            f"after {out}.backward() {out}.grad is {fmt(root)} but no input got a gradient: no "
            "node's _backward ran (is each operation's _backward stored on its result, and "
            "called for every node of the order?)"
        )
    detail = f"after {out}.backward() every gradient is still 0, {out}.grad too"
    if hidden:
        return detail + (
            ": an instance attribute named backward (set in __init__, e.g. self.backward = "
            "lambda: None) hides the class's backward() method; name the per-node function "
            "_backward"
        )
    return detail + ": set the root's grad to 1, then call every node's _backward in order"
