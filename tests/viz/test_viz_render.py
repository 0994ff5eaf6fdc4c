"""Real rendering with Graphviz's dot, parsed as SVG XML; the clear error without it."""

import html
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from graphs import mlp_loss, neuron
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value
from autograd.viz import BackwardStepper
from autograd.viz import rendering as viz_render
from autograd.viz.dot import GraphvizNotFound, draw_dot, render, render_svgs, to_dot
from autograd.viz.inpage import drawing_html, renderer

SVG = "{http://www.w3.org/2000/svg}"
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot not installed")


def svg_nodes(svg: str):
    """{title: [texts]} of every node group in an SVG."""
    root = ET.fromstring(svg)
    out = {}
    for g in root.iter(f"{SVG}g"):
        if "node" in g.get("class", "").split():
            title = g.find(f"{SVG}title").text
            out[title] = [t.text for t in g.iter(f"{SVG}text")]
    return out


@needs_dot
def test_neuron_renders_to_svg_with_every_value():
    y, _ = neuron()
    y.backward()
    nodes = svg_nodes(render(to_dot(y, legend=False)).decode())
    assert set(nodes) == {f"v{i}" for i in range(6)} | {"v2_op", "v4_op", "v5_op"}
    assert nodes["v0"] == ["x", "data 2", "grad -1.503"]
    assert nodes["v5_op"] == ["tanh"]


@needs_dot
def test_several_graphs_in_one_run_and_png():
    y, (x, w, b) = neuron()
    svgs = render_svgs([to_dot(y, highlight=v) for v in (x, w, b)])
    assert len(svgs) == 3
    for svg, vid in zip(svgs, ("v0", "v1", "v3"), strict=True):
        current = [g for g in ET.fromstring(svg).iter(f"{SVG}g") if "current" in g.get("class", "")]
        assert [g.find(f"{SVG}title").text for g in current] == [vid]
    assert render(to_dot(y), "png")[:8] == b"\x89PNG\r\n\x1a\n"


@needs_dot
def test_collapsed_mlp_renders():
    loss, _ = mlp_loss()
    loss.backward()
    nodes = svg_nodes(render(to_dot(loss, grad_flow=True)).decode())
    boxes = [t for t in nodes if t.startswith("g_")]
    assert len(boxes) == 33
    # 16 weights + b, and per point 16 products, 16 sums and a tanh: 17 + 4 * 33
    assert nodes["g_L1_N0"][0] == "L1.N0" and nodes["g_L1_N0"][2].strip() == "149 nodes, 17 params"
    assert nodes["g_L1_N0"][1].startswith("n")  # the step texts' names of its nodes


def test_draw_dot_is_a_digraph_with_the_same_source():
    graphviz = pytest.importorskip("graphviz")
    y, _ = neuron()
    g = draw_dot(y, grad_flow=True)
    assert isinstance(g, graphviz.Digraph)
    assert g.source == to_dot(y, grad_flow=True)


def test_without_dot_rendering_explains_how_to_install(monkeypatch):
    pytest.importorskip("graphviz")
    monkeypatch.setattr(viz_render.shutil, "which", lambda name: None)
    y, _ = neuron()
    with pytest.raises(GraphvizNotFound, match="apt-get install graphviz"):
        render(to_dot(y))
    g = draw_dot(y)
    with pytest.raises(GraphvizNotFound, match="brew install graphviz"):
        g.pipe(format="svg")
    monkeypatch.setitem(viz_render.FRONT_END, "renderer sent", False)
    bundle = g._repr_mimebundle_()  # notebooks draw it in the front end, with the wasm Graphviz
    assert bundle["text/plain"] == to_dot(y)
    assert bundle["text/html"] == drawing_html(to_dot(y))


def broken_dot(tmp_path: Path) -> str:
    """A `dot` on PATH that cannot draw, as a half-finished install of Graphviz leaves it."""
    fake = tmp_path / "dot"
    fake.write_text(
        "#!/bin/sh\necho 'Format: \"svg\" not recognized. No formats found.' >&2\nexit 1\n"
    )
    fake.chmod(0o755)
    return str(fake)


