"""check_engine on home-made engines: each classic mistake found and named at its root cause,
what it spoils listed as not checked, a right engine passes; learners' engines as people write
them; and micrograd 0.1.0's own report."""

import re
import weakref

import learner_real
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from learner_engines import engine

from autograd import Value
from autograd.core.counters import HookList
from autograd.testing import check_engine
from autograd.testing.learner_actions import depth
from autograd.testing.learner_report import (
    ASSIGNED,
    BREADTH,
    BY_VALUE,
    ERROR,
    HANG,
    LOCAL,
    NO_OP,
    NOT_NUMBER,
    NOT_RESET,
    NOTHING,
    ORDER,
    OWN,
    PLAIN,
    RECURSION,
    REFLECTED,
    TWICE_RUN,
    UPSTREAM,
)
from autograd.testing.learner_run import guarded
from autograd.testing.learner_spec import Spec


def test_a_right_engine_passes():
    report = check_engine(engine(), examples=40)
    assert bool(report), str(report)
    assert "everything checked is right" in str(report)
    assert "Skipped (the class does not define them): sigmoid, log, sqrt" in str(report)
    assert "40 random graphs" in str(report) and "a ** 0.5" not in str(report)


def test_this_engine_is_not_judged_against_itself():
    class Mine(Value):
        pass

    for cls in (Value, Mine, "autograd:Value"):
        report = check_engine(cls, examples=5)
        assert not report and report.kinds() == [OWN], str(report)
        assert "the judge would judge itself" in str(report)


def test_a_class_that_wraps_this_value_is_noticed():
    class Wrapper:
        def __init__(self, data, v=None):
            self.v = v if v is not None else Value(data)

        data = property(lambda self: self.v.data)
        grad = property(lambda self: self.v.grad)

        def __add__(self, other):
            return Wrapper(0, self.v + other.v)

        def __mul__(self, other):
            return Wrapper(0, self.v * other.v)

        def backward(self):
            self.v.backward()

    report = check_engine(Wrapper, examples=5)
    assert report.kinds() == [OWN], str(report)
    assert "operations call this package's engine" in str(report)


def test_a_class_with_no_operations_judged_nothing():
    class Empty:
        def __init__(self, data):
            self.data, self.grad = data, 0.0

    report = check_engine(Empty, examples=5)
    assert not report and report.kinds() == [NOTHING]
    assert str(report).startswith("check_engine(") and "nothing was judged" in str(report)


@pytest.mark.parametrize(
    ("mistake", "kind", "words"),
    [
        ("assign", ASSIGNED, "add's backward assigns (=) where it must add (+=)"),
        ("tanh", LOCAL, "of tanh: d(a.tanh())/da at a = -1.3 is 0.2574, yours gives -0.69"),
        ("upstream", UPSTREAM, "tanh's backward does not multiply by out.grad"),
        ("raises", ERROR, "a.exp(): ValueError: not written yet (in exp, line"),
        ("no-reflected", REFLECTED, "2 + a, 2 * a, 2 - a and 2 / a raise TypeError"),
        ("no-plain", PLAIN, "a + 2 raises TypeError: only Values"),
        ("recursive", RECURSION, "visit() calls itself once per node"),
        ("no-reset", NOT_RESET, "after a second backward() on the same graph a.grad ="),
    ],
)
def test_each_planted_mistake_is_found_and_named_once(mistake, kind, words):
    report = check_engine(engine(mistake), examples=20)
    assert not report
    assert words in str(report), str(report)
    # one mistake, one problem: what it spoils is listed as not checked, not as more problems
    assert report.kinds() == [kind], str(report)


def test_sum_needs_radd_and_says_why():
    report = check_engine(engine("no-reflected"), examples=5)
    assert "sum() needs __radd__: it starts from 0, so it computes 0 + a" in str(report)
    assert "sum([a, b]) (the same __radd__)" in str(report)
    assert "define __radd__, __rmul__, __rsub__, __rtruediv__" in str(report)


