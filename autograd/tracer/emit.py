"""Writes a traced graph out as one straight-line Python function: forward, then backward.

The text is built only from the operation table's rule texts (``autograd.ops``), from generated
local names and from float literals (``repr`` round-trips exactly). User-defined primitives are
called by reference through the function's namespace, never turned into source.

Every line repeats the eager engine's arithmetic in the eager engine's order: the forward rule of
each node inputs-first, then for each node in reverse order one ``grad += g * (derivative)`` per
input, in input order, with the terms ``rule_text.contribution`` writes for the eager backward.
Where plain float arithmetic raises in the backward part (``1e-200 ** -2``), the caller runs a
second version of the function whose derivative rules are in IEEE arithmetic
(``generate(..., ieee=True)``), as eager backward does node by node. So the compiled results are
the eager ones bit for bit (interior gradients start from their first term rather than
0.0 + it, which can only change the sign of a zero; leaf gradients start from 0.0).
"""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

from ..core.numbers import real
from ..core.op import CONST, Op
from ..core.sweep import Store, backward_pass
from ..core.value import Value
from ..ops import FLOAT_NAMESPACE, IEEE_NAMESPACE, OPS, Primitive
from ..rule_text import contribution, ieee_rule

# The code generator behind autograd.compile; everything else here is its internal machinery.
__all__ = ["Trace", "generate"]


@dataclass
class Trace:
    """One recorded graph, numbered: the nodes, leaves and outputs the generated code names.

    >>> from autograd import Value
    >>> from autograd.core.graph import topological_order
    >>> x = Value(2.0)
    >>> y = x * x
    >>> order = topological_order([y])
    >>> trace = Trace(order, order, [x], [], [y])
    >>> len(trace.order), trace.refs
    (1, {})
    """

    order: list[Value]  # interior nodes, inputs first (every output's)
    backward_order: list[Value]  # the first output's nodes in the order its eager backward uses
    inputs: list[Value]  # leaves standing for the compiled function's arguments
    params: list[Value]  # other non-constant leaves: read at call time, gradients returned
    outputs: list[Value]  # the differentiated output first, then the extra outputs
    refs: dict[Value, str] = field(default_factory=dict)  # node -> local name or literal
    grads: dict[Value, str] = field(default_factory=dict)  # node -> gradient local name


def _literal(x: float, ns: dict[str, object]) -> str:
    """A float as source text that evaluates to exactly that float."""
    if math.isfinite(x):
        text = repr(float(x))
        return f"({text})" if text.startswith("-") else text
    name = f"_c{len(ns)}"  # inf and nan have no literal: keep them in the namespace
    ns[name] = x
    return name


class _Names(ast.NodeTransformer):
    """Replaces the rule's variable names by ``{slot}`` placeholders for ``str.format``."""

    def __init__(self, slots: dict[str, str]) -> None:
        self.slots = slots

    def visit_Name(self, node: ast.Name) -> ast.AST:
        slot = self.slots.get(node.id)
        return ast.Name(id="{" + slot + "}", ctx=node.ctx) if slot else node


def _template(text: str, p: Primitive) -> str:
    slots = {n: f"i{k}" for k, n in enumerate(p.inputs)}
    slots["out"] = "out"
    slots.update({n: f"k{k}" for k, n in enumerate(p.params)})
    return ast.unparse(_Names(slots).visit(ast.parse(text.strip(), mode="eval")))


_SLOT = re.compile(r"__slot_(\w+?)__")


def _term_template(rule: str, p: Primitive) -> str:
    """The term ``g × rule`` as a format template, masked (``contribution``) while the rule's
    names are still names: a parameter's value goes in later, and a parameter that is 0 is a
    factor, not a mask (leaky_relu(x, 0.0) times an infinite upstream is nan, as in eager)."""
    named = _template(rule, p).replace("{", "__slot_").replace("}", "__")
    return _SLOT.sub(r"{\1}", contribution(named, "__slot_g__"))


def _power(base: str, k: float, rule: str) -> str | None:
    """``powf(x, k)`` / ``pow_grad(x, k)`` as a plain ``x ** k`` where that is the same float.

    Both helpers only add checks for a negative base to a fractional power, and (pow_grad) a
    pole at 0 for k < 0, so an integral k (non-negative for pow_grad) needs no call at all.
    """
    if math.isfinite(k) and k == int(k) and (rule == "powf" or k >= 0):
        return f"{base} ** {_literal(k, {})}"
    return None


CHUNK = 100  # terms per gradient statement
# The row whose constant exponent is written as a plain ``x ** k`` where that is the same float
# (compared by identity: a user primitive is never taken for it, whatever its name).
POW = OPS["pow"]


