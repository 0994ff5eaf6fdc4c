"""The ``exercises`` command: an exercise sheet and its answer key for a class."""

from __future__ import annotations

import argparse
import sys
from typing import TextIO

from ..ops import OPS

EXAMPLE = "python -m autograd exercises --seed 1 --count 5 --out sheet/"


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register ``exercises`` and its options on the main parser's subcommands.

    >>> parser = argparse.ArgumentParser()
    >>> _ = add_parser(parser.add_subparsers(dest="command"))
    >>> args = parser.parse_args(["exercises", "--seed", "3", "--out", "d", "--ops", "mul,tanh"])
    >>> args.seed, args.count, args.size, args.ops, args.reuse
    (3, 3, 4, 'mul,tanh', True)
    """
    p = sub.add_parser(
        "exercises",
        help="write an exercise sheet (HTML and Markdown) and its answer key",
        description="Random backpropagation exercises with friendly numbers (+, -, × and "
        "powers work out by hand; a value that needs a calculator, such as tanh's or exp's, is "
        f"given, rounded): the same seed gives the same sheet. Example: {EXAMPLE}",
    )
    p.add_argument("--seed", type=int, required=True, help="the sheet's seed")
    p.add_argument("--count", type=int, default=3, help="number of exercises (default 3)")
    p.add_argument("--out", required=True, help="folder for sheet.*, key.* and drawings")
    p.add_argument("--size", type=int, default=4, help="operations per exercise (default 4)")
    p.add_argument("--ops", default="", help="comma-separated operations (default add,sub,mul,pow)")
    p.add_argument(
        "--no-reuse",
        dest="reuse",
        action="store_false",
        help="use every value once (no gradients to add up)",
    )
    return p


def run(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Write the sheet; 2 for bad options (before any file is written).

    >>> import io
    >>> args = argparse.Namespace(seed=1, count=1, size=3, ops="nope", reuse=True, out="x")
    >>> err = io.StringIO()
    >>> run(args, err=err), err.getvalue().split(";")[0]
    (2, 'exercises: unknown operation(s) nope')
    """
    out, err = out or sys.stdout, err or sys.stderr
    ops = [o.strip() for o in args.ops.split(",") if o.strip()] or None
    unknown = [o for o in ops or [] if o not in OPS or o == "powv"]
    if unknown:
        known = ", ".join(n for n in OPS if n != "powv")
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
        written = sheet.write(args.out)
    except OSError as e:
        print(f"exercises: cannot write into {args.out!r}: {e.strerror or e}", file=err)
        return 2
    if sheet.note:
        print(sheet.note, file=err)
    print(f"wrote {len(written)} files into {args.out}: " + ", ".join(p.name for p in written[:4]))
    return 0
