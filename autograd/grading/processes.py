"""Processes the grader starts, and the processes they leave behind, ended on time.

``run_limited`` runs a command in a session of its own with a wall-clock limit and kills the
whole session when it ends or runs out of time. ``adopt_orphans`` makes this process the one
that inherits the orphans of its descendants (Linux's child subreaper), so ``end_orphans`` can
end the processes a submission started and left running, even those that left the session.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

__all__ = ["adopt_orphans", "end_orphans", "run_limited"]

_PR_SET_CHILD_SUBREAPER = 36
TERM_GRACE = 2.0  # seconds a process out of time has to end what it started


def run_limited(
    command: Sequence[str],
    limit: float,
    cwd: Path | None = None,
    log: Path | None = None,
    active: set[int] | None = None,
    lock: Any = None,
    env: dict[str, str] | None = None,
) -> tuple[int | None, float]:
    """Run ``command`` for at most ``limit`` seconds: its exit status (None when it ran out of
    time and was killed) and the seconds it took. Its output goes to ``log`` (or nowhere).
    ``active``: a set the child's pid is in while it runs, changed under ``lock`` (so that
    ``end_orphans`` in another thread can tell it from an orphan); ``env``: its environment.

    >>> run_limited([sys.executable, "-c", "pass"], 10)[0]
    0
    >>> run_limited([sys.executable, "-c", "while True: pass"], 0.5)[0] is None
    True
    """
    start = time.monotonic()
    with open(log, "ab") if log is not None else open(os.devnull, "wb") as sink:
        with lock if lock is not None else contextlib.nullcontext():
            child = subprocess.Popen(
                list(command),
                cwd=cwd,
                stdin=subprocess.DEVNULL,
                stdout=sink,
                stderr=sink,
                start_new_session=True,
                env=env,
            )
            if active is not None:
                active.add(child.pid)
        try:
            code: int | None = child.wait(timeout=limit)
        except subprocess.TimeoutExpired:
            code = None
            child.send_signal(signal.SIGTERM)  # a worker ends what it started, then is killed
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.wait(timeout=TERM_GRACE)
        with contextlib.suppress(OSError):
            os.killpg(child.pid, signal.SIGKILL)  # the child's session: what it left running
        child.wait()
        if active is not None:
            with lock if lock is not None else contextlib.nullcontext():
                active.discard(child.pid)
    return code, time.monotonic() - start


def adopt_orphans() -> bool:
    """Become the subreaper of this process's descendants (Linux); whether that worked.

    >>> isinstance(adopt_orphans(), bool)
    True
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (read from /proc; empty where there is none).

    >>> children(os.getpid()) == [] or all(isinstance(p, int) for p in children(os.getpid()))
    True
    """
    found = []
    with contextlib.suppress(OSError):
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat", "rb") as f:
                    stat = f.read()
            except OSError:
                continue
            # the fields after the command, which is in parentheses and may hold anything
            fields = stat[stat.rfind(b")") + 2 :].split()
            if len(fields) > 1 and int(fields[1]) == pid:
                found.append(int(entry))
    return found


def end_orphans(keep: Collection[int] = ()) -> int:
    """Kill (and reap) this process's children other than ``keep``, with their sessions: the
    processes a submission left running, once adopted. How many there were.

    >>> end_orphans(keep=children(os.getpid()))
    0
    """
    ended = 0
    for _ in range(20):  # a process may start another while being ended
        left = [p for p in children(os.getpid()) if p not in keep]
        if not left:
            break
        for pid in left:
            with contextlib.suppress(OSError):
                os.killpg(pid, signal.SIGKILL)
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(OSError):
                os.waitpid(pid, 0)
            ended += 1
    return ended
