"""Every public name has a docstring with a runnable example.

The examples of the methods generated from the operation table run once, through
``autograd.ops.__test__`` (the doctest collector cannot find generated functions)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import types
from collections.abc import Iterator

import autograd


def public_modules() -> list[types.ModuleType]:
    """The package and every submodule whose dotted name has no part starting with ``_``."""
    names = ["autograd"] + [m.name for m in pkgutil.walk_packages(autograd.__path__, "autograd.")]
    keep = [n for n in names if not any(part.startswith("_") for part in n.split("."))]
    return [importlib.import_module(n) for n in keep]


def module_names(mod: types.ModuleType) -> list[str]:
    """``__all__`` when the module has one, else the functions and classes it defines itself."""
    if hasattr(mod, "__all__"):
        return [n for n in mod.__all__ if not n.startswith("__")]
    return [
        n
        for n, obj in vars(mod).items()
        if not n.startswith("_")
        and (inspect.isfunction(obj) or inspect.isclass(obj))
        and obj.__module__ == mod.__name__
    ]


def members(cls: type) -> Iterator[tuple[str, object]]:
    """A class's own public methods and properties (what users call on its instances)."""
    for name, attr in vars(cls).items():
        if name.startswith("_"):
            continue
        if isinstance(attr, (staticmethod, classmethod)):
            attr = attr.__func__
        if isinstance(attr, property) or inspect.isfunction(attr):
            yield name, getattr(cls, name) if not isinstance(attr, property) else attr


def public_names() -> dict[str, object]:
    found: dict[str, object] = {}
    for mod in public_modules():
        for name in module_names(mod):
            obj = getattr(mod, name)
            if not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue
            found[f"{mod.__name__}.{name}"] = obj
            if inspect.isclass(obj):
                for mname, m in members(obj):
                    found[f"{mod.__name__}.{name}.{mname}"] = m
    return found


def lacking_examples(names: dict[str, object]) -> list[str]:
    return sorted(n for n, obj in names.items() if ">>>" not in (inspect.getdoc(obj) or ""))


def test_every_public_name_has_an_example() -> None:
    names = public_names()
    assert len(names) > 150  # the scan must see the whole package, not an empty slice of it
    assert lacking_examples(names) == []


def test_the_scan_flags_a_name_without_an_example() -> None:
    def documented() -> None:
        """Has one.

        >>> 1
        1
        """

    def bare() -> None:
        """Says what it does but shows nothing."""

    class Thing:
        """A class.

        >>> Thing
        <class ...>
        """

        def method(self) -> None:
            """No example here."""

    found = {"documented": documented, "bare": bare, "Thing": Thing}
    found.update({f"Thing.{n}": m for n, m in members(Thing)})
    assert lacking_examples(found) == ["Thing.method", "bare"]
