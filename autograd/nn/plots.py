"""Pictures of training for your own model and data: the decision boundary and the loss curve.

They need matplotlib (the ``plot`` extra, ``pip install 'scalar-autograd[plot]'``). Each draws
into an ``ax`` you give (a subplot of your own figure) or into a new figure, and returns the
figure. The ``demo`` command and notebook 3 draw with them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..core.modes import no_grad
from .modules import MLP
from .training import History, Task

Points = Sequence[Sequence[float]]

__all__ = ["plot_decision_boundary", "plot_loss_curve"]


def _pyplot() -> Any:
    try:
        import matplotlib.pyplot as plt
    except ImportError as e:
        raise ImportError(
            "plots need matplotlib: pip install 'scalar-autograd[plot]' (or matplotlib)"
        ) from e
    return plt


def _axes(ax: Any, size: tuple[float, float]) -> tuple[Any, Any]:
    if ax is not None:
        return ax.figure, ax
    return _pyplot().subplots(figsize=size, layout="constrained")


def plot_decision_boundary(
    model: MLP,
    X: Points,
    y: Sequence[int],
    *,
    X_test: Points = (),
    y_test: Sequence[int] = (),
    ax: Any = None,
    title: str | None = None,
    grid: int = 120,
) -> Any:
    """The plane coloured by the class ``model`` picks (one output: its sign; several: the
    largest), over ``grid`` x ``grid`` points, with the training points (circles) and any
    held-out points (triangles) on top; returns the figure.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from autograd.nn import MLP
    >>> fig = plot_decision_boundary(MLP(2, [4, 1], seed=0), [[0, 1], [1, 0]], [0, 1], grid=8)
    >>> ax = fig.axes[0]
    >>> ax.get_xlabel(), [t.get_text() for t in ax.get_legend().get_texts()]
    ('input x0', ['class 0', 'class 1', 'training point'])
    """
    plt = _pyplot()
    from matplotlib.colors import ListedColormap

    task = Task([*y, *y_test])
    everything = [*X, *X_test]
    xs, ys = [p[0] for p in everything], [p[1] for p in everything]
    lo_x, hi_x, lo_y, hi_y = min(xs) - 0.5, max(xs) + 0.5, min(ys) - 0.5, max(ys) + 0.5
    gx = [lo_x + (hi_x - lo_x) * i / (grid - 1) for i in range(grid)]
    gy = [lo_y + (hi_y - lo_y) * j / (grid - 1) for j in range(grid)]
    with no_grad():  # looking only: no graph
        classes = [[task.predict(model([a, b])) for a in gx] for b in gy]
    colours = [plt.get_cmap("tab10")(c) for c in range(task.classes)]
    fig, ax = _axes(ax, (6.4, 5.2))
    ax.contourf(gx, gy, classes, levels=[c - 0.5 for c in range(task.classes + 1)],
                colors=colours, alpha=0.25)  # fmt: skip
    cmap, top = ListedColormap(colours), task.classes - 1
    handles = [
        plt.Line2D([], [], ls="", marker="s", ms=9, mfc=colours[c], mec="k", label=f"class {c}")
        for c in range(task.classes)
    ]
    for points, labels, marker, name in (
        (X, y, "o", "training"),
        (X_test, y_test, "^", "held-out"),
    ):
        if not len(points):
            continue
        ax.scatter([p[0] for p in points], [p[1] for p in points], c=list(labels), cmap=cmap,
                   vmin=0, vmax=top, s=32 if marker == "o" else 44, marker=marker,
                   edgecolors="k", linewidths=0.6)  # fmt: skip
        handles.append(
            plt.Line2D([], [], ls="", marker=marker, mfc="white", mec="k", label=f"{name} point")
        )
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=9)
    ax.set_xlabel("input x0")
    ax.set_ylabel("input x1")
    ax.set_title(title or "decision boundary", fontsize=11)
    return fig


def plot_loss_curve(
    history: History | Sequence[float],
    *,
    ax: Any = None,
    label: str | None = None,
    title: str | None = None,
    l2: float | None = None,
) -> Any:
    """The loss per epoch on a log scale; returns the figure. A :class:`History` (what
    :func:`autograd.nn.fit` returns) shows its total, data loss and L2 term apart (``l2``, the
    weight ``fit`` was given, is named in the legend); a list of numbers is one curve, called
    ``label``. Call it again with the same ``ax`` to compare runs.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> fig = plot_loss_curve([1.0, 0.5, 0.2], label="SGD")
    >>> fig = plot_loss_curve([1.0, 0.3, 0.1], label="Adam", ax=fig.axes[0])
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    ['SGD', 'Adam']
    """
    fig, ax = _axes(ax, (6.4, 4.2))
    if isinstance(history, History):
        epochs = range(1, len(history) + 1)
        ax.plot(epochs, history.total, color="0.6", lw=3, alpha=0.6,
                label="total: what backward() differentiates")  # fmt: skip
        ax.plot(epochs, history.data_loss, label=f"data loss: mean {history.loss_name}")
        weight = f"{l2:g} * " if l2 is not None else "weight * "
        ax.plot(epochs, history.l2, label=f"L2 term: {weight}sum of squared parameters")
        default = f"training loss: {history.loss_name} + L2 penalty"
    else:
        ax.plot(range(1, len(history) + 1), list(history), label=label)
        default = "training loss"
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss (log scale)")
    ax.set_title(title or default, fontsize=11)
    if any(line.get_label() and not line.get_label().startswith("_") for line in ax.lines):
        ax.legend(fontsize=9)
    return fig
