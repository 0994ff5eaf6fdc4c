"""What the exercises know about each operation, keyed by its row of ``autograd.ops.TABLE``.

Two catalogues, data rather than branches on names: ``MISTAKES`` holds the wrong local
derivatives learners typically use for a row (the diagnosis tries each one), and ``OPERANDS``
the friendly operand ranges and parameters the exercise generator draws for it. A row a
catalogue leaves out is in its ``LEFT_OUT`` dict with the reason; tests/core/test_catalogues.py
fails, naming the row and the catalogue, when a row of the table is in neither.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from ..core.value import Value
from ..notation import derivative_rule, fmt
from ..ops import OPS, Primitive
from .problem import Problem

__all__ = [
    "MISTAKES",
    "MISTAKES_LEFT_OUT",
    "OPERANDS",
    "OPERANDS_LEFT_OUT",
    "Friendly",
    "Mistake",
    "Site",
]


@dataclass(frozen=True)
class Site:
    """Input ``i`` of node ``c`` in exercise ``ex``, with what a mistake's value and sentence
    read: the inputs' values ``xs``, input ``i``'s value ``x``, the node's value ``out``, the
    names of input ``i`` (``me``), of the other input of a binary node (``other``, else '') and
    of the node itself (``node``).

    >>> from autograd.exercises import Exercise
    >>> ex = Exercise.from_expression("x * w", x=2.0, w=-3.0)
    >>> s = Site.of(ex, ex.root, 0)
    >>> s.x, s.out, s.me, s.other
    (2.0, -6.0, 'x', 'w')
    """

    ex: Problem
    c: Value
    i: int
    xs: list[float]
    x: float
    out: float
    me: str
    other: str
    node: str

    @classmethod
    def of(cls, ex: Problem, c: Value, i: int) -> Site:
        """The site of input ``i`` of ``c``.

        >>> from autograd.exercises import Exercise
        >>> ex = Exercise.from_expression("exp(x)", x=0.0)
        >>> Site.of(ex, ex.root, 0).other
        ''
        """
        xs = [x.data for x in c.inputs]
        other = ex.name(c.inputs[1 - i]) if len(c.inputs) == 2 else ""
        return cls(ex, c, i, xs, xs[i], c.data, ex.name(c.inputs[i]), other, ex.name(c))


@dataclass(frozen=True)
class Mistake:
    """A wrong local derivative: ``value`` computes it at a site (it may raise
    ArithmeticError or ValueError: then it is no candidate), ``says`` what it tells about the
    mistake; ``inputs`` the input positions it applies to (None: all).

    >>> m = MISTAKES[OPS["exp"]][0]
    >>> from autograd.exercises import Exercise
    >>> ex = Exercise.from_expression("exp(x)", x=2.0)
    >>> m.value(Site.of(ex, ex.root, 0)), m.says(Site.of(ex, ex.root, 0))
    (2.0, 'the derivative of e^x is e^x itself, not x.')
    """

    value: Callable[[Site], float]
    says: Callable[[Site], str]
    inputs: tuple[int, ...] | None = None


def _from_input(slope: Callable[[float], float]) -> Mistake:
    """A rule written over the output, evaluated at the input instead."""

    def says(s: Site) -> str:
        rule = derivative_rule(s.c, s.i, s.ex.names) or "the rule"
        return (
            f"the rule {rule} needs the output {s.node}, not the input {s.me}: it was "
            f"evaluated at {s.me} = {fmt(s.x)}."
        )

    return Mistake(lambda s: slope(s.x), says)


def _itself(s: Site) -> str:
    return f"{fmt(s.out)} is {s.node} itself, the {s.c.op} of {s.me}: the derivative is needed."


def _same_kind(s: Site) -> list[Value]:
    return [n for n in s.ex.order if n.operation is s.c.operation]


def _mean_slope_value(s: Site) -> float:
    same = _same_kind(s)
    if len(same) < 2:
        raise ValueError("one node of its kind: no mean over the examples")
    return statistics.fmean(s.ex.local(n, 0) for n in same)


def _mean_slope_says(s: Site) -> str:
    same = _same_kind(s)
    return (
        f"{fmt(_mean_slope_value(s))} is the mean slope of all {len(same)} {s.c.op} nodes: the "
        f"slope was applied after summing over the examples. Each example's slope belongs on "
        f"its own path: multiply by {s.ex.local_text(s.c, s.i)} before the sum."
    )


# A rule over the output (tanh, sigmoid): the output itself, or the slopes' mean over a batch.
_OUTPUT_ITSELF = Mistake(lambda s: s.out, _itself)
_MEAN_SLOPE = Mistake(_mean_slope_value, _mean_slope_says)


def _k(s: Site) -> float:
    return s.c.params[0]


# Each row's typical wrong local derivatives, tried in this order before the general ones
# (the local derivative left out, its sign wrong) that autograd.exercises.diagnose adds.
MISTAKES: Mapping[Primitive, tuple[Mistake, ...]] = MappingProxyType({
    OPS["sub"]: (
        Mistake(lambda s: 1.0, lambda s: f"{s.me} is subtracted, so its local derivative is "
                "-1, not 1.", inputs=(1,)),
    ),
    OPS["mul"]: (
        Mistake(lambda s: s.x, lambda s: f"you used {s.me}, its own value, where the rule needs "
                f"the other factor {s.other}."),
    ),
    OPS["div"]: (
        Mistake(lambda s: s.xs[1], lambda s: f"you multiplied by {s.other}; d(x/y)/dx = 1/y.",
                inputs=(0,)),
        Mistake(lambda s: -1 / (s.xs[1] * s.xs[1]),
                lambda s: "the numerator is missing: d(x/y)/dy = -x/y².", inputs=(1,)),
        Mistake(lambda s: s.xs[0] / (s.xs[1] * s.xs[1]),
                lambda s: "the minus sign is missing: d(x/y)/dy = -x/y².", inputs=(1,)),
    ),
    OPS["pow"]: (
        Mistake(lambda s: _k(s) * s.x ** _k(s), lambda s: "the power was not lowered by one: "
                f"d({s.me}^k)/d{s.me} = k·{s.me}^(k - 1)."),
        Mistake(lambda s: s.x ** (_k(s) - 1),
                lambda s: "the factor k in front is missing: k·x^(k - 1)."),
    ),
    OPS["abs"]: (
        Mistake(lambda s: s.out, lambda s: f"that is |{s.me}| itself; the derivative is the sign "
                f"of {s.me}, ±1."),
    ),
    OPS["exp"]: (
        Mistake(lambda s: s.x, lambda s: f"the derivative of e^{s.me} is e^{s.me} itself, not "
                f"{s.me}."),
    ),
    OPS["log"]: (
        Mistake(lambda s: s.out, lambda s: f"that is log({s.me}) itself; the derivative is "
                f"1/{s.me}."),
    ),
    OPS["sqrt"]: (
        Mistake(lambda s: 1 / s.out, lambda s: "the factor 1/2 is missing: d sqrt(x)/dx = "
                "1/(2 sqrt(x))."),
        Mistake(lambda s: s.out, lambda s: f"that is sqrt({s.me}) itself; the derivative is "
                f"1/(2 sqrt({s.me}))."),
    ),
    OPS["tanh"]: (
        _OUTPUT_ITSELF,
        _from_input(lambda x: 1 - x * x),
        _MEAN_SLOPE,
        Mistake(lambda s: 1 - s.out, lambda s: "the rule is 1 - out², the square is missing."),
    ),
    OPS["sigmoid"]: (_OUTPUT_ITSELF, _from_input(lambda x: x * (1 - x)), _MEAN_SLOPE),
    OPS["tan"]: (
        Mistake(lambda s: s.out, lambda s: f"that is tan({s.me}) itself; the derivative is "
                f"1 + tan({s.me})²."),
        _from_input(lambda x: 1 + x * x),
        Mistake(lambda s: 1 - s.out * s.out, lambda s: "the rule is 1 + out², not tanh's "
                "1 - out²."),
    ),
    OPS["relu"]: (
        Mistake(lambda s: 1.0 if s.x <= 0 else 0.0, lambda s: "relu passes the gradient only "
                f"where its input is > 0 here {s.me} = {fmt(s.x)}."),
    ),
    OPS["leaky_relu"]: (
        Mistake(lambda s: 1.0 if s.x <= 0 else _k(s), lambda s: "leaky_relu's slope is 1 where "
                f"its input is > 0 and {fmt(_k(s))} elsewhere; here {s.me} = {fmt(s.x)}."),
    ),
    OPS["softplus"]: (
        Mistake(lambda s: s.out, lambda s: f"that is softplus({s.me}) itself; the derivative is "
                f"sigmoid({s.me})."),
    ),
    OPS["sin"]: (
        Mistake(lambda s: -s.out, lambda s: "d sin(x)/dx = cos(x), not -sin(x)."),
    ),
    OPS["cos"]: (
        Mistake(lambda s: math.sin(s.x), lambda s: "d cos(x)/dx = -sin(x): the minus sign is "
                "missing."),
    ),
})  # fmt: skip
MISTAKES_LEFT_OUT: Mapping[str, str] = MappingProxyType({
    "add": "its local derivatives are 1: only the general mistakes apply",
    "neg": "its local derivative is -1: only the general mistakes (the sign) apply",
    "powv": "not offered in exercises: x ** y of two Values (the generator has x ** k)",
    "max": "its local derivatives are 1 or 0: only the general mistakes apply",
    "min": "its local derivatives are 1 or 0: only the general mistakes apply",
    "clamp": "its local derivative is 1 or 0: only the general mistakes apply",
    "identity": "a node of autograd.func's own, never in an exercise",
})  # fmt: skip


def _anywhere(operands: Sequence[float]) -> bool:
    return True


@dataclass(frozen=True)
class Friendly:
    """Where the exercise generator lets a row's operands lie (``operands``, a test of all of
    them at once: the values stay easy to work by hand) and the parameters it draws from
    (``params``: one tuple of choices per parameter; empty: the row's defaults or samples).
    Every row also avoids 0 when it has a kink there.

    >>> OPERANDS[OPS["div"]].operands([1.0, 0.25]), OPERANDS[OPS["pow"]].params
    (False, ((2.0, 3.0),))
    """

    operands: Callable[[Sequence[float]], bool] = field(default_factory=lambda: _anywhere)
    params: tuple[tuple[float, ...], ...] = ()


_POSITIVE = Friendly(lambda xs: xs[0] > 0)

# The rows whose exercises may use any operand the sheet draws (named one by one: a new row
# is given its range by someone deciding it, never by default).
ANY_OPERAND = (
    "add", "sub", "mul", "neg", "abs", "exp", "relu", "leaky_relu", "softplus", "sin", "cos",
    "max", "min", "clamp",
)  # fmt: skip

OPERANDS: Mapping[Primitive, Friendly] = MappingProxyType({
    **{OPS[n]: Friendly() for n in ANY_OPERAND},
    # where the curve is not flat to a float's precision (tanh(20) is the float 1.0, which the
    # sheet would ask as if it were worked out by hand)
    OPS["tanh"]: Friendly(lambda xs: abs(xs[0]) <= 6),
    OPS["sigmoid"]: Friendly(lambda xs: abs(xs[0]) <= 12),
    OPS["div"]: Friendly(lambda xs: abs(xs[1]) >= 0.5),
    OPS["pow"]: Friendly(lambda xs: abs(xs[0]) <= 6, params=((2.0, 3.0),)),
    OPS["log"]: _POSITIVE,
    OPS["sqrt"]: _POSITIVE,
    OPS["tan"]: Friendly(lambda xs: abs(xs[0]) <= 1.2),  # clear of the poles at ±π/2
})  # fmt: skip
OPERANDS_LEFT_OUT: Mapping[str, str] = MappingProxyType({
    "powv": "x ** y of two Values needs a positive base: exercises use x ** k",
    "identity": "a node of autograd.func's own, never in an exercise",
})  # fmt: skip
