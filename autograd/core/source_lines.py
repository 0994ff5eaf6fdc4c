"""Source text compiled from strings (a primitive's rules, a compiled function), kept in
``linecache`` so that tracebacks and ``pdb`` show its lines, and dropped once what runs it is
freed.

Dropping waits while ``linecache`` itself is running: the garbage collector may free the owner
in the middle of ``linecache.checkcache``'s loop over the entries (``pdb`` and ``doctest`` call
it), and that loop then looks up a name that has just gone (KeyError). A name freed then is
dropped at the next chance outside ``linecache``: the next source kept or owner freed.
"""

from __future__ import annotations

import linecache
import sys
import weakref
from types import FrameType

_LINECACHE = linecache.__file__
_freed: list[str] = []  # names whose owner is gone, not yet dropped from linecache


def keep_source(filename: str, source: str, owner: object) -> None:
    """Show ``source`` as the lines of ``filename`` for as long as ``owner`` lives.

    >>> class Owner:
    ...     pass
    >>> owner = Owner()
    >>> keep_source("<example #1>", "x = 1" + chr(10), owner)
    >>> linecache.getline("<example #1>", 1).strip()
    'x = 1'
    >>> del owner
    >>> "<example #1>" in linecache.cache
    False
    """
    _drop(None)
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    weakref.finalize(owner, _drop, filename)


def _drop(filename: str | None) -> None:
    if filename is not None:
        _freed.append(filename)
    if _inside_linecache():
        return
    while _freed:
        linecache.cache.pop(_freed.pop(), None)


def _inside_linecache() -> bool:
    """Whether a function of ``linecache`` is running below this call (in this thread)."""
    frame: FrameType | None = sys._getframe(2)
    while frame is not None:
        if frame.f_code.co_filename == _LINECACHE:
            return True
        frame = frame.f_back
    return False
