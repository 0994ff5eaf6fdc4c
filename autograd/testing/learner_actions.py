"""What the judge asks of a learner's class: each action builds with it, runs its ``backward()``
and answers with plain data (numbers, strings, lists), never with the learner's objects.

The actions run where the learner's code runs: in a child process (``learner_process``), or in
this one under a time limit where there are no processes (Pyodide). Nothing here decides right
or wrong; the judge compares the answers with this engine's own.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from typing import Any

from ..core.value import Value
from .backward_actions import ACTIONS as BACKWARD_ACTIONS
from .learner_spec import ALL_OPS, LearnerOp, Spec, chain, number


def _own(cls: Any) -> str:
    """The name of this package's class that ``cls`` is or derives from, or ''."""
    for k in getattr(cls, "__mro__", ()):
        if k.__module__.split(".")[0] == Value.__module__.split(".")[0]:
            return f"{k.__module__}.{k.__qualname__}"
    return ""


_ENGINE = str(Path(__file__).resolve().parent.parent)  # this package's folder
_JUDGE = str(Path(__file__).resolve().parent)  # the judge's own code, which builds the graphs


def _borrows(cls: Any) -> str:
    """The first function of this package's engine that the class's operations or backward()
    call, if any: a class that wraps this package's Value (or calls its backward) is judged as
    this package's engine, not the learner's.

    >>> _borrows(int)
    ''
    """
    found: list[str] = []

    def watch(frame: Any, event: str, arg: Any) -> None:
        name = frame.f_code.co_filename
        if (
            event == "call"
            and not found
            and name.startswith(_ENGINE)
            and not name.startswith(_JUDGE)
        ):
            found.append(f"{Path(name).stem}.{frame.f_code.co_name}")

    previous = sys.getprofile()
    sys.setprofile(watch)
    try:
        a, b = cls(1.5), cls(0.5)
        (a * b + a).backward()
    except Exception:  # an engine without these is judged on its own checks
        pass
    finally:
        sys.setprofile(previous)
    return found[0] if found else ""


def _defines(cls: Any, sample: Any, op: LearnerOp) -> bool:
    """Whether the class provides what ``op`` needs: an operator on the class itself (Python
    looks operators up there), a method on an instance (so ``__getattr__`` counts)."""
    if op.method.startswith("__"):
        found = getattr(cls, op.method, None)
        return found is not None and found is not getattr(object, op.method, None)
    try:
        return callable(getattr(sample, op.method, None))
    except Exception:  # a __getattr__ that raises something else than AttributeError
        return False


def _kind(x: Any) -> str:
    """How a learner's number is held, when it is not a plain float."""
    if x is None:
        return "None"
    if getattr(x, "shape", None) == ():
        return "a 0-d NumPy array"
    return type(x).__name__


def _read(x: Any) -> tuple[float | None, str]:
    """A learner's ``.data`` or ``.grad`` as a float, and how it was held when not a float."""
    value = number(x)
    kind = "" if isinstance(x, float) and not isinstance(x, bool) else _kind(x)
    if value is not None and kind in ("int", "float64", "float32"):
        kind = ""  # NumPy scalars and ints are numbers as they are
    return value, kind


def about(cls: Any) -> dict[str, Any]:
    """What the judge needs to know before it starts: the class's name, what a new Value holds,
    which operations it defines, whether equal values compare equal, whether ``backward`` is
    hidden behind an instance attribute, and whether it is this package's own class.

    >>> info = about(Value)
    >>> info["own"], info["data"], info["grad"], "tanh" in info["defines"]
    ('autograd.core.value.Value', 1.5, 0.0, True)
    """
    sample = cls(1.5)
    data, data_kind = _read(getattr(sample, "data", None))
    grad, grad_kind = _read(getattr(sample, "grad", None))
    twin = cls(1.5)
    try:
        equal = bool(sample == twin) and hash(sample) == hash(twin)
    except Exception:  # unhashable, or an == that raises: sets of nodes fail anyway
        equal = False
    attrs = getattr(sample, "__dict__", {})
    return {
        "name": str(getattr(cls, "__qualname__", None) or type(cls).__name__),
        "own": _own(cls),
        "borrows": _borrows(cls),
        "data": data,
        "data_kind": data_kind,
        "grad": grad,
        "grad_kind": grad_kind,
        "defines": [op.name for op in ALL_OPS.values() if _defines(cls, sample, op)],
        "equal_by_data": equal,
        "backward_hidden": isinstance(attrs, dict) and "backward" in attrs,
        "has_backward": callable(getattr(sample, "backward", None)),
    }


