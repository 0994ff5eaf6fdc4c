"""Running a learner's code safely, and the small graphs ``check_engine`` builds with it.

Learner code may raise anything, loop forever or recurse too deep. Every call goes through
:func:`guarded`: it runs in a fresh thread (so a recursion limit is met at the same depth on
every run), under a time limit, and comes back as an :class:`Outcome` instead of an exception.
Where Python has no threads (Pyodide, in the browser), it runs in the caller's thread instead,
stopped at the time limit by a trace function (a recursive backward then fails a little sooner,
by the depth of the caller's stack).

A graph is a :class:`Spec`: leaf values and steps ``(operation, operand indices)``, built the
same way with the learner's class and with this engine's ``Value`` (the oracle).
"""

from __future__ import annotations

import ctypes
import math
import numbers
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.value import Value
from ..viz.dot import forward_order
from ..viz.names import expression, node_names
from ..viz.style import fmt

_PACKAGE = str(Path(__file__).resolve().parent.parent)
TIME_LIMIT = 2.0  # seconds for one call into learner code
HANG = "runs out of time"  # the kind of failure a call that ran out of time is reported as
# Pyodide and WASI builds of CPython cannot start threads ("can't start new thread").
THREADS = sys.platform not in ("emscripten", "wasi")


class TimeLimit(BaseException):
    """Raised inside a learner call that ran out of time (a BaseException, so that learner code
    catching ``Exception`` cannot swallow it).

    >>> issubclass(TimeLimit, Exception)
    False
    """


@dataclass
class Outcome:
    """What a guarded call gave: ``value``, or ``error`` (a sentence), ``hung`` when it ran out
    of time, ``recursion`` when it raised RecursionError (with the function that recursed).

    >>> Outcome(value=3).ok, Outcome(error="boom").ok
    (True, False)
    """

    value: Any = None
    error: str = ""
    hung: bool = False
    recursion: str = ""

    @property
    def ok(self) -> bool:
        """True when the call returned.

        >>> guarded(lambda: None).ok
        True
        """
        return not self.error


def _describe(e: BaseException) -> tuple[str, str]:
    """The exception as one line (with the learner's function and line where it happened) and,
    for a RecursionError, the function that recursed most."""
    # the learner's frames only: not Python's import machinery, not this package's own
    frames = [
        f
        for f in traceback.extract_tb(e.__traceback__)
        if not f.filename.startswith(("<frozen ", _PACKAGE))
    ]
    where = f" (in {frames[-1].name}, line {frames[-1].lineno})" if frames else ""
    message = str(e).splitlines()[0][:160] if str(e) else ""
    recursed = ""
    if isinstance(e, RecursionError) and frames:
        counts: dict[str, int] = {}
        for f in frames:
            counts[f.name] = counts.get(f.name, 0) + 1
        recursed = max(counts, key=lambda k: counts[k])
    return f"{type(e).__name__}{': ' + message if message else ''}{where}", recursed


def guarded(fn: Callable[[], Any], limit: float = TIME_LIMIT) -> Outcome:
    """Call ``fn()`` in a fresh thread (in this one where there are no threads) with a time
    limit; every exception becomes an Outcome naming the function and line it came from.

    >>> guarded(lambda: 1 + 1).value
    2
    >>> guarded(lambda: 1 / 0).error
    'ZeroDivisionError: division by zero (in <lambda>, line 1)'
    >>> def spin():
    ...     while True:
    ...         pass
    >>> guarded(spin, limit=0.2).hung
    True
    """
    box: list[Outcome] = []

    def run() -> None:
        try:
            box.append(Outcome(value=fn()))
        except TimeLimit:
            box.append(Outcome(error=f"did not finish within {limit:g} s", hung=True))
        except BaseException as e:  # learner code may raise anything, SystemExit included
            error, recursed = _describe(e)
            box.append(Outcome(error=error, recursion=recursed))

    (_in_a_thread if THREADS else _in_this_thread)(run, limit)
    if not box:
        return Outcome(error=f"did not finish within {limit:g} s", hung=True)
    return box[0]


