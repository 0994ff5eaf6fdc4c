"""User-defined primitives: ``@primitive`` turns a function on floats into an operation.

The decorator builds a table row (``autograd.ops.Primitive``) from the function, its derivative
rules, its domain and sample intervals, and turns it into an ``Op`` (``compile_primitive``) whose
terms are the same ``upstream × local`` texts the built-in rows' generated code uses
(``autograd.rule_text.contribution``), so the reverse sweep treats both alike. The user's own
functions are called by reference, never turned into text. Domains are Python conditions over
the argument names, parsed with ``ast`` and checked before they are compiled.
"""

from __future__ import annotations

import ast
import functools
import inspect
import itertools
import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol, cast

from .core import twins
from .core.counters import FALLIBLE
from .core.domain import domain_error
from .core.numbers import real
from .core.op import Op
from .core.source_lines import keep_source
from .core.value import Value, lift, record
from .ops import FLOAT_NAMESPACE, IEEE_NAMESPACE, Primitive
from .rule_text import RESERVED, check_names, contribution, ieee_rule, may_raise, over_values

Interval = tuple[float, float]

# Names a domain condition may use besides the primitive's own arguments.
_SAFE_NAMES: dict[str, object] = {
    **{k: v for k, v in vars(math).items() if not k.startswith("_")},
    "abs": abs,
    "min": min,
    "max": max,
    "bool": bool,
}
_ALLOWED_NODES = (
    ast.Expression,
    ast.BoolOp,
    ast.And,
    ast.Or,
    ast.UnaryOp,
    ast.Not,
    ast.USub,
    ast.UAdd,
    ast.BinOp,
    ast.operator,
    ast.Compare,
    ast.cmpop,
    ast.Call,
    ast.Name,
    ast.Load,
    ast.Constant,
    ast.IfExp,
)


def parse_domain(
    domain: str | Callable[..., bool] | None, args: Sequence[str], op: str
) -> tuple[str, Callable[..., bool] | None]:
    """Words for error messages and a predicate over float inputs (None: defined everywhere).

    ``domain`` is a Python condition over the argument names (``"x > 0"``, ``"y != 0"``), a
    callable taking the arguments and returning a bool, or None / ``"all real numbers"``.

    >>> text, check = parse_domain("x > 0 and y != 0", ["x", "y"], "f")
    >>> text, check(1.0, 2.0), check(-1.0, 2.0)
    ('x > 0 and y != 0', True, False)
    """
    if domain is None or domain == "all real numbers":
        return "all real numbers", None
    if callable(domain):
        return f"the inputs where {getattr(domain, '__name__', 'its domain check')} holds", domain
    if not isinstance(domain, str):
        raise TypeError(f"primitive {op}: domain must be a str or a callable, got {domain!r}")
    try:
        tree = ast.parse(domain, mode="eval")
    except SyntaxError:
        tree = None
    bad = _unsupported(tree, set(args)) if tree is not None else "not a Python expression"
    if bad:
        raise ValueError(
            f"primitive {op}: domain {domain!r} must be a Python condition over its arguments "
            f"({', '.join(args)}), e.g. {args[0] + ' > 0'!r}: {bad}"
        )
    source = f"lambda {', '.join(args)}: bool({domain})"
    check = _filed(source, f"domain of {op}", {"__builtins__": {}, **_SAFE_NAMES})
    return domain, check


def _unsupported(tree: ast.AST, args: set[str]) -> str:
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED_NODES):
            return f"{type(node).__name__} is not allowed"
        if isinstance(node, ast.Name) and node.id not in args and node.id not in _SAFE_NAMES:
            return f"unknown name {node.id!r}"
    return ""


