"""The `Value` node: one float, the operation that made it, its inputs, and reverse mode.

Read this module top to bottom: ``Value`` holds a number and remembers the operation (``Op``)
and the inputs that produced it; ``topological_order`` lists a graph's nodes inputs-first; and
``Value.backward`` walks that list in reverse, calling each node's backward function. Every
backward function is one application of the chain rule. ``autograd.codegen`` writes them all
from one template (``BACKWARD_TEMPLATE`` there), one per row of the operation table
(``autograd.ops``). For ``mul`` (``out = x * y``) and ``tanh`` it writes::

    def backward_mul(node):
        _x, _y = node._a, node._b
        x = _x.data
        y = _y.data
        _x.grad += node.grad * (y)
        _y.grad += node.grad * (x)

    def backward_tanh(node):
        _x = node._a
        out = node.data
        _x.grad += node.grad * (1 - out * out)

that is, for each input: ``input.grad += node.grad * local_derivative``, where the local
derivative is the row's d out / d input. (``_x`` is the input node, ``x`` its float.) Print
``autograd.codegen.source("mul")`` for all the code of a row, or ``autograd.ops.describe("mul")``
for the row itself. The test suite checks that this text is what the generator writes.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, Union

from .mode import STATE
from .ops import Primitive

Number = Union[int, float]
Operand = Union["Value", int, float]


class _Many:
    """Marks a node whose ``_a`` slot holds the tuple of its (more than two) inputs."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "MANY"


MANY = _Many()


class Op:
    """A compiled primitive as a node refers to it: the table row plus its generated functions.

    ``params`` holds constant arguments (the exponent of ``x ** 2``, the slope of ``leaky_relu``);
    an Op with other params is a sibling made by ``bind``, sharing the compiled functions.

    >>> from autograd import Value
    >>> op = (Value(2.0) ** 3)._op
    >>> op, op.name, op.params
    (Op('pow', 3.0), 'pow', (3.0,))
    """

    __slots__ = (
        "_bound",
        "make",
        "name",
        "params",
        "partials",
        "partials_graph",
        "primitive",
        "source",
        "vjp",
    )

    def __init__(
        self,
        primitive: Primitive | None,
        name: str,
        vjp: Callable[[Value], None],
        partials: Callable[[Value], tuple[Any, ...]],
        partials_graph: Callable[[Value], tuple[Any, ...]],
        params: tuple[float, ...] = (),
    ) -> None:
        self.name = name
        self.primitive = primitive
        self.params = params
        self.vjp = vjp  # first order, floats: adds node.grad * d/d input into each input's .grad
        self.partials = partials  # local derivatives as floats
        self.partials_graph = partials_graph  # local derivatives as Values (differentiable)
        self.make: Callable[..., Value] | None = None  # forward: operands (and params) to a node
        self.source = ""  # the generated code, for reading
        self._bound: dict[tuple[float, ...], Op] = {}

    def bind(self, *params: float) -> Op:
        """A sibling Op with constant ``params``, sharing the compiled functions (cached).

        >>> from autograd.codegen import OPERATIONS
        >>> pow_op = OPERATIONS["pow"]
        >>> cube = pow_op.bind(3.0)
        >>> cube, cube.vjp is pow_op.vjp, pow_op.bind(3.0) is cube
        (Op('pow', 3.0), True, True)
        """
        op = self._bound.get(params)
        if op is None:
            op = Op(self.primitive, self.name, self.vjp, self.partials, self.partials_graph, params)
            op.make, op.source = self.make, self.source
            op._bound = self._bound  # siblings share one cache
            if len(self._bound) < 512:  # common exponents are shared; odd ones are not kept
                self._bound[params] = op
        return op

    def __repr__(self) -> str:
        return f"Op({self.name!r}{', ' if self.params else ''}{', '.join(map(repr, self.params))})"


