"""The self-contained HTML page a stepper exports: frames, buttons, slider, key, no network."""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from typing import Any

from .inpage import scripts
from .page_text import PAGE
from .style import printable

_STYLE = """
body { font-family: sans-serif, "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC",
       "Microsoft YaHei", sans-serif; margin: 1em; overflow-wrap: anywhere; }
h1 { font-size: 1.3em; margin: 0 0 .3em; }
#bar { position: sticky; top: 0; background: #fff; padding: .4em 0; border-bottom: 1px solid #ddd; }
#bar button { font-size: 1em; min-width: 5em; min-height: 28px; }
#bar .zoom button { min-width: 2.2em; }
#bar input[type=range] { min-height: 24px; max-width: 100%; }
#key { font-size: .85em; color: #444; margin: .3em 0; }
#key .current { border: 3px dashed #ff3b30; padding: 0 .3em; }
#text { font-family: monospace; font-size: 14px; white-space: pre-wrap; margin: .5em 0;
        background: #f6f6f6; padding: .5em; }
.frame { overflow: auto; max-height: 85vh; }
.frame:focus-visible { outline: 3px solid #1f5fa8; outline-offset: 2px; }
.frame svg { height: auto; }
/* the node this step works on: a thick dashed outline, not only a red one */
g.current > polygon, g.current > ellipse, g.current > path { stroke-dasharray: 8 4; }
@media (prefers-reduced-motion: reduce) { * { scroll-behavior: auto !important; } }
#quiz { border: 2px solid #1f5fa8; padding: .4em .6em; margin: .4em 0; background: #f3f8ff; }
#quiz input { width: 7em; font-size: 1em; margin: 0 .3em; min-height: 28px; }
#quiz .mark[data-mark=right] { color: #1e7b1e; } #quiz .mark[data-mark=wrong] { color: #b00020; }
#quiz button { font-size: 1em; min-height: 28px; }
"""

