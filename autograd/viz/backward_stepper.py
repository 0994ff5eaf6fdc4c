"""The backward pass, one node at a time: the engine's reverse sweep, recorded step by step.

``BackwardStepper`` runs ``autograd.core.sweep.backward_pass`` with a store that remembers each
step (the upstream gradient, the terms each input receives, each input's gradient before), so
what it shows is what ``backward()`` computes, masked zeros and hooks included.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from ..core.graph import topological_order
from ..core.numbers import real
from ..core.op import CONST, Op
from ..core.sweep import GradTable, backward_pass, hooked_leaves
from ..core.value import Value
from ..notation import expression, fmt, fmt_product
from .step_text import BACKWARD, LANGUAGES, language
from .stepper import Stepper, local_derivative


@dataclass(frozen=True)
class BackwardStep:
    """One node's share of the backward pass: d out/d node times each local derivative.

    ``before`` holds each input's gradient just before this node adds to it (None when it had
    none yet): an input used twice, as in ``a + a``, sees its total grow within one step.

    >>> x, w = Value(2.0, "x"), Value(-3.0, "w")
    >>> step = BackwardStepper(x * w).next()
    >>> step.grad, step.local, step.passed, step.before  # d(xw)/dx = w, d(xw)/dw = x
    (1.0, (-3.0, 2.0), (-3.0, 2.0), (None, None))
    """

    index: int
    node: Value
    grad: float  # d root / d node, complete when the node is processed
    local: tuple[float, ...]  # d node / d input, per input (from the op's derivative rules)
    passed: tuple[float, ...]  # grad * local: what each input receives
    before: tuple[float | None, ...]  # each input's gradient before its contribution
    hooked_from: float | None = None  # the gradient before the node's hooks changed it


class _Recorder(GradTable):
    """The sweep's gradient table, keeping each step the sweep reports (``Store.step``)."""

    records = True

    def __init__(self, seeds: dict[Value, float]) -> None:
        super().__init__(seeds)
        self.steps: list[BackwardStep] = []

    def step(self, node: Any, g: Any, terms: Sequence[Any], hooked_from: Any) -> None:
        n = len(self.steps)
        if node.is_leaf:  # its hooks ran, once every share had arrived
            self.steps.append(BackwardStep(n, node, g, (), (), (), hooked_from))
            return
        # Each input's gradient just before its term is added (the terms are not added yet):
        # an input used twice sees the first term in the second's "before".
        before: list[float | None] = []
        running: dict[Any, float | None] = {}
        for child, term in zip(node.inputs, terms, strict=True):
            old = running[child] if child in running else self.grads.get(child)
            before.append(old)
            running[child] = (0.0 if old is None else old) + term
        local = tuple(cast(Op, node.operation).partials(node))  # for the text: the terms rule
        self.steps.append(BackwardStep(n, node, g, local, tuple(terms), tuple(before), hooked_from))


