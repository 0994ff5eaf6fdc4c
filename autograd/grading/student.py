"""Student versions of notebooks: the solutions taken out, in nbgrader's way.

A solution cell carries nbgrader's metadata (``"nbgrader": {"solution": true, ...}``) or the
tag ``solution``. In such a cell each region from a ``### BEGIN SOLUTION`` line to its
``### END SOLUTION`` line becomes a stub at the region's indentation (``# YOUR CODE HERE`` and
``raise NotImplementedError()`` in code, ``YOUR ANSWER HERE`` in Markdown); a solution cell
without a region becomes the stub whole. Every code cell's outputs are cleared, every other
cell is kept as it is, and the metadata stays, so nbgrader can take the result too.

Works on notebooks as JSON data (``dict``, or nbformat's nodes, which are dicts); reading and
writing files needs nbformat (the ``grade`` extra).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

__all__ = ["is_solution", "student_notebook", "write_student_notebooks"]

BEGIN = re.compile(r"^(\s*)#{3}\s*BEGIN SOLUTION\b", re.MULTILINE)
END = re.compile(r"^\s*#{3}\s*END SOLUTION\b", re.MULTILINE)
CODE_STUB = ["# YOUR CODE HERE", "raise NotImplementedError()"]
MARKDOWN_STUB = ["YOUR ANSWER HERE"]
TAG = "solution"


def is_solution(cell: dict[str, Any]) -> bool:
    """Whether a cell is a solution cell: nbgrader's ``solution`` flag, or the tag.

    >>> is_solution({"metadata": {"nbgrader": {"solution": True}}})
    True
    >>> is_solution({"metadata": {"tags": ["solution"]}}), is_solution({"metadata": {}})
    (True, False)
    """
    meta = cell.get("metadata", {})
    return bool(meta.get("nbgrader", {}).get("solution")) or TAG in meta.get("tags", [])


def _source(cell: dict[str, Any]) -> str:
    text = cell.get("source", "")
    return text if isinstance(text, str) else "".join(text)


def without_solutions(source: str, stub: list[str], where: str = "a cell") -> tuple[str, bool]:
    """``source`` with each BEGIN/END SOLUTION region replaced by ``stub`` at the region's
    indentation, and whether it held a region; a region left open is a ValueError.

    >>> code = "def f(x):\\n    ### BEGIN SOLUTION\\n    return 2 * x\\n    ### END SOLUTION"
    >>> print(without_solutions(code, CODE_STUB)[0])
    def f(x):
        # YOUR CODE HERE
        raise NotImplementedError()
    >>> without_solutions("### BEGIN SOLUTION\\nx = 1", CODE_STUB, "cell 3")
    Traceback (most recent call last):
    ValueError: cell 3: a ### BEGIN SOLUTION line without its ### END SOLUTION
    """
    lines, kept, indent, found = source.split("\n"), [], None, False
    for line in lines:
        begin = BEGIN.match(line)
        if indent is None and begin:
            indent, found = begin.group(1), True
            kept += [indent + s for s in stub]
        elif indent is not None and END.match(line):
            indent = None
        elif indent is None:
            if END.match(line):
                raise ValueError(f"{where}: a ### END SOLUTION line without its BEGIN")
            kept.append(line)
    if indent is not None:
        raise ValueError(f"{where}: a ### BEGIN SOLUTION line without its ### END SOLUTION")
    return "\n".join(kept), found


def student_notebook(notebook: dict[str, Any], name: str = "the notebook") -> dict[str, Any]:
    """A copy of ``notebook`` with its solutions replaced by stubs and its outputs cleared.

    >>> nb = {"cells": [
    ...     {"cell_type": "markdown", "metadata": {}, "source": "Double it."},
    ...     {"cell_type": "code", "metadata": {"tags": ["solution"]}, "outputs": [],
    ...      "execution_count": 1, "source": "def f(x):\\n    return 2 * x"}]}
    >>> [c["source"] for c in student_notebook(nb)["cells"]]
    ['Double it.', '# YOUR CODE HERE\\nraise NotImplementedError()']
    """
    out = copy.deepcopy(notebook)
    for number, cell in enumerate(out.get("cells", []), 1):
        kind = cell.get("cell_type")
        if kind == "code":
            cell["outputs"], cell["execution_count"] = [], None
        if kind not in ("code", "markdown"):
            continue
        stub = CODE_STUB if kind == "code" else MARKDOWN_STUB
        source, found = without_solutions(_source(cell), stub, f"{name}, cell {number}")
        if found or is_solution(cell):
            cell["source"] = source if found else "\n".join(stub)
            meta = cell.setdefault("metadata", {})
            meta.setdefault("nbgrader", {}).setdefault("solution", True)
    return out


def write_student_notebooks(paths: Iterable[Path], out: Path) -> list[Path]:
    """Write the student version of each notebook into the folder ``out`` under its own name;
    returns the files written. A notebook with no solution cell is a ValueError (nothing would
    be taken out of it). Needs nbformat.

    >>> import tempfile, nbformat
    >>> d = Path(tempfile.mkdtemp())
    >>> cell = nbformat.v4.new_code_cell("x = 42", metadata={"tags": ["solution"]})
    >>> nbformat.write(nbformat.v4.new_notebook(cells=[cell]), d / "hw.ipynb")
    >>> [p.name for p in write_student_notebooks([d / "hw.ipynb"], d / "student")]
    ['hw.ipynb']
    >>> nbformat.read(d / "student" / "hw.ipynb", as_version=4).cells[0].source
    '# YOUR CODE HERE\\nraise NotImplementedError()'
    """
    import nbformat

    written = []
    out.mkdir(parents=True, exist_ok=True)
    for path in paths:
        notebook = nbformat.read(str(path), as_version=4)
        if not any(is_solution(c) or BEGIN.search(_source(c)) for c in notebook.cells):
            raise ValueError(f"{path.name} has no solution cell to take out")
        student = nbformat.from_dict(student_notebook(notebook, path.name))
        nbformat.validate(student)
        target = out / path.name
        if target.resolve() == path.resolve():
            raise ValueError(f"{path.name}: the student version would overwrite the notebook")
        nbformat.write(student, str(target))
        written.append(target)
    return written
