"""Random exercises with small, friendly numbers, built from the testing toolkit's graph types.

The graph is an :class:`autograd.testing.strategies.Expression` (inputs and a list of
:class:`~autograd.testing.strategies.Node` operations, some with
:class:`~autograd.testing.strategies.Const` operands), drawn with ``random.Random(seed)``: the
same seed gives the same exercise on every run and machine. Inputs are halves between -3 and 3,
constants small integers, and every intermediate value stays below 60 in size, so the
arithmetic can be done by hand; the values of ``tanh``, ``exp`` and the like, which need a
calculator, are given in the statement (``Problem.calculator_values``).
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from typing import Any

from ..core.modes import no_grad
from ..ops import OPS, Primitive
from .catalogue import OPERANDS

DEFAULT_OPS = ("add", "sub", "mul", "pow")
INPUTS = (-3.0, -2.5, -2.0, -1.5, -1.0, -0.5, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0)
CONSTANTS = (-2.0, -1.0, 2.0, 3.0)
LARGEST = 60.0
_TRIES = 200
# The operations an exercise may use: the rows with friendly operand ranges in the catalogue.
OFFERED: tuple[str, ...] = tuple(p.name for p in OPERANDS)


def friendly_expression(
    seed: int, size: int = 4, ops: Sequence[str] | None = None, reuse: bool = True
) -> Any:
    """An :class:`~autograd.testing.strategies.Expression` of ``size`` operations from ``ops``.

    Each operation takes the previous one's result as an operand, so every node leads to the
    output. ``reuse=True``: some input or result feeds two operations (the learner must add two
    shares); ``reuse=False``: every value is used once (a tree).

    >>> e = friendly_expression(seed=3, size=3)
    >>> len(e.nodes), max(e.uses()) > 1
    (3, True)
    >>> str(e) == str(friendly_expression(seed=3, size=3))
    True
    """
    from ..testing.strategies import Expression

    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"friendly_expression: seed must be an int, got {seed!r}")
    if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= 30:
        raise ValueError(f"friendly_expression: size must be an int from 1 to 30, got {size!r}")
    names = list(ops if ops is not None else DEFAULT_OPS)
    if not names:
        raise ValueError("friendly_expression: needs at least one operation")
    for name in names:
        if name not in OFFERED:
            known = ", ".join(OFFERED)
            raise ValueError(f"friendly_expression: unknown operation {name!r}; use {known}")
    rng = random.Random(seed)
    for _ in range(_TRIES):
        made = _attempt(rng, size, names, reuse)
        if made is not None:
            inputs, nodes = made
            return Expression(tuple(inputs), tuple(nodes))
    raise ValueError(
        f"friendly_expression: no friendly graph of {size} operations from {names} found "
        f"(seed {seed}); try other operations or a smaller size"
    )


def _attempt(
    rng: random.Random, size: int, names: list[str], reuse: bool
) -> tuple[list[float], list[Any]] | None:
    from ..testing.operations import apply
    from ..testing.strategies import Const, Node

    chosen = [OPS[rng.choice(names)] for _ in range(size)]
    binary = sum(len(p.inputs) == 2 for p in chosen)
    n_inputs = rng.randint(1, max(1, min(3, binary + 1)))
    inputs = [rng.choice(INPUTS) for _ in range(n_inputs)]
    data = list(inputs)
    used = [0] * n_inputs
    nodes: list[Any] = []
    for k, p in enumerate(chosen):
        first = len(data) - 1 if k else 0  # the previous result: every node leads to the output
        args: list[Any] = [first]
        if len(p.inputs) == 2:
            unused = [s for s in range(n_inputs) if not used[s] and s != first]
            if unused:
                args.append(unused[0])
            elif reuse and rng.random() < 0.6:
                args.append(rng.randrange(len(data)))
            else:
                args.append(Const(rng.choice(CONSTANTS)))
            if rng.random() < 0.5:
                args.reverse()
            if args[0] == args[1] and not p.meta.display.associative:
                return None  # x - x, x / x: a constant, with no gradient to find
        params = _params(rng, p)
        operands = [a.value if isinstance(a, Const) else data[a] for a in args]
        if not _friendly_operands(p, operands):
            return None
        try:
            with no_grad():
                y = apply(p, operands, params).data
        except (ArithmeticError, ValueError):
            return None
        if not math.isfinite(y) or abs(y) > LARGEST or abs(y) < 1e-3:
            return None
        for a in args:
            if not isinstance(a, Const):
                used[a] += 1
        used.append(0)
        nodes.append(Node(p, tuple(args), params))
        data.append(y)
    if not all(used[:n_inputs]) or reuse != (max(used) > 1):
        return None
    return inputs, nodes


def _params(rng: random.Random, p: Primitive) -> tuple[float, ...]:
    choices = OPERANDS[p].params
    if choices:
        return tuple(rng.choice(c) for c in choices)
    if p.param_defaults and len(p.param_defaults) == len(p.params):
        return p.param_defaults
    return tuple(s[0] for s in p.param_samples)


def _friendly_operands(p: Primitive, operands: Sequence[float]) -> bool:
    """Away from kinks (relu at 0) and from the edges of a domain (the row's catalogue entry)."""
    if p.kinks and any(x == 0 for x in operands):
        return False
    return OPERANDS[p].operands(operands)
