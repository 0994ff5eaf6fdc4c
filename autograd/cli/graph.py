"""The ``graph`` command: draw a one-line expression's gradient graph after backward."""

from __future__ import annotations

import argparse
import math
import sys
import unicodedata
from pathlib import Path
from typing import TextIO

from ..core.value import Value
from ..expressions import ExpressionError, display_text, parse
from ..viz.backward_stepper import BackwardStepper
from ..viz.dot import GraphvizNotFound, render, to_dot

MAX_HTML_FRAMES = 400  # a page of more steps than this is too slow to render and to step through

EXAMPLE = 'python -m autograd graph "tanh(x*w + b)" --set x=2 w=-3 b=6.88 --out graph.svg'
FORMATS = ("svg", "png", "pdf", "dot", "gv")


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register ``graph`` and its options on the main parser's subcommands; return its parser.

    >>> parser = argparse.ArgumentParser()
    >>> p = add_parser(parser.add_subparsers(dest="command"))
    >>> args = parser.parse_args(["graph", "x*y", "--set", "x=2", "y=3", "--set", "z=1"])
    >>> args.command, args.expression, args.set, args.out
    ('graph', 'x*y', ['x=2', 'y=3', 'z=1'], None)
    """
    p = sub.add_parser(
        "graph",
        help="draw the gradient graph of a one-line expression",
        description=f"Draw the graph of an expression after backward. Example: {EXAMPLE}",
    )
    p.add_argument("expression", help="numbers, names, + - * / **, exp log tanh relu ...")
    # "extend": a repeated --set adds its pairs (nargs alone keeps only the last list)
    p.add_argument(
        "--set", nargs="+", action="extend", default=[], metavar="NAME=NUMBER", help="leaf values"
    )
    p.add_argument(
        "--out",
        help="output file: .svg .png .pdf (needs Graphviz) or .dot/.gv; with none of --out, "
        "--html and --steps, the DOT text goes to the screen",
    )
    p.add_argument("--grad-flow", action="store_true", help="colour nodes by |grad| (log scale)")
    p.add_argument("--rankdir", default="LR", choices=["LR", "TB", "RL", "BT"])
    p.add_argument("--steps", action="store_true", help="print the backward pass step by step")
    p.add_argument("--html", help="write a page that steps through the backward pass")
    return p


def leaf_values(pairs: list[str]) -> dict[str, Value]:
    """The ``--set NAME=NUMBER`` pairs as named leaves; names NFKC-normalised as Python does.

    A name given twice (also as two spellings of one name) is refused.

    >>> sorted(leaf_values(["x=2", "y=-1.5"]).items())
    [('x', Value(data=2.0, grad=0.0, label='x')), ('y', Value(data=-1.5, grad=0.0, label='y'))]
    >>> leaf_values(["x=1", "x=2"])
    Traceback (most recent call last):
    ...
    autograd.expressions.ExpressionError: --set x given twice: 'x=1' and 'x=2'
    """
    out: dict[str, Value] = {}
    given: dict[str, str] = {}
    for pair in pairs:
        raw, eq, num = pair.partition("=")
        # Python reads identifiers in NFKC form (the ligature "ﬁ" is the name "fi"), so the
        # expression's names arrive normalised; --set names must match them.
        name = unicodedata.normalize("NFKC", raw.strip())
        if not eq or not name.isidentifier():
            raise ExpressionError(f"--set expects NAME=NUMBER, got {pair!r}")
        if name in given:
            raise ExpressionError(f"--set {name} given twice: {given[name]!r} and {pair!r}")
        try:
            v = float(num)
        except ValueError:
            raise ExpressionError(f"--set {name}: {num!r} is not a number") from None
        if not math.isfinite(v):
            raise ExpressionError(f"--set {name}: {num!r} is not a finite number")
        given[name] = pair
        out[name] = Value(v, name)
    return out


def check_outputs(args: argparse.Namespace) -> str | None:
    """Why ``--out`` or ``--html`` cannot be written (checked before any work), or None.

    >>> ns = argparse.Namespace(out="g.jpeg", html=None)
    >>> check_outputs(ns)
    '--out g.jpeg: use .svg, .png, .pdf, .dot or .gv'
    >>> check_outputs(argparse.Namespace(out="no/such/folder/g.svg", html=None))
    "--out no/such/folder/g.svg: the folder 'no/such/folder' does not exist"
    """
    for option, given in (("--out", args.out), ("--html", args.html)):
        if not given:
            continue
        path = Path(given)
        if option == "--out" and path.suffix.lower().lstrip(".") not in FORMATS:
            return f"--out {given}: use .svg, .png, .pdf, .dot or .gv"
        if path.is_dir():
            return f"{option} {given}: is a folder, not a file name"
        if not path.parent.is_dir():
            return f"{option} {given}: the folder {str(path.parent)!r} does not exist"
    return None


def run(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Parse, build, backward and draw; 2 for refused input, 1 for a failed backward or render.

    >>> import io, os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "g.dot")
    >>> args = argparse.Namespace(expression="x*y + x", set=["x=2", "y=3"], out=path,
    ...                           grad_flow=False, rankdir="LR", steps=False, html=None)
    >>> buf = io.StringIO()
    >>> run(args, out=buf)
    0
    >>> print(buf.getvalue().replace(path, "g.dot"), end="")
    x*y + x = 8
      d/dx = 4
      d/dy = 2
    wrote g.dot
    >>> args.expression = "x +* y"
    >>> run(args, out=buf, err=io.StringIO())
    2
    """
    out, err = out or sys.stdout, err or sys.stderr
    problem = check_outputs(args)
    if problem:
        print(f"graph: {problem}", file=err)
        return 2
    try:
        names = leaf_values(args.set)
        root = parse(args.expression, names)
    except ExpressionError as e:
        print(f"graph: refused: {e}", file=err)
        if "unknown name" in str(e):  # the command line's way to give one
            print("graph: give each name a value with --set NAME=NUMBER", file=err)
        return 2
    try:
        root.backward()
    except ArithmeticError as e:
        print(f"graph: backward failed: {type(e).__name__}: {e}", file=err)
        return 1
    stepper = BackwardStepper(root) if args.html else None
    if stepper is not None and len(stepper) >= MAX_HTML_FRAMES:  # a frame per step, and one
        print(
            f"graph: refused: --html steps through at most {MAX_HTML_FRAMES - 1} steps; this "
            f"graph has {len(stepper)} (draw it with --out, or step through a smaller one)",
            file=err,
        )
        return 2
    text = display_text(args.expression)  # comments dropped: they are not part of the graph
    print(f"{text} = {root.data:.6g}", file=out)
    for name, v in names.items():
        print(f"  d/d{name} = {v.grad:.6g}", file=out)
    if args.steps:
        steps = BackwardStepper(root)
        steps.run()
        print(steps.text(), file=out)
    try:
        if stepper is not None:
            stepper.to_html(args.html, grad_flow=args.grad_flow, max_frames=MAX_HTML_FRAMES)
            print(f"wrote {args.html}", file=out)
        dot = to_dot(root, rankdir=args.rankdir, grad_flow=args.grad_flow, title=text)
        if args.out:
            return _write(Path(args.out), dot, out, err)
        if not args.html and not args.steps:  # nothing else asked for: the drawing as text
            print(dot, end="", file=out)
        return 0
    except (OSError, RuntimeError) as e:  # a full disk, or dot failing on a huge graph
        print(f"graph: could not write the drawing: {e}", file=err)
        return 1


def _write(path: Path, dot: str, out: TextIO, err: TextIO) -> int:
    fmt = path.suffix.lower().lstrip(".")
    if fmt in ("dot", "gv"):
        path.write_text(dot, encoding="utf-8")
    else:
        try:
            path.write_bytes(render(dot, fmt))
        except GraphvizNotFound as e:  # fall back to the DOT text instead of failing
            fallback = path.with_suffix(".dot")
            fallback.write_text(dot, encoding="utf-8")
            print(f"graph: {e}\ngraph: wrote the DOT text to {fallback} instead", file=err)
            return 0
    print(f"wrote {path}", file=out)
    return 0
