"""Mutants of a correct learner's engine, to measure a judge: one classic mistake each.

``engine_source()`` is a complete micrograd-style engine, written as a learner would, with
every operation a student meets (``+ - * / **``, the reflected operators, ``tanh``,
``sigmoid``, ``exp``, ``log``, ``relu``). ``engine_source(name)`` is the same engine with the
mistake ``name`` of ``MUTANTS`` made in it: each operation's local derivative wrong, its
``out.grad`` left out, ``=`` for ``+=``; and the engine-wide ones (the order not reversed, a
breadth-first order, no visited set, a recursive sort, no reset between passes, equality by
value, ``backward`` hidden by an attribute, the root's gradient never set, ``**`` for whole
exponents only, a reflected operator wrong or missing, plain numbers refused).
``unusual_engines`` holds correct engines written in unusual styles, which a judge must find
right.

Each mutant says what a judge should report (``Mutant.kind``, one of
``learner_report``'s kinds, and the operation it concerns). ``score(...)`` runs
``check_engine`` on each and counts.

>>> sorted(MUTANTS)[:3]
['add-assign', 'add-upstream', 'backward-hidden']
>>> "def tanh" in engine_source() and "reversed" in engine_source()
True
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import learner_report as kinds


@dataclass(frozen=True)
class Mutant:
    """A mistake: where the engine's text changes (``old`` becomes ``new``), what a judge
    should name (``kind``), and the operation concerned ('' for an engine-wide mistake).

    >>> MUTANTS["tanh-assign"].kind, MUTANTS["tanh-assign"].op
    ('`=` instead of `+=`', 'tanh')
    """

    kind: str
    op: str
    old: str
    new: str


_RIGHT = """\
import math


