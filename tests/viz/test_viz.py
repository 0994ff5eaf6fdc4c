"""DOT text of gradient graphs, checked without the dot program."""

import math
import re

import pytest
from graphs import mlp_loss, neuron
from hypothesis import given
from hypothesis import strategies as st

from autograd import Value
from autograd.nn import MLP
from autograd.viz.dot import flow_colour, forward_order, neuron_groups, to_dot


def records(text):
    """{node id: (fields, attributes)} of every record node in DOT text."""
    out = {}
    for m in re.finditer(r'^\s+(v\d+) \[label="\{(.*?)\}" shape=record (.*)\];$', text, re.M):
        out[m[1]] = ([f.strip() for f in m[2].split(" | ")], m[3])
    return out


def edges(text):
    return re.findall(r"^\s+(\w+) -> (\w+)(?: \[.*\])?;$", text, re.M)


def test_neuron_labels_values_grads_and_edges():
    y, (x, _w, _b) = neuron()
    y.backward()
    text = to_dot(y, legend=False)
    recs = records(text)
    assert len(recs) == 6  # x, w, x*w, b, x*w+b, tanh
    assert recs["v0"][0] == ["x", "data 2", "grad -1.503"]
    assert recs["v1"][0] == ["w", "data -3", "grad 1.002"]
    assert recs["v3"][0] == ["b", "data 6.88", "grad 0.501"]
    assert recs["v5"][0] == ["n3", "data 0.7064", "grad 1"]  # unlabelled: a name all the same
    assert recs["v2"][0][0] == "n1" and recs["v4"][0][0] == "n2"
    assert math.isclose(x.grad, -3 * (1 - math.tanh(0.88) ** 2))
    # 3 op nodes, each with one edge out and one per input: 3 + 2 + 2 + 1 = 8, in forward order
    assert edges(text) == [
        ("v2_op", "v2"),
        ("v0", "v2_op"),
        ("v1", "v2_op"),
        ("v4_op", "v4"),
        ("v2", "v4_op"),
        ("v3", "v4_op"),
        ("v5_op", "v5"),
        ("v4", "v5_op"),
    ]
    assert 'v2_op [label="×"' in text and 'v5_op [label="tanh"' in text
    assert to_dot(y, legend=False) == text  # deterministic


def legend(text):
    """[(swatch text, fill, border)] of the legend in the graph's label."""
    label = re.search(r"^  label=<(.*)>; labelloc=t;$", text, re.M)
    if label is None:
        return []
    cells = re.findall(
        r'<TD BGCOLOR="([^"]+)" COLOR="([^"]+)"[^>]*><FONT[^>]*>([^<]*)</FONT></TD>', label[1]
    )
    return [(t, fill, border) for fill, border, t in cells]


def test_kinds_look_different_and_legend_lists_only_those_drawn():
    x = Value(1.5, "x")
    w = Value(0.5, "L0.N0.w0")
    y = (w * x + 2).relu()
    y.backward()
    text = to_dot(y)
    recs = records(text)
    fills = {fields[0]: re.search(r'fillcolor="(#\w+)"', a)[1] for fields, a in recs.values()}
    assert len({fills["x"], fills["L0.N0.w0"], fills["const"]}) == 3
    output_attrs = recs[f"v{len(recs) - 1}"][1]
    assert "bold" in output_attrs
    swatches = legend(text)
    assert [s[0] for s in swatches] == ["input", "param", "const", "result", "output"]
    for name, fill, _border in swatches:  # each swatch has the fill of the nodes of its kind
        node = {"input": "x", "param": "L0.N0.w0", "result": "n1", "output": "n3"}.get(name, name)
        assert fills[node] == fill, name
    only_inputs = legend(to_dot(Value(2.0, "x") * Value(3.0, "y")))
    assert [s[0] for s in only_inputs] == ["input", "output"]
    assert legend(to_dot(y, legend=False)) == []