def _in_a_thread(run: Callable[[], None], limit: float) -> None:
    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(limit)
    if worker.is_alive() and worker.ident is not None:
        # Stop a pure-Python loop by raising TimeLimit in it; code stuck inside C is left behind
        # (a daemon thread, so it never keeps the program alive).
        ctypes.pythonapi.PyThreadState_SetAsyncExc(
            ctypes.c_ulong(worker.ident), ctypes.py_object(TimeLimit)
        )
        worker.join(0.5)


def _in_this_thread(run: Callable[[], None], limit: float) -> None:
    """``run()`` here, for Python without threads: a trace function raises TimeLimit in the
    learner's code once the time is up (Python then drops the trace function, so it fires once).
    The recursion limit is left as it is, so the learner's code meets it sooner than in a fresh
    thread, by the depth of the caller's stack."""
    deadline = time.monotonic() + limit

    def tick(frame: Any, event: str, arg: Any) -> Any:
        if time.monotonic() > deadline:
            raise TimeLimit
        return tick

    trace = sys.gettrace()
    sys.settrace(tick)
    try:
        run()
    except TimeLimit:  # raised outside the learner's call, in run() itself: the box stays empty
        pass
    finally:
        sys.settrace(trace)


def number(x: object) -> float | None:
    """``x`` as a float when it is a real number (int, float, NumPy scalar), else None.

    >>> number(2), number(True), number("2"), number(None)
    (2.0, 1.0, None, None)
    """
    return float(x) if isinstance(x, numbers.Real) else None


def close(got: float, want: float) -> bool:
    """Equal up to rounding (relative 1e-6, absolute 1e-7); nan matches nan.

    >>> close(1.0, 1.0 + 1e-9), close(1.0, 1.1), close(math.nan, math.nan)
    (True, False, True)
    """
    if math.isnan(want) or math.isnan(got):
        return math.isnan(want) and math.isnan(got)
    return abs(got - want) <= 1e-7 + 1e-6 * abs(want)


