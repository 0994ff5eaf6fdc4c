"""register_hook as PyTorch's: backward, grad(), create_graph and steppers; compile refuses."""

from __future__ import annotations

import math
import weakref

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
from autograd import Value, grad
from autograd.core.counters import HOOKS
from autograd.core.hooks import hooks_of_leaf
from autograd.testing.strategies import expressions
from autograd.viz import BackwardStepper


def test_an_interior_hook_sees_the_complete_gradient_and_replaces_it():
    a = Value(2.0, "a")
    b = a * a  # used twice below: its gradient is complete only after both uses
    seen = []
    b.register_hook(lambda g: seen.append(g) or g * 10)
    (b + b).backward()
    assert seen == [2.0]  # once, with both contributions
    assert a.grad == 2 * 10 * 2 * 2.0


def test_a_leaf_hook_sees_this_pass_alone_and_accumulates_its_result():
    w = Value(3.0, "w")
    w.grad = 100.0  # from an earlier pass
    seen = []
    w.register_hook(lambda g: seen.append(g) or g / 2)
    (w * w).backward()
    assert seen == [6.0] and w.grad == 100.0 + 3.0


def test_hooks_in_grad_with_and_without_create_graph():
    x = Value(1.5, "x")
    y = x.sin()
    y.register_hook(lambda g: g * 2)
    (d,) = grad(y * 3, x)
    assert d.data == pytest.approx(6 * math.cos(1.5))
    (d1,) = grad(y * y, x, create_graph=True)  # the hook receives and returns a Value
    (d2,) = grad(d1, x)
    # d1 = 4 y cos x with y = sin x. Differentiating d1 passes through y again, and y's hook
    # doubles that share too (as in PyTorch): d2 = 2 * 4 cos x * cos x + 4 y * -sin x.
    c, s = math.cos(1.5), math.sin(1.5)
    assert d2.data == pytest.approx(8 * c * c - 4 * s * s)


def test_remove_and_with_take_the_hook_off_and_restore_the_shared_op():
    x = Value(2.0)
    y = x * 3
    shared = y.operation
    h = y.register_hook(lambda g: 0.0)
    assert y.operation is not shared and HOOKS.count >= 1
    h.remove()
    assert y.operation is shared
    y.backward()
    assert x.grad == 3.0
    with x.register_hook(lambda g: 0.0):
        pass
    assert hooks_of_leaf(x) is None


def test_a_bad_hook_result_is_refused_and_changes_nothing():
    x = Value(2.0, "x")
    y = x * x
    y.register_hook(lambda g: "ten")
    with pytest.raises(TypeError, match=r"hook .* on a mul node: expected a real number"):
        y.backward()
    assert x.grad == 0.0 and y.grad == 0.0


def test_steppers_show_the_hook_and_end_where_backward_ends():
    a = Value(-3.0, "a")
    b = a * a
    b.label = "b"
    b.register_hook(lambda g: g * 10)
    a.register_hook(lambda g: g + 1)
    s = BackwardStepper(b * 2)
    text = s.text()
    assert "a hook on b changes its gradient: 2 -> 20" in text
    assert "a hook on a changes its gradient: -120 -> -119" in text
    s.run()
    (b * 2).backward()
    assert s.grads[a] == a.grad == -119.0


def test_compile_refuses_a_graph_with_hooks_clearly():
    w = Value(2.0, "w")
    with w.register_hook(lambda g: g), pytest.raises(ValueError, match="gradient hook"):
        autograd.compile(lambda x: x * w, [1.0])
    assert autograd.compile(lambda x: x * w, [1.0])(3.0).value == 6.0


@settings(max_examples=30)
@given(expressions(max_ops=6), st.floats(-3, 3))
def test_a_scaling_hook_on_the_output_scales_every_gradient(expr, k):
    leaves = expr.leaves()
    out = expr.build(leaves)
    plain = grad(out, leaves)
    out2 = expr.build(leaves)
    if out2.is_leaf:
        return
    out2.register_hook(lambda g: g * k)
    hooked = grad(out2, leaves)
    # (a gradient that cancels to 0 one way may leave a rounding residue like 1e-79 the other)
    for p, h in zip(plain, hooked, strict=True):
        assert h.data == pytest.approx(p.data * k, rel=1e-12, abs=1e-9) or p.data != p.data


