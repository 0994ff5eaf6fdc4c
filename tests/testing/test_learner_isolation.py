"""A learner's code runs in a child process: nothing it does reaches the judge. It may end the
process, hold the GIL in C, leave threads and processes running, exhaust memory, change the
recursion limit or a trace function, or monkeypatch this package: each is a failure of that
check, reported in a sentence, and the judge's process is as it was."""

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from learner_engines import engine

import autograd
from autograd import Value
from autograd.testing import check_engine
from autograd.testing.learner_process import Learner, ended_text
from autograd.testing.learner_report import ENDED, HANG, OWN
from autograd.testing.mutants import engine_source

RIGHT = engine_source()


def module(tmp_path: Path, name: str, prelude: str, source: str = RIGHT) -> str:
    path = tmp_path / f"{name}.py"
    path.write_text(prelude + "\n" + source)
    return f"{path}:Value"


def cli(*args: str, cwd: Path, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "autograd", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
    )


def test_os_exit_on_import_is_reported_not_taken_for_right(tmp_path):
    target = module(tmp_path, "leaves", "import os\nos._exit(0)")
    done = cli("check", target, cwd=tmp_path)
    assert done.returncode == 2, done
    assert "your code ended the process (exit code 0)" in done.stderr


def test_os_exit_in_an_operation_fails_that_check_only(tmp_path):
    source = RIGHT.replace(
        "    def tanh(self):\n", "    def tanh(self):\n        import os\n        os._exit(3)\n"
    )
    report = check_engine(module(tmp_path, "tanh_exits", "", source), examples=20)
    assert ENDED in report.kinds(), str(report)
    assert "a.tanh(): your code ended the process (exit code 3)" in str(report)
    assert "mul" in str(report).split("Right: ")[1]  # the rest was judged, in fresh children


def test_a_long_call_in_c_holding_the_gil_is_stopped_at_the_limit(tmp_path):
    source = RIGHT.replace(
        "    def exp(self):\n", "    def exp(self):\n        sum(range(4 * 10**9))\n"
    )
    start = time.monotonic()
    report = check_engine(module(tmp_path, "gil", "", source), examples=10, time_limit=0.5)
    assert time.monotonic() - start < 8, "the judge waited for the C call"
    assert HANG in report.kinds() and "did not finish within 0.5 s" in str(report)


