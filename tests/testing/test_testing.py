"""The toolkit itself: gradcheck catches wrong rules, names inputs; strategies keep promises."""

import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd.testing as agt
from autograd import Value, primitive
from autograd.testing import GradcheckError, check_primitive, gradcheck, gradgradcheck
from autograd.testing import primitive_test as make_primitive_test
from autograd.testing.strategies import arguments, domain_floats, expressions, values


@primitive(derivatives=[lambda x: 3 * x**2], sample=[(-2.0, 2.0)])
def cube(x):
    return x**3


@primitive(derivatives=[lambda x: 2 * x**2], sample=[(-2.0, 2.0)], name="wrong_cube")
def wrong_cube(x):
    return x**3


def _number(x):
    return x.item() if isinstance(x, Value) else x


# Right on floats, but the rule takes the number out of a Value: the derivative's graph breaks.
@primitive(derivatives=[lambda x: math.cos(_number(x))], sample=[(-2.0, 2.0)])
def flat_sin(x):
    return math.sin(x)


# The same mistake made implicitly, math.cos on a Value: refused at once, with the fix named.
@primitive(derivatives=[lambda x: math.cos(x)], sample=[(-2.0, 2.0)])
def implicit_sin(x):
    return math.sin(x)


def test_a_rule_calling_math_on_a_value_is_refused_with_the_fix_named():
    assert gradcheck(implicit_sin, [0.3])  # first order: the rule runs on floats
    with pytest.raises(TypeError, match=r"v\.cos\(\)"):
        gradgradcheck(implicit_sin, [0.3])


# Float path and Value path disagree: only the partials comparison sees it.
@primitive(
    derivatives=[lambda x: 3 * x**2 if isinstance(x, float) else 2 * x**2], sample=[(0.5, 2.0)]
)
def split_cube(x):
    return x**3


def test_a_wrong_derivative_is_caught_and_the_failure_names_input_and_numbers():
    with pytest.raises(GradcheckError) as info:
        gradcheck(wrong_cube, [Value(1.5, "x")])
    text = str(info.value)
    assert "dout/dx" in text and "FAIL" in text
    assert re.search(r"FAIL  dout/dx +4\.5 +6\.7(5|49999)", text)  # 2 x^2 vs 3 x^2 at 1.5
    (row,) = info.value.rows
    assert row.analytic == 4.5 and row.numeric == pytest.approx(6.75, rel=1e-8)
    assert isinstance(info.value, AssertionError)


def test_a_correct_derivative_passes_to_second_order():
    assert gradcheck(cube, [Value(1.5, "x")]) is True
    assert gradgradcheck(cube, [-0.7]) is True
    assert check_primitive(cube, [1.1]) is True


def test_raise_exception_false_returns_false():
    assert gradcheck(wrong_cube, [1.5], raise_exception=False) is False
    assert gradgradcheck(flat_sin, [0.3], raise_exception=False) is False


def test_gradgradcheck_catches_a_rule_that_breaks_the_graph():
    assert gradcheck(flat_sin, [0.3])
    with pytest.raises(GradcheckError, match=r"d2out/dinputs\[0\]2") as info:
        gradgradcheck(flat_sin, [0.3])
    (row,) = info.value.rows
    assert row.analytic == 0.0 and row.numeric == pytest.approx(-math.sin(0.3), rel=1e-6)


def test_check_primitive_catches_float_and_value_rules_that_disagree():
    assert gradcheck(split_cube, [1.0])
    with pytest.raises(GradcheckError, match="partials check failed"):
        check_primitive(split_cube, [1.0])


def test_table_lists_every_derivative_worst_first():
    f = lambda a, b: [wrong_cube(a) * b, a + b]
    with pytest.raises(GradcheckError) as info:
        gradcheck(f, [Value(1.0, "a"), Value(2.0, "b")])
    rows = info.value.rows
    assert len(rows) == 4 and [r.ok for r in rows] == [False, True, True, True]
    assert [r.badness for r in rows] == sorted((r.badness for r in rows), reverse=True)
    assert rows[0].name == "dout[0]/da" and rows[0].analytic == 4.0  # 2 a^2 b, not 3 a^2 b
    assert rows[0].numeric == pytest.approx(6.0, rel=1e-8)
    assert {r.name for r in rows} == {"dout[0]/da", "dout[0]/db", "dout[1]/da", "dout[1]/db"}
    assert str(info.value).splitlines()[0].startswith("gradcheck failed: 1 of 4")


