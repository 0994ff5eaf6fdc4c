"""The command line, ``python -m autograd [explain|demo|graph]``, and its expression language."""

from .main import main

__all__ = ["main"]
