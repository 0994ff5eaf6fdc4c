"""Turns each row of the operation table into Value methods and backward functions.

For every primitive four small Python functions are written out as source text and compiled once
at import time (print ``autograd.rules.source("mul")`` to read them):

- ``make``: forward. Reads the inputs' floats, evaluates the forward rule, and records one node.
- ``vjp``: first-order backward over floats: ``input.grad += node.grad * d``, one line per input.
- ``partials``: the local derivatives as floats (used by ``grad()`` and by the stepper).
- ``partials_graph``: the same rule evaluated over Values, so derivatives are differentiable.

The text comes only from the table in ``ops.py`` and from identifiers; callables (user-defined
primitives) are referenced by name, never turned into source. Generating the code lets the hot
path be straight-line attribute access with no per-node closure, no per-node dict and no call to
a generic interpreter of the rule.
"""

from __future__ import annotations

import ast
import functools
import inspect
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Protocol, cast

from . import ops as _ops
from .domain import normalize_sample, parse_domain
from .engine import MANY, Op, Operand, Value, real
from .mode import STATE, _enabled
from .ops import FLOAT_NAMESPACE, OPS, Primitive


def _lift(x: object, where: str) -> Value:
    """An operand as a Value: Values pass through, real numbers become constant leaves."""
    if isinstance(x, Value):
        return x
    node = Value(real(x, where))
    node._op = CONST
    return node


_new = object.__new__


def record(data: float, prev: tuple[Value, ...], op: Op) -> Value:
    """A new node made by ``op`` from ``prev`` (a leaf under ``no_grad``).

    The generated ``make`` functions inline these same lines; hand-written operations whose
    number of inputs varies (``fused.linear``) call this.

    >>> a, b = Value(2.0), Value(3.0)
    >>> c = record(a.data * b.data, (a, b), OPS["mul"].compiled["op"])
    >>> c.backward()
    >>> c.data, c.op, a.grad, b.grad
    (6.0, 'mul', 3.0, 2.0)
    """
    if STATE.switched and not _enabled.get():
        return Value(data)
    node = _new(Value)
    node.data = data
    node.grad = 0.0
    node.label = ""
    if len(prev) == 1:
        node._a, node._b = prev[0], None
    elif len(prev) == 2:
        node._a, node._b = prev
    else:
        node._a, node._b = prev, MANY
    node._op = op
    node._mark = None
    return node


def _domain_error(op: Op, exc: Exception, args: tuple[float, ...]) -> Exception:
    p = op.primitive
    names = p.inputs if p is not None else tuple(f"x{i}" for i in range(len(args)))
    shown = ", ".join(f"{n}={a!r}" for n, a in zip(names, args))
    if op.params and p is not None:
        shown += ", " + ", ".join(f"{n}={v!r}" for n, v in zip(p.params, op.params))
    kind: type[Exception]
    if isinstance(exc, ZeroDivisionError):
        kind, why = ZeroDivisionError, "division by zero"
    elif isinstance(exc, OverflowError):
        kind, why = OverflowError, "result overflows a float"
    elif str(exc) == "math domain error":
        kind, why = ValueError, "operand outside the domain"
    else:
        kind, why = (ValueError if isinstance(exc, ValueError) else ArithmeticError), str(exc)
    domain = p.domain if p is not None else "its domain"
    return kind(f"{op.name}: {why} for {shown} (defined for {domain})")


def _value_sign(v: Any) -> float:
    return _ops.sign(v.data if isinstance(v, Value) else v)


