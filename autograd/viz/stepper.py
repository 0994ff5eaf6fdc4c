"""Step through a graph one node at a time: the backward pass (chain rule) and the forward pass.

A stepper has one frame per position: frame 0 before any step, then one after each step. Each
frame has a picture (the graph with the step's node outlined) and a text that shows the rule
and the arithmetic of the step, with every node called by the name its box shows. The same
frames are printed (``print(stepper)``, ``describe``, ``text``, ``play()`` in a terminal), shown
by a notebook widget (``play()`` in Jupyter) and written as a self-contained page (``to_html``).
"""

from __future__ import annotations

import html
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from ..core.graph import topological_order
from ..core.numbers import real
from ..core.op import CONST, Op
from ..core.sweep import GradTable, backward_pass, hooked_leaves
from ..core.value import Value
from .dot import draw_dot, forward_order, to_dot
from .expand import expand as expand_graph
from .names import derivative_rule, expression, full_expression, node_names
from .page import page
from .quiz import TOLERANCE, Quiz
from .rendering import GraphvizNotFound, render_svgs
from .style import fmt


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


def local_derivative(node: Value, i: int, names: Mapping[Value, str], value: float) -> str:
    """The local derivative of ``node`` with respect to its input ``i`` as the steppers write
    it: the formula from the operation table, over the drawing's names, and its value.

    >>> a, b = Value(-3.0, "a"), Value(2.0, "b")
    >>> c = a * b
    >>> local_derivative(c, 0, {a: "a", b: "b", c: "c"}, b.data)
    'd(a × b)/da = b = 2'
    >>> local_derivative(a + b, 1, {a: "a", b: "b"}, 1.0)
    'd(a + b)/db = 1'
    """
    rule = derivative_rule(node, i, names)
    local = fmt(value)
    if rule is None:
        shown = f"{local} (a Python rule)"
    else:
        shown = local if rule == local else f"{rule} = {local}"
    return f"d({expression(node, names)})/d{names[node.inputs[i]]} = {shown}"


class _Recorder(GradTable):
    """The sweep's gradient table, remembering each step as the sweep takes it."""

    def __init__(self, seeds: dict[Value, float]) -> None:
        super().__init__(seeds)
        self.steps: list[BackwardStep] = []
        self._node: Value | None = None  # the node whose turn it is
        self._raw: float = 0.0  # its gradient as it arrived, before any hook
        self._hooked = False  # whether its hooks ran
        self._passed: list[float] = []
        self._before: list[float | None] = []

    def get(self, node: Any) -> Any:
        g = super().get(node)
        self._finish()
        self._node, self._raw, self._hooked = node, g, False
        return g

    def set(self, node: Any, g: Any) -> None:
        super().set(node, g)
        current = self._node
        if current is None or node is not current:  # a share added to an input
            return
        if current.is_leaf:  # a leaf's hook, after every share arrived
            self.steps.append(BackwardStep(len(self.steps), current, g, (), (), (), self._raw))
            self._node = None
        else:  # the node's hooks replaced its gradient before it passes it on
            self._hooked = True

    def terms(self, op: Op, node: Any, g: Any) -> Sequence[Any]:
        terms = super().terms(op, node, g)
        self._passed = list(terms)
        self._before = []
        return terms

    def before(self, node: Any) -> Any:
        self._before.append(self.grads.get(node))
        return super().before(node)

    def _finish(self) -> None:
        """The step of the node whose turn it was, now that the sweep has moved on."""
        node = self._node
        if node is None or node.is_leaf:
            return
        g = self.grads[node]
        local = tuple(cast(Op, node._op).partials(node))  # for the text: the passed terms rule
        hooked = self._raw if self._hooked else None
        step = BackwardStep(
            len(self.steps), node, g, local, tuple(self._passed), tuple(self._before), hooked
        )
        self.steps.append(step)
        self._node = None

    def close(self) -> None:
        self._finish()


