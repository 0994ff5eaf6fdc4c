"""What ``check_backward`` asks of a learner's ``forward`` and ``backward``, and how their
answers cross the pipe from the child process as plain data.

Arrays travel as dtype, shape and entries. The forward's graph over this engine's Values
travels as one row per node (operation, parameters, operands, value, and for a leaf the array
entry it stands for) and is built again here with this process's own engine (``rebuild``): the
right gradients are computed where the learner's code never ran, from the operations its
forward recorded.
"""

from __future__ import annotations

import inspect
from typing import Any

from ..core.graph import leaves_first
from ..core.op import CONST, OPERATIONS
from ..core.value import Value, lift
from .learner_run import Outcome, describe
from .learner_spec import close


def _np() -> Any:
    import numpy as np

    return np


def encode(a: Any) -> dict[str, Any]:
    """An array (or whatever the learner returned) as plain data.

    >>> import numpy as np
    >>> encode(np.array([[1, 2]]))
    {'dtype': '<i8', 'shape': [1, 2], 'data': [1, 2]}
    >>> encode("text")["kind"]
    'str'
    """
    np = _np()
    try:
        arr = np.asarray(a)
    except (TypeError, ValueError):
        return {"kind": type(a).__name__}
    if arr.dtype.kind in "biuf":
        return {"dtype": arr.dtype.str, "shape": list(arr.shape), "data": arr.ravel().tolist()}
    if arr.dtype.kind == "c":
        return {"dtype": "complex", "shape": list(arr.shape)}
    if not isinstance(a, np.ndarray) or arr.dtype == object:
        return {"kind": type(a).__name__}
    return {"kind": str(arr.dtype)}


def decode(d: dict[str, Any]) -> Any:
    """An array back from ``encode`` (complex ones as zeros of their shape: only their kind is
    judged; other objects as an object array of their kind's name).

    >>> decode(encode(__import__("numpy").array([0.5, 2.0])))
    array([0.5, 2. ])
    """
    np = _np()
    if "kind" in d:
        return np.array(str(d["kind"]), dtype=object)
    if d["dtype"] == "complex":
        return np.zeros([int(n) for n in d["shape"]], dtype=complex)
    return np.array(d["data"], dtype=np.dtype(d["dtype"])).reshape([int(n) for n in d["shape"]])


def leaves(a: Any) -> Any:
    """An object array of fresh Values, one per entry (a 0-d array stays 0-d).

    >>> import numpy as np
    >>> leaves(np.array([1.0, 2.0]))[1].data
    2.0
    """
    np = _np()
    out = np.empty(a.shape, dtype=object)
    for index, x in np.ndenumerate(a):
        out[index] = Value(float(x))
    return out


def names(fns: Any, n: int) -> list[str]:
    """The forward's argument names for ``n`` inputs (``x0``, ``x1``, ... where it has none).

    >>> names([lambda w, x: 0, None], 3)
    ['w', 'x', 'x2']
    """
    try:
        params = list(inspect.signature(fns[0]).parameters)
    except (TypeError, ValueError):
        params = []
    return [params[i] if i < len(params) else f"x{i}" for i in range(n)]


def forward_graph(fns: Any, arrays: list[dict[str, Any]], needs: list[bool]) -> dict[str, Any]:
    """Run the learner's forward over Values made from ``arrays`` (where ``needs``); the loss's
    graph in columns (see ``rebuild``), or a sentence saying why there is none. A layer of a
    thousand products makes a graph of a million nodes: columns of small numbers keep that to a
    few bytes a node.

    >>> import numpy as np
    >>> out = forward_graph([lambda w: np.sum(w * w), None], [encode(np.array([3.0]))], [True])
    >>> out["names"], out["op"], out["inputs"], out["root"]
    (['', 'mul'], [0, 1], [0, 0], 9.0)
    """
    kept = [decode(a) for a in arrays]
    values = [leaves(a) if need else a for a, need in zip(kept, needs, strict=True)]
    root, error = run_forward(fns[0], [v.copy() for v in values])
    if root is None:
        return {"error": error}
    where = {id(v): (i, k) for i, a in enumerate(values) if needs[i] for k, v in enumerate(a.flat)}
    index: dict[int, int] = {}
    names: dict[str, int] = {}
    out: dict[str, Any] = {
        "op": [],
        "arity": [],
        "inputs": [],
        "params": [],
        "leaves": [],
        "data": [],
    }
    for n, node in enumerate(leaves_first(root)):
        index[id(node)] = n
        out["op"].append(names.setdefault(node.op, len(names)))
        ins = node.inputs
        out["arity"].append(len(ins))
        out["inputs"] += [index[id(v)] for v in ins]
        if node.params:
            out["params"].append([n, *node.params])
        if id(node) in where:
            out["leaves"].append([n, *where[id(node)]])
        elif not ins:
            out["data"].append([n, node.data])
    return {**out, "names": list(names), "root": root.data}


