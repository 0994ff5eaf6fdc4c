"""Collection rules shared by the test suite and the doctests in ``autograd/``.

Examples that draw need the optional ``graphviz`` package (the ``viz`` extra). Where it is not
installed they are skipped with that reason, as the tests in ``tests/`` are, instead of failing.
"""

from __future__ import annotations

import importlib.util

import pytest
from _pytest.doctest import DoctestItem

NEEDS_GRAPHVIZ_PACKAGE = ("import graphviz", "draw_dot(")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if importlib.util.find_spec("graphviz") is not None:
        return
    skip = pytest.mark.skip(reason="needs the graphviz package: pip install 'scalar-autograd[viz]'")
    for item in items:
        if isinstance(item, DoctestItem) and item.dtest is not None:
            source = "".join(example.source for example in item.dtest.examples)
            if any(marker in source for marker in NEEDS_GRAPHVIZ_PACKAGE):
                item.add_marker(skip)
