"""The built site (``make docs``): nothing from the network, the right languages, readable
drawings and a stepper that plays, checked in the files and in headless Chromium at 1280 px.

Needs ``docs/_build/html``: ``make docs-check`` builds it and runs this file (.ci/run does).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

SITE = Path(__file__).resolve().parents[2] / "docs" / "_build" / "html"
pytestmark = [
    pytest.mark.docs_site,
    pytest.mark.skipif(
        not (SITE / "index.html").exists(), reason="docs not built: run `make docs-check`"
    ),
]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed")
MIN_TEXT_PX = 10.0
WIDTH = 1280


class Resources(HTMLParser):
    """What a page makes the browser load: scripts, styles, images, frames (not plain links)."""

    def __init__(self) -> None:
        super().__init__()
        self.loads: list[str] = []
        self.lang: str | None = None
        self.style_text: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.lang = a.get("lang")
        if tag == "link" and a.get("rel", "") not in (
            "next",
            "prev",
            "index",
            "search",
            "canonical",
        ):
            self.loads.append(a.get("href", ""))
        for attr in ("src", "data", "poster"):
            if attr in a and tag in (
                "script",
                "img",
                "iframe",
                "embed",
                "object",
                "source",
                "video",
                "audio",
                "input",
                "track",
            ):
                self.loads.append(a[attr])
        if "srcset" in a:
            self.loads += [part.split()[0] for part in a["srcset"].split(",") if part.strip()]
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.style_text.append(data)


def external(url: str) -> bool:
    return bool(
        urlparse(url).scheme in ("http", "https", "ftp", "ws", "wss") or url.startswith("//")
    )


CSS_URL = re.compile(r"""(?:@import\s+|url\()\s*['"]?((?:https?:)?//[^'")\s]+)""", re.I)


def pages() -> list[Path]:
    return sorted(SITE.rglob("*.html"))


def parse(page: Path) -> Resources:
    found = Resources()
    found.feed(page.read_text(encoding="utf-8"))
    return found


def test_no_page_loads_anything_from_the_network() -> None:
    assert len(pages()) > 10 and any("players" in p.parts for p in pages())
    offenders = {}
    for page in pages():
        found = parse(page)
        bad = [u for u in found.loads if external(u)]
        bad += CSS_URL.findall("".join(found.style_text))
        if bad:
            offenders[str(page.relative_to(SITE))] = bad
    for css in SITE.rglob("*.css"):
        bad = [u for u in CSS_URL.findall(css.read_text(encoding="utf-8")) if "w3.org" not in u]
        if bad:
            offenders[str(css.relative_to(SITE))] = bad
    assert offenders == {}


def test_the_checker_sees_external_resources() -> None:
    found = Resources()
    found.feed(
        '<html lang="en"><script src="https://cdn.example/x.js"></script>'
        '<link rel="stylesheet" href="//fonts.example/a.css"><a href="https://ok.example">x</a>'
        "<style>@import url(https://fonts.example/b.css);</style></html>"
    )
    loads = [u for u in found.loads if external(u)] + CSS_URL.findall("".join(found.style_text))
    assert loads == [
        "https://cdn.example/x.js",
        "//fonts.example/a.css",
        "https://fonts.example/b.css",
    ]


def test_every_local_resource_exists() -> None:
    missing = []
    for page in pages():
        for url in parse(page).loads:
            parts = urlparse(url)
            if external(url) or parts.scheme in ("data", "mailto", "javascript") or not parts.path:
                continue
            if not (page.parent / unquote(parts.path)).exists():
                missing.append(f"{page.relative_to(SITE)}: {url}")
    assert missing == []


def test_pages_declare_their_language() -> None:
    for page in pages():
        rel = page.relative_to(SITE)
        if "players" in rel.parts:
            continue
        want = "zh" if rel.parts[0] == "zh" else "en"
        assert parse(page).lang == want, rel


def test_no_notebook_page_keeps_a_widget_that_needs_a_kernel() -> None:
    for page in (SITE / "notebooks").glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "application/vnd.jupyter.widget" not in text, page.name
        assert "require.js" not in text and "embed-amd" not in text, page.name
    assert "<iframe" in (SITE / "notebooks" / "02_computation_graphs.html").read_text()


# In Chromium ---------------------------------------------------------------------------------

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--hide-scrollbars",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND",  # offline: any network fetch fails
    "--virtual-time-budget=5000",
]

MEASURE = """<script>
window.addEventListener("load", () => {
  const out = [];
  for (const img of document.querySelectorAll("article img")) {
    const box = img.getBoundingClientRect();
    const link = img.closest("a");
    out.push({src: img.getAttribute("src"), width: box.width, natural: img.naturalWidth,
              link: link ? link.getAttribute("href") : null});
  }
  document.body.setAttribute("data-measure", JSON.stringify(out));
});
</script>"""


