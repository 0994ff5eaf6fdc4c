"""The demo's compiled training step: the same losses and weights as its eager loop."""

import argparse
import io

from autograd.cli import demo
from autograd.nn import Task


def train(monkeypatch, threshold, extra=()):
    monkeypatch.setattr(demo, "COMPILE_MIN_EPOCHS", threshold)
    parser = argparse.ArgumentParser()
    demo.add_arguments(parser)
    args = parser.parse_args(["--epochs", "12", "--points", "40", "--hidden", "8", *extra])
    return demo.train(args, io.StringIO())


def test_compiled_demo_matches_eager(monkeypatch):
    for extra in ((), ("--optimizer", "adam")):
        compiled = train(monkeypatch, 1, extra)
        eager = train(monkeypatch, 10**9, extra)
        assert compiled["history"] == eager["history"]
        assert compiled["model"].state_dict() == eager["model"].state_dict()
        assert compiled["train_accuracy"] == eager["train_accuracy"]


def test_softmax_tasks_stay_eager(monkeypatch):
    monkeypatch.setattr(demo, "COMPILE_MIN_EPOCHS", 1)
    task = Task([0, 1, 2])
    assert demo._compiled_step(None, task, [], [], None, 100) is None
