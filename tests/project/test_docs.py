"""The documentation's ``pycon`` examples run as doctests, and its build inputs are consistent."""

from __future__ import annotations

import doctest
import json
import re
import sys
from pathlib import Path

import pytest

from autograd.viz.inpage import renderer

DOCS = Path(__file__).resolve().parents[2] / "docs"
PAGES = sorted(
    p for p in DOCS.rglob("*.md") if "_build" not in p.parts and "notebooks" not in p.parts
)
BLOCK = re.compile(r"^```pycon\n(.*?)^```", re.S | re.M)


def examples(page: Path) -> str:
    """The text of every ```pycon block of a page, in order, as one doctest document."""
    return "\n".join(BLOCK.findall(page.read_text(encoding="utf-8")))


def run_examples(text: str, name: str) -> doctest.TestResults:
    parser = doctest.DocTestParser()
    test = parser.get_doctest(text, {}, name, name, 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test, out=sys.stdout.write)
    return runner.summarize(verbose=False)


WITH_EXAMPLES = [p for p in PAGES if ">>>" in examples(p)]


def test_the_teaching_pages_have_examples() -> None:
    names = {p.relative_to(DOCS).as_posix() for p in WITH_EXAMPLES}
    teaching = {"getting-started.md", "tutorial.md", "concepts.md", "faq.md", "zh/tutorial.md"}
    assert teaching <= names


@pytest.mark.parametrize("page", WITH_EXAMPLES, ids=lambda p: str(p.relative_to(DOCS)))
def test_page_examples_run(page: Path) -> None:
    result = run_examples(examples(page), page.name)
    assert result.failed == 0, f"{page}: {result.failed} of {result.attempted} examples failed"


def test_example_runner_catches_a_wrong_output() -> None:
    # The runner above must fail on a wrong expected value, or the page tests prove nothing.
    result = run_examples(">>> 1 + 1\n3\n", "wrong")
    assert (result.failed, result.attempted) == (1, 1)


def test_every_page_is_reachable_from_a_toctree() -> None:
    toctrees = "\n".join(p.read_text(encoding="utf-8") for p in PAGES)
    for page in PAGES:
        rel = page.relative_to(DOCS).with_suffix("").as_posix()
        if rel == "index":
            continue
        assert re.search(rf"^{re.escape(rel)}$", toctrees, re.M), f"{rel} is in no toctree"


def _scripts() -> tuple[object, object]:
    sys.path.insert(0, str(DOCS / "_scripts"))
    try:
        import diagrams

        import notebooks
    finally:
        sys.path.remove(str(DOCS / "_scripts"))
    return diagrams, notebooks


def test_reuse_diagram_shows_the_accumulated_gradient() -> None:
    diagrams, _ = _scripts()
    dot = diagrams.reuse()  # type: ignore[attr-defined]
    # a feeds b twice and b feeds c twice: dc/da = 4, dc/db = 2.
    assert '"{a | data 3 | grad 4}"' in dot
    assert '"{b | data 6 | grad 2}"' in dot


def test_notebook_index_lists_what_is_there(tmp_path: Path) -> None:
    _, notebooks = _scripts()
    source, target = tmp_path / "notebooks", tmp_path / "docs" / "notebooks"
    source.mkdir()
    assert notebooks.collect(source, target) == []  # type: ignore[attr-defined]
    assert "No notebook" in (target / "index.md").read_text()
    for name in ("02_graphs.ipynb", "01_neuron.ipynb", "01_neuron.py"):
        (source / name).write_text("{}")
    assert notebooks.collect(source, target) == ["01_neuron", "02_graphs"]  # type: ignore[attr-defined]
    index = (target / "index.md").read_text()
    assert "01_neuron\n02_graphs\n```" in index
    assert sorted(p.name for p in target.iterdir()) == [
        "01_neuron.ipynb",
        "02_graphs.ipynb",
        "index.md",
    ]


def test_a_widget_player_becomes_an_offline_page(tmp_path: Path) -> None:
    # A saved ipywidgets player needs a kernel and a CDN; the site shows the stepper's own page.
    _, notebooks = _scripts()
    code = (
        "from autograd import Value\nfrom autograd.viz import BackwardStepper\n"
        "x = Value(2.0, 'x')\ny = (x * x).tanh()\nBackwardStepper(y).play()\n"
    )
    widget = {"model_id": "abc", "version_major": 2, "version_minor": 0}
    cell = {
        "cell_type": "code",
        "execution_count": 1,
        "metadata": {},
        "source": code,
        "outputs": [
            {
                "output_type": "display_data",
                "metadata": {},
                "data": {"application/vnd.jupyter.widget-view+json": widget, "text/plain": "VBox"},
            }
        ],
    }
    nb = {"cells": [cell], "metadata": {"widgets": {"state": {}}}, "nbformat": 4}
    source, target = tmp_path / "notebooks", tmp_path / "docs" / "notebooks"
    source.mkdir()
    (source / "01_play.ipynb").write_text(json.dumps(nb))
    static = tmp_path / "docs" / "_static" / "generated" / "players"
    assert notebooks.collect(source, target, static) == ["01_play"]  # type: ignore[attr-defined]
    copied = json.loads((target / "01_play.ipynb").read_text())
    assert "widgets" not in copied["metadata"]
    frame = copied["cells"][0]["outputs"][0]["data"]["text/html"]
    assert 'src="../_static/generated/players/01_play-cell0-0.html"' in frame
    page = (static / "01_play-cell0-0.html").read_text()
    assert "<svg" in page or '<pre class="dot">' in page
    page = page.replace(renderer(), "")  # the embedded wasm Graphviz's header names web sites
    assert "http://" not in page.replace("http://www.w3.org", "")
    assert "https://" not in page


