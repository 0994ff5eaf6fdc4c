"""How a graph is written in text: its nodes in order, their names and formulas, its numbers.

The drawings, the steppers, the learner checks (``autograd.testing``) and the exercises all
write a graph the same way, so text and picture say the same thing; this module is that one
way, below all of them.

Every node gets one name: its label; for a constant, its value; for any other node without a
label, ``n1``, ``n2``, ... in the order the values are computed. Drawings print the name in the
node's box, and the steppers use it in their text. A node's formula is the operation applied to
its inputs' names (``x × w``), and its local derivatives are the operation table's rules with
the row's input names bound to those names (``d(x × w)/dx = w``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from .core.graph import topological_order
from .core.linear import weighted_sum
from .core.op import CONST
from .core.value import Value
from .ops import HELPER_ROWS, RULE_HELPERS, TABLE, Display, Primitive

__all__ = [
    "derivative_rule",
    "expression",
    "fmt",
    "fmt_product",
    "formula",
    "forward_order",
    "full_expression",
    "node_names",
]

_SIMPLE = re.compile(r"[\w.]+|-?\d[\w.+-]*")


def fmt(x: float) -> str:
    """A float in at most 4 significant digits, for labels.

    >>> fmt(3.14159), fmt(-0.000123456), fmt(2.0), fmt(float("inf")), fmt(-0.0)
    ('3.142', '-0.0001235', '2', 'inf', '0')
    """
    return f"{x + 0.0:.4g}"  # + 0.0 turns -0.0 into 0.0: a zero is drawn "0", never "-0"


def fmt_product(a: float, b: float, product: float) -> tuple[str, str, str]:
    """``a``, ``b`` and ``product`` as text whose arithmetic checks: the factors take one more
    digit (from 4, up to a float's 17) until they multiply to the product shown with 4
    significant digits, as every other number, or 5 (a product whose 4-digit rounding the
    shown factors land just on the other side of); a product that no digits of the factors
    reproduce (one that is not ``a * b``) gets as many digits as it needs.

    >>> fmt_product(-0.17745, 2.0, -0.3549)  # -0.1774 × 2 would be -0.3548, not -0.3549
    ('-0.17745', '2', '-0.3549')
    >>> fmt_product(1.551427757778, 0.5, 0.775713878889)  # not a 12-digit product
    ('1.5514', '0.5', '0.7757')
    >>> fmt_product(0.2055, 1.5, 0.30825), fmt_product(0.5, 3.0, 1.5)
    (('0.2055', '1.5', '0.30825'), ('0.5', '3', '1.5'))
    """
    for digits in range(4, 18):
        sa, sb = (f"{x + 0.0:.{digits}g}" for x in (a, b))
        for shown in (4, 5):
            if f"{float(sa) * float(sb) + 0.0:.{shown}g}" == f"{product + 0.0:.{shown}g}":
                return sa, sb, f"{product + 0.0:.{shown}g}"
    for digits in range(4, 18):
        sa, sb, sp = (f"{x + 0.0:.{digits}g}" for x in (a, b, product))
        if f"{float(sa) * float(sb) + 0.0:.{digits}g}" == sp:
            return sa, sb, sp
    return repr(a + 0.0), repr(b + 0.0), repr(product + 0.0)


def forward_order(root: Value) -> list[Value]:
    """Every node ``root`` depends on, each after its inputs; a leaf just before its first use.

    >>> a = Value(1.0, "a")
    >>> [v.label or v.op for v in forward_order((a * 2).exp())]
    ['a', 'const', 'mul', 'exp']
    """
    if root.is_leaf:
        return [root]
    seen: dict[Value, None] = {}
    for node in topological_order((root,)):
        for child in node.inputs:
            if child.is_leaf and child not in seen:
                seen[child] = None
        seen[node] = None
    return list(seen)


def node_names(order: Iterable[Value]) -> dict[Value, str]:
    """The name of each node: its label, a constant's value, else ``n1``, ``n2``, ...

    Generated names skip any label already in use, so they never collide with one.

    >>> x = Value(2.0, "x")
    >>> y = (x * 3).tanh()
    >>> list(node_names(forward_order(y)).values())
    ['x', '3', 'n1', 'n2']
    """
    nodes = list(order)
    taken = {v.label for v in nodes if v.label}
    names: dict[Value, str] = {}
    k = 0
    for v in nodes:
        if v.label:
            names[v] = v.label
        elif v.operation is CONST:
            names[v] = fmt(v.data)
        else:
            k += 1
            while f"n{k}" in taken:
                k += 1
            names[v] = f"n{k}"
    return names


def _atom(name: str) -> str:
    """A name as an operand in a formula: in parentheses unless it is one word or number."""
    return name if _SIMPLE.fullmatch(name) else f"({name})"


def formula(node: Value, args: Sequence[str]) -> str:
    """How ``node`` was computed from operands written as ``args``: ``x × w``, ``tanh(n1)``.

    >>> a = Value(2.0, "a")
    >>> formula(a * a, ["a", "a"]), formula(a**2, ["a"]), formula(a.tanh(), ["a"])
    ('a × a', 'a^2', 'tanh(a)')
    """
    shown = _display(node)
    if shown.infix:
        return f" {shown.infix} ".join(args)
    if weighted_sum(node):
        n = len(args) >> 1
        terms = [f"{w}·{x}" for w, x in zip(args[:n], args[n:-1], strict=True)]
        return " + ".join([args[-1], *terms])
    params = [fmt(p) for p in node.params]
    if shown.form:  # (-0.3775)^2, not -0.3775^2, which reads as -(0.3775^2)
        base = f"({args[0]})" if args and args[0][:1] in "-−" else args[0] if args else ""
        named = {f"p{i}": p for i, p in enumerate(params)}
        return shown.form.format(*args, base=base, **named)
    return f"{node.op}({', '.join([*args, *params])})"


def _display(node: Value) -> Display:
    """How the node's operation is written: its row's display column (a call if it has none)."""
    op = node.operation
    return op.row.meta.display if op is not None and op.row is not None else _CALL


_CALL = Display()


def expression(node: Value, names: Mapping[Value, str]) -> str:
    """``node``'s formula over the names of its inputs.

    >>> x, w = Value(2.0, "x"), Value(-3.0, "w")
    >>> y = x * w
    >>> expression(y, {x: "x", w: "w"})
    'x × w'
    """
    return formula(node, [_atom(names[v]) for v in node.inputs])


def full_expression(root: Value, names: Mapping[Value, str], limit: int = 80) -> str | None:
    """``root`` written out down to the leaves (``tanh(x × w + b)``), or None when longer
    than ``limit`` characters.

    >>> a = Value(-3.0, "a")
    >>> b = a + a
    >>> c = b * b
    >>> full_expression(c, {a: "a", b: "b", c: "c"})
    '(a + a) × (a + a)'
    >>> x = Value(1.0, "x")
    >>> y = ((x - (x + 1)) * 2 + x).tanh()
    >>> full_expression(y, node_names(forward_order(y)))
    'tanh((x − (x + 1)) × 2 + x)'
    """
    memo: dict[Value, str] = {}
    budget = [limit * 4]  # stop early on deep graphs: reused nodes grow the text exponentially

    def text(v: Value) -> str:
        if v.is_leaf:
            return _atom(names[v])
        if v not in memo:
            args = [_operand(v, i, c, text(c)) for i, c in enumerate(v.inputs)]
            memo[v] = formula(v, args)
            budget[0] -= len(memo[v])
            if budget[0] < 0:
                raise OverflowError
        return memo[v]

    try:
        out = text(root)
    except (OverflowError, RecursionError):
        return None
    return out if len(out) <= limit else None


def _level(node: Value) -> int:
    """How tightly the node's formula binds (0: a function call); a weighted sum is a sum."""
    return 1 if weighted_sum(node) else _display(node).precedence


def _operand(parent: Value, i: int, child: Value, text: str) -> str:
    """``text`` in parentheses where the usual precedence would read it wrongly."""
    outer = _level(parent)
    inner = _level(child) if not child.is_leaf else 0
    if not outer or not inner:  # a function call's argument, or a leaf
        return text
    right = i > 0 and not _display(parent).associative  # a - (b + c), a ÷ (b × c)
    if inner < outer or (inner == outer and (right or outer >= 3)):
        return f"({text})"
    return text


def _in_rules(name: str, form: str) -> tuple[re.Pattern[str], str]:
    """A call ``name(a, b)`` in a rule text, and its learner's form with the arguments in."""
    arity = 2 if "{1}" in form else 1
    arg = r"([^(),]+)"
    pattern = re.compile(rf"\b{name}\(" + ", ".join([arg] * arity) + r"\)")
    return pattern, form.replace("{0}", r"\1").replace("{1}", r"\2")


# Helper calls in the rule texts, written as a learner would (``pow_grad(x, k - 1)`` is
# ``x^(k - 1)`` made total at 0): the ``in_rules`` column of the rows and rule helpers.
_HELPERS = [
    _in_rules(fn.__name__, form)
    for fn, form in [
        *((h.fn, h.in_rules) for h in RULE_HELPERS),
        *((p.float_fn, p.meta.display.in_rules) for p in [*TABLE, *HELPER_ROWS]),
    ]
    if fn is not None and form
]
_WORD = re.compile(r"[A-Za-z_]\w*")


def derivative_rule(node: Value, i: int, names: Mapping[Value, str]) -> str | None:
    """The row's rule for d node/d input ``i``, over the names the drawing shows; None if the
    rule is Python code rather than a formula.

    >>> x, w = Value(2.0, "x"), Value(-3.0, "w")
    >>> y = x * w
    >>> o = y.tanh()
    >>> names = {x: "x", w: "w", y: "n1", o: "o"}
    >>> derivative_rule(y, 0, names), derivative_rule(o, 0, names)
    ('w', '1 - o × o')
    >>> derivative_rule(x**3, 0, {x: "x"})
    '3 × x^(3 - 1)'
    """
    if weighted_sum(node):
        return _linear_rule(node, i, names)
    p: Primitive | None = node.operation.row if node.operation is not None else None
    if p is None or not isinstance(p.derivatives[i], str):
        return None
    rule = str(p.derivatives[i])
    for pattern, repl in _HELPERS:
        rule = pattern.sub(repl, rule)
    bound = {n: _atom(names[v]) for n, v in zip(p.inputs, node.inputs, strict=True)}
    bound["out"] = _atom(names.get(node, "out"))
    bound.update({n: fmt(k) for n, k in zip(p.params, node.params, strict=True)})
    rule = _WORD.sub(lambda m: bound.get(m[0], m[0]), rule)
    return rule.replace(" * ", " × ")


def _linear_rule(node: Value, i: int, names: Mapping[Value, str]) -> str:
    """d(b + Σ w_j·x_j): x_j for w_j, w_j for x_j, 1 for b."""
    prev = node.inputs
    n = len(prev) >> 1
    if i == len(prev) - 1:
        return "1"
    other = prev[n + i] if i < n else prev[i - n]
    return _atom(names[other])
