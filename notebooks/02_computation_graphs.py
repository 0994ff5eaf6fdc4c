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
# # 2. Computation graphs
#
# Every time two `Value`s meet in an operation, the result remembers the operation and its
# inputs. Together these records form a *computation graph*: leaves (inputs, weights,
# constants) at one end, the result at the other. Backpropagation is a walk over this graph,
# and this notebook draws it, steps through it node by node, and shows why the walk has to
# follow a *topological order*.
#
# Graphviz draws the pictures: its `dot` program where it is installed, and otherwise a
# WebAssembly build of it that ships inside the package and draws in the notebook's page.
# Only saving a drawing as an SVG, PNG or PDF file needs `dot`.

# %%
import math

from IPython.display import display

from autograd import Value
from autograd.core.graph import topological_order
from autograd.nn import Neuron
from autograd.viz import BackwardStepper, ForwardStepper, draw_dot, to_dot

# %% [markdown]
# ## Build an expression and draw it
#
# One neuron with two inputs again, this time with `tanh`: $o = \tanh(x_1w_1 + x_2w_2 + b)$.
# Every intermediate value gets a label so the drawing is easy to read.

# %%
x1, x2 = Value(2.0, "x1"), Value(0.0, "x2")
w1, w2 = Value(-3.0, "w1"), Value(1.0, "w2")
b = Value(6.881373587, "b")
x1w1 = x1 * w1
x1w1.label = "x1w1"
x2w2 = x2 * w2
x2w2.label = "x2w2"
n = x1w1 + x2w2 + b
n.label = "n"
o = n.tanh()
o.label = "o"

draw_dot(o)

# %% [markdown]
# Each box is a value (its label, its `data`, and its `grad`, which is 0 until a backward
# pass fills it in); each oval is the operation that produced the value to its right. A
# value without a label is drawn with a made-up name (`n1`, `n2`, ...), and the steppers
# below call it by that same name. The legend above the drawing lists the kinds of boxes it
# shows. The graph is plain data, and the engine can also hand it over as text:

# %%
print(o.op, [v.label for v in o.inputs])
print(n.op, [v.label or v.op for v in n.inputs])
dot = to_dot(o, legend=False)
print(next(line for line in dot.splitlines() if '"{o |' in line))

# %% [markdown]
# ## The forward pass, step by step
#
# `ForwardStepper` replays the order in which values were computed: each leaf when it is
# first needed, each operation after all of its inputs.

# %%
fwd = ForwardStepper(o)
for step in fwd:
    print(fwd.describe(step))

# %% [markdown]
# ## The backward pass, node by node
#
# `BackwardStepper` walks the graph from the output back. At each node it knows the
# node's gradient $\partial o/\partial\,\text{node}$ (the *upstream* gradient, complete by
# then), multiplies it by the local derivative towards each input, and *adds* the product to
# that input's gradient. The text of each step shows that arithmetic, with the local
# derivative's rule from the operation table. The stepper keeps its own table of gradients,
# so `.grad` is untouched until we ask; a gradient it has not computed yet is drawn as `·`.

# %%
bwd = BackwardStepper(o)
print(bwd.describe(None))  # frame 0, before any step
print(bwd.describe(bwd.next()))  # the tanh node: local derivative 1 - o^2 = 0.5

# %% [markdown]
# After the first step the tanh node has passed $1 - o^2$ to `n`. The drawing highlights
# the node just processed and shows the gradients known so far:

# %%
bwd.draw()

# %%
bwd.run()
print(bwd.text())

# %% [markdown]
# The stepper's gradients are exactly those of `backward()`, and they agree with the chain
# rule written out by hand: $\partial o/\partial w_1 = (1 - o^2)\,x_1$, and so on.

# %%
o.backward()
for leaf in (x1, w1, x2, w2, b):
    print(f"{leaf.label:3} stepper {bwd.grads[leaf]:+.6f}   backward() {leaf.grad:+.6f}")
    assert bwd.grads[leaf] == leaf.grad

local = 1 - math.tanh(n.data) ** 2
assert math.isclose(w1.grad, local * x1.data) and math.isclose(x1.grad, local * w1.data)
assert math.isclose(w2.grad, local * x2.data) and math.isclose(b.grad, local)
draw_dot(o)

# %% [markdown]
# In a live notebook, `play()` gives buttons and a slider over the same frames (it builds
# an ipywidgets player and returns at once; in a terminal it prints every frame's text), and
# `to_html()` writes a stand-alone page that steps through them in any browser, offline.

# %%
player = BackwardStepper(o).play()
display(player)

# %% [markdown]
# ## Reused nodes: why the order matters
#
# Consider
#
# ```python
# a = Value(3.0)
# b = a + a
# c = b + b
# ```
#
# so $c = 4a$ and $\partial c/\partial a = 4$. The value `b` is used **twice**, and `a` is
# used twice by `b`. Two rules follow:
#
# 1. Gradients arriving at a node along different paths must be **added**, not overwritten.
# 2. A node may pass its gradient on only once it is **complete**, that is after every node
#    that uses it has been processed.
#
# Let us break each rule on purpose and watch the answer go wrong.

