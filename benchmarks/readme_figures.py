"""The README's speed figures, worded from the saved results in benchmarks/results/.

The README says how fast the engine is in two sentences; their numbers sit between
``<!-- figures:NAME -->`` and ``<!-- end figures:NAME -->`` and are written here from
``gc-on.json`` and ``compile.json``, with the tables' own rounding, so they cannot drift from the
tables they link to. ``make bench`` rewrites them; ``python benchmarks/readme_figures.py`` does
it from the saved results; tests/project/test_readme.py checks the README holds what this writes.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
README = ROOT / "README.md"


def ratio(x: float) -> str:
    """A ratio as the result tables print it: three significant figures, then 'x'."""
    return f"{x:.2f}x" if x < 10 else f"{x:.0f}x" if x >= 100 else f"{x:.1f}x"


def _median(results: dict[str, Any], workload: str, engine: str) -> float:
    return float(results["workloads"][workload]["engines"][engine]["median"])


def figures(results_dir: Path = RESULTS) -> dict[str, str]:
    """{name: the words between that name's markers in the README}."""
    on = json.loads((results_dir / "gc-on.json").read_text(encoding="utf-8"))
    compiled = json.loads((results_dir / "compile.json").read_text(encoding="utf-8"))
    ops = sorted(
        _median(on, w, "micrograd") / _median(on, w, "autograd")
        for w in ("ops_mix_basic", "wide_sum")
    )
    mlp = _median(on, "mlp_step", "micrograd") / _median(on, "mlp_step", "autograd")
    memory = on["mem_per_node"]
    mem = memory["autograd"]["bytes_per_node"] / memory["micrograd"]["bytes_per_node"]
    eager = _median(compiled, "mlp_step", "autograd") / _median(compiled, "mlp_step", "compiled")
    return {
        "speed": (
            f"{ratio(ops[0])} to {ratio(ops[1])} micrograd's throughput on its own operations "
            f"and {ratio(mlp)} on its MLP training step, using {ratio(mem)} its memory per node"
        ),
        "compiled": f"{ratio(eager)} faster than eager",
    }


def _marked(name: str) -> re.Pattern[str]:
    return re.compile(rf"(<!-- figures:{name} -->)(.*?)(<!-- end figures:{name} -->)", re.S)


def in_readme(text: str) -> dict[str, str]:
    """{name: the words now between that name's markers} in the README's text."""
    return {
        name: " ".join(match.group(2).split())
        for name in ("speed", "compiled")
        if (match := _marked(name).search(text))
    }


def rewrite(readme: Path = README, results_dir: Path = RESULTS) -> None:
    """Put the figures of ``results_dir`` between the README's markers."""
    text = readme.read_text(encoding="utf-8")
    for name, words in figures(results_dir).items():
        text = _marked(name).sub(lambda m, w=words: m.group(1) + w + m.group(3), text)
    readme.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    rewrite()
    sys.exit(0)
