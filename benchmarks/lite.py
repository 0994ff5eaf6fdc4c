"""The notebooks' JupyterLite site, measured (needs `make docs`; builds the site once more):

- the build: `docs/_scripts/lite.py` into a scratch folder, with the PyPI wheels already in the
  build's cache (the first build also downloads them: about 10 MB);
- the site's size: the `lite/` folder of the built docs;
- the cold start: headless Chromium with a new profile (nothing cached) on 127.0.0.1, from
  navigation to notebook 01's first code cell executed (JupyterLab loaded, Pyodide started, the
  wheels installed, the cell run), median of 3 runs; then the rest of notebook 01 run;
- notebook 01 run top to bottom by Jupyter's nbconvert in native CPython, for comparison.

    .venv/bin/python benchmarks/lite.py     # writes benchmarks/results/lite.*
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the DevTools-protocol client of the browser tests

from cdp import Browser  # noqa: E402

from autograd.web.serve import start  # noqa: E402

SITE = ROOT / "docs" / "_build" / "html"
OUT = ROOT / "benchmarks" / "results"
DOCS_PYTHON = ROOT / ".venv-docs" / "bin" / "python"
NOTEBOOK = "01_forward_backward.ipynb"
COLD_RUNS = 3
CODE = "[...jupyterapp.shell.currentWidget.content.model.cells].filter(c => c.type === 'code')"


def build_seconds() -> float:
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        subprocess.run(
            [DOCS_PYTHON, ROOT / "docs" / "_scripts" / "lite.py", Path(tmp) / "lite"],
            check=True,
            capture_output=True,
        )
        return time.perf_counter() - t


def cold_start(url: str) -> tuple[float, float]:
    """(seconds from navigation to the first code cell executed, then to the last)."""
    with Browser() as b:  # a new profile each time: a cold cache
        t = time.perf_counter()
        b.open(url)
        b.wait("document.querySelector('.jp-Cell') && !!jupyterapp.shell.currentWidget", 120)
        b.pump(1)  # as tests/web/test_lite.py: run-all asked earlier may never be answered
        # the first code cell alone (run-all would show every cell's count at once)
        b.js("""(() => {
          const nb = jupyterapp.shell.currentWidget.content;
          nb.activeCellIndex = [...nb.model.cells].findIndex(c => c.type === 'code');
          return jupyterapp.commands.execute('notebook:run-cell').then(() => 1);
        })()""")
        b.wait(f"{CODE}[0].executionCount", 300)
        first = time.perf_counter() - t
        b.js("jupyterapp.commands.execute('notebook:run-all-cells').then(() => 1)")
        b.wait(f"{CODE}.every(c => c.executionCount > 1)", 300)
        return first, time.perf_counter() - t


def native_seconds() -> float:
    jupyter = ROOT / ".venv" / "bin" / "jupyter"
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        subprocess.run(
            [jupyter, "nbconvert", "--to", "notebook", "--execute", "--output-dir", tmp,
             ROOT / "notebooks" / NOTEBOOK],
            check=True, capture_output=True,
        )  # fmt: skip
        return time.perf_counter() - t


def size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def main() -> None:
    build = build_seconds()
    server = start(SITE)
    url = f"http://127.0.0.1:{server.server_port}/lite/notebooks/index.html?path={NOTEBOOK}"
    try:
        runs = [cold_start(url) for _ in range(COLD_RUNS)]
    finally:
        server.shutdown()
    native = native_seconds()
    pyodide = SITE / "lite" / "static" / "pyodide"
    wheels = sum(p.stat().st_size for p in pyodide.glob("*.whl"))
    result = {
        "build_s": build,
        "first_cell_cold_s": [r[0] for r in runs],
        "first_cell_cold_median_s": statistics.median(r[0] for r in runs),
        "notebook_cold_median_s": statistics.median(r[1] for r in runs),
        "notebook_native_s": native,
        "lite_bytes": size(SITE / "lite"),
        "runtime_bytes": size(pyodide) - wheels,
        "wheels_bytes": wheels,
        "python": sys.version.split()[0],
    }
    (OUT / "lite.json").write_text(json.dumps(result, indent=1) + "\n")
    mb = 1e6
    notebook, python = result["notebook_cold_median_s"], result["python"]
    rows = [
        ("build (`docs/_scripts/lite.py`, PyPI wheels cached)", f"{build:.0f} s"),
        ("the site (`lite/`)", f"{result['lite_bytes'] / mb:.1f} MB"),
        ("of which the Pyodide runtime", f"{result['runtime_bytes'] / mb:.1f} MB"),
        ("of which the wheels it serves", f"{wheels / mb:.1f} MB"),
        (
            f"cold start to notebook 01's first cell executed (median of {COLD_RUNS})",
            f"{result['first_cell_cold_median_s']:.1f} s",
        ),
        ("cold start to notebook 01 run top to bottom", f"{notebook:.1f} s"),
        (
            f"notebook 01 by nbconvert in native CPython {python} (kernel start included)",
            f"{native:.1f} s",
        ),
    ]
    table = "| measure | value |\n| --- | --- |\n" + "".join(f"| {a} | {b} |\n" for a, b in rows)
    (OUT / "lite.md").write_text(table)
    print(table)


if __name__ == "__main__":
    main()
