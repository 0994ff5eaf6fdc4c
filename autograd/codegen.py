"""Turns each row of the operation table into ``Value`` methods and backward functions.

Everything the engine runs per node is written out here as Python source from a few templates,
filled in from a table row (``autograd.ops``), and compiled once at import time:

- ``MAKE_TEMPLATE`` (forward): read the operands' floats, apply the row's forward rule, record
  one node (``NEW_NODE``, the only place a node is put together);
- ``BACKWARD_TEMPLATE`` (reverse mode, first order): the chain rule, one line per input,
  ``input.grad += node.grad * (local derivative)``;
- ``LOCALS_TEMPLATE``: the local derivatives themselves, as floats (``grad()``, the stepper) and
  as Values (differentiable, for higher order), from the same rule text.

Print ``source("mul")`` to read what a row becomes. The generated source is registered with
``linecache``, so tracebacks, ``pdb`` and ``inspect.getsource`` show its lines. Source text comes
only from the table and from identifiers; callables (user primitives) are referenced by name,
never turned into text. Generating code keeps the hot path straight-line attribute access: no
closure per node, no dict per node, no interpreter of rules.
"""

from __future__ import annotations

import ast
import itertools
import linecache
import math
import types
import weakref
from collections.abc import Callable, Sequence
from typing import Any, cast

from . import ops
from .engine import MANY, Op, Operand, Value, lift, real
from .mode import STATE, grad_enabled
from .ops import FLOAT_NAMESPACE, OPS, TABLE, Primitive

# -- The templates ---------------------------------------------------------------------------

# Forward. ``{lift}`` turns numbers into constant leaves (skipped for ``self``), ``{load}``
# reads the operands' floats under the row's input names.
MAKE_TEMPLATE = """\
def {fname}({args}):
{lift}    _op = {op}
{load}    try:
        data = {forward}
    except (ArithmeticError, ValueError) as e:
        raise domain_error(_op, e, ({values},)) from None
{new_node}"""

# One node, put together field by field (faster than calling Value.__init__). Under no_grad
# the result is a detached leaf instead.
NEW_NODE = """\
    if STATE.open_mode_blocks and not grad_enabled.get():
        return Value(data)
    node = new(Value)
    node.data = data
    node.grad = 0.0
    node.label = ""
{store}    node._op = _op
    node._mark = None
    return node
"""

# Reverse mode: the chain rule for one node. ``{bind}`` names the inputs (``_x`` is the input
# node, ``x`` its float), ``out`` and the parameters; then one ACCUMULATE line per input.
BACKWARD_TEMPLATE = """\
def backward_{name}(node):
{bind}{accumulate}"""
ACCUMULATE = "    {input}.grad += node.grad * ({local})\n"

# The local derivatives d out / d input, one per input, as a tuple.
LOCALS_TEMPLATE = """\
def {fname}(node):
{bind}    return ({locals},)
"""

# The names generated code uses for itself; user argument names must not shadow them.
RESERVED = frozenset(
    {"Value", "MANY", "STATE", "new", "lift", "real", "domain_error", "grad_enabled"}
    | {"OP", "BOUND", "data", "node", "out", "e", "_op"}
)


def _store(ins: Sequence[str]) -> str:
    """Lines that put the inputs in the node's two slots (see engine.Value)."""
    if len(ins) == 1:
        return f"    node._a = {ins[0]}\n    node._b = None\n"
    if len(ins) == 2:
        return f"    node._a = {ins[0]}\n    node._b = {ins[1]}\n"
    return f"    node._a = ({', '.join(ins)},)\n    node._b = MANY\n"


def _load_inputs(ins: Sequence[str]) -> str:
    if len(ins) == 1:
        return f"    {ins[0]} = node._a\n"
    if len(ins) == 2:
        return f"    {ins[0]}, {ins[1]} = node._a, node._b\n"
    return f"    {', '.join(ins)}, = node._a\n"


def _names(expr: str) -> set[str]:
    return {n.id for n in ast.walk(ast.parse(expr, mode="eval")) if isinstance(n, ast.Name)}


def _bind(p: Primitive, exprs: Sequence[str], graph: bool) -> str:
    """Lines that bind the names the rules use: inputs, ``out``, parameters."""
    used = set().union(*(_names(e) for e in exprs)) if exprs else set()
    text = _load_inputs([f"_{n}" for n in p.inputs])
    for n in p.inputs:
        if n in used:
            text += f"    {n} = _{n}" + ("\n" if graph else ".data\n")
    if "out" in used:
        text += "    out = node" + ("\n" if graph else ".data\n")
    if p.params:
        text += f"    {', '.join(p.params)}, = node._op.params\n"
    return text