class Emitter:
    """Turns each node of a Trace into forward and backward lines."""

    def __init__(self, trace: Trace, ieee: bool = False) -> None:
        self.trace = trace
        self.ieee = ieee  # derivative rules in IEEE arithmetic (never raise)
        self.ns: dict[str, object] = {**FLOAT_NAMESPACE, **IEEE_NAMESPACE}
        self.ns["real"] = real
        self._templates: dict[int, tuple[str, list[str]]] = {}
        self._callables: dict[int, str] = {}
        self.pending: dict[Value, list[tuple[str, str]]] = {}

    def ref(self, v: Value) -> str:
        r = self.trace.refs.get(v)
        if r is None:  # a constant leaf: its value as a literal
            r = _literal(v.data, self.ns)
            self.trace.refs[v] = r
        return r

    def _callable(self, fn: object, stem: str) -> str:
        name = self._callables.get(id(fn))
        if name is None:
            name = f"_{stem}{len(self._callables)}"
            self._callables[id(fn)] = name
            self.ns[name] = fn
        return name

    def _rules(self, p: Primitive) -> tuple[str, list[str]]:
        """(forward, [derivative per input]) as format templates, or call templates."""
        got = self._templates.get(id(p))
        if got is None:
            args = ", ".join("{i" + str(k) + "}" for k in range(len(p.inputs)))
            if isinstance(p.forward, str):
                fwd = _template(p.forward, p)
            else:
                shown = repr(p.name).replace("{", "{{").replace("}", "}}")  # a format template
                fwd = f"real({self._callable(p.forward, 'f')}({args}), {shown})"
            # Each rule becomes its term (``contribution``) before a parameter's value is put
            # in: the eager engine masks a zero written in the rule (relu's ``0.0 if ...``),
            # never a parameter that happens to be 0 (leaky_relu(x, 0.0)'s slope: inf * 0.0 is
            # nan there, so it is here).
            ders = [
                _term_template(ieee_rule(d) if self.ieee else d, p)
                if isinstance(d, str)
                else "{g} * (" + f"{self._callable(d, 'd')}({args})" + ")"
                for d in p.derivatives
            ]
            got = self._templates[id(p)] = (fwd, ders)
        return got

    def _slots(self, node: Value) -> dict[str, str]:
        slots = {f"i{k}": self.ref(v) for k, v in enumerate(node.inputs)}
        slots["out"] = self.trace.refs[node]
        slots.update({f"k{k}": _literal(x, self.ns) for k, x in enumerate(_op(node).params)})
        return slots

    def forward(self, node: Value) -> str:
        op = _op(node)
        out = self.trace.refs[node]
        if op.weighted_sum:
            n = len(node.inputs) >> 1
            ins = [self.ref(v) for v in node.inputs]
            terms = [f"{w} * {x}" for w, x in zip(ins[:n], ins[n:-1], strict=True)]
            return f"{out} = " + " + ".join([ins[-1], *terms])
        p = op.primitive
        if p is None:
            raise TypeError(f"compile: operation {op.name!r} has no rule to compile")
        if p is POW:
            fast = _power(self.ref(node.inputs[0]), op.params[0], "powf")
            if fast:
                return f"{out} = {fast}  # pow"
        fwd, _ = self._rules(p)
        return f"{out} = {fwd.format(**self._slots(node))}  # {comment(p.name)}"

    def terms(self, node: Value, g: str) -> list[tuple[str, str]]:
        """What ``node`` passes to each input, as source text: (sign, term) per input."""
        op = _op(node)
        if op.weighted_sum:
            n = len(node.inputs) >> 1
            prev = node.inputs
            ws = [("+", f"{g} * {self.ref(x)}") for x in prev[n:-1]]
            xs = [("+", f"{g} * {self.ref(w)}") for w in prev[:n]]
            return [*ws, *xs, ("+", g)]
        p = op.primitive
        assert p is not None  # forward() already refused an operation with no rule
        _, ders = self._rules(p)
        slots = self._slots(node)
        found = []
        for k, d in enumerate(ders):
            term = d.format(**slots, g=g).strip()
            if p is POW and k == 0 and not self.ieee:
                fast = _power(slots["i0"], op.params[0] - 1, "pow_grad")
                if fast and op.params[0] != 0:  # dpow(x, k) is k * x ** (k - 1) then
                    term = contribution(f"{slots['k0']} * {fast}", g)
            if term == f"-{g}":
                found.append(("-", g))
            else:
                found.append(("+", term if term == g or " if " not in term else f"({term})"))
        return found

    def add(self, child: Value, term: str, sign: str = "+") -> None:
        """Queue ``grad(child) += term``; constants need no gradient."""
        if child in self.trace.grads:
            self.pending.setdefault(child, []).append((sign, term))

    def flush(self, v: Value, leaf: bool = False) -> list[str]:
        """``g = t1 + t2 - t3 ...``: a gradient's contributions as one left-to-right sum.

        Adding left to right in one expression is the same float arithmetic, in the same order,
        as the eager engine's ``grad += t`` one contribution at a time, but it is one statement
        instead of many, which is what makes compiling a large graph fast.
        """
        g = self.trace.grads[v]
        terms = self.pending.pop(v, None)
        if not terms:
            return [f"{g} = 0.0"]
        lines = []
        for start in range(0, len(terms), CHUNK):  # a bounded depth for the compiler
            chunk = terms[start : start + CHUNK]
            head = [g] if start else []
            text = " ".join(f"{sign} {t}" for sign, t in chunk)
            if not head and leaf:  # a leaf's .grad starts at 0.0: 0.0 + -0.0 is 0.0
                text = "0.0 " + text
            elif not head:
                text = text[2:] if text[0] == "+" else "-" + text[2:]
            lines.append(f"{g} = {' '.join([*head, text])}" if head else f"{g} = {text}")
        return lines


