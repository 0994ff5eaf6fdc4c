"""Deep graphs: a million-node chain runs backward at the default recursion limit."""

import sys

import pytest

from autograd import Value, grad


@pytest.mark.slow
def test_million_node_chain_backward():
    limit = sys.getrecursionlimit()
    x0 = Value(1.0)
    x = x0
    for _ in range(500_000):  # two nodes per step: 1,000,000 interior nodes
        x = x * 1.0001 + 0.0001
    x.backward()
    assert sys.getrecursionlimit() == limit
    assert x0.grad == pytest.approx(1.0001**500_000, rel=1e-9)


@pytest.mark.slow
def test_deep_tanh_chain_and_functional_grad():
    x0 = Value(0.3)
    x = x0
    expected = 1.0
    for _ in range(200_000):
        x = (x * 1.0001 + 0.0001).tanh()
    (g,) = grad(x, x0)
    # reference: the same chain rule in plain floats, step by step
    import math

    v = 0.3
    for _ in range(200_000):
        t = math.tanh(v * 1.0001 + 0.0001)
        expected *= (1 - t * t) * 1.0001
        v = t
    assert x.data == pytest.approx(v, rel=1e-12)
    assert g.data == pytest.approx(expected, rel=1e-9)