def _in_notebook() -> bool:
    """True inside a Jupyter kernel, where a widget can show; False in a terminal or script."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and hasattr(shell, "kernel")


class _Stepper:
    """Position, navigation, text and rendering shared by the two steppers."""

    steps: list[Any]
    pass_name = ""

    def __init__(self, root: Value, expand: bool) -> None:
        if not isinstance(root, Value):
            raise TypeError(f"{type(self).__name__}: root must be a Value, got {root!r}")
        self.root = expand_graph(root) if expand else root
        self.position = 0  # steps done so far, 0 .. len(self)
        order = forward_order(self.root)
        self.ids = {n: f"v{i}" for i, n in enumerate(order)}
        self.names = node_names(order)  # the names the drawing shows, used in every text

    def __len__(self) -> int:
        return len(self.steps)

    def __iter__(self) -> Iterator[Any]:
        """Run the stepper from the start, yielding each step as it is done."""
        self.seek(0)
        while self.position < len(self.steps):
            yield self.next()

    def next(self) -> Any:
        """Do one more step and return it (IndexError after the last)."""
        if self.position >= len(self.steps):
            raise IndexError(f"{type(self).__name__}: all {len(self.steps)} steps are done")
        step = self.steps[self.position]
        self._do(step)
        self.position += 1
        return step

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

    @property
    def title(self) -> str:
        """What the stepper walks through: the pass and the expression (or the output's name)."""
        name = self.names[self.root]
        expr = full_expression(self.root, self.names)
        if expr is None:
            what = f"{name} ({len(self)} steps)"
        elif self.root.label and expr != name:
            what = f"{name} = {expr}"
        else:
            what = expr
        return f"{self.pass_name}: {what}"

    def name(self, node: Value) -> str:
        """The node as the text calls it: the name in its box (``const 2`` for a constant)."""
        n = self.names[node]
        return f"const {n}" if node._op is CONST and not node.label else n

    def text(self) -> str:
        """Every frame's text from the start, the current one marked with '>'."""
        out = []
        for k in range(len(self.steps) + 1):
            lines = self.describe(self.steps[k - 1] if k else None).splitlines()
            mark = "> " if k == self.position else "  "
            out += [mark + lines[0], *("  " + line for line in lines[1:])]
        return "\n".join(out)

    def __str__(self) -> str:
        return f"{self.title}\n{self.describe(self.current)}"

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.title!r}: step {self.position} of {len(self)}>"

    def dot(self, **options: Any) -> str:
        """DOT text of the graph at the current position, the current node highlighted."""
        cur = self.current
        return to_dot(self.root, highlight=cur.node if cur else None, **self._state(), **options)

    def draw(self, **options: Any) -> Any:
        """The current frame as a ``graphviz`` drawing (shows inline in Jupyter)."""
        cur = self.current
        return draw_dot(self.root, highlight=cur.node if cur else None, **self._state(), **options)

    def frames(self, **options: Any) -> list[str]:
        """DOT text of every frame: the start, then after each step; the position is kept."""
        return [dot for dot, _ in self._replay(options)]

    def _replay(self, options: dict[str, Any]) -> list[tuple[str, dict[str, str]]]:
        """(DOT, {node id, text}) of each frame, from the start; the position is restored."""
        keep = self.position
        self.seek(0)
        out = [(self.dot(**options), {"node": "", "text": self.describe(None)})]
        for _ in self.steps:
            step = self.next()
            out.append(
                (self.dot(**options), {"node": self.ids[step.node], "text": self.describe(step)})
            )
        self.seek(keep)
        return out

    def to_html(
        self,
        path: str | None = None,
        title: str | None = None,
        max_frames: int = 400,
        quiz: bool = False,
        **options: Any,
    ) -> str:
        """A self-contained HTML page that steps through the frames in a browser, offline.

        The page is titled ``title`` (default: the pass and the expression). Buttons, a slider
        and the arrow keys move between frames; ``#step=3`` in the URL opens frame 3 and
        ``#click=next,next`` presses buttons on load (``answer-0:1.5`` in that list types 1.5
        into a quiz field). Frames are SVG when Graphviz's ``dot`` is installed, else the DOT
        text. ``quiz=True`` (backward only) asks for each step's gradients before showing the
        step, marks the answers and keeps a score (see :mod:`autograd.viz.quiz`).
        """
        quiz_data = self._quiz("to_html", quiz).payload() if quiz else None
        if len(self.steps) + 1 > max_frames:
            raise ValueError(
                f"to_html: {len(self.steps) + 1} frames > max_frames={max_frames}; "
                "step through a smaller graph or raise max_frames"
            )
        if title is not None and not isinstance(title, str):
            raise TypeError(f"to_html: title must be a str, got {type(title).__name__}")
        frames = self._replay(options)
        dots = [dot for dot, _ in frames]
        try:
            pictures = render_svgs(dots)
        except GraphvizNotFound:
            pictures = [f"<pre>{html.escape(d)}</pre>" for d in dots]
        text = page(
            self.title if title is None else title, pictures, [i for _, i in frames], quiz_data
        )
        if path is not None:
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
        return text

    def _quiz(self, what: str, quiz: bool) -> Quiz:
        if not isinstance(self, BackwardStepper):
            raise ValueError(f"{what}: quiz mode asks for gradients, so it needs a BackwardStepper")
        return Quiz(self)

    def widget(self, quiz: bool = False, **options: Any) -> Any:
        """An ipywidgets player (extra ``notebooks``): buttons and a slider over the frames.

        ``quiz=True`` (backward only): moving past the steps answered so far asks for the next
        step's gradients first, marks them and keeps a score, as the HTML page's quiz does.
        """
        the_quiz = self._quiz("widget", quiz) if quiz else None
        try:
            import ipywidgets as w
        except ImportError as e:
            raise ImportError(
                "the stepper's widget needs ipywidgets: pip install 'scalar-autograd[notebooks]'"
            ) from e
        out, slider = w.Output(), w.IntSlider(min=0, max=len(self.steps), value=self.position)
        labels = ("« first", "‹ back", "next ›", "last »")  # no media-control glyphs: any font
        first, prev, nxt, last = (w.Button(description=d) for d in labels)
        key = w.HTML(
            "<small>red outline: the node of this step &nbsp;·&nbsp; "
            "grad ·: not computed yet</small>"
        )

        def show(change: Any = None) -> None:
            self.seek(slider.value)
            out.clear_output(wait=True)
            with out:
                print(self.describe(self.current))
                from IPython.display import display

                display(self.draw(**options))

        panel = w.VBox([])
        if the_quiz is not None:
            slider.max = the_quiz.reached
            panel = quiz_panel(the_quiz, self, slider)

        def move(to: int) -> None:
            to = max(0, min(len(self.steps), to))
            if the_quiz is not None and to > the_quiz.reached:
                panel.ask()
            slider.value = min(to, slider.max)

        slider.observe(show, names="value")
        first.on_click(lambda _: move(0))
        prev.on_click(lambda _: move(slider.value - 1))
        nxt.on_click(lambda _: move(slider.value + 1))
        last.on_click(lambda _: move(len(self.steps)))
        show()
        if the_quiz is not None:
            panel.ask()
        title = w.HTML(f"<b>{html.escape(self.title)}</b>")
        return w.VBox([title, w.HBox([first, prev, nxt, last, slider]), key, panel, out])

    def play(self, quiz: bool = False, **options: Any) -> Any:
        """In Jupyter, the widget player (see :meth:`widget`; ``quiz=True`` asks for each step's
        gradients first); elsewhere, print every frame's text (the position is kept) and return
        None.

        >>> a = Value(2.0, "a")
        >>> BackwardStepper(a * a).play()
        > start: n1 = a × a = 4. Backward begins at the output: n1.grad = dn1/dn1 = 1.
          Every other gradient shows · until it is computed.
          step 1 of 1: n1 = a × a = 4
            upstream gradient: n1.grad = 1
            to a: local d(a × a)/da = a = 2
                  upstream 1 × local 2 = 2; a.grad = 2
            to a: local d(a × a)/da = a = 2
                  upstream 1 × local 2 = 2; a.grad: 2 -> 4 (adds up)
        """
        if _in_notebook():
            return self.widget(quiz=quiz, **options)
        print(self.text())
        return None

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
        recorder.close()
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

    def describe(self, step: BackwardStep | None) -> str:
        """The frame's text: the rule and the arithmetic of ``step`` (None: the start).

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
        """
        root = self.name(self.root)
        if step is None:
            return (
                f"start: {self._defined(self.root)}. Backward begins at the output: "
                f"{root}.grad = d{root}/d{root} = {fmt(self.seed)}.\n"
                "Every other gradient shows · until it is computed."
            )
        n = step.node
        me = self.name(n)
        head = f"step {step.index + 1} of {len(self)}: {self._defined(n)}"
        hooked = f"a hook on {me} changes its gradient: {fmt(step.hooked_from or 0.0)} -> "
        if n.is_leaf:  # a leaf's hook, after every contribution has arrived
            return f"{head}\n  {hooked}{fmt(step.grad)}"
        lines = [head]
        if step.hooked_from is not None:
            lines.append(f"  {hooked}{fmt(step.grad)}")
        lines.append(f"  upstream gradient: {me}.grad = {fmt(step.grad)}")
        for i, child in enumerate(n.inputs):
            if child._op is CONST:  # a constant gets its share too, but nothing learns from it
                lines.append(
                    f"  to {self.name(child)}: upstream {fmt(step.grad)} × local "
                    f"{fmt(step.local[i])} = {fmt(step.passed[i])} (a constant: not needed)"
                )
                continue
            local = fmt(step.local[i])
            old, new = step.before[i], (step.before[i] or 0.0) + step.passed[i]
            who = self.name(child)
            total = (
                f"{who}.grad = {fmt(new)}"
                if old is None
                else f"{who}.grad: {fmt(old)} -> {fmt(new)} (adds up)"
            )
            head = f"  to {who}: "
            lines.append(f"{head}local {local_derivative(n, i, self.names, step.local[i])}")
            lines.append(
                " " * len(head)
                + f"upstream {fmt(step.grad)} × local {local} = {fmt(step.passed[i])}; {total}"
            )
        return "\n".join(lines)

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


