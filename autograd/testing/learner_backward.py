"""``check_backward``: a learner's NumPy backward checked against exact reverse mode.

The learner's ``forward(*arrays)`` returns a scalar loss; ``backward(*arrays)`` returns the
gradients, one array per input that needs one, in order. The check runs the same ``forward``
over object arrays of this engine's Values (``np.exp`` on such an array calls each Value's
``.exp()``), so the correct gradients are exact, not finite differences. Each wrong gradient is
located entry by entry, and explained when a known mistake reproduces it: a sign, a missing or
extra 1/m, a transpose, and for a layer ``A = f(X @ W + b)`` the activation's derivative left
out, taken at the output A instead of the input Z, or applied after the product or the sum.
Needs NumPy (the ``testing`` extra).
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..core.value import Value
from ..viz.dot import forward_order
from ..viz.style import fmt
from .learner_run import guarded

__all__ = ["BackwardReport", "Gradient", "check_backward"]


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


def _hint(error: str) -> str:
    """A sentence for what usually causes ``error`` when a forward meets Values."""
    if "float(Value)" in error or "float() argument" in error:
        return (
            " — your forward turns a Value into a float (float(), .astype(float), math.exp, "
            "np.float64); use NumPy on the arrays as they come (np.exp, np.dot, @, np.sum)"
        )
    if "no callable" in error:
        return (
            " — a NumPy function your forward calls has no counterpart on Values; write it "
            "with + - * / ** and np.exp, np.log, np.tanh, np.sqrt, np.sin, np.cos"
        )
    return ""


def _names(forward: Callable[..., Any], n: int) -> list[str]:
    try:
        params = list(inspect.signature(forward).parameters)
    except (TypeError, ValueError):
        params = []
    return [params[i] if i < len(params) else f"x{i}" for i in range(n)]


def _root(result: Any) -> Value | None:
    np = _np()
    if isinstance(result, Value):
        return result
    if isinstance(result, np.ndarray) and result.size == 1 and isinstance(result.flat[0], Value):
        return result.flat[0]
    return None


def _oracle(
    forward: Callable[..., Any], arrays: Sequence[Any], needs: Sequence[bool]
) -> tuple[list[Any], list[Any], Value] | str:
    """The correct gradients by reverse mode over Values, the Value arrays, and the loss."""
    np = _np()
    values = [
        np.vectorize(Value, otypes=[object])(a) if need and a.size else a
        for a, need in zip(arrays, needs, strict=True)
    ]
    for v, a, need in zip(values, arrays, needs, strict=True):
        if need and a.ndim == 0:  # np.vectorize gives a 0-d array; keep it an array of a Value
            v.shape = ()
    out = guarded(lambda: forward(*values))
    if not out.ok:
        return f"forward over Values raises {out.error}{_hint(out.error)}"
    root = _root(out.value)
    if root is None:
        return (
            f"forward over Values returned {type(out.value).__name__}, not one Value: it must "
            "compute the loss from its arguments' entries without turning them into floats"
        )
    done = guarded(root.backward)
    if not done.ok:
        return f"backward through your forward raises {done.error}"
    grads = [
        np.vectorize(lambda v: v.grad, otypes=[float])(v) if need else None
        for v, need in zip(values, needs, strict=True)
    ]
    return grads, values, root


def check_backward(
    forward: Callable[..., Any],
    backward: Callable[..., Any],
    *arrays: Any,
    no_grad: Sequence[int | str] = (),
) -> BackwardReport:
    """Check ``backward(*arrays)`` (the learner's gradients) against exact reverse mode through
    ``forward(*arrays)`` (their loss). ``no_grad`` marks inputs that need no gradient (labels),
    by position or argument name; ``backward`` returns one array per input that needs one (or
    one per input, the marked ones ignored).

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
    names = _names(forward, len(arrays))
    try:
        floats = [np.asarray(a, dtype=float) for a in arrays]
    except (TypeError, ValueError) as e:
        return BackwardReport([], f"the inputs must be arrays of numbers: {e}")
    marked = {names.index(m) if isinstance(m, str) and m in names else m for m in no_grad}
    needs = [i not in marked for i in range(len(arrays))]
    oracle = _oracle(forward, floats, needs)
    if isinstance(oracle, str):
        return BackwardReport([], oracle)
    want, values, root = oracle
    theirs = guarded(lambda: backward(*[a.copy() for a in floats]))
    if not theirs.ok:
        return BackwardReport([], f"your backward raises {theirs.error}")
    got = theirs.value if isinstance(theirs.value, (tuple, list)) else (theirs.value,)
    index = [i for i, need in enumerate(needs) if need]
    if len(got) == len(arrays) and len(index) != len(arrays):
        got = [got[i] for i in index]
    if len(got) != len(index):
        return BackwardReport(
            [],
            f"your backward returned {len(got)} array(s); expected {len(index)}, one for each "
            f"of {', '.join(names[i] for i in index)} in order",
        )
    layers = _layers(root, values, floats)
    report = [
        _compare(names[i], g, want[i], floats, layers.get(i))
        for i, g in zip(index, got, strict=True)
    ]
    return BackwardReport(report)


def _compare(name: str, got: Any, want: Any, arrays: Sequence[Any], layer: Any) -> Gradient:
    np = _np()
    try:
        mine = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return Gradient(name, got, want, problem=f"not an array of numbers ({type(got).__name__})")
    if mine.shape != want.shape:
        if mine.shape == want.T.shape and _same(mine, want.T):
            return Gradient(
                name,
                mine,
                want,
                problem=f"shape {mine.shape}, expected "
                f"{want.shape}: a transpose, yours is (d{name}).T",
            )
        if mine.size == want.size and mine.size == 1:
            mine = mine.reshape(want.shape)
        else:
            return Gradient(name, mine, want, problem=f"shape {mine.shape}, expected {want.shape}")
    close = np.isclose(mine, want, rtol=1e-6, atol=1e-9)
    wrong = [tuple(int(k) for k in i) for i in zip(*np.nonzero(~close), strict=True)]
    if mine.ndim == 0 and not bool(close):
        wrong = [()]
    g = Gradient(name, mine, want, wrong)
    if wrong:
        g.explained = _explain(name, mine, want, arrays, layer)
    return g


def _same(a: Any, b: Any) -> bool:
    np = _np()
    try:
        return bool(np.allclose(a, b, rtol=1e-6, atol=1e-9))
    except (TypeError, ValueError):
        return False


def _explain(name: str, mine: Any, want: Any, arrays: Sequence[Any], layer: Any) -> str:
    """The first known mistake whose result is the learner's, with the correct value beside."""
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
    if layer is not None:
        candidates = layer.candidates(name, want.shape) + candidates
    for text, value in candidates:
        if value is not None and value.shape == mine.shape and _same(mine, value):
            return text
    return ""


# -- a layer A = f(X @ W + b): where the activation's derivative goes ------------------------

_ACTIVATIONS: dict[str, tuple[Callable[[float], float], Callable[[Any], Any]]] = {
    "sigmoid": (
        lambda z: 1 / (1 + math.exp(-z)) if z > -700 else 0.0,
        lambda x: (1 / (1 + _np().exp(-x))) * (1 - 1 / (1 + _np().exp(-x))),
    ),
    "tanh": (math.tanh, lambda x: 1 - _np().tanh(x) ** 2),
}


@dataclass
class Layer:
    """What a weight matrix feeds: its input X (m×k), pre-activations Z and activations A
    (m×n), the loss's gradient at A (dA), and the activation's name."""

    X: Any
    Z: Any
    A: Any
    dA: Any
    f: str
    bias: bool = False

    def candidates(self, name: str, shape: tuple[int, ...]) -> list[tuple[str, Any]]:
        np = _np()
        fp = _ACTIVATIONS[self.f][1]
        X, Z, A, dA, f = self.X, self.Z, self.A, self.dA, self.f
        right = f"X.T @ (dA * {f}'(Z))" if not self.bias else f"sum(dA * {f}'(Z), axis=0)"
        right += f", where dA is the loss's gradient at A = {f}(Z)"
        dZ = dA * fp(Z)
        if self.bias:
            rows: list[tuple[str, Any]] = [
                (f"the derivative of {f} left out: sum(dA, axis=0)", dA.sum(0)),
                (
                    f"{f}'s derivative taken at the output A instead of the input Z: "
                    f"sum(dA * {f}'(A), axis=0)",
                    (dA * fp(A)).sum(0),
                ),
                (
                    f"{f}'s derivative applied after the sum: sum(dA, axis=0) * mean({f}'(Z))",
                    dA.sum(0) * fp(Z).mean(0),
                ),
            ]
        else:
            after = X.T @ dA
            rows = [
                (f"the derivative of {f} left out: X.T @ dA", after),
                (
                    f"{f}'s derivative taken at the output A instead of the input Z: "
                    f"X.T @ (dA * {f}'(A))",
                    X.T @ (dA * fp(A)),
                ),
                (
                    f"{f}'s derivative applied after the sum over examples: (X.T @ dA) * "
                    f"mean({f}'(Z), axis=0)",
                    after * fp(Z).mean(0),
                ),
                (
                    f"the layer's output A where its input X belongs: A.T @ (dA * {f}'(Z))",
                    A.T @ dZ if A.shape[1] == shape[0] else None,
                ),
            ]
            if _broadcasts(after.shape, Z.shape, shape):
                rows.append(
                    (
                        f"{f}'s derivative applied after the product: (X.T @ dA) * {f}'(Z)",
                        after * fp(Z),
                    )
                )
            if A.shape[0] == X.shape[0] and _broadcasts((A.shape[1], dA.shape[1]), Z.shape, shape):
                rows.append(
                    (
                        f"{f}'s derivative applied after the product, with the layer's "
                        f"output A where its input X belongs: (A.T @ dA) * {f}'(Z)",
                        (A.T @ dA) * fp(Z),
                    )
                )
        out = []
        for text, value in rows:
            if value is not None and np.size(value) == int(np.prod(shape)):
                out.append((f"{text}; the correct d{name} is {right}", np.reshape(value, shape)))
        return out


def _broadcasts(a: tuple[int, ...], b: tuple[int, ...], want: tuple[int, ...]) -> bool:
    np = _np()
    try:
        return tuple(np.broadcast_shapes(a, b)) == tuple(want)
    except ValueError:
        return False


def _consumers(root: Value) -> dict[Value, list[Value]]:
    users: dict[Value, list[Value]] = {}
    for v in forward_order(root):
        for x in v.inputs:
            users.setdefault(x, []).append(v)
    return users


def _climb(node: Value, users: dict[Value, list[Value]]) -> Value:
    """Up a chain of additions (a dot product's terms, then the bias) to its top: Z's entry."""
    while len(users.get(node, [])) == 1 and users[node][0].op == "add":
        node = users[node][0]
    return node


def _activation(z: Value, users: dict[Value, list[Value]]) -> tuple[str, Value] | None:
    """The node, a few single-consumer steps above ``z``, whose value is a known f(z)."""
    node = z
    for _ in range(6):
        nxt = users.get(node, [])
        if len(nxt) != 1:
            return None
        node = nxt[0]
        for name, (f, _) in _ACTIVATIONS.items():
            if abs(node.data - f(z.data)) <= 1e-12 * max(1.0, abs(node.data)):
                return name, node
    return None


def _layers(root: Value, values: Sequence[Any], arrays: Sequence[Any]) -> dict[int, Layer]:
    """For each input that is a weight matrix W (k×n) of a layer f(X @ W + b) with X one of the
    inputs, or that layer's bias, the layer (by the input's position)."""
    np = _np()
    users = _consumers(root)
    found: dict[int, Layer] = {}
    zs: dict[Value, tuple[int, int]] = {}
    for p, (v, a) in enumerate(zip(values, arrays, strict=True)):
        if v.dtype != object or a.ndim != 2:
            continue
        for q, x in enumerate(arrays):
            if x.ndim == 2 and x.shape[1] == a.shape[0] and q != p:
                layer = _layer_of(v, x, users, zs)
                if layer is not None:
                    found[p] = layer
                    break
    for p, v in enumerate(values):
        if p in found or v.dtype != object or v.ndim not in (1, 2) or not found:
            continue
        cols = [[zs.get(_climb(u, users)) for u in users.get(e, [])] for e in v.ravel()]
        columns = [{k[1] if k else None for k in c} for c in cols]
        if all(c == {k} for k, c in enumerate(columns)):
            for layer in found.values():
                if len(cols) == layer.Z.shape[1]:
                    found[p] = Layer(layer.X, layer.Z, layer.A, layer.dA, layer.f, bias=True)
                    break
    del np
    return found


def _layer_of(
    W: Any, X: Any, users: dict[Value, list[Value]], zs: dict[Value, tuple[int, int]]
) -> Layer | None:
    """Z[i, j] found by climbing from W[r, j]'s products x[i, r] * W[r, j], rows matched to X."""
    np = _np()
    m, n = X.shape[0], W.shape[1]
    Z: dict[tuple[int, int], Value] = {}
    for (r, j), w in np.ndenumerate(W):
        for u in users.get(w, []):
            if u.op != "mul":
                return None
            other = u.inputs[0] if u.inputs[1] is w else u.inputs[1]
            rows = [i for i in range(m) if X[i, r] == other.data]
            if len(rows) != 1:
                return None
            Z.setdefault((rows[0], j), _climb(u, users))
    if len(Z) != m * n or len(set(Z.values())) != m * n:
        return None
    found = [_activation(Z[i, j], users) for i in range(m) for j in range(n)]
    if any(a is None for a in found) or len({a[0] for a in found if a}) != 1:
        return None
    acts = [a[1] for a in found if a]
    name = found[0][0] if found[0] else ""
    shape = (m, n)
    zs.update({z: k for k, z in Z.items()})
    return Layer(
        X,
        np.array([[Z[i, j].data for j in range(n)] for i in range(m)]).reshape(shape),
        np.array([a.data for a in acts]).reshape(shape),
        np.array([a.grad for a in acts]).reshape(shape),
        name,
    )