# The Value twins of the float helpers in ops.FLOAT_NAMESPACE: the same rule text, evaluated over
# Values, builds a graph of the derivative itself.
VALUE_NAMESPACE: dict[str, object] = {
    "exp": lambda v: v.exp(),
    "log": lambda v: v.log(),
    "sqrt": lambda v: v.sqrt(),
    "tanh": lambda v: v.tanh(),
    "sin": lambda v: v.sin(),
    "cos": lambda v: v.cos(),
    "sigmoid": lambda v: v.sigmoid(),
    "softplus": lambda v: v.softplus(),
    "abs": abs,
    "powf": lambda x, k: x**k,
    "pow_grad": lambda x, k: x**k,
    "xlogy": lambda a, b: a * b.log(),
    "recip": lambda v: 1.0 / v,
    "sign": _value_sign,
}


def _names(expr: str) -> set[str]:
    return {n.id for n in ast.walk(ast.parse(expr, mode="eval")) if isinstance(n, ast.Name)}


def _rule_text(rule: object, slot: str, inputs: Sequence[str], ns: dict[str, object]) -> str:
    """A rule as expression text; a callable is stored in the namespace and called by name."""
    if isinstance(rule, str):
        return rule
    ns[slot] = rule
    return f"{slot}({', '.join(inputs)})"


def _bind_lines(p: Primitive, exprs: Sequence[str], graph: bool) -> list[str]:
    """Lines that bind the names the rules use: inputs, ``out``, parameters."""
    used = set().union(*(_names(e) for e in exprs)) if exprs else set()
    ins = [f"_{n}" for n in p.inputs]
    lines = [_load_inputs(ins)]
    for n in p.inputs:
        if n in used:
            lines.append(f"    {n} = _{n}" + ("" if graph else ".data"))
    if "out" in used:
        lines.append("    out = node" + ("" if graph else ".data"))
    if p.params:
        lines.append(f"    {', '.join(p.params)}, = node._op.params")
    return lines


def _make_source(
    p: Primitive, fname: str, args: Sequence[str], fwd: str, checked: bool, trusted: str = ""
) -> str:
    """Forward source; ``trusted`` names the argument that is ``self`` (a Value already)."""
    ins = [f"_{n}" for n in p.inputs]
    lines = [f"def {fname}({', '.join(args)}):"]
    for i in ins:
        if i == trusted:
            continue
        lines.append(f"    if type({i}) is not Value:")
        lines.append(f"        {i} = _lift({i}, {p.name!r})")
    if p.params:  # the cache lookup is inlined: most calls reuse an exponent seen before
        key = f"({', '.join(p.params)},)"
        lines.append(f"    _op = BOUND.get({key}) or OP.bind(*{key})")
    else:
        lines.append("    _op = OP")
    lines += [f"    {n} = _{n}.data" for n in p.inputs]
    result = f"real({fwd}, {p.name!r})" if checked else fwd
    lines += [
        "    try:",
        f"        data = {result}",
        "    except (ArithmeticError, ValueError) as e:",
        f"        raise _domain_error(_op, e, ({', '.join(p.inputs)},)) from None",
        "    if STATE.switched and not _enabled.get():",  # under no_grad: a detached leaf
        "        return Value(data)",
        "    node = _new(Value)",
        "    node.data = data",
        "    node.grad = 0.0",
        '    node.label = ""',
        *_store_inputs(ins),
        "    node._op = _op",
        "    node._mark = None",
        "    return node",
    ]
    return "\n".join(lines) + "\n"


def _store_inputs(ins: Sequence[str]) -> list[str]:
    """Lines that put the inputs in the node's two slots (see engine.Value)."""
    if len(ins) == 1:
        return [f"    node._a = {ins[0]}", "    node._b = None"]
    if len(ins) == 2:
        return [f"    node._a = {ins[0]}", f"    node._b = {ins[1]}"]
    return [f"    node._a = ({', '.join(ins)},)", "    node._b = MANY"]


def _load_inputs(ins: Sequence[str]) -> str:
    if len(ins) == 1:
        return f"    {ins[0]} = node._a"
    if len(ins) == 2:
        return f"    {ins[0]}, {ins[1]} = node._a, node._b"
    return f"    {', '.join(ins)}, = node._a"