def calls(cls: Any, name: str) -> list[str]:
    """The operator methods (``__add__``, ``tanh``, ...) that operation ``name``'s own method
    calls on the way: a ``__sub__`` written as ``self + (-other)`` calls ``__add__`` and
    ``__neg__``, so it is right only if they are.

    >>> calls(Value, "sub")
    []
    """
    op = ALL_OPS[name]
    methods = {o.method for o in ALL_OPS.values()}
    seen: list[str] = []

    def watch(frame: Any, event: str, arg: Any) -> None:
        name = frame.f_code.co_name
        if event == "call" and name in methods and name not in seen:
            seen.append(name)

    args = [cls(1.3), cls(0.6)][: op.arity]
    previous = sys.getprofile()
    sys.setprofile(watch)
    try:
        op.apply(*args)
    except Exception:  # the operation's own check reports it
        pass
    finally:
        sys.setprofile(previous)
    return [m for m in seen if m != op.method]


def run(cls: Any, spec: dict[str, Any], twice: bool = False) -> dict[str, Any]:
    """Build ``spec`` with the learner's class and call ``backward()`` on its root (twice when
    asked): every node's data and grad after each pass, and how odd numbers were held.

    >>> out = run(Value, Spec((2.0, 3.0), (("mul", (0, 1)),)).to_json())
    >>> out["data"], out["grads"]
    ([2.0, 3.0, 6.0], [3.0, 2.0, 1.0])
    """
    nodes: list[Any] = []
    root = Spec.from_json(spec).build(cls, nodes)
    data = [_read(getattr(n, "data", None)) for n in nodes]
    root.backward()
    grads = [_read(getattr(n, "grad", None)) for n in nodes]
    out: dict[str, Any] = {
        "data": [d for d, _ in data],
        "grads": [g for g, _ in grads],
        "kinds": sorted({k for _, k in data + grads if k}),
    }
    if twice:
        root.backward()
        out["second"] = [number(getattr(n, "grad", None)) for n in nodes]
    return out


def depth(cls: Any, op: str, n: int) -> dict[str, Any]:
    """How deep the stack grows while ``backward()`` runs on a chain of ``n`` nodes: the most
    frames at once below the call, and the function found most often in that deepest stack
    (a recursive topological sort grows by a frame or more per node).

    >>> out = depth(Value, "add", 50)
    >>> out["frames"] < 10
    True
    """
    root = chain(n, cls, op)
    files = _files(cls)
    base = _height(sys._getframe())
    deepest: dict[str, Any] = {"frames": 0, "top": ""}

    def watch(frame: Any, event: str, arg: Any) -> None:
        # Only calls of the learner's code: a finalizer (of this package, the standard library or
        # any other) that the garbage collector runs at the deepest point is more frames, on some
        # runs only.
        if event == "call" and frame.f_code.co_filename in files:
            h = _height(frame) - base
            if h > deepest["frames"]:
                deepest["frames"] = h
                deepest["stack"] = frame

    previous = sys.getprofile()
    sys.setprofile(watch)
    try:
        root.backward()
    finally:
        sys.setprofile(previous)
    frame = deepest.pop("stack", None)
    names: Counter[str] = Counter()
    while frame is not None:
        names[frame.f_code.co_name] += 1
        frame = frame.f_back
    deepest["top"] = names.most_common(1)[0][0] if names else ""
    return deepest


def _files(cls: Any) -> set[str]:
    """The files (or notebook cells) the learner's code is written in: those of the functions
    of the class, of its own base classes and of the namespace they were defined in (a ``build``
    helper outside the class counts).

    >>> _files(int)
    set()
    """
    functions: list[Any] = [
        fn
        for k in getattr(cls, "__mro__", (cls,))
        for item in vars(k).values()
        for fn in (item, getattr(item, "fget", None), getattr(item, "__func__", None))
        if hasattr(fn, "__code__")
    ]
    namespaces = {id(fn.__globals__): fn.__globals__ for fn in functions}.values()
    functions += [  # defined there, not imported
        fn
        for g in namespaces
        for fn in list(g.values())
        if hasattr(fn, "__code__") and getattr(fn, "__module__", None) == g.get("__name__")
    ]
    return {fn.__code__.co_filename for fn in functions}


def _height(frame: Any) -> int:
    count = 0
    while frame is not None:
        count, frame = count + 1, frame.f_back
    return count


def long_chain(cls: Any, op: str, n: int) -> bool:
    """``backward()`` on a chain of ``n`` nodes finishes (True), or raises.

    >>> long_chain(Value, "mul", 3000)
    True
    """
    chain(n, cls, op).backward()
    return True


ACTIONS = {
    **BACKWARD_ACTIONS,
    "about": about,
    "calls": calls,
    "run": run,
    "depth": depth,
    "long_chain": long_chain,
}
