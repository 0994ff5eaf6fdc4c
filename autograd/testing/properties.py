"""One primitive checked completely: value, node, partials, first and second derivatives."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..core.modes import no_grad
from ..core.value import Value
from .checks import GradcheckError, Row, gradcheck, gradgradcheck, report
from .operations import OpLike, apply, forward_float, resolve


def check_primitive(
    op: OpLike,
    inputs: Sequence[float],
    params: Sequence[float] = (),
    *,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
) -> bool:
    """Check one operation at one point; raise GradcheckError naming what disagrees.

    Checks the value against the forward rule on floats (with and without ``no_grad``), the
    recorded node (op, inputs, params), the float partials against the Value partials, and the
    first and second derivatives against central finite differences.

    >>> check_primitive("tanh", [0.4])
    True
    """
    p = resolve(op)
    xs = [float(x) for x in inputs]
    leaves = [Value(x, n) for x, n in zip(xs, p.inputs, strict=True)]
    out = apply(p, leaves, params)
    with no_grad():
        detached = apply(p, xs, params)
    expected = forward_float(p, xs, params)
    rows = [
        Row("value", out.data, expected, 0.0),
        Row("value under no_grad", detached.data, expected, 0.0),
    ]
    report("value check", rows, raise_exception=True)
    node_op = out.operation
    if node_op is None or node_op.row is not p or out.inputs != tuple(leaves):
        raise GradcheckError(f"{p.name}: recorded node is wrong: {out.op} {out.inputs}", [])
    if out.params != tuple(params):
        raise GradcheckError(f"{p.name}: recorded node is wrong: params {out.params}", [])
    if not detached.is_leaf:
        raise GradcheckError(f"{p.name}: recorded a node under no_grad", [])
    floats = node_op.partials(out)
    values = node_op.partials_graph(out)
    as_float = [v.data if isinstance(v, Value) else float(v) for v in values]
    rows = [
        Row(f"d{p.name}/d{n} floats vs Values", a, b, 1e-12 * (1 + abs(b)))
        for n, a, b in zip(p.inputs, floats, as_float, strict=True)
    ]
    report("partials check", rows, raise_exception=True)
    fn = lambda *vs: apply(p, vs, params)
    return gradcheck(fn, leaves, eps=eps, atol=atol, rtol=rtol) and gradgradcheck(
        fn, leaves, eps=eps, atol=atol, rtol=rtol
    )


def primitive_test(op: OpLike, *, settings: Any = None, **tolerances: float) -> Callable[[], None]:
    """A complete property test for an operation, as one line in a test module.

    The returned function is a Hypothesis test (plain pytest collects it, no plugin needed)
    that draws inputs inside the operation's domain and runs ``check_primitive`` on each.

    >>> from autograd import primitive
    >>> @primitive(derivatives=[lambda x: 3 * x ** 2], sample=[(-2.0, 2.0)])
    ... def cube(x):
    ...     return x ** 3
    >>> test_cube = primitive_test(cube)
    >>> test_cube()  # pytest would call it
    """
    from hypothesis import given
    from hypothesis import settings as hsettings
    from hypothesis import strategies as st

    from .strategies import arguments

    p = resolve(op)

    def check(args: tuple[tuple[float, ...], tuple[float, ...]]) -> None:
        xs, params = args
        check_primitive(p, xs, params, **tolerances)

    check.__name__ = check.__qualname__ = f"test_{p.name}"
    # Deferred: a domain that holds nowhere in the sample intervals fails this test (with a
    # message saying to pass sample=) when it runs, not the import of the test module.
    test = given(st.deferred(lambda: arguments(p)))(check)
    return (settings or hsettings(deadline=None))(test)
