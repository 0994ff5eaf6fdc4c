"""Derivatives at exact zeros, to every order: the float and the graph paths agree, with PyTorch.

A derivative rule over floats (backward, grad) and the same rule over Values
(grad with create_graph=True, which can be differentiated again) must give the same numbers
everywhere, including kinks, zeros and poles; polynomials differentiate to any order at 0.
"""

from __future__ import annotations

import math

import pytest
import sympy
from edge_programs import (
    EDGE_POINTS,
    fractional_power_of_negative_zero,
    identical,
    programs,
    run_engine,
    run_torch,
    same,
)
from hypothesis import assume, given
from hypothesis import strategies as st

import autograd
from autograd import Value, grad
from autograd.core import twins
from autograd.ops import FLOAT_NAMESPACE

inf, nan = math.inf, math.nan


def derivatives(f, x0: float, order: int = 3) -> list[float]:
    """f(x0), f'(x0), ... by repeated grad(create_graph=True)."""
    x = Value(x0)
    y = f(x)
    out = [y.data]
    for _ in range(order):
        (y,) = grad(y, x, create_graph=True)
        out.append(y.data)
    return out


# -- the reproductions of the issue -------------------------------------------------------------


def test_polynomials_differentiate_to_any_order_at_zero() -> None:
    assert derivatives(lambda x: x**2, 0.0, 4) == [0.0, 0.0, 2.0, 0.0, 0.0]
    assert derivatives(lambda x: x**3, 0.0, 5) == [0.0, 0.0, 0.0, 6.0, 0.0, 0.0]
    x = Value(0.0)
    (d1,) = grad(x**2, x, create_graph=True)
    (d2,) = grad(d1, x, create_graph=True)
    assert grad(d2, x)[0].data == 0.0 == grad(d2, x, create_graph=True)[0].data


def test_powers_zero_and_one_at_zero_as_pytorch() -> None:
    assert derivatives(lambda x: x**0, 0.0, 2) == [1.0, 0.0, 0.0]
    assert derivatives(lambda x: x**1, 0.0, 3) == [0.0, 1.0, 0.0, 0.0]


def test_sqrt_at_zero_is_inf_then_minus_inf_as_pytorch() -> None:
    assert derivatives(Value.sqrt, 0.0) == [0.0, inf, -inf, inf]
    assert derivatives(lambda x: x**0.5, 0.0) == [0.0, inf, -inf, inf]
    assert derivatives(Value.sqrt, -0.0)[1:] == [-inf, inf, -inf]
    x = Value(0.0)
    x.sqrt().backward()
    assert x.grad == inf


def test_zero_to_a_power_matches_backward() -> None:
    y = Value(2.0)
    (0**y).backward()
    (g,) = grad(0**y, y, create_graph=True)
    assert g.data == y.grad == 0.0


def test_relu_of_nan_is_nan_and_its_zero_slope_masks() -> None:
    assert math.isnan(Value(nan).relu().data)
    assert Value(-0.0).relu().data == 0.0
    x = Value(-1.0)
    x.relu().sqrt().backward()  # sqrt'(0) = inf, relu'(-1) = 0: no gradient, not inf * 0
    assert x.grad == 0.0
    assert grad(x.relu().sqrt(), x)[0].data == 0.0
    assert grad(x.relu().sqrt(), x, create_graph=True)[0].data == 0.0
    assert autograd.compile(lambda v: v.relu().sqrt(), [1.0])(-1.0).grads == (0.0,)


# -- the Value twins have the float helpers' values at the edges --------------------------------

TWIN_CASES = {
    "pow_grad": [(0.0, -1.0), (-0.0, -1.0), (0.0, 0.0), (2.0, 3.0), (1e-200, -2.0), (0.0, 0.5)],
    "dpow": [(0.0, 0.0), (0.0, 1.0), (0.0, 0.5), (0.0, -1.0), (3.0, 2.0), (0.0, 2.0)],
    "xlogy": [(0.0, 0.0), (1.0, 0.0), (2.0, 3.0), (0.0, 5.0), (1.0, 1.0)],
    "recip": [(0.0,), (-0.0,), (4.0,), (-2.0,)],
    "sign": [(0.0,), (-3.0,), (2.0,), (nan,)],
}


@pytest.mark.parametrize("name", sorted(TWIN_CASES))
def test_each_twin_has_the_float_helpers_values(name: str) -> None:
    twin, helper = getattr(twins, name), FLOAT_NAMESPACE[name]
    for args in TWIN_CASES[name]:
        want = helper(*args)  # type: ignore[operator]
        got = twin(*(Value(args[0]), *args[1:]))  # type: ignore[operator]
        got = got.data if isinstance(got, Value) else got
        assert identical(got, want), (name, args, got, want)


@given(st.sampled_from(["pow_grad", "dpow"]), st.sampled_from([*EDGE_POINTS, 3.0]), st.data())
def test_twins_are_differentiable_like_their_formula(name: str, x0: float, data) -> None:
    """d/dx pow_grad(x, k) is dpow(x, k); d/dx dpow(x, k) is k * dpow(x, k - 1), masked at 0."""
    k = data.draw(st.sampled_from([0.0, 1.0, 2.0, 3.0, 0.5, -1.0]))
    assume(x0 >= 0 or k == int(k))
    x = Value(x0)
    made = getattr(twins, name)(x, k)  # type: ignore[operator]
    d = grad(made, x)[0].data if isinstance(made, Value) else 0.0  # a constant: slope 0
    dpow = FLOAT_NAMESPACE["dpow"]
    want = dpow(x0, k) if name == "pow_grad" else (0.0 if k == 0 else k * dpow(x0, k - 1))
    assert identical(d, want), (name, x0, k, d, want)