class _Source(Store):
    """The reverse sweep's store for compile: a node's turn writes its gradient's line, a term
    queues ``(sign, text)`` for its input's sum (see ``Emitter.flush``)."""

    numeric = False

    def __init__(self, em: Emitter, lines: list[str]) -> None:
        self.em = em
        self.lines = lines

    def get(self, node: Any) -> Any:
        name = self.em.trace.grads.get(node)
        if name is not None and node._a is not None:  # its turn: its gradient is complete
            self.lines.append(f"# {comment(_op(node).name)} -> {self.em.trace.refs[node]}")
            self.lines += self.em.flush(node)
        return name

    def set(self, node: Any, g: Any) -> None:
        sign, term = g
        self.em.add(node, term, sign)

    def terms(self, op: Op, node: Any, g: Any) -> Sequence[Any]:
        return self.em.terms(node, g)

    def before(self, node: Any) -> Any:
        return None  # each term is queued as it is; the flush writes the sum


def comment(text: str) -> str:
    """User text (an operation's name) as it may appear in a comment: one line, never code.

    >>> print(comment("mul"), comment("evil" + chr(10) + "import os"))
    mul 'evil\\nimport os'
    """
    return text if text.isidentifier() else repr(text)


def number(trace: Trace) -> None:
    """Give every input, parameter and interior node its local names (value and gradient)."""
    trace.refs.clear()  # constants are named again by each generation (see Emitter.ref)
    trace.grads.clear()
    for i, v in enumerate(trace.inputs):
        trace.refs[v], trace.grads[v] = f"x{i}", f"gx{i}"
    for i, v in enumerate(trace.params):
        trace.refs[v], trace.grads[v] = f"p{i}", f"gp{i}"
    for i, v in enumerate(trace.order):
        trace.refs[v], trace.grads[v] = f"v{i}", f"g{i}"


def generate(
    trace: Trace, name: str = "forward_backward", ieee: bool = False
) -> tuple[str, dict[str, object]]:
    """The source of ``name(x0, .., p0, ..)`` returning (out, input grads, param grads, extras).

    With ``ieee`` the derivative rules use IEEE arithmetic (inf and nan, never an exception).

    >>> from autograd import Value
    >>> from autograd.core.graph import topological_order
    >>> x = Value(2.0)
    >>> y = x * x
    >>> order = topological_order([y])
    >>> source, namespace = generate(Trace(order, order, [x], [], [y]))
    >>> print(source.splitlines()[0])
    def forward_backward(x0):
    >>> exec(source, namespace)
    >>> namespace["forward_backward"](3.0)
    (9.0, (6.0,), (), ())
    """
    number(trace)
    em = Emitter(trace, ieee)
    args = [f"x{i}" for i in range(len(trace.inputs))] + [f"p{i}" for i in range(len(trace.params))]
    lines = [f"def {name}({', '.join(args)}):"]
    lines += _header(trace)
    lines.append("# forward: each node from its inputs")
    lines += [em.forward(node) for node in trace.order]
    outs = [em.ref(v) for v in trace.outputs]
    lines.append(f"# backward: d {outs[0]} / d everything, nodes in reverse, chain rule per input")
    seed = trace.outputs[0]
    if seed in trace.grads:
        em.pending[seed] = [("+", "1.0")]
    # The engine's own reverse sweep, with a store that writes each step as source text.
    backward_pass(trace.backward_order, _Source(em, lines))
    lines.append("# parameters and inputs")
    for v in (*trace.inputs, *trace.params):
        lines += em.flush(v, leaf=True)
    gx = "".join(f"gx{i}, " for i in range(len(trace.inputs)))
    gp = "".join(f"gp{i}, " for i in range(len(trace.params)))
    extras = "".join(f"{o}, " for o in outs[1:])
    lines.append(f"return {outs[0]}, ({gx}), ({gp}), ({extras})")
    body = "\n".join(lines[:1] + ["    " + line for line in lines[1:]])
    return body + "\n", em.ns


