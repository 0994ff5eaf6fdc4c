"""Mutants of correct NumPy backward passes: what ``check_backward`` is measured on.

A :class:`Net` is a small dense network a learner might write by hand: 1 to 3 layers of
sigmoid or tanh, examples in rows (``A @ W + b``) or in columns (``W @ A + b``), binary or
continuous inputs, a mean squared error or (after a sigmoid) a cross-entropy loss. It gives the
learner's ``forward``, the right ``backward``, and a backward with any of the classic mistakes
planted (:data:`KINDS`), alone or in pairs (:func:`mutants`). ``benchmarks/judge_backward.py``
runs ``check_backward`` on every mutant and on correct backward passes written in unusual
styles (:func:`unusual`), and reports how many it flagged and how many it explained.
Needs NumPy (the ``testing`` extra).
"""

from __future__ import annotations

import inspect
import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["KINDS", "Mutant", "Net", "judged", "mutants", "nets", "unusual"]

# Each mistake, with the words an explanation of it uses (any one of them names it).
KINDS: dict[str, tuple[str, ...]] = {
    "sign": ("a sign",),
    "transpose": ("transpose",),
    "no_mean": ("missing 1/m",),
    "factor2": ("factor 2 left out", "half:"),
    "left_out": ("left out: ",),
    "at_output": ("taken at the output A",),
    "twice": ("applied twice",),
    "output_for_input": ("output A where its input X belongs",),
    "db_no_axis": ("without axis",),
}
# mistakes in one layer (the others are in the loss's derivative, for every layer at once)
LAYERED = ("sign", "transpose", "left_out", "at_output", "output_for_input", "db_no_axis")


def _np() -> Any:
    import numpy as np

    return np


@dataclass(frozen=True)
class Activation:
    """An activation as a learner writes it in NumPy: the function, its slope from its output
    ``a`` (``a * (1 - a)``, ``1 - a**2``), the losses it is tried with, and whether mean squared
    error targets are centred (tanh's outputs lie in (-1, 1)).

    >>> ACTIVATION["sigmoid"].slope(0.5), ACTIVATION["tanh"].losses
    (0.25, ('mse',))
    """

    f: Callable[[Any], Any]
    slope: Callable[[Any], Any]
    losses: tuple[str, ...]
    centred: bool


ACTIVATION = {
    "sigmoid": Activation(
        lambda z: 1 / (1 + _np().exp(-z)), lambda a: a * (1 - a), ("mse", "xent"), False
    ),
    "tanh": Activation(lambda z: _np().tanh(z), lambda a: 1 - a**2, ("mse",), True),
}


