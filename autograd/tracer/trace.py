"""``autograd.compile``: trace a function once, then replay it as straight-line float code.

Eager mode allocates a node per operation and walks the graph on every backward. A training
loop builds a graph of the same shape every step, so ``compile`` records it once and writes it
out as one Python function over floats: the forward rules, then the chain rule, line by line
(``.source`` shows it). Calling the result runs no ``Value`` code at all.

Tracing records operations, not Python: an ``if`` on data, ``max`` over data, or a loop whose
length depends on data is frozen at the path the example inputs took. ``check=True`` (or
``.check(...)``) re-runs the function eagerly, compares the graph it builds and the numbers,
and raises ``TracePathError`` when the recorded path no longer applies.
"""

from __future__ import annotations

import builtins
import itertools
import math
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple, Protocol, cast

from ..core.counters import HOOKS
from ..core.graph import leaves as graph_leaves
from ..core.graph import topological_order
from ..core.hooks import has_hooks, hooks_of_leaf
from ..core.modes import enable_grad, no_grad
from ..core.numbers import real
from ..core.source_lines import keep_source
from ..core.value import Value
from ..reverse_mode import grad
from .emit import Trace, describe, generate, is_const, signature

_file_numbers = itertools.count()


def run_source(source: str, what: str, ns: dict[str, object], owner: object) -> str:
    """Compile and run generated source into ``ns``; returns the file name it is filed under.

    The source is kept in ``linecache`` under that name for as long as ``owner`` lives, so
    tracebacks, ``pdb`` and ``inspect.getsource`` show the generated lines.

    >>> import linecache
    >>> ns, owner = {}, type("Owner", (), {})()
    >>> source = "def f(x):" + chr(10) + "    return 1 / x" + chr(10)
    >>> name = run_source(source, "example", ns, owner)
    >>> linecache.getline(name, 2).strip()
    'return 1 / x'
    """
    filename = f"<autograd {what} #{next(_file_numbers)}>"
    keep_source(filename, source, owner)
    exec(builtins.compile(source, filename, "exec"), ns)
    return filename


class TracePathError(RuntimeError):
    """The function no longer takes the path that was traced (data-dependent control flow).

    >>> import autograd
    >>> f = autograd.compile(lambda x: x.relu() if x.data > 0 else x * 2, [1.0], check=True)
    >>> f(-1.0)
    Traceback (most recent call last):
    ...
    autograd.tracer.TracePathError: ...
    """


# The generated ``forward_backward``: value, input gradients, parameter gradients, extras.
_Generated = Callable[..., tuple[float, tuple[float, ...], tuple[float, ...], tuple[float, ...]]]


class Result(NamedTuple):
    """What a compiled function returns: the output, its gradients, and extra outputs.

    >>> import autograd
    >>> r = autograd.compile(lambda x, y: x * y, [1.0, 2.0])(3.0, 4.0)
    >>> r.value, r.grads, r.param_grads, r.extras
    (12.0, (4.0, 3.0), (), ())
    """

    value: float
    grads: tuple[float, ...]  # d value / d each input
    param_grads: tuple[float, ...]  # d value / d each of ``Compiled.parameters``
    extras: tuple[float, ...]  # values of the extra outputs (no gradients)


def _trace(fn: Callable[..., Any], xs: Sequence[float]) -> tuple[list[Value], list[Value]]:
    leaves = [Value(x, f"x{i}") for i, x in enumerate(xs)]
    with enable_grad():
        got = fn(*leaves)
    if isinstance(got, Value):
        outs = [got]
    elif isinstance(got, tuple) and len(got) == 2 and isinstance(got[0], Value):
        extra = list(got[1]) if isinstance(got[1], (list, tuple)) else [got[1]]
        outs = [got[0], *extra]
    else:
        raise TypeError(
            f"compile: fn must return a Value, or (Value, [extra Values]); got {type(got).__name__}"
        )
    for i, o in enumerate(outs):
        if not isinstance(o, Value):
            raise TypeError(f"compile: extra output {i - 1} is a {type(o).__name__}, not a Value")
    return leaves, outs


def _build(
    leaves: list[Value], outs: list[Value], parameters: Sequence[Value] | None
) -> tuple[Trace, int]:
    """Number the traced graph; returns it and how many of its params the caller declared."""
    order = topological_order(outs)
    _refuse_hooks(order, outs, "the traced graph has")
    inputs = set(leaves)
    seen: dict[Value, None] = {}
    for v in [*(o for o in outs if o.is_leaf), *graph_leaves(order)]:
        if v not in inputs and not is_const(v):
            seen[v] = None
    params = list(parameters) if parameters is not None else []
    n_declared = len(params)
    known = set(params)
    params += [v for v in seen if v not in known]
    backward_order = topological_order(outs[:1])  # the order loss.backward() would use
    return Trace(order, backward_order, leaves, params, outs), n_declared


