"""The reverse sweep: the chain rule at every node, outputs first. Every gradient comes from here.

``backward_pass`` walks a graph's interior nodes in reverse topological order. When it reaches a
node, every contribution to that node's gradient has arrived; it passes that gradient through
the node's hooks, then gives each input its term, ``upstream × local derivative`` (no term at
all where a rule masks a zero slope, so an infinite upstream does not become nan), and adds the
term to what that input already has. Where plain float arithmetic raises (``1 / 0``), the rule
runs again in IEEE arithmetic. Under anomaly mode every term and every sum is checked, and the
first one that is not finite raises once it reaches a leaf (one that a later rule masks, as
relu masks the nan of ``sqrt'(0) × 0``, is dropped there, as the sweep without the check drops it).

Where the gradients are kept is the caller's choice, a ``Store``:

- ``backward()`` keeps them in ``.grad`` (``GradAttributes``); with no hook, anomaly watch or
  recording, each node's generated ``backward_<op>`` does the adding itself
  (``input.grad += node.grad * local``, in ``autograd/core/operations.py``): the same terms, in
  the same order, without building them first;
- ``grad()`` keeps them in a table (``GradTable``), over floats or, with ``create_graph``, over
  Values (``GraphTable``);
- the backward stepper records every step from a ``GradTable`` of its own, which asks the
  sweep to report each node's turn (``Store.records``, ``Store.step``), and
  ``autograd.compile`` writes each term as a line of code from a store of source text.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from .anomaly import AnomalyError, AnomalyWatch
from .counters import HOOKS
from .graph import leaves
from .hooks import hooks_of_leaf, run_hooks
from .numbers import is_node
from .op import Op, constant


class Store:
    """Where a sweep keeps gradients, and how it computes terms (subclasses say).

    ``get`` is a node's gradient so far (None: nothing has reached it), ``set`` replaces it,
    ``terms`` are what a node passes to each of its inputs given its gradient ``g``.
    ``numeric`` stores hold numbers (floats, or Values over them) that anomaly mode can check;
    compile's store of source text does not.

    >>> issubclass(GraphTable, Store), GraphTable.numeric
    (True, True)
    """

    numeric = True
    records = False  # True: the sweep reports each node's turn to ``step`` (the stepper's)

    def step(self, node: Any, g: Any, terms: Sequence[Any], hooked_from: Any) -> None:
        """One node's turn, reported by the sweep when ``records`` is set: its gradient ``g``
        (after its hooks; ``hooked_from`` is what it was before them, None when it has none)
        and the ``terms`` its inputs are about to receive. A leaf's turn (its hooks, once every
        term has arrived) has no terms.

        >>> class Steps(GradTable):
        ...     records = True
        ...     def step(self, node, g, terms, hooked_from):
        ...         print(node.op, g, terms)
        >>> from autograd import Value
        >>> x = Value(3.0)
        >>> y = x * 2
        >>> backward_pass([y], Steps({y: 1.0}))
        mul 1.0 (2.0, 3.0)
        """

    def get(self, node: Any) -> Any:
        """The gradient of ``node`` so far (None: none yet).

        >>> from autograd import Value
        >>> x = Value(1.0)
        >>> GradAttributes().get(x), GradTable({}).get(x)
        (0.0, None)
        """
        raise NotImplementedError

    def set(self, node: Any, g: Any) -> None:
        """Replace the gradient of ``node``.

        >>> from autograd import Value
        >>> x = Value(1.0)
        >>> table = GradTable({})
        >>> table.set(x, 2.5)
        >>> table.get(x)
        2.5
        """
        raise NotImplementedError

    def terms(self, op: Op, node: Any, g: Any) -> Sequence[Any]:
        """What ``node`` passes to each input when its gradient is ``g`` (floats, IEEE).

        >>> from autograd import Value
        >>> y = Value(2.0) * Value(5.0)
        >>> GradTable({}).terms(y._op, y, 3.0)
        (15.0, 6.0)
        """
        return op.float_terms(node, g)

    def before(self, node: Any) -> Any:
        """What a term for ``node`` is added to: its gradient so far, or 0.0 (None: the term
        itself becomes the gradient).

        >>> from autograd import Value
        >>> GradTable({}).before(Value(1.0)), GraphTable({}).before(Value(1.0))
        (0.0, None)
        """
        return self.get(node)


class GradAttributes(Store):
    """Gradients in the nodes' ``.grad``: what ``backward()`` fills.

    >>> from autograd import Value
    >>> x = Value(3.0)
    >>> y = x * x
    >>> y.grad = 1.0
    >>> backward_pass([y], GradAttributes())
    >>> x.grad
    6.0
    """

    def get(self, node: Any) -> Any:
        return node.grad

    def set(self, node: Any, g: Any) -> None:
        node.grad = g


class GradTable(Store):
    """Gradients in a dict of floats, ``.grad`` untouched: what ``grad()`` and steppers use.

    Every node starts from 0.0, as ``.grad`` does, so the sums are the same floats.

    >>> from autograd import Value
    >>> x = Value(3.0)
    >>> y = x * x
    >>> table = GradTable({y: 1.0})
    >>> backward_pass([y], table)
    >>> table.grads[x], x.grad
    (6.0, 0.0)
    """

    def __init__(self, seeds: dict[Any, Any]) -> None:
        self.grads = {node: 0.0 + g for node, g in seeds.items()}

    def get(self, node: Any) -> Any:
        return self.grads.get(node)

    def set(self, node: Any, g: Any) -> None:
        self.grads[node] = g

    def before(self, node: Any) -> Any:
        return self.grads.get(node, 0.0)


class GraphTable(GradTable):
    """Gradients as Values (``create_graph``): the terms are graph nodes themselves.

    >>> from autograd import Value
    >>> x = Value(3.0)
    >>> y = x * x
    >>> table = GraphTable({y: Value(1.0)})
    >>> backward_pass([y], table)
    >>> table.grads[x].op, table.grads[x].data  # x * 1 + x * 1, as a graph
    ('add', 6.0)
    """

    def __init__(self, seeds: dict[Any, Any]) -> None:
        self.grads = dict(seeds)

    def terms(self, op: Op, node: Any, g: Any) -> Sequence[Any]:
        # A rule's masked branch is the float 0.0 (relu at x <= 0): as a constant node, so that
        # every gradient of this sweep, and what a hook receives, is a Value.
        cls = type(node)
        return [t if is_node(t) else constant(cls, t, op.name) for t in op.terms_graph(node, g)]

    def before(self, node: Any) -> Any:
        return self.grads.get(node)  # a first term is the gradient itself: no node for 0 + t


def hooked_leaves(order: Sequence[Any], roots: Sequence[Any] = ()) -> list[Any]:
    """The leaves feeding ``order`` (or given as ``roots``) that have hooks.

    >>> from autograd import Value
    >>> x = Value(1.0)
    >>> with x.register_hook(print):
    ...     hooked_leaves([x * 2]) == [x]
    True
    """
    if not HOOKS.count:
        return []
    found = leaves(order) + [r for r in roots if r._a is None]
    return [v for v in dict.fromkeys(found) if hooks_of_leaf(v)]


def backward_pass(
    order: Sequence[Any],
    store: Store,
    *,
    watch: AnomalyWatch | None = None,
    root: Any = None,
    leaf_hooks: Sequence[Any] = (),
) -> None:
    """The chain rule at every node of ``order`` (interior nodes, inputs first), outputs first.

    The seeds (the outputs' gradients) are in ``store`` already. ``watch`` (anomaly mode)
    raises ``AnomalyError`` when a non-finite gradient reaches a leaf, naming the first term or
    sum that was not finite and the path from ``root`` (``Unfinished``). ``leaf_hooks`` are
    leaves whose hooks run once every node has passed its share. A store with ``records`` set
    hears of each node's turn (``Store.step``).

    >>> from autograd import Value
    >>> a = Value(2.0)
    >>> b = a * a
    >>> c = b + a
    >>> table = GradTable({c: 1.0})
    >>> backward_pass([b, c], table)
    >>> table.grads[a]  # dc/da = 2a + 1
    5.0
    """
    if type(store) is GradAttributes and watch is None and not HOOKS.count:
        apply_rules(order)
        return
    hooks_exist = HOOKS.count > 0
    recording = store.records
    unfinished = Unfinished(root, watch) if watch is not None and store.numeric else None
    before = store.before
    for node in reversed(order):
        g = store.get(node)
        if g is None:  # no output depends on this node
            continue
        op: Op = node._op
        arrived = None
        if hooks_exist and op.hooks:
            arrived, g = g, run_hooks(op.hooks, g, node)
            store.set(node, g)
        terms = store.terms(op, node, g)
        if recording:
            store.step(node, g, terms, arrived)
        cause = unfinished.used(node, g) if unfinished is not None else None
        for i, (child, term) in enumerate(zip(node.inputs, terms, strict=True)):
            old = before(child)
            total = term if old is None else old + term
            if unfinished is not None:
                unfinished.passed(node, i, g, old, term, total, cause)
            store.set(child, total)
    for leaf in leaf_hooks:
        g = store.get(leaf)
        hooks = hooks_of_leaf(leaf)  # (a hook may have removed this leaf's last one)
        if g is not None and hooks:
            hooked = run_hooks(hooks, g, leaf)
            store.set(leaf, hooked)
            if recording:
                store.step(leaf, hooked, (), g)
    if unfinished is not None:
        unfinished.check_leaves(store.get)


class Unfinished:
    """Anomaly mode's watch over a sweep: each gradient that is not finite, and how it first
    came (the error to raise), until it is used. A rule that masks it (relu's 0.0 where
    x <= 0) ends it, as the sweep without the check does; a rule that passes it on passes its
    cause; a leaf that receives it raises it.

    >>> from autograd import Value
    >>> x = Value(-0.0, "x")
    >>> y = x.relu().sqrt() * 0.0  # sqrt's term is -inf * 0.0 = nan; relu masks it
    >>> table = GradTable({y: 1.0})
    >>> order = [y.inputs[0].inputs[0], y.inputs[0], y]  # relu, sqrt, mul
    >>> backward_pass(order, table, watch=AnomalyWatch(), root=y)
    >>> table.grads[x]
    0.0
    """

    def __init__(self, root: Any, watch: AnomalyWatch) -> None:
        self.root = root
        self.watch = watch
        self.causes: dict[Any, AnomalyError] = {}

    def used(self, node: Any, g: Any) -> AnomalyError | None:
        """The cause of ``node``'s gradient ``g`` if it is not finite (a hook may have fixed
        it), now that its rule uses it.

        >>> from autograd import Value
        >>> y = Value(1.0) * 2
        >>> Unfinished(y, AnomalyWatch()).used(y, float("nan")) is None  # nothing recorded
        True
        """
        cause = self.causes.pop(node, None)
        return cause if cause is not None and not math.isfinite(_number(g)) else None

    def passed(
        self, node: Any, i: int, g: Any, old: Any, term: Any, total: Any, cause: Any
    ) -> None:
        """Input ``i`` of ``node`` now has ``total`` = ``old`` + ``term``: remember how it
        became non-finite, unless it already was.

        >>> from autograd import Value
        >>> x = Value(0.0, "x")
        >>> y = x.sqrt()
        >>> watch = Unfinished(y, AnomalyWatch())
        >>> watch.passed(y, 0, 1.0, None, math.inf, math.inf, None)
        >>> print(watch.causes[x])  # doctest: +ELLIPSIS
        backward: sqrt'(x=0.0) = inf times upstream 1.0 -> inf, passed to 'x' by a sqrt node
        """
        child = node.inputs[i]
        if child in self.causes or math.isfinite(_number(total)):
            return
        if cause is None:
            cause = _anomaly(self.root, node, i, g, old, term, total, self.watch)
        self.causes[child] = cause

    def check_leaves(self, grad_of: Any) -> None:
        """Raise the cause of the first leaf whose gradient is not finite at the end.

        >>> from autograd import Value
        >>> x = Value(0.0, "x")
        >>> y = x.sqrt()
        >>> watch = Unfinished(y, AnomalyWatch())
        >>> watch.passed(y, 0, 1.0, None, math.inf, math.inf, None)
        >>> watch.check_leaves({x: math.inf}.get)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        autograd.core.anomaly.AnomalyError: backward: sqrt'(x=0.0) = inf times upstream 1.0 ...
        """
        for leaf, cause in self.causes.items():  # every interior node's is used by now
            if not math.isfinite(_number(grad_of(leaf))):
                raise cause


def _anomaly(
    root: Any, node: Any, i: int, g: Any, old: Any, term: Any, total: Any, watch: AnomalyWatch
) -> AnomalyError:
    """The error for the first gradient that is not finite: a term, or a sum of finite ones."""
    if not math.isfinite(_number(term)):
        return AnomalyError.in_backward(root, node, i, _number(g), _number(term), watch)
    return AnomalyError.in_sum(root, node, i, _number(old), _number(term), _number(total), watch)


def apply_rules(order: Sequence[Any]) -> None:
    """The sweep when gradients live in ``.grad`` and nothing watches: each node's generated
    backward function adds its terms itself. A rule that raises on floats is re-run in IEEE.
    (``backward_pass`` with a ``GradAttributes`` store, when no hook exists, comes here; so
    does ``Value.backward`` directly when no user rule, hook or anomaly mode exists at all.)

    A built-in rule raises only where plain float arithmetic does and IEEE arithmetic does not
    (``1e-200 ** -2``); its backward function adds nothing before every term is computed, so
    the IEEE version can take over that node and the loop go on. A user primitive's rule has no
    IEEE version: its error propagates.

    >>> from autograd import Value
    >>> x = Value(3.0)
    >>> y = x * x
    >>> y.grad = 1.0
    >>> apply_rules([y])
    >>> x.grad
    6.0
    """
    pending = reversed(order)
    while True:
        try:
            for node in pending:
                # The chain rule at one node: ``input.grad += node.grad * local_derivative``
                # for each input (see backward_mul in autograd/core/operations.py).
                node._op.backward(node)
            return
        except (ArithmeticError, ValueError):
            ieee = node._op.backward_ieee
            if ieee is None:
                raise
            ieee(node)


def _number(x: Any) -> float:
    return x.data if is_node(x) else x
