"""A judgement marked on a rubric: each check's points, status and output.

Points follow root causes: each problem the judge names is charged to one check (the rubric's
``line_for``); what it kept from being checked costs nothing, unless the rubric says
``unchecked = "zero"``: then a line of which nothing was seen working scores nothing. A
submission that could not be judged at all (nothing found, a module that does not load, the
time limit of the whole submission, a NumPy backward that does not run) or of which nothing
was seen working (no operation, or no gradient, found right) scores zero on every check, with
the reason; so does one whose class derives from this package's ``Value`` or whose
``backward()`` calls this package's. A class that keeps this package's Values inside some
operations loses the checks of those operations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..testing.learner_report import ENDED, ERROR, HANG, NOTHING, OWN
from .backward_judgement import BACKWARD_FAILED
from .integrity import OWN_ENGINE
from .rubric import Check, Rubric

__all__ = ["CheckResult", "Marked", "mark"]


@dataclass
class CheckResult:
    """One rubric line for one student.

    >>> CheckResult("tanh", 0.0, 5.0, "failed", "wrong local derivative").passed
    False
    """

    name: str
    score: float
    max_score: float
    status: str  # "passed" or "failed", Gradescope's words
    output: str
    visibility: str = "visible"

    @property
    def passed(self) -> bool:
        """Whether the check's points were given.

        >>> CheckResult("x", 5.0, 5.0, "passed", "right").passed
        True
        """
        return self.status == "passed"


@dataclass
class Marked:
    """A student's marks: the checks, the total, the reason for a zero (``fatal``), and the
    root causes found as (kind, operation, text, DOT, size of the graph).

    >>> m = Marked("ada", [CheckResult("x", 0.0, 5.0, "failed", "wrong")])
    >>> m.score, m.max_score
    (0.0, 5.0)
    """

    student: str
    checks: list[CheckResult]
    fatal: str = ""
    causes: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def score(self) -> float:
        """The points given.

        >>> Marked("ada", [CheckResult("x", 2.0, 5.0, "failed", "")]).score
        2.0
        """
        return sum(c.score for c in self.checks)

    @property
    def max_score(self) -> float:
        """The points there were.

        >>> Marked("ada", [CheckResult("x", 2.0, 5.0, "failed", "")]).max_score
        5.0
        """
        return sum(c.max_score for c in self.checks)


def fatal_reason(judged: dict[str, Any]) -> str:
    """Why nothing of the submission can be marked, or ''.

    >>> fatal_reason({"fatal": "", "failures": [{"kind": "backward() did nothing", "op": "",
    ...     "text": "backward() did nothing: a.grad stays 0"}], "passed": []})
    'nothing was seen working: backward() did nothing: a.grad stays 0'
    >>> fatal_reason({"fatal": "", "failures": [{"kind": "raises an error", "op": "",
    ...     "text": "raises an error: cannot import x.py:Value: boom"}], "passed": []})
    'raises an error: cannot import x.py:Value: boom'
    """
    if judged.get("fatal"):
        return str(judged["fatal"])
    failures = judged.get("failures", [])
    for f in failures:
        if f["kind"] == OWN:
            return f"{OWN_ENGINE}: {f['text']}"
        if f["kind"] == NOTHING:
            return str(f["text"])
    if judged.get("integrity", {}).get("all"):
        return str(judged["integrity"]["text"])
    if not judged.get("passed"):  # nothing was seen working: no line can be paid
        if not failures:
            return "nothing was judged: the class defines none of the operations"
        unrunnable = (ERROR, HANG, ENDED, BACKWARD_FAILED)
        if all(f["kind"] in unrunnable and not f["op"] for f in failures):
            return str(failures[0]["text"])
        firsts = dict.fromkeys(str(f["text"]).split("\n")[0] for f in failures)
        return "nothing was seen working: " + "; ".join(list(firsts)[:3])
    return ""


def mark(judged: dict[str, Any], rubric: Rubric) -> Marked:
    """The marks of one judgement (the worker's answer) on ``rubric``.

    >>> from autograd.grading.rubric import load_rubric
    >>> judged = {"student": "ada", "failures": [{"kind": "wrong local derivative",
    ...     "op": "tanh", "text": "wrong local derivative: tanh", "dot": None, "size": 1}],
    ...     "passed": ["mul"], "not_checked": [["tanh in larger graphs", 1]]}
    >>> m = mark(judged, load_rubric())
    >>> m.score, [c.name for c in m.checks if not c.passed]
    (95.0, ['tanh: local derivative'])
    """
    student = str(judged.get("student", ""))
    notes = [str(n) for n in judged.get("notes", [])] + [str(c) for c in judged.get("cells", [])]
    seconds = float(judged.get("seconds", 0.0))
    reason = fatal_reason(judged)
    if reason:
        zero = [_result(c, reason) for c in rubric.checks]
        return Marked(student, zero, reason, [], notes, seconds)  # the reason says it all
    charged: dict[str, list[str]] = {}
    failures = judged.get("failures", [])
    for f in failures:
        charged.setdefault(rubric.line_for(f["kind"], f["op"]).name, []).append(f["text"])
    integrity = judged.get("integrity", {})
    for check in rubric.checks:
        if set(check.ops) & set(integrity.get("ops", [])):
            charged.setdefault(check.name, []).insert(0, str(integrity["text"]))
    blocked = _blocked(judged, rubric)
    unseen = _unseen(judged, rubric)
    results = []
    for check in rubric.checks:
        if check.name in charged:
            results.append(_result(check, "\n\n".join(charged[check.name])))
        elif check.name in unseen:
            results.append(_result(check, f"not checked: {unseen[check.name]}"))
        else:
            results.append(_passed(check, blocked.get(check.name, [])))
    return Marked(student, results, "", _causes(judged, rubric), notes, seconds)


def _result(check: Check, output: str) -> CheckResult:
    return CheckResult(check.name, 0.0, check.points, "failed", output, check.visibility)


def _passed(check: Check, blocked: list[str]) -> CheckResult:
    text = "right"
    if blocked:
        text += " (some of it not checked because of a problem charged elsewhere: "
        text += "; ".join(blocked) + ")"
    return CheckResult(check.name, check.points, check.points, "passed", text, check.visibility)


def _blocked(judged: dict[str, Any], rubric: Rubric) -> dict[str, list[str]]:
    """For each check, what the problems charged to other checks kept from being checked."""
    failures = judged.get("failures", [])
    out: dict[str, list[str]] = {}
    for what, number in judged.get("not_checked", []):
        if 1 <= number <= len(failures):
            f = failures[number - 1]
            line = rubric.line_for(f["kind"], f["op"]).name
            out.setdefault(line, []).append(str(what))
    return out


def _unseen(judged: dict[str, Any], rubric: Rubric) -> dict[str, str]:
    """With ``unchecked = "zero"``: each line nothing of which was seen working, and the
    problems that kept it from being checked. A line of operations is seen when one of them
    passed; any other line (the walk, accumulation, ...) when any operation passed."""
    failures = judged.get("failures", [])
    if rubric.unchecked != "zero" or not failures:
        return {}
    passed = set(judged.get("passed", []))
    why = "; ".join(dict.fromkeys(str(f["text"]).split("\n")[0] for f in failures))
    return {c.name: why for c in rubric.checks if not (set(c.ops) & passed if c.ops else passed)}


def _causes(judged: dict[str, Any], rubric: Rubric) -> list[dict[str, Any]]:
    causes = []
    for f in judged.get("failures", []):
        line = rubric.line_for(f["kind"], f["op"]).name
        causes.append({**f, "check": line})
    return causes
