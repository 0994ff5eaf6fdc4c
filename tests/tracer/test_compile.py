"""autograd.compile: generated code against the eager engine, finite differences and by hand."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
from autograd import Value, losses, optim, primitive
from autograd.nn import MLP
from autograd.testing.strategies import expressions
from autograd.tracer import TracePathError, train_step


def eager(fn, xs):
    leaves = [Value(x) for x in xs]
    out = fn(*leaves)
    out.backward()
    return out.data, tuple(v.grad for v in leaves)


def rel_close(a, b, rel=1e-12):
    return a == b or abs(a - b) <= rel * max(abs(a), abs(b))


@given(expressions(inputs=(1, 3), max_ops=10))
def test_random_graphs_match_eager_bit_for_bit(expr):
    fn = lambda *xs: expr.build(list(xs))
    f = autograd.compile(fn, expr.inputs)
    got = f(*expr.inputs)
    value, grads = eager(fn, expr.inputs)
    assert got.value == value
    assert got.grads == grads


@given(expressions(["mul", "add", "tanh", "exp", "sin"], inputs=(2, 2), max_ops=6), st.data())
def test_random_graphs_at_new_inputs(expr, data):
    # A graph with no data-dependent branches gives eager results at any other point too.
    f = autograd.compile(lambda *xs: expr.build(list(xs)), expr.inputs)
    xs = [data.draw(st.floats(-1.0, 1.0)) for _ in expr.inputs]
    got, (value, grads) = f(*xs), eager(lambda *v: expr.build(list(v)), xs)
    assert rel_close(got.value, value)
    assert all(rel_close(a, b) for a, b in zip(got.grads, grads, strict=True))


@pytest.mark.parametrize(
    "fn",
    [
        lambda x: x.relu(),
        lambda x: abs(x),
        lambda x: x.leaky_relu(0.2),
        lambda x: (x * 3.0).relu() * x,
        lambda x: x.sqrt() if False else abs(x) ** 2.5,
    ],
)
@pytest.mark.parametrize("x", [0.0, -0.0, 1.5, -1.5])
def test_kinks_match_eager(fn, x):
    f = autograd.compile(fn, [1.0])
    assert f(x) == (*eager(fn, [x]), (), ())


def test_hand_written_gradient():
    f = autograd.compile(lambda x, y: x * y + x.sin() - y, [0.3, 0.4])
    for x, y in [(0.3, 0.4), (-2.0, 5.0)]:
        r = f(x, y)
        assert r.value == x * y + math.sin(x) - y
        assert r.grads == (y + math.cos(x), x - 1.0)


def test_central_differences():
    fn = lambda x, y: (x * y).tanh() + (x / y).log() + y**3 + x.sigmoid() * y.softplus()
    f = autograd.compile(fn, [1.0, 2.0])
    x, y, h = 0.7, 1.3, 1e-6
    r = f(x, y)
    num_x = (f(x + h, y).value - f(x - h, y).value) / (2 * h)
    num_y = (f(x, y + h).value - f(x, y - h).value) / (2 * h)
    assert r.grads == pytest.approx((num_x, num_y), rel=1e-7)


def test_powers_match_eager():
    for k in (2, 3, -1, 0.5, -2.5, 1):
        fn = lambda x, k=k: x**k + 1.0
        f = autograd.compile(fn, [1.0])
        for x in (0.5, 2.0, 3.0):
            assert f(x)[:2] == eager(fn, [x])
    assert "x0 ** 2.0" in autograd.compile(lambda x: x**2, [1.0]).source


def test_user_primitive_is_called_by_reference():
    @primitive(derivatives=[lambda x, y: y * y, lambda x, y: 2 * x * y], domain="x > 0")
    def mypow(x, y):
        return x * y * y

    fn = lambda a, b: mypow(a, b) * a
    f = autograd.compile(fn, [2.0, 3.0])
    assert f(2.0, 3.0)[:2] == eager(fn, [2.0, 3.0])
    assert "x * y * y" not in f.source and "_f0(x0, x1)" in f.source
    with pytest.raises(ValueError, match="mypow"):  # the eager message names the operation
        f(-2.0, 0.5)


def test_domain_error_names_operation_and_changes_nothing():
    w = Value(2.0)
    w.grad = 7.0
    f = autograd.compile(lambda x: (x * w).log(), [1.0], parameters=[w])
    with pytest.raises(ValueError, match="log"):
        f.backward(-1.0)
    assert (w.data, w.grad) == (2.0, 7.0)


def test_inputs_are_checked():
    f = autograd.compile(lambda x: x * x, [1.0])
    with pytest.raises(TypeError, match="takes 1 inputs, got 2"):
        f(1.0, 2.0)
    with pytest.raises(TypeError, match="gradient"):
        f(Value(1.0))
    with pytest.raises(TypeError, match="real number"):
        f("1.0")
    with pytest.raises(TypeError, match="must return a Value"):
        autograd.compile(lambda x: 3.0, [1.0])
    assert f(3) == (9.0, (6.0,), (), ())


def test_labels_cannot_inject_code():
    w = Value(1.0, label="w\nimport os; os.remove('x')  #")
    f = autograd.compile(lambda x: x * w, [1.0])
    assert [ln.strip()[0] for ln in f.source.splitlines() if "import" in ln] == ["#"]
    assert f(2.0).param_grads == (2.0,)


def test_check_mode_catches_a_changed_branch():
    fn = lambda x: x * x if x > 0 else x * 3.0
    f = autograd.compile(fn, [1.0], check=True)
    assert f(2.0).grads == (4.0,)
    with pytest.raises(TracePathError, match=r"step 0 was mul\(x0, x0\).*now mul\(x0, 3.0\)"):
        f(-2.0)
    unchecked = autograd.compile(fn, [1.0])
    assert unchecked(-2.0).value == 4.0  # the frozen path, as documented


def test_check_mode_catches_a_data_dependent_constant():
    # log_softmax subtracts max(z) as a constant: a data-dependent value frozen by the trace
    fn = lambda a, b: losses.softmax_cross_entropy([a, b], 0)
    f = autograd.compile(fn, [1.0, 2.0])
    assert rel_close(f.check(1.0, 2.0).value, fn(Value(1.0), Value(2.0)).data)
    with pytest.raises(TracePathError, match="no longer applies"):
        f.check(3.0, 2.0)


def test_check_mode_catches_a_changed_length():
    fn = lambda x: x * x if x > 0 else (x * x).exp() * 2.0
    with pytest.raises(TracePathError):
        autograd.compile(fn, [1.0]).check(-1.0)


def test_extras_and_parameters_out_of_the_graph():
    w, unused = Value(0.5), Value(9.0)
    fn = lambda x: (x * w, [x + 1.0, (x * w).tanh()])
    f = autograd.compile(fn, [2.0], parameters=[unused, w])
    r = f(2.0)
    assert r == (1.0, (0.5,), (0.0, 2.0), (3.0, math.tanh(1.0)))
    w.data = 2.0  # parameters are read at call time
    assert f(2.0).value == 4.0


def test_second_and_third_derivatives():
    f = autograd.compile(lambda x, y: x**3 * y + x.sin(), [1.0, 2.0])
    d = f.gradient(0)  # d/dx = 3 x^2 y + cos x
    x, y = 0.7, 2.0
    assert rel_close(d(x, y).value, 3 * x**2 * y + math.cos(x))
    assert all(
        rel_close(a, b)
        for a, b in zip(d(x, y).grads, (6 * x * y - math.sin(x), 3 * x**2), strict=True)
    )
    dd = d.gradient(0)
    assert rel_close(dd(x, y).grads[0], 6 * y - math.cos(x))


def moons(n=24):
    pts = []
    for i in range(n):
        t = math.pi * i / (n - 1)
        pts.append(
            ([math.cos(t), math.sin(t)], -1.0)
            if i % 2
            else ([1 - math.cos(t), 0.5 - math.sin(t)], 1.0)
        )
    return [p for p, _ in pts], [y for _, y in pts]


@pytest.mark.parametrize("kind", ["sgd", "adam"])
def test_mlp_trained_compiled_and_eager_end_equal(kind):
    X, Y = moons()
    models = [MLP(2, [8, 8, 1], seed=3), MLP(2, [8, 8, 1], seed=3)]
    make = (lambda p: optim.SGD(p, lr=0.2)) if kind == "sgd" else (lambda p: optim.Adam(p, lr=0.02))
    opts = [make(m.parameters()) for m in models]

    def loss_of(m):
        return losses.hinge([m(x) for x in X], Y) + losses.l2_penalty(m.parameters(), 1e-4)

    step = train_step(lambda: loss_of(models[1]), opts[1])
    first = None
    for _ in range(15):
        loss = loss_of(models[0])
        opts[0].zero_grad()
        loss.backward()
        opts[0].step()
        got = step().value
        first = first or got
        assert rel_close(got, loss.data)
    a, b = (m.parameters() for m in models)
    assert all(abs(p.data - q.data) <= 1e-9 for p, q in zip(a, b, strict=True))
    assert got < first


@settings(max_examples=40, deadline=None)
@given(
    st.sampled_from(["const", "captured", "param"]),
    st.one_of(st.sampled_from([math.nan, -math.nan, math.inf]), st.floats()),
    st.floats(-3, 3),
)
def test_check_accepts_its_own_path_whatever_the_constants(where, c, x0):
    """check=True compares the path it traces now with the one compiled: a constant that is
    nan (or inf) is the same constant both times, never a false TracePathError."""
    captured = Value(c)
    fns = {  # c * 1.0: a new float object at each trace, as a computed constant is
        "const": lambda x: x * 2.0 + c * 1.0,
        "captured": lambda x: x * captured,
        "param": lambda x: x.leaky_relu(c * 1.0),
    }
    f = autograd.compile(fns[where], [x0], check=True)
    f(x0)
    f(x0 + 1.0)


@settings(max_examples=20, deadline=None)
@given(st.sampled_from(["outputs", "pow", "mul", "f"]))
def test_a_changed_path_names_the_operation_whatever_it_is_called(name: str) -> None:
    """The error describes the step that was compiled as its call, even for an operation called
    ``outputs`` (the signature once marked its outputs' row by that name, and described such a
    step as the outputs, with nothing after it)."""
    double = primitive(derivatives=[lambda x: 2.0], name=name)(lambda x: 2 * x)
    f = autograd.compile(lambda v: double(v) if v.data > 0 else v * 3.0, [1.0])
    with pytest.raises(TracePathError, match=rf"step 0 was {name}\(x0\) when compiled"):
        f.check(-1.0)


# (forward, derivative) pairs, each written out: different code, so different operations
DEFINITIONS = [
    (lambda x: 2.0 * x, lambda x: 2.0),
    (lambda x: 3.0 * x, lambda x: 3.0),
    (lambda x: x * x, lambda x: 2.0 * x),
    (lambda x: x * x, lambda x: 2 * x),  # the same function as above, written otherwise
]


@settings(max_examples=20, deadline=None)
@given(
    name=st.sampled_from(["f", "mul", "tanh", "outputs"]),
    pair=st.permutations(range(len(DEFINITIONS))).map(lambda p: p[:2]),
)
def test_another_operation_of_the_same_name_is_another_path(name, pair):
    """Two primitives with one name and different rules are different steps: checking with the
    other one says so and names it (it was once the same path, and the check then blamed the
    numbers, or passed where both agree at the point checked). A primitive defined afresh at
    each trace, from the same code, is the same step."""
    made = [primitive(derivatives=[d], name=name)(fn) for fn, d in DEFINITIONS]
    use = [made[pair[0]]]
    f = autograd.compile(lambda v: use[0](v) * v, [1.0])
    use[0] = made[pair[1]]
    with pytest.raises(TracePathError, match=rf"another operation named '{name}' too"):
        f.check(2.0)

    def fresh(v):
        return primitive(derivatives=[lambda x: 3.0], name=name)(lambda x: 3.0 * x)(v) * v

    g = autograd.compile(fresh, [1.0])
    assert g.check(2.0).value == 12.0
