"""Cross-check against PyTorch on 0-dim float64 tensors (run by .ci/run with the torch extra)."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import Value, grad

pytestmark = pytest.mark.torch
torch = pytest.importorskip("torch")

UNARY = ["exp", "tanh", "sigmoid", "relu", "sin", "cos", "softplus", "abs"]


def _apply(lib, name, v):
    if lib == "torch":
        if name == "softplus":
            return torch.nn.functional.softplus(v)
        return getattr(torch, name)(v)
    return abs(v) if name == "abs" else getattr(v, name)()


def _expression(lib, xs, plan):
    """The same expression over Values or tensors: a chain of ops that reuses earlier results."""
    nodes = list(xs)
    for kind, i, j, name in plan:
        a, b = nodes[i % len(nodes)], nodes[j % len(nodes)]
        if kind == "unary":
            nodes.append(_apply(lib, name, a))
        elif kind == "mul":
            nodes.append(a * b)
        elif kind == "add":
            nodes.append(a + b)
        else:  # safe division and power
            nodes.append(a / (1 + b * b) + (1 + a * a) ** 0.5)
    return nodes[-1] + nodes[-2]


step = st.tuples(
    st.sampled_from(["unary", "mul", "add", "div"]),
    st.integers(0, 50),
    st.integers(0, 50),
    st.sampled_from(UNARY),
)


@given(
    st.lists(st.floats(-1.5, 1.5).filter(lambda v: abs(v) > 1e-3), min_size=3, max_size=3),
    st.lists(step, min_size=1, max_size=12),
)
def test_value_and_gradients_match_torch(values, plan):
    xs = [Value(v) for v in values]
    ts = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in values]
    out = _expression("autograd", xs, plan)
    tout = _expression("torch", ts, plan)
    if not math.isfinite(out.data) or abs(out.data) > 1e6:
        return
    out.backward()
    tout.backward()
    assert out.data == pytest.approx(tout.item(), rel=1e-10, abs=1e-12)
    for x, t in zip(xs, ts, strict=True):
        want = 0.0 if t.grad is None else t.grad.item()  # torch leaves unused inputs at None
        assert x.grad == pytest.approx(want, rel=1e-8, abs=1e-10)


@pytest.mark.parametrize("name", ["relu", "abs", "sqrt", "leaky_relu"])
def test_kinks_match_torch(name):
    x = Value(0.0)
    t = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
    if name == "leaky_relu":
        x.leaky_relu(0.1).backward()
        torch.nn.functional.leaky_relu(t, 0.1).backward()
    else:
        (abs(x) if name == "abs" else getattr(x, name)()).backward()
        getattr(torch, name)(t).backward()
    assert x.grad == t.grad.item()


def test_second_derivative_matches_torch():
    x = Value(0.4)
    t = torch.tensor(0.4, dtype=torch.float64, requires_grad=True)
    (d1,) = grad((x * x).tanh() * x.exp(), x, create_graph=True)
    (d2,) = grad(d1, x)
    (td1,) = torch.autograd.grad(torch.tanh(t * t) * torch.exp(t), t, create_graph=True)
    (td2,) = torch.autograd.grad(td1, t)
    assert d1.data == pytest.approx(td1.item(), rel=1e-12)
    assert d2.data == pytest.approx(td2.item(), rel=1e-12)
