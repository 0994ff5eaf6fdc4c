"""``Op``: what a graph node points at to know its operation, and the one registry of them.

Every node of a graph (a ``Value``) keeps its operation in ``node._op`` (read by others as
``node.operation``): the table row (``Op.row``) and the functions the engine runs for it,
written out from that row in ``autograd/core/operations.py`` (forward, backward, local
derivatives). Every operation the engine knows by name is in ``OPERATIONS``: the table's rows,
the rows behind the rule helpers, ``const`` (a number lifted into a graph) and the fused
``linear``. User primitives (``@primitive``) are Ops too, found through their function rather
than by name.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from ..ops import Primitive
from .counters import FALLIBLE, HookList
from .domain import domain_error as domain_error  # the generated operations import it from here
from .numbers import exact_key, real

T = TypeVar("T")
Terms = Callable[[Any, Any], Sequence[Any]]  # (node, upstream gradient) -> one term per input
Locals = Callable[[Any], Sequence[Any]]  # node -> one local derivative per input


def _no_terms(node: Any, g: Any) -> tuple[()]:
    return ()


def _no_locals(node: Any) -> tuple[()]:
    return ()


class Op:
    """An operation as graph nodes refer to it: the table row and the functions run for it.

    ``backward(node)`` is the chain rule at one node: it adds ``node.grad`` times each local
    derivative into that input's ``.grad``. ``terms(node, g)`` returns those products instead
    of adding them (``g`` the node's gradient), ``partials(node)`` the local derivatives
    themselves; ``terms_graph`` and ``partials_graph`` are the same over Values, so that a
    gradient can be differentiated again. ``backward_ieee`` and ``terms_ieee`` are the rules in
    IEEE arithmetic (inf and nan, never an exception), None where no rule can raise or a rule
    is a user's (``fallible``: its error reaches the user). ``make(x, ...)`` records a new node.
    ``params`` holds constant arguments (the exponent of ``x ** 2``); an Op with other params
    is a sibling made by ``bind``, sharing every function.

    >>> from autograd import Value
    >>> op = (Value(2.0) ** 3)._op
    >>> op, op.name, op.params
    (Op('pow', 3.0), 'pow', (3.0,))
    """

    __slots__ = (
        "backward",
        "backward_ieee",
        "base",
        "fallible",
        "hooks",
        "make",
        "name",
        "origin",
        "params",
        "partials",
        "partials_graph",
        "row",
        "siblings",
        "site",
        "terms",
        "terms_graph",
        "terms_ieee",
        "weighted_sum",
    )

    def __init__(
        self,
        row: Primitive | None,
        name: str,
        *,
        backward: Callable[[Any], None],
        terms: Terms = _no_terms,
        partials: Locals = _no_locals,
        terms_graph: Terms = _no_terms,
        partials_graph: Locals = _no_locals,
        backward_ieee: Callable[[Any], None] | None = None,
        terms_ieee: Terms | None = None,
        fallible: bool = False,
        weighted_sum: bool = False,
        params: tuple[float, ...] = (),
    ) -> None:
        self.row = row  # the table row this Op runs (None for const and linear)
        self.name = name
        self.params = params
        self.backward = backward
        self.terms = terms
        self.partials = partials
        self.terms_graph = terms_graph
        self.partials_graph = partials_graph
        self.backward_ieee = backward_ieee
        self.terms_ieee = terms_ieee
        self.fallible = fallible
        # b + w0*x0 + w1*x1 + ... (the fused neuron): inputs (w..., x..., b). Drawings, the
        # expanded view and compile ask this instead of the name.
        self.weighted_sum = weighted_sum
        self.make: Callable[..., Any] | None = None  # forward: operands (and params) to a node
        self.origin: tuple[str, str] | None = None  # (module, qualname) of a user primitive
        self.base = self
        self.hooks: list[Callable[[Any], Any]] | None = None  # a hooked node's own copy only
        self.site = ""  # "file.py:12" where a node made in anomaly mode was made (its own copy)
        self.siblings: dict[tuple[float, ...], Op] = {}

    def bind(self, *params: float) -> Op:
        """A sibling Op with constant ``params``, sharing the functions (cached).

        >>> pow_op = OPERATIONS["pow"]
        >>> cube = pow_op.bind(3.0)
        >>> cube, cube.backward is pow_op.backward, pow_op.bind(3.0) is cube
        (Op('pow', 3.0), True, True)
        >>> OPERATIONS["clamp"].bind(-0.0, 1.0).params  # not clamp(0.0, 1.0)'s sibling
        (-0.0, 1.0)
        """
        key: Any = params
        if 0.0 in params or any(p != p for p in params):
            # -0.0 == 0.0 and nan is no key: such params are cached by their bits, which the
            # generated lookups (``siblings.get(params)``, keyed by the floats) never find.
            key = exact_key(params)
        op = self.siblings.get(key)
        if op is None:
            op = self._sibling(params)
            op.siblings = self.siblings  # siblings share one cache
            if len(self.siblings) < 512:  # common exponents are shared; odd ones are not kept
                self.siblings[key] = op
        return op

    def __del__(self) -> None:
        if getattr(self, "fallible", False) and getattr(self, "base", None) is self:
            # a user primitive's own Op, now freed
            FALLIBLE.add(-1)

    def _sibling(self, params: tuple[float, ...]) -> Op:
        """A new Op with the base's functions and these constant parameters."""
        base = self.base
        op = Op(
            base.row, base.name, backward=base.backward, terms=base.terms,
            partials=base.partials, terms_graph=base.terms_graph,
            partials_graph=base.partials_graph, backward_ieee=base.backward_ieee,
            terms_ieee=base.terms_ieee, fallible=base.fallible, weighted_sum=base.weighted_sum,
            params=params,
        )  # fmt: skip
        op.make, op.origin, op.base = base.make, base.origin, base
        return op

    @property
    def primitive(self) -> Primitive | None:
        """The table row, as ``row`` (the older name, kept for code written against it).

        >>> OPERATIONS["mul"].primitive is OPERATIONS["mul"].row
        True
        """
        return self.row

    def float_terms(self, node: Any, g: float) -> Sequence[float]:
        """What each input receives, ``g`` times its local derivative, in float arithmetic.

        Where plain floats raise (``1 / 0``, an overflowing ``**``) the IEEE version of the
        rules gives inf or nan instead, as PyTorch does; a user rule's error propagates.

        >>> from autograd import Value
        >>> y = Value(2.0) * Value(5.0)
        >>> y._op.float_terms(y, 3.0)
        (15.0, 6.0)
        """
        try:
            return self.terms(node, g)
        except (ArithmeticError, ValueError):
            if self.terms_ieee is None:
                raise
            return self.terms_ieee(node, g)

    def hooked(self) -> Op:
        """A private copy of this Op for one node with gradient hooks (see register_hook).

        Nodes without hooks keep the shared Op: hooks cost them nothing.

        >>> op = OPERATIONS["mul"].hooked()
        >>> op.hooks, op.base is OPERATIONS["mul"], op.backward is OPERATIONS["mul"].backward
        ([], True, True)
        """
        op = self.made_at(self.site)
        op.hooks = HookList()
        return op

    def unhooked(self) -> Op:
        """The Op this one stands for without hooks: the shared one, or a copy keeping the site.

        >>> OPERATIONS["mul"].hooked().unhooked() is OPERATIONS["mul"]
        True
        """
        if self.hooks is None:
            return self
        if self.site:
            return self.made_at(self.site)
        return self.base.bind(*self.params) if self.params else self.base

    def made_at(self, site: str) -> Op:
        """A private copy of this Op for one node, remembering where it was made (anomaly mode
        keeps the site on the node's own Op, so it is freed with the node).

        >>> op = OPERATIONS["mul"].made_at("train.py:12")
        >>> op.site, op.base is OPERATIONS["mul"], OPERATIONS["mul"].site
        ('train.py:12', True, '')
        """
        op = self._sibling(self.params)
        op.site = site
        return op

    def __repr__(self) -> str:
        return f"Op({self.name!r}{', ' if self.params else ''}{', '.join(map(repr, self.params))})"

    # An Op is part of the engine, not of a graph: copies share it (hooks belong to the
    # original node and are not copied), pickles name it (``autograd.core.pickling``).
    def __copy__(self) -> Op:
        return self.unhooked()

    def __deepcopy__(self, memo: dict[int, object]) -> Op:
        return self.unhooked()


# The one registry: every operation known by name (table rows, helper rows, const, linear).
OPERATIONS: dict[str, Op] = {}


def register(op: Op) -> Op:
    """Add ``op`` to ``OPERATIONS`` under its name (a name is registered once).

    >>> register(OPERATIONS["mul"])
    Traceback (most recent call last):
    ...
    ValueError: an operation named 'mul' is already registered
    """
    if op.name in OPERATIONS:
        raise ValueError(f"an operation named {op.name!r} is already registered")
    OPERATIONS[op.name] = op
    return op


def _no_backward(node: Any) -> None:  # constants and leaves are never interior nodes
    return None


# The operation of a number lifted into the graph (the 2 in ``x * 2``): a leaf that drawings
# show as a constant and compiled code writes as a literal.
CONST = register(Op(None, "const", backward=_no_backward))


def constant(cls: type[T], x: object, where: str) -> T:
    """The number ``x`` as a constant leaf of class ``cls`` (a ``Value``); ``where`` names the
    operation in the error for what is not a number.

    >>> from autograd import Value
    >>> c = constant(Value, 2, "mul")
    >>> c.data, c.is_leaf, c.op
    (2.0, True, 'const')
    """
    node: Any = object.__new__(cls)
    node.data = real(x, where)
    node.grad = 0.0
    node.label = ""
    node._a = None
    node._b = None
    node._op = CONST
    return node