def chromium(url: str, tmp_path: Path, size: str = f"{WIDTH},900") -> str:
    profile = tmp_path / f"profile-{abs(hash(url))}"
    done = subprocess.run(
        [
            CHROMIUM,
            *FLAGS,
            f"--user-data-dir={profile}",
            f"--window-size={size}",
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return done.stdout


def measured(page: Path, tmp_path: Path) -> list[dict]:
    """Each drawing's rendered width at 1280 px, from a copy of the page with MEASURE added."""
    probe = page.with_name(f"_probe_{page.name}")  # same folder: relative links still work
    probe.write_text(page.read_text(encoding="utf-8").replace("</body>", MEASURE + "</body>"))
    try:
        dom = chromium(probe.as_uri(), tmp_path)
    finally:
        probe.unlink()
    found = re.search(r'data-measure="([^"]*)"', dom)
    assert found, f"{page.name}: the measuring script did not run"
    return json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))


def smallest_text(svg: Path) -> tuple[float, float]:
    """(smallest font-size, viewBox width) of an SVG drawing, in its own units."""
    root = ET.parse(svg).getroot()
    view_width = float(root.get("viewBox", "0 0 0 0").split()[2])
    sizes = [float(e.get("font-size")) for e in root.iter() if e.get("font-size")]
    return min(sizes), view_width


DRAWN = ["index.html", "tutorial.html", "zh/tutorial.html", "concepts.html"]


@needs_chromium
@pytest.mark.parametrize("name", DRAWN)
def test_engine_drawings_are_readable_at_1280_px(name: str, tmp_path: Path) -> None:
    page = SITE / name
    drawings = [d for d in measured(page, tmp_path) if d["src"].endswith(".svg")]
    assert drawings, f"{name} shows no engine drawing"
    for d in drawings:
        svg = (page.parent / d["src"]).resolve()
        font, view_width = smallest_text(svg)
        px = font * d["width"] / view_width
        assert px >= MIN_TEXT_PX, f"{name}: {svg.name} text {px:.1f} px at {d['width']:.0f} px wide"
        assert d["link"] == d["src"], f"{name}: {svg.name} does not open at full size on click"


@needs_chromium
def test_big_notebook_drawings_open_full_size_or_are_readable(tmp_path: Path) -> None:
    page = SITE / "notebooks" / "03_training_an_mlp.html"
    drawings = [d for d in measured(page, tmp_path) if d["src"].endswith(".svg")]
    assert drawings
    for d in drawings:
        font, view_width = smallest_text((page.parent / d["src"]).resolve())
        px = font * d["width"] / view_width
        assert px >= MIN_TEXT_PX or d["link"] == d["src"], f"{d['src']}: {px:.1f} px, no link"


@needs_chromium
def test_the_notebook_stepper_plays_offline(tmp_path: Path) -> None:
    players = sorted((SITE / "_static" / "generated" / "players").glob("*.html"))
    assert players
    steps = []
    for fragment in ("step=0", "click=next,next"):
        dom = chromium(f"{players[0].as_uri()}#{fragment}", tmp_path, size="1280,800")
        found = re.search(r'<body[^>]*data-step="(\d+)"', dom)
        nodes = re.search(r'<body[^>]*data-node="([^"]*)"', dom)
        assert found and nodes, "the player's script did not run"
        steps.append((int(found.group(1)), nodes.group(1)))
    assert steps[0][0] == 0 and steps[1][0] == 2 and steps[1][1] != steps[0][1]


WIDTH_PROBE = """<script>
window.addEventListener("load", () => {
  const root = document.documentElement;
  const wide = Array.from(document.querySelectorAll("body *")).filter(
    (e) => e.getBoundingClientRect().right > window.innerWidth + 1 &&
      !e.closest("pre, .highlight, .frame, .mobile-header, .sidebar-drawer, .toc-drawer"));
  document.body.setAttribute("data-width",
    JSON.stringify({page: root.scrollWidth, window: window.innerWidth,
                    first: wide.length ? wide[0].outerHTML.slice(0, 120) : ""}));
});
</script>"""

PAGES = (
    sorted(
        str(p.relative_to(SITE))
        for p in SITE.glob("**/*.html")
        # JupyterLite's pages run only when served: tests/web/test_lite.py measures them
        if not p.name.startswith("_probe_") and not {"_modules", "lite"} & set(p.parts)
    )
    if SITE.exists()
    else []
)


@needs_chromium
@pytest.mark.parametrize("name", PAGES)
def test_no_page_is_wider_than_the_window_at_1280_px(name: str, tmp_path: Path) -> None:
    """A page that makes the window scroll sideways hides what is past its right edge (once:
    exercises.html was 2,065 px wide, its statements cut after "n4.grad ="). Wide code and
    drawings scroll inside their own boxes instead."""
    page = SITE / name
    probe = page.with_name(f"_probe_{page.name}")
    probe.write_text(page.read_text(encoding="utf-8").replace("</body>", WIDTH_PROBE + "</body>"))
    try:
        dom = chromium(probe.as_uri(), tmp_path, size=f"{WIDTH},900")
    finally:
        probe.unlink()
    found = re.search(r'data-width="([^"]*)"', dom)
    assert found, f"{name}: the measuring script did not run"
    got = json.loads(html_unescape(found.group(1)))
    assert got["page"] <= got["window"], f"{name}: {got['page']} px wide; first: {got['first']}"


def html_unescape(text: str) -> str:
    import html

    return html.unescape(text)
