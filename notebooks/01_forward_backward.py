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
# # 1. Forward and backward, by hand and by engine
#
# A neural network is a function built from small pieces. *Forward propagation* evaluates
# the pieces in order, from the inputs to the error. *Backward propagation* walks the same
# pieces in reverse and applies the chain rule, to learn how much each weight is to blame
# for the error.
#
# This notebook does both for the smallest network there is, one neuron
#
# $$y = \sigma(xW + b), \qquad E = \tfrac12 (y - t)^2,$$
#
# three times: by hand in plain Python, with the `autograd` engine, and with finite
# differences. Then it does the same for a whole batch of examples, where a common
# mistake (applying $\sigma'$ *after* the matrix product) gives wrong gradients.

# %%
import math
import random

from autograd import Value
from autograd.nn import Neuron
from autograd.viz import BackwardStepper, draw_dot


def sigmoid(z):
    return 1 / (1 + math.exp(-z))


def close(a, b, tol=1e-9):
    return math.isclose(a, b, rel_tol=tol, abs_tol=tol)


# %% [markdown]
# ## Forward, one step at a time
#
# The neuron has two inputs. `x` is a row of inputs, `W` a column of weights, `b` the bias
# and `t` the target we want the output to reach. The forward pass is three small steps:
# the weighted sum `z`, the activation `y`, and the error `E`.

# %%
x = [0.5, -1.2]  # inputs
W = [0.8, 0.3]  # weights
b = 0.1  # bias
t = 1.0  # target

z = x[0] * W[0] + x[1] * W[1] + b  # weighted sum: xW + b
y = sigmoid(z)  # activation
E = 0.5 * (y - t) ** 2  # squared error

print(f"z = {z:.6f}\ny = {y:.6f}\nE = {E:.6f}")

# %% [markdown]
# ## Backward: the chain rule, link by link
#
# The error depends on a weight only *through* `z` and `y`. The chain rule says the
# derivative along such a chain is the product of the local derivatives of each link:
#
# $$\frac{\partial E}{\partial W_i} = \frac{\partial E}{\partial y}\,\frac{\partial y}{\partial z}\,
# \frac{\partial z}{\partial W_i}$$
#
# Each factor is easy on its own:
#
# | link | local derivative |
# |---|---|
# | $E = \frac12(y-t)^2$ | $\partial E/\partial y = y - t$ |
# | $y = \sigma(z)$ | $\partial y/\partial z = \sigma(z)\,(1-\sigma(z)) = y(1-y)$ |
# | $z = xW + b$ | $\partial z/\partial W_i = x_i$, $\partial z/\partial b = 1$ |
#
# (and towards the inputs, $\partial z/\partial x_i = W_i$).
#
# The product of the first two, $\partial E/\partial z$, is shared by every weight: compute it
# once and reuse it. That reuse is the whole trick of backpropagation.

# %%
dE_dy = y - t
dy_dz = y * (1 - y)  # sigma'(z), evaluated at this neuron's own z
dE_dz = dE_dy * dy_dz

hand = {
    "W0": dE_dz * x[0],
    "W1": dE_dz * x[1],
    "b": dE_dz * 1.0,
    "x0": dE_dz * W[0],
    "x1": dE_dz * W[1],
}
print(f"dE/dy = {dE_dy:.6f}   dy/dz = {dy_dz:.6f}   dE/dz = {dE_dz:.6f}")
for name, g in hand.items():
    print(f"dE/d{name:<3}= {g:+.6f}")

# %% [markdown]
# ## The same numbers from the engine
#
# Now we write the same forward pass with `Value`s. Each operation records where its result
# came from; `E.backward()` then applies exactly the chain rule above, node by node, and
# leaves every derivative in `.grad`.

# %%
xv = [Value(x[0], "x0"), Value(x[1], "x1")]
Wv = [Value(W[0], "W0"), Value(W[1], "W1")]
bv = Value(b, "b")

