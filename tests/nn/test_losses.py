"""Losses against their closed forms, computed independently in plain floats."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value
from autograd.nn.losses import bce_with_logits, hinge, l2_penalty, log_softmax, mse
from autograd.nn.losses import softmax_cross_entropy as sce


def test_mse_value_and_gradient():
    p = [Value(1.0), Value(-2.0), Value(0.5)]
    t = [0.0, 1.0, 0.5]
    loss = mse(p, t)
    assert loss.data == pytest.approx((1 + 9 + 0) / 3)
    loss.backward()
    assert [v.grad for v in p] == pytest.approx([2 * 1 / 3, 2 * -3 / 3, 0.0])
    assert mse(p, t, reduction="sum").data == pytest.approx(10.0)


@settings(max_examples=50)
@given(st.floats(-30, 30), st.floats(0, 1))
def test_bce_matches_definition_and_derivative(z, t):
    s = 1 / (1 + math.exp(-z))
    x = Value(z)
    loss = bce_with_logits(x, t)
    # -t log s - (1 - t) log(1 - s), with -log s = log(1 + e^-z), -log(1 - s) = log(1 + e^z)
    ref = t * math.log1p(math.exp(-z)) + (1 - t) * math.log1p(math.exp(z))
    assert loss.data == pytest.approx(ref, rel=1e-9, abs=1e-12)
    loss.backward()
    assert x.grad == pytest.approx(s - t, rel=1e-9, abs=1e-12)  # dE/dz = sigmoid(z) - t


def test_bce_is_stable_for_huge_logits():
    assert bce_with_logits(Value(800.0), 0.0).data == 800.0
    assert bce_with_logits(Value(-800.0), 1.0).data == 800.0
    assert bce_with_logits(Value(800.0), 1.0).data == 0.0
    with pytest.raises(ValueError, match=r"targets must lie in \[0, 1\]"):
        bce_with_logits(Value(0.0), 2.0)


def test_hinge():
    s = [Value(2.0), Value(0.5), Value(-1.0)]
    loss = hinge(s, [1.0, 1.0, 1.0])
    assert loss.data == pytest.approx((0 + 0.5 + 2.0) / 3)
    loss.backward()
    assert [v.grad for v in s] == pytest.approx([0.0, -1 / 3, -1 / 3])
    with pytest.raises(ValueError, match="labels must be -1 or \\+1"):
        hinge(s, [0.0, 1.0, 1.0])


@settings(max_examples=50)
@given(st.lists(st.floats(-20, 20), min_size=2, max_size=5), st.data())
def test_softmax_cross_entropy_value_and_gradient(zs, data):
    k = data.draw(st.integers(0, len(zs) - 1))
    xs = [Value(z) for z in zs]
    loss = sce(xs, k)
    m = max(zs)
    exps = [math.exp(z - m) for z in zs]
    total = sum(exps)
    assert loss.data == pytest.approx(math.log(total) + m - zs[k], rel=1e-9, abs=1e-12)
    loss.backward()
    expected = [e / total - (i == k) for i, e in enumerate(exps)]  # softmax - one-hot
    assert [x.grad for x in xs] == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_softmax_cross_entropy_stable_and_batched():
    big = [Value(1000.0), Value(0.0)]
    assert sce(big, 1).data == pytest.approx(1000.0)
    assert sce(big, 0).data == pytest.approx(0.0, abs=1e-300)
    rows = [[Value(1.0), Value(2.0)], [Value(0.0), Value(0.0)]]
    single = [sce(rows[0], 0).data, sce(rows[1], 1).data]
    assert sce(rows, [0, 1]).data == pytest.approx(sum(single) / 2)
    assert sum(math.exp(v.data) for v in log_softmax([Value(3.0), Value(-1.0)])) == pytest.approx(1)
    with pytest.raises(ValueError, match="class index"):
        sce(rows[0], 2)


def test_l2_penalty_and_errors():
    ps = [Value(3.0), Value(-4.0)]
    pen = l2_penalty(ps, 0.5)
    assert pen.data == 12.5
    pen.backward()
    assert [p.grad for p in ps] == [3.0, -4.0]
    with pytest.raises(ValueError, match="alpha"):
        l2_penalty(ps, -1.0)
    with pytest.raises(ValueError, match="2 predictions but 1 targets"):
        mse(ps, [1.0])
    with pytest.raises(ValueError, match="reduction"):
        mse(ps, [1.0, 2.0], reduction="max")
    assert all(p.grad in (3.0, -4.0) for p in ps)  # nothing above touched the gradients
