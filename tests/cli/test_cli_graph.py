"""`python -m autograd graph`: drawing files, exit codes, the fallback without dot."""

import argparse
import io
import keyword
import math
import shutil
import subprocess
import sys
import tempfile
import unicodedata
import xml.etree.ElementTree as ET

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from autograd.cli import graph
from autograd.cli.main import main
from autograd.expressions import functions
from autograd.viz import rendering as viz_render

FUNCTIONS = functions()
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
    assert "digraph" not in out  # the steps were asked for, not the drawing's text


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
        ("x + (-2) ** 0.5", ["x=1"], "    ^^^^^^^^^^^"),  # a complex number: no real value
    ],
)
def test_refused_expressions_exit_2_with_a_pointer(expr, sets, pointer, capsys):
    argv = ["graph", expr] + (["--set", *sets] if sets else [])
    assert main(argv) == 2
    err = capsys.readouterr().err
    message = err.split("\ngraph: give each name")[0]  # an unknown name adds how to set it
    assert err.startswith("graph: refused:") and message.rstrip("\n").endswith(pointer)


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


@pytest.mark.parametrize(
    ("out", "message"),
    [
        ("no/such/folder/g.svg", "does not exist"),
        ("g.jpeg", "use .svg, .png, .pdf, .dot or .gv"),
        ("g", "use .svg, .png, .pdf, .dot or .gv"),
        (".", "use .svg"),
    ],
)
def test_an_unwritable_out_is_refused_before_any_work(tmp_path, monkeypatch, out, message, capsys):
    monkeypatch.chdir(tmp_path)
    # The expression would be refused too: the --out check comes first, so no work is done.
    assert main(["graph", "x +* y", "--set", "x=1", "--out", out]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and message in captured.err and "refused" not in captured.err
    assert list(tmp_path.iterdir()) == []


def test_an_html_into_a_missing_folder_is_refused_before_any_work(tmp_path, capsys):
    assert main([*ARGS, "--html", str(tmp_path / "nope" / "s.html")]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "does not exist" in captured.err


@pytest.mark.parametrize("sets", [["x=1", "x=2"], ["x=1", " x=1"], ["ﬁ=1", "fi=2"]])
def test_a_name_set_twice_is_refused(sets, capsys):
    assert main(["graph", "x + fi", "--set", *sets]) == 2
    assert "given twice" in capsys.readouterr().err


LETTERS = st.characters(categories=("Lu", "Ll", "Lt", "Lm", "Lo", "Nl"))
NAMES = st.one_of(st.sampled_from(["ﬁ", "ℌ", "ｘ", "Ⅸ", "ﬀ1", "µ"]), st.text(LETTERS, min_size=1))


@given(NAMES, st.floats(-100, 100))
def test_set_names_are_normalised_as_python_reads_the_expression(name, value):
    # The parser reads identifiers in NFKC form; --set names must arrive the same way.
    normal = unicodedata.normalize("NFKC", name)
    assume(normal.isidentifier() and not keyword.iskeyword(normal) and normal not in FUNCTIONS)
    out = io.StringIO()
    args = graph_args(f"{name} * 3", [f"{name}={value!r}"])
    assert graph.run(args, out=out, err=io.StringIO()) == 0
    assert f"d/d{normal} = 3" in out.getvalue()


@given(st.text(max_size=30))
def test_a_comment_never_gives_a_traceback_or_reaches_the_drawing(comment):
    out, err = io.StringIO(), io.StringIO()
    code = graph.run(graph_args(f"x*2 # {comment}", ["x=1"]), out=out, err=err)
    assert code in (0, 2), err.getvalue()
    if code == 0:
        assert out.getvalue().startswith("x*2 = 2\n")
        title = next(line for line in out.getvalue().splitlines() if line.startswith("  label=<"))
        assert ">x*2<" in title  # the DOT title is the expression alone, without the comment


def test_the_issue_example_with_a_backslash_comment_renders(tmp_path, capsys):
    target = tmp_path / "g.svg"
    assert main(["graph", "x*2 # \\", "--set", "x=1", "--out", str(target)]) == 0
    assert target.exists() or "apt-get install graphviz" in capsys.readouterr().err


def graph_args(expression, sets, **extra):
    options = dict(out=None, grad_flow=False, rankdir="LR", steps=False, html=None)
    return argparse.Namespace(expression=expression, set=sets, **{**options, **extra})


def test_an_html_of_more_steps_than_a_page_holds_exits_2_before_any_work(tmp_path, capsys):
    expr = "+".join(f"x*{i}" for i in range(1, 210))  # 417 steps
    page = tmp_path / "steps.html"
    assert main(["graph", expr, "--set", "x=1", "--html", str(page)]) == 2
    captured = capsys.readouterr()
    assert "at most 399 steps; this graph has 417" in captured.err
    assert "Traceback" not in captured.err and captured.out == "" and not page.exists()


def test_steps_alone_writes_no_page(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["graph", "x*2", "--set", "x=1", "--steps"]) == 0
    assert list(tmp_path.iterdir()) == []


def test_an_unknown_name_on_the_command_line_says_how_to_set_it(capsys):
    assert main(["graph", "q * 2", "--set", "x=1"]) == 2
    assert "--set NAME=NUMBER" in capsys.readouterr().err


def test_a_repeated_set_adds_its_names_to_the_earlier_ones(capsys):
    assert main(["graph", "x*y", "--set", "x=1", "--set", "y=2"]) == 0
    out = capsys.readouterr().out
    assert "x*y = 2" in out and "d/dx = 2" in out and "d/dy = 1" in out


def test_every_list_option_of_graph_accumulates_when_repeated():
    parser = argparse.ArgumentParser()
    p = graph.add_parser(parser.add_subparsers(dest="command"))
    for action in p._actions:
        if action.nargs in ("+", "*") and action.option_strings:
            flag = action.option_strings[0]
            args = parser.parse_args(["graph", "x", flag, "a=1", flag, "b=2"])
            assert getattr(args, action.dest) == ["a=1", "b=2"], flag


@given(st.booleans(), st.booleans(), st.booleans())
def test_the_dot_text_reaches_the_screen_only_when_nothing_else_was_asked(steps, html, dot_file):
    folder = tempfile.mkdtemp()
    extra = ["--steps"] * steps + ["--html", f"{folder}/s.html"] * html
    extra += ["--out", f"{folder}/g.dot"] * dot_file
    out, err = io.StringIO(), io.StringIO()
    parser = argparse.ArgumentParser()
    graph.add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["graph", "x*y", "--set", "x=1", "y=2", *extra])
    assert graph.run(args, out=out, err=err) == 0, err.getvalue()
    assert ("digraph" in out.getvalue()) == (not (steps or html or dot_file))
