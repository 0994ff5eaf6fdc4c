"""The self-contained HTML page a stepper exports: frames, buttons, slider, no network."""

from __future__ import annotations

import html

_STYLE = """
body { font-family: sans-serif; margin: 1em; }
#bar { position: sticky; top: 0; background: #fff; padding: .5em 0; }
#text { font-family: monospace; white-space: pre-wrap; margin: .5em 0; }
.frame svg { max-width: 100%; height: auto; }
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
  document.getElementById("counter").textContent = (at + 1) + " / " + frames.length;
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
const params = new URLSearchParams(location.hash.slice(1));
show(Number(params.get("step") || 0));
for (const name of (params.get("click") || "").split(",").filter(Boolean)) {
  document.getElementById(name).click();
}
"""


def page(title: str, pictures: list[str], info_json: str) -> str:
    """The HTML text: one hidden ``div.frame`` per picture, shown one at a time by the script.

    >>> "frame" in page("t", ["<svg></svg>"], '[{"node": "v0", "text": "a"}]')
    True
    """
    frames = "\n".join(
        f'<div class="frame" data-index="{i}"{" hidden" if i else ""}>{p}</div>'
        for i, p in enumerate(pictures)
    )
    safe = info_json.replace("</", "<\\/")
    n = max(len(pictures) - 1, 0)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>{_STYLE}</style></head>
<body>
<h1>{html.escape(title)}</h1>
<div id="bar">
<button id="first">&#9198; first</button> <button id="prev">&#9664; back</button>
<button id="next">next &#9654;</button> <button id="last">last &#9197;</button>
<input id="slider" type="range" min="0" max="{n}" value="0"> <span id="counter"></span>
<div id="text"></div>
</div>
{frames}
<script type="application/json" id="info">{safe}</script>
<script>{_SCRIPT}</script>
</body></html>
"""
