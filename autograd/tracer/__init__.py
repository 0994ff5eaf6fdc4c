"""The tracer: ``autograd.compile`` records a graph once and replays it as straight-line code.

Its names live here: ``from autograd.tracer import Compiled, Result, TracePathError,
train_step`` (``autograd.compile`` is the same function as ``autograd.tracer.compile``).

>>> from autograd.tracer import compile
>>> f = compile(lambda x: x * x, [3.0])
>>> f(4.0).grads
(8.0,)
"""

from .trace import Compiled, Result, TracePathError, TrainStep, compile, train_step

__all__ = ["Compiled", "Result", "TracePathError", "TrainStep", "compile", "train_step"]

# Shown (in tracebacks, reprs and the docs) under the path users import them from.
for _public in (Compiled, Result, TracePathError):
    _public.__module__ = __name__
