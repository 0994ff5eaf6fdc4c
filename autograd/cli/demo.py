"""The training demo behind ``python -m autograd demo``: an MLP learns a 2-D dataset.

Forward ``y = f(xW + b)`` layer by layer, a loss E, ``E.backward()``, an optimiser step: repeated
for every epoch (full batch). Writes the decision boundary and loss curve (PNG, needs matplotlib),
the trained model (JSON) and the graph of one neuron (SVG, needs Graphviz) into ``--out``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any, TextIO

from ..engine import Value
from ..mode import no_grad
from ..nn import datasets, losses, optim
from ..nn.activations import ACTIVATION_FUNCTIONS
from ..nn.modules import MLP
from ..tracer import train_step
from ..viz import GraphvizNotFound, render, to_dot

DEFAULT_LR = {"sgd": 1.0, "adam": 0.05, "adamw": 0.05}
L2 = 1e-4  # weight of the L2 penalty added to the loss
# Compiling the step costs about as much as 25 eager steps and then runs ~6x faster
# (benchmarks/README.md), so shorter runs stay eager. Softmax is not compiled: its stable form
# subtracts max(logits), a data-dependent constant a trace would freeze.
COMPILE_MIN_EPOCHS = 25


def _hidden(text: str) -> list[int]:
    try:
        sizes = [int(s) for s in text.split(",")]
    except ValueError:
        sizes = []
    if not sizes or any(s < 1 for s in sizes):
        raise argparse.ArgumentTypeError(
            f"expected comma-separated positive layer sizes such as 16,16; got {text!r}"
        )
    return sizes


def _positive(kind: type) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        try:
            v = kind(text)
        except ValueError:
            v = None
        if v is None or not v > 0 or v != v or v == float("inf"):
            raise argparse.ArgumentTypeError(f"expected a positive {kind.__name__}, got {text!r}")
        return v

    parse.__name__ = kind.__name__
    return parse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The demo's options, added to its ``argparse`` subcommand.

    >>> parser = argparse.ArgumentParser()
    >>> add_arguments(parser)
    >>> args = parser.parse_args(["--hidden", "8,4", "--optimizer", "adam"])
    >>> args.hidden, args.optimizer, args.epochs, args.out
    ([8, 4], 'adam', 100, 'demo-output')
    """
    parser.add_argument("--dataset", choices=sorted(datasets.DATASETS), default="moons")
    parser.add_argument("--points", type=_positive(int), default=100, help="training points")
    parser.add_argument("--hidden", type=_hidden, default=[16, 16], help="e.g. 16,16")
    parser.add_argument(
        "--activation", choices=[a for a in ACTIVATION_FUNCTIONS if a != "linear"], default="relu"
    )
    parser.add_argument("--optimizer", choices=sorted(DEFAULT_LR), default="sgd")
    parser.add_argument("--lr", type=_positive(float), help="default: 1.0 for sgd, else 0.05")
    parser.add_argument("--epochs", type=_positive(int), default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="demo-output", help="directory for the output files")


class Task:
    """A dataset with its loss: hinge on ±1 labels for 2 classes, softmax cross-entropy else.

    >>> task = Task([0, 2, 1])
    >>> task.classes, task.binary, task.predict([Value(0.1), Value(0.9), Value(0.3)])
    (3, False, 1)
    """

    def __init__(self, y: Sequence[int]) -> None:
        self.classes = max(y) + 1
        self.binary = self.classes == 2

    def loss(self, outputs: list[Any], y: Sequence[int]) -> Value:
        """The mean loss of ``outputs`` (one per example) against the class labels ``y``.

        >>> task = Task([0, 1])
        >>> task.loss([Value(2.0), Value(0.5)], [1, 1]).data  # hinge: mean of max(0, 1 - y*s)
        0.25
        """
        if self.binary:
            return losses.hinge(outputs, [2.0 * c - 1.0 for c in y])
        return losses.softmax_cross_entropy(outputs, list(y))

    def predict(self, out: Any) -> int:
        """The predicted class: the sign of one score, or the index of the largest of several.

        >>> Task([0, 1]).predict(Value(-0.3)), Task([0, 1, 2]).predict([Value(0.1), Value(0.9)])
        (0, 1)
        """
        if self.binary:
            return int(out.data > 0)
        return max(range(len(out)), key=lambda k: out[k].data)


