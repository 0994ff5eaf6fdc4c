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

import importlib
import math
import numbers
import pickle
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, Union

from .mode import anomaly_mode
from .ops import Primitive

Number = Union[int, float]
Operand = Union["Value", int, float]


class _Many:
    """Marks a node whose ``_a`` slot holds the tuple of its (more than two) inputs."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "MANY"

    def __reduce__(self) -> str:
        return "MANY"  # a copy or an unpickled graph gets this very object back


MANY = _Many()

Contribs = Callable[["Value", Any], tuple[Any, ...]]


class Op:
    """A compiled primitive as a node refers to it: the table row plus its generated functions.

    ``params`` holds constant arguments (the exponent of ``x ** 2``, the slope of ``leaky_relu``);
    an Op with other params is a sibling made by ``bind``, sharing the compiled functions.
    Copies and pickles of a graph refer to the same Op (pickled by name, or for a user primitive
    by the module path of its function).

    >>> from autograd import Value
    >>> op = (Value(2.0) ** 3)._op
    >>> op, op.name, op.params
    (Op('pow', 3.0), 'pow', (3.0,))
    """

    __slots__ = (
        "_bound",
        "base",
        "contribs",
        "contribs_graph",
        "contribs_ieee",
        "fallible",
        "hooks",
        "make",
        "name",
        "origin",
        "params",
        "partials",
        "partials_graph",
        "primitive",
        "source",
        "vjp",
        "vjp_ieee",
    )

    def __init__(
        self,
        primitive: Primitive | None,
        name: str,
        vjp: Callable[[Value], None],
        partials: Callable[[Value], tuple[Any, ...]],
        partials_graph: Callable[[Value], tuple[Any, ...]],
        params: tuple[float, ...] = (),
        *,
        contribs: Contribs | None = None,
        contribs_graph: Contribs | None = None,
        vjp_ieee: Callable[[Value], None] | None = None,
        contribs_ieee: Contribs | None = None,
        fallible: bool = False,
    ) -> None:
        self.vjp_ieee: Callable[[Value], None] | None
        self.contribs_ieee: Contribs | None
        self.name = name
        self.primitive = primitive
        self.params = params
        self.vjp = vjp  # first order, floats: adds node.grad * d/d input into each input's .grad
        self.partials = partials  # local derivatives as floats
        self.partials_graph = partials_graph  # local derivatives as Values (differentiable)
        # The terms vjp adds, returned instead of added (for grad()), over floats or Values.
        self.contribs: Contribs = contribs or _contribs_from(partials)
        self.contribs_graph: Contribs = contribs_graph or _contribs_from(partials_graph)
        # The same rules in IEEE arithmetic, used when the plain float rule raises (1 / 0, an
        # overflowing **); None when a rule is a user callable: those may raise (fallible).
        self.vjp_ieee = None if fallible else (vjp_ieee or vjp)
        self.contribs_ieee = None if fallible else (contribs_ieee or self.contribs)
        self.fallible = fallible
        self.make: Callable[..., Value] | None = None  # forward: operands (and params) to a node
        self.source = ""  # the generated code, for reading
        self.origin: tuple[str, str] | None = None  # (module, qualname) of a user primitive
        self.base = self
        self.hooks: list[Callable[[Any], Any]] | None = None  # a hooked node's own copy only
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
            op = self._sibling(params)
            op._bound = self._bound  # siblings share one cache
            if len(self._bound) < 512:  # common exponents are shared; odd ones are not kept
                self._bound[params] = op
        return op

    def _sibling(self, params: tuple[float, ...]) -> Op:
        """A new Op with the base's compiled functions and these constant parameters."""
        base = self.base
        op = Op(
            base.primitive, base.name, base.vjp, base.partials, base.partials_graph, params,
            contribs=base.contribs, contribs_graph=base.contribs_graph,
            vjp_ieee=base.vjp_ieee, contribs_ieee=base.contribs_ieee, fallible=base.fallible,
        )  # fmt: skip
        op.make, op.source, op.origin, op.base = base.make, base.source, base.origin, base
        return op

    def float_terms(self, node: Value, g: Any) -> tuple[Any, ...]:
        """What each input receives, ``g`` times its local derivative, in float arithmetic.

        Where plain floats raise (``1 / 0``, an overflowing ``**``) the IEEE version of the
        rules gives inf or nan instead, as PyTorch does; a user rule's error propagates.

        >>> from autograd import Value
        >>> y = Value(2.0) * Value(5.0)
        >>> y._op.float_terms(y, 3.0)
        (15.0, 6.0)
        """
        try:
            return self.contribs(node, g)
        except (ArithmeticError, ValueError):
            if self.contribs_ieee is None:
                raise
            return self.contribs_ieee(node, g)

    def __repr__(self) -> str:
        return f"Op({self.name!r}{', ' if self.params else ''}{', '.join(map(repr, self.params))})"

    def hooked(self) -> Op:
        """A private copy of this Op for one node with gradient hooks (see register_hook).

        Its backward function first passes the node's complete gradient through the hooks, then
        runs the row's own. Nodes without hooks keep the shared Op: hooks cost them nothing.

        >>> from autograd.codegen import OPERATIONS
        >>> op = OPERATIONS["mul"].hooked()
        >>> op.hooks, op.base is OPERATIONS["mul"], op.vjp is OPERATIONS["mul"].vjp
        ([], True, False)
        """
        op = self._sibling(self.params)
        hooks: list[Callable[[Any], Any]] = []
        op.hooks = hooks
        plain = self.base.vjp

        def vjp_with_hooks(node: Value) -> None:
            node.grad = run_hooks(hooks, node.grad, node)
            plain(node)

        op.vjp = vjp_with_hooks
        return op

    def unhooked(self) -> Op:
        """The shared Op this one stands for (itself when it has no hooks).

        >>> from autograd.codegen import OPERATIONS
        >>> OPERATIONS["mul"].hooked().unhooked() is OPERATIONS["mul"]
        True
        """
        if self.hooks is None:
            return self
        return self.base.bind(*self.params) if self.params else self.base

    # An Op is part of the engine, not of a graph: copies share it, pickles name it (hooks
    # belong to the original node and are not copied).
    def __copy__(self) -> Op:
        return self.unhooked()

    def __deepcopy__(self, memo: dict[int, object]) -> Op:
        return self.unhooked()

    def __reduce__(self) -> tuple[Any, ...]:
        if self.hooks is not None:
            return self.unhooked().__reduce__()
        if OPS_BY_NAME.get(self.name) is self.base:
            return (op_named, (self.name, self.params))
        if self.origin is not None:
            return (user_op, (*self.origin, self.params))
        raise pickle.PicklingError(
            f"cannot pickle operation {self.name!r}: a user primitive is pickled by the module "
            "path of its function, so define it with @primitive at the top level of a module"
        )


