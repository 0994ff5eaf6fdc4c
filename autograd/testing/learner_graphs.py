"""Random graphs for ``check_engine``: Hypothesis searches for a graph where a learner's engine
and this one disagree, and shrinks it to the smallest (needs the ``testing`` extra)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from typing import Any

from .learner_probes import valid
from .learner_report import HANG
from .learner_spec import LEARNER_OPS, Spec


def specs(ops: Sequence[str]) -> Any:
    """Hypothesis strategy: graphs of 1 to 3 leaves (tenths between -2 and 2) and 1 to 6 steps
    over ``ops``, any node an operand, so nodes used twice and shared subexpressions occur.

    >>> from hypothesis import find
    >>> find(specs(["add"]), lambda s: len(s.steps) > 1).steps
    (('add', (0, 0)), ('add', (0, 0)))
    """
    from hypothesis import strategies as st

    @st.composite
    def draw_spec(draw: Any) -> Spec:
        n = draw(st.integers(1, 3))
        leaves = tuple(draw(st.integers(-20, 20)) / 10 for _ in range(n))
        steps = []
        for k in range(draw(st.integers(1, 6))):
            name = draw(st.sampled_from(list(ops)))
            args = tuple(draw(st.integers(0, n + k - 1)) for _ in range(LEARNER_OPS[name].arity))
            steps.append((name, args))
        return Spec(leaves, tuple(steps))

    return draw_spec()


def search(
    compare: Callable[[Spec], Any], ops: Sequence[str], examples: int, seed: int | None = None
) -> Any:
    """The smallest random graph over ``ops`` where the learner's engine is wrong
    (``compare(spec)`` returns its Failure, else None), or None. ``seed``: Hypothesis's seed
    (None: its derandomised choice); the same seed gives the same graphs.

    >>> search(lambda spec: None, ["add", "mul", "tanh"], 20) is None
    True
    """
    from hypothesis import HealthCheck, Phase, Verbosity, assume, given, settings
    from hypothesis import seed as seeded

    found: list[Any] = []

    @settings(
        max_examples=examples,
        derandomize=seed is None,
        database=None,
        deadline=None,
        verbosity=Verbosity.quiet,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.generate, Phase.shrink],
    )
    @given(specs(ops))
    def agrees(spec: Spec) -> None:
        if found and found[0].kind == HANG:
            return  # no shrinking through calls that each take the whole time limit
        assume(valid(spec))
        f = compare(spec)
        if f is not None:
            found.append(f)
            raise AssertionError(f.text())

    if seed is not None:
        agrees = seeded(seed)(agrees)
    # the failure is in ``found``; Hypothesis's own wording is not needed
    with contextlib.suppress(Exception):
        agrees()
    if not found:
        return None
    f = found[0] if found[0].kind == HANG else found[-1]
    f.detail = f"on a random graph ({len(f.spec.steps) if f.spec else 0} steps), {f.detail}"
    return f
