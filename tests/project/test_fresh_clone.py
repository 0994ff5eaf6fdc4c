"""`make test-fast` in a fresh clone: what its tests and doctests need is what it installs.

`make test-fast` installs the ``test`` and ``lint`` extras only. A doctest that imports a
package outside them (ipywidgets once) failed there; such an example must be skipped by the
rule in the root conftest.py, which names the extra that installs the package.
"""

from __future__ import annotations

import ast
import configparser
import doctest
import importlib.util
import re
import sys
from pathlib import Path
from typing import Any

import autograd

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = Path(autograd.__file__).parent
DOCUMENTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def extra(name: str) -> set[str]:
    """The import names of the packages an extra of setup.cfg lists."""
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    lines = config["options.extras_require"][name].splitlines()
    names = {re.split(r"[\[<>=! ]", line.strip())[0] for line in lines}
    return {n.lower().replace("-", "_") for n in names if n and not n.startswith("#")}


def doctest_imports() -> dict[str, set[str]]:
    """Top-level package name -> the modules of autograd whose examples import it."""
    found: dict[str, set[str]] = {}
    finder = doctest.DocTestParser()
    for path in sorted(PACKAGE.rglob("*.py")):
        module = ast.parse(path.read_text(encoding="utf-8"))
        documented = [module, *(n for n in ast.walk(module) if isinstance(n, DOCUMENTED))]
        docstrings = [ast.get_docstring(n) or "" for n in documented]
        examples = [e for d in docstrings for e in finder.get_examples(d)]
        for example in examples:
            if "except ImportError" in example.source:  # runs either way
                continue
            try:
                tree = ast.parse(example.source)
            except SyntaxError:
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                else:
                    continue
                for name in names:
                    found.setdefault(name.split(".")[0], set()).add(path.name)
    return found


def root_conftest() -> Any:
    """The root conftest.py, loaded by path (tests/conftest.py is also called conftest)."""
    spec = importlib.util.spec_from_file_location("root_conftest", ROOT / "conftest.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_doctest_scanner_finds_imports() -> None:
    found = doctest_imports()
    assert "autograd" in found and "graphviz" in found


def test_every_doctest_import_is_installed_by_make_test_fast_or_skipped_without_it() -> None:
    conftest = root_conftest()
    installed = extra("test") | extra("lint") | {"autograd"}
    skipped_when_missing = set(conftest.OPTIONAL_IN_DOCTESTS)
    outside = {
        package: sorted(modules)
        for package, modules in doctest_imports().items()
        if package not in sys.stdlib_module_names
        and package not in installed
        and package not in skipped_when_missing
    }
    assert outside == {}, "examples import packages make test-fast does not install"


def test_the_skip_rule_names_a_real_extra_for_each_package() -> None:
    conftest = root_conftest()
    for package, (_, extra_name) in conftest.OPTIONAL_IN_DOCTESTS.items():
        assert package in extra(extra_name), (package, extra_name)


# A property test that asks for this many examples itself (above every Hypothesis profile) takes
# seconds: `make test` runs it, the quick loop (`make test-fast`, which leaves out `slow`) not.
MANY_EXAMPLES = 1000


def marks(node: ast.FunctionDef) -> set[str]:
    """The pytest.mark names on a test function."""
    names = set()
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(target, ast.Attribute) and "mark" in ast.unparse(target):
            names.add(target.attr)
    return names


def examples_asked(node: ast.FunctionDef) -> int:
    """The max_examples a test's own @settings asks for (0 if it leaves it to the profile)."""
    for decorator in node.decorator_list:
        if isinstance(decorator, ast.Call) and ast.unparse(decorator.func) == "settings":
            for keyword in decorator.keywords:
                if keyword.arg == "max_examples" and isinstance(keyword.value, ast.Constant):
                    return int(keyword.value.value)
    return 0


def test_tests_that_ask_for_thousands_of_examples_are_left_out_of_the_quick_loop() -> None:
    unmarked = []
    for path in sorted((ROOT / "tests").glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                many = examples_asked(node) >= MANY_EXAMPLES
                if many and not marks(node) & {"slow", "long"}:
                    unmarked.append(f"{path.name}::{node.name}")
    assert unmarked == []
