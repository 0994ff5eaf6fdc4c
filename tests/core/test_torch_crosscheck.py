"""Cross-check against PyTorch on 0-dim float64 tensors (run by .ci/run with the torch extra)."""

import math
import operator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import Value, grad
from autograd.ops import OPS, TABLE
from autograd.testing.operations import apply

pytestmark = pytest.mark.torch
torch = pytest.importorskip("torch")


def _both_signs(intervals):
    return min(lo for lo, _ in intervals) < 0 < max(hi for _, hi in intervals)


def _params(p):
    """The parameters a cross-check calls a row with: its first test values, else its defaults."""
    return tuple(s[0] for s in p.param_samples) if p.param_samples else p.param_defaults


# The rows with a PyTorch reference, from the registry: unary ones defined on both signs (the
# expressions' values lie in [-1.5, 1.5]) and binary ones defined everywhere.
UNARY = [p for p in TABLE if p.meta.torch and len(p.inputs) == 1 and _both_signs(p.sample[0])]
BINARY = [p for p in TABLE if p.meta.torch and len(p.inputs) == 2 and p.domain == OPS["add"].domain]
KINKS = [p for p in TABLE if p.meta.torch and len(p.inputs) == 1 and p.kinks]


def _torch_fn(p):
    return operator.attrgetter(p.meta.torch.removeprefix("torch."))(torch)


def _apply(lib, p, *vs, params=None):
    params = _params(p) if params is None else params
    if lib == "torch":
        return _torch_fn(p)(*vs, *params)
    return apply(p, vs, params)


def _expression(lib, xs, plan):
    """The same expression over Values or tensors: a chain of ops that reuses earlier results."""
    nodes = list(xs)
    for kind, i, j, name in plan:
        a, b = nodes[i % len(nodes)], nodes[j % len(nodes)]
        if kind == "unary":
            nodes.append(_apply(lib, UNARY[name % len(UNARY)], a))
        elif kind == "binary":
            nodes.append(_apply(lib, BINARY[name % len(BINARY)], a, b))
        else:  # safe division and power
            nodes.append(a / (1 + b * b) + (1 + a * a) ** 0.5)
    return nodes[-1] + nodes[-2]


step = st.tuples(
    st.sampled_from(["unary", "binary", "binary", "div"]),
    st.integers(0, 50),
    st.integers(0, 50),
    st.integers(0, 50),
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


def test_the_cross_checks_cover_rows_of_every_kind():
    names = {p.name for p in UNARY + BINARY + KINKS}
    assert {"tanh", "relu", "softplus", "mul", "sub", "max", "sqrt", "clamp"} <= names


@pytest.mark.parametrize("p", KINKS, ids=lambda p: p.name)
def test_kinks_match_torch(p):
    x = Value(0.0)
    t = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
    params = tuple(max(s) for s in p.param_samples) or p.param_defaults  # x ** 3, not 0 ** -2.5
    _apply("autograd", p, x, params=params).backward()
    _apply("torch", p, t, params=params).backward()
    assert x.grad == t.grad.item() or (math.isnan(x.grad) and math.isnan(t.grad.item()))


def test_second_derivative_matches_torch():
    x = Value(0.4)
    t = torch.tensor(0.4, dtype=torch.float64, requires_grad=True)
    (d1,) = grad((x * x).tanh() * x.exp(), x, create_graph=True)
    (d2,) = grad(d1, x)
    (td1,) = torch.autograd.grad(torch.tanh(t * t) * torch.exp(t), t, create_graph=True)
    (td2,) = torch.autograd.grad(td1, t)
    assert d1.data == pytest.approx(td1.item(), rel=1e-12)
    assert d2.data == pytest.approx(td2.item(), rel=1e-12)
