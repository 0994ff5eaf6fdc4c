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
import keyword
import linecache
import math
import re
import types
import weakref
from collections.abc import Callable, Sequence
from typing import Any, cast

from . import ops
from .engine import MANY, OPS_BY_NAME, Contribs, Op, Operand, Value, lift, real
from .mode import STATE, grad_enabled
from .ops import FLOAT_NAMESPACE, IEEE_FUNCTIONS, IEEE_NAMESPACE, OPS, TABLE, TWIN_ROWS, Primitive

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
    if STATE.no_grad_used and not grad_enabled.get():
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
# node, ``x`` its float), ``out`` and the parameters; then one ACCUMULATE line per input, whose
# term is ``node.grad * (local derivative)`` (see ``contribution``). Where a rule may raise
# before the last input (``1 / y``), every term is computed first (ATOMIC), so a backward
# function either adds all its terms or none: backward can then re-run it in IEEE arithmetic.
BACKWARD_TEMPLATE = """\
def {fname}(node):
{bind}{accumulate}"""
ACCUMULATE = "    {input}.grad += {term}\n"
ATOMIC = "    {temp} = {term}\n"

# The same terms returned instead of added, for grad(): ``g`` is the node's gradient.
CONTRIBS_TEMPLATE = """\
def {fname}(node, g):
{bind}    return ({terms},)
"""

# The local derivatives d out / d input, one per input, as a tuple.
LOCALS_TEMPLATE = """\
def {fname}(node):
{bind}    return ({locals},)
"""

# The names generated code uses for itself; user argument names must not shadow them.
RESERVED = frozenset(
    {"Value", "MANY", "STATE", "new", "lift", "real", "domain_error", "grad_enabled"}
    | {"OP", "BOUND", "data", "node", "out", "e", "g", "_op"}
    | set(IEEE_NAMESPACE)
)


def identifier(name: str) -> str:
    """``name`` made safe to use inside a generated function's name: never code.

    A primitive's name is display text (errors, drawings); only this form reaches source.

    >>> identifier("cube"), identifier("my op"), identifier("x" + chr(10) + "import os")
    ('cube', 'my_op', 'x_import_os')
    """
    text = re.sub(r"\W", "_", name, flags=re.ASCII)
    if not text or text[0].isdigit() or keyword.iskeyword(text):
        text = "_" + text
    return text


