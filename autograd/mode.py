"""Grad mode: whether new operations are recorded into the graph (per thread and per task)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from contextvars import ContextVar, Token
from typing import Any, TypeVar, cast

F = TypeVar("F", bound=Callable[..., Any])

grad_enabled: ContextVar[bool] = ContextVar("autograd_grad_enabled", default=True)


class _State:
    """Process-wide facts the generated code reads on every operation.

    Reading a ContextVar on every operation would add a few percent to each, so the engine
    first checks ``no_grad_used``: it turns True the first time any ``no_grad`` block
    is entered, in any thread, and never back. While it is False no context anywhere can hold
    ``grad_enabled == False`` (only ``no_grad`` sets it), so recording is on without asking;
    afterwards the answer is the current context's own: a thread or task records exactly when
    ``is_grad_enabled()`` says so, whatever other threads and tasks do.
    """

    __slots__ = ("no_grad_used",)

    def __init__(self) -> None:
        self.no_grad_used = False


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


# What each open block must restore on exit, newest first, per context: a thread or asyncio task
# has its own chain, so one instance can be open in several tasks at once, and nested in itself.
_open_blocks: ContextVar[tuple[tuple[_GradMode, Token[bool]], ...]] = ContextVar(
    "autograd_open_mode_blocks", default=()
)


class _GradMode:
    _value = True

    def __enter__(self) -> None:
        if not self._value:
            STATE.no_grad_used = True  # before the first False can exist in any context
        token = grad_enabled.set(self._value)
        _open_blocks.set(((self, token), *_open_blocks.get()))

    def __exit__(self, *exc: object) -> None:
        blocks = _open_blocks.get()
        try:
            if not blocks or blocks[0][0] is not self:
                raise ValueError("not the innermost open block here")
            grad_enabled.reset(blocks[0][1])  # ValueError if entered in another context
        except ValueError:
            raise RuntimeError(
                f"{type(self).__name__}: exited in a different thread, task or order than it "
                "was entered (use it as a `with` block)"
            ) from None
        _open_blocks.set(blocks[1:])

    def __call__(self, fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self.__class__():
                return fn(*args, **kwargs)

        return cast(F, wrapper)


class no_grad(_GradMode):
    """Context manager and decorator: operations inside record no graph.

    Safe across threads and asyncio tasks: the switch lives in a ContextVar, so it holds for
    the thread or task that entered the block (and tasks it creates inside, which copy its
    context), and one instance may be used by several overlapping tasks.

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
