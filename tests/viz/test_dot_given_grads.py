"""``to_dot(..., grads=..., given_only=True)``: a drawing that never computes some gradients
shows no gradient field for them (no "grad ·", "not computed yet", that nothing will fill), and
every gradient it was given, on any graph; the training tab's neuron view draws that way."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from autograd.testing.strategies import expressions
from autograd.viz.dot import forward_order, to_dot
from autograd.viz.style import fmt
from autograd.web.training import Trainer


@given(expressions(max_ops=5), st.data())
def test_only_the_given_gradients_are_drawn(expr, data) -> None:
    root = expr.build()
    nodes = forward_order(root)
    chosen = data.draw(st.lists(st.sampled_from(nodes), unique_by=id, max_size=len(nodes)))
    grads = {v: float(i) for i, v in enumerate(chosen)}
    dot = to_dot(root, grads=grads, given_only=True)
    assert "grad ·" not in dot and "not computed" not in dot
    fields = re.findall(r"\| grad ([^}]*)\}", dot)
    assert sorted(fields) == sorted(fmt(g) for g in grads.values())
    # without given_only, the others say "not computed yet", as before
    if len(chosen) < len(nodes):
        assert "grad ·" in to_dot(root, grads=grads)


@given(st.sampled_from(["relu", "tanh", "sigmoid"]), st.booleans(), st.integers(0, 3))
def test_the_neuron_view_has_no_gradient_slot_it_never_fills(act, expanded, seed) -> None:
    t = Trainer("xor", "3, 2", act, "adam", 0.05, points=8, seed=seed)
    t.epoch()
    for name in t.neurons():
        dot = t.neuron_dot(name, expanded)
        assert "grad ·" not in dot and "not computed" not in dot
        params = len(t.model.layers[int(name[1])].neurons[0].parameters())
        assert len(re.findall(r"\| grad [^}·]+\}", dot)) == params