def _zero(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and type(node.value) in (int, float) and node.value == 0


def contribution(local: str, g: str) -> str:
    """The term an input's gradient receives: ``g`` times the local derivative ``local``.

    A derivative of exactly 1 or -1 adds ``g`` itself (the same float); a rule that chooses 0
    on one branch (``0.0 if x <= 0 else 1.0``, relu) passes no gradient at all there, not
    ``g * 0``, which would be nan for an infinite ``g`` (PyTorch masks the same way).

    >>> contribution("y", "g"), contribution("1", "g"), contribution("0.0 if x <= 0 else 1.0", "g")
    ('g * (y)', 'g', '0.0 if x <= 0 else g')
    """
    text = local.strip()
    if text in ("1", "1.0"):
        return g
    if text in ("-1", "-1.0"):
        return f"-{g}"
    tree = ast.parse(text, mode="eval").body
    if isinstance(tree, ast.IfExp) and (_zero(tree.body) or _zero(tree.orelse)):
        body, test, orelse = (ast.unparse(n) for n in (tree.body, tree.test, tree.orelse))
        if _zero(tree.body):
            return f"0.0 if {test} else {_branch(orelse, g)}"
        return f"{_branch(body, g)} if {test} else 0.0"
    return f"{g} * ({text})"


def _branch(text: str, g: str) -> str:
    term = contribution(text, g)
    return term if term == g else f"({term})"


class _IEEE(ast.NodeTransformer):
    """Rewrites a rule to IEEE arithmetic: ``a / b`` and ``a ** b`` and math calls to the
    ``ieee_`` helpers of autograd.ops, which give inf or nan where Python would raise."""

    def visit_BinOp(self, node: ast.BinOp) -> ast.expr:
        self.generic_visit(node)
        helper = {ast.Div: "ieee_div", ast.Pow: "ieee_pow"}.get(type(node.op))
        if helper is None:
            return node
        return ast.Call(ast.Name(helper, ast.Load()), [node.left, node.right], [])

    def visit_Call(self, node: ast.Call) -> ast.expr:
        self.generic_visit(node)
        if isinstance(node.func, ast.Name) and node.func.id in IEEE_FUNCTIONS:
            node.func = ast.Name(IEEE_FUNCTIONS[node.func.id], ast.Load())
        return node


def ieee_rule(text: str) -> str:
    """A rule's text in IEEE arithmetic (see ``autograd.ops.IEEE_NAMESPACE``).

    >>> ieee_rule("-out / y"), ieee_rule("exp(x) * x ** 2")
    ('ieee_div(-out, y)', 'ieee_exp(x) * ieee_pow(x, 2)')
    """
    tree = ast.fix_missing_locations(_IEEE().visit(ast.parse(text.strip(), mode="eval")))
    return ast.unparse(tree)


# Helpers that never raise on floats: a rule using only these, + - * and names cannot fail.
_TOTAL = {"abs", "tanh", "sigmoid", "softplus", "pow_grad", "dpow", "xlogy", "recip", "sign"}
_TOTAL |= {"nonzero", *IEEE_NAMESPACE}


def may_raise(text: str) -> bool:
    """True if float arithmetic in the rule can raise (a division, a power, a math call).

    >>> may_raise("1 - out * out"), may_raise("1 / y"), may_raise("dpow(x, k)")
    (False, True, False)
    """
    for n in ast.walk(ast.parse(text.strip(), mode="eval")):
        if isinstance(n, ast.BinOp) and isinstance(n.op, (ast.Div, ast.FloorDiv, ast.Mod, ast.Pow)):
            return True
        if isinstance(n, ast.Call) and not (isinstance(n.func, ast.Name) and n.func.id in _TOTAL):
            return True
    return False


def _tuple_layout(p: Primitive) -> bool:
    """Inputs kept as a tuple (``_b is MANY``): more than two, or a user primitive, whose
    nodes the traversal must notice (see engine._walk)."""
    return len(p.inputs) > 2 or fallible(p)


def fallible(p: Primitive) -> bool:
    """True if a derivative rule is a callable (a user's code, which may raise).

    >>> fallible(OPS["mul"])
    False
    """
    return any(not isinstance(d, str) for d in p.derivatives)


def _store(ins: Sequence[str], as_tuple: bool) -> str:
    """Lines that put the inputs in the node's two slots (see engine.Value)."""
    if as_tuple:
        return f"    node._a = ({', '.join(ins)},)\n    node._b = MANY\n"
    if len(ins) == 1:
        return f"    node._a = {ins[0]}\n    node._b = None\n"
    return f"    node._a = {ins[0]}\n    node._b = {ins[1]}\n"


def _load_inputs(ins: Sequence[str], as_tuple: bool) -> str:
    if as_tuple:
        return f"    {', '.join(ins)}, = node._a\n"
    if len(ins) == 1:
        return f"    {ins[0]} = node._a\n"
    return f"    {ins[0]}, {ins[1]} = node._a, node._b\n"


def _names(expr: str) -> set[str]:
    return {n.id for n in ast.walk(ast.parse(expr, mode="eval")) if isinstance(n, ast.Name)}


def _bind(p: Primitive, exprs: Sequence[str], graph: bool) -> str:
    """Lines that bind the names the rules use: inputs, ``out``, parameters."""
    used = set().union(*(_names(e) for e in exprs)) if exprs else set()
    text = _load_inputs([f"_{n}" for n in p.inputs], _tuple_layout(p))
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
        new_node=NEW_NODE.format(store=_store([f"_{n}" for n in p.inputs], _tuple_layout(p))),
    )


def _backward_source(p: Primitive, ders: Sequence[str], fname: str) -> str:
    terms = [contribution(d, "node.grad") for d in ders]
    atomic = any(may_raise(d) for d in ders[:-1])
    lines = ""
    if atomic:  # every term first: either all are added or, if one raises, none
        for i, t in enumerate(terms):
            lines += ATOMIC.format(temp=f"__t{i}", term=t)
        terms = [f"__t{i}" for i in range(len(terms))]
    for n, t in zip(p.inputs, terms, strict=True):
        if t.startswith("-") and t[1:] == "node.grad":  # the same arithmetic, without * -1
            lines += f"    _{n}.grad -= node.grad\n"
        else:
            lines += ACCUMULATE.format(input=f"_{n}", term=t)
    return BACKWARD_TEMPLATE.format(fname=fname, bind=_bind(p, ders, graph=False), accumulate=lines)


