"""A call into a learner's code in this process, under a time limit: the fallback where there
are no child processes (``learner_process`` is the isolation the judge uses everywhere else).

Learner code may raise anything, loop forever or recurse too deep. :func:`guarded` runs a call
in a fresh thread (so a recursion limit is met at the same depth on every run), under a time
limit, and gives back an :class:`Outcome` instead of an exception. Where Python has no threads
(Pyodide, in the browser), it runs in the caller's thread instead, stopped at the time limit by
a trace function (a recursive backward then fails a little sooner, by the depth of the caller's
stack). What it cannot stop: a long call inside C that holds the GIL, ``os._exit``, and changes
the learner's code makes to this process (globals, monkeypatched modules, the recursion limit).
"""

from __future__ import annotations

import ctypes
import re
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_PACKAGE = str(Path(__file__).resolve().parent.parent)
TIME_LIMIT = 2.0  # seconds for one call into learner code
HANG = "runs out of time"  # the kind of failure a call that ran out of time is reported as
# Pyodide and WASI builds of CPython cannot start threads ("can't start new thread").
THREADS = sys.platform not in ("emscripten", "wasi")


class TimeLimit(BaseException):
    """Raised inside a learner call that ran out of time (a BaseException, so that learner code
    catching ``Exception`` cannot swallow it).

    >>> issubclass(TimeLimit, Exception)
    False
    """


@dataclass
class Outcome:
    """What a guarded call gave: ``value``, or ``error`` (a sentence), ``hung`` when it ran out
    of time, ``recursion`` when it raised RecursionError (with the function that recursed).

    >>> Outcome(value=3).ok, Outcome(error="boom").ok
    (True, False)
    """

    value: Any = None
    error: str = ""
    hung: bool = False
    recursion: str = ""

    @property
    def ok(self) -> bool:
        """True when the call returned.

        >>> guarded(lambda: None).ok
        True
        """
        return not self.error


def _place(frame: traceback.FrameSummary) -> str:
    """``line N``, or ``cell C, line N`` for a notebook cell run by the grader (whose code it
    compiles under the name ``<cell C>``, C counting code cells from 1)."""
    cell = re.fullmatch(r"<cell (\d+)>", frame.filename)
    return f"cell {cell.group(1)}, line {frame.lineno}" if cell else f"line {frame.lineno}"


def describe(e: BaseException) -> tuple[str, str]:
    """The exception as one line (with the learner's function and line where it happened) and,
    for a RecursionError, the function that recursed most.

    >>> try:
    ...     1 / 0
    ... except ZeroDivisionError as e:
    ...     describe(e)[0].split(" (in")[0]
    'ZeroDivisionError: division by zero'
    """
    # the learner's frames only: not Python's import machinery, not this package's own
    frames = [
        f
        for f in traceback.extract_tb(e.__traceback__)
        if not f.filename.startswith(("<frozen ", _PACKAGE))
    ]
    where = f" (in {frames[-1].name}, {_place(frames[-1])})" if frames else ""
    message = str(e).splitlines()[0][:160] if str(e) else ""
    recursed = ""
    if isinstance(e, RecursionError) and frames:
        counts: dict[str, int] = {}
        for f in frames:
            counts[f.name] = counts.get(f.name, 0) + 1
        recursed = max(counts, key=lambda k: counts[k])
    return f"{type(e).__name__}{': ' + message if message else ''}{where}", recursed


def guarded(fn: Callable[[], Any], limit: float = TIME_LIMIT) -> Outcome:
    """Call ``fn()`` in a fresh thread (in this one where there are no threads) with a time
    limit; every exception becomes an Outcome naming the function and line it came from.

    >>> guarded(lambda: 1 + 1).value
    2
    >>> guarded(lambda: 1 / 0).error
    'ZeroDivisionError: division by zero (in <lambda>, line 1)'
    >>> def spin():
    ...     while True:
    ...         pass
    >>> guarded(spin, limit=0.2).hung
    True
    """
    box: list[Outcome] = []

    def run() -> None:
        try:
            box.append(Outcome(value=fn()))
        except TimeLimit:
            box.append(Outcome(error=f"did not finish within {limit:g} s", hung=True))
        except BaseException as e:  # learner code may raise anything, SystemExit included
            error, recursed = describe(e)
            box.append(Outcome(error=error, recursion=recursed))

    (_in_a_thread if THREADS else _in_this_thread)(run, limit)
    if not box:
        return Outcome(error=f"did not finish within {limit:g} s", hung=True)
    return box[0]


def _in_a_thread(run: Callable[[], None], limit: float) -> None:
    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(limit)
    if worker.is_alive() and worker.ident is not None:
        # Stop a pure-Python loop by raising TimeLimit in it; code stuck inside C is left behind
        # (a daemon thread, so it never keeps the program alive).
        ctypes.pythonapi.PyThreadState_SetAsyncExc(
            ctypes.c_ulong(worker.ident), ctypes.py_object(TimeLimit)
        )
        worker.join(0.5)


def _in_this_thread(run: Callable[[], None], limit: float) -> None:
    """``run()`` here, for Python without threads: a trace function raises TimeLimit in the
    learner's code once the time is up (Python then drops the trace function, so it fires once).
    The recursion limit is left as it is, so the learner's code meets it sooner than in a fresh
    thread, by the depth of the caller's stack."""
    deadline = time.monotonic() + limit

    def tick(frame: Any, event: str, arg: Any) -> Any:
        if time.monotonic() > deadline:
            raise TimeLimit
        return tick

    trace = sys.gettrace()
    sys.settrace(tick)
    try:
        run()
    except TimeLimit:  # raised outside the learner's call, in run() itself: the box stays empty
        pass
    finally:
        sys.settrace(trace)