def normalize_sample(sample: Any, n_inputs: int, op: str) -> tuple[tuple[Interval, ...], ...]:
    """Sample intervals, one entry per input: each ``(lo, hi)`` or a list of such intervals.

    >>> normalize_sample([(0.1, 5), [(-3, -1), (1, 3)]], 2, "f")
    (((0.1, 5.0),), ((-3.0, -1.0), (1.0, 3.0)))
    """
    if not sample:
        return ()
    entries = list(sample)
    if len(entries) != n_inputs:
        raise ValueError(
            f"primitive {op}: sample needs one entry per input ({n_inputs}), got {len(entries)}"
        )
    return tuple(_intervals(e, op, i) for i, e in enumerate(entries))


def _intervals(entry: Any, op: str, i: int) -> tuple[Interval, ...]:
    pair = isinstance(entry, (tuple, list)) and len(entry) == 2
    if pair and all(isinstance(b, (int, float)) for b in entry):
        entry = [entry]
    out = []
    for iv in entry:
        if not (isinstance(iv, (tuple, list)) and len(iv) == 2):
            raise ValueError(f"primitive {op}: sample[{i}] must hold (low, high) pairs, got {iv!r}")
        lo, hi = float(iv[0]), float(iv[1])
        if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
            raise ValueError(f"primitive {op}: sample[{i}] interval {iv!r} needs finite low < high")
        out.append((lo, hi))
    if not out:
        raise ValueError(f"primitive {op}: sample[{i}] is empty")
    return tuple(out)


class PrimitiveFunction(Protocol):
    """What :func:`primitive` makes: a function on Values (or numbers) keeping its table row.

    >>> @primitive(derivatives=[lambda x: 2 * x])
    ... def square(x):
    ...     return x * x
    >>> square(Value(3.0)).data, square.primitive.inputs
    (9.0, ('x',))
    """

    primitive: Primitive
    op: Op

    def __call__(self, *operands: Any) -> Value: ...


def primitive(
    derivatives: Sequence[Callable[..., Any]],
    *,
    name: str | None = None,
    domain: str | Callable[..., bool] | None = None,
    sample: Sequence[Any] = (),
) -> Callable[[Callable[..., float]], PrimitiveFunction]:
    """Decorator: turn a function on floats into a differentiable operation on Values.

    ``derivatives`` holds one rule per argument, each taking the same arguments and returning
    d f / d argument. Write rules with arithmetic operators and Value methods so that they work
    on floats (first order) and on Values (higher order) alike. The primitive is compiled by the
    same code generator as the built-in operations. ``domain`` is a condition over the argument
    names (``"x > 0"``) or a predicate: inputs outside it raise a ValueError naming the operation
    and operand, and ``autograd.testing.strategies`` draws inside it. ``sample`` gives, per
    argument, an interval ``(low, high)`` (or a list of them) for tests to draw from. ``name``
    (default: the function's name) is what errors and drawings show; it never becomes code.
    Graphs using the primitive can be pickled when it is defined at the top level of a module.

    >>> from autograd import Value, primitive
    >>> @primitive(derivatives=[lambda x: 3 * x ** 2])
    ... def cube(x):
    ...     return x ** 3
    >>> x = Value(2.0)
    >>> y = cube(x)
    >>> y.backward()
    >>> y.data, x.grad
    (8.0, 12.0)
    """
    rules = _check_rules(derivatives)

    def wrap(fn: Callable[..., float]) -> PrimitiveFunction:
        op = name or getattr(fn, "__name__", "")
        if not isinstance(op, str) or not op:
            raise ValueError(f"primitive: a name is needed for {fn!r}")
        args = _positional_args(fn, op)
        if len(args) != len(rules):
            raise ValueError(
                f"primitive {op}: {len(args)} arguments but {len(rules)} derivative rules"
            )
        text, check = parse_domain(domain, args, op)
        # Argument names become names in the compiled rules: keep them only when they are safe.
        names = args
        if any(n in RESERVED or n.startswith("_") for n in args):
            names = [f"x{i}" for i in range(len(args))]
        p = Primitive(
            op,
            tuple(names),
            fn if check is None else _guarded(fn, check),
            rules,
            domain=text,
            sample=normalize_sample(sample, len(args), op),
            in_domain=check,
        )
        compiled = compile_primitive(p)
        # A pickled graph names the operation by where its function lives
        # (see core.pickling.reduce_op).
        module, qualname = getattr(fn, "__module__", None), getattr(fn, "__qualname__", "")
        if isinstance(module, str) and "<" not in qualname:
            compiled.origin = (module, qualname)

        @functools.wraps(fn)
        def apply(*operands: Any) -> Value:
            if len(operands) != len(args):
                raise TypeError(f"{op}: takes {len(args)} arguments, got {len(operands)}")
            return compiled.make(*operands)  # type: ignore[misc]

        made = cast(PrimitiveFunction, apply)
        made.primitive = p
        made.op = compiled
        return made

    return wrap


