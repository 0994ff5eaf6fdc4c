"""Student versions of notebooks 00 and 07 (``make student-notebooks``, ``python -m autograd
student-notebooks``): the solution cells tagged in the source, stubbed out in nbgrader's way,
every other cell kept, and the untouched student notebook graded as failing with its reasons."""

from __future__ import annotations

import ast
import json
import subprocess
from pathlib import Path

import jupytext
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd.cli.main import main
from autograd.grading import Settings, grade_class
from autograd.grading.student import (
    CODE_STUB,
    is_solution,
    student_notebook,
    without_solutions,
)

nbformat = pytest.importorskip("nbformat")

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
TAGGED = {"00_build_it_yourself": 5, "07_exercises": 2}  # solution cells in each
NBGRADER_KEYS = {"solution", "grade", "grade_id", "locked", "schema_version"}


def source(cell) -> str:
    return cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])


def solution_lines(notebook) -> set[str]:
    """The lines inside the solution regions that no other cell holds: the answers."""
    inside, elsewhere = set(), set()
    for cell in notebook.cells:
        region = False
        for line in source(cell).splitlines():
            if "### BEGIN SOLUTION" in line or "### END SOLUTION" in line:
                region = "BEGIN" in line
            elif region:
                inside.add(line.strip())
            else:
                elsewhere.add(line.strip())
    return {line for line in inside - elsewhere if line}


@pytest.fixture(scope="module")
def students(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("student")
    paths = [str(NOTEBOOKS / f"{stem}.ipynb") for stem in TAGGED]
    assert main(["student-notebooks", *paths, "--out", str(out)]) == 0
    return out


@pytest.mark.parametrize("stem", sorted(TAGGED))
def test_the_solution_cells_are_tagged_in_the_notebook_and_its_script(stem: str) -> None:
    for notebook in (
        nbformat.read(NOTEBOOKS / f"{stem}.ipynb", as_version=4),
        jupytext.read(NOTEBOOKS / f"{stem}.py"),
    ):
        tagged = [c for c in notebook.cells if is_solution(c)]
        assert len(tagged) == TAGGED[stem]
        for cell in tagged:
            meta = cell.metadata
            assert "solution" in meta["tags"]
            assert set(meta["nbgrader"]) == NBGRADER_KEYS
            assert meta["nbgrader"]["solution"] is True and meta["nbgrader"]["grade"] is False
            assert meta["nbgrader"]["locked"] is False and meta["nbgrader"]["schema_version"] == 3
            assert source(cell).count("### BEGIN SOLUTION") >= 1
        ids = [c.metadata["nbgrader"]["grade_id"] for c in tagged]
        assert len(set(ids)) == len(ids)
        untagged = [c for c in notebook.cells if not is_solution(c)]
        assert not any("SOLUTION" in source(c) for c in untagged)


@pytest.mark.parametrize("stem", sorted(TAGGED))
def test_the_student_version_holds_no_solution_and_every_other_cell_unchanged(
    students: Path, stem: str
) -> None:
    full = nbformat.read(NOTEBOOKS / f"{stem}.ipynb", as_version=4)
    student = nbformat.read(students / f"{stem}.ipynb", as_version=4)
    nbformat.validate(student)
    lines = {line.strip() for c in student.cells for line in source(c).splitlines()}
    answers = solution_lines(full)
    assert len(answers) >= 2 * TAGGED[stem]
    assert answers & lines == set()
    assert "SOLUTION" not in json.dumps(student.cells)
    assert len(student.cells) == len(full.cells)
    for mine, theirs in zip(student.cells, full.cells, strict=True):
        assert mine.cell_type == theirs.cell_type and mine.metadata == theirs.metadata
        if mine.cell_type == "code":
            assert mine.outputs == [] and mine.execution_count is None
            ast.parse(mine.source)  # still Python
        if is_solution(theirs):
            assert mine.source.count(CODE_STUB[1]) == theirs.source.count("### BEGIN SOLUTION")
        else:
            assert mine.source == theirs.source


def test_notebook_00_s_backward_rules_are_gone_from_the_student_version(students: Path) -> None:
    text = (students / "00_build_it_yourself.ipynb").read_text(encoding="utf-8")
    for answer in (
        "self.grad += (1 - t**2) * out.grad",  # tanh's rule, from the output
        "dZ = (A - Y) * d_sigmoid(Z) / m",  # the NumPy backward's right order
        "stack.extend((child, False) for child in v._prev)",  # the sort without recursion
    ):
        assert answer not in text
        assert answer in (NOTEBOOKS / "00_build_it_yourself.ipynb").read_text(encoding="utf-8")


@pytest.mark.slow
def test_the_untouched_student_notebook_fails_with_its_cells_named_and_the_full_one_scores_full(
    students: Path, tmp_path: Path
) -> None:
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "untouched.ipynb").write_bytes((students / "00_build_it_yourself.ipynb").read_bytes())
    (subs / "full.ipynb").write_bytes((NOTEBOOKS / "00_build_it_yourself.ipynb").read_bytes())
    summary = grade_class(subs, tmp_path / "out", settings=Settings(examples=20, seed=1))
    assert summary["scores"]["full"] == summary["max_score"]
    assert summary["scores"]["untouched"] < summary["max_score"]
    result = json.loads((tmp_path / "out" / "untouched" / "results.json").read_text())
    failed = {t["name"]: t["output"] for t in result["tests"] if t["status"] == "failed"}
    student = nbformat.read(students / "00_build_it_yourself.ipynb", as_version=4)
    code = [c for c in student.cells if c.cell_type == "code"]
    cell_of = {  # the code cell (from 1) whose stub each rubric line meets first
        "a + b: local derivative": ("__add__", 1 + code.index(_defining(code, "__add__"))),
        "tanh: local derivative": ("tanh", 1 + code.index(_defining(code, "tanh"))),
    }
    for name, (method, number) in cell_of.items():
        assert f"NotImplementedError (in {method}, cell {number}, line " in failed[name]


