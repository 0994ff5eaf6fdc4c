"""The graph of an exercise: names, exact values and gradients, each step at any numbers.

Every node is called by the one name the drawings and the steppers use (``autograd.viz.names``);
answers are given by that name: ``"n1"`` for a forward value, ``"n1.grad"`` for a gradient of
the output with respect to the node.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, cast

from ..core.modes import enable_grad, no_grad
from ..core.op import CONST, Op
from ..core.value import Value
from ..expressions import parse
from ..notation import expression, fmt, forward_order
from ..viz import BackwardStepper
from ..viz.backward_stepper import BackwardStep
from ..viz.quiz import ATOL, RTOL, TOLERANCE, close, read_number
from ..viz.stepper import local_derivative
from .text import wrap

GRAD = ".grad"


class Problem:
    """A graph's exact values and gradients, its names, and its steps at any numbers: what
    :class:`~autograd.exercises.Exercise` asks about and the diagnosis reasons with.

    >>> x, w = Value(2.0, "x"), Value(-3.0, "w")
    >>> Problem((x * w).tanh()).questions()
    ['n1', 'n2', 'n2.grad', 'n1.grad', 'x.grad', 'w.grad']
    """

    def __init__(
        self, root: Value, *, title: str | None = None, rtol: float = RTOL, atol: float = ATOL
    ) -> None:
        if not isinstance(root, Value):
            raise TypeError(f"Exercise: root must be a Value, got {type(root).__name__}")
        self.root = root
        self.rtol, self.atol = rtol, atol
        self.tolerance = TOLERANCE
        if (rtol, atol) != (RTOL, ATOL):
            self.tolerance = f"within {rtol:g} × |exact| + {atol:g} of the exact value"
        self.stepper = BackwardStepper(root)
        self.names: dict[Value, str] = self.stepper.names
        self.order = forward_order(root)
        self.nodes: dict[str, Value] = {}
        for node in self.order:
            if node.operation is CONST:
                continue
            name = self.names[node]
            if name in self.nodes:
                raise ValueError(
                    f"Exercise: two nodes are both called {name!r}; give them different labels"
                )
            self.nodes[name] = node
        self.steps: dict[Value, BackwardStep] = {s.node: s for s in self.stepper.steps}
        keep = self.stepper.position
        self.stepper.run()
        self.grads: dict[Value, float] = dict(self.stepper.grads)
        self.stepper.seek(keep)
        # Each node's consumers: (consumer, input position), once per use.
        self.uses: dict[Value, list[tuple[Value, int]]] = {n: [] for n in self.order}
        for node in self.order:
            for i, child in enumerate(node.inputs):
                self.uses[child].append((node, i))
        self.title = title or _titled(self.name(root), self.stepper.title.split(": ", 1)[1])

    # -- what is asked ---------------------------------------------------------------------

    def name(self, node: Value) -> str:
        """The node's name, as the drawing and the stepper show it.

        >>> p = Problem(Value(2.0, "x") * 3)
        >>> p.name(p.root)
        'n1'
        """
        return self.stepper.name(node)

    def questions(self) -> list[str]:
        """Every answer the exercise asks for: each computed value in the order of the forward
        pass, then each gradient in the order of the backward pass (the output's first).

        >>> Problem(Value(2.0, "x") * 3).questions()
        ['n1', 'n1.grad', 'x.grad']
        """
        values = [n for n, v in self.nodes.items() if not v.is_leaf]
        backward = [self.root, *(s.node for s in self.stepper.steps)]
        seen = dict.fromkeys(
            v for s in backward for v in (s, *s.inputs) if v.operation is not CONST
        )
        return values + [self.names[v] + GRAD for v in seen]

    def key(self) -> dict[str, float]:
        """The exact answer to every question.

        >>> Problem(Value(2.0, "x") * 3).key()
        {'n1': 6.0, 'n1.grad': 1.0, 'x.grad': 3.0}
        """
        return {q: self.exact(q) for q in self.questions()}

    def exact(self, label: str) -> float:
        """The exact answer for ``label`` (``"n1"`` or ``"n1.grad"``).

        >>> Problem(Value(2.0, "x") * 3).exact("x.grad")
        3.0
        """
        node, is_grad = self.parse_label(label)
        return self.grads.get(node, 0.0) if is_grad else node.data

    def given(self) -> dict[str, float]:
        """The inputs' values, which the exercise states.

        >>> Problem(Value(2.0, "x") * 3).given()
        {'x': 2.0}
        """
        return {n: v.data for n, v in self.nodes.items() if v.is_leaf}

    def parse_label(self, label: str) -> tuple[Value, bool]:
        """(node, whether the gradient is meant) for ``"n1"`` or ``"n1.grad"``; a clear error
        for a name the graph does not have, a constant, or the value of an input.

        >>> p = Problem(Value(2.0, "x") * 3)
        >>> p.parse_label("n1.grad") == (p.root, True)
        True
        >>> p.parse_label("x")
        Traceback (most recent call last):
        ...
        ValueError: answer 'x': x is an input, its value is given
        """
        if not isinstance(label, str):
            raise TypeError(f"an answer's label must be a str, got {type(label).__name__}")
        is_grad = label.endswith(GRAD) and label not in self.nodes
        name = label[: -len(GRAD)] if is_grad else label
        if name not in self.nodes:
            constant = any(self.names[v] == name and v.operation is CONST for v in self.order)
            why = "is a constant: nothing to compute" if constant else "is not a node of the graph"
            raise ValueError(f"answer {label!r}: {name!r} {why}; the names are {self.known()}")
        node = self.nodes[name]
        if node.is_leaf and not is_grad:
            raise ValueError(f"answer {label!r}: {name} is an input, its value is given")
        return node, is_grad

    def known(self) -> str:
        """The node names, for error messages.

        >>> Problem(Value(2.0, "x") * 3).known()
        'x, n1'
        """
        return ", ".join(self.nodes)

    def statement(self) -> str:
        """The exercise in words: the given inputs, each computation, what to find.

        >>> print(Problem(from_expression("x * w + 1", x=2.0, w=3.0)).statement())
        Given x = 2, w = 3:
          n1 = x × w
          n2 = n1 + 1
        Find every value and the gradient of n2 with respect to every node: n2.grad = 1, n1.grad,
        x.grad, w.grad.
        """
        given = ", ".join(f"{n} = {fmt(x)}" for n, x in self.given().items())
        lines = [f"Given {given}:"]
        calculator = self.calculator_values()
        lines += [
            f"  {self.names[v]} = {expression(v, self.names)}"
            + (
                f"  (= {fmt(v.data)}, rounded: given, it needs a calculator)"
                if v in calculator
                else ""
            )
            for v in self.order
            if not v.is_leaf
        ]
        grads = [q for q in self.questions() if q.endswith(GRAD)]
        out = self.names[self.root]
        grads[0] = f"{grads[0]} = 1"
        ask = f"Find every value and the gradient of {out} with respect to every node: "
        lines.append(wrap(ask + ", ".join(grads) + ".", 90))
        return "\n".join(lines)

    def calculator_values(self) -> set[Value]:
        """The nodes whose value is not worked out by hand: from the numbers the sheet shows
        for its inputs, the operation gives no short decimal (``tanh(1)``, ``exp(0.5)``, also
        ``1 / 3``), while ``+ - ×`` of short decimals always do. The statement gives them.

        >>> p = Problem(from_expression("tanh(x) * 3", x=1.0))
        >>> sorted(p.names[v] for v in p.calculator_values())
        ['n1']
        >>> Problem(from_expression("x * 3 + 1", x=0.5)).calculator_values()
        set()
        """
        out = set()
        for v in self.order:
            if v.is_leaf or v.operation is CONST:
                continue
            shown = [float(fmt(x.data)) for x in v.inputs]
            if not _short_decimal(self.recompute(v, shown)):
                out.add(v)
        return out

    def close(self, answer: float, exact: float) -> bool:
        """Whether ``answer`` counts as ``exact`` under this exercise's tolerance.

        >>> p = Problem(Value(2.0, "x") * 3)
        >>> p.close(5.99, 6.0), p.close(5.5, 6.0)
        (True, False)
        """
        return close(answer, exact, self.rtol, self.atol)

    # -- local derivatives and forward steps, at any numbers ---------------------------------

    def local(self, consumer: Value, i: int) -> float:
        """d consumer / d input ``i`` at the exact values (the operation table's rule).

        >>> p = Problem(Value(2.0, "x") * 3)
        >>> p.local(p.root, 0)
        3.0
        """
        return self.steps[consumer].local[i]

    def local_text(self, consumer: Value, i: int) -> str:
        """``d(x × w)/dx = w = -3``: the rule with its formula and value.

        >>> p = Problem(Value(2.0, "x").tanh())
        >>> p.local_text(p.root, 0)
        'd(tanh(x))/dx = 1 - n1 × n1 = 0.07065'
        """
        return local_derivative(consumer, i, self.names, self.local(consumer, i))

    def recompute(self, node: Value, inputs: Sequence[float]) -> float:
        """``node``'s operation applied to other input values (NaN where it is not defined).

        >>> p = Problem(Value(2.0, "x").log())
        >>> p.recompute(p.root, [1.0]), p.recompute(p.root, [-1.0])
        (0.0, nan)
        """
        make = cast(Op, node.operation).make
        assert make is not None
        try:
            with no_grad():
                return float(make(*(Value(x) for x in inputs), *node.params).data)
        except (ArithmeticError, ValueError):
            return math.nan

    def locals_at(self, node: Value, inputs: Sequence[float]) -> tuple[float, ...]:
        """The local derivatives of ``node``'s operation at other input values (NaN if none).

        >>> p = Problem(Value(2.0, "x") * Value(3.0, "y"))
        >>> p.locals_at(p.root, [5.0, 7.0])
        (7.0, 5.0)
        """
        op = cast(Op, node.operation)
        assert op.make is not None
        try:
            with enable_grad():
                made = op.make(*(Value(x) for x in inputs), *node.params)
            return tuple(float(d) for d in op.partials(made))
        except (ArithmeticError, ValueError, TypeError):
            return tuple(math.nan for _ in inputs)


def from_expression(text: str, **values: float) -> Value:
    """The graph of a one-line expression over named numbers (parsed safely, never run).

    >>> from_expression("x * w + 1", x=2.0, w=3.0).data
    7.0
    """
    leaves = {k: Value(number(v, f"Exercise: {k}"), k) for k, v in values.items()}
    return parse(text, leaves)


def number(value: Any, what: str) -> float:
    """``value`` as a float; a clear TypeError for anything that is not a real number.

    >>> number(2, "x")
    2.0
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{what}: expected a number, got {value!r:.60}")
    return float(value)


def answer_number(value: Any, what: str) -> float:
    """A learner's answer as a float: a number, or text the quiz reads too (``"-1.5"``,
    ``"−1.5"`` with a typographic minus, ``"3/4"``, ``"inf"``); a clear TypeError otherwise.

    >>> answer_number("−3/4", "x.grad"), answer_number(2, "x.grad")
    (-0.75, 2.0)
    """
    if isinstance(value, str):
        got = read_number(value)
        if got is None:
            raise TypeError(f"{what}: expected a number, got {value!r:.60}")
        return got
    return number(value, what)


def _titled(name: str, formula: str) -> str:
    """``name = formula``, the name once (a labelled output's formula may start with it).

    >>> _titled("E", "E = tanh(x)"), _titled("n2", "tanh(x)")
    ('E = tanh(x)', 'n2 = tanh(x)')
    """
    return formula if formula.startswith(f"{name} = ") else f"{name} = {formula}"


def _short_decimal(x: float) -> bool:
    """True for a number with at most 10 significant digits (up to a float's rounding).

    >>> _short_decimal(0.58003456), _short_decimal(0.7615941559557649), _short_decimal(0.1 + 0.2)
    (True, False, True)
    """
    if not math.isfinite(x):
        return False
    return abs(float(f"{x:.10g}") - x) <= 1e-14 * abs(x)
