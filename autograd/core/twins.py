"""The rule helpers over Values: the same rule text then builds a differentiable graph.

A derivative rule in the table is written once, over names such as ``dpow(x, k)`` or
``xlogy(out, x)``. Over floats those are the helpers in ``autograd.ops``; over Values (for a
gradient that can be differentiated again) they are the functions here, with the same values at
the edges (inf at a pole, 0 * log 0 = 0, the x ** 0 mask), recorded as the helper rows of the
table (``pow_grad``, ``pow_grad_v``, ``recip``, ``xlogy``), themselves differentiable. ``sign``,
``nonzero`` and ``max_share`` are step functions, whose derivative is 0: constants.
"""

from __future__ import annotations

import math
from typing import Any

from .. import ops
from .numbers import is_node
from .op import OPERATIONS, constant


def _data(v: Any) -> float:
    return v.data if is_node(v) else float(v)


def _make(name: str, *operands: Any) -> Any:
    """Record the helper row ``name`` on these operands (the first lifted if it is a number)."""
    first = operands[0]
    if not is_node(first):
        like = next(v for v in operands if is_node(v))
        first = constant(type(like), first, name)
    return OPERATIONS[name].make(first, *operands[1:])  # type: ignore[misc]


def powf(x: Any, k: Any) -> Any:
    """``x ** k`` over Values (the forward of ``pow``).

    >>> from autograd import Value
    >>> powf(Value(3.0), 2.0).data
    9.0
    """
    return x**k


def powv(x: Any, y: Any) -> Any:
    """``x ** y`` over Values (the forward of ``powv``).

    >>> from autograd import Value
    >>> powv(Value(2.0), Value(3.0)).data
    8.0
    """
    return x**y


def pow_grad(x: Any, k: Any) -> Any:
    """``x ** k`` inside a derivative: inf at a pole, never an exception (row ``pow_grad``).

    >>> from autograd import Value
    >>> pow_grad(Value(0.0), -1.0).data, pow_grad(2.0, 3.0)
    (inf, 8.0)
    """
    if is_node(k):
        return _make("pow_grad_v", x, k)
    if is_node(x):
        return _make("pow_grad", x, k)
    return ops.pow_grad(x, k)


def dpow(x: Any, k: Any) -> Any:
    """d/dx x ** k over Values: ``k * x ** (k - 1)``, and 0 for k = 0 (also at x = 0).

    >>> from autograd import Value
    >>> dpow(Value(3.0), 2.0).data, dpow(Value(0.0), 0.0)
    (6.0, 0.0)
    """
    if _data(k) != 0:
        return k * pow_grad(x, k - 1)
    # d/dx x ** 0 is 0, also at x = 0 where k * x ** (k - 1) is 0 * inf (the float rule's mask).
    # A Value exponent keeps its own derivative, x ** (k - 1), wherever that is finite.
    if is_node(k):
        power = pow_grad(x, k - 1)
        if math.isfinite(_data(power)):
            return k * power
    return 0.0


def xlogy(a: Any, b: Any) -> Any:
    """``a * log(b)`` with 0 where a = 0, over Values (row ``xlogy``).

    >>> from autograd import Value
    >>> xlogy(0.0, Value(0.0)).data, xlogy(2.0, 1.0)
    (0.0, 0.0)
    """
    if is_node(a) or is_node(b):
        return _make("xlogy", a, b)
    return ops.xlogy(a, b)


def recip(v: Any) -> Any:
    """``1 / v`` with +-inf at +-0, over Values (row ``recip``).

    >>> from autograd import Value
    >>> recip(Value(0.0)).data, recip(4.0)
    (inf, 0.25)
    """
    if is_node(v):
        return _make("recip", v)
    return ops.recip(v)


def sign(v: Any) -> float:
    """The sign of ``v``'s value, a constant (its derivative is 0 wherever it has one).

    >>> from autograd import Value
    >>> sign(Value(-2.0))
    -1.0
    """
    return ops.sign(_data(v))


def nonzero(v: Any) -> float:
    """1.0 where ``v``'s value is not 0, a constant.

    >>> nonzero(0.0)
    0.0
    """
    return ops.nonzero(_data(v))


def max_share(a: Any, b: Any) -> float:
    """d maximum(a, b) / da from the values, a constant (piecewise constant, like sign).

    >>> max_share(2.0, 2.0)
    0.5
    """
    return ops.max_share(_data(a), _data(b))