# -- polynomials against sympy, at zero and elsewhere -----------------------------------------

X = sympy.Symbol("x")


@st.composite
def polynomials(draw):
    """Terms c * x**k1 * x**k2 (a product of powers, so zeros meet zeros)."""
    terms = draw(
        st.lists(
            st.tuples(st.integers(-3, 3), st.integers(0, 4), st.integers(0, 3), st.booleans()),
            min_size=1,
            max_size=4,
        )
    )
    return terms


def _engine_poly(terms, x):
    total = 0.0
    for c, k1, k2, as_product in terms:
        term = c * (x ** float(k1) * x ** float(k2) if as_product else x ** float(k1 + k2))
        total = term + total
    return total if isinstance(total, Value) else Value(total) * 1.0


@given(polynomials(), st.sampled_from([0.0, -0.0, 1.0, -1.0, 0.5, 2.0]))
def test_polynomials_match_sympy_to_fourth_order(terms, x0: float) -> None:
    exact = sum(c * X ** (k1 + k2) for c, k1, k2, _ in terms)
    x = Value(x0)
    y = _engine_poly(terms, x)
    for order in range(1, 5):
        (y,) = grad(y, x, create_graph=True)
        want = float(sympy.diff(exact, X, order).subs(X, sympy.Rational(x0)))
        assert same(y.data, want, 1e-12), (order, terms, x0, y.data, want)


# -- the float and the graph paths agree everywhere ------------------------------------------


def _first_order_every_way(steps, x0: float, y0: float):
    """d out / dx and d out / dy by backward, grad, grad(create_graph) and compile."""
    x, y = Value(x0), Value(y0)
    out = run_engine(steps, x, y)
    out.backward()
    eager = [x.grad, y.grad]
    floats = [g.data for g in grad(out, [x, y])]
    graph = [g.data for g in grad(out, [x, y], create_graph=True)]
    compiled = list(autograd.compile(lambda a, b: run_engine(steps, a, b), [x0, y0])(x0, y0).grads)
    return eager, floats, graph, compiled


def _forward_ok(steps, x0: float, y0: float) -> bool:
    try:
        run_engine(steps, Value(x0), Value(y0))
    except (ArithmeticError, ValueError):
        return False
    return True


@given(programs(), st.sampled_from(EDGE_POINTS), st.sampled_from(EDGE_POINTS))
def test_first_order_paths_agree_at_edges(steps, x0: float, y0: float) -> None:
    assume(_forward_ok(steps, x0, y0))
    eager, floats, graph, compiled = _first_order_every_way(steps, x0, y0)
    for i in range(2):
        assert identical(eager[i], floats[i]), (steps, eager, floats)
        assert identical(eager[i], compiled[i]), (steps, eager, compiled)
        assert same(eager[i], graph[i]), (steps, eager, graph)


@given(programs(max_steps=4), st.sampled_from(EDGE_POINTS), st.sampled_from(EDGE_POINTS))
def test_higher_order_float_and_graph_paths_agree(steps, x0: float, y0: float) -> None:
    """At each order, grad over floats and grad over Values give the same derivative."""
    assume(_forward_ok(steps, x0, y0))
    x, y = Value(x0), Value(y0)
    d = run_engine(steps, x, y)
    for _ in range(3):
        (as_floats,) = grad(d, x)
        (d,) = grad(d, x, create_graph=True)
        assert same(as_floats.data, d.data), (steps, x0, y0, as_floats.data, d.data)


# -- against PyTorch, to third order ------------------------------------------------------------


def _torch_derivatives(torch, steps, x0: float, y0: float, order: int = 3) -> list[float]:
    x = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
    y = torch.tensor(y0, dtype=torch.float64, requires_grad=True)
    out = run_torch(torch, steps, x, y)
    values = [out.item()]
    for _ in range(order):
        if not out.requires_grad:
            values.append(0.0)
            out = torch.tensor(0.0, dtype=torch.float64)
            continue
        (d,) = torch.autograd.grad(out, x, create_graph=True, allow_unused=True)
        out = torch.tensor(0.0, dtype=torch.float64) if d is None else d
        values.append(out.item())
    return values


def _engine_derivatives(steps, x0: float, y0: float, order: int = 3) -> list[float]:
    x, y = Value(x0), Value(y0)
    out = run_engine(steps, x, y)
    values = [out.data]
    for _ in range(order):
        (out,) = grad(out, x, create_graph=True)
        values.append(out.data)
    return values


@pytest.mark.torch
@given(programs(), st.sampled_from(EDGE_POINTS), st.sampled_from(EDGE_POINTS))
def test_derivatives_to_third_order_match_pytorch_at_edges(steps, x0: float, y0: float) -> None:
    torch = pytest.importorskip("torch")
    assume(_forward_ok(steps, x0, y0))  # where the engine refuses (log 0, 0 ** -1), torch is inf
    assume(not fractional_power_of_negative_zero(steps, x0, y0))
    ours = _engine_derivatives(steps, x0, y0)
    theirs = _torch_derivatives(torch, steps, x0, y0)
    for order, (a, b) in enumerate(zip(ours, theirs, strict=True)):
        scale = max([abs(v) for v in ours + theirs if math.isfinite(v)] + [1.0])
        assert same(a, b, tol=1e-12 * scale), f"order {order} of {steps} at x={x0}, y={y0}: " + (
            f"{ours} vs torch {theirs}"
        )
