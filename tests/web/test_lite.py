"""The notebooks' JupyterLite site of the built docs (``make docs``: docs/_build/html/lite), in
headless Chromium over the DevTools protocol: each notebook opened, all its cells run in the
browser's Pyodide, and every request checked to stay on the local server (conftest's ``host``).

``make docs-check`` builds the site and runs this file.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from cdp import CHROMIUM, Browser

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "docs" / "_build" / "html"
LITE = SITE / "lite"
pytestmark = [
    pytest.mark.docs_site,
    pytest.mark.skipif(
        not (LITE / "lite-manifest.json").exists(), reason="lite site not built: make docs-check"
    ),
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed"),
]
CODE = "[...jupyterapp.shell.currentWidget.content.model.cells].filter(c => c.type === 'code')"
SESSION = "jupyterapp.shell.currentWidget.sessionContext"
RUN_TIMEOUT = 300  # seconds for one notebook, top to bottom (about 20 s on 2 cores)


def run_all(b: Browser, host: str, name: str) -> list[list[dict[str, Any]]]:
    """Open notebook ``name`` in the site, run every cell; each code cell's outputs."""
    b.open(f"{host}lite/notebooks/index.html?path={name}")
    b.wait("document.querySelector('.jp-Cell') && !!jupyterapp.shell.currentWidget", 90)
    # The kernel started and idle before anything runs: cells sent while the page was still
    # choosing its kernel went to one it then disposed of, and never ran (seen once, under load).
    b.wait(f"{SESSION}.isReady && {SESSION}.session.kernel.status === 'idle'", 120)
    b.pump(1)
    b.js("jupyterapp.commands.execute('notebook:run-all-cells').then(() => 1)")
    # every cell run, or one failed (the rest are then never run)
    failed = "o => o.output_type === 'error'"
    b.wait(
        f"{CODE}.every(c => c.executionCount) || "
        f"{CODE}.some(c => c.outputs.toJSON().some({failed}))",
        RUN_TIMEOUT,
    )
    outputs: list[list[dict[str, Any]]] = b.js(f"{CODE}.map(c => c.outputs.toJSON())")
    errors = [o for cell in outputs for o in cell if o["output_type"] == "error"]
    assert not errors, errors
    return outputs


def only_local(b: Browser, host: str) -> None:
    elsewhere = [u for u in b.requests if not u.startswith((host, "data:", "blob:"))]
    assert b.requests and not elsewhere, elsewhere
    assert any(u.endswith("pyodide.asm.wasm") for u in b.requests)  # the kernel's are seen


def stdout(cell: list[dict[str, Any]]) -> str:
    return "".join(
        "".join(o["text"]) for o in cell if o["output_type"] == "stream" and o["name"] == "stdout"
    )


def test_notebook_01_prints_what_cpython_printed_and_draws_in_the_page(host, tmp_path):
    saved = json.loads((ROOT / "notebooks" / "01_forward_backward.ipynb").read_text())
    expected = [stdout(c["outputs"]) for c in saved["cells"] if c["cell_type"] == "code"]
    with Browser() as b:
        outputs = run_all(b, host, "01_forward_backward.ipynb")
        assert [stdout(cell) for cell in outputs] == expected
        assert "dE/dW0 = -0.057848" in "".join(expected)  # a gradient value, by the engine
        # draw_dot without `dot`: the wasm Graphviz draws the graph in the output
        drawing = b.wait("document.querySelector('.autograd-drawing svg g.node') && "
                         "document.querySelector('.autograd-drawing svg').textContent")  # fmt: skip
        assert "grad" in drawing
        b.screenshot(tmp_path / "01.png")
        only_local(b, host)


def test_notebook_02_the_steppers_widget_advances_on_a_click(host):
    with Browser() as b:
        run_all(b, host, "02_computation_graphs.ipynb")
        text = "document.querySelector('.widget-output').textContent"
        before = b.wait(f"{text}.trim() && document.querySelector('.widget-output svg') && {text}")
        b.js("""[...document.querySelectorAll('.jupyter-widgets button')]
                .find(e => e.textContent.includes('next')).click()""")
        after = b.wait(f"{text} !== {json.dumps(before)} && {text}")
        assert before.startswith("start") and after.startswith("step 1 of "), (before, after)
        b.wait("document.querySelector('.widget-output svg')")  # the step's drawing
        only_local(b, host)


def test_notebook_03_training_lowers_the_loss_and_draws_the_curves(host):
    with Browser() as b:
        outputs = run_all(b, host, "03_training_an_mlp.ipynb")
        text = "".join(stdout(cell) for cell in outputs)
        runs = [(float(a), float(z)) for a, z in re.findall(r"loss (\d+\.\d+) -> (\d+\.\d+)", text)]
        assert len(runs) >= 5 and all(end < start for start, end in runs), runs
        svgs = [o["data"]["image/svg+xml"] for c in outputs for o in c if "data" in o
                and "image/svg+xml" in o["data"]]  # fmt: skip
        assert sum("<polyline" in s for s in svgs) >= 3  # loss curves, without matplotlib
        assert any('class="cell"' in s for s in svgs)  # a decision boundary
        only_local(b, host)


