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
from ..viz.backward_stepper import BackwardStepper
from ..viz.dot import forward_order, to_dot
from .graph import stepper_frames
from .training import GRID, Trainer

MAX_DRAWN = 150  # nodes drawn one by one; a bigger graph is drawn a box per neuron
MAX_STEPPED = 150  # nodes of a point's graph that can be stepped through (a frame per step)


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


def point_frames(trainer: Trainer, index: int, lang: str = "en") -> list[dict[str, str]]:
    """The backward pass of point ``index``'s loss graph, step by step, as the expression tab
    shows it (:func:`autograd.web.graph.stepper_frames`); a graph of more than MAX_STEPPED nodes
    is refused (a frame per node would be too much for the page).

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
    nodes = len(forward_order(loss))
    if nodes > MAX_STEPPED:
        raise ValueError(
            f"point steps: this point's graph has {nodes} nodes, and stepping shows at most "
            f"{MAX_STEPPED}: choose smaller hidden sizes (2 or 3) to step through it"
        )
    try:
        return stepper_frames(BackwardStepper(loss), lang)
    finally:
        for p, g in zip(params, saved, strict=True):
            p.grad = g


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
    """Neuron ``name``'s parameters: label, value, gradient of the last epoch's loss, and for
    Adam its state (:meth:`autograd.nn.optim.Adam.state`: m, √v, the last update).

    >>> t = Trainer("xor", "2", "tanh", "adam", 0.1, points=8)
    >>> _ = t.epoch()
    >>> [row["name"] for row in weight_rows(t, "L0.N0")], sorted(weight_rows(t, "L0.N0")[0])
    (['L0.N0.w0', 'L0.N0.w1', 'L0.N0.b'], ['grad', 'm', 'name', 'sqrt_v', 'update', 'value'])
    """
    layer_index, neuron_index_ = neuron_index(trainer, name)
    neuron = trainer.model.layers[layer_index].neurons[neuron_index_]
    rows = []
    for p in neuron.parameters():
        row: dict[str, Any] = {"name": p.label, "value": p.data, "grad": p.grad}
        if isinstance(trainer.opt, optim.Adam):
            state = trainer.opt.state(p)
            row.update(m=state["m"], sqrt_v=state["v"] ** 0.5, update=state["update"])
        rows.append(row)
    return rows
