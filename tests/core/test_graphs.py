"""Random expression graphs with shared sub-expressions: values and gradients against sympy."""

import math

import pytest
import sympy
from hypothesis import find, given, settings

from autograd import Value, grad
from autograd.core.graph import topological_order
from autograd.ops import OPS
from autograd.testing.strategies import Expression, Node, expressions


def reference(expr, xs):
    """Value and gradient of the expression, exactly, from sympy."""
    symbols = [sympy.Symbol(f"x{i}", real=True) for i in range(len(xs))]
    tree = expr.sympy(symbols)
    at = {s: sympy.Float(x) for s, x in zip(symbols, xs, strict=True)}
    value = float(tree.evalf(30, subs=at))
    grads = []
    for s in symbols:
        d = sympy.diff(tree, s).replace(sympy.DiracDelta, lambda *a: sympy.Integer(0))
        grads.append(float(sympy.N(d, 30, subs=at)))
    return value, grads


def close(a, b, scale):
    return abs(a - b) <= 1e-9 * (1.0 + abs(b) + scale)


@settings(max_examples=40)
@given(expressions(max_ops=6))
def test_value_and_every_gradient_match_sympy(expr):
    leaves = expr.leaves()
    out = expr.build(leaves)
    value, grads = reference(expr, expr.inputs)
    scale = max(abs(n.data) for n in topological_order([out]))
    assert close(out.data, value, scale), f"{out.data} != {value}\n{expr}"
    out.backward()
    for x, want in zip(leaves, grads, strict=True):
        assert close(x.grad, want, scale * 10), f"d/d{x.label}: {x.grad} != {want}\n{expr}"


@pytest.mark.slow
@settings(max_examples=1000)
@given(expressions())
def test_the_strategy_never_produces_a_graph_the_engine_refuses(expr):
    leaves = expr.leaves()
    out = expr.build(leaves)  # an error here fails the test
    order = topological_order([out])
    for node in order:  # every operand inside its operation's sample intervals
        p = node.operation.row
        for i, x in enumerate(node.inputs):
            assert any(lo <= x.data <= hi for lo, hi in p.sample[i]), f"{p.name} got {x.data}"
    assert all(math.isfinite(n.data) for n in order)
    out.backward()
    found = grad(out, leaves)
    for x, g in zip(leaves, found, strict=True):
        assert math.isfinite(x.grad)
        assert abs(x.grad - g.data) <= 1e-12 * (1 + abs(g.data))


def test_sub_expressions_are_shared():
    shared = find(expressions(max_ops=4), lambda e: max(e.uses()) > 1)
    assert max(shared.uses()) > 1
    square = find(expressions(["mul"]), lambda e: e.nodes[-1].args == (0, 0))
    x = square.leaves()
    out = square.build(x)
    nodes = topological_order([out])
    assert any(n.inputs[0] is n.inputs[1] for n in nodes)  # the engine sees one node, used twice


def test_graph_gradient_through_a_shared_node_by_hand():
    # v1 = x0 * x0 feeds both operands of v2 = v1 * v1 = x0^4: d/dx0 = 4 x0^3, not 2 x0^3.
    mul = OPS["mul"]
    expr = Expression((1.5,), (Node(mul, (0, 0)), Node(mul, (1, 1))))
    assert expr.uses() == [2, 2, 0]
    x = Value(1.5)
    out = expr.build([x])
    out.backward()
    assert (out.data, x.grad) == (1.5**4, 4 * 1.5**3)
    assert reference(expr, [1.5]) == (1.5**4, [4 * 1.5**3])
