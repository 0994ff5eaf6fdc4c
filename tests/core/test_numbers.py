"""Numbers users pass in: too large ints, NumPy scalars and 0-d arrays.

Every place that takes a real number takes the same ones: int, float, bool, NumPy scalars
(np.bool_ included, like bool) and 0-d arrays; an int too large for a float is an error that
names the operation. Whichever side a NumPy operand is on, the result is the same.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import Value, grad
from autograd.core.numbers import is_real, real
from autograd.forward_mode import tangents


def test_an_int_too_large_names_the_operation() -> None:
    with pytest.raises(OverflowError, match=r"^Value: the int 10000\.\.\.00000 \(401 digits\)"):
        Value(10**400)
    x = Value(1.0)
    for what, f in [
        ("add", lambda: x + 10**400),
        ("mul", lambda: 10**400 * x),
        ("pow", lambda: x**10**400),
        ("backward", lambda: x.backward(-(10**400))),
    ]:
        with pytest.raises(OverflowError, match=what):
            f()
    with pytest.raises(OverflowError, match="bits"):
        Value(1 << 100_000)


@given(st.integers())
def test_any_int_is_a_float_or_a_named_overflow(n: int) -> None:
    try:
        want = float(n)
    except OverflowError:
        with pytest.raises(OverflowError, match=r"^sub: .* is too large for a float$"):
            Value(1.0) - n
    else:
        assert (Value(0.0) + n).data == want


np = pytest.importorskip("numpy")

SCALARS = [np.float16, np.float32, np.float64, np.int8, np.int32, np.int64, np.uint8, np.bool_]


@given(st.sampled_from(SCALARS), st.integers(0, 3), st.booleans())
def test_numpy_numbers_work_everywhere_a_number_does(kind, n: int, as_array: bool) -> None:
    s = kind(n)
    if as_array:
        s = np.array(s)  # 0-d
    plain = float(s)
    assert is_real(s) and real(s, "f") == plain
    x = Value(2.0)
    assert Value(s).data == plain
    assert (x * s).data == (s * x).data == 2.0 * plain  # the same from either side
    assert isinstance(s * x, Value) and isinstance(s + x, Value)
    assert (x - s).data == 2.0 - plain and (s - x).data == plain - 2.0
    assert (x < s) == (plain > 2.0)
    (g,) = grad(x * x, x, grad_outputs=s)
    assert g.data == 4.0 * plain
    (g,) = grad([x * x], [x], grad_outputs=[s])
    assert g.data == 4.0 * plain
    y = x * 1.0
    y.backward(s)
    assert x.grad == plain
    for create_graph in (False, True):  # a direction for forward mode, alone or in a list
        assert tangents(x * x, x, s, create_graph)[0].data == 4.0 * plain
        assert tangents([x * x], [x], [s], create_graph)[0].data == 4.0 * plain


def test_bool_and_numpy_bool_are_treated_alike() -> None:
    assert (Value(2.0) * True).data == (Value(2.0) * np.bool_(True)).data == 2.0
    assert Value(np.bool_(False)).data == Value(False).data == 0.0


def test_an_array_of_several_numbers_is_refused_from_either_side() -> None:
    x = Value(2.0)
    for f in (lambda: x * np.array([1.0, 2.0]), lambda: np.array([1.0, 2.0]) * x):
        with pytest.raises(TypeError, match="mul: expected a real number"):
            f()
    with pytest.raises(TypeError, match="grad_outputs"):
        grad(x * x, x, grad_outputs="2")  # type: ignore[arg-type]
