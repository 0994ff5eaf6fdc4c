"""``summary.html``: the class at a glance, in one file that needs nothing installed to open.

The score distribution (an SVG histogram), the root causes across the class (how many students
made each mistake, and the check it cost them), each with the smallest failing graph found in
the class: drawn as SVG by Graphviz's ``dot`` where it is installed, else by the package's
in-page renderer (``autograd.viz.inpage``), embedded in the page. Every text that came from a
submission or a rubric is HTML-escaped; DOT reaches the page only as escaped text or as the SVG
Graphviz made from it.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from typing import Any

from ..viz.inpage import dot_block, scripts

__all__ = ["histogram_svg", "summary_html"]

BINS = 10

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 0 auto; padding: 1rem; max-width: 60rem;
  color: #1b1b1b; line-height: 1.45; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; margin-top: 2rem; }
.bar-row { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 14rem); gap: .5rem;
  align-items: center; margin: .35rem 0; }
.bar { background: #e8eef7; border-radius: 3px; height: 1.1rem; }
.bar span { display: block; height: 100%; background: #2f6db5; border-radius: 3px; }
.cause { border-top: 1px solid #ccc; padding-top: .75rem; margin-top: 1rem; }
.graph { overflow-x: auto; max-width: 100%; }
.graph svg { max-width: 100%; height: auto; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; background: #f6f6f6; padding: .5rem; }
table { border-collapse: collapse; } td, th { padding: .2rem .6rem; text-align: left; }
svg.hist { width: 100%; max-width: 40rem; height: auto; }
"""


def histogram_svg(scores: list[float], most: float) -> str:
    """The score distribution as an SVG of ``BINS`` bars from 0 to ``most``.

    >>> svg = histogram_svg([0, 50, 100, 100], 100)
    >>> svg.startswith("<svg") and svg.count("<rect") == 10
    True
    """
    counts = [0] * BINS
    for s in scores:
        i = min(BINS - 1, int(BINS * s / most)) if most > 0 else 0
        counts[max(0, i)] += 1
    top = max(counts) or 1
    width, height, pad = 400, 180, 24
    bar = (width - 2 * pad) / BINS
    parts = [
        f'<svg class="hist" viewBox="0 0 {width} {height + 30}" role="img" '
        f'aria-label="scores: {", ".join(map(str, counts))} students per tenth of the points">'
    ]
    for i, c in enumerate(counts):
        h = (height - pad) * c / top
        x, y = pad + i * bar, height - h
        parts.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar - 3:.1f}" height="{h:.1f}" '
            f'fill="#2f6db5"><title>{c} students</title></rect>'
        )
        if c:
            parts.append(
                f'<text x="{x + bar / 2:.1f}" y="{y - 4:.1f}" font-size="11" '
                f'text-anchor="middle">{c}</text>'
            )
        parts.append(
            f'<text x="{x:.1f}" y="{height + 16}" font-size="10">{most * i / BINS:g}</text>'
        )
    parts.append(f'<text x="{width - pad:.1f}" y="{height + 28}" font-size="10">{most:g}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _drawing(dot: str) -> tuple[str, bool]:
    """The graph as inline SVG from ``dot`` (True: drawn), or as DOT for the page to draw."""
    if shutil.which("dot"):
        try:
            done = subprocess.run(
                ["dot", "-Tsvg"], input=dot.encode(), capture_output=True, timeout=20
            )
            svg = done.stdout.decode("utf-8", "replace")
            start = svg.find("<svg")
            if done.returncode == 0 and start >= 0:
                return re.sub(r"<!--.*?-->", "", svg[start:], flags=re.DOTALL), True
        except (OSError, subprocess.TimeoutExpired):
            pass
    return dot_block(dot), False


def summary_html(summary: dict[str, Any]) -> str:
    """The page for a summary (``grade_class``'s ``summary.json``).

    >>> page = summary_html({"title": "<b>", "students": 0, "max_score": 100.0, "scores": {},
    ...     "root_causes": [], "zeros": {}, "mean": 0, "median": 0, "wall_seconds": 0})
    >>> "&lt;b&gt;" in page and "<b>" not in page
    True
    """
    e = html.escape
    n, most = summary["students"], summary["max_score"]
    seed = summary.get("seed")
    body = [
        f"<h1>{e(str(summary['title']))}: the class</h1>",
        f"<p>{n} submissions, marked out of {most:g}; mean {summary['mean']:g}, median "
        f"{summary['median']:g}. Random graphs: "
        + (f"seed {e(str(seed))}." if seed is not None else "the judge's fixed ones.")
        + f" Graded in {summary['wall_seconds']:g} s.</p>",
        "<h2>Scores</h2>",
        histogram_svg(list(summary["scores"].values()), most),
        "<h2>Root causes across the class</h2>",
    ]
    causes = summary["root_causes"]
    if not causes:
        body.append("<p>No problems found.</p>")
    needs_renderer = False
    for c in causes:
        pct = 100 * c["share"]
        what = e(c["kind"]) + (f" in <code>{e(c['op'])}</code>" if c["op"] else "")
        body.append(
            f'<div class="bar-row"><div>{pct:.0f}% ({c["students"]}): {what}'
            f'<div class="bar"><span style="width:{pct:.1f}%"></span></div></div>'
            f"<div>{e(c['check'])}</div></div>"
        )
    for i, c in enumerate(causes, 1):
        what = e(c["kind"]) + (f" in <code>{e(c['op'])}</code>" if c["op"] else "")
        body.append(f'<section class="cause"><h2>{i}. {what}</h2>')
        body.append(
            f"<p>{c['students']} of {n} students ({100 * c['share']:.0f}%); costs the check "
            f"“{e(c['check'])}”.</p>"
        )
        if c.get("example"):
            body.append(f"<pre>{e(c['example'])}</pre>")
        if c.get("dot"):
            drawn, done = _drawing(c["dot"])
            needs_renderer = needs_renderer or not done
            body.append(f'<div class="graph">{drawn}</div>')
        body.append("</section>")
    if summary.get("zeros"):
        body.append("<h2>Zero: nothing could be marked</h2><table>")
        body += [
            f"<tr><td>{e(s)}</td><td>{e(why)}</td></tr>" for s, why in summary["zeros"].items()
        ]
        body.append("</table>")
    tail = scripts() if needs_renderer else ""
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{e(str(summary['title']))}: class summary</title>"
        f"<style>{_STYLE}</style></head><body>\n" + "\n".join(body) + f"\n{tail}</body></html>\n"
    )