def _contribs_from(partials: Callable[[Value], tuple[Any, ...]]) -> Contribs:
    def contribs(node: Value, g: Any) -> tuple[Any, ...]:
        return tuple(g * d for d in partials(node))

    return contribs


# Ops that a pickle names: the table rows, the rows behind the helpers, CONST and fused linear.
OPS_BY_NAME: dict[str, Op] = {}


def op_named(name: str, params: tuple[float, ...] = ()) -> Op:
    """The engine's Op called ``name`` (bound to ``params``): how a pickled graph finds it.

    >>> op_named("pow", (2.0,))
    Op('pow', 2.0)
    """
    op = OPS_BY_NAME.get(name)
    if op is None:
        raise pickle.UnpicklingError(
            f"no operation named {name!r}: add its row (add_operation) before loading"
        )
    return op.bind(*params) if params else op


def user_op(module: str, qualname: str, params: tuple[float, ...] = ()) -> Op:
    """The Op of the user primitive defined as ``module.qualname`` (for unpickling).

    >>> user_op("math", "pi")
    Traceback (most recent call last):
    ...
    _pickle.UnpicklingError: math.pi is not a primitive
    """
    obj: Any = importlib.import_module(module)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    op = getattr(obj, "op", None)
    if not isinstance(op, Op):
        raise pickle.UnpicklingError(f"{module}.{qualname} is not a primitive")
    return op.bind(*params) if params else op