def accuracy(model: MLP, task: Task, X: Sequence[Sequence[float]], y: Sequence[int]) -> float:
    """Fraction of ``X`` classified as ``y``.

    >>> model = MLP(1, [1], seed=0)
    >>> model.layers[0].neurons[0].w[0].data = 1.0
    >>> accuracy(model, Task([0, 1]), [[-2.0], [3.0], [1.0]], [0, 1, 0])
    0.6666666666666666
    """
    with no_grad():
        hits = sum(task.predict(model(x)) == c for x, c in zip(X, y, strict=True))
    return hits / len(y)


def _progress(epochs: int, out: TextIO) -> Any:
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm(total=epochs, desc="training", unit="epoch", file=out, leave=True)


def train(args: argparse.Namespace, out: TextIO) -> dict[str, Any]:
    """Build data and model from the options, train, and return what was learned.

    >>> import io
    >>> parser = argparse.ArgumentParser()
    >>> add_arguments(parser)
    >>> result = train(parser.parse_args(["--epochs", "2", "--points", "20"]), io.StringIO())
    >>> len(result["history"]), len(result["X"]), result["model"].nouts
    (2, 20, [16, 16, 1])
    """
    X_tr, X_te, y_tr, y_te = split_data(args)
    task = Task(y_tr + y_te)
    nout = 1 if task.binary else task.classes
    model = MLP(2, [*args.hidden, nout], activation=args.activation, seed=args.seed)
    opt, schedule = make_optimizer(model.parameters(), args)
    print(f"{args.dataset}: {len(X_tr)} training, {len(X_te)} held-out points", file=out)
    print(model, file=out)
    start = time.perf_counter()
    history = fit(model, task, X_tr, y_tr, opt, schedule, args.epochs, out)
    seconds = time.perf_counter() - start
    train_acc, test_acc = accuracy(model, task, X_tr, y_tr), accuracy(model, task, X_te, y_te)
    print(f"trained {args.epochs} epochs in {seconds:.1f} s", file=out)
    print(f"training accuracy {train_acc:.1%}   held-out accuracy {test_acc:.1%}", file=out)
    return {
        "model": model,
        "task": task,
        "X": X_tr,
        "y": y_tr,
        "history": history,
        "train_accuracy": train_acc,
        "test_accuracy": test_acc,
    }


Split = tuple[list[list[float]], list[list[float]], list[int], list[int]]