zv = xv[0] * Wv[0] + xv[1] * Wv[1] + bv
yv = zv.sigmoid()
Ev = 0.5 * (yv - t) ** 2
zv.label, yv.label, Ev.label = "z", "y", "E"  # names for the drawing and the stepper below
Ev.backward()

engine = {v.label: v.grad for v in (*Wv, bv, *xv)}
print(f"{'':4}{'by hand':>12}{'engine':>12}")
for name in hand:
    print(f"{name:4}{hand[name]:>12.8f}{engine[name]:>12.8f}")

assert close(Ev.data, E) and close(yv.data, y)
assert all(close(hand[k], engine[k], 1e-12) for k in hand)

# %% [markdown]
# ## Watch the chain rule, link by link
#
# `BackwardStepper` replays that backward pass one node at a time. Each step shows the
# node's upstream gradient (here $\partial E/\partial\,\text{node}$), the local derivative
# with its rule, and their product, which is what the input receives. Follow the numbers
# from `E` down to `W0`: they are the factors of the table above. Values without a label
# are called `n1`, `n2`, ... here and in the drawing.

# %%
steps = BackwardStepper(Ev)
for step in steps:
    print(steps.describe(step))
assert steps.grads[Wv[0]] == Wv[0].grad

# %%
steps.draw()  # the last frame: every gradient known; the red outline marks the last step

# %% [markdown]
# ### The same neuron as the `nn` layer builds it
#
# `autograd.nn.Neuron` computes $xW + b$ as **one** fused node, `linear`: fast, but the
# products and the sum disappear from the picture. `expand=True` writes the node out again
# as `×` and `+` nodes with the same numbers, so the chain rule above stays visible.

# %%
neuron = Neuron(2, activation="sigmoid")
for w_param, w_value in zip(neuron.w, W, strict=True):
    w_param.data = w_value
neuron.b.data = b
E_nn = 0.5 * (neuron(xv) - t) ** 2
E_nn.backward()
assert [p.grad for p in neuron.w] == [Wv[0].grad, Wv[1].grad]
draw_dot(E_nn)  # one `linear` node

# %%
draw_dot(E_nn, expand=True)  # the products x_i W_i and the sums, as in the table

# %% [markdown]
# ## A third opinion: finite differences
#
# A derivative is a rate of change, so we can also *measure* it: nudge one weight up and down
# by a tiny `h` and see how much `E` moves, $\frac{E(w+h) - E(w-h)}{2h}$. This needs no
# calculus at all, which makes it an independent check of both answers above.


# %%
def error(x, W, b, t):
    y = sigmoid(x[0] * W[0] + x[1] * W[1] + b)
    return 0.5 * (y - t) ** 2


h = 1e-6
numeric = {
    "W0": (error(x, [W[0] + h, W[1]], b, t) - error(x, [W[0] - h, W[1]], b, t)) / (2 * h),
    "W1": (error(x, [W[0], W[1] + h], b, t) - error(x, [W[0], W[1] - h], b, t)) / (2 * h),
    "b": (error(x, W, b + h, t) - error(x, W, b - h, t)) / (2 * h),
}
for name, g in numeric.items():
    print(f"{name:3} finite difference {g:+.8f}   engine {engine[name]:+.8f}")
    assert close(g, engine[name], 1e-7)

# %% [markdown]
# ## One step of gradient descent
#
# The gradient points uphill: the direction in which `E` grows fastest. Moving every weight
# a little *against* its gradient therefore lowers the error. That is gradient descent, and
# training a network is nothing more than repeating this step many times.

# %%
lr = 0.5
W_new = [w - lr * engine[f"W{i}"] for i, w in enumerate(W)]
b_new = b - lr * engine["b"]
E_new = error(x, W_new, b_new, t)
print(f"error before {E:.6f}, after one step {E_new:.6f}")
assert E_new < E

