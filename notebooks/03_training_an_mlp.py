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
# # 3. Training a multi-layer perceptron
#
# Notebook 1 took one step of gradient descent on one neuron. Training a network is the same
# step repeated: forward over the data, the loss, `backward()`, move every parameter a
# little against its gradient, and again. This notebook trains small MLPs on two 2-D
# datasets, compares optimisers and activation functions, and looks inside the network at
# two ways training goes wrong: vanishing gradients and dead ReLUs.
#
# Everything here runs in pure Python, so the datasets are small and the runs short.

# %% [markdown]
# **In the browser.** In the documentation's JupyterLite site this notebook runs in Pyodide,
# and that site has no matplotlib: Pyodide's build of it is published on neither PyPI nor npm,
# the only registries the site is built from. Where matplotlib is missing, the cells below draw
# the same curves and the decision boundaries as SVG with `autograd.viz.chart`, which needs nothing.

# %%
try:
    import matplotlib.pyplot as plt
except ImportError:  # in the browser (JupyterLite): autograd.viz.chart draws instead
    plt = None
from IPython.display import display

from autograd import no_grad
from autograd.nn import MLP, plot_decision_boundary, plot_loss_curve
from autograd.nn.datasets import moons, spirals
from autograd.nn.losses import hinge, softmax_cross_entropy
from autograd.nn.optim import SGD, Adam
from autograd.viz import draw_dot
from autograd.viz.chart import LineChart, boundary_chart


def log_curves(series, title, xlabel, ylabel, marker=None):
    """One line per entry of ``series``, on a log scale: by matplotlib, or as SVG without it."""
    if plt is None:  # in the browser
        chart = LineChart(title, xlabel, ylabel, log=True)
        for name, ys in series.items():
            chart.plot(ys, label=name)
        display(chart)
        return
    _, ax = plt.subplots(figsize=(6, 4))
    for name, ys in series.items():
        ax.plot(ys, marker=marker, label=name)
    ax.set(xlabel=xlabel, ylabel=ylabel, yscale="log", title=title)
    ax.legend()
    plt.show()


def predict(model, x):
    """The class the model picks for one point: the sign for one output, else the largest."""
    out = model(x)
    if isinstance(out, list):
        return max(range(len(out)), key=lambda k: out[k].data)
    return int(out.data > 0)


def loss_of(model, X, y):
    """Hinge loss on labels ±1 for one output, softmax cross-entropy for several."""
    outputs = [model(x) for x in X]
    if isinstance(outputs[0], list):
        return softmax_cross_entropy(outputs, y)
    return hinge(outputs, [2.0 * c - 1.0 for c in y])


def accuracy(model, X, y):
    with no_grad():  # evaluation only: record no graph
        return sum(predict(model, x) == c for x, c in zip(X, y, strict=True)) / len(y)


def train(model, opt, X, y, epochs):
    """Full-batch training; returns the loss of every epoch (autograd.nn.fit is this loop,
    with an L2 penalty, progress and a check for divergence)."""
    history = []
    for _ in range(epochs):
        loss = loss_of(model, X, y)  # forward
        opt.zero_grad()  # gradients accumulate, so clear last epoch's
        loss.backward()  # backward
        opt.step()  # p -= lr * p.grad (SGD), or Adam's update
        history.append(loss.data)
    return history


# %% [markdown]
# ## The moons
#
# Two interleaving half circles, one class each. No straight line separates them, so a
# single neuron cannot; a network with hidden layers bends the boundary.

# %%
X, y = moons(60, noise=0.1, seed=0)
print(len(X), "points, classes", sorted(set(y)))
print(MLP(2, [16, 16, 1], seed=1))

# %% [markdown]
# ## SGD against Adam
#
# Both start from the same weights (same seed). **SGD** moves each parameter by
# `lr * grad`. **Adam** keeps running averages of each parameter's gradient and of its
# square, and moves by their ratio: every parameter gets a step of roughly `lr`, whether its
# gradient is large or tiny.

# %%
EPOCHS = 50
runs = {}
for name, make_opt in [("SGD", lambda p: SGD(p, lr=0.5)), ("Adam", lambda p: Adam(p, lr=0.05))]:
    model = MLP(2, [16, 16, 1], activation="relu", seed=1)
    history = train(model, make_opt(model.parameters()), X, y, EPOCHS)
    runs[name] = (model, history)
    print(
        f"{name:4}: loss {history[0]:.3f} -> {history[-1]:.3f}, "
        f"accuracy {accuracy(model, X, y):.0%}"
    )

