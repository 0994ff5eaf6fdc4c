"""The ``Value`` node: one float, the operation that made it, its inputs, and reverse mode.

Read it with micrograd's ``Value`` in mind. A ``Value`` holds ``data`` and ``grad`` and remembers
the ``Op`` that made it and its inputs. Its operators and methods (``__mul__``, ``exp``, ...)
come from ``Operations``, written out from the operation table in
``autograd/core/operations.py``: ``Value.__mul__`` records a node whose ``_op`` is ``MUL``, and
``MUL``'s chain rule is ``backward_mul`` a few lines above it in that file::

    def backward_mul(node: Any) -> None:
        _x, _y = node._a, node._b
        x = _x.data
        y = _y.data
        _x.grad += node.grad * (y)
        _y.grad += node.grad * (x)

that is, for each input: ``input.grad += node.grad * local_derivative``. ``backward()`` below
lists the graph's nodes inputs-first and hands them to ``backward_pass``
(``autograd/core/sweep.py``), which calls that function for each node, outputs first.
``backward_reference`` in ``autograd/core/reference.py`` is the same algorithm in ten plain
lines: read it first.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Union

from .anomaly import AnomalyWatch
from .counters import FALLIBLE, HOOKS
from .graph import GRAPH_LOCK, leaves, walk, walk_zeroing
from .hooks import HookHandle, add_hook
from .layout import MANY, WEIGHTED
from .modes import MODE, STATE, scoped
from .numbers import is_real, real
from .op import CONST, Op, constant
from .operations import Operations, forward_pow, forward_powv
from .pickling import deep_copy, reduce_node, set_state, state
from .sweep import GradAttributes, apply_rules, backward_pass, hooked_leaves

Number = Union[int, float]
Operand = Union["Value", int, float]


class Value(Operations):
    """A scalar that remembers how it was computed, so gradients can flow back through it.

    >>> x = Value(2.0, label="x")
    >>> y = x * x + 3 * x
    >>> y.backward()
    >>> y.data, x.grad
    (10.0, 7.0)
    """

    # No __dict__ and no closures: a node holds no reference cycle, so CPython frees a graph by
    # reference counting alone and the cyclic garbage collector finds nothing to do. The inputs
    # sit in two slots, not in a tuple: one object per node instead of two halves the work of
    # the garbage collector. A leaf has _a = None; a unary node has _b = None; an operation with
    # more than two inputs (or a user primitive) keeps their tuple in _a, with _b = MANY; a
    # neuron's weighted sum keeps (weights, inputs, bias) in _a, with _b = WEIGHTED.
    __slots__ = ("_a", "_b", "_op", "data", "grad", "label")

    # NumPy defers ``array * value`` to ``value.__rmul__(array)``, as ``value * array`` calls
    # ``value.__mul__``: both give a Value for a 0-d array, both refuse a longer array.
    __array_priority__ = 1000

    data: float
    grad: Any
    label: str

    def __init__(self, data: Number, label: str = "") -> None:
        self.data = real(data, "Value")
        self.grad = 0.0
        self.label = label
        self._a: Any = None
        self._b: Any = None
        self._op: Op | None = None

    # -- introspection ----------------------------------------------------------------------

    @property
    def op(self) -> str:
        """Name of the operation that produced this value ('' for a leaf).

        >>> x = Value(2.0)
        >>> x.op, (x * 3).op, x.exp().op
        ('', 'mul', 'exp')
        """
        return self._op.name if self._op is not None else ""

    @property
    def operation(self) -> Op | None:
        """The operation that produced this value (None for a leaf): its table row is ``.row``.

        Read-only: the node's chain rule, local derivatives and row (``operation.row``), the
        same object for every node of that operation (a node with hooks has its own copy).

        >>> x = Value(2.0)
        >>> y = x * 3
        >>> x.operation, y.operation, y.operation.row.symbol
        (None, Op('mul'), '×')
        """
        return self._op

    @property
    def inputs(self) -> tuple[Value, ...]:
        """The operands of that operation, in call order (empty for a leaf).

        >>> a, b = Value(1.0, "a"), Value(2.0, "b")
        >>> [v.label for v in (a - b).inputs]
        ['a', 'b']
        """
        a, b = self._a, self._b
        if a is None:
            return ()
        if b is None:
            return (a,)
        if b is MANY:
            return a  # type: ignore[no-any-return,unused-ignore]  # the tuple of its inputs
        if b is WEIGHTED:
            ws, xs, bias = a
            return (*ws, *xs, bias)
        return (a, b)

    @property
    def params(self) -> tuple[float, ...]:
        """Constant arguments of the operation (the 2 of ``x ** 2``), if any.

        >>> (Value(3.0) ** 2).params, (Value(3.0) * 2).params
        ((2.0,), ())
        """
        return self._op.params if self._op is not None else ()

    @property
    def is_leaf(self) -> bool:
        """True for values created by the user (or under ``no_grad``), not by an operation.

        >>> x = Value(1.0)
        >>> x.is_leaf, (x + 1).is_leaf
        (True, False)
        """
        return self._a is None

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label})"

    def __float__(self) -> float:
        """Refused: ``float(v)``, ``math.exp(v)``, ``np.array([v], dtype=float)`` would drop the
        gradient without a word (``math.exp(x) * x`` would be differentiated as ``e * x``).
        Call the Value's own operation to keep it, or ``v.item()`` for the number.

        >>> import math
        >>> math.exp(Value(1.0))  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        TypeError: float(Value) would drop the gradient: ... use the Value's own v.exp(), ...
        """
        raise TypeError(
            "float(Value) would drop the gradient: for math.exp(v), math.cos(v), ... use the "
            "Value's own v.exp(), v.cos(), ... (differentiated); for the number, v.item() or "
            "v.data"
        )

    def __bool__(self) -> bool:
        """The number's truth, as ``bool(tensor)`` in PyTorch and ``bool(x)`` in NumPy: False
        for 0.0 and -0.0, True otherwise (nan included). ``if loss:`` asks about the number.

        >>> bool(Value(0.0)), bool(Value(-0.0)), bool(Value(2.0) - 2), bool(Value(float("nan")))
        (False, False, False, True)
        """
        return self.data != 0.0

    def __format__(self, spec: str) -> str:
        """A format spec formats the number (``f"{v:.2f}"``); no spec gives the repr.

        >>> v = Value(2.0 / 3.0)
        >>> f"{v:.3f}", f"{v}"
        ('0.667', 'Value(data=0.6666666666666666, grad=0.0)')
        """
        return format(self.data, spec) if spec else str(self)

    def __round__(self, ndigits: int | None = None) -> float | int:
        """``round(v, 2)``: the number rounded, a plain float (for printing, not differentiated).

        >>> round(Value(2.3456), 2), round(Value(2.5))
        (2.35, 2)
        """
        return round(self.data, ndigits)

    def item(self) -> float:
        """The value as a plain float (as ``tensor.item()`` in PyTorch).

        >>> (Value(1.5) * 2).item()
        3.0
        """
        return self.data

    # Comparisons look at the data only (as PyTorch does); equality stays identity, so a Value
    # can be a dict key or set member whatever its data. Equality with a number is refused: it
    # would always be False, which reads as a wrong answer (compare v.data or v.item()).
    def __eq__(self, other: object) -> bool:
        """``a == b`` for two Values: the same node (identity), whatever their data.

        >>> a = Value(2.0)
        >>> a == a, a == Value(2.0), a.data == 2
        (True, False, True)
        >>> a == 2  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        TypeError: Value == number: a Value equals only itself (the same node); ... v.data == 2 ...
        """
        if isinstance(other, Value):
            return self is other
        if is_real(other):
            raise TypeError(
                "Value == number: a Value equals only itself (the same node); to compare "
                f"numbers write v.data == {other!r} (or v.item() == {other!r})"
            )
        return NotImplemented

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __lt__(self, other: Operand) -> bool:
        return self.data < _data(other, "<")

    def __le__(self, other: Operand) -> bool:
        return self.data <= _data(other, "<=")

    def __gt__(self, other: Operand) -> bool:
        return self.data > _data(other, ">")

    def __ge__(self, other: Operand) -> bool:
        return self.data >= _data(other, ">=")

    __hash__ = object.__hash__

    # -- the operators the table does not make -----------------------------------------------

    def __pow__(self, other: Operand) -> Value:
        """``x ** k``: a number k is a constant exponent (row ``pow``); a Value exponent is
        differentiated too (row ``powv``).

        >>> x = Value(3.0)
        >>> (x ** 2).op, (x ** Value(2.0)).op
        ('pow', 'powv')
        """
        if type(other) is float:
            return forward_pow(self, other)
        if type(other) is int:
            try:
                return forward_pow(self, float(other))
            except OverflowError:
                pass  # real() below says which operation
        if isinstance(other, Value):
            return forward_powv(self, other)
        return forward_pow(self, real(other, "pow"))

    def __rpow__(self, other: Number) -> Value:
        """``k ** x`` for a number k: the exponent is differentiated (row ``powv``).

        >>> y = 2 ** Value(3.0)
        >>> y.data, y.op
        (8.0, 'powv')
        """
        return forward_powv(constant(type(self), other, "pow"), self)

    def __pos__(self) -> Value:
        """``+x`` is ``x`` itself.

        >>> x = Value(1.0)
        >>> +x is x
        True
        """
        return self

    # -- gradients ---------------------------------------------------------------------------

    def detach(self) -> Value:
        """A new leaf with the same data: gradients do not flow through it.

        >>> x = Value(3.0)
        >>> c = (x * x).detach()  # a constant 9 as far as gradients go
        >>> c.is_leaf, c.data
        (True, 9.0)
        >>> (c * x).backward()
        >>> x.grad
        9.0
        """
        return Value(self.data, self.label)

    def zero_grad(self) -> None:
        """Set this value's gradient to 0.0.

        >>> x = Value(2.0)
        >>> (x * x).backward()
        >>> x.grad
        4.0
        >>> x.zero_grad()
        >>> x.grad
        0.0
        """
        self.grad = 0.0

    def register_hook(self, fn: Callable[[Any], Any]) -> HookHandle:
        """Call ``fn(grad)`` when this node's gradient is complete; it may return a new one.

        As PyTorch's ``Tensor.register_hook``: during ``backward()`` (and ``grad()``, also with
        ``create_graph``, where ``grad`` is a Value) the hook sees d out/d node once every
        contribution has arrived, before the node passes it on to its inputs (for a leaf: this
        pass's gradient, before it is added to ``.grad``). A returned number replaces it; None
        keeps it. Returns a handle whose ``remove()`` takes the hook off again. Steppers show a
        hook's change as part of the step; ``autograd.compile`` refuses graphs with hooks.

        >>> x = Value(3.0)
        >>> y = x * x
        >>> handle = y.register_hook(lambda g: g * 10)  # scale what flows back through y
        >>> y.backward()
        >>> x.grad  # 10 * dy/dx
        60.0
        >>> handle.remove()
        """
        if not callable(fn):
            raise TypeError(f"register_hook: expected a function of the gradient, got {fn!r}")
        return add_hook(self, fn)

    def backward(self, gradient: Number = 1.0, *, detect_anomaly: bool = False) -> None:
        """Fill ``.grad`` of every node this value depends on with d self / d node.

        Leaves accumulate across calls, as in PyTorch (call ``zero_grad`` between steps);
        intermediate nodes are recomputed from zero each call, so a second backward never
        double-counts through them. The arithmetic is IEEE, as in PyTorch: a derivative too
        large for a float is inf, never an exception half-way. If a user primitive's derivative
        rule or a hook raises, every ``.grad`` is as it was before the call. The traversal is
        iterative: depth is limited by memory, not by Python's recursion limit. Threads may call
        backward and ``grad`` on one graph at once: they take turns (one lock for all graphs).
        With ``detect_anomaly=True`` (or inside ``autograd.detect_anomaly()``) a non-finite
        gradient reaching a leaf raises ``AnomalyError``, which explains the arithmetic that made
        it, and every ``.grad`` is left as it was. The algorithm, plainly written:
        ``backward_reference`` in ``autograd/core/reference.py``; this is its optimisation.

        >>> x = Value(3.0)
        >>> y = x * x + x
        >>> y.backward()
        >>> x.grad  # dy/dx = 2x + 1
        7.0
        >>> y.backward()  # leaves accumulate
        >>> x.grad
        14.0
        """
        seed = real(gradient, "backward(gradient)")
        watch = MODE.get().watch
        if detect_anomaly and watch is None:
            watch = AnomalyWatch()
        with GRAPH_LOCK:
            if not (FALLIBLE.count or HOOKS.count or watch is not None):
                # Nothing here can fail half-way: the walk zeroes the grads as it goes.
                order, _ = walk_zeroing(self)
                self.grad += seed
                apply_rules(order)
                return
            order, fallible = walk((self,))
            hooked = hooked_leaves(order, (self,)) if HOOKS.count else []
            # Only a graph holding a user primitive, or hooks, or under anomaly detection pays
            # for a snapshot (user code may raise; anomaly detection stops half-way).
            careful = fallible or HOOKS.count or watch is not None
            snapshot = _snapshot(order, self) if careful else None
            for node in order:
                node.grad = 0.0
            before = [(v, v.grad) for v in hooked]
            for v in hooked:  # a leaf's hook sees this pass's gradient alone
                v.grad = 0.0
            self.grad += seed
            try:
                store = GradAttributes()
                backward_pass(order, store, watch=watch, root=self, leaf_hooks=hooked)
                for v, old in before:
                    v.grad = old + v.grad
            except BaseException:
                if snapshot is not None:
                    for node, g in snapshot:
                        node.grad = g
                raise

    # -- copies and pickles (autograd/core/pickling.py) ---------------------------------------

    def __copy__(self) -> Value:
        """A new node with the same data, grad, label, operation and the same inputs."""
        node = Value.__new__(Value)
        set_state(node, *state(self))
        return node

    def __deepcopy__(self, memo: dict[int, Any]) -> Value:
        with GRAPH_LOCK:
            return deep_copy(self, memo)

    def __reduce_ex__(self, protocol: Any) -> tuple[Any, ...]:
        return reduce_node(self)

    def __setstate__(self, fields: tuple[Any, ...]) -> None:
        set_state(self, *fields)


def _snapshot(order: list[Value], root: Value) -> list[tuple[Value, Any]]:
    nodes = {
        root: None,
        **dict.fromkeys(leaves(order)),
        **dict.fromkeys(order),
    }
    return [(n, n.grad) for n in nodes]


def lift(x: object, where: str) -> Value:
    """An operand as a Value: Values pass through, real numbers become constant leaves.

    >>> c = lift(2, "mul")
    >>> c.data, c.is_leaf, c.op, lift(c, "mul") is c
    (2.0, True, 'const', True)
    """
    if isinstance(x, Value):
        return x
    return constant(Value, x, where)


def record(data: float, inputs: tuple[Value, ...], op: Op) -> Value:
    """A new node made by ``op`` from ``inputs``, for hand-written operations whose number of
    inputs varies (``fused.linear``); a detached leaf under ``no_grad``.

    >>> from autograd.core.op import OPERATIONS
    >>> a, b = Value(2.0), Value(3.0)
    >>> c = record(a.data * b.data, (a, b), OPERATIONS["mul"])
    >>> c.backward()
    >>> c.data, c.op, a.grad, b.grad
    (6.0, 'mul', 3.0, 2.0)
    """
    node = Value.__new__(Value)
    node.data = data
    node.grad = 0.0
    node.label = ""
    if op.fallible or len(inputs) > 2:  # a user primitive's node: the traversal notices MANY
        node._a, node._b = inputs, MANY
    elif len(inputs) == 2:
        node._a, node._b = inputs
    else:
        node._a, node._b = inputs[0], None
    node._op = op
    if STATE.scoped:  # a no_grad or detect_anomaly block was entered somewhere
        return scoped(node)
    return node


def _data(other: Operand, where: str) -> float:
    return other.data if isinstance(other, Value) else real(other, where)


__all__ = ["CONST", "Value", "lift", "record"]
