"""Copies the saved notebooks into the docs tree and writes their index page (zero or more).

Widget players are replaced on the way by the stepper's own self-contained page in an iframe
(see players.py): the site loads nothing from the network and the stepper plays offline.
"""

from __future__ import annotations

import html
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import players

HEADER = """# Notebooks

The notebooks live in `notebooks/` at the top of the repository, each paired with a jupytext
`.py` file. They run top to bottom inside `make test`; here they are shown as saved, outputs
included (a stepper's buttons play here too, without a kernel). To run and change them:

- in this browser, with nothing installed: <a href="../lite/tree/index.html">the notebooks in
  JupyterLite</a> (each page below links to its copy, "run in the browser"); Python there is
  Pyodide, served by this site, and the notebooks draw their plots without matplotlib. Beside
  them, its `student/` folder holds the student versions of notebooks 00 and 07, their
  answers replaced by `raise NotImplementedError()` to fill in (see {doc}`../teaching`);
- on your machine: Jupyter Lab from the project's environment with `make notebooks`;
- or upload one to Google Colab and install this package in its first cell (the README says how).

The <a href="../playground/index.html">playground</a> runs the engine in the browser too.

"""

# Put under each notebook's title: its JupyterLite copy (docs/_scripts/lite.py) and the playground.
RUN_HERE = (
    '<p class="autograd-run"><a href="../lite/notebooks/index.html?path={name}"><strong>Run in '
    "the browser</strong></a> (JupyterLite: this notebook, live, nothing to install) &middot; "
    '<a href="../playground/index.html">the playground</a></p>'
)

FRAME = (
    '<div class="autograd-player"><iframe src="{src}" title="{title}" loading="lazy" '
    'style="width: 100%; height: 640px; border: 1px solid #ccc; border-radius: 4px;">'
    '</iframe><p><a href="{src}">Open the stepper in its own page</a></p></div>'
)


# Notebook 00 (your own Value class, checked) uses closures, the topological order and reflected
# operators, which 01 and 02 teach: the site lists it after 02, labelled so.
AFTER = {"00_build_it_yourself": "02_computation_graphs"}
LABEL = {"00_build_it_yourself": "Build it yourself (after notebooks 01 and 02)"}


def reading_order(stems: list[str]) -> list[str]:
    """The notebooks in the order a learner meets them: by number, then each of ``AFTER``
    moved behind the notebook it needs.

    >>> reading_order(["00_build_it_yourself", "01_a", "02_computation_graphs", "03_b"])
    ['01_a', '02_computation_graphs', '00_build_it_yourself', '03_b']
    """
    order = sorted(stems)
    for stem, after in AFTER.items():
        if stem in order and after in order:
            order.remove(stem)
            order.insert(order.index(after) + 1, stem)
    return order


def toctree(stems: list[str]) -> str:
    """The index page's toctree: the reading order, a notebook met out of its number labelled.

    >>> print(toctree(["00_build_it_yourself", "02_computation_graphs"]))
    ```{toctree}
    :maxdepth: 1
    <BLANKLINE>
    02_computation_graphs
    Build it yourself (after notebooks 01 and 02) <00_build_it_yourself>
    ```
    <BLANKLINE>
    """
    entries = [f"{LABEL[s]} <{s}>" if s in LABEL else s for s in reading_order(stems)]
    return "```{toctree}\n:maxdepth: 1\n\n" + "\n".join(entries) + "\n```\n"


def collect(source: Path, target: Path, static: Path | None = None) -> list[str]:
    """Copy ``source/*.ipynb`` into ``target`` and write ``target/index.md``; return the stems.

    Players are written under ``static`` (``<docs>/_static/generated/players`` by default).
    """
    if target.exists():
        shutil.rmtree(target)  # a notebook removed upstream must not linger in the site
    target.mkdir(parents=True)
    static = static or target.parent / "_static" / "generated" / "players"
    if static.exists():
        shutil.rmtree(static)
    stems = []
    for nb in sorted(source.glob("*.ipynb")):
        notebook = json.loads(nb.read_text(encoding="utf-8"))
        if players.widget_cells(notebook):
            pages = _player_pages(nb, static)
            notebook = offline(notebook, pages, f"../_static/generated/{static.name}")
        notebook = with_run_link(notebook, nb.name)
        (target / nb.name).write_text(json.dumps(notebook, indent=1), encoding="utf-8")
        stems.append(nb.stem)
    body = toctree(stems) if stems else "No notebook has been added to `notebooks/` yet.\n"
    (target / "index.md").write_text(HEADER + body, encoding="utf-8")
    return stems


def with_run_link(notebook: dict[str, Any], name: str) -> dict[str, Any]:
    """The notebook with a "run in the browser" link as its second cell (after the title)."""
    link = {
        "cell_type": "markdown",
        "id": "autograd-run-in-the-browser",  # nbformat 4.5 cells have an id (else a warning)
        "metadata": {},
        "source": [RUN_HERE.format(name=html.escape(name, quote=True))],
    }
    cells = notebook.get("cells")
    if not cells:
        return notebook
    return {**notebook, "cells": [*cells[:1], link, *cells[1:]]}


def _player_pages(nb: Path, static: Path) -> dict[int, list[str]]:
    """Run players.py on one notebook in a fresh process (its code must not touch Sphinx's)."""
    done = subprocess.run(
        [sys.executable, str(Path(players.__file__)), str(nb), str(static)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"docs: running {nb.name} for its players failed:\n{done.stderr}")
    return {int(k): v for k, v in json.loads(done.stdout.splitlines()[-1]).items()}


def offline(notebook: dict[str, Any], pages: dict[int, list[str]], url: str) -> dict[str, Any]:
    """The notebook with each widget view replaced by an iframe of its page, widget state gone.

    >>> cell = {"cell_type": "code", "source": "", "metadata": {},
    ...         "outputs": [{"output_type": "display_data", "metadata": {},
    ...                      "data": {players.WIDGET: {}, "text/plain": "VBox()"}}]}
    >>> nb = offline({"cells": [cell], "metadata": {"widgets": {}}}, {0: ["p.html"]}, "s")
    >>> "widgets" in nb["metadata"], list(nb["cells"][0]["outputs"][0]["data"])
    (False, ['text/html'])
    """
    notebook = json.loads(json.dumps(notebook))  # a copy
    notebook["metadata"].pop("widgets", None)
    for index, cell in enumerate(notebook["cells"]):
        names = iter(pages.get(index, []))
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if players.WIDGET not in data:
                continue
            name = next(names, None)
            if name is None:
                raise RuntimeError(f"docs: cell {index} shows a widget but made no player page")
            src = html.escape(f"{url}/{name}", quote=True)
            out["data"] = {"text/html": FRAME.format(src=src, title="backward stepper")}
    return notebook
