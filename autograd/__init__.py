"""autograd: a pure-Python scalar automatic-differentiation engine for learning and testing.

The layers, from the ground up: the operation table (``ops``) and the engine's core
(``core``: the ``Value`` node, its operations written out from the table in
``core/operations.py``, and the one reverse sweep in ``core/sweep.py``); reverse and forward
mode as functions (``reverse_mode``, ``forward_mode``), user primitives (``primitives``) and
transforms (``func``); neural networks (``nn``); drawings and steppers (``viz``), property
tests (``testing``) and the tracer behind ``compile`` (``tracer``); exercises and the command
line (``cli``). Each imports only the layers below it.
"""

import sys as _sys

from . import forward_mode as _forward_mode
from .core.anomaly import AnomalyError, detect_anomaly
from .core.modes import enable_grad, is_grad_enabled, no_grad
from .core.value import Value
from .nn import datasets, losses, optim
from .primitives import primitive
from .reverse_mode import grad
from .tracer import compile

# ``autograd.forward`` is forward mode's earlier name; it keeps working.
_sys.modules[__name__ + ".forward"] = _forward_mode
forward = _forward_mode

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
