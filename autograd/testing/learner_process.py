"""A learner's code in a child process: the judge asks, the child answers, nothing the learner's
code does reaches the judge.

``Learner(target)`` holds the learner's class (or functions) in a child process of its own: a
``"file.py:Name"`` or ``"module:Name"`` target is imported by a freshly started Python (the
judge never imports it), an object already in memory (a class defined in a notebook) is handed
over by forking. The child has its own session (so its threads and any processes it starts die
with it), a memory limit where the platform has one, and its output thrown away. Each ``call``
sends an action's name and plain-data arguments over a pipe as JSON and waits at most its time
limit for a JSON answer; a child that runs out of time, ends, crashes or sends garbage is
killed, the call reports why, and the next call starts a fresh child.

Where Python cannot start processes (Pyodide in a browser), the actions run in this process
under ``learner_run.guarded``'s time limit instead: a runaway loop is stopped, but what the
learner's code changes in this process (a global, a monkeypatched module, ``os._exit``) is not
undone. ``isolated`` says which one a ``Learner`` uses.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import json
import os
import signal
import struct
import sys
import time
import warnings
from pathlib import Path
from typing import Any

from .learner_actions import ACTIONS
from .learner_run import Outcome, describe, guarded

__all__ = ["Learner", "load_target"]

TIME_LIMIT = 2.0  # seconds for one call into learner code
IMPORT_LIMIT = 10.0  # seconds to import the learner's module
MEMORY_MB = 1024  # the child's memory on top of what it holds when it starts
MOST_BYTES = 256 << 20  # the largest answer read from a child (a million-node graph: ~30 MB)
PROCESSES = sys.platform not in ("emscripten", "wasi") and hasattr(os, "fork")


def by_name(target: Any) -> bool:
    """Whether ``target`` names what to load (``"module:Name"``, or a list of such), rather
    than being the object itself.

    >>> by_name("mine.py:Value"), by_name(["m:forward", "m:backward"]), by_name(print)
    (True, True, False)
    """
    if isinstance(target, str):
        return True
    return (
        isinstance(target, (list, tuple))
        and bool(target)
        and all(isinstance(t, str) for t in target)
    )


def load(target: Any) -> Any:
    """What ``target`` names: one object, or a list of them.

    >>> [f.__name__ for f in load(["autograd:grad", "autograd:Value"])]
    ['grad', 'Value']
    """
    return load_target(target) if isinstance(target, str) else [load_target(t) for t in target]


def load_target(target: str) -> Any:
    """The object named by ``module:name`` (``module`` a dotted name or a ``.py`` file); a
    ValueError with a sentence when the name is malformed or missing. Runs the module's code:
    call it only where learner code may run (the child process).

    >>> load_target("autograd:Value").__name__
    'Value'
    >>> load_target("nothing")
    Traceback (most recent call last):
    ...
    ValueError: 'nothing': give module:Name, e.g. mymodule:Value or my_file.py:Value
    """
    module_name, name = split_target(target)
    if module_name.endswith(".py"):
        path = Path(module_name)
        spec = importlib.util.spec_from_file_location(path.stem, path)
        if spec is None or spec.loader is None or not path.is_file():
            raise ValueError(f"no file {module_name}")
        module = importlib.util.module_from_spec(spec)
        sys.modules.setdefault(path.stem, module)
        spec.loader.exec_module(module)
    else:
        if "" not in sys.path:
            sys.path.insert(0, "")  # the current folder, as `python -m` has it
        module = importlib.import_module(module_name)
    if not hasattr(module, name):
        raise ValueError(f"{module_name} has no {name}")
    return getattr(module, name)


def split_target(target: str) -> tuple[str, str]:
    """``module:name`` split in two, or a ValueError saying what to give.

    >>> split_target("mine.py:Value")
    ('mine.py', 'Value')
    """
    module_name, sep, name = target.rpartition(":")
    if not sep or not module_name or not name.isidentifier():
        raise ValueError(f"{target!r}: give module:Name, e.g. mymodule:Value or my_file.py:Value")
    return module_name, name


class Learner:
    """The learner's class or function, held where its code cannot reach the judge.

    >>> from autograd import Value
    >>> with Learner(Value) as learner:
    ...     learner.call("about").value["name"]
    'Value'
    """

    def __init__(
        self,
        target: Any,
        time_limit: float = TIME_LIMIT,
        memory_mb: int = MEMORY_MB,
        isolated: bool | None = None,
    ) -> None:
        self.target = target
        self.time_limit = time_limit
        self.memory_mb = memory_mb
        self.isolated = PROCESSES if isolated is None else isolated and PROCESSES
        self.loaded: Any = None if by_name(target) else target
        self._child: _Child | None = None
        self.starts = 0  # children started, for tests and reports

    def __enter__(self) -> Learner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """End the child process, if any.

        >>> from autograd import Value
        >>> Learner(Value).close()
        """
        if self._child is not None:
            self._child.kill()
            self._child = None

    def load(self) -> Outcome:
        """Import the target (a string) where it will run: the first call does it anyway.

        >>> Learner("autograd:Value").load().ok
        True
        """
        if not by_name(self.target):
            return Outcome(value=True)
        if not self.isolated:
            if self.loaded is None:
                got = guarded(lambda: load(self.target), limit=IMPORT_LIMIT)
                if not got.ok:
                    return got
                self.loaded = got.value
            return Outcome(value=True)
        return self._started()

    def call(self, action: str, *args: Any, limit: float | None = None) -> Outcome:
        """Run ``action`` (a name in ``learner_actions.ACTIONS``) with plain-data ``args`` on
        the learner's object: its answer as ``Outcome.value``, or why there is none.

        >>> from autograd import Value
        >>> Learner(Value, isolated=False).call("long_chain", "add", 10).value
        True
        """
        limit = self.time_limit if limit is None else limit
        if not self.isolated:
            loaded = self.load()
            if not loaded.ok:
                return loaded
            act: Any = ACTIONS[action]
            return guarded(lambda: act(self.loaded, *args), limit=limit)
        started = self._started()
        if not started.ok:
            return started
        assert self._child is not None
        out = self._child.ask([action, list(args)], limit)
        if not out.ok and (out.hung or self._child.ended):
            self.close()  # the next call starts afresh
        return out

    def _started(self) -> Outcome:
        if self._child is not None:
            return Outcome(value=True)
        self.starts += 1
        self._child = _Child.start(self.target, self.memory_mb)
        if by_name(self.target):
            # the child finds modules where this process would (a notebook may have added paths)
            out = self._child.ask(["load", [self.target, sys.path]], IMPORT_LIMIT)
            if not out.ok:
                self.close()
                return out
        return Outcome(value=True)


class _Child:
    """One child process and its two pipes."""

    def __init__(self, pid: int, requests: int, answers: int, popen: Any = None) -> None:
        self.pid, self.requests, self.answers, self.popen = pid, requests, answers, popen
        self.ended = False

    @classmethod
    def start(cls, target: Any, memory_mb: int) -> _Child:
        import subprocess  # here, not above: Pyodide's Python has no processes to start

        down_r, down_w = os.pipe()
        up_r, up_w = os.pipe()
        if by_name(target):
            env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
            package_root = str(Path(__file__).resolve().parents[2])
            env["PYTHONPATH"] = os.pathsep.join(
                p for p in (package_root, env.get("PYTHONPATH", "")) if p
            )
            popen = subprocess.Popen(
                [sys.executable, "-m", __name__, str(down_r), str(up_w), str(memory_mb)],
                pass_fds=(down_r, up_w),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
                env=env,
            )
            pid = popen.pid
        else:
            with warnings.catch_warnings():  # "fork() may lead to deadlocks": the child only
                warnings.simplefilter("ignore", DeprecationWarning)  # runs code of its own
                pid = os.fork()
            if pid == 0:  # the child: never returns
                os.close(down_w)
                os.close(up_r)
                _child_main(target, down_r, up_w, memory_mb)
            popen = None
        os.close(down_r)
        os.close(up_w)
        return cls(pid, down_w, up_r, popen)

    def ask(self, message: list[Any], limit: float) -> Outcome:
        try:
            _send(self.requests, message)
        except OSError:
            return self._ended_outcome()
        deadline = time.monotonic() + limit
        header = self._read(4, deadline, limit)
        if isinstance(header, Outcome):
            return header
        (size,) = struct.unpack(">I", header)
        if size > MOST_BYTES:
            self.kill()
            return Outcome(error=f"your code sent more than {MOST_BYTES >> 20} MB back")
        body = self._read(size, deadline, limit)
        if isinstance(body, Outcome):
            return body
        try:
            answer = json.loads(body)
            ok, value = answer[0], answer[1]
        except (ValueError, TypeError, IndexError, KeyError):
            self.kill()
            return Outcome(error="your code wrote over the judge's channel to the child process")
        if ok:
            return Outcome(value=value)
        return Outcome(error=str(value[0]) or "an error", recursion=str(value[1]))

    def _read(self, n: int, deadline: float, limit: float) -> bytes | Outcome:
        import select  # here, not above: Pyodide's Python has no select module

        chunks, got = [], 0
        while got < n:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.answers], [], [], left)[0]:
                self.kill()
                return Outcome(error=f"did not finish within {limit:g} s", hung=True)
            chunk = os.read(self.answers, min(n - got, 1 << 20))
            if not chunk:
                return self._ended_outcome()
            chunks.append(chunk)
            got += len(chunk)
        return b"".join(chunks)

    def _ended_outcome(self) -> Outcome:
        status = self.kill(grace=1.0)
        return Outcome(error=ended_text(status))

    def kill(self, grace: float = 0.0) -> int | None:
        """Kill the child's whole session and reap the child; its wait status, if known.
        ``grace``: how long a child that is ending by itself may take to end."""
        if self.ended:
            return None
        self.ended = True
        status = None
        until = time.monotonic() + grace
        while status is None:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except OSError:
                break
            if pid == 0:
                status = None
                if time.monotonic() >= until:
                    break
                time.sleep(0.005)
        with contextlib.suppress(OSError):
            os.killpg(self.pid, signal.SIGKILL)
        if status is None:
            with contextlib.suppress(OSError):
                status = os.waitpid(self.pid, 0)[1]
        if self.popen is not None:
            self.popen.returncode = -9  # reaped above; stops Popen's own warning
        for fd in (self.requests, self.answers):
            with contextlib.suppress(OSError):
                os.close(fd)
        return status


def ended_text(status: int | None) -> str:
    """What a child's wait status says happened to it, in the learner's terms.

    >>> ended_text(0)
    'your code ended the process (exit code 0)'
    >>> ended_text(11)
    'your code crashed the process (signal SIGSEGV: often a recursion too deep for the C stack)'
    """
    if status is None:
        return "your code ended the process"
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        name = signal.Signals(sig).name if sig in set(signal.Signals) else str(sig)
        why = ": often a recursion too deep for the C stack" if name == "SIGSEGV" else ""
        return f"your code crashed the process (signal {name}{why})"
    return f"your code ended the process (exit code {os.WEXITSTATUS(status)})"


def _send(fd: int, message: Any) -> None:
    body = json.dumps(message).encode()
    data = struct.pack(">I", len(body)) + body
    while data:
        data = data[os.write(fd, data) :]


def _receive(fd: int) -> Any:
    def exactly(n: int) -> bytes:
        data = b""
        while len(data) < n:
            chunk = os.read(fd, n - len(data))
            if not chunk:
                raise EOFError
            data += chunk
        return data

    (size,) = struct.unpack(">I", exactly(4))
    return json.loads(exactly(size))


def _confine(memory_mb: int) -> None:
    """The child's limits: its own session, no output, memory and files bounded."""
    with contextlib.suppress(OSError):
        os.setsid()
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    sys.stdout = sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the child
    try:
        import resource
    except ImportError:  # pragma: no cover - not a POSIX platform
        return
    with contextlib.suppress(ValueError, OSError):
        now = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        size = _address_space() or now
        cap = size + memory_mb * (1 << 20)
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 << 20, 64 << 20))
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _address_space() -> int:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _child_main(target: Any, requests: int, answers: int, memory_mb: int) -> None:
    """The child's loop: answer each request until the pipe closes, then end."""
    code = 0
    try:
        _confine(memory_mb)
        _serve(target, requests, answers, memory_mb)
    except BaseException:
        code = 1
    finally:
        os._exit(code)


def _serve(target: Any, requests: int, answers: int, memory_mb: int) -> None:
    obj = None if by_name(target) else target
    while True:
        try:
            action, args = _receive(requests)
        except (EOFError, OSError, ValueError):
            return
        try:
            if action == "load":
                sys.path[:0] = [p for p in args[1] if p not in sys.path]
                obj = load(args[0])
                answer: list[Any] = [True, True]
            else:
                act: Any = ACTIONS[action]
                answer = [True, act(obj, *args)]
        except MemoryError:
            answer = [False, [f"exceeded the memory limit ({memory_mb} MB)", ""]]
        except BaseException as e:  # learner code may raise anything, SystemExit included
            answer = [False, list(describe(e))]
        try:
            _send(answers, answer)
        except (TypeError, ValueError) as e:  # not JSON: the action's fault, said plainly
            _send(answers, [False, [f"an answer that cannot be sent: {e}", ""]])


if __name__ == "__main__":  # the child of a ``Learner`` with a string target
    _requests, _answers, _memory = (int(a) for a in sys.argv[1:4])
    _child_main(None, _requests, _answers, _memory)
