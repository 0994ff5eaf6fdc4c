"""max, min and clamp: PyTorch's gradients at ties and bounds, nan, every consumer of a row."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
from autograd import Value, grad
from autograd.expressions import parse
from autograd.func import hessian, jvp

TIES = [(2.0, 2.0), (-1.0, -1.0), (0.0, 0.0), (3.0, 1.0), (1.0, 3.0)]


def shares(kind: str, a: float, b: float) -> tuple[float, float]:
    x, y = Value(a), Value(b)
    getattr(x, kind)(y).backward()
    return x.grad, y.grad


@pytest.mark.parametrize("a, b", TIES)
def test_max_and_min_split_a_tie_and_pass_the_winner(a, b):
    if a == b:
        assert shares("max", a, b) == shares("min", a, b) == (0.5, 0.5)
    else:
        big = (1.0, 0.0) if a > b else (0.0, 1.0)
        assert shares("max", a, b) == big
        assert shares("min", a, b) == big[::-1]


def test_nan_propagates_and_passes_the_gradient():
    nan = float("nan")
    x, y = Value(nan), Value(1.0)
    out = x.max(y)
    out.backward()
    assert math.isnan(out.data) and (x.grad, y.grad) == (1.0, 1.0)  # as torch.maximum
    assert math.isnan(Value(nan).clamp(0.0, 1.0).data)


@pytest.mark.parametrize("v, want", [(-2.0, 0.0), (-1.0, 1.0), (0.3, 1.0), (1.0, 1.0), (2.0, 0.0)])
def test_clamp_passes_the_gradient_inside_and_at_the_bounds(v, want):
    x = Value(v)
    y = x.clamp(-1.0, 1.0)
    y.backward()
    assert y.data == min(max(v, -1.0), 1.0) and x.grad == want


def test_bad_bounds_are_refused_naming_the_operation():
    with pytest.raises(ValueError, match=r"clamp: needs lo <= hi.*lo=2\.0"):
        Value(0.0).clamp(2.0, 1.0)
    with pytest.raises(TypeError, match=r"clamp\(hi\): expected a real number"):
        Value(0.0).clamp(0.0, "1")


def test_every_consumer_knows_the_rows():
    x, y = Value(1.0, "x"), Value(2.0, "y")
    assert parse("max(x, y) + clamp(x, 0, 0.5) - min(x, y)", {"x": x, "y": y}).data == 1.5
    assert grad(x.max(y) * x.min(y), [x, y])[0].data == 2.0
    assert jvp(lambda a, b: a.max(b), (1.0, 2.0), (0.0, 1.0)) == (2.0, 1.0)
    assert hessian(lambda a: a.clamp(-1.0, 1.0) * a)(0.5) == 2.0
    f = autograd.compile(lambda a, b: a.max(b) + a.clamp(0.0, 1.0) * b.min(a), [1.0, 2.0])
    for args in [(1.0, 2.0), (2.0, 2.0), (3.0, -1.0)]:
        xa, xb = Value(args[0]), Value(args[1])
        (xa.max(xb) + xa.clamp(0.0, 1.0) * xb.min(xa)).backward()
        assert f(*args).grads == (xa.grad, xb.grad)


@pytest.mark.torch
@given(
    st.sampled_from([-1.5, -1.0, 0.0, 0.5, 1.0, 2.0, float("nan")]),
    st.sampled_from([-1.5, -1.0, 0.0, 0.5, 1.0, 2.0, float("nan")]),
)
def test_gradients_match_torch(a, b):
    torch = pytest.importorskip("torch")
    for kind, tfn in [("max", torch.maximum), ("min", torch.minimum)]:
        x, y = Value(a), Value(b)
        getattr(x, kind)(y).backward()
        tx = torch.tensor(a, dtype=torch.float64, requires_grad=True)
        ty = torch.tensor(b, dtype=torch.float64, requires_grad=True)
        tfn(tx, ty).backward()
        assert (x.grad, y.grad) == (tx.grad.item(), ty.grad.item()), (kind, a, b)
    x = Value(a)
    out = x.clamp(-1.0, 1.0)
    out.backward()
    tx = torch.tensor(a, dtype=torch.float64, requires_grad=True)
    tout = torch.clamp(tx, -1.0, 1.0)
    tout.backward()
    assert x.grad == tx.grad.item()
    assert out.data == tout.item() or (math.isnan(out.data) and math.isnan(tout.item()))
