"""The ``exercises`` command: an exercise sheet and its answer key for a class; ``exercises
mark``: a class's answers to it marked against the key."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from ..exercises.generate import OFFERED

EXAMPLE = "python -m autograd exercises --seed 1 --count 5 --out sheet/"
MARK_EXAMPLE = "python -m autograd exercises mark answers/ --key sheet/key.json --out results/"


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register ``exercises`` and its options on the main parser's subcommands.

    >>> parser = argparse.ArgumentParser()
    >>> _ = add_parser(parser.add_subparsers(dest="command"))
    >>> args = parser.parse_args(["exercises", "--seed", "3", "--out", "d", "--ops", "mul,tanh"])
    >>> args.seed, args.count, args.size, args.ops, args.reuse, args.action
    (3, 3, 4, 'mul,tanh', True, None)
    >>> args = parser.parse_args(["exercises", "mark", "a.csv", "--key", "k.json", "--out", "r"])
    >>> args.action, args.answers, args.mark_key, args.mark_out
    ('mark', 'a.csv', 'k.json', 'r')
    """
    p = sub.add_parser(
        "exercises",
        help="write an exercise sheet (HTML and Markdown) and its answer key; or mark answers",
        description="Random backpropagation exercises with friendly numbers (+, -, × and "
        "powers work out by hand; a value that needs a calculator, such as tanh's or exp's, is "
        f"given, rounded): the same seed gives the same sheet. Example: {EXAMPLE}. "
        "`exercises mark` marks students' answers against the key.",
    )
    p.add_argument("--seed", type=int, default=None, help="the sheet's seed (required)")
    p.add_argument("--count", type=int, default=3, help="number of exercises (default 3)")
    p.add_argument("--out", default=None, help="folder for sheet.*, key.* and drawings (required)")
    p.add_argument(
        "--key",
        default=None,
        help="where to write the answer key as JSON (default: key.json in the --out folder)",
    )
    p.add_argument("--size", type=int, default=4, help="operations per exercise (default 4)")
    p.add_argument("--ops", default="", help="comma-separated operations (default add,sub,mul,pow)")
    p.add_argument(
        "--no-reuse",
        dest="reuse",
        action="store_false",
        help="use every value once (no gradients to add up)",
    )
    actions = p.add_subparsers(dest="action", title="marking")
    m = actions.add_parser(
        "mark",
        help="mark students' answers (CSV or JSON) against the answer key",
        description="Mark one answer file, or a folder of them (one .csv or .json per student), "
        "against key.json: each answer right or wrong, a wrong one with the mistake that "
        "explains it. Writes per student results.json (Gradescope) and junit.xml, and "
        f"class.csv and summary.json. Example: {MARK_EXAMPLE}",
    )
    m.add_argument("answers", help="an answer file, or a folder of them (one per student)")
    m.add_argument(
        "--key", dest="mark_key", metavar="KEY", required=True, help="the answer key (key.json)"
    )
    m.add_argument(
        "--out",
        dest="mark_out",
        metavar="RESULTS",
        required=True,
        help="the folder for the results",
    )
    return p


def run(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Write the sheet; 2 for bad options (before any file is written).

    >>> import io
    >>> args = argparse.Namespace(seed=1, count=1, size=3, ops="nope", reuse=True, out="x",
    ...     key=None)
    >>> err = io.StringIO()
    >>> run(args, err=err), err.getvalue().split(";")[0]
    (2, 'exercises: unknown operation(s) nope')
    """
    out, err = out or sys.stdout, err or sys.stderr
    if getattr(args, "action", None) == "mark":
        return run_mark(args, out, err)
    if args.seed is None or args.out is None:
        print(
            f"exercises: --seed and --out are required to write a sheet (example: {EXAMPLE}); "
            f"to mark answers: {MARK_EXAMPLE}",
            file=err,
        )
        return 2
    ops = [o.strip() for o in args.ops.split(",") if o.strip()] or None
    unknown = [o for o in ops or [] if o not in OFFERED]
    if unknown:
        known = ", ".join(OFFERED)
        print(f"exercises: unknown operation(s) {', '.join(unknown)}; use {known}", file=err)
        return 2
    if not 1 <= args.count <= 100 or not 1 <= args.size <= 30:
        print("exercises: --count must be 1..100 and --size 1..30", file=err)
        return 2
    try:
        from ..exercises.sheet import Sheet  # Hypothesis's data types: the `testing` extra

        sheet = Sheet(args.seed, args.count, args.size, ops, args.reuse)
    except ImportError as e:
        print(f"exercises: {e}; pip install 'scalar-autograd[testing]'", file=err)
        return 2
    except ValueError as e:
        print(f"exercises: {e}", file=err)
        return 2
    try:
        written = sheet.write(args.out, args.key)
    except OSError as e:
        where = f"{args.out!r} or {args.key!r}" if args.key else repr(args.out)
        print(f"exercises: cannot write into {where}: {e.strerror or e}", file=err)
        return 2
    if sheet.note:
        print(sheet.note, file=err)
    inside = [p for p in written if args.key is None or p != written[-1]]
    names = ", ".join(p.name for p in inside[:4])
    print(f"wrote {len(inside)} files into {args.out}: {names}", file=out)
    if args.key is not None:
        print(f"wrote the answer key as JSON: {args.key}", file=out)
    return 0


def run_mark(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """``exercises mark``: 0 when the answers were marked, 2 for a key or answers that cannot
    be used (nothing written then).

    >>> import io
    >>> args = argparse.Namespace(answers="a.csv", mark_key="/no/key.json", mark_out="r")
    >>> err = io.StringIO()
    >>> run_mark(args, io.StringIO(), err), err.getvalue().split(":")[0]
    (2, 'exercises mark')
    """
    try:
        from .sheet_marking import mark_sheets

        summary = mark_sheets(Path(args.answers), Path(args.mark_key), Path(args.mark_out))
    except ImportError as e:
        print(f"exercises mark: {e}; pip install 'scalar-autograd[grade]'", file=err)
        return 2
    except ValueError as e:
        print(f"exercises mark: {e}", file=err)
        return 2
    except OSError as e:
        print(f"exercises mark: cannot write into {args.mark_out!r}: {e.strerror or e}", file=err)
        return 2
    print(
        f"{summary['students']} answer sheets marked: mean {summary['mean']:g} of "
        f"{summary['max_score']:g}. See {args.mark_out}/summary.json",
        file=out,
    )
    for m in summary["mistakes"][:3]:
        print(f"  {100 * m['share']:.0f}% of the students: {m['mistake']}", file=out)
    for student, why in summary["zeros"].items():
        print(f"  {student} could not be marked: {why.splitlines()[0]}", file=out)
    return 0