def _refuse_hooks(order: list[Value], outs: list[Value], where: str) -> None:
    """Compiled code calls no hooks: a hook in the graph (an output that is a hooked leaf too)
    is an error, never silently dropped."""
    if has_hooks(order) or any(o.is_leaf and hooks_of_leaf(o) for o in outs):
        raise ValueError(
            f"compile: {where} a gradient hook (register_hook), and compiled code does not "
            "call hooks; remove it (handle.remove()) or differentiate eagerly"
        )


class Compiled:
    """A traced function as generated code; call it with floats.

    ``compiled(*xs)`` returns ``Result(value, grads, param_grads, extras)``; ``backward(*xs)``
    adds the parameter gradients into their ``.grad`` (as ``loss.backward()`` would) and
    returns the value. Leaves the function captured (model weights) are ``parameters``: their
    current ``.data`` is read on every call, so an optimiser can update them between calls.

    >>> import autograd
    >>> f = autograd.compile(lambda x, y: x * y + x.sin() - y, [1.0, 2.0])
    >>> print(f.source)
    def forward_backward(x0, x1):
        # forward: each node from its inputs
        v0 = sin(x0)  # sin
        v1 = x0 * x1  # mul
        v2 = v1 + v0  # add
        v3 = v2 - x1  # sub
        # backward: d v3 / d everything, nodes in reverse, chain rule per input
        # sub -> v3
        g3 = 1.0
        # add -> v2
        g2 = g3
        # mul -> v1
        g1 = g2
        # sin -> v0
        g0 = g2
        # parameters and inputs
        gx0 = 0.0 + g1 * (x1) + g0 * (cos(x0))
        gx1 = 0.0 - g3 + g1 * (x0)
        return v3, (gx0, gx1, ), (), ()
    <BLANKLINE>
    >>> f(0.0, 3.0)
    Result(value=-3.0, grads=(4.0, -1.0), param_grads=(), extras=())
    """

    def __init__(
        self,
        fn: Callable[..., Any],
        example_inputs: Sequence[float],
        parameters: Sequence[Value] | None = None,
        check: bool = False,
    ) -> None:
        if not callable(fn):
            raise TypeError(f"compile: expected a function, got {type(fn).__name__}")
        xs = self._floats(example_inputs, len(example_inputs), "example_inputs")
        if parameters is not None:
            parameters = list(parameters)
            for i, p in enumerate(parameters):
                if not isinstance(p, Value) or p.inputs:
                    raise TypeError(f"compile: parameters[{i}] must be a leaf Value, got {p!r}")
        self.fn = fn
        self.n_inputs = len(xs)
        self.check_mode = check
        leaves, outs = _trace(fn, xs)
        self._trace, self._n_declared = _build(leaves, outs, parameters)
        if parameters is None:  # every captured leaf is a parameter
            self._n_declared = len(self._trace.params)
        self._signature = signature(self._trace, self._n_declared)
        self.source, ns = generate(self._trace)
        self.parameters: list[Value] = self._trace.params[: self._n_declared]
        name = getattr(fn, "__name__", "fn")
        # The text comes from the traced graph only (see emit.py). Its lines stay readable in
        # tracebacks for as long as this object lives.
        run_source(self.source, f"compile {name!r}", ns, self)
        self._run = cast("_Generated", ns["forward_backward"])
        self._run_ieee: _Generated | None = None  # written on first need (see _call)
        self._params = self._trace.params
        self.nodes = len(self._trace.order)

    # -- calling ----------------------------------------------------------------------------

    def _floats(self, xs: Sequence[Any], n: int, where: str) -> list[float]:
        if isinstance(xs, (str, bytes, Value)) or not hasattr(xs, "__len__"):
            raise TypeError(f"compile: {where} must be a sequence of numbers")
        if len(xs) != n:
            raise TypeError(f"compiled function: takes {n} inputs, got {len(xs)}")
        out = []
        for i, x in enumerate(xs):
            if type(x) is float:
                out.append(x)
            elif isinstance(x, Value):
                raise TypeError(
                    f"compiled function: input {i} is a Value; compiled code runs on floats "
                    "and records no graph. For a derivative of the result, compile it: "
                    "compiled.gradient(i) (see autograd.compile)"
                )
            else:
                out.append(real(x, f"compiled function (input {i})"))
        return out

    def __call__(self, *inputs: float) -> Result:
        xs = self._floats(inputs, self.n_inputs, "inputs")
        if self.check_mode:
            return self.check(*xs)
        return self._call(xs)

    def _call(self, xs: list[float]) -> Result:
        if HOOKS.count:  # a hook registered since compiling (on a parameter, say)
            trace = self._trace
            _refuse_hooks(
                trace.order, [*trace.outputs, *trace.params], "since compiling, the graph has"
            )
        args = xs + [p.data for p in self._params]
        try:
            value, gx, gp, extras = self._run(*args)
        except (ArithmeticError, ValueError):
            # Plain float arithmetic raised: in a derivative rule, IEEE arithmetic gives inf or
            # nan instead, as eager backward does; in the forward part the error is real.
            try:
                value, gx, gp, extras = self._ieee()(*args)
            except (ArithmeticError, ValueError) as e:
                self._explain(xs, e)
                raise
        return Result(value, gx, gp[: self._n_declared], extras)

    def _ieee(self) -> _Generated:
        if self._run_ieee is None:
            source, ns = generate(self._trace, "forward_backward_ieee", ieee=True)
            run_source(source, "compile (IEEE backward)", ns, self)
            self._run_ieee = cast("_Generated", ns["forward_backward_ieee"])
        return self._run_ieee

    def _explain(self, xs: list[float], e: Exception) -> None:
        """Re-raise a failure with the eager engine's message, which names op and operand."""
        with no_grad():
            try:
                self.fn(*(Value(x) for x in xs))
            except (ArithmeticError, ValueError, TypeError) as eager:
                raise eager from None
        raise type(e)(f"compiled {getattr(self.fn, '__name__', 'function')}: {e}") from e

    def backward(self, *inputs: float) -> float:
        """Run the step and add d value / d parameter into each parameter's ``.grad``.

        >>> import autograd
        >>> w = autograd.Value(3.0)
        >>> f = autograd.compile(lambda x: w * x * x, [2.0], parameters=[w])
        >>> f.backward(2.0), w.grad
        (12.0, 4.0)
        """
        r = self(*inputs)
        for p, g in zip(self.parameters, r.param_grads, strict=True):
            p.grad += g
        return r.value

    # -- checking ---------------------------------------------------------------------------

    def check(self, *inputs: float, rel: float = 1e-12) -> Result:
        """Run eagerly too; raise TracePathError if the path or the numbers differ.

        The path is each step's operation, its parameters and inputs. Operations are told apart
        by their rules, not only their names: a user primitive written otherwise than the one
        compiled is another path, even under the same name.

        >>> import autograd
        >>> f = autograd.compile(lambda x: x * 2 if x > 0 else -x, [1.0])
        >>> f.check(5.0).value
        10.0
        >>> f.check(-5.0)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        autograd.tracer.TracePathError: ...
        """
        xs = self._floats(inputs, self.n_inputs, "inputs")
        leaves, outs = _trace(self.fn, xs)
        now, _ = _build(leaves, outs, self.parameters)
        self._compare_paths(signature(now, self._n_declared))
        got = self._call(xs)
        wrt = [*leaves, *self._params[: self._n_declared]]
        eager = [v.data for v in grad(outs[0], wrt)] if wrt else []
        pairs: list[tuple[float, float | Value, str]] = [(got.value, outs[0].data, "value")]
        pairs += [
            (a, b, f"extra output {i}")
            for i, (a, b) in enumerate(zip(got.extras, outs[1:], strict=True))
        ]
        pairs += [
            (a, b, "gradient") for a, b in zip([*got.grads, *got.param_grads], eager, strict=True)
        ]
        for a, b, what in pairs:
            b = b.data if isinstance(b, Value) else b
            if not _close(a, b, rel):
                raise TracePathError(f"compiled {what} {a!r} differs from eager {b!r}")
        return got

    def _compare_paths(self, now: list[tuple[object, ...]]) -> None:
        then = self._signature
        if now == then:
            return
        for i, (a, b) in enumerate(zip(then, now, strict=True)):
            if a[0] == b[0] and a[0] is not None and a[1] != b[1]:
                raise TracePathError(
                    f"the traced path no longer applies: step {i} was {describe(a)} when "
                    f"compiled, now {describe(b)} of another operation named {a[0]!r} too (its "
                    "rules are not the compiled ones; compile again to use it)"
                )
            if a != b:
                raise TracePathError(
                    f"the traced path no longer applies: step {i} was {describe(a)} when "
                    f"compiled, now {describe(b)} (Python control flow depends on the data; "
                    "compile again for these inputs or keep that code out of the function)"
                )
        raise TracePathError(
            f"the traced path no longer applies: {len(then)} steps when compiled, now {len(now)}"
        )

    # -- higher order -----------------------------------------------------------------------

    def gradient(self, index: int = 0, example_inputs: Sequence[float] | None = None) -> Compiled:
        """Compile d fn / d input ``index`` as a function in its own right (second order).

        The derivative is traced as a graph (``grad(..., create_graph=True)``), so it compiles
        like any other function; repeat for higher orders.

        >>> import autograd
        >>> f = autograd.compile(lambda x: x ** 3, [2.0])
        >>> d2 = f.gradient(0)
        >>> d2(2.0).value, d2(2.0).grads  # 3 x^2 and 6 x
        (12.0, (12.0,))
        """
        if not isinstance(index, int) or not 0 <= index < self.n_inputs:
            raise IndexError(f"gradient: index must be in 0..{self.n_inputs - 1}, got {index!r}")
        fn = self.fn

        def derivative(*xs: Value) -> Value:
            return grad(_first(fn(*xs)), xs[index], create_graph=True)[0]

        derivative.__name__ = f"d_{getattr(fn, '__name__', 'fn')}_d{index}"
        example = example_inputs if example_inputs is not None else self._example()
        return Compiled(derivative, example, self.parameters, self.check_mode)

    def _example(self) -> list[float]:
        return [v.data for v in self._trace.inputs]

    def __repr__(self) -> str:
        return (
            f"<compiled {getattr(self.fn, '__name__', 'fn')}: {self.n_inputs} inputs, "
            f"{len(self.parameters)} parameters, {self.nodes} nodes>"
        )


