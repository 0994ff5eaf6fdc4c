"""Every path to a gradient agrees on the shapes where paths once drifted apart.

The generator below draws, on purpose, what made backward(), anomaly mode, grad(create_graph),
compile and the parameter cache disagree: kinks at +0.0 and -0.0 (relu, abs, max, min, clamp
with a bound of either sign), infinite local slopes (sqrt and pow 0.5 at 0), zero upstream
gradients (``* 0.0``), infinite upstream gradients (``* inf``), parameters equal to -0.0 or 0.0
(``leaky_relu(x, -0.0)``, ``clamp(-0.0, hi)``), and leaves at -0.0. Each test states one class
of defect and fails on the engine as it was before that defect was fixed.
"""

from __future__ import annotations

import linecache
import math
import sys
import threading
import traceback
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import autograd
from autograd import AnomalyError, Value, detect_anomaly, grad, primitive
from autograd.core.graph import GRAPH_LOCK, leaves, topological_order, walk_zeroing
from autograd.core.sweep import GradTable, backward_pass, hooked_leaves
from autograd.viz import BackwardStepper
from tests.core.test_one_sweep import agree, bits

ZEROS = [0.0, -0.0]
POINTS = [0.0, -0.0, 1.0, -1.0, 0.25, 4.0]
BOUNDS = [(-0.0, 1.0), (0.0, 1.0), (-1.0, -0.0), (-1.0, 0.0), (0.0, 0.0), (-0.0, -0.0)]
KINKS = ["relu", "abs", "sqrt", "max", "min", "clamp", "leaky_relu", "zero", "inf", "pow"]


@st.composite
def kinked_programs(draw: Any) -> list[tuple[Any, ...]]:
    """Programs in test_one_sweep's step format, made of kinks, masks and extreme upstreams."""
    steps: list[tuple[Any, ...]] = []
    for i in range(draw(st.integers(1, 8))):
        pick = st.integers(0, 1 + i)
        kind = draw(st.sampled_from(KINKS))
        a = draw(pick)
        if kind in ("relu", "abs", "sqrt"):
            steps.append((kind, (a,), None))
        elif kind in ("max", "min"):
            steps.append((kind, (a, draw(pick)), None))
        elif kind == "clamp":
            steps.append(("clamp", (a,), draw(st.sampled_from(BOUNDS))))
        elif kind == "leaky_relu":
            steps.append(("leaky_relu", (a,), draw(st.sampled_from([0.0, -0.0, 0.1]))))
        elif kind == "pow":
            steps.append(("pow", (a,), draw(st.sampled_from([0.5, 2.0, 0.0, -0.0]))))
        else:  # an upstream gradient of 0 or inf for everything below
            steps.append(("scale", (a,), 0.0 if kind == "zero" else math.inf))
    return steps


def build(steps: list[tuple[Any, ...]], x0: float, y0: float) -> tuple[Value, Value, Value]:
    from tests.core.test_one_sweep import build as build_one

    return build_one(steps, x0, y0)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kinked_programs(), st.sampled_from(POINTS), st.sampled_from(POINTS), st.booleans())
def test_every_path_agrees_on_kinks_masks_and_extreme_upstreams(steps, x0, y0, hooked) -> None:
    """backward, grad, the stepper, anomaly mode and compile, bit for bit (test_one_sweep)."""
    handles: list[Any] = []
    try:
        agree(steps, x0, y0, hooked, handles)
    finally:
        for handle in handles:
            handle.remove()


@settings(max_examples=300, deadline=None)
@given(kinked_programs(), st.sampled_from(POINTS), st.sampled_from(POINTS))
def test_anomaly_mode_raises_exactly_when_backward_gives_a_leaf_inf_or_nan(steps, x0, y0) -> None:
    """A non-finite term that a later rule masks (sqrt'(-0.0) * 0 = nan, then relu at -0.0)
    is no anomaly: backward() gives 0 there, and anomaly mode says nothing."""
    x, y, out = build(steps, x0, y0)
    assume(all(math.isfinite(v.data) for v in [out, *topological_order([out])]))
    out.backward()
    fed = leaves(topological_order([out]))
    finite = all(math.isfinite(v.grad) for v in fed)
    with detect_anomaly():
        x2, y2, out2 = build(steps, x0, y0)
        if finite:
            out2.backward()
            assert [bits(x2.grad), bits(y2.grad)] == [bits(x.grad), bits(y.grad)]
        else:
            with pytest.raises(AnomalyError):
                out2.backward()


def test_a_masked_nan_is_no_anomaly() -> None:
    """The issue's example: sqrt(relu(x)) at x = -0.0 behind a zero gradient."""
    with detect_anomaly():
        x = Value(-0.0, "x")
        y = x.relu().sqrt() * 0.0
        y.backward()
        assert x.grad == 0.0
        assert grad(y, x)[0].data == 0.0
        assert grad(y, x, create_graph=True)[0].data == 0.0
        z = Value(0.0, "z")
        with pytest.raises(AnomalyError, match=r"sqrt'\(x=0\.0\) = inf times upstream 0\.0"):
            (z.sqrt() * 0.0).backward()  # nothing masks it: z's gradient is nan


