"""Every path to a gradient is the one reverse sweep, so they agree bit for bit.

``backward()``, ``grad()``, the backward stepper, ``autograd.compile`` and backward under
``detect_anomaly()`` (when nothing is anomalous) all run ``autograd.core.sweep.backward_pass``
(or code written from it); forward mode uses the same local derivatives and agrees to rounding.
The random programs are chosen to hit what made earlier copies of the sweep drift: kinks
(relu, abs, clamp at its bounds), ties (max and min of equal operands), shared subexpressions,
fused neuron nodes, and infinite slopes that a zero slope must mask (``relu(x).sqrt()`` at
x < 0: sqrt' = inf, relu' = 0, and the gradient is 0, not nan).
"""

from __future__ import annotations

import math
import struct
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import autograd
from autograd import AnomalyError, Value, detect_anomaly, grad
from autograd.forward_mode import tangents
from autograd.fused import linear
from autograd.ops import OPS, TABLE
from autograd.testing.operations import apply
from autograd.viz import BackwardStepper

# The registry's rows that a user calls as a method: unary ones with no parameter to draw (or
# defaults for all), binary ones; x ** k and clamp are steps with drawn parameters below.
UNARY = [
    p.name
    for p in TABLE
    if len(p.inputs) == 1 and p.method and len(p.param_defaults) == len(p.params)
]
BINARY = [p.name for p in TABLE if len(p.inputs) == 2 and p.method]
POINTS = [0.0, 1.0, -1.0, 2.0, -2.0, 0.5, 3.0, 1e-300, 1e300]


@st.composite
def programs(draw: Any) -> list[tuple[Any, ...]]:
    """Steps over slots 0 (x) and 1 (y); each step reads earlier slots (shared subexpressions)."""
    steps: list[tuple[Any, ...]] = []
    for i in range(draw(st.integers(1, 9))):
        n = 2 + i
        pick = st.integers(0, n - 1)
        kind = draw(st.sampled_from(["unary", "binary", "binary", "pow", "clamp", "linear"]))
        if kind == "unary":
            steps.append((draw(st.sampled_from(UNARY)), (draw(pick),), None))
        elif kind == "binary":
            steps.append((draw(st.sampled_from(BINARY)), (draw(pick), draw(pick)), None))
        elif kind == "pow":
            k = draw(st.sampled_from([0.0, 0.5, 2.0, 3.0, -1.0]))
            steps.append(("pow", (draw(pick),), k))
        elif kind == "clamp":
            steps.append(("clamp", (draw(pick),), draw(st.sampled_from([(-1.0, 1.0), (0.0, 2.0)]))))
        else:
            steps.append(
                ("linear", (draw(pick), draw(pick), draw(pick), draw(pick), draw(pick)), None)
            )
    return steps


def run(steps: list[tuple[Any, ...]], x: Value, y: Value) -> Value:
    slots = [x, y]
    for op, args, param in steps:
        a = [slots[i] for i in args]
        if op == "linear":
            out = linear(a[:2], a[2:4], a[4])
        elif op == "scale":  # a step of the test's own: an upstream of param below it
            out = a[0] * param
        else:
            given = param if isinstance(param, tuple) else () if param is None else (param,)
            out = apply(OPS[op], a, given or OPS[op].param_defaults)
        slots.append(out)
    return slots[-1]


def TRIPLE(g: Any) -> Any:
    return g * 3


def bits(x: float) -> bytes:
    """A float's bits, every nan alike: the comparison is bit for bit, nan equal to nan."""
    return b"nan" if math.isnan(x) else struct.pack("<d", x)


def build(steps: list[tuple[Any, ...]], x0: float, y0: float) -> tuple[Value, Value, Value]:
    x, y = Value(x0, "x"), Value(y0, "y")
    try:
        out = run(steps, x, y)
    except (ArithmeticError, ValueError):
        assume(False)  # outside an operation's domain: no graph to differentiate
    assume(not out.is_leaf)
    return x, y, out


@pytest.mark.slow  # 2,500 programs on purpose (more than the profile): seconds, not a quick loop
@settings(max_examples=2500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs(), st.sampled_from(POINTS), st.sampled_from(POINTS), st.booleans())
def test_every_path_to_a_gradient_agrees(steps, x0: float, y0: float, hooked: bool) -> None:
    handles: list[Any] = []
    try:
        agree(steps, x0, y0, hooked, handles)
    finally:  # hooks left behind would slow every later backward in the test session
        for handle in handles:
            handle.remove()


