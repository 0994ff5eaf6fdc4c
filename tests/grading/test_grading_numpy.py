"""``grade --backward forward:backward`` (a NumPy assignment graded per gradient) and the
rubric's ``unchecked`` policy (what a line scores when a problem elsewhere kept all of it from
being checked)."""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import nbformat
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from autograd.cli.main import main
from autograd.grading.backward_judgement import gradient_rubric
from autograd.grading.rubric import load_rubric, parse_rubric
from autograd.grading.scoring import mark

LAYER = """import numpy as np


def forward(X, W, b, Y):
    A = 1 / (1 + np.exp(-(X @ W + b)))
    return np.sum((A - Y) ** 2) / 2


def backward(X, W, b, Y):
    A = 1 / (1 + np.exp(-(X @ W + b)))
    dZ = (A - Y) * A * (1 - A)
    return X.T @ dZ, dZ.sum(axis=0)
"""

# each planted mistake, the gradients it makes wrong, and the kind the class summary counts
MISTAKES = {
    "sign": ("return X.T @ dZ,", "return -(X.T @ dZ),", {"dW"}, "a sign"),
    # every gradient wrong: nothing seen working, so the backward's running earns nothing
    "no-sigmoid": (
        "dZ = (A - Y) * A * (1 - A)",
        "dZ = (A - Y)",
        {"dW", "db", "the backward runs"},
        None,
    ),
    "double-b": ("dZ.sum(axis=0)", "2 * dZ.sum(axis=0)", {"db"}, "a factor 2"),
}


def grade(folder: Path, out: Path, *extra: str) -> int:
    args = ["grade", str(folder), "--out", str(out), "--backward", "forward:backward", *extra]
    return main(args)


def failed_lines(out: Path, student: str) -> set[str]:
    result = json.loads((out / student / "results.json").read_text())
    return {t["name"] for t in result["tests"] if t["status"] == "failed"}


def test_a_numpy_class_is_marked_per_gradient(tmp_path: Path) -> None:
    subs = tmp_path / "in"
    subs.mkdir()
    (subs / "right.py").write_text(LAYER)
    for name, (old, new, _, _) in MISTAKES.items():
        assert old in LAYER
        (subs / f"{name}.py").write_text(LAYER.replace(old, new))
    (subs / "loops.py").write_text(LAYER.replace("    A = 1", "    while True: pass\n    A = 1", 1))
    cells = [nbformat.v4.new_code_cell(c) for c in LAYER.split("\n\n\n")]
    cells.insert(1, nbformat.v4.new_code_cell("!pip install numpy"))
    nbformat.write(nbformat.v4.new_notebook(cells=cells), subs / "notebook.ipynb")
    assert grade(subs, tmp_path / "out", "--time-limit", "1") == 0
    out = tmp_path / "out"
    rows = {r["student"]: r for r in csv.DictReader((out / "class.csv").open())}
    assert set(rows["right"]) >= {"dW", "db", "the backward runs"}
    assert float(rows["right"]["total"]) == 100 and float(rows["notebook"]["total"]) == 100
    for name, (_, _, wrong, _) in MISTAKES.items():
        assert failed_lines(out, name) == wrong, name
    assert float(rows["loops"]["total"]) == 0 and "did not finish" in rows["loops"]["reason"]
    summary = json.loads((out / "summary.json").read_text())
    kinds = {(c["kind"], c["op"]) for c in summary["root_causes"]}
    assert ("a sign", "W") in kinds and ("a factor 2", "b") in kinds
    assert all(c["example"] for c in summary["root_causes"])  # the text, with no graph
    assert summary["class"] == "forward:backward"
    ET.parse(out / "sign" / "junit.xml")


def test_the_teacher_s_arrays_name_the_gradients(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import numpy as np

    subs = tmp_path / "in"
    subs.mkdir()
    (subs / "ada.py").write_text(
        "import numpy as np\n"
        "def forward(x, w):\n    return np.sum(np.tanh(x * w))\n"
        "def backward(x, w):\n    return (x * (1 - np.tanh(x * w)),)\n"  # tanh' squared: no
    )
    rng = np.random.default_rng(3)
    for name in ("inputs", "weights"):
        np.save(tmp_path / f"{name}.npy", rng.normal(size=4))
    files = [str(tmp_path / "inputs.npy"), str(tmp_path / "weights.npy")]
    assert grade(subs, tmp_path / "out", "--arrays", *files, "--no-grad", "inputs") == 0
    assert failed_lines(tmp_path / "out", "ada") == {"dweights", "the backward runs"}
    capsys.readouterr()
    bad = ["grade", str(subs), "--out", str(tmp_path / "o2"), "--backward", "forward:backward"]
    assert main([*bad, "--no-grad", "nothing"]) == 2
    assert "--no-grad names nothing" in capsys.readouterr().err
    assert main([*bad[:-1], "forward"]) == 2
    assert "FORWARD:BACKWARD" in capsys.readouterr().err
    assert not (tmp_path / "o2").exists()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(["W", "b", "c", "V2"]), min_size=1, max_size=4, unique=True))
def test_the_gradient_rubric_claims_each_gradient_on_its_own_line(names: list[str]) -> None:
    rubric = gradient_rubric(names)
    assert rubric.total == pytest.approx(100, abs=0.05)
    for n in names:
        assert rubric.line_for("anything at all", n).name == f"d{n}"
    assert rubric.line_for("backward did not run", "").name == "the backward runs"


def judged(passed: list[str], failures: list[tuple[str, str]]) -> dict:
    return {
        "student": "s",
        "passed": passed,
        "failures": [
            {"kind": k, "op": o, "text": f"{k} {o}", "dot": None, "size": 0} for k, o in failures
        ],
        "not_checked": [["everything built on it", 1]] if failures else [],
    }


OPS = ["add", "mul", "square", "tanh", "sigmoid", "exp", "log", "relu"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(OPS), unique=True), st.sampled_from(OPS))
def test_unchecked_zero_pays_only_what_was_seen_working(passed: list[str], broken: str) -> None:
    """A line's points under ``unchecked = "zero"``: a line of operations earns them only when
    one of its operations passed; the same judgement under ``credit`` loses only the line the
    problem is charged to."""
    base = load_rubric()
    passed = [p for p in passed if p != broken]
    assume(passed)  # nothing seen working is a zero under either policy (the test below)
    j = judged(passed, [("upstream gradient left out", broken)])
    credit, zero = mark(j, base), mark(j, replace(base, unchecked="zero"))
    charged = base.line_for("upstream gradient left out", broken).name
    assert {c.name for c in credit.checks if not c.passed} == {charged}
    for c in zero.checks:
        line = next(x for x in base.checks if x.name == c.name)
        seen = bool(set(line.ops) & set(passed)) if line.ops else bool(passed)
        assert c.passed == (seen and c.name != charged), c.name
        if not c.passed and c.name != charged:
            assert c.output.startswith("not checked: upstream gradient left out")
    assert zero.score <= credit.score


def test_a_backward_that_does_nothing_scores_zero_under_either_policy() -> None:
    j = judged([], [("backward() did nothing", "")])
    assert mark(j, load_rubric()).score == 0  # nothing was seen working
    assert mark(j, replace(load_rubric(), unchecked="zero")).score == 0
    with pytest.raises(ValueError, match="unchecked must be one of credit, zero"):
        parse_rubric({"unchecked": "half", "check": [{"name": "a", "points": 1, "rest": True}]})
