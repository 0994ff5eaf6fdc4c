"""autograd: a pure-Python scalar automatic-differentiation engine for learning and testing."""

from . import fused as _fused  # noqa: F401  (the one-node weighted sum used by autograd.nn)
from . import method_docs as _method_docs  # noqa: F401  (docstrings of those methods)
from . import rules as _rules  # noqa: F401  (attaches the table's operators to Value)
from .compile import compile
from .engine import Value
from .functional import grad
from .mode import enable_grad, is_grad_enabled, no_grad
from .rules import primitive

__version__ = "0.1.0"

__all__ = ["Value", "__version__", "enable_grad", "grad", "is_grad_enabled", "no_grad", "primitive"]
__all__ += ["compile"]  # autograd.compile: trace once, replay as straight-line code
