"""Transforms over functions, with the names ``torch.func`` and JAX use.

``f`` takes Values (one per argument) and returns a Value, or a list of Values. Each transform
returns a new function. Called with numbers, it returns floats: a gradient is a float per
argument, a Jacobian a list of rows (one per output). An argument may also be a list of numbers
(a vector): its gradient is then a list too.

Transforms nest: ``grad(grad(f))`` is the second derivative and ``hessian(f)`` is
``jacfwd(jacrev(f))``. Called from inside another transform (with Values), a transform returns
Values that the outer one differentiates again, as ``create_graph=True`` does for ``grad()``.
Each call gives its arguments fresh nodes of their own, so an inner derivative never mistakes
the outer function's variable for its own (no "perturbation confusion"). An inner transform
called with plain numbers still returns Values while an outer one is running, since its
function may close over the outer variable: ``grad(lambda a: a * grad(lambda t: a * t)(3.0))``
is d/da a * a = 2a.

>>> from autograd.func import grad, hessian, jacrev
>>> f = lambda x, y: x * x * y
>>> grad(f)(3.0, 2.0), grad(f, argnums=(0, 1))(3.0, 2.0)
(12.0, (12.0, 9.0))
>>> hessian(f)(3.0, 2.0)
4.0
>>> jacrev(lambda v: [v[0] * v[1], v[0] + v[1]])([2.0, 5.0])
[[5.0, 2.0], [1.0, 1.0]]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextvars import ContextVar
from typing import Any, Union

from . import forward_mode, reverse_mode
from .core.modes import enable_grad
from .core.numbers import real
from .core.op import OPERATIONS
from .core.value import Value

Argnums = Union[int, Sequence[int]]
Function = Callable[..., Any]

__all__ = ["grad", "hessian", "hvp", "jacfwd", "jacrev", "jvp", "value_and_grad", "vjp"]


# How many transformed functions are running in this thread or task: inside one, a transform
# returns Values even for number arguments, as its function may close over the outer variable.
_RUNNING: ContextVar[int] = ContextVar("autograd_func_running", default=0)


class _Call:
    """One call of a transformed function: fresh variables for the arguments, and the outputs.

    ``nested`` is True when an argument is a Value or another transform's function is running:
    the call then sits inside another transform, which needs Values back (to differentiate
    them, and anything its own variables reach through a closure) rather than floats.
    """

    def __init__(self, f: Function, args: Sequence[Any], where: str) -> None:
        self.nested = _RUNNING.get() > 0 or any(_holds_value(a) for a in args)
        with enable_grad():
            self.args = [_variables(a, where, i) for i, a in enumerate(args)]
            token = _RUNNING.set(_RUNNING.get() + 1)
            try:
                got = f(*self.args)
            finally:
                _RUNNING.reset(token)
        self.single = isinstance(got, Value)
        self.outputs = _outputs(got, where)

    def leaves(self, argnums: int) -> list[Value]:
        arg = self.args[argnums]
        return [arg] if isinstance(arg, Value) else list(arg)

    def shaped(self, argnums: int, values: Sequence[Any]) -> Any:
        """Values for the leaves of one argument, shaped like it (a scalar or a list)."""
        return values[0] if isinstance(self.args[argnums], Value) else list(values)

    def result(self, x: Any) -> Any:
        """Floats at the outermost level; Values when nested inside another transform."""
        if isinstance(x, (list, tuple)):
            return type(x)(self.result(v) for v in x)
        if self.nested:
            return x
        return x.data if isinstance(x, Value) else float(x)


def _holds_value(a: Any) -> bool:
    return isinstance(a, Value) or (
        isinstance(a, (list, tuple)) and any(isinstance(v, Value) for v in a)
    )


_identity = OPERATIONS["identity"].make


def _fresh(v: Any, where: str) -> Value:
    """A new variable holding ``v``: a leaf for a number, an identity node for a Value.

    An identity node depends on the outer Value (so the outer transform can differentiate
    through it) yet is a node of its own, which this call differentiates with respect to.
    """
    if not isinstance(v, Value):
        return Value(real(v, where))
    return _identity(v)  # type: ignore[misc]


def _variables(a: Any, where: str, i: int) -> Value | list[Value]:
    if isinstance(a, (list, tuple)):
        if not a:
            raise ValueError(f"{where}: argument {i} is an empty list")
        return [_fresh(v, f"{where}(argument {i})") for v in a]
    return _fresh(a, f"{where}(argument {i})")


def _outputs(got: Any, where: str) -> list[Value]:
    items = (
        [got] if isinstance(got, Value) else list(got) if isinstance(got, (list, tuple)) else None
    )
    if items is None or not items or not all(isinstance(v, Value) for v in items):
        raise TypeError(
            f"{where}: the function must return a Value or a list of Values, got {got!r:.60}"
        )
    return list(items)


def _argnums(argnums: Argnums, n: int, where: str) -> tuple[int, ...]:
    nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    for k in nums:
        if isinstance(k, bool) or not isinstance(k, int) or not -n <= k < n:
            raise ValueError(f"{where}: argnums {argnums!r} out of range for {n} arguments")
    return tuple(k % n for k in nums)


def _scalar_output(call: _Call, where: str) -> Value:
    if not call.single:
        raise TypeError(f"{where}: the function must return one Value (use jacrev for several)")
    return call.outputs[0]


def _reverse(call: _Call, out: Value, nums: tuple[int, ...], seed: Any = 1.0) -> list[Any]:
    """d out / d each argument in ``nums``, shaped like the argument (reverse mode)."""
    leaves = [v for k in nums for v in call.leaves(k)]
    got = reverse_mode.grad(out, leaves, grad_outputs=seed, create_graph=call.nested)
    shaped, start = [], 0
    for k in nums:
        size = len(call.leaves(k))
        shaped.append(call.shaped(k, got[start : start + size]))
        start += size
    return shaped


def value_and_grad(f: Function, argnums: Argnums = 0) -> Function:
    """A function returning ``(f(*args), d f / d args[argnums])``, as ``jax.value_and_grad``.

    >>> value_and_grad(lambda x: x.sin() * 2)(0.0)
    (0.0, 2.0)
    """

    def value_and_grad_f(*args: Any) -> tuple[Any, Any]:
        call = _Call(f, args, "value_and_grad")
        nums = _argnums(argnums, len(args), "value_and_grad")
        out = _scalar_output(call, "value_and_grad")
        grads = _reverse(call, out, nums)
        g = grads[0] if isinstance(argnums, int) else tuple(grads)
        return call.result(out), call.result(g)

    return value_and_grad_f


def grad(f: Function, argnums: Argnums = 0) -> Function:
    """A function returning d f / d args[argnums] (a tuple for several argnums), reverse mode.

    >>> df = grad(lambda x: x ** 3)
    >>> df(2.0), grad(df)(2.0), grad(grad(df))(2.0)
    (12.0, 12.0, 6.0)
    """
    vg = value_and_grad(f, argnums)

    def grad_f(*args: Any) -> Any:
        return vg(*args)[1]

    return grad_f


def vjp(f: Function, *primals: Any) -> tuple[Any, Callable[[Any], tuple[Any, ...]]]:
    """``(f(*primals), vjp_fn)``: ``vjp_fn(cotangent)`` gives cotangent . J, one per primal.

    The cotangent is a number for a single output, else one number per output.

    >>> value, vjp_fn = vjp(lambda x, y: [x * y, x + y], 2.0, 3.0)
    >>> value, vjp_fn([1.0, 10.0])
    ([6.0, 5.0], (13.0, 12.0))
    """
    call = _Call(f, primals, "vjp")
    value = call.outputs[0] if call.single else call.outputs

    def vjp_fn(cotangent: Any) -> tuple[Any, ...]:
        seeds = [cotangent] if call.single else list(cotangent)
        if len(seeds) != len(call.outputs):
            raise ValueError(f"vjp: {len(call.outputs)} outputs but {len(seeds)} cotangents")
        leaves = [v for k in range(len(primals)) for v in call.leaves(k)]
        got = reverse_mode.grad(call.outputs, leaves, grad_outputs=seeds, create_graph=call.nested)
        shaped, start = [], 0
        for k in range(len(primals)):
            size = len(call.leaves(k))
            shaped.append(call.shaped(k, got[start : start + size]))
            start += size
        return tuple(call.result(shaped))

    return call.result(value), vjp_fn


def jvp(f: Function, primals: Sequence[Any], tangents: Sequence[Any]) -> tuple[Any, Any]:
    """``(f(*primals), J . tangents)`` by forward mode: one sweep from the inputs.

    >>> jvp(lambda x, y: x * y, (2.0, 3.0), (1.0, 0.0))
    (6.0, 3.0)
    """
    if len(primals) != len(tangents):
        raise ValueError(f"jvp: {len(primals)} primals but {len(tangents)} tangents")
    call = _Call(f, primals, "jvp")
    leaves, directions = [], []
    for k, t in enumerate(tangents):
        ts = [t] if isinstance(call.args[k], Value) else list(t)
        if len(ts) != len(call.leaves(k)):
            raise ValueError(f"jvp: tangent {k} does not match its primal's length")
        leaves += call.leaves(k)
        directions += ts
    got = forward_mode.tangents(call.outputs, leaves, directions, create_graph=call.nested)
    value = call.outputs[0] if call.single else call.outputs
    tangent = got[0] if call.single else list(got)
    return call.result(value), call.result(tangent)


def _jacobian(call: _Call, num: int, rows: list[list[Any]]) -> Any:
    """Rows d out_i / d x_j shaped as torch.func does for scalar and vector ins and outs."""
    scalar_in = isinstance(call.args[num], Value)
    if call.single and scalar_in:
        return call.result(rows[0][0])
    if call.single:
        return call.result(rows[0])
    if scalar_in:
        return call.result([row[0] for row in rows])
    return call.result(rows)


def jacrev(f: Function, argnums: Argnums = 0) -> Function:
    """The Jacobian by reverse mode: one backward sweep per output (a row each).

    >>> jacrev(lambda x, y: [x * y, x - y], argnums=(0, 1))(2.0, 3.0)
    ([3.0, 1.0], [2.0, -1.0])
    """

    def jacrev_f(*args: Any) -> Any:
        call = _Call(f, args, "jacrev")
        nums = _argnums(argnums, len(args), "jacrev")
        found = []
        for k in nums:
            rows = [
                reverse_mode.grad(out, call.leaves(k), create_graph=call.nested)
                for out in call.outputs
            ]
            found.append(_jacobian(call, k, [list(r) for r in rows]))
        return found[0] if isinstance(argnums, int) else tuple(found)

    return jacrev_f


def jacfwd(f: Function, argnums: Argnums = 0) -> Function:
    """The Jacobian by forward mode: one forward sweep per input (a column each).

    >>> jacfwd(lambda v: [v[0] * v[1], v[0] + v[1]])([2.0, 5.0])
    [[5.0, 2.0], [1.0, 1.0]]
    """

    def jacfwd_f(*args: Any) -> Any:
        call = _Call(f, args, "jacfwd")
        nums = _argnums(argnums, len(args), "jacfwd")
        found = []
        for k in nums:
            leaves = call.leaves(k)
            columns = []
            for j in range(len(leaves)):
                unit = [1.0 if i == j else 0.0 for i in range(len(leaves))]
                columns.append(forward_mode.tangents(call.outputs, leaves, unit, call.nested))
            rows = [[col[i] for col in columns] for i in range(len(call.outputs))]
            found.append(_jacobian(call, k, rows))
        return found[0] if isinstance(argnums, int) else tuple(found)

    return jacfwd_f


def hessian(f: Function, argnums: Argnums = 0) -> Function:
    """Second derivatives, forward-over-reverse: ``jacfwd(jacrev(f))``.

    >>> hessian(lambda v: v[0] * v[0] * v[1])([3.0, 2.0])
    [[4.0, 6.0], [6.0, 0.0]]
    """
    return jacfwd(jacrev(f, argnums), argnums)


def hvp(f: Function, primals: Sequence[Any], v: Sequence[Any]) -> tuple[Any, tuple[Any, ...]]:
    """``(f(*primals), H . v)``: a Hessian-vector product without forming the Hessian.

    Forward-over-reverse: one reverse sweep builds the gradient as a graph, one forward sweep
    along ``v`` differentiates it.

    >>> hvp(lambda x, y: x * x * y, (3.0, 2.0), (1.0, 0.0))
    (18.0, (4.0, 6.0))
    """
    g = grad(f, argnums=tuple(range(len(primals))))
    value = value_and_grad(f)(*primals)[0]
    _, tangent = jvp(lambda *xs: list(_flat(g(*xs))), primals, v)
    return value, _unflat(tangent, primals)


def _flat(xs: Sequence[Any]) -> list[Any]:
    out: list[Any] = []
    for x in xs:
        out += list(x) if isinstance(x, (list, tuple)) else [x]
    return out


def _unflat(flat: Sequence[Any], like: Sequence[Any]) -> tuple[Any, ...]:
    out, start = [], 0
    for x in like:
        n = len(x) if isinstance(x, (list, tuple)) else 1
        part = list(flat[start : start + n])
        out.append(part if isinstance(x, (list, tuple)) else part[0])
        start += n
    return tuple(out)
