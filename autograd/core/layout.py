"""How a node's two input slots are laid out, and the marks that tell the layouts apart.

A node keeps its inputs in two slots, ``_a`` and ``_b``: a leaf has none (``_a`` is None, and
``_b`` may hold its hooks), a one- or two-input node holds them there directly. A node with
more inputs marks its ``_b`` slot with ``MANY`` or ``WEIGHTED`` and keeps them all in ``_a``.
Only the core reads the slots; everyone else asks ``Value.inputs``.
"""

from __future__ import annotations


class _Many:
    """Marks a node whose ``_a`` slot holds the tuple of its inputs (more than two, or a user
    primitive's)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "MANY"

    def __reduce__(self) -> str:
        return "MANY"  # a copy or an unpickled graph gets this very object back


MANY = _Many()


class _Weighted:
    """Marks a weighted-sum node (``autograd.core.linear``): its ``_a`` slot holds
    ``(weights, inputs, bias)``, two tuples and a node. A neuron passes its own weights tuple
    and its layer's inputs tuple, so recording one allocates no long tuple."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "WEIGHTED"

    def __reduce__(self) -> str:
        return "WEIGHTED"


WEIGHTED = _Weighted()
