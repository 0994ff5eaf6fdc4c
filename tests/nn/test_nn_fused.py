"""The fused weighted-sum node against the same sum written with * and +."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, grad, no_grad
from autograd.fused import linear

floats = st.floats(-3.0, 3.0, allow_nan=False)


def unfused(w, x, b):
    s = b
    for wi, xi in zip(w, x, strict=True):
        s = s + wi * xi
    return s


def leaves(ws, xs, b):
    return [Value(v) for v in ws], [Value(v) for v in xs], Value(b)


@settings(max_examples=40)
@given(
    st.integers(1, 6).flatmap(
        lambda n: st.tuples(
            st.lists(floats, min_size=n, max_size=n),
            st.lists(floats, min_size=n, max_size=n),
            floats,
        )
    )
)
def test_value_and_first_derivatives_match_unfused(case):
    ws, xs, b = case
    w1, x1, b1 = leaves(ws, xs, b)
    w2, x2, b2 = leaves(ws, xs, b)
    y1, y2 = linear(w1, x1, b1).tanh(), unfused(w2, x2, b2).tanh()
    assert y1.data == y2.data  # same summation order: bit for bit
    y1.backward()
    y2.backward()
    for a, c in zip([*w1, *x1, b1], [*w2, *x2, b2], strict=True):
        assert a.grad == pytest.approx(c.grad, rel=1e-12, abs=1e-15)


@settings(max_examples=25)
@given(st.lists(floats, min_size=4, max_size=4), floats)
def test_second_derivatives_match_unfused(vals, b):
    ws, xs = vals[:2], vals[2:]
    results = []
    for build in (linear, unfused):
        w, x, bb = leaves(ws, xs, b)
        y = build(w, x, bb).sigmoid()
        dw = grad(y, w, create_graph=True)
        # d/dx_j of dy/dw_0: mixed second derivatives, through the partials' graph
        results.append([g.data for g in grad(dw[0], [*w, *x, bb])])
    for a, c in zip(*results, strict=True):
        assert a == pytest.approx(c, rel=1e-9, abs=1e-12)


def test_closed_form_hessian_of_square():
    # y = (b + w.x)^2 = s^2: d2y / dw_i dx_j = 2 x_i w_j + 2 s [i == j]
    w, x, b = leaves([0.5, -1.5], [2.0, 3.0], 0.25)
    s = 0.25 + 0.5 * 2.0 - 1.5 * 3.0
    y = linear(w, x, b) ** 2
    (d_w0,) = grad(y, [w[0]], create_graph=True)
    assert d_w0.data == pytest.approx(2 * s * 2.0)
    got = [g.data for g in grad(d_w0, x)]
    assert got == pytest.approx([2 * 2.0 * 0.5 + 2 * s, 2 * 2.0 * -1.5])


def test_structure_numbers_and_partials():
    y = linear([2.0, Value(3.0, "w1")], [Value(5.0, "x0"), 7.0], 1.0)
    assert y.op == "linear" and y.data == 1.0 + 10.0 + 21.0
    assert len(y.inputs) == 5 and y.inputs[1].label == "w1" and y.inputs[2].label == "x0"
    assert [v.op for v in (y.inputs[0], y.inputs[3], y.inputs[4])] == ["const"] * 3
    assert y.operation.partials(y) == (5.0, 7.0, 2.0, 3.0, 1.0)


def test_no_grad_records_nothing():
    w, x, b = leaves([1.0], [2.0], 3.0)
    with no_grad():
        y = linear(w, x, b)
    assert y.is_leaf and y.data == 5.0


def test_bad_operands_raise_and_record_nothing():
    w, x, b = leaves([1.0, 2.0], [3.0, 4.0], 0.0)
    with pytest.raises(ValueError, match="linear: 2 weights but 1 inputs"):
        linear(w, x[:1], b)
    with pytest.raises(TypeError, match=r"linear\(x\).*str"):
        linear(w, [x[0], "a"], b)
    assert all(v.grad == 0.0 for v in (*w, *x, b))


def test_large_fan_in_gradient_matches_finite_differences():
    n = 50
    ws = [math.sin(i) for i in range(n)]
    xs = [math.cos(i) for i in range(n)]
    w, x, b = leaves(ws, xs, 0.1)
    y = linear(w, x, b).tanh()
    y.backward()
    h = 1e-6
    for i in (0, 17, 49):
        up, down = list(ws), list(ws)
        up[i] += h
        down[i] -= h
        f = lambda v: math.tanh(0.1 + sum(a * c for a, c in zip(v, xs, strict=True)))
        assert w[i].grad == pytest.approx((f(up) - f(down)) / (2 * h), rel=1e-6)