@pytest.mark.torch
def test_matches_torch_register_hook():
    torch = pytest.importorskip("torch")
    x = Value(0.7)
    y = x.tanh()
    y.register_hook(lambda g: g * 3)
    x.register_hook(lambda g: g - 1)
    (y * y).backward()
    tx = torch.tensor(0.7, dtype=torch.float64, requires_grad=True)
    ty = torch.tanh(tx)
    ty.register_hook(lambda g: g * 3)
    tx.register_hook(lambda g: g - 1)
    (ty * ty).backward()
    assert x.grad == pytest.approx(tx.grad.item(), rel=1e-15)
    # and through a second derivative, where the hook fires again
    x2 = Value(1.5)
    y2 = x2.sin()
    y2.register_hook(lambda g: g * 2)
    (d1,) = grad(y2 * y2, x2, create_graph=True)
    (d2,) = grad(d1, x2)
    t2 = torch.tensor(1.5, dtype=torch.float64, requires_grad=True)
    ty2 = torch.sin(t2)
    ty2.register_hook(lambda g: g * 2)
    (td1,) = torch.autograd.grad(ty2 * ty2, t2, create_graph=True)
    (td2,) = torch.autograd.grad(td1, t2)
    assert d2.data == pytest.approx(td2.item(), rel=1e-12)


# -- hooks live and die with their node ------------------------------------------------------


def _finalized(fn):
    gone: list[bool] = []
    weakref.finalize(fn, gone.append, True)
    return gone


def test_a_hooked_leaf_dropped_without_removing_its_hook_is_freed_and_uncounted():
    before = HOOKS.count
    x = Value(2.0)
    fn = lambda g: g
    gone = _finalized(fn)
    x.register_hook(fn)  # the handle is dropped at once, as most code does
    y = x * 3
    y.register_hook(lambda g: g)
    assert HOOKS.count == before + 2
    del fn, x, y
    # the leaf, its hook and the interior node went: later backward passes take the fast path
    assert gone == [True] and HOOKS.count == before


def test_a_copy_or_pickle_of_a_hooked_node_carries_no_hook():
    import copy
    import pickle

    x = Value(2.0)
    with x.register_hook(lambda g: g * 100):
        y = x * x
        y.register_hook(lambda g: g * 10)
        for twin in (copy.copy(x), copy.deepcopy(y).inputs[0], pickle.loads(pickle.dumps(y))):
            z = twin * 1.0
            z.backward()
            assert hooks_of_leaf(twin if twin.is_leaf else twin.inputs[0]) is None
        copied = copy.deepcopy(y)
        copied.backward()
        assert copied.inputs[0].grad == 4.0  # neither y's hook nor x's came along
        assert copy.copy(y).operation.hooks is None


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.booleans(), st.booleans()), max_size=12))
def test_the_hook_count_is_the_hooks_that_live_nodes_hold(plan):
    """Register hooks on leaves or interior nodes, keep or drop their handles and nodes, remove
    some: the count always equals the hooks on live nodes, and is back where it was at the end."""
    before = HOOKS.count
    kept: list[tuple[Value, object]] = []
    for on_leaf, keep, remove in plan:
        node = Value(1.0) if on_leaf else Value(1.0) * 2
        handle = node.register_hook(lambda g: g)
        if remove:
            handle.remove()
        if keep:
            kept.append((node, handle))
        del node, handle
        live = sum(
            len(hooks_of_leaf(n) or []) if n.is_leaf else len(n.operation.hooks or [])
            for n, _ in kept
        )
        assert HOOKS.count == before + live
    kept.clear()
    assert HOOKS.count == before


def test_compile_refuses_a_hook_added_after_compiling_and_a_hooked_leaf_output():
    w = Value(3.0)
    f = autograd.compile(lambda x: w * x, [2.0], parameters=[w])
    assert f(2.0).param_grads == (2.0,) or list(f(2.0).param_grads) == [2.0]
    with w.register_hook(lambda g: g * 10):
        with pytest.raises(ValueError, match=r"since compiling.*gradient hook"):
            f(2.0)
        with pytest.raises(ValueError, match="gradient hook"):
            autograd.compile(lambda x: w, [2.0], parameters=[w])
    assert f(2.0).value == 6.0  # the hook removed: compiled code is right again


@pytest.mark.parametrize("order", ["x first", "y first"])
def test_a_hook_that_removes_another_leafs_hook_is_no_error(order):
    """Removing a leaf's (last) hook from inside another hook once raised KeyError."""
    x, y = Value(2.0, "x"), Value(3.0, "y")
    handles = {}

    def remover(name):
        def hook(g):
            handles[name].remove()
            return g

        return hook

    first, second = ("x", "y") if order == "x first" else ("y", "x")
    handles[second] = {"x": x, "y": y}[second].register_hook(lambda g: g * 10)
    handles[first] = {"x": x, "y": y}[first].register_hook(remover(second))
    (x * y).backward()  # no KeyError, in whichever order the leaves' hooks run
    assert {x.grad, y.grad} <= {3.0, 30.0, 2.0, 20.0}
    assert hooks_of_leaf({"x": x, "y": y}[second]) is None
    handles[first].remove()
