"""Stepping through a graph one node at a time: what every stepper shares.

A stepper has one frame per position: frame 0 before any step, then one after each step. Each
frame has a picture (the graph with the step's node outlined) and a text that shows the rule
and the arithmetic of the step, with every node called by the name its box shows. The same
frames are printed (``print(stepper)``, ``describe``, ``text``, ``play()`` in a terminal), shown
by a notebook widget (``play()`` in Jupyter) and written as a self-contained page (``to_html``).
"""

from __future__ import annotations

import html
from collections.abc import Iterator, Mapping
from typing import Any

from ..core.op import CONST
from ..core.value import Value
from ..notation import derivative_rule, expression, fmt, forward_order, full_expression, node_names
from .dot import draw_dot, to_dot
from .expand import expand as expand_graph
from .inpage import dot_block
from .page import page
from .quiz import TOLERANCE, Quiz
from .rendering import GraphvizNotFound, render_svgs


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


def _in_notebook() -> bool:
    """True inside a Jupyter kernel, where a widget can show; False in a terminal or script."""
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and hasattr(shell, "kernel")


class Stepper:
    """Position, navigation, text and rendering shared by the steppers (backward, forward,
    tangents): a subclass says what one step does (``_do``, ``_undo``) and how it reads
    (``describe``).

    >>> from autograd import Value
    >>> from autograd.viz import BackwardStepper
    >>> s = BackwardStepper(Value(2.0, "x") * 3)
    >>> isinstance(s, Stepper), len(s), s.position
    (True, 1, 0)
    """

    quiz_ready = False  # whether quiz mode can ask for this stepper's numbers

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
        """Do one more step and return it (IndexError after the last).

        >>> from autograd import Value
        >>> from autograd.viz import BackwardStepper
        >>> s = BackwardStepper(Value(2.0, "x") * 3)
        >>> s.next().node.op, s.position
        ('mul', 1)
        """
        if self.position >= len(self.steps):
            raise IndexError(f"{type(self).__name__}: all {len(self.steps)} steps are done")
        step = self.steps[self.position]
        self._do(step)
        self.position += 1
        return step

    def back(self) -> Any:
        """Undo the last step and return it (IndexError at the start).

        >>> from autograd import Value
        >>> from autograd.viz import BackwardStepper
        >>> s = BackwardStepper(Value(2.0, "x") * 3)
        >>> s.run()
        >>> s.back().node.op, s.position
        ('mul', 0)
        """
        if self.position == 0:
            raise IndexError(f"{type(self).__name__}: at the start, nothing to undo")
        self.position -= 1
        step = self.steps[self.position]
        self._undo(step)
        return step

    def seek(self, position: int) -> None:
        """Go to ``position`` (the number of steps done), forward or back.

        >>> from autograd import Value
        >>> from autograd.viz import ForwardStepper
        >>> s = ForwardStepper(Value(2.0, "x").exp())
        >>> s.seek(2)
        >>> s.position
        2
        """
        if not 0 <= position <= len(self.steps):
            raise IndexError(f"seek: position must be in 0..{len(self.steps)}, got {position}")
        while self.position < position:
            self.next()
        while self.position > position:
            self.back()

    def run(self) -> None:
        """Do every remaining step.

        >>> from autograd import Value
        >>> from autograd.viz import BackwardStepper
        >>> x = Value(2.0, "x")
        >>> s = BackwardStepper(x * x)
        >>> s.run()
        >>> s.position == len(s), s.grads[x]
        (True, 4.0)
        """
        self.seek(len(self.steps))

    @property
    def current(self) -> Any:
        """The step done last (None at the start).

        >>> from autograd import Value
        >>> from autograd.viz import BackwardStepper
        >>> s = BackwardStepper(Value(2.0, "x") * 3)
        >>> s.current is None, s.next() is s.current
        (True, True)
        """
        return self.steps[self.position - 1] if self.position else None

    @property
    def title(self) -> str:
        """What the stepper walks through: the pass and the expression (or the output's name).

        >>> from autograd import Value
        >>> from autograd.viz import BackwardStepper
        >>> BackwardStepper(Value(2.0, "x") * 3).title
        'Backward pass: x × 3'
        """
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
        """The node as the text calls it: the name in its box (``const 2`` for a constant).

        >>> from autograd import Value
        >>> from autograd.viz import BackwardStepper
        >>> y = Value(2.0, "x") * 3
        >>> s = BackwardStepper(y)
        >>> s.name(y.inputs[0]), s.name(y.inputs[1])
        ('x', 'const 3')
        """
        n = self.names[node]
        return f"const {n}" if node.operation is CONST and not node.label else n

    def text(self) -> str:
        """Every frame's text from the start, the current one marked with '>'.

        >>> from autograd import Value
        >>> from autograd.viz import ForwardStepper
        >>> print(ForwardStepper(Value(2.0, "x").exp()).text().splitlines()[0][:40])
        > start: nothing is computed yet (data ?
        """
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
        """DOT text of the graph at the current position, the current node highlighted.

        >>> from autograd import Value
        >>> from autograd.viz import BackwardStepper
        >>> BackwardStepper(Value(2.0, "x") * 3).dot().startswith("digraph")
        True
        """
        cur = self.current
        return to_dot(self.root, highlight=cur.node if cur else None, **self._state(), **options)

    def draw(self, **options: Any) -> Any:
        """The current frame as a ``graphviz`` drawing (shows inline in Jupyter).

        >>> from autograd import Value
        >>> from autograd.viz import BackwardStepper
        >>> drawing = BackwardStepper(Value(2.0, "x") * 3).draw()  # doctest: +SKIP
        """
        cur = self.current
        return draw_dot(self.root, highlight=cur.node if cur else None, **self._state(), **options)

    def frames(self, **options: Any) -> list[str]:
        """DOT text of every frame: the start, then after each step; the position is kept.

        >>> from autograd import Value
        >>> from autograd.viz import BackwardStepper
        >>> len(BackwardStepper(Value(2.0, "x") * 3).frames())
        2
        """
        return [dot for dot, _ in self._replay(options)]

    def _replay(self, options: dict[str, Any]) -> list[tuple[str, dict[str, str]]]:
        """(DOT, {node id, text}) of each frame, from the start; the position is restored."""
        keep = self.position
        self.seek(0)
        out = [
            (
                self.dot(**options),
                {"node": "", "text": self.describe(None)} | self.other_languages(None),
            )
        ]
        for _ in self.steps:
            step = self.next()
            info = {"node": self.ids[step.node], "text": self.describe(step)}
            out.append((self.dot(**options), info | self.other_languages(step)))
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
        into a quiz field). Frames are SVG when Graphviz's ``dot`` is installed; without it
        the page embeds the pinned wasm Graphviz (:mod:`autograd.viz.inpage`) and draws the
        DOT text in the browser. ``quiz=True`` (backward only) asks for each step's gradients
        before showing the step, marks the answers and keeps a score (see
        :mod:`autograd.viz.quiz`).

        >>> from autograd import Value
        >>> from autograd.viz import BackwardStepper
        >>> "<html" in BackwardStepper(Value(2.0, "x") * 3).to_html()
        True
        """
        quiz_data = self._quiz("to_html", quiz).payload() if quiz else None
        if quiz_data is not None:  # the quiz's feedback in Chinese too, for the page's ?lang=zh
            zh = Quiz(self, lang="zh").payload()["frames"]
            for qs, qs_zh in zip(quiz_data["frames"], zh, strict=True):  # type: ignore[call-overload]
                for q, q_zh in zip(qs, qs_zh, strict=True):
                    q["mistakes_zh"] = q_zh["mistakes"]
        if len(self.steps) + 1 > max_frames:
            raise ValueError(
                f"to_html: {len(self.steps) + 1} frames > max_frames={max_frames}; "
                "step through a smaller graph or raise max_frames"
            )
        if title is not None and not isinstance(title, str):
            raise TypeError(f"to_html: title must be a str, got {type(title).__name__}")
        frames = self._replay(options)
        dots = [dot for dot, _ in frames]
        in_page = False
        try:
            pictures = render_svgs(dots)
        except GraphvizNotFound:  # drawn in the browser by the embedded wasm Graphviz
            pictures, in_page = [dot_block(d) for d in dots], True
        text = page(
            self.title if title is None else title,
            pictures,
            [i for _, i in frames],
            quiz_data,
            renderer=in_page,
        )
        if path is not None:
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
        return text

    def _quiz(self, what: str, quiz: bool) -> Quiz:
        if not self.quiz_ready:
            raise ValueError(f"{what}: quiz mode asks for gradients, so it needs a BackwardStepper")
        return Quiz(self)

    def widget(self, quiz: bool = False, **options: Any) -> Any:
        """An ipywidgets player (extra ``notebooks``): buttons and a slider over the frames.

        ``quiz=True`` (backward only): moving past the steps answered so far asks for the next
        step's gradients first, marks them and keeps a score, as the HTML page's quiz does.

        >>> from autograd import Value
        >>> from autograd.viz import BackwardStepper
        >>> player = BackwardStepper(Value(2.0, "x") * 3).widget()  # doctest: +SKIP
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

        >>> from autograd import Value
        >>> from autograd.viz import BackwardStepper
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

    def other_languages(self, step: Any) -> dict[str, str]:
        """The frame's text in other languages, by language code; none unless a stepper has
        them (the backward stepper has Chinese).

        >>> from autograd import Value
        >>> from autograd.viz import ForwardStepper
        >>> ForwardStepper(Value(2.0, "x").exp()).other_languages(None)
        {}
        """
        return {}

    def describe(self, step: Any) -> str:
        """The frame's text for ``step`` (None: the start); each stepper writes its own.

        >>> from autograd import Value
        >>> from autograd.viz import ForwardStepper
        >>> ForwardStepper(Value(2.0, "x").exp()).describe(None).startswith("start")
        True
        """
        raise NotImplementedError


def quiz_panel(quiz: Quiz, stepper: Stepper, slider: Any) -> Any:
    """The widget's quiz box: the step's question, one field per gradient, marks and a score.

    ``ask()`` shows the next step's questions; a right set of answers (or "show me") opens
    that step by raising ``slider.max``.

    >>> from autograd import Value
    >>> from autograd.viz import BackwardStepper
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
        asked = quiz.asking()
        right = quiz.answer([f.value for f in fields])
        for m, ok, q, f in zip(marks, right, asked, fields, strict=True):
            why = quiz.why(q, f.value)  # a typical mistake: say which
            m.value = html.escape(
                "✓ right" if ok else f"✗ {why}" if why else "✗ not yet, try again"
            )
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