def _check_rules(derivatives: object) -> tuple[Callable[..., Any], ...]:
    if callable(derivatives) or isinstance(derivatives, (str, bytes)):
        raise TypeError(
            "primitive: derivatives must be a list with one rule per argument, "
            "e.g. derivatives=[lambda x: 3 * x ** 2]"
        )
    items = tuple(cast("Iterable[object]", derivatives))
    rules: list[Callable[..., Any]] = []
    for i, d in enumerate(items):
        if not callable(d):
            raise TypeError(f"primitive: derivatives[{i}] is not callable: {d!r}")
        rules.append(d)
    return tuple(rules)


def _positional_args(fn: Callable[..., float], op: str) -> list[str]:
    if not callable(fn):
        raise TypeError(f"primitive {op}: expected a function, got {fn!r}")
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    params = list(inspect.signature(fn).parameters.values())
    for prm in params:
        if prm.kind not in kinds:
            raise TypeError(f"primitive {op}: arguments must be plain positional, not {prm}")
    if not params:
        raise ValueError(f"primitive {op}: needs at least one argument")
    return [prm.name for prm in params]


def _guarded(fn: Callable[..., float], check: Callable[..., bool]) -> Callable[..., float]:
    def forward(*args: float) -> float:
        if not check(*args):
            raise ValueError("operand outside the domain")
        return fn(*args)

    forward.__wrapped__ = fn  # type: ignore[attr-defined]  # what the operation computes
    return forward


def _rule(rule: object, slot: str, inputs: Sequence[str], ns: dict[str, object]) -> str:
    """A rule as expression text; a callable is kept in the namespace and called by name."""
    if isinstance(rule, str):
        return rule
    ns[slot] = rule
    return f"{slot}({', '.join(inputs)})"


def _lambda(args: str, text: str, ns: dict[str, object], name: str) -> Callable[..., Any]:
    # The text is a table row's rule or a call of the user's function by its slot name: the
    # user's own text (its name) never reaches it (see _check_names and autograd.rule_text).
    return _filed(f"lambda {args}: {text}", f"rule of {name!r}", ns)


_rule_numbers = itertools.count()


def _filed(source: str, what: str, ns: dict[str, object]) -> Callable[..., Any]:
    """The lambda ``source`` made in ``ns``, under a file name of its own that ``linecache``
    holds for as long as its code lives: a traceback through a rule shows the rule's line, and
    ``pdb`` can list it."""
    filename = f"<{what} #{next(_rule_numbers)}>"
    fn = eval(compile(source, filename, "eval"), ns)
    keep_source(filename, source + "\n", fn.__code__)
    return cast("Callable[..., Any]", fn)


