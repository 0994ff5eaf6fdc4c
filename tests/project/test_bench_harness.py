"""benchmarks/harness.py on tiny sizes: it runs, it renders, and its cross-check catches a liar."""

from __future__ import annotations

import gc
import importlib.util
import sys
from dataclasses import replace
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

HARNESS = Path(__file__).resolve().parents[2] / "benchmarks" / "harness.py"


def _load() -> ModuleType:
    before = (gc.isenabled(), gc.get_threshold(), sys.getrecursionlimit())
    spec = importlib.util.spec_from_file_location("bench_harness", HARNESS)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules["bench_harness"] = mod  # dataclasses look their module up here
    spec.loader.exec_module(mod)
    assert (gc.isenabled(), gc.get_threshold(), sys.getrecursionlimit()) == before
    return mod


H = _load()
TINY = replace(
    H.QUICK,
    rounds=1,
    mlp_steps=1,
    wide_n=300,
    mix_ops=300,
    mix_width=60,
    mem_nodes=2000,
    depths=(100,),
    min_round_s=0.0,
)


def _quiet(_: str) -> None:
    pass


def _suite(engines: tuple[str, ...], workloads: tuple[str, ...], **kw: Any) -> Any:
    return H.Suite("test", engines, workloads, **kw)


def test_own_engines_agree_and_render(tmp_path: Path) -> None:
    suite = _suite(
        ("autograd", "compiled", "floor"), ("mlp_step", "wide_sum", "ops_mix", "ops_mix_basic")
    )
    results = H.run_suite(suite, TINY, log=_quiet)
    assert results["errors"] == [] and results["meta"]["warnings"] == []
    rows = results["workloads"]
    for engine in ("autograd", "floor"):
        assert all(rows[w]["engines"][engine]["median"] > 0 for w in rows)
    assert rows["mlp_step"]["engines"]["compiled"]["nodes"] > 0
    assert "n/a (not measured)" in H.markdown(results)  # compiled has no wide_sum
    path = H.write(results, tmp_path, None)
    assert path.read_text().startswith("| workload | autograd | compiled | floor |")


def test_subprocess_workloads() -> None:
    suite = _suite(("autograd", "floor"), ("chain_depth", "mem_per_node"))
    results = H.run_suite(suite, TINY, log=_quiet)
    chain = results["chain_depth"]
    assert chain["lin"]["autograd"]["max_ok"] == 100
    assert chain["tanh"]["floor"]["max_ok"] == 100
    assert 0 < results["mem_per_node"]["autograd"]["bytes_per_node"] < 1000
    assert "| lin | autograd | 1e2 |" in H.markdown(results)


class Liar(H.AutogradEngine):  # type: ignore[name-defined,misc]
    """Fast and wrong: every value and gradient it reports is off by one part in a million."""

    name = "liar"

    def data(self, v: Any) -> float:
        return super().data(v) * (1 + 1e-6)

    def grad(self, v: Any) -> float:
        return super().grad(v) * (1 + 1e-6)


def test_cross_check_catches_a_wrong_engine() -> None:
    suite = _suite(("autograd", "floor"), ("mlp_step", "wide_sum", "ops_mix_basic"))
    with pytest.raises(H.CrossCheckError) as err:
        H.run_suite(suite, TINY, extra_engines=[Liar()], log=_quiet)
    message = str(err.value)
    for workload in ("mlp_step", "wide_sum", "ops_mix_basic"):
        assert f"{workload}: liar:" in message
    assert "autograd:" not in message and "floor:" not in message


class NoExp(H.FloorEngine):  # type: ignore[name-defined,misc]
    name = "noexp"
    ops = frozenset({"relu", "pow", "div"})


def test_missing_operation_is_na() -> None:
    results = H.run_suite(
        _suite(("floor",), ("ops_mix",)), TINY, extra_engines=[NoExp()], log=_quiet
    )
    assert results["workloads"]["ops_mix"]["engines"]["noexp"] == {"na": "no exp, log, tanh"}
    assert "n/a (no exp, log, tanh)" in H.markdown(results)


@pytest.mark.parametrize("name", ["micrograd", "torch"])
def test_optional_engine_agrees(name: str) -> None:
    pytest.importorskip(name)
    workloads = ("wide_sum", "ops_mix_basic") + (("ops_mix",) if name == "torch" else ())
    results = H.run_suite(_suite((name, "floor"), workloads), TINY, log=_quiet)
    assert results["errors"] == []
    assert all("median" in results["workloads"][w]["engines"][name] for w in workloads)


def _in_a_git_checkout() -> bool:
    import subprocess

    done = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=HARNESS.parent, capture_output=True, check=False
    )
    return done.returncode == 0


@pytest.mark.skipif(not _in_a_git_checkout(), reason="the baseline engine reads git history")
def test_the_baseline_engine_measures_another_revision_side_by_side(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``--baseline REV``: that revision's package, loaded beside this one, checked like any
    engine (a baseline that computed other numbers would fail the cross-check)."""
    monkeypatch.delenv("BENCH_BASELINE_DIR", raising=False)
    monkeypatch.setenv("BENCH_BASELINE", "HEAD")
    results = H.run_suite(
        _suite(("autograd", "baseline", "floor"), ("mlp_step", "ops_mix")), TINY, log=_quiet
    )
    assert results["errors"] == []
    engine = H.BaselineEngine()
    assert engine.Value.__module__.startswith("autograd_baseline")
    assert results["workloads"]["mlp_step"]["engines"]["baseline"]["median"] > 0
    assert "autograd before" in H.markdown(results)


def test_a_revision_that_is_not_there_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BENCH_BASELINE_DIR", raising=False)
    monkeypatch.setenv("BENCH_BASELINE", "no-such-revision-anywhere")
    with pytest.raises(ImportError, match="baseline: git archive no-such-revision-anywhere"):
        H.baseline_package()
