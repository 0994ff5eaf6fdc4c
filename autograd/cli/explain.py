"""``python -m autograd explain``: one sigmoid neuron, the chain rule by hand beside the engine."""

from __future__ import annotations

import argparse
import math
import sys
from typing import TextIO

from ..core.value import Value

DEFAULTS = {"x": 1.5, "w": -0.8, "b": 0.3, "target": 1.0}


def _finite(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        v = math.nan
    if not math.isfinite(v) or abs(v) > 1e6:
        raise argparse.ArgumentTypeError(f"expected a number between -1e6 and 1e6, got {text!r}")
    return v


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register ``explain`` and its numbers on the main parser's subcommands.

    >>> parser = argparse.ArgumentParser()
    >>> p = add_parser(parser.add_subparsers(dest="command"))
    >>> args = parser.parse_args(["explain", "--x", "2", "--target", "0"])
    >>> args.x, args.w, args.b, args.target
    (2.0, -0.8, 0.3, 0.0)
    """
    p = sub.add_parser(
        "explain",
        help="a single neuron's forward and backward pass, by hand and by engine",
        description="One sigmoid neuron y = sigmoid(x*w + b) with the error E = (y - t)^2 / 2: "
        "the chain rule worked by hand with your numbers, beside the engine's gradients.",
    )
    for name, default in DEFAULTS.items():
        p.add_argument(f"--{name}", type=_finite, default=default, help=f"default {default}")
    return p


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Explain with the numbers in ``args`` (the defaults where absent); 0 when hand and engine
    agree, else 1.

    >>> import io
    >>> buf = io.StringIO()
    >>> run(argparse.Namespace(x=2.0, w=0.5, b=-1.0, target=0.0), buf)
    0
    >>> "dE/dw = dE/dz * x = 0.125 * 2 = 0.25" in buf.getvalue()
    True
    """
    numbers = {k: getattr(args, k, v) for k, v in DEFAULTS.items()}
    return 0 if explain(out, **numbers) else 1


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1 / (1 + math.exp(-z))
    e = math.exp(z)  # no overflow for very negative z
    return e / (1 + e)


def explain(
    out: TextIO | None = None,
    x: float = 1.5,
    w: float = -0.8,
    b: float = 0.3,
    target: float = 1.0,
) -> bool:
    """Print the neuron y = sigmoid(x*w + b) with E = (y - t)^2 / 2, by hand and by engine.

    Returns whether the hand-derived gradients agree with the engine's.

    >>> import io
    >>> buf = io.StringIO()
    >>> explain(buf)
    True
    >>> lines = buf.getvalue().splitlines()
    >>> lines[2]
    '  z = x*w + b = 1.5 * -0.8 + 0.3 = -0.9'
    >>> lines[-1]
    'The engine agrees with the hand derivation.'
    """
    out = out or sys.stdout
    xv, wv, bv, tv = x, w, b, target
    xn, wn, bn = Value(xv, "x"), Value(wv, "w"), Value(bv, "b")
    z = xn * wn + bn
    y = z.sigmoid()
    err = 0.5 * (y - tv) ** 2
    err.backward()

    # The chain rule written out by hand, in plain floats:
    zf = xv * wv + bv
    yf = _sigmoid(zf)
    de_dy = yf - tv  # dE/dy for E = (y - t)^2 / 2
    dy_dz = yf * (1 - yf)  # sigmoid'(z) = y (1 - y), taken at z, before the next product
    de_dz = de_dy * dy_dz
    hand = {"w": de_dz * xv, "b": de_dz, "x": de_dz * wv}

    def p(s: str = "") -> None:
        print(s, file=out)

    p("One neuron, forward:  z = x*w + b,  y = sigmoid(z),  E = (y - t)^2 / 2")
    p(f"  x = {xv:g}, w = {wv:g}, b = {bv:g}, target t = {tv:g}")
    p(f"  z = x*w + b = {xv:g} * {wv:g} + {bv:g} = {z.data:.6g}")
    p(f"  y = sigmoid(z) = 1 / (1 + exp(-z)) = {y.data:.6g}")
    p(f"  E = (y - t)^2 / 2 = ({y.data:.6g} - {tv:g})^2 / 2 = {err.data:.6g}")
    p()
    p("Backward, chain rule:  dE/dw = dE/dy * dy/dz * dz/dw")
    p(f"  dE/dy = y - t       = {yf:.6g} - {tv:g} = {de_dy:.6g}")
    p(f"  dy/dz = y (1 - y)   = {yf:.6g} * {1 - yf:.6g} = {dy_dz:.6g}")
    p(f"  dE/dz = dE/dy * dy/dz = {de_dy:.6g} * {dy_dz:.6g} = {de_dz:.6g}")
    p(f"  dE/dw = dE/dz * x = {de_dz:.6g} * {xv:g} = {hand['w']:.6g}")
    p(f"  dE/db = dE/dz * 1 = {hand['b']:.6g}")
    p(f"  dE/dx = dE/dz * w = {de_dz:.6g} * {wv:g} = {hand['x']:.6g}")
    if dy_dz < 1e-3:
        p(f"  (sigmoid is saturated at z = {zf:g}: its slope y (1 - y) is nearly 0, so almost")
        p("   no gradient flows back: the vanishing gradient in one neuron)")
    p()
    p(f"  {'param':<6}{'formula':<12}{'by hand':>14}{'engine':>14}")
    formulas = {"w": "dE/dz * x", "b": "dE/dz * 1", "x": "dE/dz * w"}
    for leaf in (wn, bn, xn):
        name = leaf.label
        p(f"  {name:<6}{formulas[name]:<12}{hand[name]:>14.6g}{leaf.grad:>14.6g}")
    agree = all(
        math.isclose(hand[v.label], v.grad, rel_tol=1e-9, abs_tol=1e-300) for v in (wn, bn, xn)
    )
    p()
    p(
        "The engine agrees with the hand derivation."
        if agree
        else "MISMATCH between hand and engine!"
    )
    return agree
