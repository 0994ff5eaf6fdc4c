"""Locks that survive ``os.fork``: a child process gets each one new and free.

A thread that holds a lock when another thread forks does not exist in the child, so a plain
lock inherited locked would stay locked there for ever (the child's first ``backward`` would
hang). Each ``ForkSafeLock`` is renewed in the child right after a fork.
"""

from __future__ import annotations

import os
import threading
import weakref
from typing import Any

_ALL: weakref.WeakSet[ForkSafeLock] = weakref.WeakSet()


class ForkSafeLock:
    """A re-entrant lock (``threading.RLock``) that a forked child gets new and unlocked.

    >>> lock = ForkSafeLock()
    >>> with lock:
    ...     with lock:  # re-entrant
    ...         "held twice"
    'held twice'
    """

    __slots__ = ("__weakref__", "_lock")

    def __init__(self) -> None:
        self._lock = threading.RLock()
        _ALL.add(self)

    def __enter__(self) -> ForkSafeLock:
        self._lock.acquire()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._lock.release()

    def renew(self) -> None:
        """Replace the lock by a new, free one (in a fresh child process only).

        >>> lock = ForkSafeLock()
        >>> lock.renew()
        """
        self._lock = threading.RLock()


def _renew_all() -> None:
    for lock in list(_ALL):
        lock.renew()


if hasattr(os, "register_at_fork"):  # not on Windows
    os.register_at_fork(after_in_child=_renew_all)