def _make_source(p: Primitive, fname: str, args: Sequence[str], fwd: str, trusted: str) -> str:
    """Forward source; ``trusted`` names the argument that is ``self`` (a Value already)."""
    lift_lines = "".join(
        f"    if type({a}) is not Value:\n        {a} = lift({a}, {p.name!r})\n"
        for a in (f"_{n}" for n in p.inputs)
        if a != trusted
    )
    if trusted:  # a method: parameters come from users, so check them (make's come checked)
        lift_lines += "".join(f"    {k} = real({k}, {f'{p.name}({k})'!r})\n" for k in p.params)
    if p.params:  # the cache lookup is inlined: most calls reuse an exponent seen before
        key = f"({', '.join(p.params)},)"
        op = f"BOUND.get({key}) or OP.bind(*{key})"
    else:
        op = "OP"
    forward = fwd if isinstance(p.forward, str) else f"real({fwd}, {p.name!r})"
    return MAKE_TEMPLATE.format(
        fname=fname,
        args=", ".join(args),
        lift=lift_lines,
        op=op,
        load="".join(f"    {n} = _{n}.data\n" for n in p.inputs),
        forward=forward,
        values=", ".join(p.inputs),
        new_node=NEW_NODE.format(store=_store([f"_{n}" for n in p.inputs])),
    )


def _backward_source(p: Primitive, ders: Sequence[str]) -> str:
    lines = ""
    for n, d in zip(p.inputs, ders, strict=True):
        d = d.strip()
        if d in ("1", "1.0"):  # the same arithmetic, without multiplying by one
            lines += f"    _{n}.grad += node.grad\n"
        elif d in ("-1", "-1.0"):
            lines += f"    _{n}.grad -= node.grad\n"
        else:
            lines += ACCUMULATE.format(input=f"_{n}", local=d)
    return BACKWARD_TEMPLATE.format(name=p.name, bind=_bind(p, ders, graph=False), accumulate=lines)


def _locals_source(p: Primitive, ders: Sequence[str], fname: str, graph: bool) -> str:
    return LOCALS_TEMPLATE.format(fname=fname, bind=_bind(p, ders, graph), locals=", ".join(ders))


def _params_signature(p: Primitive) -> list[str]:
    """Parameters as method arguments, the trailing ones with their defaults."""
    first_default = len(p.params) - len(p.param_defaults)
    return [
        n if i < first_default else f"{n}={_literal(p.param_defaults[i - first_default])}"
        for i, n in enumerate(p.params)
    ]


def _literal(x: float) -> str:
    """A float as source text (``repr`` except for infinities and nan, which have none)."""
    return repr(x) if math.isfinite(x) else f"float({str(x)!r})"


_file_numbers = itertools.count()


def run_source(source: str, what: str, ns: dict[str, object]) -> str:
    """Compile and run generated source into ``ns``; returns the file name it is filed under.

    The source is registered with ``linecache`` under that name, so tracebacks, ``pdb`` and
    ``inspect.getsource`` show the generated lines.

    >>> ns = {}
    >>> name = run_source("def f(x):" + chr(10) + "    return 1 / x" + chr(10), "example", ns)
    >>> import linecache; linecache.getline(name, 2).strip()
    'return 1 / x'
    """
    filename = f"<autograd {what} #{next(_file_numbers)}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    exec(compile(source, filename, "exec"), ns)
    return filename


def domain_error(op: Op, exc: Exception, args: tuple[float, ...]) -> Exception:
    """The error a forward rule's failure becomes: names the operation, operands and domain.

    >>> print(domain_error(OPERATIONS["log"], ValueError("math domain error"), (-1.0,)))
    log: operand outside the domain for x=-1.0 (defined for x > 0)
    """
    p = op.primitive
    names = p.inputs if p is not None else tuple(f"x{i}" for i in range(len(args)))
    shown = ", ".join(f"{n}={a!r}" for n, a in zip(names, args, strict=True))
    if op.params and p is not None:
        shown += ", " + ", ".join(f"{n}={v!r}" for n, v in zip(p.params, op.params, strict=True))
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


def _data_of(v: Any) -> float:
    return v.data if isinstance(v, Value) else float(v)


def _value_sign(v: Any) -> float:
    return ops.sign(_data_of(v))


# The Value twins of the float helpers that are not operations themselves. A helper that is an
# operation (exp, tanh, sigmoid, ...) needs no twin: over Values it is that operation's method.
VALUE_TWINS: dict[str, object] = {
    "powf": lambda x, k: x**k,
    "pow_grad": lambda x, k: x**k,
    "xlogy": lambda a, b: a * b.log(),
    "recip": lambda v: 1.0 / v,
    "sign": _value_sign,
    # piecewise-constant derivatives: a float over Values too (their own derivative is 0)
    "max_share": lambda a, b: ops.max_share(_data_of(a), _data_of(b)),
}