def split_data(args: argparse.Namespace) -> Split:
    """The dataset the options name, as training and held-out points and labels.

    >>> ns = argparse.Namespace(dataset="moons", points=20, seed=0)
    >>> X_tr, X_te, y_tr, y_te = split_data(ns)
    >>> len(X_tr), len(X_te)
    (20, 10)
    """
    make = datasets.DATASETS[args.dataset]
    n_test = max(args.points // 2, 2)
    X, y = make(args.points + n_test, seed=args.seed)
    X_tr, X_te, y_tr, y_te = datasets.train_test_split(
        X, y, test_fraction=n_test / (args.points + n_test), seed=args.seed
    )
    return X_tr, X_te, y_tr, y_te


def make_optimizer(
    params: list[Value], args: argparse.Namespace
) -> tuple[optim.Optimizer, optim.LinearLR | None]:
    """The optimiser the options name, with its learning-rate schedule (SGD decays linearly).

    >>> ns = argparse.Namespace(optimizer="adam", lr=None, epochs=10)
    >>> opt, schedule = make_optimizer([Value(1.0)], ns)
    >>> type(opt).__name__, opt.lr, schedule
    ('Adam', 0.05, None)
    """
    lr = args.lr if args.lr is not None else DEFAULT_LR[args.optimizer]
    if args.optimizer == "sgd":
        opt: optim.Optimizer = optim.SGD(params, lr=lr)
        return opt, optim.LinearLR(opt, 1.0, 0.1, total_iters=args.epochs)
    return (optim.Adam if args.optimizer == "adam" else optim.AdamW)(params, lr=lr), None


def fit(
    model: MLP,
    task: Task,
    X: Sequence[Sequence[float]],
    y: Sequence[int],
    opt: optim.Optimizer,
    schedule: optim.LinearLR | None,
    epochs: int,
    out: TextIO,
) -> list[float]:
    """Train for ``epochs`` full-batch steps (compiled when that pays); the loss per epoch.

    >>> import io
    >>> X, y = [[0.0, 1.0], [1.0, 0.0]], [0, 1]
    >>> model = MLP(2, [4, 1], seed=0)
    >>> opt = optim.SGD(model.parameters(), lr=0.1)
    >>> losses_seen = fit(model, Task(y), X, y, opt, None, 3, io.StringIO())
    >>> len(losses_seen), losses_seen[-1] < losses_seen[0]
    (3, True)
    """
    params = model.parameters()
    bar = _progress(epochs, out)
    history: list[float] = []
    outputs: list[Value | list[Value] | _Score]  # one per example, what Task.predict reads
    step = _compiled_step(model, task, X, y, opt, epochs)
    for epoch in range(epochs):
        if step is not None:  # the same arithmetic as the eager branch, as generated code
            result = step()
            value, outputs = result.value, [_Score(s) for s in result.extras]
        else:
            outputs = [model(x) for x in X]
            loss = task.loss(outputs, y) + losses.l2_penalty(params, L2)
            opt.zero_grad()
            loss.backward()
            opt.step()
            value = loss.data
        if schedule is not None:
            schedule.step()
        acc = sum(task.predict(o) == c for o, c in zip(outputs, y, strict=True)) / len(y)
        history.append(value)
        if bar is not None:
            bar.set_postfix(loss=f"{value:.4f}", acc=f"{acc:.1%}")
            bar.update()
        elif epoch % 10 == 9 or epoch == epochs - 1:
            print(f"epoch {epoch + 1:4d}  loss {value:.4f}  accuracy {acc:.1%}", file=out)
    if bar is not None:
        bar.close()
    return history


class _Score:
    """A compiled step's output score where ``Task.predict`` expects a Value (reads ``.data``)."""

    __slots__ = ("data",)

    def __init__(self, data: float) -> None:
        self.data = data


def _compiled_step(
    model: MLP, task: Task, X: Any, y: Sequence[int], opt: optim.Optimizer, epochs: int
) -> Callable[[], Any] | None:
    """The training step as generated code (``autograd.compile``), when that is faster."""
    if not task.binary or epochs < COMPILE_MIN_EPOCHS:
        return None
    params = model.parameters()

    def loss() -> tuple[Value, list[Value | list[Value]]]:
        outputs = [model(x) for x in X]
        return task.loss(outputs, y) + losses.l2_penalty(params, L2), outputs

    return train_step(loss, opt)


def plot(result: dict[str, Any], outdir: str, out: TextIO) -> list[str]:
    """Decision boundary and loss curve as PNG files; a note instead if matplotlib is absent.

    >>> import io, tempfile
    >>> parser = argparse.ArgumentParser()
    >>> add_arguments(parser)
    >>> args = parser.parse_args(["--points", "20", "--hidden", "4", "--epochs", "2"])
    >>> result = train(args, io.StringIO())
    >>> files = plot(result, tempfile.mkdtemp(), io.StringIO())
    >>> [os.path.basename(f) for f in files]
    ['decision_boundary.png', 'loss_curve.png']
    """
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("note: matplotlib is not installed, so no plots (pip install matplotlib)", file=out)
        return []
    model, task, X, y = result["model"], result["task"], result["X"], result["y"]
    xs, ys = [p[0] for p in X], [p[1] for p in X]
    lo_x, hi_x, lo_y, hi_y = min(xs) - 0.5, max(xs) + 0.5, min(ys) - 0.5, max(ys) + 0.5
    n = 60
    gx = [lo_x + (hi_x - lo_x) * i / (n - 1) for i in range(n)]
    gy = [lo_y + (hi_y - lo_y) * j / (n - 1) for j in range(n)]
    with no_grad():
        grid = [[task.predict(model([a, b])) for a in gx] for b in gy]
    fig, ax = plt.subplots(figsize=(6, 5))
    levels = [c - 0.5 for c in range(task.classes + 1)]  # one band per class
    top = task.classes - 1
    ax.contourf(gx, gy, grid, levels=levels, cmap="Spectral", alpha=0.6, vmin=0, vmax=top)
    ax.scatter(xs, ys, c=y, s=30, cmap="Spectral", edgecolors="k", vmin=0, vmax=top)
    ax.set_title(f"decision boundary (training accuracy {result['train_accuracy']:.1%})")
    boundary = os.path.join(outdir, "decision_boundary.png")
    fig.savefig(boundary, dpi=100)
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(range(1, len(result["history"]) + 1), result["history"])
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss")
    ax.set_yscale("log")
    ax.set_title("training loss")
    curve = os.path.join(outdir, "loss_curve.png")
    fig.savefig(curve, dpi=100)
    plt.close(fig)
    return [boundary, curve]


def neuron_graph(model: MLP, x: Sequence[float]) -> Value:
    """A first-layer neuron applied to ``x``, after backward (ready to draw).

    The neuron is a copy with zeroed gradients: what a training run left in ``.grad`` (the L2
    term, earlier batches) must not show, and the model itself is not touched.

    >>> model = MLP(2, [3, 1], seed=0)
    >>> out = neuron_graph(model, [0.5, -1.0])
    >>> out.op, [v.label for v in out.inputs[0].inputs]
    ('relu', ['L0.N1.w0', 'L0.N1.w1', 'x0', 'x1', 'L0.N1.b'])
    >>> [w.grad for w in out.inputs[0].inputs[:2]], model.layers[0].neurons[1].w[0].grad
    ([0.5, -1.0], 0.0)
    """
    import copy

    inputs = [Value(v, f"x{i}") for i, v in enumerate(x)]
    neurons = [copy.deepcopy(neuron) for neuron in model.layers[0].neurons]
    for neuron in neurons:
        neuron.zero_grad()
    outs = [neuron(inputs) for neuron in neurons]
    # Prefer a neuron that is active on x: a dead ReLU draws as all-zero gradients.
    out = next((o for o in outs if o.data > 0), outs[0])
    out.backward()
    return out


def draw_neuron(model: MLP, x: Sequence[float], outdir: str, out: TextIO) -> list[str]:
    """One neuron's graph as SVG, its weighted sum written out as products and sums (the
    expanded view of autograd.viz), or a note without Graphviz.

    >>> import io, tempfile
    >>> files = draw_neuron(MLP(2, [3, 1], seed=0), [0.5, -1.0], tempfile.mkdtemp(), io.StringIO())
    >>> all(f.endswith("neuron.svg") and os.path.getsize(f) > 0 for f in files)
    True
    """
    y = neuron_graph(model, x)
    xs = ", ".join(f"{v:.4g}" for v in x)
    title = f"one neuron, y = act(b + w0·x0 + w1·x1), at x = ({xs}): grad = dy/d(value)"
    try:
        svg = render(to_dot(y, expand=True, title=title), "svg")
    except GraphvizNotFound:
        print(
            "note: Graphviz's `dot` is not installed, so no neuron.svg (apt-get install graphviz)",
            file=out,
        )
        return []
    path = os.path.join(outdir, "neuron.svg")
    with open(path, "wb") as f:
        f.write(svg)
    return [path]


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Train, then write every output file; returns the exit status.

    >>> import io, tempfile
    >>> outdir = tempfile.mkdtemp()
    >>> parser = argparse.ArgumentParser()
    >>> add_arguments(parser)
    >>> args = parser.parse_args(["--points", "20", "--hidden", "4", "--epochs", "2",
    ...                           "--out", outdir])
    >>> run(args, io.StringIO())
    0
    >>> "model.json" in os.listdir(outdir)
    True
    """
    out = out or sys.stdout
    try:
        os.makedirs(args.out, exist_ok=True)
    except OSError as e:
        print(f"demo: cannot create output directory {args.out!r}: {e}", file=sys.stderr)
        return 2
    result = train(args, out)
    files = plot(result, args.out, out)
    model_path = os.path.join(args.out, "model.json")
    result["model"].save(model_path)
    files.append(model_path)
    files += draw_neuron(result["model"], result["X"][0], args.out, out)
    print("wrote " + ", ".join(files), file=out)
    return 0
