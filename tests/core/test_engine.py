"""The Value node: construction, operators, graph structure and backward semantics."""

import math
import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import Value, enable_grad, grad, is_grad_enabled, no_grad
from autograd.core.graph import topological_order


def test_construction_and_repr():
    v = Value(2)
    assert type(v.data) is float and v.data == 2.0
    assert v.grad == 0.0 and v.label == "" and v.op == "" and v.inputs == ()
    assert repr(v) == "Value(data=2.0, grad=0.0)"
    assert repr(Value(1.5, label="x")) == "Value(data=1.5, grad=0.0, label='x')"
    assert Value(3.25).item() == 3.25 == Value(3.25).data


def test_numpy_scalars_are_accepted():
    np = pytest.importorskip("numpy")
    assert Value(np.float32(1.5)).data == 1.5
    assert Value(np.int64(3)).data == 3.0
    assert (Value(2.0) * np.float64(4.0)).data == 8.0


@pytest.mark.parametrize("bad", ["1.0", None, 1 + 2j, [1.0], Value(1.0)])
def test_non_real_data_is_a_type_error_naming_the_type(bad):
    with pytest.raises(TypeError, match=type(bad).__name__):
        Value(bad)


@pytest.mark.parametrize("bad", ["a", None, 2j])
def test_bad_operands_name_the_operation_and_type(bad):
    x = Value(1.0)
    for op, fn in [("add", lambda: x + bad), ("mul", lambda: bad * x), ("div", lambda: x / bad)]:
        with pytest.raises(TypeError, match=rf"{op}.*{type(bad).__name__}"):
            fn()


def test_hash_is_identity_and_inputs_are_ordered():
    a, b = Value(1.0), Value(1.0)
    assert a != b and len({a, b}) == 2
    c = a - b
    assert c.inputs == (a, b) and isinstance(c.inputs, tuple) and c.op == "sub"
    d = 3 - a
    assert d.inputs[1] is a and d.inputs[0].op == "const" and d.inputs[0].data == 3.0


def test_comparisons_use_data():
    assert Value(1.0) < Value(2.0) and Value(2.0) >= 2 and not (Value(1.0) > 1.5)


@pytest.mark.parametrize(
    "expr, value, dx",
    [
        (lambda x: x + 2, 5.0, 1.0),
        (lambda x: 2 + x, 5.0, 1.0),
        (lambda x: x - 2, 1.0, 1.0),
        (lambda x: 2 - x, -1.0, -1.0),
        (lambda x: x * 2, 6.0, 2.0),
        (lambda x: 2 * x, 6.0, 2.0),
        (lambda x: x / 2, 1.5, 0.5),
        (lambda x: 2 / x, 2 / 3, -2 / 9),
        (lambda x: x**2, 9.0, 6.0),
        (lambda x: 2**x, 8.0, 8.0 * math.log(2)),
        (lambda x: x**x, 27.0, 27.0 * (math.log(3) + 1)),
        (lambda x: -x, -3.0, -1.0),
        (lambda x: +x, 3.0, 1.0),
        (lambda x: abs(-x), 3.0, 1.0),
        (lambda x: sum([x, x, 1.0]), 7.0, 2.0),
    ],
)
def test_operators_and_reflected_forms(expr, value, dx):
    x = Value(3.0)
    y = expr(x)
    y.backward()
    assert y.data == pytest.approx(value, rel=1e-12)
    assert x.grad == pytest.approx(dx, rel=1e-12)


def test_reused_nodes_follow_the_chain_rule():
    a = Value(1.0)
    b = a + a
    c = b + b
    c.backward()
    assert a.grad == 4.0 and b.grad == 2.0 and c.grad == 1.0
    x = Value(3.0)
    y = x * x * x  # x appears three times
    y.backward()
    assert x.grad == 27.0


def test_leaves_accumulate_intermediates_do_not():
    x = Value(2.0)
    h = x * x
    y = h * 3
    y.backward()
    assert (x.grad, h.grad) == (12.0, 3.0)
    y.backward()  # micrograd would give h.grad == 6 and x.grad == 36 here
    assert (x.grad, h.grad) == (24.0, 3.0)
    x.zero_grad()
    y.backward(gradient=0.5)
    assert (x.grad, h.grad, y.grad) == (6.0, 1.5, 0.5)


def test_backward_from_a_leaf_accumulates():
    x = Value(1.0)
    x.backward()
    x.backward()
    assert x.grad == 2.0


def test_every_node_shows_its_gradient_after_a_pass():
    x, w, b = Value(0.5), Value(-2.0), Value(1.0)
    z = x * w + b
    y = z.tanh()
    y.backward()
    dz = 1 - math.tanh(0.0) ** 2
    assert z.grad == pytest.approx(dz) and z.inputs[0].grad == pytest.approx(dz)
    assert w.grad == pytest.approx(dz * 0.5) and x.grad == pytest.approx(dz * -2.0)