@settings(max_examples=300, deadline=None)
@given(kinked_programs(), st.sampled_from(POINTS), st.sampled_from(POINTS))
def test_compile_agrees_with_eager_bit_for_bit_on_kinks(steps, x0, y0) -> None:
    """A parameter equal to 0 is not a masked zero: leaky_relu(x, 0.0) times an infinite
    upstream is nan in eager arithmetic, and so in compiled code."""
    from tests.core.test_one_sweep import run

    x, y, out = build(steps, x0, y0)
    out.backward()
    compiled = autograd.compile(lambda a, b: run(steps, a, b), [x0, y0])
    result = compiled(x0, y0)
    assert bits(result.value) == bits(out.data), compiled.source
    assert [bits(g) for g in result.grads] == [bits(x.grad), bits(y.grad)], compiled.source


def test_a_user_primitive_with_a_zero_parameter_compiles_as_it_runs() -> None:
    """The slope here is a parameter: compile formats it in, and must not mask it then."""
    x = Value(0.0)
    y = x.leaky_relu(0.0) * math.inf
    y.backward()
    compiled = autograd.compile(lambda v: v.leaky_relu(0.0) * math.inf, [0.0])
    assert math.isnan(x.grad) and math.isnan(compiled(0.0).grads[0])


PARAMS = [0.0, -0.0, 1.0, math.nan]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(PARAMS), st.sampled_from(PARAMS)), min_size=1))
def test_a_node_keeps_the_very_parameters_it_was_made_with(pairs) -> None:
    """-0.0 and 0.0 (and nan) are different parameters: the cache of bound Ops keeps them apart,
    whatever came first, and compile writes the node's own ones."""
    for lo, hi in pairs:
        made = [(Value(-1.0).leaky_relu(lo), (lo,)), (Value(2.0) ** hi, (hi,))]
        if lo <= hi:  # (clamp refuses lo > hi and a nan bound)
            made.append((Value(-1.0).clamp(lo, hi), (lo, hi)))
        for node, params in made:
            assert [bits(p) for p in node._op.params] == [bits(p) for p in params]


def test_clamp_at_negative_zero_after_clamp_at_zero_compiles_to_negative_zero() -> None:
    Value(-1.0).clamp(0.0, 3.5)  # (bounds no other test uses: this one comes first)
    y = Value(-1.0).clamp(-0.0, 3.5)
    assert bits(y.data) == bits(-0.0) and bits(y._op.params[0]) == bits(-0.0)
    compiled = autograd.compile(lambda v: v.clamp(-0.0, 3.5), [-1.0])
    assert bits(compiled(-1.0).value) == bits(-0.0)


@settings(max_examples=200, deadline=None)
@given(kinked_programs(), st.sampled_from(POINTS), st.sampled_from(POINTS))
def test_a_hook_under_create_graph_always_receives_a_value(steps, x0, y0) -> None:
    """Behind a mask (relu at x <= 0, the loser of max, clamp outside its bounds) the rule's
    term is the float 0.0; with create_graph every gradient a hook sees is a Value."""
    x, y, out = build(steps, x0, y0)
    seen: list[Any] = []
    handles = [v.register_hook(seen.append) for v in [*topological_order([out]), x, y]]
    try:
        grads = grad(out, [x, y], create_graph=True)
    finally:
        for h in handles:
            h.remove()
    assert all(isinstance(g, Value) for g in [*seen, *grads])


def test_a_hook_behind_a_relu_mask_receives_a_value() -> None:
    x = Value(-1.0)
    inner = x * 1.0
    seen: list[Any] = []
    with inner.register_hook(seen.append):
        grad(inner.relu() * 2, x, create_graph=True)
    assert len(seen) == 1 and isinstance(seen[0], Value) and seen[0].data == 0.0


def test_reading_grads_and_drawing_while_another_thread_runs_backward() -> None:
    """The walk of backward() marks nodes in .grad; a reader sees floats there, never a marker
    (drawing takes no lock, so it may run in the middle of a walk)."""
    from autograd.viz import draw_dot

    x = Value(0.5, "x")
    out = x
    for _ in range(3000):
        out = (out * 0.999 + x).tanh()
    nodes = [x, *topological_order([out])]
    stop = threading.Event()

    def differentiate() -> None:
        while not stop.is_set():
            out.backward()
            with GRAPH_LOCK:  # backward's own walk, which it takes while no user primitive
                walk_zeroing(out)  # (and no hook) is alive anywhere in the process

    worker = threading.Thread(target=differentiate)
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads often: readers land inside the walk
    worker.start()
    bad: list[Any] = []
    try:
        for _ in range(200):
            bad += [v.grad for v in nodes[::7] if type(v.grad) is not float]
        small = x
        for _ in range(5):
            small = small * 2
        for _ in range(3):
            draw_dot(small)
    finally:
        stop.set()
        worker.join()
        sys.setswitchinterval(interval)
    assert bad == []


