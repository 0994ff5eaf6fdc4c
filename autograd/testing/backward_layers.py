"""The dense layers of a learner's forward, found in the graph it built over Values.

``check_backward`` runs the learner's NumPy forward over arrays of Values, so ``X @ W + b``
leaves a trace in the graph: each entry ``Z[i, j]`` is a sum of products ``x * W[r, j]`` plus
``b[j]``. :func:`find_layers` follows that structure, never the numbers: from each weight
entry through its products and sums to the pre-activation ``Z``, then up to the node whose value
is ``f(Z)`` for a known activation (or ``Z`` itself when there is none). A layer fed by another
layer's activations takes its examples from them, so a network of any depth is found whole;
both conventions work (``X @ W`` with examples in rows, ``W @ x`` with examples in columns),
since what groups the products is which index of ``W`` stays fixed in one sum.
Needs NumPy (the ``testing`` extra).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..core.graph import topological_order
from ..core.value import Value
from ..ops import OPS

__all__ = ["ACTIVATIONS", "Layer", "find_layers"]


def _np() -> Any:
    import numpy as np

    return np


def _sigmoid(x: Any) -> Any:
    np = _np()
    return 1 / (1 + np.exp(-np.clip(x, -700, 700)))


# name: (the activation, its derivative at its input), both over float arrays
ACTIVATIONS: dict[str, tuple[Callable[[Any], Any], Callable[[Any], Any]]] = {
    "sigmoid": (_sigmoid, lambda x: _sigmoid(x) * (1 - _sigmoid(x))),
    "tanh": (lambda x: _np().tanh(x), lambda x: 1 - _np().tanh(x) ** 2),
    "": (lambda x: x, lambda x: _np().ones_like(x)),  # no activation: A is Z
}


@dataclass(eq=False)
class Layer:
    """One layer ``A = f(Z)``, ``Z = X @ W + b``, written with examples in rows whatever the
    learner's convention: ``X`` (m×k), ``W`` (k×n), ``Z``, ``A`` and ``dA`` (the loss's exact
    gradient at A) (m×n). ``weight`` and ``bias`` are the inputs' positions (``bias`` None
    without one; ``shared_bias`` when one number is added to every entry), ``columns`` is True
    when the learner's W is n×k (``W @ x``), ``below`` the layer whose activations are X.

    >>> import numpy as np
    >>> one = np.ones((1, 1))
    >>> Layer(one, one, one, one, one, "tanh", 2, None, False).dW(one).shape
    (1, 1)
    """

    X: Any
    W: Any
    Z: Any
    A: Any
    dA: Any
    f: str
    weight: int
    bias: int | None
    columns: bool
    shared_bias: bool = False
    below: Layer | None = None
    firsts: list[Value] = field(default_factory=list)  # one pre-activation node per example
    zs: set[Value] = field(default_factory=set)
    inputs: set[Value] = field(default_factory=set)  # the nodes its products multiply W by

    def dW(self, dZ: Any, X: Any = None) -> Any:
        """``X.T @ dZ`` in the learner's orientation of W.

        >>> import numpy as np
        >>> L = Layer(np.ones((2, 3)), None, None, None, None, "", 0, None, columns=True)
        >>> L.dW(np.ones((2, 1))).shape
        (1, 3)
        """
        g = (self.X if X is None else X).T @ dZ
        return g.T if self.columns else g

    def db(self, dZ: Any, shape: tuple[int, ...]) -> Any:
        """The sum of ``dZ`` over examples, in the bias's shape.

        >>> import numpy as np
        >>> L = Layer(None, None, None, None, None, "", 0, 1, columns=False)
        >>> L.db(np.ones((4, 2)), (1, 2)).tolist()
        [[4.0, 4.0]]
        """
        np = _np()
        return np.reshape(dZ.sum() if self.shared_bias else dZ.sum(0), shape)

    def slope(self, at: Any) -> Any:
        """The activation's derivative at ``at``.

        >>> import numpy as np
        >>> Layer(None, None, None, None, None, "tanh", 0, None, False).slope(np.zeros(1))
        array([1.])
        """
        return ACTIVATIONS[self.f][1](at)

    def reorder(self, ids: list[Value], find: Callable[[Value], Value]) -> bool:
        """Put the examples in the order ``ids`` (example groups) gives; False if they differ.

        >>> import numpy as np
        >>> a, b = Value(1.0), Value(2.0)
        >>> L = Layer(*[np.array([[1.0], [2.0]])] * 5, "", 0, None, False, firsts=[a, b])
        >>> L.reorder([b, a], lambda v: v), L.Z.tolist()
        (True, [[2.0], [1.0]])
        """
        np = _np()
        mine = [find(z) for z in self.firsts]
        if sorted(map(id, mine)) != sorted(map(id, ids)):
            return False
        at = {id(g): i for i, g in enumerate(mine)}
        perm = [at[id(g)] for g in ids]
        self.X, self.Z, self.A, self.dA = (
            np.asarray(a)[perm] for a in (self.X, self.Z, self.A, self.dA)
        )
        self.firsts = [self.firsts[i] for i in perm]
        return True


def _row(node: Value) -> Any:
    return OPS.get(node.op)


def _is_product(node: Value) -> bool:
    row = _row(node)
    return row is not None and row.derivatives == ("y", "x")


def _is_sum(node: Value) -> bool:
    row = _row(node)
    return row is not None and row.derivatives == ("1", "1")


@dataclass
class _Sum:
    """Part of a pre-activation: products ``x * W[r, c]`` of one weight array (``weight``)
    added up, with ``row`` (``col``) the index of W shared by every term, None when they
    differ, ``terms`` a tree of ``((r, c), x)`` pairs flattened once at the top, and ``bias``
    the position of the bias entry added in, if any."""

    weight: int
    row: int | None
    col: int | None
    terms: Any
    bias: tuple[int, tuple[int, ...]] | None = None


def _merge(a: _Sum, b: _Sum) -> _Sum | None:
    if a.weight != b.weight or (a.bias and b.bias):
        return None
    row = a.row if a.row == b.row else None
    col = a.col if a.col == b.col else None
    if (row is None) == (col is None):  # neither shared (not one sum) or both (one entry twice)
        return None
    return _Sum(a.weight, row, col, [a.terms, b.terms], a.bias or b.bias)


def _flatten(tree: Any) -> list[tuple[tuple[int, int], Value]]:
    out, stack = [], [tree]
    while stack:
        t = stack.pop()
        if isinstance(t, list):  # a pair of subtrees
            stack += [t[1], t[0]]
        else:
            out.append(t)
    return out


Where = dict[Value, tuple[int, tuple[int, ...]]]  # an input's leaf: (input position, index)


def _product(node: Value, where: Where, weights: set[int]) -> _Sum | None:
    """``x * W[r, c]`` (either order) for an entry of a weight array, x anything else."""
    for w, x in (node.inputs, node.inputs[::-1]):
        p = where.get(w)
        if p is not None and p[0] in weights:
            q = where.get(x)
            if q is None or q[0] != p[0]:
                r, c = p[1]
                return _Sum(p[0], r, c, ((r, c), x))
    return None


def _sums(order: list[Value], where: Where, weights: set[int]) -> dict[Value, _Sum]:
    """Every whole pre-activation in the graph: sums of products of one weight array and a
    bias entry that no larger such sum takes in."""
    sums: dict[Value, _Sum] = {}
    absorbed: set[Value] = set()
    for node in order:
        if len(node.inputs) != 2:
            continue
        made = None
        if _is_product(node):
            made = _product(node, where, weights)
        elif _is_sum(node):
            x, y = node.inputs
            a, b = sums.get(x), sums.get(y)
            if a is not None and b is not None:
                made = _merge(a, b)
            elif a is not None or b is not None:
                s, other = (a, y) if a is not None else (b, x)
                p = where.get(other)
                if s is not None and p is not None and p[0] != s.weight and not s.bias:
                    made = _Sum(s.weight, s.row, s.col, s.terms, p)
        if made is not None:
            sums[node] = made
            absorbed.update(v for v in node.inputs if v in sums)
    return {v: s for v, s in sums.items() if v not in absorbed}


def _activation(z: Value, users: dict[Value, list[Value]]) -> tuple[str, Value]:
    """The node, a few single-use steps above ``z``, whose value is a known f(z); (``""``,
    z) when there is none (the layer has no activation, or one this check does not know)."""
    node = z
    for _ in range(6):
        nxt = users.get(node, [])
        if len(nxt) != 1:
            break
        node = nxt[0]
        for name, (f, _) in ACTIVATIONS.items():
            if name and math.isclose(node.data, float(f(z.data)), rel_tol=1e-12, abs_tol=1e-12):
                return name, node
    return "", z


class _Groups:
    """Union-find over pre-activation nodes: one group per example."""

    def __init__(self) -> None:
        self.parent: dict[Value, Value] = {}

    def find(self, v: Value) -> Value:
        root = v
        while self.parent.get(root, root) is not root:
            root = self.parent[root]
        while v is not root:
            self.parent[v], v = root, self.parent.get(v, root)
        return root

    def join(self, a: Value, b: Value) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra is not rb:
            self.parent[ra] = rb


def find_layers(root: Value, values: Sequence[Any]) -> list[Layer]:
    """The dense layers of the graph under ``root``, bottom first; ``values`` are the inputs
    as the forward received them (object arrays of Values, or plain arrays for inputs that need
    no gradient). A weight is a 2-D input whose entries each multiply something in sums
    ``Z[i, j]``; the examples of a layer are told apart by the nodes its products share.

    >>> import numpy as np
    >>> from autograd import Value
    >>> W = np.array([[Value(0.5)], [Value(-1.0)]], dtype=object)
    >>> X = np.array([[1.0, 0.0], [1.0, 0.0]])
    >>> loss = np.sum(np.tanh(X @ W))
    >>> loss.backward()
    >>> [(L.f, L.weight, L.Z.shape, L.columns) for L in find_layers(loss, [W, X])]
    [('tanh', 0, (2, 1), False)]
    """
    np = _np()
    where: Where = {}
    weights = set()
    for p, v in enumerate(values):
        if isinstance(v, np.ndarray) and v.dtype == object:
            for index, entry in np.ndenumerate(v):
                if isinstance(entry, Value):
                    where[entry] = (p, index)
            if v.ndim == 2:
                weights.add(p)
    plain = [v for v in values if isinstance(v, np.ndarray) and v.dtype != object and v.ndim == 2]
    order = topological_order((root,))
    sums = _sums(order, where, weights)
    if not sums:
        return []
    users: dict[Value, list[Value]] = {}
    rank = {node: i for i, node in enumerate(order)}
    for node in order:
        for x in node.inputs:
            users.setdefault(x, []).append(node)
    acts = {z: _activation(z, users) for z in sums}
    made_by = {a: z for z, (_, a) in acts.items()}
    groups = _Groups()
    for z, s in sums.items():
        for _, x in _flatten(s.terms):
            below = made_by.get(x)
            if below is not None:
                groups.join(below, z)
            elif not (x.is_leaf and x not in where):  # a shared node, not a number
                groups.join(x, z)
    layers = []
    for p in sorted({s.weight for s in sums.values()}):
        mine = {z: s for z, s in sums.items() if s.weight == p}
        layer = _layer(p, mine, values[p], acts, groups, rank, plain)
        if layer is not None:
            layers.append(layer)
    return _stacked(layers, made_by, groups)


def _orientation(sums: dict[Value, _Sum], shape: tuple[int, ...]) -> bool | None:
    """True for ``W @ x`` (W's row fixed in each sum), False for ``x @ W``, None for neither."""
    fixed_col = any(s.row is None for s in sums.values())
    fixed_row = any(s.col is None for s in sums.values())
    if fixed_col and fixed_row:
        return None
    if fixed_col or fixed_row:
        return fixed_row
    return shape[0] != 1 and shape[1] == 1  # one term per sum: W is 1×n (x @ W) or n×1


def _examples(
    zs: dict[Value, tuple[int, list[tuple[int, Value]]]],
    n: int,
    groups: _Groups,
    rank: dict[Value, int],
) -> list[list[Value]] | None:
    """The pre-activations of each example, one per output column: grouped by the nodes their
    products share; those that share none (inputs that are plain numbers, in a top layer) are
    paired by their inputs' values, where a tie is harmless (equal inputs, equal Z and A). The
    examples come in the order the graph reaches them from the loss, which is the order of the
    arrays' rows (or columns) for a loss summed over them."""
    by_group: dict[Value, dict[int, Value]] = {}
    for z, (j, _) in zs.items():
        row = by_group.setdefault(groups.find(z), {})
        if j in row:
            return None
        row[j] = z
    whole = [row for row in by_group.values() if len(row) == n]
    loose = [row for row in by_group.values() if len(row) != n]
    if loose:
        if any(len(row) != 1 for row in loose):
            return None
        columns: dict[int, list[Value]] = {}
        for row in loose:
            ((j, z),) = row.items()
            columns.setdefault(j, []).append(z)

        def key(z: Value) -> tuple[float, ...]:
            return tuple(x.data for _, x in sorted(zs[z][1], key=lambda t: t[0]))

        ranked = [sorted(columns.get(j, []), key=key) for j in range(n)]
        if len({len(c) for c in ranked}) != 1:
            return None
        for row_zs in zip(*ranked, strict=True):
            if len({key(z) for z in row_zs}) != 1:
                return None
            for z in row_zs[1:]:
                groups.join(z, row_zs[0])
            whole.append(dict(enumerate(row_zs)))
    rows = [[row[j] for j in range(n)] for row in whole]
    return sorted(rows, key=lambda row: min(rank.get(z, 0) for z in row))


def _layer(
    p: int,
    sums: dict[Value, _Sum],
    W: Any,
    acts: dict[Value, tuple[str, Value]],
    groups: _Groups,
    rank: dict[Value, int],
    plain: list[Any],
) -> Layer | None:
    np = _np()
    columns = _orientation(sums, W.shape)
    if columns is None:
        return None
    k, n = (W.shape[1], W.shape[0]) if columns else W.shape
    zs: dict[Value, tuple[int, list[tuple[int, Value]]]] = {}
    for z, s in sums.items():
        terms = [((c if columns else r), x) for (r, c), x in _flatten(s.terms)]
        if len(terms) != k or len({r for r, _ in terms}) != k:
            return None
        zs[z] = ((s.row if columns else s.col) or 0, terms)
    rows = _examples(zs, n, groups, rank)
    if rows is not None:
        rows = _in_input_order(rows, zs, plain, columns)
    names = {acts[z][0] for z in sums}
    if rows is None or len(names) != 1:
        return None
    X = np.empty((len(rows), k))
    for i, row in enumerate(rows):
        for z in row:
            for r, x in zs[z][1]:
                X[i, r] = x.data
    data = np.vectorize(lambda v: v.data, otypes=[float])(W)
    bias = _bias(sums, rows)
    return Layer(
        X,
        data.T if columns else data,
        np.array([[z.data for z in row] for row in rows]),
        np.array([[acts[z][1].data for z in row] for row in rows]),
        np.array([[acts[z][1].grad for z in row] for row in rows]),
        names.pop(),
        p,
        bias[0] if bias else None,
        columns,
        shared_bias=bool(bias and bias[1]),
        firsts=[row[0] for row in rows],
        zs=set(sums),
        inputs={x for z in sums for _, x in zs[z][1]},
    )


def _in_input_order(
    rows: list[list[Value]],
    zs: dict[Value, tuple[int, list[tuple[int, Value]]]],
    plain: list[Any],
    columns: bool,
) -> list[list[Value]]:
    """The examples in the order of the input array their products take numbers from (its
    rows, or its columns for ``W @ x``), when one has them all; equal examples are
    interchangeable. Otherwise as they are."""
    for a in plain:
        vectors = a.T if columns else a
        if len(vectors) != len(rows) or vectors.shape[1] != len(zs[rows[0][0]][1]):
            continue
        free: dict[tuple[float, ...], list[int]] = {}
        for i, v in enumerate(vectors.tolist()):
            free.setdefault(tuple(v), []).append(i)
        at = []
        for row in rows:
            key = tuple(x.data for _, x in sorted(zs[row[0]][1], key=lambda t: t[0]))
            if not free.get(key):
                break
            at.append(free[key].pop(0))
        else:
            return [row for _, row in sorted(zip(at, rows, strict=True), key=lambda t: t[0])]
    return rows


def _bias(sums: dict[Value, _Sum], rows: list[list[Value]]) -> tuple[int, bool] | None:
    """The bias's input position, and whether one entry is added to every Z[i, j] (a scalar
    bias); None unless each Z[i, j] adds one entry for its column j, a different one for each."""
    found = {sums[z].bias for z in sums}
    if None in found or len({b[0] for b in found if b}) != 1:
        return None
    per_column = [{sums[row[j]].bias for row in rows} for j in range(len(rows[0]))]
    if any(len(c) != 1 for c in per_column):
        return None
    entries = [next(iter(c)) for c in per_column]
    places = {b[1] for b in entries if b}
    if len(places) not in (1, len(entries)):
        return None
    return entries[0][0] if entries[0] else 0, len(places) == 1 and len(entries) > 1


def _stacked(layers: list[Layer], made_by: dict[Value, Value], groups: _Groups) -> list[Layer]:
    """The layers bottom first, each linked to the layer whose activations it takes, with its
    examples in that layer's order."""
    by_z = {z: layer for layer in layers for z in layer.zs}

    def source_of(x: Value) -> Layer | None:
        z = made_by.get(x)
        return by_z.get(z) if z is not None else None

    for layer in layers:
        sources = {id(source_of(x)) for x in layer.inputs}
        source = source_of(next(iter(layer.inputs)))
        if len(sources) == 1 and source is not None and source is not layer:
            layer.below = source
    order: list[Layer] = []
    while len(order) < len(layers):
        ready = [
            layer
            for layer in layers
            if layer not in order and (layer.below is None or layer.below in order)
        ]
        if not ready:
            break
        for layer in ready:
            if layer.below is not None:
                ids = [groups.find(z) for z in layer.below.firsts]
                if not layer.reorder(ids, groups.find):
                    layer.below = None
            order.append(layer)
    return order