def _header(trace: Trace) -> list[str]:
    named = [(f"x{i}", v) for i, v in enumerate(trace.inputs)]
    named += [(f"p{i}", v) for i, v in enumerate(trace.params)]
    # repr: a label is user text, and must not end the comment line
    shown = [f"{n} = {v.label!r}" for n, v in named if v.label and v.label != n]
    if not shown:
        return []
    return ["# arguments: " + ", ".join(shown[:12]) + (", ..." if len(shown) > 12 else "")]


# What a signature says an input is: ("x", i), ("p", i), ("v", node index), ("const", value)...
_Ref = tuple[str, object]


def signature(trace: Trace, n_declared: int) -> list[tuple[object, ...]]:
    """The graph's shape as plain data: op, params and what each input is, node by node.

    The outputs' row starts with None, which no node's row does (an operation may be called
    anything, ``outputs`` too).

    Two traces of the same function take the same path exactly when their signatures are equal
    (constants are compared by value, since data-dependent Python code often shows up as a
    constant, e.g. the max subtracted in a stable softmax). The first ``n_declared`` parameters are
    matched by identity; other captured leaves, like constants, by value.
    """
    index: dict[Value, tuple[object, ...]] = {}
    for i, v in enumerate(trace.inputs):
        index[v] = ("x", i)
    for i, v in enumerate(trace.params):
        index[v] = ("p", i) if i < n_declared else ("leaf", _same(v.data))
    rows: list[tuple[object, ...]] = []
    for i, node in enumerate(trace.order):
        ins = tuple(index.get(c) or ("const", _same(c.data)) for c in node.inputs)
        op = _op(node)
        rows.append((op.name, definition(op.row), tuple(_same(k) for k in op.params), ins))
        index[node] = ("v", i)
    outs = tuple(index.get(o) or ("const", _same(o.data)) for o in trace.outputs)
    rows.append((None, outs))
    return rows


def definition(row: Any) -> tuple[object, ...]:
    """What tells two operations of one name apart: their rules, as text or as the code of the
    functions given (so a primitive defined afresh each time the function runs is the same
    operation every time, and two different primitives that share a name are not).

    >>> from autograd import primitive
    >>> def make(rule):
    ...     @primitive(derivatives=[rule])
    ...     def f(x):
    ...         return 2 * x
    ...     return f
    >>> two = lambda x: 2
    >>> definition(make(two).primitive) == definition(make(two).primitive)
    True
    >>> definition(make(two).primitive) == definition(make(lambda x: 3).primitive)
    False
    """
    if row is None:  # an operation of the engine's own with no row (a fused neuron)
        return ()
    rules = (row.forward, *row.derivatives)
    return tuple(r if isinstance(r, str) else _code(r) for r in rules)


def _code(fn: Any) -> object:
    fn = getattr(fn, "__wrapped__", fn)  # a primitive's forward checked against its domain
    return getattr(fn, "__code__", fn)


def _same(x: float) -> float | str:
    """A constant as signatures compare it: a nan equals a nan (it is the same constant)."""
    return x if x == x else "nan"


def describe(row: tuple[object, ...]) -> str:
    """One signature row as text, for error messages."""
    if row[0] is None:
        return "outputs " + ", ".join(_show(r) for r in cast("tuple[_Ref, ...]", row[1]))
    op, _, params, ins = cast("tuple[str, object, tuple[float, ...], tuple[_Ref, ...]]", row)
    args = [_show(r) for r in ins] + [repr(k) for k in params]
    return f"{op}({', '.join(args)})"


def _show(ref: _Ref) -> str:
    kind, what = ref
    return repr(what) if kind in ("const", "leaf") else f"{kind}{what}"


def _op(node: Value) -> Op:
    """The operation of an interior node: every node of a trace's order has one."""
    return cast(Op, node.operation)


def is_const(v: Value) -> bool:
    """A lifted number (op ``const``): becomes a literal in the generated code."""
    return v.operation is CONST
