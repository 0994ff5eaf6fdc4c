"""`python -m autograd graph`: drawing files, exit codes, the fallback without dot."""

import math
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from autograd.cli.main import main
from autograd.viz import rendering as viz_render

ARGS = ["graph", "tanh(x*w + b)", "--set", "x=2", "w=-3", "b=6.88"]


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz dot not installed")
def test_issue_example_writes_svg(tmp_path):
    out = tmp_path / "graph.svg"
    proc = subprocess.run(
        [sys.executable, "-m", "autograd", *ARGS, "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    t = math.tanh(0.88)
    assert f"d/dx = {-3 * (1 - t * t):.6g}" in proc.stdout
    texts = [e.text for e in ET.parse(out).iter("{http://www.w3.org/2000/svg}text")]
    assert "x" in texts and "data 6.88" in texts and "grad -1.503" in texts


def test_dot_to_stdout_and_steps(capsys):
    assert main([*ARGS, "--steps"]) == 0
    out = capsys.readouterr().out
    assert "tanh(x*w + b) = 0.706419" in out
    assert "> step 3 of 3: n1 = x × w = -6" in out  # the stepper's transcript, run to the end
    assert "upstream 0.501 × local -3 = -1.503; x.grad = -1.503" in out
    assert out.count("digraph autograd {") == 1


def test_dot_file_and_html(tmp_path, capsys):
    assert main([*ARGS, "--out", str(tmp_path / "g.dot"), "--html", str(tmp_path / "s.html")]) == 0
    assert (tmp_path / "g.dot").read_text().startswith("digraph autograd {")
    assert (tmp_path / "s.html").read_text().count('<div class="frame"') == 4  # start + 3 steps


@pytest.mark.parametrize(
    "expr, sets, pointer",
    [
        ("x.__class__", ["x=1"], "^^^^^^^^^^^"),
        ("__import__('os').system('true')", [], "^" * 23),
        ("x ** 99999", ["x=1"], "     ^^^^^"),
        ("[x for x in y]", ["x=1"], "^^^^^^^^^^^^^^"),
        ("lambda: x", ["x=1"], "^^^^^^^^^"),
        ("q * 2", ["x=1"], "^"),
    ],
)
def test_refused_expressions_exit_2_with_a_pointer(expr, sets, pointer, capsys):
    argv = ["graph", expr] + (["--set", *sets] if sets else [])
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("graph: refused:") and err.rstrip("\n").endswith(pointer)


@pytest.mark.parametrize("bad", ["x", "x=", "x=abc", "1x=2", "x=inf"])
def test_bad_set_exits_2(bad, capsys):
    assert main(["graph", "x + 1", "--set", bad]) == 2
    assert "--set" in capsys.readouterr().err


def test_without_dot_falls_back_to_dot_text(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(viz_render.shutil, "which", lambda name: None)
    assert main([*ARGS, "--out", str(tmp_path / "g.svg")]) == 0
    err = capsys.readouterr().err
    assert "apt-get install graphviz" in err and "g.dot instead" in err
    assert (tmp_path / "g.dot").read_text().startswith("digraph autograd {")
    assert not (tmp_path / "g.svg").exists()


def test_unknown_output_suffix_exits_2(tmp_path, capsys):
    assert main([*ARGS, "--out", str(tmp_path / "g.jpeg")]) == 2


def test_explain_is_still_the_default(capsys):
    assert main([]) == 0
    assert "The engine agrees" in capsys.readouterr().out