class ForwardStepper(_Stepper):
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
            how = "a constant" if n._op is CONST else "given"
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


class TangentStepper(_Stepper):
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
                local = tuple(cast(Op, node._op).partials(node))
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
            if n._op is CONST:
                how = "a constant"
            return f"{head}{fmt(step.tangent)} ({how})"
        expr = expression(n, self.names)
        rules, values, numbers = [], [], []
        for i, child in enumerate(n.inputs):
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


def quiz_panel(quiz: Quiz, stepper: _Stepper, slider: Any) -> Any:
    """The widget's quiz box: the step's question, one field per gradient, marks and a score.

    ``ask()`` shows the next step's questions; a right set of answers (or "show me") opens
    that step by raising ``slider.max``.

    >>> from autograd import Value
    >>> from autograd.viz.quiz import Quiz
    >>> import ipywidgets
    >>> s = BackwardStepper(Value(2.0, "x") * 3)
    >>> box = quiz_panel(Quiz(s), s, ipywidgets.IntSlider(max=0))
    >>> box.ask()
    >>> [row.children[0].description for row in box.children[1].children]
    ['x.grad =']
    """
    import ipywidgets as w

    question, score = w.HTML(), w.HTML(quiz.score_text())
    rows = w.VBox([])
    check, reveal = w.Button(description="check"), w.Button(description="show me")
    check.disabled = reveal.disabled = True
    key = w.HTML(f"<small>An answer counts when it is {html.escape(TOLERANCE)}.</small>")
    box = w.VBox([question, rows, w.HBox([check, reveal, score]), key])
    fields: list[Any] = []
    marks: list[Any] = []

    def ask() -> None:
        asked = quiz.asking()
        if not asked or fields:
            return
        step = stepper.steps[quiz.reached]
        first_line = stepper.describe(step).splitlines()[0]
        question.value = (
            f"<b>{html.escape(first_line)}</b>: what are these gradients after this step?"
        )
        fields[:] = [w.Text(description=f"{q.label} =") for q in asked]
        marks[:] = [w.HTML() for _ in asked]
        rows.children = [w.HBox([f, m]) for f, m in zip(fields, marks, strict=True)]
        check.disabled = reveal.disabled = False

    def opened() -> None:
        fields.clear()
        check.disabled = reveal.disabled = True
        score.value = html.escape(quiz.score_text())
        slider.max = quiz.reached
        slider.value = quiz.reached

    def on_check(_: Any) -> None:
        if not fields:
            return
        right = quiz.answer([f.value for f in fields])
        for m, ok in zip(marks, right, strict=True):
            m.value = "✓ right" if ok else "✗ not yet, try again"
        score.value = html.escape(quiz.score_text())
        if all(right):
            opened()

    def on_reveal(_: Any) -> None:
        if not fields:
            return
        for q, m in zip(quiz.reveal(), marks, strict=True):
            if q.revealed:
                m.value = f"it is {fmt(q.exact)}"
        opened()

    check.on_click(on_check)
    reveal.on_click(on_reveal)
    box.ask = ask  # the player calls it when the learner tries to move on
    box.quiz = quiz
    return box
