"""The forward pass and forward-mode tangents, one node at a time.

``ForwardStepper`` computes each value from its inputs, inputs first; ``TangentStepper`` pushes
a direction's tangent forward with the same local derivatives reverse mode uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from ..core.numbers import real
from ..core.op import CONST, Op
from ..core.value import Value
from ..notation import derivative_rule, expression, fmt
from .stepper import Stepper


@dataclass(frozen=True)
class ForwardStep:
    """One value computed: its operation, its inputs' data and its own.

    >>> x = Value(2.0, "x")
    >>> s = ForwardStepper(x.exp())
    >>> [(step.index, step.node.op or step.node.label) for step in s]
    [(0, 'x'), (1, 'exp')]
    """

    index: int
    node: Value


class ForwardStepper(Stepper):
    """The forward pass in the order values are computed: leaves first, then each operation.

    >>> from autograd import Value
    >>> x = Value(2.0, "x")
    >>> s = ForwardStepper(x * x + 1)
    >>> [s.describe(step) for step in s][:2]
    ['step 1 of 4: x = 2 (given)', 'step 2 of 4: n1 = x × x = 2 × 2 = 4']
    """

    pass_name = "Forward pass"

    def __init__(self, root: Value, *, expand: bool = False) -> None:
        super().__init__(root, expand)
        self.steps: list[ForwardStep] = [ForwardStep(i, n) for i, n in enumerate(self.ids)]
        self.computed: set[Value] = set()

    def _do(self, step: ForwardStep) -> None:
        self.computed.add(step.node)

    def _undo(self, step: ForwardStep) -> None:
        self.computed.discard(step.node)

    def _state(self) -> dict[str, Any]:
        return {"computed": self.computed, "grads": {}}

    def describe(self, step: ForwardStep | None) -> str:
        """The frame's text: the value, how it was computed, and from what (None: the start).

        >>> x = Value(2.0, "x")
        >>> s = ForwardStepper(x + 1)
        >>> for step in s:
        ...     print(s.describe(step))
        step 1 of 3: x = 2 (given)
        step 2 of 3: const 1 = 1 (a constant)
        step 3 of 3: n1 = x + 1 = 2 + 1 = 3
        """
        if step is None:
            return (
                "start: nothing is computed yet (data ?). Each step computes one value "
                "from values already known."
            )
        n = step.node
        head = f"step {step.index + 1} of {len(self)}: {self.name(n)}"
        if n.is_leaf:
            how = "a constant" if n.operation is CONST else "given"
            return f"{head} = {fmt(n.data)} ({how})"
        numbers = expression(n, {c: fmt(c.data) for c in n.inputs})
        return f"{head} = {expression(n, self.names)} = {numbers} = {fmt(n.data)}"


@dataclass(frozen=True)
class TangentStep:
    """One node's tangent in forward mode: its local derivatives times its inputs' tangents.

    >>> x, w = Value(2.0, "x"), Value(-3.0, "w")
    >>> s = TangentStepper(x * w, {x: 1.0})
    >>> [(step.tangent, step.local) for step in s][-1]  # d(xw)/dx = w
    (-3.0, (-3.0, 2.0))
    """

    index: int
    node: Value
    tangent: float  # d node along the direction: sum of local * input tangent
    local: tuple[float, ...]  # d node / d input, per input (empty for a leaf)


class TangentStepper(Stepper):
    """Forward mode, one node at a time: tangents flow from the inputs towards the output.

    ``directions`` gives the tangent of some leaves (how fast each moves); every other leaf
    stands still (tangent 0). Each step computes one node's tangent with the same local
    derivatives the backward pass uses: ``t(node) = sum of d node/d input × t(input)``. After
    the last step the output's tangent is the directional derivative, as
    :func:`autograd.forward.tangents` (and ``autograd.func.jvp``) compute it.

    >>> from autograd import Value
    >>> x, w = Value(2.0, "x"), Value(-3.0, "w")
    >>> s = TangentStepper((x * w).tanh(), {x: 1.0})
    >>> for step in s:
    ...     print(s.describe(step))
    step 1 of 4: t(x) = 1 (a direction given)
    step 2 of 4: t(w) = 0 (held still)
    step 3 of 4: t(n1) = d(x × w)/dx × t(x) + d(x × w)/dw × t(w)
                       = w × 1 + x × 0 = -3 × 1 + 2 × 0 = -3
    step 4 of 4: t(n2) = d(tanh(n1))/dn1 × t(n1)
                       = (1 - n2 × n2) × -3 = 2.458e-05 × -3 = -7.373e-05
    """

    pass_name = "Forward mode (tangents)"

    def __init__(
        self, root: Value, directions: dict[Value, float], *, expand: bool = False
    ) -> None:
        if expand:
            raise ValueError("TangentStepper: expand=True is not supported; expand the graph first")
        super().__init__(root, expand)
        given = {}
        for leaf, t in dict(directions).items():
            if not isinstance(leaf, Value):
                raise TypeError(f"TangentStepper: directions keys must be Values, got {leaf!r}")
            given[leaf] = real(t, "TangentStepper(directions)")
        self.given = given
        self.tangents: dict[Value, float] = {}
        # As autograd.forward does: a node no direction reaches has no tangent (shown as 0),
        # and adds no term, so a still input never turns an infinite local derivative into nan.
        moving: dict[Value, float] = {}
        self.steps: list[TangentStep] = []
        for i, node in enumerate(self.ids):
            local: tuple[float, ...] = ()
            total: float | None = given.get(node)
            if not node.is_leaf:
                local = tuple(cast(Op, node.operation).partials(node))
                for c, d in zip(node.inputs, local, strict=True):
                    if c in moving:
                        term = moving[c] if d == 1 else moving[c] * d
                        total = term if total is None else total + term
            if total is not None:
                moving[node] = total
            self.steps.append(TangentStep(i, node, 0.0 if total is None else total, local))
        self._tangent_of = {s.node: s.tangent for s in self.steps}  # for the texts of any frame

    def _do(self, step: TangentStep) -> None:
        self.tangents[step.node] = step.tangent

    def _undo(self, step: TangentStep) -> None:
        del self.tangents[step.node]

    def _state(self) -> dict[str, Any]:
        return {"grads": self.tangents, "quantity": "tangent"}

    def describe(self, step: TangentStep | None) -> str:
        """The frame's text: the tangent's rule and arithmetic (None: the start).

        >>> x = Value(3.0, "x")
        >>> s = TangentStepper(x * x, {x: 2.0})
        >>> print(s.describe(s.steps[-1]))
        step 2 of 2: t(n1) = d(x × x)/dx × t(x) + d(x × x)/dx × t(x)
                           = x × 2 + x × 2 = 3 × 2 + 3 × 2 = 12
        """
        if step is None:
            moving = ", ".join(
                f"t({self.name(v)}) = {fmt(t)}" for v, t in self.given.items() if v in self.ids
            )
            return (
                f"start: the inputs move in the direction {moving or 'none'}; every other leaf "
                "stands still. Each step pushes the tangent one node forward with the local "
                "derivatives: t(node) = sum of d node/d input × t(input)."
            )
        n = step.node
        head = f"step {step.index + 1} of {len(self)}: t({self.name(n)}) = "
        if n.is_leaf:
            how = "a direction given" if n in self.given else "held still"
            if n.operation is CONST:
                how = "a constant"
            return f"{head}{fmt(step.tangent)} ({how})"
        expr = expression(n, self.names)
        rules, values, numbers = [], [], []
        for i, child in enumerate(n.inputs):
            if child.operation is CONST:  # a constant's tangent is 0: no term, and no d(...)/d1
                continue
            who = self.name(child)
            rules.append(f"d({expr})/d{self.names[child]} × t({who})")
            rule = derivative_rule(n, i, self.names)
            local = fmt(step.local[i])
            shown = local if rule is None or rule == local else rule
            shown = f"({shown})" if any(c in shown for c in "+-") and shown != local else shown
            values.append(f"{shown} × {fmt(self._tangent_of[child])}")
            numbers.append(f"{local} × {fmt(self._tangent_of[child])}")
        pad = " " * (len(head) - 2)
        line2 = " + ".join(values)
        line3 = " + ".join(numbers)
        tail = f"{line2} = {line3}" if line2 != line3 else line3
        return f"{head}{' + '.join(rules)}\n{pad}= {tail} = {fmt(step.tangent)}"
