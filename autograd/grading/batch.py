"""Grade a class: every submission judged in a worker process of its own, ``jobs`` at a time,
each within a wall-clock limit, then marked and written out in every format.

RESULTS gets, per student, ``STUDENT/results.json`` (Gradescope) and ``STUDENT/junit.xml``;
and for the class ``class.csv``, ``summary.json`` and ``summary.html``.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .formats import gradescope, write_results
from .processes import run_limited
from .rubric import Rubric, load_rubric
from .scoring import Marked, mark
from .submissions import Submission, find_submissions
from .summary_page import summary_html

__all__ = ["Settings", "grade_class", "grade_gradescope", "grade_one"]


@dataclass(frozen=True)
class Settings:
    """How a class is graded: the class's name, the random graphs (``examples``, ``seed``),
    the limit of one call into a student's code (``time_limit``) and of a whole submission
    (``submission_limit``), and how many submissions at once (``jobs``); for a NumPy
    assignment, ``backward`` names its two functions and ``arrays``/``no_grad`` its inputs.

    >>> Settings().class_name, Settings().submission_limit
    ('Value', 120.0)
    """

    class_name: str = "Value"
    examples: int = 500
    seed: int | None = None
    time_limit: float = 2.0
    submission_limit: float = 120.0
    jobs: int = 1
    backward: tuple[str, str] | None = None  # a NumPy assignment: (forward, backward) names
    arrays: tuple[str, ...] | None = None  # its inputs (.npy files), else the built-in example
    no_grad: tuple[str, ...] | None = None  # the inputs needing no gradient (else the example's)

    @property
    def judged(self) -> str:
        """What is judged, as results name it: the class, or ``forward:backward``.

        >>> Settings().judged, Settings(backward=("forward", "backward")).judged
        ('Value', 'forward:backward')
        """
        return ":".join(self.backward) if self.backward else self.class_name


# The worker finds this package where this process found it, installed or not.
_ROOT = str(Path(__file__).resolve().parents[2])


def _env() -> dict[str, str]:
    paths = [_ROOT, os.environ.get("PYTHONPATH", "")]
    return dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in paths if p))


def grade_one(sub: Submission, settings: Settings, scratch: Path) -> dict[str, Any]:
    """The worker's answer for one submission, or a judgement saying why there is none.

    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "x.py").write_text("import os\\nos._exit(0)")
    >>> grade_one(Submission("x", d / "x.py"), Settings(examples=5), d)["failures"][0]["kind"]
    'raises an error'
    """
    folder = Path(tempfile.mkdtemp(prefix="sub-", dir=scratch))
    request = {
        "submission": str(sub.path.resolve()),
        "student": sub.student,
        "work": str(folder / "work"),
        "class": settings.class_name,
        "examples": settings.examples,
        "seed": settings.seed,
        "time_limit": settings.time_limit,
        "answer": str(folder / "answer.json"),
        "backward": list(settings.backward) if settings.backward else None,
        "arrays": [str(Path(a).resolve()) for a in settings.arrays] if settings.arrays else None,
        "no_grad": list(settings.no_grad) if settings.no_grad is not None else None,
    }
    (folder / "request.json").write_text(json.dumps(request), encoding="utf-8")
    command = [sys.executable, "-m", "autograd.grading.worker", str(folder / "request.json")]
    code, seconds = run_limited(
        command, settings.submission_limit, cwd=folder, log=folder / "worker.log", env=_env()
    )
    answer = folder / "answer.json"
    judged: dict[str, Any] = {"student": sub.student, "seconds": seconds}
    if code is None:
        judged["fatal"] = (
            f"the judgement did not finish within {settings.submission_limit:g} s "
            "(the limit of one submission)"
        )
    elif not answer.is_file():
        judged["fatal"] = f"the judgement ended without an answer (exit status {code})"
    else:
        judged = json.loads(answer.read_text(encoding="utf-8"))
        judged["seconds"] = seconds
    judged["student"] = sub.student
    return judged


def grade_class(
    submissions: Path,
    out: Path,
    rubric: Rubric | None = None,
    settings: Settings | None = None,
) -> dict[str, Any]:
    """Grade every submission in ``submissions`` into ``out``; the class summary (also written
    as ``summary.json``).

    >>> import tempfile
    >>> from autograd.testing.mutants import engine_source
    >>> d = Path(tempfile.mkdtemp())
    >>> (d / "in").mkdir()
    >>> _ = (d / "in" / "ada.py").write_text(engine_source("exp-upstream"))
    >>> summary = grade_class(d / "in", d / "out", settings=Settings(examples=20))
    >>> summary["scores"], summary["root_causes"][0]["check"]
    ({'ada': 90.0}, 'upstream: out.grad multiplied in')
    """
    rubric = rubric or load_rubric()
    settings = settings or Settings()
    subs = find_submissions(submissions)
    start = time.monotonic()
    out.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory(prefix="autograd-grade-") as scratch,
        ThreadPoolExecutor(max(1, settings.jobs)) as pool,
    ):
        judged = list(pool.map(lambda s: grade_one(s, settings, Path(scratch)), subs))
    marks = [mark(j, rubric) for j in judged]
    wall = time.monotonic() - start
    write_results(marks, out, settings.seed)
    summary = summarise(marks, rubric, settings, wall)
    (out / "summary.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
    (out / "summary.html").write_text(summary_html(summary), encoding="utf-8")
    return summary


def grade_gradescope(
    submission: Path, results: Path, rubric: Rubric | None = None, settings: Settings | None = None
) -> dict[str, Any]:
    """Inside Gradescope's autograder: one student's folder (``/autograder/submission``) judged
    and marked, its ``results.json`` written to ``results``
    (``/autograder/results/results.json``) and returned.

    >>> import tempfile
    >>> from autograd.testing.mutants import engine_source
    >>> d = Path(tempfile.mkdtemp())
    >>> (d / "submission").mkdir()
    >>> _ = (d / "submission" / "engine.py").write_text(engine_source())
    >>> grade_gradescope(d / "submission", d / "results.json", settings=Settings(examples=20))[
    ...     "score"]
    100.0
    """
    rubric = rubric or load_rubric()
    settings = settings or Settings()
    if not submission.is_dir():
        raise ValueError(f"{submission} is not a folder (Gradescope's /autograder/submission)")
    with tempfile.TemporaryDirectory(prefix="autograd-grade-") as scratch:
        judged = grade_one(Submission("submission", submission), settings, Path(scratch))
    result = gradescope(mark(judged, rubric), settings.seed)
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(json.dumps(result, indent=1), encoding="utf-8")
    return result


def summarise(
    marks: list[Marked], rubric: Rubric, settings: Settings, wall: float
) -> dict[str, Any]:
    """The class's scores, zeros with their reasons, and root causes across the class (each
    with its share of students and the smallest graph that shows it).

    >>> s = summarise([], load_rubric(), Settings(), 0.0)
    >>> s["students"], s["root_causes"]
    (0, [])
    """
    counts: Counter[tuple[str, str]] = Counter()
    smallest: dict[tuple[str, str], dict[str, Any]] = {}
    for m in marks:
        seen = set()
        for cause in m.causes:
            key = (cause["kind"], cause["op"])
            if key in seen:
                continue
            seen.add(key)
            counts[key] += 1
            best = smallest.get(key)
            if best is None or (  # the smallest graph drawn; else the first text
                cause.get("dot") and (not best.get("dot") or cause["size"] < best["size"])
            ):
                smallest[key] = cause
    n = len(marks)
    causes = []
    for (kind, op), count in counts.most_common():
        example = smallest.get((kind, op), {})
        causes.append(
            {
                "kind": kind,
                "op": op,
                "check": rubric.line_for(kind, op).name,
                "students": count,
                "share": round(count / n, 4) if n else 0.0,
                "example": example.get("text", ""),
                "dot": example.get("dot"),
            }
        )
    scores = {m.student: m.score for m in marks}
    values = list(scores.values())
    return {
        "title": rubric.title,
        "students": n,
        "max_score": rubric.total,
        "seed": settings.seed,
        "class": settings.judged,
        "wall_seconds": round(wall, 1),
        "mean": round(statistics.fmean(values), 2) if values else 0.0,
        "median": statistics.median(values) if values else 0.0,
        "scores": scores,
        "zeros": {m.student: m.fatal for m in marks if m.fatal},
        "root_causes": causes,
        "checks": [{"name": c.name, "points": c.points} for c in rubric.checks],
    }
