"""Optimisers that update parameters from their ``.grad``, and learning-rate schedules.

The update rules are PyTorch's (``torch.optim.SGD``, ``Adam``, ``AdamW``), written over plain
floats: ``step()`` reads ``p.grad`` and writes ``p.data``; it records nothing in any graph.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ..core.numbers import real
from ..core.value import Value


def _hyper(x: object, name: str, where: str, low: float = 0.0, below: float | None = None) -> float:
    v = real(x, f"{where}({name})")
    if not math.isfinite(v) or v < low or (below is not None and v >= below):
        bound = f"in [{low}, {below})" if below is not None else f">= {low}"
        raise ValueError(f"{where}: {name} must be finite and {bound}, got {x!r}")
    return v


class Optimizer:
    """Base class: holds the parameters and the learning rate ``lr`` (which schedules change).

    Subclasses implement ``step``; see ``SGD`` and ``Adam`` for examples.

    >>> from autograd import Value
    >>> p = Value(3.0)
    >>> opt = Adam([p], lr=0.1)
    >>> isinstance(opt, Optimizer), opt.lr
    (True, 0.1)
    """

    def __init__(self, params: Iterable[Value], lr: float) -> None:
        where = type(self).__name__
        self.params = list(params)
        if not self.params:
            raise ValueError(f"{where}: got an empty parameter list")
        for i, p in enumerate(self.params):
            if not isinstance(p, Value):
                raise TypeError(f"{where}: parameter {i} is a {type(p).__name__}, not a Value")
        if len({id(p) for p in self.params}) != len(self.params):
            raise ValueError(f"{where}: a parameter appears more than once")
        self.lr = _hyper(lr, "lr", where)
        self.steps = 0

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to 0.0.

        >>> from autograd import Value
        >>> p = Value(3.0)
        >>> opt = SGD([p], lr=0.1)
        >>> (p * p).backward(); p.grad
        6.0
        >>> opt.zero_grad(); p.grad
        0.0
        """
        for p in self.params:
            p.grad = 0.0

    def step(self) -> None:
        """Update every parameter once from its current ``.grad``.

        >>> from autograd import Value
        >>> p = Value(1.0)
        >>> opt = SGD([p], lr=0.5)
        >>> (3 * p).backward()
        >>> opt.step(); p.data  # each subclass has its own rule; SGD: p -= lr * grad
        -0.5
        """
        self._keep(self._updated([p.grad for p in self.params], apply=True)[1])
        self.steps += 1

    def peek_step(self, grads: Sequence[float] | None = None) -> list[float]:
        """The value each parameter's ``.data`` would have after one :meth:`step` taken with
        ``grads`` (one number per parameter; default: their current ``.grad``), changing
        nothing: not the parameters, not their gradients, not the optimiser's state or
        ``steps``. The values are those ``step()`` then sets, bit for bit.

        PyTorch's optimisers have no such call; the playground's weight table uses it to show
        the step an optimiser will take next.

        >>> from autograd import Value
        >>> p = Value(1.0)
        >>> opt = Adam([p], lr=0.1)
        >>> (p * 5.0).backward()
        >>> peeked = opt.peek_step()  # where the step would put p
        >>> round(peeked[0], 6), p.data, p.grad, opt.steps  # and nothing moved
        (0.9, 1.0, 5.0, 0)
        >>> round(opt.peek_step([-2.0])[0], 6)  # with another gradient
        1.1
        >>> opt.step(); p.data == peeked[0]
        True
        """
        where = f"{type(self).__name__}.peek_step"
        if grads is None:
            given = [p.grad for p in self.params]
        else:
            given = [real(g, f"{where}(grads[{i}])") for i, g in enumerate(grads)]
            if len(given) != len(self.params):
                raise ValueError(
                    f"{where}: got {len(given)} gradients for {len(self.params)} parameters"
                )
        return self._updated(given)[0]

    def _updated(self, grads: list[float], apply: bool = False) -> tuple[list[float], Any]:
        """The parameters' data after a step with ``grads`` (set in ``.data`` instead when
        ``apply``: one pass, as fast as a plain step), and the state the step leaves; the
        optimiser's own state is changed only when ``apply``."""
        raise NotImplementedError(
            f"{type(self).__name__} has no update rule: a subclass implements _updated"
        )

    def _keep(self, state: Any) -> None:
        """Hold the state a step left (see ``_updated``)."""