def test_topological_order_lists_inputs_first_and_is_deterministic():
    a, b = Value(1.0), Value(2.0)
    c = a * b
    d = c + a
    e = d * c
    order = topological_order([e])
    assert order == [c, d, e]
    assert topological_order([e]) == order


def test_kinks_match_pytorch():
    for fn, at, expected in [
        (lambda v: v.relu(), 0.0, 0.0),
        (abs, 0.0, 0.0),
        (lambda v: v.leaky_relu(0.1), 0.0, 0.1),
        (lambda v: v.sqrt(), 0.0, math.inf),
        (lambda v: v**0.5, 0.0, math.inf),
    ]:
        x = Value(at)
        fn(x).backward()
        assert x.grad == expected


def test_sigmoid_and_softplus_are_stable_for_large_inputs():
    for big in (800.0, -800.0, 1e6, -1e6):
        s = Value(big).sigmoid()
        assert s.data == (1.0 if big > 0 else 0.0)
        sp = Value(big).softplus()
        assert sp.data == pytest.approx(max(big, 0.0), abs=1e-12)
        x = Value(big)
        x.softplus().backward()
        assert x.grad == (1.0 if big > 0 else 0.0)
    assert Value(1e-20).softplus().data == pytest.approx(math.log(2.0))


def test_pow_variants():
    x = Value(-2.0)
    y = x**3  # negative base, integer exponent: fine
    y.backward()
    assert (y.data, x.grad) == (-8.0, 12.0)
    assert (Value(4.0) ** -0.5).data == 0.5
    assert (Value(0.0) ** 2).data == 0.0
    assert Value(2.0).__pow__(Value(3.0)).op == "powv"
    assert (Value(2.0) ** 3).params == (3.0,)


def test_no_grad_context_decorator_and_threads():
    x = Value(2.0)
    with no_grad():
        assert not is_grad_enabled()
        y = x * x
        with enable_grad():
            z = x * x
    assert y.is_leaf and y.data == 4.0 and not z.is_leaf and is_grad_enabled()

    @no_grad()
    def square(v):
        return v * v

    assert square(x).is_leaf and not (x * x).is_leaf

    seen = {}
    inside, release = threading.Event(), threading.Event()

    def other_thread():
        inside.wait()
        seen["other"] = (x * x).is_leaf  # another thread keeps recording
        release.set()

    t = threading.Thread(target=other_thread)
    t.start()
    with no_grad():
        inside.set()
        release.wait()
        seen["here"] = (x * x).is_leaf
    t.join()
    assert seen == {"other": False, "here": True}


def test_detach_cuts_the_graph():
    x = Value(3.0)
    y = (x * x).detach() * x
    y.backward()
    assert y.data == 27.0 and x.grad == 9.0


def test_grad_leaves_dot_grad_untouched():
    x, y = Value(2.0), Value(5.0)
    z = x * y + x
    x.grad = 7.0
    gx, gy = grad(z, [x, y])
    assert (gx.data, gy.data) == (6.0, 2.0)
    assert x.grad == 7.0 and y.grad == 0.0 and z.grad == 0.0
    (unused,) = grad(z, Value(1.0))
    assert unused.data == 0.0
    (gw,) = grad([z, x * 3], [x], grad_outputs=[1.0, 2.0])
    assert gw.data == 12.0


def test_grad_validates_its_arguments():
    x = Value(1.0)
    with pytest.raises(TypeError, match="inputs"):
        grad(x * x, [1.0])
    with pytest.raises(ValueError, match="grad_outputs"):
        grad([x * x, x + 1], [x], grad_outputs=[1.0])
    with pytest.raises(TypeError, match="backward"):
        (x * x).backward("1")


MATH_ON_FLOATS = [math.exp, math.cos, math.sin, math.tanh, math.sqrt, math.fabs, math.log1p]


@given(st.floats(0.1, 10), st.sampled_from(MATH_ON_FLOATS))
def test_a_value_never_silently_becomes_a_float(x, fn):
    """math.exp(v) and the like would differentiate as a constant: refused, naming the fix."""
    v = Value(x)
    with pytest.raises(TypeError, match=r"v\.item\(\)"):
        fn(v)
    with pytest.raises(TypeError, match="drop the gradient"):
        float(v)
    with pytest.raises(TypeError, match=r"v\.data == 2"):
        v == 2  # noqa: B015
    assert v != Value(x) and v == v and v is not None


@given(
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.sampled_from([".2f", ".3e", "g", "10.4f", "+.1%", ""]),
    st.integers(0, 6),
)
def test_printing_a_value_shows_its_number(x, spec, digits):
    v = Value(x)
    assert f"{v:{spec}}" == (format(x, spec) if spec else repr(v))
    assert round(v, digits) == round(x, digits) and type(round(v, digits)) is float
