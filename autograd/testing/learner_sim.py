"""What a learner's engine computes when it makes a classic mistake, worked out here.

``sweep(spec, mistake)`` runs micrograd's backward pass over a ``Spec`` (a depth-first
topological order, then each node's ``_backward`` in reverse) with this engine's local
derivatives, but with one classic mistake made on purpose: the order walked inputs-first,
a node listed once per path (no visited set), nodes with equal values treated as one, an
operation that assigns (``=``) where it must add, or one that leaves ``out.grad`` out. When the
learner's gradients equal one of these, that mistake is the root cause the judge names.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..core.value import Value
from .learner_spec import ALL_OPS, Spec


@dataclass(frozen=True)
class Mistake:
    """One classic mistake to simulate (the default: none, the right backward pass).

    ``forward``: nodes visited inputs-first (``reversed()`` forgotten); ``breadth_first``: nodes
    visited in the order a breadth-first search from the root meets them, which is not a
    topological order when a node is reached by paths of different lengths; ``per_path``: the order
    lists a node once per path to it (no visited set); ``by_value``: nodes with equal data are
    one (``__eq__``/``__hash__`` on ``.data``); ``assign``/``no_upstream``: the steps (by
    position in ``spec.steps``) whose backward assigns, or leaves ``out.grad`` out, for the
    operands in ``operands`` (by position; None: all of them, as when both lines are wrong).

    >>> Mistake().forward, Mistake(forward=True).forward
    (False, True)
    """

    forward: bool = False
    breadth_first: bool = False
    per_path: bool = False
    by_value: bool = False
    assign: frozenset[int] = field(default_factory=frozenset)
    no_upstream: frozenset[int] = field(default_factory=frozenset)
    operands: frozenset[int] | None = None

    def wrong(self, steps: frozenset[int], step: int, operand: int) -> bool:
        """Whether the mistake in ``steps`` applies to ``operand`` of ``step``.

        >>> Mistake(assign=frozenset({0}), operands=frozenset({1})).wrong(frozenset({0}), 0, 0)
        False
        """
        return step in steps and (self.operands is None or operand in self.operands)


def partials(spec: Spec) -> tuple[list[float], list[list[float]]]:
    """Every node's value, and each step's local derivatives with respect to its operands.

    >>> partials(Spec((2.0, 3.0), (("mul", (0, 1)),)))
    ([2.0, 3.0, 6.0], [[3.0, 2.0]])
    """
    data = list(spec.leaves)
    local = []
    for name, args in spec.steps:
        ins = [Value(data[i]) for i in args]
        out = ALL_OPS[name].apply(*ins)
        out.backward()
        data.append(out.data)
        local.append([v.grad for v in ins])
    return data, local


def _order(spec: Spec, data: list[float], mistake: Mistake) -> list[int]:
    """micrograd's ``build_topo`` from the root: operands in order, each node after them (for
    a breadth-first mistake: the search's order, reversed, so that the sweep meets the root
    first)."""
    first = len(spec.leaves)
    if mistake.breadth_first:
        met, queue = [first + len(spec.steps) - 1], 0
        while queue < len(met):
            node, queue = met[queue], queue + 1
            if node >= first:
                met += [i for i in spec.steps[node - first][1] if i not in met]
        return met[::-1]
    order: list[int] = []
    seen: set[object] = set()
    stack: list[tuple[int, bool]] = [(first + len(spec.steps) - 1, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
            continue
        key = data[node] if mistake.by_value else node
        if not mistake.per_path:
            if key in seen:
                continue
            seen.add(key)
        stack.append((node, True))
        if node >= first:
            stack += [(i, False) for i in reversed(spec.steps[node - first][1])]
    return order


def sweep(spec: Spec, mistake: Mistake | None = None) -> list[float]:
    """Every node's gradient after ``backward()`` on the root, made with ``mistake``.

    >>> spec = Spec((0.5, 2.0), (("mul", (0, 1)), ("add", (2, 2))))
    >>> sweep(spec), sweep(spec, Mistake(per_path=True))
    ([4.0, 1.0, 2.0, 1.0], [8.0, 2.0, 2.0, 1.0])
    """
    mistake = mistake or Mistake()
    data, local = partials(spec)
    first = len(spec.leaves)
    grads = [0.0] * len(data)
    grads[-1] = 1.0
    order = _order(spec, data, mistake)
    for node in order if mistake.forward else reversed(order):
        if node < first:
            continue
        step = node - first
        for k, (i, d) in enumerate(zip(spec.steps[step][1], local[step], strict=True)):
            upstream = 1.0 if mistake.wrong(mistake.no_upstream, step, k) else grads[node]
            if mistake.wrong(mistake.assign, step, k):
                grads[i] = d * upstream
            else:
                grads[i] += d * upstream
    return grads
