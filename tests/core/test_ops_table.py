"""Every operation table entry (discovered) against sympy and central finite differences."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import Value, grad
from autograd.ops import OPS, Primitive
from autograd.primitives import compile_primitive
from autograd.testing import GradcheckError, gradcheck, gradgradcheck
from autograd.testing.oracle import symbolic
from autograd.testing.properties import apply
from autograd.testing.strategies import arguments

NAMES = sorted(OPS)


def close(a: float, b: float, rel: float = 1e-9) -> bool:
    return a == b or abs(a - b) <= rel * (1.0 + abs(b))


def leaves_for(p: Primitive, xs) -> list[Value]:
    return [Value(x, n) for x, n in zip(xs, p.inputs, strict=True)]


def check_value(p: Primitive, xs, params) -> None:
    got = apply(p, leaves_for(p, xs), params).data
    want = symbolic(p).value(xs, params)
    assert close(got, want, 1e-12), f"{p.name}{tuple(xs)} = {got}, sympy says {want}"


def check_first(p: Primitive, xs, params) -> None:
    leaves = leaves_for(p, xs)
    out = apply(p, leaves, params)
    out.backward()
    for i, x in enumerate(leaves):
        want = symbolic(p).derivative(xs, i, params)
        assert close(x.grad, want), f"d{p.name}/d{x.label} = {x.grad}, sympy says {want}"
    floats = out.operation.partials(out)
    graph = out.operation.partials_graph(out)
    for f, g in zip(floats, graph, strict=True):
        assert close(f, g.data if isinstance(g, Value) else float(g), 1e-13)
    gradcheck(lambda *vs: apply(p, vs, params), leaves)


def check_second(p: Primitive, xs, params) -> None:
    leaves = leaves_for(p, xs)
    firsts = grad(apply(p, leaves, params), leaves, create_graph=True)
    for k, first in enumerate(firsts):
        for i, x in enumerate(leaves):
            (got,) = grad(first, x)
            want = symbolic(p).second(xs, k, i, params)
            assert close(got.data, want), f"d2{p.name}/d{p.inputs[k]}d{x.label}: {got.data} {want}"
    gradgradcheck(lambda *vs: apply(p, vs, params), leaves)


def check_entry(p: Primitive, xs, params) -> None:
    check_value(p, xs, params)
    check_first(p, xs, params)
    check_second(p, xs, params)


@pytest.mark.parametrize("name", NAMES)
def test_entry_is_testable(name):
    p = OPS[name]
    assert len(p.sample) == len(p.inputs), f"{name}: one sample entry per input"
    assert len(p.param_samples) == len(p.params), f"{name}: one param_samples entry per param"
    for intervals in p.sample:
        assert intervals and all(lo < hi for lo, hi in intervals)
    assert symbolic(p).expr.free_symbols <= {*symbolic(p).symbols, *symbolic(p).param_symbols}


@pytest.mark.parametrize("name", NAMES)
@given(data=st.data())
def test_value_matches_sympy(name, data):
    xs, params = data.draw(arguments(name))
    check_value(OPS[name], xs, params)


@pytest.mark.parametrize("name", NAMES)
@given(data=st.data())
def test_first_derivatives_match_sympy_and_finite_differences(name, data):
    xs, params = data.draw(arguments(name))
    check_first(OPS[name], xs, params)


@pytest.mark.parametrize("name", NAMES)
@given(data=st.data())
def test_second_derivatives_match_sympy_and_finite_differences(name, data):
    xs, params = data.draw(arguments(name))
    check_second(OPS[name], xs, params)


def new_entry(derivative: str) -> Primitive:
    p = Primitive("cube_t", ("x",), "x * x * x", (derivative,), sample=(((-2.0, 2.0),),))
    compile_primitive(p)
    return p


def test_a_new_entry_is_checked_the_same_way():
    check_entry(new_entry("3 * x * x"), [1.25], ())
    with pytest.raises(AssertionError, match="sympy says"):
        check_first(new_entry("2 * x * x"), [1.25], ())


def test_a_wrong_derivative_is_caught_by_finite_differences_alone():
    p = new_entry("2 * x * x")
    with pytest.raises(GradcheckError, match="dout/dx"):
        gradcheck(lambda v: apply(p, [v]), [Value(1.25, "x")])


def test_the_oracle_is_not_the_engine():
    # sympy works from the formula text, not from the compiled rules: spot values by hand.
    assert symbolic("sigmoid").value([0.0]) == 0.5
    assert math.isclose(symbolic("softplus").derivative([1.0], 0), 1 / (1 + math.exp(-1)))
    assert symbolic("leaky_relu").derivative([-1.0], 0, [0.2]) == pytest.approx(0.2)
    assert symbolic("powv").derivative([2.0, 3.0], 1) == pytest.approx(8 * math.log(2))


@pytest.mark.parametrize("name", NAMES)
@given(data=st.data(), upstream=st.sampled_from([math.inf, -math.inf, 1e308]))
def test_a_zero_slope_passes_no_gradient_not_even_an_infinite_one(name, data, upstream):
    """Where a row's local derivative is 0 all around (relu below 0, the losing side of max,
    clamp outside its bounds), the input gets 0 whatever arrives from above: never
    inf * 0 = nan (PyTorch masks the same way). On both paths: the floats backward uses, and
    the Values of create_graph. (A slope that is 0 at one point only, d(x*y)/dx at y = 0, is
    multiplied: inf * 0 is nan there in PyTorch too.)"""
    xs, params = data.draw(arguments(name))
    out = apply(OPS[name], [Value(x) for x in xs], params)
    op = out.operation
    try:
        slopes = op.partials(out)
        nearby = [
            _slopes_near(name, xs, params, k, h) for k in range(len(xs)) for h in (-1e-6, 1e-6)
        ]
    except (ArithmeticError, ValueError):  # a pole or a domain's edge: no zero region
        return
    floats = op.float_terms(out, upstream)
    graph = op.terms_graph(out, Value(upstream))
    for i, slope in enumerate(slopes):
        if slope == 0 and all(near[i] == 0 for near in nearby):
            assert floats[i] == 0, (name, xs, i, floats[i])
            assert (graph[i].data if isinstance(graph[i], Value) else graph[i]) == 0, (name, xs, i)


def _slopes_near(name, xs, params, k, h):
    moved = [x + h * (1 + abs(x)) if j == k else x for j, x in enumerate(xs)]
    out = apply(OPS[name], [Value(x) for x in moved], params)
    return out.operation.partials(out)


def test_the_losing_side_of_max_and_min_gets_zero_under_an_infinite_gradient():
    x, y = Value(1.0), Value(3.0)
    (x.max(y) - 3).sqrt().backward()  # d sqrt at 0 is inf
    assert (x.grad, y.grad) == (0.0, math.inf)
    x, y = Value(1.0), Value(3.0)
    (1 - x.min(y)).sqrt().backward()
    assert (x.grad, y.grad) == (-math.inf, 0.0)