@dataclass(frozen=True)
class Op:
    """An operation a learner's class may define: ``method`` is what it needs, ``apply`` how it
    is called (the same on both engines), ``text`` how the report writes it, ``domain`` where
    its operands may lie, ``kink`` an input where any slope between ``slopes`` is right.

    >>> OPS["mul"].apply(Value(2.0), Value(3.0)).data
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
    needs: str = ""  # the operation a reflected one mirrors


def _anywhere(*xs: float) -> bool:
    return True


def _away(x: float) -> bool:
    return abs(x) >= 0.2


OPS = {
    op.name: op
    for op in [
        Op("add", 2, "__add__", lambda a, b: a + b, "a + b"),
        Op("sub", 2, "__sub__", lambda a, b: a - b, "a - b"),
        Op("mul", 2, "__mul__", lambda a, b: a * b, "a * b"),
        Op("div", 2, "__truediv__", lambda a, b: a / b, "a / b", lambda a, b: _away(b)),
        Op("neg", 1, "__neg__", lambda a: -a, "-a"),
        Op("square", 1, "__pow__", lambda a: a**2, "a ** 2"),
        Op("cube", 1, "__pow__", lambda a: a**3, "a ** 3"),
        Op("tanh", 1, "tanh", lambda a: a.tanh(), "a.tanh()"),
        Op("sigmoid", 1, "sigmoid", lambda a: a.sigmoid(), "a.sigmoid()"),
        Op("exp", 1, "exp", lambda a: a.exp(), "a.exp()", lambda a: a < 5),
        Op("log", 1, "log", lambda a: a.log(), "a.log()", lambda a: a > 0.2),
        Op("sqrt", 1, "sqrt", lambda a: a.sqrt(), "a.sqrt()", lambda a: a > 0.2),
        Op("sin", 1, "sin", lambda a: a.sin(), "a.sin()"),
        Op("cos", 1, "cos", lambda a: a.cos(), "a.cos()"),
        Op("relu", 1, "relu", lambda a: a.relu(), "a.relu()", kink=0.0, slopes=(0.0, 1.0)),
    ]
}

# Numbers on either side: these fail when a class defines ``*`` but not ``__rmul__``, or does
# not wrap a plain number into a Value.
MIXED = {
    op.name: op
    for op in [
        Op("radd", 1, "__radd__", lambda a: 2.0 + a, "2 + a", needs="add"),
        Op("rmul", 1, "__rmul__", lambda a: 2.0 * a, "2 * a", needs="mul"),
        Op("rsub", 1, "__rsub__", lambda a: 2.0 - a, "2 - a", needs="sub"),
        Op("rdiv", 1, "__rtruediv__", lambda a: 2.0 / a, "2 / a", _away, needs="div"),
        Op("sum", 2, "__radd__", lambda a, b: sum([a, b]), "sum([a, b])", needs="add"),
        Op("addnum", 1, "__add__", lambda a: a + 2.0, "a + 2", needs="add"),
        Op("mulnum", 1, "__mul__", lambda a: a * 2.0, "a * 2", needs="mul"),
    ]
}


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
            op = OPS.get(name) or MIXED[name]
            made.append(op.apply(*(made[i] for i in args)))
        return made[-1]

    def oracle(self) -> tuple[Value, list[Value]]:
        """This engine's graph, leaves labelled a, b, ...; (root, leaves).

        >>> root, leaves = Spec((2.0, 3.0), (("mul", (0, 1)),)).oracle()
        >>> root.data, [v.label for v in leaves]
        (6.0, ['a', 'b'])
        """
        leaves = [Value(x, label) for x, label in zip(self.leaves, "abcdefgh", strict=False)]
        nodes: list[Any] = list(leaves)
        for name, args in self.steps:
            op = OPS.get(name) or MIXED[name]
            nodes.append(op.apply(*(nodes[i] for i in args)))
        return nodes[-1], leaves

    def text(self) -> str:
        """The graph as the steppers write it: one line per node, with its value.

        >>> print(Spec((0.5,), (("tanh", (0,)),)).text())
        a = 0.5
        b = tanh(a) = 0.4621
        """
        root, leaves = self.oracle()
        order = forward_order(root)
        names = node_names(order)
        nodes = [v for v in order if v.op != "const"]
        letters = iter("abcdefghijklmnopqrstuvwxyz"[len(leaves) :])
        for v in nodes:  # the steps get the next letters after the leaves, as learners write
            if not v.is_leaf:
                names[v] = next(letters, names[v])
        lines = [f"{names[v]} = {fmt(v.data)}" for v in leaves]
        lines += [f"{names[v]} = {expression(v, names)} = {fmt(v.data)}" for v in nodes if v.op]
        return "\n".join(lines)

    def ops(self) -> set[str]:
        """The operations the graph uses.

        >>> Spec((0.5,), (("tanh", (0,)), ("add", (1, 0)))).ops() == {"tanh", "add"}
        True
        """
        return {name for name, _ in self.steps}


def chain(depth: int, cls: Any, op: str) -> Any:
    """A chain of ``depth`` nodes ``x -> op(x, x0) -> ...`` built without recursion.

    >>> chain(3, Value, "add").data
    3.0
    """
    x0 = cls(1.0)
    x = x0
    for _ in range(depth - 1):
        x = OPS[op].apply(x, x0) if OPS[op].arity == 2 else OPS[op].apply(x)
    return x


def defines(cls: Any, op: Op) -> bool:
    """Whether the learner's class defines what ``op`` needs (a method of its own or inherited,
    never ``object``'s).

    >>> defines(Value, OPS["tanh"]), defines(int, OPS["tanh"])
    (True, False)
    """
    found = getattr(cls, op.method, None)
    return found is not None and found is not getattr(object, op.method, None)
