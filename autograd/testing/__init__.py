"""Property-test derivatives: gradcheck, gradgradcheck, primitive tests, Hypothesis strategies.

``autograd.testing.strategies`` (needs Hypothesis) and ``autograd.testing.oracle`` (needs sympy)
are submodules, imported on demand so that gradcheck itself needs neither.
"""

from .checks import GradcheckError, gradcheck, gradgradcheck
from .properties import check_primitive, primitive_test

__all__ = ["GradcheckError", "check_primitive", "gradcheck", "gradgradcheck", "primitive_test"]