def _method_caller(name: str) -> Callable[[Any], Any]:
    return lambda v: getattr(v, name)()


def value_namespace() -> dict[str, object]:
    """The names rule texts use, over Values: the same text then builds a differentiable graph.

    >>> ns = value_namespace()
    >>> ns["tanh"](Value(0.0)).op, ns["abs"] is abs
    ('tanh', True)
    """
    ns: dict[str, object] = {"abs": abs}
    for p in TABLE:
        if len(p.inputs) == 1 and not p.params and p.method == p.name:
            ns[p.name] = _method_caller(p.name)
    ns.update(VALUE_TWINS)
    return ns


def _rule_text(rule: object, slot: str, inputs: Sequence[str], ns: dict[str, object]) -> str:
    """A rule as expression text; a callable is stored in the namespace and called by name."""
    if isinstance(rule, str):
        return rule
    ns[slot] = rule
    return f"{slot}({', '.join(inputs)})"


# Every compiled primitive's Op: built-in rows by name, and any primitive by identity.
OPERATIONS: dict[str, Op] = {}
_COMPILED: weakref.WeakKeyDictionary[Primitive, Op] = weakref.WeakKeyDictionary()


def op_of(p: Primitive) -> Op:
    """The compiled Op of a row or user primitive (compiling it on first use).

    >>> op_of(OPS["mul"]).name, op_of(OPS["mul"]) is OPERATIONS["mul"]
    ('mul', True)
    """
    op = _COMPILED.get(p)
    return op if op is not None else compile_primitive(p)


def generated_code_names() -> dict[str, object]:
    """The names every generated function may use besides the rule helpers.

    >>> sorted(generated_code_names())[:3]
    ['MANY', 'STATE', 'Value']
    """
    return {
        "Value": Value,
        "MANY": MANY,
        "new": object.__new__,
        "lift": lift,
        "real": real,
        "domain_error": domain_error,
        "STATE": STATE,
        "grad_enabled": grad_enabled,
    }


def _sources(p: Primitive, fwd: str, ders: Sequence[str]) -> dict[str, str]:
    """The source of each function a row becomes, by role."""
    ins, n = [f"_{name}" for name in p.inputs], p.name
    sources = {
        "make": _make_source(p, f"forward_{n}", [*ins, *p.params], fwd, ""),
        # As a method the first operand is self, a Value: no need to check its type.
        "method": _make_source(p, f"method_{n}", [*ins, *_params_signature(p)], fwd, ins[0]),
        "backward": _backward_source(p, ders),
        "partials": _locals_source(p, ders, f"partials_{n}", graph=False),
    }
    if p.reflected:  # the reflected operator: 2 - v calls v.__rsub__(2)
        sources["rmake"] = _make_source(p, f"reflected_{n}", ins[::-1], fwd, ins[1])
    return sources


def compile_primitive(p: Primitive) -> Op:
    """Compile one row into an Op: forward (``op.make``), backward and local derivatives.

    >>> cube = Primitive("cube", ("x",), "x * x * x", ("3 * x * x",))
    >>> op = compile_primitive(cube)
    >>> y = op.make(Value(2.0))
    >>> y.data, op.partials(y)
    (8.0, (12.0,))
    """
    ns: dict[str, object] = dict(FLOAT_NAMESPACE)
    gns: dict[str, object] = value_namespace()
    fwd = _rule_text(p.forward, "_forward", p.inputs, ns)
    ders = [_rule_text(d, f"_d{i}", p.inputs, ns) for i, d in enumerate(p.derivatives)]
    for i, d in enumerate(p.derivatives):
        if not isinstance(d, str):
            gns[f"_d{i}"] = d
    sources = _sources(p, fwd, ders)
    graph_source = _locals_source(p, ders, f"partials_graph_{p.name}", graph=True)
    ns.update(generated_code_names())
    gns.update(generated_code_names())
    run_source("".join(s + "\n" for s in sources.values()), f"rule {p.name}", ns)
    run_source(graph_source, f"rule {p.name}, over Values", gns)
    n = p.name
    op = Op(
        p,
        n,
        cast("Callable[[Value], None]", ns[f"backward_{n}"]),
        cast("Callable[[Value], tuple[Any, ...]]", ns[f"partials_{n}"]),
        cast("Callable[[Value], tuple[Any, ...]]", gns[f"partials_graph_{n}"]),
    )
    ns["OP"] = op
    ns["BOUND"] = op._bound
    op.make = cast("Callable[..., Value]", ns[f"forward_{n}"])
    op.source = "\n".join([*sources.values(), graph_source])
    _COMPILED[p] = op
    _install(p, ns.get(f"method_{n}"), ns.get(f"reflected_{n}"))
    return op


