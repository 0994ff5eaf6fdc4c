"""Drawing DOT in the browser, without Graphviz's ``dot`` program: the pinned wasm renderer.

The package ships ``vendor/viz-global.js`` (the npm package ``@viz-js/viz``: Graphviz compiled
to WebAssembly, inside one script) with its version, checksum and licence in
``vendor/viz-js.json``; ``tests/viz/test_inpage.py`` checks them against ``web/package-lock.json``.
A stepper page embeds that script once, and a notebook's kernel sends it with its first
drawing only; a few lines turn each ``<pre class="dot">`` (DOT text, HTML-escaped) into an SVG
once the renderer is ready.
"""

from __future__ import annotations

import hashlib
import html
import json
from functools import cache
from pathlib import Path

VENDOR = Path(__file__).resolve().parent / "vendor"

# Replaces every <pre class="dot"> by its drawing; marks <body data-drawn> when all are done
# (tests and the page's own layout code wait for it). The DOT text is read as text, never HTML.
_DRAW = r"""
(async function () {
  const viz = await Viz.instance();
  for (const pre of document.querySelectorAll("pre.dot")) {
    try {
      pre.replaceWith(viz.renderSVGElement(pre.textContent));
    } catch (e) {
      pre.title = "could not draw: " + e;
    }
  }
  document.body.dataset.drawn = "1";
  window.dispatchEvent(new Event("resize"));
})();
"""


@cache
def metadata() -> dict[str, str]:
    """Package, version, checksum and licence of the shipped renderer.

    >>> meta = metadata()
    >>> meta["package"], meta["license"]
    ('@viz-js/viz', 'MIT')
    """
    data: dict[str, str] = json.loads((VENDOR / "viz-js.json").read_text(encoding="utf-8"))
    return data


@cache
def renderer() -> str:
    """The renderer's script text, checked against its recorded sha256 before use.

    >>> "Viz.js" in renderer()[:200]
    True
    """
    data = (VENDOR / "viz-global.js").read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != metadata()["sha256"]:
        raise RuntimeError(
            f"autograd/viz/vendor/viz-global.js: sha256 {digest} differs from viz-js.json"
        )
    # A script element ends at the first "</script": the renderer has none, and must not.
    text = data.decode("utf-8")
    if "</script" in text.lower():
        raise RuntimeError("autograd/viz/vendor/viz-global.js contains '</script'")
    return text


def dot_block(dot: str) -> str:
    """DOT text as an escaped ``<pre class="dot">``, which :func:`scripts` turns into SVG.

    >>> dot_block('digraph { a [label="<b>"] }')
    '<pre class="dot">digraph { a [label=&quot;&lt;b&gt;&quot;] }</pre>'
    """
    return f'<pre class="dot">{html.escape(dot)}</pre>'


def scripts() -> str:
    """The renderer and the lines that draw every ``pre.dot`` of the page, as script elements.

    >>> text = scripts()
    >>> text.startswith("<script>") and "renderSVGElement" in text
    True
    """
    return f"<script>{renderer()}</script>\n<script>{_DRAW}</script>\n"


def drawing_html(dot: str, with_renderer: bool = True) -> str:
    """One drawing as an HTML fragment that renders itself in the browser: what a notebook
    shows for ``draw_dot(...)`` where the ``dot`` program is missing.

    Only a fragment made ``with_renderer`` carries the renderer (about 1.3 MB); a kernel sends
    it with its first drawing, and every later fragment (a few hundred bytes beyond its DOT
    text) draws with it once it has loaded, in any front end that runs an output's scripts
    (JupyterLab, Notebook 7, VS Code, Colab) and in a saved notebook reopened there.

    >>> first, later = drawing_html("digraph { a }"), drawing_html("digraph { a }", False)
    >>> first.count('<pre class="dot">'), "Viz.instance" in first, len(later) < 2000
    (1, True, True)
    """
    carried = f"<script>{renderer()}</script><script>{_READY}</script>" if with_renderer else ""
    # Within one output: the fragment draws its own <pre>, found from its script element.
    return (
        f'<div class="autograd-drawing">{dot_block(dot)}{carried}<script>{_DRAW_ONE}</script></div>'
    )


# Run once the renderer's script has run: tells the fragments that wait for it.
_READY = 'window.dispatchEvent(new Event("autograd-viz-ready"));'

# A fragment's own drawing: now if the renderer is on the page, else when it arrives; if it
# never does (the output that carried it was cleared), the fragment says what to do.
_DRAW_ONE = r"""
(function (me) {
  const pre = me.parentElement.querySelector("pre.dot");
  const draw = () => Viz.instance()
    .then((viz) => pre.replaceWith(viz.renderSVGElement(pre.textContent)))
    .catch((e) => { pre.title = "could not draw: " + e; });
  if (window.Viz) { draw(); return; }
  window.addEventListener("autograd-viz-ready", draw, { once: true });
  setTimeout(() => {
    if (window.Viz || !pre.isConnected) return;
    const note = document.createElement("p");
    note.className = "autograd-drawing-note";
    note.textContent = "This drawing waits for the in-page Graphviz, which the kernel's first "
      + "drawing carries: restart the kernel and run the notebook again from the top.";
    pre.before(note);
  }, 20000);
})(document.currentScript);
"""
