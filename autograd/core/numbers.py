"""Numbers from users, as floats: what every operation and constructor accepts, or a clear error.

A real number is an int, float, bool, ``fractions.Fraction``, a NumPy scalar or a 0-d NumPy
array. Anything else (a string, a complex number, a ``Value`` where a number is needed) is a
TypeError naming the operation; an int too large for a float is an OverflowError naming it.
"""

from __future__ import annotations

import numbers
import struct


def real(x: object, where: str) -> float:
    """``x`` as a float if it is a real number (int, float, bool, NumPy scalar), else an error.

    The error names ``where`` (the operation): a TypeError for what is not a number, an
    OverflowError for an int too large for a float.

    >>> real(2, "scale"), real(0.5, "scale"), real(True, "scale")
    (2.0, 0.5, 1.0)
    >>> real("2", "scale")
    Traceback (most recent call last):
    ...
    TypeError: scale: expected a real number (int, float, NumPy scalar), got str: '2'
    >>> real(10**400, "add")
    Traceback (most recent call last):
    ...
    OverflowError: add: the int 10000...00000 (401 digits) is too large for a float
    """
    if type(x) is float:
        return x
    if isinstance(x, numbers.Real) and not is_node(x):
        try:
            return float(x)
        except OverflowError:
            raise OverflowError(f"{where}: {_too_large(x)} is too large for a float") from None
    if _numpy_scalar(x):  # np.bool_ and 0-d arrays, which numbers.Real does not cover
        item = x.item()  # type: ignore[attr-defined]
        if isinstance(item, numbers.Real):
            return real(item, where)
    kind = "Value" if is_node(x) else type(x).__name__
    raise TypeError(
        f"{where}: expected a real number (int, float, NumPy scalar), got {kind}: {_shown(x)}"
    )


def is_real(x: object) -> bool:
    """True for what ``real`` accepts: int, float, bool, a NumPy scalar or 0-d array.

    >>> import fractions
    >>> is_real(2), is_real(fractions.Fraction(1, 3)), is_real("2"), is_real(None)
    (True, True, False, False)
    """
    if isinstance(x, numbers.Real):
        return not is_node(x)
    return _numpy_scalar(x) and isinstance(x.item(), numbers.Real)  # type: ignore[attr-defined]


def is_node(x: object) -> bool:
    """True for a graph node (a ``Value``): it has an operation slot, which numbers lack.

    >>> from autograd import Value
    >>> is_node(Value(1.0)), is_node(1.0)
    (True, False)
    """
    return hasattr(type(x), "_op")


def exact_key(params: tuple[float, ...]) -> bytes:
    """Parameters as a cache key that tells -0.0 from 0.0 and one nan from another: their bits.

    >>> exact_key((0.0,)) == exact_key((-0.0,)), exact_key((1.0,)) == exact_key((1,))
    (False, True)
    """
    return struct.pack(f"<{len(params)}d", *params)


def _numpy_scalar(x: object) -> bool:
    return type(x).__module__ == "numpy" and getattr(x, "shape", None) == ()


def _too_large(x: object) -> str:
    if isinstance(x, int):
        digits = str(abs(x)) if x.bit_length() < 10_000 else ""
        if digits:
            return (
                f"the int {'-' if x < 0 else ''}{digits[:5]}...{digits[-5:]} ({len(digits)} digits)"
            )
        return f"an int of {x.bit_length()} bits"
    return f"{type(x).__name__} value"


def _shown(x: object) -> str:
    text = repr(x)
    return text if len(text) <= 80 else text[:77] + "..."
