"""Exercises: a learner works out a graph's values and gradients, the engine marks them.

:class:`Exercise` holds a graph (the learner's own expression, a function on Values, or a random
one with friendly numbers); :meth:`Exercise.check` marks the answers and says, for each wrong
one, whether the mistake was made at that step or carried from above, and which local
derivative or missing share it was; :meth:`Exercise.hint` helps one rung at a time;
:func:`check_rule` marks a learner's backward rule for a new operation. Sheets for a class come
from :mod:`autograd.exercises.sheet` (``python -m autograd exercises``).

>>> from autograd.exercises import Exercise
>>> ex = Exercise.from_expression("x * y + x", x=2.0, y=3.0)
>>> ex.check({"x.grad": 3.0}).wrong[0].diagnosis.mistake  # only the share through x * y
'missing share'
"""

from .exercise import Exercise
from .report import Diagnosis, Mark, Report
from .rules import RuleReport, check_rule

__all__ = ["Diagnosis", "Exercise", "Mark", "Report", "RuleReport", "check_rule"]