def real(x: object, where: str) -> float:
    """``x`` as a float if it is a real number (int, float, bool, NumPy scalar), else an error.

    The error names ``where`` (the operation): a TypeError for what is not a number, an
    OverflowError for an int too large for a float.

    >>> real(2, "scale"), real(0.5, "scale"), real(True, "scale")
    (2.0, 0.5, 1.0)
    >>> real("2", "scale")
    Traceback (most recent call last):
    ...
    TypeError: scale: expected a real number (int, float, NumPy scalar), got str: '2'
    >>> real(10**400, "add")
    Traceback (most recent call last):
    ...
    OverflowError: add: the int 10000...00000 (401 digits) is too large for a float
    """
    if type(x) is float:
        return x
    if isinstance(x, numbers.Real) and not isinstance(x, Value):
        try:
            return float(x)
        except OverflowError:
            raise OverflowError(f"{where}: {_too_large(x)} is too large for a float") from None
    if _numpy_scalar(x):  # np.bool_ and 0-d arrays, which numbers.Real does not cover
        item = x.item()  # type: ignore[attr-defined]
        if isinstance(item, numbers.Real):
            return real(item, where)
    kind = "Value" if isinstance(x, Value) else type(x).__name__
    raise TypeError(
        f"{where}: expected a real number (int, float, NumPy scalar), got {kind}: {_shown(x)}"
    )


def is_real(x: object) -> bool:
    """True for what ``real`` accepts: int, float, bool, a NumPy scalar or 0-d array.

    >>> import fractions
    >>> is_real(2), is_real(fractions.Fraction(1, 3)), is_real("2"), is_real(Value(1.0))
    (True, True, False, False)
    """
    if isinstance(x, numbers.Real):
        return not isinstance(x, Value)
    return _numpy_scalar(x) and isinstance(x.item(), numbers.Real)  # type: ignore[attr-defined]


def _numpy_scalar(x: object) -> bool:
    return type(x).__module__ == "numpy" and getattr(x, "shape", None) == ()


def _too_large(x: object) -> str:
    if isinstance(x, int):
        digits = str(abs(x)) if x.bit_length() < 10_000 else ""
        if digits:
            return (
                f"the int {'-' if x < 0 else ''}{digits[:5]}...{digits[-5:]} ({len(digits)} digits)"
            )
        return f"an int of {x.bit_length()} bits"
    return f"{type(x).__name__} value"


