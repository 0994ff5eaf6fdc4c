"""Operations as the testing toolkit takes them: a name, a table row, or a user primitive."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..codegen import op_of
from ..engine import Value
from ..ops import FLOAT_NAMESPACE, OPS, Primitive

OpLike = Any  # an operation name, an ops.Primitive, or a function made by @autograd.primitive


def resolve(op: OpLike) -> Primitive:
    """The table row behind ``op``: a built-in name, a Primitive, or a user primitive.

    >>> resolve("mul").inputs
    ('x', 'y')
    """
    if isinstance(op, Primitive):
        return op
    if isinstance(op, str):
        if op not in OPS:
            raise ValueError(f"unknown operation {op!r}; built-ins are {', '.join(OPS)}")
        return OPS[op]
    p = getattr(op, "primitive", None)
    if isinstance(p, Primitive):
        return p
    raise TypeError(f"expected an operation name, a Primitive or an @primitive function: {op!r}")


def apply(op: OpLike, args: Sequence[Any], params: Sequence[float] = ()) -> Value:
    """Run an operation on Values (or numbers) through its compiled forward.

    >>> apply("pow", [Value(3.0)], [2.0]).data
    9.0
    """
    return op_of(resolve(op)).make(*args, *params)  # type: ignore[misc]


def forward_float(p: Primitive, xs: Sequence[float], params: Sequence[float]) -> float:
    """The forward rule evaluated directly on floats, outside the engine's generated code.

    >>> forward_float(OPS["pow"], [3.0], [2.0]), forward_float(OPS["sub"], [5.0, 2.0], [])
    (9.0, 3.0)
    """
    if callable(p.forward):
        return float(p.forward(*xs, *params))
    scope = dict(zip(p.inputs, xs, strict=True)) | dict(zip(p.params, params, strict=True))
    return float(eval(p.forward, dict(FLOAT_NAMESPACE), scope))