class BackwardStepper(Stepper):
    """The backward pass, one node at a time, with its own gradients (``.grad`` is untouched).

    Each step takes one node (outputs first), its gradient d root/d node (the upstream
    gradient), the local derivative d node/d input of each input, and adds their product to
    that input's gradient. After the last step ``grads`` holds exactly what ``root.backward()``
    would put in ``.grad``. With ``expand=True`` the stepper walks :func:`~autograd.viz.expand`
    of the graph: each neuron's fused weighted sum as separate products and sums.

    >>> from autograd import Value
    >>> x, w = Value(2.0, "x"), Value(-3.0, "w")
    >>> y = (x * w).tanh()
    >>> s = BackwardStepper(y)
    >>> len(s), s.grads[y]
    (2, 1.0)
    >>> print(s.describe(s.next()))
    step 1 of 2: n2 = tanh(n1) = -1
      upstream gradient: n2.grad = 1
      to n1: local d(tanh(n1))/dn1 = 1 - n2 × n2 = 2.458e-05
             upstream 1 × local 2.458e-05 = 2.458e-05; n1.grad = 2.458e-05
    >>> s.run()
    >>> s.grads[x] == 1 * (1 - y.data**2) * -3.0
    True
    """

    pass_name = "Backward pass"
    quiz_ready = True

    def __init__(self, root: Value, gradient: float = 1.0, *, expand: bool = False) -> None:
        super().__init__(root, expand)
        root = self.root
        self.seed = real(gradient, "BackwardStepper(gradient)")
        self.grads: dict[Value, float] = {root: 0.0 + self.seed}
        # Every step is worked out now, by the engine's own reverse sweep, recorded: a failing
        # user rule raises here, before any step, and later steps cannot fail. Running the
        # stepper only moves through the table of gradients.
        order = topological_order((root,))
        self._order = list(reversed(order))
        recorder = _Recorder({root: self.seed})
        backward_pass(order, recorder, root=root, leaf_hooks=hooked_leaves(order, (root,)))
        self.steps: list[BackwardStep] = recorder.steps

    def _do(self, step: BackwardStep) -> None:
        if step.hooked_from is not None:
            self.grads[step.node] = step.grad
        for child, p in zip(step.node.inputs, step.passed, strict=True):
            self.grads[child] = self.grads.get(child, 0.0) + p

    def _undo(self, step: BackwardStep) -> None:
        for child, old in reversed(list(zip(step.node.inputs, step.before, strict=True))):
            if old is None:
                del self.grads[child]
            else:
                self.grads[child] = old
        if step.hooked_from is not None:
            self.grads[step.node] = step.hooked_from

    def _state(self) -> dict[str, Any]:
        return {"grads": self.grads}

    def describe(self, step: BackwardStep | None, lang: str = "en") -> str:
        """The frame's text: the rule and the arithmetic of ``step`` (None: the start), in
        English or, with ``lang="zh"``, in Chinese (autograd.viz.step_text holds both).

        For each input: the local derivative's formula and value, the product with the
        upstream gradient, and the input's gradient, growing when it gets several shares.

        >>> a = Value(-3.0, "a")
        >>> b = a + a
        >>> b.label = "b"
        >>> s = BackwardStepper(b)
        >>> print(s.describe(s.steps[0]))
        step 1 of 1: b = a + a = -6
          upstream gradient: b.grad = 1
          to a: local d(a + a)/da = 1
                upstream 1 × local 1 = 1; a.grad = 1
          to a: local d(a + a)/da = 1
                upstream 1 × local 1 = 1; a.grad: 1 -> 2 (adds up)
        >>> print(s.describe(s.steps[0], "zh").splitlines()[0])
        第 1 步，共 1 步：b = a + a = -6
        """
        say = BACKWARD[language(lang)]
        root = self.name(self.root)
        if step is None:
            return say["start"].format(
                defined=self._defined(self.root), root=root, seed=fmt(self.seed)
            )
        n = step.node
        me = self.name(n)
        head = say["head"].format(k=step.index + 1, n=len(self), defined=self._defined(n))
        hooked = say["hooked"].format(me=me, old=fmt(step.hooked_from or 0.0), new=fmt(step.grad))
        if n.is_leaf:  # a leaf's hook, after every contribution has arrived
            return f"{head}\n  {hooked}"
        lines = [head]
        if step.hooked_from is not None:
            lines.append(f"  {hooked}")
        lines.append("  " + say["upstream"].format(me=me, grad=fmt(step.grad)))
        for i, child in enumerate(n.inputs):
            if child.operation is CONST:  # a constant gets its share; nothing learns from it
                lines.append(
                    "  "
                    + say["constant"].format(
                        who=self.name(child),
                        grad=fmt(step.grad),
                        local=fmt(step.local[i]),
                        passed=fmt(step.passed[i]),
                    )
                )
                continue
            up, local, passed = fmt_product(step.grad, step.local[i], step.passed[i])
            old, new = step.before[i], (step.before[i] or 0.0) + step.passed[i]
            who = self.name(child)
            total = (
                say["first"].format(who=who, new=fmt(new))
                if old is None
                else say["adds"].format(who=who, old=fmt(old), new=fmt(new))
            )
            head = "  " + say["to"].format(who=who)
            derivative = local_derivative(n, i, self.names, step.local[i])
            lines.append(head + say["local"].format(derivative=derivative))
            lines.append(
                " " * len(head)
                + say["product"].format(up=up, local=local, passed=passed, total=total)
            )
        return "\n".join(lines)

    def other_languages(self, step: BackwardStep | None) -> dict[str, str]:
        """The frame's text in each language besides English, for the HTML page's ``?lang=``.

        >>> s = BackwardStepper(Value(2.0, "x") * 3)
        >>> s.other_languages(None)["zh"].splitlines()[0][:3]
        '开始：'
        """
        return {lang: self.describe(step, lang) for lang in LANGUAGES if lang != "en"}

    def _defined(self, node: Value) -> str:
        if node.is_leaf:
            return f"{self.name(node)} = {fmt(node.data)}"
        return f"{self.name(node)} = {expression(node, self.names)} = {fmt(node.data)}"

    def apply(self) -> None:
        """Run every step, then add the gradients to ``.grad`` as ``backward()`` would.

        >>> a = Value(3.0, "a")
        >>> s = BackwardStepper(a * a)
        >>> a.grad
        0.0
        >>> s.apply()
        >>> a.grad
        6.0
        """
        self.run()
        for node in self._order:
            node.grad = 0.0
        for node, g in self.grads.items():
            node.grad += g
