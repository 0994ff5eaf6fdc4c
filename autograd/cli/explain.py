"""``python -m autograd explain``: one sigmoid neuron, the chain rule by hand beside the engine."""

from __future__ import annotations

import math
import sys
from typing import TextIO

from ..engine import Value


def explain(out: TextIO | None = None) -> None:
    """Print the neuron y = sigmoid(x*w + b) with E = (y - t)^2 / 2, by hand and by engine.

    >>> import io
    >>> buf = io.StringIO()
    >>> explain(buf)
    >>> lines = buf.getvalue().splitlines()
    >>> lines[2]
    '  z = -0.900000   y = 0.289050   E = 0.252725'
    >>> lines[-1]
    'The engine agrees with the hand derivation.'
    """
    out = out or sys.stdout
    xv, wv, bv, tv = 1.5, -0.8, 0.3, 1.0
    x, w, b = Value(xv, "x"), Value(wv, "w"), Value(bv, "b")
    z = x * w + b
    y = z.sigmoid()
    err = 0.5 * (y - tv) ** 2
    err.backward()

    # The chain rule written out by hand, in plain floats:
    zf = xv * wv + bv
    yf = 1 / (1 + math.exp(-zf))
    de_dy = yf - tv  # dE/dy for E = (y - t)^2 / 2
    dy_dz = yf * (1 - yf)  # sigmoid'(z) = y (1 - y), taken at z, before the next product
    de_dz = de_dy * dy_dz
    hand = {"w": de_dz * xv, "b": de_dz, "x": de_dz * wv}

    p = lambda s="": print(s, file=out)
    p("One neuron, forward:  z = x*w + b,  y = sigmoid(z),  E = (y - t)^2 / 2")
    p(f"  x = {xv}, w = {wv}, b = {bv}, target t = {tv}")
    p(f"  z = {z.data:.6f}   y = {y.data:.6f}   E = {err.data:.6f}")
    p()
    p("Backward, chain rule:  dE/dw = dE/dy * dy/dz * dz/dw")
    p(f"  dE/dy = y - t       = {de_dy:.6f}")
    p(f"  dy/dz = y (1 - y)   = {dy_dz:.6f}")
    p(f"  dE/dz = product     = {de_dz:.6f}")
    p()
    p(f"  {'param':<6}{'hand-derived formula':<26}{'by hand':>12}{'engine':>12}")
    formulas = {"w": "dE/dz * x", "b": "dE/dz * 1", "x": "dE/dz * w"}
    for leaf in (w, b, x):
        name = leaf.label
        p(f"  {name:<6}{formulas[name]:<26}{hand[name]:>12.6f}{leaf.grad:>12.6f}")
    agree = all(math.isclose(hand[v.label], v.grad, rel_tol=1e-12) for v in (w, b, x))
    p()
    p(
        "The engine agrees with the hand derivation."
        if agree
        else "MISMATCH between hand and engine!"
    )
