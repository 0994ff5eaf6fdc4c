"""Marking a class's exercise sheets: each student's answers (CSV or JSON) against the answer
key (``key.json``), every answer right or wrong with the diagnosis of a wrong one (the
mistake that explains the number, from ``autograd.exercises``), written out in the grader's
formats: per student ``results.json`` (Gradescope) and ``junit.xml``; ``class.csv`` and
``summary.json`` for the class.

Each question on the sheet is one test worth one point; a question not answered scores zero.
A file that cannot be read as answers to this key (missing columns, a number that is not one,
an exercise or question the sheet does not have, another seed) scores zero on every question,
with the problems found, each naming the file and the row.

It joins two packages that do not know each other (``autograd.exercises`` is imported only by
the command line and the web side), so it lives with the command line: ``python -m autograd
exercises mark`` runs :func:`mark_sheets`, which Python code may call too.
"""

from __future__ import annotations

import json
import statistics
import time
from collections import Counter
from pathlib import Path
from typing import Any

from ..exercises.answers import Answers, answer_files, read_answers
from ..exercises.key import load_key
from ..exercises.report import Mark
from ..exercises.sheet import Sheet
from ..grading.formats import write_results
from ..grading.scoring import CheckResult, Marked
from ..notation import fmt

__all__ = ["mark_answers", "mark_sheets"]

SHOWN_PROBLEMS = 10  # a file's problems listed in full; the rest counted


def mark_sheets(answers: str | Path, key: str | Path, out: str | Path) -> dict[str, Any]:
    """Mark one answer file, or a folder of them (one per student), against the answer key
    ``key``; write the results into the folder ``out`` and return the class summary (also
    written as ``summary.json``). A ValueError for a key that cannot be used or no answers.

    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = Sheet(seed=2, count=1, draw=False).write(d / "sheet")
    >>> (d / "answers").mkdir()
    >>> _ = (d / "answers" / "ada.csv").write_text(
    ...     "exercise,question,answer\\n1,n1,3.5\\n1,x0.grad,25\\n")
    >>> summary = mark_sheets(d / "answers", d / "sheet" / "key.json", d / "results")
    >>> summary["scores"], summary["mistakes"][0]["mistake"]
    ({'ada': 1.0}, 'missing share')
    >>> sorted(p.name for p in (d / "results").iterdir())
    ['ada', 'class.csv', 'summary.json']
    """
    start = time.monotonic()
    sheet = load_key(key)
    files = answer_files(answers)
    names = Counter(p.stem for p in files)
    marks = []
    for path in files:
        student = path.stem if names[path.stem] == 1 else path.name
        began = time.monotonic()
        marked = mark_answers(read_answers(path, sheet, student), sheet)
        marked.seconds = time.monotonic() - began
        marks.append(marked)
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    write_results(marks, folder, sheet.seed)
    summary = summarise_sheets(marks, sheet, time.monotonic() - start)
    (folder / "summary.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
    return summary


def mark_answers(answers: Answers, sheet: Sheet) -> Marked:
    """One student's answers marked: a test per question of the sheet (one point each), a
    wrong answer's output saying the mistake; zero on every question, with the problems, for
    a file that could not be read as answers to this sheet.

    >>> sheet = Sheet(seed=2, count=1, draw=False)
    >>> m = mark_answers(Answers("ada", Path("ada.csv"), {1: {"n1": 3.5}}), sheet)
    >>> m.score, m.max_score, m.checks[0].name, m.checks[0].status
    (1.0, 11.0, 'exercise 1: n1', 'passed')
    """
    if not answers.ok:
        shown = answers.problems[:SHOWN_PROBLEMS]
        more = len(answers.problems) - len(shown)
        reason = "\n".join(shown) + (f"\n(and {more} more problems)" if more > 0 else "")
        zero = [
            CheckResult(name, 0.0, 1.0, "failed", f"not marked: {reason}")
            for name, _ in _questions(sheet)
        ]
        return Marked(answers.student, zero, reason, notes=[f"answers: {answers.path.name}"])
    checks, causes = [], []
    for k, ex in enumerate(sheet.exercises, 1):
        given = answers.by_exercise.get(k, {})
        report = ex.check(given)
        for q in ex.questions():
            name = f"exercise {k}: {q}"
            if q not in given:
                checks.append(CheckResult(name, 0.0, 1.0, "failed", "not answered"))
                continue
            m = report.mark(q)
            checks.append(_check(name, m))
            if m.diagnosis is not None:
                causes.append({"kind": m.diagnosis.mistake, "question": name})
    notes = [f"answers: {answers.path.name}"]
    return Marked(answers.student, checks, "", causes, notes)


def _questions(sheet: Sheet) -> list[tuple[str, str]]:
    return [
        (f"exercise {k}: {q}", q) for k, ex in enumerate(sheet.exercises, 1) for q in ex.questions()
    ]


def _check(name: str, m: Mark) -> CheckResult:
    if m.right:
        return CheckResult(name, 1.0, 1.0, "passed", f"right: {fmt(m.answer)}")
    text = f"wrong: {fmt(m.answer)}, the exact value is {fmt(m.exact)}."
    if m.diagnosis is not None:
        text += f"\nMistake: {m.diagnosis.mistake}.\n{m.diagnosis.text}"
    return CheckResult(name, 0.0, 1.0, "failed", text)


def summarise_sheets(marks: list[Marked], sheet: Sheet, wall: float) -> dict[str, Any]:
    """The class's scores, the files that could not be marked (with why), the mistakes across
    the class (each with the number and share of students who made it), and per question how
    many answered it right.

    >>> s = summarise_sheets([], Sheet(seed=2, count=1, draw=False), 0.0)
    >>> s["students"], s["mistakes"], s["max_score"]
    (0, [], 11.0)
    """
    n = len(marks)
    students: Counter[str] = Counter()
    answers: Counter[str] = Counter()
    example: dict[str, str] = {}
    for m in marks:
        kinds = [c["kind"] for c in m.causes]
        students.update(set(kinds))
        answers.update(kinds)
        for c in m.causes:
            example.setdefault(c["kind"], f"{m.student}, {c['question']}")
    mistakes = [
        {
            "mistake": kind,
            "students": count,
            "share": round(count / n, 4) if n else 0.0,
            "answers": answers[kind],
            "example": example[kind],
        }
        for kind, count in students.most_common()
    ]
    right: Counter[str] = Counter(c.name for m in marks for c in m.checks if c.passed)
    scores = {m.student: m.score for m in marks}
    values = list(scores.values())
    return {
        "title": "exercise sheet",
        "seed": sheet.seed,
        "settings": sheet.settings(),
        "students": n,
        "max_score": float(len(_questions(sheet))),
        "wall_seconds": round(wall, 1),
        "mean": round(statistics.fmean(values), 2) if values else 0.0,
        "median": statistics.median(values) if values else 0.0,
        "scores": scores,
        "zeros": {m.student: m.fatal for m in marks if m.fatal},
        "mistakes": mistakes,
        "questions": [{"name": name, "right": right[name]} for name, _ in _questions(sheet)],
    }
