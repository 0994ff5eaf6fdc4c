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
# # 6. Forward mode, reverse mode, Jacobians and a NaN hunt
#
# Backpropagation is one way to apply the chain rule: start at the output and send
# $\partial\,\text{out} / \partial\,\text{node}$ back to every input. There is a second way:
# start at the inputs with a *direction* (how fast each input moves) and send
# $\partial\,\text{node} / \partial\,\text{direction}$ forward to every node. Both use the same
# local derivatives, the rows of the operation table. This notebook compares them, uses both to
# build Jacobians and Hessians, and ends with a NaN hunt.
#
# In forward mode every node carries a **tangent** next to its value:
#
# $$t(\text{node}) = \sum_i
#   \frac{\partial\,\text{node}}{\partial\,\text{input}_i}\; t(\text{input}_i)$$

# %%
import math
import time

from autograd import Value, grad
from autograd.core.graph import topological_order
from autograd.func import grad as gradient_of
from autograd.func import hessian, hvp, jacfwd, jacrev, jvp
from autograd.viz import TangentStepper

# %% [markdown]
# ## Tangents, one node at a time
#
# The neuron $y = \tanh(x w + b)$ at $x = 2, w = -0.5, b = 0.3$. We ask: how fast does $y$ move
# when $w$ moves at speed 1 and everything else stands still? The tangent stepper pushes that
# speed through the graph, one node per step, with the local derivatives the backward pass uses.

# %%
x, w, b = Value(2.0, "x"), Value(-0.5, "w"), Value(0.3, "b")
y = (x * w + b).tanh()
y.label = "y"
stepper = TangentStepper(y, {w: 1.0})
for step in stepper:
    print(stepper.describe(step))

# %% [markdown]
# The last tangent is $\partial y / \partial w$. Reverse mode finds the same number from the
# other end:

# %%
(dy_dw,) = grad(y, w)
print(f"forward mode: {stepper.tangents[y]:.12f}   reverse mode: {dy_dw.data:.12f}")
assert math.isclose(stepper.tangents[y], dy_dw.data, rel_tol=1e-15)

# %% [markdown]
# ## Which one is cheaper?
#
# One reverse sweep gives the derivative of **one output** with respect to **every input**.
# One forward sweep gives the derivative of **every output** along **one input direction**.
# So for a Jacobian with $m$ outputs and $n$ inputs, reverse mode needs $m$ sweeps and forward
# mode $n$. A sweep does one multiply-add per edge it visits: a reverse sweep visits the edges
# below its output, a forward sweep every edge. Let us count them for two shapes of function.


# %%
def edges(outputs):
    """Multiply-adds in one sweep: one per (node, input) edge of the graph."""
    return sum(len(node.inputs) for node in topological_order(outputs))


def loss(*ws):
    """Many inputs, one output: a neuron's error, the shape of every training loss."""
    z = sum(wi * (0.1 * i) for i, wi in enumerate(ws))
    return (z.tanh() - 0.5) ** 2


def curve(t):
    """One input, many outputs: a shared computation read out 50 ways (a simulation's state)."""
    s = t
    for _ in range(20):
        s = (s * 1.1).sin() + t
    return [s * k for k in range(1, 51)]


ws = [Value(0.01 * i) for i in range(50)]
t0 = Value(0.3)
shapes = [("loss: 50 in, 1 out", [loss(*ws)], 50), ("curve: 1 in, 50 out", curve(t0), 1)]
for name, outs, n_in in shapes:
    reverse = sum(edges([o]) for o in outs)  # one sweep per output, below that output
    forward = n_in * edges(outs)  # one sweep per input, through everything
    print(
        f"{name}: reverse {len(outs)} sweep(s), {reverse} multiply-adds; "
        f"forward {n_in} sweep(s), {forward} multiply-adds"
    )

# %% [markdown]
# The counts predict which direction is cheap. `jacrev` (reverse) and `jacfwd` (forward) give
# the same Jacobian, and the cheap direction wins in the timings below too, but by less than
# the counts' ratio: both directions also run the function and record its graph, and pay
# Python's overhead per operation, work the multiply-add counts leave out.


# %%
def timed(fn, *args):
    """The result, and the best time of three runs (a busy machine slows some runs)."""
    best = math.inf
    for _ in range(3):
        start = time.perf_counter()
        result = fn(*args)
        best = min(best, time.perf_counter() - start)
    return result, best


point = [0.01 * i for i in range(50)]
for label, f, args in [("loss", lambda v: loss(*v), (point,)), ("curve", curve, (0.3,))]:
    rev, t_rev = timed(jacrev(f), *args)
    fwd, t_fwd = timed(jacfwd(f), *args)
    assert all(
        math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-15) for a, b in zip(rev, fwd, strict=True)
    )
    print(f"{label}: jacrev {t_rev * 1e3:6.1f} ms   jacfwd {t_fwd * 1e3:6.1f} ms")
    assert (t_rev < t_fwd) == (label == "loss")  # the direction the counts predict wins

# %% [markdown]
# This is why neural networks are trained with reverse mode: a loss has one output and
# thousands of inputs. Forward mode wins when a function has few inputs and many outputs, such
# as a simulation driven by one parameter, and it needs no stored graph to walk backwards (this
# engine records the graph anyway, so here that advantage does not show).

# %% [markdown]
# ## Jacobians and Hessians
#
# `autograd.func` has the transforms of `torch.func` and JAX. A function takes `Value`s and
# returns a `Value` (or a list); the transform returns a new function of numbers
# (`gradient_of` below is `autograd.func.grad`, the transform; `autograd.grad` differentiates a
# graph you already built). The Hessian
# is the Jacobian of the gradient, taken **forward over reverse**: `jacfwd(jacrev(f))`.
# Take the Rosenbrock function $f(a, b) = (1 - a)^2 + 100 (b - a^2)^2$, whose Hessian by hand is
#
# $$H = \begin{pmatrix} 2 - 400 (b - 3a^2) & -400 a \\ -400 a & 200 \end{pmatrix}.$$