# %%
a = Value(3.0, "a")
b = a + a
b.label = "b"
c = b + b
c.label = "c"
draw_dot(c)

# %% [markdown]
# The stepper shows both rules at work: `a` receives two shares from `b = a + a`, and its
# gradient grows with each (`a.grad: 2 -> 4`), and `b` passes its gradient on only once
# both uses in `c` have added theirs.

# %%
print(BackwardStepper(c).text())  # every frame's text; play() would step through them


# %% [markdown]
# A first attempt: walk the graph recursively from the output, and *set* each input's
# gradient to the incoming gradient times the local derivative.


# %%
def backward_overwrite(root):
    grads = {root: 1.0}

    def visit(node):
        for child, d in zip(node.inputs, node._op.partials(node), strict=True):
            grads[child] = grads[node] * d  # overwrites whatever arrived before
            if not child.is_leaf:
                visit(child)

    visit(root)
    return grads


print("overwriting:", backward_overwrite(c)[a])


# %% [markdown]
# It says 1. Every second contribution overwrote the first. A second attempt *adds*, but
# still recurses: each node passes on its gradient as soon as it is reached.


# %%
def backward_eager(root):
    grads = {root: 1.0}
    visits = 0

    def visit(node):
        nonlocal visits
        visits += 1
        for child, d in zip(node.inputs, node._op.partials(node), strict=True):
            grads[child] = grads.get(child, 0.0) + grads[node] * d
            if not child.is_leaf:
                visit(child)  # the child may not have received all its gradient yet

    visit(root)
    return grads, visits


print("adding, but eager:", backward_eager(c)[0][a])

# %% [markdown]
# Now 6. When `c` first reaches `b`, `b` holds only half its gradient and already passes it
# on; when the second half arrives, `b` passes on its *total*, counting the first half twice.
#
# The cure is to process nodes in **reverse topological order**: a node comes after every
# node that uses it. Then each node's gradient is complete when it is passed on, and every
# node is visited exactly once. This is what `backward()` does. `topological_order` lists the
# operations only: a leaf such as `a` has no inputs to pass a gradient on to, so nothing is
# done *at* it; it just receives its gradient from the operations that use it.

# %%
order = topological_order([c])  # operations, inputs first; backward() walks it in reverse
print("topological order:", [v.label for v in order], "then the leaf a receives its gradient")

grads = {c: 1.0}
for node in reversed(order):
    for child, d in zip(node.inputs, node._op.partials(node), strict=True):
        grads[child] = grads.get(child, 0.0) + grads[node] * d
print("in topological order:", grads[a])

c.backward()
print("backward():", a.grad)
assert grads[a] == a.grad == 4.0
assert backward_overwrite(c)[a] == 1.0 and backward_eager(c)[0][a] == 6.0

# %% [markdown]
# The eager recursion is not only wrong, it is also slow: with a chain of reuses
# $v_{i+1} = v_i + v_i$ it visits every path through the graph, and the number of paths
# doubles with each link. The topological order visits each operation once: a chain of
# `depth` additions has `depth` operations and one leaf, `v`, which only receives.

# %%
for depth in (4, 8, 12):
    v = Value(1.0)
    root = v
    for _ in range(depth):
        root = root + root
    grads, visits = backward_eager(root)
    nodes = len(topological_order([root]))
    root.backward()
    print(
        f"depth {depth:2}: eager visits {visits:5}, topological visits {nodes:2} operations "
        f"(+ the leaf); "
        f"eager gradient {grads[v]:.0f}, true {v.grad:.0f}"
    )
    assert v.grad == 2.0**depth and visits == 2**depth - 1 and nodes == depth

# %% [markdown]
# ## Inside a neuron: the expanded view
#
# The `nn` layer computes a neuron's weighted sum $b + w_0x_0 + w_1x_1$ as **one** node,
# `linear`, which is fast but hides the products and sums whose chain rule we just stepped
# through. `expand=True` (in `draw_dot`, `to_dot` and both steppers) writes that node out
# as separate `×` and `+` nodes, with the same numbers to the last bit.

# %%
neuron = Neuron(2, activation="tanh", seed=0)
y = neuron([x1, x2])
y.backward()
print("fused:", [v.op for v in topological_order([y])])
draw_dot(y)

# %%
draw_dot(y, expand=True)

# %%
steps = BackwardStepper(y, expand=True)
for step in steps:
    print(steps.describe(step))
for p in neuron.parameters():
    assert steps.grads[p] == p.grad  # the expanded walk gives backward()'s gradients

# %% [markdown]
# ## What to remember
#
# * The graph is built as a side effect of ordinary arithmetic on `Value`s.
# * Backward visits each node once, outputs first, in reverse topological order.
# * At each node: its gradient times the local derivative goes to each input, **added** to
#   what is there already. A value used twice receives two contributions.
