"""The symbolic oracle: each operation's formula in sympy, its exact derivatives, high precision."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..ops import Primitive
from .operations import OpLike, resolve

_CACHE: dict[int, tuple[Primitive, Symbolic]] = {}
DIGITS = 30


class Symbolic:
    """An operation as sympy sees it: ``expr`` over ``symbols`` (inputs) and ``param_symbols``.

    Derivatives come from ``sympy.diff``; numbers from mpmath at 30 digits, so the oracle's own
    rounding is far below any tolerance. Kinks are excluded by the sample intervals, so the Dirac
    deltas that appear in second derivatives of ``Abs`` or ``Max`` are taken as 0.

    >>> s = symbolic("mul")
    >>> s.value([2.0, 3.0]), s.derivative([2.0, 3.0], 0), s.second([2.0, 3.0], 0, 1)
    (6.0, 3.0, 1.0)
    """

    def __init__(self, p: Primitive) -> None:
        import sympy

        text = p.formula or p.forward
        if not isinstance(text, str):
            raise ValueError(f"{p.name}: no sympy formula (the forward rule is a Python function)")
        self.symbols = tuple(sympy.Symbol(n, real=True) for n in p.inputs)
        self.param_symbols = tuple(sympy.Symbol(n, real=True) for n in p.params)
        names = {s.name: s for s in (*self.symbols, *self.param_symbols)}
        self.expr = sympy.sympify(text, locals=names)
        self._fns: dict[tuple[int, ...], Any] = {}

    def __call__(self, args: Sequence[Any], params: Sequence[float] = ()) -> Any:
        """The formula with sympy expressions substituted for the inputs and parameters."""
        import sympy

        subs = dict(zip(self.symbols, args, strict=True))
        subs.update({s: sympy.Float(v) for s, v in zip(self.param_symbols, params, strict=True)})
        return self.expr.xreplace(subs)

    def _fn(self, wrt: tuple[int, ...]) -> Any:
        fn = self._fns.get(wrt)
        if fn is None:
            import sympy

            expr = self.expr
            for i in wrt:
                expr = sympy.diff(expr, self.symbols[i])
            expr = expr.replace(sympy.DiracDelta, lambda *a: sympy.Integer(0))
            fn = sympy.lambdify((*self.symbols, *self.param_symbols), expr, modules="mpmath")
            self._fns[wrt] = fn
        return fn

    def _eval(self, wrt: tuple[int, ...], xs: Sequence[float], params: Sequence[float]) -> float:
        import mpmath

        with mpmath.workdps(DIGITS):
            return float(self._fn(wrt)(*(mpmath.mpf(v) for v in (*xs, *params))))

    def value(self, xs: Sequence[float], params: Sequence[float] = ()) -> float:
        """The exact value, rounded to a float.

        >>> symbolic("mul").value([2.0, 3.0])
        6.0
        """
        return self._eval((), xs, params)

    def derivative(self, xs: Sequence[float], i: int, params: Sequence[float] = ()) -> float:
        """d expr / d input i.

        >>> symbolic("mul").derivative([2.0, 3.0], 0)  # d(xy)/dx = y
        3.0
        """
        return self._eval((i,), xs, params)

    def second(self, xs: Sequence[float], i: int, j: int, params: Sequence[float] = ()) -> float:
        """d2 expr / d input i d input j.

        >>> symbolic("mul").second([2.0, 3.0], 0, 1), symbolic("mul").second([2.0, 3.0], 0, 0)
        (1.0, 0.0)
        """
        return self._eval((i, j), xs, params)


def symbolic(op: OpLike) -> Symbolic:
    """The (cached) sympy oracle of an operation; needs sympy (the ``oracle`` extra).

    >>> symbolic("sigmoid").derivative([0.0], 0)
    0.25
    """
    p = resolve(op)
    hit = _CACHE.get(id(p))
    if hit is None or hit[0] is not p:
        hit = _CACHE[id(p)] = (p, Symbolic(p))
    return hit[1]
