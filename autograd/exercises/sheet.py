"""Exercise sheets for a class: random exercises in HTML and Markdown, with a separate key.

The same seed and settings give the same sheet, byte for byte. The answer key is written as
HTML and Markdown for people and as JSON (``key.json``, :meth:`Sheet.key_data`; the schema is
described in docs/exercises.md) for ``python -m autograd exercises mark``. Drawings are SVG
made by the engine's own drawing functions (``autograd.viz``) through Graphviz's ``dot``;
without ``dot`` the sheet says so and leaves them out. The sheet's drawings show the inputs'
values only (``data ?``, ``grad ·`` elsewhere); the key's show every value and gradient.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Sequence
from pathlib import Path

from ..viz import GraphvizNotFound, render_svgs, to_dot
from ..viz.quiz import ATOL, RTOL, TOLERANCE
from .exercise import Exercise
from .generate import DEFAULT_OPS

__all__ = ["KEY_SCHEMA", "KEY_VERSION", "NO_DOT", "Sheet"]

KEY_SCHEMA = "autograd-exercise-key"
"""The ``schema`` field of every ``key.json``."""
KEY_VERSION = 1
"""The version of ``key.json``'s layout; a reader refuses versions it does not know."""

NO_DOT = "Drawings left out: Graphviz's `dot` program is not installed (apt install graphviz)."
_STYLE = """body { font-family: sans-serif; max-width: 60em; margin: 1em auto; padding: 0 1em; }
pre { background: #f6f6f6; padding: .5em; white-space: pre-wrap; }
table { border-collapse: collapse; } td, th { border: 1px solid #bbb; padding: .2em .6em; }
td.blank { min-width: 8em; } .drawing svg { max-width: 100%; height: auto; }"""


# Inline, since a fragment is shown inside other pages (the documentation's) with their styles.
_SCROLLS = "overflow-x: auto; max-width: 100%"
_WRAPS = "white-space: pre-wrap; overflow-wrap: anywhere"


