"""``check_engine``: a learner's own scalar engine, judged against this one, each mistake named
at its root cause.

The learner's class needs micrograd's interface (``V(data)``, ``.data``, ``.grad``, operators,
``.backward()``); its code runs in a child process (``learner_process``). The judge works in
layers, so that one mistake is reported once, where it is made (see docs/judge.md):

1. what the class is: a Value at all, not this package's own, defining something to judge;
2. each operation alone (its forward value and local derivative), which no engine-wide mistake
   can spoil except a ``backward()`` that does nothing;
3. engine-wide probes on small graphs of operations found right alone: the order walked
   inputs-first (``reversed()`` forgotten), a node's ``_backward`` run once per path (no visited
   set), different nodes with equal values merged (``__eq__``/``__hash__`` on ``.data``), each
   recognised by simulating the mistake (``learner_sim``) and finding the learner's numbers;
4. each operation inside a larger graph: out.grad multiplied in (upstream), gradients added
   (``+=``), the reflected operators with numbers on the left, each diagnosed the same way;
5. the stack's growth per node (a recursive sort), and ``backward()`` twice on every graph;
6. random graphs from Hypothesis over the operations found right, shrunk to the smallest.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from ..notation import fmt
from .learner_compare import compare, kind_of, matches, read_grads
from .learner_probes import (
    PROBES,
    Explanation,
    alone,
    at,
    missing,
    nothing_done,
    per_op,
    points,
    reuse_specs,
    telling,
    upstream_spec,
    whole_power,
)
from .learner_process import MEMORY_MB, TIME_LIMIT, Learner
from .learner_report import (
    ASSIGNED,
    CHAIN,
    ERROR,
    FORWARD,
    HANG,
    LOCAL,
    NO_OP,
    NOT_RESET,
    NOTHING,
    OWN,
    RECURSION,
    REFLECTED_WRONG,
    UPSTREAM,
    WRONG,
    EngineReport,
    Failure,
    missing_together,
    phrase,
    same_errors,
)
from .learner_sim import sweep
from .learner_spec import (
    ALL_OPS,
    FIRST,
    JOINS,
    LEARNER_OPS,
    REFLECTED_OPS,
    LearnerOp,
    Spec,
    close,
)

__all__ = ["check_engine"]  # what is defined here: the docs file each name under one module

EXAMPLES = 500  # random graphs after the named checks: a check stays well under 5 s
DEFAULT_LIMIT = 1000  # CPython's default recursion limit: the depth a learner's engine must take


def check_engine(
    cls: Any,
    examples: int = EXAMPLES,
    time_limit: float = TIME_LIMIT,
    memory_mb: int = MEMORY_MB,
    isolated: bool | None = None,
    seed: int | None = None,
) -> EngineReport:
    """Judge ``cls`` (a learner's ``Value`` class, ``"file.py:Name"`` / ``"module:Name"``, or a
    ``Learner`` holding one) against this engine. ``examples``: random graphs tried after the
    named checks (needs Hypothesis, the ``testing`` extra); ``time_limit``: seconds for one call
    into the learner's code; ``memory_mb``: what the child process may allocate;
    ``isolated=False`` runs the learner's code in this process (as where there are no
    processes, e.g. Pyodide); ``seed``: the random graphs' (None: Hypothesis's fixed choice).

    >>> from autograd import Value
    >>> report = check_engine(Value, examples=10)
    >>> bool(report), report.kinds()
    (False, ["this package's own Value"])
    """
    start = time.monotonic()
    made = cls if isinstance(cls, Learner) else Learner(cls, time_limit, memory_mb, isolated)
    with made as learner:
        report = _Judge(learner, examples, seed).report()
    report.seconds = time.monotonic() - start
    return report


class _Judge:
    """One judgement: the checks in order, the problems, and what each kept from being checked
    (``blocked``: what, and the problem that stopped it)."""

    def __init__(self, learner: Learner, examples: int, seed: int | None = None) -> None:
        self.learner = learner
        self.examples = examples
        self.graphs = (examples, seed)  # how many random graphs, and their seed
        self.failures: list[Failure] = []
        self.passed: list[str] = []
        self.blocked: list[tuple[str, Failure | None]] = []
        self.notes: list[str] = []
        self.torch_style = False
        self.name = "the class"
        self.last: list[float | None] = []  # the learner's gradients in the last graph
        self.last_data: list[float | None] = []  # and its values
        self.calls: dict[str, list[str]] = {}  # the methods each operation's method calls
        self.broken: Failure | None = None  # an engine-wide problem, once found

    def fail(self, f: Failure, op: str = "") -> Failure:
        f.op = f.op or op
        self.failures.append(f)
        return f

    def of(self, op: str) -> Failure | None:
        """The problem found with ``op``, if any."""
        return next((f for f in self.failures if f.op == op), None)

    def blocker(self, op: str) -> tuple[Failure, str] | None:
        """The problem of an operation that ``op``'s method calls (``__sub__`` written as
        ``self + (-other)`` is wrong whenever ``__add__`` is), and that operation's method."""
        for method in self.calls.get(op, ()):
            for other in [n for n, o in ALL_OPS.items() if o.method == method]:
                f = self.of(other) if other != op else None
                if f is not None:
                    return f, method
        return None

    def blocked_by_call(self, op: str, what: str, kind: str = "") -> bool:
        """List ``what`` as not checked when ``op`` calls an operation found wrong, or when
        another form of the same method (``a ** 3`` after ``a ** 2``) failed the same way."""
        if self.broken is not None:
            self.blocked.append((what, self.broken))
            return True
        method = ALL_OPS[op].method
        same = next(
            (
                f
                for f in self.failures
                if f.op and f.kind == kind and ALL_OPS[f.op].method == method
            ),
            None,
        )
        if same is not None:
            self.blocked.append((phrase("same_method", op=ALL_OPS[op].text, method=method), same))
            return True
        found = self.blocker(op)
        if found is None:
            return False
        f, method = found
        said = phrase("calls", what=what, method=ALL_OPS[op].method, needs=method)
        self.blocked.append((said, f))
        return True

    def compare(self, spec: Spec, kink: LearnerOp | None = None, twice: bool = False) -> Any:
        f, self.last, self.last_data = compare(self.learner, spec, kink, twice, self.torch_style)
        return f, self.last

    def report(self) -> EngineReport:
        skipped = self.run()
        self.merge(same_errors(self.failures), "same_error")
        number = {id(f): i for i, f in enumerate(self.failures, 1)}
        blocked = [(what, number.get(id(f), 0)) for what, f in self.blocked]
        return EngineReport(self.name, self.failures, self.passed, skipped, blocked, self.notes)

    def merge(self, pairs: Any, why: str = "") -> None:
        """Fold each merged failure into the one kept: what it blocked, the kept one blocks (and
        the merged one's operation, said by the phrase ``why``)."""
        for keep, f in list(pairs):
            self.failures.remove(f)
            self.blocked = [(w, keep if g is f else g) for w, g in self.blocked]
            if why:
                self.blocked.append((phrase(why, op=ALL_OPS[f.op].text if f.op else f.kind), keep))

    # -- 1. what the class is ----------------------------------------------------------------

    def run(self) -> list[str]:
        loaded = self.learner.load()
        if not loaded.ok:
            self.fail(Failure(ERROR, f"cannot import {self.learner.target}: {loaded.error}"))
            return []
        about = self.learner.call("about")
        if not about.ok:
            self.fail(
                Failure(
                    kind_of(about.error, about.hung), f"cannot make a Value: V(1.5) {about.error}"
                )
            )
            return []
        info = about.value
        self.name = info["name"]
        if info["own"] or info["borrows"]:
            detail = (
                f"{self.name} is {info['own']} or derives from it"
                if info["own"]
                else f"{self.name}'s operations call this package's engine ({info['borrows']})"
            ) + ": this package's own engine, not yours, so the judge would judge itself"
            self.fail(Failure(OWN, detail))
            return []
        if not self.made(info):
            return []
        for name in info["defines"]:  # an operation that fails here is judged on its own
            found = self.learner.call("calls", name)
            self.calls[name] = found.value if found.ok else []
        # the operations that call no other first (mul first: the others' checks use it)
        ops = sorted(
            (n for n in LEARNER_OPS if n in info["defines"]),
            key=lambda n: (n != FIRST, len(self.calls.get(n, ()))),
        )
        skipped = [n for n in LEARNER_OPS if n not in ops]
        if not ops or not info["has_backward"]:
            what = "no backward() method" if ops else "none of the operations the judge knows"
            self.fail(Failure(NOTHING, f"nothing was judged: {self.name} has {what}"))
            return skipped
        if self.did_nothing(ops, info):
            return skipped
        # The operations whose methods call no other operator first, then the ones built on
        # them (``__sub__`` as ``self + (-other)``), so that a mistake is charged where it is.
        base = [n for n in ops if not self.calls.get(n)]
        built = [n for n in ops if n not in base]
        ok = self.reused_alone(self.alone(base))
        ok, broken = self.probes(ok)
        ok = self.in_graphs(base, ok, broken)
        self.broken = broken  # built operations' graphs have several nodes: it spoils them too
        ok += self.in_graphs(built, self.reused_alone(self.alone(built)), broken, ok)
        self.reflected([n for n, r in REFLECTED_OPS.items() if r.needs in ops], ok, broken)
        self.depth(ops)
        self.random(ok, broken)
        return skipped

    def made(self, info: dict[str, Any]) -> bool:
        data, grad = info["data"], info["grad"]
        if info["grad_kind"] == "None":
            self.torch_style = True
            self.notes.append(
                "V(1.5).grad starts as None (PyTorch's convention; micrograd's is 0.0): a "
                "gradient still None after backward() is read as 0"
            )
            grad = 0.0
        for kind, what in ((info["data_kind"], ".data"), (info["grad_kind"], ".grad")):
            if kind == "a 0-d NumPy array":
                self.notes.append(f"{what} holds a 0-d NumPy array: read as a float with .item()")
        if data == 1.5 and grad == 0.0:
            return True
        if data is not None and grad is not None:
            why = f"V(1.5).data, V(1.5).grad gave {fmt(data)} and {fmt(grad)}, expected 1.5 and 0"
        else:
            why = (
                f"V(1.5).data is {info['data_kind'] or 'a number'} and V(1.5).grad is "
                f"{info['grad_kind'] or 'a number'}: the judge needs numbers"
            )
        self.fail(Failure(ERROR, f"cannot make a Value: {why}"))
        return False

    def did_nothing(self, ops: Sequence[str], info: dict[str, Any]) -> bool:
        """A backward() that gives no input any gradient, on every operation tried: nothing
        else can be judged. The root's own grad says whether it was set at all."""
        tried: list[tuple[Spec, float | None]] = []
        for name in ops[:3]:
            spec = telling(LEARNER_OPS[name])
            if spec is None:
                return False
            out = self.learner.call("run", spec.to_json(), False)
            if not out.ok:
                return False
            grads = read_grads(out.value, self.torch_style)
            if any(g != 0.0 for g in grads[:-1]):  # a non-number is judged as such later
                return False
            tried.append((spec, grads[-1]))
        spec, root = tried[0]
        detail = nothing_done(spec, root, info["backward_hidden"])
        f = self.fail(Failure(NO_OP, detail, spec))
        self.blocked.append(("every operation's derivatives, and everything built on them", f))
        return True

    # -- 2. each operation alone -------------------------------------------------------------

    def alone(self, ops: Sequence[str]) -> list[str]:
        ok = []
        for name in ops:
            f = self.local(LEARNER_OPS[name])
            if f is None:
                ok.append(name)
            elif not self.blocked_by_call(name, LEARNER_OPS[name].text, f.kind):
                self.fail(f, name)
        return ok

    def local(self, op: LearnerOp) -> Failure | None:
        """``op`` alone at a few points; a wrong gradient is named as its local derivative."""
        for point in points(op):
            spec = alone(op, point)
            f, _ = self.compare(spec, op if op.kink is not None else None)
            if f is None:
                continue
            if f.kind == WRONG:
                f.kind = LOCAL
                f.detail = phrase(
                    "local", op=op.name, expr=op.text, leaf=f.leaf, at=at(spec),
                    want=fmt(f.want), got=fmt(f.got),
                )  # fmt: skip
            elif f.kind == ERROR and op.method == "__pow__" and not whole_power(op):
                f.detail = f"{op.text}: {f.detail} (does your __pow__ take only whole exponents?)"
            else:
                f.detail = f"{op.text}: {f.detail}"
            return f
        return None

    def reused_alone(self, ok: Sequence[str]) -> list[str]:
        """``a * a``: one level, so no order or visited set can spoil it; the binary operations
        that add their gradients up are the ones the probes build with."""
        right = []
        for name in ok:
            op = LEARNER_OPS[name]
            f = self.explain(reuse_specs(op, ok)[0], name) if op.arity == 2 else None
            if f is None or f.kind == NOT_RESET:
                right.append(name)
            elif not self.blocked_by_call(name, phrase("used_twice", op=op.text), f.kind):
                self.fail(f, name)
        return right

    # -- 3. engine-wide probes ---------------------------------------------------------------

    def probes(self, ok: Sequence[str]) -> tuple[list[str], Failure | None]:
        """The order, the visited set, equality by value, on graphs of operations right alone.
        A probe spoiled by one operation's own mistake names it and is tried again without it."""
        ok = list(ok)
        for probe in PROBES:
            while (made := probe(ok)) is not None:
                spec, mistakes = made
                f, grads = self.compare(spec)
                if f is None or f.kind != WRONG:
                    break
                ops = sorted(spec.ops())
                found = self.explained(spec, grads, f, mistakes)
                if found is not None:
                    return ok, self.fail(found)
                for name in ops:
                    own = self.explained(spec, grads, f, per_op(spec, name))
                    if own is not None:
                        self.fail(own, name)
                        ok.remove(name)
                        break
                else:
                    detail = (
                        f"each operation is right alone, yet in this graph {f.detail} (no classic "
                        "mistake explains it: compare your backward() with a reverse "
                        "topological sweep)"
                    )
                    return ok, self.fail(Failure(CHAIN, detail, spec, f.leaf, f.want, f.got))
        return ok, None

    def explained(
        self, spec: Spec, grads: list[float | None], f: Failure, mistakes: Sequence[Explanation]
    ) -> Failure | None:
        for e in mistakes:
            if matches(grads, sweep(spec, e.mistake), len(spec.leaves)):
                detail = phrase("explained", why=e.detail, detail=f.detail)
                return Failure(e.kind, detail, spec, f.leaf, f.want, f.got)
        return None

    # -- 4. each operation inside a larger graph ---------------------------------------------

    def in_graphs(
        self,
        ops: Sequence[str],
        ok: Sequence[str],
        broken: Failure | None,
        below: Sequence[str] = (),
    ) -> list[str]:
        """Each operation of ``ops`` right alone (in ``ok``) inside larger graphs built with it
        and the operations ``below`` found right before it."""
        right: list[str] = []
        for name in ops:
            if name in ok and self.blocked_by_call(name, phrase("larger_graphs", op=name)):
                continue
            if name not in ok:
                own = self.of(name)
                if own is not None:
                    self.blocked.append((phrase("larger_graphs", op=name), own))
                continue
            if broken is not None:
                self.blocked.append((phrase("upstream_and_add", op=name), broken))
                continue
            if self.right_in_graphs(LEARNER_OPS[name], [*below, *ok]):
                right.append(name)
                self.passed.append(name)
        return right

    def right_in_graphs(self, op: LearnerOp, ok: Sequence[str]) -> bool:
        """out.grad multiplied in, and (for a unary operation) ``+=``, each checked on a
        graph of ``op`` and operations right alone; a check with nothing to build on is listed
        as not checked."""
        checked = True
        reuse: list[Spec | None] = [*reuse_specs(op, ok)[op.arity - 1 :]]  # a * a: checked alone
        checks = [(upstream_spec(op, ok), "out.grad multiplied in")]
        checks += [(s, "+=") for s in reuse or [None]]
        for spec, what in checks:
            if spec is None:
                blame = next((f for n in JOINS if (f := self.of(n))), None)
                self.blocked.append(
                    (f"{op.name}: {what} (nothing right to build a graph with)", blame)
                )
                checked = False
                continue
            f = self.explain(spec, op.name)
            if f is not None and f.kind == NOT_RESET:
                self.not_reset(f, op.name)
            elif f is not None:
                if not self.blocked_by_call(op.name, phrase("larger_graphs", op=op.name), f.kind):
                    self.fail(f, op.name)
                return False
        return checked

    def explain(self, spec: Spec, op: str) -> Failure | None:
        """Compare (twice), and name a wrong gradient by the mistake of ``op`` that gives it."""
        f, grads = self.compare(spec, twice=True)
        if f is None or f.kind != WRONG:
            return f
        found = self.explained(spec, grads, f, per_op(spec, op))
        if found is not None:
            return found
        f.detail = phrase("in_a_larger_graph", op=op, detail=f.detail)
        return f

    def not_reset(self, f: Failure, op: str) -> None:
        """One problem for every graph a second backward() spoils, naming their operations."""
        seen = next((g for g in self.failures if g.kind == NOT_RESET), None)
        if seen is None:
            self.fail(f)
            f.detail += "; seen on graphs with: " + (op or "random operations")
        elif op and not seen.detail.endswith((f": {op}", f", {op}")):
            seen.detail += f", {op}"

    def reflected(self, names: Sequence[str], ok: Sequence[str], broken: Failure | None) -> None:
        """Numbers on the left (or right): defined, right alone, right inside a graph; when
        wrong because the operation it calls is wrong, not charged twice."""
        for name in names:
            op = REFLECTED_OPS[name]
            larger = phrase("larger_graphs", op=op.text)
            spec = Spec((0.7, 1.1) if op.arity == 2 else (0.7,), ((name, tuple(range(op.arity))),))
            f, grads = self.compare(spec)
            data = self.last_data
            if (
                f is not None
                and f.kind == ERROR
                and ("TypeError" in f.detail or "Attr" in f.detail)
            ):
                f = missing(op, f)
                if not self.blocked_by_call(name, op.text, f.kind):
                    self.fail(f, name)
                continue
            if f is not None and broken is not None:  # sum([a, b]) is two nodes, 2 / a often
                self.blocked.append((op.text, broken))
                continue
            if f is not None and self.blocked_by_call(name, op.text, f.kind):
                continue
            if f is not None:
                mirrored = self.delegates(op, grads, data)
                if mirrored is not None:
                    said = phrase("calls", what=op.text, method=op.method, needs=op.needs)
                    self.blocked.append((said, mirrored))
                    continue
                f.kind = REFLECTED_WRONG if f.kind in (WRONG, FORWARD) else f.kind
                f.detail = f"{op.text} ({op.method}): {f.detail}"
                if "RecursionError" in f.error:  # return other + self: asks __radd__ again
                    f.detail += f"; does {op.method} call itself, through a number on the left?"
                self.fail(f, name)
                continue
            if broken is not None:
                self.blocked.append((larger, broken))
                continue
            other = next((n for n in JOINS[:2] if n in ok), None)
            if other is None and op.arity == 1:
                blame = self.of(op.needs) or next((f for n in JOINS[:2] if (f := self.of(n))), None)
                self.blocked.append((phrase("larger_graphs_alone", op=op.text), blame))
                continue
            if other is not None and op.arity == 1:
                outer = (other, (1, 0))
                g = self.explain(Spec(spec.leaves, ((name, (0,)), outer)), name)
                mirrored = self.delegates(op, self.last, self.last_data, outer) if g else None
                if mirrored is not None:
                    said = phrase("calls", what=larger, method=op.method, needs=op.needs)
                    self.blocked.append((said, mirrored))
                    continue
                if g is not None and g.kind == NOT_RESET:
                    self.not_reset(g, op.text)
                elif g is not None and self.blocked_by_call(name, larger):
                    continue
                elif g is not None:
                    g.kind = g.kind if g.kind in (ASSIGNED, UPSTREAM) else REFLECTED_WRONG
                    g.detail = f"{op.text} ({op.method}): {g.detail}"
                    self.fail(g, name)
                    continue
            self.passed.append(op.text)
        self.merge(missing_together(self.failures))  # numbers on the left: one problem

    def delegates(
        self,
        op: LearnerOp,
        grads: Sequence[float | None],
        data: Sequence[float | None],
        outer: tuple[str, tuple[int, int]] | None = None,
    ) -> Failure | None:
        """The mirrored operation's problem, when the learner's reflected operator gives what
        that operation gives with the number made a Value (it calls it), alone or followed by
        ``outer`` (which uses the result and leaf ``a``)."""
        mirrored = self.of(op.needs)
        if mirrored is None or op.twin is None or not grads:
            return None
        constant, name, args = op.twin
        steps: tuple[tuple[str, tuple[int, ...]], ...] = ((name, args),)
        if outer is not None:
            steps += ((outer[0], (2, 0)),)
        _, same = self.compare(Spec((0.7, constant), steps))
        pairs = [(same[:1], grads[:1]), (self.last_data[-1:], data[-1:])]
        alike = all(
            a and b and a[0] is not None and b[0] is not None and close(a[0], b[0])
            for a, b in pairs
        )
        return mirrored if alike else None

    # -- 5. depth ----------------------------------------------------------------------------

    def depth(self, ops: Sequence[str]) -> None:
        """A recursive sort grows the stack by a frame or more per node: measured on chains of
        100 and 200 nodes, so the learner's own recursion limit changes nothing."""
        op = next((n for n in JOINS if n in ops), ops[0])
        small, big = (self.learner.call("depth", op, n) for n in (100, 200))
        if small.ok and big.ok:
            per_node = (big.value["frames"] - small.value["frames"]) / 100
            if per_node >= 0.5:
                fits = int((DEFAULT_LIMIT - small.value["frames"]) / per_node + 100)
                top = big.value["top"] or "backward"
                key = "recursion_one" if per_node == 1 else "recursion"
                detail = phrase(
                    key, top=top, per_node=f"{per_node:g}", limit=DEFAULT_LIMIT, fits=fits
                )
                self.fail(Failure(RECURSION, detail, Spec((1.0,), ((op, (0, 0)), (op, (1, 0))))))
                return
        n = 3 * DEFAULT_LIMIT
        out = self.learner.call("long_chain", op, n, limit=max(5.0, self.learner.time_limit))
        if out.ok:
            self.passed.append(phrase("chain", n=n))
        else:
            self.fail(
                Failure(kind_of(out.error, out.hung), f"on a chain of {n} nodes: {out.error}")
            )

    # -- 6. random graphs --------------------------------------------------------------------

    def random(self, ok: Sequence[str], broken: Failure | None) -> None:
        if broken is not None:
            self.blocked.append((phrase("random"), broken))
            return
        if not ok or self.examples <= 0 or any(f.kind == HANG for f in self.failures):
            return
        from .learner_graphs import search

        ok = [n for n in ok if self.blocker(n) is None]
        twice = not any(f.kind == NOT_RESET for f in self.failures)  # else it hides the rest
        f = search(lambda spec: self.compare(spec, twice=twice)[0], sorted(ok), *self.graphs)
        left_out = [n for n in LEARNER_OPS if self.of(n) is not None or self.blocker(n)]
        if f is None:
            key = "random_graphs_without" if left_out else "random_graphs"
            self.passed.append(phrase(key, n=self.examples, ops=", ".join(left_out)))
        elif f.kind == NOT_RESET:
            self.not_reset(f, "")
        else:
            self.fail(f)