def _shown(x: object) -> str:
    text = repr(x)
    return text if len(text) <= 80 else text[:77] + "..."


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

    # NumPy defers ``array * value`` to ``value.__rmul__(array)``, as ``value * array`` calls
    # ``value.__mul__``: both give a Value for a 0-d array, both refuse a longer array.
    __array_priority__ = 1000

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
        with GRAPH_LOCK:
            if self._a is None:
                hooks = LEAF_HOOKS.setdefault(self, [])
            else:
                op = self._op
                if op.hooks is None:  # type: ignore[union-attr]
                    op = self._op = op.hooked()  # type: ignore[union-attr]
                hooks = op.hooks  # type: ignore[union-attr,assignment]
            hooks.append(fn)
            HOOKS.count += 1
        return HookHandle(self, fn)

    # -- copies and pickles ------------------------------------------------------------------
    # A copied or unpickled graph is a new graph of the same shape: same data, grads, labels
    # and operations (shared, see Op), new nodes. Both walk the graph without recursion, so a
    # chain of any length copies.

    def __copy__(self) -> Value:
        """A new node with the same data, grad, label, operation and the same inputs."""
        node = _blank()
        node._set_fields(self.data, self.grad, self.label, self._op, self._a, self._b)
        return node

    def __deepcopy__(self, memo: dict[int, Any]) -> Value:
        with GRAPH_LOCK:
            nodes = [*_leaves_first(self)]
        for n in nodes:
            if id(n) in memo:
                continue
            a, b = n._a, n._b
            if b is MANY:
                a = tuple(memo[id(c)] for c in a)
            else:
                a = None if a is None else memo[id(a)]
                b = None if b is None else memo[id(b)]
            copy = _blank()
            copy._set_fields(n.data, n.grad, n.label, n._op, a, b)
            memo[id(n)] = copy
        return memo[id(self)]  # type: ignore[no-any-return,unused-ignore]

    def __reduce_ex__(self, protocol: Any) -> tuple[Any, ...]:
        state = (self.data, self.grad, self.label, self._op, self._a, self._b)
        if self._a is None or _pickling.inside:
            return (_blank, (), state)
        # Pickle the nodes this one depends on first, inputs before the nodes that use them, so
        # that each node's inputs are already in the pickle when it is saved: no recursion.
        with GRAPH_LOCK:
            earlier = [n for n in _leaves_first(self) if n is not self]
        return (_blank, (_Prelude(earlier),), state)

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        self._set_fields(*state)

    def _set_fields(self, data: float, grad: float, label: str, op: Any, a: Any, b: Any) -> None:
        self.data, self.grad, self.label, self._op, self._a, self._b = data, grad, label, op, a, b
        self._mark = None

    # -- reverse mode -----------------------------------------------------------------------

    def backward(self, gradient: Number = 1.0, *, detect_anomaly: bool = False) -> None:
        """Fill ``.grad`` of every node this value depends on with d self / d node.

        Leaves accumulate across calls, as in PyTorch (call ``zero_grad`` between steps);
        intermediate nodes are recomputed from zero each call, so a second backward never
        double-counts through them. The arithmetic is IEEE, as in PyTorch: a derivative too
        large for a float is inf, never an exception half-way. If a user primitive's derivative
        rule raises, every ``.grad`` is as it was before the call. The traversal is iterative:
        depth is limited by memory, not by Python's recursion limit. Threads may call backward
        and ``grad`` on one graph at once: they take turns (one lock for all graphs).
        With ``detect_anomaly=True`` (or inside ``autograd.detect_anomaly()``) the first
        non-finite gradient raises ``AnomalyError``, which explains the arithmetic that made it,
        and every ``.grad`` is left as it was.

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
        watch = anomaly_mode.get()
        if detect_anomaly and watch is None:
            watch = AnomalyWatch()
        with GRAPH_LOCK:
            order, fallible = _walk((self,))
            # Only a graph holding a user primitive, or user hooks, or under anomaly detection
            # pays for a snapshot (user code may raise; anomaly detection stops half-way).
            hooked = [v for v in leaves(order) if v in LEAF_HOOKS] if HOOKS.count else []
            careful = fallible or HOOKS.count or watch is not None
            snapshot = _snapshot(order) if careful else None
            for node in order:
                node.grad = 0.0
            before = [(v, v.grad) for v in hooked]
            for v in hooked:  # a leaf's hook sees this pass's gradient alone
                v.grad = 0.0
            self.grad += seed
            try:
                if watch is None:
                    _chain_rule(reversed(order))
                else:
                    _checked_chain_rule(self, order, watch)
                for v, old in before:
                    v.grad = old + run_hooks(LEAF_HOOKS[v], v.grad, v)
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
OPS_BY_NAME["const"] = CONST


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


def _chain_rule(pending: Iterator[Value]) -> None:
    """Run each node's backward function, in order; a rule that raises is re-run in IEEE.

    Every node in the order is interior, so ``_op`` is set. A built-in rule raises only where
    plain float arithmetic does and IEEE arithmetic does not (``1e-200 ** -2``); its backward
    function adds nothing before every term is computed, so the IEEE version can take over that
    node and the loop go on. A user primitive's rule has no IEEE version: the error propagates.
    """
    while True:
        try:
            for node in pending:
                # The chain rule, one node at a time: its backward function does
                # ``input.grad += node.grad * local_derivative`` for each of its inputs (see the
                # module docstring).
                node._op.vjp(node)  # type: ignore[union-attr]
            return
        except (ArithmeticError, ValueError):
            ieee = node._op.vjp_ieee  # type: ignore[union-attr]
            if ieee is None:
                raise
            ieee(node)


def _checked_chain_rule(root: Value, order: list[Value], watch: AnomalyWatch) -> None:
    """The chain rule with a check after every term: the first non-finite gradient raises.

    Slower than ``_chain_rule`` (the terms are returned, then added), and used only under
    anomaly detection. The arithmetic is the same, term for term.
    """
    for node in reversed(order):
        op = node._op
        assert op is not None  # the order holds interior nodes only
        g = node.grad
        if op.hooks:
            g = node.grad = run_hooks(op.hooks, g, node)
        terms = op.float_terms(node, g)
        for i, (child, term) in enumerate(zip(node.inputs, terms, strict=True)):
            if not math.isfinite(term):
                raise AnomalyError.in_backward(root, node, i, g, term, watch)
            total = child.grad + term
            if not math.isfinite(total):
                raise AnomalyError.in_sum(root, node, i, child.grad, term, total, watch)
            child.grad = total


class AnomalyWatch:
    """What anomaly detection keeps while it is on: where each node was created.

    >>> AnomalyWatch().sites
    {}
    """

    def __init__(self) -> None:
        self.sites: dict[Value, str] = {}  # node -> "file.py:12", filled by the forward pass


def describe_node(node: Value) -> str:
    """A node as messages name it: its label, else its operation (or 'leaf', or the constant).

    >>> describe_node(Value(2.0, "w")), describe_node(Value(2.0) * 3)
    ("'w'", 'a mul node')
    """
    if node.label:
        return repr(node.label)
    if node._op is CONST:
        return f"the constant {node.data!r}"
    return f"a {node.op} node" if node.op else "an unlabelled leaf"


def input_names(node: Value) -> tuple[str, ...]:
    """The names the node's operation gives its inputs (``x0, x1, ...`` when it has none).

    >>> input_names(Value(1.0) / 2), input_names(Value(1.0))
    (('x', 'y'), ())
    """
    p = node._op.primitive if node._op is not None else None
    return p.inputs if p is not None else tuple(f"x{k}" for k in range(len(node.inputs)))


def operands_text(node: Value, params: bool = True) -> str:
    """The operands of a node as messages show them: ``x=2.0, y=3.0`` (and its parameters).

    >>> operands_text(Value(2.0) ** 3)
    'x=2.0, k=3.0'
    """
    shown = [f"{n}={c.data!r}" for n, c in zip(input_names(node), node.inputs, strict=True)]
    p = node._op.primitive if node._op is not None else None
    if params and p is not None:
        shown += [f"{n}={k!r}" for n, k in zip(p.params, node.params, strict=True)]
    return ", ".join(shown)


def path_to(root: Value, target: Value) -> list[Value]:
    """The nodes from ``root`` down to ``target`` along inputs (the gradient's way back).

    >>> x = Value(1.0, "x")
    >>> y = (x * 2).exp()
    >>> [v.op or v.label for v in path_to(y, x)]
    ['exp', 'mul', 'x']
    """
    parent: dict[Value, Value | None] = {root: None}
    todo = [root]
    while todo:
        node = todo.pop()
        if node is target:
            break
        for child in node.inputs:
            if child not in parent:
                parent[child] = node
                todo.append(child)
    if target not in parent:
        return []
    path: list[Value] = [target]
    while (up := parent[path[-1]]) is not None:
        path.append(up)
    return path[::-1]


class AnomalyError(ArithmeticError):
    """A non-finite value or gradient, explained in chain-rule terms (see detect_anomaly).

    ``node`` is where it appeared, ``path`` the nodes from the output down to it (draw them
    with ``draw_dot(root, highlight=error)``), ``site`` where ``node`` was created.

    >>> from autograd import Value
    >>> r = Value(0.0, "r")
    >>> y = r.sqrt() * 0
    >>> try:
    ...     y.backward(detect_anomaly=True)
    ... except AnomalyError as e:
    ...     print(e)
    backward: sqrt'(x=0.0) = inf times upstream 0.0 -> nan, passed to 'r' by a sqrt node
    """

    def __init__(self, message: str, node: Value, path: list[Value], site: str = "") -> None:
        super().__init__(message)
        self.node = node
        self.path = path
        self.site = site

    @classmethod
    def in_backward(
        cls, root: Value, node: Value, i: int, g: float, term: float, watch: AnomalyWatch
    ) -> AnomalyError:
        """A term ``upstream × local`` that is not finite, with the arithmetic that made it.

        >>> x = Value(0.0, "x")
        >>> r = x.sqrt()
        >>> print(AnomalyError.in_backward(r, r, 0, 2.0, math.inf, AnomalyWatch()))
        backward: sqrt'(x=0.0) = inf times upstream 2.0 -> inf, passed to 'x' by a sqrt node
        """
        op = node._op
        assert op is not None
        try:
            local = op.partials(node)[i]
        except (ArithmeticError, ValueError):
            local = term / g if g else math.nan
        names = input_names(node)
        args = operands_text(node, params=False)
        unary = len(names) == 1
        what = f"{op.name}'({args})" if unary else f"d {op.name}({args})/d{names[i]}"
        child = node.inputs[i]
        site = watch.sites.get(node, "")
        where = f" (created at {site})" if site else ""
        message = (
            f"backward: {what} = {local!r} times upstream {g!r} -> {term!r}, passed to "
            f"{describe_node(child)} by {describe_node(node)}{where}"
        )
        return cls(message, child, path_to(root, child), site)

    @classmethod
    def in_sum(
        cls,
        root: Value,
        node: Value,
        i: int,
        before: float,
        term: float,
        total: float,
        watch: AnomalyWatch,
    ) -> AnomalyError:
        """Two finite contributions whose sum is not (inf + -inf, or an overflow).

        >>> x = Value(1.0, "x")
        >>> y = x * 2.0
        >>> e = AnomalyError.in_sum(y, y, 0, 1e308, 1e308, math.inf, AnomalyWatch())
        >>> str(e).split(": ", 2)[2]
        '1e+308 + 1e+308 = inf (the share from a mul node)'
        """
        child = node.inputs[i]
        site = watch.sites.get(child, "")
        message = (
            f"backward: {describe_node(child)} gathers gradient from several uses: "
            f"{before!r} + {term!r} = {total!r} (the share from {describe_node(node)})"
        )
        return cls(message, child, path_to(root, child), site)


class _Hooks:
    """How many gradient hooks exist, in any graph: while none does, backward skips them."""

    __slots__ = ("count",)

    def __init__(self) -> None:
        self.count = 0


HOOKS = _Hooks()
# A leaf's hooks (interior nodes keep theirs on their own Op, see Op.hooked).
LEAF_HOOKS: dict[Value, list[Callable[[Any], Any]]] = {}


def run_hooks(hooks: list[Callable[[Any], Any]], g: Any, node: Value) -> Any:
    """Pass ``g`` through each hook in turn; a hook's non-None result replaces it.

    >>> run_hooks([lambda g: g * 2, lambda g: None], 3.0, Value(0.0))
    6.0
    """
    for fn in list(hooks):
        out = fn(g)
        if out is None:
            continue
        if isinstance(out, Value):
            if not isinstance(g, Value):
                out = out.data  # a first-order pass keeps floats
        else:
            out = real(out, f"the hook {getattr(fn, '__name__', fn)!r} on {describe_node(node)}")
            if isinstance(g, Value):
                out = lift(out, "register_hook")
        g = out
    return g


class HookHandle:
    """What ``register_hook`` returns: ``remove()`` takes the hook off (also as a ``with``).

    >>> x = Value(2.0)
    >>> with x.register_hook(lambda g: 0.0):
    ...     (x * x).backward()
    >>> x.grad, x in LEAF_HOOKS
    (0.0, False)
    """

    def __init__(self, node: Value, fn: Callable[[Any], Any]) -> None:
        self.node = node
        self.fn = fn
        self.removed = False

    def remove(self) -> None:
        """Take the hook off (again: nothing happens).

        >>> x = Value(1.0)
        >>> h = x.register_hook(print)
        >>> h.remove(); h.remove()
        """
        if self.removed:
            return
        node = self.node
        with GRAPH_LOCK:
            self.removed = True
            HOOKS.count -= 1
            if node._a is None:
                hooks = LEAF_HOOKS[node]
                hooks.remove(self.fn)
                if not hooks:
                    del LEAF_HOOKS[node]
            else:
                op = node._op
                assert op is not None and op.hooks is not None
                op.hooks.remove(self.fn)
                if not op.hooks:
                    node._op = op.unhooked()

    def __enter__(self) -> HookHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()


def has_hooks(order: Iterable[Value]) -> bool:
    """Whether any node in ``order`` or any leaf feeding it has a gradient hook.

    >>> x = Value(1.0)
    >>> y = x * 2
    >>> has_hooks(topological_order([y]))
    False
    """
    if not HOOKS.count:
        return False
    nodes = list(order)
    return any(n._op is not None and n._op.hooks for n in nodes) or any(
        v in LEAF_HOOKS for v in leaves(nodes)
    )


# One traversal at a time: it writes marks on the nodes, and backward writes interior grads.
# Threads that differentiate (the same or different graphs) take turns; recording is not locked.
GRAPH_LOCK = threading.RLock()


def topological_order(roots: Iterable[Value], reset: bool = False) -> list[Value]:
    """Interior nodes reachable from ``roots``, each after all of its inputs.

    Looking does not change the graph: no ``.grad`` is touched unless ``reset=True`` asks for
    every listed node's grad to be set to 0.0 (what ``backward`` does before it accumulates).
    Leaves are not listed (see ``leaves``). Safe to call from several threads.

    >>> a = Value(1.0, "a")
    >>> b = a + a
    >>> c = b * b
    >>> [n.op for n in topological_order([c])]
    ['add', 'mul']
    """
    with GRAPH_LOCK:
        order, _ = _walk(roots)
    if reset:
        for node in order:
            node.grad = 0.0
    return order


def _walk(roots: Iterable[Value]) -> tuple[list[Value], bool]:
    """The topological order of the interior nodes, and whether any has a fallible op.

    Iterative depth-first search with an explicit stack. Each call marks nodes with two fresh
    sentinel objects (entered, done), so no reset pass is needed and no visited set is built;
    the caller holds GRAPH_LOCK so no other traversal overwrites them. A user primitive's node
    keeps its inputs in the tuple layout (``_b is MANY``), so the fallibility check costs
    nothing on the common one- and two-input nodes.
    """
    entered, done = object(), object()
    fallible = False
    order: list[Value] = []
    stack = [r for r in roots if r._a is not None]
    push, pop, emit = stack.append, stack.pop, order.append
    while stack:
        node = pop()
        mark = node._mark
        if mark is entered:  # second visit: every input is done
            node._mark = done
            emit(node)
        elif mark is not done:
            push(node)
            waiting = False
            a, b = node._a, node._b
            if b is MANY:
                if node._op.fallible:  # type: ignore[union-attr]
                    fallible = True
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
                emit(node)
    return order, fallible


def _leaves_first(root: Value) -> Iterator[Value]:
    """Every node ``root`` depends on, itself included, each after its inputs (caller locks)."""
    order, _ = _walk((root,))
    yield from leaves(order) if order else (root,)
    yield from order


def _blank(*ignored: object) -> Value:
    """An empty node for copy and pickle to fill in (``ignored``: what pickle saved first)."""
    return Value.__new__(Value)


class _PickleState(threading.local):
    inside = False  # saving the nodes a node depends on: they need no prelude of their own


_pickling = _PickleState()


class _Prelude:
    """The nodes a pickled node depends on, saved before it (see ``Value.__reduce_ex__``)."""

    def __init__(self, nodes: list[Value]) -> None:
        self.nodes = nodes

    def __reduce__(self) -> tuple[Any, ...]:
        _pickling.inside = True  # pickle now saves self.nodes, then _PreludeEnd
        return (_blank, (*self.nodes, _PreludeEnd()))


class _PreludeEnd:
    def __reduce__(self) -> tuple[Any, ...]:
        _pickling.inside = False
        return (_blank, ())


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