def test_gradcheck_touches_no_grad_and_accepts_numbers():
    x = Value(0.8, "x")
    x.grad = 5.0
    assert gradcheck(lambda v, w: (v * w).sigmoid(), [x, 2])
    assert x.grad == 5.0


def test_nan_never_passes():
    nan_fn = lambda v: v * float("nan")
    assert gradcheck(nan_fn, [1.0], raise_exception=False) is False


def test_hessian_of_two_inputs_including_mixed_terms():
    assert gradgradcheck(lambda x, y: (x * y).sin() + x**3, [0.4, -1.2])
    bad = lambda x, y: wrong_cube(x) * y
    with pytest.raises(GradcheckError, match="d2out/dx d"):
        gradgradcheck(bad, [Value(0.4, "x"), Value(-1.2, "y")])


test_cube_property = make_primitive_test(cube)  # the one-line property test


def test_primitive_test_fails_for_a_wrong_rule():
    with pytest.raises(GradcheckError, match="dout/dx"):
        make_primitive_test(wrong_cube)()


def test_primitive_test_works_for_builtins_with_parameters():
    make_primitive_test("leaky_relu")()
    assert make_primitive_test("pow").__name__ == "test_pow"


@given(domain_floats("log"), domain_floats("relu"), domain_floats("div", 1))
def test_domain_floats_stay_inside_the_sample_intervals(a, r, d):
    assert 0.05 <= a <= 5.0 and 0.2 <= abs(r) <= 4.0 and 0.2 <= abs(d) <= 4.0


@primitive(derivatives=[lambda x: 0.5 / x.sqrt() if isinstance(x, Value) else 0.5 / x**0.5])
def root(x):
    return x**0.5


@primitive(derivatives=[lambda x: 1 / x], domain="x > 1")
def log_above_one(x):
    return math.log(x)


@given(domain_floats(log_above_one), values(cube, label="c"), arguments("pow"))
def test_user_domains_are_respected(x, c, pow_args):
    assert x > 1 + 1e-3  # margin so x - eps stays inside
    assert -2.0 <= c.data <= 2.0 and c.label == "c" and c.is_leaf
    (base,), (k,) = pow_args
    assert base > 0 and k in (-2.5, -1.0, 0.5, 2.0, 3.0)


test_log_above_one_property = make_primitive_test(log_above_one)


@given(expressions([cube, "add", log_above_one], max_ops=5))
def test_expressions_over_user_primitives(expr):
    out = expr.build()
    out.backward()
    assert math.isfinite(out.data)
    for node in expr.nodes:
        assert node.primitive.name in ("cube", "add", "log_above_one")


def test_strategy_arguments_are_checked():
    with pytest.raises(ValueError, match="max_ops"):
        expressions(max_ops=0)
    with pytest.raises(ValueError, match="inputs"):
        expressions(inputs=(0, 2))
    with pytest.raises(ValueError, match="unknown operation 'nope'"):
        domain_floats("nope")
    with pytest.raises(TypeError, match="expected an operation name"):
        values(42)


@given(st.floats(-2, 2))
def test_gradcheck_agrees_with_hand_derivative(x):
    # d/dx (x^3 + sin x) = 3x^2 + cos x, written by hand: a wrong engine would fail gradcheck's
    # own table and this comparison alike.
    from autograd import grad

    v = Value(x)
    (g,) = grad(cube(v) + v.sin(), v)
    assert g.data == pytest.approx(3 * x * x + math.cos(x), rel=1e-12, abs=1e-12)
    assert gradcheck(lambda t: cube(t) + t.sin(), [x])


def test_public_names():
    assert set(agt.__all__) >= {"gradcheck", "gradgradcheck", "GradcheckError", "primitive_test"}


@settings(max_examples=200, deadline=None)
@given(expressions(max_ops=6))
def test_a_drawn_expression_depends_on_its_inputs_and_no_input_is_tiny(expr):
    """Its output is reached from at least one input, so
    there is a gradient to test (11 of 40 once had none), and an input is 0 or >= 1e-6 in size."""
    leaves = expr.leaves()
    out = expr.build(leaves)
    from autograd.core.graph import leaves as graph_leaves
    from autograd.core.graph import topological_order

    reached = set(graph_leaves(topological_order([out])))
    assert any(leaf in reached for leaf in leaves) or out in leaves, str(expr)
    assert all(x == 0.0 or abs(x) >= 1e-6 for x in expr.inputs)