def test_grad_flow_legend_shows_kinds_by_border_and_the_key_only_when_needed():
    y, (_x, w, _b) = neuron()
    y.backward()
    text = to_dot(y, grad_flow=True)
    swatches = {t: (fill, border) for t, fill, border in legend(text)}
    recs = records(text)
    # the fill shows |grad| now, so the kind swatches are white with the kind's border
    border_x = re.search(r'color="(#\w+)"', recs["v0"][1].split("fillcolor")[1])[1]
    assert swatches["input"] == ("#ffffff", border_x)
    assert swatches["grad 0"][0] == "#000000" and "|grad| 1e-8" in swatches
    assert "current step" not in swatches and not any("·" in t for t in swatches)
    stepping = to_dot(y, highlight=w, grads={y: 1.0})
    keys = [t for t, _f, _b in legend(stepping)]
    assert "current step" in keys and "grad · = not computed yet" in keys


def test_graph_label_is_compact_and_names_the_title():
    y, _ = neuron()
    text = to_dot(y, title='say "hi" & <b>\\')
    (label,) = [line for line in text.splitlines() if line.startswith("  label=<")]
    assert "say &quot;hi&quot; &amp; &lt;b&gt;\\" in label
    assert 'POINT-SIZE="9"' in label  # small swatches


def test_reused_node_gets_two_edges_and_sub_edges_are_named():
    a = Value(3.0, "a")
    c = (a + a) - a
    c.backward()
    text = to_dot(c, legend=False)
    assert edges(text).count(("v0", "v1_op")) == 2
    assert ("v1", "v2_op") in edges(text) and 'v0 -> v2_op [label="2nd"]' in text
    assert records(text)["v0"][0] == ["a", "data 3", "grad 1"]


def test_grad_flow_log_scale_and_exact_zero():
    dead = Value(-1.0, "d")
    live = Value(1e-6, "s")
    big = Value(1e3, "g")
    y = dead.relu() + live * big
    y.backward()
    assert dead.grad == 0.0
    text = to_dot(y, grad_flow=True, legend=False)
    recs = {f[0]: a for f, a in records(text).values() if f[0] in "dsg"}
    assert 'fillcolor="#000000"' in recs["d"] and "dashed" in recs["d"]
    assert f'fillcolor="{flow_colour(1e-6)}"' in recs["g"]  # d y/d g = s = 1e-6
    assert f'fillcolor="{flow_colour(1e3)}"' in recs["s"]
    assert 'xlabel="dead"' in text  # the ReLU whose output is 0
    # every decade has its own colour; beyond the ends the colour saturates
    decades = [flow_colour(10.0**e) for e in range(-8, 5)]
    assert len(set(decades)) == 13 and decades[0] == "#313695" and decades[-1] == "#a50026"
    assert flow_colour(1e-30) == decades[0] and flow_colour(-1e9) == decades[-1]


def test_highlight_and_override_grads_and_computed():
    y, (x, _w, _b) = neuron()
    text = to_dot(y, highlight=x, grads={y: 1.0}, computed=[x], legend=False)
    recs = records(text)
    assert 'class="current"' in recs["v0"][1] and "penwidth=4" in recs["v0"][1]
    assert recs["v0"][0] == ["x", "data 2", "grad ·"]
    assert recs["v1"][0] == ["w", "data ?", "grad ·"]
    assert recs["v5"][0] == ["n3", "data ?", "grad 1"]


def test_labels_are_escaped():
    x = Value(1.0, 'a|b{c}<d> "q"')
    text = to_dot(x * 2, legend=False)
    assert 'a\\|b\\{c\\}\\<d\\>\\ \\"q\\"' in text


def test_bad_arguments():
    with pytest.raises(TypeError, match="root must be a Value"):
        to_dot(1.0)
    with pytest.raises(ValueError, match="rankdir"):
        to_dot(Value(1.0), rankdir="XX")


@pytest.mark.parametrize("fused", [False, True])
def test_mlp_groups_every_neuron_and_leaves_the_loss_outside(fused):
    loss, params = mlp_loss(sizes=(3, 2, 1), points=((0.5, -0.5),), fused=fused)
    order = forward_order(loss)
    groups = neuron_groups(order)
    names = {g for g in groups.values()}
    assert names == {"L0.N0", "L0.N1", "L0.N2", "L1.N0", "L1.N1", "L2.N0"}
    for p in params:
        assert groups[p] == p.label.rsplit(".", 1)[0]
    # each hidden neuron: 2 (or 3 inputs) products, the sums, the tanh: all in the group
    tanhs = [v for v in order if v.op == "tanh"]
    assert all(v in groups for v in tanhs) and len(tanhs) == 5
    assert loss not in groups and all(v not in groups for v in order if v.op == "relu")


