"""The exported HTML page, opened in headless Chromium: stepping changes the highlighted node."""

import shutil
import subprocess
from html.parser import HTMLParser

import pytest
from graphs import neuron

from autograd.viz import BackwardStepper
from autograd.viz import rendering as viz_render

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class VisibleFrame(HTMLParser):
    """Collects, from a dumped DOM, the titles of highlighted nodes in the visible frame."""

    def __init__(self):
        super().__init__()
        self.depth = 0  # > 0 while inside the visible frame
        self.in_current = 0
        self.in_title = False
        self.current: list[str] = []
        self.step = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "body":
            self.step = a.get("data-step")
        if tag == "div" and "frame" in (a.get("class") or "").split() and "hidden" not in a:
            self.depth = 1
        elif self.depth:
            self.depth += tag not in ("br",)
            if tag == "g" and "current" in (a.get("class") or "").split():
                self.in_current = self.depth
            self.in_title = tag == "title" and self.in_current > 0

    def handle_endtag(self, tag):
        if self.depth:
            if self.in_current == self.depth:
                self.in_current = 0
            self.depth -= 1
            self.in_title = False

    def handle_data(self, data):
        if self.in_title and data.strip():
            self.current.append(data.strip())


def dump(tmp_path, page, fragment):
    profile = tmp_path / f"profile-{fragment.replace(',', '-').replace('=', '-')}"
    out = subprocess.run(
        [
            CHROMIUM,
            *FLAGS,
            f"--user-data-dir={profile}",
            "--dump-dom",
            f"{page.as_uri()}#{fragment}",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    parser = VisibleFrame()
    parser.feed(out.stdout)
    return parser


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot not installed")
def test_clicking_next_and_back_moves_the_highlight(tmp_path):
    y, _ = neuron()
    s = BackwardStepper(y)
    page = tmp_path / "steps.html"
    s.to_html(str(page))
    expected = [s.ids[step.node] for step in s.steps]
    assert expected == ["v5", "v4", "v2"]
    first = dump(tmp_path, page, "step=0")
    assert (first.step, first.current) == ("0", ["v5"])
    two = dump(tmp_path, page, "click=next,next")
    assert (two.step, two.current) == ("2", ["v2"])
    back = dump(tmp_path, page, "click=last,prev")
    assert (back.step, back.current) == ("1", ["v4"])


def test_page_is_self_contained_and_falls_back_to_dot_text(tmp_path, monkeypatch):
    y, _ = neuron()
    monkeypatch.setattr(viz_render.shutil, "which", lambda name: None)
    text = BackwardStepper(y).to_html(str(tmp_path / "p.html"))
    assert text.count('<div class="frame"') == 3 and text.count("<pre>digraph autograd") == 3
    assert "http://" not in text.replace("http://www.w3.org", "") and "https://" not in text
    with pytest.raises(ValueError, match="max_frames"):
        BackwardStepper(y).to_html(max_frames=2)