def compile_primitive(p: Primitive) -> Op:
    """A row as an Op: forward (``op.make``), backward, terms and local derivatives.

    The built-in rows are written out as code in ``autograd/core/operations.py``; this makes
    the same functions at run time, for ``@primitive`` and for rows a test builds.

    >>> cube = Primitive("cube", ("x",), "x * x * x", ("3 * x * x",))
    >>> op = compile_primitive(cube)
    >>> y = op.make(Value(2.0))
    >>> y.backward()
    >>> y.data, op.partials(y), y.inputs[0].grad
    (8.0, (12.0,), 12.0)
    """
    check_names(p)
    ns: dict[str, object] = {**FLOAT_NAMESPACE, **IEEE_NAMESPACE, "real": real}
    fwd = _rule(p.forward, "_forward", p.inputs, ns)
    if not isinstance(p.forward, str):
        fwd = f"real({fwd}, {p.name!r})"
    ders = [_rule(d, f"_d{i}", p.inputs, ns) for i, d in enumerate(p.derivatives)]
    gns: dict[str, object] = {**ns, "twins": twins, "abs": abs}
    args = ", ".join([*p.inputs, "out", *p.params])
    forward = _lambda(", ".join([*p.inputs, *p.params]), fwd, ns, p.name)
    terms = [_lambda("g, " + args, contribution(d, "g"), ns, p.name) for d in ders]
    partials = [_lambda(args, d, ns, p.name) for d in ders]
    graph = [over_values(d) for d in ders]
    terms_graph = [_lambda("g, " + args, contribution(d, "g"), gns, p.name) for d in graph]
    partials_graph = [_lambda(args, d, gns, p.name) for d in graph]
    fallible = any(not isinstance(d, str) for d in p.derivatives)
    ieee = None
    if not fallible and any(may_raise(d) for d in ders):
        ieee = [_lambda("g, " + args, contribution(ieee_rule(d), "g"), ns, p.name) for d in ders]
    op = Op(
        p, p.name, backward=_adder(terms), terms=_caller(terms, False, True),
        partials=_caller(partials, False, False), terms_graph=_caller(terms_graph, True, True),
        partials_graph=_caller(partials_graph, True, False),
        backward_ieee=None if ieee is None else _adder(ieee),
        terms_ieee=None if ieee is None else _caller(ieee, False, True), fallible=fallible,
    )  # fmt: skip
    op.make = _maker(op, forward, len(p.inputs))
    if fallible:
        FALLIBLE.add(1)  # while it lives, backward checks each graph for user rules
    return op


def _arguments(node: Value, graph: bool) -> list[Any]:
    """What the compiled rules take after ``g``: the inputs, ``out``, the parameters."""
    if graph:
        return [*node.inputs, node, *node.params]
    return [*(c.data for c in node.inputs), node.data, *node.params]


def _caller(
    rules: Sequence[Callable[..., Any]], graph: bool, with_g: bool
) -> Callable[..., tuple[Any, ...]]:
    """The rules applied to a node (and its gradient ``g``), one result per input."""
    if with_g:

        def terms(node: Value, g: Any) -> tuple[Any, ...]:
            args = _arguments(node, graph)
            return tuple(rule(g, *args) for rule in rules)

        return terms

    def partials(node: Value) -> tuple[Any, ...]:
        args = _arguments(node, graph)
        return tuple(rule(*args) for rule in rules)

    return partials


def _adder(rules: Sequence[Callable[..., Any]]) -> Callable[[Value], None]:
    """The chain rule at one node: every term first (a rule may raise), then
    ``input.grad += term`` for each input."""

    def backward(node: Value) -> None:
        args = _arguments(node, False)
        g = node.grad
        terms = [rule(g, *args) for rule in rules]
        for child, term in zip(node.inputs, terms, strict=True):
            child.grad += term

    return backward


def _maker(op: Op, forward: Callable[..., float], n_inputs: int) -> Callable[..., Value]:
    """The forward: operands (numbers are lifted) and parameters to a recorded node."""
    name = op.name

    def make(*operands: Any) -> Value:
        nodes = tuple(lift(v, name) for v in operands[:n_inputs])
        params = tuple(real(k, f"{name}(param)") for k in operands[n_inputs:])
        floats = [v.data for v in nodes]
        bound = op.bind(*params) if params else op
        try:
            data = forward(*floats, *params)
        except (ArithmeticError, ValueError) as e:
            raise domain_error(bound, e, tuple(floats)) from None
        return record(data, nodes, bound)

    return make
