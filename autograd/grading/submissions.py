"""Submissions: one entry per student in a folder (a ``.py`` file, a ``.ipynb`` notebook, or a
folder holding either), and a notebook turned into a module the judge can import.

A notebook's code cells run in order when that module is imported (in the judge's child
process, never here): shell (``!``) and magic (``%``) lines are skipped with a note, a cell that
raises is recorded with its number and the next cell runs, and the name judged is bound to the
class its last ``class`` statement defined. The student's saved outputs are never read.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["Submission", "find_submissions", "notebook_cells", "prepare"]

RUNNER = "_autograd_notebook.py"  # the module a notebook becomes
CELLS = "_autograd_cells.json"  # its cells, read by the module
CELL_RESULTS = "_autograd_cells_run.json"  # what each cell did, written by the module
_MAGIC = re.compile(r"^\s*[%!]")


@dataclass
class Submission:
    """One student's entry: ``student`` (the entry's name, without a suffix) and its path.

    >>> Submission("ada", Path("ada.py")).kind
    'py'
    """

    student: str
    path: Path
    notes: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        """``py``, ``ipynb`` or ``folder``.

        >>> Submission("alan", Path("alan")).kind
        'folder'
        """
        return self.path.suffix.lstrip(".") or "folder"


def find_submissions(folder: Path) -> list[Submission]:
    """The entries of ``folder`` in name order: its ``.py`` and ``.ipynb`` files and its
    folders; hidden entries (``.x``, ``__pycache__``) left out.

    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> for name in ("b.py", "a.ipynb", "notes.txt", "c"):
    ...     _ = (d / name).mkdir() if name == "c" else (d / name).write_text("")
    >>> [s.student for s in find_submissions(d)]
    ['a', 'b', 'c']
    """
    if not folder.is_dir():
        raise ValueError(f"{folder} is not a folder of submissions")
    found = []
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith((".", "__")):
            continue
        if entry.is_dir() or entry.suffix in (".py", ".ipynb"):
            found.append(Submission(entry.stem if entry.is_file() else entry.name, entry))
    return found


def main_file(entry: Path, class_name: str) -> Path | None:
    """The file judged for an entry: the entry itself, or in a folder the last notebook, else
    the first ``.py`` file defining ``class_name`` (a class or a function), else the only
    ``.py`` file.

    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "util.py").write_text("x = 1"), (d / "engine.py").write_text("class Value: pass")
    >>> main_file(d, "Value").name
    'engine.py'
    """
    if entry.is_file():
        return entry
    notebooks = sorted(p for p in entry.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    if notebooks:
        return notebooks[-1]
    sources = sorted(entry.rglob("*.py"))
    defining = re.compile(rf"^\s*(class|def)\s+{re.escape(class_name)}\b", re.MULTILINE)
    for p in sources:
        if defining.search(p.read_text(encoding="utf-8", errors="replace")):
            return p
    return sources[0] if len(sources) == 1 else None


def notebook_cells(path: Path) -> tuple[list[tuple[int, str]], list[str]]:
    """The code cells of a notebook as (number from 1, source), magic and shell lines replaced
    by ``pass``, and notes on what was skipped. Needs nbformat (the ``grade`` extra).

    >>> import tempfile, nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# hi"),
    ...     nbformat.v4.new_code_cell("!pip install x\\nx = 1"), nbformat.v4.new_code_cell("y=2")])
    >>> p = Path(tempfile.mkdtemp()) / "n.ipynb"
    >>> nbformat.write(nb, p)
    >>> notebook_cells(p)
    ([(1, 'pass\\nx = 1'), (2, 'y=2')], ['cell 1: skipped a shell or magic line: !pip install x'])
    """
    import nbformat

    try:
        nb = nbformat.read(str(path), as_version=4)
    except Exception as e:  # nbformat raises many kinds for a broken file
        raise ValueError(f"{path.name} is not a notebook nbformat can read: {e}") from e
    cells, notes = [], []
    code = [c for c in nb.cells if c.cell_type == "code"]
    for number, cell in enumerate(code, 1):
        lines = []
        for line in cell.source.splitlines():
            if _MAGIC.match(line):
                notes.append(f"cell {number}: skipped a shell or magic line: {line.strip()[:80]}")
                line = line[: len(line) - len(line.lstrip())] + "pass"
            lines.append(line)
        cells.append((number, "\n".join(lines)))
    return cells, notes


def defines(source: str, name: str) -> bool:
    """Whether ``source`` defines the class or function ``name`` at its top level.

    >>> defines("class Value(Value):\\n    pass", "Value"), defines("x = 1", "Value")
    (True, False)
    >>> defines("def backward(X, W):\\n    return X", "backward")
    True
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return False
    kinds = (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    return any(isinstance(n, kinds) and n.name == name for n in tree.body)


def prepare(submission: Submission, work: Path, class_name: str) -> tuple[str, list[str]]:
    """Lay the submission out in ``work`` (a folder of its own) and return the judge's target
    (``file.py:Name``) and notes; a ValueError when there is nothing to judge.

    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "ada.py").write_text("class Value: pass")
    >>> target, notes = prepare(Submission("ada", d / "ada.py"), d / "work", "Value")
    >>> target.endswith("ada.py:Value"), notes
    (True, [])
    """
    import shutil

    work.mkdir(parents=True, exist_ok=True)
    if submission.path.is_dir():
        shutil.copytree(submission.path, work, dirs_exist_ok=True)
        found = main_file(work, class_name)
    else:
        found = work / submission.path.name
        shutil.copyfile(submission.path, found)
    if found is None:
        raise ValueError(f"no notebook, and no .py file defining {class_name}")
    if found.suffix != ".ipynb":
        return f"{found}:{class_name}", []
    cells, notes = notebook_cells(found)
    chosen = [n for n, source in cells if defines(source, class_name)]
    if not chosen:
        raise ValueError(f"no code cell of {found.name} defines {class_name}")
    spec = {"cells": cells, "name": class_name, "defining": chosen}
    (found.parent / CELLS).write_text(json.dumps(spec), encoding="utf-8")
    runner = found.parent / RUNNER
    runner.write_text(_RUNNER_TEXT, encoding="utf-8")
    notes.append(f"the {class_name} judged is the one defined in cell {chosen[-1]}")
    return f"{runner}:{class_name}", notes


def cell_failures(target: str) -> list[str]:
    """What the notebook's cells raised, as the module recorded it (``cell N: error``).

    >>> cell_failures("/nowhere/x.py:Value")
    []
    """
    path = Path(target.rpartition(":")[0]).with_name(CELL_RESULTS)
    try:
        got = json.loads(path.read_text(encoding="utf-8"))
        return [f"cell {int(n)} raised {str(error)[:300]}" for n, error in got][:20]
    except (OSError, ValueError, TypeError):
        return []


# The module a notebook becomes. It holds no text of the notebook: it reads the cells from the
# JSON beside it, so nothing in a notebook can change the runner itself. The judge's own
# checks, if the notebook calls them, are replaced by a stand-in: the grader judges the class.
_RUNNER_TEXT = '''"""A notebook's code cells, run in order by `python -m autograd grade`."""
import json as _json
import pathlib as _pathlib


def display(*objects, **options):
    """What IPython shows: nothing, while grading."""


def _stand_in(*args, **kwargs):
    return "(not run while grading: the grader judges the class itself)"


def _run_cells():
    here = _pathlib.Path(__file__).parent
    spec = _json.loads((here / "_autograd_cells.json").read_text(encoding="utf-8"))
    import autograd.testing as checks

    checks.check_engine = checks.check_backward = _stand_in
    failed, judged = [], None
    for number, source in spec["cells"]:
        try:
            exec(compile(source, "<cell %d>" % number, "exec"), globals())
        except BaseException as e:  # a cell's error is the student's: record it, go on
            failed.append([number, "%s: %s" % (type(e).__name__, e)])
        else:
            if number in spec["defining"]:
                judged = globals().get(spec["name"])
        for name, value in list(globals().items()):
            if value is checks.check_engine or getattr(value, "__module__", "") in (
                "autograd.testing.learner_engine",
                "autograd.testing.learner_backward",
            ):
                globals()[name] = _stand_in
    (here / "_autograd_cells_run.json").write_text(_json.dumps(failed), encoding="utf-8")
    if judged is not None:
        globals()[spec["name"]] = judged


_run_cells()
'''
