"""The playground's costs, measured in headless Chromium on 127.0.0.1 (needs `make docs`):

- time to the first drawing from a cold start (a new browser profile: nothing cached), from
  navigation to the first graph drawn, Python started and the wheel installed on the way;
- one training epoch in the page (Pyodide, in the Worker) against native CPython on the same
  machine: the same requests to autograd.web.Session, so the same work (one epoch of
  MLP(2, [16, 16, 1]) on 100 moons points, plus the 24 x 24 boundary grid), and the epoch
  alone (the answer's ``train_ms``: forward, backward and Adam's step over the 100 points);
- how much the site grows: the playground's folder, and the renderer inside the wheel.

    .venv/bin/python benchmarks/playground.py     # writes benchmarks/results/playground.*
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the DevTools-protocol client of the browser tests

from cdp import Browser  # noqa: E402

from autograd.web import Session  # noqa: E402
from autograd.web.serve import start  # noqa: E402

SITE = ROOT / "docs" / "_build" / "html"
OUT = ROOT / "benchmarks" / "results"
TRAIN = {
    "do": "train",
    "dataset": "moons",
    "hidden": "16, 16",
    "activation": "relu",
    "optimiser": "adam",
    "lr": 0.05,
    "points": 100,
}
EPOCHS = 10
COLD_RUNS = 3


def native_epoch() -> tuple[float, float]:
    """Seconds per epoch request, and per epoch alone (the answers' ``train_ms``)."""
    s = Session()
    s.handle(json.dumps(TRAIN))
    alone = []
    t = time.perf_counter()
    for _ in range(EPOCHS):
        alone.append(json.loads(s.handle('{"do": "epoch"}'))["train_ms"] / 1000)
    return (time.perf_counter() - t) / EPOCHS, statistics.mean(alone)


PAGE_EPOCHS = f"""(async () => {{
  await ask({json.dumps(TRAIN)});
  const t = performance.now(), alone = [];
  for (let i = 0; i < {EPOCHS}; i++) alone.push((await ask({{do: "epoch"}})).train_ms / 1000);
  return [(performance.now() - t) / {EPOCHS} / 1000, alone.reduce((a, b) => a + b) / {EPOCHS}];
}})()"""


def size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def main() -> None:
    server = start(SITE)
    url = f"http://127.0.0.1:{server.server_port}/playground/index.html"
    cold, page, page_alone = [], 0.0, 0.0
    try:
        for run in range(COLD_RUNS):
            with Browser() as b:  # a new profile each time: a cold cache
                b.open(url)
                b.wait("document.body.dataset.ready === '1'", 120)
                cold.append(int(b.js("document.body.dataset.firstDrawingMs")) / 1000)
                if run == 0:
                    page, page_alone = b.js(PAGE_EPOCHS)
    finally:
        server.shutdown()
    native, native_alone = native_epoch()
    wheel = next((SITE / "playground" / "wheels").glob("*.whl"))
    renderer = ROOT / "autograd" / "viz" / "vendor" / "viz-global.js"
    result = {
        "first_drawing_cold_s": cold,
        "first_drawing_cold_median_s": statistics.median(cold),
        "epoch_page_s": page,
        "epoch_native_s": native,
        "epoch_ratio": page / native,
        "epoch_alone_page_s": page_alone,
        "epoch_alone_native_s": native_alone,
        "points": TRAIN["points"],
        "playground_bytes": size(SITE / "playground"),
        "site_bytes_without_playground": size(SITE) - size(SITE / "playground"),
        "wheel_bytes": wheel.stat().st_size,
        "renderer_bytes": renderer.stat().st_size,
        "python": sys.version.split()[0],
    }
    (OUT / "playground.json").write_text(json.dumps(result, indent=1) + "\n")
    mb = 1e6
    cold_s, python = result["first_drawing_cold_median_s"], result["python"]
    grows, rest = result["playground_bytes"] / mb, result["site_bytes_without_playground"] / mb
    rows = [
        (f"first drawing, cold start (median of {COLD_RUNS} runs)", f"{cold_s:.1f} s"),
        (
            "one epoch request in the page (Pyodide, Worker): the epoch and the boundary grid",
            f"{page * 1000:.0f} ms",
        ),
        (f"the same epoch in native CPython {python}", f"{native * 1000:.0f} ms"),
        ("page / native", f"{result['epoch_ratio']:.1f}x"),
        ("the epoch alone in the page (no boundary grid)", f"{page_alone * 1000:.0f} ms"),
        (f"the epoch alone in native CPython {python}", f"{native_alone * 1000:.0f} ms"),
        ("page / native, the epoch alone", f"{page_alone / native_alone:.1f}x"),
        ("the site grows by (the playground folder)", f"{grows:.1f} MB (the rest: {rest:.1f} MB)"),
        ("the wheel, with the renderer inside", f"{result['wheel_bytes'] / mb:.2f} MB"),
    ]
    table = "| measure | value |\n| --- | --- |\n" + "".join(f"| {a} | {b} |\n" for a, b in rows)
    (OUT / "playground.md").write_text(table)
    print(table)


if __name__ == "__main__":
    main()
