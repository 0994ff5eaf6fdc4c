"""The marks a learner's answers get: each answer's diagnosis, and the report of them all.

``autograd.exercises.diagnose`` works out what went wrong; this module holds its results, and
writes them out as text or HTML.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from ..notation import fmt
from .text import wrap

__all__ = ["Diagnosis", "Mark", "Report"]


@dataclass(frozen=True)
class Diagnosis:
    """Why an answer is wrong: ``where`` is ``"carried"`` (right step, wrong numbers coming
    in) or ``"step"`` (this step is wrong); ``mistake`` names the kind; ``text`` explains it.

    >>> Diagnosis("step", "sign", "The sign is wrong.").carried
    False
    """

    where: str
    mistake: str
    text: str
    sources: tuple[str, ...] = ()  # for a carried mistake: the wrong answers it came from

    @property
    def carried(self) -> bool:
        """Whether the mistake came in with the numbers this step started from.

        >>> Diagnosis("carried", "carried from above", "...").carried
        True
        """
        return self.where == "carried"


@dataclass(frozen=True)
class Mark:
    """One answer marked: right or not, and for a wrong one the diagnosis.

    >>> Mark("x.grad", 1.0, 1.0, True, None).right
    True
    """

    label: str
    answer: float
    exact: float
    right: bool
    diagnosis: Diagnosis | None


class Report:
    """The marks of one :meth:`Exercise.check`, as text (``str(report)``) or HTML.

    >>> from autograd.exercises import Exercise
    >>> r = Exercise.from_expression("x * x", x=3.0).check({"n1": 9, "x.grad": 3})
    >>> r.score, r.wrong[0].diagnosis.mistake
    ((1, 2), 'missing share')
    """

    def __init__(self, marks: Sequence[Mark], tolerance: str, title: str) -> None:
        self.marks = list(marks)
        self.tolerance = tolerance
        self.title = title

    @property
    def score(self) -> tuple[int, int]:
        """(right answers, answers checked).

        >>> from autograd.exercises import Exercise
        >>> r = Exercise.from_expression("x * x", x=3.0).check({"n1": 9, "x.grad": 3})
        >>> r.score
        (1, 2)
        """
        return sum(m.right for m in self.marks), len(self.marks)

    @property
    def wrong(self) -> list[Mark]:
        """The wrong answers, in the order of the questions.

        >>> from autograd.exercises import Exercise
        >>> r = Exercise.from_expression("x * x", x=3.0).check({"n1": 9, "x.grad": 3})
        >>> [m.label for m in r.wrong]
        ['x.grad']
        """
        return [m for m in self.marks if not m.right]

    def mark(self, label: str) -> Mark:
        """The mark of one answer by its label.

        >>> from autograd.exercises import Exercise
        >>> r = Exercise.from_expression("x * x", x=3.0).check({"n1": 9, "x.grad": 3})
        >>> r.mark("n1").right
        True
        """
        for m in self.marks:
            if m.label == label:
                return m
        raise KeyError(f"no answer {label!r} was checked")

    def summary(self) -> str:
        """The first line: how many, how many right, the tolerance.

        >>> from autograd.exercises import Exercise
        >>> r = Exercise.from_expression("x * x", x=3.0).check({"n1": 9, "x.grad": 3})
        >>> r.summary().split(" (")[0]
        '2 answers checked: 1 right, 1 wrong'
        """
        right, n = self.score
        what = f"{n} answer{'s' if n != 1 else ''} checked"
        return f"{what}: {right} right, {n - right} wrong (right means {self.tolerance})."

    def text(self) -> str:
        """The report in words: the score, then each wrong answer with its diagnosis.

        >>> from autograd.exercises import Exercise
        >>> r = Exercise.from_expression("x * x", x=3.0).check({"n1": 9, "x.grad": 3})
        >>> r.text().splitlines()[1]
        '✗ x.grad = 3, the exact value is 6.'
        """
        lines = [self.summary()]
        for m in self.marks:
            if m.right:
                continue
            lines.append(f"✗ {m.label} = {fmt(m.answer)}, the exact value is {fmt(m.exact)}.")
            if m.diagnosis is not None:
                text = wrap(m.diagnosis.text, 96)
                lines += ["  " + line for line in text.splitlines()]
        right = [m.label for m in self.marks if m.right]
        if right:
            lines.append("✓ right: " + ", ".join(right))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text()

    def __repr__(self) -> str:
        return f"<Report {self.title!r}: {self.score[0]} of {self.score[1]} right>"

    def html(self) -> str:
        """The report as an HTML fragment (every text escaped): a table of the answers and,
        under each wrong one, its diagnosis.

        >>> from autograd.exercises import Exercise
        >>> r = Exercise.from_expression("x * x", x=3.0).check({"x.grad": 3})
        >>> '<tr class="wrong">' in r.html()
        True
        """
        rows = []
        for m in self.marks:
            sign, cls = ("✓", "right") if m.right else ("✗", "wrong")
            why = ""
            if m.diagnosis is not None:
                text = html.escape(m.diagnosis.text)
                why = f'<pre class="diagnosis" style="white-space: pre-wrap">{text}</pre>'
            rows.append(
                f'<tr class="{cls}"><td>{sign}</td><td><code>{html.escape(m.label)}</code></td>'
                f"<td>{html.escape(fmt(m.answer))}</td><td>{html.escape(fmt(m.exact))}</td>"
                f"<td>{why}</td></tr>"
            )
        return (
            '<div class="exercise-report" style="overflow-x: auto">'  # a wide table scrolls
            f"<p><b>{html.escape(self.title)}</b>: "
            f"{html.escape(self.summary())}</p>\n<table><tr><th></th><th>answer</th><th>yours</th>"
            f"<th>exact</th><th>diagnosis</th></tr>\n" + "\n".join(rows) + "\n</table></div>"
        )

    def _repr_html_(self) -> str:
        return self.html()


# -- the learner's numbers, propagated ---------------------------------------------------------
