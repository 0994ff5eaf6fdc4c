"""check_engine on home-made engines: each classic mistake found and named, a right engine
passes, hostile classes never hang or crash the check; and micrograd 0.1.0's own report."""

import re

import pytest
from learner_engines import engine

from autograd import Value
from autograd.testing import check_engine
from autograd.testing.learner_engine import (
    ASSIGNED,
    ERROR,
    HANG,
    LOCAL,
    NOT_NUMBER,
    NOT_RESET,
    PLAIN,
    RECURSION,
    REFLECTED,
    UPSTREAM,
)
from autograd.testing.learner_run import Spec, guarded


def test_a_right_engine_passes():
    report = check_engine(engine(), examples=40)
    assert bool(report), str(report)
    assert "everything checked is right" in str(report)
    assert "Skipped (the class does not define them): sigmoid, log, sqrt" in str(report)


def test_this_engine_passes_against_itself():
    assert check_engine(Value, examples=20)


@pytest.mark.parametrize(
    ("mistake", "kind", "words"),
    [
        ("assign", ASSIGNED, "add's backward assigns (=) where it must add (+=)"),
        ("tanh", LOCAL, "of tanh: d(a.tanh())/da at a = -1.3 is 0.2574, yours gives -0.69"),
        ("upstream", UPSTREAM, "tanh's backward does not multiply by out.grad"),
        ("raises", ERROR, "a.exp(): ValueError: not written yet (in exp, line"),
        ("no-reflected", REFLECTED, "2 * a raises TypeError"),
        ("no-plain", PLAIN, "a + 2 raises TypeError: only Values"),
        ("recursive", RECURSION, "visit() calls itself once per node"),
        ("no-reset", NOT_RESET, "after a second backward() on the same graph a.grad = 18"),
    ],
)
def test_each_planted_mistake_is_found_and_named(mistake, kind, words):
    report = check_engine(engine(mistake), examples=20)
    assert not report
    assert report.kinds() == [kind] or kind in report.kinds()
    assert words in str(report), str(report)
    # every other failure is a consequence of the same one line (e.g. sum() needs __radd__)
    if mistake not in ("no-reflected", "no-plain"):
        assert report.kinds() == [kind], str(report)


def test_sum_needs_radd_and_says_why():
    report = check_engine(engine("no-reflected"), examples=5)
    assert "sum([a, b]) raises TypeError" in str(report)
    assert "sum starts from 0, so it computes 0 + a" in str(report)


def test_the_failing_graph_is_drawn_as_text_and_dot():
    report = check_engine(engine("assign"), examples=5)
    (f,) = report.failures
    assert f.text().splitlines()[1:] == ["   a = 0.7", "   b = a + a = 1.4"]
    dot = f.to_dot()
    assert dot is not None and dot.startswith("digraph")


@pytest.mark.slow
@pytest.mark.parametrize("mistake", ["hang", "hang-init"])
def test_a_class_that_hangs_is_stopped_and_reported(mistake):
    report = check_engine(engine(mistake), examples=5)
    assert HANG in report.kinds() or ERROR in report.kinds()
    assert "did not finish within 2 s" in str(report)


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
        assert not report and "cannot make a Value" in str(report)
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


def test_micrograd_derivatives_right_and_its_real_flaws_reported():
    micrograd = pytest.importorskip("micrograd.engine")
    report = check_engine(micrograd.Value, examples=60)
    text = str(report)
    # every derivative it defines is right, on its own, reused, and in random graphs
    for name in ("mul", "add", "sub", "div", "neg", "square", "cube", "relu", "60 random graphs"):
        assert name in text.split("Right: ")[1], text
    assert LOCAL not in report.kinds() and ASSIGNED not in report.kinds()
    # what it gets wrong: its recursive build_topo, and a second backward() on one graph
    assert report.kinds() == [RECURSION, NOT_RESET], text
    assert "build_topo() calls itself once per node" in text
    assert "a.grad = 3; a fresh pass gives 1" in text or "a.grad = 18" in text
    assert "Skipped (the class does not define them): tanh, sigmoid, exp, log" in text


# Without threads, as in Pyodide (the notebooks' JupyterLite site): the same reports.
@pytest.fixture
def no_threads(monkeypatch):
    from autograd.testing import learner_run

    monkeypatch.setattr(learner_run, "THREADS", False)


def test_without_threads_a_loop_is_stopped_and_the_caller_left_as_it_was(no_threads):
    import sys

    trace, limit = sys.gettrace(), sys.getrecursionlimit()
    assert guarded(stubborn, limit=0.2).hung
    assert guarded(lambda: 1 / 0).error.startswith("ZeroDivisionError: division by zero (in")
    assert guarded(lambda: 6 * 7).value == 42
    assert (sys.gettrace(), sys.getrecursionlimit()) == (trace, limit)


@pytest.mark.parametrize("mistake", [None, "assign", "tanh", "raises", "recursive", "no-reset"])
def test_without_threads_the_report_is_the_one_with_threads(mistake, monkeypatch):
    from autograd.testing import learner_run

    with_threads = str(check_engine(engine(mistake) if mistake else engine(), examples=10))
    monkeypatch.setattr(learner_run, "THREADS", False)
    without = str(check_engine(engine(mistake) if mistake else engine(), examples=10))
    if mistake == "recursive":  # without a thread, the limit comes sooner by the caller's depth
        import sys

        stack, frame = 0, sys._getframe()
        while frame is not None:
            stack, frame = stack + 1, frame.f_back
        pattern = r"chain of (\d+) nodes"
        depths = [int(re.search(pattern, text).group(1)) for text in (with_threads, without)]
        assert 0 <= depths[0] - depths[1] <= stack + 10, (depths, stack)
        with_threads, without = (re.sub(pattern, "", t) for t in (with_threads, without))
    assert without == with_threads


@pytest.mark.slow
def test_without_threads_a_class_that_hangs_is_reported(no_threads):
    report = check_engine(engine("hang"), examples=5)
    assert "did not finish within 2 s" in str(report)


@pytest.mark.parametrize("filename", ["<exec>", "<ipython-input-3-1a2b>", "/tmp/ipykernel_1/2.py"])
def test_learner_code_is_named_whatever_file_name_its_front_end_gives(filename):
    # Pyodide's kernel runs cells from "<exec>"-like names: they are the learner's code too
    space: dict = {}
    code = "def f():\n    return 1 / 0\n\ndef down(n):\n    return down(n + 1)\n"
    exec(compile(code, filename, "exec"), space)
    assert guarded(space["f"]).error == "ZeroDivisionError: division by zero (in f, line 2)"
    assert guarded(lambda: space["down"](0)).recursion == "down"
