"""The training demo behind ``python -m autograd demo``: an MLP learns a 2-D dataset.

Forward ``y = f(xW + b)`` layer by layer, a loss E, ``E.backward()``, an optimiser step: repeated
for every epoch (full batch). Writes the decision boundary and loss curve (PNG, needs matplotlib),
the trained model (JSON) and the graph of one neuron (SVG, needs Graphviz) into ``--out``.
"""

from __future__ import annotations

import argparse
import os
import sys
import textwrap
import time
from collections.abc import Callable, Sequence
from typing import Any, TextIO

from ..core.value import Value
from ..nn import datasets, losses, optim
from ..nn.activations import ACTIVATION_FUNCTIONS
from ..nn.modules import MLP
from ..nn.plots import plot_decision_boundary, plot_loss_curve
from ..nn.training import L2, Task, TrainingDiverged, accuracy, fit
from ..tracer import train_step
from ..viz import GraphvizNotFound, render, to_dot

DEFAULT_EPOCHS = 100
# What each dataset gets when an option is left out, measured with the default 16,16 network and
# seed 0 (training / held-out accuracy). Three interleaved spirals are the hard case: SGD at lr 1
# for 100 epochs reaches 41% / 36% with tanh and 83% / 78% with relu, while Adam at lr 0.05
# reaches 97% / 94% and 98% / 98%. Asked for SGD, spirals get 400 epochs at lr 2 (tanh 93% / 94%).
DATASET_OPTIMIZER = {"spirals": "adam"}
DATASET_STEADY = {"spirals": (400, 2.0)}  # (epochs, lr) for an optimiser that does not adapt
# Compiling the step costs about as much as 25 eager steps and then runs ~6x faster
# (benchmarks/README.md), so shorter runs stay eager. Softmax is not compiled: its stable form
# subtracts max(logits), a data-dependent constant a trace would freeze.
COMPILE_MIN_EPOCHS = 25
GRID = 120  # the decision-boundary plot evaluates the model on GRID x GRID points


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
    """The demo's options, added to its ``argparse`` subcommand (see :func:`settings`).

    >>> parser = argparse.ArgumentParser()
    >>> add_arguments(parser)
    >>> args = parser.parse_args(["--hidden", "8,4", "--optimizer", "adam"])
    >>> args.hidden, args.optimizer, args.epochs, args.out
    ([8, 4], 'adam', None, 'demo-output')
    """
    parser.add_argument("--dataset", choices=sorted(datasets.DATASETS), default="moons")
    parser.add_argument("--points", type=_positive(int), default=100, help="training points")
    parser.add_argument("--hidden", type=_hidden, default=[16, 16], help="e.g. 16,16")
    parser.add_argument(
        "--activation",
        choices=[a for a, f in ACTIVATION_FUNCTIONS.items() if f is not None],
        default="relu",
    )
    parser.add_argument(
        "--optimizer",
        choices=list(optim.OPTIMIZERS),
        help="default: adam for spirals, sgd for the other datasets",
    )
    parser.add_argument(
        "--lr",
        type=_positive(float),
        help="learning rate; default: 1.0 for sgd (2.0 on spirals), 0.05 for adam and adamw",
    )
    parser.add_argument(
        "--epochs", type=_positive(int), help="default: 100 (400 for sgd on spirals)"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default="demo-output", help="directory for the output files")


def settings(args: argparse.Namespace) -> argparse.Namespace:
    """A copy of the options with the dataset's defaults where an option was left out.

    >>> ns = argparse.Namespace(dataset="spirals", optimizer=None, lr=None, epochs=None)
    >>> s = settings(ns)
    >>> s.optimizer, s.lr, s.epochs
    ('adam', 0.05, 100)
    >>> s = settings(argparse.Namespace(dataset="spirals", optimizer="sgd", lr=None, epochs=None))
    >>> s.optimizer, s.lr, s.epochs
    ('sgd', 2.0, 400)
    """
    done = argparse.Namespace(**vars(args))
    if done.optimizer is None:
        done.optimizer = DATASET_OPTIMIZER.get(done.dataset, "sgd")
    choice = optim.optimizer_choice(done.optimizer)
    epochs, lr = DEFAULT_EPOCHS, choice.lr
    if not choice.adaptive:
        epochs, lr = DATASET_STEADY.get(done.dataset, (epochs, lr))
    if done.epochs is None:
        done.epochs = epochs
    if done.lr is None:
        done.lr = lr
    return done


