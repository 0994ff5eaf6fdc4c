"""Training a network: a task's loss and predictions, a full-batch loop, what each epoch saw.

``fit`` is the loop the ``demo`` command runs, for notebooks and programs alike: each epoch one
forward pass over every example, one ``backward()``, one optimiser step, and a record in a
``History``; it stops with ``TrainingDiverged`` as soon as the loss is not a finite number, or
has grown a millionfold over the first epoch's (steps too large climb to 1e74 before they
overflow). A
compiled step (``autograd.tracer.train_step``) can stand in for the eager arithmetic.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

from ..core.modes import no_grad
from ..core.numbers import is_real, real
from ..core.value import Value
from . import losses, optim
from .modules import MLP

L2 = 1e-4  # the default weight of the L2 penalty added to the loss


class Task:
    """A dataset with its loss: hinge on ±1 labels for 2 classes, softmax cross-entropy else.

    >>> task = Task([0, 2, 1])
    >>> task.classes, task.binary, task.predict([Value(0.1), Value(0.9), Value(0.3)])
    (3, False, 1)
    >>> task.loss_name
    'softmax cross-entropy'
    """

    def __init__(self, y: Sequence[int]) -> None:
        self.classes = max(class_labels(y, "Task"), default=-1) + 1
        if not self.classes:
            raise ValueError("Task: no labels (y is empty)")
        self.binary = self.classes == 2
        self.loss_name = "hinge loss" if self.binary else "softmax cross-entropy"

    def loss(self, outputs: list[Any], y: Sequence[int]) -> Value:
        """The mean loss of ``outputs`` (one per example) against the class labels ``y``.

        >>> task = Task([0, 1])
        >>> task.loss([Value(2.0), Value(0.5)], [1, 1]).data  # hinge: mean of max(0, 1 - y*s)
        0.25
        """
        labels = class_labels(y, "Task.loss")
        if labels and max(labels) >= self.classes:
            raise ValueError(
                f"Task.loss: label {max(labels)} is not a class of this task "
                f"(0 to {self.classes - 1})"
            )
        if self.binary:
            return losses.hinge(outputs, [2.0 * c - 1.0 for c in labels])
        return losses.softmax_cross_entropy(outputs, labels)

    def predict(self, out: Any) -> int:
        """The predicted class: the sign of one score, or the index of the largest of several.

        >>> Task([0, 1]).predict(Value(-0.3)), Task([0, 1, 2]).predict([Value(0.1), Value(0.9)])
        (0, 1)
        """
        if self.binary:
            return int(out.data > 0)
        return max(range(len(out)), key=lambda k: out[k].data)


def class_labels(y: Sequence[int], where: str) -> list[int]:
    """``y`` as class numbers 0, 1, 2, ...; a ValueError naming ``where`` for anything else,
    with the conversion to write for micrograd's labels -1 and +1.

    >>> class_labels([0, 2, 1], "Task")
    [0, 2, 1]
    >>> class_labels([-1, 1], "Task")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: Task: labels are class numbers 0, 1, 2, ..., got -1 (for labels -1 and +1, ...)
    """
    labels = []
    for c in y:
        whole = is_real(c) and math.isfinite(real(c, where)) and real(c, where).is_integer()
        if not whole:
            raise ValueError(f"{where}: labels are class numbers 0, 1, 2, ..., got {c!r:.40}")
        if c < 0:
            raise ValueError(
                f"{where}: labels are class numbers 0, 1, 2, ..., got {c!r} (for labels -1 and "
                "+1, as in micrograd, pass [(c + 1) // 2 for c in y]: classes 0 and 1)"
            )
        labels.append(int(c))
    return labels


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


@dataclass
class History:
    """Per epoch, what training saw: the data loss, the L2 term (their sum is the loss that
    ``backward`` differentiates) and the training accuracy.

    >>> h = History("hinge loss")
    >>> h.append(0.5, 0.25, 0.75)
    >>> h.total, len(h)
    ([0.75], 1)
    """

    loss_name: str
    data_loss: list[float] = field(default_factory=list)
    l2: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)

    def append(self, data_loss: float, l2: float, accuracy: float) -> None:
        """Record one epoch.

        >>> h = History("hinge loss")
        >>> h.append(1.0, 0.5, 0.5)
        >>> h.data_loss, h.l2, h.accuracy
        ([1.0], [0.5], [0.5])
        """
        self.data_loss.append(data_loss)
        self.l2.append(l2)
        self.accuracy.append(accuracy)

    @property
    def total(self) -> list[float]:
        """The loss that was minimised: data loss plus L2 term, per epoch.

        >>> h = History("hinge loss", [0.5, 0.25], [0.125, 0.125])
        >>> h.total
        [0.625, 0.375]
        """
        return [d + r for d, r in zip(self.data_loss, self.l2, strict=True)]

    def __len__(self) -> int:
        return len(self.data_loss)


# How much larger than the first epoch's loss counts as diverging: training that works lowers
# the loss; one that has grown a millionfold is moving away (and would overflow later).
DIVERGED_FACTOR = 1e6


class TrainingDiverged(ArithmeticError):
    """The loss stopped being a finite number, or grew a millionfold: the steps are too large.

    >>> print(TrainingDiverged(3, "the loss became nan"))
    training diverged at epoch 3: the loss became nan
    """

    def __init__(self, epoch: int, why: str) -> None:
        super().__init__(f"training diverged at epoch {epoch}: {why}")
        self.epoch = epoch


def _progress(epochs: int, out: TextIO) -> Any:
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    # Created after the first epoch, which includes one-off work (compiling the step): starting
    # at 1, the bar's rate and time estimate count only the epochs that follow.
    return tqdm(total=epochs, initial=1, desc="training", unit="epoch", file=out, leave=True)


def fit(
    model: MLP,
    task: Task,
    X: Sequence[Sequence[float]],
    y: Sequence[int],
    opt: optim.Optimizer,
    schedule: optim.LinearLR | None,
    epochs: int,
    out: TextIO | None = None,
    *,
    step: Callable[[], Any] | None = None,
    l2: float = L2,
) -> History:
    """Train for ``epochs`` full-batch steps; what each epoch saw.

    The loss is the task's mean loss plus ``l2`` times the sum of squared parameters. Progress
    goes to ``out`` (a bar when tqdm is installed, else a line every ten epochs; nothing when
    ``out`` is None). ``step`` is the same step as generated code (``train_step``; its extras
    are the outputs, the data loss and the L2 term). Raises :class:`TrainingDiverged` as soon
    as the loss is not a finite number, or is ``DIVERGED_FACTOR`` times the first epoch's.

    >>> import io
    >>> X, y = [[0.0, 1.0], [1.0, 0.0]], [0, 1]
    >>> model = MLP(2, [4, 1], seed=0)
    >>> opt = optim.SGD(model.parameters(), lr=0.1)
    >>> seen = fit(model, Task(y), X, y, opt, None, 3, io.StringIO())
    >>> len(seen), seen.total[-1] < seen.total[0], seen.loss_name
    (3, True, 'hinge loss')
    """
    history = History(task.loss_name)
    bar: Any = None
    try:
        for epoch in range(epochs):
            data_loss, penalty, acc = _checked_epoch(model, task, X, y, opt, step, epoch, l2)
            _check_growth(history, data_loss + penalty, epoch)
            if schedule is not None:
                schedule.step()
            history.append(data_loss, penalty, acc)
            if out is None:
                continue
            if bar is not None:
                bar.set_postfix(loss=f"{data_loss + penalty:.4f}", acc=f"{acc:.1%}")
                bar.update()
            elif epoch == 0:
                bar = _progress(epochs, out)
            if bar is None and (epoch % 10 == 9 or epoch == epochs - 1):
                loss = data_loss + penalty
                print(f"epoch {epoch + 1:4d}  loss {loss:.4f}  accuracy {acc:.1%}", file=out)
    finally:
        if bar is not None:
            bar.close()
    return history


def _check_growth(history: History, loss: float, epoch: int) -> None:
    if not history.total:
        return
    first = history.total[0]
    if first > 0 and loss > DIVERGED_FACTOR * first:
        raise TrainingDiverged(
            epoch + 1, f"the loss grew from {first:.4g} to {loss:.4g} (over a millionfold)"
        )


Outputs = list[Any]  # one per example, what Task.predict reads: Values or _Score


def _checked_epoch(
    model: MLP,
    task: Task,
    X: Sequence[Sequence[float]],
    y: Sequence[int],
    opt: optim.Optimizer,
    step: Callable[[], Any] | None,
    epoch: int,
    weight: float,
) -> tuple[float, float, float]:
    """One epoch's data loss, L2 term and accuracy; TrainingDiverged if the loss is not finite."""
    try:
        data_loss, l2, outputs = _epoch(model, task, X, y, opt, step, weight)
    except ArithmeticError as e:  # a float operation overflowed on the way
        raise TrainingDiverged(epoch + 1, f"{type(e).__name__}: {e}") from None
    if not math.isfinite(data_loss + l2):
        raise TrainingDiverged(epoch + 1, f"the loss became {data_loss + l2}")
    acc = sum(task.predict(o) == c for o, c in zip(outputs, y, strict=True)) / len(y)
    return data_loss, l2, acc


def _epoch(
    model: MLP,
    task: Task,
    X: Sequence[Sequence[float]],
    y: Sequence[int],
    opt: optim.Optimizer,
    step: Callable[[], Any] | None,
    weight: float,
) -> tuple[float, float, Outputs]:
    """One full-batch step: data loss, L2 term and the outputs, before the update."""
    if step is not None:  # the same arithmetic as the eager branch, as generated code
        *scores, data_loss, l2 = step().extras
        return data_loss, l2, [_Score(s) for s in scores]
    outputs = [model(x) for x in X]
    data, penalty = task.loss(outputs, y), losses.l2_penalty(model.parameters(), weight)
    loss = data + penalty
    opt.zero_grad()
    loss.backward()
    opt.step()
    return data.data, penalty.data, outputs


class _Score:
    """A compiled step's output score where ``Task.predict`` expects a Value (reads ``.data``)."""

    __slots__ = ("data",)

    def __init__(self, data: float) -> None:
        self.data = data
