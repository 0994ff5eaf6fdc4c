"""What ``check_engine`` reports: each problem once, at its root cause, with the smallest graph
that shows it; what could not be checked because of it; what was checked and is right."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from .learner_spec import ALL_OPS, Spec


class Phrase(str):
    """Words of a report that a page may say in its own language: the English text itself, the
    key of its message (``engine_phrase_<key>`` in the playground's catalogues) and its fields,
    which may be phrases too.

    >>> p = phrase("calls", what=phrase("larger_graphs", op="tanh"), method="tanh", needs="exp")
    >>> p, p.key, p.fields["what"].key
    ('tanh in larger graphs (your tanh calls exp)', 'calls', 'larger_graphs')
    """

    key: str
    fields: dict[str, Any]


# The report's phrases for what was checked or not and for some problems' details, by key (the
# English page words them so too).
PHRASES = {
    "larger_graphs": "{op} in larger graphs",
    "larger_graphs_alone": "{op} in larger graphs (nothing right to build with)",
    "used_twice": "{op} with a used twice",
    "same_method": "{op} (the same {method})",
    "same_error": "{op} (raises the same error)",
    "calls": "{what} (your {method} calls {needs})",
    "upstream_and_add": "{op}: out.grad multiplied in, and +=",
    "chain": "a chain of {n} nodes",
    "random": "random graphs",
    "random_graphs": "{n} random graphs",
    "random_graphs_without": "{n} random graphs (without {ops})",
    # a problem's detail
    "local": "of {op}: d({expr})/d{leaf} at {at} is {want}, yours gives {got}",
    "recursion": (
        "{top}() calls itself once per node: the stack grew by {per_node} frames per node on a "
        "chain of 200, so with Python's default recursion limit ({limit}) backward() on a chain "
        "of about {fits} nodes raises RecursionError; build the order with a loop and an "
        "explicit stack instead; the chain begins"
    ),
}
PHRASES |= {
    "grad_expected": "{name}.grad: expected {want}, got {got}",
    "explained": "{why} ({detail})",
    "in_a_larger_graph": "{op} in a larger graph: {detail}",
    "no_upstream": (
        "{op}'s backward does not multiply by out.grad{which}: it passes its local derivative alone"
    ),
    "assigns": (
        "a node used twice gets only one path's gradient: {op}'s backward assigns (=) where it "
        "must add (+=){which}"
    ),
    "in_one_line": " (in one of its two lines)",
    "order": (
        "the nodes nearest the output are right and the ones further in get 0 or too little: "
        "backward() calls each node's _backward inputs-first, before the node's own gradient is "
        "complete. Did you forget reversed() on the topological order?"
    ),
    "twice": (
        "c is used twice by d, and c's _backward ran once per use, sending its gradient down "
        "twice: your topological order lists a node once per path to it. Keep a visited set so "
        "that each node is added once"
    ),
    "by_value": (
        "c = a + b and d = b + a are different nodes with the same value, and only one of them "
        "passed its gradient on: your __eq__/__hash__ compare .data, so a set (the children, or "
        "the visited set) holds one of them. Compare nodes by identity: remove __eq__ and "
        "__hash__, or key the visited set by id(node)"
    ),
    "breadth": (
        "c is used by the output and again further in, and its _backward ran before the "
        "nodes further in had added their share to c.grad: your order is a breadth-first "
        "search from the output, which is not a topological order when a node is reached by "
        "paths of different lengths. Sort the nodes depth-first (each after its inputs) and "
        "walk that order reversed"
    ),
}
PHRASES["recursion_one"] = PHRASES["recursion"].replace("frames per", "frame per")


def phrase(key: str, **fields: Any) -> Phrase:
    """The phrase ``key`` of PHRASES with these fields.

    >>> phrase("random_graphs", n=500)
    '500 random graphs'
    """
    said = Phrase(PHRASES[key].format(**fields))
    said.key, said.fields = key, fields
    return said


# The kinds of problem a report names. The first group are engine-wide root causes: every
# operation is affected, so the per-operation checks they spoil are listed as not checked.
NOTHING = "nothing to judge"
OWN = "this package's own Value"
NO_OP = "backward() did nothing"
ORDER = "backward() walks the order inputs-first"
BREADTH = "the order is breadth-first, not topological"
TWICE_RUN = "the same node's _backward runs twice"
BY_VALUE = "different nodes with equal .data are treated as one"
CHAIN = "wrong gradient through a chain"
# Per operation, or per check.
ERROR = "raises an error"
HANG = "runs out of time"
ENDED = "ends the process"
FORWARD = "wrong forward value"
LOCAL = "wrong local derivative"
UPSTREAM = "upstream gradient left out"
ASSIGNED = "`=` instead of `+=`"
REFLECTED = "missing reflected operator"
REFLECTED_WRONG = "wrong reflected operator"
PLAIN = "plain numbers not accepted"
RECURSION = "recursive topological sort overflows"
NOT_RESET = "gradients not reset between passes"
WRONG = "wrong gradient"
NOT_NUMBER = "returns a non-number"

ENGINE_WIDE = (NOTHING, OWN, NO_OP, ORDER, BREADTH, TWICE_RUN, BY_VALUE, CHAIN)


@dataclass
class Failure:
    """One thing the learner's engine gets wrong: its ``kind``, what happened, and the smallest
    graph that shows it (``spec``; ``text()`` writes it, ``to_dot()`` draws it).

    >>> f = Failure(LOCAL, "tanh: expected 0.42, got 0.9", Spec((0.5,), (("tanh", (0,)),)))
    >>> print(f.text())
    wrong local derivative: tanh: expected 0.42, got 0.9
       a = 0.5
       b = tanh(a) = 0.4621
    """

    kind: str
    detail: str
    spec: Spec | None = None
    leaf: str = ""  # for a wrong gradient: which node, the right value and the learner's
    want: float = 0.0
    got: float = 0.0
    op: str = ""  # the operation it concerns, when it concerns one
    error: str = ""  # the learner's exception, as one line, when one was raised

    def text(self) -> str:
        """The kind, what happened, and the graph (see the class's example).

        >>> Failure(ERROR, "V(1) raises").text()
        'raises an error: V(1) raises'
        """
        lines = [f"{self.kind}: {self.detail}"]
        if self.spec is not None:
            lines += ["   " + line for line in self.spec.text().splitlines()]
        return "\n".join(lines)

    def to_dot(self) -> str | None:
        """The smallest failing graph in DOT, with this engine's (correct) gradients.

        >>> Failure(LOCAL, "", Spec((0.5,), (("tanh", (0,)),))).to_dot().startswith("digraph")
        True
        """
        if self.spec is None:
            return None
        from ..viz import to_dot

        root, _ = self.spec.oracle()
        root.backward()
        return to_dot(root)

    def draw(self) -> Any:
        """The drawing (graphviz), or None when there is no graph or Graphviz is missing.

        >>> Failure(ERROR, "no graph").draw() is None
        True
        """
        if self.spec is None:
            return None
        try:
            from ..viz import draw_dot
        except ImportError:
            return None
        root, _ = self.spec.oracle()
        root.backward()
        return draw_dot(root)


@dataclass
class EngineReport:
    """What ``check_engine`` found: ``bool(report)`` is True when something was judged and
    nothing failed. ``not_checked`` pairs what could not be checked with the problem (its
    number in ``failures``, from 1; 0 when no problem but a lack of material stopped it).

    >>> r = EngineReport("V", [], ["add"], ["tanh"])
    >>> bool(r), str(r).splitlines()[0]
    (True, 'check_engine(V): everything checked is right (1 check passed).')
    """

    name: str
    failures: list[Failure]
    passed: list[str]
    skipped: list[str] = field(default_factory=list)
    not_checked: list[tuple[str, int]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def __bool__(self) -> bool:
        return not self.failures and bool(self.passed)

    def kinds(self) -> list[str]:
        """The kinds of problem found, in order.

        >>> EngineReport("V", [Failure(ERROR, "x")], []).kinds()
        ['raises an error']
        """
        return [f.kind for f in self.failures]

    def __str__(self) -> str:
        n, k = len(self.passed), len(self.failures)
        counts = f"{n} check{'s' * (n != 1)} passed"
        if self.not_checked:
            counts += f", {len(self.not_checked)} not checked"
        if self:
            lines = [f"check_engine({self.name}): everything checked is right ({counts})."]
        elif not k:
            lines = [f"check_engine({self.name}): nothing was judged ({counts})."]
        else:
            lines = [f"check_engine({self.name}): {k} problem{'s' * (k != 1)} found ({counts})."]
        for i, f in enumerate(self.failures, 1):
            lines.append(f"{i}. " + f.text().replace("\n", "\n  "))
        for i in sorted({i for _, i in self.not_checked}):
            what = "; ".join(w for w, j in self.not_checked if j == i)
            why = f" because of problem {i}" if i else ""
            lines.append(f"Not checked{why}: {what}.")
        if self.passed:
            lines.append("Right: " + ", ".join(self.passed) + ".")
        if self.skipped:
            lines.append("Skipped (the class does not define them): " + ", ".join(self.skipped))
        lines += [f"Note: {note}" for note in self.notes]
        return "\n".join(lines)

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(str(self))


_PLAIN_NUMBER = re.compile(r"'(int|float)' object has no attribute '(\w+)'")


def same_errors(failures: Sequence[Failure]) -> Iterator[tuple[Failure, Failure]]:
    """Pairs (kept, merged) of failures that are one mistake: the same exception at the same
    line of the learner's code, or a number reaching code that wanted a Value (wherever that
    happened). The failure kept is the one that names the mistake best.

    >>> a = Failure(ERROR, "-a", error="AttributeError: 'int' object has no attribute 'data'")
    >>> b = Failure(PLAIN, "a + 2", error="AttributeError: 'float' object has no attribute 'data'")
    >>> [(kept.kind, merged.kind) for kept, merged in same_errors([a, b])]
    [('plain numbers not accepted', 'raises an error')]
    """
    best = {PLAIN: 0, REFLECTED: 1}
    groups: dict[str, list[Failure]] = {}
    for f in failures:
        plain = _PLAIN_NUMBER.search(f.error)
        if plain:
            groups.setdefault(f"plain {plain.group(2)}", []).append(f)
        elif " (in " in f.error:  # raised in the learner's own code, at a known line
            groups.setdefault(f.error, []).append(f)
    for group in groups.values():
        keep = min(group, key=lambda f: best.get(f.kind, 2))
        yield from ((keep, f) for f in group if f is not keep)


def missing_together(failures: Sequence[Failure]) -> Iterator[tuple[Failure, Failure]]:
    """The reflected operators a class lacks are one problem, a number on the left: the first
    says them all, and pairs (first, merged) give the others.

    >>> fs = [Failure(REFLECTED, "", op="radd"), Failure(REFLECTED, "", op="rmul")]
    >>> [m.op for _, m in missing_together(fs)], fs[0].detail.split(":")[1]
    (['rmul'], ' define __radd__, __rmul__ (sum() needs __radd__')
    """
    absent = [f for f in failures if f.kind == REFLECTED]
    if len(absent) < 2:
        return
    first = absent[0]
    texts = [ALL_OPS[f.op].text for f in absent]
    methods = list(dict.fromkeys(ALL_OPS[f.op].method for f in absent))
    first.detail = (
        f"{', '.join(texts[:-1])} and {texts[-1]} raise TypeError (a number on the left asks "
        f"the Value for its reflected method): define {', '.join(methods)}"
    )
    if "__radd__" in methods:
        first.detail += " (sum() needs __radd__: it starts from 0, so it computes 0 + a)"
    yield from ((first, f) for f in absent[1:])
