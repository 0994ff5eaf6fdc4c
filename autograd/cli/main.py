"""The command line: ``python -m autograd [command]``."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from . import demo, exercises, graph
from .explain import explain


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``python -m autograd [command]`` (``explain`` by default); returns the exit status.

    >>> main(["explain"])  # doctest: +ELLIPSIS
    One neuron, forward:  z = x*w + b, ...The engine agrees with the hand derivation.
    0
    """
    parser = argparse.ArgumentParser(prog="python -m autograd", description=__doc__)
    sub = parser.add_subparsers(dest="command")
    sub.add_parser(
        "explain", help="a single neuron's forward and backward pass, by hand and by engine"
    )
    graph.add_parser(sub)
    demo.add_arguments(sub.add_parser("demo", help="train an MLP on a 2-D dataset, write plots"))
    exercises.add_parser(sub)
    args = parser.parse_args(argv)
    if args.command == "graph":
        return graph.run(args)
    if args.command == "exercises":
        return exercises.run(args)
    if args.command in (None, "explain"):
        explain()
    elif args.command == "demo":
        return demo.run(args)
    return 0
