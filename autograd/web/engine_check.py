"""Check my engine, in the page: a learner's ``Value`` class, pasted as text, judged by
:func:`autograd.testing.check_engine` in this process (the browser has no child processes, so
the learner's code runs under :func:`autograd.testing.learner_run.guarded`'s time limit), and
each problem's smallest graph drawn with the right gradients and the wrong node marked.

The page runs this in a Worker of its own whose network functions are removed once Python has
started; the drawing is made again from the graph as data (:func:`failure_dot`) by the page's
other Worker, which never runs the learner's code.
"""

from __future__ import annotations

import importlib.util
import itertools
import re
import sys
import types
from typing import Any

from ..core.value import Value
from ..notation import fmt
from ..testing import learner_report as kinds
from ..testing.learner_engine import check_engine
from ..testing.learner_report import EngineReport, Failure, Phrase
from ..testing.learner_run import guarded
from ..testing.learner_spec import ALL_OPS, LETTERS, Spec
from ..viz.dot import to_dot

MAX_SOURCE = 60_000  # characters of the learner's module: a whole engine is a few thousand
IMPORT_LIMIT = 5.0  # seconds to run the module's top level
TIME_LIMIT = 2.0  # seconds for one call into the learner's code, as check_engine's own
MARK = "#b00000"  # the wrong node's edges: also thick and dashed, so not by colour alone
_counter = itertools.count(1)
# Each kind of problem by a key of its own: the page words it in its language from its message
# catalogue (``engine_kind_<key>`` in web/playground/messages/*.js; tests/web/test_i18n.py checks).
KIND_KEYS = {
    kinds.NOTHING: "nothing",
    kinds.OWN: "own",
    kinds.NO_OP: "no_op",
    kinds.ORDER: "order",
    kinds.BREADTH: "breadth",
    kinds.TWICE_RUN: "twice",
    kinds.BY_VALUE: "by_value",
    kinds.CHAIN: "chain",
    kinds.ERROR: "error",
    kinds.HANG: "hang",
    kinds.ENDED: "ended",
    kinds.FORWARD: "forward",
    kinds.LOCAL: "local",
    kinds.UPSTREAM: "upstream",
    kinds.ASSIGNED: "assigned",
    kinds.REFLECTED: "reflected",
    kinds.REFLECTED_WRONG: "reflected_wrong",
    kinds.PLAIN: "plain",
    kinds.RECURSION: "recursion",
    kinds.NOT_RESET: "not_reset",
    kinds.WRONG: "wrong",
    kinds.NOT_NUMBER: "not_number",
}


def check_source(
    source: Any, name: Any = "Value", examples: int | None = None, time_limit: float = TIME_LIMIT
) -> dict[str, Any]:
    """Run ``source`` (a module's text) here and judge its class ``name``: the answer the page's
    ``check_engine`` request gives (``passed``, the ``report`` as text, each ``failure`` as data
    with its drawing). ``examples``: random graphs (0 where Hypothesis is not installed).
    The report is also given as data (``summary``, each failure's ``key`` and ``op``; ``reason``
    when there is no class to judge), for the page to word it in its own language.

    >>> answer = check_source("class Value:\\n    pass\\n")
    >>> answer["passed"], answer["failures"][0]["kind"], answer["failures"][0]["key"]
    (False, 'raises an error', 'error')
    >>> no_run = check_source("def f(:", "Value")
    >>> no_run["report"].startswith("your code does not run"), no_run["reason"]["key"]
    (True, 'engine_not_run')
    """
    if not isinstance(source, str) or len(source) > MAX_SOURCE:
        raise ValueError(
            f"check_engine: source must be the text of a module, at most {MAX_SOURCE} characters"
        )
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(
            f"check_engine: name must be a Python name, like Value; got {str(name)[:40]!r}"
        )
    if examples is None:
        examples = 200 if importlib.util.find_spec("hypothesis") is not None else 0
    cls = _run_module(source, name)
    if isinstance(cls, dict):  # why there is no class to judge
        return {
            "passed": False,
            "report": cls.pop("text"),
            "reason": cls,
            "failures": [],
            "seconds": 0.0,
            "examples": 0,
        }
    report = check_engine(cls, examples=examples, time_limit=time_limit, isolated=False)
    text = str(report)
    if examples == 0:
        text += "\n(No random graphs were tried: Hypothesis is not installed here.)"
    return {
        "passed": bool(report),
        "report": text,
        "failures": [_failure(f) for f in report.failures],
        "summary": _summary(report),
        "seconds": round(report.seconds, 3),
        "examples": examples,
    }


def _summary(report: EngineReport) -> dict[str, Any]:
    """The parts of the report beside its failures, as data (see ``EngineReport.__str__``)."""
    return {
        "name": report.name,
        "right": [words(what) for what in report.passed],
        "not_checked": [[words(what), i] for what, i in report.not_checked],
        "skipped": list(report.skipped),
        "notes": list(report.notes),
    }


def words(what: Any) -> Any:
    """A phrase of the report as the page words it in its language: its text, its message key
    and its fields (phrases in turn); other text as it is.

    >>> words(kinds.phrase("chain", n=3000))
    {'text': 'a chain of 3000 nodes', 'key': 'chain', 'fields': {'n': 3000}}
    >>> words("mul")
    'mul'
    """
    if not isinstance(what, Phrase):
        return str(what)
    fields = {k: words(v) if isinstance(v, str) else v for k, v in what.fields.items()}
    return {"text": str(what), "key": what.key, "fields": fields}


