"""A made-up class for the grading tests: mutants of a learner's engine (one seeded mistake
each, from ``autograd.testing.mutants``) as ``.py`` files, notebooks and folders, correct
engines, and hostile submissions, with what each must score."""

from __future__ import annotations

import itertools
import os
from dataclasses import dataclass
from pathlib import Path

import nbformat

from autograd.grading.rubric import Rubric
from autograd.testing.learner_report import NO_OP
from autograd.testing.mutants import MUTANTS, engine_source

# In the command line of the processes a hostile submission leaves running; this process's id
# in it, so that a check for leftovers never sees another test run's (another worktree, CI).
MARKER = f"autograd-grade-test-sleeper-{os.getpid()}"

HOSTILE = {
    "loop": "while True:\n    pass\n",
    "exits": "import os\nos._exit(0)\n",
    "memory": "hoard = bytearray(2 << 30)\n",
    "output": "import sys\nblock = 'x' * (1 << 20)\nfor _ in range(50):\n"
    "    sys.stdout.write(block)\n    sys.stderr.write(block)\nwhile True:\n    print(block)\n",
    "spawns": "import subprocess, sys, time\n"
    "for session in (False, True, False):\n"
    "    subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)', "
    f"'{MARKER}'], start_new_session=session)\n"
    "time.sleep(600)\n",
}


@dataclass(frozen=True)
class Student:
    name: str
    mistake: str | None  # a name in MUTANTS, None for a correct engine
    form: str  # "py", "ipynb", "folder"
    hostile: str = ""


def notebook(source: str, path: Path) -> None:
    """The engine as a notebook the way notebook 00 builds it: a first, wrong class, redefined
    later; a magic line, a shell line, and a cell that fails after the class."""
    v4 = nbformat.v4
    cells = [
        v4.new_markdown_cell("# My engine"),
        v4.new_code_cell("%matplotlib inline\n!pip install nothing\nimport math"),
        v4.new_code_cell("class Value:\n    pass  # a first try, redefined below"),
        v4.new_code_cell(source),
        v4.new_code_cell("a = Value(2.0)\nprint(undefined_name)"),
        v4.new_code_cell("a = Value(3.0)\na"),
    ]
    nb = v4.new_notebook(cells=cells)
    nb.cells[3].outputs = [v4.new_output("stream", text="all my tests pass!")]  # never trusted
    nbformat.write(nb, str(path))


def write(student: Student, folder: Path) -> None:
    source = HOSTILE[student.hostile] if student.hostile else engine_source(student.mistake)
    if student.form == "py":
        (folder / f"{student.name}.py").write_text(source)
    elif student.form == "ipynb":
        notebook(source, folder / f"{student.name}.ipynb")
    else:
        (folder / student.name).mkdir()
        (folder / student.name / "engine.py").write_text(source)
        (folder / student.name / "notes.txt").write_text("my notes")


def make_class(folder: Path, size: int, hostile: bool = True) -> list[Student]:
    """``size`` students in ``folder``: the hostile five (when asked), a correct engine in
    each form, then mutants in turn, each form in turn."""
    forms = itertools.cycle(["py", "ipynb", "folder"])
    students = [Student(f"hostile_{h}", None, "py", h) for h in HOSTILE] if hostile else []
    students += [Student(f"right_{f}", None, f) for f in ("py", "ipynb", "folder")]
    mistakes = itertools.cycle(sorted(MUTANTS))
    while len(students) < size:
        m = next(mistakes)
        students.append(Student(f"s{len(students):03d}_{m}", m, next(forms)))
    students = students[:size]
    folder.mkdir(parents=True, exist_ok=True)
    for s in students:
        write(s, folder)
    return students


def expected_failed(student: Student, rubric: Rubric) -> set[str]:
    """The rubric lines a student must fail: every line for a hostile one and for a backward()
    that does nothing, the line of its seeded mistake for another mutant, none for a correct
    engine."""
    if student.hostile:
        return {c.name for c in rubric.checks}
    if student.mistake is None:
        return set()
    m = MUTANTS[student.mistake]
    if m.kind == NO_OP:  # nothing can be seen working: a zero, with the reason
        return {c.name for c in rubric.checks}
    return {rubric.line_for(m.kind, m.op).name}
