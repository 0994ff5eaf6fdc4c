"""Step through a graph one node at a time: the backward pass (chain rule) and the forward pass."""

from __future__ import annotations

import html
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, cast

from ..engine import Op, Value, real, topological_order
from .dot import draw_dot, forward_order, to_dot
from .page import page
from .rendering import GraphvizNotFound, render_svgs
from .style import fmt


def _name(node: Value, ids: dict[Value, str]) -> str:
    return node.label or f"{node.op or 'leaf'}#{ids[node]}"


@dataclass(frozen=True)
class BackwardStep:
    """One node's share of the backward pass: d out/d node times each local derivative.

    >>> x, w = Value(2.0, "x"), Value(-3.0, "w")
    >>> step = BackwardStepper(x * w).next()
    >>> step.grad, step.local, step.passed  # d(xw)/dx = w, d(xw)/dw = x
    (1.0, (-3.0, 2.0), (-3.0, 2.0))
    """

    index: int
    node: Value
    grad: float  # d root / d node, complete when the node is processed
    local: tuple[float, ...]  # d node / d input, per input (from the op's derivative rules)
    passed: tuple[float, ...]  # grad * local: what each input receives
    undo: tuple[tuple[Value, float | None], ...]  # each input's gradient before this step


@dataclass(frozen=True)
class ForwardStep:
    """One value computed: its operation, its inputs' data and its own.

    >>> x = Value(2.0, "x")
    >>> steps = list(ForwardStepper(x.exp()))
    >>> [(s.index, s.node.op or s.node.label) for s in steps]
    [(0, 'x'), (1, 'exp')]
    """

    index: int
    node: Value


