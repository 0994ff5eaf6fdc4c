"""autograd.func: transforms against torch.func, forward against reverse, Hessians against sympy."""

from __future__ import annotations

import math
import operator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd import Value, primitive
from autograd.func import grad, hessian, hvp, jacfwd, jacrev, jvp, value_and_grad, vjp
from autograd.testing.operations import apply
from autograd.testing.strategies import Const, Expression, expressions


def close(a: float, b: float, rel: float = 1e-9) -> bool:
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b or abs(a - b) <= rel * (1.0 + abs(b))


def all_close(a, b, rel: float = 1e-9) -> bool:
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(all_close(x, y, rel) for x, y in zip(a, b, strict=True))
    return close(a, b, rel)


def as_function(expr: Expression):
    return lambda *xs: expr.build(list(xs))


def two_outputs(expr: Expression, xs):
    """The expression's last two slots (the output and the node, or input, before it)."""
    slots = list(xs)
    for node in expr.nodes:
        args = [a.value if isinstance(a, Const) else slots[a] for a in node.args]
        slots.append(apply(node.primitive, args, node.params))
    return [slots[-1], slots[-2]]


# -- examples -------------------------------------------------------------------------------


def test_scalar_derivatives_and_their_shapes():
    f = lambda x, y: x * x * y
    assert grad(f)(3.0, 2.0) == 12.0
    assert grad(f, argnums=1)(3.0, 2.0) == 9.0
    assert grad(f, argnums=(0, 1))(3.0, 2.0) == (12.0, 9.0)
    assert value_and_grad(f)(3.0, 2.0) == (18.0, 12.0)
    assert jacrev(f, argnums=(0, 1))(3.0, 2.0) == (12.0, 9.0)
    assert jacfwd(f, argnums=(0, 1))(3.0, 2.0) == (12.0, 9.0)
    assert hessian(f)(3.0, 2.0) == 4.0
    assert isinstance(grad(f)(3.0, 2.0), float)


def test_vector_arguments_give_lists_and_a_jacobian_is_rows():
    f = lambda v: [v[0] * v[1], v[0] + v[1].sin()]
    want = [[5.0, 2.0], [1.0, math.cos(5.0)]]
    assert jacrev(f)([2.0, 5.0]) == want
    assert jacfwd(f)([2.0, 5.0]) == want
    assert grad(lambda v: v[0] * v[1])([2.0, 5.0]) == [5.0, 2.0]
    assert hessian(lambda v: v[0] * v[0] * v[1])([3.0, 2.0]) == [[4.0, 6.0], [6.0, 0.0]]


def test_transforms_nest_to_any_order():
    f = lambda x: x.sin()
    d = [f, grad(f), grad(grad(f)), grad(grad(grad(f))), grad(grad(grad(grad(f))))]
    assert [round(g(0.5), 12) for g in d[1:]] == [
        round(v, 12) for v in (math.cos(0.5), -math.sin(0.5), -math.cos(0.5), math.sin(0.5))
    ]


def test_no_perturbation_confusion():
    # d/dx [ x * (d/dy (x + y) at y = x) ] = d/dx x = 1: the inner y is its own variable.
    assert grad(lambda x: x * grad(lambda y: x + y)(x))(2.0) == 1.0
    # d/dx [ d/dy (x * y) at y = x ] = d/dx x = 1, not d/dx 2x = 2
    assert grad(lambda x: grad(lambda y: x * y)(x))(2.0) == 1.0


def test_jvp_vjp_and_hvp():
    value, tangent = jvp(lambda x, y: [x * y, x + y], (2.0, 3.0), (1.0, 10.0))
    assert value == [6.0, 5.0] and tangent == [3.0 + 20.0, 11.0]
    value, vjp_fn = vjp(lambda x, y: x * y, 2.0, 3.0)
    assert value == 6.0 and vjp_fn(2.0) == (6.0, 4.0)
    assert hvp(lambda x, y: x * x * y, (3.0, 2.0), (1.0, 0.0)) == (18.0, (4.0, 6.0))
    assert hvp(lambda v: v[0] * v[0] * v[1], ([3.0, 2.0],), ([0.0, 1.0],)) == (18.0, ([6.0, 0.0],))


