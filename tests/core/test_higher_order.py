"""Second and third derivatives, mixed partials and Hessians against sympy."""

import math

import pytest
import sympy as sp

from autograd import Value, grad
from autograd.ops import TABLE
from autograd.testing.operations import apply
from autograd.testing.oracle import symbolic

X, Y = sp.symbols("x y", real=True)

# (engine function, the same function in sympy) over two variables
FUNCTIONS = [
    (lambda x, y: x * y * y + x.exp() * y, X * Y**2 + sp.exp(X) * Y),
    (lambda x, y: (x * y).tanh() + x.sin() * y.cos(), sp.tanh(X * Y) + sp.sin(X) * sp.cos(Y)),
    (lambda x, y: (x * x + y * y).sqrt().log(), sp.log(sp.sqrt(X**2 + Y**2))),
    (lambda x, y: x**y + (x / y).sigmoid(), X**Y + 1 / (1 + sp.exp(-X / Y))),
    (lambda x, y: (x - y).softplus() * x**3, sp.log(1 + sp.exp(X - Y)) * X**3),
]
POINTS = [(0.7, 1.3), (1.9, -0.4), (0.3, 2.2)]  # x > 0 throughout, for x ** y


def _sym(expr, x, y):
    return float(expr.subs({X: x, Y: y}).evalf(30))


@pytest.mark.parametrize("fn, sym", FUNCTIONS)
@pytest.mark.parametrize("point", POINTS)
def test_gradient_hessian_and_third_derivatives(fn, sym, point):
    x, y = Value(point[0]), Value(point[1])
    f = fn(x, y)
    gx, gy = grad(f, [x, y], create_graph=True)
    hxx, hxy = grad(gx, [x, y], create_graph=True)
    hyx, hyy = grad(gy, [x, y], create_graph=True)
    (txxy,) = grad(hxx, [y])
    (tyyy,) = grad(hyy, [y])
    expected = {
        "f": (f, sym),
        "gx": (gx, sp.diff(sym, X)),
        "gy": (gy, sp.diff(sym, Y)),
        "hxx": (hxx, sp.diff(sym, X, 2)),
        "hxy": (hxy, sp.diff(sym, X, Y)),
        "hyx": (hyx, sp.diff(sym, Y, X)),
        "hyy": (hyy, sp.diff(sym, Y, 2)),
        "txxy": (txxy, sp.diff(sym, X, 2, Y)),
        "tyyy": (tyyy, sp.diff(sym, Y, 3)),
    }
    for name, (got, want) in expected.items():
        assert got.data == pytest.approx(_sym(want, *point), rel=1e-9, abs=1e-12), name
    assert hxy.data == pytest.approx(hyx.data, rel=1e-12)


def test_hessian_vector_product():
    x, y = Value(0.5), Value(-1.5)
    f = x * x * y + (x * y).sin()
    gx, gy = grad(f, [x, y], create_graph=True)
    v = (2.0, -1.0)
    hv = grad(gx * v[0] + gy * v[1], [x, y])
    h = sp.hessian(X**2 * Y + sp.sin(X * Y), (X, Y)).subs({X: 0.5, Y: -1.5})
    want = [float(h[i, 0] * v[0] + h[i, 1] * v[1]) for i in range(2)]
    assert [g.data for g in hv] == pytest.approx(want, rel=1e-12)


def _zero(*args):
    return sp.Integer(0)  # the delta of a kink: the points stay away from kinks


def _inside(intervals):
    lo, hi = intervals[0]
    return (lo + hi) / 2


@pytest.mark.parametrize("p", TABLE, ids=lambda p: p.name)
def test_third_order_through_every_row(p):
    """Every row of the registry, differentiated three times along each input, against sympy at
    a point inside its sample intervals."""
    point = [_inside(s) for s in p.sample]
    params = [s[0] for s in p.param_samples] or list(p.param_defaults)
    oracle = symbolic(p)
    names = (*oracle.symbols, *oracle.param_symbols)
    subs = dict(zip(names, (*point, *params), strict=True))
    for i in range(len(p.inputs)):
        xs = [Value(v) for v in point]
        d = apply(p, xs, params)
        expr = oracle.expr
        for order in (1, 2, 3):
            (d,) = grad(d, xs[i], create_graph=order < 3)
            expr = sp.diff(expr, oracle.symbols[i]).replace(sp.DiracDelta, _zero)
            subs = dict(
                zip((*oracle.symbols, *oracle.param_symbols), (*point, *params), strict=True)
            )
            want = float(expr.subs(subs))
            assert d.data == pytest.approx(want, rel=1e-10, abs=1e-12), (p.name, i, order)


def test_newton_step_uses_second_derivative():
    # f(x) = x^4 - 3x: one Newton step x - f'/f'' from x = 1
    x = Value(1.0)
    f = x**4 - 3 * x
    (d1,) = grad(f, x, create_graph=True)
    (d2,) = grad(d1, x)
    assert x.data - d1.data / d2.data == pytest.approx(1 - (4 - 3) / 12)
    assert math.isclose(d1.data, 1.0) and math.isclose(d2.data, 12.0)
