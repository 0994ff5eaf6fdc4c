"""The command line entry point."""

import io
import re
import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd.cli.explain import explain
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


def test_version(capsys):
    import autograd

    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"autograd {autograd.__version__}"


@pytest.mark.parametrize("command", [[], ["explain"], ["graph"], ["demo"]])
def test_help_is_plain_text(command, capsys):
    with pytest.raises(SystemExit) as exc:
        main([*command, "--help"])
    assert exc.value.code == 0
    text = capsys.readouterr().out
    assert text.startswith(f"usage: python -m autograd {' '.join(command)}".rstrip())
    assert "`" not in text and ":func:" not in text  # no reStructuredText markup


@pytest.mark.parametrize("command", ["explain", "graph", "demo"])
def test_a_bad_option_prints_the_subcommands_usage(command, capsys):
    argv = [command, "x+1", "--bogus"] if command == "graph" else [command, "--bogus"]
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(f"usage: python -m autograd {command} ")
    assert "unrecognized arguments: --bogus" in err


def test_explain_takes_the_learners_numbers(capsys):
    assert main(["explain", "--x", "2", "--w", "0.5", "--b", "-1", "--target", "0"]) == 0
    out = capsys.readouterr().out
    assert "z = x*w + b = 2 * 0.5 + -1 = 0" in out  # the learner's numbers, substituted
    assert "dE/dw = dE/dz * x = 0.125 * 2 = 0.25" in out
    assert out.rstrip().endswith("The engine agrees with the hand derivation.")


@given(
    x=st.floats(-1e3, 1e3),
    w=st.floats(-1e3, 1e3),
    b=st.floats(-1e3, 1e3),
    t=st.floats(-10, 10),
)
def test_explain_agrees_with_the_engine_for_any_numbers(x, w, b, t):
    out = io.StringIO()
    assert explain(out, x=x, w=w, b=b, target=t)  # including saturated sigmoids
    assert "MISMATCH" not in out.getvalue()


@pytest.mark.parametrize("bad", ["nan", "inf", "1e7", "abc"])
def test_explain_refuses_numbers_it_cannot_show(bad, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["explain", "--x", bad])
    assert exc.value.code == 2
    assert "usage: python -m autograd explain" in capsys.readouterr().err