def train(args: argparse.Namespace, out: TextIO) -> dict[str, Any]:
    """Build data and model from the options, train, and return what was learned.

    Raises :class:`TrainingDiverged` when the loss stops being finite.

    >>> import io
    >>> parser = argparse.ArgumentParser()
    >>> add_arguments(parser)
    >>> result = train(parser.parse_args(["--epochs", "2", "--points", "20"]), io.StringIO())
    >>> len(result["history"]), len(result["X"]), result["model"].nouts
    (2, 20, [16, 16, 1])
    """
    args = settings(args)
    X_tr, X_te, y_tr, y_te = split_data(args)
    task = Task(y_tr + y_te)
    nout = 1 if task.binary else task.classes
    model = MLP(2, [*args.hidden, nout], activation=args.activation, seed=args.seed)
    opt, schedule = make_optimizer(model.parameters(), args)
    print(f"{args.dataset}: {len(X_tr)} training, {len(X_te)} held-out points", file=out)
    print(model, file=out)
    print(
        f"{args.optimizer} at lr {args.lr:g} for {args.epochs} epochs; "
        f"loss: mean {task.loss_name} + L2 term {L2:g} * sum of squared parameters",
        file=out,
    )
    start = time.perf_counter()
    step = _compiled_step(model, task, X_tr, y_tr, opt, args.epochs)
    compiling = time.perf_counter() - start
    if step is not None:
        print("compiling the training step (once; later epochs run the generated code)", file=out)
    start = time.perf_counter()
    history = fit(model, task, X_tr, y_tr, opt, schedule, args.epochs, out, step=step)
    seconds = time.perf_counter() - start
    train_acc, test_acc = accuracy(model, task, X_tr, y_tr), accuracy(model, task, X_te, y_te)
    spent = f" (after {compiling:.1f} s compiling the step)" if step is not None else ""
    print(f"trained {args.epochs} epochs in {seconds:.1f} s{spent}", file=out)
    print(f"training accuracy {train_acc:.1%}   held-out accuracy {test_acc:.1%}", file=out)
    hint = advice(train_acc, task.classes, args)
    if hint:
        print(hint, file=out)
    return {
        "model": model,
        "task": task,
        "X": X_tr,
        "y": y_tr,
        "X_test": X_te,
        "y_test": y_te,
        "history": history,
        "train_accuracy": train_acc,
        "test_accuracy": test_acc,
        "settings": args,
    }


def advice(train_accuracy: float, classes: int, args: argparse.Namespace) -> str | None:
    """A note on what to change when training accuracy stays near chance, else None.

    "Near chance" is less than a quarter of the way from chance (1 / classes) to 100%.

    >>> ns = argparse.Namespace(optimizer="sgd", lr=1.0, epochs=100, activation="tanh")
    >>> print(advice(0.41, 3, ns))  # doctest: +NORMALIZE_WHITESPACE
    note: training accuracy 41% is near chance (33% for 3 classes): the network has not
      learned the pattern yet. Try --optimizer adam, or more epochs (--epochs 300), or
      another learning rate (--lr, now 1), or --activation relu.
    >>> advice(0.9, 3, ns) is None
    True
    """
    chance = 1 / classes
    if train_accuracy >= chance + (1 - chance) / 4:
        return None
    tips = [
        f"more epochs (--epochs {3 * args.epochs})",
        f"another learning rate (--lr, now {args.lr:g})",
    ]
    if not optim.optimizer_choice(args.optimizer).adaptive:
        tips.insert(0, f"--optimizer {next(n for n, c in optim.OPTIMIZERS.items() if c.adaptive)}")
    if args.activation != "relu":
        tips.append("--activation relu")
    text = (
        f"note: training accuracy {train_accuracy:.0%} is near chance ({chance:.0%} for "
        f"{classes} classes): the network has not learned the pattern yet. Try "
        + ", or ".join(tips)
        + "."
    )
    return textwrap.fill(text, width=88, subsequent_indent="  ")


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
    choice = optim.optimizer_choice(args.optimizer)  # an unknown name is refused, not defaulted
    opt = choice.make(params, lr=args.lr if args.lr is not None else choice.lr)
    if choice.decays:
        return opt, optim.LinearLR(opt, 1.0, 0.1, total_iters=args.epochs)
    return opt, None