def _namespace_before(page: Path, marker: str) -> dict:
    """The names a page's examples leave behind where ``marker`` appears (a reader there)."""
    text = page.read_text(encoding="utf-8").split(marker)[0]
    parser = doctest.DocTestParser()
    globs: dict = {}
    test = parser.get_doctest("\n".join(BLOCK.findall(text)), globs, page.name, page.name, 0)
    doctest.DocTestRunner(optionflags=doctest.ELLIPSIS).run(
        test, out=lambda _: None, clear_globs=False
    )
    return test.globs


def test_the_tutorial_diagram_is_what_the_tutorial_says_draws_it() -> None:
    from autograd.viz.dot import to_dot

    diagrams, _ = _scripts()
    tutorial = DOCS / "tutorial.md"
    assert 'to_dot(Ev, rankdir="TB")' in tutorial.read_text(encoding="utf-8")
    Ev = _namespace_before(tutorial, "```{image} _static/generated/neuron.svg")["Ev"]
    assert diagrams.neuron() == to_dot(Ev, rankdir="TB")  # type: ignore[attr-defined]


NUMBERS = {"Five": 5, "Six": 6, "Seven": 7, "Eight": 8, "Nine": 9, "Ten": 10}


def test_the_concepts_page_has_as_many_sections_as_it_says() -> None:
    text = (DOCS / "concepts.md").read_text(encoding="utf-8")
    said = re.search(r"^(\w+) ideas make up", text, re.M)
    assert said, "the concepts page no longer says how many ideas"
    assert NUMBERS[said.group(1)] == len(re.findall(r"^## ", text, re.M))


@pytest.mark.parametrize(
    ("page", "claim"),
    [
        ("tutorial.md", "table above"),
        ("zh/tutorial.md", "上面表格"),
        ("index.md", "a\\nfew hundred lines"),
        ("tutorial.md", "The same expanded picture is the"),
    ],
)
def test_statements_once_false_are_gone(page: str, claim: str) -> None:
    text = (DOCS / page).read_text(encoding="utf-8").replace("\n", " ")
    assert claim.replace("\\n", " ") not in text


# Drawing needs no `dot` (the wasm Graphviz in the package draws in the browser); only saving
# files does. Sentences saying otherwise contradicted the README and the playground page.
DOT_CLAIMS = re.compile(
    r"draw\w*( graphs)? needs? Graphviz|without it they are shown as DOT text", re.IGNORECASE
)


def test_no_page_says_drawing_needs_the_dot_program() -> None:
    root = DOCS.parent
    texts = [*DOCS.rglob("*.md"), root / "README.md", *(root / "notebooks").glob("*.py")]
    said = {
        str(path.relative_to(root)): DOT_CLAIMS.findall(" ".join(path.read_text("utf-8").split()))
        for path in texts
        if "_build" not in path.parts
    }
    assert {k: v for k, v in said.items() if v} == {}


def test_notebook_00_is_met_after_01_and_02_and_labelled_so(tmp_path: Path) -> None:
    """Notebook 00 assumes closures, the topological order and reflected operators, which 01
    and 02 teach: the site's index and notebooks/README.md list it after 02, saying so."""
    _, notebooks = _scripts()
    source, target = tmp_path / "notebooks", tmp_path / "docs" / "notebooks"
    source.mkdir()
    names = [p.name for p in (DOCS.parent / "notebooks").glob("*.ipynb")]
    for name in names:
        (source / name).write_text(json.dumps({"cells": [], "metadata": {}}))
    notebooks.collect(source, target)  # type: ignore[attr-defined]
    index = (target / "index.md").read_text(encoding="utf-8")
    entries = index.split("```{toctree}", 1)[1].split("```", 1)[0].split()
    listed = [e.strip("<>") for e in entries if e.strip("<>") in {n[:-6] for n in names}]
    assert listed.index("00_build_it_yourself") == listed.index("02_computation_graphs") + 1
    assert "Build it yourself (after notebooks 01 and 02) <00_build_it_yourself>" in index
    readme = (DOCS.parent / "notebooks" / "README.md").read_text(encoding="utf-8")
    assert readme.index("`02_computation_graphs`") < readme.index("`00_build_it_yourself`")
    assert "after 1 and 2" in readme


def test_the_run_in_the_browser_cell_has_an_id() -> None:
    """nbformat 4.5 cells carry an id: without one, `make docs` printed MissingIDFieldWarning."""
    _, notebooks = _scripts()
    nb = {"cells": [{"cell_type": "markdown", "id": "t", "metadata": {}, "source": ["# T"]}]}
    cells = notebooks.with_run_link(nb, "01_x.ipynb")["cells"]  # type: ignore[attr-defined]
    ids = [cell.get("id") for cell in cells]
    assert all(ids) and len(set(ids)) == len(ids)
