"""One comparison of a learner's engine with this one: build a graph in the child, build it
here, and say where the numbers first differ."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..notation import fmt
from .learner_process import Learner
from .learner_report import (
    ENDED,
    ERROR,
    FORWARD,
    HANG,
    NOT_NUMBER,
    NOT_RESET,
    WRONG,
    Failure,
    phrase,
)
from .learner_spec import LETTERS, LearnerOp, Spec, close


def read_grads(got: dict[str, Any], torch_style: bool, key: str = "grads") -> list[float | None]:
    """The gradients of a ``run`` answer; for an engine whose ``.grad`` starts as None, a None
    (a node no gradient reached) read as 0.

    >>> read_grads({"grads": [None, 1.0]}, True), read_grads({"grads": [None, 1.0]}, False)
    ([0.0, 1.0], [None, 1.0])
    """
    grads = got[key]
    return [0.0 if g is None and torch_style else g for g in grads]


def compare(
    learner: Learner,
    spec: Spec,
    kink: LearnerOp | None = None,
    twice: bool = False,
    torch_style: bool = False,
) -> tuple[Failure | None, list[float | None], list[float | None]]:
    """The first difference between the learner's engine and this one on ``spec`` (or None),
    and the learner's gradients and values of every node.

    >>> from autograd import Value
    >>> with Learner(Value, isolated=False) as learner:
    ...     compare(learner, Spec((0.5, 2.0), (("mul", (0, 1)),)))
    (None, [2.0, 0.5, 1.0], [0.5, 2.0, 1.0])
    """
    out = learner.call("run", spec.to_json(), twice)
    if not out.ok:
        return Failure(kind_of(out.error, out.hung), out.error, spec, error=out.error), [], []
    got = out.value
    grads, data = read_grads(got, torch_style), got["data"]
    root, leaves = spec.oracle()
    root.backward()
    if got["data"][-1] is None:
        return Failure(NOT_NUMBER, "the result's .data is not a number", spec), grads, data
    if not close(got["data"][-1], root.data):
        detail = f"expected {fmt(root.data)}, got {fmt(got['data'][-1])}"
        return Failure(FORWARD, detail, spec), grads, data
    for name, g, v in zip(LETTERS, grads, leaves, strict=False):
        if g is None:
            return (
                Failure(NOT_NUMBER, f"{name}.grad is not a number after backward()", spec),
                grads,
                data,
            )
        on_kink = kink is not None and kink.kink in spec.leaves
        if on_kink and kink is not None and min(kink.slopes) <= g <= max(kink.slopes):
            continue
        if not close(g, v.grad):
            detail = phrase("grad_expected", name=name, want=fmt(v.grad), got=fmt(g))
            return Failure(WRONG, detail, spec, leaf=name, want=v.grad, got=g), grads, data
    if twice:
        second = read_grads(got, torch_style, "second")
        for name, g1, g2, v in zip(LETTERS, grads, second, leaves, strict=False):
            if g1 is None or g2 is None or not (close(g2, g1) or close(g2, 2 * g1)):
                return _not_reset(spec, name, g2, v.grad), grads, data
    return None, grads, data


def _shown(x: float | None) -> str:
    return "not a number" if x is None else fmt(x)


def _not_reset(spec: Spec, name: str, got: float | None, want: float) -> Failure:
    return Failure(
        NOT_RESET,
        f"after a second backward() on the same graph {name}.grad = {_shown(got)}; a fresh pass "
        f"gives {fmt(want)} and adding a second pass to the first (as this engine and PyTorch "
        f"do) gives {fmt(2 * want)}: the interior nodes kept the first pass's gradients and sent "
        "them down again (reset every node's grad to 0 before a pass; a loop that builds a new "
        "graph each step is not affected)",
        spec,
    )


def matches(got: Sequence[float | None], want: Sequence[float], upto: int) -> bool:
    """Whether the first ``upto`` of the learner's numbers equal ``want`` up to rounding.

    >>> matches([1.0, None], [1.0, 2.0], 1), matches([1.0, None], [1.0, 2.0], 2)
    (True, False)
    """
    return all(g is not None and close(g, w) for g, w in zip(got[:upto], want[:upto], strict=False))


def kind_of(error: str, hung: bool) -> str:
    """The kind of failure a call into the learner's code that gave no answer is.

    >>> kind_of("did not finish within 2 s", True), kind_of("your code ended the process", False)
    ('runs out of time', 'ends the process')
    """
    return HANG if hung else ENDED if error.startswith("your code") else ERROR