# The pictures: autograd.nn's plot_loss_curve and plot_decision_boundary, into our own axes.
if plt is None:  # no matplotlib (in the browser): the same pictures as SVG
    chart = LineChart("hinge loss per epoch", "epoch", "loss (log scale)", log=True)
    for name, (_, history) in runs.items():
        chart.plot(history, range(1, len(history) + 1), label=name)
    display(chart)
    for name, (model, _) in runs.items():
        display(boundary_chart(model, X, y, title=f"{name}: decision boundary"))
else:
    fig, axes = plt.subplots(1, 3, figsize=(16, 4.2), layout="constrained")
    for name, (_, history) in runs.items():
        plot_loss_curve(history, ax=axes[0], label=name, title="hinge loss per epoch")
    for ax, (name, (model, _)) in zip(axes[1:], runs.items(), strict=True):
        plot_decision_boundary(model, X, y, ax=ax, title=f"{name}: decision boundary", grid=40)
    plt.show()

for name, (model, history) in runs.items():
    assert history[-1] < 0.25 * history[0], name  # both learn ...
    assert accuracy(model, X, y) >= 0.9, name  # ... and separate the moons
assert runs["Adam"][1][-1] < runs["SGD"][1][-1]  # Adam gets further in the same epochs

# %% [markdown]
# ## Spirals: three classes
#
# Three spiral arms, one class each. The network now has three outputs, one score per class,
# and the loss is softmax cross-entropy: it turns the scores into probabilities and
# penalises a low probability for the right class.

# %%
Xs, ys = spirals(60, k=3, noise=0.2, seed=0)
spiral_model = MLP(2, [16, 16, 3], activation="tanh", seed=1)
spiral_history = train(spiral_model, Adam(spiral_model.parameters(), lr=0.05), Xs, ys, 80)
spiral_acc = accuracy(spiral_model, Xs, ys)
print(f"loss {spiral_history[0]:.3f} -> {spiral_history[-1]:.3f}, accuracy {spiral_acc:.0%}")

if plt is None:  # no matplotlib (in the browser): the same pictures as SVG
    chart = LineChart("cross-entropy per epoch", "epoch", "loss (log scale)", log=True)
    display(chart.plot(spiral_history, range(1, len(spiral_history) + 1)))
    display(boundary_chart(spiral_model, Xs, ys, title="spirals"))
else:
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.2), layout="constrained")
    plot_loss_curve(spiral_history, ax=axes[0], title="cross-entropy per epoch")
    plot_decision_boundary(spiral_model, Xs, ys, ax=axes[1], title="spirals", grid=40)
    plt.show()
assert spiral_history[-1] < 0.5 * spiral_history[0] and spiral_acc >= 0.8

# %% [markdown]
# ## Why train for so many epochs?
#
# Each step uses the gradient, which only describes the loss *right here*: a straight-line
# approximation that holds for a small move. A step must therefore be small, and one small
# step fixes only a little of the error. The loss curves above fall epoch after epoch
# because every epoch is one more small step downhill; the curve flattening out is the
# network reaching the bottom of a valley. A step size so large that one step would be
# enough makes the loss jump around or blow up instead.
#
# ## Sigmoid, tanh and ReLU
#
# The activation function is what makes a network more than a linear map: without it,
# layers of `xW + b` collapse into one `xW + b`, and the boundary would be a straight line.
# The choice also matters for training, because backward multiplies by the activation's
# slope at every layer:
#
# * sigmoid: output in (0, 1), slope at most 0.25;
# * tanh: output in (-1, 1), slope at most 1 (at 0);
# * ReLU: `max(0, z)`, slope exactly 1 where active and 0 where not.

# %%
acts = {}
for act in ("sigmoid", "tanh", "relu"):
    model = MLP(2, [8, 8, 1], activation=act, seed=2)
    acts[act] = train(model, Adam(model.parameters(), lr=0.05), X, y, 40)
    print(
        f"{act:8} loss {acts[act][0]:.3f} -> {acts[act][-1]:.3f}, "
        f"accuracy {accuracy(model, X, y):.0%}"
    )

log_curves(acts, "same network, three activations", "epoch", "hinge loss")
assert acts["sigmoid"][-1] > max(acts["tanh"][-1], acts["relu"][-1])  # sigmoid is slowest

# %% [markdown]
# ## Vanishing gradients
#
# Why is sigmoid slow? Backward multiplies by the activation's slope once per layer. The
# sigmoid's slope is at most 1/4, so the gradient reaching the first layer of a deep
# sigmoid network is a product of many small factors: it *vanishes*, and the first layers
# barely learn. We build three deep, narrow networks (eight hidden layers) and measure,
# for each layer, the average |d output / d w| of its weights over ten points: how strongly
# the output responds to that layer.

# %%
DEPTH = [6] * 8 + [1]