def _defining(code: list, method: str):
    return next(c for c in code if is_solution(c) and f"def {method}(" in c.source)


def test_a_solution_cell_without_a_region_becomes_the_stub_and_markdown_too() -> None:
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell("x = 6 * 7", metadata={"nbgrader": {"solution": True}}),
            nbformat.v4.new_markdown_cell("Because 42.", metadata={"tags": ["solution"]}),
            nbformat.v4.new_markdown_cell("Why?"),
        ]
    )
    got = [c["source"] for c in student_notebook(nb)["cells"]]
    assert got == ["# YOUR CODE HERE\nraise NotImplementedError()", "YOUR ANSWER HERE", "Why?"]
    assert nb.cells[0].source == "x = 6 * 7"  # the notebook given is left as it was


@pytest.mark.parametrize(
    "text", ["### BEGIN SOLUTION\nx = 1", "x = 1\n### END SOLUTION", "### END SOLUTION"]
)
def test_an_unbalanced_region_is_refused_naming_the_cell(text: str) -> None:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(text)])
    with pytest.raises(ValueError, match=r"hw\.ipynb, cell 1: a ### "):
        student_notebook(nb, "hw.ipynb")


line = st.text(st.sampled_from("abxy =+()1"), max_size=12).map(str.strip)


@given(
    before=st.lists(line, max_size=4),
    answer=st.lists(line.map(lambda s: f"answer_{s}"), min_size=1, max_size=4),
    after=st.lists(line, max_size=4),
    indent=st.sampled_from(["", "    ", "        "]),
)
def test_a_region_s_lines_never_survive_and_the_rest_is_kept_in_order(
    before: list[str], answer: list[str], after: list[str], indent: str
) -> None:
    lines = [*before, f"{indent}### BEGIN SOLUTION", *answer, f"{indent}### END SOLUTION"]
    got, found = without_solutions("\n".join([*lines, *after]), CODE_STUB)
    assert found
    assert not any("answer_" in g for g in got.split("\n"))
    assert got.split("\n") == [*before, *(indent + s for s in CODE_STUB), *after]


def test_the_command_refuses_what_it_cannot_use(tmp_path: Path, capsys) -> None:
    plain = tmp_path / "plain.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")]), plain)
    assert main(["student-notebooks", str(plain), "--out", str(tmp_path / "s")]) == 2
    assert "plain.ipynb has no solution cell" in capsys.readouterr().err
    tagged = tmp_path / "hw.ipynb"
    cell = nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["solution"]})
    nbformat.write(nbformat.v4.new_notebook(cells=[cell]), tagged)
    assert main(["student-notebooks", str(tagged), "--out", str(tmp_path)]) == 2
    assert "would overwrite" in capsys.readouterr().err
    assert nbformat.read(tagged, as_version=4).cells[0].source == "x = 1"


def test_make_student_notebooks_writes_notebooks_00_and_07() -> None:
    said = subprocess.run(
        ["make", "-n", "student-notebooks", "STUDENT_DIR=handout"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    command = " ".join(said.replace("\\\n", " ").split())
    assert (
        "-m autograd student-notebooks notebooks/00_build_it_yourself.ipynb "
        "notebooks/07_exercises.ipynb --out handout" in command
    )
