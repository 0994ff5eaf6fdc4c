"""autograd: a pure-Python scalar automatic-differentiation engine for learning and testing.

The layers, from the ground up: the operation table (``ops``) and the ``Value`` node
(``engine``), with the code generator that joins them (``codegen``) and user primitives
(``primitive``); grad mode (``mode``) and the functional ``grad`` (``functional``); neural
networks (``nn``); drawings and steppers (``viz``), property tests (``testing``) and the
tracer behind ``compile`` (``tracer``); the command line (``cli``). Each imports only the
layers below it.
"""

from . import codegen as _codegen  # noqa: F401  (attaches the table's methods to Value)
from .anomaly import detect_anomaly
from .custom import primitive
from .engine import AnomalyError, Value
from .functional import grad
from .mode import enable_grad, is_grad_enabled, no_grad
from .nn import datasets, losses, optim
from .tracer import compile

__version__ = "0.1.0"

__all__ = [
    "AnomalyError",
    "Value",
    "__version__",
    "compile",
    "datasets",
    "detect_anomaly",
    "enable_grad",
    "grad",
    "is_grad_enabled",
    "losses",
    "no_grad",
    "optim",
    "primitive",
]
