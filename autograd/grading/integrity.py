"""Whether a submission's class uses this package's own engine: derives from its ``Value``, keeps
its Values (wraps them), or calls its ``backward``.

``probe(target)`` runs ``python -m autograd.grading.integrity TARGET`` in a child process of its
own (the submission's code never runs in the grader) with a time and memory limit. The child
replaces this package's ``Value.backward`` by a counting one, loads the class, and for each
operation builds a small graph with the student's class, counting this package's Values that
the graph holds afterwards (``gc``) and the calls to its ``backward``.

What it cannot catch: a copy of this package's source pasted into the submission (a class of
its own, however it was written), another library's engine (micrograd, PyTorch), this
package's Values created and dropped within one operation without ``backward`` being called,
and code that behaves differently when it is being probed. See docs/teaching.md.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["OWN_ENGINE", "Use", "probe"]

OWN_ENGINE = "uses autograd's own engine"
PROBE_LIMIT = 20.0  # seconds for the whole probe (it imports the submission, which may be slow)

# The operations probed, as the judge names them, and how each is written.
OPERATIONS: dict[str, Callable[[Any, Any], Any]] = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "neg": lambda a, b: -a,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "square": lambda a, b: a**2,
    "tanh": lambda a, b: a.tanh(),
    "sigmoid": lambda a, b: a.sigmoid(),
    "exp": lambda a, b: a.exp(),
    "log": lambda a, b: a.log(),
    "relu": lambda a, b: a.relu(),
}


@dataclass
class Use:
    """What the probe found: ``subclass`` (the class derives from this package's ``Value``),
    ``ops`` (the operations whose graphs held this package's Values or called its backward),
    ``backward`` (the class's own ``backward()`` called this package's), and ``error`` (why
    the probe could not finish, which is not held against the student).

    >>> Use().found, Use(ops=["mul"]).found
    (False, True)
    """

    subclass: bool = False
    ops: list[str] = field(default_factory=list)
    backward: bool = False
    error: str = ""

    @property
    def found(self) -> bool:
        """Whether anything was found.

        >>> Use(backward=True).found
        True
        """
        return self.subclass or self.backward or bool(self.ops)

    def text(self) -> str:
        """The finding in a sentence.

        >>> Use(ops=["mul", "tanh"]).text()
        "uses autograd's own engine: this package's Values inside mul, tanh"
        """
        parts = []
        if self.subclass:
            parts.append("the class derives from this package's Value")
        if self.ops:
            parts.append("this package's Values inside " + ", ".join(self.ops))
        if self.backward:
            parts.append("backward() calls this package's backward")
        return f"{OWN_ENGINE}: " + "; ".join(parts)


def probe(target: str, limit: float = PROBE_LIMIT, cwd: Path | None = None) -> Use:
    """Probe ``target`` (``file.py:Name``) in a child process of its own.

    >>> probe("autograd:Value").subclass
    True
    """
    try:
        done = subprocess.run(
            [sys.executable, "-m", __name__, target],
            capture_output=True,
            timeout=limit,
            cwd=cwd,
            start_new_session=True,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        return Use(error=f"the probe did not finish within {limit:g} s")
    last = done.stdout.strip().splitlines()[-1:] or [b""]
    try:
        data = json.loads(last[0])
        ops = [str(op) for op in data["ops"] if op in OPERATIONS]
        return Use(bool(data["subclass"]), ops, bool(data["backward"]), str(data["error"]))
    except (ValueError, KeyError, TypeError):
        return Use(error="the probe gave no answer")


def _held(kind: type) -> int:
    return sum(1 for o in gc.get_objects() if isinstance(o, kind))


def _examine(target: str) -> dict[str, Any]:
    """In the child: load the class and watch what its operations do."""
    from ..core.value import Value as Own
    from ..testing.learner_process import load_target

    calls = [0]
    original = Own.backward

    def counting(self: Any, *args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        return original(self, *args, **kwargs)

    Own.backward = counting  # type: ignore[method-assign]
    found: dict[str, Any] = {"subclass": False, "ops": [], "backward": False, "error": ""}
    cls = load_target(target)
    if isinstance(cls, type) and issubclass(cls, Own):
        found["subclass"] = True
        return found
    a = b = out = None
    for name, apply in OPERATIONS.items():
        with contextlib.suppress(Exception):
            a, b = cls(0.7), cls(1.3)
            before, called = _held(Own), calls[0]
            out = apply(a, b)
            if _held(Own) > before or calls[0] > called:
                found["ops"].append(name)
            called = calls[0]
            out.backward()
            if calls[0] > called:
                found["backward"] = True
        a = b = out = None  # the next operation counts from its own leaves
    return found


def _main(target: str) -> None:
    out = os.dup(1)
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)  # what the submission prints is not the answer
    os.dup2(null, 2)
    with contextlib.suppress(ImportError, ValueError, OSError):
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))
    try:
        found = _examine(target)
    except BaseException as e:  # the submission may raise anything; the judge reports it
        found = {"subclass": False, "ops": [], "backward": False, "error": type(e).__name__}
    os.write(out, ("\n" + json.dumps(found) + "\n").encode())
    os._exit(0)


if __name__ == "__main__":
    _main(sys.argv[1])
