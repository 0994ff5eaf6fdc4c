# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 5. Higher-order derivatives
#
# The gradient is itself computed by arithmetic: products of local derivatives. If that
# arithmetic is done on `Value`s instead of plain floats, the gradient has a computation
# graph of its own, and we can differentiate it again. That gives second derivatives
# (curvature), Hessians, and optimisers such as Newton's method that use them.
#
# `autograd.grad(out, inputs, create_graph=True)` returns the gradient as `Value`s with
# such a graph; without `create_graph` it returns plain results, which is cheaper.

# %% [markdown]
# **In the browser.** In the documentation's JupyterLite site this notebook runs in Pyodide,
# and that site has no matplotlib: Pyodide's build of it is published on neither PyPI nor npm,
# the only registries the site is built from. Where matplotlib is missing, the cells below draw
# the same curves as SVG with `autograd.viz.chart`, which needs nothing.

# %%
import math

try:
    import matplotlib.pyplot as plt
except ImportError:  # in the browser (JupyterLite): autograd.viz.chart draws instead
    plt = None
from IPython.display import display

from autograd import Value, grad
from autograd.testing import gradgradcheck
from autograd.viz.chart import LineChart


def close(a, b, tol=1e-9):
    return math.isclose(a, b, rel_tol=tol, abs_tol=tol)


# %% [markdown]
# ## Second and third derivatives
#
# Take $f(x) = x^3 - 2x + e^x$. By hand: $f'(x) = 3x^2 - 2 + e^x$, $f''(x) = 6x + e^x$ and
# $f'''(x) = 6 + e^x$. Each `grad` call with `create_graph=True` peels off one more.

# %%
x = Value(0.8, "x")
f = x**3 - 2 * x + x.exp()
(d1,) = grad(f, x, create_graph=True)
(d2,) = grad(d1, x, create_graph=True)
(d3,) = grad(d2, x)

e = math.exp(0.8)
hand = [3 * 0.8**2 - 2 + e, 6 * 0.8 + e, 6 + e]
for order, (got, want) in enumerate(zip((d1, d2, d3), hand, strict=True), start=1):
    prime = "'" * order
    print(f"f{prime}(0.8): engine {got.data:.12f}   by hand {want:.12f}")
    assert close(got.data, want, 1e-12)

# %% [markdown]
# The second derivative is the slope of the first, so finite differences of `f'` measure
# it independently, and `gradgradcheck` does that for every pair of inputs:

# %%
h = 1e-5


def first(at):
    v = Value(at)
    (g,) = grad(v**3 - 2 * v + v.exp(), v)
    return g.data


numeric = (first(0.8 + h) - first(0.8 - h)) / (2 * h)
print(f"f''(0.8) by finite differences of f': {numeric:.8f}")
assert close(numeric, d2.data, 1e-7)
assert gradgradcheck(lambda v: v**3 - 2 * v + v.exp(), [0.8])

# %% [markdown]
# ## Derivatives of an activation
#
# The derivatives of `tanh` follow a pattern: $\tanh' = 1 - \tanh^2$ and
# $\tanh'' = -2\tanh\,(1 - \tanh^2)$. The engine produces them with no formula of ours at all:
# it only knows the first derivative rule of `tanh` and applies it to itself.

# %%
grid = [-3 + 6 * i / 120 for i in range(121)]
curves = {"tanh": [], "tanh'": [], "tanh''": []}
for at in grid:
    v = Value(at)
    t = v.tanh()
    (g1,) = grad(t, v, create_graph=True)
    (g2,) = grad(g1, v)
    curves["tanh"].append(t.data)
    curves["tanh'"].append(g1.data)
    curves["tanh''"].append(g2.data)
    th = math.tanh(at)
    assert close(g1.data, 1 - th**2, 1e-12) and close(g2.data, -2 * th * (1 - th**2), 1e-12)

if plt is None:  # no matplotlib (in the browser): the same curves as SVG
    chart = LineChart("tanh and its derivatives, by the engine", "x")
    for name, ys in curves.items():
        chart.plot(ys, grid, label=name)
    display(chart)
else:
    fig, ax = plt.subplots(figsize=(6, 4))
    for name, ys in curves.items():
        ax.plot(grid, ys, label=name)
    ax.axhline(0, color="gray", lw=0.5)
    ax.set(xlabel="x", title="tanh and its derivatives, by the engine")
    ax.legend()
    plt.show()

# %% [markdown]
# ## Newton's method against gradient descent
#
# Gradient descent steps against the slope, $x \leftarrow x - \eta f'(x)$, with a step size
# $\eta$ we must choose. Newton's method also uses the curvature: it fits a parabola with the
# same value, slope and curvature at $x$ and jumps to its bottom,
#
# $$x \leftarrow x - \frac{f'(x)}{f''(x)}.$$
#
# Where the curvature is large the step shrinks, where it is small the step grows. Near the
# minimum the number of correct digits roughly doubles each step. We minimise
# $g(x) = \frac{x^4}{4} + \frac{x^2}{2} - 2x$, whose minimum is at $x = 1$ (there
# $g'(x) = x^3 + x - 2 = 0$), from $x = 3$.


# %%
def g(v):
    return v**4 / 4 + v**2 / 2 - 2 * v


