"""Grading a class: students' engines (``.py`` files, notebooks, folders) judged in processes of
their own, marked on a rubric whose points follow root causes, and written out as Gradescope
``results.json``, JUnit XML, a class CSV, ``summary.json`` and ``summary.html``.

A layer above ``autograd.testing`` (the judge) and below the command line
(``python -m autograd grade``); see docs/teaching.md. Exercise sheets are marked into the same
formats by ``autograd.cli.sheet_marking.mark_sheets`` (``python -m autograd exercises mark``).

>>> load_rubric().total
100.0
"""

from .batch import Settings, grade_class, grade_gradescope
from .rubric import DEFAULT, Rubric, load_rubric

__all__ = ["DEFAULT", "Rubric", "Settings", "grade_class", "grade_gradescope", "load_rubric"]
