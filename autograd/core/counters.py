"""Counts that let ``backward`` take its fast walk: live user primitives and live hooks.

While no user primitive (a rule that may raise) and no gradient hook is alive, a backward pass
needs no snapshot of the graph and calls no hook, so it skips that work. The counts go up where
such things are made and down in finalizers (``__del__``) when they are freed, so a counter must
tolerate a finalizer running in any thread, even while it is held.
"""

from __future__ import annotations

from .locks import ForkSafeLock


class Count:
    """A count that other threads may change, and finalizers (``__del__``) too.

    >>> c = Count()
    >>> c.add(2); c.add(-1); c.count
    1
    """

    __slots__ = ("count", "lock")

    def __init__(self) -> None:
        self.count = 0
        self.lock = ForkSafeLock()  # re-entrant: a finalizer may run while it is held

    def add(self, n: int) -> None:
        """Change the count by ``n`` (negative to count down).

        >>> c = Count()
        >>> c.add(3); c.count
        3
        """
        with self.lock:
            self.count += n


# How many user primitives (rules that may raise) are alive: while none is, ``backward`` needs
# no snapshot and takes its fast walk (counted where they are made,
# ``autograd.primitives.compile_primitive``, and uncounted when their Op is freed).
FALLIBLE = Count()
# How many gradient hooks live nodes hold, in any graph: while none does, backward skips them
# (and takes its fast walk).
HOOKS = Count()


class HookList(list):
    """One node's gradient hooks: kept by the node (a leaf in its ``_b`` slot, an interior node
    on its own copy of its Op), so they are freed with it, and then no longer counted.

    >>> hooks = HookList()
    >>> before = HOOKS.count
    >>> hooks.append(print); HOOKS.add(1)
    >>> del hooks
    >>> HOOKS.count == before
    True
    """

    __slots__ = ()

    def __del__(self) -> None:
        if self:  # hooks never removed, left on a node that is being freed
            HOOKS.add(-len(self))