def agree(
    steps: list[tuple[Any, ...]], x0: float, y0: float, hooked: bool, handles: list[Any]
) -> None:
    x, y, out = build(steps, x0, y0)
    if hooked:  # a hook on the output's first interior input, scaling what flows through it
        target = next((v for v in out.inputs if not v.is_leaf), out)
        handles.append(target.register_hook(TRIPLE))
    out.backward()
    reference = [bits(x.grad), bits(y.grad)]

    x2, y2, out2 = build(steps, x0, y0)
    if hooked:
        target2 = next((v for v in out2.inputs if not v.is_leaf), out2)
        handles.append(target2.register_hook(TRIPLE))
    assert [bits(g.data) for g in grad(out2, [x2, y2])] == reference, "grad()"

    stepper = BackwardStepper(out2)
    stepper.run()
    assert [bits(stepper.grads.get(v, 0.0)) for v in (x2, y2)] == reference, "stepper"

    _, _, out3 = build(steps, x0, y0)
    if hooked:
        target3 = next((v for v in out3.inputs if not v.is_leaf), out3)
        handles.append(target3.register_hook(TRIPLE))
    every = [out3, *autograd.core.graph.topological_order([out3])]
    finite = all(math.isfinite(v.data) for v in every)
    # An interior gradient may be nan where a later rule masks it (relu below sqrt'(0) * 0):
    # backward() drops it there, and so does anomaly mode; what reaches a leaf is what counts.
    fed = autograd.core.graph.leaves(every[1:]) or [out3]
    finite = finite and all(math.isfinite(g.data) for g in grad(out3, fed))
    if finite:  # nothing anomalous: anomaly mode must not change a bit
        with detect_anomaly():
            x4, y4, out4 = build(steps, x0, y0)
            if hooked:
                t4 = next((v for v in out4.inputs if not v.is_leaf), out4)
                handles.append(t4.register_hook(TRIPLE))
            out4.backward()
        assert [bits(x4.grad), bits(y4.grad)] == reference, "detect_anomaly"
    else:
        with pytest.raises(AnomalyError), detect_anomaly():
            x4, y4, out4 = build(steps, x0, y0)
            if hooked:
                t4 = next((v for v in out4.inputs if not v.is_leaf), out4)
                handles.append(t4.register_hook(TRIPLE))
            out4.backward()

    if not hooked:  # compile refuses hooks
        compiled = autograd.compile(lambda a, b: run(steps, a, b), [x0, y0])
        assert [bits(g) for g in compiled(x0, y0).grads] == reference, compiled.source

    x5, y5, out5 = build(steps, x0, y0)
    # Forward mode sums the same products in another order: to rounding, where no value and no
    # local derivative is so large that the two orders cancel differently (1e300 - 1e300 + 1).
    nodes = autograd.core.graph.topological_order([out5])
    sizes = [abs(v.data) for v in nodes] + [abs(d) for v in nodes for d in v.operation.partials(v)]
    moderate = all(size < 1e100 for size in sizes)
    if not hooked and moderate and abs(x0) < 1e100 and abs(y0) < 1e100:
        for direction, leaf in (([1.0, 0.0], x), ([0.0, 1.0], y)):
            (t,) = tangents(out5, [x5, y5], direction)
            if math.isfinite(t.data) and math.isfinite(leaf.grad):
                assert t.data == pytest.approx(leaf.grad, rel=1e-9, abs=1e-12), "forward mode"


def test_a_masked_infinite_slope_gives_zero_on_every_path() -> None:
    """relu(x).sqrt() at x = -2: sqrt'(0) = inf, relu'(-2) = 0: the gradient is 0 everywhere."""
    x = Value(-2.0, "x")
    y = x.relu().sqrt()
    stepper = BackwardStepper(y)
    stepper.run()
    step = stepper.steps[-1]
    assert step.passed == (0.0,) and stepper.grads[x] == 0.0
    stepper.apply()
    assert x.grad == 0.0
    assert grad(y, x)[0].data == 0.0
    assert autograd.compile(lambda v: v.relu().sqrt(), [-2.0])(-2.0).grads == (0.0,)


def test_an_overflowing_sum_of_finite_terms_is_an_anomaly_on_every_path() -> None:
    """x*1e308 + x*1e308 at 1e-300: each term is finite, their sum is not."""
    with detect_anomaly():
        x = Value(1e-300, "x")
        y = x * 1e308 + x * 1e308
        with pytest.raises(AnomalyError, match="gathers gradient from several uses"):
            y.backward()
        with pytest.raises(AnomalyError, match="gathers gradient from several uses"):
            grad(y, x)
    assert x.grad == 0.0