def _run_module(source: str, name: str) -> Any:
    """The class ``name`` that ``source`` defines, or why there is none: its ``text``, and its
    message ``key`` with the message's fields (the error, or the name)."""
    try:
        code = compile(source, "<your engine>", "exec")
    except (SyntaxError, ValueError) as e:  # ValueError: a NUL character in the text
        line = f" (line {e.lineno})" if isinstance(e, SyntaxError) and e.lineno else ""
        error = f"{type(e).__name__}: {getattr(e, 'msg', e)}{line}"
        return {"key": "engine_not_run", "error": error, "text": f"your code does not run: {error}"}
    module = types.ModuleType(f"your_engine_{next(_counter)}")
    sys.modules[module.__name__] = module  # dataclasses and pickling look their module up
    try:
        ran = guarded(lambda: exec(code, module.__dict__), limit=IMPORT_LIMIT)
    finally:
        sys.modules.pop(module.__name__, None)
    if not ran.ok:
        error = str(ran.error)
        return {"key": "engine_not_run", "error": error, "text": f"your code does not run: {error}"}
    found = module.__dict__.get(name)
    if not isinstance(found, type):
        text = f"your code defines no class {name}: give the name of your Value class"
        return {"key": "engine_no_class", "name": name, "text": text}
    return found


def _failure(f: Failure) -> dict[str, Any]:
    spec = None if f.spec is None else f.spec.to_json()
    op = f.op or (f.spec.steps[-1][0] if f.spec is not None and len(f.spec.steps) == 1 else "")
    return {
        "kind": f.kind,
        "key": KIND_KEYS.get(f.kind, ""),
        "op": op,
        "detail": words(f.detail),
        "graph": [] if f.spec is None else f.spec.text().splitlines(),
        "text": f.text(),
        "spec": spec,
        "leaf": f.leaf,
        "want": f.want,
        "got": f.got,
        "dot": None if spec is None else failure_dot(spec, f.leaf, f.got),
    }


def failure_dot(spec_json: Any, leaf: Any = "", got: Any = None) -> str:
    """The failing graph (``Spec.to_json`` data, checked here: it may come from the Worker that
    ran the learner's code) in DOT, with this engine's gradients; node ``leaf`` (a letter, as
    the report names it) is outlined, the edges out of it thick, dashed and red, and its label
    says the learner's gradient ``got`` beside the right one.

    >>> dot = failure_dot({"leaves": [0.7], "steps": [["add", [0, 0]]]}, "a", 1.0)
    >>> [line.strip() for line in dot.splitlines() if "yours" in line][0][:44]
    'v0 [label="{a | data 0.7 | grad 2 (yours: 1)'
    >>> failure_dot({"leaves": [1.0], "steps": [["add", [0, 5]]]})
    Traceback (most recent call last):
    ...
    ValueError: failure graph: step 1 uses node 5, which is not made before it
    """
    spec = _spec(spec_json)
    names = spec.names()
    nodes: list[Value] = [Value(x, label) for x, label in zip(spec.leaves, names, strict=False)]
    for (op, args), label in zip(spec.steps, names[len(spec.leaves) :], strict=True):
        out = ALL_OPS[op].apply(*(nodes[i] for i in args))
        out.label = label
        nodes.append(out)
    root = nodes[-1]
    root.backward()
    marked = nodes[names.index(leaf)] if isinstance(leaf, str) and leaf in names else None
    dot = to_dot(root, highlight=marked, legend=False)
    if marked is None:
        return dot
    return _mark(dot, marked, got)


def _mark(dot: str, node: Value, got: Any) -> str:
    """``dot`` with the outlined node's outgoing edges marked, and the learner's number shown."""
    found = re.search(r"^  (v\d+) \[.*class=\"current\"", dot, re.M)
    if found is None:
        return dot
    vid = found.group(1)
    yours = f" (yours: {fmt(float(got))})" if isinstance(got, (int, float)) else ""
    lines = []
    for line in dot.splitlines():
        if line.startswith(f"  {vid} [") and yours:
            line = line.replace(f"grad {fmt(node.grad)}}}", f"grad {fmt(node.grad)}{yours}}}", 1)
        elif line.startswith(f"  {vid} -> ") and line.endswith(";") and "[" not in line:
            line = line[:-1] + f' [color="{MARK}" penwidth=3 style=dashed];'
        lines.append(line)
    return "\n".join(lines) + "\n"


def _spec(data: Any) -> Spec:
    """A failure's graph from JSON, every part checked: small, known operations, operands
    made before they are used."""
    if not isinstance(data, dict) or not isinstance(data.get("leaves"), list):
        raise ValueError("failure graph: give {'leaves': [numbers], 'steps': [[op, [operands]]]}")
    leaves, steps = data["leaves"], data.get("steps")
    if not isinstance(steps, list) or not steps or len(leaves) + len(steps) > len(LETTERS):
        raise ValueError(f"failure graph: 1 to {len(LETTERS)} nodes, at least one step")
    if not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in leaves):
        raise ValueError("failure graph: the leaves must be numbers")
    for k, step in enumerate(steps):
        if not (isinstance(step, list) and len(step) == 2 and step[0] in ALL_OPS):
            raise ValueError(f"failure graph: step {k + 1} is not [operation, [operands]]")
        args = step[1]
        if not isinstance(args, list) or len(args) != ALL_OPS[step[0]].arity:
            raise ValueError(f"failure graph: step {k + 1} has the wrong number of operands")
        for i in args:
            if not isinstance(i, int) or isinstance(i, bool) or not 0 <= i < len(leaves) + k:
                raise ValueError(
                    f"failure graph: step {k + 1} uses node {i}, which is not made before it"
                )
    return Spec.from_json(data)
