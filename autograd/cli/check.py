"""The ``check`` and ``check-backward`` commands: a learner's own engine or NumPy backward,
checked against this engine. Exit 0 when right, 1 when something is wrong, 2 for bad input."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from typing import Any, TextIO

from ..testing.learner_engine import EXAMPLES
from ..testing.learner_process import TIME_LIMIT, Learner, split_target

EXAMPLE = "python -m autograd check mymicrograd:Value"
EXAMPLE_BACKWARD = "python -m autograd check-backward layer:forward layer:backward"


def add_parsers(sub: argparse._SubParsersAction) -> dict[str, argparse.ArgumentParser]:
    """Register ``check`` and ``check-backward`` on the main parser's subcommands.

    >>> parser = argparse.ArgumentParser()
    >>> _ = add_parsers(parser.add_subparsers(dest="command"))
    >>> parser.parse_args(["check", "m:V"]).target
    'm:V'
    >>> parser.parse_args(["check-backward", "m:f", "m:g", "--no-grad", "X,Y"]).no_grad
    'X,Y'
    """
    check = sub.add_parser(
        "check",
        help="property-test your own Value class against this engine",
        description="Property-test a Value class with micrograd's interface (V(data), .data, "
        ".grad, operators, .backward()) against this engine and name each mistake. Exit 1 when "
        f"something is wrong. Example: {EXAMPLE}",
    )
    check.add_argument("target", help="module:Class, the module a name or a .py file")
    check.add_argument(
        "--examples", type=int, default=EXAMPLES, help=f"random graphs (default {EXAMPLES})"
    )
    back = sub.add_parser(
        "check-backward",
        help="check your NumPy backward against exact reverse mode",
        description="Run your forward over arrays of Values and compare your backward's "
        "gradients entry by entry, naming the mistake that explains a wrong one. Without "
        "--arrays, a built-in example: one sigmoid layer forward(X, W, b, Y), X and Y marked "
        f"as needing no gradient. Example: {EXAMPLE_BACKWARD}",
    )
    back.add_argument("forward", help="module:function returning the scalar loss")
    back.add_argument("backward", help="module:function returning one gradient per input")
    back.add_argument("--arrays", nargs="+", metavar="FILE.npy", help="the inputs, in order")
    back.add_argument("--no-grad", default=None, help="comma-separated inputs needing none")
    for parser in (check, back):
        parser.add_argument(
            "--time-limit",
            type=float,
            default=TIME_LIMIT,
            help=f"seconds for one call into your code (default {TIME_LIMIT:g})",
        )
    return {"check": check, "check-backward": back}


def loadable(target: str | list[str], time_limit: float) -> Learner:
    """A ``Learner`` holding what ``target`` names (``module:name``, or a list of them), its
    module imported in the child process; a ValueError with a sentence when it cannot be.

    >>> loadable("autograd:Value", 2.0).close()
    >>> loadable("no_such_module_here:V", 2.0)
    Traceback (most recent call last):
    ...
    ValueError: cannot import no_such_module_here: ModuleNotFoundError: ...
    """
    targets = [target] if isinstance(target, str) else target
    for t in targets:
        split_target(t)
    learner = Learner(target, time_limit=time_limit)
    loaded = learner.load()  # in a child process: the learner's module never runs here
    if not loaded.ok:
        learner.close()
        modules = ", ".join(dict.fromkeys(split_target(t)[0] for t in targets))
        raise ValueError(f"cannot import {modules}: {loaded.error}")
    return learner


def _arrays(files: list[str] | None) -> tuple[list[Any], list[str]]:
    import numpy as np

    if not files:
        from ..testing.learner_backward import example_layer

        arrays, no_grad = example_layer()
        return list(arrays.values()), no_grad
    try:
        return [np.load(f, allow_pickle=False) for f in files], []
    except (OSError, ValueError) as e:
        raise ValueError(f"cannot read the arrays: {e}") from e


def run(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run ``check`` or ``check-backward``: the report on ``out``, 0 right, 1 wrong, 2 bad input.

    >>> import io
    >>> args = argparse.Namespace(command="check", target="nothing", examples=5, time_limit=2.0)
    >>> err = io.StringIO()
    >>> run(args, err=err), err.getvalue().strip()
    (2, "check: 'nothing': give module:Name, e.g. mymodule:Value or my_file.py:Value")
    """
    out, err = out or sys.stdout, err or sys.stderr
    with _no_cache_here():
        return _run(args, out, err)


@contextlib.contextmanager
def _no_cache_here() -> Iterator[None]:
    """Hypothesis caches what it learns about a module in ``.hypothesis/`` under the current
    folder; a command run in a learner's folder should leave nothing there, so its cache goes
    to a temporary folder (unless one is chosen with HYPOTHESIS_STORAGE_DIRECTORY)."""
    if "HYPOTHESIS_STORAGE_DIRECTORY" in os.environ:
        yield
        return
    with tempfile.TemporaryDirectory(prefix="autograd-check-") as folder:
        os.environ["HYPOTHESIS_STORAGE_DIRECTORY"] = folder
        try:
            yield
        finally:
            del os.environ["HYPOTHESIS_STORAGE_DIRECTORY"]


def _run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    try:
        if args.command == "check":
            from ..testing import check_engine

            if not 1 <= args.examples <= 10000:
                raise ValueError("--examples must be 1..10000")
            if not args.time_limit > 0:
                raise ValueError("--time-limit must be a positive number of seconds")
            report: Any = check_engine(
                loadable(args.target, args.time_limit), examples=args.examples
            )
        else:
            from ..testing import check_backward

            targets = [args.forward, args.backward]
            loadable(targets, args.time_limit)
            arrays, marked = _arrays(args.arrays)
            if args.no_grad is not None:
                marked = [n.strip() for n in args.no_grad.split(",") if n.strip()]
            report = check_backward(*targets, *arrays, no_grad=marked, time_limit=args.time_limit)
    except ImportError as e:
        print(f"{args.command}: {e}; pip install 'scalar-autograd[testing]'", file=err)
        return 2
    except ValueError as e:
        print(f"{args.command}: {e}", file=err)
        return 2
    print(report, file=out)
    return 0 if report else 1
