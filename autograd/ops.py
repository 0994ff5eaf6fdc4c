"""The operation table: every primitive's forward rule beside its local derivatives."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypedDict, Union

if TYPE_CHECKING:
    from .engine import Op, Value

Rule = Union[str, Callable[..., Any]]  # a callable rule returns a float, or a Value
Interval = tuple[float, float]


class CompiledFunctions(TypedDict, total=False):
    """What the engine stores in ``Primitive.compiled`` (see ``rules.compile_primitive``).

    >>> sorted(OPS["tanh"].compiled), sorted(OPS["mul"].compiled)
    (['make', 'method', 'op', 'source'], ['make', 'method', 'op', 'rmake', 'source'])
    """

    make: Callable[..., Value]  # forward: operands (and params) to a new node
    method: Callable[..., Value]  # the same with the first operand known to be a Value
    rmake: Callable[..., Value]  # reflected operator (binary primitives without params)
    source: str  # the generated Python source, for reading
    op: Op  # the Op that nodes made by this primitive refer to


@dataclass
class Primitive:
    """One differentiable operation.

    ``forward`` computes the output from plain floats; ``derivatives`` holds one local derivative
    per input (d out / d input). A rule is either a short Python expression over the input names,
    ``out`` (the forward result) and the parameters, or a callable taking the inputs. The engine
    compiles each rule twice: once over floats (the fast first-order backward) and once over
    ``Value`` objects (differentiable derivatives, for higher order), so one rule serves both.

    The remaining fields are for people and for the test suite: ``formula`` is the mathematical
    definition in sympy syntax (the symbolic oracle), ``domain`` says in words where the operation
    is defined, ``sample`` gives per-input intervals inside the domain and away from kinks and
    overflow, ``param_samples`` gives test values for each parameter, and ``kinks`` documents the
    derivative chosen where the function is not differentiable.

    >>> mul = OPS["mul"]
    >>> mul.inputs, mul.forward, mul.derivatives
    (('x', 'y'), 'x * y', ('y', 'x'))
    """

    name: str
    inputs: tuple[str, ...]
    forward: Rule
    derivatives: tuple[Rule, ...]
    params: tuple[str, ...] = ()
    formula: str | None = None
    domain: str = "all real numbers"
    sample: tuple[tuple[Interval, ...], ...] = ()
    param_samples: tuple[tuple[float, ...], ...] = ()
    kinks: str = ""
    doc: str = ""
    # A machine check of ``domain`` over float inputs (user primitives), used by the forward and
    # by autograd.testing.strategies; None when ``sample`` intervals already stay inside it.
    in_domain: Callable[..., bool] | None = field(default=None, repr=False, compare=False)
    # Filled in by the engine when it compiles the table (see engine.compile_primitive).
    compiled: CompiledFunctions = field(
        default_factory=CompiledFunctions, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        if len(self.derivatives) != len(self.inputs):
            raise ValueError(
                f"primitive {self.name!r}: {len(self.inputs)} inputs but "
                f"{len(self.derivatives)} derivative rules"
            )


# Interval helpers for the test samples: keep clear of kinks, poles and overflow.
ANY = ((-3.0, 3.0),)
POS = ((0.05, 5.0),)
NONZERO = ((-4.0, -0.2), (0.2, 4.0))


def _p(
    name: str, inputs: Iterable[str], forward: Rule, derivatives: Iterable[Rule], **kw: Any
) -> Primitive:
    return Primitive(name, tuple(inputs), forward, tuple(derivatives), **kw)


#   name           inputs        forward (floats)                 d out / d input, per input
TABLE: list[Primitive] = [
    _p("add", "xy", "x + y", ["1", "1"], sample=(ANY, ANY)),
    _p("sub", "xy", "x - y", ["1", "-1"], sample=(ANY, ANY)),
    _p("mul", "xy", "x * y", ["y", "x"], sample=(ANY, ANY)),
    _p("div", "xy", "x / y", ["1 / y", "-out / y"], domain="y != 0", sample=(ANY, NONZERO)),
    _p("neg", "x", "-x", ["-1"], sample=(ANY,)),
    # x ** k for a constant k: a negative base needs an integer k, and 0 ** k needs k >= 0.
    # The derivative at x = 0 for k < 1 is infinite, as in PyTorch (pow_grad keeps it total).
    _p(
        "pow",
        "x",
        "powf(x, k)",
        ["k * pow_grad(x, k - 1)"],
        params=("k",),
        formula="x**k",
        domain="x >= 0, or an integer k; x != 0 when k < 0",
        sample=(POS,),
        param_samples=((-2.5, -1.0, 0.5, 2.0, 3.0),),
    ),
    # x ** y with both differentiable: the base must be positive, since d/dy = out * log(x).
    _p(
        "powv",
        "xy",
        "powv(x, y)",
        ["y * pow_grad(x, y - 1)", "xlogy(out, x)"],
        formula="x**y",
        domain="x > 0 (x = 0 needs y > 0)",
        sample=(POS, ((-2.0, 2.0),)),
    ),
    _p(
        "abs",
        "x",
        "abs(x)",
        ["sign(x)"],
        formula="Abs(x)",
        sample=(NONZERO,),
        kinks="abs'(0) = 0, as in PyTorch",
    ),
    _p("exp", "x", "exp(x)", ["out"], domain="x <= 709.78", sample=(ANY,)),
    _p("log", "x", "log(x)", ["1 / x"], domain="x > 0", sample=(POS,)),
    _p(
        "sqrt",
        "x",
        "sqrt(x)",
        ["0.5 * recip(out)"],
        domain="x >= 0",
        sample=(POS,),
        kinks="sqrt'(0) = +inf, as in PyTorch",
    ),
    _p("tanh", "x", "tanh(x)", ["1 - out * out"], sample=(ANY,)),
    _p(
        "sigmoid",
        "x",
        "sigmoid(x)",
        ["out * (1 - out)"],
        formula="1 / (1 + exp(-x))",
        sample=(ANY,),
        doc="numerically stable for large |x|",
    ),
    _p(
        "relu",
        "x",
        "x if x > 0 else 0.0",
        ["1.0 if x > 0 else 0.0"],
        formula="Max(0, x)",
        sample=(NONZERO,),
        kinks="relu'(0) = 0, as in PyTorch",
    ),
    _p(
        "leaky_relu",
        "x",
        "x if x > 0 else slope * x",
        ["1.0 if x > 0 else slope"],
        params=("slope",),
        formula="Piecewise((x, x > 0), (slope * x, True))",
        sample=(NONZERO,),
        param_samples=((0.01, 0.2),),
        kinks="leaky_relu'(0) = slope, as in PyTorch",
    ),
    _p(
        "softplus",
        "x",
        "softplus(x)",
        ["sigmoid(x)"],
        formula="log(1 + exp(x))",
        sample=(ANY,),
        doc="numerically stable for large |x|",
    ),
    _p("sin", "x", "sin(x)", ["cos(x)"], domain="finite x", sample=(ANY,)),
    _p("cos", "x", "cos(x)", ["-sin(x)"], domain="finite x", sample=(ANY,)),
]

OPS: dict[str, Primitive] = {p.name: p for p in TABLE}


# ----------------------------------------------------------------------------------------------
# Float helpers the rules above use. Each has a Value twin in the engine, so one rule text
# works over floats and over Values. The float versions keep derivatives total (no exception in
# the middle of a backward pass) at the edges of an operation's domain.


def sigmoid(x: float) -> float:
    """1 / (1 + e^-x) without overflow for any float x.

    >>> sigmoid(0.0), sigmoid(-1000.0), sigmoid(1000.0)
    (0.5, 0.0, 1.0)
    """
    # Two branches so exp never overflows: exp(-|x|) <= 1.
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def softplus(x: float) -> float:
    """log(1 + e^x) without overflow for any float x.

    >>> softplus(0.0) == math.log(2.0), softplus(1000.0), softplus(-1000.0)
    (True, 1000.0, 0.0)
    """
    # log(1 + e^x) = max(x, 0) + log1p(e^-|x|), exact and overflow-free for any x.
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


def powf(x: float, k: float) -> float:
    """x ** k over the reals: refuses what would silently become a complex number.

    >>> powf(4.0, 0.5), powf(-2.0, 3.0)
    (2.0, -8.0)
    >>> powf(-2.0, 0.5)
    Traceback (most recent call last):
    ...
    ValueError: a negative base to a non-integer power has no real value
    """
    if x < 0 and k != int(k):
        raise ValueError("a negative base to a non-integer power has no real value")
    return x**k


def powv(x: float, y: float) -> float:
    """x ** y when both are differentiable: d/dy = out * log(x) needs x > 0 (or 0 ** y, y > 0).

    >>> powv(2.0, 3.0), powv(0.0, 2.0)
    (8.0, 0.0)
    >>> powv(0.0, -1.0)
    Traceback (most recent call last):
    ...
    ZeroDivisionError: 0 to a power <= 0 has no derivative with respect to the power
    """
    if x < 0:
        raise ValueError("the base must be >= 0 when the exponent is a Value (d/dy needs log(x))")
    if x == 0 and y <= 0:
        raise ZeroDivisionError("0 to a power <= 0 has no derivative with respect to the power")
    return x**y


def pow_grad(x: float, k: float) -> float:
    """x ** k for a derivative rule: +inf at x = 0 with k < 0, where plain ** would raise.

    >>> pow_grad(0.0, -0.5), pow_grad(4.0, -0.5)
    (inf, 0.5)
    """
    # x ** k where k may be negative at x = 0: +inf instead of ZeroDivisionError. The forward
    # pass already refused a negative base with a non-integer power, so no complex result here.
    if x == 0 and k < 0:
        return math.inf
    return x**k


def xlogy(x: float, y: float) -> float:
    """x * log(y), with 0 * log(0) = 0.

    >>> xlogy(0.0, 0.0), xlogy(2.0, math.e)
    (0.0, 2.0)
    """
    # x * log(y) with 0 * log(0) = 0, the limit PyTorch uses for d(0 ** y)/dy.
    return 0.0 if x == 0 else x * math.log(y)


def recip(x: float) -> float:
    """1 / x, with 1 / 0 = +inf (the slope of sqrt at 0).

    >>> recip(4.0), recip(0.0)
    (0.25, inf)
    """
    return math.inf if x == 0 else 1.0 / x


def sign(x: float) -> float:
    """-1, 0 or 1: the derivative of abs, 0 at the kink as in PyTorch.

    >>> sign(-3.0), sign(0.0), sign(2.5)
    (-1.0, 0.0, 1.0)
    """
    return 1.0 if x > 0 else (-1.0 if x < 0 else 0.0)


FLOAT_NAMESPACE: dict[str, object] = {
    "exp": math.exp,
    "log": math.log,
    "sqrt": math.sqrt,
    "tanh": math.tanh,
    "sin": math.sin,
    "cos": math.cos,
    "abs": abs,
    "sigmoid": sigmoid,
    "softplus": softplus,
    "powf": powf,
    "powv": powv,
    "pow_grad": pow_grad,
    "xlogy": xlogy,
    "recip": recip,
    "sign": sign,
}
