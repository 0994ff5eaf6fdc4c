"""The command line: ``python -m autograd [command]``: explain, graph, demo, exercises, check,
check-backward, grade, student-notebooks."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

import autograd as package  # the version is the package's own

from . import check, demo, exercises, explain, grade, graph, student

DESCRIPTION = (
    "A scalar automatic-differentiation engine you can read. Without a command, explains one "
    "neuron's forward and backward pass."
)


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    """The main parser and, by name, the parser of each subcommand.

    >>> parser, commands = build_parser()
    >>> print(*sorted(commands))
    check check-backward demo exercises explain grade graph student-notebooks
    """
    parser = argparse.ArgumentParser(prog="python -m autograd", description=DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"autograd {package.__version__}")
    sub = parser.add_subparsers(dest="command", title="commands")
    commands = {
        "explain": explain.add_parser(sub),
        "graph": graph.add_parser(sub),
        "demo": sub.add_parser(
            "demo",
            help="train an MLP on a 2-D dataset, write plots",
            description="Train a small MLP on a 2-D dataset (full batch) and write a decision "
            "boundary plot, a loss curve, the model as JSON and one neuron's graph.",
        ),
    }
    demo.add_arguments(commands["demo"])
    commands["exercises"] = exercises.add_parser(sub)
    commands.update(check.add_parsers(sub))
    commands["grade"] = grade.add_parser(sub)
    commands["student-notebooks"] = student.add_parser(sub)
    return parser, commands


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``python -m autograd [command]`` (``explain`` by default); returns the exit status.

    An option the chosen command does not know is refused with that command's usage (exit 2).

    >>> main(["explain"])  # doctest: +ELLIPSIS
    One neuron, forward:  z = x*w + b, ...The engine agrees with the hand derivation.
    0
    """
    parser, commands = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra:  # argparse would blame the main parser; the subcommand's usage helps more
        where = commands.get(args.command or "", parser)
        where.error(f"unrecognized arguments: {' '.join(extra)}")
    if args.command == "graph":
        return graph.run(args)
    if args.command == "exercises":
        return exercises.run(args)
    if args.command in ("check", "check-backward"):
        return check.run(args)
    if args.command == "grade":
        return grade.run(args)
    if args.command == "student-notebooks":
        return student.run(args)
    if args.command == "demo":
        return demo.run(args)
    return explain.run(args)
