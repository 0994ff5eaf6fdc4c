"""The training tab's live views of a :class:`~autograd.web.training.Trainer`: one data point's
whole loss graph with its current data and gradients, one neuron's output over the plane (for
its heat map and the line where its weighted sum is zero), and its weights with their
gradients and the optimiser's state.

Nothing here changes the training: a point's graph is differentiated with the parameters'
gradients saved and put back, so the next epoch is the one it would have been.
"""

from __future__ import annotations

from typing import Any

from ..core.modes import no_grad
from ..core.value import Value
from ..nn import optim
from ..notation import fmt, forward_order
from ..viz.backward_stepper import BackwardStepper
from ..viz.dot import neuron_groups, to_dot
from ..viz.step_text import BACKWARD, language
from .graph import stepper_frames
from .training import GRID, Trainer

MAX_DRAWN = 150  # nodes drawn one by one; a bigger graph is drawn, and stepped, a box per neuron


def point_index(trainer: Trainer, given: Any) -> int:
    """The data point ``given`` (its index, as the page sends it), or ValueError.

    >>> t = Trainer("xor", "2", "tanh", "sgd", 0.1, points=8)
    >>> point_index(t, "3")
    3
    >>> point_index(t, 8)
    Traceback (most recent call last):
    ...
    ValueError: point: '8' is not the number of a data point (0 to 7)
    """
    text = str(given)[:20]
    n = len(trainer.X)
    if isinstance(given, bool) or not (text.isascii() and text.isdigit()) or int(text) >= n:
        raise ValueError(f"point: {text!r} is not the number of a data point (0 to {n - 1})")
    return int(text)


def point_dot(trainer: Trainer, index: int, expanded: bool = False) -> tuple[str, float]:
    """DOT text of data point ``index``'s own loss graph for the current network, with its data
    and gradients (a box per neuron unless ``expanded`` or small), and that loss.

    >>> t = Trainer("xor", "2", "tanh", "sgd", 0.1, points=8)
    >>> dot, loss = point_dot(t, 0)
    >>> dot.startswith("digraph"), "L0.N0.w0" in dot, loss >= 0
    (True, True, True)
    """
    params = trainer.model.parameters()
    saved = [p.grad for p in params]
    x = [Value(v, f"x{i}") for i, v in enumerate(trainer.X[index])]
    loss = trainer.task.loss([trainer.model(x)], [trainer.y[index]])
    loss.label = f"loss of point {index}"
    for p in params:
        p.grad = 0.0
    loss.backward()
    title = f"point {index} (class {trainer.y[index]}) after epoch {len(trainer.losses)}"
    dot = to_dot(loss, params=params, title=title, max_nodes=None if expanded else MAX_DRAWN)
    for p, g in zip(params, saved, strict=True):
        p.grad = g
    return dot, loss.data


def point_frames(trainer: Trainer, index: int, lang: str = "en") -> list[dict[str, Any]]:
    """The backward pass of point ``index``'s loss graph, step by step, as the expression tab
    shows it (:func:`autograd.web.graph.stepper_frames`); a graph of more than MAX_DRAWN nodes
    is drawn a box per neuron and stepped a neuron at a time (:func:`neuron_frames`).

    >>> t = Trainer("xor", "2", "tanh", "sgd", 0.1, points=8)
    >>> frames = point_frames(t, 0)
    >>> frames[0]["text"].split(":")[0], frames[-1]["text"].startswith("step")
    ('start', True)
    """
    params = trainer.model.parameters()
    saved = [p.grad for p in params]
    x = [Value(v, f"x{i}") for i, v in enumerate(trainer.X[index])]
    loss = trainer.task.loss([trainer.model(x)], [trainer.y[index]])
    loss.label = f"loss of point {index}"
    try:
        stepper = BackwardStepper(loss)
        if len(forward_order(loss)) <= MAX_DRAWN:
            return stepper_frames(stepper, lang)
        title = f"point {index} (class {trainer.y[index]}) after epoch {len(trainer.losses)}"
        return neuron_frames(stepper, params, title, lang)
    finally:
        for p, g in zip(params, saved, strict=True):
            p.grad = g


