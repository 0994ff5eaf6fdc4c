"""The README's code blocks run as written."""

import json
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

README = Path(__file__).resolve().parents[2] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)


def test_readme_has_examples():
    assert len(BLOCKS) >= 3


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_readme_block_runs(index, capsys):
    namespace: dict = {}
    exec(compile(BLOCKS[index], f"README.md block {index}", "exec"), namespace)
    if "loss" in namespace and "w" in namespace:  # the ten-line example: check its numbers
        assert namespace["w"].grad == pytest.approx(-0.2191505119414, rel=1e-9)
        assert namespace["d2"].data == pytest.approx(-0.0436707277672, rel=1e-9)
    if "opt" in namespace:  # the training example: the loss went down
        assert namespace["loss"].data < 0.5


def readme_figures():
    import importlib.util

    path = README.parent / "benchmarks" / "readme_figures.py"
    spec = importlib.util.spec_from_file_location("readme_figures", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_speed_figures_are_the_ones_the_benchmark_results_give():
    figures = readme_figures()
    assert figures.in_readme(README.read_text(encoding="utf-8")) == figures.figures()


def test_each_speed_figure_is_in_the_table_the_readme_links_to():
    figures = readme_figures()
    words = figures.figures()
    results = README.parent / "benchmarks" / "results"
    tables = {name: (results / f"{name}.md").read_text() for name in ("gc-on", "compile")}
    speed = re.findall(r"[\d.]+x", words["speed"])
    assert len(speed) == 4
    for ratio in speed[:3]:
        assert f"**{ratio} faster**" in tables["gc-on"]
    assert f"{speed[3]} the memory" in tables["gc-on"]
    (compiled,) = re.findall(r"[\d.]+x", words["compiled"])
    (mlp_row,) = [row for row in tables["compile"].splitlines() if row.startswith("| mlp_step")]
    assert mlp_row.split(" | ")[-2] == f"**{compiled} faster**"  # compiled vs autograd


@given(
    medians=st.lists(
        st.floats(min_value=1e-3, max_value=1e4, allow_nan=False), min_size=8, max_size=8
    )
)
def test_any_results_are_written_into_the_readme_and_read_back(tmp_path_factory, medians):
    figures = readme_figures()
    folder = tmp_path_factory.mktemp("results")
    engines = lambda a, b: {"autograd": {"median": a}, "micrograd": {"median": b}}
    on = {
        "workloads": {
            "ops_mix_basic": {"engines": engines(*medians[0:2])},
            "wide_sum": {"engines": engines(*medians[2:4])},
            "mlp_step": {"engines": engines(*medians[4:6])},
        },
        "mem_per_node": {
            "autograd": {"bytes_per_node": medians[6]},
            "micrograd": {"bytes_per_node": medians[7]},
        },
    }
    compiled = {"workloads": {"mlp_step": {"engines": {
        "autograd": {"median": medians[0]}, "compiled": {"median": medians[1]}}}}}  # fmt: skip
    (folder / "gc-on.json").write_text(json.dumps(on))
    (folder / "compile.json").write_text(json.dumps(compiled))
    readme = folder / "README.md"
    readme.write_text(README.read_text(encoding="utf-8"), encoding="utf-8")
    figures.rewrite(readme, folder)
    assert figures.in_readme(readme.read_text(encoding="utf-8")) == figures.figures(folder)
    assert readme.read_text(encoding="utf-8").count("<!-- figures:") == 2


def test_the_command_line_section_shows_every_command_and_which_python_runs_it():
    from autograd.cli.main import build_parser

    text = README.read_text(encoding="utf-8")
    section = text.split("## Command line", 1)[1].split("\n## ", 1)[0]
    _, commands = build_parser()
    for command in commands:
        assert f"python -m autograd {command} " in section, command
    assert ".venv/bin/python" in section and "source .venv/bin/activate" in section
    assert "`python3 -m autograd explain`" in section


def test_explain_runs_from_a_clone_with_nothing_installed():
    """What the README promises: no site-packages at all (-S), the source folder only."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-S", "-m", "autograd", "explain"],
        cwd=README.parent, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "chain rule" in done.stdout.lower() or "backward" in done.stdout.lower()
