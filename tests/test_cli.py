"""The command line entry point."""

import re
import subprocess
import sys

from autograd.cli.main import main


def test_explain_prints_matching_hand_and_engine_gradients(capsys):
    assert main([]) == 0
    out = capsys.readouterr().out
    assert "The engine agrees with the hand derivation." in out
    rows = re.findall(r"^\s+([wbx])\s+dE/dz \* \S+\s+(-?\d+\.\d+)\s+(-?\d+\.\d+)$", out, re.M)
    assert [r[0] for r in rows] == ["w", "b", "x"]
    assert all(hand == engine for _, hand, engine in rows)


def test_module_runs_as_a_program():
    done = subprocess.run([sys.executable, "-m", "autograd"], capture_output=True, text=True)
    assert done.returncode == 0 and "dE/dw" in done.stdout
