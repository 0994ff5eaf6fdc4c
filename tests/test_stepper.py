"""The backward and forward steppers: steps, undo, final gradients equal backward()'s."""

import math

import pytest
from graphs import mlp_loss, neuron
from hypothesis import given
from hypothesis import strategies as st

from autograd import Value, primitive
from autograd.engine import topological_order
from autograd.viz import BackwardStepper, ForwardStepper
from autograd.viz.dot import forward_order


def backward_grads(root, nodes):
    for n in nodes:
        n.grad = 0.0
    root.backward()
    return [n.grad for n in nodes]


def test_neuron_steps_name_node_local_derivative_and_what_is_passed():
    y, (x, _w, b) = neuron()
    s = BackwardStepper(y)
    assert len(s) == len(topological_order((y,), reset=False)) == 3
    t = math.tanh(0.88)
    step = s.next()
    assert step.node is y and step.grad == 1.0 and step.local == pytest.approx((1 - t * t,))
    step = s.next()
    assert step.node.op == "add" and step.local == (1, 1)
    assert step.passed == (1 - t * t, 1 - t * t)
    assert s.grads[b] == 1 - t * t and x not in s.grads  # so far
    step = s.next()
    assert step.local == (-3.0, 2.0) and step.passed == ((1 - t * t) * -3.0, (1 - t * t) * 2.0)
    assert "x += -1.503" in s.describe(step) and "local d/d input: x -3, w 2" in s.describe(step)
    assert s.text().splitlines()[-1].startswith("> step 3")
    assert x.grad == 0.0  # the stepper keeps its own gradients
    with pytest.raises(IndexError):
        s.next()


def test_back_and_seek_restore_the_gradients_exactly():
    loss, _params = mlp_loss(sizes=(3, 2, 1), points=((0.5, -0.5), (1.0, 0.25)))
    s = BackwardStepper(loss)
    snapshots = [dict(s.grads)]
    for _ in range(len(s)):
        s.next()
        snapshots.append(dict(s.grads))
    for k in range(len(s), -1, -1):
        s.seek(k)
        assert s.grads == snapshots[k]
    with pytest.raises(IndexError):
        s.back()
    with pytest.raises(IndexError):
        s.seek(len(s) + 1)


def test_reused_nodes_final_grads_equal_backward():
    a = Value(1.5, "a")
    b = a + a
    c = b + b
    s = BackwardStepper(c)
    s.run()
    assert len(s) == 2
    assert [s.grads[a], s.grads[b]] == backward_grads(c, [a, b]) == [4.0, 2.0]


@pytest.mark.parametrize("fused", [False, True])
def test_mlp_final_grads_equal_backward_bit_for_bit(fused):
    loss, _params = mlp_loss(sizes=(4, 3, 1), fused=fused)
    s = BackwardStepper(loss)
    s.run()
    order = forward_order(loss)
    assert len(s) == sum(1 for v in order if not v.is_leaf)
    mine = [s.grads.get(v, 0.0) for v in order]
    assert mine == backward_grads(loss, order)


OPS = [
    lambda v: v.tanh(),
    lambda v: v.sigmoid(),
    lambda v: v * v,
    lambda v: v.exp(),
    lambda v: (v * v + 1).log(),
    lambda v: v.relu(),
    lambda v: 2.0 - v,
    lambda v: v**3,
    lambda v: v.sin(),
    lambda v: v / 3.0,
]


@given(
    st.lists(st.tuples(st.integers(0, len(OPS) - 1), st.integers(0, 5)), min_size=1, max_size=25),
    st.floats(-1.5, 1.5),
)
def test_random_graphs_final_grads_equal_backward(program, x0):
    x = Value(x0, "x")
    pool = [x]
    for op, j in program:
        v = OPS[op](pool[j % len(pool)])
        pool.append(v + pool[-1] * 0.5)  # reuse: later nodes feed on several earlier ones
    root = pool[-1]
    s = BackwardStepper(root, gradient=2.0)
    s.run()
    order = forward_order(root)
    for n in order:
        n.grad = 0.0
    root.backward(2.0)
    assert [s.grads.get(v, 0.0) for v in order] == [v.grad for v in order]


def test_apply_writes_grad_like_backward():
    y, (x, w, b) = neuron()
    s = BackwardStepper(y)
    s.apply()
    mine = [x.grad, w.grad, b.grad]
    assert mine == backward_grads(y, [x, w, b])


def test_failing_user_rule_raises_before_any_step():
    @primitive(derivatives=[lambda x: 1 / x])
    def odd(x):
        return x

    x = Value(0.0, "x")
    y = odd(x) * 2
    with pytest.raises(ZeroDivisionError):
        BackwardStepper(y)
    assert x.grad == 0.0


def test_frames_one_per_step_and_position_kept():
    y, (_x, _w, _b) = neuron()
    s = BackwardStepper(y)
    s.seek(1)
    frames = s.frames(legend=False)
    assert len(frames) == len(s) == 3 and s.position == 1
    for frame, vid in zip(frames, ("v5", "v4", "v2"), strict=True):
        assert 'class="current"' in next(
            line for line in frame.splitlines() if line.startswith(f"  {vid} ")
        )
    assert "grad ·" in frames[0] and "grad ·" not in frames[-1]  # leaves get theirs at the end


def test_forward_stepper_order_and_values():
    y, (x, w, _b) = neuron()
    f = ForwardStepper(y)
    assert [step.node for step in f] == forward_order(y)
    assert [f.describe(st) for st in f][2] == "step 3: mul#v2 = mul(x, w) = -6"
    f.seek(3)
    frame = f.dot(legend=False)
    assert "data -6" in frame and "data 0.88" not in frame and "data ?" in frame
    f.back()
    assert f.computed == {x, w}


def test_leaf_root_has_no_backward_steps():
    x = Value(1.0, "x")
    s = BackwardStepper(x)
    assert len(s) == 0 and s.grads == {x: 1.0}
    with pytest.raises(TypeError, match="root must be a Value"):
        BackwardStepper(1.0)


def test_play_builds_widgets_or_explains():
    y, _ = neuron()
    s = BackwardStepper(y)
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError, match="notebooks"):
            s.play()
        return
    box = s.play(legend=False)
    slider = box.children[0].children[2]
    slider.value = 2
    assert s.position == 2
