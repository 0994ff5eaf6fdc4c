"""The project's benchmark: this engine next to micrograd, PyTorch scalars and hand-written floats.

Engines (``--engines``, comma separated):

- ``autograd``: this engine, eager (``autograd.Value``, ``autograd.nn.MLP``);
- ``compiled``: this engine through ``autograd.compile`` (traced once, replayed as float code);
- ``micrograd``: micrograd 0.1.0 from PyPI (``micrograd.engine.Value``, ``micrograd.nn.MLP``);
- ``torch``: PyTorch, one 0-dim float64 tensor per scalar, one thread;
- ``floor``: the same arithmetic over plain Python floats with a hand-written backward;
- ``baseline``: this engine as it was at the git revision ``--baseline REV`` names (eager),
  loaded side by side as the package ``autograd_baseline``: a change measured before and after
  in one run.

Workloads (``--workloads``):

- ``mlp_step``: micrograd's demo step, ``MLP(2, [16, 16, 1])`` on 64 two-moons points, hinge loss
  plus 1e-4 L2, forward, backward and SGD, every engine starting from the same weights;
- ``wide_sum``: the sum of 100k products as a pairwise tree, forward, backward and freeing;
- ``ops_mix`` / ``ops_mix_basic``: 20k generated operations over exp, log, tanh, relu, pow, div,
  add, mul, sub (``_basic``: only the operations micrograd has);
- ``chain_depth``: ``x = x*1.0001 + 0.0001`` (and a tanh variant) to depths 1e3..1e6, then
  backward, each depth in a fresh subprocess at the default recursion limit;
- ``mem_per_node``: tracemalloc peak bytes per node for a 100k-node graph and its backward.

In-process workloads run in one process, engines interleaved round by round (the order reversed
every other round, one untimed warm-up round), and medians are reported. Every engine's results
are checked against a float reference (losses and final weights, values, gradients); an engine
that disagrees fails the run, so a fast wrong engine never reaches a table. An engine lacking an
operation a workload needs gets "n/a".

From the repository root (``make bench`` installs the ``bench`` extra, then runs ``all``)::

    python benchmarks/harness.py all              # every suite; rewrites benchmarks/results/
    python benchmarks/harness.py all --quick      # small sizes, into benchmarks/results/quick/
    python benchmarks/harness.py gc-on            # one suite: gc-on, gc-off, chain or compile
    python benchmarks/harness.py run --engines autograd,floor --workloads wide_sum --gc-off

Importing this module changes nothing global: no GC switch, no recursion limit.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import json
import math
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
README = ROOT / "benchmarks" / "README.md"
clock = time.perf_counter

NIN, NOUTS, ALPHA, N_POINTS = 2, (16, 16, 1), 1e-4, 64
UNARY = ("exp", "log", "tanh", "relu")
REL_TOL = 1e-9


class CrossCheckError(RuntimeError):
    """An engine's results disagree with the float reference."""


# -- sizes -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sizes:
    """How much work each workload does; ``QUICK`` is the smoke-test variant."""

    rounds: int = 5
    mlp_steps: int = 3  # steps from the initial weights per measurement
    wide_n: int = 100_000
    mix_ops: int = 20_000
    mix_width: int = 1000
    mem_nodes: int = 100_000
    depths: tuple[int, ...] = (1_000, 10_000, 100_000, 1_000_000)
    min_round_s: float = 0.2  # repeat a measurement inside a round until it lasts this long
    child_timeout_s: float = 900.0


FULL = Sizes()
QUICK = Sizes(
    rounds=2,
    mlp_steps=2,
    wide_n=5_000,
    mix_ops=2_000,
    mix_width=200,
    mem_nodes=10_000,
    depths=(1_000, 10_000),
    min_round_s=0.02,
    child_timeout_s=60.0,
)


# -- data --------------------------------------------------------------------------------------


def two_moons(
    n: int = N_POINTS, noise: float = 0.1, seed: int = 1337
) -> tuple[list[list[float]], list[float]]:
    """Two interleaved half circles with Gaussian noise; labels -1.0 and +1.0, shuffled."""
    rng = random.Random(seed)
    half = n // 2
    pts: list[tuple[float, float, float]] = []
    for i in range(half):
        t = math.pi * i / max(1, half - 1)
        pts.append((math.cos(t), math.sin(t), -1.0))
    for i in range(n - half):
        t = math.pi * i / max(1, n - half - 1)
        pts.append((1.0 - math.cos(t), 0.5 - math.sin(t), 1.0))
    rng.shuffle(pts)
    xs = [[x + rng.gauss(0.0, noise), y + rng.gauss(0.0, noise)] for x, y, _ in pts]
    return xs, [label for _, _, label in pts]


def initial_weights(seed: int = 42) -> list[float]:
    """One flat list in ``parameters()`` order: layer by layer, neuron by neuron, weights, bias."""
    rng = random.Random(seed)
    flat: list[float] = []
    fan_in = NIN
    for width in NOUTS:
        for _ in range(width):
            flat += [rng.uniform(-1.0, 1.0) for _ in range(fan_in)]
            flat.append(0.0)
        fan_in = width
    return flat


Layers = list[tuple[list[list[float]], list[float]]]  # per layer: weight rows, biases


def nested(flat: Sequence[float]) -> Layers:
    """The flat weights as ``[(rows, biases) per layer]``."""
    it = iter(flat)
    layers = []
    fan_in = NIN
    for width in NOUTS:
        rows, biases = [], []
        for _ in range(width):
            rows.append([next(it) for _ in range(fan_in)])
            biases.append(next(it))
        layers.append((rows, biases))
        fan_in = width
    return layers


def flatten(layers: Layers) -> list[float]:
    return [
        x for rows, biases in layers for row, b in zip(rows, biases, strict=True) for x in [*row, b]
    ]


def lr_at(step: int) -> float:
    """micrograd's demo schedule: 1.0 decaying linearly to 0.1 over 100 steps."""
    return 1.0 - 0.9 * (step % 100) / 100


