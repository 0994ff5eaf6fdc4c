"""Node names and formulas, as the drawings show them: kept here for code that imports them
from ``autograd.viz``; they live in ``autograd.notation``, below the drawings, the learner
checks and the exercises, which all use them.

>>> from autograd import Value
>>> from autograd.viz.names import expression
>>> x, w = Value(2.0, "x"), Value(-3.0, "w")
>>> expression(x * w, {x: "x", w: "w"})
'x × w'
"""

from __future__ import annotations

from ..notation import derivative_rule, expression, formula, full_expression, node_names

__all__ = ["derivative_rule", "expression", "formula", "full_expression", "node_names"]