# Reads #step=N and #click=next,back,... on load so a headless browser can drive the page.
_SCRIPT = r"""
const info = JSON.parse(document.getElementById("info").textContent);
// The page's language: ?lang=zh (or #lang=zh), else the browser's first English or Chinese.
const catalogue = JSON.parse(document.getElementById("page-text").textContent);
const lang = (() => {
  const asked = new URLSearchParams(location.search).get("lang") ||
    new URLSearchParams(location.hash.slice(1)).get("lang");
  const wanted = asked ? [asked] : (navigator.languages || [navigator.language || "en"]);
  const first = wanted.map((l) => String(l).toLowerCase().slice(0, 2)).find((l) => l in catalogue);
  return first || "en";
})();
// A message with its {name} placeholders filled in (text only: it is set with textContent).
function T(key, vars = {}) {
  return catalogue[lang][key].replace(/\{(\w+)\}/g,
    (m, name) => (name in vars ? String(vars[name]) : m));
}
document.documentElement.lang = lang;
for (const e of document.querySelectorAll("[data-i18n]")) e.textContent = T(e.dataset.i18n);
for (const e of document.querySelectorAll("[data-i18n-title]")) e.title = T(e.dataset.i18nTitle);
for (const e of document.querySelectorAll("[data-i18n-label]")) {
  e.setAttribute("aria-label", T(e.dataset.i18nLabel));
}
const quizKey = document.getElementById("quiz-key");
if (quizKey) quizKey.textContent = T("quiz_key", {tolerance: T("tolerance")});
function textOf(k) { return info[k][lang] || info[k].text; }
const frames = Array.from(document.querySelectorAll(".frame"));
frames.forEach((f, k) => f.setAttribute("aria-label", T("frame_label", {k})));
const slider = document.getElementById("slider");
let at = 0;
function show(k) {
  at = Math.max(0, Math.min(frames.length - 1, k));
  frames.forEach((f, j) => { f.hidden = j !== at; });
  slider.value = at;
  document.getElementById("counter").textContent =
    at === 0 ? T("start") : T("step_of", {k: at, n: frames.length - 1});
  document.getElementById("text").textContent = frames.length ? textOf(at) : "";
  document.body.dataset.step = at;
  document.body.dataset.node = frames.length ? info[at].node : "";
  follow();
}
// Keep the current node on screen: scroll the picture sideways, and the page up or down, to
// it. body[data-current-visible] says whether it is now inside the window (the tests read it).
function follow() {
  const frame = frames[at];
  const id = frame ? info[at].node : "";
  const g = id ? Array.from(frame.querySelectorAll("g.node")).find(
    (n) => (n.querySelector("title") || {}).textContent === id) : null;
  if (!g) { delete document.body.dataset.currentVisible; return; }
  let box = g.getBoundingClientRect();
  const room = frame.getBoundingClientRect();
  if (box.left < room.left || box.right > room.right) {
    frame.scrollLeft += box.left - room.left - (room.width - box.width) / 2;
  }
  const top = document.getElementById("bar").getBoundingClientRect().bottom;
  box = g.getBoundingClientRect();
  if (box.top < top || box.bottom > window.innerHeight) {
    window.scrollBy(0, box.top - top - (window.innerHeight - top - box.height) / 2);
  }
  box = g.getBoundingClientRect();
  const inside = box.left >= 0 && box.right <= window.innerWidth &&
    box.top >= 0 && box.bottom <= window.innerHeight;
  document.body.dataset.currentVisible = inside ? "yes" : "no";
}
// Quiz mode: a frame past `reached` opens only when its questions are answered right.
const quizNode = document.getElementById("quiz-data");
const quiz = quizNode ? JSON.parse(quizNode.textContent) : null;
let reached = frames.length - 1;
let asked = [];
if (quiz) {
  for (const qs of quiz.frames) for (const q of qs) q.exact = Number(q.exact);  // "Infinity"
  reached = 0;
  skipUnasked();
}
function skipUnasked() {
  while (reached + 1 < frames.length && quiz.frames[reached + 1].length === 0) reached++;
}
// In the grammar of quiz.read_number (DECIMAL); null when it is no number, as its None.
function readNumber(text) {
  const blanks = /^[ \t\n\r\f\v]+|[ \t\n\r\f\v]+$/g;
  const decimal = /^[+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:e[+-]?[0-9]+)?|inf|infinity|nan)$/i;
  const parts = text.replace(blanks, "").replace(/\u2212/g, "-").replace(/,/g, ".")
    .replace(/\u221e/g, "inf").split("/").map((p) => p.replace(blanks, ""));
  if (parts.length > 2 || !parts.every((p) => decimal.test(p))) return null;
  const numbers = parts.map((p) => {
    const word = p.replace(/^[+-]/, "").toLowerCase();
    const sign = p.startsWith("-") ? -1 : 1;
    return word === "nan" ? NaN : word.startsWith("inf") ? sign * Infinity : Number(p);
  });
  if (numbers.length === 1) return numbers[0];
  return numbers[1] === 0 ? null : numbers[0] / numbers[1];
}
function close(answer, exact) {
  if (answer === null) return false;
  if (!isFinite(answer) || !isFinite(exact)) {  // an infinity or nan: only itself matches
    return answer === exact || (Number.isNaN(answer) && Number.isNaN(exact));
  }
  return Math.abs(answer - exact) <= quiz.atol + quiz.rtol * Math.abs(exact);
}
// What a wrong answer most likely means at this step (quiz.typical_mistakes), or "".
function typical(answer, q) {
  const mistakes = (lang === "zh" && q.mistakes_zh) || q.mistakes || [];
  for (const [wrong, why] of mistakes) if (close(answer, Number(wrong))) return why;
  return "";
}
function score() {
  let right = 0, total = 0;
  for (const qs of quiz.frames) for (const q of qs) {
    if (q.tries || q.revealed) { total++; if (q.solved && q.tries === 1) right++; }
  }
  document.getElementById("score").textContent = T("score", {right, total});
}
function ask() {
  const k = reached + 1;
  asked = quiz.frames[k];
  const panel = document.getElementById("quiz");
  panel.hidden = false;
  document.getElementById("question").textContent = T("question", {step: textOf(k).split("\n")[0]});
  const list = document.getElementById("answers");
  list.replaceChildren();
  asked.forEach((q, i) => {
    const row = document.createElement("div");
    const label = document.createElement("label");
    label.textContent = q.label + " =";
    label.htmlFor = "answer-" + i;
    const input = document.createElement("input");
    input.id = "answer-" + i;
    input.inputMode = "decimal";  // a phone shows its number keyboard
    input.autocomplete = "off";
    input.addEventListener("keydown", (e) => { if (e.key === "Enter") check(); });
    const mark = document.createElement("span");
    mark.className = "mark";
    mark.id = "mark-" + i;
    row.append(label, input, mark);
    list.append(row);
  });
  document.getElementById("check").disabled = false;
  document.getElementById("reveal").disabled = false;
}
function advance() {
  reached++;
  skipUnasked();
  asked = [];
  document.getElementById("check").disabled = true;
  document.getElementById("reveal").disabled = true;
  score();
  show(reached);
}
function check() {
  if (!asked.length) return;
  let all = true;
  asked.forEach((q, i) => {
    const mark = document.getElementById("mark-" + i);
    if (!q.solved) {
      q.tries = (q.tries || 0) + 1;
      q.solved = close(readNumber(document.getElementById("answer-" + i).value), q.exact);
    }
    mark.dataset.mark = q.solved ? "right" : "wrong";
    const written = document.getElementById("answer-" + i).value;
    const typed = readNumber(written);
    const why = q.solved ? "" : typical(typed, q);
    mark.textContent = q.solved ? T("right")
      : typed === null && written.trim() ? T("not_number")
      : why ? T("wrong_because", {why}) : T("try_again");
    all = all && q.solved;
  });
  score();
  if (all) advance();
}
function reveal() {
  if (!asked.length) return;
  asked.forEach((q, i) => {
    if (!q.solved) {
      q.revealed = true;
      const mark = document.getElementById("mark-" + i);
      mark.dataset.mark = "shown";
      mark.textContent = T("it_is", {value: String(Number(q.exact.toPrecision(4)))});
    }
  });
  advance();
}
function go(k) {
  k = Math.max(0, Math.min(frames.length - 1, k));
  if (quiz && k > reached) {
    if (!asked.length) ask();
    k = reached;
  }
  show(k);
}
if (quiz) {
  document.getElementById("check").addEventListener("click", check);
  document.getElementById("reveal").addEventListener("click", reveal);
}
document.getElementById("prev").addEventListener("click", () => go(at - 1));
document.getElementById("next").addEventListener("click", () => go(at + 1));
document.getElementById("first").addEventListener("click", () => go(0));
document.getElementById("last").addEventListener("click", () => go(frames.length - 1));
slider.addEventListener("input", () => go(Number(slider.value)));
document.addEventListener("keydown", (e) => {
  if (e.target.tagName === "INPUT" && e.target.type !== "range") return;
  if (e.key === "ArrowRight" && e.target.className !== "frame") go(at + 1);
  if (e.key === "ArrowLeft" && e.target.className !== "frame") go(at - 1);
  if (e.key === "+" || e.key === "=") zoomBy(1.25);
  if (e.key === "-") zoomBy(1 / 1.25);
});
// Fit a wide picture to the window, but never shrink its 11-point text below 10 pixels:
// scroll sideways instead (touch, or the arrow keys once the picture has the focus). The
// zoom buttons (and + -) scale it further: no dragging needed.
let zoom = 1;
function fit() {
  const room = document.body.clientWidth;
  for (const svg of document.querySelectorAll(".frame svg")) {
    const w = svg.width.baseVal.value;
    svg.style.width = Math.min(w, Math.max(room, w * 0.7)) * zoom + "px";
  }
  document.getElementById("zoom-level").textContent = Math.round(100 * zoom) + "%";
}
function zoomBy(factor) { zoom = Math.max(0.3, Math.min(4, zoom * factor)); fit(); follow(); }
document.getElementById("zoom-in").addEventListener("click", () => zoomBy(1.25));
document.getElementById("zoom-out").addEventListener("click", () => zoomBy(1 / 1.25));
document.getElementById("zoom-reset").addEventListener("click", () => {
  zoom = 1; fit(); follow();
});
window.addEventListener("resize", () => { fit(); follow(); });  // also once drawn in the page
fit();
const params = new URLSearchParams(location.hash.slice(1));
show(Number(params.get("step") || 0));
if (quiz && reached + 1 < frames.length) ask();
// Each item presses a button, or with "id:text" types text into a field (a quiz answer).
for (const item of (params.get("click") || "").split(",").filter(Boolean)) {
  const at = item.indexOf(":");
  if (at < 0) document.getElementById(item).click();
  else document.getElementById(item.slice(0, at)).value = item.slice(at + 1);
}
"""

