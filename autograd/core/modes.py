"""Scoped modes: grad mode (``no_grad``, ``enable_grad``) and anomaly mode, one implementation.

A mode holds for the thread or asyncio task that entered its block (and tasks created inside,
which copy its context): it lives in one ContextVar, ``MODE``. Every block is a ``Scoped``: it
sets its part of the mode on entry, restores the mode on exit, refuses an exit in another
thread, task or order with a clear error, and works as a decorator.

Operations ask for the mode where they make a node, and only after any block has been entered
anywhere (``STATE.scoped``): until then recording is on and nothing is watched, so the check
costs one attribute load per operation.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Generator
from contextvars import ContextVar, Token
from typing import Any, NamedTuple, TypeVar, cast

F = TypeVar("F", bound=Callable[..., Any])


class Mode(NamedTuple):
    """What the current thread or task does as it records: whether it records (``grad``), and
    the anomaly watch that checks every new node (``watch``, None when off).

    >>> MODE.get()
    Mode(grad=True, watch=None)
    """

    grad: bool
    watch: Any  # autograd.anomaly's AnomalyWatch, or None


DEFAULT = Mode(True, None)  # recording, nothing watched
MODE: ContextVar[Mode] = ContextVar("autograd_mode", default=DEFAULT)


class _State:
    """The process-wide fact the generated code reads on every operation.

    ``scoped`` turns True the first time any block is entered, in any thread, and never back.
    While it is False no context anywhere can hold a mode other than the default, so a new
    node needs no ContextVar lookup; afterwards each operation asks its own context.
    """

    __slots__ = ("scoped",)

    def __init__(self) -> None:
        self.scoped = False


STATE = _State()


def scoped(node: Any) -> Any:
    """A new node as the current mode wants it: a detached leaf where grad mode is off, checked
    by the anomaly watch where that is on (it raises at a first non-finite value).

    >>> from autograd import Value, no_grad
    >>> with no_grad():
    ...     y = scoped(Value(2.0) * 3)
    >>> y.is_leaf, y.data
    (True, 6.0)
    """
    mode = MODE.get()
    if not mode.grad:
        node._a = node._b = node._op = None
    elif mode.watch is not None:
        mode.watch.check(node)
    return node


def is_grad_enabled() -> bool:
    """True when operations are being recorded in the current thread or task.

    >>> from autograd import no_grad
    >>> is_grad_enabled()
    True
    >>> with no_grad():
    ...     is_grad_enabled()
    False
    """
    return MODE.get().grad


# What each open block must restore on exit, newest first, per context: a thread or asyncio task
# has its own chain, so one instance can be open in several tasks at once, and nested in itself.
_open_blocks: ContextVar[tuple[tuple[Scoped, Token[Mode]], ...]] = ContextVar(
    "autograd_open_blocks", default=()
)


class Scoped:
    """A block that changes the mode while it is open: context manager and decorator.

    Subclasses say how in ``_changed``. Entering sets the mode for this thread or task; exiting
    restores what it was, and must happen in the same thread or task, innermost first.

    >>> class loud(Scoped):
    ...     def _changed(self, mode):
    ...         return mode._replace(grad=True)
    >>> with loud():
    ...     is_grad_enabled()
    True
    """

    def _changed(self, mode: Mode) -> Mode:
        raise NotImplementedError

    def __enter__(self) -> Any:
        new = self._changed(MODE.get())
        if new != DEFAULT:
            STATE.scoped = True  # before the first non-default mode can exist in any context
        token = MODE.set(new)
        _open_blocks.set(((self, token), *_open_blocks.get()))
        return self

    def __exit__(self, *exc: object) -> None:
        blocks = _open_blocks.get()
        try:
            if not blocks or blocks[0][0] is not self:
                raise ValueError("not the innermost open block here")
            MODE.reset(blocks[0][1])  # ValueError if entered in another context
        except ValueError:
            raise RuntimeError(
                f"{type(self).__name__}: exited in a different thread, task or order than it "
                "was entered (use it as a `with` block)"
            ) from None
        _open_blocks.set(blocks[1:])

    def __call__(self, fn: F) -> F:
        """Decorate ``fn``: its body runs inside the block. A generator's body runs inside it
        each time it resumes (not its caller between two ``yield``s), a coroutine's while it
        is awaited, as PyTorch's decorators do.

        >>> from autograd import Value, no_grad
        >>> @no_grad()
        ... def steps(x):
        ...     yield x * 2
        >>> next(steps(Value(1.0))).is_leaf
        True
        """
        kind = type(self)
        if inspect.isgeneratorfunction(fn):
            return cast(F, functools.wraps(fn)(lambda *a, **k: _resumed_in(kind, fn(*a, **k))))
        if inspect.iscoroutinefunction(fn):

            @functools.wraps(fn)
            async def awaited(*args: Any, **kwargs: Any) -> Any:
                with kind():
                    return await fn(*args, **kwargs)

            return cast(F, awaited)

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with kind():
                return fn(*args, **kwargs)

        return cast(F, wrapper)


def _resumed_in(kind: type[Scoped], gen: Generator[Any, Any, Any]) -> Generator[Any, Any, Any]:
    """Run ``gen`` with the block ``kind`` open each time it runs, and closed at each ``yield``."""
    try:
        with kind():
            response = gen.send(None)
        while True:
            try:
                request = yield response
            except GeneratorExit:
                with kind():
                    gen.close()
                raise
            except BaseException as e:
                with kind():
                    response = gen.throw(e)
            else:
                with kind():
                    response = gen.send(request)
    except StopIteration as done:
        return done.value


class no_grad(Scoped):
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

    def _changed(self, mode: Mode) -> Mode:
        return mode._replace(grad=False)


class enable_grad(Scoped):
    """Context manager and decorator that turns recording back on inside ``no_grad``.

    >>> from autograd import Value, no_grad
    >>> x = Value(2.0)
    >>> with no_grad():
    ...     with enable_grad():
    ...         y = x * x
    >>> y.is_leaf, y.op
    (False, 'mul')
    """

    def _changed(self, mode: Mode) -> Mode:
        return mode._replace(grad=True)