def real(x: object, where: str) -> float:
    """``x`` as a float if it is a real number (int, float, NumPy scalar), else a TypeError.

    >>> real(2, "scale"), real(0.5, "scale")
    (2.0, 0.5)
    >>> real("2", "scale")
    Traceback (most recent call last):
    ...
    TypeError: scale: expected a real number (int, float, NumPy scalar), got str: '2'
    """
    if type(x) is float:
        return x
    if isinstance(x, numbers.Real) and not isinstance(x, Value):
        return float(x)
    kind = "Value" if isinstance(x, Value) else type(x).__name__
    raise TypeError(
        f"{where}: expected a real number (int, float, NumPy scalar), got {kind}: {x!r}"
    )


class Value:
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
    # the garbage collector and saves 48 bytes a node. A leaf has _a = None; a unary node has
    # _b = None; an operation with more than two inputs keeps their tuple in _a, with _b = MANY.
    __slots__ = ("_a", "_b", "_mark", "_op", "data", "grad", "label")

    data: float
    grad: float
    label: str

    def __init__(self, data: Number, label: str = "") -> None:
        self.data = real(data, "Value")
        self.grad = 0.0
        self.label = label
        self._a: Any = None
        self._b: Any = None
        self._op: Op | None = None
        self._mark: object = None

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
            return a  # the tuple of its inputs
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
        return self.data

    def item(self) -> float:
        """The value as a plain float (as ``tensor.item()`` in PyTorch).

        >>> (Value(1.5) * 2).item()
        3.0
        """
        return self.data

    # Comparisons look at the data only (as PyTorch does); equality stays identity, so a Value
    # can be a dict key or set member whatever its data.
    def __lt__(self, other: Operand) -> bool:
        return self.data < _data(other, "<")

    def __le__(self, other: Operand) -> bool:
        return self.data <= _data(other, "<=")

    def __gt__(self, other: Operand) -> bool:
        return self.data > _data(other, ">")

    def __ge__(self, other: Operand) -> bool:
        return self.data >= _data(other, ">=")

    __hash__ = object.__hash__

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

    # -- reverse mode -----------------------------------------------------------------------

    def backward(self, gradient: Number = 1.0) -> None:
        """Fill ``.grad`` of every node this value depends on with d self / d node.

        Leaves accumulate across calls, as in PyTorch (call ``zero_grad`` between steps);
        intermediate nodes are recomputed from zero each call, so a second backward never
        double-counts through them. The traversal is iterative: depth is limited by memory,
        not by Python's recursion limit. One graph is differentiated by one thread at a time
        (the traversal marks nodes); separate graphs may run backward in parallel threads.

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
        if STATE.fallible_rules:  # a user rule may raise: keep what to restore if it does
            order = topological_order((self,), reset=False)
            snapshot = _snapshot(order)
            for node in order:
                node.grad = 0.0
        else:  # built-in rules are total: nothing can fail half-way
            order = topological_order((self,))
            snapshot = None
        self.grad += seed
        try:
            for node in reversed(order):
                # The chain rule, one node at a time: its backward function does
                # ``input.grad += node.grad * local_derivative`` for each of its inputs (see the
                # module docstring). Every node in the order is interior, so _op is set.
                node._op.vjp(node)  # type: ignore[union-attr]
        except BaseException:
            if snapshot is not None:
                _restore(snapshot)
            raise

    # Operators and methods (``__add__``, ``exp``, ...) are generated from the operation table
    # by autograd.codegen and attached below; their declarations here are for type checkers.
    if TYPE_CHECKING:

        def __add__(self, other: Operand) -> Value: ...
        def __radd__(self, other: Operand) -> Value: ...
        def __sub__(self, other: Operand) -> Value: ...
        def __rsub__(self, other: Operand) -> Value: ...
        def __mul__(self, other: Operand) -> Value: ...
        def __rmul__(self, other: Operand) -> Value: ...
        def __truediv__(self, other: Operand) -> Value: ...
        def __rtruediv__(self, other: Operand) -> Value: ...
        def __pow__(self, other: Operand) -> Value: ...
        def __rpow__(self, other: Operand) -> Value: ...
        def __neg__(self) -> Value: ...
        def __pos__(self) -> Value: ...
        def __abs__(self) -> Value: ...
        def exp(self) -> Value: ...
        def log(self) -> Value: ...
        def sqrt(self) -> Value: ...
        def tanh(self) -> Value: ...
        def sigmoid(self) -> Value: ...
        def relu(self) -> Value: ...
        def leaky_relu(self, slope: float = 0.01) -> Value: ...
        def softplus(self) -> Value: ...
        def sin(self) -> Value: ...
        def cos(self) -> Value: ...
        def max(self, other: Operand) -> Value: ...
        def min(self, other: Operand) -> Value: ...
        def clamp(self, lo: float = ..., hi: float = ...) -> Value: ...


def _no_backward(node: Value) -> None:  # constants and leaves are never interior nodes
    return None


# The operation of a number lifted into the graph (the 2 in ``x * 2``): a leaf that drawings
# show as a constant and compiled code writes as a literal.
CONST = Op(None, "const", _no_backward, lambda node: (), lambda node: ())


def lift(x: object, where: str) -> Value:
    """An operand as a Value: Values pass through, real numbers become constant leaves.

    >>> c = lift(2, "mul")
    >>> c.data, c.is_leaf, c._op is CONST, lift(c, "mul") is c
    (2.0, True, True, True)
    """
    if isinstance(x, Value):
        return x
    node = Value(real(x, where))
    node._op = CONST
    return node


def _data(other: Operand, where: str) -> float:
    return other.data if isinstance(other, Value) else real(other, where)


def topological_order(roots: Iterable[Value], reset: bool = True) -> list[Value]:
    """Interior nodes reachable from ``roots``, each after all of its inputs.

    Iterative depth-first search with an explicit stack. Each call marks nodes with two fresh
    sentinel objects (entered, done), so no reset pass is needed and no visited set is built.
    Leaves are neither marked nor listed. With ``reset`` every listed node's grad is set to 0.0
    on the way, which is what backward wants before it accumulates.

    >>> a = Value(1.0, "a")
    >>> b = a + a
    >>> c = b * b
    >>> [n.op for n in topological_order([c])]
    ['add', 'mul']
    """
    entered, done = object(), object()
    order: list[Value] = []
    stack = [r for r in roots if r._a is not None]
    push, pop, emit = stack.append, stack.pop, order.append
    while stack:
        node = pop()
        mark = node._mark
        if mark is entered:  # second visit: every input is done
            node._mark = done
            if reset:
                node.grad = 0.0
            emit(node)
        elif mark is not done:
            push(node)
            waiting = False
            a, b = node._a, node._b
            if b is MANY:
                for child in a:
                    if child._a is not None and child._mark is not done:
                        push(child)
                        waiting = True
            else:  # unrolled for one or two inputs, the common case
                if a._a is not None and a._mark is not done:
                    push(a)
                    waiting = True
                if b is not None and b._a is not None and b._mark is not done:
                    push(b)
                    waiting = True
            if waiting:
                node._mark = entered
            else:  # every input is a leaf or done: emit now instead of on a second visit
                pop()
                node._mark = done
                if reset:
                    node.grad = 0.0
                emit(node)
    return order


def leaves(order: Iterable[Value]) -> list[Value]:
    """Distinct leaves feeding the interior nodes in ``order``, in first-seen order.

    >>> a, b = Value(1.0, "a"), Value(2.0, "b")
    >>> c = (a * b + a).tanh()
    >>> [v.label for v in leaves(topological_order([c]))]
    ['a', 'b']
    """
    seen: dict[Value, None] = {}
    for node in order:
        for child in node.inputs:
            if child._a is None:
                seen[child] = None
    return list(seen)


def _snapshot(order: list[Value]) -> list[tuple[Value, float]]:
    return [(n, n.grad) for n in leaves(order)] + [(n, n.grad) for n in order]


def _restore(snapshot: list[tuple[Value, float]]) -> None:
    for node, g in snapshot:
        node.grad = g
