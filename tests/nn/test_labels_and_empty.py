"""Labels a task cannot have are refused in the learner's terms, and an empty list of outputs
is an empty sum."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import Value, grad
from autograd.nn import MLP, Task, optim
from autograd.nn.training import fit


def test_micrograds_plus_minus_one_labels_are_named_with_the_conversion():
    X, y = [[0.0, 1.0], [1.0, 0.0]], [-1, 1]
    with pytest.raises(ValueError, match=r"got -1 .*\(c \+ 1\) // 2"):
        fit(MLP(2, [2, 1], seed=0), Task(y), X, y, optim.SGD([], lr=0.1), None, 1)


def test_a_fractional_label_is_not_a_class():
    with pytest.raises(ValueError, match=r"^Task: labels are class numbers .*, got 0\.5$"):
        Task([0.5, 1.0])


def test_a_task_given_other_labels_to_score_names_the_label():
    with pytest.raises(ValueError, match=r"Task\.loss: label 2"):
        Task([0, 1]).loss([Value(1.0)], [2])


@given(
    st.lists(
        st.integers(-3, 5)
        | st.floats(allow_nan=True)
        | st.booleans()
        | st.text(max_size=2)
        | st.sampled_from([np.int64(2), np.float64(1.0), np.bool_(True)]),
        max_size=6,
    )
)
def test_any_labels_make_a_task_of_their_classes_or_a_plain_refusal(y):
    whole = [
        not isinstance(c, str) and math.isfinite(float(c)) and float(c).is_integer() and c >= 0
        for c in y
    ]
    if y and all(whole):
        assert Task(y).classes == int(max(y)) + 1
    else:
        with pytest.raises(ValueError, match=r"^Task: (no labels|labels are class numbers)"):
            Task(y)


def test_grad_of_no_outputs_is_zero_for_every_input():
    x = Value(1.5)
    assert [g.data for g in grad([], [x])] == [0.0]
    assert [g.data for g in grad([], [x], create_graph=True)] == [0.0]


@given(
    st.lists(st.booleans(), min_size=3, max_size=3), st.lists(st.booleans(), min_size=2, max_size=2)
)
def test_grad_of_any_outputs_is_the_sum_of_their_gradients(pick_out, pick_in):
    a, b = Value(0.5), Value(-2.0)
    outs = [o for o, keep in zip([a * b, a.tanh(), b * b], pick_out, strict=True) if keep]
    ins = [v for v, keep in zip([a, b], pick_in, strict=True) if keep]
    together = [g.data for g in grad(outs, ins)]
    alone = [sum(grad(o, v)[0].data for o in outs) for v in ins]
    assert together == pytest.approx(alone) and len(together) == len(ins)