def _vjp_source(p: Primitive, ders: Sequence[str]) -> str:
    lines = ["def vjp(node):", "    g = node.grad", *_bind_lines(p, ders, graph=False)]
    for n, d in zip(p.inputs, ders):
        d = d.strip()
        if d in ("1", "1.0"):
            lines.append(f"    _{n}.grad += g")
        elif d in ("-1", "-1.0"):
            lines.append(f"    _{n}.grad -= g")
        else:
            lines.append(f"    _{n}.grad += g * ({d})")
    return "\n".join(lines) + "\n"


def _partials_source(p: Primitive, ders: Sequence[str], fname: str, graph: bool) -> str:
    body = _bind_lines(p, ders, graph)
    return "\n".join([f"def {fname}(node):", *body, f"    return ({', '.join(ders)},)"]) + "\n"


def compile_primitive(p: Primitive) -> Op:
    """Compile one table row into an Op and its ``make`` functions (stored in ``p.compiled``).

    >>> from autograd.ops import Primitive
    >>> cube = Primitive("cube", ("x",), "x * x * x", ("3 * x * x",))
    >>> op = compile_primitive(cube)
    >>> y = cube.compiled["make"](Value(2.0))
    >>> y.data, op.partials(y)
    (8.0, (12.0,))
    """
    ns: dict[str, object] = dict(FLOAT_NAMESPACE)
    gns: dict[str, object] = dict(VALUE_NAMESPACE)
    fwd = _rule_text(p.forward, "_forward", p.inputs, ns)
    ders = [_rule_text(d, f"_d{i}", p.inputs, ns) for i, d in enumerate(p.derivatives)]
    for i, d in enumerate(p.derivatives):
        if not isinstance(d, str):
            gns[f"_d{i}"] = d
    checked = not isinstance(p.forward, str)
    ins = [f"_{n}" for n in p.inputs]
    sources = {
        "make": _make_source(p, "make", [*ins, *p.params], fwd, checked),
        "vjp": _vjp_source(p, ders),
        "partials": _partials_source(p, ders, "partials", graph=False),
        "partials_graph": _partials_source(p, ders, "partials_graph", graph=True),
    }
    # As a method the first operand is self, a Value: no need to check its type.
    sources["method"] = _make_source(p, "method", [*ins, *p.params], fwd, checked, ins[0])
    if len(p.inputs) == 2 and not p.params:  # reflected operator: 2 - v calls v.__rsub__(2)
        sources["rmake"] = _make_source(p, "rmake", ins[::-1], fwd, checked, ins[1])
    common = {
        "Value": Value,
        "MANY": MANY,
        "_new": object.__new__,
        "_lift": _lift,
        "real": real,
        "_domain_error": _domain_error,
        "STATE": STATE,
        "_enabled": _enabled,
    }
    ns.update(common)
    gns.update(common)
    for name in ("make", "method", "rmake", "vjp", "partials"):
        if name in sources:
            exec(compile(sources[name], f"<autograd rule {p.name}: {name}>", "exec"), ns)
    exec(compile(sources["partials_graph"], f"<autograd rule {p.name}: graph>", "exec"), gns)
    op = Op(
        p,
        p.name,
        cast("Callable[[Value], None]", ns["vjp"]),
        cast("Callable[[Value], tuple[Any, ...]]", ns["partials"]),
        cast("Callable[[Value], tuple[Any, ...]]", gns["partials_graph"]),
    )
    ns["OP"] = op
    ns["BOUND"] = op._bound
    p.compiled["make"] = cast("Callable[..., Value]", ns["make"])
    p.compiled["method"] = cast("Callable[..., Value]", ns["method"])
    if "rmake" in ns:
        p.compiled["rmake"] = cast("Callable[..., Value]", ns["rmake"])
    p.compiled["source"] = "\n".join(sources.values())
    p.compiled["op"] = op
    return op


