"""gradcheck in both modes: forward and reverse each against the numbers, and against each other."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from autograd import Value, primitive
from autograd.testing import GradcheckError, gradcheck
from autograd.testing.strategies import expressions


@settings(max_examples=30)
@given(expressions(max_ops=6))
def test_correct_derivatives_pass_both_modes_to_second_order(expr):
    assert gradcheck(lambda *xs: expr.build(list(xs)), expr.inputs, modes=("rev", "fwd"), order=2)


def test_a_wrong_rule_fails_in_both_modes_and_the_table_says_so():
    @primitive(derivatives=[lambda x: 2.0 * x * x])  # should be 3 x^2
    def cube(x):
        return x**3

    with pytest.raises(GradcheckError) as info:
        gradcheck(cube, [1.5], modes=("rev", "fwd"))
    failed = {r.name for r in info.value.rows if not r.ok}
    assert failed == {"rev: dout/dinputs[0]", "fwd: dout/dinputs[0]"}
    assert any(r.name.startswith("rev vs fwd") and r.ok for r in info.value.rows)


def test_a_rule_that_is_right_on_floats_but_not_differentiable_fails_at_order_two():
    # The rule returns a float even over Values: first derivatives are right, second ones 0.
    @primitive(derivatives=[lambda x: 3.0 * (x.item() if isinstance(x, Value) else x) ** 2])
    def cube(x):
        return x**3

    assert gradcheck(cube, [1.5], modes=("rev", "fwd"))
    with pytest.raises(GradcheckError) as info:
        gradcheck(cube, [1.5], modes=("rev", "fwd"), order=2)
    failed = {r.name for r in info.value.rows if not r.ok}
    assert failed == {"rev: d2out/dinputs[0]2", "fwd: d2out/dinputs[0]2"}


def test_several_outputs_and_mixed_second_derivatives():
    f = lambda x, y: [x * y.exp(), (x - y).tanh()]
    assert gradcheck(f, [0.4, -0.7], modes=("fwd",), order=2)
    assert gradcheck(f, [0.4, -0.7], modes="rev", order=2)


@pytest.mark.parametrize(
    "kw, match",
    [
        ({"modes": ("sideways",)}, "modes must be some of"),
        ({"modes": ()}, "modes must be some of"),
        ({"modes": ("rev", "rev")}, "modes must be some of"),
        ({"order": 3}, "order must be 1 or 2"),
        ({"order": True}, "order must be 1 or 2"),
    ],
)
def test_bad_options_are_refused(kw, match):
    with pytest.raises(ValueError, match=match):
        gradcheck(lambda x: x * x, [1.0], **kw)
