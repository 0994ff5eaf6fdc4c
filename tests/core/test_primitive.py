"""User-defined primitives: the decorator, higher order, no_grad, several inputs, clear errors."""

import math

import pytest

from autograd import Value, grad, no_grad, primitive
from autograd.core.graph import topological_order


@primitive(derivatives=[lambda x: 3 * x**2], sample=[(-2.0, 2.0)])
def cube(x: float) -> float:
    return x**3


@primitive(derivatives=[lambda x, y: y**2, lambda x, y: 2 * x * y])
def xy2(x: float, y: float) -> float:
    return x * y * y


@primitive(derivatives=[lambda x: 1 / x], domain="x > 0")
def ln(x: float) -> float:
    return math.log(x)


def test_backward_and_value():
    x = Value(1.5, "x")
    y = cube(x)
    y.backward()
    assert (y.data, x.grad) == (3.375, 6.75)


def test_higher_order_through_the_rules():
    x = Value(1.5)
    (d1,) = grad(cube(x), x, create_graph=True)
    (d2,) = grad(d1, x, create_graph=True)
    (d3,) = grad(d2, x)
    assert (d1.data, d2.data, d3.data) == (6.75, 9.0, 6.0)


def test_several_inputs_and_composition_with_builtins():
    x, y = Value(2.0), Value(-3.0)
    z = xy2(x, y).tanh()
    z.backward()
    t = math.tanh(18.0)
    assert z.data == t
    assert x.grad == pytest.approx((1 - t * t) * 9.0)
    assert y.grad == pytest.approx((1 - t * t) * -12.0)
    hess = [grad(g, [x, y]) for g in grad(xy2(x, y), [x, y], create_graph=True)]
    assert [[h.data for h in row] for row in hess] == [[0.0, -6.0], [-6.0, 4.0]]


def test_numbers_are_lifted_and_reflected_use_works():
    x = Value(3.0)
    out = xy2(2, x) + 1
    out.backward()
    assert (out.data, x.grad) == (19.0, 12.0)


def test_no_grad_records_nothing():
    x = Value(2.0)
    with no_grad():
        y = cube(x)
    assert y.is_leaf and y.data == 8.0


def test_the_node_is_what_drawings_read():
    x = Value(0.5, "x")
    y = cube(x) * 2
    (node,) = [n for n in topological_order([y]) if n.op == "cube"]
    assert node.inputs == (x,) and node.params == () and node.data == 0.125
    assert node.operation.row is cube.primitive
    assert cube.__name__ == "cube" and cube.primitive.sample == (((-2.0, 2.0),),)


def test_argument_names_that_clash_with_generated_code_still_work():
    @primitive(derivatives=[lambda out, data: data, lambda out, data: out])
    def prod(out, data):
        return out * data

    a, b = Value(2.0), Value(5.0)
    prod(a, b).backward()
    assert (a.grad, b.grad) == (5.0, 2.0)


def test_domain_condition_refuses_outside_and_records_nothing():
    x = Value(-1.0, "x")
    x.grad = 0.25
    with pytest.raises(ValueError, match=r"ln: .*x=-1\.0.*x > 0"):
        ln(x)
    assert x.grad == 0.25
    assert ln(Value(math.e)).data == 1.0
    assert ln.primitive.in_domain(2.0) and not ln.primitive.in_domain(0.0)


def test_domain_as_predicate():
    @primitive(derivatives=[lambda x: 0.5 / x.sqrt() if isinstance(x, Value) else 0.5 / x**0.5])
    def root(x):
        return x**0.5

    @primitive(derivatives=[lambda x: 1.0], domain=lambda x: x != 0, name="nonzero_id")
    def ident(x):
        return x

    assert root(Value(4.0)).data == 2.0
    with pytest.raises(ValueError, match="nonzero_id"):
        ident(Value(0.0))


def test_forward_errors_name_the_operation_and_operand():
    @primitive(derivatives=[lambda x: -1 / x**2])
    def inv(x):
        return 1 / x

    with pytest.raises(ZeroDivisionError, match=r"inv: division by zero for x=0\.0"):
        inv(Value(0.0))
    with pytest.raises(TypeError, match=r"cube: expected a real number.*str"):
        cube("2")
    with pytest.raises(TypeError, match="cube: takes 1 arguments, got 2"):
        cube(Value(1.0), Value(2.0))


def test_a_failing_derivative_rule_leaves_gradients_as_they_were():
    @primitive(derivatives=[lambda x: math.log(x - 10)])
    def bad(x):
        return 2 * x

    x = Value(1.0)
    x.grad = 7.0
    y = bad(x * 3)
    with pytest.raises(ValueError):
        y.backward()
    assert x.grad == 7.0


@pytest.mark.parametrize(
    "kwargs, fn, error, match",
    [
        ({"derivatives": lambda x: 1}, lambda x: x, TypeError, "one rule per argument"),
        ({"derivatives": [1.0]}, lambda x: x, TypeError, r"derivatives\[0\] is not callable"),
        ({"derivatives": [lambda x: 1]}, lambda x, y: x, ValueError, "2 arguments but 1"),
        ({"derivatives": [lambda *a: 1]}, lambda *a: a[0], TypeError, "plain positional"),
        ({"derivatives": []}, lambda: 1.0, ValueError, "at least one argument"),
        ({"derivatives": [lambda x: 1], "domain": "x >"}, lambda x: x, ValueError, "condition"),
        ({"derivatives": [lambda x: 1], "domain": "y > 0"}, lambda x: x, ValueError, "'y'"),
        (
            {"derivatives": [lambda x: 1], "domain": "x.__class__ is float"},
            lambda x: x,
            ValueError,
            "Attribute is not allowed",
        ),
        ({"derivatives": [lambda x: 1], "sample": [(1, 0)]}, lambda x: x, ValueError, "low < high"),
        ({"derivatives": [lambda x: 1], "sample": [(0, 1)] * 2}, lambda x: x, ValueError, "one"),
    ],
)
def test_bad_definitions_are_refused_clearly(kwargs, fn, error, match):
    with pytest.raises(error, match=match):
        primitive(name="p", **kwargs)(fn)


def test_primitives_made_in_a_loop_are_freed_and_uncounted():
    import gc
    import linecache
    import weakref

    from autograd.core.counters import FALLIBLE

    def make():
        @primitive(derivatives=[lambda x: 2 * x])
        def square(x):
            return x * x

        return square

    gc.collect()
    before, lines = FALLIBLE.count, len(linecache.cache)
    refs = []
    for _ in range(50):
        f = make()
        y = f(Value(3.0))
        y.backward()
        refs.append(weakref.ref(f))
    del f, y
    gc.collect()
    assert not any(r() for r in refs)  # every one freed with its graph
    assert len(linecache.cache) == lines  # no source text left behind
    assert FALLIBLE.count == before  # backward is back on its fast walk
