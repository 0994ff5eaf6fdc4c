"""The backward and forward steppers: steps, undo, final gradients equal backward()'s."""

import math

import pytest
from graphs import mlp_loss, neuron
from hypothesis import assume, given
from hypothesis import strategies as st

from autograd import Value, primitive
from autograd.core.graph import topological_order
from autograd.ops import TABLE, Primitive
from autograd.testing.operations import apply
from autograd.viz import BackwardStepper, ForwardStepper
from autograd.viz.dot import forward_order
from autograd.viz.style import fmt


def backward_grads(root, nodes):
    for n in nodes:
        n.grad = 0.0
    root.backward()
    return [n.grad for n in nodes]


def test_neuron_steps_name_node_local_derivative_and_what_is_passed():
    y, (x, _w, b) = neuron()
    s = BackwardStepper(y)
    assert len(s) == len(topological_order((y,))) == 3
    t = math.tanh(0.88)
    step = s.next()
    assert step.node is y and step.grad == 1.0 and step.local == pytest.approx((1 - t * t,))
    step = s.next()
    assert step.node.op == "add" and step.local == (1, 1)
    assert step.passed == (1 - t * t, 1 - t * t)
    assert s.grads[b] == 1 - t * t and x not in s.grads  # so far
    step = s.next()
    assert step.local == (-3.0, 2.0) and step.passed == ((1 - t * t) * -3.0, (1 - t * t) * 2.0)
    text = s.describe(step)
    assert "local d(x × w)/dx = w = -3" in text and "local d(x × w)/dw = x = 2" in text
    assert "upstream 0.501 × local -3 = -1.503; x.grad = -1.503" in text
    marked = [line for line in s.text().splitlines() if line.startswith(">")]
    assert marked == ["> step 3 of 3: n1 = x × w = -6"]
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


def _positive_only(row: Primitive) -> bool:
    """Whether the row refuses a negative operand (log, sqrt): it is stepped on v * v + 1."""
    try:
        apply(row, [Value(-1.0)] * len(row.inputs), row.param_defaults)
    except (ArithmeticError, ValueError):
        return True
    return False


# Every row of the registry a user calls as a method, with its defaults: a new row is stepped
# here without being listed. A two-input row takes the previous node as its second operand.
STEPPED = [
    row
    for row in TABLE
    if row.method and len(row.param_defaults) == len(row.params) and len(row.inputs) <= 2
]
SHAPED = {row: _positive_only(row) for row in STEPPED}


def step(row: Primitive, v: Value, previous: Value) -> Value:
    """The row applied to ``v`` (and ``previous``), each operand moved into its domain."""
    operands = [v, previous][: len(row.inputs)]
    if SHAPED[row]:
        operands = [u * u + 1 for u in operands]
    return apply(row, operands, row.param_defaults)


@given(
    st.lists(st.tuples(st.sampled_from(STEPPED), st.integers(0, 5)), min_size=1, max_size=25),
    st.floats(-1.5, 1.5),
)
def test_random_graphs_final_grads_equal_backward(program, x0):
    x = Value(x0, "x")
    pool = [x]
    for row, j in program:
        try:
            v = step(row, pool[j % len(pool)], pool[-1])
        except (ArithmeticError, ValueError):  # outside the row's domain here: leave it out
            continue
        pool.append(v + pool[-1] * 0.5)  # reuse: later nodes feed on several earlier ones
    assume(len(pool) > 1)
    root = pool[-1]
    s = BackwardStepper(root, gradient=2.0)
    s.run()
    order = forward_order(root)
    for n in order:
        n.grad = 0.0
    root.backward(2.0)
    mine, theirs = [s.grads.get(v, 0.0) for v in order], [v.grad for v in order]
    assert [repr(g) for g in mine] == [repr(g) for g in theirs]  # bit for bit, nan included


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


def test_frames_start_then_one_per_step_and_position_kept():
    y, (_x, _w, _b) = neuron()
    s = BackwardStepper(y)
    s.seek(1)
    frames = s.frames(legend=False)
    assert len(frames) == len(s) + 1 == 4 and s.position == 1
    assert 'class="current"' not in frames[0]  # frame 0: before any step
    for frame, vid in zip(frames[1:], ("v5", "v4", "v2"), strict=True):
        assert 'class="current"' in next(
            line for line in frame.splitlines() if line.startswith(f"  {vid} ")
        )
    assert "grad ·" in frames[0] and "grad ·" not in frames[-1]  # leaves get theirs at the end


def test_forward_stepper_order_and_values():
    y, (x, w, _b) = neuron()
    f = ForwardStepper(y)
    assert [step.node for step in f] == forward_order(y)
    assert [f.describe(st) for st in f][2] == "step 3 of 6: n1 = x × w = 2 × -3 = -6"
    assert f.position == len(f)  # iterating runs it
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


def test_widget_builds_or_explains():
    y, _ = neuron()
    s = BackwardStepper(y)
    try:
        import ipywidgets  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError, match="notebooks"):
            s.widget()
        return
    box = s.widget(legend=False)
    first, prev, nxt, last, slider = box.children[1].children
    assert [b.description for b in (first, prev, nxt, last)] == [
        "« first",
        "‹ back",
        "next ›",
        "last »",
    ]
    slider.value = 2
    assert s.position == 2
    nxt.click()
    assert s.position == 3
    first.click()
    assert s.position == 0