class Value:
    def __init__(self, data, _children=(), _op=""):
        self.data = data
        self.grad = 0.0
        self._backward = lambda: None
        self._prev = tuple(_children)
        self._op = _op

    def _wrap(self, other):
        return other if isinstance(other, Value) else Value(other)

    def __add__(self, other):
        other = self._wrap(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    def __mul__(self, other):
        other = self._wrap(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def __pow__(self, k):
        out = Value(self.data**k, (self,), f"**{k}")

        def _backward():
            self.grad += k * self.data ** (k - 1) * out.grad

        out._backward = _backward
        return out

    def tanh(self):
        t = math.tanh(self.data)
        out = Value(t, (self,), "tanh")

        def _backward():
            self.grad += (1 - t**2) * out.grad

        out._backward = _backward
        return out

    def sigmoid(self):
        s = 1 / (1 + math.exp(-self.data))
        out = Value(s, (self,), "sigmoid")

        def _backward():
            self.grad += s * (1 - s) * out.grad

        out._backward = _backward
        return out

    def exp(self):
        out = Value(math.exp(self.data), (self,), "exp")

        def _backward():
            self.grad += out.data * out.grad

        out._backward = _backward
        return out

    def log(self):
        out = Value(math.log(self.data), (self,), "log")

        def _backward():
            self.grad += (1 / self.data) * out.grad

        out._backward = _backward
        return out

    def relu(self):
        out = Value(max(0.0, self.data), (self,), "relu")

        def _backward():
            self.grad += (self.data > 0) * out.grad

        out._backward = _backward
        return out

    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-other)

    def __truediv__(self, other):
        return self * other**-1

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def __rsub__(self, other):
        return (-self) + other

    def __rtruediv__(self, other):
        return self**-1 * other

    def backward(self):
        topo, visited, stack = [], set(), [(self, False)]
        while stack:
            v, done = stack.pop()
            if done:
                topo.append(v)
            elif v not in visited:
                visited.add(v)
                stack.append((v, True))
                stack.extend((c, False) for c in v._prev)
        for v in topo:
            v.grad = 0.0
        self.grad = 1.0
        for v in reversed(topo):
            v._backward()
"""

# Each operation's line in its _backward, and how a learner gets it wrong.
_LINES = {
    "add": ("self.grad += out.grad", None),  # 1 is +'s local derivative: see add-upstream
    "mul": ("self.grad += other.data * out.grad", "self.grad += self.data * out.grad"),
    "pow": (
        "self.grad += k * self.data ** (k - 1) * out.grad",
        "self.grad += k * self.data**k * out.grad",
    ),
    "tanh": ("self.grad += (1 - t**2) * out.grad", "self.grad += (1 - self.data**2) * out.grad"),
    "sigmoid": ("self.grad += s * (1 - s) * out.grad", "self.grad += s * (1 + s) * out.grad"),
    "exp": ("self.grad += out.data * out.grad", "self.grad += self.data * out.grad"),
    "log": ("self.grad += (1 / self.data) * out.grad", "self.grad += (1 / out.data) * out.grad"),
    "relu": ("self.grad += (self.data > 0) * out.grad", "self.grad += (out.data < 0) * out.grad"),
}
# The operation the report names for each (``__pow__``'s first checked form is a ** 2).
_NAMED = {"pow": "square"}


def _per_operation() -> dict[str, Mutant]:
    out = {}
    for op, (line, wrong) in _LINES.items():
        named = _NAMED.get(op, op)
        upstream = line.removesuffix(" * out.grad") if line.endswith(" * out.grad") else None
        assign = line.replace("+=", "=", 1)
        if wrong is not None:
            out[f"{op}-local"] = Mutant(kinds.LOCAL, named, line, wrong)
        if upstream is not None:
            out[f"{op}-upstream"] = Mutant(kinds.UPSTREAM, named, line, upstream)
        out[f"{op}-assign"] = Mutant(kinds.ASSIGNED, named, line, assign)
    out["add-upstream"] = Mutant(
        kinds.UPSTREAM,
        "add",
        "self.grad += out.grad\n            other.grad += out.grad",
        "self.grad += 1.0\n            other.grad += 1.0",
    )
    return out


# the right engine's topological sort, which the engine-wide mistakes replace
_SORT = _RIGHT[_RIGHT.index("        topo, visited") : _RIGHT.index("\n        for v in topo:\n")]

_ENGINE_WIDE = {
    "order-not-reversed": Mutant(kinds.ORDER, "", "for v in reversed(topo):", "for v in topo:"),
    "breadth-first-order": Mutant(
        kinds.BREADTH,
        "",
        _SORT,
        """        topo, seen, queue = [], {id(self)}, [self]
        while queue:  # a search by breadth, taken for a topological order
            v = queue.pop(0)
            topo.insert(0, v)
            for c in v._prev:
                if id(c) not in seen:
                    seen.add(id(c))
                    queue.append(c)""",
    ),
    "no-visited-set": Mutant(
        kinds.TWICE_RUN,
        "",
        _SORT,
        _SORT.replace("elif v not in visited:\n                visited.add(v)\n", "else:\n"),
    ),
    "recursive-sort": Mutant(
        kinds.RECURSION,
        "",
        _SORT,
        """        topo, visited = [], set()

        def build_topo(v):
            if v not in visited:
                visited.add(v)
                for child in v._prev:
                    build_topo(child)
                topo.append(v)

        build_topo(self)""",
    ),
    "no-reset": Mutant(
        kinds.NOT_RESET, "", "        for v in topo:\n            v.grad = 0.0\n", ""
    ),
    "equal-by-value": Mutant(
        kinds.BY_VALUE,
        "",
        "    def _wrap(self, other):",
        "    def __eq__(self, other):\n        return isinstance(other, Value) and self.data == "
        "other.data\n\n    def __hash__(self):\n        return hash(self.data)\n\n"
        "    def _wrap(self, other):",
    ),
    "backward-hidden": Mutant(
        kinds.NO_OP,
        "",
        "self._op = _op\n",
        "self._op = _op\n        self.backward = lambda: None\n",
    ),
    "root-grad-not-set": Mutant(kinds.NO_OP, "", "        self.grad = 1.0\n", ""),
    "pow-whole-exponents": Mutant(
        kinds.ERROR,
        "root",
        'out = Value(self.data**k, (self,), f"**{k}")',
        'out = Value(math.prod([self.data] * k), (self,), f"**{k}")',
    ),
    "rsub-sign": Mutant(
        kinds.REFLECTED_WRONG, "rsub", "return (-self) + other", "return self - other"
    ),
    "rmul-assigns": Mutant(
        kinds.ASSIGNED,
        "rmul",
        "    def __rmul__(self, other):\n        return self * other\n",
        "    def __rmul__(self, other):\n        out = Value(self.data * other, (self,), '*')\n\n"
        "        def _backward():\n            self.grad = other * out.grad\n\n"
        "        out._backward = _backward\n        return out\n",
    ),
    "no-rmul": Mutant(
        kinds.REFLECTED, "rmul", "    def __rmul__(self, other):\n        return self * other\n", ""
    ),
    "no-radd": Mutant(
        kinds.REFLECTED, "radd", "    def __radd__(self, other):\n        return self + other\n", ""
    ),
    "no-plain-numbers": Mutant(
        kinds.PLAIN,
        "addnum",
        "return other if isinstance(other, Value) else Value(other)",
        "return other",
    ),
}

MUTANTS: dict[str, Mutant] = {**_per_operation(), **_ENGINE_WIDE}


def engine_source(mistake: str | None = None) -> str:
    """The correct engine's source, or the one with ``mistake`` (a name in ``MUTANTS``) made.

    >>> "self.grad = other * out.grad" in engine_source("rmul-assigns")
    True
    """
    if mistake is None:
        return _RIGHT
    m = MUTANTS[mistake]
    if _RIGHT.count(m.old) != 1:  # pragma: no cover - a guard on this module's own text
        raise ValueError(f"mutant {mistake!r}: its text must occur once in the engine")
    return _RIGHT.replace(m.old, m.new)


@dataclass
class Score:
    """What a judge made of the mutants: per mutant, whether the report failed (``detected``)
    and whether its problems are exactly the planted one (``named``); per unusual engine,
    whether it was found right; and the seconds each check took.

    >>> Score({"m": True}, {"m": True}, {}, [0.5]).rates()["detected"]
    1.0
    """

    detected: dict[str, bool]
    named: dict[str, bool]
    unusual_right: dict[str, bool]
    seconds: list[float]

    def rates(self) -> dict[str, float]:
        """Detection, root cause, false positives (as fractions) and the mean and longest time.

        >>> Score({"a": True}, {"a": False}, {"u": True}, [1.0, 3.0]).rates()["root cause"]
        0.0
        """

        def share(d: dict[str, bool]) -> float:
            return sum(d.values()) / len(d) if d else 1.0

        return {
            "detected": share(self.detected),
            "root cause": share(self.named),
            "false positives": 1.0 - share(self.unusual_right),
            "mean seconds": sum(self.seconds) / len(self.seconds) if self.seconds else 0.0,
            "most seconds": max(self.seconds, default=0.0),
        }


def right_root_cause(report: Any, mutant: Mutant) -> bool:
    """Whether a report names exactly the planted mistake: one problem, of the planted kind,
    about the planted operation (when it concerns one).

    >>> from autograd.testing.learner_report import EngineReport, Failure, LOCAL
    >>> report = EngineReport("V", [Failure(LOCAL, "", op="tanh")], [])
    >>> right_root_cause(report, MUTANTS["tanh-local"])
    True
    """
    if len(report.failures) != 1:
        return False
    f = report.failures[0]
    return f.kind == mutant.kind and (not mutant.op or f.op == mutant.op)


def score(folder: Path, names: Iterable[str] | None = None, examples: int | None = None) -> Score:
    """Write each mutant (and each unusual engine) to ``folder`` and judge it from its file.

    >>> import tempfile
    >>> s = score(Path(tempfile.mkdtemp()), ["tanh-local"], examples=20)
    >>> s.detected, s.named
    ({'tanh-local': True}, {'tanh-local': True})
    """
    from .learner_engine import EXAMPLES, check_engine
    from .unusual_engines import ENGINES

    chosen = list(MUTANTS) if names is None else list(names)
    result = Score({}, {}, {}, [])
    jobs: list[tuple[str, str, Mutant | None]] = [(n, engine_source(n), MUTANTS[n]) for n in chosen]
    jobs += [(n, src, None) for n, src in ENGINES.items() if names is None]
    for name, source, mutant in jobs:
        path = folder / f"{name.replace('-', '_')}.py"
        path.write_text(source)
        start = time.monotonic()
        report = check_engine(f"{path}:Value", examples=EXAMPLES if examples is None else examples)
        result.seconds.append(time.monotonic() - start)
        if mutant is None:
            result.unusual_right[name] = bool(report)
        else:
            result.detected[name] = not report
            result.named[name] = right_root_cause(report, mutant)
    return result
