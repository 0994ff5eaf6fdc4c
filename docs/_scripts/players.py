"""Stand-alone stepper pages for the notebooks' widget players, so the site plays them offline.

A saved notebook keeps an ipywidgets player only as a reference to a live kernel: on a static
page it is blank (and the widget manager would be fetched from a CDN). This script runs a
notebook's code cells in order, in its own process, and where a cell calls a stepper's
``play()`` it writes that stepper's self-contained page (``to_html``) instead.

    python players.py NOTEBOOK.ipynb OUTDIR   # prints {"cell index": ["page.html", ...]}
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
from pathlib import Path
from typing import Any

WIDGET = "application/vnd.jupyter.widget-view+json"


def widget_cells(notebook: dict[str, Any]) -> list[int]:
    """Indices of the code cells whose saved outputs include a widget view."""
    return [
        i
        for i, cell in enumerate(notebook.get("cells", []))
        if any(WIDGET in out.get("data", {}) for out in cell.get("outputs", []))
    ]


def write_pages(path: Path, outdir: Path) -> dict[int, list[str]]:
    """Run the notebook's code up to its last widget cell; one page per ``play()`` call."""
    from autograd.viz import BackwardStepper, ForwardStepper

    notebook = json.loads(path.read_text(encoding="utf-8"))
    wanted = widget_cells(notebook)
    if not wanted:
        return {}
    outdir.mkdir(parents=True, exist_ok=True)
    pages: dict[int, list[str]] = {}
    current = [0]

    def play(stepper: Any, **options: Any) -> None:
        names = pages.setdefault(current[0], [])
        name = f"{path.stem}-cell{current[0]}-{len(names)}.html"
        stepper.to_html(str(outdir / name), **options)
        names.append(name)

    for cls in (BackwardStepper, ForwardStepper):
        cls.play = play  # type: ignore[method-assign]  # this process only runs the notebook
    namespace: dict[str, Any] = {"__name__": "__main__"}
    os.chdir(path.parent)
    for index, cell in enumerate(notebook["cells"][: max(wanted) + 1]):
        if cell["cell_type"] != "code":
            continue
        current[0] = index
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile("".join(cell["source"]), f"{path.name}[{index}]", "exec"), namespace)
    return pages


if __name__ == "__main__":
    os.environ.setdefault("MPLBACKEND", "Agg")
    found = write_pages(Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve())
    print(json.dumps({str(k): v for k, v in found.items()}))
