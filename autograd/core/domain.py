"""Domain errors: what a forward rule's failure becomes, naming the operation and operands.

A forward rule fails where plain float arithmetic does (``math.log(-1.0)``, ``1 / 0``, an
overflowing ``exp``); the engine turns that into an error a learner can act on: the operation,
each operand by its name in the row, and the domain the row states.
"""

from __future__ import annotations

from typing import Any

# How the math module words an operand outside a function's domain: "math domain error" up to
# Python 3.13; from 3.14 (the playground's Pyodide) a sentence such as "expected a positive
# input, got -1.0". Both mean the same, so both get the same message.
_MATH_DOMAIN_314 = "expected a "


def is_math_domain_error(exc: Exception) -> bool:
    """True when ``exc`` is the math module saying an operand is outside the domain, in the
    wording of any supported Python.

    >>> is_math_domain_error(ValueError("math domain error"))
    True
    >>> is_math_domain_error(ValueError("expected a positive input, got -1.0"))  # 3.14
    True
    >>> is_math_domain_error(ValueError("my primitive's own message"))
    False
    """
    text = str(exc)
    return isinstance(exc, ValueError) and (
        text == "math domain error" or text.startswith(_MATH_DOMAIN_314)
    )


def domain_error(op: Any, exc: Exception, args: tuple[float, ...]) -> Exception:
    """The error a forward rule's failure becomes: names the operation, operands and domain.

    ``op`` is the failing operation (an ``autograd.core.op.Op``: its name, row and params).

    >>> from autograd.core.op import OPERATIONS
    >>> print(domain_error(OPERATIONS["log"], ValueError("math domain error"), (-1.0,)))
    log: operand outside the domain for x=-1.0 (defined for x > 0)
    >>> print(domain_error(OPERATIONS["log"], ValueError("expected a positive input"), (-1.0,)))
    log: operand outside the domain for x=-1.0 (defined for x > 0)
    """
    p = op.row
    names = p.inputs if p is not None else tuple(f"x{i}" for i in range(len(args)))
    shown = ", ".join(f"{n}={a!r}" for n, a in zip(names, args, strict=True))
    if op.params and p is not None:
        shown += ", " + ", ".join(f"{n}={v!r}" for n, v in zip(p.params, op.params, strict=True))
    kind: type[Exception]
    if isinstance(exc, ZeroDivisionError):
        kind, why = ZeroDivisionError, "division by zero"
    elif isinstance(exc, OverflowError):
        kind, why = OverflowError, "result overflows a float"
    elif is_math_domain_error(exc):
        kind, why = ValueError, "operand outside the domain"
    else:
        kind, why = (ValueError if isinstance(exc, ValueError) else ArithmeticError), str(exc)
    domain = p.domain if p is not None else "its domain"
    return kind(f"{op.name}: {why} for {shown} (defined for {domain})")
