"""The operations a learner's engine may define and the small graphs the judge builds with them.

A graph is data (``Spec``: leaf values and steps naming operations by position), so the same graph
can be sent to the child process that holds the learner's class, built there with that class, and
built here with this engine for the right answer.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..core.value import Value
from ..notation import expression, fmt, forward_order, node_names
from ..ops import OPS, Primitive

LETTERS = "abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True)
class LearnerOp:
    """An operation a learner's class may define: ``method`` is what it needs, ``apply`` how it
    is called (the same on both engines), ``text`` how the report writes it, ``domain`` where
    its operands may lie, ``kink`` an input where any slope between ``slopes`` is right, and for
    an operation with a number on one side, ``needs`` the operation it mirrors and ``twin`` the
    same operation written with two Values (what the mirrored code computes when it delegates).

    >>> LEARNER_OPS["mul"].apply(Value(2.0), Value(3.0)).data
    6.0
    """

    name: str
    arity: int
    method: str
    apply: Callable[..., Any]
    text: str
    domain: Callable[..., bool] = field(default_factory=lambda: _anywhere)
    kink: float | None = None
    slopes: tuple[float, float] = (0.0, 0.0)
    needs: str = ""
    twin: tuple[float, str, tuple[int, int]] | None = None  # (the number, operation, operands)
    row_name: str = ""  # the table row it exercises, when not its own name or ``needs``

    @property
    def row(self) -> Primitive:
        """The row of ``autograd.ops.TABLE`` this operation exercises: the learner spec is
        keyed by row (tests/core/test_catalogues.py checks every row is in it or left out).

        >>> LEARNER_OPS["cube"].row.name, REFLECTED_OPS["rsub"].row.name
        ('pow', 'sub')
        """
        return OPS[self.row_name or self.needs or self.name]


def _anywhere(*xs: float) -> bool:
    return True


def _away(x: float) -> bool:
    return abs(x) >= 0.2


def _positive(x: float) -> bool:
    return x > 0.2


LEARNER_OPS = {
    op.name: op
    for op in [
        LearnerOp("add", 2, "__add__", lambda a, b: a + b, "a + b"),
        LearnerOp("sub", 2, "__sub__", lambda a, b: a - b, "a - b"),
        LearnerOp("mul", 2, "__mul__", lambda a, b: a * b, "a * b"),
        LearnerOp("div", 2, "__truediv__", lambda a, b: a / b, "a / b", lambda a, b: _away(b)),
        LearnerOp("neg", 1, "__neg__", lambda a: -a, "-a"),
        LearnerOp("square", 1, "__pow__", lambda a: a**2, "a ** 2", row_name="pow"),
        LearnerOp("cube", 1, "__pow__", lambda a: a**3, "a ** 3", row_name="pow"),
        LearnerOp("root", 1, "__pow__", lambda a: a**0.5, "a ** 0.5", _positive, row_name="pow"),
        LearnerOp(
            "inverse", 1, "__pow__", lambda a: a**-1.5, "a ** -1.5", _positive, row_name="pow"
        ),
        LearnerOp("tanh", 1, "tanh", lambda a: a.tanh(), "a.tanh()"),
        LearnerOp("sigmoid", 1, "sigmoid", lambda a: a.sigmoid(), "a.sigmoid()"),
        LearnerOp("exp", 1, "exp", lambda a: a.exp(), "a.exp()", lambda a: a < 5),
        LearnerOp("log", 1, "log", lambda a: a.log(), "a.log()", _positive),
        LearnerOp("sqrt", 1, "sqrt", lambda a: a.sqrt(), "a.sqrt()", _positive),
        LearnerOp("sin", 1, "sin", lambda a: a.sin(), "a.sin()"),
        LearnerOp("cos", 1, "cos", lambda a: a.cos(), "a.cos()"),
        LearnerOp("relu", 1, "relu", lambda a: a.relu(), "a.relu()", kink=0.0, slopes=(0.0, 1.0)),
    ]
}

# Numbers on either side: these fail when a class defines ``*`` but not ``__rmul__``, or does
# not wrap a plain number into a Value, or when the mirrored method has code of its own.
REFLECTED_OPS = {
    op.name: op
    for op in [
        LearnerOp("radd", 1, "__radd__", lambda a: 2.0 + a, "2 + a", needs="add",
                  twin=(2.0, "add", (1, 0))),
        LearnerOp("rmul", 1, "__rmul__", lambda a: 2.0 * a, "2 * a", needs="mul",
                  twin=(2.0, "mul", (1, 0))),
        LearnerOp("rsub", 1, "__rsub__", lambda a: 2.0 - a, "2 - a", needs="sub",
                  twin=(2.0, "sub", (1, 0))),
        LearnerOp("rdiv", 1, "__rtruediv__", lambda a: 2.0 / a, "2 / a", _away, needs="div",
                  twin=(2.0, "div", (1, 0))),
        LearnerOp("sum", 2, "__radd__", lambda a, b: sum([a, b]), "sum([a, b])", needs="add"),
        LearnerOp("addnum", 1, "__add__", lambda a: a + 2.0, "a + 2", needs="add",
                  twin=(2.0, "add", (0, 1))),
        LearnerOp("mulnum", 1, "__mul__", lambda a: a * 2.0, "a * 2", needs="mul",
                  twin=(2.0, "mul", (0, 1))),
    ]
}  # fmt: skip

ALL_OPS = {**LEARNER_OPS, **REFLECTED_OPS}
# The rows check_engine judges (the learner spec keyed by row); rows not here are in
# LEFT_OUT with the reason.
LEARNER_ROWS: frozenset[Primitive] = frozenset(op.row for op in LEARNER_OPS.values())
_NOT_JUDGED = "not in the micrograd-style engines check_engine judges"
LEFT_OUT: dict[str, str] = {
    "powv": "check_engine asks for x ** number (square, cube, root, inverse) only",
    "leaky_relu": _NOT_JUDGED,
    "softplus": _NOT_JUDGED,
    "abs": _NOT_JUDGED,
    "max": _NOT_JUDGED,
    "min": _NOT_JUDGED,
    "clamp": _NOT_JUDGED,
    "tan": _NOT_JUDGED,
    "identity": "a node of autograd.func's own, no user operation",
}

# The learner's operations the judge builds its graphs with, in the order it prefers them:
# binary ones for the inner steps of a probe, the ones that pass a gradient on to a node used
# twice, and the ones whose derivative is not 1 (so leaving out.grad out shows) first.
INNER = ("mul", "add", "sub", "div")
JOINS = ("add", "mul", "sub")
SCALES = ("mul", "div", "sub", "add")
FIRST = "mul"  # judged first: the other operations' larger graphs multiply by 3


@dataclass(frozen=True)
class Spec:
    """A graph: leaves, then steps ``(op name, operand indices)``; the last step is the root.

    >>> s = Spec((1.5,), (("add", (0, 0)),))
    >>> s.build(Value).data, s.text()
    (3.0, 'a = 1.5\\nb = a + a = 3')
    """

    leaves: tuple[float, ...]
    steps: tuple[tuple[str, tuple[int, ...]], ...]

    def build(self, cls: Any, nodes: list[Any] | None = None) -> Any:
        """The root, built from ``cls(x)`` leaves; ``nodes`` receives every node in order.

        >>> Spec((2.0,), (("square", (0,)),)).build(Value).data
        4.0
        """
        made = nodes if nodes is not None else []
        made += [cls(x) for x in self.leaves]
        for name, args in self.steps:
            made.append(ALL_OPS[name].apply(*(made[i] for i in args)))
        return made[-1]

    def oracle(self) -> tuple[Value, list[Value]]:
        """This engine's graph, leaves labelled a, b, ...; (root, leaves).

        >>> root, leaves = Spec((2.0, 3.0), (("mul", (0, 1)),)).oracle()
        >>> root.data, [v.label for v in leaves]
        (6.0, ['a', 'b'])
        """
        leaves = [Value(x, label) for x, label in zip(self.leaves, LETTERS, strict=False)]
        nodes: list[Any] = list(leaves)
        for name, args in self.steps:
            nodes.append(ALL_OPS[name].apply(*(nodes[i] for i in args)))
        return nodes[-1], leaves

    def to_json(self) -> dict[str, Any]:
        """The graph as plain data, for the child process.

        >>> Spec((1.5,), (("add", (0, 0)),)).to_json()
        {'leaves': [1.5], 'steps': [['add', [0, 0]]]}
        """
        return {"leaves": list(self.leaves), "steps": [[n, list(a)] for n, a in self.steps]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Spec:
        """The graph back from ``to_json``; unknown operations are refused.

        >>> Spec.from_json({"leaves": [1.5], "steps": [["add", [0, 0]]]})
        Spec(leaves=(1.5,), steps=(('add', (0, 0)),))
        """
        steps = tuple((str(n), tuple(int(i) for i in a)) for n, a in data["steps"])
        if any(n not in ALL_OPS for n, _ in steps):
            raise ValueError(f"unknown operation in {steps!r}")
        return cls(tuple(float(x) for x in data["leaves"]), steps)

    def names(self) -> list[str]:
        """The letter of every node: the leaves first, then the steps in order.

        >>> Spec((1.0, 2.0), (("add", (0, 1)),)).names()
        ['a', 'b', 'c']
        """
        return list(LETTERS[: len(self.leaves) + len(self.steps)])

    def text(self) -> str:
        """The graph as the steppers write it: one line per node, with its value.

        >>> print(Spec((0.5,), (("tanh", (0,)),)).text())
        a = 0.5
        b = tanh(a) = 0.4621
        """
        nodes: list[Any] = []
        root = self.build(Value, nodes)
        names = node_names(forward_order(root))  # constants inside an operation: their values
        names.update(zip(nodes, LETTERS, strict=False))
        leaves = nodes[: len(self.leaves)]
        lines = [f"{names[v]} = {fmt(v.data)}" for v in leaves]
        lines += [
            f"{names[v]} = {expression(v, names)} = {fmt(v.data)}" for v in _made(nodes, leaves)
        ]
        return "\n".join(lines)

    def ops(self) -> set[str]:
        """The operations the graph uses.

        >>> Spec((0.5,), (("tanh", (0,)), ("add", (1, 0)))).ops() == {"tanh", "add"}
        True
        """
        return {name for name, _ in self.steps}


def _made(nodes: list[Any], leaves: list[Any]) -> list[Any]:
    """The nodes the steps made, in order, each once (``sum`` makes two: ``0 + a``, then
    ``+ b``, and only the last is a step's), with what they made inside on the way."""
    seen = set(map(id, leaves))
    made = []
    for v in nodes[len(leaves) :]:
        for u in forward_order(v):
            if id(u) not in seen and not u.is_leaf:
                seen.add(id(u))
                made.append(u)
    return made


def chain(depth: int, cls: Any, op: str) -> Any:
    """A chain of ``depth`` nodes ``x -> op(x, x0) -> ...`` built without recursion.

    >>> chain(3, Value, "add").data
    3.0
    """
    x0 = cls(1.0)
    x = x0
    learner_op = LEARNER_OPS[op]
    for _ in range(depth - 1):
        x = learner_op.apply(x, x0) if learner_op.arity == 2 else learner_op.apply(x)
    return x


def number(x: object) -> float | None:
    """``x`` as a float when it is a real number (int, float, NumPy scalar or 0-d array), else
    None.

    >>> number(2), number(True), number("2"), number(None)
    (2.0, 1.0, None, None)
    """
    if isinstance(x, numbers.Real):
        return float(x)
    if getattr(x, "shape", None) == () and hasattr(x, "item"):  # a 0-d NumPy array
        item = x.item()
        return float(item) if isinstance(item, numbers.Real) else None
    return None


def close(got: float, want: float) -> bool:
    """Equal up to rounding (relative 1e-6, absolute 1e-7); nan matches nan, inf its own sign.

    >>> close(1.0, 1.0 + 1e-9), close(1.0, 1.1), close(math.nan, math.nan)
    (True, False, True)
    """
    if math.isnan(want) or math.isnan(got):
        return math.isnan(want) and math.isnan(got)
    if math.isinf(want) or math.isinf(got):
        return got == want
    return abs(got - want) <= 1e-7 + 1e-6 * abs(want)
