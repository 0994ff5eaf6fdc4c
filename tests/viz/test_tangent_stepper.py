"""The forward-mode stepper: tangents flow node by node and end where autograd.forward ends."""

from __future__ import annotations

import shutil

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value
from autograd.forward_mode import tangents
from autograd.testing.strategies import expressions
from autograd.viz import TangentStepper, to_dot


@settings(max_examples=40)
@given(expressions(max_ops=8), st.data())
def test_every_node_gets_the_tangent_forward_mode_computes(expr, data):
    leaves = expr.leaves()
    out = expr.build(leaves)
    directions = {
        x: data.draw(st.floats(-2, 2)) for x in leaves if data.draw(st.booleans()) or x is leaves[0]
    }
    s = TangentStepper(out, directions)
    s.run()
    (want,) = tangents(out, list(directions), list(directions.values()))
    assert s.tangents[out] == want.data
    assert len(s.frames()) == len(s) + 1


def test_a_still_input_adds_no_term_so_no_nan():
    w, x = Value(0.0, "w"), Value(2.0, "x")
    out = w.sqrt() + x  # sqrt'(0) = inf, but w does not move
    s = TangentStepper(out, {x: 1.0})
    s.run()
    assert s.tangents[out] == 1.0


def test_the_drawing_says_tangent_and_the_text_shows_the_arithmetic():
    x, w = Value(2.0, "x"), Value(-3.0, "w")
    s = TangentStepper(x * w, {x: 1.0})
    assert "tangent ·" in s.dot() and "grad" not in s.dot().split("->")[0].split("rankdir")[1]
    s.run()
    assert "tangent -3" in s.dot()
    assert "= w × 1 + x × 0 = -3 × 1 + 2 × 0 = -3" in s.describe(s.current)
    with pytest.raises(ValueError, match="quantity"):
        to_dot(x, quantity="speed")
    with pytest.raises(TypeError, match="directions keys must be Values"):
        TangentStepper(x * w, {"x": 1.0})


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot not installed")
def test_the_page_has_a_frame_per_step():
    x = Value(0.5, "x")
    page = TangentStepper((x * x).tanh(), {x: 1.0}).to_html()
    assert page.count("<svg") == 4 and "Forward mode (tangents)" in page
