"""The ``student-notebooks`` command: notebooks with their solution cells stubbed out, to hand
out (``make student-notebooks`` runs it on notebooks 00 and 07)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

EXAMPLE = (
    "python -m autograd student-notebooks notebooks/00_build_it_yourself.ipynb "
    "notebooks/07_exercises.ipynb --out student/"
)


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register ``student-notebooks`` and its options on the main parser's subcommands.

    >>> parser = argparse.ArgumentParser()
    >>> _ = add_parser(parser.add_subparsers(dest="command"))
    >>> args = parser.parse_args(["student-notebooks", "a.ipynb", "b.ipynb", "--out", "s"])
    >>> args.notebooks, args.out
    (['a.ipynb', 'b.ipynb'], 's')
    """
    p = sub.add_parser(
        "student-notebooks",
        help="write notebooks with their solutions taken out, to hand out",
        description="Write each notebook's student version into a folder, under its own name: "
        "in the solution cells (nbgrader's metadata, or the tag 'solution') each "
        "### BEGIN SOLUTION ... ### END SOLUTION region, or a cell without one whole, becomes "
        "'# YOUR CODE HERE' and 'raise NotImplementedError()'; outputs are cleared and the "
        f"nbgrader metadata kept. Example: {EXAMPLE}",
    )
    p.add_argument("notebooks", nargs="+", help="the notebooks (.ipynb) with their solutions")
    p.add_argument("--out", required=True, help="the folder for the student versions")
    return p


def run(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run ``student-notebooks``: 0 when every notebook was written, 2 for bad input.

    >>> import io
    >>> args = argparse.Namespace(notebooks=["/no/such.ipynb"], out="/tmp/x")
    >>> err = io.StringIO()
    >>> run(args, err=err), err.getvalue().strip()
    (2, 'student-notebooks: /no/such.ipynb is not a file')
    """
    out, err = out or sys.stdout, err or sys.stderr
    paths = [Path(p) for p in args.notebooks]
    try:
        for path in paths:
            if not path.is_file():
                raise ValueError(f"{path} is not a file")
        from ..grading.student import write_student_notebooks

        written = write_student_notebooks(paths, Path(args.out))
    except ImportError as e:
        print(f"student-notebooks: {e}; pip install 'scalar-autograd[grade]'", file=err)
        return 2
    except ValueError as e:
        print(f"student-notebooks: {e}", file=err)
        return 2
    for path in written:
        print(f"student version: {path}", file=out)
    return 0
