"""``check_engine``: a learner's own scalar engine, property-tested against this one.

The learner's class needs micrograd's interface: ``V(data)``, ``.data``, ``.grad``, the
operators and methods it defines, ``.backward()``. The check runs small graphs built to break
home-made engines (one operation alone, its result used further on, a node used twice, numbers
on the left, a chain past Python's recursion limit, ``backward()`` twice), then random graphs
from Hypothesis (the ``testing`` extra) over the operations that passed. Every call into the
learner's code runs under a time limit (see ``learner_run.guarded``). Operations the class
does not define are skipped and listed.

What counts as right after a second ``backward()`` on the same graph: either the same
gradients (the class resets them) or twice them (it adds the new pass to the old one, as this
engine and PyTorch do for leaves). Anything else means the interior nodes kept the first pass's
gradients and sent them down again: "gradients not reset between passes".
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..core.value import Value
from ..viz.style import fmt
from .learner_run import (
    HANG,
    MIXED,
    OPS,
    Op,
    Outcome,
    Spec,
    chain,
    close,
    defines,
    guarded,
    number,
)

__all__ = ["EngineReport", "Failure", "check_engine", "compare"]

# The kinds of failure a report names.
ERROR = "raises an error"
FORWARD = "wrong forward value"
LOCAL = "wrong local derivative"
UPSTREAM = "upstream gradient left out"
ASSIGNED = "`=` instead of `+=`"
REFLECTED = "missing reflected operator"
PLAIN = "plain numbers not accepted"
RECURSION = "recursive topological sort overflows"
NOT_RESET = "gradients not reset between passes"
WRONG = "wrong gradient"
NOT_NUMBER = "returns a non-number"


@dataclass
class Failure:
    """One thing the learner's engine gets wrong: its ``kind``, what happened, and the smallest
    graph that shows it (``spec``; ``text()`` writes it, ``to_dot()`` draws it).

    >>> f = Failure(LOCAL, "tanh: expected 0.42, got 0.9", Spec((0.5,), (("tanh", (0,)),)))
    >>> print(f.text())
    wrong local derivative: tanh: expected 0.42, got 0.9
       a = 0.5
       b = tanh(a) = 0.4621
    """

    kind: str
    detail: str
    spec: Spec | None = None
    leaf: str = ""  # for a wrong gradient: which leaf, the right value and the learner's
    want: float = 0.0
    got: float = 0.0

    def text(self) -> str:
        """The kind, what happened, and the graph (see the class's example).

        >>> Failure(ERROR, "V(1) raises").text()
        'raises an error: V(1) raises'
        """
        lines = [f"{self.kind}: {self.detail}"]
        if self.spec is not None:
            lines += ["   " + line for line in self.spec.text().splitlines()]
        return "\n".join(lines)

    def to_dot(self) -> str | None:
        """The smallest failing graph in DOT, with this engine's (correct) gradients.

        >>> Failure(LOCAL, "", Spec((0.5,), (("tanh", (0,)),))).to_dot().startswith("digraph")
        True
        """
        if self.spec is None:
            return None
        from ..viz import to_dot

        root, _ = self.spec.oracle()
        root.backward()
        return to_dot(root)

    def draw(self) -> Any:
        """The drawing (graphviz), or None when there is no graph or Graphviz is missing.

        >>> Failure(ERROR, "no graph").draw() is None
        True
        """
        if self.spec is None:
            return None
        try:
            from ..viz import draw_dot
        except ImportError:
            return None
        root, _ = self.spec.oracle()
        root.backward()
        return draw_dot(root)


@dataclass
class EngineReport:
    """What ``check_engine`` found: ``bool(report)`` is True when nothing failed.

    >>> r = EngineReport("V", [], ["add"], ["tanh"])
    >>> bool(r), str(r).splitlines()[0]
    (True, 'check_engine(V): everything checked is right (1 check passed).')
    """

    name: str
    failures: list[Failure]
    passed: list[str]
    skipped: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return not self.failures

    def kinds(self) -> list[str]:
        """The kinds of failure found, in order.

        >>> EngineReport("V", [Failure(ERROR, "x")], []).kinds()
        ['raises an error']
        """
        return [f.kind for f in self.failures]

    def __str__(self) -> str:
        n = len(self.passed)
        checks = f"{n} check{'s' * (n != 1)} passed"
        if self:
            lines = [f"check_engine({self.name}): everything checked is right ({checks})."]
        else:
            k = len(self.failures)
            lines = [f"check_engine({self.name}): {k} problem{'s' * (k != 1)} found ({checks})."]
            for i, f in enumerate(self.failures, 1):
                lines.append(f"{i}. " + f.text().replace("\n", "\n  "))
        if self.passed:
            lines.append("Right: " + ", ".join(self.passed) + ".")
        if self.skipped:
            lines.append("Skipped (the class does not define them): " + ", ".join(self.skipped))
        return "\n".join(lines)

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(str(self))


def _grads(nodes: Sequence[Any], count: int) -> list[float | None]:
    return [number(getattr(n, "grad", None)) for n in nodes[:count]]


def _run(cls: Any, spec: Spec, twice: bool = False) -> Outcome:
    """Build ``spec`` with the learner's class, call backward (twice if asked): (data, grads)."""

    def go() -> tuple[Any, list[float | None], list[float | None]]:
        nodes: list[Any] = []
        root = spec.build(cls, nodes)
        root.backward()
        first = _grads(nodes, len(spec.leaves))
        second = first
        if twice:
            root.backward()
            second = _grads(nodes, len(spec.leaves))
        return number(getattr(root, "data", None)), first, second

    return guarded(go)


def _expected(spec: Spec) -> tuple[float, list[float]]:
    root, leaves = spec.oracle()
    root.backward()
    return root.data, [v.grad for v in leaves]


def _at(spec: Spec) -> str:
    return ", ".join(f"{n} = {fmt(x)}" for n, x in zip("abcdefgh", spec.leaves, strict=False))


def compare(cls: Any, spec: Spec, kink: Op | None = None) -> Failure | None:
    """The first difference between the learner's engine and this one on ``spec``, or None.

    >>> compare(Value, Spec((0.5, 2.0), (("mul", (0, 1)),))) is None
    True
    """
    got = _run(cls, spec)
    if not got.ok:
        return Failure(HANG if got.hung else ERROR, got.error, spec)
    data, grads, _ = got.value
    want_data, want = _expected(spec)
    if data is None:
        return Failure(NOT_NUMBER, "the result's .data is not a number", spec)
    if not close(data, want_data):
        return Failure(FORWARD, f"expected {fmt(want_data)}, got {fmt(data)}", spec)
    for name, g, w in zip("abcdefgh", grads, want, strict=False):
        if g is None:
            return Failure(NOT_NUMBER, f"{name}.grad is not a number after backward()", spec)
        on_kink = kink is not None and kink.kink in spec.leaves
        if on_kink and kink is not None and min(kink.slopes) <= g <= max(kink.slopes):
            continue
        if not close(g, w):
            detail = f"{name}.grad: expected {fmt(w)}, got {fmt(g)}"
            return Failure(WRONG, detail, spec, leaf=name, want=w, got=g)
    return None


def _points(op: Op) -> Sequence[tuple[float, ...]]:
    if op.arity == 2:
        return [(0.7, -1.3), (-1.1, 0.6), (1.5, 2.5)]
    xs = [x for x in (-1.3, 0.4, 1.7, 0.6, 2.5) if op.domain(x)][:3]
    return [(x,) for x in xs] + ([(op.kink,)] if op.kink is not None else [])


def _local(cls: Any, op: Op) -> Failure | None:
    """``op`` alone at a few points; a wrong gradient is named as its local derivative."""
    for point in _points(op):
        spec = Spec(point, ((op.name, tuple(range(op.arity))),))
        f = compare(cls, spec, op if op.kink is not None else None)
        if f is None:
            continue
        if f.kind == WRONG:
            f.kind = LOCAL
            f.detail = (
                f"of {op.name}: d({op.text})/d{f.leaf} at {_at(spec)} is {fmt(f.want)}, "
                f"yours gives {fmt(f.got)}"
            )
        elif f.kind in (ERROR, HANG):
            f.detail = f"{op.text}: {f.detail}"
        return f
    return None


def _upstream(cls: Any, op: Op) -> Failure | None:
    """``op`` followed by ``* 3``: its local derivative must be multiplied by out.grad."""
    n = op.arity
    point = _points(op)[0]
    spec = Spec((*point, 3.0), ((op.name, tuple(range(n))), ("mul", (n + 1, n))))
    f = compare(cls, spec)
    if f is None or f.kind != WRONG:
        return f
    got = _run(cls, spec).value[1][0]
    alone = _expected(Spec(point, ((op.name, tuple(range(n))),)))[1][0]
    if got is not None and close(got, alone):
        f.kind = UPSTREAM
        f.detail = (
            f"{op.name}'s backward does not multiply by out.grad: in c = {op.text} * 3, "
            f"a.grad is {fmt(got)} (the local derivative alone), expected {fmt(3 * alone)}"
        )
    return f


def _reuse(cls: Any, op: Op, ok: set[str]) -> Failure | None:
    """A node used twice (``a + a``, ``tanh(a) + a``): the two paths' gradients must add up."""
    if op.arity == 2:
        spec, apart = Spec((0.7,), ((op.name, (0, 0)),)), Spec((0.7, 0.7), ((op.name, (0, 1)),))
        paths = _expected(apart)[1]
    else:
        other = "add" if "add" in ok else "mul" if "mul" in ok else None
        x = _points(op)[1]
        if other is None:
            return None
        spec = Spec(x, ((op.name, (0,)), (other, (1, 0))))
        g = _expected(Spec(x, ((op.name, (0,)),)))[1][0]
        paths = [g, 1.0] if other == "add" else [g * x[0], OPS[op.name].apply(Value(x[0])).data]
    f = compare(cls, spec)
    if f is None or f.kind != WRONG:
        return f
    got = _run(cls, spec).value[1][0]
    if got is not None and any(close(got, p) for p in paths):
        f.kind = ASSIGNED
        f.detail = (
            f"a is used twice, its gradient is only one path's: a.grad = {fmt(got)}, expected "
            f"{' + '.join(fmt(p) for p in paths)} = {fmt(sum(paths))}; "
            f"{op.name}'s backward assigns (=) where it must add (+=)"
        )
    return f


def _mixed(cls: Any, op: Op) -> Failure | None:
    spec = Spec((0.7, 1.1) if op.arity == 2 else (0.7,), ((op.name, tuple(range(op.arity))),))
    f = compare(cls, spec)
    if f is not None and f.kind == ERROR and ("TypeError" in f.detail or "Attr" in f.detail):
        plain = op.name in ("addnum", "mulnum")
        f.kind = PLAIN if plain else REFLECTED
        fix = "wrap a number into a Value" if plain else f"define {op.method}"
        if op.name == "sum":
            fix = "define __radd__ (sum starts from 0, so it computes 0 + a)"
        f.detail = f"{op.text} raises {f.detail}; {fix}"
    return f


def _depth(cls: Any, op: str) -> Failure | None:
    """A chain past the recursion limit; on RecursionError, the smallest depth that fails."""
    limit = sys.getrecursionlimit()
    n = min(limit + 500, 20000)

    def fails(depth: int) -> Outcome:
        return guarded(lambda: chain(depth, cls, op).backward(), limit=5.0)

    out = fails(n)
    if out.ok:
        return None
    if not out.recursion:
        return Failure(HANG if out.hung else ERROR, f"on a chain of {n} nodes: {out.error}")
    lo, hi = 1, n  # lo passes, hi fails
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if fails(mid).recursion else (mid, hi)
    return Failure(
        RECURSION,
        f"backward() on a chain of {hi} nodes raises RecursionError (Python's recursion limit "
        f"is {limit}); {out.recursion}() calls itself once per node: build the order with a "
        "loop and an explicit stack instead; the chain begins",
        Spec((1.0,), tuple((op, (i, 0)) for i in range(2))),
    )


def _twice(cls: Any, op: str) -> Failure | None:
    spec = Spec((1.5, 3.0, 2.0), ((op, (0, 1)), (op, (3, 2))))
    got = _run(cls, spec, twice=True)
    if not got.ok:
        f = Failure(HANG if got.hung else ERROR, f"the second backward(): {got.error}", spec)
        return f
    _, first, second = got.value
    _, want = _expected(spec)
    for name, g1, g2, w in zip("abc", first, second, want, strict=False):
        if g2 is None or g1 is None:
            return Failure(NOT_NUMBER, f"{name}.grad after a second backward()", spec)
        if not (close(g2, g1) or close(g2, 2 * g1)):
            return Failure(
                NOT_RESET,
                f"after a second backward() on the same graph {name}.grad = {fmt(g2)}; a fresh "
                f"pass gives {fmt(w)} and adding a second pass to the first (as this engine and "
                f"PyTorch do) gives {fmt(2 * w)}: the interior nodes kept the first pass's "
                "gradients and sent them down again (reset every node's grad to 0 before a "
                "pass; a loop that builds a new graph each step is not affected)",
                spec,
            )
    return None


def check_engine(cls: Any, examples: int = 60) -> EngineReport:
    """Property-test ``cls`` (a learner's ``Value`` class) against this engine.

    Needs Hypothesis (the ``testing`` extra) for the random graphs. ``examples`` is how many
    random graphs to try after the named checks.

    >>> report = check_engine(Value, examples=10)
    >>> bool(report), report.kinds()
    (True, [])
    """
    name = getattr(cls, "__qualname__", None) or type(cls).__name__
    made = guarded(lambda: (number(cls(1.5).data), number(cls(1.5).grad)))
    if not made.ok or made.value != (1.5, 0.0):
        why = made.error or f"V(1.5).data, V(1.5).grad gave {made.value}, expected 1.5 and 0"
        return EngineReport(str(name), [Failure(ERROR, f"cannot make a Value: {why}")], [])
    failures: list[Failure] = []
    passed: list[str] = []
    # mul first: the other operations' checks multiply their result by 3
    have = sorted((op for op in OPS.values() if defines(cls, op)), key=lambda o: o.name != "mul")
    skipped = [op.name for op in OPS.values() if op not in have]
    ok: set[str] = set()
    for op in have:  # the operations one at a time, then inside a larger graph, then reused
        f = _local(cls, op)
        if f is None and "mul" in ok | {op.name}:
            f = _upstream(cls, op)
        if f is None:
            f = _reuse(cls, op, ok | {op.name})
        if f is None:
            ok.add(op.name)
            passed.append(op.name)
        else:
            failures.append(f)
    for op in MIXED.values():
        if op.needs in ok:
            f = _mixed(cls, op)
            if f is None:
                passed.append(op.text)
            else:
                failures.append(f)
    for check, label, bases in (
        (_depth, "a chain past the recursion limit", ("add", "mul")),
        (_twice, "backward() twice", ("mul", "add")),
    ):
        base = next((b for b in bases if b in ok), None)
        if base is not None:
            f = check(cls, base)
            if f is None:
                passed.append(label)
            else:
                failures.append(f)
    if ok and not any(f.kind == HANG for f in failures):
        from .learner_graphs import search

        f = search(cls, sorted(ok), examples, compare)
        if f is None:
            passed.append(f"{examples} random graphs")
        elif not any(
            g.kind == f.kind and g.spec and f.spec and g.spec.ops() == f.spec.ops()
            for g in failures
        ):
            failures.append(f)
    return EngineReport(str(name), failures, passed, skipped)