class SGD(Optimizer):
    """Stochastic gradient descent with optional momentum, Nesterov momentum and weight decay.

    With ``g = grad + weight_decay * p``: ``buf = momentum * buf + g`` (``buf = g`` on the first
    step), then ``p -= lr * (g + momentum * buf)`` if ``nesterov`` else ``p -= lr * buf``.

    >>> from autograd import Value
    >>> p = Value(1.0)
    >>> opt = SGD([p], lr=0.1)
    >>> (p * p).backward(); opt.step(); p.data
    0.8
    """

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 0.01,
        momentum: float = 0.0,
        nesterov: bool = False,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        self.momentum = _hyper(momentum, "momentum", "SGD")
        self.weight_decay = _hyper(weight_decay, "weight_decay", "SGD")
        if nesterov and self.momentum == 0.0:
            raise ValueError("SGD: nesterov needs a momentum > 0")
        self.nesterov = bool(nesterov)
        self._buf: list[float] | None = None

    def step(self) -> None:
        """One SGD update of every parameter from its current ``.grad``.

        >>> from autograd import Value
        >>> p = Value(1.0)
        >>> opt = SGD([p], lr=0.1, momentum=0.9)
        >>> for _ in range(2):
        ...     (p * 1.0).backward()  # the grad accumulates to 1.0, then 2.0
        ...     opt.step()
        >>> round(p.data, 6)  # -0.1 * 1, then -0.1 * (0.9 * 1 + 2)
        0.61
        """
        super().step()

    def _updated(
        self, grads: list[float], apply: bool = False
    ) -> tuple[list[float], list[float] | None]:
        lr, mu, wd = self.lr, self.momentum, self.weight_decay
        if wd:
            grads = [g + wd * p.data for g, p in zip(grads, self.params, strict=True)]
        buf = self._buf
        if mu:
            buf = (
                list(grads)
                if buf is None
                else [mu * b + g for b, g in zip(buf, grads, strict=True)]
            )
            grads = [g + mu * b for g, b in zip(grads, buf, strict=True)] if self.nesterov else buf
        if apply:
            for p, g in zip(self.params, grads, strict=True):
                p.data -= lr * g
            return [], buf
        return [p.data - lr * g for p, g in zip(self.params, grads, strict=True)], buf

    def _keep(self, state: list[float] | None) -> None:
        self._buf = state


class Adam(Optimizer):
    """Adam: per-parameter steps from bias-corrected running moments of the gradient.

    ``m = b1 m + (1 - b1) g``, ``v = b2 v + (1 - b2) g^2``, then
    ``p -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)``. ``weight_decay`` adds
    ``weight_decay * p`` to g (L2, as ``torch.optim.Adam``); ``AdamW`` decouples it.

    >>> from autograd import Value
    >>> p = Value(1.0)
    >>> opt = Adam([p], lr=0.1)
    >>> (p * p).backward(); opt.step(); round(p.data, 6)  # the first step moves by about lr
    0.9
    """

    decoupled = False

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        where = type(self).__name__
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(f"{where}: betas must be a pair (beta1, beta2), got {betas!r}")
        self.betas = (
            _hyper(betas[0], "beta1", where, below=1.0),
            _hyper(betas[1], "beta2", where, below=1.0),
        )
        self.eps = _hyper(eps, "eps", where)
        self.weight_decay = _hyper(weight_decay, "weight_decay", where)
        self._m = [0.0] * len(self.params)
        self._v = [0.0] * len(self.params)

    def state(self, p: Value) -> dict[str, float]:
        """What Adam holds for parameter ``p``: ``m`` and ``v`` (the running means of its
        gradient and squared gradient), ``steps`` taken, and ``update``, the change the last
        step made to ``p.data`` (0 before the first), from m and v with their bias corrections.

        >>> from autograd import Value
        >>> p = Value(1.0)
        >>> opt = Adam([p], lr=0.1)
        >>> (p * 5.0).backward(); opt.step()
        >>> s = opt.state(p); round(s["m"], 6), round(s["v"], 6), s["steps"], round(s["update"], 6)
        (0.5, 0.025, 1, -0.1)
        """
        i = next((k for k, q in enumerate(self.params) if q is p), None)
        if i is None:
            raise ValueError(
                f"{type(self).__name__}.state: this Value is not one of its parameters"
            )
        m, v, t = self._m[i], self._v[i], self.steps
        if t == 0:
            return {"m": m, "v": v, "steps": 0, "update": 0.0}
        (b1, b2), c = self.betas, self.lr
        update = -c * (m / (1.0 - b1**t)) / (math.sqrt(v / (1.0 - b2**t)) + self.eps)
        return {"m": m, "v": v, "steps": t, "update": update}

    def step(self) -> None:
        """One Adam update of every parameter from its current ``.grad``.

        >>> from autograd import Value
        >>> p = Value(1.0)
        >>> opt = Adam([p], lr=0.1)
        >>> (p * 5.0).backward()
        >>> opt.step(); round(p.data, 6)  # the first Adam step moves by lr, whatever the scale
        0.9
        """
        super().step()

    def _updated(
        self, grads: list[float], apply: bool = False
    ) -> tuple[list[float], tuple[list[float], list[float]]]:
        lr, (b1, b2), eps, wd = self.lr, self.betas, self.eps, self.weight_decay
        t = self.steps + 1
        c1, c2 = 1.0 - b1**t, 1.0 - b2**t
        a1, a2, sqrt, decay = 1.0 - b1, 1.0 - b2, math.sqrt, 1.0 - lr * wd
        m, v = (self._m, self._v) if apply else (list(self._m), list(self._v))
        params, decoupled, data = self.params, self.decoupled, []
        for i, g in enumerate(grads):
            p = params[i]
            d = p.data
            if decoupled:
                d *= decay
            elif wd:
                g = g + wd * d
            m[i] = b1 * m[i] + a1 * g
            v[i] = b2 * v[i] + a2 * g * g
            d -= lr * (m[i] / c1) / (sqrt(v[i] / c2) + eps)
            if apply:
                p.data = d
            else:
                data.append(d)
        return data, (m, v)

    def _keep(self, state: tuple[list[float], list[float]]) -> None:
        self._m, self._v = state