def test_the_failing_graph_is_drawn_as_text_and_dot():
    report = check_engine(engine("assign"), examples=5)
    (f,) = report.failures
    assert f.text().splitlines()[1:] == ["   a = 0.7", "   b = a + a = 1.4"]
    dot = f.to_dot()
    assert dot is not None and dot.startswith("digraph")


def test_what_a_problem_spoils_is_listed_as_not_checked_never_as_right():
    report = check_engine(engine("tanh"), examples=10)
    text = str(report)
    assert "Not checked because of problem 1: tanh in larger graphs." in text
    assert "tanh" not in text.split("Right: ")[1].split("\n")[0].split(", ")
    assert "random graphs (without tanh)" in text


@pytest.mark.slow
@pytest.mark.parametrize("mistake", ["hang", "hang-init"])
def test_a_class_that_hangs_is_stopped_and_reported(mistake):
    report = check_engine(engine(mistake), examples=5, time_limit=0.5)
    assert HANG in report.kinds(), str(report)
    assert "did not finish within 0.5 s" in str(report)


def test_hostile_classes_give_a_report_never_an_exception():
    class Raises:
        def __init__(self, data):
            raise RuntimeError("no")

    class Strings:
        def __init__(self, data):
            self.data, self.grad = "x", "y"

    class NotNumbers:
        def __init__(self, data, kids=()):
            self.data, self.grad, self.kids = data, 0.0, kids

        def __add__(self, other):
            return NotNumbers(self.data + other.data, (self, other))

        def backward(self):
            for k in self.kids:
                k.grad = "lots"

    for cls in (Raises, Strings, 42, "text"):
        report = check_engine(cls, examples=5)
        assert not report and (
            "cannot make a Value" in str(report) or "cannot import" in str(report)
        )
    report = check_engine(NotNumbers, examples=5)
    assert NOT_NUMBER in report.kinds()


def stubborn():
    """Loops forever, catching every Exception its time limit could raise."""
    while True:
        try:
            while True:
                pass
        except Exception:
            pass


def test_guarded_stops_a_loop_that_catches_exception():
    assert guarded(stubborn, limit=0.2).hung


def test_spec_text_names_the_steps_after_the_leaves():
    spec = Spec((1.5, 2.0), (("mul", (0, 1)), ("tanh", (2,))))
    assert spec.text() == "a = 1.5\nb = 2\nc = a × b = 3\nd = tanh(c) = 0.9951"
    # a leaf no step uses is still written
    assert Spec((0.0, 1.0), (("add", (0, 0)),)).text() == "a = 0\nb = 1\nc = a + a = 0"


def test_micrograd_derivatives_right_and_its_real_flaws_reported():
    micrograd = pytest.importorskip("micrograd.engine")
    report = check_engine(micrograd.Value, examples=60)
    text = str(report)
    # every derivative it defines is right, on its own, reused, and in random graphs
    right = text.split("Right: ")[1]
    for name in ("mul", "add", "sub", "div", "neg", "square", "cube", "relu", "60 random graphs"):
        assert name in right, text
    assert LOCAL not in report.kinds() and ASSIGNED not in report.kinds()
    # what it gets wrong: a second backward() on one graph, and its recursive build_topo
    assert report.kinds() == [NOT_RESET, RECURSION], text
    assert "build_topo() calls itself once per node" in text
    assert "Skipped (the class does not define them): tanh, sigmoid, exp, log" in text


# -- learners' engines as people write them ---------------------------------------------------


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    folder = tmp_path_factory.mktemp("engines")
    return lambda name, **kw: check_engine(learner_real.write(folder, name), **kw)


