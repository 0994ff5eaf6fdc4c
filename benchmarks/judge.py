"""How well ``check_engine`` judges learners' engines: the mutation score.

Writes each mutant of ``autograd.testing.mutants`` (one classic mistake planted in a correct
micrograd-style engine: every operation's local derivative, its out.grad left out, ``=`` for
``+=``; the order not reversed, no visited set, a recursive sort, no reset, equality by value,
``backward`` hidden, the root's gradient never set, ``**`` for whole exponents only, reflected
operators wrong or missing, plain numbers refused) and each correct engine of
``autograd.testing.unusual_engines`` to a file, runs ``check_engine("file.py:Value")`` on each
(in its child process, as the command line does), and prints:

- detection: the share of mutants reported wrong;
- root cause: the share whose report has exactly one problem, of the planted kind, about the
  planted operation;
- false positives: the share of correct engines reported wrong;
- the time per check (mean and longest), child process included.

    .venv/bin/python benchmarks/judge.py                 # every mutant (under a minute)
    .venv/bin/python benchmarks/judge.py --json out.json # the figures as JSON too
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from autograd.testing.learner_engine import EXAMPLES
from autograd.testing.mutants import MUTANTS, score


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=EXAMPLES, help="random graphs per check")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    start = time.monotonic()
    with tempfile.TemporaryDirectory() as folder:
        result = score(Path(folder), examples=args.examples)
    rates = result.rates()
    figures = {
        "mutants": len(MUTANTS),
        "unusual engines": len(result.unusual_right),
        "examples": args.examples,
        **{k: round(v, 4) for k, v in rates.items()},
        "missed": sorted(k for k, v in result.detected.items() if not v),
        "misnamed": sorted(k for k, v in result.named.items() if not v),
        "false positives on": sorted(k for k, v in result.unusual_right.items() if not v),
        "wall seconds": round(time.monotonic() - start, 1),
    }
    for key, value in figures.items():
        print(f"{key}: {value}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
