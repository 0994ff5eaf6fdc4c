"""How well ``check_backward`` judges NumPy backward passes: the mutation score.

Runs ``check_backward`` on every mutant of ``autograd.testing.backward_mutants`` (each classic
mistake planted in a correct backward, alone and in pairs, on 36 small networks: 1 to 3
layers, examples in rows or columns, binary or continuous inputs, sigmoid or tanh, MSE or
cross-entropy) and on right backward passes written in unusual styles, and prints:

- detection: the share of mutants reported wrong;
- root cause: the share whose report names the planted mistake(s) and no other;
- false positives: the share of right backward passes reported wrong;
- the time per check (median and slowest).

    .venv/bin/python benchmarks/judge_backward.py            # every mutant (about a minute)
    .venv/bin/python benchmarks/judge_backward.py --sample 5  # every 5th network only
    .venv/bin/python benchmarks/judge_backward.py --misses    # also list what was missed
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

from autograd.testing import check_backward
from autograd.testing.backward_mutants import Mutant, judged, mutants, nets, unusual


def judge(mutant: Mutant) -> tuple[bool, bool, float, Any]:
    """Flagged, named, seconds, and the report, for one mutant."""
    net = mutant.net
    start = time.perf_counter()
    report = check_backward(net.forward(), mutant.backward(), *net.arrays(), no_grad=[0, 1])
    seconds = time.perf_counter() - start
    flagged, named = judged(mutant, report)
    return flagged, named, seconds, report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=1, help="every Nth network only")
    parser.add_argument("--misses", action="store_true", help="list misses and false positives")
    args = parser.parse_args(argv)
    chosen = list(nets())[:: args.sample]
    rows: dict[str, list[tuple[Mutant, bool, bool, float, Any]]] = {"single": [], "pair": []}
    for net in chosen:
        for mutant in mutants(net):
            rows["single" if len(mutant.planted) == 1 else "pair"].append((mutant, *judge(mutant)))
    right = [(m, *judge(m)) for m in unusual() if m.net in chosen]
    right += [(Mutant(net, ()), *judge(Mutant(net, ()))) for net in chosen]
    times = [r[3] for rs in (*rows.values(), right) for r in rs]
    for kind, rs in rows.items():
        n = len(rs)
        found = sum(r[1] for r in rs)
        named = sum(r[2] for r in rs)
        print(
            f"{kind}-mistake mutants: {n}; detected {found} ({100 * found / n:.1f}%); "
            f"root cause named {named} ({100 * named / n:.1f}%)"
        )
    false = sum(r[1] for r in right)
    print(
        f"right backward passes: {len(right)}; reported wrong {false} "
        f"({100 * false / len(right):.1f}%)"
    )
    print(
        f"time per check: median {1000 * statistics.median(times):.0f} ms, "
        f"slowest {1000 * max(times):.0f} ms, {len(times)} checks"
    )
    if args.misses:
        for rs in (*rows.values(), right):
            for m, flagged, named, _, report in rs:
                if flagged != bool(m.planted) or (m.planted and not named):
                    print(f"\n--- {m.text()}\n{report}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
