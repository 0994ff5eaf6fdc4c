"""A rule of the table as code: the term an input receives, IEEE arithmetic, what may raise.

The generator of ``autograd/core/operations.py`` and the tracer behind ``autograd.compile`` both
turn a row's derivative text into the term ``upstream × local``; both call ``contribution`` here,
so the eager engine and compiled code mask the same zeros and add the same floats.
"""

from __future__ import annotations

import ast
import keyword
import re

from .ops import (
    FLOAT_NAMESPACE,
    IEEE_FUNCTIONS,
    IEEE_NAMESPACE,
    NEVER_RAISES,
    OPS,
    VALUE_HELPERS,
    Primitive,
)

# The names that code written from rules uses for itself (autograd/core/operations.py, the
# rules compiled for user primitives, compiled graphs): an input or parameter of a row must not
# be one of them, nor start with "_".
RESERVED = frozenset(
    {"g", "out", "node", "cls", "data", "op", "e", "self", "other", "new", "twins", "real"}
    | {"constant", "register", "STATE", "scoped", "domain_error", "Op", "row"}
    | {"Any", "Operand", "Self", "Union", "TYPE_CHECKING", "annotations", "Callable"}
    | set(FLOAT_NAMESPACE)
    | set(IEEE_NAMESPACE)
)


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


# The rows whose IEEE version a rule's ``/`` and ``**`` become.
_OPERATOR_ROWS = {ast.Div: OPS["div"], ast.Pow: OPS["pow"]}


class _IEEE(ast.NodeTransformer):
    """Rewrites a rule to IEEE arithmetic: ``a / b`` and ``a ** b`` and math calls to the
    ``ieee_`` helpers of autograd.ops, which give inf or nan where Python would raise."""

    def visit_BinOp(self, node: ast.BinOp) -> ast.expr:
        self.generic_visit(node)
        row = _OPERATOR_ROWS.get(type(node.op))
        if row is None or row.ieee_fn is None:
            return node
        helper = row.ieee_fn.__name__
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


def may_raise(text: str) -> bool:
    """True if float arithmetic in the rule can raise (a division, a power, a call of a function
    whose row does not say ``never_raises``).

    >>> may_raise("1 - out * out"), may_raise("1 / y"), may_raise("dpow(x, k)")
    (False, True, False)
    """
    for n in ast.walk(ast.parse(text.strip(), mode="eval")):
        if isinstance(n, ast.BinOp) and isinstance(n.op, (ast.Div, ast.FloorDiv, ast.Mod, ast.Pow)):
            return True
        if isinstance(n, ast.Call) and not (
            isinstance(n.func, ast.Name) and n.func.id in NEVER_RAISES
        ):
            return True
    return False


def check_names(p: Primitive) -> None:
    """A row's input and parameter names become names in code written from its rules: they must
    be identifiers that do not start with "_" and shadow none of that code's own names.

    >>> check_names(Primitive("ok", ("x",), "2 * x", ("2",)))
    >>> check_names(Primitive("bad", ("node",), "2 * node", ("2",)))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: primitive 'bad': 'node' cannot name an input or parameter (use a Python ...
    """
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
                "Python identifier not starting with '_', other than the names the generated "
                "code uses: " + ", ".join(sorted(RESERVED)) + ")"
            )


def names_in(text: str) -> set[str]:
    """The variable names a rule reads.

    >>> sorted(names_in("out * (1 - out) + k"))
    ['k', 'out']
    """
    return {n.id for n in ast.walk(ast.parse(text, mode="eval")) if isinstance(n, ast.Name)}


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


class _OverValues(ast.NodeTransformer):
    """A rule over Values: unary operations become method calls (``exp(x)`` -> ``x.exp()``),
    helpers the functions of ``autograd.core.twins``."""

    def visit_Call(self, node: ast.Call) -> ast.expr:
        self.generic_visit(node)
        if not isinstance(node.func, ast.Name):
            return node
        name = node.func.id
        row = OPS.get(name)
        if row is not None and row.method == name and len(node.args) == 1 and not row.params:
            return ast.Call(ast.Attribute(node.args[0], name, ast.Load()), [], [])
        if name in VALUE_HELPERS:
            node.func = ast.Attribute(ast.Name("twins", ast.Load()), name, ast.Load())
        return node


def over_values(text: str) -> str:
    """A rule's text over Values.

    >>> over_values("sigmoid(x)"), over_values("dpow(x, k)"), over_values("1 - out * out")
    ('x.sigmoid()', 'twins.dpow(x, k)', '1 - out * out')
    """
    tree = ast.fix_missing_locations(_OverValues().visit(ast.parse(text.strip(), mode="eval")))
    return ast.unparse(tree)
