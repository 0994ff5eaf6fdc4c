"""The result formats courses use: Gradescope's ``results.json``, JUnit XML (GitHub Classroom,
GitLab, Jenkins), and the class's CSV (student x check, points).

Gradescope's fields (its autograder specification): ``score``, ``execution_time``,
``output``, ``visibility``, and ``tests``, each with ``name``, ``score``, ``max_score``,
``status`` ("passed"/"failed"), ``output`` and ``visibility``.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .scoring import Marked

__all__ = ["class_csv", "folder_name", "gradescope", "junit", "write_results"]

TEST_FIELDS = ("name", "score", "max_score", "status", "output", "visibility")


def gradescope(marked: Marked, seed: int | None) -> dict[str, Any]:
    """The Gradescope ``results.json`` of one student.

    >>> from autograd.grading.scoring import CheckResult
    >>> m = Marked("ada", [CheckResult("tanh", 5.0, 5.0, "passed", "right")])
    >>> r = gradescope(m, 3)
    >>> r["score"], r["tests"][0]["status"], "seed 3" in r["output"]
    (5.0, 'passed', True)
    """
    lines = [f"{marked.score:g} of {marked.max_score:g} points."]
    if marked.fatal:
        lines.append(f"Nothing could be marked: {marked.fatal}")
    lines.append(
        f"The random graphs used seed {seed}."
        if seed is not None
        else "The random graphs are the judge's fixed (derandomised) ones."
    )
    lines += [f"Note: {n}" for n in marked.notes]
    tests = [{k: getattr(c, k) for k in TEST_FIELDS} for c in marked.checks]
    return {
        "score": marked.score,
        "execution_time": round(marked.seconds, 3),
        "output": "\n".join(lines),
        "visibility": "visible",
        "tests": tests,
    }


_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """``text`` without the characters XML cannot hold (control characters, lone surrogates).

    >>> xml_text("a\\x00b\\x1bc")
    'abc'
    """
    return _NOT_XML.sub("", text)


def junit(marked: Marked) -> str:
    """One student's checks as a JUnit XML test suite (a failed check is a ``<failure>``).

    >>> from autograd.grading.scoring import CheckResult
    >>> m = Marked("a<b", [CheckResult("x", 0.0, 5.0, "failed", "wrong & bad")])
    >>> text = junit(m)
    >>> ET.fromstring(text).find("testsuite").get("failures"), "&amp;" in text
    ('1', True)
    """
    suites = ET.Element("testsuites")
    failed = sum(not c.passed for c in marked.checks)
    suite = ET.SubElement(
        suites,
        "testsuite",
        name=xml_text(marked.student),
        tests=str(len(marked.checks)),
        failures=str(failed),
        errors="0",
        time=f"{marked.seconds:.3f}",
    )
    for c in marked.checks:
        case = ET.SubElement(
            suite, "testcase", classname=xml_text(marked.student), name=xml_text(c.name), time="0"
        )
        ET.SubElement(case, "properties").extend(
            [ET.Element("property", name="points", value=f"{c.score:g}/{c.max_score:g}")]
        )
        if not c.passed:
            message = xml_text(c.output.split("\n")[0][:200])
            node = ET.SubElement(case, "failure", message=message)
            node.text = xml_text(c.output)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True)


def spreadsheet_safe(text: str) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula.

    >>> spreadsheet_safe("=HYPERLINK(1)"), spreadsheet_safe("ada")
    ("'=HYPERLINK(1)", 'ada')
    """
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def class_csv(marks: Sequence[Marked]) -> str:
    """student x check, points; with the total and the reason for a zero.

    >>> from autograd.grading.scoring import CheckResult
    >>> class_csv([Marked("ada", [CheckResult("tanh", 5.0, 5.0, "passed", "")])]).splitlines()
    ['student,total,tanh,reason', 'ada,5,5,']
    """
    out = io.StringIO()
    writer = csv.writer(out)  # RFC 4180: CRLF, and a field holding CR or LF is quoted
    names = [c.name for c in marks[0].checks] if marks else []
    writer.writerow(["student", "total", *(spreadsheet_safe(n) for n in names), "reason"])
    for m in marks:
        points = [f"{c.score:g}" for c in m.checks]
        row = [spreadsheet_safe(m.student), f"{m.score:g}", *points, spreadsheet_safe(m.fatal)]
        writer.writerow(row)
    return out.getvalue()


def folder_name(student: str, used: set[str]) -> str:
    """A folder name for a student: letters, digits, ``-_.`` only, never twice (``used`` holds
    the names given so far, and gets this one).

    >>> used = set()
    >>> folder_name("a/b", used), folder_name("a/b", used), folder_name("..", used)
    ('a_b', 'a_b-2', 'student')
    """
    base = re.sub(r"[^A-Za-z0-9_.-]", "_", student).lstrip(".") or "student"
    name, n = base, 1
    while name in used:
        n += 1
        name = f"{base}-{n}"
    used.add(name)
    return name


def write_results(marks: Sequence[Marked], out: Path, seed: int | None) -> None:
    """Write each student's ``results.json`` (Gradescope) and ``junit.xml`` into a folder of
    their own under ``out``, and the class's ``class.csv``.

    >>> import tempfile
    >>> from autograd.grading.scoring import CheckResult
    >>> out = Path(tempfile.mkdtemp())
    >>> write_results([Marked("ada", [CheckResult("x", 1.0, 1.0, "passed", "")])], out, 1)
    >>> sorted(p.name for p in out.rglob("*"))
    ['ada', 'class.csv', 'junit.xml', 'results.json']
    """
    used: set[str] = set()
    for m in marks:
        folder = out / folder_name(m.student, used)
        folder.mkdir(exist_ok=True)
        results = json.dumps(gradescope(m, seed), indent=1)
        (folder / "results.json").write_text(results, encoding="utf-8")
        (folder / "junit.xml").write_text(junit(m), encoding="utf-8")
    (out / "class.csv").write_text(class_csv(marks), encoding="utf-8")
