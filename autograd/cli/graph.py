"""The ``graph`` command: draw a one-line expression's gradient graph after backward."""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path
from typing import TextIO

from ..engine import Value
from ..viz.dot import GraphvizNotFound, render, to_dot
from ..viz.stepper import BackwardStepper
from .expr import ExpressionError, parse

EXAMPLE = 'python -m autograd graph "tanh(x*w + b)" --set x=2 w=-3 b=6.88 --out graph.svg'


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register ``graph`` and its options on the main parser's subcommands.

    >>> parser = argparse.ArgumentParser()
    >>> add_parser(parser.add_subparsers(dest="command"))
    >>> args = parser.parse_args(["graph", "x*y", "--set", "x=2", "y=3"])
    >>> args.command, args.expression, args.set, args.out
    ('graph', 'x*y', ['x=2', 'y=3'], None)
    """
    p = sub.add_parser(
        "graph",
        help="draw the gradient graph of a one-line expression",
        description=f"Draw the graph of an expression after backward. Example: {EXAMPLE}",
    )
    p.add_argument("expression", help="numbers, names, + - * / **, exp log tanh relu ...")
    p.add_argument("--set", nargs="+", default=[], metavar="NAME=NUMBER", help="leaf values")
    p.add_argument("--out", help="output file: .svg .png .pdf (needs Graphviz) or .dot/.gv")
    p.add_argument("--grad-flow", action="store_true", help="colour nodes by |grad| (log scale)")
    p.add_argument("--rankdir", default="LR", choices=["LR", "TB", "RL", "BT"])
    p.add_argument("--steps", action="store_true", help="print the backward pass step by step")
    p.add_argument("--html", help="write a page that steps through the backward pass")


def _names(pairs: list[str]) -> dict[str, Value]:
    out: dict[str, Value] = {}
    for pair in pairs:
        name, eq, num = pair.partition("=")
        if not eq or not name.isidentifier():
            raise ExpressionError(f"--set expects NAME=NUMBER, got {pair!r}")
        try:
            v = float(num)
        except ValueError:
            raise ExpressionError(f"--set {name}: {num!r} is not a number") from None
        if not math.isfinite(v):
            raise ExpressionError(f"--set {name}: {num!r} is not a finite number")
        out[name] = Value(v, name)
    return out


def run(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Parse, build, backward and draw; 2 for a refused expression, 1 for a failed render.

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
    try:
        names = _names(args.set)
        root = parse(args.expression, names)
    except ExpressionError as e:
        print(f"graph: refused: {e}", file=err)
        return 2
    root.backward()
    print(f"{args.expression} = {root.data:.6g}", file=out)
    for name, v in names.items():
        print(f"  d/d{name} = {v.grad:.6g}", file=out)
    if args.steps:
        stepper = BackwardStepper(root)
        stepper.run()
        print(stepper.text(), file=out)
    if args.html:
        BackwardStepper(root).to_html(args.html, grad_flow=args.grad_flow)
        print(f"wrote {args.html}", file=out)
    dot = to_dot(root, rankdir=args.rankdir, grad_flow=args.grad_flow, title=args.expression)
    if not args.out:
        if not args.html:
            print(dot, end="", file=out)
        return 0
    return _write(Path(args.out), dot, out, err)


def _write(path: Path, dot: str, out: TextIO, err: TextIO) -> int:
    fmt = path.suffix.lower().lstrip(".")
    if fmt in ("dot", "gv"):
        path.write_text(dot, encoding="utf-8")
    elif fmt not in ("svg", "png", "pdf"):
        print(f"graph: --out {path}: use .svg, .png, .pdf, .dot or .gv", file=err)
        return 2
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
