"""The self-contained HTML page a stepper exports: frames, buttons, slider, key, no network."""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence

from .style import printable

_STYLE = """
body { font-family: sans-serif; margin: 1em; }
h1 { font-size: 1.3em; margin: 0 0 .3em; }
#bar { position: sticky; top: 0; background: #fff; padding: .4em 0; border-bottom: 1px solid #ddd; }
#bar button { font-size: 1em; min-width: 5em; }
#key { font-size: .85em; color: #444; margin: .3em 0; }
#key .current { border: 3px solid #ff3b30; padding: 0 .3em; }
#text { font-family: monospace; font-size: 14px; white-space: pre-wrap; margin: .5em 0;
        background: #f6f6f6; padding: .5em; }
.frame { overflow-x: auto; }
.frame svg { height: auto; }
"""

# Reads #step=N and #click=next,back,... on load so a headless browser can drive the page.
_SCRIPT = """
const info = JSON.parse(document.getElementById("info").textContent);
const frames = Array.from(document.querySelectorAll(".frame"));
const slider = document.getElementById("slider");
let at = 0;
function show(k) {
  at = Math.max(0, Math.min(frames.length - 1, k));
  frames.forEach((f, j) => { f.hidden = j !== at; });
  slider.value = at;
  document.getElementById("counter").textContent =
    at === 0 ? "start" : "step " + at + " of " + (frames.length - 1);
  document.getElementById("text").textContent = frames.length ? info[at].text : "";
  document.body.dataset.step = at;
  document.body.dataset.node = frames.length ? info[at].node : "";
}
document.getElementById("prev").addEventListener("click", () => show(at - 1));
document.getElementById("next").addEventListener("click", () => show(at + 1));
document.getElementById("first").addEventListener("click", () => show(0));
document.getElementById("last").addEventListener("click", () => show(frames.length - 1));
slider.addEventListener("input", () => show(Number(slider.value)));
document.addEventListener("keydown", (e) => {
  if (e.key === "ArrowRight") show(at + 1);
  if (e.key === "ArrowLeft") show(at - 1);
});
// Fit a wide picture to the window, but never shrink its 11-point text below 10 pixels:
// scroll sideways instead.
function fit() {
  const room = document.body.clientWidth;
  for (const svg of document.querySelectorAll(".frame svg")) {
    const w = svg.width.baseVal.value;
    svg.style.width = Math.min(w, Math.max(room, w * 0.7)) + "px";
  }
}
window.addEventListener("resize", fit);
fit();
const params = new URLSearchParams(location.hash.slice(1));
show(Number(params.get("step") || 0));
for (const name of (params.get("click") || "").split(",").filter(Boolean)) {
  document.getElementById(name).click();
}
"""

KEY = (
    '<span class="current">red outline</span>: the node this step works on; '
    "grad ·: a gradient not computed yet; the legend above each picture names the colours."
)


def script_json(data: object) -> str:
    """JSON safe inside ``<script>``: ``<``, ``>`` and ``&`` as ``\\u`` escapes, so no text
    (``</script>``, ``<!--``) can end or change the script.

    >>> script_json({"text": "<!--<script>"})
    '{"text": "\\\\u003c!--\\\\u003cscript\\\\u003e"}'
    """
    text = json.dumps(data)  # ASCII: lone surrogates and U+2028 arrive as \\u escapes too
    for ch, code in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(ch, code)
    return text


def page(title: str, pictures: Sequence[str], info: Sequence[Mapping[str, str]]) -> str:
    """The HTML text: one hidden ``div.frame`` per picture, shown one at a time by the script.

    ``info`` holds, per frame, the id of the highlighted node and the text shown above it.

    >>> text = page("a <b>", ["<svg></svg>"], [{"node": "", "text": "start"}])
    >>> "<h1>a &lt;b&gt;</h1>" in text and 'class="frame"' in text
    True
    """
    frames = "\n".join(
        f'<div class="frame" data-index="{i}"{" hidden" if i else ""}>{p}</div>'
        for i, p in enumerate(pictures)
    )
    n = max(len(pictures) - 1, 0)
    t = html.escape(printable(title))
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{t}</title>
<style>{_STYLE}</style></head>
<body>
<h1>{t}</h1>
<div id="bar">
<button id="first" title="first frame">&laquo; first</button>
<button id="prev" title="one step back (left arrow)">&lsaquo; back</button>
<button id="next" title="one step on (right arrow)">next &rsaquo;</button>
<button id="last" title="last frame">last &raquo;</button>
<input id="slider" type="range" min="0" max="{n}" value="0" aria-label="frame">
<span id="counter"></span>
<div id="key">{KEY}</div>
<div id="text"></div>
</div>
{frames}
<script type="application/json" id="info">{script_json(list(info))}</script>
<script>{_SCRIPT}</script>
</body></html>
"""