def neuron_frames(
    stepper: BackwardStepper, params: list[Value], title: str = "", lang: str = "en"
) -> list[dict[str, Any]]:
    """A big graph's backward pass a neuron at a time: the start, then one frame for each run of
    steps inside one neuron (its box outlined in the drawing, a box per neuron) or for each step
    outside the neurons (the loss). A frame has the DOT text, the outlined box's or node's id,
    the steps' texts under a head saying which they are, and ``grads``: the gradient of each
    parameter of the frame's neuron once its steps are done (exactly, as ``backward()`` gives).

    >>> from autograd.nn import MLP
    >>> model = MLP(2, [3, 1], seed=0)
    >>> frames = neuron_frames(BackwardStepper(model([1.0, 2.0])), model.parameters())
    >>> [f["node"] for f in frames]
    ['', 'g_L1_N0', 'g_L0_N0', 'g_L0_N1', 'g_L0_N2']
    >>> print(frames[1]["text"].splitlines()[0])
    step 1 of 4: neuron L1.N0, the backward pass's step 1 of 7:
    >>> sorted(frames[-1]["grads"])
    ['L0.N2.b', 'L0.N2.w0', 'L0.N2.w1']
    """
    say = BACKWARD[language(lang)]
    order = forward_order(stepper.root)
    groups = neuron_groups(order)
    runs: list[tuple[str | None, list[int]]] = []  # (neuron or None, its consecutive steps)
    for k, step in enumerate(stepper.steps):
        group = groups.get(step.node)
        if runs and group is not None and runs[-1][0] == group:
            runs[-1][1].append(k)
        else:
            runs.append((group, [k]))
    stepper.seek(0)
    draw = {"params": params, "title": title, "max_nodes": min(MAX_DRAWN, len(order) - 1)}
    frames = [{"dot": stepper.dot(**draw), "node": "", "text": stepper.describe(None, lang)}]
    for k, (group, members) in enumerate(runs, 1):
        texts = [stepper.describe(stepper.next(), lang) for _ in members]
        where = {"k": k, "n": len(runs), "first": members[0] + 1, "total": len(stepper)}
        frame: dict[str, Any] = {"dot": stepper.dot(**draw), "grads": {}}
        if group is None:
            frame["node"] = stepper.ids[stepper.steps[members[0]].node]
            head = say["node_head"].format(**where)
        else:
            frame["node"] = "g_" + group.replace(".", "_")
            one = len(members) == 1
            head = say["neuron_one" if one else "neuron_head"].format(
                neuron=group, last=members[-1] + 1, **where
            )
            mine = [p for p in params if groups.get(p) == group and p in stepper.grads]
            frame["grads"] = {p.label: stepper.grads[p] for p in mine}
            shown = ", ".join(f"{p.label} = {fmt(stepper.grads[p])}" for p in mine)
            texts.insert(0, say["neuron_grads"].format(neuron=group, grads=shown))  # first
        frame["text"] = "\n".join([head, *texts])
        frames.append(frame)
    return frames


def neuron_index(trainer: Trainer, name: Any) -> tuple[int, int]:
    """(layer, neuron) of a neuron named as :meth:`Trainer.neurons` names it, or ValueError.

    >>> neuron_index(Trainer("xor", "2", "tanh", "sgd", 0.1, points=8), "L1.N0")
    (1, 0)
    """
    names = trainer.neurons()
    if name not in names:
        raise ValueError(f"neuron: {str(name)[:40]!r} is not one of {', '.join(names)}")
    layer, neuron = (int(part[1:]) for part in str(name).split("."))
    return layer, neuron


def neuron_grid(trainer: Trainer, name: Any) -> dict[str, list[float]]:
    """Neuron ``name``'s weighted sum (``sum``) and output (``out``) at each of GRID x GRID
    points over the data, row by row from the top, as the decision boundary's grid.

    >>> t = Trainer("xor", "2", "tanh", "sgd", 0.1, points=8)
    >>> g = neuron_grid(t, "L0.N1")
    >>> len(g["sum"]) == len(g["out"]) == GRID * GRID
    True
    """
    layer_index, neuron_index_ = neuron_index(trainer, name)
    neuron = trainer.model.layers[layer_index].neurons[neuron_index_]
    x0, x1, y0, y1 = trainer.box
    sums, outs = [], []
    with no_grad():
        for r in range(GRID):
            yy = y1 - (y1 - y0) * (r + 0.5) / GRID
            for c in range(GRID):
                seen: list[Any] = [Value(x0 + (x1 - x0) * (c + 0.5) / GRID), Value(yy)]
                for layer in trainer.model.layers[:layer_index]:
                    out = layer(seen)
                    seen = out if isinstance(out, list) else [out]
                total = neuron.b.data + sum(
                    w.data * v.data for w, v in zip(neuron.w, seen, strict=True)
                )
                sums.append(total)
                outs.append(neuron(seen).data)
    return {"sum": sums, "out": outs}


def weight_rows(trainer: Trainer, name: Any) -> list[dict[str, Any]]:
    """Neuron ``name``'s parameters: label, value, ``grad`` (the gradient the next epoch's step
    will use: :meth:`Trainer.next_gradients`), ``next`` (the value that step will give it:
    :meth:`autograd.nn.optim.Optimizer.peek_step`, bit for bit), ``step`` (next - value), and
    for Adam its state now (:meth:`autograd.nn.optim.Adam.state`: m and √v).

    >>> t = Trainer("xor", "2", "tanh", "adam", 0.1, points=8)
    >>> _ = t.epoch()
    >>> rows = weight_rows(t, "L0.N0")
    >>> [row["name"] for row in rows], sorted(rows[0])
    (['L0.N0.w0', 'L0.N0.w1', 'L0.N0.b'], ['grad', 'm', 'name', 'next', 'sqrt_v', 'step', 'value'])
    >>> ahead = rows[0]["next"]
    >>> _ = t.epoch()
    >>> t.model.layers[0].neurons[0].w[0].data == ahead
    True
    """
    layer_index, neuron_index_ = neuron_index(trainer, name)
    neuron = trainer.model.layers[layer_index].neurons[neuron_index_]
    grads = trainer.next_gradients()
    after = trainer.opt.peek_step(grads)
    where = {id(p): i for i, p in enumerate(trainer.opt.params)}
    rows = []
    for p in neuron.parameters():
        i = where[id(p)]
        row: dict[str, Any] = {"name": p.label, "value": p.data, "grad": grads[i]}
        row.update(next=after[i], step=after[i] - p.data)
        if isinstance(trainer.opt, optim.Adam):
            state = trainer.opt.state(p)
            row.update(m=state["m"], sqrt_v=state["v"] ** 0.5)
        rows.append(row)
    return rows