def _contribs_source(p: Primitive, ders: Sequence[str], fname: str, graph: bool) -> str:
    terms = ", ".join(contribution(d, "g") for d in ders)
    return CONTRIBS_TEMPLATE.format(fname=fname, bind=_bind(p, ders, graph), terms=terms)


def _locals_source(p: Primitive, ders: Sequence[str], fname: str, graph: bool) -> str:
    return LOCALS_TEMPLATE.format(fname=fname, bind=_bind(p, ders, graph), locals=", ".join(ders))


def _params_signature(p: Primitive) -> list[str]:
    """Parameters as method arguments, the trailing ones with their defaults."""
    first_default = len(p.params) - len(p.param_defaults)
    return [
        n if i < first_default else f"{n}={p.param_defaults[i - first_default]!r}"
        for i, n in enumerate(p.params)
    ]


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


def _data(v: Any) -> float:
    return v.data if isinstance(v, Value) else float(v)


def _twin_op(name: str) -> Op:
    return OPS_BY_NAME[name]


def _pow_grad(x: Any, k: Any) -> Any:
    if isinstance(k, Value):
        return cast("Callable[..., Value]", _twin_op("pow_grad_v").make)(x, k)
    if isinstance(x, Value):
        return cast("Callable[..., Value]", _twin_op("pow_grad").make)(x, k)
    return ops.pow_grad(x, k)


def _dpow(x: Any, k: Any) -> Any:
    if _data(k) != 0:
        return k * _pow_grad(x, k - 1)
    # d/dx x ** 0 is 0, also at x = 0 where k * x ** (k - 1) is 0 * inf (the float rule's mask).
    # A Value exponent keeps its own derivative, x ** (k - 1), wherever that is finite.
    if isinstance(k, Value):
        power = _pow_grad(x, k - 1)
        if math.isfinite(_data(power)):
            return k * power
    return 0.0


def _xlogy(a: Any, b: Any) -> Any:
    if isinstance(a, Value) or isinstance(b, Value):
        return cast("Callable[..., Value]", _twin_op("xlogy").make)(a, b)
    return ops.xlogy(a, b)


def _recip(v: Any) -> Any:
    if isinstance(v, Value):
        return cast("Callable[..., Value]", _twin_op("recip").make)(v)
    return ops.recip(v)


