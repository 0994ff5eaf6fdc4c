"""The ``grade`` command: a folder of students' engines (``.py``, ``.ipynb``, or a folder holding
either) judged and marked on a rubric, with the results in the formats courses use; with
``--backward``, their NumPy forward and backward functions instead."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, TextIO

EXAMPLE = "python -m autograd grade submissions/ --out results/ --jobs 2 --seed 1"


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register ``grade`` and its options on the main parser's subcommands.

    >>> parser = argparse.ArgumentParser()
    >>> _ = add_parser(parser.add_subparsers(dest="command"))
    >>> args = parser.parse_args(["grade", "subs", "--out", "r", "--jobs", "2"])
    >>> args.submissions, args.out, args.jobs, args.class_name, args.format
    ('subs', 'r', 2, 'Value', 'folder')
    """
    p = sub.add_parser(
        "grade",
        help="grade a class: a folder of students' engines, into Gradescope/JUnit/CSV/HTML",
        description="Judge each submission (a .py file, a .ipynb notebook, or a folder holding "
        "either) in processes of its own, mark it on a rubric, and write per student "
        "results.json (Gradescope) and junit.xml, and for the class class.csv, summary.json "
        "and summary.html. With --format gradescope, SUBMISSIONS is one student's folder "
        "(/autograder/submission) and --out the results.json to write "
        f"(/autograder/results/results.json). Example: {EXAMPLE}",
    )
    p.add_argument("submissions", help="the folder of submissions, one entry per student")
    p.add_argument("--out", required=True, help="the folder for the results")
    p.add_argument("--class", dest="class_name", default="Value", help="the class judged")
    p.add_argument("--rubric", default=None, help="a rubric (TOML); default: the shipped one")
    p.add_argument("--seed", type=int, default=None, help="the random graphs' seed")
    p.add_argument("--jobs", type=int, default=1, help="submissions judged at once")
    p.add_argument("--examples", type=int, default=500, help="random graphs (default 500)")
    p.add_argument("--time-limit", type=float, default=2.0, help="seconds for one call (default 2)")
    p.add_argument(
        "--submission-limit",
        type=float,
        default=120.0,
        help="seconds for one submission's whole judgement (default 120)",
    )
    p.add_argument("--format", choices=("folder", "gradescope"), default="folder")
    p.add_argument(
        "--backward",
        metavar="FORWARD:BACKWARD",
        default=None,
        help="a NumPy assignment: the names of the student's loss function and its backward "
        "(instead of --class); each gradient is checked with check_backward",
    )
    p.add_argument(
        "--arrays",
        nargs="+",
        action="extend",
        metavar="NAME.npy",
        help="with --backward: the inputs in order, each named by its file name "
        "(default: one sigmoid layer forward(X, W, b, Y) made from --seed)",
    )
    p.add_argument("--no-grad", default=None, help="with --backward: inputs needing no gradient")
    return p


def _numpy_assignment(args: argparse.Namespace) -> dict[str, Any]:
    """The settings of a NumPy assignment from ``--backward``, ``--arrays``, ``--no-grad``;
    a ValueError naming the option when they do not fit together."""
    if args.backward is None:
        if args.arrays or args.no_grad is not None:
            raise ValueError("--arrays and --no-grad go with --backward FORWARD:BACKWARD")
        return {}
    names = tuple(args.backward.split(":"))
    if len(names) != 2 or not all(n.isidentifier() for n in names):
        raise ValueError(f"--backward {args.backward!r}: give FORWARD:BACKWARD, two Python names")
    from ..grading.backward_judgement import inputs

    arrays, no_grad = inputs(args.arrays, args.seed)
    if args.no_grad is not None:
        no_grad = [n.strip() for n in args.no_grad.split(",") if n.strip()]
    unknown = [n for n in no_grad if n not in arrays]
    if unknown:
        raise ValueError(f"--no-grad names {', '.join(unknown)}: not one of {', '.join(arrays)}")
    wanted = [n for n in arrays if n not in no_grad]
    return {
        "backward": names,
        "arrays": tuple(args.arrays) if args.arrays else None,
        "no_grad": tuple(no_grad),
        "gradients": wanted,
    }


def run(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run ``grade``: 0 when the class was graded, 2 for bad input.

    >>> import io
    >>> args = argparse.Namespace(submissions="/no/such/folder", out="/tmp/x", rubric=None,
    ...     class_name="Value", seed=None, jobs=1, examples=5, time_limit=2.0,
    ...     submission_limit=60.0, format="folder", backward=None, arrays=None, no_grad=None)
    >>> err = io.StringIO()
    >>> run(args, err=err), err.getvalue().strip()
    (2, 'grade: /no/such/folder is not a folder of submissions')
    """
    out, err = out or sys.stdout, err or sys.stderr
    try:
        from ..grading import Settings, grade_class, grade_gradescope, load_rubric

        if not args.class_name.isidentifier():
            raise ValueError(f"--class {args.class_name!r} is not a Python name")
        if args.jobs < 1 or not 1 <= args.examples <= 10000:
            raise ValueError("--jobs must be >= 1 and --examples 1..10000")
        if not (args.time_limit > 0 and args.submission_limit > 0):
            raise ValueError("the time limits must be positive numbers of seconds")
        numpy = _numpy_assignment(args)
        if numpy and args.rubric is None:
            from ..grading.backward_judgement import gradient_rubric

            rubric = gradient_rubric(numpy.pop("gradients"))
        else:
            numpy.pop("gradients", None)
            rubric = load_rubric(args.rubric)
        settings = Settings(
            args.class_name,
            args.examples,
            args.seed,
            args.time_limit,
            args.submission_limit,
            args.jobs,
            **numpy,
        )
        if args.format == "gradescope":
            result = grade_gradescope(Path(args.submissions), Path(args.out), rubric, settings)
            print(f"{result['score']:g} of {rubric.total:g} points: {args.out}", file=out)
            return 0
        summary = grade_class(Path(args.submissions), Path(args.out), rubric, settings)
    except ImportError as e:
        print(f"grade: {e}; pip install 'scalar-autograd[grade]'", file=err)
        return 2
    except ValueError as e:
        print(f"grade: {e}", file=err)
        return 2
    print(
        f"{summary['students']} submissions graded in {summary['wall_seconds']:g} s; mean "
        f"{summary['mean']:g} of {summary['max_score']:g}. See {args.out}/summary.html",
        file=out,
    )
    top = summary["root_causes"][:3]
    for c in top:
        print(f"  {100 * c['share']:.0f}%: {c['kind']} {c['op']}".rstrip(), file=out)
    if summary["zeros"]:
        print(f"  {len(summary['zeros'])} scored zero: the reasons are in the summary", file=out)
    return 0
