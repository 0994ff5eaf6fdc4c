"""A generated exercise in the playground: the statement and drawing, marking with the per-node
diagnosis of :mod:`autograd.exercises`, and hints one rung at a time.

An exercise is made again from its seed and size for every request, so a link with the seed
reproduces it and the Worker keeps nothing but the hints already given.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..exercises import Exercise
from ..viz.dot import to_dot

MAX_SIZE = 8  # operations in a generated exercise


def make(seed: Any, size: Any = 4) -> Exercise:
    """The exercise for ``seed`` and ``size``: the same numbers for the same link.

    >>> make(7).title == make("7").title
    True
    >>> make(1, 99)
    Traceback (most recent call last):
    ...
    ValueError: exercise size: 99 is not a whole number from 1 to 8
    """
    s, n = str(seed).strip(), str(size).strip()
    if not s.isdigit() or len(s) > 9:
        raise ValueError(f"exercise seed: {s[:20]!r} is not a whole number below 10**9")
    if not n.isdigit() or not 1 <= int(n) <= MAX_SIZE:
        raise ValueError(f"exercise size: {n[:20]} is not a whole number from 1 to {MAX_SIZE}")
    return Exercise.random(seed=int(s), size=int(n))


def shown(ex: Exercise) -> dict[str, Any]:
    """What the page shows of an exercise: title, statement, the questions and a drawing of
    the graph with no gradient filled in (every gradient shows ·).

    >>> page = shown(make(3, 2))
    >>> page["questions"][-1].endswith(".grad"), "grad ·" in page["dot"]
    (True, True)
    """
    return {
        "title": ex.title,
        "statement": ex.statement(),
        "questions": ex.questions(),
        "dot": to_dot(ex.root, grads={}),
    }


def check(ex: Exercise, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Mark the answers given (blank ones are left out): the report's text and each mark.

    >>> ex = make(3, 2)
    >>> out = check(ex, {q: "0" for q in ex.questions()})
    >>> out["text"].splitlines()[0].startswith(f"{len(ex.questions())} answers checked")
    True
    """
    given = {k: v for k, v in answers.items() if str(v).strip()}
    numbers = {}
    for label, text in given.items():
        try:
            numbers[label] = float(str(text).replace("\u2212", "-"))
        except ValueError:
            raise ValueError(f"answer {label!s:.40}: {str(text)[:40]!r} is not a number") from None
    report = ex.check(numbers)
    return {
        "text": report.text(),
        "marks": {m.label: m.right for m in report.marks},
    }
