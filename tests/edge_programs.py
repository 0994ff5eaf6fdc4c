"""Random straight-line programs over x and y, run on the engine or on PyTorch alike.

Shared by the tests of derivatives at zeros (test_edges.py) and of IEEE backward
(test_backward_ieee.py). The points include exact zeros (and -0.0), so that subexpressions such
as ``x - y``, ``x * 0`` or ``relu(-x)`` are exactly 0 and poles and kinks are hit.
"""

from __future__ import annotations

import math
import operator
from typing import Any

from hypothesis import strategies as st

from autograd import Value
from autograd.ops import OPS, TABLE, Primitive
from autograd.testing.operations import apply

# The operations come from the registry: every unary row with a PyTorch reference (x ** k is a
# kind of step of its own, with the exponents below), and the arithmetic of two operands.
UNARY = [p.name for p in TABLE if p.meta.torch and len(p.inputs) == 1 and p is not OPS["pow"]]
BINARY = ["add", "sub", "mul"]


def params(p: Primitive) -> tuple[float, ...]:
    """A row's parameters in these programs: its largest test values (leaky_relu's slope 0.2,
    clamp to [-1, 1]), else its defaults."""
    return tuple(max(s) for s in p.param_samples) or p.param_defaults


EXPONENTS = [0.0, 1.0, 2.0, 3.0, 4.0, 0.5, 1.5, 2.5, -1.0, -2.0]
EDGE_POINTS = [0.0, -0.0, 1.0, -1.0, 0.5, 2.0, -2.0, 0.25]
CONSTANTS = [0.0, 1.0, -1.0, 2.0]

Step = tuple[Any, ...]


@st.composite
def programs(
    draw: Any, max_steps: int = 6, unary: list[str] = UNARY, exponents: list[float] = EXPONENTS
) -> list[Step]:
    """Steps ``(op, operand indices, param)``; slots 0 and 1 are x and y, then one per step."""
    steps: list[Step] = []
    for i in range(draw(st.integers(1, max_steps))):
        n = 2 + i
        kind = draw(st.sampled_from(["unary", "binary", "pow", "const"]))
        a = draw(st.integers(0, n - 1))
        if kind == "unary":
            steps.append((draw(st.sampled_from(unary)), (a,), None))
        elif kind == "binary":
            steps.append((draw(st.sampled_from(BINARY)), (a, draw(st.integers(0, n - 1))), None))
        elif kind == "pow":
            steps.append(("pow", (a,), draw(st.sampled_from(exponents))))
        else:  # an operation with a constant: x * 0, x - 1, ...
            op = draw(st.sampled_from(BINARY))
            steps.append((op + "_const", (a,), draw(st.sampled_from(CONSTANTS))))
    return steps


def run_engine(steps: list[Step], x: Value, y: Value) -> Value:
    slots: list[Value] = [x, y]
    for op, args, param in steps:
        a = slots[args[0]]
        if op == "pow":
            out = a**param
        elif op.endswith("_const"):
            out = {"add": a + param, "sub": a - param, "mul": a * param}[op[:-6]]
        elif op in BINARY:
            b = slots[args[1]]
            out = {"add": a + b, "sub": a - b, "mul": a * b}[op]
        else:
            out = apply(OPS[op], [a], params(OPS[op]))
        slots.append(out)
    return slots[-1]


def fractional_power_of_negative_zero(steps: list[Step], x0: float, y0: float) -> bool:
    """True if some ``a ** k`` with a fractional k meets a = -0.0.

    There IEEE ``pow`` (the engine) gives +0.0 and a slope of +inf, while PyTorch computes
    ``a ** 0.5`` as ``sqrt(a)``: -0.0 and -inf. ``sqrt(-0.0)`` itself agrees (docs/faq.md).
    """
    slots = [Value(x0), Value(y0)]
    for op, args, param in steps:
        a = slots[args[0]].data
        if op == "pow" and param != int(param) and a == 0 and math.copysign(1.0, a) < 0:
            return True
        slots.append(run_engine([(op, tuple(range(len(args))), param)], *_pair(slots, args)))
    return False


def _pair(slots: list[Value], args: tuple[int, ...]) -> tuple[Value, Value]:
    first = slots[args[0]]
    return first, slots[args[1]] if len(args) > 1 else first


def run_torch(torch: Any, steps: list[Step], x: Any, y: Any) -> Any:
    slots = [x, y]
    for op, args, param in steps:
        a = slots[args[0]]
        if op == "pow":
            out = a**param
        elif op.endswith("_const"):
            out = {"add": a + param, "sub": a - param, "mul": a * param}[op[:-6]]
        elif op in BINARY:
            b = slots[args[1]]
            out = {"add": a + b, "sub": a - b, "mul": a * b}[op]
        else:
            p = OPS[op]
            out = operator.attrgetter(p.meta.torch.removeprefix("torch."))(torch)(a, *params(p))
        slots.append(out)
    return slots[-1]


def same(a: float, b: float, rel: float = 1e-9, tol: float = 1e-12) -> bool:
    """Equal as IEEE results: both nan, the same infinity, or close finite numbers (``tol``
    absolute, for sums that cancel to a rounding error of either sign)."""
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= rel * max(abs(a), abs(b)) + tol


def identical(a: float, b: float) -> bool:
    """Bit for bit (nan equals nan; 0.0 and -0.0 are not told apart)."""
    return (math.isnan(a) and math.isnan(b)) or a == b