def layer_gradients(model, points):
    total = [0.0] * len(model.layers)
    for x in points:
        model.zero_grad()
        model(x).backward()
        for i, layer in enumerate(model.layers):
            ws = [w for neuron in layer.neurons for w in neuron.w]
            total[i] += sum(abs(w.grad) for w in ws) / len(ws) / len(points)
    return total


flow = {act: layer_gradients(MLP(2, DEPTH, activation=act, seed=3), X[:10]) for act in acts}
log_curves(flow, "gradient by layer", "layer (0 = first)", "mean |d out/dw|", marker="o")
for act, g in flow.items():
    print(f"{act:8} first layer {g[0]:.2e}   last layer {g[-1]:.2e}   ratio {g[0] / g[-1]:.1e}")
assert flow["sigmoid"][0] < 1e-4 * flow["sigmoid"][-1]  # vanished
assert flow["tanh"][0] > 0.1 * flow["tanh"][-1]  # survives

# %% [markdown]
# The gradient-flow drawing makes the same point for one input: after `out.backward()`
# every node is coloured by its |d out / d node| on a log scale, red for large, blue for
# small. In a sigmoid network the colours cool from right (the output) to left (the first
# layer). A whole network has too many nodes to read one by one, so `max_nodes=30` draws each
# neuron as one box, coloured by its parameters' largest |grad| (`max_nodes=None` draws every
# node; click a drawing in the docs to open it full size).

# %%
small = MLP(2, [3, 3, 3, 3, 1], activation="sigmoid", seed=3)
out = small(X[0])
out.backward()
first_w = [w.grad for neuron in small.layers[0].neurons for w in neuron.w]
last_w = [w.grad for w in small.layers[-1].neurons[0].w]
assert max(map(abs, first_w)) < min(map(abs, last_w))  # every first-layer weight gets less
draw_dot(out, grad_flow=True, max_nodes=30)

# %% [markdown]
# ## Dead ReLUs
#
# ReLU's slope is exactly 0 wherever its input is negative. A neuron whose input is negative
# for *every* training point passes no gradient at all: its weights never change again, and
# it is dead. One update that is too large can push a bias far enough to do this. We do it
# on purpose to three of the six first-layer neurons of a small network.

# %%
net = MLP(2, [6, 6, 1], activation="relu", seed=4)
first = net.layers[0].neurons
for neuron in first[:3]:
    neuron.b.data = -6.0  # what one huge step could do


def dead_neurons(model, X):
    """First-layer neurons whose ReLU outputs 0 on every point."""
    with no_grad():
        fired = [model.layers[0]([*x]) for x in X]
    return [j for j in range(len(fired[0])) if all(row[j].data == 0 for row in fired)]


print("dead first-layer neurons:", dead_neurons(net, X))
before = [[w.data for w in neuron.w] for neuron in first]
history = train(net, SGD(net.parameters(), lr=0.2), X, y, 20)
after = [[w.data for w in neuron.w] for neuron in first]
for j, (b0, b1) in enumerate(zip(before, after, strict=True)):
    state = "dead " if j in dead_neurons(net, X) else "alive"
    moved = max(abs(p - q) for p, q in zip(b0, b1, strict=True))
    print(f"neuron {j} ({state}): weights moved by {moved:.3g}")
assert dead_neurons(net, X) == [0, 1, 2]
assert all(before[j] == after[j] for j in range(3))  # dead: exactly no change
assert all(before[j] != after[j] for j in range(3, 6))  # alive: learning

# %% [markdown]
# In the gradient-flow drawing of one input (one box per neuron again), a neuron whose
# parameters all get exactly zero gradient is drawn black with a dashed red border: the three
# dead first-layer neurons stand out at once. (A neuron that is off for this one input but on
# for others is marked too: only neurons off for *every* input are truly dead. `max_nodes=None`
# shows the single nodes, where a ReLU with output 0 is marked "dead" and a weight that reads
# a zero output, `w * 0`, gets exactly zero gradient as well.)

# %%
out = net(X[0])
net.zero_grad()
out.backward()
assert all(w.grad == 0 for neuron in first[:3] for w in (*neuron.w, neuron.b))
assert any(w.grad != 0 for neuron in first[3:] for w in neuron.w)
draw_dot(out, grad_flow=True, max_nodes=30)

# %% [markdown]
# ## What to remember
#
# * Training is forward, loss, `zero_grad()`, `backward()`, `step()`, repeated for many
#   small steps (epochs).
# * Adam adapts the step to each parameter; plain SGD needs a well-chosen learning rate.
# * The activation adds the bends; its slope multiplies the gradient at every layer.
#   Sigmoid's small slope makes gradients vanish in deep networks; ReLU's zero slope can
#   kill neurons. The gradient-flow drawing shows both.