def rebuild(graph: dict[str, Any], values: list[Any]) -> Value | str:
    """The graph of ``forward_graph`` built again with this engine, its leaves the entries of
    ``values`` (this process's own Values); a sentence when it cannot be built, or gives another
    loss than the learner's process computed.

    >>> import numpy as np
    >>> w = leaves(np.array([3.0]))
    >>> graph = {"names": ["", "mul"], "op": [0, 1], "arity": [0, 2], "inputs": [0, 0],
    ...          "params": [], "leaves": [[0, 0, 0]], "data": [], "root": 9.0}
    >>> rebuild(graph, [w]).data
    9.0
    """
    try:
        names = [str(n) for n in graph["names"]]
        params = {int(row[0]): [float(x) for x in row[1:]] for row in graph["params"]}
        given = {int(row[0]): values[int(row[1])].flat[int(row[2])] for row in graph["leaves"]}
        data = {int(row[0]): float(row[1]) for row in graph["data"]}
        made: list[Value] = []
        at = 0
        for n, (op, arity) in enumerate(zip(graph["op"], graph["arity"], strict=True)):
            name = names[int(op)]
            ins = [made[int(i)] for i in graph["inputs"][at : at + int(arity)]]
            at += int(arity)
            if n in given:
                made.append(given[n])
            elif name == CONST.name:
                made.append(lift(data[n], "check_backward"))
            elif not ins:
                made.append(Value(data[n]))
            else:
                found = OPERATIONS.get(name)
                if found is None or found.weighted_sum or found.make is None:
                    return (
                        f"your forward's graph has an operation this check cannot rebuild: {name}"
                    )
                made.append(found.make(*ins, *params.get(n, ())))
    except (TypeError, ValueError, IndexError, KeyError, ArithmeticError) as e:
        return f"your forward's graph could not be rebuilt here: {e!r}"
    if not made:
        return "your forward built no graph"
    if not isinstance(graph["root"], (int, float)) or not close(made[-1].data, graph["root"]):
        return "your forward's graph gives another loss here than where it ran"
    return made[-1]


def backward(fns: Any, arrays: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Run the learner's backward on the arrays; each thing it returned, as plain data.

    >>> import numpy as np
    >>> out = backward([None, lambda w: (2 * w,)], [encode(np.array([1.5]))])
    >>> decode(out[0])
    array([3.])
    """
    returned = fns[1](*[decode(a) for a in arrays])
    items = returned if isinstance(returned, (tuple, list)) else (returned,)
    return [encode(g) for g in items]


def hint(error: str) -> str:
    """A sentence for what usually causes ``error`` when a forward meets Values.

    >>> hint("TypeError: float() argument must be a string or a real number")[:26]
    ' — your forward turns a Va'
    """
    if "float(Value)" in error or "float() argument" in error:
        return (
            " — your forward turns a Value into a float (float(), .astype(float), math.exp, "
            "np.float64); use NumPy on the arrays as they come (np.exp, np.dot, @, np.sum)"
        )
    if "no callable" in error:
        return (
            " — a NumPy function your forward calls has no counterpart on Values; write it "
            "with + - * / ** and np.exp, np.log, np.tanh, np.sqrt, np.sin, np.cos"
        )
    return ""


def run_forward(forward: Any, arrays: Any) -> tuple[Value | None, str]:
    """The learner's ``forward(*arrays)`` over arrays of Values (given as they are: pass
    copies): the loss's Value, or None and a sentence saying what went wrong. Called where the
    learner's code may run (the child process), under its time limit.

    >>> import numpy as np
    >>> w = np.array([Value(2.0)], dtype=object)
    >>> root, error = run_forward(lambda w: np.sum(w * w), [w])
    >>> root.data, error
    (4.0, '')
    >>> "turns a Value into a float" in run_forward(lambda w: float(w[0]), [w])[1]
    True
    """
    np = _np()
    out = call(lambda: forward(*arrays))
    if not out.ok:
        return None, f"forward over Values raises {out.error}{hint(out.error)}"
    result = out.value
    if isinstance(result, np.ndarray) and result.size == 1:
        result = result.flat[0]
    if not isinstance(result, Value):
        return None, (
            f"forward over Values returned {type(out.value).__name__}, not one Value: it must "
            "compute the loss from its arguments' entries without turning them into floats"
        )
    return result, ""


def call(fn: Any) -> Outcome:
    """``fn()`` with its exception as a sentence: how the child calls the learner's code (its
    time limit is the parent's to keep).

    >>> call(lambda: 1 / 0).error.split(" (in")[0]
    'ZeroDivisionError: division by zero'
    """
    try:
        return Outcome(value=fn())
    except Exception as e:
        error, recursed = describe(e)
        return Outcome(error=error, recursion=recursed)


ACTIONS = {"names": names, "forward_graph": forward_graph, "backward": backward}