class _Stepper:
    """Position, navigation and rendering shared by the two steppers."""

    steps: list[Any]

    def __init__(self, root: Value) -> None:
        if not isinstance(root, Value):
            raise TypeError(f"{type(self).__name__}: root must be a Value, got {root!r}")
        self.root = root
        self.position = 0  # steps done so far, 0 .. len(self)
        self.ids = {n: f"v{i}" for i, n in enumerate(forward_order(root))}

    def __len__(self) -> int:
        return len(self.steps)

    def __iter__(self) -> Iterator[Any]:
        return iter(self.steps)

    def next(self) -> Any:
        """Do one more step and return it (IndexError after the last)."""
        if self.position >= len(self.steps):
            raise IndexError(f"{type(self).__name__}: all {len(self.steps)} steps are done")
        self._do(self.steps[self.position])
        self.position += 1
        return self.steps[self.position - 1]  # the backward stepper fills the step in as it runs

    def back(self) -> Any:
        """Undo the last step and return it (IndexError at the start)."""
        if self.position == 0:
            raise IndexError(f"{type(self).__name__}: at the start, nothing to undo")
        self.position -= 1
        step = self.steps[self.position]
        self._undo(step)
        return step

    def seek(self, position: int) -> None:
        """Go to ``position`` (the number of steps done), forward or back."""
        if not 0 <= position <= len(self.steps):
            raise IndexError(f"seek: position must be in 0..{len(self.steps)}, got {position}")
        while self.position < position:
            self.next()
        while self.position > position:
            self.back()

    def run(self) -> None:
        """Do every remaining step."""
        self.seek(len(self.steps))

    @property
    def current(self) -> Any:
        """The step done last (None at the start)."""
        return self.steps[self.position - 1] if self.position else None

    def text(self) -> str:
        """Every step as one line each, the current one marked with '>'."""
        return "\n".join(
            ("> " if i == self.position - 1 else "  ") + self.describe(s)
            for i, s in enumerate(self.steps)
        )

    def __str__(self) -> str:
        return self.text()

    def dot(self, **options: Any) -> str:
        """DOT text of the graph at the current position, the current node highlighted."""
        cur = self.current
        return to_dot(self.root, highlight=cur.node if cur else None, **self._state(), **options)

    def draw(self, **options: Any) -> Any:
        """The current frame as a ``graphviz`` drawing (shows inline in Jupyter)."""
        cur = self.current
        return draw_dot(self.root, highlight=cur.node if cur else None, **self._state(), **options)

    def frames(self, **options: Any) -> list[str]:
        """DOT text after each step (one frame per step); the position is left unchanged."""
        return [dot for dot, _ in self._replay(options)]

    def _replay(self, options: dict[str, Any]) -> list[tuple[str, dict[str, str]]]:
        """(DOT, {node id, text}) after each step, from the start; the position is restored."""
        keep, out = self.position, []
        self.seek(0)
        for _ in self.steps:
            step = self.next()
            out.append(
                (self.dot(**options), {"node": self.ids[step.node], "text": self.describe(step)})
            )
        self.seek(keep)
        return out

    def to_html(self, path: str | None = None, max_frames: int = 400, **options: Any) -> str:
        """A self-contained HTML page that steps through the frames in a browser.

        Buttons, a slider and the arrow keys move between steps; ``#step=3`` in the URL opens
        step 3 and ``#click=next,next`` presses buttons on load. Frames are SVG when Graphviz's
        ``dot`` is installed, else the DOT text.
        """
        if len(self.steps) > max_frames:
            raise ValueError(
                f"to_html: {len(self.steps)} steps > max_frames={max_frames}; "
                "step through a smaller graph or raise max_frames"
            )
        frames = self._replay(options)
        dots = [dot for dot, _ in frames]
        try:
            pictures = render_svgs(dots) if dots else []
        except GraphvizNotFound:
            pictures = [f"<pre>{html.escape(d)}</pre>" for d in dots]
        text = page(type(self).__name__, pictures, json.dumps([i for _, i in frames]))
        if path is not None:
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
        return text

    def play(self, **options: Any) -> Any:
        """An ipywidgets player (extra ``notebooks``): buttons and a slider over the frames."""
        try:
            import ipywidgets as w
        except ImportError as e:
            raise ImportError(
                "play needs ipywidgets: pip install 'scalar-autograd[notebooks]'"
            ) from e
        out, slider = w.Output(), w.IntSlider(min=0, max=len(self.steps), value=self.position)
        prev, nxt = w.Button(description="◀ back"), w.Button(description="next ▶")

        def show(change: Any = None) -> None:
            self.seek(slider.value)
            out.clear_output(wait=True)
            with out:
                print(self.describe(self.current) if self.current else "start")
                from IPython.display import display

                display(self.draw(**options))

        slider.observe(show, names="value")
        prev.on_click(lambda _: setattr(slider, "value", max(0, slider.value - 1)))
        nxt.on_click(lambda _: setattr(slider, "value", min(len(self.steps), slider.value + 1)))
        show()
        return w.VBox([w.HBox([prev, nxt, slider]), out])

    # Subclasses define these.
    def _do(self, step: Any) -> None:
        raise NotImplementedError

    def _undo(self, step: Any) -> None:
        raise NotImplementedError

    def _state(self) -> dict[str, Any]:
        raise NotImplementedError

    def describe(self, step: Any) -> str:
        raise NotImplementedError


