"""Public helpers that look at a graph do not change it."""

from __future__ import annotations

from edge_programs import programs, run_engine
from hypothesis import assume, given
from hypothesis import strategies as st

from autograd import Value, grad
from autograd.core.graph import leaves, topological_order


def _state(nodes: list[Value]) -> list[tuple[float, float]]:
    return [(n.data, n.grad) for n in nodes]


@given(programs(), st.floats(-2, 2), st.floats(-2, 2), st.lists(st.floats(-9, 9), min_size=1))
def test_looking_at_a_graph_changes_no_number(steps, x0, y0, grads) -> None:
    try:
        out = run_engine(steps, Value(x0), Value(y0))
    except (ArithmeticError, ValueError):
        assume(False)
    order = topological_order([out])
    nodes = [*leaves(order), *order]
    for i, n in enumerate(nodes):  # gradients from some earlier pass, say
        n.grad = grads[i % len(grads)]
    before = _state(nodes)
    assert topological_order([out]) == order
    leaves(topological_order([out]))
    grad(out, leaves(order) or [out])
    grad(out, leaves(order) or [out], create_graph=True)
    assert _state(nodes) == before


def test_the_notebook_inspection_keeps_the_gradients() -> None:
    a = Value(1.0, "a")
    b = a + a
    c = b * b
    c.backward()
    shown = [n.grad for n in topological_order([c])]  # notebook 02 prints the order
    assert shown == [4.0, 1.0] and b.grad == 4.0  # looking changes nothing