def test_threads_and_processes_left_running_do_not_outlive_the_check(tmp_path):
    pids = tmp_path / "pids"
    prelude = (
        "import subprocess, threading, time\n"
        "threading.Thread(target=time.sleep, args=(1000,)).start()\n"
        f"p = subprocess.Popen(['sleep', '1000'])\nopen({str(pids)!r}, 'w').write(str(p.pid))\n"
    )
    target = module(tmp_path, "lingers", prelude)
    done = cli("check", target, "--examples", "10", cwd=tmp_path, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    pid = int(pids.read_text())
    time.sleep(0.2)
    assert not alive(pid)


def alive(pid: int) -> bool:
    """Running or sleeping; a killed process whose parent is gone may stay a zombie here (this
    sandbox's first process does not reap orphans)."""
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "State:\tZ" not in state


def test_memory_beyond_the_limit_is_a_sentence(tmp_path):
    source = RIGHT.replace(
        "    def exp(self):\n", "    def exp(self):\n        b = bytearray(2 * 10**9)\n"
    )
    report = check_engine(module(tmp_path, "greedy", "", source), examples=5, memory_mb=256)
    assert "a.exp(): exceeded the memory limit (256 MB)" in str(report), str(report)


def test_recursion_limit_trace_and_monkeypatching_stay_in_the_child(tmp_path):
    prelude = (
        "import sys, threading, autograd\n"
        "sys.setrecursionlimit(60)\n"
        "sys.settrace(lambda *a: None)\n"
        "threading.settrace(lambda *a: None)\n"
        "autograd.Value.__add__ = lambda self, other: 'patched'\n"
        "autograd.Value.backward = lambda self: None\n"
    )
    limit, trace, add = sys.getrecursionlimit(), sys.gettrace(), Value.__add__
    report = check_engine(module(tmp_path, "meddles", prelude), examples=20)
    assert (sys.getrecursionlimit(), sys.gettrace(), Value.__add__) == (limit, trace, add)
    assert (Value(1.0) + Value(2.0)).data == 3.0 and autograd.Value is Value
    # the oracle was this process's own: the engine is found right, as it is
    assert bool(report), str(report)


def test_a_class_object_is_checked_in_a_forked_child():
    side = []

    class Meddles(engine()):
        def tanh(self):
            side.append(1)  # runs in the child: this list stays empty here
            return super().tanh()

    with Learner(Meddles) as learner:
        assert learner.isolated and learner.call("about").ok
    report = check_engine(Meddles, examples=5)
    assert "tanh" in str(report).split("Right: ")[1] and side == []


def test_in_this_process_where_there_are_no_processes_the_reports_agree():
    for mistake in (None, "assign", "tanh", "recursive", "no-reset"):
        cls = engine(mistake) if mistake else engine()
        inside = check_engine(cls, examples=10, isolated=False)
        apart = check_engine(cls, examples=10)
        assert str(inside) == str(apart)


def test_without_threads_either_a_loop_is_stopped(monkeypatch):
    from autograd.testing import learner_run

    monkeypatch.setattr(learner_run, "THREADS", False)
    report = check_engine(engine("hang"), examples=5, isolated=False, time_limit=0.3)
    assert HANG in report.kinds() and "did not finish within 0.3 s" in str(report)


def test_a_subclass_of_this_value_in_a_file_is_noticed(tmp_path):
    target = module(
        tmp_path, "borrowed", "", "from autograd import Value as V\n\nclass Value(V):\n    pass\n"
    )
    assert check_engine(target, examples=5).kinds() == [OWN]


@pytest.mark.parametrize(
    ("status", "words"),
    [(0, "exit code 0"), (9, "signal SIGKILL"), (11 << 8, "exit code 11")],
)
def test_how_a_child_ended_is_said_plainly(status, words):
    assert words in ended_text(status)


def children() -> set[str]:
    """This process's child processes, by pid (Linux)."""
    tasks = Path("/proc/self/task")
    return {pid for t in tasks.iterdir() for pid in (t / "children").read_text().split()}


def test_no_thread_or_child_is_left_behind_by_a_check():
    threads, kids = threading.active_count(), children()
    check_engine(engine("hang"), examples=5, time_limit=0.3)
    check_engine("autograd.testing.mutants:Score", examples=5)
    assert threading.active_count() == threads
    assert children() <= kids


# -- check_backward: the learner's forward and backward run in the child too ------------------


def square_loss(w):
    import numpy as np

    return np.sum(w * w)


def test_check_backward_oracle_cannot_be_patched_by_the_forward():
    import numpy as np

    from autograd.testing import check_backward

    def forward(w):
        import autograd

        autograd.Value.backward = lambda self: None  # would leave every right gradient at 0
        return square_loss(w)

    def wrong(w):
        return (np.zeros_like(w),)

    report = check_backward(forward, wrong, np.array([1.0, -2.0]))
    assert not report and "dw is wrong at 2 of 2 entries" in str(report), str(report)
    assert Value.backward is not None and (Value(3.0) * 2).data == 6.0
    x = Value(2.0)
    (x * x).backward()
    assert x.grad == 4.0


def test_check_backward_reports_an_exit_and_a_hang_as_sentences():
    import numpy as np

    from autograd.testing import check_backward

    def leaves(w):

        os._exit(0)

    def spins(w):
        while True:
            pass

    w = np.array([1.0])
    assert "your code ended the process (exit code 0)" in str(
        check_backward(square_loss, leaves, w)
    )
    report = str(check_backward(square_loss, spins, w, time_limit=0.3))
    assert "your backward did not finish within 0.3 s" in report
    assert "check_backward(..., time_limit=3)" in report


def test_check_backward_from_files_never_imports_them_here(tmp_path):
    (tmp_path / "layer.py").write_text(
        "import numpy as np\nimport os\nMARK = os.getpid()\n"
        "def forward(w):\n    return np.sum(w * w)\n"
        "def backward(w):\n    return (2 * w,)\n"
    )
    import numpy as np

    from autograd.testing import check_backward

    report = check_backward(
        f"{tmp_path}/layer.py:forward", f"{tmp_path}/layer.py:backward", np.array([1.5])
    )
    assert report, str(report)
    assert "layer" not in sys.modules
