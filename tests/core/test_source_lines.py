"""Rules' and compiled functions' source text in ``linecache``: kept while they live, dropped
when they are freed, and never dropped inside ``linecache`` itself, where the garbage collector
may free them (``pdb`` and ``doctest`` call ``linecache.checkcache``, which loops over the
names it listed first and then looks each one up)."""

from __future__ import annotations

import gc
import itertools
import linecache
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
from autograd import Value, primitive

_names = itertools.count()


def garbage(n: int, compiled: bool) -> str:
    """n primitives (and a compiled function) in a reference cycle, so that only the garbage
    collector frees them; the text their linecache names contain."""
    tag = f"gc{next(_names)}x"
    cycle: list[object] = []
    cycle.append(cycle)
    for i in range(n):
        f = primitive(derivatives=[lambda x: 2.0], name=f"{tag}{i}")(lambda x: 2.0 * x)
        cycle.append(f)
        if compiled:
            cycle.append(autograd.compile(lambda v, f=f: f(v) * v, [1.0]))
    return tag


def collect_inside_checkcache() -> None:
    """linecache.checkcache(), with the garbage collector run once in the middle of its loop."""
    ran = []

    def profile(frame, event, arg):
        # at its first len(entry): the names are listed by then
        in_loop = event == "c_call" and arg is len and frame.f_code is linecache.checkcache.__code__
        if in_loop and not ran:
            ran.append(True)
            gc.collect()

    previous = sys.getprofile()
    sys.setprofile(profile)
    try:
        linecache.checkcache()
    finally:
        sys.setprofile(previous)
    assert ran  # the collector did run inside the loop


@settings(max_examples=15, deadline=None)
@given(n=st.integers(1, 4), compiled=st.booleans())
def test_the_collector_freeing_rules_inside_linecache_breaks_nothing(n, compiled):
    gc.collect()
    tag = garbage(n, compiled)
    assert any(tag in name for name in linecache.cache)  # kept while they live
    collect_inside_checkcache()  # once raised KeyError: a name listed, then dropped
    primitive(derivatives=[lambda x: 1.0], name="next")(lambda x: x)(Value(1.0))  # a next chance
    assert not [name for name in linecache.cache if tag in name]  # and then dropped
