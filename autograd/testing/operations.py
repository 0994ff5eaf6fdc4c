"""Operations as the testing toolkit takes them: a name, a table row, or a user primitive."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..core.op import OPERATIONS, Op
from ..core.value import Value, lift
from ..ops import FLOAT_NAMESPACE, OPS, Primitive
from ..primitives import compile_primitive

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
    p = resolve(op)
    nodes = [lift(a, p.name) for a in args]
    return op_of(op).make(*nodes, *params)  # type: ignore[misc]


def op_of(op: OpLike) -> Op:
    """The ``Op`` behind ``op``: a built-in's registered Op, a user primitive's own, or a
    table row built in a test compiled now.

    >>> op_of("mul") is OPERATIONS["mul"], op_of(OPS["tanh"]).name
    (True, 'tanh')
    """
    made = getattr(op, "op", None)
    if isinstance(made, Op):
        return made
    p = resolve(op)
    registered = OPERATIONS.get(p.name)
    if registered is not None and registered.row is p:
        return registered
    return compile_primitive(p)


def forward_float(p: Primitive, xs: Sequence[float], params: Sequence[float]) -> float:
    """The forward rule evaluated directly on floats, outside the engine's generated code.

    >>> forward_float(OPS["pow"], [3.0], [2.0]), forward_float(OPS["sub"], [5.0, 2.0], [])
    (9.0, 3.0)
    """
    if callable(p.forward):
        return float(p.forward(*xs, *params))
    scope = dict(zip(p.inputs, xs, strict=True)) | dict(zip(p.params, params, strict=True))
    return float(eval(p.forward, dict(FLOAT_NAMESPACE), scope))
