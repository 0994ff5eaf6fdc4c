"""Real rendering with Graphviz's dot, parsed as SVG XML; the clear error without it."""

import shutil
import xml.etree.ElementTree as ET

import pytest
from graphs import mlp_loss, neuron

from autograd.viz import rendering as viz_render
from autograd.viz.dot import GraphvizNotFound, draw_dot, render, render_svgs, to_dot
from autograd.viz.inpage import drawing_html

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
    bundle = g._repr_mimebundle_()  # notebooks draw it in the front end, with the wasm Graphviz
    assert bundle["text/plain"] == to_dot(y)
    assert bundle["text/html"] == drawing_html(to_dot(y))


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
