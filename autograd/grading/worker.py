"""One submission's whole judgement, in a process of its own: ``python -m
autograd.grading.worker REQUEST.json``. The grader runs it with a wall-clock limit and kills it
(and what it started) when the limit is reached; the submission's own code runs one level
further down, in the judge's child processes and the integrity probe.

The request names the submission, a work folder, the class (or, for a NumPy assignment,
``backward``: the forward's and the backward's names) and the judge's settings; the answer
(``judgement(...)``, as JSON) is written where the request says: the report's problems with
their kind, operation, text and smallest failing graph in DOT, what passed and what was not
checked, the notes, and what the integrity probe found.
"""

from __future__ import annotations

import json
import signal
import sys
import time
from pathlib import Path
from typing import Any

from .backward_judgement import judge_backward
from .integrity import probe
from .processes import adopt_orphans, end_orphans
from .submissions import Submission, cell_failures, prepare

__all__ = ["judgement"]


def judgement(request: dict[str, Any]) -> dict[str, Any]:
    """Judge the submission a request names; plain data for the grader.

    >>> import tempfile
    >>> from autograd.testing.mutants import engine_source
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "ada.py").write_text(engine_source("tanh-local"))
    >>> got = judgement({"submission": str(d / "ada.py"), "student": "ada",
    ...     "work": str(d / "work"), "class": "Value", "examples": 20})
    >>> [(f["kind"], f["op"]) for f in got["failures"]]
    [('wrong local derivative', 'tanh')]
    """
    from ..testing.learner_engine import check_engine

    start = time.monotonic()
    sub = Submission(request["student"], Path(request["submission"]))
    # the class judged, or for a NumPy assignment its forward (the backward is beside it)
    name = (request.get("backward") or [request.get("class", "Value")])[0]
    out: dict[str, Any] = {"student": sub.student, "failures": [], "passed": [], "notes": []}
    out.update(not_checked=[], fatal="", integrity={}, cells=[])
    try:
        target, notes = prepare(sub, Path(request["work"]), name)
    except (ValueError, OSError, ImportError) as e:
        out["fatal"] = f"nothing to judge: {e}"
        return out
    out["notes"] += notes
    work = Path(request["work"]).resolve()
    if request.get("backward"):  # a NumPy assignment: two functions, no class
        module = target.rpartition(":")[0]
        forward, backward = (f"{module}:{n}" for n in request["backward"])
        out["failures"], out["passed"] = judge_backward(forward, backward, request)
        out["cells"] = cell_failures(target)
        out["seconds"] = round(time.monotonic() - start, 3)
        return _without(out, str(work) + "/")
    report = check_engine(
        target,
        examples=int(request.get("examples", 500)),
        time_limit=float(request.get("time_limit", 2.0)),
        seed=request.get("seed"),
    )
    out["failures"] = [_failure(f) for f in report.failures]
    out["passed"] = list(report.passed)
    out["not_checked"] = [[what, i] for what, i in report.not_checked]
    out["notes"] += list(report.notes)
    out["cells"] = cell_failures(target)
    if report.passed:  # the class loaded and did something: does it use this package's?
        use = probe(target, cwd=Path(target.rpartition(":")[0]).parent)
        text = use.text() if use.found else ""
        out["integrity"] = {"found": use.found, "ops": use.ops, "text": text}
        out["integrity"]["all"] = use.subclass or use.backward
    out["seconds"] = round(time.monotonic() - start, 3)
    return _without(out, str(work) + "/")


def _without(data: Any, prefix: str) -> Any:
    """``data`` with the work folder's path taken out of its texts (students see their names)."""
    if isinstance(data, str):
        return data.replace(prefix, "")
    if isinstance(data, list):
        return [_without(x, prefix) for x in data]
    if isinstance(data, dict):
        return {k: _without(v, prefix) for k, v in data.items()}
    return data


def _failure(f: Any) -> dict[str, Any]:
    try:
        dot = f.to_dot()
    except Exception:  # a graph this engine cannot draw is left out, not fatal
        dot = None
    size = len(f.spec.steps) if f.spec is not None else 0
    return {"kind": f.kind, "op": f.op, "text": f.text(), "dot": dot, "size": size}


def _stop(signum: int, frame: Any) -> None:
    raise SystemExit(3)


def main(argv: list[str]) -> int:
    """Read the request, judge, write the answer; end what the submission left running."""
    adopt_orphans()
    signal.signal(signal.SIGTERM, _stop)  # out of time: unwind, so the judge's children end
    request = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    try:
        answer = judgement(request)
    finally:
        end_orphans()
    Path(request["answer"]).write_text(json.dumps(answer), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