def test_a_broken_dot_falls_back_to_drawing_in_the_browser(tmp_path, monkeypatch):
    pytest.importorskip("graphviz")
    path = broken_dot(tmp_path)
    monkeypatch.setattr(viz_render.shutil, "which", lambda name: path if name == "dot" else None)
    monkeypatch.setitem(viz_render.FRONT_END, "renderer sent", False)
    y, _ = neuron()
    bundle = draw_dot(y)._repr_mimebundle_()
    assert bundle["text/html"] == drawing_html(to_dot(y))
    page = BackwardStepper(y).to_html()
    assert '<pre class="dot">' in page
    with pytest.raises(GraphvizNotFound, match=r"installed but cannot draw.*not recognized"):
        render(to_dot(y))
    with pytest.raises(GraphvizNotFound, match="dot -c"):
        draw_dot(y).save(str(tmp_path / "g.svg"))
    assert not (tmp_path / "g.svg").exists()


@settings(max_examples=20)
@given(kind=st.sampled_from(["exit", "no svg", "not runnable"]))
def test_any_dot_that_cannot_draw_is_treated_as_missing(tmp_path_factory, kind):
    pytest.importorskip("graphviz")
    folder = tmp_path_factory.mktemp("dot")
    fake = folder / "dot"
    body = {"exit": "exit 3", "no svg": "cat >/dev/null; echo hello", "not runnable": ""}[kind]
    fake.write_text(f"#!/bin/sh\n{body}\n")
    fake.chmod(0o644 if kind == "not runnable" else 0o755)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(viz_render.shutil, "which", lambda name: str(fake))
        with pytest.raises(GraphvizNotFound, match="installed but cannot draw"):
            viz_render.dot_program()
        y, _ = neuron()
        assert "text/html" in draw_dot(y)._repr_mimebundle_()


def test_render_rejects_unknown_format():
    with pytest.raises(ValueError, match="format"):
        render("digraph {}", "gif")


def test_draw_dot_prints_what_it_shows_and_saves_by_extension(tmp_path):
    pytest.importorskip("graphviz")
    y, _ = neuron()
    g = draw_dot(y)
    assert repr(g).startswith("<autograd drawing: 6 values, 3 operations; .save(")
    assert g.save(str(tmp_path / "g.dot")) == str(tmp_path / "g.dot")
    assert (tmp_path / "g.dot").read_text(encoding="utf-8") == g.source
    with pytest.raises(ValueError, match=r"\.svg, \.png, \.pdf, \.dot or \.gv"):
        g.save(str(tmp_path / "g.gif"))
    assert not (tmp_path / "g.gif").exists()
    if shutil.which("dot") is not None:
        g.save("g.svg", directory=tmp_path)
        assert svg_nodes((tmp_path / "g.svg").read_text(encoding="utf-8"))["v0"][0] == "x"
        g.save(str(tmp_path / "g.png"))
        assert (tmp_path / "g.png").read_bytes()[:4] == b"\x89PNG"


def test_draw_dot_save_without_dot_writes_nothing(tmp_path, monkeypatch):
    pytest.importorskip("graphviz")
    monkeypatch.setattr(viz_render.shutil, "which", lambda name: None)
    y, _ = neuron()
    with pytest.raises(GraphvizNotFound):
        draw_dot(y).save(str(tmp_path / "g.svg"))
    assert list(tmp_path.iterdir()) == []


def test_without_dot_a_kernel_sends_the_renderer_with_its_first_drawing_only(monkeypatch):
    pytest.importorskip("graphviz")
    monkeypatch.setattr(viz_render.shutil, "which", lambda name: None)
    monkeypatch.setitem(viz_render.FRONT_END, "renderer sent", False)
    y, _ = mlp_loss()
    outputs = [draw_dot(y)._repr_mimebundle_()["text/html"] for _ in range(10)]
    assert renderer() in outputs[0]
    for later in outputs[1:]:
        assert renderer() not in later
        # the DOT text, escaped, and a few lines of script: not the 1.3 MB renderer
        assert len(later.encode()) < len(html.escape(to_dot(y)).encode()) + 2000
    notebook = sum(len(o.encode()) for o in outputs)
    assert notebook < len(renderer().encode()) + 10 * 50_000  # ten drawings, not ten renderers


@settings(max_examples=30)
@given(labels=st.lists(st.text(max_size=30), min_size=1, max_size=6))
def test_a_later_drawings_output_is_its_dot_text_and_a_few_hundred_bytes(labels):
    pytest.importorskip("graphviz")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(viz_render.shutil, "which", lambda name: None)
        mp.setitem(viz_render.FRONT_END, "renderer sent", True)
        y = Value(1.0, labels[0])
        for i, label in enumerate(labels[1:]):
            y = y * Value(float(i), label)
        out = draw_dot(y)._repr_mimebundle_()["text/html"]
        assert len(out) - len(html.escape(to_dot(y))) < 2000
        assert out.count("<script>") == 1
