"""``python -m autograd grade``: a made-up class graded end to end (a handful of submissions
here; 200 with hostile ones in the ``long`` test), the formats checked against their field
lists, and what a submission's text can reach in the outputs."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from classroom import MARKER, Student, expected_failed, make_class, notebook, write
from hypothesis import given
from hypothesis import strategies as st

from autograd.cli.main import main
from autograd.grading import Settings, grade_class, load_rubric
from autograd.grading.formats import class_csv, junit
from autograd.grading.rubric import parse_rubric
from autograd.grading.scoring import CheckResult, Marked
from autograd.grading.summary_page import summary_html

RUBRIC = load_rubric()
GRADESCOPE_TOP = {"score", "execution_time", "output", "tests"}
GRADESCOPE_TEST = {"name", "score", "max_score", "status", "output", "visibility"}


def check_outputs(out: Path, students: list[Student]) -> dict[str, float]:
    """Every student's results.json and junit.xml are well formed and agree with class.csv;
    each student fails exactly the rubric lines expected. The scores by student."""
    rows = {r["student"]: r for r in csv.DictReader((out / "class.csv").open())}
    scores = {}
    for s in students:
        result = json.loads((out / s.name / "results.json").read_text())
        assert set(result) >= GRADESCOPE_TOP
        assert all(set(t) == GRADESCOPE_TEST for t in result["tests"])
        assert all(t["status"] in ("passed", "failed") for t in result["tests"])
        assert all(
            t["visibility"] in ("visible", "hidden", "after_due_date") for t in result["tests"]
        )
        failed = {t["name"] for t in result["tests"] if t["status"] == "failed"}
        assert failed == expected_failed(s, RUBRIC), (s, failed)
        if s.hostile:
            assert result["score"] == 0 and "Nothing could be marked" in result["output"]
        suite = ET.parse(out / s.name / "junit.xml").getroot().find("testsuite")
        assert suite is not None and int(suite.get("failures", "-1")) == len(failed)
        assert float(rows[s.name]["total"]) == result["score"]
        scores[s.name] = result["score"]
    return scores


def test_a_small_class_is_graded_each_mistake_on_its_line(tmp_path: Path) -> None:
    subs = tmp_path / "subs"
    subs.mkdir()
    students = [
        Student("right_ipynb", None, "ipynb"),
        Student("tanh_local", "tanh-local", "folder"),
        Student("mul_upstream", "mul-upstream", "py"),
        Student("hostile_exits", None, "py", "exits"),
    ]
    for s in students:
        write(s, subs)
    summary = grade_class(subs, tmp_path / "out", settings=Settings(examples=30, jobs=2, seed=7))
    scores = check_outputs(tmp_path / "out", students)
    assert scores["right_ipynb"] == 100.0
    assert scores["tanh_local"] == 95.0 and scores["mul_upstream"] == 90.0
    assert summary["seed"] == 7 and summary["students"] == 4
    assert "ended the process" in summary["zeros"]["hostile_exits"]
    kinds = {(c["kind"], c["op"]) for c in summary["root_causes"]}
    assert ("wrong local derivative", "tanh") in kinds
    result = json.loads((tmp_path / "out" / "right_ipynb" / "results.json").read_text())
    assert "seed 7" in result["output"]
    assert "cell 4 raised NameError" in result["output"]  # the failing cell, by its number
    assert "skipped a shell or magic line" in result["output"]
    page = (tmp_path / "out" / "summary.html").read_text()
    assert "<svg" in page and "wrong local derivative" in page


@pytest.mark.long  # a few seconds: the small class above covers notebooks in make test
def test_a_notebook_is_judged_on_its_last_class_and_its_outputs_are_not_read(
    tmp_path: Path,
) -> None:
    subs = tmp_path / "subs"
    subs.mkdir()
    notebook("class Value:\n    pass", subs / "empty.ipynb")  # saved output: "all my tests pass!"
    summary = grade_class(subs, tmp_path / "out", settings=Settings(examples=10))
    assert summary["scores"]["empty"] == 0.0


def test_a_wrapper_of_this_package_s_value_scores_zero_where_it_uses_it(tmp_path: Path) -> None:
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "wraps.py").write_text(
        "import autograd\n"
        "class Value:\n"
        "    def __init__(self, data, inner=None):\n"
        "        self.inner = inner if inner is not None else autograd.Value(data)\n"
        "    data = property(lambda self: self.inner.data)\n"
        "    grad = property(lambda self: self.inner.grad)\n"
        "    def __add__(self, o):\n"
        "        return Value(0, self.inner + (o.inner if isinstance(o, Value) else o))\n"
        "    def backward(self):\n"
        "        self.inner.backward()\n"
    )
    (subs / "subclass.py").write_text("import autograd\nclass Value(autograd.Value):\n    pass\n")
    summary = grade_class(subs, tmp_path / "out", settings=Settings(examples=10))
    assert summary["scores"] == {"subclass": 0.0, "wraps": 0.0}
    for who in ("wraps", "subclass"):
        assert "uses autograd's own engine" in summary["zeros"][who]


def test_the_gradescope_format_writes_one_results_json(tmp_path: Path) -> None:
    (tmp_path / "submission").mkdir()
    write(Student("engine", "exp-local", "py"), tmp_path / "submission")
    results = tmp_path / "results" / "results.json"
    args = ["grade", str(tmp_path / "submission"), "--out", str(results), "--format"]
    assert main([*args, "gradescope", "--examples", "10"]) == 0
    data = json.loads(results.read_text())
    assert data["score"] == 95.0
    assert [t["name"] for t in data["tests"] if t["status"] == "failed"] == [
        "exp: local derivative"
    ]


def test_a_submission_past_its_limit_is_stopped_and_scores_zero(tmp_path: Path) -> None:
    subs = tmp_path / "subs"
    subs.mkdir()
    write(Student("spawns", None, "py", "spawns"), subs)
    start = time.monotonic()
    settings = Settings(examples=10, submission_limit=3.0)
    summary = grade_class(subs, tmp_path / "out", settings=settings)
    assert time.monotonic() - start < 15
    assert "did not finish within 3 s" in summary["zeros"]["spawns"]
    assert not left_running()


def left_running() -> list[str]:
    found = subprocess.run(["pgrep", "-f", MARKER], capture_output=True, text=True).stdout
    return found.split()


def test_bad_input_is_refused_with_a_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    (tmp_path / "r.toml").write_text("[[check]]\nname = 'x'\npoints = 'many'\nkinds = []\n")
    assert (
        main(
            [
                "grade",
                str(tmp_path),
                "--out",
                str(tmp_path / "o"),
                "--rubric",
                str(tmp_path / "r.toml"),
            ]
        )
        == 2
    )
    assert "points must be a number" in capsys.readouterr().err
    with pytest.raises(ValueError, match="exactly one check must have rest"):
        parse_rubric({"check": [{"name": "a", "points": 1, "kinds": []}]})
    with pytest.raises(ValueError, match="kinds must be a list"):
        parse_rubric({"check": [{"name": "a", "points": 1, "kinds": "x", "rest": True}]})


# -- what a submission's text can reach --------------------------------------------------------

texts = st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=30)


@given(texts, texts)
def test_names_and_texts_stay_text_in_junit_csv_and_the_page(name: str, output: str) -> None:
    marked = Marked(name, [CheckResult(output, 0.0, 5.0, "failed", output)], fatal=output)
    suite = ET.fromstring(junit(marked)).find("testsuite")
    assert suite is not None and len(suite.findall("testcase")) == 1
    rows = list(csv.reader(io.StringIO(class_csv([marked]))))
    assert len(rows) == 2 and not rows[1][0].startswith(("=", "+", "-", "@"))
    summary = {
        "title": name,
        "students": 1,
        "max_score": 5.0,
        "scores": {name: 0.0},
        "zeros": {name: output},
        "mean": 0,
        "median": 0,
        "wall_seconds": 1,
        "seed": None,
        "root_causes": [
            {
                "kind": output,
                "op": name,
                "check": output,
                "students": 1,
                "share": 1.0,
                "example": output,
                "dot": None,
            }
        ],
    }
    page = summary_html(summary)
    body = page.split("<body>", 1)[1]
    for text in (name, output):
        if "<" in text:
            assert text not in body


@pytest.mark.long
def test_two_hundred_submissions_each_mistake_on_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    students = make_class(tmp_path / "subs", 200)
    start = time.monotonic()
    summary = grade_class(tmp_path / "subs", tmp_path / "out", settings=Settings(jobs=2))
    wall = time.monotonic() - start
    with capsys.disabled():  # the figure docs/teaching.md quotes, shown in CI's log
        print(f"\n200 submissions graded with --jobs 2 in {wall:.0f} s", file=sys.stderr)
    scores = check_outputs(tmp_path / "out", students)
    assert all(scores[s.name] == 100.0 for s in students if not s.hostile and s.mistake is None)
    assert not left_running()
    assert summary["students"] == 200
    # The goal is 300 s on an idle 2-core machine (docs/teaching.md has the figures); the bound
    # here is what a shared machine must still meet: no submission held the batch up.
    assert wall < 900, f"{wall:.0f} s"


@pytest.mark.docs_site
@pytest.mark.parametrize("width", [1280, 390])
def test_the_summary_page_fits_its_window_and_draws_each_graph(
    tmp_path: Path, width: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cdp import CHROMIUM, Browser

    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed")
    subs = tmp_path / "subs"
    subs.mkdir()
    for s in (Student("a", "tanh-local", "py"), Student("b", "mul-assign", "py")):
        write(s, subs)
    if width == 390:  # without Graphviz's dot: the page draws with its own renderer
        monkeypatch.setattr("autograd.grading.summary_page.shutil.which", lambda name: None)
    grade_class(subs, tmp_path / "out", settings=Settings(examples=10, jobs=2))
    with Browser(width=width) as b:
        b.open((tmp_path / "out" / "summary.html").as_uri())
        b.wait("document.readyState === 'complete'")
        if width == 390:
            b.wait("document.body.dataset.drawn")
        b.screenshot(tmp_path / f"summary-{width}.png")
        assert b.js("document.querySelectorAll('.graph svg').length") == 2
        page, window = b.js("[document.documentElement.scrollWidth, window.innerWidth]")
        assert page <= window
