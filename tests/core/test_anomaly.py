"""detect_anomaly: the first inf or nan, explained; nothing changed; off costs nothing."""

from __future__ import annotations

import math
import threading

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from autograd import AnomalyError, Value, detect_anomaly, func, grad
from autograd.core.op import OPERATIONS
from autograd.viz import to_dot

HERE = __file__.rsplit("/", 1)[-1]


def test_forward_stops_at_the_first_non_finite_value_and_says_where():
    with detect_anomaly():
        x = Value(1e300, "x")
        with pytest.raises(AnomalyError) as info:
            x * 1e10  # overflows to inf
    message = str(info.value)
    assert message.startswith("forward: mul(x=1e+300, y=10000000000.0) = inf from finite")
    assert f"{HERE}:" in message and info.value.site.startswith(__file__)


def test_backward_explains_the_arithmetic_and_changes_nothing():
    with detect_anomaly():
        a, b = Value(2.0, "a"), Value(3.0, "b")
        r = (a - a).sqrt()
        r.label = "r"
        loss = r * b
        b.grad = 5.0
        with pytest.raises(AnomalyError) as info:
            loss.backward()
    e = info.value
    assert str(e).startswith("backward: sqrt'(x=0.0) = inf times upstream 3.0 -> inf")
    assert f"created at {__file__}" in str(e) and "passed to a sub node by 'r'" in str(e)
    assert [v.label or v.op for v in e.path] == ["mul", "r", "sub"]
    assert (a.grad, b.grad, r.grad, loss.grad) == (0.0, 5.0, 0.0, 0.0)


def test_the_flag_on_backward_and_grad_inside_the_context():
    x = Value(0.0, "x")
    y = x.sqrt() * 0.0
    with pytest.raises(AnomalyError, match=r"inf times upstream 0\.0 -> nan"):
        y.backward(detect_anomaly=True)
    y.backward()  # off: IEEE arithmetic, as PyTorch
    assert x.grad != x.grad  # nan
    with detect_anomaly(), pytest.raises(AnomalyError, match="passed to 'x'"):
        grad(y, x)


def test_a_sum_of_finite_shares_that_overflows_is_caught():
    x = Value(1e-308, "x")
    y = x * 1e308 + x * 1e308  # each share is 1e308, finite; together they overflow
    with pytest.raises(AnomalyError, match=r"'x' gathers gradient from several uses: 1e\+308"):
        y.backward(detect_anomaly=True)
    assert x.grad == 0.0


def test_the_drawing_highlights_the_path():
    x = Value(0.0, "x")
    y = (x.sqrt() * 0.0).exp()
    with pytest.raises(AnomalyError) as info:
        y.backward(detect_anomaly=True)
    dot = to_dot(y, highlight=info.value)
    assert dot.count('color="#ff3b30" penwidth=2') >= 2  # the nodes on the way
    assert 'penwidth=4 class="current"' in dot  # and the node itself


def test_turning_it_on_replaces_no_function():
    """Anomaly mode is a mode the operations ask for, not wrappers swapped in while it is on."""
    import autograd.func
    import autograd.fused

    before = (Value.__mul__, OPERATIONS["mul"].make, autograd.fused.linear_values)
    identity = autograd.func._identity
    with detect_anomaly():
        assert autograd.func._identity is identity
        inside = (Value.__mul__, OPERATIONS["mul"].make, autograd.fused.linear_values)
        with detect_anomaly():  # nested
            pass
        assert inside == before[:3]
    assert (Value.__mul__, OPERATIONS["mul"].make, autograd.fused.linear_values) == before[:3]


def test_operations_bound_at_import_are_checked_too():
    """Modules that took an operation at import (func's identity, the expanded view's record)
    are inside the check: nothing was patched, so nothing escapes."""
    from autograd import func
    from autograd.fused import linear
    from autograd.viz import expand

    with detect_anomaly():
        with pytest.raises(AnomalyError, match="forward: linear"):
            linear([Value(1e308)], [Value(10.0)])
        with pytest.raises(AnomalyError, match="forward: mul"):
            func.grad(lambda a: a * 1e308 * 10)(1.0)
        y = linear([Value(2.0)], [Value(3.0)])
        assert expand(y).data == 6.0


def test_other_threads_are_not_watched():
    done = threading.Event()
    result = {}

    def other():
        x = Value(1e300)
        result["y"] = (x * 1e10).data  # inf, and no error: this thread did not ask
        done.set()

    with detect_anomaly():
        t = threading.Thread(target=other)
        t.start()
        t.join()
    assert done.is_set() and result["y"] == float("inf")


