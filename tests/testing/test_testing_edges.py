"""The testing toolkit at the edges: gradcheck at every magnitude, domains over several inputs."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, primitive
from autograd.ops import Primitive
from autograd.primitives import parse_domain
from autograd.testing import GradcheckError, check_primitive, gradcheck, gradgradcheck
from autograd.testing import primitive_test as make_primitive_test
from autograd.testing.checks import step
from autograd.testing.operations import apply
from autograd.testing.strategies import (
    Const,
    arguments,
    domain_floats,
    domain_points,
    expressions,
    values,
)

# --- gradcheck: a step relative to |x|, divided by the step actually taken ---


def magnitudes(low=-3.0, high=13.0):
    """Numbers of either sign from 10**low to 10**high, uniform in the exponent."""
    return st.builds(
        lambda sign, e: sign * 10.0**e, st.sampled_from([-1.0, 1.0]), st.floats(low, high)
    )


def test_the_issue_examples_pass():
    assert gradcheck(lambda x: x * 2, [1e8])
    assert gradcheck(lambda x: x * 2, [1e10])
    assert gradgradcheck(lambda x: x**3, [1e13])
    assert check_primitive("mul", [1e12, -3e11])


# Smooth at every scale (no fixed length scale such as sin's period): monomials and their
# relatives, the functions a relative step is meant for.
SMOOTH = {
    "2x": lambda x: x * 2,
    "x^2": lambda x: x * x,
    "x^3 - x": lambda x: x**3 - x,
    "1/x": lambda x: 1 / x,
    "x^-2.5": lambda x: abs(x) ** -2.5,
    "sqrt|x|": lambda x: abs(x).sqrt(),
    "log|x|": lambda x: abs(x).log(),
    "x log|x|": lambda x: x * abs(x).log(),
    "x/(1+x^2)": lambda x: x / (1 + x * x),
    "tanh(x)": lambda x: x.tanh(),
}


@given(st.sampled_from(sorted(SMOOTH)), magnitudes())
def test_no_false_failures_on_smooth_functions_at_any_magnitude(name, x):
    fn = SMOOTH[name]
    assert gradcheck(fn, [x])
    assert gradgradcheck(fn, [x])


@given(magnitudes(), magnitudes(), st.integers(-2, 3), st.integers(-2, 3))
def test_no_false_failures_on_monomials_of_two_inputs(x, y, a, b):
    # x^a y^b: each input's step is relative to that input, so mixed magnitudes are fine too.
    if abs(x) ** a * abs(y) ** b > 1e200 or abs(x) ** a * abs(y) ** b < 1e-200:
        return  # keep the values and their derivatives finite and normal
    fn = lambda u, v: u**a * v**b
    assert gradcheck(fn, [x, y])
    assert gradgradcheck(fn, [x, y])


@settings(max_examples=40)
@given(magnitudes(-3, 13), st.sampled_from(["mul", "div", "add", "sub"]), magnitudes(-3, 13))
def test_check_primitive_passes_builtins_at_any_magnitude(x, name, y):
    assert check_primitive(name, [x, y])


@given(magnitudes(-3, 13), st.sampled_from([-2.5, -1.0, 0.5, 2.0, 3.0]))
def test_check_primitive_passes_pow_log_sqrt_at_any_magnitude(x, k):
    assert check_primitive("pow", [abs(x)], [k])
    assert check_primitive("log", [abs(x)])
    assert check_primitive("sqrt", [abs(x)])


@primitive(derivatives=[lambda x: 1.005 * 3 * x**2], name="cube_off_by_half_percent")
def cube_off(x):
    return x**3


@primitive(derivatives=[lambda x, c: 1.005 * c, lambda x, c: x], name="scale_off")
def scale_off(x, c):
    return x * c


@given(magnitudes(-1, 13))
def test_a_derivative_off_by_half_a_percent_is_caught_at_any_magnitude(x):
    with pytest.raises(GradcheckError, match="FAIL"):
        gradcheck(cube_off, [x])


@given(magnitudes(-3, 13), magnitudes(-2, 6))
def test_a_linear_derivative_off_by_half_a_percent_is_caught(x, c):
    # |d/dx| = |c| >= 0.01: above what atol=1e-5 forgives at 0.5% (2.5e-3).
    with pytest.raises(GradcheckError, match="dout/dinputs\\[0\\]"):
        gradcheck(scale_off, [x, c])


def second_off(x):
    """3 x^2 at the point, but its own derivative (the second one) is 0.5% too large."""
    x0 = x.data if isinstance(x, Value) else x
    return 3 * x**2 + 0.03 * x0 * (x - x0)


@primitive(derivatives=[second_off], name="cube_second_off")
def cube_second_off(x):
    return x**3


@given(magnitudes(-1, 13))
def test_a_second_derivative_off_by_half_a_percent_is_caught(x):
    assert gradcheck(cube_second_off, [x])  # the first derivative is right
    with pytest.raises(GradcheckError, match="d2out/dinputs\\[0\\]2"):
        gradgradcheck(cube_second_off, [x])


@given(magnitudes(-300, 300))
def test_the_step_is_relative_and_actually_moves_x(x):
    h = step(x, 1e-6)
    assert h == 1e-6 * max(1.0, abs(x))
    assert x - h < x < x + h


def test_eps_is_checked():
    for eps in (0, -1e-6, 1.5, math.nan, True):
        with pytest.raises(ValueError, match="eps"):
            gradcheck(lambda x: x, [1.0], eps=eps)
        with pytest.raises(ValueError, match="eps"):
            gradgradcheck(lambda x: x, [1.0], eps=eps)


# --- strategies: domains over several inputs, drawn efficiently; clear error when empty ---


def row(domain, inputs=("x", "y"), sample=()):
    """A table row with a domain check (the strategies need nothing else)."""
    text, check = parse_domain(domain, inputs, "f")
    return Primitive(
        "f",
        tuple(inputs),
        "0",
        tuple("0" for _ in inputs),
        domain=text,
        sample=sample,
        in_domain=check,
    )


def counting(p):
    """The same row, counting how often its domain check is called."""
    calls = [0]
    check = p.in_domain

    def counted(*xs):
        calls[0] += 1
        return check(*xs)

    return Primitive(
        p.name,
        p.inputs,
        p.forward,
        p.derivatives,
        domain=p.domain,
        sample=p.sample,
        in_domain=counted,
    ), calls


def margin_ok(check, xs):
    """The domain holds at xs and a gradcheck-sized step away along every axis."""
    pts = [list(xs)]
    for i, x in enumerate(xs):
        for h in (-step(x, 1e-6), step(x, 1e-6)):
            pts.append([v + h if k == i else v for k, v in enumerate(xs)])
    return all(check(*pt) for pt in pts)


# Domains tying inputs together, some with a tiny share of the sample box.
domains = st.one_of(
    st.just("x > y"),
    st.just("x < y"),
    st.just("x * y > 1"),
    st.just("abs(x - y - 1) < 0.02"),  # a thin band: about 0.5% of [-3, 3]^2
    st.just("x**2 + y**2 < 0.01"),  # a small disc: about 0.1% of the box
    st.builds(
        lambda a, b, c: f"{a} * x + {b} * y > {c}",
        st.integers(-5, 5).filter(bool),
        st.integers(-5, 5),
        st.integers(-10, 10),
    ),
)


@pytest.mark.slow
@settings(max_examples=60)
@given(domains, st.data())
def test_drawn_points_satisfy_domains_over_several_inputs(domain, data):
    p = row(domain)
    try:
        points = domain_points(p)
    except ValueError as e:  # the domain misses the box: only allowed if it truly does
        assert "Pass sample=" in str(e)
        assert not any(p.in_domain(x / 10, y / 10) for x in range(-30, 31) for y in range(-30, 31))
        return
    args = arguments(p)
    for _ in range(5):
        x, y = data.draw(points)
        assert -3.0 <= x <= 3.0 and -3.0 <= y <= 3.0
        assert margin_ok(p.in_domain, (x, y)), (domain, x, y)
        (ix, iy), () = data.draw(args)
        assert margin_ok(p.in_domain, (ix, iy))


def test_x_greater_than_y_is_never_drawn_equal():
    p = row("x > y")
    seen = []

    @given(domain_points(p), domain_floats(p, 0), domain_floats(p, 1))
    def draw(xy, x, y):
        seen.append(xy)
        assert xy[0] > xy[1]
        assert x > -3.0 and y < 3.0  # x is never the least value, nor y the largest

    draw()
    assert len(set(seen)) > 20  # varied, not one anchor over and over


@pytest.mark.parametrize("domain", ["abs(x - y - 1) < 0.02", "x**2 + y**2 < 0.01"])
def test_drawing_costs_a_bounded_number_of_checks(domain):
    p, calls = counting(row(domain))
    points = domain_points(p)  # the one-off search for anchors
    calls[0] = 0
    draws = [0]

    @settings(max_examples=100, database=None)
    @given(points)
    def draw(xy):
        draws[0] += 1
        assert margin_ok(row(domain).in_domain, xy)

    draw()
    per_draw = calls[0] / draws[0]
    # A rejection filter would need about 200 (band) to 1000 (disc) tries of 5 checks per
    # draw; walking back into the domain takes at most about 27 tries.
    assert per_draw <= 5 * 27, per_draw


def test_an_empty_domain_gives_a_clear_error_naming_op_and_domain():
    @primitive(derivatives=[lambda x: 1 / x], domain="x > 10")
    def log_beyond_ten(x):
        return math.log(x)

    test = make_primitive_test(log_beyond_ten)  # collecting it is fine
    with pytest.raises(ValueError, match=r"log_beyond_ten: .*'x > 10'.*Pass sample=") as info:
        test()
    assert "Unsatisfiable" not in type(info.value).__name__
    with pytest.raises(ValueError, match="default sample interval"):
        domain_floats(log_beyond_ten)

    @primitive(derivatives=[lambda x: 1 / x], domain="x > 10", sample=[(11.0, 30.0)])
    def log_beyond_ten_sampled(x):
        return math.log(x)

    make_primitive_test(log_beyond_ten_sampled)()


@primitive(derivatives=[lambda x, y: 1 / (x - y), lambda x, y: -1 / (x - y)], domain="x > y")
def log_gap(x, y):
    return math.log(x - y)


test_log_gap_property = make_primitive_test(log_gap)


@given(expressions([log_gap, "mul"], max_ops=4), values(log_gap, 1))
def test_expressions_and_values_respect_a_two_input_domain(expr, v):
    assert v.data < 3.0  # y is never the largest value: some x > y must exist
    slots = list(expr.inputs)
    for node in expr.nodes:
        args = [a.value if isinstance(a, Const) else slots[a] for a in node.args]
        if node.primitive.name == "log_gap":
            assert args[0] > args[1]
        slots.append(apply(node.primitive, args, node.params).data)
    assert math.isfinite(expr.build().data)
