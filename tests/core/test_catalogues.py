"""Every per-operation catalogue covers every row of the table, or says why not (the idea of
PyTorch's OpInfo database): a new row that a catalogue misses fails here, by name."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from autograd import ops
from autograd.exercises.catalogue import MISTAKES, MISTAKES_LEFT_OUT, OPERANDS, OPERANDS_LEFT_OUT
from autograd.ops import TABLE, Primitive
from autograd.testing import learner_spec

# Rows a catalogue leaves out on purpose, each with the reason (the exercises' and the learner
# spec's opt-outs live beside their catalogues).
NO_TORCH = {"identity": "a node of autograd.func's own, no user operation"}
NO_DISPLAY = {"identity": "a node of autograd.func's own: drawings show its symbol '='"}


def _displayed(p: Primitive) -> bool:
    """Written between operands, by a form, or as a call of a name the expressions know."""
    shown = p.meta.display
    return bool(shown.infix or shown.form or p.function)


def _readme_methods() -> set[str]:
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    found = re.search(r"and the methods\s+`([^`]*)`", readme)
    return set(found.group(1).split()) if found else set()


def _in_readme(p: Primitive) -> bool:
    """The README's engine-in-brief names the method (operators are listed there as such)."""
    return p.method is None or p.method.startswith("__") or p.method in _readme_methods()


# (catalogue, does it cover the row, its opt-outs)
CATALOGUES = [
    ("meta.torch (the PyTorch reference the cross-checks use)",
     lambda p: p.meta.torch is not None, NO_TORCH),
    ("meta.display (how drawings and exercises write it)", _displayed, NO_DISPLAY),
    ("README.md (the engine in brief lists every method)", _in_readme, {}),
    ("autograd.testing.learner_spec.LEARNER_OPS (the spec check_engine uses)",
     lambda p: p in learner_spec.LEARNER_ROWS, learner_spec.LEFT_OUT),
    ("autograd.exercises.catalogue.MISTAKES (the typical mistakes a diagnosis tries)",
     lambda p: p in MISTAKES, MISTAKES_LEFT_OUT),
    ("autograd.exercises.catalogue.OPERANDS (the exercise generator's friendly ranges)",
     lambda p: p in OPERANDS, OPERANDS_LEFT_OUT),
]  # fmt: skip


def missing(p: Primitive) -> list[str]:
    """The catalogues that do not cover row ``p`` and do not opt it out."""
    return [
        name for name, covers, left_out in CATALOGUES if not covers(p) and p.name not in left_out
    ]


@pytest.mark.parametrize("row", TABLE, ids=lambda p: p.name)
def test_every_row_is_in_every_catalogue_or_opted_out(row: Primitive) -> None:
    assert missing(row) == [], f"row {row.name!r} is missing from: {missing(row)}"


@pytest.mark.parametrize(
    "name, covers, left_out", CATALOGUES, ids=[c[0].split()[0] for c in CATALOGUES]
)
def test_opt_outs_name_rows_that_exist_and_are_left_out(name, covers, left_out) -> None:
    assert set(left_out) <= set(ops.OPS), f"{name}: opts out rows that do not exist"
    covered = [r for r in left_out if covers(ops.OPS[r])]
    assert covered == [], f"{name}: covers {covered} and still lists them as left out"
    assert all(reason.strip() for reason in left_out.values()), (
        f"{name}: an opt-out without a reason"
    )


def test_a_new_row_is_named_with_the_catalogues_it_lacks() -> None:
    """A maintainer's new row (``tan``) without catalogue entries is named, catalogue by
    catalogue; the display of a call needs no entry."""
    tan = Primitive("cot", ("x",), "cot(x)", ("-1 - out * out",))
    gaps = missing(tan)
    assert [g.split()[0] for g in gaps] == [
        "meta.torch",
        "README.md",
        "autograd.testing.learner_spec.LEARNER_OPS",
        "autograd.exercises.catalogue.MISTAKES",
        "autograd.exercises.catalogue.OPERANDS",
    ]
    hidden = Primitive("hidden", ("x",), "x", ("1",), method=None)
    assert any("meta.display" in g for g in missing(hidden))