def test_play_outside_jupyter_prints_every_frame(capsys):
    a = Value(-3.0, "a")
    b = a + a
    b.label = "b"
    c = b * b
    c.label = "c"
    s = BackwardStepper(c)
    s.seek(1)
    assert s.play() is None
    out = capsys.readouterr().out
    assert out == s.text() + "\n" and s.position == 1
    assert out.splitlines()[0].startswith("  start: c = b × b = 36.")
    assert "> step 1 of 2: c = b × b = 36" in out
    assert "b.grad: -6 -> -12 (adds up)" in out and "a.grad: -12 -> -24 (adds up)" in out


def test_iterating_runs_both_steppers():
    y, (x, _w, _b) = neuron()
    s = BackwardStepper(y)
    texts = [s.describe(step) for step in s]
    assert s.position == len(s) == 3 and len(set(texts)) == 3
    assert all("(not yet run)" not in t for t in texts)
    assert s.grads[x] == backward_grads(y, [x])[0]
    f = ForwardStepper(y)
    assert [step.node for step in f] == forward_order(y) and f.computed == set(forward_order(y))


def test_accumulation_is_shown_where_an_input_gets_several_shares():
    a = Value(-3.0, "a")
    b = a + a
    b.label = "b"
    c = b * b
    c.label = "c"
    s = BackwardStepper(c)
    assert s.title == "Backward pass: c = (a + a) × (a + a)"
    assert s.describe(None).startswith("start: c = b × b = 36. Backward begins at the output")
    first, second = (s.describe(step).splitlines() for step in s)
    assert first == [
        "step 1 of 2: c = b × b = 36",
        "  upstream gradient: c.grad = 1",
        "  to b: local d(b × b)/db = b = -6",
        "        upstream 1 × local -6 = -6; b.grad = -6",
        "  to b: local d(b × b)/db = b = -6",
        "        upstream 1 × local -6 = -6; b.grad: -6 -> -12 (adds up)",
    ]
    assert second[1] == "  upstream gradient: b.grad = -12"
    assert second[-1] == "        upstream -12 × local 1 = -12; a.grad: -12 -> -24 (adds up)"
    assert s.grads[a] == -24.0 == backward_grads(c, [a])[0]


def named_in_drawing(frame):
    """{node id: the name at the head of its box} in DOT text (constants show 'const')."""
    import re

    return {
        m[1]: m[2].replace("\\ ", " ")
        for m in re.finditer(r'^\s+(v\d+) \[label="\{(.*?) \| data', frame, re.M)
    }


@pytest.mark.parametrize("fused", [False, True])
def test_every_node_named_in_the_text_carries_that_name_in_the_drawing(fused):
    loss, _params = mlp_loss(sizes=(2, 1), points=((0.5, -0.5),), fused=fused)
    for s in (BackwardStepper(loss), ForwardStepper(loss), BackwardStepper(loss, expand=True)):
        s.seek(len(s))
        heads = named_in_drawing(s.dot(legend=False))
        for node, vid in s.ids.items():
            if node.op == "const":  # a constant is called by its value, which its box shows
                assert heads[vid] == "const" and s.name(node) == f"const {fmt(node.data)}"
            else:
                assert s.name(node) == heads[vid] == s.names[node]
        for step in s.steps:
            text = s.describe(step)
            for node in (step.node, *step.node.inputs):
                assert s.names[node] in text


@pytest.mark.parametrize(
    ("build", "rule"),
    [
        (lambda x: x.tanh(), "1 - n1 × n1"),
        (lambda x: x.sigmoid(), "n1 × (1 - n1)"),
        (lambda x: x**3, "3 × x^(3 - 1)"),
        (lambda x: x.log(), "1 / x"),
        (lambda x: x.sqrt(), "0.5 × 1/n1"),
        (lambda x: x.exp(), "n1"),
        (lambda x: x.relu(), "0.0 if x <= 0 else 1.0"),
        (lambda x: x.leaky_relu(0.1), "1.0 if x > 0 else 0.1"),
        (lambda x: x.cos(), "-sin(x)"),
    ],
)
def test_local_derivative_formula_comes_from_the_table_with_names_bound(build, rule):
    x = Value(0.7, "x")
    s = BackwardStepper(build(x))
    line = s.describe(s.steps[0]).splitlines()[2]
    assert f"/dx = {rule} = " in line
    assert line.endswith(f"= {fmt(s.steps[0].local[0])}")


@given(
    st.floats(-5, 5).filter(lambda v: abs(v) > 0.1),
    st.lists(st.floats(-5, 5).filter(lambda v: abs(v) > 0.1), min_size=1, max_size=2),
    st.sampled_from([0.0, 1.5, -2.0]),
)
def test_each_typical_mistake_is_named_and_the_right_answer_never_is(upstream, locals_, before):
    """The quiz's diagnosis of one step: a wrong answer that is one of the typical mistakes
    gets that mistake's words; the exact answer is never called a mistake."""
    from autograd.viz.quiz import close, typical_mistakes

    exact = before + sum(upstream * d for d in locals_)
    for value, why in typical_mistakes(upstream, locals_, before):
        assert not close(value, exact) and why
    if not close(-exact, exact):
        assert typical_mistakes(upstream, locals_, before)[0] == (
            -exact,
            "the sign is wrong (the size is right).",
        )


def test_the_widget_quiz_names_a_sign_flip():
    from autograd.viz.quiz import Quiz

    x, w = Value(2.0, "x"), Value(-3.0, "w")
    quiz = Quiz(BackwardStepper(x * w))
    q = quiz.asking()[0]
    assert quiz.why(q, "3") == "the sign is wrong (the size is right)."
    assert (
        quiz.why(q, "1")
        == "the local derivative was left out: the upstream gradient passed on as it is."
    )
    assert quiz.why(q, "-3") == "" and quiz.why(q, "17") == ""
