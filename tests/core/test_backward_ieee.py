"""backward never fails half-way.

Built-in rules follow IEEE arithmetic as PyTorch does (an overflowing derivative is inf, not an
OverflowError), in eager backward, in grad() and in autograd.compile. A user primitive whose rule
raises leaves every .grad as it was; only graphs holding such a primitive pay for that.
"""

from __future__ import annotations

import math

import pytest
from edge_programs import identical, programs, run_engine
from hypothesis import assume, given
from hypothesis import strategies as st

import autograd
from autograd import Value, grad, primitive
from autograd.core import value as value_module
from autograd.nn import MLP

EXTREME_POINTS = [1e-200, -1e-200, 1e200, 5e-324, 1e308, 1e-160, 0.0, 1.0, -3.0, 700.0]
# Powers whose derivative overflows where the power itself does not: (1e-200) ** -1 is 1e200,
# its slope -(1e-200) ** -2 is beyond any float.
OVERFLOWING = [-1.0, -2.0, -0.5, 2.0, 3.0, 0.5, 1.5]


def test_the_reproduction_gives_minus_inf_and_changes_nothing_else() -> None:
    a, x = Value(2.0), Value(1e-200)
    loss = a * 3 + x**-1  # forward is fine: 1e200
    loss.backward()
    assert (a.grad, x.grad) == (3.0, -math.inf)
    assert [g.data for g in grad(loss, [a, x])] == [3.0, -math.inf]
    f = autograd.compile(lambda a, x: a * 3 + x**-1, [2.0, 1.0])
    assert f(2.0, 1e-200).grads == (3.0, -math.inf)


def test_a_derivative_that_divides_by_zero_after_the_data_changed_is_inf() -> None:
    x = Value(2.0)
    y = x.log()
    x.data = 0.0  # what an optimiser step may do between forward and backward
    y.backward()
    assert x.grad == math.inf


def _forward_ok(steps, x0: float, y0: float) -> bool:
    try:
        run_engine(steps, Value(x0), Value(y0))
    except (ArithmeticError, ValueError):
        return False
    return True


@given(
    st.sampled_from(OVERFLOWING),
    programs(max_steps=4, exponents=OVERFLOWING),
    st.sampled_from(EXTREME_POINTS),
    st.sampled_from(EXTREME_POINTS),
)
def test_backward_never_raises_and_every_path_agrees(k, rest, x0: float, y0: float) -> None:
    """Whatever the numbers, once the forward succeeded: backward, grad and compile give the
    same IEEE results, bit for bit, and none raises. (The program starts with ``x ** k``.)"""
    steps = [("pow", (0,), k), *((op, tuple(i + 1 if i else 0 for i in a), p) for op, a, p in rest)]
    assume(_forward_ok(steps, x0, y0))
    x, y = Value(x0), Value(y0)
    out = run_engine(steps, x, y)
    out.backward()
    floats = [g.data for g in grad(out, [x, y])]
    compiled = autograd.compile(lambda a, b: run_engine(steps, a, b), [x0, y0])(x0, y0).grads
    for eager, other in ((x.grad, floats[0]), (y.grad, floats[1])):
        assert identical(eager, other), (steps, x.grad, y.grad, floats)
    assert identical(x.grad, compiled[0]) and identical(y.grad, compiled[1]), (steps, compiled)


# -- a user rule that raises leaves every .grad as it was ----------------------------------------


@primitive(derivatives=[lambda x: 1.0 / (x - 1.0)])  # raises at x == 1: a user's bug
def fragile(x):
    return x * 1.0


@given(
    st.lists(st.floats(-3, 3), min_size=4, max_size=4),
    st.sampled_from([0, 1, 2]),
    st.floats(-5, 5),
)
def test_a_failed_backward_leaves_every_grad_as_it_was(grads, where: int, seed: float) -> None:
    a, b = Value(1.0), Value(2.0)
    nodes = [a * b, (a + b).tanh()]
    nodes.insert(where, fragile(a))  # the input of fragile is 1.0: its rule raises
    loss = nodes[0] * nodes[1] + nodes[2]
    every = [a, b, *nodes, loss]
    for v, g in zip(every, grads * 2, strict=False):
        v.grad = g
    before = [v.grad for v in every]
    with pytest.raises(ZeroDivisionError):
        loss.backward(seed)
    assert [v.grad for v in every] == before


def test_graphs_without_a_user_primitive_take_no_snapshot(monkeypatch) -> None:
    """This module defines a primitive at import; graphs without it keep the fast path."""

    def no_snapshot(order, root):
        raise AssertionError("snapshot taken for a graph of built-in operations only")

    monkeypatch.setattr(value_module, "_snapshot", no_snapshot)
    model = MLP(2, [4, 1], seed=0)
    loss = (model([1.0, -2.0]) - 1.0) ** 2  # type: ignore[operator]
    loss.backward()
    assert all(p.grad == p.grad for p in model.parameters())
    with pytest.raises(AssertionError, match="snapshot taken"):
        fragile(Value(3.0)).backward()  # a graph with the primitive does take one


def test_a_fresh_process_trains_on_the_fast_path() -> None:
    """What a user without custom primitives runs, in a process where none was ever defined."""
    import subprocess
    import sys

    code = """
import autograd.core.value as value_module
from autograd.nn import MLP
def no_snapshot(order, root):
    raise AssertionError("snapshot")
value_module._snapshot = no_snapshot
m = MLP(2, [3, 1], seed=0)
for _ in range(3):
    m.zero_grad()
    loss = (m([0.5, -1.0]) - 1.0) ** 2
    loss.backward()
print("ok")
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert out.stdout.strip() == "ok", out.stderr
