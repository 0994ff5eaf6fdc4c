"""The expanded view: a fused weighted sum drawn and stepped as products and sums, same numbers."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import Value, no_grad
from autograd.core.graph import topological_order
from autograd.fused import linear
from autograd.nn import MLP
from autograd.viz import BackwardStepper, expand, to_dot
from autograd.viz.dot import forward_order
from autograd.viz.expand import expansion


def ops(root):
    return [n.op for n in topological_order((root,))]


def leaves_of(root):
    return [v for v in forward_order(root) if v.is_leaf]


floats = st.floats(-4, 4, allow_nan=False)


@given(
    st.integers(1, 4),
    st.sampled_from(["relu", "tanh", "sigmoid", "linear"]),
    st.lists(floats, min_size=1, max_size=4),
    st.integers(0, 2**16),
)
def test_expanded_mlp_has_the_same_numbers_bit_for_bit(width, activation, xs, seed):
    model = MLP(len(xs), [width, 1], activation=activation, seed=seed)
    y = model(xs)
    y.backward()
    e, stands_for = expansion(y)
    assert "linear" in ops(y) and "linear" not in ops(e)
    assert e.data == y.data
    # every new node carries the gradient of the node it stands for
    for new in topological_order((e,)):
        assert new.grad == stands_for[new].grad
        assert new.op == stands_for[new].op or stands_for[new].op == "linear"
    old = {v: v.grad for v in leaves_of(y)}
    assert set(leaves_of(e)) == set(old)  # the leaves are shared, not copied
    for v in old:
        v.grad = 0.0
    e.backward()
    assert {v: v.grad for v in old} == old  # the same gradients, bit for bit


def test_expanded_linear_is_b_then_each_product_in_order():
    w = [Value(2.0, "w0"), Value(-1.0, "w1")]
    x = [Value(3.0, "x0"), Value(4.0, "x1")]
    b = Value(0.5, "b")
    y = linear(w, x, b)
    y.backward()
    e = expand(y)
    assert (e.op, e.inputs[1].op, [v.label for v in e.inputs[1].inputs]) == (
        "add",
        "mul",
        ["w1", "x1"],
    )
    first = e.inputs[0]
    assert [v.label or v.op for v in first.inputs] == ["b", "mul"]
    assert [n.grad for n in topological_order((e,))] == [1.0] * 4
    text = to_dot(y, expand=True, legend=False)
    assert text.count('label="×"') == 2 and text.count('label="+"') == 2
    assert "linear" not in text


def test_expand_without_linear_nodes_returns_the_graph_itself():
    x = Value(1.0, "x")
    y = (x * 2).tanh()
    assert expand(y) is y and expand(x) is x


def test_expand_records_even_under_no_grad():
    model = MLP(2, [2, 1], seed=0)
    y = model([0.5, 1.0])
    with no_grad():
        e = expand(y)
    assert not e.is_leaf and "linear" not in ops(e)


def test_expanded_drawing_keeps_highlight_grads_and_computed():
    model = MLP(2, [1], activation="tanh", seed=1)
    y = model([0.5, -1.0])
    s_node = y.inputs[0] if y.op == "tanh" else y
    text = to_dot(y, expand=True, highlight=s_node, grads={y: 1.0}, legend=False)
    current = [line for line in text.splitlines() if 'class="current"' in line]
    assert len(current) == 1  # the final sum stands for the fused node
    assert re.search(r"grad 1\}", text)


def test_stepper_expands_a_neuron_and_ends_with_backwards_gradients():
    model = MLP(3, [1], output_activation="relu", seed=3)
    xs = [0.5, -1.0, 2.0]
    y = model(xs)
    s = BackwardStepper(y, expand=True)
    assert y.op == "relu" and len(s) == 2 * 3 + 1  # three products, three sums, the relu
    s.run()
    y.backward()
    for p in model.parameters():
        assert s.grads.get(p, 0.0) == p.grad
    text = "\n".join(s.describe(step) for step in s.steps)
    assert "local d(L0.N0.w0 × 0.5)/dL0.N0.w0 = 0.5" in text


@pytest.mark.parametrize("fused", [True, False])
def test_the_fused_node_explains_itself_too(fused):
    w, x, b = Value(2.0, "w"), Value(3.0, "x"), Value(1.0, "b")
    y = linear([w], [x], b) if fused else b + w * x
    s = BackwardStepper(y)
    text = s.describe(s.steps[-1])
    assert "local d(" in text and "/dw = x = 3" in text