def test_a_rule_frame_shows_its_source_line_in_a_traceback() -> None:
    """A user primitive's rule runs in code written from it: its frame names the rule and shows
    the line, as a frame of a file does."""

    @primitive(derivatives=[lambda x: 1.0 / (x - 1.0)])
    def twice(x: float) -> float:
        return 2.0 * x

    y = twice(Value(1.0))
    with pytest.raises(ZeroDivisionError):
        try:
            y.backward()
        except ZeroDivisionError:
            text = traceback.format_exc()
            raise
    frame = text.split("<rule of 'twice'", 1)[1]
    line = frame.splitlines()[1].strip()
    assert line.startswith("lambda g, x, out:") and "_d0(x)" in line, text
    assert "1.0 / (x - 1.0)" in text  # and the user's own rule below it


def test_a_rule_source_is_forgotten_with_its_primitive() -> None:
    import gc

    @primitive(derivatives=[lambda x: 1.0])
    def ident(x: float) -> float:
        return x

    names = [n for n in linecache.cache if "'ident'" in n]
    assert names
    del ident
    gc.collect()
    assert not [n for n in linecache.cache if "'ident'" in n]


class _Turns(GradTable):
    """A store asking the sweep for its per-node event, as the backward stepper's does."""

    records = True

    def __init__(self, seeds: dict[Any, Any]) -> None:
        super().__init__(seeds)
        self.turns: list[tuple[Any, Any, tuple[Any, ...], Any]] = []

    def step(self, node: Any, g: Any, terms: Any, hooked_from: Any) -> None:
        self.turns.append((node, g, tuple(terms), hooked_from))


@settings(max_examples=200, deadline=None)
@given(kinked_programs(), st.sampled_from(POINTS), st.sampled_from(POINTS), st.booleans())
def test_the_sweep_reports_each_node_turn_and_the_stepper_records_those(steps, x0, y0, hooked):
    """One event per node, outputs first, with the gradient after the node's hooks and the
    terms its inputs receive; a hooked leaf's turn comes last. The backward stepper's steps
    are exactly these events."""
    x, _, out = build(steps, x0, y0)
    handles = [x.register_hook(lambda g: g * 2)] if hooked else []
    if hooked and not out.is_leaf:
        handles.append(out.register_hook(lambda g: g * 3))
    try:
        order = topological_order([out])
        store = _Turns({out: 1.0})
        backward_pass(order, store, root=out, leaf_hooks=hooked_leaves(order, (out,)))
        expected = [n for n in reversed(order)]
        if (hooked and x in leaves(order)) or (hooked and out is x):
            expected.append(x)
        assert [t[0] for t in store.turns] == expected
        for node, g, terms, hooked_from in store.turns:
            if node.is_leaf:
                assert terms == () and bits(g) == bits(2 * hooked_from)
            else:
                assert [bits(t) for t in terms] == [bits(t) for t in node._op.float_terms(node, g)]
        stepper = BackwardStepper(out)
        assert [(s.node, bits(s.grad)) for s in stepper.steps] == [
            (node, bits(g)) for node, g, _, _ in store.turns
        ]
    finally:
        for h in handles:
            h.remove()


CACHED = [0.0, -0.0, 1.0, 2.0, -1.5, math.nan, math.inf, -math.inf, 5e-324]


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(CACHED), st.sampled_from(CACHED))
def test_a_parameter_seen_before_is_found_without_bind(lo, hi) -> None:
    """The generated lookups find every bound Op that ``Op.bind`` cached, zeros too (they once
    missed those, and each such call paid for ``bind``), and still tell -0.0 from 0.0: the node
    keeps its very parameters. A nan parameter is left to ``bind`` (found by its bits there)."""
    from autograd.core.op import OPERATIONS, Op

    lo, hi = min(lo, hi), max(lo, hi)  # (clamp refuses lo > hi)
    calls = [
        (lambda: Value(-1.0).leaky_relu(lo), "leaky_relu", (lo,)),
        (lambda: Value(2.0) ** hi, "pow", (hi,)),
    ]
    if not (math.isnan(lo) or math.isnan(hi)):
        calls.append((lambda: Value(-1.0).clamp(lo, hi), "clamp", (lo, hi)))
    bind = Op.bind
    seen: list[tuple[float, ...]] = []  # the parameters bind was called with on a second call

    def counting(self: Op, *p: float) -> Op:
        seen.append(p)
        return bind(self, *p)

    for make, name, params in calls:
        cache = OPERATIONS[name].siblings
        kept = dict(cache)
        cache.clear()  # room for this test's entries, whatever ran before
        try:
            make()  # the first call binds and caches
            seen.clear()
            Op.bind = counting  # type: ignore[method-assign]
            node = make()
        finally:
            Op.bind = bind  # type: ignore[method-assign]
            cache.clear()
            cache.update(kept)
        assert seen == ([] if not any(map(math.isnan, params)) else [params])
        assert [bits(p) for p in node._op.params] == [bits(p) for p in params]
