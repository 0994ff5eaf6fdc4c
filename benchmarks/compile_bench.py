"""Times ``autograd.compile`` against the shared harness's ``floor`` and eager autograd.

Reuses the harness's data, weights, hand-written ``mlp_step_floor`` and ``ops_mix`` program
generator by importing ``bench.py`` from its path (nothing is copied). All variants run in one
process, rounds interleaved, GC on; medians are reported.

    PYTHONPATH=. /tmp/bench/venv/bin/python benchmarks/compile_bench.py --rounds 7
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import math
import statistics
import sys
import time
from pathlib import Path

import autograd
from autograd import Value
from autograd.nn import MLP

perf = time.perf_counter
DEFAULT_HARNESS = Path(__file__).resolve().parent.parent.parent / "shared" / "bench" / "bench.py"


def load_harness(path: Path):
    spec = importlib.util.spec_from_file_location("shared_bench", path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules["shared_bench"] = mod
    spec.loader.exec_module(mod)
    return mod


def mlp_model(H):
    model = MLP(H.NIN, H.NOUTS, seed=0)
    for p, w in zip(model.parameters(), H.init_weights(), strict=False):
        p.data = w
    return model


def mlp_loss_fn(H, model, X, Y):
    """The harness's mlp_loss, written against autograd directly."""
    params = model.parameters()

    def loss():
        scores = [model(x) for x in X]
        losses = [(1 + -y * s).relu() for y, s in zip(Y, scores, strict=False)]
        data_loss = sum(losses) * (1.0 / len(losses))
        return data_loss + H.ALPHA * sum(p * p for p in params)

    return loss


def bench_mlp(H, rounds, steps, micrograd=False, lr=0.05):
    X, Y = H.make_moons(64)
    floor_layers = H.nest_weights(H.init_weights())
    eager = mlp_model(H)
    comp = mlp_model(H)
    eager_loss = mlp_loss_fn(H, eager, X, Y)
    t0 = perf()
    compiled = autograd.compile(mlp_loss_fn(H, comp, X, Y), (), parameters=comp.parameters())
    t_compile = perf() - t0
    cparams = comp.parameters()

    def step_floor():
        return H.mlp_step_floor(floor_layers, X, Y, lr)

    def step_eager():
        loss = eager_loss()
        eager.zero_grad()
        loss.backward()
        for p in eager.parameters():
            p.data -= lr * p.grad
        return loss.data

    def step_compiled():
        r = compiled()
        for p, g in zip(cparams, r.param_grads, strict=False):
            p.data -= lr * g
        return r.value

    fns = {"floor": step_floor, "eager": step_eager, "compiled": step_compiled}
    if micrograd:  # the harness's own engine adapter and step
        E = H.load_micrograd()
        m = E.make_mlp(list(H.init_weights()))
        fns["micrograd"] = lambda: H.mlp_step_graph(E, m, X, Y, lr)
    times = {k: [] for k in fns}
    losses = {k: [] for k in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            t = perf()
            for _ in range(steps):
                losses[name].append(fn())
            gc.collect()  # timed, as in the harness: each engine frees its own garbage
            times[name].append((perf() - t) / steps * 1e3)
    worst = max(
        abs(a - b) / max(1.0, abs(b))
        for a, b in zip(losses["compiled"], losses["floor"], strict=False)
    )
    same = losses["compiled"] == losses["eager"]
    return times, {
        "compile_s": t_compile,
        "nodes": compiled.nodes,
        "lines": compiled.source.count("\n"),
        "vs_floor": worst,
        "bitwise_eager": same,
    }


def bench_mix(H, rounds, n_ops):
    leaves, prog = H.make_program(H.FULL_KINDS, n_ops)
    n_out = min(H.MIX_WIDTH, n_ops)
    ns = {"exp": math.exp, "log": math.log, "tanh": math.tanh}
    exec(compile(H.gen_floor_code(prog, len(leaves), n_out), "<floor>", "exec"), ns)
    floor = ns["run"]
    ns = {}
    exec(compile(H.gen_graph_code(prog, len(leaves), n_out), "<graph>", "exec"), ns)
    graph = ns["run"]
    ops = (Value.exp, Value.log, Value.tanh, Value.relu)
    t0 = perf()
    compiled = autograd.compile(lambda *xs: graph(list(xs), *ops), leaves)
    t_compile = perf() - t0

    def run_floor():
        return floor(list(leaves))

    def run_eager():
        vs = [Value(x) for x in leaves]
        out = graph(vs, *ops)
        out.backward()
        r = out.data, [v.grad for v in vs]
        del out, vs  # freed by reference counting (no cycles)
        return r

    def run_compiled():
        r = compiled(*leaves)
        return r.value, list(r.grads)

    fns = {"floor": run_floor, "eager": run_eager, "compiled": run_compiled}
    times = {k: [] for k in fns}
    results = {}
    for _ in range(rounds):
        for name, fn in fns.items():
            t = perf()
            results[name] = fn()
            times[name].append((perf() - t) * 1e3)
    ref_out, ref_g = results["floor"]
    out, gs = results["compiled"]
    worst = max(
        [abs(out - ref_out) / max(1.0, abs(ref_out))]
        + [abs(a - b) / max(1.0, abs(a), abs(b)) for a, b in zip(gs, ref_g, strict=False)]
    )
    return times, {
        "compile_s": t_compile,
        "nodes": compiled.nodes,
        "vs_floor": worst,
        "bitwise_eager": results["compiled"] == results["eager"],
    }


def report(name, unit, times, info):
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"\n## {name}")
    for k, m in med.items():
        print(f"  {k:9s} {m:9.3f} {unit}   ({m / med['floor']:.2f}x floor)")
    print(f"  compiled is {med['eager'] / med['compiled']:.1f}x faster than eager")
    if "micrograd" in med:
        print(f"  compiled is {med['micrograd'] / med['compiled']:.0f}x faster than micrograd")
    for k, v in info.items():
        print(f"  {k}: {v:.3g}" if isinstance(v, float) else f"  {k}: {v}")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--harness", type=Path, default=DEFAULT_HARNESS)
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--steps", type=int, default=5, help="mlp steps per round")
    ap.add_argument("--mix-ops", type=int, default=20000)
    ap.add_argument("--micrograd", action="store_true", help="time micrograd's mlp_step too")
    args = ap.parse_args(argv)
    H = load_harness(args.harness)
    print(f"python {sys.version.split()[0]}, gc enabled: {gc.isenabled()}")
    report("mlp_step", "ms/step", *bench_mlp(H, args.rounds, args.steps, args.micrograd))
    report("ops_mix", "ms", *bench_mix(H, args.rounds, args.mix_ops))


if __name__ == "__main__":
    main()