class Sheet:
    """``count`` random exercises from one seed, with their drawings.

    >>> sheet = Sheet(seed=7, count=2, draw=False)
    >>> [len(ex.questions()) > 0 for ex in sheet.exercises]
    [True, True]
    >>> sheet.markdown() == Sheet(seed=7, count=2, draw=False).markdown()
    True
    """

    def __init__(
        self,
        seed: int,
        count: int = 3,
        size: int = 4,
        ops: Sequence[str] | None = None,
        reuse: bool = True,
        draw: bool = True,
    ) -> None:
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 100:
            raise ValueError(f"Sheet: count must be an int from 1 to 100, got {count!r}")
        self.seed, self.size, self.reuse = seed, size, reuse
        self.ops = tuple(ops) if ops is not None else None
        # One seed per exercise, fixed by the sheet's seed and the exercise's number.
        self.exercises = [
            Exercise.random(seed=seed * 1000 + k, size=size, ops=ops, reuse=reuse)
            for k in range(count)
        ]
        self.problems: list[str] = []
        self.solutions: list[str] = []
        self.note = ""
        if draw:
            try:
                self.problems = render_svgs([_problem_dot(ex) for ex in self.exercises])
                self.solutions = render_svgs([_solution_dot(ex) for ex in self.exercises])
            except GraphvizNotFound:
                self.note = NO_DOT

    def settings(self) -> str:
        """The settings in words (seed, size, operations, reuse).

        >>> sheet = Sheet(seed=2, count=1, draw=False)
        >>> sheet.settings()
        'seed 2; 4 operations each from add, sub, mul, pow; some values used twice'
        """
        ops = ", ".join(self.ops) if self.ops else "add, sub, mul, pow"
        reuse = "some values used twice" if self.reuse else "every value used once"
        return f"seed {self.seed}; {self.size} operations each from {ops}; {reuse}"

    # -- Markdown ------------------------------------------------------------------------------

    def markdown(self, key: bool = False, images: str = "") -> str:
        """The sheet (or, with ``key``, the answer key) as Markdown; drawings are linked as
        ``{images}exercise-1.svg`` (``key-1.svg`` for the key).

        >>> sheet = Sheet(seed=2, count=1, draw=False)
        >>> sheet.markdown().splitlines()[0], sheet.markdown(key=True).splitlines()[0]
        ('# Exercise sheet', '# Answer key')
        """
        head = "Answer key" if key else "Exercise sheet"
        lines = [f"# {head}", "", f"_{self.settings()}_", ""]
        if not key:
            lines += [
                "Work out, by hand, every value of each graph, then the gradient of its output "
                "with respect to every node (the backward pass). An answer counts when it is "
                f"{TOLERANCE}.",
                "",
            ]
        if self.note:
            lines += [f"> {self.note}", ""]
        for k, ex in enumerate(self.exercises, 1):
            lines += [f"## Exercise {k}", ""]
            if self.problems:
                name = f"key-{k}.svg" if key else f"exercise-{k}.svg"
                lines += [f"![the graph of exercise {k}]({images}{name})", ""]
            lines += ["```text", ex.statement(), "```", ""]
            lines += _table_md(ex, key)
            if key:
                steps = [ex.stepper.describe(s) for s in ex.stepper.steps]
                lines += ["", "The backward pass, step by step:", "", "```text", *steps, "```"]
            lines.append("")
        return "\n".join(lines)

    # -- HTML ----------------------------------------------------------------------------------

    def fragment(self, key: bool = False) -> str:
        """The sheet's body as HTML (drawings inline, every text escaped).

        >>> sheet = Sheet(seed=2, count=1, draw=False)
        >>> '<h2>Exercise 1</h2>' in sheet.fragment()
        True
        """
        parts = [f"<p><em>{html.escape(self.settings())}</em></p>"]
        if not key:
            parts.append(
                "<p>Work out, by hand, every value of each graph, then the gradient of its output "
                "with respect to every node (the backward pass). An answer counts when it is "
                f"{html.escape(TOLERANCE)}.</p>"
            )
        if self.note:
            parts.append(f'<p class="note">{html.escape(self.note)}</p>')
        for k, ex in enumerate(self.exercises, 1):
            parts.append(f"<h2>Exercise {k}</h2>")
            pictures = self.solutions if key else self.problems
            if pictures:
                # A wide drawing scrolls in its own box: the page keeps the window's width.
                parts.append(f'<div class="drawing" style="{_SCROLLS}">{pictures[k - 1]}</div>')
            parts.append(f'<pre style="{_WRAPS}">{html.escape(ex.statement())}</pre>')
            parts.append(_table_html(ex, key))
            if key:
                steps = "\n".join(ex.stepper.describe(s) for s in ex.stepper.steps)
                parts.append("<p>The backward pass, step by step:</p>")
                parts.append(f'<pre style="{_WRAPS}">{html.escape(steps)}</pre>')
        return "\n".join(parts) + "\n"

    def html(self, key: bool = False) -> str:
        """A self-contained HTML page (no network): the sheet or the key.

        >>> sheet = Sheet(seed=2, count=1, draw=False)
        >>> sheet.html().startswith('<!DOCTYPE html>')
        True
        """
        head = "Answer key" if key else "Exercise sheet"
        return (
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{head}</title>\n<style>{_STYLE}</style></head>\n<body>\n"
            f"<h1>{head}</h1>\n{self.fragment(key)}</body></html>\n"
        )

    # -- JSON ----------------------------------------------------------------------------------

    def key_data(self) -> dict[str, object]:
        """The answer key as JSON data (``key.json``): the schema and its version, the seed, the
        options, the tolerance, and per exercise every question with its exact answer. A
        number that is not finite is written as the text ``"inf"``, ``"-inf"`` or ``"nan"``.

        >>> key = Sheet(seed=2, count=1, draw=False).key_data()
        >>> key["schema"], key["version"], key["seed"], key["options"]["count"]
        ('autograd-exercise-key', 1, 2, 1)
        >>> key["exercises"][0]["questions"][0]
        {'name': 'n1', 'kind': 'value', 'exact': 3.5}
        """
        exercises = []
        for k, ex in enumerate(self.exercises, 1):
            questions = [
                {
                    "name": q,
                    "kind": "gradient" if ex.parse_label(q)[1] else "value",
                    "exact": _json_number(ex.exact(q)),
                }
                for q in ex.questions()
            ]
            exercises.append(
                {
                    "number": k,
                    "title": ex.title,
                    "statement": ex.statement(),
                    "given": {n: _json_number(x) for n, x in ex.given().items()},
                    "questions": questions,
                }
            )
        return {
            "schema": KEY_SCHEMA,
            "version": KEY_VERSION,
            "seed": self.seed,
            "options": {
                "count": len(self.exercises),
                "size": self.size,
                "ops": list(self.ops if self.ops is not None else DEFAULT_OPS),
                "reuse": self.reuse,
            },
            "tolerance": {"rtol": RTOL, "atol": ATOL, "text": TOLERANCE},
            "exercises": exercises,
        }

    def key_json(self) -> str:
        """:meth:`key_data` as JSON text (strict JSON: no ``NaN`` or ``Infinity`` tokens).

        >>> import json
        >>> json.loads(Sheet(seed=2, count=1, draw=False).key_json())["version"]
        1
        """
        return json.dumps(self.key_data(), indent=1, ensure_ascii=False, allow_nan=False) + "\n"

    def write(self, out: str | Path, key: str | Path | None = None) -> list[Path]:
        """Write ``sheet.html``, ``sheet.md``, ``key.html``, ``key.md``, ``key.json`` and the
        drawings into the folder ``out`` (made if missing); returns the paths written. With
        ``key``, the JSON key is written to that path instead of ``out/key.json``.

        >>> sheet = Sheet(seed=2, count=1, draw=False)
        >>> import tempfile
        >>> [p.name for p in sheet.write(tempfile.mkdtemp())]
        ['sheet.html', 'sheet.md', 'key.html', 'key.md', 'key.json']
        """
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        files = {
            "sheet.html": self.html(),
            "sheet.md": self.markdown(),
            "key.html": self.html(key=True),
            "key.md": self.markdown(key=True),
        }
        if key is None:
            files["key.json"] = self.key_json()
        for k, (problem, solution) in enumerate(zip(self.problems, self.solutions, strict=True)):
            files[f"exercise-{k + 1}.svg"] = problem + "\n"
            files[f"key-{k + 1}.svg"] = solution + "\n"
        written = []
        for name, text in files.items():
            path = folder / name
            path.write_text(text, encoding="utf-8", newline="\n")
            written.append(path)
        if key is not None:
            path = Path(key)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(self.key_json(), encoding="utf-8", newline="\n")
            written.append(path)
        return written


