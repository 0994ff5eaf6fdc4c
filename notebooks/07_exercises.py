# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.7
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 7. Exercises: compute the gradients yourself
#
# Reading about backpropagation is not the same as doing it. In this notebook you work out
# forward values and gradients by hand, and the engine marks them. When an answer is wrong,
# it does not just say "wrong": it looks at *your own* numbers for the nodes above and tells
# you whether this step was wrong, or whether the step was right and a mistake was carried
# down from above. For a wrong step it names the mistake (which local derivative, which
# missing share) and shows the correct arithmetic of that step only.
#
# The exercises grow from one neuron, the tutorial's $y = \sigma(xW + b)$ with squared error,
# to a batch of examples (where the most common mistake hides) and a two-layer network. The
# last part has you write a derivative rule of your own.

# %%
import math

from IPython.display import display

from autograd import primitive
from autograd.exercises import Exercise, check_rule
from autograd.viz import to_dot


def show(exercise):
    """The graph with only the inputs' values known: what you start from."""
    known = [v for v in exercise.order if v.is_leaf]
    try:
        from autograd.viz import draw_dot

        display(draw_dot(exercise.root, computed=known, grads={}))
    except ImportError:  # no graphviz Python package: the DOT text
        print(to_dot(exercise.root, computed=known, grads={}))


# %% [markdown]
# ## Exercise 1: one neuron
#
# The tutorial's neuron: $z = xW + b$, $y = \sigma(z)$, $E = \tfrac12 (y - t)^2$, with
# $x = 1.5$, $W = -0.8$, $b = 0.3$ and the target $t = 1$. We build it from a function on
# `Value`s and give the interesting nodes their names; the others are called `n1`, `n2`, ...
# exactly as the drawing shows them.


# %%
def neuron(x, w, b, t):
    z = x * w + b
    z.label = "z"
    y = z.sigmoid()
    y.label = "y"
    E = 0.5 * (y - t) ** 2
    E.label = "E"
    return E


ex1 = Exercise.from_function(neuron, x=1.5, w=-0.8, b=0.3, t=1.0)
print(ex1.statement())
show(ex1)

# %% [markdown]
# Here is a first attempt, worked out with pencil and paper. The forward pass is right.
# Going backward, $\partial E/\partial y = y - t$ is right too, but then the sigmoid's slope
# is taken as $z(1 - z)$ instead of $y(1 - y)$, a very common slip: the rule
# $\sigma'(z) = \sigma(z)(1 - \sigma(z))$ is written in terms of the *output*.

# %%
x, w, b, t = 1.5, -0.8, 0.3, 1.0
z = x * w + b
y = 1 / (1 + math.exp(-z))
dE_dy = y - t
dE_dz = dE_dy * z * (1 - z)  # the slip: z where y belongs
attempt = {
    "z": z,
    "y": y,
    "E": 0.5 * (y - t) ** 2,
    "y.grad": dE_dy,
    "z.grad": dE_dz,
    "w.grad": dE_dz * x,
    "b.grad": dE_dz,
}
print(ex1.check(attempt))

# %% [markdown]
# Read the report from the top: `z.grad` is wrong *at its step*, and the diagnosis says how.
# `w.grad` and `b.grad` are wrong too, but their own steps were right: from your `z.grad`
# they follow by the chain rule, so they are marked *carried from above*. One fix repairs
# all three. In a notebook the report also shows as a table:

# %%
report = ex1.check(attempt)
display(report)

# %% [markdown]
# Stuck on a step? `hint` climbs a ladder one rung per call, never further than asked:
# the rule, then the local derivative's value, then the arithmetic.

# %%
for _ in range(3):
    print(ex1.hint("z.grad"), end="\n\n")

# %% [markdown]
# With the slip fixed, everything passes:

# %% nbgrader={"grade": false, "grade_id": "sigmoid_slope", "locked": false, "schema_version": 3, "solution": true} tags=["solution"]
### BEGIN SOLUTION
attempt["z.grad"] = dE_dy * y * (1 - y)
attempt["w.grad"], attempt["b.grad"] = attempt["z.grad"] * x, attempt["z.grad"]
### END SOLUTION
print(ex1.check(attempt).summary())
assert not ex1.check(attempt).wrong

# %% [markdown]
# ## Exercise 2: a batch, and the mistake of the source tutorial
#
# With several examples, $W$ and $b$ are shared: each example has its own path
# $z_i = x_i W + b$, $y_i = \sigma(z_i)$, and the error is the mean
# $E = \frac{1}{2m}\sum_i (y_i - t_i)^2$. The chain rule gives each example's
# $\partial E/\partial z_i = \partial E/\partial y_i \cdot \sigma'(z_i)$, and $W$ adds one share
# per example: $\partial E/\partial W = \sum_i x_i\, \partial E/\partial z_i$.
#
# The tutorial this project grew from (see notebook 1 and the docs' tutorial page) does it in
# another order: it first sums the error times the inputs over the batch and only then
# multiplies by $\sigma'$, so every example gets the batch's *average* slope. Let us hand that
# version in as an answer and see what the engine says.

# %%
X, T = [2.0, -1.5, 0.5], [0.0, 1.0, 1.0]


def batch(w, b):
    E = 0.0
    for k, (xk, tk) in enumerate(zip(X, T, strict=True)):
        zk = xk * w + b
        zk.label = f"z{k}"
        yk = zk.sigmoid()
        yk.label = f"y{k}"
        E = E + (yk - tk) ** 2
    E = E / (2 * len(X))
    E.label = "E"
    return E


ex2 = Exercise.from_function(batch, w=0.8, b=0.1)
show(ex2)

# %%
W0, b0, m = 0.8, 0.1, len(X)
Y = [1 / (1 + math.exp(-(xk * W0 + b0))) for xk in X]
err = [(yk - tk) / m for yk, tk in zip(Y, T, strict=True)]  # dE/dy_k: right
mean_slope = sum(yk * (1 - yk) for yk in Y) / m  # the slope, averaged over the batch
tutorial_answer = {f"y{k}.grad": err[k] for k in range(m)}
tutorial_answer |= {f"z{k}.grad": err[k] * mean_slope for k in range(m)}
tutorial_answer["w.grad"] = sum(xk * err[k] for k, xk in enumerate(X)) * mean_slope
tutorial_answer["b.grad"] = sum(err) * mean_slope
sigmoid_after_sum = ex2.check(tutorial_answer)
print(sigmoid_after_sum)

# %% [markdown]
# The diagnosis finds the mistake where it is made, at the sigmoid of each example, and
# recognises the number: it is the batch's mean slope. `w.grad` and `b.grad` are then
# *carried*: from those $z_i$ gradients, summing $x_i \cdot \partial E/\partial z_i$ is right.
# (`z1.grad` passes: that example's slope happens to lie within 1% of the mean. That is why
# the mistake survives one-example tests: with a single example the mean slope *is* the
# slope.)

# %%
assert {m.label for m in sigmoid_after_sum.wrong} >= {"z0.grad", "z2.grad", "w.grad"}
assert sigmoid_after_sum.mark("w.grad").diagnosis.carried

# %% [markdown]
# ## Exercise 3: a two-layer network
#
# Two hidden `tanh` units and a linear output, $o = v_0 h_0 + v_1 h_1 + c$ with
# $h_j = \tanh(x w_j + b_j)$, and the squared error against $t = 0.5$. The input $x$ feeds
# both hidden units, so its gradient is a sum of two shares.


# %%
def two_layers(x, w0, w1, b0, b1, v0, v1, c):
    h0 = (x * w0 + b0).tanh()
    h0.label = "h0"
    h1 = (x * w1 + b1).tanh()
    h1.label = "h1"
    o = v0 * h0 + v1 * h1 + c
    o.label = "o"
    L = (o - 0.5) ** 2
    L.label = "L"
    return L


