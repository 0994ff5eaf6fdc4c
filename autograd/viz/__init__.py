"""Pictures of the graph: DOT drawings, gradient-flow colouring, steppers through the passes.

>>> from autograd import Value
>>> from autograd.viz import to_dot
>>> x = Value(2.0, "x")
>>> to_dot(x * 3).startswith("digraph")
True
"""

from .backward_stepper import BackwardStepper
from .dot import draw_dot, to_dot
from .expand import expand
from .forward_steppers import ForwardStepper, TangentStepper
from .rendering import GraphvizNotFound, render, render_svgs
from .style import flow_colour

__all__ = [
    "BackwardStepper",
    "ForwardStepper",
    "GraphvizNotFound",
    "TangentStepper",
    "draw_dot",
    "expand",
    "flow_colour",
    "render",
    "render_svgs",
    "to_dot",
]