@settings(max_examples=500, deadline=None)
@given(programs(), st.sampled_from(POINTS), st.sampled_from(POINTS))
def test_backward_walks_the_graph_in_the_order_everything_else_does(steps, x0, y0) -> None:
    """backward's own walk (marking with the zeros it writes) lists the nodes walk lists."""
    from autograd.core.graph import walk, walk_zeroing

    _, _, out = build(steps, x0, y0)
    for v in autograd.core.graph.topological_order([out]):
        v.grad = 7.0
    order, _ = walk([out])
    assert walk_zeroing(out)[0] == order
    assert all(v.grad == 0.0 for v in order)


class Refused(Exception):
    """What the hooks below raise: user code's own error."""


# What a hook may do wrong: raise its own error, or one the IEEE fallback catches for rules
# (ValueError, ZeroDivisionError), or return an int too large for a float (OverflowError).
def _raise_refused(g: Any) -> Any:
    raise Refused


def _raise_value_error(g: Any) -> Any:
    raise ValueError("a hook's own check failed")


HOOK_ERRORS = {
    Refused: _raise_refused,
    ValueError: _raise_value_error,
    ZeroDivisionError: lambda g: 1 / 0,
    OverflowError: lambda g: 10**400,
}


@settings(max_examples=300, deadline=None)
@given(
    programs(),
    st.sampled_from(POINTS),
    st.sampled_from(POINTS),
    st.integers(0, 50),
    st.sampled_from(list(HOOK_ERRORS)),
)
def test_an_error_in_a_hook_reaches_the_user_and_changes_no_gradient(steps, x0, y0, pick, kind):
    """One sweep runs hooks in one place: a hook's error propagates from backward() and grad()
    alike (no IEEE fallback swallows it, as it once did for ValueError and ZeroDivisionError),
    and every .grad is as it was."""
    x, y, out = build(steps, x0, y0)
    nodes = [x, y, *autograd.core.graph.topological_order([out])]
    target = nodes[pick % len(nodes)]
    refuse = HOOK_ERRORS[kind]

    before = [bits(v.grad) for v in nodes]
    with target.register_hook(refuse):
        order = autograd.core.graph.topological_order([out])
        if target not in order and target not in autograd.core.graph.leaves(order):
            return
        with pytest.raises(kind):
            out.backward()
        assert [bits(v.grad) for v in nodes] == before
        with pytest.raises(kind):
            grad(out, [x, y])


def test_a_hook_on_a_leaf_that_is_the_output_runs() -> None:
    """x.backward() on a leaf with a hook: the hook sees this pass's gradient, as in PyTorch."""
    x = Value(2.0)
    with x.register_hook(lambda g: g * 10):
        x.backward()
        assert x.grad == 10.0
        assert grad(x, x)[0].data == 10.0


def test_anomaly_mode_checks_gradients_made_as_graphs_too() -> None:
    """grad(..., create_graph=True) runs the same sweep over Values, and says the same: a
    non-finite term in the chain rule's terms (sqrt' at 0, not the recip step it is built
    from), a sum of finite terms that overflows as a sum, and nothing changes."""
    with detect_anomaly():
        x = Value(0.0, "x")
        y = x.sqrt() * 0.0
        with pytest.raises(AnomalyError, match=r"^backward: sqrt'\(x=0\.0\) = inf times upstream"):
            grad(y, x, create_graph=True)
        z = Value(1e-300, "z")
        w = z * 1e308 + z * 1e308
        with pytest.raises(
            AnomalyError, match=r"^backward: 'z' gathers .* 1e\+308 \+ 1e\+308 = inf"
        ):
            grad(w, z, create_graph=True)
    assert x.grad == 0.0 and z.grad == 0.0


def test_a_node_that_is_both_weight_and_input_of_a_neuron_sums_in_one_order() -> None:
    """Found by the property test: backward_linear interleaved w_i and x_i while every other
    path adds a weighted sum's terms in input order (w..., x..., b); the last bit differed."""
    steps = [("pow", (0,), 0.0), ("linear", (1, 1, 1, 2, 0), None), ("exp", (3,), None)]
    x, y = Value(0.0), Value(2.0)
    run(steps, x, y).backward()
    x2, y2 = Value(0.0), Value(2.0)
    out2 = run(steps, x2, y2)
    assert [bits(g.data) for g in grad(out2, [x2, y2])] == [bits(x.grad), bits(y.grad)]
    compiled = autograd.compile(lambda a, b: run(steps, a, b), [0.0, 2.0])
    assert [bits(g) for g in compiled(0.0, 2.0).grads] == [bits(x.grad), bits(y.grad)]
