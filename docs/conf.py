"""Sphinx configuration: furo theme, MyST Markdown, notebooks via myst-nb, engine-drawn diagrams."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(ROOT))  # the package itself, without needing an install
sys.path.insert(0, str(DOCS / "_scripts"))

import diagrams  # noqa: E402
import exercises  # noqa: E402

import autograd  # noqa: E402
import notebooks  # noqa: E402

project = "autograd"
author = "the autograd developers"
copyright = "2026, the autograd developers"
release = version = autograd.__version__

extensions = [
    "myst_nb",  # registers the MyST Markdown parser too, and reads .ipynb files
    "sphinx.ext.autodoc",
    "sphinx.ext.viewcode",
    "sphinx-mathjax-offline",  # MathJax copied into the site: formulas render without a network
]
source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}
exclude_patterns = [
    "_build",
    "_generated",
    "_scripts",
    "Thumbs.db",
    ".DS_Store",
    "**.ipynb_checkpoints",
]

myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3

# The notebooks are saved executed (nbmake runs them in `make test`); the docs never run them
# (only the code before a widget player, to write the player's offline page: _scripts/players.py).
nb_execution_mode = "off"
nb_ipywidgets_js: dict[str, dict[str, str]] = {}  # no require.js or widget manager from a CDN

autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "show-inheritance": True}

html_theme = "furo"
html_title = f"autograd {release}"
html_static_path = ["_static"]
html_css_files = ["diagrams.css", "reports.css"]
html_js_files = ["diagrams.js", "a11y.js"]
language = "en"

# The build must not need the network: no intersphinx, nothing fetched.
intersphinx_mapping: dict[str, tuple[str, None]] = {}


def page_language(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """``<html lang>`` of each page: the Chinese pages under zh/ declare zh."""
    if pagename.startswith("zh/"):
        context["language"] = "zh"


def setup(app: Any) -> None:
    """Per-page settings Sphinx has no option for."""
    app.connect("html-page-context", page_language)


# Both run when this file is read, before Sphinx looks for source files: the notebooks must be
# in place as documents, and the diagrams as images.
notebooks.collect(ROOT / "notebooks", DOCS / "notebooks")
diagrams.write_all(DOCS / "_static" / "generated")
exercises.write_all(DOCS / "_generated" / "exercises")  # included, not published