def test_decorator_and_exit_in_the_wrong_order_is_refused():
    @detect_anomaly()
    def f():
        return Value(1e300) * 1e10

    with pytest.raises(AnomalyError):
        f()
    a, b = detect_anomaly(), detect_anomaly()
    a.__enter__()
    b.__enter__()
    with pytest.raises(RuntimeError, match="exited in a different"):
        a.__exit__()
    b.__exit__()
    a.__exit__()


@settings(max_examples=40)
@given(st.floats(-2, 2), st.floats(-2, 2))
def test_finite_graphs_are_untouched_by_it(a, b):
    with detect_anomaly():
        x, y = Value(a), Value(b)
        out = (x * y).tanh() + (x - y).sigmoid()
        out.backward()
    x2, y2 = Value(a), Value(b)
    out2 = (x2 * y2).tanh() + (x2 - y2).sigmoid()
    out2.backward()
    assert (x.grad, y.grad, out.data) == (x2.grad, y2.grad, out2.data)


def test_a_long_anomaly_block_keeps_no_node_alive():
    import gc

    from autograd import Value, detect_anomaly

    def live_values() -> int:
        gc.collect()
        return sum(type(o) is Value for o in gc.get_objects())

    w = Value(0.5, "w")
    before = live_values()
    with detect_anomaly():
        for _ in range(300):  # a training loop: each step's graph is dropped by the next
            loss = (w * 2.0 - 1.0) ** 2
            loss.backward()
            w.data -= 0.01 * w.grad
            w.grad = 0.0
        inside = live_values()
    del loss
    assert inside - before < 20, inside - before  # one step's graph at most, not 300 of them


# --- every derivative path is watched, in the user's terms ---

HELPERS = ("recip", "pow_grad", "pow_grad_v", "xlogy")
STEPS = {
    "sqrt": lambda v: v.sqrt(),
    "log": lambda v: v.log(),
    "exp": lambda v: v.exp(),
    "tanh": lambda v: v.tanh(),
    "abs": abs,
    "square": lambda v: v * v,
    "half power": lambda v: v**0.5,
    "inverse": lambda v: v**-1,
    "relu": lambda v: v.relu(),
}


def paths(chain):
    """Each way to a derivative of the chain at a point: (name, function of a float)."""

    def f(v):
        for step in chain:
            v = STEPS[step](v)
        return v

    def second(x0):
        x = Value(x0, "x")
        (g,) = grad(f(x), x, create_graph=True)
        return grad(g, x)[0].data

    return {
        "grad create_graph": lambda x0: grad(f(x := Value(x0, "x")), x, create_graph=True)[0].data,
        "second order": second,
        "jvp": lambda x0: func.jvp(f, (x0,), (1.0,))[1],
        "jacfwd": lambda x0: func.jacfwd(f)(x0),
        "hessian": lambda x0: func.hessian(f)(x0),
    }


@settings(max_examples=80)
@given(
    st.lists(st.sampled_from(sorted(STEPS)), min_size=1, max_size=3),
    st.sampled_from([0.0, -0.0, 1e-300, 1e-160, 1.0, -1.0, 2.0, 700.0]),
)
@example(["inverse", "square"], 1e-300)
def test_a_non_finite_derivative_on_any_path_stops_anomaly_mode_in_the_users_terms(chain, x0):
    for name, path in paths(chain).items():
        try:
            plain = path(x0)
        except (ArithmeticError, ValueError):
            continue  # refused outside anomaly mode already (log(0), an overflow)
        plain = plain.data if isinstance(plain, Value) else plain
        try:
            with detect_anomaly():
                watched = path(x0)
        except AnomalyError as e:
            text = str(e)
            assert not any(f"{h}(" in text or f"{h}'(" in text for h in HELPERS), (name, text)
            # the forward itself may overflow first ((1e-300 ** -1) ** 2): that is reported too
            assert text.startswith(("backward: ", "forward mode: ", "forward: ")), (name, text)
        else:
            watched = watched.data if isinstance(watched, Value) else watched
            assert math.isfinite(plain), (name, chain, x0, plain)  # an inf, not stopped
            assert watched == plain


def test_sqrts_backward_is_blamed_under_create_graph_not_a_helper():
    x = Value(0.0, "x")
    with detect_anomaly(), pytest.raises(AnomalyError, match=r"^backward: sqrt'\(x=0\.0\) = inf"):
        grad(x.sqrt(), x, create_graph=True)


@pytest.mark.parametrize("path", ["jvp", "jacfwd", "hessian"])
def test_forward_mode_is_watched_too(path):
    with detect_anomaly(), pytest.raises(AnomalyError, match=r"sqrt'\(x=0\.0\) = inf"):
        paths(["sqrt"])[path](0.0)