def _problem_dot(ex: Exercise) -> str:
    known = [v for v in ex.order if v.is_leaf]
    return to_dot(ex.root, computed=known, grads={}, title=f"Exercise: {ex.title}")


def _solution_dot(ex: Exercise) -> str:
    return to_dot(ex.root, grads=ex.grads, title=f"Answers: {ex.title}")


def _rows(ex: Exercise) -> list[tuple[str, str]]:
    return [(q, _show(ex.exact(q))) for q in ex.questions()]


def _json_number(x: float) -> float | str:
    """``x``, or for a number JSON cannot hold, its text as ``float()`` reads it back."""
    return x if math.isfinite(x) else str(x)


def _show(x: float) -> str:
    return f"{x:.6g}"


def _table_md(ex: Exercise, key: bool) -> list[str]:
    head = ["| asked | exact |", "|---|---|"] if key else ["| asked | your answer |", "|---|---|"]
    return head + [f"| `{q}` | {v if key else ''} |" for q, v in _rows(ex)]


def _table_html(ex: Exercise, key: bool) -> str:
    rows = "".join(
        f"<tr><td><code>{html.escape(q)}</code></td>"
        + (f"<td>{html.escape(v)}</td>" if key else '<td class="blank"></td>')
        + "</tr>"
        for q, v in _rows(ex)
    )
    col = "exact" if key else "your answer"
    return f"<table><tr><th>asked</th><th>{col}</th></tr>{rows}</table>"