def _install(p: Primitive, method: object, reflected: object) -> None:
    """Attach the row's method (and reflected operator) to Value, with the row's docstring."""
    if p.name not in OPS or OPS[p.name] is not p:
        return  # user primitives are functions, not methods
    OPERATIONS[p.name] = _COMPILED[p]
    if p.method is not None:
        assert isinstance(method, types.FunctionType)
        method.__name__ = p.method
        method.__qualname__ = f"Value.{p.method}"
        method.__doc__ = p.doc or None
        setattr(Value, p.method, method)
    if p.reflected:
        setattr(Value, p.reflected, reflected)


def source(name: str) -> str:
    """The generated Python source of a table row, for reading.

    >>> text = source("tanh")
    >>> "def backward_tanh" in text, "_x.grad += node.grad * (1 - out * out)" in text
    (True, True)
    """
    return OPERATIONS[name].source


def add_operation(p: Primitive) -> Op:
    """Add a row to the operation table: it becomes a method, a drawing symbol, a function of
    the expression language, compilable, and testable, like every built-in row.

    >>> cube = Primitive("cube", ("x",), "x * x * x", ("3 * x * x",), sample=(((-2.0, 2.0),),))
    >>> _ = add_operation(cube)
    >>> y = Value(2.0).cube()
    >>> y.backward()
    >>> y.data, y.op
    (8.0, 'cube')
    >>> remove_operation("cube")
    """
    if p.name in OPS:
        raise ValueError(f"add_operation: the table already has a row named {p.name!r}")
    if p.method is not None and hasattr(Value, p.method):
        raise ValueError(f"add_operation: Value already has an attribute {p.method!r}")
    TABLE.append(p)
    OPS[p.name] = p
    try:
        return compile_primitive(p)
    except BaseException:
        remove_operation(p.name)
        raise


def remove_operation(name: str) -> None:
    """Take a row added by ``add_operation`` out of the table again.

    >>> _ = add_operation(Primitive("twice", ("x",), "2 * x", ("2",)))
    >>> Value(1.5).twice().data
    3.0
    >>> remove_operation("twice")
    >>> hasattr(Value, "twice")
    False
    """
    p = OPS.pop(name)
    TABLE.remove(p)
    OPERATIONS.pop(name, None)
    for attr in (p.method, p.reflected):
        if attr and attr in vars(Value):
            delattr(Value, attr)


_RECORD_STORE = """\
    if len(inputs) == 2:
        node._a, node._b = inputs
    elif len(inputs) == 1:
        node._a, node._b = inputs[0], None
    else:
        node._a, node._b = inputs, MANY
"""


def _generate_record() -> Callable[[float, tuple[Value, ...], Op], Value]:
    ns = generated_code_names()
    text = "def record(data, inputs, _op):\n" + NEW_NODE.format(store=_RECORD_STORE)
    run_source(text, "record", ns)
    made = cast("Callable[[float, tuple[Value, ...], Op], Value]", ns["record"])
    made.__doc__ = _RECORD_DOC
    return made


_RECORD_DOC = """A new node made by ``op`` from ``inputs`` (a leaf under ``no_grad``).

    Hand-written operations whose number of inputs varies (``fused.linear``) call it; it is
    generated from the same ``NEW_NODE`` lines as every row's forward.

    >>> a, b = Value(2.0), Value(3.0)
    >>> c = record(a.data * b.data, (a, b), OPERATIONS["mul"])
    >>> c.backward()
    >>> c.data, c.op, a.grad, b.grad
    (6.0, 'mul', 3.0, 2.0)
    """

record = _generate_record()
__test__ = {"record": _RECORD_DOC}

for _row in list(TABLE):
    compile_primitive(_row)

_pow_const = cast("Callable[..., Value]", OPERATIONS["pow"].make)
_pow_value = cast("Callable[..., Value]", OPERATIONS["powv"].make)


def _pow(self: Value, other: Operand) -> Value:
    """``x ** k``: a number k is a constant exponent (row ``pow``); a Value exponent is
    differentiated too (row ``powv``).

    >>> x = Value(3.0)
    >>> (x ** 2).op, (x ** Value(2.0)).op
    ('pow', 'powv')
    """
    kind = type(other)
    if kind is float or kind is int:
        return _pow_const(self, float(other))
    if isinstance(other, Value):
        return _pow_value(self, other)
    return _pow_const(self, real(other, "pow"))


def _rpow(self: Value, other: object) -> Value:
    return _pow_value(lift(other, "pow"), self)


def _pos(self: Value) -> Value:
    return self


Value.__pow__ = _pow  # type: ignore[method-assign]
Value.__rpow__ = _rpow  # type: ignore[method-assign]
Value.__pos__ = _pos  # type: ignore[method-assign]
