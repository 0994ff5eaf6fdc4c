"""The documentation's ``pycon`` examples run as doctests, and its build inputs are consistent."""

from __future__ import annotations

import doctest
import re
import sys
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"
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


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(DOCS)))
def test_page_examples_run(page: Path) -> None:
    text = examples(page)
    if ">>>" not in text:
        pytest.skip("no examples on this page")
    result = run_examples(text, page.name)
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