class AdamW(Adam):
    """Adam with decoupled weight decay: ``p *= 1 - lr * weight_decay`` before the Adam step.

    >>> from autograd import Value
    >>> p = Value(2.0)
    >>> opt = AdamW([p], lr=0.1, weight_decay=0.5)
    >>> opt.step(); p.data  # zero gradient: only the decay acts
    1.9
    """

    decoupled = True

    def __init__(
        self,
        params: Iterable[Value],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.01,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay)


class LinearLR:
    """Scale the learning rate linearly from ``start_factor`` to ``end_factor`` over
    ``total_iters`` calls of ``step()``, then hold it (as ``torch.optim.lr_scheduler.LinearLR``).

    >>> from autograd import Value
    >>> opt = SGD([Value(0.0)], lr=1.0)
    >>> sched = LinearLR(opt, start_factor=1.0, end_factor=0.1, total_iters=100)
    >>> for _ in range(50):
    ...     sched.step()
    >>> round(opt.lr, 12)
    0.55
    """

    def __init__(
        self,
        optimizer: Optimizer,
        start_factor: float = 1.0,
        end_factor: float = 0.1,
        total_iters: int = 100,
    ) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"LinearLR: expected an Optimizer, got {type(optimizer).__name__}")
        if isinstance(total_iters, bool) or not isinstance(total_iters, int) or total_iters < 1:
            raise ValueError(f"LinearLR: total_iters must be a positive int, got {total_iters!r}")
        self.optimizer = optimizer
        self.base_lr = optimizer.lr
        self.start = _hyper(start_factor, "start_factor", "LinearLR")
        self.end = _hyper(end_factor, "end_factor", "LinearLR")
        self.total = total_iters
        self.last = 0
        optimizer.lr = self.base_lr * self.start

    def factor(self, k: int) -> float:
        """The multiplier of the base learning rate after ``k`` steps.

        >>> from autograd import Value
        >>> LinearLR(SGD([Value(0.0)], lr=1.0), 1.0, 0.5, total_iters=4).factor(2)
        0.75
        """
        t = min(k, self.total) / self.total
        return self.start + (self.end - self.start) * t

    def step(self) -> None:
        """Advance one iteration and set the optimiser's ``lr``.

        >>> from autograd import Value
        >>> opt = SGD([Value(0.0)], lr=1.0)
        >>> sched = LinearLR(opt, start_factor=0.5, end_factor=1.0, total_iters=2)
        >>> lrs = [opt.lr]
        >>> for _ in range(3):
        ...     sched.step()
        ...     lrs.append(opt.lr)
        >>> lrs
        [0.5, 0.75, 1.0, 1.0]
        """
        self.last += 1
        self.optimizer.lr = self.base_lr * self.factor(self.last)


