"""``python -m autograd check`` and ``check-backward``: the report on stdout, exit 0 right,
1 wrong, 2 bad input; hostile modules get a sentence, never a traceback."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from autograd.cli.main import main

TESTS = Path(__file__).parents[1]

ENGINE = """
from learner_engines import engine
Right = engine()
Assign = engine("assign")
"""


@pytest.fixture
def here(tmp_path, monkeypatch):
    (tmp_path / "mine.py").write_text(ENGINE)
    (tmp_path / "broken.py").write_text("raise RuntimeError('half written')\n")
    (tmp_path / "slow.py").write_text("while True:\n    pass\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(TESTS))
    monkeypatch.syspath_prepend(str(tmp_path))
    return tmp_path


def test_check_exit_codes(here, capsys):
    assert main(["check", "mine:Right", "--examples", "10"]) == 0
    assert "everything checked is right" in capsys.readouterr().out
    assert main(["check", "mine.py:Assign", "--examples", "10"]) == 1
    assert "`=` instead of `+=`" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("target", "words"),
    [
        ("broken:V", "cannot import broken: RuntimeError: half written"),
        ("mine:Nothing", "mine has no Nothing"),
        ("nowhere.py:V", "no file nowhere.py"),
        ("mine", "give module:Name"),
    ],
)
def test_check_bad_input_is_a_sentence(here, capsys, target, words):
    assert main(["check", target]) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err


def test_check_backward_exit_codes(here, capsys):
    assert main(["check-backward", "learner_backwards:forward", "learner_backwards:right"]) == 0
    assert main(["check-backward", "learner_backwards:forward", "learner_backwards:tutorial"]) == 1
    out = capsys.readouterr().out
    assert "(A.T @ dA) * sigmoid'(Z)" in out


def test_check_backward_reads_npy_files(here, capsys):
    import learner_backwards as lb
    import numpy as np

    for name, a in zip("XWbY", lb.example(), strict=True):
        np.save(here / f"{name}.npy", a)
    args = ["learner_backwards:forward", "learner_backwards:sign", "--no-grad", "X,Y"]
    files = ["--arrays", "X.npy", "W.npy", "b.npy", "Y.npy"]
    assert main(["check-backward", *args, *files]) == 1
    assert "a sign: yours is -dW" in capsys.readouterr().out
    assert main(["check-backward", *args, "--arrays", "missing.npy"]) == 2
    assert "cannot read the arrays" in capsys.readouterr().err


@pytest.mark.slow
def test_a_module_that_hangs_on_import_is_stopped(here):
    done = subprocess.run(
        [sys.executable, "-m", "autograd", "check", "slow:V"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=here,
    )
    assert done.returncode == 2
    assert "cannot import slow: did not finish within 10 s" in done.stderr
    assert "Traceback" not in done.stderr


def test_check_leaves_nothing_in_the_learners_folder(tmp_path):
    # Hypothesis caches what it learns about modules in .hypothesis/ under the current folder
    prelude = f"import sys\nsys.path.insert(0, {str(TESTS)!r})\n"
    (tmp_path / "mine.py").write_text(
        prelude + "from learner_engines import engine\nV = engine()\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "HYPOTHESIS_STORAGE_DIRECTORY"}
    done = subprocess.run(
        [sys.executable, "-m", "autograd", "check", "mine.py:V", "--examples", "20"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env=env,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.py"]
