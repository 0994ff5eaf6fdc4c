"""The demo's neuron picture: fresh gradients of one neuron, its weighted sum written out."""

import html
import io
import re
import shutil

import pytest

from autograd.cli.demo import draw_neuron, neuron_graph
from autograd.nn import MLP


def stale_model():
    m = MLP(2, [3, 1], seed=0)
    for p in m.parameters():
        p.grad = 5.0  # what a training run leaves behind
    return m


def test_neuron_graph_starts_from_zero_and_leaves_the_model_alone():
    m = stale_model()
    x = [0.8829, -0.25]
    y = neuron_graph(m, x)
    fused = y.inputs[0]
    n = len(x)
    weights = fused.inputs[:n]
    assert y.op == "relu" and y.data > 0
    assert [w.grad for w in weights] == x  # dy/dw_i = x_i for an active ReLU
    assert fused.inputs[-1].grad == 1.0
    assert all(p.grad == 5.0 for p in m.parameters())


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot not installed")
def test_neuron_svg_shows_x_as_the_weight_gradients(tmp_path):
    m = stale_model()
    (path,) = draw_neuron(m, [0.8829, -0.25], str(tmp_path), io.StringIO())
    with open(path, encoding="utf-8") as f:
        svg = f.read()
    texts = [html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]
    for i, x in enumerate(("0.8829", "-0.25")):
        k = next(j for j, t in enumerate(texts) if re.fullmatch(rf"L0\.N\d\.w{i}", t))
        assert texts[k + 2] == f"grad {x}"
    assert texts.count("×") == 2 and "linear" not in texts  # the expanded view
