"""Anomaly detection: stop at the first inf or nan and say, in chain-rule terms, how it came.

Inside ``with detect_anomaly():`` every node records where it was created (file and line of
the code that made it, outside this package), and

- the forward pass raises ``AnomalyError`` at the first node whose value is not finite, showing
  the operation and its operands (``exp(x=1000.0) = inf``);
- ``backward()`` and ``grad()`` raise it at the first gradient that is not finite, showing the
  local derivative, the upstream gradient and their product (``sqrt'(x=0.0) = inf times upstream
  0.0 -> nan``), the node it reached and where that was created; every ``.grad`` is left as it
  was. The error holds the path from the output down to that node: ``draw_dot(root,
  highlight=error)`` draws it in red.

Off, it costs nothing: the checks are installed (by wrapping the operations) only while some
thread or task is inside ``detect_anomaly``, and they act only in the contexts that asked.
"""

from __future__ import annotations

import functools
import math
import sys
import threading
from collections.abc import Callable
from contextvars import ContextVar, Token
from pathlib import Path
from typing import Any, TypeVar, cast

from . import codegen
from .engine import AnomalyError, AnomalyWatch, Value, describe_node, operands_text
from .mode import anomaly_mode
from .ops import TABLE

F = TypeVar("F", bound=Callable[..., Any])
PACKAGE = str(Path(__file__).resolve().parent)

__all__ = ["AnomalyError", "detect_anomaly"]


def creation_site() -> str:
    """``file:line`` of the innermost caller outside this package (where a node was made).

    >>> creation_site().startswith("<doctest")
    True
    """
    frame = sys._getframe(1)
    while frame is not None:
        name = frame.f_code.co_filename
        if not (name.startswith(PACKAGE) or name.startswith("<autograd")):
            return f"{name}:{frame.f_lineno}"
        frame = frame.f_back  # type: ignore[assignment]
    return "?"


def check_forward(node: Value, watch: AnomalyWatch) -> None:
    """Remember where ``node`` was made; raise if its value is the first non-finite one."""
    site = watch.sites[node] = creation_site()
    if math.isfinite(node.data):
        return
    shown = operands_text(node)
    bad = [c for c in node.inputs if not math.isfinite(c.data)]
    why = (
        f"; its input {describe_node(bad[0])} is already {bad[0].data!r}"
        if bad
        else " from finite operands"
    )
    message = f"forward: {node.op}({shown}) = {node.data!r}{why}, at {site}"
    raise AnomalyError(message, node, [node], site)


def _watched(fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def call(*args: Any, **kwargs: Any) -> Any:
        node = fn(*args, **kwargs)
        watch = anomaly_mode.get()
        if watch is not None and isinstance(node, Value) and not node.is_leaf:
            check_forward(node, watch)
        return node

    return call


class _Installed:
    """The wrapped operations, present while any context is inside detect_anomaly."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.users = 0
        self.saved: list[tuple[Any, str, Any]] = []  # (object, attribute, original)

    def _swap(self, owner: Any, attr: str) -> None:
        original = getattr(owner, attr)
        self.saved.append((owner, attr, original))
        setattr(owner, attr, _watched(original))

    def acquire(self) -> None:
        with self.lock:
            self.users += 1
            if self.users > 1:
                return
            names = {"__pow__", "__rpow__"}
            names |= {a for p in TABLE for a in (p.method, p.reflected) if a}
            for name in sorted(names):
                if name in vars(Value):
                    self._swap(Value, name)
            for op in codegen.compiled_operations():
                if op.make is not None:
                    self._swap(op, "make")
            self._swap(codegen, "record")

    def release(self) -> None:
        with self.lock:
            self.users -= 1
            if self.users:
                return
            for owner, attr, original in reversed(self.saved):
                setattr(owner, attr, original)
            self.saved.clear()


_INSTALLED = _Installed()
# The blocks open in this context, newest first, with what each must restore.
_open: ContextVar[tuple[tuple[detect_anomaly, Token[Any]], ...]] = ContextVar(
    "autograd_open_anomaly_blocks", default=()
)


class detect_anomaly:
    """Context manager and decorator: raise ``AnomalyError`` at the first inf or nan.

    >>> from autograd import Value
    >>> with detect_anomaly():
    ...     x = Value(0.0, "x")
    ...     y = x.sqrt() * 0.0  # sqrt'(0) is inf, and inf * 0 is nan
    ...     try:
    ...         y.backward()
    ...     except AnomalyError as e:
    ...         print(str(e).split(" (created")[0])
    backward: sqrt'(x=0.0) = inf times upstream 0.0 -> nan, passed to 'x' by a sqrt node
    >>> x.grad  # the failed backward changed nothing
    0.0
    """

    def __enter__(self) -> detect_anomaly:
        _INSTALLED.acquire()
        token = anomaly_mode.set(AnomalyWatch())
        _open.set(((self, token), *_open.get()))
        return self

    def __exit__(self, *exc: object) -> None:
        blocks = _open.get()
        if not blocks or blocks[0][0] is not self:
            raise RuntimeError(
                "detect_anomaly: exited in a different thread, task or order than it was "
                "entered (use it as a `with` block)"
            )
        anomaly_mode.reset(blocks[0][1])
        _open.set(blocks[1:])
        _INSTALLED.release()

    def __call__(self, fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with detect_anomaly():
                return fn(*args, **kwargs)

        return cast(F, wrapper)
