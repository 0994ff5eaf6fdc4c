"""An exercise: a graph whose forward values and gradients a learner works out by hand.

Every node is called by the one name the drawings and the steppers use (``autograd.viz.names``);
answers are given by that name: ``"n1"`` for a forward value, ``"n1.grad"`` for a gradient of
the output with respect to the node.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..core.value import Value
from .diagnose import diagnose, hint_ladder
from .problem import GRAD, Problem, answer_number, from_expression, number
from .report import Report
from .text import wrap


class Exercise(Problem):
    """Forward values and gradients of one graph, to be worked out by hand and checked.

    The learner answers any of :meth:`questions` by name: ``"n1"`` is a forward value,
    ``"n1.grad"`` the gradient of the output with respect to ``n1``. :meth:`check` marks them
    and says where a wrong one went wrong; :meth:`hint` helps one step at a time.

    >>> x, w = Value(2.0, "x"), Value(-3.0, "w")
    >>> ex = Exercise((x * w).tanh())
    >>> ex.questions()
    ['n1', 'n2', 'n2.grad', 'n1.grad', 'x.grad', 'w.grad']
    >>> ex.check({"n1": -6, "x.grad": -3}).score
    (1, 2)
    """

    def __init__(self, root: Value, *, title: str | None = None, **tolerance: float) -> None:
        super().__init__(root, title=title, **tolerance)
        self._hints: dict[str, int] = {}

    # -- making exercises ------------------------------------------------------------------

    @classmethod
    def from_expression(cls, text: str, title: str | None = None, **values: float) -> Exercise:
        """An exercise from a one-line expression over named numbers, parsed safely (the
        ``graph`` command's language: never evaluated as Python).

        >>> ex = Exercise.from_expression("tanh(x*w + b)", x=0.5, w=-2.0, b=1.0)
        >>> ex.title, ex.questions()[:3]
        ('n3 = tanh(x × w + b)', ['n1', 'n2', 'n3'])
        """
        return cls(from_expression(text, **values), title=title)

    @classmethod
    def from_function(
        cls, fn: Callable[..., Value], title: str | None = None, **values: float
    ) -> Exercise:
        """An exercise from a function on Values, called with one labelled leaf per keyword.

        >>> ex = Exercise.from_function(lambda x, y: x * y + x, x=2.0, y=3.0)
        >>> ex.key()["x.grad"]
        4.0
        """
        leaves = {k: Value(number(v, f"Exercise: {k}"), k) for k, v in values.items()}
        root = fn(**leaves)
        if not isinstance(root, Value):
            raise TypeError(f"Exercise.from_function: fn returned {type(root).__name__}, not Value")
        return cls(root, title=title)

    @classmethod
    def random(
        cls,
        seed: int,
        size: int = 4,
        ops: Sequence[str] | None = None,
        reuse: bool = True,
    ) -> Exercise:
        """A random exercise with small, friendly numbers: the same one for the same arguments.

        ``size`` operations drawn from ``ops`` (default: ``add, sub, mul, pow``; any table
        operation may be named); ``reuse=True`` makes some value feed two operations, so a
        gradient has to add up two shares. See :mod:`autograd.exercises.generate`.

        >>> ex = Exercise.random(seed=1, size=3)
        >>> ex.title == Exercise.random(seed=1, size=3).title
        True
        """
        from .generate import friendly_expression

        return cls(friendly_expression(seed, size, ops, reuse).build())

    # -- checking and hints --------------------------------------------------------------------

    def check(
        self,
        answers: Mapping[str, Any] | None = None,
        *,
        values: Mapping[str, Any] | None = None,
        grads: Mapping[str, Any] | None = None,
    ) -> Report:
        """Mark the answers and diagnose each wrong one; returns a :class:`Report`.

        ``answers`` maps ``"n1"`` (a value) or ``"n1.grad"`` (a gradient) to a number;
        ``values`` and ``grads`` take plain names instead. Any subset of the questions will do.

        >>> ex = Exercise.from_expression("a * b", a=2.0, b=-3.0)
        >>> print(ex.check(grads={"a": 2.0}))  # d(a*b)/da is b, not a
        ... # doctest: +NORMALIZE_WHITESPACE
        1 answer checked: 0 right, 1 wrong (right means within 1% of the exact value, or within
        0.001 of it).
        ✗ a.grad = 2, the exact value is -3.
          This step is wrong: you used a, its own value, where the rule needs the other factor b.
          The step, from n1.grad = 1 (the output):
            local d(a × b)/da = b = -3
            upstream 1 × local -3 = -3; a.grad = -3
        """
        return diagnose(self, self.read_answers(answers, values, grads))

    def read_answers(
        self,
        answers: Mapping[str, Any] | None,
        values: Mapping[str, Any] | None = None,
        grads: Mapping[str, Any] | None = None,
    ) -> dict[str, float]:
        """All the answers under their full labels, checked: known names, numbers.

        >>> ex = Exercise.from_expression("x * 2", x=3.0)
        >>> ex.read_answers({"n1": 6}, grads={"x": 2})
        {'n1': 6.0, 'x.grad': 2.0}
        """
        out: dict[str, float] = {}
        parts = [(answers or {}, ""), (values or {}, ""), (grads or {}, GRAD)]
        for mapping, suffix in parts:
            if not isinstance(mapping, Mapping):
                raise TypeError(f"answers must be a mapping of name to number, got {mapping!r}")
            for name, value in mapping.items():
                label = f"{name}{suffix}"
                if suffix and not isinstance(name, str):
                    raise TypeError(f"an answer's label must be a str, got {name!r}")
                self.parse_label(label)
                out[label] = answer_number(value, f"answer {label!r}")
        return out

    def hint(self, label: str) -> str:
        """The next hint for ``label``: first the rule, then the local derivative's value, then
        the arithmetic of the step; each call gives one more, never more than asked.

        >>> ex = Exercise.from_expression("tanh(x * w)", x=1.0, w=0.5)
        >>> print(ex.hint("x.grad"))
        hint 1 of 3 for x.grad: x is used once, by n1 = x × w. The chain rule: x.grad = n1.grad ×
        d(x × w)/dx, and d(x × w)/dx = w.
        >>> print(ex.hint("x.grad"))
        hint 2 of 3 for x.grad: d(x × w)/dx = w = 0.5.
        """
        node, is_grad = self.parse_label(label)
        ladder = hint_ladder(self, node, is_grad)
        k = self._hints.get(label, 0)
        if k >= len(ladder):
            return f"no more hints for {label}: the last one showed the whole step."
        self._hints[label] = k + 1
        return wrap(f"hint {k + 1} of {len(ladder)} for {label}: {ladder[k]}", 90)

    def stepper_page(self, path: str | None = None, quiz: bool = True) -> str:
        """The backward stepper's HTML page over this exercise, in quiz mode by default.

        >>> page = Exercise.from_expression("x * 2", x=3.0).stepper_page()
        >>> 'id="quiz-data"' in page
        True
        """
        return self.stepper.to_html(path, title=self.title, quiz=quiz)

    def __repr__(self) -> str:
        return f"<Exercise {self.title!r}: {len(self.questions())} questions>"