def test_a_user_primitive_gets_forward_mode_for_free():
    @primitive(derivatives=[lambda x: 3 * x**2])
    def cube(x):
        return x**3

    assert jvp(cube, (2.0,), (1.0,)) == (8.0, 12.0)
    assert jacfwd(cube)(2.0) == jacrev(cube)(2.0) == 12.0
    assert hessian(cube)(2.0) == 12.0  # forward over reverse through the user's rule


def test_transforms_leave_no_gradient_behind():
    w = Value(3.0)
    grad(lambda x: x * w)(2.0)
    jvp(lambda x: x * w, (2.0,), (1.0,))
    assert w.grad == 0.0


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: grad(lambda x: 2.0)(1.0), TypeError, "must return a Value"),
        (lambda: grad(lambda x: [x, x])(1.0), TypeError, "one Value"),
        (lambda: grad(lambda x: x, argnums=3)(1.0), ValueError, "argnums 3 out of range"),
        (lambda: jvp(lambda x: x, (1.0,), ()), ValueError, "1 primals but 0 tangents"),
        (lambda: jvp(lambda v: v[0], ([1.0, 2.0],), ([1.0],)), ValueError, "tangent 0"),
        (lambda: grad(lambda x: x)("one"), TypeError, "expected a real number"),
        (lambda: vjp(lambda x: [x, x], 1.0)[1]([1.0]), ValueError, "2 outputs but 1"),
    ],
)
def test_bad_use_is_refused_clearly(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_an_inner_transform_keeps_the_outer_variable_it_closes_over():
    # d/da [a * d/dt (a t)] = d/da a^2 = 2a = 3 at a = 1.5 (torch.func agrees); it was half that
    assert grad(lambda a: a * grad(lambda t: a * t)(3.0))(1.5) == 3.0
    assert grad(lambda a: grad(lambda t: a * t)(3.0))(1.5) == 1.0  # it raised: a float back
    assert jacrev(lambda a: a * jacrev(lambda t: a * t)(3.0))(1.5) == 3.0
    assert jacfwd(lambda a: a * jvp(lambda t: a * t, (3.0,), (1.0,))[1])(1.5) == 3.0
    assert grad(lambda a: a * vjp(lambda t: a * t, 3.0)[1](1.0)[0])(1.5) == 3.0
    assert hessian(lambda a: a * grad(lambda t: a * t)(3.0))(1.5) == 2.0
    # an inner transform alone, outside any other, still gives floats
    assert grad(lambda t: 2.0 * t)(3.0) == 2.0


# -- properties -----------------------------------------------------------------------------


@settings(max_examples=40)
@given(expressions(max_ops=6), st.data())
def test_forward_and_reverse_agree(expr, data):
    """u . (J v) computed by jvp equals (u J) . v computed by vjp."""
    f = lambda *xs: two_outputs(expr, xs)
    xs = expr.inputs
    v = data.draw(st.lists(st.floats(-2, 2), min_size=len(xs), max_size=len(xs)))
    u = data.draw(st.lists(st.floats(-2, 2), min_size=2, max_size=2))
    _, jv = jvp(f, xs, v)
    _, vjp_fn = vjp(f, *xs)
    uj = vjp_fn(u)
    left = sum(a * b for a, b in zip(u, jv, strict=True))
    right = sum(a * b for a, b in zip(uj, v, strict=True))
    assert close(left, right, 1e-9)


@settings(max_examples=40)
@given(expressions(max_ops=6))
def test_jacfwd_equals_jacrev(expr):
    f = lambda *xs: two_outputs(expr, xs)
    nums = tuple(range(len(expr.inputs)))
    assert all_close(jacfwd(f, nums)(*expr.inputs), jacrev(f, nums)(*expr.inputs))


@settings(max_examples=25)
@given(expressions(max_ops=5))
def test_hessian_matches_sympy(expr):
    sympy = pytest.importorskip("sympy")
    symbols = sympy.symbols(f"x0:{len(expr.inputs)}", real=True)
    h = sympy.hessian(expr.sympy(symbols), symbols)
    point = dict(zip(symbols, expr.inputs, strict=True))
    got = hessian(lambda v: expr.build(v))(list(expr.inputs))
    for i in range(len(symbols)):
        for j in range(len(symbols)):
            # the samples keep away from kinks, where sympy's second derivative has deltas
            entry = sympy.sympify(h[i, j].replace(sympy.DiracDelta, lambda *_: sympy.S.Zero)).subs(
                point
            )
            want = float(entry.evalf(30))
            assert close(got[i][j], want, 1e-7), (i, j, str(expr))


@settings(max_examples=25)
@given(expressions(max_ops=5), st.data())
def test_hvp_is_the_hessian_times_v(expr, data):
    xs = list(expr.inputs)
    v = data.draw(st.lists(st.floats(-2, 2), min_size=len(xs), max_size=len(xs)))
    f = lambda vec: expr.build(vec)
    h = hessian(f)(xs)
    _, (hv,) = hvp(f, (xs,), (v,))
    want = [sum(h[i][j] * v[j] for j in range(len(xs))) for i in range(len(xs))]
    assert all_close(hv, want, 1e-9)


# -- against torch.func ------------------------------------------------------------------------


def _torch_slots(expr: Expression, vec):
    torch = pytest.importorskip("torch")

    def reference(p):  # the row's PyTorch function (meta.torch); identity has none
        if p.meta.torch is None:
            return lambda a: a
        return operator.attrgetter(p.meta.torch.removeprefix("torch."))(torch)

    slots = [vec[i] for i in range(len(expr.inputs))]
    for node in expr.nodes:
        args = [
            torch.tensor(a.value, dtype=torch.float64) if hasattr(a, "value") else slots[a]
            for a in node.args
        ]
        slots.append(reference(node.primitive)(*args, *node.params))
    return slots


@pytest.mark.torch
@settings(max_examples=30)
@given(expressions(max_ops=6), st.data())
def test_against_torch_func(expr, data):
    torch = pytest.importorskip("torch")
    xs = list(expr.inputs)
    v = data.draw(st.lists(st.floats(-2, 2), min_size=len(xs), max_size=len(xs)))
    t_in = torch.tensor(xs, dtype=torch.float64)
    t_v = torch.tensor(v, dtype=torch.float64)
    scalar = lambda vec: expr.build(vec)
    t_scalar = lambda vec: _torch_slots(expr, vec)[-1]
    vector = lambda vec: two_outputs(expr, vec)
    t_vector = lambda vec: torch.stack(_torch_slots(expr, vec)[-2:][::-1])

    assert all_close(grad(scalar)(xs), torch.func.grad(t_scalar)(t_in).tolist())
    assert all_close(jacrev(vector)(xs), torch.func.jacrev(t_vector)(t_in).tolist())
    assert all_close(jacfwd(vector)(xs), torch.func.jacfwd(t_vector)(t_in).tolist())
    assert all_close(hessian(scalar)(xs), torch.func.hessian(t_scalar)(t_in).tolist())
    _, jv = jvp(vector, (xs,), (v,))
    _, t_jv = torch.func.jvp(t_vector, (t_in,), (t_v,))
    assert all_close(jv, t_jv.tolist())


# Inner transforms of one variable t whose function closes over the outer variable a; each
# gives d f(a, t) / dt at t0 as something the outer transform differentiates again.
INNER = {
    "grad": lambda f, t0: grad(f)(t0),
    "jacrev": lambda f, t0: jacrev(f)(t0),
    "jacfwd": lambda f, t0: jacfwd(f)(t0),
    "jvp": lambda f, t0: jvp(f, (t0,), (1.0,))[1],
    "vjp": lambda f, t0: vjp(f, t0)[1](1.0)[0],
}
OUTER = {
    "grad": lambda g, a0: grad(g)(a0),
    "jacrev": lambda g, a0: jacrev(g)(a0),
    "jacfwd": lambda g, a0: jacfwd(g)(a0),
    "jvp": lambda g, a0: jvp(g, (a0,), (1.0,))[1],
}


@settings(max_examples=60)
@given(
    expressions(max_ops=5, inputs=(2, 3)),
    st.sampled_from(sorted(INNER)),
    st.sampled_from(sorted(OUTER)),
)
def test_nested_transforms_through_a_closure_give_the_mixed_derivative(expr, inner, outer):
    """d/da (d/dt f(a, t)) with the inner function closing over a equals the Hessian's entry
    computed with a and t as arguments of one function (no closure)."""
    a0, t0, *rest = expr.inputs

    def outer_f(a):
        return INNER[inner](lambda t: expr.build([a, t, *rest]), t0)

    want = hessian(lambda v: expr.build(v))(list(expr.inputs))[0][1]
    assert close(OUTER[outer](outer_f, a0), want, 1e-9), (inner, outer, str(expr))