def _compiled_step(
    model: MLP, task: Task, X: Any, y: Sequence[int], opt: optim.Optimizer, epochs: int
) -> Callable[[], Any] | None:
    """The training step as generated code (``autograd.compile``), when that is faster.

    Its extras are the outputs, then the data loss and the L2 term.
    """
    if not task.binary or epochs < COMPILE_MIN_EPOCHS:
        return None
    params = model.parameters()

    def loss() -> tuple[Value, list[Any]]:
        outputs = [model(x) for x in X]
        data, penalty = task.loss(outputs, y), losses.l2_penalty(params, L2)
        return data + penalty, [*outputs, data, penalty]

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
    boundary = os.path.join(outdir, "decision_boundary.png")
    fig = plot_boundary(result, plt)
    fig.savefig(boundary, dpi=100)
    plt.close(fig)
    curve = os.path.join(outdir, "loss_curve.png")
    fig = plot_loss(result, plt)
    fig.savefig(curve, dpi=100)
    plt.close(fig)
    return [boundary, curve]


def plot_boundary(result: dict[str, Any], plt: Any) -> Any:
    """The model's class regions (``autograd.nn.plot_decision_boundary``) with the accuracies in
    the title; ``plt`` is ``matplotlib.pyplot``; returns the figure.

    >>> import io, matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> args = argparse.Namespace(dataset="blobs", points=12, hidden=[3], activation="relu",
    ...                           optimizer=None, lr=None, epochs=1, seed=0)
    >>> fig = plot_boundary(train(args, io.StringIO()), plt)
    >>> fig.axes[0].get_xlabel(), fig.axes[0].get_legend().get_texts()[0].get_text()
    ('input x0', 'class 0')
    >>> plt.close(fig)
    """
    title = (
        f"decision boundary: {result['train_accuracy']:.0%} of training, "
        f"{result['test_accuracy']:.0%} of held-out points right"
    )
    return plot_decision_boundary(
        result["model"], result["X"], result["y"], X_test=result["X_test"],
        y_test=result["y_test"], title=title, grid=GRID,
    )  # fmt: skip


def plot_loss(result: dict[str, Any], plt: Any) -> Any:
    """The data loss and the L2 term per epoch (``autograd.nn.plot_loss_curve``); returns the
    figure.

    >>> import io, matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> args = argparse.Namespace(dataset="moons", points=12, hidden=[3], activation="relu",
    ...                           optimizer=None, lr=None, epochs=2, seed=0)
    >>> fig = plot_loss(train(args, io.StringIO()), plt)
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()][1:]
    ['data loss: mean hinge loss', 'L2 term: 0.0001 * sum of squared parameters']
    >>> plt.close(fig)
    """
    return plot_loss_curve(result["history"], l2=L2)


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


# What run writes into --out (the plots only when matplotlib is installed).
OUTPUT_FILES = ("decision_boundary.png", "loss_curve.png", "model.json", "neuron.svg")


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Train, then write every output file; returns the exit status (1 if training diverged).

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
    taken = [n for n in OUTPUT_FILES if os.path.isdir(os.path.join(args.out, n))]
    if taken:  # checked before training, not found after it
        print(
            f"demo: cannot write {os.path.join(args.out, taken[0])!r}: a directory of that "
            "name is in the way (choose another --out, or move it)",
            file=sys.stderr,
        )
        return 2
    try:
        result = train(args, out)
    except TrainingDiverged as e:
        used = settings(args)
        print(
            f"demo: {e}\n"
            f"demo: the steps are too large: lr {used.lr:g} with {used.optimizer} moved the "
            "weights so far that the loss blew up.\n"
            f"demo: try a smaller --lr (the default for {used.optimizer} on {used.dataset} is "
            f"{settings(_without_lr(used)).lr:g}), or --optimizer adam. No file was written.",
            file=sys.stderr,
        )
        return 1
    try:
        files = plot(result, args.out, out)
        model_path = os.path.join(args.out, "model.json")
        result["model"].save(model_path)
        files.append(model_path)
        files += draw_neuron(result["model"], result["X"][0], args.out, out)
    except OSError as e:  # a full disk, a folder made read-only meanwhile
        print(f"demo: could not write the output files: {e}", file=sys.stderr)
        return 1
    print("wrote " + ", ".join(files), file=out)
    return 0


def _without_lr(args: argparse.Namespace) -> argparse.Namespace:
    return argparse.Namespace(**{**vars(args), "lr": None})
