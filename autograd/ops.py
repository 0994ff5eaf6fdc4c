"""The operation table: every primitive's forward rule beside its local derivatives.

One row per operation, and the row is the single source of everything the project knows about
it: ``autograd.generate`` writes the ``Value`` method and the backward function from it, the
method's docstring (with its example) is ``doc``, drawings and the stepper show ``symbol``, the
``graph`` command's expression language calls every row that has a plain method name,
``autograd.compile`` writes its rules into generated code, and the test suite checks ``formula``
with sympy and the derivatives on ``sample``. ``describe(name)`` shows a row as a learner reads
it. This module imports nothing from the rest of the package: it is data and float arithmetic.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Union

Rule = Union[str, Callable[..., Any]]  # a callable rule returns a float, or a Value
Interval = tuple[float, float]


@dataclass(frozen=True)
class Display:
    """How drawings, steppers and exercises write an operation.

    ``infix`` is written between the operands (``a × b``); ``form`` is a template for other
    notation (``{0}``, ``{1}`` the operands, ``{base}`` the first in parentheses when it is
    negative, ``{p0}`` the first parameter), and without either the operation reads as a call,
    ``tanh(a)``. ``precedence`` says how tightly the written form binds (0 a call, 1 a sum, 2 a
    product, 3 a negation, 4 a power); ``associative`` False means a right operand of the same
    precedence needs parentheses (``a − (b − c)``). ``in_rules`` is how a call of the row's
    function inside a derivative rule reads (``recip(y)`` as ``1/y``); ``dead_at_zero`` marks an
    activation whose 0 output passes no gradient (drawings label such a node "dead").

    >>> OPS["sub"].meta.display.infix, OPS["sub"].meta.display.associative
    ('−', False)
    """

    infix: str = ""
    form: str = ""
    precedence: int = 0
    associative: bool = True
    in_rules: str = ""
    dead_at_zero: bool = False  # a 0 output passes no gradient back: drawings say "dead"


@dataclass(frozen=True)
class Meta:
    """What is said about an operation rather than computed: how it is written (``display``)
    and the PyTorch function that computes the same (``torch``, a dotted name, or None).

    >>> OPS["softplus"].meta.torch
    'torch.nn.functional.softplus'
    """

    display: Display = Display()
    torch: str | None = None


@dataclass(eq=False)
class Primitive:
    """One differentiable operation.

    ``forward`` computes the output from plain floats; ``derivatives`` holds one local derivative
    per input (d out / d input). A rule is either a short Python expression over the input names,
    ``out`` (the forward result) and the parameters, or a callable taking the inputs. The engine
    compiles each rule twice: once over floats (the fast first-order backward) and once over
    ``Value`` objects (differentiable derivatives, for higher order), so one rule serves both.

    How the operation reaches people: ``method`` is its name on ``Value`` (``""`` means the
    row's name, ``None`` no method, ``"__add__"`` an operator, with ``reflected`` for ``2 + v``);
    ``param_defaults`` are defaults for trailing parameters; ``doc`` is the method's docstring;
    ``symbol`` is what drawings show (``meta`` says how formulas write it and its PyTorch
    name); ``activation`` marks a neuron's non-linearity, for grouping
    in drawings. For checking it: ``formula`` is the definition in sympy syntax (the symbolic
    oracle), ``domain`` says in words where the operation is defined, ``sample`` gives per-input
    intervals inside the domain and away from kinks and overflow, ``param_samples`` test values
    for each parameter, and ``kinks`` the derivative chosen where there is none. ``float_fn``,
    ``ieee_fn`` and ``never_raises`` describe the function a rule calls for this row.

    >>> mul = OPS["mul"]
    >>> mul.inputs, mul.forward, mul.derivatives, mul.method
    (('x', 'y'), 'x * y', ('y', 'x'), '__mul__')
    """

    name: str
    inputs: tuple[str, ...]
    forward: Rule
    derivatives: tuple[Rule, ...]
    params: tuple[str, ...] = ()
    param_defaults: tuple[float, ...] = ()
    method: str | None = ""
    reflected: str | None = None
    symbol: str = ""
    activation: bool = False
    doc: str = field(default="", repr=False)
    formula: str | None = None
    domain: str = "all real numbers"
    sample: tuple[tuple[Interval, ...], ...] = ()
    param_samples: tuple[tuple[float, ...], ...] = ()
    kinks: str = ""
    # The float function the row's forward calls, under the name rule text calls it by
    # (``exp`` is math.exp), its IEEE version (inf and nan instead of an exception) and whether
    # the float function never raises: autograd.rule_text and the generator read these.
    float_fn: Callable[..., float] | None = field(default=None, repr=False)
    ieee_fn: Callable[..., float] | None = field(default=None, repr=False)
    never_raises: bool = False
    meta: Meta = field(default=Meta(), repr=False)
    # A machine check of ``domain`` over float inputs (user primitives), used by the forward and
    # by autograd.testing.strategies; None when ``sample`` intervals already stay inside it.
    in_domain: Callable[..., bool] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if len(self.derivatives) != len(self.inputs):
            raise ValueError(
                f"primitive {self.name!r}: {len(self.inputs)} inputs but "
                f"{len(self.derivatives)} derivative rules"
            )
        if len(self.param_defaults) > len(self.params):
            raise ValueError(f"primitive {self.name!r}: more param_defaults than params")
        if self.method == "":
            self.method = self.name
        if not self.symbol:
            self.symbol = self.name

    @property
    def function(self) -> str | None:
        """The name the expression language calls it by: a plain method name, or ``abs``.

        >>> OPS["tanh"].function, OPS["abs"].function, OPS["add"].function
        ('tanh', 'abs', None)
        """
        if self.method == "__abs__":
            return "abs"
        if self.method is None or self.method.startswith("__"):
            return None
        return self.method


# ----------------------------------------------------------------------------------------------
# Float functions the rules of the table below call. Each has a Value twin in the engine, so
# one rule text works over floats and over Values. The float versions keep derivatives total
# (no exception in the middle of a backward pass) at the edges of an operation's domain.


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


def _odd_integer(k: float) -> bool:
    return float(k).is_integer() and k % 2 == 1


def pow_grad(x: float, k: float) -> float:
    """x ** k as IEEE arithmetic computes it: +-inf where ``**`` would raise, nan if complex.

    A derivative rule never raises: at x = 0 with k < 0 the result is infinite (-inf for -0.0
    and an odd k), an overflow is +-inf, a negative base to a fractional power is nan.

    >>> pow_grad(0.0, -0.5), pow_grad(4.0, -0.5), pow_grad(1e-200, -2.0), pow_grad(-0.0, -1.0)
    (inf, 0.5, inf, -inf)
    """
    try:
        r = x**k
    except ZeroDivisionError:  # 0 ** negative
        return -math.inf if math.copysign(1.0, x) < 0 and _odd_integer(k) else math.inf
    except OverflowError:
        return -math.inf if x < 0 and _odd_integer(k) else math.inf
    return math.nan if isinstance(r, complex) else r


def dpow(x: float, k: float) -> float:
    """d/dx x ** k = k * x ** (k - 1), and exactly 0 for k = 0 (no 0 * inf at x = 0).

    PyTorch's convention: the derivative of ``x ** 0`` is 0 everywhere, so polynomials can be
    differentiated to any order at the origin.

    >>> dpow(3.0, 2.0), dpow(0.0, 0.0), dpow(0.0, 0.5), dpow(0.0, 1.0)
    (6.0, 0.0, inf, 1.0)
    """
    if k == 0:
        return 0.0
    try:  # pow_grad inlined for the common case: this runs once per ``**`` node in backward
        r = x ** (k - 1)
    except (ZeroDivisionError, OverflowError):
        return k * pow_grad(x, k - 1)
    return k * (math.nan if isinstance(r, complex) else r)


def ieee_log(x: float) -> float:
    """log(x) with log(0) = -inf and nan below 0 (IEEE), where math.log would raise.

    >>> ieee_log(1.0), ieee_log(0.0), ieee_log(-1.0)
    (0.0, -inf, nan)
    """
    if x > 0:
        return math.log(x)
    return -math.inf if x == 0 else math.nan


def xlogy(x: float, y: float) -> float:
    """x * log(y), with 0 * log(y) = 0 for any y but nan (as ``torch.xlogy``).

    >>> xlogy(0.0, 0.0), xlogy(2.0, math.e), xlogy(1.0, 0.0)
    (0.0, 2.0, -inf)
    """
    # The limit PyTorch uses for d(0 ** y)/dy; log is IEEE so it never raises.
    if y != y:
        return math.nan
    return 0.0 if x == 0 else x * ieee_log(y)


def recip(x: float) -> float:
    """1 / x, with 1 / +-0 = +-inf (IEEE; the slope of sqrt at 0).

    >>> recip(4.0), recip(0.0), recip(-0.0)
    (0.25, inf, -inf)
    """
    return math.copysign(math.inf, x) if x == 0 else 1.0 / x


def sign(x: float) -> float:
    """-1, 0 or 1: the derivative of abs, 0 at the kink and for nan as in PyTorch.

    >>> sign(-3.0), sign(0.0), sign(2.5)
    (-1.0, 0.0, 1.0)
    """
    return 1.0 if x > 0 else (-1.0 if x < 0 else 0.0)


def maximum(x: float, y: float) -> float:
    """The larger of x and y; nan if either is nan (as ``torch.maximum``).

    >>> maximum(1.0, 2.0), maximum(float("nan"), 2.0)
    (2.0, nan)
    """
    if x != x or y != y:  # nan compares unequal to itself
        return math.nan
    return x if x >= y else y


def minimum(x: float, y: float) -> float:
    """The smaller of x and y; nan if either is nan (as ``torch.minimum``).

    >>> minimum(1.0, 2.0), minimum(2.0, float("nan"))
    (1.0, nan)
    """
    if x != x or y != y:
        return math.nan
    return x if x <= y else y


def max_share(x: float, y: float) -> float:
    """d maximum(x, y) / dx: 1 where x wins, 0 where it loses, 1/2 at a tie (as PyTorch).

    A nan on either side passes the gradient (PyTorch does too), since neither input lost.

    >>> max_share(3.0, 1.0), max_share(1.0, 3.0), max_share(2.0, 2.0)
    (1.0, 0.0, 0.5)
    """
    return 0.5 if x == y else (0.0 if x < y else 1.0)


def clamp(x: float, lo: float, hi: float) -> float:
    """x limited to [lo, hi]; nan stays nan (as ``torch.clamp``).

    >>> clamp(5.0, -1.0, 1.0), clamp(-5.0, -1.0, 1.0), clamp(0.5, -1.0, 1.0)
    (1.0, -1.0, 0.5)
    """
    if lo > hi:
        raise ValueError(f"needs lo <= hi, got lo={lo!r} > hi={hi!r}")
    return lo if x < lo else (hi if x > hi else x)


def nonzero(x: float) -> float:
    """1.0 where x != 0 (nan included), else 0.0: the mask in d/dx xlogy(x, y).

    >>> nonzero(0.0), nonzero(-2.0)
    (0.0, 1.0)
    """
    return 0.0 if x == 0 else 1.0


# -- IEEE versions of what can raise, for backward when a rule's plain arithmetic does -----------
# A built-in derivative rule is written with plain Python arithmetic, which raises where IEEE
# arithmetic (and PyTorch) gives inf or nan: 1 / 0, 1e-200 ** -2, math.exp(1000). Backward then
# re-runs that node's rule with these (autograd.rule_text rewrites the rule text to call them).


def ieee_div(a: float, b: float) -> float:
    """a / b with IEEE results for b = 0: +-inf, or nan for 0 / 0.

    >>> ieee_div(1.0, 0.0), ieee_div(-1.0, 0.0), ieee_div(1.0, -0.0), ieee_div(0.0, 0.0)
    (inf, -inf, -inf, nan)
    """
    try:
        return a / b
    except ZeroDivisionError:
        if a == 0 or a != a:
            return math.nan
        return math.copysign(math.inf, a) * math.copysign(1.0, b)


def ieee_exp(x: float) -> float:
    """e ** x, +inf on overflow.

    >>> ieee_exp(0.0), ieee_exp(1000.0)
    (1.0, inf)
    """
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def _ieee_unary(fn: Callable[[float], float]) -> Callable[[float], float]:
    def total(x: float) -> float:
        try:
            return fn(x)
        except ValueError:  # outside the domain (sqrt(-1), sin(inf)): nan, as IEEE
            return math.nan
        except OverflowError:
            return math.inf

    total.__name__ = f"ieee_{fn.__name__}"
    return total


def ieee_pow(x: float, k: float) -> float:
    """x ** k in IEEE arithmetic: ``pow_grad`` (+-inf where ``**`` raises, nan if complex).

    >>> ieee_pow(0.0, -1.0), ieee_pow(2.0, 3.0)
    (inf, 8.0)
    """
    return pow_grad(x, k)


def ieee_sqrt(x: float) -> float:
    """The square root, nan below 0 (IEEE) where math.sqrt raises.

    >>> ieee_sqrt(4.0), ieee_sqrt(-1.0)
    (2.0, nan)
    """
    return _IEEE_SQRT(x)


def ieee_sin(x: float) -> float:
    """The sine, nan for an infinite x (IEEE) where math.sin raises.

    >>> ieee_sin(0.0), ieee_sin(math.inf)
    (0.0, nan)
    """
    return _IEEE_SIN(x)


def ieee_cos(x: float) -> float:
    """The cosine, nan for an infinite x (IEEE) where math.cos raises.

    >>> ieee_cos(0.0), ieee_cos(-math.inf)
    (1.0, nan)
    """
    return _IEEE_COS(x)


_IEEE_SQRT = _ieee_unary(math.sqrt)
_IEEE_SIN = _ieee_unary(math.sin)
_IEEE_COS = _ieee_unary(math.cos)


@dataclass(frozen=True)
class RuleHelper:
    """A function rule text may call that is not an operation: a step function (its Value
    version, in ``autograd.core.twins``, is a constant) or ``dpow``. None of them raises.
    ``in_rules`` is how a learner reads a call (``{0}``, ``{1}`` the arguments).

    >>> RULE_HELPERS[0].fn.__name__, RULE_HELPERS[0].in_rules
    ('dpow', '{1} * {0}^({1} - 1)')
    """

    fn: Callable[..., float]
    in_rules: str = ""


RULE_HELPERS: tuple[RuleHelper, ...] = (
    RuleHelper(dpow, "{1} * {0}^({1} - 1)"),
    RuleHelper(sign),
    RuleHelper(nonzero),
    RuleHelper(max_share),
)

# The docstrings of the generated methods, with examples that run as tests.
DOC_MAX = """The larger of this value and ``other``; at a tie each gets half the gradient.

    As ``torch.maximum``: a nan on either side gives nan. (Python's built-in ``max`` of Values
    returns one of them and records nothing.)

    >>> from autograd import Value
    >>> a, b = Value(2.0), Value(5.0)
    >>> y = a.max(b)
    >>> y.backward()
    >>> y.data, a.grad, b.grad
    (5.0, 0.0, 1.0)
    """

DOC_MIN = """The smaller of this value and ``other``; at a tie each gets half the gradient.

    >>> from autograd import Value
    >>> a, b = Value(2.0), Value(2.0)
    >>> y = a.min(b)
    >>> y.backward()
    >>> y.data, a.grad, b.grad
    (2.0, 0.5, 0.5)
    """

DOC_CLAMP = """This value limited to ``[lo, hi]``; the gradient is 1 inside (bounds too), else 0.

    >>> from autograd import Value
    >>> x = Value(3.0)
    >>> y = x.clamp(-1.0, 1.0)
    >>> y.backward()
    >>> y.data, x.grad, Value(-0.5).clamp(hi=0.0).data
    (1.0, 0.0, -0.5)
    """

DOC_EXP = """e to the power of this value; the derivative is the result itself.

    >>> from autograd import Value
    >>> x = Value(1.0)
    >>> y = x.exp()
    >>> y.backward()
    >>> round(y.data, 6), round(x.grad, 6)
    (2.718282, 2.718282)
    """

DOC_LOG = """The natural logarithm, for x > 0; the derivative is 1/x.

    >>> from autograd import Value
    >>> x = Value(2.0)
    >>> y = x.log()
    >>> y.backward()
    >>> round(y.data, 6), x.grad
    (0.693147, 0.5)
    """

DOC_SQRT = """The square root, for x >= 0; the derivative is 1/(2 sqrt x), +inf at 0 as in PyTorch.

    >>> from autograd import Value
    >>> x = Value(4.0)
    >>> y = x.sqrt()
    >>> y.backward()
    >>> y.data, x.grad
    (2.0, 0.25)
    """

DOC_TANH = """The hyperbolic tangent; the derivative is 1 - tanh(x)**2, from the result.

    >>> from autograd import Value
    >>> x = Value(0.5)
    >>> y = x.tanh()
    >>> y.backward()
    >>> round(y.data, 6), round(x.grad, 6)
    (0.462117, 0.786448)
    """

DOC_SIGMOID = """1 / (1 + e^-x), stable for any x; the derivative is y (1 - y), from y itself.

    >>> from autograd import Value
    >>> x = Value(0.0)
    >>> y = x.sigmoid()
    >>> y.backward()
    >>> y.data, x.grad
    (0.5, 0.25)
    """

DOC_RELU = """max(0, x); the derivative is 1 for x > 0, else 0 (also at the kink, as in PyTorch).

    >>> from autograd import Value
    >>> a, b = Value(2.0), Value(-1.0)
    >>> (a.relu() + b.relu()).backward()
    >>> a.relu().data, b.relu().data, a.grad, b.grad
    (2.0, 0.0, 1.0, 0.0)
    """

DOC_SOFTPLUS = """log(1 + e^x), stable for large ``|x|``; the derivative is sigmoid(x).

    >>> from autograd import Value
    >>> x = Value(0.0)
    >>> y = x.softplus()
    >>> y.backward()
    >>> round(y.data, 6), x.grad
    (0.693147, 0.5)
    """

DOC_SIN = """The sine (radians); the derivative is cos x.

    >>> from autograd import Value
    >>> x = Value(0.0)
    >>> y = x.sin()
    >>> y.backward()
    >>> y.data, x.grad
    (0.0, 1.0)
    """

DOC_COS = """The cosine (radians); the derivative is -sin x.

    >>> import math
    >>> from autograd import Value
    >>> x = Value(math.pi / 2)
    >>> y = x.cos()
    >>> y.backward()
    >>> abs(y.data) < 1e-15, x.grad
    (True, -1.0)
    """

DOC_TAN = """The tangent (radians); the derivative is 1 + tan(x)**2, from the result.

    >>> from autograd import Value
    >>> x = Value(0.0)
    >>> y = x.tan()
    >>> y.backward()
    >>> y.data, x.grad
    (0.0, 1.0)
    """

DOC_LEAKY_RELU = """``x`` where x > 0, else ``slope * x``; the derivative is 1 there, or ``slope``.

    >>> from autograd import Value
    >>> x = Value(-2.0)
    >>> y = x.leaky_relu(0.1)
    >>> y.backward()
    >>> y.data, x.grad
    (-0.2, 0.1)
    """

DOC_ABS = """``|x|``; the derivative is the sign of x, 0 at the kink as in PyTorch.

    >>> from autograd import Value
    >>> x = Value(-3.0)
    >>> y = abs(x)
    >>> y.backward()
    >>> y.data, x.grad
    (3.0, -1.0)
    """


# Interval helpers for the test samples: keep clear of kinks, poles and overflow.
ANY = ((-3.0, 3.0),)
POS = ((0.05, 5.0),)
NONZERO = ((-4.0, -0.2), (0.2, 4.0))
NEAR_ZERO = ((-0.1, 0.1),)  # beside NONZERO: two operands that never tie


def _p(
    name: str, inputs: Iterable[str], forward: Rule, derivatives: Iterable[Rule], **kw: Any
) -> Primitive:
    return Primitive(name, tuple(inputs), forward, tuple(derivatives), **kw)


def _binary(method: str, symbol: str, precedence: int, associative: bool) -> dict[str, Any]:
    """An arithmetic operator: ``x.method(y)``, reflected for ``2 op x``, drawn as ``symbol``."""
    shown = Display(infix=symbol, precedence=precedence, associative=associative)
    torch = f"torch.{method.replace('truediv', 'div')}"
    return {
        "method": f"__{method}__", "reflected": f"__r{method}__", "symbol": symbol,
        "meta": Meta(shown, torch),
    }  # fmt: skip


def _meta(torch: str | None = None, **display: Any) -> Meta:
    return Meta(Display(**display), torch)


#   name     inputs  forward (floats)  d out / d input, per input       how it reaches people
TABLE: list[Primitive] = [
    _p("add", "xy", "x + y", ["1", "1"], sample=(ANY, ANY), **_binary("add", "+", 1, True)),
    _p("sub", "xy", "x - y", ["1", "-1"], sample=(ANY, ANY), **_binary("sub", "−", 1, False)),
    _p("mul", "xy", "x * y", ["y", "x"], sample=(ANY, ANY), **_binary("mul", "×", 2, True)),
    _p(
        "div", "xy", "x / y", ["1 / y", "-out / y"], domain="y != 0",
        sample=(ANY, NONZERO), ieee_fn=ieee_div, **_binary("truediv", "÷", 2, False),
    ),
    _p("neg", "x", "-x", ["-1"], sample=(ANY,), method="__neg__", symbol="−x",
       meta=_meta("torch.neg", form="−{0}", precedence=3)),
    # x ** k for a constant k: a negative base needs an integer k, and 0 ** k needs k >= 0.
    # dpow(x, k) is k * x ** (k - 1), infinite at x = 0 for k < 1 and 0 for k = 0 (even at
    # x = 0, where 0 * inf would be nan), as in PyTorch: polynomials differentiate to any order.
    # ``x ** k`` and ``x ** y`` share one operator, so Value.__pow__ chooses between the rows.
    _p(
        "pow", "x", "powf(x, k)", ["dpow(x, k)"], params=("k",),
        formula="x**k", domain="x >= 0, or an integer k; x != 0 when k < 0",
        sample=(POS,), param_samples=((-2.5, -1.0, 0.5, 2.0, 3.0),), method=None, symbol="x^",
        kinks="d/dx x**0 = 0, also at x = 0, as in PyTorch", float_fn=powf, ieee_fn=ieee_pow,
        meta=_meta("torch.pow", form="{base}^{p0}", precedence=4),
    ),
    # x ** y with both differentiable: the base must be positive, since d/dy = out * log(x).
    _p(
        "powv", "xy", "powv(x, y)", ["dpow(x, y)", "xlogy(out, x)"],
        formula="x**y", domain="x > 0 (x = 0 needs y > 0)", sample=(POS, ((-2.0, 2.0),)),
        method=None, symbol="x^y", float_fn=powv,
        meta=_meta("torch.pow", form="{base}^{1}", precedence=4),
    ),
    _p(
        "abs", "x", "abs(x)", ["sign(x)"], formula="Abs(x)", sample=(NONZERO,),
        kinks="abs'(0) = 0, as in PyTorch", method="__abs__", doc=DOC_ABS,
        float_fn=abs, never_raises=True, meta=_meta("torch.abs", form="|{0}|"),
    ),
    _p(
        "exp", "x", "exp(x)", ["out"], domain="x <= 709.78", sample=(ANY,), doc=DOC_EXP,
        float_fn=math.exp, ieee_fn=ieee_exp, meta=_meta("torch.exp"),
    ),
    _p(
        "log", "x", "log(x)", ["1 / x"], domain="x > 0", sample=(POS,), doc=DOC_LOG,
        float_fn=math.log, ieee_fn=ieee_log, meta=_meta("torch.log"),
    ),
    _p(
        "sqrt", "x", "sqrt(x)", ["0.5 * recip(out)"], domain="x >= 0", sample=(POS,),
        kinks="sqrt'(0) = +inf, as in PyTorch", doc=DOC_SQRT, float_fn=math.sqrt,
        ieee_fn=ieee_sqrt, meta=_meta("torch.sqrt"),
    ),
    _p(
        "tanh", "x", "tanh(x)", ["1 - out * out"], sample=(ANY,), activation=True, doc=DOC_TANH,
        float_fn=math.tanh, never_raises=True, meta=_meta("torch.tanh"),
    ),
    _p(
        "sigmoid", "x", "sigmoid(x)", ["out * (1 - out)"], formula="1 / (1 + exp(-x))",
        sample=(ANY,), activation=True, doc=DOC_SIGMOID, float_fn=sigmoid, never_raises=True,
        meta=_meta("torch.sigmoid"),
    ),
    _p(
        "relu", "x", "0.0 if x < 0 else x", ["0.0 if x <= 0 else 1.0"], formula="Max(0, x)",
        sample=(NONZERO,), activation=True, doc=DOC_RELU,
        meta=_meta("torch.relu", dead_at_zero=True),
        kinks="relu'(0) = 0, as in PyTorch; a zero slope passes no gradient, not even inf",
    ),
    _p(
        "leaky_relu", "x", "x if x > 0 else slope * x", ["1.0 if x > 0 else slope"],
        params=("slope",), param_defaults=(0.01,),
        formula="Piecewise((x, x > 0), (slope * x, True))", sample=(NONZERO,),
        param_samples=((0.01, 0.2),), kinks="leaky_relu'(0) = slope, as in PyTorch",
        activation=True, doc=DOC_LEAKY_RELU, meta=_meta("torch.nn.functional.leaky_relu"),
    ),
    _p(
        "softplus", "x", "softplus(x)", ["sigmoid(x)"], formula="log(1 + exp(x))",
        sample=(ANY,), activation=True, doc=DOC_SOFTPLUS, float_fn=softplus, never_raises=True,
        meta=_meta("torch.nn.functional.softplus"),
    ),
    _p(
        "sin", "x", "sin(x)", ["cos(x)"], domain="finite x", sample=(ANY,), doc=DOC_SIN,
        float_fn=math.sin, ieee_fn=ieee_sin, meta=_meta("torch.sin"),
    ),
    _p(
        "cos", "x", "cos(x)", ["-sin(x)"], domain="finite x", sample=(ANY,), doc=DOC_COS,
        float_fn=math.cos, ieee_fn=ieee_cos, meta=_meta("torch.cos"),
    ),
    _p(
        "tan", "x", "tan(x)", ["1 + out * out"], domain="finite x", sample=(((-1.2, 1.2),),),
        doc=DOC_TAN, float_fn=math.tan, meta=_meta("torch.tan"),
    ),
    _p(
        "max", "xy", "maximum(x, y)",
        ["0.0 if x < y else max_share(x, y)", "0.0 if y < x else max_share(y, x)"],
        formula="Max(x, y)", sample=(NONZERO, NEAR_ZERO), doc=DOC_MAX,
        kinks="at a tie each input gets half the gradient, as in PyTorch's maximum",
        float_fn=maximum, never_raises=True, meta=_meta("torch.maximum"),
    ),
    _p(
        "min", "xy", "minimum(x, y)",
        ["0.0 if y < x else max_share(y, x)", "0.0 if x < y else max_share(x, y)"],
        formula="Min(x, y)", sample=(NONZERO, NEAR_ZERO), doc=DOC_MIN,
        kinks="at a tie each input gets half the gradient, as in PyTorch's minimum",
        float_fn=minimum, never_raises=True, meta=_meta("torch.minimum"),
    ),
    _p(
        "clamp", "x", "clamp(x, lo, hi)", ["1.0 if lo <= x <= hi else 0.0"], params=("lo", "hi"),
        param_defaults=(-math.inf, math.inf), formula="Min(Max(x, lo), hi)", domain="lo <= hi",
        sample=(((-3.0, -1.2), (-0.8, 0.8), (1.2, 3.0)),), param_samples=((-1.0,), (1.0,)),
        kinks="the gradient passes at the bounds themselves (lo <= x <= hi), as in PyTorch",
        doc=DOC_CLAMP, float_fn=clamp, meta=_meta("torch.clamp"),
    ),
    # y = x as a node of its own: autograd.func gives each argument of a transformed function
    # one, so a nested derivative tells its own variable from the outer function's.
    _p("identity", "x", "x", ["1"], sample=(ANY,), method=None, symbol="="),
]  # fmt: skip

# The table by name, read-only: the rows themselves are the registry, this is a view of them.
OPS: Mapping[str, Primitive] = MappingProxyType({p.name: p for p in TABLE})


def describe(name: str) -> str:
    """An operation's row as a learner reads it: forward, local derivatives, domain, kinks.

    >>> print(describe("tanh"))
    tanh(x)
      forward:  out = tanh(x)
      d out/dx = 1 - out * out
      domain:   all real numbers
    >>> print(describe("relu").splitlines()[-1])
      at kinks: relu'(0) = 0, as in PyTorch; a zero slope passes no gradient, not even inf
    """
    p = OPS[name]
    args = ", ".join([*p.inputs, *p.params])
    lines = [f"{p.name}({args})", f"  forward:  out = {_rule_text(p.forward, p)}"]
    for n, d in zip(p.inputs, p.derivatives, strict=True):
        lines.append(f"  d out/d{n} = {_rule_text(d, p)}")
    lines.append(f"  domain:   {p.domain}")
    if p.kinks:
        lines.append(f"  at kinks: {p.kinks}")
    return "\n".join(lines)


def _rule_text(rule: Rule, p: Primitive) -> str:
    if isinstance(rule, str):
        return rule
    return f"{getattr(rule, '__name__', 'a function')}({', '.join(p.inputs)})  (Python code)"


# The rows behind the Value versions of the helpers (autograd.core.twins), so that a derivative
# computed as a graph (``grad(..., create_graph=True)``) has the same values at the edges as the
# float rules, and can itself be differentiated. They are not methods and not in TABLE (not
# operations a user calls); autograd.generate writes them like any row.
HELPER_ROWS: list[Primitive] = [
    _p(
        "pow_grad", "x", "pow_grad(x, k)", ["dpow(x, k)"], params=("k",), method=None,
        symbol="x^", formula="x**k", doc="x ** k in a derivative: never raises (IEEE).",
        float_fn=pow_grad, never_raises=True, meta=_meta(in_rules="{0}^({1})"),
    ),
    _p(
        "pow_grad_v", "xy", "pow_grad(x, y)", ["dpow(x, y)", "xlogy(out, x)"], method=None,
        symbol="x^y", formula="x**y", doc="x ** y in a derivative: never raises (IEEE).",
    ),
    _p(
        "recip", "x", "recip(x)", ["-out * out"], method=None, symbol="1/x", formula="1/x",
        doc="1 / x in a derivative: +-inf at +-0.", float_fn=recip, never_raises=True,
        meta=_meta(in_rules="1/{0}"),
    ),
    _p(
        "xlogy", "xy", "xlogy(x, y)", ["xlogy(nonzero(x), y)", "x * recip(y)"], method=None,
        symbol="x·log y", formula="x*log(y)", doc="x * log(y) in a derivative: 0 where x = 0.",
        float_fn=xlogy, never_raises=True, meta=_meta(in_rules="{0}·log({1})"),
    ),
]  # fmt: skip


# -- What rule text may call, read from the rows -------------------------------------------------
# Every function a rule calls is a row's ``float_fn`` (under the function's own name, the name
# the rule text uses) or one of RULE_HELPERS; its IEEE version is the row's ``ieee_fn``. These
# dicts are derived from those columns: a new row's function is covered by adding the row.


def _rule_rows() -> list[Primitive]:
    return [*TABLE, *HELPER_ROWS]


FLOAT_NAMESPACE: dict[str, object] = {
    **{p.float_fn.__name__: p.float_fn for p in _rule_rows() if p.float_fn is not None},
    **{h.fn.__name__: h.fn for h in RULE_HELPERS},
}
IEEE_NAMESPACE: dict[str, object] = {
    p.ieee_fn.__name__: p.ieee_fn for p in _rule_rows() if p.ieee_fn is not None
}
# Which function a call in a rule becomes in the IEEE version of the rule: the rows a rule
# calls by the row's own name (``exp(x)``); ``/`` and ``**`` are the div and pow rows' ieee_fn.
IEEE_FUNCTIONS: dict[str, str] = {
    p.name: p.ieee_fn.__name__
    for p in _rule_rows()
    if p.ieee_fn is not None and p.float_fn is not None and p.float_fn.__name__ == p.name
}
# The functions no rule can make raise on floats ("never raises" rows, the step helpers, and
# every IEEE version): a rule calling only these, with + - *, needs no IEEE re-run.
NEVER_RAISES: frozenset[str] = frozenset(
    {p.float_fn.__name__ for p in _rule_rows() if p.float_fn is not None and p.never_raises}
    | {h.fn.__name__ for h in RULE_HELPERS}
    | set(IEEE_NAMESPACE)
)
# The functions a rule calls that have a Value version in autograd.core.twins (over Values a
# rule calls those): the step helpers and the functions of rows without a method; the unary
# operations (exp, tanh, ...) are methods of Value instead.
VALUE_HELPERS: tuple[str, ...] = (
    *(p.float_fn.__name__ for p in _rule_rows() if p.float_fn is not None and p.method is None),
    *(h.fn.__name__ for h in RULE_HELPERS),
)


def row(name: str) -> Primitive:
    """The row called ``name``: an operation of ``TABLE`` or a helper row (``HELPER_ROWS``).

    The generated code finds each ``Op``'s row by this one lookup; everything else reaches a
    row from its ``Op`` (``OPERATIONS[name].row``, ``value.operation.row``).

    >>> row("mul") is OPS["mul"], row("recip").name
    (True, 'recip')
    """
    found = OPS.get(name) or next((p for p in HELPER_ROWS if p.name == name), None)
    if found is None:
        raise KeyError(f"no row named {name!r} in autograd.ops")
    return found
