"""Training a network in the playground, one epoch per request: the loss so far, the decision
boundary on a grid, and any neuron's drawing with its current gradients.

The page asks for one epoch at a time, so pausing is not asking and stopping is forgetting the
trainer: the Web Worker is never busy for longer than one epoch.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from ..core.modes import no_grad
from ..core.value import Value
from ..nn import MLP, Task, datasets, losses, optim
from ..nn.activations import ACTIVATION_FUNCTIONS
from ..nn.training import DIVERGED_FACTOR, L2, TrainingDiverged, fit
from ..viz.dot import to_dot
from ..viz.expand import expand

# The choices are the package's registries (the page's menus are checked against them).
DATASETS: dict[str, Callable[..., Any]] = datasets.DATASETS
OPTIMISERS = optim.OPTIMIZERS
ACTIVATIONS = tuple(name for name, f in ACTIVATION_FUNCTIONS.items() if f is not None)
GRID = 24  # the decision boundary is drawn from GRID x GRID predictions
MAX_HIDDEN = (3, 32)  # at most 3 hidden layers of at most 32 neurons
MAX_LR = 100.0  # high enough to watch training diverge
MAX_POINTS = 400  # the learner's own points included
POINTS = 64  # a dataset's points unless the request says
MAX_COORD = 100.0  # |x| and |y| of an added point


def hidden_sizes(text: Any) -> list[int]:
    """Hidden layer sizes from text such as ``"16, 16"``; ValueError saying what is allowed.

    >>> hidden_sizes("16, 8")
    [16, 8]
    >>> hidden_sizes("16, x")
    Traceback (most recent call last):
    ...
    ValueError: hidden sizes: '16, x' is not a list of 1 to 3 whole numbers from 1 to 32
    """
    why = (
        f"hidden sizes: {str(text)[:40]!r} is not a list of 1 to {MAX_HIDDEN[0]} whole numbers "
        f"from 1 to {MAX_HIDDEN[1]}"
    )
    parts = [p.strip() for p in str(text).split(",")]
    # isdigit() alone also takes "²" and "٣", which int() then refuses
    if not 1 <= len(parts) <= MAX_HIDDEN[0] or not all(p.isascii() and p.isdigit() for p in parts):
        raise ValueError(why)
    sizes = [int(p) for p in parts]
    if not all(1 <= n <= MAX_HIDDEN[1] for n in sizes):
        raise ValueError(why)
    return sizes


def learning_rate(given: Any) -> float:
    """The learning rate from the page: a number in (0, 100], or ValueError saying so.

    >>> learning_rate("0.05"), learning_rate(100)
    (0.05, 100.0)
    >>> learning_rate("fast")
    Traceback (most recent call last):
    ...
    ValueError: learning rate: 'fast' is not a number in (0, 100]
    """
    why = f"learning rate: {str(given)[:40]!r} is not a number in (0, {MAX_LR:g}]"
    if isinstance(given, bool) or not isinstance(given, (int, float, str)):
        raise ValueError(why)
    try:
        rate = float(given)
    except (ValueError, OverflowError):
        raise ValueError(why) from None
    if not 0 < rate <= MAX_LR:
        raise ValueError(why)
    return rate


def choice(value: Any, allowed: Any, what: str) -> str:
    """``value`` if it is one of ``allowed``, else ValueError listing them.

    >>> choice("adam", OPTIMISERS, "optimiser")
    'adam'
    >>> choice("<x>", ACTIVATIONS, "activation")
    Traceback (most recent call last):
    ...
    ValueError: activation: '<x>' is not one of relu, tanh, sigmoid
    """
    if value not in allowed:
        raise ValueError(f"{what}: {str(value)[:40]!r} is not one of {', '.join(allowed)}")
    return str(value)


def _edge(a: str, b: str, w: float, top: float) -> str:
    """An edge of the network drawing for weight ``w``: as thick as its size (``top``: the
    layer's largest), red when positive, blue and dashed when negative (not by colour alone).

    >>> _edge("x0", "L0.N0", -0.5, 1.0)
    '  "x0" -> "L0.N0" [penwidth=2 color="#1f5fa8" style=dashed tooltip="x0 → L0.N0: w = -0.5"];'
    """
    width = 0.3 + 3.4 * min(1.0, abs(w) / top)
    look = 'color="#c0392b"' if w >= 0 else 'color="#1f5fa8" style=dashed'
    return f'  "{a}" -> "{b}" [penwidth={width:.2g} {look} tooltip="{a} → {b}: w = {w:.3g}"];'


class Trainer:
    """A dataset, a network and an optimiser; :meth:`epoch` trains one full-batch epoch with
    :func:`autograd.nn.fit` and returns what the page draws.

    >>> t = Trainer("moons", "8", "relu", "adam", 0.05, points=32)
    >>> first = t.epoch()
    >>> for _ in range(20):
    ...     last = t.epoch()
    >>> last["epoch"], last["loss"] < first["loss"], len(last["grid"]) == GRID * GRID
    (21, True, True)
    """

    def __init__(
        self,
        dataset: str,
        hidden: Any,
        activation: str,
        optimiser: str,
        lr: Any,
        points: int = POINTS,
        seed: int = 0,
    ) -> None:
        make = DATASETS[choice(dataset, DATASETS, "dataset")]
        X, y = make(n=points, seed=seed)
        self.X, self.y = [list(x) for x in X], list(y)
        self.task = Task(self.y)
        sizes = hidden_sizes(hidden)
        act = choice(activation, ACTIVATIONS, "activation")
        outputs = 1 if self.task.binary else self.task.classes
        self.model = MLP(2, [*sizes, outputs], activation=act, seed=seed)
        rate = learning_rate(lr)
        self.optimiser = choice(optimiser, OPTIMISERS, "optimiser")
        self.opt = OPTIMISERS[self.optimiser].make(self.model.parameters(), lr=rate)
        self.losses: list[float] = []
        self.box = self._box()
        self.edits = 0  # points added or removed: the data's version
        self._ahead: tuple[tuple[int, int], list[float]] | None = None  # next_gradients' cache

    def _box(self) -> tuple[float, float, float, float]:
        lo = [min(p[i] for p in self.X) - 0.5 for i in (0, 1)]
        hi = [max(p[i] for p in self.X) + 0.5 for i in (0, 1)]
        return (lo[0], hi[0], lo[1], hi[1])

    def add_point(self, given: Any) -> int:
        """Add the learner's point ``[x, y, class]`` (a class the network has); its index.

        >>> t = Trainer("xor", "2", "tanh", "sgd", 0.1, points=8)
        >>> t.add_point([0.5, -0.25, 1]), t.X[-1], t.y[-1]
        (8, [0.5, -0.25], 1)
        >>> t.add_point([0.5, 1e9, 1])
        Traceback (most recent call last):
        ...
        ValueError: point: give [x, y, class] with |x| and |y| at most 100 and class 0 to 1
        """
        why = (
            f"point: give [x, y, class] with |x| and |y| at most {MAX_COORD:g} and class 0 to "
            f"{self.task.classes - 1}"
        )
        if not isinstance(given, list) or len(given) != 3 or len(self.X) >= MAX_POINTS:
            raise ValueError(why if len(self.X) < MAX_POINTS else f"point: at most {MAX_POINTS}")
        x, y, k = given
        numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (x, y))
        if not numbers or not (abs(x) <= MAX_COORD and abs(y) <= MAX_COORD):  # nan fails too
            raise ValueError(why)
        if isinstance(k, bool) or not isinstance(k, int) or not 0 <= k < self.task.classes:
            raise ValueError(why)
        self.X.append([float(x), float(y)])
        self.y.append(k)
        self.box = self._box()
        self.edits += 1
        return len(self.X) - 1

    def remove_point(self, index: int) -> None:
        """Remove point ``index``; a class keeps at least one point.

        >>> t = Trainer("xor", "2", "tanh", "sgd", 0.1, points=8)
        >>> t.remove_point(0); len(t.X)
        7
        """
        if self.y.count(self.y[index]) <= 1:
            raise ValueError(f"point: {index} is the last point of class {self.y[index]}")
        del self.X[index], self.y[index]
        self.box = self._box()
        self.edits += 1

    def epoch(self) -> dict[str, Any]:
        """Train one epoch; the epoch number, its loss and accuracy, the class predicted at each
        grid point (row by row, from the top) and the data. Not every loss so far: the page keeps
        those, so that an answer's size does not grow with the epochs (``losses`` holds them).

        >>> out = Trainer("xor", "4", "tanh", "sgd", 0.1, points=8).epoch()
        >>> out["epoch"], len(out["points"]), "losses" in out
        (1, 8, False)
        """
        epoch = len(self.losses) + 1
        start = time.perf_counter()
        history = fit(self.model, self.task, self.X, self.y, self.opt, None, 1)
        train_ms = 1000 * (time.perf_counter() - start)
        loss = history.total[0]
        if self.losses and self.losses[0] > 0 and loss > DIVERGED_FACTOR * self.losses[0]:
            raise TrainingDiverged(epoch, f"the loss grew from {self.losses[0]:.4g} to {loss:.4g}")
        self.losses.append(loss)
        return {
            "epoch": len(self.losses),
            "loss": self.losses[-1],
            "accuracy": history.accuracy[0],
            "grid": self.grid(),
            "box": self.box,
            "points": [[x[0], x[1], c] for x, c in zip(self.X, self.y, strict=True)],
            "classes": self.task.classes,
            "train_ms": train_ms,  # the epoch alone, without the grid: for the page's figures
        }

    def next_gradients(self) -> list[float]:
        """The gradient of the next epoch's loss with respect to each parameter (in the order of
        ``model.parameters()``): the current network on the current data, differentiated as
        :func:`autograd.nn.fit`'s epoch differentiates it (the same operations in the same
        order), so it is bit for bit the gradient the next epoch's step will use. Worked out
        once per epoch and data; the parameters' ``.grad`` keeps the last epoch's gradient.

        >>> t = Trainer("xor", "2", "tanh", "sgd", 0.1, points=8)
        >>> ahead = t.next_gradients()
        >>> _ = t.epoch()
        >>> [p.grad for p in t.model.parameters()] == ahead
        True
        """
        key = (len(self.losses), self.edits)
        if self._ahead is not None and self._ahead[0] == key:
            return self._ahead[1]
        params = self.model.parameters()
        saved = [p.grad for p in params]
        outputs = [self.model(x) for x in self.X]  # as nn.training's epoch: data loss + L2
        loss = self.task.loss(outputs, self.y) + losses.l2_penalty(params, L2)
        for p in params:
            p.grad = 0.0
        try:
            loss.backward()
            ahead = [p.grad for p in params]
        finally:
            for p, g in zip(params, saved, strict=True):
                p.grad = g
        self._ahead = (key, ahead)
        return ahead

    def grid(self) -> list[float]:
        """The network's score at each of GRID x GRID points over the data (positive: class 1),
        or with more than two classes the class it predicts there.

        >>> len(Trainer("xor", "4", "tanh", "sgd", 0.1, points=8).grid()) == GRID * GRID
        True
        """
        x0, x1, y0, y1 = self.box
        out = []
        with no_grad():
            for r in range(GRID):
                yy = y1 - (y1 - y0) * (r + 0.5) / GRID
                for c in range(GRID):
                    xx = x0 + (x1 - x0) * (c + 0.5) / GRID
                    score = self.model([xx, yy])
                    if isinstance(score, Value):  # one output: its score
                        out.append(score.data)
                    else:  # one output per class: the class it predicts
                        out.append(float(self.task.predict(score)))
        return out

    def neurons(self) -> list[str]:
        """Every neuron's name, ``L{layer}.N{index}``, as its parameters are labelled.

        >>> Trainer("xor", "2", "tanh", "sgd", 0.1, points=8).neurons()
        ['L0.N0', 'L0.N1', 'L1.N0']
        """
        return [
            f"L{i}.N{j}" for i, layer in enumerate(self.model.layers) for j in range(layer.nout)
        ]

    def network_dot(self) -> str:
        """DOT text of the network: its inputs, then one node per neuron (named as
        :meth:`neurons` names them, which the page's clicks send back), a column per layer.

        >>> dot = Trainer("xor", "2", "tanh", "sgd", 0.1, points=8).network_dot()
        >>> '"L0.N1"' in dot, '"x1" -> "L0.N0"' in dot, '"L0.N1" -> "L1.N0"' in dot
        (True, True, True)
        """
        lines = [
            "digraph network {",
            "  rankdir=LR; nodesep=0.08; ranksep=0.5;",
            "  node [fontname=Helvetica fontsize=8 shape=circle width=0.42 fixedsize=true"
            ' style=filled fillcolor="#ffe4a8"];',
            "  edge [arrowsize=0.5];",
        ]
        previous = [f"x{i}" for i in range(len(self.X[0]))]
        lines += [f'  "{x}" [shape=box fillcolor="#cfe8ff"];' for x in previous]
        for i, layer in enumerate(self.model.layers):
            names = [f"L{i}.N{j}" for j in range(layer.nout)]
            lines += [f'  "{n}" [tooltip="click: draw {n}"];' for n in names]
            weights = [[w.data for w in n.w] for n in layer.neurons]
            top = max((abs(w) for ws in weights for w in ws), default=0.0) or 1.0
            for j, b in enumerate(names):
                lines += [_edge(a, b, w, top) for a, w in zip(previous, weights[j], strict=True)]
            previous = names
        return "\n".join([*lines, "}"])

    def neuron_dot(self, name: str, expanded: bool = True) -> str:
        """DOT text of one neuron on the first data point: its data, and its parameters' current
        gradient of the training loss (after the last epoch). Only those: the view never runs a
        backward pass of its own, so its other nodes show no gradient field (not "grad ·", "not
        computed yet"). Expanded by default, so the fused weighted sum shows as products and
        sums. No title: the page says what it shows in its own words (``neuron_caption``).

        >>> t = Trainer("xor", "2", "tanh", "sgd", 0.1, points=8)
        >>> _ = t.epoch()
        >>> "L0.N1.w0" in t.neuron_dot("L0.N1"), "L0.N1.w0" in t.neuron_dot("L0.N0")
        (True, False)
        >>> "·" in t.neuron_dot("L1.N0") or "not computed" in t.neuron_dot("L1.N0")
        False
        """
        names = self.neurons()
        if name not in names:
            raise ValueError(f"neuron: {str(name)[:40]!r} is not one of {', '.join(names)}")
        layer_index, neuron_index = (int(part[1:]) for part in name.split("."))
        x: list[Any] = [Value(v, f"x{i}") for i, v in enumerate(self.X[0])]
        for layer in self.model.layers[:layer_index]:  # the inputs this neuron sees
            with no_grad():
                out = layer(x)
            x = [
                Value(v.data, f"in{i}")
                for i, v in enumerate(out if isinstance(out, list) else [out])
            ]
        neuron = self.model.layers[layer_index].neurons[neuron_index]
        root = neuron(x)
        params = neuron.parameters()
        grads = {p: p.grad for p in params}
        shown = expand(root) if expanded else root
        return to_dot(shown, grads=grads, params=params, given_only=True)
