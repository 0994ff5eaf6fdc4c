"""A safe one-line expression language over Values: parsed with ``ast``, never evaluated."""

from __future__ import annotations

import ast
import io
import math
import tokenize
from collections.abc import Callable, Mapping
from typing import Protocol, Union, cast

from .core.op import OPERATIONS
from .core.value import Value, lift
from .ops import OPS, Primitive

MAX_EXPONENT = 1000.0  # |k| in x ** k; larger powers only overflow or underflow
MAX_LENGTH = 2000
MAX_DEPTH = 100
_BINOPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
Num = Union[Value, float]


def functions() -> dict[str, Primitive]:
    """The functions an expression may call: every table row with a plain method name.

    >>> "tanh" in functions(), "abs" in functions(), "add" in functions()
    (True, True, False)
    """
    return {p.function: p for p in OPS.values() if p.function is not None}


class ExpressionError(ValueError):
    """A refused expression; the message quotes it and underlines the offending part.

    >>> try:
    ...     parse("x + import", {})
    ... except ExpressionError as e:
    ...     print(e)
    syntax error: invalid syntax
      x + import
          ^
    """


class _Located(Protocol):
    """An ast node with a source position (expressions, statements, arguments, ...)."""

    lineno: int
    col_offset: int
    end_lineno: int | None
    end_col_offset: int | None


def _point(text: str, node: ast.AST | None, why: str) -> ExpressionError:
    if node is None or not hasattr(node, "col_offset"):
        return ExpressionError(f"{why}\n  {text}")
    at = cast(_Located, node)
    line = text.splitlines()[at.lineno - 1] if text.strip() else text
    end = at.end_col_offset if at.end_lineno == at.lineno else len(line)
    start = at.col_offset
    return ExpressionError(f"{why}\n  {line}\n  {' ' * start}{'^' * max(1, (end or 0) - start)}")


def parse(text: str, names: Mapping[str, Value | float]) -> Value:
    """Build the graph of a one-line expression over ``names``; refuse anything else.

    Allowed: numbers, the given names, ``+ - * / **``, unary ``-``/``+`` and the functions in
    ``functions()``. Anything else (attributes, other calls, lambdas, comprehensions, subscripts,
    strings, exponents beyond MAX_EXPONENT, ...) raises ExpressionError pointing at it.

    >>> x = Value(2.0, "x")
    >>> parse("tanh(x * 3) + x ** 2", {"x": x}).data == math.tanh(6.0) + 4.0
    True
    >>> parse("x.data", {"x": x})
    Traceback (most recent call last):
    ...
    autograd.expressions.ExpressionError: attribute access is not allowed
      x.data
      ^^^^^^
    """
    if not isinstance(text, str):
        raise ExpressionError(f"the expression must be a string, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(
            f"the expression is {len(text)} characters long (at most {MAX_LENGTH})"
        )
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as e:
        col = (e.offset or 1) - 1
        raise ExpressionError(f"syntax error: {e.msg}\n  {text.strip()}\n  {' ' * col}^") from None
    except (RecursionError, MemoryError, ValueError):
        raise ExpressionError("the expression is nested too deeply or is not valid") from None
    _check_depth(tree)
    values = {k: v if isinstance(v, Value) else Value(v, k) for k, v in names.items()}
    result = _Eval(text.strip(), values).visit(tree.body)
    if not isinstance(result, Value):
        raise ExpressionError(f"the expression uses no name, so there is nothing to draw\n  {text}")
    return result


def _check_depth(tree: ast.AST) -> None:
    stack = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ExpressionError(f"the expression is nested more than {MAX_DEPTH} levels deep")
        for child in ast.iter_child_nodes(node):
            # ``a + b + c`` parses as ``(a + b) + c``: a left operand continues the same chain
            # (width, evaluated in a loop), so only other operands count as nesting.
            chain = isinstance(node, ast.BinOp) and child is node.left
            stack.append((child, depth if chain else depth + 1))


def display_text(text: str) -> str:
    r"""The expression on one line, without comments and line continuations (for titles).

    >>> display_text("x*2  # a comment \\")
    'x*2'
    >>> display_text("tanh(x*w +\\\n  b)")
    'tanh(x*w + b)'
    """
    lines = io.StringIO(text).readlines()  # split where the tokenizer splits
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.COMMENT:
                (row, start), (_, end) = tok.start, tok.end
                line = lines[row - 1]
                lines[row - 1] = line[:start] + " " * (end - start) + line[end:]
    except (tokenize.TokenError, SyntaxError):
        pass  # not a token stream (it was refused anyway): only whitespace is tidied below
    return " ".join("".join(lines).replace("\\\n", " ").split())