ex3 = Exercise.from_function(
    two_layers, x=1.0, w0=0.5, w1=-1.0, b0=0.0, b1=0.5, v0=1.0, v1=-2.0, c=0.1
)
print(ex3.statement())

# %% [markdown]
# A learner's answers for the gradients of the hidden units and the input. Everything is right
# except `x.grad`, which only follows the path through $h_0$:

# %%
key = ex3.key()
learner = {k: key[k] for k in ("o.grad", "h0.grad", "h1.grad")}
learner["x.grad"] = key["h0.grad"] * (1 - key["h0"] ** 2) * 0.5  # the share through h0 only
print(ex3.check(learner))

# %% [markdown]
# "Used 2 times ... leaves out the share through ..." is the accumulation rule at work: a node
# used twice gets the sum of its shares. The stepper shows the same addition as a running
# total (`x.grad: a -> b (adds up)`).
#
# ## Step by step, with a quiz
#
# The backward stepper has a quiz mode: at each step it asks for the gradients before it
# shows them, marks the answers and keeps a score. In Jupyter, `play(quiz=True)` opens the
# widget; `to_html(path, quiz=True)` writes the same quiz as a page that works offline.
# (Outside Jupyter `play` prints the steps instead.)

# %%
ex1.stepper.play(quiz=True, legend=False)

# %% [markdown]
# ## Your own backward rule
#
# A new operation comes with its derivative rule: the learner writes it with `@primitive`,
# and `check_rule` compares it with the slope measured by finite differences on a grid over
# the domain, then runs the property test. Here the rule for $x\,|y|$ forgets that
# $|y|$ has slope $-1$ for negative $y$:


# %%
@primitive(
    derivatives=[lambda x, y: abs(y), lambda x, y: x],  # d/dy should be x * sign(y)
    sample=[(-2.0, 2.0), (-2.0, 2.0)],
)
def scaled_abs(x, y):
    return x * abs(y)


print(check_rule(scaled_abs))

# %% [markdown]
# The report names the input (`y`), the region (only where $y < 0$, and not at $x = 0$, where
# the wrong rule happens to give the right slope, 0), an example point, and the pattern (a
# sign). On the line $y = 0$ itself $|y|$ has a kink: there any value between the slopes from
# the left and the right is accepted, and the report says so in one line.
# The corrected rule passes everything, including the Hypothesis property test:


# %% nbgrader={"grade": false, "grade_id": "scaled_abs_rule", "locked": false, "schema_version": 3, "solution": true} tags=["solution"]
def d_scaled_abs_dy(x, y):
    """The slope of x * |y| in y, away from y = 0."""
    ### BEGIN SOLUTION
    sign = (y > 0) - (y < 0) if isinstance(y, (int, float)) else y / abs(y)
    return x * sign
    ### END SOLUTION


@primitive(
    derivatives=[lambda x, y: abs(y), d_scaled_abs_dy],
    sample=[(-2.0, 2.0), ((-2.0, -0.1), (0.1, 2.0))],
)
def scaled_abs_fixed(x, y):
    return x * abs(y)


fixed = check_rule(scaled_abs_fixed)
print(fixed)
assert fixed.ok

# %% [markdown]
# ## More exercises
#
# `Exercise.random(seed=..., size=..., ops=..., reuse=...)` makes a fresh exercise with small,
# friendly numbers, the same one for the same seed. For a class, the command line writes a
# whole sheet with drawings and a separate answer key:
#
# ```sh
# python -m autograd exercises --seed 1 --count 5 --out sheet/
# ```

# %%
ex4 = Exercise.random(seed=2024, size=4)
print(ex4.statement())
print(ex4.check({q: 0.0 for q in ex4.questions()[:2]}).summary())