@pytest.mark.parametrize("fused", [False, True])
def test_big_mlp_collapses_with_a_visible_note(fused):
    loss, _params = mlp_loss(fused=fused)
    loss.backward()
    n = len(forward_order(loss))
    assert n > 2000
    text = to_dot(loss, grad_flow=True)
    assert f"{n} nodes &gt; max_nodes=150" in text
    boxes = re.findall(r"^\s+g_(L\d_N\d+) \[", text, re.M)
    assert len(boxes) == 33 and len(set(boxes)) == 33
    assert len(text.splitlines()) < 250  # readable: one line per box, bundled edges
    assert "lhead=cluster_L1" in text and "ltail=cluster_L0" in text
    assert re.search(r'label="1024 edges"', text)  # 16 x 16 weights x 4 points
    full = to_dot(loss, max_nodes=None, legend=False)
    assert len(records(full)) == n


def test_collapsed_boxes_never_swallow_an_input_that_several_neurons_read():
    # nn lifts the input point to constants; each is read by every first-layer neuron, so it
    # stays outside the boxes (once) instead of joining the first neuron and wiring it to the
    # others of its own layer.
    model = MLP(2, [3, 3, 1], seed=0)
    text = to_dot(model([0.5, -0.3]), max_nodes=5)
    edges = re.findall(r"^\s+(\S+) -> (\S+)", text, re.M)
    same_layer = [
        (a, b) for a, b in edges if a.startswith("g_L0") and b.startswith("g_L0") and a != b
    ]
    assert same_layer == []
    assert len(re.findall(r"data 0\.5|data -0\.3", text)) == 2


@given(st.sampled_from(["x", "y", "x^2", "1st", "2nd"]), st.sampled_from(["sub", "div", "pow"]))
def test_edge_and_operation_labels_never_read_as_a_name_of_the_graph(name, op):
    """A node may be called x or y (or anything): the edge labels of − and ÷ and the label of
    a power are ordinals and ^k, which are not identifiers, so they never look like one."""
    a, b = Value(3.0, name), Value(2.0, "b")
    out = {"sub": a - b, "div": a / b, "pow": a**2}[op]
    text = to_dot(out, legend=False)
    labels = re.findall(r'-> v\d+_op \[label="([^"]*)"\]', text)
    op_labels = re.findall(r'_op \[label="([^"]*)" shape=ellipse', text)
    for label in labels + op_labels:
        assert not label.isidentifier(), label
    assert "fontname=Helvetica" in text.split("edge [")[1].split("]")[0]


def _drawn_names(dot: str) -> set[str]:
    """Every node name a drawing shows: a record's first field, and a box's ranges."""
    found: set[str] = set()
    for label in re.findall(r'label="\{?([^"]*)"', dot):
        label = label.replace("\\ ", " ")  # a record's escaped spaces
        for field in label.replace("{", "").replace("}", "").split(" | ")[:2]:
            for part in field.split(", "):
                if "–" in part:
                    lo, hi = (int(p[1:]) for p in part.split("–"))
                    found |= {f"n{k}" for k in range(lo, hi + 1)}
                else:
                    found.add(part.strip())
    return found


@pytest.mark.parametrize("expand", [False, True])
def test_a_collapsed_network_shows_every_name_its_step_texts_use(expand):
    from autograd import losses
    from autograd.viz import BackwardStepper

    model = MLP(2, [3, 3, 1], seed=0)
    stepper = BackwardStepper(losses.mse(model([0.5, -1.0]), 1.0), expand=expand)
    drawing = stepper.dot(max_nodes=10)
    assert "subgraph cluster_L0" in drawing  # collapsed
    shown = _drawn_names(drawing)
    for k in range(1, len(stepper) + 1):
        stepper.seek(k)
        head = stepper.describe(stepper.current).splitlines()[0]
        for name in re.findall(r"\bn\d+\b", head):
            assert name in shown, (name, head)


@given(st.floats(-3, 0), st.booleans())
def test_a_dead_relu_is_marked_only_once_its_value_is_known(x, known):
    # an exercise drawing shows data only for the nodes computed so far: marking a ReLU "dead"
    # before then would give away that its input is negative
    a = Value(x, "a")
    r = a.relu()
    y = r * 2
    computed = {a, r} if known else {a}
    text = to_dot(y, computed=computed, legend=False)
    assert ('xlabel="dead"' in text) == known
