"""The exercises page's sheet, written at build time from a fixed seed (offline, byte-stable)."""

from __future__ import annotations

from pathlib import Path

from autograd.exercises.sheet import Sheet

SEED = 1


def write_all(target: Path) -> None:
    """Write the sheet and its key as HTML fragments (drawings inline) into ``target``.

    They are included into the exercises page at build time (a ``raw`` directive), not
    published as pages of their own.
    """
    sheet = Sheet(seed=SEED, count=2, size=4)
    target.mkdir(parents=True, exist_ok=True)
    (target / "sheet.html").write_text(sheet.fragment(), encoding="utf-8")
    (target / "key.html").write_text(sheet.fragment(key=True), encoding="utf-8")
