"""Domains and sample intervals of user-defined primitives: parsed, validated, made checkable."""

from __future__ import annotations

import ast
import math
from collections.abc import Callable, Sequence
from typing import Any

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
    code = compile(f"lambda {', '.join(args)}: bool({domain})", f"<domain of {op}>", "eval")
    check = eval(code, {"__builtins__": {}, **_SAFE_NAMES})
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
