"""Grow graphs step by step and compare with a naive forward-mode reference written here."""

import math

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    rule,
)

from autograd import Value, grad


class Dual:
    """The reference: forward-mode dual numbers over plain floats, one tangent per leaf.

    Independent of the engine: no graph, no topological order, no operation table.
    """

    def __init__(self, value, tangent):
        self.v = value
        self.t = tangent  # tuple: d value / d leaf_i

    def _lin(self, value, *pairs):  # value with tangent sum(coef * other.t)
        n = max(len(p[1].t) for p in pairs)
        t = [0.0] * n
        for coef, other in pairs:
            for i, ti in enumerate(other.t):
                t[i] += coef * ti
        return Dual(value, tuple(t))

    def add(self, o):
        return self._lin(self.v + o.v, (1.0, self), (1.0, o))

    def sub(self, o):
        return self._lin(self.v - o.v, (1.0, self), (-1.0, o))

    def mul(self, o):
        return self._lin(self.v * o.v, (o.v, self), (self.v, o))

    def div_safe(self, o):  # x / (1 + y^2)
        d = 1.0 + o.v * o.v
        return self._lin(self.v / d, (1.0 / d, self), (-self.v * 2 * o.v / (d * d), o))

    def tanh(self):
        t = math.tanh(self.v)
        return self._lin(t, (1 - t * t, self))

    def sigmoid(self):
        s = 1 / (1 + math.exp(-self.v))
        return self._lin(s, (s * (1 - s), self))

    def sin(self):
        return self._lin(math.sin(self.v), (math.cos(self.v), self))

    def square(self):
        return self._lin(self.v**2, (2 * self.v, self))


ENGINE = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div_safe": lambda a, b: a / (1 + b**2),
}
UNARY = {
    "tanh": lambda a: a.tanh(),
    "sigmoid": lambda a: a.sigmoid(),
    "sin": lambda a: a.sin(),
    "square": lambda a: a**2,
}
N_LEAVES = 3


class GraphMachine(RuleBasedStateMachine):
    nodes = Bundle("nodes")

    @initialize(target=nodes, values=st.lists(st.floats(-1.5, 1.5), min_size=3, max_size=3))
    def make_leaves(self, values):
        self.leaves = [Value(v, label=f"x{i}") for i, v in enumerate(values)]
        self.ref = {}
        self.all = []
        for i, leaf in enumerate(self.leaves):
            self.ref[leaf] = Dual(leaf.data, tuple(1.0 if j == i else 0.0 for j in range(N_LEAVES)))
        self.accumulated = [0.0] * N_LEAVES
        return multiple(*self.leaves)

    def _keep(self, node, dual):
        self.ref[node] = dual
        self.all.append(node)
        return node

    @rule(target=nodes, a=nodes, b=nodes, op=st.sampled_from(sorted(ENGINE)))
    def binary(self, a, b, op):
        return self._keep(ENGINE[op](a, b), getattr(self.ref[a], op)(self.ref[b]))

    @rule(target=nodes, a=nodes, op=st.sampled_from(sorted(UNARY)))
    def unary(self, a, op):
        return self._keep(UNARY[op](a), getattr(self.ref[a], op)())

    @rule(root=nodes)
    def backward_matches_reference(self, root):
        root.backward()
        want = self.ref[root].t
        for i, leaf in enumerate(self.leaves):
            self.accumulated[i] += want[i] if i < len(want) else 0.0
            assert leaf.grad == pytest.approx(self.accumulated[i], rel=1e-9, abs=1e-12)
        if not root.is_leaf:
            assert root.grad == 1.0

    @rule(root=nodes)
    def functional_grad_matches_reference(self, root):
        before = [leaf.grad for leaf in self.leaves]
        got = grad(root, self.leaves)
        want = self.ref[root].t
        for i in range(N_LEAVES):
            w = want[i] if i < len(want) else 0.0
            assert got[i].data == pytest.approx(w, rel=1e-9, abs=1e-12)
        assert [leaf.grad for leaf in self.leaves] == before

    @invariant()
    def values_match_reference(self):
        for node in getattr(self, "all", []):
            assert node.data == pytest.approx(self.ref[node].v, rel=1e-12, abs=1e-15)


TestGraphMachine = pytest.mark.slow(GraphMachine.TestCase)
