"""Marking a learner's answers, and saying where the reasoning went wrong, as a teacher would.

A wrong gradient is judged against the learner's own answers for the node's consumers (the
upstream gradients): when the chain rule applied to those gives the learner's answer, the step
here was right and the mistake was *carried from above*; otherwise this step is wrong, and the
diagnosis says which local derivative or which missing share (a node used twice) it was, with
the correct arithmetic of that step only. Forward values are judged the same way, from the
learner's own values of the node's inputs. Where the learner skipped the answers in between,
the upstream numbers are worked out from the nearest answers given.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from functools import partial

from ..core.value import Value
from ..notation import derivative_rule, expression, fmt, fmt_product
from ..ops import FLOAT_NAMESPACE, TABLE, Primitive
from .catalogue import MISTAKES, Site
from .problem import Problem
from .report import Diagnosis, Mark, Report

__all__ = ["diagnose", "hint_ladder"]


class Learner:
    """The learner's answers and what follows from them, node by node.

    ``value[v]``: the learner's value of ``v`` (answered, else recomputed from the learner's
    values of its inputs); ``own[v]``: the value recomputed from the learner's inputs.
    ``upstream[v]``: the learner's gradient of ``v`` (answered, else the chain rule over the
    learner's upstream numbers); ``chain[v]``: the chain rule over the learner's upstream.

    >>> from autograd.exercises import Exercise
    >>> ex = Exercise.from_expression("x * 2 + 1", x=3.0)
    >>> learner = Learner(ex, {"n1": 5.0})  # a slip: 3 × 2 is 6
    >>> learner.own[ex.root], learner.value[ex.root]  # n2 from the learner's n1
    (6.0, 6.0)
    """

    def __init__(self, ex: Problem, answers: dict[str, float]) -> None:
        self.ex = ex
        self.values: dict[Value, float] = {}
        self.grads: dict[Value, float] = {}
        for label, x in answers.items():
            node, is_grad = ex.parse_label(label)
            (self.grads if is_grad else self.values)[node] = x
        self.value: dict[Value, float] = {}
        self.own: dict[Value, float] = {}
        for v in ex.order:
            if v.is_leaf:
                self.value[v] = v.data
                continue
            self.own[v] = ex.recompute(v, [self.value[c] for c in v.inputs])
            self.value[v] = self.values.get(v, self.own[v])
        self.upstream: dict[Value, float] = {}
        self.chain: dict[Value, float] = {}
        for v in reversed(ex.order):
            if v is ex.root:
                self.chain[v] = 1.0
            else:
                self.chain[v] = sum(self.upstream[c] * ex.local(c, i) for c, i in ex.uses[v])
            self.upstream[v] = self.grads.get(v, self.chain[v])

    def grad_sources(self, v: Value) -> list[Value]:
        """The nearest answered gradients above ``v`` that are wrong (through unanswered ones).

        >>> from autograd.exercises import Exercise
        >>> ex = Exercise.from_expression("x * 2 + 1", x=3.0)
        >>> [ex.name(v) for v in Learner(ex, {"n2.grad": 3.0}).grad_sources(ex.nodes["x"])]
        ['n2']
        """
        found: dict[Value, None] = {}
        stack = [c for c, _ in self.ex.uses[v]]
        seen: set[Value] = set()
        while stack:
            c = stack.pop()
            if c in seen:
                continue
            seen.add(c)
            if c in self.grads:
                if not self.right_grad(c):
                    found[c] = None
            else:
                stack += [u for u, _ in self.ex.uses[c]]
        return list(found)

    def value_sources(self, v: Value) -> list[Value]:
        """The nearest answered values below ``v`` (its inputs' side) that are wrong.

        >>> from autograd.exercises import Exercise
        >>> ex = Exercise.from_expression("x * 2 + 1", x=3.0)
        >>> [ex.name(v) for v in Learner(ex, {"n1": 5.0}).value_sources(ex.root)]
        ['n1']
        """
        found: dict[Value, None] = {}
        stack = list(v.inputs)
        seen: set[Value] = set()
        while stack:
            c = stack.pop()
            if c in seen or c.is_leaf:
                continue
            seen.add(c)
            if c in self.values:
                if not self.right_value(c):
                    found[c] = None
            else:
                stack += list(c.inputs)
        return list(found)

    def right_grad(self, v: Value) -> bool:
        return self.ex.close(self.grads[v], self.ex.grads.get(v, 0.0))

    def right_value(self, v: Value) -> bool:
        return self.ex.close(self.values[v], v.data)


def diagnose(ex: Problem, answers: dict[str, float]) -> Report:
    """Mark every answer and diagnose the wrong ones (see the module's description).

    >>> from autograd.exercises import Exercise
    >>> diagnose(Exercise.from_expression("x + 1", x=3.0), {"n1": 4.0}).score
    (1, 1)
    """
    learner = Learner(ex, answers)
    marks = []
    for label in sorted(answers, key=_question_order(ex)):
        node, is_grad = ex.parse_label(label)
        answer, exact = answers[label], ex.exact(label)
        right = ex.close(answer, exact)
        why = None
        if not right:
            why = grad_diagnosis(learner, node) if is_grad else value_diagnosis(learner, node)
        marks.append(Mark(label, answer, exact, right, why))
    return Report(marks, ex.tolerance, ex.title)


def _question_order(ex: Problem) -> Callable[[str], int]:
    order = {q: k for k, q in enumerate(ex.questions())}
    return lambda label: order.get(label, len(order))


# -- gradients -----------------------------------------------------------------------------------


def _upstream_text(learner: Learner, c: Value) -> str:
    ex = learner.ex
    name, u = ex.name(c), learner.upstream[c]
    if c in learner.grads:
        if learner.right_grad(c):
            return f"your {name}.grad = {fmt(u)}"
        return f"your {name}.grad = {fmt(u)} (itself off: exactly {fmt(ex.grads[c])})"
    if c is ex.root:
        return f"{name}.grad = 1 (the output)"
    return f"{name}.grad = {fmt(u)} (not answered: worked out from your other answers)"


def step_arithmetic(learner: Learner, v: Value) -> list[str]:
    """The step that makes ``v``'s gradient, from the learner's upstream numbers: each use's
    local derivative and share, and the total.

    >>> from autograd.exercises import Exercise
    >>> ex = Exercise.from_expression("x * 2", x=3.0)
    >>> step_arithmetic(Learner(ex, {}), ex.nodes["x"])[2]
    '  upstream 1 × local 2 = 2; x.grad = 2'
    """
    ex = learner.ex
    uses = ex.uses[v]
    consumers = list(dict.fromkeys(c for c, _ in uses))
    lines = ["The step, from " + ", ".join(_upstream_text(learner, c) for c in consumers) + ":"]
    total: float | None = None
    name = ex.name(v)
    for c, i in uses:
        u, local = learner.upstream[c], ex.local(c, i)
        share = u * local
        new = share if total is None else total + share
        running = (
            f"{name}.grad = {fmt(new)}"
            if total is None
            else f"{name}.grad: {fmt(total)} -> {fmt(new)} (adds up)"
        )
        lines.append(f"  local {ex.local_text(c, i)}")
        su, sl, ss = fmt_product(u, local, share)
        lines.append(f"  upstream {su} × local {sl} = {ss}; {running}")
        total = new
    return lines


def grad_diagnosis(learner: Learner, v: Value) -> Diagnosis:
    """Why ``v``'s gradient answer is wrong.

    >>> from autograd.exercises import Exercise
    >>> ex = Exercise.from_expression("x * 2", x=3.0)
    >>> grad_diagnosis(Learner(ex, {"x.grad": -2.0}), ex.nodes["x"]).mistake
    'sign'
    """
    ex = learner.ex
    name, answer = ex.name(v), learner.grads[v]
    if v is ex.root:
        return Diagnosis(
            "step",
            "output seed",
            f"The backward pass starts at the output: {name}.grad = d{name}/d{name} = 1.",
        )
    chain = learner.chain[v]
    if ex.close(answer, chain):
        sources = [f"{ex.name(c)}.grad" for c in learner.grad_sources(v)]
        text = (
            f"Carried from above: from your upstream numbers the chain rule gives {fmt(chain)}, "
            f"so this step is right; the numbers it started from are not. "
            f"Fix {', '.join(sources) or 'the gradients above'} first."
        )
        return Diagnosis("carried", "carried from above", text, tuple(sources))
    mistake, why = _classify_grad(learner, v, answer)
    gaps = [c for c, _ in ex.uses[v] if c not in learner.grads and c is not ex.root]
    if gaps:
        skipped = ", ".join(dict.fromkeys(f"{ex.name(c)}.grad" for c in gaps))
        head = (
            f"A step between {name} and the gradients you gave above it is wrong (you did not "
            f"give {skipped}, so this takes in the steps through them): {why}"
        )
    else:
        head = f"This step is wrong: {why}"
    return Diagnosis("step", mistake, head + "\n" + "\n".join(step_arithmetic(learner, v)))


def _classify_grad(learner: Learner, v: Value, answer: float) -> tuple[str, str]:
    """(mistake, sentence) for a wrong step into ``v``'s gradient."""
    ex = learner.ex
    uses = ex.uses[v]
    shares = [learner.upstream[c] * ex.local(c, i) for c, i in uses]
    total = sum(shares)
    name = ex.name(v)
    if 2 <= len(uses) <= 8:
        for k in range(1, len(uses)):
            for kept in itertools.combinations(range(len(uses)), k):
                if ex.close(answer, sum(shares[j] for j in kept)):
                    missing = [j for j in range(len(uses)) if j not in kept]
                    via = ", ".join(
                        f"the share through {ex.name(uses[j][0])} ({fmt(shares[j])})"
                        for j in missing
                    )
                    return (
                        "missing share",
                        f"{name} is used {len(uses)} times, and a gradient adds up one share "
                        f"per use; your answer leaves out {via}.",
                    )
    at_yours = _locals_at_learner_values(learner, v)
    if at_yours is not None:
        mine = sum(learner.upstream[c] * d for (c, _), d in zip(uses, at_yours, strict=True))
        if ex.close(answer, mine):
            which = ", ".join(dict.fromkeys(ex.name(c) for c, _ in uses))
            return (
                "forward values",
                f"the rule is right, but it was evaluated at your forward values around "
                f"{which}, which are off (see the values marked wrong).",
            )
    if total and ex.close(answer, -total):
        return "sign", "the sign is wrong (the size is right)."
    for k, (c, i) in enumerate(uses):
        u = learner.upstream[c]
        if u == 0:
            continue
        implied = (answer - (total - shares[k])) / u
        for guess, sentence in typical_locals(ex, c, i):
            if ex.close(implied, guess) and not ex.close(guess, ex.local(c, i)):
                return "local derivative", sentence
    bare = sum(ex.local(c, i) for c, i in uses)
    if any(not ex.close(learner.upstream[c], 1.0) for c, _ in uses) and ex.close(answer, bare):
        return (
            "upstream left out",
            "the local derivative is right, but the upstream gradient was not multiplied in.",
        )
    if len(uses) == 1:
        (c, i), u = uses[0], learner.upstream[uses[0][0]]
        means = f" (your answer means {fmt(answer / u)})" if u else ""
        return "local derivative", f"the local derivative {ex.local_text(c, i)}{means}."
    return "shares", f"the shares of its {len(uses)} uses add up to {fmt(total)}."


def _locals_at_learner_values(learner: Learner, v: Value) -> list[float] | None:
    """The local derivatives of ``v``'s uses evaluated at the learner's forward values, or None
    when the learner's values around them are the exact ones."""
    ex = learner.ex
    out, differs = [], False
    for c, i in ex.uses[v]:
        inputs = [learner.value[x] for x in c.inputs]
        here = [*inputs, learner.value[c]]
        exact = [*(x.data for x in c.inputs), c.data]
        differs |= any(not ex.close(a, b) for a, b in zip(here, exact, strict=True))
        locals_ = ex.locals_at(c, inputs)
        local = locals_[i]
        if c in learner.values and derivative_rule(c, i, {n: "_" for n in (*c.inputs, c)}):
            # a rule over the output (tanh, sigmoid, exp) uses the learner's own output value
            local = _local_with_output(ex, c, i, inputs, learner.value[c], local)
        out.append(local)
    return out if differs else None


def _local_with_output(
    ex: Problem, c: Value, i: int, inputs: list[float], out: float, default: float
) -> float:
    p = c.operation.row if c.operation is not None else None
    rule = p.derivatives[i] if p is not None else None
    if p is None or not isinstance(rule, str) or "out" not in rule:
        return default
    scope = dict(zip(p.inputs, inputs, strict=True)) | {"out": out}
    scope |= dict(zip(p.params, c.params, strict=True))
    try:
        return float(eval(rule, dict(FLOAT_NAMESPACE), scope))  # the table's own rule text
    except (ArithmeticError, ValueError):
        return default


def typical_locals(ex: Problem, c: Value, i: int) -> list[tuple[float, str]]:
    """Wrong local derivatives learners often use for input ``i`` of ``c``, each with what it
    says about the mistake, evaluated at the exact values.

    >>> from autograd.exercises import Exercise
    >>> ex = Exercise.from_expression("x * w", x=2.0, w=-3.0)
    >>> typical_locals(ex, ex.root, 0)[0]
    (2.0, 'you used x, its own value, where the rule needs the other factor w.')
    """
    right = ex.local(c, i)
    found: list[tuple[float, str]] = []

    def add(value: Callable[[], float], sentence: Callable[[], str]) -> None:
        # A candidate may be arithmetic that fails at these numbers (0 ** -0.5, 1 / 1e-400):
        # then it is no candidate. Computed here, so a failure never ends the diagnosis.
        try:
            v = value()
        except (ArithmeticError, ValueError):
            return
        if math.isfinite(v):
            found.append((v, sentence()))

    site = Site.of(ex, c, i)
    row = c.operation.row if c.operation is not None else None
    for m in MISTAKES.get(row, ()) if row is not None else ():
        if m.inputs is None or i in m.inputs:
            add(partial(m.value, site), partial(m.says, site))
    if right != 1:
        add(
            lambda: 1.0,
            lambda: "the local derivative was left out: the upstream gradient passed on as it is.",
        )
    if right:
        add(
            lambda: -right,
            lambda: f"the sign of the local derivative is wrong: {ex.local_text(c, i)}.",
        )
    return found


# -- forward values --------------------------------------------------------------------------


# The operations written between their operands (+ − × ÷): a slip may swap or confuse them.
_INFIX_ROWS = [p for p in TABLE if p.meta.display.infix and len(p.inputs) == 2]


def value_arithmetic(learner: Learner, v: Value) -> str:
    """``n1 = x × w = 2 × -3 = -6`` with the learner's values of the inputs.

    >>> from autograd.exercises import Exercise
    >>> ex = Exercise.from_expression("x * w", x=2.0, w=-3.0)
    >>> value_arithmetic(Learner(ex, {}), ex.root)
    'n1 = x × w = 2 × -3 = -6'
    """
    ex = learner.ex
    numbers = expression(v, {c: fmt(learner.value[c]) for c in v.inputs})
    return f"{ex.name(v)} = {expression(v, ex.names)} = {numbers} = {fmt(learner.own[v])}"


def value_diagnosis(learner: Learner, v: Value) -> Diagnosis:
    """Why ``v``'s forward value answer is wrong.

    >>> from autograd.exercises import Exercise
    >>> ex = Exercise.from_expression("x - 2", x=3.0)
    >>> value_diagnosis(Learner(ex, {"n1": -1.0}), ex.root).mistake
    'sign'
    """
    ex = learner.ex
    answer, own = learner.values[v], learner.own[v]
    if ex.close(answer, own):
        sources = [ex.name(c) for c in learner.value_sources(v)]
        text = (
            f"Carried from an input: {value_arithmetic(learner, v)} from your values, so this "
            f"step is right; fix {', '.join(sources) or 'the values below'} first."
        )
        return Diagnosis("carried", "carried from an input", text, tuple(sources))
    ins = [learner.value[c] for c in v.inputs]
    mistake, why = "arithmetic", "an arithmetic slip."
    if own and ex.close(answer, -own):
        mistake, why = "sign", "the sign is wrong (the size is right)."
    elif len(ins) == 2 and (row := _infix_row(v)) is not None:
        sym = row.meta.display.infix
        if not row.meta.display.associative and ex.close(answer, ex.recompute(v, ins[::-1])):
            mistake, why = "operand order", f"the operands of {sym} are swapped."
        else:
            for other_row in _INFIX_ROWS:
                other = _apply_binary(other_row, *ins)
                if other_row is not row and other is not None and ex.close(answer, other):
                    mistake = "operation"
                    why = f"that is {other_row.meta.display.infix}, the node computes {sym}."
                    break
    stale = [c for c in v.inputs if not c.is_leaf and not ex.close(learner.value[c], c.data)]
    note = ""
    if stale:
        wrong = ", ".join(dict.fromkeys(ex.name(c) for c in stale))
        note = (
            f"\n(Your {wrong} is off as well; with the exact inputs {ex.name(v)} = {fmt(v.data)}.)"
        )
    text = f"This step is wrong: {why}\nThe step, from your inputs: {value_arithmetic(learner, v)}"
    return Diagnosis("step", mistake, text + note)


def _infix_row(v: Value) -> Primitive | None:
    """The row of ``v``'s operation when it is written between two operands (+ − × ÷)."""
    op = v.operation
    return op.row if op is not None and op.row in _INFIX_ROWS else None


def _apply_binary(p: Primitive, a: float, b: float) -> float | None:
    """The row's forward on two floats (its own rule text), None where it fails."""
    names = dict(zip(p.inputs, (a, b), strict=True))
    try:
        return float(eval(str(p.forward), dict(FLOAT_NAMESPACE), names))  # the table's text
    except (ArithmeticError, ValueError):
        return None


# -- hints -----------------------------------------------------------------------------------


def hint_ladder(ex: Problem, v: Value, is_grad: bool) -> list[str]:
    """The hints for one answer, from the rule to the whole step's arithmetic.

    >>> from autograd.exercises import Exercise
    >>> ex = Exercise.from_expression("x * 2", x=3.0)
    >>> hint_ladder(ex, ex.nodes["x"], True)[1]
    'd(x × 2)/dx = 2.'
    """
    if not is_grad:
        numbers = expression(v, {c: fmt(c.data) for c in v.inputs})
        given = ", ".join(dict.fromkeys(f"{ex.name(c)} = {fmt(c.data)}" for c in v.inputs))
        return [
            f"{ex.name(v)} = {expression(v, ex.names)}: apply it to the values of its inputs.",
            f"the inputs are {given}.",
            f"{ex.name(v)} = {expression(v, ex.names)} = {numbers} = {fmt(v.data)}.",
        ]
    name = ex.name(v)
    if v is ex.root:
        return [
            f"{name} is the output: its gradient is d{name}/d{name}, how the output moves with "
            f"itself.",
            "that is 1 for any output.",
            f"{name}.grad = 1: the backward pass starts here.",
        ]
    uses = ex.uses[v]
    terms, rules = [], []
    for c, i in uses:
        expr = expression(c, ex.names)
        terms.append(f"{ex.name(c)}.grad × d({expr})/d{name}")
        rule = derivative_rule(c, i, ex.names)
        rules.append(f"d({expr})/d{name} = {rule if rule is not None else 'its Python rule'}")
    by = ", ".join(dict.fromkeys(f"{ex.name(c)} = {expression(c, ex.names)}" for c, _ in uses))
    times = "once" if len(uses) == 1 else f"{len(uses)} times, with one share per use"
    first = (
        f"{name} is used {times}, by {by}. The chain rule: {name}.grad = {' + '.join(terms)}, "
        f"and {', '.join(dict.fromkeys(rules))}."
    )
    second = ", ".join(dict.fromkeys(ex.local_text(c, i) for c, i in uses)) + "."
    exact = Learner(ex, {})
    return [first, second, "the step:\n" + "\n".join(step_arithmetic(exact, v)[1:])]