class _Eval:
    """Walks the tree: each allowed form builds Values, anything else is refused."""

    def __init__(self, text: str, names: Mapping[str, Value]) -> None:
        self.text = text
        self.names = names

    def refuse(self, node: ast.AST, why: str) -> ExpressionError:
        return _point(self.text, node, why)

    def visit(self, node: ast.AST) -> Num:
        method = getattr(self, "visit_" + type(node).__name__, None)
        if method is None:
            raise self.refuse(node, _WHAT.get(type(node).__name__, "this form is not allowed"))
        return method(node)

    def visit_Constant(self, node: ast.Constant) -> Num:
        v = node.value
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise self.refuse(node, f"only numbers are allowed as constants, not {v!r:.40}")
        if isinstance(v, int) and abs(v) > 10**308:
            raise self.refuse(node, "number too large for a float")
        if not math.isfinite(float(v)):
            raise self.refuse(node, "number too large for a float")
        return float(v)

    def visit_Name(self, node: ast.Name) -> Num:
        if node.id not in self.names:
            known = ", ".join(sorted(self.names)) or "none"
            raise self.refuse(node, f"unknown name {node.id!r} (known: {known})")
        return self.names[node.id]

    def visit_UnaryOp(self, node: ast.UnaryOp) -> Num:
        if not isinstance(node.op, (ast.USub, ast.UAdd)):
            raise self.refuse(node, "only unary - and + are allowed")
        v = self.visit(node.operand)
        return -v if isinstance(node.op, ast.USub) else v

    def visit_BinOp(self, node: ast.BinOp) -> Num:
        # A chain such as a + b + c + ... nests to the left; walk it in a loop, not by recursion.
        chain: list[ast.BinOp] = []
        left: ast.expr = node
        while isinstance(left, ast.BinOp):
            if type(left.op) not in _BINOPS:
                raise self.refuse(left, "only + - * / ** are allowed")
            chain.append(left)
            left = left.left
        value = self.visit(left)
        for link in reversed(chain):
            value = self._binary(link, value, self.visit(link.right))
        return value

    def _binary(self, node: ast.BinOp, a: Num, b: Num) -> Num:
        sym = _BINOPS[type(node.op)]
        if sym == "**":
            k = b.data if isinstance(b, Value) else b
            if abs(k) > MAX_EXPONENT:
                raise self.refuse(node.right, f"exponent {k:g} too large (|k| <= {MAX_EXPONENT:g})")
        if not isinstance(a, Value) and not isinstance(b, Value):
            return self._apply(node, lambda: _constant(sym, a, b))
        return self._apply(node, lambda: _arith(sym, a, b))

    def visit_Call(self, node: ast.Call) -> Num:
        f = node.func
        table = functions()
        if not isinstance(f, ast.Name) or f.id not in table:
            raise self.refuse(f, f"only these functions may be called: {', '.join(table)}")
        if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            raise self.refuse(node, f"{f.id}: keyword and * arguments are not allowed")
        p = table[f.id]
        least = len(p.inputs) + len(p.params) - len(p.param_defaults)
        most = len(p.inputs) + len(p.params)
        if not least <= len(node.args) <= most:
            counts = str(most) if least == most else f"{least} to {most}"
            raise self.refuse(node, f"{f.id} takes {counts} argument(s)")
        operands = [self.visit(a) for a in node.args[: len(p.inputs)]]
        params: list[float] = []
        for a in node.args[len(p.inputs) :]:
            k = self.visit(a)
            if isinstance(k, Value):
                raise self.refuse(a, f"{f.id}: {p.params[len(params)]} must be a number")
            params.append(k)
        missing = len(p.params) - len(params)  # trailing parameters left to their defaults
        params += p.param_defaults[len(p.param_defaults) - missing :]
        make = OPERATIONS[p.name].make
        assert make is not None  # every table row is compiled at import
        ins = [lift(v, p.name) for v in operands]  # make takes nodes
        return self._apply(node, lambda: make(*ins, *params))

    def _apply(self, node: ast.AST, fn: Callable[[], Num]) -> Num:
        try:
            out = fn()
        except (ArithmeticError, ValueError, TypeError) as e:
            raise self.refuse(node, f"cannot compute this part: {e}") from None
        if isinstance(out, complex):  # (-2) ** 0.5 of two numbers: Python answers in complex
            raise self.refuse(node, "this part has no real value (a negative number to a fraction)")
        if not isinstance(out, Value) and not math.isfinite(out):
            raise self.refuse(node, "this part overflows a float")
        return out


def _constant(sym: str, a: float, b: float) -> float:
    """Arithmetic of two numbers, whose errors are Python's own ("(34, 'Numerical result out of
    range')"): said again in the expression's terms, as the operations' errors are.

    >>> _constant("**", 10.0, 400.0)
    Traceback (most recent call last):
    ...
    ArithmeticError: 10 ** 400 is too large for a float (at most about 1.8e308)
    """
    try:
        out = _arith(sym, a, b)
    except OverflowError:
        raise ArithmeticError(
            f"{a:g} {sym} {b:g} is too large for a float (at most about 1.8e308)"
        ) from None
    except ZeroDivisionError:
        raise ArithmeticError(f"{a:g} {sym} {b:g} divides by zero") from None
    assert not isinstance(out, Value)
    return out


def _arith(sym: str, a: Num, b: Num) -> Num:
    if sym == "+":
        return a + b
    if sym == "-":
        return a - b
    if sym == "*":
        return a * b
    if sym == "/":
        return a / b
    return a**b


_WHAT = {
    "Attribute": "attribute access is not allowed",
    "Lambda": "lambda is not allowed",
    "ListComp": "comprehensions are not allowed",
    "SetComp": "comprehensions are not allowed",
    "DictComp": "comprehensions are not allowed",
    "GeneratorExp": "comprehensions are not allowed",
    "Subscript": "subscripts are not allowed",
    "Compare": "comparisons are not allowed",
    "BoolOp": "and/or are not allowed",
    "IfExp": "conditional expressions are not allowed",
    "NamedExpr": "assignment (:=) is not allowed",
    "JoinedStr": "strings are not allowed",
    "List": "lists are not allowed",
    "Tuple": "tuples are not allowed",
    "Dict": "dicts are not allowed",
    "Set": "sets are not allowed",
    "Await": "await is not allowed",
    "Yield": "yield is not allowed",
    "Starred": "* unpacking is not allowed",
}