# The Value twins of the float helpers that are not operations themselves. A helper that is an
# operation (exp, tanh, sigmoid, ...) needs no twin: over Values it is that operation's method.
# Each twin has the float helper's values at the edges (inf at a pole, 0 * log 0 = 0, the x ** 0
# mask) and is differentiable (rows TWIN_ROWS in autograd.ops); sign and nonzero are step
# functions, whose derivative is 0: constants.
VALUE_TWINS: dict[str, object] = {
    "powf": lambda x, k: x**k,
    "pow_grad": _pow_grad,
    "dpow": _dpow,
    "xlogy": _xlogy,
    "recip": _recip,
    "sign": lambda v: ops.sign(_data(v)),
    "nonzero": lambda v: ops.nonzero(_data(v)),
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
    """The source of each function a row becomes over floats, by role."""
    ins, n = [f"_{name}" for name in p.inputs], identifier(p.name)
    sources = {
        "make": _make_source(p, f"forward_{n}", [*ins, *p.params], fwd, ""),
        # As a method the first operand is self, a Value: no need to check its type.
        "method": _make_source(p, f"method_{n}", [*ins, *_params_signature(p)], fwd, ins[0]),
        "backward": _backward_source(p, ders, f"backward_{n}"),
        "partials": _locals_source(p, ders, f"partials_{n}", graph=False),
        "contribs": _contribs_source(p, ders, f"contribs_{n}", graph=False),
    }
    if p.reflected:  # the reflected operator: 2 - v calls v.__rsub__(2)
        sources["rmake"] = _make_source(p, f"reflected_{n}", ins[::-1], fwd, ins[1])
    return sources


def _graph_sources(p: Primitive, ders: Sequence[str]) -> str:
    """The local derivatives and the terms over Values (differentiable, for higher order)."""
    n = identifier(p.name)
    return (
        _locals_source(p, ders, f"partials_graph_{n}", graph=True)
        + "\n"
        + _contribs_source(p, ders, f"contribs_graph_{n}", graph=True)
    )


def _ieee_sources(p: Primitive, ders: Sequence[str]) -> str | None:
    """Backward and terms with IEEE arithmetic; None if no rule can raise (or one is a user's)."""
    if fallible(p) or not any(may_raise(d) for d in ders):
        return None
    safe = [ieee_rule(d) for d in ders]
    n = identifier(p.name)
    return (
        _backward_source(p, safe, f"backward_ieee_{n}")
        + "\n"
        + _contribs_source(p, safe, f"contribs_ieee_{n}", graph=False)
    )


def _check_names(p: Primitive) -> None:
    """Input and parameter names become local names in generated code: identifiers that do not
    shadow the code's own names."""
    for name in (*p.inputs, *p.params):
        if (
            not isinstance(name, str)
            or not name.isidentifier()
            or keyword.iskeyword(name)
            or name.startswith("_")
            or name in RESERVED
        ):
            raise ValueError(
                f"primitive {p.name!r}: {name!r} cannot name an input or parameter (use a "
                "Python identifier not starting with '_', other than "
                + ", ".join(sorted(RESERVED))
                + ")"
            )


def compile_primitive(p: Primitive) -> Op:
    """Compile one row into an Op: forward (``op.make``), backward and local derivatives.

    >>> cube = Primitive("cube", ("x",), "x * x * x", ("3 * x * x",))
    >>> op = compile_primitive(cube)
    >>> y = op.make(Value(2.0))
    >>> y.data, op.partials(y)
    (8.0, (12.0,))
    """
    _check_names(p)
    ns: dict[str, object] = {**FLOAT_NAMESPACE, **IEEE_NAMESPACE}
    gns: dict[str, object] = value_namespace()
    fwd = _rule_text(p.forward, "_forward", p.inputs, ns)
    ders = [_rule_text(d, f"_d{i}", p.inputs, ns) for i, d in enumerate(p.derivatives)]
    for i, d in enumerate(p.derivatives):
        if not isinstance(d, str):
            gns[f"_d{i}"] = d
    sources = _sources(p, fwd, ders)
    ieee = _ieee_sources(p, ders)
    if ieee is not None:
        sources["ieee"] = ieee
    graph_source = _graph_sources(p, ders)
    ns.update(generated_code_names())
    gns.update(generated_code_names())
    n = identifier(p.name)  # file names are shown in tracebacks; a name may hold anything
    run_source("".join(s + "\n" for s in sources.values()), f"rule {n}", ns)
    run_source(graph_source, f"rule {n}, over Values", gns)
    op = Op(
        p,
        p.name,
        cast("Callable[[Value], None]", ns[f"backward_{n}"]),
        cast("Callable[[Value], tuple[Any, ...]]", ns[f"partials_{n}"]),
        cast("Callable[[Value], tuple[Any, ...]]", gns[f"partials_graph_{n}"]),
        contribs=cast("Contribs", ns[f"contribs_{n}"]),
        contribs_graph=cast("Contribs", gns[f"contribs_graph_{n}"]),
        vjp_ieee=cast("Callable[[Value], None] | None", ns.get(f"backward_ieee_{n}")),
        contribs_ieee=cast("Contribs | None", ns.get(f"contribs_ieee_{n}")),
        fallible=fallible(p),
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
    if any(p is row for row in TWIN_ROWS):
        OPS_BY_NAME[p.name] = _COMPILED[p]
        return
    if p.name not in OPS or OPS[p.name] is not p:
        return  # user primitives are functions, not methods
    OPERATIONS[p.name] = OPS_BY_NAME[p.name] = _COMPILED[p]
    for name, fn in ((p.method, method), (p.reflected, reflected)):
        if name is not None:
            assert isinstance(fn, types.FunctionType)
            fn.__name__, fn.__qualname__ = name, f"Value.{name}"
            fn.__module__ = Value.__module__  # found again by name: pickles refer to it
            setattr(Value, name, fn)
    if p.method is not None:
        cast(types.FunctionType, method).__doc__ = p.doc or None


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
    if p.name in OPS or p.name in OPS_BY_NAME:
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
    OPS_BY_NAME.pop(name, None)
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

for _row in [*TABLE, *TWIN_ROWS]:
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
    if kind is float:
        return _pow_const(self, other)
    if kind is int:
        try:
            return _pow_const(self, float(other))
        except OverflowError:
            pass  # real() below says which operation
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