# %%
def rosenbrock(v):
    a, b = v
    return (1 - a) ** 2 + 100 * (b - a * a) ** 2


p = [0.5, -0.2]
H = hessian(rosenbrock)(p)
a0, b0 = p
by_hand = [[2 - 400 * (b0 - 3 * a0 * a0), -400 * a0], [-400 * a0, 200.0]]
print("engine :", H)
print("by hand:", by_hand)
assert all(math.isclose(H[i][j], by_hand[i][j], rel_tol=1e-12) for i in range(2) for j in range(2))

# %% [markdown]
# A Hessian-vector product $Hv$ needs neither the whole Hessian nor $n$ sweeps: one reverse
# sweep builds the gradient as a graph, one forward sweep differentiates it along $v$.

# %%
v = [1.0, 2.0]
value, (Hv,) = hvp(rosenbrock, (p,), (v,))
print("H v =", Hv, " check:", [sum(H[i][j] * v[j] for j in range(2)) for i in range(2)])

# %% [markdown]
# With the gradient and the Hessian, a Newton step solves $H\,\delta = -\nabla f$. From the
# classic start $(-1.2, 1)$ it reaches the minimum at $(1, 1)$ in a handful of steps (one of
# them overshoots up the valley wall); gradient descent needs thousands on this curved valley.

# %%
point = [-1.2, 1.0]
for it in range(8):
    g = gradient_of(rosenbrock)(point)
    (h11, h12), (h21, h22) = hessian(rosenbrock)(point)
    det = h11 * h22 - h12 * h21
    step = [-(h22 * g[0] - h12 * g[1]) / det, -(-h21 * g[0] + h11 * g[1]) / det]
    point = [point[0] + step[0], point[1] + step[1]]
    f_now = rosenbrock([Value(c) for c in point]).data
    print(f"step {it + 1}: ({point[0]: .6f}, {point[1]: .6f})  f = {f_now:.3e}")
assert all(math.isclose(c, 1.0, rel_tol=1e-9) for c in point)

# %% [markdown]
# `jvp` is the forward-mode transform itself: the value and the directional derivative in one
# sweep. It agrees with the reverse-mode gradient dotted with the direction.

# %%
value, slope = jvp(lambda a, b: rosenbrock([a, b]), (0.5, -0.2), (1.0, 2.0))
g = gradient_of(rosenbrock)([0.5, -0.2])
print(value, slope, g[0] * 1.0 + g[1] * 2.0)
assert math.isclose(slope, g[0] + 2 * g[1], rel_tol=1e-12)

# %% [markdown]
# ## A NaN hunt
#
# A gradient that is `nan` poisons every parameter it reaches, and the first sign is usually a
# loss of `nan` several steps later, far from the cause. Here is a classic: the distance between
# a prediction and its target written as $\sqrt{(y - t)^2}$. It is $|y - t|$, and fine, until a
# prediction is exactly right.

# %%
from autograd import AnomalyError, detect_anomaly  # noqa: E402
from autograd.viz import draw_dot  # noqa: E402

w = Value(0.5, "w")
points = [(1.0, 0.5), (2.0, 1.5), (4.0, 3.0)]  # the first one, w x = t, is predicted exactly


def distance_loss():
    total = Value(0.0)
    for x, t in points:
        error = w * x - t
        total = total + (error * error).sqrt()  # |error|, written the risky way
    return total


loss = distance_loss()
loss.backward()
print("loss", loss.data, "  w.grad", w.grad)

# %% [markdown]
# The loss is a number, but the gradient is `nan`. Which operation made it? Under
# `detect_anomaly()` the same code stops at the first non-finite gradient and explains it in
# chain-rule terms: the local derivative, the upstream gradient, their product, and where the
# node was created. Every `.grad` is left as it was before the call.

# %%
w.zero_grad()
with detect_anomaly():
    loss = distance_loss()
    try:
        loss.backward()
    except AnomalyError as error:
        found = error
        print(found)
print("w.grad after the failed backward:", w.grad)

# %% [markdown]
# $\sqrt{u}$ has slope $1/(2\sqrt u)$, infinite at $u = 0$: the exactly predicted point sends
# an infinite gradient into $u = e \cdot e$. One step further the local derivative of the
# product is $e = 0$, and $\infty \times 0$ is `nan` (PyTorch gives the same). The error
# stops at the first of the two, and carries the path from the loss down to the node the
# infinity reached; the drawing outlines it in red.

# %%
draw_dot(loss, highlight=found)

# %% [markdown]
# The cure is to write what is meant: `abs(error)`, whose slope at 0 is 0 by convention (as in
# PyTorch).

# %%
w.zero_grad()
with detect_anomaly():
    loss = sum(abs(w * x - t) for x, t in points)
    loss.backward()
print("loss", loss.data, "  w.grad", w.grad)
assert w.grad == -2.0 - 4.0  # the exact point adds 0; the others sign(error) times x

# %% [markdown]
# ## What to remember
#
# * Forward mode pushes tangents from the inputs, reverse mode gradients from the output, with
#   the same local derivatives; pick the one whose sweeps are fewer.
# * `jacrev`, `jacfwd`, `hessian` (forward over reverse) and `hvp` come from composing them.
# * `detect_anomaly()` turns a silent `nan` into an error that names the operation, shows the
#   arithmetic and points at the line that built the node.
