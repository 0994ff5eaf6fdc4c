"""Grad mode: whether new operations are recorded into the graph (per thread and per task)."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from contextvars import ContextVar, Token
from typing import Any, TypeVar, cast

F = TypeVar("F", bound=Callable[..., Any])

grad_enabled: ContextVar[bool] = ContextVar("autograd_grad_enabled", default=True)


class _State:
    """Process-wide state: how many no_grad/enable_grad blocks are open, in any thread.

    Reading a ContextVar on every operation would cost more than the operation itself, so the
    engine first checks this plain counter: while it is zero (no ``no_grad`` block anywhere in any
    thread) recording is on without asking the ContextVar.
    """

    __slots__ = ("fallible_rules", "lock", "open_mode_blocks")

    def __init__(self) -> None:
        self.open_mode_blocks = 0
        self.lock = threading.Lock()
        # Primitives whose derivative rules are user callables, which may raise; backward then
        # keeps a snapshot so a failure leaves every gradient as it was.
        self.fallible_rules = 0


STATE = _State()


def is_grad_enabled() -> bool:
    """True when operations are being recorded in the current thread or task.

    >>> from autograd import no_grad
    >>> is_grad_enabled()
    True
    >>> with no_grad():
    ...     is_grad_enabled()
    False
    """
    return grad_enabled.get()


class _GradMode:
    _value = True

    def __init__(self) -> None:
        self._tokens: list[Token[bool]] = []

    def __enter__(self) -> None:
        with STATE.lock:
            STATE.open_mode_blocks += 1
        self._tokens.append(grad_enabled.set(self._value))

    def __exit__(self, *exc: object) -> None:
        grad_enabled.reset(self._tokens.pop())
        with STATE.lock:
            STATE.open_mode_blocks -= 1

    def __call__(self, fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self.__class__():
                return fn(*args, **kwargs)

        return cast(F, wrapper)


class no_grad(_GradMode):
    """Context manager and decorator: operations inside record no graph.

    Safe across threads and asyncio tasks (the switch lives in a ContextVar).

    >>> from autograd import Value, no_grad
    >>> x = Value(2.0)
    >>> with no_grad():
    ...     y = x * x
    >>> y.is_leaf
    True
    """

    _value = False


class enable_grad(_GradMode):
    """Context manager and decorator that turns recording back on inside ``no_grad``.

    >>> from autograd import Value, no_grad
    >>> x = Value(2.0)
    >>> with no_grad():
    ...     with enable_grad():
    ...         y = x * x
    >>> y.is_leaf, y.op
    (False, 'mul')
    """

    _value = True