def _first(got: Any) -> Value:
    return got[0] if isinstance(got, tuple) else got


def _close(a: float, b: float, rel: float) -> bool:
    if a == b or (math.isnan(a) and math.isnan(b)):
        return True
    return abs(a - b) <= rel * max(abs(a), abs(b))


def compile(
    fn: Callable[..., Any],
    example_inputs: Sequence[float] = (),
    *,
    parameters: Sequence[Value] | None = None,
    check: bool = False,
) -> Compiled:
    """Trace ``fn`` once at ``example_inputs`` and return it as generated straight-line code.

    ``fn`` takes one Value per example input and returns a Value (or ``(Value, [extras])``).
    Leaves it uses that are not inputs (e.g. a model's weights) are parameters: pass
    ``parameters`` to fix their order (``model.parameters()``), else first use order.
    ``check=True`` runs every call eagerly too and raises ``TracePathError`` on a mismatch.

    >>> import autograd
    >>> f = autograd.compile(lambda x: (x * x - 4).relu(), [3.0])
    >>> f(3.0).value, f(3.0).grads, f(-1.0).grads
    (5.0, (6.0,), (0.0,))
    """
    return Compiled(fn, example_inputs, parameters, check)


class TrainStep(Protocol):
    """What :func:`train_step` returns: call it for one step; ``compiled`` is the traced loss.

    >>> from autograd import nn, optim, losses
    >>> model = nn.MLP(1, [1], seed=0)
    >>> opt = optim.SGD(model.parameters(), lr=0.1)
    >>> step = train_step(lambda: losses.mse(model([2.0]), 1.0), opt)
    >>> isinstance(step().value, float), step.compiled.parameters == model.parameters()
    (True, True)
    """

    compiled: Compiled

    def __call__(self) -> Result: ...


def train_step(loss: Callable[[], Any], optimizer: Any, *, check: bool = False) -> TrainStep:
    """A compiled training step: zero the gradients, forward, backward, ``optimizer.step()``.

    ``loss()`` builds the loss from the model's current weights (and may return
    ``(loss, [extras])``, e.g. the predictions); it is traced once. The optimiser's parameters
    are the compiled function's parameters, in the optimiser's order.

    >>> from autograd import nn, optim, losses
    >>> model = nn.MLP(1, [4, 1], seed=0)
    >>> opt = optim.SGD(model.parameters(), lr=0.1)
    >>> step = train_step(lambda: losses.mse(model([2.0]), 1.0), opt)
    >>> first = step().value
    >>> for _ in range(20):
    ...     last = step().value
    >>> last < first
    True
    """
    compiled = Compiled(loss, (), optimizer.params, check)

    def step() -> Result:
        result = compiled()
        optimizer.zero_grad()
        for p, g in zip(compiled.parameters, result.param_grads, strict=True):
            p.grad += g
        optimizer.step()
        return result

    made = cast(TrainStep, step)
    made.compiled = compiled
    return made