@dataclass(frozen=True)
class Net:
    """A dense network: ``sizes`` from inputs to outputs, ``m`` examples, ``act`` (sigmoid or
    tanh) after every layer, ``loss`` (``mse`` = sum of squares / m, or ``xent``),
    ``columns`` when examples are columns, ``binary`` inputs of 0 and 1.

    >>> net = Net((2, 3, 1), 4, "sigmoid", "mse", columns=False, binary=True, seed=0)
    >>> [a.shape for a in net.arrays()]
    [(4, 2), (4, 1), (2, 3), (3,), (3, 1), (1,)]
    >>> net.names()
    ['X', 'Y', 'W1', 'b1', 'W2', 'b2']
    """

    sizes: tuple[int, ...]
    m: int
    act: str
    loss: str
    columns: bool
    binary: bool
    seed: int = 0

    @property
    def depth(self) -> int:
        """The number of layers.

        >>> Net((2, 3, 1), 4, "tanh", "mse", False, False).depth
        2
        """
        return len(self.sizes) - 1

    def names(self) -> list[str]:
        """The forward's argument names: X, Y, then W1, b1, W2, b2, ...

        >>> Net((2, 1), 4, "tanh", "mse", False, False).names()
        ['X', 'Y', 'W1', 'b1']
        """
        return ["X", "Y"] + [f"{p}{i}" for i in range(1, self.depth + 1) for p in "Wb"]

    def arrays(self) -> list[Any]:
        """X, Y and the parameters, seeded: binary inputs cover every 0/1 pattern in turn.

        >>> Net((2, 1), 5, "tanh", "mse", False, True).arrays()[0].tolist()
        [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]]
        """
        np = _np()
        rng = np.random.default_rng(self.seed)
        k, m = self.sizes[0], self.m
        if self.binary:
            X = np.array([[(i >> (k - 1 - r)) & 1 for r in range(k)] for i in range(m)], float)
        else:
            X = rng.normal(size=(m, k)).round(3)
        top = self.sizes[-1]
        Y = rng.integers(0, 2, size=(m, top)).astype(float)
        if ACTIVATION[self.act].centred and self.loss == "mse":
            Y = Y * 1.6 - 0.8
        params = []
        for n_in, n_out in itertools.pairwise(self.sizes):
            W = rng.normal(scale=1.0, size=(n_in, n_out)).round(3)
            b = rng.normal(scale=0.5, size=n_out).round(3)
            params += [W.T.copy(), b[:, None].copy()] if self.columns else [W, b]
        if self.columns:
            return [X.T.copy(), Y.T.copy(), *params]
        return [X, Y, *params]

    # -- the learner's code ------------------------------------------------------------------

    def f(self, z: Any) -> Any:
        """The activation, written as learners write it (works on floats and on Values).

        >>> import numpy as np
        >>> Net((1, 1), 1, "sigmoid", "mse", False, False).f(np.zeros(1))
        array([0.5])
        """
        return ACTIVATION[self.act].f(z)

    def fprime(self, z: Any) -> Any:
        """The activation's derivative at its input ``z``.

        >>> import numpy as np
        >>> Net((1, 1), 1, "tanh", "mse", False, False).fprime(np.zeros(1))
        array([1.])
        """
        return ACTIVATION[self.act].slope(self.f(z))

    def layer(self, A: Any, W: Any, b: Any) -> Any:
        """One layer's pre-activation.

        >>> import numpy as np
        >>> Net((1, 1), 1, "tanh", "mse", True, False).layer(np.ones((1, 3)), np.eye(1), 1.0)
        array([[2., 2., 2.]])
        """
        return W @ A + b if self.columns else A @ W + b

    def forward(self) -> Callable[..., Any]:
        """The learner's forward: ``forward(X, Y, W1, b1, ...)`` returns the loss.

        >>> net = Net((2, 1), 4, "sigmoid", "xent", False, True)
        >>> round(float(net.forward()(*net.arrays())), 4)
        0.7746
        """
        np = _np()

        def forward(X: Any, Y: Any, *params: Any) -> Any:
            A = X
            for W, b in zip(params[::2], params[1::2], strict=True):
                A = self.f(self.layer(A, W, b))
            if self.loss == "xent":
                return -np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / self.m
            return np.sum((A - Y) ** 2) / self.m

        return _signed(forward, self.names())

    def backward(self, *planted: tuple[str, int]) -> Callable[..., Any]:
        """The backward, with each ``(kind, layer)`` mistake of ``planted`` in it (layers count
        from 1; the loss's mistakes take layer 0). No mistakes: the right backward.

        >>> net = Net((2, 1), 4, "tanh", "mse", False, False)
        >>> right, wrong = net.backward()(*net.arrays()), net.backward(("sign", 1))(*net.arrays())
        >>> bool((right[0] == -wrong[0]).all())
        True
        """
        np = _np()
        has = set(planted)

        def mistake(kind: str, layer: int = 0) -> bool:
            return (kind, layer) in has

        def backward(X: Any, Y: Any, *params: Any) -> tuple[Any, ...]:
            Ws, bs = params[::2], params[1::2]
            As, Zs = [X], []
            for W, b in zip(Ws, bs, strict=True):
                Zs.append(self.layer(As[-1], W, b))
                As.append(self.f(Zs[-1]))
            m = 1 if mistake("no_mean") else self.m
            top = len(Ws)
            A = As[-1]
            if self.loss == "xent":
                dZ = (A - Y) / m
                if mistake("twice", top):
                    dZ = dZ * self.fprime(Zs[-1])
                dA = None
            else:
                dA = (1 if mistake("factor2") else 2) * (A - Y) / m
            grads: list[Any] = []
            for layer in range(top, 0, -1):
                Z, A, A_in, W = Zs[layer - 1], As[layer], As[layer - 1], Ws[layer - 1]
                if dA is not None:
                    dZ = dA
                    if mistake("at_output", layer):
                        dZ = dA * self.fprime(A)
                    elif not mistake("left_out", layer):
                        dZ = dA * self.fprime(Z)
                else:
                    dA = 0  # only the top layer of a cross-entropy starts from dZ
                if self.columns:
                    dW = dZ @ (A if mistake("output_for_input", layer) else A_in).T
                    db = dZ.sum(axis=1, keepdims=True)
                    dA = W.T @ dZ
                else:
                    dW = (A if mistake("output_for_input", layer) else A_in).T @ dZ
                    db = dZ.sum(axis=0)
                    dA = dZ @ W.T
                if mistake("db_no_axis", layer):
                    db = np.sum(dZ)
                if mistake("sign", layer):
                    dW = -dW
                if mistake("transpose", layer):
                    dW = dW.T
                grads = [dW, db, *grads]
            return tuple(grads)

        return _signed(backward, self.names())

    def applies(self, kind: str, layer: int) -> bool:
        """Whether ``kind`` can be planted at ``layer`` of this network (and changes a number
        or a shape: a mutant equal to the right backward is no mutant).

        >>> Net((2, 1), 4, "tanh", "mse", False, False).applies("twice", 1)
        False
        """
        loss_level = kind in ("no_mean", "factor2")
        if loss_level != (layer == 0):
            return False
        if kind == "factor2" and self.loss != "mse":
            return False
        if kind == "twice":
            return self.loss == "xent" and layer == self.depth
        if kind in ("left_out", "at_output"):
            return not (self.loss == "xent" and layer == self.depth)
        n_in, n_out = self.sizes[layer - 1 : layer + 1] if layer else (0, 0)
        if kind == "output_for_input":
            return n_in == n_out
        if kind == "db_no_axis":
            return n_out > 1
        return True


