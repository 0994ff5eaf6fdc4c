"""A student's answers to an exercise sheet, read from a CSV or JSON file and checked against
the sheet: every problem found is named with the file and the row (CSV) or the entry (JSON).

CSV: a header row with the columns ``exercise`` (the exercise's number on the sheet),
``question`` (the name asked: ``n1`` for a value, ``x.grad`` for a gradient) and ``answer``
(a number: ``-1.5``, ``−1.5``, ``3/4``); an optional ``seed`` column must hold the key's seed;
other columns are ignored, and a row whose answer is empty is a question not answered.

JSON: ``{"seed": 1, "answers": {"1": {"n1": 6, "x.grad": -3}, "2": {...}}}``: the answers by
exercise number, then by question; ``seed`` is optional and must be the key's.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .problem import answer_number
from .sheet import Sheet

__all__ = ["COLUMNS", "SUFFIXES", "Answers", "answer_files", "read_answers"]

COLUMNS = ("exercise", "question", "answer")
SUFFIXES = (".csv", ".json")
LARGEST = 1_000_000  # bytes: a sheet of 100 exercises' answers is far smaller


@dataclass
class Answers:
    """One student's answers by exercise number, or the problems that keep them from being
    marked (each naming the file and the row).

    >>> Answers("ada", Path("ada.csv")).ok
    True
    """

    student: str
    path: Path
    by_exercise: dict[int, dict[str, float]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether the file could be read with no problem.

        >>> Answers("ada", Path("ada.csv"), problems=["ada.csv: empty"]).ok
        False
        """
        return not self.problems


def answer_files(path: str | Path) -> list[Path]:
    """The answer files at ``path``: the file itself, or a folder's ``.csv`` and ``.json``
    files (one per student, in name order); a ValueError when there is none.

    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> for name in ("b.csv", "a.json", "x.txt"):
    ...     _ = (d / name).write_text("")
    >>> [p.name for p in answer_files(d)]
    ['a.json', 'b.csv']
    """
    where = Path(path)
    if where.is_file():
        return [where]
    if not where.is_dir():
        raise ValueError(f"{where} is neither an answer file nor a folder of them")
    found = sorted(p for p in where.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES)
    if not found:
        raise ValueError(f"{where} holds no answer files ({', '.join(SUFFIXES)})")
    return found


def read_answers(path: Path, sheet: Sheet, student: str | None = None) -> Answers:
    """The answers in ``path`` (CSV or JSON, by its suffix) to ``sheet``'s exercises.

    >>> import tempfile
    >>> sheet = Sheet(seed=2, count=1, draw=False)
    >>> path = Path(tempfile.mkdtemp()) / "ada.csv"
    >>> _ = path.write_text("exercise,question,answer\\n1,n1,3.5\\n1,x0.grad,oops\\n")
    >>> read_answers(path, sheet).problems[0].split(": ", 1)[1]
    "row 3: the answer 'oops' is not a number"
    """
    got = Answers(student or path.stem, path)
    try:
        if path.stat().st_size > LARGEST:
            got.problems.append(f"{path}: larger than {LARGEST} bytes; not an answer sheet")
            return got
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        got.problems.append(f"{path}: cannot be read: {e}")
        return got
    rows = _json_rows(text, sheet) if path.suffix.lower() == ".json" else _csv_rows(text, sheet)
    seen: dict[tuple[int, str], str] = {}
    for where, exercise, question, answer in rows:
        problem = _add(got, sheet, seen, where, exercise, question, answer)
        if problem:
            got.problems.append(f"{path}: {where}: {problem}")
    return got


Row = tuple[str, Any, Any, Any]  # (where in the file, exercise, question, answer)


def _csv_rows(text: str, sheet: Sheet) -> Iterator[Row]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        yield ("row 1", None, None, _Missing(f"no header row; give the columns {_columns()}"))
        return
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        have = ", ".join(header) or "none"
        why = f"the column(s) {', '.join(missing)} are missing (the header has {have}); "
        yield ("row 1", None, None, _Missing(why + f"give the columns {_columns()}"))
        return
    at = {c: header.index(c) for c in (*COLUMNS, "seed") if c in header}
    for cells in reader:
        where = f"row {reader.line_num}"
        if not any(c.strip() for c in cells):
            continue
        if len(cells) < len(header):
            cells = cells + [""] * (len(header) - len(cells))
        if "seed" in at and cells[at["seed"]].strip() not in ("", str(sheet.seed)):
            yield (where, None, None, _Missing(_other_seed(cells[at["seed"]].strip(), sheet)))
            continue
        answer = cells[at["answer"]].strip()
        if answer:
            yield (where, cells[at["exercise"]].strip(), cells[at["question"]].strip(), answer)


def _json_rows(text: str, sheet: Sheet) -> Iterator[Row]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        yield ("line " + str(e.lineno), None, None, _Missing(f"not JSON: {e.msg}"))
        return
    if not isinstance(data, dict) or not isinstance(data.get("answers"), dict):
        why = 'expected {"answers": {"1": {"n1": 6, "x.grad": -3}, ...}} (see the docs)'
        yield ("the top level", None, None, _Missing(why))
        return
    if "seed" in data and (isinstance(data["seed"], bool) or data["seed"] != sheet.seed):
        yield ('"seed"', None, None, _Missing(_other_seed(repr(data["seed"]), sheet)))
        return
    for exercise, answers in data["answers"].items():
        where = f"exercise {exercise!r}"
        if not isinstance(answers, dict):
            yield (where, None, None, _Missing("expected an object of question: answer"))
            continue
        for question, answer in answers.items():
            if answer is not None:
                yield (f"exercise {exercise!r}, {question!r}", exercise, question, answer)


class _Missing:
    """A problem found while reading the rows (in place of an answer)."""

    def __init__(self, text: str) -> None:
        self.text = text


def _columns() -> str:
    return ", ".join(COLUMNS)


def _other_seed(seed: str, sheet: Sheet) -> str:
    return f"these answers are for seed {seed}, but the key is for seed {sheet.seed}"


def _add(
    got: Answers,
    sheet: Sheet,
    seen: dict[tuple[int, str], str],
    where: str,
    exercise: Any,
    question: Any,
    answer: Any,
) -> str:
    """Record one answer; the problem with it, or ''."""
    if isinstance(answer, _Missing):
        return answer.text
    count = len(sheet.exercises)
    number = _exercise_number(exercise)
    if number is None or not 1 <= number <= count:
        return f"there is no exercise {exercise!r} (the sheet has exercises 1 to {count})"
    ex = sheet.exercises[number - 1]
    asked = ex.questions()
    if question not in asked:
        return f"exercise {number} asks no {question!r}; it asks {', '.join(asked)}"
    if (number, question) in seen:
        return (
            f"exercise {number}'s {question} is answered twice (first at {seen[number, question]})"
        )
    try:
        value = answer_number(answer, "answer")
    except TypeError:
        return f"the answer {answer!r:.40} is not a number"
    seen[number, question] = where
    got.by_exercise.setdefault(number, {})[question] = value
    return ""


def _exercise_number(exercise: Any) -> int | None:
    if isinstance(exercise, bool):
        return None
    if isinstance(exercise, int):
        return exercise
    if isinstance(exercise, str) and exercise.strip().isascii() and exercise.strip().isdecimal():
        return int(exercise.strip())
    return None
