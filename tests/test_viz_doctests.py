"""The examples in the visualisation modules' docstrings run and give what they show."""

import doctest
import importlib

import pytest

MODULES = [
    "autograd.viz",
    "autograd.viz_groups",
    "autograd.stepper",
    "autograd.stepper_html",
    "autograd.expr",
    "autograd.viz_render",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    pytest.importorskip("graphviz")
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0 and result.attempted > 0