def test_the_site_serves_the_pinned_wheels_and_the_runtime_of_the_playground():
    manifest = json.loads((LITE / "lite-manifest.json").read_text())
    playground = json.loads((SITE / "playground" / "manifest.json").read_text())
    assert manifest["pyodide"] == playground["pyodide"]
    lock = json.loads((LITE / "static" / "pyodide" / "pyodide-lock.json").read_text())
    pinned = (ROOT / "web" / "lite" / "requirements.txt").read_text()
    for name, entry in lock["packages"].items():
        served = LITE / "static" / "pyodide" / entry["file_name"]
        assert served.exists(), name
        if f"{name}=={entry['version']}" in pinned:  # from PyPI: the recorded hash
            assert f"sha256:{entry['sha256']}" in pinned, name
    config = json.loads((LITE / "jupyter-lite.json").read_text())["jupyter-config-data"]
    kernel = config["litePluginSettings"]["@jupyterlite/pyodide-kernel-extension:kernel"]
    assert kernel["disablePyPIFallback"] is True
    assert kernel["pyodideUrl"].startswith("./")
    assert sorted(manifest["notebooks"]) == sorted(
        p.name for p in (ROOT / "notebooks").glob("0[0-7]_*.ipynb")
    )


@pytest.mark.parametrize("page", ["tree/index.html", "lab/index.html", "notebooks/index.html"])
def test_the_sites_pages_are_no_wider_than_the_window_at_1280_px(host, page):
    query = "?path=07_exercises.ipynb" if page.startswith("notebooks") else ""
    with Browser() as b:
        b.open(f"{host}lite/{page}{query}")
        b.wait("document.querySelector('.jp-LabShell, .jp-NotebookPanel, .jp-DirListing')", 90)
        b.pump(2)
        page_width, window = b.js("[document.documentElement.scrollWidth, window.innerWidth]")
        assert window == 1280 and page_width <= window, (page_width, window)
        assert b.js("document.documentElement.lang") == "en"


def same_up_to_the_machine(text: str) -> str:
    """``text`` without what depends on the machine: times, a cell's file name, and the exact
    depth at which a recursion limit is met (within a few frames of CPython's, see
    ``autograd.testing.learner_run``)."""
    text = re.sub(r" *\d+(\.\d+)? ms", " <time>", text)
    text = re.sub(r"created at [^)]*:(\d+)\)", r"created at <cell>:\1)", text)
    return re.sub(r"chain of \d+ nodes", "chain of <n> nodes", text)


@pytest.mark.parametrize(
    "name",
    sorted(
        p.name
        for p in (ROOT / "notebooks").glob("0[0-7]_*.ipynb")
        if not p.name.startswith(("01_", "02_", "03_"))  # run by the tests above
    ),
)
def test_every_other_notebook_prints_in_the_browser_what_cpython_printed(host, name):
    saved = json.loads((ROOT / "notebooks" / name).read_text())
    code = [c for c in saved["cells"] if c["cell_type"] == "code"]
    with Browser() as b:
        outputs = run_all(b, host, name)
        only_local(b, host)
    for cell, out in zip(code, outputs, strict=True):
        got, want = stdout(out), stdout(cell["outputs"])
        if "check_backward(" in "".join(cell["source"]):  # NumPy's part: not in the browser
            assert got in ("", "This check needs NumPy, which the browser's Python here does "
                           "not have.\n"), got  # fmt: skip
            continue
        assert same_up_to_the_machine(got) == same_up_to_the_machine(want)


def test_the_student_versions_are_served_beside_the_full_notebooks_without_their_answers():
    from autograd.grading.student import is_solution

    manifest = json.loads((LITE / "lite-manifest.json").read_text())
    assert manifest["student"] == [
        "student/00_build_it_yourself.ipynb",
        "student/07_exercises.ipynb",
    ]
    listed = json.loads((LITE / "api" / "contents" / "student" / "all.json").read_text())
    assert sorted(e["name"] for e in listed["content"]) == [
        "00_build_it_yourself.ipynb", "07_exercises.ipynb"
    ]  # fmt: skip
    for name in ("00_build_it_yourself.ipynb", "07_exercises.ipynb"):
        full = json.loads((ROOT / "notebooks" / name).read_text())
        student = json.loads((LITE / "files" / "student" / name).read_text())
        assert (LITE / "files" / name).exists()  # the full one is still there
        regions = [
            "".join(c["source"]).split("### BEGIN SOLUTION", 1)[1].split("### END SOLUTION")[0]
            for c in full["cells"]
            if is_solution(c)
        ]
        given = {
            line.strip()
            for c in full["cells"]
            if not is_solution(c)
            for line in "".join(c["source"]).splitlines()
        }  # lines the notebook gives outside its solutions (the first engine's, say)
        answers = {line.strip() for r in regions for line in r.splitlines()} - given - {""}
        lines = {
            line.strip() for c in student["cells"] for line in "".join(c["source"]).split("\n")
        }
        assert len(answers) > 3 and answers & lines == set()
        text = json.dumps(student)
        assert "SOLUTION" not in text and "raise NotImplementedError()" in text


def test_the_student_notebook_00_runs_in_the_browser_and_its_checks_name_the_stubs(host):
    with Browser() as b:
        outputs = run_all(b, host, "student/00_build_it_yourself.ipynb")
        only_local(b, host)
    printed = "".join(stdout(cell) for cell in outputs)
    for method in ("__add__", "tanh", "__radd__", "backward"):
        assert f"NotImplementedError (in {method}, line " in printed
