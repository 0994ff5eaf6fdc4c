"""Property-test derivatives: gradcheck, gradgradcheck, primitive tests, Hypothesis strategies.

``autograd.testing.strategies`` (needs Hypothesis) and ``autograd.testing.oracle`` (needs sympy)
are submodules, imported on demand so that gradcheck itself needs neither. ``check_engine`` (a
learner's own Value class) needs Hypothesis and ``check_backward`` (a learner's NumPy backward)
NumPy: both come with the ``testing`` extra.
"""

from .checks import GradcheckError, gradcheck, gradgradcheck
from .learner_backward import BackwardReport, check_backward
from .learner_engine import check_engine
from .learner_report import EngineReport
from .properties import check_primitive, primitive_test

__all__ = [
    "BackwardReport",
    "EngineReport",
    "GradcheckError",
    "check_backward",
    "check_engine",
    "check_primitive",
    "gradcheck",
    "gradgradcheck",
    "primitive_test",
]