def _signed(fn: Callable[..., Any], names: Sequence[str]) -> Callable[..., Any]:
    """``fn(*args)`` with a signature naming its arguments (so reports use the names)."""
    kind = inspect.Parameter.POSITIONAL_OR_KEYWORD
    fn.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter(n, kind) for n in names]
    )
    return fn


@dataclass(frozen=True)
class Mutant:
    """A network and the mistakes planted in its backward (none: a right backward).

    >>> net = Net((2, 1), 4, "tanh", "mse", False, False)
    >>> Mutant(net, (("sign", 1),)).text()
    '1 layer(s) 2-1, tanh, mse, rows, continuous: sign at layer 1'
    """

    net: Net
    planted: tuple[tuple[str, int], ...]
    style: str = ""  # a right backward written in an unusual style: its name

    def text(self) -> str:
        """One line: the network and what was planted.

        >>> Mutant(Net((2, 1), 4, "tanh", "mse", True, True), (), "loop").text()
        '1 layer(s) 2-1, tanh, mse, columns, binary: loop'
        """
        n = self.net
        what = ", ".join(f"{k} at layer {i}" if i else k for k, i in self.planted)
        return (
            f"{n.depth} layer(s) {'-'.join(map(str, n.sizes))}, {n.act}, {n.loss}, "
            f"{'columns' if n.columns else 'rows'}, {'binary' if n.binary else 'continuous'}: "
            f"{what or self.style or 'right'}"
        )

    def backward(self) -> Callable[..., Any]:
        """The backward with the mistakes planted (or the unusual right one).

        >>> net = Net((2, 1), 4, "tanh", "mse", False, False)
        >>> [g.shape for g in Mutant(net, (("transpose", 1),)).backward()(*net.arrays())]
        [(1, 2), (1,)]
        """
        if self.style:
            return _signed(STYLES[self.style](self.net), self.net.names())
        return self.net.backward(*self.planted)

    def changes(self) -> bool:
        """Whether the planted mistakes change the gradients at all (a shape or a number).

        >>> net = Net((2, 2), 4, "tanh", "mse", False, False)
        >>> Mutant(net, (("sign", 1),)).changes(), Mutant(net, ()).changes()
        (True, False)
        """
        np = _np()
        arrays = self.net.arrays()
        right = self.net.backward()(*arrays)
        mine = self.backward()(*[a.copy() for a in arrays])
        for r, g in zip(right, mine, strict=True):
            g = np.asarray(g)
            if g.shape != r.shape or not np.allclose(g, r, rtol=1e-6, atol=1e-9):
                return True
        return False


