"""Run the shared side-by-side benchmark and write its figures as a Markdown table.

Usage (from the project root; the harness lives in ../shared/bench):

    bash ../shared/bench/setup.sh
    /tmp/bench/venv/bin/python benchmarks/run.py                 # all workloads, GC on
    /tmp/bench/venv/bin/python benchmarks/run.py --gc-off --workloads wide_sum,ops_mix_basic

It writes ``benchmarks/results/<name>.json`` (the harness's raw output) and
``benchmarks/results/<name>.md`` (the table the README and the docs' performance page show).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HARNESS = ROOT.parent / "shared" / "bench" / "bench.py"
IN_PROCESS = ("mlp_step", "wide_sum", "ops_mix", "ops_mix_basic")


def _fmt(x: float) -> str:
    return f"{x:.3g}" if x < 10 else f"{x:.0f}"


def table(results: dict) -> str:
    """Markdown for the harness's JSON: one row per workload, one column pair per engine."""
    engines = results["meta"]["engines"]
    lines = [
        "| workload | " + " | ".join(engines) + " | autograd vs micrograd |",
        "|---|" + "---|" * (len(engines) + 1),
    ]
    for w in IN_PROCESS:
        if w not in results:
            continue
        row = results[w]
        cells = [
            f"{_fmt(row[e]['median'])} ms" if e in row and "median" in row[e] else "n/a"
            for e in engines
        ]
        ratio = ""
        if "median" in row.get("autograd", {}) and "median" in row.get("micrograd", {}):
            ratio = f"{row['micrograd']['median'] / row['autograd']['median']:.1f}x faster"
        lines.append(f"| {w} | " + " | ".join(cells) + f" | {ratio} |")
    if "mem_per_node" in results:
        row = results["mem_per_node"]
        cells = []
        for e in engines:
            tm = row.get(e, {}).get("tm", {})
            rss = row.get(e, {}).get("rss", {})
            if tm.get("status") == "ok":
                cells.append(f"{tm['peak_per_node']:.0f} B")
            elif rss.get("status") == "ok":
                cells.append(f"{rss['rss_per_node']:.0f} B (RSS)")
            else:
                cells.append("n/a")
        ratio = ""
        a, m = row.get("autograd", {}).get("tm", {}), row.get("micrograd", {}).get("tm", {})
        if a.get("status") == "ok" and m.get("status") == "ok":
            ratio = f"{a['peak_per_node'] / m['peak_per_node']:.2f}x the memory"
        lines.append("| mem_per_node (peak bytes/node) | " + " | ".join(cells) + f" | {ratio} |")
    if len(lines) == 2:  # no in-process workload or memory row: drop the empty table
        lines = []
    if "chain_depth" in results:
        lines += (
            ["", *chain_table(results["chain_depth"], engines)]
            if lines
            else [*chain_table(results["chain_depth"], engines)]
        )
    gc = "off (diagnostic)" if results["meta"].get("gc_off") else "on"
    lines.append("")
    lines.append(
        f"Python {results['meta']['python']}, garbage collector {gc}, medians over "
        f"{results['meta']['rounds']} rounds."
    )
    return "\n".join(lines) + "\n"


def chain_table(chain: dict, engines: list[str]) -> list[str]:
    """Largest depth that worked per engine and variant, with build and backward seconds."""
    lines = [
        "| chain variant | engine | max depth | build s | backward s |",
        "|---|---|---|---|---|",
    ]
    for variant, per in chain.items():
        for e in engines:
            p = per.get(e, {})
            d = p.get("max_ok")
            if d is None:
                why = p.get("na") or (p.get("fail") or [None, {}])[1].get("status", "failed")
                lines.append(f"| {variant} | {e} | none | | {why} |")
                continue
            r = p["tries"][str(d)] if str(d) in p["tries"] else p["tries"][d]
            lines.append(
                f"| {variant} | {e} | {d:.0e} | {r['build_s']:.2f} | {r['backward_s']:.2f} |"
            )
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--engines", default="autograd,micrograd,torch,floor")
    ap.add_argument("--workloads", default="mlp_step,wide_sum,ops_mix,ops_mix_basic,mem_per_node")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--gc-off", action="store_true")
    ap.add_argument("--name", help="output file stem (default: gc-on or gc-off)")
    ap.add_argument("--harness", default=str(HARNESS))
    ap.add_argument(
        "--render-only",
        action="store_true",
        help="rewrite the Markdown from the JSON already in results/, run nothing",
    )
    args = ap.parse_args(argv)
    name = args.name or ("gc-off" if args.gc_off else "gc-on")
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    if args.render_only:
        (out / f"{name}.md").write_text(table(json.loads((out / f"{name}.json").read_text())))
        return 0
    cmd = [
        sys.executable,
        args.harness,
        "--engines",
        args.engines,
        "--workloads",
        args.workloads,
        "--rounds",
        str(args.rounds),
        "--json",
        str(out / f"{name}.json"),
    ]
    if args.gc_off:
        cmd.append("--gc-off")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    subprocess.run(cmd, check=True, env=env)
    results = json.loads((out / f"{name}.json").read_text())
    (out / f"{name}.md").write_text(table(results))
    print((out / f"{name}.md").read_text())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
