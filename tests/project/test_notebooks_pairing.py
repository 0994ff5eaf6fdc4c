"""The teaching notebooks: each .ipynb has an up-to-date jupytext .py twin, python3, outputs."""

import json
from pathlib import Path

import jupytext
import pytest

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
EXPECTED = {
    "00_build_it_yourself",
    "01_forward_backward",
    "02_computation_graphs",
    "03_training_an_mlp",
    "04_property_testing",
    "05_higher_order",
    "06_forward_and_reverse",
    "07_exercises",
}
IPYNBS = sorted(NOTEBOOKS.glob("*.ipynb"))


def _cells(nb) -> list[tuple[str, str]]:
    return [(c["cell_type"], "".join(c["source"]).strip()) for c in nb["cells"]]


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_every_notebook_has_a_twin_and_nothing_is_missing():
    stems = {p.stem for p in IPYNBS}
    scripts = {p.stem for p in NOTEBOOKS.glob("*.py")}
    assert stems == EXPECTED
    assert scripts == EXPECTED, "each notebook is paired with exactly one percent-format .py"


def test_pairing_is_configured():
    config = (NOTEBOOKS / "jupytext.toml").read_text(encoding="utf-8")
    assert 'formats = "ipynb,py:percent"' in config


@pytest.mark.parametrize("path", IPYNBS, ids=lambda p: p.stem)
def test_script_twin_is_up_to_date(path):
    script = path.with_suffix(".py")
    text = script.read_text(encoding="utf-8")
    assert "format_name: percent" in text.split("# ---", 2)[1], f"{script.name}: not percent"
    twin = jupytext.reads(text, fmt="py:percent")
    notebook = _load(path)
    mine, theirs = _cells(notebook), _cells(twin)
    assert len(mine) == len(theirs), f"{path.name}: {len(mine)} cells, {script.name} {len(theirs)}"
    for i, (a, b) in enumerate(zip(mine, theirs, strict=True)):
        assert a == b, f"{path.name} cell {i} differs from {script.name}: run `jupytext --sync`"


@pytest.mark.parametrize("path", IPYNBS, ids=lambda p: p.stem)
def test_python3_kernel(path):
    meta = _load(path)["metadata"]
    assert meta["kernelspec"]["name"] == "python3"
    assert meta["kernelspec"]["language"] == "python"
    twin = jupytext.read(path.with_suffix(".py"))
    assert twin.metadata["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("path", IPYNBS, ids=lambda p: p.stem)
def test_saved_with_outputs_from_one_clean_run(path):
    code = [c for c in _load(path)["cells"] if c["cell_type"] == "code"]
    counts = [c["execution_count"] for c in code]
    assert counts == list(range(1, len(code) + 1)), f"{path.name}: not run top to bottom once"
    errors = [o for c in code for o in c["outputs"] if o["output_type"] == "error"]
    assert not errors, f"{path.name}: saved with an error output"
    assert sum(len(c["outputs"]) for c in code) >= len(code) // 2, f"{path.name}: few outputs"


def test_cells_compare_type_and_source():
    nb = {"cells": [{"cell_type": "code", "source": ["x = 1\n", "y"]}]}
    other = {"cells": [{"cell_type": "markdown", "source": "x = 1\ny"}]}
    assert _cells(nb) == [("code", "x = 1\ny")]
    assert _cells(nb) != _cells(other)


def test_jupyter_lists_each_notebook_once_and_saving_writes_its_twin(tmp_path):
    """In Jupyter (jupytext's contents manager) the .py twins are plain files, not a second
    copy of every notebook; saving the .ipynb there still rewrites its .py twin."""
    pytest.importorskip("jupyter_server")
    import asyncio
    import shutil

    from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager
    from jupytext.async_contentsmanager import build_async_jupytext_contents_manager_class

    for path in [NOTEBOOKS / "jupytext.toml", *NOTEBOOKS.glob("05_*")]:
        shutil.copy(path, tmp_path)
    manager = build_async_jupytext_contents_manager_class(AsyncLargeFileManager)
    contents = manager(root_dir=str(tmp_path))

    async def listed_then_saved() -> list[tuple[str, str]]:
        listing = await contents.get("")
        model = await contents.get("05_higher_order.ipynb")
        model["content"].cells[0].source += "\n\nOne line more."
        await contents.save(model, "05_higher_order.ipynb")
        return sorted((m["name"], m["type"]) for m in listing["content"])

    listing = asyncio.run(listed_then_saved())
    notebooks = [name for name, kind in listing if kind == "notebook"]
    assert notebooks == ["05_higher_order.ipynb"]
    assert "One line more." in (tmp_path / "05_higher_order.py").read_text(encoding="utf-8")


def test_make_notebooks_runs_as_root_and_takes_jupyter_arguments():
    import os
    import subprocess

    root = NOTEBOOKS.parent
    said = subprocess.run(
        ["make", "-n", "notebooks", "JUPYTER_ARGS=--no-browser"],
        cwd=root, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    (line,) = [line for line in said.splitlines() if "jupyter lab" in line]
    assert "--no-browser" in line
    assert ("--allow-root" in line) == (os.geteuid() == 0)
