"""Loss functions: a scalar Value measuring how far predictions are from targets.

Each loss averages over the examples it is given (``reduction="mean"``) or adds them up
(``reduction="sum"``). Predictions may be Values or numbers; targets are numbers.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Union, cast

from ..core.numbers import real
from ..core.value import Operand, Value

Predictions = Union[Operand, Sequence[Operand]]
Targets = Union[float, Sequence[float]]


def _pairs(pred: Predictions, target: Targets, where: str) -> list[tuple[Operand, float]]:
    # A single prediction is a Value or a number; anything else is refused by real() below.
    ps: list[Operand] = list(pred) if isinstance(pred, (list, tuple)) else [cast(Operand, pred)]
    ts = list(target) if isinstance(target, (list, tuple)) else [target]
    if len(ps) != len(ts):
        raise ValueError(f"{where}: {len(ps)} predictions but {len(ts)} targets")
    if not ps:
        raise ValueError(f"{where}: no predictions")
    for p in ps:
        if not isinstance(p, Value):
            real(p, where)
    return [(p, real(t, f"{where}(target)")) for p, t in zip(ps, ts, strict=True)]


def _reduce(terms: list[Value], reduction: str, where: str) -> Value:
    total = terms[0]
    for t in terms[1:]:
        total = total + t
    if reduction == "mean":
        return total * (1.0 / len(terms))
    if reduction == "sum":
        return total
    raise ValueError(f"{where}: reduction must be 'mean' or 'sum', got {reduction!r}")


def _value(x: Operand) -> Value:
    return x if isinstance(x, Value) else Value(x)


def mse(pred: Predictions, target: Targets, reduction: str = "mean") -> Value:
    """Mean squared error ``mean((p - t)^2)``.

    >>> from autograd import Value
    >>> mse([Value(1.0), Value(3.0)], [0.0, 1.0]).data
    2.5
    """
    terms = [(_value(p) - t) ** 2 for p, t in _pairs(pred, target, "mse")]
    return _reduce(terms, reduction, "mse")


def bce_with_logits(logits: Predictions, target: Targets, reduction: str = "mean") -> Value:
    """Binary cross-entropy on logits z with targets t in [0, 1]: ``softplus(z) - t * z``.

    That is ``-t log sigmoid(z) - (1 - t) log(1 - sigmoid(z))`` rewritten so that no
    exponential overflows, whatever the size of z.

    >>> from autograd import Value
    >>> round(bce_with_logits(Value(0.0), 1.0).data, 6)  # log 2
    0.693147
    >>> bce_with_logits(Value(1000.0), 0.0).data
    1000.0
    """
    pairs = _pairs(logits, target, "bce_with_logits")
    for _, t in pairs:
        if not 0.0 <= t <= 1.0:
            raise ValueError(f"bce_with_logits: targets must lie in [0, 1], got {t!r}")
    terms = [_value(z).softplus() - t * _value(z) for z, t in pairs]
    return _reduce(terms, reduction, "bce_with_logits")


def hinge(scores: Predictions, target: Targets, reduction: str = "mean") -> Value:
    """Max-margin loss ``max(0, 1 - y * s)`` for labels y in {-1, +1}.

    >>> from autograd import Value
    >>> hinge([Value(2.0), Value(0.5)], [1.0, 1.0]).data
    0.25
    """
    pairs = _pairs(scores, target, "hinge")
    for _, y in pairs:
        if y not in (-1.0, 1.0):
            raise ValueError(f"hinge: labels must be -1 or +1, got {y!r}")
    terms = [(1.0 - y * _value(s)).relu() for s, y in pairs]
    return _reduce(terms, reduction, "hinge")


def log_softmax(logits: Sequence[Operand]) -> list[Value]:
    """``z_i - logsumexp(z)``, with the maximum subtracted first so no exponential overflows.

    >>> from autograd import Value
    >>> [round(v.data, 6) for v in log_softmax([Value(0.0), Value(0.0)])]
    [-0.693147, -0.693147]
    """
    zs = [_value(z) for z in logits]
    if not zs:
        raise ValueError("log_softmax: no logits")
    m = max(z.data for z in zs)  # a constant shift: it cancels in the gradient
    total = (zs[0] - m).exp()
    for z in zs[1:]:
        total = total + (z - m).exp()
    lse = total.log() + m
    return [z - lse for z in zs]


def softmax_cross_entropy(
    logits: Sequence[Operand] | Sequence[Sequence[Operand]],
    target: int | Sequence[int],
    reduction: str = "mean",
) -> Value:
    """``-log softmax(z)[target]`` for one list of logits, or averaged over a batch of lists.

    >>> from autograd import Value
    >>> z = [Value(1.0), Value(2.0), Value(3.0)]
    >>> round(softmax_cross_entropy(z, 2).data, 6)
    0.407606
    """
    batch = bool(logits) and isinstance(logits[0], (list, tuple))
    rows: list[Sequence[Operand]]
    if batch:
        rows = list(cast("Sequence[Sequence[Operand]]", logits))
    else:
        rows = [cast("Sequence[Operand]", logits)]
    targets = list(target) if isinstance(target, (list, tuple)) else [target]
    if len(rows) != len(targets):
        raise ValueError(f"softmax_cross_entropy: {len(rows)} rows but {len(targets)} targets")
    terms: list[Value] = []
    for row, k in zip(rows, targets, strict=True):
        if isinstance(k, bool) or not isinstance(k, int) or not 0 <= k < len(row):
            raise ValueError(
                f"softmax_cross_entropy: target must be a class index in [0, {len(row)}), got {k!r}"
            )
        terms.append(-log_softmax(row)[k])
    return _reduce(terms, reduction, "softmax_cross_entropy")


def l2_penalty(parameters: Iterable[Value], alpha: float = 1.0) -> Value:
    """``alpha * sum(p^2)``: weight decay written into the loss.

    >>> from autograd import Value
    >>> l2_penalty([Value(1.0), Value(-2.0)], alpha=0.5).data
    2.5
    """
    a = real(alpha, "l2_penalty(alpha)")
    if not math.isfinite(a) or a < 0:
        raise ValueError(f"l2_penalty: alpha must be finite and >= 0, got {alpha!r}")
    params = list(parameters)
    if not params:
        return Value(0.0)
    total = params[0] * params[0]
    for p in params[1:]:
        total = total + p * p
    return a * total