# %% [markdown]
# ## Layer by layer: a batch of examples
#
# Real training feeds many examples at once. Stack `m` input rows into a matrix `X`
# (`m × n`), the weights of `k` neurons into `W` (`n × k`), and one layer computes
#
# $$Z = XW + b, \qquad A = \sigma(Z), \qquad E = \frac{1}{2m}\sum_{r,j} (A_{rj} - Y_{rj})^2 .$$
#
# We keep to plain Python lists so that every sum is visible.


# %%
def matmul(P, Q):
    return [
        [sum(p * q for p, q in zip(row, col, strict=True)) for col in zip(*Q, strict=True)]
        for row in P
    ]


def transpose(P):
    return [list(col) for col in zip(*P, strict=True)]


def forward(X, W, b):
    Z = [[zj + bj for zj, bj in zip(row, b, strict=True)] for row in matmul(X, W)]
    A = [[sigmoid(zj) for zj in row] for row in Z]
    return Z, A


rng = random.Random(6)
m, n, k = 5, 3, 2
X = [[rng.uniform(-2, 2) for _ in range(n)] for _ in range(m)]
Y = [[float(rng.random() < 0.5) for _ in range(k)] for _ in range(m)]
Wm = [[rng.uniform(-1, 1) for _ in range(k)] for _ in range(n)]
bm = [rng.uniform(-0.5, 0.5) for _ in range(k)]

Z, A = forward(X, Wm, bm)
Eb = sum(
    (a - yy) ** 2 for ra, ry in zip(A, Y, strict=True) for a, yy in zip(ra, ry, strict=True)
) / (2 * m)
print(f"batch error E = {Eb:.6f}")

# %% [markdown]
# ### The correct vectorised backward pass
#
# Each entry $Z_{rj}$ belongs to one example `r` and one neuron `j`, and it has its own slope
# $\sigma'(Z_{rj}) = A_{rj}(1 - A_{rj})$. So the chain rule multiplies the error by the slope
# **entry by entry, before anything is summed over examples**:
#
# $$dZ = \frac{1}{m}(A - Y) \odot A \odot (1 - A), \qquad dW = X^\top dZ, \qquad
# db_j = \sum_r dZ_{rj}.$$
#
# The product $X^\top dZ$ is where the sum over examples happens, so it must come last.

# %%
dZ = [
    [(a - yy) * a * (1 - a) / m for a, yy in zip(ra, ry, strict=True)]
    for ra, ry in zip(A, Y, strict=True)
]
dW_right = matmul(transpose(X), dZ)
db_right = [sum(col) for col in zip(*dZ, strict=True)]

# %% [markdown]
# ### The common wrong one
#
# A backward pass that circulates in tutorials first multiplies the error by the inputs,
# summing over examples, and only *then* applies
# $\sigma'$. After the sum there is no single $Z$ left for an entry of $dW$: that line either
# fails with a shape error or, once the shapes are forced to fit, uses a slope averaged over
# the batch. We write that forced version, $dW \approx \big(X^\top (A-Y)/m\big) \odot
# \overline{\sigma'(Z)}$, to see how far off it is.
#
# This project grew from one such tutorial: a Chinese article on forward and backward
# propagation, *前向传播与反向传播* ("forward propagation and backward propagation"), whose
# section 3 gives $y = f(xW + b)$ and $\partial E/\partial W = \partial E/\partial y \cdot
# \partial y/\partial W$, and whose example code in section 4.2, a NumPy function
# `backward_pass(X, Y, W, b, A, m)`, applies `d_sigmoid(Z)` after the product. The
# tutorial page of this project's documentation (`docs/tutorial.md`, also in Chinese) is the
# corrected rewrite. That function has two more slips worth knowing: it multiplies by the
# layer's output $A^\top$ where the input $X^\top$ belongs, and it reads a $Z$ it was never
# given, so it cannot even run. Keep $Z$, or $A$, from the forward pass: backward needs it.

