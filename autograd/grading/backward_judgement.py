"""Grading a NumPy assignment (``grade --backward forward:backward``): the student writes a
loss ``forward`` and its ``backward``; ``check_backward`` compares each gradient with exact
reverse mode, on the same inputs for every student.

The inputs are the teacher's (``.npy`` files, named by their file names) or the built-in
sigmoid layer ``forward(X, W, b, Y)``. Each wrong gradient is one problem: its kind is the
mistake that explains it when one does ("a sign", "the derivative of sigmoid left out"), else
"wrong gradient", and its operation is the input's name as the teacher gave it, so a rubric
line per gradient claims it (``ops = ["W"]``). A forward or backward that cannot be run is a
problem of the kind ``backward did not run``, and the submission scores zero with the reason.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .rubric import Check, Rubric

__all__ = ["BACKWARD_FAILED", "WRONG_GRADIENT", "gradient_rubric", "inputs", "judge_backward"]

WRONG_GRADIENT = "wrong gradient"
BACKWARD_FAILED = "backward did not run"


def inputs(files: list[str] | None, seed: int | None) -> tuple[dict[str, Any], list[str]]:
    """The inputs by name, and those that need no gradient: the ``.npy`` files given (each
    named by its file name; none marked), or the built-in example made from ``seed``.

    >>> arrays, no_grad = inputs(None, 0)
    >>> list(arrays), no_grad
    (['X', 'W', 'b', 'Y'], ['X', 'Y'])
    """
    if not files:
        from ..testing.learner_backward import example_layer

        return example_layer(seed)
    import numpy as np

    arrays: dict[str, Any] = {}
    for f in files:
        name = Path(f).stem
        if not name.isidentifier() or name in arrays:
            raise ValueError(f"{f}: each array's file name must be a distinct Python name")
        try:
            arrays[name] = np.load(f, allow_pickle=False)
        except (OSError, ValueError) as e:
            raise ValueError(f"cannot read the array {f}: {e}") from e
    return arrays, []


def gradient_rubric(names: list[str], title: str = "Backward pass by hand") -> Rubric:
    """The default rubric of a NumPy assignment: 10 points for a backward that runs and returns
    one gradient per input, and 90 shared by the gradients ``names``.

    >>> r = gradient_rubric(["W", "b"])
    >>> [(c.name, c.points) for c in r.checks], r.line_for("a sign", "b").name
    ([('dW', 45.0), ('db', 45.0), ('the backward runs', 10.0)], 'db')
    """
    share = round(90.0 / max(1, len(names)), 2)
    lines = [Check(f"d{n}", share, (), (n,)) for n in names]
    lines.append(Check("the backward runs", 10.0, (BACKWARD_FAILED,), rest=True))
    return Rubric(title, tuple(lines))


def judge_backward(
    forward: str, backward: str, request: dict[str, Any]
) -> tuple[list[dict[str, Any]], list[str]]:
    """The problems (kind, op, text) and the gradients found right, for the targets
    ``forward`` and ``backward`` (``file.py:name``) on the request's inputs.

    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "hw.py").write_text(
    ...     "import numpy as np\\n"
    ...     "def forward(X, W, b, Y):\\n"
    ...     "    A = 1 / (1 + np.exp(-(X @ W + b)))\\n"
    ...     "    return np.sum((A - Y) ** 2) / 2\\n"
    ...     "def backward(X, W, b, Y):\\n"
    ...     "    A = 1 / (1 + np.exp(-(X @ W + b)))\\n"
    ...     "    dZ = (A - Y) * A * (1 - A)\\n"
    ...     "    return -(X.T @ dZ), dZ.sum(axis=0)\\n")
    >>> problems, right = judge_backward(f"{d}/hw.py:forward", f"{d}/hw.py:backward", {})
    >>> [(p["kind"], p["op"]) for p in problems], right
    ([('a sign', 'W')], ['b'])
    """
    from ..testing.learner_backward import check_backward

    arrays, no_grad = inputs(request.get("arrays"), request.get("seed"))
    if request.get("no_grad") is not None:
        no_grad = list(request["no_grad"])
    marked = [list(arrays).index(n) for n in no_grad if n in arrays]
    report = check_backward(
        forward,
        backward,
        *arrays.values(),
        no_grad=marked,
        time_limit=float(request.get("time_limit", 2.0)),
    )
    if report.error:
        text = f"{BACKWARD_FAILED}: {report.error}"
        return [{"kind": BACKWARD_FAILED, "op": "", "text": text, "dot": None, "size": 0}], []
    wanted = [n for i, n in enumerate(arrays) if i not in marked]
    problems, right = [], []
    for name, g in zip(wanted, report.gradients, strict=True):
        if g.ok:
            right.append(name)
            continue
        kind = g.explained.partition(":")[0] if g.explained else WRONG_GRADIENT
        problems.append({"kind": kind, "op": name, "text": g.text(), "dot": None, "size": 0})
    return problems, right
