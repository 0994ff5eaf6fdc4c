"""Every per-operation catalogue covers every row of the table, or says why not (the idea of
PyTorch's OpInfo database): a new row that a catalogue misses fails here, by name."""

from __future__ import annotations

import math

import pytest

from autograd import ops
from autograd.ops import TABLE, Primitive
from autograd.testing.learner_spec import LEARNER_OPS

# Rows a catalogue leaves out on purpose, each with the reason.
NO_TORCH = {"identity": "a node of autograd.func's own, no user operation"}
NO_LEARNER_SPEC = {
    "powv": "check_engine asks for x ** number (square, cube, root, inverse) only",
    "leaky_relu": "not in the micrograd-style engines check_engine judges",
    "softplus": "not in the micrograd-style engines check_engine judges",
    "abs": "not in the micrograd-style engines check_engine judges",
    "max": "not in the micrograd-style engines check_engine judges",
    "min": "not in the micrograd-style engines check_engine judges",
    "clamp": "not in the micrograd-style engines check_engine judges",
    "identity": "a node of autograd.func's own, no user operation",
}


def _learner_methods() -> set[str]:
    return {op.method for op in LEARNER_OPS.values()}


def _row_method(p: Primitive) -> str | None:
    return "__pow__" if p is ops.OPS["pow"] else p.method  # x ** k has no method of its own


def missing(p: Primitive) -> list[str]:
    """The catalogues that do not cover row ``p`` and do not opt it out."""
    gaps = []
    if p.meta.torch is None and p.name not in NO_TORCH:
        gaps.append("meta.torch (the PyTorch reference the cross-checks use)")
    if _row_method(p) not in _learner_methods() and p.name not in NO_LEARNER_SPEC:
        gaps.append("autograd.testing.learner_spec.LEARNER_OPS (the spec check_engine uses)")
    return gaps


@pytest.mark.parametrize("row", TABLE, ids=lambda p: p.name)
def test_every_row_is_in_every_catalogue_or_opted_out(row: Primitive) -> None:
    assert missing(row) == [], f"row {row.name!r} is missing from: {missing(row)}"


def test_opt_outs_name_rows_that_exist() -> None:
    assert set(NO_TORCH) | set(NO_LEARNER_SPEC) <= set(ops.OPS)


def test_a_new_row_is_named_with_the_catalogues_it_lacks() -> None:
    """A maintainer's new row (``tan``) without catalogue entries is named, catalogue by
    catalogue; with them it passes."""
    tan = Primitive("tan", ("x",), "tan(x)", ("1 + out * out",), float_fn=math.tan)
    gaps = missing(tan)
    assert len(gaps) == 2 and "meta.torch" in gaps[0] and "LEARNER_OPS" in gaps[1]