@pytest.mark.parametrize(
    ("name", "kinds", "words"),
    [
        ("no-reversed", [ORDER, RECURSION], "Did you forget reversed()"),
        ("breadth-first", [BREADTH], "your order is a breadth-first search from the output"),
        ("eq-by-data", [BY_VALUE], "your __eq__/__hash__ compare .data"),
        ("per-reference", [TWICE_RUN], "c's _backward ran once per use"),
        ("backward-shadowed", [NO_OP], "hides the class's backward() method"),
        ("recursion-limit-raised", [NOT_RESET, RECURSION], "default recursion limit (1000)"),
        ("reset-all-but-tanh", [NOT_RESET], "seen on graphs with: tanh"),
        ("getattr-wrong-exp", [LOCAL], "of exp: d(a.exp())/da"),
        ("pow-whole", [ERROR], "a ** 0.5: TypeError"),
    ],
)
def test_real_engines_get_their_root_cause(real, name, kinds, words):
    report = real(name, examples=30)
    assert report.kinds() == kinds, str(report)
    assert words in str(report), str(report)


def test_an_order_mistake_is_one_problem_and_the_rest_not_checked(real):
    text = str(real("no-reversed", examples=10))
    assert "`=` instead of `+=`" not in text and "wrong local derivative" not in text
    assert "Not checked because of problem 1:" in text and "random graphs" in text


@pytest.mark.parametrize(
    ("name", "never_right"),
    [("tanh-assign-add-mul-wrong", "tanh"), ("add-upstream-mul-wrong", "add")],
)
def test_an_operation_not_fully_checked_is_never_listed_right(real, name, never_right):
    report = real(name, examples=10)
    right = str(report).split("Right: ")[-1].split("\n")[0].split(", ")
    assert never_right not in right, str(report)
    assert re.search(rf"(Not checked|problem).*{never_right}", str(report)), str(report)


def test_a_reflected_operator_with_wrong_code_of_its_own_is_found(real):
    report = real("rsub-own-sub-wrong", examples=10)
    assert "2 - a (__rsub__)" in str(report), str(report)


def test_an_iterative_right_engine_passes(real):
    assert real("right-iterative", examples=30)


def recursive_engine(fire):
    """A micrograd-like class whose recursive ``build`` calls ``fire(count)`` at each node it
    visits (``count`` nodes visited so far)."""

    class Rec:
        def __init__(self, data, children=()):
            self.data, self.grad, self.prev = data, 0.0, children
            self._backward = lambda: None

        def __add__(self, other):
            out = Rec(self.data + other.data, (self, other))

            def _backward():
                self.grad += out.grad
                other.grad += out.grad

            out._backward = _backward
            return out

        def backward(self):
            order, seen = [], set()

            def build(v):
                if id(v) not in seen:
                    seen.add(id(v))
                    fire(len(seen))
                    for c in v.prev:
                        build(c)
                    order.append(v)

            build(self)
            self.grad = 1.0
            for v in reversed(order):
                v._backward()

    return Rec


class Thing:
    pass


def fire(kind, at):
    """Called at each node, from the at-th visited on (the deepest node is visited last, so
    always among them), it frees an object whose finalizer then runs one frame above the
    learner's, as when the garbage collector runs inside the learner's code: a HookList's
    ``__del__`` (this package's code) or weakref.finalize's ``__call__`` (the standard
    library's)."""

    def at_node(count):
        if count >= at and kind == "package":
            HookList()
        elif count >= at and kind == "stdlib":
            weakref.finalize(Thing(), len, ())

    return at_node


@given(
    n=st.integers(20, 300),
    at=st.integers(1, 300),
    finalizer=st.sampled_from(["package", "stdlib"]),
)
@settings(max_examples=40, deadline=None)
def test_the_stack_depth_counts_the_learners_frames_not_a_finalizer_run_meanwhile(n, at, finalizer):
    """A finalizer the garbage collector runs while the learner's recursion is deepest is not
    part of the learner's stack: the depth measured, and so the report, is the same on every run
    (CI once saw 0.99 frames per node instead of 1, an Op's ``__del__`` counted)."""
    clean = depth(recursive_engine(fire("none", min(at, n))), "add", n)
    noisy = depth(recursive_engine(fire(finalizer, min(at, n))), "add", n)
    assert noisy["frames"] == clean["frames"]
    assert noisy["top"] == clean["top"] == "build"
