"""Why a learner's gradients are wrong: the classic mistakes of a NumPy backward, replayed.

For a stack of dense layers found in the graph (:mod:`autograd.testing.backward_layers`),
:func:`explain` replays the backward pass from the loss's exact gradient down, with mistakes
planted: in the loss's derivative (a sign, the 1/m or the 2 left out), in a layer's dZ (the
activation's derivative left out, taken at the output A, applied twice), and in one gradient
alone (a sign, a factor, a transpose, A where X belongs, the derivative applied after the
product). The fewest mistakes that give every one of the learner's gradients is the
explanation; a mistake in an upper layer is named in the lower layers' gradients too, as carried
down. Only floats are used: the learner's code is not run again. Needs NumPy.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from .backward_layers import Layer

__all__ = ["explain", "same"]


def _np() -> Any:
    import numpy as np

    return np


def same(a: Any, b: Any) -> bool:
    """Equal shapes and entries up to rounding; nan matches nan.

    >>> import numpy as np
    >>> same(np.array([1.0, np.nan]), np.array([1.0 + 1e-12, np.nan])), same(np.ones(2), np.ones(3))
    (True, False)
    """
    np = _np()
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        return False
    return bool(np.allclose(a, b, rtol=1e-6, atol=1e-9, equal_nan=True))


# dZ from dA at one layer: (text, function of the layer and dA); "" is the right one
def _dz_modes(f: str) -> dict[str, tuple[str, Callable[[Layer, Any], Any]]]:
    right = ("", lambda L, dA: dA * L.slope(L.Z))
    if not f:
        return {"": right}
    return {
        "": right,
        "left_out": (
            f"the derivative of {f} left out: dZ = dA instead of dA * {f}'(Z)",
            lambda L, dA: dA,
        ),
        "at_output": (
            f"{f}'s derivative taken at the output A instead of the input Z: dA * {f}'(A)",
            lambda L, dA: dA * L.slope(L.A),
        ),
        "twice": (
            f"{f}'s derivative applied twice: dA * {f}'(Z) * {f}'(Z) (after a sigmoid, "
            "cross-entropy's dZ = A - Y already holds it)",
            lambda L, dA: dA * L.slope(L.Z) ** 2,
        ),
    }


@dataclass
class _Gradient:
    """One learner gradient the replay must give: the layer, dW or db, its name and array."""

    layer: Layer
    is_bias: bool
    name: str
    mine: Any


def _layer_name(layer: Layer, names: Sequence[str]) -> str:
    return f"the layer of {names[layer.weight]}"


def _right_text(g: _Gradient) -> str:
    L, f = g.layer, g.layer.f
    dz = f"dA * {f}'(Z)" if f else "dA"
    if g.is_bias:
        axis = "axis=1, keepdims=True" if L.columns else "axis=0"
        formula = f"sum({dz})" if L.shared_bias else f"sum({dz}, {axis})"
    else:
        formula = f"({dz}) @ X.T" if L.columns else f"X.T @ ({dz})"
    where = f", where dA is the loss's gradient at A = {f}(Z)" if f else ""
    return f"the correct d{g.name} is {formula}{where}"


def _own(g: _Gradient, dA: Any, dZ: Any, m: int) -> list[tuple[str, Any]]:
    """What this gradient alone would be with one mistake of its own (text, value)."""
    np = _np()
    L, d, f = g.layer, f"d{g.name}", g.layer.f
    right = L.db(dZ, g.mine.shape) if g.is_bias else L.dW(dZ)
    out: list[tuple[str, Any]] = [(f"a sign: yours is -{d}", -right)]
    if m > 1:
        out += [
            (f"a missing 1/m (m = {m}): yours is {m} × {d}", m * right),
            (f"an extra 1/m (m = {m}): yours is {d} / {m}", right / m),
        ]
    out += [(f"a factor 2: yours is 2 × {d}", 2 * right), (f"half: yours is {d} / 2", right / 2)]
    for key, (text, dz) in _dz_modes(f).items():
        if key:
            mode = dz(L, dA)
            out.append((text, L.db(mode, g.mine.shape) if g.is_bias else L.dW(mode)))
    if g.is_bias:
        return out
    if right.ndim == 2 and right.shape[0] == right.shape[1]:
        out.append((f"a transpose: yours is ({d}).T", right.T))
    if L.A.shape[1] == L.X.shape[1]:
        out.append(("the layer's output A where its input X belongs: A.T @ dZ", L.dW(dZ, L.A)))
    if f:
        slope = L.slope(L.Z)
        xt = L.X.T @ dA
        out.append(
            (
                f"{f}'s derivative applied after the sum over examples: "
                f"(X.T @ dA) * mean({f}'(Z), axis=0)",
                (xt * slope.mean(0)).T if L.columns else xt * slope.mean(0),
            )
        )
        for text, left in (
            (f"{f}'s derivative applied after the product: (X.T @ dA) * {f}'(Z)", xt),
            (
                f"{f}'s derivative applied after the product, with the layer's output A where "
                f"its input X belongs: (A.T @ dA) * {f}'(Z)",
                L.A.T @ dA,
            ),
        ):
            try:
                value = left * slope
            except ValueError:
                continue
            if value.shape == right.T.shape if L.columns else value.shape == right.shape:
                out.append((text, value.T if L.columns else value))
    del np
    return out


def _chains(layers: Sequence[Layer]) -> list[list[Layer]]:
    """Stacks of layers, top first, each fed only by the one below (checked: the exact dZ
    carried down through W is the exact gradient at the lower layer's A)."""
    fed = {id(L.below) for L in layers if L.below is not None}
    out = []
    for top in layers:
        if id(top) in fed:
            continue
        chain, L = [top], top
        while L.below is not None and same((L.dA * L.slope(L.Z)) @ L.W.T, L.below.dA):
            L = L.below
            chain.append(L)
        out.append(chain)
    return out


def explain(layers: Sequence[Layer], mine: dict[int, Any], names: Sequence[str]) -> dict[int, str]:
    """For each learner gradient (by input position) of a layer, the mistakes that give it,
    or nothing where no replay does; ``mine`` holds the learner's arrays of the right shape.

    >>> explain([], {}, [])
    {}
    """
    found: dict[int, str] = {}
    for chain in _chains(layers):
        found.update(_explain_chain(chain, mine, names))
    return found


def _explain_chain(
    chain: list[Layer], mine: dict[int, Any], names: Sequence[str]
) -> dict[int, str]:
    grads = [
        _Gradient(L, is_bias, names[p], mine[p])
        for L in chain
        for is_bias, p in ((False, L.weight), (True, L.bias))
        if p is not None and p in mine
    ]
    if not grads:
        return {}
    m = chain[0].Z.shape[0]
    scales: list[tuple[str, float]] = [
        ("", 1.0),
        ("a sign in the loss's derivative: every gradient is -1 × the correct one", -1.0),
    ]
    if m > 1:
        scales += [
            (
                f"a missing 1/m (m = {m}) in the loss's derivative: every gradient is {m} × the "
                "correct one",
                float(m),
            ),
            (f"an extra 1/m (m = {m}) in the loss's derivative", 1.0 / m),
        ]
    scales += [
        ("the loss's factor 2 left out (every gradient is half the correct one)", 0.5),
        (
            "an extra factor 2 in the loss's derivative (every gradient is twice the correct one)",
            2.0,
        ),
    ]
    modes = [_dz_modes(L.f) for L in chain]
    best: tuple[int, dict[int, str]] | None = None
    for combo in itertools.product(*[list(m_) for m_ in modes]):
        planted = sum(bool(k) for k in combo)
        if planted > 2:
            continue
        for scale_text, scale in scales:
            cost = planted + bool(scale_text)
            if best is not None and cost >= best[0]:
                continue
            result = _replay(chain, combo, modes, scale, grads, names)
            if result is None:
                continue
            extra, texts = result
            if best is None or cost + extra < best[0]:
                head = [scale_text] if scale_text else []
                best = (cost + extra, {p: "; ".join(head + t) for p, t in texts.items()})
    if best is None:
        return {}
    return {p: t for p, t in best[1].items() if t}


def _replay(
    chain: list[Layer],
    combo: tuple[str, ...],
    modes: list[dict[str, tuple[str, Callable[[Layer, Any], Any]]]],
    scale: float,
    grads: list[_Gradient],
    names: Sequence[str],
) -> tuple[int, dict[int, list[str]]] | None:
    """The backward replayed with ``combo`` (one dZ mistake key per layer, top first) and the
    loss's gradient times ``scale``: the extra mistakes each gradient needs alone, and the
    texts; None when some gradient is given by no single mistake of its own."""
    m = chain[0].Z.shape[0]
    dA = chain[0].dA * scale
    above: list[str] = []
    extra = 0
    texts: dict[int, list[str]] = {}
    for L, key, mode in zip(chain, combo, modes, strict=True):
        text, dz = mode[key]
        dZ = dz(L, dA)
        for g in (g for g in grads if g.layer is L):
            p = L.bias if g.is_bias else L.weight
            assert p is not None
            value = L.db(dZ, g.mine.shape) if g.is_bias else L.dW(dZ)
            lines = list(above) + ([f"{text}, in {_layer_name(L, names)}"] if text else [])
            if not same(g.mine, value):
                own = next((t for t, v in _own(g, dA, dZ, m) if same(g.mine, v)), None)
                if own is None:
                    return None
                extra += 1
                lines.append(own)
            if text or len(lines) > len(above):
                lines.append(_right_text(g))
            texts[p] = lines
        if text:
            above.append(f"carried down from {_layer_name(L, names)}: {text}")
        dA = dZ @ L.W.T
    return extra, texts
