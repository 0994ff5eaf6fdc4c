"""Collection rules shared by the test suite and the doctests in ``autograd/``.

Some examples need an optional package that ``make test-fast`` (the ``test`` extra) does not
install: drawing needs ``graphviz`` (the ``viz`` extra), the stepper's widget needs
``ipywidgets`` (the ``notebooks`` extra). Where the package is missing such an example is
skipped with that reason, as the tests in ``tests/`` are, instead of failing; ``make test``
installs both and runs them. tests/project/test_fresh_clone.py checks every doctest's optional
import is either in the ``test`` extra or listed here.
"""

from __future__ import annotations

import importlib.util

import pytest
from _pytest.doctest import DoctestItem

# package: (what in an example's source needs it, the extra that installs it)
OPTIONAL_IN_DOCTESTS = {
    "graphviz": (("import graphviz", "draw_dot("), "viz"),
    "ipywidgets": (("import ipywidgets",), "notebooks"),
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    missing = {
        package: needs
        for package, needs in OPTIONAL_IN_DOCTESTS.items()
        if importlib.util.find_spec(package) is None
    }
    for item in items:
        if not missing or not isinstance(item, DoctestItem) or item.dtest is None:
            continue
        source = "".join(example.source for example in item.dtest.examples)
        for package, (markers, extra) in missing.items():
            if any(marker in source for marker in markers):
                reason = f"needs the {package} package: pip install 'scalar-autograd[{extra}]'"
                item.add_marker(pytest.mark.skip(reason=reason))