QUIZ_KEY = PAGE["en"]["quiz_key"]


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


def page(
    title: str,
    pictures: Sequence[str],
    info: Sequence[Mapping[str, str]],
    quiz: Mapping[str, Any] | None = None,
    renderer: bool = False,
) -> str:
    """The HTML text: one hidden ``div.frame`` per picture, shown one at a time by the script.

    ``info`` holds, per frame, the id of the highlighted node and the text shown above it.
    ``quiz`` (from :meth:`autograd.viz.quiz.Quiz.payload`) turns on quiz mode: a frame opens
    only after its gradients are answered (or revealed), and a score is kept. ``renderer``
    embeds the wasm Graphviz that draws pictures given as ``<pre class="dot">`` in the page.

    >>> text = page("a <b>", ["<svg></svg>"], [{"node": "", "text": "start"}])
    >>> "<h1>a &lt;b&gt;</h1>" in text and 'class="frame"' in text
    True
    """
    frames = "\n".join(
        f'<div class="frame" data-index="{i}" tabindex="0" role="region" '
        f'aria-label="the graph at frame {i} (scrolls; + and - zoom)"'
        f"{' hidden' if i else ''}>{p}</div>"
        for i, p in enumerate(pictures)
    )
    n = max(len(pictures) - 1, 0)
    t = html.escape(printable(title))
    en = {k: html.escape(v) for k, v in PAGE["en"].items()}
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{t}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>{_STYLE}</style></head>
<body>
<h1>{t}</h1>
<div id="bar">
{_button("first", "first")}
{_button("prev", "back")}
{_button("next", "next")}
{_button("last", "last")}
<input id="slider" type="range" min="0" max="{n}" value="0" aria-label="{en["slider"]}"
 data-i18n-label="slider">
