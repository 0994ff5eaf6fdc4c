"""The fast walk and sweep are optimisations of the reference ones (autograd/core/reference.py):
the same nodes in the same order, and the same gradients bit for bit.

Graphs come from test_one_sweep's programs (shared subexpressions, an input used twice, fused
neurons), plus a user primitive (a node with its inputs in a tuple), leaves as outputs (nothing
to walk) and chains far deeper than Python's recursion limit.
"""

from __future__ import annotations

import math
import sys
from typing import Any

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from autograd import Value, primitive
from autograd.core.graph import GRAPH_LOCK, walk, walk_zeroing
from autograd.core.reference import backward_reference, topological_order_reference
from tests.core.test_one_sweep import POINTS, bits, build, programs


@primitive(derivatives=[lambda x, y, z: y * z, lambda x, y, z: x * z, lambda x, y, z: x * y])
def product3(x: float, y: float, z: float) -> float:
    return x * y * z


@st.composite
def graphs(draw: Any) -> tuple[list[Any], float, float, bool]:
    """A program over x and y, its point, and whether a three-input primitive tops it."""
    return (
        draw(programs()),
        draw(st.sampled_from(POINTS)),
        draw(st.sampled_from(POINTS)),
        (draw(st.booleans())),
    )


def make(steps: list[Any], x0: float, y0: float, many: bool) -> tuple[Value, Value, Value]:
    x, y, out = build(steps, x0, y0)
    if many:
        out = product3(out, x, out)
    return x, y, out


def fast_orders(out: Value) -> tuple[list[Any], list[Any]]:
    with GRAPH_LOCK:
        return walk([out])[0], walk_zeroing(out)[0]


@settings(max_examples=500, deadline=None)
@given(graphs())
def test_the_fast_walks_list_the_reference_order(graph) -> None:
    _, _, out = make(*graph)
    reference = topological_order_reference(out)
    assert list(fast_orders(out)) == [reference, reference]


def finite_everywhere(out: Value) -> bool:
    """Every value and every local derivative finite (the reference sweep has no IEEE rerun
    and no masking of inf * 0: see the module docstring of autograd.core.reference)."""
    nodes = topological_order_reference(out)
    try:
        locals_ = [d for v in nodes for d in v._op.partials(v)]
    except (ArithmeticError, ValueError):
        return False
    return all(math.isfinite(v) for v in [*(n.data for n in nodes), *locals_])


@settings(max_examples=500, deadline=None)
@given(graphs())
def test_the_fast_sweep_gives_the_reference_gradients_bit_for_bit(graph) -> None:
    x, y, out = make(*graph)
    assume(finite_everywhere(out))
    out.backward()
    fast = [bits(v.grad) for v in (x, y, *topological_order_reference(out))]
    x2, y2, out2 = make(*graph)
    backward_reference(out2)
    slow = [bits(v.grad) for v in (x2, y2, *topological_order_reference(out2))]
    assert slow == fast
    out.backward()  # and leaves accumulate across calls in both
    backward_reference(out2)
    assert [bits(x2.grad), bits(y2.grad)] == [bits(x.grad), bits(y.grad)]


def test_a_leaf_as_output_has_nothing_to_walk() -> None:
    x, x2 = Value(2.0), Value(2.0)
    assert topological_order_reference(x) == [] == fast_orders(x)[0]
    x.backward()
    backward_reference(x2)
    assert x.grad == x2.grad == 1.0


def test_deep_chains_agree_past_the_recursion_limit() -> None:
    depth = 5 * sys.getrecursionlimit()
    ends = []
    for _ in range(2):
        x = Value(0.5)
        out = x
        for i in range(depth):
            out = (out * 0.999 + x).tanh() if i % 2 else out.sin() + out
        ends.append((x, out))
    (x, out), (x2, out2) = ends
    reference = topological_order_reference(out)
    assert len(reference) > depth and list(fast_orders(out)) == [reference, reference]
    out.backward()
    backward_reference(out2)
    assert bits(x.grad) == bits(x2.grad)