def pairwise_sum(xs: Sequence[Any]) -> Any:
    """Sum neighbours level by level, so a sum of n terms is about log2(n) deep."""
    level = list(xs)
    while len(level) > 1:
        pairs = [level[i] + level[i + 1] for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            pairs.append(level[-1])
        level = pairs
    return level[0]


def close(a: float, b: float, tol: float = REL_TOL) -> bool:
    return abs(a - b) <= tol * max(1.0, abs(a), abs(b))


# -- generated operation mixes -----------------------------------------------------------------

FULL_OPS = ("exp", "log", "tanh", "relu", "pow", "div", "add", "mul", "sub")
BASIC_OPS = ("relu", "pow", "div", "add", "mul", "sub")
EXPONENTS = (2, 3, 0.5, -1)
BINARY = {"add": "+", "sub": "-", "mul": "*", "div": "/"}


@dataclass
class Program:
    """Straight-line code: leaves, then ``(op, i, j, exponent)`` instructions, then a sum."""

    leaves: list[float]
    ops: list[tuple[str, int, int, float]]
    outputs: list[int]  # the last layer, summed pairwise into the result

    def needs(self) -> frozenset[str]:
        return frozenset({op for op, *_ in self.ops} - {"add", "mul", "sub"})


def _apply(op: str, a: float, b: float, k: float) -> float | None:
    """The op's float result, or None when the operands are outside its well-conditioned domain."""
    if op == "exp":
        return math.exp(a) if abs(a) <= 3.0 else None
    if op == "log":
        return math.log(a) if a >= 0.1 else None
    if op == "tanh":
        return math.tanh(a)
    if op == "relu":
        return max(a, 0.0) if abs(a) >= 1e-3 else None  # stay away from the kink
    if op == "pow":
        ok = {2: abs(a) <= 4.0, 3: abs(a) <= 2.5, 0.5: a >= 0.1, -1: abs(a) >= 0.25}[k]
        return a**k if ok else None
    if op == "div":
        return a / b if abs(b) >= 0.25 else None
    r = a + b if op == "add" else a - b if op == "sub" else a * b
    if op != "mul" and abs(r) < 0.25 * (abs(a) + abs(b)):
        return None  # no heavy cancellation: engines that round differently still agree
    return r


def make_program(kinds: Sequence[str], n_ops: int, width: int, seed: int = 11) -> Program:
    """``n_ops`` random instructions in layers of ``width``; each reads the previous layer."""
    rng = random.Random(seed)
    values = [rng.uniform(-2.0, 2.0) for _ in range(32)]
    leaves = list(values)
    ops: list[tuple[str, int, int, float]] = []
    previous = list(range(len(values)))
    layer: list[int] = []
    while len(ops) < n_ops:
        layer = []
        while len(layer) < width and len(ops) < n_ops:
            op, i, j = rng.choice(kinds), rng.choice(previous), rng.choice(previous)
            k = rng.choice(EXPONENTS) if op == "pow" else 0
            if op == "sub" and i == j:
                continue
            r = _apply(op, values[i], values[j], k)
            if r is None or abs(r) > 20.0 or (op != "relu" and abs(r) < 1e-3):
                continue
            ops.append((op, i, j, k))
            layer.append(len(values))
            values.append(r)
        previous = layer
    return Program(leaves, ops, layer)


def _sum_expr(names: Sequence[str]) -> str:
    """The source of ``pairwise_sum`` over the named variables."""
    level = list(names)
    while len(level) > 1:
        pairs = [f"({level[i]} + {level[i + 1]})" for i in range(0, len(level) - 1, 2)]
        level = pairs + level[len(level) - len(level) % 2 :]
    return level[0]


def graph_source(prog: Program) -> str:
    """``run(leaves, exp, log, tanh, relu)`` building the program with any engine's nodes."""
    n = len(prog.leaves)
    out = ["def run(L, exp, log, tanh, relu):", f"    {', '.join(f'v{i}' for i in range(n))}, = L"]
    for idx, (op, i, j, k) in enumerate(prog.ops, start=n):
        if op in UNARY:
            out.append(f"    v{idx} = {op}(v{i})")
        elif op == "pow":
            out.append(f"    v{idx} = v{i} ** {k!r}")
        else:
            out.append(f"    v{idx} = v{i} {BINARY[op]} v{j}")
    out.append(f"    return {_sum_expr([f'v{i}' for i in prog.outputs])}")
    return "\n".join(out) + "\n"


def floor_source(prog: Program) -> str:
    """``run(leaves) -> (value, leaf gradients)``: forward then reverse sweep over float locals."""
    n = len(prog.leaves)
    total = n + len(prog.ops)
    out = ["def run(L):", f"    {', '.join(f'v{i}' for i in range(n))}, = L"]
    for idx, (op, i, j, k) in enumerate(prog.ops, start=n):
        if op == "relu":
            out.append(f"    v{idx} = v{i} if v{i} > 0.0 else 0.0")
        elif op in UNARY:
            out.append(f"    v{idx} = {op}(v{i})")
        elif op == "pow":
            out.append(f"    v{idx} = v{i} ** {k!r}")
        else:
            out.append(f"    v{idx} = v{i} {BINARY[op]} v{j}")
    out.append(f"    value = {_sum_expr([f'v{i}' for i in prog.outputs])}")
    out.append("    " + " = ".join(f"g{i}" for i in range(total)) + " = 0.0")
    out += [f"    g{i} = 1.0" for i in prog.outputs]
    for idx in range(total - 1, n - 1, -1):
        op, i, j, k = prog.ops[idx - n]
        g = f"g{idx}"
        body = {
            "exp": [f"g{i} += {g} * v{idx}"],
            "log": [f"g{i} += {g} / v{i}"],
            "tanh": [f"g{i} += {g} * (1.0 - v{idx} * v{idx})"],
            "relu": [f"if v{i} > 0.0: g{i} += {g}"],
            "pow": [f"g{i} += {g} * {k!r} * v{i} ** {k - 1!r}"],
            "div": [f"g{i} += {g} / v{j}", f"g{j} -= {g} * v{i} / (v{j} * v{j})"],
            "add": [f"g{i} += {g}", f"g{j} += {g}"],
            "sub": [f"g{i} += {g}", f"g{j} -= {g}"],
            "mul": [f"g{i} += {g} * v{j}", f"g{j} += {g} * v{i}"],
        }[op]
        out += [f"    {line}" for line in body]
    out.append(f"    return value, [{', '.join(f'g{i}' for i in range(n))}]")
    return "\n".join(out) + "\n"


def load_source(source: str, name: str, env: dict[str, Any] | None = None) -> Callable[..., Any]:
    namespace: dict[str, Any] = dict(env or {})
    exec(compile(source, f"<{name}>", "exec"), namespace)  # text generated above, no input
    return namespace["run"]  # type: ignore[no-any-return]


# -- the floor: plain floats, hand-written backward --------------------------------------------


def floor_mlp_step(layers: Layers, xs: list[list[float]], ys: list[float], lr: float) -> float:
    """One step of the MLP loss in floats: forward, backward by hand, SGD in place."""
    last = len(layers) - 1
    inv_n = 1.0 / len(xs)
    grads = [([[0.0] * len(r) for r in rows], [0.0] * len(bs)) for rows, bs in layers]
    data_loss = 0.0
    for x, y in zip(xs, ys, strict=True):
        acts = [x]
        for li, (rows, biases) in enumerate(layers):
            a = acts[-1]
            nxt = []
            for row, b in zip(rows, biases, strict=True):
                s = b
                for w, ai in zip(row, a, strict=True):
                    s += w * ai
                nxt.append(s if li == last or s > 0.0 else 0.0)
            acts.append(nxt)
        margin = 1.0 + -y * acts[-1][0]
        if margin <= 0.0:
            continue  # hinge inactive: no loss, no gradient from this point
        data_loss += margin
        delta = [-y * inv_n]
        for li in range(last, -1, -1):
            rows = layers[li][0]
            grows, gbs = grads[li]
            a = acts[li]
            back = [0.0] * len(a)
            for j, d in enumerate(delta):
                if d == 0.0:
                    continue
                gbs[j] += d
                grow, row = grows[j], rows[j]
                for k, ak in enumerate(a):
                    grow[k] += d * ak
                    back[k] += d * row[k]
            if li:
                delta = [d if ak > 0.0 else 0.0 for d, ak in zip(back, a, strict=True)]
    reg = 0.0
    for rows, biases in layers:
        for row in rows:
            for w in row:
                reg += w * w
        for b in biases:
            reg += b * b
    for (rows, biases), (grows, gbs) in zip(layers, grads, strict=True):
        for row, grow in zip(rows, grows, strict=True):
            for k, w in enumerate(row):
                row[k] = w - lr * (grow[k] + 2.0 * ALPHA * w)
        for j, b in enumerate(biases):
            biases[j] = b - lr * (gbs[j] + 2.0 * ALPHA * b)
    return data_loss * inv_n + ALPHA * reg


def floor_wide(a: list[float], b: list[float], probes: Sequence[int]) -> tuple[float, list[float]]:
    """Pairwise sum of products and every input's gradient (d sum / d a_i = b_i via the tree)."""
    levels = [[x * y for x, y in zip(a, b, strict=True)]]
    while len(levels[-1]) > 1:
        cur = levels[-1]
        nxt = [cur[i] + cur[i + 1] for i in range(0, len(cur) - 1, 2)]
        if len(cur) % 2:
            nxt.append(cur[-1])
        levels.append(nxt)
    g = [1.0]
    for level in reversed(levels[:-1]):
        g = [g[i // 2] for i in range(len(level))]
    ga = [gi * y for gi, y in zip(g, b, strict=True)]
    gb = [gi * x for gi, x in zip(g, a, strict=True)]
    return levels[-1][0], [ga[i] for i in probes] + [gb[i] for i in probes]


# -- engines -----------------------------------------------------------------------------------


class Unsupported(Exception):
    """The engine cannot run this workload (the table shows n/a and the reason)."""


class Engine:
    """What every engine offers the workloads. Graph engines share ``GraphEngine``'s code."""

    name = "?"
    ops: frozenset[str] = frozenset()
    info = ""

    def lacks(self, needed: Iterable[str]) -> list[str]:
        return sorted(set(needed) - self.ops)

    # mlp_step: state from the weights; reset to them; one step; the current weights
    def mlp_init(self, weights: list[float], xs: list[list[float]], ys: list[float]) -> Any:
        raise Unsupported("no MLP")

    def mlp_reset(self, state: Any, weights: list[float]) -> None:
        raise Unsupported("no MLP")

    def mlp_step(self, state: Any, lr: float) -> float:
        raise Unsupported("no MLP")

    def mlp_weights(self, state: Any) -> list[float]:
        raise Unsupported("no MLP")

    # wide_sum and ops_mix: untimed setup, then a timed run returning (value, some gradients)
    def wide_prepare(self, a: list[float], b: list[float]) -> Any:
        raise Unsupported("not measured")

    def wide_run(self, prepared: Any, probes: Sequence[int]) -> tuple[float, list[float]]:
        raise Unsupported("not measured")

    def mix_init(self, prog: Program) -> Any:
        raise Unsupported("not measured")

    def mix_prepare(self, state: Any) -> Any:
        return None

    def mix_run(self, state: Any, prepared: Any) -> tuple[float, list[float]]:
        raise Unsupported("not measured")

    # chain_depth and mem_per_node (run in a child process)
    def chain(self, depth: int, variant: str) -> dict[str, float]:
        raise Unsupported("not measured")

    def mem_graph(self, a: list[float], b: list[float]) -> Any:
        raise Unsupported("not measured")

    def extra(self, workload: str, state: Any) -> dict[str, Any]:
        """Figures beyond the time (the compiled engine: compile seconds, nodes)."""
        return {}


class GraphEngine(Engine):
    """An engine with micrograd's interface: nodes with ``.data``, ``.grad``, ``.backward()``."""

    def leaf(self, x: float) -> Any:
        raise NotImplementedError

    def unary(self, op: str) -> Callable[[Any], Any] | None:
        raise NotImplementedError

    def model(self, weights: list[float]) -> Any:
        raise NotImplementedError

    def backward(self, out: Any) -> None:
        out.backward()

    def grad(self, v: Any) -> float:
        return float(v.grad)

    def data(self, v: Any) -> float:
        return float(v.data)

    def zero_grad(self, model: Any) -> None:
        model.zero_grad()

    def sgd(self, model: Any, lr: float) -> None:
        for p in model.parameters():
            p.data -= lr * p.grad

    def set_weights(self, model: Any, weights: list[float]) -> None:
        params = model.parameters()
        if len(params) != len(weights):
            raise RuntimeError(f"{self.name}: {len(params)} parameters, expected {len(weights)}")
        for p, w in zip(params, weights, strict=True):
            p.data = w

    def loss(self, model: Any, xs: list[list[float]], ys: list[float]) -> Any:
        scores = [model(x) for x in xs]
        hinge = [(1 + -y * s).relu() for y, s in zip(ys, scores, strict=True)]
        data_loss = sum(hinge) * (1.0 / len(hinge))
        return data_loss + ALPHA * sum(p * p for p in model.parameters())

    def mlp_init(self, weights: list[float], xs: list[list[float]], ys: list[float]) -> Any:
        model = self.model(weights)
        self.set_weights(model, weights)
        return model, xs, ys

    def mlp_reset(self, state: Any, weights: list[float]) -> None:
        self.set_weights(state[0], weights)

    def mlp_step(self, state: Any, lr: float) -> float:
        model, xs, ys = state
        loss = self.loss(model, xs, ys)
        self.zero_grad(model)
        self.backward(loss)
        self.sgd(model, lr)
        return self.data(loss)

    def mlp_weights(self, state: Any) -> list[float]:
        return [self.data(p) for p in state[0].parameters()]

    def wide_prepare(self, a: list[float], b: list[float]) -> Any:
        return [self.leaf(x) for x in a], [self.leaf(x) for x in b]

    def wide_run(self, prepared: Any, probes: Sequence[int]) -> tuple[float, list[float]]:
        la, lb = prepared
        out = pairwise_sum([x * y for x, y in zip(la, lb, strict=True)])
        self.backward(out)
        return self.data(out), [self.grad(la[i]) for i in probes] + [
            self.grad(lb[i]) for i in probes
        ]

    def mix_init(self, prog: Program) -> Any:
        fns = [self.unary(op) for op in UNARY]
        return prog, load_source(graph_source(prog), "ops_mix graph"), fns

    def mix_prepare(self, state: Any) -> Any:
        return [self.leaf(x) for x in state[0].leaves]

    def mix_run(self, state: Any, prepared: Any) -> tuple[float, list[float]]:
        _, run, fns = state
        out = run(prepared, *fns)
        self.backward(out)
        return self.data(out), [self.grad(v) for v in prepared]

    def chain(self, depth: int, variant: str) -> dict[str, float]:
        tanh = self.unary("tanh")
        x0 = self.leaf(0.5)
        x = x0
        t0 = clock()
        if variant == "tanh" and tanh is not None:
            for _ in range(depth):
                x = tanh(x * 1.0001 + 0.0001)
        else:
            for _ in range(depth):
                x = x * 1.0001 + 0.0001
        t1 = clock()
        self.backward(x)
        t2 = clock()
        return {
            "build_s": t1 - t0,
            "backward_s": t2 - t1,
            "value": self.data(x),
            "grad": self.grad(x0),
        }

    def mem_graph(self, a: list[float], b: list[float]) -> Any:
        la, lb = self.wide_prepare(a, b)
        out = pairwise_sum([x * y for x, y in zip(la, lb, strict=True)])
        self.backward(out)
        return la, lb, out


class AutogradEngine(GraphEngine):
    name = "autograd"
    ops = frozenset({*UNARY, "pow", "div"})

    def __init__(self) -> None:
        import autograd
        from autograd import Value
        from autograd.nn import MLP

        self.Value, self.MLP = Value, MLP
        self.info = f"autograd {autograd.__version__}, eager"

    def leaf(self, x: float) -> Any:
        return self.Value(x)

    def unary(self, op: str) -> Callable[[Any], Any] | None:
        return getattr(self.Value, op)  # type: ignore[no-any-return]

    def model(self, weights: list[float]) -> Any:
        return self.MLP(NIN, list(NOUTS), seed=0)


class MicrogradEngine(GraphEngine):
    name = "micrograd"
    ops = frozenset({"relu", "pow", "div"})

    def __init__(self) -> None:
        from importlib.metadata import version

        from micrograd.engine import Value  # type: ignore[import-untyped,import-not-found,unused-ignore]
        from micrograd.nn import MLP  # type: ignore[import-untyped,import-not-found,unused-ignore]

        self.Value, self.MLP = Value, MLP
        self.info = f"micrograd {version('micrograd')}"

    def leaf(self, x: float) -> Any:
        return self.Value(x)

    def unary(self, op: str) -> Callable[[Any], Any] | None:
        return getattr(self.Value, op, None)

    def model(self, weights: list[float]) -> Any:
        return self.MLP(NIN, list(NOUTS))


class TorchEngine(GraphEngine):
    """One 0-dim float64 tensor per scalar; micrograd's MLP structure written over tensors."""

    name = "torch"
    ops = frozenset({*UNARY, "pow", "div"})

    def __init__(self) -> None:
        import torch

        torch.set_num_threads(1)
        self.torch = torch
        self.info = f"torch {torch.__version__}, 0-dim float64 tensors, 1 thread"

    def leaf(self, x: float) -> Any:
        return self.torch.tensor(x, dtype=self.torch.float64, requires_grad=True)

    def unary(self, op: str) -> Callable[[Any], Any] | None:
        return getattr(self.torch, op)  # type: ignore[no-any-return]

    def grad(self, v: Any) -> float:
        return 0.0 if v.grad is None else float(v.grad.item())

    def data(self, v: Any) -> float:
        return float(v.item())

    def model(self, weights: list[float]) -> Any:
        return TensorMLP(self, weights)

    def set_weights(self, model: Any, weights: list[float]) -> None:
        with self.torch.no_grad():
            for p, w in zip(model.parameters(), weights, strict=True):
                p.fill_(w)

    def zero_grad(self, model: Any) -> None:
        for p in model.parameters():
            p.grad = None

    def sgd(self, model: Any, lr: float) -> None:
        with self.torch.no_grad():
            for p in model.parameters():
                p -= lr * p.grad


class TensorMLP:
    """``MLP(2, [16, 16, 1])`` over 0-dim tensors: ReLU hidden layers, a linear output."""

    def __init__(self, engine: TorchEngine, weights: list[float]) -> None:
        self.layers = [
            [
                ([engine.leaf(w) for w in row], engine.leaf(b))
                for row, b in zip(rows, bs, strict=True)
            ]
            for rows, bs in nested(weights)
        ]

    def __call__(self, x: list[Any]) -> Any:
        last = len(self.layers) - 1
        for li, layer in enumerate(self.layers):
            out = []
            for row, b in layer:
                act = sum((w * xi for w, xi in zip(row, x, strict=True)), b)
                out.append(act if li == last else act.relu())
            x = out
        return x[0]

    def parameters(self) -> list[Any]:
        return [p for layer in self.layers for row, b in layer for p in [*row, b]]


def _tracer() -> tuple[Any, Any]:
    """``train_step`` and ``Compiled``, the tracer's names (``autograd.tracer``)."""
    from autograd.tracer import Compiled, train_step

    return train_step, Compiled


class CompiledEngine(Engine):
    """``autograd.compile``: trace once (untimed, reported as ``compile_s``), replay as floats."""

    name = "compiled"
    ops = frozenset({*UNARY, "pow", "div"})

    def __init__(self) -> None:
        import autograd
        from autograd.nn.optim import SGD

        self.eager = AutogradEngine()
        self.compile, self.SGD = autograd.compile, SGD
        self.train_step, _ = _tracer()
        self.info = f"autograd {autograd.__version__}, autograd.compile"

    def mlp_init(self, weights: list[float], xs: list[list[float]], ys: list[float]) -> Any:
        model, _, _ = self.eager.mlp_init(weights, xs, ys)
        opt = self.SGD(model.parameters(), lr=1.0)
        t0 = clock()
        step = self.train_step(lambda: self.eager.loss(model, xs, ys), opt)
        return {"model": model, "opt": opt, "step": step, "compile_s": clock() - t0}

    def mlp_reset(self, state: Any, weights: list[float]) -> None:
        self.eager.set_weights(state["model"], weights)

    def mlp_step(self, state: Any, lr: float) -> float:
        state["opt"].lr = lr
        return float(state["step"]().value)

    def mlp_weights(self, state: Any) -> list[float]:
        return [p.data for p in state["model"].parameters()]

    def mix_init(self, prog: Program) -> Any:
        run = load_source(graph_source(prog), "ops_mix graph")
        fns = [self.eager.unary(op) for op in UNARY]
        t0 = clock()
        compiled = self.compile(lambda *xs: run(list(xs), *fns), prog.leaves)
        return {"fn": compiled, "leaves": prog.leaves, "compile_s": clock() - t0}

    def mix_run(self, state: Any, prepared: Any) -> tuple[float, list[float]]:
        r = state["fn"](*state["leaves"])
        return r.value, list(r.grads)

    def extra(self, workload: str, state: Any) -> dict[str, Any]:
        fn = state["step"].compiled if workload == "mlp_step" else state["fn"]
        return {"compile_s": state["compile_s"], "nodes": fn.nodes}


class FloorEngine(Engine):
    name = "floor"
    ops = frozenset({*UNARY, "pow", "div"})
    info = "plain Python floats, hand-written backward, no graph"

    def mlp_init(self, weights: list[float], xs: list[list[float]], ys: list[float]) -> Any:
        return {"layers": nested(weights), "xs": xs, "ys": ys}

    def mlp_reset(self, state: Any, weights: list[float]) -> None:
        state["layers"] = nested(weights)

    def mlp_step(self, state: Any, lr: float) -> float:
        return floor_mlp_step(state["layers"], state["xs"], state["ys"], lr)

    def mlp_weights(self, state: Any) -> list[float]:
        return flatten(state["layers"])

    def wide_prepare(self, a: list[float], b: list[float]) -> Any:
        return a, b

    def wide_run(self, prepared: Any, probes: Sequence[int]) -> tuple[float, list[float]]:
        return floor_wide(prepared[0], prepared[1], probes)

    def mix_init(self, prog: Program) -> Any:
        env = {"exp": math.exp, "log": math.log, "tanh": math.tanh}
        return load_source(floor_source(prog), "ops_mix floor", env), prog.leaves

    def mix_run(self, state: Any, prepared: Any) -> tuple[float, list[float]]:
        run, leaves = state
        return run(list(leaves))  # type: ignore[no-any-return]

    def chain(self, depth: int, variant: str) -> dict[str, float]:
        x, tape = 0.5, []
        t0 = clock()
        if variant == "tanh":
            for _ in range(depth):
                x = math.tanh(x * 1.0001 + 0.0001)
                tape.append(x)
        else:
            for _ in range(depth):
                tape.append(x)
                x = x * 1.0001 + 0.0001
        t1 = clock()
        g = 1.0
        if variant == "tanh":
            for t in reversed(tape):
                g = g * (1.0 - t * t) * 1.0001
        else:
            for _ in reversed(tape):
                g = g * 1.0001
        t2 = clock()
        return {"build_s": t1 - t0, "backward_s": t2 - t1, "value": x, "grad": g}

    def mem_graph(self, a: list[float], b: list[float]) -> Any:
        return floor_wide(a, b, range(len(a)))


def baseline_package() -> Any:
    """The package at the revision ``$BENCH_BASELINE`` as ``autograd_baseline`` (from ``git
    archive``, into a temporary directory that child processes find in ``$BENCH_BASELINE_DIR``).
    The package imports itself by relative imports only, so the copy is self-contained."""
    import importlib
    import io
    import tarfile
    import tempfile

    root = os.environ.get("BENCH_BASELINE_DIR")
    if not root:
        rev = os.environ.get("BENCH_BASELINE")
        if not rev:
            raise ImportError("baseline: name a git revision with --baseline REV")
        archive = subprocess.run(
            ["git", "archive", rev, "autograd"], cwd=ROOT, capture_output=True, check=False
        )
        if archive.returncode:
            raise ImportError(f"baseline: git archive {rev}: {archive.stderr.decode().strip()}")
        root = tempfile.mkdtemp(prefix="autograd-baseline-")
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            if hasattr(tarfile, "data_filter"):  # (Python 3.10.12 and newer)
                tar.extractall(root, filter="data")
            else:
                tar.extractall(root)
        os.rename(os.path.join(root, "autograd"), os.path.join(root, "autograd_baseline"))
        os.environ["BENCH_BASELINE_DIR"] = root
    if root not in sys.path:
        sys.path.insert(0, root)
    return importlib.import_module("autograd_baseline")


class BaselineEngine(AutogradEngine):
    """This engine at an earlier revision (``--baseline REV``), eager."""

    name = "baseline"

    def __init__(self) -> None:  # (not AutogradEngine's: another package)
        package = baseline_package()
        from autograd_baseline.nn import MLP  # type: ignore[import-not-found]

        self.Value, self.MLP = package.Value, MLP
        self.info = f"autograd at {os.environ.get('BENCH_BASELINE', '?')}, eager"


ENGINES: dict[str, Callable[[], Engine]] = {
    "autograd": AutogradEngine,
    "baseline": BaselineEngine,
    "compiled": CompiledEngine,
    "micrograd": MicrogradEngine,
    "torch": TorchEngine,
    "floor": FloorEngine,
}


def _global_state() -> tuple[bool, tuple[int, ...], int]:
    return gc.isenabled(), gc.get_threshold(), sys.getrecursionlimit()


def load_engines(names: Sequence[str]) -> tuple[list[Engine], dict[str, str], list[str]]:
    """The engines that load, why the others did not, and any global state an import changed."""
    engines, missing, warnings = [], {}, []
    for name in names:
        if name not in ENGINES:
            raise SystemExit(f"unknown engine {name!r}; choose from {', '.join(ENGINES)}")
        before = _global_state()
        try:
            engines.append(ENGINES[name]())
        except ImportError as e:
            missing[name] = f"not installed ({e.name or e})"
        after = _global_state()
        if after != before:
            warnings.append(
                f"loading {name} changed (gc on, thresholds, recursion limit) {before} -> {after}"
            )
    return engines, missing, warnings


# -- in-process workloads ----------------------------------------------------------------------


class Workload:
    """An in-process workload: ``init`` per engine (untimed), then timed ``measure`` calls."""

    name = "?"
    unit = "ms"
    needs: frozenset[str] = frozenset()

    def __init__(self, sizes: Sizes) -> None:
        self.sizes = sizes

    def describe(self) -> str:
        raise NotImplementedError

    def init(self, engine: Engine) -> Any:
        raise NotImplementedError

    def measure(self, engine: Engine, state: Any) -> tuple[float, str | None]:
        """Seconds for one run (freeing its garbage included) and a mismatch, if any."""
        raise NotImplementedError


class MlpStep(Workload):
    name = "mlp_step"
    unit = "ms/step"
    needs = frozenset({"relu"})

    def __init__(self, sizes: Sizes) -> None:
        self.steps = sizes.mlp_steps
        self.xs, self.ys = two_moons()
        self.weights = initial_weights()
        layers = nested(self.weights)
        self.ref_losses = [
            floor_mlp_step(layers, self.xs, self.ys, lr_at(k)) for k in range(self.steps)
        ]
        self.ref_weights = flatten(layers)

    def describe(self) -> str:
        return (
            f"MLP(2, [16, 16, 1]) ({len(self.weights)} parameters), {N_POINTS} two-moons points, "
            f"hinge + {ALPHA:g} L2, forward + backward + SGD; {self.steps} steps from the same "
            "initial weights per run, a timed gc.collect() after them; time per step"
        )

    def init(self, engine: Engine) -> Any:
        return engine.mlp_init(list(self.weights), self.xs, self.ys)

    def measure(self, engine: Engine, state: Any) -> tuple[float, str | None]:
        engine.mlp_reset(state, list(self.weights))
        t0 = clock()
        losses = [engine.mlp_step(state, lr_at(k)) for k in range(self.steps)]
        gc.collect()
        t = (clock() - t0) / self.steps
        for k, (got, want) in enumerate(zip(losses, self.ref_losses, strict=True)):
            if not close(got, want):
                return t, f"loss at step {k}: {got!r}, reference {want!r}"
        weights = engine.mlp_weights(state)
        bad = [
            i
            for i, (w, r) in enumerate(zip(weights, self.ref_weights, strict=True))
            if not close(w, r)
        ]
        if bad:
            return t, f"{len(bad)} weights differ after {self.steps} steps, first at index {bad[0]}"
        return t, None


class WideSum(Workload):
    name = "wide_sum"

    def __init__(self, sizes: Sizes) -> None:
        rng = random.Random(7)
        self.n = sizes.wide_n
        self.a = [rng.uniform(-1.0, 1.0) for _ in range(self.n)]
        self.b = [rng.uniform(-1.0, 1.0) for _ in range(self.n)]
        self.probes = sorted({0, 1, self.n // 3, self.n // 2, self.n - 2, self.n - 1})
        self.ref = floor_wide(self.a, self.b, self.probes)

    def describe(self) -> str:
        return (
            f"sum of {self.n} products as a pairwise tree ({2 * self.n - 1} operations); "
            "leaves made untimed, then forward + backward + freeing the graph (gc.collect timed)"
        )

    def init(self, engine: Engine) -> Any:
        engine.wide_prepare(self.a[:4], self.b[:4])  # fails early if the engine cannot
        return None

    def measure(self, engine: Engine, state: Any) -> tuple[float, str | None]:
        prepared = engine.wide_prepare(self.a, self.b)
        t0 = clock()
        got = engine.wide_run(prepared, self.probes)
        del prepared
        gc.collect()
        t = clock() - t0
        return t, _compare("value and probed gradients", got, self.ref)


class OpsMix(Workload):
    name = "ops_mix"
    kinds: tuple[str, ...] = FULL_OPS

    def __init__(self, sizes: Sizes) -> None:
        self.prog = make_program(self.kinds, sizes.mix_ops, sizes.mix_width)
        self.needs = self.prog.needs()
        env = {"exp": math.exp, "log": math.log, "tanh": math.tanh}
        self.ref = load_source(floor_source(self.prog), "ops_mix reference", env)(self.prog.leaves)

    def describe(self) -> str:
        counts: dict[str, int] = {}
        for op, *_ in self.prog.ops:
            counts[op] = counts.get(op, 0) + 1
        mix = ", ".join(f"{op} {n}" for op, n in sorted(counts.items()))
        return (
            f"{len(self.prog.ops)} generated operations ({mix}) on {len(self.prog.leaves)} leaves, "
            f"then a sum of the last {len(self.prog.outputs)}; forward + backward + freeing"
        )

    def init(self, engine: Engine) -> Any:
        return engine.mix_init(self.prog)

    def measure(self, engine: Engine, state: Any) -> tuple[float, str | None]:
        prepared = engine.mix_prepare(state)
        t0 = clock()
        got = engine.mix_run(state, prepared)
        del prepared
        gc.collect()
        t = clock() - t0
        return t, _compare("value and leaf gradients", got, self.ref)


class OpsMixBasic(OpsMix):
    name = "ops_mix_basic"
    kinds = BASIC_OPS


def _compare(
    what: str, got: tuple[float, list[float]], ref: tuple[float, list[float]]
) -> str | None:
    values = [got[0], *got[1]]
    wanted = [ref[0], *ref[1]]
    if len(values) != len(wanted):
        return f"{what}: {len(values)} numbers, expected {len(wanted)}"
    for i, (x, r) in enumerate(zip(values, wanted, strict=True)):
        if not close(float(x), r):
            where = "value" if i == 0 else f"gradient {i - 1}"
            return f"{what}: {where} is {x!r}, reference {r!r}"
    return None


IN_PROCESS: dict[str, type[Workload]] = {
    "mlp_step": MlpStep,
    "wide_sum": WideSum,
    "ops_mix": OpsMix,
    "ops_mix_basic": OpsMixBasic,
}


def run_in_process(
    workload: Workload, engines: Sequence[Engine], sizes: Sizes, log: Callable[[str], None]
) -> dict[str, dict[str, Any]]:
    """Interleaved rounds over the engines; per engine the median seconds, or why it is n/a."""
    out: dict[str, dict[str, Any]] = {}
    states: dict[str, Any] = {}
    for e in engines:
        lacking = e.lacks(workload.needs)
        if lacking:
            out[e.name] = {"na": "no " + ", ".join(lacking)}
            continue
        try:
            states[e.name] = workload.init(e)
        except Unsupported as why:
            out[e.name] = {"na": str(why)}
        except Exception as err:
            out[e.name] = {"na": f"setup failed: {type(err).__name__}: {err}"[:160]}
    active = [e for e in engines if e.name in states]
    # Every engine's setup (models, generated code, the compiled engine's retained trace) is
    # frozen out of the collector, so a timed gc.collect() walks the run's own garbage only
    # rather than charging each engine for the others' live state.
    gc.collect()
    gc.freeze()
    times: dict[str, list[float]] = {e.name: [] for e in active}
    for r in range(sizes.rounds + 1):  # round 0 warms up, untimed
        for e in active if r % 2 else active[::-1]:
            if "wrong" in out.get(e.name, {}):
                continue
            gc.collect()
            spent, runs = 0.0, 0
            while runs == 0 or spent < sizes.min_round_s:
                t, mismatch = workload.measure(e, states[e.name])
                if mismatch:
                    out[e.name] = {"wrong": mismatch}
                    log(f"  !! {e.name} disagrees with the reference: {mismatch}")
                    break
                spent, runs = spent + t, runs + 1
            if r and runs:
                times[e.name].append(spent / runs)
    for e in active:
        if "wrong" in out.get(e.name, {}):
            continue
        ts = times[e.name]
        scale = 1e3
        out[e.name] = {
            "median": statistics.median(ts) * scale,
            "min": min(ts) * scale,
            "max": max(ts) * scale,
            "rounds": [t * scale for t in ts],
            **e.extra(workload.name, states[e.name]),
        }
    states.clear()
    gc.collect()
    return out


# -- subprocess workloads ----------------------------------------------------------------------


def child(kind: str, engine_name: str, args: list[str]) -> dict[str, Any]:
    """Runs inside a fresh interpreter: one chain depth or one memory measurement."""
    engine = ENGINES[engine_name]()
    gc.collect()
    if kind == "chain":
        depth, variant = int(args[0]), args[1]
        if variant == "tanh" and "tanh" not in engine.ops:
            return {"status": "n/a", "why": "no tanh"}
        x, g, tape = 0.5, 1.0, []
        for _ in range(depth):  # the float reference, same operation order
            x = math.tanh(x * 1.0001 + 0.0001) if variant == "tanh" else x * 1.0001 + 0.0001
            tape.append(x)
        for t in reversed(tape):
            g = g * (1.0 - t * t) * 1.0001 if variant == "tanh" else g * 1.0001
        del tape
        gc.collect()
        r = engine.chain(depth, variant)
        ok = close(r["value"], x) and close(r["grad"], g, 1e-6)
        return {"status": "ok" if ok else "wrong", **r, "ref_grad": g}
    n = int(args[0]) // 4  # 2n leaves + n products + (n - 1) sums
    rng = random.Random(3)
    a = [rng.uniform(-1.0, 1.0) for _ in range(n)]
    b = [rng.uniform(-1.0, 1.0) for _ in range(n)]
    engine.mem_graph(a[:4], b[:4])  # warm the code paths
    gc.collect()
    nodes = 4 * n - 1
    if engine.name == "torch":  # tensors live outside Python's allocator: resident memory
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")  # reset the high-water mark VmHWM to the current RSS
        base = _status_kb("VmRSS")
        keep = engine.mem_graph(a, b)
        peak = _status_kb("VmHWM")
        del keep
        return {"status": "ok", "method": "RSS", "bytes_per_node": (peak - base) * 1024 / nodes}
    tracemalloc.start()
    keep = engine.mem_graph(a, b)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del keep
    return {"status": "ok", "method": "tracemalloc", "bytes_per_node": peak / nodes}


def _status_kb(field: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def run_child(kind: str, engine: str, args: Sequence[object], timeout: float) -> dict[str, Any]:
    cmd = [sys.executable, str(Path(__file__).resolve()), "child", kind, engine, *map(str, args)]
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
    )
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return {"status": "timeout", "why": f"over {timeout:.0f} s"}
    lines = p.stdout.strip().splitlines()
    if p.returncode == 0 and lines and lines[-1].startswith("{"):
        return json.loads(lines[-1])  # type: ignore[no-any-return]
    for kind_of_error in ("RecursionError", "MemoryError"):
        if kind_of_error in p.stderr:
            return {"status": kind_of_error, "why": p.stderr.strip().splitlines()[-1][:160]}
    tail = p.stderr.strip().splitlines()[-1:] or [""]
    return {"status": "crash", "why": f"exit code {p.returncode}: {tail[0][:160]}"}


def run_chain(
    engines: Sequence[Engine], sizes: Sizes, log: Callable[[str], None]
) -> dict[str, dict[str, Any]]:
    """Per variant and engine: every depth tried (stopping at the first failure)."""
    result: dict[str, dict[str, Any]] = {}
    for variant in ("lin", "tanh"):
        per: dict[str, Any] = {}
        for e in engines:
            if variant == "tanh" and "tanh" not in e.ops:
                per[e.name] = {"na": "no tanh"}
                continue
            if e.name == "compiled":
                per[e.name] = {"na": "one-shot graph, nothing to replay"}
                continue
            tries: dict[str, Any] = {}
            per[e.name] = {"tries": tries, "max_ok": None}
            for d in sizes.depths:
                r = run_child("chain", e.name, [d, variant], sizes.child_timeout_s)
                tries[str(d)] = r
                log(f"  {variant} {e.name} depth {_depth(d)}: {r['status']}")
                if r["status"] != "ok":
                    per[e.name]["failed_at"] = d
                    break
                per[e.name]["max_ok"] = d
        result[variant] = per
    return result


def run_mem(
    engines: Sequence[Engine], sizes: Sizes, log: Callable[[str], None]
) -> dict[str, dict[str, Any]]:
    result = {}
    for e in engines:
        if e.name == "compiled":
            result[e.name] = {"status": "n/a", "why": "one-shot graph, nothing to replay"}
            continue
        result[e.name] = run_child("mem", e.name, [sizes.mem_nodes], sizes.child_timeout_s)
        log(f"  {e.name}: {result[e.name]}")
    return result


# -- suites and reports ------------------------------------------------------------------------


@dataclass(frozen=True)
class Suite:
    name: str
    engines: tuple[str, ...]
    workloads: tuple[str, ...]
    gc_off: bool = False
    subject: str = "autograd"  # the engine the ratio columns are about


SUITES = {
    "gc-on": Suite(
        "gc-on",
        ("autograd", "micrograd", "torch", "floor"),
        ("mlp_step", "wide_sum", "ops_mix", "ops_mix_basic", "mem_per_node"),
    ),
    "gc-off": Suite(
        "gc-off",
        ("autograd", "micrograd", "floor"),
        ("mlp_step", "wide_sum", "ops_mix_basic"),
        gc_off=True,
    ),
    "chain": Suite("chain", ("autograd", "micrograd", "torch", "floor"), ("chain_depth",)),
    "compile": Suite(
        "compile",
        ("floor", "autograd", "compiled", "micrograd"),
        ("mlp_step", "ops_mix", "ops_mix_basic"),
        subject="compiled",
    ),
}
WORKLOADS = (*IN_PROCESS, "chain_depth", "mem_per_node")


def run_suite(
    suite: Suite,
    sizes: Sizes,
    *,
    extra_engines: Sequence[Engine] = (),
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Run one suite; raises ``CrossCheckError`` (after logging) if any engine is wrong."""
    engines, missing, warnings = load_engines(suite.engines)
    engines += list(extra_engines)
    for warning in warnings:
        log(f"WARNING: {warning}")
    meta: dict[str, Any] = {
        "suite": suite.name,
        "engines": [e.name for e in engines] + list(missing),
        "info": {e.name: e.info for e in engines},
        "missing": missing,
        "subject": suite.subject,
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs",
        "date": datetime.date.today().isoformat(),
        "gc_off": suite.gc_off,
        "sizes": {k: v for k, v in vars(sizes).items()},
        "warnings": warnings,
    }
    results: dict[str, Any] = {"meta": meta, "workloads": {}}
    log(f"== {suite.name}: {', '.join(meta['engines'])}; GC {'off' if suite.gc_off else 'on'}")
    for name, why in missing.items():
        log(f"  {name}: {why}")
    gc.collect()
    gc.freeze()  # imports and setup data stay out of the collector's way
    was_enabled = gc.isenabled()
    try:
        for wname in suite.workloads:
            t0 = clock()
            if wname in IN_PROCESS:
                w = IN_PROCESS[wname](sizes)
                log(f"-- {wname}: {w.describe()}")
                if suite.gc_off:
                    gc.disable()
                try:
                    row: dict[str, Any] = run_in_process(w, engines, sizes, log)
                finally:
                    if was_enabled:
                        gc.enable()
                results["workloads"][wname] = {
                    "unit": w.unit,
                    "describe": w.describe(),
                    "engines": row,
                }
            elif wname == "chain_depth":
                log("-- chain_depth: each depth in a fresh process, default recursion limit")
                results["chain_depth"] = run_chain(engines, sizes, log)
            elif wname == "mem_per_node":
                log(f"-- mem_per_node: {sizes.mem_nodes} nodes, build + backward, fresh process")
                results["mem_per_node"] = run_mem(engines, sizes, log)
            else:
                raise SystemExit(f"unknown workload {wname!r}; choose from {', '.join(WORKLOADS)}")
            log(f"   ({clock() - t0:.1f} s)")
            for e, r in results["workloads"].get(wname, {}).get("engines", {}).items():
                if "median" in r:
                    log(f"   {e:10s} {r['median']:10.3f} {results['workloads'][wname]['unit']}")
                else:
                    log(f"   {e:10s} {r.get('na') or 'WRONG: ' + r['wrong']}")
    finally:
        gc.unfreeze()
    results["errors"] = errors(results)
    if results["errors"]:
        for err in results["errors"]:
            log(f"CROSS-CHECK FAILED: {err}")
        raise CrossCheckError("; ".join(results["errors"]))
    return results


def errors(results: dict[str, Any]) -> list[str]:
    found = [
        f"{w}: {e}: {r['wrong']}"
        for w, row in results["workloads"].items()
        for e, r in row["engines"].items()
        if "wrong" in r
    ]
    for variant, per in results.get("chain_depth", {}).items():
        for e, p in per.items():
            for d, t in p.get("tries", {}).items():
                if t["status"] == "wrong":
                    found.append(f"chain_depth {variant} depth {d}: {e}: value or gradient off")
    return found


LABELS = {
    "autograd": "autograd",
    "baseline": "autograd before",
    "compiled": "compiled",
    "micrograd": "micrograd",
    "torch": "PyTorch scalars",
    "floor": "floor",
}


def _num(x: float) -> str:
    return f"{x:.3g}" if x < 100 else f"{x:.0f}"


def _ratio(x: float) -> str:
    return f"{x:.2f}x" if x < 10 else f"{x:.0f}x" if x >= 100 else f"{x:.1f}x"


def markdown(results: dict[str, Any]) -> str:
    """The tables for one suite's results, as the docs and README include them."""
    meta = results["meta"]
    engines: list[str] = meta["engines"]
    subject = meta["subject"]
    parts: list[str] = []
    if results["workloads"] or "mem_per_node" in results:
        parts.append(_time_table(results, engines, subject))
    if "chain_depth" in results:
        parts.append(_chain_table(results["chain_depth"], engines))
    gc_state = "off (a diagnostic)" if meta["gc_off"] else "on"
    timing = (
        f"medians of {meta['sizes']['rounds']} rounds"
        if results["workloads"]
        else "one try per depth"
    )
    missing = "".join(f" {LABELS.get(e, e)}: {why}." for e, why in meta["missing"].items())
    parts.append(
        f"Python {meta['python']}, {meta['machine']}, garbage collector {gc_state}, {timing}, "
        f"{meta['date']}; every engine's results matched the float reference.{missing}"
    )
    return "\n\n".join(parts) + "\n"


def _time_table(results: dict[str, Any], engines: list[str], subject: str) -> str:
    others = [e for e in ("micrograd", "autograd") if e in engines and e != subject]
    head = ["workload", *(LABELS.get(e, e) for e in engines)]
    head += [f"{subject} vs {o}" for o in others]
    if "floor" in engines and subject != "floor":
        head.append(f"{subject} / floor")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    notes: list[str] = []
    for wname, w in results["workloads"].items():
        row = w["engines"]
        cells = [f"{wname} ({w['unit']})"]
        for e in engines:
            r = row.get(e) or {"na": results["meta"]["missing"].get(e, "n/a")}
            cells.append(_num(r["median"]) if "median" in r else f"n/a ({r['na']})")
        mine = row.get(subject, {}).get("median")
        for o in others:
            theirs = row.get(o, {}).get("median")
            cells.append(f"**{_ratio(theirs / mine)} faster**" if mine and theirs else "")
        if "floor" in engines and subject != "floor":
            floor = row.get("floor", {}).get("median")
            cells.append(_ratio(mine / floor) if mine and floor else "")
        lines.append("| " + " | ".join(cells) + " |")
        if "compile_s" in row.get(subject, {}):
            r = row[subject]
            notes.append(f"{wname}: compiling took {r['compile_s']:.2f} s ({r['nodes']} nodes)")
    if "mem_per_node" in results:
        mem = results["mem_per_node"]
        cells = ["bytes per node"]
        for e in engines:
            m = mem.get(e, {})
            if m.get("status") == "ok":
                cells.append(
                    f"{m['bytes_per_node']:.0f}" + (" (RSS)" if m["method"] == "RSS" else "")
                )
            else:
                cells.append(f"n/a ({m.get('why', m.get('status', 'not run'))})")
        mine = mem.get(subject, {}).get("bytes_per_node")
        for o in others:
            theirs = mem.get(o, {}).get("bytes_per_node")
            cells.append(f"{_ratio(mine / theirs)} the memory" if mine and theirs else "")
        if "floor" in engines and subject != "floor":
            floor = mem.get("floor", {}).get("bytes_per_node")
            cells.append(_ratio(mine / floor) if mine and floor else "")
        lines.append("| " + " | ".join(cells) + " |")
    text = "\n".join(lines)
    if notes:
        text += "\n\n" + "; ".join(notes) + "."
    return text


def _depth(d: int) -> str:
    e = round(math.log10(d))
    return f"1e{e}" if 10**e == d else str(d)


def _chain_table(chain: dict[str, Any], engines: list[str]) -> str:
    lines = [
        "| variant | engine | max depth | build s | backward s | deeper |",
        "|---|---|---|---|---|---|",
    ]
    for variant, per in chain.items():
        for e in engines:
            p = per.get(e)
            if p is None:
                continue
            label = LABELS.get(e, e)
            if "na" in p:
                lines.append(f"| {variant} | {label} | n/a ({p['na']}) | | | |")
                continue
            d = p["max_ok"]
            fail = ""
            if "failed_at" in p:
                f = p["tries"][str(p["failed_at"])]
                fail = f"fails at {_depth(p['failed_at'])} ({f['status']})"
            if d is None:
                lines.append(f"| {variant} | {label} | none | | | {fail} |")
                continue
            t = p["tries"][str(d)]
            lines.append(
                f"| {variant} | {label} | {_depth(d)} | {t['build_s']:.2f} | "
                f"{t['backward_s']:.2f} | {fail or 'ok at every depth tried'} |"
            )
    return "\n".join(lines)


def write(results: dict[str, Any], out_dir: Path, readme: Path | None) -> Path:
    """``<suite>.json`` and ``<suite>.md`` in ``out_dir``; the README's marked block too."""
    out_dir.mkdir(parents=True, exist_ok=True)
    name = results["meta"]["suite"]
    md = markdown(results)
    (out_dir / f"{name}.json").write_text(json.dumps(results, indent=1) + "\n")
    path = out_dir / f"{name}.md"
    path.write_text(md)
    if readme is not None and readme.exists():
        text = readme.read_text()
        start, end = f"<!-- results/{name}.md -->", f"<!-- end results/{name}.md -->"
        pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
        if pattern.search(text):
            readme.write_text(pattern.sub(lambda _: f"{start}\n{md}{end}", text))
    return path


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="benchmarks/harness.py",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
        epilog="Suites: "
        + "; ".join(
            f"{s.name}: {', '.join(s.workloads)} on {', '.join(s.engines)}" for s in SUITES.values()
        ),
    )
    ap.add_argument(
        "what", nargs="?", default="all", help="all, a suite (gc-on, gc-off, chain, compile) or run"
    )
    ap.add_argument("rest", nargs="*", help=argparse.SUPPRESS)
    ap.add_argument(
        "--quick", action="store_true", help="small sizes, 2 rounds; writes to results/quick/"
    )
    ap.add_argument("--engines", help="for `run`: comma-separated engines")
    ap.add_argument("--workloads", help="for `run`: comma-separated workloads")
    ap.add_argument(
        "--gc-off", action="store_true", help="for `run`: the garbage collector off (diagnostic)"
    )
    ap.add_argument("--name", default="custom", help="for `run`: output file stem")
    ap.add_argument(
        "--baseline",
        metavar="REV",
        help="for `run`: the git revision the `baseline` engine loads (e.g. HEAD~3 or a hash)",
    )
    ap.add_argument("--rounds", type=int, help="timed rounds per in-process workload")
    ap.add_argument("--depths", help="chain depths, e.g. 1e3,1e4")
    ap.add_argument(
        "--out", type=Path, help="results directory (default results/ or results/quick/)"
    )
    ap.add_argument(
        "--render-only", action="store_true", help="rewrite the .md files from the .json"
    )
    args = ap.parse_args(argv)

    if args.baseline:
        os.environ["BENCH_BASELINE"] = args.baseline
    if args.what == "child":
        print(json.dumps(child(args.rest[0], args.rest[1], args.rest[2:])))
        return 0
    sizes = QUICK if args.quick else FULL
    if args.rounds:
        sizes = replace(sizes, rounds=args.rounds)
    if args.depths:
        sizes = replace(sizes, depths=tuple(int(float(d)) for d in args.depths.split(",")))
    out_dir = args.out or (RESULTS / "quick" if args.quick else RESULTS)
    readme = README if out_dir == RESULTS else None
    if args.what == "run":
        suites = [
            Suite(
                args.name,
                tuple((args.engines or "autograd,micrograd,torch,floor").split(",")),
                tuple((args.workloads or ",".join(WORKLOADS)).split(",")),
                gc_off=args.gc_off,
                subject="compiled"
                if args.engines and args.engines.startswith("compiled")
                else "autograd",
            )
        ]
        readme = None
    elif args.what == "all":
        suites = list(SUITES.values())
    elif args.what in SUITES:
        suites = [SUITES[args.what]]
    else:
        ap.error(f"unknown {args.what!r}: all, run, or a suite ({', '.join(SUITES)})")
    for suite in suites:
        if args.render_only:
            results = json.loads((out_dir / f"{suite.name}.json").read_text())
        else:
            try:
                results = run_suite(suite, sizes)
            except CrossCheckError as e:
                print(f"{suite.name}: results NOT written: {e}", file=sys.stderr)
                return 1
        path = write(results, out_dir, readme)
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}\n")
        print(path.read_text())
    if readme is not None and all((out_dir / f).exists() for f in ("gc-on.json", "compile.json")):
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        import readme_figures  # the README's speed sentences, from the tables just written

        readme_figures.rewrite(results_dir=out_dir)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