# %%
slope = [[a * (1 - a) for a in row] for row in A]
mean_slope = [sum(col) / m for col in zip(*slope, strict=True)]
XtErr = matmul(
    transpose(X),
    [[(a - yy) / m for a, yy in zip(ra, ry, strict=True)] for ra, ry in zip(A, Y, strict=True)],
)
dW_wrong = [[g * s for g, s in zip(row, mean_slope, strict=True)] for row in XtErr]

# %% [markdown]
# ### The referee: the engine
#
# Build the same layer out of `Value`s, run `backward()`, and compare both versions with
# the engine's gradients.

# %%
Wval = [[Value(w, f"W{i}{j}") for j, w in enumerate(row)] for i, row in enumerate(Wm)]
bval = [Value(v, f"b{j}") for j, v in enumerate(bm)]
E_engine = 0
for xr, yr in zip(X, Y, strict=True):
    for j in range(k):
        zrj = sum((xi * Wval[i][j] for i, xi in enumerate(xr)), bval[j])
        E_engine = E_engine + (zrj.sigmoid() - yr[j]) ** 2
E_engine = E_engine / (2 * m)
E_engine.backward()

print(f"{'':5}{'engine':>12}{'correct':>12}{'wrong':>12}")
for i in range(n):
    for j in range(k):
        g = Wval[i][j].grad
        print(f"W{i}{j}  {g:>12.6f}{dW_right[i][j]:>12.6f}{dW_wrong[i][j]:>12.6f}")

assert close(E_engine.data, Eb)
assert all(close(Wval[i][j].grad, dW_right[i][j], 1e-12) for i in range(n) for j in range(k))
assert all(close(bval[j].grad, db_right[j], 1e-12) for j in range(k))
worst = max(abs(Wval[i][j].grad - dW_wrong[i][j]) for i in range(n) for j in range(k))
print(f"largest error of the wrong version: {worst:.4f}")
assert worst > 1e-3

# %% [markdown]
# The correct version matches the engine to the last digits; the wrong one is off in every
# entry. Why does the mistake survive in the wild? With a single example there is nothing
# to average, the two formulas coincide, and a one-example test passes. Only a batch shows
# the difference:


# %%
def both_versions(X, Y, W, b):
    mm = len(X)
    _, A = forward(X, W, b)
    err = [
        [(a - yy) / mm for a, yy in zip(ra, ry, strict=True)] for ra, ry in zip(A, Y, strict=True)
    ]
    dZ = [
        [e * a * (1 - a) for e, a in zip(re, ra, strict=True)]
        for re, ra in zip(err, A, strict=True)
    ]
    right = matmul(transpose(X), dZ)
    mean_slope = [sum(a * (1 - a) for a in col) / mm for col in zip(*A, strict=True)]
    wrong = [
        [g * s for g, s in zip(row, mean_slope, strict=True)] for row in matmul(transpose(X), err)
    ]
    return right, wrong


for rows in (1, 5):
    right, wrong = both_versions(X[:rows], Y[:rows], Wm, bm)
    gap = max(
        abs(r - w) for rr, rw in zip(right, wrong, strict=True) for r, w in zip(rr, rw, strict=True)
    )
    print(f"{rows} example(s): largest difference between the versions {gap:.2e}")
    assert (gap < 1e-15) if rows == 1 else (gap > 1e-3)

# %% [markdown]
# ## What to remember
#
# * Forward: evaluate the pieces in order and keep the intermediate values; backward needs them.
# * Backward: the derivative along a chain is the product of local derivatives; the shared
#   part ($\partial E/\partial z$) is computed once.
# * The activation's slope belongs to each example's own $z$: multiply by it entry by entry
#   before summing over examples.
# * Check any derivative three ways: by hand, by engine, and by finite differences.
#   Notebook 4 turns that last check into a tool.
