"""Quiz mode for the backward stepper: each step asks for the gradients before showing them.

At each step of the backward pass the learner is asked for the gradient of every input the step
sends a share to, as it stands after the step (so ``b = a + a`` asks for ``a.grad = 2``, both
shares added). An answer is right within :data:`RTOL` of the exact value (or :data:`ATOL` of it,
for values near zero); the step is shown once every answer is right, or when the learner asks to
see it. The score counts the questions answered right at the first try. The HTML page and the
notebook widget both follow the rules written here; :class:`Quiz` is that logic without any
display, so it can be used (and tested) on its own.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..core.op import CONST
from ..core.value import Value
from ..notation import fmt
from .step_text import MISTAKES, language

BackwardStepper = Any  # autograd.viz.backward_stepper.BackwardStepper, which imports this module

__all__ = [
    "ATOL",
    "RTOL",
    "TOLERANCE",
    "Question",
    "Quiz",
    "close",
    "read_number",
    "typical_mistakes",
]

RTOL = 0.01
ATOL = 0.001
TOLERANCE = "within 1% of the exact value, or within 0.001 of it"
"""The tolerance in words, as the reports and the pages state it."""


def close(answer: float, exact: float, rtol: float = RTOL, atol: float = ATOL) -> bool:
    """Whether ``answer`` counts as ``exact``: within ``atol + rtol * |exact|``. An infinite or
    nan exact value is matched only by the same infinity, or by nan (``rtol * inf`` would let
    every finite answer pass).

    >>> close(0.786, 0.786448), close(0.7, 0.786448), close(0.0004, 0.0)
    (True, False, True)
    >>> inf, nan = float("inf"), float("nan")
    >>> close(5.0, inf), close(inf, inf), close(-inf, inf), close(nan, nan), close(nan, 1.0)
    (False, True, False, True, False)
    """
    if not (math.isfinite(answer) and math.isfinite(exact)):
        return answer == exact or (answer != answer and exact != exact)
    return abs(answer - exact) <= atol + rtol * abs(exact)


# What a typed number may be, in the playground and the stepper pages too (their JavaScript
# readers follow the same grammar; tests/viz/test_number_reading.py runs both on the same text):
# ASCII digits with an optional point and exponent, or inf, infinity, nan, any case, signed.
# Not Python's whole float(): no "1_0", no "٣" or "１", which JavaScript's Number() refuses.
DECIMAL = re.compile(
    r"[+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:e[+-]?[0-9]+)?|inf|infinity|nan)", re.I | re.A
)
BLANKS = " \t\n\r\f\v"  # trimmed from both ends: ASCII white space only, as the pages trim


def read_number(text: str | float) -> float | None:
    """A learner's typed answer as a float: ``-1.5``, ``−1.5`` (a typographic minus), ``1,5``
    (a decimal comma), ``1e-3``, ``inf`` or ``∞``, ``nan``, a fraction ``3/4``; None when it
    is not a number in that grammar (``DECIMAL``) or divides by zero.

    >>> read_number(" −1.5 "), read_number("3/4"), read_number("abc"), read_number(2)
    (-1.5, 0.75, None, 2.0)
    >>> read_number("1_0"), read_number("٣"), read_number("1/0")
    (None, None, None)
    """
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return float(text)
    if not isinstance(text, str):
        return None
    s = text.strip(BLANKS).replace("−", "-").replace(",", ".").replace("∞", "inf")
    parts = [p.strip(BLANKS) for p in s.split("/")]
    if len(parts) > 2 or not all(DECIMAL.fullmatch(p) for p in parts):
        return None
    numbers = [float(p) for p in parts]
    if len(numbers) == 1:
        return numbers[0]
    return None if numbers[1] == 0 else numbers[0] / numbers[1]


@dataclass
class Question:
    """One gradient asked at one step: ``label`` (``a.grad``), the exact value, the tries so far.

    >>> q = Question(1, "a.grad", 2.0)
    >>> q.solved, q.first_try
    (False, False)
    """

    frame: int  # the frame that shows the answer: the step's number
    label: str
    exact: float
    mistakes: tuple[tuple[float, str], ...] = ()  # (a wrong answer, what it means)
    tries: int = 0
    solved: bool = False
    revealed: bool = False

    @property
    def first_try(self) -> bool:
        """Answered right at the first try.

        >>> q = Question(1, "x.grad", 3.0, tries=1, solved=True)
        >>> q.first_try
        True
        """
        return self.solved and self.tries == 1


def questions(stepper: BackwardStepper, lang: str = "en") -> list[list[Question]]:
    """The questions of each frame (frame 0 asks none): per step, each input that is not a
    constant, with its gradient after the step's shares (in the order the inputs come).

    >>> from autograd import Value
    >>> from autograd.viz import BackwardStepper
    >>> a = Value(-3.0, "a")
    >>> [[(q.label, q.exact) for q in qs] for qs in questions(BackwardStepper((a + a) * 2))]
    [[], [('n1.grad', 2.0)], [('a.grad', 4.0)]]
    """
    out: list[list[Question]] = [[]]
    for step in stepper.steps:
        totals: dict[Value, float] = {}
        earlier: dict[Value, float] = {}
        uses: dict[Value, list[int]] = {}
        for i, (child, before, passed) in enumerate(
            zip(step.node.inputs, step.before, step.passed, strict=True)
        ):
            if child.operation is CONST:
                continue
            earlier.setdefault(child, before or 0.0)
            totals[child] = totals.get(child, before or 0.0) + passed
            uses.setdefault(child, []).append(i)
        asked = [
            Question(
                step.index + 1,
                f"{stepper.names[child]}.grad",
                total,
                typical_mistakes(
                    step.grad, [step.local[i] for i in uses[child]], earlier[child], lang
                ),
            )
            for child, total in totals.items()
        ]
        out.append(asked)
    return out


# What a wrong answer at one step most often means, in the exercises' words (the exercises'
# per-node diagnosis, autograd.exercises, says more; the quiz knows this step only). The
# Chinese words are beside them in autograd.viz.step_text.
SIGN = MISTAKES["en"]["sign"]
NO_LOCAL = MISTAKES["en"]["no_local"]
NO_UPSTREAM = MISTAKES["en"]["no_upstream"]
NOT_ADDED = MISTAKES["en"]["not_added"]
REPLACED = MISTAKES["en"]["replaced"]


def typical_mistakes(
    upstream: float, locals_: Sequence[float], before: float, lang: str = "en"
) -> tuple[tuple[float, str], ...]:
    """Wrong answers to one input's gradient at one step, each with what it means (the first
    that fits wins): the sign flipped, the local derivative or the upstream gradient left out,
    the earlier gradient not added, or only the earlier gradient.

    >>> for value, why in typical_mistakes(0.5, [-3.0], 0.0):
    ...     print(value, why)
    1.5 the sign is wrong (the size is right).
    0.5 the local derivative was left out: the upstream gradient passed on as it is.
    -3.0 the local derivative is right, but the upstream gradient was not multiplied in.
    >>> typical_mistakes(0.5, [-3.0], 0.0, "zh")[0][1]
    '符号错了（大小是对的）。'
    """
    say = MISTAKES[language(lang)]
    share = sum(upstream * d for d in locals_)
    exact = before + share
    found: list[tuple[float, str]] = []

    def add(value: float, why: str) -> None:
        if math.isfinite(value) and not close(value, exact) and all(v != value for v, _ in found):
            found.append((value, why))

    add(-exact, say["sign"])
    add(before + upstream * len(locals_), say["no_local"])
    add(before + sum(locals_), say["no_upstream"])
    if before:
        add(share, say["not_added"].format(before=fmt(before)))
        add(before, say["replaced"].format(share=fmt(share)))
    return tuple(found)


class Quiz:
    """The quiz over a backward stepper: which frame is reached, what is asked, the marks, the
    score. Moving on past ``reached`` needs the questions of the next frame answered.

    >>> from autograd import Value
    >>> from autograd.viz import BackwardStepper
    >>> x, w = Value(2.0, "x"), Value(-3.0, "w")
    >>> quiz = Quiz(BackwardStepper(x * w))
    >>> [q.label for q in quiz.asking()]
    ['x.grad', 'w.grad']
    >>> quiz.answer(["3", "2"])  # x.grad is w = -3, not 3
    [False, True]
    >>> quiz.answer(["-3", "2"]), quiz.reached, quiz.score()
    ([True, True], 1, (1, 2))
    >>> quiz.score_text()
    'score: 1 of 2 right at the first try'
    """

    def __init__(
        self, stepper: BackwardStepper, rtol: float = RTOL, atol: float = ATOL, lang: str = "en"
    ) -> None:
        self.stepper = stepper
        self.rtol, self.atol = rtol, atol
        self.frames = questions(stepper, lang)
        self.reached = 0  # the furthest frame the learner may see
        self._skip_unasked()

    def _skip_unasked(self) -> None:
        """Frames that ask nothing (every input a constant) open by themselves."""
        while self.reached + 1 < len(self.frames) and not self.frames[self.reached + 1]:
            self.reached += 1

    @property
    def done(self) -> bool:
        """Every frame is reached.

        >>> from autograd import Value
        >>> from autograd.viz import BackwardStepper
        >>> quiz = Quiz(BackwardStepper(Value(2.0, "x") * 3))
        >>> quiz.done, quiz.answer(["3"]), quiz.done
        (False, [True], True)
        """
        return self.reached == len(self.frames) - 1

    def asking(self) -> list[Question]:
        """The questions of the next frame, the one behind ``reached`` (empty when done).

        >>> from autograd import Value
        >>> from autograd.viz import BackwardStepper
        >>> quiz = Quiz(BackwardStepper(Value(2.0, "x") * 3))
        >>> [(q.label, q.exact) for q in quiz.asking()]
        [('x.grad', 3.0)]
        """
        return [] if self.done else self.frames[self.reached + 1]

    def answer(self, answers: Sequence[str | float]) -> list[bool]:
        """Mark one answer per question asked (a right one stays right); all right: move on.

        An answer that is not a number counts as a wrong try.

        >>> from autograd import Value
        >>> from autograd.viz import BackwardStepper
        >>> quiz = Quiz(BackwardStepper(Value(2.0, "x") * 3))
        >>> quiz.answer(["2"]), quiz.answer(["three"]), quiz.answer(["3"])
        ([False], [False], [True])
        """
        asked = self.asking()
        if len(answers) != len(asked):
            raise ValueError(f"Quiz.answer: {len(asked)} questions asked, {len(answers)} answers")
        marks = []
        for q, text in zip(asked, answers, strict=True):
            if not q.solved:
                q.tries += 1
                value = read_number(text)
                q.solved = value is not None and close(value, q.exact, self.rtol, self.atol)
            marks.append(q.solved)
        if all(marks):
            self.reached += 1
            self._skip_unasked()
        return marks

    def reveal(self) -> list[Question]:
        """Show the next frame without the answers: its questions count as missed.

        >>> from autograd import Value
        >>> from autograd.viz import BackwardStepper
        >>> quiz = Quiz(BackwardStepper(Value(2.0, "x") * 3))
        >>> [q.revealed for q in quiz.reveal()], quiz.score()
        ([True], (0, 1))
        """
        asked = self.asking()
        for q in asked:
            q.revealed = not q.solved
        if asked:
            self.reached += 1
            self._skip_unasked()
        return asked

    def why(self, question: Question, answer: str | float) -> str:
        """What a wrong answer most likely means (a typical mistake at this step), or "".

        >>> from autograd import Value
        >>> from autograd.viz import BackwardStepper
        >>> x, w = Value(2.0, "x"), Value(-3.0, "w")
        >>> quiz = Quiz(BackwardStepper(x * w))
        >>> quiz.why(quiz.asking()[0], "3")
        'the sign is wrong (the size is right).'
        """
        value = read_number(answer)
        if value is None or close(value, question.exact, self.rtol, self.atol):
            return ""
        for wrong, text in question.mistakes:
            if close(value, wrong, self.rtol, self.atol):
                return text
        return ""

    def score(self) -> tuple[int, int]:
        """(right at the first try, questions asked so far).

        >>> from autograd import Value
        >>> from autograd.viz import BackwardStepper
        >>> quiz = Quiz(BackwardStepper(Value(2.0, "x") * 3))
        >>> quiz.answer([3.0]), quiz.score()
        ([True], (1, 1))
        """
        asked = [q for frame in self.frames for q in frame if q.tries or q.revealed]
        return sum(q.first_try for q in asked), len(asked)

    def score_text(self) -> str:
        """The score in words.

        >>> from autograd import Value
        >>> from autograd.viz import BackwardStepper
        >>> quiz = Quiz(BackwardStepper(Value(2.0, "x") * 3))
        >>> quiz.score_text()
        'score: 0 of 0 right at the first try'
        """
        right, asked = self.score()
        return f"score: {right} of {asked} right at the first try"

    def payload(self) -> dict[str, object]:
        """What the HTML page's script needs: tolerance and, per frame, labels and answers.

        >>> from autograd import Value
        >>> from autograd.viz import BackwardStepper
        >>> quiz = Quiz(BackwardStepper(Value(2.0, "x") * 3))
        >>> quiz.payload()["frames"][1][0]["exact"], quiz.payload()["frames"][1][0]["mistakes"][0]
        (3.0, [-3.0, 'the sign is wrong (the size is right).'])
        """
        return {
            "rtol": self.rtol,
            "atol": self.atol,
            "tolerance": TOLERANCE,
            "frames": [
                [
                    {
                        "label": q.label,
                        "exact": js_number(q.exact),
                        "mistakes": [[js_number(v), why] for v, why in q.mistakes],
                    }
                    for q in f
                ]
                for f in self.frames
            ],
        }


def js_number(x: float) -> float | str:
    """``x`` for JSON: a finite float as it is, else the text JavaScript's ``Number()`` reads
    (JSON has no inf or nan, and ``JSON.parse`` refuses Python's ``Infinity``).

    >>> js_number(1.5), js_number(float("-inf")), js_number(float("nan"))
    (1.5, '-Infinity', 'NaN')
    """
    if math.isfinite(x):
        return x
    return "NaN" if x != x else ("Infinity" if x > 0 else "-Infinity")
