"""Drawings without Graphviz's dot program: the shipped wasm renderer is the pinned one, and
pages and notebook outputs that embed it draw in Chromium (driven over the DevTools protocol)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from cdp import CHROMIUM, Browser
from graphs import neuron

from autograd.viz import BackwardStepper, draw_dot, inpage
from autograd.viz import rendering as viz_render

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "web" / "package-lock.json"
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")


def test_the_shipped_renderer_is_the_one_the_lock_file_pins():
    meta = inpage.metadata()
    locked = json.loads(LOCK.read_text())["packages"]["node_modules/" + meta["package"]]
    assert meta["version"] == locked["version"] and meta["license"] == locked["license"] == "MIT"
    shipped = (inpage.VENDOR / "viz-global.js").read_bytes()
    assert hashlib.sha256(shipped).hexdigest() == meta["sha256"]
    assert f"Viz.js {meta['version']}" in shipped[:200].decode()
    licence = (inpage.VENDOR / "LICENSE-viz-js.txt").read_text()
    assert "MIT License" in licence and meta["version"] in licence
    installed = ROOT / "web" / "node_modules" / meta["package"] / meta["file"]
    if installed.exists():  # after `npm ci`: byte for byte the registry's file
        assert installed.read_bytes() == shipped


def test_a_changed_renderer_is_refused(monkeypatch, tmp_path):
    (tmp_path / "viz-global.js").write_text("/* Viz.js */ window.Viz = 1;")
    (tmp_path / "viz-js.json").write_text(json.dumps({**inpage.metadata()}))
    monkeypatch.setattr(inpage, "VENDOR", tmp_path)
    inpage.renderer.cache_clear()
    try:
        with pytest.raises(RuntimeError, match="sha256"):
            inpage.renderer()
    finally:
        inpage.renderer.cache_clear()


@pytest.mark.slow
def test_the_wheel_ships_the_renderer(tmp_path):
    import subprocess
    import sys
    import zipfile

    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation",
         "--disable-pip-version-check", "-q", "-w", str(tmp_path)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert "vendor" not in done.stderr, done.stderr  # setuptools warns of a folder it skips
    (wheel,) = tmp_path.glob("scalar_autograd-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for name in ("viz-global.js", "viz-js.json", "LICENSE-viz-js.txt"):
        assert f"autograd/viz/vendor/{name}" in names


def drawn_svgs(b: Browser) -> int:
    return b.js("document.querySelectorAll('svg').length")


@needs_chromium
@pytest.mark.slow
def test_a_stepper_page_written_without_dot_draws_in_chromium(tmp_path, monkeypatch):
    monkeypatch.setattr(viz_render.shutil, "which", lambda name: None)  # dot off PATH
    y, _ = neuron()
    page = tmp_path / "steps.html"
    stepper = BackwardStepper(y)
    stepper.to_html(str(page))
    assert "<svg" not in page.read_text().replace(inpage.renderer(), "")  # no picture made here
    with Browser() as b:
        b.open(page.as_uri() + "#click=next,next")
        b.wait("document.body.dataset.drawn === '1'", 60)
        assert (
            drawn_svgs(b) == len(stepper) + 1
            and b.js("document.querySelectorAll('pre.dot').length") == 0
        )
        assert b.js("document.body.dataset.step") == "2"
        visible = b.js(
            "[...document.querySelectorAll('.frame')].filter(f => !f.hidden)"
            ".map(f => f.querySelector('g.current title').textContent)"
        )
        assert visible == [b.js("document.body.dataset.node")]
        # drawn after the page opened, the current node is still followed onto the screen
        b.wait("document.body.dataset.currentVisible === 'yes'", 10)
        assert all(r.startswith("file://") for r in b.requests)
        shot = tmp_path / "steps.png"
        b.screenshot(shot)
        assert shot.read_bytes()[:4] == b"\x89PNG"


@needs_chromium
@pytest.mark.slow
def test_a_notebook_drawing_without_dot_draws_in_the_front_end(tmp_path, monkeypatch):
    pytest.importorskip("graphviz")
    monkeypatch.setattr(viz_render.shutil, "which", lambda name: None)
    monkeypatch.setitem(viz_render.FRONT_END, "renderer sent", False)
    y, _ = neuron()
    first, later = (draw_dot(y)._repr_mimebundle_()["text/html"] for _ in range(2))
    assert inpage.renderer() in first and inpage.renderer() not in later
    page = tmp_path / "output.html"
    # three outputs in one page (UTF-8, as every notebook front end): the renderer comes with
    # the first drawing only; a later one shown before it (a front end rendering cells out of
    # order) waits for it. Each draws its own picture.
    html = later + first + later
    page.write_text(f'<!DOCTYPE html><meta charset="utf-8"><body>{html}</body>', encoding="utf-8")
    with Browser() as b:
        b.open(page.as_uri())
        b.wait("document.querySelectorAll('.autograd-drawing svg').length === 3", 60)
        labels = b.js("[...document.querySelectorAll('svg text')].map(t => t.textContent)")
        assert "x" in labels and "tanh" in labels
