"""A generated exercise in the playground: the statement and drawing, marking with the per-node
diagnosis of :mod:`autograd.exercises`, and hints one rung at a time.

An exercise is made again from its seed and size for every request, so a link with the seed
reproduces it and the Worker keeps nothing but the hints already given.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from ..exercises import Exercise
from ..viz.dot import to_dot
from ..viz.quiz import read_number

MAX_SIZE = 8  # operations in a generated exercise
NAMES = ("a", "b", "c", "d")
# (template, weight): binary forms over two parts, and the functions a course meets first
BINARY = ("{} + {}", "{} - {}", "{} * {}")
UNARY = ("tanh({})", "relu({})")


def expression(seed: int, size: int) -> tuple[str, dict[str, float]]:
    """A random expression of about ``size`` operations over small whole numbers and halves, one
    name used twice (so a gradient adds up two shares), and its leaf values: the same for the
    same seed. (``Exercise.random`` draws from Hypothesis strategies, which the browser lacks.)

    >>> expression(1, 3) == expression(1, 3)
    True
    >>> text, values = expression(2, 4)
    >>> sorted(values) == sorted(set(values)) and all(name in text for name in values)
    True
    """
    rng = random.Random(seed)
    names = list(NAMES[: min(len(NAMES), max(2, (size + 1) // 2 + 1))])
    parts = list(names)
    made = 0
    while made < size:
        if made and rng.random() < 0.2:
            i = rng.randrange(len(parts))
            parts[i] = rng.choice(UNARY).format(parts[i])
        else:
            i, j = rng.sample(range(len(parts)), 2) if len(parts) > 1 else (0, 0)
            left, right = parts[i], parts[j]
            joined = rng.choice(BINARY).format(left, right)
            parts = [p for k, p in enumerate(parts) if k not in (i, j)] + [f"({joined})"]
            if len(parts) == 1 and made + 1 < size:
                parts.append(rng.choice(names))  # reuse a leaf
        made += 1
    text = " + ".join(parts) if len(parts) > 1 else parts[0]
    if text.startswith("(") and text.endswith(")") and text.count("(") == 1:
        text = text[1:-1]
    values = {n: rng.choice((-3, -2, -1, 1, 2, 3, 0.5, -0.5, 1.5)) for n in names if n in text}
    return text, values


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
    if not (s.isascii() and s.isdigit()) or len(s) > 9:  # isdigit() alone takes "²"
        raise ValueError(f"exercise seed: {s[:20]!r} is not a whole number below 10**9")
    if not (n.isascii() and n.isdigit()) or not 1 <= int(n) <= MAX_SIZE:
        raise ValueError(f"exercise size: {n[:20]} is not a whole number from 1 to {MAX_SIZE}")
    text, values = expression(int(s), int(n))
    return Exercise.from_expression(text, None, **values)


def shown(ex: Exercise) -> dict[str, Any]:
    """What the page shows of an exercise: title, statement, the questions and a drawing of
    the graph with only the inputs' values and no gradient filled in (the rest is asked).

    >>> page = shown(make(3, 2))
    >>> page["questions"][-1].endswith(".grad"), "grad ·" in page["dot"], "data ?" in page["dot"]
    (True, True, True)
    """
    return {
        "title": ex.title,
        "statement": ex.statement(),
        "questions": ex.questions(),
        "dot": to_dot(ex.root, grads={}, computed={v for v in ex.nodes.values() if v.is_leaf}),
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
        number = read_number(text if isinstance(text, str) else str(text))
        if number is None:  # read as the quiz and the command line read an answer
            raise ValueError(f"answer {label!s:.40}: {str(text)[:40]!r} is not a number")
        numbers[label] = number
    report = ex.check(numbers)
    return {
        "text": report.text(),
        "marks": {m.label: m.right for m in report.marks},
    }
