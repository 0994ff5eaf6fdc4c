"""Copies the saved notebooks into the docs tree and writes their index page (zero or more)."""

from __future__ import annotations

import shutil
from pathlib import Path

HEADER = """# Notebooks

The notebooks live in `notebooks/` at the top of the repository, each paired with a jupytext
`.py` file. They run top to bottom inside `make test`; here they are shown as saved, outputs
included. Open them with `jupyter lab notebooks/` after `pip install -e '.[notebooks]'`.

"""


def collect(source: Path, target: Path) -> list[str]:
    """Copy ``source/*.ipynb`` into ``target`` and write ``target/index.md``; return the stems."""
    if target.exists():
        shutil.rmtree(target)  # a notebook removed upstream must not linger in the site
    target.mkdir(parents=True)
    stems = []
    for nb in sorted(source.glob("*.ipynb")):
        shutil.copy2(nb, target / nb.name)
        stems.append(nb.stem)
    if stems:
        body = "```{toctree}\n:maxdepth: 1\n\n" + "\n".join(stems) + "\n```\n"
    else:
        body = "No notebook has been added to `notebooks/` yet.\n"
    (target / "index.md").write_text(HEADER + body, encoding="utf-8")
    return stems
