"""The built site's own links: every internal link reaches a file, every #anchor an element of
the page it names; reports fit the code column and a shrunk drawing says a click enlarges it.

The site checks need ``docs/_build/html`` (``make docs-check`` builds it and runs them); the
checker itself is tried on a small made-up site in ``make test``.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from test_docs_site import PAGES, SITE, chromium, html_unescape, needs_chromium

built = pytest.mark.skipif(
    not (SITE / "index.html").exists(), reason="docs not built: run `make docs-check`"
)
# JupyterLite's pages are an application with links made at run time (tests/web/test_lite.py).
SKIPPED_FOLDERS = {"lite"}


class Links(HTMLParser):
    """The hrefs of a page's links, and every id (or a's name) an anchor can point to."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and "name" in a:
            self.ids.add(a["name"])
        if tag == "a" and "href" in a:
            self.hrefs.append(a["href"])


def read(page: Path) -> Links:
    found = Links()
    found.feed(page.read_text(encoding="utf-8"))
    return found


def broken_links(site: Path) -> list[str]:
    """Every internal link of every page under ``site`` that reaches no file, or no element
    with the id its #anchor names, as "page -> href (why)"."""
    parsed: dict[Path, Links] = {}

    def links_of(page: Path) -> Links:
        if page not in parsed:
            parsed[page] = read(page)
        return parsed[page]

    broken = []
    for page in sorted(site.rglob("*.html")):
        if SKIPPED_FOLDERS & set(page.relative_to(site).parts):
            continue
        for href in links_of(page).hrefs:
            url = urlparse(href)
            if url.scheme or href.startswith("//") or href.startswith("mailto:"):
                continue  # outside the site (test_docs_site: none is loaded)
            path = unquote(url.path)
            target = (page.parent / path).resolve() if path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{page.relative_to(site)} -> {href} (no such file)")
            elif (
                url.fragment
                and target.suffix == ".html"
                and unquote(url.fragment) not in links_of(target).ids
            ):
                broken.append(f"{page.relative_to(site)} -> {href} (no such anchor)")
    return broken


def test_the_checker_finds_a_missing_page_and_a_missing_anchor(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "index.html").write_text(
        '<a href="sub/a.html#here">ok</a><a href="sub/a.html#gone">anchor</a>'
        '<a href="nowhere.html">page</a><a href="#top">self</a><a href="https://x.org">out</a>'
        '<h1 id="top">T</h1><a href="sub/">folder</a>'
    )
    (tmp_path / "sub" / "a.html").write_text('<section id="here"></section><a href="../">up</a>')
    (tmp_path / "sub" / "index.html").write_text("")
    assert broken_links(tmp_path) == [
        "index.html -> sub/a.html#gone (no such anchor)",
        "index.html -> nowhere.html (no such file)",
    ]


@pytest.mark.docs_site
@built
def test_every_internal_link_and_anchor_of_the_site_resolves() -> None:
    """Once, nine back-links of the highlighted-source pages (``_modules/...``) pointed at
    anchors the API page did not have."""
    assert broken_links(SITE) == []


# Widths inside the page, at 1280 px: each <pre> against its own box, and each drawing against
# the width it is drawn at; a shrunk drawing must have its "click to enlarge" hint shown.
FIT_PROBE = """<script>
window.addEventListener("load", () => setTimeout(() => {
  const wide = [...document.querySelectorAll("article pre")]
    .filter((p) => p.scrollWidth > p.clientWidth + 1)
    .map((p) => p.textContent.split("\\n").reduce((a, b) => (b.length > a.length ? b : a), ""));
  const shrunk = [...document.querySelectorAll("article img")]
    .filter((i) => i.getAttribute("src").endsWith(".svg"))  // drawings, not plots
    .filter((i) => i.naturalWidth > i.getBoundingClientRect().width * 1.05)
    .map((i) => {
      const hint = i.closest("a")?.querySelector(".autograd-enlarge-hint");
      const shown = Boolean(hint) && hint.getClientRects().length > 0;
      return {src: i.getAttribute("src"), hint: shown};
    });
  document.body.setAttribute("data-fit", JSON.stringify({wide, shrunk}));
}, 300));
</script>"""


def fit(name: str, tmp_path: Path) -> dict:
    page = SITE / name
    probe = page.with_name(f"_probe_{page.name}")
    probe.write_text(page.read_text(encoding="utf-8").replace("</body>", FIT_PROBE + "</body>"))
    try:
        dom = chromium(probe.as_uri(), tmp_path)
    finally:
        probe.unlink()
    found = re.search(r'data-fit="([^"]*)"', dom)
    assert found, f"{name}: the measuring script did not run"
    return json.loads(html_unescape(found.group(1)))


DOC_PAGES = [p for p in PAGES if not p.startswith(("_", "search", "genindex", "py-modindex"))]


@needs_chromium
@pytest.mark.docs_site
@built
@pytest.mark.parametrize("name", DOC_PAGES)
def test_reports_fit_the_code_column_and_shrunk_drawings_say_a_click_enlarges(
    name: str, tmp_path: Path
) -> None:
    got = fit(name, tmp_path)
    assert got["wide"] == [], f"{name}: code wider than its column, e.g. {got['wide'][0]!r}"
    assert [d["src"] for d in got["shrunk"] if not d["hint"]] == [], name


@needs_chromium
@pytest.mark.docs_site
@built
def test_a_wide_notebook_drawing_is_shrunk_and_says_so(tmp_path: Path) -> None:
    """Notebook 3's gradient-flow drawing is wider than the column (so the check above has
    something to check): it carries the hint."""
    shrunk = fit("notebooks/03_training_an_mlp.html", tmp_path)["shrunk"]
    assert shrunk and all(d["hint"] for d in shrunk)