def nets(seed: int = 0) -> Iterator[Net]:
    """Every network shape measured: depth 1 to 3, both conventions, binary and continuous
    inputs, sigmoid and tanh, MSE and (after a sigmoid) cross-entropy.

    >>> len(list(nets()))
    36
    """
    shapes: dict[int, list[tuple[int, ...]]] = {
        1: [(2, 2)],
        2: [(2, 3, 1), (3, 3, 2)],
        3: [(2, 3, 3, 2)],
    }
    k = 0
    for depth in (1, 2, 3):
        for columns, binary, act in itertools.product((False, True), (True, False), ACTS):
            for loss in ACTIVATION[act].losses:
                sizes = shapes[depth][k % len(shapes[depth])]
                k += 1
                yield Net(sizes, 6 if binary else 5, act, loss, columns, binary, seed + k)


ACTS = tuple(ACTIVATION)


def mutants(net: Net, pairs: bool = True) -> Iterator[Mutant]:
    """Every single planted mistake that applies to ``net`` and changes its gradients, then
    (``pairs``) the pairs learners make: the derivative at the output in every layer, and each
    layer's derivative left out or taken at the output together with a loss mistake.

    >>> net = Net((2, 3, 1), 4, "sigmoid", "mse", False, True)
    >>> [m.planted for m in mutants(net)][:3]
    [(('sign', 1),), (('sign', 2),), (('transpose', 1),)]
    """
    singles = [
        (kind, layer)
        for kind in KINDS
        for layer in range(net.depth + 1)
        if net.applies(kind, layer)
    ]
    chosen: list[tuple[tuple[str, int], ...]] = [(s,) for s in singles]
    if pairs:
        outputs = tuple(s for s in singles if s[0] == "at_output")
        if len(outputs) > 1:
            chosen.append(outputs)
        loss = [s for s in singles if s[1] == 0]
        chosen += [(s, g) for s in singles if s[0] in ("left_out", "at_output") for g in loss]
        if net.depth > 1:
            chosen.append((("sign", 1), ("left_out", net.depth)) if net.loss == "mse" else ())
    for planted in chosen:
        if planted:
            mutant = Mutant(net, planted)
            if mutant.changes():
                yield mutant


# -- right backward passes in unusual styles ----------------------------------------------------


def _einsum(net: Net) -> Callable[..., Any]:
    """Per-example outer products summed with einsum; sigmoid' as A * (1 - A) in place."""
    np = _np()

    def backward(X: Any, Y: Any, *params: Any) -> tuple[Any, ...]:
        Ws, bs = params[::2], params[1::2]
        As = [X.T if net.columns else X]  # examples in rows, whatever the convention
        for W, b in zip(Ws, bs, strict=True):
            Wr, br = (W.T, b.ravel()) if net.columns else (W, b)
            As.append(net.f(np.einsum("ik,kn->in", As[-1], Wr) + br))
        A, T = As[-1], (Y.T if net.columns else Y)
        if net.loss == "xent":
            dZ = (A - T) / net.m
        else:
            dZ = 2.0 * (A - T) / net.m
            dZ *= ACTIVATION[net.act].slope(A)
        grads: list[Any] = []
        for layer in range(len(Ws), 0, -1):
            dW = np.einsum("ik,in->kn", As[layer - 1], dZ)
            db = np.einsum("in->n", dZ)
            W = Ws[layer - 1].T if net.columns else Ws[layer - 1]
            grads = [dW.T, db[:, None], *grads] if net.columns else [dW, db, *grads]
            if layer > 1:
                a = As[layer - 1]
                dZ = np.einsum("in,kn->ik", dZ, W) * ACTIVATION[net.act].slope(a)
        return tuple(grads)

    return backward


