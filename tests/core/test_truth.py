"""``bool(v)`` is the truth of the number, as in PyTorch and NumPy."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from autograd import Value


def test_a_zero_value_is_false_so_if_loss_takes_the_right_branch():
    loss = Value(3.0) - 3.0
    taken = "nonzero" if loss else "zero"
    assert taken == "zero"
    assert not Value(0.0) and not Value(-0.0) and Value(1e-300)


@given(st.floats(), st.floats())
def test_the_truth_of_any_value_is_that_of_its_number_as_in_numpy(x, y):
    for v in (Value(x), Value(x) * Value(y), (Value(x) - x) if x == x else Value(x)):
        assert bool(v) is bool(np.float64(v.data)) is bool(v.data)


def test_truth_leaves_identity_equality_and_the_graph_alone():
    a = Value(0.0)
    out = a * 2
    assert not out and out == out and out != Value(0.0) and {out: 1}[out] == 1
    out.backward()
    assert a.grad == 2.0
