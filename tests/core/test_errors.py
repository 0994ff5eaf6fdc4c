"""Bad input: a clear error naming the operation and operand, and nothing changed."""

import pytest

from autograd import Value, primitive
from autograd.core.graph import leaves, topological_order

CASES = [
    ("log", ValueError, lambda v: v.log(), -1.0),
    ("log", ValueError, lambda v: v.log(), 0.0),
    ("sqrt", ValueError, lambda v: v.sqrt(), -4.0),
    ("div", ZeroDivisionError, lambda v: v / 0, 1.0),
    ("div", ZeroDivisionError, lambda v: 1 / v, 0.0),
    ("pow", ZeroDivisionError, lambda v: v**-1, 0.0),
    ("pow", ZeroDivisionError, lambda v: v**-2.5, 0.0),
    ("pow", ValueError, lambda v: v**0.5, -8.0),
    ("pow", ValueError, lambda v: v ** (1 / 3), -8.0),
    ("powv", ValueError, lambda v: v ** Value(2.0), -2.0),
    ("powv", ValueError, lambda v: (-2.0) ** v, 0.5),
    ("powv", ZeroDivisionError, lambda v: v ** Value(-1.0), 0.0),
    ("exp", OverflowError, lambda v: v.exp(), 1000.0),
    ("pow", OverflowError, lambda v: v**400, 10.0),
    ("sin", ValueError, lambda v: v.sin(), float("inf")),
]


def _graph_state(root):
    """Everything a failed operation must leave alone: nodes, their data, grads and links."""
    order = topological_order([root])
    nodes = leaves(order) + order
    return [(id(n), n.data, n.grad, n.inputs, n.label) for n in nodes]


@pytest.mark.parametrize("name, kind, fn, at", CASES)
def test_error_names_operation_and_operand_and_changes_nothing(name, kind, fn, at):
    x = Value(at, label="x")
    keep = x * 2.0 + 1.0  # an existing graph through x, with gradients from a pass
    keep.backward()
    before = _graph_state(keep)
    with pytest.raises(kind) as err:
        fn(x)
    message = str(err.value)
    assert message.startswith(f"{name}:")
    assert repr(at) in message or "x=" in message
    assert _graph_state(keep) == before
    assert x.grad == 2.0


def test_negative_base_never_becomes_complex():
    for base in (-8.0, -0.5):
        with pytest.raises(ValueError, match="non-integer"):
            Value(base) ** 0.5


def test_failing_user_rule_leaves_every_gradient_as_it_was():
    calls = {"n": 0}

    def bad_rule(x):
        calls["n"] += 1
        raise RuntimeError("rule exploded")

    @primitive(derivatives=[bad_rule])
    def fragile(x):
        return 2.0 * x

    a, b = Value(1.0), Value(2.0)
    h = a * b
    ok = h * 3.0
    ok.backward()
    a.grad += 10.0  # some accumulated state to keep
    grads = (a.grad, b.grad, h.grad, ok.grad)
    out = fragile(h) + h
    with pytest.raises(RuntimeError, match="rule exploded"):
        out.backward()
    assert calls["n"] == 1
    assert (a.grad, b.grad, h.grad, ok.grad) == grads


def test_backward_rejects_a_non_number_seed():
    x = Value(1.0)
    y = x * 3
    with pytest.raises(TypeError, match=r"backward\(gradient\).*str"):
        y.backward("x")
    assert x.grad == 0.0 and y.grad == 0.0