def _loop(net: Net) -> Callable[..., Any]:
    """One example at a time, gradients accumulated with np.outer and +=, returned as a list."""
    np = _np()

    def backward(X: Any, Y: Any, *params: Any) -> list[Any]:
        Ws, bs = params[::2], params[1::2]
        sums = [np.zeros_like(p, dtype=float) for p in params]
        for i in range(net.m):
            x = X[:, i] if net.columns else X[i]
            y = Y[:, i] if net.columns else Y[i]
            acts, pres = [x], []
            for W, b in zip(Ws, bs, strict=True):
                pres.append(W @ acts[-1] + b.ravel() if net.columns else acts[-1] @ W + b)
                acts.append(net.f(pres[-1]))
            top = acts[-1]
            xent = net.loss == "xent"
            delta = top - y if xent else 2 * (top - y) * net.fprime(pres[-1])
            for layer in range(len(Ws) - 1, -1, -1):
                outer = (
                    np.outer(delta, acts[layer]) if net.columns else np.outer(acts[layer], delta)
                )
                sums[2 * layer] += outer / net.m
                sums[2 * layer + 1] += (delta[:, None] if net.columns else delta) / net.m
                W = Ws[layer]
                back = W.T @ delta if net.columns else W @ delta
                if layer:
                    delta = back * net.fprime(pres[layer - 1])
        return sums

    return backward


def _transposed_rules(net: Net) -> Callable[..., Any]:
    """dW as (dZ.T @ A).T, db through a ones vector, the mean taken at the end."""
    np = _np()
    right = net.backward()

    def backward(X: Any, Y: Any, *params: Any) -> tuple[Any, ...]:
        Ws, bs = params[::2], params[1::2]
        As, Zs = [X], []
        for W, b in zip(Ws, bs, strict=True):
            Zs.append(net.layer(As[-1], W, b))
            As.append(net.f(Zs[-1]))
        if net.columns:  # the other convention is the plain one; this style is for rows
            return tuple(right(X, Y, *params))
        dZ = As[-1] - Y if net.loss == "xent" else 2 * (As[-1] - Y) * net.fprime(Zs[-1])
        out: list[Any] = []
        for layer in range(len(Ws), 0, -1):
            out = [(dZ.T @ As[layer - 1]).T / net.m, np.ones(net.m) @ dZ / net.m, *out]
            if layer > 1:
                dZ = (dZ @ Ws[layer - 1].T) * net.fprime(Zs[layer - 2])
        return tuple(out)

    return backward


STYLES: dict[str, Callable[[Net], Callable[..., Any]]] = {
    "einsum": _einsum,
    "loop": _loop,
    "transposed_rules": _transposed_rules,
}


def unusual(seed: int = 0) -> Iterator[Mutant]:
    """Right backward passes in unusual styles (einsum, one example at a time, transposed
    products) on every network shape: ``check_backward`` must find them right.

    >>> len(list(unusual()))
    108
    """
    for net in nets(seed):
        for style in STYLES:
            yield Mutant(net, (), style)


def judged(mutant: Mutant, report: Any) -> tuple[bool, bool]:
    """``(flagged, named)`` for ``check_backward``'s report on ``mutant``: flagged when the
    report says something is wrong; named when every wrong gradient is explained, each planted
    mistake is named (a layer's mistake at that layer's gradient), and no other mistake is.

    >>> net = Net((2, 1), 4, "tanh", "mse", False, False)
    >>> from autograd.testing import check_backward
    >>> m = Mutant(net, (("sign", 1),))
    >>> judged(m, check_backward(net.forward(), m.backward(), *net.arrays(), no_grad=[0, 1]))
    (True, True)
    """
    flagged = not report
    texts = {g.name: (g.explained or g.problem) for g in report.gradients if not g.ok}
    if not flagged or not texts or any(not t or "no known mistake" in t for t in texts.values()):
        return flagged, False
    planted = {kind for kind, _ in mutant.planted}
    for kind, layer in mutant.planted:
        where = (
            [texts.get(f"W{layer}", ""), texts.get(f"b{layer}", "")] if layer else texts.values()
        )
        if not any(w in t for w in KINDS[kind] for t in where):
            return flagged, False
    others = [w for kind, words in KINDS.items() if kind not in planted for w in words]
    return flagged, not any(w in t for w in others for t in texts.values())
