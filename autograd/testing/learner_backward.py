"""``check_backward``: a learner's NumPy backward checked against exact reverse mode.

The learner's ``forward(*arrays)`` returns a scalar loss; ``backward(*arrays)`` returns the
gradients, one array per input that needs one, in order. The check runs the same ``forward``
over object arrays of this engine's Values (``np.exp`` on such an array calls each Value's
``.exp()``), so the correct gradients are exact, not finite differences. Each wrong gradient is
located entry by entry, and explained when known mistakes reproduce it: the dense layers are
found in the graph (:mod:`autograd.testing.backward_layers`) and the backward replayed with the
classic mistakes planted (:mod:`autograd.testing.backward_explain`).

The learner's code runs in a child process (:mod:`autograd.testing.learner_process`), in two
calls (:mod:`autograd.testing.backward_actions`): the forward over Values, whose graph comes
back as data and is built again and differentiated here, and the backward; each under a time
limit and on copies of the arrays (a forward that writes into its inputs changes nothing the
check reads). Everything else works from the rebuilt graph and the arrays. Needs NumPy (the
``testing`` extra).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..core.value import Value
from ..notation import fmt
from .backward_actions import decode, encode, hint, leaves, rebuild
from .backward_actions import names as names_of
from .backward_explain import explain, same
from .backward_layers import find_layers
from .learner_process import Learner
from .learner_run import TIME_LIMIT, Outcome

__all__ = ["BackwardReport", "Gradient", "check_backward", "example_layer"]


@dataclass
class Gradient:
    """One input's gradient: ``name``, the learner's array (``got``), the correct one
    (``want``), the wrong entries, and ``explained``: the known mistake that reproduces it.

    >>> import numpy as np
    >>> g = Gradient("W", np.array([1.0]), np.array([-1.0]), [(0,)], "a sign: yours is -dW")
    >>> g.ok
    False
    """

    name: str
    got: Any
    want: Any
    wrong: list[tuple[int, ...]] = field(default_factory=list)
    explained: str = ""
    problem: str = ""  # when there is nothing to compare entry by entry (shape, not numbers)

    @property
    def ok(self) -> bool:
        """True when every entry is right.

        >>> import numpy as np
        >>> Gradient("w", np.ones(2), np.ones(2)).ok
        True
        """
        return not self.wrong and not self.problem

    def text(self) -> str:
        """The gradient's lines in the report: right, or its wrong entries beside the correct.

        >>> import numpy as np
        >>> Gradient("w", np.ones(2), np.ones(2)).text()
        'dw: right (2 entries)'
        """
        d = f"d{self.name}"
        if self.problem:
            return f"{d}: {self.problem}"
        if self.ok:
            n = self.want.size
            return f"{d}: right ({n} entr{'y' if n == 1 else 'ies'})"
        lines = [f"{d} is wrong at {len(self.wrong)} of {self.want.size} entries:"]
        rows = [(f"{d}[{', '.join(map(str, i))}]" if i else d) for i in self.wrong[:6]]
        width = max(len(r) for r in rows)
        lines.append(f"   {'entry'.ljust(width)}  {'yours':>11}  {'correct':>11}")
        for r, i in zip(rows, self.wrong[:6], strict=False):
            lines.append(f"   {r.ljust(width)}  {fmt(self.got[i]):>11}  {fmt(self.want[i]):>11}")
        if len(self.wrong) > 6:
            lines.append(f"   ... and {len(self.wrong) - 6} more")
        why = self.explained or "no known mistake explains it; compare your formula entry by entry"
        lines.append(f"   Explained by: {why}")
        return "\n".join(lines)


@dataclass
class BackwardReport:
    """What ``check_backward`` found: ``bool(report)`` is True when every gradient is right.

    >>> bool(BackwardReport([])), str(BackwardReport([], "forward failed"))
    (True, 'check_backward: forward failed')
    """

    gradients: list[Gradient]
    error: str = ""

    def __bool__(self) -> bool:
        return not self.error and all(g.ok for g in self.gradients)

    def __str__(self) -> str:
        if self.error:
            return f"check_backward: {self.error}"
        wrong = sum(not g.ok for g in self.gradients)
        head = "every gradient is right" if not wrong else f"{wrong} gradient(s) wrong"
        return "\n".join([f"check_backward: {head}."] + [g.text() for g in self.gradients])

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(str(self))


def _np() -> Any:
    try:
        import numpy as np
    except ImportError as e:  # pragma: no cover - the testing extra has it
        raise ImportError(
            "check_backward needs NumPy: pip install 'scalar-autograd[testing]'"
        ) from e
    return np


def example_layer(seed: int | None = 0) -> tuple[dict[str, Any], list[str]]:
    """The built-in example of ``check-backward`` and ``grade --backward``: the inputs of one
    sigmoid layer ``forward(X, W, b, Y)`` over 3 examples of 3 features (rounded to 2 places,
    from ``seed``), and the inputs that need no gradient (X and Y).

    >>> arrays, no_grad = example_layer()
    >>> {name: a.shape for name, a in arrays.items()}, no_grad
    ({'X': (3, 3), 'W': (3, 1), 'b': (1,), 'Y': (3, 1)}, ['X', 'Y'])
    """
    np = _np()
    rng = np.random.default_rng(0 if seed is None else seed)
    X = rng.uniform(-2, 2, (3, 3)).round(2)
    W = rng.uniform(-1, 1, (3, 1)).round(2)
    b = np.array([0.1]) if seed in (None, 0) else rng.uniform(-1, 1, 1).round(2)
    Y = np.array([[1.0], [0.0], [1.0]]) if seed in (None, 0) else rng.integers(0, 2, (3, 1))
    return {"X": X, "W": W, "b": b, "Y": Y.astype(float)}, ["X", "Y"]


def _marked(no_grad: Sequence[int | str], names: list[str]) -> set[int]:
    """The positions ``no_grad`` names; a name or position that is no argument is an error."""
    marked = set()
    for m in no_grad:
        if isinstance(m, str):
            if m not in names:
                raise ValueError(
                    f"check_backward: no_grad names {m!r}, which is not one of the forward's "
                    f"arguments ({', '.join(names) or 'none'})"
                )
            marked.add(names.index(m))
        elif isinstance(m, int) and -len(names) <= m < len(names):
            marked.add(m % len(names))
        else:
            raise ValueError(
                f"check_backward: no_grad has {m!r}; give argument names or positions "
                f"0..{len(names) - 1}"
            )
    return marked


def _inputs(arrays: Sequence[Any], needs: list[bool], names: list[str]) -> list[Any] | str:
    """The arrays as the check keeps them: floats where a gradient is wanted, the rest as they
    are (integer labels stay integers); a sentence when one cannot have a gradient."""
    np = _np()
    out = []
    for a, need, name in zip(arrays, needs, names, strict=True):
        try:
            a = np.array(a)
        except (TypeError, ValueError) as e:
            return f"the inputs must be arrays: {name}: {e}"
        if need:
            if a.dtype.kind not in "iuf":
                return (
                    f"{name} holds {a.dtype} entries, not real numbers: a gradient is wanted "
                    "for it (mark inputs that need none with no_grad)"
                )
            a = a.astype(float)
        out.append(a)
    return out


def check_backward(
    forward: Callable[..., Any] | str,
    backward: Callable[..., Any] | str,
    *arrays: Any,
    no_grad: Sequence[int | str] = (),
    time_limit: float = TIME_LIMIT,
    isolated: bool | None = None,
) -> BackwardReport:
    """Check ``backward(*arrays)`` (the learner's gradients) against exact reverse mode through
    ``forward(*arrays)`` (their loss). ``no_grad`` marks inputs that need no gradient (labels),
    by position or argument name; ``backward`` returns one array per input that needs one (or
    one per input, the marked ones ignored). ``forward`` and ``backward`` may be functions or
    ``"file.py:name"`` / ``"module:name"`` targets. They run in a child process (see
    ``learner_process``; ``isolated=False``: in this one), each call for at most
    ``time_limit`` seconds, on their own copies of the arrays.

    >>> import numpy as np
    >>> def forward(w, x):
    ...     return np.sum((x * w) ** 2) / 2
    >>> def backward(w, x):
    ...     return (x * x * w,)
    >>> w, x = np.array([0.5, -1.0]), np.array([2.0, 3.0])
    >>> print(check_backward(forward, backward, w, x, no_grad=["x"]))
    check_backward: every gradient is right.
    dw: right (2 entries)
    >>> def backward(w, x):
    ...     return (-x * x * w,)
    >>> print(check_backward(forward, backward, w, x, no_grad=["x"]))  # doctest: +ELLIPSIS
    check_backward: 1 gradient(s) wrong.
    dw is wrong at 2 of 2 entries:
    ...
       Explained by: a sign: yours is -dw
    """
    np = _np()
    learner = Learner([forward, backward], time_limit=time_limit, isolated=isolated)
    with learner:
        # a function's signature is read without running it; a target's, in the child
        asked = (
            learner.call("names", len(arrays))
            if isinstance(forward, str)
            else Outcome(value=names_of([forward], len(arrays)))
        )
        if not asked.ok:
            return BackwardReport(
                [], _failed("reading your forward's arguments", asked, time_limit)
            )
        names = asked.value
        marked = _marked(no_grad, names)
        needs = [i not in marked for i in range(len(arrays))]
        kept = _inputs(arrays, needs, names)
        if isinstance(kept, str):
            return BackwardReport([], kept)
        sent = [encode(a) for a in kept]
        values = [leaves(a) if need else a for a, need in zip(kept, needs, strict=True)]
        ran = learner.call("forward_graph", sent, needs)
        if not ran.ok or "error" in ran.value:
            return BackwardReport([], _failed("your forward over Values", ran, time_limit))
        root = rebuild(ran.value, values)
        if isinstance(root, str):
            return BackwardReport([], root)
        try:
            root.backward()
        except (ArithmeticError, ValueError) as e:
            return BackwardReport([], f"backward through your forward raises {e}")
        want = [
            np.vectorize(lambda v: v.grad, otypes=[float])(v) if need else None
            for v, need in zip(values, needs, strict=True)
        ]
        returned = learner.call("backward", sent)
        if not returned.ok:
            return BackwardReport([], _failed("your backward", returned, time_limit))
    got = [decode(g) for g in returned.value]
    index = [i for i, need in enumerate(needs) if need]
    if len(got) == len(arrays) and len(index) != len(arrays):
        got = [got[i] for i in index]
    if len(got) != len(index):
        return BackwardReport(
            [],
            f"your backward returned {len(got)} array(s); expected {len(index)}, one for each "
            f"of {', '.join(names[i] for i in index)} in order",
        )
    report = [_compare(names[i], g, want[i]) for i, g in zip(index, got, strict=True)]
    if not all(g.ok for g in report):
        _explain_all(report, index, root, values, kept, names)
    return BackwardReport(report)


def _failed(what: str, out: Any, limit: float) -> str:
    """Why a call into the learner's code gave nothing: out of time, raised, or (the forward)
    returned something that is not a loss."""
    if out.hung:
        return (
            f"{what} did not finish within {limit:g} s, the time this check gives one call; "
            f"for a larger computation raise it: check_backward(..., time_limit={10 * limit:g})"
        )
    if out.ok:
        return str(out.value["error"])
    if what.startswith("your forward"):
        return f"forward over Values raises {out.error}{hint(out.error)}"
    return f"{what} raises {out.error}"


def _explain_all(
    report: list[Gradient],
    index: list[int],
    root: Value,
    values: list[Any],
    arrays: list[Any],
    names: list[str],
) -> None:
    """Fill in ``explained`` for each wrong gradient: by the layers replayed where the graph
    has them, else by the mistakes any gradient can have."""
    mine = {p: g.got for p, g in zip(index, report, strict=True) if not g.problem}
    found = explain(find_layers(root, values), mine, names)
    for p, g in zip(index, report, strict=True):
        if g.wrong:
            g.explained = found.get(p) or _explain(g.name, g.got, g.want, arrays)


def _compare(name: str, got: Any, want: Any) -> Gradient:
    np = _np()
    try:
        mine = np.asarray(got)
    except (TypeError, ValueError):
        mine = np.asarray(None)
    if mine.dtype.kind not in "iuf":
        kind = "complex numbers" if mine.dtype.kind == "c" else f"{mine.dtype} entries"
        if mine.dtype == object:
            kind = f"{type(got).__name__}"
        return Gradient(name, got, want, problem=f"not an array of real numbers ({kind})")
    mine = mine.astype(float)
    if mine.shape != want.shape:
        if mine.size == want.size == 1:
            mine = mine.reshape(want.shape)
        else:
            return Gradient(name, mine, want, problem=_shape_problem(name, mine, want))
    close = np.isclose(mine, want, rtol=1e-6, atol=1e-9, equal_nan=True)
    wrong: list[tuple[int, ...]]
    if close.ndim == 0:
        wrong = [] if bool(close) else [()]
    else:
        wrong = [tuple(int(k) for k in i) for i in np.argwhere(~close)]
    return Gradient(name, mine, want, wrong)


def _shape_problem(name: str, mine: Any, want: Any) -> str:
    d = f"d{name}"
    text = f"shape {mine.shape}, expected {want.shape}"
    if mine.shape == want.T.shape and same(mine, want.T):
        return f"{text}: a transpose, yours is ({d}).T"
    if mine.size == 1:
        which = "the right sum" if same(mine.ravel()[0], want.sum()) else "a sum"
        return (
            f"{text}: one number ({which} of every entry), as np.sum(dZ) without axis gives; "
            f"sum over the examples only: np.sum(dZ, axis=0) (axis=1, keepdims=True when "
            "examples are columns)"
        )
    return text


def _explain(name: str, mine: Any, want: Any, arrays: Sequence[Any]) -> str:
    """The first known mistake of any gradient whose result is the learner's."""
    d = f"d{name}"
    candidates: list[tuple[str, Any]] = [(f"a sign: yours is -{d}", -want)]
    dims = sorted({n for a in arrays for n in a.shape if n > 1})
    for m in dims:
        candidates.append((f"a missing 1/m (m = {m}): yours is {m} × {d}", m * want))
        candidates.append((f"an extra 1/m (m = {m}): yours is {d} / {m}", want / m))
    candidates += [
        (f"a factor 2: yours is 2 × {d}", 2 * want),
        (f"half: yours is {d} / 2", want / 2),
    ]
    if want.ndim == 2 and want.shape[0] == want.shape[1]:
        candidates.append((f"a transpose: yours is ({d}).T", want.T))
    return next((text for text, value in candidates if same(mine, value)), "")