def slope_and_curvature(at):
    v = Value(at)
    (d1,) = grad(g(v), v, create_graph=True)
    (d2,) = grad(d1, v)
    return d1.data, d2.data


STEPS, LR = 8, 0.1
newton, descent = [3.0], [3.0]
for _ in range(STEPS):
    s, c = slope_and_curvature(newton[-1])
    newton.append(newton[-1] - s / c)
    s, _ = slope_and_curvature(descent[-1])
    descent.append(descent[-1] - LR * s)

print(f"{'step':>4}{'Newton':>20}{'gradient descent':>20}")
for k, (a, b) in enumerate(zip(newton, descent, strict=True)):
    print(f"{k:>4}{a:>20.15f}{b:>20.15f}")

if plt is None:  # no matplotlib (in the browser): the same curves as SVG
    chart = LineChart("distance to the minimum", "step", "|x - 1|", log=True)
    chart.plot([max(abs(a - 1), 1e-17) for a in newton], label="Newton")
    display(chart.plot([abs(b - 1) for b in descent], label=f"gradient descent, lr={LR}"))
else:
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.semilogy([max(abs(a - 1), 1e-17) for a in newton], marker="o", label="Newton")
    ax.semilogy([abs(b - 1) for b in descent], marker="s", label=f"gradient descent, lr={LR}")
    ax.set(xlabel="step", ylabel="|x - 1|", title="distance to the minimum")
    ax.legend()
    plt.show()

assert abs(newton[-1] - 1) < 1e-12  # Newton: converged to machine precision
assert abs(descent[-1] - 1) > 1e-3  # gradient descent: still on its way

# %% [markdown]
# Newton's method is not free: it needs the second derivative, and where $f'' < 0$ (a hump
# rather than a valley) its parabola opens downwards and the step goes *uphill* towards a
# maximum. For networks with millions of weights the second derivatives form a matrix too
# large to use, which is why training uses first-order methods such as SGD and Adam.
#
# ## A Hessian
#
# With several inputs the second derivatives form a matrix, the **Hessian**
# $H_{ij} = \partial^2 f / \partial x_i \partial x_j$. Row $i$ is the gradient of
# $\partial f/\partial x_i$. We take a Rosenbrock-style valley,
# $r(x, y) = (1 - x)^2 + 5(y - x^2)^2$, whose Hessian by hand is
#
# $$H = \begin{pmatrix} 2 - 20y + 60x^2 & -20x \\ -20x & 10 \end{pmatrix}.$$


# %%
def rosen(x, y):
    return (1 - x) ** 2 + 5 * (y - x**2) ** 2


def hessian(fn, point):
    leaves = [Value(p, f"x{i}") for i, p in enumerate(point)]
    gradient = grad(fn(*leaves), leaves, create_graph=True)
    rows = [[d.data for d in grad(gi, leaves)] for gi in gradient]
    return [gi.data for gi in gradient], rows


px, py = 0.5, -0.3
gradient, H = hessian(rosen, [px, py])
H_hand = [[2 - 20 * py + 60 * px**2, -20 * px], [-20 * px, 10.0]]
print("engine  H =", [[round(v, 12) for v in row] for row in H])
print("by hand H =", H_hand)
assert all(close(H[i][j], H_hand[i][j], 1e-12) for i in range(2) for j in range(2))
assert H[0][1] == H[1][0]  # mixed partials agree: the Hessian is symmetric

# %% [markdown]
# Checked once more against finite differences of the gradient, column by column:

# %%
for j in range(2):
    up = hessian(rosen, [px + h * (j == 0), py + h * (j == 1)])[0]
    down = hessian(rosen, [px - h * (j == 0), py - h * (j == 1)])[0]
    column = [(u - d) / (2 * h) for u, d in zip(up, down, strict=True)]
    print(f"column {j}: finite differences {[round(c, 6) for c in column]}")
    assert all(close(column[i], H[i][j], 1e-6) for i in range(2))

# %% [markdown]
# ## Newton's method in two dimensions
#
# The Newton step solves $H\,\Delta = -\nabla r$: the bottom of the local quadratic model.
# On this curved valley the first steps wander (the quadratic model is poor far from the
# minimum, and `r` even rises at times); once close to (1, 1), the error shrinks
# quadratically and a few steps reach machine precision.


# %%
def solve2(H, b):
    (a, c), (d, e) = H
    det = a * e - c * d
    return [(e * b[0] - c * b[1]) / det, (a * b[1] - d * b[0]) / det]


point = [-1.0, 1.5]
for step in range(11):
    gradient, H = hessian(rosen, point)
    delta = solve2(H, [-gi for gi in gradient])
    point = [p + dp for p, dp in zip(point, delta, strict=True)]
    print(f"step {step + 1}: x = {point[0]:+.12f}, y = {point[1]:+.12f}, r = {rosen(*point):.3e}")
assert close(point[0], 1.0, 1e-12) and close(point[1], 1.0, 1e-12)

# %% [markdown]
# ## What to remember
#
# * `grad(..., create_graph=True)` returns derivatives that are themselves differentiable.
# * Second derivatives measure curvature; Newton's method uses them to take steps of the
#   right length and converges in very few steps near a minimum.
# * The Hessian is the gradient of the gradient, symmetric for smooth functions, and
#   `gradgradcheck` checks it against finite differences.
