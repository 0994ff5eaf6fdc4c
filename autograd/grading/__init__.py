"""Grading a class: students' engines (``.py`` files, notebooks, folders) judged in processes of
their own, marked on a rubric whose points follow root causes, and written out as Gradescope
``results.json``, JUnit XML, a class CSV, ``summary.json`` and ``summary.html``.

Exercise sheets are marked into the same formats (:func:`mark_sheets`, ``python -m autograd
exercises mark``). A layer above ``autograd.testing`` (the judge) and ``autograd.exercises``,
below the command line (``python -m autograd grade``); see docs/teaching.md.

>>> load_rubric().total
100.0
"""

from .batch import Settings, grade_class, grade_gradescope
from .rubric import DEFAULT, Rubric, load_rubric
from .sheets import mark_sheets

__all__ = [
    "DEFAULT",
    "Rubric",
    "Settings",
    "grade_class",
    "grade_gradescope",
    "load_rubric",
    "mark_sheets",
]