class BackwardStepper(_Stepper):
    """The backward pass, one node at a time, with its own gradients (``.grad`` is untouched).

    Each step takes one node (outputs first), its gradient d root/d node, the local derivative
    d node/d input of each input, and passes their product to that input. After the last step
    ``grads`` holds exactly what ``root.backward()`` would put in ``.grad``.

    >>> from autograd import Value
    >>> x, w = Value(2.0, "x"), Value(-3.0, "w")
    >>> y = (x * w).tanh()
    >>> s = BackwardStepper(y)
    >>> len(s), s.grads[y]
    (2, 1.0)
    >>> print(s.describe(s.next()))
    step 1: tanh#v3 (grad 1) local d/d input: mul#v2 2.458e-05 -> mul#v2 += 2.458e-05
    >>> s.run()
    >>> s.grads[x] == 1 * (1 - y.data**2) * -3.0
    True
    """

    def __init__(self, root: Value, gradient: float = 1.0) -> None:
        super().__init__(root)
        self.seed = real(gradient, "BackwardStepper(gradient)")
        self.grads: dict[Value, float] = {root: self.seed}
        # Local derivatives are read now, as floats: a failing user rule raises here, before
        # any step, and later steps cannot fail.
        self._order = list(reversed(topological_order((root,), reset=False)))
        self._local = [tuple(cast(Op, n._op).partials(n)) for n in self._order]  # interior nodes
        self.steps = [self._placeholder(i) for i in range(len(self._order))]

    def _placeholder(self, i: int) -> BackwardStep:
        node = self._order[i]
        return BackwardStep(i, node, 0.0, self._local[i], (), ())

    def _do(self, step: BackwardStep) -> None:
        g = self.grads.get(step.node, 0.0)
        passed, undo = [], []
        for child, d in zip(step.node.inputs, step.local, strict=True):
            contrib = g * d
            undo.append((child, self.grads.get(child)))
            self.grads[child] = self.grads.get(child, 0.0) + contrib
            passed.append(contrib)
        done = BackwardStep(step.index, step.node, g, step.local, tuple(passed), tuple(undo))
        self.steps[step.index] = done

    def _undo(self, step: BackwardStep) -> None:
        for child, old in reversed(step.undo):
            if old is None:
                del self.grads[child]
            else:
                self.grads[child] = old

    def _state(self) -> dict[str, Any]:
        return {"grads": self.grads}

    def describe(self, step: BackwardStep) -> str:
        """One line: the node, its gradient, each local derivative and what each input gets.

        >>> a = Value(3.0, "a")
        >>> s = BackwardStepper(a * a)
        >>> print(s.describe(s.next()))
        step 1: mul#v1 (grad 1) local d/d input: a 3, a 3 -> a += 3, a += 3
        """
        ids, n = self.ids, step.node
        if not step.undo:
            return f"step {step.index + 1}: {_name(n, ids)} (not yet run)"
        locs = ", ".join(
            f"{_name(c, ids)} {fmt(d)}" for c, d in zip(n.inputs, step.local, strict=True)
        )
        sent = ", ".join(
            f"{_name(c, ids)} += {fmt(p)}" for c, p in zip(n.inputs, step.passed, strict=True)
        )
        return (
            f"step {step.index + 1}: {_name(n, ids)} (grad {fmt(step.grad)}) "
            f"local d/d input: {locs} -> {sent}"
        )

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


class ForwardStepper(_Stepper):
    """The forward pass in the order values are computed: leaves first, then each operation.

    >>> from autograd import Value
    >>> x = Value(2.0, "x")
    >>> s = ForwardStepper(x * x + 1)
    >>> [s.describe(step) for step in s][:2]
    ['step 1: x = 2 (given)', 'step 2: mul#v1 = mul(x, x) = 4']
    """

    def __init__(self, root: Value) -> None:
        super().__init__(root)
        self.steps: list[ForwardStep] = [ForwardStep(i, n) for i, n in enumerate(self.ids)]
        self.computed: set[Value] = set()

    def _do(self, step: ForwardStep) -> None:
        self.computed.add(step.node)

    def _undo(self, step: ForwardStep) -> None:
        self.computed.discard(step.node)

    def _state(self) -> dict[str, Any]:
        return {"computed": self.computed, "grads": {}}

    def describe(self, step: ForwardStep) -> str:
        """One line: the value, how it was computed, and from what.

        >>> x = Value(2.0, "x")
        >>> s = ForwardStepper(x + 1)
        >>> for step in s:
        ...     print(s.describe(step))
        step 1: x = 2 (given)
        step 2: const#v1 = 1 (constant)
        step 3: add#v2 = add(x, const#v1) = 3
        """
        n, ids = step.node, self.ids
        if n.is_leaf:
            how = "constant" if n.op == "const" else "given"
            return f"step {step.index + 1}: {_name(n, ids)} = {fmt(n.data)} ({how})"
        args = ", ".join(_name(c, ids) for c in n.inputs)
        return f"step {step.index + 1}: {_name(n, ids)} = {n.op}({args}) = {fmt(n.data)}"