<span id="counter"></span>
<span class="zoom"><button id="zoom-out" aria-label="{en["zoom_out"]}"
 data-i18n-label="zoom_out">&minus;</button>
<button id="zoom-in" aria-label="{en["zoom_in"]}" data-i18n-label="zoom_in">+</button>
<button id="zoom-reset" aria-label="{en["zoom_fit"]}" data-i18n-label="zoom_fit"
 data-i18n="fit">{en["fit"]}</button>
<span id="zoom-level"></span></span>
<div id="key"><span class="current" data-i18n="key_current">{en["key_current"]}</span><span
 data-i18n="key_rest">{en["key_rest"]}</span></div>
<div id="text" aria-live="polite"></div>
{_quiz_panel(quiz)}</div>
{frames}
<script type="application/json" id="info">{script_json(list(info))}</script>
<script type="application/json" id="page-text">{script_json(PAGE)}</script>
{"" if quiz is None else _quiz_data(quiz)}{scripts() if renderer else ""}<script>{_SCRIPT}</script>
</body></html>
"""


def _quiz_panel(quiz: Mapping[str, Any] | None) -> str:
    if quiz is None:
        return ""
    key = html.escape(QUIZ_KEY.format(tolerance=quiz["tolerance"]))
    en = PAGE["en"]
    score = html.escape(en["score"].format(right=0, total=0))
    return f"""<div id="quiz" hidden>
<div id="question"></div>
<div id="answers"></div>
<button id="check" disabled data-i18n="check">{html.escape(en["check"])}</button>
<button id="reveal" disabled title="{html.escape(en["reveal_title"])}" data-i18n="reveal"
 data-i18n-title="reveal_title">{html.escape(en["reveal"])}</button>
<span id="score" role="status">{score}</span>
<div class="quiz-key"><small id="quiz-key">{key}</small></div>
</div>
"""


def _button(id_: str, key: str) -> str:
    en = PAGE["en"]
    return (
        f'<button id="{id_}" title="{html.escape(en[key + "_title"])}" data-i18n="{key}" '
        f'data-i18n-title="{key}_title">{html.escape(en[key])}</button>'
    )


def _quiz_data(quiz: Mapping[str, Any]) -> str:
    return f'<script type="application/json" id="quiz-data">{script_json(dict(quiz))}</script>\n'
