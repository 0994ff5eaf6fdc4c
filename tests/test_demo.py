"""The training demo: files written, options checked, and the promised accuracy."""

import argparse
import io
import shutil
import sys

import pytest

from autograd.cli import demo
from autograd.cli.main import main
from autograd.nn import MLP, load


def test_writes_every_output(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["demo", "--epochs", "3", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    for name in ("decision_boundary.png", "loss_curve.png"):
        assert (out / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    model = load(out / "model.json")
    assert isinstance(model, MLP) and model.nouts == [16, 16, 1] and model.num_parameters() == 337
    if shutil.which("dot"):
        svg = (out / "neuron.svg").read_text()
        assert "<svg" in svg and "L0.N0.w0" in svg  # the expanded view: products, no fused node
        assert "×" in svg and ">linear<" not in svg
    else:
        assert "Graphviz" in text
    assert "training accuracy" in text and "held-out accuracy" in text


def test_reaches_97_percent_on_moons(tmp_path):
    parser = argparse.ArgumentParser()
    demo.add_arguments(parser)
    args = parser.parse_args(["--out", str(tmp_path)])
    result = demo.train(args, io.StringIO())
    assert len(result["X"]) == 100
    assert result["train_accuracy"] >= 0.97
    assert result["test_accuracy"] >= 0.9
    assert result["history"][-1] < 0.2 * result["history"][0]


def test_works_without_tqdm_matplotlib_or_graphviz(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setattr(shutil, "which", lambda name: None)
    parser = argparse.ArgumentParser()
    demo.add_arguments(parser)
    args = parser.parse_args(["--epochs", "10", "--dataset", "spirals", "--out", str(tmp_path)])
    buf = io.StringIO()
    assert demo.run(args, buf) == 0
    text = buf.getvalue()
    assert "epoch   10  loss" in text
    assert "matplotlib is not installed" in text and "Graphviz" in text
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.json"]
    assert load(tmp_path / "model.json").nouts == [16, 16, 3]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--optimizer", "rmsprop"], "invalid choice: 'rmsprop'"),
        (["--epochs", "0"], "expected a positive int"),
        (["--lr", "nan"], "expected a positive float"),
        (["--hidden", "16,x"], "comma-separated positive layer sizes"),
        (["--dataset", "mnist"], "invalid choice: 'mnist'"),
        (["--activation", "linear"], "invalid choice"),
    ],
)
def test_bad_options_exit_2(argv, message, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["demo", *argv])
    assert exc.value.code == 2
    assert message in capsys.readouterr().err


def test_no_subcommand_still_explains(capsys):
    assert main([]) == 0
    assert "One neuron" in capsys.readouterr().out