def _norm(xs: list[float], order: float) -> float:
    if any(x != x for x in xs):  # nan
        return math.nan
    largest = max(abs(x) for x in xs)
    if order == math.inf or largest == 0 or largest == math.inf:
        return largest
    # Scaled by the largest, so tiny or huge gradients neither underflow nor overflow.
    return largest * math.fsum((abs(x) / largest) ** order for x in xs) ** (1.0 / order)


def clip_grad_norm(
    parameters: Iterable[Value],
    max_norm: float,
    norm_type: float = 2.0,
    error_if_nonfinite: bool = False,
) -> float:
    """Scale the parameters' gradients so their total norm is at most ``max_norm``.

    As ``torch.nn.utils.clip_grad_norm_``: the total norm is taken over all the gradients
    together (``norm_type`` 2 by default, ``math.inf`` for the largest magnitude); when it
    exceeds ``max_norm`` every gradient is multiplied by ``max_norm / (total + 1e-6)``. Returns
    the total norm before clipping. A nan or infinite total raises a ValueError when
    ``error_if_nonfinite`` (and changes nothing); otherwise the gradients are scaled by nan as
    PyTorch does, which the next optimiser step makes visible.

    >>> from autograd import Value
    >>> a, b = Value(0.0), Value(0.0)
    >>> a.grad, b.grad = 3.0, 4.0
    >>> clip_grad_norm([a, b], max_norm=1.0)
    5.0
    >>> round(a.grad, 6), round(b.grad, 6)
    (0.6, 0.8)
    """
    params = list(parameters)
    for i, p in enumerate(params):
        if not isinstance(p, Value):
            raise TypeError(f"clip_grad_norm: parameter {i} is a {type(p).__name__}, not a Value")
    limit = _hyper(max_norm, "max_norm", "clip_grad_norm")
    order = real(norm_type, "clip_grad_norm(norm_type)")
    if not order > 0:
        raise ValueError(f"clip_grad_norm: norm_type must be > 0 or math.inf, got {norm_type!r}")
    grads = [p.grad for p in params]
    if not grads:
        return 0.0
    total = _norm(grads, order)
    if error_if_nonfinite and not math.isfinite(total):
        raise ValueError(
            f"clip_grad_norm: the total norm of the gradients is {total} (non-finite); "
            "pass error_if_nonfinite=False to scale them anyway"
        )
    scale = min(limit / (total + 1e-6), 1.0)
    if scale < 1.0 or total != total:  # nan: min() kept 1.0, PyTorch multiplies by nan
        scale = limit / (total + 1e-6)
        for p in params:
            p.grad *= scale
    return total


@dataclass(frozen=True)
class OptimizerChoice:
    """One optimiser a user can pick by name (the demo's ``--optimizer``, the playground's
    menu): its class, a learning rate that trains the demo's datasets with it, whether the demo
    decays that rate linearly to a tenth (plain SGD needs it, Adam adapts its own steps), and
    whether its steps adapt to the gradients' size (the advice suggests such one otherwise).

    >>> choice = OPTIMIZERS["adam"]
    >>> choice.make.__name__, choice.lr, choice.decays, choice.adaptive
    ('Adam', 0.05, False, True)
    """

    make: type[Optimizer]
    lr: float
    decays: bool = False
    adaptive: bool = True


# Every optimiser a user can pick by name; the command line and the playground read this.
OPTIMIZERS: dict[str, OptimizerChoice] = {
    "sgd": OptimizerChoice(SGD, 1.0, decays=True, adaptive=False),
    "adam": OptimizerChoice(Adam, 0.05),
    "adamw": OptimizerChoice(AdamW, 0.05),
}


def optimizer_choice(name: object) -> OptimizerChoice:
    """The registered optimiser called ``name``; a ValueError listing the names otherwise (an
    unknown name is refused, never replaced by a default).

    >>> optimizer_choice("sgd").make.__name__
    'SGD'
    >>> optimizer_choice("rmsprop")
    Traceback (most recent call last):
    ...
    ValueError: unknown optimizer 'rmsprop': choose one of sgd, adam, adamw
    """
    if isinstance(name, str) and name in OPTIMIZERS:
        return OPTIMIZERS[name]
    raise ValueError(f"unknown optimizer {name!r}: choose one of {', '.join(OPTIMIZERS)}")