def source(name: str) -> str:
    """The generated Python source of a built-in primitive, for reading.

    >>> text = source("tanh")
    >>> "def vjp" in text, "1 - out * out" in text
    (True, True)
    """
    return str(OPS[name].compiled["source"])


def _no_backward(node: Value) -> None:  # constants and leaves are never interior nodes
    return None


CONST = Op(None, "const", _no_backward, lambda node: (), lambda node: ())

for _p in OPS.values():
    compile_primitive(_p)


def _method(name: str) -> Callable[..., Value]:
    return OPS[name].compiled["method"]


_OPERATORS = {"add": "__add__", "sub": "__sub__", "mul": "__mul__", "div": "__truediv__"}
for _name, _dunder in _OPERATORS.items():
    setattr(Value, _dunder, _method(_name))
    setattr(Value, "__r" + _dunder[2:], OPS[_name].compiled["rmake"])
Value.__neg__ = _method("neg")  # type: ignore[method-assign]
Value.__abs__ = _method("abs")  # type: ignore[method-assign]
for _name in ("exp", "log", "sqrt", "tanh", "sigmoid", "relu", "softplus", "sin", "cos"):
    setattr(Value, _name, _method(_name))

_pow_const, _pow_value = _method("pow"), _method("powv")


def _pow(self: Value, other: Operand) -> Value:
    """``x ** k``: a number k is a constant exponent; a Value exponent is differentiated too."""
    kind = type(other)
    if kind is float or kind is int:
        return _pow_const(self, float(other))
    if isinstance(other, Value):
        return _pow_value(self, other)
    return _pow_const(self, real(other, "pow"))


def _rpow(self: Value, other: object) -> Value:
    return _pow_value(_lift(other, "pow"), self)


def _leaky_relu(self: Value, slope: float = 0.01) -> Value:
    """``x`` where x > 0, else ``slope * x``; the derivative is 1 or ``slope`` (at 0: ``slope``).

    >>> x = Value(-2.0)
    >>> y = x.leaky_relu(0.1)
    >>> y.backward()
    >>> y.data, x.grad
    (-0.2, 0.1)
    """
    return _method("leaky_relu")(self, real(slope, "leaky_relu(slope)"))


def _pos(self: Value) -> Value:
    return self


Value.__pow__ = _pow  # type: ignore[method-assign]
Value.__rpow__ = _rpow  # type: ignore[method-assign]
Value.__pos__ = _pos  # type: ignore[method-assign]
Value.leaky_relu = _leaky_relu  # type: ignore[method-assign]


class PrimitiveFunction(Protocol):
    """What :func:`primitive` makes: a function on Values (or numbers) keeping its table row.

    >>> @primitive(derivatives=[lambda x: 2 * x])
    ... def square(x):
    ...     return x * x
    >>> square(Value(3.0)).data, square.primitive.inputs
    (9.0, ('x',))
    """

    primitive: Primitive

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
    argument, an interval ``(low, high)`` (or a list of them) for tests to draw from.

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
        # Argument names become local names in generated code: keep them only when they are safe.
        reserved = {"data", "node", "g", "out", "e", "OP", *FLOAT_NAMESPACE, *VALUE_NAMESPACE}
        names = args
        if any(n in reserved or n.startswith("_") for n in args):
            names = [f"x{i}" for i in range(len(args))]
        p = Primitive(
            op,
            tuple(names),
            fn if check is None else _guarded(fn, check),
            rules,
            domain=text,
            sample=normalize_sample(sample, len(args), op),
            doc=(fn.__doc__ or "").strip(),
            in_domain=check,
        )
        compile_primitive(p)
        with STATE.lock:
            STATE.fallible_rules += 1
        make = p.compiled["make"]

        @functools.wraps(fn)
        def apply(*operands: Any) -> Value:
            if len(operands) != len(args):
                raise TypeError(f"{op}: takes {len(args)} arguments, got {len(operands)}")
            return make(*operands)

        made = cast(PrimitiveFunction, apply)
        made.primitive = p
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

    return forward
