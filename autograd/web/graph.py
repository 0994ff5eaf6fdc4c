"""An expression's backward pass as the playground shows it: frames of DOT text and the
stepper's own words, checked leaf values, and the limits that keep a drawing readable.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Mapping
from typing import Any

from ..core.graph import topological_order
from ..core.numbers import real
from ..core.value import Value
from ..expressions import MAX_LENGTH, ExpressionError, display_text, parse
from ..viz.backward_stepper import BackwardStepper
from ..viz.quiz import Quiz
from ..viz.step_text import language

MAX_NODES = 60  # a bigger graph is not readable on one screen (and takes long to step)
DEFAULT_VALUE = 1.0  # a leaf the link does not set
EXAMPLE = "tanh(x*w + b)"


def leaf_names(text: str) -> list[str]:
    """The names an expression uses as leaves, in the order they appear (functions left out).

    Text that is not an expression has none (parsing it then says why).

    >>> leaf_names("tanh(x*w + b) + x")
    ['x', 'w', 'b']
    >>> leaf_names("x +* y")
    []
    """
    if not isinstance(text, str) or len(text) > MAX_LENGTH:
        return []
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    called = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    found = [n for n in ast.walk(tree) if isinstance(n, ast.Name) and id(n) not in called]
    found.sort(key=lambda n: (n.lineno, n.col_offset))
    return list(dict.fromkeys(n.id for n in found))


def leaf_value(name: str, given: Any) -> float:
    """A leaf's value from the page or the link: a finite number, or ExpressionError naming it.

    >>> leaf_value("x", "2.5"), leaf_value("w", -3)
    (2.5, -3.0)
    >>> leaf_value("x", "<b>")
    Traceback (most recent call last):
    ...
    autograd.expressions.ExpressionError: x: '<b>' is not a number
    >>> leaf_value("x", 10**400)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    autograd.expressions.ExpressionError: x: the int 10000...00000 (401 digits) is too large ...
    """
    if isinstance(given, bool):
        raise ExpressionError(f"{name}: {given!r} is not a number")
    try:
        v = real(given, name) if isinstance(given, int) else float(given)
    except OverflowError as e:  # an int beyond the floats: real() says how long it is
        raise ExpressionError(str(e)) from None
    except (TypeError, ValueError):
        raise ExpressionError(f"{name}: {str(given)[:40]!r} is not a number") from None
    if not math.isfinite(v):
        raise ExpressionError(f"{name}: {str(given)[:40]!r} is not a finite number")
    return v


def build(expr: str, values: Mapping[str, Any]) -> tuple[Value, dict[str, Value]]:
    """The expression's graph over named leaves (unset names are 1) and those leaves.

    >>> root, leaves = build("x*w", {"x": "2"})
    >>> root.data, sorted(leaves)
    (2.0, ['w', 'x'])
    """
    leaves = {
        name: Value(leaf_value(name, values.get(name, DEFAULT_VALUE)), name)
        for name in leaf_names(expr)
    }
    root = parse(expr, leaves)
    size = len(topological_order((root,))) + len(leaves)
    if size > MAX_NODES:
        raise ExpressionError(
            f"the expression makes {size} nodes; the playground draws at most {MAX_NODES} "
            "(write a smaller one, or use the command line's `graph` for big graphs)"
        )
    return root, leaves


def stepper_frames(stepper: BackwardStepper, lang: str = "en") -> list[dict[str, str]]:
    """Each frame of a stepper from the start: its DOT text, the id of the node it outlines
    (the drawing's ``v3`` is the SVG's ``<title>v3</title>``) and the stepper's text (in
    ``lang``: en or zh).

    >>> frames = stepper_frames(BackwardStepper(Value(2.0, "x") * 3))
    >>> [(f["node"], f["text"].split(":")[0]) for f in frames]
    [('', 'start'), ('v2', 'step 1 of 1')]
    """
    stepper.seek(0)
    frames = [{"dot": stepper.dot(), "node": "", "text": stepper.describe(None, lang)}]
    for step in stepper:
        text = stepper.describe(step, lang)
        frames.append({"dot": stepper.dot(), "node": stepper.ids[step.node], "text": text})
    return frames


def backward_frames(
    expr: str, values: Mapping[str, Any], quiz: bool = False, lang: str = "en"
) -> dict[str, Any]:
    """Everything the page shows for an expression: the leaves, one frame per step of the
    backward pass (DOT text, highlighted node id, the stepper's text) and the gradients that
    ``backward()`` computes; a refused expression gets the command line's message and caret.
    ``lang="zh"``: the texts and the quiz's feedback in Chinese.

    >>> out = backward_frames("tanh(x*w + b)", {"x": 2, "w": -3, "b": 6.88})
    >>> len(out["frames"]), round(out["grads"]["x"], 3)
    (4, -1.503)
    >>> print(out["frames"][1]["text"].splitlines()[0])
    step 1 of 3: n3 = tanh(n2) = 0.7064
    >>> print(backward_frames("x +* y", {})["error"])
    refused: syntax error: invalid syntax
      x +* y
         ^
    """
    language(lang)
    try:
        root, leaves = build(expr, values)
        stepper = BackwardStepper(root)
        frames = stepper_frames(stepper, lang)
        root.backward()  # the numbers the page checks its last frame against
    except ExpressionError as e:
        return {"ok": False, "error": f"refused: {e}"}
    except ArithmeticError as e:
        return {"ok": False, "error": f"backward failed: {type(e).__name__}: {e}"}
    return {
        "ok": True,
        "expr": display_text(expr),
        "title": stepper.title,
        "leaves": [{"name": k, "value": v.data} for k, v in leaves.items()],
        "output": root.data,
        "frames": frames,
        "grads": {k: v.grad for k, v in leaves.items()},
        "quiz": Quiz(stepper, lang=lang).payload() if quiz else None,
    }
