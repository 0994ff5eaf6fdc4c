"""clip_grad_norm against torch.nn.utils.clip_grad_norm_, and its edges."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import Value, optim


def params_with(grads):
    ps = [Value(0.0) for _ in grads]
    for p, g in zip(ps, grads, strict=True):
        p.grad = g
    return ps


def test_below_the_limit_nothing_changes_and_the_norm_is_returned():
    ps = params_with([0.3, -0.4])
    assert optim.clip_grad_norm(ps, 1.0) == pytest.approx(0.5)
    assert [p.grad for p in ps] == [0.3, -0.4]


def test_tiny_gradients_do_not_underflow():
    ps = params_with([0.0, 3e-200, 4e-200])
    assert optim.clip_grad_norm(ps, 1.0) == pytest.approx(5e-200, rel=1e-15)
    assert optim.clip_grad_norm(ps, 1.0, norm_type=3.0) > 0


def test_inf_norm_and_bad_arguments():
    ps = params_with([3.0, -7.0])
    assert optim.clip_grad_norm(ps, 1.0, norm_type=math.inf) == 7.0
    assert ps[1].grad == pytest.approx(-1.0, rel=1e-6)
    with pytest.raises(ValueError, match="max_norm"):
        optim.clip_grad_norm(ps, -1.0)
    with pytest.raises(ValueError, match="norm_type"):
        optim.clip_grad_norm(ps, 1.0, norm_type=0)
    with pytest.raises(TypeError, match="parameter 0 is a float"):
        optim.clip_grad_norm([1.0], 1.0)


def test_a_nonfinite_norm_raises_when_asked_and_changes_nothing():
    ps = params_with([float("inf"), 1.0])
    with pytest.raises(ValueError, match="non-finite"):
        optim.clip_grad_norm(ps, 1.0, error_if_nonfinite=True)
    assert [p.grad for p in ps] == [float("inf"), 1.0]


@pytest.mark.torch
@given(
    # PyTorch's p-norm underflows for |g| ** p below the smallest float; ours scales first
    # (test_tiny_gradients_do_not_underflow), so compare away from that range.
    st.lists(st.floats(-1e3, 1e3).filter(lambda g: g == 0 or abs(g) > 1e-30), max_size=6).filter(
        bool
    ),
    st.floats(0.01, 100.0),
    st.sampled_from([1.0, 2.0, 3.0, math.inf]),
)
def test_matches_torch(grads, max_norm, norm_type):
    torch = pytest.importorskip("torch")
    ps = params_with(grads)
    total = optim.clip_grad_norm(ps, max_norm, norm_type=norm_type)
    ts = [torch.zeros((), dtype=torch.float64, requires_grad=True) for _ in grads]
    for t, g in zip(ts, grads, strict=True):
        t.grad = torch.tensor(g, dtype=torch.float64)
    t_total = torch.nn.utils.clip_grad_norm_(ts, max_norm, norm_type=norm_type).item()
    assert total == pytest.approx(
        t_total, rel=1e-12, abs=1e-150
    )  # below that PyTorch underflows; we scale
    for p, t in zip(ps, ts, strict=True):
        assert p.grad == pytest.approx(
            t.grad.item(), rel=1e-12, abs=1e-150
        )  # below that PyTorch underflows; we scale
