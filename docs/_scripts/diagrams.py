"""The docs' diagrams, drawn by the engine itself: autograd.viz.dot.to_dot rendered by dot."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from autograd import Value
from autograd.viz import render_svgs, to_dot


def tutorial_loss() -> Value:
    """The tutorial's ``Ev`` after backward, built as the tutorial builds it (same labels)."""
    x, W, b, t = 1.5, -0.8, 0.3, 1.0
    xv, Wv, bv = Value(x, "x"), Value(W, "W"), Value(b, "b")
    yv = (xv * Wv + bv).sigmoid()
    Ev = 0.5 * (yv - t) ** 2
    Ev.backward()
    return Ev


def neuron() -> str:
    """One sigmoid neuron and a squared error, after backward: the tutorial's running example,
    ``to_dot(Ev, rankdir="TB")`` as the tutorial says.

    Drawn top to bottom: the chain of twelve steps is then as wide as its widest rank, so the
    page shows it at natural size (left to right it is 2,000 pt wide and shrinks to 4 px text).
    """
    return to_dot(tutorial_loss(), rankdir="TB")


def reuse() -> str:
    """``b = a + a; c = b + b``: a reused node, complete only after both uses."""
    a = Value(3.0, "a")
    b = a + a
    b.label = "b"
    c = b + b
    c.label = "c"
    c.backward()
    return to_dot(c)


def vanishing() -> str:
    """Six stacked sigmoids coloured by |grad|: the gradient shrinks by at most 1/4 per layer."""
    x = Value(2.0, "x")
    h = x
    for i in range(6):
        h = h.sigmoid()
        h.label = f"h{i + 1}"
    h.backward()
    return to_dot(h, rankdir="TB", grad_flow=True)


DIAGRAMS: dict[str, Callable[[], str]] = {
    "neuron": neuron,
    "reuse": reuse,
    "vanishing": vanishing,
}


def write_all(target: Path) -> list[Path]:
    """Render every diagram to ``target/<name>.svg`` with one run of ``dot``; return the paths."""
    target.mkdir(parents=True, exist_ok=True)
    names = list(DIAGRAMS)
    svgs = render_svgs([DIAGRAMS[n]() for n in names])
    paths = []
    for name, svg in zip(names, svgs, strict=True):
        path = target / f"{name}.svg"
        path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n' + svg, encoding="utf-8")
        paths.append(path)
    return paths
